//! Deciding whether request input chose where the application connects (server-side request
//! forgery).
//!
//! The structural rule carried over from SQL: input that writes the scheme, the host or the
//! port of a URL decides the destination; input confined to the path or the query is data
//! (`https://api.example.com/v1/users?name=` + input). Where input decides the destination:
//!
//! * `ssrf.internal`: the destination is inside the application's network, read the way the
//!   JDK will read it ([`crate::net::host`]): loopback, unspecified, link-local (cloud metadata at
//!   169.254.169.254), private ranges, or a scheme that reads local resources or speaks raw
//!   protocols (`jar:`, `netdoc:`, `gopher:`; a `file:` URL is left to the file hooks, which
//!   judge the path it names). Blocked by default.
//! * `ssrf.destination`: any other destination. A URL-preview or webhook feature legitimately
//!   lets the user choose a public host, so this finding monitors by default.
//!
//! A destination the operator allowed (`ssrf.allowed_hosts`, [`crate::net::allow`]) is not judged.
//!
//! Where the hook knows more than the URL's text, the judgement uses it:
//!
//! * a socket connect ([`Destination::socket`]) knows the address a name resolved to, so
//!   `http://metadata.attacker.example/` that resolves to 169.254.169.254 is internal. The
//!   agent writes the connect as `tcp://host:port`; since any code opens sockets, to hosts
//!   that short request values (`db`, `redis`) may equal by chance, input must write the whole
//!   host there and the host must look like one a user types (a dot, a colon, or `localhost`).
//!   URL-shaped input reaches it through its `url-host` form ([`crate::extract::derive`]);
//! * a redirect the client follows ([`detect_redirect`]) is judged as if the input had chosen
//!   the hop: the input chose the server that answered with it.

use std::net::IpAddr;

use crate::context::RequestContext;
use crate::input::{Input, InputSource};
use crate::net::allow::Allowlist;
use crate::net::host::{self, Host, Reach};
use crate::net::url::{self, UrlParts};

/// Schemes whose handlers read local resources or speak raw protocols to any port. `file:` is not
/// among them: a `file:` URL is judged as the path its handler opens ([`crate::path::file_url`]),
/// where a file below the directory the application fixed stays allowed and the finding names the
/// path rule (`path.absolute`, `path.traversal`).
pub const LOCAL_SCHEMES: [&str; 3] = ["jar", "netdoc", "gopher"];

/// The scheme the file hooks judge.
const FILE_SCHEME: &str = "file";

/// The SSRF rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsrfRule {
    Internal,
    Destination,
}

impl SsrfRule {
    pub const ALL: [SsrfRule; 2] = [SsrfRule::Internal, SsrfRule::Destination];

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

/// A connection the application is about to make.
#[derive(Clone, Copy, Debug)]
pub struct Destination<'a> {
    /// The URL, or `tcp://host:port` for a socket connect.
    pub url: &'a [u8],
    /// The address the connection goes to, when the hook knows it.
    pub address: Option<IpAddr>,
    /// A socket connect: input must write the whole host, and a host a user types.
    pub socket: bool,
}

