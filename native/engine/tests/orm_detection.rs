//! JPQL/HQL: the lexer's rules (checked against Hibernate 6.5's own lexer) and table-driven
//! detection (query template, input, expected verdict), every attack with a benign twin.

use rasp_engine::input::{Input, InputSource};
use rasp_engine::orm::{detect, OrmLexer, QueryLanguage};
use rasp_engine::sql::{SqlRule, TokenKind};
use rasp_engine::{ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};

use QueryLanguage::*;
use SqlRule::*;

fn kinds(q: &str) -> Vec<(&'static str, String)> {
    OrmLexer::new()
        .tokens(q.as_bytes())
        .expect("lexes")
        .iter()
        .filter(|t| t.kind != TokenKind::Whitespace)
        .map(|t| (t.kind.name(), q[t.start..t.end].to_string()))
        .collect()
}

fn lexes_as(q: &str, want: &[(&str, &str)]) {
    let got = kinds(q);
    let got: Vec<(&str, &str)> = got.iter().map(|(k, t)| (*k, t.as_str())).collect();
    assert_eq!(got, want, "{q}");
}

#[test]
fn lexical_rules_follow_hibernate() {
    // A backslash does not escape in '...': the literal ends at the next quote.
    lexes_as(
        r"'a\' OR 1=1",
        &[
            ("string", r"'a\'"),
            ("word", "OR"),
            ("number", "1"),
            ("op", "="),
            ("number", "1"),
        ],
    );
    lexes_as("'it''s'", &[("string", "'it''s'")]);
    // "..." and J'...' are Java strings: backslash escapes, "" is two literals.
    lexes_as(r#""a\"b" x"#, &[("string", r#""a\"b""#), ("word", "x")]);
    lexes_as(r#""a""b""#, &[("string", r#""a""#), ("string", r#""b""#)]);
    lexes_as(r"J'java\'s' x", &[("string", r"J'java\'s'"), ("word", "x")]);
    lexes_as("X'0f'", &[("string", "X'0f'")]);
    lexes_as("`a b`", &[("quoted-ident", "`a b`")]);
    // No line comments: `--` is two minus signs, `#` is no token; /* */ is a comment.
    lexes_as(
        "x -- y",
        &[("word", "x"), ("op", "-"), ("op", "-"), ("word", "y")],
    );
    lexes_as("x # y", &[("word", "x"), ("other", "#"), ("word", "y")]);
    lexes_as("/* c */ x", &[("block-comment", "/* c */"), ("word", "x")]);
    lexes_as(
        ":name ?1 ?",
        &[("param", ":name"), ("param", "?1"), ("param", "?")],
    );
    lexes_as(
        "1L 2.5F 3BD 0x1fL 1e5 1 Lx",
        &[
            ("number", "1L"),
            ("number", "2.5F"),
            ("number", "3BD"),
            ("number", "0x1fL"),
            ("number", "1e5"),
            ("number", "1"),
            ("word", "Lx"),
        ],
    );
    lexes_as(
        "u.id ^= 1",
        &[
            ("word", "u"),
            ("dot", "."),
            ("word", "id"),
            ("op", "^="),
            ("number", "1"),
        ],
    );
    assert!(OrmLexer::new().tokens(b"'open").is_err());
    assert!(OrmLexer::new().tokens(b"x /* open").is_err());
}

#[test]
fn lexer_never_panics_and_tiles_its_input() {
    let samples: [&[u8]; 10] = [
        b"",
        b"'",
        b"\"",
        b"`",
        b"/*",
        b"J'",
        b"X'",
        b"0x",
        b"\xff\xfe'\\",
        b"?:.:a'\\''",
    ];
    for s in samples {
        if let Ok(tokens) = OrmLexer::new().tokens(s) {
            let mut at = 0;
            for t in tokens {
                assert_eq!(t.start, at);
                at = t.end;
            }
            assert_eq!(at, s.len());
        }
    }
}

const STR: &str = "SELECT u FROM User u WHERE u.name = '{}'";
const NUM: &str = "SELECT u FROM User u WHERE u.id = {}";
const ORDER: &str = "SELECT u FROM User u ORDER BY {}";
const IN: &str = "SELECT u FROM User u WHERE u.id IN ({})";
const DQ: &str = "FROM User u WHERE u.name = \"{}\"";
const LIKE: &str = "SELECT u FROM User u WHERE u.name LIKE '%{}%' ORDER BY u.id";

struct Case {
    lang: QueryLanguage,
    template: &'static str,
    input: &'static str,
    want: Option<SqlRule>,
}

const fn case(
    lang: QueryLanguage,
    template: &'static str,
    input: &'static str,
    want: Option<SqlRule>,
) -> Case {
    Case {
        lang,
        template,
        input,
        want,
    }
}

fn context(input: &str) -> RequestContext {
    RequestContext::from_inputs(
        vec![
            Input::value(InputSource::Query, "name", input),
            Input::value(InputSource::Header, "Accept", "text/html,*/*;q=0.8"),
        ],
        ContextLimits::default(),
    )
}

const CASES: &[Case] = &[
    // The issue's attack, and its benign twins.
    case(
        Jpql,
        STR,
        "x' OR u.id IS NOT NULL OR 'a'='b",
        Some(Tautology),
    ),
    case(
        Hql,
        STR,
        "x' OR u.id IS NOT NULL OR 'a'='b",
        Some(Tautology),
    ),
    case(Jpql, STR, "alice", None),
    case(Jpql, STR, "O''Brien", None),
    case(Hql, STR, "x' OR 'a'='a", Some(Tautology)),
    case(Hql, STR, "x' OR 1=1 OR 'a'='b", Some(Tautology)),
    case(Hql, STR, "x' OR TRUE OR 'a'='b", Some(Tautology)),
    case(Hql, STR, "x' AND u.role = 'admin", Some(Structure)),
    case(Hql, STR, "x' AND u.role <> 'x", Some(Structure)),
    // HQL 6 has set operators.
    case(
        Hql,
        STR,
        "x' UNION SELECT s FROM Secret s WHERE 'a'='a",
        Some(Union),
    ),
    // A backslash is no escape in '...': `\'` closes the literal, so this is code ...
    case(
        Hql,
        STR,
        r"x\' OR u.id IS NOT NULL OR 'a'='b",
        Some(Tautology),
    ),
    // ... and a backslash alone is data.
    case(Hql, STR, r"C:\temp\", None),
    // `--` and `#` comment nothing: the input breaks the literal and stays unparsable or code.
    case(Hql, STR, "admin'--", Some(Unparsable)),
    case(Hql, STR, "admin' #", Some(Unparsable)),
    case(Hql, STR, "it's", Some(Unparsable)),
    case(Hql, STR, "x' /* c */ OR 'a'='a", Some(Tautology)),
    case(Hql, STR, "x'/*", Some(Comment)),
    case(Hql, STR, "a -- b # c /* d", None),
    // Double-quoted (Java) strings: backslash escapes.
    case(Hql, DQ, r#"x\" OR u.id IS NOT NULL OR \"a\"=\"b"#, None),
    case(
        Hql,
        DQ,
        r#"x" OR u.id IS NOT NULL OR "a"="b"#,
        Some(Tautology),
    ),
    case(Hql, DQ, "O'Brien", None),
    // Numeric, sort and IN positions.
    case(Jpql, NUM, "1 OR 1=1", Some(Tautology)),
    case(Jpql, NUM, "1 OR u.id IS NOT NULL", Some(Tautology)),
    case(Jpql, NUM, "42", None),
    case(Jpql, NUM, "42L", None),
    case(Jpql, NUM, "-1", None),
    case(Hql, ORDER, "u.name DESC, u.id", None),
    case(Hql, ORDER, "u.name, (SELECT 1)", Some(Structure)),
    case(Hql, IN, "1,2,3", None),
    case(Hql, IN, "1) OR (1=1", Some(Tautology)),
    case(Hql, IN, "1); DELETE FROM User u WHERE (1=1", Some(Stacked)),
    case(Hql, LIKE, "ali", None),
    case(
        Hql,
        LIKE,
        "%' OR u.id IS NOT NULL OR u.name LIKE '",
        Some(Tautology),
    ),
    // Parameters the input adds are structure (they bind nothing the application meant).
    case(Hql, NUM, "1 OR u.id = :id", Some(Structure)),
];

#[test]
fn jpql_and_hql_detection() {
    let mut failures = Vec::new();
    for c in CASES {
        let q = c.template.replace("{}", c.input);
        let got = detect(&context(c.input), q.as_bytes()).map(|f| f.rule);
        if got != c.want {
            failures.push(format!(
                "[{}] {:?} in {:?}: want {:?}, got {:?}",
                c.lang.name(),
                c.input,
                q,
                c.want,
                got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The engine routes the ORM API codes to the query-language lexer and names the language in
/// the event; native queries stay SQL in the sink's dialect.
#[test]
fn engine_routes_orm_apis() {
    let engine = Engine::new(EngineConfig::default());
    let input = "x' OR u.id IS NOT NULL OR 'a'='b";
    let query = STR.replace("{}", input);
    for (code, api, lang) in [
        (8, "jakarta.persistence.EntityManager.createQuery", "jpql"),
        (9, "jakarta.persistence.EntityManager.createQuery", "hql"),
        (11, "javax.persistence.EntityManager.createQuery", "jpql"),
        (12, "javax.persistence.EntityManager.createQuery", "hql"),
        (14, "org.hibernate.query.QueryProducer.createQuery", "hql"),
        (
            15,
            "org.hibernate.query.QueryProducer.createSelectionQuery",
            "hql",
        ),
        (
            16,
            "org.hibernate.query.QueryProducer.createMutationQuery",
            "hql",
        ),
    ] {
        let sink_api = SqlApi::from_code(code).expect("known code");
        assert_eq!(sink_api.name(), api);
        assert_eq!(sink_api.query_language().map(|l| l.name()), Some(lang));
        let ctx = context(input);
        let sink = SqlSink {
            dialect: rasp_engine::sql::Dialect::H2,
            api: sink_api,
            statement: query.as_bytes(),
        };
        let event = engine.check_sql(&ctx, &sink).event.expect("an event");
        assert_eq!(event.rule_id, "sqli.tautology", "{code}");
        assert_eq!(event.sink.api, api);
        assert_eq!(event.sink.dialect, Some(lang), "{code}");
    }
    for code in [10, 13, 17, 18] {
        let api = SqlApi::from_code(code).expect("known code");
        assert_eq!(api.query_language(), None, "{code} is SQL");
    }
    assert!(SqlApi::from_code(19).is_none());
    // A native query: SQL in the database's dialect.
    let native = "SELECT * FROM users WHERE name = 'x' OR id IS NOT NULL OR 'a'='b'";
    let ctx = context("x' OR id IS NOT NULL OR 'a'='b");
    let sink = SqlSink {
        dialect: rasp_engine::sql::Dialect::H2,
        api: SqlApi::from_code(10).expect("known code"),
        statement: native.as_bytes(),
    };
    let event = engine.check_sql(&ctx, &sink).event.expect("an event");
    assert_eq!(event.rule_id, "sqli.tautology");
    assert_eq!(event.sink.dialect, Some("h2"));
}
