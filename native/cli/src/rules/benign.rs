//! `rasp rules test --benign`: no rule may fire on the benign corpora.
//!
//! Examples show that a rule fires where it should; they cannot show that it stays quiet on
//! the endless variety of ordinary input. The benign corpora are a fixed sample of that
//! variety: the Big List of Naughty Strings without its attack sections (quotes, unicode,
//! numbers, reserved words) and libinjection's `false_positives.txt` (product searches that
//! tripped earlier SQL injection detectors). Each line is checked two ways:
//!
//! * by the input signatures alone (the `input` database over the line and the forms the
//!   engine derives from it): what would fire if the application transformed it on its way to
//!   a sink, the strictest measure for `scan = "input"` rules;
//! * as request input `q` placed in one sink of each kind (a SQL string literal, a command's
//!   argument, a file name under an upload directory), verbatim and lowercased, through the
//!   full engine: what the sink rules and the signatures do with it in place.
//!
//! Any rule-file finding is a hit; built-in findings are the structural detectors' business
//! (`rasp corpus` measures those).

use std::path::Path;

use anyhow::{Context, Result};
use rasp_engine::cmd::CommandLine;
use rasp_engine::path::PathOp;
use rasp_engine::rules::Target;
use rasp_engine::sql::Dialect;
use rasp_engine::{CommandSink, Engine, PathSink, RequestContext, SqlApi, SqlSink};
use serde::Serialize;

use crate::corpus::load::{
    blns_sections, libinjection_lines, BlnsSplit, CMD_SECTIONS, PATH_SECTIONS, SQLI_SECTIONS,
};
use crate::corpus::locate::corpora_dir;
use crate::explain::cmd::PROCESS_IMPL_START;
use crate::explain::path::api_of;
use crate::explain::query_context;

/// Every attack section of blns, whichever family: none of it is benign.
const ATTACK_SECTIONS: BlnsSplit = BlnsSplit {
    attack_name: "blns-attacks",
    what: "injection",
    attack: |t| (SQLI_SECTIONS.attack)(t) || (CMD_SECTIONS.attack)(t) || (PATH_SECTIONS.attack)(t),
    excluded: |_| false,
};

/// What the benign run found.
#[derive(Debug, Serialize)]
pub struct BenignReport {
    /// The corpora directory.
    pub corpora: String,
    pub sets: Vec<BenignCorpus>,
    pub hits: Vec<BenignHit>,
}

#[derive(Debug, Serialize)]
pub struct BenignCorpus {
    pub name: &'static str,
    /// Distinct lines checked.
    pub lines: usize,
    /// Lines an input signature matches on their own.
    pub signature_hits: usize,
    /// Lines some rule fired on in a sink.
    pub sink_hits: usize,
}

/// A rule that fired on a benign line.
#[derive(Debug, Serialize)]
pub struct BenignHit {
    pub corpus: &'static str,
    pub input: String,
    pub rule: String,
    /// `input signature`, or the sink: `sql`, `cmd`, `path` (and `lowercased` when the
    /// lowercased line fired).
    pub how: String,
    pub backend: &'static str,
}

