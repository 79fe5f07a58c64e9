//! A tolerant scan of text that was meant as JSON and did not parse.
//!
//! It takes every string and number token, and the object keys, whatever surrounds them: the
//! lenient JSON an application's parser may accept (comments, single quotes, unquoted names,
//! trailing commas), values past serde_json's depth limit, values after garbage. It is one loop
//! over the text with the open containers on a heap stack, so no nesting overflows the call
//! stack, and it allocates per token, not per level.
//!
//! Paths cannot be trusted in such text, so a value is named `$..key` after the key it sits
//! under (in the nearest object, or the key of the array it is in), JSONPath's "at any depth".

use super::super::with_derived_forms;
use crate::input::{Input, InputPart, InputSource};

/// Calls `sink` with every key, string and number of `text`.
pub fn tokens(text: &str, sink: &mut dyn FnMut(Input)) {
    let bytes = text.as_bytes();
    // Keys met so far, and for each open container the index of the key its values sit under.
    let mut keys: Vec<String> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                open.push(None);
                i += 1;
            }
            b'[' => {
                let under = open.last().copied().flatten();
                open.push(under);
                i += 1;
            }
            b'}' | b']' => {
                if open.len() > 1 {
                    open.pop();
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = find(bytes, i + 2, b"*/").map_or(bytes.len(), |end| end + 2);
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(bytes, i),
            b'#' => i = line_end(bytes, i),
            quote @ (b'"' | b'\'') => {
                let (value, end) = string(text, i + 1, quote);
                i = end;
                emit(value, is_key(bytes, i), &mut keys, &mut open, sink);
            }
            b'-' | b'0'..=b'9' => {
                let end = number_end(bytes, i);
                let value = text[i..end].to_owned();
                i = end;
                if value != "-" {
                    emit(value, false, &mut keys, &mut open, sink);
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
                {
                    i += 1;
                }
                // An unquoted name; a bare word elsewhere (true, null, garbage) is no value.
                if is_key(bytes, i) {
                    emit(text[start..i].to_owned(), true, &mut keys, &mut open, sink);
                }
            }
            _ => i += 1,
        }
    }
}

/// Emits a key (and makes it the one later values of the innermost container sit under) or a
/// value named after that key.
fn emit(
    value: String,
    key: bool,
    keys: &mut Vec<String>,
    open: &mut [Option<usize>],
    sink: &mut dyn FnMut(Input),
) {
    let under = open.last().copied().flatten();
    let name = match under {
        Some(k) if !key => format!("$..{}", keys[k]),
        _ if key => format!("$..{value}"),
        _ => "$".to_owned(),
    };
    if key {
        keys.push(value.clone());
        if let Some(top) = open.last_mut() {
            *top = Some(keys.len() - 1);
        }
        sink(Input {
            source: InputSource::Json,
            name: name.into(),
            part: InputPart::Name,
            value: value.into(),
            transform: None,
            original: None,
        });
    } else {
        with_derived_forms(Input::value(InputSource::Json, name, value), sink);
    }
}

/// Whether the token ending at `at` is followed (after blanks) by `:`.
fn is_key(bytes: &[u8], at: usize) -> bool {
    bytes[at..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b':')
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes.get(from..)?, needle).map(|i| from + i)
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i + 1)
}

fn number_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        let sign_after_exponent = (b == b'+' || b == b'-') && matches!(bytes[i - 1], b'e' | b'E');
        if !(b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E') || sign_after_exponent) {
            break;
        }
        i += 1;
    }
    i
}

/// The string starting at `start` (after its opening quote), unescaped, and the index after
/// its closing quote; an unclosed string runs to the end of the text.
fn string(text: &str, start: usize, quote: u8) -> (String, usize) {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = start;
    let mut run = start;
    while i < bytes.len() {
        match bytes[i] {
            b if b == quote => {
                out.push_str(&text[run..i]);
                return (out, i + 1);
            }
            b'\\' => {
                out.push_str(&text[run..i]);
                let (decoded, next) = escape(text, i + 1);
                out.push_str(&decoded);
                i = next;
                run = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[run..]);
    (out, bytes.len())
}

/// The escape after a backslash at `at`, and where the text goes on.
fn escape(text: &str, at: usize) -> (String, usize) {
    let Some(c) = text[at..].chars().next() else {
        return (String::new(), at);
    };
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'u' => None,
        other => Some(other),
    };
    if let Some(s) = simple {
        return (s.to_string(), at + c.len_utf8());
    }
    let unit = |from: usize| {
        text.get(from..from + 4)
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let Some(first) = unit(at + 1) else {
        return ("u".to_owned(), at + 1);
    };
    let mut units = vec![first];
    let mut next = at + 5;
    if (0xD800..0xDC00).contains(&first) && text[next..].starts_with("\\u") {
        if let Some(second) = unit(next + 2).filter(|s| (0xDC00..0xE000).contains(s)) {
            units.push(second);
            next += 6;
        }
    }
    let decoded = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    (decoded, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> Vec<(InputPart, String, String)> {
        let mut out = Vec::new();
        tokens(text, &mut |i| {
            if i.transform.is_none() {
                out.push((i.part, i.name.into(), i.value.into()));
            }
        });
        out
    }

    fn value(name: &str, v: &str) -> (InputPart, String, String) {
        (InputPart::Value, name.into(), v.into())
    }

    fn key(k: &str) -> (InputPart, String, String) {
        (InputPart::Name, format!("$..{k}"), k.into())
    }

    #[test]
    fn takes_every_token_of_lenient_or_broken_json() {
        for (text, want) in [
            (
                r#"{"a": "x\"y\u0027\ud83d\ude00", b: 'it''s', // c
                   "n": -1.5e+3, /* "hidden" */ "l": [1, "two"] "#,
                vec![
                    key("a"),
                    value("$..a", "x\"y'😀"),
                    key("b"),
                    value("$..b", "it"),
                    value("$..b", "s"),
                    key("n"),
                    value("$..n", "-1.5e+3"),
                    key("l"),
                    value("$..l", "1"),
                    value("$..l", "two"),
                ],
            ),
            (
                r#"[{"a":{"b":1},"c":["x"]}, "top"] "unclosed"#,
                vec![
                    key("a"),
                    key("b"),
                    value("$..b", "1"),
                    key("c"),
                    value("$..c", "x"),
                    value("$", "top"),
                    value("$", "unclosed"),
                ],
            ),
            (
                r#"garbage ] ] } true null "\uZZ" - "#,
                vec![value("$", "uZZ")],
            ),
        ] {
            assert_eq!(scanned(text), want, "{text}");
        }
    }
}
