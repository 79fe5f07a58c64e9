//! The request context: every input of one request, compiled for search.
//!
//! A context is immutable once built. When the application reads the request body, the agent
//! asks for a new context ([`RequestContext::with_body`]) that shares nothing mutable with the
//! old one, so a check running on another thread never sees a half-updated context.
//!
//! Two things are worked out on first use and kept for the rest of the request: which inputs
//! match an input signature of the rule set ([`crate::rules::eval::SignatureHits`], keyed by
//! the set's generation so a reloaded set is never answered from an old scan), and the
//! normalised request path exclusions match routes against. Both are filled with
//! `OnceLock::set`, never `get_or_init`, so two threads checking for the same request never
//! wait on each other: at worst both compute and one result is kept.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::extract::{self, BodyKind};
use crate::input::Input;
use crate::matcher::InputMatcher;
use crate::rules::eval::SignatureHits;
use crate::wire::RequestRecord;

/// Limits on what one request may make the engine keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextLimits {
    /// Bytes of input names and values kept per request. Input past the limit is dropped and the
    /// context is marked overflowed, which has its own configured verdict at every check.
    pub max_input_bytes: usize,
}

impl Default for ContextLimits {
    fn default() -> Self {
        ContextLimits {
            max_input_bytes: 1 << 20,
        }
    }
}

/// The request line, for events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestSummary {
    pub id: String,
    pub method: String,
    pub path: String,
    pub client: String,
}

/// Every input of one request.
#[derive(Clone, Debug)]
pub struct RequestContext {
    summary: RequestSummary,
    /// The request's Content-Type, which says how the body is parsed (and the multipart boundary).
    content_type: String,
    limits: ContextLimits,
    /// Inputs from the request line and headers, then those of the body (from `body_start`).
    inputs: Vec<Input>,
    body_start: usize,
    input_bytes: usize,
    overflowed: bool,
    matcher: InputMatcher,
    /// Inputs that matched input signatures, for one rule set generation.
    signatures: OnceLock<SignatureHits>,
    /// The request path as exclusions see it ([`crate::exclusion::normalize_route`]).
    route: OnceLock<String>,
}

static PROCESS_TAG: LazyLock<u64> = LazyLock::new(|| {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    nanos ^ u64::from(std::process::id()).rotate_left(32)
});
static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// A process-unique id: a per-process tag and a counter, so ids from two JVMs do not collide.
pub fn next_id() -> String {
    let n = NEXT_REQUEST.fetch_add(1, Ordering::Relaxed);
    format!("{:012x}-{n:08x}", *PROCESS_TAG & 0xffff_ffff_ffff)
}

/// Accumulates inputs under the byte limit.
struct InputBudget {
    limits: ContextLimits,
    inputs: Vec<Input>,
    bytes: usize,
    overflowed: bool,
}

impl InputBudget {
    fn push(&mut self, input: Input) {
        let cost = input.cost();
        if self.bytes + cost > self.limits.max_input_bytes {
            self.overflowed = true;
            return;
        }
        self.bytes += cost;
        self.inputs.push(input);
    }
}

impl RequestContext {
    /// Builds the context of a decoded request record.
    pub fn new(record: &RequestRecord, limits: ContextLimits) -> RequestContext {
        let mut budget = InputBudget {
            limits,
            inputs: Vec::new(),
            bytes: 0,
            overflowed: false,
        };
        extract::request_inputs(record, &mut |i| budget.push(i));
        let summary = RequestSummary {
            id: next_id(),
            method: record.method.clone(),
            path: record.uri.clone(),
            client: record.remote_addr.clone(),
        };
        let body_start = budget.inputs.len();
        RequestContext::assemble(summary, record.content_type.clone(), budget, body_start)
    }

    /// A context made directly from inputs (tests, the CLI, benchmarks).
    pub fn from_inputs(inputs: Vec<Input>, limits: ContextLimits) -> RequestContext {
        let mut budget = InputBudget {
            limits,
            inputs: Vec::new(),
            bytes: 0,
            overflowed: false,
        };
        inputs.into_iter().for_each(|i| budget.push(i));
        let body_start = budget.inputs.len();
        let summary = RequestSummary {
            id: next_id(),
            ..RequestSummary::default()
        };
        RequestContext::assemble(summary, String::new(), budget, body_start)
    }

    fn assemble(
        summary: RequestSummary,
        content_type: String,
        budget: InputBudget,
        body_start: usize,
    ) -> RequestContext {
        let matcher = InputMatcher::new(&budget.inputs);
        RequestContext {
            summary,
            content_type,
            limits: budget.limits,
            inputs: budget.inputs,
            body_start,
            input_bytes: budget.bytes,
            overflowed: budget.overflowed,
            matcher,
            signatures: OnceLock::new(),
            route: OnceLock::new(),
        }
    }

