//! The SQL evaluation's tally: counts per template and dialect, examples per template.
//!
//! The buckets and rates are the shared ones ([`super::count`]); the ground truth is the
//! [`Placement`] by the dialect's lexer. A payload that stays inside one string literal is
//! inert, so `flagged_inside_literal` counts the flags the detector's own rule says are wrong
//! (the input stayed inside one literal), and a miss is broken down by whether the detector
//! treats it as data by design (one token, literals only) or it added code.

use rasp_engine::sql::Dialect;
use serde::ser::SerializeMap;
use serde::Serialize;

use super::count::{self, Misses};
use super::judge::{Outcome, Placement};
use super::load::Kind;
use super::templates::{Case, TEMPLATES};

/// Of the missed placements: which kind of miss each was.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SqlMisses {
    /// The payload lies within one token that is not a literal (or is only whitespace),
    /// which the detector treats as data by design.
    pub one_token: usize,
    /// The payload covers several tokens that are all literals (its quotes re-paired with the
    /// template's), which the detector treats as data by design.
    pub literals_only: usize,
    /// The rest, where the payload added code (or made the statement unlexable) and the
    /// detector said nothing. These are the false negatives to study.
    pub code: usize,
}

impl Misses for SqlMisses {
    type Truth = Placement;
    const FLAGGED_INERT: &'static str = "flagged_inside_literal";

    fn is_inert(truth: Placement) -> bool {
        truth == Placement::Inert
    }

    fn add(&mut self, truth: Placement) {
        match truth {
            Placement::OneToken => self.one_token += 1,
            Placement::LiteralsOnly => self.literals_only += 1,
            Placement::Structural | Placement::Unlexable => self.code += 1,
            Placement::Inert => {}
        }
    }

    fn merge(&mut self, other: &SqlMisses) {
        self.one_token += other.one_token;
        self.literals_only += other.literals_only;
        self.code += other.code;
    }

    fn serialize_fields<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
        map.serialize_entry("missed_one_token", &self.one_token)?;
        map.serialize_entry("missed_literals_only", &self.literals_only)?;
        map.serialize_entry("missed_code", &self.code)
    }
}

pub type Counts = count::Counts<SqlMisses>;

/// Counts per case (in the order of the cases it was made with), examples per template (in
/// [`TEMPLATES`] order).
pub type Tally = count::Tally<SqlMisses, Example>;

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

/// The SQL evaluation's own steps: its counts are per case, its examples group the dialects
/// of a template.
impl Tally {
    /// An empty tally of `cases`.
    pub fn for_cases(kind: Kind, cases: &[Case], example_limit: usize) -> Tally {
        Tally::new(
            kind,
            Counts::default(),
            cases.len(),
            TEMPLATES.len(),
            example_limit,
        )
    }

    /// Records one payload's outcomes, one per case in `cases` order.
    pub fn record(&mut self, cases: &[Case], payload: &str, outcomes: &[Outcome]) {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); TEMPLATES.len()];
        for (unit, (case, &o)) in cases.iter().zip(outcomes).enumerate() {
            self.count(unit, o.rule, o.placement);
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
        for (template, hits) in hits.into_iter().enumerate() {
            if !hits.is_empty() {
                self.keep(template, || Example {
                    payload: payload.to_string(),
                    hits,
                });
            }
        }
    }

    /// The counts of one template, summed over its dialects.
    pub fn template_total(&self, cases: &[Case], template: usize) -> Counts {
        let mut total = Counts::default();
        for (counts, case) in self.counts.iter().zip(cases) {
            if case.template == template {
                total.merge(counts);
            }
        }
        total
    }

    /// The counts of one template in one dialect, if it runs there.
    pub fn cell(&self, cases: &[Case], template: usize, dialect: Dialect) -> Option<&Counts> {
        cases
            .iter()
            .position(|c| c.template == template && c.dialect == dialect)
            .and_then(|i| self.counts.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(rule: Option<&'static str>, placement: Placement) -> Outcome {
        Outcome { rule, placement }
    }

    #[test]
    fn misses_are_broken_down_by_placement() {
        let mut c = Counts::default();
        c.add(Some("sqli.tautology"), Placement::Structural);
        c.add(None, Placement::Inert);
        c.add(None, Placement::OneToken);
        c.add(None, Placement::Structural);
        c.add(Some("sqli.structure"), Placement::Inert);
        c.add(None, Placement::LiteralsOnly);
        assert_eq!(c.payloads, c.flagged + c.inert + c.missed);
        assert_eq!((c.flagged, c.inert, c.missed), (2, 1, 3));
        let m = &c.misses;
        assert_eq!((m.one_token, m.literals_only, m.code), (1, 1, 1));
        assert_eq!(c.flagged_inert, 1);
        assert_eq!(c.detection_rate(), Some(0.4));
        assert_eq!(c.false_positive_rate(), Some(2.0 / 6.0));
        assert_eq!(Counts::default().detection_rate(), None);
    }

    #[test]
    fn merged_examples_keep_the_first_ones() {
        let cases = [Case {
            template: 0,
            dialect: Dialect::Generic,
        }];
        let missed = [o(None, Placement::Structural)];
        let mut a = Tally::for_cases(Kind::Attack, &cases, 2);
        a.record(&cases, "a", &missed);
        let mut b = Tally::for_cases(Kind::Attack, &cases, 2);
        b.record(&cases, "b", &missed);
        b.record(&cases, "c", &missed);
        a.merge(b);
        let shown: Vec<&str> = a.examples[0].iter().map(|e| e.payload.as_str()).collect();
        assert_eq!(shown, vec!["a", "b"]);
        assert_eq!(a.total().missed, 3);
        assert_eq!(a.template_total(&cases, 0).missed, 3);
        assert!(a.cell(&cases, 0, Dialect::MySql).is_none());
    }
}
