//! The file destination: one background thread appends JSON lines to the event file (or to
//! standard error for `-`).
//!
//! Request threads only hand a finished line to a bounded queue (`try_send`); they never wait
//! on the disk, on a reader or on each other. Every event ends up written or counted as dropped:
//! * the queue is full (a slow disk, a FIFO nobody reads, a file not open yet): dropped at once;
//! * a write fails (ENOSPC, EIO, a reader that left): the lines of that write are dropped and
//!   the failure is an error; a line cut short by the failure is taken back (regular files) or
//!   closed by a newline before the next one, so no torn line merges with the next;
//! * at shutdown, what is not written by the deadline is dropped, and so is anything later.
//!
//! Opening never blocks: the file is opened with `O_NONBLOCK`, so a FIFO without a reader fails
//! at once (ENXIO) instead of hanging the JVM's start; it is then "not ready" and retried in the
//! background while events wait in the queue. A FIFO stays non-blocking, so a reader that stops
//! reading stalls only this thread, which notices shutdown. Log rotation: about once a second the
//! path's device and inode are compared with the open file's; a renamed or deleted file is
//! followed by a new one at the path. Problems are logged once, then at most once a minute.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::report::{self, RateLimited, REPORT_INTERVAL};
use super::{Destination, DestinationCounters};

/// Events waiting for the writer; past this they are dropped.
pub const QUEUE: usize = 8192;
/// One write's worth: a burst costs a few writes, and a failed write loses at most this much.
const MAX_BATCH_BYTES: usize = 64 * 1024;
/// How often the path is compared with the open file (rotation).
const ROTATION_CHECK: Duration = Duration::from_secs(1);
/// How often a destination that is not ready is tried again.
const RETRY_OPEN: Duration = Duration::from_secs(1);
/// How often it is tried again while shutdown waits for it.
const RETRY_OPEN_AT_SHUTDOWN: Duration = Duration::from_millis(50);
/// How long the writer waits before writing again to a FIFO whose reader is not reading.
const STALL_POLL: Duration = Duration::from_millis(10);
/// How long the writer waits for an event before it looks at the file and its reports.
const IDLE_TICK: Duration = Duration::from_millis(250);

/// How long shutdown waits, past its deadline, for the writer to stop by itself (it is stuck in
/// a blocking write when it does not).
const STOP_GRACE: Duration = Duration::from_millis(100);

const RUNNING: u8 = 0;
/// Shutdown waits for the queue to drain.
const FLUSHING: u8 = 1;
/// Shutdown's time is up: the writer stops at its next step and fixes the count of written events.
const STOPPING: u8 = 2;
const STOPPED: u8 = 3;

/// The state request threads, the writer and shutdown share.
struct Shared {
    path: String,
    submitted: AtomicU64,
    written: AtomicU64,
    dropped: AtomicU64,
    /// The part of `dropped` the queue refused (reported by the writer, not the request thread).
    queue_full: AtomicU64,
    errors: AtomicU64,
    state: AtomicU8,
    /// `written` when shutdown's time ran out: from then on, everything else is dropped.
    final_written: OnceLock<u64>,
    /// Why events are not going out right now, for the shutdown line.
    trouble: Mutex<Option<String>>,
}

impl Shared {
    fn counters(&self) -> DestinationCounters {
        // `written` first: whatever it counts was submitted before, so the sum never passes
        // `submitted`.
        let written = match self.final_written.get() {
            Some(&w) => w,
            None => self.written.load(Ordering::SeqCst),
        };
        let submitted = self.submitted.load(Ordering::SeqCst);
        let dropped = if self.final_written.get().is_some() {
            submitted.saturating_sub(written)
        } else {
            self.dropped.load(Ordering::SeqCst)
        };
        DestinationCounters {
            submitted,
            written,
            dropped,
            errors: self.errors.load(Ordering::SeqCst),
        }
    }

    fn state(&self) -> u8 {
        self.state.load(Ordering::SeqCst)
    }

    fn set_trouble(&self, trouble: Option<String>) {
        *crate::sync::lock(&self.trouble) = trouble;
    }
}

pub struct EventWriter {
    queue: SyncSender<Arc<str>>,
    shared: Arc<Shared>,
}

