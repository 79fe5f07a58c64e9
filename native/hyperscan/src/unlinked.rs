//! The API without Hyperscan: every operation reports [`Error::NotLinked`], so the engine
//! chooses its portable backend.

use crate::error::{CompileError, Error};
use crate::Expression;

pub fn version() -> &'static str {
    "not linked"
}

pub fn platform_supported() -> bool {
    false
}

#[derive(Debug)]
pub struct Database {
    _private: (),
}

pub fn compile_generic(_exprs: &[Expression<'_>]) -> Result<Database, CompileError> {
    Err(CompileError {
        message: Error::NotLinked.to_string(),
        expression: None,
    })
}

impl Database {
    pub fn serialize(&self) -> Result<Vec<u8>, Error> {
        Err(Error::NotLinked)
    }

    pub fn deserialize(_bytes: &[u8]) -> Result<Database, Error> {
        Err(Error::NotLinked)
    }

    pub fn size(&self) -> Result<usize, Error> {
        Err(Error::NotLinked)
    }
}

#[derive(Debug)]
pub struct Scanner {
    _private: (),
}

impl Scanner {
    pub fn new(_db: Database) -> Result<Scanner, Error> {
        Err(Error::NotLinked)
    }

    pub fn database(&self) -> &Database {
        const NONE: Database = Database { _private: () };
        &NONE
    }

    pub fn scan(&self, _data: &[u8], _on_match: &mut dyn FnMut(u32, u64)) -> Result<(), Error> {
        Err(Error::NotLinked)
    }
}
