//! Reading the rule sources: `rules/*.toml` into raw, still unchecked tables with line numbers.
//!
//! A rule author fixing a rules directory wants the whole list of problems in one run, each at
//! its line, not one error per run. So a file is first parsed into toml's spanned document tree
//! (a syntax error ends that file, other files go on), then every table's keys are checked
//! against its fields — *all* unknown and missing fields are reported — and only then is each
//! `[[rule]]` deserialized with serde (`deny_unknown_fields` as a second guard), one rule at a
//! time, so a type error in one rule does not hide the rest. Enum-like fields stay strings
//! here ([`Spanned`]): [`super::validate`] checks their values, again all of them.

use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

use super::Diagnostic;

/// The name of the file that holds the set's identity.
pub const RULESET_FILE: &str = "ruleset.toml";

const RULESET_FIELDS: &[&str] = &["name", "version"];
const RULE_FIELDS: &[&str] = &[
    "id", "category", "scan", "sinks", "when", "severity", "mode", "message", "flags", "patterns",
    "match", "pass",
];
const RULE_REQUIRED: &[&str] = &[
    "id", "category", "scan", "sinks", "severity", "mode", "message", "patterns",
];
const EXAMPLE_FIELDS: &[&str] = &["sink", "argv", "input", "inputs", "dialect", "op"];
const PATTERN_FIELDS: &[&str] = &["regex", "flags"];

/// `ruleset.toml`: the set's name and version.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuleSet {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
}

/// One `[[rule]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub category: Spanned<String>,
    pub scan: Spanned<String>,
    pub sinks: Spanned<Vec<Spanned<String>>>,
    pub when: Option<Spanned<String>>,
    pub severity: Spanned<String>,
    pub mode: Spanned<String>,
    pub message: Spanned<String>,
    pub flags: Option<Spanned<String>>,
    pub patterns: Spanned<Vec<Spanned<RawPattern>>>,
    #[serde(rename = "match", default)]
    pub matches: Vec<Spanned<RawExample>>,
    #[serde(rename = "pass", default)]
    pub passes: Vec<Spanned<RawExample>>,
}

/// A pattern: a bare string, or `{ regex = "...", flags = "..." }`.
#[derive(Debug)]
pub struct RawPattern {
    pub regex: String,
    pub flags: Option<String>,
}

/// A `[[rule.match]]` or `[[rule.pass]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    pub sink: Option<String>,
    pub argv: Option<Vec<String>>,
    pub input: Option<String>,
    pub inputs: Option<Vec<String>>,
    pub dialect: Option<String>,
    pub op: Option<String>,
}

impl<'de> Deserialize<'de> for RawPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawPattern, D::Error> {
        d.deserialize_any(PatternVisitor)
    }
}

struct PatternVisitor;

impl<'de> Visitor<'de> for PatternVisitor {
    type Value = RawPattern;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string or a table { regex = \"...\", flags = \"...\" }")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPattern, E> {
        Ok(RawPattern {
            regex: v.to_string(),
            flags: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPattern, A::Error> {
        let mut regex = None;
        let mut flags = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "regex" => regex = Some(map.next_value::<String>()?),
                "flags" => flags = Some(map.next_value::<String>()?),
                other => return Err(de::Error::unknown_field(other, PATTERN_FIELDS)),
            }
        }
        let regex = regex.ok_or_else(|| de::Error::missing_field("regex"))?;
        Ok(RawPattern { regex, flags })
    }
}

/// Byte offsets to 1-based line numbers for one file.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The line holding byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
}

/// A rules file after parsing: its rules (those that deserialized) and where they are.
#[derive(Debug)]
pub struct RulesFile {
    pub path: PathBuf,
    /// The file name, as rules record it (`sql.toml`).
    pub name: String,
    pub lines: Lines,
    /// Each rule with its `[[rule]]` line.
    pub rules: Vec<(RawRule, usize)>,
    /// The id and `[[rule]]` line of every rule table with a string `id`, including those
    /// that did not deserialize (so duplicates are found whatever else is wrong).
    pub ids: Vec<(String, usize)>,
}

/// The rules directory after parsing.
#[derive(Debug)]
pub struct Sources {
    /// `ruleset.toml`, when present and well-formed, with its path and lines.
    pub ruleset: Option<(RawRuleSet, PathBuf, Lines)>,
    /// The other `*.toml` files, in file-name order.
    pub files: Vec<RulesFile>,
}

