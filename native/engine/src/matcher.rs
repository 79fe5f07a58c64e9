//! Finding where request inputs occur in a sink string.
//!
//! This is the hot path: almost every check ends here with "no input occurs". All inputs of a
//! request are compiled once into one Aho-Corasick automaton, so a check is a single pass over
//! the sink string whatever the number of inputs.
//!
//! Inputs that cannot change a statement's structure on their own are not searched at all:
//! empty values and pure words (letters and `_` only, or digits only) always lie inside one
//! token. A word that starts with digits and goes on with letters (`1union`) is searched,
//! because some lexers split it, and so are the few words that join their neighbours into code
//! (`OR`, `UNION`, …), for runs of adjacent inputs.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use memchr::memmem;

use crate::input::Input;

/// One occurrence of an input in a sink string: byte range `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Index into the context's inputs.
    pub input: usize,
    pub start: usize,
    pub end: usize,
}

/// The compiled search over a request's inputs.
///
/// Two ways to answer "does any input occur?", chosen by what the request has done so far:
///
/// * one SIMD substring finder per distinct value (`memchr::memmem`): nearly free to build
///   (a request has tens of values), a few tens of nanoseconds per value per kilobyte scanned;
/// * a SIMD multi-pattern searcher (Teddy, from `aho-corasick`) over all values at once: one
///   pass whatever the number of values, but some microseconds to build.
///
/// Most requests make a handful of sink checks on short strings, where building Teddy would
/// cost more than it saves; so a context starts with the finders and builds Teddy once it has
/// made [`TEDDY_AFTER_CHECKS`] checks or meets a sink of [`TEDDY_FOR_BYTES`] or more. The
/// finders also find every occurrence (overlapping ones included) once a hit is confirmed.
#[derive(Debug)]
pub struct InputMatcher {
    /// The distinct values searched for and the inputs that have each.
    patterns: Patterns,
    /// Built at the first check of a sink longer than [`SHORT_HAY`] after the context's first
    /// check (or by [`InputMatcher::occurrences`] on such a sink), not when the context opens: a
    /// request whose checks are all on short statements (most of a trivial endpoint's) never
    /// pays for keeping them; such a check searches each value without a kept finder
    /// ([`find_once`]). Published with `set` like `teddy`, so no check waits for another to
    /// build them.
    finders: OnceLock<Box<[memmem::Finder<'static>]>>,
    teddy: OnceLock<Prefilter>,
    checks: AtomicU32,
}

/// Checks a context makes with the per-value finders before it builds the multi-pattern searcher.
pub const TEDDY_AFTER_CHECKS: u32 = 8;
/// A sink string this long gets the multi-pattern searcher at once.
pub const TEDDY_FOR_BYTES: usize = 4096;
/// Sink strings up to this long are searched without building a finder, while a context has
/// none kept (see [`short_find`]).
const SHORT_HAY: usize = 512;
/// Values up to this long are searched for that way; longer ones always get a finder.
const SHORT_NEEDLE: usize = 32;
/// Values (and their bytes, this many times [`SHORT_NEEDLE`]) reserved for up front.
const RESERVED_PATTERNS: usize = 256;
/// Up to this many inputs, equal values are found by comparing with each pattern so far: for so
/// few, hashing costs more than it saves.
const LINEAR_DEDUP_INPUTS: usize = 16;
/// Up to this many inputs, equal values are found through a table on the stack
/// ([`DedupTable`]); beyond, through a hash map. (Comparing with each pattern so far, up to 64
/// inputs as it was, took a quarter of opening a browser's request: about 1,300 comparisons.)
const TABLE_DEDUP_INPUTS: usize = 128;

#[derive(Debug)]
enum Prefilter {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
    /// Not available for this pattern set: keep using the finders.
    Unavailable,
}

/// Words that join the tokens around them into code: an input that is one of these alone is
/// searched, so that a run of adjacent inputs (`field=id&op=OR&value=TRUE`) can be judged as
/// one span (see `sql::adjacent`).
const CODE_WORDS: [&str; 12] = [
    "OR",
    "XOR",
    "AND",
    "NOT",
    "IS",
    "LIKE",
    "TRUE",
    "UNION",
    "INTERSECT",
    "EXCEPT",
    "MINUS",
    "SELECT",
];

/// Whether an input value is worth searching for: not empty, and not a pure word (letters and
/// `_`) or number (digits) unless it is one of the [`CODE_WORDS`]. The first byte tells which of
/// the two a value could be, so only that pass over it is made.
pub fn is_searchable(value: &str) -> bool {
    let b = value.as_bytes();
    match b.first() {
        None => false,
        Some(c) if c.is_ascii_digit() => !b.iter().all(u8::is_ascii_digit),
        Some(_) => {
            let word = b.iter().all(|c| c.is_ascii_alphabetic() || *c == b'_');
            !word || CODE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(value))
        }
    }
}

