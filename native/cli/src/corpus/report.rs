//! The evaluation report: one serializable value, printed as Markdown-style tables for people
//! or as JSON for machines.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::load::{Corpus, Kind};
use super::tally::{Counts, Example, Tally};
use super::templates::{DIALECTS, TEMPLATES};
use super::text::{by_rule, pct, shorten, Table};

/// What every count means, repeated in the JSON so that it explains itself.
const DEFINITIONS: [(&str, &str); 9] = [
    (
        "placement",
        "one payload in one template and dialect, as a query parameter among Accept, User-Agent, \
         Accept-Language and cookie inputs, checked with Engine::check_sql under the default \
         configuration",
    ),
    ("flagged", "the engine reported a finding (any rule)"),
    (
        "inert",
        "not flagged, and the payload lies inside one string literal of the statement, by the \
         dialect's lexer alone: text, not an attack, in this template",
    ),
    (
        "missed",
        "not flagged and not inert (= one token + literals only + code added)",
    ),
    (
        "missed_one_token",
        "of missed: the payload lies within one non-literal token (identifier, number, \
         operator) or is whitespace, which the detector treats as data by design",
    ),
    (
        "missed_literals_only",
        "of missed: the payload covers several tokens that are all literals, commas or signs \
         (its quotes re-paired with the template's: ' OR '1'='1 in a number position is \
         string, number, string, number), which the detector treats as data by design; the \
         SQL is usually invalid",
    ),
    (
        "missed_code",
        "of missed: the rest, where the payload added code or made the statement unlexable \
         and the detector said nothing: the false negatives to study",
    ),
    (
        "detection_rate",
        "attack corpora: flagged / (payloads - inert)",
    ),
    (
        "false_positive_rate",
        "benign corpora: flagged / payloads; flagged_inside_literal counts the flags where the \
         input stayed inside one literal (wrong by the detector's own rule), the other flags are \
         inputs that really changed the statement",
    ),
];

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub corpora_dir: String,
    pub dialects: Vec<&'static str>,
    pub templates: Vec<TemplateInfo>,
    pub definitions: Vec<(&'static str, &'static str)>,
    pub corpora: Vec<CorpusReport<'a>>,
    #[serde(skip)]
    pub missed_examples: usize,
}

#[derive(Debug, Serialize)]
pub struct TemplateInfo {
    pub name: &'static str,
    pub sql: &'static str,
    pub dialects: Vec<&'static str>,
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
    /// Summed over the template's dialects.
    pub total: Row,
    pub dialects: Vec<DialectRow>,
    /// Attack corpora: missed payloads; benign corpora: flagged ones.
    pub examples: Vec<Example>,
}

#[derive(Debug, Serialize)]
pub struct DialectRow {
    pub dialect: &'static str,
    #[serde(flatten)]
    pub row: Row,
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

    fn rate(&self) -> Option<f64> {
        self.detection_rate.or(self.false_positive_rate)
    }
}

impl<'a> Report<'a> {
    pub fn new(
        root: &Path,
        corpora: &'a [Corpus],
        tallies: &[Tally],
        missed_examples: usize,
    ) -> Report<'a> {
        Report {
            corpora_dir: root.display().to_string(),
            dialects: DIALECTS.iter().map(|d| d.name()).collect(),
            templates: TEMPLATES
                .iter()
                .map(|t| TemplateInfo {
                    name: t.name,
                    sql: t.sql,
                    dialects: t.dialects.iter().map(|d| d.name()).collect(),
                })
                .collect(),
            definitions: DEFINITIONS.to_vec(),
            corpora: corpora
                .iter()
                .zip(tallies)
                .map(|(corpus, tally)| corpus_report(corpus, tally))
                .collect(),
            missed_examples,
        }
    }
}

fn corpus_report<'a>(corpus: &'a Corpus, tally: &Tally) -> CorpusReport<'a> {
    let templates = TEMPLATES
        .iter()
        .enumerate()
        .map(|(i, t)| TemplateReport {
            template: t.name,
            total: Row::new(corpus.kind, tally.template_total(i)),
            dialects: t
                .dialects
                .iter()
                .filter_map(|&d| {
                    tally.cell(i, d).map(|c| DialectRow {
                        dialect: d.name(),
                        row: Row::new(corpus.kind, c.clone()),
                    })
                })
                .collect(),
            examples: tally.examples.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    CorpusReport {
        corpus,
        unique_payloads: corpus.payloads.len(),
        total: Row::new(corpus.kind, tally.total()),
        templates,
    }
}

/// The human-readable report.
pub fn render(r: &Report) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "# rasp corpus sqli\n");
    let _ = writeln!(out, "corpora:  {}", r.corpora_dir);
    let _ = writeln!(out, "dialects: {}", r.dialects.join(", "));
    let _ = writeln!(out, "templates:");
    for t in &r.templates {
        let only = if t.dialects.len() < r.dialects.len() {
            format!("   ({} only)", t.dialects.join(", "))
        } else {
            String::new()
        };
        let _ = writeln!(out, "  {:<10} {}{only}", t.name, t.sql);
    }
    let _ = writeln!(out, "\nDefinitions:");
    for (name, meaning) in &r.definitions {
        let _ = writeln!(out, "  {name}: {meaning}");
    }
    for c in &r.corpora {
        let _ = writeln!(out);
        match c.corpus.kind {
            Kind::Attack => attack_section(&mut out, c, r.missed_examples),
            Kind::Benign => benign_section(&mut out, c),
        }
    }
    out
}

