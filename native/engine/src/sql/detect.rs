//! Deciding whether request input changed the structure of a SQL statement.
//!
//! The rule (Su and Wassermann, POPL 2006): input confined to one literal is data; input that
//! spans tokens is code, unless every token it covers is data by itself (string and number
//! literals, commas, a sign before a number: `1,2,3` for an `IN` list) or the whole span is a
//! sort list (`name DESC, email`) that applications take from requests for `ORDER BY`.
//! An input that opens a comment is code even as a single token.
//!
//! A finding is then named by what the injected span does, most telling first: a stacked
//! statement, a set operation (`UNION`), a tautology, a comment, or a structure change.

use super::adjacent;
use super::keywords;
use super::lexed::LexedStatement;
use super::lexer::SqlLexer;
use super::token::{LexError, Token, TokenKind};
use super::Dialect;
use crate::context::RequestContext;
use crate::matcher::Occurrence;

/// The kinds of SQL injection the detector reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlRule {
    /// Input spans several tokens and adds code.
    Structure,
    /// Input adds an always-true condition (`' OR '1'='1`, `1 OR 1`).
    Tautology,
    /// Input opens a comment (`admin'--`, `/*`, MySQL `/*!`).
    Comment,
    /// Input ends the statement and starts another (`1; DROP TABLE t`).
    Stacked,
    /// Input appends a query with a set operator (`' UNION SELECT ...`).
    Union,
    /// The statement contains input and cannot be lexed.
    Unparsable,
}

impl SqlRule {
    pub const ALL: [SqlRule; 6] = [
        SqlRule::Structure,
        SqlRule::Tautology,
        SqlRule::Comment,
        SqlRule::Stacked,
        SqlRule::Union,
        SqlRule::Unparsable,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SqlRule::Structure => "sqli.structure",
            SqlRule::Tautology => "sqli.tautology",
            SqlRule::Comment => "sqli.comment",
            SqlRule::Stacked => "sqli.stacked",
            SqlRule::Union => "sqli.union",
            SqlRule::Unparsable => "sqli.unparsable",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            SqlRule::Structure => "request input changed the structure of a SQL statement",
            SqlRule::Tautology => "request input added an always-true condition to a SQL statement",
            SqlRule::Comment => "request input opened a comment in a SQL statement",
            SqlRule::Stacked => "request input ended a SQL statement and started another",
            SqlRule::Union => "request input appended a query with a set operator",
            SqlRule::Unparsable => "a SQL statement containing request input cannot be lexed",
        }
    }
}

/// One input occurrence that changed the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SqlFinding {
    pub rule: SqlRule,
    pub occurrence: Occurrence,
}

/// Everything the detector saw, for `rasp explain` and tests.
#[derive(Clone, Debug)]
pub struct SqlAnalysis {
    pub tokens: Result<Vec<Token>, LexError>,
    /// Each occurrence with the rule it triggers, if any.
    pub occurrences: Vec<(Occurrence, Option<SqlRule>)>,
    pub finding: Option<SqlFinding>,
}

/// Decides for one statement. The common case, no input in the statement, costs one search.
///
/// A statement for an unknown database (the generic dialect) is also read as MySQL would read
/// it, and the stricter verdict wins: backslash escapes, `#` comments and double-quoted strings
/// are where dialects disagree, and an attacker targets the database that is really there.
pub fn detect(ctx: &RequestContext, dialect: Dialect, sql: &[u8]) -> Option<SqlFinding> {
    if !ctx.matcher().any(sql) {
        return None;
    }
    detect_lexed(ctx, sql, &LexedStatement::lex(dialect, sql))
}

/// [`detect`] over a statement lexed already (the engine keeps recently checked statements
/// lexed, [`crate::statement_cache`]), for a caller that found an input in it. The tokens
/// depend on the statement alone; what this request's inputs are, and where they occur, is
/// worked out here for every call.
pub fn detect_lexed(
    ctx: &RequestContext,
    sql: &[u8],
    lexed: &LexedStatement,
) -> Option<SqlFinding> {
    detect_occurrences(ctx, sql, lexed, &ctx.matcher().occurrences(sql))
}

/// [`detect_lexed`] for a caller that has the request's occurrences in `sql` already
/// ([`crate::matcher::InputMatcher::occurrences`]): both readings of the generic dialect judge
/// the same occurrences, found once.
pub fn detect_occurrences(
    ctx: &RequestContext,
    sql: &[u8],
    lexed: &LexedStatement,
    occurrences: &[Occurrence],
) -> Option<SqlFinding> {
    let finding = judge(ctx, lexed.dialect(), sql, lexed.own(), occurrences).finding;
    match lexed.mysql() {
        Some(mysql) if finding.is_none() => {
            judge(ctx, Dialect::MySql, sql, mysql, occurrences).finding
        }
        _ => finding,
    }
}

