//! A byte-level SQL lexer driven by a dialect's [`LexRules`].
//!
//! It is a scanner, not a parser: it finds where literals, identifiers, comments and operators
//! begin and end, which is all the injection detector needs, and it does so in one pass with
//! no allocation beyond the output vector. Bytes of 0x80 and above are identifier bytes, so any
//! UTF-8 text lexes without decoding, except where a dialect's tokenizer skips a non-ASCII
//! space (U+00A0 and others, see [`super::whitespace`]): there a word ends, as it does in that
//! database. Only the lead byte of a multi-byte character is ever decoded, and only when it
//! could start such a space.

use super::dialect::{Dialect, LexRules};
use super::token::{LexError, Token, TokenKind};

/// Tokenizes statements of one dialect.
#[derive(Clone, Copy, Debug)]
pub struct SqlLexer {
    rules: LexRules,
}

impl SqlLexer {
    pub fn new(dialect: Dialect) -> SqlLexer {
        SqlLexer {
            rules: dialect.rules(),
        }
    }

    /// Tokenizes `sql` into `out` (cleared first). Every byte of the input belongs to exactly
    /// one token, so the tokens tile the statement.
    pub fn tokenize(&self, sql: &[u8], out: &mut Vec<Token>) -> Result<(), LexError> {
        out.clear();
        let mut scan = Scanner {
            rules: self.rules,
            sql,
            pos: 0,
            exec_comment_depth: 0,
        };
        while scan.pos < sql.len() {
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

    /// [`SqlLexer::tokenize`] into a new vector, sized for about one token per three bytes of
    /// SQL (up to 1,024 tokens; longer statements grow it): one allocation for most statements
    /// rather than one per doubling (the detector lexes every statement an input reaches this
    /// way), without reserving a huge statement's worth before the lexer has read any of it.
    /// Every space between words is a token of its own, so ordinary statements run at one token
    /// per 2.5-3.3 bytes (the load test's `by-name` statement: 32 tokens in 81 bytes, `search`: 38
    /// in 125); one per four grew and copied the vector once for both.
    pub fn tokens(&self, sql: &[u8]) -> Result<Vec<Token>, LexError> {
        let mut out = Vec::with_capacity((sql.len() / 3 + 8).min(1024));
        self.tokenize(sql, &mut out)?;
        Ok(out)
    }
}

struct Scanner<'a> {
    rules: LexRules,
    sql: &'a [u8],
    pos: usize,
    /// Open MySQL `/*!` comments, whose closing `*/` is a marker token, not a comment end.
    exec_comment_depth: u32,
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// [`is_word_byte`] for the ASCII bytes.
static ASCII_WORD_BYTE: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        b += 1;
    }
    table
};

