//! Reading event files line by line: plain or gzip-compressed (recognised by their first
//! bytes, so rotated `events.jsonl.1.gz` and a compressed standard input both work), one line
//! in memory at a time, and every line that is not an event counted with where the first was.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::read::MultiGzDecoder;
use serde::{Deserialize, Serialize};

use crate::event_time::{parse_event_time, Millis};

/// A line longer than this is not an event (the agent caps sink values at 16 KiB; a stack of
/// a few hundred frames stays far below): it is skipped without being held in memory.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// What the report needs of one event, read leniently: only `time`, `action` and `rule_id`
/// are required, so events of older and newer agents are read alike.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Record {
    pub time: String,
    #[serde(default)]
    pub event_id: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_response: Option<String>,
    pub rule_id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub confidence: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub input: Option<RecordInput>,
    #[serde(default)]
    pub sink: RecordSink,
    #[serde(default)]
    pub request: RecordRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<RecordHandoff>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RecordInput {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RecordSink {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub api: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub value_offset: usize,
    #[serde(default)]
    pub value_length: usize,
    #[serde(default)]
    pub span: Option<RecordSpan>,
    #[serde(default)]
    pub marked: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
pub struct RecordSpan {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RecordRequest {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub client: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RecordHandoff {
    #[serde(default)]
    pub via: String,
    #[serde(default)]
    pub thread: String,
}

/// An event with its instant.
pub struct Timed {
    pub ms: Millis,
    pub record: Record,
}

/// The lines that were not events: how many, and the first one's place and why.
#[derive(Debug, Default, Serialize)]
pub struct NotEvents {
    pub count: u64,
    /// `file:line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_reason: Option<String>,
    /// Files whose reading failed part way (a truncated or corrupt `.gz`, an I/O error): what
    /// was read before counts, the rest is named here (`file after line N: why`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files_cut_short: Vec<String>,
}

impl NotEvents {
    fn note(&mut self, file: &str, line: u64, reason: impl FnOnce() -> String) {
        self.count += 1;
        if self.first_at.is_none() {
            self.first_at = Some(format!("{file}:{line}"));
            self.first_reason = Some(reason());
        }
    }
}

/// Reads every file in turn (`-` is standard input) and hands each event to `each`; blank
/// lines are skipped, other lines that are not events are counted in the result. A file that
/// cannot be opened is an error; one that fails part way is noted and the next one read, so a
/// rotated log compressed while it was being written does not hide the others.
pub fn for_each_event(files: &[PathBuf], mut each: impl FnMut(Timed)) -> Result<NotEvents> {
    let mut not_events = NotEvents::default();
    let mut line = Vec::new();
    for path in files {
        let name = display_name(path);
        let mut reader = open(path).with_context(|| format!("cannot read {name}"))?;
        let mut number = 0u64;
        loop {
            let complete = match read_line_capped(&mut reader, &mut line, MAX_LINE_BYTES) {
                Ok(Some(complete)) => complete,
                Ok(None) => break,
                Err(e) => {
                    not_events
                        .files_cut_short
                        .push(format!("{name} after line {number}: {e}"));
                    break;
                }
            };
            number += 1;
            if !complete {
                not_events.note(&name, number, || {
                    format!("longer than {} MiB", MAX_LINE_BYTES >> 20)
                });
                continue;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match parse(&line) {
                Ok(timed) => each(timed),
                Err(reason) => not_events.note(&name, number, || reason),
            }
        }
    }
    Ok(not_events)
}

fn parse(line: &[u8]) -> Result<Timed, String> {
    let record: Record = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let ms = parse_event_time(&record.time)
        .ok_or_else(|| format!("time '{}' is not RFC 3339", record.time))?;
    Ok(Timed { ms, record })
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// The file (or standard input) as lines, decompressed when it starts with gzip's magic bytes.
fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path)?)
    };
    let mut buffered = BufReader::with_capacity(256 * 1024, raw);
    let gzip = is_gzip(&mut buffered)?;
    Ok(if gzip {
        // Multi-member: `cat a.gz b.gz` and logrotate's appended members are one stream.
        Box::new(BufReader::with_capacity(
            256 * 1024,
            MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    })
}

fn is_gzip(reader: &mut impl BufRead) -> io::Result<bool> {
    let head = reader.fill_buf()?;
    Ok(head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b)
}

/// Reads one line (without its newline) into `line`. `None` at the end of the input;
/// `Some(false)` when the line was longer than `cap` (it is consumed, not kept).
fn read_line_capped(
    reader: &mut dyn BufRead,
    line: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<bool>> {
    line.clear();
    let mut read_any = false;
    let mut complete = true;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(read_any.then_some(complete));
        }
        read_any = true;
        let (chunk, used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        if complete && line.len() + chunk.len() <= cap {
            line.extend_from_slice(chunk);
        } else {
            complete = false;
            line.clear();
        }
        reader.consume(used);
        if done {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(complete));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], cap: usize) -> Vec<Option<Vec<u8>>> {
        let mut reader = BufReader::with_capacity(4, input);
        let mut line = Vec::new();
        let mut out = Vec::new();
        while let Some(complete) = read_line_capped(&mut reader, &mut line, cap).expect("reads") {
            out.push(complete.then(|| line.clone()));
        }
        out
    }

    #[test]
    fn lines_are_split_and_long_ones_skipped() {
        assert_eq!(
            lines(b"ab\r\n0123456789\n\nxyz", 5),
            vec![
                Some(b"ab".to_vec()),
                None,
                Some(Vec::new()),
                Some(b"xyz".to_vec())
            ]
        );
        assert!(lines(b"", 5).is_empty());
    }

    #[test]
    fn an_engine_event_reads_as_a_record() {
        use rasp_engine::event::{Event, EventRequest, EventSink, Span};
        let event = Event {
            time: "2026-11-25T02:10:11.123Z".into(),
            event_id: "e1".into(),
            request_id: "r1".into(),
            action: "blocked",
            block_response: None,
            rule_id: "sqli.tautology".into(),
            category: "sqli".into(),
            confidence: "high",
            message: "m".into(),
            rule_set: "none".into(),
            other_rules: Vec::new(),
            input: None,
            sink: EventSink::new(
                "sql",
                "java.sql.Statement.executeQuery",
                Some("h2"),
                b"SELECT 1 WHERE a = '' OR 1=1",
                Some(Span { start: 20, end: 28 }),
            ),
            request: EventRequest {
                method: "GET".into(),
                path: "/users".into(),
                client: "10.0.0.1".into(),
            },
            handoff: None,
            stack: vec!["a.B.c(B.java:1)".into()],
            agent_version: "0".into(),
        };
        let line = serde_json::to_vec(&event).expect("serialises");
        let timed = parse(&line).expect("an event");
        assert_eq!(timed.record.rule_id, "sqli.tautology");
        assert_eq!(timed.record.request.path, "/users");
        assert_eq!(
            timed.record.sink.span.map(|s| (s.start, s.end)),
            Some((20, 28))
        );
        assert!(parse(b"{\"time\":\"x\",\"action\":\"blocked\",\"rule_id\":\"r\"}").is_err());
        assert!(parse(b"[1,2]").is_err());
    }
}
