//! Engine glue for XML entities (module [`crate::xxe`]): an entity the parser sets up while
//! serving a request, judged into a verdict and an event.
//!
//! The judgement is structural (did the request's document declare what is being resolved);
//! rules of sink kind `xml` see the id the parser would open (not the bomb check's entity name).

use crate::context::RequestContext;
use crate::event::{EventSink, Span};
use crate::rules::SinkKind;
use crate::xxe::{self, XxeFinding, XxeRule};

use super::decision::{Explanation, Finding};
use super::Engine;

/// What the parser is doing with the entity, by its boundary code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityEvent {
    /// 0: it is going to open an external entity or DTD itself.
    Resolve,
    /// 1: the parse passed [`xxe::EXPANSION_LIMIT`] or [`xxe::EXPANSION_LIMIT_CHARS`].
    ExpansionLimit,
    /// 2: [`EntityEvent::Resolve`] in a parse that read the request's body, which the agent did
    /// not keep (its content type is not one the engine parses): the document is the request's,
    /// though no input shows it.
    ResolveUnseenBody,
}

impl EntityEvent {
    pub fn from_code(code: i32) -> Option<EntityEvent> {
        match code {
            0 => Some(EntityEvent::Resolve),
            1 => Some(EntityEvent::ExpansionLimit),
            2 => Some(EntityEvent::ResolveUnseenBody),
            _ => None,
        }
    }
}

/// The hooked entity manager, by its boundary code (docs/native-boundary.md).
pub fn entity_api_name(code: i32) -> &'static str {
    match code {
        1 => "org.apache.xerces.impl.XMLEntityManager.setupCurrentEntity",
        2 => "com.ctc.wstx.io.DefaultInputResolver.resolveEntity",
        _ => "com.sun.org.apache.xerces.internal.impl.XMLEntityManager.setupCurrentEntity",
    }
}

/// An entity the XML parser sets up.
#[derive(Clone, Copy, Debug)]
pub struct EntitySink<'a> {
    pub api: i32,
    pub event: EntityEvent,
    /// The entity's name as the parser knows it: `x`, `%p` for a parameter entity, `[dtd]` for
    /// the external DTD subset.
    pub name: &'a [u8],
    /// The system id as the document (or the application's resolver) wrote it; empty if none.
    pub system_id: &'a [u8],
    pub public_id: &'a [u8],
}

impl Engine {
    /// Checks one entity the parser sets up: an external one it is about to open, or a parse
    /// past the expansion limit.
    pub fn check_entity(&self, ctx: &RequestContext, sink: &EntitySink<'_>) -> crate::Verdict {
        let findings = self.entity_findings(ctx, sink);
        if findings.is_empty() {
            return crate::Verdict::ALLOW;
        }
        self.verdict(ctx, &findings, |f| entity_event_sink(sink, f))
    }

    /// [`Engine::check_entity`] with every finding.
    pub fn explain_entity(&self, ctx: &RequestContext, sink: &EntitySink<'_>) -> Explanation {
        let findings = self.entity_findings(ctx, sink);
        self.explanation(ctx, &findings, |f| entity_event_sink(sink, f))
    }

    fn entity_findings(&self, ctx: &RequestContext, sink: &EntitySink<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let found = match sink.event {
            EntityEvent::Resolve => xxe::detect_external(ctx, sink.system_id, sink.public_id),
            EntityEvent::ResolveUnseenBody => {
                xxe::detect_external(ctx, sink.system_id, sink.public_id).or(Some(XxeFinding {
                    rule: XxeRule::ExternalEntity,
                    input: None,
                }))
            }
            EntityEvent::ExpansionLimit => xxe::detect_expansion(ctx),
        };
        if let Some(XxeFinding { rule, input }) = found {
            let span = Span {
                start: 0,
                end: sink_text(sink).len(),
            };
            let rule = (rule.id(), "xxe", rule.message());
            findings.push(match input {
                Some(input) => self.detector_finding(rule, false, input, span),
                None => Finding {
                    input: None,
                    ..self.detector_finding(rule, false, 0, span)
                },
            });
        }
        self.overflow(ctx, &mut findings);
        // The bomb's sink text is an entity's name, not something a signature describes.
        if sink.event != EntityEvent::ExpansionLimit {
            self.rule_findings_for(ctx, SinkKind::Xml, sink_text(sink), &mut findings);
        }
        findings
    }
}

