//! The native work of one trivial request that reaches SQL, as the agent drives it: decode the
//! request record and open its context, check the statement the load test's `by-name`
//! endpoint runs (with the default rules), drop the context. Repeated `N` times, for counting
//! instructions per request where wall time is too noisy (a shared machine):
//!
//! ```sh
//! cargo run --release -p rasp-cli -- rules compile rules -o /tmp/default.rules
//! cargo build --release -p rasp-benches --example request_path
//! for n in 1000 2000; do valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
//!     target/release/examples/request_path /tmp/default.rules $n 2>&1 | grep 'I *refs'; done
//! ```
//!
//! The difference of the two counts over 1000 is the instructions one request costs (loading
//! the rules cancels out). The statement contains the request's parameter (`alice`), so the
//! check takes the path of a benign request whose input reaches the statement. A third argument,
//! `search`, runs the load test's `search` request instead (`q=red running shoes` in two `LIKE`
//! patterns): a value with spaces, so it is searched for, found, and the statement lexed. A
//! fourth, `shared`, opens the contexts through the engine's context cache as the agent does
//! (the load test repeats one request, so all but the first share its compiled inputs, and from
//! the third on the statement is found lexed): `request_path <rules> N by-name|search shared`.
//! `search-distinct` sends a new term every request instead (the load test's `{n}` workload):
//! no record and no statement is ever shared or found kept, only the statement's shape (from
//! the third request on the statement is judged without lexing, `rasp_engine::statement_shapes`).
//! Its requests are built before the loop, so count it with callgrind and
//! `--toggle-collect='rasp_engine::engine::Engine::check_sql*'` (and
//! `'rasp_engine::context_cache::ContextCache::open'`), not by the difference of two totals.
//! With `REQUEST_PATH_COLD` set it writes 4 MiB between two of those requests, as the
//! application's own work would, so that cachegrind's simulator (`--cache-sim=yes
//! --LL=2097152,16,64`, the L2 as the last level) counts the lines a distinct request's engine
//! work brings back: docs/overhead-log.md, "Issue 13, twentieth round".

use std::hint::black_box;
use std::sync::Arc;

use rasp_benches::{load_request, load_request_to};
use rasp_engine::rules::{BackendChoice, RuleSet};
use rasp_engine::sql::Dialect;
use rasp_engine::wire::RequestRecord;
use rasp_engine::{ContextLimits, Engine, EngineConfig, RequestContext, SqlApi, SqlSink};

const STATEMENT: &str =
    "SELECT id, name, email, role FROM users WHERE name = 'alice' AND role <> 'locked'";
const SEARCH_STATEMENT: &str = "SELECT id, name, email, role FROM users WHERE name LIKE \
     '%red running shoes%' OR email LIKE '%red running shoes%' ORDER BY id";

fn main() {
    let mut args = std::env::args().skip(1);
    let rules = args
        .next()
        .expect("usage: request_path <compiled rules file> [N]");
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let bytes = std::fs::read(&rules).unwrap_or_else(|e| panic!("cannot read {rules}: {e}"));
    let set = RuleSet::load(&bytes, BackendChoice::Auto).expect("the rules load");
    let engine = Engine::with_rules(EngineConfig::default(), Arc::new(set)).expect("configuration");
    let which = args.next();
    // `shared` opens each context through the engine's context cache, as the agent does: from
    // the second request on, the inputs are the first one's (and so are their signature hits).
    let shared = args.next().as_deref() == Some("shared");
    let (request, statement) = match which.as_deref() {
        Some("search") => (
            load_request_to("/h2/users/search", "q=red%20running%20shoes"),
            SEARCH_STATEMENT,
        ),
        _ => (load_request(), STATEMENT),
    };
    let sink = SqlSink {
        dialect: Dialect::H2,
        api: SqlApi::ExecuteQuery,
        statement: statement.as_bytes(),
    };
    if which.as_deref() == Some("search-distinct") {
        let cold = std::env::var_os("REQUEST_PATH_COLD").is_some();
        return distinct_searches(&engine, n, cold);
    }
    for _ in 0..n {
        let context = if shared {
            let Ok(opened) = engine.open_context(black_box(&request)) else {
                continue;
            };
            opened.context
        } else {
            let Ok(record) = RequestRecord::decode(black_box(&request)) else {
                continue;
            };
            RequestContext::open(record, ContextLimits::default())
        };
        let verdict = engine.check_sql(&context, black_box(&sink));
        assert!(
            verdict.action == rasp_engine::Action::Allow,
            "the benign request must be allowed"
        );
        drop(black_box(context));
    }
}

/// `search-distinct`: a new term every request (`red running shoes <i>`), as the load test's
/// `{n}` workload sends, opened through the context cache: no record and no statement is ever
/// seen twice. The requests are built first; count them with `--toggle-collect` on
/// `Engine::open_context` and `Engine::check_sql` (callgrind), which leaves the building out.
fn distinct_searches(engine: &Engine, n: usize, cold: bool) {
    let mut application = vec![0u8; if cold { 4 << 20 } else { 0 }];
    let requests: Vec<(Vec<u8>, String)> = (0..n)
        .map(|i| {
            let query = format!("q=red%20running%20shoes%20{i}");
            let statement =
                SEARCH_STATEMENT.replace("red running shoes", &format!("red running shoes {i}"));
            (load_request_to("/h2/users/search", &query), statement)
        })
        .collect();
    for (record, statement) in &requests {
        evict(&mut application);
        let Ok(opened) = engine.open_context(black_box(record)) else {
            continue;
        };
        let sink = SqlSink {
            dialect: Dialect::H2,
            api: SqlApi::ExecuteQuery,
            statement: statement.as_bytes(),
        };
        let verdict = engine.check_sql(&opened.context, black_box(&sink));
        assert!(
            verdict.action == rasp_engine::Action::Allow,
            "the benign request must be allowed"
        );
        drop(black_box(opened));
    }
}

/// The application's work between two requests, as the engine's caches see it: 4 MiB written
/// (`REQUEST_PATH_COLD`), twice an L2's size, so what a request's engine work touches comes back
/// from farther away, as in a running server. Count cache misses with cachegrind's simulator
/// (`--cache-sim=yes --LL=2097152,16,64`, the L2 as the last level) and the toggle above.
#[inline(never)]
fn evict(application: &mut [u8]) {
    for line in application.chunks_mut(64) {
        line[0] = line[0].wrapping_add(1);
    }
    black_box(application);
}
