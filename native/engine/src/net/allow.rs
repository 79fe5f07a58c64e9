//! The hosts, domains and address ranges the operator allows request input to name
//! (`ssrf.allowed_hosts`): partners and internal services an application legitimately reaches
//! by a name the user picks, such as a webhook target or a regional endpoint.
//!
//! An entry is one of:
//!
//! * a host name, matched whole and without regard to case or a trailing dot
//!   (`hooks.partner.example`);
//! * `*.` and a domain: any name below it, not the domain itself (`*.partner.example`);
//! * an address literal (`10.0.0.5`, `fd00::5`) or a range in CIDR notation (`10.20.0.0/16`),
//!   matched against the address the host is written as and, where the hook knows it, the
//!   address the connection resolved to.
//!
//! An allowed destination is not judged at all: no finding, no event.

use std::fmt;
use std::net::IpAddr;

use super::host::Host;

/// A parsed `ssrf.allowed_hosts` list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowlist {
    names: Vec<String>,
    /// Domains of `*.` entries, with their leading dot (`.partner.example`).
    domains: Vec<String>,
    networks: Vec<Network>,
}

/// An address range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    base: IpAddr,
    prefix: u8,
}

/// Why an entry is not a host, domain or range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadEntry {
    pub entry: String,
    pub problem: &'static str,
}

impl fmt::Display for BadEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}': {}", self.entry, self.problem)
    }
}

impl Allowlist {
    /// Parses the entries (already split on commas and trimmed).
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Allowlist, BadEntry> {
        let mut list = Allowlist::default();
        for entry in entries {
            let bad = |problem| BadEntry {
                entry: entry.into(),
                problem,
            };
            if let Some((addr, prefix)) = entry.split_once('/') {
                let base: IpAddr = addr.parse().map_err(|_| {
                    bad("a range is an address and a prefix length, e.g. 10.20.0.0/16")
                })?;
                let max = if base.is_ipv4() { 32 } else { 128 };
                let prefix = prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|&p| p <= max)
                    .ok_or_else(|| {
                        bad("the prefix length is 0 to 32 for IPv4, 0 to 128 for IPv6")
                    })?;
                list.networks.push(Network { base, prefix });
            } else if let Ok(address) = entry.trim_matches(['[', ']']).parse::<IpAddr>() {
                let prefix = if address.is_ipv4() { 32 } else { 128 };
                list.networks.push(Network {
                    base: address,
                    prefix,
                });
            } else if let Some(domain) = entry.strip_prefix("*.") {
                list.domains.push(format!(".{}", name_of(domain, &bad)?));
            } else {
                list.names.push(name_of(entry, &bad)?);
            }
        }
        Ok(list)
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.domains.is_empty() && self.networks.is_empty()
    }

    /// Whether input may name `host`, which connects to `address` when the hook knows it.
    pub fn allows(&self, host: &Host, address: Option<IpAddr>) -> bool {
        if self.is_empty() {
            return false;
        }
        let literal = match host {
            Host::V4(a) => Some(IpAddr::V4(*a)),
            Host::V6(a) => Some(IpAddr::V6(*a)),
            Host::Name(n) => {
                let n = n.trim_end_matches('.');
                if self.names.iter().any(|allowed| allowed == n)
                    || self.domains.iter().any(|d| n.ends_with(d.as_str()))
                {
                    return true;
                }
                None
            }
        };
        // A name the operator allowed may resolve anywhere; an address must itself be allowed,
        // whether it was written or resolved from a name the list does not hold.
        literal
            .or(address)
            .is_some_and(|a| self.networks.iter().any(|n| n.contains(a)))
    }
}

fn name_of(text: &str, bad: &dyn Fn(&'static str) -> BadEntry) -> Result<String, BadEntry> {
    let name = text.trim_end_matches('.').to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if valid {
        Ok(name)
    } else {
        Err(bad(
            "write a host name (api.partner.example), *. and a domain (*.partner.example), an address or a CIDR range",
        ))
    }
}

impl Network {
    fn contains(&self, address: IpAddr) -> bool {
        // An IPv4-mapped IPv6 address is its IPv4 address, as the JDK connects it.
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        match (self.base, address) {
            (IpAddr::V4(b), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(b) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(b), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(b) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::host;

    #[test]
    fn names_domains_and_ranges() {
        let list = Allowlist::parse([
            "Hooks.Partner.Example.",
            "*.regions.example",
            "10.20.0.0/16",
            "[fd00::5]",
        ])
        .unwrap();
        let allows =
            |h: &str, a: Option<&str>| list.allows(&host::parse(h), a.map(|a| a.parse().unwrap()));
        assert!(allows("hooks.partner.example", None));
        assert!(allows("HOOKS.partner.example.", Some("10.9.9.9")));
        assert!(allows("eu.regions.example", None));
        assert!(!allows("regions.example", None));
        assert!(!allows("evilregions.example", None));
        assert!(!allows("partner.example", None));
        assert!(allows("10.20.3.4", None));
        assert!(allows("[::ffff:10.20.3.4]", None));
        assert!(!allows("10.21.0.1", None));
        assert!(allows("svc.internal", Some("10.20.0.9")));
        assert!(!allows("svc.internal", Some("10.30.0.9")));
        assert!(allows("[fd00::5]", None));
        assert!(!allows("[fd00::6]", None));
        // A literal that is not allowed is not saved by where it "resolves".
        assert!(!allows("127.0.0.1", Some("10.20.0.1")));
    }

    #[test]
    fn bad_entries_say_what_to_write() {
        for entry in [
            "10.0.0.0/33",
            "fd00::/129",
            "not a host",
            "*.",
            "a..b",
            "10.0.0.0/x",
        ] {
            let err = Allowlist::parse([entry]).unwrap_err();
            assert_eq!(err.entry, entry);
        }
        assert!(Allowlist::parse(["0.0.0.0/0"])
            .unwrap()
            .allows(&host::parse("1.2.3.4"), None));
    }
}
