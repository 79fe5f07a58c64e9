//! Tokens of an expression, for the structural judgement.
//!
//! One lexer for the Java-like expression languages: identifiers, numbers, string literals,
//! and every other character as punctuation (`T(`, `#`, `@`, `.`, operators). The languages
//! differ in two places, taken from each one's grammar:
//!
//! * string escapes: SpEL doubles the quote (`'it''s'`); OGNL, MVEL, JEXL and Jakarta EL use a
//!   backslash (`'it\'s'`);
//! * templates: a Jakarta EL expression is always a template (`${…}`, `#{…}` inside literal
//!   text); SpEL is one when the application passes a template parser context (`#{…}`); OGNL,
//!   MVEL and JEXL expressions are code throughout. Literal text of a template is one token.
//!
//! An unterminated string or an unclosed template expression is an error: the caller decides
//! what input in an expression it cannot read means.

use std::ops::Range;

/// The expression language, by the hooked API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// Spring's SpEL, code throughout.
    Spel,
    /// SpEL parsed with a template context: literal text with `#{…}` expressions.
    SpelTemplate,
    Ognl,
    Mvel,
    Jexl,
    /// Jakarta (and javax) EL: literal text with `${…}` and `#{…}` expressions.
    JakartaEl,
    /// A FreeMarker template: literal text with interpolations and FTL tags ([`super::ftl`]).
    FreeMarker,
    /// A Velocity template: literal text with references and directives ([`super::vtl`]).
    Velocity,
    /// A Thymeleaf template: markup with processor attributes and inlined expressions
    /// ([`super::thymeleaf`]).
    Thymeleaf,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::Spel | Language::SpelTemplate => "spel",
            Language::Ognl => "ognl",
            Language::Mvel => "mvel",
            Language::Jexl => "jexl",
            Language::JakartaEl => "el",
            Language::FreeMarker => "freemarker",
            Language::Velocity => "velocity",
            Language::Thymeleaf => "thymeleaf",
        }
    }

    /// Velocity, like SpEL, escapes a quote by doubling it; a backslash is an ordinary character.
    pub(super) fn doubles_quotes(self) -> bool {
        matches!(
            self,
            Language::Spel | Language::SpelTemplate | Language::Velocity
        )
    }

    /// The characters that open an expression inside a template (followed by `{`). A SpEL
    /// template context names its own delimiters; `#{` is the default and `${` the other one
    /// in use (Spring's placeholder style), so both are read as openers.
    fn template_openers(self) -> Option<&'static [u8]> {
        match self {
            Language::SpelTemplate | Language::JakartaEl => Some(b"$#"),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Literal text of a template, outside any expression.
    Text,
    Ident,
    Number,
    String,
    Punct,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

/// Why an expression cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LexError {
    #[error("unterminated string literal starting at byte {0}")]
    UnterminatedString(usize),
    #[error("template expression opened at byte {0} is never closed")]
    UnclosedTemplate(usize),
}

/// Lexes `text` (whitespace is skipped, not a token).
pub fn lex(text: &[u8], language: Language) -> Result<Vec<Token>, LexError> {
    let mut tokens = Vec::new();
    match (language, language.template_openers()) {
        (Language::FreeMarker, _) => super::ftl::lex(text, &mut tokens)?,
        (Language::Velocity, _) => super::vtl::lex(text, &mut tokens)?,
        (Language::Thymeleaf, _) => super::thymeleaf::lex(text, &mut tokens)?,
        (_, None) => code(text, 0, text.len(), language, &mut tokens)?,
        (_, Some(openers)) => template(text, openers, language, &mut tokens)?,
    }
    Ok(tokens)
}

