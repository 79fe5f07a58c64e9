//! `rasp explain path`: one file access, step by step. The findings and the verdict come from
//! [`rasp_engine::Engine::explain_path`]; the segments and their depth are description, not a
//! second opinion.

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::engine::path_api_name;
use rasp_engine::path::PathOp;
use rasp_engine::{PathSink, RequestContext};
use serde::Serialize;

use super::detection::{input_name, Describe, Detection, OccurrenceView};
use super::{lossy, query_context};
use crate::args::ExplainPathArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// Everything `rasp explain path` reports.
#[derive(Debug, Serialize)]
pub struct PathExplanation {
    pub op: &'static str,
    pub api: &'static str,
    pub path: String,
    /// The segments between separators (`/` and `\`), empty ones included.
    pub segments: Vec<SegmentView>,
    #[serde(flatten)]
    pub detection: Detection<SegmentsView>,
}

#[derive(Debug, Serialize)]
pub struct SegmentView {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Directories below the start after this segment (`..` takes one away, `.` and empty
    /// segments none).
    pub depth: i64,
    /// Whether an input occurrence covers part of it.
    pub from_input: bool,
}

/// What an occurrence is in the path.
#[derive(Debug, Serialize)]
pub struct SegmentsView {
    /// The segments it touches, by index.
    pub segments: Vec<usize>,
}

impl Describe for SegmentsView {
    fn describe(&self) -> String {
        if self.segments.is_empty() {
            return "a separator only".to_string();
        }
        let segs: Vec<String> = self.segments.iter().map(|i| i.to_string()).collect();
        format!("segments {}", segs.join(", "))
    }
}

/// Runs `rasp explain path`.
pub fn run_path(args: &ExplainPathArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &args.inputs);
    let explanation = explain(&engine, &ctx, args.op, &args.path);
    output::print(args.json, "explanation", &explanation, render)
}

/// A PathApi code that performs `op` (see docs/native-boundary.md).
pub fn api_of(op: PathOp) -> i32 {
    match op {
        PathOp::Read => 0,
        PathOp::Write => 1,
        PathOp::Delete => 3,
        PathOp::List => 4,
        PathOp::Other => 8,
        PathOp::Metadata => 17,
        PathOp::Link => 38,
    }
}

/// Explains one file access checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    op: PathOp,
    path: &str,
) -> PathExplanation {
    let bytes = path.as_bytes();
    let found = ctx.matcher().occurrences(bytes);
    let mut segments = Vec::new();
    let mut depth = 0i64;
    let mut start = 0;
    for i in 0..=bytes.len() {
        if i < bytes.len() && bytes[i] != b'/' && bytes[i] != b'\\' {
            continue;
        }
        let text = &bytes[start..i];
        depth += match text {
            b"" | b"." => 0,
            b".." => -1,
            _ => 1,
        };
        segments.push(SegmentView {
            start,
            end: i,
            text: lossy(text),
            depth,
            from_input: found
                .iter()
                .any(|o| o.start < i.max(start + 1) && start < o.end),
        });
        start = i + 1;
    }
    let occurrences = found
        .iter()
        .map(|o| OccurrenceView {
            input: o.input,
            name: input_name(ctx, o.input),
            location: None,
            start: o.start,
            end: o.end,
            detail: SegmentsView {
                segments: segments
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| o.start < s.end.max(s.start + 1) && s.start < o.end)
                    .map(|(i, _)| i)
                    .collect(),
            },
        })
        .collect();
    let api = api_of(op);
    let explained = engine.engine.explain_path(
        ctx,
        &PathSink {
            api,
            op,
            path: bytes,
        },
    );
    PathExplanation {
        op: op.name(),
        api: path_api_name(api),
        path: path.to_string(),
        segments,
        detection: Detection::new(engine.setup.clone(), ctx, occurrences, &explained, |_| None),
    }
}

/// The human-readable form.
pub fn render(e: &PathExplanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "op:   {} ({})", e.op, e.api);
    let _ = writeln!(out, "path: {}", e.path);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "segments ({}; depth after each, * = an input occurs in it):",
        e.segments.len()
    );
    for s in &e.segments {
        let range = format!("{}..{}", s.start, s.end);
        let mark = if s.from_input { "*" } else { "" };
        let text = format!("{:?}", s.text);
        let _ = writeln!(out, "  {range:<10} {text:<24} {:>3} {mark}", s.depth);
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_path(value: &str, op: PathOp, path: &str) -> PathExplanation {
        let ctx = query_context("/", &[("file".into(), value.into())]);
        explain(&ExplainEngine::builtin_only(), &ctx, op, path)
    }

    #[test]
    fn a_traversal_is_blocked_and_its_segments_shown() {
        let e = explain_path(
            "../../etc/passwd",
            PathOp::Read,
            "/srv/app/uploads/../../etc/passwd",
        );
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("path.traversal")
        );
        assert_eq!(e.api, "java.io.FileInputStream.<init>");
        let depths: Vec<i64> = e.segments.iter().map(|s| s.depth).collect();
        assert_eq!(depths, vec![0, 1, 2, 3, 2, 1, 2, 3]);
        assert_eq!(e.detection.occurrences[0].detail.segments, vec![4, 5, 6, 7]);
        let text = render(&e);
        assert!(text.contains("verdict: BLOCK (path.traversal"), "{text}");
        assert!(text.contains("uploads/>>>../../etc/passwd<<<"), "{text}");
    }

    #[test]
    fn the_benign_twin_is_allowed() {
        let e = explain_path(
            "report..v2.pdf",
            PathOp::Read,
            "/srv/app/uploads/report..v2.pdf",
        );
        assert_eq!(e.detection.verdict.action, "allow");
        assert!(e.detection.findings.is_empty());
        assert_eq!(e.detection.occurrences.len(), 1);
    }

    #[test]
    fn a_value_the_application_decodes_is_caught_by_its_decoded_variant() {
        let e = explain_path(
            "..%2f..%2fetc%2fpasswd",
            PathOp::Read,
            "/srv/app/uploads/../../etc/passwd",
        );
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("path.traversal")
        );
        let f = e.detection.findings.first().expect("a finding");
        let input = f.input.expect("the finding names its input");
        assert_eq!(e.detection.inputs[input].transform, Some("url-decoded"));
    }
}
