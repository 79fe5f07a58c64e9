//! Reading the corpora, each by its own format.
//!
//! * libinjection (`sqli-*.txt` and `false_positives.txt`): read as libinjection's own test
//!   reader does: trailing whitespace trimmed, blank lines and `#` comments skipped, and every
//!   line URL-decoded with form rules (`+` is a space, `%XX` a byte, a malformed `%` kept).
//!   `false_positives.txt` is encoded too (`80%25 ACRYLIC`, `4%27%2BX%2B4%27%2BWOOD`).
//! * PayloadsAllTheThings: plain text, one payload per line, leading spaces kept (` OR 1=1`
//!   differs from `OR 1=1`); blank lines and the few `# ` / `#<tab>` description lines skipped
//!   (a lone `#`, a MySQL comment payload, is kept).
//! * The Big List of Naughty Strings: plain text in sections, each opened by a block of `#`
//!   lines whose first line is the title. Blank lines are skipped. The section titled
//!   "SQL Injection" holds real injection strings: it is split off as an attack corpus of its
//!   own instead of being counted as benign.
//!
//! Bytes that are not UTF-8 are decoded lossily, as a servlet container would hand them to the
//! application. Duplicate payloads within a corpus are dropped (and counted).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use super::locate::Layout;

/// Whether a corpus holds attacks or benign inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Attack,
    Benign,
}

/// One corpus, ready to evaluate.
#[derive(Debug, Serialize)]
pub struct Corpus {
    pub name: &'static str,
    pub kind: Kind,
    /// The files read, relative to the corpora directory.
    pub files: Vec<String>,
    /// Payload lines read (comments and blank lines excluded), duplicates included.
    pub lines: usize,
    /// Lines dropped because an earlier line of the corpus had the same payload.
    pub duplicates: usize,
    /// How the corpus was read, for the report.
    pub note: String,
    #[serde(skip)]
    pub payloads: Vec<String>,
}

/// Every corpus of the SQL injection evaluation: attacks first, then benign ones.
pub fn sqli_corpora(layout: &Layout) -> Result<Vec<Corpus>> {
    let (blns_benign, blns_sqli) = blns(&layout.root, &layout.blns)?;
    Ok(vec![
        corpus(
            "libinjection",
            Kind::Attack,
            &layout.root,
            &layout.libinjection_attacks,
            libinjection_lines,
            "sqli-*.txt, URL-decoded (form rules)",
        )?,
        corpus(
            "payloadsallthethings",
            Kind::Attack,
            &layout.root,
            &layout.payloads_all_the_things,
            plain_lines,
            "sqli/*, plain text",
        )?,
        blns_sqli,
        corpus(
            "libinjection-fp",
            Kind::Benign,
            &layout.root,
            std::slice::from_ref(&layout.libinjection_benign),
            libinjection_lines,
            "false_positives.txt, URL-decoded like libinjection's test reader does",
        )?,
        blns_benign,
    ])
}

fn corpus(
    name: &'static str,
    kind: Kind,
    root: &Path,
    files: &[PathBuf],
    lines_of: fn(&str) -> Vec<String>,
    note: &str,
) -> Result<Corpus> {
    let mut payloads = Vec::new();
    for path in files {
        payloads.extend(lines_of(&read(path)?));
    }
    Ok(Corpus::new(
        name,
        kind,
        files.iter().map(|f| relative(root, f)).collect(),
        payloads,
        note.to_string(),
    ))
}

impl Corpus {
    fn new(
        name: &'static str,
        kind: Kind,
        files: Vec<String>,
        lines: Vec<String>,
        note: String,
    ) -> Corpus {
        let total = lines.len();
        let mut seen = HashSet::new();
        let payloads: Vec<String> = lines
            .into_iter()
            .filter(|p| seen.insert(p.clone()))
            .collect();
        Corpus {
            name,
            kind,
            files,
            lines: total,
            duplicates: total - payloads.len(),
            note,
            payloads,
        }
    }
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read corpus file '{}'", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// libinjection's reader: right-trim, skip blank and `#` lines, URL-decode.
pub fn libinjection_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end_matches([' ', '\t', '\r', '\n']))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(form_decode)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Form URL-decoding of one whole line: `+` is a space, `%XX` a byte; `&` and `=` are data.
pub fn form_decode(line: &str) -> String {
    let spaced = line.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// Plain payload lists: one per line, blank lines and `# ` description lines skipped.
pub fn plain_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end_matches(['\r', '\n']))
        .filter(|l| !l.trim().is_empty() && !is_description(l))
        .map(str::to_string)
        .collect()
}

