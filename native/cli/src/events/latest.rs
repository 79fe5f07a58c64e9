//! The latest N events of a stream, kept without holding the others: files may come in any
//! order (rotated logs), so "latest" is by event time, the reading order breaking ties.

use super::read::Timed;

pub struct Latest {
    keep: usize,
    seen: u64,
    events: Vec<(u64, Timed)>,
}

impl Latest {
    pub fn new(keep: usize) -> Latest {
        Latest {
            keep,
            seen: 0,
            events: Vec::new(),
        }
    }

    pub fn add(&mut self, event: Timed) {
        self.seen += 1;
        if self.keep == 0 {
            return;
        }
        self.events.push((self.seen, event));
        // Trimming at twice the size keeps the cost per event constant on average.
        if self.events.len() >= 2 * self.keep {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.events
            .sort_unstable_by_key(|(seen, e)| std::cmp::Reverse((e.ms, *seen)));
        self.events.truncate(self.keep);
    }

    /// The kept events, newest first.
    pub fn finish(mut self) -> Vec<Timed> {
        self.trim();
        self.events.into_iter().map(|(_, e)| e).collect()
    }
}
