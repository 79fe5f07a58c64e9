//! Deciding whether request input changed what a launched process does.
//!
//! The command is judged as the JVM hands it to the OS: an argument vector, not a string.
//! `Runtime.exec(String)` has already split on whitespace and runs no shell, so shell
//! metacharacters in an argument are data there. What is code:
//!
//! * input that is the program itself (`cmdi.program`);
//! * input that adds shell structure (operators, redirections, expansions, comments) to the
//!   script of a shell run with `-c` (`sh`, `bash`, ..., `cmd /c`, `powershell -Command`),
//!   judged on the script's tokens (`cmdi.shell`); a script that cannot be lexed while it
//!   contains input is `cmdi.unparsable`;
//! * input that starts an option (`-x`, `--x`) of a program whose options run code or write
//!   files (`cmdi.option`);
//! * input in an environment variable that makes the child load or run code (`LD_PRELOAD`,
//!   `BASH_ENV`, ...), or that is a shell function definition (`() {`, Shellshock) (`cmdi.env`).
//!
//! Positions are byte offsets in the command line: the arguments joined by single spaces.

use super::lexer::{tokenize, ShellTokenKind};
use super::programs;
use crate::context::RequestContext;
use crate::input::{Input, InputPart, InputSource};
use crate::matcher::is_searchable;

/// The kinds of command injection the detector reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmdRule {
    Program,
    Shell,
    Option,
    Env,
    Unparsable,
}

impl CmdRule {
    pub const ALL: [CmdRule; 5] = [
        CmdRule::Program,
        CmdRule::Shell,
        CmdRule::Option,
        CmdRule::Env,
        CmdRule::Unparsable,
    ];

    pub fn id(self) -> &'static str {
        match self {
            CmdRule::Program => "cmdi.program",
            CmdRule::Shell => "cmdi.shell",
            CmdRule::Option => "cmdi.option",
            CmdRule::Env => "cmdi.env",
            CmdRule::Unparsable => "cmdi.unparsable",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            CmdRule::Program => "request input chose the program a process runs",
            CmdRule::Shell => "request input added shell syntax to a shell command",
            CmdRule::Option => {
                "request input added an option to a program whose options run code or write files"
            }
            CmdRule::Env => {
                "request input reached an environment variable that makes a process run code"
            }
            CmdRule::Unparsable => "a shell command containing request input cannot be lexed",
        }
    }
}

