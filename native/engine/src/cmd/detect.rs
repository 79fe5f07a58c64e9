//! Deciding whether request input changed what a launched process does.
//!
//! The command is judged as the JVM hands it to the OS: an argument vector, not a string.
//! `Runtime.exec(String)` has already split on whitespace and runs no shell, so shell
//! metacharacters in an argument are data there. What is code:
//!
//! * input that is the program itself (`cmdi.program`): `argv[0]`, the program behind wrappers
//!   (`timeout 5 <input>`), or the command word of any simple command of a shell script;
//! * input that adds shell structure (operators, redirections, expansions, comments) to the
//!   script of a shell run with `-c` (`sh`, `bash`, ..., `cmd /c`, `powershell -Command`),
//!   judged on the script's tokens (`cmdi.shell`); a script that cannot be lexed while it
//!   contains input is `cmdi.unparsable`. For `sh -c 'script' name args...` only the script
//!   is script: the arguments after it are positional parameters, data;
//! * input that starts an option (`-x`, `--x`) of a program whose options run code or write
//!   files (`cmdi.option`), wherever the program reads options: any argument, behind
//!   wrappers, in every simple command of a script, but not after `--` nor as an option's
//!   argument (`grep -e -x`; see [`super::options`]);
//! * input that decides an environment variable's name, input in an environment variable that
//!   makes the child load or run code (`LD_PRELOAD`, `BASH_ENV`, ...), or that is a shell
//!   function definition (`() {`, Shellshock) (`cmdi.env`). A variable the script re-evaluates
//!   (`eval "$V"`, `sh -c "$V"`, `... | xargs sh -c`) is judged as script, and a finding in it
//!   is `cmdi.env`.
//!
//! Positions are byte offsets in the command line (the arguments joined by single spaces), or
//! in an environment entry's value.

use super::lexer::{tokenize, ShellTokenKind};
use super::options::{is_option, roles, syntax_of, Role};
use super::programs::{self, basename};
use super::script::{self, Base, Src, Text, Vars};
use super::wrappers;
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
    let on_line = |rule, input, start, end| CmdFinding {
        rule,
        input,
        location: CmdLocation::CommandLine { start, end },
    };

    // The program itself: an input equal to it (words included, which the matcher skips), or
    // an occurrence that starts the command line and covers the whole program. Path segments
    // and parameter names are left out of the equality: routes like `/tools/ping` name the
    // program the application runs for them, and are chosen by its routing, not by the client.
    if let Some(i) = ctx.inputs().iter().position(|i| chooses(i, program)) {
        return Some(on_line(CmdRule::Program, i, 0, program.len()));
    }
    let env_occs = env_occurrences(ctx, cmd);
    // Nearly every launch ends here: no input occurs in the command line or the environment.
    if !input_occurs && env_occs.is_empty() {
        // A script that is a whole input the matcher skips (`sh -c reboot`).
        let some_arg_is_input = cmd.argv[1..]
            .iter()
            .any(|a| ctx.inputs().iter().any(|i| chooses(i, a)));
        if some_arg_is_input {
            if let Some((script, _)) = programs::launched_script(&cmd.argv) {
                let whole = &cmd.argv[script];
                if let Some(i) = ctx.inputs().iter().position(|i| chooses(i, whole)) {
                    let at = cmd.arg_starts()[script];
                    return Some(on_line(CmdRule::Program, i, at, at + whole.len()));
                }
            }
        }
        return env_finding(ctx, cmd, &env_occs);
    }
    let mut occs: Vec<Occ> = Vec::new();
    if input_occurs {
        for o in ctx.matcher().occurrences(line.as_bytes()) {
            if o.start == 0 && o.end >= program.len() {
                return Some(on_line(CmdRule::Program, o.input, o.start, o.end));
            }
            occs.push(Occ {
                input: o.input,
                base: Base::Line,
                start: o.start,
                end: o.end,
            });
        }
    }
    occs.extend(env_occs.iter().copied());
    let starts = cmd.arg_starts();
    if let Some((script, _)) = programs::launched_script(&cmd.argv) {
        let at = starts[script];
        // Input reaching back over the script's start rewrote the invocation.
        if let Some(o) = occs
            .iter()
            .find(|o| o.base == Base::Line && o.start < at && at < o.end)
        {
            return Some(on_line(CmdRule::Shell, o.input, o.start, o.end));
        }
        // The whole script is an input: the client wrote the command.
        let whole = &cmd.argv[script];
        if let Some(i) = ctx.inputs().iter().position(|i| chooses(i, whole)) {
            return Some(on_line(CmdRule::Program, i, at, at + whole.len()));
        }
    }
    let cx = Cx {
        taint: Taint::new(&occs, line.len(), &cmd.env),
        occs,
        env: cmd
            .env
            .iter()
            .enumerate()
            .map(|(i, (n, v))| (n.clone(), Text::from_source(v.as_bytes(), Base::Env(i), 0)))
            .collect(),
    };
    let words: Vec<Text> = cmd
        .argv
        .iter()
        .zip(&starts)
        .map(|(a, &s)| Text::from_source(a.as_bytes(), Base::Line, s))
        .collect();
    let vars = Vars {
        named: &cx.env,
        positional: &[],
    };
    if let Some(f) = cx.command(&words, &vars, 0, true) {
        return Some(f.finding());
    }
    env_finding(ctx, cmd, &env_occs)
}

