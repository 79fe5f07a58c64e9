//! Input the application transformed before the sink: each row sends a query parameter as the
//! request carried it, builds the sink from the form the application derived (`{}`), and
//! expects the verdict, the rule and the transform the event names. Every attack has a benign
//! twin that went through the same transform.

use rasp_engine::cmd::CommandLine;
use rasp_engine::path::PathOp;
use rasp_engine::sql::Dialect;
use rasp_engine::wire::RequestRecord;
use rasp_engine::{
    Action, CommandSink, ContextLimits, Engine, EngineConfig, PathSink, RequestContext, SqlApi,
    SqlSink,
};

/// What the application did to the value.
#[derive(Clone, Copy, Debug)]
enum App {
    Lower,
    Upper,
    Trim,
    Collapse,
    TrimLower,
    Base64Decode,
    JsonUnescape,
    JsonField,
    HtmlDecode,
    UrlDecode,
    /// `URLDecoder.decode`: `+` is a space.
    FormDecode,
    PathNormalize,
    Verbatim,
}

/// The form the application made of `sent` (the value as the container decoded it).
fn derive(app: App, sent: &str) -> String {
    match app {
        App::Lower => sent.to_lowercase(),
        App::Upper => sent.to_uppercase(),
        App::Trim => sent.trim().to_owned(),
        App::Collapse => sent.split_whitespace().collect::<Vec<_>>().join(" "),
        App::TrimLower => sent.trim().to_lowercase(),
        App::Base64Decode => String::from_utf8(b64(sent)).expect("utf-8"),
        App::JsonUnescape => serde_json::from_str(&format!("\"{sent}\"")).expect("json string"),
        App::JsonField => {
            let v: serde_json::Value = serde_json::from_str(sent).expect("json");
            v["name"].as_str().expect("name").to_owned()
        }
        App::HtmlDecode => sent
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
        App::UrlDecode => percent_decode(sent),
        App::FormDecode => percent_decode(&sent.replace('+', " ")),
        App::PathNormalize => {
            let mut out: Vec<&str> = Vec::new();
            for seg in sent.split('/') {
                match seg {
                    "" | "." => {}
                    ".." if out.last().is_some_and(|l| *l != "..") => {
                        out.pop();
                    }
                    s => out.push(s),
                }
            }
            out.join("/")
        }
        App::Verbatim => sent.to_owned(),
    }
}

fn b64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        _ => 63,
    };
    let bits: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(val).collect();
    let mut out = Vec::new();
    for chunk in bits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (18 - 6 * i)));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}

fn query_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A request with `q` as its only query parameter, carrying `sent`.
fn ctx(sent: &str) -> RequestContext {
    let record = RequestRecord {
        method: "GET".into(),
        uri: "/search".into(),
        query: format!("q={}", query_encode(sent)).into(),
        remote_addr: "127.0.0.1".into(),
        content_type: Default::default(),
        headers: vec![("User-Agent".into(), "Mozilla/5.0 (X11; Linux)".into())],
    };
    RequestContext::new(&record, ContextLimits::default())
}

/// One row: the sink family, its template, what the application did, the value sent, and the
/// expected `(rule, transform)` (None: served without an event).
struct Row {
    sink: Sink,
    template: &'static str,
    app: App,
    sent: &'static str,
    want: Option<(&'static str, &'static str)>,
}

#[derive(Clone, Copy)]
enum Sink {
    Sql,
    Shell,
    Path,
}

