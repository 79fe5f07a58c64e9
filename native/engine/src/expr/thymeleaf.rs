//! Thymeleaf templates: markup whose code is in two places, the values of its processor
//! attributes (`th:text="${…}"`, `data-th-text="…"`) and its inlined expressions (`[[…]]`,
//! `[(…)]`, in text, in `<script>` and in comments alike). Both hold Thymeleaf standard
//! expressions, whose `${…}` bodies and `__…__` preprocessing Spring's dialect hands to SpEL,
//! so their code is read with the SpEL rules. Everything else is literal text: an input that
//! only adds text is data, one that opens an inline or a processor attribute is code.
//!
//! Tags are followed so that `th:` counts only as an attribute name (`math: 2` in text is
//! text); other attributes' quoted values are text, so a `>` inside one does not end the tag.

use super::lexer::Language;
use super::lexer::{code, find, push, LexError, Token, TokenKind};

const CODE: Language = Language::Spel;

/// Lexes one Thymeleaf template into `tokens`.
pub(super) fn lex(text: &[u8], tokens: &mut Vec<Token>) -> Result<(), LexError> {
    let mut at = 0;
    let mut literal_start = 0;
    let mut in_tag = false;
    while at < text.len() {
        let rest = &text[at..];
        let inline_close: Option<&[u8]> = match rest {
            [b'[', b'[', ..] => Some(b"]]"),
            [b'[', b'(', ..] => Some(b")]"),
            _ => None,
        };
        if let Some(close) = inline_close {
            let end = find(text, at + 2, close).ok_or(LexError::UnclosedTemplate(at))?;
            push(tokens, TokenKind::Text, literal_start, at);
            push(tokens, TokenKind::Punct, at, at + 2);
            code(text, at + 2, end, CODE, tokens)?;
            push(tokens, TokenKind::Punct, end, end + 2);
            at = end + 2;
            literal_start = at;
            continue;
        }
        let c = text[at];
        if !in_tag {
            in_tag = c == b'<' && rest.get(1).is_some_and(|n| n.is_ascii_alphabetic());
            at += 1;
            continue;
        }
        match c {
            b'>' => {
                in_tag = false;
                at += 1;
            }
            b'"' | b'\'' => {
                // A value of an ordinary attribute: markup text, whatever it holds.
                at = find(text, at + 1, &[c]).ok_or(LexError::UnterminatedString(at))? + 1;
            }
            _ if text[at - 1].is_ascii_whitespace() && processor_attribute(rest) => {
                push(tokens, TokenKind::Text, literal_start, at);
                at = attribute(text, at, tokens)?;
                literal_start = at;
            }
            _ => at += 1,
        }
    }
    push(tokens, TokenKind::Text, literal_start, text.len());
    Ok(())
}

/// Whether an attribute name starting here is one Thymeleaf's standard dialect processes.
fn processor_attribute(rest: &[u8]) -> bool {
    let lower = |n: usize| rest.get(..n).map(|p| p.to_ascii_lowercase());
    lower(3).as_deref() == Some(b"th:") || lower(8).as_deref() == Some(b"data-th-")
}

/// One processor attribute starting at `start`: its name (punctuation: input that writes one
/// is code) and its quoted value read as code. Returns where the attribute ends.
fn attribute(text: &[u8], start: usize, tokens: &mut Vec<Token>) -> Result<usize, LexError> {
    let mut at = start;
    while at < text.len()
        && !matches!(text[at], b'=' | b'>' | b'/')
        && !text[at].is_ascii_whitespace()
    {
        at += 1;
    }
    push(tokens, TokenKind::Punct, start, at);
    let mut eq = at;
    while eq < text.len() && text[eq].is_ascii_whitespace() {
        eq += 1;
    }
    if text.get(eq) != Some(&b'=') {
        return Ok(at);
    }
    let mut open = eq + 1;
    while open < text.len() && text[open].is_ascii_whitespace() {
        open += 1;
    }
    let quote = match text.get(open) {
        Some(&q @ (b'"' | b'\'')) => q,
        _ => return Ok(open),
    };
    let close = find(text, open + 1, &[quote]).ok_or(LexError::UnterminatedString(open))?;
    push(tokens, TokenKind::Punct, eq, open + 1);
    code(text, open + 1, close, CODE, tokens)?;
    push(tokens, TokenKind::Punct, close, close + 1);
    Ok(close + 1)
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex as lex_any;
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        lex_any(text.as_bytes(), Language::Thymeleaf)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn processor_attributes_and_inlines_are_code() {
        use TokenKind::*;
        assert_eq!(
            kinds("<p class=\"a>b\" th:text=\"${order.items}\">Hi [[${name}]]!</p>"),
            vec![
                (Text, "<p class=\"a>b\" "),
                (Punct, "th:text"),
                (Punct, "=\""),
                (Punct, "$"),
                (Punct, "{"),
                (Ident, "order"),
                (Punct, "."),
                (Ident, "items"),
                (Punct, "}"),
                (Punct, "\""),
                (Text, ">Hi "),
                (Punct, "[["),
                (Punct, "$"),
                (Punct, "{"),
                (Ident, "name"),
                (Punct, "}"),
                (Punct, "]]"),
                (Text, "!</p>"),
            ]
        );
    }

    #[test]
    fn text_that_only_looks_like_thymeleaf() {
        use TokenKind::*;
        assert_eq!(
            kinds("<p>math: th:x ${a} __${b}__ [x] x<y</p>"),
            vec![(Text, "<p>math: th:x ${a} __${b}__ [x] x<y</p>")]
        );
        assert!(lex_any(b"<p>[[${a}</p>", Language::Thymeleaf).is_err());
        assert!(lex_any(b"<p th:text=\"${a}>", Language::Thymeleaf).is_err());
    }
}
