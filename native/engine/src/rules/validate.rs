//! Turning parsed rule tables into [`Rule`]s, reporting every problem with its line.
//!
//! Everything a rule can get wrong is checked here, before anything is compiled, so one run
//! of `rasp rules check` lists all of it: field values, ids (syntax, duplicates, built-in
//! names), examples (shape and fields that fit the rule's sinks), and each pattern on its own
//! (the shared syntax of `pattern`, Hyperscan's compiler, regex-automata's DFA and its
//! size limit). A pattern is compiled alone so that a rejection names its rule and position;
//! [`super::compile`] then only has to combine patterns that are each known to be good.
//!
//! The messages are listed in the module docs of [`super`].

use std::collections::HashMap;
use std::path::Path;

use toml::Spanned;

use super::backend::dfa::{self, BuildFailure, PATTERN_DFA_LIMIT};
use super::backend::hyperscan;
use super::source::{Lines, RawExample, RawRule, RulesFile, Sources};
use super::{
    mode_name, pattern, Diagnostic, Example, ExampleSink, PatternFlags, PatternSource, Rule, Scan,
    Severity, SinkKind, When, BUILTIN_RULE_IDS,
};
use crate::exclusion::is_rule_id;
use crate::sql::Dialect;

/// A rule set that passed validation.
#[derive(Clone, Debug)]
pub struct Validated {
    pub name: String,
    pub version: String,
    pub rules: Vec<Rule>,
}

/// Validates everything in `sources`; `None` when the set's identity is missing. Rules with
/// problems are left out of the result, so callers must treat any diagnostic as failure.
pub fn validate(sources: &Sources, diags: &mut Vec<Diagnostic>) -> Option<Validated> {
    let identity = sources.ruleset.as_ref().and_then(|(raw, path, lines)| {
        let mut d = Located {
            path,
            lines,
            rule: None,
            out: diags,
        };
        let name = set_label(&mut d, "name", &raw.name);
        let version = set_label(&mut d, "version", &raw.version);
        Some((name?, version?))
    });
    let mut first_seen: HashMap<&str, (&Path, usize)> = HashMap::new();
    for file in &sources.files {
        for (id, line) in &file.ids {
            match first_seen.get(id.as_str()) {
                Some((path, first)) => diags.push(Diagnostic {
                    file: file.path.clone(),
                    line: Some(*line),
                    rule: Some(id.clone()),
                    message: format!(
                        "duplicate rule id {id}: first defined at {}:{first}",
                        path.display()
                    ),
                }),
                None => {
                    first_seen.insert(id, (&file.path, *line));
                }
            }
        }
    }
    let mut rules = Vec::new();
    for file in &sources.files {
        for (raw, line) in &file.rules {
            let mut d = Located {
                path: &file.path,
                lines: &file.lines,
                rule: Some(raw.id.get_ref()),
                out: diags,
            };
            if let Some(rule) = validate_rule(raw, *line, file, &mut d) {
                rules.push(rule);
            }
        }
    }
    let (name, version) = identity?;
    Some(Validated {
        name,
        version,
        rules,
    })
}

/// Where diagnostics of one file (and rule) go.
struct Located<'a> {
    path: &'a Path,
    lines: &'a Lines,
    rule: Option<&'a str>,
    out: &'a mut Vec<Diagnostic>,
}

impl Located<'_> {
    fn at_line(&mut self, line: usize, message: String) {
        self.out.push(Diagnostic {
            file: self.path.to_path_buf(),
            line: Some(line),
            rule: self.rule.map(str::to_string),
            message,
        });
    }

    fn at<T>(&mut self, spanned: &Spanned<T>, message: String) {
        let line = self.lines.line(spanned.span().start);
        self.at_line(line, message);
    }
}

/// The set's name or version: letters, digits, '.', '_' and '-'.
fn set_label(d: &mut Located<'_>, field: &str, value: &Spanned<String>) -> Option<String> {
    let v = value.get_ref();
    let ok = !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Some(v.clone())
    } else {
        d.at(
            value,
            format!("`{field}` \"{v}\" is not valid: use letters, digits, '.', '_' and '-'"),
        );
        None
    }
}

