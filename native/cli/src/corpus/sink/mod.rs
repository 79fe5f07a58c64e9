//! `rasp corpus cmd` and `rasp corpus path`: the same evaluation as `rasp corpus sqli`, for
//! process launches and file paths.
//!
//! A *family* ([`Family`]) knows its sink templates, the request its payloads arrive in, how
//! to check a placement with the engine and, independently of the detector, what the placement
//! is (its ground-truth [`tally::Class`]: inert, data by design, or an attack). The pipeline
//! around it is shared: payloads are split across threads ([`crate::corpus::parallel`]), each
//! thread keeps its own [`tally::Tally`] and the tallies are merged in payload order, so the
//! report does not depend on the number of threads; [`report`] prints it as tables or JSON.
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

use rasp_engine::{ContextLimits, RequestContext};
use serde::Serialize;

use crate::args::CorpusArgs;
use crate::corpus::load::Corpus;
use crate::corpus::{example_limit, parallel};
use request::RequestShape;
use tally::{Class, Outcome, Tally};

/// A template, as the report shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TemplateInfo {
    pub name: &'static str,
    pub sink: String,
}

impl TemplateInfo {
    /// The report's templates from `(name, sink)` pairs, in report order.
    pub fn list(templates: impl IntoIterator<Item = (&'static str, String)>) -> Vec<TemplateInfo> {
        templates
            .into_iter()
            .map(|(name, sink)| TemplateInfo { name, sink })
            .collect()
    }
}

/// What the pipeline and the report know of a family besides its judgments.
pub struct FamilyInfo {
    /// The subcommand: `cmd` or `path`.
    pub name: &'static str,
    pub templates: Vec<TemplateInfo>,
    /// Every placement class, the inert one first.
    pub classes: &'static [Class],
    /// The request payloads arrive in.
    pub request: RequestShape,
    /// The engine call, for the report.
    pub check: &'static str,
}

/// A sink family: its description, its engine check and its ground truth.
pub trait Family: Sync {
    fn info(&self) -> &FamilyInfo;
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
        .map(|c| evaluate(family, c, example_limit(c.kind, args)))
        .collect();
    report::Report::new(family.info(), root, corpora, &tallies, args.examples)
}

/// Judges every payload of a corpus in every template.
pub fn evaluate(family: &dyn Family, corpus: &Corpus, example_limit: usize) -> Tally {
    let info = family.info();
    let templates = info.templates.len();
    parallel::tally_payloads(
        &corpus.payloads,
        || Tally::for_templates(corpus.kind, templates, info.classes, example_limit),
        |tally, payloads| {
            let mut outcomes = Vec::with_capacity(templates);
            for payload in payloads {
                let ctx = context(family, payload);
                outcomes.clear();
                outcomes.extend((0..templates).map(|t| family.judge(&ctx, t, payload)));
                tally.record(payload, &outcomes, |t| family.sink(t, payload));
            }
        },
    )
}

/// The request context of one payload, as the engine reads the family's request.
pub fn context(family: &dyn Family, payload: &str) -> RequestContext {
    family
        .info()
        .request
        .context(payload, ContextLimits::default())
}