impl Clone for InputMatcher {
    fn clone(&self) -> Self {
        InputMatcher::from_patterns(self.patterns.clone())
    }
}

/// The distinct searched values of a request, one after the other in one string, and for each
/// the inputs that have it: three allocations however many values there are. (A `String` and
/// a `Vec` of owners per value made opening and dropping a trivial request's context mostly
/// allocator work.)
#[derive(Clone, Debug, Default)]
struct Patterns {
    text: String,
    /// `ends[p]`: where pattern `p` ends in `text` (it starts where `p - 1` ends).
    ends: Vec<usize>,
    /// (pattern, input) for every searched input, ordered by pattern, then input.
    owners: Vec<(usize, usize)>,
}

impl Patterns {
    /// The searchable inputs' distinct values, in order of first appearance.
    fn of(inputs: &[Input]) -> Patterns {
        // Sized up front for every input (an upper bound), so that building them is three
        // allocations rather than one per doubling of each; capped, so that a large body of
        // values that are never searched (plain words) does not reserve its size again.
        let bytes: usize = inputs.iter().map(|i| i.value.len()).sum();
        let entries = inputs.len().min(RESERVED_PATTERNS);
        let mut patterns = Patterns {
            text: String::with_capacity(bytes.min(RESERVED_PATTERNS * SHORT_NEEDLE)),
            ends: Vec::with_capacity(entries),
            owners: Vec::with_capacity(entries),
        };
        let mut table = (inputs.len() > LINEAR_DEDUP_INPUTS && inputs.len() <= TABLE_DEDUP_INPUTS)
            .then(DedupTable::new);
        let mut index: Option<std::collections::HashMap<&str, usize>> =
            (inputs.len() > TABLE_DEDUP_INPUTS).then(std::collections::HashMap::new);
        for (i, input) in inputs.iter().enumerate() {
            let value = input.value.as_str();
            if !is_searchable(value) {
                continue;
            }
            let (known, free_slot) = match (&table, &index) {
                (Some(table), _) => match table.find(&patterns, value) {
                    Ok(p) => (Some(p), None),
                    Err(slot) => (None, Some(slot)),
                },
                (None, Some(index)) => (index.get(value).copied(), None),
                (None, None) => (
                    (0..patterns.len()).find(|&p| patterns.get(p) == value),
                    None,
                ),
            };
            let p = known.unwrap_or_else(|| {
                patterns.text.push_str(value);
                patterns.ends.push(patterns.text.len());
                patterns.ends.len() - 1
            });
            if known.is_none() {
                if let (Some(table), Some(slot)) = (&mut table, free_slot) {
                    table.set(slot, p);
                } else if let Some(index) = &mut index {
                    index.insert(value, p);
                }
            }
            patterns.owners.push((p, i));
        }
        // Sorted pairs: each pattern's owners are one run, in input order.
        patterns.owners.sort_unstable();
        patterns
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    #[inline]
    fn get(&self, p: usize) -> &str {
        let start = if p == 0 { 0 } else { self.ends[p - 1] };
        &self.text[start..self.ends[p]]
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|p| self.get(p))
    }

    /// The inputs whose value is pattern `p`.
    fn owners(&self, p: usize) -> impl Iterator<Item = usize> + '_ {
        let start = self.owners.partition_point(|&(q, _)| q < p);
        self.owners[start..]
            .iter()
            .take_while(move |&&(q, _)| q == p)
            .map(|&(_, input)| input)
    }
}

