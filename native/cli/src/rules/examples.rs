//! `rasp rules test DIR|FILE`: every rule keeps its examples' promises, in the full engine,
//! with both scanning backends.
//!
//! Each `[[rule.match]]` must make the rule fire and each `[[rule.pass]]` must not. An example
//! is checked the way the agent would check the call: its inputs become query parameters of a
//! GET request (`q`, or `q1`, `q2`, ...) read by the engine's own extraction, so they get the
//! same derived forms; the sink goes through `Engine::explain_*` under the default
//! configuration; and the example passes when the rule's id is (match) or is not (pass) among
//! the findings. Built-in findings do not matter here: a match example may well also be caught
//! by a structural detector.
//!
//! An example is checked as the sink kind its fields name (`argv`: cmd, `dialect`: sql, `op`:
//! path), else as every sink kind of its rule. The whole set runs once with Hyperscan and once
//! with the portable DFA; the backends must agree on every rule-file finding (id and
//! confidence), because which one a host uses is the host's choice, not the rule author's. When
//! Hyperscan is not available here the run says so and tests the portable backend alone.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::Result;
use rasp_engine::cmd::CommandLine;
use rasp_engine::engine::Explanation;
use rasp_engine::engine::{EntityEvent, EntitySink};
use rasp_engine::rules::{
    BackendChoice, BackendKind, Example, ExampleSink, Rule, RuleFileError, RuleSet, Scan, SinkKind,
};
use rasp_engine::{
    Action, ClassSink, CommandSink, Engine, EngineConfig, ExprApi, ExprSink, JndiSink, PathSink,
    SqlApi, SqlSink, UrlApi, UrlSink,
};
use serde::Serialize;

use super::benign::{self, BenignReport};
use crate::args::RulesTestArgs;
use crate::explain::cmd::PROCESS_IMPL_START;
use crate::explain::path::api_of;
use crate::explain::query_context;
use crate::output;
use crate::rule_source::{self as source, Rejected, Source};

/// What `rasp rules test` reports.
#[derive(Debug, Serialize)]
pub struct TestReport {
    pub ok: bool,
    pub rule_set: String,
    /// `directory` or `file`, and its path.
    pub kind: &'static str,
    pub path: String,
    pub rules: usize,
    /// Match and pass examples.
    pub examples: usize,
    /// Example runs: example × sink kind × backend.
    pub runs: usize,
    /// The backends the examples ran with.
    pub backends: Vec<&'static str>,
    /// Backends that could not run here, with the reason.
    pub skipped: Vec<Skipped>,
    pub failures: Vec<Failure>,
    /// With `--benign`: the benign corpora, and every rule that fired on them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benign: Option<BenignReport>,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub backend: &'static str,
    pub reason: String,
}

/// One broken promise.
#[derive(Debug, Serialize)]
pub struct Failure {
    pub rule: String,
    /// The rule's source file and the example's line in it.
    pub file: String,
    pub line: usize,
    /// `match` or `pass`.
    pub example: &'static str,
    pub sink: &'static str,
    /// The backend it failed with; `None` when the backends disagree.
    pub backend: Option<&'static str>,
    pub problem: String,
    /// `file:line: rule id: ...`, as printed.
    pub text: String,
}

/// What one example run found.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Outcome {
    /// The rule's own finding: why it fired and with what confidence.
    fired: Option<String>,
    /// For an input signature: the built-in detector that blocked the same call. A signature
    /// defers to the structural detectors wherever they see the input (verbatim or in a form
    /// the engine derives), so a match example they block is caught all the same.
    caught_by: Option<String>,
    /// Every rule-file finding, `id (confidence)`, to compare the backends.
    rule_findings: BTreeSet<String>,
    /// Every finding id, for the failure message.
    all: Vec<String>,
}

/// Runs `rasp rules test`.
pub fn run_test(args: &RulesTestArgs) -> Result<()> {
    let source = Source::of(&args.rules)?;
    let bytes = source::compiled_bytes(&source)?;
    let mut skipped = Vec::new();
    let mut sets = Vec::new();
    for choice in [BackendChoice::Hyperscan, BackendChoice::Portable] {
        match RuleSet::load(&bytes, choice) {
            Ok(set) => sets.push(set),
            Err(RuleFileError::HyperscanUnavailable(reason)) => skipped.push(Skipped {
                backend: choice.name(),
                reason,
            }),
            Err(err) => {
                return Err(Rejected {
                    lines: vec![format!("{}: {err}", source.path().display())],
                }
                .into())
            }
        }
    }
    let engines = engines(sets)?;
    let mut report = test_examples(&source, &engines, skipped)?;
    if args.benign {
        let found = benign::run(args.corpora.as_deref(), &engines)?;
        report.ok &= found.hits.is_empty();
        report.benign = Some(found);
    }
    output::print(args.json, "report", &report, render)?;
    if report.ok {
        return Ok(());
    }
    let mut problems = Vec::new();
    let failed = report.failures.len();
    if failed > 0 {
        problems.push(format!(
            "{failed} failed example run{}",
            if failed == 1 { "" } else { "s" }
        ));
    }
    if let Some(hits) = report
        .benign
        .as_ref()
        .map(|b| b.hits.len())
        .filter(|&n| n > 0)
    {
        problems.push(format!(
            "{hits} rule finding{} on benign input",
            if hits == 1 { "" } else { "s" }
        ));
    }
    Err(Rejected {
        lines: vec![format!(
            "rasp rules test: {} (listed above)",
            problems.join(" and ")
        )],
    }
    .into())
}

