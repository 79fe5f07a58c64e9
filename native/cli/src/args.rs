//! The command line, as clap derive types. Parsing of values that clap cannot check on its
//! own (dialect names, `NAME=VALUE` inputs, engine configuration lines) lives here too, so
//! every subcommand receives typed arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::event_time::{parse_bucket, Bucket};
use rasp_engine::path::PathOp;
use rasp_engine::sql::Dialect;
use rasp_engine::{ExprApi, UrlApi};

/// Explain and evaluate the RASP detection engine.
#[derive(Debug, Parser)]
#[command(name = "rasp", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate detection and false-positive rates against public corpora.
    #[command(subcommand)]
    Corpus(CorpusCommand),
    /// Show how the engine reads one sink call, token by token, and every finding behind its
    /// verdict.
    #[command(subcommand)]
    Explain(ExplainCommand),
    /// Read the agent's event files: counts by rule, route, input and time, or one HTML page.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Compile, check and test signature and policy rules (format: docs/rules.md).
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Counts by action, rule, category, route, input source, client and time; the top
    /// routes and inputs; each rule's first and last event.
    Summary(EventsSummaryArgs),
    /// One self-contained HTML page: the timeline per rule, the top routes and inputs, the
    /// latest events with the input marked in the statement.
    Report(EventsReportArgs),
}

