//! Scanning: a database, its prototype scratch, and each thread's own clone of it.
//!
//! Hyperscan needs a scratch space per concurrent scan. Allocating one (`hs_alloc_scratch`)
//! walks the database to size it; cloning one (`hs_clone_scratch`) is a copy. A [`Scanner`]
//! allocates a prototype once, when it is built (at rule load, off the request path), and every
//! thread clones it on its first scan with that scanner and keeps the clone in a thread-local.
//! Request threads therefore never allocate scratch from the database, never share one, and
//! never wait on a lock. JNI calls from virtual threads run on their carrier thread, so the
//! number of clones is bounded by the number of OS threads that ever scanned.
//!
//! A thread keeps clones for the last few scanners it used (a reloaded rule set gets a new
//! scanner; older clones are freed as they fall out). A scan that re-enters on the same thread
//! (a match callback that scans again) gets a temporary clone.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_int, c_uint, c_ulonglong, c_void};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::database::Database;
use crate::error::Error;
use crate::ffi;

/// How many scanners' scratch clones a thread keeps. Two would do for one reload in flight;
/// four leaves room for several rule-set users in one process (tests, the CLI).
const CLONES_PER_THREAD: usize = 4;

static NEXT_SCANNER_ID: AtomicU64 = AtomicU64::new(1);

/// An owned scratch space.
struct Scratch {
    raw: NonNull<ffi::hs_scratch_t>,
}

impl Scratch {
    fn alloc_for(db: &Database) -> Result<Scratch, Error> {
        let mut raw: *mut ffi::hs_scratch_t = ptr::null_mut();
        // SAFETY: `db` is a live database; `raw` is a valid out-pointer, null so that Hyperscan
        // allocates a new scratch.
        let status = unsafe { ffi::hs_alloc_scratch(db.as_ptr(), &mut raw) };
        if status != ffi::HS_SUCCESS {
            return Err(Error::status("hs_alloc_scratch", status));
        }
        NonNull::new(raw)
            .map(|raw| Scratch { raw })
            .ok_or(Error::status("hs_alloc_scratch", status))
    }

    fn clone_from(prototype: &Scratch) -> Result<Scratch, Error> {
        let mut raw: *mut ffi::hs_scratch_t = ptr::null_mut();
        // SAFETY: the prototype is a live scratch that is never scanned with, only read here;
        // hs_clone_scratch copies it into a new allocation and does not modify the source, so
        // concurrent clones from several threads are sound.
        let status = unsafe { ffi::hs_clone_scratch(prototype.raw.as_ptr(), &mut raw) };
        if status != ffi::HS_SUCCESS {
            return Err(Error::status("hs_clone_scratch", status));
        }
        NonNull::new(raw)
            .map(|raw| Scratch { raw })
            .ok_or(Error::status("hs_clone_scratch", status))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // SAFETY: `raw` is owned by this value alone and freed exactly once.
        unsafe {
            ffi::hs_free_scratch(self.raw.as_ptr());
        }
    }
}

// SAFETY: a scratch space is plain memory owned by one value; moving it to another thread is
// fine as long as one scan at a time uses it, which `&mut` access guarantees. The prototype is
// shared (`Sync` on Scanner) but only ever read by hs_clone_scratch.
unsafe impl Send for Scratch {}
// SAFETY: see above; through `&Scratch` only hs_clone_scratch reads it.
unsafe impl Sync for Scratch {}

thread_local! {
    /// This thread's scratch clones, most recently used last, by scanner id.
    static CLONES: RefCell<Vec<(u64, Scratch)>> = const { RefCell::new(Vec::new()) };
}

/// A database ready to scan from any thread.
pub struct Scanner {
    id: u64,
    db: Database,
    prototype: Scratch,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("id", &self.id)
            .field("db", &self.db)
            .finish()
    }
}

/// What the match trampoline needs: the caller's callback and a panic it raised, if any.
struct MatchContext<'a> {
    on_match: &'a mut dyn FnMut(u32, u64),
    panic: Option<Box<dyn Any + Send>>,
}