/// One engine per loaded set, under the default configuration with that set's backend.
fn engines(sets: Vec<RuleSet>) -> Result<Vec<Engine>> {
    sets.into_iter()
        .map(|set| {
            let config = EngineConfig {
                rules_backend: match set.backend() {
                    BackendKind::Hyperscan => BackendChoice::Hyperscan,
                    BackendKind::Portable => BackendChoice::Portable,
                },
                ..EngineConfig::default()
            };
            Engine::with_rules(config, Arc::new(set)).map_err(anyhow::Error::from)
        })
        .collect()
}

/// Runs every example of the rules through `engines` (the same rules, one per backend).
fn test_examples(source: &Source, engines: &[Engine], skipped: Vec<Skipped>) -> Result<TestReport> {
    let Some(first) = engines.first().map(|e| e.rules()) else {
        anyhow::bail!("no backend can load the rules");
    };
    let rules: Vec<Rule> = first.rules().to_vec();
    let rule_set = first.id().to_string();
    let backends: Vec<&'static str> = engines.iter().map(|e| e.rules().backend().name()).collect();
    let mut failures = Vec::new();
    let mut runs = 0;
    let mut examples = 0;
    for rule in &rules {
        let cases = rule
            .matches
            .iter()
            .map(|e| (true, e))
            .chain(rule.passes.iter().map(|e| (false, e)));
        for (must_fire, example) in cases {
            examples += 1;
            for kind in sink_kinds(rule, example) {
                let outcomes: Vec<Outcome> = engines
                    .iter()
                    .map(|engine| run(engine, rule, example, kind))
                    .collect();
                runs += outcomes.len();
                let mut fail = |backend: Option<&'static str>, problem: String| {
                    failures.push(failure(
                        source, rule, example, must_fire, kind, backend, problem,
                    ));
                };
                for (outcome, backend) in outcomes.iter().zip(&backends) {
                    match (&outcome.fired, must_fire) {
                        (None, true) if outcome.caught_by.is_none() => {
                            fail(Some(backend), did_not_fire(outcome))
                        }
                        (Some(why), false) => fail(Some(backend), format!("fired: {why}")),
                        _ => {}
                    }
                }
                if let [a, b] = outcomes.as_slice() {
                    if a.rule_findings != b.rule_findings {
                        fail(
                            None,
                            format!(
                                "the backends disagree: {} found {}; {} found {}",
                                backends[0],
                                listed(&a.rule_findings),
                                backends[1],
                                listed(&b.rule_findings)
                            ),
                        );
                    }
                }
            }
        }
    }
    Ok(TestReport {
        ok: failures.is_empty(),
        rule_set,
        kind: source.kind(),
        path: source.path().display().to_string(),
        rules: rules.len(),
        examples,
        runs,
        backends,
        skipped,
        failures,
        benign: None,
    })
}

/// The sink kinds an example is checked as.
fn sink_kinds(rule: &Rule, example: &Example) -> Vec<SinkKind> {
    if matches!(example.sink, ExampleSink::Argv(_)) {
        vec![SinkKind::Cmd]
    } else if example.dialect.is_some() {
        vec![SinkKind::Sql]
    } else if example.op.is_some() {
        vec![SinkKind::Path]
    } else {
        rule.sinks.clone()
    }
}

