//! The two ways a rule set scans: Hyperscan and the portable regex-automata DFA.
//!
//! Both answer the same question for one database: which of its patterns match somewhere in
//! this haystack. Hyperscan is the fast path on x86-64; the DFA runs everywhere, is always
//! loaded next to Hyperscan so a failed Hyperscan scan can be answered anyway, and is the
//! reference the differential test holds Hyperscan to. Pattern ids are positions in the
//! database's pattern list; [`super::set::RuleSet`] maps them to rules.

pub mod dfa;
pub mod hyperscan;

use std::fmt;

use super::BackendKind;

/// A compiled, loaded database of one target.
pub trait Backend: Send + Sync {
    fn kind(&self) -> BackendKind;

    /// Calls `hit(pattern id)` for every pattern that matches somewhere in `haystack`, at most
    /// once per pattern.
    fn scan(&self, haystack: &[u8], hit: &mut dyn FnMut(u32)) -> Result<(), ScanError>;
}

/// A scan that could not complete; the caller cannot know which patterns match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanError(pub String);

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScanError {}
