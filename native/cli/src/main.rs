//! `rasp`: the detection engine from the command line.
//!
//! Four jobs:
//!
//! * `rasp explain sql|cmd|path|url|expr|jndi|class|entity` shows how the engine reads one sink
//!   call: the dialect's tokens (SQL), the argument vector and the shell script's tokens
//!   (commands), the segments (paths), the entity and the inputs that declared it (XML); where each request input occurs and what that occurrence is; every finding of
//!   the built-in detectors and of the rules, with why it fired and what the modes and
//!   exclusions made of it; and the verdict. It is the tool for "why was this blocked?" and
//!   "why was this not?".
//! * `rasp corpus sqli|cmd|path` measures the engine against public attack and benign corpora.
//!   A payload without a sink is neither an attack nor benign, so every payload is placed into
//!   realistic sink templates (statements in several dialects; shell scripts, argument vectors
//!   and `Runtime.exec` strings; file paths), and each placement is judged twice: by the engine
//!   (the full `Engine::check_*` verdict path), and independently of the detector, which says
//!   whether the payload could act there at all ("inert": it stayed inside one string literal,
//!   inside one word of a shell script, an argument that is neither program nor option, a path
//!   part without `..`). Detection rates are computed over the placements that are not inert,
//!   so that a payload that cannot attack a template does not count as a miss.
//! * `rasp events summary|report` reads the agent's event files (JSON lines, rotated, gzip'd
//!   or on standard input) and counts them by rule, route, input and time, as text, JSON or
//!   one self-contained HTML page for the people who look after the application.
//! * `rasp rules compile|check|test` compiles a rules directory into the file the agent loads,
//!   checks a directory or a compiled file, and runs every rule's examples through the engine
//!   with both scanning backends.
//!
//! The layout follows that split: [`args`] is the command line, [`explain`] the first job,
//! [`rules`] the third, and [`corpus`] the second, itself split into finding the data ([`corpus::locate`]), reading it
//! ([`corpus::load`]), the SQL templates ([`corpus::templates`]), judging one placement
//! ([`corpus::judge`]), counting ([`corpus::tally`] on the shared [`corpus::count`]) and
//! printing ([`corpus::report`] on the shared [`corpus::sections`]); the command and path
//! families live in [`corpus::sink`], with the same steps. Both jobs print through [`output`].
//! [`events`] reads event files ([`events::read`]), filters and counts them
//! ([`events::filter`], [`events::tally`]) and shows the result as text, JSON or HTML.
//!
//! Errors are `anyhow` errors with context naming the file or argument at fault; `main` prints
//! the whole chain and exits with status 2. Rules that are wrong (diagnostics, failing
//! examples, a rule file that does not load) are a [`rule_source::Rejected`] error instead: its lines
//! are printed as they are (`file:line: rule id: message`) and the status is 1.

// The docs explain the design to its maintainers and link private items: read them with
// `cargo doc --document-private-items` (scripts/test builds them so, warnings denied).
#![allow(rustdoc::private_intra_doc_links)]
#![forbid(unsafe_code)]

mod args;
mod corpus;
mod event_time;
mod events;
mod explain;
mod output;
mod rule_source;
mod rules;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, CorpusCommand, EventsCommand, ExplainCommand, RulesCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Corpus(CorpusCommand::Sqli(args)) => corpus::run_sqli(&args),
        Command::Corpus(CorpusCommand::Cmd(args)) => corpus::run_cmd(&args),
        Command::Corpus(CorpusCommand::Path(args)) => corpus::run_path(&args),
        Command::Explain(ExplainCommand::Sql(args)) => explain::run_sql(&args),
        Command::Explain(ExplainCommand::Cmd(args)) => explain::run_cmd(&args),
        Command::Explain(ExplainCommand::Path(args)) => explain::run_path(&args),
        Command::Explain(ExplainCommand::Jndi(args)) => explain::run_jndi(&args),
        Command::Explain(ExplainCommand::Url(args)) => explain::run_url(&args),
        Command::Explain(ExplainCommand::Expr(args)) => explain::run_expr(&args),
        Command::Explain(ExplainCommand::Class(args)) => explain::run_class(&args),
        Command::Explain(ExplainCommand::Entity(args)) => explain::run_entity(&args),
        Command::Events(EventsCommand::Summary(args)) => events::run_summary(&args),
        Command::Events(EventsCommand::Report(args)) => events::run_report(&args),
        Command::Rules(RulesCommand::Compile(args)) => rules::run_compile(&args),
        Command::Rules(RulesCommand::Check(args)) => rules::run_check(&args),
        Command::Rules(RulesCommand::Test(args)) => rules::run_test(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if err.downcast_ref::<rule_source::Rejected>().is_some() => {
            let mut stderr = std::io::stderr().lock();
            // Nothing useful is left to do if standard error is gone.
            let _ = writeln!(stderr, "{err}");
            ExitCode::from(1)
        }
        Err(err) => {
            // Nothing useful is left to do if standard error is gone.
            let _ = writeln!(std::io::stderr(), "rasp: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// `rasp corpus sqli | head` should end quietly when `head` has read enough.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
