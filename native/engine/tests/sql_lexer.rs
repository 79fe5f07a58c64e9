//! Table-driven lexer tests: for each dialect, a statement and the tokens it must produce
//! (whitespace left out), written as `kind:text`.

use rasp_engine::sql::{Dialect, LexError, SqlLexer, TokenKind};

use Dialect::*;

fn lex(dialect: Dialect, sql: &str) -> Result<Vec<String>, LexError> {
    let tokens = SqlLexer::new(dialect).tokens(sql.as_bytes())?;
    // Tokens tile the input: no byte is lost or counted twice.
    let mut at = 0;
    for t in &tokens {
        assert_eq!(t.start, at, "gap before {t:?} in {sql:?}");
        at = t.end;
    }
    assert_eq!(at, sql.len());
    Ok(tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Whitespace)
        .map(|t| format!("{}:{}", t.kind.name(), &sql[t.start..t.end]))
        .collect())
}

fn check(cases: &[(Dialect, &str, &[&str])]) {
    for (dialect, sql, want) in cases {
        let got = lex(*dialect, sql).unwrap_or_else(|e| panic!("[{dialect}] {sql:?}: {e}"));
        assert_eq!(got, *want, "[{dialect}] {sql:?}");
    }
}

#[test]
fn common_tokens_in_every_dialect() {
    for d in Dialect::ALL {
        check(&[
            (
                d,
                "SELECT a, b.c FROM t WHERE x = 'it''s' AND y >= -1.5e3;",
                &[
                    "word:SELECT",
                    "word:a",
                    "comma:,",
                    "word:b",
                    "dot:.",
                    "word:c",
                    "word:FROM",
                    "word:t",
                    "word:WHERE",
                    "word:x",
                    "op:=",
                    "string:'it''s'",
                    "word:AND",
                    "word:y",
                    "op:>=",
                    "op:-",
                    "number:1.5e3",
                    "semicolon:;",
                ],
            ),
            (
                d,
                "a <> b != c || d",
                &[
                    "word:a", "op:<>", "word:b", "op:!=", "word:c", "op:||", "word:d",
                ],
            ),
            (
                d,
                "f(?, 0x1F, .5) /* c */",
                &[
                    "word:f",
                    "lparen:(",
                    "param:?",
                    "comma:,",
                    "number:0x1F",
                    "comma:,",
                    "number:.5",
                    "rparen:)",
                    "block-comment:/* c */",
                ],
            ),
            (d, "N'x' X'41'", &["string:N'x'", "string:X'41'"]),
            (
                d,
                "x -- rest\ny",
                &["word:x", "line-comment:-- rest", "word:y"],
            ),
            (d, "café = 'ü'", &["word:café", "op:=", "string:'ü'"]),
        ]);
        assert_eq!(
            lex(d, "a = 'open"),
            Err(LexError::UnterminatedString(4)),
            "[{d}]"
        );
    }
}

#[test]
fn mysql() {
    check(&[
        (MySql, r"'a\'b' x", &[r"string:'a\'b'", "word:x"]),
        (
            MySql,
            "\"dq\" `bt`` x`",
            &["string:\"dq\"", "quoted-ident:`bt`` x`"],
        ),
        (
            MySql,
            "1 # hash\n2",
            &["number:1", "line-comment:# hash", "number:2"],
        ),
        (MySql, "1--2", &["number:1", "op:-", "op:-", "number:2"]),
        (MySql, "1-- 2", &["number:1", "line-comment:-- 2"]),
        (
            MySql,
            "1 /*!50000 UNION */ 2",
            &[
                "number:1",
                "exec-comment:/*!50000",
                "word:UNION",
                "exec-comment:*/",
                "number:2",
            ],
        ),
        (
            MySql,
            "@a := @@version",
            &["param:@a", "op::=", "param:@@version"],
        ),
        (MySql, "a <=> b", &["word:a", "op:<=>", "word:b"]),
    ]);
    assert_eq!(lex(MySql, r"'a\'"), Err(LexError::UnterminatedString(0)));
}

