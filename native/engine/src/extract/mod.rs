//! Turning a request record and body into [`Input`]s, decoded the way the application sees them.
//!
//! The container decodes query parameters as UTF-8 percent-encoding with `+` for space; path
//! segments are percent-decoded and their `;params` split off; cookies come from every `Cookie`
//! header. On top of what the container gives, each value comes with the forms applications
//! commonly derive from it before use ([`mod@derive`]: re-cased, trimmed, decoded once more);
//! a header comes with the parts applications take out of it ([`headers`]: the hops of
//! `X-Forwarded-For`, the user of a Basic `Authorization`).
//!
//! Bodies are this engine's own parse, the fast path for what no hook of the agent saw, and
//! must not be trivially wrong: where the application's parser may read a body differently
//! (another charset, lenient JSON, a multipart corner), every reading is taken. Each body kind
//! has its module: [`form`], [`json`], [`multipart`], with [`charset`] and [`params`] shared;
//! [`percent`] decodes the query string and the path, which every request has.

mod charset;
pub mod derive;
mod form;
mod headers;
mod json;
mod multipart;
mod params;
mod percent;

use std::borrow::Cow;

use compact_str::CompactString;

use crate::input::{Input, InputSource};
use crate::wire::{CapturedInput, RequestRecord};

/// Calls `sink` with every input of the request line and headers, in a fixed order:
/// query, path, cookies, headers.
pub fn request_inputs(rec: &RequestRecord, sink: &mut dyn FnMut(Input)) {
    line_inputs(rec, sink);
    for (name, value) in &rec.headers {
        header_inputs(name.clone(), value.clone(), sink);
    }
}

/// [`request_inputs`], moving the header names and values into the inputs instead of copying
/// them (`rec.headers` is left empty): what opening a context does with a record it owns.
pub fn take_request_inputs(rec: &mut RequestRecord, sink: &mut dyn FnMut(Input)) {
    line_inputs(rec, sink);
    for (name, value) in std::mem::take(&mut rec.headers) {
        header_inputs(name, value, sink);
    }
}

/// Query, path and cookie inputs.
fn line_inputs(rec: &RequestRecord, sink: &mut dyn FnMut(Input)) {
    form_pairs(&rec.query, InputSource::Query, sink);
    path_segments(&rec.uri, sink);
    for (name, value) in &rec.headers {
        if name.eq_ignore_ascii_case("cookie") {
            cookies(value, sink);
        }
    }
}

fn header_inputs(name: CompactString, value: CompactString, sink: &mut dyn FnMut(Input)) {
    sink(Input::name_of(InputSource::Header, name.clone()));
    let parts = headers::parts(&name, &value);
    with_forms(Input::value(InputSource::Header, name, value), parts, sink);
}

/// `application/x-www-form-urlencoded` pairs (also the query string).
pub fn form_pairs(encoded: &str, source: InputSource, sink: &mut dyn FnMut(Input)) {
    for pair in encoded.split('&').filter(|p| !p.is_empty()) {
        // split at the first `=`, each side decoded, as `form_urlencoded::parse` does
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (percent::decode(name, true), percent::decode(value, true));
        sink(Input::name_of(source, name.as_ref()));
        with_derived_forms(Input::value(source, name.as_ref(), value.as_ref()), sink);
    }
}

fn path_segments(uri: &str, sink: &mut dyn FnMut(Input)) {
    for (index, raw) in uri.split('/').filter(|s| !s.is_empty()).enumerate() {
        let mut parts = raw.split(';');
        let segment = parts.next().unwrap_or_default();
        let name = segment_name(index);
        let decoded = percent_decoded(segment);
        with_derived_forms(Input::value(InputSource::Path, name.clone(), decoded), sink);
        for param in parts.filter(|p| !p.is_empty()) {
            let decoded = percent_decoded(param);
            sink(Input::value(InputSource::Path, name.clone(), decoded));
        }
    }
}

