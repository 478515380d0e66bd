//! Sweep throughput: many independent runs in parallel, as `custody-sim sweep` runs them. Measures
//! runs per second at 1 and 2 threads on a 10% baseline cohort (16 runs per iteration), so the
//! parallel speed-up is the ratio of the two throughputs.
//!
//! Run with `cargo bench --locked --bench sweep`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use custody_sim::runner::{run_summaries, Runner};
use custody_sim::sim::Params;

/// Master seed of every benchmark run.
const SEED: u64 = 20_190_101;
/// Runs per iteration (replications of one scenario).
const RUNS: u64 = 16;
/// Share of the baseline cohort simulated per run.
const FRACTION: f64 = 0.10;

fn params() -> Params {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("baseline.toml");
    let mut p = match custody_sim::scenario::load(&path) {
        Ok(s) => s.params,
        Err(e) => panic!("cannot load {}: {e}", path.display()),
    };
    for r in &mut p.arrival_rate_by_day {
        *r *= FRACTION;
    }
    p
}

fn sweep(c: &mut Criterion) {
    let p = params();
    let mut group = c.benchmark_group("sweep");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements(RUNS));
    for threads in [1u64, 2] {
        let runner = Runner::new(threads).expect("worker threads");
        group.bench_function(format!("runs_10pct_baseline_{threads}_threads"), |b| {
            b.iter(|| {
                run_summaries(&runner, &[black_box(&p)], SEED, 0..RUNS, &|| {}).map(|v| v.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);
