//! The forms applications commonly derive from an input before it reaches a sink.
//!
//! The structural detectors find an input where it occurs in the sink, byte for byte. An
//! application that changed the value first (`toLowerCase()`, `trim()`, decoding a pagination
//! cursor from base64, unescaping `\u0027` from a JSON string it parses itself, decoding HTML
//! entities, percent-decoding once more (`URLDecoder.decode` also turns `+` into a space),
//! normalising a path, NFKC-normalising text, which turns full-width `＇` and `；` into `'` and `;`) puts a form in the sink that the
//! request never carried. So each input is searched together with the forms such code makes of
//! it. They are ordinary inputs with a `transform` name and the original value, compiled into
//! the same multi-pattern search as everything else: one pass over the sink finds every form of
//! every input, and the detector judges the structure where the derived form lies. Events name
//! the transform (`input.transform`) and the form (`input.transformed`).
//!
//! Only forms that differ from the value are made, each once. A form is derived from the value
//! as the request carried it; the case forms also from its trimmed and collapsed forms
//! (`trim().toLowerCase()` is how applications normalise names and e-mail addresses). Decoding
//! forms are made only where the value shows the encoding (`%` or `+`, base64's alphabet, a JSON
//! escape, an HTML entity, a doubled or dotted path separator). Re-cased and re-spaced forms
//! are made only for values up to [`MAX_RESHAPED_BYTES`], which covers every injection payload
//! while a large body is not searched three times over, and only for values that can end a
//! literal or a command ([`breaks_out`]): `order by` upper-cased is the application's own SQL
//! far more often than it is input.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use percent_encoding::percent_decode_str;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization as _};

/// The most forms one input gets (families of an input and its forms stay small, so that the
/// rule evaluation can find a family by looking back this far).
pub const MAX_FORMS: usize = 12;

/// Values longer than this get no re-cased or re-spaced forms.
pub const MAX_RESHAPED_BYTES: usize = 4096;

/// Values longer than this get no decoded forms beyond percent-decoding and separators.
pub const MAX_DECODED_BYTES: usize = 64 * 1024;

/// Base64 values shorter than this are not decoded (`Jy0t` is `'--`: four is enough).
const MIN_BASE64_BYTES: usize = 4;

/// JSON leaves taken from one value that is a JSON document.
const MAX_JSON_LEAVES: usize = 8;

/// One derived form: the text and how it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub value: String,
    pub transform: &'static str,
}

/// Every form applications commonly derive from `value`, without `value` itself and without
/// repeats, at most [`MAX_FORMS`].
pub fn forms(value: &str) -> Vec<Form> {
    match makers(value) {
        Makers::None => Vec::new(),
        Makers::Base64 => base64_form(value),
        Makers::All => all_forms(value),
    }
}

/// False only for a value that no maker below can change: then [`forms`] is empty without
/// trying each maker, which is what almost every value of an ordinary request is (`alice`,
/// `users`, `42`). See [`makers`].
pub fn may_derive(value: &str) -> bool {
    makers(value) != Makers::None
}

/// Which makers [`forms`] runs for a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Makers {
    /// None can change it.
    None,
    /// Only [`base64_decoded`] can: a word of base64's alphabet (`by-name`, `Jy0t`) that shows
    /// nothing another maker looks at.
    Base64,
    /// Any may: [`all_forms`] tries them all.
    All,
}

