//! Signature and policy rules: human-written TOML compiled into one versioned file that the
//! engine loads and scans with Hyperscan, or with a portable regex-automata DFA.
//!
//! The structural detectors (`sql`, `cmd`, `path`) decide whether input changed a sink's
//! syntax; rules add what structure cannot see: known-dangerous statements and commands, and
//! signatures of attack inputs that reach a sink in a transformed form. `docs/rules.md` is the
//! contract; this module implements its sections 2 and 3:
//!
//! * [`source`] reads `rules/*.toml` with line numbers, [`validate`] turns the raw tables into
//!   [`Rule`]s and reports every problem at once, `pattern` keeps patterns in the dialect
//!   both backends read the same way;
//! * [`compile`] builds one Hyperscan database and a few DFAs per [`Target`] and [`file`](mod@file)
//!   writes them, with the rules' metadata, into the compiled file ([`compile::check_dir`]
//!   stops after validation);
//! * [`set::RuleSet`] loads that file, picks a backend ([`BackendChoice`]) and scans.
//!
//! Rule evaluation in a check (when-conditions, input signatures, modes, exclusions) lives in
//! `eval`, which builds on [`RuleSet::scan`] and [`RuleSet::spans`].
//!
//! # Diagnostics
//!
//! [`compile_dir`] returns every problem as a [`Diagnostic`], displayed as
//! `<file>:<line>: rule <id>: <message>` (parts that are unknown are left out). The messages
//! are stable; `{..}` marks a substituted value. Set and file level:
//!
//! * `cannot read the rules directory: {io error}`
//! * `cannot read the file: {io error}`
//! * `missing ruleset.toml: it names the rule set (name = "...", version = "...")`
//! * `TOML syntax error: {toml message}`
//! * `` unknown field `{key}` in {table}; expected one of: {fields} `` where `{table}` is
//!   `ruleset.toml`, `a rule`, `a match example`, `a pass example` or `a pattern table`
//! * `` unknown top-level key `{key}`: a rules file holds only [[rule]] tables ``
//! * `` missing field `{key}` in {table} ``
//! * `` `{key path}`: {toml type error} `` (for example
//!   `` `severity`: invalid type: integer `3`, expected a string ``)
//! * `` `name` "{value}" is not valid: use letters, digits, '.', '_' and '-' `` (also `version`)
//!
//! Rule level (prefixed `rule {id}: ` when the id is known):
//!
//! * `` rule id "{id}" is not valid: use lower-case segments [a-z0-9_]+ joined by '.', at least two ``
//! * `rule id {id} is a built-in detector id; choose another`
//! * `duplicate rule id {id}: first defined at {file}:{line}`
//! * `` `{field}` must be one of {choices}, not "{value}" `` for `category`, `scan`, `sinks`,
//!   `when`, `severity`, `mode`
//! * `` `sinks` is empty; name at least one of sql, cmd, path, class ``
//! * `` sink `{sink}` is listed twice in `sinks` ``
//! * `` `when` is only for scan = "sink" rules; an input rule fires on its own signature match ``
//! * `` sink `class` takes only scan = "sink", when = "always" rules: a class check reads no request input ``
//! * `` scan = "sink" needs `when` (always, input-present or input-overlaps) ``
//! * `` `message` is empty ``
//! * `` `patterns` is empty; give at least one ``
//! * `` flags "{flags}": unknown flag '{c}' (use letters from "ism") `` (pattern flags:
//!   `pattern {n}: flags ...`)
//! * `needs at least one [[rule.match]] example`, `needs at least one [[rule.pass]] example`
//!
//! Example level (the line is the example's `[[rule.match]]`/`[[rule.pass]]` line; `{kind}` is
//! `match` or `pass`):
//!
//! * `` {kind} example has neither `sink` nor `argv` ``
//! * `` {kind} example has both `sink` and `argv`; give one ``
//! * `` {kind} example has `argv`, which is for rules with cmd sinks ``
//! * `` {kind} example has an empty `argv` ``
//! * `` {kind} example has both `input` and `inputs`; give one ``
//! * `` {kind} example has `dialect`, which is for rules with sql sinks ``
//! * `` {kind} example has unknown dialect "{d}" (known: generic, mysql, postgresql, oracle, sqlserver, sqlite, h2, hsqldb, db2, derby) ``
//! * `` {kind} example has `op`, which is for rules with path sinks ``
//! * `` {kind} example has `op` "{op}"; use read, write, delete or list ``
//! * `` match example needs `input` or `inputs`: this rule fires only on request input ``
//!   (input rules, and sink rules whose `when` is not `always`)
//!
//! Pattern level (`{n}` counts the rule's patterns from 1; the line is the pattern's):
//!
//! * `pattern {n}: {construct message}`: the forbidden syntax of docs/rules.md §2, each named,
//!   e.g. `` pattern 2: `$` without the m flag also matches before a final newline in
//!   Hyperscan; write \z, or set the m flag ``, `pattern 1: matches the empty string; every
//!   pattern must match at least one byte`, `pattern 1: regex syntax error at column {c}: {..}`
//!   (the full list is in the tests of `pattern.rs` and `tests/rules_compile.rs`)
//! * `pattern {n}: rejected by Hyperscan: {hyperscan message}`
//! * `pattern {n}: rejected by regex-automata: {error}`
//! * `pattern {n} makes the portable DFA exceed 8 MiB; simplify it (bounded repeats and nested
//!   alternations are the usual cause)`
//!
//! Database level (no rule, the file is the rules directory):
//!
//! * `the portable DFAs for {target} exceed 64 MiB with all its {count} patterns together;
//!   simplify the largest patterns or move rules to fewer sinks`
//! * `regex-automata cannot build the {target} DFA: {error}`
//! * `Hyperscan cannot compile the {target} database: {message}` (attributed to the rule and
//!   pattern when Hyperscan names the expression)

