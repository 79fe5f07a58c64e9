//! The engine: checks a sink call against a request context and produces a verdict.
//!
//! A check collects findings: the built-in detector of the sink family (`sql`, `cmd`, `path`),
//! the built-in command policy, the request's input overflow, and the rules of the loaded rule
//! set ([`crate::rules::eval`]). Each finding then gets its policy from the modes and may be
//! dropped by an exclusion (module `decision`); the strongest action wins and its finding becomes
//! the event. `check_*` returns just the verdict; `explain_*` the same verdict with every
//! finding and why it fired, for `rasp explain` and rule tests.
//!
//! The common check finds nothing: no input occurs in the sink and no rule hits. It then costs
//! one input search (shared by the detector and the rules), one rule scan when the set has
//! `always` rules for the sink kind, and no allocation beyond a command's joined argv.

mod decision;
mod deser;
mod expr;
mod jndi;
mod url;
mod xxe;

use std::fmt;
use std::sync::Arc;

use crate::cmd::{self, CmdLocation, CmdRule, CommandLine};
use crate::config::{check_rule_ids, ConfigError, EngineConfig};
use crate::context::RequestContext;
use crate::context_cache::{ContextCache, Opened};
use crate::event::{EventSink, Span};
use crate::matcher::Occurrence;
use crate::orm::{self, QueryLanguage};
use crate::path::{self, PathOp};
use crate::rules::eval::{self, sink_hits, RulePlan, SinkText};
use crate::rules::{RuleSet, SinkKind, INPUT_OVERFLOW_RULE_ID};
use crate::sql::{self, Dialect, SqlRule};
use crate::statement_cache::{Found, Lookup, StatementCache, StatementFacts};
use crate::statement_shapes::{Shape, ShapeSighting, StatementShapes};
use crate::verdict::{Confidence, Policy, Verdict};
use crate::wire::WireError;
use decision::{BuiltinWhy, Finding, Source};
pub use jndi::{
    jndi_api_name, JndiSink, JNDI_INITIAL_CONTEXT, JNDI_PROVIDER_URL, JNDI_URL_CONTEXT,
};

pub use decision::{Explanation, FindingReport};
pub use deser::ClassSink;
pub use expr::{ExprApi, ExprSink};
pub use url::{UrlApi, UrlCheck, UrlSink};
pub use xxe::{entity_api_name, EntityEvent, EntitySink};

/// The hooked JDBC API, by its boundary code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlApi {
    Execute,
    ExecuteQuery,
    ExecuteUpdate,
    ExecuteLargeUpdate,
    AddBatch,
    PrepareStatement,
    PrepareCall,
    NativeSql,
    /// `jakarta.persistence.EntityManager.createQuery(String, ...)` of a provider other than
    /// Hibernate: the text is JPQL.
    JakartaCreateQuery,
    /// The same method on Hibernate's `EntityManager` (its `Session`): the text is HQL.
    JakartaCreateQueryHql,
    /// `jakarta.persistence.EntityManager.createNativeQuery(String, ...)`: SQL in the dialect.
    JakartaCreateNativeQuery,
    JavaxCreateQuery,
    JavaxCreateQueryHql,
    JavaxCreateNativeQuery,
    /// Hibernate's `QueryProducer` (`Session`, `StatelessSession`) methods that take HQL ...
    HibernateCreateQuery,
    HibernateCreateSelectionQuery,
    HibernateCreateMutationQuery,
    /// ... and SQL.
    HibernateCreateNativeQuery,
    HibernateCreateNativeMutationQuery,
}

impl SqlApi {
    pub fn from_code(code: i32) -> Option<SqlApi> {
        use SqlApi::*;
        [
            Execute,
            ExecuteQuery,
            ExecuteUpdate,
            ExecuteLargeUpdate,
            AddBatch,
            PrepareStatement,
            PrepareCall,
            NativeSql,
            JakartaCreateQuery,
            JakartaCreateQueryHql,
            JakartaCreateNativeQuery,
            JavaxCreateQuery,
            JavaxCreateQueryHql,
            JavaxCreateNativeQuery,
            HibernateCreateQuery,
            HibernateCreateSelectionQuery,
            HibernateCreateMutationQuery,
            HibernateCreateNativeQuery,
            HibernateCreateNativeMutationQuery,
        ]
        .get(usize::try_from(code).ok()?)
        .copied()
    }