/// The distinct values seen so far, by hash: open addressing over twice as many slots as
/// [`TABLE_DEDUP_INPUTS`] (so a probe always ends at a free slot), each holding a pattern index.
/// Lives on the stack for the one call of [`Patterns::of`]; a collision costs a comparison, never
/// a wrong answer (every candidate is compared).
struct DedupTable {
    slots: [u16; DEDUP_SLOTS],
}

const DEDUP_SLOTS: usize = 2 * TABLE_DEDUP_INPUTS;
const FREE: u16 = u16::MAX;
const DEDUP_HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0xd3d0_9a55);

impl DedupTable {
    fn new() -> DedupTable {
        DedupTable {
            slots: [FREE; DEDUP_SLOTS],
        }
    }

    /// The pattern equal to `value`, or the free slot where it goes.
    fn find(&self, patterns: &Patterns, value: &str) -> Result<usize, usize> {
        use std::hash::BuildHasher;
        let mut slot = DEDUP_HASH.hash_one(value) as usize % DEDUP_SLOTS;
        loop {
            match self.slots[slot] {
                FREE => return Err(slot),
                p if patterns.get(usize::from(p)) == value => return Ok(usize::from(p)),
                _ => slot = (slot + 1) % DEDUP_SLOTS,
            }
        }
    }

    fn set(&mut self, slot: usize, pattern: usize) {
        // At most TABLE_DEDUP_INPUTS patterns: the index always fits, and is never FREE.
        if let Ok(p) = u16::try_from(pattern) {
            self.slots[slot] = p;
        }
    }
}

fn build_prefilter(patterns: &Patterns) -> Prefilter {
    if let Some(searcher) = packed::Config::new()
        .match_kind(packed::MatchKind::LeftmostFirst)
        .builder()
        .extend(patterns.iter())
        .build()
    {
        return Prefilter::Packed(searcher);
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::NoncontiguousNFA))
        .build(patterns.iter())
        .map_or(Prefilter::Unavailable, Prefilter::Automaton)
}

/// Where `needle` first occurs in `hay`, found by `memchr` on its first byte and a comparison at
/// each candidate: no set-up, where building a `memmem` finder (its rare-byte heuristics and
/// SIMD tables) costs more than searching a short statement does. Only for a hay of at most
/// [`SHORT_HAY`] bytes and a needle of at most [`SHORT_NEEDLE`], which bounds the worst case
/// (every byte a candidate) to a few times a finder's search.
fn short_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    memchr::memchr_iter(first, &hay[..=last_start]).find(|&i| &hay[i + 1..i + needle.len()] == rest)
}

/// Where `needle` first occurs in `hay`, without a kept finder: [`short_find`] where it may,
/// else a `memmem` search that builds its finder for this one call.
fn find_once(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        // A browser's `User-Agent` or `Accept` is longer than most statements: no search, and
        // above all no finder built for it (memmem builds one for every hay of 64 bytes or more).
        return None;
    }
    if hay.len() <= SHORT_HAY && needle.len() <= SHORT_NEEDLE {
        short_find(hay, needle)
    } else {
        memmem::find(hay, needle)
    }
}

fn build_finders(patterns: &Patterns) -> Box<[memmem::Finder<'static>]> {
    patterns
        .iter()
        .map(|p| memmem::Finder::new(p.as_bytes()).into_owned())
        .collect()
}

/// How [`InputMatcher::any`] searches one sink.
enum Search<'m> {
    /// No searchable input.
    Nothing,
    /// Value by value, nothing kept ([`find_once`]).
    Once,
    /// With the kept multi-pattern searcher, else the kept per-value finders.
    Kept(Option<&'m Prefilter>),
}

impl InputMatcher {
    /// Compiles the searchable inputs. Equal values share one pattern.
    pub fn new(inputs: &[Input]) -> InputMatcher {
        InputMatcher::from_patterns(Patterns::of(inputs))
    }

    fn from_patterns(patterns: Patterns) -> InputMatcher {
        InputMatcher {
            patterns,
            finders: OnceLock::new(),
            teddy: OnceLock::new(),
            checks: AtomicU32::new(0),
        }
    }

