//! URL and socket sinks: the SSRF judgement ([`crate::ssrf`]) as findings and a verdict.
//!
//! One check per connection the application is about to make: the URL it opens, each redirect
//! hop its client follows, and each socket connect with the address the name resolved to. The
//! check also says whether request input chose the destination at all, allowed or not, so the
//! agent can judge the redirects and connects that follow from it (see [`UrlCheck`]).

use std::net::IpAddr;

use crate::context::RequestContext;
use crate::event::{EventSink, Span};
use crate::rules::SinkKind;
use crate::ssrf::{self, Chosen, Destination, SsrfRule};
use crate::verdict::Policy;
use crate::verdict::{Confidence, Verdict};

use super::decision::{BuiltinWhy, Explanation, Finding, Source};
use super::Engine;

/// The hooked network API, by its boundary code (docs/native-boundary.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlApi {
    /// `java.net.URL.openConnection`, which every protocol handler is reached through.
    UrlOpenConnection,
    /// A redirect `HttpURLConnection` follows.
    HttpUrlConnectionRedirect,
    /// `java.net.http.HttpClient.send` and `sendAsync`.
    HttpClientSend,
    /// `java.net.Socket.connect`: the sink is `tcp://host:port`.
    SocketConnect,
    /// `java.nio.channels.SocketChannel.connect` (Netty, the JDK's HTTP client).
    SocketChannelConnect,
    /// A redirect Apache HttpClient 5 follows (`DefaultRedirectStrategy.getLocationURI`).
    ApacheRedirect,
    /// An OkHttp call executed or enqueued (`RealCall`): the request's URL.
    OkHttpCall,
    /// Apache HttpClient 4 executing a request (`InternalHttpClient.doExecute`).
    Apache4Call,
    /// Apache HttpClient 5 executing a request (classic `InternalHttpClient.doExecute`).
    Apache5Call,
    /// A redirect the JDK's `HttpClient` follows (`RedirectFilter.response`).
    JdkHttpClientRedirect,
    /// A redirect OkHttp follows (`RetryAndFollowUpInterceptor.followUpRequest`).
    OkHttpRedirect,
    /// A redirect Apache HttpClient 4 follows (`DefaultRedirectStrategy.getLocationURI`).
    Apache4Redirect,
    /// A Spring `WebClient` exchange over Reactor Netty (`ReactorClientHttpConnector.connect`).
    WebClientCall,
    /// A redirect Reactor Netty follows for a `WebClient` (`HttpClientConnect.HttpClientHandler.redirect`).
    WebClientRedirect,
}

impl UrlApi {
    pub fn from_code(code: i32) -> Option<UrlApi> {
        use UrlApi::*;
        [
            UrlOpenConnection,
            HttpUrlConnectionRedirect,
            HttpClientSend,
            SocketConnect,
            SocketChannelConnect,
            ApacheRedirect,
            OkHttpCall,
            Apache4Call,
            Apache5Call,
            JdkHttpClientRedirect,
            OkHttpRedirect,
            Apache4Redirect,
            WebClientCall,
            WebClientRedirect,
        ]
        .get(usize::try_from(code).ok()?)
        .copied()
    }

    pub fn name(self) -> &'static str {
        match self {
            UrlApi::UrlOpenConnection => "java.net.URL.openConnection",
            UrlApi::HttpUrlConnectionRedirect => "java.net.HttpURLConnection.followRedirect",
            UrlApi::HttpClientSend => "java.net.http.HttpClient.send",
            UrlApi::SocketConnect => "java.net.Socket.connect",
            UrlApi::SocketChannelConnect => "java.nio.channels.SocketChannel.connect",
            UrlApi::ApacheRedirect => {
                "org.apache.hc.client5.http.impl.DefaultRedirectStrategy.getLocationURI"
            }
            UrlApi::OkHttpCall => "okhttp3.Call.execute",
            UrlApi::Apache4Call => "org.apache.http.impl.client.InternalHttpClient.doExecute",
            UrlApi::Apache5Call => {
                "org.apache.hc.client5.http.impl.classic.InternalHttpClient.doExecute"
            }
            UrlApi::JdkHttpClientRedirect => "java.net.http.HttpClient.followRedirect",
            UrlApi::OkHttpRedirect => {
                "okhttp3.internal.http.RetryAndFollowUpInterceptor.followUpRequest"
            }
            UrlApi::Apache4Redirect => {
                "org.apache.http.impl.client.DefaultRedirectStrategy.getLocationURI"
            }
            UrlApi::WebClientCall => {
                "org.springframework.http.client.reactive.ReactorClientHttpConnector.connect"
            }
            UrlApi::WebClientRedirect => {
                "reactor.netty.http.client.HttpClientConnect.HttpClientHandler.redirect"
            }
        }
    }

    /// Whether the sink is a connect the agent wrote as `tcp://host:port`.
    pub fn is_socket(self) -> bool {
        matches!(self, UrlApi::SocketConnect | UrlApi::SocketChannelConnect)
    }
}

