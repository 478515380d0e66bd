//! Regret and robustness: how far each policy is behind the best one in each future, and its
//! outcome across futures (mean, percentiles, how often it beats the baseline).

use super::Direction;
use crate::experiment::design;

/// The regret of each policy in one future: how much worse its value is than the best policy's
/// there (0 for the best, never negative). `values[p]` is policy `p`'s value (NaN: no result).
/// Returns the regrets (NaN where the value is) and the index of the best policy (the first one on
/// ties), or `None` if no policy has a value.
pub(crate) fn regrets(values: &[f64], direction: Direction) -> (Vec<f64>, Option<usize>) {
    let mut best: Option<usize> = None;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        best = match best {
            None => Some(i),
            Some(b) if direction.improvement(v, values[b]) > 0.0 => Some(i),
            keep => keep,
        };
    }
    let out = values
        .iter()
        .map(|&v| match best {
            Some(b) if !v.is_nan() => direction.improvement(values[b], v).max(0.0),
            _ => f64::NAN,
        })
        .collect();
    (out, best)
}

/// The `q` percentile (0-100) of values, linear interpolation between order statistics.
pub(crate) fn percentile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    design::quantile_sorted(&v, q / 100.0)
}

/// One policy's robustness on one metric across futures.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Robustness {
    /// Futures with a value.
    pub futures: usize,
    pub mean: f64,
    pub sd: f64,
    /// The requested percentiles, in order.
    pub percentiles: Vec<f64>,
    /// Share of futures (with values for both) where the policy improves on the baseline by at
    /// least `threshold` and by more than zero.
    pub beats_baseline_share: f64,
    pub mean_regret: f64,
    pub max_regret: f64,
}

/// Robustness of a policy from its values per future, the baseline's values per future and its
/// regrets per future (NaN: no result in that future).
pub(crate) fn robustness(
    values: &[f64],
    baseline: &[f64],
    regret: &[f64],
    direction: Direction,
    threshold: f64,
    percentiles: &[f64],
) -> Robustness {
    let have: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    let s = crate::stats::interval(&have);
    let pairs: Vec<f64> = values
        .iter()
        .zip(baseline)
        .filter(|(v, b)| !v.is_nan() && !b.is_nan())
        .map(|(&v, &b)| direction.improvement(v, b))
        .collect();
    let beats = pairs.iter().filter(|&&d| d >= threshold && d > 0.0).count();
    let r: Vec<f64> = regret.iter().copied().filter(|x| !x.is_nan()).collect();
    Robustness {
        futures: have.len(),
        mean: s.mean,
        sd: s.sd,
        percentiles: percentiles.iter().map(|&q| percentile(&have, q)).collect(),
        beats_baseline_share: if pairs.is_empty() {
            f64::NAN
        } else {
            beats as f64 / pairs.len() as f64
        },
        mean_regret: if r.is_empty() {
            f64::NAN
        } else {
            r.iter().sum::<f64>() / r.len() as f64
        },
        max_regret: r.iter().copied().fold(f64::NAN, f64::max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regret_is_zero_for_the_best_and_never_negative() {
        let (r, best) = regrets(&[10.0, 7.0, 12.0, f64::NAN], Direction::Lower);
        assert_eq!(best, Some(1));
        assert_eq!(r[0], 3.0);
        assert_eq!(r[1], 0.0);
        assert_eq!(r[2], 5.0);
        assert!(r[3].is_nan());
        let (r, best) = regrets(&[10.0, 7.0, 12.0], Direction::Higher);
        assert_eq!(best, Some(2));
        assert_eq!(r, vec![2.0, 5.0, 0.0]);
        let (r, best) = regrets(&[f64::NAN, f64::NAN], Direction::Higher);
        assert_eq!(best, None);
        assert!(r.iter().all(|x| x.is_nan()));
        // Ties: the first best is named, both have zero regret.
        let (r, best) = regrets(&[5.0, 5.0], Direction::Lower);
        assert_eq!((r, best), (vec![0.0, 0.0], Some(0)));
    }

    #[test]
    fn robustness_counts_futures_that_beat_the_baseline_by_the_threshold() {
        let base = [100.0, 100.0, 100.0, 100.0];
        let reform = [90.0, 99.5, 101.0, 80.0];
        let regret = [0.0, 0.0, 1.0, 0.0];
        let r = robustness(&reform, &base, &regret, Direction::Lower, 5.0, &[50.0]);
        assert_eq!(r.futures, 4);
        assert_eq!(r.beats_baseline_share, 0.5);
        assert_eq!(r.max_regret, 1.0);
        assert_eq!(r.mean_regret, 0.25);
        assert_eq!(r.percentiles, vec![94.75]);
        let r0 = robustness(
            &reform,
            &base,
            &regret,
            Direction::Lower,
            0.0,
            &[0.0, 100.0],
        );
        assert_eq!(r0.beats_baseline_share, 0.75);
        assert_eq!(r0.percentiles, vec![80.0, 101.0]);
        // The baseline never beats itself.
        let rb = robustness(&base, &base, &[0.0; 4], Direction::Lower, 0.0, &[50.0]);
        assert_eq!(rb.beats_baseline_share, 0.0);
    }
}
