//! Table-driven path traversal tests: the path the application builds (`{}` is the input), the
//! input, the operation and the expected verdict. Every attack has a benign twin.

use rasp_engine::input::{Input, InputSource};
use rasp_engine::path::{detect, PathOp, PathRule};
use rasp_engine::{ContextLimits, RequestContext};

use PathOp::*;
use PathRule::*;

#[test]
fn paths() {
    let cases: &[(&str, &str, PathOp, Option<PathRule>)] = &[
        (
            "/srv/app/uploads/{}",
            "../../../etc/passwd",
            Read,
            Some(Traversal),
        ),
        ("/srv/app/uploads/{}", "report..v2.pdf", Read, None),
        ("/srv/app/uploads/{}", "a/b/c.txt", Read, None),
        ("/srv/app/uploads/{}", "a/../b.txt", Read, None),
        (
            "/srv/app/uploads/{}",
            "a/../../b.txt",
            Read,
            Some(Traversal),
        ),
        ("/srv/app/uploads/{}", "..", List, Some(Traversal)),
        ("/srv/app/uploads/{}", ".profile", Read, None),
        (
            "/srv/app/uploads/{}",
            "..\\..\\windows\\win.ini",
            Read,
            Some(Traversal),
        ),
        (
            "/srv/app/uploads/{}",
            "..\\notes.txt",
            Read,
            Some(Traversal),
        ),
        (
            "/srv/app/uploads/{}.txt",
            "../../etc/passwd\0",
            Read,
            Some(Nul),
        ),
        ("/srv/app/uploads/{}.txt", "notes", Read, None),
        ("/srv/app/uploads/{}", "./././x.txt", Read, None),
        (
            "/srv/app/uploads/user-{}",
            "1/../../../etc/hosts",
            Read,
            Some(Traversal),
        ),
        ("/srv/app/uploads/user-{}", "1/avatar.png", Read, None),
        ("{}", "/etc/passwd", Read, Some(Absolute)),
        ("{}srv/app/templates/login.html", "/", Read, None),
        ("{}Windows\\win.ini", "C:\\", Read, None),
        ("{}", "notes/today.txt", Read, None),
        ("{}", "../secret.txt", Read, Some(Traversal)),
        ("{}", "C:\\Windows\\win.ini", Read, Some(Absolute)),
        (
            "/srv/app/webapps/ROOT/{}",
            "shell.jsp",
            Write,
            Some(ServerPage),
        ),
        ("/srv/app/webapps/ROOT/{}", "shell.jsp", Read, None),
        (
            "/srv/app/webapps/ROOT/{}",
            "shell.JSPX",
            Write,
            Some(ServerPage),
        ),
        ("/srv/app/webapps/ROOT/{}", "notes.txt", Write, None),
        ("/srv/app/uploads/{}/x", "..", Delete, Some(Traversal)),
        ("/srv/app/uploads/{}/x", "2024", Delete, None),
    ];
    for (template, input, op, want) in cases {
        let path = template.replace("{}", input);
        let ctx = RequestContext::from_inputs(
            vec![
                Input::value(InputSource::Query, "file", *input),
                Input::value(InputSource::Header, "Accept", "text/html,*/*;q=0.8"),
            ],
            ContextLimits::default(),
        );
        let got = detect(&ctx, path.as_bytes(), *op).map(|f| f.rule);
        assert_eq!(got, *want, "input {input:?} in {path:?} ({op:?})");
    }
}

#[test]
fn an_absolute_path_the_application_built_is_fine() {
    let ctx = RequestContext::from_inputs(
        vec![Input::value(InputSource::Query, "name", "x-1.txt")],
        ContextLimits::default(),
    );
    assert_eq!(detect(&ctx, b"/etc/app/config.properties", Read), None);
    assert_eq!(detect(&ctx, b"/srv/data/x-1.txt", Read), None);
}

#[test]
fn path_events_carry_the_operation() {
    use rasp_engine::{Engine, EngineConfig, PathSink};
    let ctx = RequestContext::from_inputs(
        vec![Input::value(InputSource::Query, "file", "../../etc/passwd")],
        ContextLimits::default(),
    );
    let verdict = Engine::new(EngineConfig::default()).check_path(
        &ctx,
        &PathSink {
            api: 0,
            op: Write,
            path: b"/srv/uploads/../../etc/passwd",
        },
    );
    let event = verdict.event.expect("event");
    assert_eq!(event.sink.op, Some("write"));
    assert_eq!(event.sink.dialect, None);
    assert_eq!(event.sink.kind, "path");
}

#[test]
fn backslash_traversal_normalised_by_the_application_is_caught() {
    // The request carries `..\..\x`; the application turns backslashes into slashes.
    let record = rasp_engine::wire::RequestRecord {
        method: "GET".into(),
        uri: "/files".into(),
        query: "name=..%5C..%5Coutside%5Csecret.txt".into(),
        ..Default::default()
    };
    let ctx = RequestContext::new(&record, ContextLimits::default());
    let f = detect(&ctx, b"/srv/app/files/../../outside/secret.txt", Read).expect("caught");
    assert_eq!(f.rule, Traversal);
    // The event reports the value as the request carried it, and the form that matched.
    let verdict = rasp_engine::Engine::new(rasp_engine::EngineConfig::default()).check_path(
        &ctx,
        &rasp_engine::PathSink {
            api: 0,
            op: Read,
            path: b"/srv/app/files/../../outside/secret.txt",
        },
    );
    let input = verdict.event.expect("event").input.expect("input");
    assert_eq!(input.value, "..\\..\\outside\\secret.txt");
    assert_eq!(input.transform, Some("backslash-to-slash"));
    assert_eq!(
        input.transformed.as_deref(),
        Some("../../outside/secret.txt")
    );
}
