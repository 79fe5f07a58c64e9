//! From findings to a verdict (docs/rules.md §4.4 and §4.5).
//!
//! Each finding gets a policy: a per-rule mode (`rules.mode.<id>`) when one is set, which
//! replaces the global mode; otherwise its own default (built-in detectors block,
//! `*.unparsable` follows `on_unparsable`, the overflow `on_overflow`, a rule file's rule its
//! `mode`) capped by the global mode; global `off` allows everything. An exclusion that matches
//! the finding then drops it. The strongest remaining action is the verdict, and the first
//! finding with it (findings come built-in detector first, then in rule order) is the event.
//!
//! `check_*` only needs the winner, so it never builds the per-finding reports; `explain_*`
//! runs the same decision and describes every finding.

use crate::context::{next_id, RequestContext};
use crate::event::{now_rfc3339, Event, EventRequest, EventSink, Span};
use crate::exclusion::Subject;
use crate::input::EventInput;
use crate::rules::eval::Reach;
use crate::rules::Severity;
use crate::verdict::Policy;
use crate::verdict::{Action, Confidence, Verdict};

use super::Engine;

/// Why a built-in finding fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BuiltinWhy {
    /// Request input changed the sink's structure.
    Structure,
    /// The sink contains request input and cannot be lexed.
    Unparsable,
    /// The call violates a built-in policy (commands, expressions), whoever asked for it.
    Policy,
    /// The request's input overflowed the limit.
    Overflow,
    /// A deserialized class outside the configured allow-list.
    ClassAllowList,
}

/// Where a finding comes from.
#[derive(Clone, Copy, Debug)]
pub(super) enum Source {
    Builtin {
        id: &'static str,
        category: &'static str,
        message: &'static str,
        why: BuiltinWhy,
    },
    /// A rule of the loaded set, by index.
    Rule { index: usize, reach: Reach },
}

/// What a check found, before modes and exclusions turn it into an action.
#[derive(Clone, Copy, Debug)]
pub(super) struct Finding {
    pub source: Source,
    pub confidence: Confidence,
    /// The finding's own policy, before any mode.
    pub default_policy: Policy,
    pub input: Option<usize>,
    pub span: Option<Span>,
    /// Command checks: the environment entry `span` lies in (else the command line).
    pub env: Option<usize>,
}

/// One finding of a check, described for people and tools.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingReport {
    pub rule_id: String,
    /// A rule of the loaded rule set (else a built-in detector or policy).
    pub from_rule_file: bool,
    pub category: String,
    pub message: String,
    /// Rule file rules only.
    pub severity: Option<Severity>,
    pub confidence: Confidence,
    /// After the modes (not after exclusions: see `excluded_by`).
    pub policy: Policy,
    /// The exclusion that drops this finding, by name.
    pub excluded_by: Option<String>,
    /// Index in the context's inputs.
    pub input: Option<usize>,
    /// Byte range in the sink string (command checks: in the environment entry's value when
    /// `env` is set).
    pub span: Option<Span>,
    /// Command checks: the environment entry the span is in.
    pub env: Option<usize>,
    /// One line saying why the finding fired.
    pub why: String,
}

impl FindingReport {
    /// The action this finding asks for after modes and exclusions.
    pub fn action(&self) -> Action {
        if self.excluded_by.is_some() {
            return Action::Allow;
        }
        action_of(self.policy)
    }
}

/// What a check decided, and every finding behind the decision.
#[derive(Clone, Debug)]
pub struct Explanation {
    /// In tie-break order: built-in findings, then rule findings in rule order.
    pub findings: Vec<FindingReport>,
    /// The same verdict `check_*` returns.
    pub verdict: Verdict,
}

fn action_of(policy: Policy) -> Action {
    match policy {
        Policy::Allow => Action::Allow,
        Policy::Monitor => Action::Monitor,
        Policy::Block => Action::Block,
    }
}

/// A finding's policy after the modes and the exclusion that drops it, if any.
struct Resolved<'e> {
    policy: Policy,
    excluded_by: Option<&'e str>,
}

