//! How programs read their arguments: which words are options, which are an option's
//! argument, where options end.
//!
//! Option injection only matters where the program would read the injected word as an option.
//! A word after `--`, the argument of an option that takes one (`grep -e PATTERN`, `tar -C DIR`,
//! `find -name PATTERN`, `git grep -e -Xmx512m`), or an argument after the script of an
//! interpreter (`python x.py -c`) is data even when it starts with `-`. So each program with
//! dangerous options gets a small table of the options that take a separate argument. A
//! program without a table is read like `getopt_long` with no option taking an argument: every
//! `-x` word before `--` counts as an option, which errs towards detection.

/// How one program reads its options.
#[derive(Debug)]
pub struct Syntax {
    /// Short options (`-f FILE`) that take an argument: attached (`-fFILE`) or the next word.
    pub short_arg: &'static [u8],
    /// Long options (without dashes) taking the next word as argument when not `=`-attached.
    /// For programs with single-dash long options (`find -name`), the names without the dash.
    pub long_arg: &'static [&'static str],
    /// Long options are written with one dash (`find -name`, `java -jar`, `openssl -in`).
    pub single_dash_long: bool,
    /// Every single-dash option takes an argument except those in `long_arg` (ffmpeg,
    /// ImageMagick: `-resize GEOMETRY`, `-strip`).
    pub args_by_default: bool,
    /// The first operand ends the options: the rest are the script's arguments
    /// (interpreters, shells, `xargs`, wrappers).
    pub stops_at_operand: bool,
    /// Options after whose argument the options end (`python -c CODE args`, `java -jar F args`).
    pub terminal: &'static [&'static str],
    /// The first argument is a bundle of option letters without a dash (`tar cf a.tar`).
    pub bundled_first: bool,
    /// The first operand is a subcommand with its own options (`git grep`, `openssl req`).
    pub subcommands: Option<fn(&[u8]) -> &'static Syntax>,
}

/// What a word of a command's arguments is to the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Read as an option (`-x`, `--x`, a bundle, a subcommand's option).
    Option,
    /// The argument of the option before it: data.
    OptionArg,
    /// `--`, the end of options.
    EndOfOptions,
    /// An operand: data (a file, a pattern, a subcommand, the script's arguments).
    Operand,
}

const fn syntax(short_arg: &'static [u8], long_arg: &'static [&'static str]) -> Syntax {
    Syntax {
        short_arg,
        long_arg,
        single_dash_long: false,
        args_by_default: false,
        stops_at_operand: false,
        terminal: &[],
        bundled_first: false,
        subcommands: None,
    }
}

/// `getopt_long` with no option taking an argument: the reading that finds the most options.
pub static GENERIC: Syntax = syntax(b"", &[]);

static TAR: Syntax = Syntax {
    bundled_first: true,
    ..syntax(
        b"fCTXbHVgKLNI",
        &[
            "file",
            "directory",
            "files-from",
            "exclude-from",
            "exclude",
            "blocking-factor",
            "format",
            "label",
            "listed-incremental",
            "starting-file",
            "tape-length",
            "newer",
            "after-date",
            "use-compress-program",
            "owner",
            "group",
            "mode",
            "mtime",
            "transform",
            "xform",
            "suffix",
        ],
    )
};

static FIND: Syntax = Syntax {
    single_dash_long: true,
    ..syntax(
        b"D",
        &[
            "name",
            "iname",
            "path",
            "ipath",
            "wholename",
            "iwholename",
            "regex",
            "iregex",
            "regextype",
            "lname",
            "ilname",
            "type",
            "xtype",
            "user",
            "group",
            "uid",
            "gid",
            "perm",
            "size",
            "mtime",
            "atime",
            "ctime",
            "mmin",
            "amin",
            "cmin",
            "newer",
            "anewer",
            "cnewer",
            "used",
            "links",
            "inum",
            "samefile",
            "maxdepth",
            "mindepth",
            "fstype",
            "printf",
            "fprint",
            "fprint0",
            "fls",
            "context",
            "files0-from",
        ],
    )
};

/// `find`'s actions whose arguments run up to `;` or `+`: a command line the application wrote.
pub const FIND_COMMAND_ACTIONS: [&str; 4] = ["-exec", "-execdir", "-ok", "-okdir"];

static GIT: Syntax = Syntax {
    subcommands: Some(git_subcommand),
    ..syntax(
        b"Cc",
        &[
            "git-dir",
            "work-tree",
            "namespace",
            "super-prefix",
            "config-env",
        ],
    )
};

static GIT_GREP: Syntax = syntax(
    b"efABCm",
    &[
        "max-depth",
        "threads",
        "context",
        "after-context",
        "before-context",
        "max-count",
        "file",
    ],
);
static GIT_LOG: Syntax = syntax(
    b"nSGL",
    &[
        "max-count",
        "skip",
        "grep",
        "author",
        "committer",
        "since",
        "until",
        "format",
        "pretty",
    ],
);
static GIT_COMMIT: Syntax = syntax(
    b"mFCct",
    &[
        "message",
        "file",
        "author",
        "date",
        "template",
        "reuse-message",
        "reedit-message",
        "fixup",
        "squash",
    ],
);
static GIT_CLONE: Syntax = syntax(
    b"bojcu",
    &[
        "branch",
        "origin",
        "depth",
        "upload-pack",
        "template",
        "reference",
        "separate-git-dir",
        "config",
        "jobs",
        "filter",
    ],
);
static GIT_OTHER: Syntax = syntax(b"m", &["message"]);

fn git_subcommand(name: &[u8]) -> &'static Syntax {
    match name {
        b"grep" => &GIT_GREP,
        b"log" | b"show" | b"whatchanged" => &GIT_LOG,
        b"commit" | b"tag" | b"merge" => &GIT_COMMIT,
        b"clone" => &GIT_CLONE,
        _ => &GIT_OTHER,
    }
}

