//! `custody-sim journey`: one synthetic child followed through one replication, with what each
//! agency's record held at every step (`journey.csv`, a chart, a printed table).

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::outcome::{CommandOutcome, JourneyOutcome};
use super::{hash_sources, BadInput};
use crate::cli::JourneyArgs;
use crate::error::ScenarioError;
use crate::output::manifest;
use crate::output::schema::{journey, MANIFEST};
use crate::output::{self, charts};
use crate::scenario::{self, date_of};
use crate::sim::{simulate, ChildEvent, DaySnapshot, Observer};

/// Records every step of one child's journey.
struct Tracer {
    child: u32,
    events: Vec<ChildEvent>,
}

impl Observer for Tracer {
    fn on_day(&mut self, _: u32, _: &DaySnapshot) {}
    fn traced_child(&self) -> Option<u32> {
        Some(self.child)
    }
    fn on_child_event(&mut self, event: &ChildEvent) {
        self.events.push(event.clone());
    }
}

/// Receives the children unlocatable at the horizon.
#[derive(Default)]
struct Unlocatable(Vec<u32>);

impl Observer for Unlocatable {
    fn on_day(&mut self, _: u32, _: &DaySnapshot) {}
    fn wants_unlocatable_at_end(&self) -> bool {
        true
    }
    fn on_unlocatable_at_end(&mut self, children: &[u32]) {
        self.0 = children.to_vec();
    }
}

pub(super) fn journey(args: &JourneyArgs) -> Result<()> {
    let sc = scenario::load(&args.scenario).map_err(BadInput)?;
    let start = sc.loaded.raw.time.start_date.clone();
    let horizon_day = sc.params.horizon_days.saturating_sub(1);
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        PathBuf::from("outputs").join(format!("journey-{stem}"))
    });
    let _lock = super::lock_out(&out_dir, "journey")?;
    let bar = super::progress_bar(2, args.quiet, "simulations");
    bar.set_message(format!("{}: replication {}", sc.name(), args.replication));

    let (child, how) = match args.child {
        Some(c) => (c, format!("child {c}, chosen with --child")),
        None => {
            let mut u = Unlocatable::default();
            simulate(&sc.params, args.seed, args.replication, &mut u);
            bar.inc(1);
            if u.0.is_empty() {
                bail!(
                    "no child of scenario \"{}\" is unlocatable on {} in replication {} with seed {}: pick a child with --child ID",
                    sc.name(),
                    date_of(&start, horizon_day),
                    args.replication,
                    args.seed
                );
            }
            let median = u.0[(u.0.len() - 1) / 2];
            (
                median,
                format!(
                    "the median child (by id) among the {} children unlocatable on {}",
                    u.0.len(),
                    date_of(&start, horizon_day)
                ),
            )
        }
    };
    let mut tracer = Tracer {
        child,
        events: Vec::new(),
    };
    let summary = simulate(&sc.params, args.seed, args.replication, &mut tracer);
    bar.inc(1);
    bar.finish_and_clear();
    if u64::from(child) >= summary.arrived {
        return Err(BadInput(ScenarioError::Schema {
            path: "(command line)".into(),
            chain: String::new(),
            field: "--child".into(),
            message: format!(
                "{child}: scenario \"{}\" has {} children in replication {} with seed {} (ids 0 to {})",
                sc.name(),
                summary.arrived,
                args.replication,
                args.seed,
                summary.arrived.saturating_sub(1)
            ),
        })
        .into());
    }

    let csv_path = out_dir.join(journey::FILE);
    output::report::journey::write_journey(&csv_path, &start, &tracer.events)?;
    let horizon_date = date_of(&start, horizon_day);
    let chart = charts::journey_chart_until(&csv_path, &out_dir, Some(&horizon_date))?;
    let (scenario_files, scenario_hash) = hash_sources(&sc);
    let mut files = [journey::FILE, MANIFEST].map(String::from).to_vec();
    files.extend(super::chart_files(&out_dir, std::slice::from_ref(&chart)));
    let outcome = JourneyOutcome {
        scenario: sc.name().to_string(),
        scenario_file: args.scenario.display().to_string(),
        scenario_hash,
        seed: args.seed,
        replication: args.replication,
        child,
        chosen: how,
        start_date: start,
        horizon_date,
        out: out_dir.display().to_string(),
        files,
        scenario_files,
        events: tracer.events,
    };
    manifest::write_sorted(&out_dir.join(MANIFEST), &outcome.manifest())?;
    if !args.quiet {
        print!("{}", outcome.summary());
    }
    Ok(())
}
