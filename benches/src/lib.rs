//! Fixtures for the engine benchmarks: a realistic request and realistic statements, command
//! lines ([`command`]) and paths ([`path`]) of chosen sizes.
//!
//! The performance requirement is about the common case of a RASP agent: a request with a
//! couple of dozen inputs (headers, cookies, query parameters) reaches a SQL sink whose
//! statement contains none of them. It is measured for three scenarios, on statements of
//! 100 B, 1 KB and 16 KB:
//!
//! * [`Scenario::None`]: no input occurs in the statement (one automaton pass, then allow);
//! * [`Scenario::Benign`]: one input occurs, inside a string literal (the statement is lexed
//!   and the occurrence classified as data; allow);
//! * [`Scenario::Attack`]: one input closes the literal and adds a tautology (lexed,
//!   classified, and a block verdict with its event is built).
//!
//! The statements differ only in the value of one literal, so the three scenarios of a size
//! scan almost the same bytes. The fixtures live in a library, not in the benchmark file, so
//! that tests can check that each scenario really takes the path it is named after.

#![forbid(unsafe_code)]

pub mod command;
pub mod path;

use rasp_engine::input::{CompactString, Input, InputSource};
use rasp_engine::sql::Dialect;
use rasp_engine::wire::RequestRecord;
use rasp_engine::{ContextLimits, RequestContext};

/// A query parameter value that ends up inside a string literal of the statement.
pub const BENIGN_VALUE: &str = "new york, ny";
/// A query parameter value that closes the literal and adds an always-true condition.
pub const ATTACK_VALUE: &str = "x' OR '1'='1";
/// The literal's value when no input occurs in the statement.
const OTHER_VALUE: &str = "boston, ma";

/// The dialect of every benchmark statement (the most common one behind Java applications).
pub const DIALECT: Dialect = Dialect::MySql;

/// The three paths a check can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    None,
    Benign,
    Attack,
}

impl Scenario {
    pub const ALL: [Scenario; 3] = [Scenario::None, Scenario::Benign, Scenario::Attack];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::None => "none",
            Scenario::Benign => "benign",
            Scenario::Attack => "attack",
        }
    }

    /// The value placed into the statement's `city` literal.
    fn slot(self) -> &'static str {
        match self {
            Scenario::None => OTHER_VALUE,
            Scenario::Benign => BENIGN_VALUE,
            Scenario::Attack => ATTACK_VALUE,
        }
    }
}

/// The statement sizes measured, with their labels.
pub const SIZES: [(usize, &str); 3] = [(100, "100B"), (1024, "1KB"), (16 * 1024, "16KB")];

/// The number of inputs in every benchmark context.
pub const INPUTS: usize = 20;

/// The twenty inputs of a typical browser request to a search page: eleven headers, four
/// cookies and five query parameters. In the attack scenario the `city` parameter carries the
/// attack instead.
pub fn inputs(scenario: Scenario) -> Vec<Input> {
    let city = match scenario {
        Scenario::Attack => ATTACK_VALUE,
        Scenario::None | Scenario::Benign => BENIGN_VALUE,
    };
    inputs_with("city", city)
}

/// The same request with its last query parameter named `name` and set to `value`: the
/// parameter a benchmark's sink is built from.
pub fn inputs_with(name: &str, value: &str) -> Vec<Input> {
    use InputSource::{Cookie, Header, Query};
    let pairs: [(InputSource, &str, &str); INPUTS] = [
        (Header, "Host", "shop.example.com"),
        (
            Header,
            "User-Agent",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        ),
        (
            Header,
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        ),
        (Header, "Accept-Language", "en-US,en;q=0.9,de;q=0.8"),
        (Header, "Accept-Encoding", "gzip, deflate, br, zstd"),
        (
            Header,
            "Referer",
            "https://shop.example.com/search?q=red+running+shoes&page=1",
        ),
        (Header, "Connection", "keep-alive"),
        (Header, "X-Forwarded-For", "203.0.113.7, 10.0.0.12"),
        (Header, "X-Request-Id", "f3b9c2d4-8a1e-4c7b-9f2e-6d5a4b3c2e1f"),
        (Header, "Sec-Fetch-Mode", "navigate"),
        (Header, "Cache-Control", "max-age=0"),
        (Cookie, "JSESSIONID", "8F2C1A7E4B9D0C3F6A5E2B1D7C4F9A0E"),
        (Cookie, "_ga", "GA1.2.1234567890.1699999999"),
        (Cookie, "csrftoken", "k3J9xQ2mZ7pL4vN8wR5t"),
        (Cookie, "theme", "dark"),
        (Query, "q", "red running shoes"),
        (Query, "sort", "price desc"),
        (Query, "page", "2"),
        (Query, "size", "10-12"),
        (Query, name, value),
    ];
    pairs
        .into_iter()
        .map(|(source, name, value)| Input::value(source, name, value))
        .collect()
}

/// `n` bytes of a rotated-log style suffix (`-rotated-2024-11-25-rotated-...`), for filling a
/// fixture up to its labelled size.
pub fn filler(n: usize) -> String {
    "-rotated-2024-11-25".chars().cycle().take(n).collect()
}

/// The context of [`inputs`].
pub fn context(scenario: Scenario) -> RequestContext {
    RequestContext::from_inputs(inputs(scenario), ContextLimits::default())
}

