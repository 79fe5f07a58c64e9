//! Which characters a dialect's tokenizer skips between tokens.
//!
//! Databases disagree on non-ASCII whitespace, and the disagreement is an attack surface:
//! `UNION`+U+00A0+`SELECT` is three tokens to H2 and HSQLDB, but one word to a lexer that only
//! knows ASCII spaces, so an input carrying it would look like a single (harmless) word. Each
//! set below is what the database's own tokenizer does, checked against its source and, for
//! the Java databases, by preparing `… UNION<c>SELECT …` for every BMP code point `c`
//! (H2 2.3.232, HSQLDB 2.7.4, Derby 10.16.1.1):
//!
//! * H2 (`org.h2.command.Tokenizer.tokenize`, default branch): `c <= ' '` or
//!   `Character.isSpaceChar(c)`, i.e. Unicode Zs, Zl and Zp. Measured: U+0009–000D,
//!   U+001C–001F, U+0020, U+00A0, U+1680, U+2000–200A, U+2028, U+2029, U+202F, U+205F,
//!   U+3000. (The other control characters are `Character.isJavaIdentifierPart` and so join a
//!   name that precedes them.)
//! * HSQLDB (`org.hsqldb.Scanner.whitespace`): the SQL standard's list, U+0009–000D, U+0020,
//!   U+0085, U+00A0, U+1680, U+180E, U+2000–200A, U+2028, U+2029, U+202F, U+205F, U+3000.
//! * Derby (`sqlgrammar.jj`, measured): tab, LF, CR and space only; U+00A0 and the other Unicode
//!   spaces, form feed and vertical tab are lexical errors.
//! * PostgreSQL (`scan.l`: `space [ \t\n\r\f\v]`, and bytes `\200`–`\377` are `ident_cont`) and
//!   SQLite (`tokenize.c`: bytes of 0x80 and above are `CC_ID`): ASCII only; U+00A0 is part
//!   of a name.
//! * MySQL: ASCII for a `utf8mb4` connection (`my_isspace` on the `utf8mb4` ctype table; lead
//!   bytes of 0xC2 and above start identifiers), but a `latin1` connection (`ctype_latin1`
//!   marks 0xA0 as space) sees U+00A0 as whitespace, so U+00A0 counts.
//! * Oracle, SQL Server, DB2 and unknown databases: tokenizers we cannot read, so every
//!   character any of the above skips counts (the reading that splits, so an attack is seen).
//!
//! ASCII control characters other than the usual whitespace count as whitespace everywhere:
//! databases read them as part of a name (H2) or reject them (Derby, HSQLDB, PostgreSQL), so
//! splitting there never hides a keyword boundary a database would see.

/// The set of non-ASCII characters one dialect skips as whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whitespace {
    /// ASCII only (PostgreSQL, SQLite, Derby).
    Ascii,
    /// ASCII and U+00A0 (MySQL, which sees 0xA0 as space over a `latin1` connection).
    AsciiNbsp,
    /// Java's `Character.isSpaceChar` (H2), plus U+180E, which was Zs before Unicode 6.3 and
    /// so is a space on the Java 8 runtimes H2 still runs on.
    JavaSpaceChar,
    /// Everything the SQL standard (and HSQLDB's scanner) lists; also the set for databases
    /// whose tokenizer we cannot read. It contains every other set.
    SqlStandard,
}

impl Whitespace {
    /// The length in bytes of the whitespace character at the start of `rest`, or 0 when it
    /// does not start with one. Non-ASCII characters are read as UTF-8 (the agent hands every
    /// statement over as UTF-8); an invalid sequence is never whitespace.
    #[inline]
    pub fn len_at(self, rest: &[u8]) -> usize {
        match rest.first() {
            None => 0,
            Some(&b) if b <= b' ' || b == 0x7f => 1,
            // Only these lead bytes start a non-ASCII space (U+0085 and U+00A0: C2; U+1680 and
            // U+180E: E1; U+2000–U+205F: E2; U+3000: E3), so names in other scripts, and every
            // continuation byte, cost one comparison.
            Some(0xC2 | 0xE1 | 0xE2 | 0xE3) if self != Whitespace::Ascii => match decode(rest) {
                Some((c, len)) if self.contains_non_ascii(c) => len,
                _ => 0,
            },
            Some(_) => 0,
        }
    }

