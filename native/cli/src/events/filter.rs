//! Which events a summary or report counts: `--since`, `--rule`, `--route`.

use super::read::Timed;
use crate::event_time::Millis;

#[derive(Debug, Default)]
pub struct Filter {
    pub since: Option<Millis>,
    pub rules: Vec<String>,
    pub routes: Vec<String>,
}

impl Filter {
    pub fn keeps(&self, event: &Timed) -> bool {
        self.since.is_none_or(|since| event.ms >= since)
            && (self.rules.is_empty()
                || self
                    .rules
                    .iter()
                    .any(|r| rule_matches(r, &event.record.rule_id)))
            && (self.routes.is_empty()
                || self
                    .routes
                    .iter()
                    .any(|r| route_matches(r, &event.record.request.path)))
    }

    /// The filters in force, as the command line wrote them, for the report's header.
    pub fn describe(&self, since_text: Option<&str>) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(since) = since_text {
            out.push(format!("--since {since}"));
        }
        out.extend(self.rules.iter().map(|r| format!("--rule {r}")));
        out.extend(self.routes.iter().map(|r| format!("--route {r}")));
        out
    }
}

/// A rule id, or a prefix of whole dotted parts: `sqli` and `sqli.` take `sqli.union` but
/// `sql` does not; `sql*` is a plain prefix.
fn rule_matches(wanted: &str, id: &str) -> bool {
    if let Some(prefix) = wanted.strip_suffix('*') {
        return id.starts_with(prefix);
    }
    if wanted.ends_with('.') {
        return id.starts_with(wanted);
    }
    id == wanted
        || id
            .strip_prefix(wanted)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// A request path, or a prefix ending in `*` (`/api/*`).
fn route_matches(wanted: &str, path: &str) -> bool {
    match wanted.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => path == wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_by_id_or_dotted_prefix() {
        assert!(rule_matches("sqli.union", "sqli.union"));
        assert!(rule_matches("sqli", "sqli.union"));
        assert!(rule_matches("sqli.", "sqli.union"));
        assert!(rule_matches("sql.policy", "sql.policy.file_write"));
        assert!(!rule_matches("sql", "sqli.union"));
        assert!(rule_matches("sql*", "sqli.union"));
        assert!(!rule_matches("sqli.union", "sqli.unionx"));
    }

    #[test]
    fn routes_exact_or_star_prefix() {
        assert!(route_matches("/h2/users", "/h2/users"));
        assert!(!route_matches("/h2", "/h2/users"));
        assert!(route_matches("/h2/*", "/h2/users"));
        assert!(route_matches("*", ""));
    }
}