fn is_description(line: &str) -> bool {
    line.strip_prefix('#').is_some_and(|rest| {
        rest.starts_with([' ', '\t']) && rest.trim_start().starts_with(char::is_alphabetic)
    })
}

/// The Big List of Naughty Strings, split into its benign part and its SQL injection section.
fn blns(root: &Path, path: &Path) -> Result<(Corpus, Corpus)> {
    let text = read(path)?;
    let (benign, sqli, titles) = blns_sections(&text);
    let file = vec![relative(root, path)];
    let sections = if titles.is_empty() {
        "no section title mentions SQL injection".to_string()
    } else {
        titles
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok((
        Corpus::new(
            "blns",
            Kind::Benign,
            file.clone(),
            benign,
            format!("blns.txt without its section {sections} (evaluated as the attack corpus blns-sqli)"),
        ),
        Corpus::new(
            "blns-sqli",
            Kind::Attack,
            file,
            sqli,
            format!("the section {sections} of blns.txt, excluded from the benign corpus blns"),
        ),
    ))
}

/// Splits blns.txt: (benign lines, lines of sections about SQL injection, those titles).
pub fn blns_sections(text: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut benign = Vec::new();
    let mut sqli = Vec::new();
    let mut titles = Vec::new();
    let mut in_comment_block = false;
    let mut in_sqli_section = false;
    for line in text.lines().map(|l| l.trim_end_matches(['\r', '\n'])) {
        if let Some(comment) = line.strip_prefix('#') {
            if !in_comment_block {
                // The first line of a comment block is the section title.
                let title = comment.trim();
                in_sqli_section = title.to_ascii_lowercase().contains("sql injection");
                if in_sqli_section {
                    titles.push(title.to_string());
                }
            }
            in_comment_block = true;
            continue;
        }
        in_comment_block = false;
        if line.is_empty() {
            continue;
        }
        if in_sqli_section {
            sqli.push(line.to_string());
        } else {
            benign.push(line.to_string());
        }
    }
    (benign, sqli, titles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libinjection_lines_are_decoded_like_its_reader() {
        let text = "#\n# comment\n1%27+OR+%271%27%3D%271  \r\n\n80%25 ACRYLIC\n%zz+&a=b\n";
        assert_eq!(
            libinjection_lines(text),
            vec!["1' OR '1'='1", "80% ACRYLIC", "%zz &a=b"]
        );
    }

    #[test]
    fn plain_lines_keep_leading_spaces_and_lone_hashes() {
        let text = " OR 1=1\r\n\n   \n# you will need to customize\n#\n#\t    Hash comment\n'#\n";
        assert_eq!(plain_lines(text), vec![" OR 1=1", "#", "'#"]);
    }

    #[test]
    fn blns_splits_off_the_sql_injection_section() {
        let text = "#\tReserved Strings\n#\n#\tStrings which may be used\n\nnull\n\n\
                    #\tSQL Injection\n#\n#\tStrings which can cause a SQL injection\n\n\
                    1;DROP TABLE users\n' OR '1'='1\n\n#\tServer Code Injection\n#\n\n-\n";
        let (benign, sqli, titles) = blns_sections(text);
        assert_eq!(benign, vec!["null", "-"]);
        assert_eq!(sqli, vec!["1;DROP TABLE users", "' OR '1'='1"]);
        assert_eq!(titles, vec!["SQL Injection"]);
    }

    #[test]
    fn duplicates_are_dropped_and_counted() {
        let c = Corpus::new(
            "t",
            Kind::Attack,
            Vec::new(),
            vec!["a".into(), "b".into(), "a".into()],
            String::new(),
        );
        assert_eq!(c.payloads, vec!["a", "b"]);
        assert_eq!((c.lines, c.duplicates), (3, 1));
    }
}
