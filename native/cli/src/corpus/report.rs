//! The evaluation report: one serializable value, printed as Markdown-style tables for people
//! or as JSON for machines.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::judge::Placement;
use super::load::{Corpus, Kind};
use super::sections::{self, Row};
use super::tally::{Example, Hit, SqlMisses, Tally};
use super::templates::{Case, DIALECTS, TEMPLATES};
use super::text::{pct, shorten, Table};

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

/// A corpus's results; each template's total is summed over its dialects.
pub type CorpusReport<'a> = sections::CorpusReport<'a, SqlMisses, ByDialect, Example>;
type TemplateReport = sections::TemplateReport<SqlMisses, ByDialect, Example>;

/// A template's rows per dialect, in the template's dialect order.
#[derive(Debug, Serialize)]
pub struct ByDialect {
    pub dialects: Vec<DialectRow>,
}

#[derive(Debug, Serialize)]
pub struct DialectRow {
    pub dialect: &'static str,
    #[serde(flatten)]
    pub row: Row<SqlMisses>,
}

impl<'a> Report<'a> {
    /// The report of `tallies`, one per corpus, each counted over `cases`.
    pub fn new(
        root: &Path,
        corpora: &'a [Corpus],
        cases: &[Case],
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
                .map(|(corpus, tally)| corpus_report(corpus, cases, tally))
                .collect(),
            missed_examples,
        }
    }
}

fn corpus_report<'a>(corpus: &'a Corpus, cases: &[Case], tally: &Tally) -> CorpusReport<'a> {
    let templates = TEMPLATES
        .iter()
        .enumerate()
        .map(|(i, t)| TemplateReport {
            template: t.name,
            total: Row::new(corpus.kind, tally.template_total(cases, i)),
            detail: ByDialect {
                dialects: t
                    .dialects
                    .iter()
                    .filter_map(|&d| {
                        tally.cell(cases, i, d).map(|c| DialectRow {
                            dialect: d.name(),
                            row: Row::new(corpus.kind, c.clone()),
                        })
                    })
                    .collect(),
            },
            examples: tally.examples.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    CorpusReport::new(corpus, tally.total(), templates)
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
    sections::definitions(&mut out, &r.definitions);
    sections::sections(
        &mut out,
        &r.corpora,
        |c| c.corpus.kind,
        |out, c| attack_section(out, c, r.missed_examples),
        benign_section,
    );
    out
}

fn attack_section(out: &mut String, c: &CorpusReport, examples: usize) {
    sections::heading(out, c, "Attacks");
    out.push_str(&sections::attack_table(
        c,
        &["one token", "literals only", "code added"],
        |counts| {
            let m = &counts.misses;
            [m.one_token, m.literals_only, m.code]
                .map(|n| n.to_string())
                .to_vec()
        },
        "flagged inside literal",
    ));
    let _ = writeln!(out, "\nDetection rate by dialect:\n");
    out.push_str(&dialect_matrix(c));
    sections::rules(out, c, "Detected");
    if examples > 0 {
        let _ = writeln!(
            out,
            "\nMissed examples (up to {examples} per template; dialects by placement):"
        );
        sections::example_lists(out, c, |e| example_line(c, e, |h| h.placement.name()));
    }
}

fn benign_section(out: &mut String, c: &CorpusReport) {
    sections::heading(out, c, "Benign");
    out.push_str(&sections::benign_table(
        c,
        "flagged inside literal",
        "flagged, input changed the statement",
    ));
    let _ = writeln!(out, "\nFalse-positive rate by dialect:\n");
    out.push_str(&dialect_matrix(c));
    sections::rules(out, c, "Flagged");
    let _ = writeln!(
        out,
        "\nFlagged examples (first {} per template; dialects by rule, * = input stayed inside a literal):",
        super::BENIGN_EXAMPLES
    );
    sections::example_lists(out, c, |e| example_line(c, e, |h| h.rule.unwrap_or("none")));
}

/// Templates down, dialects across, the corpus's rate in each cell.
fn dialect_matrix(c: &CorpusReport) -> String {
    let mut headers = vec!["template"];
    headers.extend(DIALECTS.iter().map(|d| d.name()));
    let mut table = Table::new(&headers);
    for t in &c.templates {
        let mut cells = vec![t.template.to_string()];
        cells.extend(DIALECTS.iter().map(|d| {
            t.detail
                .dialects
                .iter()
                .find(|r| r.dialect == d.name())
                .map_or("—".to_string(), |r| pct(r.row.rate()))
        }));
        table.push(cells);
    }
    table.render()
}

/// A payload, then its dialects grouped by `key` (`*` marks a benign corpus's flag inside a
/// literal).
fn example_line(c: &CorpusReport, e: &Example, key: impl Fn(&Hit) -> &str) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for h in &e.hits {
        let k = key(h).to_string();
        let mark = if c.corpus.kind == Kind::Benign && h.placement == Placement::Inert {
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
    format!("{}  [{}]", shorten(&e.payload), groups.join("; "))
}
