//! The campaign engine on a fake job kind, independent of the simulator: resume after a kill,
//! shards and merge, failures, thread counts. Lost or repeated jobs must be impossible.

use std::path::Path;

use super::log::{LogSpec, RunLog};
use super::merge::{check_shards, merge_logs, ShardOf};
use super::{Plan, Session, Shard};
use crate::runner::{Faults, Runner};

/// Job `j` has `tasks` tasks; task `t` gives `j * 10 + t`, job 7 panics; a job's outcome is the
/// sum of its tasks'.
struct Fake {
    jobs: u64,
    tasks: u64,
}

impl Plan for Fake {
    type Task = u64;
    type Job = u64;
    fn log(&self) -> LogSpec {
        LogSpec {
            file: "jobs.csv",
            header: vec!["job".into(), "status".into(), "value".into(), "end".into()],
            what: "a fake log",
        }
    }
    fn jobs(&self) -> u64 {
        self.jobs
    }
    fn tasks_per_job(&self) -> u64 {
        self.tasks
    }
    fn run_task(&self, job: u64, task: u64) -> Result<u64, String> {
        assert_ne!(job, 7, "job seven always panics");
        Ok(job * 10 + task)
    }
    fn combine(&self, _: u64, tasks: Vec<Result<u64, String>>) -> Result<u64, String> {
        tasks.into_iter().sum()
    }
    fn record(&self, job: u64, outcome: &Result<u64, String>) -> Vec<String> {
        let (status, value) = match outcome {
            Ok(v) => ("ok".to_string(), v.to_string()),
            Err(e) => ("failed".to_string(), e.replace(['\n', ','], " ")),
        };
        vec![job.to_string(), status, value, "end".into()]
    }
}

fn run(
    plan: &Fake,
    dir: &Path,
    shard: Shard,
    resume: bool,
    threads: u64,
    faults: &Faults,
) -> super::Ran {
    let runner = Runner::new(threads).unwrap();
    let session = Session::open(plan, dir, shard, resume).unwrap();
    session.run(&runner, faults, &|| {}).unwrap()
}

fn log_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("jobs.csv")).unwrap()
}

/// The log an uninterrupted run writes, for comparison.
fn whole(plan: &Fake) -> String {
    let d = tempfile::tempdir().unwrap();
    run(plan, d.path(), Shard::WHOLE, false, 1, &Faults::none());
    log_of(d.path())
}

#[test]
fn every_job_is_recorded_once_in_job_order_at_any_thread_count() {
    let plan = Fake { jobs: 23, tasks: 3 };
    let one = whole(&plan);
    let lines: Vec<&str> = one.lines().collect();
    assert_eq!(lines.len(), 24, "{one}");
    assert_eq!(lines[1], "0,ok,3,end");
    // Job 5: 50 + 51 + 52.
    assert_eq!(lines[6], "5,ok,153,end");
    assert!(lines[8].starts_with("7,failed,panicked: "), "{}", lines[8]);
    let d = tempfile::tempdir().unwrap();
    let ran = run(&plan, d.path(), Shard::WHOLE, false, 2, &Faults::none());
    assert_eq!(log_of(d.path()), one);
    assert_eq!(
        (ran.done_now, ran.failed_now, ran.owned, ran.absent),
        (23, 1, 23, 0)
    );
}

#[test]
fn a_kill_mid_line_then_resume_gives_the_uninterrupted_log() {
    let plan = Fake { jobs: 17, tasks: 2 };
    let want = whole(&plan);
    // A kill after job 9 was half written.
    let cut = want.find("10,ok").unwrap() + 4;
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("jobs.csv"), &want[..cut]).unwrap();
    let ran = run(&plan, d.path(), Shard::WHOLE, true, 2, &Faults::none());
    assert_eq!(ran.done_now, 7, "jobs 10..17 again, nothing else");
    assert_eq!(log_of(d.path()), want);
    // Resuming a complete log runs nothing and changes nothing.
    let ran = run(&plan, d.path(), Shard::WHOLE, true, 2, &Faults::none());
    assert_eq!(ran.done_now, 0);
    assert_eq!(log_of(d.path()), want);
}

#[test]
fn an_existing_log_needs_resume() {
    let plan = Fake { jobs: 3, tasks: 1 };
    let d = tempfile::tempdir().unwrap();
    run(&plan, d.path(), Shard::WHOLE, false, 1, &Faults::none());
    let err = Session::open(&plan, d.path(), Shard::WHOLE, false)
        .err()
        .unwrap();
    assert!(err.to_string().contains("add --resume"), "{err:#}");
}

