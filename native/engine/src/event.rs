//! Security events: one JSON object per line, with stable field names.
//!
//! An event is for the strongest finding of a check. Its `rule_id` is a built-in detector's id
//! (`sqli.union`) or a rule file's (`sql.policy.file_write`); `rule_set` names the loaded set
//! (`none` without one) so an event can be traced to the rules that produced it, and
//! `other_rules` lists the other rules that would also have monitored or blocked the call.
//!
//! The agent completes an event when it takes it ([`Event::complete`]): the Java stack, and,
//! since a request's work may run on threads other than the one serving it, which thread the
//! check ran on ([`Handoff`]) and whether the client could still be sent a 403
//! ([`BlockResponse`]). Without the last two an operator reading a `blocked` event would assume
//! the client got a 403, which is not true for a task that ran after the response was committed.

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
    /// For `blocked` events only: whether the 403 reached the client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_response: Option<BlockResponse>,
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
    /// Set when the check ran on a thread the request's work was handed to, not the one
    /// serving the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Handoff>,
    /// Filled in by the agent with the application's stack.
    pub stack: Vec<String>,
    pub agent_version: String,
}

/// The thread a request's work was handed to, as the agent reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Handoff {
    /// How the work got there: `executor`, `thread`, `async-context`, `fork-join`, or whatever
    /// other text a newer agent sends (kept verbatim rather than refused: the event is still
    /// worth writing).
    pub via: String,
    /// The name of the thread the check ran on.
    pub thread: String,
}

impl Handoff {
    /// Decodes the agent's `"<via>\n<thread name>"`. Only the first newline separates, since a
    /// thread name may contain one; text without a newline is all `via`.
    pub fn decode(utf8: &[u8]) -> Handoff {
        let text = String::from_utf8_lossy(utf8);
        let (via, thread) = text.split_once('\n').unwrap_or((&text, ""));
        Handoff {
            via: via.to_owned(),
            thread: thread.to_owned(),
        }
    }
}

/// What became of the 403 of a blocked call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockResponse {
    /// The agent wrote the 403 on the thread that made the check: the serving thread, or a task
    /// of a request in async mode (whose answer is its tasks' to write).
    Sent,
    /// The check ran on another thread of a request not in async mode; the request's serving
    /// thread writes the 403 when the request ends, if the response is still open then.
    Deferred,
    /// The response was committed or the request had ended: no 403 could be sent (the call was
    /// still refused).
    None,
}

impl BlockResponse {
    /// The boundary code: 0 sent, 1 deferred, 2 none. Any other code is `Sent`, what an agent
    /// that predates the distinction always did.
    pub fn from_code(code: i32) -> BlockResponse {
        match code {
            1 => BlockResponse::Deferred,
            2 => BlockResponse::None,
            _ => BlockResponse::Sent,
        }
    }
}

impl Event {
    /// Adds what only the agent knows when it takes the event: the Java stack (UTF-8, one frame
    /// per line), the handoff (`None`: the check ran on the request's own thread), and, for a
    /// blocked event, what became of its 403 (ignored for a monitored one, which sends none).
    pub fn complete(
        &mut self,
        stack: Option<&[u8]>,
        handoff: Option<&[u8]>,
        block_response: BlockResponse,
    ) {
        if let Some(stack) = stack {
            self.stack = String::from_utf8_lossy(stack)
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
        }
        self.handoff = handoff.map(Handoff::decode);
        self.block_response = (self.action == "blocked").then_some(block_response);
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct EventSink {
    /// `sql`, `cmd`, `path`, `url`, `expr`, `jndi`, `class` or `xml`.
    pub kind: &'static str,
    /// The hooked API, e.g. `java.sql.Statement.executeQuery`.
    pub api: &'static str,
    /// The SQL dialect (`sql` sinks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dialect: Option<&'static str>,
    /// What the application does with the path (`path` sinks): read, write, delete, list; what the
    /// parser does with the entity (`xml` sinks): resolve, expand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<&'static str>,
    /// Where the connection goes (`url` sinks): `loopback`, `link-local`, `private`, `public`,
    /// or a local scheme (`file`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<&'static str>,
    /// The address the connection resolved to, when the hook knew it (`url` sinks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
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
            destination: None,
            address: None,
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

    fn event(action: &'static str) -> Event {
        Event {
            time: now_rfc3339(),
            event_id: "e".into(),
            request_id: "r".into(),
            action,
            block_response: None,
            rule_id: "sqli.union".into(),
            category: "sqli".into(),
            confidence: "high",
            message: "m".into(),
            rule_set: "none".into(),
            other_rules: Vec::new(),
            input: None,
            sink: EventSink::new("sql", "x", None, b"SELECT 1", None),
            request: EventRequest {
                method: "GET".into(),
                path: "/".into(),
                client: "127.0.0.1".into(),
            },
            handoff: None,
            stack: Vec::new(),
            agent_version: "0".into(),
        }
    }

    /// One `complete` case: what the agent passes and the keys the event must then have
    /// (`None`: the key must be absent).
    struct Completion {
        action: &'static str,
        handoff: Option<&'static [u8]>,
        code: i32,
        want_handoff: Option<serde_json::Value>,
        want_response: Option<&'static str>,
    }

    #[test]
    fn completion_sets_handoff_and_block_response() {
        use serde_json::json;
        let case = |action, handoff, code, want_handoff, want_response| Completion {
            action,
            handoff,
            code,
            want_handoff,
            want_response,
        };
        let cases = [
            case("blocked", None, 0, None, Some("sent")),
            case("blocked", None, 1, None, Some("deferred")),
            case("blocked", None, 2, None, Some("none")),
            case("blocked", None, 7, None, Some("sent")),
            case("blocked", None, -1, None, Some("sent")),
            case("monitored", None, 2, None, None),
            case(
                "blocked",
                Some(b"executor\npool-1-thread-1"),
                1,
                Some(json!({"via": "executor", "thread": "pool-1-thread-1"})),
                Some("deferred"),
            ),
            case(
                "monitored",
                Some(b"async-context\nhttp-nio-8080-exec-2"),
                1,
                Some(json!({"via": "async-context", "thread": "http-nio-8080-exec-2"})),
                None,
            ),
            case(
                "monitored",
                Some(b"virtual\nname\nwith newline"),
                0,
                Some(json!({"via": "virtual", "thread": "name\nwith newline"})),
                None,
            ),
            case(
                "blocked",
                Some(b"fork-join"),
                2,
                Some(json!({"via": "fork-join", "thread": ""})),
                Some("none"),
            ),
        ];
        for c in cases {
            let mut e = event(c.action);
            e.complete(
                Some(b"a.B.c(B.java:1)\n\nd.E.f(E.java:2)\n"),
                c.handoff,
                BlockResponse::from_code(c.code),
            );
            let v = serde_json::to_value(&e).expect("serialises");
            let name = format!("{} {:?} {}", c.action, c.handoff, c.code);
            let obj = v.as_object().expect("object");
            // Absent keys, not nulls: consumers test for the key.
            assert_eq!(obj.get("handoff"), c.want_handoff.as_ref(), "{name}");
            assert_eq!(
                obj.get("block_response"),
                c.want_response.map(|r| json!(r)).as_ref(),
                "{name}"
            );
            assert_eq!(
                v["stack"],
                json!(["a.B.c(B.java:1)", "d.E.f(E.java:2)"]),
                "{name}"
            );
        }
    }

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
