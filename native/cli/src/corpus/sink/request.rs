//! The request a payload arrives in: built as the agent sends it (a [`RequestRecord`]) and read
//! by the engine's own extraction ([`RequestContext::new`]), so the context holds exactly what
//! the agent's would: the payload as the application sees it (the container decoded the query
//! string once), the parameter names, the headers and cookies, and the once-more-decoded
//! variant the engine adds to a value that still looks percent-encoded.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rasp_engine::wire::RequestRecord;
use rasp_engine::{ContextLimits, RequestContext};

/// Where a family's payload arrives: `GET {uri}?{parameter}=<payload>&{more_query}`.
#[derive(Clone, Copy, Debug)]
pub struct RequestShape {
    pub uri: &'static str,
    pub parameter: &'static str,
    /// Further query parameters, already encoded (`type=A&lang=en-US`).
    pub more_query: &'static str,
}

/// Headers every browser request carries (the `Cookie` header gives two cookie inputs).
const HEADERS: [(&str, &str); 7] = [
    ("Host", "app.example.com"),
    (
        "User-Agent",
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ),
    (
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    ),
    ("Accept-Language", "en-US,en;q=0.5"),
    ("Accept-Encoding", "gzip, deflate, br"),
    ("Referer", "https://app.example.com/"),
    (
        "Cookie",
        "JSESSIONID=8F2C1A7E4B9D0C3F6A5E2B1D7C4F9A0E; theme=dark",
    ),
];

impl RequestShape {
    /// The request record with `payload` as the parameter's value (percent-encoded in the query
    /// string, so that the container's decoding gives back exactly `payload`).
    pub fn record(&self, payload: &str) -> RequestRecord {
        let mut query = format!(
            "{}={}",
            self.parameter,
            utf8_percent_encode(payload, NON_ALPHANUMERIC)
        );
        if !self.more_query.is_empty() {
            query.push('&');
            query.push_str(self.more_query);
        }
        RequestRecord {
            method: "GET".into(),
            uri: self.uri.into(),
            query: query.into(),
            remote_addr: "203.0.113.7".into(),
            content_type: Default::default(),
            headers: HEADERS
                .iter()
                .map(|(n, v)| ((*n).into(), (*v).into()))
                .collect(),
        }
    }

    /// The engine's context of that request.
    pub fn context(&self, payload: &str, limits: ContextLimits) -> RequestContext {
        RequestContext::new(&self.record(payload), limits)
    }

    /// One line for the report.
    pub fn describe(&self) -> String {
        let more = if self.more_query.is_empty() {
            String::new()
        } else {
            format!("&{}", self.more_query)
        };
        let headers: Vec<&str> = HEADERS.iter().map(|(n, _)| *n).collect();
        let inputs = self.context("x-1", ContextLimits::default()).inputs().len();
        format!(
            "GET {}?{}=<payload>{more} with headers {}, read by RequestContext::new ({inputs} inputs \
             for a plain payload, one more when the payload still looks percent-encoded)",
            self.uri,
            self.parameter,
            headers.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasp_engine::input::{InputPart, InputSource};

    const SHAPE: RequestShape = RequestShape {
        uri: "/files/download",
        parameter: "file",
        more_query: "disposition=attachment",
    };

    #[test]
    fn the_application_sees_the_payload_and_the_engine_adds_its_decoded_form() {
        let payload = "..%2f..%2fetc/passwd & a+b=c";
        let ctx = SHAPE.context(payload, ContextLimits::default());
        let values: Vec<(&str, Option<&str>)> = ctx
            .inputs()
            .iter()
            .filter(|i| i.source == InputSource::Query && i.part == InputPart::Value)
            .filter(|i| i.name == "file")
            .map(|i| (i.value.as_str(), i.transform))
            .take(2)
            .collect();
        assert_eq!(
            values,
            vec![
                (payload, None),
                ("../../etc/passwd & a+b=c", Some("url-decoded"))
            ]
        );
        assert!(!ctx.overflowed());
    }
}