/// One pass over the value's bytes that tells which makers can change it. Each test is a
/// precondition taken from the maker's own code, so a value that a maker would change always
/// gets that maker:
///
/// * `%`: [`url_decoded`] (and the `url-decoded,backslash-to-slash` form built from it); `+`:
///   [`form_decoded`];
/// * `\`: [`slashed`], [`json_unescaped`]; `/` or `\`: [`path_normalized`];
/// * `{` or `[`: [`json_leaves`] (a document starts with one after leading whitespace);
/// * `://`: [`url_host`] (it has a `/`);
/// * the bytes and pairs [`breaks_out`] looks for: the re-cased, trimmed and collapsed forms,
///   made for no other value (its `/*` has a `/`); [`html_decoded`] needs `&` and `;`, both
///   among them;
/// * a character outside ASCII that NFKC may change: [`nfkc_normalized`];
/// * otherwise, base64's alphabet: [`base64_decoded`] alone, which decodes only values of
///   [`base64_shape`]. Where the pass cannot tell that shape without trimming (padding `=`,
///   whitespace, a byte outside ASCII) it asks `base64_shape` itself, so the two cannot drift
///   apart.
fn makers(value: &str) -> Makers {
    let (mut standard, mut url_safe, mut unsure, mut non_ascii) = (true, true, false, false);
    let mut previous = 0u8;
    for &b in value.as_bytes() {
        match BYTE_CLASS[usize::from(b)] {
            ALPHANUMERIC => {}
            ANY_MAKER => return Makers::All,
            DASH if previous == b'-' => return Makers::All,
            DASH | UNDERSCORE => standard = false,
            UNSURE => {
                unsure = true;
                non_ascii |= b >= 0x80;
            }
            _ => (standard, url_safe) = (false, false),
        }
        previous = b;
    }
    if non_ascii && nfkc_may_change(value) {
        return Makers::All;
    }
    let base64 = if unsure {
        base64_shape(value).is_some()
    } else {
        value.len() >= MIN_BASE64_BYTES && value.len() % 4 != 1 && (standard || url_safe)
    };
    if base64 {
        Makers::Base64
    } else {
        Makers::None
    }
}

// What [`makers`] makes of each byte: a table, since a chain of comparisons per byte cost more
// than the rest of the pass.
const ALPHANUMERIC: u8 = 0;
/// `%`, `+`, `\`, `/`, `{`, `[` and the bytes [`breaks_out`] looks for.
const ANY_MAKER: u8 = 1;
/// In the URL-safe alphabet only; two in a row are [`breaks_out`]'s `--`.
const DASH: u8 = 2;
const UNDERSCORE: u8 = 3;
/// Padding, whitespace, a byte of a character outside ASCII: for [`base64_shape`] to judge.
const UNSURE: u8 = 5;
/// Anything else: in neither alphabet.
const OTHER: u8 = 6;

const BYTE_CLASS: [u8; 256] = {
    let mut class = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        class[b] = match c {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALPHANUMERIC,
            // `+` is in base64's standard alphabet too; all_forms tries base64 as well.
            b'%' | b'+' | b'\\' | b'/' | b'{' | b'[' => ANY_MAKER,
            b'\'' | b'"' | b'`' | b';' | b'|' | b'&' | b'$' | b'<' | b'>' | b'#' | b'\n'
            | b'\r' => ANY_MAKER,
            b'-' => DASH,
            b'_' => UNDERSCORE,
            b'=' | b'\t' | 0x0B | 0x0C | b' ' | 0x80..=0xFF => UNSURE,
            _ => OTHER,
        };
        b += 1;
    }
    class
};

/// [`all_forms`] of a value [`makers`] found only base64 can change: its decoded form alone.
fn base64_form(value: &str) -> Vec<Form> {
    let mut out = Forms {
        original: value,
        forms: Vec::new(),
    };
    if value.len() <= MAX_DECODED_BYTES {
        out.add_opt(base64_decoded(value), "base64-decoded");
    }
    out.forms
}

