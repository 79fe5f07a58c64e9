//! End-to-end tests of `rasp events summary` and `rasp events report`, over event files made
//! with the engine's own `Event` serializer, so the fixture has the shape the agent writes.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::*;
use rasp_engine::event::{Event, EventRequest, EventSink, Span};
use rasp_engine::input::{EventInput, InputPart, InputSource};
use serde_json::Value;

const HOSTILE: &str = "<script>alert(1)</script>' OR '1'='1";

/// One fixture event: seconds after 2026-11-25T02:00:00Z, and what it says.
struct Spec {
    at: &'static str,
    action: &'static str,
    rule: &'static str,
    category: &'static str,
    path: &'static str,
    client: &'static str,
    input: Option<(InputSource, &'static str, &'static str)>,
}

const fn spec(
    at: &'static str,
    action: &'static str,
    rule: &'static str,
    category: &'static str,
    path: &'static str,
    client: &'static str,
    input: Option<(InputSource, &'static str, &'static str)>,
) -> Spec {
    Spec {
        at,
        action,
        rule,
        category,
        path,
        client,
        input,
    }
}

/// Nine events in 02:00–03:00: 7 blocked, 2 monitored. The first five go to `a.jsonl`, the
/// others to `b.jsonl.gz`.
fn fixture() -> Vec<Spec> {
    use InputSource::{Form, Parameter, Query};
    vec![
        spec(
            "02:00:05",
            "blocked",
            "sqli.tautology",
            "sqli",
            "/h2/users",
            "10.0.0.1",
            Some((Query, "name", "' OR '1'='1")),
        ),
        spec(
            "02:00:35",
            "blocked",
            "sqli.tautology",
            "sqli",
            "/h2/users",
            "10.0.0.1",
            Some((Query, "name", "' OR 2>1 --")),
        ),
        spec(
            "02:01:10",
            "blocked",
            "sqli.union",
            "sqli",
            "/h2/users",
            "10.0.0.2",
            Some((Query, "name", "' UNION SELECT pw FROM u --")),
        ),
        spec(
            "02:05:00",
            "monitored",
            "sig.sqli.tautology",
            "sqli",
            "/search",
            "10.0.0.2",
            Some((Query, "q", "1' or 'a'='a")),
        ),
        spec(
            "02:10:00",
            "blocked",
            "cmdi.shell",
            "cmdi",
            "/ping",
            "10.0.0.3",
            Some((Query, "host", "127.0.0.1; cat /etc/passwd")),
        ),
        spec(
            "02:10:30",
            "blocked",
            "path.traversal",
            "path",
            "/files",
            "10.0.0.1",
            Some((Parameter, "file", "../../etc/passwd")),
        ),
        spec(
            "02:30:00",
            "monitored",
            "sig.sqli.tautology",
            "sqli",
            "/search",
            "10.0.0.1",
            Some((Form, "q", "x' or 'b'='b")),
        ),
        spec(
            "02:45:00",
            "blocked",
            "deser.gadget.commons_collections",
            "deser",
            "/upload",
            "10.0.0.4",
            None,
        ),
        spec(
            "02:59:59",
            "blocked",
            "sqli.tautology",
            "sqli",
            "/h2/users",
            "10.0.0.1",
            Some((Query, "name", HOSTILE)),
        ),
    ]
}

