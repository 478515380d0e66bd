//! Calibration by approximate Bayesian computation (rejection): the candidates drawn from the
//! priors, the distance of a candidate to the fitted targets, which candidates are accepted, and
//! the posterior summary.

use super::{Calibration, Parameter};
use crate::experiment::design;
use crate::experiment::targets::{Qualifier, Target};
use crate::rng::{self, Stream};

/// The stream that draws the candidates: replication and child are fixed (and differ from a
/// sweep's design stream), so the candidates depend only on the calibration's seed.
fn candidate_stream(seed: u64) -> Stream {
    rng::stream(seed, u64::MAX, u64::MAX - 1, rng::Purpose::Arrivals)
}

/// `n` candidates: a Latin hypercube in the unit cube mapped through each parameter's prior
/// quantile function (so every prior is stratified) in the latent space where it is uniform (a
/// whole number on `[a, b]` takes each of its values with equal weight).
pub(crate) fn draw_candidates(
    parameters: &[Parameter],
    n: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, design::DesignError> {
    let unit = design::latin_hypercube(n, parameters.len(), &mut candidate_stream(seed))?;
    Ok(unit
        .iter()
        .map(|u| {
            parameters
                .iter()
                .zip(u)
                .map(|(p, &x)| {
                    let d = p.dim();
                    d.value(d.at(x))
                })
                .collect()
        })
        .collect())
}

/// The error of `model` against a target, as counted in the distance: the relative error for a
/// point value ("about"); for a bound ("more_than", "less_than") only an error on the wrong side
/// of the bound counts, so every value that meets the bound is a perfect fit.
pub(crate) fn fit_error(t: &Target, model: f64) -> f64 {
    let e = t.relative_error(model);
    match t.qualifier {
        Qualifier::About => e,
        Qualifier::MoreThan => e.min(0.0),
        Qualifier::LessThan => e.max(0.0),
    }
}

/// Root mean square of the fit errors of `means` (one per target of `fit`), each scaled by its
/// target's tolerance (the allowed relative error): a distance of 1 is a fit at the edge of every
/// tolerance band, and a figure published with a wide tolerance weighs less. A target the model
/// cannot evaluate (NaN, e.g. a share of zero) makes the distance infinite.
pub(crate) fn distance(fit: &[Target], means: &[f64]) -> f64 {
    if fit.is_empty() || means.len() != fit.len() {
        return f64::INFINITY;
    }
    let sum: f64 = fit
        .iter()
        .zip(means)
        .map(|(t, &m)| (fit_error(t, m) / t.raw.tolerance).powi(2))
        .sum();
    let d = (sum / fit.len() as f64).sqrt();
    if d.is_nan() {
        f64::INFINITY
    } else {
        d
    }
}

/// The `count` candidates nearest the targets, best first: sorted by distance, ties broken by
/// candidate index. Failed candidates (`None`) are never accepted; if fewer than `count`
/// succeeded, all of them are returned.
pub(crate) fn accept(distances: &[Option<f64>], count: usize) -> Vec<usize> {
    let mut ok: Vec<(f64, usize)> = distances
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.map(|d| (if d.is_nan() { f64::INFINITY } else { d }, i)))
        .collect();
    ok.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    ok.into_iter().take(count).map(|x| x.1).collect()
}

/// A posterior summary of one parameter over the accepted candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Posterior {
    pub mean: f64,
    pub median: f64,
    /// 2.5% and 97.5% percentiles: the 95% posterior interval.
    pub low: f64,
    pub high: f64,
}

pub(crate) use crate::stats::quantile;

/// Mean, median and 95% interval of `values` (the sum is taken in the order given).
pub(crate) fn posterior(values: &[f64]) -> Posterior {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mean = if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    };
    Posterior {
        mean,
        median: quantile(&sorted, 0.5),
        low: quantile(&sorted, 0.025),
        high: quantile(&sorted, 0.975),
    }
}

/// Per parameter, the posterior summary over the accepted candidates.
pub(crate) fn posteriors(cal: &Calibration, accepted: &[usize]) -> Vec<Posterior> {
    (0..cal.parameters.len())
        .map(|j| {
            let v: Vec<f64> = accepted.iter().map(|&c| cal.candidates[c][j]).collect();
            posterior(&v)
        })
        .collect()
}

/// The fitted values: the posterior medians, snapped to each parameter's type.
pub(crate) fn fitted(cal: &Calibration, posteriors: &[Posterior]) -> Vec<f64> {
    cal.parameters
        .iter()
        .zip(posteriors)
        .map(|(p, q)| p.snap(q.median))
        .collect()
}
