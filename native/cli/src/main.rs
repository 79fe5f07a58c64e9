//! `rasp`: the detection engine from the command line.
//!
//! Two jobs, one subcommand each:
//!
//! * `rasp explain sql` shows how the engine reads one statement: the dialect's tokens, where
//!   each request input occurs and how that occurrence is classified, the finding and the
//!   verdict the default configuration gives. It is the tool for "why was this blocked?" and
//!   "why was this not?".
//! * `rasp corpus sqli` measures the engine against public attack and benign corpora. A payload
//!   without a statement is neither an attack nor benign, so every payload is placed into
//!   realistic statement templates for several dialects, and each placement is judged twice:
//!   by the engine (the full `Engine::check_sql` verdict path), and independently by the lexer
//!   alone, which says whether the payload stayed inside one string literal ("inert": text, not
//!   an attack, in that template). Detection rates are computed over the placements that are
//!   not inert, so that a payload that cannot attack a template does not count as a miss.
//!
//! The layout follows that split: [`args`] is the command line, [`explain`] the first job, and
//! [`corpus`] the second, itself split into finding the data ([`corpus::locate`]), reading it
//! ([`corpus::load`]), the templates ([`corpus::templates`]), judging one placement
//! ([`corpus::judge`]), counting ([`corpus::tally`]) and printing ([`corpus::report`]).
//!
//! Errors are `anyhow` errors with context naming the file or argument at fault; `main` prints
//! the whole chain and exits with status 2.

#![forbid(unsafe_code)]

mod args;
mod corpus;
mod explain;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, CorpusCommand, ExplainCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Corpus(CorpusCommand::Sqli(args)) => corpus::run_sqli(&args),
        Command::Explain(ExplainCommand::Sql(args)) => explain::run_sql(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
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