pub mod backend;
pub mod compile;
pub mod eval;
pub mod file;
pub(crate) mod pattern;
mod scan_cache;
pub mod set;
pub mod source;
pub mod validate;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::path::PathOp;
use crate::sql::Dialect;
use crate::verdict::Mode;

pub use compile::{compile_dir, Compiled};
pub use file::RuleFileError;
pub use set::RuleSet;

/// The ids of the built-in detectors; a rule may not take one (modes and exclusions name
/// rules and detectors in one id space).
pub const BUILTIN_RULE_IDS: &[&str] = &[
    "sqli.stacked",
    "sqli.union",
    "sqli.tautology",
    "sqli.comment",
    "sqli.structure",
    "sqli.unparsable",
    "cmdi.program",
    "cmdi.shell",
    "cmdi.option",
    "cmdi.env",
    "cmdi.unparsable",
    "cmdi.policy.reverse_shell",
    "cmdi.policy.download_execute",
    "path.traversal",
    "path.absolute",
    "path.nul",
    "path.server_page",
    "jndi.remote_lookup",
    "jndi.policy.remote",
    "ssrf.internal",
    "ssrf.destination",
    "expr.injection",
    "expr.unparsable",
    "expr.policy.dangerous_class",
    "xxe.external_entity",
    "xxe.entity_expansion",
    INPUT_OVERFLOW_RULE_ID,
    crate::deser::NOT_ALLOWED_RULE_ID,
];

/// The id of the finding a request whose input overflowed `max_input_bytes` gets at every check.
pub const INPUT_OVERFLOW_RULE_ID: &str = "limits.input_overflow";

/// The kind of sink a check is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SinkKind {
    Sql,
    Cmd,
    Path,
    /// A class name a deserializer is about to instantiate (`ObjectInputStream` descriptors).
    Class,
    /// A URL or `tcp://host:port` destination an outbound connection is made to (SSRF).
    Url,
    /// A name JNDI is asked to resolve (`ldap://host/...`, `java:comp/env/...`).
    Jndi,
    /// The source of an expression or template about to be parsed (SpEL, OGNL, EL, ...).
    Expr,
    /// The system id (or public id) of an external entity or DTD an XML parser would open.
    Xml,
}

impl SinkKind {
    /// Every kind, in index order: per-kind tables are arrays of `SinkKind::COUNT` entries
    /// indexed by [`SinkKind::index`], so a new kind is one line here (and its names).
    pub const ALL: [SinkKind; 8] = [
        SinkKind::Sql,
        SinkKind::Cmd,
        SinkKind::Path,
        SinkKind::Class,
        SinkKind::Url,
        SinkKind::Jndi,
        SinkKind::Expr,
        SinkKind::Xml,
    ];

