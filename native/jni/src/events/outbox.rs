//! The bounded queue between request threads and one destination's background thread, with
//! the destination's counters and the shutdown hand-over.
//!
//! Request threads only `try_send` (never wait). The background thread takes events in batches
//! and reports each batch as written or dropped. Shutdown tells the thread to drain without
//! waiting for batches to fill, waits for it until the deadline, then closes the books: from then
//! on everything submitted and not yet written counts as dropped, whatever the thread still does
//! (it may be stuck in a connect), so `written + dropped == submitted` holds exactly afterwards.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::{Destination, DestinationCounters};
use crate::sync::lock;

/// `None` wakes the thread (shutdown), `Some` is an event.
type Message = Option<Arc<str>>;

#[derive(Default)]
struct Shared {
    submitted: AtomicU64,
    written: AtomicU64,
    dropped: AtomicU64,
    errors: AtomicU64,
    /// Set by shutdown once its deadline passed: `written` no longer moves.
    closed: AtomicBool,
    /// Serialises the thread's `written`/`dropped` updates with closing the books.
    resolve: Mutex<()>,
    /// Set by shutdown: drain until then.
    deadline: Mutex<Option<Instant>>,
    finished: Mutex<bool>,
    finished_signal: Condvar,
}

/// The request threads' end: what the runtime holds as a [`Destination`] for a destination with a
/// background thread (OTLP, syslog), which only sees the [`Inbox`].
pub struct Outbox {
    name: &'static str,
    queue: SyncSender<Message>,
    shared: Arc<Shared>,
}

/// The background thread's end.
pub struct Inbox {
    queue: Receiver<Message>,
    shared: Arc<Shared>,
}

/// A queue holding at most `capacity` events, for the destination called `name`.
pub fn outbox(name: &'static str, capacity: usize) -> (Outbox, Inbox) {
    let (tx, rx) = sync_channel(capacity.max(1));
    let shared = Arc::new(Shared::default());
    (
        Outbox {
            name,
            queue: tx,
            shared: Arc::clone(&shared),
        },
        Inbox { queue: rx, shared },
    )
}

