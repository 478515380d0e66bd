//! Sweep files: which base scenario, which parameters (dotted paths) to vary and how (full grid,
//! Latin hypercube, Morris elementary effects, Sobol/Saltelli), replications and seed. Parsed and
//! checked in full before anything runs: unknown paths (with the nearest valid ones), empty or
//! inverted ranges, absurd sizes and values the scenario would reject are refused, every problem
//! of the file at once.
//!
//! `raw` holds the file as written, `types` the design kind and default metrics, `checks` the
//! checks of its sections, `points` the design's points; [`load`] reads a file through them.

mod checks;
mod points;
mod raw;
mod types;

use std::path::{Path, PathBuf};

use toml::Value;

use self::points::{Plan, Points};
use self::raw::SweepParts;
pub(crate) use self::types::Design;
use super::checks as shared;
use super::slurm::SlurmOptions;
use crate::error::ScenarioError;
use crate::input::{self, Problems};
use crate::scenario::overrides;
use crate::scenario::{self, Scenario};

/// A checked sweep: every point's values, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Sweep {
    pub file: PathBuf,
    pub base: Scenario,
    pub replications: u64,
    pub seed: u64,
    pub design: Design,
    /// Varied paths, in file order.
    pub paths: Vec<String>,
    /// Per point, one value per path.
    pub points: Vec<Vec<Value>>,
    pub metrics: Vec<String>,
    /// SHA-256 of the sweep file and the base scenario chain: identifies the sweep for resume and
    /// merge.
    pub identity: String,
    /// Scheduler settings for `--emit-slurm` (the `[slurm]` table).
    pub slurm: SlurmOptions,
}

impl Sweep {
    pub(crate) fn runs(&self) -> u64 {
        self.points.len() as u64 * self.replications
    }
    /// (point, replication) of run `i`: runs are numbered point-major.
    pub(crate) fn run_of(&self, i: u64) -> (usize, u64) {
        ((i / self.replications) as usize, i % self.replications)
    }
    /// The scenario of one point.
    pub(crate) fn scenario(&self, point: usize) -> Result<Scenario, ScenarioError> {
        let overrides: Vec<(String, Value)> = self
            .paths
            .iter()
            .cloned()
            .zip(self.points[point].iter().cloned())
            .collect();
        overrides::with_overrides(
            &self.base,
            &overrides,
            &format!("{} point {point}", self.file.display()),
        )
    }
}

/// Read and check a sweep file: every problem of its sections at once, then the design's points,
/// then every point as a scenario.
pub(crate) fn load(file: &Path) -> Result<Sweep, ScenarioError> {
    let source = input::read(file, "sweep")?;
    let mut p = Problems::default();
    let parts: SweepParts = input::read_parts(&source.table, &mut p);
    let dir = file.parent().unwrap_or(Path::new("."));
    let base = parts
        .base
        .as_deref()
        .and_then(|b| scenario::load_named(&mut p, "base", b, &dir.join(b)));
    if let Some(r) = parts.replications {
        shared::replications(&mut p, r);
    }
    let max_runs = parts.max_runs.map(|m| shared::max_runs(&mut p, m));
    if let (Some(d), Some(params)) = (&parts.design, &parts.parameters) {
        checks::parameters_given(&mut p, &d.kind, params);
    }
    let likes = match (&base, &parts.parameters) {
        (Some(b), Some(params)) => checks::parameter_paths(&mut p, &b.loaded.merged, params),
        (_, Some(params)) => vec![None; params.len()],
        (_, None) => Vec::new(),
    };
    let ranges = match (&parts.design, &parts.parameters) {
        (Some(d), Some(params)) => Some(checks::ranges(&mut p, &d.kind, params, &likes)),
        _ => None,
    };
    let metrics = parts
        .metrics
        .as_ref()
        .map(|m| checks::metrics(&mut p, m.as_deref()));
    if let Some(d) = &parts.design {
        checks::design_fields(&mut p, d);
    }
    let slurm = parts
        .slurm
        .as_ref()
        .map(|s| checks::slurm(&mut p, s.as_ref()));
    let (
        Some(base),
        Some(replications),
        Some(seed),
        Some(max_runs),
        Some(metrics),
        Some(design),
        Some(parameters),
        Some(ranges),
        Some(slurm),
    ) = (
        base,
        parts.replications,
        parts.seed,
        max_runs,
        metrics,
        parts.design,
        parts.parameters,
        ranges,
        slurm,
    )
    else {
        return Err(p.into_error(file));
    };
    p.refuse_if_any(file)?;

    let likes: Vec<Value> = likes.into_iter().flatten().collect();
    let plan = Plan {
        dir,
        design: &design,
        parameters: &parameters,
        likes: &likes,
        ranges: &ranges,
        base: &base.loaded.merged,
        replications,
        max_runs,
        seed,
    };
    let Some(Points {
        design,
        paths,
        points,
    }) = points::points(&mut p, &plan)
    else {
        return Err(p.into_error(file));
    };
    let paths = paths.unwrap_or_else(|| parameters.iter().map(|q| q.path.clone()).collect());
    let identity = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(&source.bytes);
        for (_, b) in &base.loaded.sources {
            h.update(b);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    };
    let sweep = Sweep {
        file: file.to_path_buf(),
        base,
        replications,
        seed,
        design,
        paths,
        points,
        metrics,
        identity,
        slurm,
    };
    // Every point must be a valid scenario: refuse the sweep before anything runs.
    for p in 0..sweep.points.len() {
        sweep.scenario(p)?;
    }
    Ok(sweep)
}
