//! Compiled inputs shared by requests whose records are byte for byte the same.
//!
//! Opening a context decodes the record, extracts every input with its derived forms and
//! builds the matcher: about 7,000 instructions for the load test's one-parameter request and
//! 30,000 for a browser's, and in a running application, where that code and its data come
//! cold, 3-4 us a request. Many requests repeat another exactly: a health check, a poll, a
//! client that sends the same query with the same headers. What they compile to is a function
//! of the record's bytes and the limits alone, so the later ones share the first one's
//! (`RequestContext::sharing`), with what it worked out on first use (signature hits, the
//! route, the matcher's searchers): a hash of the record, a comparison and a reference count.
//! Each still has its own request number (the id its events carry), and a body or a captured
//! value makes a snapshot of its own, as for any request.
//!
//! A record is kept the second time it is seen (the first time only its hash is remembered,
//! in a few slots a set), so a stream of distinct requests pays a hash and a lookup each, not
//! an allocation. The cache is set-associative like the rule set's signature cache (both are
//! arrays of `cache_set::CacheSet`): [`SETS`] sets of [`WAYS`] records, the one used least
//! recently replaced, each set taken with `try_lock` (a busy set means compiling, never
//! waiting). Records over [`MAX_CACHED_RECORD`] bytes are never kept, which bounds what it
//! holds at [`SETS`] x [`WAYS`] such records and what they compile to.
//!
//! The cache belongs to one [`Engine`](crate::Engine): a rule reload or a new configuration
//! builds a new engine and so starts an empty cache, and no context compiled under other
//! limits, or holding another rule set's signature hits, is handed out. As to timing, a request
//! whose record another sent recently opens a few microseconds sooner; to learn anything from
//! that, a client has to know the whole record already, cookies included.

use std::sync::{Arc, Mutex};

use crate::cache_set::{hash_of, set_index, SecondSighting, Sighting};
use crate::context::{CompiledRequest, ContextLimits, RequestContext};
use crate::wire::{RequestRecord, WireError};

/// Records longer than this are compiled for every request: a long record (a large cookie, many
/// headers) is rarely repeated exactly, and it would make the cache large.
pub const MAX_CACHED_RECORD: usize = 2048;

/// Sets in one engine's cache.
pub const SETS: usize = 64;

/// Records one set holds.
pub const WAYS: usize = 4;

/// Hashes of records seen once, per set: a record seen again while its hash is here is kept.
const SEEN: usize = 4;

/// A new request's context, and whether its inputs are another request's.
#[derive(Debug)]
pub struct Opened {
    pub context: RequestContext,
    /// True when the inputs were compiled for an earlier request with the same record.
    pub shared: bool,
}

/// Requests' compiled inputs, by their record, compiled under one engine's limits.
pub struct ContextCache {
    limits: ContextLimits,
    sets: Box<[Mutex<SecondSighting<Entry, WAYS, SEEN>>]>,
}

struct Entry {
    record: Box<[u8]>,
    compiled: Arc<CompiledRequest>,
}

impl ContextCache {
    /// An empty cache whose requests are compiled under `limits`.
    pub fn new(limits: ContextLimits) -> ContextCache {
        ContextCache {
            limits,
            sets: (0..SETS).map(|_| Mutex::default()).collect(),
        }
    }

    /// The context of a new request whose record (`openContext`'s encoding) is `record`:
    /// sharing the inputs compiled for an earlier request with the same record, or compiled now (and kept, when this record was seen before). An undecodable record is an
    /// error, as for [`RequestRecord::decode`], and is never kept.
    pub fn open(&self, record: &[u8]) -> Result<Opened, WireError> {
        if record.len() > MAX_CACHED_RECORD {
            return self.compiled(record);
        }
        let hash = hash_of(record);
        let set = &self.sets[set_of(hash)];
        let keep = match set.try_lock() {
            Ok(mut set) => match set.lookup(hash, |e| *e.record == *record) {
                Sighting::Kept(entry) => {
                    return Ok(Opened {
                        context: RequestContext::sharing(Arc::clone(&entry.compiled)),
                        shared: true,
                    })
                }
                Sighting::Second => true,
                Sighting::First => false,
            },
            Err(_) => false,
        };
        // Compiled outside the lock: another thread opening a request of this set never waits.
        let opened = self.compiled(record)?;
        if keep {
            if let Ok(mut set) = set.try_lock() {
                let entry = Entry {
                    record: record.into(),
                    compiled: Arc::clone(opened.context.compiled()),
                };
                set.put(hash, entry, |e| *e.record == *record);
            }
        }
        Ok(opened)
    }

