//! Exclusions: named exceptions that drop findings for some routes, inputs or rules.
//!
//! An exclusion is how an operator says "this search box may contain SQL words" without
//! turning a rule off everywhere. It matches a finding when every field it sets matches; a
//! field left out matches anything, and an exclusion must set at least one field (an empty
//! one would silently switch protection off).
//!
//! Routes are matched against the request path after the normalisation a servlet container
//! applies before routing (`;params` cut off, percent-decoding, `.` and `..` resolved, empty
//! segments dropped). Matching the raw URI would let `/public/../admin/x` pass as
//! `/public/**` while the container serves `/admin/x`.

use std::fmt;

use percent_encoding::percent_decode;

use crate::input::{Input, InputSource};

/// One `exclusion.<name>.*` group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclusion {
    pub name: String,
    /// Empty: any route.
    pub routes: Vec<RouteGlob>,
    /// Empty: any input (and findings without one).
    pub inputs: Vec<InputSelector>,
    /// Empty: every rule.
    pub rules: Vec<RuleSelector>,
}

/// What an exclusion is matched against.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub rule_id: &'a str,
    /// The normalised request path ([`normalize_route`]).
    pub route: &'a str,
    /// The input the finding concerns, if any.
    pub input: Option<&'a Input>,
}

impl Exclusion {
    /// An exclusion with no fields set yet.
    pub fn named(name: impl Into<String>) -> Exclusion {
        Exclusion {
            name: name.into(),
            routes: Vec::new(),
            inputs: Vec::new(),
            rules: Vec::new(),
        }
    }

    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty() && self.inputs.is_empty() && self.rules.is_empty()
    }

    /// Whether every field this exclusion sets matches. A finding without an input does not
    /// match an exclusion that names inputs.
    pub fn matches(&self, subject: &Subject<'_>) -> bool {
        if self.is_empty() {
            return false;
        }
        let rules = self.rules.is_empty() || self.rules.iter().any(|r| r.matches(subject.rule_id));
        let routes = self.routes.is_empty() || self.routes.iter().any(|g| g.matches(subject.route));
        let inputs = self.inputs.is_empty()
            || subject
                .input
                .is_some_and(|input| self.inputs.iter().any(|s| s.matches(input)));
        rules && routes && inputs
    }
}

/// A path glob: `*` matches within one segment, `**` (a whole segment) any number of segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteGlob {
    text: String,
    segments: Vec<GlobSegment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum GlobSegment {
    /// `**`
    AnyDepth,
    /// A segment, possibly with `*` wildcards.
    Pattern(String),
}

