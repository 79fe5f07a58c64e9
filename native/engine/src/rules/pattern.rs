//! The pattern dialect both backends read the same way, and the checks that keep patterns in it.
//!
//! A rule pattern is compiled twice: by Hyperscan (PCRE syntax, bytes, no `UTF8`/`UCP`) and by
//! regex-automata (the `regex` crate's syntax, configured for bytes and ASCII). A pattern only
//! belongs in a rule when both read it the same way, or the two backends would disagree about
//! the same request and the portable backend would not be a faithful fallback. Where the two
//! syntaxes agree this module lets the pattern through; where one of them reads a construct
//! differently (`$` before a final newline, `\v`, `\<`, class set operations, nested classes,
//! `{,n}`) or only one supports it (`\Q..\E`, `\h`, octal, backreferences, lookaround, atomic
//! groups, possessive quantifiers, Unicode classes), it names the construct and the fix.
//!
//! The checks run on regex-syntax's AST, where constructs keep their written form, plus a
//! small lexical pre-scan for the PCRE-only constructs regex-syntax cannot parse at all (its
//! own error would say "unrecognized escape" where the user needs "`\h` is not supported").
//! The HIR that the same parser configuration produces is what the DFA and the span regexes
//! are built from, so "validated" and "compiled" never drift apart.

use regex_syntax::ast::{self, AssertionKind, Ast, ClassSetItem, GroupKind, LiteralKind};
use regex_syntax::hir::Hir;

use super::PatternFlags;

/// Parses `pattern` with the engine's fixed syntax configuration and `flags`: bytes
/// (`utf8(false)`), no Unicode (ASCII classes and case folding), no octal, `\n` as the only line
/// terminator. Checks the forbidden constructs first; every error is a complete message that
/// starts with a lower-case word (the caller prefixes "pattern N: ").
pub(crate) fn parse(pattern: &str, flags: PatternFlags) -> Result<Hir, String> {
    prescan(pattern)?;
    let ast = ast::parse::ParserBuilder::new()
        .octal(false)
        .build()
        .parse(pattern)
        .map_err(|e| syntax_error(pattern, e.kind().to_string(), e.span().start.offset))?;
    check_ast(pattern, &ast, flags)?;
    let hir = regex_syntax::hir::translate::TranslatorBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(flags.caseless)
        .dot_matches_new_line(flags.dotall)
        .multi_line(flags.multiline)
        .crlf(false)
        .build()
        .translate(pattern, &ast)
        .map_err(|e| syntax_error(pattern, e.kind().to_string(), e.span().start.offset))?;
    match hir.properties().minimum_len() {
        Some(0) => {
            Err("matches the empty string; every pattern must match at least one byte".to_string())
        }
        None => Err("can never match anything".to_string()),
        Some(_) => Ok(hir),
    }
}

/// "regex syntax error at column C: ..." with a 1-based character column.
fn syntax_error(pattern: &str, kind: String, offset: usize) -> String {
    let column = pattern.get(..offset).map_or(offset, |p| p.chars().count()) + 1;
    format!("regex syntax error at column {column}: {kind}")
}