/// [`forms`] without the [`makers`] short cut: every maker tried.
fn all_forms(value: &str) -> Vec<Form> {
    let mut out = Forms {
        original: value,
        forms: Vec::new(),
    };
    // Decoding, in the order the detectors most need them.
    let decoded = url_decoded(value);
    if let Some(d) = &decoded {
        out.add(d.clone(), "url-decoded");
    }
    out.add_opt(form_decoded(value), "form-decoded");
    if value.len() <= MAX_DECODED_BYTES {
        out.add_opt(nfkc_normalized(value), "nfkc-normalized");
    }
    out.add_opt(slashed(value), "backslash-to-slash");
    if let Some(d) = &decoded {
        out.add_opt(slashed(d), "url-decoded,backslash-to-slash");
    }
    if value.len() <= MAX_DECODED_BYTES {
        out.add_opt(path_normalized(value), "path-normalized");
        out.add_opt(json_unescaped(value), "json-unescaped");
        for leaf in json_leaves(value) {
            out.add(leaf, "json-parsed");
        }
        out.add_opt(html_decoded(value), "html-decoded");
        out.add_opt(base64_decoded(value), "base64-decoded");
        if let Some(host) = url_host(value) {
            out.add(host.to_owned(), "url-host");
            out.add(host.to_ascii_lowercase(), "url-host,lower-case");
        }
    }
    if value.len() <= MAX_RESHAPED_BYTES && breaks_out(value) {
        let trimmed = trimmed(value);
        let collapsed = collapsed(value);
        out.add_cased(value, ["lower-case", "upper-case"]);
        if let Some(t) = &trimmed {
            out.add(t.clone(), "trimmed");
            out.add_cased(t, ["trimmed,lower-case", "trimmed,upper-case"]);
        }
        if let Some(c) = collapsed.filter(|c| Some(c) != trimmed.as_ref()) {
            out.add(c.clone(), "whitespace-collapsed");
            out.add_cased(
                &c,
                [
                    "whitespace-collapsed,lower-case",
                    "whitespace-collapsed,upper-case",
                ],
            );
        }
    }
    out.forms
}

/// Whether a value carries something that ends a literal or a command in some sink: a quote,
/// a backtick, a statement or command separator, a shell expansion or redirection, a comment
/// opener, a line break. Re-cased and re-spaced forms are made only for such values. A value
/// made of words alone (`order by`, `count(*)`) re-cased is too often the application's own
/// SQL text, where a form found would blame the input for a statement it never reached; and
/// a word-only payload changes nothing while it stays inside a literal.
fn breaks_out(value: &str) -> bool {
    value.bytes().any(|b| {
        matches!(
            b,
            b'\'' | b'"' | b'`' | b';' | b'|' | b'&' | b'$' | b'<' | b'>' | b'#' | b'\n' | b'\r'
        )
    }) || value
        .as_bytes()
        // A window over the bytes, not `contains`: a substring searcher costs more to set up
        // than a short value takes to scan.
        .windows(2)
        .any(|w| w == b"--" || w == b"/*")
}

/// The host of a value that is an absolute URL with an authority: what an HTTP client hands
/// to its socket (OkHttp lower-cases it), where the URL itself no longer occurs.
fn url_host(value: &str) -> Option<&str> {
    if !value.contains("://") {
        return None;
    }
    let parts = crate::net::url::parse(value)?;
    Some(&value[parts.host?])
}

struct Forms<'a> {
    original: &'a str,
    forms: Vec<Form>,
}

impl Forms<'_> {
    fn add(&mut self, value: String, transform: &'static str) {
        if self.forms.len() >= MAX_FORMS
            || value.is_empty()
            || value == self.original
            || self.forms.iter().any(|f| f.value == value)
        {
            return;
        }
        self.forms.push(Form { value, transform });
    }

    fn add_opt(&mut self, value: Option<String>, transform: &'static str) {
        if let Some(v) = value {
            self.add(v, transform);
        }
    }

    fn add_cased(&mut self, value: &str, transforms: [&'static str; 2]) {
        let [lower, upper] = transforms;
        self.add(value.to_lowercase(), lower);
        self.add(value.to_uppercase(), upper);
    }
}

/// Decoded once more, when it still looks percent-encoded.
fn url_decoded(value: &str) -> Option<String> {
    if !value.contains('%') {
        return None;
    }
    let d = percent_decode_str(value).decode_utf8_lossy().into_owned();
    (d != value).then_some(d)
}

/// Decoded once more the way `java.net.URLDecoder.decode` and form decoders do: `+` is a space,
/// then percent-decoding. `x'+OR+TRUE` that the application decodes again is `x' OR TRUE` in the
/// statement, which [`url_decoded`] (`+` kept, as `UriUtils.decode` does) does not make.
fn form_decoded(value: &str) -> Option<String> {
    if !value.contains('+') {
        return None;
    }
    Some(super::percent::decode(value, true).into_owned())
}