impl EventWriter {
    /// Opens (creating, appending) `path`, or standard error for `-`, and starts the thread.
    /// Never blocks: a FIFO without a reader is opened later, in the background. Any other
    /// failure to open (a missing directory, no permission, a directory) is an error.
    pub fn open(path: &str) -> io::Result<EventWriter> {
        let sink = if path == "-" {
            Some(Sink::Stderr)
        } else {
            match Sink::open(path) {
                Ok(sink) => Some(sink),
                Err(e) if is_not_ready(&e) => None,
                Err(e) => return Err(e),
            }
        };
        let (queue, rx) = sync_channel(QUEUE);
        let shared = Arc::new(Shared {
            path: path.to_owned(),
            submitted: AtomicU64::new(0),
            written: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            queue_full: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            state: AtomicU8::new(RUNNING),
            final_written: OnceLock::new(),
            trouble: Mutex::new(None),
        });
        let writer = Writer::new(Arc::clone(&shared), rx, sink);
        std::thread::Builder::new()
            .name("rasp-event-writer".into())
            .spawn(move || writer.run())?;
        Ok(EventWriter { queue, shared })
    }

    /// Queues one line; never blocks.
    pub fn submit_line(&self, line: Arc<str>) {
        let shared = &self.shared;
        shared.submitted.fetch_add(1, Ordering::SeqCst);
        if shared.state() >= STOPPING || self.queue.try_send(line).is_err() {
            shared.dropped.fetch_add(1, Ordering::SeqCst);
            shared.queue_full.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl EventWriter {
    /// Ends the writer's wait for an event: an empty line, which it skips (events are JSON
    /// objects, never empty). A full queue needs no waking.
    fn wake_writer(&self) {
        let _ = self.queue.try_send(Arc::from(""));
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
        self.shared.counters()
    }

    fn shutdown(&self, deadline: Instant) {
        let shared = &self.shared;
        if shared
            .state
            .compare_exchange(RUNNING, FLUSHING, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return;
        }
        let started = Instant::now();
        self.wake_writer();
        loop {
            let c = shared.counters();
            let now = Instant::now();
            if c.written + c.dropped >= c.submitted || now >= deadline {
                break;
            }
            std::thread::sleep((deadline - now).min(Duration::from_millis(5)));
        }
        let before = shared.counters();
        shared.state.store(STOPPING, Ordering::SeqCst);
        self.wake_writer();
        let grace = Instant::now() + STOP_GRACE;
        while shared.state() != STOPPED && Instant::now() < grace {
            std::thread::sleep(Duration::from_millis(2));
        }
        // The writer fixes the count itself when it stops (so a line it wrote is never counted
        // as dropped); one stuck in a blocking write is overruled here.
        let _ = shared
            .final_written
            .set(shared.written.load(Ordering::SeqCst));
        shared.state.store(STOPPED, Ordering::SeqCst);
        let after = shared.counters();
        let lost = after.dropped.saturating_sub(before.dropped);
        if lost > 0 {
            let why = crate::sync::lock(&shared.trouble)
                .clone()
                .unwrap_or_else(|| "the writer did not get to them".to_owned());
            report::log(&format!(
                "events file {}: {lost} event(s) not written within {} ms at shutdown ({why}), counted as dropped",
                shared.path,
                // rounded up: the deadline was set a moment before `started`
                deadline.saturating_duration_since(started).as_micros().div_ceil(1000)
            ));
        }
    }
}

/// A FIFO nobody has open for reading: not a mistake, a reader that has not started yet.
fn is_not_ready(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ENXIO)
}

/// Where the lines go.
enum Sink {
    Stderr,
    File {
        file: File,
        /// Device and inode, to notice a rename or delete of the path.
        id: (u64, u64),
        /// A regular file can take back a line cut short by a failed write.
        regular: bool,
    },
}

impl Sink {
    fn open(path: &str) -> io::Result<Sink> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        let meta = file.metadata()?;
        Ok(Sink::File {
            id: (meta.dev(), meta.ino()),
            regular: meta.file_type().is_file(),
            file,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stderr => io::stderr().lock().write(bytes),
            Sink::File { file, .. } => file.write(bytes),
        }
    }

    /// Cuts the last `len` bytes off a regular file; false when that is not possible.
    fn take_back(&mut self, len: usize) -> bool {
        match self {
            Sink::File {
                file,
                regular: true,
                ..
            } => file
                .metadata()
                .and_then(|m| file.set_len(m.len().saturating_sub(len as u64)))
                .is_ok(),
            _ => false,
        }
    }
}

/// The writer thread's state.
struct Writer {
    shared: Arc<Shared>,
    rx: Receiver<Arc<str>>,
    sink: Option<Sink>,
    /// A line was cut short and left in place: the next write starts with a newline.
    torn: bool,
    last_rotation_check: Instant,
    /// The file is stalled on a reader that does not read.
    stalled: bool,
    /// Why opening failed, once reported (reported again only when the reason changes).
    not_ready: Option<String>,
    write_failures: RateLimited,
    last_write_error: String,
    queue_drops: RateLimited,
    queue_drops_seen: u64,
}

impl Writer {
    fn new(shared: Arc<Shared>, rx: Receiver<Arc<str>>, sink: Option<Sink>) -> Writer {
        Writer {
            shared,
            rx,
            sink,
            torn: false,
            last_rotation_check: Instant::now(),
            stalled: false,
            not_ready: None,
            write_failures: RateLimited::new(REPORT_INTERVAL),
            last_write_error: String::new(),
            queue_drops: RateLimited::new(REPORT_INTERVAL),
            queue_drops_seen: 0,
        }
    }

    fn path(&self) -> &str {
        &self.shared.path
    }

    fn run(mut self) {
        loop {
            match self.shared.state() {
                STOPPING => {
                    let _ = self
                        .shared
                        .final_written
                        .set(self.shared.written.load(Ordering::SeqCst));
                    self.shared.state.store(STOPPED, Ordering::SeqCst);
                    return;
                }
                STOPPED => return,
                _ => {}
            }
            if self.sink.is_none() && !self.try_open() {
                self.pause();
                continue;
            }
            match self.rx.recv_timeout(IDLE_TICK) {
                Ok(first) => {
                    let mut batch = self.batch(first);
                    batch.retain(|line| !line.is_empty());
                    if !batch.is_empty() {
                        self.check_rotation();
                        self.write_batch(&batch);
                    }
                }
                Err(RecvTimeoutError::Timeout) => self.check_rotation(),
                Err(RecvTimeoutError::Disconnected) => return,
            }
            self.report_queue_drops();
            self.report_write_failures(0);
        }
    }

    /// `first` and whatever else is queued, up to [`MAX_BATCH_BYTES`].
    fn batch(&self, first: Arc<str>) -> Vec<Arc<str>> {
        let mut size = first.len() + 1;
        let mut batch = vec![first];
        while size < MAX_BATCH_BYTES {
            match self.rx.try_recv() {
                Ok(line) => {
                    size += line.len() + 1;
                    batch.push(line);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        batch
    }

    /// Waits before the next open attempt (less at shutdown, which waits for it).
    fn pause(&mut self) {
        let started = Instant::now();
        loop {
            let wait = match self.shared.state() {
                RUNNING => RETRY_OPEN,
                FLUSHING => RETRY_OPEN_AT_SHUTDOWN,
                _ => return,
            };
            if started.elapsed() >= wait {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
            self.report_queue_drops();
        }
    }

    fn try_open(&mut self) -> bool {
        match Sink::open(&self.shared.path) {
            Ok(sink) => {
                self.sink = Some(sink);
                self.last_rotation_check = Instant::now();
                if self.not_ready.take().is_some() {
                    report::log(&format!("events file {}: opened", self.path()));
                }
                self.shared.set_trouble(None);
                true
            }
            Err(e) => {
                let why = if is_not_ready(&e) {
                    "no process has the FIFO open for reading".to_owned()
                } else {
                    e.to_string()
                };
                if self.not_ready.as_deref() != Some(why.as_str()) {
                    report::log(&format!(
                        "events file {}: not ready ({why}); retrying in the background, events wait in the queue (up to {QUEUE}) meanwhile",
                        self.path()
                    ));
                    self.shared
                        .set_trouble(Some(format!("the file was not ready: {why}")));
                    self.not_ready = Some(why);
                }
                false
            }
        }
    }

    /// Follows a rename or delete of the path to a new file there, at most once per
    /// [`ROTATION_CHECK`].
    fn check_rotation(&mut self) {
        let Some(Sink::File { id, .. }) = &self.sink else {
            return;
        };
        if self.last_rotation_check.elapsed() < ROTATION_CHECK {
            return;
        }
        self.last_rotation_check = Instant::now();
        let same = std::fs::metadata(&self.shared.path)
            .map(|m| (m.dev(), m.ino()) == *id)
            .unwrap_or(false);
        if !same {
            report::log(&format!(
                "events file {}: renamed or deleted; writing to a new file at the path",
                self.path()
            ));
            self.sink = None;
            self.torn = false;
            self.try_open();
        }
    }

    /// Writes the lines in one go (as far as the file takes them); counts each line written or
    /// dropped.
    fn write_batch(&mut self, lines: &[Arc<str>]) {
        if self.sink.is_none() && !self.try_open() {
            // The file went away under rotation and cannot be made again: these are lost.
            let lost = lines.len() as u64;
            self.count_dropped(lost);
            self.shared.errors.fetch_add(1, Ordering::SeqCst);
            self.last_write_error = format!(
                "cannot open it again: {}",
                self.not_ready.as_deref().unwrap_or("unknown")
            );
            self.report_write_failures(lost);
            return;
        }
        let mut buf = Vec::with_capacity(MAX_BATCH_BYTES + 1);
        let lead = usize::from(self.torn);
        if self.torn {
            buf.push(b'\n');
        }
        let mut ends = Vec::with_capacity(lines.len());
        for line in lines {
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
            ends.push(buf.len());
        }
        let (done, error) = self.write_all(&buf);
        let complete = ends.iter().take_while(|&&end| end <= done).count();
        self.shared
            .written
            .fetch_add(complete as u64, Ordering::SeqCst);
        if done >= lead {
            self.torn = false;
        }
        let Some(error) = error else {
            self.shared.set_trouble(None);
            return;
        };
        if self.shared.state() >= STOPPING {
            // Shutdown gave up on this write and counts it; nothing more to say.
            return;
        }
        let lost = (lines.len() - complete) as u64;
        self.count_dropped(lost);
        self.shared.errors.fetch_add(1, Ordering::SeqCst);
        let line_start = if complete == 0 {
            lead
        } else {
            ends[complete - 1]
        };
        if done > line_start {
            let kept = self
                .sink
                .as_mut()
                .is_some_and(|s| s.take_back(done - line_start));
            self.torn = !kept;
        }
        let why = if error.raw_os_error() == Some(libc::EAGAIN) {
            "the reader stopped reading".to_owned()
        } else {
            error.to_string()
        };
        self.shared
            .set_trouble(Some(format!("the last write failed: {why}")));
        self.last_write_error = why;
        if error.kind() == io::ErrorKind::BrokenPipe {
            // The FIFO's reader left: open again once another one is there.
            self.sink = None;
        }
        self.report_write_failures(lost);
    }

    fn count_dropped(&self, n: u64) {
        self.shared.dropped.fetch_add(n, Ordering::SeqCst);
    }

    /// Writes `buf`; returns how much was written and the error that stopped it, if any.
    fn write_all(&mut self, buf: &[u8]) -> (usize, Option<io::Error>) {
        let mut done = 0;
        while done < buf.len() {
            let Some(sink) = self.sink.as_mut() else {
                return (done, Some(io::ErrorKind::NotConnected.into()));
            };
            match sink.write(&buf[done..]) {
                Ok(0) => return (done, Some(io::ErrorKind::WriteZero.into())),
                Ok(n) => {
                    done += n;
                    self.stalled = false;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // A FIFO whose reader is not reading: wait for it, unless shutdown gave up.
                    if self.shared.state() >= STOPPING {
                        return (done, Some(e));
                    }
                    if !self.stalled {
                        self.stalled = true;
                        self.shared
                            .set_trouble(Some("the reader is not reading".to_owned()));
                    }
                    std::thread::sleep(STALL_POLL);
                    self.report_queue_drops();
                }
                Err(e) => return (done, Some(e)),
            }
        }
        (done, None)
    }

    fn report_write_failures(&mut self, lost: u64) {
        if let Some(n) = self.write_failures.note(lost, Instant::now()) {
            report::log(&format!(
                "events file {}: write failed ({}); {n} event(s) counted as dropped{}",
                self.path(),
                self.last_write_error,
                self.write_failures.suffix()
            ));
        }
    }

    fn report_queue_drops(&mut self) {
        let total = self.shared.queue_full.load(Ordering::SeqCst);
        let new = total - self.queue_drops_seen;
        self.queue_drops_seen = total;
        if let Some(n) = self.queue_drops.note(new, Instant::now()) {
            let why = if self.sink.is_none() {
                "the file is not open yet"
            } else if self.stalled {
                "the FIFO's reader is not reading"
            } else {
                "events arrive faster than they are written"
            };
            report::log(&format!(
                "events file {}: queue full ({QUEUE} events waiting: {why}); {n} event(s) counted as dropped{}",
                self.path(),
                self.queue_drops.suffix()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read};
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn temp_dir(what: &str) -> PathBuf {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "rasp-writer-{what}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }

    fn utf8(path: &Path) -> &str {
        path.to_str().expect("utf8")
    }

    fn mkfifo(path: &Path) {
        let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
        assert!(status.success(), "mkfifo {path:?}");
    }

    /// Waits until every submitted event is written or dropped.
    fn settled(w: &EventWriter, within: Duration) -> DestinationCounters {
        let deadline = Instant::now() + within;
        loop {
            let c = w.counters();
            if c.written + c.dropped == c.submitted || Instant::now() > deadline {
                return c;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn event(i: usize) -> Arc<str> {
        format!("{{\"n\":{i},\"pad\":\"{}\"}}", "x".repeat(100)).into()
    }

    #[test]
    fn lines_reach_the_file() {
        let dir = temp_dir("lines");
        let path = dir.join("events.jsonl");
        let w = EventWriter::open(utf8(&path)).expect("open");
        w.submit_line("{\"a\":1}".into());
        w.submit_line("{\"b\":2}".into());
        let c = settled(&w, Duration::from_secs(5));
        assert_eq!((c.written, c.dropped, c.errors), (2, 0, 0), "{c:?}");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "{\"a\":1}\n{\"b\":2}\n");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn unopenable_paths_are_errors() {
        assert!(EventWriter::open("/nonexistent-dir/x/events.jsonl").is_err());
        let dir = temp_dir("a-directory");
        assert!(EventWriter::open(utf8(&dir)).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    /// /dev/full: every write fails with ENOSPC, as on a full file system.
    #[test]
    fn failed_writes_are_dropped_and_counted_as_errors() {
        let w = EventWriter::open("/dev/full").expect("open /dev/full");
        for i in 0..100 {
            w.submit_line(event(i));
        }
        let c = settled(&w, Duration::from_secs(5));
        assert_eq!(c.submitted, 100, "{c:?}");
        assert_eq!((c.written, c.dropped), (0, 100), "{c:?}");
        assert!(c.errors >= 1, "{c:?}");
        assert!(
            crate::sync::lock(&w.shared.trouble)
                .as_deref()
                .is_some_and(|t| t.contains("No space left on device")),
            "the cause is kept for the shutdown line"
        );
    }

    #[test]
    fn a_fifo_without_a_reader_does_not_block_the_open_and_is_retried() {
        let dir = temp_dir("fifo-no-reader");
        let fifo = dir.join("events.fifo");
        mkfifo(&fifo);
        let started = Instant::now();
        let w = EventWriter::open(utf8(&fifo)).expect("not ready is no error");
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "open returns at once"
        );
        for i in 0..10 {
            w.submit_line(event(i));
        }
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(w.counters().written, 0, "nobody reads yet");
        assert_eq!(w.counters().dropped, 0, "the events wait in the queue");

        // A reader arrives (its open blocks until the writer's retry opens the other end).
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            let mut r = BufReader::new(File::open(&fifo).expect("open for reading"));
            while lines.len() < 10 {
                let mut line = String::new();
                if r.read_line(&mut line).expect("read") == 0 {
                    break;
                }
                lines.push(line);
            }
            lines
        });
        let lines = reader.join().expect("reader");
        assert_eq!(lines.len(), 10);
        assert!(lines[9].starts_with("{\"n\":9,"), "{}", lines[9]);
        let c = settled(&w, Duration::from_secs(5));
        assert_eq!((c.submitted, c.written, c.dropped), (10, 10, 0), "{c:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_stalled_reader_never_blocks_submit_and_shutdown_counts_what_is_left() {
        let dir = temp_dir("fifo-stalled");
        let fifo = dir.join("events.fifo");
        mkfifo(&fifo);
        // A reader that never reads (opened non-blocking: no writer yet).
        let _reader = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .expect("reader");
        let w = EventWriter::open(utf8(&fifo)).expect("open");
        let n = QUEUE + 5000;
        let started = Instant::now();
        for i in 0..n {
            w.submit_line(event(i));
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "submitting never waited: {:?}",
            started.elapsed()
        );
        let c = w.counters();
        assert!(c.dropped > 0, "the queue filled up: {c:?}");
        assert!(c.written < n as u64, "the pipe holds only so much: {c:?}");

        let started = Instant::now();
        w.shutdown(Instant::now() + Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_millis(800));
        let c = w.counters();
        assert_eq!(c.submitted, n as u64);
        assert_eq!(c.written + c.dropped, c.submitted, "{c:?}");

        w.submit_line(event(0));
        let c = w.counters();
        assert_eq!(
            c.written + c.dropped,
            c.submitted,
            "later events are dropped: {c:?}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_reader_that_leaves_is_a_counted_loss_and_the_next_reader_gets_events() {
        let dir = temp_dir("fifo-reader-leaves");
        let fifo = dir.join("events.fifo");
        mkfifo(&fifo);
        let first = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .expect("reader");
        let w = EventWriter::open(utf8(&fifo)).expect("open");
        drop(first);
        w.submit_line(event(0));
        let c = settled(&w, Duration::from_secs(5));
        assert_eq!((c.written, c.dropped, c.errors), (0, 1, 1), "EPIPE: {c:?}");

        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut line = String::new();
                BufReader::new(File::open(&fifo).expect("open for reading"))
                    .read_line(&mut line)
                    .expect("read");
                line
            })
        };
        w.submit_line(event(1));
        let line = reader.join().expect("reader");
        assert!(line.starts_with("{\"n\":1,"), "{line}");
        let c = settled(&w, Duration::from_secs(5));
        assert_eq!((c.submitted, c.written, c.dropped), (2, 1, 1), "{c:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn shutdown_flushes_what_is_queued() {
        let dir = temp_dir("flush");
        let path = dir.join("events.jsonl");
        let w = EventWriter::open(utf8(&path)).expect("open");
        for i in 0..2000 {
            w.submit_line(event(i));
        }
        w.shutdown(Instant::now() + Duration::from_secs(5));
        let c = w.counters();
        assert_eq!(
            (c.submitted, c.written, c.dropped),
            (2000, 2000, 0),
            "{c:?}"
        );
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.lines().count(), 2000);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_renamed_or_deleted_file_is_followed_by_a_new_one() {
        let dir = temp_dir("rotation");
        let path = dir.join("events.jsonl");
        let w = EventWriter::open(utf8(&path)).expect("open");
        w.submit_line("{\"first\":1}".into());
        settled(&w, Duration::from_secs(5));
        std::fs::rename(&path, dir.join("events.jsonl.1")).expect("rename");
        std::thread::sleep(ROTATION_CHECK + Duration::from_millis(300));
        w.submit_line("{\"second\":2}".into());
        let c = settled(&w, Duration::from_secs(5));
        assert_eq!((c.written, c.dropped), (2, 0), "{c:?}");
        assert_eq!(
            std::fs::read_to_string(dir.join("events.jsonl.1")).expect("old"),
            "{\"first\":1}\n"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("new"),
            "{\"second\":2}\n"
        );

        std::fs::remove_file(&path).expect("delete");
        std::thread::sleep(ROTATION_CHECK + Duration::from_millis(300));
        w.submit_line("{\"third\":3}".into());
        let c = settled(&w, Duration::from_secs(5));
        assert_eq!((c.written, c.dropped), (3, 0), "{c:?}");
        let mut text = String::new();
        File::open(&path)
            .expect("recreated")
            .read_to_string(&mut text)
            .expect("read");
        assert_eq!(text, "{\"third\":3}\n");
        let _ = std::fs::remove_dir_all(dir);
    }
}
