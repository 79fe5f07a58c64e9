//! One event as a syslog message: the RFC 5424 header, structured data naming the fields a SIEM
//! filters on, and as MSG either the event's JSON or a CEF record.

use std::net::IpAddr;

use serde_json::Value;

/// The SD-ID of the structured data element. 32473 is the private enterprise number RFC 5612
/// reserves for documentation and examples; the project has none of its own.
pub const SD_ID: &str = "rasp@32473";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// MSG is the event's JSON (UTF-8, so preceded by a BOM as RFC 5424 §6.4 asks).
    Rfc5424,
    /// MSG is an ArcSight CEF record (no BOM: CEF parsers expect `CEF:` first).
    Cef,
}

/// The header fields that do not depend on the event.
#[derive(Clone, Debug)]
pub struct Header {
    pub facility: u8,
    pub hostname: String,
    pub app_name: String,
    pub proc_id: String,
}

impl Header {
    pub fn new(facility: u8, hostname: &str, app_name: &str) -> Header {
        Header {
            facility,
            hostname: header_field(hostname, 255),
            app_name: header_field(app_name, 48),
            proc_id: std::process::id().to_string(),
        }
    }
}

/// The syslog message for one event line; `max_bytes` bounds it (UDP datagrams), shrinking the
/// event to a summary first and cutting only as a last resort.
pub fn message(line: &str, header: &Header, format: Format, max_bytes: Option<usize>) -> Vec<u8> {
    let event: Value = serde_json::from_str(line).unwrap_or(Value::Null);
    let action = event["action"].as_str().unwrap_or_default();
    // Severity: error (3) for a block, warning (4) for a monitored finding.
    let severity = if action == "blocked" { 3 } else { 4 };
    let time = event["time"]
        .as_str()
        .and_then(|t| humantime::parse_rfc3339(t).ok())
        .map_or_else(
            || "-".to_owned(),
            |t| humantime::format_rfc3339_millis(t).to_string(),
        );
    let msg_id = header_field(if action.is_empty() { "event" } else { action }, 32);
    let mut out = format!(
        "<{}>1 {time} {} {} {} {msg_id} ",
        u32::from(header.facility) * 8 + severity,
        header.hostname,
        header.app_name,
        header.proc_id
    )
    .into_bytes();
    match format {
        Format::Rfc5424 => {
            out.extend_from_slice(structured_data(&event).as_bytes());
            out.extend_from_slice(" \u{feff}".as_bytes());
            let body_room = max_bytes.map(|m| m.saturating_sub(out.len()));
            if body_room.is_some_and(|room| line.len() > room) {
                out.extend_from_slice(summary(&event).as_bytes());
            } else {
                out.extend_from_slice(line.as_bytes());
            }
        }
        Format::Cef => {
            out.extend_from_slice(b"- ");
            out.extend_from_slice(cef(&event).as_bytes());
        }
    }
    if let Some(max) = max_bytes {
        truncate_utf8(&mut out, max);
    }
    out
}

/// `[rasp@32473 key="value" ...]` with the event's routing fields, or `-` when it has none.
fn structured_data(event: &Value) -> String {
    let fields = [
        ("event_id", &event["event_id"]),
        ("rule_id", &event["rule_id"]),
        ("category", &event["category"]),
        ("action", &event["action"]),
        ("confidence", &event["confidence"]),
        ("input_source", &event["input"]["source"]),
        ("sink_kind", &event["sink"]["kind"]),
        ("method", &event["request"]["method"]),
        ("path", &event["request"]["path"]),
        ("client", &event["request"]["client"]),
    ];
    let mut sd = format!("[{SD_ID}");
    let mut any = false;
    for (name, value) in fields {
        if let Some(v) = value.as_str().filter(|v| !v.is_empty()) {
            any = true;
            sd.push(' ');
            sd.push_str(name);
            sd.push_str("=\"");
            for c in v.chars() {
                // RFC 5424 §6.3.3: '"', '\' and ']' are escaped in a PARAM-VALUE.
                if matches!(c, '"' | '\\' | ']') {
                    sd.push('\\');
                }
                sd.push(c);
            }
            sd.push('"');
        }
    }
    sd.push(']');
    if any {
        sd
    } else {
        "-".into()
    }
}