/// A connection about to be made.
#[derive(Clone, Copy, Debug)]
pub struct UrlSink<'a> {
    pub api: UrlApi,
    /// The URL, or `tcp://host:port` for a socket connect.
    pub url: &'a [u8],
    /// The address a socket connect goes to.
    pub address: Option<IpAddr>,
    /// The URL whose destination request input chose, when this connection follows from it
    /// (a redirect hop, or a connect to a host a hop named).
    pub origin: Option<&'a [u8]>,
}

/// The verdict of a URL check, and whether request input chose the destination (also when
/// the operator allowed it): connections that follow from it are judged as chosen too.
#[derive(Clone, Debug)]
pub struct UrlCheck {
    pub verdict: Verdict,
    pub chosen_by_input: bool,
}

impl Engine {
    /// Checks one connection.
    pub fn check_url(&self, ctx: &RequestContext, sink: &UrlSink<'_>) -> UrlCheck {
        let (findings, chosen) = self.url_findings(ctx, sink);
        let mut verdict = if findings.is_empty() {
            Verdict::ALLOW
        } else {
            self.verdict(ctx, &findings, |f| url_event_sink(sink, chosen.as_ref(), f))
        };
        if let (Some(event), Some(origin), true) = (
            verdict.event.as_deref_mut(),
            sink.origin,
            chosen.as_ref().is_some_and(|c| c.via_origin),
        ) {
            super::mark_transform(event, "redirect", String::from_utf8_lossy(origin).into());
        }
        UrlCheck {
            verdict,
            chosen_by_input: chosen.is_some(),
        }
    }

    /// [`Engine::check_url`] with every finding.
    pub fn explain_url(&self, ctx: &RequestContext, sink: &UrlSink<'_>) -> Explanation {
        let (findings, chosen) = self.url_findings(ctx, sink);
        self.explanation(ctx, &findings, |f| url_event_sink(sink, chosen.as_ref(), f))
    }

    fn url_findings(
        &self,
        ctx: &RequestContext,
        sink: &UrlSink<'_>,
    ) -> (Vec<Finding>, Option<Judged>) {
        let allow = &self.config.ssrf_allowed_hosts;
        let to = Destination {
            url: sink.url,
            address: sink.address,
            socket: sink.api.is_socket(),
        };
        let chosen = ssrf::detect(ctx, &to, allow)
            .map(|c| Judged {
                chosen: c,
                via_origin: false,
            })
            .or_else(|| {
                let origin = sink.origin?;
                // The hop is judged as a URL: its host is the whole host, whatever the input.
                let hop = Destination {
                    socket: false,
                    ..to
                };
                ssrf::detect_redirect(ctx, &hop, origin, allow).map(|c| Judged {
                    chosen: c,
                    via_origin: true,
                })
            });
        let mut findings = Vec::new();
        if let Some(f) = chosen.as_ref().and_then(|j| j.chosen.finding()) {
            findings.push(Finding {
                source: Source::Builtin {
                    id: f.rule.id(),
                    category: "ssrf",
                    message: f.rule.message(),
                    why: BuiltinWhy::Structure,
                },
                confidence: match f.rule {
                    SsrfRule::Internal => Confidence::High,
                    SsrfRule::Destination => Confidence::Medium,
                },
                default_policy: match f.rule {
                    SsrfRule::Internal => Policy::Block,
                    SsrfRule::Destination => Policy::Monitor,
                },
                input: Some(f.input),
                span: Some(Span {
                    start: f.start,
                    end: f.end,
                }),
                env: None,
            });
        }
        self.overflow(ctx, &mut findings);
        self.rule_findings_for(ctx, SinkKind::Url, sink.url, &mut findings);
        (findings, chosen)
    }
}

/// An input's choice of destination, and whether it was made through the origin.
struct Judged {
    chosen: Chosen,
    via_origin: bool,
}

