//! Statements that differ from one lexed before only in the input inside their string literals.
//!
//! A search box, a name filter, an e-mail lookup: an application that writes the request's
//! value into a literal (`... LIKE '%red running shoes 7%'`) runs a new statement for every
//! new value, so the [`statement_cache`](crate::statement_cache), which keys on every byte,
//! never finds it, and each such check lexes the statement again (about 4,700 instructions for
//! the load test's 125-byte search) to learn, again, that the input sits inside a literal.
//!
//! A statement's *shape* is its text with the input occurrences cut out, and the positions of
//! the cuts. When a shape was lexed before and every cut lay strictly inside one quoted string
//! literal in every reading of the dialect, and this statement's cut-out text is made only of
//! bytes a quoted literal does not react to ([`crate::sql::quoted`]), then this statement lexes
//! to the same tokens, each later one shifted: every occurrence is inside a literal, so the
//! detector has nothing to report (an occurrence inside one literal is data, and only whole
//! tokens join the adjacent-inputs rule), and the lexing is skipped. Anything else (an input
//! with a quote, a backslash or a `$`, an input outside a literal, a shape not seen) takes the
//! full path. The attack the shortcut could hide would need a byte that ends the literal, and
//! such a byte sends the statement to the lexer.
//!
//! The answer is only the detector's: the sink rules still scan the statement's bytes, and the
//! input signatures still run, at every check.
//!
//! Like the engine's other caches: a shape is kept the second time it is seen, in a
//! set-associative cache taken with `try_lock` ([`crate::cache_set`]), for shapes whose
//! remaining text is up to [`MAX_SHAPE_TEXT`] bytes cut in at most [`MAX_CUTS`] places. It
//! belongs to one engine, so a rule reload starts an empty one (shapes do not depend on the
//! rules; it simply goes with the statement cache).

use std::hash::Hasher;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::cache_set::{key_hasher, set_index, SecondSighting, Sighting};
use crate::matcher::Occurrence;
use crate::sql::quoted::all_inert;
use crate::sql::{Dialect, LexedStatement};

/// Shapes whose text outside the cuts is longer than this are not kept.
pub const MAX_SHAPE_TEXT: usize = 1024;

/// Places a shape is cut in (overlapping and adjacent occurrences are one cut); statements with
/// input in more places take the full path.
pub const MAX_CUTS: usize = 8;

/// Sets in one engine's cache.
pub const SETS: usize = 32;

/// Shapes one set holds.
pub const WAYS: usize = 4;

/// Hashes of shapes seen once, per set.
const SEEN: usize = 4;

/// Checks in this process whose statement was judged by its shape, across engines.
static JUDGED: AtomicU64 = AtomicU64::new(0);

/// How many checks in this process were judged by a shape lexed before, without lexing their
/// statement (`statements_judged_by_shape` in the agent's engine stats).
pub fn statements_judged_by_shape() -> u64 {
    JUDGED.load(Ordering::Relaxed)
}

/// One statement's shape: where its input occurrences are, and its hash without them.
#[derive(Debug)]
pub struct Shape<'s> {
    dialect: Dialect,
    statement: &'s [u8],
    cuts: [(usize, usize); MAX_CUTS],
    len: usize,
    hash: u64,
}