    /// Runs `f` over the per-value finders, built by the first caller that needs them.
    fn with_finders<R>(&self, f: impl FnOnce(&[memmem::Finder<'static>]) -> R) -> R {
        if let Some(finders) = self.finders.get() {
            return f(finders);
        }
        let built = build_finders(&self.patterns);
        let result = f(&built);
        // `set`, not `get_or_init`: a check on another thread builds its own rather than wait
        // (one is kept, and they are equal).
        let _ = self.finders.set(built);
        result
    }

    /// The number of distinct values searched for.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Whether any input occurs in `hay`. The fast path.
    pub fn any(&self, hay: &[u8]) -> bool {
        match self.search(hay) {
            Search::Nothing => false,
            Search::Once => self.any_once(hay),
            Search::Kept(prefilter) => self.any_kept(prefilter, hay),
        }
    }

    /// [`InputMatcher::occurrences`], empty when no input occurs, for a caller that would ask
    /// [`InputMatcher::any`] first: where `any` would search value by value, the occurrences
    /// are searched for at once (a check that finds an input searched its statement twice).
    pub fn occurrences_if_any(&self, hay: &[u8]) -> Vec<Occurrence> {
        match self.search(hay) {
            Search::Nothing => Vec::new(),
            // `occurrences` would build the kept finders for a long sink: only if one occurs
            Search::Once if hay.len() > SHORT_HAY && !self.any_once(hay) => Vec::new(),
            Search::Once => self.occurrences(hay),
            Search::Kept(prefilter) if self.any_kept(prefilter, hay) => self.occurrences(hay),
            Search::Kept(_) => Vec::new(),
        }
    }

    /// How a check of `hay` is searched, counting the check towards building the multi-pattern
    /// searcher.
    fn search(&self, hay: &[u8]) -> Search<'_> {
        if self.patterns.is_empty() {
            return Search::Nothing;
        }
        let mut first = false;
        let teddy = match self.teddy.get() {
            Some(t) => Some(t),
            None => {
                let checks = self.checks.fetch_add(1, Ordering::Relaxed);
                if checks >= TEDDY_AFTER_CHECKS || hay.len() >= TEDDY_FOR_BYTES {
                    // `set`, not `get_or_init`: a check of the same request on another thread
                    // builds its own searcher rather than wait for this one (one is kept).
                    let _ = self.teddy.set(build_prefilter(&self.patterns));
                    self.teddy.get()
                } else {
                    first = checks == 0;
                    None
                }
            }
        };
        if teddy.is_none() && (first || hay.len() <= SHORT_HAY) && self.finders.get().is_none() {
            // The same search as the kept finders make, without copying every value into one
            // that outlives the check: most requests make no second check, and a short sink
            // is searched as fast without them. Once the multi-pattern searcher exists, it is
            // one pass whatever the number of values.
            return Search::Once;
        }
        Search::Kept(teddy)
    }

    fn any_once(&self, hay: &[u8]) -> bool {
        self.patterns
            .iter()
            .any(|p| find_once(hay, p.as_bytes()).is_some())
    }

    fn any_kept(&self, prefilter: Option<&Prefilter>, hay: &[u8]) -> bool {
        match prefilter {
            Some(Prefilter::Packed(s)) => s.find(hay).is_some(),
            Some(Prefilter::Automaton(ac)) => ac.is_match(hay),
            Some(Prefilter::Unavailable) | None => {
                self.with_finders(|finders| finders.iter().any(|f| f.find(hay).is_some()))
            }
        }
    }

    /// Every occurrence of every input, overlapping ones included, ordered by pattern.
    pub fn occurrences(&self, hay: &[u8]) -> Vec<Occurrence> {
        if hay.len() <= SHORT_HAY && self.finders.get().is_none() {
            // A short statement an input was found in (the first check's usual case): search
            // it without building, and keeping, a finder per value.
            let mut out = Vec::new();
            for (pattern, needle) in self.patterns.iter().enumerate() {
                let needle = needle.as_bytes();
                let find = |h: &[u8]| find_once(h, needle);
                self.push_occurrences(hay, pattern, needle.len(), find, &mut out);
            }
            return out;
        }
        self.with_finders(|finders| {
            let mut out = Vec::new();
            for (pattern, finder) in finders.iter().enumerate() {
                let find = |h: &[u8]| finder.find(h);
                self.push_occurrences(hay, pattern, finder.needle().len(), find, &mut out);
            }
            out
        })
    }

    /// Adds every occurrence of pattern `pattern` (`len` bytes, found by `find`) in `hay`, for
    /// each input that has it. `find_iter` would skip past each match; the search restarts one
    /// byte later to keep overlapping ones.
    fn push_occurrences(
        &self,
        hay: &[u8],
        pattern: usize,
        len: usize,
        find: impl Fn(&[u8]) -> Option<usize>,
        out: &mut Vec<Occurrence>,
    ) {
        let mut at = 0;
        while let Some(i) = find(&hay[at..]) {
            let start = at + i;
            for input in self.patterns.owners(pattern) {
                out.push(Occurrence {
                    input,
                    start,
                    end: start + len,
                });
            }
            at = start + 1;
            if at >= hay.len() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputSource;

    #[test]
    fn one_pass_decides_as_both_passes_did() {
        // The definition the one-pass version replaced, kept as the reference.
        fn reference(value: &str) -> bool {
            let b = value.as_bytes();
            if b.is_empty() {
                return false;
            }
            let all_letters = b.iter().all(|c| c.is_ascii_alphabetic() || *c == b'_');
            let all_digits = b.iter().all(u8::is_ascii_digit);
            let code_word = all_letters && CODE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(value));
            code_word || !(all_letters || all_digits)
        }
        let alphabet = [
            "a", "Z", "_", "0", "9", "-", " ", "'", "é", "OR", "union", "1",
        ];
        let mut values = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = values
                .iter()
                .flat_map(|v| alphabet.iter().map(move |a| format!("{v}{a}")))
                .collect();
            values.extend(longer);
        }
        values.extend(CODE_WORDS.iter().map(|w| w.to_lowercase()));
        for v in &values {
            assert_eq!(is_searchable(v), reference(v), "{v:?}");
        }
    }

    /// `occurrences_if_any` answers as `any` then `occurrences` did, whichever way the matcher
    /// searches: value by value on a first check, short and long sinks, with the finders kept,
    /// and with the multi-pattern searcher once it is built.
    #[test]
    fn occurrences_if_any_is_any_then_occurrences() {
        let inputs = [
            Input::value(InputSource::Query, "q", "red shoes"),
            Input::value(InputSource::Query, "r", "1 OR 1"),
            Input::value(InputSource::Header, "Accept", "text/html, */*"),
        ];
        let long = format!("SELECT '{}' FROM t WHERE a = 'red shoes'", "x".repeat(600));
        let hays = [
            "SELECT 1",
            "SELECT * FROM t WHERE a = 'red shoes' OR b = 'red shoes'",
            "SELECT * FROM t WHERE id = 1 OR 1",
            long.as_str(),
            "SELECT 'nothing here at all'",
        ];
        let reference = InputMatcher::new(&inputs);
        let tried = InputMatcher::new(&inputs);
        for round in 0..12 {
            for hay in hays {
                let want = if reference.any(hay.as_bytes()) {
                    reference.occurrences(hay.as_bytes())
                } else {
                    Vec::new()
                };
                assert_eq!(
                    tried.occurrences_if_any(hay.as_bytes()),
                    want,
                    "{round}: {hay}"
                );
            }
        }
        assert!(
            tried.teddy.get().is_some(),
            "the multi-pattern searcher was reached"
        );
    }

    #[test]
    fn plain_words_and_numbers_are_not_searched() {
        for v in ["", "name", "DESC", "user_id", "42", "ORDER", "oregon"] {
            assert!(!is_searchable(v), "{v:?}");
        }
        for v in [
            "1 OR 1", "'", "1union", "a-b", "x'--", "1,2,3", "é", "OR", "union", "True",
        ] {
            assert!(is_searchable(v), "{v:?}");
        }
    }

    #[test]
    fn both_prefilters_agree() {
        let inputs = vec![
            Input::value(InputSource::Query, "a", "x' OR 1=1"),
            Input::value(InputSource::Header, "ua", "Mozilla/5.0 (X11)"),
        ];
        let m = InputMatcher::new(&inputs);
        let hit = b"SELECT * FROM t WHERE a = 'x' OR 1=1'";
        let miss = b"SELECT * FROM t WHERE a = 'y'";
        // The first checks use the per-value finders, later ones the multi-pattern searcher.
        for round in 0..2 * TEDDY_AFTER_CHECKS {
            assert!(m.any(hit), "round {round}");
            assert!(!m.any(miss), "round {round}");
        }
        assert!(m.teddy.get().is_some(), "built after enough checks");
        let long = InputMatcher::new(&inputs);
        let mut big = vec![b' '; TEDDY_FOR_BYTES];
        big.extend_from_slice(hit);
        assert!(long.any(&big));
        assert!(long.teddy.get().is_some(), "built at once for a long sink");
    }

    #[test]
    fn a_value_longer_than_the_sink_is_skipped_and_found_where_it_fits() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        let inputs = vec![Input::value(InputSource::Header, "user-agent", ua)];
        let m = InputMatcher::new(&inputs);
        assert!(!m.any(b"SELECT 1"));
        let short: Vec<u8> = ua.as_bytes()[..ua.len() - 1].to_vec();
        assert!(!m.any(&short), "one byte short of the value");
        for pad in [0, 10, 100, 600] {
            let sink = format!("INSERT INTO log VALUES ('{}{ua}')", "x".repeat(pad));
            let fresh = InputMatcher::new(&inputs);
            assert!(fresh.any(sink.as_bytes()), "padding {pad}");
            assert_eq!(fresh.occurrences(sink.as_bytes()).len(), 1, "padding {pad}");
        }
    }