/// Whether NFKC may change the value: the quick check answers for almost all text without
/// normalising it (accented names, CJK text are already in NFKC).
fn nfkc_may_change(value: &str) -> bool {
    is_nfkc_quick(value.chars()) != IsNormalized::Yes
}

/// NFKC, as `java.text.Normalizer.normalize(s, Form.NFKC)` makes it: applications normalise
/// input before they compare or store it, and NFKC maps the full-width and small-form variants
/// of `'`, `;`, `<` and the rest to the ASCII characters a sink parses.
fn nfkc_normalized(value: &str) -> Option<String> {
    if value.is_ascii() || !nfkc_may_change(value) {
        return None;
    }
    let n: String = value.nfkc().collect();
    (n != value).then_some(n)
}

/// Backslashes as slashes: applications normalise Windows separators before opening files.
fn slashed(value: &str) -> Option<String> {
    value.contains('\\').then(|| value.replace('\\', "/"))
}

/// Java's `String.trim()` (every char up to U+0020) and `strip()` (Unicode whitespace).
fn trimmed(value: &str) -> Option<String> {
    let t = value.trim_matches(|c: char| c <= ' ' || c.is_whitespace());
    (t.len() != value.len()).then(|| t.to_owned())
}

/// Trimmed, and every run of whitespace one space (`replaceAll("\\s+", " ")`).
fn collapsed(value: &str) -> Option<String> {
    let c = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (c != value).then_some(c)
}

/// The path as `Path.normalize()` and `File` leave it: doubled separators and `.` segments
/// gone, `name/..` pairs resolved, leading `..` kept. Made only for something path-like that
/// normalisation changes.
fn path_normalized(value: &str) -> Option<String> {
    let b = value.as_bytes();
    let is_sep = |c: u8| c == b'/' || c == b'\\';
    if !b.iter().any(|&c| is_sep(c)) {
        return None;
    }
    let rooted = is_sep(b[0]);
    let mut segments: Vec<&str> = Vec::new();
    for seg in value.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => match segments.last() {
                Some(&last) if last != ".." => {
                    segments.pop();
                }
                _ if rooted => {}
                _ => segments.push(".."),
            },
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(value.len());
    if rooted {
        out.push('/');
    }
    out.push_str(&segments.join("/"));
    let slashed = value.replace('\\', "/");
    (out != slashed && !out.is_empty()).then_some(out)
}

/// JSON string escapes undone (`\u0027`, `\"`, `\\`, `\/`, `\n`…), for a value the application
/// unescapes or parses itself. Escapes that are not JSON stay as they are.
fn json_unescaped(value: &str) -> Option<String> {
    if !value.contains('\\') {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    let mut changed = false;
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let simple = match chars.peek() {
            Some('"') => Some('"'),
            Some('\\') => Some('\\'),
            Some('/') => Some('/'),
            Some('b') => Some('\u{8}'),
            Some('f') => Some('\u{c}'),
            Some('n') => Some('\n'),
            Some('r') => Some('\r'),
            Some('t') => Some('\t'),
            _ => None,
        };
        if let Some(s) = simple {
            chars.next();
            out.push(s);
            changed = true;
            continue;
        }
        if chars.peek() == Some(&'u') {
            let rest: String = chars.clone().skip(1).take(4).collect();
            if let Some(unit) = hex4(&rest) {
                chars.next();
                (0..4).for_each(|_| {
                    chars.next();
                });
                let decoded = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate: take the low one that should follow as `\uXXXX`.
                    let after: String = chars.clone().take(6).collect();
                    let low = after.strip_prefix("\\u").and_then(hex4);
                    match low {
                        Some(low) if (0xDC00..0xE000).contains(&low) => {
                            (0..6).for_each(|_| {
                                chars.next();
                            });
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(unit)
                };
                out.push(decoded.unwrap_or('\u{FFFD}'));
                changed = true;
                continue;
            }
        }
        out.push('\\');
    }
    changed.then_some(out)
}

fn hex4(s: &str) -> Option<u32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u32::from_str_radix(s, 16).ok())
        .flatten()
}