fn event_line(s: &Spec, time: String, n: usize) -> String {
    let (sink, input) = match s.input {
        Some((source, name, value)) => {
            let statement = format!("SELECT id FROM users WHERE name = '{value}'");
            let start = statement.find(value).expect("value in statement");
            let sink = EventSink::new(
                "sql",
                "java.sql.Statement.executeQuery",
                Some("h2"),
                statement.as_bytes(),
                Some(Span {
                    start,
                    end: start + value.len(),
                }),
            );
            let input = EventInput {
                source,
                name: name.into(),
                part: InputPart::Value,
                value: value.into(),
                transform: None,
                transformed: None,
            };
            (sink, Some(input))
        }
        None => (
            EventSink::new(
                "class",
                "java.io.ObjectInputStream.resolveClass",
                None,
                b"org.apache.commons.collections.functors.InvokerTransformer",
                None,
            ),
            None,
        ),
    };
    let event = Event {
        time,
        event_id: format!("ev-{n}"),
        request_id: format!("rq-{n}"),
        action: s.action,
        block_response: None,
        rule_id: s.rule.into(),
        category: s.category.into(),
        confidence: "high",
        message: format!("{} finding", s.rule),
        rule_set: "rasp-default@2026.11.0+1a2b3c4d".into(),
        other_rules: Vec::new(),
        input,
        sink,
        request: EventRequest {
            method: "GET".into(),
            path: s.path.into(),
            client: s.client.into(),
        },
        handoff: None,
        stack: vec!["com.example.App.handle(App.java:42)".into()],
        agent_version: "0.1.0".into(),
    };
    let mut event = event;
    event.complete(None, None, rasp_engine::event::BlockResponse::Sent);
    serde_json::to_string(&event).expect("serialises")
}

fn fixture_line(s: &Spec, n: usize) -> String {
    event_line(s, format!("2026-11-25T{}.000Z", s.at), n)
}

/// `a.jsonl` (five events, a blank line and three lines that are not events, the first at
/// line 3) and `b.jsonl.gz` (four events, gzip).
struct Files {
    dir: TempDir,
}

impl Files {
    fn new(name: &str) -> Files {
        let dir = TempDir::new(name);
        let specs = fixture();
        let lines: Vec<String> = specs
            .iter()
            .enumerate()
            .map(|(n, s)| fixture_line(s, n))
            .collect();
        let a = [
            lines[0].as_str(),
            lines[1].as_str(),
            "this is not JSON",
            lines[2].as_str(),
            r#"{"time":"yesterday","action":"blocked","rule_id":"x"}"#,
            "",
            lines[3].as_str(),
            lines[4].as_str(),
            r#"{"time":"2026-11-25T02:00:00Z","action":"blo"#,
        ]
        .join("\n");
        dir.write("a.jsonl", &format!("{a}\n"));
        let b = format!("{}\n", lines[5..].join("\n"));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b.as_bytes()).expect("compresses");
        std::fs::write(
            dir.path().join("b.jsonl.gz"),
            gz.finish().expect("compresses"),
        )
        .expect("write gz");
        Files { dir }
    }

    fn a(&self) -> String {
        self.path("a.jsonl")
    }

    fn b(&self) -> String {
        self.path("b.jsonl.gz")
    }

    fn path(&self, name: &str) -> String {
        self.dir
            .path()
            .join(name)
            .to_str()
            .expect("UTF-8")
            .to_string()
    }
}

fn summary(args: &[&str]) -> Value {
    let mut all = vec!["events", "summary", "--json"];
    all.extend_from_slice(args);
    rasp_json(&all)
}