/// An input that is, on its own, the given program or script.
fn chooses(i: &Input, word: &str) -> bool {
    i.part == InputPart::Value
        && i.source != InputSource::Path
        && !i.value.is_empty()
        && i.value == *word
}

/// An occurrence of input: in the command line or in an environment entry's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Occ {
    input: usize,
    base: Base,
    start: usize,
    end: usize,
}

/// A finding before it is placed: the rule and the input occurrence it is about.
struct Found {
    rule: CmdRule,
    occ: Occ,
}

impl Found {
    /// Whatever carried the input into an environment variable is reported as `cmdi.env`, at
    /// the entry.
    fn finding(&self) -> CmdFinding {
        let Occ {
            input, start, end, ..
        } = self.occ;
        match self.occ.base {
            Base::Line => CmdFinding {
                rule: self.rule,
                input,
                location: CmdLocation::CommandLine { start, end },
            },
            Base::Env(index) => CmdFinding {
                rule: CmdRule::Env,
                input,
                location: CmdLocation::Env { index, start, end },
            },
        }
    }
}

/// Scripts nested deeper than this (`sh -c "sh -c \"eval ...\""`) are not followed.
const MAX_DEPTH: usize = 6;

/// Shell words that start a compound command or a pipeline, not a program.
const RESERVED: [&[u8]; 12] = [
    b"if", b"then", b"else", b"elif", b"do", b"while", b"until", b"!", b"{", b"}", b"fi", b"done",
];

/// For each byte of the command line and of each environment value, the first occurrence of
/// input that covers it: the detector asks this for every byte it reads, so it must not cost a
/// scan of all occurrences (a long command can hold thousands).
struct Taint {
    line: Vec<Option<u32>>,
    env: Vec<Vec<Option<u32>>>,
}

impl Taint {
    fn new(occs: &[Occ], line_len: usize, env: &[(String, String)]) -> Taint {
        let mut t = Taint {
            line: vec![None; line_len],
            env: env.iter().map(|(_, v)| vec![None; v.len()]).collect(),
        };
        for (k, o) in occs.iter().enumerate() {
            let map = match o.base {
                Base::Line => Some(&mut t.line),
                Base::Env(i) => t.env.get_mut(i),
            };
            let Some(map) = map else { continue };
            let end = o.end.min(map.len());
            for slot in map.iter_mut().take(end).skip(o.start) {
                if slot.is_none() {
                    *slot = u32::try_from(k).ok();
                }
            }
        }
        t
    }

    fn get(&self, s: Src) -> Option<usize> {
        let map = match s.base {
            Base::Line => &self.line,
            Base::Env(i) => self.env.get(i)?,
        };
        map.get(s.at).copied().flatten().map(|k| k as usize)
    }
}

/// One check's state: where input occurs, and the environment as script variables.
struct Cx {
    occs: Vec<Occ>,
    taint: Taint,
    env: Vec<(String, Text)>,
}