/// The full analysis: tokens, every occurrence and its classification, the finding.
pub fn analyze(ctx: &RequestContext, dialect: Dialect, sql: &[u8]) -> SqlAnalysis {
    let tokens = SqlLexer::new(dialect).tokens(sql);
    let Judged {
        occurrences,
        finding,
    } = judge(
        ctx,
        dialect,
        sql,
        tokens.as_deref(),
        &ctx.matcher().occurrences(sql),
    );
    SqlAnalysis {
        tokens,
        occurrences,
        finding,
    }
}

/// [`analyze`] over tokens some other lexer made (JPQL/HQL, [`crate::orm`]): the structural
/// rule is the same for every language whose tokens map onto [`TokenKind`].
pub fn analyze_tokens(
    ctx: &RequestContext,
    sql: &[u8],
    tokens: Result<Vec<Token>, LexError>,
) -> SqlAnalysis {
    let Judged {
        occurrences,
        finding,
    } = judge_tokens(ctx, sql, tokens.as_deref(), &ctx.matcher().occurrences(sql));
    SqlAnalysis {
        tokens,
        occurrences,
        finding,
    }
}

/// Each occurrence with the rule it triggers, and the finding.
struct Judged {
    occurrences: Vec<(Occurrence, Option<SqlRule>)>,
    finding: Option<SqlFinding>,
}

/// [`judge_tokens`], and on H2 the whitespace that hangs some of its versions.
fn judge(
    ctx: &RequestContext,
    dialect: Dialect,
    sql: &[u8],
    tokens: Result<&[Token], &LexError>,
    occurrences: &[Occurrence],
) -> Judged {
    let mut judged = judge_tokens(ctx, sql, tokens, occurrences);
    if dialect == Dialect::H2 && judged.finding.is_none() {
        if let Ok(tokens) = tokens {
            for (o, rule) in judged.occurrences.iter_mut().filter(|(_, r)| r.is_none()) {
                *rule = hangs_h2(sql, tokens, o.start, o.end);
                if let (Some(rule), None) = (*rule, judged.finding) {
                    judged.finding = Some(SqlFinding {
                        rule,
                        occurrence: *o,
                    });
                }
            }
        }
    }
    judged
}

fn judge_tokens(
    ctx: &RequestContext,
    sql: &[u8],
    tokens: Result<&[Token], &LexError>,
    occurrences: &[Occurrence],
) -> Judged {
    let classified: Vec<(Occurrence, Option<SqlRule>)> = match tokens {
        Ok(tokens) => occurrences
            .iter()
            .map(|&o| (o, classify(sql, tokens, o.start, o.end)))
            .collect(),
        Err(_) => occurrences.iter().map(|&o| (o, None)).collect(),
    };
    let finding = match tokens {
        Err(err) => unparsable_finding(occurrences, err),
        Ok(tokens) => classified
            .iter()
            .filter_map(|&(o, rule)| {
                rule.map(|rule| SqlFinding {
                    rule,
                    occurrence: o,
                })
            })
            .max_by_key(|f| {
                (
                    f.occurrence.end - f.occurrence.start,
                    std::cmp::Reverse(f.occurrence.start),
                )
            })
            .or_else(|| adjacent::finding(ctx, sql, tokens, &classified)),
    };
    Judged {
        occurrences: classified,
        finding,
    }
}

/// Blames the occurrence that contains the lexer's failure point, else the longest one. A
/// block comment that input opens and never closes (`1/*`) is a comment injection: it hides
/// the rest of the statement, which is what the attacker wanted.
fn unparsable_finding(occurrences: &[Occurrence], err: &LexError) -> Option<SqlFinding> {
    let offset = err.offset();
    let containing = occurrences
        .iter()
        .find(|o| o.start <= offset && offset < o.end);
    if let (Some(o), LexError::UnterminatedComment(_)) = (containing, err) {
        return Some(SqlFinding {
            rule: SqlRule::Comment,
            occurrence: *o,
        });
    }
    let blamed = containing.or_else(|| occurrences.iter().max_by_key(|o| o.end - o.start))?;
    Some(SqlFinding {
        rule: SqlRule::Unparsable,
        occurrence: *blamed,
    })
}

/// H2 2.1.210 to 2.1.214 loop forever on a non-ASCII space (U+00A0, U+3000, …) between tokens,
/// which later versions skip as whitespace: input that puts one there, outside any literal, is
/// a structure change on H2 even when it adds no other token (`1` + U+00A0 as an id).
fn hangs_h2(sql: &[u8], tokens: &[Token], start: usize, end: usize) -> Option<SqlRule> {
    let first = tokens.partition_point(|t| t.end <= start);
    let last = tokens.partition_point(|t| t.start < end);
    tokens
        .get(first..last)?
        .iter()
        .any(|t| t.kind == TokenKind::Whitespace && !t.text(sql).is_ascii())
        .then_some(SqlRule::Structure)
}

