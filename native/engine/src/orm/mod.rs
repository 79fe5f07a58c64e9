//! ORM query languages: JPQL (Jakarta Persistence) and HQL (Hibernate).
//!
//! `EntityManager.createQuery(String)` and Hibernate's `Session.createQuery`/`createSelectionQuery`
//! take a query in the ORM's language, which the provider translates to SQL before any JDBC call.
//! After translation the input is no longer in the text verbatim (`u.id` became `u1_0.id`), so
//! the JDBC hook cannot see the injection: the query is judged here, before translation, with
//! the language's own lexical rules ([`lexer`]) and the SQL detector's structural rule
//! ([`fn@crate::sql::detect`]), which only needs tokens.

pub mod lexer;

use crate::context::RequestContext;
use crate::sql::{self, SqlAnalysis, SqlFinding};
pub use lexer::OrmLexer;

/// The query language a text is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    /// JPQL, as `EntityManager.createQuery` takes it from a provider other than Hibernate.
    Jpql,
    /// HQL, Hibernate's superset of JPQL (also what Hibernate's `EntityManager` reads).
    Hql,
}

impl QueryLanguage {
    /// A stable lower-case name: the `dialect` of a `sql` event.
    pub fn name(self) -> &'static str {
        match self {
            QueryLanguage::Jpql => "jpql",
            QueryLanguage::Hql => "hql",
        }
    }

    /// Parses [`QueryLanguage::name`].
    pub fn from_name(name: &str) -> Option<QueryLanguage> {
        match name.to_ascii_lowercase().as_str() {
            "jpql" => Some(QueryLanguage::Jpql),
            "hql" => Some(QueryLanguage::Hql),
            _ => None,
        }
    }
}

/// Decides for one query. The common case, no input in the query, costs one search.
pub fn detect(ctx: &RequestContext, query: &[u8]) -> Option<SqlFinding> {
    if !ctx.matcher().any(query) {
        return None;
    }
    analyze(ctx, query).finding
}

/// The full analysis, as [`crate::sql::analyze`] gives it for SQL.
pub fn analyze(ctx: &RequestContext, query: &[u8]) -> SqlAnalysis {
    sql::detect::analyze_tokens(ctx, query, OrmLexer::new().tokens(query))
}
