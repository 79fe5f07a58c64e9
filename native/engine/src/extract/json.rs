//! JSON bodies, read the ways the application's JSON library may read them.
//!
//! serde_json is strict where Jackson, Gson and their kin are lenient or simply different, and
//! each difference is a body whose values the engine would not see:
//!
//! * Encoding. Jackson detects UTF-16 and UTF-32 from a byte-order mark or from the zero bytes
//!   of the first four (RFC 4627 §3), and skips a UTF-8 mark; Spring decodes a declared
//!   non-Unicode charset before Jackson sees the text. The body is transcoded first.
//! * Trailing data. Jackson reads the first value and stops, so `{"a":"x"} garbage` and two
//!   concatenated values give their values. Every complete value at the start is read.
//! * Depth. serde_json stops at 128 levels, Jackson much later.
//! * Leniency. Comments, single quotes and unquoted names (Jackson features an application may
//!   turn on) fail serde_json.
//! * Repeated keys. Every occurrence is an input; libraries disagree on which one wins.
//!
//! Whatever could not be parsed (from the start of the first value that failed) is read by a
//! tolerant scan ([`scan`]) that takes every string and number token it finds, iteratively, so
//! no depth overflows the stack. Such a body is also taken whole as one text input.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::charset::{self, Charset};
use super::{whole_body, with_derived_forms};
use crate::input::{Input, InputPart, InputSource};

mod scan;

/// The inputs of a JSON body sent with `content_type`.
pub fn json_body(content_type: &str, body: &[u8], sink: &mut dyn FnMut(Input)) {
    for text in texts(content_type, body) {
        json_text(&text, sink);
    }
}

/// The texts the body may be read as: the Unicode encoding its first bytes show, else the
/// declared charset's reading (and UTF-8's, when it differs), else UTF-8.
fn texts<'a>(content_type: &str, body: &'a [u8]) -> Vec<std::borrow::Cow<'a, str>> {
    if let Some(detected) = charset::detect_unicode(body) {
        return vec![detected.decode(body)];
    }
    let declared = charset::declared(content_type);
    match declared.as_deref().and_then(Charset::from_label) {
        // A declared Unicode charset the bytes do not show: Jackson reads UTF-8 then.
        Some(c) if c.is_single_byte() => charset::readings(body, declared.as_deref()),
        _ => vec![Charset::Utf8.decode(body)],
    }
}

fn json_text(text: &str, sink: &mut dyn FnMut(Input)) {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Collected>();
    let failed = loop {
        match values.next() {
            None => break false,
            Some(Ok(Collected(inputs))) => inputs.into_iter().for_each(&mut *sink),
            Some(Err(_)) => break true,
        }
    };
    if failed {
        scan::tokens(&text[values.byte_offset()..], sink);
        whole_body(text, sink);
    }
}

/// The inputs of one JSON value, in document order, each with its path from `$`.
struct Collected(Vec<Input>);

impl<'de> Deserialize<'de> for Collected {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Collected, D::Error> {
        let mut out = Vec::new();
        let mut path = String::from("$");
        Walk {
            path: &mut path,
            out: &mut out,
        }
        .deserialize(deserializer)?;
        Ok(Collected(out))
    }
}

/// Visits a value without building it, so a key given twice yields both values.
struct Walk<'a> {
    path: &'a mut String,
    out: &'a mut Vec<Input>,
}