    pub const COUNT: usize = SinkKind::ALL.len();

    pub const fn name(self) -> &'static str {
        match self {
            SinkKind::Sql => "sql",
            SinkKind::Cmd => "cmd",
            SinkKind::Path => "path",
            SinkKind::Class => "class",
            SinkKind::Url => "url",
            SinkKind::Jndi => "jndi",
            SinkKind::Expr => "expr",
            SinkKind::Xml => "xml",
        }
    }

    /// Position in [`SinkKind::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name of this kind's sink database: "sink.sql", ...
    fn target_name(self) -> &'static str {
        match self {
            SinkKind::Sql => "sink.sql",
            SinkKind::Cmd => "sink.cmd",
            SinkKind::Path => "sink.path",
            SinkKind::Class => "sink.class",
            SinkKind::Url => "sink.url",
            SinkKind::Jndi => "sink.jndi",
            SinkKind::Expr => "sink.expr",
            SinkKind::Xml => "sink.xml",
        }
    }

    pub fn from_name(name: &str) -> Option<SinkKind> {
        SinkKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What a rule's patterns are matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scan {
    /// The sink string (the statement, the command line, the path).
    Sink,
    /// The request inputs that reached the sink (input signatures).
    Input,
}

impl Scan {
    pub fn name(self) -> &'static str {
        match self {
            Scan::Sink => "sink",
            Scan::Input => "input",
        }
    }
}

/// When a sink rule whose pattern matched fires (docs/rules.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    Always,
    InputPresent,
    InputOverlaps,
}

impl When {
    pub fn name(self) -> &'static str {
        match self {
            When::Always => "always",
            When::InputPresent => "input-present",
            When::InputOverlaps => "input-overlaps",
        }
    }
}

/// How bad a rule's finding is, for events and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// The pattern flags of docs/rules.md §2 (`i`, `s`, `m`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternFlags {
    pub caseless: bool,
    pub dotall: bool,
    pub multiline: bool,
}

impl PatternFlags {
    /// Parses letters from "ism"; `Err(c)` names the first other character.
    pub fn parse(letters: &str) -> Result<PatternFlags, char> {
        let mut flags = PatternFlags::default();
        for c in letters.chars() {
            match c {
                'i' => flags.caseless = true,
                's' => flags.dotall = true,
                'm' => flags.multiline = true,
                other => return Err(other),
            }
        }
        Ok(flags)
    }

    /// The letters, in "ism" order (empty for none).
    pub fn letters(self) -> String {
        let mut s = String::new();
        for (set, c) in [
            (self.caseless, 'i'),
            (self.dotall, 's'),
            (self.multiline, 'm'),
        ] {
            if set {
                s.push(c);
            }
        }
        s
    }
}

/// One pattern of a rule, with its effective flags (the rule's unless overridden).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternSource {
    pub regex: String,
    pub flags: PatternFlags,
}

/// The sink of an example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExampleSink {
    /// `sink = "..."`: the statement or path; for cmd rules a command line split on whitespace.
    Text(String),
    /// `argv = [...]`: the exact argv of a command.
    Argv(Vec<String>),
}

/// A `[[rule.match]]` (must fire) or `[[rule.pass]]` (must not fire) example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub sink: ExampleSink,
    /// The request inputs: one from `input`, or several from `inputs`.
    pub inputs: Vec<String>,
    /// Whether the inputs came from `inputs` (named q1, q2, ...) rather than `input` (named q).
    pub numbered_inputs: bool,
    /// The SQL dialect's canonical name ([`Dialect::name`]); sql rules only.
    pub dialect: Option<String>,
    /// The path operation: read, write, delete or list; path rules only.
    pub op: Option<String>,
    /// The line of the example's `[[rule.match]]` / `[[rule.pass]]` header.
    pub line: usize,
}