/// Collects diagnostics for one file.
struct FileDiagnostics<'a> {
    path: &'a Path,
    lines: &'a Lines,
    out: &'a mut Vec<Diagnostic>,
}

impl FileDiagnostics<'_> {
    fn at(&mut self, offset: usize, rule: Option<&str>, message: String) {
        self.out.push(Diagnostic {
            file: self.path.to_path_buf(),
            line: Some(self.lines.line(offset)),
            rule: rule.map(str::to_string),
            message,
        });
    }
}

/// Reads every `*.toml` in `dir`, in file-name order. Problems go to `diags`; what parsed is
/// returned for validation (which then also reports its problems).
pub fn read_dir(dir: &Path, diags: &mut Vec<Diagnostic>) -> Sources {
    let mut sources = Sources {
        ruleset: None,
        files: Vec::new(),
    };
    let mut paths = match toml_files(dir) {
        Ok(paths) => paths,
        Err(e) => {
            diags.push(Diagnostic {
                file: dir.to_path_buf(),
                line: None,
                rule: None,
                message: format!("cannot read the rules directory: {e}"),
            });
            return sources;
        }
    };
    paths.sort();
    let mut saw_ruleset = false;
    for path in paths {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                diags.push(Diagnostic {
                    file: path,
                    line: None,
                    rule: None,
                    message: format!("cannot read the file: {e}"),
                });
                continue;
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == RULESET_FILE {
            saw_ruleset = true;
            let lines = Lines::new(&text);
            if let Some(ruleset) = parse_ruleset(&path, &text, &lines, diags) {
                sources.ruleset = Some((ruleset, path, lines));
            }
        } else {
            sources
                .files
                .push(parse_rules_file(path, name, &text, diags));
        }
    }
    if !saw_ruleset {
        diags.push(Diagnostic {
            file: dir.join(RULESET_FILE),
            line: None,
            rule: None,
            message: "missing ruleset.toml: it names the rule set (name = \"...\", version = \
                      \"...\")"
                .to_string(),
        });
    }
    sources
}

fn toml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            out.push(path);
        }
    }
    Ok(out)
}

/// Parses the document; syntax errors are reported (all that toml recovers) and end the file.
fn parse_document<'t>(text: &'t str, d: &mut FileDiagnostics<'_>) -> Option<Spanned<DeTable<'t>>> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(doc);
    }
    for e in errors {
        let offset = e.span().map_or(0, |s| s.start);
        d.at(offset, None, format!("TOML syntax error: {}", e.message()));
    }
    None
}

