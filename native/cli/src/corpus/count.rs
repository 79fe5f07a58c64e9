//! Counting placements, shared by every family (`sqli`, `cmd`, `path`).
//!
//! Each placement is judged twice: by the engine (a rule, or nothing) and by the family's
//! ground truth, which says whether the payload could act there at all. The buckets are
//! exclusive, so they add up to the number of placements: `payloads = flagged + inert +
//! missed`. For attack corpora the headline rate is `flagged / (payloads - inert)`: a payload
//! that cannot act in a template is not an attack there, so not flagging it is not a miss. For
//! benign corpora the false-positive rate is `flagged / payloads`, and `flagged_inert` counts
//! the flags the ground truth says are wrong.
//!
//! What differs between the families is only how a miss is broken down and what the JSON calls
//! the flags on inert placements: that is the [`Misses`] a family plugs into [`Counts`]. The
//! [`Tally`] of a corpus, counts per unit and examples per template, is shared the same way.

use std::collections::BTreeMap;

use rasp_engine::{Action, Verdict};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::load::Kind;

/// The rule the engine flagged a placement with, `None` when it allowed the call. The corpus
/// runs the built-in detectors only, so the id is one of theirs.
pub fn flagged_rule(verdict: &Verdict) -> Option<&'static str> {
    match verdict.action {
        Action::Allow => None,
        Action::Monitor | Action::Block => Some(
            verdict
                .event
                .as_ref()
                .and_then(|event| {
                    rasp_engine::rules::BUILTIN_RULE_IDS
                        .iter()
                        .find(|id| **id == event.rule_id)
                })
                .copied()
                .unwrap_or("unknown"),
        ),
    }
}

/// How a family breaks down the placements the engine missed.
pub trait Misses: Clone + Default {
    /// The ground truth of one placement.
    type Truth: Copy;
    /// The JSON name of the count of flags on inert placements.
    const FLAGGED_INERT: &'static str;
    /// Whether the payload could not act in the placement.
    fn is_inert(truth: Self::Truth) -> bool;
    /// Counts one missed placement that was not inert.
    fn add(&mut self, truth: Self::Truth);
    fn merge(&mut self, other: &Self);
    /// Writes the breakdown's fields, after the shared ones, into a report row.
    fn serialize_fields<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error>;
}

/// Counts for one set of placements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts<M> {
    pub payloads: usize,
    /// Any finding (blocked or monitored).
    pub flagged: usize,
    /// Flagged, by rule id.
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Flagged although the placement was inert.
    pub flagged_inert: usize,
    /// Not flagged, and inert.
    pub inert: usize,
    /// Not flagged, and not inert.
    pub missed: usize,
    /// Of `missed`, by the family's breakdown.
    pub misses: M,
}

impl<M: Misses> Counts<M> {
    /// Empty counts that start from `misses` (a breakdown may list its zeros up front).
    pub fn new(misses: M) -> Counts<M> {
        Counts {
            payloads: 0,
            flagged: 0,
            by_rule: BTreeMap::new(),
            flagged_inert: 0,
            inert: 0,
            missed: 0,
            misses,
        }
    }

    /// Counts one placement: the engine's rule, if it flagged it, and the ground truth.
    pub fn add(&mut self, rule: Option<&'static str>, truth: M::Truth) {
        self.payloads += 1;
        match rule {
            Some(rule) => {
                self.flagged += 1;
                *self.by_rule.entry(rule).or_default() += 1;
                if M::is_inert(truth) {
                    self.flagged_inert += 1;
                }
            }
            None if M::is_inert(truth) => self.inert += 1,
            None => {
                self.missed += 1;
                self.misses.add(truth);
            }
        }
    }

    pub fn merge(&mut self, other: &Counts<M>) {
        self.payloads += other.payloads;
        self.flagged += other.flagged;
        for (rule, n) in &other.by_rule {
            *self.by_rule.entry(rule).or_default() += n;
        }
        self.flagged_inert += other.flagged_inert;
        self.inert += other.inert;
        self.missed += other.missed;
        self.misses.merge(&other.misses);
    }

    /// `flagged / (payloads - inert)`, `None` when every placement was inert.
    pub fn detection_rate(&self) -> Option<f64> {
        ratio(self.flagged, self.flagged + self.missed)
    }

    /// `flagged / payloads`.
    pub fn false_positive_rate(&self) -> Option<f64> {
        ratio(self.flagged, self.payloads)
    }
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The shared fields in their report order, then the breakdown's; written by hand because the
/// name of `flagged_inert` is the family's.
impl<M: Misses> Serialize for Counts<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("payloads", &self.payloads)?;
        map.serialize_entry("flagged", &self.flagged)?;
        map.serialize_entry("by_rule", &self.by_rule)?;
        map.serialize_entry(M::FLAGGED_INERT, &self.flagged_inert)?;
        map.serialize_entry("inert", &self.inert)?;
        map.serialize_entry("missed", &self.missed)?;
        self.misses.serialize_fields(&mut map)?;
        map.end()
    }
}

