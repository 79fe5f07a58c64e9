//! Counting outcomes per corpus, template and dialect, and keeping examples worth reading.
//!
//! The buckets are exclusive, so they add up to the number of placements:
//! `payloads = flagged + inert + missed`. For attack corpora the headline rate is
//! `flagged / (payloads - inert)`: a payload that stays inside one literal is not an attack in
//! that template, so not flagging it is not a miss. For benign corpora the false-positive rate
//! is `flagged / payloads`, and `flagged_inside_literal` counts the flags the detector's own
//! rule says are wrong (the input stayed inside one literal).

use std::collections::BTreeMap;

use rasp_engine::sql::Dialect;
use serde::Serialize;

use super::judge::{Outcome, Placement};
use super::load::Kind;
use super::templates::{Case, TEMPLATES};

/// Counts for one set of placements.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub payloads: usize,
    /// Any finding (blocked or monitored).
    pub flagged: usize,
    /// Flagged, by rule id.
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Flagged although the payload stayed inside one string literal.
    pub flagged_inside_literal: usize,
    /// Not flagged, and the payload stayed inside one string literal.
    pub inert: usize,
    /// Not flagged, and not inert.
    pub missed: usize,
    /// Of `missed`: the payload lies within one token that is not a literal (or is only
    /// whitespace), which the detector treats as data by design.
    pub missed_one_token: usize,
    /// Of `missed`: the payload covers several tokens that are all literals (its quotes
    /// re-paired with the template's), which the detector treats as data by design.
    pub missed_literals_only: usize,
    /// Of `missed`: the rest, where the payload added code (or made the statement unlexable)
    /// and the detector said nothing. These are the false negatives to study.
    pub missed_code: usize,
}

impl Counts {
    pub fn add(&mut self, o: Outcome) {
        self.payloads += 1;
        match o.rule {
            Some(rule) => {
                self.flagged += 1;
                *self.by_rule.entry(rule).or_default() += 1;
                if o.placement == Placement::Inert {
                    self.flagged_inside_literal += 1;
                }
            }
            None if o.placement == Placement::Inert => self.inert += 1,
            None => {
                self.missed += 1;
                match o.placement {
                    Placement::OneToken => self.missed_one_token += 1,
                    Placement::LiteralsOnly => self.missed_literals_only += 1,
                    Placement::Structural | Placement::Unlexable => self.missed_code += 1,
                    Placement::Inert => {}
                }
            }
        }
    }

    pub fn merge(&mut self, other: &Counts) {
        self.payloads += other.payloads;
        self.flagged += other.flagged;
        for (rule, n) in &other.by_rule {
            *self.by_rule.entry(rule).or_default() += n;
        }
        self.flagged_inside_literal += other.flagged_inside_literal;
        self.inert += other.inert;
        self.missed += other.missed;
        self.missed_one_token += other.missed_one_token;
        self.missed_literals_only += other.missed_literals_only;
        self.missed_code += other.missed_code;
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

/// A payload worth showing: for attacks, one the engine missed; for benign corpora, one it
/// flagged. `hits` names each dialect of the template where that happened.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    pub payload: String,
    pub hits: Vec<Hit>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub dialect: &'static str,
    /// The rule for a flagged payload, `None` for a missed one.
    pub rule: Option<&'static str>,
    pub placement: Placement,
}

/// Everything counted for one corpus.
#[derive(Clone, Debug)]
pub struct Tally {
    pub kind: Kind,
    pub cases: Vec<Case>,
    /// Per case, in `cases` order.
    pub counts: Vec<Counts>,
    /// Per template, in [`TEMPLATES`] order.
    pub examples: Vec<Vec<Example>>,
    example_limit: usize,
}

impl Tally {
    pub fn new(kind: Kind, cases: Vec<Case>, example_limit: usize) -> Tally {
        Tally {
            kind,
            counts: vec![Counts::default(); cases.len()],
            cases,
            examples: vec![Vec::new(); TEMPLATES.len()],
            example_limit,
        }
    }