fn corpus_heading(out: &mut String, c: &CorpusReport, what: &str) {
    let files = match c.corpus.files.as_slice() {
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

fn attack_section(out: &mut String, c: &CorpusReport, examples: usize) {
    corpus_heading(out, c, "Attacks");
    let mut table = Table::new(&[
        "template",
        "placements",
        "detected",
        "inert",
        "missed",
        "one token",
        "literals only",
        "code added",
        "detection rate",
        "flagged inside literal",
    ]);
    let row = |name: &str, r: &Row| {
        vec![
            name.to_string(),
            r.counts.payloads.to_string(),
            r.counts.flagged.to_string(),
            r.counts.inert.to_string(),
            r.counts.missed.to_string(),
            r.counts.missed_one_token.to_string(),
            r.counts.missed_literals_only.to_string(),
            r.counts.missed_code.to_string(),
            pct(r.detection_rate),
            r.counts.flagged_inside_literal.to_string(),
        ]
    };
    for t in &c.templates {
        table.push(row(t.template, &t.total));
    }
    table.push(row("all", &c.total));
    out.push_str(&table.render());
    let _ = writeln!(out, "\nDetection rate by dialect:\n");
    out.push_str(&dialect_matrix(c));
    let _ = writeln!(
        out,
        "\nDetected, by rule: {}",
        by_rule(&c.total.counts.by_rule)
    );
    if examples > 0 {
        let _ = writeln!(
            out,
            "\nMissed examples (up to {examples} per template; dialects by placement):"
        );
        example_lists(out, c, |h| h.placement.name());
    }
}

fn benign_section(out: &mut String, c: &CorpusReport) {
    corpus_heading(out, c, "Benign");
    let mut table = Table::new(&[
        "template",
        "placements",
        "flagged",
        "FP rate",
        "flagged inside literal",
        "flagged, input changed the statement",
    ]);
    let row = |name: &str, r: &Row| {
        vec![
            name.to_string(),
            r.counts.payloads.to_string(),
            r.counts.flagged.to_string(),
            pct(r.false_positive_rate),
            r.counts.flagged_inside_literal.to_string(),
            (r.counts.flagged - r.counts.flagged_inside_literal).to_string(),
        ]
    };
    for t in &c.templates {
        table.push(row(t.template, &t.total));
    }
    table.push(row("all", &c.total));
    out.push_str(&table.render());
    let _ = writeln!(out, "\nFalse-positive rate by dialect:\n");
    out.push_str(&dialect_matrix(c));
    let _ = writeln!(
        out,
        "\nFlagged, by rule: {}",
        by_rule(&c.total.counts.by_rule)
    );
    let _ = writeln!(
        out,
        "\nFlagged examples (first {} per template; dialects by rule, * = input stayed inside a literal):",
        super::BENIGN_EXAMPLES
    );
    example_lists(out, c, |h| h.rule.unwrap_or("none"));
}

/// Templates down, dialects across, the corpus's rate in each cell.
fn dialect_matrix(c: &CorpusReport) -> String {
    let mut headers = vec!["template"];
    headers.extend(DIALECTS.iter().map(|d| d.name()));
    let mut table = Table::new(&headers);
    for t in &c.templates {
        let mut cells = vec![t.template.to_string()];
        cells.extend(DIALECTS.iter().map(|d| {
            t.dialects
                .iter()
                .find(|r| r.dialect == d.name())
                .map_or("—".to_string(), |r| pct(r.row.rate()))
        }));
        table.push(cells);
    }
    table.render()
}

/// One list per template: each payload, then its dialects grouped by `key`.
fn example_lists(out: &mut String, c: &CorpusReport, key: impl Fn(&super::tally::Hit) -> &str) {
    for t in &c.templates {
        if t.examples.is_empty() {
            let _ = writeln!(out, "- {}: none", t.template);
            continue;
        }
        let _ = writeln!(out, "- {}:", t.template);
        for e in &t.examples {
            let mut groups: Vec<(String, Vec<String>)> = Vec::new();
            for h in &e.hits {
                let k = key(h).to_string();
                let mark = if c.corpus.kind == Kind::Benign
                    && h.placement == super::judge::Placement::Inert
                {
                    "*"
                } else {
                    ""
                };
                let d = format!("{}{mark}", h.dialect);
                match groups.iter_mut().find(|(g, _)| *g == k) {
                    Some((_, ds)) => ds.push(d),
                    None => groups.push((k, vec![d])),
                }
            }
            let groups: Vec<String> = groups
                .into_iter()
                .map(|(k, ds)| format!("{k}: {}", ds.join(" ")))
                .collect();
            let _ = writeln!(out, "    {}  [{}]", shorten(&e.payload), groups.join("; "));
        }
    }
}