/// The event without its large fields (sink value, marked statement, input value, stack).
fn summary(event: &Value) -> String {
    let mut v = event.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("stack");
        o.insert("truncated".into(), Value::Bool(true));
    }
    for (object, key) in [
        ("sink", "value"),
        ("sink", "marked"),
        ("input", "value"),
        ("input", "transformed"),
    ] {
        if let Some(o) = v[object].as_object_mut() {
            o.remove(key);
        }
    }
    v.to_string()
}

/// The event as `CEF:0|Vendor|Product|Version|Signature ID|Name|Severity|Extension`.
pub fn cef(event: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let blocked = event["action"].as_str() == Some("blocked");
    let mut out = format!(
        "CEF:0|dev.rasp|rasp-jvm|{}|{}|{}|{}|",
        cef_header(&s(&event["agent_version"])),
        cef_header(&s(&event["rule_id"])),
        cef_header(&s(&event["message"])),
        if blocked { 8 } else { 5 }
    );
    let millis = event["time"]
        .as_str()
        .and_then(|t| humantime::parse_rfc3339(t).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis().to_string());
    let client = s(&event["request"]["client"]);
    let mut extension: Vec<(&str, String)> = vec![
        ("rt", millis.unwrap_or_default()),
        ("act", s(&event["action"])),
        ("cat", s(&event["category"])),
        ("externalId", s(&event["event_id"])),
        ("requestMethod", s(&event["request"]["method"])),
        ("request", s(&event["request"]["path"])),
        ("msg", s(&event["message"])),
        ("cs1Label", "ruleSet".into()),
        ("cs1", s(&event["rule_set"])),
        ("cs2Label", "inputSource".into()),
        ("cs2", s(&event["input"]["source"])),
        ("cs3Label", "inputName".into()),
        ("cs3", s(&event["input"]["name"])),
        ("cs4Label", "sinkKind".into()),
        ("cs4", s(&event["sink"]["kind"])),
        ("cs5Label", "sinkApi".into()),
        ("cs5", s(&event["sink"]["api"])),
        ("cs6Label", "confidence".into()),
        ("cs6", s(&event["confidence"])),
    ];
    // `src` must be an address; a client the container named otherwise goes in `shost`.
    if client.parse::<IpAddr>().is_ok() {
        extension.push(("src", client));
    } else if !client.is_empty() {
        extension.push(("shost", client));
    }
    let mut first = true;
    for (key, value) in extension {
        if value.is_empty() {
            continue;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(key);
        out.push('=');
        out.push_str(&cef_extension(&value));
    }
    out
}

/// CEF header fields escape `\` and `|`; line breaks become spaces.
fn cef_header(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// CEF extension values escape `\` and `=`, and write line breaks as `\n` / `\r`.
fn cef_extension(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out
}

/// A header field: printable US-ASCII only (RFC 5424 §6), at most `max` characters; `-` when
/// nothing is left.
fn header_field(value: &str, max: usize) -> String {
    let cleaned: String = value
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(max)
        .collect();
    if cleaned.is_empty() {
        "-".into()
    } else {
        cleaned
    }
}

fn truncate_utf8(bytes: &mut Vec<u8>, max: usize) {
    if bytes.len() <= max {
        return;
    }
    let mut end = max;
    // Back up to the start of a character (never inside a UTF-8 sequence).
    while end > 0 && (bytes[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    bytes.truncate(end);
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const EVENT: &str = r#"{"time":"2026-11-25T02:10:11.123Z","event_id":"ev-1","action":"blocked","rule_id":"sqli.tautology","category":"sqli","confidence":"high","message":"a|b\\c = d\ne","input":{"source":"query","name":"name","value":"x\"]\\"},"sink":{"kind":"sql","api":"java.sql.Statement.executeQuery","value":"SELECT 1"},"rule_set":"none","request":{"method":"GET","path":"/h2/users","client":"127.0.0.1"},"stack":["a.B.c(B.java:1)"],"agent_version":"0.1.0"}"#;

    fn header() -> Header {
        Header::new(16, "host 1", "rasp")
    }

    #[test]
    fn rfc5424_frame() {
        let msg =
            String::from_utf8(message(EVENT, &header(), Format::Rfc5424, None)).expect("utf8");
        let pid = std::process::id();
        let expected_head = format!(
            "<131>1 2026-11-25T02:10:11.123Z host1 rasp {pid} blocked [rasp@32473 event_id=\"ev-1\" rule_id=\"sqli.tautology\" category=\"sqli\" action=\"blocked\" confidence=\"high\" input_source=\"query\" sink_kind=\"sql\" method=\"GET\" path=\"/h2/users\" client=\"127.0.0.1\"] \u{feff}"
        );
        assert_eq!(msg, format!("{expected_head}{EVENT}"));
        let monitored = EVENT.replace("\"blocked\"", "\"monitored\"");
        let msg = message(&monitored, &Header::new(1, "", ""), Format::Rfc5424, None);
        assert!(
            msg.starts_with(b"<12>1 2026-11-25T02:10:11.123Z - - "),
            "user.warning"
        );
    }

    #[test]
    fn structured_data_values_are_escaped() {
        let sd = structured_data(&serde_json::json!({"rule_id": "a\"b]c\\d", "path": ""}));
        assert_eq!(sd, r#"[rasp@32473 rule_id="a\"b\]c\\d"]"#);
        assert_eq!(structured_data(&Value::Null), "-");
    }

    #[test]
    fn an_oversized_event_is_summarised_then_cut() {
        let big = EVENT.replace("SELECT 1", &"x".repeat(20_000));
        let msg = message(&big, &header(), Format::Rfc5424, Some(2048));
        assert!(msg.len() <= 2048);
        let text = String::from_utf8(msg).expect("utf8");
        let json = &text[text.find('\u{feff}').expect("bom") + 3..];
        let v: Value = serde_json::from_str(json).expect("the summary is JSON");
        assert_eq!(v["truncated"], true);
        assert_eq!(v["rule_id"], "sqli.tautology");
        assert!(v["sink"].get("value").is_none() && v.get("stack").is_none());
        let cut = message(&big, &header(), Format::Rfc5424, Some(100));
        assert_eq!(cut.len(), 100);
    }

    #[test]
    fn cef_escapes_headers_and_extensions() {
        let msg = String::from_utf8(message(EVENT, &header(), Format::Cef, None)).expect("utf8");
        let cef = &msg[msg.find("CEF:").expect("cef")..];
        assert!(msg.contains(" blocked - CEF:0|"), "{msg}");
        assert!(
            cef.starts_with(r"CEF:0|dev.rasp|rasp-jvm|0.1.0|sqli.tautology|a\|b\\c = d e|8|rt=1795572611123 act=blocked cat=sqli externalId=ev-1 requestMethod=GET request=/h2/users "),
            "{cef}"
        );
        assert!(
            cef.contains(r"msg=a|b\\c \= d\ne cs1Label=ruleSet"),
            "{cef}"
        );
        assert!(cef.contains("cs2Label=inputSource cs2=query"), "{cef}");
        assert!(cef.ends_with(" src=127.0.0.1"), "{cef}");
        assert!(!msg.contains('\u{feff}'));
        let named = super::cef(&serde_json::json!({"request": {"client": "proxy.local"}}));
        assert!(named.ends_with("shost=proxy.local"), "{named}");
    }
}
