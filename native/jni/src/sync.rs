//! Locking that survives a panic: the runtime and the event writers share it, below both.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, recovering it if a panic poisoned it (the data stays consistent: every
/// critical section is a single assignment or clone).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