/// What input did to a destination: the input and its span, and the rule the destination
/// gets, or `None` when the operator allowed it (input still chose it: a redirect from it is
/// judged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub input: usize,
    pub start: usize,
    pub end: usize,
    pub finding: Option<(SsrfRule, &'static str)>,
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

impl Chosen {
    pub fn finding(&self) -> Option<SsrfFinding> {
        self.finding.map(|(rule, destination)| SsrfFinding {
            rule,
            input: self.input,
            start: self.start,
            end: self.end,
            destination,
        })
    }
}

/// Judges one connection: `None` when no input decided where it goes.
pub fn detect(ctx: &RequestContext, to: &Destination<'_>, allow: &Allowlist) -> Option<Chosen> {
    let text = std::str::from_utf8(to.url).ok()?;
    let parts = url::parse(text)?;
    if parts.scheme == FILE_SCHEME {
        return None;
    }
    if !ctx.matcher().any(to.url) {
        let (input, start, end) = whole_host_input(ctx, text, &parts)?;
        return Some(Chosen {
            input,
            start,
            end,
            finding: judge(text, &parts, to.address, allow),
        });
    }
    let deciding = |start: usize, end: usize| {
        if !to.socket {
            return parts.decided_by(start, end);
        }
        parts
            .host
            .as_ref()
            .is_some_and(|h| start <= h.start && end >= h.end && typed_host(&text[h.clone()]))
    };
    let (input, start, end) = ctx
        .matcher()
        .occurrences(to.url)
        .into_iter()
        .filter(|o| deciding(o.start, o.end) && !names_this_server(&ctx.inputs()[o.input]))
        .max_by_key(|o| (o.end - o.start, std::cmp::Reverse(o.start)))
        .map(|o| (o.input, o.start, o.end))
        .or_else(|| whole_host_input(ctx, text, &parts))?;
    Some(Chosen {
        input,
        start,
        end,
        finding: judge(text, &parts, to.address, allow),
    })
}

/// An input that is exactly the host, where the host is one the matcher does not search for
/// (`localhost`, a loopback address as one decimal number: the matcher skips values of only
/// letters or only digits, which can never span tokens of a statement or a command) and one a
/// user types (see [`typed_host`]) or a number.
fn whole_host_input(
    ctx: &RequestContext,
    text: &str,
    parts: &UrlParts,
) -> Option<(usize, usize, usize)> {
    let span = parts.host.clone()?;
    let host = &text[span.clone()];
    let number = host.bytes().all(|b| b.is_ascii_digit());
    if !(number || typed_host(host)) {
        return None;
    }
    let input = ctx
        .inputs()
        .iter()
        .position(|i| i.value.eq_ignore_ascii_case(host) && !names_this_server(i))
        .or_else(|| {
            // A socket's host is the address when the application passed a literal: the JDK
            // writes `2130706433` or `0127.0.0.1` as 127.0.0.1. An input that reads as the
            // same address chose it.
            let literal = host::parse(host);
            if matches!(literal, Host::Name(_)) {
                return None;
            }
            ctx.inputs().iter().position(|i| {
                i.value.len() <= MAX_LITERAL_BYTES
                    && host::parse(&i.value) == literal
                    && !names_this_server(i)
            })
        })?;
    Some((input, span.start, span.end))
}

/// The request's `Host` header names the server the client reached: an application calling
/// itself or a service configured at the same address (`http://127.0.0.1:8080/...` while the
/// client came in through `127.0.0.1:8080`) would otherwise be blamed on every request. An
/// application that builds outbound URLs from the Host header is not judged for it.
fn names_this_server(input: &Input) -> bool {
    input.source == InputSource::Header && input.name.eq_ignore_ascii_case("host")
}

/// Longer values are no address literal.
const MAX_LITERAL_BYTES: usize = 64;

/// Judges a hop of a redirect the client follows from `origin`: when input chose `origin`'s
/// destination, the hop is judged as chosen by the same input (its span: the hop's host).
pub fn detect_redirect(
    ctx: &RequestContext,
    to: &Destination<'_>,
    origin: &[u8],
    allow: &Allowlist,
) -> Option<Chosen> {
    let from = Destination {
        url: origin,
        address: None,
        socket: false,
    };
    let chose_origin = detect(ctx, &from, allow)?;
    let text = std::str::from_utf8(to.url).ok()?;
    let parts = url::parse(text)?;
    let span = parts.host.clone().unwrap_or(0..to.url.len());
    Some(Chosen {
        input: chose_origin.input,
        start: span.start,
        end: span.end,
        finding: judge(text, &parts, to.address, allow),
    })
}

/// A host a user types, as opposed to a bare service name a pool connects to.
fn typed_host(host: &str) -> bool {
    host.contains(['.', ':']) || host.eq_ignore_ascii_case("localhost")
}

/// The rule a destination input decided gets, and what it is; `None` when allowed.
fn judge(
    text: &str,
    parts: &UrlParts,
    address: Option<IpAddr>,
    allow: &Allowlist,
) -> Option<(SsrfRule, &'static str)> {
    if let Some(&scheme) = LOCAL_SCHEMES.iter().find(|s| **s == parts.scheme) {
        return Some((SsrfRule::Internal, scheme));
    }
    let host = parts
        .host
        .clone()
        .map_or(Host::Name(String::new()), |h| host::parse(&text[h]));
    if allow.allows(&host, address) {
        return None;
    }
    // Where the connection goes is the address when known; a name the hook did not resolve is
    // judged by its text.
    let written = host::reach(&host);
    let reach = match address {
        Some(a) if written == Reach::Public => host::reach(&host::from_address(a)),
        _ => written,
    };
    Some(if reach.is_internal() {
        (SsrfRule::Internal, reach.name())
    } else {
        (SsrfRule::Destination, reach.name())
    })
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
                None, // judged by the file hooks as the path it names
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
            let to = Destination {
                url: url.as_bytes(),
                address: None,
                socket: false,
            };
            let got = detect(&ctx(input), &to, &Allowlist::default())
                .and_then(|c| c.finding)
                .map(|f| (f.0, f.1));
            assert_eq!(got, want, "{input:?} in {url}");
        }
    }

    fn socket(url: &str, address: &str) -> Destination<'static> {
        Destination {
            url: Box::leak(url.to_owned().into_boxed_str()).as_bytes(),
            address: Some(address.parse().unwrap()),
            socket: true,
        }
    }

    #[test]
    fn a_socket_connect_is_judged_by_where_the_name_resolved() {
        let none = Allowlist::default();
        let rule = |c: &RequestContext, d: &Destination<'_>| {
            detect(c, d, &none).and_then(|c| c.finding).map(|f| f.0)
        };
        // The url-host form of `http://metadata.attacker.example/` is the whole host.
        let c = ctx("metadata.attacker.example");
        let d = socket("tcp://metadata.attacker.example:80", "169.254.169.254");
        assert_eq!(rule(&c, &d), Some(SsrfRule::Internal));
        let d = socket("tcp://metadata.attacker.example:80", "93.184.216.34");
        assert_eq!(rule(&c, &d), Some(SsrfRule::Destination));
        // Words and numbers the matcher does not search for, when they are the whole host.
        let c = ctx("localhost");
        let d = socket("tcp://localhost:8080", "127.0.0.1");
        assert_eq!(rule(&c, &d), Some(SsrfRule::Internal));
        let d = socket("tcp://127.0.0.1:8080", "127.0.0.1");
        assert_eq!(rule(&ctx("0127.0.0.1"), &d), Some(SsrfRule::Internal));
        assert_eq!(rule(&ctx("[::ffff:7f00:1]"), &d), Some(SsrfRule::Internal));
        assert_eq!(rule(&ctx("127.0.0.2"), &d), None);
        let c = ctx("2130706433");
        assert_eq!(rule(&c, &d), Some(SsrfRule::Internal));
        let to = Destination {
            url: b"http://2130706433:8080/admin",
            address: None,
            socket: false,
        };
        assert_eq!(rule(&c, &to), Some(SsrfRule::Internal));
        // Twins: a value that only equals a service name, or a part of the host.
        let c = ctx("redis");
        assert_eq!(rule(&c, &socket("tcp://redis:6379", "10.0.0.7")), None);
        let c = ctx("eu-west");
        let d = socket("tcp://eu-west.cache.internal:6379", "10.0.0.7");
        assert_eq!(rule(&c, &d), None);
    }

    #[test]
    fn the_host_header_names_this_server_not_a_destination() {
        let c = RequestContext::from_inputs(
            vec![Input::value(InputSource::Header, "Host", "127.0.0.1:8080")],
            ContextLimits::default(),
        );
        let own = Destination {
            url: b"http://127.0.0.1:8080/health",
            address: None,
            socket: false,
        };
        assert_eq!(detect(&c, &own, &Allowlist::default()), None);
        let socket = socket("tcp://127.0.0.1:8080", "127.0.0.1");
        assert_eq!(detect(&c, &socket, &Allowlist::default()), None);
    }

    #[test]
    fn a_redirect_from_a_destination_input_chose_is_judged_as_chosen() {
        let none = Allowlist::default();
        let c = ctx("http://partner.example/r");
        let hop = Destination {
            url: b"http://169.254.169.254/latest/",
            address: None,
            socket: false,
        };
        let got = detect_redirect(&c, &hop, b"http://partner.example/r", &none).unwrap();
        assert_eq!(got.finding, Some((SsrfRule::Internal, "link-local")));
        assert_eq!((got.start, got.end), (7, 22));
        // The application's own URL redirecting: no input chose it.
        let got = detect_redirect(&c, &hop, b"http://app.example/login", &none);
        assert_eq!(got, None);
        // Allowed partner: chosen, no finding; its redirect into the network still is one.
        let allow = Allowlist::parse(["partner.example"]).unwrap();
        let to = Destination {
            url: b"http://partner.example/r",
            address: None,
            socket: false,
        };
        let chosen = detect(&c, &to, &allow).unwrap();
        assert_eq!(chosen.finding, None);
        let got = detect_redirect(&c, &hop, b"http://partner.example/r", &allow).unwrap();
        assert_eq!(got.finding, Some((SsrfRule::Internal, "link-local")));
    }
}
