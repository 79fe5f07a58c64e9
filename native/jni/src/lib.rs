//! `rasp-jni`: the native library the Java agent loads.
//!
//! A thin layer over `rasp-engine`: it owns the process-wide runtime ([`runtime`]), maps request
//! contexts to generation-checked handles ([`handles`]), hands events to their destinations
//! ([`events`]), and exposes one JNI call per operation ([`natives`]); besides, the native first
//! look at every class the JVM loads ([`class_hook`]) and the JVM's record of loaded classes the
//! Java pre-filter asks for ([`loaded_classes`]).
//!
//! The rules at this boundary:
//! * natives are registered in `JNI_OnLoad` with `RegisterNatives`, so no `Java_...` symbol
//!   names tie the library to a class's package;
//! * strings arrive as UTF-8 byte arrays made in Java, never as Modified UTF-8;
//! * every entry point runs inside `catch_unwind`, clears any pending Java exception it caused,
//!   and returns an error value instead: no panic and no exception of ours reaches the JVM.

// The docs explain the design to its maintainers and link private items: read them with
// `cargo doc --document-private-items` (scripts/test builds them so, warnings denied).
#![allow(rustdoc::private_intra_doc_links)]

pub mod class_hook;
mod contain;
pub mod events;
pub mod handles;
pub mod loaded_classes;
pub mod natives;
pub mod pages;
pub mod runtime;
pub mod sync;

use std::ffi::c_void;

use jni::sys::{jint, JNI_ERR, JNI_VERSION_1_8};
use jni::JavaVM;

/// The class whose natives this library implements.
pub const NATIVE_CLASS: &str = "dev/rasp/core/engine/NativeEngine";

/// Registers the natives on [`NATIVE_CLASS`], found through the class loader that loaded us.
///
/// # Safety
/// Called only by the JVM, with a valid `JavaVM` pointer, when the library is loaded.
#[no_mangle]
pub unsafe extern "system" fn JNI_OnLoad(
    vm: *mut jni::sys::JavaVM,
    _reserved: *mut c_void,
) -> jint {
    let registered = std::panic::catch_unwind(|| {
        // SAFETY: the JVM calls JNI_OnLoad with a valid JavaVM pointer that outlives the library.
        let vm = unsafe { JavaVM::from_raw(vm) }.ok()?;
        let mut env = vm.get_env().ok()?;
        let class = match env.find_class(NATIVE_CLASS) {
            Ok(c) => c,
            Err(_) => {
                let _ = env.exception_clear();
                return None;
            }
        };
        if env
            .register_native_methods(&class, &natives::methods())
            .is_err()
        {
            let _ = env.exception_clear();
            return None;
        }
        // Optional: an older agent without these methods still gets SQL protection.
        if env
            .register_native_methods(&class, &natives::sink_methods())
            .is_err()
        {
            let _ = env.exception_clear();
        }
        // Optional: without it the agent keeps its Java transformer for every class.
        if env
            .register_native_methods(&class, &class_hook::methods())
            .is_err()
        {
            let _ = env.exception_clear();
        }
        // Optional: without it the pre-filter reads every super type from its class file.
        if env
            .register_native_methods(&class, &loaded_classes::methods())
            .is_err()
        {
            let _ = env.exception_clear();
        }
        // Optional as well: without it, queued events are not flushed at shutdown.
        if env
            .register_native_methods(&class, &natives::lifecycle_methods())
            .is_err()
        {
            let _ = env.exception_clear();
        }
        Some(())
    });
    match registered {
        Ok(Some(())) => JNI_VERSION_1_8,
        _ => JNI_ERR,
    }
}
