//! Decoding of the request record the agent sends across the native boundary.
//!
//! Layout (big-endian; a field is a `u32` length and that many UTF-8 bytes):
//! `u32 version=1, method, requestURI, queryString, remoteAddr, contentType, u32 n, n x (name, value)`.
//! Invalid UTF-8 is decoded lossily rather than rejected: the engine must still see the bytes an
//! attacker sent.

/// The request line and headers, as the container gave them to the application.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// Raw, undecoded request URI (no query string).
    pub uri: String,
    /// Raw, undecoded query string, empty when absent.
    pub query: String,
    pub remote_addr: String,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
}

/// Why a request record could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("request record ends inside {0}")]
    Truncated(&'static str),
    #[error("unsupported request record version {0} (expected 1)")]
    Version(u32),
    #[error("request record declares {0} headers, more than its {1} bytes can hold")]
    HeaderCount(u32, usize),
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn u32(&mut self, what: &'static str) -> Result<u32, WireError> {
        let end = self.pos.checked_add(4).ok_or(WireError::Truncated(what))?;
        let raw = self
            .bytes
            .get(self.pos..end)
            .ok_or(WireError::Truncated(what))?;
        self.pos = end;
        Ok(u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]))
    }

    fn field(&mut self, what: &'static str) -> Result<String, WireError> {
        let len = self.u32(what)? as usize;
        let end = self
            .pos
            .checked_add(len)
            .ok_or(WireError::Truncated(what))?;
        let raw = self
            .bytes
            .get(self.pos..end)
            .ok_or(WireError::Truncated(what))?;
        self.pos = end;
        Ok(String::from_utf8_lossy(raw).into_owned())
    }
}

impl RequestRecord {
    pub fn decode(bytes: &[u8]) -> Result<RequestRecord, WireError> {
        let mut r = Reader { bytes, pos: 0 };
        let version = r.u32("version")?;
        if version != 1 {
            return Err(WireError::Version(version));
        }
        let method = r.field("method")?;
        let uri = r.field("requestURI")?;
        let query = r.field("queryString")?;
        let remote_addr = r.field("remoteAddr")?;
        let content_type = r.field("contentType")?;
        let count = r.u32("header count")?;
        // Each header needs at least two length words; reject absurd counts before allocating.
        if (count as usize).saturating_mul(8) > bytes.len() {
            return Err(WireError::HeaderCount(count, bytes.len()));
        }
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
        fn field(out: &mut Vec<u8>, s: &str) {
            out.extend_from_slice(&(s.len() as u32).to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RequestRecord {
        RequestRecord {
            method: "GET".into(),
            uri: "/users/42".into(),
            query: "name=a%27b".into(),
            remote_addr: "127.0.0.1".into(),
            content_type: String::new(),
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
        assert_eq!(RequestRecord::decode(&v2), Err(WireError::Version(2)));
    }

    #[test]
    fn rejects_absurd_header_counts() {
        let mut bytes = RequestRecord::default().encode();
        let n = bytes.len();
        bytes[n - 4..].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            RequestRecord::decode(&bytes),
            Err(WireError::HeaderCount(..))
        ));
    }

    #[test]
    fn invalid_utf8_is_kept_lossily() {
        let mut rec = sample();
        rec.query = String::new();
        let mut bytes = rec.encode();
        // Replace the method "GET" with invalid UTF-8.
        bytes[8] = 0xff;
        let decoded = RequestRecord::decode(&bytes).expect("decodes");
        assert!(decoded.method.contains('\u{fffd}'));
    }
}