/// The text percent-decoded (invalid UTF-8 replaced), the text itself when it has no `%`.
fn percent_decoded(text: &str) -> Cow<'_, str> {
    percent::decode(text, false)
}

/// `segment[index]`, without the formatting machinery for the first segments.
fn segment_name(index: usize) -> CompactString {
    const NAMES: [&str; 8] = [
        "segment[0]",
        "segment[1]",
        "segment[2]",
        "segment[3]",
        "segment[4]",
        "segment[5]",
        "segment[6]",
        "segment[7]",
    ];
    NAMES.get(index).map_or_else(
        || compact_str::format_compact!("segment[{index}]"),
        |n| CompactString::const_new(n),
    )
}

fn cookies(header: &str, sink: &mut dyn FnMut(Input)) {
    for pair in header.split(';') {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        sink(Input::name_of(InputSource::Cookie, name.trim()));
        with_derived_forms(Input::value(InputSource::Cookie, name.trim(), value), sink);
    }
}

/// A value the agent captured where the application read it, with the same derived forms as the
/// inputs the engine parses itself. A JSON path is written the way the engine's own JSON parse
/// writes it (`user.name` becomes `$.user.name`), so one exclusion selector covers a value
/// whichever way it was seen.
pub fn captured_inputs(captured: &CapturedInput, sink: &mut dyn FnMut(Input)) {
    let name = match captured.source {
        InputSource::Json => json_path(&captured.name).into(),
        _ => captured.name.clone(),
    };
    with_derived_forms(
        Input::value(captured.source, name, captured.value.clone()),
        sink,
    );
}

/// `$`-rooted JSON path of a path the agent sent: `user.name`, `[0].id`, or already `$...`.
fn json_path(path: &str) -> String {
    if path.starts_with('$') {
        path.to_owned()
    } else if path.starts_with('[') || path.is_empty() {
        format!("${path}")
    } else {
        format!("$.{path}")
    }
}

/// Emits `input`, then the forms applications commonly derive from it ([`mod@derive`]), each an
/// input of its own with the transform named and the original value kept.
fn with_derived_forms(input: Input, sink: &mut dyn FnMut(Input)) {
    let forms = derive::forms(&input.value);
    with_forms(input, forms, sink);
}

/// Emits `input`, then each of `forms` as an input of its own with the transform named and the
/// original value kept.
fn with_forms(input: Input, forms: Vec<derive::Form>, sink: &mut dyn FnMut(Input)) {
    if forms.is_empty() {
        // The common case: no copies of the value and name for forms that are not there.
        sink(input);
        return;
    }
    let original = input.value.clone();
    let template = input.clone();
    sink(input);
    for form in forms {
        sink(Input {
            value: form.value.into(),
            transform: Some(form.transform),
            original: Some(original.clone()),
            ..template.clone()
        });
    }
}

/// How a body is turned into inputs, from its content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Text,
    /// Any type that is not a document (an upload: `application/octet-stream`, an image, no
    /// type): read as [`BodyKind::Text`] is, but judged on what fits the input budget, the rest
    /// dropped as multipart file contents are, so that a large upload never overflows the request.
    Upload,
    /// `multipart/form-data`: part names, file names and the values of text parts are inputs;
    /// file contents are not (they are data the application stores, not text it interprets).
    Multipart,
}

impl BodyKind {
    /// A body of any other type, or of none, is text taken whole ([`BodyKind::Upload`]): the type is the client's word,
    /// and an application that reads the body as a string (Spring's `@RequestBody String` takes
    /// every type, `new String(request.getInputStream().readAllBytes())` looks at none) reads an
    /// `application/octet-stream` body as readily as a `text/plain` one. A binary upload is then
    /// one input no sink holds; file parts of a multipart body stay out (see [`BodyKind::Multipart`]).
    pub fn from_content_type(content_type: &str) -> BodyKind {
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if mime == "application/json" || mime.ends_with("+json") {
            BodyKind::Json
        } else if mime == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if mime == "multipart/form-data" {
            BodyKind::Multipart
        } else if mime.starts_with("text/") || mime.ends_with("/xml") || mime.ends_with("+xml") {
            BodyKind::Text
        } else {
            BodyKind::Upload
        }
    }
}

