//! Reading the corpora, each by its own format.
//!
//! * libinjection (`sqli-*.txt` and `false_positives.txt`): read as libinjection's own test
//!   reader does: trailing whitespace trimmed, blank lines and `#` comments skipped, and every
//!   line URL-decoded with form rules (`+` is a space, `%XX` a byte, a malformed `%` kept).
//!   `false_positives.txt` is encoded too (`80%25 ACRYLIC`, `4%27%2BX%2B4%27%2BWOOD`).
//! * PayloadsAllTheThings: plain text, one payload per line, leading spaces kept (` OR 1=1`
//!   differs from `OR 1=1`); blank lines and the few `# ` / `#<tab>` description lines skipped
//!   (a lone `#`, a MySQL comment payload, is kept).
//! * PayloadsAllTheThings `cmdi` and `path`: read the same way, then the HTML character
//!   references a few lines carry (`&lt;!--#exec cmd=&quot;...`) decoded once. In `path`, the
//!   placeholder `{FILE}` some lists use for the target file is replaced by `etc/passwd`.
//! * The Big List of Naughty Strings: plain text in sections, each opened by a block of `#`
//!   lines whose first line is the title. Blank lines are skipped. Sections that are attack
//!   lists of the evaluated family are split off as an attack corpus of their own instead of
//!   being counted as benign: "SQL Injection" for SQL; "Server Code Injection", "Command
//!   Injection (Ruby)" and "Known CVEs and Vulnerabilities" (Shellshock) for commands; "File
//!   Inclusion" for paths. For commands and paths the SQL injection section is left out too.
//!
//! Bytes that are not UTF-8 are decoded lossily, as a servlet container would hand them to the
//! application. Duplicate payloads within a corpus are dropped (and counted).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use super::locate::{Layout, SinkLayout};

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
    pub name: String,
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
    let (blns_benign, blns_sqli) = blns(&layout.root, &layout.blns, &SQLI_SECTIONS)?;
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
    name: &str,
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
    fn new(name: &str, kind: Kind, files: Vec<String>, lines: Vec<String>, note: String) -> Corpus {
        let total = lines.len();
        let mut seen = HashSet::new();
        let payloads: Vec<String> = lines
            .into_iter()
            .filter(|p| seen.insert(p.clone()))
            .collect();
        Corpus {
            name: name.to_string(),
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

/// How one family splits the Big List of Naughty Strings, by section title.
pub struct BlnsSplit {
    /// The attack corpus the matching sections become (`blns-sqli`).
    pub attack_name: &'static str,
    /// What those sections are, for the notes.
    pub what: &'static str,
    /// Titles (lowercased) of the sections that are attacks of this family.
    pub attack: fn(&str) -> bool,
    /// Titles (lowercased) of sections left out of both corpora: another family's attacks.
    pub excluded: fn(&str) -> bool,
}

pub const SQLI_SECTIONS: BlnsSplit = BlnsSplit {
    attack_name: "blns-sqli",
    what: "SQL injection",
    attack: |t| t.contains("sql injection"),
    excluded: |_| false,
};

pub const CMD_SECTIONS: BlnsSplit = BlnsSplit {
    attack_name: "blns-cmdi",
    what: "command injection",
    attack: |t| {
        t.contains("command injection")
            || t.contains("server code injection")
            || t.starts_with("known cves")
    },
    excluded: |t| t.contains("sql injection"),
};

pub const PATH_SECTIONS: BlnsSplit = BlnsSplit {
    attack_name: "blns-path",
    what: "file inclusion",
    attack: |t| t.contains("file inclusion"),
    excluded: |t| t.contains("sql injection"),
};

/// The Big List of Naughty Strings, split into its benign part and the family's attack sections.
fn blns(root: &Path, path: &Path, split: &BlnsSplit) -> Result<(Corpus, Corpus)> {
    let text = read(path)?;
    let sections = blns_sections(&text, split);
    let file = vec![relative(root, path)];
    let quoted = |titles: &[String]| {
        titles
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (section, titles) = match sections.attack_titles.len() {
        0 => (
            "section",
            format!("no section title mentions {}", split.what),
        ),
        1 => ("section", quoted(&sections.attack_titles)),
        _ => ("sections", quoted(&sections.attack_titles)),
    };
    let excluded = if sections.excluded_titles.is_empty() {
        String::new()
    } else {
        format!(
            ", and without {} (another family's attacks)",
            quoted(&sections.excluded_titles)
        )
    };
    Ok((
        Corpus::new(
            "blns",
            Kind::Benign,
            file.clone(),
            sections.benign,
            format!(
                "blns.txt without its {section} {titles} (evaluated as the attack corpus {}){excluded}",
                split.attack_name
            ),
        ),
        Corpus::new(
            split.attack_name,
            Kind::Attack,
            file,
            sections.attack,
            format!("the {section} {titles} of blns.txt, excluded from the benign corpus blns"),
        ),
    ))
}

/// blns.txt split by section.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BlnsSections {
    pub benign: Vec<String>,
    pub attack: Vec<String>,
    pub attack_titles: Vec<String>,
    pub excluded_titles: Vec<String>,
}

/// Splits blns.txt into benign lines and lines of the family's attack sections (lines of
/// excluded sections are dropped), with the titles of both kinds of section.
pub fn blns_sections(text: &str, split: &BlnsSplit) -> BlnsSections {
    #[derive(Clone, Copy, PartialEq)]
    enum Section {
        Benign,
        Attack,
        Excluded,
    }
    let mut out = BlnsSections::default();
    let mut in_comment_block = false;
    let mut section = Section::Benign;
    for line in text.lines().map(|l| l.trim_end_matches(['\r', '\n'])) {
        if let Some(comment) = line.strip_prefix('#') {
            if !in_comment_block {
                // The first line of a comment block is the section title.
                let title = comment.trim();
                let lower = title.to_ascii_lowercase();
                section = if (split.attack)(&lower) {
                    out.attack_titles.push(title.to_string());
                    Section::Attack
                } else if (split.excluded)(&lower) {
                    out.excluded_titles.push(title.to_string());
                    Section::Excluded
                } else {
                    Section::Benign
                };
            }
            in_comment_block = true;
            continue;
        }
        in_comment_block = false;
        if line.is_empty() {
            continue;
        }
        match section {
            Section::Benign => out.benign.push(line.to_string()),
            Section::Attack => out.attack.push(line.to_string()),
            Section::Excluded => {}
        }
    }
    out
}

/// What `{FILE}` in the traversal lists stands for.
pub const FILE_PLACEHOLDER_TARGET: &str = "etc/passwd";

/// Every corpus of the command injection evaluation: one attack corpus per PayloadsAllTheThings
/// file, blns's command injection sections, then blns as the benign corpus.
pub fn cmd_corpora(layout: &SinkLayout) -> Result<Vec<Corpus>> {
    let (blns_benign, blns_cmdi) = blns(&layout.root, &layout.blns, &CMD_SECTIONS)?;
    let mut corpora = per_file(
        layout,
        cmdi_lines,
        "plain text, HTML character references decoded",
    )?;
    corpora.push(blns_cmdi);
    corpora.push(blns_benign);
    Ok(corpora)
}

/// Every corpus of the path traversal evaluation: one attack corpus per PayloadsAllTheThings
/// file, blns's file inclusion section, then blns and the built-in file names as benign corpora.
pub fn path_corpora(layout: &SinkLayout, file_names: &[&str]) -> Result<Vec<Corpus>> {
    let (blns_benign, blns_path) = blns(&layout.root, &layout.blns, &PATH_SECTIONS)?;
    let mut corpora = per_file(
        layout,
        path_lines,
        &format!(
            "plain text, HTML character references decoded, {{FILE}} replaced by {FILE_PLACEHOLDER_TARGET}"
        ),
    )?;
    corpora.push(blns_path);
    corpora.push(blns_benign);
    corpora.push(Corpus::new(
        "file-names",
        Kind::Benign,
        Vec::new(),
        file_names.iter().map(|n| n.to_string()).collect(),
        "realistic benign file names, built into the CLI (not a public corpus)".to_string(),
    ));
    Ok(corpora)
}

/// One attack corpus per file of the layout's PayloadsAllTheThings folder, named by its stem.
fn per_file(
    layout: &SinkLayout,
    lines_of: fn(&str) -> Vec<String>,
    note: &str,
) -> Result<Vec<Corpus>> {
    layout
        .attacks
        .iter()
        .map(|path| {
            let name = path.file_stem().map_or_else(
                || relative(&layout.root, path),
                |s| s.to_string_lossy().into_owned(),
            );
            corpus(
                &name,
                Kind::Attack,
                &layout.root,
                std::slice::from_ref(path),
                lines_of,
                note,
            )
        })
        .collect()
}

/// PayloadsAllTheThings `cmdi`: plain lines with HTML character references decoded.
pub fn cmdi_lines(text: &str) -> Vec<String> {
    plain_lines(text).iter().map(|l| html_decode(l)).collect()
}

/// PayloadsAllTheThings `path`: as `cmdi`, and `{FILE}` replaced by the target file.
pub fn path_lines(text: &str) -> Vec<String> {
    cmdi_lines(text)
        .into_iter()
        .map(|l| l.replace("{FILE}", FILE_PLACEHOLDER_TARGET))
        .collect()
}

/// Decodes HTML character references once (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`, `&#39;`,
/// `&#x27;`); an `&` that starts none of them is kept.
pub fn html_decode(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let reference = rest[1..]
            .find(';')
            .filter(|&n| n <= 10)
            .and_then(|n| character(&rest[1..1 + n]).map(|c| (c, n + 2)));
        match reference {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn character(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
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
        let s = blns_sections(text, &SQLI_SECTIONS);
        assert_eq!(s.benign, vec!["null", "-"]);
        assert_eq!(s.attack, vec!["1;DROP TABLE users", "' OR '1'='1"]);
        assert_eq!(s.attack_titles, vec!["SQL Injection"]);
        assert!(s.excluded_titles.is_empty());

        let s = blns_sections(text, &CMD_SECTIONS);
        assert_eq!(s.benign, vec!["null"]);
        assert_eq!(s.attack, vec!["-"]);
        assert_eq!(s.attack_titles, vec!["Server Code Injection"]);
        assert_eq!(s.excluded_titles, vec!["SQL Injection"]);
    }

    #[test]
    fn html_references_are_decoded_once() {
        assert_eq!(
            html_decode("&lt;!--#exec cmd=&quot;id&quot;--&gt;"),
            "<!--#exec cmd=\"id\"-->"
        );
        assert_eq!(html_decode("a &amp;lt; b"), "a &lt; b");
        assert_eq!(html_decode("&#39;&#x27;&apos;"), "'''");
        assert_eq!(html_decode("a && b &x; &#zz; &"), "a && b &x; &#zz; &");
    }

    #[test]
    fn path_lines_fill_in_the_target_file() {
        assert_eq!(
            path_lines("../{FILE}\n..%2f{FILE}\n\\\\&apos;/bin/id\n"),
            vec!["../etc/passwd", "..%2fetc/passwd", "\\\\'/bin/id"]
        );
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
