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

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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
#[derive(Clone, Debug)]
pub struct InputMatcher {
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern, the inputs that have this exact value.
    owners: Vec<Vec<usize>>,
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

impl InputMatcher {
    /// Compiles the searchable inputs. Equal values share one pattern.
    pub fn new(inputs: &[Input]) -> InputMatcher {
        let mut patterns: Vec<&str> = Vec::new();
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
                    patterns.push(&input.value);
                    owners.push(vec![i]);
                }
            }
        }
        // Building can only fail on absurd sizes; a matcher that cannot be built behaves as
        // "no searchable inputs" and the context records the input as overflowed instead.
        let automaton = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        InputMatcher { automaton, owners }
    }

    /// True when the matcher could not be built although there were inputs to search.
    pub fn failed(&self) -> bool {
        self.automaton.is_none() && !self.owners.is_empty()
    }

    /// The number of distinct values searched for.
    pub fn pattern_count(&self) -> usize {
        self.owners.len()
    }

    /// Whether any input occurs in `hay`. The fast path.
    pub fn any(&self, hay: &[u8]) -> bool {
        self.automaton.as_ref().is_some_and(|ac| ac.is_match(hay))
    }

    /// Every occurrence of every input, overlapping ones included.
    pub fn occurrences(&self, hay: &[u8]) -> Vec<Occurrence> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_overlapping_iter(hay) {
            for &input in &self.owners[m.pattern().as_usize()] {
                out.push(Occurrence {
                    input,
                    start: m.start(),
                    end: m.end(),
                });
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
