//! Delivery problems on the agent's log: standard error, each line prefixed `[rasp] ` as the
//! Java agent's `AgentLog` does, so that operators find them next to the agent's own lines.
//!
//! A destination that keeps failing (a full disk, a reader that left) would otherwise write a
//! line per event: [`RateLimited`] lets the first occurrence through at once, then at most one
//! line per interval carrying the count since the previous line.

use std::io::Write;
use std::time::{Duration, Instant};

/// How often a continuing problem is reported again.
pub const REPORT_INTERVAL: Duration = Duration::from_secs(60);

/// Writes one agent log line. A failing standard error is ignored: there is nowhere else to say it.
pub fn log(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "[rasp] {message}");
}

/// Counts occurrences of one kind of problem and says when a line is due.
#[derive(Debug)]
pub struct RateLimited {
    interval: Duration,
    last: Option<Instant>,
    pending: u64,
    lines: u64,
}

impl RateLimited {
    pub fn new(interval: Duration) -> RateLimited {
        RateLimited {
            interval,
            last: None,
            pending: 0,
            lines: 0,
        }
    }

    /// Adds `count` occurrences; returns the total to report when a line is due (the first
    /// occurrence ever, or once the interval since the previous line has passed).
    pub fn note(&mut self, count: u64, now: Instant) -> Option<u64> {
        self.pending += count;
        self.due(now)
    }

    /// What is still unreported, once the interval has passed (for a problem that stopped
    /// between two lines).
    pub fn due(&mut self, now: Instant) -> Option<u64> {
        if self.pending == 0 {
            return None;
        }
        let due = match self.last {
            None => true,
            Some(last) => now.duration_since(last) >= self.interval,
        };
        if !due {
            return None;
        }
        self.last = Some(now);
        self.lines += 1;
        Some(std::mem::take(&mut self.pending))
    }
}

impl RateLimited {
    /// How a line ends: the first says it will be repeated, later ones what their count covers.
    pub fn suffix(&self) -> String {
        let secs = self.interval.as_secs();
        if self.lines <= 1 {
            format!(" (logged again at most once every {secs} s while it lasts)")
        } else {
            format!(" since the previous line (at most one every {secs} s)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_occurrence_is_reported_then_at_most_once_per_interval_with_the_count() {
        let start = Instant::now();
        let mut r = RateLimited::new(Duration::from_secs(60));
        assert_eq!(r.due(start), None, "nothing happened");
        assert_eq!(r.note(3, start), Some(3), "the first at once");
        assert_eq!(r.note(1, start + Duration::from_secs(1)), None);
        assert_eq!(r.note(5, start + Duration::from_secs(59)), None);
        assert_eq!(r.due(start + Duration::from_secs(59)), None);
        assert_eq!(
            r.due(start + Duration::from_secs(60)),
            Some(6),
            "the count since the previous line"
        );
        assert_eq!(r.due(start + Duration::from_secs(200)), None, "all said");
        assert_eq!(r.note(2, start + Duration::from_secs(200)), Some(2));
    }
}
