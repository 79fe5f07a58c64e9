//! `rasp corpus cmd`: the command templates a payload is placed into, and where it lands.
//!
//! Each template is how real applications build a process launch from a request parameter,
//! written as the argument vector the JVM hands to the OS: a shell script (`sh -c`, `bash -c`)
//! with the payload bare, single-quoted or double-quoted; an argument of its own; the string
//! form of `Runtime.exec`, which splits on whitespace and runs no shell; and an operand of a
//! program whose options run code (`tar`).
//!
//! The ground truth is decided without the detector. In a shell script the payload is inert
//! when it lies inside one word of the script by the shell lexer (whitespace around it aside),
//! which also means it brings no expansion, operator, redirection or comment. Without a
//! shell, the payload is data unless it is the program or starts an option of a program whose
//! options run code or write files; the templates say which programs those are instead of
//! asking the detector's list.

use std::ops::Range;

use rasp_engine::cmd::lexer::{tokenize, ShellTokenKind};
use rasp_engine::cmd::CommandLine;
use rasp_engine::{CommandSink, Engine, EngineConfig, RequestContext};

use super::request::RequestShape;
use super::tally::{Class, ClassKind, Outcome};
use super::{Family, FamilyInfo, TemplateInfo};
use crate::corpus::count::flagged_rule;

pub const INERT: Class = Class {
    name: "inert",
    kind: ClassKind::Inert,
    column: "inert",
    meaning: "shell script: the payload lies inside one word of the script by the shell lexer \
              (whitespace around it aside), so it adds no operator, redirection, expansion or \
              comment; no shell: the payload is an argument that is neither the program nor an \
              option of a program whose options run code",
};
pub const WORDS: Class = Class {
    name: "words",
    kind: ClassKind::ByDesign,
    column: "words only",
    meaning: "shell script: the payload spans several words and nothing else (it adds \
              arguments, no shell syntax), which the detector treats as data by design unless \
              the script's program has dangerous options",
};
pub const SHELL: Class = Class {
    name: "shell-syntax",
    kind: ClassKind::Attack,
    column: "shell syntax",
    meaning: "shell script: the payload covers an operator, redirection, expansion or comment \
              token of the script",
};
pub const UNLEXABLE: Class = Class {
    name: "unlexable",
    kind: ClassKind::Attack,
    column: "unlexable",
    meaning: "shell script: the script with the payload cannot be lexed (an unterminated quote \
              or expansion); the shell would reject it or read further than the application meant",
};
pub const PROGRAM: Class = Class {
    name: "program",
    kind: ClassKind::Attack,
    column: "program",
    meaning: "no shell: the payload is (part of) the program that runs",
};
pub const OPTION: Class = Class {
    name: "option",
    kind: ClassKind::Attack,
    column: "option",
    meaning: "no shell: the payload starts an option (`-x`, `--x`, not a lone `-` or `--`) of a \
              program whose options run code or write files",
};

pub const CLASSES: [Class; 6] = [INERT, WORDS, SHELL, UNLEXABLE, PROGRAM, OPTION];

/// How the application launches the process.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// An argument vector (`ProcessBuilder`, `Runtime.exec(String[])`); `{}` in one argument.
    Argv(&'static [&'static str]),
    /// `Runtime.exec(String)`: the string, split on whitespace by `StringTokenizer`.
    Exec(&'static str),
}

/// One command template.
#[derive(Clone, Copy, Debug)]
pub struct CmdTemplate {
    pub name: &'static str,
    pub shape: Shape,
    /// For a shell given a script with `-c`: the argument that is the script (it holds `{}`).
    pub script: Option<usize>,
    /// Whether the program's options run code or write files (the ground truth's own list).
    pub dangerous_options: bool,
}

/// Every template, in report order.
pub const TEMPLATES: [CmdTemplate; 6] = [
    CmdTemplate {
        name: "sh-c",
        shape: Shape::Argv(&["sh", "-c", "ping -c 1 {}"]),
        script: Some(2),
        dangerous_options: false,
    },
    CmdTemplate {
        name: "bash-quoted",
        shape: Shape::Argv(&["bash", "-c", "grep -- '{}' /var/log/app.log"]),
        script: Some(2),
        dangerous_options: false,
    },
    CmdTemplate {
        name: "sh-dquoted",
        shape: Shape::Argv(&["sh", "-c", "echo \"{}\""]),
        script: Some(2),
        dangerous_options: false,
    },
    CmdTemplate {
        name: "argv",
        shape: Shape::Argv(&["ping", "-c", "1", "{}"]),
        script: None,
        dangerous_options: false,
    },
    CmdTemplate {
        name: "exec-string",
        shape: Shape::Exec("nslookup {}"),
        script: None,
        dangerous_options: false,
    },
    CmdTemplate {
        name: "tar-operand",
        shape: Shape::Argv(&["tar", "-cf", "/tmp/a.tar", "{}"]),
        script: None,
        dangerous_options: true,
    },
];

