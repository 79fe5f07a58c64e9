//! `application/x-www-form-urlencoded` bodies, decoded the ways the application may see them.
//!
//! Tomcat and Jetty split a form body on `&` and `=` as bytes, percent-decode each name and
//! value to bytes, and only then decode the bytes, in the request's charset: the declared one,
//! else ISO-8859-1, unless a filter forced UTF-8 first. Decoding every value as UTF-8 alone
//! would search for `\u{FFFD}' OR 1=1` while the application runs `é' OR 1=1`, so each name and
//! value is taken in every charset it may be read in ([`charset::readings`]). A UTF-16 or UTF-32
//! body is transcoded first, since its `&` and `=` are not single bytes.

use percent_encoding::percent_decode;

use super::charset::{self, Charset};
use super::with_derived_forms;
use crate::input::{Input, InputSource};

/// The inputs of a form body sent with `content_type`.
pub fn form_body(content_type: &str, body: &[u8], sink: &mut dyn FnMut(Input)) {
    let declared = charset::declared(content_type);
    match declared.as_deref().and_then(Charset::from_label) {
        Some(wide) if wide.is_wide() => {
            let text = wide.decode(body);
            pairs(text.as_bytes(), Some("UTF-8"), sink);
        }
        _ => pairs(body, declared.as_deref(), sink),
    }
}

fn pairs(body: &[u8], declared: Option<&str>, sink: &mut dyn FnMut(Input)) {
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let (name, value) = (unescape(name), unescape(value));
        let names = charset::readings(&name, declared);
        for n in &names {
            sink(Input::name_of(InputSource::Form, n.as_ref()));
        }
        let label = names.first().map_or("", |n| n.as_ref());
        for v in charset::readings(&value, declared) {
            with_derived_forms(Input::value(InputSource::Form, label, v), sink);
        }
    }
}

/// `+` as space, then percent-decoding to bytes (a malformed escape stays as it is).
fn unescape(raw: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_decode(&spaced).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputPart;

    fn values(content_type: &str, body: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        form_body(content_type, body, &mut |i| {
            if i.part == InputPart::Value && i.transform.is_none() {
                out.push((i.name.into(), i.value.into()));
            }
        });
        out
    }

    fn names(content_type: &str, body: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        form_body(content_type, body, &mut |i| {
            if i.part == InputPart::Name {
                out.push(i.value.into());
            }
        });
        out
    }

    const FORM: &str = "application/x-www-form-urlencoded";

    #[test]
    fn form_charset_disagreements_are_all_inputs() {
        let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        for (case, content_type, body, want) in [
            (
                "utf-8 and plain ascii",
                FORM.to_owned(),
                &b"q=a+b%27&x"[..],
                vec![pair("q", "a b'"), pair("x", "")],
            ),
            (
                "declared latin-1: the attack in latin-1, and the utf-8 reading",
                format!("{FORM}; charset=ISO-8859-1"),
                b"q=%E9%27+OR+1%3D1",
                vec![pair("q", "é' OR 1=1"), pair("q", "\u{FFFD}' OR 1=1")],
            ),
            (
                "declared windows-1252, raw bytes unescaped",
                format!("{FORM};charset=\"windows-1252\""),
                b"q=\x93x\x94' OR 1=1",
                vec![
                    pair("q", "\u{201C}x\u{201D}' OR 1=1"),
                    pair("q", "\u{FFFD}x\u{FFFD}' OR 1=1"),
                ],
            ),
            (
                "no charset, bytes that are not utf-8: latin-1 too",
                FORM.to_owned(),
                b"q=%E9%27%20OR%201=1",
                vec![pair("q", "\u{FFFD}' OR 1=1"), pair("q", "é' OR 1=1")],
            ),
            (
                "no charset, valid utf-8: the latin-1 container default too",
                FORM.to_owned(),
                b"q=%C3%A9'--",
                vec![pair("q", "é'--"), pair("q", "Ã©'--")],
            ),
            (
                "declared utf-16le: transcoded before splitting",
                format!("{FORM}; charset=UTF-16LE"),
                b"q\0=\0%\x002\x007\0-\0-\0",
                vec![pair("q", "'--")],
            ),
            (
                "unknown charset: utf-8 and latin-1",
                format!("{FORM}; charset=x-unknown"),
                b"q=%E9'",
                vec![pair("q", "\u{FFFD}'"), pair("q", "é'")],
            ),
        ] {
            assert_eq!(values(&content_type, body), want, "{case}");
        }
        assert_eq!(
            names(&format!("{FORM}; charset=ISO-8859-1"), b"%E9%27=1"),
            vec!["é'", "\u{FFFD}'"],
            "names in every charset too"
        );
    }
}
