//! One set of a set-associative cache: up to `N` entries, each stored with its key's hash, the
//! one used least recently replaced.
//!
//! The engine's caches across requests (a rule set's input-signature cache, an engine's compiled
//! request inputs and its recently checked statements) are arrays of these, each behind a mutex
//! that callers take with `try_lock`: a hash picks the set, and the set holds a few keys, so that two keys every request uses can
//! share a set without evicting each other at every request (what a cache of one entry per slot
//! did). The caller compares the key itself: a set compares hashes first and then asks about
//! the first entry with the hash only (two keys of one 64-bit hash in one set only miss, and a
//! miss is answered by the work the cache saves).

use std::hash::{BuildHasher, Hasher};

use foldhash::fast::FixedState;

/// A key's hash, for [`set_index`] and the set's own comparisons: foldhash with a fixed seed,
/// 16 bytes a step (FNV-1a, a multiply a byte, was most of the first check of a browser's
/// request). The seed need not be secret: a collision only evicts, the key itself is compared.
pub(crate) fn hash_of(key: &[u8]) -> u64 {
    STATE.hash_one(key)
}

/// A hasher of the same family as [`hash_of`], for keys made of several parts.
pub(crate) fn key_hasher() -> impl Hasher {
    STATE.build_hasher()
}

const STATE: FixedState = FixedState::with_seed(0x5ca7_cac4e);

/// Which of `sets` sets a key of this hash belongs to (the hash's high half; the low half
/// tells keys of one set apart).
pub(crate) fn set_index(hash: u64, sets: usize) -> usize {
    (hash >> 32) as usize % sets
}

/// Up to `N` entries of type `E`.
pub(crate) struct CacheSet<E, const N: usize> {
    /// Each way's key hash; meaningful where `entries` holds one.
    hashes: [u64; N],
    entries: [Option<E>; N],
    /// The set's clock when each way was last stored or found: the way furthest behind `clock`
    /// is replaced (wrapping, so a set used four billion times mistakes its order once).
    stamps: [u32; N],
    clock: u32,
}

impl<E, const N: usize> Default for CacheSet<E, N> {
    fn default() -> Self {
        CacheSet {
            hashes: [0; N],
            entries: std::array::from_fn(|_| None),
            stamps: [0; N],
            clock: 0,
        }
    }
}

impl<E, const N: usize> CacheSet<E, N> {
    /// The entry stored under `hash` that `is_key` accepts, now the set's most recently used.
    pub(crate) fn get(&mut self, hash: u64, is_key: impl FnOnce(&E) -> bool) -> Option<&E> {
        let way = self.way_of(hash, is_key)?;
        self.touch(way);
        self.entries[way].as_ref()
    }

    /// Stores `entry` under `hash`: in place of the entry `is_key` accepts, else in an empty way,
    /// else in place of the one used least recently.
    pub(crate) fn put(&mut self, hash: u64, entry: E, is_key: impl FnOnce(&E) -> bool) {
        let way = self.way_of(hash, is_key).unwrap_or_else(|| self.victim());
        self.hashes[way] = hash;
        self.entries[way] = Some(entry);
        self.touch(way);
    }

    fn way_of(&self, hash: u64, is_key: impl FnOnce(&E) -> bool) -> Option<usize> {
        let way = self.hashes.iter().position(|&h| h == hash)?;
        self.entries[way]
            .as_ref()
            .is_some_and(is_key)
            .then_some(way)
    }

    fn touch(&mut self, way: usize) {
        self.clock = self.clock.wrapping_add(1);
        self.stamps[way] = self.clock;
    }

    fn victim(&self) -> usize {
        if let Some(empty) = self.entries.iter().position(Option::is_none) {
            return empty;
        }
        (0..N)
            .max_by_key(|&w| self.clock.wrapping_sub(self.stamps[w]))
            .unwrap_or(0)
    }
}

/// A [`CacheSet`] that keeps a key only the second time it is seen: the hashes of the last
/// `SEEN` keys seen once are remembered, so a stream of distinct keys costs a hash and a
/// comparison each, never an allocation (the engine's compiled requests and statements).
pub(crate) struct SecondSighting<E, const WAYS: usize, const SEEN: usize> {
    entries: CacheSet<E, WAYS>,
    /// Hashes of keys seen once and not kept; `next` is the slot the next one takes (the oldest).
    seen: [u64; SEEN],
    next: usize,
}

