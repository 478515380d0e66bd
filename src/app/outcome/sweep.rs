//! What `custody-sim sweep` (and `merge` of a sweep's shards) did.

use serde::Serialize;

use super::campaign::CampaignRuns;
use super::CommandOutcome;
use crate::experiment::sweep::Sweep;
use crate::output::schema::slurm;
use crate::output::sweep::{self as files, SweepResult};

/// Which sweep: what every document of `sweep` begins with.
#[derive(Debug, Serialize)]
pub(crate) struct SweepId {
    /// The sweep file, as given.
    pub sweep_file: String,
    pub identity: String,
    pub design: &'static str,
    pub seed: u64,
}

impl SweepId {
    pub(crate) fn new(sw: &Sweep) -> Self {
        SweepId {
            sweep_file: sw.file.display().to_string(),
            identity: sw.identity.clone(),
            design: sw.design.name(),
            seed: sw.seed,
        }
    }
}

/// A whole sweep (run at once, or merged from its shards): the runs' counts and every ranked
/// metric's sensitivity.
#[derive(Serialize)]
pub(crate) struct SweepOutcome<'a> {
    #[serde(flatten)]
    pub sweep: SweepId,
    pub points: usize,
    pub replications: u64,
    #[serde(flatten)]
    pub runs: CampaignRuns,
    /// Per ranked metric, its sensitivity indices (Morris and Sobol designs).
    pub sensitivity: serde_json::Value,
    #[serde(skip)]
    pub design: &'a Sweep,
    #[serde(skip)]
    pub result: &'a SweepResult,
}

impl<'a> SweepOutcome<'a> {
    /// The outcome of a sweep whose summary files are written: `files` in `out`, `ran` runs done
    /// now in `wall` seconds (`None` for `merge`).
    pub(crate) fn new(
        sw: &'a Sweep,
        result: &'a SweepResult,
        out: String,
        files: Vec<String>,
        ran: Option<(usize, f64)>,
    ) -> Self {
        let counts = (result.ok, result.failed, result.missing);
        SweepOutcome {
            sweep: SweepId::new(sw),
            points: sw.points.len(),
            replications: sw.replications,
            runs: CampaignRuns::new(sw.runs(), counts, out, files, ran),
            sensitivity: files::sensitivity_json(sw, result),
            design: sw,
            result,
        }
    }
}

impl CommandOutcome for SweepOutcome<'_> {
    fn command(&self) -> &'static str {
        "sweep"
    }

    fn summary(&self) -> String {
        let mut s = String::new();
        if let Some(done) = self.runs.done_now() {
            s.push_str(&format!(
                "Sweep {} ({} design): {done}\n",
                self.sweep.sweep_file, self.sweep.design
            ));
        }
        s.push_str(&format!(
            "{} points x {} replications = {}\n",
            self.points,
            self.replications,
            self.runs.counts()
        ));
        s.push_str(&files::ranking(self.design, self.result));
        s.push_str(&self.runs.outputs());
        s
    }
}

/// `sweep --emit-slurm N`: the job scripts written.
#[derive(Debug, Serialize)]
pub(crate) struct SlurmOutcome {
    #[serde(flatten)]
    pub sweep: SweepId,
    pub runs: u64,
    pub shards: u64,
    /// The output folder the merged sweep will land in.
    pub out: String,
    /// The folder of the scripts.
    pub slurm_dir: String,
    /// Every file written, relative to `out`.
    pub files: Vec<String>,
}

impl CommandOutcome for SlurmOutcome {
    fn command(&self) -> &'static str {
        "sweep"
    }

    fn summary(&self) -> String {
        format!(
            "Wrote {d}/{} ({} shards of {} runs), {d}/{} and {d}/{}.\nSubmit with: bash {d}/{}   (merged outputs land in {})\n",
            slurm::ARRAY,
            self.shards,
            self.runs,
            slurm::MERGE,
            slurm::SUBMIT,
            slurm::SUBMIT,
            self.out,
            d = self.slurm_dir
        )
    }
}
