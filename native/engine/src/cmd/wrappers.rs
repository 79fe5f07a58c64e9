//! Programs that run another program: `timeout 5 tar ...`, `nice -n 10 ...`, `env -i A=b ...`,
//! `nohup`, `stdbuf -oL`, `xargs -0 ...`, `sudo -u www ...`.
//!
//! The judgement of options and of the program applies to the program that really runs, so it
//! has to be found behind any number of wrappers; a wrapper's own options come first and some
//! take an argument (`timeout -s KILL`, `sudo -u user`), which must not be mistaken for the
//! program.

use super::options::{roles, Role, Syntax};
use super::programs::basename;

/// Where a wrapper's command starts among its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// `nohup CMD`, `xargs CMD`, `sudo CMD`.
    First,
    /// `timeout DURATION CMD`, `chroot DIR CMD`, `taskset MASK CMD`.
    Second,
    /// `env NAME=V... CMD`.
    AfterAssignments,
}

const fn wrapper(short_arg: &'static [u8], long_arg: &'static [&'static str]) -> Syntax {
    Syntax {
        short_arg,
        long_arg,
        single_dash_long: false,
        args_by_default: false,
        stops_at_operand: true,
        terminal: &[],
        bundled_first: false,
        subcommands: None,
    }
}

static TIMEOUT: Syntax = wrapper(b"sk", &["signal", "kill-after"]);
static NICE: Syntax = wrapper(b"n", &["adjustment"]);
static ENV: Syntax = wrapper(b"uCS", &["unset", "chdir", "split-string"]);
static PLAIN: Syntax = wrapper(b"", &[]);
static STDBUF: Syntax = wrapper(b"ioe", &["input", "output", "error"]);
static XARGS: Syntax = wrapper(
    b"adEILnPs",
    &[
        "arg-file",
        "delimiter",
        "max-lines",
        "max-args",
        "max-procs",
        "max-chars",
        "process-slot-var",
    ],
);
static SUDO: Syntax = wrapper(
    b"uUgChpDrtTR",
    &[
        "user",
        "other-user",
        "group",
        "close-from",
        "host",
        "prompt",
        "chdir",
        "role",
        "type",
        "command-timeout",
        "chroot",
    ],
);
static DOAS: Syntax = wrapper(b"uC", &[]);
static EXEC: Syntax = wrapper(b"a", &[]);
static TIME: Syntax = wrapper(b"fo", &["format", "output"]);
static IONICE: Syntax = wrapper(b"cn", &["class", "classdata"]);
static FLOCK: Syntax = wrapper(b"wE", &["timeout", "conflict-exit-code"]);

fn wrapper_of(program: &str) -> Option<(&'static Syntax, Start)> {
    Some(match program {
        "timeout" => (&TIMEOUT, Start::Second),
        "nice" => (&NICE, Start::First),
        "env" => (&ENV, Start::AfterAssignments),
        "nohup" | "setsid" | "command" | "builtin" | "unbuffer" | "busybox" => {
            (&PLAIN, Start::First)
        }
        "stdbuf" => (&STDBUF, Start::First),
        "xargs" => (&XARGS, Start::First),
        "sudo" => (&SUDO, Start::First),
        "doas" => (&DOAS, Start::First),
        "exec" => (&EXEC, Start::First),
        "time" => (&TIME, Start::First),
        "ionice" => (&IONICE, Start::First),
        "chroot" | "taskset" | "chrt" => (&PLAIN, Start::Second),
        "flock" => (&FLOCK, Start::Second),
        _ => return None,
    })
}

/// The option syntax of a wrapper, for the option judgement of the wrapper itself.
pub fn syntax_of(program: &str) -> Option<&'static Syntax> {
    wrapper_of(program).map(|(s, _)| s)
}

/// Whether the program runs another one given on its command line.
pub fn is_wrapper(program: &str) -> bool {
    wrapper_of(program).is_some()
}

/// The programs of a command: the first word, then each wrapper's command; the last one is the
/// program that really runs (a wrapper given no command, like a bare `xargs`, is the last).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Unwrapped {
    /// Indexes into the words, the first being 0 (when there are words).
    pub programs: Vec<usize>,
    /// `env`'s `NAME=value` operands: the child's environment, written on the command line.
    pub assignments: Vec<usize>,
}

/// Follows wrappers from `words[0]` to the program that runs.
pub fn unwrap<W: AsRef<[u8]>>(words: &[W]) -> Unwrapped {
    let mut out = Unwrapped::default();
    if words.is_empty() {
        return out;
    }
    let mut p = 0;
    out.programs.push(0);
    // Bounded: `nice nice nice ...` is legal, but not worth following forever.
    for _ in 0..16 {
        let name = basename(&String::from_utf8_lossy(words[p].as_ref()));
        let Some((syntax, start)) = wrapper_of(&name) else {
            break;
        };
        let args = &words[p + 1..];
        let roles = roles(syntax, args);
        let mut operands = roles
            .iter()
            .enumerate()
            .filter(|(_, r)| **r == Role::Operand)
            .map(|(i, _)| p + 1 + i);
        let next = match start {
            Start::First => operands.next(),
            Start::Second => operands.nth(1),
            Start::AfterAssignments => {
                let mut command = None;
                for i in operands {
                    let w = words[i].as_ref();
                    if w == b"-" {
                        continue;
                    }
                    if is_assignment(w) {
                        out.assignments.push(i);
                    } else {
                        command = Some(i);
                        break;
                    }
                }
                command
            }
        };
        match next {
            Some(n) => {
                out.programs.push(n);
                p = n;
            }
            None => break,
        }
    }
    out
}

/// `NAME=value` as `env` reads it: any non-empty name before the first `=`.
pub fn is_assignment(word: &[u8]) -> bool {
    word.iter().position(|&c| c == b'=').is_some_and(|i| i > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programs(words: &[&str]) -> Vec<usize> {
        unwrap(words).programs
    }

    #[test]
    fn finds_the_program_behind_wrappers() {
        assert_eq!(programs(&["timeout", "5", "tar", "-cf"]), [0, 2]);
        assert_eq!(programs(&["timeout", "-s", "KILL", "5", "tar"]), [0, 4]);
        assert_eq!(programs(&["nice", "-n", "10", "nohup", "tar"]), [0, 3, 4]);
        assert_eq!(programs(&["nice", "-10", "tar"]), [0, 2]);
        assert_eq!(programs(&["stdbuf", "-oL", "tar"]), [0, 2]);
        assert_eq!(programs(&["stdbuf", "-o", "L", "tar"]), [0, 3]);
        assert_eq!(programs(&["xargs", "-0", "-n", "1", "tar"]), [0, 4]);
        assert_eq!(programs(&["xargs"]), [0]);
        assert_eq!(programs(&["sudo", "-u", "www", "--", "tar"]), [0, 4]);
        assert_eq!(programs(&["/usr/bin/env", "-i", "A=b", "-", "tar"]), [0, 4]);
        assert_eq!(unwrap(&["env", "A=b", "C=d", "tar"]).assignments, [1, 2]);
        assert_eq!(programs(&["tar", "-cf", "x"]), [0]);
        assert_eq!(programs(&[] as &[&str]), Vec::<usize>::new());
    }
}
