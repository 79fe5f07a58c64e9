//! Decoding of the records the agent sends across the native boundary.
//!
//! Both are big-endian, and a field is a `u32` length and that many UTF-8 bytes.
//!
//! * The request record (`openContext`): `u32 version=1, method, requestURI, queryString,
//!   remoteAddr, contentType, u32 n, n x (name, value)`.
//! * The input record (`addInputs`): `u32 version=1, u32 n, n x (u8 source, name, value)`, the
//!   values the agent captured where the application read them.
//!
//! Invalid UTF-8 is decoded lossily rather than rejected: the engine must still see the bytes an
//! attacker sent. Anything else wrong rejects the whole record, so a record is never half
//! applied: counts are checked against the bytes there are before anything is allocated, and
//! an input record must end exactly where its last entry does.

use compact_str::CompactString;

use crate::input::InputSource;

/// The request line and headers, as the container gave them to the application.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
///
/// Fields are [`CompactString`]s: a request's method, address and most header names and values
/// are short enough to be held inline, so decoding a record allocates for the long ones only.
pub struct RequestRecord {
    pub method: CompactString,
    /// Raw, undecoded request URI (no query string).
    pub uri: CompactString,
    /// Raw, undecoded query string, empty when absent.
    pub query: CompactString,
    pub remote_addr: CompactString,
    pub content_type: CompactString,
    pub headers: Vec<(CompactString, CompactString)>,
}

/// One value the agent captured where the application read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapturedInput {
    pub source: InputSource,
    /// What the application read: a parameter or header name, a JSON or XML path, `message`.
    pub name: CompactString,
    pub value: CompactString,
}

/// Why a record could not be decoded. `record` is `request` or `input`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("{record} record ends inside {inside}")]
    Truncated {
        record: &'static str,
        inside: &'static str,
    },
    #[error("unsupported {record} record version {found} (expected 1)")]
    Version { record: &'static str, found: u32 },
    #[error("{record} record declares {count} {what}, more than its {len} bytes can hold")]
    Count {
        record: &'static str,
        what: &'static str,
        count: u32,
        len: usize,
    },
    #[error("input record entry {index} has unknown source code {code}")]
    Source { index: u32, code: u8 },
    #[error("{record} record has {extra} bytes after its last entry")]
    Trailing { record: &'static str, extra: usize },
}

struct Reader<'a> {
    record: &'static str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(record: &'static str, bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            record,
            bytes,
            pos: 0,
        }
    }

    fn take(&mut self, len: usize, inside: &'static str) -> Result<&'a [u8], WireError> {
        let truncated = WireError::Truncated {
            record: self.record,
            inside,
        };
        let end = self.pos.checked_add(len).ok_or(truncated.clone())?;
        let raw = self.bytes.get(self.pos..end).ok_or(truncated)?;
        self.pos = end;
        Ok(raw)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, WireError> {
        Ok(self.take(1, what)?[0])
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, WireError> {
        let raw = self.take(4, what)?;
        Ok(u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]))
    }

    fn field(&mut self, what: &'static str) -> Result<CompactString, WireError> {
        let len = self.u32(what)? as usize;
        let raw = self.take(len, what)?;
        // The agent writes UTF-8: the plain check is the common case and much cheaper than
        // the lossy one's chunk by chunk walk, which stays for bytes that are not.
        Ok(match std::str::from_utf8(raw) {
            Ok(text) => CompactString::from(text),
            Err(_) => CompactString::from_utf8_lossy(raw),
        })
    }

    fn version(&mut self) -> Result<(), WireError> {
        match self.u32("version")? {
            1 => Ok(()),
            found => Err(WireError::Version {
                record: self.record,
                found,
            }),
        }
    }

    /// A count of entries of at least `min_bytes` each, refused when the rest of the record
    /// cannot hold that many (so an absurd count allocates nothing).
    fn count(&mut self, what: &'static str, min_bytes: usize) -> Result<u32, WireError> {
        let count = self.u32(what)?;
        let rest = self.bytes.len() - self.pos;
        if (count as usize).saturating_mul(min_bytes) > rest {
            return Err(WireError::Count {
                record: self.record,
                what,
                count,
                len: self.bytes.len(),
            });
        }
        Ok(count)
    }

    fn end(&self) -> Result<(), WireError> {
        match self.bytes.len() - self.pos {
            0 => Ok(()),
            extra => Err(WireError::Trailing {
                record: self.record,
                extra,
            }),
        }
    }
}

