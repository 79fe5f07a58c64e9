//! A buffer of whole pages mapped for one large, short-lived copy: the rule file on its way from
//! a Java array to the engine.
//!
//! Why not a `Vec`: glibc serves a 5 MB `malloc` with its own mapping and, when that block is
//! freed, raises the process-wide mmap threshold to its size (and the trim threshold to twice
//! that). From then on every allocation of the host application up to 5 MB comes from the malloc
//! arenas, and an arena gives memory back only once 10 MB are free at its top: one rule load would
//! change how the whole JVM's native memory is kept. Pages mapped here are returned whole by
//! `munmap` and leave glibc's thresholds alone.

use std::ptr::NonNull;

/// Zeroed, writable anonymous pages, unmapped on drop.
pub struct Pages {
    ptr: Option<NonNull<u8>>,
    len: usize,
}

impl Pages {
    /// `len` bytes (rounded up to pages by the kernel); `None` when the kernel refuses the mapping.
    pub fn new(len: usize) -> Option<Pages> {
        if len == 0 {
            return Some(Pages { ptr: None, len: 0 });
        }
        // SAFETY: an anonymous private mapping with no address hint touches no existing memory;
        // the result is checked against MAP_FAILED before use.
        let raw = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return None;
        }
        Some(Pages {
            ptr: NonNull::new(raw.cast::<u8>()),
            len,
        })
    }

    pub fn as_slice(&self) -> &[u8] {
        match self.ptr {
            // SAFETY: `ptr` maps `len` readable bytes owned by this value until drop; the kernel
            // zero-fills them, so every byte is initialised.
            Some(p) => unsafe { std::slice::from_raw_parts(p.as_ptr(), self.len) },
            None => &[],
        }
    }

    /// The bytes as JNI's `jbyte`s, for `GetByteArrayRegion` to fill.
    pub fn as_jbytes_mut(&mut self) -> &mut [i8] {
        match self.ptr {
            // SAFETY: as in `as_slice`, and `&mut self` makes this the only view; `i8` and `u8`
            // have the same size and alignment, and any bit pattern is valid for both.
            Some(p) => unsafe { std::slice::from_raw_parts_mut(p.as_ptr().cast::<i8>(), self.len) },
            None => &mut [],
        }
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        if let Some(p) = self.ptr {
            // SAFETY: `p` and `len` are exactly what mmap returned and was given; no slice of it
            // outlives `self` (they borrow it), and it is unmapped once.
            unsafe {
                libc::munmap(p.as_ptr().cast::<libc::c_void>(), self.len);
            }
        }
    }
}

// SAFETY: the pages are plain memory owned by this value alone.
unsafe impl Send for Pages {}

#[cfg(test)]
mod tests {
    use super::Pages;

    #[test]
    fn pages_start_zeroed_hold_what_is_written_and_may_be_empty() {
        let mut p = Pages::new(5_000_001).expect("mapped");
        assert_eq!(p.as_slice().len(), 5_000_001);
        assert!(p.as_slice().iter().all(|&b| b == 0));
        p.as_jbytes_mut()[0] = -1;
        p.as_jbytes_mut()[5_000_000] = 7;
        assert_eq!(p.as_slice()[0], 0xff);
        assert_eq!(p.as_slice()[5_000_000], 7);
        let mut empty = Pages::new(0).expect("empty");
        assert!(empty.as_slice().is_empty());
        assert!(empty.as_jbytes_mut().is_empty());
    }
}
