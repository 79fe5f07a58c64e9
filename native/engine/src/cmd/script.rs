//! A shell script as the words its simple commands run with.
//!
//! Injection is judged on what the shell would execute, so each simple command of a script
//! (after `;`, `&&`, `||`, `|`, `&`, newlines) is rebuilt as its words: quotes removed, the
//! variables the detector knows (the environment the application set, the positional
//! parameters of `sh -c 'script' name args...`) expanded and, unquoted, split into fields.
//! Every byte keeps where it came from ([`Src`]), so a word can be traced back to request
//! input wherever the input entered: the command line, or the value of an environment entry.

use super::lexer::{ShellToken, ShellTokenKind};

/// The string a byte came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// The command line: the arguments joined by single spaces.
    Line,
    /// The value of environment entry `index`.
    Env(usize),
}

/// Where a byte came from: its offset in its [`Base`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Src {
    pub base: Base,
    pub at: usize,
}

/// Text the detector reads, each byte with its origin (`None`: from no known string, like the
/// space `"$*"` puts between arguments).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub bytes: Vec<u8>,
    pub src: Vec<Option<Src>>,
}

impl Text {
    /// `bytes`, found at `offset` of `base`.
    pub fn from_source(bytes: &[u8], base: Base, offset: usize) -> Text {
        Text {
            bytes: bytes.to_vec(),
            src: (0..bytes.len())
                .map(|i| {
                    Some(Src {
                        base,
                        at: offset + i,
                    })
                })
                .collect(),
        }
    }

    pub fn push(&mut self, b: u8, src: Option<Src>) {
        self.bytes.push(b);
        self.src.push(src);
    }

    pub fn extend(&mut self, other: &Text) {
        self.bytes.extend_from_slice(&other.bytes);
        self.src.extend_from_slice(&other.src);
    }

    /// Bytes `[start, end)` (clamped).
    pub fn slice(&self, start: usize, end: usize) -> Text {
        let end = end.min(self.bytes.len());
        let start = start.min(end);
        Text {
            bytes: self.bytes[start..end].to_vec(),
            src: self.src[start..end].to_vec(),
        }
    }

    /// The words joined by single spaces, as `eval` and `cmd /c` see them. The joining space
    /// is attributed to the command line when both neighbours are adjacent there.
    pub fn join(words: &[Text]) -> Text {
        let mut out = Text::default();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                let before = out.src.last().copied().flatten();
                let after = w.src.first().copied().flatten();
                let space = match (before, after) {
                    (Some(b), Some(a)) if b.base == a.base && b.at + 2 == a.at => Some(Src {
                        base: b.base,
                        at: b.at + 1,
                    }),
                    _ => None,
                };
                out.push(b' ', space);
            }
            out.extend(w);
        }
        out
    }
}

/// The variables a script's expansions are known to have.
pub struct Vars<'a> {
    /// The environment entries the application set: name and value.
    pub named: &'a [(String, Text)],
    /// `$0`, `$1`, ...: the arguments after the script of `sh -c`.
    pub positional: &'a [Text],
}

impl Vars<'_> {
    fn named(&self, name: &[u8]) -> Option<&Text> {
        self.named
            .iter()
            .find(|(n, _)| n.as_bytes() == name)
            .map(|(_, v)| v)
    }
}

/// A simple command: its words, and whether its standard input is the previous one's output.
#[derive(Debug, Default)]
pub struct Command {
    pub words: Vec<Text>,
    pub piped_in: bool,
}

/// The simple commands of a lexed script, with their words expanded.
pub fn commands(text: &Text, tokens: &[ShellToken], vars: &Vars<'_>) -> Vec<Command> {
    let mut b = Builder::default();
    for t in tokens {
        let raw = &text.bytes[t.start..t.end];
        match t.kind {
            ShellTokenKind::Whitespace | ShellTokenKind::Comment => b.end_word(),
            ShellTokenKind::Redirection => {
                b.end_word();
                b.skip_next = true;
            }
            ShellTokenKind::Operator => {
                b.end_word();
                let piped = raw.first() == Some(&b'|') && raw != b"||";
                let done = std::mem::take(&mut b.current);
                if !done.words.is_empty() {
                    b.commands.push(done);
                }
                b.current.piped_in = piped;
            }
            ShellTokenKind::Word => b.literal(text, t.start, t.end),
            ShellTokenKind::Expansion => b.expansion(text, t.start, t.end, vars),
        }
    }
    b.end_word();
    if !b.current.words.is_empty() {
        b.commands.push(b.current);
    }
    b.commands
}

#[derive(Default)]
struct Builder {
    commands: Vec<Command>,
    current: Command,
    word: Text,
    started: bool,
    in_double: bool,
    /// The next word is a redirection's target, not an argument.
    skip_next: bool,
}

impl Builder {
    fn end_word(&mut self) {
        if self.started {
            let word = std::mem::take(&mut self.word);
            if self.skip_next {
                self.skip_next = false;
            } else {
                self.current.words.push(word);
            }
        }
        self.started = false;
        self.in_double = false;
    }

