//! Velocity templates: literal text around references (`$name.method(…)`, `$!{name}`) and
//! directives (`#set(…)`, `#foreach(…)`, `#end`, `#{if}(…)`, a macro call `#name(…)`).
//!
//! Velocity renders what it cannot read as a reference or directive as text, and so does the
//! lexer: `$5`, `#1`, `#hashtag` (not a directive, no parentheses) stay text. `\$x` and `\#x`
//! are escaped text. Comments (`## …`, `#* … *#`) and unparsed content (`#[[ … ]]#`) are text
//! between the punctuation that delimits them.

use super::lexer::Language;
use super::lexer::{
    closing_brace, code, find, push, starts_name, string_end, LexError, Token, TokenKind,
};

const LANGUAGE: Language = Language::Velocity;

/// The directives Velocity knows without a macro definition.
const DIRECTIVES: &[&str] = &[
    "set", "if", "elseif", "else", "end", "foreach", "break", "stop", "macro", "parse", "include",
    "evaluate", "define",
];

/// Directives that take no parenthesized arguments.
const BARE_DIRECTIVES: &[&str] = &["else", "end", "break", "stop"];

/// Lexes one Velocity template into `tokens`.
pub(super) fn lex(text: &[u8], tokens: &mut Vec<Token>) -> Result<(), LexError> {
    let mut at = 0;
    let mut literal_start = 0;
    while at < text.len() {
        let c = text[at];
        if c == b'\\' && matches!(text.get(at + 1), Some(b'$' | b'#')) {
            at += 2;
            continue;
        }
        let next = match c {
            b'$' => reference(text, at, literal_start, tokens)?,
            b'#' => directive(text, at, literal_start, tokens)?,
            _ => None,
        };
        match next {
            Some(end) => {
                at = end;
                literal_start = end;
            }
            None => at += 1,
        }
    }
    push(tokens, TokenKind::Text, literal_start, text.len());
    Ok(())
}

/// A reference at `at` (a `$`): its end, or `None` when the `$` is text.
fn reference(
    text: &[u8],
    at: usize,
    literal_start: usize,
    tokens: &mut Vec<Token>,
) -> Result<Option<usize>, LexError> {
    let bang = usize::from(text.get(at + 1) == Some(&b'!'));
    let body = at + 1 + bang;
    match text.get(body) {
        Some(b'{') => {
            push(tokens, TokenKind::Text, literal_start, at);
            push(tokens, TokenKind::Punct, at, body + 1);
            let close =
                closing_brace(text, body + 1, LANGUAGE).ok_or(LexError::UnclosedTemplate(at))?;
            code(text, body + 1, close, LANGUAGE, tokens)?;
            push(tokens, TokenKind::Punct, close, close + 1);
            Ok(Some(close + 1))
        }
        Some(&c) if starts_name(c) => {
            push(tokens, TokenKind::Text, literal_start, at);
            push(tokens, TokenKind::Punct, at, body);
            Ok(Some(chain(text, body, tokens)?))
        }
        _ => Ok(None),
    }
}

/// The identifier at `at` and its `.member`, `(args)` and `[index]` suffixes.
fn chain(text: &[u8], mut at: usize, tokens: &mut Vec<Token>) -> Result<usize, LexError> {
    at = ident(text, at, tokens);
    loop {
        match text.get(at) {
            Some(b'.') if text.get(at + 1).is_some_and(|&c| starts_name(c)) => {
                push(tokens, TokenKind::Punct, at, at + 1);
                at = ident(text, at + 1, tokens);
            }
            Some(&open @ (b'(' | b'[')) => at = group(text, at, open, tokens)?,
            _ => return Ok(at),
        }
    }
}

fn ident(text: &[u8], from: usize, tokens: &mut Vec<Token>) -> usize {
    let mut at = from;
    while text
        .get(at)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        at += 1;
    }
    push(tokens, TokenKind::Ident, from, at);
    at
}

/// `(…)` or `[…]` at `at`, lexed as code; returns the end.
fn group(text: &[u8], at: usize, open: u8, tokens: &mut Vec<Token>) -> Result<usize, LexError> {
    let close = if open == b'(' { b')' } else { b']' };
    let end = matching(text, at + 1, open, close).ok_or(LexError::UnclosedTemplate(at))?;
    push(tokens, TokenKind::Punct, at, at + 1);
    code(text, at + 1, end, LANGUAGE, tokens)?;
    push(tokens, TokenKind::Punct, end, end + 1);
    Ok(end + 1)
}

/// The `close` matching an `open` whose content starts at `from`; strings are skipped.
fn matching(text: &[u8], from: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = from;
    while at < text.len() {
        let c = text[at];
        if c == b'"' || c == b'\'' {
            at = string_end(text, at, LANGUAGE).ok()?;
            continue;
        }
        if c == close && depth == 0 {
            return Some(at);
        }
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
        }
        at += 1;
    }
    None
}