static CURL: Syntax = syntax(
    b"AbcCdDeEFHKmoPQrTuUwxXyYz",
    &[
        "data",
        "data-raw",
        "data-binary",
        "data-ascii",
        "data-urlencode",
        "header",
        "output",
        "output-dir",
        "url",
        "user",
        "user-agent",
        "referer",
        "cookie",
        "cookie-jar",
        "form",
        "form-string",
        "upload-file",
        "proxy",
        "request",
        "max-time",
        "write-out",
        "config",
        "continue-at",
        "dump-header",
        "cert",
        "key",
        "cacert",
        "capath",
        "connect-timeout",
        "retry",
        "resolve",
        "interface",
        "range",
        "json",
    ],
);

static WGET: Syntax = syntax(
    b"oOaPUeitTQlADRIXwB",
    &[
        "output-document",
        "output-file",
        "append-output",
        "directory-prefix",
        "user-agent",
        "execute",
        "input-file",
        "tries",
        "timeout",
        "header",
        "user",
        "password",
        "post-data",
        "post-file",
        "referer",
        "load-cookies",
        "save-cookies",
        "base",
        "quota",
        "level",
        "accept",
        "reject",
        "domains",
    ],
);

static SSH: Syntax = Syntax {
    // After the host come the remote command's words, not ssh's options.
    stops_at_operand: true,
    ..syntax(b"BbcDEeFIiJLlmOoPpQRSWw", &[])
};
static SCP: Syntax = syntax(b"cFiJlOoPS", &[]);
static RSYNC: Syntax = syntax(
    b"efTBM",
    &[
        "rsh",
        "rsync-path",
        "filter",
        "exclude",
        "include",
        "exclude-from",
        "include-from",
        "files-from",
        "temp-dir",
        "partial-dir",
        "compare-dest",
        "backup-dir",
        "suffix",
        "chmod",
        "log-file",
        "password-file",
        "port",
    ],
);
static ZIP: Syntax = syntax(b"bnPtxiO", &["TT"]);
static UNZIP: Syntax = syntax(b"dPx", &[]);