#[test]
fn summary_counts_every_dimension() {
    let f = Files::new("summary");
    let v = summary(&[&f.a(), &f.b()]);
    assert_eq!(v["events"], 9);
    assert_eq!(v["filtered_out"], 0);
    assert_eq!(v["first"], "2026-11-25T02:00:05Z");
    assert_eq!(v["last"], "2026-11-25T02:59:59Z");
    assert_eq!(
        v["by_action"],
        serde_json::json!({"blocked": 7, "monitored": 2})
    );
    assert_eq!(
        v["by_category"],
        serde_json::json!({"sqli": 6, "cmdi": 1, "path": 1, "deser": 1})
    );
    assert_eq!(
        v["by_source"],
        serde_json::json!({"query": 6, "parameter": 1, "form": 1, "(no input)": 1})
    );
    assert_eq!(
        v["by_client"],
        serde_json::json!({"10.0.0.1": 5, "10.0.0.2": 2, "10.0.0.3": 1, "10.0.0.4": 1})
    );
    assert_eq!(v["by_sink"], serde_json::json!({"sql": 8, "class": 1}));

    let rules = v["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 6);
    assert_eq!(rules[0]["id"], "sqli.tautology");
    assert_eq!(rules[0]["events"], 3);
    assert_eq!(rules[0]["blocked"], 3);
    assert_eq!(rules[0]["first"]["time"], "2026-11-25T02:00:05.000Z");
    assert_eq!(rules[0]["first"]["event_id"], "ev-0");
    assert_eq!(rules[0]["last"]["time"], "2026-11-25T02:59:59.000Z");
    assert_eq!(rules[0]["last"]["event_id"], "ev-8");
    assert_eq!(rules[1]["id"], "sig.sqli.tautology");
    assert_eq!(rules[1]["monitored"], 2);
    assert_eq!(rules[1]["blocked"], 0);

    assert_eq!(v["routes_total"], 5);
    assert_eq!(v["top_routes"][0]["route"], "/h2/users");
    assert_eq!(v["top_routes"][0]["events"], 4);
    assert_eq!(v["top_routes"][1]["route"], "/search");
    assert_eq!(v["top_routes"][1]["monitored"], 2);
    assert_eq!(v["inputs_total"], 5);
    assert_eq!(v["top_inputs"][0]["source"], "query");
    assert_eq!(v["top_inputs"][0]["name"], "name");
    assert_eq!(v["top_inputs"][0]["events"], 4);
    // The example is the latest value.
    assert_eq!(v["top_inputs"][0]["example"], HOSTILE);

    // Under three hours: per minute; only buckets with events are listed.
    assert_eq!(v["bucket"], "minute");
    let timeline = v["timeline"].as_array().expect("timeline");
    let starts: Vec<&str> = timeline
        .iter()
        .map(|b| b["start"].as_str().expect("start"))
        .collect();
    assert_eq!(
        starts,
        [
            "2026-11-25T02:00:00Z",
            "2026-11-25T02:01:00Z",
            "2026-11-25T02:05:00Z",
            "2026-11-25T02:10:00Z",
            "2026-11-25T02:30:00Z",
            "2026-11-25T02:45:00Z",
            "2026-11-25T02:59:00Z"
        ]
    );
    assert_eq!(timeline[0]["events"], 2);
    assert_eq!(timeline[0]["rules"]["sqli.tautology"]["blocked"], 2);
    assert_eq!(timeline[3]["rules"]["cmdi.shell"]["events"], 1);
    assert_eq!(timeline[3]["rules"]["path.traversal"]["events"], 1);
}

#[test]
fn lines_that_are_not_events_are_counted_not_fatal() {
    let f = Files::new("malformed");
    let v = summary(&[&f.a()]);
    assert_eq!(v["events"], 5);
    assert_eq!(v["not_events"]["count"], 3);
    assert_eq!(v["not_events"]["first_at"], format!("{}:3", f.a()));
    let text = rasp_ok(&["events", "summary", &f.a()]);
    assert_contains_all(
        &text,
        &[
            "events: 5 in 1 file(s)",
            &format!("3 lines not events, first at {}:3 (", f.a()),
        ],
    );
}

#[test]
fn several_files_and_standard_input_add_up() {
    let f = Files::new("stdin");
    // The gzip file on standard input, the plain one by name.
    let gz = std::fs::read(f.b()).expect("read gz");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rasp"))
        .args(["events", "summary", "--json", &f.a(), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rasp runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&gz)
        .expect("feed stdin");
    let out = child.wait_with_output().expect("rasp ends");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["events"], 9);
    assert_eq!(v["files"].as_array().map(Vec::len), Some(2));
    assert_eq!(summary(&[&f.b()])["events"], 4);
    assert_eq!(summary(&[&f.b(), &f.a()])["events"], 9);
}

/// A `.gz` cut short (compressed while still being written): its events before the cut count,
/// the cut is reported, and the other files are still read.
#[test]
fn a_truncated_gzip_file_counts_what_it_holds() {
    let f = Files::new("truncated");
    let whole = std::fs::read(f.b()).expect("read gz");
    let cut = f.path("cut.jsonl.gz");
    // Without its 8-byte trailer (CRC and size): every line is there, the end is not.
    std::fs::write(&cut, &whole[..whole.len() - 8]).expect("write cut gz");
    let v = summary(&[&cut, &f.a()]);
    assert_eq!(
        v["events"],
        5 + 4,
        "a.jsonl's five and the four before the cut"
    );
    let cuts = v["not_events"]["files_cut_short"]
        .as_array()
        .expect("noted");
    assert_eq!(cuts.len(), 1);
    assert!(
        cuts[0]
            .as_str()
            .is_some_and(|c| c.starts_with(&format!("{cut} after line"))),
        "{cuts:?}"
    );
    let text = rasp_ok(&["events", "summary", &cut]);
    assert!(text.contains("read only in part: "), "{text}");
}

#[test]
fn filters_by_rule_route_and_time() {
    let f = Files::new("filters");
    let (a, b) = (f.a(), f.b());
    let v = summary(&["--rule", "sqli", &a, &b]);
    assert_eq!(v["events"], 4, "sqli.* only, not sig.sqli.*");
    assert_eq!(v["filtered_out"], 5);
    assert_eq!(v["filters"], serde_json::json!(["--rule sqli"]));

    assert_eq!(summary(&["--rule", "sqli.union", &a, &b])["events"], 1);
    assert_eq!(
        summary(&["--rule", "sig", "--rule", "cmdi", &a, &b])["events"],
        3
    );
    assert_eq!(summary(&["--route", "/search", &a, &b])["events"], 2);
    assert_eq!(summary(&["--route", "/h2/*", &a, &b])["events"], 4);

    let v = summary(&["--since", "2026-11-25T02:10:00Z", &a, &b]);
    assert_eq!(v["events"], 5);
    assert_eq!(v["first"], "2026-11-25T02:10:00Z");
    assert_eq!(
        summary(&[
            "--since",
            "2026-11-25T04:10:00+02:00",
            "--rule",
            "sqli",
            &a,
            &b
        ])["events"],
        1
    );
    let err = rasp_fails(&["events", "summary", "--since", "last week", &a], Some(2));
    assert!(err.contains("--since"), "{err}");
}

#[test]
fn since_takes_a_duration_back_from_now() {
    let dir = TempDir::new("since-relative");
    let now = SystemTime::now();
    let specs = fixture();
    let at =
        |back: u64| humantime::format_rfc3339_millis(now - Duration::from_secs(back)).to_string();
    let lines = [
        event_line(&specs[0], at(3 * 3600), 0),
        event_line(&specs[1], at(2 * 3600 + 60), 1),
        event_line(&specs[2], at(600), 2),
    ];
    dir.write("e.jsonl", &lines.join("\n"));
    let file = dir.path().join("e.jsonl");
    let file = file.to_str().expect("UTF-8");
    assert_eq!(summary(&["--since", "1h", file])["events"], 1);
    assert_eq!(summary(&["--since", "150m", file])["events"], 2);
    assert_eq!(summary(&["--since", "1day", file])["events"], 3);
}

#[test]
fn the_bucket_can_be_chosen() {
    let f = Files::new("bucket");
    let v = summary(&["--bucket", "hour", &f.a(), &f.b()]);
    assert_eq!(v["bucket"], "hour");
    assert_eq!(v["timeline"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["timeline"][0]["start"], "2026-11-25T02:00:00Z");
    assert_eq!(v["timeline"][0]["blocked"], 7);
    assert_eq!(v["timeline"][0]["monitored"], 2);
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let err = rasp_fails(
        &["events", "summary", "/nonexistent/rasp-events.jsonl"],
        Some(2),
    );
    assert!(err.contains("/nonexistent/rasp-events.jsonl"), "{err}");
}

/// Writes the fixture's report and returns its path and text.
fn report(f: &Files, extra: &[&str]) -> (PathBuf, String) {
    let out = f.dir.path().join("report.html");
    let out_arg = out.to_str().expect("UTF-8").to_string();
    let (a, b) = (f.a(), f.b());
    let mut args = vec![
        "events",
        "report",
        a.as_str(),
        b.as_str(),
        "-o",
        out_arg.as_str(),
    ];
    args.extend_from_slice(extra);
    let result = rasp(&args);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        stderr(&result).contains("9 events; 3 lines not events"),
        "{}",
        stderr(&result)
    );
    let html = std::fs::read_to_string(&out).expect("report written");
    (out, html)
}

#[test]
fn the_report_is_one_well_formed_page_without_scripts_or_links() {
    let f = Files::new("report");
    let (_, html) = report(&f, &[]);
    check_balanced(&html);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script element");
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "a link out"
    );
    assert!(
        !lower.contains(" src=") && !lower.contains(" href="),
        "an external resource"
    );
    assert_contains_all(
        &html,
        &[
            "<!DOCTYPE html>",
            "<svg class=\"chart\"",
            "<h2>Timeline: events per minute and rule</h2>",
            "<code>sqli.tautology</code>",
            "<code>/h2/users</code>",
            "<code>query name</code>",
            "<h2 id=\"latest\">Latest 9 events</h2>",
            "3 lines not events, first at",
        ],
    );
    // One rect per bucket, rule and action with events: 8 (02:00's two events are one).
    assert_eq!(html.matches("<rect ").count(), 8);
}

