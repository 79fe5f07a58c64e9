//! Path shapes beyond one input in one template: several inputs building one path, absolute
//! inputs that only name a leading directory, metadata and link operations, paths the
//! application normalised before opening them, and `file:` URLs. Table-driven: the inputs
//! (`name=value`), the path the application uses, the operation, the expected verdict. Every
//! attack has a benign twin.

use rasp_engine::input::{Input, InputSource};
use rasp_engine::path::file_url::FILE_URL_API;
use rasp_engine::path::{detect, PathOp, PathRule};
use rasp_engine::{Action, ContextLimits, Engine, EngineConfig, PathSink, RequestContext};

use PathOp::*;
use PathRule::*;

/// Request inputs as `(name, value)` query parameters.
type Inputs<'a> = &'a [(&'a str, &'a str)];

fn context(inputs: Inputs<'_>) -> RequestContext {
    let mut all: Vec<Input> = inputs
        .iter()
        .map(|(n, v)| Input::value(InputSource::Query, *n, *v))
        .collect();
    all.push(Input::value(
        InputSource::Header,
        "Accept",
        "text/html,*/*;q=0.8",
    ));
    RequestContext::from_inputs(all, ContextLimits::default())
}

#[test]
fn several_inputs_and_leading_directories() {
    #[rustfmt::skip]
    let cases: &[(Inputs<'_>, &str, PathOp, Option<PathRule>)] = &[
        // `..` that only undoes what another input added stays where the application meant.
        (&[("cwd", "sub"), ("path", "..")], "/base/sub/..", List, None),
        (&[("cwd", "sub"), ("path", "../..")], "/base/sub/../..", List, Some(Traversal)),
        (&[("cwd", "a/b"), ("path", "../../x.txt")], "/base/a/b/../../x.txt", Read, None),
        (&[("cwd", "a/b"), ("path", "../../../x.txt")], "/base/a/b/../../../x.txt", Read, Some(Traversal)),
        (&[("cwd", "sub"), ("path", "../x.txt")], "/base/sub/../x.txt", Read, None),
        (&[("cwd", "sub"), ("path", "../../etc/passwd")], "/base/sub/../../etc/passwd", Read, Some(Traversal)),
        // A decoy repeating the application's own directory moves nothing back to the root.
        (&[("x", "/srv/app/uploads"), ("file", "../../../etc/passwd")], "/srv/app/uploads/../../../etc/passwd", Read, Some(Traversal)),
        (&[("x", "srv"), ("y", "app"), ("z", "uploads"), ("file", "../../../etc/passwd")], "/srv/app/uploads/../../../etc/passwd", Read, Some(Traversal)),
        (&[("x", "/srv/app/uploads"), ("file", "b.txt")], "/srv/app/uploads/2024/b.txt", Read, None),
        // A directory and a name both from input: the input decided where the path points.
        (&[("x", "/srv/app/uploads"), ("file", "a/b.txt")], "/srv/app/uploads/a/b.txt", Read, Some(Absolute)),
        // An absolute input that merely equals a leading directory of the application's path.
        (&[("next", "/app")], "/app/config/x.yml", Read, None),
        (&[("next", "/home")], "/home/app/data/report.pdf", Metadata, None),
        (&[("next", "/app/")], "/app/config/x.yml", Read, None),
        (&[("next", "C:\\app")], "C:\\app\\config\\x.yml", Read, None),
        // ... and one that decides where the path points.
        (&[("file", "/etc/passwd")], "/etc/passwd", Read, Some(Absolute)),
        (&[("file", "/etc/passwd")], "/etc/passwd.txt", Read, Some(Absolute)),
        (&[("file", "/var/www/../etc")], "/var/www/../etc/x.conf", Read, Some(Absolute)),
        (&[("dir", "/etc"), ("file", "passwd")], "/etc/passwd", Read, Some(Absolute)),
        (&[("dir", "/etc"), ("file", "ssh/sshd_config")], "/etc/ssh/sshd_config", Read, Some(Absolute)),
        (&[("dir", "/etc")], "/etc/app/passwd", Read, None),
        (&[("file", "C:\\Windows\\win.ini")], "C:\\Windows\\win.ini", Read, Some(Absolute)),
        // Metadata and links are judged like any access.
        (&[("file", "../../../etc/passwd")], "/srv/app/uploads/../../../etc/passwd", Metadata, Some(Traversal)),
        (&[("file", "report.pdf")], "/srv/app/uploads/report.pdf", Metadata, None),
        (&[("target", "../../../etc/passwd")], "../../../etc/passwd", Link, Some(Traversal)),
        (&[("target", "report.pdf")], "report.pdf", Link, None),
        (&[("name", "shell.jsp")], "/srv/app/webapps/ROOT/shell.jsp", Link, Some(ServerPage)),
        (&[("name", "shell.jsp")], "/srv/app/webapps/ROOT/shell.jsp", Metadata, None),
        // A separator doubled by the input.
        (&[("file", "..//..//etc/passwd")], "/srv/files/..//..//etc/passwd", Read, Some(Traversal)),
        (&[("file", "a//b.txt")], "/srv/files/a//b.txt", Read, None),
    ];
    for (inputs, path, op, want) in cases {
        let ctx = context(inputs);
        let got = detect(&ctx, path.as_bytes(), *op).map(|f| f.rule);
        assert_eq!(got, *want, "inputs {inputs:?} in {path:?} ({op:?})");
    }
}

fn check(
    inputs: Inputs<'_>,
    api: i32,
    op: PathOp,
    path: &str,
    written: Option<&str>,
) -> rasp_engine::Verdict {
    let ctx = context(inputs);
    let engine = Engine::new(EngineConfig::default());
    let sink = PathSink {
        api,
        op,
        path: path.as_bytes(),
    };
    match written {
        Some(w) => engine.check_path_written(&ctx, &sink, w.as_bytes()),
        None => engine.check_path(&ctx, &sink),
    }
}

#[test]
fn paths_normalised_by_the_application_are_judged_as_written() {
    // (input, path opened, path as written, expected action)
    #[rustfmt::skip]
    let cases: &[(&str, &str, &str, Action)] = &[
        // getCanonicalFile() and a prefix test that forgot the separator.
        ("../files_private/secret.txt", "/srv/files_private/secret.txt", "/srv/files/../files_private/secret.txt", Action::Block),
        ("sub/../report.txt", "/srv/files/report.txt", "/srv/files/sub/../report.txt", Action::Allow),
        // File collapsing `//`.
        ("..//..//etc/passwd", "/srv/files/../../etc/passwd", "/srv/files/..//..//etc/passwd", Action::Block),
        ("a//b.txt", "/srv/files/a/b.txt", "/srv/files/a//b.txt", Action::Allow),
        // Path.normalize() of ./ segments.
        ("./.././../etc/passwd", "/etc/passwd", "/srv/files/./.././../etc/passwd", Action::Block),
        ("./report.txt", "/srv/files/report.txt", "/srv/files/./report.txt", Action::Allow),
    ];
    for (input, opened, written, want) in cases {
        let inputs = [("file", *input)];
        let v = check(&inputs, 0, Read, opened, Some(written));
        assert_eq!(v.action, *want, "{input:?}: {opened:?} written {written:?}");
        if *want == Action::Block {
            let event = v.event.expect("event");
            assert_eq!(event.rule_id, "path.traversal");
            // The event shows the written form, where the input is, and the path opened.
            assert_eq!(event.sink.value, *written);
            let got = event.input.expect("input");
            assert_eq!(got.value, *input);
            assert_eq!(got.transform, Some("path-normalized"));
            assert_eq!(got.transformed.as_deref(), Some(*opened));
        }
        // Without the written form the opened path alone says nothing of the input.
        if !opened.contains(input) {
            assert_eq!(check(&inputs, 0, Read, opened, None).action, Action::Allow);
        }
    }
}

#[test]
fn file_urls_are_judged_by_the_path_they_name() {
    // (inputs, path the URL handler opens, expected rule)
    #[rustfmt::skip]
    let cases: &[(Inputs<'_>, &str, Option<&str>)] = &[
        (&[("url", "file:///etc/passwd")], "/etc/passwd", Some("path.absolute")),
        (&[("url", "file:/etc/hostname")], "/etc/hostname", Some("path.absolute")),
        (&[("url", "FILE://localhost/etc/passwd")], "/etc/passwd", Some("path.absolute")),
        (&[("url", "file:///srv/docs/%2e%2e/%2e%2e/etc/passwd")], "/srv/docs/../../etc/passwd", Some("path.absolute")),
        (&[("url", "https://example.com/x")], "/etc/passwd", None),
        (&[("name", "guide.txt")], "/srv/docs/guide.txt", None),
        (&[("name", "../../etc/hostname")], "/srv/docs/../../etc/hostname", Some("path.traversal")),
        (&[("name", "a/guide.txt")], "/srv/docs/a/guide.txt", None),
    ];
    for (inputs, path, want) in cases {
        let v = check(inputs, FILE_URL_API, Read, path, None);
        let got = v.event.as_ref().map(|e| e.rule_id.as_str());
        assert_eq!(got, *want, "{inputs:?} opening {path:?}");
        if let Some(e) = v
            .event
            .as_ref()
            .filter(|_| inputs[0].1.starts_with("file") || inputs[0].1.starts_with("FILE"))
        {
            let input = e.input.as_ref().expect("input");
            assert_eq!(input.transform, Some("file-url"));
            assert_eq!(input.transformed.as_deref(), Some(*path));
            assert_eq!(
                e.sink.api,
                "sun.net.www.protocol.file.FileURLConnection.connect"
            );
        }
    }
    // The same input at an ordinary file API is not read as a URL.
    let v = check(
        &[("url", "file:///etc/passwd")],
        0,
        Read,
        "/etc/passwd",
        None,
    );
    assert_eq!(v.action, Action::Allow);
}

#[test]
fn metadata_and_link_ops_have_codes_and_names() {
    assert_eq!(PathOp::from_code(5), Metadata);
    assert_eq!(PathOp::from_code(6), Link);
    assert_eq!(Metadata.name(), "metadata");
    assert_eq!(Link.name(), "link");
    assert_eq!(
        rasp_engine::engine::path_api_name(17),
        "java.io.File.exists"
    );
    assert_eq!(
        rasp_engine::engine::path_api_name(38),
        "java.nio.file.spi.FileSystemProvider.createSymbolicLink"
    );
    let v = check(
        &[("f", "../../etc/passwd")],
        17,
        Metadata,
        "/srv/x/../../etc/passwd",
        None,
    );
    let e = v.event.expect("event");
    assert_eq!(e.sink.op, Some("metadata"));
    assert_eq!(e.sink.api, "java.io.File.exists");
}