/// The string leaves of a value that is itself a JSON document (`filter={"name":"…"}`), which
/// the application parses with a library the agent does not hook.
fn json_leaves(value: &str) -> Vec<String> {
    let t = value.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return Vec::new();
    }
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(t) else {
        return Vec::new();
    };
    let mut leaves = Vec::new();
    let mut stack = vec![&doc];
    while let Some(v) = stack.pop() {
        if leaves.len() >= MAX_JSON_LEAVES {
            break;
        }
        match v {
            serde_json::Value::String(s) => leaves.push(s.clone()),
            serde_json::Value::Array(a) => stack.extend(a.iter().rev()),
            serde_json::Value::Object(o) => stack.extend(o.values().rev()),
            _ => {}
        }
    }
    leaves
}

/// HTML character references decoded: numeric ones and the named ones that stand for
/// characters with a meaning in SQL, shells or paths.
fn html_decoded(value: &str) -> Option<String> {
    if !value.contains('&') || !value.contains(';') {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let mut changed = false;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| entity(&after[..semi]).map(|c| (c, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
                changed = true;
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "grave" => '`',
        "semi" => ';',
        "sol" => '/',
        "bsol" => '\\',
        "lpar" => '(',
        "rpar" => ')',
        "verbar" | "vert" => '|',
        "dollar" => '$',
        "num" => '#',
        "equals" => '=',
        "excl" => '!',
        "ast" => '*',
        "percnt" => '%',
        "period" => '.',
        "comma" => ',',
        "colon" => ':',
        "Tab" => '\t',
        "NewLine" => '\n',
        _ => return None,
    })
}

/// Base64 (standard or URL-safe, padded or not) decoded to text: pagination cursors, tokens
/// and "encoded" filters that the application decodes and uses. Only a value made entirely of
/// one alphabet that decodes to UTF-8 without ASCII control characters counts; random ids
/// decode to binary.
fn base64_decoded(value: &str) -> Option<String> {
    const INDIFFERENT: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, INDIFFERENT);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, INDIFFERENT);
    let (v, url_safe) = base64_shape(value)?;
    let engine = if url_safe { &URL_SAFE } else { &STANDARD };
    // Most values of this shape are short words that decode to binary or to another word: they
    // are decoded on the stack, and only a form that is kept is allocated.
    let mut stack = [0u8; 96];
    let heap;
    let bytes: &[u8] = if v.len() / 4 * 3 + 3 <= stack.len() {
        let n = engine.decode_slice(v, &mut stack).ok()?;
        &stack[..n]
    } else {
        heap = engine.decode(v).ok()?;
        &heap
    };
    let text = std::str::from_utf8(bytes).ok()?;
    // Random ids rarely decode to valid UTF-8; those that do mostly hit an ASCII control.
    let printable = text
        .bytes()
        .all(|b| !b.is_ascii_control() || matches!(b, b'\t' | b'\n' | b'\r'));
    // Decoded text that is a plain word could lie only inside one token: not worth a form.
    let plain = text.chars().all(|c| c.is_alphanumeric() || c == '_');
    (printable && !plain).then(|| text.to_owned())
}