#[test]
fn the_report_escapes_hostile_input_and_marks_the_span() {
    let f = Files::new("hostile");
    let (_, html) = report(&f, &["--latest", "1"]);
    assert!(!html.contains(HOSTILE));
    assert!(!html.contains("<script>alert(1)"));
    // The latest event (the hostile one), its input and the span in its statement.
    assert_contains_all(
        &html,
        &[
            "<h2 id=\"latest\">Latest 1 events</h2>",
            "= <code>&lt;script&gt;alert(1)&lt;/script&gt;&#39; OR &#39;1&#39;=&#39;1</code>",
            "<pre>SELECT id FROM users WHERE name = &#39;<mark>&lt;script&gt;alert(1)&lt;/script&gt;&#39; OR &#39;1&#39;=&#39;1</mark>&#39;</pre>",
        ],
    );
    assert_eq!(html.matches("<article").count(), 1);
}

#[test]
fn the_report_follows_the_filters() {
    let f = Files::new("report-filter");
    let (_, html) = report_with(&f, &["--rule", "cmdi"]);
    assert_contains_all(
        &html,
        &[
            "<code>cmdi.shell</code>",
            "Filters: <code>--rule cmdi</code> (8 events left out)",
        ],
    );
    assert!(!html.contains("sqli.union"));
    assert_eq!(html.matches("<article").count(), 1);
}

