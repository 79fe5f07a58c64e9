//! What the command detector knows about programs: which are shells (and how they take a
//! script), and which have options that execute code or write files.

/// The program's name without directories, a Windows `.exe` suffix or case.
pub fn basename(program: &str) -> String {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let lower = name.to_ascii_lowercase();
    lower
        .strip_suffix(".exe")
        .map(str::to_owned)
        .unwrap_or(lower)
}

/// For a shell invocation, the index of the first argument that is the script: `sh -c SCRIPT`,
/// `bash -lc SCRIPT`, `cmd /c SCRIPT...`, `powershell -Command SCRIPT...`. `None` when the
/// program is not a shell running a script given on the command line.
pub fn shell_script_index(argv: &[String]) -> Option<usize> {
    script_index(argv)
}

/// [`shell_script_index`] for any kind of words.
pub fn script_index<W: AsRef<[u8]>>(argv: &[W]) -> Option<usize> {
    let program = basename(&String::from_utf8_lossy(argv.first()?.as_ref()));
    let eq = |a: &W, s: &str| a.as_ref().eq_ignore_ascii_case(s.as_bytes());
    match program.as_str() {
        "sh" | "bash" | "dash" | "zsh" | "ksh" | "ash" | "mksh" | "yash" | "busybox" => {
            let args = if program == "busybox" {
                argv.get(1..)?
            } else {
                argv
            };
            let offset = argv.len() - args.len();
            // Options come before the first operand; `-o name` takes a value.
            let mut i = 1;
            while let Some(a) = args.get(i) {
                let a = a.as_ref();
                match a.strip_prefix(b"-").or_else(|| a.strip_prefix(b"+")) {
                    Some(flags) if flags.starts_with(b"-") || flags.is_empty() => i += 1,
                    Some(b"o" | b"O") => i += 2,
                    Some(flags) if a.starts_with(b"-") && flags.contains(&b'c') => {
                        return Some(offset + i + 1).filter(|&s| s < argv.len())
                    }
                    Some(_) => i += 1,
                    None => return None,
                }
            }
            None
        }
        "cmd" => argv
            .iter()
            .position(|a| eq(a, "/c") || eq(a, "/k"))
            .map(|i| i + 1),
        "powershell" | "pwsh" => argv
            .iter()
            .position(|a| {
                ["-command", "-c", "/command", "-commandwithargs"]
                    .iter()
                    .any(|s| eq(a, s))
            })
            .map(|i| i + 1),
        _ => None,
    }
    .filter(|&i| i < argv.len())
}

/// Whether the shell's script is all the arguments from the script on (`cmd /c`, PowerShell:
/// they re-join the command line), rather than one argument followed by positional
/// parameters (`sh -c 'script' name args...`).
pub fn script_is_rest_of_line(program: &str) -> bool {
    matches!(basename(program).as_str(), "cmd" | "powershell" | "pwsh")
}

/// The script a launch runs, behind any wrappers (`timeout 5 sh -c ...`): the arguments
/// `[start, end)` that make it up.
pub fn launched_script<W: AsRef<[u8]>>(argv: &[W]) -> Option<(usize, usize)> {
    let real = *super::wrappers::unwrap(argv).programs.last()?;
    let start = real + script_index(&argv[real..])?;
    let program = String::from_utf8_lossy(argv[real].as_ref());
    let end = if script_is_rest_of_line(&program) {
        argv.len()
    } else {
        start + 1
    };
    Some((start, end))
}

/// Programs with options that run code, load code or write files (`tar --to-command`,
/// `find -exec`, `git --upload-pack`, `curl -o`, `ssh -oProxyCommand`, `python -c`, ...): an
/// option that comes from request input is an attack there.
pub fn has_dangerous_options(program: &str) -> bool {
    matches!(
        basename(program).as_str(),
        "tar"
            | "find"
            | "git"
            | "zip"
            | "unzip"
            | "7z"
            | "rsync"
            | "ssh"
            | "scp"
            | "sftp"
            | "curl"
            | "wget"
            | "sendmail"
            | "tcpdump"
            | "man"
            | "vi"
            | "vim"
            | "less"
            | "python"
            | "python2"
            | "python3"
            | "perl"
            | "ruby"
            | "node"
            | "php"
            | "psql"
            | "mysql"
            | "awk"
            | "gawk"
            | "mawk"
            | "sed"
            | "xargs"
            | "env"
            | "nmap"
            | "openssl"
            | "java"
            | "gpg"
            | "ffmpeg"
            | "convert"
            | "magick"
            | "sh"
            | "bash"
            | "dash"
            | "zsh"
            | "ksh"
            | "chmod"
            | "chown"
            | "sudo"
            | "doas"
    )
}

/// Environment variables that make a child load or run code they name.
pub fn is_dangerous_env(name: &str) -> bool {
    is_dangerous_env_name(name.as_bytes())
}

/// [`is_dangerous_env`] for a name as bytes.
pub fn is_dangerous_env_name(name: &[u8]) -> bool {
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    matches!(
        name,
        "LD_PRELOAD"
            | "LD_LIBRARY_PATH"
            | "LD_AUDIT"
            | "BASH_ENV"
            | "ENV"
            | "PATH"
            | "PROMPT_COMMAND"
            | "PS1"
            | "PS4"
            | "SHELLOPTS"
            | "BASHOPTS"
            | "IFS"
            | "GCONV_PATH"
            | "PERL5OPT"
            | "PERL5LIB"
            | "PYTHONSTARTUP"
            | "PYTHONPATH"
            | "NODE_OPTIONS"
            | "JAVA_TOOL_OPTIONS"
            | "_JAVA_OPTIONS"
            | "GIT_SSH_COMMAND"
            | "GIT_EXTERNAL_DIFF"
            | "EDITOR"
            | "PAGER"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn finds_the_script_of_shells() {
        assert_eq!(shell_script_index(&argv(&["sh", "-c", "ls"])), Some(2));
        assert_eq!(
            shell_script_index(&argv(&["/bin/bash", "-lc", "ls"])),
            Some(2)
        );
        assert_eq!(
            shell_script_index(&argv(&["busybox", "sh", "-c", "ls"])),
            Some(3)
        );
        assert_eq!(
            shell_script_index(&argv(&["cmd.exe", "/C", "dir"])),
            Some(2)
        );
        assert_eq!(
            shell_script_index(&argv(&["powershell", "-Command", "Get-Item"])),
            Some(2)
        );
        assert_eq!(
            shell_script_index(&argv(&["bash", "script.sh", "-c"])),
            None
        );
        assert_eq!(shell_script_index(&argv(&["sh", "-c"])), None);
        assert_eq!(shell_script_index(&argv(&["ping", "-c", "1"])), None);
        assert_eq!(shell_script_index(&argv(&["bash", "--norc", "x.sh"])), None);
        assert_eq!(
            shell_script_index(&argv(&["bash", "x.sh", "-c", "y"])),
            None
        );
        assert_eq!(
            shell_script_index(&argv(&["bash", "-o", "pipefail", "-c", "y"])),
            Some(4)
        );
    }

    #[test]
    fn basenames() {
        assert_eq!(basename("/usr/bin/TAR"), "tar");
        assert_eq!(basename("C:\\Windows\\cmd.exe"), "cmd");
    }
}