/// Checks `example` as a call of sink kind `kind` and reports what the rule did.
fn run(engine: &Engine, rule: &Rule, example: &Example, kind: SinkKind) -> Outcome {
    let parameters: Vec<(String, String)> = example
        .query_parameters()
        .into_iter()
        .map(|(name, value)| (name, value.to_string()))
        .collect();
    let ctx = query_context("/", &parameters);
    let text = example.sink_text();
    let explanation: Explanation = match kind {
        SinkKind::Sql => engine.explain_sql(
            &ctx,
            &SqlSink {
                dialect: example.sql_dialect(),
                api: SqlApi::ExecuteQuery,
                statement: text.as_bytes(),
            },
        ),
        SinkKind::Cmd => {
            let command = CommandLine {
                argv: example.argv(),
                env: Vec::new(),
            };
            engine.explain_command(
                &ctx,
                &CommandSink {
                    api: PROCESS_IMPL_START,
                    command: &command,
                },
            )
        }
        SinkKind::Path => {
            let op = example.path_op();
            engine.explain_path(
                &ctx,
                &PathSink {
                    api: api_of(op),
                    op,
                    path: text.as_bytes(),
                },
            )
        }
        SinkKind::Class => engine.explain_class(
            &ctx,
            &ClassSink {
                api: 0,
                name: text.as_bytes(),
            },
        ),
        // The other kinds are checked as their most common API: a URL the application opens,
        // a name InitialContext looks up, a SpEL expression, an external entity's system id.
        SinkKind::Url => engine.explain_url(
            &ctx,
            &UrlSink {
                api: UrlApi::UrlOpenConnection,
                url: text.as_bytes(),
                address: None,
                origin: None,
            },
        ),
        SinkKind::Jndi => engine.explain_jndi(
            &ctx,
            &JndiSink {
                api: 0,
                name: text.as_bytes(),
            },
        ),
        SinkKind::Expr => engine.explain_expression(
            &ctx,
            &ExprSink {
                api: ExprApi::Spel,
                expression: text.as_bytes(),
            },
        ),
        SinkKind::Xml => engine.explain_entity(
            &ctx,
            &EntitySink {
                api: 0,
                event: EntityEvent::Resolve,
                name: b"[dtd]",
                system_id: text.as_bytes(),
                public_id: b"",
            },
        ),
    };
    let own = explanation
        .findings
        .iter()
        .find(|f| f.from_rule_file && f.rule_id == rule.id);
    let caught_by = (rule.scan == Scan::Input)
        .then(|| {
            explanation.findings.iter().find(|f| {
                !f.from_rule_file
                    && f.action() == Action::Block
                    && !f.rule_id.starts_with("limits.")
            })
        })
        .flatten()
        .map(|f| f.rule_id.clone());
    Outcome {
        fired: own.map(|f| format!("{} (confidence {})", f.why, f.confidence.name())),
        caught_by,
        rule_findings: explanation
            .findings
            .iter()
            .filter(|f| f.from_rule_file)
            .map(|f| format!("{} ({})", f.rule_id, f.confidence.name()))
            .collect(),
        all: explanation
            .findings
            .iter()
            .map(|f| f.rule_id.clone())
            .collect(),
    }
}

fn did_not_fire(outcome: &Outcome) -> String {
    if outcome.all.is_empty() {
        "did not fire (no findings at all)".to_string()
    } else {
        format!("did not fire (findings: {})", outcome.all.join(", "))
    }
}

fn listed(ids: &BTreeSet<String>) -> String {
    if ids.is_empty() {
        "no rule findings".to_string()
    } else {
        ids.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

fn failure(
    source: &Source,
    rule: &Rule,
    example: &Example,
    must_fire: bool,
    kind: SinkKind,
    backend: Option<&'static str>,
    problem: String,
) -> Failure {
    let file = match source {
        Source::Dir(dir) => dir.join(&rule.file).display().to_string(),
        Source::File(_) => rule.file.clone(),
    };
    let which = if must_fire { "match" } else { "pass" };
    let with = backend.map_or(String::new(), |b| format!(", {b}"));
    Failure {
        text: format!(
            "{file}:{}: rule {}: {which} example ({}{with}): {problem}",
            example.line,
            rule.id,
            kind.name()
        ),
        rule: rule.id.clone(),
        file,
        line: example.line,
        example: which,
        sink: kind.name(),
        backend,
        problem,
    }
}

/// The failures, one per line, then one summary line.
fn render(r: &TestReport) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    for f in &r.failures {
        let _ = writeln!(out, "FAIL {}", f.text);
    }
    for s in &r.skipped {
        let _ = writeln!(
            out,
            "note: the {} backend cannot run here ({}); tested with {} only",
            s.backend,
            s.reason,
            r.backends.join(" and ")
        );
    }
    if let Some(b) = &r.benign {
        for h in &b.hits {
            let _ = writeln!(
                out,
                "FAIL benign {} {:?}: rule {} fired ({}, {})",
                h.corpus, h.input, h.rule, h.how, h.backend
            );
        }
        for c in &b.sets {
            let _ = writeln!(
                out,
                "benign {}: {} lines, {} matched by an input signature, {} fired a rule in a sink",
                c.name, c.lines, c.signature_hits, c.sink_hits
            );
        }
    }
    let verdict = if r.ok {
        "ok".to_string()
    } else {
        let benign = r.benign.as_ref().map_or(0, |b| b.hits.len());
        format!(
            "FAILED ({} failed runs, {benign} benign findings)",
            r.failures.len()
        )
    };
    let _ = writeln!(
        out,
        "{verdict}: {} ({} {}): {} rules, {} examples, {} runs with {}",
        r.rule_set,
        r.kind,
        r.path,
        r.rules,
        r.examples,
        r.runs,
        r.backends.join(" and ")
    );
    out
}
