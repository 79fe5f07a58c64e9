//! The parts of a corpus report every family shares: the report value of one corpus (rows of
//! counts with the rate that matters for its kind, per template and in total) and the text
//! sections built from it (the heading, the per-template tables, the rule counts and the
//! example lists). Each family's report adds what is its own: the header, its miss breakdown
//! columns, the SQL dialect matrix, how an example reads.

use std::fmt::Write as _;

use serde::Serialize;

use super::count::{Counts, Misses};
use super::load::{Corpus, Kind};
use super::text::{by_rule, pct, Table};

/// Counts with the rate of the corpus's kind: detection for attacks, false positives for
/// benign corpora.
#[derive(Debug, Serialize)]
#[serde(bound = "M: Misses")]
pub struct Row<M> {
    #[serde(flatten)]
    pub counts: Counts<M>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub false_positive_rate: Option<f64>,
}

impl<M: Misses> Row<M> {
    pub fn new(kind: Kind, counts: Counts<M>) -> Row<M> {
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

    /// Whichever rate the row has.
    pub fn rate(&self) -> Option<f64> {
        self.detection_rate.or(self.false_positive_rate)
    }
}

/// One template's results in one corpus; `detail` is what a family adds between the total
/// and the examples (the SQL evaluation's rows per dialect).
#[derive(Debug, Serialize)]
#[serde(bound = "M: Misses, D: Serialize, E: Serialize")]
pub struct TemplateReport<M, D, E> {
    pub template: &'static str,
    pub total: Row<M>,
    #[serde(flatten)]
    pub detail: D,
    /// The examples the family's tally kept: for attack corpora the misses, for benign
    /// corpora the flags.
    pub examples: Vec<E>,
}

/// One corpus's results.
#[derive(Debug, Serialize)]
#[serde(bound = "M: Misses, D: Serialize, E: Serialize")]
pub struct CorpusReport<'a, M, D, E> {
    #[serde(flatten)]
    pub corpus: &'a Corpus,
    pub unique_payloads: usize,
    pub total: Row<M>,
    pub templates: Vec<TemplateReport<M, D, E>>,
}

impl<'a, M: Misses, D, E> CorpusReport<'a, M, D, E> {
    pub fn new(
        corpus: &'a Corpus,
        total: Counts<M>,
        templates: Vec<TemplateReport<M, D, E>>,
    ) -> CorpusReport<'a, M, D, E> {
        CorpusReport {
            corpus,
            unique_payloads: corpus.payloads.len(),
            total: Row::new(corpus.kind, total),
            templates,
        }
    }

    /// The row of each template, then `all`, as `cells` makes them after the name.
    fn table(&self, headers: &[&str], cells: impl Fn(&Row<M>) -> Vec<String>) -> String {
        let mut table = Table::new(headers);
        let named = |name: &str, row: &Row<M>| {
            let mut line = vec![name.to_string()];
            line.extend(cells(row));
            line
        };
        for t in &self.templates {
            table.push(named(t.template, &t.total));
        }
        table.push(named("all", &self.total));
        table.render()
    }
}

// Writing to a String cannot fail: every `writeln!` result below is ignored on purpose.

/// The definitions of every count, one per line.
pub fn definitions(out: &mut String, definitions: &[(&str, &str)]) {
    let _ = writeln!(out, "\nDefinitions:");
    for (name, meaning) in definitions {
        let _ = writeln!(out, "  {name}: {meaning}");
    }
}

/// One section per corpus, after a blank line: `attack` or `benign` by its kind.
pub fn sections<C>(
    out: &mut String,
    corpora: &[C],
    kind: impl Fn(&C) -> Kind,
    mut attack: impl FnMut(&mut String, &C),
    mut benign: impl FnMut(&mut String, &C),
) {
    for c in corpora {
        let _ = writeln!(out);
        match kind(c) {
            Kind::Attack => attack(out, c),
            Kind::Benign => benign(out, c),
        }
    }
}

/// `## Attacks: name — … from file`, and the note on how the corpus was read.
pub fn heading<M, D, E>(out: &mut String, c: &CorpusReport<M, D, E>, what: &str) {
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

/// The attack table: placements, detected, inert and missed, then `missed_columns` (the
/// family's breakdown of missed, as `missed_cells` gives it), the detection rate and the flags
/// on inert placements under `flagged_inert`.
pub fn attack_table<M: Misses, D, E>(
    c: &CorpusReport<M, D, E>,
    missed_columns: &[&str],
    missed_cells: impl Fn(&Counts<M>) -> Vec<String>,
    flagged_inert: &str,
) -> String {
    let mut headers = vec!["template", "placements", "detected", "inert", "missed"];
    headers.extend(missed_columns);
    headers.extend(["detection rate", flagged_inert]);
    c.table(&headers, |r| {
        let mut cells = vec![
            r.counts.payloads.to_string(),
            r.counts.flagged.to_string(),
            r.counts.inert.to_string(),
            r.counts.missed.to_string(),
        ];
        cells.extend(missed_cells(&r.counts));
        cells.push(pct(r.detection_rate));
        cells.push(r.counts.flagged_inert.to_string());
        cells
    })
}

/// The benign table: placements, flagged, the false-positive rate, and the flags split into
/// those on inert placements (`flagged_inert`) and the others (`flagged_changed`).
pub fn benign_table<M: Misses, D, E>(
    c: &CorpusReport<M, D, E>,
    flagged_inert: &str,
    flagged_changed: &str,
) -> String {
    let headers = [
        "template",
        "placements",
        "flagged",
        "FP rate",
        flagged_inert,
        flagged_changed,
    ];
    c.table(&headers, |r| {
        vec![
            r.counts.payloads.to_string(),
            r.counts.flagged.to_string(),
            pct(r.false_positive_rate),
            r.counts.flagged_inert.to_string(),
            (r.counts.flagged - r.counts.flagged_inert).to_string(),
        ]
    })
}

/// `\n{what}, by rule: …` over the whole corpus.
pub fn rules<M, D, E>(out: &mut String, c: &CorpusReport<M, D, E>, what: &str) {
    let _ = writeln!(
        out,
        "\n{what}, by rule: {}",
        by_rule(&c.total.counts.by_rule)
    );
}

/// One list per template (`none` when it kept no example), an example per line as `line`
/// writes it.
pub fn example_lists<M, D, E>(
    out: &mut String,
    c: &CorpusReport<M, D, E>,
    line: impl Fn(&E) -> String,
) {
    for t in &c.templates {
        if t.examples.is_empty() {
            let _ = writeln!(out, "- {}: none", t.template);
            continue;
        }
        let _ = writeln!(out, "- {}:", t.template);
        for e in &t.examples {
            let _ = writeln!(out, "    {}", line(e));
        }
    }
}