    pub fn name(self) -> &'static str {
        match self {
            SqlApi::Execute => "java.sql.Statement.execute",
            SqlApi::ExecuteQuery => "java.sql.Statement.executeQuery",
            SqlApi::ExecuteUpdate => "java.sql.Statement.executeUpdate",
            SqlApi::ExecuteLargeUpdate => "java.sql.Statement.executeLargeUpdate",
            SqlApi::AddBatch => "java.sql.Statement.addBatch",
            SqlApi::PrepareStatement => "java.sql.Connection.prepareStatement",
            SqlApi::PrepareCall => "java.sql.Connection.prepareCall",
            SqlApi::NativeSql => "java.sql.Connection.nativeSQL",
            SqlApi::JakartaCreateQuery | SqlApi::JakartaCreateQueryHql => {
                "jakarta.persistence.EntityManager.createQuery"
            }
            SqlApi::JakartaCreateNativeQuery => {
                "jakarta.persistence.EntityManager.createNativeQuery"
            }
            SqlApi::JavaxCreateQuery | SqlApi::JavaxCreateQueryHql => {
                "javax.persistence.EntityManager.createQuery"
            }
            SqlApi::JavaxCreateNativeQuery => "javax.persistence.EntityManager.createNativeQuery",
            SqlApi::HibernateCreateQuery => "org.hibernate.query.QueryProducer.createQuery",
            SqlApi::HibernateCreateSelectionQuery => {
                "org.hibernate.query.QueryProducer.createSelectionQuery"
            }
            SqlApi::HibernateCreateMutationQuery => {
                "org.hibernate.query.QueryProducer.createMutationQuery"
            }
            SqlApi::HibernateCreateNativeQuery => {
                "org.hibernate.query.QueryProducer.createNativeQuery"
            }
            SqlApi::HibernateCreateNativeMutationQuery => {
                "org.hibernate.query.QueryProducer.createNativeMutationQuery"
            }
        }
    }

    /// The ORM query language the API takes, or `None` for SQL (whose dialect the sink names).
    /// The API says it, not the dialect code: a native query is SQL in the database's dialect,
    /// and the JPQL/HQL methods ignore the dialect.
    pub fn query_language(self) -> Option<QueryLanguage> {
        match self {
            SqlApi::JakartaCreateQuery | SqlApi::JavaxCreateQuery => Some(QueryLanguage::Jpql),
            SqlApi::JakartaCreateQueryHql
            | SqlApi::JavaxCreateQueryHql
            | SqlApi::HibernateCreateQuery
            | SqlApi::HibernateCreateSelectionQuery
            | SqlApi::HibernateCreateMutationQuery => Some(QueryLanguage::Hql),
            _ => None,
        }
    }
}

/// The hooked process API, by its boundary code.
pub fn command_api_name(code: i32) -> &'static str {
    match code {
        1 => "java.lang.ProcessBuilder.start",
        2 => "java.lang.Runtime.exec",
        _ => "java.lang.ProcessImpl.start",
    }
}

