//! A POSIX shell lexer, as far as injection detection needs one.
//!
//! It splits a `sh -c` script into words, operators (`;` `|` `||` `&&` `&` newline `(` `)`),
//! redirections (`>` `>>` `<` `2>&1` `&>` `<<<` ...), comments and expansions (`$name`,
//! `${...}`, `$(...)`, `$((...))`, backticks). Quoting is honoured: `'...'` is literal, `"..."`
//! and unquoted text may contain expansions, `\` escapes one character. An expansion is a token
//! of its own even inside a word or double quotes, because an input that brings one in changes
//! what the shell executes, while a word split into several words does not.

/// What a shell token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellTokenKind {
    /// Spaces and tabs.
    Whitespace,
    /// A word or the literal part of a word (quotes included).
    Word,
    /// A control operator: `;` `;;` `&` `&&` `|` `||` `|&` `(` `)` and newline.
    Operator,
    /// A redirection operator, with its file-descriptor digits: `>`, `2>>`, `<&`, `&>`, `<<<`.
    Redirection,
    /// `$name`, `${...}`, `$(...)`, `$((...))`, `` `...` ``.
    Expansion,
    /// `# ...` at the start of a word.
    Comment,
}

impl ShellTokenKind {
    pub fn name(self) -> &'static str {
        match self {
            ShellTokenKind::Whitespace => "ws",
            ShellTokenKind::Word => "word",
            ShellTokenKind::Operator => "op",
            ShellTokenKind::Redirection => "redirect",
            ShellTokenKind::Expansion => "expansion",
            ShellTokenKind::Comment => "comment",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShellToken {
    pub kind: ShellTokenKind,
    pub start: usize,
    pub end: usize,
}

/// Why a script could not be lexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShellLexError {
    #[error("unterminated single quote starting at byte {0}")]
    UnterminatedSingleQuote(usize),
    #[error("unterminated double quote starting at byte {0}")]
    UnterminatedDoubleQuote(usize),
    #[error("unterminated expansion starting at byte {0}")]
    UnterminatedExpansion(usize),
}

impl ShellLexError {
    pub fn offset(&self) -> usize {
        match *self {
            ShellLexError::UnterminatedSingleQuote(o)
            | ShellLexError::UnterminatedDoubleQuote(o)
            | ShellLexError::UnterminatedExpansion(o) => o,
        }
    }
}

/// Tokenizes a shell script. The tokens tile the input.
pub fn tokenize(script: &[u8]) -> Result<Vec<ShellToken>, ShellLexError> {
    let mut lx = Lexer {
        s: script,
        pos: 0,
        out: Vec::new(),
        word_start: None,
    };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
    out: Vec<ShellToken>,
    /// Start of the word (literal part) being accumulated.
    word_start: Option<usize>,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

impl<'a> Lexer<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.s.get(i).copied()
    }

    fn emit(&mut self, kind: ShellTokenKind, start: usize, end: usize) {
        self.out.push(ShellToken { kind, start, end });
    }

    fn end_word(&mut self) {
        if let Some(start) = self.word_start.take() {
            if self.pos > start {
                self.emit(ShellTokenKind::Word, start, self.pos);
            }
        }
    }

    fn in_word(&mut self) {
        if self.word_start.is_none() {
            self.word_start = Some(self.pos);
        }
    }