impl Cx {
    /// The occurrence a byte lies in.
    fn at(&self, src: Option<Src>) -> Option<&Occ> {
        self.occs.get(self.taint.get(src?)?)
    }

    /// The occurrence that covers bytes `[start, end)` of `w`, all of them.
    fn covering(&self, w: &Text, start: usize, end: usize) -> Option<Occ> {
        if start >= end || end > w.bytes.len() {
            return None;
        }
        let o = *self.at(w.src[start])?;
        w.src[start..end]
            .iter()
            .all(|s| s.is_some_and(|s| s.base == o.base && o.start <= s.at && s.at < o.end))
            .then_some(o)
    }

    fn tainted(&self, w: &Text) -> Option<Occ> {
        w.src.iter().find_map(|&s| self.at(s).copied())
    }

    /// An option the input wrote: the word reads as an option and the input wrote its dashes
    /// and first letter, not only the start of one the application wrote (`-` of `-c`).
    fn injected_option(&self, w: &Text) -> Option<Occ> {
        if !is_option(&w.bytes) {
            return None;
        }
        let dashes = if w.bytes.get(1) == Some(&b'-') { 2 } else { 1 };
        self.covering(w, 0, dashes + 1)
    }

    /// Judges one command: its words (argv, or a simple command of a script, expanded).
    fn command(&self, words: &[Text], vars: &Vars<'_>, depth: usize, argv: bool) -> Option<Found> {
        let first = if argv {
            0
        } else {
            words.iter().position(|w| {
                !RESERVED.contains(&w.bytes.as_slice()) && !is_shell_assignment(&w.bytes)
            })?
        };
        let words = &words[first..];
        let texts: Vec<&[u8]> = words.iter().map(|w| w.bytes.as_slice()).collect();
        if !argv
            && matches!(
                texts.first(),
                Some(&(b"for" | b"case" | b"select" | b"function"))
            )
        {
            return None;
        }
        let unwrapped = wrappers::unwrap(&texts);
        // `env NAME=value ...`: the input wrote the name, or a value the child runs.
        for &a in &unwrapped.assignments {
            let w = &words[a];
            let eq = w.bytes.iter().position(|&c| c == b'=').unwrap_or(0);
            if let Some(occ) = self.covering(w, 0, eq + 1) {
                return Some(Found {
                    rule: CmdRule::Env,
                    occ,
                });
            }
            let value = w.slice(eq + 1, w.bytes.len());
            if programs::is_dangerous_env_name(&w.bytes[..eq]) {
                if let Some(occ) = self.tainted(&value) {
                    return Some(Found {
                        rule: CmdRule::Env,
                        occ,
                    });
                }
            }
        }
        for (k, &p) in unwrapped.programs.iter().enumerate() {
            if !(argv && p == 0) {
                if let Some(occ) = self.covering(&words[p], 0, words[p].bytes.len()) {
                    return Some(Found {
                        rule: CmdRule::Program,
                        occ,
                    });
                }
            }
            let name = basename(&String::from_utf8_lossy(texts[p]));
            if !programs::has_dangerous_options(&name) {
                continue;
            }
            let end = unwrapped
                .programs
                .get(k + 1)
                .copied()
                .unwrap_or(words.len());
            let args = &texts[p + 1..end];
            for (i, role) in roles(syntax_of(&name), args).into_iter().enumerate() {
                if role != Role::Option {
                    continue;
                }
                if let Some(occ) = self.injected_option(&words[p + 1 + i]) {
                    return Some(Found {
                        rule: CmdRule::Option,
                        occ,
                    });
                }
            }
        }
        let real = *unwrapped.programs.last()?;
        if let Some(s) = programs::script_index(&texts[real..]) {
            let s = real + s;
            let program = String::from_utf8_lossy(texts[real]);
            let (script, positional) = if programs::script_is_rest_of_line(&program) {
                (Text::join(&words[s..]), &[][..])
            } else {
                (words[s].clone(), &words[s + 1..])
            };
            let vars = Vars {
                named: &self.env,
                positional,
            };
            return self.script(&script, &vars, depth + 1);
        }
        if !argv && texts[real] == b"eval" {
            let text = Text::join(&words[real + 1..]);
            return self.script(&text, vars, depth + 1);
        }
        None
    }

