//! The syslog destination: RFC 5424 messages over UDP (one datagram each, RFC 5426) or TCP
//! (octet-counting framing, RFC 6587), the event's JSON or a CEF record as MSG.
//!
//! One background thread resolves, connects and sends. UDP is fire-and-forget: a send that fails
//! is an error and a drop. TCP reconnects in the background with backoff; the events waiting
//! meanwhile stay queued (and a full queue drops and counts), and the batch in hand is sent again
//! on the new connection, so a broken connection loses nothing it had not yet taken.

pub mod format;

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use super::outbox::{outbox, Inbox, Outbox};
use format::{Format, Header};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
}

#[derive(Clone, Debug)]
pub struct SyslogConfig {
    pub transport: Transport,
    /// `host:port`.
    pub address: String,
    pub format: Format,
    pub header: Header,
    pub queue_size: usize,
    /// Largest UDP message; a larger event is summarised (see [`format::message`]).
    pub max_datagram: usize,
    pub timeout: Duration,
    pub max_backoff: Duration,
}

impl SyslogConfig {
    /// Parses `udp://host:port` or `tcp://host:port`.
    pub fn new(endpoint: &str, header: Header) -> Result<SyslogConfig, String> {
        let endpoint = endpoint.trim();
        let (transport, address) = if let Some(a) = endpoint.strip_prefix("udp://") {
            (Transport::Udp, a)
        } else if let Some(a) = endpoint.strip_prefix("tcp://") {
            (Transport::Tcp, a)
        } else {
            return Err(format!(
                "'{endpoint}': use udp://host:port or tcp://host:port"
            ));
        };
        let port_ok = address.rsplit_once(':').is_some_and(|(host, port)| {
            !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0)
        });
        if !port_ok || address.contains('/') || address.chars().any(char::is_whitespace) {
            return Err(format!(
                "'{endpoint}': use udp://host:port or tcp://host:port"
            ));
        }
        Ok(SyslogConfig {
            transport,
            address: address.to_owned(),
            format: Format::Rfc5424,
            header,
            queue_size: 2048,
            max_datagram: 8192,
            timeout: Duration::from_secs(5),
            max_backoff: Duration::from_secs(5),
        })
    }
}

/// This host's name for the HOSTNAME field, from the kernel (no DNS lookup).
pub fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default()
}

pub fn start(config: SyslogConfig) -> Result<Outbox, String> {
    let (outbox, inbox) = outbox("syslog", config.queue_size);
    std::thread::Builder::new()
        .name("rasp-events-syslog".into())
        .spawn(move || match config.transport {
            Transport::Udp => send_udp(&inbox, &config),
            Transport::Tcp => send_tcp(&inbox, &config),
        })
        .map_err(|e| format!("cannot start the syslog thread: {e}"))?;
    Ok(outbox)
}

const BATCH: usize = 64;

fn resolve(address: &str) -> Result<SocketAddr, String> {
    address
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {address}: {e}"))?
        .next()
        .ok_or_else(|| format!("{address} resolves to no address"))
}

fn send_udp(inbox: &Inbox, config: &SyslogConfig) {
    let mut socket: Option<(UdpSocket, SocketAddr)> = None;
    while let Some(batch) = inbox.next_batch(BATCH, Duration::ZERO) {
        for event in batch {
            if socket.is_none() {
                socket = resolve(&config.address).ok().and_then(|addr| {
                    let local = if addr.is_ipv4() {
                        "0.0.0.0:0"
                    } else {
                        "[::]:0"
                    };
                    UdpSocket::bind(local).ok().map(|s| (s, addr))
                });
            }
            let message = format::message(
                &event,
                &config.header,
                config.format,
                Some(config.max_datagram),
            );
            let sent = socket
                .as_ref()
                .is_some_and(|(s, addr)| s.send_to(&message, addr).is_ok());
            if sent {
                inbox.written(1);
            } else {
                inbox.error();
                inbox.dropped(1);
                // Resolve again next time: the name may point elsewhere now.
                socket = None;
            }
        }
    }
}