/// One of a fixed set of names, or a diagnostic listing them.
fn choice<T: Copy>(
    d: &mut Located<'_>,
    field: &str,
    value: &Spanned<String>,
    options: &[(&str, T)],
) -> Option<T> {
    let v = value.get_ref();
    if let Some((_, t)) = options.iter().find(|(name, _)| name == v) {
        return Some(*t);
    }
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    d.at(
        value,
        format!("`{field}` must be one of {}, not \"{v}\"", names.join(", ")),
    );
    None
}

const CATEGORIES: &[(&str, &str)] = &[
    ("sqli", "sqli"),
    ("cmdi", "cmdi"),
    ("path", "path"),
    ("deser", "deser"),
    ("ssrf", "ssrf"),
    ("jndi", "jndi"),
    ("expr", "expr"),
    ("xxe", "xxe"),
];
const SCANS: &[(&str, Scan)] = &[("sink", Scan::Sink), ("input", Scan::Input)];
/// The `sinks` names: every [`SinkKind`], in its order.
const SINKS: [(&str, SinkKind); SinkKind::COUNT] = {
    let mut sinks = [("", SinkKind::Sql); SinkKind::COUNT];
    let mut i = 0;
    while i < SinkKind::COUNT {
        sinks[i] = (SinkKind::ALL[i].name(), SinkKind::ALL[i]);
        i += 1;
    }
    sinks
};
const WHENS: &[(&str, When)] = &[
    ("always", When::Always),
    ("input-present", When::InputPresent),
    ("input-overlaps", When::InputOverlaps),
];
const SEVERITIES: &[(&str, Severity)] = &[
    ("critical", Severity::Critical),
    ("high", Severity::High),
    ("medium", Severity::Medium),
    ("low", Severity::Low),
];
const PATH_OPS: &[&str] = &["read", "write", "delete", "list"];

fn validate_rule(
    raw: &RawRule,
    line: usize,
    file: &RulesFile,
    d: &mut Located<'_>,
) -> Option<Rule> {
    let errors_before = d.out.len();
    let id = raw.id.get_ref().clone();
    if !is_rule_id(&id) {
        d.at(
            &raw.id,
            format!(
                "rule id \"{id}\" is not valid: use lower-case segments [a-z0-9_]+ joined by \
                 '.', at least two"
            ),
        );
    } else if BUILTIN_RULE_IDS.contains(&id.as_str()) {
        d.at(
            &raw.id,
            format!("rule id {id} is a built-in detector id; choose another"),
        );
    }
    let category = choice(d, "category", &raw.category, CATEGORIES);
    let scan = choice(d, "scan", &raw.scan, SCANS);
    let severity = choice(d, "severity", &raw.severity, SEVERITIES);
    let mode = match mode_name::from_name(raw.mode.get_ref()) {
        Some(mode) => Some(mode),
        None => {
            let v = raw.mode.get_ref();
            d.at(
                &raw.mode,
                format!("`mode` must be one of block, monitor, off, not \"{v}\""),
            );
            None
        }
    };
    let sinks = sinks(raw, d);
    let when = match (scan, &raw.when) {
        (Some(Scan::Input), Some(when)) => {
            d.at(
                when,
                "`when` is only for scan = \"sink\" rules; an input rule fires on its own \
                 signature match"
                    .to_string(),
            );
            None
        }
        (Some(Scan::Input), None) => Some(When::Always),
        (Some(Scan::Sink), None) => {
            d.at_line(
                line,
                "scan = \"sink\" needs `when` (always, input-present or input-overlaps)"
                    .to_string(),
            );
            None
        }
        (_, Some(when)) => choice(d, "when", when, WHENS),
        (None, None) => None,
    };
    // A class check reads no request input (docs/rules.md §4): any other rule would never fire.
    if sinks.contains(&SinkKind::Class)
        && (scan == Some(Scan::Input) || when.is_some_and(|w| w != When::Always))
    {
        d.at(
            &raw.sinks,
            "sink `class` takes only scan = \"sink\", when = \"always\" rules: a class check \
             reads no request input"
                .to_string(),
        );
    }
    if raw.message.get_ref().trim().is_empty() {
        d.at(&raw.message, "`message` is empty".to_string());
    }
    let default_flags = match &raw.flags {
        None => Some(PatternFlags::default()),
        Some(flags) => parse_flags(d, flags, flags.get_ref(), ""),
    };
    let patterns = patterns(raw, default_flags, d);
    let needs_input = scan == Some(Scan::Input) || when.is_some_and(|w| w != When::Always);
    let matches = examples(&raw.matches, "match", &sinks, needs_input, d);
    let passes = examples(&raw.passes, "pass", &sinks, false, d);
    if raw.matches.is_empty() {
        d.at_line(
            line,
            "needs at least one [[rule.match]] example".to_string(),
        );
    }
    if raw.passes.is_empty() {
        d.at_line(line, "needs at least one [[rule.pass]] example".to_string());
    }
    if d.out.len() != errors_before {
        return None;
    }
    Some(Rule {
        id,
        category: category?.to_string(),
        scan: scan?,
        sinks,
        when: when?,
        severity: severity?,
        mode: mode?,
        message: raw.message.get_ref().clone(),
        patterns,
        matches,
        passes,
        file: file.name.clone(),
        line,
    })
}

