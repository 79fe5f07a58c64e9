//! `rasp-hyperscan`: the smallest safe binding to Hyperscan that the rule engine needs.
//!
//! The rule engine compiles its rule patterns offline into Hyperscan databases and scans sink
//! strings and request inputs with them on the request path. It needs five things, and this
//! crate offers exactly those:
//!
//! * [`compile_generic`]: a block-mode database for a *generic* x86-64 platform (no tuning, no
//!   CPU features beyond Hyperscan's SSSE3 baseline), so a rule file compiled on a build host
//!   with AVX-512 still loads on any x86-64 CPU the agent meets;
//! * [`Database::serialize`] / [`Database::deserialize`] for the compiled rule file;
//! * [`Scanner`]: a database plus a *prototype* scratch space. Each thread clones its own scratch
//!   from the prototype on its first scan (`hs_clone_scratch`, a copy) and keeps it in a
//!   thread-local, so no scan ever allocates scratch from scratch (`hs_alloc_scratch` sizes it
//!   from the database, which is the expensive part) and no scan waits on a lock;
//! * [`version`], [`platform_supported`] and [`is_linked`] to choose a backend at load.
//!
//! Hyperscan is linked statically (see `build.rs`). Where it is not linked (non-x86-64 targets,
//! or `RASP_HYPERSCAN=off`), every operation returns [`Error::NotLinked`] and the engine uses its
//! portable backend.
//!
//! All `unsafe` code of the rule engine lives in [`ffi`] declarations and the two modules that
//! call them ([`database`], [`scanner`]); each block says why it is sound.

// The docs explain the design to its maintainers and link private items: read them with
// `cargo doc --document-private-items` (scripts/test builds them so, warnings denied).
#![allow(rustdoc::private_intra_doc_links)]

mod error;
pub use error::{CompileError, Error};

#[cfg(hs_linked)]
mod database;
#[cfg(hs_linked)]
mod ffi;
#[cfg(hs_linked)]
mod scanner;
#[cfg(hs_linked)]
pub use database::{compile_generic, platform_supported, version, Database};
#[cfg(hs_linked)]
pub use scanner::Scanner;

#[cfg(not(hs_linked))]
mod unlinked;
#[cfg(not(hs_linked))]
pub use unlinked::{compile_generic, platform_supported, version, Database, Scanner};

mod flags;
pub use flags::Flags;

/// One pattern to compile: the expression as written, its flags and the id scans report.
#[derive(Clone, Copy, Debug)]
pub struct Expression<'a> {
    pub pattern: &'a str,
    pub flags: Flags,
    pub id: u32,
}

/// Whether this build has Hyperscan linked in.
pub const fn is_linked() -> bool {
    cfg!(hs_linked)
}
