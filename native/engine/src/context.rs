//! The request context: every input of one request, compiled for search.
//!
//! A context is immutable once built. When the application reads the request body, the agent
//! asks for a new context ([`RequestContext::with_body`]) that shares nothing mutable with the
//! old one, so a check running on another thread never sees a half-updated context. Values the
//! agent captured where the application read them ([`RequestContext::with_captured`]) arrive
//! the same way, one new snapshot per batch.
//!
//! A context is the request's number and a reference to what its inputs compile to
//! (`CompiledRequest`). The number is the request's own; the compiled inputs depend on the
//! record and the limits alone, so requests that send the same record may share them
//! ([`crate::context_cache`]), and with them what is worked out on first use (below).
//!
//! Inputs come from three places, kept apart because they change differently:
//!
//! * the request line and headers, fixed when the context opens;
//! * the body, replaced whole each time more of it arrives (a longer prefix parses differently);
//! * captured inputs, only ever added to. A new body must not drop them, so the context keeps
//!   every captured input it accepted, and searches those that no request or body input
//!   already equals. The request and body share `max_input_bytes`; captured inputs have their
//!   own, larger budget ([`ContextLimits::max_captured_bytes`]): the agent captures the same
//!   data the raw parse saw, and more, and it must never be cut off silently.
//!
//! Two things are worked out on first use and kept for the rest of the request: which inputs
//! match an input signature of the rule set ([`crate::signature_hits::SignatureHits`], keyed by
//! the set's generation so a reloaded set is never answered from an old scan), and the
//! normalised request path exclusions match routes against. Both are filled with
//! `OnceLock::set`, never `get_or_init`, so two threads checking for the same request never
//! wait on each other: at worst both compute and one result is kept.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use compact_str::CompactString;

use crate::extract::{self, BodyKind};
use crate::input::{Input, InputPart};
use crate::matcher::InputMatcher;
use crate::signature_hits::SignatureHits;
use crate::wire::{CapturedInput, RequestRecord};

/// How many times `max_input_bytes` the captured inputs of one request may take.
pub const CAPTURED_BUDGET_FACTOR: usize = 16;

/// Limits on what one request may make the engine keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextLimits {
    /// Bytes of input names and values kept per request from the request line, headers and
    /// body. Input past the limit is dropped and the context is marked overflowed, which has
    /// its own configured verdict at every check.
    pub max_input_bytes: usize,
}

impl ContextLimits {
    /// Bytes of captured input names and values kept per request:
    /// [`CAPTURED_BUDGET_FACTOR`] x `max_input_bytes`. Larger than the raw budget because the
    /// agent captures what the application decoded, often the same data more than once in
    /// different shapes (a parameter, then the JSON inside it). Past it the context is marked
    /// overflowed, like the raw budget.
    pub fn max_captured_bytes(&self) -> usize {
        self.max_input_bytes.saturating_mul(CAPTURED_BUDGET_FACTOR)
    }

    /// Bytes of derived forms ([`crate::extract::derive`]) kept per request, as many as the
    /// captured inputs may take. Forms cost nothing against the other budgets (they are not
    /// more of the request, and charging them would overflow large benign bodies), but they are
    /// more to search; an attacker who sends enough values to use this up only overflows the
    /// request, which has its own verdict: a form is never dropped silently.
    pub fn max_derived_bytes(&self) -> usize {
        self.max_captured_bytes()
    }
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
    pub method: CompactString,
    pub path: CompactString,
    pub client: CompactString,
}

/// Every input of one request: a request's number, and its inputs compiled for search, which
/// requests whose records were byte for byte the same may share ([`crate::context_cache`]).
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The request's number in this process; [`RequestContext::id`] formats it. Kept as a
    /// number because most requests never produce an event, and formatting the id at open
    /// was one allocation per request for nothing.
    seq: u64,
    compiled: Arc<CompiledRequest>,
}

/// What a request's record, body and captured values make: its inputs, within their budgets,
/// and the matcher that searches sinks for them. A function of the record (and the limits)
/// alone, so one is shared by every request that sent the same record; what is worked out on
/// first use (signature hits, the route, the matcher's searchers) is the same for all of them.
#[derive(Debug)]
pub(crate) struct CompiledRequest {
    summary: RequestSummary,
    /// The request's Content-Type, which says how the body is parsed (and the multipart boundary).
    content_type: CompactString,
    limits: ContextLimits,
    /// What checks search: inputs from the request line and headers, those of the body (from
    /// `body_start`), then the captured inputs no earlier one equals (from `captured_start`).
    inputs: Vec<Input>,
    body_start: usize,
    captured_start: usize,
    /// Every captured input accepted, searched or not, so that a new body cannot drop one.
    captured: Vec<Input>,
    /// Bytes of the request line, header and body inputs kept.
    input_bytes: usize,
    /// Bytes of the captured inputs searched (those a body input equals cost nothing).
    captured_bytes: usize,
    /// Bytes of the derived forms searched, from every part of the request.
    derived_bytes: usize,
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
    format_id(next_seq())
}

