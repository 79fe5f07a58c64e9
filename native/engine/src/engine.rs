//! The engine: checks a sink call against a request context and produces a verdict.

use crate::config::{EngineConfig, Policy};
use crate::context::{next_id, RequestContext};
use crate::event::{now_rfc3339, Event, EventRequest, EventSink, Span};
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

/// A SQL sink call.
#[derive(Clone, Copy, Debug)]
pub struct SqlSink<'a> {
    pub dialect: Dialect,
    pub api: SqlApi,
    pub statement: &'a [u8],
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
        let finding = match sql::detect(ctx, sink.dialect, sink.statement) {
            Some(f) => Some(Finding {
                rule_id: f.rule.id(),
                category: "sqli",
                message: f.rule.message(),
                confidence: if f.rule == SqlRule::Unparsable {
                    Confidence::Medium
                } else {
                    Confidence::High
                },
                policy: if f.rule == SqlRule::Unparsable {
                    self.config.on_unparsable
                } else {
                    Policy::Block
                },
                input: Some(f.occurrence.input),
                span: Some(Span {
                    start: f.occurrence.start,
                    end: f.occurrence.end,
                }),
            }),
            None if ctx.overflowed() => Some(overflow_finding(self.config.on_overflow)),
            None => None,
        };
        let Some(finding) = finding else {
            return Verdict::ALLOW;
        };
        let action = match self.config.cap(finding.policy) {
            Policy::Allow => return Verdict::ALLOW,
            Policy::Monitor => Action::Monitor,
            Policy::Block => Action::Block,
        };
        let sink_record = EventSink::new(
            "sql",
            sink.api.name(),
            Some(sink.dialect.name()),
            sink.statement,
            finding.span,
        );
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
            input: finding.input.and_then(|i| ctx.inputs().get(i)).cloned(),
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
