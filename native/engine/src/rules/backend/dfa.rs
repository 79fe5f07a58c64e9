//! The portable backend: per database, a few multi-pattern dense DFAs built by regex-automata.
//!
//! Each DFA is unanchored, with `MatchKind::All`, so an overlapping search reports every
//! pattern that matches anywhere (the question Hyperscan's `SINGLEMATCH` answers). DFAs are
//! built from the HIR that `pattern::parse` gives, each pattern with its own
//! flags, so validation and compilation read a pattern identically.
//!
//! Why several DFAs per database: a DFA state is a *set* of pattern positions, so the union of
//! patterns that stay alive over long stretches of input (`/\*[^*]*\*/`, `[^|;&]*`, `.*`)
//! grows with the product of their states, not the sum. The default rules' sink.sql patterns
//! are about 550 KiB as separate DFAs and far beyond 64 MiB as one. Hyperscan has engines for
//! exactly this; a dense DFA does not. So the patterns of a database, in pattern-id order, are
//! cut greedily into groups whose DFA stays within [`GROUP_DFA_LIMIT`] (256 KiB: a table that
//! size stays mostly in a core's L2 cache, and the default rules need about ten groups per
//! database, i.e. ten passes over a sink string of a few hundred bytes, which is
//! microseconds). A scan runs every group. Groups are contiguous ranges of pattern ids, and
//! each is its own section in the file (`dfa.<target>.<n>`). The limit applies while grouping;
//! the kept DFAs are then rebuilt minimized (about a quarter smaller, at compile time only).
//!
//! Size limits: one pattern's DFA may take [`PATTERN_DFA_LIMIT`] (8 MiB): a single signature
//! that needs more is almost always written carelessly (bounded repeats such as `.{0,200}` and
//! nested alternations are the usual cause), and every JVM that loads the set holds its DFAs.
//! All groups of one database together may take [`DATABASE_DFA_LIMIT`] (64 MiB), a ceiling on
//! what one rule set may add to each process; the default rules need a few MiB in all.
//! Determinization may use twice the limit in scratch space while building (compile time only).
//!
//! Serialization is regex-automata's own little-endian format; loading copies the bytes to a
//! 4-byte-aligned place (the format is a `u32` table) and lets `DFA::from_bytes` validate
//! them, so a corrupt section is an error, never undefined behaviour.

use std::ops::Range;

use regex_automata::dfa::dense::{self, DFA};
use regex_automata::dfa::{Automaton, OverlappingState, StartKind};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::Hir;

use super::{Backend, ScanError};
use crate::rules::BackendKind;

/// The most one pattern's DFA may take (see the module docs).
pub const PATTERN_DFA_LIMIT: usize = 8 << 20;
/// The size a group of patterns grows to before the next pattern starts a new group.
pub const GROUP_DFA_LIMIT: usize = 256 << 10;
/// The most all DFAs of one database may take together (see the module docs).
pub const DATABASE_DFA_LIMIT: usize = 64 << 20;

/// Why a DFA could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildFailure {
    /// It would exceed the size limit it was given.
    TooBig,
    /// regex-automata refused it for another reason.
    Rejected(String),
}

/// One DFA over the contiguous pattern ids `first..first + dfa.pattern_len()`.
#[derive(Clone, Debug)]
struct Group {
    first: u32,
    dfa: DFA<Vec<u32>>,
}

/// A loaded (or freshly built) portable database.
#[derive(Clone, Debug)]
pub struct PortableDb {
    groups: Vec<Group>,
}

/// Builds one DFA of `patterns` (DFA pattern id = position) within `limit` bytes, minimized
/// when it is to be kept (minimizing a table about to be dropped is wasted work).
fn build_dfa(
    patterns: &[Hir],
    limit: usize,
    minimize: bool,
) -> Result<DFA<Vec<u32>>, BuildFailure> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .utf8(false)
                .which_captures(WhichCaptures::None)
                .nfa_size_limit(Some(limit)),
        )
        .build_many_from_hir(patterns)
        .map_err(|e| match e.size_limit() {
            Some(_) => BuildFailure::TooBig,
            None => BuildFailure::Rejected(e.to_string()),
        })?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Unanchored)
                .minimize(minimize)
                .dfa_size_limit(Some(limit))
                .determinize_size_limit(Some(limit.saturating_mul(2))),
        )
        .build_from_nfa(&nfa)
        .map_err(|e| {
            if e.is_size_limit_exceeded() {
                BuildFailure::TooBig
            } else {
                BuildFailure::Rejected(e.to_string())
            }
        })
}

