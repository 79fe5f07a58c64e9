//! `cargo bench -p rasp-benches`: the cost of a SQL check on the agent's hot path.
//!
//! Groups (results in `target/criterion/<group>/<function>/<size>/new/estimates.json`):
//!
//! * `check_sql/{none,benign,attack}/{100B,1KB,16KB}`: [`Engine::check_sql`] with the default
//!   configuration and a context of 20 inputs; see `rasp_benches` for the scenarios. The same
//!   statement is checked again and again, so from its second check on the engine has it
//!   lexed (and scanned by the rules) already (`rasp_engine::statement_cache`; not the 16KB
//!   one, which is over its limit). `{benign,attack}-unseen/{100B,1KB}` check
//!   [`UNSEEN_VARIANTS`] statements that differ by a leading comment, one after the other, more
//!   than the cache holds: every check lexes and scans, as for statements never seen before.
//!   `benign-new-term/{100B,1KB}` checks statements whose literal holds a new value each time,
//!   each with a request of its own carrying that value, as a search box sends: no statement
//!   repeats, but its shape does (`rasp_engine::statement_shapes`). Each request's input
//!   signatures were scanned at its first check (the contexts are checked in turn).
//! * `memmem_baseline/needle8/{100B,1KB,16KB}`: one `memchr::memmem` search for an absent
//!   8-byte needle over the same statement, with the searcher built beforehand as the
//!   context's automaton is. Figures are best quoted as ratios to this baseline, measured in
//!   the same run on the same machine.
//! * `check_sql_first/none/{100B,1KB,16KB}`: the first check of a request, on a fresh context
//!   (its creation not timed): the per-value finders before the context builds its
//!   multi-pattern searcher (after 8 checks, or at once for a sink of 4 KiB or more).
//! * `context/new/20-inputs`: [`RequestContext::new`] from a request record with about twenty
//!   headers and parameters (extraction, decoding and building the per-value finders).
//! * `context/open/load-request`: decoding the record of a load-test request (`benches/load`: a
//!   path, one query parameter, a Host header) and [`RequestContext::new`], as for a record the
//!   engine has not seen twice. `context/open-repeated/load-request`: the same record opened as
//!   openContext does ([`Engine::open_context`]), where every request after the second shares
//!   the inputs compiled for an earlier one.
//! * `check_sql_rules/{none,benign,attack}/{100B,1KB,16KB}`: `check_sql` as above, with the
//!   default rule set (`rules/`, compiled in-process, backend `auto`) loaded: the difference
//!   to `check_sql` is the cost of the rules (one scan of the statement by the `sink.sql`
//!   database, and the cached input signature hits).
//! * `check_sql_rules_first/none/{100B,1KB,16KB}`: the first check of a request with the rule
//!   set: it also scans the twenty inputs with the `input` database, once per request.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use rasp_benches::{
    context, inputs_with, load_request, record, statement, Scenario, BENIGN_VALUE, DIALECT, SIZES,
};
use rasp_engine::rules::{compile_dir, BackendChoice, RuleSet};
use rasp_engine::wire::RequestRecord;
use rasp_engine::{ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};

/// Absent from every statement.
const NEEDLE: &[u8; 8] = b"zq#8&x!w";

/// Distinct statements an `-unseen` benchmark cycles through: more than the engine's statement
/// cache holds and remembers having seen, so that none is ever found there.
const UNSEEN_VARIANTS: usize = 512;

/// An engine with the default rule set, compiled from `rules/` in this process.
fn engine_with_default_rules() -> Engine {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules");
    let compiled = compile_dir(&dir).unwrap_or_else(|diags| {
        let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
        panic!("the default rules do not compile:\n{}", lines.join("\n"))
    });
    let set = RuleSet::load(&compiled.bytes, BackendChoice::Auto).expect("the default rules load");
    Engine::with_rules(EngineConfig::default(), Arc::new(set)).expect("default configuration")
}

fn check_sql(c: &mut Criterion) {
    check_sql_with(c, "check_sql", &Engine::new(EngineConfig::default()));
}

fn check_sql_rules(c: &mut Criterion) {
    check_sql_with(c, "check_sql_rules", &engine_with_default_rules());
}

