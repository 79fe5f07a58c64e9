//! `multipart/form-data` bodies (RFC 7578), read the ways servlet containers and frameworks do.
//!
//! Part names, file names and the values of text parts are inputs; file contents are not (they
//! are data the application stores, not text it interprets), so they never count against
//! `max_input_bytes` either. A part is a file when it has a file name (even an empty one, as
//! Commons FileUpload decides) or a content type that is not text.
//!
//! Where parsers disagree, every reading is taken:
//!
//! * a boundary parameter given twice, or quoted with a `;` or spaces in it: the body is split
//!   with every boundary any reading of the Content-Type gives ([`params::readings`]);
//! * a delimiter is `--boundary` at the start of a line, followed by blanks and a line break or
//!   by `--`; the same text anywhere else (inside a value) is content;
//! * line breaks are CRLF or LF alone; header names are in any case;
//! * `filename` given twice, quoted with backslashes, or as RFC 2231/5987 `filename*`: every
//!   value is an input, decoded;
//! * names and values whose bytes read differently in UTF-8 and the declared charset (or
//!   ISO-8859-1): every reading ([`charset::readings`]).

use memchr::memmem;

use super::charset;
use super::json::json_body;
use super::params;
use super::with_derived_forms;
use crate::input::{Input, InputSource};

/// The inputs of a multipart body sent with `content_type`. A body without any boundary that
/// occurs in it gives nothing; a part cut off by the capture limit gives what it got to.
pub fn multipart_body(content_type: &str, body: &[u8], sink: &mut dyn FnMut(Input)) {
    let readings = params::readings(content_type);
    let declared = charset::declared(content_type);
    for boundary in params::values(&readings, "boundary") {
        if boundary.is_empty() {
            continue;
        }
        for part in parts(boundary.as_bytes(), body) {
            part_inputs(part, declared.as_deref(), sink);
        }
    }
}

/// The parts of `body` between delimiters of `boundary`.
fn parts<'a>(boundary: &[u8], body: &'a [u8]) -> Vec<&'a [u8]> {
    let delimiter = [b"--", boundary].concat();
    let mut parts = Vec::new();
    // The start of the current part's bytes, once a delimiter opened one.
    let mut open: Option<usize> = None;
    for at in memmem::find_iter(body, &delimiter) {
        if at > 0 && body[at - 1] != b'\n' {
            continue;
        }
        let after = &body[at + delimiter.len()..];
        let close = after.starts_with(b"--");
        let next = if close {
            None
        } else {
            match line_break_after_blanks(after) {
                Some(len) => Some(at + delimiter.len() + len),
                None => continue,
            }
        };
        if let Some(start) = open {
            // The line break before a delimiter belongs to it.
            let end = at.saturating_sub(1);
            let end = if end > start && body[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            parts.push(&body[start..end.max(start)]);
        }
        if close {
            return parts;
        }
        open = next;
    }
    if let Some(start) = open {
        parts.push(&body[start..]);
    }
    parts
}

/// The length of blanks and one line break at the start of `bytes`, or of the blanks when the
/// bytes end there (a body cut off after a delimiter); `None` when something else follows.
fn line_break_after_blanks(bytes: &[u8]) -> Option<usize> {
    let blanks = bytes
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    match &bytes[blanks..] {
        [b'\r', b'\n', ..] => Some(blanks + 2),
        [b'\n', ..] => Some(blanks + 1),
        [] | [b'\r'] => Some(bytes.len()),
        _ => None,
    }
}

/// One part: its headers up to the first empty line, then its content.
fn part_inputs(part: &[u8], declared: Option<&str>, sink: &mut dyn FnMut(Input)) {
    let (headers, content) = split_head(part);
    let mut dispositions = Vec::new();
    let mut content_type: Option<String> = None;
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("content-disposition") {
            dispositions.push(value);
        } else if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value);
        }
    }
    for disposition in dispositions {
        disposition_inputs(
            &disposition,
            content_type.as_deref(),
            content,
            declared,
            sink,
        );
    }
}