fn send_tcp(inbox: &Inbox, config: &SyslogConfig) {
    let mut stream: Option<TcpStream> = None;
    let mut backoff = Duration::from_millis(100);
    while let Some(batch) = inbox.next_batch(BATCH, Duration::ZERO) {
        let mut frames = Vec::new();
        for event in &batch {
            let message = format::message(event, &config.header, config.format, None);
            // RFC 6587 §3.4.1 octet counting: "MSG-LEN SP SYSLOG-MSG".
            frames.extend_from_slice(message.len().to_string().as_bytes());
            frames.push(b' ');
            frames.extend_from_slice(&message);
        }
        loop {
            if stream.as_ref().is_some_and(closed_by_peer) {
                stream = None;
            }
            if stream.is_none() {
                stream = connect(&config.address, inbox.attempt_timeout(config.timeout));
            }
            let sent = match stream.as_mut() {
                Some(s) => {
                    let _ = s.set_write_timeout(Some(inbox.attempt_timeout(config.timeout)));
                    s.write_all(&frames).and_then(|()| s.flush()).is_ok()
                }
                None => false,
            };
            if sent {
                inbox.written(batch.len());
                backoff = Duration::from_millis(100);
                break;
            }
            inbox.error();
            stream = None;
            if !inbox.pause(backoff) {
                inbox.dropped(batch.len());
                break;
            }
            backoff = (backoff * 2).min(config.max_backoff);
        }
    }
}

fn connect(address: &str, timeout: Duration) -> Option<TcpStream> {
    let addr = resolve(address).ok()?;
    let stream = TcpStream::connect_timeout(&addr, timeout).ok()?;
    let _ = stream.set_nodelay(true);
    Some(stream)
}

/// True when the receiver closed the connection (a read would return end of stream): a write
/// would still succeed once and the data would be lost, so reconnect first.
fn closed_by_peer(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut byte = [0u8; 1];
    let closed = match stream.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).is_err() || closed
}

#[cfg(test)]
mod tests {
    use crate::events::DestinationCounters;
    use std::io::{BufRead, BufReader, Read};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::time::Instant;

    use super::*;

    const EVENT: &str = r#"{"time":"2026-11-25T02:10:11.123Z","event_id":"ev-1","action":"blocked","rule_id":"sqli.tautology","category":"sqli","message":"m = 1","request":{"method":"GET","path":"/x","client":"127.0.0.1"},"agent_version":"0.1.0"}"#;

    fn header() -> Header {
        Header::new(16, "testhost", "rasp")
    }