/// The hooked file API, by its boundary code (see docs/native-boundary.md).
pub fn path_api_name(code: i32) -> &'static str {
    const NAMES: [&str; 41] = [
        "java.io.FileInputStream.<init>",
        "java.io.FileOutputStream.<init>",
        "java.io.RandomAccessFile.<init>",
        "java.io.File.delete",
        "java.io.File.list",
        "java.io.File.renameTo",
        "java.io.File.mkdir",
        "java.io.File.createNewFile",
        "java.nio.file.spi.FileSystemProvider.newByteChannel",
        "java.nio.file.spi.FileSystemProvider.newFileChannel",
        "java.nio.file.spi.FileSystemProvider.newDirectoryStream",
        "java.nio.file.spi.FileSystemProvider.delete",
        "java.nio.file.spi.FileSystemProvider.copy",
        "java.nio.file.spi.FileSystemProvider.move",
        "java.nio.file.spi.FileSystemProvider.createDirectory",
        "java.nio.file.spi.FileSystemProvider.newInputStream",
        "java.nio.file.spi.FileSystemProvider.newOutputStream",
        // 17..=30: java.io.File metadata
        "java.io.File.exists",
        "java.io.File.isFile",
        "java.io.File.isDirectory",
        "java.io.File.length",
        "java.io.File.lastModified",
        "java.io.File.canRead",
        "java.io.File.canWrite",
        "java.io.File.canExecute",
        "java.io.File.isHidden",
        "java.io.File.setReadable",
        "java.io.File.setWritable",
        "java.io.File.setExecutable",
        "java.io.File.setLastModified",
        "java.io.File.setReadOnly",
        // 31..=39: java.nio.file provider metadata and links
        "java.nio.file.spi.FileSystemProvider.checkAccess",
        "java.nio.file.spi.FileSystemProvider.exists",
        "java.nio.file.spi.FileSystemProvider.readAttributes",
        "java.nio.file.spi.FileSystemProvider.getFileAttributeView",
        "java.nio.file.spi.FileSystemProvider.setAttribute",
        "java.nio.file.spi.FileSystemProvider.isHidden",
        "java.nio.file.spi.FileSystemProvider.createLink",
        "java.nio.file.spi.FileSystemProvider.createSymbolicLink",
        "java.nio.file.spi.FileSystemProvider.readSymbolicLink",
        // 40: path::file_url::FILE_URL_API
        "sun.net.www.protocol.file.FileURLConnection.connect",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("java.io.File")
}

/// A SQL sink call.
#[derive(Clone, Copy, Debug)]
pub struct SqlSink<'a> {
    pub dialect: Dialect,
    pub api: SqlApi,
    pub statement: &'a [u8],
}

/// A process launch.
#[derive(Clone, Copy, Debug)]
pub struct CommandSink<'a> {
    pub api: i32,
    pub command: &'a CommandLine,
}

/// A file access.
#[derive(Clone, Copy, Debug)]
pub struct PathSink<'a> {
    pub api: i32,
    pub op: PathOp,
    pub path: &'a [u8],
}

/// The detection engine: the configuration and the rule set, fixed for its lifetime (a rule
/// reload builds a new engine).
#[derive(Clone)]
pub struct Engine {
    config: EngineConfig,
    rules: Arc<RuleSet>,
    plan: RulePlan,
    /// Requests' compiled inputs by their record, for this configuration and rule set only.
    contexts: Arc<ContextCache>,
    /// Recently checked statements' tokens and sink-rule hits, for this rule set only.
    statements: Arc<StatementCache>,
    /// Shapes of statements lexed recently that held their input inside string literals.
    shapes: Arc<StatementShapes>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.config)
            .field("rules", &self.rules.id())
            .field("plan", &self.plan)
            .finish()
    }
}

impl Engine {
    /// An engine without rules. Rule ids the configuration names are not checked; use
    /// [`Engine::with_rules`] for a configuration that names rules.
    pub fn new(config: EngineConfig) -> Engine {
        Engine::build(config, Arc::new(RuleSet::empty()))
    }

