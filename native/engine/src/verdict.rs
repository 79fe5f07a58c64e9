//! Verdicts: what the agent does with a sink call, and the modes and policies that decide it
//! (a module at the bottom of the crate: the configuration and the rule files both name them).

use crate::event::Event;

/// The action for one sink call. The discriminants are the codes returned across JNI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Allow = 0,
    Monitor = 1,
    Block = 2,
}

impl Action {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// How sure the engine is that a finding is an attack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// The input provably changed the sink's structure; or a rule matched the sink where the
    /// input is (`input-overlaps`), or a rule that needs no input (`always`) matched.
    High,
    /// The sink could not be read and the input is the likely cause; or a rule matched and
    /// the input occurs elsewhere in the sink (`input-present`); or an input that matched a
    /// signature reached the sink in a normalised form.
    Medium,
    /// A limit was hit and no input was seen to reach the sink; or an input and the sink
    /// both match a signature, without the input being seen in the sink.
    Low,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// The global protection mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Off,
    Monitor,
    Block,
}

/// What to do with a finding of a given kind (before the mode caps it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Policy {
    Allow,
    Monitor,
    Block,
}

impl Mode {
    /// The policy a per-rule mode sets: `off` allows.
    pub fn policy(self) -> Policy {
        match self {
            Mode::Off => Policy::Allow,
            Mode::Monitor => Policy::Monitor,
            Mode::Block => Policy::Block,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Monitor => "monitor",
            Mode::Block => "block",
        }
    }
}

impl Policy {
    pub fn name(self) -> &'static str {
        match self {
            Policy::Allow => "allow",
            Policy::Monitor => "monitor",
            Policy::Block => "block",
        }
    }
}

/// The engine's answer for one sink call: the action and, unless it is `Allow`, the event.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub action: Action,
    pub event: Option<Box<Event>>,
}

impl Verdict {
    pub const ALLOW: Verdict = Verdict {
        action: Action::Allow,
        event: None,
    };
}
