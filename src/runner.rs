//! Runs replications in parallel with rayon and collects them in replication order, so that results
//! are identical whatever the number of threads.

use rayon::prelude::*;

use crate::sim::{simulate, DailyLog, DaySnapshot, Params, RunSummary};

/// One finished replication.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub replication: u64,
    pub summary: RunSummary,
    pub days: Vec<DaySnapshot>,
}

/// Run `replications` replications of `params` with master seed `seed` on `threads` threads
/// (0: all cores). `on_done` is called once per finished replication (for progress bars).
pub fn run_replications(
    params: &Params,
    seed: u64,
    replications: u64,
    threads: usize,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<RunResult>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    Ok(pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|replication| {
                let mut log = DailyLog::default();
                let summary = simulate(params, seed, replication, &mut log);
                on_done();
                RunResult {
                    replication,
                    summary,
                    days: log.0,
                }
            })
            .collect()
    }))
}

/// Run replications `reps` of every scenario in `params` (all scenarios share the master seed, so
/// replication r of each draws the same children: common random numbers). Returns the summaries
/// per scenario, in replication order.
pub fn run_summaries(
    params: &[&Params],
    seed: u64,
    reps: std::ops::Range<u64>,
    threads: usize,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<RunSummary>>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let jobs: Vec<(usize, u64)> = (0..params.len())
        .flat_map(|s| reps.clone().map(move |r| (s, r)))
        .collect();
    let done: Vec<RunSummary> = pool.install(|| {
        jobs.par_iter()
            .map(|&(s, r)| {
                let summary = simulate(params[s], seed, r, &mut crate::sim::NoObserver);
                on_done();
                summary
            })
            .collect()
    });
    let per = (reps.end - reps.start) as usize;
    Ok(done.chunks(per.max(1)).map(|c| c.to_vec()).collect())
}
