//! Opens `N` contexts of the load-test request and `N` of the 20-input request, for counting
//! instructions per open where wall time is too noisy (a shared machine):
//!
//! ```sh
//! cargo build --release -p rasp-benches --example context_open
//! for n in 1000 2000; do valgrind --tool=cachegrind --cache-sim=no \
//!     --cachegrind-out-file=/dev/null target/release/examples/context_open $n 2>&1 | grep 'I *refs'; done
//! ```
//!
//! The difference of the two counts over 1000 is the instructions one pair of opens costs
//! (start-up cancels out); a second argument `load` or `new` opens only that one. `benches/context-ab/run` compares builds in wall time.
//!
//! `check` opens the load-test request and makes its first (and only) SQL check, the statement
//! the test application builds (the input occurs, as a literal), with the rule file given as a
//! third argument (`java-agent/agent/target/generated-rules/default.rules` after a Maven build;
//! loading it, unlike compiling the rules, takes a few milliseconds): what `openContext` and
//! `checkSql` cost together for each request of `benches/load`'s `by-name`, compiling the
//! request's inputs each time (a request whose record the engine has not seen before);
//! `check-repeated` opens it as `openContext` does (`Engine::open_context`): from the third
//! request on, the inputs compiled for an earlier one with the same record are shared
//! (`rasp_engine::context_cache`); `check-distinct` opens a record of its own per request that
//! way (the `Host` port counts up), which the cache never helps, and `check-distinct-fresh`
//! compiles the same records without the cache (the difference is what the cache costs a
//! request it does not help). A fourth argument
//! sets the `Host` header's port (default 8080): the server's port is part of a value every
//! request carries, so it decides which cache slots the request's values share.
//! `CONTEXT_OPEN_REQUEST=search` makes the `check*` modes use the load test's `search` request and
//! statement instead (`q=red running shoes`, in two `LIKE` literals: the input is in the statement,
//! so every check lexes and classifies it).

use std::hint::black_box;

use std::sync::Arc;

use rasp_benches::{load_request, load_request_to, record};
use rasp_engine::context::{ContextLimits, RequestContext};
use rasp_engine::rules::{BackendChoice, RuleSet};
use rasp_engine::sql::Dialect;
use rasp_engine::wire::RequestRecord;
use rasp_engine::{Engine, EngineConfig, SqlApi, SqlSink};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    // `load`, `new`, `check` or (default) the first two.
    let which = std::env::args().nth(2).unwrap_or_default();
    if which.starts_with("check") {
        let rules = std::env::args()
            .nth(3)
            .expect("the rule file, third argument");
        let bytes = std::fs::read(&rules).expect("the rule file reads");
        let set = RuleSet::load(&bytes, BackendChoice::Auto).expect("the rule file loads");
        let engine = Engine::with_rules(EngineConfig::default(), Arc::new(set)).expect("engine");
        // CONTEXT_OPEN_REQUEST=search: the load test's `search` request and statement instead
        // (`q=red running shoes`, in two LIKE literals)
        let search = std::env::var("CONTEXT_OPEN_REQUEST").is_ok_and(|v| v == "search");
        let request = if search {
            load_request_to("/h2/users/search", "q=red%20running%20shoes")
        } else {
            load_request()
        };
        let load = match std::env::args().nth(4) {
            Some(port) => {
                let mut rec = RequestRecord::decode(&request).expect("the request decodes");
                rec.headers = vec![("host".into(), format!("127.0.0.1:{port}").into())];
                rec.encode()
            }
            None => request,
        };
        // `check-distinct`: a record of its own per request (the Host port counts up), opened
        // as `openContext` does: what the cache costs a stream of requests it never helps.
        let distinct: Vec<Vec<u8>> = if which.starts_with("check-distinct") {
            (0..n)
                .map(|i| {
                    let mut rec = RequestRecord::decode(&load).expect("the request decodes");
                    rec.headers = vec![("host".into(), format!("127.0.0.1:{}", 10_000 + i).into())];
                    rec.encode()
                })
                .collect()
        } else {
            Vec::new()
        };
        let statement: &[u8] = if search {
            b"SELECT id, name, email, role FROM users WHERE name LIKE '%red running shoes%' OR email LIKE '%red running shoes%' ORDER BY id"
        } else {
            b"SELECT id, name, email, role FROM users WHERE name = 'alice' AND role <> 'locked'"
        };
        for i in 0..n {
            let ctx = if let Some(own) = distinct.get(i) {
                if which == "check-distinct-fresh" {
                    let Ok(rec) = RequestRecord::decode(black_box(own)) else {
                        continue;
                    };
                    RequestContext::open(rec, ContextLimits::default())
                } else {
                    let Ok(opened) = engine.open_context(black_box(own)) else {
                        continue;
                    };
                    opened.context
                }
            } else if which == "check" {
                let Ok(rec) = RequestRecord::decode(black_box(&load)) else {
                    continue;
                };
                RequestContext::open(rec, ContextLimits::default())
            } else {
                let Ok(opened) = engine.open_context(black_box(&load)) else {
                    continue;
                };
                opened.context
            };
            black_box(engine.check_sql(
                &ctx,
                &SqlSink {
                    dialect: Dialect::H2,
                    api: SqlApi::ExecuteQuery,
                    statement: black_box(statement),
                },
            ));
        }
        return;
    }
    let (load_too, new_too) = (which != "new", which != "load");
    // The request of the load test (benches/load), the one `context/open/load-request` opens.
    let load = load_request();
    let rec20 = record();
    for _ in 0..n {
        if !load_too {
            break;
        }
        if let Ok(rec) = RequestRecord::decode(black_box(&load)) {
            black_box(RequestContext::open(rec, ContextLimits::default()));
        }
    }
    for _ in 0..n {
        if !new_too {
            break;
        }
        black_box(RequestContext::new(
            black_box(&rec20),
            ContextLimits::default(),
        ));
    }
}
