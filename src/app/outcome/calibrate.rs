//! What `custody-sim calibrate` did.

use serde::{Serialize, Serializer};

use super::{CommandOutcome, TargetOut};
use crate::experiment::calibrate::sig;
use crate::experiment::campaign::folder::Info;
use crate::experiment::targets::{Outcome, Target};
use crate::output;
use crate::output::calibrate::{CalibrationInfo, Role};
use crate::output::calibrate_smc::{self as smc_files, SmcSummary};
use crate::output::format::counted;
use crate::output::manifest::{CalibrateManifest, CalibrationRun, Head};
use crate::output::schema::{accepted, candidates, posterior, target, CALIBRATED, MANIFEST};

/// A calibration: the accepted candidates, every parameter's posterior and fitted value, and the
/// calibrated scenario against every target (fitted and held out).
#[derive(Debug, Serialize)]
pub(crate) struct CalibrateOutcome<'a> {
    /// The calibration file, as given.
    pub calibration_file: String,
    pub identity: String,
    #[serde(flatten)]
    pub run: CalibrationRun,
    /// The output folder.
    pub out: String,
    /// The calibrated scenario, as a path.
    pub calibrated_scenario: String,
    /// Every file written, relative to `out`.
    pub files: Vec<String>,
    pub parameters: Vec<ParameterOutcome>,
    /// Every target (fitted first, then held out) against the calibrated scenario.
    #[serde(serialize_with = "targets")]
    pub targets: Vec<(Role, &'a Target, Outcome)>,
    /// The distances of the best and the worst accepted candidate.
    #[serde(skip)]
    pub distances: (f64, f64),
    /// What the calibrated scenario extends (the base, relative to `out`).
    #[serde(skip)]
    pub extends: String,
    #[serde(skip)]
    pub threads: usize,
    /// How long the candidates run now took, and the whole command.
    #[serde(skip)]
    pub wall_candidates: f64,
    #[serde(skip)]
    pub wall_time_seconds: f64,
    /// ABC-SMC's generations, stopping rule, effective sample size and predictive check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smc: Option<SmcSummary>,
}

/// One free parameter: its prior, its posterior and the fitted value (the posterior median).
#[derive(Debug, Serialize)]
pub(crate) struct ParameterOutcome {
    pub path: String,
    pub prior: &'static str,
    pub min: f64,
    pub max: f64,
    pub fitted: f64,
    pub posterior_mean: f64,
    pub posterior_median: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

fn targets<S: Serializer>(results: &[(Role, &Target, Outcome)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        results
            .iter()
            .map(|(role, t, o)| TargetOut::new(t, o, Some(role.name()))),
    )
}

/// The files as the summary names them: the results first.
const READING_ORDER: [&str; 13] = [
    posterior::FILE,
    smc_files::SCREEN,
    target::FIT_FILE,
    smc_files::PREDICTIVE,
    smc_files::IDENTIFICATION,
    smc_files::GENERATIONS,
    smc_files::POPULATION,
    smc_files::ENSEMBLE,
    accepted::FILE,
    candidates::FILE,
    CALIBRATED,
    CalibrationInfo::FILE,
    MANIFEST,
];

impl CalibrateOutcome<'_> {
    /// `manifest.json`.
    pub(crate) fn manifest(&self) -> CalibrateManifest {
        CalibrateManifest {
            head: Head::new("calibrate"),
            calibration: self.calibration_file.clone(),
            run: self.run.clone(),
            threads: self.threads,
            wall_time_seconds: self.wall_time_seconds,
            outputs: self.files.clone(),
        }
    }

    /// The targets of one role, for a table.
    fn group(&self, role: Role) -> Vec<(&Target, Outcome)> {
        self.targets
            .iter()
            .filter(|x| x.0 == role)
            .map(|x| (x.1, x.2.clone()))
            .collect()
    }
}

