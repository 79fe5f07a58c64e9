//! A byte-level lexer for JPQL and HQL that yields the SQL lexer's [`Token`]s.
//!
//! The rules are Hibernate 6's (`HqlLexer.g4`, checked against hibernate-core 6.5's generated
//! lexer), which accept every JPQL query (Jakarta Persistence 3.1, 4.4):
//! - `'...'` strings double a quote to escape it; a backslash is an ordinary character (unlike
//!   MySQL, `'a\'` is a complete literal).
//! - `"..."`, `J'...'`, `J"..."` are Java-style strings: a backslash escapes the next character,
//!   and `""` is two literals, not an escaped quote. `X'...'` is a binary literal.
//! - `` `...` `` is a quoted identifier (backslash escapes).
//! - `/* ... */` comments (not nested); there are no line comments: `--` is two minus signs and
//!   `#` is no token at all.
//! - `:name` and `?1` are parameters; numbers take Java suffixes (`1L`, `2.5F`, `3BD`, `0x1fL`).
//!
//! JPQL proper has no comments and only `'...'` strings; reading it as HQL can only find more
//! structure, never less (a `/*` or a `"` the input adds is code either way), and Hibernate is
//! the provider most JPQL runs on, so both languages share these rules.

use crate::sql::{LexError, Token, TokenKind};

/// Tokenizes JPQL/HQL queries (one set of rules for both, see the module docs).
#[derive(Clone, Copy, Debug, Default)]
pub struct OrmLexer;

impl OrmLexer {
    pub fn new() -> OrmLexer {
        OrmLexer
    }

    /// Tokenizes `query` into `out` (cleared first); the tokens tile the query.
    pub fn tokenize(&self, query: &[u8], out: &mut Vec<Token>) -> Result<(), LexError> {
        out.clear();
        let mut scan = Scanner { q: query, pos: 0 };
        while scan.pos < query.len() {
            let start = scan.pos;
            let kind = scan.next_token()?;
            debug_assert!(scan.pos > start, "the lexer must always advance");
            out.push(Token {
                kind,
                start,
                end: scan.pos,
            });
        }
        Ok(())
    }

    /// Convenience for tests and the CLI.
    pub fn tokens(&self, query: &[u8]) -> Result<Vec<Token>, LexError> {
        let mut out = Vec::new();
        self.tokenize(query, &mut out)?;
        Ok(out)
    }
}

struct Scanner<'a> {
    q: &'a [u8],
    pos: usize,
}

/// HQL's LETTER: ASCII letters, `_`, `$` and everything from U+0080 (here: any non-ASCII byte).
fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    is_letter(b) || b.is_ascii_digit()
}

