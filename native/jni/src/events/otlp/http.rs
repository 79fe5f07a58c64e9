//! A minimal blocking HTTP/1.1 POST over `std::net::TcpStream`: one request per connection
//! (`Connection: close`), bounded by timeouts, for a collector on plain HTTP. TLS is not
//! supported (the endpoint parser refuses `https`), which keeps TLS stacks out of the library.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// An `http://host[:port]/path` URL, split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `host:port` as written (for the `Host` header and resolution).
    pub authority: String,
    pub path: String,
}

impl Endpoint {
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let url = url.trim();
        if url.len() >= 8 && url[..8].eq_ignore_ascii_case("https://") {
            return Err(format!(
                "'{url}': https is not supported yet; use an http:// endpoint (a collector on the same host or network, or a local collector that forwards over TLS)"
            ));
        }
        let rest = url
            .get(..7)
            .filter(|s| s.eq_ignore_ascii_case("http://"))
            .map(|_| &url[7..])
            .ok_or_else(|| format!("'{url}': use an http://host:port URL"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.is_empty()
            || authority.contains('@')
            || authority
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
            || path.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(format!("'{url}': use an http://host:port URL"));
        }
        let has_port = match authority.rfind(':') {
            Some(i) => !authority[i..].contains(']'),
            None => false,
        };
        let authority = if has_port {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        Ok(Endpoint {
            authority,
            path: path.to_owned(),
        })
    }
}

/// What the server answered.
#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// `Retry-After` in seconds, when given as a number.
    pub retry_after: Option<Duration>,
}

/// POSTs `body` and reads the status line and headers. Any failure to connect, send or read a
/// status line is an `Err` (the caller retries those).
pub fn post(
    endpoint: &Endpoint,
    content_type: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout: Duration,
) -> Result<Response, String> {
    let started = Instant::now();
    let left = || {
        timeout
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1))
    };
    let addrs = endpoint
        .authority
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", endpoint.authority))?;
    let mut last = format!("{} resolves to no address", endpoint.authority);
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, left()) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("cannot connect to {addr}: {e}"),
        }
    }
    let mut stream = stream.ok_or(last)?;
    let _ = stream.set_nodelay(true);
    stream
        .set_write_timeout(Some(left()))
        .and_then(|()| stream.set_read_timeout(Some(left())))
        .map_err(|e| format!("socket: {e}"))?;
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\nUser-Agent: rasp-jvm\r\n",
        endpoint.path,
        endpoint.authority,
        body.len()
    );
    for (name, value) in headers {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body))
        .and_then(|()| stream.flush())
        .map_err(|e| format!("cannot send to {}: {e}", endpoint.authority))?;
    read_head(&mut stream, left())
}

/// Reads up to the end of the response headers (at most 64 KiB); the body is not needed.
fn read_head(stream: &mut TcpStream, timeout: Duration) -> Result<Response, String> {
    let _ = stream.set_read_timeout(Some(timeout));
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            return parse_head(&buf[..end]);
        }
        if buf.len() > 64 * 1024 {
            return Err("response headers over 64 KiB".into());
        }
        match stream.read(&mut chunk) {
            Ok(0) => return parse_head(&buf),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("no response: {e}")),
        }
    }
}

fn parse_head(head: &[u8]) -> Result<Response, String> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| format!("not an HTTP response: '{}'", status_line.escape_debug()))?;
    let retry_after = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("retry-after"))
        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Ok(Response {
        status,
        retry_after,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse_and_https_is_refused_plainly() {
        assert_eq!(
            Endpoint::parse("http://127.0.0.1:4318/v1/logs"),
            Ok(Endpoint {
                authority: "127.0.0.1:4318".into(),
                path: "/v1/logs".into()
            })
        );
        assert_eq!(
            Endpoint::parse("HTTP://collector").map(|e| (e.authority, e.path)),
            Ok(("collector:80".into(), "/".into()))
        );
        assert_eq!(
            Endpoint::parse("http://[::1]/x").map(|e| e.authority),
            Ok("[::1]:80".into())
        );
        let https = Endpoint::parse("https://collector:4318/v1/logs").expect_err("tls");
        assert!(https.contains("https is not supported yet"), "{https}");
        for bad in ["collector:4318", "http://", "http://a b/", "ftp://x/"] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_and_retry_after_are_read() {
        assert_eq!(
            parse_head(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nX: y"),
            Ok(Response {
                status: 503,
                retry_after: Some(Duration::from_secs(2))
            })
        );
        assert_eq!(parse_head(b"HTTP/1.0 200 OK").map(|r| r.status), Ok(200));
        assert!(parse_head(b"SSH-2.0-OpenSSH").is_err());
    }
}
