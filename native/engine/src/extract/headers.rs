//! The parts applications take out of a header's value before they use it.
//!
//! A header is an input whole, and the structural detectors find an input only where it occurs
//! whole. Some headers are lists or envelopes that applications open first: the client address
//! is the first element of `X-Forwarded-For` (`getHeader("X-Forwarded-For").split(",")[0].trim()`,
//! and a proxy appending `, <its peer>` makes the split happen without the attacker asking), and
//! a Basic `Authorization` header is base64 of `user:password`, which a hand-written
//! authentication filter or `UserDetailsService` decodes and splits. What the application then
//! puts into a statement never occurs in the request whole. So these parts are inputs of their
//! own, like [`super::derive`]'s forms: a `transform` names the part and the header's value is
//! kept as the original.
//!
//! Only the headers named here are opened: a part is searched in every sink the request reaches,
//! and most headers (`Accept`, `User-Agent`) are lists no application takes apart into a query.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::derive::Form;

/// Elements taken from one list header: a proxy chain is a handful of hops.
const MAX_LIST_ELEMENTS: usize = 8;

/// The parts of header `name`'s `value` that applications use on their own, each with the
/// transform that made it; empty for a header not opened here or with nothing to open.
pub fn parts(name: &str, value: &str) -> Vec<Form> {
    if is_forwarding_list(name) {
        list_elements(value)
    } else if name.eq_ignore_ascii_case("authorization") {
        basic_credentials(value)
    } else {
        Vec::new()
    }
}

/// `X-Forwarded-For`, `X-Forwarded-Host` and the rest of the family, and the de facto
/// single-address headers proxies set, which some send as lists all the same.
fn is_forwarding_list(name: &str) -> bool {
    // Compared in place: every header of every request passes here.
    const PREFIX: &[u8] = b"x-forwarded-";
    let bytes = name.as_bytes();
    (bytes.len() > PREFIX.len() && bytes[..PREFIX.len()].eq_ignore_ascii_case(PREFIX))
        || [
            "x-real-ip",
            "x-client-ip",
            "true-client-ip",
            "x-original-forwarded-for",
        ]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// Each comma-separated element, trimmed as Java's `trim()` does (a value with no comma is the
/// element itself: the container has trimmed the header already).
fn list_elements(value: &str) -> Vec<Form> {
    if !value.contains(',') {
        return Vec::new();
    }
    let mut out: Vec<Form> = Vec::new();
    for element in value.split(',').take(MAX_LIST_ELEMENTS) {
        let element = element.trim_matches(|c: char| c <= ' ');
        if element.is_empty() || out.iter().any(|f| f.value == element) {
            continue;
        }
        out.push(Form {
            value: element.to_owned(),
            transform: "list-element",
        });
    }
    out
}

/// `Basic <base64 of user:password>`: the decoded pair, the user and the password (RFC 7617;
/// the user ends at the first colon). Nothing for another scheme or a value that does not
/// decode to text.
fn basic_credentials(value: &str) -> Vec<Form> {
    let value = value.trim_matches(|c: char| c <= ' ');
    let Some((scheme, token)) = value.split_once(' ') else {
        return Vec::new();
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Vec::new();
    }
    let Ok(bytes) = STANDARD.decode(token.trim_matches(|c: char| c <= ' ')) else {
        return Vec::new();
    };
    let Ok(pair) = String::from_utf8(bytes) else {
        return Vec::new();
    };
    let mut out = vec![Form {
        value: pair.clone(),
        transform: "basic-credentials",
    }];
    if let Some((user, password)) = pair.split_once(':') {
        for (part, transform) in [(user, "basic-user"), (password, "basic-password")] {
            if !part.is_empty() && out.iter().all(|f| f.value != part) {
                out.push(Form {
                    value: part.to_owned(),
                    transform,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(forms: &[Form]) -> Vec<(&str, &str)> {
        forms
            .iter()
            .map(|f| (f.transform, f.value.as_str()))
            .collect()
    }

    #[test]
    fn a_forwarding_list_gives_each_hop() {
        let forms = parts("X-Forwarded-For", "x' OR TRUE OR ', 10.0.0.1 ,10.0.0.1");
        assert_eq!(
            values(&forms),
            [
                ("list-element", "x' OR TRUE OR '"),
                ("list-element", "10.0.0.1")
            ]
        );
        assert_eq!(
            values(&parts("x-real-ip", "203.0.113.9,10.0.0.1")),
            [
                ("list-element", "203.0.113.9"),
                ("list-element", "10.0.0.1")
            ]
        );
        assert!(parts("X-Forwarded-For", "203.0.113.9").is_empty());
        assert!(parts("Accept", "text/html, application/json").is_empty());
    }

    #[test]
    fn a_long_list_is_cut() {
        let value = (0..50).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        assert_eq!(parts("X-Forwarded-For", &value).len(), MAX_LIST_ELEMENTS);
    }

    #[test]
    fn basic_credentials_give_the_pair_the_user_and_the_password() {
        let token = STANDARD.encode("x' OR TRUE OR ':pw:with:colons");
        let forms = parts("Authorization", &format!("Basic {token}"));
        assert_eq!(
            values(&forms),
            [
                ("basic-credentials", "x' OR TRUE OR ':pw:with:colons"),
                ("basic-user", "x' OR TRUE OR '"),
                ("basic-password", "pw:with:colons"),
            ]
        );
        assert_eq!(
            values(&parts(
                "authorization",
                &format!("  basic {} ", STANDARD.encode("alice"))
            )),
            [("basic-credentials", "alice")]
        );
    }

    #[test]
    fn other_schemes_and_undecodable_tokens_give_nothing() {
        assert!(parts("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x").is_empty());
        assert!(parts("Authorization", "Basic not*base64").is_empty());
        assert!(parts("Authorization", "Basic //79").is_empty()); // not UTF-8
        assert!(parts("Authorization", "Basic").is_empty());
    }
}
