//! The one place that runs work in parallel: an ordered parallel map over jobs on a rayon pool
//! (panics caught and turned into errors, a progress callback), the one fault-injection hook, and
//! the replication runs built on them. Results come back in job order, so they are identical
//! whatever the number of threads; callers aggregate them serially (streaming consumers map one
//! batch of [`Runner::batch`] jobs at a time and write it before the next).

use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::sim::{simulate, DailyLog, DaySnapshot, NoObserver, Params, RunSummary};

/// Environment variable naming jobs to fail on purpose (comma-separated job numbers): sweep runs
/// (the `run` column of `runs.csv`) and calibration candidates (the `candidate` column of
/// `candidates.csv`). A fault-injection hook for testing that failures are recorded and the work
/// goes on; read once at the application edge ([`Faults::from_env`]) and passed in.
pub const FAIL_JOBS_ENV: &str = "CUSTODY_SIM_FAIL_JOBS";

/// The jobs that the fault hook fails on purpose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults(Vec<u64>);

impl Faults {
    /// No job fails on purpose.
    pub fn none() -> Faults {
        Faults::default()
    }

    /// Comma-separated job numbers; anything else in the list is ignored.
    pub fn parse(list: &str) -> Faults {
        Faults(
            list.split(',')
                .filter_map(|x| x.trim().parse().ok())
                .collect(),
        )
    }

    /// The jobs named by [`FAIL_JOBS_ENV`] (none if it is unset).
    pub fn from_env() -> Faults {
        std::env::var(FAIL_JOBS_ENV)
            .map(|v| Faults::parse(&v))
            .unwrap_or_default()
    }

    /// Whether job `key` fails on purpose.
    pub fn names(&self, key: u64) -> bool {
        self.0.contains(&key)
    }

    /// `work`, except that a job whose key (`key(job)`) this hook names fails without running.
    pub fn wrap<'a, J, T>(
        &'a self,
        key: impl Fn(&J) -> u64 + Sync + 'a,
        work: impl Fn(&J) -> Result<T, String> + Sync + 'a,
    ) -> impl Fn(&J) -> Result<T, String> + Sync + 'a {
        move |job| {
            if self.names(key(job)) {
                Err(format!("failure injected by {FAIL_JOBS_ENV}"))
            } else {
                work(job)
            }
        }
    }
}

/// Worker threads: `0` means all cores.
pub(crate) fn resolve_threads(requested: u64) -> usize {
    if requested == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        requested as usize
    }
}

/// The text of a caught panic.
fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// A pool of worker threads.
pub struct Runner {
    pool: rayon::ThreadPool,
    threads: usize,
}

