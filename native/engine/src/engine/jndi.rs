//! The JNDI sink family: [`Engine::check_jndi`] and [`Engine::explain_jndi`].
//!
//! Findings in tie-break order: the detector (`jndi.remote_lookup`, request input chose the
//! provider), the policy (`jndi.policy.remote`, any remote provider whose host is not allowed,
//! also outside requests with an empty context), the input overflow. The rule file has no
//! `jndi` sink kind, so no rule applies here. A lookup of a local or scheme-less name (nearly
//! every lookup: `java:comp/env/...`) costs one scan of the name for a `:` and ends.

use super::decision::{BuiltinWhy, Finding, Source};
use super::{mark_transform, Engine, Explanation};
use crate::context::RequestContext;
use crate::event::{EventSink, Span};
use crate::jndi::{self, JndiRule};
use crate::rules::SinkKind;
use crate::verdict::Policy;
use crate::verdict::{Confidence, Verdict};

/// A JNDI operation on a name.
#[derive(Clone, Copy, Debug)]
pub struct JndiSink<'a> {
    /// The hooked API, by its boundary code ([`jndi_api_name`]).
    pub api: i32,
    /// The name as the application passed it (a `Name` as its `toString()`), UTF-8.
    pub name: &'a [u8],
}

/// JndiApi 0: every name operation of `InitialContext` and its subclasses (`lookup`,
/// `lookupLink`, `bind`, `list`, `InitialDirContext.search`, `getAttributes`, ...), hooked
/// where they all pick the context for the name.
pub const JNDI_INITIAL_CONTEXT: i32 = 0;
/// JndiApi 1: a JDK URL context (`ldap:`, `ldaps:`, `rmi:`, `dns:`) resolving a URL name to
/// its provider, however the context was reached (`NamingManager.getURLContext`, a context a
/// lookup returned, a `Reference` to an `rmi:` URL).
pub const JNDI_URL_CONTEXT: i32 = 1;
/// JndiApi 2: the provider URL (`java.naming.provider.url`) of an initial context's
/// environment, as `NamingManager.getInitialContext` hands it to the factory: a list of URLs
/// separated by spaces, judged as one value.
pub const JNDI_PROVIDER_URL: i32 = 2;

/// The hooked JNDI API, by its boundary code (see docs/native-boundary.md).
pub fn jndi_api_name(code: i32) -> &'static str {
    match code {
        JNDI_URL_CONTEXT => "com.sun.jndi.toolkit.url.GenericURLContext",
        JNDI_PROVIDER_URL => "javax.naming.spi.NamingManager.getInitialContext",
        _ => "javax.naming.InitialContext",
    }
}

impl Engine {
    /// Checks one JNDI operation on a name, inside a request or (with an empty context) not.
    pub fn check_jndi(&self, ctx: &RequestContext, sink: &JndiSink<'_>) -> Verdict {
        let (findings, via) = self.jndi_findings(ctx, sink);
        if findings.is_empty() {
            return Verdict::ALLOW;
        }
        let mut verdict = self.verdict(ctx, &findings, |f| jndi_event_sink(sink, f));
        if let (Some(event), Some((transform, decoded))) = (verdict.event.as_deref_mut(), via) {
            if event.rule_id == JndiRule::RemoteLookup.id() {
                mark_transform(event, transform, decoded);
            }
        }
        verdict
    }

    /// [`Engine::check_jndi`] with every finding.
    pub fn explain_jndi(&self, ctx: &RequestContext, sink: &JndiSink<'_>) -> Explanation {
        let (findings, _) = self.jndi_findings(ctx, sink);
        self.explanation(ctx, &findings, |f| jndi_event_sink(sink, f))
    }