fn template(
    text: &[u8],
    openers: &[u8],
    language: Language,
    tokens: &mut Vec<Token>,
) -> Result<(), LexError> {
    let mut at = 0;
    let mut literal_start = 0;
    while at < text.len() {
        let opens = openers.contains(&text[at]) && text.get(at + 1) == Some(&b'{');
        // `\${` is literal text in Jakarta EL.
        let escaped = at > 0 && text[at - 1] == b'\\' && language == Language::JakartaEl;
        if !opens || escaped {
            at += 1;
            continue;
        }
        if literal_start < at {
            tokens.push(Token {
                kind: TokenKind::Text,
                span: literal_start..at,
            });
        }
        tokens.push(Token {
            kind: TokenKind::Punct,
            span: at..at + 2,
        });
        let body = at + 2;
        let close = closing_brace(text, body, language).ok_or(LexError::UnclosedTemplate(at))?;
        code(text, body, close, language, tokens)?;
        tokens.push(Token {
            kind: TokenKind::Punct,
            span: close..close + 1,
        });
        at = close + 1;
        literal_start = at;
    }
    if literal_start < text.len() {
        tokens.push(Token {
            kind: TokenKind::Text,
            span: literal_start..text.len(),
        });
    }
    Ok(())
}

/// The `}` closing an expression body starting at `from`: braces nest, strings are skipped.
pub(super) fn closing_brace(text: &[u8], from: usize, language: Language) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = from;
    while at < text.len() {
        match text[at] {
            b'\'' | b'"' => at = string_end(text, at, language).ok()?,
            b'{' => {
                depth += 1;
                at += 1;
            }
            b'}' if depth == 0 => return Some(at),
            b'}' => {
                depth -= 1;
                at += 1;
            }
            _ => at += 1,
        }
    }
    None
}

/// The end (exclusive) of the string literal opening at `start`.
pub(super) fn string_end(text: &[u8], start: usize, language: Language) -> Result<usize, LexError> {
    let quote = text[start];
    let mut at = start + 1;
    while at < text.len() {
        let c = text[at];
        if c == b'\\' && !language.doubles_quotes() {
            at += 2;
            continue;
        }
        if c == quote {
            if language.doubles_quotes() && text.get(at + 1) == Some(&quote) {
                at += 2;
                continue;
            }
            return Ok(at + 1);
        }
        at += 1;
    }
    Err(LexError::UnterminatedString(start))
}

pub(super) fn code(
    text: &[u8],
    from: usize,
    to: usize,
    language: Language,
    tokens: &mut Vec<Token>,
) -> Result<(), LexError> {
    let mut at = from;
    while at < to {
        let c = text[at];
        let start = at;
        let kind = if c.is_ascii_whitespace() {
            at += 1;
            continue;
        } else if c == b'\'' || c == b'"' {
            at = string_end(&text[..to], at, language)?;
            if interpolated_string(text, start..at, language, tokens) {
                continue;
            }
            TokenKind::String
        } else if c.is_ascii_digit() {
            while at < to
                && (text[at].is_ascii_alphanumeric() || text[at] == b'.' || text[at] == b'_')
            {
                // `1.5`, `0x1F`, `10L`; a `.` followed by a letter is a member access: `1.toString`
                // does not occur in these languages, so digits and dots are one number.
                at += 1;
            }
            TokenKind::Number
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            while at < to
                && (text[at].is_ascii_alphanumeric() || text[at] == b'_' || text[at] >= 0x80)
            {
                at += 1;
            }
            TokenKind::Ident
        } else {
            at += 1;
            TokenKind::Punct
        };
        tokens.push(Token {
            kind,
            span: start..at,
        });
    }
    Ok(())
}