/// The next number of the counter [`next_id`] formats.
fn next_seq() -> u64 {
    NEXT_REQUEST.fetch_add(1, Ordering::Relaxed)
}

fn format_id(n: u64) -> String {
    format!("{:012x}-{n:08x}", *PROCESS_TAG & 0xffff_ffff_ffff)
}

/// Accumulates inputs under the byte limit.
struct InputBudget {
    limits: ContextLimits,
    inputs: Vec<Input>,
    bytes: usize,
    /// Bytes of derived forms, which have their own budget.
    derived: usize,
    overflowed: bool,
}

impl InputBudget {
    fn new(limits: ContextLimits) -> InputBudget {
        InputBudget {
            limits,
            // Enough for a trivial request (a parameter and its name, the path's segments, a
            // header or two) without regrowing; 8 inputs stay under glibc's per-thread cache's
            // largest size, which a larger first block would miss.
            inputs: Vec::with_capacity(8),
            bytes: 0,
            derived: 0,
            overflowed: false,
        }
    }

    fn push(&mut self, input: Input) {
        let cost = input.cost();
        let (used, limit) = if input.is_derived() {
            (&mut self.derived, self.limits.max_derived_bytes())
        } else {
            (&mut self.bytes, self.limits.max_input_bytes)
        };
        if *used + cost > limit {
            self.overflowed = true;
            return;
        }
        *used += cost;
        self.inputs.push(input);
    }

    /// [`InputBudget::push`] for an upload's input (never a derived form): what does not fit is
    /// cut off (at a character boundary), never overflowing the request: the rest of an upload is
    /// data the application stores, as a multipart body's file contents are (see
    /// `BodyKind::Upload`).
    fn push_cut(&mut self, mut input: Input) {
        debug_assert!(!input.is_derived());
        let cost = input.cost();
        if self.bytes + cost > self.limits.max_input_bytes {
            let over = self.bytes + cost - self.limits.max_input_bytes;
            let Some(keep) = input.value.len().checked_sub(over) else {
                return;
            };
            let mut cut = keep;
            while !input.value.is_char_boundary(cut) {
                cut -= 1;
            }
            if cut == 0 {
                return;
            }
            input.value = CompactString::from(&input.value[..cut]);
        }
        self.push(input);
    }
}

/// What two inputs are compared by when a captured one may duplicate another.
fn identity(input: &Input) -> (InputPart, &str) {
    (input.part, input.value.as_str())
}

/// The parts a context is assembled from.
struct Parts {
    summary: RequestSummary,
    content_type: CompactString,
    /// The request line and header inputs, then the body's (from `body_start`), within budget.
    budget: InputBudget,
    body_start: usize,
    captured: Vec<Input>,
}

impl RequestContext {
    /// Builds the context of a decoded request record.
    pub fn new(record: &RequestRecord, limits: ContextLimits) -> RequestContext {
        RequestContext::of(CompiledRequest::new(record, limits))
    }

    /// [`RequestContext::new`] for a record the caller is done with (`openContext`): its
    /// strings move into the context instead of being copied.
    pub fn open(record: RequestRecord, limits: ContextLimits) -> RequestContext {
        RequestContext::of(CompiledRequest::open(record, limits))
    }

    /// A context made directly from inputs (tests, the CLI, benchmarks).
    pub fn from_inputs(inputs: Vec<Input>, limits: ContextLimits) -> RequestContext {
        RequestContext::of(CompiledRequest::from_inputs(inputs, limits))
    }

    /// A new request's context over `compiled`.
    fn of(compiled: CompiledRequest) -> RequestContext {
        RequestContext::sharing(Arc::new(compiled))
    }

    /// A new request's context over inputs another request compiled from the same record.
    pub(crate) fn sharing(compiled: Arc<CompiledRequest>) -> RequestContext {
        RequestContext {
            seq: next_seq(),
            compiled,
        }
    }

