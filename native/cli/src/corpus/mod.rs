//! `rasp corpus sqli`, `cmd` and `path`: detection and false-positive rates over public corpora.
//!
//! This module is the SQL evaluation; [`sink`] holds the command and path families, which
//! share [`locate`], [`load`] and [`text`] with it.
//!
//! The pipeline is: locate and check the data ([`locate`]), read each corpus in its own
//! format ([`load`]), place every payload into every template and dialect ([`templates`]),
//! judge each placement with the engine and, independently, with the lexer ([`judge`]), count
//! ([`tally`]) and print ([`report`]). Payloads are split across threads; each thread keeps its
//! own tally and the tallies are merged in payload order, so the report does not depend on the
//! number of threads.

pub mod judge;
pub mod load;
pub mod locate;
pub mod report;
pub mod sink;
pub mod tally;
pub mod templates;
pub mod text;

use std::io::Write;

use anyhow::{Context, Result};

use crate::args::CorpusArgs;
use judge::{Judge, Outcome};
use load::{Corpus, Kind};
use tally::Tally;
use templates::Case;

/// Flagged benign examples listed per template, whatever `--examples` says.
pub const BENIGN_EXAMPLES: usize = 10;

/// Runs `rasp corpus cmd`.
pub fn run_cmd(args: &CorpusArgs) -> Result<()> {
    let layout = sink_layout(args, "cmdi")?;
    let corpora = load::cmd_corpora(&layout)?;
    let family = sink::cmd::CmdFamily::default();
    let report = sink::evaluate_all(&family, &layout.root, &corpora, args);
    print(args, &report, sink::report::render)
}

/// Runs `rasp corpus path`.
pub fn run_path(args: &CorpusArgs) -> Result<()> {
    let layout = sink_layout(args, "path")?;
    let corpora = load::path_corpora(&layout, &sink::path::FILE_NAMES)?;
    let family = sink::path::PathFamily::default();
    let report = sink::evaluate_all(&family, &layout.root, &corpora, args);
    print(args, &report, sink::report::render)
}

fn sink_layout(args: &CorpusArgs, folder: &str) -> Result<locate::SinkLayout> {
    let dir = locate::corpora_dir(args.corpora.as_deref())?;
    locate::SinkLayout::open(&dir, folder)
        .with_context(|| format!("'{}' is not a corpora directory", dir.display()))
}

/// Prints a report as JSON (`--json`) or as text.
fn print<R: serde::Serialize>(
    args: &CorpusArgs,
    report: &R,
    render: fn(&R) -> String,
) -> Result<()> {
    let text = if args.json {
        let mut json =
            serde_json::to_string_pretty(report).context("cannot serialize the report as JSON")?;
        json.push('\n');
        json
    } else {
        render(report)
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")
}

/// Runs `rasp corpus sqli`.
pub fn run_sqli(args: &CorpusArgs) -> Result<()> {
    let dir = locate::corpora_dir(args.corpora.as_deref())?;
    let layout = locate::Layout::open(&dir)
        .with_context(|| format!("'{}' is not a corpora directory", dir.display()))?;
    let corpora = load::sqli_corpora(&layout)?;
    let cases = templates::cases();
    let tallies: Vec<Tally> = corpora
        .iter()
        .map(|c| {
            let limit = match c.kind {
                Kind::Attack => args.examples,
                Kind::Benign => BENIGN_EXAMPLES,
            };
            evaluate(c, &cases, limit)
        })
        .collect();
    let report = report::Report::new(&layout.root, &corpora, &tallies, args.examples);
    print(args, &report, report::render)
}

/// Judges every payload of a corpus in every case.
pub fn evaluate(corpus: &Corpus, cases: &[Case], example_limit: usize) -> Tally {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = corpus.payloads.len().div_ceil(threads).max(1);
    let judge = Judge::default();
    let parts: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = corpus
            .payloads
            .chunks(chunk)
            .map(|part| {
                let judge = &judge;
                scope.spawn(move || evaluate_part(judge, corpus.kind, part, cases, example_limit))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut total = Tally::new(corpus.kind, cases.to_vec(), example_limit);
    parts.into_iter().for_each(|part| total.merge(part));
    total
}

fn evaluate_part(
    judge: &Judge,
    kind: Kind,
    payloads: &[String],
    cases: &[Case],
    example_limit: usize,
) -> Tally {
    let mut tally = Tally::new(kind, cases.to_vec(), example_limit);
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(cases.len());
    for payload in payloads {
        let ctx = judge.context(payload);
        outcomes.clear();
        outcomes.extend(cases.iter().map(|&case| judge.judge(&ctx, case, payload)));
        tally.record(payload, &outcomes);
    }
    tally
}
