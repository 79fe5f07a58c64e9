//! One event (its JSON line) as an OpenTelemetry log record, and a batch as an export request.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::proto::{
    AnyValue, ExportLogsServiceRequest, InstrumentationScope, KeyValue, LogRecord, Resource,
    ResourceLogs, ScopeLogs, SEVERITY_ERROR, SEVERITY_WARN,
};

/// The instrumentation scope the records are reported under.
pub const SCOPE_NAME: &str = "dev.rasp.agent";

/// The export request for a batch of event lines. `resource` is the configured resource's
/// attributes (service.name first).
pub fn export_request(events: &[&str], resource: &[KeyValue]) -> ExportLogsServiceRequest {
    let observed = unix_nanos(SystemTime::now());
    let parsed: Vec<Option<Value>> = events
        .iter()
        .map(|e| serde_json::from_str(e).ok())
        .collect();
    let version = parsed
        .iter()
        .flatten()
        .find_map(|v| v["agent_version"].as_str())
        .unwrap_or_default()
        .to_owned();
    let log_records = events
        .iter()
        .zip(&parsed)
        .map(|(line, value)| log_record(line, value.as_ref(), observed))
        .collect();
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource {
                attributes: resource.to_vec(),
            }),
            scope_logs: vec![ScopeLogs {
                scope: Some(InstrumentationScope {
                    name: SCOPE_NAME.into(),
                    version,
                }),
                log_records,
            }],
        }],
    }
}

/// The record for one event: the whole JSON line as the body, the fields a collector routes and
/// filters on as attributes. A line that is not JSON still goes out, as an unadorned body.
fn log_record(line: &str, event: Option<&Value>, observed: u64) -> LogRecord {
    let null = Value::Null;
    let event = event.unwrap_or(&null);
    let action = event["action"].as_str().unwrap_or_default();
    let (severity_number, severity_text) = if action == "blocked" {
        (SEVERITY_ERROR, "ERROR")
    } else {
        (SEVERITY_WARN, "WARN")
    };
    let time = event["time"]
        .as_str()
        .and_then(|t| humantime::parse_rfc3339(t).ok())
        .map_or(0, unix_nanos);
    let mut attributes = Vec::new();
    let mut put = |key: &str, value: &Value| {
        if let Some(s) = value.as_str().filter(|s| !s.is_empty()) {
            attributes.push(KeyValue::string(key, s));
        }
    };
    put("rasp.event.id", &event["event_id"]);
    put("rasp.rule.id", &event["rule_id"]);
    put("rasp.category", &event["category"]);
    put("rasp.action", &event["action"]);
    put("rasp.confidence", &event["confidence"]);
    put("rasp.sink.kind", &event["sink"]["kind"]);
    put("rasp.sink.api", &event["sink"]["api"]);
    put("rasp.input.source", &event["input"]["source"]);
    put("rasp.input.name", &event["input"]["name"]);
    put("rasp.rule_set", &event["rule_set"]);
    put("rasp.request.id", &event["request_id"]);
    put("http.request.method", &event["request"]["method"]);
    put("url.path", &event["request"]["path"]);
    put("client.address", &event["request"]["client"]);
    LogRecord {
        time_unix_nano: time,
        observed_time_unix_nano: observed,
        severity_number,
        severity_text: severity_text.into(),
        body: Some(AnyValue::string(line)),
        attributes,
        event_name: if action.is_empty() {
            String::new()
        } else {
            format!("rasp.{action}")
        },
    }
}