    /// What this context's inputs are compiled into, to share with a later request.
    pub(crate) fn compiled(&self) -> &Arc<CompiledRequest> {
        &self.compiled
    }

    /// Whether both contexts search the very same compiled inputs: two snapshots of one
    /// request that nothing changed in between, or two requests with the same record.
    pub fn shares_inputs_with(&self, other: &RequestContext) -> bool {
        Arc::ptr_eq(&self.compiled, &other.compiled)
    }

    /// The same request with the body inputs replaced by those of `body`. `truncated` says the
    /// application read more than the agent kept, which marks the context overflowed. Captured
    /// inputs stay.
    pub fn with_body(&self, body: &[u8], truncated: bool) -> RequestContext {
        RequestContext {
            seq: self.seq,
            compiled: Arc::new(self.compiled.with_body(body, truncated)),
        }
    }

    /// The same request with values the agent captured where the application read them, each
    /// with its derived forms; `None` when the batch adds nothing (every value is already
    /// there), so the caller keeps the snapshot it has and nothing is rebuilt.
    ///
    /// A value equal to a request line or header input, or to an earlier captured one (same
    /// value and part, any source), is not kept. One equal to a body input is kept, for a later
    /// body might not hold it, but neither searched nor charged while the body does. A value
    /// past [`ContextLimits::max_captured_bytes`] is not kept and marks the context
    /// overflowed: never a silent pass.
    pub fn with_captured(&self, batch: &[CapturedInput]) -> Option<RequestContext> {
        let compiled = self.compiled.with_captured(batch)?;
        Some(RequestContext {
            seq: self.seq,
            compiled: Arc::new(compiled),
        })
    }

    /// The process-unique request id events carry, in [`next_id`]'s format.
    pub fn id(&self) -> String {
        format_id(self.seq)
    }

    pub fn summary(&self) -> &RequestSummary {
        &self.compiled.summary
    }

    pub fn inputs(&self) -> &[Input] {
        &self.compiled.inputs
    }

    pub fn matcher(&self) -> &InputMatcher {
        &self.compiled.matcher
    }

    /// True when request input was dropped because of the limit.
    pub fn overflowed(&self) -> bool {
        self.compiled.overflowed
    }

    /// Bytes of request line, header and body input kept.
    pub fn input_bytes(&self) -> usize {
        self.compiled.input_bytes
    }

    /// Bytes of captured input searched.
    pub fn captured_bytes(&self) -> usize {
        self.compiled.captured_bytes
    }

    /// Bytes of derived forms searched.
    pub fn derived_bytes(&self) -> usize {
        self.compiled.derived_bytes
    }

    /// The signature hits for rule set generation `generation`: the cached ones when they are
    /// for that generation; else `compute`'s, cached when nothing was cached yet (a context
    /// that outlives a rule reload answers the new set correctly, just without a cache).
    pub fn signature_hits(
        &self,
        generation: u64,
        compute: impl FnOnce() -> SignatureHits,
    ) -> Cow<'_, SignatureHits> {
        self.compiled.signature_hits(generation, compute)
    }

    /// The normalised request path, worked out on first use.
    pub fn route(&self) -> &str {
        self.compiled.route()
    }
}

impl CompiledRequest {
    /// Builds the context of a decoded request record.
    pub(crate) fn new(record: &RequestRecord, limits: ContextLimits) -> CompiledRequest {
        let mut budget = InputBudget::new(limits);
        extract::request_inputs(record, &mut |i| budget.push(i));
        let summary = RequestSummary {
            method: record.method.clone(),
            path: record.uri.clone(),
            client: record.remote_addr.clone(),
        };
        CompiledRequest::request(budget, summary, record.content_type.clone())
    }

    /// [`CompiledRequest::new`] for a record the caller is done with (`openContext`): its
    /// strings move into the context instead of being copied.
    pub(crate) fn open(mut record: RequestRecord, limits: ContextLimits) -> CompiledRequest {
        let mut budget = InputBudget::new(limits);
        extract::take_request_inputs(&mut record, &mut |i| budget.push(i));
        let summary = RequestSummary {
            method: record.method,
            path: record.uri,
            client: record.remote_addr,
        };
        CompiledRequest::request(budget, summary, record.content_type)
    }

    /// A context of request line and header inputs alone (no body, nothing captured yet).
    fn request(budget: InputBudget, summary: RequestSummary, content_type: CompactString) -> Self {
        let body_start = budget.inputs.len();
        CompiledRequest::assemble(Parts {
            summary,
            content_type,
            budget,
            body_start,
            captured: Vec::new(),
        })
    }

