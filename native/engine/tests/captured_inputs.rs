//! Values the agent captured where the application read them (`addInputs`), through the whole
//! engine: each is a value the engine's own parse of the raw request never saw, so the check
//! before the capture allows and the one after blocks, and the event names the captured source.

use rasp_engine::input::InputSource;
use rasp_engine::rules::INPUT_OVERFLOW_RULE_ID;
use rasp_engine::sql::Dialect;
use rasp_engine::wire::{CapturedInput, RequestRecord};
use rasp_engine::{Action, ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};

fn engine(config: &str) -> Engine {
    Engine::new(EngineConfig::parse(config).expect("valid config"))
}

fn post(content_type: &str, body: &[u8], limits: ContextLimits) -> RequestContext {
    RequestContext::new(
        &RequestRecord {
            method: "POST".into(),
            uri: "/users".into(),
            query: Default::default(),
            remote_addr: "10.0.0.1".into(),
            content_type: content_type.into(),
            headers: vec![("Content-Type".into(), content_type.into())],
        },
        limits,
    )
    .with_body(body, false)
}

/// Sends `inputs` the way the agent does: one encoded record, decoded by the engine.
fn capture(ctx: &RequestContext, inputs: &[(InputSource, &str, &str)]) -> RequestContext {
    let inputs: Vec<CapturedInput> = inputs
        .iter()
        .map(|&(source, name, value)| CapturedInput {
            source,
            name: name.into(),
            value: value.into(),
        })
        .collect();
    let record = CapturedInput::encode_record(&inputs);
    let decoded = CapturedInput::decode_record(&record).expect("a good record");
    ctx.with_captured(&decoded).expect("something new")
}

fn check(e: &Engine, ctx: &RequestContext, statement: &str) -> rasp_engine::Verdict {
    e.check_sql(
        ctx,
        &SqlSink {
            dialect: Dialect::MySql,
            api: SqlApi::ExecuteQuery,
            statement: statement.as_bytes(),
        },
    )
}

const PAYLOAD: &str = "x' OR '1'='1";
const SQL: &str = "SELECT * FROM users WHERE name = 'x' OR '1'='1'";

struct Case {
    what: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    source: InputSource,
    name: &'static str,
    /// The name the event gives the input.
    event_name: &'static str,
}

#[test]
fn a_captured_value_the_raw_parse_never_saw_is_found_and_blocked() {
    let cases = [
        Case {
            what: "JSON the body capture never saw (read through a stream the agent does not hook)",
            content_type: "application/json",
            body: b"",
            source: InputSource::Json,
            name: "user.name",
            event_name: "$.user.name",
        },
        Case {
            what: "JSON sent as application/octet-stream, which the application parses anyway",
            content_type: "application/octet-stream",
            body: br#"{"user": {"name": "x' OR '1'='1"}}"#,
            source: InputSource::Json,
            name: "user.name",
            event_name: "$.user.name",
        },
        Case {
            what: "an XML element the engine takes as one text body",
            content_type: "application/xml",
            body: b"<user><name>x&apos; OR &apos;1&apos;=&apos;1</name></user>",
            source: InputSource::Xml,
            name: "user/name",
            event_name: "user/name",
        },
        Case {
            what: "a WebSocket message, which never passes through a servlet body",
            content_type: "",
            body: b"",
            source: InputSource::Websocket,
            name: "message",
            event_name: "message",
        },
        Case {
            what: "a zip entry name inside an uploaded file",
            content_type: "application/zip",
            body: b"PK\x03\x04...",
            source: InputSource::ZipEntry,
            name: "entry",
            event_name: "entry",
        },
    ];
    let e = engine("mode=block\n");
    for c in cases {
        let raw = post(c.content_type, c.body, ContextLimits::default());
        assert_eq!(
            check(&e, &raw, SQL).action,
            Action::Allow,
            "{}: raw",
            c.what
        );
        let captured = capture(&raw, &[(c.source, c.name, PAYLOAD)]);
        let verdict = check(&e, &captured, SQL);
        assert_eq!(verdict.action, Action::Block, "{}", c.what);
        let event = verdict.event.expect("an event");
        let input = event.input.as_ref().expect("the input");
        assert_eq!(input.source, c.source, "{}", c.what);
        assert_eq!(input.name, c.event_name, "{}", c.what);
        assert_eq!(input.value, PAYLOAD, "{}", c.what);
        let json = serde_json::to_value(input).expect("serialises");
        assert_eq!(json["source"], c.source.name(), "{}: input.source", c.what);
    }
}

#[test]
fn an_exclusion_names_a_captured_source() {
    let e = engine("mode=block\nexclusion.chat.inputs=websocket:message\n");
    let raw = post("", b"", ContextLimits::default());
    let ws = capture(&raw, &[(InputSource::Websocket, "message", PAYLOAD)]);
    assert_eq!(check(&e, &ws, SQL).action, Action::Allow);
    let json = capture(&raw, &[(InputSource::Json, "message", PAYLOAD)]);
    assert_eq!(
        check(&e, &json, SQL).action,
        Action::Block,
        "another source"
    );
}

#[test]
fn captured_input_past_its_budget_gets_the_overflow_verdict() {
    let limits = ContextLimits {
        max_input_bytes: 1024,
    };
    let raw = post("application/json", b"{}", limits);
    let big = "a".repeat(limits.max_captured_bytes());
    let over = capture(&raw, &[(InputSource::Json, "blob", &big)]);
    let benign = "SELECT 1";
    for (config, want) in [
        ("mode=block\n", Action::Block),
        ("mode=block\non_overflow=monitor\n", Action::Monitor),
        ("mode=block\non_overflow=allow\n", Action::Allow),
    ] {
        let e = engine(config);
        assert_eq!(check(&e, &raw, benign).action, Action::Allow, "{config}");
        let verdict = check(&e, &over, benign);
        assert_eq!(verdict.action, want, "{config}");
        if let Some(event) = verdict.event {
            assert_eq!(event.rule_id, INPUT_OVERFLOW_RULE_ID, "{config}");
        }
    }
}
