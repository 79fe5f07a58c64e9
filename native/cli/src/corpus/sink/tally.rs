//! Counting outcomes per corpus and template for the command and path families, and keeping
//! examples worth reading.
//!
//! Every placement gets a *class* from the family's ground truth, decided without the detector
//! (see [`super::cmd`] and [`super::path`]): inert (the payload cannot act there), a class the
//! detector treats as data by design, or an attack. The buckets and rates are the shared ones
//! ([`crate::corpus::count`]): `missed` is broken down by class, and `flagged_inert` counts the
//! flags on inert placements (the payload could not act, so the flag is wrong by the ground
//! truth).

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::Serialize;

use crate::corpus::count::{self, Misses};
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

/// Of the missed placements: their classes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassMisses {
    /// By class (every non-inert class of the family, zeros included).
    pub by_class: BTreeMap<&'static str, usize>,
    /// Classes the detector treats as data by design.
    pub by_design: usize,
    /// Attack classes. These are the false negatives to study.
    pub attack: usize,
}

impl Misses for ClassMisses {
    type Truth = &'static Class;
    const FLAGGED_INERT: &'static str = "flagged_inert";

    fn is_inert(class: &'static Class) -> bool {
        class.kind == ClassKind::Inert
    }

    fn add(&mut self, class: &'static Class) {
        *self.by_class.entry(class.name).or_default() += 1;
        if class.kind == ClassKind::ByDesign {
            self.by_design += 1;
        } else {
            self.attack += 1;
        }
    }

    fn merge(&mut self, other: &ClassMisses) {
        for (class, n) in &other.by_class {
            *self.by_class.entry(class).or_default() += n;
        }
        self.by_design += other.by_design;
        self.attack += other.attack;
    }

    fn serialize_fields<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
        map.serialize_entry("missed_by_class", &self.by_class)?;
        map.serialize_entry("missed_by_design", &self.by_design)?;
        map.serialize_entry("missed_attack", &self.attack)
    }
}

pub type Counts = count::Counts<ClassMisses>;

/// Empty counts with a zero for every non-inert class.
pub fn empty_counts(classes: &[Class]) -> Counts {
    Counts::new(ClassMisses {
        by_class: classes
            .iter()
            .filter(|c| c.kind != ClassKind::Inert)
            .map(|c| (c.name, 0))
            .collect(),
        ..ClassMisses::default()
    })
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

/// Counts and examples per template, in the family's order.
pub type Tally = count::Tally<ClassMisses, Example>;

/// The sink families' own steps: one count and at most one example per template.
impl Tally {
    /// An empty tally of `templates` templates.
    pub fn for_templates(
        kind: Kind,
        templates: usize,
        classes: &[Class],
        example_limit: usize,
    ) -> Tally {
        Tally::new(
            kind,
            empty_counts(classes),
            templates,
            templates,
            example_limit,
        )
    }

    /// Records one payload's outcomes, one per template; `sink` describes the placement in a
    /// template and is only called for examples that are kept.
    pub fn record(&mut self, payload: &str, outcomes: &[Outcome], sink: impl Fn(usize) -> String) {
        for (template, &o) in outcomes.iter().enumerate() {
            self.count(template, o.rule, o.class);
            let worth_showing = match self.kind {
                Kind::Attack => matches!(
                    (o.rule, o.class.kind),
                    (None, ClassKind::ByDesign | ClassKind::Attack) | (Some(_), ClassKind::Inert)
                ),
                Kind::Benign => o.rule.is_some(),
            };
            if worth_showing {
                self.keep(template, || Example {
                    payload: payload.to_string(),
                    class: o.class.name,
                    rule: o.rule,
                    sink: sink(template),
                });
            }
        }
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
    fn misses_are_broken_down_by_class() {
        let mut c = empty_counts(&CLASSES);
        c.add(Some("cmdi.shell"), &SHELL);
        c.add(None, &INERT);
        c.add(None, &WORDS);
        c.add(None, &SHELL);
        c.add(Some("cmdi.option"), &INERT);
        assert_eq!(c.payloads, c.flagged + c.inert + c.missed);
        assert_eq!((c.flagged, c.inert, c.missed), (2, 1, 2));
        assert_eq!((c.misses.by_design, c.misses.attack), (1, 1));
        assert_eq!(c.misses.by_class.get("shell"), Some(&1));
        assert_eq!(c.flagged_inert, 1);
        assert_eq!(c.detection_rate(), Some(0.5));
        assert_eq!(c.false_positive_rate(), Some(2.0 / 5.0));
        assert_eq!(empty_counts(&CLASSES).detection_rate(), None);
        assert_eq!(
            empty_counts(&CLASSES)
                .misses
                .by_class
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
        let mut a = Tally::for_templates(Kind::Attack, 1, &CLASSES, 2);
        a.record("a", &missed, sink);
        let mut b = Tally::for_templates(Kind::Attack, 1, &CLASSES, 2);
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
        let mut t = Tally::for_templates(Kind::Attack, 1, &CLASSES, 10);
        let sink = |_: usize| String::new();
        t.record("caught", &[o(Some("cmdi.shell"), &SHELL)], sink);
        t.record("text", &[o(None, &INERT)], sink);
        t.record("missed", &[o(None, &WORDS)], sink);
        t.record("wrongly flagged", &[o(Some("cmdi.option"), &INERT)], sink);
        let shown: Vec<&str> = t.examples[0].iter().map(|e| e.payload.as_str()).collect();
        assert_eq!(shown, vec!["missed", "wrongly flagged"]);
    }
}