/// A process launch: argv and the environment entries the application set.
#[derive(Clone, Debug, Default)]
pub struct CommandLine {
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// Where the injected text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmdLocation {
    /// In the command line (arguments joined by spaces), bytes `[start, end)`.
    CommandLine { start: usize, end: usize },
    /// In the value of environment entry `index`, bytes `[start, end)`.
    Env {
        index: usize,
        start: usize,
        end: usize,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CmdFinding {
    pub rule: CmdRule,
    pub input: usize,
    pub location: CmdLocation,
}

impl CommandLine {
    /// The arguments joined by single spaces, and where each starts.
    pub fn joined(&self) -> (String, Vec<usize>) {
        (self.line(), self.arg_starts())
    }

    /// The arguments joined by single spaces: the string rules scan and spans point into.
    pub fn line(&self) -> String {
        self.argv.join(" ")
    }

    /// Where each argument starts in [`CommandLine::line`].
    pub fn arg_starts(&self) -> Vec<usize> {
        let mut at = 0;
        self.argv
            .iter()
            .map(|a| {
                let start = at;
                at += a.len() + 1;
                start
            })
            .collect()
    }
}

/// Checks one process launch against the request's inputs.
pub fn detect(ctx: &RequestContext, cmd: &CommandLine) -> Option<CmdFinding> {
    let line = cmd.line();
    let input_occurs = ctx.matcher().any(line.as_bytes());
    detect_in(ctx, cmd, &line, input_occurs)
}

/// [`detect`] for a caller that already joined the command line ([`CommandLine::line`]) and
/// searched it for input: the engine, which needs both for the rules too.
pub fn detect_in(
    ctx: &RequestContext,
    cmd: &CommandLine,
    line: &str,
    input_occurs: bool,
) -> Option<CmdFinding> {
    let program = cmd.argv.first()?;
    let finding = |rule, input, start, end| CmdFinding {
        rule,
        input,
        location: CmdLocation::CommandLine { start, end },
    };

    // The program itself: an input equal to it (words included, which the matcher skips), or
    // an occurrence that starts the command line and covers the whole program. Path segments
    // and parameter names are left out of the equality: routes like `/tools/ping` name the
    // program the application runs for them, and are chosen by its routing, not by the client.
    let chooses_program = |i: &Input| {
        i.part == InputPart::Value
            && i.source != InputSource::Path
            && !i.value.is_empty()
            && i.value == *program
    };
    if let Some(i) = ctx.inputs().iter().position(chooses_program) {
        return Some(finding(CmdRule::Program, i, 0, program.len()));
    }
    // Nearly every launch ends here: no input occurs in the command line.
    if !input_occurs {
        return env_finding(ctx, cmd);
    }
    let occurrences = ctx.matcher().occurrences(line.as_bytes());
    let starts = cmd.arg_starts();
    if let Some(o) = occurrences
        .iter()
        .find(|o| o.start == 0 && o.end >= program.len())
    {
        return Some(finding(CmdRule::Program, o.input, o.start, o.end));
    }

    if let Some(script_arg) = programs::shell_script_index(&cmd.argv) {
        let script_start = starts[script_arg];
        let script = &line.as_bytes()[script_start..];
        let in_script: Vec<_> = occurrences
            .iter()
            .filter(|o| o.end > script_start)
            .collect();
        if !in_script.is_empty() {
            match tokenize(script) {
                Err(err) => {
                    let at = script_start + err.offset();
                    let blamed = in_script
                        .iter()
                        .find(|o| o.start <= at && at < o.end)
                        .or_else(|| in_script.iter().max_by_key(|o| o.end - o.start))?;
                    return Some(finding(
                        CmdRule::Unparsable,
                        blamed.input,
                        blamed.start,
                        blamed.end,
                    ));
                }
                Ok(tokens) => {
                    for o in &in_script {
                        // Input reaching back over the script's start rewrote the invocation.
                        if o.start < script_start {
                            return Some(finding(CmdRule::Shell, o.input, o.start, o.end));
                        }
                        let (s, e) = (o.start - script_start, o.end - script_start);
                        let structural = tokens.iter().any(|t| {
                            t.end > s
                                && t.start < e
                                && !matches!(
                                    t.kind,
                                    ShellTokenKind::Word | ShellTokenKind::Whitespace
                                )
                        });
                        if structural {
                            return Some(finding(CmdRule::Shell, o.input, o.start, o.end));
                        }
                    }
                    // An option injected into a dangerous program inside the script.
                    let first_word = tokens.iter().find(|t| t.kind == ShellTokenKind::Word);
                    if let Some(w) = first_word {
                        let name = String::from_utf8_lossy(&script[w.start..w.end]);
                        if programs::has_dangerous_options(&name) {
                            for o in &in_script {
                                let s = o.start - script_start;
                                // The input must be the whole word (or more), not the
                                // start of one the application wrote (`-` of `-c`).
                                let is_word = tokens.iter().any(|t| {
                                    t.kind == ShellTokenKind::Word
                                        && t.start == s
                                        && t.end <= s + (o.end - o.start)
                                });
                                if is_word && is_option(&script[s..s + (o.end - o.start)]) {
                                    return Some(finding(CmdRule::Option, o.input, o.start, o.end));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    if programs::has_dangerous_options(program) {
        for o in &occurrences {
            // The input must be the whole argument (or run on into the next ones), not the start
            // of an option the application wrote.
            let is_arg = starts
                .iter()
                .zip(&cmd.argv)
                .skip(1)
                .any(|(&s, a)| s == o.start && o.end >= s + a.len());
            if is_arg && is_option(&line.as_bytes()[o.start..o.end]) {
                return Some(finding(CmdRule::Option, o.input, o.start, o.end));
            }
        }
    }

    env_finding(ctx, cmd)
}

/// `-x` or `--x`; a lone `-` (standard input) or `--` (end of options) is not an option.
fn is_option(injected: &[u8]) -> bool {
    let Some(rest) = injected.strip_prefix(b"-") else {
        return false;
    };
    let rest = rest.strip_prefix(b"-").unwrap_or(rest);
    rest.first().is_some_and(u8::is_ascii_alphanumeric)
}

fn env_finding(ctx: &RequestContext, cmd: &CommandLine) -> Option<CmdFinding> {
    for (index, (name, value)) in cmd.env.iter().enumerate() {
        let dangerous = programs::is_dangerous_env(name);
        let hit = ctx
            .matcher()
            .occurrences(value.as_bytes())
            .into_iter()
            .map(|o| (o.input, o.start, o.end))
            .chain(
                ctx.inputs()
                    .iter()
                    .position(|i| {
                        !is_searchable(&i.value) && !i.value.is_empty() && i.value == *value
                    })
                    .map(|i| (i, 0, value.len())),
            )
            .find(|&(_, start, _)| dangerous || value[start..].trim_start().starts_with("() {"));
        if let Some((input, start, end)) = hit {
            return Some(CmdFinding {
                rule: CmdRule::Env,
                input,
                location: CmdLocation::Env { index, start, end },
            });
        }
    }
    None
}