    #[test]
    fn finds_overlapping_occurrences_of_all_owners() {
        let inputs = vec![
            Input::value(InputSource::Query, "a", "1 OR 1"),
            Input::value(InputSource::Header, "b", "1 OR 1"),
            Input::value(InputSource::Query, "c", "OR 1=1"),
            Input::value(InputSource::Query, "d", "name"),
        ];
        let m = InputMatcher::new(&inputs);
        assert_eq!(m.pattern_count(), 2);
        let sql = b"SELECT * FROM t WHERE id = 1 OR 1=1";
        assert!(m.any(sql));
        let occ = m.occurrences(sql);
        let mut seen: Vec<usize> = occ.iter().map(|o| o.input).collect();
        seen.sort();
        assert_eq!(seen, vec![0, 1, 2]);
        assert!(occ
            .iter()
            .all(|o| &sql[o.start..o.end] == inputs[o.input].value.as_bytes()));
        assert!(!m.any(b"SELECT name FROM t"));
    }

    #[test]
    fn finders_are_built_at_the_first_check_that_needs_them() {
        let inputs = vec![Input::value(InputSource::Query, "a", "x' OR 1=1")];
        let m = InputMatcher::new(&inputs);
        assert!(
            m.finders.get().is_none(),
            "nothing built when the context opens"
        );
        let sql = b"SELECT 1 WHERE a = 'x' OR 1=1'";
        assert_eq!(m.occurrences(sql).len(), 1);
        assert!(
            m.finders.get().is_none(),
            "a short sink is searched without them"
        );
        let long = [&sql[..], &[b' '; SHORT_HAY]].concat();
        assert_eq!(
            m.occurrences(&long).len(),
            1,
            "occurrences alone builds them"
        );
        assert!(m.finders.get().is_some());
        assert_eq!(m.occurrences(sql).len(), 1, "and then uses them");
        let fresh = InputMatcher::new(&inputs);
        assert!(fresh.any(sql), "the first check finds it");
        assert!(
            fresh.finders.get().is_none(),
            "the first check keeps nothing"
        );
        assert!(!fresh.any(b"SELECT 2"));
        assert!(
            fresh.finders.get().is_none(),
            "a short second check keeps nothing either"
        );
        let long_miss = [&b"SELECT 2"[..], &[b' '; SHORT_HAY]].concat();
        assert!(!fresh.any(&long_miss));
        assert!(
            fresh.finders.get().is_some(),
            "a long second check keeps them"
        );
        assert!(fresh.any(sql) && !fresh.any(b"SELECT 3"));
        let missed = InputMatcher::new(&inputs);
        assert!(!missed.any(b"SELECT 2"), "the first check misses alike");
        assert!(missed.any(sql));
    }

