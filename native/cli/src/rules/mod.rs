//! `rasp rules`: the rule author's tools, and loading rules for `rasp explain`.
//!
//! Rules are written as TOML in a rules directory (docs/rules.md §2) and shipped as one
//! compiled file (§3). The engine crate does the real work (`rasp_engine::rules`: validation,
//! compilation, loading, scanning); this module is the command line around it:
//!
//! * [`compile`]: `rasp rules compile DIR -o FILE` validates and compiles a directory and
//!   replaces the file atomically, so an agent reloading it never reads half a file;
//! * [`check`]: `rasp rules check DIR|FILE` validates a directory, or loads a compiled file
//!   the way the agent does and says what is in it;
//! * [`examples`]: `rasp rules test DIR|FILE` runs every rule's `match` and `pass` examples
//!   through the full engine with both scanning backends, because an example is only a
//!   promise if the engine keeps it whichever backend a host ends up with; with `--benign`
//!   it also runs the benign corpora through the rules ([`benign`]);
//! * [`source`] finds and reads the rules (a directory is compiled in memory), and builds the
//!   engine `rasp explain` explains with.
//!
//! Exit status: problems with the rules themselves (diagnostics, failing examples) are a
//! [`Rejected`] error, which `main` turns into status 1 after printing its lines; everything
//! else (a missing path, an unwritable output) is an ordinary error with status 2.

pub mod benign;
pub mod check;
pub mod compile;
pub mod examples;
pub mod source;

use std::fmt;

use rasp_engine::rules::Diagnostic;
use serde::Serialize;

pub use check::run_check;
pub use compile::run_compile;
pub use examples::run_test;

/// The rules were rejected: every line says what is wrong (`file:line: rule id: message`).
/// `main` prints the lines to standard error and exits with status 1.
#[derive(Debug)]
pub struct Rejected {
    pub lines: Vec<String>,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines.join("\n"))
    }
}

impl std::error::Error for Rejected {}

impl Rejected {
    /// The diagnostics of a rules directory, one per line.
    pub fn diagnostics(diags: &[Diagnostic]) -> Rejected {
        Rejected {
            lines: diags.iter().map(Diagnostic::to_string).collect(),
        }
    }
}

/// A diagnostic as JSON: its parts, and the line `rasp` prints for it.
#[derive(Debug, Serialize)]
pub struct DiagnosticView {
    pub file: String,
    pub line: Option<usize>,
    pub rule: Option<String>,
    pub message: String,
    pub text: String,
}

impl From<&Diagnostic> for DiagnosticView {
    fn from(d: &Diagnostic) -> DiagnosticView {
        DiagnosticView {
            file: d.file.display().to_string(),
            line: d.line,
            rule: d.rule.clone(),
            message: d.message.clone(),
            text: d.to_string(),
        }
    }
}

/// Milliseconds with one decimal, for summaries.
pub fn millis(ms: f64) -> String {
    format!("{ms:.1} ms")
}