impl Runner {
    /// A pool of `threads` threads (`0`: all cores).
    pub fn new(threads: u64) -> Result<Runner, rayon::ThreadPoolBuildError> {
        let threads = resolve_threads(threads);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        Ok(Runner { pool, threads })
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Jobs (or groups of jobs, such as a candidate's replications) per batch for a consumer that
    /// streams results to disk, one [`Runner::map`] per batch written before the next: a few per
    /// thread, so every thread is kept busy and memory stays flat.
    pub fn batch(&self) -> usize {
        (self.threads * 4).max(1)
    }

    /// Run `work` on every job in parallel and return the results in job order. A job that panics
    /// gives `Err("panicked: <message>")` and the others go on. `on_done` is called once per
    /// finished job (for progress bars).
    pub fn map<J: Sync, T: Send>(
        &self,
        jobs: &[J],
        work: impl Fn(&J) -> Result<T, String> + Sync,
        on_done: &(dyn Fn() + Sync),
    ) -> Vec<Result<T, String>> {
        self.pool.install(|| {
            jobs.par_iter()
                .map(|job| {
                    let result = catch_unwind(AssertUnwindSafe(|| work(job)))
                        .unwrap_or_else(|p| Err(format!("panicked: {}", panic_message(p))));
                    on_done();
                    result
                })
                .collect()
        })
    }
}

/// A replication that failed (it panicked), in a run where every replication must succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("replication {replication} failed: {message}")]
pub struct RunFailed {
    /// Which scenario (its index in the list given).
    pub scenario: usize,
    /// Which replication.
    pub replication: u64,
    /// Why it failed (the panic message).
    pub message: String,
}

/// One finished replication.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Which replication (0-based).
    pub replication: u64,
    /// Its totals.
    pub summary: RunSummary,
    /// Its daily snapshots, day 0 first.
    pub days: Vec<DaySnapshot>,
}

/// Run `replications` replications of `params` with master seed `seed`, keeping their daily
/// snapshots. `on_done` is called once per finished replication. The first failure, in replication
/// order, is the error.
pub fn run_replications(
    runner: &Runner,
    params: &Params,
    seed: u64,
    replications: u64,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<RunResult>, RunFailed> {
    let jobs: Vec<u64> = (0..replications).collect();
    run_jobs(runner, params, seed, &jobs, on_done)
}

/// [`run_replications`] a batch at a time ([`Runner::batch`] replications): each finished
/// replication is handed to `each`, in replication order, before the next batch starts, so that
/// no more than one batch's daily snapshots are held at once however many replications run. The
/// first failure, in replication order, is the error (later batches are not run).
pub fn each_replication<E: From<RunFailed>>(
    runner: &Runner,
    params: &Params,
    seed: u64,
    replications: u64,
    on_done: &(dyn Fn() + Sync),
    each: &mut dyn FnMut(RunResult) -> Result<(), E>,
) -> Result<(), E> {
    let batch = runner.batch() as u64;
    let mut first = 0;
    while first < replications {
        let last = first.saturating_add(batch).min(replications);
        let jobs: Vec<u64> = (first..last).collect();
        for r in run_jobs(runner, params, seed, &jobs, on_done)? {
            each(r)?;
        }
        first = last;
    }
    Ok(())
}

/// The replications `jobs` of `params`, in the order given (see [`run_replications`]).
fn run_jobs(
    runner: &Runner,
    params: &Params,
    seed: u64,
    jobs: &[u64],
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<RunResult>, RunFailed> {
    let results = runner.map(
        jobs,
        |&replication| {
            let mut log = DailyLog::default();
            let summary = simulate(params, seed, replication, &mut log);
            Ok(RunResult {
                replication,
                summary,
                days: log.0,
            })
        },
        on_done,
    );
    jobs.iter()
        .zip(results)
        .map(|(&replication, r)| {
            r.map_err(|message| RunFailed {
                scenario: 0,
                replication,
                message,
            })
        })
        .collect()
}

/// Run replications `reps` of every scenario in `params` (all scenarios share the master seed, so
/// replication r of each draws the same children: common random numbers). Returns the summaries
/// per scenario, in replication order; the first failure, in (scenario, replication) order, is the
/// error.
pub fn run_summaries(
    runner: &Runner,
    params: &[&Params],
    seed: u64,
    reps: std::ops::Range<u64>,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<RunSummary>>, RunFailed> {
    let jobs: Vec<(usize, u64)> = (0..params.len())
        .flat_map(|s| reps.clone().map(move |r| (s, r)))
        .collect();
    let results = runner.map(
        &jobs,
        |&(s, r)| Ok(simulate(params[s], seed, r, &mut NoObserver)),
        on_done,
    );
    let done: Vec<RunSummary> = jobs
        .iter()
        .zip(results)
        .map(|(&(scenario, replication), r)| {
            r.map_err(|message| RunFailed {
                scenario,
                replication,
                message,
            })
        })
        .collect::<Result<_, _>>()?;
    let per = (reps.end - reps.start) as usize;
    Ok(done.chunks(per.max(1)).map(|c| c.to_vec()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;

    /// Jobs whose cost falls with their position: at two threads later jobs finish first.
    fn uneven(job: &u64) -> Result<u64, String> {
        std::thread::sleep(Duration::from_millis(2 * (12 - job)));
        Ok(job * job)
    }

    #[test]
    fn results_come_back_in_job_order_at_any_thread_count() {
        let jobs: Vec<u64> = (0..12).collect();
        let want: Vec<Result<u64, String>> = jobs.iter().map(|j| Ok(j * j)).collect();
        for threads in [1, 2, 3] {
            let runner = Runner::new(threads).unwrap();
            assert_eq!(runner.threads(), threads as usize);
            let done = AtomicUsize::new(0);
            let got = runner.map(&jobs, uneven, &|| {
                done.fetch_add(1, Ordering::Relaxed);
            });
            assert_eq!(got, want, "{threads} threads");
            assert_eq!(done.load(Ordering::Relaxed), jobs.len());
        }
    }

    #[test]
    fn zero_threads_means_all_cores() {
        let runner = Runner::new(0).unwrap();
        assert_eq!(runner.threads(), resolve_threads(0));
        assert!(runner.threads() >= 1);
        assert_eq!(runner.batch(), runner.threads() * 4);
    }

    #[test]
    fn a_panicking_job_is_an_error_with_its_message_and_the_others_finish() {
        let jobs: Vec<u64> = (0..8).collect();
        for threads in [1, 2] {
            let runner = Runner::new(threads).unwrap();
            let done = AtomicUsize::new(0);
            let got = runner.map(
                &jobs,
                |&j| match j {
                    2 => panic!("job two broke"),
                    5 => panic!("job {j} broke too"),
                    _ => Ok(j),
                },
                &|| {
                    done.fetch_add(1, Ordering::Relaxed);
                },
            );
            assert_eq!(done.load(Ordering::Relaxed), 8);
            for (j, r) in jobs.iter().zip(&got) {
                match j {
                    2 => assert_eq!(r, &Err("panicked: job two broke".to_string())),
                    5 => assert_eq!(r, &Err("panicked: job 5 broke too".to_string())),
                    _ => assert_eq!(r, &Ok(*j)),
                }
            }
        }
    }

    #[test]
    fn the_fault_hook_fails_exactly_the_named_jobs_without_running_them() {
        let faults = Faults::parse("3, 7,x,,12");
        assert_eq!(faults, Faults(vec![3, 7, 12]));
        assert_eq!(Faults::parse(""), Faults::none());
        // Jobs are (candidate, replication) pairs failed by candidate, as calibration does.
        let jobs: Vec<(u64, u64)> = (0..10).flat_map(|c| (0..2).map(move |r| (c, r))).collect();
        let ran = Mutex::new(Vec::new());
        let runner = Runner::new(2).unwrap();
        let got = runner.map(
            &jobs,
            faults.wrap(
                |&(c, _)| c,
                |&(c, r)| {
                    ran.lock().unwrap().push((c, r));
                    Ok(c * 10 + r)
                },
            ),
            &|| {},
        );
        for (&(c, r), g) in jobs.iter().zip(&got) {
            if c == 3 || c == 7 {
                assert_eq!(
                    g,
                    &Err(format!("failure injected by {FAIL_JOBS_ENV}")),
                    "{c}"
                );
            } else {
                assert_eq!(g, &Ok(c * 10 + r));
            }
        }
        let mut ran = ran.into_inner().unwrap();
        ran.sort();
        let want: Vec<(u64, u64)> = jobs
            .iter()
            .copied()
            .filter(|&(c, _)| c != 3 && c != 7)
            .collect();
        assert_eq!(ran, want);
        // Without faults every job runs.
        let none = Faults::none();
        let all = runner.map(&jobs, none.wrap(|&(c, _)| c, |&(c, _)| Ok(c)), &|| {});
        assert!(all.iter().all(|r| r.is_ok()));
    }

    /// A small cohort of the baseline scenario, for runs that take milliseconds.
    fn small_baseline() -> Params {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join("baseline.toml");
        let mut p = crate::scenario::load(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .params;
        for r in &mut p.arrival_rate_by_day {
            *r *= 0.01;
        }
        p
    }

    #[test]
    fn replications_and_summaries_do_not_depend_on_the_thread_count() {
        let p = small_baseline();
        let one = Runner::new(1).unwrap();
        let two = Runner::new(2).unwrap();
        let a = run_replications(&one, &p, 5, 3, &|| {}).unwrap();
        let b = run_replications(&two, &p, 5, 3, &|| {}).unwrap();
        assert_eq!(a.len(), 3);
        for (r, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x.replication, r as u64);
            assert_eq!(x.summary, y.summary);
            assert_eq!(x.days, y.days);
        }
        // Summaries per scenario, in replication order: replication r of a scenario is the same
        // run whichever other scenarios and replications go with it.
        let s = run_summaries(&two, &[&p, &p], 5, 1..3, &|| {}).unwrap();
        assert_eq!(s.len(), 2);
        for per in &s {
            assert_eq!(per.len(), 2);
            assert_eq!(per[0], a[1].summary);
            assert_eq!(per[1], a[2].summary);
        }
        assert_eq!(run_summaries(&one, &[&p, &p], 5, 1..3, &|| {}).unwrap(), s);
    }
}