/// Runs the benign corpora through `engines` (one per backend, the same rules).
pub fn run(corpora: Option<&Path>, engines: &[Engine]) -> Result<BenignReport> {
    let root = corpora_dir(corpora)?;
    let blns_path = root.join("blns/blns.txt");
    let blns_text = std::fs::read(&blns_path)
        .with_context(|| format!("cannot read '{}'", blns_path.display()))?;
    let fp_path = root.join("libinjection/false_positives.txt");
    let fp_text =
        std::fs::read(&fp_path).with_context(|| format!("cannot read '{}'", fp_path.display()))?;
    let corpora: [(&'static str, Vec<String>); 2] = [
        (
            "blns",
            blns_sections(&String::from_utf8_lossy(&blns_text), &ATTACK_SECTIONS).benign,
        ),
        (
            "libinjection-fp",
            libinjection_lines(&String::from_utf8_lossy(&fp_text)),
        ),
    ];
    let mut report = BenignReport {
        corpora: root.display().to_string(),
        sets: Vec::new(),
        hits: Vec::new(),
    };
    for (name, lines) in corpora {
        let mut lines = lines;
        lines.sort();
        lines.dedup();
        let mut summary = BenignCorpus {
            name,
            lines: lines.len(),
            signature_hits: 0,
            sink_hits: 0,
        };
        for line in &lines {
            let before = report.hits.len();
            for engine in engines {
                signature_hits(engine, name, line, &mut report.hits);
            }
            summary.signature_hits += usize::from(report.hits.len() > before);
            let before = report.hits.len();
            for engine in engines {
                sink_hits(engine, name, line, &mut report.hits);
            }
            summary.sink_hits += usize::from(report.hits.len() > before);
        }
        report.sets.push(summary);
    }
    Ok(report)
}

/// The input signatures that match `line` or a form the engine derives from it.
fn signature_hits(engine: &Engine, corpus: &'static str, line: &str, hits: &mut Vec<BenignHit>) {
    let set = engine.rules();
    let ctx = query_context("/", &[("q".to_string(), line.to_string())]);
    let mut rules = Vec::new();
    for input in ctx.inputs() {
        set.scan(Target::Input, input.value.as_bytes(), &mut |rule| {
            rules.push(rule)
        });
    }
    rules.sort_unstable();
    rules.dedup();
    for rule in rules {
        if let Some(r) = set.rules().get(rule) {
            hits.push(BenignHit {
                corpus,
                input: line.to_string(),
                rule: r.id.clone(),
                how: "input signature".to_string(),
                backend: set.backend().name(),
            });
        }
    }
}

/// The rule findings of `line` placed as request input into one sink of each kind, verbatim
/// and (when it differs) lowercased.
fn sink_hits(engine: &Engine, corpus: &'static str, line: &str, hits: &mut Vec<BenignHit>) {
    let ctx = query_context("/", &[("q".to_string(), line.to_string())]);
    let lower = line.to_lowercase();
    let variants: &[(&str, bool)] = if lower == line {
        &[(line, false)]
    } else {
        &[(line, false), (lower.as_str(), true)]
    };
    for &(value, lowercased) in variants {
        for kind in ["sql", "cmd", "path"] {
            for id in fired(engine, &ctx, kind, value) {
                let how = if lowercased {
                    format!("{kind} sink, lowercased")
                } else {
                    format!("{kind} sink")
                };
                hits.push(BenignHit {
                    corpus,
                    input: line.to_string(),
                    rule: id,
                    how,
                    backend: engine.rules().backend().name(),
                });
            }
        }
    }
}

/// The ids of the rule-file findings of `value` placed in a sink of `kind`.
fn fired(engine: &Engine, ctx: &RequestContext, kind: &str, value: &str) -> Vec<String> {
    let explanation = match kind {
        "sql" => {
            let statement = format!(
                "SELECT id, name FROM products WHERE name = '{}'",
                value.replace('\'', "''")
            );
            engine.explain_sql(
                ctx,
                &SqlSink {
                    dialect: Dialect::Generic,
                    api: SqlApi::ExecuteQuery,
                    statement: statement.as_bytes(),
                },
            )
        }
        "cmd" => {
            let command = CommandLine {
                argv: ["convert", "in.png", "-annotate", "0", value, "out.png"]
                    .map(str::to_string)
                    .to_vec(),
                env: Vec::new(),
            };
            engine.explain_command(
                ctx,
                &CommandSink {
                    api: PROCESS_IMPL_START,
                    command: &command,
                },
            )
        }
        _ => {
            let path = format!("/srv/app/uploads/{value}");
            engine.explain_path(
                ctx,
                &PathSink {
                    api: api_of(PathOp::Read),
                    op: PathOp::Read,
                    path: path.as_bytes(),
                },
            )
        }
    };
    explanation
        .findings
        .into_iter()
        .filter(|f| f.from_rule_file)
        .map(|f| f.rule_id)
        .collect()
}
