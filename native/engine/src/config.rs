//! Engine configuration: the values the agent resolved, validated once at start.
//!
//! The agent passes `key=value` lines. Every bad value is an error that names the key, the value
//! and what would be accepted, so a misconfiguration stops the start with a message the user can
//! act on instead of silently weakening protection.
//!
//! Besides the fixed keys there are three families (docs/rules.md §5): `rules.backend`,
//! `rules.mode.<rule-id>` (a mode for one rule, overriding the global one) and
//! `exclusion.<name>.routes|inputs|rules` (named exceptions, see [`crate::exclusion`]). Whether
//! the rule ids they name exist depends on the rule set, so that is checked when the engine is
//! built ([`check_rule_ids`]), not here.

use std::collections::BTreeMap;

use crate::context::ContextLimits;
use crate::deser::ClassAllowList;
use crate::exclusion::{is_rule_id, Exclusion, InputSelector, RouteGlob, RuleSelector};
use crate::net::allow::Allowlist;
use crate::rules::{BackendChoice, RuleSet, BUILTIN_RULE_IDS};
use crate::verdict::{Mode, Policy};

/// The engine's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    pub mode: Mode,
    /// Verdict for a sink reached by a request whose input exceeded `max_input_bytes`.
    pub on_overflow: Policy,
    /// Verdict for a statement that contains request input and cannot be lexed.
    pub on_unparsable: Policy,
    pub limits: ContextLimits,
    /// Path of the JSON-lines event file; `-` for standard error.
    pub events_file: String,
    pub agent_version: String,
    /// Which matcher runs the rule set's patterns.
    pub rules_backend: BackendChoice,
    /// `rules.mode.<id>`: a mode for one rule, which replaces the global mode for it.
    pub rule_modes: BTreeMap<String, Mode>,
    /// `exclusion.<name>.*`, in the order their names first appear.
    pub exclusions: Vec<Exclusion>,
    /// `ssrf.allowed_hosts`: hosts, domains and ranges request input may name as a destination.
    pub ssrf_allowed_hosts: Allowlist,
    /// `jndi.allowed_hosts`: hosts (names, addresses, `.domain` suffixes) remote JNDI lookups
    /// may reach without the `jndi.policy.remote` finding.
    pub jndi_allowed_hosts: Vec<String>,
    /// `deser.allowed_classes`: the allow-list mode of deserialization checks, off when unset.
    pub deser_allowed_classes: Option<ClassAllowList>,
    /// `events.<destination>.<field>` keys, uninterpreted: the native library's event
    /// destinations (OTLP, syslog, the file's delivery settings) read and validate them, so the
    /// engine does not depend on how events are delivered.
    pub event_destinations: BTreeMap<String, String>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            mode: Mode::Block,
            on_overflow: Policy::Block,
            on_unparsable: Policy::Block,
            limits: ContextLimits::default(),
            events_file: "rasp-events.jsonl".into(),
            agent_version: env!("CARGO_PKG_VERSION").into(),
            rules_backend: BackendChoice::Auto,
            rule_modes: BTreeMap::new(),
            exclusions: Vec::new(),
            ssrf_allowed_hosts: Allowlist::default(),
            jndi_allowed_hosts: Vec::new(),
            deser_allowed_classes: None,
            event_destinations: BTreeMap::new(),
        }
    }
}

