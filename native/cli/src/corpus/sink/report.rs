//! The evaluation report of a sink family: one serializable value, printed as Markdown-style
//! tables for people or as JSON for machines, in the style of `rasp corpus sqli`'s report.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::tally::{Class, ClassKind, Counts, Example, Tally};
use super::{Family, TemplateInfo};
use crate::corpus::load::{Corpus, Kind};
use crate::corpus::text::{by_rule, pct, shorten, Table};
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

#[derive(Debug, Serialize)]
pub struct CorpusReport<'a> {
    #[serde(flatten)]
    pub corpus: &'a Corpus,
    pub unique_payloads: usize,
    pub total: Row,
    pub templates: Vec<TemplateReport>,
}

#[derive(Debug, Serialize)]
pub struct TemplateReport {
    pub template: &'static str,
    pub total: Row,
    /// Attack corpora: missed payloads and inert ones flagged; benign corpora: flagged ones.
    pub examples: Vec<Example>,
}

#[derive(Debug, Serialize)]
pub struct Row {
    #[serde(flatten)]
    pub counts: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub false_positive_rate: Option<f64>,
}

impl Row {
    fn new(kind: Kind, counts: Counts) -> Row {
        let (detection_rate, false_positive_rate) = match kind {
            Kind::Attack => (counts.detection_rate(), None),
            Kind::Benign => (None, counts.false_positive_rate()),
        };
        Row {
            counts,
            detection_rate,
            false_positive_rate,
        }
    }
}

impl<'a> Report<'a> {
    pub fn new(
        family: &dyn Family,
        root: &Path,
        corpora: &'a [Corpus],
        tallies: &[Tally],
        missed_examples: usize,
    ) -> Report<'a> {
        let templates = family.templates();
        Report {
            family: family.name(),
            corpora_dir: root.display().to_string(),
            request: family.request(),
            check: family.check(),
            corpora: corpora
                .iter()
                .zip(tallies)
                .map(|(corpus, tally)| corpus_report(&templates, corpus, tally))
                .collect(),
            templates,
            classes: family.classes(),
            definitions: DEFINITIONS.to_vec(),
            missed_examples,
        }
    }
}

fn corpus_report<'a>(
    templates: &[TemplateInfo],
    corpus: &'a Corpus,
    tally: &Tally,
) -> CorpusReport<'a> {
    CorpusReport {
        corpus,
        unique_payloads: corpus.payloads.len(),
        total: Row::new(corpus.kind, tally.total()),
        templates: templates
            .iter()
            .zip(tally.counts.iter().zip(&tally.examples))
            .map(|(t, (counts, examples))| TemplateReport {
                template: t.name,
                total: Row::new(corpus.kind, counts.clone()),
                examples: examples.clone(),
            })
            .collect(),
    }
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
    let _ = writeln!(out, "\nDefinitions:");
    for (name, meaning) in &r.definitions {
        let _ = writeln!(out, "  {name}: {meaning}");
    }
    for c in &r.corpora {
        let _ = writeln!(out);
        match c.corpus.kind {
            Kind::Attack => attack_section(&mut out, r, c),
            Kind::Benign => benign_section(&mut out, c),
        }
    }
    out
}

fn corpus_heading(out: &mut String, c: &CorpusReport, what: &str) {
    let files = match c.corpus.files.as_slice() {
        [] => "the CLI itself".to_string(),
        [one] => one.clone(),
        many => format!("{} files", many.len()),
    };
    let _ = writeln!(
        out,
        "## {what}: {} — {} unique payloads ({} lines, {} duplicates) from {files}",
        c.corpus.name, c.unique_payloads, c.corpus.lines, c.corpus.duplicates
    );
    let _ = writeln!(out, "{}\n", c.corpus.note);
}

fn attack_section(out: &mut String, r: &Report, c: &CorpusReport) {
    corpus_heading(out, c, "Attacks");
    let missed_classes: Vec<&Class> = r
        .classes
        .iter()
        .filter(|k| k.kind != ClassKind::Inert)
        .collect();
    let mut headers = vec!["template", "placements", "detected", "inert", "missed"];
    headers.extend(missed_classes.iter().map(|k| k.column));
    headers.extend(["detection rate", "flagged while inert"]);
    let mut table = Table::new(&headers);
    let row = |name: &str, r: &Row| {
        let mut cells = vec![
            name.to_string(),
            r.counts.payloads.to_string(),
            r.counts.flagged.to_string(),
            r.counts.inert.to_string(),
            r.counts.missed.to_string(),
        ];
        cells.extend(missed_classes.iter().map(|k| {
            r.counts
                .missed_by_class
                .get(k.name)
                .copied()
                .unwrap_or(0)
                .to_string()
        }));
        cells.push(pct(r.detection_rate));
        cells.push(r.counts.flagged_inert.to_string());
        cells
    };
    for t in &c.templates {
        table.push(row(t.template, &t.total));
    }
    table.push(row("all", &c.total));
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
    out.push_str(&table.render());
    let _ = writeln!(
        out,
        "\nDetected, by rule: {}",
        by_rule(&c.total.counts.by_rule)
    );
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
    corpus_heading(out, c, "Benign");
    let mut table = Table::new(&[
        "template",
        "placements",
        "flagged",
        "FP rate",
        "flagged while inert",
        "flagged, input changed the sink",
    ]);
    let row = |name: &str, r: &Row| {
        vec![
            name.to_string(),
            r.counts.payloads.to_string(),
            r.counts.flagged.to_string(),
            pct(r.false_positive_rate),
            r.counts.flagged_inert.to_string(),
            (r.counts.flagged - r.counts.flagged_inert).to_string(),
        ]
    };
    for t in &c.templates {
        table.push(row(t.template, &t.total));
    }
    table.push(row("all", &c.total));
    out.push_str(&table.render());
    let _ = writeln!(
        out,
        "\nFlagged, by rule: {}",
        by_rule(&c.total.counts.by_rule)
    );
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
    for t in &c.templates {
        if t.examples.is_empty() {
            let _ = writeln!(out, "- {}: none", t.template);
            continue;
        }
        let _ = writeln!(out, "- {}:", t.template);
        for e in &t.examples {
            let _ = writeln!(
                out,
                "    {}  [{}]  {}",
                shorten(&e.payload),
                label(e),
                cut(&e.sink)
            );
        }
    }
}

/// A sink cut to a readable length.
fn cut(sink: &str) -> String {
    const MAX: usize = 200;
    match sink.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &sink[..at]),
        None => sink.to_string(),
    }
}
