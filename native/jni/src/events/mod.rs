//! Where events go: one or more destinations, each with its own bounded queue, thread and
//! counters.
//!
//! A verdict's event is one JSON line, made once and shared ([`Arc<str>`]) by every destination.
//! [`Events::submit`] hands it to each destination without waiting: a destination whose queue is
//! full counts the event as dropped rather than slowing the request down. Every event a
//! destination is given ends up either written or counted as dropped (`written + dropped ==
//! submitted` per destination, once it has drained), including what is still queued at shutdown.
//!
//! Destinations:
//! * [`mod@file`]: JSON lines appended to a file or standard error (`events_file`).
//! * [`otlp`]: OpenTelemetry log records over OTLP/HTTP (`events.otlp.*`).
//! * [`syslog`]: RFC 5424 messages over UDP or TCP, optionally CEF (`events.syslog.*`).
//!
//! Further destinations (OTLP, syslog) are configured with `events.<name>.*` keys, which the
//! engine's configuration passes through uninterpreted ([`rasp_engine::config::EngineConfig::event_destinations`]).

pub mod config;
pub mod file;
pub mod otlp;
pub mod outbox;
pub mod report;
pub mod syslog;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A snapshot of one destination's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DestinationCounters {
    /// Events this destination accepted for delivery (queued).
    pub submitted: u64,
    /// Events delivered (written to the file, acknowledged by the collector, sent on the socket).
    pub written: u64,
    /// Events given up on: queue full, write failed, or still queued when shutdown's time ran out.
    pub dropped: u64,
    /// Failed delivery attempts (a write error, a refused connection, a rejected batch).
    pub errors: u64,
}

/// One place events go.
pub trait Destination: Send + Sync {
    /// A short name for logs, stats and counters: `file`, `otlp`, `syslog`.
    fn name(&self) -> &str;
    /// Queues one event (a JSON object, no trailing newline). Never blocks; counts a drop when
    /// the queue is full.
    fn submit(&self, event: &Arc<str>);
    /// The counters now.
    fn counters(&self) -> DestinationCounters;
    /// Delivers what is queued until `deadline`, then counts what is left as dropped. Called once,
    /// at JVM shutdown; later `submit`s are counted as dropped.
    fn shutdown(&self, deadline: Instant);
}

/// Every configured destination; what the runtime submits events to.
pub struct Events {
    destinations: Vec<Box<dyn Destination>>,
    /// Set when shutdown begins. The application may go on serving (and blocking) while the JVM's
    /// other shutdown hooks run, after the agent's stats line has been printed; such an event is
    /// counted as dropped by every destination and, so that it is not lost without a trace,
    /// written whole to the agent's log.
    shut_down: AtomicBool,
}

impl Events {
    pub fn new(destinations: Vec<Box<dyn Destination>>) -> Events {
        Events {
            destinations,
            shut_down: AtomicBool::new(false),
        }
    }

    /// Hands one event to every destination; never blocks (after shutdown: one write to standard
    /// error, the agent's log).
    pub fn submit(&self, line: String) {
        let event: Arc<str> = Arc::from(line);
        for destination in &self.destinations {
            destination.submit(&event);
        }
        if self.shut_down.load(Ordering::Acquire) {
            report::log(&late_event_line(&event));
        }
    }

    /// Each destination's name and counters, in configuration order.
    pub fn counters(&self) -> Vec<(String, DestinationCounters)> {
        self.destinations
            .iter()
            .map(|d| (d.name().to_owned(), d.counters()))
            .collect()
    }

    /// Sums over all destinations (what the single `events_written`/`events_dropped` stats report).
    pub fn totals(&self) -> DestinationCounters {
        let mut total = DestinationCounters::default();
        for (_, c) in self.counters() {
            total.submitted += c.submitted;
            total.written += c.written;
            total.dropped += c.dropped;
            total.errors += c.errors;
        }
        total
    }

    /// Shuts every destination down, sharing one deadline.
    pub fn shutdown(&self, deadline: Instant) {
        self.shut_down.store(true, Ordering::Release);
        for destination in &self.destinations {
            destination.shutdown(deadline);
        }
    }
}

/// The agent log line for an event that arrived after shutdown began (without the `[rasp] `
/// prefix): the event itself, so that an operator reading the log still has it.
fn late_event_line(event: &str) -> String {
    format!("event after shutdown began, counted as dropped by every destination: {event}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    /// A destination that only counts, closing at shutdown as the real ones do.
    #[derive(Default)]
    struct Counting {
        closed: AtomicBool,
        submitted: AtomicU64,
        written: AtomicU64,
        dropped: AtomicU64,
    }

    impl Destination for Arc<Counting> {
        fn name(&self) -> &str {
            "counting"
        }
        fn submit(&self, _event: &Arc<str>) {
            self.submitted.fetch_add(1, Ordering::Relaxed);
            if self.closed.load(Ordering::Acquire) {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            } else {
                self.written.fetch_add(1, Ordering::Relaxed);
            }
        }
        fn counters(&self) -> DestinationCounters {
            DestinationCounters {
                submitted: self.submitted.load(Ordering::Relaxed),
                written: self.written.load(Ordering::Relaxed),
                dropped: self.dropped.load(Ordering::Relaxed),
                errors: 0,
            }
        }
        fn shutdown(&self, _deadline: Instant) {
            self.closed.store(true, Ordering::Release);
        }
    }

    #[test]
    fn an_event_after_shutdown_is_counted_as_dropped_by_every_destination() {
        let a = Arc::new(Counting::default());
        let b = Arc::new(Counting::default());
        let events = Events::new(vec![Box::new(a.clone()), Box::new(b.clone())]);
        events.submit("{\"n\":1}".to_owned());
        events.shutdown(Instant::now());
        events.submit("{\"n\":2}".to_owned());
        let totals = events.totals();
        assert_eq!(
            (totals.submitted, totals.written, totals.dropped),
            (4, 2, 2)
        );
        assert!(events.shut_down.load(Ordering::Acquire));
    }

    #[test]
    fn the_late_event_line_holds_the_whole_event() {
        let line = late_event_line("{\"action\":\"block\",\"rule\":\"sqli.tautology\"}");
        assert!(
            line.ends_with("{\"action\":\"block\",\"rule\":\"sqli.tautology\"}"),
            "{line}"
        );
        assert!(line.contains("counted as dropped"), "{line}");
    }
}
