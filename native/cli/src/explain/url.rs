//! `rasp explain url`: one connection, step by step. The findings and the verdict come from
//! [`rasp_engine::Engine::explain_url`]; the URL's parts and how the JDK reads its host are
//! description, not a second opinion.

use std::fmt::Write as _;
use std::net::IpAddr;

use anyhow::{Context as _, Result};
use rasp_engine::net::{host, url};
use rasp_engine::{RequestContext, UrlApi, UrlSink};
use serde::Serialize;

use super::detection::{input_name, Describe, Detection, OccurrenceView};
use super::query_context;
use crate::args::ExplainUrlArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// Everything `rasp explain url` reports.
#[derive(Debug, Serialize)]
pub struct UrlExplanation {
    pub api: &'static str,
    pub url: String,
    /// The parts that decide where the connection goes, as `java.net.URL` splits them.
    pub parts: Vec<PartView>,
    /// The host as `InetAddress.getByName` reads it: an address, or a name for the resolver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_reads_as: Option<String>,
    /// `loopback`, `link-local`, `private`, `unspecified` or `public` (by the host's text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reach: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(flatten)]
    pub detection: Detection<PartsView>,
}

/// One deciding part of the URL.
#[derive(Debug, Serialize)]
pub struct PartView {
    pub part: &'static str,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The deciding parts an occurrence writes.
#[derive(Debug, Serialize)]
pub struct PartsView {
    pub parts: Vec<&'static str>,
}

impl Describe for PartsView {
    fn describe(&self) -> String {
        if self.parts.is_empty() {
            "the path, query or fragment only".to_string()
        } else {
            self.parts.join(", ")
        }
    }
}

/// Runs `rasp explain url`.
pub fn run_url(args: &ExplainUrlArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &args.inputs);
    let address = args
        .address
        .as_deref()
        .map(|a| a.parse::<IpAddr>())
        .transpose()
        .context("--address takes an IPv4 or IPv6 address")?;
    let explanation = explain(
        &engine,
        &ctx,
        args.api,
        &args.url,
        address,
        args.origin.as_deref(),
    );
    output::print(args.json, "explanation", &explanation, render)
}

/// Explains one connection checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    api: UrlApi,
    text: &str,
    address: Option<IpAddr>,
    origin: Option<&str>,
) -> UrlExplanation {
    let split = url::parse(text);
    let mut parts = Vec::new();
    if let Some(p) = &split {
        let mut push = |part, range: std::ops::Range<usize>| {
            parts.push(PartView {
                part,
                start: range.start,
                end: range.end,
                text: text[range].to_string(),
            })
        };
        push("scheme", p.scheme_span.clone());
        if let Some(h) = p.host.clone() {
            push("host", h);
        }
        if let Some(port) = p.port.clone() {
            push("port", port);
        }
    }
    let host = split
        .as_ref()
        .and_then(|p| p.host.clone())
        .map(|h| host::parse(&text[h]));
    let occurrences = ctx
        .matcher()
        .occurrences(text.as_bytes())
        .into_iter()
        .map(|o| OccurrenceView {
            input: o.input,
            name: input_name(ctx, o.input),
            location: None,
            start: o.start,
            end: o.end,
            detail: PartsView {
                parts: parts
                    .iter()
                    .filter(|p| o.start < p.end && p.start < o.end)
                    .map(|p| p.part)
                    .collect(),
            },
        })
        .collect();
    let explained = engine.engine.explain_url(
        ctx,
        &UrlSink {
            api,
            url: text.as_bytes(),
            address,
            origin: origin.map(str::as_bytes),
        },
    );
    UrlExplanation {
        api: api.name(),
        url: text.to_string(),
        parts,
        host_reads_as: host.as_ref().map(|h| match h {
            host::Host::V4(a) => a.to_string(),
            host::Host::V6(a) => a.to_string(),
            host::Host::Name(n) => format!("the name {n}"),
        }),
        reach: host.as_ref().map(|h| host::reach(h).name()),
        address: address.map(|a| a.to_string()),
        origin: origin.map(str::to_string),
        detection: Detection::new(engine.setup.clone(), ctx, occurrences, &explained, |_| None),
    }
}

/// The human-readable form.
pub fn render(e: &UrlExplanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "api: {}", e.api);
    let _ = writeln!(out, "url: {}", e.url);
    if let Some(origin) = &e.origin {
        let _ = writeln!(out, "follows from: {origin}");
    }
    let _ = writeln!(out);
    if e.parts.is_empty() {
        let _ = writeln!(out, "not a URL java.net.URL accepts (no scheme)");
    } else {
        let _ = writeln!(out, "parts that decide the destination:");
        for p in &e.parts {
            let range = format!("{}..{}", p.start, p.end);
            let _ = writeln!(out, "  {range:<10} {:<7} {:?}", p.part, p.text);
        }
    }
    if let (Some(reads), Some(reach)) = (&e.host_reads_as, e.reach) {
        let _ = writeln!(out, "host reads as: {reads} ({reach})");
    }
    if let Some(a) = &e.address {
        let _ = writeln!(out, "connects to:   {a}");
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_url(value: &str, api: UrlApi, url: &str, address: Option<&str>) -> UrlExplanation {
        let ctx = query_context("/", &[("url".into(), value.into())]);
        explain(
            &ExplainEngine::builtin_only(),
            &ctx,
            api,
            url,
            address.map(|a| a.parse().unwrap()),
            None,
        )
    }

    #[test]
    fn a_decimal_loopback_host_is_blocked_and_read_as_the_jdk_reads_it() {
        let u = "http://2130706433:8080/admin";
        let e = explain_url(u, UrlApi::UrlOpenConnection, u, None);
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("ssrf.internal")
        );
        assert_eq!(e.host_reads_as.as_deref(), Some("127.0.0.1"));
        assert_eq!(e.reach, Some("loopback"));
        let text = render(&e);
        assert!(
            text.contains("host reads as: 127.0.0.1 (loopback)"),
            "{text}"
        );
        assert!(text.contains("verdict: BLOCK (ssrf.internal"), "{text}");
    }

    #[test]
    fn input_in_the_query_is_data() {
        let e = explain_url(
            "http://169.254.169.254/",
            UrlApi::UrlOpenConnection,
            "https://api.example.com/v1/preview?u=http://169.254.169.254/",
            None,
        );
        assert_eq!(e.detection.verdict.action, "allow");
        // The value and its url-host form both occur, in the query only.
        assert!(!e.detection.occurrences.is_empty());
        assert!(e
            .detection
            .occurrences
            .iter()
            .all(|o| o.detail.parts.is_empty()));
    }

    #[test]
    fn a_socket_connect_is_judged_by_its_address() {
        let e = explain_url(
            "http://metadata.attacker.example/latest",
            UrlApi::SocketConnect,
            "tcp://metadata.attacker.example:80",
            Some("169.254.169.254"),
        );
        assert_eq!(
            e.detection.verdict.rule_id.as_deref(),
            Some("ssrf.internal")
        );
        assert_eq!(e.reach, Some("public"));
        assert!(render(&e).contains("connects to:   169.254.169.254"));
    }
}
