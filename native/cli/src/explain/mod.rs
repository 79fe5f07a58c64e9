//! `rasp explain`: one sink call, step by step.
//!
//! Each explanation is gathered once into a serializable value and then either printed for a
//! human or as JSON, so both forms always say the same thing. Findings come from the engine's
//! detectors and verdicts from [`rasp_engine::Engine`] under the default configuration, exactly
//! as the agent would decide.
//!
//! * [`sql`]: the dialect's tokens and how each input occurrence is classified;
//! * [`cmd`]: the argument vector, the command line the detector reads, the shell script's
//!   tokens, and where each input occurs (which argument, which tokens, which environment
//!   entry);
//! * [`path`]: the path's segments with their depth, and where each input occurs.
//!
//! `explain sql` takes its inputs as they are (`RequestContext::from_inputs`). `explain cmd`
//! and `explain path` build the request the agent would send, with the inputs as query
//! parameters, and let the engine's own extraction read it (`RequestContext::new`): the
//! context then also holds the parameter names and, for a value that still looks
//! percent-encoded, the decoded variant the engine adds, which is what catches a traversal the
//! application decodes itself.

pub mod cmd;
pub mod path;
pub mod sql;

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rasp_engine::input::InputPart;
use rasp_engine::matcher::is_searchable;
use rasp_engine::wire::RequestRecord;
use rasp_engine::{Action, ContextLimits, RequestContext, Verdict};
use serde::Serialize;

pub use cmd::run_cmd;
pub use path::run_path;
pub use sql::run_sql;

#[derive(Debug, Serialize)]
pub struct InputView {
    pub index: usize,
    pub source: &'static str,
    /// `value`, or `name` for a parameter's name (names are attacker-chosen too).
    pub part: &'static str,
    pub name: String,
    pub value: String,
    /// A decoding the engine applied on top of the container's (`url-decoded`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transform: Option<&'static str>,
    /// False for values the engine never searches for (empty, plain words, plain numbers):
    /// they always lie inside one token.
    pub searched: bool,
}

#[derive(Debug, Serialize)]
pub struct VerdictView {
    /// `allow`, `monitor` or `block`.
    pub action: &'static str,
    pub rule_id: Option<&'static str>,
    pub confidence: Option<&'static str>,
    pub message: Option<&'static str>,
    /// The sink with the injected span between `>>>` and `<<<`.
    pub marked: Option<String>,
}

/// The context of a request whose query parameters are `inputs` (names and values as the
/// application sees them), read by the engine's own extraction.
pub fn query_context(inputs: &[(String, String)]) -> RequestContext {
    let query: Vec<String> = inputs
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(name, NON_ALPHANUMERIC),
                utf8_percent_encode(value, NON_ALPHANUMERIC)
            )
        })
        .collect();
    let record = RequestRecord {
        method: "GET".into(),
        uri: "/".into(),
        query: query.join("&"),
        remote_addr: "127.0.0.1".into(),
        content_type: String::new(),
        headers: Vec::new(),
    };
    RequestContext::new(&record, ContextLimits::default())
}

pub fn input_views(ctx: &RequestContext) -> Vec<InputView> {
    ctx.inputs()
        .iter()
        .enumerate()
        .map(|(index, i)| InputView {
            index,
            source: i.source.name(),
            part: match i.part {
                InputPart::Value => "value",
                InputPart::Name => "name",
            },
            name: i.name.clone(),
            value: i.value.clone(),
            transform: i.transform,
            searched: is_searchable(&i.value),
        })
        .collect()
}

/// The name of input `index`, for occurrence lists.
pub fn input_name(ctx: &RequestContext, index: usize) -> String {
    ctx.inputs()
        .get(index)
        .map(|i| i.name.clone())
        .unwrap_or_default()
}

pub fn verdict_view(verdict: &Verdict) -> VerdictView {
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

pub fn render_inputs(out: &mut String, inputs: &[InputView]) {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "inputs ({}):", inputs.len());
    for i in inputs {
        let part = if i.part == "name" { " (name)" } else { "" };
        let transform = i.transform.map_or(String::new(), |t| format!(" ({t})"));
        let searched = if i.searched {
            ""
        } else {
            "  (not searched: a plain word or number stays inside one token)"
        };
        let _ = writeln!(
            out,
            "  [{}] {} {}{part} = {:?}{transform}{searched}",
            i.index, i.source, i.name, i.value
        );
    }
}

pub fn render_verdict(out: &mut String, v: &VerdictView) {
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
}

/// Prints an explanation as JSON or as text.
pub fn print<E: Serialize>(json: bool, explanation: &E, render: fn(&E) -> String) -> Result<()> {
    let text = if json {
        let mut json = serde_json::to_string_pretty(explanation)
            .context("cannot serialize the explanation as JSON")?;
        json.push('\n');
        json
    } else {
        render(explanation)
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")
}

pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasp_engine::input::InputSource;

    #[test]
    fn query_inputs_are_what_the_application_sees_plus_the_decoded_variant() {
        let ctx = query_context(&[("file".into(), "..%2fx & y+z".into())]);
        let values: Vec<(&str, Option<&str>)> = ctx
            .inputs()
            .iter()
            .filter(|i| i.source == InputSource::Query && i.part == InputPart::Value)
            .map(|i| (i.value.as_str(), i.transform))
            .collect();
        assert_eq!(
            values,
            vec![("..%2fx & y+z", None), ("../x & y+z", Some("url-decoded"))]
        );
    }
}