/// The inputs of a body. A JSON body gives every object key and every string and number value
/// with its path; a body that claims JSON but does not parse is also taken whole as one text
/// input, so a malformed body never hides its content. `content_type` carries the charset and
/// the multipart boundary.
pub fn body_inputs(kind: BodyKind, content_type: &str, body: &[u8], sink: &mut dyn FnMut(Input)) {
    match kind {
        BodyKind::Multipart => multipart::multipart_body(content_type, body, sink),
        BodyKind::Form => form::form_body(content_type, body, sink),
        BodyKind::Json => json::json_body(content_type, body, sink),
        BodyKind::Text | BodyKind::Upload => text_body(content_type, body, sink),
    }
}

/// A text body whole, in every reading: the Unicode encoding its first bytes show (an XML
/// parser detects UTF-16 as Jackson does), and the declared charset's and UTF-8's.
fn text_body(content_type: &str, body: &[u8], sink: &mut dyn FnMut(Input)) {
    let mut texts: Vec<Cow<'_, str>> = Vec::new();
    if let Some(detected) = charset::detect_unicode(body) {
        texts.push(detected.decode(body));
    }
    for text in charset::readings(body, charset::declared(content_type).as_deref()) {
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    for text in texts {
        whole_body(&text, sink);
    }
}

fn whole_body(text: &str, sink: &mut dyn FnMut(Input)) {
    if !text.is_empty() {
        sink(Input::value(InputSource::Body, "body", text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputPart;

    fn collect(f: impl FnOnce(&mut dyn FnMut(Input))) -> Vec<Input> {
        let mut out = Vec::new();
        f(&mut |i| out.push(i));
        out
    }

    fn values(inputs: &[Input], source: InputSource) -> Vec<(String, String)> {
        inputs
            .iter()
            .filter(|i| i.source == source && i.part == InputPart::Value && i.transform.is_none())
            .map(|i| (i.name.to_string(), i.value.to_string()))
            .collect()
    }

    #[test]
    fn form_pairs_read_as_form_urlencoded_parses() {
        let queries = [
            "name=alice",
            "a=1&&b=2&",
            "&x",
            "k=v=w",
            "=only-value",
            "q=a+b%27&plain=yes&p%2Bq=%E2%82%AC",
            "bad=%ZZ%&also=%",
            "name=al+ice&name=bob",
            "invalid=%FF%FE",
        ];
        for query in queries {
            let ours = values(
                &collect(|s| form_pairs(query, InputSource::Query, s)),
                InputSource::Query,
            );
            let reference: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(ours, reference, "{query:?}");
        }
    }

    #[test]
    fn query_path_cookie_and_header_inputs() {
        let rec = RequestRecord {
            method: "GET".into(),
            uri: "/shop/item%20one;jsessionid=abc/7".into(),
            query: "q=a+b%27&sort=name%20DESC&x".into(),
            remote_addr: "127.0.0.1".into(),
            content_type: Default::default(),
            headers: vec![
                ("Cookie".into(), "sid=1; user=\"bob\"".into()),
                ("X-User".into(), "alice".into()),
            ],
        };
        let inputs = collect(|s| request_inputs(&rec, s));
        assert_eq!(
            values(&inputs, InputSource::Query),
            vec![
                ("q".into(), "a b'".into()),
                ("sort".into(), "name DESC".into()),
                ("x".into(), "".into())
            ]
        );
        assert_eq!(
            values(&inputs, InputSource::Path),
            vec![
                ("segment[0]".into(), "shop".into()),
                ("segment[1]".into(), "item one".into()),
                ("segment[1]".into(), "jsessionid=abc".into()),
                ("segment[2]".into(), "7".into())
            ]
        );
        assert_eq!(
            values(&inputs, InputSource::Cookie),
            vec![("sid".into(), "1".into()), ("user".into(), "bob".into())]
        );
        assert!(values(&inputs, InputSource::Header).contains(&("X-User".into(), "alice".into())));
        assert!(inputs.iter().any(|i| i.part == InputPart::Name
            && i.value == "sort"
            && i.source == InputSource::Query));
    }

    #[test]
    fn double_encoded_values_get_a_decoded_variant() {
        let inputs = collect(|s| form_pairs("id=1%2527%2520OR%25201%253D1", InputSource::Query, s));
        let vals: Vec<_> = inputs
            .iter()
            .filter(|i| i.part == InputPart::Value)
            .collect();
        assert_eq!(vals[0].value, "1%27%20OR%201%3D1");
        assert_eq!(vals[1].value, "1' OR 1=1");
        assert_eq!(vals[1].transform, Some("url-decoded"));
    }

    #[test]
    fn malformed_json_is_one_text_input() {
        let inputs =
            collect(|s| body_inputs(BodyKind::Json, "application/json", b"{\"a\": 'x' OR 1=1", s));
        assert_eq!(
            values(&inputs, InputSource::Body),
            vec![("body".into(), "{\"a\": 'x' OR 1=1".into())]
        );
    }

    #[test]
    fn captured_json_paths_are_rooted_like_parsed_ones() {
        for (sent, want) in [
            ("user.name", "$.user.name"),
            ("[0].id", "$[0].id"),
            ("$.a", "$.a"),
            ("", "$"),
        ] {
            let c = CapturedInput {
                source: InputSource::Json,
                name: sent.into(),
                value: "v".into(),
            };
            let inputs = collect(|s| captured_inputs(&c, s));
            assert_eq!(inputs[0].name, want, "{sent}");
        }
        let xml = CapturedInput {
            source: InputSource::Xml,
            name: "a/b".into(),
            value: "v".into(),
        };
        assert_eq!(collect(|s| captured_inputs(&xml, s))[0].name, "a/b");
    }

    #[test]
    fn backslashes_get_a_slash_variant() {
        let inputs = collect(|s| form_pairs("f=..%5C..%5Cetc%5Cpasswd", InputSource::Query, s));
        let vals: Vec<_> = inputs
            .iter()
            .filter(|i| i.part == InputPart::Value)
            .map(|i| (i.value.as_str(), i.transform))
            .take(2)
            .collect();
        assert_eq!(
            vals,
            vec![
                ("..\\..\\etc\\passwd", None),
                ("../../etc/passwd", Some("backslash-to-slash"))
            ]
        );
    }

    #[test]
    fn body_kinds_from_content_types() {
        for (content_type, kind) in [
            ("application/json; charset=UTF-8", BodyKind::Json),
            ("application/vnd.api+json", BodyKind::Json),
            ("application/x-www-form-urlencoded", BodyKind::Form),
            ("multipart/form-data; boundary=x", BodyKind::Multipart),
            ("text/plain", BodyKind::Text),
            ("text/csv", BodyKind::Text),
            ("application/xml", BodyKind::Text),
            ("application/soap+xml", BodyKind::Text),
            // the client's word only: `@RequestBody String` reads these as text all the same
            ("application/octet-stream", BodyKind::Upload),
            ("application/x-anything", BodyKind::Upload),
            ("", BodyKind::Upload),
        ] {
            assert_eq!(
                BodyKind::from_content_type(content_type),
                kind,
                "{content_type:?}"
            );
        }
    }

    #[test]
    fn segment_names_are_formatted_alike_past_the_table() {
        for index in 0..20 {
            assert_eq!(segment_name(index), format!("segment[{index}]"));
        }
    }
}