    /// Judges a script: its tokens, then each simple command.
    fn script(&self, text: &Text, vars: &Vars<'_>, depth: usize) -> Option<Found> {
        if depth > MAX_DEPTH {
            return None;
        }
        let tainted = |i: usize| self.at(text.src[i]).copied();
        let first = (0..text.bytes.len()).find_map(tainted);
        // Input reaches the script's commands through the variables it expands, if not in
        // its text.
        if first.is_none()
            && !vars.named.iter().any(|(_, v)| self.tainted(v).is_some())
            && !vars.positional.iter().any(|v| self.tainted(v).is_some())
        {
            return None;
        }
        let tokens = match tokenize(&text.bytes) {
            Ok(t) => t,
            Err(err) => {
                let occ = text
                    .src
                    .get(err.offset())
                    .and_then(|&s| self.at(s).copied())
                    .or(first)?;
                return Some(Found {
                    rule: CmdRule::Unparsable,
                    occ,
                });
            }
        };
        for t in &tokens {
            if matches!(t.kind, ShellTokenKind::Word | ShellTokenKind::Whitespace) {
                continue;
            }
            // Input inside `$(...)` or backticks is judged as the script it is; its
            // delimiters are structure.
            let body = substitution_body(&text.bytes[t.start..t.end]);
            let (open, close) = body.unwrap_or((t.end - t.start, 0));
            let mut structure = (t.start..t.start + open).chain(t.end - close..t.end);
            if let Some(occ) = structure.find_map(tainted) {
                return Some(Found {
                    rule: CmdRule::Shell,
                    occ,
                });
            }
            if let Some((open, close)) = body {
                let inner = text.slice(t.start + open, t.end - close);
                if let Some(f) = self.script(&inner, vars, depth + 1) {
                    return Some(f);
                }
            }
        }
        let commands = script::commands(text, &tokens, vars);
        for (i, c) in commands.iter().enumerate() {
            if let Some(f) = self.command(&c.words, vars, depth, false) {
                return Some(f);
            }
            // `printf '%s' "$V" | xargs sh -c`: the items xargs reads become the script;
            // `echo "$V" | sh`: the output is the script.
            let runs_input = xargs_runs_items_as_script(&c.words) || shell_reads_stdin(&c.words);
            if i > 0 && c.piped_in && runs_input {
                let feeding = &commands[i - 1].words;
                let items: Vec<Text> = feeding
                    .iter()
                    .skip(1)
                    .filter(|w| self.tainted(w).is_some())
                    .cloned()
                    .collect();
                if !items.is_empty() {
                    let no_vars = Vars {
                        named: &self.env,
                        positional: &[],
                    };
                    if let Some(f) = self.script(&Text::join(&items), &no_vars, depth + 1) {
                        return Some(f);
                    }
                }
            }
        }
        None
    }
}

/// For a command substitution token, the lengths of its opening and closing delimiters.
fn substitution_body(token: &[u8]) -> Option<(usize, usize)> {
    if token.starts_with(b"$((") {
        None
    } else if token.starts_with(b"$(") && token.len() >= 3 {
        Some((2, 1))
    } else if token.starts_with(b"`") && token.len() >= 2 {
        Some((1, 1))
    } else {
        None
    }
}

