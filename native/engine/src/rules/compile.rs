//! Compiling a validated rule set into the bytes of a rule file.
//!
//! Per [`Target`], the patterns of the rules that target holds go, in rule order, into one
//! Hyperscan database (section `hs.<target>`) and a few regex-automata DFAs (sections
//! `dfa.<target>.0`, `.1`, ..., see [`super::backend::dfa`] for why several); pattern id =
//! position in that list, and the `meta` section records which rule and pattern each id is. A target without patterns gets
//! no sections. Hyperscan databases are only built when this build has Hyperscan; a file
//! without them loads everywhere and scans with the portable backend.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use regex_syntax::hir::Hir;

use super::backend::dfa::{BuildFailure, PortableDb, DATABASE_DFA_LIMIT};
use super::backend::hyperscan;
use super::file::{self, FileIdentity, Meta};
use super::validate::{self, Validated};
use super::{pattern, source, Diagnostic, PatternFlags, Rule, Target};

/// A compiled rule file and what went into it.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The set id, `name@version+1a2b3c4d`.
    pub id: String,
    pub rules: usize,
    /// Patterns over all databases (a pattern of a rule with two sinks counts twice).
    pub patterns: usize,
    /// Wall time spent building the Hyperscan databases (0 without Hyperscan).
    pub hyperscan_ms: f64,
    /// Wall time spent building the DFAs.
    pub dfa_ms: f64,
    /// Whether the file has Hyperscan databases.
    pub has_hyperscan: bool,
    /// How many DFAs the portable backend runs over all databases, and their size in memory.
    pub dfa_groups: usize,
    pub dfa_bytes: usize,
}

/// Reads, validates and compiles the rules directory `dir`. Every problem found is returned,
/// sorted by file and line; nothing is compiled unless validation found none.
pub fn compile_dir(dir: &Path) -> Result<Compiled, Vec<Diagnostic>> {
    let set = check_dir(dir)?;
    compile(dir, &set)
}

/// Reads and validates `dir` without building the databases (each pattern is still compiled
/// alone by both backends): what `rasp rules check` needs.
pub fn check_dir(dir: &Path) -> Result<Validated, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let sources = source::read_dir(dir, &mut diags);
    let validated = validate::validate(&sources, &mut diags);
    match validated {
        Some(set) if diags.is_empty() => Ok(set),
        _ => {
            sort(&mut diags);
            Err(diags)
        }
    }
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
}

/// The pattern id → (rule index, pattern index) map of every target, from the rules alone.
/// Loading recomputes it to check the file's `meta` section.
pub fn database_map(rules: &[Rule]) -> BTreeMap<Target, Vec<(u32, u32)>> {
    let mut map = BTreeMap::new();
    for target in Target::ALL {
        let refs: Vec<(u32, u32)> = rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| target.holds(rule))
            .flat_map(|(r, rule)| (0..rule.patterns.len()).map(move |p| (r as u32, p as u32)))
            .collect();
        if !refs.is_empty() {
            map.insert(target, refs);
        }
    }
    map
}

/// Compiles a validated set; `dir` only names the rules directory in diagnostics.
pub fn compile(dir: &Path, set: &Validated) -> Result<Compiled, Vec<Diagnostic>> {
    let map = database_map(&set.rules);
    let with_hyperscan = rasp_hyperscan::is_linked();
    let mut diags = Vec::new();
    let mut sections = Vec::new();
    let (mut hyperscan_ms, mut dfa_ms) = (0.0, 0.0);
    let (mut dfa_groups, mut dfa_bytes) = (0, 0);
    for (target, refs) in &map {
        let patterns: Vec<(&str, PatternFlags)> = refs
            .iter()
            .map(|&(r, p)| {
                let source = &set.rules[r as usize].patterns[p as usize];
                (source.regex.as_str(), source.flags)
            })
            .collect();
        if with_hyperscan {
            let start = Instant::now();
            match hyperscan::compile(&patterns) {
                Ok(bytes) => sections.push((format!("hs.{target}"), bytes)),
                Err(e) => diags.push(at_pattern(
                    dir,
                    set,
                    e.expression.map(|i| refs[i]),
                    format!(
                        "Hyperscan cannot compile the {target} database: {}",
                        e.message
                    ),
                )),
            }
            hyperscan_ms += start.elapsed().as_secs_f64() * 1000.0;
        }
        let start = Instant::now();
        let hirs: Result<Vec<Hir>, String> = patterns
            .iter()
            .map(|(regex, flags)| pattern::parse(regex, *flags))
            .collect();
        let built = hirs
            .map_err(BuildFailure::Rejected)
            .and_then(|hirs| PortableDb::build(&hirs));
        match built {
            Ok(db) => {
                dfa_groups += db.group_count();
                dfa_bytes += db.memory_usage();
                for (n, bytes) in db.to_group_bytes().into_iter().enumerate() {
                    sections.push((format!("dfa.{target}.{n}"), bytes));
                }
            }
            Err(BuildFailure::TooBig) => diags.push(at_pattern(
                dir,
                set,
                None,
                format!(
                    "the portable DFAs for {target} exceed {} MiB with all its {} patterns \
                     together; simplify the largest patterns or move rules to fewer sinks",
                    DATABASE_DFA_LIMIT >> 20,
                    refs.len()
                ),
            )),
            Err(BuildFailure::Rejected(e)) => diags.push(at_pattern(
                dir,
                set,
                None,
                format!("regex-automata cannot build the {target} DFA: {e}"),
            )),
        }
        dfa_ms += start.elapsed().as_secs_f64() * 1000.0;
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let meta = Meta {
        rules: set.rules.clone(),
        databases: map
            .iter()
            .map(|(t, refs)| (t.name().to_string(), refs.clone()))
            .collect(),
    };
    let meta = serde_json::to_vec(&meta).map_err(|e| vec![whole_set(dir, e.to_string())])?;
    sections.insert(0, ("meta".to_string(), meta));
    let identity = FileIdentity {
        name: &set.name,
        version: &set.version,
        rules: set.rules.len(),
        hyperscan: with_hyperscan.then(rasp_hyperscan::version),
    };
    let (bytes, id) =
        file::write(&identity, &sections).map_err(|e| vec![whole_set(dir, e.to_string())])?;
    Ok(Compiled {
        bytes,
        id,
        rules: set.rules.len(),
        patterns: map.values().map(Vec::len).sum(),
        hyperscan_ms,
        dfa_ms,
        has_hyperscan: with_hyperscan,
        dfa_groups,
        dfa_bytes,
    })
}

fn whole_set(dir: &Path, message: String) -> Diagnostic {
    Diagnostic {
        file: dir.to_path_buf(),
        line: None,
        rule: None,
        message,
    }
}

/// A database-level problem, attributed to a rule's pattern when it is known.
fn at_pattern(
    dir: &Path,
    set: &Validated,
    pattern: Option<(u32, u32)>,
    message: String,
) -> Diagnostic {
    match pattern.and_then(|(r, p)| set.rules.get(r as usize).map(|rule| (rule, p))) {
        Some((rule, p)) => Diagnostic {
            file: dir.join(&rule.file),
            line: Some(rule.line),
            rule: Some(rule.id.clone()),
            message: format!("pattern {}: {message}", p + 1),
        },
        None => whole_set(dir, message),
    }
}