/// A configuration problem, naming the key and the fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("bad value '{value}' for {key}: use {expected}")]
    BadValue {
        key: String,
        value: String,
        expected: &'static str,
    },
    /// A value whose problem depends on what was written (a glob, a selector).
    #[error("bad value '{value}' for {key}: {problem}")]
    Invalid {
        key: String,
        value: String,
        problem: String,
    },
    /// A key of a known family that is malformed (`rules.mode.` without an id, ...).
    #[error("bad key '{key}': {problem}")]
    BadKey { key: String, problem: String },
    #[error("unknown exclusion field '{field}' in {key}: use routes, inputs or rules")]
    ExclusionField { key: String, field: String },
    #[error("{key} names rule '{id}', which is neither built in nor in rule set {set} (see `rasp rules check` for the set's ids)")]
    UnknownRule {
        key: String,
        id: String,
        set: String,
    },
    #[error(
        "{key} names '{selector}', which matches no built-in rule and no rule in rule set {set}"
    )]
    UnmatchedPrefix {
        key: String,
        selector: String,
        set: String,
    },
    #[error("unknown configuration key '{0}' (known: mode, events_file, max_input_bytes, on_overflow, on_unparsable, agent_version, rules.backend, rules.mode.<rule-id>, ssrf.allowed_hosts, jndi.allowed_hosts, deser.allowed_classes, exclusion.<name>.routes|inputs|rules, events.<destination>.<field>)")]
    UnknownKey(String),
    #[error("configuration line {0} is not key=value: '{1}'")]
    Syntax(usize, String),
}

fn bad(key: &str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::BadValue {
        key: key.into(),
        value: value.into(),
        expected,
    }
}

pub fn parse_mode(key: &str, value: &str) -> Result<Mode, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "off" => Ok(Mode::Off),
        "monitor" => Ok(Mode::Monitor),
        "block" => Ok(Mode::Block),
        _ => Err(bad(key, value, "block, monitor or off")),
    }
}

pub fn parse_backend(key: &str, value: &str) -> Result<BackendChoice, ConfigError> {
    BackendChoice::from_name(value).ok_or_else(|| bad(key, value, "auto, hyperscan or portable"))
}

pub fn parse_policy(key: &str, value: &str) -> Result<Policy, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "allow" => Ok(Policy::Allow),
        "monitor" => Ok(Policy::Monitor),
        "block" => Ok(Policy::Block),
        _ => Err(bad(key, value, "block, monitor or allow")),
    }
}

