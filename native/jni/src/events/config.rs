//! The destinations configured by `events.otlp.*` and `events.syslog.*` engine keys (the agent
//! resolves `rasp.*` keys and the `OTEL_*` variables into these; nothing here reads the
//! environment). Keys of other destinations are left to their owners.

use std::collections::BTreeMap;
use std::time::Duration;

use super::otlp::http::Endpoint;
use super::otlp::{self, record, OtlpConfig, Protocol};
use super::syslog::format::{Format, Header};
use super::syslog::{self, local_hostname, SyslogConfig};
use super::Destination;

const OTLP: &str = "events.otlp.";
const SYSLOG: &str = "events.syslog.";

/// Starts the OTLP and syslog destinations the keys ask for (none when their `endpoint` is
/// absent). Starting connects to nothing: a collector that is down does not delay the start.
pub fn configured(keys: &BTreeMap<String, String>) -> Result<Vec<Box<dyn Destination>>, String> {
    let mut out: Vec<Box<dyn Destination>> = Vec::new();
    let otlp = fields(keys, OTLP);
    if !otlp.is_empty() {
        out.push(Box::new(otlp::start(otlp_config(&otlp)?)?));
    }
    let syslog = fields(keys, SYSLOG);
    if !syslog.is_empty() {
        out.push(Box::new(syslog::start(syslog_config(&syslog)?)?));
    }
    Ok(out)
}

fn fields<'a>(keys: &'a BTreeMap<String, String>, prefix: &str) -> BTreeMap<&'a str, &'a str> {
    keys.iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?, v.trim())))
        .collect()
}

fn bad(prefix: &str, field: &str, value: &str, fix: &str) -> String {
    format!("bad value '{value}' for {prefix}{field}: {fix}")
}

fn number(prefix: &str, field: &str, value: &str, min: u64, max: u64) -> Result<u64, String> {
    value
        .parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            bad(
                prefix,
                field,
                value,
                &format!("use a whole number from {min} to {max}"),
            )
        })
}

fn otlp_config(f: &BTreeMap<&str, &str>) -> Result<OtlpConfig, String> {
    let endpoint = f
        .get("endpoint")
        .ok_or_else(|| format!("{OTLP}endpoint is missing: the other {OTLP}* keys need it"))?;
    let endpoint =
        Endpoint::parse(endpoint).map_err(|e| format!("bad value for {OTLP}endpoint: {e}"))?;
    let mut c = OtlpConfig::new(endpoint);
    let mut service_name = None;
    let mut resource_attributes = "";
    for (&field, &value) in f {
        let n = |min, max| number(OTLP, field, value, min, max);
        match field {
            "endpoint" => {}
            "protocol" => {
                c.protocol = match value {
                    "http/protobuf" => Protocol::Protobuf,
                    "http/json" => Protocol::Json,
                    _ => {
                        return Err(bad(
                            OTLP,
                            field,
                            value,
                            "use http/protobuf or http/json (grpc is not supported)",
                        ))
                    }
                }
            }
            "headers" => c.headers = headers(value)?,
            "service_name" if !value.is_empty() => service_name = Some(value),
            "service_name" => {}
            "resource_attributes" => resource_attributes = value,
            "queue_size" => c.queue_size = n(1, 1 << 20)? as usize,
            "batch_size" => c.batch_size = n(1, 1 << 16)? as usize,
            "batch_delay_ms" => c.batch_delay = Duration::from_millis(n(0, 600_000)?),
            "timeout_ms" => c.timeout = Duration::from_millis(n(1, 600_000)?),
            "max_attempts" => c.retry.max_attempts = n(1, 100)? as u32,
            "initial_backoff_ms" => c.retry.initial_backoff = Duration::from_millis(n(1, 600_000)?),
            _ => return Err(unknown(OTLP, field)),
        }
    }
    c.resource = record::resource_attributes(service_name, resource_attributes);
    Ok(c)
}

/// `OTEL_EXPORTER_OTLP_HEADERS` form: `name=value,…`, values percent-encoded.
fn headers(list: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for entry in list.split(',').filter(|e| !e.trim().is_empty()) {
        let fix = "use name=value pairs separated by commas (values percent-encoded)";
        let (name, value) = entry
            .split_once('=')
            .ok_or_else(|| bad(OTLP, "headers", list, fix))?;
        let name = name.trim();
        let value = percent_encoding::percent_decode_str(value.trim())
            .decode_utf8()
            .map_err(|_| bad(OTLP, "headers", list, fix))?;
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) || value.chars().any(char::is_control) {
            return Err(bad(OTLP, "headers", list, fix));
        }
        out.push((name.to_owned(), value.into_owned()));
    }
    Ok(out)
}

fn syslog_config(f: &BTreeMap<&str, &str>) -> Result<SyslogConfig, String> {
    let endpoint = f
        .get("endpoint")
        .ok_or_else(|| format!("{SYSLOG}endpoint is missing: the other {SYSLOG}* keys need it"))?;
    let hostname = f
        .get("hostname")
        .map_or_else(local_hostname, |h| (*h).to_owned());
    let app_name = f.get("app_name").copied().unwrap_or("rasp");
    let mut c = SyslogConfig::new(endpoint, Header::new(16, &hostname, app_name))
        .map_err(|e| format!("bad value for {SYSLOG}endpoint: {e}"))?;
    for (&field, &value) in f {
        match field {
            "endpoint" | "hostname" | "app_name" => {}
            "format" => {
                c.format = match value {
                    "rfc5424" => Format::Rfc5424,
                    "cef" => Format::Cef,
                    _ => return Err(bad(SYSLOG, field, value, "use rfc5424 or cef")),
                }
            }
            "facility" => {
                c.header.facility = facility(value).ok_or_else(|| {
                    bad(
                        SYSLOG,
                        field,
                        value,
                        "use a facility name (user, daemon, auth, authpriv, local0 to local7, ...) or a number from 0 to 23",
                    )
                })?
            }
            "queue_size" => c.queue_size = number(SYSLOG, field, value, 1, 1 << 20)? as usize,
            "max_datagram_bytes" => {
                c.max_datagram = number(SYSLOG, field, value, 480, 65_507)? as usize
            }
            _ => return Err(unknown(SYSLOG, field)),
        }
    }
    Ok(c)
}

