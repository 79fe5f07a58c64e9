//! Turning a request record and body into [`Input`]s, decoded the way the application sees them.
//!
//! The container decodes query and form parameters as UTF-8 percent-encoding with `+` for space;
//! path segments are percent-decoded and their `;params` split off; cookies come from every
//! `Cookie` header. On top of what the container gives, a value that still looks
//! percent-encoded is added once more decoded, because applications commonly decode again.

use crate::input::{Input, InputSource};
use crate::wire::RequestRecord;
use percent_encoding::percent_decode_str;

/// Calls `sink` with every input of the request line and headers, in a fixed order:
/// query, path, cookies, headers.
pub fn request_inputs(rec: &RequestRecord, sink: &mut dyn FnMut(Input)) {
    form_pairs(&rec.query, InputSource::Query, sink);
    path_segments(&rec.uri, sink);
    for (name, value) in &rec.headers {
        if name.eq_ignore_ascii_case("cookie") {
            cookies(value, sink);
        }
    }
    for (name, value) in &rec.headers {
        sink(Input::name_of(InputSource::Header, name.clone()));
        sink(Input::value(
            InputSource::Header,
            name.clone(),
            value.clone(),
        ));
    }
}

/// `application/x-www-form-urlencoded` pairs (also the query string).
pub fn form_pairs(encoded: &str, source: InputSource, sink: &mut dyn FnMut(Input)) {
    for (name, value) in form_urlencoded::parse(encoded.as_bytes()) {
        sink(Input::name_of(source, name.clone().into_owned()));
        with_decoded_variant(
            Input::value(source, name.into_owned(), value.into_owned()),
            sink,
        );
    }
}

fn path_segments(uri: &str, sink: &mut dyn FnMut(Input)) {
    for (index, raw) in uri.split('/').filter(|s| !s.is_empty()).enumerate() {
        let mut parts = raw.split(';');
        let segment = parts.next().unwrap_or_default();
        let name = format!("segment[{index}]");
        let decoded = percent_decode_str(segment).decode_utf8_lossy().into_owned();
        with_decoded_variant(Input::value(InputSource::Path, name.clone(), decoded), sink);
        for param in parts.filter(|p| !p.is_empty()) {
            let decoded = percent_decode_str(param).decode_utf8_lossy().into_owned();
            sink(Input::value(InputSource::Path, name.clone(), decoded));
        }
    }
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
        with_decoded_variant(Input::value(InputSource::Cookie, name.trim(), value), sink);
    }
}

/// Emits `input`, then its percent-decoded form when that differs.
fn with_decoded_variant(input: Input, sink: &mut dyn FnMut(Input)) {
    let decoded = input
        .value
        .contains('%')
        .then(|| {
            percent_decode_str(&input.value)
                .decode_utf8_lossy()
                .into_owned()
        })
        .filter(|d| *d != input.value);
    let variant = decoded.map(|value| Input {
        value,
        transform: Some("url-decoded"),
        ..input.clone()
    });
    sink(input);
    if let Some(v) = variant {
        sink(v);
    }
}

/// How a body is turned into inputs, from its content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Text,
}

impl BodyKind {
    /// `None` for bodies that are not inputs (binary uploads, multipart: the container
    /// exposes multipart fields as parameters).
    pub fn from_content_type(content_type: &str) -> Option<BodyKind> {
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if mime == "application/json" || mime.ends_with("+json") {
            Some(BodyKind::Json)
        } else if mime == "application/x-www-form-urlencoded" {
            Some(BodyKind::Form)
        } else if mime.starts_with("text/") || mime.is_empty() || mime.ends_with("/xml") {
            Some(BodyKind::Text)
        } else {
            None
        }
    }
}

/// The inputs of a body. A JSON body gives every object key and every string and number value
/// with its path; a body that claims JSON but does not parse is taken whole as one text input,
/// so a malformed body never hides its content.
pub fn body_inputs(kind: BodyKind, body: &[u8], sink: &mut dyn FnMut(Input)) {
    match kind {
        BodyKind::Form => form_pairs(&String::from_utf8_lossy(body), InputSource::Form, sink),
        BodyKind::Json => match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) => json_inputs(&value, &mut String::from("$"), sink),
            Err(_) => whole_body(body, sink),
        },
        BodyKind::Text => whole_body(body, sink),
    }
}

fn whole_body(body: &[u8], sink: &mut dyn FnMut(Input)) {
    if !body.is_empty() {
        sink(Input::value(
            InputSource::Body,
            "body",
            String::from_utf8_lossy(body),
        ));
    }
}

fn json_inputs(value: &serde_json::Value, path: &mut String, sink: &mut dyn FnMut(Input)) {
    use serde_json::Value;
    match value {
        Value::String(s) => sink(Input::value(InputSource::Json, path.clone(), s.clone())),
        Value::Number(n) => sink(Input::value(InputSource::Json, path.clone(), n.to_string())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                json_inputs(item, path, sink);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                path.push('.');
                path.push_str(key);
                sink(Input {
                    source: InputSource::Json,
                    name: path.clone(),
                    part: crate::input::InputPart::Name,
                    value: key.clone(),
                    transform: None,
                });
                json_inputs(item, path, sink);
                path.truncate(len);
            }
        }
        Value::Bool(_) | Value::Null => {}
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
            .filter(|i| i.source == source && i.part == InputPart::Value)
            .map(|i| (i.name.clone(), i.value.clone()))
            .collect()
    }

    #[test]
    fn query_path_cookie_and_header_inputs() {
        let rec = RequestRecord {
            method: "GET".into(),
            uri: "/shop/item%20one;jsessionid=abc/7".into(),
            query: "q=a+b%27&sort=name%20DESC&x".into(),
            remote_addr: "127.0.0.1".into(),
            content_type: String::new(),
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
    fn json_bodies_give_keys_strings_and_numbers_with_paths() {
        let body = br#"{"user":{"name":"x' OR 1=1--","ids":[1,"2"]},"ok":true}"#;
        let inputs = collect(|s| body_inputs(BodyKind::Json, body, s));
        assert_eq!(
            values(&inputs, InputSource::Json),
            vec![
                ("$.user.ids[0]".into(), "1".into()),
                ("$.user.ids[1]".into(), "2".into()),
                ("$.user.name".into(), "x' OR 1=1--".into()),
            ]
        );
        assert!(inputs
            .iter()
            .any(|i| i.part == InputPart::Name && i.name == "$.user.name" && i.value == "name"));
    }

    #[test]
    fn malformed_json_is_one_text_input() {
        let inputs = collect(|s| body_inputs(BodyKind::Json, b"{\"a\": 'x' OR 1=1", s));
        assert_eq!(
            values(&inputs, InputSource::Body),
            vec![("body".into(), "{\"a\": 'x' OR 1=1".into())]
        );
    }

    #[test]
    fn body_kinds_from_content_types() {
        assert_eq!(
            BodyKind::from_content_type("application/json; charset=UTF-8"),
            Some(BodyKind::Json)
        );
        assert_eq!(
            BodyKind::from_content_type("application/vnd.api+json"),
            Some(BodyKind::Json)
        );
        assert_eq!(
            BodyKind::from_content_type("application/x-www-form-urlencoded"),
            Some(BodyKind::Form)
        );
        assert_eq!(
            BodyKind::from_content_type("text/plain"),
            Some(BodyKind::Text)
        );
        assert_eq!(
            BodyKind::from_content_type("application/octet-stream"),
            None
        );
        assert_eq!(
            BodyKind::from_content_type("multipart/form-data; boundary=x"),
            None
        );
    }
}
