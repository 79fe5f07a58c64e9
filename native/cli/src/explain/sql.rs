//! `rasp explain sql`: one statement, step by step. The tokens and what each input occurrence
//! is come from [`rasp_engine::sql::analyze`]; the findings and the verdict from
//! [`rasp_engine::Engine::explain_sql`].

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::sql::{analyze, Dialect, SqlAnalysis};
use rasp_engine::{RequestContext, SqlApi, SqlSink};
use serde::Serialize;

use super::detection::{input_name, Describe, Detection, OccurrenceView};
use super::{lossy, query_context, token_views, TokenView};
use crate::args::ExplainSqlArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// Everything `rasp explain sql` reports.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub dialect: &'static str,
    pub statement: String,
    /// The tokens, or `None` when the statement cannot be lexed (see `lex_error`).
    pub tokens: Option<Vec<TokenView>>,
    pub lex_error: Option<String>,
    #[serde(flatten)]
    pub detection: Detection<Classification>,
}

/// What an occurrence is in the statement.
#[derive(Debug, Serialize)]
pub struct Classification {
    /// The rule this occurrence triggers, `None` when it is data.
    pub rule: Option<&'static str>,
    /// A human-readable classification.
    pub classification: String,
}

impl Describe for Classification {
    fn describe(&self) -> String {
        self.classification.clone()
    }
}

/// Runs `rasp explain sql`.
pub fn run_sql(args: &ExplainSqlArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &args.inputs);
    let explanation = explain(&engine, &ctx, args.dialect, &args.statement);
    output::print(args.json, "explanation", &explanation, render)
}

/// Explains one statement checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    dialect: Dialect,
    statement: &str,
) -> Explanation {
    let sql = statement.as_bytes();
    let analysis = analyze(ctx, dialect, sql);
    let explained = engine.engine.explain_sql(
        ctx,
        &SqlSink {
            dialect,
            api: SqlApi::ExecuteQuery,
            statement: sql,
        },
    );
    let (tokens, lex_error) = token_views(analysis.tokens.as_deref(), |t| TokenView {
        kind: t.kind.name(),
        start: t.start,
        end: t.end,
        text: lossy(t.text(sql)),
    });
    Explanation {
        dialect: dialect.name(),
        statement: statement.to_string(),
        tokens,
        lex_error,
        detection: Detection::new(
            engine.setup.clone(),
            ctx,
            occurrence_views(ctx, &analysis),
            &explained,
            |_| None,
        ),
    }
}

fn occurrence_views(
    ctx: &RequestContext,
    analysis: &SqlAnalysis,
) -> Vec<OccurrenceView<Classification>> {
    let lexed = analysis.tokens.is_ok();
    analysis
        .occurrences
        .iter()
        .map(|&(o, rule)| OccurrenceView {
            input: o.input,
            name: input_name(ctx, o.input),
            location: None,
            start: o.start,
            end: o.end,
            detail: Classification {
                rule: rule.map(|r| r.id()),
                classification: match (rule, lexed) {
                    (Some(r), _) => format!("code: {}", r.id()),
                    (None, true) => "data: the structure is unchanged".to_string(),
                    (None, false) => "not classified: the statement cannot be lexed".to_string(),
                },
            },
        })
        .collect()
}

/// The human-readable form.
pub fn render(e: &Explanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "dialect:   {}", e.dialect);
    let _ = writeln!(out, "statement: {}", e.statement);
    let _ = writeln!(out);
    match (&e.tokens, &e.lex_error) {
        (Some(tokens), _) => {
            let _ = writeln!(out, "tokens ({}):", tokens.len());
            tokens.iter().for_each(|t| t.render(&mut out, 14));
        }
        (None, Some(err)) => {
            let _ = writeln!(out, "tokens: the statement cannot be lexed: {err}");
        }
        (None, None) => {}
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_q(dialect: Dialect, value: &str, statement: &str) -> Explanation {
        let ctx = query_context("/", &[("q".into(), value.into())]);
        explain(&ExplainEngine::builtin_only(), &ctx, dialect, statement)
    }

    #[test]
    fn an_attack_is_blocked_and_marked() {
        let e = explain_q(
            Dialect::MySql,
            "' OR '1'='1",
            "SELECT * FROM users WHERE name = '' OR '1'='1'",
        );
        assert_eq!(e.detection.verdict.action, "block");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("sqli.tautology")
        );
        assert_eq!(e.detection.occurrences.len(), 1);
        assert_eq!(
            (
                e.detection.occurrences[0].start,
                e.detection.occurrences[0].end
            ),
            (34, 45),
            "{e:?}"
        );
        let f = &e.detection.findings[0];
        assert_eq!(
            (f.rule.as_str(), f.source, f.policy),
            ("sqli.tautology", "built-in", "block")
        );
        let text = render(&e);
        assert!(text.contains("verdict: BLOCK (sqli.tautology"), "{text}");
        assert!(text.contains(">>>' OR '1'='1<<<"), "{text}");
        assert!(
            text.contains("rules:  none (built-in detectors only)"),
            "{text}"
        );
    }

    #[test]
    fn unlexable_statements_are_explained() {
        let e = explain_q(
            Dialect::Generic,
            "x'",
            "SELECT * FROM users WHERE name = 'x''",
        );
        assert!(e.tokens.is_none());
        assert!(e.lex_error.is_some());
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("sqli.unparsable")
        );
        assert!(render(&e).contains("cannot be lexed"));
    }

    #[test]
    fn plain_words_are_not_searched() {
        let e = explain_q(
            Dialect::Generic,
            "admin",
            "SELECT 1 FROM t WHERE a = 'admin'",
        );
        let value = e
            .detection
            .inputs
            .iter()
            .find(|i| i.part == "value")
            .expect("the value");
        assert!(!value.searched);
        assert!(e.detection.occurrences.is_empty());
        assert!(e.detection.findings.is_empty());
        assert_eq!(e.detection.verdict.action, "allow");
        assert!(render(&e).contains("findings: none"));
    }
}