    /// A context made directly from inputs (tests, the CLI, benchmarks).
    pub(crate) fn from_inputs(inputs: Vec<Input>, limits: ContextLimits) -> CompiledRequest {
        let mut budget = InputBudget::new(limits);
        inputs.into_iter().for_each(|i| budget.push(i));
        let body_start = budget.inputs.len();
        CompiledRequest::assemble(Parts {
            summary: RequestSummary::default(),
            content_type: CompactString::default(),
            budget,
            body_start,
            captured: Vec::new(),
        })
    }

    /// Lays out the searched inputs (request, body, then the captured ones neither equals),
    /// charges the searched captured ones to their budget, and compiles the matcher.
    fn assemble(parts: Parts) -> CompiledRequest {
        let Parts {
            summary,
            content_type,
            budget,
            body_start,
            captured,
        } = parts;
        let limits = budget.limits;
        let mut inputs = budget.inputs;
        // Most contexts have no captured input: no set of every input is built for them.
        let searched: Vec<usize> = if captured.is_empty() {
            Vec::new()
        } else {
            let present: HashSet<(InputPart, &str)> = inputs.iter().map(identity).collect();
            (0..captured.len())
                .filter(|&k| !present.contains(&identity(&captured[k])))
                .collect()
        };
        let captured_start = inputs.len();
        inputs.extend(searched.iter().map(|&k| captured[k].clone()));
        let cost = |derived: bool| -> usize {
            inputs[captured_start..]
                .iter()
                .filter(|i| i.is_derived() == derived)
                .map(Input::cost)
                .sum()
        };
        let captured_bytes = cost(false);
        let derived_bytes = budget.derived + cost(true);
        // Captured inputs are never dropped once accepted; a new body that no longer equals
        // some of them makes them cost again, which may pass the budget: that overflows too.
        let overflowed = budget.overflowed
            || captured_bytes > limits.max_captured_bytes()
            || derived_bytes > limits.max_derived_bytes();
        let matcher = InputMatcher::new(&inputs);
        CompiledRequest {
            summary,
            content_type,
            limits,
            inputs,
            body_start,
            captured_start,
            captured,
            input_bytes: budget.bytes,
            captured_bytes,
            derived_bytes,
            overflowed,
            matcher,
            signatures: OnceLock::new(),
            route: OnceLock::new(),
        }
    }

    /// [`RequestContext::with_body`].
    pub(crate) fn with_body(&self, body: &[u8], truncated: bool) -> CompiledRequest {
        let request = &self.inputs[..self.body_start];
        let cost = |derived: bool| -> usize {
            request
                .iter()
                .filter(|i| i.is_derived() == derived)
                .map(Input::cost)
                .sum()
        };
        let mut budget = InputBudget {
            limits: self.limits,
            inputs: request.to_vec(),
            bytes: cost(false),
            derived: cost(true),
            overflowed: self.overflowed || truncated,
        };
        let kind = BodyKind::from_content_type(&self.content_type);
        if kind == BodyKind::Upload {
            extract::body_inputs(kind, &self.content_type, body, &mut |i| budget.push_cut(i));
        } else {
            extract::body_inputs(kind, &self.content_type, body, &mut |i| budget.push(i));
        }
        CompiledRequest::assemble(Parts {
            summary: self.summary.clone(),
            content_type: self.content_type.clone(),
            budget,
            body_start: self.body_start,
            captured: self.captured.clone(),
        })
    }

    /// [`RequestContext::with_captured`].
    pub(crate) fn with_captured(&self, batch: &[CapturedInput]) -> Option<CompiledRequest> {
        if self.all_known(batch) {
            return None;
        }
        self.with_captured_checked(batch)
    }

