//! `rasp explain expr`: one expression, step by step. The tokens come from the engine's
//! expression lexer ([`rasp_engine::expr::lex`]); the findings and the verdict from
//! [`rasp_engine::Engine::explain_expression`].

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::expr::{lex, TokenKind};
use rasp_engine::{ExprApi, ExprSink, RequestContext};
use serde::Serialize;

use super::detection::{input_name, Describe, Detection, OccurrenceView};
use super::{lossy, query_context, token_views, TokenView};
use crate::args::ExplainExprArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// Everything `rasp explain expr` reports.
#[derive(Debug, Serialize)]
pub struct ExprExplanation {
    pub language: &'static str,
    pub api: &'static str,
    pub expression: String,
    /// The tokens, or `None` when the expression cannot be read (see `lex_error`).
    pub tokens: Option<Vec<TokenView>>,
    pub lex_error: Option<String>,
    #[serde(flatten)]
    pub detection: Detection<TokensView>,
}

/// The tokens an occurrence touches.
#[derive(Debug, Serialize)]
pub struct TokensView {
    pub tokens: Vec<usize>,
}

impl Describe for TokensView {
    fn describe(&self) -> String {
        let list: Vec<String> = self.tokens.iter().map(|i| i.to_string()).collect();
        match self.tokens.len() {
            0 => "whitespace only".to_string(),
            1 => format!("token {}", list[0]),
            _ => format!("tokens {}", list.join(", ")),
        }
    }
}

/// Runs `rasp explain expr`.
pub fn run_expr(args: &ExplainExprArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &args.inputs);
    let explanation = explain(&engine, &ctx, args.language, &args.expression);
    output::print(args.json, "explanation", &explanation, render)
}

fn kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Text => "text",
        TokenKind::Ident => "identifier",
        TokenKind::Number => "number",
        TokenKind::String => "string",
        TokenKind::Punct => "punctuation",
    }
}

/// Explains one expression checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    api: ExprApi,
    expression: &str,
) -> ExprExplanation {
    let bytes = expression.as_bytes();
    let lexed = lex(bytes, api.language());
    let spans: Vec<std::ops::Range<usize>> = lexed
        .as_deref()
        .map(|t| t.iter().map(|t| t.span.clone()).collect())
        .unwrap_or_default();
    let occurrences = ctx
        .matcher()
        .occurrences(bytes)
        .into_iter()
        .map(|o| OccurrenceView {
            input: o.input,
            name: input_name(ctx, o.input),
            location: None,
            start: o.start,
            end: o.end,
            detail: TokensView {
                tokens: spans
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.start < o.end && o.start < s.end)
                    .map(|(i, _)| i)
                    .collect(),
            },
        })
        .collect();
    let (tokens, lex_error) = token_views(lexed.as_deref(), |t| TokenView {
        kind: kind_name(t.kind),
        start: t.span.start,
        end: t.span.end,
        text: lossy(&bytes[t.span.clone()]),
    });
    let explained = engine.engine.explain_expression(
        ctx,
        &ExprSink {
            api,
            expression: bytes,
        },
    );
    ExprExplanation {
        language: api.language().name(),
        api: api.name(),
        expression: expression.to_string(),
        tokens,
        lex_error,
        detection: Detection::new(engine.setup.clone(), ctx, occurrences, &explained, |_| None),
    }
}

/// The human-readable form.
pub fn render(e: &ExprExplanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "language:   {} ({})", e.language, e.api);
    let _ = writeln!(out, "expression: {}", e.expression);
    let _ = writeln!(out);
    match (&e.tokens, &e.lex_error) {
        (Some(tokens), _) => {
            let _ = writeln!(out, "tokens ({}):", tokens.len());
            tokens.iter().for_each(|t| t.render(&mut out, 12));
        }
        (None, Some(err)) => {
            let _ = writeln!(out, "tokens: the expression cannot be read: {err}");
        }
        (None, None) => {}
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_expr(value: &str, api: ExprApi, expression: &str) -> ExprExplanation {
        let ctx = query_context("/", &[("q".into(), value.into())]);
        explain(&ExplainEngine::builtin_only(), &ctx, api, expression)
    }

    #[test]
    fn a_method_call_from_input_is_code() {
        let e = explain_expr("save('/tmp/x')", ExprApi::Spel, "save('/tmp/x')");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("expr.injection")
        );
        assert_eq!(e.detection.occurrences[0].detail.tokens, vec![0, 1, 2, 3]);
        let text = render(&e);
        assert!(text.contains("verdict: BLOCK (expr.injection"), "{text}");
    }

    #[test]
    fn template_text_is_data_and_the_policy_needs_no_input() {
        let e = explain_expr(
            "Ann {the admin}",
            ExprApi::SpelTemplate,
            "Hello Ann {the admin}, you have #{items} items",
        );
        assert_eq!(e.detection.verdict.action, "allow");
        let e = explain_expr("x", ExprApi::Ognl, "@java.lang.Runtime@getRuntime()");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("expr.policy.dangerous_class")
        );
    }

    #[test]
    fn template_engines_are_explained_as_templates() {
        let e = explain_expr("Ann & Bob", ExprApi::FreeMarker, "Hello Ann & Bob!");
        assert_eq!(e.language, "freemarker");
        assert_eq!(e.detection.verdict.action, "allow");
        let e = explain_expr("${7*7}", ExprApi::FreeMarker, "Hello ${7*7}!");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("expr.injection")
        );
        let e = explain_expr(
            "x",
            ExprApi::Velocity,
            "$a.getClass().forName('java.lang.Runtime')",
        );
        assert_eq!(e.language, "velocity");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("expr.policy.dangerous_class")
        );
        let e = explain_expr("[[${7*7}]]", ExprApi::Thymeleaf, "<p>Hi [[${7*7}]]</p>");
        assert_eq!(e.language, "thymeleaf");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("expr.injection")
        );
    }
}