#[test]
fn shards_merged_in_any_order_give_the_whole_log_and_repeats_are_written_once() {
    let plan = Fake { jobs: 20, tasks: 2 };
    let want = whole(&plan);
    let base = tempfile::tempdir().unwrap();
    let n = 3;
    let mut dirs = Vec::new();
    for k in (1..=n).rev() {
        let shard = Shard { k, n };
        let dir = shard.folder(base.path());
        std::fs::create_dir_all(&dir).unwrap();
        let ran = run(&plan, &dir, shard, false, 2, &Faults::none());
        assert_eq!(ran.owned, shard.owned(20));
        assert_eq!(ran.absent, 0);
        dirs.push(dir);
    }
    // Shard 3 given twice: its jobs must be written once.
    dirs.push(dirs[0].clone());
    let out = tempfile::tempdir().unwrap();
    let missing = merge_logs(&plan.log(), plan.jobs, &dirs, out.path(), "foreign").unwrap();
    assert_eq!(missing, 0);
    assert_eq!(log_of(out.path()), want);
    // Without shard 2: its jobs are counted missing.
    let out = tempfile::tempdir().unwrap();
    let without: Vec<_> = dirs
        .iter()
        .filter(|d| !d.ends_with("shard-2-of-3"))
        .cloned()
        .collect();
    let missing = merge_logs(&plan.log(), plan.jobs, &without, out.path(), "foreign").unwrap();
    assert_eq!(missing, Shard { k: 2, n: 3 }.owned(20));
}

#[test]
fn a_shard_killed_and_resumed_merges_like_the_whole() {
    let plan = Fake { jobs: 12, tasks: 1 };
    let want = whole(&plan);
    let base = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for k in 1..=2 {
        let shard = Shard { k, n: 2 };
        let dir = shard.folder(base.path());
        std::fs::create_dir_all(&dir).unwrap();
        run(&plan, &dir, shard, false, 1, &Faults::none());
        if k == 1 {
            // Cut the shard's log in its last line and resume.
            let text = log_of(&dir);
            std::fs::write(dir.join("jobs.csv"), &text[..text.len() - 3]).unwrap();
            let ran = run(&plan, &dir, shard, true, 2, &Faults::none());
            assert_eq!(ran.done_now, 1);
        }
        dirs.push(dir);
    }
    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        merge_logs(&plan.log(), 12, &dirs, out.path(), "x").unwrap(),
        0
    );
    assert_eq!(log_of(out.path()), want);
}

#[test]
fn the_fault_hook_fails_the_named_jobs_and_the_rest_go_on() {
    let plan = Fake { jobs: 6, tasks: 2 };
    let d = tempfile::tempdir().unwrap();
    let ran = run(
        &plan,
        d.path(),
        Shard::WHOLE,
        false,
        2,
        &Faults::parse("1,4"),
    );
    assert_eq!(ran.failed_now, 2);
    let text = log_of(d.path());
    assert!(text.contains("1,failed,failure injected by"), "{text}");
    assert!(text.contains("4,failed,failure injected by"), "{text}");
    assert!(text.contains("5,ok,101,end"), "{text}");
}

#[test]
fn merge_refuses_a_foreign_log_and_mismatched_or_repeated_shards() {
    let plan = Fake { jobs: 4, tasks: 1 };
    let d = tempfile::tempdir().unwrap();
    RunLog::open(
        d.path(),
        &LogSpec {
            file: "jobs.csv",
            header: vec!["other".into(), "end".into()],
            what: "x",
        },
        false,
        4,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = merge_logs(
        &plan.log(),
        4,
        &[d.path().to_path_buf()],
        out.path(),
        "is foreign",
    )
    .unwrap_err();
    assert!(err.to_string().ends_with("jobs.csv is foreign"), "{err:#}");

    let dirs = vec![d.path().to_path_buf(), out.path().to_path_buf()];
    let of = |identity, k, n| ShardOf {
        identity,
        file: "f.toml",
        shard: Shard { k, n },
    };
    let err = check_shards(&dirs, &[of("a", 1, 2), of("b", 2, 2)], "fake").unwrap_err();
    assert!(
        err.to_string()
            .contains("refusing to merge mismatched fakes"),
        "{err:#}"
    );
    let err = check_shards(&dirs, &[of("a", 1, 2), of("a", 1, 2)], "fake").unwrap_err();
    assert!(
        err.to_string().contains("shard 1/2 is given twice"),
        "{err:#}"
    );
    assert_eq!(
        check_shards(&dirs[..1], &[of("a", 2, 3)], "fake").unwrap(),
        [1, 3]
    );
}

#[test]
fn shards_deal_every_job_to_exactly_one_shard() {
    for n in 1..6 {
        for job in 0..40 {
            let owners = (1..=n).filter(|&k| Shard { k, n }.owns(job)).count();
            assert_eq!(owners, 1, "job {job} of {n} shards");
        }
    }
}
