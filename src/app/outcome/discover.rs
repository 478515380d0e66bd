//! What `custody-sim discover` did.

use serde::Serialize;

use super::CommandOutcome;
use crate::experiment::prim::BoxStats;
use crate::output::fmt_num;

/// A scenario discovery (PRIM) on an explore folder: the chosen box, its restrictions and the
/// parameters that matter most.
#[derive(Debug, Serialize)]
pub(crate) struct DiscoverOutcome {
    /// The explore folder, as given.
    pub explore_dir: String,
    /// The explore's identity.
    pub identity: String,
    pub reform: String,
    pub metric: String,
    pub condition: String,
    /// Futures used (with results).
    pub futures: usize,
    pub futures_skipped: usize,
    /// Futures where the condition holds.
    pub cases: usize,
    /// Boxes on the peeling trajectory.
    pub steps: usize,
    pub chosen_step: usize,
    /// `--box` or `min_coverage`.
    pub chosen_by: &'static str,
    pub peeled: BoxStatsOut,
    pub pasted: BoxStatsOut,
    /// The pasted box's restrictions.
    #[serde(rename = "box")]
    pub restrictions: Vec<BoxLimit>,
    /// Every uncertain parameter, the one that matters most for the condition first.
    pub feature_scores: Vec<FeatureScore>,
    /// The output folder.
    pub out: String,
    /// Every file written, relative to `out`: the tables and `discover.json`, then the charts.
    pub files: Vec<String>,
    /// Charts drawn (an SVG and a PNG file each).
    pub charts: usize,
    /// How many of `files` the summary names (it counts the charts instead).
    #[serde(skip)]
    pub tables: usize,
}

/// A box's coverage, density and mass.
#[derive(Debug, Serialize)]
pub(crate) struct BoxStatsOut {
    pub points: usize,
    pub cases: usize,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
}

impl From<&BoxStats> for BoxStatsOut {
    fn from(b: &BoxStats) -> Self {
        BoxStatsOut {
            points: b.points,
            cases: b.cases,
            coverage: b.coverage,
            density: b.density,
            mass: b.mass,
        }
    }
}

/// One restriction of the box, and how the box does without it.
#[derive(Debug, Serialize)]
pub(crate) struct BoxLimit {
    pub parameter: String,
    pub min: f64,
    pub max: f64,
    /// The parameter's range over the futures.
    pub range_min: f64,
    pub range_max: f64,
    pub coverage_without: f64,
    pub density_without: f64,
}

/// How much one parameter explains, alone, of the condition and of its quantity.
#[derive(Debug, Serialize)]
pub(crate) struct FeatureScore {
    pub parameter: String,
    pub score_condition: f64,
    pub score_quantity: f64,
    /// What the score is expected to be when the parameter does not matter.
    pub null_level: f64,
}

impl CommandOutcome for DiscoverOutcome {
    fn command(&self) -> &'static str {
        "discover"
    }

    fn summary(&self) -> String {
        let mut s = format!(
            "Scenario discovery for {} ({}): \"{}\" holds in {} of {} futures{}\n",
            self.reform,
            self.metric,
            self.condition,
            self.cases,
            self.futures,
            if self.futures_skipped > 0 {
                format!(
                    " ({} futures without results left out)",
                    self.futures_skipped
                )
            } else {
                String::new()
            }
        );
        let (p, q) = (&self.peeled, &self.pasted);
        s.push_str(&format!(
            "Peeling trajectory: {} boxes; chosen step {}{}: coverage {:.2}, density {:.2}, mass {:.2}; after pasting: coverage {:.2}, density {:.2}, mass {:.2}\n",
            self.steps,
            self.chosen_step,
            if self.chosen_by == "--box" { " (--box)" } else { "" },
            p.coverage,
            p.density,
            p.mass,
            q.coverage,
            q.density,
            q.mass
        ));
        if self.restrictions.is_empty() {
            s.push_str("The box restricts no parameter.\n");
        } else {
            s.push_str("The box (density without each restriction in brackets):\n");
            for b in &self.restrictions {
                s.push_str(&format!(
                    "  {:<58} {:>12} to {:<12} [{:.2}]\n",
                    b.parameter,
                    fmt_num(b.min),
                    fmt_num(b.max),
                    b.density_without
                ));
            }
        }
        s.push_str("Parameters that matter most for the condition (share of its variance explained alone):\n");
        for f in self.feature_scores.iter().take(5) {
            s.push_str(&format!(
                "  {:<58} {:.3} (chance level {:.3})\n",
                f.parameter, f.score_condition, f.null_level
            ));
        }
        s.push_str(&format!(
            "Outputs in {}/ ({}, {} charts)\n",
            self.out,
            self.files[..self.tables].join(", "),
            self.charts
        ));
        s
    }
}
