//! Turning body bytes into the text the application reads, in the charsets it may read them in.
//!
//! The engine must see a value as the application does, or the value it searches for is not the
//! one in the sink. A servlet container decodes a form in the request's declared charset (and in
//! ISO-8859-1 when none is declared), a framework may force UTF-8 over that, Jackson detects
//! UTF-16 and UTF-32 from the first bytes. An attacker picks the bytes and the declared charset,
//! so where readings can differ the callers take every plausible one.
//!
//! Decoded here: UTF-8, US-ASCII, ISO-8859-1, windows-1252, ISO-8859-15, UTF-16 and UTF-32 (each
//! byte order, with or without a byte-order mark). Other charsets (the multi-byte Asian ones,
//! EBCDIC) are not known: [`Charset::from_label`] answers `None` and callers fall back to UTF-8
//! and ISO-8859-1. Values the agent captures where the application read them (`addInputs`) cover
//! what this cannot decode.

use std::borrow::Cow;

/// A charset the engine can decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Ascii,
    Latin1,
    Windows1252,
    Latin9,
    /// `UTF-16`: a byte-order mark decides, big-endian without one (as Java decodes it).
    Utf16,
    Utf16Be,
    Utf16Le,
    /// `UTF-32`: a byte-order mark decides, big-endian without one.
    Utf32,
    Utf32Be,
    Utf32Le,
}

/// Labels by charset, compared after lower-casing and dropping `-`, `_`, `:`, `.` and spaces,
/// so `ISO-8859-1`, `iso_8859_1` and `ISO8859_1` (Java's historical name) are one label.
const LABELS: [(Charset, &[&str]); 11] = [
    (Charset::Utf8, &["utf8", "unicode11utf8"]),
    (
        Charset::Ascii,
        &[
            "usascii", "ascii", "iso646us", "cp367", "ibm367", "646", "csascii", "default",
        ],
    ),
    (
        Charset::Latin1,
        &[
            "iso88591",
            "latin1",
            "l1",
            "88591",
            "cp819",
            "ibm819",
            "819",
            "csisolatin1",
            "iso885911987",
            "isoir100",
        ],
    ),
    (
        Charset::Windows1252,
        &["windows1252", "cp1252", "cp5348", "ibm1252", "xcp1252"],
    ),
    (
        Charset::Latin9,
        &[
            "iso885915",
            "latin9",
            "l9",
            "885915",
            "latin0",
            "csisolatin9",
            "cp923",
            "ibm923",
        ],
    ),
    (Charset::Utf16, &["utf16", "unicode", "csunicode"]),
    (
        Charset::Utf16Be,
        &["utf16be", "unicodebig", "unicodebigunmarked"],
    ),
    (
        Charset::Utf16Le,
        &["utf16le", "unicodelittle", "unicodelittleunmarked"],
    ),
    (Charset::Utf32, &["utf32"]),
    (Charset::Utf32Be, &["utf32be"]),
    (Charset::Utf32Le, &["utf32le"]),
];

/// windows-1252's 0x80..=0x9F; `None` where it defines nothing (Java decodes those as U+FFFD).
const WINDOWS_1252_HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

impl Charset {
    /// The charset a label names (any case, Java's and IANA's spellings); `None` for one the
    /// engine cannot decode.
    pub fn from_label(label: &str) -> Option<Charset> {
        let key: String = label
            .trim()
            .trim_matches('"')
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ':' | '.' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        LABELS
            .iter()
            .find(|(_, labels)| labels.contains(&key.as_str()))
            .map(|(charset, _)| *charset)
    }

    /// True for the charsets whose every byte is one character.
    pub fn is_single_byte(self) -> bool {
        matches!(
            self,
            Charset::Ascii | Charset::Latin1 | Charset::Windows1252 | Charset::Latin9
        )
    }

    /// True for UTF-16 and UTF-32, whose text is not ASCII-compatible bytes.
    pub fn is_wide(self) -> bool {
        matches!(
            self,
            Charset::Utf16
                | Charset::Utf16Be
                | Charset::Utf16Le
                | Charset::Utf32
                | Charset::Utf32Be
                | Charset::Utf32Le
        )
    }

