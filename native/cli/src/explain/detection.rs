//! The part every explanation ends with, whatever the sink: the request's inputs, where they
//! occur in the sink, the detector's finding and the engine's verdict; as one serializable
//! value and its text form.
//!
//! The sink's own description (tokens, argv, segments) comes before it; what an occurrence is
//! in that sink is the sink's too, plugged in as an occurrence's `detail`.

use std::fmt::Write as _;

use rasp_engine::input::InputPart;
use rasp_engine::matcher::is_searchable;
use rasp_engine::{Action, RequestContext, Verdict};
use serde::Serialize;

/// Inputs, occurrences, finding and verdict, in that order in the JSON and the text.
#[derive(Debug, Serialize)]
pub struct Detection<D> {
    pub inputs: Vec<InputView>,
    pub occurrences: Vec<OccurrenceView<D>>,
    pub finding: Option<FindingView>,
    pub verdict: VerdictView,
}

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

/// Where an input occurs in the sink, and what that occurrence is there (`detail`).
#[derive(Debug, Serialize)]
pub struct OccurrenceView<D> {
    pub input: usize,
    pub name: String,
    /// For a sink with several parts (a command's line and environment): the part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub start: usize,
    pub end: usize,
    #[serde(flatten)]
    pub detail: D,
}

/// What an occurrence is in its sink, in words, for the text form.
pub trait Describe {
    fn describe(&self) -> String;
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    pub rule: &'static str,
    pub message: &'static str,
    pub input: usize,
    /// For a sink with several parts: the part the finding is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
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
    /// The sink with the injected span between `>>>` and `<<<`.
    pub marked: Option<String>,
}

impl<D: Describe> Detection<D> {
    /// The detection of a sink checked against `ctx`.
    pub fn new(
        ctx: &RequestContext,
        occurrences: Vec<OccurrenceView<D>>,
        finding: Option<FindingView>,
        verdict: &Verdict,
    ) -> Detection<D> {
        Detection {
            inputs: input_views(ctx),
            occurrences,
            finding,
            verdict: verdict_view(verdict),
        }
    }

    /// The text form, after a blank line: inputs, occurrences, then finding and verdict.
    pub fn render(&self, out: &mut String) {
        // Writing to a String cannot fail; the results are ignored on purpose.
        let _ = writeln!(out);
        let _ = writeln!(out, "inputs ({}):", self.inputs.len());
        for i in &self.inputs {
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
        let _ = writeln!(out);
        let _ = writeln!(out, "occurrences ({}):", self.occurrences.len());
        for o in &self.occurrences {
            let _ = writeln!(
                out,
                "  [{}] {}{} at {}..{}: {}",
                o.input,
                o.name,
                in_location(o.location.as_deref()),
                o.start,
                o.end,
                o.detail.describe()
            );
        }
        let _ = writeln!(out);
        let _ = match &self.finding {
            Some(f) => writeln!(
                out,
                "finding: {} (input [{}]{} at {}..{}): {}",
                f.rule,
                f.input,
                in_location(f.location.as_deref()),
                f.start,
                f.end,
                f.message
            ),
            None => writeln!(out, "finding: none"),
        };
        let v = &self.verdict;
        let action = v.action.to_ascii_uppercase();
        let _ = match (v.rule_id, v.confidence) {
            (Some(rule), Some(confidence)) => {
                writeln!(out, "verdict: {action} ({rule}, confidence {confidence})")
            }
            _ => writeln!(out, "verdict: {action}"),
        };
        if let Some(marked) = &v.marked {
            let _ = writeln!(out, "  {marked}");
        }
    }
}

/// ` in PART`, or nothing for a sink of one part.
fn in_location(location: Option<&str>) -> String {
    location.map_or(String::new(), |l| format!(" in {l}"))
}

fn input_views(ctx: &RequestContext) -> Vec<InputView> {
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
