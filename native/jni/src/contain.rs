//! Containment at the JNI boundary: no panic crosses into the JVM, and no Java exception a JNI
//! call raised is left pending when a native returns.
//!
//! Below every module that has entry points ([`natives`](crate::natives),
//! [`class_hook`](crate::class_hook), [`loaded_classes`](crate::loaded_classes)), which all
//! contain their work through [`contained`], and imports none of them.

use std::panic::{catch_unwind, AssertUnwindSafe};

use jni::JNIEnv;

/// Runs `f` inside `catch_unwind` and clears any Java exception left pending: `f`'s answer, or
/// `None` when it failed or panicked. Not counted here: the engine's operations count their
/// failures (`natives::guarded`); the natives whose failure is an answer the Java side falls back
/// on (the class hook's "cannot say", a loaded class not found) do not.
pub(crate) fn contained<'l, T>(
    env: &mut JNIEnv<'l>,
    f: impl FnOnce(&mut JNIEnv<'l>) -> Option<T>,
) -> Option<T> {
    let result = catch_unwind(AssertUnwindSafe(|| f(&mut *env)));
    if env.exception_check().unwrap_or(false) {
        let _ = env.exception_clear();
    }
    result.ok().flatten()
}
