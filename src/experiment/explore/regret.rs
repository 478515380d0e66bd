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
    /// 95% interval of the mean over the futures (Student t: the futures as a sample of the
    /// futures the design draws from).
    pub mean_ci: (f64, f64),
    /// 95% interval of `beats_baseline_share` (Wilson score interval).
    pub beats_ci: (f64, f64),
    /// 95% interval of `mean_regret` (Student t).
    pub mean_regret_ci: (f64, f64),
    /// The same figures over the first half of the futures only (a convergence check).
    pub first_half: HalfFigures,
    /// Whether the first half's mean, share and mean regret each lie inside the 95% interval of
    /// all the futures': if not, more futures would still move the answer.
    pub converged: bool,
}

/// Mean, beats-baseline share and mean regret over the first half of the futures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HalfFigures {
    pub mean: f64,
    pub beats_baseline_share: f64,
    pub mean_regret: f64,
}

/// The Wilson score 95% interval of a share of `k` successes in `n` trials ((NaN, NaN) for
/// n = 0): unlike the normal interval, it stays within [0, 1] and is not empty at 0 or n.
pub(crate) fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let z = 1.959_963_984_540_054;
    let (n, p) = (n as f64, k as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
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
    let figures = |n: usize| {
        let pairs: Vec<f64> = values[..n]
            .iter()
            .zip(baseline)
            .filter(|(v, b)| !v.is_nan() && !b.is_nan())
            .map(|(&v, &b)| direction.improvement(v, b))
            .collect();
        let beats = pairs.iter().filter(|&&d| d >= threshold && d > 0.0).count();
        let r: Vec<f64> = regret[..n]
            .iter()
            .copied()
            .filter(|x| !x.is_nan())
            .collect();
        (beats, pairs.len(), r)
    };
    let share = |k: usize, n: usize| {
        if n == 0 {
            f64::NAN
        } else {
            k as f64 / n as f64
        }
    };
    let (beats, pairs, r) = figures(values.len());
    let ri = crate::stats::interval(&r);
    let mean_regret = if r.is_empty() { f64::NAN } else { ri.mean };
    let (half_beats, half_pairs, half_r) = figures(values.len() / 2);
    let half_values: Vec<f64> = values[..values.len() / 2]
        .iter()
        .copied()
        .filter(|x| !x.is_nan())
        .collect();
    let first_half = HalfFigures {
        mean: crate::stats::interval(&half_values).mean,
        beats_baseline_share: share(half_beats, half_pairs),
        mean_regret: if half_r.is_empty() {
            f64::NAN
        } else {
            half_r.iter().sum::<f64>() / half_r.len() as f64
        },
    };
    let beats_ci = wilson(beats, pairs);
    // Inside an interval, or both undefined; an interval of zero width holds its own value.
    let inside = |x: f64, (lo, hi): (f64, f64), whole: f64| {
        (x.is_nan() && whole.is_nan()) || (x >= lo - 1e-12 && x <= hi + 1e-12) || x == whole
    };
    let converged = values.len() >= 4
        && inside(first_half.mean, (s.low, s.high), s.mean)
        && inside(
            first_half.beats_baseline_share,
            beats_ci,
            share(beats, pairs),
        )
        && inside(first_half.mean_regret, (ri.low, ri.high), mean_regret);
    Robustness {
        futures: have.len(),
        mean: s.mean,
        sd: s.sd,
        percentiles: percentiles.iter().map(|&q| percentile(&have, q)).collect(),
        beats_baseline_share: share(beats, pairs),
        mean_regret,
        max_regret: r.iter().copied().fold(f64::NAN, f64::max),
        mean_ci: (s.low, s.high),
        beats_ci,
        mean_regret_ci: (ri.low, ri.high),
        first_half,
        converged,
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

    /// Wilson's interval against published values (Newcombe 1998, table I: 81/263 gives
    /// 0.2553 to 0.3662; 0/10 gives 0 to 0.2775).
    #[test]
    fn the_share_interval_is_wilsons() {
        let (lo, hi) = wilson(81, 263);
        assert!(
            (lo - 0.2553).abs() < 1e-4 && (hi - 0.3662).abs() < 1e-4,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0, 10);
        assert!(lo == 0.0 && (hi - 0.2775).abs() < 1e-4, "{hi}");
        assert!(wilson(0, 0).0.is_nan());
    }

    /// Figures that settle are converged; figures that still move between the first half of the
    /// futures and all of them are not.
    #[test]
    fn convergence_compares_the_first_half_with_all_the_futures() {
        let base = vec![10.0; 40];
        let steady: Vec<f64> = (0..40)
            .map(|f| if f % 2 == 0 { 8.0 } else { 12.0 })
            .collect();
        let zeros = vec![0.0; 40];
        let r = robustness(&steady, &base, &zeros, Direction::Lower, 0.0, &[50.0]);
        assert!(r.converged, "{r:?}");
        assert_eq!(r.beats_baseline_share, 0.5);
        assert!(r.beats_ci.0 < 0.5 && 0.5 < r.beats_ci.1);
        assert!(r.mean_ci.0 < 10.0 && 10.0 < r.mean_ci.1);
        // Beats the baseline in every future of the first half, in none of the second.
        let drifting: Vec<f64> = (0..40).map(|f| if f < 20 { 8.0 } else { 12.0 }).collect();
        let r = robustness(&drifting, &base, &zeros, Direction::Lower, 0.0, &[50.0]);
        assert!(!r.converged, "{r:?}");
        assert_eq!(r.first_half.beats_baseline_share, 1.0);
    }
}