/// What [`SecondSighting::lookup`] found.
pub(crate) enum Sighting<'a, E> {
    /// The entry kept for the key.
    Kept(&'a E),
    /// Not kept, seen before: the caller should keep what it works out.
    Second,
    /// Not seen before (its hash is remembered now).
    First,
}

impl<E, const WAYS: usize, const SEEN: usize> Default for SecondSighting<E, WAYS, SEEN> {
    fn default() -> Self {
        SecondSighting {
            entries: CacheSet::default(),
            seen: [0; SEEN],
            next: 0,
        }
    }
}

impl<E, const WAYS: usize, const SEEN: usize> SecondSighting<E, WAYS, SEEN> {
    /// The entry kept under `hash` that `is_key` accepts; else whether this is the key's second
    /// sighting (remembering its hash, in place of the oldest, when it is the first).
    pub(crate) fn lookup(&mut self, hash: u64, is_key: impl FnOnce(&E) -> bool) -> Sighting<'_, E> {
        if let Some(entry) = self.entries.get(hash, is_key) {
            return Sighting::Kept(entry);
        }
        if self.seen.contains(&hash) {
            return Sighting::Second;
        }
        self.seen[self.next] = hash;
        self.next = (self.next + 1) % SEEN;
        Sighting::First
    }

    /// Keeps `entry` under `hash` ([`CacheSet::put`]).
    pub(crate) fn put(&mut self, hash: u64, entry: E, is_key: impl FnOnce(&E) -> bool) {
        self.entries.put(hash, entry, is_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_entry_goes_first() {
        let mut set: CacheSet<&str, 2> = CacheSet::default();
        set.put(1, "a", |e| *e == "a");
        set.put(2, "b", |e| *e == "b");
        assert_eq!(set.get(1, |e| *e == "a"), Some(&"a"));
        set.put(3, "c", |e| *e == "c");
        assert_eq!(set.get(2, |e| *e == "b"), None, "b was used least recently");
        assert_eq!(set.get(1, |e| *e == "a"), Some(&"a"));
        assert_eq!(set.get(3, |e| *e == "c"), Some(&"c"));
    }

    #[test]
    fn a_key_is_kept_at_its_second_sighting_until_newer_ones_push_its_hash_out() {
        let mut set: SecondSighting<&str, 2, 2> = SecondSighting::default();
        let sighting = |set: &mut SecondSighting<&str, 2, 2>, hash: u64, key: &str| match set
            .lookup(hash, |e| *e == key)
        {
            Sighting::Kept(e) => format!("kept {e}"),
            Sighting::Second => "second".to_string(),
            Sighting::First => "first".to_string(),
        };
        assert_eq!(sighting(&mut set, 7, "a"), "first");
        assert_eq!(sighting(&mut set, 7, "a"), "second");
        set.put(7, "a", |e| *e == "a");
        assert_eq!(sighting(&mut set, 7, "a"), "kept a");
        assert_eq!(
            sighting(&mut set, 7, "z"),
            "second",
            "same hash, another key"
        );
        assert_eq!(sighting(&mut set, 8, "b"), "first");
        assert_eq!(sighting(&mut set, 9, "c"), "first");
        assert_eq!(
            sighting(&mut set, 7, "z"),
            "first",
            "7 was pushed out by 8 and 9"
        );
        assert_eq!(sighting(&mut set, 9, "c"), "second");
    }

    #[test]
    fn a_key_is_replaced_in_place_and_a_hash_alone_never_answers() {
        let mut set: CacheSet<(&str, u32), 2> = CacheSet::default();
        set.put(1, ("a", 1), |e| e.0 == "a");
        set.put(2, ("b", 1), |e| e.0 == "b");
        set.put(1, ("a", 2), |e| e.0 == "a");
        assert_eq!(set.get(1, |e| e.0 == "a"), Some(&("a", 2)));
        assert_eq!(set.get(2, |e| e.0 == "b"), Some(&("b", 1)), "b stays");
        assert_eq!(set.get(1, |e| e.0 == "z"), None, "same hash, another key");
        assert_eq!(set.get(0, |_| true), None, "an empty way's hash");
    }
}
