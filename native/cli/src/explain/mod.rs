//! `rasp explain`: one sink call, step by step.
//!
//! Each explanation is gathered once into a serializable value and then either printed for a
//! human or as JSON, so both forms always say the same thing. Every explanation ends with the
//! same [`detection::Detection`]: the engine's rules and configuration, inputs, occurrences,
//! every finding and the verdict. Findings and verdict come from [`rasp_engine::Engine`]'s
//! `explain_*`, which decides exactly as the agent's `check_*` does, with the rules of
//! `--rules` (by default the repository's `rules/`) and the configuration lines of `--config`.
//!
//! * [`sql`]: the dialect's tokens and how each input occurrence is classified;
//! * [`cmd`]: the argument vector, the command line the detector reads, the shell script's
//!   tokens, and where each input occurs (which argument, which tokens, which environment
//!   entry);
//! * [`path`]: the path's segments with their depth, and where each input occurs;
//! * [`expr`]: an expression's tokens (SpEL, OGNL, MVEL, JEXL, EL) and which each input
//!   occurrence touches;
//! * [`jndi`]: the name's scheme and server, the names inputs' `${jndi:...}` lookups decode
//!   to, and whether each occurrence writes the provider;
//! * [`url`]: the parts of a URL that decide where a connection goes, how the JDK reads its
//!   host, and which parts each input occurrence writes.
//! * [`class`]: a class a deserializer is about to instantiate (no input takes part).
//! * [`entity`]: an XML entity the parser sets up, and which inputs hold its id and a markup
//!   declaration (the document that declared it).
//!
//! Every explanation builds the request the agent would send, with the inputs as query
//! parameters of a GET to `--route`, and lets the engine's own extraction read it
//! (`RequestContext::new`): the context then also holds the parameter names and the derived
//! forms the engine adds (a value that still looks percent-encoded decoded once more,
//! backslashes as slashes), which is what catches a traversal the application decodes itself,
//! and what input signatures are matched against.

pub mod class;
pub mod cmd;
pub mod detection;
pub mod entity;
pub mod expr;
pub mod jndi;
pub mod path;
pub mod sql;
pub mod url;

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rasp_engine::wire::RequestRecord;
use rasp_engine::{ContextLimits, RequestContext};
use serde::Serialize;

pub use class::run_class;
pub use cmd::run_cmd;
pub use entity::run_entity;
pub use expr::run_expr;
pub use jndi::run_jndi;
pub use path::run_path;
pub use sql::run_sql;
pub use url::run_url;

/// The context of a GET to `route` whose query parameters are `inputs` (names and values as
/// the application sees them), read by the engine's own extraction.
pub fn query_context(route: &str, inputs: &[(String, String)]) -> RequestContext {
    let query: Vec<String> = inputs
        .iter()
        .map(|(name, value)| {
            format!(
                "{}={}",
                utf8_percent_encode(name, NON_ALPHANUMERIC),
                utf8_percent_encode(value, NON_ALPHANUMERIC)
            )
        })
        .collect();
    let record = RequestRecord {
        method: "GET".into(),
        uri: route.into(),
        query: query.join("&").into(),
        remote_addr: "127.0.0.1".into(),
        content_type: Default::default(),
        headers: Vec::new(),
    };
    RequestContext::new(&record, ContextLimits::default())
}

/// A lexer's tokens (SQL, shell), with offsets into what the explanation shows.
#[derive(Debug, Serialize)]
pub struct TokenView {
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl TokenView {
    /// `start..end kind "text"`, the kind padded to `kind_width`.
    pub fn render(&self, out: &mut String, kind_width: usize) {
        let range = format!("{}..{}", self.start, self.end);
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "  {range:<10} {:<kind_width$} {:?}",
            self.kind, self.text
        );
    }
}

/// The tokens `view` makes of a lexer's result, or the lexer's error.
pub fn token_views<T, E: std::fmt::Display>(
    lexed: Result<&[T], E>,
    view: impl Fn(&T) -> TokenView,
) -> (Option<Vec<TokenView>>, Option<String>) {
    match lexed {
        Ok(tokens) => (Some(tokens.iter().map(view).collect()), None),
        Err(err) => (None, Some(err.to_string())),
    }
}

/// Bytes of a sink as text, invalid UTF-8 replaced: views show text, offsets stay bytes.
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasp_engine::input::{InputPart, InputSource};

    #[test]
    fn query_inputs_are_what_the_application_sees_plus_the_decoded_variant() {
        let ctx = query_context("/", &[("file".into(), "..%2fx & y+z".into())]);
        let values: Vec<(&str, Option<&str>)> = ctx
            .inputs()
            .iter()
            .filter(|i| i.source == InputSource::Query && i.part == InputPart::Value)
            .map(|i| (i.value.as_str(), i.transform))
            .take(2)
            .collect();
        assert_eq!(
            values,
            vec![("..%2fx & y+z", None), ("../x & y+z", Some("url-decoded"))]
        );
    }
}
