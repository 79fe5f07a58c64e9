//! Counting outcomes per corpus and template for the command and path families, and keeping
//! examples worth reading.
//!
//! Every placement gets a *class* from the family's ground truth, decided without the detector
//! (see [`super::cmd`] and [`super::path`]): inert (the payload cannot act there), a class the
//! detector treats as data by design, or an attack. The buckets are exclusive, as in the SQL
//! tally: `payloads = flagged + inert + missed`, and `missed` is broken down by class. For
//! attack corpora the rate is `flagged / (payloads - inert)`; for benign corpora the
//! false-positive rate is `flagged / payloads`, and `flagged_inert` counts the flags on inert
//! placements (the payload could not act, so the flag is wrong by the ground truth).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::load::Kind;

/// What a placement is, by the ground truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClassKind {
    /// The payload cannot act in this placement: not flagging it is right.
    Inert,
    /// The payload changed the sink in a way the detector treats as data by design.
    ByDesign,
    /// The payload can act: not flagging it is a false negative.
    Attack,
}

/// One placement class of a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Class {
    pub name: &'static str,
    pub kind: ClassKind,
    /// The column heading of its missed count in the text report.
    #[serde(skip)]
    pub column: &'static str,
    pub meaning: &'static str,
}

/// The two judgments of one placement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The rule of the engine's finding, `None` when it allowed the call.
    pub rule: Option<&'static str>,
    pub class: &'static Class,
}

/// Counts for one set of placements.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
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
    /// Of `missed`, by class (every non-inert class of the family, zeros included).
    pub missed_by_class: BTreeMap<&'static str, usize>,
    /// Of `missed`: classes the detector treats as data by design.
    pub missed_by_design: usize,
    /// Of `missed`: attack classes. These are the false negatives to study.
    pub missed_attack: usize,
}

impl Counts {
    /// Empty counts with a zero for every non-inert class.
    pub fn new(classes: &[Class]) -> Counts {
        Counts {
            missed_by_class: classes
                .iter()
                .filter(|c| c.kind != ClassKind::Inert)
                .map(|c| (c.name, 0))
                .collect(),
            ..Counts::default()
        }
    }

