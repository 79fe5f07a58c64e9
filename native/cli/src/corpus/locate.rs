//! Finding the corpora directory and checking its layout before any work starts.
//!
//! The corpora are public data kept outside the repository (`../shared/corpora` next to its
//! root); they are read in place and never copied. The directory is, in order: `--corpora`,
//! `$RASP_CORPORA`, then `../shared/corpora` relative to the repository root, which is known
//! at compile time (`CARGO_MANIFEST_DIR`) or found from the current directory.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The environment variable that names the corpora directory.
pub const ENV: &str = "RASP_CORPORA";

/// The files and folders `rasp corpus sqli` reads, relative to the corpora directory.
pub struct Layout {
    pub root: PathBuf,
    /// `libinjection/sqli-*.txt`, sorted by name.
    pub libinjection_attacks: Vec<PathBuf>,
    pub libinjection_benign: PathBuf,
    /// `payloadsallthethings/sqli/*`, sorted by name.
    pub payloads_all_the_things: Vec<PathBuf>,
    pub blns: PathBuf,
}

/// Resolves the corpora directory from the flag, the environment or the repository root.
pub fn corpora_dir(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return existing(dir, "--corpora");
    }
    if let Some(dir) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        return existing(Path::new(&dir), ENV);
    }
    let candidates = default_candidates();
    if let Some(found) = candidates.iter().find(|c| c.is_dir()) {
        // `a/native/cli/../../../shared` reads better as `shared`.
        return Ok(std::fs::canonicalize(found).unwrap_or_else(|_| found.clone()));
    }
    let tried: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
    bail!(
        "cannot find the corpora directory (tried {}); pass --corpora DIR or set {ENV}",
        if tried.is_empty() {
            "nothing: no repository root found".to_string()
        } else {
            tried.join(", ")
        }
    )
}

fn existing(dir: &Path, from: &str) -> Result<PathBuf> {
    if dir.is_dir() {
        Ok(dir.to_path_buf())
    } else {
        bail!(
            "the corpora directory '{}' (from {from}) does not exist or is not a directory",
            dir.display()
        )
    }
}

/// `../shared/corpora` next to the compile-time repository root, then next to the repository
/// root found above the current directory.
fn default_candidates() -> Vec<PathBuf> {
    let compiled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut roots = vec![compiled];
    if let Ok(cwd) = std::env::current_dir() {
        if let Some(root) = cwd.ancestors().find(|a| is_repository_root(a)) {
            roots.push(root.to_path_buf());
        }
    }
    roots
        .into_iter()
        .map(|r| r.join("../shared/corpora"))
        .collect()
}

fn is_repository_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("native/engine").is_dir()
}

impl Layout {
    /// Checks that every file and folder the evaluation reads is there, naming the first
    /// missing one.
    pub fn open(root: &Path) -> Result<Layout> {
        let libinjection = root.join("libinjection");
        let libinjection_attacks = list(&libinjection, |name| {
            name.starts_with("sqli-") && name.ends_with(".txt")
        })?;
        if libinjection_attacks.is_empty() {
            bail!("no libinjection/sqli-*.txt files in '{}'", root.display());
        }
        let patt = root.join("payloadsallthethings/sqli");
        let payloads_all_the_things = list(&patt, |_| true)?;
        if payloads_all_the_things.is_empty() {
            bail!("no files in '{}'", patt.display());
        }
        let libinjection_benign = file(libinjection.join("false_positives.txt"))?;
        let blns = file(root.join("blns/blns.txt"))?;
        Ok(Layout {
            root: root.to_path_buf(),
            libinjection_attacks,
            libinjection_benign,
            payloads_all_the_things,
            blns,
        })
    }
}

/// The files `rasp corpus cmd` and `rasp corpus path` read: one PayloadsAllTheThings folder
/// (`cmdi` or `path`) and the Big List of Naughty Strings.
pub struct SinkLayout {
    pub root: PathBuf,
    /// `payloadsallthethings/<folder>/*`, sorted by name.
    pub attacks: Vec<PathBuf>,
    pub blns: PathBuf,
}

impl SinkLayout {
    /// Checks that `payloadsallthethings/<folder>` has files and that `blns/blns.txt` is there.
    pub fn open(root: &Path, folder: &str) -> Result<SinkLayout> {
        let dir = root.join("payloadsallthethings").join(folder);
        let attacks = list(&dir, |_| true)?;
        if attacks.is_empty() {
            bail!("no files in '{}'", dir.display());
        }
        let blns = file(root.join("blns/blns.txt"))?;
        Ok(SinkLayout {
            root: root.to_path_buf(),
            attacks,
            blns,
        })
    }
}

fn file(path: PathBuf) -> Result<PathBuf> {
    if path.is_file() {
        Ok(path)
    } else {
        bail!("missing corpus file '{}'", path.display())
    }
}

/// The regular files in `dir` whose names pass `keep`, sorted for a stable report.
fn list(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list corpus folder '{}'", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list '{}'", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_file() && !name.starts_with('.') && keep(&name) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
