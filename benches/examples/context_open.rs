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

use std::hint::black_box;

use rasp_benches::{load_request, record};
use rasp_engine::context::{ContextLimits, RequestContext};
use rasp_engine::wire::RequestRecord;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    // `load`, `new` or (default) both.
    let which = std::env::args().nth(2).unwrap_or_default();
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
