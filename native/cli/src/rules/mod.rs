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
//! * [`crate::rule_source`] (below this module and `explain`, which both use it) finds and
//!   reads the rules (a directory is compiled in memory), and builds the engine `rasp explain`
//!   explains with.
//!
//! Exit status: problems with the rules themselves (diagnostics, failing examples) are a
//! [`Rejected`](crate::rule_source::Rejected) error, which `main` turns into status 1 after printing its lines; everything
//! else (a missing path, an unwritable output) is an ordinary error with status 2.

pub mod benign;
pub mod check;
pub mod compile;
pub mod examples;

use rasp_engine::rules::Diagnostic;
use serde::Serialize;

pub use check::run_check;
pub use compile::run_compile;
pub use examples::run_test;

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