#[test]
fn postgresql() {
    check(&[
        (
            PostgreSql,
            "$$a 'b' c$$ $t$x$t$",
            &["string:$$a 'b' c$$", "string:$t$x$t$"],
        ),
        (
            PostgreSql,
            r"E'a\'b' 'c\'",
            &[r"string:E'a\'b'", r"string:'c\'"],
        ),
        (
            PostgreSql,
            "/* a /* b */ c */ x",
            &["block-comment:/* a /* b */ c */", "word:x"],
        ),
        (
            PostgreSql,
            "x::int $1",
            &["word:x", "op:::", "word:int", "param:$1"],
        ),
        (PostgreSql, "U&'d\\0061t'", &["string:U&'d\\0061t'"]),
        (
            PostgreSql,
            "\"Quoted \"\"id\"\"\"",
            &["quoted-ident:\"Quoted \"\"id\"\"\""],
        ),
        (PostgreSql, "a # b", &["word:a", "op:#", "word:b"]),
    ]);
    assert_eq!(
        lex(PostgreSql, "$x$ open"),
        Err(LexError::UnterminatedString(0))
    );
    assert_eq!(
        lex(PostgreSql, "/* /* */"),
        Err(LexError::UnterminatedComment(0))
    );
}

#[test]
fn oracle_sqlserver_sqlite_h2_hsqldb_db2() {
    check(&[
        (
            Oracle,
            "q'[it's]' Q'{a}' nq'!b!'",
            &["string:q'[it's]'", "string:Q'{a}'", "string:nq'!b!'"],
        ),
        (Oracle, ":name", &["param::name"]),
        (
            SqlServer,
            "[a ]] b] N'x' @v",
            &["quoted-ident:[a ]] b]", "string:N'x'", "param:@v"],
        ),
        (
            SqlServer,
            "/* a /* b */ */",
            &["block-comment:/* a /* b */ */"],
        ),
        (
            Sqlite,
            "[a] `b` ?1 /* open",
            &[
                "quoted-ident:[a]",
                "quoted-ident:`b`",
                "param:?1",
                "block-comment:/* open",
            ],
        ),
        (
            H2,
            "1 // c\n$$x$$ `b`",
            &[
                "number:1",
                "line-comment:// c",
                "string:$$x$$",
                "quoted-ident:`b`",
            ],
        ),
        (HsqlDb, "1 // c", &["number:1", "line-comment:// c"]),
        (
            Db2,
            "/* a /* b */ */ x",
            &["block-comment:/* a /* b */ */", "word:x"],
        ),
        (Generic, "1 // 2", &["number:1", "op:/", "op:/", "number:2"]),
        (
            Generic,
            "/* a /* b */ x",
            &["block-comment:/* a /* b */", "word:x"],
        ),
    ]);
    assert_eq!(lex(SqlServer, "[open"), Err(LexError::UnterminatedIdent(0)));
    assert_eq!(
        lex(Oracle, "q'[open'"),
        Err(LexError::UnterminatedString(0))
    );
    assert_eq!(lex(MySql, "/* open"), Err(LexError::UnterminatedComment(0)));
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Every byte value in every position of a short statement, in every dialect.
    for d in Dialect::ALL {
        for b in 0..=255u8 {
            let mut s = b"SELECT 'a' FROM t WHERE x = ".to_vec();
            s.push(b);
            s.extend_from_slice(b" -- ");
            s.push(b);
            let _ = SqlLexer::new(d).tokens(&s);
        }
    }
}

/// The dialects whose tokenizer skips U+00A0 (see `rasp_engine::sql::whitespace`): H2, HSQLDB,
/// MySQL over a latin1 connection, and the ones we cannot read (Oracle, SQL Server, DB2,
/// generic). PostgreSQL and SQLite read it as part of a name; Derby rejects it.
fn splits_on_nbsp(d: Dialect) -> bool {
    !matches!(d, PostgreSql | Sqlite | Derby)
}

