//! `file:` URLs the application opens (`new URL(param).openStream()`).
//!
//! The agent checks the path the URL handler opens (the URL's path, percent-decoded), where an
//! input that was the whole URL (`file:///etc/passwd`) does not occur as written. So for these
//! sinks each input that is itself a `file:` URL is read the way the JDK's handler reads it, and
//! where the path it names starts the opened path, it counts as an occurrence there.

use crate::context::RequestContext;
use crate::matcher::Occurrence;

/// The PathApi code of `sun.net.www.protocol.file.FileURLConnection.connect` (see
/// docs/native-boundary.md), the sink whose path comes from a URL.
pub const FILE_URL_API: i32 = 40;

/// The path a `file:` URL names, as the JDK's handler opens it: after `file:` and an empty or
/// `localhost` authority, percent-decoded. None for anything else (another scheme, a remote
/// host, which the JDK hands to FTP).
pub(super) fn url_path(value: &str) -> Option<Vec<u8>> {
    let b = value.trim().as_bytes();
    if b.len() < 5 || !b[..5].eq_ignore_ascii_case(b"file:") {
        return None;
    }
    let mut rest = &b[5..];
    if let Some(after) = rest.strip_prefix(b"//") {
        let end = after.iter().position(|&c| c == b'/').unwrap_or(after.len());
        let host = &after[..end];
        if !host.is_empty() && !host.eq_ignore_ascii_case(b"localhost") && host != b"~" {
            return None;
        }
        rest = &after[end..];
    }
    // A query or fragment is not part of the file's path.
    let end = rest
        .iter()
        .position(|&c| c == b'?' || c == b'#')
        .unwrap_or(rest.len());
    Some(percent_decode(&rest[..end]))
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(h), Some(l)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Occurrences at the start of `path` of the paths that `file:` URL inputs name.
pub(super) fn occurrences(ctx: &RequestContext, path: &[u8]) -> Vec<Occurrence> {
    ctx.inputs()
        .iter()
        .enumerate()
        .filter_map(|(input, i)| {
            let named = url_path(&i.value)?;
            (!named.is_empty() && path.starts_with(&named)).then_some(Occurrence {
                input,
                start: 0,
                end: named.len(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_file_urls_as_the_jdk_handler_does() {
        let p = |v: &str| url_path(v).map(|b| String::from_utf8_lossy(&b).into_owned());
        assert_eq!(p("file:///etc/passwd").as_deref(), Some("/etc/passwd"));
        assert_eq!(p("FILE:/etc/passwd").as_deref(), Some("/etc/passwd"));
        assert_eq!(
            p("file://localhost/etc/hosts").as_deref(),
            Some("/etc/hosts")
        );
        assert_eq!(p("file:/a%20b/%2e%2e/x?q#f").as_deref(), Some("/a b/../x"));
        assert_eq!(p("file:docs/x").as_deref(), Some("docs/x"));
        assert_eq!(p("file://evil.example/x"), None);
        assert_eq!(p("http://x/y"), None);
        assert_eq!(p("file"), None);
        assert_eq!(p("file:/bad%zz%4").as_deref(), Some("/bad%zz%4"));
    }
}
