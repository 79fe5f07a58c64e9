//! `rasp rules compile DIR -o FILE`: validate a rules directory, compile it, and replace the
//! rule file atomically.
//!
//! The agent re-reads the rule file when it changes (`rasp.rules.reload_seconds`), so the new
//! file is written next to the old one under a temporary name, flushed to disk, and renamed
//! over it: a reader sees the old file or the new one, never a partial one.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rasp_engine::rules::{compile_dir, Compiled};
use serde::Serialize;

use super::{millis, DiagnosticView};
use crate::args::RulesCompileArgs;
use crate::output;
use crate::rule_source::Rejected;

/// What `rasp rules compile` reports.
#[derive(Debug, Serialize)]
pub struct CompileReport {
    pub ok: bool,
    /// The set id (`name@version+checksum`) of the written file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patterns: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hyperscan: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hyperscan_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dfa_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Every problem found, when the rules were rejected.
    pub diagnostics: Vec<DiagnosticView>,
}

/// Runs `rasp rules compile`.
pub fn run_compile(args: &RulesCompileArgs) -> Result<()> {
    if !args.dir.is_dir() {
        if args.dir.exists() {
            bail!(
                "'{}' is not a directory: rasp rules compile takes the rules directory \
                 (ruleset.toml and the rule files)",
                args.dir.display()
            );
        }
        bail!(
            "cannot read the rules directory '{}': it does not exist",
            args.dir.display()
        );
    }
    let compiled = match compile_dir(&args.dir) {
        Ok(compiled) => compiled,
        Err(diags) => {
            if args.json {
                let report = CompileReport {
                    diagnostics: diags.iter().map(DiagnosticView::from).collect(),
                    ..CompileReport::rejected()
                };
                output::print(true, "report", &report, |_| String::new())?;
            }
            return Err(Rejected::diagnostics(&diags).into());
        }
    };
    write_atomically(&args.output, &compiled.bytes)?;
    let report = CompileReport::written(&compiled, &args.output);
    output::print(args.json, "report", &report, render)
}

impl CompileReport {
    fn rejected() -> CompileReport {
        CompileReport {
            ok: false,
            id: None,
            rules: None,
            patterns: None,
            bytes: None,
            hyperscan: None,
            hyperscan_ms: None,
            dfa_ms: None,
            output: None,
            diagnostics: Vec::new(),
        }
    }

    fn written(c: &Compiled, output: &Path) -> CompileReport {
        CompileReport {
            ok: true,
            id: Some(c.id.clone()),
            rules: Some(c.rules),
            patterns: Some(c.patterns),
            bytes: Some(c.bytes.len()),
            hyperscan: Some(c.has_hyperscan),
            hyperscan_ms: Some(round(c.hyperscan_ms)),
            dfa_ms: Some(round(c.dfa_ms)),
            output: Some(output.display().to_string()),
            diagnostics: Vec::new(),
        }
    }
}

fn round(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

/// One line: `compiled ID: N rules, N patterns, N bytes (Hyperscan X ms, DFA Y ms) -> FILE`.
fn render(r: &CompileReport) -> String {
    let mut out = String::new();
    let times = match (r.hyperscan, r.hyperscan_ms, r.dfa_ms) {
        (Some(true), Some(hs), Some(dfa)) => {
            format!("Hyperscan {}, DFA {}", millis(hs), millis(dfa))
        }
        (_, _, Some(dfa)) => format!(
            "DFA {}; no Hyperscan in this build, the file scans with the portable backend",
            millis(dfa)
        ),
        _ => String::new(),
    };
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "compiled {}: {} rules, {} patterns, {} bytes ({times}) -> {}",
        r.id.as_deref().unwrap_or("?"),
        r.rules.unwrap_or(0),
        r.patterns.unwrap_or(0),
        r.bytes.unwrap_or(0),
        r.output.as_deref().unwrap_or("?"),
    );
    out
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = temporary_name(path);
    let written = write_and_sync(&temp, bytes).and_then(|()| {
        std::fs::rename(&temp, path)
            .with_context(|| format!("cannot rename '{}' to '{}'", temp.display(), path.display()))
    });
    if written.is_err() {
        // Best effort: the temporary file may not even exist.
        let _ = std::fs::remove_file(&temp);
    }
    written.with_context(|| format!("cannot write the rule file '{}'", path.display()))
}

fn write_and_sync(temp: &Path, bytes: &[u8]) -> Result<()> {
    let mut file =
        File::create(temp).with_context(|| format!("cannot create '{}'", temp.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write '{}'", temp.display()))
}

/// `.NAME.tmp-PID` next to `path`.
fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "rules".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_file_sits_next_to_the_output() {
        let t = temporary_name(Path::new("/srv/rules/default.rules"));
        assert_eq!(t.parent(), Some(Path::new("/srv/rules")));
        let name = t.file_name().map(|n| n.to_string_lossy().into_owned());
        assert!(name.is_some_and(|n| n.starts_with(".default.rules.tmp-")));
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("rasp-cli-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("x.rules");
        std::fs::write(&path, b"old").expect("old file");
        write_atomically(&path, b"new").expect("written");
        assert_eq!(std::fs::read(&path).expect("read back"), b"new");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
