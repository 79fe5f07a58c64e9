//! Text inside a quoted string literal that cannot change how a statement lexes.
//!
//! `... LIKE '%red running shoes 7%' ...`: a search term inside a literal is data. Another term
//! in its place, made only of bytes that no quoted literal reacts to, leaves the statement's
//! tokens as they were (each later one shifted by the difference in length): the lexer reads a
//! quoted literal by looking for its closing quote, a doubled quote, and a backslash where the
//! dialect escapes with one, and nothing else. The engine uses this to judge a statement that
//! differs from one it lexed before only in such text without lexing it again
//! ([`crate::statement_shapes`]).
//!
//! Only literals closed by the quote they opened with count (`'…'`, `"…"` where the dialect
//! makes double quotes strings, with an `N`, `X`, `B`, `E` or `U&` prefix). A dollar-quoted
//! literal (`$tag$…$tag$`) and an Oracle q-quoted one (`q'[…]'`) end at a delimiter of several
//! bytes, which the text around the input and the input's own bytes could form together.

use std::ops::Range;

use super::token::{Token, TokenKind};

/// Whether `b` is read as itself inside a quoted string literal of every dialect: not a quote
/// (`'` and `"` close one, `` ` `` is excluded with them), not a backslash (which escapes the
/// byte after it in MySQL and `E'…'` strings), not `$` (the delimiter of dollar quoting).
/// Every other byte, non-ASCII ones included, is only text to the lexer there.
pub fn is_inert(b: u8) -> bool {
    !is_special(b)
}

/// Whether every byte of `text` [`is_inert`]. Without an early exit, so that the compiler
/// compares several bytes at a time.
pub fn all_inert(text: &[u8]) -> bool {
    !text.iter().fold(false, |found, &b| found | is_special(b))
}

fn is_special(b: u8) -> bool {
    matches!(b, b'\'' | b'"' | b'`' | b'\\' | b'$')
}

/// Whether `region` of `sql` lies strictly inside one quoted string literal of `tokens`: after
/// its opening quote and before its closing one, in a literal of the kind the module describes.
pub fn inside_quoted_literal(sql: &[u8], tokens: &[Token], region: &Range<usize>) -> bool {
    if region.start >= region.end {
        return false;
    }
    let i = tokens.partition_point(|t| t.end <= region.start);
    let Some(token) = tokens.get(i) else {
        return false;
    };
    if token.kind != TokenKind::String || region.end >= token.end {
        return false;
    }
    let text = token.text(sql);
    let Some(open) = text.iter().position(|&b| b == b'\'' || b == b'"') else {
        return false;
    };
    let prefix = &text[..open];
    let plain_prefix = [&b""[..], b"n", b"x", b"b", b"e", b"u&"]
        .iter()
        .any(|p| prefix.eq_ignore_ascii_case(p));
    plain_prefix
        && text.len() >= open + 2
        && text.last() == Some(&text[open])
        && region.start > token.start + open
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Dialect, SqlLexer};

    fn inside(dialect: Dialect, sql: &str, input: &str) -> bool {
        let start = sql.find(input).expect("the input is in the statement");
        let tokens = SqlLexer::new(dialect).tokens(sql.as_bytes()).unwrap();
        inside_quoted_literal(sql.as_bytes(), &tokens, &(start..start + input.len()))
    }

    #[test]
    fn text_between_the_quotes_of_a_plain_literal_is_inside() {
        let sql = "SELECT * FROM t WHERE a LIKE '%red shoes%'";
        assert!(inside(Dialect::H2, sql, "red shoes"));
        assert!(inside(Dialect::H2, sql, "%red shoes%"));
        assert!(inside(Dialect::PostgreSql, "SELECT E'a red b'", "red"));
        assert!(inside(Dialect::SqlServer, "SELECT N'a red b'", "red"));
        assert!(inside(Dialect::MySql, r#"SELECT "a red b""#, "red"));
    }

    #[test]
    fn a_region_touching_a_quote_or_outside_a_literal_is_not() {
        assert!(!inside(Dialect::H2, "SELECT 'red'", "'red"));
        assert!(!inside(Dialect::H2, "SELECT 'red'", "red'"));
        assert!(!inside(Dialect::H2, "SELECT 'red' FROM red", "FROM red"));
        assert!(!inside(Dialect::H2, "SELECT 1 FROM t WHERE id = 42", "42"));
        assert!(!inside(Dialect::H2, r#"SELECT "a red b" FROM t"#, "red"));
        assert!(!inside(Dialect::H2, "SELECT 'a' || 'b'", "a' || 'b"));
    }

    #[test]
    fn literals_closed_by_a_delimiter_of_several_bytes_do_not_count() {
        assert!(!inside(Dialect::PostgreSql, "SELECT $ab$ red $ab$", "red"));
        assert!(!inside(
            Dialect::Oracle,
            "SELECT q'[ red ]' FROM dual",
            "red"
        ));
    }

    #[test]
    fn quotes_backslashes_and_dollars_are_the_bytes_a_literal_reacts_to() {
        for b in [b'\'', b'"', b'`', b'\\', b'$'] {
            assert!(!is_inert(b), "{}", b as char);
        }
        for b in b"azAZ09 %_-.@,:/+*=#;()[]!?\t\n"
            .iter()
            .chain(&[0x80, 0xc3, 0xff])
        {
            assert!(is_inert(*b), "{b:#x}");
        }
        let long = "red running shoes ".repeat(8);
        assert!(all_inert(long.as_bytes()) && all_inert(b""));
        for special in ["'", "\"", "`", "\\", "$"] {
            for at in [0, 7, long.len()] {
                let mut text = long.clone();
                text.insert_str(at, special);
                assert!(!all_inert(text.as_bytes()), "{special} at {at}");
            }
        }
    }
}
