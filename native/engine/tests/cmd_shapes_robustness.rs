//! Robustness of the command shapes: scripts assembled from the constructs the detector
//! follows (wrappers, `eval`, nested `sh -c`, `$(...)`, `xargs sh -c`, positional parameters,
//! re-evaluated variables) and arbitrary bytes, with input in argv, in positional parameters and
//! in the environment. Nothing may panic, and a long command full of input stays fast.

use std::time::{Duration, Instant};

use rasp_engine::cmd::{detect, CommandLine};
use rasp_engine::input::{Input, InputSource};
use rasp_engine::{ContextLimits, RequestContext};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "eval ",
    "\"$V\"",
    "$V",
    "${V}",
    "\"$1\"",
    "\"$@\"",
    "$*",
    "sh -c ",
    "bash -c '",
    "'",
    "\"",
    "\\",
    "$(",
    ")",
    "`",
    "; ",
    " && ",
    " | ",
    "xargs -I{} sh -c ",
    "timeout 5 ",
    "env A=",
    "nice -n ",
    "tar -cf a.tar ",
    "find . -exec ",
    " ;",
    "-- ",
    "--x",
    "-e ",
    "git grep -e ",
    "{}",
    "$((",
    "${",
    "\n",
    "# ",
    "> ",
    "<<<",
    "x",
    "=",
    " ",
];

fn script(rng: &mut Rng, input: &str) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(14) {
        match rng.below(6) {
            0 => s.push_str(input),
            1 => s.push(char::from(rng.next() as u8 & 0x7f)),
            _ => s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]),
        }
    }
    s
}

#[test]
fn assembled_scripts_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for _ in 0..20_000 {
        let input = script(&mut rng, "");
        let ctx = RequestContext::from_inputs(
            vec![Input::value(InputSource::Query, "q", input.clone())],
            ContextLimits::default(),
        );
        let s = script(&mut rng, &input);
        let shapes = [
            vec![
                "sh".to_string(),
                "-c".into(),
                s.clone(),
                "n".into(),
                input.clone(),
            ],
            vec![
                "timeout".into(),
                "5".into(),
                "bash".into(),
                "-c".into(),
                s.clone(),
            ],
            s.split_whitespace().map(str::to_owned).collect(),
            vec!["env".into(), input.clone(), "xargs".into(), s.clone()],
        ];
        for argv in shapes {
            if argv.is_empty() {
                continue;
            }
            let cmd = CommandLine {
                argv,
                env: vec![("V".into(), input.clone()), (input.clone(), s.clone())],
            };
            let _ = detect(&ctx, &cmd);
        }
    }
}

#[test]
fn a_long_command_full_of_input_stays_fast() {
    let input = "a-b";
    let ctx = RequestContext::from_inputs(
        vec![Input::value(InputSource::Query, "q", input)],
        ContextLimits::default(),
    );
    let script = format!(
        "{} ; echo \"$V\" | grep -c -- \"$V\"",
        "tar -cf x.tar a-b a-b $(echo a-b) \"$1\" && ".repeat(2_000)
    );
    let cmd = CommandLine {
        argv: vec!["sh".into(), "-c".into(), script, "n".into(), input.into()],
        env: vec![("V".into(), "a-b ".repeat(5_000))],
    };
    let started = Instant::now();
    assert_eq!(detect(&ctx, &cmd), None);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}