    /// [`CompiledRequest::with_captured`] for a batch that may hold something new.
    fn with_captured_checked(&self, batch: &[CapturedInput]) -> Option<CompiledRequest> {
        let mut candidates = Vec::new();
        for c in batch {
            extract::captured_inputs(c, &mut |i| candidates.push(i));
        }
        let mut kept = vec![false; candidates.len()];
        let mut overflowed = self.overflowed;
        {
            let request = &self.inputs[..self.body_start];
            let body = &self.inputs[self.body_start..self.captured_start];
            let mut known: HashSet<(InputPart, &str)> =
                request.iter().chain(&self.captured).map(identity).collect();
            let in_body: HashSet<(InputPart, &str)> = body.iter().map(identity).collect();
            let mut bytes = self.captured_bytes;
            let mut derived = self.derived_bytes;
            // A value already known brings nothing new, and neither do the forms derived from it.
            let mut root_known = false;
            for (k, input) in candidates.iter().enumerate() {
                if !input.is_derived() {
                    root_known = known.contains(&identity(input));
                } else if root_known {
                    continue;
                }
                if !known.insert(identity(input)) {
                    continue;
                }
                if !in_body.contains(&identity(input)) {
                    let (used, limit) = if input.is_derived() {
                        (&mut derived, self.limits.max_derived_bytes())
                    } else {
                        (&mut bytes, self.limits.max_captured_bytes())
                    };
                    if *used + input.cost() > limit {
                        overflowed = true;
                        continue;
                    }
                    *used += input.cost();
                }
                kept[k] = true;
            }
        }
        if !kept.contains(&true) && overflowed == self.overflowed {
            return None;
        }
        let mut captured = self.captured.clone();
        captured.extend(
            candidates
                .into_iter()
                .zip(kept)
                .filter_map(|(input, keep)| keep.then_some(input)),
        );
        let base = &self.inputs[..self.captured_start];
        Some(CompiledRequest::assemble(Parts {
            summary: self.summary.clone(),
            content_type: self.content_type.clone(),
            budget: InputBudget {
                limits: self.limits,
                inputs: base.to_vec(),
                bytes: self.input_bytes,
                derived: base
                    .iter()
                    .filter(|i| i.is_derived())
                    .map(Input::cost)
                    .sum(),
                overflowed,
            },
            body_start: self.body_start,
            captured,
        }))
    }

    /// Whether every value of `batch` equals a request line or header value, or an earlier
    /// captured one: then [`CompiledRequest::with_captured`] keeps nothing (forms derived from a
    /// known value are skipped too) and the context stays as it is. The common batch is the
    /// parameters the application read, which the query string already had; this answers it by
    /// comparing values, without deriving forms or building sets of identities (which made such
    /// a no-op batch cost more than opening the context). Large batches against many inputs
    /// take the general path.
    fn all_known(&self, batch: &[CapturedInput]) -> bool {
        const MAX_COMPARISONS: usize = 4096;
        let known = self.body_start + self.captured.len();
        if batch.len().saturating_mul(known) > MAX_COMPARISONS {
            return false;
        }
        batch.iter().all(|c| {
            self.inputs[..self.body_start]
                .iter()
                .chain(&self.captured)
                .any(|i| identity(i) == (InputPart::Value, c.value.as_str()))
        })
    }

