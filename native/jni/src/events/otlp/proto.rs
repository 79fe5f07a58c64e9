//! The few OTLP logs messages the exporter sends (opentelemetry-proto `logs/v1`, `common/v1`,
//! `resource/v1`, `collector/logs/v1`), written out with `prost` derives instead of generated
//! code: the exporter only ever encodes, and only these fields, so no build script or `protoc`.
//! Field numbers and types are the proto files' own; JSON (`http/json`) is written from the same
//! structs by [`to_json`].

use prost::Message;
use serde_json::{json, Value};

#[derive(Clone, PartialEq, Message)]
pub struct ExportLogsServiceRequest {
    #[prost(message, repeated, tag = "1")]
    pub resource_logs: Vec<ResourceLogs>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ResourceLogs {
    #[prost(message, optional, tag = "1")]
    pub resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    pub scope_logs: Vec<ScopeLogs>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Resource {
    #[prost(message, repeated, tag = "1")]
    pub attributes: Vec<KeyValue>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ScopeLogs {
    #[prost(message, optional, tag = "1")]
    pub scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    pub log_records: Vec<LogRecord>,
}

#[derive(Clone, PartialEq, Message)]
pub struct InstrumentationScope {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub version: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct LogRecord {
    #[prost(fixed64, tag = "1")]
    pub time_unix_nano: u64,
    #[prost(fixed64, tag = "11")]
    pub observed_time_unix_nano: u64,
    /// `SeverityNumber` (an enum in the proto; the wire form is the same varint).
    #[prost(int32, tag = "2")]
    pub severity_number: i32,
    #[prost(string, tag = "3")]
    pub severity_text: String,
    #[prost(message, optional, tag = "5")]
    pub body: Option<AnyValue>,
    #[prost(message, repeated, tag = "6")]
    pub attributes: Vec<KeyValue>,
    #[prost(string, tag = "12")]
    pub event_name: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct KeyValue {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<AnyValue>,
}

#[derive(Clone, PartialEq, Message)]
pub struct AnyValue {
    #[prost(oneof = "AnyKind", tags = "1, 3")]
    pub value: Option<AnyKind>,
}

/// `AnyValue.value`: the two kinds the exporter uses.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum AnyKind {
    #[prost(string, tag = "1")]
    StringValue(String),
    #[prost(int64, tag = "3")]
    IntValue(i64),
}

/// `SeverityNumber.SEVERITY_NUMBER_WARN` and `..._ERROR`.
pub const SEVERITY_WARN: i32 = 13;
pub const SEVERITY_ERROR: i32 = 17;

impl KeyValue {
    pub fn string(key: &str, value: impl Into<String>) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue::string(value)),
        }
    }

    pub fn int(key: &str, value: i64) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue {
                value: Some(AnyKind::IntValue(value)),
            }),
        }
    }
}

impl AnyValue {
    pub fn string(value: impl Into<String>) -> AnyValue {
        AnyValue {
            value: Some(AnyKind::StringValue(value.into())),
        }
    }
}

/// The OTLP/JSON form (proto3 JSON mapping with OTLP's exceptions: lowerCamelCase names, 64-bit
/// integers as decimal strings, enums as numbers).
pub fn to_json(request: &ExportLogsServiceRequest) -> Value {
    json!({
        "resourceLogs": request.resource_logs.iter().map(|rl| json!({
            "resource": {"attributes": attributes_json(
                rl.resource.as_ref().map_or(&[][..], |r| &r.attributes))},
            "scopeLogs": rl.scope_logs.iter().map(|sl| json!({
                "scope": sl.scope.as_ref().map(|s| json!({"name": s.name, "version": s.version})),
                "logRecords": sl.log_records.iter().map(record_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn record_json(r: &LogRecord) -> Value {
    let mut v = json!({
        "timeUnixNano": r.time_unix_nano.to_string(),
        "observedTimeUnixNano": r.observed_time_unix_nano.to_string(),
        "severityNumber": r.severity_number,
        "severityText": r.severity_text,
        "attributes": attributes_json(&r.attributes),
    });
    if let Some(body) = &r.body {
        v["body"] = any_json(body);
    }
    if !r.event_name.is_empty() {
        v["eventName"] = json!(r.event_name);
    }
    v
}

fn attributes_json(attributes: &[KeyValue]) -> Value {
    Value::Array(
        attributes
            .iter()
            .map(
                |kv| json!({"key": kv.key, "value": kv.value.as_ref().map_or(json!({}), any_json)}),
            )
            .collect(),
    )
}

fn any_json(v: &AnyValue) -> Value {
    match &v.value {
        Some(AnyKind::StringValue(s)) => json!({ "stringValue": s }),
        Some(AnyKind::IntValue(i)) => json!({ "intValue": i.to_string() }),
        None => json!({}),
    }
}
