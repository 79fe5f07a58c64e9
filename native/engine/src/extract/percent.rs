//! Percent-decoding of the parts of a request every request has: the query string's names and
//! values, and the path's segments.
//!
//! `form_urlencoded` and `percent_encoding` decode a byte at a time through iterators, after a
//! first pass that looks for a `%` and before a last one that validates the UTF-8: about 70
//! instructions a byte, 2,000 for the load test's `q=red%20running%20shoes%20123`, the largest
//! single item of opening the context of a request never seen before. This decodes the same way
//! (the tests hold it to both crates over generated text) in one loop over the bytes: request
//! values are short, and a `memchr` per escape cost more than it saved.

use std::borrow::Cow;

/// `text` with each `%` and two hex digits replaced by the byte they spell, and each `+` by a
/// space when `plus_is_space` (forms and query strings); a `%` without two hex digits after it
/// stays as it is. Bytes that are not UTF-8 once decoded become U+FFFD. Borrowed when there is
/// nothing to decode.
pub fn decode(text: &str, plus_is_space: bool) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let special = |b: u8| b == b'%' || (plus_is_space && b == b'+');
    let Some(first) = bytes.iter().position(|&b| special(b)) else {
        return Cow::Borrowed(text);
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first]);
    let mut at = first;
    while let Some(&b) = bytes.get(at) {
        at += 1;
        out.push(match b {
            b'+' if plus_is_space => b' ',
            b'%' => match (hex(bytes.get(at)), hex(bytes.get(at + 1))) {
                (Some(high), Some(low)) => {
                    at += 2;
                    high << 4 | low
                }
                _ => b'%',
            },
            other => other,
        });
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(invalid) => Cow::Owned(String::from_utf8_lossy(invalid.as_bytes()).into_owned()),
    }
}

fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;

    /// Text made of the pieces decoding is hard on: escapes of ASCII and of UTF-8's lead and
    /// continuation bytes, broken escapes at the end, `+`, `%2B`, non-ASCII text.
    fn generated(seed: u64, n: usize) -> String {
        const PIECES: [&str; 16] = [
            "%",
            "%2",
            "%20",
            "%2B",
            "%2b",
            "+",
            "a",
            "Z9",
            "%E2%82%AC",
            "%E2",
            "%82",
            "%FF",
            "%zz",
            "é",
            " ",
            "%%41",
        ];
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                PIECES[(state % PIECES.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn decodes_as_form_urlencoded_and_percent_encoding_do() {
        for seed in 0..4000u64 {
            let text = generated(seed, (seed % 9) as usize);
            let form: String = form_urlencoded::parse(format!("k={text}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            assert_eq!(decode(&text, true), form, "{text:?} as a form value");
            let path = percent_decode_str(&text).decode_utf8_lossy();
            assert_eq!(decode(&text, false), path, "{text:?} as a path segment");
        }
    }

    #[test]
    fn text_without_escapes_is_borrowed() {
        assert!(matches!(
            decode("red running shoes", true),
            Cow::Borrowed(_)
        ));
        assert!(matches!(decode("a+b", false), Cow::Borrowed(_)));
        assert_eq!(decode("a+b%20c", true), "a b c");
        assert_eq!(decode("a+b%20c", false), "a+b c");
        assert_eq!(decode("100%", true), "100%");
    }
}
