//! FreeMarker templates: literal text around interpolations (`${…}`, `#{…}`, `[=…]`) and FTL
//! tags (`<#if …>`, `</#list>`, `<@macro …/>`, and their square-bracket forms `[#if …]`).
//!
//! Both tag syntaxes are read whatever the template's configuration, so that text only one of
//! them would parse still counts as code: the stricter reading. A tag opener must be followed
//! by a name (`<#if`, `[@m`), the way FreeMarker tells tags from text, so `[#1]` and `a <# b`
//! stay text. A comment (`<#-- … -->`) and the body of `<#noparse>` are text, between the
//! punctuation that delimits them.

use super::lexer::Language;
use super::lexer::{
    closing_brace, code, find, push, starts_name, string_end, LexError, Token, TokenKind,
};

const LANGUAGE: Language = Language::FreeMarker;

/// Lexes one FreeMarker template into `tokens`.
pub(super) fn lex(text: &[u8], tokens: &mut Vec<Token>) -> Result<(), LexError> {
    let mut at = 0;
    let mut literal_start = 0;
    while at < text.len() {
        let Some(open) = opener(text, at) else {
            at += 1;
            continue;
        };
        push(tokens, TokenKind::Text, literal_start, at);
        at = match open {
            Open::Interpolation(len, close) => {
                push(tokens, TokenKind::Punct, at, at + len);
                let end = if close == b'}' {
                    closing_brace(text, at + len, LANGUAGE)
                } else {
                    tag_end(text, at + len, close)
                }
                .ok_or(LexError::UnclosedTemplate(at))?;
                code(text, at + len, end, LANGUAGE, tokens)?;
                push(tokens, TokenKind::Punct, end, end + 1);
                end + 1
            }
            Open::Comment(close) => {
                let end = find(text, at + 4, close).ok_or(LexError::UnclosedTemplate(at))?;
                push(tokens, TokenKind::Punct, at, at + 4);
                push(tokens, TokenKind::Text, at + 4, end);
                push(tokens, TokenKind::Punct, end, end + close.len());
                end + close.len()
            }
            Open::Tag(len, close) => {
                push(tokens, TokenKind::Punct, at, at + len);
                let end = tag_end(text, at + len, close).ok_or(LexError::UnclosedTemplate(at))?;
                code(text, at + len, end, LANGUAGE, tokens)?;
                push(tokens, TokenKind::Punct, end, end + 1);
                let name = &text[at + len..end];
                if name.trim_ascii() == b"noparse" && len == 2 {
                    noparse(text, at, end + 1, tokens)?
                } else {
                    end + 1
                }
            }
        };
        literal_start = at;
    }
    push(tokens, TokenKind::Text, literal_start, text.len());
    Ok(())
}

/// What opens at a position of the text: the opener's length and what closes it.
enum Open {
    Interpolation(usize, u8),
    Comment(&'static [u8]),
    Tag(usize, u8),
}

fn opener(text: &[u8], at: usize) -> Option<Open> {
    let rest = &text[at..];
    let named = |len: usize| rest.get(len).is_some_and(|&c| starts_name(c));
    match rest {
        [b'$' | b'#', b'{', ..] => Some(Open::Interpolation(2, b'}')),
        [b'[', b'=', ..] => Some(Open::Interpolation(2, b']')),
        [b'<', b'#', b'-', b'-', ..] => Some(Open::Comment(b"-->")),
        [b'[', b'#', b'-', b'-', ..] => Some(Open::Comment(b"--]")),
        [b'<', b'/', b'#' | b'@', ..] if named(3) || rest.get(3) == Some(&b'>') => {
            Some(Open::Tag(3, b'>'))
        }
        [b'[', b'/', b'#' | b'@', ..] if named(3) || rest.get(3) == Some(&b']') => {
            Some(Open::Tag(3, b']'))
        }
        [b'<', b'#' | b'@', ..] if named(2) => Some(Open::Tag(2, b'>')),
        [b'[', b'#' | b'@', ..] if named(2) => Some(Open::Tag(2, b']')),
        _ => None,
    }
}

/// The `close` ending a tag or a square-bracket interpolation whose body starts at `from`: inside
/// parentheses, brackets and braces a `>` is a comparison (`<#if (a > b)>`); strings are skipped.
fn tag_end(text: &[u8], from: usize, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = from;
    while at < text.len() {
        let c = text[at];
        match c {
            b'\'' | b'"' => {
                at = string_end(text, at, LANGUAGE).ok()?;
                continue;
            }
            _ if c == close && depth == 0 => return Some(at),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    None
}

/// After `<#noparse>` (or `[#noparse]`, the tag at `tag`), text up to the matching end tag.
fn noparse(
    text: &[u8],
    tag: usize,
    body: usize,
    tokens: &mut Vec<Token>,
) -> Result<usize, LexError> {
    let end_tag: &[u8] = if text[tag] == b'<' {
        b"</#noparse"
    } else {
        b"[/#noparse"
    };
    let end = find(text, body, end_tag).ok_or(LexError::UnclosedTemplate(tag))?;
    push(tokens, TokenKind::Text, body, end);
    Ok(end)
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
    fn text_interpolations_and_tags() {
        use TokenKind::*;
        assert_eq!(
            kinds("Hi ${user.name}! <#if (a > 1)>x</#if>"),
            vec![
                (Text, "Hi "),
                (Punct, "${"),
                (Ident, "user"),
                (Punct, "."),
                (Ident, "name"),
                (Punct, "}"),
                (Text, "! "),
                (Punct, "<#"),
                (Ident, "if"),
                (Punct, "("),
                (Ident, "a"),
                (Punct, ">"),
                (Number, "1"),
                (Punct, ")"),
                (Punct, ">"),
                (Text, "x"),
                (Punct, "</#"),
                (Ident, "if"),
                (Punct, ">"),
            ]
        );
        assert_eq!(
            kinds("[#assign x = \"a${b}\"]"),
            vec![
                (Punct, "[#"),
                (Ident, "assign"),
                (Ident, "x"),
                (Punct, "="),
                (String, "\"a"),
                (Punct, "${"),
                (String, "b}\""),
                (Punct, "]"),
            ]
        );
    }

    #[test]
    fn text_that_only_looks_like_ftl_and_text_by_definition() {
        use TokenKind::*;
        assert_eq!(
            kinds("costs $5, item [#1] <# a > b, x<y"),
            vec![(Text, "costs $5, item [#1] <# a > b, x<y")]
        );
        assert_eq!(
            kinds("a<#-- ${x} -->b<#noparse>${y}</#noparse>"),
            vec![
                (Text, "a"),
                (Punct, "<#--"),
                (Text, " ${x} "),
                (Punct, "-->"),
                (Text, "b"),
                (Punct, "<#"),
                (Ident, "noparse"),
                (Punct, ">"),
                (Text, "${y}"),
                (Punct, "</#"),
                (Ident, "noparse"),
                (Punct, ">"),
            ]
        );
        assert!(lex_any(b"a ${b", LANGUAGE).is_err());
        assert!(lex_any(b"<#-- open", LANGUAGE).is_err());
    }
}