impl EngineConfig {
    /// Parses `key=value` lines; blank lines and `#` comments are ignored.
    pub fn parse(text: &str) -> Result<EngineConfig, ConfigError> {
        let mut config = EngineConfig::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| ConfigError::Syntax(n + 1, line.into()))?;
            let (key, value) = (key.trim(), value.trim());
            match key {
                "mode" => config.mode = parse_mode(key, value)?,
                "on_overflow" => config.on_overflow = parse_policy(key, value)?,
                "on_unparsable" => config.on_unparsable = parse_policy(key, value)?,
                "max_input_bytes" => {
                    config.limits.max_input_bytes = value
                        .parse::<usize>()
                        .ok()
                        .filter(|&n| n >= 1024)
                        .ok_or_else(|| bad(key, value, "a whole number of bytes, at least 1024"))?
                }
                "events_file" if value.is_empty() => {
                    return Err(bad(key, value, "a file path, or - for standard error"))
                }
                "events_file" => config.events_file = value.into(),
                "agent_version" => config.agent_version = value.into(),
                "rules.backend" => config.rules_backend = parse_backend(key, value)?,
                "ssrf.allowed_hosts" => {
                    // Empty is allowed here (nothing allowed), unlike an exclusion's list.
                    let entries = value.split(',').map(str::trim).filter(|e| !e.is_empty());
                    config.ssrf_allowed_hosts =
                        Allowlist::parse(entries).map_err(|e| ConfigError::Invalid {
                            key: key.into(),
                            value: value.into(),
                            problem: e.to_string(),
                        })?;
                }
                "jndi.allowed_hosts" => {
                    config.jndi_allowed_hosts = value
                        .split(',')
                        .map(str::trim)
                        .filter(|h| !h.is_empty())
                        .map(str::to_owned)
                        .collect()
                }
                "deser.allowed_classes" => {
                    config.deser_allowed_classes =
                        Some(ClassAllowList::parse(value).map_err(|problem| {
                            ConfigError::Invalid {
                                key: key.into(),
                                value: value.into(),
                                problem,
                            }
                        })?)
                }
                _ if key.starts_with("rules.mode.") => {
                    let id = rule_mode_id(key)?;
                    config.rule_modes.insert(id.into(), parse_mode(key, value)?);
                }
                _ if key.starts_with("exclusion.") => config.set_exclusion_field(key, value)?,
                _ if key.starts_with("events.") => {
                    config.event_destinations.insert(key.into(), value.into());
                }
                _ => return Err(ConfigError::UnknownKey(key.into())),
            }
        }
        Ok(config)
    }

    /// `exclusion.<name>.<field>=<list>`: a later line for the same field replaces it.
    fn set_exclusion_field(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let rest = &key["exclusion.".len()..];
        let Some((name, field)) = rest.rsplit_once('.') else {
            return Err(ConfigError::BadKey {
                key: key.into(),
                problem: "write exclusion.<name>.routes, exclusion.<name>.inputs or exclusion.<name>.rules".into(),
            });
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ConfigError::BadKey {
                key: key.into(),
                problem: format!(
                    "'{name}' is not an exclusion name (letters, digits, - and _, e.g. exclusion.search_box.inputs)"
                ),
            });
        }
        if !matches!(field, "routes" | "inputs" | "rules") {
            return Err(ConfigError::ExclusionField {
                key: key.into(),
                field: field.into(),
            });
        }
        let items = list_items(key, value, field)?;
        let invalid = |problem: String| ConfigError::Invalid {
            key: key.into(),
            value: value.into(),
            problem,
        };
        let index = match self.exclusions.iter().position(|e| e.name == name) {
            Some(i) => i,
            None => {
                self.exclusions.push(Exclusion::named(name));
                self.exclusions.len() - 1
            }
        };
        let exclusion = &mut self.exclusions[index];
        match field {
            "routes" => {
                exclusion.routes = items
                    .iter()
                    .map(|g| RouteGlob::parse(g).map_err(|e| invalid(format!("'{g}': {e}"))))
                    .collect::<Result<_, _>>()?
            }
            "inputs" => {
                exclusion.inputs = items
                    .iter()
                    .map(|s| InputSelector::parse(s).map_err(|e| invalid(format!("'{s}': {e}"))))
                    .collect::<Result<_, _>>()?
            }
            _ => {
                exclusion.rules = items
                    .iter()
                    .map(|r| {
                        RuleSelector::parse(r).ok_or_else(|| {
                            invalid(format!(
                                "'{r}' is not a rule id or prefix.* (e.g. sqli.union, sqli.*)"
                            ))
                        })
                    })
                    .collect::<Result<_, _>>()?
            }
        }
        Ok(())
    }

    /// The policy of a finding of `rule_id` whose own default is `default`, after the modes
    /// (docs/rules.md §4.4): global `off` allows everything; a per-rule mode replaces the
    /// global mode; otherwise the default is capped by the global mode.
    pub fn policy_for(&self, rule_id: &str, default: Policy) -> Policy {
        if self.mode == Mode::Off {
            return Policy::Allow;
        }
        match self.rule_modes.get(rule_id) {
            Some(mode) => mode.policy(),
            None => self.cap(default),
        }
    }

    /// The verdict a finding with `policy` gets under the global mode.
    pub fn cap(&self, policy: Policy) -> Policy {
        match self.mode {
            Mode::Off => Policy::Allow,
            Mode::Monitor => policy.min(Policy::Monitor),
            Mode::Block => policy,
        }
    }
}

/// The rule id of a `rules.mode.<id>` key.
fn rule_mode_id(key: &str) -> Result<&str, ConfigError> {
    let id = &key["rules.mode.".len()..];
    if is_rule_id(id) {
        return Ok(id);
    }
    Err(ConfigError::BadKey {
        key: key.into(),
        problem: format!(
            "'{id}' is not a rule id (segments of a-z, 0-9 and _ joined by dots, e.g. rules.mode.sqli.union)"
        ),
    })
}

/// The items of a comma-separated list value; an empty list or item is an error, because an
/// exclusion field that lists nothing would read as "anything" and switch protection off.
fn list_items<'a>(key: &str, value: &'a str, field: &str) -> Result<Vec<&'a str>, ConfigError> {
    let what = match field {
        "routes" => "path globs such as /search/**",
        "inputs" => "input names such as q or query:q",
        _ => "rule ids such as sqli.union or prefixes such as sqli.*",
    };
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    if items.iter().any(|i| i.is_empty()) {
        return Err(ConfigError::Invalid {
            key: key.into(),
            value: value.into(),
            problem: format!(
                "list one or more comma-separated {what}, without empty items (an empty exclusion field would exclude everything)"
            ),
        });
    }
    Ok(items)
}

