//! The parts of a URL that decide where a connection goes, located in the URL's text.
//!
//! Input that writes the scheme, the host or the port of a URL decides where the application
//! connects; input that only writes the path or the query does not. So the judgement needs the
//! byte ranges of those parts in the string the application handed to `java.net.URL`, split
//! exactly as `URL` splits them (measured on OpenJDK 17 and Temurin 25), not as a browser or
//! RFC 3986 would:
//!
//! * leading characters up to U+0020 are skipped, and a `url:` prefix (any case) is dropped;
//! * the scheme runs to the first `:` (a letter, then letters, digits, `+`, `-`, `.`), any case;
//! * an authority follows only `//` and ends at the first `/`, `?` or `#`, so
//!   `http://127.0.0.1#@evil.com/` goes to 127.0.0.1; a backslash is no separator
//!   (`http://evil.com\@127.0.0.1/` goes to 127.0.0.1 too);
//! * user information ends at the first `@`; a second `@` leaves no host;
//! * a bracketed IPv6 literal is the host; otherwise the port follows the last `:`.

use std::ops::Range;

/// Where the deciding parts of a URL lie in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlParts {
    /// The scheme, lower-cased.
    pub scheme: String,
    pub scheme_span: Range<usize>,
    /// The host as written (brackets kept); `None` when the URL has no authority or no host.
    pub host: Option<Range<usize>>,
    /// The port's digits, when written.
    pub port: Option<Range<usize>>,
}

impl UrlParts {
    /// Whether the bytes `[start, end)` of the URL write any part that decides the destination
    /// (scheme, host or port), or the separators between them.
    pub fn decided_by(&self, start: usize, end: usize) -> bool {
        let decides_until = self
            .port
            .as_ref()
            .map(|p| p.end)
            .or(self.host.as_ref().map(|h| h.end))
            .unwrap_or(self.scheme_span.end + 1);
        start < decides_until && end > self.scheme_span.start
    }
}

/// Splits `url` as `new java.net.URL(url)` does; `None` when `URL` would refuse it (no scheme).
pub fn parse(url: &str) -> Option<UrlParts> {
    let b = url.as_bytes();
    let mut at = b.iter().position(|&c| c > b' ')?;
    if b.len() >= at + 4 && b[at..at + 4].eq_ignore_ascii_case(b"url:") {
        at += 4;
    }
    let colon = at + b[at..].iter().position(|&c| c == b':')?;
    let scheme = &b[at..colon];
    let valid = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
    if !valid {
        return None;
    }
    let mut parts = UrlParts {
        scheme: String::from_utf8_lossy(scheme).to_ascii_lowercase(),
        scheme_span: at..colon,
        host: None,
        port: None,
    };
    let rest = colon + 1;
    if !b[rest..].starts_with(b"//") {
        return Some(parts);
    }
    let auth_start = rest + 2;
    let auth_end = auth_start
        + b[auth_start..]
            .iter()
            .position(|&c| matches!(c, b'/' | b'?' | b'#'))
            .unwrap_or(b.len() - auth_start);
    let mut host_start = auth_start;
    if let Some(i) = b[auth_start..auth_end].iter().position(|&c| c == b'@') {
        host_start = auth_start + i + 1;
        if b[host_start..auth_end].contains(&b'@') {
            return Some(parts);
        }
    }
    let host_port = &b[host_start..auth_end];
    let host_end = if host_port.first() == Some(&b'[') {
        host_start
            + host_port
                .iter()
                .position(|&c| c == b']')
                .map_or(host_port.len(), |i| i + 1)
    } else {
        host_start
            + host_port
                .iter()
                .rposition(|&c| c == b':')
                .unwrap_or(host_port.len())
    };
    if host_end > host_start {
        parts.host = Some(host_start..host_end);
    }
    if b.get(host_end) == Some(&b':') && host_end + 1 < auth_end {
        parts.port = Some(host_end + 1..auth_end);
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `java.net.URL` answered: protocol, host, port.
    type Split = (&'static str, &'static str, &'static str);

    /// (URL, what `java.net.URL` answered; None where it threw).
    const JDK: &[(&str, Option<Split>)] = &[
        ("http://127.0.0.1/x", Some(("http", "127.0.0.1", ""))),
        (
            "http://user@127.0.0.1:8080/x",
            Some(("http", "127.0.0.1", "8080")),
        ),
        ("http://a@b@127.0.0.1/", Some(("http", "", ""))),
        (
            "http://127.0.0.1#@evil.com/",
            Some(("http", "127.0.0.1", "")),
        ),
        (
            "http://evil.com\\@127.0.0.1/",
            Some(("http", "127.0.0.1", "")),
        ),
        (
            "http://127.0.0.1?@evil.com/",
            Some(("http", "127.0.0.1", "")),
        ),
        ("HTTP://Example.COM", Some(("http", "Example.COM", ""))),
        ("http://[::1]:81/", Some(("http", "[::1]", "81"))),
        ("http://127.0.0.1:/x", Some(("http", "127.0.0.1", ""))),
        ("http:/127.0.0.1/x", Some(("http", "", ""))),
        ("http:127.0.0.1/x", Some(("http", "", ""))),
        ("file:///etc/passwd", Some(("file", "", ""))),
        ("jar:file:/a.jar!/x", Some(("jar", "", ""))),
        (
            "http://example.com:80@127.0.0.1/",
            Some(("http", "127.0.0.1", "")),
        ),
        ("//127.0.0.1/x", None),
        (" http://127.0.0.1/x", Some(("http", "127.0.0.1", ""))),
        ("url:http://127.0.0.1/", Some(("http", "127.0.0.1", ""))),
    ];

    #[test]
    fn urls_split_as_java_net_url_splits_them() {
        for &(url, want) in JDK {
            let got = parse(url).map(|p| {
                let text = |r: &Option<Range<usize>>| r.clone().map_or("", |r| &url[r]);
                (p.scheme.clone(), text(&p.host), text(&p.port))
            });
            let want = want.map(|(s, h, p)| (s.to_owned(), h, p));
            assert_eq!(got, want, "{url}");
        }
    }

    #[test]
    fn input_decides_the_destination_only_up_to_the_port() {
        let url = "http://api.example.com:8443/v1/users?name=alice";
        let p = parse(url).expect("parses");
        let at = |s: &str| url.find(s).expect("present");
        let span = |s: &str| (at(s), at(s) + s.len());
        for (written, decides) in [
            ("http", true),
            ("api.example.com", true),
            ("example.com", true),
            ("8443", true),
            ("http://api.example.com:8443/v1", true),
            ("/v1/users", false),
            ("alice", false),
            ("users?name=alice", false),
        ] {
            let (s, e) = span(written);
            assert_eq!(p.decided_by(s, e), decides, "{written}");
        }
    }
}
