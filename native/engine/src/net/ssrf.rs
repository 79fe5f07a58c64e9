//! Deciding whether request input chose where the application connects (server-side request
//! forgery).
//!
//! The structural rule carried over from SQL: input that writes the scheme, the host or the
//! port of a URL decides the destination; input confined to the path or the query is data
//! (`https://api.example.com/v1/users?name=` + input). Where input decides the destination:
//!
//! * `ssrf.internal`: the destination is inside the application's network, read the way the
//!   JDK will read it ([`super::host`]): loopback, unspecified, link-local (cloud metadata at
//!   169.254.169.254), private ranges, or a scheme that reads local resources or speaks raw
//!   protocols (`file:`, `jar:`, `netdoc:`, `gopher:`). Blocked by default.
//! * `ssrf.destination`: any other destination. A URL-preview or webhook feature legitimately
//!   lets the user choose a public host, so this finding monitors by default.
//!
//! Not wired to a hook yet (issue 11): the agent's URL, HTTP client and socket hooks will call
//! this for each connection they are about to make, redirects included.

use super::host::{self, Reach};
use super::url::{self, UrlParts};
use crate::context::RequestContext;

/// Schemes whose handlers read local resources or speak raw protocols to any port.
pub const LOCAL_SCHEMES: [&str; 4] = ["file", "jar", "netdoc", "gopher"];

/// The SSRF rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsrfRule {
    Internal,
    Destination,
}

impl SsrfRule {
    pub fn id(self) -> &'static str {
        match self {
            SsrfRule::Internal => "ssrf.internal",
            SsrfRule::Destination => "ssrf.destination",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            SsrfRule::Internal => {
                "request input pointed a connection at the application's own network or a local resource"
            }
            SsrfRule::Destination => "request input chose the host a connection goes to",
        }
    }
}

/// One finding: the rule, the input and its span in the URL, and what the destination is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsrfFinding {
    pub rule: SsrfRule,
    pub input: usize,
    pub start: usize,
    pub end: usize,
    /// `loopback`, `link-local`, … or the local scheme (`file`).
    pub destination: &'static str,
}

/// Judges one URL the application is about to open.
pub fn detect(ctx: &RequestContext, url: &[u8]) -> Option<SsrfFinding> {
    if !ctx.matcher().any(url) {
        return None;
    }
    let text = std::str::from_utf8(url).ok()?;
    let parts = url::parse(text)?;
    let (rule, destination) = judge(text, &parts);
    ctx.matcher()
        .occurrences(url)
        .into_iter()
        .filter(|o| parts.decided_by(o.start, o.end))
        .max_by_key(|o| (o.end - o.start, std::cmp::Reverse(o.start)))
        .map(|o| SsrfFinding {
            rule,
            input: o.input,
            start: o.start,
            end: o.end,
            destination,
        })
}

/// The rule a URL whose destination input decided gets, and what the destination is.
fn judge(text: &str, parts: &UrlParts) -> (SsrfRule, &'static str) {
    if let Some(&scheme) = LOCAL_SCHEMES.iter().find(|s| **s == parts.scheme) {
        return (SsrfRule::Internal, scheme);
    }
    let reach = parts
        .host
        .clone()
        .map_or(Reach::Public, |h| host::reach(&host::parse(&text[h])));
    if reach.is_internal() {
        (SsrfRule::Internal, reach.name())
    } else {
        (SsrfRule::Destination, reach.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Input, InputSource};
    use crate::ContextLimits;

    fn ctx(value: &str) -> RequestContext {
        RequestContext::from_inputs(
            vec![
                Input::value(InputSource::Query, "u", value),
                Input::value(InputSource::Header, "Accept", "text/html,*/*;q=0.8"),
            ],
            ContextLimits::default(),
        )
    }

    #[test]
    fn input_that_decides_the_destination() {
        // (template with {} for the input, the input, the rule and destination expected)
        type Want = Option<(SsrfRule, &'static str)>;
        let cases: &[(&str, &str, Want)] = &[
            (
                "{}",
                "http://169.254.169.254/latest/meta-data/",
                Some((SsrfRule::Internal, "link-local")),
            ),
            (
                "{}",
                "http://2852039166/latest/",
                Some((SsrfRule::Internal, "link-local")),
            ),
            (
                "{}",
                "http://0127.0.0.1:8080/admin",
                Some((SsrfRule::Internal, "loopback")),
            ),
            (
                "{}",
                "http://[::ffff:127.0.0.1]/",
                Some((SsrfRule::Internal, "loopback")),
            ),
            (
                "{}",
                "file:///etc/passwd",
                Some((SsrfRule::Internal, "file")),
            ),
            (
                "{}",
                "jar:file:/srv/app.jar!/secret",
                Some((SsrfRule::Internal, "jar")),
            ),
            (
                "http://{}/v1/status",
                "10.0.0.5:9200",
                Some((SsrfRule::Internal, "private")),
            ),
            (
                "http://{}.internal.example/",
                "localhost/x?",
                Some((SsrfRule::Internal, "loopback")),
            ),
            (
                "https://api.example.com:{}/v1",
                "22@127.0.0.1",
                Some((SsrfRule::Internal, "loopback")),
            ),
            (
                "{}",
                "https://hooks.example.org/notify",
                Some((SsrfRule::Destination, "public")),
            ),
            // Benign twins: input confined to the path or the query of a URL the application chose.
            ("http://127.0.0.1:8080/users/{}", "alice/../../admin", None),
            (
                "https://api.example.com/v1/search?q={}",
                "http://169.254.169.254/",
                None,
            ),
            ("http://10.0.0.5:9200/index/_doc/{}", "42-a", None),
        ];
        for &(template, input, want) in cases {
            let url = template.replace("{}", input);
            let got = detect(&ctx(input), url.as_bytes()).map(|f| (f.rule, f.destination));
            assert_eq!(got, want, "{input:?} in {url}");
        }
    }
}