#[test]
fn unicode_whitespace_per_dialect() {
    for d in Dialect::ALL {
        let split = splits_on_nbsp(d);
        let nbsp: &[&str] = if split {
            &["word:UNION", "word:SELECT"]
        } else {
            &["word:UNION\u{a0}SELECT"]
        };
        // MySQL makes `"…"` a string; everywhere else it is a quoted name.
        let dq = if d == MySql {
            "string:\"a\u{3000}b\""
        } else {
            "quoted-ident:\"a\u{3000}b\""
        };
        check(&[
            (d, "UNION\u{a0}SELECT", nbsp),
            // Inside literals, quoted names and comments, a space is data in every dialect.
            (d, "'Jean\u{a0}Dupont'", &["string:'Jean\u{a0}Dupont'"]),
            (d, "\"a\u{3000}b\"", &[dq]),
            (
                d,
                "1 /* a\u{a0}b */",
                &["number:1", "block-comment:/* a\u{a0}b */"],
            ),
            // Other non-ASCII letters and format characters stay inside names everywhere.
            (d, "café\u{200b}x ü", &["word:café\u{200b}x", "word:ü"]),
            // A line comment ends at CR as well as LF.
            (d, "x -- c\ry", &["word:x", "line-comment:-- c", "word:y"]),
        ]);
        // MySQL's extra space is U+00A0 alone (the latin1 byte 0xA0).
        let ideographic: &[&str] = if split && d != MySql {
            &["number:1", "word:OR", "number:1"]
        } else {
            &["number:1", "word:\u{3000}OR\u{3000}1"]
        };
        check(&[(d, "1\u{3000}OR\u{3000}1", ideographic)]);
        // U+0085 (NEXT LINE) is whitespace only in the SQL standard's list (HSQLDB) and so in
        // the dialects we cannot read; H2 reads it as part of a name.
        let nel = matches!(d, HsqlDb | Generic | Oracle | SqlServer | Db2);
        let want: &[&str] = if nel {
            &["word:a", "word:b"]
        } else {
            &["word:a\u{85}b"]
        };
        check(&[(d, "a\u{85}b", want)]);
    }
    // Spaces past U+00A0: H2 (Character.isSpaceChar) and HSQLDB, not MySQL.
    for (d, want) in [
        (H2, &["word:a", "word:b"][..]),
        (HsqlDb, &["word:a", "word:b"][..]),
        (MySql, &["word:a\u{2003}b"][..]),
        (PostgreSql, &["word:a\u{2003}b"][..]),
    ] {
        check(&[(d, "a\u{2003}b", want)]);
    }
    check(&[
        // Parameters and MySQL's comment opener end at the dialect's spaces too.
        (H2, ":name\u{a0}x", &["param::name", "word:x"]),
        (MySql, "@v\u{a0}x", &["param:@v", "word:x"]),
        (MySql, "1--\u{a0}x", &["number:1", "line-comment:--\u{a0}x"]),
        (
            PostgreSql,
            "1--\u{a0}x",
            &["number:1", "line-comment:--\u{a0}x"],
        ),
        (H2, "$$a\u{a0}b$$", &["string:$$a\u{a0}b$$"]),
    ]);
}

#[test]
fn derby() {
    check(&[
        // No backslash escapes: a trailing backslash does not swallow the closing quote.
        (Derby, r"'C:\Users\' x", &[r"string:'C:\Users\'", "word:x"]),
        (Derby, "'it''s'", &["string:'it''s'"]),
        // Bracketed comments nest (Derby prepares `SELECT 1 /* a /* b */ c */ FROM …`).
        (
            Derby,
            "/* a /* b */ c */ x",
            &["block-comment:/* a /* b */ c */", "word:x"],
        ),
        (
            Derby,
            "1 --c\n2",
            &["number:1", "line-comment:--c", "number:2"],
        ),
        (
            Derby,
            "\"Quoted \"\"x\"\"\"",
            &["quoted-ident:\"Quoted \"\"x\"\"\""],
        ),
        // None of MySQL's, H2's or SQL Server's extras.
        (Derby, "a # b", &["word:a", "op:#", "word:b"]),
        (Derby, "1 // 2", &["number:1", "op:/", "op:/", "number:2"]),
        (Derby, "`a`", &["other:`", "word:a", "other:`"]),
        (Derby, "[a]", &["other:[", "word:a", "other:]"]),
        (Derby, "$$a$$", &["other:$", "other:$", "word:a$$"]),
    ]);
    assert_eq!(
        lex(Derby, "/* /* */"),
        Err(LexError::UnterminatedComment(0))
    );
    assert_eq!(
        lex(Derby, r"'a\' b '"),
        Err(LexError::UnterminatedString(7))
    );
}

/// The token vector is reserved for ordinary statements up front: the load test's two statements
/// (one space token between every two words) fit without the vector growing and being copied.
#[test]
fn ordinary_statements_fit_the_reserved_token_vector() {
    for sql in [
        "SELECT id, name, email, role FROM users WHERE name = 'alice' AND role <> 'locked'",
        "SELECT id, name, email, role FROM users WHERE name LIKE '%red running shoes%' OR email \
         LIKE '%red running shoes%' ORDER BY id",
    ] {
        let tokens = SqlLexer::new(H2).tokens(sql.as_bytes()).unwrap();
        let reserved = sql.len() / 3 + 8;
        assert!(
            tokens.len() <= reserved && tokens.capacity() == reserved,
            "{} tokens, capacity {} (reserved {reserved}) for {} bytes: {sql}",
            tokens.len(),
            tokens.capacity(),
            sql.len()
        );
    }
}