static PYTHON: Syntax = Syntax {
    stops_at_operand: true,
    terminal: &["-c", "-m"],
    ..syntax(b"cmWXQ", &[])
};
static PERL: Syntax = Syntax {
    stops_at_operand: true,
    ..syntax(b"eEIMlx", &[])
};
static RUBY: Syntax = Syntax {
    stops_at_operand: true,
    ..syntax(b"eIrCEF", &[])
};
static NODE: Syntax = Syntax {
    stops_at_operand: true,
    ..syntax(
        b"erp",
        &[
            "eval",
            "print",
            "require",
            "import",
            "loader",
            "input-type",
            "conditions",
        ],
    )
};
static PHP: Syntax = Syntax {
    stops_at_operand: true,
    ..syntax(b"rfcdBREFztS", &[])
};
static SHELL: Syntax = Syntax {
    stops_at_operand: true,
    terminal: &["-c"],
    ..syntax(b"oO", &["rcfile", "init-file"])
};
static JAVA: Syntax = Syntax {
    single_dash_long: true,
    stops_at_operand: true,
    terminal: &["-jar", "-m", "--module"],
    ..syntax(
        b"",
        &[
            "cp",
            "classpath",
            "-class-path",
            "p",
            "-module-path",
            "-upgrade-module-path",
            "-add-modules",
            "-add-exports",
            "-add-opens",
            "-add-reads",
            "jar",
            "m",
            "-module",
        ],
    )
};
static PSQL: Syntax = syntax(
    b"cdfhLopUvPT",
    &[
        "command", "dbname", "file", "host", "log-file", "output", "port", "username", "variable",
        "set", "pset",
    ],
);
static MYSQL: Syntax = syntax(
    b"eDhPuS",
    &["execute", "database", "host", "port", "user", "socket"],
);
static AWK: Syntax = Syntax {
    // The first operand is the program text; the rest are files and assignments.
    stops_at_operand: true,
    ..syntax(b"FvfW", &["field-separator", "assign", "file"])
};
static SED: Syntax = syntax(b"efl", &["expression", "file", "line-length"]);
static OPENSSL_SUB: Syntax = Syntax {
    single_dash_long: true,
    ..syntax(
        b"",
        &[
            "in",
            "out",
            "inform",
            "outform",
            "key",
            "keyform",
            "cert",
            "certform",
            "passin",
            "passout",
            "config",
            "engine",
            "inkey",
            "CAfile",
            "CApath",
            "name",
            "subj",
            "days",
            "set_serial",
            "extensions",
            "extfile",
            "signkey",
            "pkeyopt",
            "newkey",
            "connect",
            "servername",
        ],
    )
};
static OPENSSL: Syntax = Syntax {
    single_dash_long: true,
    subcommands: Some(openssl_subcommand),
    ..syntax(b"", &[])
};

fn openssl_subcommand(_: &[u8]) -> &'static Syntax {
    &OPENSSL_SUB
}
static GPG: Syntax = syntax(
    b"oruz",
    &[
        "output",
        "recipient",
        "local-user",
        "homedir",
        "keyring",
        "secret-keyring",
        "default-key",
        "passphrase",
        "passphrase-file",
        "trust-model",
        "keyserver",
    ],
);
/// ffmpeg and ImageMagick: nearly every option takes one argument; these do not.
static FFMPEG: Syntax = Syntax {
    single_dash_long: true,
    args_by_default: true,
    ..syntax(
        b"",
        &[
            "y",
            "n",
            "hide_banner",
            "nostdin",
            "stats",
            "nostats",
            "re",
            "shortest",
            "vn",
            "an",
            "sn",
            "dn",
            "version",
            "help",
        ],
    )
};
static MAGICK: Syntax = Syntax {
    single_dash_long: true,
    args_by_default: true,
    ..syntax(
        b"",
        &[
            "flip",
            "flop",
            "strip",
            "negate",
            "monochrome",
            "trim",
            "normalize",
            "auto-orient",
            "verbose",
            "flatten",
            "append",
            "coalesce",
            "despeckle",
            "enhance",
            "equalize",
            "version",
            "help",
        ],
    )
};
static TCPDUMP: Syntax = syntax(b"ciCFGrswWEzTyVMm", &[]);
static SENDMAIL: Syntax = syntax(b"fFOCXBNRVLhp", &[]);
static MAN: Syntax = syntax(b"PCMLSemRp", &[]);
static VIM: Syntax = syntax(b"cSuiTwWstq", &[]);
static LESS: Syntax = syntax(b"bhjkoOpPtTxyz", &[]);
static NMAP: Syntax = syntax(b"peSDg", &[]);