/// Whether one pattern alone makes a DFA within [`PATTERN_DFA_LIMIT`].
pub fn check_pattern(pattern: &Hir) -> Result<(), BuildFailure> {
    build_dfa(std::slice::from_ref(pattern), PATTERN_DFA_LIMIT, false).map(drop)
}

/// Cuts `patterns` greedily into contiguous groups whose (unminimized) DFA stays within
/// [`GROUP_DFA_LIMIT`]; a pattern above that alone gets a group with [`PATTERN_DFA_LIMIT`].
/// Returns each group's range and the limit it was built within.
fn group_ranges(patterns: &[Hir]) -> Result<Vec<(Range<usize>, usize)>, BuildFailure> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < patterns.len() {
        match build_dfa(&patterns[start..=i], GROUP_DFA_LIMIT, false) {
            Ok(_) => i += 1,
            Err(BuildFailure::TooBig) if i > start => {
                // Close the group before pattern i; retry i in a new one.
                groups.push((start..i, GROUP_DFA_LIMIT));
                start = i;
            }
            Err(BuildFailure::TooBig) => {
                build_dfa(&patterns[i..=i], PATTERN_DFA_LIMIT, false)?;
                groups.push((i..i + 1, PATTERN_DFA_LIMIT));
                i += 1;
                start = i;
            }
            Err(other) => return Err(other),
        }
    }
    if start < patterns.len() {
        groups.push((start..patterns.len(), GROUP_DFA_LIMIT));
    }
    Ok(groups)
}

impl PortableDb {
    /// Builds the DFAs of `patterns` (pattern id = position), grouped as the module docs say.
    pub fn build(patterns: &[Hir]) -> Result<PortableDb, BuildFailure> {
        let groups = group_ranges(patterns)?
            .into_iter()
            .map(|(range, limit)| {
                Ok(Group {
                    first: range.start as u32,
                    dfa: build_dfa(&patterns[range], limit, true)?,
                })
            })
            .collect::<Result<Vec<Group>, BuildFailure>>()?;
        let db = PortableDb { groups };
        if db.memory_usage() > DATABASE_DFA_LIMIT {
            return Err(BuildFailure::TooBig);
        }
        Ok(db)
    }

    /// Each group's serialized DFA (little-endian, without regex-automata's alignment
    /// padding), in pattern-id order.
    pub fn to_group_bytes(&self) -> Vec<Vec<u8>> {
        self.groups
            .iter()
            .map(|g| {
                let (mut bytes, pad) = g.dfa.to_bytes_little_endian();
                bytes.drain(..pad);
                bytes
            })
            .collect()
    }

    /// Loads the groups [`PortableDb::to_group_bytes`] wrote, in order; each slice must be
    /// exactly one DFA. `Err` is (group index, what is wrong).
    pub fn from_group_bytes(groups: &[&[u8]]) -> Result<PortableDb, (usize, String)> {
        let mut out = Vec::with_capacity(groups.len());
        let mut first = 0u32;
        for (n, bytes) in groups.iter().enumerate() {
            let dfa = load_dfa(bytes).map_err(|e| (n, e))?;
            let len = u32::try_from(dfa.pattern_len())
                .map_err(|_| (n, "too many patterns".to_string()))?;
            out.push(Group { first, dfa });
            first = first.saturating_add(len);
        }
        Ok(PortableDb { groups: out })
    }

    /// How many patterns the DFAs were built from.
    pub fn pattern_len(&self) -> usize {
        self.groups.iter().map(|g| g.dfa.pattern_len()).sum()
    }

    /// How many DFAs (passes per scan) the database has.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Heap bytes the DFAs take.
    pub fn memory_usage(&self) -> usize {
        self.groups.iter().map(|g| g.dfa.memory_usage()).sum()
    }
}

fn load_dfa(bytes: &[u8]) -> Result<DFA<Vec<u32>>, String> {
    // `DFA::from_bytes` needs a 4-byte-aligned slice; a section inside the file is at any
    // address, so copy it to an aligned place inside a slightly larger buffer.
    let mut buf = vec![0u8; bytes.len() + 3];
    let offset = buf.as_ptr().align_offset(4);
    let aligned = buf
        .get_mut(offset..offset + bytes.len())
        .ok_or_else(|| "cannot align the DFA in memory".to_string())?;
    aligned.copy_from_slice(bytes);
    let (dfa, read) = DFA::from_bytes(aligned).map_err(|e| e.to_string())?;
    if read != bytes.len() {
        return Err(format!(
            "the DFA takes {read} bytes but the section has {}",
            bytes.len()
        ));
    }
    if dfa.start_kind() == StartKind::Anchored {
        return Err("the DFA was built for anchored searches only".to_string());
    }
    Ok(dfa.to_owned())
}

