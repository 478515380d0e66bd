//! Criterion benchmarks of one replication of the baseline scenario at 10%, 50% and 100% of its
//! arrivals, so that the growth of cost with cohort size can be read. Fixed seed and replication
//! index; throughput is reported in children per second.
//!
//! One full replication takes seconds, so each benchmark uses flat sampling with the minimum
//! sample size (10) and one iteration per sample: a calibration run (which also counts the
//! children for the throughput) sizes the measurement time so that criterion settles on one
//! iteration. Criterion 0.8 then prints "Unable to complete 10 samples in ..."; that is expected.
//!
//! Run with `cargo bench --locked --bench replication` (add `-- baseline_10pct` to pick one).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use custody_sim::sim::{simulate, NoObserver, Params};

/// Master seed of every benchmark run (the CLI's default seed).
const SEED: u64 = 20_190_101;
/// Replication index of every benchmark run.
const REPLICATION: u64 = 0;
/// Samples per benchmark: criterion's minimum.
const SAMPLES: usize = 10;

/// The cohort sizes benchmarked, as (bench name, fraction of the baseline's arrivals).
const SIZES: [(&str, f64); 3] = [
    ("baseline_10pct", 0.10),
    ("baseline_50pct", 0.50),
    ("baseline_full_100pct", 1.00),
];

fn baseline_params() -> Params {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join("baseline.toml");
    match custody_sim::scenario::load(&path) {
        Ok(scenario) => scenario.params,
        Err(e) => panic!("cannot load {}: {e}", path.display()),
    }
}

/// The baseline with every day's arrival rate, and the children in care on the first day,
/// multiplied by `fraction`.
fn scaled(base: &Params, fraction: f64) -> Params {
    let mut p = base.clone();
    for rate in &mut p.arrival_rate_by_day {
        *rate *= fraction;
    }
    p.orr.at_start.children = (p.orr.at_start.children as f64 * fraction).round() as u32;
    p.orr.released_before_start.children =
        (p.orr.released_before_start.children as f64 * fraction).round() as u32;
    p
}

fn replication(c: &mut Criterion) {
    let base = baseline_params();
    let mut group = c.benchmark_group("replication");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(SAMPLES);
    group.warm_up_time(Duration::from_millis(500));

    for (name, fraction) in SIZES {
        let params = scaled(&base, fraction);
        // Calibration run: the child count for the throughput (fixed by the seed) and the time
        // of one replication. Criterion's flat mode runs ceil(measurement / (SAMPLES * warm-up
        // mean)) iterations per sample; sizing the measurement below SAMPLES runs keeps that at 1.
        let started = Instant::now();
        let summary = simulate(&params, SEED, REPLICATION, &mut NoObserver);
        let one = started.elapsed();
        group.throughput(Throughput::Elements(summary.arrived));
        group.measurement_time(
            (one * SAMPLES as u32)
                .mul_f64(0.5)
                .max(Duration::from_secs(1)),
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                simulate(
                    black_box(&params),
                    black_box(SEED),
                    black_box(REPLICATION),
                    &mut NoObserver,
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, replication);
criterion_main!(benches);