/// RFC 5424 §6.2.1's facility codes, by their usual names.
fn facility(value: &str) -> Option<u8> {
    const NAMES: [&str; 16] = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
        "authpriv", "ftp", "ntp", "audit", "alert", "clock",
    ];
    let v = value.to_ascii_lowercase();
    if let Ok(n) = v.parse::<u8>() {
        return (n <= 23).then_some(n);
    }
    if let Some(i) = NAMES.iter().position(|n| *n == v) {
        return u8::try_from(i).ok();
    }
    let local = v.strip_prefix("local")?.parse::<u8>().ok()?;
    (local <= 7).then_some(16 + local)
}

fn unknown(prefix: &str, field: &str) -> String {
    let known = if prefix == OTLP {
        "endpoint, protocol, headers, service_name, resource_attributes, queue_size, batch_size, batch_delay_ms, timeout_ms, max_attempts, initial_backoff_ms"
    } else {
        "endpoint, format, facility, app_name, hostname, queue_size, max_datagram_bytes"
    };
    format!("unknown configuration key '{prefix}{field}' (known: {known})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn nothing_configured_means_no_destination_and_other_keys_are_left_alone() {
        let d = configured(&keys(&[("events.file.anything", "x")])).expect("ok");
        assert!(d.is_empty());
    }

    #[test]
    fn both_destinations_start_each_with_its_name() {
        let d = configured(&keys(&[
            ("events.otlp.endpoint", "http://127.0.0.1:1/v1/logs"),
            ("events.otlp.protocol", "http/json"),
            ("events.otlp.headers", "api-key=a%20b,x=y"),
            ("events.syslog.endpoint", "udp://127.0.0.1:1"),
            ("events.syslog.format", "cef"),
            ("events.syslog.facility", "local4"),
        ]))
        .expect("ok");
        let names: Vec<&str> = d.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["otlp", "syslog"]);
    }

    #[test]
    fn values_parse() {
        let c = otlp_config(&BTreeMap::from([
            ("endpoint", "http://c:4318/v1/logs"),
            ("headers", "api-key=a%20b, x = y"),
            ("service_name", "shop"),
            ("resource_attributes", "env=prod"),
            ("batch_size", "10"),
        ]))
        .expect("ok");
        assert_eq!(
            c.headers,
            [("api-key".into(), "a b".into()), ("x".into(), "y".into())]
        );
        assert_eq!(c.batch_size, 10);
        assert_eq!(
            c.resource[0],
            super::super::otlp::proto::KeyValue::string("service.name", "shop")
        );
        assert_eq!(facility("local0"), Some(16));
        assert_eq!(facility("AUTH"), Some(4));
        assert_eq!(facility("23"), Some(23));
        assert_eq!(facility("local8"), None);
        assert_eq!(facility("24"), None);
    }

    #[test]
    fn mistakes_name_the_key_and_the_fix() {
        for (pairs, expected) in [
            (
                vec![("events.otlp.endpoint", "https://c:4318/v1/logs")],
                "bad value for events.otlp.endpoint: 'https://c:4318/v1/logs': https is not supported yet",
            ),
            (
                vec![("events.otlp.endpoint", "http://c/v1/logs"), ("events.otlp.protocol", "grpc")],
                "bad value 'grpc' for events.otlp.protocol: use http/protobuf or http/json",
            ),
            (
                vec![("events.otlp.endpoint", "http://c/v1/logs"), ("events.otlp.headers", "a:b")],
                "bad value 'a:b' for events.otlp.headers:",
            ),
            (
                vec![("events.otlp.endpoint", "http://c/v1/logs"), ("events.otlp.headers", "a=b%0d%0aX: y")],
                "bad value 'a=b%0d%0aX: y' for events.otlp.headers:",
            ),
            (
                vec![("events.otlp.endpoint", "http://c/v1/logs"), ("events.otlp.batch_size", "0")],
                "bad value '0' for events.otlp.batch_size: use a whole number from 1 to 65536",
            ),
            (
                vec![("events.otlp.protocol", "http/json")],
                "events.otlp.endpoint is missing",
            ),
            (
                vec![("events.otlp.endpoint", "http://c/v1/logs"), ("events.otlp.colour", "red")],
                "unknown configuration key 'events.otlp.colour'",
            ),
            (
                vec![("events.syslog.endpoint", "udp://h")],
                "bad value for events.syslog.endpoint: 'udp://h': use udp://host:port or tcp://host:port",
            ),
            (
                vec![("events.syslog.endpoint", "udp://h:514"), ("events.syslog.format", "leef")],
                "bad value 'leef' for events.syslog.format: use rfc5424 or cef",
            ),
            (
                vec![("events.syslog.endpoint", "udp://h:514"), ("events.syslog.facility", "local9")],
                "bad value 'local9' for events.syslog.facility: use a facility name",
            ),
        ] {
            let error = configured(&keys(&pairs)).err().expect("an error");
            assert!(error.starts_with(expected), "{error}\nexpected: {expected}");
        }
    }
}
