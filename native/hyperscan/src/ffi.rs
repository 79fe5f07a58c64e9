//! The Hyperscan C API this crate calls (`hs.h`, 5.4), declared by hand: twelve functions (plus libc's `free`) and
//! three structs are less to audit than a generated binding.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_uint, c_ulonglong, c_void};

pub type hs_error_t = c_int;

pub const HS_SUCCESS: hs_error_t = 0;
pub const HS_MODE_BLOCK: c_uint = 1;

#[repr(C)]
pub struct hs_database_t {
    _opaque: [u8; 0],
}

#[repr(C)]
pub struct hs_scratch_t {
    _opaque: [u8; 0],
}

#[repr(C)]
pub struct hs_compile_error_t {
    pub message: *mut c_char,
    pub expression: c_int,
}

/// `tune = 0` (HS_TUNE_FAMILY_GENERIC) and `cpu_features = 0`: the generic x86-64 target.
#[repr(C)]
pub struct hs_platform_info_t {
    pub tune: c_uint,
    pub cpu_features: c_ulonglong,
    pub reserved1: c_ulonglong,
    pub reserved2: c_ulonglong,
}

pub type match_event_handler = Option<
    unsafe extern "C" fn(
        id: c_uint,
        from: c_ulonglong,
        to: c_ulonglong,
        flags: c_uint,
        context: *mut c_void,
    ) -> c_int,
>;

extern "C" {
    pub fn hs_version() -> *const c_char;
    pub fn hs_valid_platform() -> hs_error_t;
    pub fn hs_compile_multi(
        expressions: *const *const c_char,
        flags: *const c_uint,
        ids: *const c_uint,
        elements: c_uint,
        mode: c_uint,
        platform: *const hs_platform_info_t,
        db: *mut *mut hs_database_t,
        error: *mut *mut hs_compile_error_t,
    ) -> hs_error_t;
    pub fn hs_free_compile_error(error: *mut hs_compile_error_t) -> hs_error_t;
    pub fn hs_free_database(db: *mut hs_database_t) -> hs_error_t;
    pub fn hs_serialize_database(
        db: *const hs_database_t,
        bytes: *mut *mut c_char,
        length: *mut usize,
    ) -> hs_error_t;
    pub fn hs_deserialize_database(
        bytes: *const c_char,
        length: usize,
        db: *mut *mut hs_database_t,
    ) -> hs_error_t;
    pub fn hs_database_size(db: *const hs_database_t, size: *mut usize) -> hs_error_t;
    pub fn hs_alloc_scratch(
        db: *const hs_database_t,
        scratch: *mut *mut hs_scratch_t,
    ) -> hs_error_t;
    pub fn hs_clone_scratch(src: *const hs_scratch_t, dest: *mut *mut hs_scratch_t) -> hs_error_t;
    pub fn hs_free_scratch(scratch: *mut hs_scratch_t) -> hs_error_t;
    pub fn hs_scan(
        db: *const hs_database_t,
        data: *const c_char,
        length: c_uint,
        flags: c_uint,
        scratch: *mut hs_scratch_t,
        on_event: match_event_handler,
        context: *mut c_void,
    ) -> hs_error_t;

    /// Hyperscan's default allocator is `malloc`; `hs_serialize_database` returns memory from it.
    pub fn free(ptr: *mut c_void);
}