impl Example {
    /// The request inputs as query parameters: `q` for `input`, `q1`, `q2`, ... for `inputs`.
    pub fn query_parameters(&self) -> Vec<(String, &str)> {
        if self.numbered_inputs {
            self.inputs
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("q{}", i + 1), v.as_str()))
                .collect()
        } else {
            self.inputs
                .iter()
                .map(|v| ("q".to_string(), v.as_str()))
                .collect()
        }
    }

    /// The command's argv: `argv` as given, or `sink` split on whitespace.
    pub fn argv(&self) -> Vec<String> {
        match &self.sink {
            ExampleSink::Argv(argv) => argv.clone(),
            ExampleSink::Text(text) => text.split_whitespace().map(str::to_string).collect(),
        }
    }

    /// The statement or path (`sink`), or the argv joined by spaces.
    pub fn sink_text(&self) -> String {
        match &self.sink {
            ExampleSink::Text(text) => text.clone(),
            ExampleSink::Argv(argv) => argv.join(" "),
        }
    }

    /// The dialect to check a sql example with (generic when not given).
    pub fn sql_dialect(&self) -> Dialect {
        self.dialect
            .as_deref()
            .and_then(Dialect::from_name)
            .unwrap_or(Dialect::Generic)
    }

    /// The path operation to check a path example with (read when not given).
    pub fn path_op(&self) -> PathOp {
        match self.op.as_deref() {
            Some("write") => PathOp::Write,
            Some("delete") => PathOp::Delete,
            Some("list") => PathOp::List,
            _ => PathOp::Read,
        }
    }
}

/// A validated rule, as the compiled file carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    /// sqli, cmdi, path or deser.
    pub category: String,
    pub scan: Scan,
    pub sinks: Vec<SinkKind>,
    /// For scan = "input" rules this is [`When::Always`] and means nothing: an input rule
    /// fires on its signature match (docs/rules.md §4.3).
    pub when: When,
    pub severity: Severity,
    #[serde(with = "mode_name")]
    pub mode: Mode,
    pub message: String,
    pub patterns: Vec<PatternSource>,
    pub matches: Vec<Example>,
    pub passes: Vec<Example>,
    /// The source file's name (relative to the rules directory) and the `[[rule]]` line.
    pub file: String,
    pub line: usize,
}

impl Rule {
    /// Whether the rule applies to checks of sink kind `kind`.
    pub fn applies_to(&self, kind: SinkKind) -> bool {
        self.sinks.contains(&kind)
    }
}

/// The rule mode as its lower-case name (config's `Mode` has no serde of its own).
mod mode_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::verdict::Mode;

    /// Exactly a [`Mode::name`]: rule files are strict, unlike the lenient `mode` key.
    pub(super) fn from_name(name: &str) -> Option<Mode> {
        [Mode::Off, Mode::Monitor, Mode::Block]
            .into_iter()
            .find(|m| m.name() == name)
    }

    pub(super) fn serialize<S: Serializer>(mode: &Mode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(mode.name())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Mode, D::Error> {
        let s = String::deserialize(d)?;
        from_name(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("bad mode \"{s}\": use block, monitor or off"))
        })
    }
}

/// A database in the compiled file: what one scan searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// The sink strings of checks of this kind (scan = "sink" rules).
    Sink(SinkKind),
    /// Request input values (scan = "input" rules of every sink kind).
    Input,
}

impl Target {
    /// One sink database per [`SinkKind`], in its order, then the input database.
    pub const ALL: [Target; SinkKind::COUNT + 1] = {
        let mut all = [Target::Input; SinkKind::COUNT + 1];
        let mut i = 0;
        while i < SinkKind::COUNT {
            all[i] = Target::Sink(SinkKind::ALL[i]);
            i += 1;
        }
        all
    };

    pub const COUNT: usize = Target::ALL.len();

