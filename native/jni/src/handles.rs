//! Generation-checked handles for request contexts.
//!
//! Java holds a `long` per request. It is never a pointer: it is a slot index and the slot's
//! generation, so a stale or forged handle (a context used after release, a handle from another
//! run) finds either an empty slot or a newer generation and is rejected. Lookups and updates are
//! lock-free (`arc-swap`), so no application thread ever waits on another to check a statement;
//! claiming a slot is one compare-and-swap in the common case.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwapOption;

struct Entry<T> {
    generation: u32,
    value: Arc<T>,
}

struct Slot<T> {
    claimed: AtomicBool,
    generation: AtomicU32,
    entry: ArcSwapOption<Entry<T>>,
}

/// A fixed-capacity table of live values addressed by generation-checked handles.
pub struct HandleTable<T> {
    slots: Box<[Slot<T>]>,
    cursor: AtomicUsize,
}

fn encode(index: usize, generation: u32) -> i64 {
    ((u64::from(generation) << 32) | (index as u64 + 1)) as i64
}

fn decode(handle: i64) -> Option<(usize, u32)> {
    let raw = handle as u64;
    let index = (raw & 0xffff_ffff).checked_sub(1)?;
    Some((usize::try_from(index).ok()?, (raw >> 32) as u32))
}

impl<T> HandleTable<T> {
    pub fn with_capacity(capacity: usize) -> HandleTable<T> {
        let slots = (0..capacity.max(1))
            .map(|_| Slot {
                claimed: AtomicBool::new(false),
                generation: AtomicU32::new(0),
                entry: ArcSwapOption::empty(),
            })
            .collect();
        HandleTable {
            slots,
            cursor: AtomicUsize::new(0),
        }
    }

    /// Stores `value` and returns its handle (never 0), or `None` when every slot is taken.
    pub fn insert(&self, value: T) -> Option<i64> {
        let n = self.slots.len();
        let start = self.cursor.fetch_add(1, Ordering::Relaxed) % n;
        let value = Arc::new(value);
        for k in 0..n {
            let index = (start + k) % n;
            let slot = &self.slots[index];
            if slot
                .claimed
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                continue;
            }
            // Generation 0 is never handed out, so a zeroed handle can never match.
            let mut generation = slot
                .generation
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_add(1);
            if generation == 0 {
                generation = slot
                    .generation
                    .fetch_add(1, Ordering::Relaxed)
                    .wrapping_add(1);
            }
            slot.entry
                .store(Some(Arc::new(Entry { generation, value })));
            return Some(encode(index, generation));
        }
        None
    }

    /// The value behind a live handle.
    pub fn get(&self, handle: i64) -> Option<Arc<T>> {
        let (index, generation) = decode(handle)?;
        let guard = self.slots.get(index)?.entry.load();
        match guard.as_ref() {
            Some(e) if e.generation == generation => Some(Arc::clone(&e.value)),
            _ => None,
        }
    }

    /// Releases a handle. Returns false for a stale or unknown handle (nothing is released).
    pub fn remove(&self, handle: i64) -> bool {
        let Some((index, generation)) = decode(handle) else {
            return false;
        };
        let Some(slot) = self.slots.get(index) else {
            return false;
        };
        let current = slot.entry.load_full();
        match &current {
            Some(e) if e.generation == generation => {
                let previous = slot.entry.compare_and_swap(&current, None);
                let released = previous
                    .as_ref()
                    .is_some_and(|p| Arc::ptr_eq(p, current.as_ref().expect("checked above")));
                if released {
                    slot.claimed.store(false, Ordering::Release);
                }
                released
            }
            _ => false,
        }
    }

    /// The number of live handles (a scan; for stats only).
    pub fn live(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.claimed.load(Ordering::Relaxed))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_and_forged_handles_are_rejected() {
        let table = HandleTable::with_capacity(2);
        let a = table.insert("a").expect("room");
        assert_eq!(table.get(a).as_deref(), Some(&"a"));
        assert!(table.remove(a));
        assert!(!table.remove(a), "double release");
        assert_eq!(table.get(a), None, "use after release");
        let b = table.insert("b").expect("room");
        let c = table.insert("c").expect("room");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(table.get(a), None, "a reused slot has a new generation");
        assert_eq!(table.insert("d"), None, "full");
        for forged in [0, -1, i64::MAX, 1, 1 << 32] {
            assert!(table.get(forged).is_none() || forged == b || forged == c);
        }
        assert_eq!(table.live(), 2);
    }

    #[test]
    fn concurrent_insert_get_remove() {
        let table = Arc::new(HandleTable::with_capacity(64));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let table = Arc::clone(&table);
                std::thread::spawn(move || {
                    for i in 0..10_000u64 {
                        let v = t * 1_000_000 + i;
                        let h = table.insert(v).expect("room");
                        assert_eq!(table.get(h).as_deref(), Some(&v));
                        assert!(table.remove(h));
                        assert!(table.get(h).is_none());
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no panic");
        }
        assert_eq!(table.live(), 0);
    }
}
