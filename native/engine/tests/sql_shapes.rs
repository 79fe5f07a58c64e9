//! A statement judged by its shape (`statement_shapes`: one lexed before, differing only in
//! input inside string literals) gets the verdict lexing it afresh gives.
//!
//! For every dialect and a set of templates that put the input in every kind of place (plain,
//! prefixed, double-quoted, dollar-quoted and q-quoted literals, identifiers, comments, numbers,
//! two places at once, behind a backslash), an engine first sees the template with two benign
//! words, so that it knows the shape wherever the input sits inside a literal; then inputs
//! made of the bytes literals react to and of bytes they do not are checked through that engine
//! and with the detector alone, and must get the same verdict. The shortcut must also be taken
//! (the count of checks judged by shape grows), or the comparison would prove nothing.

use rasp_engine::input::{Input, InputSource};
use rasp_engine::sql::{detect, Dialect};
use rasp_engine::statement_shapes::statements_judged_by_shape;
use rasp_engine::{Action, ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};

const DIALECTS: [Dialect; 10] = Dialect::ALL;

const TEMPLATES: [&str; 16] = [
    "SELECT id FROM items WHERE name LIKE '%{}%' ORDER BY id",
    "SELECT id FROM items WHERE name = '{}' OR alias = '{}'",
    "SELECT id FROM items WHERE name = N'{}'",
    "SELECT id FROM items WHERE name = E'x{}x'",
    "SELECT id FROM items WHERE name = U&'{}'",
    "SELECT id FROM items WHERE name = \"{}\"",
    "SELECT id FROM items WHERE name = 'a\\{}b'",
    "SELECT id FROM items WHERE name = $$ {} $$",
    "SELECT id FROM items WHERE name = $ab$ {}$ab$",
    "SELECT id FROM items WHERE name = $a{}$ x $ab$",
    "SELECT id FROM items WHERE name = q'[{}]'",
    "SELECT id FROM items WHERE name = q'!{}!'",
    "SELECT id FROM items WHERE id = {} AND name = 'x'",
    "SELECT id FROM items /* {} */ WHERE name = 'x'",
    "SELECT id FROM items WHERE name = 'x' -- {}\n AND id = 1",
    "SELECT id FROM items WHERE `{}` = 'x' OR name = '{}'",
];

/// Inputs that are inert inside a literal and ones that are not: quotes, backslashes, `$`,
/// the closing delimiters of q-quotes and dollar quotes, comment openers, non-ASCII text.
const INPUTS: [&str; 24] = [
    "red running shoes",
    "blue hat 42",
    "50% off_sale",
    "user@example.com",
    "a-b/c:d+e",
    "x]' OR '1'='1",
    "b$ OR 1=1 --",
    "x! OR 1=1 --",
    "o'brien",
    "x' OR '1'='1",
    "a\\' OR 1=1 -- ",
    "\" OR \"\"=\"",
    "$$; DROP TABLE items; --",
    "*/ OR 1=1 /*",
    "x\n OR 1=1",
    "1 OR 1=1",
    "1; DROP TABLE items",
    "café crème",
    "naïve\u{a0}text",
    "b$",
    "]'",
    "!'",
    "x' UNION SELECT password FROM users --",
    "plain words only",
];

fn request(value: &str) -> RequestContext {
    RequestContext::from_inputs(
        vec![
            Input::value(InputSource::Query, "q", value),
            Input::value(InputSource::Header, "Accept", "text/html,*/*;q=0.8"),
        ],
        ContextLimits::default(),
    )
}

fn engine_blocks(engine: &Engine, ctx: &RequestContext, dialect: Dialect, sql: &str) -> bool {
    let sink = SqlSink {
        dialect,
        api: SqlApi::ExecuteQuery,
        statement: sql.as_bytes(),
    };
    engine.check_sql(ctx, &sink).action != Action::Allow
}

#[test]
fn a_statement_judged_by_its_shape_gets_the_verdict_of_lexing_it() {
    let before = statements_judged_by_shape();
    let mut failures = Vec::new();
    let mut compared = 0;
    for dialect in DIALECTS {
        for template in TEMPLATES {
            let engine = Engine::new(EngineConfig::default());
            for warm in ["zqwarmone", "zqwarmtwo", "zqwarmthree"] {
                let sql = template.replace("{}", warm);
                assert!(
                    !engine_blocks(&engine, &request(warm), dialect, &sql),
                    "[{dialect}] the benign word {warm} in {sql:?}"
                );
            }
            for input in INPUTS {
                let sql = template.replace("{}", input);
                let ctx = request(input);
                let fresh = detect(&ctx, dialect, sql.as_bytes()).is_some();
                let warm = engine_blocks(&engine, &ctx, dialect, &sql);
                compared += 1;
                if fresh != warm {
                    failures.push(format!(
                        "[{dialect}] {input:?} in {sql:?}: lexed afresh {}, by the warm engine {}",
                        verdict(fresh),
                        verdict(warm)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Tests run in parallel and the count is the process's, so this is a lower bound: every
    // dialect's plain `LIKE` template alone judges the inert inputs and the warm-up's third word
    // by shape.
    let judged = statements_judged_by_shape() - before;
    assert!(
        judged >= DIALECTS.len() as u64 * 5,
        "only {judged} checks were judged by shape: the comparison proved little"
    );
}

fn verdict(blocked: bool) -> &'static str {
    if blocked {
        "blocked"
    } else {
        "allowed"
    }
}

/// The case the shortcut exists for, end to end: a search box whose every request is a new
/// term. After two terms the shape is known and a third is not lexed; an attack in the same
/// place is still lexed and blocked, and benign terms after it are still served.
#[test]
fn a_new_search_term_skips_lexing_and_an_attack_in_its_place_does_not() {
    let engine = Engine::new(EngineConfig::default());
    let search = |term: &str| {
        format!("SELECT id FROM items WHERE name LIKE '%{term}%' OR tag LIKE '%{term}%'")
    };
    for dialect in [
        Dialect::H2,
        Dialect::PostgreSql,
        Dialect::MySql,
        Dialect::Generic,
    ] {
        for n in 0..5 {
            let term = format!("red running shoes {n}");
            assert!(
                !engine_blocks(&engine, &request(&term), dialect, &search(&term)),
                "[{dialect}] {term}"
            );
        }
        let attack = "x%' OR '1'='1' OR name LIKE '%x";
        assert!(
            engine_blocks(&engine, &request(attack), dialect, &search(attack)),
            "[{dialect}] the attack in a known shape"
        );
        let term = "blue hat";
        assert!(
            !engine_blocks(&engine, &request(term), dialect, &search(term)),
            "[{dialect}] {term} after the attack"
        );
    }
}