    /// A context compiled for this request.
    fn compiled(&self, record: &[u8]) -> Result<Opened, WireError> {
        Ok(Opened {
            context: RequestContext::open(RequestRecord::decode(record)?, self.limits),
            shared: false,
        })
    }
}

fn set_of(hash: u64) -> usize {
    set_index(hash, SETS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Dialect;
    use crate::wire::CapturedInput;
    use crate::{Action, Engine, EngineConfig, Mode, SqlApi, SqlSink};

    fn record(query: &str) -> Vec<u8> {
        RequestRecord {
            method: "GET".into(),
            uri: "/users/by-name".into(),
            query: query.into(),
            remote_addr: "127.0.0.1".into(),
            content_type: "application/json".into(),
            headers: vec![("Host".into(), "127.0.0.1:8080".into())],
        }
        .encode()
    }

    fn fresh(record: &[u8], limits: ContextLimits) -> RequestContext {
        RequestContext::open(RequestRecord::decode(record).unwrap(), limits)
    }

    fn shares(a: &RequestContext, b: &RequestContext) -> bool {
        a.shares_inputs_with(b)
    }

    #[test]
    fn a_record_seen_again_is_kept_and_shared_from_then_on() {
        let limits = ContextLimits::default();
        let cache = ContextCache::new(limits);
        let bytes = record("name=alice");
        let opened: Vec<Opened> = (0..4).map(|_| cache.open(&bytes).unwrap()).collect();
        let shared: Vec<bool> = opened.iter().map(|o| o.shared).collect();
        assert_eq!(
            shared,
            [false, false, true, true],
            "kept at the second sighting"
        );
        let [first, second, third, fourth]: [RequestContext; 4] = opened
            .into_iter()
            .map(|o| o.context)
            .collect::<Vec<_>>()
            .try_into()
            .expect("four");
        assert!(
            !shares(&first, &second),
            "seen once: only its hash was kept"
        );
        assert!(shares(&second, &third) && shares(&third, &fourth));
        let expected = fresh(&bytes, limits);
        for ctx in [&first, &second, &third, &fourth] {
            assert_eq!(ctx.inputs(), expected.inputs());
            assert_eq!(ctx.summary(), expected.summary());
            assert_eq!(ctx.overflowed(), expected.overflowed());
        }
        let ids = [first.id(), second.id(), third.id(), fourth.id()];
        for (k, id) in ids.iter().enumerate() {
            assert!(!ids[k + 1..].contains(id), "every request has its own id");
        }
    }

    #[test]
    fn records_that_differ_by_a_byte_never_share() {
        let limits = ContextLimits::default();
        let cache = ContextCache::new(limits);
        let (a, b) = (record("name=alice"), record("name=alicf"));
        for _ in 0..3 {
            cache.open(&a).unwrap();
            cache.open(&b).unwrap();
        }
        let (ca, cb) = (
            cache.open(&a).unwrap().context,
            cache.open(&b).unwrap().context,
        );
        assert!(!shares(&ca, &cb));
        assert_eq!(ca.inputs(), fresh(&a, limits).inputs());
        assert_eq!(cb.inputs(), fresh(&b, limits).inputs());
    }

    /// A cache belongs to one engine and compiles under its limits: the engine that replaces it
    /// after a reload (other limits) starts another cache, so nothing compiled under one set of
    /// limits is handed out under another.
    #[test]
    fn each_cache_compiles_under_its_own_limits() {
        let bytes = record("name=alice&role=a%20very%20long%20value");
        let roomy = ContextCache::new(ContextLimits::default());
        let tight = ContextCache::new(ContextLimits {
            max_input_bytes: 12,
        });
        for round in 0..4 {
            let (r, t) = (roomy.open(&bytes).unwrap(), tight.open(&bytes).unwrap());
            assert_eq!(
                (r.shared, t.shared),
                (round >= 2, round >= 2),
                "round {round}"
            );
            assert!(
                t.context.overflowed(),
                "round {round}: compiled under the tight limits"
            );
            assert!(!r.context.overflowed(), "round {round}");
            assert!(!r.context.shares_inputs_with(&t.context));
        }
    }

    #[test]
    fn long_and_undecodable_records_are_never_kept() {
        let limits = ContextLimits::default();
        let cache = ContextCache::new(limits);
        let long = record(&format!("q={}", "x".repeat(MAX_CACHED_RECORD)));
        let opened: Vec<_> = (0..3).map(|_| cache.open(&long).unwrap().context).collect();
        assert!(!shares(&opened[1], &opened[2]));
        let mut bad = record("name=alice");
        bad.truncate(bad.len() - 3);
        for _ in 0..3 {
            assert!(cache.open(&bad).is_err(), "an error every time");
        }
    }

    #[test]
    fn a_body_or_captured_value_stays_with_its_own_request() {
        let limits = ContextLimits::default();
        let cache = ContextCache::new(limits);
        let bytes = record("name=alice");
        let opened: Vec<_> = (0..4)
            .map(|_| cache.open(&bytes).unwrap().context)
            .collect();
        let (a, b) = (&opened[2], &opened[3]);
        assert!(shares(a, b));
        let with_body = a.with_body(br#"{"name":"x' OR 1=1--"}"#, false);
        let with_value = a
            .with_captured(&[CapturedInput {
                source: crate::input::InputSource::Parameter,
                name: "n".into(),
                value: "y' OR 2=2--".into(),
            }])
            .expect("a new value");
        assert_eq!(with_body.id(), a.id());
        assert_eq!(with_value.id(), a.id());
        let has = |ctx: &RequestContext, v: &str| ctx.inputs().iter().any(|i| i.value == v);
        assert!(has(&with_body, "x' OR 1=1--") && has(&with_value, "y' OR 2=2--"));
        for ctx in [a, b, &cache.open(&bytes).unwrap().context] {
            assert!(!has(ctx, "x' OR 1=1--") && !has(ctx, "y' OR 2=2--"));
        }
    }

    /// The engine's verdicts do not depend on whether a request's inputs were compiled for it or
    /// shared: an injection is blocked at every repetition of its request, each event with that
    /// request's own id, and the benign twin is allowed every time.
    #[test]
    fn every_repetition_of_a_request_gets_the_same_verdict() {
        let config = EngineConfig {
            mode: Mode::Block,
            ..EngineConfig::default()
        };
        let engine = Engine::new(config);
        let check = |query: &str, statement: &str| {
            let ctx = engine.open_context(&record(query)).unwrap().context;
            let verdict = engine.check_sql(
                &ctx,
                &SqlSink {
                    dialect: Dialect::H2,
                    api: SqlApi::ExecuteQuery,
                    statement: statement.as_bytes(),
                },
            );
            (ctx.id(), verdict)
        };
        let mut ids = Vec::new();
        for _ in 0..5 {
            let (id, verdict) = check(
                "name=x%27%20OR%20%271%27%3D%271",
                "SELECT * FROM users WHERE name = 'x' OR '1'='1'",
            );
            assert_eq!(verdict.action, Action::Block);
            let event = verdict.event.expect("an event");
            assert_eq!(event.request_id, id);
            ids.push(id);
            let (_, benign) = check(
                "name=alice%20smith",
                "SELECT * FROM users WHERE name = 'alice smith'",
            );
            assert_eq!(benign.action, Action::Allow);
        }
        ids.dedup();
        assert_eq!(ids.len(), 5, "one id per request");
    }

    #[test]
    fn threads_opening_the_same_and_other_records_get_what_compiling_gives() {
        let limits = ContextLimits::default();
        let cache = ContextCache::new(limits);
        let records: Vec<Vec<u8>> = (0..3 * SETS * WAYS)
            .map(|i| record(&format!("name=user{}", i % 40)))
            .collect();
        let expected: Vec<RequestContext> = records.iter().map(|r| fresh(r, limits)).collect();
        std::thread::scope(|s| {
            for t in 0..4 {
                let (cache, records, expected) = (&cache, &records, &expected);
                s.spawn(move || {
                    for round in 0..5 {
                        for (r, e) in records.iter().zip(expected).skip((t + round) % 7) {
                            let ctx = cache.open(r).unwrap().context;
                            assert_eq!(ctx.inputs(), e.inputs());
                        }
                    }
                });
            }
        });
    }
}