impl Outbox {
    /// Queues one event; never blocks. A full queue (or a destination already shut down)
    /// counts it as dropped.
    pub fn submit(&self, event: &Arc<str>) {
        self.shared.submitted.fetch_add(1, Ordering::Relaxed);
        if self.shared.closed.load(Ordering::Acquire) {
            return; // counted as dropped by `counters` (submitted - written)
        }
        if self.queue.try_send(Some(Arc::clone(event))).is_err() {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn counters(&self) -> DestinationCounters {
        let s = &self.shared;
        let closed = s.closed.load(Ordering::Acquire);
        let submitted = s.submitted.load(Ordering::Relaxed);
        let written = s.written.load(Ordering::Relaxed);
        let dropped = if closed {
            submitted.saturating_sub(written)
        } else {
            s.dropped.load(Ordering::Relaxed)
        };
        DestinationCounters {
            submitted,
            written,
            dropped,
            errors: s.errors.load(Ordering::Relaxed),
        }
    }

    /// Lets the thread deliver what is queued until `deadline`, then counts the rest as dropped.
    pub fn shutdown(&self, deadline: Instant) {
        *lock(&self.shared.deadline) = Some(deadline);
        // Wakes a thread idle in `recv`; when the queue is full the thread is busy and will see
        // the deadline before its next wait.
        let _ = self.queue.try_send(None);
        let mut finished = lock(&self.shared.finished);
        while !*finished {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            finished = self
                .shared
                .finished_signal
                .wait_timeout(finished, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        drop(finished);
        let _books = lock(&self.shared.resolve);
        self.shared.closed.store(true, Ordering::Release);
    }
}

impl Destination for Outbox {
    fn name(&self) -> &str {
        self.name
    }

    fn submit(&self, event: &Arc<str>) {
        Outbox::submit(self, event);
    }

    fn counters(&self) -> DestinationCounters {
        Outbox::counters(self)
    }

    fn shutdown(&self, deadline: Instant) {
        Outbox::shutdown(self, deadline);
    }
}

impl Inbox {
    /// The next batch: up to `max` events, sent once `max` are there or `delay` after its first
    /// event arrived. While shutting down, whatever is queued, at once. `None`: nothing more will
    /// come (shutting down and empty, or the destination was dropped).
    pub fn next_batch(&self, max: usize, delay: Duration) -> Option<Vec<Arc<str>>> {
        let mut batch: Vec<Arc<str>> = Vec::new();
        let mut send_at: Option<Instant> = None;
        loop {
            if batch.len() >= max.max(1) {
                return Some(batch);
            }
            let message = if self.draining().is_some() {
                match self.queue.try_recv() {
                    Ok(m) => m,
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => {
                        return (!batch.is_empty()).then_some(batch);
                    }
                }
            } else if let Some(at) = send_at {
                match self
                    .queue
                    .recv_timeout(at.saturating_duration_since(Instant::now()))
                {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                        return Some(batch);
                    }
                }
            } else {
                match self.queue.recv() {
                    Ok(m) => m,
                    Err(_) => return None,
                }
            };
            if let Some(event) = message {
                send_at.get_or_insert_with(|| Instant::now() + delay);
                batch.push(event);
            }
        }
    }

    /// The shutdown deadline, once shutdown began.
    pub fn draining(&self) -> Option<Instant> {
        *lock(&self.shared.deadline)
    }

    /// `n` events delivered.
    pub fn written(&self, n: usize) {
        let _books = lock(&self.shared.resolve);
        if !self.shared.closed.load(Ordering::Acquire) {
            self.shared.written.fetch_add(n as u64, Ordering::Relaxed);
        }
    }

    /// `n` events given up on.
    pub fn dropped(&self, n: usize) {
        let _books = lock(&self.shared.resolve);
        if !self.shared.closed.load(Ordering::Acquire) {
            self.shared.dropped.fetch_add(n as u64, Ordering::Relaxed);
        }
    }

    /// One failed delivery attempt.
    pub fn error(&self) {
        self.shared.errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Sleeps `wait`, or less when shutdown's deadline comes first. False when the deadline has
    /// passed (give up instead of trying again).
    pub fn pause(&self, wait: Duration) -> bool {
        let wait = match self.draining() {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left <= wait {
                    return false;
                }
                wait
            }
            None => wait,
        };
        std::thread::sleep(wait);
        true
    }

    /// How long one attempt may take: `normal`, or what is left before shutdown's deadline.
    pub fn attempt_timeout(&self, normal: Duration) -> Duration {
        match self.draining() {
            Some(deadline) => normal
                .min(deadline.saturating_duration_since(Instant::now()))
                .max(Duration::from_millis(10)),
            None => normal,
        }
    }
}

impl Drop for Inbox {
    /// The thread ends (drained, or gone): shutdown need not wait any longer.
    fn drop(&mut self) {
        *lock(&self.shared.finished) = true;
        self.shared.finished_signal.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: usize) -> Arc<str> {
        Arc::from(format!("{{\"n\":{n}}}"))
    }

    #[test]
    fn a_full_queue_counts_drops_and_shutdown_settles_the_rest() {
        let (outbox, inbox) = outbox("test", 2);
        for n in 0..5 {
            outbox.submit(&event(n));
        }
        let c = outbox.counters();
        assert_eq!((c.submitted, c.dropped, c.written), (5, 3, 0));
        let worker = std::thread::spawn(move || {
            let batch = inbox
                .next_batch(10, Duration::from_millis(10))
                .expect("batch");
            inbox.written(1);
            // Never reports the second: shutdown must count it.
            std::thread::sleep(Duration::from_millis(300));
            drop(batch);
        });
        std::thread::sleep(Duration::from_millis(50));
        outbox.shutdown(Instant::now() + Duration::from_millis(100));
        outbox.submit(&event(9));
        let c = outbox.counters();
        assert_eq!((c.submitted, c.written, c.dropped), (6, 1, 5), "{c:?}");
        worker.join().expect("worker");
        assert_eq!(outbox.counters(), c, "the late thread changes nothing");
    }

    #[test]
    fn batches_close_on_size_or_delay_and_drain_at_shutdown() {
        let (outbox, inbox) = outbox("test", 100);
        for n in 0..5 {
            outbox.submit(&event(n));
        }
        assert_eq!(
            inbox
                .next_batch(3, Duration::from_secs(60))
                .map(|b| b.len()),
            Some(3)
        );
        let started = Instant::now();
        assert_eq!(
            inbox
                .next_batch(3, Duration::from_millis(50))
                .map(|b| b.len()),
            Some(2)
        );
        assert!(started.elapsed() >= Duration::from_millis(45));
        let worker = std::thread::spawn(move || {
            let mut seen = 0;
            while let Some(batch) = inbox.next_batch(100, Duration::from_secs(60)) {
                seen += batch.len();
                inbox.written(batch.len());
            }
            seen
        });
        outbox.submit(&event(7));
        std::thread::sleep(Duration::from_millis(20));
        let started = Instant::now();
        outbox.shutdown(Instant::now() + Duration::from_secs(5));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "not the batch delay"
        );
        assert_eq!(worker.join().expect("worker"), 1);
        let c = outbox.counters();
        assert_eq!((c.submitted, c.written, c.dropped), (6, 1, 5));
    }
}