impl Walk<'_> {
    fn child(&mut self) -> Walk<'_> {
        Walk {
            path: &mut *self.path,
            out: &mut *self.out,
        }
    }

    fn scalar(self, value: String) {
        self.out
            .push(Input::value(InputSource::Json, self.path.clone(), value));
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let input = Input::value(InputSource::Json, self.path.clone(), v);
        with_derived_forms(input, &mut |i| self.out.push(i));
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.scalar(v.to_string());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.scalar(v.to_string());
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        // As serde_json prints it (`1e2` is `100.0`), like the values of a parsed tree.
        let text = serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string());
        self.scalar(text);
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        for index in 0usize.. {
            let len = self.path.len();
            self.path.push_str(&format!("[{index}]"));
            let next = seq.next_element_seed(self.child());
            self.path.truncate(len);
            if next?.is_none() {
                break;
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let len = self.path.len();
            self.path.push('.');
            self.path.push_str(&key);
            self.out.push(Input {
                source: InputSource::Json,
                name: self.path.as_str().into(),
                part: InputPart::Name,
                value: key.into(),
                transform: None,
                original: None,
            });
            let value = map.next_value_seed(self.child());
            self.path.truncate(len);
            value?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(content_type: &str, body: &[u8]) -> Vec<Input> {
        let mut out = Vec::new();
        json_body(content_type, body, &mut |i| out.push(i));
        out
    }

    fn json_values(content_type: &str, body: &[u8]) -> Vec<(String, String)> {
        inputs(content_type, body)
            .into_iter()
            .filter(|i| {
                i.source == InputSource::Json && i.part == InputPart::Value && i.transform.is_none()
            })
            .map(|i| (i.name.into(), i.value.into()))
            .collect()
    }

    const ATTACK: &str = "x' OR '1'='1";

    fn has_attack(content_type: &str, body: &[u8]) -> bool {
        json_values(content_type, body)
            .iter()
            .any(|(_, v)| v == ATTACK)
    }

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn utf16be(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    fn utf32(text: &str, le: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let c = u32::from(c);
                if le {
                    c.to_le_bytes()
                } else {
                    c.to_be_bytes()
                }
            })
            .collect()
    }

    fn deep(levels: usize) -> String {
        format!(
            "{}{{\"q\":\"{ATTACK}\",\"n\":42}}{}",
            "{\"a\":[".repeat(levels),
            "]}".repeat(levels)
        )
    }

    #[test]
    fn json_disagreements_still_give_the_attack_value() {
        let doc = format!(r#"{{"user":{{"name":"{ATTACK}"}}}}"#);
        let json = "application/json";
        let cases: Vec<(&str, &str, Vec<u8>)> = vec![
            ("plain, for reference", json, doc.clone().into_bytes()),
            (
                "utf-8 byte-order mark",
                json,
                [&b"\xEF\xBB\xBF"[..], doc.as_bytes()].concat(),
            ),
            (
                "trailing garbage after the value",
                json,
                format!("{doc} garbage").into_bytes(),
            ),
            (
                "two concatenated values, the attack in the second",
                json,
                format!(r#"{{"a":1}}{doc}"#).into_bytes(),
            ),
            (
                "nesting deeper than serde_json's recursion limit",
                json,
                deep(200).into_bytes(),
            ),
            (
                "nesting far deeper than any stack",
                json,
                deep(100_000).into_bytes(),
            ),
            ("utf-16le without a mark", json, utf16le(&doc)),
            ("utf-16be without a mark", json, utf16be(&doc)),
            (
                "utf-16le with a mark",
                json,
                [&b"\xFF\xFE"[..], &utf16le(&doc)].concat(),
            ),
            (
                "utf-16be with a mark",
                json,
                [&b"\xFE\xFF"[..], &utf16be(&doc)].concat(),
            ),
            ("utf-32le without a mark", json, utf32(&doc, true)),
            ("utf-32be without a mark", json, utf32(&doc, false)),
            (
                "utf-32le with a mark",
                json,
                [&b"\xFF\xFE\0\0"[..], &utf32(&doc, true)].concat(),
            ),
            (
                "utf-32be with a mark",
                json,
                [&b"\0\0\xFE\xFF"[..], &utf32(&doc, false)].concat(),
            ),
            (
                "utf-16 declared and sent",
                "application/json; charset=UTF-16LE",
                utf16le(&doc),
            ),
            (
                "comments, which Jackson may allow",
                json,
                format!(r#"{{/* c */"user":{{"name":"{ATTACK}"}}}}"#).into_bytes(),
            ),
            (
                "unquoted names, which Jackson may allow",
                json,
                format!(r#"{{user:{{name:"{ATTACK}"}}}}"#).into_bytes(),
            ),
            (
                "a repeated key: the first of two",
                json,
                format!(r#"{{"q":"{ATTACK}","q":"safe"}}"#).into_bytes(),
            ),
        ];
        for (case, content_type, body) in cases {
            assert!(has_attack(content_type, &body), "{case}");
        }
    }

    #[test]
    fn a_declared_latin_charset_is_how_spring_reads_the_body() {
        // "é' OR 1=1" in ISO-8859-1: Spring decodes it so; UTF-8 would not.
        let body = b"{\"q\":\"\xE9' OR 1=1\"}";
        let latin = json_values("application/json; charset=ISO-8859-1", body);
        assert!(
            latin.contains(&("$.q".into(), "é' OR 1=1".into())),
            "{latin:?}"
        );
        let plain = json_values("application/json", body);
        assert_eq!(plain, vec![("$.q".into(), "\u{FFFD}' OR 1=1".into())]);
    }

    #[test]
    fn paths_follow_the_document() {
        let got = json_values(
            "application/json",
            br#"{"user":{"name":"a b","ids":[1,"2",1.5e2]},"ok":true} {"x":"y z"}"#,
        );
        assert_eq!(
            got,
            vec![
                ("$.user.name".into(), "a b".into()),
                ("$.user.ids[0]".into(), "1".into()),
                ("$.user.ids[1]".into(), "2".into()),
                ("$.user.ids[2]".into(), "150.0".into()),
                ("$.x".into(), "y z".into()),
            ]
        );
    }

    #[test]
    fn deep_values_get_the_nearest_key_as_their_name() {
        let got = json_values("application/json", deep(200).as_bytes());
        assert!(got.contains(&("$..q".into(), ATTACK.into())), "{got:?}");
        assert!(got.contains(&("$..n".into(), "42".into())), "{got:?}");
    }

    #[test]
    fn an_unparsable_body_is_also_one_text_input() {
        let all = inputs("application/json", b"{\"a\": 1} trailing ' OR 1=1");
        assert!(all
            .iter()
            .any(|i| i.source == InputSource::Body && i.value == "{\"a\": 1} trailing ' OR 1=1"));
        assert!(all
            .iter()
            .any(|i| i.source == InputSource::Json && i.name == "$.a" && i.value == "1"));
        let clean = inputs("application/json", b" {\"a\": 1}\n");
        assert!(!clean.iter().any(|i| i.source == InputSource::Body));
    }
}
