//! Compiled databases: compile for the generic platform, serialize, deserialize.

use std::ffi::{c_char, c_uint, CStr, CString};
use std::ptr::{self, NonNull};

use crate::error::{CompileError, Error};
use crate::ffi;
use crate::Expression;

/// Hyperscan's version string, e.g. `5.4.0 2023-01-25`.
pub fn version() -> &'static str {
    // SAFETY: hs_version returns a pointer to a static NUL-terminated string that lives as long
    // as the library (for the whole process, as it is linked statically).
    let raw = unsafe { CStr::from_ptr(ffi::hs_version()) };
    raw.to_str().unwrap_or("unknown")
}

/// Whether this CPU can run Hyperscan (it needs SSSE3).
pub fn platform_supported() -> bool {
    // SAFETY: hs_valid_platform takes no arguments and only inspects CPUID.
    unsafe { ffi::hs_valid_platform() == ffi::HS_SUCCESS }
}

/// A compiled block-mode database. Immutable once built, so any number of threads may scan
/// with it at once (each with its own scratch).
pub struct Database {
    raw: NonNull<ffi::hs_database_t>,
}

// SAFETY: a Hyperscan database is read-only after compilation or deserialization; Hyperscan
// documents concurrent scans of one database from many threads (with distinct scratch spaces).
unsafe impl Send for Database {}
// SAFETY: as above; no method mutates the database through `&self`.
unsafe impl Sync for Database {}

impl Drop for Database {
    fn drop(&mut self) {
        // SAFETY: `raw` came from hs_compile_multi or hs_deserialize_database, is owned by this
        // value alone and is freed exactly once here.
        unsafe {
            ffi::hs_free_database(self.raw.as_ptr());
        }
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("size", &self.size().ok())
            .finish()
    }
}

/// Compiles `exprs` into one block-mode database for a generic x86-64 CPU.
pub fn compile_generic(exprs: &[Expression<'_>]) -> Result<Database, CompileError> {
    let fail = |message: String, expression: Option<usize>| CompileError {
        message,
        expression,
    };
    let patterns = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| {
            CString::new(e.pattern).map_err(|_| {
                fail(
                    "the pattern contains a NUL byte; write it as \\x00".into(),
                    Some(i),
                )
            })
        })
        .collect::<Result<Vec<CString>, CompileError>>()?;
    let pointers: Vec<*const c_char> = patterns.iter().map(|p| p.as_ptr()).collect();
    let flags: Vec<c_uint> = exprs.iter().map(|e| e.flags.bits()).collect();
    let ids: Vec<c_uint> = exprs.iter().map(|e| e.id).collect();
    let count = c_uint::try_from(exprs.len()).map_err(|_| {
        fail(
            format!("{} patterns are too many for one database", exprs.len()),
            None,
        )
    })?;
    let platform = ffi::hs_platform_info_t {
        tune: 0,
        cpu_features: 0,
        reserved1: 0,
        reserved2: 0,
    };
    let mut db: *mut ffi::hs_database_t = ptr::null_mut();
    let mut error: *mut ffi::hs_compile_error_t = ptr::null_mut();
    // SAFETY: the three arrays have `count` elements and outlive the call; every pattern is a
    // NUL-terminated string owned by `patterns`; `platform` is a valid struct; `db` and `error`
    // are valid out-pointers.
    let status = unsafe {
        ffi::hs_compile_multi(
            pointers.as_ptr(),
            flags.as_ptr(),
            ids.as_ptr(),
            count,
            ffi::HS_MODE_BLOCK,
            &platform,
            &mut db,
            &mut error,
        )
    };
    if status == ffi::HS_SUCCESS {
        return NonNull::new(db)
            .map(|raw| Database { raw })
            .ok_or_else(|| fail("Hyperscan returned no database".into(), None));
    }
    if error.is_null() {
        return Err(fail(
            Error::status("hs_compile_multi", status).to_string(),
            None,
        ));
    }
    // SAFETY: on failure hs_compile_multi sets `error` to a valid hs_compile_error_t whose
    // message is a NUL-terminated string; we copy both out and free the struct exactly once.
    let (message, expression) = unsafe {
        let e = &*error;
        let message = if e.message.is_null() {
            "unknown compile error".to_string()
        } else {
            CStr::from_ptr(e.message).to_string_lossy().into_owned()
        };
        let expression = usize::try_from(e.expression).ok();
        ffi::hs_free_compile_error(error);
        (message, expression)
    };
    Err(fail(message, expression))
}

impl Database {
    /// The database as bytes, for the compiled rule file.
    pub fn serialize(&self) -> Result<Vec<u8>, Error> {
        let mut bytes: *mut c_char = ptr::null_mut();
        let mut len = 0usize;
        // SAFETY: `raw` is a live database; `bytes` and `len` are valid out-pointers.
        let status = unsafe { ffi::hs_serialize_database(self.raw.as_ptr(), &mut bytes, &mut len) };
        if status != ffi::HS_SUCCESS || bytes.is_null() {
            return Err(Error::status("hs_serialize_database", status));
        }
        // SAFETY: on success `bytes` points to `len` initialised bytes allocated with the
        // default allocator (malloc); we copy them out and hand the block back to free().
        let out = unsafe {
            let out = std::slice::from_raw_parts(bytes.cast::<u8>(), len).to_vec();
            ffi::free(bytes.cast());
            out
        };
        Ok(out)
    }

    /// Rebuilds a database from [`Database::serialize`]'s bytes. Hyperscan checks its own
    /// version and the platform; the caller checks integrity (the rule file has a checksum).
    pub fn deserialize(bytes: &[u8]) -> Result<Database, Error> {
        let mut db: *mut ffi::hs_database_t = ptr::null_mut();
        // SAFETY: `bytes` is a valid slice for its length; `db` is a valid out-pointer.
        let status =
            unsafe { ffi::hs_deserialize_database(bytes.as_ptr().cast(), bytes.len(), &mut db) };
        if status != ffi::HS_SUCCESS {
            return Err(Error::status("hs_deserialize_database", status));
        }
        NonNull::new(db)
            .map(|raw| Database { raw })
            .ok_or(Error::status("hs_deserialize_database", status))
    }

    /// The database's size in bytes.
    pub fn size(&self) -> Result<usize, Error> {
        let mut size = 0usize;
        // SAFETY: `raw` is a live database; `size` is a valid out-pointer.
        let status = unsafe { ffi::hs_database_size(self.raw.as_ptr(), &mut size) };
        if status != ffi::HS_SUCCESS {
            return Err(Error::status("hs_database_size", status));
        }
        Ok(size)
    }

    pub(crate) fn as_ptr(&self) -> *const ffi::hs_database_t {
        self.raw.as_ptr()
    }
}