fn sinks(raw: &RawRule, d: &mut Located<'_>) -> Vec<SinkKind> {
    if raw.sinks.get_ref().is_empty() {
        d.at(
            &raw.sinks,
            format!(
                "`sinks` is empty; name at least one of {}",
                SINKS.map(|(name, _)| name).join(", ")
            ),
        );
    }
    let mut sinks = Vec::new();
    for sink in raw.sinks.get_ref() {
        if let Some(kind) = choice(d, "sinks", sink, &SINKS) {
            if sinks.contains(&kind) {
                d.at(
                    sink,
                    format!("sink `{}` is listed twice in `sinks`", kind.name()),
                );
            } else {
                sinks.push(kind);
            }
        }
    }
    sinks
}

fn parse_flags(
    d: &mut Located<'_>,
    at: &Spanned<impl Sized>,
    letters: &str,
    prefix: &str,
) -> Option<PatternFlags> {
    match PatternFlags::parse(letters) {
        Ok(flags) => Some(flags),
        Err(c) => {
            d.at(
                at,
                format!(
                    "{prefix}flags \"{letters}\": unknown flag '{c}' (use letters from \"ism\")"
                ),
            );
            None
        }
    }
}

fn patterns(
    raw: &RawRule,
    default_flags: Option<PatternFlags>,
    d: &mut Located<'_>,
) -> Vec<PatternSource> {
    if raw.patterns.get_ref().is_empty() {
        d.at(
            &raw.patterns,
            "`patterns` is empty; give at least one".to_string(),
        );
    }
    let mut out = Vec::new();
    for (i, spanned) in raw.patterns.get_ref().iter().enumerate() {
        let n = i + 1;
        let p = spanned.get_ref();
        let flags = match &p.flags {
            Some(letters) => parse_flags(d, spanned, letters, &format!("pattern {n}: ")),
            None => default_flags,
        };
        let Some(flags) = flags else {
            continue;
        };
        if let Err(message) = check_pattern(&p.regex, flags, n) {
            d.at(spanned, message);
            continue;
        }
        out.push(PatternSource {
            regex: p.regex.clone(),
            flags,
        });
    }
    out
}

