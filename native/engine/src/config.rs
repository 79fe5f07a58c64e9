//! Engine configuration: the values the agent resolved, validated once at start.
//!
//! The agent passes `key=value` lines. Every bad value is an error that names the key, the value
//! and what would be accepted, so a misconfiguration stops the start with a message the user can
//! act on instead of silently weakening protection.

use crate::context::ContextLimits;

/// The global protection mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Off,
    Monitor,
    Block,
}

/// What to do with a finding of a given kind (before the mode caps it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Policy {
    Allow,
    Monitor,
    Block,
}

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
    #[error("unknown configuration key '{0}' (known: mode, events_file, max_input_bytes, on_overflow, on_unparsable, agent_version)")]
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
                _ => return Err(ConfigError::UnknownKey(key.into())),
            }
        }
        Ok(config)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let c = EngineConfig::parse(
            "# comment\nmode=monitor\non_overflow=allow\non_unparsable = monitor\nmax_input_bytes=4096\nevents_file=/tmp/e.jsonl\nagent_version=9\n",
        )
        .expect("valid");
        assert_eq!(c.mode, Mode::Monitor);
        assert_eq!(c.on_overflow, Policy::Allow);
        assert_eq!(c.on_unparsable, Policy::Monitor);
        assert_eq!(c.limits.max_input_bytes, 4096);
        assert_eq!(c.events_file, "/tmp/e.jsonl");
        assert_eq!(c.agent_version, "9");
    }

    #[test]
    fn bad_values_name_the_key_and_the_fix() {
        let cases = [
            ("mode=blok", "bad value 'blok' for mode: use block, monitor or off"),
            ("on_overflow=deny", "bad value 'deny' for on_overflow: use block, monitor or allow"),
            ("max_input_bytes=10", "bad value '10' for max_input_bytes: use a whole number of bytes, at least 1024"),
            ("max_input_bytes=-1", "bad value '-1' for max_input_bytes: use a whole number of bytes, at least 1024"),
            ("events_file=", "bad value '' for events_file: use a file path, or - for standard error"),
            ("colour=red", "unknown configuration key 'colour' (known: mode, events_file, max_input_bytes, on_overflow, on_unparsable, agent_version)"),
            ("mode", "configuration line 1 is not key=value: 'mode'"),
        ];
        for (text, want) in cases {
            assert_eq!(EngineConfig::parse(text).unwrap_err().to_string(), want);
        }
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
