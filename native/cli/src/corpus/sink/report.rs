//! The evaluation report of a sink family: one serializable value, printed as Markdown-style
//! tables for people or as JSON for machines, in the style of `rasp corpus sqli`'s report.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::tally::{Class, ClassKind, ClassMisses, Example, Tally};
use super::{FamilyInfo, TemplateInfo};
use crate::corpus::load::Corpus;
use crate::corpus::sections::{self, Row};
use crate::corpus::text::shorten;
use crate::corpus::BENIGN_EXAMPLES;

/// What every count means, repeated in the JSON so that it explains itself.
const DEFINITIONS: [(&str, &str); 9] = [
    (
        "placement",
        "one payload in one template, as the request parameter described under `request`, \
         checked with the engine call described under `check` under the default configuration",
    ),
    (
        "class",
        "where the payload landed, decided without the detector (see `classes`): inert, data \
         by design, or an attack",
    ),
    ("flagged", "the engine reported a finding (any rule)"),
    (
        "inert",
        "not flagged, and the placement is inert: the payload cannot act there",
    ),
    (
        "missed",
        "not flagged and not inert; missed_by_class breaks it down (= missed_by_design + \
         missed_attack)",
    ),
    (
        "missed_by_design",
        "of missed: classes the detector treats as data by design",
    ),
    (
        "missed_attack",
        "of missed: attack classes the detector said nothing about: the false negatives to study",
    ),
    (
        "detection_rate",
        "attack corpora: flagged / (payloads - inert)",
    ),
    (
        "false_positive_rate",
        "benign corpora: flagged / payloads; flagged_inert counts the flags on inert placements \
         (wrong by the ground truth), the other flags are inputs that really changed the sink",
    ),
];

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub family: &'static str,
    pub corpora_dir: String,
    pub request: String,
    pub check: &'static str,
    pub templates: Vec<TemplateInfo>,
    pub classes: &'static [Class],
    pub definitions: Vec<(&'static str, &'static str)>,
    pub corpora: Vec<CorpusReport<'a>>,
    #[serde(skip)]
    pub missed_examples: usize,
}

/// A corpus's results; the sink families add nothing between a template's total and its
/// examples.
pub type CorpusReport<'a> = sections::CorpusReport<'a, ClassMisses, (), Example>;
type TemplateReport = sections::TemplateReport<ClassMisses, (), Example>;

impl<'a> Report<'a> {
    pub fn new(
        info: &FamilyInfo,
        root: &Path,
        corpora: &'a [Corpus],
        tallies: &[Tally],
        missed_examples: usize,
    ) -> Report<'a> {
        Report {
            family: info.name,
            corpora_dir: root.display().to_string(),
            request: info.request.describe(),
            check: info.check,
            templates: info.templates.clone(),
            classes: info.classes,
            definitions: DEFINITIONS.to_vec(),
            corpora: corpora
                .iter()
                .zip(tallies)
                .map(|(corpus, tally)| corpus_report(&info.templates, corpus, tally))
                .collect(),
            missed_examples,
        }
    }
}

fn corpus_report<'a>(
    templates: &[TemplateInfo],
    corpus: &'a Corpus,
    tally: &Tally,
) -> CorpusReport<'a> {
    let templates = templates
        .iter()
        .zip(tally.counts.iter().zip(&tally.examples))
        .map(|(t, (counts, examples))| TemplateReport {
            template: t.name,
            total: Row::new(corpus.kind, counts.clone()),
            detail: (),
            examples: examples.clone(),
        })
        .collect();
    CorpusReport::new(corpus, tally.total(), templates)
}

/// The human-readable report.
pub fn render(r: &Report) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "# rasp corpus {}\n", r.family);
    let _ = writeln!(out, "corpora:   {}", r.corpora_dir);
    let _ = writeln!(out, "request:   {}", r.request);
    let _ = writeln!(out, "check:     {}", r.check);
    let _ = writeln!(out, "templates:");
    let width = r.templates.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for t in &r.templates {
        let _ = writeln!(out, "  {:<width$}  {}", t.name, t.sink);
    }
    let _ = writeln!(
        out,
        "\nPlacement classes (the ground truth, decided without the detector):"
    );
    for c in r.classes {
        let kind = match c.kind {
            ClassKind::Inert => "inert",
            ClassKind::ByDesign => "data by design",
            ClassKind::Attack => "attack",
        };
        let _ = writeln!(out, "  {} ({kind}): {}", c.name, c.meaning);
    }
    sections::definitions(&mut out, &r.definitions);
    sections::sections(
        &mut out,
        &r.corpora,
        |c| c.corpus.kind,
        |out, c| attack_section(out, r, c),
        benign_section,
    );
    out
}

fn attack_section(out: &mut String, r: &Report, c: &CorpusReport) {
    sections::heading(out, c, "Attacks");
    let missed_classes: Vec<&Class> = r
        .classes
        .iter()
        .filter(|k| k.kind != ClassKind::Inert)
        .collect();
    let _ = writeln!(
        out,
        "Missed, by class: {}.",
        missed_classes
            .iter()
            .map(|k| format!(
                "{} = {}",
                k.column,
                if k.kind == ClassKind::ByDesign {
                    "data by design"
                } else {
                    "attack"
                }
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push('\n');
    let columns: Vec<&str> = missed_classes.iter().map(|k| k.column).collect();
    out.push_str(&sections::attack_table(
        c,
        &columns,
        |counts| {
            missed_classes
                .iter()
                .map(|k| {
                    let n = counts.misses.by_class.get(k.name).copied().unwrap_or(0);
                    n.to_string()
                })
                .collect()
        },
        "flagged while inert",
    ));
    sections::rules(out, c, "Detected");
    if r.missed_examples > 0 {
        let _ = writeln!(
            out,
            "\nMissed examples, and placements flagged although inert (rule, *) (up to {} per \
             template; class, then the sink):",
            r.missed_examples
        );
        example_lists(out, c, |e| match e.rule {
            None => e.class.to_string(),
            Some(rule) => format!("{rule}: {}*", e.class),
        });
    }
}

fn benign_section(out: &mut String, c: &CorpusReport) {
    sections::heading(out, c, "Benign");
    out.push_str(&sections::benign_table(
        c,
        "flagged while inert",
        "flagged, input changed the sink",
    ));
    sections::rules(out, c, "Flagged");
    let _ = writeln!(
        out,
        "\nFlagged examples (first {BENIGN_EXAMPLES} per template; rule and class, * = the \
         placement was inert; then the sink):"
    );
    example_lists(out, c, |e| {
        let inert = if e.class == "inert" { "*" } else { "" };
        format!("{}: {}{inert}", e.rule.unwrap_or("none"), e.class)
    });
}

/// One list per template: each payload, a label, and the sink it made.
fn example_lists(out: &mut String, c: &CorpusReport, label: impl Fn(&Example) -> String) {
    sections::example_lists(out, c, |e| {
        format!("{}  [{}]  {}", shorten(&e.payload), label(e), cut(&e.sink))
    });
}

/// A sink cut to a readable length.
fn cut(sink: &str) -> String {
    const MAX: usize = 200;
    match sink.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &sink[..at]),
        None => sink.to_string(),
    }
}