/// Significant tokens an occurrence covers that [`classify`] keeps on the stack; an occurrence
/// covering more (a long injection) collects them into a vector. Most occurrences are one literal
/// or a few words, and every check that finds an input classifies each of its occurrences.
const INLINE_TOKENS: usize = 16;

/// What the unused slots of the stack buffer hold.
static PLACEHOLDER: Token = Token {
    kind: TokenKind::Other,
    start: 0,
    end: 0,
};

/// The tokens of `covered` that are not trivia, in `inline` when they fit, else in `spilled`.
fn significant_tokens<'t, 'b>(
    covered: &'t [Token],
    inline: &'b mut [&'t Token; INLINE_TOKENS],
    spilled: &'b mut Vec<&'t Token>,
) -> &'b [&'t Token] {
    let mut n = 0;
    for t in covered.iter().filter(|t| !t.kind.is_trivia()) {
        if n == INLINE_TOKENS {
            *spilled = covered.iter().filter(|t| !t.kind.is_trivia()).collect();
            return spilled;
        }
        inline[n] = t;
        n += 1;
    }
    &inline[..n]
}

/// Classifies one occurrence `[start, end)` against the statement's tokens.
pub fn classify(sql: &[u8], tokens: &[Token], start: usize, end: usize) -> Option<SqlRule> {
    if start >= end {
        return None;
    }
    let first = tokens.partition_point(|t| t.end <= start);
    let last = tokens.partition_point(|t| t.start < end);
    let covered = tokens.get(first..last)?;
    let mut inline = [&PLACEHOLDER; INLINE_TOKENS];
    let mut spilled = Vec::new();
    let significant = significant_tokens(covered, &mut inline, &mut spilled);

    // A comment the input opens is code even as the only token; with more tokens, the rest of
    // the span usually says more about the attack (`' UNION SELECT ... --`), so it wins.
    let opens_comment = significant
        .iter()
        .any(|t| t.kind.is_comment() && t.start >= start);
    if significant.len() <= 1 {
        return opens_comment.then_some(SqlRule::Comment);
    }
    if significant.iter().any(|t| t.kind == TokenKind::Semicolon) {
        return Some(SqlRule::Stacked);
    }
    if significant
        .iter()
        .any(|t| t.kind == TokenKind::Word && keywords::is_set_operator(t.text(sql)))
    {
        return Some(SqlRule::Union);
    }
    if is_tautology(sql, significant) {
        return Some(SqlRule::Tautology);
    }
    if opens_comment {
        return Some(SqlRule::Comment);
    }
    if is_data_only(sql, significant) || is_sort_list(sql, significant) {
        return None;
    }
    Some(SqlRule::Structure)
}

/// `OR` (or MySQL's `||`): the connective after which an always-true operand makes the whole
/// condition true. (`AND 1=1` keeps a condition as it was; it is a structure change, not a
/// tautology.)
fn is_disjunction(sql: &[u8], t: &Token) -> bool {
    match t.kind {
        TokenKind::Word => keywords::is_disjunction(t.text(sql)),
        TokenKind::Operator => t.text(sql) == b"||",
        _ => false,
    }
}

fn is_literal(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::String | TokenKind::Number)
}

/// The value of a literal token as text: quotes stripped, a leading string prefix dropped.
fn literal_value<'a>(sql: &'a [u8], t: &Token) -> &'a [u8] {
    let text = t.text(sql);
    match t.kind {
        TokenKind::String => {
            let body_start = text
                .iter()
                .position(|&b| b == b'\'' || b == b'"')
                .map_or(0, |p| p + 1);
            let body_end = text.len().saturating_sub(1).max(body_start);
            &text[body_start..body_end]
        }
        _ => text,
    }
}

fn is_truthy(sql: &[u8], t: &Token) -> bool {
    match t.kind {
        TokenKind::Number => literal_value(sql, t)
            .iter()
            .any(|&b| (b'1'..=b'9').contains(&b)),
        TokenKind::String => {
            let v = literal_value(sql, t);
            !v.is_empty() && v.iter().any(|&b| (b'1'..=b'9').contains(&b))
        }
        TokenKind::Word => t.text(sql).eq_ignore_ascii_case(b"TRUE"),
        _ => false,
    }
}