    /// The findings, and how the detector found the input when not verbatim.
    fn jndi_findings(
        &self,
        ctx: &RequestContext,
        sink: &JndiSink<'_>,
    ) -> (Vec<Finding>, Option<(&'static str, String)>) {
        let mut findings = Vec::new();
        let mut via = None;
        let name = String::from_utf8_lossy(sink.name);
        if name.contains(':') {
            let found = if sink.api == JNDI_PROVIDER_URL {
                jndi::detect_provider_urls(ctx, &name)
            } else {
                jndi::detect(ctx, &name)
            };
            if let Some(f) = found {
                let rule = JndiRule::RemoteLookup;
                findings.push(self.detector_finding(
                    (rule.id(), "jndi", rule.message()),
                    false,
                    f.input,
                    Span {
                        start: f.start,
                        end: f.end,
                    },
                ));
                via = f.via;
            }
            // The policy is on names looked up: a provider URL is the application's
            // configuration (an LDAP directory for logins), and a stored payload reaches JNDI
            // as a name, which is judged when it is looked up.
            let policy = (sink.api != JNDI_PROVIDER_URL)
                .then(|| jndi::policy(&name, &self.config.jndi_allowed_hosts))
                .flatten();
            if let Some(p) = policy {
                let rule = JndiRule::PolicyRemote;
                findings.push(Finding {
                    source: Source::Builtin {
                        id: rule.id(),
                        category: "jndi",
                        message: rule.message(),
                        why: BuiltinWhy::Policy,
                    },
                    confidence: Confidence::Medium,
                    default_policy: Policy::Monitor,
                    input: None,
                    span: Some(Span {
                        start: p.start,
                        end: p.end,
                    }),
                    env: None,
                });
            }
        }
        self.overflow(ctx, &mut findings);
        self.rule_findings_for(ctx, SinkKind::Jndi, sink.name, &mut findings);
        (findings, via)
    }
}

fn jndi_event_sink(sink: &JndiSink<'_>, f: &Finding) -> EventSink {
    EventSink::new("jndi", jndi_api_name(sink.api), None, sink.name, f.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineConfig;
    use crate::input::{Input, InputSource};
    use crate::verdict::Action;
    use crate::ContextLimits;

    fn ctx(inputs: &[(&str, &str)]) -> RequestContext {
        RequestContext::from_inputs(
            inputs
                .iter()
                .map(|(n, v)| Input::value(InputSource::Header, *n, *v))
                .collect(),
            ContextLimits::default(),
        )
    }

    fn check(engine: &Engine, ctx: &RequestContext, name: &str) -> Verdict {
        check_api(engine, ctx, JNDI_INITIAL_CONTEXT, name)
    }

    fn check_api(engine: &Engine, ctx: &RequestContext, api: i32, name: &str) -> Verdict {
        engine.check_jndi(
            ctx,
            &JndiSink {
                api,
                name: name.as_bytes(),
            },
        )
    }

    #[test]
    fn url_contexts_and_provider_urls() {
        let engine = Engine::new(EngineConfig::default());
        let name = "ldap://127.0.0.1:1389/a";
        let v = check_api(&engine, &ctx(&[("name", name)]), JNDI_URL_CONTEXT, name);
        assert_eq!(v.action, Action::Block);
        let event = v.event.expect("event");
        assert_eq!(event.rule_id, "jndi.remote_lookup");
        assert_eq!(event.sink.api, "com.sun.jndi.toolkit.url.GenericURLContext");
        let v = check_api(&engine, &ctx(&[]), JNDI_URL_CONTEXT, name);
        assert_eq!(v.action, Action::Monitor, "the policy covers URL contexts");

        let url = "ldap://127.0.0.1:1389/dc=example";
        let v = check_api(
            &engine,
            &ctx(&[("server", "127.0.0.1:1389")]),
            JNDI_PROVIDER_URL,
            url,
        );
        assert_eq!(v.action, Action::Block);
        let event = v.event.expect("event");
        assert_eq!(event.rule_id, "jndi.remote_lookup");
        assert_eq!(
            event.sink.api,
            "javax.naming.spi.NamingManager.getInitialContext"
        );
        // No policy on provider URLs: the application's own directory is configuration.
        let blocking = Engine::new(
            EngineConfig::parse("rules.mode.jndi.policy.remote=block\n").expect("config"),
        );
        let v = check_api(
            &blocking,
            &ctx(&[("dn", "dc=example")]),
            JNDI_PROVIDER_URL,
            url,
        );
        assert_eq!(v.action, Action::Allow);
    }

    #[test]
    fn input_chosen_provider_blocks_and_names_the_decoding() {
        let engine = Engine::new(EngineConfig::default());
        let payload = "${${lower:j}ndi:${lower:l}dap://127.0.0.1:1389/a}";
        let v = check(
            &engine,
            &ctx(&[("X-Api-Version", payload)]),
            "ldap://127.0.0.1:1389/a",
        );
        assert_eq!(v.action, Action::Block);
        let event = v.event.expect("event");
        assert_eq!(event.rule_id, "jndi.remote_lookup");
        let input = event.input.expect("input");
        assert_eq!(input.name, "X-Api-Version");
        assert_eq!(input.transform, Some("lookup-decoded"));
        assert_eq!(
            input.transformed.as_deref(),
            Some("ldap://127.0.0.1:1389/a")
        );

        let v = check(
            &engine,
            &ctx(&[("name", "rmi://127.0.0.1:1099/x")]),
            "rmi://127.0.0.1:1099/x",
        );
        assert_eq!(v.action, Action::Block);
        assert_eq!(
            v.event.expect("event").input.expect("input").transform,
            None
        );
    }

    #[test]
    fn remote_lookups_without_input_are_monitored_unless_allowed() {
        let engine = Engine::new(EngineConfig::default());
        let empty = ctx(&[]);
        let v = check(&engine, &empty, "ldap://directory.internal/cn=alice");
        assert_eq!(v.action, Action::Monitor);
        assert_eq!(v.event.expect("event").rule_id, "jndi.policy.remote");
        // The app fixed the provider and the server; the input is the DN: only the policy.
        let v = check(
            &engine,
            &ctx(&[("user", "cn=alice")]),
            "ldap://directory.internal/cn=alice",
        );
        assert_eq!(v.action, Action::Monitor);
        for local in ["java:comp/env/jdbc/users", "jdbc/users", "users"] {
            assert_eq!(
                check(&engine, &ctx(&[("name", "users")]), local).action,
                Action::Allow
            );
        }
        let allowing = Engine::new(
            EngineConfig::parse("jndi.allowed_hosts=directory.internal\n").expect("config"),
        );
        assert_eq!(
            check(&allowing, &empty, "ldap://directory.internal/cn=alice").action,
            Action::Allow
        );
        let blocking = Engine::new(
            EngineConfig::parse("rules.mode.jndi.policy.remote=block\n").expect("config"),
        );
        assert_eq!(
            check(&blocking, &empty, "ldap://directory.internal/cn=alice").action,
            Action::Block
        );
        let off = Engine::new(
            EngineConfig::parse("rules.mode.jndi.remote_lookup=off\n").expect("config"),
        );
        let v = check(&off, &ctx(&[("name", "ldap://evil/a")]), "ldap://evil/a");
        assert_eq!(v.action, Action::Monitor, "the policy still reports it");
    }
}