/// The JDK's `StringTokenizer` delimiters, which `Runtime.exec(String)` splits on.
const TOKENIZER_DELIMITERS: &[char] = &[' ', '\t', '\n', '\r', '\u{c}'];

/// Splits like `new StringTokenizer(command)`: byte ranges of the tokens.
pub fn string_tokens(command: &str) -> Vec<Range<usize>> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in command.char_indices() {
        match (TOKENIZER_DELIMITERS.contains(&c), start) {
            (true, Some(s)) => {
                tokens.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(s..command.len());
    }
    tokens
}

fn is_option(word: &str) -> bool {
    // `-` (standard input) and `--` (end of options) are not options.
    word.len() > 1 && word.starts_with('-') && word != "--"
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

impl CmdTemplate {
    /// The template as shown in the report.
    pub fn describe(&self) -> String {
        match self.shape {
            Shape::Argv(argv) => serde_json::to_string(argv).unwrap_or_default(),
            Shape::Exec(s) => {
                let (before, _) = s.split_once("{}").unwrap_or((s, ""));
                format!("Runtime.exec({before:?} + x), split on whitespace, no shell")
            }
        }
    }

    /// The argument vector with `payload` in place.
    pub fn argv(&self, payload: &str) -> Vec<String> {
        match self.shape {
            Shape::Argv(argv) => argv.iter().map(|a| a.replace("{}", payload)).collect(),
            Shape::Exec(s) => {
                let command = s.replace("{}", payload);
                string_tokens(&command)
                    .into_iter()
                    .map(|r| command[r].to_string())
                    .collect()
            }
        }
    }

    /// Where `payload` lands, by the ground truth.
    pub fn class(&self, payload: &str) -> &'static Class {
        match self.shape {
            Shape::Argv(argv) => {
                let Some((index, arg)) = argv.iter().enumerate().find(|(_, a)| a.contains("{}"))
                else {
                    return &INERT;
                };
                let (before, after) = arg.split_once("{}").unwrap_or((arg, ""));
                let placed = format!("{before}{payload}{after}");
                let span = before.len()..before.len() + payload.len();
                if self.script == Some(index) {
                    shell_class(&placed, span)
                } else if index == 0 {
                    &PROGRAM
                } else if self.dangerous_options && span.start == 0 && is_option(&placed) {
                    &OPTION
                } else {
                    &INERT
                }
            }
            Shape::Exec(s) => {
                let (before, _) = s.split_once("{}").unwrap_or((s, ""));
                let command = s.replace("{}", payload);
                let span = before.len()..before.len() + payload.len();
                for (i, token) in string_tokens(&command).into_iter().enumerate() {
                    if !overlaps(&token, &span) {
                        continue;
                    }
                    if i == 0 {
                        return &PROGRAM;
                    }
                    if self.dangerous_options
                        && token.start >= span.start
                        && is_option(&command[token])
                    {
                        return &OPTION;
                    }
                }
                &INERT
            }
        }
    }
}

/// The class of the bytes `span` of a shell script, by the shell lexer alone.
pub fn shell_class(script: &str, span: Range<usize>) -> &'static Class {
    let Ok(tokens) = tokenize(script.as_bytes()) else {
        return &UNLEXABLE;
    };
    let covered: Vec<ShellTokenKind> = tokens
        .iter()
        .filter(|t| overlaps(&(t.start..t.end), &span) && t.kind != ShellTokenKind::Whitespace)
        .map(|t| t.kind)
        .collect();
    if covered.iter().any(|&k| k != ShellTokenKind::Word) {
        &SHELL
    } else if covered.len() <= 1 {
        &INERT
    } else {
        &WORDS
    }
}

/// The command family: its description and the engine.
pub struct CmdFamily {
    engine: Engine,
    info: FamilyInfo,
}