fn disposition_inputs(
    disposition: &str,
    content_type: Option<&str>,
    content: &[u8],
    declared: Option<&str>,
    sink: &mut dyn FnMut(Input),
) {
    let readings = params::readings(disposition);
    let mut names: Vec<String> = params::values(&readings, "name")
        .into_iter()
        .map(str::to_owned)
        .collect();
    names.extend(params::extended(&readings, "name"));
    for name in &names {
        sink(Input::name_of(InputSource::Multipart, name.as_str()));
    }
    let label = names.first().map_or("", String::as_str);
    let mut file_names: Vec<String> = params::values(&readings, "filename")
        .into_iter()
        .map(str::to_owned)
        .collect();
    file_names.extend(params::extended(&readings, "filename"));
    let is_file =
        !file_names.is_empty() || readings.iter().any(|(k, _)| k.starts_with("filename*"));
    for file_name in file_names {
        let input = Input::value(
            InputSource::Multipart,
            format!("{label}.filename"),
            file_name,
        );
        with_derived_forms(input, sink);
    }
    if is_file || content_type.is_some_and(|ct| !is_text(ct)) {
        return;
    }
    let part_charset = content_type.and_then(charset::declared);
    let declared = part_charset.as_deref().or(declared);
    for value in charset::readings(content, declared) {
        with_derived_forms(Input::value(InputSource::Multipart, label, value), sink);
    }
    if let Some(json) = content_type.filter(|ct| is_json(ct)) {
        json_body(json, content, sink);
    }
}

/// Header lines up to the first empty one (CRLF or LF; a line starting with a blank continues
/// the header before it), and the content after it. Header bytes are read as UTF-8, lossily;
/// names and file names are taken in every charset later, from the parameters.
fn split_head(part: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut at = 0;
    while at < part.len() {
        let end = memchr::memchr(b'\n', &part[at..]).map_or(part.len(), |i| at + i);
        let line = &part[at..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at = (end + 1).min(part.len());
        if line.is_empty() {
            return (headers, &part[at..]);
        }
        let text = String::from_utf8_lossy(line);
        if text.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(text.trim());
            }
            continue;
        }
        if let Some((name, value)) = text.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    (headers, &part[part.len()..])
}

