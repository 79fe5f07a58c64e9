//! What recently checked statements lex to and which sink rules' patterns they match.
//!
//! When request input occurs in a SQL statement, the check lexes the statement (about 4,800
//! instructions for the load test's 125-byte `search` statement) and scans it with the rule
//! set's SQL sink database (about 2,300): together more than half of such a check, and both
//! functions of the statement's bytes, its dialect and the rule set alone. Applications run
//! the same statement again and again, input included: a sort order, a category filter, a
//! popular search term, a page of the same list. So an [`Engine`](crate::Engine) keeps both
//! for the statements it saw recently, and a statement checked again costs a hash and a
//! comparison of its bytes instead. What the request's inputs are, where they occur in the
//! statement and what each occurrence does to it is still worked out at every check, from
//! these tokens: a statement first seen with benign input is judged afresh when another
//! request's input makes the same bytes an attack.
//!
//! A statement is kept the second time it is seen (the first time only its hash is
//! remembered), so a stream of distinct statements pays a hash and a lookup each, not an
//! allocation. Like the engine's other caches it is set-associative ([`crate::cache_set`]),
//! each set taken with `try_lock` (a busy set means lexing, never waiting). Statements longer
//! than [`MAX_CACHED_STATEMENT`] bytes, or lexing to more than [`MAX_CACHED_TOKENS`] tokens, are
//! never kept, which bounds the cache at [`SETS`] x [`WAYS`] such entries (under 2 MiB).
//!
//! The cache belongs to one engine, so a rule reload (a new engine) starts an empty one and no
//! scan by another set's database is ever used. As to timing: a statement another request ran
//! recently is checked a few microseconds sooner; telling that apart over a network, with
//! the statement's every byte guessed right, is not a practical way to learn anything.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache_set::{hash_of, set_index, SecondSighting, Sighting};
use crate::sql::{Dialect, LexedStatement};

/// Statements longer than this are lexed and scanned at every check: long statements rarely
/// repeat byte for byte, and they would make the cache large.
pub const MAX_CACHED_STATEMENT: usize = 1024;

/// Statements lexing to more tokens than this (both readings of the generic dialect
/// together) are not kept: a token is 24 bytes. An ordinary statement has one token per 2.5 to
/// 3.3 bytes, so one of [`MAX_CACHED_STATEMENT`] bytes fits.
pub const MAX_CACHED_TOKENS: usize = 512;

/// Sets in one engine's cache.
pub const SETS: usize = 32;

/// Statements one set holds.
pub const WAYS: usize = 4;

/// Hashes of statements seen once, per set: a statement seen again while its hash is here is
/// kept.
const SEEN: usize = 4;

/// Checks in this process that found their statement's facts kept, across engines (a reload
/// builds a new engine and cache, and an operator's counter must not go back to zero).
static FOUND: AtomicU64 = AtomicU64::new(0);

/// How many checks in this process found their statement lexed and scanned by an earlier one
/// (`statements_cached` in the agent's engine stats).
pub fn statements_cached() -> u64 {
    FOUND.load(Ordering::Relaxed)
}

/// One statement's tokens and sink-rule hits, shared by the checks of that statement.
#[derive(Debug)]
pub struct StatementFacts {
    lexed: LexedStatement,
    sink_hits: Option<Vec<usize>>,
}

impl StatementFacts {
    /// Lexes `statement` in `dialect`; `sink_hits` are the sink rules matching it, when the
    /// check scans it ([`crate::rules::eval::sink_hits`]).
    pub fn new(
        dialect: Dialect,
        statement: &[u8],
        sink_hits: Option<Vec<usize>>,
    ) -> StatementFacts {
        StatementFacts {
            lexed: LexedStatement::lex(dialect, statement),
            sink_hits,
        }
    }

    pub fn lexed(&self) -> &LexedStatement {
        &self.lexed
    }

    /// Sorted, distinct rule indexes; `None` when the check does not scan the statement.
    pub fn sink_hits(&self) -> Option<&[usize]> {
        self.sink_hits.as_deref()
    }
}

/// A statement's facts for one check.
#[derive(Debug)]
pub enum Found {
    /// Kept from an earlier check.
    Cached(Arc<StatementFacts>),
    /// Worked out for this check and kept for later ones (the statement's second sighting).
    Kept(Arc<StatementFacts>),
    /// Worked out for this check only: nothing was copied or shared, so a statement never seen
    /// before costs no allocation beyond its lexing.
    Fresh(StatementFacts),
}

impl Found {
    pub fn facts(&self) -> &StatementFacts {
        match self {
            Found::Cached(facts) | Found::Kept(facts) => facts,
            Found::Fresh(facts) => facts,
        }
    }

