//! The engine: checks a sink call against a request context and produces a verdict.
//!
//! Each sink family has its detector (`sql`, `cmd`, `path`); the engine turns a detector's
//! finding, or a request whose input overflowed the limit, into an action under the configured
//! mode and policies, and builds the event for anything it does not simply allow.

use crate::cmd::{self, CmdLocation, CmdRule, CommandLine};
use crate::config::{EngineConfig, Policy};
use crate::context::{next_id, RequestContext};
use crate::event::{now_rfc3339, Event, EventRequest, EventSink, Span};
use crate::input::EventInput;
use crate::path::{self, PathOp};
use crate::sql::{self, Dialect, SqlRule};
use crate::verdict::{Action, Confidence, Verdict};

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
    const NAMES: [&str; 17] = [
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

/// What a check found, before the mode turns it into an action.
struct Finding {
    rule_id: &'static str,
    category: &'static str,
    message: &'static str,
    confidence: Confidence,
    policy: Policy,
    input: Option<usize>,
    span: Option<Span>,
}

/// The detection engine, configured once.
#[derive(Clone, Debug)]
pub struct Engine {
    config: EngineConfig,
}

impl Engine {
    pub fn new(config: EngineConfig) -> Engine {
        Engine { config }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Checks one SQL statement. Allocation-free when no input occurs in it and the request is
    /// within its limits, which is nearly every call.
    pub fn check_sql(&self, ctx: &RequestContext, sink: &SqlSink<'_>) -> Verdict {
        let finding = sql::detect(ctx, sink.dialect, sink.statement).map(|f| {
            self.finding(
                (f.rule.id(), "sqli", f.rule.message()),
                f.rule == SqlRule::Unparsable,
                f.occurrence.input,
                Span {
                    start: f.occurrence.start,
                    end: f.occurrence.end,
                },
            )
        });
        self.decide(ctx, finding, |span| {
            EventSink::new(
                "sql",
                sink.api.name(),
                Some(sink.dialect.name()),
                sink.statement,
                span,
            )
        })
    }

    /// Checks one process launch: argv, and the environment entries the application set.
    /// Request input that changed the command comes first; then the built-in command policy
    /// ([`cmd::policy`]), which also applies outside requests (an empty context).
    pub fn check_command(&self, ctx: &RequestContext, sink: &CommandSink<'_>) -> Verdict {
        let (line, _) = sink.command.joined();
        let Some(found) = cmd::detect(ctx, sink.command) else {
            let finding = cmd::policy::check(sink.command).map(|p| Finding {
                rule_id: p.id(),
                category: "cmdi",
                message: p.message(),
                confidence: Confidence::High,
                policy: Policy::Block,
                input: None,
                span: Some(Span {
                    start: 0,
                    end: line.len(),
                }),
            });
            return self.decide(ctx, finding, |span| {
                EventSink::new(
                    "cmd",
                    command_api_name(sink.api),
                    None,
                    line.as_bytes(),
                    span,
                )
            });
        };
        // An environment finding is shown as `NAME=value`, the span shifted past `NAME=`.
        let (value, span) = match found.location {
            CmdLocation::Env { index, start, end } => {
                let (name, val) = &sink.command.env[index];
                let shift = name.len() + 1;
                (
                    format!("{name}={val}"),
                    Span {
                        start: start + shift,
                        end: end + shift,
                    },
                )
            }
            CmdLocation::CommandLine { start, end } => (line, Span { start, end }),
        };
        let rule = found.rule;
        let finding = self.finding(
            (rule.id(), "cmdi", rule.message()),
            rule == CmdRule::Unparsable,
            found.input,
            span,
        );
        self.decide(ctx, Some(finding), |span| {
            EventSink::new(
                "cmd",
                command_api_name(sink.api),
                None,
                value.as_bytes(),
                span,
            )
        })
    }

    /// Checks one file access.
    pub fn check_path(&self, ctx: &RequestContext, sink: &PathSink<'_>) -> Verdict {
        let finding = path::detect(ctx, sink.path, sink.op).map(|f| {
            self.finding(
                (f.rule.id(), "path", f.rule.message()),
                false,
                f.input,
                Span {
                    start: f.start,
                    end: f.end,
                },
            )
        });
        self.decide(ctx, finding, |span| {
            EventSink::new("path", path_api_name(sink.api), None, sink.path, span)
                .with_op(sink.op.name())
        })
    }

    /// A detector's finding: `(rule id, category, message)`, whether it is an unparsable sink
    /// (which has its own configured policy), and the input and span it concerns.
    fn finding(
        &self,
        rule: (&'static str, &'static str, &'static str),
        unparsable: bool,
        input: usize,
        span: Span,
    ) -> Finding {
        let (rule_id, category, message) = rule;
        Finding {
            rule_id,
            category,
            message,
            confidence: if unparsable {
                Confidence::Medium
            } else {
                Confidence::High
            },
            policy: if unparsable {
                self.config.on_unparsable
            } else {
                Policy::Block
            },
            input: Some(input),
            span: Some(span),
        }
    }

    /// Turns a finding (or the request's overflow) into a verdict under the configured mode.
    fn decide(
        &self,
        ctx: &RequestContext,
        finding: Option<Finding>,
        sink: impl FnOnce(Option<Span>) -> EventSink,
    ) -> Verdict {
        let finding = match finding {
            Some(f) => f,
            None if ctx.overflowed() => overflow_finding(self.config.on_overflow),
            None => return Verdict::ALLOW,
        };
        let action = match self.config.cap(finding.policy) {
            Policy::Allow => return Verdict::ALLOW,
            Policy::Monitor => Action::Monitor,
            Policy::Block => Action::Block,
        };
        let sink_record = sink(finding.span);
        Verdict {
            action,
            event: Some(Box::new(self.event(ctx, action, finding, sink_record))),
        }
    }

    fn event(
        &self,
        ctx: &RequestContext,
        action: Action,
        finding: Finding,
        sink: EventSink,
    ) -> Event {
        let summary = ctx.summary();
        Event {
            time: now_rfc3339(),
            event_id: next_id(),
            request_id: summary.id.clone(),
            action: if action == Action::Block {
                "blocked"
            } else {
                "monitored"
            },
            rule_id: finding.rule_id,
            category: finding.category,
            confidence: finding.confidence.name(),
            message: finding.message,
            input: finding
                .input
                .and_then(|i| ctx.inputs().get(i))
                .map(EventInput::from),
            sink,
            request: EventRequest {
                method: summary.method.clone(),
                path: summary.path.clone(),
                client: summary.client.clone(),
            },
            stack: Vec::new(),
            agent_version: self.config.agent_version.clone(),
        }
    }
}

fn overflow_finding(policy: Policy) -> Finding {
    Finding {
        rule_id: "limits.input_overflow",
        category: "limits",
        message: "the request's input exceeded max_input_bytes, so part of it could not be checked",
        confidence: Confidence::Low,
        policy,
        input: None,
        span: None,
    }
}
