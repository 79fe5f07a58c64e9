//! Parameters of structured header values: `form-data; name="a"; filename*=UTF-8''b`.
//!
//! Parsers disagree on the corners: a `;` inside quotes, a backslash inside quotes (Commons
//! FileUpload, and so Tomcat, keep it; RFC 7230 unescapes it), a key given twice (first or last
//! wins), RFC 2231/5987 extended values (`filename*`). A disagreement between this parse and the
//! application's would let a value through unseen, so these functions return every reading a
//! common parser makes, each as its own `(key, value)`, and callers use them all.

use percent_encoding::percent_decode_str;

use super::charset::Charset;

/// Every `(key, value)` reading of the parameters after the first `;` of `header`. Keys are
/// lower-cased. Both the quote-aware reading and the naive one (`split(';')`, quotes trimmed)
/// are given, and for a quoted value with backslashes both the raw and the unescaped value.
/// Repeated keys give one entry each.
pub fn readings(header: &str) -> Vec<(String, String)> {
    let mut out = quoted(header);
    for naive in naive(header) {
        if !out.contains(&naive) {
            out.push(naive);
        }
    }
    out
}

/// The values of every reading of `key`.
pub fn values<'a>(readings: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for (k, v) in readings {
        if k == key && !out.contains(&v.as_str()) {
            out.push(v);
        }
    }
    out
}

/// Parameters split on `;` outside quotes.
fn quoted(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some((_, mut rest)) = header.split_once(';') else {
        return out;
    };
    while !rest.is_empty() {
        let (key, after_key) = match rest.find(['=', ';']) {
            Some(i) if rest.as_bytes()[i] == b'=' => (&rest[..i], &rest[i + 1..]),
            Some(i) => {
                rest = &rest[i + 1..];
                continue;
            }
            None => break,
        };
        let key = key.trim().to_ascii_lowercase();
        let value_text = after_key.trim_start();
        if let Some(inner) = value_text.strip_prefix('"') {
            let (raw, unescaped, after) = quoted_string(inner);
            out.push((key.clone(), unescaped.clone()));
            if raw != unescaped {
                out.push((key, raw));
            }
            rest = after.split_once(';').map_or("", |(_, r)| r);
        } else {
            let (value, after) = value_text.split_once(';').unwrap_or((value_text, ""));
            out.push((key, value.trim().to_owned()));
            rest = after;
        }
    }
    out
}

/// The body of a quoted string after its opening quote: the raw text (backslashes kept), the
/// unescaped text, and what follows the closing quote. An unclosed string runs to the end.
fn quoted_string(inner: &str) -> (String, String, &str) {
    let mut unescaped = String::new();
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        match (escaped, c) {
            (true, _) => {
                unescaped.push(c);
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, '"') => return (inner[..i].to_owned(), unescaped, &inner[i + 1..]),
            (false, _) => unescaped.push(c),
        }
    }
    (inner.to_owned(), unescaped, "")
}

/// Parameters the way a parser that ignores quoting reads them.
fn naive(header: &str) -> Vec<(String, String)> {
    header
        .split(';')
        .skip(1)
        .filter_map(|param| {
            let (key, value) = param.split_once('=')?;
            Some((
                key.trim().to_ascii_lowercase(),
                value.trim().trim_matches('"').to_owned(),
            ))
        })
        .collect()
}

/// The RFC 2231/5987 extended value of `key` (`key*=charset'lang'%xx..`, or continued as
/// `key*0*=`, `key*1=`, ...), decoded; `None` when there is none. An unknown charset is read
/// as UTF-8.
pub fn extended(readings: &[(String, String)], key: &str) -> Vec<String> {
    let star = format!("{key}*");
    let mut out: Vec<String> = values(readings, &star)
        .into_iter()
        .map(decode_extended)
        .collect();
    // Continuations: key*0, key*0*, key*1, ... in order of their number.
    let mut pieces: Vec<(u32, bool, &str)> = readings
        .iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix(&star)?;
            let (number, encoded) = match rest.strip_suffix('*') {
                Some(n) => (n, true),
                None => (rest, false),
            };
            Some((number.parse().ok()?, encoded, v.as_str()))
        })
        .collect();
    if !pieces.is_empty() {
        pieces.sort_by_key(|p| p.0);
        pieces.dedup_by_key(|p| p.0);
        let charset = pieces
            .first()
            .filter(|p| p.1)
            .and_then(|p| p.2.split('\'').next())
            .and_then(Charset::from_label)
            .unwrap_or(Charset::Utf8);
        let mut bytes = Vec::new();
        for (i, (_, encoded, value)) in pieces.iter().enumerate() {
            let value = if i == 0 && *encoded {
                value.splitn(3, '\'').nth(2).unwrap_or(value)
            } else {
                value
            };
            if *encoded {
                bytes.extend(percent_decode_str(value));
            } else {
                bytes.extend_from_slice(value.as_bytes());
            }
        }
        out.push(charset.decode(&bytes).into_owned());
    }
    out
}

/// `charset'lang'percent-encoded` decoded in its charset; without the two quotes, the whole
/// value percent-decoded as UTF-8.
fn decode_extended(value: &str) -> String {
    let mut parts = value.splitn(3, '\'');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(charset), Some(_lang), Some(encoded)) => {
            let bytes: Vec<u8> = percent_decode_str(encoded).collect();
            Charset::from_label(charset)
                .unwrap_or(Charset::Utf8)
                .decode(&bytes)
                .into_owned()
        }
        _ => percent_decode_str(value).decode_utf8_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of<'a>(header: &str, key: &str, out: &'a mut Vec<(String, String)>) -> Vec<&'a str> {
        *out = readings(header);
        values(out, key)
    }

    #[test]
    fn every_reading_of_a_parameter() {
        for (header, key, want) in [
            ("multipart/form-data; boundary=abc", "boundary", vec!["abc"]),
            (
                "multipart/form-data; boundary=a; boundary=b",
                "boundary",
                vec!["a", "b"],
            ),
            (
                "multipart/form-data; boundary=\"x;y z\"",
                "boundary",
                vec!["x;y z", "x"],
            ),
            ("form-data; name=\"a\\\"b\"", "name", vec!["a\"b", "a\\\"b"]),
            (
                "form-data; NAME=\"f\"; filename=\"one\"; filename=\"two\"",
                "filename",
                vec!["one", "two"],
            ),
            ("form-data; name=\"unclosed", "name", vec!["unclosed"]),
            ("form-data; name", "name", vec![]),
            ("text/plain; charset = \"UTF-8\" ", "charset", vec!["UTF-8"]),
        ] {
            let mut store = Vec::new();
            assert_eq!(of(header, key, &mut store), want, "{header}");
        }
    }

    #[test]
    fn extended_values_are_decoded() {
        for (header, want) in [
            (
                "form-data; name=f; filename*=UTF-8''%2e%2e%2fx",
                vec!["../x"],
            ),
            (
                "form-data; filename*=\"ISO-8859-1'en'%E9t%E9\"",
                vec!["été"],
            ),
            ("form-data; filename*=%2e%2e%2fy", vec!["../y"]),
            (
                "form-data; filename*0*=UTF-8''%2e%2e; filename*1=/z; filename*2*=%2fw",
                vec!["../z/w"],
            ),
            ("form-data; filename=plain", vec![]),
        ] {
            assert_eq!(extended(&readings(header), "filename"), want, "{header}");
        }
    }
}
