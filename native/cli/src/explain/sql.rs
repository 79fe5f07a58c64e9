//! `rasp explain sql`: one statement, step by step. The finding comes from
//! [`rasp_engine::sql::analyze`] and the verdict from [`Engine::check_sql`].

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::input::{Input, InputSource};
use rasp_engine::sql::{analyze, Dialect, SqlAnalysis};
use rasp_engine::{ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};
use serde::Serialize;

use super::{input_name, input_views, lossy, render_inputs, render_verdict, verdict_view};
use super::{InputView, VerdictView};
use crate::args::ExplainSqlArgs;

/// Everything `rasp explain sql` reports.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub dialect: &'static str,
    pub statement: String,
    /// The tokens, or `None` when the statement cannot be lexed (see `lex_error`).
    pub tokens: Option<Vec<TokenView>>,
    pub lex_error: Option<String>,
    pub inputs: Vec<InputView>,
    pub occurrences: Vec<OccurrenceView>,
    pub finding: Option<FindingView>,
    pub verdict: VerdictView,
}

#[derive(Debug, Serialize)]
pub struct TokenView {
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct OccurrenceView {
    pub input: usize,
    pub name: String,
    pub start: usize,
    pub end: usize,
    /// The rule this occurrence triggers, `None` when it is data.
    pub rule: Option<&'static str>,
    /// A human-readable classification.
    pub classification: String,
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    pub rule: &'static str,
    pub message: &'static str,
    pub input: usize,
    pub start: usize,
    pub end: usize,
}

/// Runs `rasp explain sql`.
pub fn run_sql(args: &ExplainSqlArgs) -> Result<()> {
    let inputs: Vec<Input> = args
        .inputs
        .iter()
        .map(|(name, value)| Input::value(InputSource::Query, name.as_str(), value.as_str()))
        .collect();
    let explanation = explain(args.dialect, inputs, &args.statement);
    super::print(args.json, &explanation, render)
}

/// Explains one statement checked against a context made of `inputs`.
pub fn explain(dialect: Dialect, inputs: Vec<Input>, statement: &str) -> Explanation {
    let ctx = RequestContext::from_inputs(inputs, ContextLimits::default());
    let sql = statement.as_bytes();
    let analysis = analyze(&ctx, dialect, sql);
    let verdict = Engine::new(EngineConfig::default()).check_sql(
        &ctx,
        &SqlSink {
            dialect,
            api: SqlApi::ExecuteQuery,
            statement: sql,
        },
    );
    let (tokens, lex_error) = match &analysis.tokens {
        Ok(tokens) => (
            Some(
                tokens
                    .iter()
                    .map(|t| TokenView {
                        kind: t.kind.name(),
                        start: t.start,
                        end: t.end,
                        text: lossy(t.text(sql)),
                    })
                    .collect(),
            ),
            None,
        ),
        Err(err) => (None, Some(err.to_string())),
    };
    Explanation {
        dialect: dialect.name(),
        statement: statement.to_string(),
        tokens,
        lex_error,
        inputs: input_views(&ctx),
        occurrences: occurrence_views(&ctx, &analysis),
        finding: analysis.finding.map(|f| FindingView {
            rule: f.rule.id(),
            message: f.rule.message(),
            input: f.occurrence.input,
            start: f.occurrence.start,
            end: f.occurrence.end,
        }),
        verdict: verdict_view(&verdict),
    }
}

fn occurrence_views(ctx: &RequestContext, analysis: &SqlAnalysis) -> Vec<OccurrenceView> {
    let lexed = analysis.tokens.is_ok();
    analysis
        .occurrences
        .iter()
        .map(|&(o, rule)| OccurrenceView {
            input: o.input,
            name: input_name(ctx, o.input),
            start: o.start,
            end: o.end,
            rule: rule.map(|r| r.id()),
            classification: match (rule, lexed) {
                (Some(r), _) => format!("code: {}", r.id()),
                (None, true) => "data: the structure is unchanged".to_string(),
                (None, false) => "not classified: the statement cannot be lexed".to_string(),
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
            for t in tokens {
                let range = format!("{}..{}", t.start, t.end);
                let _ = writeln!(out, "  {range:<10} {:<14} {:?}", t.kind, t.text);
            }
        }
        (None, Some(err)) => {
            let _ = writeln!(out, "tokens: the statement cannot be lexed: {err}");
        }
        (None, None) => {}
    }
    let _ = writeln!(out);
    render_inputs(&mut out, &e.inputs);
    let _ = writeln!(out);
    let _ = writeln!(out, "occurrences ({}):", e.occurrences.len());
    for o in &e.occurrences {
        let _ = writeln!(
            out,
            "  [{}] {} at {}..{}: {}",
            o.input, o.name, o.start, o.end, o.classification
        );
    }
    let _ = writeln!(out);
    match &e.finding {
        Some(f) => {
            let _ = writeln!(
                out,
                "finding: {} (input [{}] at {}..{}): {}",
                f.rule, f.input, f.start, f.end, f.message
            );
        }
        None => {
            let _ = writeln!(out, "finding: none");
        }
    }
    render_verdict(&mut out, &e.verdict);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(value: &str) -> Vec<Input> {
        vec![Input::value(InputSource::Query, "q", value)]
    }

    #[test]
    fn an_attack_is_blocked_and_marked() {
        let e = explain(
            Dialect::MySql,
            q("' OR '1'='1"),
            "SELECT * FROM users WHERE name = '' OR '1'='1'",
        );
        assert_eq!(e.verdict.action, "block");
        assert_eq!(e.verdict.rule_id, Some("sqli.tautology"));
        assert_eq!(e.occurrences.len(), 1);
        assert_eq!(
            (e.occurrences[0].start, e.occurrences[0].end),
            (34, 45),
            "{e:?}"
        );
        let text = render(&e);
        assert!(text.contains("verdict: BLOCK (sqli.tautology"), "{text}");
        assert!(text.contains(">>>' OR '1'='1<<<"), "{text}");
    }

    #[test]
    fn unlexable_statements_are_explained() {
        let e = explain(
            Dialect::Generic,
            q("x'"),
            "SELECT * FROM users WHERE name = 'x''",
        );
        assert!(e.tokens.is_none());
        assert!(e.lex_error.is_some());
        assert_eq!(e.verdict.rule_id, Some("sqli.unparsable"));
        assert!(render(&e).contains("cannot be lexed"));
    }

    #[test]
    fn plain_words_are_not_searched() {
        let e = explain(
            Dialect::Generic,
            q("admin"),
            "SELECT 1 FROM t WHERE a = 'admin'",
        );
        assert!(!e.inputs[0].searched);
        assert!(e.occurrences.is_empty());
        assert_eq!(e.verdict.action, "allow");
    }
}
