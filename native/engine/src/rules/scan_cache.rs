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
//! another set's database. It is set-associative: a value's hash picks one of [`SETS`] sets,
//! each holding up to [`WAYS`] values, and a new value replaces the one of its set used least
//! recently. A direct-mapped cache (one value per slot) let two values that every request
//! carries evict each other at every request when they happened to share a slot: on the load
//! test's request that was 1 `Host` port in 300, and each such request paid two scans
//! (`a_requests_values_never_evict_each_other`). Each set is taken with `try_lock`: a thread
//! never waits for another, it scans instead. Only values up to [`MAX_CACHED_VALUE`] bytes are
//! kept, so the cache holds at most about [`SETS`] × [`WAYS`] × that many bytes. An attacker who
//! makes values collide only evicts entries: the answer is the scan's either way.

use std::sync::Mutex;

use crate::cache_set::{hash_of, set_index, CacheSet};

/// Values longer than this are scanned every time: long values rarely repeat, and they would
/// make the cache large.
pub const MAX_CACHED_VALUE: usize = 256;

/// Sets in one rule set's cache.
pub const SETS: usize = 256;

/// Values one set holds. Four make a thrashing pair impossible and a thrashing group need five
/// hot values in one set of 256.
pub const WAYS: usize = 4;

/// The rules whose input signatures match a value, for recently seen values.
pub struct ScanCache {
    sets: Box<[Mutex<CacheSet<Entry, WAYS>>]>,
}

struct Entry {
    value: Box<[u8]>,
    /// Sorted, distinct rule indexes (what [`ScanCache::get`] hands out).
    rules: Box<[u32]>,
}

impl ScanCache {
    pub fn new() -> ScanCache {
        ScanCache {
            sets: (0..SETS).map(|_| Mutex::default()).collect(),
        }
    }

    /// Appends the cached rules of `value` to `out` and returns true; false when `value` is not
    /// cached (or its set is busy), leaving `out` unchanged.
    pub fn get(&self, value: &[u8], out: &mut Vec<usize>) -> bool {
        if value.len() > MAX_CACHED_VALUE {
            return false;
        }
        let hash = hash_of(value);
        let Ok(mut set) = self.sets[set_of(hash)].try_lock() else {
            return false;
        };
        match set.get(hash, |e| *e.value == *value) {
            Some(entry) => {
                out.extend(entry.rules.iter().map(|&r| r as usize));
                true
            }
            None => false,
        }
    }

    /// Remembers that `rules` (sorted and distinct) are the rules matching `value`, in place of
    /// the value its set used least recently. Does nothing for a long value or a busy set.
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
        let hash = hash_of(value);
        let Ok(mut set) = self.sets[set_of(hash)].try_lock() else {
            return;
        };
        let entry = Entry {
            value: value.into(),
            rules,
        };
        set.put(hash, entry, |e| *e.value == *value);
    }
}

impl Default for ScanCache {
    fn default() -> Self {
        ScanCache::new()
    }
}

fn set_of(hash: u64) -> usize {
    set_index(hash, SETS)
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

    /// `n` values sharing the set of `first`, `first` included.
    fn set_mates(first: &[u8], n: usize) -> Vec<Vec<u8>> {
        let set = set_of(hash_of(first));
        std::iter::once(first.to_vec())
            .chain(
                (0u32..)
                    .map(|i| format!("v{i}").into_bytes())
                    .filter(|v| set_of(hash_of(v)) == set),
            )
            .take(n)
            .collect()
    }

    #[test]
    fn another_value_in_the_same_set_is_a_miss_not_its_neighbours_answer() {
        let cache = ScanCache::new();
        let mates = set_mates(b"a", 2);
        let (first, other) = (&mates[0], &mates[1]);
        cache.put(first, &[1]);
        let mut out = Vec::new();
        assert!(!cache.get(other, &mut out), "a collision must not answer");
        assert!(out.is_empty());
        cache.put(other, &[2]);
        assert!(cache.get(other, &mut out));
        assert_eq!(out, vec![2]);
        out.clear();
        assert!(cache.get(first, &mut out), "both fit in one set");
        assert_eq!(out, vec![1]);
    }

    #[test]
    fn a_full_set_replaces_the_value_used_least_recently() {
        let cache = ScanCache::new();
        let mates = set_mates(b"a", WAYS + 1);
        for (k, v) in mates[..WAYS].iter().enumerate() {
            cache.put(v, &[k]);
        }
        // The first is found again, so the second is now the one used least recently.
        assert!(cache.get(&mates[0], &mut Vec::new()));
        cache.put(&mates[WAYS], &[WAYS]);
        let mut out = Vec::new();
        assert!(!cache.get(&mates[1], &mut out), "the least recent goes");
        for k in [0, 2, 3, WAYS] {
            out.clear();
            assert!(cache.get(&mates[k], &mut out), "value {k} stays");
            assert_eq!(out, vec![k]);
        }
        // Putting a value already there updates it in place: nothing else is evicted.
        cache.put(&mates[2], &[7]);
        for k in [0, 2, 3, WAYS] {
            assert!(cache.get(&mates[k], &mut Vec::new()), "value {k} stays");
        }
    }

    /// The load test's request (`benches/load`: `GET /h2/users/by-name?name=alice`) searches
    /// four values that are the same at every request and the `Host` header, whose port is
    /// the server's. With one value per slot, 97 of the ports from 32768 to 60999 put the
    /// `Host` value in the slot of one of the other four: each request then evicted the other
    /// and paid two scans (found in the load test's profile, where the agent's JVM happened
    /// to listen on one of them: its SQL check took three times as long as in the next run).
    #[test]
    fn a_requests_values_never_evict_each_other() {
        let cache = ScanCache::new();
        let mut out = Vec::new();
        for port in 1024..=u16::MAX {
            let host = format!("127.0.0.1:{port}");
            let values: [&[u8]; 5] = [b"alice", b"h2", b"users", b"by-name", host.as_bytes()];
            // The first request scans what the cache lacks; the next finds every value.
            for v in values {
                if !cache.get(v, &mut out) {
                    cache.put(v, &[]);
                }
            }
            for v in values {
                assert!(
                    cache.get(v, &mut out),
                    "port {port}: {} was evicted by a value of the same request",
                    String::from_utf8_lossy(v)
                );
            }
        }
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
    fn a_busy_set_is_a_miss_not_a_wait() {
        let cache = ScanCache::new();
        cache.put(b"host", &[4]);
        let _held = cache.sets[set_of(hash_of(b"host"))].lock().unwrap();
        let mut out = Vec::new();
        assert!(!cache.get(b"host", &mut out));
        cache.put(b"host", &[5]); // no wait, no change
        drop(_held);
        assert!(cache.get(b"host", &mut out));
        assert_eq!(out, vec![4]);
    }

    #[test]
    fn threads_sharing_sets_only_ever_see_a_values_own_rules() {
        let cache = ScanCache::new();
        let values: Vec<Vec<u8>> = (0..4 * SETS * WAYS)
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