    /// Whether the facts were kept from an earlier check.
    pub fn cached(&self) -> bool {
        matches!(self, Found::Cached(_))
    }
}

/// Recently checked statements' [`StatementFacts`], for one engine.
pub struct StatementCache {
    sets: Box<[Mutex<SecondSighting<Entry, WAYS, SEEN>>]>,
}

struct Entry {
    statement: Box<[u8]>,
    facts: Arc<StatementFacts>,
}

impl Entry {
    fn is(&self, dialect: Dialect, statement: &[u8]) -> bool {
        self.facts.lexed.dialect() == dialect && *self.statement == *statement
    }
}

impl StatementCache {
    pub fn new() -> StatementCache {
        StatementCache {
            sets: (0..SETS).map(|_| Mutex::default()).collect(),
        }
    }

    /// The facts kept for `statement` in `dialect`, else what to do with the facts the caller
    /// works out ([`StatementCache::store`]).
    pub fn lookup(&self, dialect: Dialect, statement: &[u8]) -> Lookup {
        if statement.len() > MAX_CACHED_STATEMENT {
            return Lookup::Missing(Missing {
                dialect,
                hash: 0,
                keep: false,
            });
        }
        let hash = key_hash(dialect, statement);
        let keep = match self.sets[set_index(hash, SETS)].try_lock() {
            Ok(mut set) => match set.lookup(hash, |e| e.is(dialect, statement)) {
                Sighting::Kept(entry) => {
                    FOUND.fetch_add(1, Ordering::Relaxed);
                    return Lookup::Cached(Arc::clone(&entry.facts));
                }
                Sighting::Second => true,
                Sighting::First => false,
            },
            Err(_) => false,
        };
        Lookup::Missing(Missing {
            dialect,
            hash,
            keep,
        })
    }

    /// `facts`, worked out for a statement [`StatementCache::lookup`] did not find, kept when
    /// this is its second sighting and it is small enough.
    pub fn store(&self, missing: Missing, statement: &[u8], facts: StatementFacts) -> Found {
        let Missing {
            dialect,
            hash,
            keep,
        } = missing;
        debug_assert_eq!(facts.lexed.dialect(), dialect, "facts of another dialect");
        if !keep || facts.lexed.token_count() > MAX_CACHED_TOKENS {
            return Found::Fresh(facts);
        }
        let Ok(mut set) = self.sets[set_index(hash, SETS)].try_lock() else {
            return Found::Fresh(facts);
        };
        let facts = Arc::new(facts);
        let entry = Entry {
            statement: statement.into(),
            facts: Arc::clone(&facts),
        };
        set.put(hash, entry, |e| e.is(dialect, statement));
        Found::Kept(facts)
    }
}

/// What [`StatementCache::lookup`] found.
#[derive(Debug)]
pub enum Lookup {
    /// The statement's facts, kept from an earlier check.
    Cached(Arc<StatementFacts>),
    /// Not kept: hand the facts worked out to [`StatementCache::store`].
    Missing(Missing),
}

/// A statement [`StatementCache::lookup`] did not find: its hash, and whether it was seen before.
#[derive(Debug)]
pub struct Missing {
    dialect: Dialect,
    hash: u64,
    keep: bool,
}

impl Default for StatementCache {
    fn default() -> Self {
        StatementCache::new()
    }
}

