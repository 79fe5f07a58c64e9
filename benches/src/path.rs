//! Path fixtures: a file under a deep directory tree, about 100 B, 1 KB or 16 KB long (far
//! beyond `PATH_MAX` at 16 KB; it measures the scan, not a realistic file system).
//!
//! * [`Scenario::None`]: the file name is no input;
//! * [`Scenario::Benign`]: the file name is the `file` parameter (one occurrence, checked for
//!   `..` segments, absoluteness and NUL; allow);
//! * [`Scenario::Attack`]: the `file` parameter climbs out of the tree (`../../../../etc/passwd`):
//!   a traversal, and a block verdict with its event built.

use rasp_engine::{ContextLimits, RequestContext};

use crate::{filler, inputs_with, Scenario};

/// The `file` parameter when it is benign.
pub const BENIGN_FILE: &str = "q3-report.pdf";
/// The `file` parameter when it climbs out of the directory.
pub const ATTACK_FILE: &str = "../../../../etc/passwd";
/// The file name when no input occurs in the path.
const OTHER_FILE: &str = "annual-summary.pdf";

/// The twenty inputs, with `file` as the parameter the path is built from.
pub fn context(scenario: Scenario) -> RequestContext {
    let file = match scenario {
        Scenario::Attack => ATTACK_FILE,
        Scenario::None | Scenario::Benign => BENIGN_FILE,
    };
    RequestContext::from_inputs(inputs_with("file", file), ContextLimits::default())
}

/// `/srv/app/storage/tenants/...` about `size` bytes long (within 5%, at least the smallest
/// form), ending with the scenario's file name.
pub fn path(size: usize, scenario: Scenario) -> String {
    const DIRS: [&str; 6] = [
        "tenant_{i}",
        "projects",
        "website-redesign_{i}",
        "assets",
        "images_{i}",
        "originals",
    ];
    let file = match scenario {
        Scenario::None => OTHER_FILE,
        Scenario::Benign => BENIGN_FILE,
        Scenario::Attack => ATTACK_FILE,
    };
    let root = "/srv/app/storage";
    let len = |dirs: &str| root.len() + dirs.len() + 1 + file.len();
    let mut dirs = String::new();
    for i in 0.. {
        let segment = format!("/{}", DIRS[i % DIRS.len()].replace("{i}", &i.to_string()));
        if len(&dirs) + segment.len() > size {
            break;
        }
        dirs.push_str(&segment);
    }
    // The storage root's name takes up what no whole directory fits into.
    let root = format!("{root}{}", filler(size.saturating_sub(len(&dirs))));
    format!("{root}{dirs}/{file}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SIZES;
    use rasp_engine::path::{detect, PathOp, PathRule};
    use rasp_engine::{Action, Engine, EngineConfig, PathSink};

    fn check(scenario: Scenario, path: &str) -> Action {
        Engine::new(EngineConfig::default())
            .check_path(
                &context(scenario),
                &PathSink {
                    api: 0,
                    op: PathOp::Read,
                    path: path.as_bytes(),
                },
            )
            .action
    }

    #[test]
    fn paths_have_the_labelled_sizes() {
        for (size, label) in SIZES {
            for scenario in Scenario::ALL {
                let n = path(size, scenario).len();
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
            let none = path(size, Scenario::None);
            assert!(!context(Scenario::None).matcher().any(none.as_bytes()));
            assert_eq!(check(Scenario::None, &none), Action::Allow);

            let benign = path(size, Scenario::Benign);
            let ctx = context(Scenario::Benign);
            assert_eq!(ctx.matcher().occurrences(benign.as_bytes()).len(), 1);
            assert_eq!(check(Scenario::Benign, &benign), Action::Allow);

            let attack = path(size, Scenario::Attack);
            let f = detect(&context(Scenario::Attack), attack.as_bytes(), PathOp::Read);
            assert_eq!(f.map(|f| f.rule), Some(PathRule::Traversal));
            assert_eq!(check(Scenario::Attack, &attack), Action::Block);
        }
    }
}
