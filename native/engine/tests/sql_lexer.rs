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