unsafe extern "C" fn on_event(
    id: c_uint,
    _from: c_ulonglong,
    to: c_ulonglong,
    _flags: c_uint,
    context: *mut c_void,
) -> c_int {
    // SAFETY: `context` is the `&mut MatchContext` that `Scanner::scan` passed to hs_scan; it
    // is live for the whole scan and only this callback touches it while the scan runs.
    let ctx = unsafe { &mut *context.cast::<MatchContext<'_>>() };
    // A panic must not unwind through Hyperscan's C++ frames: stop the scan and re-raise it
    // once hs_scan has returned.
    match catch_unwind(AssertUnwindSafe(|| (ctx.on_match)(id, to))) {
        Ok(()) => 0,
        Err(payload) => {
            ctx.panic = Some(payload);
            1
        }
    }
}

impl Scanner {
    /// Takes ownership of `db` and allocates its prototype scratch.
    pub fn new(db: Database) -> Result<Scanner, Error> {
        let prototype = Scratch::alloc_for(&db)?;
        Ok(Scanner {
            id: NEXT_SCANNER_ID.fetch_add(1, Ordering::Relaxed),
            db,
            prototype,
        })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Scans `data`, calling `on_match(pattern id, end offset)` for each match.
    pub fn scan(&self, data: &[u8], on_match: &mut dyn FnMut(u32, u64)) -> Result<(), Error> {
        let len = c_uint::try_from(data.len()).map_err(|_| Error::TooLong(data.len()))?;
        let outcome = CLONES.try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut clones) => {
                let scratch = self.thread_scratch(&mut clones)?;
                self.scan_with(scratch, data, len, on_match)
            }
            // Re-entered from a match callback on this thread: the cached clone is in use.
            Err(_) => self.scan_with_temporary(data, len, on_match),
        });
        match outcome {
            Ok(result) => result,
            // The thread is being torn down and its thread-locals are gone.
            Err(_) => self.scan_with_temporary(data, len, on_match),
        }
    }

    fn scan_with_temporary(
        &self,
        data: &[u8],
        len: c_uint,
        on_match: &mut dyn FnMut(u32, u64),
    ) -> Result<(), Error> {
        let mut scratch = Scratch::clone_from(&self.prototype)?;
        self.scan_with(&mut scratch, data, len, on_match)
    }

    /// This thread's clone for this scanner, cloning it on first use.
    fn thread_scratch<'c>(
        &self,
        clones: &'c mut Vec<(u64, Scratch)>,
    ) -> Result<&'c mut Scratch, Error> {
        match clones.iter().position(|(id, _)| *id == self.id) {
            // Keep the order by last use (a swap would move the last-used clone to the
            // front, first in line for eviction).
            Some(i) => {
                let used = clones.remove(i);
                clones.push(used);
            }
            None => {
                if clones.len() >= CLONES_PER_THREAD {
                    clones.remove(0);
                }
                clones.push((self.id, Scratch::clone_from(&self.prototype)?));
            }
        }
        clones
            .last_mut()
            .map(|(_, s)| s)
            .ok_or(Error::status("hs_clone_scratch", -1))
    }

    fn scan_with(
        &self,
        scratch: &mut Scratch,
        data: &[u8],
        len: c_uint,
        on_match: &mut dyn FnMut(u32, u64),
    ) -> Result<(), Error> {
        let mut ctx = MatchContext {
            on_match,
            panic: None,
        };
        // SAFETY: the database is live; `data` is valid for `len` bytes; `scratch` was cloned
        // from a prototype allocated for this database and `&mut` guarantees no other scan uses
        // it; `ctx` outlives the call and is only accessed by `on_event` during it.
        let status = unsafe {
            ffi::hs_scan(
                self.db.as_ptr(),
                data.as_ptr().cast(),
                len,
                0,
                scratch.raw.as_ptr(),
                Some(on_event),
                (&mut ctx as *mut MatchContext<'_>).cast(),
            )
        };
        if let Some(payload) = ctx.panic {
            resume_unwind(payload);
        }
        if status == ffi::HS_SUCCESS {
            Ok(())
        } else {
            Err(Error::status("hs_scan", status))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compile_generic, Expression, Flags};

    fn scanner() -> Scanner {
        let db = compile_generic(&[Expression {
            pattern: "a",
            flags: Flags::SINGLEMATCH,
            id: 0,
        }])
        .expect("compiles");
        Scanner::new(db).expect("scratch")
    }

    #[test]
    fn a_thread_evicts_the_clone_it_used_least_recently() {
        let scanners: Vec<Scanner> = (0..=CLONES_PER_THREAD).map(|_| scanner()).collect();
        let scan = |s: &Scanner| s.scan(b"a", &mut |_, _| {}).expect("scans");
        for s in &scanners[..CLONES_PER_THREAD] {
            scan(s);
        }
        // The oldest clone is used again, then one more scanner needs room.
        scan(&scanners[0]);
        scan(&scanners[CLONES_PER_THREAD]);
        let kept: Vec<u64> = CLONES.with(|c| c.borrow().iter().map(|(id, _)| *id).collect());
        assert_eq!(kept.len(), CLONES_PER_THREAD);
        assert!(kept.contains(&scanners[0].id), "a clone just used is kept");
        assert!(
            !kept.contains(&scanners[1].id),
            "the least recently used clone is evicted"
        );
    }
}