fn put_field(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

impl RequestRecord {
    pub fn decode(bytes: &[u8]) -> Result<RequestRecord, WireError> {
        let mut r = Reader::new("request", bytes);
        r.version()?;
        let method = r.field("method")?;
        let uri = r.field("requestURI")?;
        let query = r.field("queryString")?;
        let remote_addr = r.field("remoteAddr")?;
        let content_type = r.field("contentType")?;
        // Each header needs at least two length words.
        let count = r.count("headers", 8)?;
        let mut headers = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let name = r.field("header name")?;
            let value = r.field("header value")?;
            headers.push((name, value));
        }
        Ok(RequestRecord {
            method,
            uri,
            query,
            remote_addr,
            content_type,
            headers,
        })
    }

    /// Encodes a record (used by tests, the CLI and benchmarks; the agent has its own encoder).
    pub fn encode(&self) -> Vec<u8> {
        let field = put_field;
        let mut out = Vec::new();
        out.extend_from_slice(&1u32.to_be_bytes());
        for s in [
            &self.method,
            &self.uri,
            &self.query,
            &self.remote_addr,
            &self.content_type,
        ] {
            field(&mut out, s);
        }
        out.extend_from_slice(&(self.headers.len() as u32).to_be_bytes());
        for (n, v) in &self.headers {
            field(&mut out, n);
            field(&mut out, v);
        }
        out
    }
}

impl CapturedInput {
    /// Decodes an input record. Any fault (truncation, an unknown source code, a count the
    /// bytes cannot hold, bytes after the last entry) rejects the whole record.
    pub fn decode_record(bytes: &[u8]) -> Result<Vec<CapturedInput>, WireError> {
        let mut r = Reader::new("input", bytes);
        r.version()?;
        // Each entry needs at least its source byte and two length words.
        let count = r.count("inputs", 9)?;
        let mut inputs = Vec::with_capacity(count as usize);
        for index in 0..count {
            let code = r.u8("source")?;
            let source = InputSource::from_code(code).ok_or(WireError::Source { index, code })?;
            let name = r.field("input name")?;
            let value = r.field("input value")?;
            inputs.push(CapturedInput {
                source,
                name,
                value,
            });
        }
        r.end()?;
        Ok(inputs)
    }

