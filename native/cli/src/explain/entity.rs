//! `rasp explain entity`: one XML entity the parser sets up, step by step. The findings and the
//! verdict come from [`rasp_engine::Engine::explain_entity`]; which inputs hold the id (and a
//! markup declaration) is description, not a second opinion.

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::engine::{entity_api_name, EntityEvent, EntitySink};
use rasp_engine::RequestContext;
use serde::Serialize;

use super::detection::{input_name, Describe, Detection};
use super::query_context;
use crate::args::ExplainEntityArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// Everything `rasp explain entity` reports.
#[derive(Debug, Serialize)]
pub struct EntityExplanation {
    /// `resolve`, `resolve-unseen-body` or `expansion-limit`.
    pub event: &'static str,
    pub api: &'static str,
    pub name: String,
    pub system_id: String,
    pub public_id: String,
    /// The inputs that hold the system id, and whether each also holds a markup declaration.
    pub carriers: Vec<CarrierView>,
    #[serde(flatten)]
    pub detection: Detection<NoDetail>,
}

#[derive(Debug, Serialize)]
pub struct CarrierView {
    pub input: usize,
    pub name: String,
    pub declares: bool,
}

/// Entity checks have no per-occurrence detail.
#[derive(Debug, Serialize)]
pub struct NoDetail;

impl Describe for NoDetail {
    fn describe(&self) -> String {
        String::new()
    }
}

/// Runs `rasp explain entity`.
pub fn run_entity(args: &ExplainEntityArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &args.inputs);
    let event = if args.expansion_limit {
        EntityEvent::ExpansionLimit
    } else if args.unseen_body {
        EntityEvent::ResolveUnseenBody
    } else {
        EntityEvent::Resolve
    };
    let explanation = explain(
        &engine,
        &ctx,
        event,
        &args.name,
        &args.system_id,
        &args.public_id,
    );
    output::print(args.json, "explanation", &explanation, render)
}

/// Explains one entity checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    event: EntityEvent,
    name: &str,
    system_id: &str,
    public_id: &str,
) -> EntityExplanation {
    let carriers = if system_id.is_empty() {
        Vec::new()
    } else {
        ctx.inputs()
            .iter()
            .enumerate()
            .filter(|(_, i)| i.value.contains(system_id))
            .map(|(n, i)| CarrierView {
                input: n,
                name: input_name(ctx, n),
                declares: i.value.contains("<!DOCTYPE") || i.value.contains("<!ENTITY"),
            })
            .collect()
    };
    let explained = engine.engine.explain_entity(
        ctx,
        &EntitySink {
            api: 0,
            event,
            name: name.as_bytes(),
            system_id: system_id.as_bytes(),
            public_id: public_id.as_bytes(),
        },
    );
    EntityExplanation {
        event: match event {
            EntityEvent::Resolve => "resolve",
            EntityEvent::ExpansionLimit => "expansion-limit",
            EntityEvent::ResolveUnseenBody => "resolve-unseen-body",
        },
        api: entity_api_name(0),
        name: name.to_string(),
        system_id: system_id.to_string(),
        public_id: public_id.to_string(),
        carriers,
        detection: Detection::new(engine.setup.clone(), ctx, Vec::new(), &explained, |_| None),
    }
}

/// The human-readable form.
pub fn render(e: &EntityExplanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "event:     {} ({})", e.event, e.api);
    let _ = writeln!(out, "entity:    {}", e.name);
    let _ = writeln!(out, "system id: {}", e.system_id);
    if !e.public_id.is_empty() {
        let _ = writeln!(out, "public id: {}", e.public_id);
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "inputs holding the system id ({}; * = also a markup declaration, the document that declared it):",
        e.carriers.len()
    );
    for c in &e.carriers {
        let mark = if c.declares { "*" } else { "" };
        let _ = writeln!(out, "  #{} {} {mark}", c.input, c.name);
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_resolve(document: &str, system_id: &str) -> EntityExplanation {
        let ctx = query_context("/", &[("xml".into(), document.into())]);
        explain(
            &ExplainEngine::builtin_only(),
            &ctx,
            EntityEvent::Resolve,
            "x",
            system_id,
            "",
        )
    }

    #[test]
    fn an_entity_the_request_declared_is_blocked() {
        let e = explain_resolve(
            r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#,
            "file:///etc/passwd",
        );
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("xxe.external_entity")
        );
        assert!(e.carriers.iter().any(|c| c.declares));
        let text = render(&e);
        assert!(
            text.contains("verdict: BLOCK (xxe.external_entity"),
            "{text}"
        );
    }

    #[test]
    fn the_applications_own_entity_is_allowed() {
        let e = explain_resolve("classpath-included.ent", "classpath-included.ent");
        assert_eq!(e.detection.verdict.action, "allow");
        assert_eq!(e.carriers.len(), 1);
        assert!(!e.carriers[0].declares);
    }
}
