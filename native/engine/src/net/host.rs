//! Where a host written as text points, read the way the JDK reads it.
//!
//! An SSRF judgement must see the address the application's client will connect to, not the
//! text the attacker wrote: `2130706433`, `127.1`, `0127.0.0.1` and `[::ffff:127.0.0.1]` are all
//! loopback to `InetAddress.getByName`. The rules here were measured on OpenJDK 17 and Temurin
//! 25 (both read the same), not taken from the RFCs or from browsers, which differ:
//!
//! * IPv4 (`sun.net.util.IPAddressUtil.textToNumericFormatV4`): one to four dot-separated parts
//!   of decimal digits; the last part fills the bytes that remain (`127.1` is 127.0.0.1,
//!   `2130706433` is one 32-bit number); leading zeros are decimal (`0177.0.0.1` is 177.0.0.1,
//!   not octal); hexadecimal (`0x7f.0.0.1`) and empty parts (`1..1.1`, a trailing dot) are not
//!   literals (the JDK then asks the resolver, which fails for them).
//! * IPv6 (`textToNumericFormatV6`): eight groups with one `::`, the last 32 bits may be written
//!   as IPv4; an IPv4-mapped address (`::ffff:a.b.c.d`) is that IPv4 address. In a URL the
//!   literal is in brackets; a zone (`%eth0`) does not change where it points.
//! * Anything else is a name for the resolver. `localhost` (any case) is loopback without one.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A host as the JDK will read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    /// A name the resolver decides (lower-cased).
    Name(String),
}

/// What kind of address a host is, for the default SSRF policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// 127/8, ::1, `localhost`.
    Loopback,
    /// 0.0.0.0 and `::`: the JDK connects them to the local host.
    Unspecified,
    /// 169.254/16 and fe80::/10, where cloud metadata services answer (169.254.169.254).
    LinkLocal,
    /// 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT) and fc00::/7.
    Private,
    /// Everything else, and names the resolver decides.
    Public,
}

impl Reach {
    pub fn name(self) -> &'static str {
        match self {
            Reach::Loopback => "loopback",
            Reach::Unspecified => "unspecified",
            Reach::LinkLocal => "link-local",
            Reach::Private => "private",
            Reach::Public => "public",
        }
    }

    /// Whether the host is inside the network the application runs in.
    pub fn is_internal(self) -> bool {
        self != Reach::Public
    }
}

/// Reads a host the way `InetAddress.getByName` does: an IPv4 or IPv6 literal (bracketed or
/// not), else a name.
pub fn parse(host: &str) -> Host {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Some(v4) = ipv4(bare) {
        return Host::V4(v4);
    }
    let without_zone = bare.split('%').next().unwrap_or(bare);
    if without_zone.contains(':') {
        if let Ok(v6) = without_zone.parse::<Ipv6Addr>() {
            return match v6.to_ipv4_mapped() {
                Some(v4) => Host::V4(v4),
                None => Host::V6(v6),
            };
        }
    }
    Host::Name(host.to_ascii_lowercase())
}

/// The host an address is (an IPv4-mapped IPv6 address as its IPv4 address, as the JDK
/// connects it).
pub fn from_address(address: IpAddr) -> Host {
    match address {
        IpAddr::V4(a) => Host::V4(a),
        IpAddr::V6(a) => a.to_ipv4_mapped().map_or(Host::V6(a), Host::V4),
    }
}

/// `textToNumericFormatV4`: one to four parts of decimal digits, the last filling the rest.
fn ipv4(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(parts.len());
    for p in &parts {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Leading zeros are decimal; a part longer than any valid one overflows anyway.
        let digits = p.trim_start_matches('0');
        if digits.len() > 10 {
            return None;
        }
        values.push(if digits.is_empty() {
            0u64
        } else {
            digits.parse::<u64>().ok()?
        });
    }
    let (last, first) = values.split_last()?;
    if first.iter().any(|&v| v > 255) {
        return None;
    }
    let last_bits = 8 * (4 - first.len() as u32);
    if *last >= 1u64 << last_bits {
        return None;
    }
    let mut n: u64 = 0;
    for (i, &v) in first.iter().enumerate() {
        n |= v << (24 - 8 * i as u32);
    }
    n |= last;
    Some(Ipv4Addr::from(n as u32))
}

/// The kind of address a host is.
pub fn reach(host: &Host) -> Reach {
    match host {
        Host::V4(a) => reach_v4(*a),
        Host::V6(a) => reach_v6(a),
        Host::Name(n) => {
            let n = n.trim_end_matches('.');
            if n == "localhost" || n.ends_with(".localhost") {
                Reach::Loopback
            } else {
                Reach::Public
            }
        }
    }
}

