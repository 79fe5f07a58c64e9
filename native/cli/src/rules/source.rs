//! Finding and reading rules: a rules directory (compiled in memory, as `rasp rules compile`
//! would) or a compiled rule file (read and verified, as the agent would); and the engine
//! `rasp explain` explains with.
//!
//! `rasp explain` uses the repository's own `rules/` directory when it is not told otherwise,
//! so that what it shows is what the shipped agent decides. The directory is, in order:
//! `--rules`, `$RASP_RULES`, then `rules/` at the repository root, which is known at compile
//! time (`CARGO_MANIFEST_DIR`) or found above the current directory; with none of them (an
//! installed binary far from any checkout) it explains with the built-in detectors only.
//!
//! Compiling a directory builds every DFA, which takes seconds (tens of seconds in a debug
//! build), too long to pay on every `rasp explain`. So explain keeps the compiled file of each
//! rules directory in a cache under the system temp directory, keyed by the directory's rule
//! files and by this `rasp` binary (a rebuilt binary recompiles): one file per directory,
//! replaced when the rules change. `rasp rules compile|test` never use the cache.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use rasp_engine::rules::{compile_dir, BackendChoice, RuleSet};
use rasp_engine::{Engine, EngineConfig};
use serde::Serialize;

use super::Rejected;
use crate::args::EngineArgs;

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
        Source::File(file) => std::fs::read(file)
            .with_context(|| format!("cannot read the rule file '{}'", file.display())),
    }
}

/// Like [`compiled_bytes`], but a directory's compiled file comes from the explain cache when
/// its rule files and this binary are unchanged, and goes into it otherwise.
pub fn cached_bytes(source: &Source, choice: BackendChoice) -> Result<Vec<u8>> {
    let Source::Dir(dir) = source else {
        return compiled_bytes(source);
    };
    let Some((cache_dir, prefix, key)) = cache_key(dir) else {
        return compiled_bytes(source);
    };
    let cached = cache_dir.join(format!("{prefix}-{key:016x}.rules"));
    if let Ok(bytes) = std::fs::read(&cached) {
        // A cached file that no longer loads (truncated, another format) is compiled anew.
        if RuleSet::load(&bytes, choice).is_ok() {
            return Ok(bytes);
        }
    }
    let bytes = compiled_bytes(source)?;
    // The cache is an optimisation: failing to keep the file must not fail the explanation.
    if std::fs::create_dir_all(&cache_dir).is_ok()
        && super::compile::write_atomically(&cached, &bytes).is_ok()
    {
        forget_older(&cache_dir, &prefix, &cached);
    }
    Ok(bytes)
}

/// The cache directory, the directory's file-name prefix (a hash of its path) and the key (a
/// hash of its `*.toml` files and of this binary). `None` when either cannot be read, which
/// turns the cache off.
fn cache_key(dir: &Path) -> Option<(PathBuf, String, u64)> {
    let dir = std::fs::canonicalize(dir).ok()?;
    let mut path_hash = DefaultHasher::new();
    dir.hash(&mut path_hash);
    let mut key = DefaultHasher::new();
    let exe = std::env::current_exe().ok()?;
    let exe_meta = std::fs::metadata(&exe).ok()?;
    (exe, exe_meta.len(), exe_meta.modified().ok()?).hash(&mut key);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for file in files {
        (file.file_name(), std::fs::read(&file).ok()?).hash(&mut key);
    }
    let cache_dir = std::env::temp_dir().join("rasp-explain-rules");
    Some((cache_dir, format!("{:016x}", path_hash.finish()), key.finish()))
}

/// Removes the directory's earlier cached files, keeping `keep`.
fn forget_older(cache_dir: &Path, prefix: &str, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(cache_dir) else {
        return;
    };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let ours = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".rules"));
        if ours && path != keep {
            // Best effort: another `rasp` may have removed it already.
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Loads compiled rules with `choice`; a file that does not load is [`Rejected`] with the
/// loader's reason, prefixed by the path.
pub fn load(source: &Source, bytes: &[u8], choice: BackendChoice) -> Result<RuleSet> {
    RuleSet::load(bytes, choice).map_err(|err| {
        Rejected {
            lines: vec![format!("{}: {err}", source.path().display())],
        }
        .into()
    })
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
            let bytes = cached_bytes(&source, config.rules_backend)?;
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
    let engine = Engine::with_rules(config, Arc::new(set))
        .context("bad --config for these rules")?;
    Ok(ExplainEngine { engine, setup })
}