impl<'s> Shape<'s> {
    /// The shape of `statement` with `occurrences` cut out, when every occurrence's text is
    /// inert inside a quoted literal and the shape is small enough to keep; `None` otherwise.
    pub fn of(
        dialect: Dialect,
        statement: &'s [u8],
        occurrences: &[Occurrence],
    ) -> Option<Shape<'s>> {
        if occurrences.is_empty() {
            return None;
        }
        // Sorted and disjoint: an occurrence that overlaps or touches cuts joins them.
        let mut cuts = [(0usize, 0usize); MAX_CUTS];
        let mut len = 0;
        for o in occurrences {
            let (start, end) = (o.start, o.end.min(statement.len()));
            if start >= end {
                return None;
            }
            let at = cuts[..len].partition_point(|c| c.1 < start);
            if at < len && cuts[at].0 <= end {
                let mut merged = (cuts[at].0.min(start), cuts[at].1.max(end));
                let mut next = at + 1;
                while next < len && cuts[next].0 <= merged.1 {
                    merged.1 = merged.1.max(cuts[next].1);
                    next += 1;
                }
                cuts[at] = merged;
                cuts.copy_within(next..len, at + 1);
                len -= next - at - 1;
            } else if len == MAX_CUTS {
                return None;
            } else {
                cuts.copy_within(at..len, at + 1);
                cuts[at] = (start, end);
                len += 1;
            }
        }
        let cuts_text: usize = cuts[..len].iter().map(|c| c.1 - c.0).sum();
        if statement.len() - cuts_text > MAX_SHAPE_TEXT
            || !cuts[..len]
                .iter()
                .all(|&(s, e)| all_inert(&statement[s..e]))
        {
            return None;
        }
        let mut shape = Shape {
            dialect,
            statement,
            cuts,
            len,
            hash: 0,
        };
        let mut hasher = key_hasher();
        hasher.write_u8(dialect as u8);
        for (piece, at) in shape.pieces() {
            hasher.write(piece);
            hasher.write_usize(at);
        }
        shape.hash = hasher.finish();
        Some(shape)
    }

    /// The text between the cuts, each piece with its end offset in the text without the cuts
    /// (for all but the last piece, where the next cut was).
    fn pieces(&self) -> impl Iterator<Item = (&'s [u8], usize)> {
        let (statement, cuts, len) = (self.statement, self.cuts, self.len);
        let mut from = 0;
        let mut offset = 0;
        (0..=len).map(move |i| {
            let (to, next) = if i < len {
                cuts[i]
            } else {
                (statement.len(), statement.len())
            };
            let piece = &statement[from..to];
            offset += piece.len();
            from = next;
            (piece, offset)
        })
    }

    /// The cut-out regions, in statement order.
    pub fn cuts(&self) -> impl Iterator<Item = Range<usize>> + Clone + '_ {
        self.cuts[..self.len].iter().map(|&(s, e)| s..e)
    }
}

/// What the cache knows of a shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeSighting {
    /// Lexed before, every cut inside a quoted literal: the statement needs no lexing.
    InsideLiterals,
    /// Seen once before: lex the statement and [`StatementShapes::learn`] from it.
    Second,
    /// Not seen (or its set was busy): lex the statement.
    First,
}

/// Shapes lexed recently and found to hold their input inside literals, for one engine.
pub struct StatementShapes {
    sets: Box<[Mutex<SecondSighting<Entry, WAYS, SEEN>>]>,
}

struct Entry {
    dialect: Dialect,
    /// The text without the cuts.
    text: Box<[u8]>,
    /// Where each cut was in `text`.
    cuts: Box<[usize]>,
}

impl Entry {
    fn is(&self, shape: &Shape<'_>) -> bool {
        if self.dialect != shape.dialect || self.cuts.len() != shape.len {
            return false;
        }
        let mut from = 0;
        shape.pieces().enumerate().all(|(i, (piece, end))| {
            let same = self.text.get(from..end) == Some(piece)
                && self.cuts.get(i).is_none_or(|&c| c == end);
            from = end;
            same
        }) && from == self.text.len()
    }
}

impl StatementShapes {
    pub fn new() -> StatementShapes {
        StatementShapes {
            sets: (0..SETS).map(|_| Mutex::default()).collect(),
        }
    }

    /// Whether `shape` is known to hold its cuts inside literals (counted as a check judged by
    /// its shape), seen once, or new.
    pub fn sighting(&self, shape: &Shape<'_>) -> ShapeSighting {
        let Ok(mut set) = self.sets[set_index(shape.hash, SETS)].try_lock() else {
            return ShapeSighting::First;
        };
        match set.lookup(shape.hash, |e| e.is(shape)) {
            Sighting::Kept(_) => {
                JUDGED.fetch_add(1, Ordering::Relaxed);
                ShapeSighting::InsideLiterals
            }
            Sighting::Second => ShapeSighting::Second,
            Sighting::First => ShapeSighting::First,
        }
    }