fn reach_v4(a: Ipv4Addr) -> Reach {
    let [b0, b1, ..] = a.octets();
    if a.is_loopback() {
        Reach::Loopback
    } else if a.is_unspecified() {
        Reach::Unspecified
    } else if a.is_link_local() {
        Reach::LinkLocal
    } else if a.is_private() || (b0 == 100 && (64..128).contains(&b1)) {
        Reach::Private
    } else {
        Reach::Public
    }
}

fn reach_v6(a: &Ipv6Addr) -> Reach {
    let first = a.segments()[0];
    if a.is_loopback() {
        Reach::Loopback
    } else if a.is_unspecified() {
        Reach::Unspecified
    } else if first & 0xffc0 == 0xfe80 {
        Reach::LinkLocal
    } else if first & 0xfe00 == 0xfc00 {
        Reach::Private
    } else if let Some(v4) = a.to_ipv4() {
        // IPv4-compatible (`::127.0.0.1`): deprecated and not routed to the IPv4 address on
        // Linux, but where it is, it goes there; judged as that address.
        reach_v4(v4)
    } else {
        Reach::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, what `InetAddress.getByName` answered on OpenJDK 17 and Temurin 25: the address,
    /// or None where it is not a literal).
    const JDK: &[(&str, Option<&str>)] = &[
        ("127.0.0.1", Some("127.0.0.1")),
        ("127.1", Some("127.0.0.1")),
        ("127.0.1", Some("127.0.0.1")),
        ("2130706433", Some("127.0.0.1")),
        ("0x7f.0.0.1", None),
        ("0x7f000001", None),
        ("0177.0.0.1", Some("177.0.0.1")),
        ("017700000001", None),
        ("0127.0.0.1", Some("127.0.0.1")),
        ("127.000.000.001", Some("127.0.0.1")),
        ("00127.0.0.1", Some("127.0.0.1")),
        ("127.0.0.01", Some("127.0.0.1")),
        ("::1", Some("::1")),
        ("[::1]", Some("::1")),
        ("::ffff:127.0.0.1", Some("127.0.0.1")),
        ("[::ffff:127.0.0.1]", Some("127.0.0.1")),
        ("::ffff:7f00:1", Some("127.0.0.1")),
        ("0:0:0:0:0:ffff:127.0.0.1", Some("127.0.0.1")),
        // IPv4-compatible: the JDK keeps it IPv6 (0:0:0:0:0:0:7f00:1).
        ("::127.0.0.1", Some("::7f00:1")),
        ("0.0.0.0", Some("0.0.0.0")),
        ("0", Some("0.0.0.0")),
        ("169.254.169.254", Some("169.254.169.254")),
        ("2852039166", Some("169.254.169.254")),
        ("0xa9.0xfe.0xa9.0xfe", None),
        ("127.0.0.1.", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
        ("4294967295", Some("255.255.255.255")),
        ("4294967296", None),
        ("1..1.1", None),
        (".1.1.1", None),
        ("239.255.65535", Some("239.255.255.255")),
        ("239.16777215", Some("239.255.255.255")),
        ("239.255.65536", None),
    ];

    #[test]
    fn literals_read_as_the_jdk_reads_them() {
        for &(text, want) in JDK {
            let got = match parse(text) {
                Host::V4(a) => Some(a.to_string()),
                Host::V6(a) => Some(a.to_string()),
                Host::Name(_) => None,
            };
            assert_eq!(got.as_deref(), want, "{text}");
        }
    }

    #[test]
    fn every_notation_of_an_internal_address_is_internal() {
        let cases: &[(&str, Reach)] = &[
            ("2130706433", Reach::Loopback),
            ("0127.0.0.1", Reach::Loopback),
            ("[::ffff:127.0.0.1]", Reach::Loopback),
            ("[::1]", Reach::Loopback),
            ("LocalHost", Reach::Loopback),
            ("localhost.", Reach::Loopback),
            ("app.localhost", Reach::Loopback),
            ("0", Reach::Unspecified),
            ("[::]", Reach::Unspecified),
            ("2852039166", Reach::LinkLocal),
            ("169.254.169.254", Reach::LinkLocal),
            ("[fe80::1%eth0]", Reach::LinkLocal),
            ("10.1.2.3", Reach::Private),
            ("172.31.255.255", Reach::Private),
            ("192.168.0.10", Reach::Private),
            ("100.64.0.1", Reach::Private),
            ("[fd00::1]", Reach::Private),
            ("[::127.0.0.1]", Reach::Loopback),
            // Not internal: public literals, names, and text that is no literal (the resolver
            // fails for it, or decides).
            ("1.1.1.1", Reach::Public),
            ("172.32.0.1", Reach::Public),
            ("0177.0.0.1", Reach::Public),
            ("example.com", Reach::Public),
            ("0x7f.0.0.1", Reach::Public),
            ("[2001:db8::1]", Reach::Public),
        ];
        for &(text, want) in cases {
            assert_eq!(reach(&parse(text)), want, "{text}");
        }
    }
}
