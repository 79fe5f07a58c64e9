//! Which inputs of a request matched which input signatures of a rule set: what
//! [`crate::rules::eval`] works out at a request's first check that needs it and the request's
//! context keeps for its later checks ([`crate::context::RequestContext`]).
//!
//! Only the data is here, below both: the context holds it without knowing about rule sets,
//! and the scanning that fills it (`SignatureHits::scan_except`, `SignatureHits::completed`)
//! is with the rules, which read contexts.

/// One input that matched one input signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureHit {
    pub input: usize,
    pub rule: usize,
}

/// The input signature hits of one request, for one rule set generation.
///
/// Scanned at the request's first check that needs them, except the inputs that check found
/// verbatim in its sink (their hits would be left to the detectors there); those are listed,
/// and a later check that needs one scans it then (`SignatureHits::completed`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHits {
    pub(crate) generation: u64,
    pub(crate) hits: Vec<SignatureHit>,
    /// Inputs not scanned, in input order.
    pub(crate) unscanned: Vec<usize>,
}

impl SignatureHits {
    /// No hits (a set without input signatures).
    pub fn none(generation: u64) -> SignatureHits {
        SignatureHits {
            generation,
            hits: Vec::new(),
            unscanned: Vec::new(),
        }
    }

    /// The rule set generation these hits were scanned with.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// In input order, then rule order.
    pub fn hits(&self) -> &[SignatureHit] {
        &self.hits
    }
}
