//! Which provider a JNDI name reaches, and which bytes of the name decide it.
//!
//! `InitialContext` picks the context for a string name by its URL scheme, read exactly as
//! `InitialContext.getURLScheme` reads it: the text before the first `:`, when that colon comes
//! before any `/` and is not the first character. A name with a scheme goes to that scheme's URL
//! context (`ldap:` to the LDAP provider, `rmi:` to the RMI registry, `dns:`, `iiop:`,
//! `corbaname:`, ...); a name without one goes to the application's configured initial context
//! (a DN for an LDAP initial context, a path for the container's naming), which the application
//! chose. `java:` is the container's local namespace (`java:comp/env/jdbc/ds`).
//!
//! Where a URL context connects is the host of the name: the authority after `//`
//! (`ldap://host:389/dc=x`, `rmi://host:1099/obj`, `dns://server/domain`), or for the CORBA
//! forms the first address of `corbaname:iiop:1.2@host:port#name` / `corbaloc:`.

use std::ops::Range;

/// The parts of a JNDI name that decide where the lookup goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameParts {
    /// The scheme, lower-cased (`ldap`, `java`, ...).
    pub scheme: String,
    /// The scheme and its colon.
    pub scheme_span: Range<usize>,
    /// The host as written (brackets kept), when the name carries one.
    pub host: Option<Range<usize>>,
    /// The port's digits, when written.
    pub port: Option<Range<usize>>,
}

impl NameParts {
    /// Whether the name goes to a provider outside the JVM: any scheme but `java:`.
    pub fn is_remote(&self) -> bool {
        self.scheme != "java"
    }

    /// Whether the bytes `[start, end)` of the name write the scheme, the host or the port, or
    /// the separators between them: the part that decides which provider and server answer.
    pub fn decided_by(&self, start: usize, end: usize) -> bool {
        let until = self
            .port
            .as_ref()
            .map(|p| p.end)
            .or(self.host.as_ref().map(|h| h.end))
            .unwrap_or(self.scheme_span.end);
        start < until && end > self.scheme_span.start
    }

    /// The host, as written, in `name`.
    pub fn host_in<'a>(&self, name: &'a str) -> Option<&'a str> {
        self.host.clone().and_then(|h| name.get(h))
    }
}

/// Splits a JNDI name; `None` for a name without a URL scheme (the default initial context).
pub fn parse(name: &str) -> Option<NameParts> {
    let colon = name.find(':')?;
    if colon == 0 || name.find('/').is_some_and(|slash| slash < colon) {
        return None;
    }
    let scheme = name[..colon].to_ascii_lowercase();
    let rest_start = colon + 1;
    let (host, port) = match scheme.as_str() {
        "corbaname" | "corbaloc" => corba_address(name, rest_start),
        _ => authority(name, rest_start),
    };
    Some(NameParts {
        scheme,
        scheme_span: 0..rest_start,
        host,
        port,
    })
}

type HostPort = (Option<Range<usize>>, Option<Range<usize>>);

/// `//[user@]host[:port]` after the scheme, ending at `/`, `?` or `#`.
fn authority(name: &str, from: usize) -> HostPort {
    let rest = &name[from..];
    let Some(auth) = rest.strip_prefix("//") else {
        return (None, None);
    };
    let start = from + 2;
    let len = auth.find(['/', '?', '#']).unwrap_or(auth.len());
    let auth = &auth[..len];
    let (host_start, hostport) = match auth.rfind('@') {
        Some(at) => (start + at + 1, &auth[at + 1..]),
        None => (start, auth),
    };
    host_and_port(host_start, hostport)
}

/// `corbaname:iiop:1.2@host:port#name`, `corbaname::host`, `corbaloc:iiop:host/key`: the first
/// address of the list.
fn corba_address(name: &str, from: usize) -> HostPort {
    let rest = &name[from..];
    let end = rest.find(['#', '/', ',']).unwrap_or(rest.len());
    let address = &rest[..end];
    // `iiop:` or an empty protocol (`:`), else a protocol the JDK does not connect with.
    let Some(colon) = address.find(':') else {
        return (None, None);
    };
    let mut start = from + colon + 1;
    let mut hostport = &address[colon + 1..];
    if let Some(at) = hostport.find('@') {
        start += at + 1;
        hostport = &hostport[at + 1..];
    }
    host_and_port(start, hostport)
}

/// Splits `host[:port]` (a bracketed IPv6 literal is the host) starting at byte `start`.
fn host_and_port(start: usize, hostport: &str) -> HostPort {
    if hostport.is_empty() {
        return (None, None);
    }
    let host_len = if hostport.starts_with('[') {
        hostport.find(']').map_or(hostport.len(), |i| i + 1)
    } else {
        hostport.rfind(':').unwrap_or(hostport.len())
    };
    let host = (host_len > 0).then(|| start..start + host_len);
    let port = hostport
        .get(host_len..)
        .and_then(|p| p.strip_prefix(':'))
        .filter(|p| !p.is_empty())
        .map(|p| start + hostport.len() - p.len()..start + hostport.len());
    (host, port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(name: &str) -> Option<(String, Option<&str>, Option<&str>)> {
        parse(name).map(|p| {
            (
                p.scheme.clone(),
                p.host.clone().map(|h| &name[h]),
                p.port.clone().map(|r| &name[r]),
            )
        })
    }

    #[test]
    fn names_split_as_initial_context_reads_them() {
        type Split<'a> = Option<(&'a str, Option<&'a str>, Option<&'a str>)>;
        let cases: &[(&str, Split<'_>)] = &[
            (
                "ldap://127.0.0.1:1389/a",
                Some(("ldap", Some("127.0.0.1"), Some("1389"))),
            ),
            (
                "LDAPS://evil.example/o=x",
                Some(("ldaps", Some("evil.example"), None)),
            ),
            (
                "rmi://[::1]:1099/obj",
                Some(("rmi", Some("[::1]"), Some("1099"))),
            ),
            (
                "dns://8.8.8.8/example.com",
                Some(("dns", Some("8.8.8.8"), None)),
            ),
            (
                "ldap://u:p@host:389/dc=x",
                Some(("ldap", Some("host"), Some("389"))),
            ),
            ("ldap:///o=local", Some(("ldap", None, None))),
            (
                "iiop://orb.example:900/x",
                Some(("iiop", Some("orb.example"), Some("900"))),
            ),
            (
                "corbaname:iiop:1.2@orb.example:2809#ejb/X",
                Some(("corbaname", Some("orb.example"), Some("2809"))),
            ),
            (
                "corbaname::orb.example#x",
                Some(("corbaname", Some("orb.example"), None)),
            ),
            ("java:comp/env/jdbc/ds", Some(("java", None, None))),
            // No scheme: the default initial context.
            ("jdbc/ds", None),
            ("cn=users/ldap://x", None),
            (":x", None),
            ("users", None),
        ];
        for &(name, want) in cases {
            let want = want.map(|(s, h, p)| (s.to_owned(), h, p));
            assert_eq!(parts(name), want, "{name}");
        }
    }

    #[test]
    fn the_scheme_and_authority_decide() {
        let name = "ldap://directory.internal:389/cn=alice,ou=people";
        let p = parse(name).unwrap();
        assert!(p.decided_by(0, 4));
        assert!(p.decided_by(7, 25));
        assert!(p.decided_by(26, 29));
        assert!(!p.decided_by(30, name.len()));
        let local = parse("java:comp/env/jdbc/users").unwrap();
        assert!(!local.is_remote());
        assert!(!local.decided_by(14, 24));
    }
}
