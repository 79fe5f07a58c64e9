//! Deserialization checks: one class a stream names, before any object of it exists.
//!
//! The judgement reads the class name only ([`crate::deser`]): the deny-list rules of sink
//! kind `class` (`always` rules: a gadget is dangerous whatever the request sent alongside)
//! and, when configured, the allow-list. Request input plays no part, so neither the input
//! search nor the input overflow applies; the request context only fills the event.

use crate::context::RequestContext;
use crate::deser::{self, class_api_name, element_class};
use crate::event::{EventSink, Span};
use crate::rules::eval::SinkText;
use crate::rules::SinkKind;
use crate::verdict::Policy;
use crate::verdict::{Confidence, Verdict};

use super::decision::{BuiltinWhy, Explanation, Finding, Source};
use super::Engine;

/// A class a deserializer is about to resolve: `name` as the stream spells it
/// (`com.x.Y`, or `[Lcom.x.Y;` for an array).
#[derive(Clone, Copy, Debug)]
pub struct ClassSink<'a> {
    /// 0: a class descriptor (`resolveClass`), 1: a proxy interface (`resolveProxyClass`),
    /// 2: a SnakeYAML global tag (`Constructor.getClassForNode`).
    pub api: i32,
    pub name: &'a [u8],
}

impl Engine {
    /// Checks one deserialized class. Allocation-free when no rule matches it and it is
    /// allowed, which is every class of a benign stream.
    pub fn check_class(&self, ctx: &RequestContext, sink: &ClassSink<'_>) -> Verdict {
        let findings = self.class_findings(ctx, sink);
        if findings.is_empty() {
            return Verdict::ALLOW;
        }
        self.verdict(ctx, &findings, |f| class_event_sink(sink, f))
    }

    /// [`Engine::check_class`] with every finding.
    pub fn explain_class(&self, ctx: &RequestContext, sink: &ClassSink<'_>) -> Explanation {
        let findings = self.class_findings(ctx, sink);
        self.explanation(ctx, &findings, |f| class_event_sink(sink, f))
    }

    /// The allow-list finding first (the built-in one), then rules in rule order; spans are
    /// in `sink.name` (an array's element class is what the rules and the list see).
    fn class_findings(&self, ctx: &RequestContext, sink: &ClassSink<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let Some(element) = element_class(sink.name) else {
            return findings; // an array of primitives
        };
        let class = &sink.name[element.clone()];
        if let Some(list) = &self.config.deser_allowed_classes {
            let allowed = std::str::from_utf8(class).is_ok_and(|c| list.allows(c));
            if !allowed {
                findings.push(Finding {
                    source: Source::Builtin {
                        id: deser::NOT_ALLOWED_RULE_ID,
                        category: "deser",
                        message: deser::NOT_ALLOWED_MESSAGE,
                        why: BuiltinWhy::ClassAllowList,
                    },
                    confidence: Confidence::High,
                    default_policy: Policy::Block,
                    input: None,
                    span: Some(Span {
                        start: element.start,
                        end: element.end,
                    }),
                    env: None,
                });
            }
        }
        let from = findings.len();
        self.rule_findings(
            ctx,
            SinkText::new(SinkKind::Class, class, false),
            &mut findings,
        );
        for f in &mut findings[from..] {
            f.span = f.span.map(|s| Span {
                start: s.start + element.start,
                end: s.end + element.start,
            });
        }
        findings
    }
}

fn class_event_sink(sink: &ClassSink<'_>, f: &Finding) -> EventSink {
    EventSink::new("class", class_api_name(sink.api), None, sink.name, f.span)
}
