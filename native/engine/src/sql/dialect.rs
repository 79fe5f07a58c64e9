//! SQL dialects and the lexical rules that tell them apart.
//!
//! Each dialect is a [`LexRules`] value: the lexer is one scanner driven by these flags, so a
//! dialect is added by describing its quoting and comment rules, not by writing a new lexer.

use std::fmt;

use super::whitespace::Whitespace;

/// A SQL dialect, as the JDBC URL names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    Generic,
    MySql,
    PostgreSql,
    Oracle,
    SqlServer,
    Sqlite,
    H2,
    HsqlDb,
    Db2,
    /// Apache Derby (also Java DB): standard strings without backslash escapes.
    Derby,
}

/// The lexical rules of one dialect.
#[derive(Clone, Copy, Debug)]
pub struct LexRules {
    /// `\'` and `\\` escape inside string literals (MySQL, and PostgreSQL `E''` strings).
    pub backslash_escapes: bool,
    /// `"..."` is a string literal, not an identifier (MySQL without ANSI_QUOTES).
    pub double_quote_is_string: bool,
    /// `# ...` line comments (MySQL).
    pub hash_comment: bool,
    /// `--` starts a comment only when followed by whitespace, a control character or the end (MySQL).
    pub dash_comment_needs_space: bool,
    /// `//` line comments (H2, HSQLDB).
    pub slash_comment: bool,
    /// Block comments nest (PostgreSQL, SQL Server, H2, DB2).
    pub nested_comments: bool,
    /// `/*! ... */` executable comments (MySQL, MariaDB).
    pub executable_comments: bool,
    /// An unterminated block comment runs to the end instead of being an error (SQLite).
    pub lenient_comment_end: bool,
    /// `` `ident` `` (MySQL, SQLite, H2 in compatibility modes).
    pub backtick_ident: bool,
    /// `[ident]` (SQL Server, SQLite).
    pub bracket_ident: bool,
    /// `$tag$ ... $tag$` strings (PostgreSQL; H2 `$$ ... $$`).
    pub dollar_quoting: bool,
    /// `E'...'` strings with backslash escapes (PostgreSQL).
    pub e_strings: bool,
    /// `q'[...]'` alternative quoting (Oracle).
    pub q_quote: bool,
    /// `$1` positional parameters (PostgreSQL).
    pub dollar_params: bool,
    /// The non-ASCII characters that separate tokens (see [`Whitespace`]).
    pub whitespace: Whitespace,
}

const BASE: LexRules = LexRules {
    backslash_escapes: false,
    double_quote_is_string: false,
    hash_comment: false,
    dash_comment_needs_space: false,
    slash_comment: false,
    nested_comments: false,
    executable_comments: false,
    lenient_comment_end: false,
    backtick_ident: false,
    bracket_ident: false,
    dollar_quoting: false,
    e_strings: false,
    q_quote: false,
    dollar_params: false,
    whitespace: Whitespace::SqlStandard,
};

impl Dialect {
    /// Every dialect, in code order.
    pub const ALL: [Dialect; 10] = [
        Dialect::Generic,
        Dialect::MySql,
        Dialect::PostgreSql,
        Dialect::Oracle,
        Dialect::SqlServer,
        Dialect::Sqlite,
        Dialect::H2,
        Dialect::HsqlDb,
        Dialect::Db2,
        Dialect::Derby,
    ];

    /// The code used across the native boundary.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The dialect for a boundary code; unknown codes fall back to the generic lexer.
    pub fn from_code(code: i32) -> Dialect {
        usize::try_from(code)
            .ok()
            .and_then(|i| Dialect::ALL.get(i).copied())
            .unwrap_or(Dialect::Generic)
    }

