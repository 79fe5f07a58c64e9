//! The file destination: one background thread appends JSON lines to the event file.
//!
//! Request threads only hand a finished line to a bounded queue (`try_send`); they never wait
//! on the disk or on each other. When the queue is full the event is dropped and counted, which
//! `stats()` reports, rather than slowing the application down.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::Arc;
use std::time::Instant;

use super::{Destination, DestinationCounters};

const QUEUE: usize = 8192;

pub struct EventWriter {
    queue: SyncSender<Arc<str>>,
    submitted: AtomicU64,
    pub written: Arc<AtomicU64>,
    pub dropped: AtomicU64,
}

impl EventWriter {
    /// Opens (creating, appending) `path`, or standard error for `-`, and starts the thread.
    pub fn open(path: &str) -> io::Result<EventWriter> {
        let out: Box<dyn Write + Send> = if path == "-" {
            Box::new(io::stderr())
        } else {
            Box::new(OpenOptions::new().create(true).append(true).open(path)?)
        };
        let (queue, rx) = sync_channel(QUEUE);
        let written = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&written);
        std::thread::Builder::new()
            .name("rasp-event-writer".into())
            .spawn(move || drain(rx, io::BufWriter::new(out), &counter))?;
        Ok(EventWriter {
            queue,
            submitted: AtomicU64::new(0),
            written,
            dropped: AtomicU64::new(0),
        })
    }

    /// Queues one line; never blocks.
    pub fn submit_line(&self, line: Arc<str>) {
        match self.queue.try_send(line) {
            Ok(()) => {
                self.submitted.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

impl Destination for EventWriter {
    fn name(&self) -> &str {
        "file"
    }

    fn submit(&self, event: &Arc<str>) {
        self.submit_line(Arc::clone(event));
    }

    fn counters(&self) -> DestinationCounters {
        let written = self.written.load(Ordering::Relaxed);
        let dropped = self.dropped.load(Ordering::Relaxed);
        DestinationCounters {
            submitted: self.submitted.load(Ordering::Relaxed) + dropped,
            written,
            dropped,
            errors: 0,
        }
    }

    fn shutdown(&self, _deadline: Instant) {}
}

fn drain(
    rx: Receiver<Arc<str>>,
    mut out: io::BufWriter<Box<dyn Write + Send>>,
    written: &AtomicU64,
) {
    // Write everything queued, then flush once the queue is empty, so a burst costs one flush
    // and a single event reaches the file at once.
    while let Ok(mut line) = rx.recv() {
        loop {
            if out.write_all(line.as_bytes()).is_ok() && out.write_all(b"\n").is_ok() {
                written.fetch_add(1, Ordering::Relaxed);
            }
            match rx.try_recv() {
                Ok(next) => line = next,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    let _ = out.flush();
                    return;
                }
            }
        }
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_reach_the_file() {
        let dir = std::env::temp_dir().join(format!("rasp-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("events.jsonl");
        let w = EventWriter::open(path.to_str().expect("utf8")).expect("open");
        w.submit_line("{\"a\":1}".into());
        w.submit_line("{\"b\":2}".into());
        for _ in 0..200 {
            if w.written.load(Ordering::Relaxed) == 2 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "{\"a\":1}\n{\"b\":2}\n");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn unopenable_paths_are_errors() {
        assert!(EventWriter::open("/nonexistent-dir/x/events.jsonl").is_err());
    }
}