    /// Records one payload's outcomes, one per case in `cases` order.
    pub fn record(&mut self, payload: &str, outcomes: &[Outcome]) {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); TEMPLATES.len()];
        for ((counts, case), &o) in self.counts.iter_mut().zip(&self.cases).zip(outcomes) {
            counts.add(o);
            let worth_showing = match self.kind {
                Kind::Attack => o.rule.is_none() && o.placement != Placement::Inert,
                Kind::Benign => o.rule.is_some(),
            };
            if worth_showing {
                hits[case.template].push(Hit {
                    dialect: case.dialect.name(),
                    rule: o.rule,
                    placement: o.placement,
                });
            }
        }
        for (examples, hits) in self.examples.iter_mut().zip(hits) {
            if !hits.is_empty() && examples.len() < self.example_limit {
                examples.push(Example {
                    payload: payload.to_string(),
                    hits,
                });
            }
        }
    }

    /// Adds a tally of later payloads of the same corpus (examples keep payload order).
    pub fn merge(&mut self, later: Tally) {
        for (a, b) in self.counts.iter_mut().zip(&later.counts) {
            a.merge(b);
        }
        for (a, b) in self.examples.iter_mut().zip(later.examples) {
            let room = self.example_limit.saturating_sub(a.len());
            a.extend(b.into_iter().take(room));
        }
    }

    /// The counts of one template, summed over its dialects.
    pub fn template_total(&self, template: usize) -> Counts {
        let mut total = Counts::default();
        for (counts, case) in self.counts.iter().zip(&self.cases) {
            if case.template == template {
                total.merge(counts);
            }
        }
        total
    }

    /// The counts of one template in one dialect, if it runs there.
    pub fn cell(&self, template: usize, dialect: Dialect) -> Option<&Counts> {
        self.cases
            .iter()
            .position(|c| c.template == template && c.dialect == dialect)
            .and_then(|i| self.counts.get(i))
    }

    /// Every placement of the corpus.
    pub fn total(&self) -> Counts {
        let mut total = Counts::default();
        self.counts.iter().for_each(|c| total.merge(c));
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(rule: Option<&'static str>, placement: Placement) -> Outcome {
        Outcome { rule, placement }
    }

    #[test]
    fn buckets_are_exclusive_and_rates_exclude_inert() {
        let mut c = Counts::default();
        c.add(o(Some("sqli.tautology"), Placement::Structural));
        c.add(o(None, Placement::Inert));
        c.add(o(None, Placement::OneToken));
        c.add(o(None, Placement::Structural));
        c.add(o(Some("sqli.structure"), Placement::Inert));
        c.add(o(None, Placement::LiteralsOnly));
        assert_eq!(c.payloads, c.flagged + c.inert + c.missed);
        assert_eq!((c.flagged, c.inert, c.missed), (2, 1, 3));
        assert_eq!(
            (c.missed_one_token, c.missed_literals_only, c.missed_code),
            (1, 1, 1)
        );
        assert_eq!(c.flagged_inside_literal, 1);
        assert_eq!(c.detection_rate(), Some(0.4));
        assert_eq!(c.false_positive_rate(), Some(2.0 / 6.0));
        assert_eq!(Counts::default().detection_rate(), None);
    }

    #[test]
    fn merged_examples_keep_the_first_ones() {
        let cases = vec![Case {
            template: 0,
            dialect: Dialect::Generic,
        }];
        let missed = [o(None, Placement::Structural)];
        let mut a = Tally::new(Kind::Attack, cases.clone(), 2);
        a.record("a", &missed);
        let mut b = Tally::new(Kind::Attack, cases, 2);
        b.record("b", &missed);
        b.record("c", &missed);
        a.merge(b);
        let shown: Vec<&str> = a.examples[0].iter().map(|e| e.payload.as_str()).collect();
        assert_eq!(shown, vec!["a", "b"]);
        assert_eq!(a.total().missed, 3);
    }
}
