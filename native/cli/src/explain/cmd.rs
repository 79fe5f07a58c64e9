//! `rasp explain cmd`: one process launch, step by step. The findings and the verdict come from
//! [`rasp_engine::Engine::explain_command`]; everything else is description (which argument an
//! occurrence is in, which shell tokens it covers), not a second opinion.

use std::fmt::Write as _;

use anyhow::Result;
use rasp_engine::cmd::lexer::{tokenize, ShellTokenKind};
use rasp_engine::cmd::programs::{is_dangerous_env, launched_script};
use rasp_engine::cmd::CommandLine;
use rasp_engine::engine::{command_api_name, FindingReport};
use rasp_engine::matcher::is_searchable;
use rasp_engine::{CommandSink, RequestContext};
use serde::Serialize;

use super::detection::{input_name, Describe, Detection, OccurrenceView};
use super::{lossy, query_context, token_views, TokenView};
use crate::args::ExplainCmdArgs;
use crate::output;
use crate::rule_source::{explain_engine, ExplainEngine};

/// The CommandApi code of `java.lang.ProcessImpl.start`, where the agent hooks every launch.
pub const PROCESS_IMPL_START: i32 = 0;

/// Everything `rasp explain cmd` reports.
#[derive(Debug, Serialize)]
pub struct CmdExplanation {
    pub api: &'static str,
    pub argv: Vec<String>,
    /// The arguments joined by single spaces: the string the detector reads and every offset
    /// below refers to.
    pub command_line: String,
    pub env: Vec<EnvView>,
    /// The script, when the program is a shell given one (`sh -c SCRIPT`).
    pub script: Option<ScriptView>,
    /// Occurrences and the finding are located in `command line` or `env NAME`.
    #[serde(flatten)]
    pub detection: Detection<ArgumentsView>,
}

#[derive(Debug, Serialize)]
pub struct EnvView {
    pub name: String,
    pub value: String,
    /// A variable that makes the child load or run code it names.
    pub dangerous: bool,
}

#[derive(Debug, Serialize)]
pub struct ScriptView {
    /// The index of the script in argv.
    pub argument: usize,
    /// Where the script starts in the command line.
    pub start: usize,
    /// The shell tokens (offsets in the command line), or `None` if the script cannot be lexed.
    pub tokens: Option<Vec<TokenView>>,
    pub lex_error: Option<String>,
}

/// What an occurrence is in the launch.
#[derive(Debug, Serialize)]
pub struct ArgumentsView {
    /// For the command line: the arguments the occurrence touches.
    pub arguments: Vec<usize>,
    /// What the occurrence is, in words.
    pub description: String,
}

impl Describe for ArgumentsView {
    fn describe(&self) -> String {
        self.description.clone()
    }
}

type CmdOccurrenceView = OccurrenceView<ArgumentsView>;

/// Runs `rasp explain cmd`.
pub fn run_cmd(args: &ExplainCmdArgs) -> Result<()> {
    let engine = explain_engine(&args.engine)?;
    let ctx = query_context(&args.engine.route, &args.inputs);
    let command = CommandLine {
        argv: args.argv.clone(),
        env: args.env.clone(),
    };
    let explanation = explain(&engine, &ctx, &command);
    output::print(args.json, "explanation", &explanation, render)
}

/// Explains one process launch checked against `ctx`.
pub fn explain(
    engine: &ExplainEngine,
    ctx: &RequestContext,
    command: &CommandLine,
) -> CmdExplanation {
    let (line, starts) = command.joined();
    let script = launched_script(&command.argv).map(|(argument, _)| {
        let start = starts[argument];
        let (tokens, lex_error) = token_views(
            tokenize(command.argv[argument].as_bytes()).as_deref(),
            |t| TokenView {
                kind: t.kind.name(),
                start: start + t.start,
                end: start + t.end,
                text: lossy(&line.as_bytes()[start + t.start..start + t.end]),
            },
        );
        ScriptView {
            argument,
            start,
            tokens,
            lex_error,
        }
    });
    let explained = engine.engine.explain_command(
        ctx,
        &CommandSink {
            api: PROCESS_IMPL_START,
            command,
        },
    );
    CmdExplanation {
        api: command_api_name(PROCESS_IMPL_START),
        argv: command.argv.clone(),
        env: command
            .env
            .iter()
            .map(|(name, value)| EnvView {
                name: name.clone(),
                value: value.clone(),
                dangerous: is_dangerous_env(name),
            })
            .collect(),
        detection: Detection::new(
            engine.setup.clone(),
            ctx,
            occurrences(ctx, command, &line, &starts, script.as_ref()),
            &explained,
            |f| Some(location(command, f)),
        ),
        command_line: line,
        script,
    }
}

