//! `rasp explain sql`: one statement, step by step. The finding comes from
//! [`rasp_engine::sql::analyze`] and the verdict from [`Engine::check_sql`].

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::input::{Input, InputSource};
use rasp_engine::sql::{analyze, Dialect, SqlAnalysis};
use rasp_engine::{ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};
use serde::Serialize;

use super::detection::{input_name, Describe, Detection, FindingView, OccurrenceView};
use super::{lossy, token_views, TokenView};
use crate::args::ExplainSqlArgs;
use crate::output;

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
    let inputs: Vec<Input> = args
        .inputs
        .iter()
        .map(|(name, value)| Input::value(InputSource::Query, name.as_str(), value.as_str()))
        .collect();
    let explanation = explain(args.dialect, inputs, &args.statement);
    output::print(args.json, "explanation", &explanation, render)
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
    let (tokens, lex_error) = token_views(analysis.tokens.as_deref(), |t| TokenView {
        kind: t.kind.name(),
        start: t.start,
        end: t.end,
        text: lossy(t.text(sql)),
    });
    let finding = analysis.finding.as_ref().map(|f| FindingView {
        rule: f.rule.id(),
        message: f.rule.message(),
        input: f.occurrence.input,
        location: None,
        start: f.occurrence.start,
        end: f.occurrence.end,
    });
    Explanation {
        dialect: dialect.name(),
        statement: statement.to_string(),
        tokens,
        lex_error,
        detection: Detection::new(&ctx, occurrence_views(&ctx, &analysis), finding, &verdict),
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
        assert_eq!(e.detection.verdict.action, "block");
        assert_eq!(e.detection.verdict.rule_id, Some("sqli.tautology"));
        assert_eq!(e.detection.occurrences.len(), 1);
        assert_eq!(
            (
                e.detection.occurrences[0].start,
                e.detection.occurrences[0].end
            ),
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
        assert_eq!(e.detection.verdict.rule_id, Some("sqli.unparsable"));
        assert!(render(&e).contains("cannot be lexed"));
    }

    #[test]
    fn plain_words_are_not_searched() {
        let e = explain(
            Dialect::Generic,
            q("admin"),
            "SELECT 1 FROM t WHERE a = 'admin'",
        );
        assert!(!e.detection.inputs[0].searched);
        assert!(e.detection.occurrences.is_empty());
        assert_eq!(e.detection.verdict.action, "allow");
    }
}