    fn run(&mut self) -> Result<(), ShellLexError> {
        while self.pos < self.s.len() {
            let b = self.s[self.pos];
            match b {
                _ if is_blank(b) => {
                    self.end_word();
                    let start = self.pos;
                    while self.at(self.pos).is_some_and(is_blank) {
                        self.pos += 1;
                    }
                    self.emit(ShellTokenKind::Whitespace, start, self.pos);
                }
                b'\n' | b';' | b'&' | b'|' | b'(' | b')' => {
                    // `&>` and `&>>` redirect both streams.
                    if b == b'&' && self.at(self.pos + 1) == Some(b'>') {
                        self.end_word();
                        self.redirection(self.pos);
                        continue;
                    }
                    self.end_word();
                    let start = self.pos;
                    let next = self.at(self.pos + 1);
                    let two = matches!(
                        (b, next),
                        (b';', Some(b';')) | (b'&', Some(b'&')) | (b'|', Some(b'|' | b'&'))
                    );
                    self.pos += if two { 2 } else { 1 };
                    self.emit(ShellTokenKind::Operator, start, self.pos);
                }
                b'<' | b'>' => {
                    // Digits just before belong to the redirection: `2>&1`.
                    let start = match self.word_start {
                        Some(ws) if self.s[ws..self.pos].iter().all(u8::is_ascii_digit) => {
                            self.word_start = None;
                            ws
                        }
                        _ => {
                            self.end_word();
                            self.pos
                        }
                    };
                    self.redirection(start);
                }
                b'#' if self.word_start.is_none() => {
                    let start = self.pos;
                    while self.at(self.pos).is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                    self.emit(ShellTokenKind::Comment, start, self.pos);
                }
                b'\\' => {
                    self.in_word();
                    self.pos = (self.pos + 2).min(self.s.len());
                }
                b'\'' => {
                    self.in_word();
                    let start = self.pos;
                    match self.s[self.pos + 1..].iter().position(|&c| c == b'\'') {
                        Some(i) => self.pos += i + 2,
                        None => return Err(ShellLexError::UnterminatedSingleQuote(start)),
                    }
                }
                b'"' => self.double_quoted()?,
                b'$' | b'`' => {
                    if !self.expansion()? {
                        self.in_word();
                        self.pos += 1;
                    }
                }
                _ => {
                    self.in_word();
                    self.pos += 1;
                }
            }
        }
        self.end_word();
        Ok(())
    }

    fn redirection(&mut self, start: usize) {
        let rest = &self.s[self.pos..];
        const OPS: [&[u8]; 10] = [
            b"<<<", b"&>>", b"<<-", b">>", b"<<", b">&", b"<&", b"&>", b">|", b"<>",
        ];
        let len = OPS
            .iter()
            .find(|op| rest.starts_with(op))
            .map_or(1, |op| op.len());
        self.pos += len;
        self.emit(ShellTokenKind::Redirection, start, self.pos);
    }

