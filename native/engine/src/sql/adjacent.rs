//! Several inputs that are one token each and together form code.
//!
//! A filter builder takes a field, an operator and a value as three parameters and writes
//! them side by side: `field=id&op=OR&value=TRUE` becomes `WHERE id OR TRUE`. No single input
//! spans two tokens, so each is data by itself, yet together they added a tautology. The
//! detector therefore also judges runs of adjacent tokens (separated by whitespace alone) that
//! are each exactly the value of some request input, as one span, when at least one of them is
//! an occurrence the input search found and at least two different inputs take part.
//!
//! Only what such a run says unmistakably counts: a tautology, a set operation, a stacked
//! statement or a comment. A run that merely changes the structure (`name =` from a field and
//! an operator parameter) is how filter builders with a fixed list of fields and operators
//! work, and stays allowed.

use std::collections::HashMap;

use super::detect::{classify, SqlFinding, SqlRule};
use super::token::{Token, TokenKind};
use crate::context::RequestContext;
use crate::input::InputPart;
use crate::matcher::Occurrence;

/// Input values longer than this are not looked up as whole tokens: single-token inputs are
/// short.
const MAX_TOKEN_INPUT: usize = 64;

/// The strongest run of adjacent single-token inputs, if one adds code.
pub fn finding(
    ctx: &RequestContext,
    sql: &[u8],
    tokens: &[Token],
    occurrences: &[(Occurrence, Option<SqlRule>)],
) -> Option<SqlFinding> {
    // Seeds: occurrences that are exactly one significant token and were judged data.
    let seeds: Vec<(usize, usize)> = occurrences
        .iter()
        .filter(|(_, rule)| rule.is_none())
        .filter_map(|(o, _)| token_exactly(tokens, o.start, o.end).map(|t| (t, o.input)))
        .collect();
    if seeds.is_empty() {
        return None;
    }
    let values = token_values(ctx);
    let owner = |t: usize| -> Option<usize> {
        seeds
            .iter()
            .find(|&&(s, _)| s == t)
            .map(|&(_, input)| input)
            .or_else(|| values.get(tokens[t].text(sql)).copied())
    };
    let mut best: Option<SqlFinding> = None;
    for &(seed, _) in &seeds {
        let (mut first, mut last) = (seed, seed);
        while let Some(prev) = neighbour(tokens, first, Step::Back) {
            if owner(prev).is_none() {
                break;
            }
            first = prev;
        }
        while let Some(next) = neighbour(tokens, last, Step::Forward) {
            if owner(next).is_none() {
                break;
            }
            last = next;
        }
        let mut inputs: Vec<usize> = (first..=last)
            .filter(|&t| !tokens[t].kind.is_trivia())
            .filter_map(owner)
            .collect();
        inputs.sort_unstable();
        inputs.dedup();
        if inputs.len() < 2 {
            continue;
        }
        let (start, end) = (tokens[first].start, tokens[last].end);
        let rule = classify(sql, tokens, start, end).filter(|r| {
            matches!(
                r,
                SqlRule::Tautology | SqlRule::Union | SqlRule::Stacked | SqlRule::Comment
            )
        });
        if let Some(rule) = rule {
            let blamed = owner(seed).unwrap_or(inputs[0]);
            let found = SqlFinding {
                rule,
                occurrence: Occurrence {
                    input: blamed,
                    start,
                    end,
                },
            };
            let longer = best.is_none_or(|b| {
                b.occurrence.end - b.occurrence.start < found.occurrence.end - start
            });
            if longer {
                best = Some(found);
            }
        }
    }
    best
}

/// The index of the significant token that is exactly `[start, end)`.
fn token_exactly(tokens: &[Token], start: usize, end: usize) -> Option<usize> {
    let i = tokens.partition_point(|t| t.end <= start);
    tokens
        .get(i)
        .filter(|t| t.start == start && t.end == end && !t.kind.is_trivia())
        .map(|_| i)
}

enum Step {
    Back,
    Forward,
}

/// The next significant token from `at` when nothing but whitespace lies between.
fn neighbour(tokens: &[Token], at: usize, step: Step) -> Option<usize> {
    let mut i = at;
    loop {
        i = match step {
            Step::Back => i.checked_sub(1)?,
            Step::Forward => i + 1,
        };
        let t = tokens.get(i)?;
        if t.kind != TokenKind::Whitespace {
            return (!t.kind.is_trivia()).then_some(i);
        }
    }
}

/// Every short input value, to tell whether a token is exactly some input (words and numbers
/// are not searched, but they take part in a run).
fn token_values(ctx: &RequestContext) -> HashMap<&[u8], usize> {
    let mut values = HashMap::new();
    for (i, input) in ctx.inputs().iter().enumerate() {
        let v = input.value.as_bytes();
        if input.part == InputPart::Value && !v.is_empty() && v.len() <= MAX_TOKEN_INPUT {
            values.entry(v).or_insert(i);
        }
    }
    values
}
