//! Verdicts: what the agent does with a sink call.

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
    /// The input provably changed the statement's structure.
    High,
    /// The statement could not be read; the input is the likely cause.
    Medium,
    /// A limit was hit; no input was seen to reach the sink.
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
