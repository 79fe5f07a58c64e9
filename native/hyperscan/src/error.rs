//! Errors: Hyperscan's status codes with their meaning, and compile errors with the pattern.

use std::fmt;

/// A failed Hyperscan call other than compilation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// This build has no Hyperscan (see the crate docs).
    NotLinked,
    /// A call returned a status other than success; `call` names it.
    Status { call: &'static str, code: i32 },
    /// The data is longer than one Hyperscan scan can take (4 GiB).
    TooLong(usize),
}

impl Error {
    pub(crate) fn status(call: &'static str, code: i32) -> Error {
        Error::Status { call, code }
    }
}

/// What Hyperscan's status codes mean (`hs_common.h`).
fn describe(code: i32) -> &'static str {
    match code {
        -1 => "invalid parameter",
        -2 => "out of memory",
        -3 => "scan terminated by the callback",
        -4 => "compiler error",
        -5 => "the database was built by a different Hyperscan version",
        -6 => "the database was built for a different platform",
        -7 => "the database was built for a different mode",
        -8 => "a parameter was not correctly aligned",
        -9 => "the memory allocator returned misaligned memory",
        -10 => "the scratch space is in use by another scan",
        -11 => "this CPU lacks SSSE3, which Hyperscan requires",
        -12 => "insufficient space",
        _ => "unknown error",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotLinked => f.write_str("Hyperscan is not built into this library"),
            Error::Status { call, code } => {
                write!(
                    f,
                    "{call} failed: {} (Hyperscan status {code})",
                    describe(*code)
                )
            }
            Error::TooLong(n) => write!(f, "{n} bytes is more than one Hyperscan scan can take"),
        }
    }
}

impl std::error::Error for Error {}

/// Hyperscan rejected a pattern set: its message and, when it names one, the index of the
/// offending expression in the slice given to [`crate::compile_generic`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
    pub expression: Option<usize>,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expression {
            Some(i) => write!(f, "expression {i}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CompileError {}
