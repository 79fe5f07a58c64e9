//! How long loading a compiled rule file takes, step by step (what the agent's `init` pays at
//! every JVM start): `cargo run --release -p rasp-engine --example rule_load_time -- FILE [runs]`.

use std::time::{Duration, Instant};

use rasp_engine::rules::backend::dfa::PortableDb;
use rasp_engine::rules::backend::hyperscan::HyperscanDb;
use rasp_engine::rules::file::{checksum, RuleFile};
use rasp_engine::rules::{BackendChoice, RuleSet};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: rule_load_time FILE [runs]");
    let runs: usize = args.next().map_or(9, |r| r.parse().expect("runs"));
    let bytes = std::fs::read(&path).expect("read the rule file");
    let file = RuleFile::parse(&bytes).expect("parse");
    let sections: Vec<&str> = file.section_names().collect();
    println!("{path}: {} bytes, median of {runs}", bytes.len());
    let body_len = bytes.len() - 16;
    let report = |what: &str, d: Duration| println!("{what:40} {:8.2} ms", d.as_secs_f64() * 1e3);
    report(
        "sha-256 of the body",
        time(runs, || {
            std::hint::black_box(checksum(&bytes[bytes.len() - body_len..]));
        }),
    );
    report(
        "RuleFile::parse (framing + checksum)",
        time(runs, || {
            std::hint::black_box(RuleFile::parse(&bytes).unwrap());
        }),
    );
    report(
        "every dfa.* section deserialized",
        time(runs, || {
            for s in sections.iter().filter(|s| s.starts_with("dfa.")) {
                let b = file.section(s).unwrap();
                std::hint::black_box(PortableDb::from_group_bytes(&[b]).unwrap());
            }
        }),
    );
    report(
        "every hs.* section deserialized",
        time(runs, || {
            for s in sections.iter().filter(|s| s.starts_with("hs.")) {
                std::hint::black_box(HyperscanDb::from_bytes(file.section(s).unwrap()).unwrap());
            }
        }),
    );
    for choice in [BackendChoice::Auto, BackendChoice::Portable] {
        report(
            &format!("RuleSet::load({})", choice.name()),
            time(runs, || {
                std::hint::black_box(RuleSet::load(&bytes, choice).unwrap());
            }),
        );
    }
}
