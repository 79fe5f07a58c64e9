//! Rule evaluation in a check: which rules of the set fire for one sink call (docs/rules.md
//! §4.2 and §4.3). Modes, exclusions and the verdict are the engine's ([`crate::engine`]).
//!
//! Sink rules scan the sink string with the set's database for the sink kind; a rule that the
//! scan hit then has its match spans computed ([`RuleSet::spans`]) and its `when` condition
//! tested against the request inputs that occur in the sink. In SQL, a match that lies
//! entirely inside one string literal, quoted identifier or comment is data (a search box that
//! contains "into outfile" is not a file write), so such matches are dropped; the statement is
//! lexed only when a rule hit needs it.
//!
//! Input signatures answer a different question: did an input that looks like an attack reach
//! the sink in a form the substring search cannot see (decoded, re-cased, re-spaced)? The
//! inputs are scanned once per request and the hits cached in the context (except those the
//! first check found verbatim in its sink, usually the request's one new value: a later check
//! that needs one scans it then). At a check, a hit whose input occurs verbatim in the sink is
//! left to the structural detectors, which judge it better; otherwise the normalised input is
//! looked for in the normalised sink (confidence medium), and failing that the signature itself
//! is run on the sink (confidence low).
//!
//! Cost: a set with no rule for the sink kind costs nothing ([`RulePlan`]). Sink rules that
//! need input cost nothing more when no input occurs in the sink (nearly always; the caller's
//! input search says so), and one scan of the sink string otherwise; `always` rules one scan.
//! Signatures cost a cache lookup once the request's inputs are scanned. Everything else runs
//! only on hits.

pub mod normalize;

use std::borrow::Cow;
use std::ops::Range;

use memchr::memmem;

use super::{RuleSet, Scan, SinkKind, Target, When};
use crate::context::RequestContext;
use crate::event::Span;
use crate::input::{Input, InputPart};
use crate::matcher::Occurrence;
use crate::sql::{Dialect, LexedStatement, Token, TokenKind};
use crate::verdict::Confidence;
use normalize::{normalize, Normalized};

/// Both sides of the normalised comparison must be at least this long, so that short inputs
/// (`1`, `id`) do not "reach" every sink.
pub const MIN_NORMALIZED_BYTES: usize = 4;

/// What a rule set has for each sink kind, worked out once when the engine is built, so that
/// a check of a kind the set has no rules for does not touch the set at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RulePlan {
    sink_rules: [bool; SinkKind::COUNT],
    /// Some sink rule of the kind fires without input (`always`): the sink must be scanned
    /// even when no input occurs in it. Otherwise a sink free of input skips the scan.
    sink_always: [bool; SinkKind::COUNT],
    signatures: [bool; SinkKind::COUNT],
}

fn kind_index(kind: SinkKind) -> usize {
    kind.index()
}

impl RulePlan {
    pub fn new(rules: &RuleSet) -> RulePlan {
        let mut plan = RulePlan::default();
        let has_input = rules.has_target(Target::Input);
        for kind in SinkKind::ALL {
            let k = kind_index(kind);
            plan.sink_rules[k] = rules.has_target(Target::Sink(kind));
            plan.sink_always[k] = rules
                .rules()
                .iter()
                .any(|r| r.scan == Scan::Sink && r.when == When::Always && r.applies_to(kind));
            plan.signatures[k] = has_input
                && rules
                    .rules()
                    .iter()
                    .any(|r| r.scan == Scan::Input && r.applies_to(kind));
        }
        plan
    }

    /// Whether a check of `kind` scans the sink string with the sink rules' database: there
    /// are sink rules for the kind, and an input occurs in the sink or a rule fires without one.
    pub fn scans_sink(&self, kind: SinkKind, input_occurs: bool) -> bool {
        let k = kind_index(kind);
        self.sink_rules[k] && (self.sink_always[k] || input_occurs)
    }

    /// Whether checks of `kind` have any rule to evaluate.
    pub fn covers(&self, kind: SinkKind) -> bool {
        let k = kind_index(kind);
        self.sink_rules[k] || self.signatures[k]
    }
}