impl<'a> Scanner<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.sql.get(i).copied()
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.at(self.pos + ahead)
    }

    /// The length of the whitespace character at `i` in this dialect, 0 if there is none.
    #[inline]
    fn space_len(&self, i: usize) -> usize {
        self.sql
            .get(i..)
            .map_or(0, |rest| self.rules.whitespace.len_at(rest))
    }

    /// Whether the byte at `i` continues a word: an identifier byte that does not start one of
    /// the dialect's non-ASCII spaces.
    fn word_byte_at(&self, i: usize) -> bool {
        self.at(i)
            .is_some_and(|b| is_word_byte(b) && (b < 0x80 || self.space_len(i) == 0))
    }

    /// Past the word bytes at the position ([`Scanner::word_byte_at`]), ASCII ones by table: the
    /// lexer spends most of its time in words and literals.
    fn skip_word(&mut self) {
        while let Some(&b) = self.sql.get(self.pos) {
            let word = if b < 0x80 {
                ASCII_WORD_BYTE[usize::from(b)]
            } else {
                self.space_len(self.pos) == 0
            };
            if !word {
                return;
            }
            self.pos += 1;
        }
    }

    fn next_token(&mut self) -> Result<TokenKind, LexError> {
        let b = self.sql[self.pos];
        let next = self.peek(1);
        let space = self.space_len(self.pos);
        if space > 0 {
            self.pos += space;
            loop {
                let n = self.space_len(self.pos);
                if n == 0 {
                    return Ok(TokenKind::Whitespace);
                }
                self.pos += n;
            }
        }
        match b {
            b'-' if next == Some(b'-') && self.dash_comment_starts() => Ok(self.line_comment()),
            b'#' if self.rules.hash_comment => Ok(self.line_comment()),
            b'/' if next == Some(b'/') && self.rules.slash_comment => Ok(self.line_comment()),
            b'/' if next == Some(b'*') => self.block_comment(),
            b'*' if next == Some(b'/') && self.exec_comment_depth > 0 => {
                self.exec_comment_depth -= 1;
                self.pos += 2;
                Ok(TokenKind::ExecutableCommentMarker)
            }
            b'\'' => self.quoted(b'\'', self.rules.backslash_escapes, TokenKind::String),
            b'"' if self.rules.double_quote_is_string => {
                self.quoted(b'"', self.rules.backslash_escapes, TokenKind::String)
            }
            b'"' => self.quoted(b'"', false, TokenKind::QuotedIdent),
            b'`' if self.rules.backtick_ident => self.quoted(b'`', false, TokenKind::QuotedIdent),
            b'[' if self.rules.bracket_ident => self.bracket_ident(),
            b'$' => self.dollar(),
            b'0'..=b'9' => Ok(self.number()),
            b'.' if next.is_some_and(|n| n.is_ascii_digit()) => Ok(self.number()),
            _ if is_word_start(b) => self.word_or_prefixed_string(),
            b'?' => {
                self.pos += 1;
                self.skip_while(|c| c.is_ascii_digit());
                Ok(TokenKind::Parameter)
            }
            b':' if next.is_some_and(is_word_start) && self.space_len(self.pos + 1) == 0 => {
                self.pos += 1;
                self.skip_word();
                Ok(TokenKind::Parameter)
            }
            b'@' if next.is_some_and(|n| is_word_start(n) || n == b'@')
                && self.space_len(self.pos + 1) == 0 =>
            {
                self.pos += if next == Some(b'@') { 2 } else { 1 };
                self.skip_word();
                Ok(TokenKind::Parameter)
            }
            b',' => Ok(self.single(TokenKind::Comma)),
            b'.' => Ok(self.single(TokenKind::Dot)),
            b'(' => Ok(self.single(TokenKind::OpenParen)),
            b')' => Ok(self.single(TokenKind::CloseParen)),
            b';' => Ok(self.single(TokenKind::Semicolon)),
            b'=' | b'<' | b'>' | b'!' | b'|' | b'&' | b'^' | b'~' | b'+' | b'-' | b'*' | b'/'
            | b'%' | b':' | b'@' | b'#' => Ok(self.operator()),
            _ => Ok(self.single(TokenKind::Other)),
        }
    }

    fn single(&mut self, kind: TokenKind) -> TokenKind {
        self.pos += 1;
        kind
    }

    fn skip_while(&mut self, f: impl Fn(u8) -> bool) {
        while self.peek(0).is_some_and(&f) {
            self.pos += 1;
        }
    }

    /// MySQL needs whitespace or a control character after `--` (or the end of input).
    fn dash_comment_starts(&self) -> bool {
        !self.rules.dash_comment_needs_space
            || self.pos + 2 >= self.sql.len()
            || self.space_len(self.pos + 2) > 0
    }

    /// A line comment ends before the first CR or LF. H2 (`Tokenizer.skipSimpleComment`) and
    /// PostgreSQL (`scan.l`: `non_newline [^\n\r]`) end it at either; MySQL and SQLite only at
    /// LF, and HSQLDB at the next CR anywhere after it, else LF. Ending at the first of the two
    /// never hides code a database would run: at worst it shows as code what a database still
    /// reads as comment.
    fn line_comment(&mut self) -> TokenKind {
        match memchr::memchr2(b'\n', b'\r', &self.sql[self.pos..]) {
            Some(n) => self.pos += n,
            None => self.pos = self.sql.len(),
        }
        TokenKind::LineComment
    }

    fn block_comment(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        if self.rules.executable_comments && self.peek(2) == Some(b'!') {
            self.pos += 3;
            self.skip_while(|c| c.is_ascii_digit());
            self.exec_comment_depth += 1;
            return Ok(TokenKind::ExecutableCommentMarker);
        }
        self.pos += 2;
        let mut depth = 1u32;
        while self.pos < self.sql.len() {
            match (self.sql[self.pos], self.peek(1)) {
                (b'*', Some(b'/')) => {
                    self.pos += 2;
                    depth -= 1;
                    if depth == 0 {
                        return Ok(TokenKind::BlockComment);
                    }
                }
                (b'/', Some(b'*')) if self.rules.nested_comments => {
                    self.pos += 2;
                    depth += 1;
                }
                _ => self.pos += 1,
            }
        }
        if self.rules.lenient_comment_end {
            Ok(TokenKind::BlockComment)
        } else {
            Err(LexError::UnterminatedComment(start))
        }
    }

    /// A literal or identifier closed by `quote`, where a doubled quote is an escaped one and,
    /// with `backslash`, `\` escapes the next byte.
    fn quoted(
        &mut self,
        quote: u8,
        backslash: bool,
        kind: TokenKind,
    ) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.sql.len() {
            // straight to the next quote (or backslash): a literal's text is most of its bytes
            let rest = &self.sql[self.pos..];
            let found = if backslash {
                memchr::memchr2(quote, b'\\', rest)
            } else {
                memchr::memchr(quote, rest)
            };
            let Some(n) = found else {
                break;
            };
            self.pos += n;
            if self.sql[self.pos] != quote {
                self.pos += 2; // a backslash escapes the next byte
                continue;
            }
            if self.peek(1) == Some(quote) {
                self.pos += 2;
                continue;
            }
            self.pos += 1;
            return Ok(kind);
        }
        self.pos = self.sql.len();
        Err(match kind {
            TokenKind::QuotedIdent => LexError::UnterminatedIdent(start),
            _ => LexError::UnterminatedString(start),
        })
    }

    fn bracket_ident(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.sql.len() {
            if self.sql[self.pos] == b']' {
                if self.peek(1) == Some(b']') {
                    self.pos += 2;
                    continue;
                }
                self.pos += 1;
                return Ok(TokenKind::QuotedIdent);
            }
            self.pos += 1;
        }
        Err(LexError::UnterminatedIdent(start))
    }

    fn dollar(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        if self.rules.dollar_quoting {
            if let Some(tag_len) = self.dollar_tag_len(start) {
                let tag = &self.sql[start..start + tag_len];
                let body = start + tag_len;
                // memmem's Two-Way search stays linear where a window-by-window comparison is
                // quadratic in a long tag (`$aaa…$` then `aaa…`, no closing tag).
                return match memchr::memmem::find(&self.sql[body..], tag) {
                    Some(i) => {
                        self.pos = body + i + tag_len;
                        Ok(TokenKind::String)
                    }
                    None => {
                        self.pos = self.sql.len();
                        Err(LexError::UnterminatedString(start))
                    }
                };
            }
        }
        if self.rules.dollar_params && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            self.skip_while(|c| c.is_ascii_digit());
            return Ok(TokenKind::Parameter);
        }
        Ok(self.single(TokenKind::Other))
    }

    /// The length of a `$tag$` opener at `at` (`$$` included), if there is one.
    fn dollar_tag_len(&self, at: usize) -> Option<usize> {
        let mut i = at + 1;
        if self.at(i).is_some_and(is_word_start) {
            while self.at(i) != Some(b'$') && self.word_byte_at(i) {
                i += 1;
            }
        }
        (self.at(i) == Some(b'$')).then_some(i + 1 - at)
    }

    fn number(&mut self) -> TokenKind {
        let b = self.sql[self.pos];
        if b == b'0' && matches!(self.peek(1), Some(b'x' | b'X')) {
            self.pos += 2;
            self.skip_while(|c| c.is_ascii_hexdigit());
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
        TokenKind::Number
    }

    fn word_or_prefixed_string(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.skip_word();
        let word = &self.sql[start..self.pos];
        let quote_follows = self.peek(0) == Some(b'\'');
        if quote_follows {
            if self.rules.q_quote
                && (word.eq_ignore_ascii_case(b"q") || word.eq_ignore_ascii_case(b"nq"))
            {
                return self.q_quoted(start);
            }
            if self.rules.e_strings && word.eq_ignore_ascii_case(b"e") {
                return self
                    .quoted(b'\'', true, TokenKind::String)
                    .map_err(|_| LexError::UnterminatedString(start));
            }
            let prefixes: [&[u8]; 3] = [b"n", b"x", b"b"];
            if prefixes.iter().any(|p| word.eq_ignore_ascii_case(p)) {
                return self
                    .quoted(b'\'', self.rules.backslash_escapes, TokenKind::String)
                    .map_err(|_| LexError::UnterminatedString(start));
            }
        }
        // PostgreSQL and others: U&'...' unicode-escaped strings.
        if word.eq_ignore_ascii_case(b"u")
            && self.peek(0) == Some(b'&')
            && self.peek(1) == Some(b'\'')
        {
            self.pos += 1;
            return self
                .quoted(b'\'', false, TokenKind::String)
                .map_err(|_| LexError::UnterminatedString(start));
        }
        Ok(TokenKind::Word)
    }

    /// Oracle `q'<delim>...<close>'`; the quote itself is at `self.pos`.
    fn q_quoted(&mut self, start: usize) -> Result<TokenKind, LexError> {
        let Some(open) = self.peek(1) else {
            self.pos = self.sql.len();
            return Err(LexError::UnterminatedString(start));
        };
        let close = match open {
            b'[' => b']',
            b'{' => b'}',
            b'(' => b')',
            b'<' => b'>',
            other => other,
        };
        let body = self.pos + 2;
        let mut i = body;
        while i + 1 < self.sql.len() {
            if self.sql[i] == close && self.sql[i + 1] == b'\'' {
                self.pos = i + 2;
                return Ok(TokenKind::String);
            }
            i += 1;
        }
        self.pos = self.sql.len();
        Err(LexError::UnterminatedString(start))
    }

    fn operator(&mut self) -> TokenKind {
        let rest = &self.sql[self.pos..];
        const LONG: [&[u8]; 2] = [b"<=>", b"->>"];
        const SHORT: [&[u8]; 16] = [
            b"<=", b">=", b"<>", b"!=", b"||", b"&&", b"::", b":=", b"=>", b"<<", b">>", b"->",
            b"!<", b"!>", b"~*", b"!~",
        ];
        let len = if LONG.iter().any(|op| rest.starts_with(op)) {
            3
        } else if SHORT.iter().any(|op| rest.starts_with(op)) {
            2
        } else {
            1
        };
        self.pos += len;
        TokenKind::Operator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Dialect;

    /// The literal scan as it was before it jumped with memchr: one byte at a time.
    fn quoted_bytewise(sql: &[u8], start: usize, quote: u8, backslash: bool) -> (usize, bool) {
        let mut pos = start + 1;
        while pos < sql.len() {
            let c = sql[pos];
            if backslash && c == b'\\' {
                pos += 2;
                continue;
            }
            if c == quote {
                if sql.get(pos + 1) == Some(&quote) {
                    pos += 2;
                    continue;
                }
                return (pos + 1, true);
            }
            pos += 1;
        }
        (sql.len(), false)
    }

    /// The word scan as it was before the ASCII table: `word_byte_at` at every byte.
    fn word_end_bytewise(scan: &Scanner<'_>, mut pos: usize) -> usize {
        while scan.word_byte_at(pos) {
            pos += 1;
        }
        pos
    }

    /// Statements made of the pieces literals and words are hard on: quotes (doubled, escaped,
    /// at the end), backslashes, non-ASCII spaces and letters, `$`.
    fn pieces(seed: u64, n: usize) -> Vec<u8> {
        const PIECES: [&str; 14] = [
            "'", "''", "\\", "\\'", "\"", "a", "Z9_", "$", " ", "\u{a0}", "\u{3000}", "é", "x",
            "\\\\",
        ];
        let mut state = seed;
        let mut out = Vec::new();
        for _ in 0..n {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.extend_from_slice(PIECES[(state >> 33) as usize % PIECES.len()].as_bytes());
        }
        out
    }

    #[test]
    fn literal_and_word_scans_end_where_the_bytewise_scans_did() {
        for dialect in Dialect::ALL {
            for seed in 0..4_000u64 {
                let sql = pieces(seed, (seed % 23) as usize + 1);
                for start in 0..sql.len() {
                    for (quote, backslash) in [(b'\'', true), (b'\'', false), (b'"', false)] {
                        if sql[start] != quote {
                            continue;
                        }
                        let mut scan = Scanner {
                            rules: dialect.rules(),
                            sql: &sql,
                            pos: start,
                            exec_comment_depth: 0,
                        };
                        let closed = scan.quoted(quote, backslash, TokenKind::String).is_ok();
                        assert_eq!(
                            (scan.pos, closed),
                            quoted_bytewise(&sql, start, quote, backslash),
                            "{dialect:?} {:?} from {start}",
                            String::from_utf8_lossy(&sql)
                        );
                    }
                    let mut scan = Scanner {
                        rules: dialect.rules(),
                        sql: &sql,
                        pos: start,
                        exec_comment_depth: 0,
                    };
                    let expected = word_end_bytewise(&scan, start);
                    scan.skip_word();
                    assert_eq!(
                        scan.pos,
                        expected,
                        "{dialect:?} {:?} from {start}",
                        String::from_utf8_lossy(&sql)
                    );
                }
            }
        }
    }
}
