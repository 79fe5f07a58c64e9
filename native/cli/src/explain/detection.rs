//! The part every explanation ends with, whatever the sink: the engine it was explained with,
//! the request's inputs, where they occur in the sink, every finding (built-in detectors and
//! rules) with why it fired and what the modes and exclusions made of it, and the verdict; as
//! one serializable value and its text form.
//!
//! The findings and the verdict are the engine's own ([`rasp_engine::Engine`]'s `explain_*`,
//! which decides exactly as `check_*` does); the occurrences are description. The sink's own
//! description (tokens, argv, segments) comes before this part; what an occurrence is in that
//! sink is the sink's too, plugged in as an occurrence's `detail`.

use std::fmt::Write as _;

use rasp_engine::engine::{Explanation, FindingReport};
use rasp_engine::input::InputPart;
use rasp_engine::matcher::is_searchable;
use rasp_engine::{Action, RequestContext, Verdict};
use serde::Serialize;

use crate::rule_source::EngineSetup;

/// Engine, inputs, occurrences, findings and verdict, in that order in the JSON and the text.
#[derive(Debug, Serialize)]
pub struct Detection<D> {
    pub engine: EngineSetup,
    pub inputs: Vec<InputView>,
    pub occurrences: Vec<OccurrenceView<D>>,
    /// Every finding, in the engine's tie-break order: built-in detectors first, then rules in
    /// rule order.
    pub findings: Vec<FindingView>,
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

/// One finding of the check.
#[derive(Debug, Serialize)]
pub struct FindingView {
    pub rule: String,
    /// `built-in` (a detector or the built-in command policy) or `rule file`.
    pub source: &'static str,
    pub category: String,
    /// Rule file rules only: critical, high, medium or low.
    pub severity: Option<&'static str>,
    pub confidence: &'static str,
    pub message: String,
    /// One line on why it fired.
    pub why: String,
    /// The input behind it, by index in `inputs`.
    pub input: Option<usize>,
    /// For a sink with several parts: the part the span is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub start: Option<usize>,
    pub end: Option<usize>,
    /// The policy after the modes (`rules.mode.<id>`, the global mode): allow, monitor, block.
    pub policy: &'static str,
    /// The exclusion that drops the finding, by name.
    pub excluded_by: Option<String>,
    /// What the finding asks for in the end: its policy, or allow when excluded.
    pub action: &'static str,
}

#[derive(Debug, Serialize)]
pub struct VerdictView {
    /// `allow`, `monitor` or `block`.
    pub action: &'static str,
    pub rule_id: Option<String>,
    pub confidence: Option<&'static str>,
    pub message: Option<String>,
    /// The ids of the check's other findings that were not allowed, strongest first.
    pub other_rules: Vec<String>,
    /// The sink with the injected span between `>>>` and `<<<`.
    pub marked: Option<String>,
}

impl<D: Describe> Detection<D> {
    /// The detection of a sink explained against `ctx`. `location` names the part of the
    /// sink a finding's span is in, for sinks of several parts.
    pub fn new(
        engine: EngineSetup,
        ctx: &RequestContext,
        occurrences: Vec<OccurrenceView<D>>,
        explanation: &Explanation,
        location: impl Fn(&FindingReport) -> Option<String>,
    ) -> Detection<D> {
        Detection {
            engine,
            inputs: input_views(ctx),
            occurrences,
            findings: explanation
                .findings
                .iter()
                .map(|f| finding_view(f, location(f)))
                .collect(),
            verdict: verdict_view(&explanation.verdict),
        }
    }