/// The sink of a check, as rules see it: the sink string (a command's argv joined by spaces)
/// and, for SQL, the dialect that says what is a literal.
#[derive(Clone, Copy, Debug)]
pub struct SinkText<'a> {
    pub kind: SinkKind,
    pub text: &'a [u8],
    pub dialect: Option<Dialect>,
    /// Whether some request input occurs in `text`. The caller's detector searched already,
    /// and the search is the larger part of a check that finds nothing: it is not done twice.
    pub input_occurs: bool,
    /// For SQL, the statement lexed already (the caller's detector needed it too); `None` lexes
    /// it here when a rule needs to know what is data.
    pub lexed: Option<&'a LexedStatement>,
    /// The sink rules whose patterns match `text` ([`sink_hits`]), when the caller has them;
    /// `None` scans here.
    pub sink_hits: Option<&'a [usize]>,
    /// The inputs the caller's search found in `text`. Their input signatures need not be
    /// scanned for this check (a hit of an input that occurs verbatim is left to the detectors):
    /// on a request's first check, a new value that reached the statement is not scanned.
    pub occurring: &'a [Occurrence],
}

impl<'a> SinkText<'a> {
    /// The sink string of a check of `kind`, with nothing worked out beforehand.
    pub fn new(kind: SinkKind, text: &'a [u8], input_occurs: bool) -> SinkText<'a> {
        SinkText {
            kind,
            text,
            dialect: None,
            input_occurs,
            lexed: None,
            sink_hits: None,
            occurring: &[],
        }
    }
}

/// How a rule's finding came about; it sets the confidence and the explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// A sink rule with `when = "always"` matched the sink.
    Always,
    /// A sink rule with `when = "input-present"` matched, and the input occurs in the sink.
    InputPresent,
    /// A match of a sink rule with `when = "input-overlaps"` overlaps the input's occurrence.
    InputOverlaps,
    /// The input matched the signature and reached the sink in a normalised form.
    Normalized,
    /// The input matched the signature, and so does the sink.
    SignatureInBoth,
}

impl Reach {
    pub fn confidence(self) -> Confidence {
        match self {
            Reach::Always | Reach::InputOverlaps => Confidence::High,
            Reach::InputPresent | Reach::Normalized => Confidence::Medium,
            Reach::SignatureInBoth => Confidence::Low,
        }
    }

    /// A stable name for tests and tools.
    pub fn name(self) -> &'static str {
        match self {
            Reach::Always => "always",
            Reach::InputPresent => "input-present",
            Reach::InputOverlaps => "input-overlaps",
            Reach::Normalized => "normalized",
            Reach::SignatureInBoth => "signature-in-both",
        }
    }
}

/// One rule that fired in a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleFinding {
    /// Index in [`RuleSet::rules`].
    pub rule: usize,
    pub reach: Reach,
    /// Index in the context's inputs; `None` for `always` rules.
    pub input: Option<usize>,
    /// Where in the sink string the rule matched (or the input arrived), if known.
    pub span: Option<Span>,
}

// The hits' type lives below the context that keeps them; scanning for them needs the rule
// set, so it is here.
use crate::signature_hits::{SignatureHit, SignatureHits};

impl SignatureHits {
    /// Scans every input value of the request (derived forms included) with the set's input
    /// database, except the inputs of `occurring` (recorded as unscanned). Names are not
    /// scanned: signatures describe attack values.
    pub fn scan_except(
        rules: &RuleSet,
        ctx: &RequestContext,
        occurring: &[Occurrence],
    ) -> SignatureHits {
        let mut out = SignatureHits::none(rules.generation());
        if !rules.has_target(Target::Input) {
            return out;
        }
        let mut hit_rules: Vec<usize> = Vec::new();
        for input in 0..ctx.inputs().len() {
            if occurring.iter().any(|o| o.input == input) {
                out.unscanned.push(input);
            } else {
                out.scan_input(rules, ctx, input, &mut hit_rules);
            }
        }
        out
    }

    fn scan_input(
        &mut self,
        rules: &RuleSet,
        ctx: &RequestContext,
        input: usize,
        hit_rules: &mut Vec<usize>,
    ) {
        let Some(value) = ctx.inputs().get(input) else {
            return;
        };
        if value.part != InputPart::Value || value.value.is_empty() {
            return;
        }
        rules.input_rules(value.value.as_bytes(), hit_rules);
        self.hits.extend(
            hit_rules
                .iter()
                .filter(|&&r| {
                    rules
                        .rules()
                        .get(r)
                        .is_some_and(|rule| rule.scan == Scan::Input)
                })
                .map(|&rule| SignatureHit { input, rule }),
        );
    }

