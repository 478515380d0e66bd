//! Summaries of a sweep's runs: per point, mean and 95% interval of every metric; for Morris and
//! Sobol designs, the sensitivity of each metric to each varied parameter.

use super::design::{self, MorrisIndex, SobolIndex};
use super::sweep::{Design, Sweep};
use crate::rng;
use crate::stats::{interval, Interval};

/// One point's results: successful replications' metric values (replication order) and failures.
#[derive(Debug, Clone, Default)]
pub(crate) struct PointRuns {
    pub ok: Vec<Vec<f64>>,
    pub failed: usize,
}

impl PointRuns {
    /// Mean and interval of each metric over the successful replications.
    pub(crate) fn summary(&self, n_metrics: usize) -> Vec<Interval> {
        (0..n_metrics)
            .map(|m| interval(&self.ok.iter().map(|r| r[m]).collect::<Vec<_>>()))
            .collect()
    }
}

/// Sensitivity of one metric to each parameter.
#[derive(Debug, Clone)]
pub(crate) enum Sensitivity {
    Morris(Vec<MorrisIndex>),
    Sobol(Vec<SobolIndex>),
}

impl Sensitivity {
    /// The ranking score of each factor: mu* (Morris) or the total index (Sobol).
    pub(crate) fn scores(&self) -> Vec<f64> {
        match self {
            Sensitivity::Morris(v) => v.iter().map(|x| x.mu_star).collect(),
            Sensitivity::Sobol(v) => v.iter().map(|x| x.st).collect(),
        }
    }
}

/// The stream for bootstrap resampling of Sobol intervals (fixed by the sweep's seed).
fn bootstrap_stream(seed: u64) -> rng::Stream {
    rng::stream(seed, u64::MAX, u64::MAX - 1, rng::Purpose::FollowUp)
}

/// Sensitivity of `y` (one value per point, in point order) for a Morris or Sobol sweep; `None`
/// for grid and Latin-hypercube designs.
pub(crate) fn sensitivity(
    sweep: &Sweep,
    y: &[f64],
) -> Option<Result<Sensitivity, design::DesignError>> {
    match &sweep.design {
        Design::Morris { design } => {
            Some(design::morris_analyze(design, y).map(Sensitivity::Morris))
        }
        Design::Sobol { samples, bootstrap } => {
            let mut r = bootstrap_stream(sweep.seed);
            Some(
                design::sobol_analyze(y, *samples, sweep.paths.len(), *bootstrap, &mut r)
                    .map(Sensitivity::Sobol),
            )
        }
        Design::Grid | Design::LatinHypercube | Design::Csv => None,
    }
}

/// Sobol indices estimated from the first `m` rows of each block of the design, or why not.
pub(crate) type SobolAtSize = (usize, Result<Vec<SobolIndex>, design::DesignError>);

/// Sobol indices of `y` (one value per point, in point order) from the first `m` rows of each block
/// of a Sobol sweep's design, for `m` = N/4, N/2 and N (those of at least 2 rows): how far the
/// indices still move as the sample grows. Each uses a fresh bootstrap stream of the sweep's seed,
/// so the row for N equals `sensitivity.csv`. `None` for other designs.
pub(crate) fn sobol_convergence(sweep: &Sweep, y: &[f64]) -> Option<Vec<SobolAtSize>> {
    let Design::Sobol { samples, bootstrap } = &sweep.design else {
        return None;
    };
    let (n, k) = (*samples, sweep.paths.len());
    let mut sizes: Vec<usize> = vec![n / 4, n / 2, n];
    sizes.retain(|&m| m >= 2);
    sizes.dedup();
    Some(
        sizes
            .into_iter()
            .map(|m| {
                let sub: Vec<f64> = if y.len() == n * (k + 2) {
                    (0..k + 2)
                        .flat_map(|block| y[block * n..block * n + m].iter().copied())
                        .collect()
                } else {
                    y.to_vec()
                };
                let mut r = bootstrap_stream(sweep.seed);
                (m, design::sobol_analyze(&sub, m, k, *bootstrap, &mut r))
            })
            .collect(),
    )
}
