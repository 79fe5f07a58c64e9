//! Tallying a corpus on every core without making the report depend on the number of threads.
//!
//! The payloads are split into one chunk per thread, each thread keeps its own tally, and the
//! tallies are merged in payload order: counts add up the same way whatever the split, and the
//! examples kept are the first ones of the corpus.

use super::count::{Misses, Tally};

/// Tallies `payloads` in parallel: `empty` makes each thread's tally, `tally_part` records one
/// chunk into it.
pub fn tally_payloads<M, E>(
    payloads: &[String],
    empty: impl Fn() -> Tally<M, E> + Sync,
    tally_part: impl Fn(&mut Tally<M, E>, &[String]) + Sync,
) -> Tally<M, E>
where
    M: Misses + Send,
    E: Send,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = payloads.len().div_ceil(threads).max(1);
    let parts: Vec<Tally<M, E>> = std::thread::scope(|scope| {
        let handles: Vec<_> = payloads
            .chunks(chunk)
            .map(|part| {
                let (empty, tally_part) = (&empty, &tally_part);
                scope.spawn(move || {
                    let mut tally = empty();
                    tally_part(&mut tally, part);
                    tally
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut total = empty();
    parts.into_iter().for_each(|part| total.merge(part));
    total
}