/// The event shows the id being resolved, or the entity's name when the limit was passed.
fn sink_text<'a>(sink: &EntitySink<'a>) -> &'a [u8] {
    match sink.event {
        EntityEvent::Resolve | EntityEvent::ResolveUnseenBody if !sink.system_id.is_empty() => {
            sink.system_id
        }
        EntityEvent::Resolve | EntityEvent::ResolveUnseenBody => sink.public_id,
        EntityEvent::ExpansionLimit => sink.name,
    }
}

fn entity_event_sink(sink: &EntitySink<'_>, f: &Finding) -> EventSink {
    let op = match sink.event {
        EntityEvent::Resolve | EntityEvent::ResolveUnseenBody => "resolve",
        EntityEvent::ExpansionLimit => "expand",
    };
    EventSink::new(
        "xml",
        entity_api_name(sink.api),
        None,
        sink_text(sink),
        f.span,
    )
    .with_op(op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineConfig;
    use crate::context::ContextLimits;
    use crate::input::{Input, InputSource};
    use crate::verdict::Action;

    fn ctx(body: &str) -> RequestContext {
        RequestContext::from_inputs(
            vec![Input::value(InputSource::Body, "body", body)],
            ContextLimits::default(),
        )
    }

    fn resolve<'a>(system_id: &'a str) -> EntitySink<'a> {
        EntitySink {
            api: 0,
            event: EntityEvent::Resolve,
            name: b"x",
            system_id: system_id.as_bytes(),
            public_id: b"",
        }
    }

    #[test]
    fn a_request_document_resolving_a_file_is_blocked_with_an_event() {
        let engine = Engine::new(EngineConfig::default());
        let c = ctx(r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#);
        let v = engine.check_entity(&c, &resolve("file:///etc/passwd"));
        assert_eq!(v.action, Action::Block);
        let event = v.event.expect("event");
        assert_eq!(event.rule_id, "xxe.external_entity");
        let json = serde_json::to_string(&*event).unwrap();
        assert!(json.contains("\"kind\":\"xml\""), "{json}");
        assert!(json.contains("file:///etc/passwd"), "{json}");
    }

    #[test]
    fn the_applications_own_document_is_allowed() {
        let engine = Engine::new(EngineConfig::default());
        let v = engine.check_entity(&ctx("<r>hello</r>"), &resolve("classpath-included.ent"));
        assert_eq!(v.action, Action::Allow);
    }

    #[test]
    fn expansion_past_the_limit_is_blocked_for_a_request_document() {
        let engine = Engine::new(EngineConfig::default());
        let sink = EntitySink {
            api: 0,
            event: EntityEvent::ExpansionLimit,
            name: b"lol3",
            system_id: b"",
            public_id: b"",
        };
        let bomb =
            ctx(r#"<!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><r>&lol2;</r>"#);
        let v = engine.check_entity(&bomb, &sink);
        assert_eq!(v.action, Action::Block);
        assert_eq!(v.event.expect("event").rule_id, "xxe.entity_expansion");
        assert_eq!(
            engine.check_entity(&ctx("<r/>"), &sink).action,
            Action::Allow
        );
    }

    #[test]
    fn a_parse_of_an_unseen_request_body_is_blocked_without_an_input() {
        let engine = Engine::new(EngineConfig::default());
        let sink = EntitySink {
            event: EntityEvent::ResolveUnseenBody,
            ..resolve("file:///etc/passwd")
        };
        let v = engine.check_entity(&ctx("unrelated"), &sink);
        assert_eq!(v.action, Action::Block);
        let event = v.event.expect("event");
        assert_eq!(event.rule_id, "xxe.external_entity");
        assert!(event.input.is_none());
        // twin: the same parse of the application's own document is a plain resolve
        assert_eq!(
            engine
                .check_entity(&ctx("unrelated"), &resolve("file:///etc/passwd"))
                .action,
            Action::Allow
        );
    }

    #[test]
    fn per_rule_modes_apply() {
        let config = EngineConfig::parse("rules.mode.xxe.external_entity=monitor").unwrap();
        let engine =
            Engine::with_rules(config, std::sync::Arc::new(crate::rules::RuleSet::empty()))
                .expect("a built-in rule id");
        let c = ctx(r#"<!DOCTYPE r SYSTEM "http://127.0.0.1:1/x.dtd"><r/>"#);
        let v = engine.check_entity(&c, &resolve("http://127.0.0.1:1/x.dtd"));
        assert_eq!(v.action, Action::Monitor);
    }
}