#[test]
fn an_empty_selection_still_makes_a_page() {
    let f = Files::new("report-empty");
    let (_, html) = report_with(&f, &["--rule", "no.such.rule"]);
    check_balanced(&html);
    assert_contains_all(&html, &["<p>No events to show.</p>", "(9 events left out)"]);
    assert!(!html.contains("<svg"));
}

fn report_with(f: &Files, extra: &[&str]) -> (PathBuf, String) {
    let out = f.dir.path().join("filtered.html");
    let out_arg = out.to_str().expect("UTF-8").to_string();
    let (a, b) = (f.a(), f.b());
    let mut args = vec![
        "events",
        "report",
        "-o",
        out_arg.as_str(),
        a.as_str(),
        b.as_str(),
    ];
    args.extend_from_slice(extra);
    rasp_ok(&args);
    let html = std::fs::read_to_string(&out).expect("report written");
    (out, html)
}

/// Headless Chromium renders the report to a PNG, which must show the chart: many non-white
/// pixels, and pixels of the first rule's colour (#d62728, the blocked bars).
#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        println!("skipped: chromium is not installed (Debian: apt-get install -y chromium)");
        return;
    };
    let f = Files::new("chromium");
    let (page, _) = report(&f, &[]);
    let png = f.dir.path().join("report.png");
    let profile = f.dir.path().join("profile");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &format!("file://{}", page.display()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (width, height, pixels) = decode_rgb(&png);
    assert_eq!((width, height), (1280, 2000));
    let non_white = pixels.iter().filter(|p| p.iter().any(|&c| c < 240)).count();
    let red = pixels
        .iter()
        .filter(|p| {
            p[0].abs_diff(0xd6) < 12 && p[1].abs_diff(0x27) < 12 && p[2].abs_diff(0x28) < 12
        })
        .count();
    println!(
        "{}: {non_white} non-white pixels, {red} of the first rule's colour",
        png.display()
    );
    assert!(
        non_white > 20_000,
        "{non_white} non-white pixels: a blank page?"
    );
    assert!(
        red > 500,
        "{red} pixels of the blocked bars' colour: no chart?"
    );
    if let Ok(keep) = std::env::var("RASP_REPORT_SCREENSHOT") {
        std::fs::copy(&png, keep).expect("keep the screenshot");
    }
}