    /// A literal part of a word: quotes and escapes removed.
    fn literal(&mut self, text: &Text, start: usize, end: usize) {
        self.started = true;
        let mut i = start;
        while i < end {
            let c = text.bytes[i];
            match c {
                b'\'' if !self.in_double => {
                    i += 1;
                    while i < end && text.bytes[i] != b'\'' {
                        self.word.push(text.bytes[i], text.src[i]);
                        i += 1;
                    }
                }
                b'"' => self.in_double = !self.in_double,
                b'\\' if i + 1 < end => {
                    let next = text.bytes[i + 1];
                    if self.in_double && !matches!(next, b'"' | b'\\' | b'$' | b'`' | b'\n') {
                        self.word.push(c, text.src[i]);
                    }
                    if next != b'\n' {
                        self.word.push(next, text.src[i + 1]);
                    }
                    i += 1;
                }
                _ => self.word.push(c, text.src[i]),
            }
            i += 1;
        }
    }

    /// An expansion: a known variable's value, otherwise the expansion's own text.
    fn expansion(&mut self, text: &Text, start: usize, end: usize, vars: &Vars<'_>) {
        self.started = true;
        let raw = &text.bytes[start..end];
        let name = raw
            .strip_prefix(b"${")
            .and_then(|r| r.strip_suffix(b"}"))
            .or_else(|| raw.strip_prefix(b"$"))
            .filter(|n| !n.is_empty() && n.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_'))
            .or_else(|| raw.strip_prefix(b"$").filter(|n| *n == b"@" || *n == b"*"));
        let Some(name) = name else {
            for i in start..end {
                self.word.push(text.bytes[i], text.src[i]);
            }
            return;
        };
        if name == b"@" || name == b"*" {
            let params = vars.positional.get(1..).unwrap_or(&[]);
            if self.in_double && name == b"*" {
                let joined = Text::join(params);
                self.word.extend(&joined);
            } else if self.in_double {
                for (k, p) in params.iter().enumerate() {
                    if k > 0 {
                        let in_double = self.in_double;
                        self.end_word();
                        self.started = true;
                        self.in_double = in_double;
                    }
                    self.word.extend(p);
                }
            } else {
                for (k, p) in params.iter().enumerate() {
                    if k > 0 {
                        self.end_word();
                    }
                    self.fields(p);
                }
            }
            return;
        }
        let value = if name.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(name)
                .ok()
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| vars.positional.get(n))
        } else {
            vars.named(name)
        };
        match value {
            None => {
                for i in start..end {
                    self.word.push(text.bytes[i], text.src[i]);
                }
            }
            Some(v) if self.in_double => self.word.extend(v),
            Some(v) => {
                let v = v.clone();
                self.fields(&v);
            }
        }
    }

    /// An unquoted expansion's value, split into fields on blanks.
    fn fields(&mut self, v: &Text) {
        let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\n');
        let mut i = 0;
        while i < v.bytes.len() {
            if blank(v.bytes[i]) {
                if !self.word.bytes.is_empty() {
                    self.end_word();
                }
                i += 1;
                continue;
            }
            self.started = true;
            self.word.push(v.bytes[i], v.src[i]);
            i += 1;
        }
        if v.bytes.last().copied().is_some_and(blank) {
            self.end_word();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn words(script: &str, env: &[(&str, &str)], positional: &[&str]) -> Vec<Vec<String>> {
        let text = Text::from_source(script.as_bytes(), Base::Line, 0);
        let named: Vec<(String, Text)> = env
            .iter()
            .enumerate()
            .map(|(i, (n, v))| {
                (
                    n.to_string(),
                    Text::from_source(v.as_bytes(), Base::Env(i), 0),
                )
            })
            .collect();
        let positional: Vec<Text> = positional
            .iter()
            .map(|p| Text::from_source(p.as_bytes(), Base::Line, 100))
            .collect();
        let tokens = tokenize(script.as_bytes()).expect("lexes");
        commands(
            &text,
            &tokens,
            &Vars {
                named: &named,
                positional: &positional,
            },
        )
        .iter()
        .map(|c| {
            c.words
                .iter()
                .map(|w| String::from_utf8_lossy(&w.bytes).into_owned())
                .collect()
        })
        .collect()
    }

    #[test]
    fn simple_commands_and_their_words() {
        assert_eq!(
            words(
                "cd /d && tar -cf 'a b.tar' \"x\"y >out; echo \\$HOME",
                &[],
                &[]
            ),
            [
                vec!["cd", "/d"],
                vec!["tar", "-cf", "a b.tar", "xy"],
                vec!["echo", "$HOME"]
            ]
        );
        assert_eq!(
            words("tar -cf a.tar $V \"$V\"", &[("V", "-x y")], &[]),
            [vec!["tar", "-cf", "a.tar", "-x", "y", "-x y"]]
        );
        assert_eq!(
            words("echo \"$1\" \"$@\" $*", &[], &["name", "a b", "c"]),
            [vec!["echo", "a b", "a b", "c", "a", "b", "c"]]
        );
        assert_eq!(
            words("echo \"a $(id) b\"", &[], &[]),
            [vec!["echo", "a $(id) b"]]
        );
    }
}