/// Every check one pattern gets: shared syntax, regex-automata's DFA within its size limit,
/// and Hyperscan (when this build has it). `n` counts from 1.
fn check_pattern(regex: &str, flags: PatternFlags, n: usize) -> Result<(), String> {
    let hir = pattern::parse(regex, flags).map_err(|m| format!("pattern {n}: {m}"))?;
    match dfa::check_pattern(&hir) {
        Ok(_) => {}
        Err(BuildFailure::TooBig) => {
            return Err(format!(
                "pattern {n} makes the portable DFA exceed {} MiB; simplify it (bounded repeats \
                 and nested alternations are the usual cause)",
                PATTERN_DFA_LIMIT >> 20
            ))
        }
        Err(BuildFailure::Rejected(e)) => {
            return Err(format!("pattern {n}: rejected by regex-automata: {e}"))
        }
    }
    if rasp_hyperscan::is_linked() {
        hyperscan::check_pattern(regex, flags)
            .map_err(|m| format!("pattern {n}: rejected by Hyperscan: {m}"))?;
    }
    Ok(())
}

fn examples(
    raws: &[Spanned<RawExample>],
    kind: &str,
    sinks: &[SinkKind],
    needs_input: bool,
    d: &mut Located<'_>,
) -> Vec<Example> {
    let mut out = Vec::new();
    for spanned in raws {
        let errors_before = d.out.len();
        let raw = spanned.get_ref();
        let line = d.lines.line(spanned.span().start);
        let problem = |d: &mut Located<'_>, m: String| d.at_line(line, m);
        let sink = match (&raw.sink, &raw.argv) {
            (None, None) => {
                problem(d, format!("{kind} example has neither `sink` nor `argv`"));
                None
            }
            (Some(_), Some(_)) => {
                problem(
                    d,
                    format!("{kind} example has both `sink` and `argv`; give one"),
                );
                None
            }
            (Some(text), None) => Some(ExampleSink::Text(text.clone())),
            (None, Some(argv)) => {
                if !sinks.contains(&SinkKind::Cmd) {
                    problem(
                        d,
                        format!("{kind} example has `argv`, which is for rules with cmd sinks"),
                    );
                }
                if argv.is_empty() {
                    problem(d, format!("{kind} example has an empty `argv`"));
                }
                Some(ExampleSink::Argv(argv.clone()))
            }
        };
        let (inputs, numbered_inputs) = match (&raw.input, &raw.inputs) {
            (Some(input), Some(_)) => {
                problem(
                    d,
                    format!("{kind} example has both `input` and `inputs`; give one"),
                );
                (vec![input.clone()], false)
            }
            (Some(input), None) => (vec![input.clone()], false),
            (None, Some(inputs)) => (inputs.clone(), true),
            (None, None) => (Vec::new(), false),
        };
        if needs_input && inputs.is_empty() {
            problem(
                d,
                "match example needs `input` or `inputs`: this rule fires only on request input"
                    .to_string(),
            );
        }
        let dialect = raw.dialect.as_deref().and_then(|name| {
            if !sinks.contains(&SinkKind::Sql) {
                problem(
                    d,
                    format!("{kind} example has `dialect`, which is for rules with sql sinks"),
                );
            }
            match Dialect::from_name(name) {
                Some(dialect) => Some(dialect.name().to_string()),
                None => {
                    let known: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
                    problem(
                        d,
                        format!(
                            "{kind} example has unknown dialect \"{name}\" (known: {})",
                            known.join(", ")
                        ),
                    );
                    None
                }
            }
        });
        if let Some(op) = &raw.op {
            if !sinks.contains(&SinkKind::Path) {
                problem(
                    d,
                    format!("{kind} example has `op`, which is for rules with path sinks"),
                );
            }
            if !PATH_OPS.contains(&op.as_str()) {
                problem(
                    d,
                    format!("{kind} example has `op` \"{op}\"; use read, write, delete or list"),
                );
            }
        }
        if d.out.len() != errors_before {
            continue;
        }
        if let Some(sink) = sink {
            out.push(Example {
                sink,
                inputs,
                numbered_inputs,
                dialect,
                op: raw.op.clone(),
                line,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_id_syntax() {
        for ok in ["sql.policy.file_write", "a.b", "cmd.x9_y.z"] {
            assert!(is_rule_id(ok), "{ok}");
        }
        for bad in ["sql", "sql.", ".a", "a..b", "Sql.x", "a.b-c", "a.b c", ""] {
            assert!(!is_rule_id(bad), "{bad}");
        }
    }
}