/// Every rule id the configuration names (per-rule modes, exclusion rules) that neither the
/// built-in detectors nor `rules` define, one error per key and id, in key order. The engine
/// refuses to start with any (a typo would silently leave the rule as it was); a reload that
/// drops a named rule logs them instead.
pub fn check_rule_ids(config: &EngineConfig, rules: &RuleSet) -> Vec<ConfigError> {
    let exists = |id: &str| BUILTIN_RULE_IDS.contains(&id) || rules.rule_index(id).is_some();
    let any_under = |prefix: &str| {
        BUILTIN_RULE_IDS.iter().any(|id| id.starts_with(prefix))
            || rules.rules().iter().any(|r| r.id.starts_with(prefix))
    };
    let mut problems = Vec::new();
    for id in config.rule_modes.keys() {
        if !exists(id) {
            problems.push(ConfigError::UnknownRule {
                key: format!("rules.mode.{id}"),
                id: id.clone(),
                set: rules.id().into(),
            });
        }
    }
    for exclusion in &config.exclusions {
        let key = format!("exclusion.{}.rules", exclusion.name);
        for selector in &exclusion.rules {
            match selector {
                RuleSelector::Id(id) if !exists(id) => problems.push(ConfigError::UnknownRule {
                    key: key.clone(),
                    id: id.clone(),
                    set: rules.id().into(),
                }),
                RuleSelector::Prefix(p) if !any_under(p) => {
                    problems.push(ConfigError::UnmatchedPrefix {
                        key: key.clone(),
                        selector: selector.to_string(),
                        set: rules.id().into(),
                    })
                }
                _ => {}
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let c = EngineConfig::parse(
            "# comment\nmode=monitor\non_overflow=allow\non_unparsable = monitor\nmax_input_bytes=4096\nevents_file=/tmp/e.jsonl\nagent_version=9\nssrf.allowed_hosts=*.partner.example, 10.20.0.0/16\n",
        )
        .expect("valid");
        assert_eq!(
            c.ssrf_allowed_hosts,
            Allowlist::parse(["*.partner.example", "10.20.0.0/16"]).unwrap()
        );
        assert_eq!(c.mode, Mode::Monitor);
        assert_eq!(c.on_overflow, Policy::Allow);
        assert_eq!(c.on_unparsable, Policy::Monitor);
        assert_eq!(c.limits.max_input_bytes, 4096);
        assert_eq!(c.events_file, "/tmp/e.jsonl");
        assert_eq!(c.agent_version, "9");
        let j = EngineConfig::parse(
            "jndi.allowed_hosts = ldap.corp.example, 10.0.0.5,,.corp.example\n",
        )
        .expect("valid");
        assert_eq!(
            j.jndi_allowed_hosts,
            ["ldap.corp.example", "10.0.0.5", ".corp.example"]
        );
    }

    #[test]
    fn bad_values_name_the_key_and_the_fix() {
        let cases = [
            ("mode=blok", "bad value 'blok' for mode: use block, monitor or off"),
            (
                "ssrf.allowed_hosts=10.0.0.0/40",
                "bad value '10.0.0.0/40' for ssrf.allowed_hosts: '10.0.0.0/40': the prefix length is 0 to 32 for IPv4, 0 to 128 for IPv6",
            ),
            ("on_overflow=deny", "bad value 'deny' for on_overflow: use block, monitor or allow"),
            ("max_input_bytes=10", "bad value '10' for max_input_bytes: use a whole number of bytes, at least 1024"),
            ("max_input_bytes=-1", "bad value '-1' for max_input_bytes: use a whole number of bytes, at least 1024"),
            ("events_file=", "bad value '' for events_file: use a file path, or - for standard error"),
            ("colour=red", "unknown configuration key 'colour' (known: mode, events_file, max_input_bytes, on_overflow, on_unparsable, agent_version, rules.backend, rules.mode.<rule-id>, ssrf.allowed_hosts, jndi.allowed_hosts, deser.allowed_classes, exclusion.<name>.routes|inputs|rules, events.<destination>.<field>)"),
            ("rules.backend=fast", "bad value 'fast' for rules.backend: use auto, hyperscan or portable"),
            ("rules.mode.sqli.union=deny", "bad value 'deny' for rules.mode.sqli.union: use block, monitor or off"),
            ("rules.mode.=block", "bad key 'rules.mode.': '' is not a rule id (segments of a-z, 0-9 and _ joined by dots, e.g. rules.mode.sqli.union)"),
            ("rules.mode.SQLi.union=block", "bad key 'rules.mode.SQLi.union': 'SQLi.union' is not a rule id (segments of a-z, 0-9 and _ joined by dots, e.g. rules.mode.sqli.union)"),
            ("rules.modes=block", "unknown configuration key 'rules.modes' (known: mode, events_file, max_input_bytes, on_overflow, on_unparsable, agent_version, rules.backend, rules.mode.<rule-id>, ssrf.allowed_hosts, jndi.allowed_hosts, deser.allowed_classes, exclusion.<name>.routes|inputs|rules, events.<destination>.<field>)"),
            ("exclusion.search.paths=/x", "unknown exclusion field 'paths' in exclusion.search.paths: use routes, inputs or rules"),
            ("exclusion.search=/x", "bad key 'exclusion.search': write exclusion.<name>.routes, exclusion.<name>.inputs or exclusion.<name>.rules"),
            ("exclusion..routes=/x", "bad key 'exclusion..routes': '' is not an exclusion name (letters, digits, - and _, e.g. exclusion.search_box.inputs)"),
            ("exclusion.a b.routes=/x", "bad key 'exclusion.a b.routes': 'a b' is not an exclusion name (letters, digits, - and _, e.g. exclusion.search_box.inputs)"),
            ("exclusion.search.routes=", "bad value '' for exclusion.search.routes: list one or more comma-separated path globs such as /search/**, without empty items (an empty exclusion field would exclude everything)"),
            ("exclusion.search.inputs=q,,r", "bad value 'q,,r' for exclusion.search.inputs: list one or more comma-separated input names such as q or query:q, without empty items (an empty exclusion field would exclude everything)"),
            ("exclusion.search.routes=/a,search/**", "bad value '/a,search/**' for exclusion.search.routes: 'search/**': a route glob starts with /"),
            ("exclusion.search.routes=/a/**b", "bad value '/a/**b' for exclusion.search.routes: '/a/**b': ** must be a whole segment (/a/**/b)"),
            ("exclusion.search.inputs=params:q", "bad value 'params:q' for exclusion.search.inputs: 'params:q': unknown input source 'params' (sources: query, form, json, body, header, cookie, path, multipart, xml, websocket, zip-entry, parameter)"),
            ("exclusion.search.inputs=query:", "bad value 'query:' for exclusion.search.inputs: 'query:': the input name is empty"),
            ("exclusion.search.rules=sqli", "bad value 'sqli' for exclusion.search.rules: 'sqli' is not a rule id or prefix.* (e.g. sqli.union, sqli.*)"),
            ("exclusion.search.rules=sqli.*.x", "bad value 'sqli.*.x' for exclusion.search.rules: 'sqli.*.x' is not a rule id or prefix.* (e.g. sqli.union, sqli.*)"),
            ("mode", "configuration line 1 is not key=value: 'mode'"),
        ];
        for (text, want) in cases {
            assert_eq!(EngineConfig::parse(text).unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn parses_the_deserialization_allow_list() {
        assert_eq!(EngineConfig::default().deser_allowed_classes, None);
        let c = EngineConfig::parse("deser.allowed_classes = com.example.Dto, java.util.*\n")
            .expect("valid");
        let list = c.deser_allowed_classes.expect("set");
        assert!(list.allows("java.util.ArrayList"));
        assert!(!list.allows("java.util.concurrent.ConcurrentHashMap"));
        assert_eq!(
            EngineConfig::parse("deser.allowed_classes=java.util.*,*")
                .unwrap_err()
                .to_string(),
            "bad value 'java.util.*,*' for deser.allowed_classes: '*' is not a class name, package.* or package.** (e.g. com.example.dto.*)"
        );
    }

    #[test]
    fn parses_rule_keys() {
        let c = EngineConfig::parse(
            "rules.backend=Portable\nrules.mode.sqli.union=monitor\nrules.mode.sql.policy.file_write=OFF\n\
             exclusion.search.routes=/search/**, /find\nexclusion.search.inputs=query:q\n\
             exclusion.legacy.rules=sqli.*,cmdi.shell\nexclusion.search.rules=sqli.union\n\
             exclusion.search.inputs=q, header:X-Term\n",
        )
        .expect("valid");
        assert_eq!(c.rules_backend, BackendChoice::Portable);
        assert_eq!(c.rule_modes.get("sqli.union"), Some(&Mode::Monitor));
        assert_eq!(c.rule_modes.get("sql.policy.file_write"), Some(&Mode::Off));
        let names: Vec<&str> = c.exclusions.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["search", "legacy"], "in order of first appearance");
        let search = &c.exclusions[0];
        let globs: Vec<&str> = search.routes.iter().map(RouteGlob::as_str).collect();
        assert_eq!(globs, ["/search/**", "/find"]);
        assert_eq!(search.inputs.len(), 2, "a later line replaces the field");
        assert_eq!(search.inputs[1].name, "X-Term");
        assert_eq!(search.rules, vec![RuleSelector::Id("sqli.union".into())]);
        assert_eq!(
            c.exclusions[1].rules,
            vec![
                RuleSelector::Prefix("sqli.".into()),
                RuleSelector::Id("cmdi.shell".into())
            ]
        );
        assert!(c.exclusions[1].routes.is_empty());
    }

    #[test]
    fn per_rule_modes_replace_the_global_mode_except_off() {
        let mut c = EngineConfig::parse(
            "mode=monitor\nrules.mode.sqli.union=block\nrules.mode.sqli.comment=off",
        )
        .expect("valid");
        assert_eq!(c.policy_for("sqli.union", Policy::Block), Policy::Block);
        assert_eq!(c.policy_for("sqli.comment", Policy::Block), Policy::Allow);
        assert_eq!(c.policy_for("sqli.stacked", Policy::Block), Policy::Monitor);
        c.mode = Mode::Block;
        assert_eq!(
            c.policy_for("sqli.stacked", Policy::Monitor),
            Policy::Monitor
        );
        c.mode = Mode::Off;
        assert_eq!(c.policy_for("sqli.union", Policy::Block), Policy::Allow);
    }

    #[test]
    fn rule_ids_must_exist() {
        let c = EngineConfig::parse(
            "rules.mode.sqli.union=off\nrules.mode.sqli.unoin=off\n\
             exclusion.a.rules=cmdi.*,path.nope,limits.input_overflow,zzz.*",
        )
        .expect("valid");
        let problems: Vec<String> = check_rule_ids(&c, &RuleSet::empty())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "rules.mode.sqli.unoin names rule 'sqli.unoin', which is neither built in nor in rule set none (see `rasp rules check` for the set's ids)",
                "exclusion.a.rules names rule 'path.nope', which is neither built in nor in rule set none (see `rasp rules check` for the set's ids)",
                "exclusion.a.rules names 'zzz.*', which matches no built-in rule and no rule in rule set none",
            ]
        );
    }

    #[test]
    fn the_mode_caps_policies() {
        let mut c = EngineConfig::default();
        assert_eq!(c.cap(Policy::Block), Policy::Block);
        c.mode = Mode::Monitor;
        assert_eq!(c.cap(Policy::Block), Policy::Monitor);
        assert_eq!(c.cap(Policy::Allow), Policy::Allow);
        c.mode = Mode::Off;
        assert_eq!(c.cap(Policy::Block), Policy::Allow);
    }
}