/// Everything counted for one corpus: counts per unit (a template, or a template in one
/// dialect) and examples worth reading per template. What a unit is and which outcomes make an
/// example is the family's: each adds its constructor and `record` in an `impl` of its own
/// instantiation (see [`super::tally`] and [`super::sink::tally`]).
#[derive(Clone, Debug)]
pub struct Tally<M, E> {
    pub kind: Kind,
    pub counts: Vec<Counts<M>>,
    /// Per template, in the family's order, at most `example_limit` each.
    pub examples: Vec<Vec<E>>,
    example_limit: usize,
}

impl<M: Misses, E> Tally<M, E> {
    /// `units` copies of `empty`, and room for `example_limit` examples in each of `templates`.
    pub fn new(
        kind: Kind,
        empty: Counts<M>,
        units: usize,
        templates: usize,
        example_limit: usize,
    ) -> Tally<M, E> {
        Tally {
            kind,
            counts: vec![empty; units],
            examples: std::iter::repeat_with(Vec::new).take(templates).collect(),
            example_limit,
        }
    }

    /// Counts one placement of unit `unit`.
    pub fn count(&mut self, unit: usize, rule: Option<&'static str>, truth: M::Truth) {
        if let Some(counts) = self.counts.get_mut(unit) {
            counts.add(rule, truth);
        }
    }

    /// Keeps an example for `template` while it has room; `example` is only called then.
    pub fn keep(&mut self, template: usize, example: impl FnOnce() -> E) {
        if let Some(examples) = self.examples.get_mut(template) {
            if examples.len() < self.example_limit {
                examples.push(example());
            }
        }
    }

    /// Adds a tally of later payloads of the same corpus (examples keep payload order).
    pub fn merge(&mut self, later: Tally<M, E>) {
        for (a, b) in self.counts.iter_mut().zip(&later.counts) {
            a.merge(b);
        }
        for (a, b) in self.examples.iter_mut().zip(later.examples) {
            let room = self.example_limit.saturating_sub(a.len());
            a.extend(b.into_iter().take(room));
        }
    }

    /// Every placement of the corpus.
    pub fn total(&self) -> Counts<M> {
        let mut total = self.counts.first().cloned().unwrap_or_default();
        self.counts.iter().skip(1).for_each(|c| total.merge(c));
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A breakdown that counts misses of truth `1` apart.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    struct Ones(usize);

    impl Misses for Ones {
        type Truth = u8;
        const FLAGGED_INERT: &'static str = "flagged_zero";
        fn is_inert(truth: u8) -> bool {
            truth == 0
        }
        fn add(&mut self, truth: u8) {
            self.0 += usize::from(truth == 1);
        }
        fn merge(&mut self, other: &Ones) {
            self.0 += other.0;
        }
        fn serialize_fields<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
            map.serialize_entry("missed_ones", &self.0)
        }
    }

    #[test]
    fn buckets_are_exclusive_and_rates_exclude_inert() {
        let mut c = Counts::<Ones>::default();
        c.add(Some("a.rule"), 1);
        c.add(None, 0);
        c.add(None, 1);
        c.add(None, 2);
        c.add(Some("b.rule"), 0);
        assert_eq!(c.payloads, c.flagged + c.inert + c.missed);
        assert_eq!((c.flagged, c.inert, c.missed, c.misses.0), (2, 1, 2, 1));
        assert_eq!(c.flagged_inert, 1);
        assert_eq!(c.detection_rate(), Some(0.5));
        assert_eq!(c.false_positive_rate(), Some(2.0 / 5.0));
        assert_eq!(Counts::<Ones>::default().detection_rate(), None);
    }

    #[test]
    fn counts_serialize_in_report_order_with_the_family_names() {
        let mut c = Counts::<Ones>::default();
        c.add(Some("a.rule"), 0);
        c.add(None, 1);
        let json = serde_json::to_string(&c).expect("serializes");
        assert_eq!(
            json,
            "{\"payloads\":2,\"flagged\":1,\"by_rule\":{\"a.rule\":1},\"flagged_zero\":1,\
             \"inert\":0,\"missed\":1,\"missed_ones\":1}"
        );
    }

    #[test]
    fn merged_examples_keep_the_first_ones() {
        let mut a = Tally::<Ones, &str>::new(Kind::Attack, Counts::default(), 1, 1, 2);
        a.count(0, None, 1);
        a.keep(0, || "a");
        let mut b = Tally::new(Kind::Attack, Counts::default(), 1, 1, 2);
        for payload in ["b", "c"] {
            b.count(0, None, 1);
            b.keep(0, || payload);
        }
        a.merge(b);
        assert_eq!(a.examples[0], vec!["a", "b"]);
        assert_eq!(a.total().missed, 3);
    }
}
