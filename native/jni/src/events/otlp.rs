//! The OTLP destination: events exported as OpenTelemetry log records over OTLP/HTTP
//! (`http/protobuf` or `http/json`) to a collector.
//!
//! One background thread takes events in batches (`batch_size`, or `batch_delay` after a
//! batch's first event), encodes them and POSTs them. A batch that meets a connection error or a
//! retryable status (429, 502, 503, 504, as the OTLP specification lists them; `Retry-After`
//! honoured) is tried again with exponential backoff, up to `max_attempts`; any other answer, or
//! the last failed attempt, drops the batch (counted). A 2xx counts the batch as written.

pub mod http;
pub mod proto;
pub mod record;

use std::time::Duration;

use prost::Message;

use super::outbox::{outbox, Inbox, Outbox};
use http::Endpoint;
use proto::KeyValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Protobuf,
    Json,
}

impl Protocol {
    fn content_type(self) -> &'static str {
        match self {
            Protocol::Protobuf => "application/x-protobuf",
            Protocol::Json => "application/json",
        }
    }
}

/// When and how often a failed batch is tried again.
#[derive(Clone, Debug, PartialEq)]
pub struct Retry {
    /// Attempts per batch, the first included.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

#[derive(Clone, Debug)]
pub struct OtlpConfig {
    /// The full logs URL (`…/v1/logs`).
    pub endpoint: Endpoint,
    pub protocol: Protocol,
    pub headers: Vec<(String, String)>,
    /// The resource's attributes, `service.name` first.
    pub resource: Vec<KeyValue>,
    pub queue_size: usize,
    pub batch_size: usize,
    pub batch_delay: Duration,
    /// One attempt's time (connect, send, answer).
    pub timeout: Duration,
    pub retry: Retry,
}

impl OtlpConfig {
    /// The OpenTelemetry SDKs' defaults (batch log processor, OTLP exporter, retry policy).
    pub fn new(endpoint: Endpoint) -> OtlpConfig {
        OtlpConfig {
            endpoint,
            protocol: Protocol::Protobuf,
            headers: Vec::new(),
            resource: record::resource_attributes(None, ""),
            queue_size: 2048,
            batch_size: 512,
            batch_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            retry: Retry {
                max_attempts: 5,
                initial_backoff: Duration::from_secs(1),
                max_backoff: Duration::from_secs(5),
            },
        }
    }
}

/// Starts the background thread; connects to nothing until the first batch.
pub fn start(config: OtlpConfig) -> Result<Outbox, String> {
    let (outbox, inbox) = outbox("otlp", config.queue_size);
    std::thread::Builder::new()
        .name("rasp-events-otlp".into())
        .spawn(move || export(&inbox, &config))
        .map_err(|e| format!("cannot start the OTLP thread: {e}"))?;
    Ok(outbox)
}

fn export(inbox: &Inbox, config: &OtlpConfig) {
    while let Some(batch) = inbox.next_batch(config.batch_size, config.batch_delay) {
        let lines: Vec<&str> = batch.iter().map(|e| &**e).collect();
        let request = record::export_request(&lines, &config.resource);
        let body = match config.protocol {
            Protocol::Protobuf => request.encode_to_vec(),
            Protocol::Json => proto::to_json(&request).to_string().into_bytes(),
        };
        if deliver(inbox, config, &body) {
            inbox.written(batch.len());
        } else {
            inbox.dropped(batch.len());
        }
    }
}

/// Sends one encoded batch, retrying as the policy allows. True when the collector took it.
fn deliver(inbox: &Inbox, config: &OtlpConfig, body: &[u8]) -> bool {
    let mut backoff = config.retry.initial_backoff;
    for attempt in 1..=config.retry.max_attempts.max(1) {
        let answer = http::post(
            &config.endpoint,
            config.protocol.content_type(),
            &config.headers,
            body,
            inbox.attempt_timeout(config.timeout),
        );
        let wait = match answer {
            Ok(r) if (200..300).contains(&r.status) => return true,
            Ok(r) if matches!(r.status, 429 | 502 | 503 | 504) => {
                inbox.error();
                r.retry_after
                    .map_or(backoff, |after| after.min(config.retry.max_backoff))
            }
            Ok(_) => {
                // 400 and the like: the same batch would be refused again.
                inbox.error();
                return false;
            }
            Err(_) => {
                inbox.error();
                backoff
            }
        };
        if attempt == config.retry.max_attempts || !inbox.pause(wait) {
            return false;
        }
        backoff = backoff.mul_f64(1.5).min(config.retry.max_backoff);
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::events::DestinationCounters;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::mpsc;
    use std::sync::Arc;
    use std::time::Instant;

    use super::proto::ExportLogsServiceRequest;
    use super::*;

    /// A loopback collector answering each request with the next status of `statuses` (then
    /// 200), handing every request's path, content type and body to the test.
    /// Path, content type and body of one request the collector received.
    type Received = (String, String, Vec<u8>);

    fn collector(statuses: Vec<u16>) -> (String, mpsc::Receiver<Received>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/v1/logs", listener.local_addr().expect("addr"));
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut statuses = statuses.into_iter();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let status = statuses.next().unwrap_or(200);
                let request = read_request(stream, status);
                if tx.send(request).is_err() {
                    return;
                }
            }
        });
        (url, rx)
    }

    fn read_request(stream: TcpStream, status: u16) -> Received {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).expect("request line");
        let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
        let (mut length, mut content_type) = (0usize, String::new());
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).expect("header");
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').expect("header line");
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().expect("length"),
                "content-type" => content_type = value.trim().to_owned(),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let mut stream = reader.into_inner();
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        (path, content_type, body)
    }

    fn config(url: &str) -> OtlpConfig {
        let mut c = OtlpConfig::new(Endpoint::parse(url).expect("url"));
        c.batch_delay = Duration::from_millis(50);
        c.timeout = Duration::from_secs(5);
        c.retry = Retry {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(50),
        };
        c
    }

    fn event(n: usize) -> Arc<str> {
        Arc::from(format!(
            r#"{{"time":"2026-11-25T02:10:11.123Z","event_id":"e{n}","action":"blocked","rule_id":"sqli.union","category":"sqli"}}"#
        ))
    }

    fn wait_for(exporter: &Outbox, done: impl Fn(&DestinationCounters) -> bool) {
        for _ in 0..500 {
            if done(&exporter.counters()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("counters: {:?}", exporter.counters());
    }

    #[test]
    fn a_batch_reaches_the_collector_as_protobuf() {
        let (url, received) = collector(vec![]);
        let exporter = start(config(&url)).expect("start");
        for n in 0..3 {
            exporter.submit(&event(n));
        }
        let (path, content_type, body) = received
            .recv_timeout(Duration::from_secs(5))
            .expect("a request");
        assert_eq!(path, "/v1/logs");
        assert_eq!(content_type, "application/x-protobuf");
        let request = ExportLogsServiceRequest::decode(body.as_slice()).expect("protobuf");
        let records = &request.resource_logs[0].scope_logs[0].log_records;
        assert_eq!(records.len(), 3, "one batch of three");
        wait_for(&exporter, |c| c.written == 3);
        assert_eq!(
            exporter.counters(),
            DestinationCounters {
                submitted: 3,
                written: 3,
                dropped: 0,
                errors: 0
            }
        );
    }

    #[test]
    fn json_is_sent_when_configured() {
        let (url, received) = collector(vec![]);
        let mut c = config(&url);
        c.protocol = Protocol::Json;
        let exporter = start(c).expect("start");
        exporter.submit(&event(1));
        let (_, content_type, body) = received
            .recv_timeout(Duration::from_secs(5))
            .expect("a request");
        assert_eq!(content_type, "application/json");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            v["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["severityText"],
            "ERROR"
        );
    }

    #[test]
    fn a_503_is_retried_and_then_written() {
        let (url, received) = collector(vec![503]);
        let exporter = start(config(&url)).expect("start");
        exporter.submit(&event(1));
        let first = received
            .recv_timeout(Duration::from_secs(5))
            .expect("first");
        let second = received
            .recv_timeout(Duration::from_secs(5))
            .expect("retry");
        assert_eq!(first.2, second.2, "the same batch again");
        wait_for(&exporter, |c| c.written == 1);
        let c = exporter.counters();
        assert_eq!((c.written, c.dropped, c.errors), (1, 0, 1));
    }

    #[test]
    fn exhausted_retries_and_refusals_are_dropped_and_counted() {
        let (url, received) = collector(vec![503, 503, 503, 400]);
        let exporter = start(config(&url)).expect("start");
        exporter.submit(&event(1));
        wait_for(&exporter, |c| c.dropped == 1);
        for attempt in 1..=3 {
            received
                .recv_timeout(Duration::from_secs(2))
                .unwrap_or_else(|_| panic!("attempt {attempt}"));
        }
        assert!(received.try_recv().is_err(), "max_attempts");
        exporter.submit(&event(2));
        wait_for(&exporter, |c| c.dropped == 2);
        let c = exporter.counters();
        assert_eq!((c.submitted, c.written, c.errors), (2, 0, 4), "{c:?}");
    }

    #[test]
    fn a_full_buffer_drops_and_counts_without_waiting() {
        // Nothing listens: every attempt fails, so the thread sits in its backoff.
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let mut c = config(&format!("http://127.0.0.1:{port}/v1/logs"));
        c.queue_size = 4;
        c.batch_size = 1;
        c.retry.initial_backoff = Duration::from_secs(2);
        c.retry.max_backoff = Duration::from_secs(2);
        let exporter = start(c).expect("start");
        let started = Instant::now();
        for n in 0..100 {
            exporter.submit(&event(n));
        }
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "never waits"
        );
        let c = exporter.counters();
        assert_eq!(c.submitted, 100);
        assert!(c.dropped >= 95, "{c:?}");
        exporter.shutdown(Instant::now() + Duration::from_millis(100));
        let c = exporter.counters();
        assert_eq!(
            (c.written, c.dropped),
            (0, 100),
            "everything accounted: {c:?}"
        );
    }

    #[test]
    fn shutdown_flushes_what_is_queued_without_waiting_for_the_batch_delay() {
        let (url, received) = collector(vec![]);
        let mut c = config(&url);
        c.batch_delay = Duration::from_secs(60);
        let exporter = start(c).expect("start");
        exporter.submit(&event(1));
        exporter.submit(&event(2));
        let started = Instant::now();
        exporter.shutdown(Instant::now() + Duration::from_secs(5));
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(received.recv_timeout(Duration::from_secs(1)).is_ok());
        let c = exporter.counters();
        assert_eq!((c.submitted, c.written, c.dropped), (2, 2, 0));
    }
}
