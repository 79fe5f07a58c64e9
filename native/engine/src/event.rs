//! Security events: one JSON object per line, with stable field names.
//!
//! An event is for the strongest finding of a check. Its `rule_id` is a built-in detector's id
//! (`sqli.union`) or a rule file's (`sql.policy.file_write`); `rule_set` names the loaded set
//! (`none` without one) so an event can be traced to the rules that produced it, and
//! `other_rules` lists the other rules that would also have monitored or blocked the call.

use serde::Serialize;

use crate::input::EventInput;

/// The widest part of a sink string an event carries; longer statements keep a window around
/// the injected span (`value_offset` says where it starts).
pub const MAX_SINK_VALUE_BYTES: usize = 16 * 1024;

#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub time: String,
    pub event_id: String,
    pub request_id: String,
    /// `blocked` or `monitored`.
    pub action: &'static str,
    pub rule_id: String,
    pub category: String,
    pub confidence: &'static str,
    pub message: String,
    /// The id of the loaded rule set (`name@version+checksum`), `none` without one.
    pub rule_set: String,
    /// Ids of the other findings of this check that were not allowed, strongest first.
    pub other_rules: Vec<String>,
    /// The request input that reached the sink; absent for limit events.
    pub input: Option<EventInput>,
    pub sink: EventSink,
    pub request: EventRequest,
    /// Filled in by the agent with the application's stack.
    pub stack: Vec<String>,
    pub agent_version: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventSink {
    /// `sql`, `cmd` or `path`.
    pub kind: &'static str,
    /// The hooked API, e.g. `java.sql.Statement.executeQuery`.
    pub api: &'static str,
    /// The SQL dialect (`sql` sinks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialect: Option<&'static str>,
    /// What the application does with the path (`path` sinks): read, write, delete, list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<&'static str>,
    pub value: String,
    /// Byte offset of `value` in the full sink string (non-zero when it was cut).
    pub value_offset: usize,
    pub value_length: usize,
    /// The injected span, in bytes of `value`.
    pub span: Option<Span>,
    /// `value` with the injected span between `>>>` and `<<<`.
    pub marked: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventRequest {
    pub method: String,
    pub path: String,
    pub client: String,
}

impl EventSink {
    /// Describes a sink string and the injected span in it, cutting very long strings to a
    /// window around the span.
    pub fn new(
        kind: &'static str,
        api: &'static str,
        dialect: Option<&'static str>,
        full: &[u8],
        span: Option<Span>,
    ) -> EventSink {
        let (from, to) = window(full.len(), span);
        let value = &full[from..to];
        let span = span.map(|s| Span {
            start: s.start.clamp(from, to) - from,
            end: s.end.clamp(from, to) - from,
        });
        let marked = span.map(|s| {
            format!(
                "{}>>>{}<<<{}",
                String::from_utf8_lossy(&value[..s.start]),
                String::from_utf8_lossy(&value[s.start..s.end]),
                String::from_utf8_lossy(&value[s.end..])
            )
        });
        EventSink {
            kind,
            api,
            dialect,
            op: None,
            value: String::from_utf8_lossy(value).into_owned(),
            value_offset: from,
            value_length: full.len(),
            span,
            marked,
        }
    }

    /// The same sink, with the file operation recorded.
    pub fn with_op(self, op: &'static str) -> EventSink {
        EventSink {
            op: Some(op),
            ..self
        }
    }
}

fn window(len: usize, span: Option<Span>) -> (usize, usize) {
    if len <= MAX_SINK_VALUE_BYTES {
        return (0, len);
    }
    let half = MAX_SINK_VALUE_BYTES / 2;
    let centre = span.map_or(0, |s| s.start);
    let from = centre.saturating_sub(half).min(len - MAX_SINK_VALUE_BYTES);
    (from, from + MAX_SINK_VALUE_BYTES)
}

/// The current time as RFC 3339 with milliseconds, UTC.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_span() {
        let s = EventSink::new(
            "sql",
            "x",
            None,
            b"a = '' OR 1=1",
            Some(Span { start: 5, end: 13 }),
        );
        assert_eq!(s.marked.as_deref(), Some("a = '>>>' OR 1=1<<<"));
        assert_eq!(s.value_offset, 0);
    }

    #[test]
    fn long_values_keep_a_window_around_the_span() {
        let mut full = vec![b'x'; 100_000];
        full[60_000..60_006].copy_from_slice(b"' OR 1");
        let s = EventSink::new(
            "sql",
            "x",
            None,
            &full,
            Some(Span {
                start: 60_000,
                end: 60_006,
            }),
        );
        assert_eq!(s.value.len(), MAX_SINK_VALUE_BYTES);
        assert_eq!(s.value_length, 100_000);
        let span = s.span.expect("span");
        assert_eq!(&s.value.as_bytes()[span.start..span.end], b"' OR 1");
        assert_eq!(s.value_offset + span.start, 60_000);
    }
}
