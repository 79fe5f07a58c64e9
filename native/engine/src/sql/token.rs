//! The token model shared by every SQL dialect.
//!
//! The lexer does not tell keywords from identifiers: both are [`TokenKind::Word`]. The
//! detector asks [`super::keywords`] when it needs to know, which keeps the lexer a pure
//! byte scanner and the keyword lists in one place.

/// What a token is, as far as injection detection cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Spaces, tabs, newlines and other ASCII control characters, and the non-ASCII spaces the
    /// dialect's tokenizer skips (U+00A0 on H2, HSQLDB and MySQL; see [`super::whitespace`]).
    Whitespace,
    /// `-- ...`, `# ...` (MySQL) or `// ...` (H2, HSQLDB) up to the end of the line.
    LineComment,
    /// `/* ... */` (nested where the dialect nests them).
    BlockComment,
    /// MySQL `/*!` or `/*!50001` opener, or the `*/` that closes it: the text in between is
    /// executed, so it is lexed as code and the markers are tokens of their own.
    ExecutableCommentMarker,
    /// Any string literal: `'..'`, `N'..'`, `E'..'`, `X'..'`, `B'..'`, `q'[..]'`, `$tag$..$tag$`,
    /// and `".."` where the dialect makes double quotes strings (MySQL).
    String,
    /// Integer, decimal, exponent and hexadecimal (`0x..`) numbers.
    Number,
    /// A bare identifier or keyword.
    Word,
    /// `"ident"`, `` `ident` `` or `[ident]`.
    QuotedIdent,
    /// A placeholder or variable: `?`, `?1`, `:name`, `$1`, `@var`, `@@var`.
    Parameter,
    /// Operators, including multi-character ones (`<=`, `<>`, `!=`, `||`, `::`, `:=`, ...).
    Operator,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `(`
    OpenParen,
    /// `)`
    CloseParen,
    /// `;`
    Semicolon,
    /// Anything else (a lone byte no rule claims).
    Other,
}

impl TokenKind {
    /// Tokens that carry no meaning for the statement's structure.
    pub fn is_trivia(self) -> bool {
        matches!(self, TokenKind::Whitespace)
    }

    /// Comment tokens, including MySQL's executable comment markers.
    pub fn is_comment(self) -> bool {
        matches!(
            self,
            TokenKind::LineComment | TokenKind::BlockComment | TokenKind::ExecutableCommentMarker
        )
    }

    /// A short stable name, used by `rasp explain` and in tests.
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Whitespace => "ws",
            TokenKind::LineComment => "line-comment",
            TokenKind::BlockComment => "block-comment",
            TokenKind::ExecutableCommentMarker => "exec-comment",
            TokenKind::String => "string",
            TokenKind::Number => "number",
            TokenKind::Word => "word",
            TokenKind::QuotedIdent => "quoted-ident",
            TokenKind::Parameter => "param",
            TokenKind::Operator => "op",
            TokenKind::Comma => "comma",
            TokenKind::Dot => "dot",
            TokenKind::OpenParen => "lparen",
            TokenKind::CloseParen => "rparen",
            TokenKind::Semicolon => "semicolon",
            TokenKind::Other => "other",
        }
    }
}

/// A token: its kind and its byte range in the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, sql: &'a [u8]) -> &'a [u8] {
        &sql[self.start..self.end]
    }
}

/// Why a statement could not be lexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LexError {
    #[error("unterminated string literal starting at byte {0}")]
    UnterminatedString(usize),
    #[error("unterminated quoted identifier starting at byte {0}")]
    UnterminatedIdent(usize),
    #[error("unterminated block comment starting at byte {0}")]
    UnterminatedComment(usize),
}

impl LexError {
    /// Where the unterminated construct starts.
    pub fn offset(&self) -> usize {
        match *self {
            LexError::UnterminatedString(o)
            | LexError::UnterminatedIdent(o)
            | LexError::UnterminatedComment(o) => o,
        }
    }
}