    #[test]
    fn the_short_search_finds_what_a_finder_finds() {
        let hays: [&[u8]; 6] = [
            b"",
            b"a",
            b"aaaa",
            b"SELECT * FROM t WHERE a = 'x' OR 'a'='a' AND b = 'aab'",
            b"abababab",
            b"x' OR 1=1",
        ];
        let needles: [&[u8]; 9] = [
            b"a",
            b"aa",
            b"aab",
            b"ab",
            b"ba",
            b"x' OR 1=1",
            b"'a'='a'",
            b"zz",
            b"aaaaa",
        ];
        for hay in hays {
            for needle in needles {
                assert_eq!(
                    short_find(hay, needle),
                    memmem::find(hay, needle),
                    "{:?} in {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(hay)
                );
            }
        }
        assert_eq!(
            short_find(b"abc", b""),
            None,
            "no empty pattern is searched"
        );
    }

    #[test]
    fn occurrences_are_the_same_with_and_without_kept_finders() {
        let inputs = vec![
            Input::value(InputSource::Query, "a", "1 OR 1"),
            Input::value(InputSource::Header, "b", "a-a"),
            Input::value(InputSource::Query, "c", "OR 1=1"),
            // Past SHORT_NEEDLE: searched with memmem even on a short sink.
            Input::value(InputSource::Query, "d", "x-".repeat(SHORT_NEEDLE)),
        ];
        let long_value = "x-".repeat(SHORT_NEEDLE);
        let sql = format!("SELECT 'a-a-a' FROM t WHERE id = 1 OR 1=1 AND n = '{long_value}'");
        let fresh = InputMatcher::new(&inputs);
        let without = fresh.occurrences(sql.as_bytes());
        assert!(fresh.finders.get().is_none());
        let kept = InputMatcher::new(&inputs);
        kept.with_finders(|_| ());
        let with = kept.occurrences(sql.as_bytes());
        assert_eq!(without, with);
        let mut seen: Vec<usize> = with.iter().map(|o| o.input).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen, vec![0, 1, 2, 3], "every input found");
        assert_eq!(
            with.iter().filter(|o| o.input == 1).count(),
            2,
            "overlaps kept"
        );
    }

    #[test]
    fn few_and_many_inputs_share_equal_values_alike() {
        // Compared with each pattern, through the stack table, through the map: the same
        // patterns and owners, whatever the number of distinct values (the table's fullest case
        // included: every input distinct).
        for n in [
            LINEAR_DEDUP_INPUTS / 2,
            LINEAR_DEDUP_INPUTS,
            LINEAR_DEDUP_INPUTS + 1,
            TABLE_DEDUP_INPUTS / 2,
            TABLE_DEDUP_INPUTS,
            TABLE_DEDUP_INPUTS + 1,
            TABLE_DEDUP_INPUTS * 3,
        ] {
            for distinct in [1, 5, n] {
                let inputs: Vec<Input> = (0..n)
                    .map(|i| Input::value(InputSource::Query, "p", format!("v-{}", i % distinct)))
                    .collect();
                let m = InputMatcher::new(&inputs);
                assert_eq!(m.pattern_count(), distinct.min(n), "{n} inputs, {distinct}");
                for p in 0..m.pattern_count() {
                    let owners: Vec<usize> = m.patterns.owners(p).collect();
                    assert_eq!(
                        owners.len(),
                        (0..n).filter(|i| i % distinct == p).count(),
                        "{n} inputs, {distinct}"
                    );
                    assert!(owners.windows(2).all(|w| w[0] < w[1]), "in input order");
                    assert!(owners.iter().all(|&i| inputs[i].value == m.patterns.get(p)));
                }
            }
        }
    }
}