fn url_event_sink(sink: &UrlSink<'_>, chosen: Option<&Judged>, f: &Finding) -> EventSink {
    let mut event = EventSink::new("url", sink.api.name(), None, sink.url, f.span);
    event.destination = chosen.and_then(|j| j.chosen.finding).map(|(_, d)| d);
    event.address = sink.address.map(|a| a.to_string());
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EngineConfig;
    use crate::input::{Input, InputSource};
    use crate::verdict::Action;
    use crate::ContextLimits;

    #[test]
    fn the_boundary_codes_name_the_client_hooks() {
        // The agent's UrlApi numbers (docs/native-boundary.md); 6 to 13 are the clients'.
        assert_eq!(UrlApi::from_code(5), Some(UrlApi::ApacheRedirect));
        assert_eq!(UrlApi::from_code(6), Some(UrlApi::OkHttpCall));
        assert_eq!(UrlApi::from_code(8), Some(UrlApi::Apache5Call));
        assert_eq!(UrlApi::from_code(9), Some(UrlApi::JdkHttpClientRedirect));
        assert_eq!(UrlApi::from_code(11), Some(UrlApi::Apache4Redirect));
        assert_eq!(UrlApi::from_code(12), Some(UrlApi::WebClientCall));
        assert_eq!(UrlApi::from_code(13), Some(UrlApi::WebClientRedirect));
        assert_eq!(UrlApi::from_code(14), None);
        assert_eq!(UrlApi::from_code(-1), None);
        assert!(!UrlApi::OkHttpRedirect.is_socket());
    }

    fn ctx(value: &str) -> RequestContext {
        RequestContext::from_inputs(
            vec![Input::value(InputSource::Query, "url", value)],
            ContextLimits::default(),
        )
    }

    fn engine(config: &str) -> Engine {
        Engine::new(EngineConfig::parse(config).unwrap())
    }

    fn check(engine: &Engine, input: &str, sink: UrlSink<'_>) -> (Action, Option<String>, bool) {
        let c = engine.check_url(&ctx(input), &sink);
        let rule = c.verdict.event.map(|e| e.rule_id.to_string());
        (c.verdict.action, rule, c.chosen_by_input)
    }

    fn url(api: UrlApi, url: &str) -> UrlSink<'_> {
        UrlSink {
            api,
            url: url.as_bytes(),
            address: None,
            origin: None,
        }
    }

    #[test]
    fn internal_blocks_and_a_public_host_monitors() {
        let e = engine("");
        let open = UrlApi::UrlOpenConnection;
        let meta = "http://169.254.169.254/latest/meta-data/";
        assert_eq!(
            check(&e, meta, url(open, meta)),
            (Action::Block, Some("ssrf.internal".into()), true)
        );
        let hook = "https://hooks.example.org/n";
        assert_eq!(
            check(&e, hook, url(open, hook)),
            (Action::Monitor, Some("ssrf.destination".into()), true)
        );
        // Twin: the input is a query value of the application's own URL.
        let own = format!("http://127.0.0.1:9200/search?q={meta}");
        assert_eq!(
            check(&e, meta, url(open, &own)),
            (Action::Allow, None, false)
        );
        // Per-rule modes.
        let e = engine("rules.mode.ssrf.internal=monitor\nrules.mode.ssrf.destination=off");
        assert_eq!(check(&e, meta, url(open, meta)).0, Action::Monitor);
        assert_eq!(check(&e, hook, url(open, hook)).0, Action::Allow);
    }

    #[test]
    fn allowed_hosts_are_chosen_but_not_judged() {
        let e = engine("ssrf.allowed_hosts=hooks.example.org,10.20.0.0/16");
        let hook = "https://hooks.example.org/n";
        let open = UrlApi::UrlOpenConnection;
        assert_eq!(
            check(&e, hook, url(open, hook)),
            (Action::Allow, None, true)
        );
        let inner = "http://10.20.1.1/status";
        assert_eq!(
            check(&e, inner, url(open, inner)),
            (Action::Allow, None, true)
        );
        let other = "http://10.21.1.1/status";
        assert_eq!(check(&e, other, url(open, other)).0, Action::Block);
    }

    #[test]
    fn a_redirect_hop_names_its_origin() {
        let e = engine("ssrf.allowed_hosts=partner.example");
        let origin = "http://partner.example/r";
        let hop = UrlSink {
            origin: Some(origin.as_bytes()),
            ..url(
                UrlApi::HttpUrlConnectionRedirect,
                "http://127.0.0.1:8080/admin",
            )
        };
        let c = e.check_url(&ctx(origin), &hop);
        assert_eq!(c.verdict.action, Action::Block);
        let event = c.verdict.event.unwrap();
        assert_eq!(event.rule_id, "ssrf.internal");
        let input = event.input.unwrap();
        assert_eq!(input.transform, Some("redirect"));
        assert_eq!(input.transformed.as_deref(), Some(origin));
        assert_eq!(event.sink.destination, Some("loopback"));
    }

    #[test]
    fn a_socket_connect_judges_the_resolved_address() {
        let e = engine("");
        let sink = UrlSink {
            address: Some("127.0.0.1".parse().unwrap()),
            ..url(
                UrlApi::SocketConnect,
                "tcp://internal.attacker.example:8080",
            )
        };
        // The request's URL and its url-host form, as the extractor derives it.
        let sent = "http://internal.attacker.example:8080/x";
        let host = Input {
            value: "internal.attacker.example".into(),
            transform: Some("url-host"),
            original: Some(sent.into()),
            ..Input::value(InputSource::Query, "url", sent)
        };
        let ctx = RequestContext::from_inputs(
            vec![Input::value(InputSource::Query, "url", sent), host],
            ContextLimits::default(),
        );
        let c = e.check_url(&ctx, &sink);
        assert_eq!(c.verdict.action, Action::Block);
        let event = c.verdict.event.unwrap();
        assert_eq!(event.sink.address.as_deref(), Some("127.0.0.1"));
        assert_eq!(event.input.unwrap().transform, Some("url-host"));
    }
}
