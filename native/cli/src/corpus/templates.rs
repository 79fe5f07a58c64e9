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

/// What the application does to the request's value before it concatenates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppTransform {
    /// Nothing: the payload is the value.
    Verbatim,
    /// `value.toLowerCase()`: the request carries the payload, the statement its lower case.
    LowerCase,
    /// A pagination cursor: the request carries the payload base64-encoded (URL-safe, no
    /// padding) and the application decodes it.
    Base64Cursor,
}

impl AppTransform {
    /// The value the request carries for `payload`.
    pub fn sent(self, payload: &str) -> String {
        match self {
            AppTransform::Verbatim | AppTransform::LowerCase => payload.to_owned(),
            AppTransform::Base64Cursor => {
                use base64::Engine as _;
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload)
            }
        }
    }

    /// What reaches the statement for `payload`.
    pub fn applied(self, payload: &str) -> String {
        match self {
            AppTransform::LowerCase => payload.to_lowercase(),
            AppTransform::Verbatim | AppTransform::Base64Cursor => payload.to_owned(),
        }
    }
}

/// One statement template.
#[derive(Clone, Copy, Debug)]
pub struct Template {
    pub name: &'static str,
    /// The statement, with `{}` where the payload goes.
    pub sql: &'static str,
    pub dialects: &'static [Dialect],
    pub app: AppTransform,
}

/// Every template, in report order. The last two are the string template after the
/// application transformed the value (lower-cased it; decoded it from a base64 cursor), run
/// in the generic dialect (which the engine also reads as MySQL).
pub const TEMPLATES: [Template; 9] = [
    Template {
        name: "string",
        sql: "SELECT * FROM users WHERE name = '{}'",
        dialects: &DIALECTS,
        app: AppTransform::Verbatim,
    },
    Template {
        // Double quotes delimit strings only in MySQL (without ANSI_QUOTES).
        name: "dq-string",
        sql: "SELECT * FROM users WHERE name = \"{}\"",
        dialects: &[Dialect::MySql],
        app: AppTransform::Verbatim,
    },
    Template {
        name: "numeric",
        sql: "SELECT * FROM users WHERE id = {}",
        dialects: &DIALECTS,
        app: AppTransform::Verbatim,
    },
    Template {
        name: "order-by",
        sql: "SELECT id, name FROM users ORDER BY {}",
        dialects: &DIALECTS,
        app: AppTransform::Verbatim,
    },
    Template {
        name: "in-list",
        sql: "SELECT * FROM users WHERE id IN ({})",
        dialects: &DIALECTS,
        app: AppTransform::Verbatim,
    },
    Template {
        name: "like",
        sql: "SELECT * FROM users WHERE name LIKE '%{}%'",
        dialects: &DIALECTS,
        app: AppTransform::Verbatim,
    },
    Template {
        name: "insert",
        sql: "INSERT INTO t(a,b) VALUES ('{}', 1)",
        dialects: &DIALECTS,
        app: AppTransform::Verbatim,
    },
    Template {
        name: "lowered",
        sql: "SELECT * FROM users WHERE name = '{}'",
        dialects: &[Dialect::Generic],
        app: AppTransform::LowerCase,
    },
    Template {
        name: "cursor",
        sql: "SELECT * FROM users WHERE name > '{}'",
        dialects: &[Dialect::Generic],
        app: AppTransform::Base64Cursor,
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
    /// The statement with `payload` in place (after the application's transform), and the
    /// span of what the application placed.
    pub fn place(&self, payload: &str) -> (String, std::ops::Range<usize>) {
        let placed = self.app.applied(payload);
        let (before, after) = self.sql.split_once("{}").unwrap_or((self.sql, ""));
        let statement = format!("{before}{placed}{after}");
        (statement, before.len()..before.len() + placed.len())
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
        assert_eq!(n, 6 * DIALECTS.len() + 3);
    }
}