fn unix_nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// `OTEL_RESOURCE_ATTRIBUTES`-style text (`k=v,k2=v2`, values percent-encoded) as attributes,
/// `service.name` first: `service_name` when given (as `OTEL_SERVICE_NAME` wins over the list),
/// else the list's, else `unknown_service:java` (the OpenTelemetry default for a Java process).
/// Malformed entries are skipped, as the OpenTelemetry SDKs do.
pub fn resource_attributes(service_name: Option<&str>, list: &str) -> Vec<KeyValue> {
    let mut out = vec![KeyValue::string(
        "service.name",
        service_name.unwrap_or("unknown_service:java"),
    )];
    for entry in list.split(',') {
        let Some((key, value)) = entry.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let value = percent_encoding::percent_decode_str(value.trim())
            .decode_utf8_lossy()
            .into_owned();
        if key == "service.name" {
            if service_name.is_none() && !value.is_empty() {
                out[0] = KeyValue::string(key, value);
            }
            continue;
        }
        if key.is_empty() || out.iter().any(|kv| kv.key == key) {
            continue;
        }
        out.push(KeyValue::string(key, value));
    }
    out.push(KeyValue::int("process.pid", i64::from(std::process::id())));
    out
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::super::proto::{to_json, AnyKind};
    use super::*;

    const EVENT: &str = r#"{"time":"2026-11-25T02:10:11.123Z","event_id":"ev-1","request_id":"rq-1","action":"blocked","rule_id":"sqli.tautology","category":"sqli","confidence":"high","message":"m","input":{"source":"query","name":"name","value":"' OR '1'='1"},"sink":{"kind":"sql","api":"java.sql.Statement.executeQuery","value":"SELECT 1"},"rule_set":"none","other_rules":[],"request":{"method":"GET","path":"/h2/users","client":"127.0.0.1"},"stack":[],"agent_version":"0.1.0"}"#;

    fn attribute<'a>(record: &'a LogRecord, key: &str) -> Option<&'a str> {
        record
            .attributes
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                AnyKind::StringValue(s) => Some(s.as_str()),
                AnyKind::IntValue(_) => None,
            })
    }

    #[test]
    fn protobuf_round_trip_keeps_every_field() {
        let monitored = EVENT.replace("\"blocked\"", "\"monitored\"");
        let resource = resource_attributes(
            Some("shop"),
            "deployment.environment=prod,team=a%20b,bad,service.name=other",
        );
        let request = export_request(&[EVENT, &monitored], &resource);
        let bytes = request.encode_to_vec();
        let decoded = ExportLogsServiceRequest::decode(bytes.as_slice()).expect("decodes");
        assert_eq!(decoded, request);

        let rl = &decoded.resource_logs[0];
        let attrs = &rl.resource.as_ref().expect("resource").attributes;
        assert_eq!(attrs[0], KeyValue::string("service.name", "shop"));
        assert!(attrs.contains(&KeyValue::string("deployment.environment", "prod")));
        assert!(attrs.contains(&KeyValue::string("team", "a b")));
        let scope = rl.scope_logs[0].scope.as_ref().expect("scope");
        assert_eq!(
            (scope.name.as_str(), scope.version.as_str()),
            (SCOPE_NAME, "0.1.0")
        );

        let records = &rl.scope_logs[0].log_records;
        assert_eq!(records.len(), 2);
        let blocked = &records[0];
        assert_eq!(blocked.severity_number, SEVERITY_ERROR);
        assert_eq!(blocked.severity_text, "ERROR");
        assert_eq!(records[1].severity_number, SEVERITY_WARN);
        assert_eq!(blocked.time_unix_nano, 1_795_572_611_123_000_000);
        assert!(blocked.observed_time_unix_nano > 0);
        assert_eq!(blocked.body, Some(AnyValue::string(EVENT)));
        assert_eq!(blocked.event_name, "rasp.blocked");
        for (key, value) in [
            ("rasp.rule.id", "sqli.tautology"),
            ("rasp.category", "sqli"),
            ("rasp.action", "blocked"),
            ("rasp.sink.kind", "sql"),
            ("rasp.input.source", "query"),
            ("rasp.event.id", "ev-1"),
            ("url.path", "/h2/users"),
        ] {
            assert_eq!(attribute(blocked, key), Some(value), "{key}");
        }
    }

    #[test]
    fn json_encoding_follows_the_otlp_json_mapping() {
        let request = export_request(&[EVENT], &resource_attributes(Some("shop"), ""));
        let v = to_json(&request);
        let record = &v["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
        assert_eq!(record["timeUnixNano"], "1795572611123000000");
        assert_eq!(record["severityNumber"], 17);
        assert_eq!(record["body"]["stringValue"], EVENT);
        assert_eq!(record["eventName"], "rasp.blocked");
        assert!(record["attributes"]
            .as_array()
            .expect("attributes")
            .contains(&serde_json::json!({"key": "rasp.rule.id", "value": {"stringValue": "sqli.tautology"}})));
        let resource = &v["resourceLogs"][0]["resource"]["attributes"];
        assert_eq!(resource[0]["value"]["stringValue"], "shop");
        assert_eq!(resource[1]["key"], "process.pid");
        assert!(resource[1]["value"]["intValue"].is_string());
        let from_list = resource_attributes(None, "service.name=billing");
        assert_eq!(from_list[0], KeyValue::string("service.name", "billing"));
        assert_eq!(
            resource_attributes(None, "")[0],
            KeyValue::string("service.name", "unknown_service:java")
        );
        assert_eq!(
            v["resourceLogs"][0]["scopeLogs"][0]["scope"]["name"],
            SCOPE_NAME
        );
    }

    #[test]
    fn a_line_that_is_not_json_still_becomes_a_record() {
        let request = export_request(&["not json"], &[]);
        let record = &request.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!(record.body, Some(AnyValue::string("not json")));
        assert_eq!(record.time_unix_nano, 0);
        assert!(record.attributes.is_empty());
    }
}