    /// The signature hits for rule set generation `generation`: the cached ones when they are
    /// for that generation; else `compute`'s, cached when nothing was cached yet (a context
    /// that outlives a rule reload answers the new set correctly, just without a cache).
    pub(crate) fn signature_hits(
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
    pub(crate) fn route(&self) -> &str {
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
    fn an_upload_past_the_budget_is_cut_a_document_overflows() {
        let limits = ContextLimits {
            max_input_bytes: 64,
        };
        let body = [b'a'; 200];
        let upload = RequestContext::new(&record("application/octet-stream"), limits)
            .with_body(&body, false);
        assert!(!upload.overflowed(), "an upload is judged on what fits");
        let kept = upload
            .inputs()
            .iter()
            .find(|i| i.source == InputSource::Body)
            .expect("the upload's first bytes are an input");
        assert!(kept.value.len() < 64 && kept.value.bytes().all(|b| b == b'a'));
        let document = RequestContext::new(&record("text/plain"), limits).with_body(&body, false);
        assert!(
            document.overflowed(),
            "a document past the budget overflows"
        );
    }

    #[test]
    fn a_body_of_any_type_is_one_text_input() {
        // The content type is the client's word: an application reading the body as a string
        // reads an octet-stream body too, so the engine must see it.
        for content_type in ["application/octet-stream", "application/x-anything", ""] {
            let ctx = RequestContext::new(&record(content_type), ContextLimits::default());
            let with_body = ctx.with_body(b"x' OR TRUE OR '", false);
            assert!(
                with_body
                    .inputs()
                    .iter()
                    .any(|i| i.source == InputSource::Body && i.value == "x' OR TRUE OR '"),
                "{content_type:?}"
            );
        }
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

    fn captured(source: InputSource, name: &str, value: &str) -> CapturedInput {
        CapturedInput {
            source,
            name: name.into(),
            value: value.into(),
        }
    }

    /// The searched inputs whose value is `value`, as `(source, name)`.
    fn holders(ctx: &RequestContext, value: &str) -> Vec<(InputSource, String)> {
        ctx.inputs()
            .iter()
            .filter(|i| i.value == value)
            .map(|i| (i.source, i.name.to_string()))
            .collect()
    }

    #[test]
    fn captured_inputs_are_appended_and_searched() {
        let ctx = RequestContext::new(&record("application/json"), ContextLimits::default());
        let sql = b"SELECT * FROM u WHERE name = 'x' OR '1'='1'";
        assert!(!ctx.matcher().any(sql));
        let ctx2 = ctx
            .with_captured(&[captured(InputSource::Json, "user.name", "x' OR '1'='1")])
            .expect("a new value");
        assert_eq!(
            holders(&ctx2, "x' OR '1'='1"),
            vec![(InputSource::Json, "$.user.name".to_owned())]
        );
        assert!(ctx2.matcher().any(sql));
        assert_eq!(ctx2.summary(), ctx.summary());
        let ctx3 = ctx2
            .with_captured(&[captured(InputSource::Xml, "a/@b", "<x y>")])
            .expect("a new value");
        assert_eq!(
            holders(&ctx3, "x' OR '1'='1").len(),
            1,
            "earlier batch kept"
        );
        assert_eq!(holders(&ctx3, "<x y>").len(), 1);
        assert_eq!(ctx3.inputs()[..ctx.inputs().len()], ctx.inputs()[..]);
        assert_eq!(
            ctx3.captured_bytes(),
            "$.user.name".len() + "x' OR '1'='1".len() + "a/@b".len() + "<x y>".len()
        );
        assert_eq!(ctx3.input_bytes(), ctx.input_bytes());
    }

    #[test]
    fn captured_values_get_derived_forms() {
        let ctx = RequestContext::new(&record("text/plain"), ContextLimits::default());
        let ctx = ctx
            .with_captured(&[captured(InputSource::Parameter, "f", "..%5C..%5Cx")])
            .expect("a new value");
        let forms: Vec<_> = ctx.inputs()[ctx.compiled.captured_start..]
            .iter()
            .take(3)
            .map(|i| (i.value.as_str(), i.transform))
            .collect();
        assert_eq!(
            forms,
            vec![
                ("..%5C..%5Cx", None),
                ("..\\..\\x", Some("url-decoded")),
                ("../../x", Some("url-decoded,backslash-to-slash")),
            ]
        );
    }

    /// A batch, and how many searched inputs and captured bytes it must add.
    struct Dedupe {
        case: &'static str,
        batch: Vec<CapturedInput>,
        inputs: usize,
        bytes: usize,
    }

    #[test]
    fn a_captured_value_already_present_adds_nothing() {
        // record(): query a=1%20x (value "1 x", name "a"), header X-A: "h v".
        let base = RequestContext::new(&record("application/json"), ContextLimits::default())
            .with_captured(&[captured(InputSource::Websocket, "message", "m' --")])
            .expect("a new value");
        let cases = [
            Dedupe {
                case: "the query value, from getParameter",
                batch: vec![captured(InputSource::Parameter, "a", "1 x")],
                inputs: 0,
                bytes: 0,
            },
            Dedupe {
                case: "a header value under another name",
                batch: vec![captured(InputSource::Header, "x-a", "h v")],
                inputs: 0,
                bytes: 0,
            },
            Dedupe {
                case: "an earlier captured value",
                batch: vec![captured(InputSource::Json, "msg", "m' --")],
                inputs: 0,
                bytes: 0,
            },
            Dedupe {
                case: "twice in one batch (the value and its upper-case form)",
                batch: vec![
                    captured(InputSource::Xml, "a", "<b c>"),
                    captured(InputSource::Xml, "a", "<b c>"),
                ],
                inputs: 2,
                bytes: 1 + 5,
            },
            Dedupe {
                case: "a query name is another part, so a value equal to it is new",
                batch: vec![captured(InputSource::Json, "k", "a")],
                inputs: 1,
                bytes: "$.k".len() + 1,
            },
            Dedupe {
                case: "new and old together",
                batch: vec![
                    captured(InputSource::Parameter, "a", "1 x"),
                    captured(InputSource::ZipEntry, "entry", "../x"),
                ],
                inputs: 1,
                bytes: 5 + 4,
            },
        ];
        for c in cases {
            let next = base.with_captured(&c.batch);
            assert_eq!(
                next.is_none(),
                c.inputs == 0,
                "{}: no snapshot for nothing",
                c.case
            );
            let next = next.unwrap_or_else(|| base.clone());
            assert_eq!(
                next.inputs().len() - base.inputs().len(),
                c.inputs,
                "{}",
                c.case
            );
            assert_eq!(
                next.captured_bytes() - base.captured_bytes(),
                c.bytes,
                "{}: charged once",
                c.case
            );
        }
    }

    #[test]
    fn the_known_values_shortcut_answers_as_the_general_path_does() {
        let base = RequestContext::new(&record("application/json"), ContextLimits::default())
            .with_body(br#"{"a":"b' c"}"#, false)
            .with_captured(&[captured(InputSource::Json, "m", "m' --")])
            .expect("a new value");
        let batches = [
            vec![captured(InputSource::Parameter, "a", "1 x")],
            vec![captured(InputSource::Header, "X-A", "h v")],
            vec![
                captured(InputSource::Parameter, "a", "1 x"),
                captured(InputSource::Json, "again", "m' --"),
            ],
            // A name's value is another part: new.
            vec![captured(InputSource::Json, "k", "a")],
            // Equal to a body input only: kept (a later body may not hold it).
            vec![captured(InputSource::Json, "a", "b' c")],
            vec![
                captured(InputSource::Parameter, "a", "1 x"),
                captured(InputSource::Parameter, "b", "2' y"),
            ],
            vec![],
        ];
        let mut shortcuts = 0;
        for batch in &batches {
            let general = base.compiled.with_captured_checked(batch);
            if base.compiled.all_known(batch) {
                shortcuts += 1;
                assert!(general.is_none(), "{batch:?}: the shortcut kept nothing");
            }
            let answer = base.with_captured(batch);
            assert_eq!(answer.is_none(), general.is_none(), "{batch:?}");
            if let (Some(a), Some(g)) = (answer, general) {
                assert_eq!(a.inputs(), &g.inputs[..], "{batch:?}");
            }
        }
        assert_eq!(shortcuts, 4, "the known batches and the empty one");
    }

    #[test]
    fn captured_inputs_survive_new_bodies() {
        let ctx = RequestContext::new(&record("application/json"), ContextLimits::default())
            .with_body(br#"{"a":"b' c"}"#, false)
            .with_captured(&[
                captured(InputSource::Json, "a", "b' c"),
                captured(InputSource::Json, "n", "1 OR 1=1"),
            ])
            .expect("a new value");
        assert_eq!(
            holders(&ctx, "b' c"),
            vec![(InputSource::Json, "$.a".to_owned())],
            "equal to a body input: kept, not searched twice"
        );
        assert_eq!(
            ctx.captured_bytes(),
            "$.n".len() + "1 OR 1=1".len(),
            "nor charged"
        );
        // A body that no longer holds "b' c" must not lose the captured twin, nor the other
        // captured value.
        let ctx2 = ctx.with_body(br#"{"z":"other"}"#, false);
        assert_eq!(
            holders(&ctx2, "b' c"),
            vec![(InputSource::Json, "$.a".to_owned())]
        );
        assert_eq!(holders(&ctx2, "1 OR 1=1").len(), 1);
        assert_eq!(
            ctx2.captured_bytes(),
            "$.n1 OR 1=1$.ab' c".len(),
            "now charged"
        );
        let ctx3 = ctx2.with_body(b"{}", false);
        assert_eq!(holders(&ctx3, "1 OR 1=1").len(), 1);
        assert_eq!(holders(&ctx3, "b' c").len(), 1);
    }

    #[test]
    fn captured_input_past_its_budget_overflows() {
        let limits = ContextLimits {
            max_input_bytes: 1024,
        };
        assert_eq!(limits.max_captured_bytes(), 16 * 1024);
        let ctx = RequestContext::new(&record("text/plain"), limits);
        let chunk = "x' ".repeat(1500); // three fit in 16 KiB, four do not
        let batch: Vec<_> = (0..3)
            .map(|i| captured(InputSource::Json, &format!("v{i}"), &format!("{i}{chunk}")))
            .collect();
        let ctx2 = ctx.with_captured(&batch).expect("fits");
        assert!(
            !ctx2.overflowed(),
            "far past max_input_bytes, within its own budget"
        );
        assert_eq!(ctx2.inputs().len() - ctx.inputs().len(), 3);
        let ctx3 = ctx2
            .with_captured(&[captured(InputSource::Json, "v3", &format!("3{chunk}"))])
            .expect("the overflow is news");
        assert!(ctx3.overflowed(), "past 16 x max_input_bytes");
        assert!(ctx3.captured_bytes() <= limits.max_captured_bytes());
        assert_eq!(
            holders(&ctx3, &format!("0{chunk}")).len(),
            1,
            "earlier ones stay"
        );
        assert!(ctx3.with_body(b"ok", false).overflowed(), "and it sticks");
        assert!(
            ctx3.with_captured(&[captured(InputSource::Json, "v3", &format!("3{chunk}"))])
                .is_none(),
            "refused again: nothing new to say"
        );
    }

    #[test]
    fn a_body_that_no_longer_covers_captured_input_can_overflow_it() {
        let limits = ContextLimits {
            max_input_bytes: 1024,
        };
        let large = "L' ".repeat(5300); // 15,900 bytes: most of the captured budget
        let small = "s' ".repeat(200); // 600 bytes: fits the body budget
        let ctx = RequestContext::new(&record("application/json"), limits)
            .with_body(format!(r#"{{"b":"{small}"}}"#).as_bytes(), false)
            .with_captured(&[
                captured(InputSource::Json, "a", &large),
                captured(InputSource::Json, "b", &small),
            ])
            .expect("fits");
        assert!(!ctx.overflowed(), "the small one is the body's, and free");
        let ctx2 = ctx.with_body(b"{}", false);
        assert!(
            ctx2.overflowed(),
            "uncovered, the small one costs, and the total is past the budget"
        );
        assert_eq!(holders(&ctx2, &small).len(), 1, "and it is still searched");
        assert_eq!(holders(&ctx2, &large).len(), 1);
    }

    #[test]
    fn ids_are_unique() {
        let a = next_id();
        let b = next_id();
        assert_ne!(a, b);
    }

    /// The agent does not push a captured value the engine holds from its own parse of the query
    /// (`CapturedValues.inRawQuery`): a pair whose value decodes to printable ASCII, `+` as a
    /// space and `%XX` as that byte. This is the engine's side of that contract: every such
    /// value, escaped either way, is an input of the context.
    #[test]
    fn printable_ascii_query_values_are_inputs_as_the_agent_expects() {
        let mut seed = 13u64;
        let mut next = move |bound: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % bound
        };
        for _ in 0..2000 {
            let len = 1 + next(24) as usize;
            let value: String = (0..len)
                .map(|_| (b' ' + next(0x5f) as u8) as char)
                .collect();
            let plus: String = value
                .bytes()
                .map(|b| match b {
                    b' ' => "+".to_string(),
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            let escaped: String = value.bytes().map(|b| format!("%{b:02x}")).collect();
            for query in [format!("a=1&q={plus}"), format!("q={escaped}&b=2")] {
                let mut rec = record("");
                rec.query = query.as_str().into();
                let ctx = RequestContext::new(&rec, ContextLimits::default());
                assert!(
                    ctx.inputs()
                        .iter()
                        .any(|i| i.part == InputPart::Value && i.value == value),
                    "{query}: {value:?} is not an input"
                );
            }
        }
    }

    #[test]
    fn request_ids_are_formatted_like_event_ids_and_stay_fixed() {
        let a = RequestContext::new(&record(""), ContextLimits::default());
        let b = RequestContext::new(&record(""), ContextLimits::default());
        let id = a.id();
        assert_eq!(id, a.id(), "the same id every time it is asked");
        assert_ne!(id, b.id());
        let event = next_id();
        assert_eq!(id.len(), event.len());
        assert_eq!(id[..13], event[..13], "same process tag");
    }

    #[test]
    fn opening_an_owned_record_equals_building_from_a_borrowed_one() {
        let mut rec = record("application/json");
        rec.query = "q=x%27+OR+1%3D1&n=alice".into();
        rec.uri = "/a/..%2Fb;p=1/c".into();
        rec.headers.push(("Cookie".into(), "s=Jy0t; t=u".into()));
        rec.headers.push(("Host".into(), "h:80".into()));
        let borrowed = RequestContext::new(&rec, ContextLimits::default());
        let owned = RequestContext::open(rec.clone(), ContextLimits::default());
        assert_eq!(borrowed.inputs(), owned.inputs());
        assert!(owned.inputs().iter().any(|i| i.transform.is_some()));
        let (b, o) = (borrowed.summary(), owned.summary());
        assert_eq!(
            (&b.method, &b.path, &b.client),
            (&o.method, &o.path, &o.client)
        );
        assert_eq!(borrowed.compiled.content_type, owned.compiled.content_type);
        assert_eq!(borrowed.overflowed(), owned.overflowed());
    }
}
