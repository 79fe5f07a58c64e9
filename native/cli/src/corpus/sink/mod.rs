//! `rasp corpus cmd` and `rasp corpus path`: the same evaluation as `rasp corpus sqli`, for
//! process launches and file paths.
//!
//! A *family* ([`Family`]) knows its sink templates, the request its payloads arrive in, how
//! to check a placement with the engine and, independently of the detector, what the placement
//! is (its ground-truth [`tally::Class`]: inert, data by design, or an attack). The pipeline
//! around it is shared: payloads are split across threads, each thread keeps its own
//! [`tally::Tally`] and the tallies are merged in payload order, so the report does not depend
//! on the number of threads; [`report`] prints it as tables or JSON.
//!
//! * [`cmd`]: shell scripts, argument vectors and `Runtime.exec(String)`;
//! * [`path`]: file names under a directory, whole paths, writes under the web root, and an
//!   application that URL-decodes the parameter once more;
//! * [`request`]: the request every payload arrives in, read by the engine's own extraction.

pub mod cmd;
pub mod path;
pub mod report;
pub mod request;
pub mod tally;

use std::path::Path;

use rasp_engine::RequestContext;
use serde::Serialize;

use crate::args::CorpusArgs;
use crate::corpus::load::{Corpus, Kind};
use crate::corpus::BENIGN_EXAMPLES;
use tally::{Class, Outcome, Tally};

/// A template, as the report shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TemplateInfo {
    pub name: &'static str,
    pub sink: String,
}

/// A sink family: its templates, its request, its engine check and its ground truth.
pub trait Family: Sync {
    /// The subcommand: `cmd` or `path`.
    fn name(&self) -> &'static str;
    fn templates(&self) -> Vec<TemplateInfo>;
    /// Every placement class, the inert one first.
    fn classes(&self) -> &'static [Class];
    /// The request payloads arrive in, for the report.
    fn request(&self) -> String;
    /// The engine call, for the report.
    fn check(&self) -> &'static str;
    /// The request context of one payload.
    fn context(&self, payload: &str) -> RequestContext;
    /// Places `payload` into template `template` and judges it twice: engine and ground truth.
    fn judge(&self, ctx: &RequestContext, template: usize, payload: &str) -> Outcome;
    /// The sink `payload` makes in template `template`, for examples.
    fn sink(&self, template: usize, payload: &str) -> String;
}

/// Evaluates every corpus and builds the report.
pub fn evaluate_all<'a>(
    family: &dyn Family,
    root: &Path,
    corpora: &'a [Corpus],
    args: &CorpusArgs,
) -> report::Report<'a> {
    let tallies: Vec<Tally> = corpora
        .iter()
        .map(|c| {
            let limit = match c.kind {
                Kind::Attack => args.examples,
                Kind::Benign => BENIGN_EXAMPLES,
            };
            evaluate(family, c, limit)
        })
        .collect();
    report::Report::new(family, root, corpora, &tallies, args.examples)
}

/// Judges every payload of a corpus in every template.
pub fn evaluate(family: &dyn Family, corpus: &Corpus, example_limit: usize) -> Tally {
    let templates = family.templates().len();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = corpus.payloads.len().div_ceil(threads).max(1);
    let parts: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = corpus
            .payloads
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut tally =
                        Tally::new(corpus.kind, templates, family.classes(), example_limit);
                    let mut outcomes = Vec::with_capacity(templates);
                    for payload in part {
                        let ctx = family.context(payload);
                        outcomes.clear();
                        outcomes.extend((0..templates).map(|t| family.judge(&ctx, t, payload)));
                        tally.record(payload, &outcomes, |t| family.sink(t, payload));
                    }
                    tally
                })
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
    let mut total = Tally::new(corpus.kind, templates, family.classes(), example_limit);
    parts.into_iter().for_each(|part| total.merge(part));
    total
}
