//! Command-line fixtures: `sh -c SCRIPT` where the script is a log pipeline that ends by
//! pinging a host from the request, about 100 B, 1 KB or 16 KB long as a whole command line
//! (the arguments joined by spaces, which is what the detector reads).
//!
//! * [`Scenario::None`]: the script pings a host that is no input;
//! * [`Scenario::Benign`]: it pings the `host` parameter, one word of the script (the script is
//!   lexed and the occurrence found to be one word; allow);
//! * [`Scenario::Attack`]: the `host` parameter ends the command and adds its own (`; id`):
//!   lexed, an operator found, and a block verdict with its event built.

use rasp_engine::cmd::CommandLine;
use rasp_engine::{ContextLimits, RequestContext};

use crate::{filler, inputs_with, Scenario};

/// The `host` parameter when it is benign.
pub const BENIGN_HOST: &str = "db-1.example.com";
/// The `host` parameter when it adds a command.
pub const ATTACK_HOST: &str = "db-1.example.com; id";
/// The host the script pings when no input occurs in it.
const OTHER_HOST: &str = "db-7.internal";

/// The twenty inputs, with `host` as the parameter the command is built from.
pub fn context(scenario: Scenario) -> RequestContext {
    let host = match scenario {
        Scenario::Attack => ATTACK_HOST,
        Scenario::None | Scenario::Benign => BENIGN_HOST,
    };
    RequestContext::from_inputs(inputs_with("host", host), ContextLimits::default())
}

/// `sh -c` with a pipeline script, about `size` bytes as a command line (within 5%, at least
/// the smallest form), ending with `ping -c 1 <host>`.
pub fn command(size: usize, scenario: Scenario) -> CommandLine {
    const STAGES: [&str; 5] = [
        " | grep -v healthcheck_{i}",
        " | sed -e 's/token_{i}=[^&]*/token_{i}=redacted/g'",
        " | cut -d ' ' -f 1,4,7",
        " | awk '$9 >= 500 { print $1, $7 }'",
        " | grep -E 'GET|POST' --line-buffered",
    ];
    let host = match scenario {
        Scenario::None => OTHER_HOST,
        Scenario::Benign => BENIGN_HOST,
        Scenario::Attack => ATTACK_HOST,
    };
    let head = ("tail -n 500 app", ".log");
    let tail = format!(" > /tmp/errors.txt; ping -c 1 {host}");
    // `sh -c ` and the script.
    let len =
        |stages: &str| "sh -c ".len() + head.0.len() + head.1.len() + stages.len() + tail.len();
    let mut stages = String::new();
    for i in 0.. {
        let stage = STAGES[i % STAGES.len()].replace("{i}", &i.to_string());
        if len(&stages) + stage.len() > size {
            break;
        }
        stages.push_str(&stage);
    }
    // The log's name takes up what no whole stage fits into.
    let log = format!(
        "{}{}{}",
        head.0,
        filler(size.saturating_sub(len(&stages))),
        head.1
    );
    CommandLine {
        argv: vec!["sh".into(), "-c".into(), format!("{log}{stages}{tail}")],
        env: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SIZES;
    use rasp_engine::cmd::{detect, CmdRule};
    use rasp_engine::{Action, CommandSink, Engine, EngineConfig};

    fn check(scenario: Scenario, cmd: &CommandLine) -> Action {
        Engine::new(EngineConfig::default())
            .check_command(
                &context(scenario),
                &CommandSink {
                    api: 0,
                    command: cmd,
                },
            )
            .action
    }

    #[test]
    fn command_lines_have_the_labelled_sizes() {
        for (size, label) in SIZES {
            for scenario in Scenario::ALL {
                let n = command(size, scenario).joined().0.len();
                assert!(
                    n <= size && n * 100 >= size * 95,
                    "{label} {scenario:?}: {n} bytes"
                );
            }
        }
    }

    #[test]
    fn each_scenario_takes_its_path() {
        for (size, _) in SIZES {
            let none = command(size, Scenario::None);
            let line = none.joined().0;
            assert!(!context(Scenario::None).matcher().any(line.as_bytes()));
            assert_eq!(check(Scenario::None, &none), Action::Allow);

            let benign = command(size, Scenario::Benign);
            let line = benign.joined().0;
            let ctx = context(Scenario::Benign);
            assert_eq!(ctx.matcher().occurrences(line.as_bytes()).len(), 1);
            assert_eq!(check(Scenario::Benign, &benign), Action::Allow);

            let attack = command(size, Scenario::Attack);
            let f = detect(&context(Scenario::Attack), &attack);
            assert_eq!(f.map(|f| f.rule), Some(CmdRule::Shell));
            assert_eq!(check(Scenario::Attack, &attack), Action::Block);
        }
    }
}