    /// Decodes `bytes`; what cannot be decoded becomes U+FFFD, never an error.
    pub fn decode(self, bytes: &[u8]) -> Cow<'_, str> {
        match self {
            Charset::Utf8 => {
                String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            }
            Charset::Ascii => single_byte(bytes, |b| (b < 0x80).then_some(char::from(b))),
            Charset::Latin1 => single_byte(bytes, |b| Some(char::from(b))),
            Charset::Windows1252 => single_byte(bytes, |b| match b {
                0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
                _ => Some(char::from(b)),
            }),
            Charset::Latin9 => single_byte(bytes, |b| {
                Some(match b {
                    0xA4 => '\u{20AC}',
                    0xA6 => '\u{0160}',
                    0xA8 => '\u{0161}',
                    0xB4 => '\u{017D}',
                    0xB8 => '\u{017E}',
                    0xBC => '\u{0152}',
                    0xBD => '\u{0153}',
                    0xBE => '\u{0178}',
                    _ => char::from(b),
                })
            }),
            Charset::Utf16 => match bytes {
                [0xFF, 0xFE, rest @ ..] => Cow::Owned(utf16(rest, u16::from_le_bytes)),
                [0xFE, 0xFF, rest @ ..] => Cow::Owned(utf16(rest, u16::from_be_bytes)),
                _ => Cow::Owned(utf16(bytes, u16::from_be_bytes)),
            },
            Charset::Utf16Be => Cow::Owned(utf16(bytes, u16::from_be_bytes)),
            Charset::Utf16Le => Cow::Owned(utf16(bytes, u16::from_le_bytes)),
            Charset::Utf32 => match bytes {
                [0xFF, 0xFE, 0, 0, rest @ ..] => Cow::Owned(utf32(rest, u32::from_le_bytes)),
                [0, 0, 0xFE, 0xFF, rest @ ..] => Cow::Owned(utf32(rest, u32::from_be_bytes)),
                _ => Cow::Owned(utf32(bytes, u32::from_be_bytes)),
            },
            Charset::Utf32Be => Cow::Owned(utf32(bytes, u32::from_be_bytes)),
            Charset::Utf32Le => Cow::Owned(utf32(bytes, u32::from_le_bytes)),
        }
    }
}

