//! Several inputs, each one token, that together form code: the request's parameters, the
//! statement the application built from them, and the expected rule. Every attack has a benign
//! twin built the same way.

use rasp_engine::input::{Input, InputSource};
use rasp_engine::sql::{detect, Dialect, SqlRule};
use rasp_engine::{ContextLimits, RequestContext};

fn ctx(params: &[(&str, &str)]) -> RequestContext {
    let mut inputs: Vec<Input> = params
        .iter()
        .map(|(n, v)| Input::value(InputSource::Query, *n, *v))
        .collect();
    inputs.push(Input::value(
        InputSource::Header,
        "Accept",
        "text/html,*/*;q=0.8",
    ));
    RequestContext::from_inputs(inputs, ContextLimits::default())
}

type Row = (
    &'static [(&'static str, &'static str)],
    &'static str,
    Option<SqlRule>,
);

const ROWS: &[Row] = &[
    // A filter builder: field, operator, value side by side.
    (
        &[("field", "id"), ("op", "OR"), ("value", "TRUE")],
        "SELECT * FROM users WHERE owner = 7 AND id OR TRUE",
        Some(SqlRule::Tautology),
    ),
    (
        &[("field", "name"), ("op", "="), ("value", "'alice'")],
        "SELECT * FROM users WHERE owner = 7 AND name = 'alice'",
        None,
    ),
    (
        &[("field", "id"), ("op", "or"), ("value", "1")],
        "SELECT * FROM users WHERE owner = 7 AND id = 3 or 1",
        Some(SqlRule::Tautology),
    ),
    (
        &[("field", "id"), ("op", ">"), ("value", "1")],
        "SELECT * FROM users WHERE owner = 7 AND id > 1",
        None,
    ),
    // A connective parameter between two conditions the application wrote.
    (
        &[("join", "OR"), ("b", "1")],
        "SELECT * FROM t WHERE a = 2 OR 1",
        Some(SqlRule::Tautology),
    ),
    (
        &[("join", "OR"), ("b", "3")],
        "SELECT * FROM t WHERE a = 2 OR b = 3",
        None,
    ),
    // A set operation from two parameters.
    (
        &[("kind", "UNION"), ("then", "SELECT")],
        "SELECT a FROM t WHERE k = 1 UNION SELECT password FROM users",
        Some(SqlRule::Union),
    ),
    // An input equal to the statement's own keyword, alone, is data.
    (
        &[("q", "OR"), ("page", "2")],
        "SELECT * FROM t WHERE a = 1 OR b = 2 ORDER BY a",
        None,
    ),
    (
        &[("sort", "name"), ("dir", "DESC")],
        "SELECT * FROM t ORDER BY name DESC",
        None,
    ),
];

#[test]
fn adjacent_single_token_inputs_are_judged_as_one_span() {
    for (params, sql, want) in ROWS {
        let ctx = ctx(params);
        let got = detect(&ctx, Dialect::PostgreSql, sql.as_bytes());
        assert_eq!(got.map(|f| f.rule), *want, "{params:?} in {sql:?}");
        if let Some(f) = got {
            let span = &sql[f.occurrence.start..f.occurrence.end];
            let blamed = &ctx.inputs()[f.occurrence.input];
            assert!(
                span.contains(blamed.value.as_str()),
                "{sql}: the finding spans {span:?} and names {blamed:?}"
            );
        }
    }
}
