//! `rasp explain jndi`: one JNDI name operation, step by step. The findings and the verdict
//! come from [`rasp_engine::Engine::explain_jndi`]; the name's parts and the lookup-decoded
//! names of the inputs are description, not a second opinion.

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::engine::jndi_api_name;
use rasp_engine::jndi::{lookup, name};
use rasp_engine::{JndiSink, RequestContext};
use serde::Serialize;

use super::detection::{input_name, Describe, Detection, OccurrenceView};
use super::query_context;
use crate::args::ExplainJndiArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// Everything `rasp explain jndi` reports.
#[derive(Debug, Serialize)]
pub struct JndiExplanation {
    pub api: &'static str,
    pub name: String,
    /// The URL scheme (lower-cased), or none: the configured initial context.
    pub scheme: Option<String>,
    /// Whether the scheme reaches a provider outside the JVM (any but `java:`).
    pub remote: bool,
    pub host: Option<String>,
    pub port: Option<String>,
    /// The names `${jndi:...}` lookups in each input decode to (Log4j's lookup syntax).
    pub decoded: Vec<DecodedView>,
    #[serde(flatten)]
    pub detection: Detection<PartView>,
}

#[derive(Debug, Serialize)]
pub struct DecodedView {
    pub input: usize,
    pub name: String,
    /// The JNDI name the input's lookups yield.
    pub jndi_name: String,
    /// Where it lies in the sink's name, if it does.
    pub start: Option<usize>,
}

/// What an occurrence writes in the name.
#[derive(Debug, Serialize)]
pub struct PartView {
    /// Whether it writes the scheme, host or port (the provider and server).
    pub decides_provider: bool,
}

impl Describe for PartView {
    fn describe(&self) -> String {
        if self.decides_provider {
            "the scheme, host or port (the provider and server)".to_string()
        } else {
            "what follows the provider and server".to_string()
        }
    }
}

/// Runs `rasp explain jndi`.
pub fn run_jndi(args: &ExplainJndiArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &args.inputs);
    let explanation = explain(&engine, &ctx, args.api, &args.name);
    output::print(args.json, "explanation", &explanation, render)
}

/// Explains one JNDI name operation checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    api: i32,
    jndi_name: &str,
) -> JndiExplanation {
    let parts = name::parse(jndi_name);
    let text =
        |r: Option<std::ops::Range<usize>>| r.and_then(|r| jndi_name.get(r)).map(str::to_owned);
    let decides = |start: usize, end: usize| {
        parts
            .as_ref()
            .is_some_and(|p| p.is_remote() && p.decided_by(start, end))
    };
    let occurrences = ctx
        .matcher()
        .occurrences(jndi_name.as_bytes())
        .iter()
        .map(|o| OccurrenceView {
            input: o.input,
            name: input_name(ctx, o.input),
            location: None,
            start: o.start,
            end: o.end,
            detail: PartView {
                decides_provider: decides(o.start, o.end),
            },
        })
        .collect();
    let decoded = ctx
        .inputs()
        .iter()
        .enumerate()
        .flat_map(|(i, input)| {
            lookup::jndi_names(&input.value)
                .into_iter()
                .map(move |n| (i, n))
        })
        .map(|(i, n)| DecodedView {
            input: i,
            name: input_name(ctx, i),
            start: jndi_name.find(n.as_str()),
            jndi_name: n,
        })
        .collect();
    let explained = engine.engine.explain_jndi(
        ctx,
        &JndiSink {
            api,
            name: jndi_name.as_bytes(),
        },
    );
    JndiExplanation {
        api: jndi_api_name(api),
        name: jndi_name.to_string(),
        scheme: parts.as_ref().map(|p| p.scheme.clone()),
        remote: parts.as_ref().is_some_and(|p| p.is_remote()),
        host: text(parts.as_ref().and_then(|p| p.host.clone())),
        port: text(parts.as_ref().and_then(|p| p.port.clone())),
        decoded,
        detection: Detection::new(engine.setup.clone(), ctx, occurrences, &explained, |_| None),
    }
}

/// The human-readable form.
pub fn render(e: &JndiExplanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "api:    {}", e.api);
    let _ = writeln!(out, "name:   {}", e.name);
    let provider = match (&e.scheme, e.remote) {
        (None, _) => "none (the configured initial context)".to_string(),
        (Some(s), true) => format!("{s}: (remote)"),
        (Some(s), false) => format!("{s}: (local)"),
    };
    let _ = writeln!(out, "scheme: {provider}");
    let none = || "-".to_string();
    let _ = writeln!(
        out,
        "server: host {} port {}",
        e.host.clone().unwrap_or_else(none),
        e.port.clone().unwrap_or_else(none)
    );
    if !e.decoded.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "lookup-decoded inputs (Log4j's ${{jndi:...}}):");
        for d in &e.decoded {
            let at = d.start.map_or("not in the name".to_string(), |s| {
                format!("at byte {s} of the name")
            });
            let _ = writeln!(out, "  {} -> {:?} ({at})", d.name, d.jndi_name);
        }
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_jndi(value: &str, jndi_name: &str) -> JndiExplanation {
        let ctx = query_context("/", &[("name".into(), value.into())]);
        explain(&ExplainEngine::builtin_only(), &ctx, 0, jndi_name)
    }

    #[test]
    fn a_remote_lookup_from_input_is_blocked() {
        let e = explain_jndi("ldap://127.0.0.1:1389/a", "ldap://127.0.0.1:1389/a");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("jndi.remote_lookup")
        );
        assert_eq!(e.host.as_deref(), Some("127.0.0.1"));
        assert!(e.detection.occurrences[0].detail.decides_provider);
        let text = render(&e);
        assert!(
            text.contains("verdict: BLOCK (jndi.remote_lookup"),
            "{text}"
        );
    }

    #[test]
    fn log4j_lookups_are_shown_decoded() {
        let e = explain_jndi(
            "${${lower:j}ndi:${lower:l}dap://127.0.0.1:1389/a}",
            "ldap://127.0.0.1:1389/a",
        );
        assert_eq!(e.decoded[0].jndi_name, "ldap://127.0.0.1:1389/a");
        assert_eq!(e.decoded[0].start, Some(0));
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("jndi.remote_lookup")
        );
        assert!(render(&e).contains("lookup-decoded inputs"));
    }

    #[test]
    fn a_provider_url_names_its_api_and_has_no_policy() {
        let ctx = query_context("/", &[("dn".into(), "dc=example".into())]);
        let e = explain(
            &ExplainEngine::builtin_only(),
            &ctx,
            rasp_engine::engine::JNDI_PROVIDER_URL,
            "ldap://127.0.0.1:1389/dc=example",
        );
        assert_eq!(e.api, "javax.naming.spi.NamingManager.getInitialContext");
        assert_eq!(e.detection.verdict.rule_id, None);
    }

    #[test]
    fn a_local_name_is_allowed() {
        // (a pure word is never searched: `users-2` is)
        let e = explain_jndi("users-2", "java:comp/env/jdbc/users-2");
        assert_eq!(e.detection.verdict.rule_id, None);
        assert!(!e.remote);
        assert!(!e.detection.occurrences[0].detail.decides_provider);
    }
}