/// The same bytes in two dialects are two entries, of two hashes.
fn key_hash(dialect: Dialect, statement: &[u8]) -> u64 {
    hash_of(statement) ^ (dialect as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check's way through the cache: the kept facts, else lexed (outside the lock) and
    /// stored.
    fn facts(cache: &StatementCache, dialect: Dialect, sql: &[u8], hits: &[usize]) -> Found {
        match cache.lookup(dialect, sql) {
            Lookup::Cached(facts) => Found::Cached(facts),
            Lookup::Missing(missing) => cache.store(
                missing,
                sql,
                StatementFacts::new(dialect, sql, Some(hits.to_vec())),
            ),
        }
    }

    const SQL: &[u8] = b"SELECT id FROM users WHERE name LIKE '%red shoes%' ORDER BY id";

    #[test]
    fn a_statement_seen_again_is_kept_and_shared_from_then_on() {
        let cache = StatementCache::new();
        let found: Vec<Found> = (0..4)
            .map(|_| facts(&cache, Dialect::H2, SQL, &[3]))
            .collect();
        let cached: Vec<bool> = found.iter().map(|f| f.cached()).collect();
        assert_eq!(
            cached,
            [false, false, true, true],
            "kept at the second sighting"
        );
        let shared = |f: &Found| match f {
            Found::Cached(facts) | Found::Kept(facts) => Some(Arc::clone(facts)),
            Found::Fresh(_) => None,
        };
        assert!(
            shared(&found[0]).is_none(),
            "seen once: nothing copied or shared"
        );
        let kept = shared(&found[1]).expect("kept at the second sighting");
        assert!(matches!(found[1], Found::Kept(_)));
        for later in &found[2..] {
            assert!(Arc::ptr_eq(&kept, &shared(later).expect("found kept")));
        }
        let expected = LexedStatement::lex(Dialect::H2, SQL);
        for f in &found {
            assert_eq!(f.facts().lexed(), &expected);
            assert_eq!(f.facts().sink_hits(), Some(&[3][..]));
        }
    }

    #[test]
    fn the_dialect_and_every_byte_are_part_of_the_key() {
        let cache = StatementCache::new();
        for _ in 0..2 {
            facts(&cache, Dialect::MySql, SQL, &[]);
        }
        let other_dialect = facts(&cache, Dialect::PostgreSql, SQL, &[]);
        assert!(!other_dialect.cached());
        assert_eq!(other_dialect.facts().lexed().dialect(), Dialect::PostgreSql);
        let mut changed = SQL.to_vec();
        changed[40] = b'R';
        let other_bytes = facts(&cache, Dialect::MySql, &changed, &[]);
        assert!(!other_bytes.cached());
        assert!(facts(&cache, Dialect::MySql, SQL, &[]).cached());
    }

    #[test]
    fn long_statements_and_statements_of_many_tokens_are_never_kept() {
        let cache = StatementCache::new();
        let long = format!("SELECT '{}'", "x".repeat(MAX_CACHED_STATEMENT));
        let many = format!("SELECT 1{}", ",1".repeat(MAX_CACHED_TOKENS / 2));
        assert!(many.len() <= MAX_CACHED_STATEMENT);
        for sql in [long, many] {
            let found: Vec<bool> = (0..3)
                .map(|_| facts(&cache, Dialect::H2, sql.as_bytes(), &[]).cached())
                .collect();
            assert_eq!(found, [false, false, false], "{} bytes", sql.len());
        }
        let fits = format!("SELECT 1{}", ",1".repeat(MAX_CACHED_TOKENS / 2 - 2));
        let found: Vec<bool> = (0..3)
            .map(|_| facts(&cache, Dialect::H2, fits.as_bytes(), &[]).cached())
            .collect();
        assert_eq!(found, [false, false, true]);
    }

    #[test]
    fn threads_sharing_the_cache_always_get_their_own_statements_facts() {
        // More statements than the cache holds, checked from several threads at once, in
        // different orders: sets are busy, entries evicted and kept again. Each statement's
        // sink hits are its own index, so facts handed to the wrong statement would show.
        let cache = StatementCache::new();
        let statements: Vec<String> = (0..SETS * WAYS * 2)
            .map(|i| format!("SELECT a FROM t{i} WHERE b LIKE '%x y {i}%'"))
            .collect();
        let found_kept = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let (cache, statements, found_kept) = (&cache, &statements, &found_kept);
                scope.spawn(move || {
                    for round in 0..6 {
                        for k in 0..statements.len() {
                            // Half the statements hot (every round twice), half cold.
                            let i = (k * (2 * thread + 1) + round) % statements.len();
                            let i = if k % 2 == 0 { i % 16 } else { i };
                            let sql = statements[i].as_bytes();
                            let found = facts(cache, Dialect::H2, sql, &[i]);
                            assert_eq!(found.facts().sink_hits(), Some(&[i][..]), "statement {i}");
                            assert_eq!(
                                found.facts().lexed(),
                                &LexedStatement::lex(Dialect::H2, sql),
                                "statement {i}"
                            );
                            if found.cached() {
                                found_kept.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                });
            }
        });
        assert!(
            found_kept.into_inner() > 0,
            "the hot statements were found kept"
        );
    }

    #[test]
    fn a_busy_set_computes_without_waiting_or_keeping() {
        let cache = StatementCache::new();
        facts(&cache, Dialect::H2, SQL, &[]);
        let held = cache.sets[set_index(key_hash(Dialect::H2, SQL), SETS)]
            .lock()
            .unwrap();
        let found = facts(&cache, Dialect::H2, SQL, &[]);
        assert!(!found.cached());
        assert_eq!(
            found.facts().lexed(),
            &LexedStatement::lex(Dialect::H2, SQL)
        );
        drop(held);
        assert!(
            !facts(&cache, Dialect::H2, SQL, &[]).cached(),
            "nothing was kept while busy"
        );
        assert!(facts(&cache, Dialect::H2, SQL, &[]).cached());
    }
}