    /// The text form, after a blank line: engine, inputs, occurrences, findings, verdict.
    pub fn render(&self, out: &mut String) {
        // Writing to a String cannot fail; the results are ignored on purpose.
        let _ = writeln!(out);
        render_engine(&self.engine, out);
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
        if self.findings.is_empty() {
            let _ = writeln!(out, "findings: none");
        } else {
            let _ = writeln!(out, "findings ({}):", self.findings.len());
            self.findings.iter().for_each(|f| render_finding(f, out));
        }
        let v = &self.verdict;
        let action = v.action.to_ascii_uppercase();
        let _ = match (v.rule_id.as_deref(), v.confidence) {
            (Some(rule), Some(confidence)) => {
                writeln!(out, "verdict: {action} ({rule}, confidence {confidence})")
            }
            _ => writeln!(out, "verdict: {action}"),
        };
        if !v.other_rules.is_empty() {
            let _ = writeln!(out, "  also: {}", v.other_rules.join(", "));
        }
        if let Some(marked) = &v.marked {
            let _ = writeln!(out, "  {marked}");
        }
    }
}

fn render_engine(e: &EngineSetup, out: &mut String) {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = match (&e.rules_from, e.backend) {
        (Some(from), Some(backend)) => writeln!(
            out,
            "rules:  {} from {from} ({} rules, scanned with {backend})",
            e.rule_set, e.rules
        ),
        _ => writeln!(out, "rules:  none (built-in detectors only)"),
    };
    if e.config.is_empty() {
        let _ = writeln!(out, "config: defaults");
    } else {
        let _ = writeln!(out, "config: {}", e.config.join(", "));
    }
    let _ = writeln!(out, "route:  {}", e.route);
}

/// `  ID (SOURCE[, SEVERITY], confidence C): MESSAGE`, then why, where, and the outcome.
fn render_finding(f: &FindingView, out: &mut String) {
    let severity = f.severity.map_or(String::new(), |s| format!(", {s}"));
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        out,
        "  {} ({}{severity}, confidence {}): {}",
        f.rule, f.source, f.confidence, f.message
    );
    let _ = writeln!(out, "    why:    {}", f.why);
    if let (Some(start), Some(end)) = (f.start, f.end) {
        let input = f.input.map_or(String::new(), |i| format!("input [{i}]"));
        let sep = if input.is_empty() { "" } else { " " };
        let _ = writeln!(
            out,
            "    where:  {input}{sep}{}at {start}..{end}",
            f.location
                .as_deref()
                .map_or(String::new(), |l| format!("in {l} "))
        );
    }
    let _ = match &f.excluded_by {
        Some(name) => writeln!(
            out,
            "    policy: {}, excluded by exclusion {name}: {}",
            f.policy, f.action
        ),
        None => writeln!(out, "    policy: {}", f.policy),
    };
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
            name: i.name.to_string(),
            value: i.value.to_string(),
            transform: i.transform,
            searched: is_searchable(&i.value),
        })
        .collect()
}

/// The name of input `index`, for occurrence lists.
pub fn input_name(ctx: &RequestContext, index: usize) -> String {
    ctx.inputs()
        .get(index)
        .map(|i| i.name.to_string())
        .unwrap_or_default()
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Allow => "allow",
        Action::Monitor => "monitor",
        Action::Block => "block",
    }
}

fn finding_view(f: &FindingReport, location: Option<String>) -> FindingView {
    FindingView {
        rule: f.rule_id.clone(),
        source: if f.from_rule_file {
            "rule file"
        } else {
            "built-in"
        },
        category: f.category.clone(),
        severity: f.severity.map(|s| s.name()),
        confidence: f.confidence.name(),
        message: f.message.clone(),
        why: f.why.clone(),
        input: f.input,
        location: f.span.and(location),
        start: f.span.map(|s| s.start),
        end: f.span.map(|s| s.end),
        policy: f.policy.name(),
        excluded_by: f.excluded_by.clone(),
        action: action_name(f.action()),
    }
}

fn verdict_view(verdict: &Verdict) -> VerdictView {
    let event = verdict.event.as_deref();
    VerdictView {
        action: action_name(verdict.action),
        rule_id: event.map(|e| e.rule_id.clone()),
        confidence: event.map(|e| e.confidence),
        message: event.map(|e| e.message.clone()),
        other_rules: event.map(|e| e.other_rules.clone()).unwrap_or_default(),
        marked: event.and_then(|e| e.sink.marked.clone()),
    }
}