const ROWS: &[Row] = &[
    // Decoded once more by URLDecoder, which makes `+` a space.
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::FormDecode,
        sent: "x'+OR+TRUE+OR+'",
        want: Some(("sqli.tautology", "form-decoded")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE id = {}",
        app: App::FormDecode,
        sent: "1+OR+TRUE",
        want: Some(("sqli.tautology", "form-decoded")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::FormDecode,
        sent: "mary+ann%2Dlee",
        want: None,
    },
    // Re-cased.
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::Lower,
        sent: "X' OR TRUE OR '",
        want: Some(("sqli.tautology", "lower-case")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::Lower,
        sent: "Alice O. Smith",
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE code = '{}'",
        app: App::Upper,
        sent: "x' union select password from users --",
        want: Some(("sqli.union", "upper-case")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE code = '{}'",
        app: App::Upper,
        sent: "ab-12 x",
        want: None,
    },
    // Re-spaced.
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::Trim,
        sent: "  x' OR TRUE OR '  ",
        want: Some(("sqli.tautology", "trimmed")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::Trim,
        sent: "  alice smith  ",
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::Collapse,
        sent: "x'   OR\tTRUE  OR '",
        want: Some(("sqli.tautology", "whitespace-collapsed")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::Collapse,
        sent: "alice   smith\tjr",
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE email = '{}'",
        app: App::TrimLower,
        sent: " X' OR TRUE OR 'A ",
        want: Some(("sqli.tautology", "trimmed,lower-case")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE email = '{}'",
        app: App::TrimLower,
        sent: " Alice@Example.COM ",
        want: None,
    },
    // Decoded: a base64 pagination cursor, JSON escapes, a JSON filter, HTML entities, percent.
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name > '{}' ORDER BY name LIMIT 10",
        app: App::Base64Decode,
        sent: "eCcgT1IgVFJVRSBPUiAn", // x' OR TRUE OR '
        want: Some(("sqli.tautology", "base64-decoded")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name > '{}' ORDER BY name LIMIT 10",
        app: App::Base64Decode,
        sent: "YWxpY2Ugc21pdGg=", // alice smith
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name > '{}' ORDER BY name LIMIT 10",
        app: App::Base64Decode,
        sent: "eCcgVU5JT04gU0VMRUNUIDEgLS0", // x' UNION SELECT 1 --, URL-safe, unpadded
        want: Some(("sqli.union", "base64-decoded")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::JsonUnescape,
        sent: "x\\u0027 OR TRUE OR \\u0027",
        want: Some(("sqli.tautology", "json-unescaped")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::JsonUnescape,
        sent: "caf\\u00e9 cr\\u00e8me",
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::JsonField,
        sent: r#"{"name":"x' OR TRUE OR '","page":2}"#,
        want: Some(("sqli.tautology", "json-parsed")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::JsonField,
        sent: r#"{"name":"alice smith","page":2}"#,
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::HtmlDecode,
        sent: "x&#39; OR TRUE OR &#x27;",
        want: Some(("sqli.tautology", "html-decoded")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::HtmlDecode,
        sent: "Fish &amp; Chips",
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::UrlDecode,
        sent: "x%27%20OR%20TRUE%20OR%20%27",
        want: Some(("sqli.tautology", "url-decoded")),
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::UrlDecode,
        sent: "100%25%20cotton",
        want: None,
    },
    // Shell and path sinks get the same forms.
    Row {
        sink: Sink::Shell,
        template: "ping -c 1 {}",
        app: App::Lower,
        sent: "HOST; TOUCH /TMP/PWNED",
        want: Some(("cmdi.shell", "lower-case")),
    },
    Row {
        sink: Sink::Shell,
        template: "ping -c 1 {}",
        app: App::Lower,
        sent: "Example.COM",
        want: None,
    },
    Row {
        sink: Sink::Path,
        template: "/srv/app/files/{}",
        app: App::PathNormalize,
        sent: "..//..//etc/passwd",
        want: Some(("path.traversal", "path-normalized")),
    },
    Row {
        sink: Sink::Path,
        template: "/srv/app/files/{}",
        app: App::PathNormalize,
        sent: "docs//./2024/report.pdf",
        want: None,
    },
    // The application bound the input as a parameter; its own SQL holds the input's words
    // re-cased. Words alone are not re-cased, so the statement's text never stands in.
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM docs WHERE title LIKE ? ORDER BY title",
        app: App::Verbatim,
        sent: "order by",
        want: None,
    },
    Row {
        sink: Sink::Sql,
        template: "SELECT COUNT(*) FROM docs WHERE title LIKE ?",
        app: App::Verbatim,
        sent: "count(*)",
        want: None,
    },
    // Untransformed input keeps its own verdict and names no transform.
    Row {
        sink: Sink::Sql,
        template: "SELECT * FROM users WHERE name = '{}'",
        app: App::Verbatim,
        sent: "x' OR TRUE OR '",
        want: Some(("sqli.tautology", "")),
    },
];

#[test]
fn transformed_input_is_judged_where_its_form_lies() {
    let engine = Engine::new(EngineConfig::default());
    for row in ROWS {
        let ctx = ctx(row.sent);
        let sink_text = row.template.replace("{}", &derive(row.app, row.sent));
        let verdict = match row.sink {
            Sink::Sql => engine.check_sql(
                &ctx,
                &SqlSink {
                    dialect: Dialect::PostgreSql,
                    api: SqlApi::ExecuteQuery,
                    statement: sink_text.as_bytes(),
                },
            ),
            Sink::Shell => engine.check_command(
                &ctx,
                &CommandSink {
                    api: 1,
                    command: &CommandLine {
                        argv: vec!["sh".into(), "-c".into(), sink_text.clone()],
                        env: vec![],
                    },
                },
            ),
            Sink::Path => engine.check_path(
                &ctx,
                &PathSink {
                    api: 0,
                    op: PathOp::Read,
                    path: sink_text.as_bytes(),
                },
            ),
        };
        let what = format!("{:?} {:?} in {sink_text:?}", row.app, row.sent);
        match row.want {
            None => assert_eq!(verdict.action, Action::Allow, "{what}: {verdict:?}"),
            Some((rule, transform)) => {
                assert_eq!(verdict.action, Action::Block, "{what}");
                let event = verdict.event.as_ref().expect("an event");
                assert_eq!(event.rule_id, rule, "{what}");
                let input = event.input.as_ref().expect("names the input");
                assert_eq!(input.name, "q", "{what}");
                assert_eq!(input.value, row.sent, "{what}: the value as sent");
                assert_eq!(input.transform.unwrap_or(""), transform, "{what}");
                if !transform.is_empty() {
                    assert!(
                        input
                            .transformed
                            .as_deref()
                            .is_some_and(|t| sink_text.contains(t)),
                        "{what}: the form is in the sink: {input:?}"
                    );
                }
            }
        }
    }
}

/// A request whose only inputs of note are its headers.
fn header_ctx(headers: &[(&str, &str)]) -> RequestContext {
    let record = RequestRecord {
        method: "GET".into(),
        uri: "/whoami".into(),
        query: Default::default(),
        remote_addr: "127.0.0.1".into(),
        content_type: Default::default(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).into(), (*v).into()))
            .collect(),
    };
    RequestContext::new(&record, ContextLimits::default())
}

/// The parts applications take out of a header: the first hop of `X-Forwarded-For`, the user
/// of a Basic `Authorization`. Each attack names the header as the request carried it and the
/// part; each benign twin took the same part.
#[test]
fn header_parts_are_judged_where_they_lie() {
    let engine = Engine::new(EngineConfig::default());
    let basic = |pair: &str| format!("Basic {}", b64_encode(pair));
    let cases: Vec<(&str, String, String, Option<&str>)> = vec![
        (
            "X-Forwarded-For",
            "x' OR TRUE OR ', 10.0.0.1".to_owned(),
            "x' OR TRUE OR '".to_owned(),
            Some("list-element"),
        ),
        (
            "X-Forwarded-For",
            "203.0.113.9, 10.0.0.1".to_owned(),
            "203.0.113.9".to_owned(),
            None,
        ),
        (
            "Authorization",
            basic("x' OR TRUE OR ':secret"),
            "x' OR TRUE OR '".to_owned(),
            Some("basic-user"),
        ),
        (
            "Authorization",
            basic("o'brien:secret"),
            "o''brien".to_owned(),
            None,
        ),
    ];
    for (name, value, used, want) in cases {
        let ctx = header_ctx(&[(name, &value)]);
        let statement = format!("SELECT * FROM visits WHERE who = '{used}'");
        let verdict = engine.check_sql(
            &ctx,
            &SqlSink {
                dialect: Dialect::PostgreSql,
                api: SqlApi::ExecuteQuery,
                statement: statement.as_bytes(),
            },
        );
        let what = format!("{name}: {value:?} in {statement:?}");
        match want {
            None => assert_eq!(verdict.action, Action::Allow, "{what}: {verdict:?}"),
            Some(transform) => {
                assert_eq!(verdict.action, Action::Block, "{what}");
                let event = verdict.event.as_ref().expect("an event");
                assert_eq!(event.rule_id, "sqli.tautology", "{what}");
                let input = event.input.as_ref().expect("names the input");
                assert_eq!(input.value, value, "{what}: the header as sent");
                assert_eq!(input.transform, Some(transform), "{what}");
                assert_eq!(input.transformed.as_deref(), Some(used.as_str()), "{what}");
            }
        }
    }
}

fn b64_encode(s: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