/// `NAME=value` before a command: a variable for that command, not its program.
fn is_shell_assignment(word: &[u8]) -> bool {
    let Some(eq) = word.iter().position(|&c| c == b'=') else {
        return false;
    };
    let name = &word[..eq];
    name.first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// `xargs [options] sh -c` with no script (the first item is the script), or with `-I`
/// (the items are substituted into the script).
fn xargs_runs_items_as_script(words: &[Text]) -> bool {
    let texts: Vec<&[u8]> = words.iter().map(|w| w.bytes.as_slice()).collect();
    let programs = wrappers::unwrap(&texts).programs;
    programs.windows(2).any(|pair| {
        let (x, shell) = (pair[0], pair[1]);
        let is_xargs = basename(&String::from_utf8_lossy(texts[x])) == "xargs";
        if !is_xargs {
            return false;
        }
        let replaces = texts[x + 1..shell]
            .iter()
            .any(|a| a.starts_with(b"-I") || a.starts_with(b"-i") || a.starts_with(b"--replace"));
        let shell_words = &texts[shell..];
        let has_c = shell_words
            .iter()
            .skip(1)
            .any(|a| a.starts_with(b"-") && !a.starts_with(b"--") && a.contains(&b'c'));
        has_c && (replaces || programs::script_index(shell_words).is_none())
    })
}

/// A shell that reads its script from standard input: no `-c`, no script file (or `-s`).
fn shell_reads_stdin(words: &[Text]) -> bool {
    let texts: Vec<&[u8]> = words.iter().map(|w| w.bytes.as_slice()).collect();
    let Some(&real) = wrappers::unwrap(&texts).programs.last() else {
        return false;
    };
    let name = basename(&String::from_utf8_lossy(texts[real]));
    if !matches!(
        name.as_str(),
        "sh" | "bash" | "dash" | "zsh" | "ksh" | "ash" | "mksh"
    ) || programs::script_index(&texts[real..]).is_some()
    {
        return false;
    }
    let args = &texts[real + 1..];
    let reads_s = args
        .iter()
        .any(|a| a.starts_with(b"-") && !a.starts_with(b"--") && a.contains(&b's'));
    reads_s || !roles(syntax_of(&name), args).contains(&Role::Operand)
}

/// Where input occurs in the values of the environment entries the application set: the
/// matcher's occurrences, and an input equal to a whole value (words and numbers included,
/// which the matcher skips).
fn env_occurrences(ctx: &RequestContext, cmd: &CommandLine) -> Vec<Occ> {
    let mut out = Vec::new();
    for (index, (_, value)) in cmd.env.iter().enumerate() {
        if ctx.matcher().any(value.as_bytes()) {
            out.extend(
                ctx.matcher()
                    .occurrences(value.as_bytes())
                    .into_iter()
                    .map(|o| Occ {
                        input: o.input,
                        base: Base::Env(index),
                        start: o.start,
                        end: o.end,
                    }),
            );
        }
        let equal = ctx
            .inputs()
            .iter()
            .position(|i| !is_searchable(&i.value) && !i.value.is_empty() && i.value == *value);
        if let Some(input) = equal {
            out.push(Occ {
                input,
                base: Base::Env(index),
                start: 0,
                end: value.len(),
            });
        }
    }
    out
}

/// Whether input `i` decided the name of the entry `name=value`: it is the name, or the entry
/// from its start (`NAME=value` read from the request and split by the application).
fn decides_name(i: &Input, name: &str, value: &str) -> bool {
    i.part == InputPart::Value
        && i.source != InputSource::Path
        && !name.is_empty()
        && (i.value == name
            || i.value
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
                .is_some_and(|rest| value.starts_with(rest)))
}

fn env_finding(ctx: &RequestContext, cmd: &CommandLine, occs: &[Occ]) -> Option<CmdFinding> {
    for (index, (name, value)) in cmd.env.iter().enumerate() {
        // The span can only point into the value: the event shows `NAME=value` with spans
        // shifted past `NAME=`.
        if let Some(input) = ctx
            .inputs()
            .iter()
            .position(|i| decides_name(i, name, value))
        {
            return Some(CmdFinding {
                rule: CmdRule::Env,
                input,
                location: CmdLocation::Env {
                    index,
                    start: 0,
                    end: value.len(),
                },
            });
        }
        let dangerous = programs::is_dangerous_env(name);
        let hit = occs.iter().find(|o| {
            o.base == Base::Env(index)
                && (dangerous || value[o.start..].trim_start().starts_with("() {"))
        });
        if let Some(o) = hit {
            return Some(CmdFinding {
                rule: CmdRule::Env,
                input: o.input,
                location: CmdLocation::Env {
                    index,
                    start: o.start,
                    end: o.end,
                },
            });
        }
    }
    None
}