    /// A new context with the body inputs replaced by those of `body`. `truncated` says the
    /// application read more than the agent kept, which marks the context overflowed.
    pub fn with_body(&self, body: &[u8], truncated: bool) -> RequestContext {
        let mut budget = InputBudget {
            limits: self.limits,
            inputs: self.inputs[..self.body_start].to_vec(),
            bytes: self.inputs[..self.body_start].iter().map(Input::cost).sum(),
            overflowed: self.overflowed || truncated,
        };
        if let Some(kind) = BodyKind::from_content_type(&self.content_type) {
            extract::body_inputs(kind, &self.content_type, body, &mut |i| budget.push(i));
        }
        let body_start = self.body_start;
        RequestContext::assemble(
            self.summary.clone(),
            self.content_type.clone(),
            budget,
            body_start,
        )
    }

    pub fn summary(&self) -> &RequestSummary {
        &self.summary
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    pub fn matcher(&self) -> &InputMatcher {
        &self.matcher
    }

    /// True when request input was dropped because of the limit.
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// Bytes of input kept.
    pub fn input_bytes(&self) -> usize {
        self.input_bytes
    }

    /// The signature hits for rule set generation `generation`: the cached ones when they are
    /// for that generation; else `compute`'s, cached when nothing was cached yet (a context
    /// that outlives a rule reload answers the new set correctly, just without a cache).
    pub fn signature_hits(
        &self,
        generation: u64,
        compute: impl FnOnce() -> SignatureHits,
    ) -> Cow<'_, SignatureHits> {
        if let Some(cached) = self.signatures.get() {
            if cached.generation() == generation {
                return Cow::Borrowed(cached);
            }
            return Cow::Owned(compute());
        }
        let mine = self.signatures.set(compute()).err();
        match (self.signatures.get(), mine) {
            (Some(cached), _) if cached.generation() == generation => Cow::Borrowed(cached),
            (_, Some(mine)) => Cow::Owned(mine),
            // Unreachable: `set` failed only if a value was there, and ours was for `generation`.
            (_, None) => Cow::Owned(SignatureHits::none(generation)),
        }
    }

    /// The normalised request path, worked out on first use.
    pub fn route(&self) -> &str {
        if let Some(route) = self.route.get() {
            return route;
        }
        let _ = self
            .route
            .set(crate::exclusion::normalize_route(&self.summary.path));
        self.route.get().map_or("/", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputSource;

    fn record(ct: &str) -> RequestRecord {
        RequestRecord {
            method: "POST".into(),
            uri: "/users".into(),
            query: "a=1%20x".into(),
            remote_addr: "10.0.0.1".into(),
            content_type: ct.into(),
            headers: vec![("X-A".into(), "h v".into())],
        }
    }

    #[test]
    fn body_replaces_only_body_inputs() {
        let ctx = RequestContext::new(&record("application/json"), ContextLimits::default());
        let base = ctx.inputs().len();
        let ctx2 = ctx.with_body(br#"{"name":"x y"}"#, false);
        assert_eq!(ctx2.summary(), ctx.summary());
        assert!(ctx2
            .inputs()
            .iter()
            .any(|i| i.source == InputSource::Json && i.value == "x y"));
        let ctx3 = ctx2.with_body(br#"{"other":"z w"}"#, false);
        assert!(!ctx3.inputs().iter().any(|i| i.value == "x y"));
        assert!(ctx3.inputs().iter().any(|i| i.value == "z w"));
        assert_eq!(ctx3.inputs()[..base], ctx.inputs()[..]);
        assert!(!ctx3.overflowed());
    }

    #[test]
    fn binary_bodies_are_not_inputs() {
        let ctx = RequestContext::new(
            &record("application/octet-stream"),
            ContextLimits::default(),
        );
        let n = ctx.inputs().len();
        assert_eq!(ctx.with_body(b"\x00\x01' OR 1=1", false).inputs().len(), n);
    }

    #[test]
    fn input_past_the_limit_overflows() {
        let limits = ContextLimits {
            max_input_bytes: 64,
        };
        let ctx = RequestContext::new(&record("text/plain"), limits);
        assert!(!ctx.overflowed());
        let big = vec![b'a'; 100];
        let ctx2 = ctx.with_body(&big, false);
        assert!(ctx2.overflowed());
        assert!(ctx2.input_bytes() <= 64);
        assert!(
            ctx.with_body(b"ok", true).overflowed(),
            "a truncated body overflows"
        );
    }

    #[test]
    fn ids_are_unique() {
        let a = next_id();
        let b = next_id();
        assert_ne!(a, b);
    }
}
