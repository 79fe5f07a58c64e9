//! How many heap allocations decoding a request record and opening its context takes, and a
//! SQL check of a statement the engine has seen before.
//!
//! Opening a context is the native work every request that reaches a sink pays for, and under
//! glibc's allocator most of it used to be allocator work: one `String` per record field, per
//! input name and value, per matcher value. Short strings are now held inline
//! ([`rasp_engine::input::CompactString`]) and the input and matcher vectors are sized up front,
//! so a trivial request's open is a handful of allocations whatever its inputs. These tests count
//! them with a counting global allocator (`stats_alloc`), so that a change that brings the
//! per-string allocations back fails here rather than only in a benchmark.

use std::alloc::System;
use std::sync::Mutex;

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};

use rasp_engine::input::{Input, InputSource};
use rasp_engine::sql::Dialect;
use rasp_engine::wire::RequestRecord;
use rasp_engine::{Action, ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counts are process-wide: the tests of this file take turns, so one's allocations never
/// land in another's count.
static SERIAL: Mutex<()> = Mutex::new(());

fn allocations_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let region = Region::new(GLOBAL);
    let value = f();
    let change = region.change();
    (value, change.allocations + change.reallocations)
}

/// The fewest allocations `f` made in `TRIES` runs. The count is process-wide, and the test
/// harness's own thread allocates when a test ends (its result, its output) while the next one
/// may already be counting: that only ever adds, so the fewest is `f`'s own.
fn fewest_allocations<T>(mut f: impl FnMut() -> T) -> (T, usize) {
    const TRIES: usize = 5;
    let mut best = allocations_of(&mut f);
    for _ in 1..TRIES {
        let next = allocations_of(&mut f);
        if next.1 < best.1 {
            best = next;
        }
    }
    best
}

/// The load test's `by-name` request: a path, one query parameter, a Host header.
fn trivial() -> Vec<u8> {
    RequestRecord {
        method: "GET".into(),
        uri: "/h2/users/by-name".into(),
        query: "name=alice".into(),
        remote_addr: "127.0.0.1".into(),
        content_type: Default::default(),
        headers: vec![("host".into(), "127.0.0.1:8080".into())],
    }
    .encode()
}

#[test]
fn a_trivial_request_opens_in_a_handful_of_allocations() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let bytes = trivial();
    // Warm up whatever is made once per process (the request id's process tag, ...).
    drop(RequestContext::open(
        RequestRecord::decode(&bytes).expect("decodes"),
        ContextLimits::default(),
    ));
    let (context, n) = fewest_allocations(|| {
        let record = RequestRecord::decode(&bytes).expect("decodes");
        RequestContext::open(record, ContextLimits::default())
    });
    // The header vector, the input vector, the matcher's three: 5. Each field and input as its
    // own String made it 30.
    assert!(
        n <= 6,
        "{n} allocations to open a trivial request's context"
    );
    // The inline strings are the request's, unchanged.
    assert!(context
        .inputs()
        .iter()
        .any(|i| i.source == InputSource::Query && i.name == "name" && i.value == "alice"));
    assert!(context
        .inputs()
        .iter()
        .any(|i| i.source == InputSource::Header && i.value == "127.0.0.1:8080"));
    assert_eq!(context.summary().path, "/h2/users/by-name");
}

#[test]
fn long_values_are_kept_whole() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Past what a string holds inline (24 bytes): these take the heap, and must come out intact.
    let agent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    let value = format!("{}' OR '1'='1", "x".repeat(40));
    let bytes = RequestRecord {
        method: "GET".into(),
        uri: "/a/very/long/path/segment-that-is-longer-than-inline".into(),
        query: format!("q={value}").into(),
        remote_addr: "2001:db8:85a3::8a2e:370:7334".into(),
        content_type: Default::default(),
        headers: vec![("user-agent".into(), agent.into())],
    }
    .encode();
    let context = RequestContext::open(
        RequestRecord::decode(&bytes).expect("decodes"),
        ContextLimits::default(),
    );
    assert!(context
        .inputs()
        .iter()
        .any(|i| i.source == InputSource::Query && i.value == value.as_str()));
    assert!(context
        .inputs()
        .iter()
        .any(|i| i.source == InputSource::Header && i.name == "user-agent" && i.value == agent));
    assert!(context
        .inputs()
        .iter()
        .any(|i| i.source == InputSource::Path && i.value == "segment-that-is-longer-than-inline"));
    assert_eq!(context.summary().client, "2001:db8:85a3::8a2e:370:7334");
}

/// The load test's `search` statement, its value in two `LIKE` literals: from its third check on
/// the engine has its tokens (`rasp_engine::statement_cache`), so the check allocates only for
/// this request's occurrences, not for lexing.
#[test]
fn a_statement_checked_again_is_not_lexed_again() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ctx = RequestContext::from_inputs(
        vec![Input::value(InputSource::Query, "q", "red running shoes")],
        ContextLimits::default(),
    );
    let sql = "SELECT id, name, email, role FROM users WHERE name LIKE '%red running shoes%' \
               OR email LIKE '%red running shoes%' ORDER BY id";
    let check = |engine: &Engine, sql: &str| {
        let sink = SqlSink {
            dialect: Dialect::H2,
            api: SqlApi::ExecuteQuery,
            statement: sql.as_bytes(),
        };
        let action = engine.check_sql(&ctx, &sink).action;
        assert_eq!(action, Action::Allow, "{sql}");
    };
    // Whatever the context builds on its first checks.
    check(
        &Engine::new(EngineConfig::default()),
        "SELECT 1 FROM t WHERE a = 'red running shoes'",
    );
    // The statement's first check, on a new engine each time: lexed, nothing kept.
    let engines: Vec<Engine> = (0..5)
        .map(|_| Engine::new(EngineConfig::default()))
        .collect();
    let mut fresh = engines.iter();
    let (_, first) = fewest_allocations(|| check(fresh.next().expect("an engine a try"), sql));
    // Its second check, on a new engine each time after one check: lexed and kept.
    let engines: Vec<Engine> = (0..5)
        .map(|_| {
            let engine = Engine::new(EngineConfig::default());
            check(&engine, sql);
            engine
        })
        .collect();
    let mut seen_once = engines.iter();
    let (_, second) = fewest_allocations(|| check(seen_once.next().expect("an engine a try"), sql));
    // From then on: found.
    let engine = Engine::new(EngineConfig::default());
    check(&engine, sql);
    check(&engine, sql);
    let (_, found) = fewest_allocations(|| check(&engine, sql));
    // Lexing is the token vector; keeping the facts the statement's copy and their `Arc`, and
    // keeping its shape (`statement_shapes`) the text around the input and where it was cut,
    // only at the second sighting (a statement never seen again costs the caches no allocation).
    assert!(
        found + 1 == first && first + 4 == second,
        "allocations per check: {first} first, {second} second, {found} found"
    );
    // The occurrences and their classification: 2 (an occurrence's significant tokens are on
    // the stack when there are 16 or fewer).
    assert!(
        found <= 2,
        "{found} allocations to check a statement found kept"
    );
}