    fn wait_for(sender: &Outbox, done: impl Fn(&DestinationCounters) -> bool) {
        for _ in 0..500 {
            if done(&sender.counters()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("counters: {:?}", sender.counters());
    }

    #[test]
    fn endpoints_parse() {
        let c = SyslogConfig::new("tcp://127.0.0.1:6514", header()).expect("tcp");
        assert_eq!(
            (c.transport, c.address.as_str()),
            (Transport::Tcp, "127.0.0.1:6514")
        );
        assert_eq!(
            SyslogConfig::new("udp://[::1]:514", header())
                .map(|c| c.transport)
                .ok(),
            Some(Transport::Udp)
        );
        for bad in [
            "127.0.0.1:514",
            "udp://host",
            "udp://:514",
            "tls://h:6514",
            "udp://h:0",
        ] {
            let error = SyslogConfig::new(bad, header()).expect_err(bad);
            assert!(
                error.contains("use udp://host:port or tcp://host:port"),
                "{error}"
            );
        }
    }

    #[test]
    fn udp_datagrams_carry_one_message_each() {
        let listener = UdpSocket::bind("127.0.0.1:0").expect("bind");
        listener
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let endpoint = format!("udp://{}", listener.local_addr().expect("addr"));
        let sender = start(SyslogConfig::new(&endpoint, header()).expect("config")).expect("start");
        sender.submit(&Arc::from(EVENT));
        sender.submit(&Arc::from(EVENT.replace("ev-1", "ev-2")));
        let mut buf = [0u8; 65536];
        for id in ["ev-1", "ev-2"] {
            let n = listener.recv(&mut buf).expect("datagram");
            let text = std::str::from_utf8(&buf[..n]).expect("utf8");
            assert!(
                text.starts_with(&format!(
                    "<131>1 2026-11-25T02:10:11.123Z testhost rasp {} blocked [rasp@32473 event_id=\"{id}\"",
                    std::process::id()
                )),
                "{text}"
            );
            assert!(text.ends_with('}'), "the whole event: {text}");
        }
        wait_for(&sender, |c| c.written == 2);
    }

    #[test]
    fn tcp_frames_are_octet_counted_and_cef_is_escaped() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let endpoint = format!("tcp://{}", listener.local_addr().expect("addr"));
        let mut config = SyslogConfig::new(&endpoint, header()).expect("config");
        config.format = Format::Cef;
        let sender = start(config).expect("start");
        sender.submit(&Arc::from(EVENT));
        sender.submit(&Arc::from(EVENT));
        let (stream, _) = listener.accept().expect("connection");
        let mut reader = BufReader::new(stream);
        for _ in 0..2 {
            let message = read_frame(&mut reader);
            assert!(
                message
                    .contains(" blocked - CEF:0|dev.rasp|rasp-jvm|0.1.0|sqli.tautology|m = 1|8|"),
                "{message}"
            );
            assert!(message.contains(" msg=m \\= 1 "), "{message}");
        }
        wait_for(&sender, |c| c.written == 2);
    }

    fn read_frame(reader: &mut BufReader<TcpStream>) -> String {
        let mut length = Vec::new();
        reader.read_until(b' ', &mut length).expect("length");
        let n: usize = std::str::from_utf8(&length[..length.len() - 1])
            .expect("digits")
            .parse()
            .expect("a length");
        let mut message = vec![0; n];
        reader.read_exact(&mut message).expect("message");
        String::from_utf8(message).expect("utf8")
    }

    #[test]
    fn tcp_reconnects_after_the_receiver_closed_and_loses_nothing() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let endpoint = format!("tcp://{}", listener.local_addr().expect("addr"));
        let sender = start(SyslogConfig::new(&endpoint, header()).expect("config")).expect("start");
        sender.submit(&Arc::from(EVENT));
        let (first, _) = listener.accept().expect("connection");
        let mut reader = BufReader::new(first);
        assert!(read_frame(&mut reader).contains("event_id=\"ev-1\""));
        wait_for(&sender, |c| c.written == 1);
        drop(reader);
        std::thread::sleep(Duration::from_millis(50));
        sender.submit(&Arc::from(EVENT.replace("ev-1", "ev-2")));
        let (second, _) = listener.accept().expect("a new connection");
        let mut reader = BufReader::new(second);
        assert!(read_frame(&mut reader).contains("event_id=\"ev-2\""));
        wait_for(&sender, |c| c.written == 2);
        assert_eq!(sender.counters().dropped, 0);
    }

    #[test]
    fn an_unreachable_tcp_receiver_holds_events_until_shutdown_counts_them() {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let sender =
            start(SyslogConfig::new(&format!("tcp://127.0.0.1:{port}"), header()).expect("config"))
                .expect("start");
        for _ in 0..3 {
            sender.submit(&Arc::from(EVENT));
        }
        wait_for(&sender, |c| c.errors >= 2);
        sender.shutdown(Instant::now() + Duration::from_millis(200));
        let c = sender.counters();
        assert_eq!((c.submitted, c.written, c.dropped), (3, 0, 3), "{c:?}");
    }
}
