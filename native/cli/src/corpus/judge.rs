//! Judging one payload placed into one template: what the engine decides, and, independently,
//! where the payload landed.
//!
//! The second judgment uses only the dialect's lexer, never the detector: it is the ground
//! truth the detector is measured against. A payload whose span lies inside one string
//! literal of the lexed statement is *inert* there: it is text, whatever it looks like. Any
//! other placement is a candidate attack that the detector should flag.

use std::ops::Range;

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::sql::{Dialect, SqlLexer, Token, TokenKind};
use rasp_engine::{Engine, EngineConfig, RequestContext, SqlApi, SqlSink};
use serde::Serialize;

use super::count::flagged_rule;
use super::templates::{Case, TEMPLATES};

/// The query parameter every payload arrives in.
pub const PARAMETER: &str = "q";

/// Where a payload landed in a statement, by the lexer alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Inside one string literal: data.
    Inert,
    /// Within one token that is not a string literal (an identifier, a number, an operator) or
    /// only whitespace: it cannot change the structure either, though it may be invalid SQL.
    OneToken,
    /// Across several tokens that are all literals, commas or signs (`' OR '1'='1` in a number
    /// position lexes as string, number, string, number): the payload's quotes re-paired with
    /// the template's. No keyword or operator became code, though the SQL is usually invalid.
    LiteralsOnly,
    /// Across several tokens, adding code, or opening a comment: the structure changed.
    Structural,
    /// The statement cannot be lexed.
    Unlexable,
}

impl Placement {
    pub fn name(self) -> &'static str {
        match self {
            Placement::Inert => "inert",
            Placement::OneToken => "one-token",
            Placement::LiteralsOnly => "literals-only",
            Placement::Structural => "structural",
            Placement::Unlexable => "unlexable",
        }
    }
}

/// The two judgments of one placement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The rule of the engine's finding, `None` when it allowed the call.
    pub rule: Option<&'static str>,
    pub placement: Placement,
}

/// Runs placements through the engine with the default configuration.
pub struct Judge {
    engine: Engine,
}

impl Default for Judge {
    fn default() -> Self {
        Judge {
            engine: Engine::new(EngineConfig::default()),
        }
    }
}

impl Judge {
    /// The request context of one payload: the payload as a query parameter, among the inputs
    /// every browser request carries.
    /// The parameter goes through the engine's own query parsing, so it comes with the forms
    /// applications derive from it (re-cased, decoded, …), as in the agent.
    pub fn context(&self, payload: &str) -> RequestContext {
        let mut inputs = Vec::new();
        let query = format!(
            "{PARAMETER}={}",
            utf8_percent_encode(payload, NON_ALPHANUMERIC)
        );
        rasp_engine::extract::form_pairs(&query, InputSource::Query, &mut |i| inputs.push(i));
        inputs.extend([
            Input::value(
                InputSource::Header,
                "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ),
            Input::value(
                InputSource::Header,
                "User-Agent",
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            ),
            Input::value(InputSource::Header, "Accept-Language", "en-US,en;q=0.5"),
            Input::value(
                InputSource::Cookie,
                "JSESSIONID",
                "8F2C1A7E4B9D0C3F6A5E2B1D7C4F9A0E",
            ),
        ]);
        RequestContext::from_inputs(inputs, self.engine.config().limits)
    }

    /// Places `payload` into the case's template and judges it.
    pub fn judge(&self, ctx: &RequestContext, case: Case, payload: &str) -> Outcome {
        let (statement, span) = TEMPLATES[case.template].place(payload);
        let verdict = self.engine.check_sql(
            ctx,
            &SqlSink {
                dialect: case.dialect,
                api: SqlApi::ExecuteQuery,
                statement: statement.as_bytes(),
            },
        );
        Outcome {
            rule: flagged_rule(&verdict),
            placement: placement(case.dialect, statement.as_bytes(), span),
        }
    }
}

/// Where the bytes `span` of `sql` landed, by the dialect's lexer.
pub fn placement(dialect: Dialect, sql: &[u8], span: Range<usize>) -> Placement {
    let Ok(tokens) = SqlLexer::new(dialect).tokens(sql) else {
        return Placement::Unlexable;
    };
    let containing = tokens
        .iter()
        .find(|t| t.start <= span.start && span.end <= t.end);
    if containing.is_some_and(|t| t.kind == TokenKind::String) {
        return Placement::Inert;
    }
    let significant: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.start < span.end && span.start < t.end && !t.kind.is_trivia())
        .collect();
    match significant.as_slice() {
        [] => Placement::OneToken,
        [t] if !t.kind.is_comment() => Placement::OneToken,
        many if many.iter().all(|t| is_literal_like(sql, t)) => Placement::LiteralsOnly,
        _ => Placement::Structural,
    }
}

fn is_literal_like(sql: &[u8], t: &Token) -> bool {
    match t.kind {
        TokenKind::String | TokenKind::Number | TokenKind::Comma => true,
        TokenKind::Operator => matches!(t.text(sql), b"-" | b"+"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(template: usize, dialect: Dialect, payload: &str) -> Placement {
        let (sql, span) = TEMPLATES[template].place(payload);
        placement(dialect, sql.as_bytes(), span)
    }

    #[test]
    fn placements_by_the_lexer_alone() {
        use Placement::*;
        let g = Dialect::Generic;
        // 0 = string, 2 = numeric.
        assert_eq!(place(0, g, "1 OR 1=1"), Inert);
        assert_eq!(place(0, g, "it''s"), Inert);
        assert_eq!(place(0, g, "' OR '1'='1"), Structural);
        assert_eq!(place(0, g, "'"), Unlexable);
        assert_eq!(place(2, g, "' OR 1=1"), Unlexable);
        assert_eq!(place(2, g, "' OR '1'='1"), LiteralsOnly);
        assert_eq!(place(0, g, "x' '"), LiteralsOnly);
        assert_eq!(place(2, g, "1 OR 1=1"), Structural);
        assert_eq!(place(2, g, "'abc'"), Inert);
        assert_eq!(place(2, g, "admin"), OneToken);
        assert_eq!(place(2, g, " "), OneToken);
        assert_eq!(place(2, g, "--"), Structural);
        assert_eq!(place(0, Dialect::MySql, "it\\'s"), Inert);
        assert_eq!(place(0, g, "it\\'s"), Unlexable);
    }

    #[test]
    fn the_engine_and_the_lexer_agree_on_plain_cases() {
        let judge = Judge::default();
        let case = Case {
            template: 0,
            dialect: Dialect::Generic,
        };
        let attack = "' OR '1'='1";
        let got = judge.judge(&judge.context(attack), case, attack);
        assert_eq!(
            got,
            Outcome {
                rule: Some("sqli.tautology"),
                placement: Placement::Structural
            }
        );
        let text = "1 OR 1=1";
        let got = judge.judge(&judge.context(text), case, text);
        assert_eq!(
            got,
            Outcome {
                rule: None,
                placement: Placement::Inert
            }
        );
    }
}
