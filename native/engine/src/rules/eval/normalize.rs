//! The normalisation that finds input which reached a sink in another form (docs/rules.md §4.3).
//!
//! Applications transform input before use: they decode it again, unescape HTML, change its
//! case, tidy its whitespace. A payload that went through such a step no longer occurs
//! verbatim in the sink, so the structural detectors cannot see it; comparing both sides after
//! the same normalisation can. Steps, in order: percent-decode twice, decode HTML character
//! references (`&lt;`, `&#39;`, `&#x27;`), ASCII-lowercase, collapse whitespace runs to one
//! space, trim.
//!
//! It runs only for inputs that matched an input signature, and on the sinks those inputs may
//! have reached, so it may allocate; but each call allocates a fixed number of buffers, is
//! linear in its input, and reads at most [`MAX_NORMALIZED_BYTES`].

use memchr::memchr;

/// Bytes of a sink or input read for normalisation; anything past them is not compared (the
/// signature test on the raw sink still sees the whole string).
pub const MAX_NORMALIZED_BYTES: usize = 256 * 1024;

/// A normalised text and, when asked for, where each of its bytes came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    pub bytes: Vec<u8>,
    /// `origin[i]`: offset in the original text of the first byte that produced `bytes[i]`.
    /// Empty unless tracking was asked for.
    pub origin: Vec<u32>,
}

impl Normalized {
    /// The byte range of the original text that produced `bytes[start..end]`.
    pub fn source_range(&self, start: usize, end: usize, source_len: usize) -> (usize, usize) {
        let from = self.origin.get(start).map_or(source_len, |&o| o as usize);
        let to = self.origin.get(end).map_or(source_len, |&o| o as usize);
        (from, to.max(from))
    }
}

/// Normalises `text`. `track` fills [`Normalized::origin`] (sinks, so a finding can point
/// into the original); inputs do not need it.
pub fn normalize(text: &[u8], track: bool) -> Normalized {
    let text = &text[..text.len().min(MAX_NORMALIZED_BYTES)];
    let once = percent_pass(text, None, track);
    let twice = match &once {
        Some(t) => percent_pass(&t.bytes, Some(&t.origin), track),
        None => percent_pass(text, None, track),
    };
    match (&twice, &once) {
        (Some(t), _) | (None, Some(t)) => final_pass(&t.bytes, Some(&t.origin), track),
        (None, None) => final_pass(text, None, track),
    }
}