/// The PCRE constructs regex-syntax cannot parse, found lexically so the message names them.
fn prescan(pattern: &str) -> Result<(), String> {
    if let Some(c) = pattern.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "contains the non-ASCII character '{c}'; patterns match bytes, so write its UTF-8 \
             bytes as \\xNN escapes"
        ));
    }
    let bytes = pattern.as_bytes();
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let Some(&next) = bytes.get(i + 1) else {
                    break; // a trailing backslash: regex-syntax names it
                };
                escape(next)?;
                i += 2;
                continue;
            }
            b'[' if class_depth == 0 => {
                class_depth = 1;
                // `[]..]` and `[^]..]`: a `]` right after the opening is a literal.
                i += 1;
                if bytes.get(i) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b']') {
                    i += 1;
                }
                continue;
            }
            b'[' if bytes.get(i + 1) == Some(&b':') => {
                // A POSIX class `[:alpha:]` inside a class: skip to its `:]`.
                if let Some(end) = pattern[i + 2..].find(":]") {
                    i += 2 + end + 2;
                    continue;
                }
            }
            b'[' => class_depth += 1,
            b']' if class_depth > 0 => class_depth -= 1,
            b'(' if class_depth == 0 && bytes.get(i + 1) == Some(&b'?') => {
                group_opener(&pattern[i..])?;
            }
            b'(' if class_depth == 0 && bytes.get(i + 1) == Some(&b'*') => {
                return Err("backtracking control verbs `(*...)` are not supported".to_string());
            }
            b'*' | b'+' | b'?' | b'}'
                if class_depth == 0 && bytes.get(i + 1) == Some(&b'+') && i > 0 =>
            {
                let op = &pattern[i..i + 2];
                return Err(format!(
                    "possessive quantifier `{op}` is not supported; drop the `+`"
                ));
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Escapes PCRE knows and regex-syntax does not (or reads differently).
fn escape(c: u8) -> Result<(), String> {
    let msg = match c {
        b'Q' | b'E' => "`\\Q...\\E` quoting is not supported; escape each character instead",
        b'h' | b'H' => "`\\h` and `\\H` are not supported; write [ \\t] or [^ \\t]",
        b'0' => "octal escapes are not supported; write \\xNN",
        b'1'..=b'9' => "backreferences (and octal escapes) are not supported",
        b'g' | b'k' => "backreferences (`\\g`, `\\k`) are not supported",
        b'p' | b'P' => {
            "Unicode classes `\\p{..}` are not supported (patterns match bytes); use an ASCII \
             class such as [[:alpha:]]"
        }
        b'R' | b'X' | b'K' | b'N' | b'C' | b'V' | b'G' | b'Z' | b'e' | b'c' | b'o' => {
            return Err(format!(
                "the escape `\\{}` is not supported by both backends",
                c as char
            ))
        }
        _ => return Ok(()),
    };
    Err(msg.to_string())
}

/// `(?...)` openers other than `(?:`, named groups, and flag groups (which the AST check names).
fn group_opener(rest: &str) -> Result<(), String> {
    const LOOKAROUND: [&str; 4] = ["(?<=", "(?<!", "(?=", "(?!"];
    if let Some(op) = LOOKAROUND.iter().find(|op| rest.starts_with(**op)) {
        return Err(format!("lookaround `{op}` is not supported"));
    }
    if rest.starts_with("(?>") {
        return Err("atomic groups `(?>...)` are not supported".to_string());
    }
    if rest.starts_with("(?#") {
        return Err("comments `(?#...)` are not supported".to_string());
    }
    if rest.starts_with("(?|") {
        return Err("branch reset groups `(?|...)` are not supported".to_string());
    }
    Ok(())
}

/// Walks the AST for constructs both sides parse but read differently, or that the rule
/// format expresses elsewhere (flags).
fn check_ast(pattern: &str, ast: &Ast, flags: PatternFlags) -> Result<(), String> {
    ast::visit(
        ast,
        AstCheck {
            pattern,
            multiline: flags.multiline,
        },
    )
}

struct AstCheck<'p> {
    pattern: &'p str,
    multiline: bool,
}

impl AstCheck<'_> {
    fn text(&self, span: &ast::Span) -> &str {
        self.pattern
            .get(span.start.offset..span.end.offset)
            .unwrap_or("")
    }

    fn literal(&self, lit: &ast::Literal) -> Result<(), String> {
        match lit.kind {
            LiteralKind::Octal => Err("octal escapes are not supported; write \\xNN".to_string()),
            LiteralKind::HexFixed(ast::HexLiteralKind::X)
            | LiteralKind::HexBrace(ast::HexLiteralKind::X) => Ok(()),
            LiteralKind::HexFixed(_) | LiteralKind::HexBrace(_) => Err(format!(
                "the escape `{}` is not supported; write bytes as \\xNN",
                self.text(&lit.span)
            )),
            LiteralKind::Special(ast::SpecialLiteralKind::VerticalTab) => Err(
                "`\\v` is a vertical tab here but any vertical space in Hyperscan; write \\x0b"
                    .to_string(),
            ),
            _ => Ok(()),
        }
    }
}