/// The option syntax of a program (its basename, lower case).
pub fn syntax_of(program: &str) -> &'static Syntax {
    match program {
        "tar" => &TAR,
        "find" => &FIND,
        "git" => &GIT,
        "curl" => &CURL,
        "wget" => &WGET,
        "ssh" => &SSH,
        "scp" | "sftp" => &SCP,
        "rsync" => &RSYNC,
        "zip" => &ZIP,
        "unzip" => &UNZIP,
        "python" | "python2" | "python3" => &PYTHON,
        "perl" => &PERL,
        "ruby" => &RUBY,
        "node" => &NODE,
        "php" => &PHP,
        "sh" | "bash" | "dash" | "zsh" | "ksh" | "ash" | "mksh" => &SHELL,
        "java" => &JAVA,
        "psql" => &PSQL,
        "mysql" => &MYSQL,
        "awk" | "gawk" | "mawk" => &AWK,
        "sed" => &SED,
        "openssl" => &OPENSSL,
        "gpg" => &GPG,
        "ffmpeg" => &FFMPEG,
        "convert" | "magick" => &MAGICK,
        "tcpdump" => &TCPDUMP,
        "sendmail" => &SENDMAIL,
        "man" => &MAN,
        "vi" | "vim" => &VIM,
        "less" => &LESS,
        "nmap" => &NMAP,
        _ => super::wrappers::syntax_of(program).unwrap_or(&GENERIC),
    }
}

/// `-x` or `--x`; a lone `-` (standard input) or `--` (end of options) is not an option.
pub fn is_option(word: &[u8]) -> bool {
    let Some(rest) = word.strip_prefix(b"-") else {
        return false;
    };
    let rest = rest.strip_prefix(b"-").unwrap_or(rest);
    rest.first().is_some_and(u8::is_ascii_alphanumeric)
}

/// The role of each of `args` (the words after the program) for a program of syntax `syn`.
pub fn roles<W: AsRef<[u8]>>(mut syn: &'static Syntax, args: &[W]) -> Vec<Role> {
    let mut out = Vec::with_capacity(args.len());
    // Words still owed to the option before as its argument.
    let mut owed = 0usize;
    // `find -exec ... ;`: words up to the terminator belong to the action.
    let mut in_action = false;
    let mut ended = false;
    let mut terminal_pending = false;
    let mut seen_operand = false;
    for (i, a) in args.iter().enumerate() {
        let a = a.as_ref();
        if in_action {
            out.push(Role::OptionArg);
            in_action = !(a == b";" || a == b"+");
            continue;
        }
        if owed > 0 {
            out.push(Role::OptionArg);
            owed -= 1;
            if owed == 0 && terminal_pending {
                ended = true;
            }
            continue;
        }
        if ended {
            out.push(Role::Operand);
            continue;
        }
        if a == b"--" {
            out.push(Role::EndOfOptions);
            ended = true;
            continue;
        }
        if syn.bundled_first && i == 0 && !a.is_empty() && !a.starts_with(b"-") {
            out.push(Role::Option);
            owed = a.iter().filter(|c| syn.short_arg.contains(c)).count();
            continue;
        }
        if a.len() > 1 && a[0] == b'-' {
            out.push(Role::Option);
            let name = std::str::from_utf8(a).unwrap_or("");
            if syn.single_dash_long
                && FIND_COMMAND_ACTIONS.contains(&name)
                && std::ptr::eq(syn, &FIND)
            {
                in_action = true;
                continue;
            }
            owed = option_arguments(syn, a);
            if syn.terminal.contains(&name) || short_terminal(syn, a) {
                if owed == 0 {
                    ended = true;
                } else {
                    terminal_pending = true;
                }
            }
            continue;
        }
        out.push(Role::Operand);
        if let (Some(sub), false) = (syn.subcommands, seen_operand) {
            syn = sub(a);
        } else if syn.stops_at_operand {
            ended = true;
        }
        seen_operand = true;
    }
    out
}