/// A directive, comment or unparsed block at `at` (a `#`): its end, or `None` when it is text.
fn directive(
    text: &[u8],
    at: usize,
    literal_start: usize,
    tokens: &mut Vec<Token>,
) -> Result<Option<usize>, LexError> {
    let delimited = |open: usize, close: &[u8], tokens: &mut Vec<Token>| {
        let body = at + open;
        let end = find(text, body, close);
        push(tokens, TokenKind::Text, literal_start, at);
        push(tokens, TokenKind::Punct, at, body);
        match end {
            Some(end) => {
                push(tokens, TokenKind::Text, body, end);
                push(tokens, TokenKind::Punct, end, end + close.len());
                Some(end + close.len())
            }
            // A line comment may end the template.
            None if close == b"\n" => {
                push(tokens, TokenKind::Text, body, text.len());
                Some(text.len())
            }
            None => None,
        }
    };
    let unclosed = LexError::UnclosedTemplate(at);
    match &text[at..] {
        [b'#', b'#', ..] => Ok(delimited(2, b"\n", tokens)),
        [b'#', b'*', ..] => delimited(2, b"*#", tokens).map(Some).ok_or(unclosed),
        [b'#', b'[', b'[', ..] => delimited(3, b"]]#", tokens).map(Some).ok_or(unclosed),
        [b'#', b'{', ..] => {
            let close = closing_brace(text, at + 2, LANGUAGE).ok_or(unclosed)?;
            push(tokens, TokenKind::Text, literal_start, at);
            push(tokens, TokenKind::Punct, at, at + 2);
            code(text, at + 2, close, LANGUAGE, tokens)?;
            push(tokens, TokenKind::Punct, close, close + 1);
            let name = std::str::from_utf8(&text[at + 2..close]).unwrap_or("");
            arguments(text, close + 1, name.trim(), tokens).map(Some)
        }
        [b'#', c, ..] if c.is_ascii_alphabetic() => {
            let mut end = at + 1;
            while text
                .get(end)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
            {
                end += 1;
            }
            let name = std::str::from_utf8(&text[at + 1..end]).unwrap_or("");
            let call = text[end..]
                .iter()
                .find(|c| !c.is_ascii_whitespace() || **c == b'\n')
                == Some(&b'(');
            if !DIRECTIVES.contains(&name) && !call {
                return Ok(None);
            }
            push(tokens, TokenKind::Text, literal_start, at);
            push(tokens, TokenKind::Punct, at, at + 1);
            push(tokens, TokenKind::Ident, at + 1, end);
            arguments(text, end, name, tokens).map(Some)
        }
        _ => Ok(None),
    }
}

/// The parenthesized arguments of directive `name` after `at` (whitespace may come first).
fn arguments(
    text: &[u8],
    at: usize,
    name: &str,
    tokens: &mut Vec<Token>,
) -> Result<usize, LexError> {
    if BARE_DIRECTIVES.contains(&name) {
        return Ok(at);
    }
    let mut open = at;
    while text.get(open).is_some_and(|&c| c == b' ' || c == b'\t') {
        open += 1;
    }
    if text.get(open) != Some(&b'(') {
        return Ok(at);
    }
    group(text, open, b'(', tokens)
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex as lex_any;
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        lex_any(text.as_bytes(), LANGUAGE)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn references_and_directives_are_code() {
        use TokenKind::*;
        assert_eq!(
            kinds("Hi $user.name(1)! #if ($a > 1)x#end"),
            vec![
                (Text, "Hi "),
                (Punct, "$"),
                (Ident, "user"),
                (Punct, "."),
                (Ident, "name"),
                (Punct, "("),
                (Number, "1"),
                (Punct, ")"),
                (Text, "! "),
                (Punct, "#"),
                (Ident, "if"),
                (Punct, "("),
                (Punct, "$"),
                (Ident, "a"),
                (Punct, ">"),
                (Number, "1"),
                (Punct, ")"),
                (Text, "x"),
                (Punct, "#"),
                (Ident, "end"),
            ]
        );
        assert_eq!(
            kinds("#set($m = \"a $b\")$!{m}"),
            vec![
                (Punct, "#"),
                (Ident, "set"),
                (Punct, "("),
                (Punct, "$"),
                (Ident, "m"),
                (Punct, "="),
                (String, "\"a "),
                (Punct, "$"),
                (String, "b\""),
                (Punct, ")"),
                (Punct, "$!{"),
                (Ident, "m"),
                (Punct, "}"),
            ]
        );
    }

    #[test]
    fn what_velocity_renders_as_text() {
        use TokenKind::*;
        assert_eq!(
            kinds(r"costs $5, item #1, #hashtag, \$x. "),
            vec![(Text, r"costs $5, item #1, #hashtag, \$x. ")]
        );
        assert_eq!(
            kinds("a## $x\nb#* #set *#c"),
            vec![
                (Text, "a"),
                (Punct, "##"),
                (Text, " $x"),
                (Punct, "\n"),
                (Text, "b"),
                (Punct, "#*"),
                (Text, " #set "),
                (Punct, "*#"),
                (Text, "c"),
            ]
        );
        assert!(lex_any(b"#set($a = 1", LANGUAGE).is_err());
    }
}