/// Which events `rasp events` reads and counts.
#[derive(Debug, Args)]
pub struct EventsSelection {
    /// Event files (JSON lines, plain or gzip-compressed); `-` is standard input. Rotated
    /// files may be given in any order.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Only events at or after this time: a duration back from now (2h, 30m, 1day) or an
    /// RFC 3339 time (2026-11-25T02:00:00Z, 2026-11-25T04:00:00+02:00, 2026-11-25).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events of this rule: its id (sqli.union) or a prefix of whole dotted parts (sqli,
    /// sql.policy), or any prefix ending in * (sql*); repeat for several.
    #[arg(long, value_name = "RULE")]
    pub rule: Vec<String>,
    /// Only events of this route: a request path (/h2/users), or a prefix ending in * (/api/*);
    /// repeat for several.
    #[arg(long, value_name = "PATH")]
    pub route: Vec<String>,
    /// The width of a timeline bucket: minute, hour or day. Default: chosen from the span
    /// (minutes up to 3 hours, hours up to 7 days, else days).
    #[arg(long, value_name = "WIDTH", value_parser = parse_bucket)]
    pub bucket: Option<Bucket>,
    /// How many routes and inputs the top lists show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct EventsSummaryArgs {
    #[command(flatten)]
    pub select: EventsSelection,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EventsReportArgs {
    #[command(flatten)]
    pub select: EventsSelection,
    /// The HTML file to write (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// How many of the latest events the page shows in full.
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub latest: usize,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate a rules directory and compile it into one rule file.
    Compile(RulesCompileArgs),
    /// Validate a rules directory, or load and verify a compiled rule file.
    Check(RulesSourceArgs),
    /// Run every rule's match and pass examples through the engine, with both backends.
    Test(RulesTestArgs),
}

#[derive(Debug, Args)]
pub struct RulesCompileArgs {
    /// The rules directory: ruleset.toml and the rule files.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The rule file to write (replaced atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Print the summary (or the problems) as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RulesSourceArgs {
    /// A rules directory, or a compiled rule file.
    #[arg(value_name = "DIR|FILE")]
    pub rules: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RulesTestArgs {
    /// A rules directory, or a compiled rule file.
    #[arg(value_name = "DIR|FILE")]
    pub rules: PathBuf,
    /// Also check that no rule fires on the benign corpora (blns without its attack sections,
    /// libinjection's false positives).
    #[arg(long)]
    pub benign: bool,
    /// The corpora directory for --benign (layout: see its README.md). Defaults to
    /// $RASP_CORPORA, else `../shared/corpora` next to the repository root.
    #[arg(long, value_name = "DIR", requires = "benign")]
    pub corpora: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// How `rasp explain` builds its engine: which rules, which configuration, which route.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// The rules to explain with: a rules directory (compiled on the fly) or a compiled rule
    /// file. Defaults to $RASP_RULES, else the repository's `rules/` directory, else none.
    #[arg(long, value_name = "DIR|FILE")]
    pub rules: Option<PathBuf>,
    /// Explain with the built-in detectors only, without any rules.
    #[arg(long, conflicts_with = "rules")]
    pub no_rules: bool,
    /// An engine configuration line, KEY=VALUE (the agent's key without `rasp.`), e.g.
    /// rules.mode.sqli.union=monitor or exclusion.search.inputs=q; repeat for several.
    #[arg(long = "config", value_name = "KEY=VALUE", value_parser = parse_config_line)]
    pub config: Vec<String>,
    /// The request's route (its path), which exclusions' `routes` are matched against.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub route: String,
}

#[derive(Debug, Subcommand)]
pub enum CorpusCommand {
    /// SQL injection: libinjection, PayloadsAllTheThings and the Big List of Naughty Strings.
    Sqli(CorpusArgs),
    /// Command injection: PayloadsAllTheThings cmdi and the Big List of Naughty Strings.
    Cmd(CorpusArgs),
    /// Path traversal: PayloadsAllTheThings path, the Big List of Naughty Strings and
    /// built-in benign file names.
    Path(CorpusArgs),
}

#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// The corpora directory (layout: see its README.md). Defaults to $RASP_CORPORA, else
    /// `../shared/corpora` next to the repository root.
    #[arg(long, value_name = "DIR")]
    pub corpora: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print up to N missed attack examples per template (and N flagged benign examples).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub examples: usize,
}

#[derive(Debug, Subcommand)]
pub enum ExplainCommand {
    /// Explain a SQL statement: tokens, input occurrences, finding and verdict.
    Sql(ExplainSqlArgs),
    /// Explain a process launch: argv, shell tokens, input occurrences, finding and verdict.
    Cmd(ExplainCmdArgs),
    /// Explain a file access: path segments, input occurrences, finding and verdict.
    Path(ExplainPathArgs),
    /// Explain a connection (SSRF): the URL's deciding parts, how the JDK reads the host,
    /// input occurrences, finding and verdict.
    Url(ExplainUrlArgs),
    /// Explain an expression (SpEL, OGNL, MVEL, JEXL, EL): tokens, input occurrences, finding
    /// and verdict.
    Expr(ExplainExprArgs),
    /// Explain a JNDI lookup: scheme and server, lookup-decoded inputs, finding and verdict.
    Jndi(ExplainJndiArgs),
    /// Explain a class a deserializer is about to instantiate: deny-list rules, allow-list, verdict.
    Class(ExplainClassArgs),
    /// Explain an XML entity the parser sets up: which input declared it, finding and verdict.
    Entity(ExplainEntityArgs),
}

#[derive(Debug, Args)]
pub struct ExplainSqlArgs {
    /// The SQL dialect: generic, mysql, postgresql, oracle, sqlserver, sqlite, h2, hsqldb, db2, derby.
    #[arg(long, value_name = "D", default_value = "generic", value_parser = parse_dialect)]
    pub dialect: Dialect,
    /// A request input (a query parameter) as NAME=VALUE; repeat for several.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The statement the application is about to run.
    #[arg(value_name = "STATEMENT")]
    pub statement: String,
}

#[derive(Debug, Args)]
pub struct ExplainCmdArgs {
    /// A request input (a query parameter) as NAME=VALUE; repeat for several.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    /// An environment entry the application sets for the child, as NAME=VALUE; repeat for
    /// several.
    #[arg(long = "env", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub env: Vec<(String, String)>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The argument vector as the JVM passes it to the OS, after `--`.
    #[arg(value_name = "ARGV", required = true, last = true)]
    pub argv: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExplainPathArgs {
    /// What the application does with the path.
    #[arg(long, value_name = "OP", default_value = "read", value_parser = parse_op)]
    pub op: PathOp,
    /// A request input (a query parameter) as NAME=VALUE; repeat for several.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The path the application is about to use.
    #[arg(value_name = "PATH")]
    pub path: String,
}

#[derive(Debug, Args)]
pub struct ExplainUrlArgs {
    /// Where the connection is made: url (URL.openConnection), redirect (a hop
    /// HttpURLConnection follows, with --origin), http-client, socket or channel (a connect,
    /// with the URL written tcp://host:port and --address).
    #[arg(long, value_name = "API", default_value = "url", value_parser = parse_url_api)]
    pub api: UrlApi,
    /// The address a socket connect resolved to.
    #[arg(long, value_name = "IP")]
    pub address: Option<String>,
    /// The URL whose destination input chose, which this connection follows from.
    #[arg(long, value_name = "URL")]
    pub origin: Option<String>,
    /// A request input (a query parameter) as NAME=VALUE; repeat for several.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The URL the application is about to open.
    #[arg(value_name = "URL")]
    pub url: String,
}

#[derive(Debug, Args)]
pub struct ExplainExprArgs {
    /// The expression language: spel, spel-template, ognl, mvel, jexl, el, freemarker, velocity,
    /// thymeleaf.
    #[arg(long, value_name = "L", default_value = "spel", value_parser = parse_expr_api)]
    pub language: ExprApi,
    /// A request input (a query parameter) as NAME=VALUE; repeat for several.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The expression the application is about to parse.
    #[arg(value_name = "EXPRESSION")]
    pub expression: String,
}

fn parse_expr_api(name: &str) -> Result<ExprApi, String> {
    match name.to_ascii_lowercase().as_str() {
        "spel" => Ok(ExprApi::Spel),
        "spel-template" => Ok(ExprApi::SpelTemplate),
        "ognl" => Ok(ExprApi::Ognl),
        "mvel" => Ok(ExprApi::Mvel),
        "jexl" => Ok(ExprApi::Jexl),
        "el" => Ok(ExprApi::JakartaEl),
        "freemarker" | "ftl" => Ok(ExprApi::FreeMarker),
        "velocity" | "vtl" => Ok(ExprApi::Velocity),
        "thymeleaf" => Ok(ExprApi::Thymeleaf),
        _ => Err(format!(
            "unknown language '{name}': use spel, spel-template, ognl, mvel, jexl, el, \
             freemarker, velocity or thymeleaf"
        )),
    }
}

/// The checkClass api code (docs/native-boundary.md) of a deserializer's name.
fn parse_class_api(name: &str) -> Result<i32, String> {
    match name.to_ascii_lowercase().as_str() {
        "stream" => Ok(0),
        "proxy" => Ok(1),
        "yaml" => Ok(2),
        "xstream" => Ok(3),
        "jackson" => Ok(4),
        _ => Err(format!(
            "unknown api '{name}': use stream, proxy, yaml, xstream or jackson"
        )),
    }
}

fn parse_url_api(name: &str) -> Result<UrlApi, String> {
    match name.to_ascii_lowercase().as_str() {
        "url" => Ok(UrlApi::UrlOpenConnection),
        "redirect" => Ok(UrlApi::HttpUrlConnectionRedirect),
        "http-client" => Ok(UrlApi::HttpClientSend),
        "socket" => Ok(UrlApi::SocketConnect),
        "channel" => Ok(UrlApi::SocketChannelConnect),
        _ => Err(format!(
            "unknown api '{name}': use url, redirect, http-client, socket or channel"
        )),
    }
}

#[derive(Debug, Args)]
pub struct ExplainJndiArgs {
    /// The hooked API: initial-context (a name InitialContext is asked for), url-context (a
    /// URL name a JDK URL context resolves), provider-url (an initial context's
    /// java.naming.provider.url: URLs separated by spaces, no remote-lookup policy).
    #[arg(long, value_name = "API", default_value = "initial-context", value_parser = parse_jndi_api)]
    pub api: i32,
    /// A request input (a query parameter) as NAME=VALUE; repeat for several.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The name the application looks up (`InitialContext.lookup(name)`).
    #[arg(value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct ExplainClassArgs {
    /// The class is a proxy interface (ObjectInputStream.resolveProxyClass); the same as --api proxy.
    #[arg(long, conflicts_with = "api")]
    pub proxy: bool,
    /// The deserializer that resolved the class: stream (ObjectInputStream.resolveClass), proxy,
    /// yaml (a SnakeYAML global tag), xstream (an XStream element or class attribute), jackson (a
    /// Jackson class-name type id). The judgement is the same; the event's sink.api differs.
    #[arg(long, value_name = "API", value_parser = parse_class_api)]
    pub api: Option<i32>,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The class name as the stream spells it (an array: [Lcom.example.Type;).
    #[arg(value_name = "CLASS")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct ExplainEntityArgs {
    /// A request input (a query parameter) as NAME=VALUE, e.g. the document; repeat for several.
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    /// The entity's public id, if it has one.
    #[arg(long, value_name = "ID", default_value = "")]
    pub public_id: String,
    /// The entity's name as the parser knows it (`x`, `%p`, `[dtd]`).
    #[arg(long, value_name = "NAME", default_value = "x")]
    pub name: String,
    /// Explain the parse passing the agent's expansion limit instead of a resolution.
    #[arg(long)]
    pub expansion_limit: bool,
    /// Explain a resolution in a parse that read a request body the agent did not keep.
    #[arg(long, conflicts_with = "expansion_limit")]
    pub unseen_body: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Print the explanation as JSON.
    #[arg(long)]
    pub json: bool,
    /// The system id the parser is about to open (empty with --expansion-limit).
    #[arg(value_name = "SYSTEM_ID", default_value = "")]
    pub system_id: String,
}

fn parse_op(name: &str) -> Result<PathOp, String> {
    match name.to_ascii_lowercase().as_str() {
        "read" => Ok(PathOp::Read),
        "write" => Ok(PathOp::Write),
        "delete" => Ok(PathOp::Delete),
        "list" => Ok(PathOp::List),
        "metadata" => Ok(PathOp::Metadata),
        "link" => Ok(PathOp::Link),
        _ => Err(format!(
            "unknown operation '{name}' (known: read, write, delete, list, metadata, link)"
        )),
    }
}

fn parse_dialect(name: &str) -> Result<Dialect, String> {
    Dialect::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
        format!("unknown dialect '{name}' (known: {})", known.join(", "))
    })
}

fn parse_jndi_api(name: &str) -> Result<i32, String> {
    use rasp_engine::engine::{JNDI_INITIAL_CONTEXT, JNDI_PROVIDER_URL, JNDI_URL_CONTEXT};
    match name {
        "initial-context" => Ok(JNDI_INITIAL_CONTEXT),
        "url-context" => Ok(JNDI_URL_CONTEXT),
        "provider-url" => Ok(JNDI_PROVIDER_URL),
        _ => Err(format!(
            "unknown JNDI api '{name}' (known: initial-context, url-context, provider-url)"
        )),
    }
}

/// One engine configuration line: `KEY=VALUE` with a non-empty key on one line. The engine
/// checks the key and the value when the configuration is parsed.
fn parse_config_line(arg: &str) -> Result<String, String> {
    match arg.split_once('=') {
        Some((key, _)) if !key.trim().is_empty() && !arg.contains('\n') => Ok(arg.to_string()),
        _ => Err(format!(
            "'{arg}' is not KEY=VALUE on one line (e.g. rules.mode.sqli.union=monitor)"
        )),
    }
}

fn parse_input(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!(
            "'{arg}' is not NAME=VALUE (the name must not be empty)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn inputs_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_input("q=a=b"),
            Ok(("q".to_string(), "a=b".to_string()))
        );
        assert_eq!(parse_input("q="), Ok(("q".to_string(), String::new())));
        assert!(parse_input("=x").is_err());
        assert!(parse_input("novalue").is_err());
    }

