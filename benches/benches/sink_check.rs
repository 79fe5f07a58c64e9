//! `cargo bench -p rasp-benches --bench sink_check`: the cost of a command and a path check on
//! the agent's hot path.
//!
//! Groups (results in `target/criterion/<group>/<function>/<size>/new/estimates.json`):
//!
//! * `check_command/{none,benign,attack}/{100B,1KB,16KB}`: [`Engine::check_command`] with the
//!   default configuration and a context of 20 inputs, for `sh -c` and a pipeline script of
//!   that size as a command line; see `rasp_benches::command` for the scenarios.
//! * `check_path/{none,benign,attack}/{100B,1KB,16KB}`: [`Engine::check_path`] (a read) on a
//!   deep path of that size; see `rasp_benches::path`.
//! * `memmem_baseline/{command,path}-needle8/{100B,1KB,16KB}`: one `memchr::memmem` search for
//!   an absent 8-byte needle over the `none` command line or path, with the searcher built
//!   beforehand. Figures are best quoted as ratios to this baseline, measured in the same run.
//!
//! The command line is built once per case, outside the measured loop (the agent builds it
//! from the JVM's argv before the call).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rasp_benches::{command, path, Scenario, SIZES};
use rasp_engine::path::PathOp;
use rasp_engine::{CommandSink, Engine, EngineConfig, PathSink};

/// Absent from every command line and path.
const NEEDLE: &[u8; 8] = b"zq#8&x!w";

/// The CommandApi code of `java.lang.ProcessImpl.start`, where the agent hooks every launch.
const PROCESS_IMPL_START: i32 = 0;
/// The PathApi code of `java.io.FileInputStream.<init>`.
const FILE_INPUT_STREAM: i32 = 0;

fn check_command(c: &mut Criterion) {
    let engine = Engine::new(EngineConfig::default());
    let mut group = c.benchmark_group("check_command");
    for (size, label) in SIZES {
        for scenario in Scenario::ALL {
            let ctx = command::context(scenario);
            let cmd = command::command(size, scenario);
            group.throughput(Throughput::Bytes(cmd.joined().0.len() as u64));
            group.bench_with_input(BenchmarkId::new(scenario.name(), label), &cmd, |b, cmd| {
                b.iter(|| {
                    engine.check_command(
                        black_box(&ctx),
                        &CommandSink {
                            api: PROCESS_IMPL_START,
                            command: black_box(cmd),
                        },
                    )
                })
            });
        }
    }
    group.finish();
}

fn check_path(c: &mut Criterion) {
    let engine = Engine::new(EngineConfig::default());
    let mut group = c.benchmark_group("check_path");
    for (size, label) in SIZES {
        for scenario in Scenario::ALL {
            let ctx = path::context(scenario);
            let p = path::path(size, scenario);
            group.throughput(Throughput::Bytes(p.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(scenario.name(), label),
                p.as_bytes(),
                |b, p| {
                    b.iter(|| {
                        engine.check_path(
                            black_box(&ctx),
                            &PathSink {
                                api: FILE_INPUT_STREAM,
                                op: PathOp::Read,
                                path: black_box(p),
                            },
                        )
                    })
                },
            );
        }
    }
    group.finish();
}

fn memmem_baseline(c: &mut Criterion) {
    let finder = memchr::memmem::Finder::new(NEEDLE);
    let mut group = c.benchmark_group("memmem_baseline");
    for (size, label) in SIZES {
        let hays = [
            (
                "command-needle8",
                command::command(size, Scenario::None).joined().0,
            ),
            ("path-needle8", path::path(size, Scenario::None)),
        ];
        for (name, hay) in hays {
            assert!(finder.find(hay.as_bytes()).is_none());
            group.throughput(Throughput::Bytes(hay.len() as u64));
            group.bench_with_input(BenchmarkId::new(name, label), hay.as_bytes(), |b, hay| {
                b.iter(|| finder.find(black_box(hay)))
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = check_command, check_path, memmem_baseline
}
criterion_main!(benches);