    /// These hits, with those of the unscanned inputs that do not occur in `occurring` scanned
    /// now (for this check only: the cached value is shared and stays as it is).
    pub fn completed(
        &self,
        rules: &RuleSet,
        ctx: &RequestContext,
        occurring: &[Occurrence],
    ) -> Cow<'_, SignatureHits> {
        let mut missing = self
            .unscanned
            .iter()
            .filter(|&&i| !occurring.iter().any(|o| o.input == i))
            .peekable();
        if missing.peek().is_none() {
            return Cow::Borrowed(self);
        }
        let mut out = self.clone();
        let mut hit_rules: Vec<usize> = Vec::new();
        for &input in missing {
            out.scan_input(rules, ctx, input, &mut hit_rules);
        }
        out.unscanned
            .retain(|&i| occurring.iter().any(|o| o.input == i));
        out.hits.sort_by_key(|h| (h.input, h.rule));
        Cow::Owned(out)
    }
}

/// Every rule of `rules` that fires for `sink`, in rule order (then input order). Appends to
/// `out` and allocates nothing when no rule hits.
pub fn evaluate(
    rules: &RuleSet,
    plan: &RulePlan,
    ctx: &RequestContext,
    sink: SinkText<'_>,
    out: &mut Vec<RuleFinding>,
) {
    let k = kind_index(sink.kind);
    let start = out.len();
    let mut data = sink.dialect.map(|d| SqlData::new(sink.text, d, sink.lexed));
    // `input-present` and `input-overlaps` need an input in the sink; without an `always`
    // rule, a sink no input occurs in (nearly every one) is not scanned at all.
    if plan.scans_sink(sink.kind, sink.input_occurs) {
        sink_rules(rules, ctx, sink, &mut data, out);
    }
    if plan.signatures[k] {
        signature_rules(rules, ctx, sink, &mut data, out);
    }
    out[start..].sort_by_key(|f| f.rule);
}

fn to_span(r: &Range<usize>) -> Span {
    Span {
        start: r.start,
        end: r.end,
    }
}

/// The spans of `rule` in the sink that are code, not data.
fn code_spans(
    rules: &RuleSet,
    rule: usize,
    sink: SinkText<'_>,
    data: &mut Option<SqlData<'_>>,
) -> (Vec<Range<usize>>, bool) {
    let mut spans = rules.spans(rule, sink.text);
    let matched = !spans.is_empty();
    if let Some(data) = data {
        spans.retain(|s| !data.is_data(s.start, s.end));
    }
    (spans, matched)
}

fn sink_rules(
    rules: &RuleSet,
    ctx: &RequestContext,
    sink: SinkText<'_>,
    data: &mut Option<SqlData<'_>>,
    out: &mut Vec<RuleFinding>,
) {
    let target = Target::Sink(sink.kind);
    let scanned;
    let hits = match sink.sink_hits {
        Some(hits) => hits,
        None => {
            scanned = sink_hits(rules, sink.kind, sink.text);
            &scanned
        }
    };
    if hits.is_empty() {
        return;
    }
    let mut occurrences: Option<Vec<Occurrence>> = None;
    for &rule in hits {
        let Some(r) = rules.rules().get(rule) else {
            continue;
        };
        if !target.holds(r) {
            continue;
        }
        let (spans, matched) = code_spans(rules, rule, sink, data);
        // Every match was data. (No span at all means the span regexes and the scan disagree;
        // the scan's word is taken for the conditions that do not need spans.)
        if matched && spans.is_empty() {
            continue;
        }
        let first = spans.first().map(to_span);
        match r.when {
            When::Always => out.push(RuleFinding {
                rule,
                reach: Reach::Always,
                input: None,
                span: first,
            }),
            When::InputPresent => {
                let occ = occurrences.get_or_insert_with(|| occurrences_in(ctx, sink));
                for input in distinct_families(ctx.inputs(), occ.iter().map(|o| o.input)) {
                    out.push(RuleFinding {
                        rule,
                        reach: Reach::InputPresent,
                        input: Some(input),
                        span: first,
                    });
                }
            }
            When::InputOverlaps => {
                let occ = occurrences.get_or_insert_with(|| occurrences_in(ctx, sink));
                let mut overlapping: Vec<(usize, Span)> = Vec::new();
                for s in &spans {
                    for o in occ.iter() {
                        if o.start < s.end && s.start < o.end {
                            overlapping.push((o.input, to_span(s)));
                        }
                    }
                }
                overlapping.sort_by_key(|&(input, span)| (input, span.start));
                let inputs = distinct_families(ctx.inputs(), overlapping.iter().map(|p| p.0));
                for input in inputs {
                    let span = overlapping.iter().find(|p| p.0 == input).map(|p| p.1);
                    out.push(RuleFinding {
                        rule,
                        reach: Reach::InputOverlaps,
                        input: Some(input),
                        span,
                    });
                }
            }
        }
    }
}