    pub fn add(&mut self, o: Outcome) {
        self.payloads += 1;
        match (o.rule, o.class.kind) {
            (Some(rule), kind) => {
                self.flagged += 1;
                *self.by_rule.entry(rule).or_default() += 1;
                if kind == ClassKind::Inert {
                    self.flagged_inert += 1;
                }
            }
            (None, ClassKind::Inert) => self.inert += 1,
            (None, kind) => {
                self.missed += 1;
                *self.missed_by_class.entry(o.class.name).or_default() += 1;
                if kind == ClassKind::ByDesign {
                    self.missed_by_design += 1;
                } else {
                    self.missed_attack += 1;
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
        self.flagged_inert += other.flagged_inert;
        self.inert += other.inert;
        self.missed += other.missed;
        for (class, n) in &other.missed_by_class {
            *self.missed_by_class.entry(class).or_default() += n;
        }
        self.missed_by_design += other.missed_by_design;
        self.missed_attack += other.missed_attack;
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

/// A payload worth showing, with the sink it was placed into: for attack corpora, one the
/// engine missed or flagged although the placement was inert; for benign corpora, one it
/// flagged.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    pub payload: String,
    pub class: &'static str,
    pub rule: Option<&'static str>,
    pub sink: String,
}

/// Everything counted for one corpus.
#[derive(Clone, Debug)]
pub struct Tally {
    pub kind: Kind,
    /// Per template, in the family's order.
    pub counts: Vec<Counts>,
    pub examples: Vec<Vec<Example>>,
    example_limit: usize,
}

impl Tally {
    pub fn new(kind: Kind, templates: usize, classes: &[Class], example_limit: usize) -> Tally {
        Tally {
            kind,
            counts: vec![Counts::new(classes); templates],
            examples: vec![Vec::new(); templates],
            example_limit,
        }
    }

    /// Records one payload's outcomes, one per template; `sink` describes the placement in a
    /// template and is only called for examples that are kept.
    pub fn record(&mut self, payload: &str, outcomes: &[Outcome], sink: impl Fn(usize) -> String) {
        for (template, (counts, &o)) in self.counts.iter_mut().zip(outcomes).enumerate() {
            counts.add(o);
            let worth_showing = match self.kind {
                Kind::Attack => matches!(
                    (o.rule, o.class.kind),
                    (None, ClassKind::ByDesign | ClassKind::Attack) | (Some(_), ClassKind::Inert)
                ),
                Kind::Benign => o.rule.is_some(),
            };
            let examples = &mut self.examples[template];
            if worth_showing && examples.len() < self.example_limit {
                examples.push(Example {
                    payload: payload.to_string(),
                    class: o.class.name,
                    rule: o.rule,
                    sink: sink(template),
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

    /// Every placement of the corpus.
    pub fn total(&self) -> Counts {
        let mut total = self.counts.first().cloned().unwrap_or_default();
        self.counts.iter().skip(1).for_each(|c| total.merge(c));
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INERT: Class = Class {
        name: "inert",
        kind: ClassKind::Inert,
        column: "",
        meaning: "",
    };
    const WORDS: Class = Class {
        name: "words",
        kind: ClassKind::ByDesign,
        column: "",
        meaning: "",
    };
    const SHELL: Class = Class {
        name: "shell",
        kind: ClassKind::Attack,
        column: "",
        meaning: "",
    };
    const CLASSES: [Class; 3] = [INERT, WORDS, SHELL];

    fn o(rule: Option<&'static str>, class: &'static Class) -> Outcome {
        Outcome { rule, class }
    }

    #[test]
    fn buckets_are_exclusive_and_rates_exclude_inert() {
        let mut c = Counts::new(&CLASSES);
        c.add(o(Some("cmdi.shell"), &SHELL));
        c.add(o(None, &INERT));
        c.add(o(None, &WORDS));
        c.add(o(None, &SHELL));
        c.add(o(Some("cmdi.option"), &INERT));
        assert_eq!(c.payloads, c.flagged + c.inert + c.missed);
        assert_eq!((c.flagged, c.inert, c.missed), (2, 1, 2));
        assert_eq!((c.missed_by_design, c.missed_attack), (1, 1));
        assert_eq!(c.missed_by_class.get("shell"), Some(&1));
        assert_eq!(c.flagged_inert, 1);
        assert_eq!(c.detection_rate(), Some(0.5));
        assert_eq!(c.false_positive_rate(), Some(2.0 / 5.0));
        assert_eq!(Counts::new(&CLASSES).detection_rate(), None);
        assert_eq!(
            Counts::new(&CLASSES)
                .missed_by_class
                .keys()
                .collect::<Vec<_>>(),
            vec![&"shell", &"words"],
            "every non-inert class has a count"
        );
    }

    #[test]
    fn merged_examples_keep_the_first_ones() {
        let missed = [o(None, &SHELL)];
        let sink = |t: usize| format!("template {t}");
        let mut a = Tally::new(Kind::Attack, 1, &CLASSES, 2);
        a.record("a", &missed, sink);
        let mut b = Tally::new(Kind::Attack, 1, &CLASSES, 2);
        b.record("b", &missed, sink);
        b.record("c", &missed, sink);
        a.merge(b);
        let shown: Vec<&str> = a.examples[0].iter().map(|e| e.payload.as_str()).collect();
        assert_eq!(shown, vec!["a", "b"]);
        assert_eq!(a.examples[0][0].sink, "template 0");
        assert_eq!(a.total().missed, 3);
    }

    #[test]
    fn attack_examples_are_misses_and_flags_on_inert_placements() {
        let mut t = Tally::new(Kind::Attack, 1, &CLASSES, 10);
        let sink = |_: usize| String::new();
        t.record("caught", &[o(Some("cmdi.shell"), &SHELL)], sink);
        t.record("text", &[o(None, &INERT)], sink);
        t.record("missed", &[o(None, &WORDS)], sink);
        t.record("wrongly flagged", &[o(Some("cmdi.option"), &INERT)], sink);
        let shown: Vec<&str> = t.examples[0].iter().map(|e| e.payload.as_str()).collect();
        assert_eq!(shown, vec!["missed", "wrongly flagged"]);
    }
}
