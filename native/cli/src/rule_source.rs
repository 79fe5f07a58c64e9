//! Finding and reading rules: a rules directory (compiled in memory, as `rasp rules compile`
//! would) or a compiled rule file (read and verified, as the agent would); and the engine
//! `rasp explain` explains with.
//!
//! `rasp explain` uses the repository's own `rules/` directory when it is not told otherwise,
//! so that what it shows is what the shipped agent decides. The directory is, in order:
//! `--rules`, `$RASP_RULES`, then `rules/` at the repository root, which is known at compile
//! time (`CARGO_MANIFEST_DIR`) or found above the current directory; with none of them (an
//! installed binary far from any checkout) it explains with the built-in detectors only.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use rasp_engine::rules::file::RuleFile;
use rasp_engine::rules::{compile_dir, BackendChoice, Diagnostic, RuleSet};
use rasp_engine::{Engine, EngineConfig};
use serde::Serialize;

use crate::args::EngineArgs;

/// The rules were rejected: every line says what is wrong (`file:line: rule id: message`).
/// `main` prints the lines to standard error and exits with status 1.
#[derive(Debug)]
pub struct Rejected {
    pub lines: Vec<String>,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines.join("\n"))
    }
}

impl std::error::Error for Rejected {}

impl Rejected {
    /// The diagnostics of a rules directory, one per line.
    pub fn diagnostics(diags: &[Diagnostic]) -> Rejected {
        Rejected {
            lines: diags.iter().map(Diagnostic::to_string).collect(),
        }
    }
}

/// The environment variable that names the rules `rasp explain` uses by default.
pub const ENV: &str = "RASP_RULES";

/// Rules named on the command line.
#[derive(Clone, Debug)]
pub enum Source {
    /// A rules directory: `ruleset.toml` and the rule files.
    Dir(PathBuf),
    /// A compiled rule file.
    File(PathBuf),
}

impl Source {
    /// What `path` is; it must exist.
    pub fn of(path: &Path) -> Result<Source> {
        let meta = std::fs::metadata(path).with_context(|| {
            format!(
                "cannot read the rules '{}' (give a rules directory or a compiled rule file)",
                path.display()
            )
        })?;
        Ok(if meta.is_dir() {
            Source::Dir(path.to_path_buf())
        } else {
            Source::File(path.to_path_buf())
        })
    }

    pub fn path(&self) -> &Path {
        match self {
            Source::Dir(p) | Source::File(p) => p,
        }
    }

    /// "directory" or "file", for summaries.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Dir(_) => "directory",
            Source::File(_) => "file",
        }
    }
}

/// The bytes of the compiled rules: a directory is compiled in memory (its problems are
/// [`Rejected`]), a file is read.
pub fn compiled_bytes(source: &Source) -> Result<Vec<u8>> {
    match source {
        Source::Dir(dir) => compile_dir(dir)
            .map(|compiled| compiled.bytes)
            .map_err(|diags| Rejected::diagnostics(&diags).into()),
        Source::File(file) => read_rule_file(file, MAX_RULE_FILE_BYTES),
    }
}

/// The largest compiled rule file read: the agent's default `rasp.rules.max_file_bytes`
/// (about 13 times the built-in set). A larger file is no rule file `rasp rules compile` made for
/// the agent, and reading it whole could exhaust memory.
pub const MAX_RULE_FILE_BYTES: u64 = 64 << 20;

/// The whole file, refused from its size (unread) when it is larger than `limit`; never read
/// past `limit` even if it grows meanwhile.
fn read_rule_file(file: &Path, limit: u64) -> Result<Vec<u8>> {
    let context = || format!("cannot read the rule file '{}'", file.display());
    let handle = std::fs::File::open(file).with_context(context)?;
    let size = handle.metadata().with_context(context)?.len();
    let too_large = |size: u64| -> anyhow::Error {
        Rejected {
            lines: vec![format!(
                "{}: the file is {size} bytes, more than a rule file may have ({limit} bytes, \
                 the agent's default rasp.rules.max_file_bytes); not read",
                file.display()
            )],
        }
        .into()
    };
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    std::io::Read::read_to_end(&mut std::io::Read::take(handle, limit + 1), &mut bytes)
        .with_context(context)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(too_large(read));
    }
    Ok(bytes)
}