/// The sink rules of `kind` whose patterns match somewhere in `text`, sorted and distinct: one
/// scan with the set's database for the kind. It depends on the set and the text alone, so a
/// caller may keep it for a text it sees again ([`SinkText::sink_hits`]).
pub fn sink_hits(rules: &RuleSet, kind: SinkKind, text: &[u8]) -> Vec<usize> {
    let mut hits: Vec<usize> = Vec::new();
    rules.scan(Target::Sink(kind), text, &mut |r| hits.push(r));
    hits.sort_unstable();
    hits.dedup();
    hits
}

fn occurrences_in(ctx: &RequestContext, sink: SinkText<'_>) -> Vec<Occurrence> {
    if sink.input_occurs {
        ctx.matcher().occurrences(sink.text)
    } else {
        Vec::new()
    }
}

/// The inputs among `candidates`, one per family (an input and the forms derived from it
/// count once: a finding about `%27` and one about `'` would be the same finding), in input
/// order. The first candidate of each family is kept.
fn distinct_families(inputs: &[Input], candidates: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for input in candidates {
        let root = family_root(inputs, input);
        if !kept.iter().any(|&(r, _)| r == root) {
            kept.push((root, input));
        }
    }
    kept.sort_unstable();
    kept.into_iter().map(|(_, input)| input).collect()
}

/// The input a derived form was made from (extraction emits it right before its forms), or
/// the input itself.
fn family_root(inputs: &[Input], i: usize) -> usize {
    let Some(input) = inputs.get(i) else {
        return i;
    };
    let Some(original) = &input.original else {
        return i;
    };
    (i.saturating_sub(crate::extract::derive::MAX_FORMS)..i)
        .rev()
        .find(|&j| {
            let c = &inputs[j];
            c.original.is_none()
                && c.source == input.source
                && c.part == input.part
                && c.name == input.name
                && c.value == *original
        })
        .unwrap_or(i)
}

/// The family of `root`: itself and the derived forms that follow it.
fn family(inputs: &[Input], root: usize) -> impl Iterator<Item = &Input> {
    let first = inputs.get(root);
    inputs[root.min(inputs.len())..]
        .iter()
        .enumerate()
        .take_while(move |(n, c)| {
            *n == 0
                || first.is_some_and(|f| {
                    c.original.as_deref() == Some(f.value.as_str())
                        && c.source == f.source
                        && c.part == f.part
                        && c.name == f.name
                })
        })
        .map(|(_, c)| c)
}