    /// "sink.sql", "sink.cmd", "sink.path", "sink.class" or "input" (the section name suffix).
    pub fn name(self) -> &'static str {
        match self {
            Target::Sink(kind) => kind.target_name(),
            Target::Input => "input",
        }
    }

    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Position in [`Target::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Target::Sink(kind) => kind.index(),
            Target::Input => SinkKind::COUNT,
        }
    }

    /// Whether `rule`'s patterns belong in this target's database.
    pub fn holds(self, rule: &Rule) -> bool {
        match self {
            Target::Sink(kind) => rule.scan == Scan::Sink && rule.applies_to(kind),
            Target::Input => rule.scan == Scan::Input,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The `rules.backend` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BackendChoice {
    /// Hyperscan when it is linked, the CPU supports it and the file's databases load;
    /// otherwise the portable DFA.
    #[default]
    Auto,
    /// Hyperscan or a load error saying why not.
    Hyperscan,
    /// The regex-automata DFA, everywhere.
    Portable,
}

impl BackendChoice {
    pub fn name(self) -> &'static str {
        match self {
            BackendChoice::Auto => "auto",
            BackendChoice::Hyperscan => "hyperscan",
            BackendChoice::Portable => "portable",
        }
    }

    /// Parses "auto", "hyperscan" or "portable" (ASCII case-insensitive, trimmed).
    pub fn from_name(name: &str) -> Option<BackendChoice> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(BackendChoice::Auto),
            "hyperscan" => Some(BackendChoice::Hyperscan),
            "portable" => Some(BackendChoice::Portable),
            _ => None,
        }
    }
}

/// The backend a loaded [`RuleSet`] scans with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    Hyperscan,
    Portable,
}

impl BackendKind {
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Hyperscan => "hyperscan",
            BackendKind::Portable => "portable",
        }
    }
}

/// One problem in the rule sources, located as precisely as known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(rule) = &self.rule {
            write!(f, "rule {rule}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_ids_are_exactly_the_detectors_and_policies() {
        let mut emitted: Vec<&str> = crate::sql::SqlRule::ALL
            .iter()
            .map(|r| r.id())
            .chain(crate::cmd::CmdRule::ALL.iter().map(|r| r.id()))
            .chain(crate::cmd::CmdPolicy::ALL.iter().map(|p| p.id()))
            .chain(crate::path::PathRule::ALL.iter().map(|r| r.id()))
            .chain(crate::ssrf::SsrfRule::ALL.iter().map(|r| r.id()))
            .chain(crate::expr::ExprRule::ALL.iter().map(|r| r.id()))
            .chain(crate::jndi::JndiRule::ALL.iter().map(|r| r.id()))
            .chain(crate::xxe::XxeRule::ALL.iter().map(|r| r.id()))
            .chain([INPUT_OVERFLOW_RULE_ID])
            .chain([crate::deser::NOT_ALLOWED_RULE_ID])
            .collect();
        emitted.sort_unstable();
        let mut listed = BUILTIN_RULE_IDS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, emitted);
    }

    #[test]
    fn names_round_trip() {
        for t in Target::ALL {
            assert_eq!(Target::from_name(t.name()), Some(t));
            assert_eq!(Target::ALL[t.index()], t);
        }
        for k in SinkKind::ALL {
            assert_eq!(SinkKind::from_name(k.name()), Some(k));
            assert_eq!(SinkKind::ALL[k.index()], k);
        }
        for c in [
            BackendChoice::Auto,
            BackendChoice::Hyperscan,
            BackendChoice::Portable,
        ] {
            assert_eq!(BackendChoice::from_name(c.name()), Some(c));
        }
        assert_eq!(
            BackendChoice::from_name(" Portable "),
            Some(BackendChoice::Portable)
        );
        assert_eq!(BackendChoice::from_name("dfa"), None);
    }

    #[test]
    fn flags_parse_and_print() {
        assert_eq!(
            PatternFlags::parse("mi").map(PatternFlags::letters),
            Ok("im".into())
        );
        assert_eq!(PatternFlags::parse("ix"), Err('x'));
        assert_eq!(
            PatternFlags::parse("").map(PatternFlags::letters),
            Ok(String::new())
        );
    }

    #[test]
    fn diagnostic_display_leaves_out_unknown_parts() {
        let d = Diagnostic {
            file: PathBuf::from("rules/sql.toml"),
            line: Some(12),
            rule: Some("sql.policy.x".into()),
            message: "`message` is empty".into(),
        };
        assert_eq!(
            d.to_string(),
            "rules/sql.toml:12: rule sql.policy.x: `message` is empty"
        );
        let d = Diagnostic {
            file: PathBuf::from("rules"),
            line: None,
            rule: None,
            message: "m".into(),
        };
        assert_eq!(d.to_string(), "rules: m");
    }

    #[test]
    fn example_argv_and_parameters() {
        let e = Example {
            sink: ExampleSink::Text("sh  -c 'id'".into()),
            inputs: vec!["a".into(), "b".into()],
            numbered_inputs: true,
            dialect: None,
            op: None,
            line: 1,
        };
        assert_eq!(e.argv(), vec!["sh", "-c", "'id'"]);
        assert_eq!(
            e.query_parameters(),
            vec![("q1".to_string(), "a"), ("q2".to_string(), "b")]
        );
    }
}