    /// Keeps `shape` when `lexed` (its statement's lexing) has every cut strictly inside one
    /// quoted string literal in every reading.
    pub fn learn(&self, shape: &Shape<'_>, lexed: &LexedStatement) {
        debug_assert_eq!(lexed.dialect(), shape.dialect, "lexed in another dialect");
        if lexed.dialect() != shape.dialect
            || !lexed.all_inside_quoted_literals(shape.statement, shape.cuts())
        {
            return;
        }
        // Sized exactly, so that the boxes below take the buffers as they are.
        let cut_bytes: usize = shape.cuts().map(|c| c.len()).sum();
        let mut text = Vec::with_capacity(shape.statement.len() - cut_bytes);
        let mut at = Vec::with_capacity(shape.len);
        for (n, (piece, offset)) in shape.pieces().enumerate() {
            text.extend_from_slice(piece);
            if n < shape.len {
                at.push(offset);
            }
        }
        let entry = Entry {
            dialect: shape.dialect,
            text: text.into(),
            cuts: at.into(),
        };
        if let Ok(mut set) = self.sets[set_index(shape.hash, SETS)].try_lock() {
            set.put(shape.hash, entry, |e| e.is(shape));
        }
    }
}

impl Default for StatementShapes {
    fn default() -> Self {
        StatementShapes::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The occurrences of `input` in `sql`, as the input search reports them.
    fn occurrences(sql: &str, input: &str) -> Vec<Occurrence> {
        sql.match_indices(input)
            .map(|(start, _)| Occurrence {
                input: 0,
                start,
                end: start + input.len(),
            })
            .collect()
    }

    fn shape<'s>(dialect: Dialect, sql: &'s str, input: &str) -> Option<Shape<'s>> {
        Shape::of(dialect, sql.as_bytes(), &occurrences(sql, input))
    }

    fn search(term: &str) -> String {
        format!("SELECT id FROM items WHERE name LIKE '%{term}%' OR tag LIKE '%{term}%' LIMIT 20")
    }

    #[test]
    fn statements_differing_only_in_the_input_share_a_shape() {
        let (a, b) = (search("red shoes 1"), search("blue hat"));
        let (a, b) = (
            shape(Dialect::H2, &a, "red shoes 1").unwrap(),
            shape(Dialect::H2, &b, "blue hat").unwrap(),
        );
        assert_eq!(a.hash, b.hash);
        assert_eq!(a.cuts().count(), 2);
        let other_text = search("red").replace("LIMIT 20", "LIMIT 21");
        let other_text = shape(Dialect::H2, &other_text, "red").unwrap();
        assert_ne!(a.hash, other_text.hash);
        let other_dialect = search("red");
        let other_dialect = shape(Dialect::MySql, &other_dialect, "red").unwrap();
        assert_ne!(a.hash, other_dialect.hash);
        // The same text with the cut elsewhere is another shape.
        let moved = "SELECT 'ab' FROM t";
        let (left, right) = (
            shape(Dialect::H2, moved, "a"),
            shape(Dialect::H2, moved, "b"),
        );
        assert_ne!(left.unwrap().hash, right.unwrap().hash);
    }

    #[test]
    fn inputs_a_literal_reacts_to_have_no_shape() {
        for input in ["o'brien", "a\\b", "say \"hi\"", "$$", "a`b"] {
            let sql = format!("SELECT 1 FROM t WHERE a = 'x{input}x'");
            assert!(shape(Dialect::MySql, &sql, input).is_none(), "{input}");
        }
        let long = format!("SELECT '{}' FROM t", "x".repeat(10));
        let long = long.replace("FROM t", &format!("FROM t{}", " ".repeat(MAX_SHAPE_TEXT)));
        assert!(
            shape(Dialect::H2, &long, "xxxxxxxxxx").is_none(),
            "text too long"
        );
        let many = "SELECT 'a' || 'a' || 'a' || 'a' || 'a' || 'a' || 'a' || 'a' || 'a'";
        assert!(
            shape(Dialect::H2, many, "a").is_none(),
            "more cuts than kept"
        );
        assert!(
            shape(Dialect::H2, "SELECT 1", "x").is_none(),
            "no occurrence"
        );
    }

    #[test]
    fn overlapping_and_touching_occurrences_are_one_cut() {
        let sql = "SELECT 'abcdef' FROM t";
        let occurrences = [
            Occurrence {
                input: 0,
                start: 8,
                end: 11,
            },
            Occurrence {
                input: 1,
                start: 10,
                end: 12,
            },
            Occurrence {
                input: 2,
                start: 12,
                end: 14,
            },
        ];
        let shape = Shape::of(Dialect::H2, sql.as_bytes(), &occurrences).unwrap();
        assert_eq!(shape.cuts().collect::<Vec<_>>(), vec![(8..14)]);
    }

    /// Cuts are the occurrences sorted and merged where they overlap or touch, in whatever order
    /// the input search reports them.
    #[test]
    fn cuts_are_the_sorted_union_of_the_occurrences() {
        let sql = "x".repeat(64);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            let n = 1 + (state % 6) as usize;
            let occurrences: Vec<Occurrence> = (0..n)
                .map(|input| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let start = (state % 60) as usize;
                    let len = 1 + (state >> 8) as usize % 5;
                    Occurrence {
                        input,
                        start,
                        end: start + len,
                    }
                })
                .collect();
            let mut spans: Vec<(usize, usize)> =
                occurrences.iter().map(|o| (o.start, o.end)).collect();
            spans.sort_unstable();
            let mut want: Vec<std::ops::Range<usize>> = Vec::new();
            for (s, e) in spans {
                match want.last_mut() {
                    Some(last) if s <= last.end => last.end = last.end.max(e),
                    _ => want.push(s..e),
                }
            }
            let shape = Shape::of(Dialect::H2, sql.as_bytes(), &occurrences).unwrap();
            assert_eq!(shape.cuts().collect::<Vec<_>>(), want, "{occurrences:?}");
        }
    }

    #[test]
    fn a_shape_is_known_once_lexed_twice_with_its_input_inside_literals() {
        let shapes = StatementShapes::new();
        let check = |term: &str| {
            let sql = search(term);
            let shape = shape(Dialect::H2, &sql, term).unwrap();
            let sighting = shapes.sighting(&shape);
            if sighting == ShapeSighting::Second {
                shapes.learn(&shape, &LexedStatement::lex(Dialect::H2, sql.as_bytes()));
            }
            sighting
        };
        assert_eq!(check("red"), ShapeSighting::First);
        assert_eq!(check("green"), ShapeSighting::Second);
        assert_eq!(check("blue"), ShapeSighting::InsideLiterals);
        assert_eq!(
            check("a much longer term 42"),
            ShapeSighting::InsideLiterals
        );
    }

    #[test]
    fn a_shape_with_input_outside_a_literal_is_never_known() {
        use Dialect::*;
        let shapes = StatementShapes::new();
        let cases: [(&str, &[Dialect]); 6] = [
            (
                "SELECT * FROM t WHERE id = {}",
                &[H2, Generic, PostgreSql, Oracle],
            ),
            (
                "SELECT * FROM t ORDER BY {}",
                &[H2, Generic, PostgreSql, Oracle],
            ),
            (
                "SELECT * FROM t WHERE a = \"{}\"",
                &[H2, Generic, PostgreSql, Oracle],
            ),
            (
                "SELECT * FROM t /* {} */",
                &[H2, Generic, PostgreSql, Oracle],
            ),
            ("SELECT $q$ {} $q$", &[PostgreSql]),
            ("SELECT q'[{}]' FROM dual", &[Oracle]),
        ];
        for (n, (template, dialects)) in cases.into_iter().enumerate() {
            for &dialect in dialects {
                for round in 0..3 {
                    let input = format!("abc{round}{n}");
                    let sql = template.replace("{}", &input);
                    let shape = shape(dialect, &sql, &input).unwrap();
                    let sighting = shapes.sighting(&shape);
                    if sighting == ShapeSighting::Second {
                        shapes.learn(&shape, &LexedStatement::lex(dialect, sql.as_bytes()));
                    }
                    assert_ne!(sighting, ShapeSighting::InsideLiterals, "{dialect}: {sql}");
                }
            }
        }
    }
}