fn mime(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(content_type: &str) -> bool {
    let mime = mime(content_type);
    mime == "application/json" || mime.ends_with("+json")
}

/// Content types whose part values are text the application reads as parameters.
fn is_text(content_type: &str) -> bool {
    let mime = mime(content_type);
    mime.is_empty()
        || mime.starts_with("text/")
        || is_json(content_type)
        || mime == "application/xml"
        || mime.ends_with("+xml")
        || mime == "application/x-www-form-urlencoded"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputPart;

    fn values(content_type: &str, body: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        multipart_body(content_type, body, &mut |i| {
            if i.part == InputPart::Value
                && i.transform.is_none()
                && i.source == InputSource::Multipart
            {
                out.push((i.name.into(), i.value.into()));
            }
        });
        out
    }

    fn pair(n: &str, v: &str) -> (String, String) {
        (n.to_owned(), v.to_owned())
    }

    const ATTACK: &str = "x' OR '1'='1";

    struct Case {
        case: &'static str,
        content_type: String,
        body: Vec<u8>,
        want: Vec<(String, String)>,
    }

    #[test]
    fn multipart_disagreements_are_all_inputs() {
        let field = |boundary: &str, name: &str, value: &str| {
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
        };
        let cases: Vec<Case> = vec![
            Case {
                case: "a boundary given twice, the body split with the second",
                content_type: "multipart/form-data; boundary=aaa; boundary=bbb".into(),
                body: format!("{}--bbb--\r\n", field("bbb", "q", ATTACK)).into_bytes(),
                want: vec![pair("q", ATTACK)],
            },
            Case {
                case: "a boundary given twice, the body split with the first",
                content_type: "multipart/form-data; boundary=aaa; boundary=bbb".into(),
                body: format!("{}--aaa--\r\n", field("aaa", "q", ATTACK)).into_bytes(),
                want: vec![pair("q", ATTACK)],
            },
            Case {
                case: "a quoted boundary with a semicolon and a space",
                content_type: "multipart/form-data; boundary=\"a;b c\"".into(),
                body: format!("{}--a;b c--\r\n", field("a;b c", "q", ATTACK)).into_bytes(),
                want: vec![pair("q", ATTACK)],
            },
            Case {
                case: "the boundary inside a field value is content",
                content_type: "multipart/form-data; boundary=XyZ".into(),
                body: format!(
                    "{}--XyZ--\r\n",
                    field("XyZ", "q", &format!("a --XyZ b {ATTACK}"))
                )
                .into_bytes(),
                want: vec![pair("q", &format!("a --XyZ b {ATTACK}"))],
            },
            Case {
                case: "LF-only line endings",
                content_type: "multipart/form-data; boundary=XyZ".into(),
                body: format!("--XyZ\nContent-Disposition: form-data; name=\"q\"\n\n{ATTACK}\n--XyZ--\n")
                    .into_bytes(),
                want: vec![pair("q", ATTACK)],
            },
            Case {
                case: "header names in any case",
                content_type: "multipart/form-data; boundary=XyZ".into(),
                body: format!(
                    "--XyZ\r\ncONTENT-dISPOSITION: form-data; NAME=\"q\"\r\n\r\n{ATTACK}\r\n--XyZ--\r\n"
                )
                .into_bytes(),
                want: vec![pair("q", ATTACK)],
            },
            Case {
                case: "RFC 5987 filename*, decoded, and the plain filename",
                content_type: "multipart/form-data; boundary=XyZ".into(),
                body: b"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"safe.txt\"; filename*=UTF-8''%2e%2e%2fx\r\n\r\ncontent\r\n--XyZ--\r\n".to_vec(),
                want: vec![pair("f.filename", "safe.txt"), pair("f.filename", "../x")],
            },
            Case {
                case: "a duplicated filename",
                content_type: "multipart/form-data; boundary=XyZ".into(),
                body: b"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"; filename=\"../../shell.jsp\"\r\n\r\ncontent\r\n--XyZ--\r\n".to_vec(),
                want: vec![pair("f.filename", "a.txt"), pair("f.filename", "../../shell.jsp")],
            },
            Case {
                case: "a value in latin-1 under a part charset",
                content_type: "multipart/form-data; boundary=XyZ".into(),
                body: b"--XyZ\r\nContent-Disposition: form-data; name=\"q\"\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\n\xE9' OR 1=1\r\n--XyZ--\r\n".to_vec(),
                want: vec![pair("q", "é' OR 1=1"), pair("q", "\u{FFFD}' OR 1=1")],
            },
        ];
        for Case {
            case,
            content_type,
            body,
            want,
        } in cases
        {
            assert_eq!(values(&content_type, &body), want, "{case}");
        }
    }

    #[test]
    fn file_contents_are_never_inputs() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nmy ' photo\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\nfile ' one\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"blob\"\r\nContent-Type: application/octet-stream\r\n\r\nblob ' two\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"ext\"; filename*=UTF-8''a.bin\r\n\r\next ' three\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":\"json ' four\"}\r\n\
            --XyZ--\r\nepilogue ' five";
        let mut all = Vec::new();
        multipart_body("multipart/form-data; boundary=XyZ", body, &mut |i| {
            all.push(i)
        });
        let texts: Vec<&str> = all.iter().map(|i| i.value.as_str()).collect();
        for absent in ["file ' one", "blob ' two", "ext ' three", "epilogue ' five"] {
            assert!(
                !texts.iter().any(|t| t.contains(absent)),
                "{absent}: {texts:?}"
            );
        }
        for present in [
            "my ' photo",
            "json ' four",
            "title",
            "file",
            "blob",
            "ext",
            "a.bin",
        ] {
            assert!(texts.contains(&present), "{present}: {texts:?}");
        }
        assert!(
            all.iter()
                .any(|i| i.source == InputSource::Json && i.name == "$.k"),
            "a JSON part's values, with their paths"
        );
    }

    #[test]
    fn truncated_and_boundaryless_bodies() {
        let cut = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nfirst\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\npart of";
        assert_eq!(
            values("multipart/form-data; boundary=XyZ", cut),
            vec![pair("a", "first"), pair("b", "part of")]
        );
        assert!(values("multipart/form-data", cut).is_empty());
        assert!(values("multipart/form-data; boundary=Other", cut).is_empty());
    }
}