impl ast::Visitor for AstCheck<'_> {
    type Output = ();
    type Err = String;

    fn finish(self) -> Result<(), String> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), String> {
        match ast {
            Ast::Flags(set) => Err(format!(
                "inline flags `{}` are not allowed; use the rule's or the pattern's `flags`",
                self.text(&set.span)
            )),
            Ast::Group(group) => match &group.kind {
                GroupKind::NonCapturing(flags) if !flags.items.is_empty() => Err(format!(
                    "inline flags `(?{}:` are not allowed; use the rule's or the pattern's `flags`",
                    self.text(&flags.span)
                )),
                _ => Ok(()),
            },
            Ast::Literal(lit) => self.literal(lit),
            Ast::ClassUnicode(class) => Err(format!(
                "Unicode class `{}` is not supported (patterns match bytes); use an ASCII class \
                 such as [[:alpha:]]",
                self.text(&class.span)
            )),
            Ast::Assertion(assertion) => match assertion.kind {
                AssertionKind::EndLine if !self.multiline => Err(
                    "`$` without the m flag also matches before a final newline in Hyperscan; \
                     write \\z, or set the m flag"
                        .to_string(),
                ),
                AssertionKind::WordBoundaryStart
                | AssertionKind::WordBoundaryEnd
                | AssertionKind::WordBoundaryStartAngle
                | AssertionKind::WordBoundaryEndAngle
                | AssertionKind::WordBoundaryStartHalf
                | AssertionKind::WordBoundaryEndHalf => Err(format!(
                    "`{}` is a word-edge assertion here but not in Hyperscan; write \\b",
                    self.text(&assertion.span)
                )),
                _ => Ok(()),
            },
            Ast::Repetition(rep) => {
                if self.text(&rep.op.span).starts_with("{,") {
                    Err(format!(
                        "`{}` without a lower bound is a literal in Hyperscan; write {{0,n}}",
                        self.text(&rep.op.span)
                    ))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), String> {
        match item {
            ClassSetItem::Bracketed(inner) => Err(format!(
                "nested character class `{}` is not supported (Hyperscan reads `[` inside a \
                 class as a literal); escape it as \\[",
                self.text(&inner.span)
            )),
            ClassSetItem::Unicode(class) => Err(format!(
                "Unicode class `{}` is not supported (patterns match bytes); use an ASCII class \
                 such as [[:alpha:]]",
                self.text(&class.span)
            )),
            ClassSetItem::Literal(lit) => self.literal(lit),
            ClassSetItem::Range(range) => {
                self.literal(&range.start)?;
                self.literal(&range.end)
            }
            _ => Ok(()),
        }
    }

    fn visit_class_set_binary_op_pre(&mut self, op: &ast::ClassSetBinaryOp) -> Result<(), String> {
        let symbol = match op.kind {
            ast::ClassSetBinaryOpKind::Intersection => "&&",
            ast::ClassSetBinaryOpKind::Difference => "--",
            ast::ClassSetBinaryOpKind::SymmetricDifference => "~~",
        };
        Err(format!(
            "character class operation `{symbol}` is not supported (Hyperscan reads it as \
             literal characters)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(s: &str) -> PatternFlags {
        PatternFlags {
            caseless: s.contains('i'),
            dotall: s.contains('s'),
            multiline: s.contains('m'),
        }
    }

    fn err(p: &str) -> String {
        parse(p, flags(""))
            .err()
            .unwrap_or_else(|| panic!("{p} was accepted"))
    }

    #[test]
    fn accepts_the_shared_subset() {
        for p in [
            r"\binto\s+(?:out|dump)file\b",
            r"\bselect\b.*\binto\s+outfile",
            r"[[:alpha:]]+\d{2,5}",
            r"[]a]x",
            r"[^]a]x",
            r"\x41\x{42}",
            r"a\z",
            r"\Aabc",
            r"(?P<name>ab)c",
            r"[a-z\-]+@",
            r"\[x\]",
            r"[\t ]+;",
        ] {
            assert!(
                parse(p, flags("i")).is_ok(),
                "{p}: {:?}",
                parse(p, flags("i"))
            );
        }
        assert!(parse("a$", flags("m")).is_ok());
    }

    #[test]
    fn names_each_forbidden_construct() {
        let cases = [
            ("a$", "`$` without the m flag"),
            (r"\Qa.b\E", "`\\Q...\\E` quoting"),
            (r"a\hb", "`\\h` and `\\H`"),
            (r"a\012", "octal escapes"),
            (r"(a)\1", "backreferences"),
            (r"a(?=b)", "lookaround `(?=`"),
            (r"a(?<!b)c", "lookaround `(?<!`"),
            (r"(?>ab)c", "atomic groups"),
            ("a++b", "possessive quantifier `++`"),
            ("(?i)ab", "inline flags `(?i)`"),
            ("(?i:ab)", "inline flags `(?i:`"),
            (r"\pLx", "Unicode classes"),
            (r"[\pL]x", "Unicode classes"),
            ("a*", "matches the empty string"),
            (r"\b", "matches the empty string"),
            ("é", "non-ASCII character 'é'"),
            (r"\<ab", "`\\<` is a word-edge assertion"),
            (r"a\vb", "`\\v` is a vertical tab"),
            (r"[a-z&&b]x", "character class operation `&&`"),
            (r"[a[bc]]", "nested character class `[bc]`"),
            // regex-syntax 0.8 rejects `{,n}` itself; the AST check covers later versions.
            ("a{,3}b", "regex syntax error at column 3"),
            (r"\u0041", "the escape `\\u0041`"),
            ("a(b", "regex syntax error at column 2"),
        ];
        for (p, want) in cases {
            let got = err(p);
            assert!(got.contains(want), "{p}: got {got:?}, want {want:?}");
        }
    }
}