    /// An engine with a rule set. Fails when the configuration names a rule (in
    /// `rules.mode.*` or `exclusion.*.rules`) that is neither built in nor in the set.
    pub fn with_rules(config: EngineConfig, rules: Arc<RuleSet>) -> Result<Engine, ConfigError> {
        match check_rule_ids(&config, &rules).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(Engine::build(config, rules)),
        }
    }

    /// An engine for a reloaded rule set: a configuration that names rules the new set
    /// dropped still works (those names match nothing), and the problems are returned for the
    /// caller to log.
    pub fn reloaded(config: EngineConfig, rules: Arc<RuleSet>) -> (Engine, Vec<ConfigError>) {
        let problems = check_rule_ids(&config, &rules);
        (Engine::build(config, rules), problems)
    }

    fn build(config: EngineConfig, rules: Arc<RuleSet>) -> Engine {
        let plan = RulePlan::new(&rules);
        let contexts = Arc::new(ContextCache::new(config.limits));
        Engine {
            config,
            rules,
            plan,
            contexts,
            statements: Arc::new(StatementCache::new()),
            shapes: Arc::new(StatementShapes::new()),
        }
    }

    /// The context of a new request from its record (`openContext`'s encoding), under this
    /// engine's limits; its inputs are shared with an earlier request that sent the same record
    /// ([`crate::context_cache`] says when and why).
    pub fn open_context(&self, record: &[u8]) -> Result<Opened, WireError> {
        self.contexts.open(record)
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Checks one SQL statement. Allocation-free when no input occurs in it, no rule hits and
    /// the request is within its limits, which is nearly every call.
    pub fn check_sql(&self, ctx: &RequestContext, sink: &SqlSink<'_>) -> Verdict {
        let findings = self.sql_findings(ctx, sink);
        if findings.is_empty() {
            return Verdict::ALLOW;
        }
        self.verdict(ctx, &findings, |f| sql_event_sink(sink, f))
    }

    /// [`Engine::check_sql`] with every finding.
    pub fn explain_sql(&self, ctx: &RequestContext, sink: &SqlSink<'_>) -> Explanation {
        let findings = self.sql_findings(ctx, sink);
        self.explanation(ctx, &findings, |f| sql_event_sink(sink, f))
    }

    /// Checks one process launch: argv, and the environment entries the application set.
    /// Request input that changed the command, the built-in command policy ([`cmd::policy`])
    /// and the rules all apply; the policy and `always` rules also outside requests (an
    /// empty context).
    pub fn check_command(&self, ctx: &RequestContext, sink: &CommandSink<'_>) -> Verdict {
        let line = sink.command.line();
        let findings = self.command_findings(ctx, sink, &line);
        if findings.is_empty() {
            return Verdict::ALLOW;
        }
        self.verdict(ctx, &findings, |f| command_event_sink(sink, &line, f))
    }

    /// [`Engine::check_command`] with every finding.
    pub fn explain_command(&self, ctx: &RequestContext, sink: &CommandSink<'_>) -> Explanation {
        let line = sink.command.line();
        let findings = self.command_findings(ctx, sink, &line);
        self.explanation(ctx, &findings, |f| command_event_sink(sink, &line, f))
    }

    /// Checks one file access.
    pub fn check_path(&self, ctx: &RequestContext, sink: &PathSink<'_>) -> Verdict {
        let findings = self.path_findings(ctx, sink);
        if findings.is_empty() {
            return Verdict::ALLOW;
        }
        let mut verdict = self.verdict(ctx, &findings, |f| path_event_sink(sink, f));
        if sink.api == path::file_url::FILE_URL_API {
            self.mark_file_url(ctx, sink, &mut verdict);
        }
        verdict
    }

    /// A `file:` URL input found as the path it names: the event says so.
    fn mark_file_url(&self, ctx: &RequestContext, sink: &PathSink<'_>, verdict: &mut Verdict) {
        let Some(event) = verdict.event.as_deref_mut() else {
            return;
        };
        if let Some((finding, Some(via))) = self.detected_path(ctx, sink) {
            let id = match finding.source {
                Source::Builtin { id, .. } => id,
                Source::Rule { .. } => "",
            };
            if id == event.rule_id {
                let span = finding.span.unwrap_or(Span { start: 0, end: 0 });
                let named = sink.path.get(span.start..span.end).unwrap_or_default();
                mark_transform(event, via, String::from_utf8_lossy(named).into_owned());
            }
        }
    }

    /// Checks one file access whose path the application normalised first
    /// (`File.getCanonicalPath`, `Path.normalize`, `File` collapsing `//`): `written` is the path
    /// as the application wrote it, before normalising. An input that climbed out in the written
    /// form climbed out of the normalised one too, where the input no longer occurs as sent
    /// (`/srv/files/` + `../files_private/x` opened as `/srv/files_private/x`). The event then
    /// shows the written form, with `input.transform` `path-normalized` and `input.transformed`
    /// the path opened.
    pub fn check_path_written(
        &self,
        ctx: &RequestContext,
        sink: &PathSink<'_>,
        written: &[u8],
    ) -> Verdict {
        let mut findings = self.path_findings(ctx, sink);
        let detected = findings.iter().any(|f| {
            matches!(
                f.source,
                Source::Builtin {
                    why: BuiltinWhy::Structure,
                    ..
                }
            )
        });
        let as_written = PathSink {
            path: written,
            ..*sink
        };
        let mut from_written = false;
        if !detected && written != sink.path {
            if let Some((finding, _)) = self.detected_path(ctx, &as_written) {
                findings.insert(0, finding);
                from_written = true;
            }
        }
        if findings.is_empty() {
            return Verdict::ALLOW;
        }
        // The winner is handed to the sink closure by reference into `findings`: the written
        // form's finding, if any, is the first.
        let first = &findings[0] as *const Finding;
        let mut winner_written = false;
        let mut verdict = self.verdict(ctx, &findings, |f| {
            if from_written && std::ptr::eq(f, first) {
                winner_written = true;
                path_event_sink(&as_written, f)
            } else {
                path_event_sink(sink, f)
            }
        });
        if winner_written {
            if let Some(event) = verdict.event.as_deref_mut() {
                mark_transform(
                    event,
                    "path-normalized",
                    String::from_utf8_lossy(sink.path).into_owned(),
                );
            }
        }
        verdict
    }

    /// [`Engine::check_path`] with every finding.
    pub fn explain_path(&self, ctx: &RequestContext, sink: &PathSink<'_>) -> Explanation {
        let findings = self.path_findings(ctx, sink);
        self.explanation(ctx, &findings, |f| path_event_sink(sink, f))
    }

    /// Findings in tie-break order: the built-in detector, the command policy, the overflow,
    /// then rules in rule order.
    fn sql_findings(&self, ctx: &RequestContext, sink: &SqlSink<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        // The input search is most of a check that finds nothing: done once, for the detector
        // and the rules.
        let sql_proper = sink.api.query_language().is_none();
        let (input_occurs, occurrences) = if sql_proper {
            let occurrences = ctx.matcher().occurrences_if_any(sink.statement);
            (!occurrences.is_empty(), occurrences)
        } else {
            (ctx.matcher().any(sink.statement), Vec::new())
        };
        let (found, detected) = if !input_occurs {
            (None, None)
        } else if sql_proper {
            let found = self.statement_facts(sink, &occurrences);
            let detected = found.as_ref().and_then(|found| {
                sql::detect_occurrences(ctx, sink.statement, found.facts().lexed(), &occurrences)
            });
            (found, detected)
        } else {
            // the input search above is the one `orm::detect` would repeat
            (None, orm::analyze(ctx, sink.statement).finding)
        };
        let facts = found.as_ref().map(Found::facts);
        if let Some(f) = detected {
            findings.push(self.detector_finding(
                (f.rule.id(), "sqli", f.rule.message()),
                f.rule == SqlRule::Unparsable,
                f.occurrence.input,
                Span {
                    start: f.occurrence.start,
                    end: f.occurrence.end,
                },
            ));
        }
        self.overflow(ctx, &mut findings);
        let mut text = SinkText::new(SinkKind::Sql, sink.statement, input_occurs);
        text.dialect = Some(sink.dialect);
        text.occurring = &occurrences;
        if let Some(facts) = facts {
            text.lexed = Some(facts.lexed());
            text.sink_hits = facts.sink_hits();
        }
        self.rule_findings(ctx, text, &mut findings);
        findings
    }

    /// The tokens (and sink-rule hits) of a statement an input occurs in: kept from an earlier
    /// check of the same bytes, else worked out now. `None` when the statement's shape says
    /// every occurrence is inside a string literal, so the detector has nothing to judge and
    /// the statement is not lexed (the rules lex it themselves if a hit needs it).
    fn statement_facts(&self, sink: &SqlSink<'_>, occurrences: &[Occurrence]) -> Option<Found> {
        let missing = match self.statements.lookup(sink.dialect, sink.statement) {
            Lookup::Cached(facts) => return Some(Found::Cached(facts)),
            Lookup::Missing(missing) => missing,
        };
        let shape = Shape::of(sink.dialect, sink.statement, occurrences);
        let sighting = shape
            .as_ref()
            .map_or(ShapeSighting::First, |s| self.shapes.sighting(s));
        if sighting == ShapeSighting::InsideLiterals {
            return None;
        }
        let hits = self
            .plan
            .scans_sink(SinkKind::Sql, true)
            .then(|| sink_hits(&self.rules, SinkKind::Sql, sink.statement));
        let facts = StatementFacts::new(sink.dialect, sink.statement, hits);
        if let (Some(shape), ShapeSighting::Second) = (&shape, sighting) {
            self.shapes.learn(shape, facts.lexed());
        }
        Some(self.statements.store(missing, sink.statement, facts))
    }

    fn command_findings(
        &self,
        ctx: &RequestContext,
        sink: &CommandSink<'_>,
        line: &str,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        let input_occurs = ctx.matcher().any(line.as_bytes());
        if let Some(found) = cmd::detect_in(ctx, sink.command, line, input_occurs) {
            let (span, env) = match found.location {
                CmdLocation::Env { index, start, end } => (Span { start, end }, Some(index)),
                CmdLocation::CommandLine { start, end } => (Span { start, end }, None),
            };
            let rule = found.rule;
            let mut finding = self.detector_finding(
                (rule.id(), "cmdi", rule.message()),
                rule == CmdRule::Unparsable,
                found.input,
                span,
            );
            finding.env = env;
            findings.push(finding);
        }
        if let Some(p) = cmd::policy::check(sink.command) {
            findings.push(Finding {
                source: Source::Builtin {
                    id: p.id(),
                    category: "cmdi",
                    message: p.message(),
                    why: BuiltinWhy::Policy,
                },
                confidence: Confidence::High,
                default_policy: Policy::Block,
                input: None,
                span: Some(Span {
                    start: 0,
                    end: line.len(),
                }),
                env: None,
            });
        }
        self.overflow(ctx, &mut findings);
        self.rule_findings(
            ctx,
            SinkText::new(SinkKind::Cmd, line.as_bytes(), input_occurs),
            &mut findings,
        );
        findings
    }

    fn path_findings(&self, ctx: &RequestContext, sink: &PathSink<'_>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let input_occurs = ctx.matcher().any(sink.path);
        let detected = if sink.api == path::file_url::FILE_URL_API || input_occurs {
            self.detected_path(ctx, sink)
        } else {
            None
        };
        if let Some((finding, _)) = detected {
            findings.push(finding);
        }
        self.overflow(ctx, &mut findings);
        self.rule_findings(
            ctx,
            SinkText::new(SinkKind::Path, sink.path, input_occurs),
            &mut findings,
        );
        findings
    }

    /// The path detector's finding, and where it found the input when not verbatim.
    fn detected_path(
        &self,
        ctx: &RequestContext,
        sink: &PathSink<'_>,
    ) -> Option<(Finding, Option<&'static str>)> {
        let f = if sink.api == path::file_url::FILE_URL_API {
            path::detect_file_url(ctx, sink.path, sink.op)
        } else {
            path::detect(ctx, sink.path, sink.op)
        }?;
        let finding = self.detector_finding(
            (f.rule.id(), "path", f.rule.message()),
            false,
            f.input,
            Span {
                start: f.start,
                end: f.end,
            },
        );
        Some((finding, f.via))
    }

    /// A detector's finding: `(rule id, category, message)`, whether it is an unparsable sink
    /// (which has its own configured policy), and the input and span it concerns.
    fn detector_finding(
        &self,
        rule: (&'static str, &'static str, &'static str),
        unparsable: bool,
        input: usize,
        span: Span,
    ) -> Finding {
        let (id, category, message) = rule;
        Finding {
            source: Source::Builtin {
                id,
                category,
                message,
                why: if unparsable {
                    BuiltinWhy::Unparsable
                } else {
                    BuiltinWhy::Structure
                },
            },
            confidence: if unparsable {
                Confidence::Medium
            } else {
                Confidence::High
            },
            default_policy: if unparsable {
                self.config.on_unparsable
            } else {
                Policy::Block
            },
            input: Some(input),
            span: Some(span),
            env: None,
        }
    }

    /// The request's input overflow applies to every check it makes.
    fn overflow(&self, ctx: &RequestContext, findings: &mut Vec<Finding>) {
        if !ctx.overflowed() {
            return;
        }
        findings.push(Finding {
            source: Source::Builtin {
                id: INPUT_OVERFLOW_RULE_ID,
                category: "limits",
                message: "the request's input exceeded max_input_bytes, so part of it could not be checked",
                why: BuiltinWhy::Overflow,
            },
            confidence: Confidence::Low,
            default_policy: self.config.on_overflow,
            input: None,
            span: None,
            env: None,
        });
    }

    /// The rules of `kind` on the sink text of a check whose detector reads the input its own
    /// way (a URL, a JNDI name, an expression, an entity's id): the input search the rules need
    /// runs only when the rule set has rules for the kind, so without them the check pays
    /// nothing for the rule file.
    fn rule_findings_for(
        &self,
        ctx: &RequestContext,
        kind: SinkKind,
        text: &[u8],
        findings: &mut Vec<Finding>,
    ) {
        if !self.plan.covers(kind) {
            return;
        }
        let input_occurs = ctx.matcher().any(text);
        self.rule_findings(ctx, SinkText::new(kind, text, input_occurs), findings);
    }

    fn rule_findings(&self, ctx: &RequestContext, sink: SinkText<'_>, findings: &mut Vec<Finding>) {
        if !self.plan.covers(sink.kind) {
            return;
        }
        let mut fired = Vec::new();
        eval::evaluate(&self.rules, &self.plan, ctx, sink, &mut fired);
        findings.extend(fired.into_iter().filter_map(|f| {
            let rule = self.rules.rules().get(f.rule)?;
            // A finding that does not tie the input to the sink (the signature matched both, the
            // input was not seen to arrive) only monitors unless the rule's mode is set: such
            // findings were every false positive on public benchmarks.
            let default_policy = match f.reach.confidence() {
                Confidence::Low => rule.mode.policy().min(Policy::Monitor),
                _ => rule.mode.policy(),
            };
            Some(Finding {
                source: Source::Rule {
                    index: f.rule,
                    reach: f.reach,
                },
                confidence: f.reach.confidence(),
                default_policy,
                input: f.input,
                span: f.span,
                env: None,
            })
        }));
    }
}

fn sql_event_sink(sink: &SqlSink<'_>, f: &Finding) -> EventSink {
    EventSink::new(
        "sql",
        sink.api.name(),
        Some(
            sink.api
                .query_language()
                .map_or(sink.dialect.name(), QueryLanguage::name),
        ),
        sink.statement,
        f.span,
    )
}

/// An environment finding is shown as `NAME=value`, the span shifted past `NAME=`.
fn command_event_sink(sink: &CommandSink<'_>, line: &str, f: &Finding) -> EventSink {
    let api = command_api_name(sink.api);
    match f.env.and_then(|i| sink.command.env.get(i)) {
        Some((name, value)) => {
            let shift = name.len() + 1;
            let span = f.span.map(|s| Span {
                start: s.start + shift,
                end: s.end + shift,
            });
            EventSink::new("cmd", api, None, format!("{name}={value}").as_bytes(), span)
        }
        None => EventSink::new("cmd", api, None, line.as_bytes(), f.span),
    }
}

/// Names on the event's input how it was found: the input's own transform, if it has one,
/// wins (it says how the request's value became the searched one).
fn mark_transform(event: &mut crate::event::Event, transform: &'static str, transformed: String) {
    if let Some(input) = event.input.as_mut() {
        if input.transform.is_none() {
            input.transform = Some(transform);
            input.transformed = Some(transformed);
        }
    }
}

fn path_event_sink(sink: &PathSink<'_>, f: &Finding) -> EventSink {
    EventSink::new("path", path_api_name(sink.api), None, sink.path, f.span).with_op(sink.op.name())
}