/// The trimmed value and whether it is URL-safe, when `value` has the shape
/// [`base64_decoded`] decodes: long enough, a length base64 can have, and (past trailing `=`)
/// made of the standard or the URL-safe alphabet alone.
fn base64_shape(value: &str) -> Option<(&str, bool)> {
    let v = value.trim();
    if v.len() < MIN_BASE64_BYTES || v.len() % 4 == 1 {
        return None;
    }
    let body = v.trim_end_matches('=');
    let is = |extra: [u8; 2]| {
        body.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
    };
    if is(*b"+/") {
        Some((v, false))
    } else if is(*b"-_") {
        Some((v, true))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(forms: &'a [Form], transform: &str) -> Option<&'a str> {
        forms
            .iter()
            .find(|f| f.transform == transform)
            .map(|f| f.value.as_str())
    }

    /// (value, transform, the form expected, or None for "not made").
    const CASES: &[(&str, &str, Option<&str>)] = &[
        ("x' OR TRUE OR '", "lower-case", Some("x' or true or '")),
        ("x' or true or '", "upper-case", Some("X' OR TRUE OR '")),
        ("  x' OR TRUE OR '\t", "trimmed", Some("x' OR TRUE OR '")),
        (
            " x'  OR\tTRUE OR ' ",
            "whitespace-collapsed",
            Some("x' OR TRUE OR '"),
        ),
        (
            " x' OR TRUE OR ' ",
            "trimmed,lower-case",
            Some("x' or true or '"),
        ),
        (
            "x\\u0027 OR TRUE OR \\u0027",
            "json-unescaped",
            Some("x' OR TRUE OR '"),
        ),
        ("\\ud83d\\ude00' --", "json-unescaped", Some("😀' --")),
        ("a\\qb", "json-unescaped", None),
        (
            r#"{"name":"x' OR TRUE OR '","page":2}"#,
            "json-parsed",
            Some("x' OR TRUE OR '"),
        ),
        (
            "x&#39; OR TRUE OR &#x27;",
            "html-decoded",
            Some("x' OR TRUE OR '"),
        ),
        ("x&apos;--&amp;", "html-decoded", Some("x'--&")),
        ("fish &chips", "html-decoded", None),
        // base64("x' OR TRUE OR '"), padded, and URL-safe without padding.
        (
            "eCcgT1IgVFJVRSBPUiAn",
            "base64-decoded",
            Some("x' OR TRUE OR '"),
        ),
        (
            "Pz4_PicgT1IgMT0xIC0t",
            "base64-decoded",
            Some("?>?>' OR 1=1 --"),
        ),
        ("Jy0t", "base64-decoded", Some("'--")),
        // The longest value decoded on the stack, and one past it (decoded on the heap).
        ("eCcgVU5JT04gU0VMRUNUIHVzZXJuYW1lLCBwYXNzd29yZCBGUk9NIHVzZXJzIFdIRVJFICcxJz0nMScgT1JERVIgQlkgdXNlcm5hbWUsIHBhc3N3b3JkIERFU0Mg", "base64-decoded", Some("x' UNION SELECT username, password FROM users WHERE '1'='1' ORDER BY username, password DESC ")),
        ("eCcgVU5JT04gU0VMRUNUIHVzZXJuYW1lLCBwYXNzd29yZCwgZW1haWwsIHJvbGUgRlJPTSB1c2VycyBXSEVSRSAnMSc9JzEnIE9SREVSIEJZIHVzZXJuYW1lLCBlbWFpbCwgcm9sZSAtLQ==", "base64-decoded", Some("x' UNION SELECT username, password, email, role FROM users WHERE '1'='1' ORDER BY username, email, role --")),
        // Random ids decode to binary; plain words are not decoded.
        ("dGhpc2lzYXdvcmQ=", "base64-decoded", None),
        ("Zm9vYmFy", "base64-decoded", None),
        ("a1B2c3D4e5F6", "base64-decoded", None),
        (
            "..//..//etc/passwd",
            "path-normalized",
            Some("../../etc/passwd"),
        ),
        ("./a/./b", "path-normalized", Some("a/b")),
        ("sub/../../x", "path-normalized", Some("../x")),
        ("/a/b/../../../etc", "path-normalized", Some("/etc")),
        ("a/b", "path-normalized", None),
        ("1%27%20OR%201%3D1", "url-decoded", Some("1' OR 1=1")),
        ("x'+OR+TRUE+OR+'", "form-decoded", Some("x' OR TRUE OR '")),
        ("x＇ OR TRUE OR ＇", "nfkc-normalized", Some("x' OR TRUE OR '")),
        ("a；ｉｄ", "nfkc-normalized", Some("a;id")),
        ("Müller 東京", "nfkc-normalized", None),
        ("1+OR+TRUE", "form-decoded", Some("1 OR TRUE")),
        ("x%27+OR+1%3D1", "form-decoded", Some("x' OR 1=1")),
        ("x%27+OR+1%3D1", "url-decoded", Some("x'+OR+1=1")),
        ("alice", "form-decoded", None),
        (
            "http://Metadata.Attacker.example:80/x",
            "url-host",
            Some("Metadata.Attacker.example"),
        ),
        (
            "http://Metadata.Attacker.example:80/x",
            "url-host,lower-case",
            Some("metadata.attacker.example"),
        ),
        ("http://[::1]/", "url-host", Some("[::1]")),
        ("see http:/x", "url-host", None),
        (
            "..%5C..%5Cx",
            "url-decoded,backslash-to-slash",
            Some("../../x"),
        ),
    ];

    #[test]
    fn each_form_is_made_where_the_value_shows_it() {
        for &(value, transform, want) in CASES {
            let forms = forms(value);
            assert_eq!(
                find(&forms, transform),
                want,
                "{value:?} {transform}: {forms:?}"
            );
        }
    }

    #[test]
    fn words_alone_are_not_recased() {
        for value in ["order by", "count(*)", "  Alice Smith ", "1 or true"] {
            let forms = forms(value);
            assert!(
                forms.iter().all(|f| !f.transform.contains("case")
                    && f.transform != "trimmed"
                    && f.transform != "whitespace-collapsed"),
                "{value:?}: {forms:?}"
            );
        }
    }

    #[test]
    fn forms_are_distinct_bounded_and_never_the_value() {
        for value in [
            " A  b\\u0027&#39;%27 ",
            "",
            "plain",
            &"Ab' ".repeat(2000),
            "eCcgT1IgVFJVRSBPUiAn",
        ] {
            let forms = forms(value);
            assert!(forms.len() <= MAX_FORMS);
            assert!(forms
                .iter()
                .all(|f| f.value != value && !f.value.is_empty()));
            for (i, f) in forms.iter().enumerate() {
                assert!(forms[..i].iter().all(|g| g.value != f.value), "{f:?}");
            }
        }
        assert!(
            forms(&format!(" '{} ", "A".repeat(MAX_RESHAPED_BYTES))).is_empty(),
            "long values are not re-cased"
        );
    }

    /// For each maker, a value it changes in the smallest way: the short cut must let it
    /// through, and the form must be made.
    const ONE_PER_MAKER: &[(&str, &str)] = &[
        ("%41b", "url-decoded"),
        ("a\\b", "backslash-to-slash"),
        ("%5Ca", "url-decoded,backslash-to-slash"),
        ("a//b", "path-normalized"),
        ("a\\nb", "json-unescaped"),
        ("[\"x y\"]", "json-parsed"),
        (" {\"a\":\"x y\"}", "json-parsed"),
        ("&lt;b", "html-decoded"),
        ("a&#59;", "html-decoded"),
        ("Jy0t", "base64-decoded"),
        (" Jy0t\t", "base64-decoded"),
        ("Pz4_", "base64-decoded"),
        ("ftp://h", "url-host"),
        ("http://H", "url-host,lower-case"),
        ("x'", "upper-case"),
        ("X`", "lower-case"),
        ("A--", "lower-case"),
        ("A/*", "lower-case"),
        ("a#", "upper-case"),
        (" a; ", "trimmed"),
        ("a  b|", "whitespace-collapsed"),
        ("A\nB", "lower-case"),
        ("A\rB", "lower-case"),
        ("A$", "lower-case"),
        ("A<", "lower-case"),
        ("A>", "lower-case"),
        ("A\"", "lower-case"),
        ("A&", "lower-case"),
    ];

    #[test]
    fn every_maker_gets_past_the_short_cut() {
        for &(value, transform) in ONE_PER_MAKER {
            assert!(may_derive(value), "{value:?}");
            let made = forms(value);
            assert!(
                find(&made, transform).is_some(),
                "{value:?} {transform}: {made:?}"
            );
        }
        for &(value, transform, want) in CASES {
            if want.is_some() {
                assert!(may_derive(value), "{value:?} {transform}");
            }
        }
    }

    #[test]
    fn the_byte_table_knows_every_byte_breaks_out_looks_for() {
        for b in 0u8..128 {
            let one = char::from(b).to_string();
            if breaks_out(&one) {
                assert_eq!(BYTE_CLASS[usize::from(b)], ANY_MAKER, "{one:?}");
            }
            let is_space = char::from(b).is_whitespace();
            if is_space && !breaks_out(&one) {
                assert_eq!(
                    BYTE_CLASS[usize::from(b)],
                    UNSURE,
                    "{one:?}: trimmed by base64_shape"
                );
            }
        }
        assert!(breaks_out("--") && makers("a--b") == Makers::All);
    }

    #[test]
    fn base64_words_try_base64_alone() {
        for (value, decoded) in [
            ("by-name", None),
            ("Jy0t", Some("'--")),
            ("eCcg", Some("x' ")),
        ] {
            assert_eq!(makers(value), Makers::Base64, "{value:?}");
            assert_eq!(find(&forms(value), "base64-decoded"), decoded, "{value:?}");
        }
        // padding and surrounding whitespace are base64_shape's to judge (a no-break space, which
        // NFKC makes a space, sends the value to every maker, base64's among them)
        for value in ["Jy0t==", " Jy0t", "Jy0t\u{a0}", "Jy0\t"] {
            assert_eq!(
                makers(value) != Makers::None,
                base64_shape(value).is_some(),
                "{value:?}"
            );
        }
        assert_eq!(makers("Jy0t\u{a0}"), Makers::All);
    }

    #[test]
    fn plain_values_take_the_short_cut() {
        for value in ["alice", "users", "42", "h2", "Alice Smith", "a.b,c", "x-y"] {
            assert!(!may_derive(value), "{value:?}");
            assert!(forms(value).is_empty());
        }
    }

    /// Pieces the generated values are made of: every byte some maker looks at, the escapes
    /// and encodings they decode, and plain text around them.
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "0",
        "9",
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "\u{2028}",
        "é",
        "%",
        "%27",
        "%2",
        "%5C",
        "\\",
        "\\u0027",
        "\\ud83d\\ude00",
        "\\n",
        "\\q",
        "/",
        "//",
        "./",
        "..",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "&",
        ";",
        "&#39;",
        "&lt;",
        "&amp",
        ":",
        "://",
        "http://",
        "'",
        "`",
        "|",
        "$",
        "<",
        ">",
        "#",
        "\n",
        "\r",
        "-",
        "--",
        "*",
        "/*",
        "=",
        "==",
        "+",
        "_",
        ".",
        ",",
        "~",
        "Jy0t",
        "eCcg",
        "T1Ig",
        "dGhp",
        "Pz4_",
        "abcd",
        "ABC",
    ];

    /// A deterministic stream of values: xorshift over [`PIECES`], one to nine pieces each.
    fn generated(count: usize) -> Vec<String> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let pieces = 1 + next() % 9;
                (0..pieces)
                    .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_short_cut_never_changes_the_forms() {
        let mut values: Vec<String> = CASES.iter().map(|c| c.0.to_owned()).collect();
        values.extend(ONE_PER_MAKER.iter().map(|c| c.0.to_owned()));
        values.extend(PIECES.iter().map(|p| (*p).to_owned()));
        values.extend(generated(20_000));
        let (mut skipped, mut base64_only) = (0, 0);
        for value in &values {
            let slow = all_forms(value);
            assert_eq!(forms(value), slow, "{value:?}");
            match makers(value) {
                Makers::None => {
                    assert!(slow.is_empty(), "{value:?} skipped but has {slow:?}");
                    skipped += 1;
                }
                Makers::Base64 => {
                    assert!(
                        slow.iter().all(|f| f.transform == "base64-decoded"),
                        "{value:?} base64 only but has {slow:?}"
                    );
                    base64_only += 1;
                }
                Makers::All => {}
            }
        }
        // The generator must exercise every path for the comparison to mean anything.
        assert!(skipped > 100 && skipped < values.len() / 2, "{skipped}");
        assert!(base64_only > 100, "{base64_only}");
    }
}
