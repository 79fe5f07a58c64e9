//! The few keyword sets the detector needs, matched case-insensitively.

fn in_set(word: &[u8], set: &[&str]) -> bool {
    set.iter().any(|k| word.eq_ignore_ascii_case(k.as_bytes()))
}

/// Keywords that may follow a sort key: `name DESC NULLS LAST`.
pub fn is_sort_modifier(word: &[u8]) -> bool {
    in_set(word, &["ASC", "DESC", "NULLS", "FIRST", "LAST"])
}

/// Disjunctions, after which an always-true operand makes a condition a tautology: `OR 1=1`.
pub fn is_disjunction(word: &[u8]) -> bool {
    in_set(word, &["OR", "XOR"])
}

/// `UNION`, `INTERSECT`, `EXCEPT`, `MINUS`: set operators that append a second query.
pub fn is_set_operator(word: &[u8]) -> bool {
    in_set(word, &["UNION", "INTERSECT", "EXCEPT", "MINUS"])
}

/// Reserved words that can never be a column name in a sort list supplied as data.
pub fn is_reserved(word: &[u8]) -> bool {
    in_set(
        word,
        &[
            "SELECT",
            "UNION",
            "INTERSECT",
            "EXCEPT",
            "MINUS",
            "FROM",
            "WHERE",
            "AND",
            "OR",
            "XOR",
            "NOT",
            "INSERT",
            "UPDATE",
            "DELETE",
            "MERGE",
            "DROP",
            "CREATE",
            "ALTER",
            "TRUNCATE",
            "EXEC",
            "EXECUTE",
            "DECLARE",
            "CASE",
            "WHEN",
            "THEN",
            "ELSE",
            "END",
            "HAVING",
            "GROUP",
            "ORDER",
            "BY",
            "LIMIT",
            "OFFSET",
            "FETCH",
            "INTO",
            "VALUES",
            "SET",
            "JOIN",
            "ON",
            "WAITFOR",
            "DELAY",
            "LIKE",
            "IN",
            "IS",
            "NULL",
            "BETWEEN",
            "EXISTS",
            "ALL",
            "ANY",
            "SOME",
            "TABLE",
            "GRANT",
            "REVOKE",
            "SHUTDOWN",
            "CALL",
            "PROCEDURE",
            "IF",
            "WITH",
            "AS",
            "DISTINCT",
            "TOP",
            "USING",
            "RETURNING",
            "LOAD",
            "OUTFILE",
            "DUMPFILE",
            "COPY",
            "PROGRAM",
            "BEGIN",
            "COMMIT",
            "ROLLBACK",
            "RLIKE",
            "REGEXP",
            "SOUNDS",
            "DIV",
            "MOD",
            "COLLATE",
            "INNER",
            "OUTER",
            "LEFT",
            "RIGHT",
            "CROSS",
            "NATURAL",
            "PRAGMA",
            "ATTACH",
            "DETACH",
        ],
    )
}

/// Comparison words that join two operands: `'a' LIKE 'a'`.
pub fn is_comparison_word(word: &[u8]) -> bool {
    in_set(word, &["LIKE", "IS", "RLIKE", "REGEXP", "GLOB", "SOUNDS"])
}
