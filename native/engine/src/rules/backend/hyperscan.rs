//! The Hyperscan backend, over the `rasp-hyperscan` binding.
//!
//! Databases are compiled for Hyperscan's generic x86-64 platform (so a file built on one host
//! loads on every x86-64 CPU with SSSE3) in block mode, each pattern with its flags plus
//! `SINGLEMATCH`: the engine asks which patterns match, never where or how often. Scratch
//! space is per thread inside [`rasp_hyperscan::Scanner`], so scans take no lock.

use rasp_hyperscan::{CompileError, Database, Expression, Flags, Scanner};

use super::{Backend, ScanError};
use crate::rules::{BackendKind, PatternFlags};

/// What the compiled file records as the Hyperscan platform ([`rasp_hyperscan::compile_generic`]).
pub const PLATFORM: &str = "generic x86-64 (tune=0, cpu_features=0)";

/// The Hyperscan flags of a pattern.
pub fn flags(f: PatternFlags) -> Flags {
    let mut flags = Flags::SINGLEMATCH;
    if f.caseless {
        flags = flags | Flags::CASELESS;
    }
    if f.dotall {
        flags = flags | Flags::DOTALL;
    }
    if f.multiline {
        flags = flags | Flags::MULTILINE;
    }
    flags
}

/// Compiles `patterns` (pattern id = position) into a serialized database.
pub fn compile(patterns: &[(&str, PatternFlags)]) -> Result<Vec<u8>, CompileError> {
    let exprs: Vec<Expression<'_>> = patterns
        .iter()
        .enumerate()
        .map(|(id, (pattern, f))| Expression {
            pattern,
            flags: flags(*f),
            id: id as u32,
        })
        .collect();
    let db = rasp_hyperscan::compile_generic(&exprs)?;
    db.serialize().map_err(|e| CompileError {
        message: format!("cannot serialize the database: {e}"),
        expression: None,
    })
}

/// Hyperscan's verdict on one pattern alone, to attribute a rejection to its rule.
pub fn check_pattern(pattern: &str, f: PatternFlags) -> Result<(), String> {
    compile(&[(pattern, f)]).map(drop).map_err(|e| e.message)
}

/// Whether this process can scan with Hyperscan at all; `Err` says why not.
pub fn available() -> Result<(), String> {
    if !rasp_hyperscan::is_linked() {
        return Err("Hyperscan is not built into this library".to_string());
    }
    if !rasp_hyperscan::platform_supported() {
        return Err("this CPU cannot run Hyperscan (it needs SSSE3)".to_string());
    }
    Ok(())
}

/// A loaded database with its per-thread scratch.
pub struct HyperscanDb {
    scanner: Scanner,
}

impl HyperscanDb {
    /// Loads a database [`compile`] serialized.
    pub fn from_bytes(bytes: &[u8]) -> Result<HyperscanDb, rasp_hyperscan::Error> {
        let db = Database::deserialize(bytes)?;
        Ok(HyperscanDb {
            scanner: Scanner::new(db)?,
        })
    }
}

impl std::fmt::Debug for HyperscanDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HyperscanDb")
    }
}

impl Backend for HyperscanDb {
    fn kind(&self) -> BackendKind {
        BackendKind::Hyperscan
    }

    fn scan(&self, haystack: &[u8], hit: &mut dyn FnMut(u32)) -> Result<(), ScanError> {
        self.scanner
            .scan(haystack, &mut |id, _to| hit(id))
            .map_err(|e| ScanError(format!("Hyperscan scan failed: {e}")))
    }
}