/// `OR <operand>` where the operand is always true: a truthy literal, or a comparison of two
/// equal literals (`'a'='a'`, `1=1`, `'x' LIKE 'x'`), or of two different ones with `<>`/`!=`.
/// Only the operand's first tokens matter: what follows them (`FETCH FIRST ...`, a closing
/// quote) does not make `OR 1=1` less true, unless it is an operator that extends the operand.
fn is_tautology(sql: &[u8], sig: &[&Token]) -> bool {
    let is_operator = |t: &Token| {
        t.kind == TokenKind::Operator
            || (t.kind == TokenKind::Word && keywords::is_comparison_word(t.text(sql)))
    };
    let ends_operand = |t: Option<&&Token>| t.is_none_or(|t| !is_operator(t));
    sig.iter().enumerate().any(|(i, t)| {
        if !is_disjunction(sql, t) {
            return false;
        }
        let operand: Vec<&Token> = sig[i + 1..]
            .iter()
            .copied()
            .skip_while(|t| t.kind == TokenKind::OpenParen)
            .collect();
        if is_not_null_test(sql, &operand) {
            return true;
        }
        match operand.as_slice() {
            [a, op, b, rest @ ..]
                if is_literal(a.kind) && is_literal(b.kind) && is_operator(op) =>
            {
                if !ends_operand(rest.first()) {
                    return false;
                }
                let same = literal_value(sql, a) == literal_value(sql, b);
                let op_text = op.text(sql);
                let equality = matches!(op_text, b"=" | b"==" | b"<=>" | b">=" | b"<=")
                    || (op.kind == TokenKind::Word && keywords::is_comparison_word(op_text));
                let inequality = matches!(op_text, b"<>" | b"!=");
                (equality && same) || (inequality && !same)
            }
            [lit, rest @ ..] => ends_operand(rest.first()) && is_truthy(sql, lit),
            [] => false,
        }
    })
}

/// `<path or literal> IS NOT NULL` and nothing that extends it: `OR u.id IS NOT NULL` is how
/// an injection into JPQL/HQL says "every row" (the query language has no `1=1` habit there,
/// and an entity's id is never null).
fn is_not_null_test(sql: &[u8], operand: &[&Token]) -> bool {
    let is_name = |t: &Token| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent);
    let mut i = match operand.first() {
        Some(t) if is_literal(t.kind) => 1,
        Some(t) if is_name(t) && !keywords::is_reserved(t.text(sql)) => {
            let mut i = 1;
            while operand.get(i).is_some_and(|t| t.kind == TokenKind::Dot)
                && operand.get(i + 1).is_some_and(|t| is_name(t))
            {
                i += 2;
            }
            i
        }
        _ => return false,
    };
    for word in [&b"IS"[..], b"NOT", b"NULL"] {
        match operand.get(i) {
            Some(t) if t.kind == TokenKind::Word && t.text(sql).eq_ignore_ascii_case(word) => {
                i += 1
            }
            _ => return false,
        }
    }
    operand.get(i).is_none_or(|t| {
        !(t.kind == TokenKind::Operator
            || (t.kind == TokenKind::Word && keywords::is_comparison_word(t.text(sql))))
    })
}

/// Only literals and commas, with an optional sign before a number: `1,2,3`, `-1`, `'a','b'`.
fn is_data_only(sql: &[u8], sig: &[&Token]) -> bool {
    let mut sign_allowed = true;
    for (i, t) in sig.iter().enumerate() {
        match t.kind {
            TokenKind::String | TokenKind::Number => sign_allowed = false,
            TokenKind::Comma => sign_allowed = true,
            TokenKind::Operator
                if sign_allowed
                    && matches!(t.text(sql), b"-" | b"+")
                    && sig.get(i + 1).is_some_and(|n| n.kind == TokenKind::Number) =>
            {
                sign_allowed = false
            }
            _ => return false,
        }
    }
    true
}

/// A sort list as `ORDER BY` takes it: `key [ASC|DESC] [NULLS FIRST|LAST] (, ...)*`, where a
/// key is a (qualified, possibly quoted) column name or a column number.
fn is_sort_list(sql: &[u8], sig: &[&Token]) -> bool {
    #[derive(PartialEq)]
    enum State {
        Key,
        AfterKey,
        KeyPart,
        AfterModifier,
    }
    let mut state = State::Key;
    for t in sig {
        let word = t.kind == TokenKind::Word;
        let text = t.text(sql);
        state = match (state, t.kind) {
            (State::Key, TokenKind::Word)
                if !keywords::is_reserved(text) && !keywords::is_sort_modifier(text) =>
            {
                State::AfterKey
            }
            (State::Key, TokenKind::QuotedIdent | TokenKind::Number) => State::AfterKey,
            (State::AfterKey, TokenKind::Dot) => State::KeyPart,
            (State::KeyPart, TokenKind::Word | TokenKind::QuotedIdent)
                if !keywords::is_reserved(text) =>
            {
                State::AfterKey
            }
            (State::AfterKey | State::AfterModifier, TokenKind::Comma) => State::Key,
            (State::AfterKey | State::AfterModifier, _)
                if word && keywords::is_sort_modifier(text) =>
            {
                State::AfterModifier
            }
            _ => return false,
        };
    }
    state != State::KeyPart
}