    /// Whether the non-ASCII code point `c` is whitespace in this set.
    pub fn contains_non_ascii(self, c: u32) -> bool {
        let nbsp = c == 0xA0;
        let java_space = nbsp
            || c == 0x1680
            || (0x2000..=0x200A).contains(&c)
            || matches!(c, 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0x180E);
        match self {
            Whitespace::Ascii => false,
            Whitespace::AsciiNbsp => nbsp,
            Whitespace::JavaSpaceChar => java_space,
            Whitespace::SqlStandard => java_space || c == 0x85,
        }
    }
}

/// Decodes the two- or three-byte UTF-8 sequence at the start of `s` (every non-ASCII space is
/// in the Basic Multilingual Plane). Overlong forms and surrogates are rejected, so a byte
/// sequence Java would never produce cannot pass for a space.
#[inline]
fn decode(s: &[u8]) -> Option<(u32, usize)> {
    let cont = |i: usize| {
        s.get(i)
            .copied()
            .filter(|b| b & 0xC0 == 0x80)
            .map(|b| u32::from(b & 0x3F))
    };
    match *s.first()? {
        lead @ 0xC2..=0xDF => Some(((u32::from(lead & 0x1F) << 6) | cont(1)?, 2)),
        lead @ 0xE0..=0xEF => {
            let c = (u32::from(lead & 0x0F) << 12) | (cont(1)? << 6) | cont(2)?;
            (c >= 0x800 && !(0xD800..=0xDFFF).contains(&c)).then_some((c, 3))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(set: Whitespace, s: &str) -> usize {
        set.len_at(s.as_bytes())
    }

    #[test]
    fn ascii_bytes_are_the_same_in_every_set() {
        for set in [
            Whitespace::Ascii,
            Whitespace::AsciiNbsp,
            Whitespace::JavaSpaceChar,
            Whitespace::SqlStandard,
        ] {
            for b in 0u8..0x80 {
                let want = usize::from(b <= b' ' || b == 0x7f);
                assert_eq!(set.len_at(&[b, b'x']), want, "{set:?} {b:#x}");
            }
            assert_eq!(set.len_at(b""), 0);
            assert_eq!(len(set, "é"), 0);
            assert_eq!(len(set, "\u{200B}"), 0, "zero width space joins names");
            assert_eq!(len(set, "\u{FEFF}"), 0);
        }
    }

    #[test]
    fn non_ascii_spaces_per_set() {
        use Whitespace::*;
        let rows: [(&str, [usize; 4]); 8] = [
            ("\u{A0}", [0, 2, 2, 2]),
            ("\u{85}", [0, 0, 0, 2]),
            ("\u{1680}", [0, 0, 3, 3]),
            ("\u{180E}", [0, 0, 3, 3]),
            ("\u{2000}", [0, 0, 3, 3]),
            ("\u{200A}", [0, 0, 3, 3]),
            ("\u{2029}", [0, 0, 3, 3]),
            ("\u{3000}", [0, 0, 3, 3]),
        ];
        for (s, want) in rows {
            let got = [Ascii, AsciiNbsp, JavaSpaceChar, SqlStandard].map(|set| len(set, s));
            assert_eq!(got, want, "{s:?}");
        }
    }

    #[test]
    fn invalid_sequences_are_not_spaces() {
        let set = Whitespace::SqlStandard;
        assert_eq!(set.len_at(b"\xA0"), 0, "a lone continuation byte");
        assert_eq!(set.len_at(b"\xC2"), 0, "truncated");
        assert_eq!(set.len_at(b"\xE3\x80"), 0, "truncated");
        assert_eq!(set.len_at(b"\xC0\xA0"), 0, "overlong");
        assert_eq!(set.len_at(b"\xE0\x82\xA0"), 0, "overlong");
        assert_eq!(set.len_at(b"\xC2\x20"), 0, "no continuation");
    }
}