/// Why a route glob was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobError(&'static str);

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl RouteGlob {
    pub fn parse(text: &str) -> Result<RouteGlob, GlobError> {
        if !text.starts_with('/') {
            return Err(GlobError("a route glob starts with /"));
        }
        if let Some(c) = text.chars().find(|c| "?[]{}\\".contains(*c)) {
            return Err(GlobError(match c {
                '?' => "? is not supported (use * within a segment)",
                '\\' => "backslashes are not supported (routes use /)",
                _ => "[...] and {...} are not supported (list several globs, comma-separated)",
            }));
        }
        let mut segments = Vec::new();
        for segment in text.split('/').filter(|s| !s.is_empty()) {
            if segment == "**" {
                // `/**/**` means the same as `/**`; keep one so matching stays linear.
                if segments.last() != Some(&GlobSegment::AnyDepth) {
                    segments.push(GlobSegment::AnyDepth);
                }
            } else if segment.contains("**") {
                return Err(GlobError("** must be a whole segment (/a/**/b)"));
            } else if segment == "." || segment == ".." {
                return Err(GlobError(
                    ". and .. segments never occur in a normalised path",
                ));
            } else {
                segments.push(GlobSegment::Pattern(segment.to_owned()));
            }
        }
        Ok(RouteGlob {
            text: text.to_owned(),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the glob matches a normalised path (see [`normalize_route`]).
    pub fn matches(&self, route: &str) -> bool {
        let path: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
        match_segments(&self.segments, &path)
    }
}

/// Segment-wise glob matching, row by row over the glob (`reach[j]`: the glob so far matches
/// the first `j` segments), so that several `**` cost `glob x path`, never exponential time on
/// a deep path an attacker chose.
fn match_segments(glob: &[GlobSegment], path: &[&str]) -> bool {
    let mut reach = vec![false; path.len() + 1];
    reach[0] = true;
    for segment in glob {
        match segment {
            GlobSegment::AnyDepth => {
                let mut seen = false;
                for r in reach.iter_mut() {
                    seen |= *r;
                    *r = seen;
                }
            }
            GlobSegment::Pattern(p) => {
                for j in (1..=path.len()).rev() {
                    reach[j] = reach[j - 1] && wildcard(p.as_bytes(), path[j - 1].as_bytes());
                }
                reach[0] = false;
            }
        }
    }
    reach[path.len()]
}

/// `*` matches any run of bytes (the caller keeps it within a segment). Greedy with one
/// backtrack point, linear in practice.
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// The request path as the container routes it: `;params` cut from every segment, segments
/// percent-decoded (an encoded `/` then separates segments too), `.` dropped, `..` removing the
/// segment before it, empty segments dropped. Always starts with `/`.
pub fn normalize_route(uri: &str) -> String {
    let path = uri.split(['?', '#']).next().unwrap_or_default();
    let mut segments: Vec<String> = Vec::new();
    for raw in path.split('/') {
        let raw = raw.split(';').next().unwrap_or_default();
        let decoded = percent_decode(raw.as_bytes()).decode_utf8_lossy();
        for segment in decoded.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                s => segments.push(s.to_owned()),
            }
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// An input selector: `name` (any source) or `source:name`. Header names compare
/// case-insensitively, as HTTP defines them; other names exactly.
///
/// A selector names one source, by the name events give it ([`InputSource::name`]). The
/// engine's raw parse and the agent's captures agree on sources (a multipart field is
/// `multipart` both ways), but a value the agent captured from `getParameter` is `parameter`,
/// since the container no longer says whether it came from the query or the form: a selector
/// meant for every one of them names no source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputSelector {
    /// `None`: any source.
    pub source: Option<InputSource>,
    pub name: String,
}

/// Why an input selector was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectorError {
    UnknownSource(String),
    EmptyName,
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectorError::UnknownSource(s) => {
                write!(f, "unknown input source '{s}' (sources: ")?;
                for (i, source) in InputSource::ALL.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{}", source.name())?;
                }
                f.write_str(")")
            }
            SelectorError::EmptyName => f.write_str("the input name is empty"),
        }
    }
}

impl InputSelector {
    /// Parses `name` or `source:name`. A selector with a `:` must start with a source, so a
    /// JSON key containing `:` is written `json:$.a:b`.
    pub fn parse(text: &str) -> Result<InputSelector, SelectorError> {
        let (source, name) = match text.split_once(':') {
            Some((source, name)) => {
                let source = InputSource::from_name(source.trim())
                    .ok_or_else(|| SelectorError::UnknownSource(source.trim().to_owned()))?;
                (Some(source), name.trim())
            }
            None => (None, text.trim()),
        };
        if name.is_empty() {
            return Err(SelectorError::EmptyName);
        }
        Ok(InputSelector {
            source,
            name: name.to_owned(),
        })
    }

    pub fn matches(&self, input: &Input) -> bool {
        if self.source.is_some_and(|s| s != input.source) {
            return false;
        }
        if input.source == InputSource::Header {
            input.name.eq_ignore_ascii_case(&self.name)
        } else {
            input.name == self.name
        }
    }
}

/// A rule id, or every rule under a prefix (`sqli.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSelector {
    Id(String),
    /// The prefix with its trailing dot: `sqli.` for `sqli.*`.
    Prefix(String),
}

