//! `cargo bench -p rasp-benches --bench rule_scan`: the rule scan backends side by side.
//!
//! The same default rule set (`rules/`, compiled in-process) scans the same SQL statements with
//! three matchers, in one run:
//!
//! * `rule_scan/hyperscan/{none,hit}/{100B,1KB,16KB}`: [`RuleSet::scan`] on the Hyperscan
//!   backend (the database compiled for a generic x86-64 CPU, per-thread scratch);
//! * `rule_scan/portable/...`: the same call on the regex-automata dense DFA backend
//!   (overlapping search, every matching pattern reported);
//! * `rule_scan/regexset/...`: the `regex` crate's `RegexSet` over the same patterns, with the
//!   same flags and byte semantics, asked for every matching pattern (`matches`);
//!
//! each over target `sink.sql` (the SQL policy rules) and `input` (the input signatures).
//! `none` is a benign statement (no rule matches, the common case); `hit` appends an injected
//! `UNION SELECT ... SLEEP(5)` tail. `rules_compile/default` times `compile_dir("rules")`,
//! both backends, validation included.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rasp_benches::{statement, Scenario, SIZES};
use rasp_engine::rules::{compile_dir, BackendChoice, RuleSet, SinkKind, Target};
use regex::bytes::{RegexSet, RegexSetBuilder};

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules")
}

fn load(choice: BackendChoice) -> RuleSet {
    let compiled = compile_dir(&rules_dir()).unwrap_or_else(|diags| {
        let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
        panic!("the default rules do not compile:\n{}", lines.join("\n"))
    });
    RuleSet::load(&compiled.bytes, choice).expect("the compiled default rules load")
}

/// The `regex` crate's equivalent of a target's database: the same patterns with their flags
/// as inline groups, Unicode off so classes and case folding are ASCII and bytes, like the
/// other two backends.
fn regex_set(set: &RuleSet, target: Target) -> RegexSet {
    let patterns: Vec<String> = set
        .rules()
        .iter()
        .filter(|rule| applies(rule, target))
        .flat_map(|rule| rule.patterns.iter())
        .map(|p| {
            let mut flags = String::new();
            if p.flags.caseless {
                flags.push('i');
            }
            if p.flags.dotall {
                flags.push('s');
            }
            if p.flags.multiline {
                flags.push('m');
            }
            if flags.is_empty() {
                p.regex.clone()
            } else {
                format!("(?{flags}:{})", p.regex)
            }
        })
        .collect();
    RegexSetBuilder::new(&patterns)
        .unicode(false)
        .size_limit(64 << 20)
        .build()
        .expect("the rule patterns build as a RegexSet")
}

fn applies(rule: &rasp_engine::rules::Rule, target: Target) -> bool {
    use rasp_engine::rules::Scan;
    match target {
        Target::Input => rule.scan == Scan::Input,
        Target::Sink(kind) => rule.scan == Scan::Sink && rule.sinks.contains(&kind),
    }
}

fn haystacks() -> Vec<(String, &'static str, Vec<u8>)> {
    let mut out = Vec::new();
    for (size, label) in SIZES {
        let benign = statement(size, Scenario::None);
        let hit =
            format!("{benign} AND 1=0 UNION SELECT username, password FROM users WHERE SLEEP(5)--");
        out.push((format!("none/{label}"), label, benign.into_bytes()));
        out.push((format!("hit/{label}"), label, hit.into_bytes()));
    }
    out
}

fn rule_scan(c: &mut Criterion) {
    let hyperscan = load(BackendChoice::Hyperscan);
    let portable = load(BackendChoice::Portable);
    for (target, name) in [
        (Target::Sink(SinkKind::Sql), "sink.sql"),
        (Target::Input, "input"),
    ] {
        let regexset = regex_set(&portable, target);
        let mut group = c.benchmark_group(format!("rule_scan/{name}"));
        for (id, _, hay) in haystacks() {
            // The three must agree before their speed means anything.
            let mut a = rules_hit(&hyperscan, target, &hay);
            let mut b = rules_hit(&portable, target, &hay);
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "backends disagree on {id}");
            assert_eq!(
                regexset.matches(&hay).iter().count() > 0,
                !a.is_empty(),
                "RegexSet disagrees on {id}"
            );
            group.throughput(Throughput::Bytes(hay.len() as u64));
            group.bench_with_input(BenchmarkId::new("hyperscan", &id), &hay, |b, hay| {
                b.iter(|| count(&hyperscan, target, black_box(hay)))
            });
            group.bench_with_input(BenchmarkId::new("portable", &id), &hay, |b, hay| {
                b.iter(|| count(&portable, target, black_box(hay)))
            });
            group.bench_with_input(BenchmarkId::new("regexset", &id), &hay, |b, hay| {
                b.iter(|| regexset.matches(black_box(hay)).iter().count())
            });
        }
        group.finish();
    }
}

fn count(set: &RuleSet, target: Target, hay: &[u8]) -> usize {
    let mut n = 0;
    set.scan(target, hay, &mut |_| n += 1);
    n
}

fn rules_hit(set: &RuleSet, target: Target, hay: &[u8]) -> Vec<usize> {
    let mut hits = Vec::new();
    set.scan(target, hay, &mut |rule| hits.push(rule));
    hits.dedup();
    hits
}

fn rules_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("rules_compile");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("default", |b| {
        b.iter(|| compile_dir(black_box(&rules_dir())).map(|c| c.bytes.len()))
    });
    group.finish();
}

criterion_group!(benches, rule_scan, rules_compile);
criterion_main!(benches);
