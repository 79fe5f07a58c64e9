//! A loaded rule set: the rules, one database per target, and the backend that scans them.
//!
//! Loading does all the work a scan must not: it verifies the file ([`RuleFile::parse`]),
//! checks the `meta` section against itself (rule ids, the pattern maps recomputed from the
//! rules, the `dfa.*` sections present and numbered), picks the backend, deserializes the DFAs
//! only when the portable backend scans, and parses every pattern for [`RuleSet::spans`] (whose
//! regexes are built when a rule first hits, see `SpanRegexes`). The result is immutable and
//! shared between threads without locks; Hyperscan's scratch is per thread inside its scanner.
//!
//! With Hyperscan the DFAs (most of the file's bytes, a few MiB once deserialized) are not
//! loaded, and need not even be given: a file cut after its Hyperscan part loads
//! ([`RuleFile::is_partial`]), and only a portable load of it fails, asking for the whole file
//! ([`RuleFileError::WholeFileNeeded`]). Given whole, the SHA-256 over the body has vouched for
//! the DFAs' bytes, and they are checked to be named and numbered; keeping them only
//! served a Hyperscan scan that fails (it should not, but it is C++ behind a foreign
//! interface). Such a scan is answered instead by the span regexes of the target's patterns
//! (built on first use, like a hit's; slow, but a path that should never run), and counted, so a
//! check never silently skips the rules.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_syntax::hir::Hir;

use super::backend::dfa::PortableDb;
use super::backend::hyperscan::{self, HyperscanDb};
use super::backend::Backend;
use super::compile::database_map;
use super::file::{self, Meta, RuleFile, RuleFileError};
use super::scan_cache::ScanCache;
use super::{pattern, BackendChoice, BackendKind, Rule, Target, BUILTIN_RULE_IDS};
use crate::exclusion::is_rule_id;

/// Generations start at 1; 0 never names a set (callers may use it for "none yet").
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// One target's database, in both backends.
struct Database {
    /// Pattern id → (rule index, pattern index).
    patterns: Vec<(u32, u32)>,
    /// Loaded only when the portable backend scans.
    dfa: Option<PortableDb>,
    hyperscan: Option<HyperscanDb>,
}

/// An immutable, loaded rule set.
pub struct RuleSet {
    id: String,
    name: String,
    version: String,
    generation: u64,
    rules: Vec<Rule>,
    index: HashMap<String, usize>,
    databases: [Option<Database>; Target::COUNT],
    backend: BackendKind,
    /// Why Auto chose the portable backend (None when it did not, or was not asked to choose).
    portable_reason: Option<String>,
    /// Per rule: the regexes that find match spans, built when the rule first hits.
    span_regexes: Vec<SpanRegexes>,
    fallbacks: AtomicU64,
    failures: AtomicU64,
    /// The input signatures of values seen recently ([`RuleSet::input_rules`]).
    input_cache: ScanCache,
}

impl RuleSet {
    /// The set without rules (id "none"): what an engine has before a rule file is loaded.
    pub fn empty() -> RuleSet {
        RuleSet {
            id: "none".to_string(),
            name: "none".to_string(),
            version: String::new(),
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            rules: Vec::new(),
            index: HashMap::new(),
            databases: std::array::from_fn(|_| None),
            backend: BackendKind::Portable,
            portable_reason: None,
            span_regexes: Vec::new(),
            fallbacks: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            input_cache: ScanCache::new(),
        }
    }

    /// Loads a compiled rule file and prepares it for scanning with the chosen backend.
    pub fn load(bytes: &[u8], choice: BackendChoice) -> Result<RuleSet, RuleFileError> {
        let file = RuleFile::parse(bytes)?;
        let meta = read_meta(&file)?;
        let expected = database_map(&meta.rules);
        let mut databases: [Option<Database>; Target::COUNT] = std::array::from_fn(|_| None);
        for (target, patterns) in expected {
            dfa_sections(&file, target)?;
            databases[target.index()] = Some(Database {
                patterns,
                dfa: None,
                hyperscan: None,
            });
        }
        let (backend, portable_reason) = choose_backend(&file, &mut databases, choice)?;
        if backend == BackendKind::Portable {
            for target in Target::ALL {
                if let Some(db) = &mut databases[target.index()] {
                    db.dfa = Some(load_dfas(&file, target, db.patterns.len())?);
                }
            }
        }
        let span_regexes = span_regexes(&meta.rules)?;
        let index = meta
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        Ok(RuleSet {
            id: file.header.id.clone(),
            name: file.header.name.clone(),
            version: file.header.version.clone(),
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            rules: meta.rules,
            index,
            databases,
            backend,
            portable_reason,
            span_regexes,
            fallbacks: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            input_cache: ScanCache::new(),
        })
    }