fn single_byte(bytes: &[u8], map: impl Fn(u8) -> Option<char>) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.is_ascii() => Cow::Borrowed(text),
        _ => Cow::Owned(
            bytes
                .iter()
                .map(|&b| map(b).unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        ),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let chunks = bytes.chunks_exact(2);
    let odd = !chunks.remainder().is_empty();
    let mut text: String = char::decode_utf16(chunks.map(|c| unit([c[0], c[1]])))
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if odd {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

fn utf32(bytes: &[u8], unit: fn([u8; 4]) -> u32) -> String {
    let chunks = bytes.chunks_exact(4);
    let odd = !chunks.remainder().is_empty();
    let mut text: String = chunks
        .map(|c| {
            char::from_u32(unit([c[0], c[1], c[2], c[3]])).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect();
    if odd {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// The Unicode encoding of a JSON (or XML) text, as Jackson detects it: a byte-order mark, or
/// else the pattern of zero bytes in the first four (RFC 4627 §3: the first two characters are
/// ASCII). `None` means UTF-8, or nothing to tell.
pub fn detect_unicode(bytes: &[u8]) -> Option<Charset> {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => Some(Charset::Utf8),
        [0, 0, 0xFE, 0xFF, ..] => Some(Charset::Utf32),
        [0xFF, 0xFE, 0, 0, ..] => Some(Charset::Utf32),
        [0xFE, 0xFF, ..] | [0xFF, 0xFE, ..] => Some(Charset::Utf16),
        [0, 0, 0, _, ..] => Some(Charset::Utf32Be),
        [_, 0, 0, 0, ..] => Some(Charset::Utf32Le),
        [0, _, 0, _, ..] | [0, _] | [0, _, _] => Some(Charset::Utf16Be),
        [_, 0, _, 0, ..] | [_, 0] | [_, 0, _] => Some(Charset::Utf16Le),
        _ => None,
    }
}

/// Every text a container or framework may make of `bytes` whose charset was declared as
/// `declared` (a label, `None` when none was declared), the most likely first, no two equal:
///
/// * no charset: UTF-8, and ISO-8859-1 (the servlet default for request bodies) when there are
///   non-ASCII bytes, since a framework may force UTF-8 or leave the container's default;
/// * a known charset: that one, and UTF-8 when it reads the bytes differently, for the same
///   reason (Spring Boot forces UTF-8 on requests by default);
/// * a charset the engine does not know: as with none.
pub fn readings<'a>(bytes: &'a [u8], declared: Option<&str>) -> Vec<Cow<'a, str>> {
    if bytes.is_ascii() {
        if let Some(wide) = declared
            .and_then(Charset::from_label)
            .filter(|c| c.is_wide())
        {
            return vec![wide.decode(bytes)];
        }
        return vec![Charset::Utf8.decode(bytes)];
    }
    let declared = declared.and_then(Charset::from_label);
    let order = match declared {
        Some(Charset::Utf8) => [Some(Charset::Utf8), None],
        Some(charset) => [Some(charset), Some(Charset::Utf8)],
        None => [Some(Charset::Utf8), Some(Charset::Latin1)],
    };
    let mut out: Vec<Cow<'a, str>> = Vec::new();
    for charset in order.into_iter().flatten() {
        let text = charset.decode(bytes);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// The `charset` parameter of a Content-Type, if any (the first, when given twice).
pub fn declared(content_type: &str) -> Option<String> {
    let readings = super::params::readings(content_type);
    super::params::values(&readings, "charset")
        .first()
        .map(|c| (*c).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_their_many_spellings() {
        for (label, want) in [
            ("UTF-8", Some(Charset::Utf8)),
            ("utf8", Some(Charset::Utf8)),
            ("ISO-8859-1", Some(Charset::Latin1)),
            ("iso_8859_1", Some(Charset::Latin1)),
            ("ISO8859_1", Some(Charset::Latin1)),
            ("\"latin1\"", Some(Charset::Latin1)),
            ("Cp1252", Some(Charset::Windows1252)),
            ("windows-1252", Some(Charset::Windows1252)),
            ("ISO-8859-15", Some(Charset::Latin9)),
            ("US-ASCII", Some(Charset::Ascii)),
            ("UTF-16", Some(Charset::Utf16)),
            ("UTF-16LE", Some(Charset::Utf16Le)),
            ("UnicodeBigUnmarked", Some(Charset::Utf16Be)),
            ("UTF-32BE", Some(Charset::Utf32Be)),
            ("Shift_JIS", None),
            ("IBM037", None),
            ("", None),
        ] {
            assert_eq!(Charset::from_label(label), want, "{label}");
        }
    }

    #[test]
    fn decodes_each_charset() {
        for (charset, bytes, want) in [
            (Charset::Utf8, &b"\xEF\xBB\xBFa\xC3\xA9"[..], "aé"),
            (Charset::Utf8, b"a\xE9", "a\u{FFFD}"),
            (Charset::Latin1, b"a\xE9\x80", "aé\u{80}"),
            (Charset::Windows1252, b"\x80\x92\x81", "€’\u{FFFD}"),
            (Charset::Latin9, b"\xA4\xE9", "€é"),
            (Charset::Ascii, b"a\xE9", "a\u{FFFD}"),
            (Charset::Utf16Le, b"'\0 \0", "' "),
            (Charset::Utf16Be, b"\0'\0 ", "' "),
            (Charset::Utf16, b"\xFF\xFE'\0", "'"),
            (Charset::Utf16, b"\xFE\xFF\0'", "'"),
            (Charset::Utf16, b"\0'", "'"),
            (Charset::Utf16Le, b"'\0x", "'\u{FFFD}"),
            (Charset::Utf16Le, b"\x3D\xD8\x00\xDE", "😀"),
            (Charset::Utf16Le, b"\x3D\xD8'\0", "\u{FFFD}'"),
            (Charset::Utf32Le, b"'\0\0\0", "'"),
            (Charset::Utf32Be, b"\0\0\0'", "'"),
            (Charset::Utf32, b"\0\0\xFE\xFF\0\0\0'", "'"),
            (Charset::Utf32, b"\xFF\xFE\0\0'\0\0\0", "'"),
            (Charset::Utf32Be, b"\0\x11\0\0", "\u{FFFD}"),
        ] {
            assert_eq!(charset.decode(bytes), want, "{charset:?} {bytes:?}");
        }
    }

    #[test]
    fn every_reading_a_container_may_make() {
        for (bytes, declared, want) in [
            (&b"a' b"[..], None, vec!["a' b"]),
            (b"a' b", Some("ISO-8859-1"), vec!["a' b"]),
            (b"\xE9' b", None, vec!["\u{FFFD}' b", "é' b"]),
            (b"\xC3\xA9", None, vec!["é", "Ã©"]),
            (b"\xE9' b", Some("ISO-8859-1"), vec!["é' b", "\u{FFFD}' b"]),
            (b"\xC3\xA9", Some("windows-1252"), vec!["Ã©", "é"]),
            (b"\xE9", Some("UTF-8"), vec!["\u{FFFD}"]),
            (b"\xE9' b", Some("Shift_JIS"), vec!["\u{FFFD}' b", "é' b"]),
            (b"'\0", Some("UTF-16LE"), vec!["'"]),
        ] {
            assert_eq!(readings(bytes, declared), want, "{bytes:?} {declared:?}");
        }
        assert_eq!(
            declared("application/x-www-form-urlencoded; charset=\"ISO-8859-1\"").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(declared("application/json"), None);
    }

    #[test]
    fn detects_unicode_json_from_its_first_bytes() {
        for (bytes, want) in [
            (&b"{\"a\":1}"[..], None),
            (b"\xEF\xBB\xBF{}", Some(Charset::Utf8)),
            (b"\xFE\xFF\0{", Some(Charset::Utf16)),
            (b"\xFF\xFE{\0", Some(Charset::Utf16)),
            (b"\0{\0\"", Some(Charset::Utf16Be)),
            (b"{\0\"\0", Some(Charset::Utf16Le)),
            (b"\0\0\0{", Some(Charset::Utf32Be)),
            (b"{\0\0\0", Some(Charset::Utf32Le)),
            (b"\0\0\xFE\xFF", Some(Charset::Utf32)),
            (b"\xFF\xFE\0\0", Some(Charset::Utf32)),
            (b"1\0", Some(Charset::Utf16Le)),
            (b"1", None),
        ] {
            assert_eq!(detect_unicode(bytes), want, "{bytes:?}");
        }
    }
}