    /// `"..."`: literal text with expansions inside; `\` escapes `"`, `\`, `$` and backtick.
    fn double_quoted(&mut self) -> Result<(), ShellLexError> {
        let open = self.pos;
        self.in_word();
        self.pos += 1;
        loop {
            match self.at(self.pos) {
                None => return Err(ShellLexError::UnterminatedDoubleQuote(open)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => self.pos += 2,
                Some(b'$' | b'`') => {
                    if !self.expansion()? {
                        self.pos += 1;
                    }
                    // The literal text after an expansion is a new word part.
                    self.in_word();
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Lexes an expansion at `pos` as its own token; false when `$` is just a character.
    fn expansion(&mut self) -> Result<bool, ShellLexError> {
        let start = self.pos;
        let end = match (self.s[start], self.at(start + 1)) {
            (b'`', _) => self.closing(start + 1, b'`', None, start)?,
            (b'$', Some(b'(')) => self.closing(start + 2, b')', Some(b'('), start)?,
            (b'$', Some(b'{')) => self.closing(start + 2, b'}', Some(b'{'), start)?,
            (b'$', Some(c)) if is_name_start(c) => {
                let mut i = start + 1;
                while self
                    .at(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    i += 1;
                }
                i
            }
            (b'$', Some(c)) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => start + 2,
            _ => return Ok(false),
        };
        self.end_word();
        self.emit(ShellTokenKind::Expansion, start, end);
        self.pos = end;
        Ok(true)
    }

    /// The end (exclusive) of a bracketed expansion whose body starts at `from`, honouring
    /// nesting of `open` and quotes inside.
    fn closing(
        &self,
        from: usize,
        close: u8,
        open: Option<u8>,
        start: usize,
    ) -> Result<usize, ShellLexError> {
        let mut depth = 1u32;
        let mut i = from;
        while let Some(c) = self.at(i) {
            match c {
                b'\\' => i += 1,
                b'\'' if close != b'`' => match self.s[i + 1..].iter().position(|&q| q == b'\'') {
                    Some(n) => i += n + 1,
                    None => break,
                },
                _ if Some(c) == open => depth += 1,
                _ if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Err(ShellLexError::UnterminatedExpansion(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(s: &str) -> Vec<String> {
        let tokens = tokenize(s.as_bytes()).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        let mut at = 0;
        for t in &tokens {
            assert_eq!(t.start, at, "gap before {t:?} in {s:?}");
            at = t.end;
        }
        assert_eq!(at, s.len(), "tokens must tile {s:?}");
        tokens
            .iter()
            .filter(|t| t.kind != ShellTokenKind::Whitespace)
            .map(|t| format!("{}:{}", t.kind.name(), &s[t.start..t.end]))
            .collect()
    }

    #[test]
    fn tokens() {
        let cases: &[(&str, &[&str])] = &[
            (
                "ping -c 1 host",
                &["word:ping", "word:-c", "word:1", "word:host"],
            ),
            (
                "a;b && c || d | e & f",
                &[
                    "word:a", "op:;", "word:b", "op:&&", "word:c", "op:||", "word:d", "op:|",
                    "word:e", "op:&", "word:f",
                ],
            ),
            (
                "echo 'a; b' \"c $(id) d\"",
                &[
                    "word:echo",
                    "word:'a; b'",
                    "word:\"c ",
                    "expansion:$(id)",
                    "word: d\"",
                ],
            ),
            (
                "cat${IFS}/etc/passwd",
                &["word:cat", "expansion:${IFS}", "word:/etc/passwd"],
            ),
            ("x `id` y", &["word:x", "expansion:`id`", "word:y"]),
            (
                "ls 2>&1 >out <in &>all",
                &[
                    "word:ls",
                    "redirect:2>&",
                    "word:1",
                    "redirect:>",
                    "word:out",
                    "redirect:<",
                    "word:in",
                    "redirect:&>",
                    "word:all",
                ],
            ),
            ("a # comment", &["word:a", "comment:# comment"]),
            ("a#b", &["word:a#b"]),
            ("a\nb", &["word:a", "op:\n", "word:b"]),
            ("echo \\; \\$x", &["word:echo", "word:\\;", "word:\\$x"]),
            (
                "echo $((1+2)) $1 $HOME",
                &[
                    "word:echo",
                    "expansion:$((1+2))",
                    "expansion:$1",
                    "expansion:$HOME",
                ],
            ),
            ("price $ 5", &["word:price", "word:$", "word:5"]),
            (
                "(a) $(echo ')')",
                &["op:(", "word:a", "op:)", "expansion:$(echo ')')"],
            ),
        ];
        for (s, want) in cases {
            assert_eq!(lex(s), *want, "{s:?}");
        }
    }

    #[test]
    fn unterminated_constructs_are_errors() {
        assert_eq!(
            tokenize(b"echo 'a"),
            Err(ShellLexError::UnterminatedSingleQuote(5))
        );
        assert_eq!(
            tokenize(b"echo \"a"),
            Err(ShellLexError::UnterminatedDoubleQuote(5))
        );
        assert_eq!(
            tokenize(b"echo $(a"),
            Err(ShellLexError::UnterminatedExpansion(5))
        );
        assert_eq!(
            tokenize(b"echo `a"),
            Err(ShellLexError::UnterminatedExpansion(5))
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        for b in 0..=255u8 {
            for s in [
                vec![b],
                vec![b'a', b, b'\\'],
                vec![b'"', b'$', b'(', b],
                vec![b'$', b'{', b],
            ] {
                let _ = tokenize(&s);
            }
        }
    }
}