impl Backend for PortableDb {
    fn kind(&self) -> BackendKind {
        BackendKind::Portable
    }

    fn scan(&self, haystack: &[u8], hit: &mut dyn FnMut(u32)) -> Result<(), ScanError> {
        let input = Input::new(haystack);
        let mut seen = Vec::new();
        for group in &self.groups {
            let patterns = group.dfa.pattern_len();
            seen.clear();
            seen.resize(patterns.div_ceil(64), 0u64);
            let mut remaining = patterns;
            let mut state = OverlappingState::start();
            while remaining > 0 {
                group
                    .dfa
                    .try_search_overlapping_fwd(&input, &mut state)
                    .map_err(|e| ScanError(format!("portable DFA scan failed: {e}")))?;
                let Some(m) = state.get_match() else {
                    break;
                };
                let id = m.pattern().as_usize();
                let (word, bit) = (id / 64, 1u64 << (id % 64));
                if let Some(w) = seen.get_mut(word) {
                    if *w & bit == 0 {
                        *w |= bit;
                        remaining -= 1;
                        hit(group.first + id as u32);
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pattern;
    use crate::rules::PatternFlags;

    fn hir(p: &str, caseless: bool) -> Hir {
        let flags = PatternFlags {
            caseless,
            ..PatternFlags::default()
        };
        pattern::parse(p, flags).unwrap()
    }

    fn hits(db: &PortableDb, hay: &str) -> Vec<u32> {
        let mut out = Vec::new();
        db.scan(hay.as_bytes(), &mut |id| out.push(id)).unwrap();
        out.sort();
        out
    }

    #[test]
    fn reports_every_matching_pattern_once() {
        let db = PortableDb::build(&[
            hir(r"\bunion\b", true),
            hir("select", false),
            hir(r"\d+", false),
        ])
        .unwrap();
        assert_eq!(db.group_count(), 1);
        assert_eq!(hits(&db, "1 UNION select 2 union 3"), vec![0, 1, 2]);
        assert_eq!(hits(&db, "SELECT reunion"), Vec::<u32>::new());
        assert_eq!(hits(&db, "x 42"), vec![2]);
    }

    #[test]
    fn round_trips_through_bytes_at_any_alignment() {
        let db = PortableDb::build(&[hir("ab+c", false)]).unwrap();
        let groups = db.to_group_bytes();
        assert_eq!(groups.len(), 1);
        let bytes = &groups[0];
        for shift in 0..4 {
            let mut shifted = vec![0u8; shift];
            shifted.extend_from_slice(bytes);
            let loaded = PortableDb::from_group_bytes(&[&shifted[shift..]]).unwrap();
            assert_eq!(hits(&loaded, "xxabbbc"), vec![0]);
        }
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0; 4]);
        let (group, err) = PortableDb::from_group_bytes(&[bytes, &longer]).unwrap_err();
        assert_eq!(group, 1);
        assert!(err.contains("the section has"), "{err}");
        assert!(PortableDb::from_group_bytes(&[&bytes[..bytes.len() / 2]]).is_err());
    }

    #[test]
    fn a_blowup_is_too_big_not_a_crash() {
        let err = check_pattern(&hir(r"a.{0,2000}b.{0,2000}c.{0,2000}d", false)).unwrap_err();
        assert_eq!(err, BuildFailure::TooBig);
    }

    #[test]
    fn patterns_that_multiply_are_split_into_groups_that_keep_their_ids() {
        // Each keeps a wide loop alive; together they multiply. Every pattern must still be
        // reported under its own id, whichever group it landed in.
        let sources: Vec<String> = (0..12)
            .map(|i| format!(r"k{i}x[^;]*y{i}[^;]*z{i}"))
            .collect();
        let hirs: Vec<Hir> = sources.iter().map(|s| hir(s, false)).collect();
        let db = PortableDb::build(&hirs).unwrap();
        assert!(db.group_count() > 1, "expected several groups");
        assert_eq!(db.pattern_len(), 12);
        let loaded = PortableDb::from_group_bytes(
            &db.to_group_bytes()
                .iter()
                .map(Vec::as_slice)
                .collect::<Vec<_>>(),
        )
        .unwrap();
        for (i, _) in sources.iter().enumerate() {
            let hay = format!("-- k{i}x aa y{i} bb z{i} ;");
            assert_eq!(hits(&loaded, &hay), vec![i as u32], "{hay}");
        }
        assert_eq!(hits(&loaded, "k3x y3 ; z3"), Vec::<u32>::new());
    }
}