fn check_sql_with(c: &mut Criterion, name: &str, engine: &Engine) {
    let mut group = c.benchmark_group(name);
    for (size, label) in SIZES {
        for scenario in Scenario::ALL {
            let ctx = context(scenario);
            let sql = statement(size, scenario);
            group.throughput(Throughput::Bytes(sql.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(scenario.name(), label),
                sql.as_bytes(),
                |b, sql| {
                    b.iter(|| {
                        engine.check_sql(
                            black_box(&ctx),
                            &SqlSink {
                                dialect: DIALECT,
                                api: SqlApi::ExecuteQuery,
                                statement: black_box(sql),
                            },
                        )
                    })
                },
            );
            if scenario == Scenario::None || size > 1024 {
                continue;
            }
            if scenario == Scenario::Benign {
                // A new value in the literal every check, each with its own request: after the
                // first two, judged by the statement's shape without lexing.
                let terms: Vec<(RequestContext, String)> = (0..UNSEEN_VARIANTS)
                    .map(|i| {
                        let value = format!("{BENIGN_VALUE} {i}");
                        let ctx = RequestContext::from_inputs(
                            inputs_with("city", &value),
                            ContextLimits::default(),
                        );
                        (ctx, sql.replace(BENIGN_VALUE, &value))
                    })
                    .collect();
                let mut next = 0;
                group.bench_function(BenchmarkId::new("benign-new-term", label), |b| {
                    b.iter(|| {
                        next = (next + 1) % UNSEEN_VARIANTS;
                        let (ctx, sql) = &terms[next];
                        engine.check_sql(
                            black_box(ctx),
                            &SqlSink {
                                dialect: DIALECT,
                                api: SqlApi::ExecuteQuery,
                                statement: black_box(sql.as_bytes()),
                            },
                        )
                    })
                });
            }
            let variants: Vec<String> = (0..UNSEEN_VARIANTS)
                .map(|i| format!("/* {i:03} */ {sql}"))
                .collect();
            let mut next = 0;
            group.bench_function(
                BenchmarkId::new(format!("{}-unseen", scenario.name()), label),
                |b| {
                    b.iter(|| {
                        next = (next + 1) % UNSEEN_VARIANTS;
                        engine.check_sql(
                            black_box(&ctx),
                            &SqlSink {
                                dialect: DIALECT,
                                api: SqlApi::ExecuteQuery,
                                statement: black_box(variants[next].as_bytes()),
                            },
                        )
                    })
                },
            );
        }
    }
    group.finish();
}

fn check_sql_first(c: &mut Criterion) {
    check_sql_first_with(c, "check_sql_first", &Engine::new(EngineConfig::default()));
}

fn check_sql_rules_first(c: &mut Criterion) {
    check_sql_first_with(c, "check_sql_rules_first", &engine_with_default_rules());
}

fn check_sql_first_with(c: &mut Criterion, name: &str, engine: &Engine) {
    let mut group = c.benchmark_group(name);
    for (size, label) in SIZES {
        let sql = statement(size, Scenario::None);
        group.throughput(Throughput::Bytes(sql.len() as u64));
        group.bench_with_input(BenchmarkId::new("none", label), sql.as_bytes(), |b, sql| {
            b.iter_batched_ref(
                || context(Scenario::None),
                |ctx| {
                    engine.check_sql(
                        ctx,
                        &SqlSink {
                            dialect: DIALECT,
                            api: SqlApi::ExecuteQuery,
                            statement: black_box(sql),
                        },
                    )
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn memmem_baseline(c: &mut Criterion) {
    let finder = memchr::memmem::Finder::new(NEEDLE);
    let mut group = c.benchmark_group("memmem_baseline");
    for (size, label) in SIZES {
        let sql = statement(size, Scenario::None);
        assert!(finder.find(sql.as_bytes()).is_none());
        group.throughput(Throughput::Bytes(sql.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("needle8", label),
            sql.as_bytes(),
            |b, sql| b.iter(|| finder.find(black_box(sql))),
        );
    }
    group.finish();
}

fn context_creation(c: &mut Criterion) {
    let rec = record();
    let mut group = c.benchmark_group("context");
    group.bench_function(BenchmarkId::new("new", "20-inputs"), |b| {
        b.iter(|| RequestContext::new(black_box(&rec), ContextLimits::default()))
    });
    // What openContext does for a request of the load test (benches/load): decode the record
    // the agent sent, build the context, drop it at close.
    let load = load_request();
    group.bench_function(BenchmarkId::new("open", "load-request"), |b| {
        b.iter(|| {
            let rec = RequestRecord::decode(black_box(&load)).expect("valid");
            RequestContext::open(rec, ContextLimits::default())
        })
    });
    let engine = Engine::new(EngineConfig::default());
    group.bench_function(BenchmarkId::new("open-repeated", "load-request"), |b| {
        b.iter(|| {
            engine
                .open_context(black_box(&load))
                .expect("valid")
                .context
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = check_sql, check_sql_first, memmem_baseline, context_creation, check_sql_rules,
        check_sql_rules_first
}
criterion_main!(benches);
