//! Rules of the sink kinds whose checks have a detector of their own (`url`, `jndi`, `expr`,
//! `xml`): each fixture rule fires in its check with the rule's mode, with a benign twin the
//! rule leaves alone, and with the built-in finding of the check kept alongside.
//! Rules are compiled from `tests/fixtures/eval/sinks/` and loaded with each backend.

use std::path::Path;
use std::sync::Arc;

use rasp_engine::engine::{EntityEvent, EntitySink};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::rules::{compile_dir, BackendChoice, RuleSet};
use rasp_engine::{
    Action, ContextLimits, Engine, EngineConfig, ExprApi, ExprSink, JndiSink, RequestContext,
    UrlApi, UrlSink, Verdict,
};

fn engines() -> Vec<Engine> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/sinks");
    let compiled = compile_dir(&dir).unwrap_or_else(|d| {
        let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
        panic!("the fixture does not compile:\n{}", lines.join("\n"))
    });
    [BackendChoice::Auto, BackendChoice::Portable]
        .into_iter()
        .map(|choice| {
            let set = RuleSet::load(&compiled.bytes, choice).expect("fixture loads");
            Engine::with_rules(EngineConfig::default(), Arc::new(set)).expect("rule ids exist")
        })
        .collect()
}

fn query(params: &[(&str, &str)]) -> RequestContext {
    RequestContext::from_inputs(
        params
            .iter()
            .map(|(n, v)| Input::value(InputSource::Query, *n, *v))
            .collect(),
        ContextLimits::default(),
    )
}

fn rule(v: &Verdict) -> Option<&str> {
    v.event.as_ref().map(|e| e.rule_id.as_str())
}

fn url(e: &Engine, ctx: &RequestContext, url: &str) -> Verdict {
    let sink = UrlSink {
        api: UrlApi::UrlOpenConnection,
        url: url.as_bytes(),
        address: None,
        origin: None,
    };
    e.check_url(ctx, &sink).verdict
}

#[test]
fn a_url_rule_fires_at_a_connection_the_application_built() {
    for e in engines() {
        let none = query(&[]);
        let v = url(
            &e,
            &none,
            "http://metadata.example/latest/meta-data/iam/security-credentials/admin",
        );
        assert_eq!(v.action, Action::Block);
        assert_eq!(rule(&v), Some("fixture.url.metadata_path"));
        let event = v.event.as_ref().unwrap();
        assert_eq!(event.sink.kind, "url");
        assert_eq!(event.category, "ssrf");

        let twin = url(&e, &none, "https://api.example.com/latest/news");
        assert_eq!(twin.action, Action::Allow, "benign twin");
    }
}

#[test]
fn the_builtin_ssrf_finding_is_kept_next_to_a_url_rule() {
    for e in engines() {
        let ctx = query(&[("host", "127.0.0.1")]);
        let x = e.explain_url(
            &ctx,
            &UrlSink {
                api: UrlApi::UrlOpenConnection,
                url: b"http://127.0.0.1/latest/meta-data/iam/security-credentials/r",
                address: None,
                origin: None,
            },
        );
        let ids: Vec<&str> = x.findings.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(ids, ["ssrf.internal", "fixture.url.metadata_path"]);
    }
}

#[test]
fn a_jndi_rule_needs_the_input_in_the_name() {
    for e in engines() {
        let name = "java:comp/env/x;javaSerializedData";
        let sink = JndiSink {
            api: 0,
            name: name.as_bytes(),
        };
        let v = e.check_jndi(&query(&[("entry", "x;javaSerializedData")]), &sink);
        assert_eq!(v.action, Action::Block);
        assert_eq!(rule(&v), Some("fixture.jndi.serialized_data"));
        assert_eq!(v.event.as_ref().unwrap().sink.kind, "jndi");

        let twin = e.check_jndi(&query(&[("entry", "users")]), &sink);
        assert_eq!(twin.action, Action::Allow, "the input is not in the name");
    }
}

#[test]
fn an_expr_rule_fires_where_its_match_overlaps_the_input() {
    for e in engines() {
        let sink = ExprSink {
            api: ExprApi::Spel,
            expression: b"name == 'nashorn-1.0'",
        };
        let v = e.check_expression(&query(&[("engine", "nashorn-1.0")]), &sink);
        assert_eq!(v.action, Action::Block);
        assert_eq!(rule(&v), Some("fixture.expr.script_engine"));
        assert_eq!(v.event.as_ref().unwrap().sink.kind, "expr");

        let twin = e.check_expression(&query(&[("engine", "rhino-1.7")]), &sink);
        assert_eq!(twin.action, Action::Allow, "the match is the application's");
    }
}

#[test]
fn an_xml_rule_sees_the_id_to_resolve_and_not_the_bomb_entity() {
    for e in engines() {
        let none = query(&[]);
        let resolve = |id: &'static [u8], event| EntitySink {
            api: 0,
            event,
            name: b"x",
            system_id: id,
            public_id: b"",
        };
        let v = e.check_entity(&none, &resolve(b"expect://id", EntityEvent::Resolve));
        assert_eq!(v.action, Action::Monitor, "the rule's mode");
        assert_eq!(rule(&v), Some("fixture.xml.expect_scheme"));
        assert_eq!(v.event.as_ref().unwrap().sink.kind, "xml");

        let twin = e.check_entity(
            &none,
            &resolve(b"http://schemas.example.com/a.dtd", EntityEvent::Resolve),
        );
        assert_eq!(twin.action, Action::Allow);
    }
}