/// Offset of byte `i` of a pass's input in the original text.
fn origin_of(origin: Option<&Vec<u32>>, i: usize) -> u32 {
    origin.map_or(i as u32, |o| o.get(i).copied().unwrap_or(i as u32))
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// One round of `%HH` decoding; `None` when there is nothing to decode (no copy made).
fn percent_pass(text: &[u8], origin: Option<&Vec<u32>>, track: bool) -> Option<Normalized> {
    let first = memchr(b'%', text)?;
    let mut out = Normalized {
        bytes: Vec::with_capacity(text.len()),
        origin: Vec::with_capacity(if track { text.len() } else { 0 }),
    };
    let push = |out: &mut Normalized, b: u8, at: usize| {
        out.bytes.push(b);
        if track {
            out.origin.push(origin_of(origin, at));
        }
    };
    for (i, &b) in text[..first].iter().enumerate() {
        push(&mut out, b, i);
    }
    let mut i = first;
    while i < text.len() {
        let decoded = (text[i] == b'%')
            .then(|| Some(hex(*text.get(i + 1)?)? << 4 | hex(*text.get(i + 2)?)?))
            .flatten();
        match decoded {
            Some(b) => {
                push(&mut out, b, i);
                i += 3;
            }
            None => {
                push(&mut out, text[i], i);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Named character references worth decoding: those that spell syntax in SQL, shells and paths.
const NAMED: [(&[u8], char); 31] = [
    (b"lt", '<'),
    (b"LT", '<'),
    (b"gt", '>'),
    (b"GT", '>'),
    (b"amp", '&'),
    (b"AMP", '&'),
    (b"quot", '"'),
    (b"QUOT", '"'),
    (b"apos", '\''),
    (b"nbsp", '\u{a0}'),
    (b"Tab", '\t'),
    (b"NewLine", '\n'),
    (b"sol", '/'),
    (b"bsol", '\\'),
    (b"colon", ':'),
    (b"semi", ';'),
    (b"comma", ','),
    (b"period", '.'),
    (b"lpar", '('),
    (b"rpar", ')'),
    (b"equals", '='),
    (b"plus", '+'),
    (b"ast", '*'),
    (b"num", '#'),
    (b"percnt", '%'),
    (b"excl", '!'),
    (b"quest", '?'),
    (b"lowbar", '_'),
    (b"grave", '`'),
    (b"verbar", '|'),
    (b"dollar", '$'),
];

/// The character reference starting at `text[0] == b'&'`: the character and its length.
fn entity(text: &[u8]) -> Option<(char, usize)> {
    // The longest reference read: `&#x10FFFF;` or `&NewLine;`.
    let end = memchr(b';', &text[..text.len().min(12)])?;
    let body = &text[1..end];
    let c = match body {
        [b'#', b'x' | b'X', digits @ ..] => number(digits, 16)?,
        [b'#', digits @ ..] => number(digits, 10)?,
        name => NAMED.iter().find(|(n, _)| *n == name)?.1,
    };
    Some((c, end + 1))
}

fn number(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() || digits.len() > 7 {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    char::from_u32(u32::from_str_radix(text, radix).ok()?)
}

/// HTML references, ASCII lowercase, whitespace collapsed and trimmed, in one pass.
fn final_pass(text: &[u8], origin: Option<&Vec<u32>>, track: bool) -> Normalized {
    let mut out = Normalized {
        bytes: Vec::with_capacity(text.len()),
        origin: Vec::with_capacity(if track { text.len() } else { 0 }),
    };
    // A whitespace run seen after some output: written as one space before the next byte, so
    // trailing whitespace is never written.
    let mut pending_space: Option<usize> = None;
    let mut emit = |out: &mut Normalized, b: u8, at: usize| {
        if b.is_ascii_whitespace() || b == 0x0b {
            if !out.bytes.is_empty() && pending_space.is_none() {
                pending_space = Some(at);
            }
            return;
        }
        if let Some(space_at) = pending_space.take() {
            out.bytes.push(b' ');
            if track {
                out.origin.push(origin_of(origin, space_at));
            }
        }
        out.bytes.push(b.to_ascii_lowercase());
        if track {
            out.origin.push(origin_of(origin, at));
        }
    };
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'&' {
            if let Some((c, len)) = entity(&text[i..]) {
                let mut utf8 = [0u8; 4];
                for &b in c.encode_utf8(&mut utf8).as_bytes() {
                    emit(&mut out, b, i);
                }
                i += len;
                continue;
            }
        }
        emit(&mut out, text[i], i);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        String::from_utf8(normalize(text.as_bytes(), false).bytes).expect("utf-8")
    }

    #[test]
    fn each_step() {
        assert_eq!(norm("1%20UNION%20SELECT"), "1 union select");
        assert_eq!(norm("1%2527%2520OR"), "1' or", "decoded twice");
        assert_eq!(norm("%252527"), "%27", "but not three times");
        assert_eq!(
            norm("&lt;script&gt; &#39;x&#x27; &amp;lt;"),
            "<script> 'x' &lt;"
        );
        assert_eq!(norm("  UNION \t\n  SELECT  "), "union select");
        assert_eq!(
            norm("a&Tab;&NewLine;b"),
            "a b",
            "references become whitespace first"
        );
        assert_eq!(norm("%zz %4"), "%zz %4", "broken escapes stay as they are");
        assert_eq!(norm("&unknown; &#xZZ; &"), "&unknown; &#xzz; &");
        assert_eq!(norm("&#1114112;"), "&#1114112;", "not a character");
        assert_eq!(norm("É"), "É", "non-ASCII is left alone");
    }

    #[test]
    fn origins_point_into_the_original() {
        let sql = "SELECT  *  FROM t WHERE a = %27x%27";
        let n = normalize(sql.as_bytes(), true);
        assert_eq!(n.bytes.len(), n.origin.len());
        let text = String::from_utf8(n.bytes.clone()).expect("utf-8");
        assert_eq!(text, "select * from t where a = 'x'");
        let at = text.find("'x'").expect("found");
        let (from, to) = n.source_range(at, at + 3, sql.len());
        assert_eq!(&sql[from..to], "%27x%27");
        let at = text.find("* from").expect("found");
        let (from, to) = n.source_range(at, at + 6, sql.len());
        assert_eq!(&sql[from..to], "*  FROM");
        let n = normalize(b"%2527", true);
        assert_eq!(n.origin, vec![0]);
    }

    #[test]
    fn long_texts_are_cut() {
        let long = vec![b'A'; MAX_NORMALIZED_BYTES + 10];
        assert_eq!(normalize(&long, false).bytes.len(), MAX_NORMALIZED_BYTES);
    }
}