impl RuleSelector {
    /// Parses `a.b` or `a.*`; `None` for anything else (wildcards elsewhere, bad characters).
    pub fn parse(text: &str) -> Option<RuleSelector> {
        let text = text.trim();
        match text.strip_suffix('*') {
            Some(prefix) if prefix.ends_with('.') && is_rule_id_prefix(prefix) => {
                Some(RuleSelector::Prefix(prefix.to_owned()))
            }
            Some(_) => None,
            None => is_rule_id(text).then(|| RuleSelector::Id(text.to_owned())),
        }
    }

    pub fn matches(&self, rule_id: &str) -> bool {
        match self {
            RuleSelector::Id(id) => id == rule_id,
            RuleSelector::Prefix(p) => rule_id.starts_with(p.as_str()),
        }
    }
}

impl fmt::Display for RuleSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSelector::Id(id) => f.write_str(id),
            RuleSelector::Prefix(p) => write!(f, "{p}*"),
        }
    }
}

/// `[a-z0-9_]+` segments joined by `.`, at least two: the shape of every rule id (rule files,
/// `rules.mode.<id>` and exclusions alike).
pub fn is_rule_id(text: &str) -> bool {
    text.contains('.') && text.split('.').all(is_rule_id_segment)
}

/// `a.` or `a.b.`: one or more id segments and a trailing dot.
fn is_rule_id_prefix(prefix: &str) -> bool {
    prefix
        .strip_suffix('.')
        .is_some_and(|body| body.split('.').all(is_rule_id_segment))
}

