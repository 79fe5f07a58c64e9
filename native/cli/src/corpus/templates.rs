//! The statement templates payloads are placed into, and the dialects each is run in.
//!
//! Each template is how real applications concatenate a request parameter into SQL: inside a
//! quoted string, as a number, as a sort key, into an `IN` list, a `LIKE` pattern, or an
//! `INSERT` value. `{}` marks where the payload goes.

use rasp_engine::sql::Dialect;

/// The dialects every template runs in (MySQL-only templates aside).
pub const DIALECTS: [Dialect; 8] = [
    Dialect::Generic,
    Dialect::MySql,
    Dialect::PostgreSql,
    Dialect::SqlServer,
    Dialect::Oracle,
    Dialect::Sqlite,
    Dialect::H2,
    Dialect::Derby,
];

/// One statement template.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    pub name: &'static str,
    /// The statement, with `{}` where the payload goes.
    pub sql: &'static str,
    pub dialects: &'static [Dialect],
}

/// Every template, in report order.
pub const TEMPLATES: [Template; 7] = [
    Template {
        name: "string",
        sql: "SELECT * FROM users WHERE name = '{}'",
        dialects: &DIALECTS,
    },
    Template {
        // Double quotes delimit strings only in MySQL (without ANSI_QUOTES).
        name: "dq-string",
        sql: "SELECT * FROM users WHERE name = \"{}\"",
        dialects: &[Dialect::MySql],
    },
    Template {
        name: "numeric",
        sql: "SELECT * FROM users WHERE id = {}",
        dialects: &DIALECTS,
    },
    Template {
        name: "order-by",
        sql: "SELECT id, name FROM users ORDER BY {}",
        dialects: &DIALECTS,
    },
    Template {
        name: "in-list",
        sql: "SELECT * FROM users WHERE id IN ({})",
        dialects: &DIALECTS,
    },
    Template {
        name: "like",
        sql: "SELECT * FROM users WHERE name LIKE '%{}%'",
        dialects: &DIALECTS,
    },
    Template {
        name: "insert",
        sql: "INSERT INTO t(a,b) VALUES ('{}', 1)",
        dialects: &DIALECTS,
    },
];

/// A template in one dialect: the unit results are counted by.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// Index into [`TEMPLATES`].
    pub template: usize,
    pub dialect: Dialect,
}

impl Template {
    /// The statement with `payload` in place, and the payload's byte span in it.
    pub fn place(&self, payload: &str) -> (String, std::ops::Range<usize>) {
        let (before, after) = self.sql.split_once("{}").unwrap_or((self.sql, ""));
        let statement = format!("{before}{payload}{after}");
        (statement, before.len()..before.len() + payload.len())
    }
}

/// Every (template, dialect) pair, in report order.
pub fn cases() -> Vec<Case> {
    TEMPLATES
        .iter()
        .enumerate()
        .flat_map(|(template, t)| {
            t.dialects
                .iter()
                .map(move |&dialect| Case { template, dialect })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_one_placeholder() {
        for t in TEMPLATES {
            assert_eq!(t.sql.matches("{}").count(), 1, "{}", t.name);
        }
    }

    #[test]
    fn placing_reports_the_payload_span() {
        let (sql, span) = TEMPLATES[0].place("a{}b");
        assert_eq!(sql, "SELECT * FROM users WHERE name = 'a{}b'");
        assert_eq!(&sql[span], "a{}b");
    }

    #[test]
    fn cases_cover_every_dialect_of_every_template() {
        let n: usize = TEMPLATES.iter().map(|t| t.dialects.len()).sum();
        assert_eq!(cases().len(), n);
        assert_eq!(n, 6 * DIALECTS.len() + 1);
    }
}