impl CommandOutcome for CalibrateOutcome<'_> {
    fn command(&self) -> &'static str {
        "calibrate"
    }

    fn summary(&self) -> String {
        let r = &self.run;
        let n = r.candidates;
        if let Some(smc) = &self.smc {
            return self.summary_smc(smc);
        }
        let mut s = format!(
            "Calibration {} (ABC rejection): {n} candidates x {}, seed {}; {} run now in {:.1} s, {:.1} s in all\n",
            self.calibration_file,
            counted(r.replications, "replication", "replications"),
            r.seed,
            r.candidates_run_now,
            self.wall_candidates,
            self.wall_time_seconds
        );
        s.push_str(&format!(
            "Accepted the {} of {n} candidates nearest the fitted targets (distance {:.4} to {:.4}: RMS of relative errors in units of each target's tolerance)\n",
            r.accepted, self.distances.0, self.distances.1
        ));
        s.push_str(&self.tables());
        s.push_str("The posterior is approximate (ABC rejection keeps a fraction of prior draws) and conditional on the priors' ranges and on the targets' definitions.\n");
        s
    }
}

impl CalibrateOutcome<'_> {
    /// The summary of an ABC-SMC calibration.
    fn summary_smc(&self, smc: &SmcSummary) -> String {
        let r = &self.run;
        let mut s = format!(
            "Calibration {} (ABC-SMC): {} in {} generations ({}), seed {}; {} run now, {:.1} s in all\n",
            self.calibration_file,
            counted(r.candidates as u64, "particle run", "particles run"),
            smc.generations.len(),
            counted(r.replications, "replication each", "replications each"),
            r.seed,
            r.candidates_run_now,
            self.wall_time_seconds
        );
        if let Some((kept, all)) = smc.screened {
            s.push_str(&format!(
                "Screen: {kept} of {all} parameters move a fitted target enough to be calibrated (screen.csv); the rest stay at the base scenario's values.\n"
            ));
        }
        s.push_str(&format!("Stopped because {}.\n\n", smc.stop));
        s.push_str(&smc_files::generations_table(&smc.generations));
        s.push_str(&format!(
            "\nPosterior: {} particles (effective sample size {:.0}), distances {:.3} to {:.3} (1 = every fitted target at the edge of its tolerance)\n",
            r.accepted, smc.ess, self.distances.0, self.distances.1
        ));
        s.push_str(&format!(
            "Posterior predictive check: the 95% predictive interval meets {} of {} fitted targets and {} of {} held out (predictive.csv)\n",
            smc.covered[0].0, smc.covered[0].1, smc.covered[1].0, smc.covered[1].1
        ));
        s.push_str(&format!(
            "Calibrated ensemble: {} equally weighted draws of the posterior in {}\n",
            smc.ensemble,
            smc_files::ENSEMBLE
        ));
        s.push_str(&self.tables());
        s.push_str("The posterior is approximate (ABC with a final tolerance, not an exact likelihood) and conditional on the priors' ranges, on the targets' definitions and on the model's structure; identification.csv says which parameters the fitted targets do not pin down.\n");
        s
    }

    /// The parameters' table, the fitted and held-out targets, and where the outputs are.
    fn tables(&self) -> String {
        let r = &self.run;
        let mut s = format!(
            "\n{:<50} {:>12} {:>22} {:>14} {:>25}\n",
            "parameter", "prior", "prior range", "fitted", "95% posterior interval"
        );
        for p in &self.parameters {
            s.push_str(&format!(
                "{:<50} {:>12} {:>22} {:>14} {:>25}\n",
                p.path,
                p.prior,
                format!("[{}, {}]", sig(p.min), sig(p.max)),
                sig(p.fitted),
                format!("[{}, {}]", sig(p.ci95_low), sig(p.ci95_high))
            ));
        }
        s.push_str(&format!(
            "\nFITTED TARGETS (used in fitting): the calibrated scenario, {}\n",
            counted(r.replications, "replication", "replications")
        ));
        s.push_str(&output::validation_table(&self.group(Role::Fitted)));
        let held = self.group(Role::HeldOut);
        if held.is_empty() {
            s.push_str("\nHELD OUT (not used in fitting): none listed in `holdout`\n");
        } else {
            s.push_str("\nHELD OUT (not used in fitting): an out-of-sample check of the calibrated scenario\n");
            s.push_str(&output::validation_table(&held));
        }
        s.push_str(&format!(
            "\nCalibrated scenario: {}/{CALIBRATED} (extends \"{}\"; overrides only the fitted parameters)\n",
            self.out, self.extends
        ));
        let listed: Vec<&str> = READING_ORDER
            .into_iter()
            .filter(|f| self.files.iter().any(|g| g == f))
            .collect();
        s.push_str(&format!(
            "Outputs in {}/ ({})\n",
            self.out,
            listed.join(", ")
        ));
        s
    }
}