fn signature_rules(
    rules: &RuleSet,
    ctx: &RequestContext,
    sink: SinkText<'_>,
    data: &mut Option<SqlData<'_>>,
    out: &mut Vec<RuleFinding>,
) {
    let cached = ctx.signature_hits(rules.generation(), || {
        SignatureHits::scan_except(rules, ctx, sink.occurring)
    });
    let hits = cached.completed(rules, ctx, sink.occurring);
    let applies = |h: &&SignatureHit| {
        rules
            .rules()
            .get(h.rule)
            .is_some_and(|r| r.applies_to(sink.kind))
    };
    if !hits.hits().iter().any(|h| applies(&h)) {
        return;
    }
    let inputs = ctx.inputs();
    let mut normalized_sink: Option<Normalized> = None;
    let mut rule_spans: Vec<(usize, Option<Span>)> = Vec::new();
    let mut fired: Vec<(usize, usize)> = Vec::new();
    for hit in hits.hits().iter().filter(applies) {
        let root = family_root(inputs, hit.input);
        if fired.contains(&(hit.rule, root)) {
            continue;
        }
        let verbatim = family(inputs, root)
            .any(|i| !i.value.is_empty() && memmem::find(sink.text, i.value.as_bytes()).is_some());
        if verbatim {
            continue;
        }
        let Some(input) = inputs.get(hit.input) else {
            continue;
        };
        let normalized_input = normalize(input.value.as_bytes(), false);
        let reached = if normalized_input.bytes.len() >= MIN_NORMALIZED_BYTES {
            let haystack = normalized_sink.get_or_insert_with(|| normalize(sink.text, true));
            normalized_reach(haystack, &normalized_input.bytes, sink.text.len(), data)
        } else {
            None
        };
        let finding = match reached {
            Some(span) => Some((Reach::Normalized, Some(span))),
            None => {
                let cached = rule_spans.iter().find(|(r, _)| *r == hit.rule).map(|c| c.1);
                let span = cached.unwrap_or_else(|| {
                    let (spans, _) = code_spans(rules, hit.rule, sink, data);
                    let first = spans.first().map(to_span);
                    rule_spans.push((hit.rule, first));
                    first
                });
                span.filter(|s| {
                    let matched = sink.text.get(s.start..s.end).unwrap_or_default();
                    shares_content(&normalized_input.bytes, &normalize(matched, false).bytes)
                })
                .map(|s| (Reach::SignatureInBoth, Some(s)))
            }
        };
        if let Some((reach, span)) = finding {
            fired.push((hit.rule, root));
            out.push(RuleFinding {
                rule: hit.rule,
                reach,
                input: Some(hit.input),
                span,
            });
        }
    }
}

/// Bytes of input a signature match in the sink must share with the input (normalised both).
pub const MIN_SHARED_BYTES: usize = 4;

/// Whether the sink's signature match holds some of the input: a run of
/// [`MIN_SHARED_BYTES`] bytes of the normalised input, with a letter or digit in it, occurs in
/// the normalised match. Without it the match is the application's own text (a constant it put
/// in place of the input, its own `AND password='…'`), which must never stand in for the input.
fn shares_content(input: &[u8], matched: &[u8]) -> bool {
    /// Inputs and matches are short; past this the comparison is not worth its cost and the
    /// match counts as shared (the finding is monitor-only by default anyway).
    const MAX_COMPARED: usize = 4096;
    if input.len() > MAX_COMPARED || matched.len() > MAX_COMPARED {
        return true;
    }
    input
        .windows(MIN_SHARED_BYTES)
        .any(|w| w.iter().any(u8::is_ascii_alphanumeric) && memmem::find(matched, w).is_some())
}

/// Where the normalised input occurs in the normalised sink as code, mapped back to the sink.
fn normalized_reach(
    sink: &Normalized,
    input: &[u8],
    sink_len: usize,
    data: &mut Option<SqlData<'_>>,
) -> Option<Span> {
    if sink.bytes.len() < MIN_NORMALIZED_BYTES {
        return None;
    }
    memmem::find_iter(&sink.bytes, input).find_map(|at| {
        let (start, end) = sink.source_range(at, at + input.len(), sink_len);
        let is_data = data.as_mut().is_some_and(|d| d.is_data(start, end));
        (!is_data).then_some(Span { start, end })
    })
}

/// Whether a span of a SQL statement is data: inside one string literal, quoted identifier or
/// comment. The statement is lexed on first need ([`LexedStatement`]), unless the caller lexed
/// it already. A statement for an unknown database is also read as MySQL reads it, and a span is
/// data only if both readings agree (an attacker writes for the database that is really there,
/// as [`crate::sql::detect()`] assumes too).
struct SqlData<'a> {
    text: &'a [u8],
    dialect: Dialect,
    /// `None`: not lexed yet.
    lexed: Option<Cow<'a, LexedStatement>>,
}

impl<'a> SqlData<'a> {
    fn new(text: &'a [u8], dialect: Dialect, given: Option<&'a LexedStatement>) -> SqlData<'a> {
        SqlData {
            text,
            dialect,
            lexed: given.filter(|l| l.dialect() == dialect).map(Cow::Borrowed),
        }
    }

    /// A reading the lexer could not finish says nothing is data.
    fn is_data(&mut self, start: usize, end: usize) -> bool {
        if start >= end {
            return false;
        }
        let (text, dialect) = (self.text, self.dialect);
        let lexed = self
            .lexed
            .get_or_insert_with(|| Cow::Owned(LexedStatement::lex(dialect, text)));
        let inside =
            |tokens: Result<&[Token], _>| tokens.is_ok_and(|t| inside_one_literal(t, start, end));
        inside(lexed.own()) && lexed.mysql().is_none_or(inside)
    }
}