/// A product search as an application builds it, about `size` bytes long (within 5%, at
/// least the smallest form): many columns, many conditions, and the `city` literal last
/// before `ORDER BY`, holding the scenario's value.
pub fn statement(size: usize, scenario: Scenario) -> String {
    const COLUMNS: [&str; 8] = [
        "sku",
        "title",
        "price",
        "currency",
        "stock_level",
        "brand_id",
        "category_id",
        "updated_at",
    ];
    const CONDITIONS: [&str; 4] = [
        " AND price_{i} BETWEEN 10.5 AND 250",
        " AND status_{i} IN ('active', 'preorder')",
        " AND stock_{i} > 0",
        " AND tag_{i} <> 'clearance'",
    ];
    let tail = format!(" AND city = '{}' ORDER BY id LIMIT 20", scenario.slot());
    let mut columns = String::from("SELECT id, name");
    let mut conditions = String::from(" FROM products WHERE active = 1");
    let len = |c: &str, w: &str| c.len() + w.len() + tail.len();
    let (mut ci, mut wi) = (0, 0);
    loop {
        // Columns fill about a third of the statement, conditions the rest.
        let (piece, is_column) = if columns.len() * 2 < conditions.len() {
            (format!(", {}_{ci}", COLUMNS[ci % COLUMNS.len()]), true)
        } else {
            let template = CONDITIONS[wi % CONDITIONS.len()];
            (template.replace("{i}", &wi.to_string()), false)
        };
        if len(&columns, &conditions) + piece.len() > size {
            break;
        }
        if is_column {
            columns.push_str(&piece);
            ci += 1;
        } else {
            conditions.push_str(&piece);
            wi += 1;
        }
    }
    format!("{columns}{conditions}{tail}")
}

/// A request record with about twenty headers and parameters, for measuring context
/// creation ([`RequestContext::new`]): the same request as [`inputs`], as the agent sends it.
pub fn record() -> RequestRecord {
    let mut headers: Vec<(CompactString, CompactString)> = inputs(Scenario::Benign)
        .into_iter()
        .filter(|i| i.source == InputSource::Header)
        .map(|i| (i.name, i.value))
        .collect();
    headers.push((
        "Cookie".into(),
        "JSESSIONID=8F2C1A7E4B9D0C3F6A5E2B1D7C4F9A0E; _ga=GA1.2.1234567890.1699999999; csrftoken=k3J9xQ2mZ7pL4vN8wR5t; theme=dark".into(),
    ));
    RequestRecord {
        method: "GET".into(),
        uri: "/shop/search/products".into(),
        query: "q=red+running+shoes&sort=price+desc&page=2&size=10-12&city=new+york%2C+ny".into(),
        remote_addr: "203.0.113.7".into(),
        content_type: Default::default(),
        headers,
    }
}

/// The record of a load-test request (`benches/load`: a path, one query parameter, a Host
/// header) as the agent sends it to openContext, encoded: what `context/open/load-request` and
/// the `context_open` example decode and open a context from.
pub fn load_request() -> Vec<u8> {
    load_request_to("/h2/users/by-name", "name=alice")
}

/// [`load_request`] for another of the load test's paths and query strings.
pub fn load_request_to(uri: &str, query: &str) -> Vec<u8> {
    RequestRecord {
        method: "GET".into(),
        uri: uri.into(),
        query: query.into(),
        remote_addr: "127.0.0.1".into(),
        content_type: Default::default(),
        headers: vec![("host".into(), "127.0.0.1:8080".into())],
    }
    .encode()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasp_engine::sql::{detect, SqlRule};
    use rasp_engine::{Action, Engine, EngineConfig, SqlApi, SqlSink};

    fn check(scenario: Scenario, sql: &str) -> Action {
        Engine::new(EngineConfig::default())
            .check_sql(
                &context(scenario),
                &SqlSink {
                    dialect: DIALECT,
                    api: SqlApi::ExecuteQuery,
                    statement: sql.as_bytes(),
                },
            )
            .action
    }

    #[test]
    fn statements_have_the_labelled_sizes() {
        for (size, label) in SIZES {
            for scenario in Scenario::ALL {
                let n = statement(size, scenario).len();
                assert!(
                    n <= size && n * 100 >= size * 95,
                    "{label} {scenario:?}: {n} bytes"
                );
            }
        }
    }

    #[test]
    fn every_context_has_twenty_inputs() {
        for scenario in Scenario::ALL {
            assert_eq!(context(scenario).inputs().len(), INPUTS);
        }
    }

    #[test]
    fn each_scenario_takes_its_path() {
        for (size, _) in SIZES {
            let none = statement(size, Scenario::None);
            assert!(!context(Scenario::None).matcher().any(none.as_bytes()));
            assert_eq!(check(Scenario::None, &none), Action::Allow);

            let benign = statement(size, Scenario::Benign);
            let ctx = context(Scenario::Benign);
            assert_eq!(ctx.matcher().occurrences(benign.as_bytes()).len(), 1);
            assert_eq!(check(Scenario::Benign, &benign), Action::Allow);

            let attack = statement(size, Scenario::Attack);
            let f = detect(&context(Scenario::Attack), DIALECT, attack.as_bytes());
            assert_eq!(f.map(|f| f.rule), Some(SqlRule::Tautology));
            assert_eq!(check(Scenario::Attack, &attack), Action::Block);
        }
    }

    #[test]
    fn the_record_yields_about_twenty_inputs() {
        let ctx = RequestContext::new(&record(), ContextLimits::default());
        let values = ctx
            .inputs()
            .iter()
            .filter(|i| i.part == rasp_engine::input::InputPart::Value)
            .count();
        assert!((20..=30).contains(&values), "{values} values");
        assert!(!ctx.overflowed());
    }
}
