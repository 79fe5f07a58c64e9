//! `rasp explain sql`: one statement, step by step.
//!
//! The explanation is gathered once into a serializable [`Explanation`] and then either
//! printed for a human or as JSON, so both forms always say the same thing. The finding comes
//! from [`rasp_engine::sql::analyze`] and the verdict from [`Engine::check_sql`] under the
//! default configuration, exactly as the agent would decide.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::matcher::is_searchable;
use rasp_engine::sql::{analyze, Dialect, SqlAnalysis};
use rasp_engine::{
    Action, ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink, Verdict,
};
use serde::Serialize;

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
pub struct InputView {
    pub index: usize,
    pub source: &'static str,
    pub name: String,
    pub value: String,
    /// False for values the engine never searches for (empty, plain words, plain numbers):
    /// they always lie inside one token.
    pub searched: bool,
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

#[derive(Debug, Serialize)]
pub struct VerdictView {
    /// `allow`, `monitor` or `block`.
    pub action: &'static str,
    pub rule_id: Option<&'static str>,
    pub confidence: Option<&'static str>,
    pub message: Option<&'static str>,
    /// The statement with the injected span between `>>>` and `<<<`.
    pub marked: Option<String>,
}

/// Runs `rasp explain sql`.
pub fn run_sql(args: &ExplainSqlArgs) -> Result<()> {
    let inputs: Vec<Input> = args
        .inputs
        .iter()
        .map(|(name, value)| Input::value(InputSource::Query, name.as_str(), value.as_str()))
        .collect();
    let explanation = explain(args.dialect, inputs, &args.statement);
    let text = if args.json {
        let mut json = serde_json::to_string_pretty(&explanation)
            .context("cannot serialize the explanation as JSON")?;
        json.push('\n');
        json
    } else {
        render(&explanation)
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")
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

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn input_views(ctx: &RequestContext) -> Vec<InputView> {
    ctx.inputs()
        .iter()
        .enumerate()
        .map(|(index, i)| InputView {
            index,
            source: i.source.name(),
            name: i.name.clone(),
            value: i.value.clone(),
            searched: is_searchable(&i.value),
        })
        .collect()
}

fn occurrence_views(ctx: &RequestContext, analysis: &SqlAnalysis) -> Vec<OccurrenceView> {
    let lexed = analysis.tokens.is_ok();
    analysis
        .occurrences
        .iter()
        .map(|&(o, rule)| OccurrenceView {
            input: o.input,
            name: ctx
                .inputs()
                .get(o.input)
                .map(|i| i.name.clone())
                .unwrap_or_default(),
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

fn verdict_view(verdict: &Verdict) -> VerdictView {
    let action = match verdict.action {
        Action::Allow => "allow",
        Action::Monitor => "monitor",
        Action::Block => "block",
    };
    let event = verdict.event.as_deref();
    VerdictView {
        action,
        rule_id: event.map(|e| e.rule_id),
        confidence: event.map(|e| e.confidence),
        message: event.map(|e| e.message),
        marked: event.and_then(|e| e.sink.marked.clone()),
    }
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
    let _ = writeln!(out, "inputs ({}):", e.inputs.len());
    for i in &e.inputs {
        let searched = if i.searched {
            ""
        } else {
            "  (not searched: a plain word or number stays inside one token)"
        };
        let _ = writeln!(
            out,
            "  [{}] {} {} = {:?}{searched}",
            i.index, i.source, i.name, i.value
        );
    }
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
    let v = &e.verdict;
    let _ = match (v.rule_id, v.confidence) {
        (Some(rule), Some(confidence)) => writeln!(
            out,
            "verdict: {} ({rule}, confidence {confidence})",
            v.action.to_ascii_uppercase()
        ),
        _ => writeln!(out, "verdict: {}", v.action.to_ascii_uppercase()),
    };
    if let Some(marked) = &v.marked {
        let _ = writeln!(out, "  {marked}");
    }
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