fn inside_one_literal(tokens: &[Token], start: usize, end: usize) -> bool {
    let i = tokens.partition_point(|t| t.end <= start);
    tokens.get(i).is_some_and(|t| {
        t.start <= start
            && end <= t.end
            && matches!(
                t.kind,
                TokenKind::String
                    | TokenKind::QuotedIdent
                    | TokenKind::LineComment
                    | TokenKind::BlockComment
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputSource;

    /// `f` with the statement lexed on first need and with it lexed beforehand (the engine's
    /// statement cache): both must answer the same.
    fn both_ways(sql: &[u8], dialect: Dialect, f: impl Fn(&mut SqlData<'_>)) {
        f(&mut SqlData::new(sql, dialect, None));
        let lexed = LexedStatement::lex(dialect, sql);
        f(&mut SqlData::new(sql, dialect, Some(&lexed)));
    }

    #[test]
    fn literals_comments_and_quoted_identifiers_are_data() {
        let sql = b"SELECT * FROM t WHERE a = 'x into outfile' -- into outfile\nAND \"into outfile\" = 1 INTO OUTFILE '/tmp/x'";
        both_ways(sql, Dialect::PostgreSql, |data| {
            literals_are_data(sql, data)
        });
    }

    fn literals_are_data(sql: &[u8], data: &mut SqlData<'_>) {
        let text = std::str::from_utf8(sql).expect("ascii");
        let at = |needle: &str, nth: usize| text.match_indices(needle).nth(nth).expect("present").0;
        for nth in 0..3 {
            let s = at("into outfile", nth);
            assert!(data.is_data(s, s + 12), "occurrence {nth} is data");
        }
        let s = at("INTO OUTFILE", 0);
        assert!(!data.is_data(s, s + 12), "the real clause is code");
        let quote = at("'x into", 0);
        assert!(
            data.is_data(quote, quote + 8),
            "the quote belongs to the literal"
        );
        let close = at("outfile' --", 0);
        assert!(
            !data.is_data(close, close + 11),
            "a span across the closing quote is code"
        );
    }

    #[test]
    fn generic_statements_are_data_only_when_mysql_agrees() {
        // Without backslash escapes the literal ends at \', and the clause is code; MySQL reads
        // one literal. The stricter reading wins.
        let sql = br"SELECT 1 FROM t WHERE a = 'x\' into outfile '/tmp/x' -- '";
        let text = std::str::from_utf8(sql).expect("ascii");
        let s = text.find("into outfile").expect("present");
        both_ways(sql, Dialect::Generic, |data| {
            assert!(!data.is_data(s, s + 12))
        });
        both_ways(sql, Dialect::MySql, |data| assert!(data.is_data(s, s + 12)));
        both_ways(b"SELECT 'unterminated", Dialect::MySql, |data| {
            assert!(!data.is_data(8, 12))
        });
        let mysql = LexedStatement::lex(Dialect::MySql, sql);
        assert!(
            !SqlData::new(sql, Dialect::Generic, Some(&mysql)).is_data(s, s + 12),
            "a lexing of another dialect is not used"
        );
    }

    #[test]
    fn families_group_derived_forms_with_their_input() {
        let raw = Input::value(InputSource::Query, "q", "a%27b");
        let decoded = Input {
            value: "a'b".into(),
            transform: Some("url-decoded"),
            original: Some("a%27b".into()),
            ..raw.clone()
        };
        let other = Input::value(InputSource::Query, "r", "a'b");
        let inputs = vec![raw, decoded, other];
        assert_eq!(family_root(&inputs, 1), 0);
        assert_eq!(family_root(&inputs, 2), 2);
        assert_eq!(family(&inputs, 0).count(), 2);
        assert_eq!(family(&inputs, 2).count(), 1);
        assert_eq!(
            distinct_families(&inputs, [1, 2, 0].into_iter()),
            vec![1, 2]
        );
    }
}
