//! `custody-sim journey`: one synthetic child followed through one replication, with what each
//! agency's record held at every step (`journey.csv`, a chart, a printed table).

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::{hash_sources, BadInput};
use crate::cli::JourneyArgs;
use crate::error::ScenarioError;
use crate::output::{self, charts};
use crate::scenario::{self, date_of};
use crate::sim::params::MINUTES_PER_DAY;
use crate::sim::{simulate, Agency, ChildEvent, DaySnapshot, Lens, Observer};

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
    let _lock = super::lock_out(&out_dir)?;
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

    let csv_path = out_dir.join("journey.csv");
    output::report::write_journey(&csv_path, &start, &tracer.events)?;
    let chart =
        charts::journey_chart_until(&csv_path, &out_dir, Some(&date_of(&start, horizon_day)))?;
    let (files, hash) = hash_sources(&sc);
    let manifest = serde_json::json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command": "journey",
        "scenario": sc.name(),
        "scenario_files": files.iter().map(|f| serde_json::json!({"path": f.path, "sha256": f.sha256})).collect::<Vec<_>>(),
        "scenario_hash": hash,
        "seed": args.seed,
        "replication": args.replication,
        "replications": 1,
        "child": child,
        "chosen": how,
        "start_date": start,
        "horizon_date": date_of(&start, horizon_day),
        "outputs": ["journey.csv", "manifest.json", format!("{}.svg", chart.id), format!("{}.png", chart.id)],
        "caveats": output::CAVEATS,
    });
    output::write_atomic_text(&out_dir.join("manifest.json"), &format!("{manifest:#}\n"))?;

    if !args.quiet {
        println!(
            "Journey of synthetic child {child} in scenario \"{}\" (seed {}, replication {}): {how}.\n",
            sc.name(),
            args.seed,
            args.replication
        );
        print!("{}", journey_table(&start, &tracer.events));
        println!();
        print!(
            "{}",
            who_knew(
                &start,
                date_of(&start, horizon_day).as_str(),
                &tracer.events
            )
        );
        println!(
            "\nOutputs in {}/ (journey.csv, {}.svg, {}.png, manifest.json)",
            out_dir.display(),
            chart.id,
            chart.id
        );
        println!("Every child in this program is synthetic.");
    }
    Ok(())
}

/// What an agency's record says about the child: the true address, an old one, or nothing.
fn record_word(record: u32, truth: u32) -> &'static str {
    if record == 0 {
        "-"
    } else if record == truth {
        "TRUE"
    } else {
        "old"
    }
}

fn date_at(start: &str, minutes: u32) -> String {
    date_of(start, minutes / MINUTES_PER_DAY)
}

/// The journey as a readable table: one line per step.
pub(super) fn journey_table(start: &str, events: &[ChildEvent]) -> String {
    let mut s = format!(
        "{:<10}  {:<46} {:<13} {:>8} {:>9} {:>9}  {:<5} {:<5} {:<5} {:<5}\n",
        "date", "event", "state", "address", "ICE finds", "any finds", "CBP", "ORR", "ICE", "court"
    );
    for e in events {
        let addr = if e.true_address == 0 {
            "-".to_string()
        } else {
            format!("#{}", e.true_address)
        };
        s.push_str(&format!(
            "{:<10}  {:<46} {:<13} {:>8} {:>9} {:>9}  {:<5} {:<5} {:<5} {:<5}\n",
            date_at(start, e.time),
            e.what,
            e.state.name(),
            addr,
            yes_no(e, Lens::Ice),
            yes_no(e, Lens::Pooled),
            record_word(e.records[Agency::Cbp as usize], e.true_address),
            record_word(e.records[Agency::Orr as usize], e.true_address),
            record_word(e.records[Agency::Ice as usize], e.true_address),
            record_word(e.records[Agency::Court as usize], e.true_address),
        ));
    }
    s.push_str(
        "\"ICE finds\": ICE (the acting agency) holds the true address or made contact within the contact window; \"any finds\": at least one of ORR, ICE and the court does. Agency columns: TRUE = its record holds the address where the child truly lives; old = an address where the child no longer lives (or never did); - = no address.\n",
    );
    s
}

/// Whether the child is locatable through `lens` at this step ("-" when not followed).
fn yes_no(e: &ChildEvent, lens: Lens) -> &'static str {
    if !e.state.is_followed() {
        "-"
    } else if e.locatable[lens as usize] {
        "yes"
    } else {
        "NO"
    }
}

/// Per agency, the periods when its record held the child's true address.
pub(super) fn who_knew(start: &str, horizon: &str, events: &[ChildEvent]) -> String {
    let mut s = String::from("Who knew where the child lived:\n");
    let label = |a: Agency| match a {
        Agency::Cbp => "CBP",
        Agency::Orr => "ORR",
        Agency::Ice => "ICE",
        Agency::Court => "Immigration court",
    };
    for a in Agency::ALL {
        let mut spans: Vec<(String, Option<String>)> = Vec::new();
        let mut knows_since: Option<String> = None;
        for e in events {
            let r = e.records[a as usize];
            let knows = r != 0 && r == e.true_address;
            match (&knows_since, knows) {
                (None, true) => knows_since = Some(date_at(start, e.time)),
                (Some(from), false) => {
                    spans.push((from.clone(), Some(date_at(start, e.time))));
                    knows_since = None;
                }
                _ => {}
            }
        }
        if let Some(from) = knows_since {
            spans.push((from, None));
        }
        let text = if spans.is_empty() {
            "never".to_string()
        } else {
            spans
                .iter()
                .map(|(from, to)| match to {
                    Some(to) => format!("{from} to {to}"),
                    None => format!("{from} to the end ({horizon})"),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        s.push_str(&format!("  {:<18} {text}\n", label(a)));
    }
    if let Some(last) = events.last() {
        let status = if !last.state.is_followed() {
            format!("no longer followed as a child ({})", last.state.name())
        } else if last.locatable[Lens::Ice as usize] {
            "locatable by ICE".to_string()
        } else if last.locatable[Lens::Pooled as usize] {
            "UNLOCATABLE BY ICE (the acting agency), though another agency could locate the child"
                .to_string()
        } else {
            "UNLOCATABLE: no agency holds the true address and none made recent contact".to_string()
        };
        s.push_str(&format!("At the end ({horizon}): {status}.\n"));
    }
    s
}
