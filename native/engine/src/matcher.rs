//! Finding where request inputs occur in a sink string.
//!
//! This is the hot path: almost every check ends here with "no input occurs". All inputs of a
//! request are compiled once into one Aho-Corasick automaton, so a check is a single pass over
//! the sink string whatever the number of inputs.
//!
//! Inputs that cannot change a statement's structure on their own are not searched at all:
//! empty values and pure words (letters and `_` only, or digits only) always lie inside one
//! token. A word that starts with digits and goes on with letters (`1union`) is searched,
//! because some lexers split it.

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

/// The compiled search over a request's inputs, in two parts with different costs:
///
/// * a prefilter answering "does any input occur?", built with every context: a SIMD packed
///   searcher (Teddy) where the CPU and the pattern set allow it, which builds in microseconds
///   and scans a kilobyte in tens of nanoseconds;
/// * the exhaustive search for every occurrence, overlapping ones included: one SIMD substring
///   finder per distinct value (`memchr::memmem`), built only when a sink of this request first
///   contains an input (most requests never get there). A request has tens of values, so tens
///   of vectorised scans beat one overlapping automaton scan, and they cost nothing to build.
#[derive(Debug)]
pub struct InputMatcher {
    patterns: Vec<String>,
    /// For each pattern, the inputs that have this exact value.
    owners: Vec<Vec<usize>>,
    prefilter: Prefilter,
    exhaustive: OnceLock<Vec<memmem::Finder<'static>>>,
}

#[derive(Debug)]
enum Prefilter {
    None,
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
    /// The patterns could not be compiled (absurd sizes); the context reports overflow.
    Failed,
}

/// Whether an input value is worth searching for.
pub fn is_searchable(value: &str) -> bool {
    let b = value.as_bytes();
    if b.is_empty() {
        return false;
    }
    let all_letters = b.iter().all(|c| c.is_ascii_alphabetic() || *c == b'_');
    let all_digits = b.iter().all(u8::is_ascii_digit);
    !(all_letters || all_digits)
}

impl Clone for InputMatcher {
    fn clone(&self) -> Self {
        InputMatcher::from_patterns(self.patterns.clone(), self.owners.clone())
    }
}

impl InputMatcher {
    /// Compiles the searchable inputs. Equal values share one pattern.
    pub fn new(inputs: &[Input]) -> InputMatcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, input) in inputs.iter().enumerate() {
            if !is_searchable(&input.value) {
                continue;
            }
            match index.get(input.value.as_str()) {
                Some(&p) => owners[p].push(i),
                None => {
                    index.insert(&input.value, patterns.len());
                    patterns.push(input.value.clone());
                    owners.push(vec![i]);
                }
            }
        }
        InputMatcher::from_patterns(patterns, owners)
    }

    fn from_patterns(patterns: Vec<String>, owners: Vec<Vec<usize>>) -> InputMatcher {
        let prefilter = if patterns.is_empty() {
            Prefilter::None
        } else if let Some(searcher) = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&patterns)
            .build()
        {
            Prefilter::Packed(searcher)
        } else {
            match AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(AhoCorasickKind::NoncontiguousNFA))
                .build(&patterns)
            {
                Ok(ac) => Prefilter::Automaton(ac),
                Err(_) => Prefilter::Failed,
            }
        };
        InputMatcher {
            patterns,
            owners,
            prefilter,
            exhaustive: OnceLock::new(),
        }
    }

    /// True when the matcher could not be built although there were inputs to search.
    pub fn failed(&self) -> bool {
        matches!(self.prefilter, Prefilter::Failed)
    }

    /// The number of distinct values searched for.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Whether any input occurs in `hay`. The fast path.
    pub fn any(&self, hay: &[u8]) -> bool {
        match &self.prefilter {
            Prefilter::None | Prefilter::Failed => false,
            // The packed searcher needs haystacks at least as long as its shortest pattern
            // for its SIMD path; it falls back to Rabin-Karp below that by itself.
            Prefilter::Packed(s) => s.find(hay).is_some(),
            Prefilter::Automaton(ac) => ac.is_match(hay),
        }
    }

    /// Every occurrence of every input, overlapping ones included, ordered by pattern.
    pub fn occurrences(&self, hay: &[u8]) -> Vec<Occurrence> {
        let finders = self.exhaustive.get_or_init(|| {
            self.patterns
                .iter()
                .map(|p| memmem::Finder::new(p.as_bytes()).into_owned())
                .collect()
        });
        let mut out = Vec::new();
        for (pattern, finder) in finders.iter().enumerate() {
            let len = finder.needle().len();
            // find_iter skips past each match; restart one byte later to keep overlaps.
            let mut at = 0;
            while let Some(i) = finder.find(&hay[at..]) {
                let start = at + i;
                for &input in &self.owners[pattern] {
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
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputSource;

    #[test]
    fn plain_words_and_numbers_are_not_searched() {
        for v in ["", "name", "DESC", "user_id", "42"] {
            assert!(!is_searchable(v), "{v:?}");
        }
        for v in ["1 OR 1", "'", "1union", "a-b", "x'--", "1,2,3", "é"] {
            assert!(is_searchable(v), "{v:?}");
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
}