/// HQL skips only space, tab, CR, LF and form feed; other control bytes fail Hibernate's lexer,
/// so treating them as whitespace here changes no verdict on a query that runs.
fn is_space(b: u8) -> bool {
    b <= b' ' || b == 0x7f
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.q.get(self.pos + ahead).copied()
    }

    fn skip_while(&mut self, f: impl Fn(u8) -> bool) {
        while self.peek(0).is_some_and(&f) {
            self.pos += 1;
        }
    }

    fn single(&mut self, kind: TokenKind) -> TokenKind {
        self.pos += 1;
        kind
    }

    fn next_token(&mut self) -> Result<TokenKind, LexError> {
        let b = self.q[self.pos];
        let next = self.peek(1);
        match b {
            _ if is_space(b) => {
                self.skip_while(is_space);
                Ok(TokenKind::Whitespace)
            }
            b'/' if next == Some(b'*') => self.block_comment(),
            b'\'' => self.quoted(b'\'', false, TokenKind::String),
            b'"' => self.quoted(b'"', true, TokenKind::String),
            b'`' => self.quoted(b'`', true, TokenKind::QuotedIdent),
            b'0'..=b'9' => Ok(self.number()),
            b'.' if next.is_some_and(|n| n.is_ascii_digit()) => Ok(self.number()),
            _ if is_letter(b) => self.word_or_prefixed_string(),
            b'?' => {
                self.pos += 1;
                self.skip_while(|c| c.is_ascii_digit());
                Ok(TokenKind::Parameter)
            }
            b':' if next.is_some_and(is_letter) => {
                self.pos += 1;
                self.skip_while(is_word_byte);
                Ok(TokenKind::Parameter)
            }
            b',' => Ok(self.single(TokenKind::Comma)),
            b'.' => Ok(self.single(TokenKind::Dot)),
            b'(' => Ok(self.single(TokenKind::OpenParen)),
            b')' => Ok(self.single(TokenKind::CloseParen)),
            b';' => Ok(self.single(TokenKind::Semicolon)),
            b'=' | b'<' | b'>' | b'!' | b'^' | b'|' | b'&' | b'+' | b'-' | b'*' | b'/' | b'%'
            | b':' => Ok(self.operator()),
            // `{ts '...'}` escapes, `[` `]`, and bytes HQL has no token for (`#`, `@`, `\`).
            _ => Ok(self.single(TokenKind::Other)),
        }
    }

    fn block_comment(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        match find(&self.q[start + 2..], b"*/") {
            Some(i) => {
                self.pos = start + 2 + i + 2;
                Ok(TokenKind::BlockComment)
            }
            None => {
                self.pos = self.q.len();
                Err(LexError::UnterminatedComment(start))
            }
        }
    }

    /// A literal or identifier closed by `quote`. With `backslash`, `\` escapes the next byte
    /// and a doubled quote ends the literal; without, a doubled quote is an escaped quote.
    fn quoted(
        &mut self,
        quote: u8,
        backslash: bool,
        kind: TokenKind,
    ) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.q.len() {
            let c = self.q[self.pos];
            if backslash && c == b'\\' {
                self.pos += 2;
                continue;
            }
            if c == quote {
                if !backslash && self.peek(1) == Some(quote) {
                    self.pos += 2;
                    continue;
                }
                self.pos += 1;
                return Ok(kind);
            }
            self.pos += 1;
        }
        self.pos = self.q.len();
        Err(match kind {
            TokenKind::QuotedIdent => LexError::UnterminatedIdent(start),
            _ => LexError::UnterminatedString(start),
        })
    }

    /// Digits, fraction, exponent and a Java suffix (`L`, `F`, `D`, `BD`, `BI`), or `0x..[L]`.
    fn number(&mut self) -> TokenKind {
        if self.peek(0) == Some(b'0') && matches!(self.peek(1), Some(b'x' | b'X')) {
            self.pos += 2;
            self.skip_while(|c| c.is_ascii_hexdigit());
            if matches!(self.peek(0), Some(b'l' | b'L')) {
                self.pos += 1;
            }
            return TokenKind::Number;
        }
        self.skip_while(|c| c.is_ascii_digit());
        if self.peek(0) == Some(b'.') {
            self.pos += 1;
            self.skip_while(|c| c.is_ascii_digit());
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            let digits_at = match self.peek(1) {
                Some(b'+' | b'-') => 2,
                _ => 1,
            };
            if self.peek(digits_at).is_some_and(|c| c.is_ascii_digit()) {
                self.pos += digits_at;
                self.skip_while(|c| c.is_ascii_digit());
            }
        }
        let suffix = match (self.peek(0), self.peek(1)) {
            (Some(b'b' | b'B'), Some(b'd' | b'D' | b'i' | b'I')) => 2,
            (Some(b'l' | b'L' | b'f' | b'F' | b'd' | b'D'), _) => 1,
            _ => 0,
        };
        // A suffix followed by more letters is an identifier after the number (`1 Lx` is not
        // `1L x`), as the grammar's longest match gives it.
        if suffix > 0 && !self.peek(suffix).is_some_and(is_word_byte) {
            self.pos += suffix;
        }
        TokenKind::Number
    }

    fn word_or_prefixed_string(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.skip_while(is_word_byte);
        let word = &self.q[start..self.pos];
        let quote = self.peek(0);
        if word.eq_ignore_ascii_case(b"j") && matches!(quote, Some(b'\'' | b'"')) {
            let q = quote.unwrap_or(b'\'');
            return self
                .quoted(q, true, TokenKind::String)
                .map_err(|_| LexError::UnterminatedString(start));
        }
        if word.eq_ignore_ascii_case(b"x") && quote == Some(b'\'') {
            return self
                .quoted(b'\'', false, TokenKind::String)
                .map_err(|_| LexError::UnterminatedString(start));
        }
        Ok(TokenKind::Word)
    }

    fn operator(&mut self) -> TokenKind {
        const TWO: [&[u8]; 7] = [b"<=", b">=", b"<>", b"!=", b"^=", b"||", b"->"];
        let rest = &self.q[self.pos..];
        self.pos += if TWO.iter().any(|op| rest.starts_with(op)) {
            2
        } else {
            1
        };
        TokenKind::Operator
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}