/// Loads compiled rules with `choice`; a file that does not load is [`Rejected`] with the
/// loader's reason, prefixed by the path.
pub fn load(source: &Source, bytes: &[u8], choice: BackendChoice) -> Result<RuleSet> {
    let rejected = |why: String| -> anyhow::Error {
        Rejected {
            lines: vec![format!("{}: {why}", source.path().display())],
        }
        .into()
    };
    // The engine takes a file cut after its Hyperscan part (the agent reads its built-in set so);
    // a file on disk is meant whole, and such a file would fail on a host with the portable backend.
    if let Ok(file) = RuleFile::parse(bytes) {
        if file.is_partial() {
            let part = file.header.hyperscan_part.as_ref().map_or(0, |p| p.len);
            return Err(rejected(format!(
                "the file ends after its Hyperscan part ({part} bytes of body): its dfa sections, \
                 which the portable backend scans with, are missing; copy the whole file, or \
                 compile the rules again"
            )));
        }
    }
    RuleSet::load(bytes, choice).map_err(|err| rejected(err.to_string()))
}

/// The rules `rasp explain` uses when `--rules` is not given, if any.
pub fn default_rules() -> Result<Option<PathBuf>> {
    if let Some(dir) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        if !dir.exists() {
            bail!("the rules '{}' (from {ENV}) do not exist", dir.display());
        }
        return Ok(Some(dir));
    }
    let compiled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut roots = vec![compiled];
    if let Ok(cwd) = std::env::current_dir() {
        if let Some(root) = cwd.ancestors().find(|a| is_repository_root(a)) {
            roots.push(root.to_path_buf());
        }
    }
    Ok(roots
        .into_iter()
        .filter(|r| is_repository_root(r))
        .map(|r| r.join("rules"))
        .find(|d| d.join("ruleset.toml").is_file())
        .map(|d| std::fs::canonicalize(&d).unwrap_or(d)))
}

fn is_repository_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("native/engine").is_dir()
}

/// The engine `rasp explain` explains with, and what it was built from.
pub struct ExplainEngine {
    pub engine: Engine,
    pub setup: EngineSetup,
}

/// The rule set and configuration behind an explanation, for its header.
#[derive(Clone, Debug, Serialize)]
pub struct EngineSetup {
    /// The rule set's id (`name@version+checksum`), `none` without rules.
    pub rule_set: String,
    /// Where the rules came from: the directory or file, `None` without rules.
    pub rules_from: Option<String>,
    pub rules: usize,
    /// The backend the rules scan with (`hyperscan` or `portable`), `None` without rules.
    pub backend: Option<&'static str>,
    /// The configuration lines given with `--config`.
    pub config: Vec<String>,
    /// The request's route.
    pub route: String,
}

impl ExplainEngine {
    /// The built-in detectors under the default configuration, without rules.
    #[cfg(test)]
    pub fn builtin_only() -> ExplainEngine {
        ExplainEngine {
            engine: Engine::new(EngineConfig::default()),
            setup: EngineSetup {
                rule_set: RuleSet::empty().id().to_string(),
                rules_from: None,
                rules: 0,
                backend: None,
                config: Vec::new(),
                route: "/".to_string(),
            },
        }
    }
}

/// Builds the engine for `rasp explain` from `--rules`/`--no-rules`, `--config` and the
/// default rules.
pub fn explain_engine(args: &EngineArgs) -> Result<ExplainEngine> {
    let config = EngineConfig::parse(&args.config.join("\n"))
        .context("bad --config (the engine's key=value lines, docs/rules.md §5)")?;
    let path = match (&args.rules, args.no_rules) {
        (_, true) => None,
        (Some(path), false) => Some(path.clone()),
        (None, false) => default_rules()?,
    };
    let (set, rules_from) = match path {
        None => (RuleSet::empty(), None),
        Some(path) => {
            let source = Source::of(&path)?;
            let bytes = compiled_bytes(&source)?;
            let set = load(&source, &bytes, config.rules_backend)?;
            (set, Some(path.display().to_string()))
        }
    };
    let backend = rules_from.as_ref().map(|_| set.backend().name());
    let setup = EngineSetup {
        rule_set: set.id().to_string(),
        rules_from,
        rules: set.rules().len(),
        backend,
        config: args.config.clone(),
        route: args.route.clone(),
    };
    let engine =
        Engine::with_rules(config, Arc::new(set)).context("bad --config for these rules")?;
    Ok(ExplainEngine { engine, setup })
}
