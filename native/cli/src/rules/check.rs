//! `rasp rules check DIR|FILE`: is this usable, and what is in it?
//!
//! A directory is read and validated the way `rasp rules compile` does (every pattern is
//! compiled alone by both backends), without building the databases. A compiled file is
//! verified the way the agent loads it: magic, format version, checksum, section bounds, the
//! `meta` section, every DFA, and Hyperscan's databases when this host can use them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::rules::compile::{check_dir, database_map};
use rasp_engine::rules::file::RuleFile;
use rasp_engine::rules::{BackendChoice, Rule, Target};
use serde::Serialize;

use super::DiagnosticView;
use crate::args::RulesSourceArgs;
use crate::output;
use crate::rule_source::Rejected;
use crate::rule_source::{self as source, Source};

/// What `rasp rules check` reports.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    /// `directory` or `file`.
    pub kind: &'static str,
    pub path: String,
    /// The set id: `name@version` for a directory (it has no checksum until compiled),
    /// `name@version+checksum` for a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<usize>,
    /// Patterns per database (`sink.sql`, `sink.cmd`, `sink.path`, `input`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub patterns: BTreeMap<&'static str, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub examples: Option<usize>,
    /// Files: their size, what built them, and the backend this host scans them with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileView>,
    /// Every problem found, when the rules were rejected.
    pub diagnostics: Vec<DiagnosticView>,
}

#[derive(Debug, Serialize)]
pub struct FileView {
    pub bytes: usize,
    pub format: u32,
    pub built_by: String,
    pub sections: Vec<String>,
    /// Bytes of the body a Hyperscan reader needs (format 2 files with `hs.*` sections): the
    /// agent reads only these from rasp.jar's built-in set when it scans with Hyperscan.
    pub hyperscan_part: Option<u64>,
    /// `hyperscan` or `portable`.
    pub backend: &'static str,
    /// Why the portable backend was chosen, when it was.
    pub portable_reason: Option<String>,
}

/// Runs `rasp rules check`.
pub fn run_check(args: &RulesSourceArgs) -> Result<()> {
    let source = Source::of(&args.rules)?;
    let report = match &source {
        Source::Dir(dir) => match check_dir(dir) {
            Ok(set) => CheckReport {
                id: Some(format!("{}@{}", set.name, set.version)),
                rules: Some(set.rules.len()),
                patterns: pattern_counts(&set.rules),
                examples: Some(example_count(&set.rules)),
                ..CheckReport::new(&source)
            },
            Err(diags) => {
                if args.json {
                    let report = CheckReport {
                        ok: false,
                        diagnostics: diags.iter().map(DiagnosticView::from).collect(),
                        ..CheckReport::new(&source)
                    };
                    output::print(true, "report", &report, render)?;
                }
                return Err(Rejected::diagnostics(&diags).into());
            }
        },
        Source::File(_) => {
            let bytes = source::compiled_bytes(&source)?;
            // `load` verifies everything `parse` does and more; parse first for the header.
            let set = source::load(&source, &bytes, BackendChoice::Auto)?;
            let file = RuleFile::parse(&bytes).map_err(|err| Rejected {
                lines: vec![format!("{}: {err}", source.path().display())],
            })?;
            let h = &file.header;
            let built_by = format!(
                "rasp {}, regex-automata {}, {}",
                h.engines.rasp,
                h.engines.regex_automata,
                h.engines
                    .hyperscan
                    .as_deref()
                    .map_or("no Hyperscan".to_string(), |v| format!("Hyperscan {v}"))
            );
            CheckReport {
                id: Some(set.id().to_string()),
                rules: Some(set.rules().len()),
                patterns: Target::ALL
                    .into_iter()
                    .filter(|t| set.has_target(*t))
                    .map(|t| (t.name(), set.pattern_count(t)))
                    .collect(),
                examples: Some(example_count(set.rules())),
                file: Some(FileView {
                    bytes: bytes.len(),
                    format: h.format,
                    built_by,
                    sections: file.section_names().map(str::to_string).collect(),
                    hyperscan_part: h.hyperscan_part.as_ref().map(|p| p.len),
                    backend: set.backend().name(),
                    portable_reason: set.portable_reason().map(str::to_string),
                }),
                ..CheckReport::new(&source)
            }
        }
    };
    output::print(args.json, "report", &report, render)
}

impl CheckReport {
    fn new(source: &Source) -> CheckReport {
        CheckReport {
            ok: true,
            kind: source.kind(),
            path: source.path().display().to_string(),
            id: None,
            rules: None,
            patterns: BTreeMap::new(),
            examples: None,
            file: None,
            diagnostics: Vec::new(),
        }
    }
}

fn pattern_counts(rules: &[Rule]) -> BTreeMap<&'static str, usize> {
    database_map(rules)
        .into_iter()
        .map(|(t, refs)| (t.name(), refs.len()))
        .collect()
}

fn example_count(rules: &[Rule]) -> usize {
    rules.iter().map(|r| r.matches.len() + r.passes.len()).sum()
}

/// `ok ID (KIND PATH): N rules, N patterns (sink.sql N, ...), N examples`, then the file's
/// details.
fn render(r: &CheckReport) -> String {
    let mut out = String::new();
    let total: usize = r.patterns.values().sum();
    let per: Vec<String> = r.patterns.iter().map(|(t, n)| format!("{t} {n}")).collect();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        out,
        "ok {} ({} {}): {} rules, {total} patterns ({}), {} examples",
        r.id.as_deref().unwrap_or("?"),
        r.kind,
        r.path,
        r.rules.unwrap_or(0),
        per.join(", "),
        r.examples.unwrap_or(0),
    );
    if let Some(f) = &r.file {
        let _ = writeln!(
            out,
            "  {} bytes, format {}, built by {}",
            f.bytes, f.format, f.built_by
        );
        let _ = writeln!(out, "  sections: {}", f.sections.join(", "));
        if let Some(len) = f.hyperscan_part {
            let _ = writeln!(
                out,
                "  hyperscan part: the first {len} bytes of the body (all but the dfa sections)"
            );
        }
        let _ = match &f.portable_reason {
            Some(why) => writeln!(out, "  scans with: {} ({why})", f.backend),
            None => writeln!(out, "  scans with: {}", f.backend),
        };
    }
    out
}
