//! `rasp corpus sqli`, `cmd` and `path`: detection and false-positive rates over public corpora.
//!
//! This module is the SQL evaluation; [`sink`] holds the command and path families, which
//! share with it [`locate`], [`load`], the counting ([`count`], [`parallel`]) and the report's
//! common parts ([`sections`], [`text`]).
//!
//! The pipeline is: locate and check the data ([`locate`]), read each corpus in its own
//! format ([`load`]), place every payload into every template and dialect ([`templates`]),
//! judge each placement with the engine and, independently, with the lexer ([`judge`]), count
//! ([`tally`]) and print ([`report`]). Payloads are split across threads ([`parallel`]); each
//! thread keeps its own tally and the tallies are merged in payload order, so the report does
//! not depend on the number of threads.

pub mod count;
pub mod judge;
pub mod load;
pub mod locate;
pub mod parallel;
pub mod report;
pub mod sections;
pub mod sink;
pub mod tally;
pub mod templates;
pub mod text;

use anyhow::{Context, Result};

use crate::args::CorpusArgs;
use crate::output;
use judge::{Judge, Outcome};
use load::{Corpus, Kind};
use rasp_engine::RequestContext;
use tally::Tally;
use templates::{AppTransform, Case, TEMPLATES};

/// Flagged benign examples listed per template, whatever `--examples` says.
pub const BENIGN_EXAMPLES: usize = 10;

/// Runs `rasp corpus cmd`.
pub fn run_cmd(args: &CorpusArgs) -> Result<()> {
    let layout = sink_layout(args, "cmdi")?;
    let corpora = load::cmd_corpora(&layout)?;
    let family = sink::cmd::CmdFamily::default();
    let report = sink::evaluate_all(&family, &layout.root, &corpora, args);
    output::print(args.json, "report", &report, sink::report::render)
}

/// Runs `rasp corpus path`.
pub fn run_path(args: &CorpusArgs) -> Result<()> {
    let layout = sink_layout(args, "path")?;
    let corpora = load::path_corpora(&layout, &sink::path::FILE_NAMES)?;
    let family = sink::path::PathFamily::default();
    let report = sink::evaluate_all(&family, &layout.root, &corpora, args);
    output::print(args.json, "report", &report, sink::report::render)
}

fn sink_layout(args: &CorpusArgs, folder: &str) -> Result<locate::SinkLayout> {
    let dir = locate::corpora_dir(args.corpora.as_deref())?;
    locate::SinkLayout::open(&dir, folder)
        .with_context(|| format!("'{}' is not a corpora directory", dir.display()))
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
        .map(|c| evaluate(c, &cases, example_limit(c.kind, args)))
        .collect();
    let report = report::Report::new(&layout.root, &corpora, &cases, &tallies, args.examples);
    output::print(args.json, "report", &report, report::render)
}

/// How many examples a corpus of `kind` keeps per template.
pub fn example_limit(kind: Kind, args: &CorpusArgs) -> usize {
    match kind {
        Kind::Attack => args.examples,
        Kind::Benign => BENIGN_EXAMPLES,
    }
}

/// Judges every payload of a corpus in every case.
pub fn evaluate(corpus: &Corpus, cases: &[Case], example_limit: usize) -> Tally {
    let judge = Judge::default();
    parallel::tally_payloads(
        &corpus.payloads,
        || Tally::for_cases(corpus.kind, cases, example_limit),
        |tally, payloads| {
            let mut outcomes: Vec<Outcome> = Vec::with_capacity(cases.len());
            for payload in payloads {
                // One context per value the request may carry (the payload, or its cursor).
                let mut contexts: Vec<(AppTransform, RequestContext)> = Vec::new();
                outcomes.clear();
                for &case in cases {
                    let app = TEMPLATES[case.template].app;
                    let sent = app.sent(payload);
                    let at = match contexts.iter().position(|(a, _)| a.sent(payload) == sent) {
                        Some(at) => at,
                        None => {
                            contexts.push((app, judge.context(&sent)));
                            contexts.len() - 1
                        }
                    };
                    outcomes.push(judge.judge(&contexts[at].1, case, payload));
                }
                tally.record(cases, payload, &outcomes);
            }
        },
    )
}
