//! `rasp explain class`: one class a deserializer is about to instantiate. The findings and
//! the verdict come from [`rasp_engine::Engine::explain_class`]: the deny-list rules of sink
//! kind `class` and, with `--config deser.allowed_classes=...`, the allow-list. Request input
//! plays no part in the judgement, so the explanation shows the class an array stands for
//! instead of input occurrences.

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::deser::{class_api_name, element_class};
use rasp_engine::{ClassSink, RequestContext};
use serde::Serialize;

use super::detection::{Describe, Detection};
use super::query_context;
use crate::args::ExplainClassArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// Everything `rasp explain class` reports.
#[derive(Debug, Serialize)]
pub struct ClassExplanation {
    pub api: &'static str,
    /// The name as the stream spells it.
    pub name: String,
    /// The class the rules and the allow-list judge (an array's element class); `None` for an
    /// array of primitives, which is never judged.
    pub judged: Option<String>,
    #[serde(flatten)]
    pub detection: Detection<NoDetail>,
}

/// Class checks have no input occurrences to describe.
#[derive(Debug, Serialize)]
pub struct NoDetail;

impl Describe for NoDetail {
    fn describe(&self) -> String {
        String::new()
    }
}

/// Runs `rasp explain class`.
pub fn run_class(args: &ExplainClassArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &[]);
    let api = args.api.unwrap_or(i32::from(args.proxy));
    let explanation = explain(&engine, &ctx, api, &args.name);
    output::print(args.json, "explanation", &explanation, render)
}

/// Explains one deserialized class checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    api: i32,
    name: &str,
) -> ClassExplanation {
    let explained = engine.engine.explain_class(
        ctx,
        &ClassSink {
            api,
            name: name.as_bytes(),
        },
    );
    ClassExplanation {
        api: class_api_name(api),
        name: name.to_string(),
        judged: element_class(name.as_bytes()).map(|r| name[r].to_string()),
        detection: Detection::new(engine.setup.clone(), ctx, Vec::new(), &explained, |_| None),
    }
}

/// The human-readable form.
pub fn render(e: &ClassExplanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "api:    {}", e.api);
    let _ = writeln!(out, "class:  {}", e.name);
    match &e.judged {
        Some(judged) if judged != &e.name => {
            let _ = writeln!(out, "judged: {judged} (the array's element class)");
        }
        Some(_) => {}
        None => {
            let _ = writeln!(out, "judged: nothing (an array of primitives)");
        }
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::args::EngineArgs;

    fn engine(config: &[&str]) -> ExplainEngine {
        let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules");
        explain_engine(&EngineArgs {
            rules: Some(rules),
            no_rules: false,
            config: config.iter().map(|c| c.to_string()).collect(),
            route: "/".into(),
        })
        .expect("the repository's rules load")
    }

    fn explain_class(engine: &ExplainEngine, name: &str) -> ClassExplanation {
        explain(engine, &query_context("/", &[]), 0, name)
    }

    #[test]
    fn a_gadget_class_is_blocked_by_its_rule() {
        let e = explain_class(
            &engine(&[]),
            "org.apache.commons.collections.functors.InvokerTransformer",
        );
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("deser.gadget.commons_collections")
        );
        assert_eq!(e.detection.verdict.action, "block");
        let text = render(&e);
        assert!(
            text.contains("verdict: BLOCK (deser.gadget.commons_collections"),
            "{text}"
        );
    }

    #[test]
    fn the_api_names_the_deserializer_and_leaves_the_judgement_alone() {
        let engine = engine(&[]);
        let ctx = query_context("/", &[]);
        let e = explain(&engine, &ctx, 3, "java.beans.EventHandler");
        assert_eq!(
            e.api,
            "com.thoughtworks.xstream.mapper.CachingMapper.realClass"
        );
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("deser.gadget.jdk_constructors")
        );
        let e = explain(&engine, &ctx, 4, "java.io.FileOutputStream");
        assert_eq!(
            e.api,
            "com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver.typeFromId"
        );
        assert_eq!(e.detection.verdict.action, "block");
    }

    #[test]
    fn an_array_is_judged_by_its_element_and_a_collection_is_allowed() {
        let engine = engine(&[]);
        let e = explain_class(
            &engine,
            "[Lcom.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl;",
        );
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("deser.gadget.templates_impl")
        );
        assert!(render(&e).contains("(the array's element class)"));
        let e = explain_class(&engine, "java.util.ArrayList");
        assert_eq!(e.detection.verdict.action, "allow");
        assert!(e.detection.findings.is_empty());
        let e = explain_class(&engine, "[B");
        assert_eq!(e.judged, None);
        assert_eq!(e.detection.verdict.action, "allow");
    }

    #[test]
    fn the_allow_list_refuses_what_it_does_not_name() {
        let engine = engine(&["deser.allowed_classes=com.example.dto.**,java.util.ArrayList"]);
        assert_eq!(
            explain_class(&engine, "com.example.dto.order.Line")
                .detection
                .verdict
                .action,
            "allow"
        );
        let e = explain_class(&engine, "java.util.HashMap");
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("deser.not_allowed")
        );
        // A gadget outside the list: both findings, the built-in one first.
        let e = explain_class(&engine, "javax.management.BadAttributeValueExpException");
        let ids: Vec<&str> = e
            .detection
            .findings
            .iter()
            .map(|f| f.rule.as_str())
            .collect();
        assert_eq!(
            ids,
            ["deser.not_allowed", "deser.gadget.bad_attribute_value"]
        );
    }
}