impl Resolved<'_> {
    fn action(&self) -> Action {
        match self.excluded_by {
            Some(_) => Action::Allow,
            None => action_of(self.policy),
        }
    }
}

impl Engine {
    fn rule_id(&self, f: &Finding) -> &str {
        match f.source {
            Source::Builtin { id, .. } => id,
            Source::Rule { index, .. } => self.rules.rules().get(index).map_or("", |r| &r.id),
        }
    }

    fn category_and_message(&self, f: &Finding) -> (&str, &str) {
        match f.source {
            Source::Builtin {
                category, message, ..
            } => (category, message),
            Source::Rule { index, .. } => self
                .rules
                .rules()
                .get(index)
                .map_or(("", ""), |r| (&r.category, &r.message)),
        }
    }

    fn resolve(&self, ctx: &RequestContext, f: &Finding) -> Resolved<'_> {
        let rule_id = self.rule_id(f);
        let policy = self.config.policy_for(rule_id, f.default_policy);
        let excluded_by = if self.config.exclusions.is_empty() {
            None
        } else {
            let needs_route = self.config.exclusions.iter().any(|e| !e.routes.is_empty());
            let subject = Subject {
                rule_id,
                route: if needs_route { ctx.route() } else { "" },
                input: f.input.and_then(|i| ctx.inputs().get(i)),
            };
            self.config
                .exclusions
                .iter()
                .find(|e| e.matches(&subject))
                .map(|e| e.name.as_str())
        };
        Resolved {
            policy,
            excluded_by,
        }
    }

    /// The verdict for a check's findings; `sink` describes the sink for the winner's event.
    pub(super) fn verdict(
        &self,
        ctx: &RequestContext,
        findings: &[Finding],
        sink: impl FnOnce(&Finding) -> EventSink,
    ) -> Verdict {
        let resolved: Vec<Resolved<'_>> = findings.iter().map(|f| self.resolve(ctx, f)).collect();
        self.decide(ctx, findings, &resolved, sink)
    }

    /// [`Engine::verdict`] with a report of every finding.
    pub(super) fn explanation(
        &self,
        ctx: &RequestContext,
        findings: &[Finding],
        sink: impl FnOnce(&Finding) -> EventSink,
    ) -> Explanation {
        let resolved: Vec<Resolved<'_>> = findings.iter().map(|f| self.resolve(ctx, f)).collect();
        let reports = findings
            .iter()
            .zip(&resolved)
            .map(|(f, r)| self.report(ctx, f, r))
            .collect();
        Explanation {
            findings: reports,
            verdict: self.decide(ctx, findings, &resolved, sink),
        }
    }

    fn decide(
        &self,
        ctx: &RequestContext,
        findings: &[Finding],
        resolved: &[Resolved<'_>],
        sink: impl FnOnce(&Finding) -> EventSink,
    ) -> Verdict {
        // The first finding with the strongest action: ties go to the earlier one.
        let mut best: Option<(usize, Action)> = None;
        for (i, r) in resolved.iter().enumerate() {
            let action = r.action();
            let stronger = match best {
                Some((_, strongest)) => action > strongest,
                None => action != Action::Allow,
            };
            if stronger {
                best = Some((i, action));
            }
        }
        let Some((winner, action)) = best else {
            return Verdict::ALLOW;
        };
        let finding = &findings[winner];
        let winner_id = self.rule_id(finding);
        let mut others: Vec<(Action, usize)> = resolved
            .iter()
            .enumerate()
            .filter(|&(i, r)| i != winner && r.action() != Action::Allow)
            .map(|(i, r)| (r.action(), i))
            .collect();
        others.sort_by_key(|&(a, i)| (std::cmp::Reverse(a), i));
        let mut other_rules: Vec<String> = Vec::new();
        for (_, i) in others {
            let id = self.rule_id(&findings[i]);
            if id != winner_id && !other_rules.iter().any(|o| o == id) {
                other_rules.push(id.to_owned());
            }
        }
        let event = self.event(ctx, action, finding, sink(finding), other_rules);
        Verdict {
            action,
            event: Some(Box::new(event)),
        }
    }

    fn event(
        &self,
        ctx: &RequestContext,
        action: Action,
        finding: &Finding,
        sink: EventSink,
        other_rules: Vec<String>,
    ) -> Event {
        let summary = ctx.summary();
        let (category, message) = self.category_and_message(finding);
        Event {
            time: now_rfc3339(),
            event_id: next_id(),
            request_id: ctx.id(),
            action: if action == Action::Block {
                "blocked"
            } else {
                "monitored"
            },
            block_response: None,
            rule_id: self.rule_id(finding).to_owned(),
            category: category.to_owned(),
            confidence: finding.confidence.name(),
            message: message.to_owned(),
            rule_set: self.rules.id().to_owned(),
            other_rules,
            input: finding
                .input
                .and_then(|i| ctx.inputs().get(i))
                .map(EventInput::from),
            sink,
            request: EventRequest {
                method: summary.method.to_string(),
                path: summary.path.to_string(),
                client: summary.client.to_string(),
            },
            handoff: None,
            stack: Vec::new(),
            agent_version: self.config.agent_version.clone(),
        }
    }

    fn report(&self, ctx: &RequestContext, f: &Finding, r: &Resolved<'_>) -> FindingReport {
        let (category, message) = self.category_and_message(f);
        let severity = match f.source {
            Source::Rule { index, .. } => self.rules.rules().get(index).map(|r| r.severity),
            Source::Builtin { .. } => None,
        };
        FindingReport {
            rule_id: self.rule_id(f).to_owned(),
            from_rule_file: matches!(f.source, Source::Rule { .. }),
            category: category.to_owned(),
            message: message.to_owned(),
            severity,
            confidence: f.confidence,
            policy: r.policy,
            excluded_by: r.excluded_by.map(str::to_owned),
            input: f.input,
            span: f.span,
            env: f.env,
            why: self.why(ctx, f),
        }
    }

    /// One line on why a finding fired, naming the input and where it is.
    fn why(&self, ctx: &RequestContext, f: &Finding) -> String {
        let input = f
            .input
            .and_then(|i| ctx.inputs().get(i))
            .map(|i| {
                let part = match i.part {
                    crate::input::InputPart::Value => "",
                    crate::input::InputPart::Name => " (its name)",
                };
                let transform = i.transform.map(|t| format!(" ({t})")).unwrap_or_default();
                format!("input {}:{}{part}{transform}", i.source.name(), i.name)
            })
            .unwrap_or_else(|| "no input".to_owned());
        let at = f
            .span
            .map(|s| match f.env {
                Some(e) => format!(" at bytes {}..{} of environment entry {e}", s.start, s.end),
                None => format!(" at bytes {}..{}", s.start, s.end),
            })
            .unwrap_or_default();
        match f.source {
            Source::Builtin { why, message, .. } => match why {
                BuiltinWhy::Structure => format!("{input}{at}: {message}"),
                BuiltinWhy::Unparsable => {
                    format!("{input}{at} is in a sink that cannot be lexed")
                }
                BuiltinWhy::Policy => format!("{message}{at}: a built-in policy, whoever asked for it"),
                BuiltinWhy::ClassAllowList => {
                    "the class is not in deser.allowed_classes".to_owned()
                }
                BuiltinWhy::Overflow => format!(
                    "the request's input exceeded max_input_bytes ({} bytes kept), so part of it was not checked",
                    ctx.input_bytes()
                ),
            },
            Source::Rule { reach, .. } => match reach {
                Reach::Always => format!("a pattern matched the sink{at} (when = always)"),
                Reach::InputPresent => format!(
                    "a pattern matched the sink{at} and {input} occurs in it (when = input-present)"
                ),
                Reach::InputOverlaps => format!(
                    "a pattern match{at} overlaps where {input} occurs (when = input-overlaps)"
                ),
                Reach::Normalized => format!(
                    "{input} matched the signature and reached the sink{at} after decoding, case and whitespace normalisation"
                ),
                Reach::SignatureInBoth => format!(
                    "{input} matched the signature, which also matches the sink{at}; the input was not seen to reach it"
                ),
            },
        }
    }
}