impl Default for CmdFamily {
    fn default() -> Self {
        CmdFamily {
            engine: Engine::new(EngineConfig::default()),
            info: FamilyInfo {
                name: "cmd",
                templates: TemplateInfo::list(TEMPLATES.iter().map(|t| (t.name, t.describe()))),
                classes: &CLASSES,
                request: RequestShape {
                    uri: "/tools/lookup",
                    parameter: "host",
                    more_query: "type=A&lang=en-US",
                },
                check: "Engine::check_command (api java.lang.ProcessImpl.start, no environment \
                        entries); its built-in command policy (cmdi.policy.*) judges the command \
                        line itself, whatever the input, so it can flag inert placements",
            },
        }
    }
}

/// The CommandApi code of `java.lang.ProcessImpl.start`, where the agent hooks every launch.
const PROCESS_IMPL_START: i32 = 0;

impl Family for CmdFamily {
    fn info(&self) -> &FamilyInfo {
        &self.info
    }

    fn judge(&self, ctx: &RequestContext, template: usize, payload: &str) -> Outcome {
        let t = &TEMPLATES[template];
        let command = CommandLine {
            argv: t.argv(payload),
            env: Vec::new(),
        };
        let verdict = self.engine.check_command(
            ctx,
            &CommandSink {
                api: PROCESS_IMPL_START,
                command: &command,
            },
        );
        Outcome {
            rule: flagged_rule(&verdict),
            class: t.class(payload),
        }
    }

    fn sink(&self, template: usize, payload: &str) -> String {
        serde_json::to_string(&TEMPLATES[template].argv(payload)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::sink::context;

    fn class(template: &str, payload: &str) -> &'static str {
        TEMPLATES
            .iter()
            .find(|t| t.name == template)
            .map_or("no such template", |t| t.class(payload).name)
    }

    #[test]
    fn every_template_has_one_placeholder() {
        for t in TEMPLATES {
            let n = match t.shape {
                Shape::Argv(argv) => argv.iter().map(|a| a.matches("{}").count()).sum(),
                Shape::Exec(s) => s.matches("{}").count(),
            };
            assert_eq!(n, 1, "{}", t.name);
        }
    }

    #[test]
    fn classes_by_the_ground_truth_alone() {
        let cases = [
            ("sh-c", "127.0.0.1", "inert"),
            ("sh-c", "127.0.0.1; id", "shell-syntax"),
            ("sh-c", "$(id)", "shell-syntax"),
            ("sh-c", "a # b", "shell-syntax"),
            ("sh-c", "127.0.0.1 127.0.0.2", "words"),
            ("sh-c", "-f ", "inert"),
            ("sh-c", "'", "unlexable"),
            ("bash-quoted", "a; b | c", "inert"),
            ("bash-quoted", "x' 'y", "words"),
            ("bash-quoted", "x' y", "unlexable"),
            ("bash-quoted", "'; id; '", "shell-syntax"),
            ("bash-quoted", "it's", "unlexable"),
            ("sh-dquoted", "hello; world 'x'", "inert"),
            ("sh-dquoted", "$HOME", "shell-syntax"),
            ("sh-dquoted", "\"; id; \"", "shell-syntax"),
            ("argv", "127.0.0.1; id", "inert"),
            ("argv", "-f", "inert"),
            ("exec-string", "x; id", "inert"),
            ("exec-string", "-type=any x", "inert"),
            ("tar-operand", "--to-command=id", "option"),
            ("tar-operand", "-", "inert"),
            ("tar-operand", "docs/-v1", "inert"),
        ];
        for (template, payload, want) in cases {
            assert_eq!(class(template, payload), want, "{payload:?} in {template}");
        }
    }

    #[test]
    fn runtime_exec_splits_like_string_tokenizer() {
        let t = TEMPLATES[4];
        assert_eq!(
            t.argv("a\u{a0}b\tc\u{c}d  e"),
            vec!["nslookup", "a\u{a0}b", "c", "d", "e"],
            "NBSP is not a delimiter; form feed is"
        );
        assert_eq!(string_tokens("  "), Vec::<Range<usize>>::new());
    }

    #[test]
    fn the_engine_and_the_ground_truth_agree_on_plain_cases() {
        let family = CmdFamily::default();
        for (payload, rule, class) in [
            ("127.0.0.1; id", Some("cmdi.shell"), "shell-syntax"),
            ("127.0.0.1", None, "inert"),
        ] {
            let got = family.judge(&context(&family, payload), 0, payload);
            assert_eq!((got.rule, got.class.name), (rule, class), "{payload:?}");
        }
        let got = family.judge(&context(&family, "--to-command=id"), 5, "--to-command=id");
        assert_eq!((got.rule, got.class.name), (Some("cmdi.option"), "option"));
    }
}