fn is_rule_id_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(text: &str) -> RouteGlob {
        RouteGlob::parse(text).expect("valid glob")
    }

    #[test]
    fn single_star_stays_within_a_segment() {
        let g = glob("/api/*/search");
        assert!(g.matches("/api/v1/search"));
        assert!(g.matches("/api/x/search"));
        assert!(!g.matches("/api/v1/v2/search"));
        assert!(!g.matches("/api/search"));
        let g = glob("/files/*.json");
        assert!(g.matches("/files/a.json"));
        assert!(!g.matches("/files/a/b.json"));
        assert!(!g.matches("/files/a.jsonx"));
    }

    #[test]
    fn double_star_spans_any_depth_including_none() {
        let g = glob("/api/**");
        for p in ["/api", "/api/x", "/api/x/y/z"] {
            assert!(g.matches(p), "{p}");
        }
        assert!(!g.matches("/apix"));
        assert!(!g.matches("/other/api"));
        let g = glob("/**/search");
        assert!(g.matches("/search"));
        assert!(g.matches("/a/b/search"));
        assert!(!g.matches("/a/b/search/x"));
        assert!(glob("/**").matches("/"));
        assert!(glob("/").matches("/"));
        assert!(!glob("/").matches("/a"));
    }

    #[test]
    fn bad_globs_are_rejected_with_a_reason() {
        for (text, why) in [
            ("api/**", "a route glob starts with /"),
            ("/a/**x", "** must be a whole segment (/a/**/b)"),
            ("/a?", "? is not supported (use * within a segment)"),
            (
                "/a/{b,c}",
                "[...] and {...} are not supported (list several globs, comma-separated)",
            ),
            (
                "/a/../b",
                ". and .. segments never occur in a normalised path",
            ),
        ] {
            assert_eq!(
                RouteGlob::parse(text).unwrap_err().to_string(),
                why,
                "{text}"
            );
        }
    }

    #[test]
    fn routes_are_normalised_as_the_container_routes_them() {
        assert_eq!(normalize_route("/public/../admin/x"), "/admin/x");
        assert_eq!(normalize_route("/public/%2e%2e/admin"), "/admin");
        assert_eq!(normalize_route("/public%2F..%2Fadmin"), "/admin");
        assert_eq!(normalize_route("/a;jsessionid=1/b;x=y/"), "/a/b");
        assert_eq!(normalize_route("//a/./b"), "/a/b");
        assert_eq!(normalize_route("/../.."), "/");
        assert_eq!(normalize_route(""), "/");
        assert_eq!(normalize_route("/search%20box"), "/search box");
        let public = glob("/public/**");
        assert!(!public.matches(&normalize_route("/public/../admin/x")));
        assert!(public.matches(&normalize_route("/public/a;x=1/b")));
    }

    #[test]
    fn input_selectors_by_name_or_source_and_name() {
        let q = Input::value(InputSource::Query, "q", "x");
        let h = Input::value(InputSource::Header, "User-Agent", "x");
        let f = Input::value(InputSource::Form, "q", "x");
        let any = InputSelector::parse("q").expect("valid");
        assert!(any.matches(&q) && any.matches(&f));
        let query = InputSelector::parse("query:q").expect("valid");
        assert!(query.matches(&q) && !query.matches(&f));
        let header = InputSelector::parse("header:user-agent").expect("valid");
        assert!(header.matches(&h), "header names are case-insensitive");
        let cookie = InputSelector::parse("cookie:User-Agent").expect("valid");
        assert!(!cookie.matches(&h));
        assert!(!InputSelector::parse("query:Q").expect("valid").matches(&q));
        let json = InputSelector::parse("json:$.a:b").expect("valid");
        assert!(json.matches(&Input::value(InputSource::Json, "$.a:b", "x")));
        assert_eq!(
            InputSelector::parse("params:q").unwrap_err().to_string(),
            "unknown input source 'params' (sources: query, form, json, body, header, cookie, \
             path, multipart, xml, websocket, zip-entry, parameter)"
        );
        assert_eq!(
            InputSelector::parse("query:").unwrap_err(),
            SelectorError::EmptyName
        );
    }

    #[test]
    fn every_source_is_selected_by_its_own_name_only() {
        for source in InputSource::ALL {
            let input = Input::value(source, "n", "x");
            for name in [source.name().to_owned(), source.name().to_uppercase()] {
                let selector = InputSelector::parse(&format!("{name}:n")).expect("valid");
                assert_eq!(selector.source, Some(source), "{name}");
                for other in InputSource::ALL {
                    let other_input = Input::value(other, "n", "x");
                    assert_eq!(
                        selector.matches(&other_input),
                        other == source,
                        "{name} against {}",
                        other.name()
                    );
                }
                assert!(selector.matches(&input));
            }
        }
    }

    #[test]
    fn rule_selectors() {
        assert_eq!(
            RuleSelector::parse("sqli.*"),
            Some(RuleSelector::Prefix("sqli.".into()))
        );
        assert_eq!(
            RuleSelector::parse("sql.policy.file_write"),
            Some(RuleSelector::Id("sql.policy.file_write".into()))
        );
        for bad in [
            "sqli",
            "*",
            "sqli.*.x",
            "sqli*",
            "Sqli.union",
            "a..b",
            ".*",
            "sqli.**",
        ] {
            assert_eq!(RuleSelector::parse(bad), None, "{bad}");
        }
        let prefix = RuleSelector::parse("cmdi.policy.*").expect("valid");
        assert!(prefix.matches("cmdi.policy.reverse_shell"));
        assert!(!prefix.matches("cmdi.shell"));
        assert_eq!(prefix.to_string(), "cmdi.policy.*");
    }

    #[test]
    fn an_exclusion_matches_when_every_field_it_sets_matches() {
        let q = Input::value(InputSource::Query, "q", "x");
        let mut e = Exclusion::named("search");
        let subject = Subject {
            rule_id: "sqli.union",
            route: "/search",
            input: Some(&q),
        };
        assert!(!e.matches(&subject), "an empty exclusion matches nothing");
        e.routes.push(glob("/search"));
        assert!(e.matches(&subject));
        e.inputs
            .push(InputSelector::parse("query:q").expect("valid"));
        assert!(e.matches(&subject));
        assert!(
            !e.matches(&Subject {
                input: None,
                ..subject
            }),
            "a finding without an input does not match an exclusion naming inputs"
        );
        e.rules.push(RuleSelector::parse("cmdi.*").expect("valid"));
        assert!(!e.matches(&subject));
        e.rules
            .push(RuleSelector::parse("sqli.union").expect("valid"));
        assert!(e.matches(&subject));
        assert!(!e.matches(&Subject {
            route: "/other",
            ..subject
        }));
    }
}
