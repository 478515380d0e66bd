//! What `custody-sim journey` did.

use serde::Serialize;

use super::{listed, CommandOutcome};
use crate::output::manifest::{Head, JourneyManifest, ScenarioFile};
use crate::scenario::date_of;
use crate::sim::params::MINUTES_PER_DAY;
use crate::sim::{Agency, ChildEvent, Lens};

/// One synthetic child followed through one replication.
#[derive(Debug, Serialize)]
pub(crate) struct JourneyOutcome {
    /// The scenario's name.
    pub scenario: String,
    /// Its file, as given.
    pub scenario_file: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub replication: u64,
    /// The child followed (its id).
    pub child: u32,
    /// How the child was chosen.
    pub chosen: String,
    pub start_date: String,
    /// The last simulated day.
    pub horizon_date: String,
    /// The output folder.
    pub out: String,
    /// Every file written, relative to `out`.
    pub files: Vec<String>,
    #[serde(skip)]
    pub scenario_files: Vec<ScenarioFile>,
    /// Every step of the child's journey.
    #[serde(skip)]
    pub events: Vec<ChildEvent>,
}

impl JourneyOutcome {
    /// `manifest.json`.
    pub(crate) fn manifest(&self) -> JourneyManifest {
        JourneyManifest {
            head: Head::new("journey"),
            scenario: self.scenario.clone(),
            scenario_files: self.scenario_files.clone(),
            scenario_hash: self.scenario_hash.clone(),
            seed: self.seed,
            replication: self.replication,
            replications: 1,
            child: self.child,
            chosen: self.chosen.clone(),
            start_date: self.start_date.clone(),
            horizon_date: self.horizon_date.clone(),
            outputs: self.files.clone(),
        }
    }
}

impl CommandOutcome for JourneyOutcome {
    fn command(&self) -> &'static str {
        "journey"
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "Journey of synthetic child {} in scenario \"{}\" (seed {}, replication {}): {}.\n\n",
            self.child, self.scenario, self.seed, self.replication, self.chosen
        );
        s.push_str(&journey_table(&self.start_date, &self.events));
        s.push('\n');
        s.push_str(&who_knew(
            &self.start_date,
            &self.horizon_date,
            &self.events,
        ));
        s.push_str(&format!(
            "\nOutputs in {}/ ({})\n",
            self.out,
            listed(&self.files)
        ));
        s.push_str("Every child in this program is synthetic.\n");
        s
    }
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
fn journey_table(start: &str, events: &[ChildEvent]) -> String {
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
fn who_knew(start: &str, horizon: &str, events: &[ChildEvent]) -> String {
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