fn parse_ruleset(
    path: &Path,
    text: &str,
    lines: &Lines,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawRuleSet> {
    let mut d = FileDiagnostics {
        path,
        lines,
        out: diags,
    };
    let doc = parse_document(text, &mut d)?;
    let span = doc.span();
    if !check_keys(
        doc.get_ref(),
        span.start,
        RULESET_FIELDS,
        RULESET_FIELDS,
        "ruleset.toml",
        None,
        &mut d,
    ) {
        return None;
    }
    let table = doc.get_ref().clone();
    let value = Spanned::new(span, DeValue::Table(doc.into_inner()));
    RawRuleSet::deserialize(ValueDeserializer::from(value))
        .map_err(|e| report_serde_error(&e, Some(&table), None, &mut d))
        .ok()
}

fn parse_rules_file(
    path: PathBuf,
    name: String,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> RulesFile {
    let lines = Lines::new(text);
    let mut file = RulesFile {
        path,
        name,
        lines,
        rules: Vec::new(),
        ids: Vec::new(),
    };
    let mut d = FileDiagnostics {
        path: &file.path,
        lines: &file.lines,
        out: diags,
    };
    let Some(doc) = parse_document(text, &mut d) else {
        return file;
    };
    let mut rules = Vec::new();
    for (key, value) in doc.get_ref().iter() {
        if key.get_ref() != "rule" {
            d.at(
                key.span().start,
                None,
                format!(
                    "unknown top-level key `{}`: a rules file holds only [[rule]] tables",
                    key.get_ref()
                ),
            );
            continue;
        }
        match value.get_ref() {
            DeValue::Array(array) if array.iter().all(|v| v.get_ref().is_table()) => {
                rules.extend(array.iter().cloned());
            }
            _ => d.at(
                value.span().start,
                None,
                "`rule` must be an array of tables: write each rule as [[rule]]".to_string(),
            ),
        }
    }
    for value in rules {
        let start = value.span().start;
        let Some(table) = value.get_ref().as_table().cloned() else {
            continue;
        };
        let id = table
            .iter()
            .find(|(k, _)| k.get_ref() == "id")
            .and_then(|(_, v)| v.get_ref().as_str().map(str::to_string));
        if let Some(id) = &id {
            file.ids.push((id.clone(), d.lines.line(start)));
        }
        if !check_rule_keys(&table, start, id.as_deref(), &mut d) {
            continue;
        }
        match RawRule::deserialize(ValueDeserializer::from(value)) {
            Ok(rule) => file.rules.push((rule, d.lines.line(start))),
            Err(e) => report_serde_error(&e, Some(&table), id.as_deref(), &mut d),
        }
    }
    file
}

/// Checks a rule's keys and those of its examples and pattern tables; `false` if any is wrong.
fn check_rule_keys(
    table: &DeTable<'_>,
    start: usize,
    id: Option<&str>,
    d: &mut FileDiagnostics<'_>,
) -> bool {
    let mut ok = check_keys(table, start, RULE_FIELDS, RULE_REQUIRED, "a rule", id, d);
    for (key, value) in table.iter() {
        match key.get_ref().as_ref() {
            "match" | "pass" => {
                let what = if key.get_ref() == "match" {
                    "a match example"
                } else {
                    "a pass example"
                };
                let Some(array) = value.get_ref().as_array() else {
                    continue; // serde names the type error
                };
                for example in array.iter() {
                    if let Some(t) = example.get_ref().as_table() {
                        ok &= check_keys(t, example.span().start, EXAMPLE_FIELDS, &[], what, id, d);
                    }
                }
            }
            "patterns" => {
                let Some(array) = value.get_ref().as_array() else {
                    continue;
                };
                for pattern in array.iter() {
                    if let Some(t) = pattern.get_ref().as_table() {
                        ok &= check_keys(
                            t,
                            pattern.span().start,
                            PATTERN_FIELDS,
                            &["regex"],
                            "a pattern table",
                            id,
                            d,
                        );
                    }
                }
            }
            _ => {}
        }
    }
    ok
}

/// Reports every unknown and every missing key of `table`; `false` if there was any.
fn check_keys(
    table: &DeTable<'_>,
    start: usize,
    allowed: &[&str],
    required: &[&str],
    what: &str,
    rule: Option<&str>,
    d: &mut FileDiagnostics<'_>,
) -> bool {
    let mut ok = true;
    for key in table.keys() {
        if !allowed.contains(&key.get_ref().as_ref()) {
            ok = false;
            d.at(
                key.span().start,
                rule,
                format!(
                    "unknown field `{}` in {what}; expected one of: {}",
                    key.get_ref(),
                    allowed.join(", ")
                ),
            );
        }
    }
    for field in required {
        if !table.keys().any(|k| k.get_ref() == field) {
            ok = false;
            d.at(start, rule, format!("missing field `{field}` in {what}"));
        }
    }
    ok
}

/// A serde error (a type error, once keys are known good), named by the key it is under.
fn report_serde_error(
    e: &toml::de::Error,
    table: Option<&DeTable<'_>>,
    rule: Option<&str>,
    d: &mut FileDiagnostics<'_>,
) {
    let offset = e.span().map_or(0, |s| s.start);
    let key = table.and_then(|t| key_path_at(t, offset));
    let message = match key {
        Some(key) => format!("`{key}`: {}", e.message()),
        None => e.message().to_string(),
    };
    d.at(offset, rule, message);
}

/// The dotted key path of the innermost value whose span holds `offset` (array positions are
/// not part of the path: `match.sink`).
fn key_path_at(table: &DeTable<'_>, offset: usize) -> Option<String> {
    for (key, value) in table.iter() {
        let span = value.span();
        let holds = span.start <= offset && (offset < span.end || span.is_empty());
        if !holds && key.span().start != offset {
            continue;
        }
        let name = key.get_ref().to_string();
        let inner = match value.get_ref() {
            DeValue::Table(t) => key_path_at(t, offset),
            DeValue::Array(a) => a.iter().find_map(|v| match v.get_ref() {
                DeValue::Table(t) => key_path_at(t, offset),
                _ => None,
            }),
            _ => None,
        };
        return Some(match inner {
            Some(inner) => format!("{name}.{inner}"),
            None => name,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let lines = Lines::new("a\nbc\n\nd");
        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(1), 1);
        assert_eq!(lines.line(2), 2);
        assert_eq!(lines.line(5), 3);
        assert_eq!(lines.line(6), 4);
        assert_eq!(lines.line(100), 4);
    }
}
