//! Expression sinks: the expression-language judgement ([`crate::expr`]) as findings and a
//! verdict. The policy part applies outside requests too (an empty context).

use crate::context::RequestContext;
use crate::event::{EventSink, Span};
use crate::expr::{self, ExprRule, Language};
use crate::rules::SinkKind;
use crate::verdict::Policy;
use crate::verdict::{Confidence, Verdict};

use super::decision::{BuiltinWhy, Explanation, Finding, Source};
use super::Engine;

/// The hooked expression API, by its boundary code (docs/native-boundary.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExprApi {
    /// `SpelExpressionParser.parseExpression` (through `TemplateAwareExpressionParser`).
    Spel,
    /// The same with a template parser context.
    SpelTemplate,
    /// `ognl.Ognl.parseExpression`.
    Ognl,
    /// `org.mvel2.MVEL.eval*` / `compileExpression`.
    Mvel,
    /// `org.apache.commons.jexl3.JexlEngine.createExpression` / `createScript`.
    Jexl,
    /// `jakarta.el.ExpressionFactory.createValueExpression` / `createMethodExpression`.
    JakartaEl,
    /// `javax.el.ExpressionFactory`, the same.
    JavaxEl,
    /// `freemarker.template.Template`'s constructor: the source text of a template.
    FreeMarker,
    /// `org.apache.velocity.runtime.RuntimeInstance.parse`: the source text of a template.
    Velocity,
    /// `org.thymeleaf.templateresource.StringTemplateResource`'s constructor: the source text of
    /// a template processed from a string.
    Thymeleaf,
}

impl ExprApi {
    pub fn from_code(code: i32) -> Option<ExprApi> {
        use ExprApi::*;
        [
            Spel,
            SpelTemplate,
            Ognl,
            Mvel,
            Jexl,
            JakartaEl,
            JavaxEl,
            FreeMarker,
            Velocity,
            Thymeleaf,
        ]
        .get(usize::try_from(code).ok()?)
        .copied()
    }

    pub fn name(self) -> &'static str {
        match self {
            ExprApi::Spel | ExprApi::SpelTemplate => {
                "org.springframework.expression.ExpressionParser.parseExpression"
            }
            ExprApi::Ognl => "ognl.Ognl.parseExpression",
            ExprApi::Mvel => "org.mvel2.MVEL",
            ExprApi::Jexl => "org.apache.commons.jexl3.JexlEngine.createExpression",
            ExprApi::JakartaEl => "jakarta.el.ExpressionFactory.createValueExpression",
            ExprApi::JavaxEl => "javax.el.ExpressionFactory.createValueExpression",
            ExprApi::FreeMarker => "freemarker.template.Template",
            ExprApi::Velocity => "org.apache.velocity.runtime.RuntimeInstance.parse",
            ExprApi::Thymeleaf => "org.thymeleaf.templateresource.StringTemplateResource",
        }
    }

    pub fn language(self) -> Language {
        match self {
            ExprApi::Spel => Language::Spel,
            ExprApi::SpelTemplate => Language::SpelTemplate,
            ExprApi::Ognl => Language::Ognl,
            ExprApi::Mvel => Language::Mvel,
            ExprApi::Jexl => Language::Jexl,
            ExprApi::JakartaEl | ExprApi::JavaxEl => Language::JakartaEl,
            ExprApi::FreeMarker => Language::FreeMarker,
            ExprApi::Velocity => Language::Velocity,
            ExprApi::Thymeleaf => Language::Thymeleaf,
        }
    }
}

/// An expression about to be parsed.
#[derive(Clone, Copy, Debug)]
pub struct ExprSink<'a> {
    pub api: ExprApi,
    pub expression: &'a [u8],
}

impl Engine {
    /// Checks one expression.
    pub fn check_expression(&self, ctx: &RequestContext, sink: &ExprSink<'_>) -> Verdict {
        let findings = self.expression_findings(ctx, sink);
        if findings.is_empty() {
            return Verdict::ALLOW;
        }
        self.verdict(ctx, &findings, |f| expression_event_sink(sink, f))
    }

    /// [`Engine::check_expression`] with every finding.
    pub fn explain_expression(&self, ctx: &RequestContext, sink: &ExprSink<'_>) -> Explanation {
        let findings = self.expression_findings(ctx, sink);
        self.explanation(ctx, &findings, |f| expression_event_sink(sink, f))
    }

    fn expression_findings(&self, ctx: &RequestContext, sink: &ExprSink<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        if let Some(f) = expr::detect(ctx, sink.api.language(), sink.expression) {
            let span = Span {
                start: f.start,
                end: f.end,
            };
            findings.push(match f.rule {
                ExprRule::Injection | ExprRule::Unparsable => {
                    let mut finding = self.detector_finding(
                        (f.rule.id(), "expr", f.rule.message()),
                        f.rule == ExprRule::Unparsable,
                        f.input.unwrap_or_default(),
                        span,
                    );
                    finding.input = f.input;
                    finding
                }
                ExprRule::DangerousClass => Finding {
                    source: Source::Builtin {
                        id: f.rule.id(),
                        category: "expr",
                        message: f.rule.message(),
                        why: BuiltinWhy::Policy,
                    },
                    confidence: Confidence::High,
                    default_policy: Policy::Block,
                    input: None,
                    span: Some(span),
                    env: None,
                },
            });
        }
        self.overflow(ctx, &mut findings);
        self.rule_findings_for(ctx, SinkKind::Expr, sink.expression, &mut findings);
        findings
    }
}

fn expression_event_sink(sink: &ExprSink<'_>, f: &Finding) -> EventSink {
    EventSink::new(
        "expr",
        sink.api.name(),
        Some(sink.api.language().name()),
        sink.expression,
        f.span,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineConfig;
    use crate::input::{Input, InputSource};
    use crate::verdict::Action;
    use crate::ContextLimits;

    #[test]
    fn injection_and_policy_block_and_modes_apply() {
        let e = Engine::new(EngineConfig::default());
        let input = "T(java.lang.Runtime).getRuntime().exec('id')";
        let ctx = RequestContext::from_inputs(
            vec![Input::value(InputSource::Query, "expr", input)],
            ContextLimits::default(),
        );
        let sink = ExprSink {
            api: ExprApi::Spel,
            expression: input.as_bytes(),
        };
        let v = e.check_expression(&ctx, &sink);
        assert_eq!(v.action, Action::Block);
        let event = v.event.unwrap();
        assert_eq!(event.rule_id, "expr.injection");
        assert_eq!(event.sink.dialect, Some("spel"));
        // Outside a request only the policy can fire.
        let empty = RequestContext::from_inputs(Vec::new(), ContextLimits::default());
        let v = e.check_expression(&empty, &sink);
        assert_eq!(v.event.unwrap().rule_id, "expr.policy.dangerous_class");
        let e = Engine::new(
            EngineConfig::parse("rules.mode.expr.policy.dangerous_class=monitor").unwrap(),
        );
        assert_eq!(e.check_expression(&empty, &sink).action, Action::Monitor);
        let benign = ExprSink {
            api: ExprApi::Spel,
            expression: b"T(java.lang.Math).max(1, 2)",
        };
        assert_eq!(e.check_expression(&empty, &benign).action, Action::Allow);
    }
}