/// Template languages evaluate some string literals as templates of their own (FreeMarker's
/// `"a${b}"`, Velocity's `"$b"`): such a string is split where an interpolation opens, so that
/// input reaching across the opener touches more than one token. False when the string is plain.
fn interpolated_string(
    text: &[u8],
    span: Range<usize>,
    language: Language,
    tokens: &mut Vec<Token>,
) -> bool {
    let opener_at = |at: usize| -> usize {
        let next = text.get(at + 1).copied().unwrap_or(b' ');
        match (language, text[at]) {
            (Language::FreeMarker, b'$' | b'#') if next == b'{' => 2,
            (Language::Velocity, b'$') if next == b'!' || next == b'{' || starts_name(next) => 1,
            (Language::Velocity, b'#') if next == b'{' || next.is_ascii_alphabetic() => 1,
            _ => 0,
        }
    };
    let interpolates = match language {
        // A raw string `r"…"` is not interpolated.
        Language::FreeMarker => span.start == 0 || text[span.start - 1] != b'r',
        Language::Velocity => text[span.start] == b'"',
        _ => false,
    };
    if !interpolates || !(span.start + 1..span.end - 1).any(|at| opener_at(at) > 0) {
        return false;
    }
    let mut piece = span.start;
    let mut at = span.start + 1;
    while at < span.end - 1 {
        let len = opener_at(at);
        if len == 0 {
            at += 1;
            continue;
        }
        tokens.push(Token {
            kind: TokenKind::String,
            span: piece..at,
        });
        tokens.push(Token {
            kind: TokenKind::Punct,
            span: at..at + len,
        });
        at += len;
        piece = at;
    }
    tokens.push(Token {
        kind: TokenKind::String,
        span: piece..span.end,
    });
    true
}

/// The first occurrence of `needle` in `text` at or after `from` (the template lexers' end tags).
pub(super) fn find(text: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    text.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Appends a token for `start..end`, unless it is empty.
pub(super) fn push(tokens: &mut Vec<Token>, kind: TokenKind, start: usize, end: usize) {
    if start < end {
        tokens.push(Token {
            kind,
            span: start..end,
        });
    }
}

/// Whether `c` may start an identifier.
pub(super) fn starts_name(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, language: Language) -> Vec<(TokenKind, &str)> {
        lex(text.as_bytes(), language)
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn spel_doubles_quotes_and_the_others_escape_them() {
        use TokenKind::*;
        assert_eq!(
            kinds("name == 'it''s'", Language::Spel),
            vec![
                (Ident, "name"),
                (Punct, "="),
                (Punct, "="),
                (String, "'it''s'")
            ]
        );
        assert_eq!(
            kinds(r"name == 'it\'s'", Language::Ognl),
            vec![
                (Ident, "name"),
                (Punct, "="),
                (Punct, "="),
                (String, r"'it\'s'")
            ]
        );
        assert_eq!(
            kinds("T(java.lang.Runtime)", Language::Spel),
            vec![
                (Ident, "T"),
                (Punct, "("),
                (Ident, "java"),
                (Punct, "."),
                (Ident, "lang"),
                (Punct, "."),
                (Ident, "Runtime"),
                (Punct, ")")
            ]
        );
    }

    #[test]
    fn templates_keep_their_literal_text_whole() {
        use TokenKind::*;
        assert_eq!(
            kinds("Hello #{user.name}, {x}!", Language::SpelTemplate),
            vec![
                (Text, "Hello "),
                (Punct, "#{"),
                (Ident, "user"),
                (Punct, "."),
                (Ident, "name"),
                (Punct, "}"),
                (Text, ", {x}!")
            ]
        );
        assert_eq!(
            kinds("a ${b['}']} c", Language::JakartaEl),
            vec![
                (Text, "a "),
                (Punct, "${"),
                (Ident, "b"),
                (Punct, "["),
                (String, "'}'"),
                (Punct, "]"),
                (Punct, "}"),
                (Text, " c")
            ]
        );
        assert_eq!(
            kinds(r"cost \${x}", Language::JakartaEl),
            vec![(Text, r"cost \${x}")]
        );
    }

    #[test]
    fn what_cannot_be_read_is_an_error() {
        assert_eq!(
            lex(b"name == 'abc", Language::Spel),
            Err(LexError::UnterminatedString(8))
        );
        assert_eq!(
            lex(b"hi #{name", Language::SpelTemplate),
            Err(LexError::UnclosedTemplate(3))
        );
    }
}