/// The PNG's pixels as RGB.
fn decode_rgb(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).expect("the screenshot exists"));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| {
            if channels >= 3 {
                [p[0], p[1], p[2]]
            } else {
                [p[0], p[0], p[0]]
            }
        })
        .collect();
    (info.width, info.height, pixels)
}

/// A small HTML tokenizer: every `<` opens a tag, comment or doctype (a stray `<` in text
/// means something was not escaped), quoted attribute values may hold `>`, void elements do
/// not close, and every other element closes in order.
fn check_balanced(html: &str) {
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];
    // Inside SVG, elements may close themselves (`<line/>`).
    let mut stack: Vec<String> = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            assert!(
                bytes[i] != b'>' || in_style(&stack),
                "a stray '>' at byte {i}: {}",
                context(html, i)
            );
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i += html[i..].find("-->").expect("comment closes") + 3;
            continue;
        }
        if html[i..].starts_with("<!") {
            i += html[i..].find('>').expect("doctype closes") + 1;
            continue;
        }
        if in_style(&stack) && !html[i..].starts_with("</style>") {
            i += 1;
            continue;
        }
        let closing = bytes.get(i + 1) == Some(&b'/');
        let name_start = if closing { i + 2 } else { i + 1 };
        let name_len = html[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .expect("tag name ends");
        assert!(
            name_len > 0,
            "a stray '<' at byte {i}: {}",
            context(html, i)
        );
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        // Skip attributes, honouring quotes.
        let mut j = name_start + name_len;
        let mut quote: Option<u8> = None;
        while j < bytes.len() {
            match (quote, bytes[j]) {
                (Some(q), c) if c == q => quote = None,
                (None, b'"') | (None, b'\'') => quote = Some(bytes[j]),
                (None, b'<') => panic!("'<' inside a tag at byte {j}: {}", context(html, j)),
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        assert!(j < bytes.len(), "tag at byte {i} never closes");
        let self_closing = bytes[j - 1] == b'/';
        if closing {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(
                open,
                name,
                "</{name}> closes <{open}> at byte {i}: {}",
                context(html, i)
            );
        } else if !self_closing && !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
        i = j + 1;
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn in_style(stack: &[String]) -> bool {
    stack.last().is_some_and(|t| t == "style")
}

fn context(html: &str, at: usize) -> String {
    let mut from = at.saturating_sub(60);
    while !html.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (at + 60).min(html.len());
    while !html.is_char_boundary(to) {
        to += 1;
    }
    html[from..to].to_string()
}
