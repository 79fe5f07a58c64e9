//! The input signatures of short values seen recently, so that a value every request repeats
//! is scanned once per rule set rather than once per request.
//!
//! Most of a request's values are the same from one request to the next: the `Host` header,
//! `User-Agent`, `Accept`, the path segments of the routes in use. Scanning each with the
//! input database is one Hyperscan call per value, about a thousand instructions however short
//! the value (the call's own set-up), which made the signature scan the largest part of a
//! trivial request's SQL check. A hit here costs a hash over the value and a comparison.
//!
//! The cache belongs to one [`RuleSet`](super::RuleSet), so an answer can never come from
//! another set's database. It is direct-mapped (a value's slot is its hash modulo the slot
//! count; a new value evicts the old one), and each slot is taken with `try_lock`: a thread
//! never waits for another, it scans instead. Only values up to [`MAX_CACHED_VALUE`] bytes are
//! kept, so the cache holds at most about [`SLOTS`] × that many bytes. An attacker who makes
//! values collide only evicts entries: the answer is the scan's either way.

use std::hash::BuildHasher;
use std::sync::Mutex;

use foldhash::fast::FixedState;

/// Values longer than this are scanned every time: long values rarely repeat, and they would
/// make the cache large.
pub const MAX_CACHED_VALUE: usize = 256;

/// Slots in one rule set's cache.
pub const SLOTS: usize = 1024;

/// The rules whose input signatures match a value, for recently seen values.
pub struct ScanCache {
    /// `None` until a value is put there.
    slots: Box<[Mutex<Option<Entry>>]>,
}

struct Entry {
    value: Box<[u8]>,
    /// Sorted, distinct rule indexes (what [`ScanCache::get`] hands out).
    rules: Box<[u32]>,
}

impl ScanCache {
    pub fn new() -> ScanCache {
        ScanCache {
            slots: (0..SLOTS).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// Appends the cached rules of `value` to `out` and returns true; false when `value` is not
    /// cached (or its slot is busy), leaving `out` unchanged.
    pub fn get(&self, value: &[u8], out: &mut Vec<usize>) -> bool {
        if value.len() > MAX_CACHED_VALUE {
            return false;
        }
        let Ok(slot) = self.slots[slot_of(value)].try_lock() else {
            return false;
        };
        match &*slot {
            Some(entry) if *entry.value == *value => {
                out.extend(entry.rules.iter().map(|&r| r as usize));
                true
            }
            _ => false,
        }
    }

    /// Remembers that `rules` (sorted and distinct) are the rules matching `value`, in place of
    /// whatever its slot held. Does nothing for a long value or a busy slot.
    pub fn put(&self, value: &[u8], rules: &[usize]) {
        if value.len() > MAX_CACHED_VALUE {
            return;
        }
        let Ok(rules) = rules
            .iter()
            .map(|&r| u32::try_from(r))
            .collect::<Result<Box<[u32]>, _>>()
        else {
            return;
        };
        let Ok(mut slot) = self.slots[slot_of(value)].try_lock() else {
            return;
        };
        *slot = Some(Entry {
            value: value.into(),
            rules,
        });
    }
}

impl Default for ScanCache {
    fn default() -> Self {
        ScanCache::new()
    }
}

/// foldhash's fixed-seed hash: 16 bytes a step. (FNV-1a, one multiply a byte, was most of the
/// first check of a request whose headers are those of a browser: a request's values are
/// hashed once each at that check.) The seed need not be secret: a collision only evicts.
fn slot_of(value: &[u8]) -> usize {
    const STATE: FixedState = FixedState::with_seed(0x5ca7_cac4e);
    (STATE.hash_one(value) >> 32) as usize % SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_put_is_got_back_with_its_rules() {
        let cache = ScanCache::new();
        let mut out = Vec::new();
        assert!(!cache.get(b"127.0.0.1:8080", &mut out));
        cache.put(b"127.0.0.1:8080", &[]);
        assert!(cache.get(b"127.0.0.1:8080", &mut out));
        assert!(out.is_empty());
        cache.put(b"' or 1=1--", &[3, 7]);
        assert!(cache.get(b"' or 1=1--", &mut out));
        assert_eq!(out, vec![3, 7]);
    }

    #[test]
    fn another_value_in_the_same_slot_is_a_miss_not_its_neighbours_answer() {
        let cache = ScanCache::new();
        let first = b"a".to_vec();
        let other = (0u32..)
            .map(|i| format!("v{i}").into_bytes())
            .find(|v| slot_of(v) == slot_of(&first))
            .expect("some value shares the slot");
        cache.put(&first, &[1]);
        let mut out = Vec::new();
        assert!(!cache.get(&other, &mut out), "a collision must not answer");
        assert!(out.is_empty());
        cache.put(&other, &[2]);
        assert!(!cache.get(&first, &mut out), "evicted by the newer value");
        assert!(cache.get(&other, &mut out));
        assert_eq!(out, vec![2]);
    }

    #[test]
    fn long_values_are_never_cached() {
        let cache = ScanCache::new();
        let long = vec![b'x'; MAX_CACHED_VALUE + 1];
        cache.put(&long, &[1]);
        assert!(!cache.get(&long, &mut Vec::new()));
        let longest = vec![b'x'; MAX_CACHED_VALUE];
        cache.put(&longest, &[1]);
        assert!(cache.get(&longest, &mut Vec::new()));
    }

    #[test]
    fn a_busy_slot_is_a_miss_not_a_wait() {
        let cache = ScanCache::new();
        cache.put(b"host", &[4]);
        let _held = cache.slots[slot_of(b"host")].lock().unwrap();
        let mut out = Vec::new();
        assert!(!cache.get(b"host", &mut out));
        cache.put(b"host", &[5]); // no wait, no change
        drop(_held);
        assert!(cache.get(b"host", &mut out));
        assert_eq!(out, vec![4]);
    }

    #[test]
    fn threads_sharing_slots_only_ever_see_a_values_own_rules() {
        let cache = ScanCache::new();
        let values: Vec<Vec<u8>> = (0..4 * SLOTS)
            .map(|i| format!("value-{i}").into_bytes())
            .collect();
        let rules_of = |v: &[u8]| vec![v.len(), v.len() + (v[v.len() - 1] as usize)];
        std::thread::scope(|s| {
            for t in 0..4 {
                let (cache, values) = (&cache, &values);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for round in 0..20 {
                        for v in values.iter().skip((t + round) % 7) {
                            out.clear();
                            if cache.get(v, &mut out) {
                                assert_eq!(out, rules_of(v));
                            } else {
                                cache.put(v, &rules_of(v));
                            }
                        }
                    }
                });
            }
        });
    }
}
