//! A statement lexed the way the detector and the rules read it.
//!
//! A statement for a known database is read in its dialect. One for an unknown database (the
//! generic dialect) is also read as MySQL reads it, because the detector and the rules both
//! take the stricter of the two readings (an attacker writes for the database that is really
//! there). Both readings are made here, once, so that one lexing serves the detector, the
//! sink rules' "is this match data?" question and the engine's cache of recent statements
//! ([`crate::statement_cache`]), which keeps this value for a statement checked again.

use std::ops::Range;

use super::dialect::Dialect;
use super::lexer::SqlLexer;
use super::quoted::inside_quoted_literal;
use super::token::{LexError, Token};

/// The tokens of one statement in its dialect (and as MySQL for the generic dialect), or where
/// the lexer gave up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexedStatement {
    dialect: Dialect,
    own: Result<Vec<Token>, LexError>,
    /// As MySQL reads it; only for [`Dialect::Generic`].
    mysql: Option<Result<Vec<Token>, LexError>>,
}

impl LexedStatement {
    /// Lexes `sql` in `dialect`, and as MySQL too when the dialect is the generic one.
    pub fn lex(dialect: Dialect, sql: &[u8]) -> LexedStatement {
        LexedStatement {
            dialect,
            own: SqlLexer::new(dialect).tokens(sql),
            mysql: (dialect == Dialect::Generic).then(|| SqlLexer::new(Dialect::MySql).tokens(sql)),
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The statement's tokens in its own dialect.
    pub fn own(&self) -> Result<&[Token], &LexError> {
        self.own.as_deref()
    }

    /// The statement's tokens as MySQL reads it, for the generic dialect; `None` otherwise.
    pub fn mysql(&self) -> Option<Result<&[Token], &LexError>> {
        self.mysql.as_ref().map(|r| r.as_deref())
    }

    /// Whether every reading lexed and has each of `regions` strictly inside one quoted string
    /// literal ([`super::quoted`]).
    pub fn all_inside_quoted_literals<R>(&self, sql: &[u8], regions: R) -> bool
    where
        R: IntoIterator<Item = Range<usize>> + Clone,
    {
        let inside = |reading: Result<&[Token], &LexError>| {
            reading.is_ok_and(|tokens| {
                regions
                    .clone()
                    .into_iter()
                    .all(|r| inside_quoted_literal(sql, tokens, &r))
            })
        };
        inside(self.own()) && self.mysql().is_none_or(inside)
    }

    /// Tokens held, both readings together: what keeping this value costs in memory.
    pub fn token_count(&self) -> usize {
        let count = |r: &Result<Vec<Token>, LexError>| r.as_ref().map_or(0, Vec::len);
        count(&self.own) + self.mysql.as_ref().map_or(0, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generic_dialect_is_also_read_as_mysql() {
        let sql = br#"SELECT * FROM t WHERE a = "x' OR 1=1 -- " "#;
        let generic = LexedStatement::lex(Dialect::Generic, sql);
        assert_eq!(
            generic.own(),
            SqlLexer::new(Dialect::Generic).tokens(sql).as_deref()
        );
        assert_eq!(
            generic.mysql(),
            Some(SqlLexer::new(Dialect::MySql).tokens(sql).as_deref())
        );
        assert_ne!(
            generic.own(),
            generic.mysql().unwrap(),
            "the readings differ here"
        );
        let h2 = LexedStatement::lex(Dialect::H2, sql);
        assert_eq!(h2.mysql(), None);
        assert_eq!(h2.dialect(), Dialect::H2);
        let (own, mysql) = (generic.own().unwrap(), generic.mysql().unwrap().unwrap());
        assert_eq!(generic.token_count(), own.len() + mysql.len());
    }

    #[test]
    fn a_statement_the_lexer_cannot_read_keeps_the_error() {
        let lexed = LexedStatement::lex(Dialect::PostgreSql, b"SELECT 'abc");
        assert_eq!(lexed.own(), Err(&LexError::UnterminatedString(7)));
        assert_eq!(lexed.token_count(), 0);
    }
}