    /// `name@version+1a2b3c4d`, or "none" for the empty set.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Unique per `RuleSet` value in this process (never 0): a key for per-request caches.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The rules, in source order; a rule index is a position here.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// Why `BackendChoice::Auto` settled for the portable backend, for the load log line.
    pub fn portable_reason(&self) -> Option<&str> {
        self.portable_reason.as_deref()
    }

    /// Whether target `t` has any patterns (a scan of a target without is a no-op).
    pub fn has_target(&self, t: Target) -> bool {
        self.databases[t.index()].is_some()
    }

    /// How many patterns target `t`'s database holds.
    pub fn pattern_count(&self, t: Target) -> usize {
        self.databases[t.index()]
            .as_ref()
            .map_or(0, |db| db.patterns.len())
    }

    /// Replaces `out` with the rules whose input patterns match somewhere in `value`, sorted and
    /// distinct: [`RuleSet::scan`] of [`Target::Input`], answered from the set's cache of recent
    /// values when `value` was scanned before (`scan_cache` says why and how).
    pub fn input_rules(&self, value: &[u8], out: &mut Vec<usize>) {
        out.clear();
        if self.databases[Target::Input.index()].is_none() || self.input_cache.get(value, out) {
            return;
        }
        self.scan(Target::Input, value, &mut |r| out.push(r));
        out.sort_unstable();
        out.dedup();
        self.input_cache.put(value, out);
    }