    /// Encodes an input record (tests and benchmarks; the agent has its own encoder).
    pub fn encode_record(inputs: &[CapturedInput]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&1u32.to_be_bytes());
        out.extend_from_slice(&(inputs.len() as u32).to_be_bytes());
        for input in inputs {
            out.push(input.source.code());
            put_field(&mut out, &input.name);
            put_field(&mut out, &input.value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RequestRecord {
        RequestRecord {
            method: "GET".into(),
            uri: "/users/42".into(),
            query: "name=a%27b".into(),
            remote_addr: "127.0.0.1".into(),
            content_type: CompactString::default(),
            headers: vec![("Cookie".into(), "s=1; user=bob".into())],
        }
    }

    #[test]
    fn round_trips() {
        let rec = sample();
        assert_eq!(RequestRecord::decode(&rec.encode()), Ok(rec));
    }

    #[test]
    fn rejects_truncated_and_bad_versions() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            assert!(
                RequestRecord::decode(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut v2 = bytes.clone();
        v2[3] = 2;
        assert_eq!(
            RequestRecord::decode(&v2),
            Err(WireError::Version {
                record: "request",
                found: 2
            })
        );
    }

    #[test]
    fn rejects_absurd_header_counts() {
        let mut bytes = RequestRecord::default().encode();
        let n = bytes.len();
        bytes[n - 4..].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            RequestRecord::decode(&bytes),
            Err(WireError::Count { .. })
        ));
    }

    #[test]
    fn invalid_utf8_is_kept_lossily() {
        let mut rec = sample();
        rec.query = Default::default();
        let mut bytes = rec.encode();
        // Replace the method "GET" with invalid UTF-8.
        bytes[8] = 0xff;
        let decoded = RequestRecord::decode(&bytes).expect("decodes");
        assert!(decoded.method.contains('\u{fffd}'));
    }

    fn captured(source: InputSource, name: &str, value: &str) -> CapturedInput {
        CapturedInput {
            source,
            name: name.into(),
            value: value.into(),
        }
    }

    fn sample_inputs() -> Vec<CapturedInput> {
        vec![
            captured(InputSource::Json, "user.name", "x' OR '1'='1"),
            captured(InputSource::Parameter, "q", ""),
            captured(InputSource::Websocket, "message", "héllo"),
            captured(InputSource::ZipEntry, "entry", "../../etc/cron.d/x"),
        ]
    }

    #[test]
    fn input_records_round_trip() {
        let inputs = sample_inputs();
        let bytes = CapturedInput::encode_record(&inputs);
        assert_eq!(CapturedInput::decode_record(&bytes), Ok(inputs));
        let empty = CapturedInput::encode_record(&[]);
        assert_eq!(CapturedInput::decode_record(&empty), Ok(Vec::new()));
    }

    #[test]
    fn input_records_with_any_cut_are_rejected_whole() {
        let bytes = CapturedInput::encode_record(&sample_inputs());
        for cut in 0..bytes.len() {
            assert!(
                CapturedInput::decode_record(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }

    /// The bytes of a one-entry record: version, count, source, name, value.
    fn one_entry(version: u32, count: u32, source: u8, name: &[u8], value_len: u32) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.push(source);
        out.extend_from_slice(&(name.len() as u32).to_be_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&value_len.to_be_bytes());
        out.extend_from_slice(b"abc");
        out
    }

    #[test]
    fn bad_input_records_say_why() {
        let truncated = |inside| WireError::Truncated {
            record: "input",
            inside,
        };
        let mut trailing = one_entry(1, 1, 2, b"a", 3);
        trailing.push(0);
        let cases: [(&str, Vec<u8>, WireError); 7] = [
            (
                "version 2",
                one_entry(2, 1, 2, b"a", 3),
                WireError::Version {
                    record: "input",
                    found: 2,
                },
            ),
            (
                "source 12",
                one_entry(1, 1, 12, b"a", 3),
                WireError::Source { index: 0, code: 12 },
            ),
            (
                "source 255",
                one_entry(1, 1, 255, b"a", 3),
                WireError::Source {
                    index: 0,
                    code: 255,
                },
            ),
            (
                "huge value length",
                one_entry(1, 1, 2, b"a", u32::MAX),
                truncated("input value"),
            ),
            (
                "value longer than the record",
                one_entry(1, 1, 2, b"a", 4),
                truncated("input value"),
            ),
            (
                "huge count",
                one_entry(1, u32::MAX, 2, b"a", 3),
                WireError::Count {
                    record: "input",
                    what: "inputs",
                    count: u32::MAX,
                    len: 21,
                },
            ),
            (
                "bytes after the last entry",
                trailing,
                WireError::Trailing {
                    record: "input",
                    extra: 1,
                },
            ),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(CapturedInput::decode_record(&bytes), Err(want), "{name}");
        }
        assert_eq!(
            CapturedInput::decode_record(&one_entry(1, 1, 2, b"a", 3)),
            Ok(vec![captured(InputSource::Json, "a", "abc")]),
            "the cases differ from a good record only where they say"
        );
    }

    #[test]
    fn input_records_keep_invalid_utf8_lossily() {
        let decoded =
            CapturedInput::decode_record(&one_entry(1, 1, 9, b"m\xffx", 3)).expect("decodes");
        assert_eq!(decoded[0].name, "m\u{fffd}x");
        assert_eq!(decoded[0].source, InputSource::Websocket);
    }
}