/// The part of the launch a finding's span is in: an environment entry, or the command line.
fn location(command: &CommandLine, f: &FindingReport) -> String {
    match f.env {
        Some(index) => {
            let name = command.env.get(index).map_or("?", |(n, _)| n.as_str());
            format!("env {name}")
        }
        None => "command line".to_string(),
    }
}

/// An occurrence in the command line, touching `arguments`.
fn on_line(
    input: usize,
    name: String,
    span: std::ops::Range<usize>,
    arguments: Vec<usize>,
    description: String,
) -> CmdOccurrenceView {
    CmdOccurrenceView {
        input,
        name,
        location: Some("command line".into()),
        start: span.start,
        end: span.end,
        detail: ArgumentsView {
            arguments,
            description,
        },
    }
}

fn occurrences(
    ctx: &RequestContext,
    command: &CommandLine,
    line: &str,
    starts: &[usize],
    script: Option<&ScriptView>,
) -> Vec<CmdOccurrenceView> {
    let mut out = Vec::new();
    // An input equal to the program is found even when it is a plain word, which the search
    // skips.
    if let Some(program) = command.argv.first() {
        for (i, input) in ctx.inputs().iter().enumerate() {
            if !input.value.is_empty() && input.value == *program && !is_searchable(program) {
                out.push(on_line(
                    i,
                    input.name.to_string(),
                    0..program.len(),
                    vec![0],
                    "equals the program (found although it is a plain word)".into(),
                ));
            }
        }
    }
    let ends: Vec<usize> = command
        .argv
        .iter()
        .zip(starts)
        .map(|(a, s)| s + a.len())
        .collect();
    for o in ctx.matcher().occurrences(line.as_bytes()) {
        let arguments: Vec<usize> = (0..starts.len())
            .filter(|&a| starts[a] < o.end && o.start < ends[a].max(starts[a] + 1))
            .collect();
        let mut parts = Vec::new();
        if arguments.len() > 1 {
            parts.push(format!(
                "spans arguments {}",
                arguments
                    .iter()
                    .map(|a| format!("argv[{a}]"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        } else if let Some(&a) = arguments.first() {
            let at = if starts[a] == o.start {
                "starts"
            } else {
                "inside"
            };
            parts.push(format!("{at} argv[{a}]"));
        }
        if o.start == 0 {
            parts.push("at the start of the command line".into());
        }
        if line.as_bytes().get(o.start) == Some(&b'-') && starts.contains(&o.start) {
            parts.push("begins with '-' at the start of an argument".into());
        }
        if let Some(s) = script {
            if o.end > s.start {
                match &s.tokens {
                    Some(tokens) => {
                        let mut kinds: Vec<&str> = tokens
                            .iter()
                            .filter(|t| t.start < o.end && o.start < t.end)
                            .map(|t| t.kind)
                            .filter(|&k| k != ShellTokenKind::Whitespace.name())
                            .collect();
                        kinds.dedup();
                        parts.push(format!("in the shell script, covers {}", kinds.join(", ")));
                    }
                    None => parts.push("in a shell script that cannot be lexed".into()),
                }
            }
        }
        out.push(on_line(
            o.input,
            input_name(ctx, o.input),
            o.start..o.end,
            arguments,
            parts.join("; "),
        ));
    }
    for (index, (name, value)) in command.env.iter().enumerate() {
        let dangerous = if is_dangerous_env(name) {
            "a variable that makes the child run code"
        } else {
            "an ordinary variable"
        };
        let mut found: Vec<(usize, usize, usize)> = ctx
            .matcher()
            .occurrences(value.as_bytes())
            .into_iter()
            .map(|o| (o.input, o.start, o.end))
            .collect();
        found.extend(
            ctx.inputs()
                .iter()
                .enumerate()
                .filter(|(_, i)| {
                    !is_searchable(&i.value) && !i.value.is_empty() && i.value == *value
                })
                .map(|(i, _)| (i, 0, value.len())),
        );
        for (input, start, end) in found {
            let shellshock = if value[start..].trim_start().starts_with("() {") {
                "; starts a shell function definition"
            } else {
                ""
            };
            out.push(CmdOccurrenceView {
                input,
                name: input_name(ctx, input),
                location: Some(format!("env {name}")),
                start,
                end,
                detail: ArgumentsView {
                    arguments: Vec::new(),
                    description: format!("in env[{index}] {name}, {dangerous}{shellshock}"),
                },
            });
        }
    }
    out
}

/// The human-readable form.
pub fn render(e: &CmdExplanation) -> String {
    // Writing to a String cannot fail; the results are ignored on purpose.
    let mut out = String::new();
    let _ = writeln!(out, "api:          {}", e.api);
    let argv = serde_json::to_string(&e.argv).unwrap_or_default();
    let _ = writeln!(out, "argv:         {argv}");
    let _ = writeln!(
        out,
        "command line: {}   (arguments joined by spaces; offsets below are into it)",
        e.command_line
    );
    if e.env.is_empty() {
        let _ = writeln!(out, "env:          none set by the application");
    } else {
        let _ = writeln!(out, "env:");
        for v in &e.env {
            let dangerous = if v.dangerous {
                "   (makes the child run code)"
            } else {
                ""
            };
            let _ = writeln!(out, "  {}={}{dangerous}", v.name, v.value);
        }
    }
    let _ = writeln!(out);
    match &e.script {
        None => {
            let _ = writeln!(
                out,
                "shell script: none (the program is not a shell given one)"
            );
        }
        Some(s) => match (&s.tokens, &s.lex_error) {
            (Some(tokens), _) => {
                let _ = writeln!(
                    out,
                    "shell script: argv[{}], {} tokens:",
                    s.argument,
                    tokens.len()
                );
                tokens.iter().for_each(|t| t.render(&mut out, 10));
            }
            (None, err) => {
                let _ = writeln!(
                    out,
                    "shell script: argv[{}] cannot be lexed: {}",
                    s.argument,
                    err.as_deref().unwrap_or("unknown error")
                );
            }
        },
    }
    e.detection.render(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_argv(value: &str, argv: &[&str]) -> CmdExplanation {
        let ctx = query_context("/", &[("host".into(), value.into())]);
        let command = CommandLine {
            argv: argv.iter().map(|a| a.to_string()).collect(),
            env: Vec::new(),
        };
        explain(&ExplainEngine::builtin_only(), &ctx, &command)
    }

    #[test]
    fn a_shell_attack_is_blocked_with_its_tokens() {
        let e = explain_argv("127.0.0.1; id", &["sh", "-c", "ping -c 1 127.0.0.1; id"]);
        assert_eq!(e.detection.verdict.action, "block");
        assert_eq!(e.detection.verdict.rule_id.as_deref(), Some("cmdi.shell"));
        let script = e.script.as_ref().expect("a shell script");
        assert_eq!((script.argument, script.start), (2, 6));
        let tokens = script.tokens.as_ref().expect("lexed");
        assert!(tokens
            .iter()
            .any(|t| t.kind == "op" && t.text == ";" && t.start == 25));
        let o = &e.detection.occurrences[0];
        assert_eq!((o.start, o.end), (16, 29));
        assert!(
            o.detail.description.contains("covers word, op, word"),
            "{o:?}"
        );
        let text = render(&e);
        assert!(text.contains("verdict: BLOCK (cmdi.shell"), "{text}");
        assert!(text.contains(">>>127.0.0.1; id<<<"), "{text}");
    }

    #[test]
    fn the_benign_twin_is_allowed() {
        let e = explain_argv("127.0.0.1", &["sh", "-c", "ping -c 1 127.0.0.1"]);
        assert_eq!(e.detection.verdict.action, "allow");
        assert!(e.detection.findings.is_empty());
        assert!(e.detection.occurrences[0]
            .detail
            .description
            .contains("covers word"));
    }

    #[test]
    fn environment_entries_are_explained() {
        let ctx = query_context("/", &[("lib".into(), "/tmp/evil.so".into())]);
        let command = CommandLine {
            argv: vec!["/usr/bin/env".into()],
            env: vec![("LD_PRELOAD".into(), "/tmp/evil.so".into())],
        };
        let e = explain(&ExplainEngine::builtin_only(), &ctx, &command);
        assert_eq!(e.detection.verdict.rule_id.as_deref(), Some("cmdi.env"));
        assert!(e.env[0].dangerous);
        assert_eq!(e.detection.occurrences.len(), 1);
        assert_eq!(
            e.detection.occurrences[0].location.as_deref(),
            Some("env LD_PRELOAD")
        );
        let f = &e.detection.findings[0];
        assert_eq!(f.location.as_deref(), Some("env LD_PRELOAD"));
        assert!(
            render(&e).contains("where:  input [1] in env LD_PRELOAD at 0..12"),
            "{}",
            render(&e)
        );
    }
}