    /// Calls `hit(rule_index)` for every rule with a pattern matching somewhere in `haystack`
    /// (a rule may be reported more than once). Infallible: a Hyperscan scan error falls back
    /// to the patterns' regexes for that scan and is counted ([`RuleSet::scan_fallbacks`]).
    pub fn scan(&self, t: Target, haystack: &[u8], hit: &mut dyn FnMut(usize)) {
        let Some(db) = &self.databases[t.index()] else {
            return;
        };
        let mut on_pattern = |id: u32| {
            if let Some(&(rule, _)) = db.patterns.get(id as usize) {
                hit(rule as usize);
            }
        };
        if self.backend == BackendKind::Hyperscan {
            if let Some(hs) = &db.hyperscan {
                match hs.scan(haystack, &mut on_pattern) {
                    Ok(()) => return,
                    Err(_) => {
                        self.fallbacks.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }
        match &db.dfa {
            Some(dfa) => {
                if dfa.scan(haystack, &mut on_pattern).is_err() {
                    // Cannot happen with how the DFAs are built (no quit bytes, unanchored), but
                    // a scan that did not finish must not pass for "no rule matched" unnoticed.
                    self.failures.fetch_add(1, Ordering::Relaxed);
                }
            }
            None => self.scan_regexes(db, haystack, &mut on_pattern),
        }
    }

    /// The answer to a failed Hyperscan scan when no DFA is loaded: every pattern of target `t`
    /// with its own regex, reporting pattern ids like [`RuleSet::scan_patterns_with`]. Public
    /// so that tests can hold it to the backends' answers; a check reaches it only through
    /// [`RuleSet::scan`].
    pub fn scan_patterns_fallback(&self, t: Target, haystack: &[u8], hit: &mut dyn FnMut(u32)) {
        if let Some(db) = &self.databases[t.index()] {
            self.scan_regexes(db, haystack, hit);
        }
    }

    fn scan_regexes(&self, db: &Database, haystack: &[u8], hit: &mut dyn FnMut(u32)) {
        for (id, &(rule, pattern)) in db.patterns.iter().enumerate() {
            let regex = self
                .span_regexes
                .get(rule as usize)
                .and_then(|r| r.regexes(&self.failures).get(pattern as usize))
                .and_then(Option::as_ref);
            match regex {
                Some(re) => {
                    if re.is_match(haystack) {
                        hit(id as u32);
                    }
                }
                // Counted where the regex failed to build (or a map that cannot be wrong was).
                None => {
                    self.failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Like [`RuleSet::scan`], but reports pattern ids (positions in target `t`'s database)
    /// with the chosen backend only, or the backend's error: for tests and diagnostics.
    pub fn scan_patterns_with(
        &self,
        t: Target,
        backend: BackendKind,
        haystack: &[u8],
        hit: &mut dyn FnMut(u32),
    ) -> Result<(), String> {
        let Some(db) = &self.databases[t.index()] else {
            return Ok(());
        };
        let result = match backend {
            BackendKind::Portable => match &db.dfa {
                Some(dfa) => dfa.scan(haystack, hit),
                None => return Err("the portable backend is not loaded for this set".to_string()),
            },
            BackendKind::Hyperscan => match &db.hyperscan {
                Some(hs) => hs.scan(haystack, hit),
                None => return Err("Hyperscan is not loaded for this set".to_string()),
            },
        };
        result.map_err(|e| e.to_string())
    }

    /// The (rule index, pattern index) of pattern `id` of target `t`.
    pub fn pattern_ref(&self, t: Target, id: u32) -> Option<(usize, usize)> {
        let db = self.databases[t.index()].as_ref()?;
        db.patterns
            .get(id as usize)
            .map(|&(r, p)| (r as usize, p as usize))
    }

    /// Match spans of every pattern of rule `rule` in `haystack` (leftmost-first,
    /// non-overlapping per pattern), for overlap checks. Empty for an unknown rule index.
    pub fn spans(&self, rule: usize, haystack: &[u8]) -> Vec<Range<usize>> {
        let Some(rule) = self.span_regexes.get(rule) else {
            return Vec::new();
        };
        rule.regexes(&self.failures)
            .iter()
            .flatten()
            .flat_map(|re| re.find_iter(haystack).map(|m| m.range()))
            .collect()
    }

    /// Hyperscan scans that failed and were answered by the DFA or the patterns' regexes.
    pub fn scan_fallbacks(&self) -> u64 {
        self.fallbacks.load(Ordering::Relaxed)
    }

    /// Scans that could not complete at all, and span regexes that could not be built (expected
    /// to stay 0).
    pub fn scan_failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::empty()
    }
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("id", &self.id)
            .field("generation", &self.generation)
            .field("rules", &self.rules.len())
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// Parses the `meta` section and checks it against the header and itself.
fn read_meta(file: &RuleFile<'_>) -> Result<Meta, RuleFileError> {
    let header = &file.header;
    let expected_id = file::set_id(&header.name, &header.version, &header.checksum);
    if header.id != expected_id {
        return Err(RuleFileError::Inconsistent(format!(
            "the header's id is {}, but its name, version and checksum make {expected_id}",
            header.id
        )));
    }
    let bytes = file
        .section("meta")
        .ok_or_else(|| RuleFileError::Inconsistent("section meta is missing".to_string()))?;
    let meta: Meta =
        serde_json::from_slice(bytes).map_err(|e| RuleFileError::BadMeta(e.to_string()))?;
    if meta.rules.len() != header.rules {
        return Err(RuleFileError::Inconsistent(format!(
            "the header says {} rules, the meta section has {}",
            header.rules,
            meta.rules.len()
        )));
    }
    let mut seen = HashMap::new();
    for (i, rule) in meta.rules.iter().enumerate() {
        if !is_rule_id(&rule.id) || BUILTIN_RULE_IDS.contains(&rule.id.as_str()) {
            return Err(RuleFileError::Inconsistent(format!(
                "rule {i} has the id \"{}\", which a rule cannot have",
                rule.id
            )));
        }
        if let Some(first) = seen.insert(rule.id.as_str(), i) {
            return Err(RuleFileError::Inconsistent(format!(
                "rules {first} and {i} have the same id {}",
                rule.id
            )));
        }
    }
    let expected = database_map(&meta.rules);
    let given_names: Vec<&str> = meta.databases.keys().map(String::as_str).collect();
    let mut expected_names: Vec<&str> = expected.keys().map(|t| t.name()).collect();
    expected_names.sort_unstable();
    if given_names != expected_names {
        return Err(RuleFileError::Inconsistent(format!(
            "the meta section lists databases [{}], the rules need [{}]",
            given_names.join(", "),
            expected_names.join(", ")
        )));
    }
    for (target, refs) in &expected {
        if meta.databases.get(target.name()) != Some(refs) {
            return Err(RuleFileError::Inconsistent(format!(
                "the meta section's pattern map of {target} does not match its rules"
            )));
        }
    }
    for name in file.section_names() {
        if !is_expected_section(name, &expected) {
            return Err(RuleFileError::Inconsistent(format!(
                "unexpected section {name}"
            )));
        }
    }
    Ok(meta)
}

/// How many `dfa.<target>.<n>` sections `target` has, n = 0, 1, ... (at least one), checked to
/// be named in the section table and numbered without gaps whichever backend scans (their bytes
/// may be absent: a file cut after its Hyperscan part).
fn dfa_sections(file: &RuleFile<'_>, target: Target) -> Result<usize, RuleFileError> {
    let groups = (0..)
        .take_while(|n| file.has_section(&format!("dfa.{target}.{n}")))
        .count();
    if groups == 0 {
        return Err(RuleFileError::Inconsistent(format!(
            "section dfa.{target}.0 is missing"
        )));
    }
    let prefix = format!("dfa.{target}.");
    let named = file
        .section_names()
        .filter(|n| n.starts_with(&prefix))
        .count();
    if named != groups {
        return Err(RuleFileError::Inconsistent(format!(
            "the dfa.{target} sections are not numbered 0 to {}",
            named - 1
        )));
    }
    Ok(groups)
}

/// The DFAs of `target`, which must hold `patterns` patterns.
fn load_dfas(
    file: &RuleFile<'_>,
    target: Target,
    patterns: usize,
) -> Result<PortableDb, RuleFileError> {
    let count = dfa_sections(file, target)?;
    let mut groups = Vec::with_capacity(count);
    for n in 0..count {
        let name = format!("dfa.{target}.{n}");
        match file.section(&name) {
            Some(bytes) => groups.push(bytes),
            None => {
                return Err(RuleFileError::WholeFileNeeded {
                    why: format!("section {name} is past the part given"),
                })
            }
        }
    }
    let dfa =
        PortableDb::from_group_bytes(&groups).map_err(|(n, message)| RuleFileError::BadDfa {
            section: format!("dfa.{target}.{n}"),
            message,
        })?;
    if dfa.pattern_len() != patterns {
        return Err(RuleFileError::Inconsistent(format!(
            "the dfa.{target} sections have {} patterns, the rules give {patterns}",
            dfa.pattern_len()
        )));
    }
    Ok(dfa)
}

/// `meta`, `hs.<target>` or `dfa.<target>.<n>` for a target that has patterns.
fn is_expected_section(name: &str, expected: &BTreeMap<Target, Vec<(u32, u32)>>) -> bool {
    let has = |t: &str| Target::from_name(t).is_some_and(|t| expected.contains_key(&t));
    if name == "meta" {
        return true;
    }
    if let Some(t) = name.strip_prefix("hs.") {
        return has(t);
    }
    let Some(rest) = name.strip_prefix("dfa.") else {
        return false;
    };
    match rest.rsplit_once('.') {
        Some((t, n)) => has(t) && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// Picks the backend; when it is Hyperscan, loads a Hyperscan database into every database.
/// Returns the backend and, when Auto settled for the portable one, why.
fn choose_backend(
    file: &RuleFile<'_>,
    databases: &mut [Option<Database>; Target::COUNT],
    choice: BackendChoice,
) -> Result<(BackendKind, Option<String>), RuleFileError> {
    if choice == BackendChoice::Portable {
        if file.is_partial() {
            return Err(RuleFileError::WholeFileNeeded {
                why: "rules.backend=portable".to_string(),
            });
        }
        return Ok((BackendKind::Portable, None));
    }
    match load_hyperscan(file, databases) {
        Ok(loaded) => {
            for (db, hs) in databases.iter_mut().zip(loaded) {
                if let Some(db) = db {
                    db.hyperscan = hs;
                }
            }
            Ok((BackendKind::Hyperscan, None))
        }
        Err(reason) if choice == BackendChoice::Auto && file.is_partial() => {
            Err(RuleFileError::WholeFileNeeded { why: reason })
        }
        Err(reason) if choice == BackendChoice::Auto => Ok((BackendKind::Portable, Some(reason))),
        Err(reason) => Err(RuleFileError::HyperscanUnavailable(reason)),
    }
}

/// The Hyperscan database of every target that has patterns, all or nothing.
fn load_hyperscan(
    file: &RuleFile<'_>,
    databases: &[Option<Database>; Target::COUNT],
) -> Result<[Option<HyperscanDb>; Target::COUNT], String> {
    hyperscan::available()?;
    let mut out: [Option<HyperscanDb>; Target::COUNT] = std::array::from_fn(|_| None);
    for target in Target::ALL {
        if databases[target.index()].is_none() {
            continue;
        }
        let name = format!("hs.{target}");
        let bytes = file.section(&name).ok_or_else(|| {
            format!("the rule file has no section {name} (it was compiled without Hyperscan)")
        })?;
        let db = HyperscanDb::from_bytes(bytes)
            .map_err(|e| format!("section {name} does not load: {e}"))?;
        out[target.index()] = Some(db);
    }
    Ok(out)
}

/// A rule's span regexes, one per pattern, from the same HIR the DFA was built from.
///
/// Building a `meta::Regex` is most of what loading a rule set costs (about nine tenths for the
/// default set), and only a rule that hits and needs a span ever uses one. So loading parses each
/// pattern (a pattern that does not parse still rejects the file) and the regexes are built on
/// the rule's first hit. Two threads hitting the rule at once build it once; the second waits for
/// the first, once per rule and process.
struct SpanRegexes {
    hirs: Vec<Hir>,
    /// One per pattern, in pattern order (None: could not be built, counted as a failure).
    built: OnceLock<Vec<Option<meta::Regex>>>,
}

impl SpanRegexes {
    fn regexes(&self, failures: &AtomicU64) -> &[Option<meta::Regex>] {
        if let Some(built) = self.built.get() {
            return built;
        }
        let built = self.build(failures);
        // `set`, not `get_or_init`: a check on another thread that hits the same rule meanwhile
        // builds its own copy instead of waiting for this one (one result is kept).
        let _ = self.built.set(built);
        self.built.get().map(Vec::as_slice).unwrap_or_default()
    }

    fn build(&self, failures: &AtomicU64) -> Vec<Option<meta::Regex>> {
        let config = meta::Config::new()
            .utf8_empty(false)
            .which_captures(WhichCaptures::Implicit);
        self.hirs
            .iter()
            .map(|hir| {
                let built = meta::Builder::new()
                    .configure(config.clone())
                    .build_from_hir(hir);
                if built.is_err() {
                    // The compiler built the same HIR into both matchers, so this cannot
                    // happen; no span then means the scan's word is taken (eval.rs).
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                built.ok()
            })
            .collect()
    }
}

/// Each rule's patterns parsed, their span regexes not built yet.
fn span_regexes(rules: &[Rule]) -> Result<Vec<SpanRegexes>, RuleFileError> {
    rules
        .iter()
        .map(|rule| {
            let hirs = rule
                .patterns
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    pattern::parse(&p.regex, p.flags).map_err(|m| {
                        RuleFileError::Inconsistent(format!(
                            "rule {} pattern {}: {m}",
                            rule.id,
                            i + 1
                        ))
                    })
                })
                .collect::<Result<Vec<Hir>, RuleFileError>>()?;
            Ok(SpanRegexes {
                hirs,
                built: OnceLock::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_set_is_shared_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<RuleSet>();
    }

    #[test]
    fn section_names_follow_the_targets_with_patterns() {
        let mut expected = BTreeMap::new();
        expected.insert(Target::Input, vec![(0, 0)]);
        for ok in ["meta", "hs.input", "dfa.input.0", "dfa.input.12"] {
            assert!(is_expected_section(ok, &expected), "{ok}");
        }
        for bad in [
            "hs.sink.sql",
            "dfa.input",
            "dfa.input.",
            "dfa.input.x",
            "dfa.sink.sql.0",
            "x",
        ] {
            assert!(!is_expected_section(bad, &expected), "{bad}");
        }
    }
}