/// A short bundle ending in a terminal option (`python -Bc CODE`).
fn short_terminal(syn: &Syntax, a: &[u8]) -> bool {
    if syn.single_dash_long || a.starts_with(b"--") {
        return false;
    }
    a[1..].iter().any(|c| {
        syn.terminal
            .iter()
            .any(|t| t.len() == 2 && t.as_bytes()[1] == *c)
    })
}

/// How many following words the option word `a` takes as its argument (0 or 1).
fn option_arguments(syn: &Syntax, a: &[u8]) -> usize {
    if let Some(long) = a.strip_prefix(b"--") {
        if long.contains(&b'=') {
            return 0;
        }
        let long = std::str::from_utf8(long).unwrap_or("");
        let dashed = syn.single_dash_long
            && syn
                .long_arg
                .iter()
                .any(|n| n.strip_prefix('-') == Some(long));
        return usize::from(dashed || syn.long_arg.contains(&long));
    }
    let body = &a[1..];
    if syn.single_dash_long {
        let name = std::str::from_utf8(body).unwrap_or("");
        let listed = syn.long_arg.contains(&name);
        if syn.args_by_default {
            return usize::from(!listed && !body.contains(&b'='));
        }
        if listed || (body.len() == 1 && syn.short_arg.contains(&body[0])) {
            return 1;
        }
        return usize::from(name == "fprintf") * 2;
    }
    // A bundle of short options: the first one taking an argument takes the rest of the word,
    // or the next word when it ends the bundle.
    for (k, c) in body.iter().enumerate() {
        if syn.short_arg.contains(c) {
            return usize::from(k + 1 == body.len());
        }
        if !c.is_ascii_alphanumeric() {
            return 0;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    fn r(program: &str, args: &[&str]) -> Vec<Role> {
        roles(syntax_of(program), args)
    }

    #[test]
    fn option_arguments_are_data() {
        assert_eq!(
            r("git", &["grep", "-e", "-Xmx512m", "--", "-x"]),
            [Operand, Option, OptionArg, EndOfOptions, Operand]
        );
        assert_eq!(
            r(
                "tar",
                &["-cf", "a.tar", "-C", "/d", "--exclude", "-x", "-v"]
            ),
            [Option, OptionArg, Option, OptionArg, Option, OptionArg, Option]
        );
        assert_eq!(
            r("tar", &["cf", "a.tar", "-v"]),
            [Option, OptionArg, Option]
        );
        assert_eq!(
            r(
                "find",
                &["/d", "-name", "-exec", "-exec", "x", ";", "-delete"]
            ),
            [Operand, Option, OptionArg, Option, OptionArg, OptionArg, Option]
        );
        assert_eq!(
            r("curl", &["-d", "-o/x", "u", "-o", "f"]),
            [Option, OptionArg, Operand, Option, OptionArg]
        );
        assert_eq!(r("curl", &["-sSo", "f", "-x"]), [Option, OptionArg, Option]);
    }

    #[test]
    fn interpreters_stop_at_the_script() {
        assert_eq!(
            r("python3", &["x.py", "-c", "y"]),
            [Operand, Operand, Operand]
        );
        assert_eq!(
            r("python3", &["-c", "code", "-x"]),
            [Option, OptionArg, Operand]
        );
        assert_eq!(
            r("java", &["-cp", "-x", "-jar", "a.jar", "-Dx"]),
            [Option, OptionArg, Option, OptionArg, Operand]
        );
        assert_eq!(r("bash", &["x.sh", "-c"]), [Operand, Operand]);
        assert_eq!(
            r("ffmpeg", &["-i", "-x", "-y", "out"]),
            [Option, OptionArg, Option, Operand]
        );
    }

    #[test]
    fn options() {
        assert!(is_option(b"-x") && is_option(b"--x") && is_option(b"-0"));
        assert!(!is_option(b"-") && !is_option(b"--") && !is_option(b"x") && !is_option(b"-."));
    }
}