    #[test]
    fn operations_by_name() {
        assert_eq!(parse_op("WRITE"), Ok(PathOp::Write));
        let err = parse_op("exec").unwrap_err();
        assert!(err.contains("read, write, delete, list"), "{err}");
    }

    #[test]
    fn explain_cmd_takes_argv_after_the_separator() {
        let cli = Cli::try_parse_from([
            "rasp", "explain", "cmd", "--input", "h=x", "--env", "A=b", "--", "sh", "-c", "ping x",
        ])
        .expect("parses");
        match cli.command {
            Command::Explain(ExplainCommand::Cmd(args)) => {
                assert_eq!(args.argv, vec!["sh", "-c", "ping x"]);
                assert_eq!(args.env, vec![("A".to_string(), "b".to_string())]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn config_lines_need_a_key() {
        assert_eq!(
            parse_config_line("rules.mode.sqli.union=monitor"),
            Ok("rules.mode.sqli.union=monitor".to_string())
        );
        assert!(parse_config_line("=monitor").is_err());
        assert!(parse_config_line("mode").is_err());
        assert!(parse_config_line("mode=off\nmode=block").is_err());
    }

    #[test]
    fn explain_takes_rules_or_no_rules_but_not_both() {
        let cli = Cli::try_parse_from([
            "rasp",
            "explain",
            "path",
            "--rules",
            "rules",
            "--config",
            "mode=monitor",
            "/x",
        ])
        .expect("parses");
        match cli.command {
            Command::Explain(ExplainCommand::Path(args)) => {
                assert_eq!(args.engine.rules, Some(PathBuf::from("rules")));
                assert_eq!(args.engine.config, vec!["mode=monitor"]);
                assert_eq!(args.engine.route, "/");
            }
            other => panic!("{other:?}"),
        }
        let err = Cli::try_parse_from([
            "rasp",
            "explain",
            "path",
            "--rules",
            "r",
            "--no-rules",
            "/x",
        ])
        .expect_err("conflicting flags");
        assert!(err.to_string().contains("--no-rules"), "{err}");
    }

    #[test]
    fn rules_compile_needs_an_output() {
        let cli = Cli::try_parse_from(["rasp", "rules", "compile", "rules", "-o", "default.rules"])
            .expect("parses");
        match cli.command {
            Command::Rules(RulesCommand::Compile(args)) => {
                assert_eq!(args.output, PathBuf::from("default.rules"));
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["rasp", "rules", "compile", "rules"]).is_err());
    }

    #[test]
    fn dialect_errors_list_the_known_names() {
        assert_eq!(parse_dialect("MariaDB"), Ok(Dialect::MySql));
        let err = parse_dialect("access").unwrap_err();
        assert!(err.contains("mysql") && err.contains("access"), "{err}");
    }
}