    /// A stable lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Generic => "generic",
            Dialect::MySql => "mysql",
            Dialect::PostgreSql => "postgresql",
            Dialect::Oracle => "oracle",
            Dialect::SqlServer => "sqlserver",
            Dialect::Sqlite => "sqlite",
            Dialect::H2 => "h2",
            Dialect::HsqlDb => "hsqldb",
            Dialect::Db2 => "db2",
            Dialect::Derby => "derby",
        }
    }

    /// Parses a name as [`Dialect::name`] gives it (also `mariadb`, `postgres`, `mssql`).
    pub fn from_name(name: &str) -> Option<Dialect> {
        let lower = name.to_ascii_lowercase();
        let d = match lower.as_str() {
            "generic" | "ansi" => Dialect::Generic,
            "mysql" | "mariadb" => Dialect::MySql,
            "postgresql" | "postgres" | "pg" => Dialect::PostgreSql,
            "oracle" => Dialect::Oracle,
            "sqlserver" | "mssql" => Dialect::SqlServer,
            "sqlite" => Dialect::Sqlite,
            "h2" => Dialect::H2,
            "hsqldb" => Dialect::HsqlDb,
            "db2" => Dialect::Db2,
            "derby" | "javadb" => Dialect::Derby,
            _ => return None,
        };
        Some(d)
    }

    /// The dialect a JDBC URL connects to: the first colon-separated part of the URL that names
    /// a known subprotocol, so wrapping drivers (`jdbc:p6spy:mysql:`, `jdbc:aws-wrapper:mysql:`,
    /// `jdbc:otel:postgresql:`) resolve to the database behind them. Unknown drivers get the
    /// generic dialect, which the detector reads strictly (see [`mod@crate::sql::detect`]).
    pub fn from_jdbc_url(url: &str) -> Dialect {
        let lower = url.trim().to_ascii_lowercase();
        let rest = lower.strip_prefix("jdbc:").unwrap_or(&lower);
        rest.split(':')
            .take_while(|part| !part.starts_with("//") && !part.starts_with('@'))
            .find_map(|part| {
                Some(match part {
                    "mysql" | "mariadb" => Dialect::MySql,
                    "postgresql" | "pgsql" => Dialect::PostgreSql,
                    "oracle" => Dialect::Oracle,
                    "sqlserver" => Dialect::SqlServer,
                    "sqlite" => Dialect::Sqlite,
                    "h2" => Dialect::H2,
                    "hsqldb" => Dialect::HsqlDb,
                    "db2" | "as400" => Dialect::Db2,
                    "derby" => Dialect::Derby,
                    _ => return None,
                })
            })
            .unwrap_or(Dialect::Generic)
    }

    /// The lexical rules of this dialect.
    pub fn rules(self) -> LexRules {
        match self {
            // Unknown databases: every whitespace any of them skips (see `Whitespace`).
            Dialect::Generic => BASE,
            Dialect::MySql => LexRules {
                backslash_escapes: true,
                double_quote_is_string: true,
                hash_comment: true,
                dash_comment_needs_space: true,
                executable_comments: true,
                backtick_ident: true,
                whitespace: Whitespace::AsciiNbsp,
                ..BASE
            },
            Dialect::PostgreSql => LexRules {
                nested_comments: true,
                dollar_quoting: true,
                e_strings: true,
                dollar_params: true,
                whitespace: Whitespace::Ascii,
                ..BASE
            },
            Dialect::Oracle => LexRules {
                q_quote: true,
                ..BASE
            },
            Dialect::SqlServer => LexRules {
                nested_comments: true,
                bracket_ident: true,
                ..BASE
            },
            Dialect::Sqlite => LexRules {
                backtick_ident: true,
                bracket_ident: true,
                lenient_comment_end: true,
                whitespace: Whitespace::Ascii,
                ..BASE
            },
            Dialect::H2 => LexRules {
                slash_comment: true,
                nested_comments: true,
                dollar_quoting: true,
                backtick_ident: true,
                whitespace: Whitespace::JavaSpaceChar,
                ..BASE
            },
            Dialect::HsqlDb => LexRules {
                slash_comment: true,
                ..BASE
            },
            Dialect::Db2 => LexRules {
                nested_comments: true,
                ..BASE
            },
            // Derby's `sqlgrammar.jj`: `''` doubling and no backslash escapes (`'C:\'` is a
            // whole literal), `--` and bracketed comments, which nest (`/* a /* b */ c */`
            // prepares), `"` identifiers, and no `#`, `//`, backtick or `$$` syntax.
            Dialect::Derby => LexRules {
                nested_comments: true,
                whitespace: Whitespace::Ascii,
                ..BASE
            },
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jdbc_urls_map_to_dialects() {
        let cases = [
            ("jdbc:mysql://db:3306/app", Dialect::MySql),
            ("jdbc:mariadb://db/app", Dialect::MySql),
            ("jdbc:postgresql://127.0.0.1:5432/x", Dialect::PostgreSql),
            ("jdbc:oracle:thin:@//h:1521/s", Dialect::Oracle),
            ("jdbc:sqlserver://h;databaseName=x", Dialect::SqlServer),
            ("jdbc:jtds:sqlserver://h/x", Dialect::SqlServer),
            ("jdbc:sqlite:/tmp/a.db", Dialect::Sqlite),
            ("jdbc:h2:mem:test", Dialect::H2),
            ("JDBC:H2:file:/x", Dialect::H2),
            ("jdbc:hsqldb:mem:x", Dialect::HsqlDb),
            ("jdbc:db2://h:50000/x", Dialect::Db2),
            ("jdbc:p6spy:mysql://h/x", Dialect::MySql),
            ("jdbc:aws-wrapper:mysql://h/x", Dialect::MySql),
            ("jdbc:otel:postgresql://h/x", Dialect::PostgreSql),
            ("jdbc:sqlserver://h;databaseName=mysql", Dialect::SqlServer),
            ("jdbc:derby:memory:x", Dialect::Derby),
            ("jdbc:derby://db:1527/app;create=true", Dialect::Derby),
            ("jdbc:log4jdbc:derby:directory:/x", Dialect::Derby),
            ("jdbc:custom://h2:5432/x", Dialect::Generic),
            ("", Dialect::Generic),
        ];
        for (url, want) in cases {
            assert_eq!(Dialect::from_jdbc_url(url), want, "{url}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for d in Dialect::ALL {
            assert_eq!(Dialect::from_code(d.code()), d);
            assert_eq!(Dialect::from_name(d.name()), Some(d));
        }
        assert_eq!(Dialect::from_code(-1), Dialect::Generic);
        assert_eq!(Dialect::from_code(99), Dialect::Generic);
    }
}
