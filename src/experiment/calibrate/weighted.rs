//! Weighted statistics of a population of particles: quantiles, posterior summaries, mean and
//! standard deviation, correlation, and the log of a sum of exponentials.

/// `ln(sum(exp(x)))` without overflow.
pub(super) fn log_sum_exp(x: &[f64]) -> f64 {
    let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + x.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// The `p` quantile of `values` with `weights` (summing to 1): the smallest value whose
/// cumulative weight reaches `p`, interpolated between neighbours at the midpoints of their
/// weights (so that equal weights give the usual median). Values of weight 0 are left out.
pub(crate) fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .filter(|x| x.1 > 0.0)
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    if v.is_empty() {
        return f64::NAN;
    }
    let total: f64 = v.iter().map(|x| x.1).sum();
    // Midpoint of each value's share of the cumulative weight.
    let mut mids = Vec::with_capacity(v.len());
    let mut c = 0.0;
    for (_, w) in &v {
        mids.push((c + w / 2.0) / total);
        c += w;
    }
    if p <= mids[0] {
        return v[0].0;
    }
    if p >= mids[mids.len() - 1] {
        return v[v.len() - 1].0;
    }
    let i = mids.partition_point(|&m| m <= p);
    let (a, b) = (mids[i - 1], mids[i]);
    let t = if b > a { (p - a) / (b - a) } else { 0.0 };
    v[i - 1].0 + t * (v[i].0 - v[i - 1].0)
}

/// The weighted posterior summary of one parameter: weighted mean, median and 95% interval (the
/// 2.5% and 97.5% weighted quantiles).
pub(crate) fn weighted_posterior(values: &[f64], weights: &[f64]) -> super::Posterior {
    let total: f64 = weights.iter().sum();
    super::Posterior {
        mean: values.iter().zip(weights).map(|(x, w)| x * w).sum::<f64>() / total,
        median: weighted_quantile(values, weights, 0.5),
        low: weighted_quantile(values, weights, 0.025),
        high: weighted_quantile(values, weights, 0.975),
    }
}

/// Weighted mean and standard deviation.
pub(crate) fn weighted_mean_sd(x: &[f64], w: &[f64]) -> (f64, f64) {
    let total: f64 = w.iter().sum();
    let m = x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / total;
    let v = x
        .iter()
        .zip(w)
        .map(|(x, w)| w * (x - m).powi(2))
        .sum::<f64>()
        / total;
    (m, v.sqrt())
}

/// Weighted Pearson correlation of `x` and `y` (NaN if either does not vary).
pub(crate) fn weighted_correlation(x: &[f64], y: &[f64], w: &[f64]) -> f64 {
    let (mx, sx) = weighted_mean_sd(x, w);
    let (my, sy) = weighted_mean_sd(y, w);
    let total: f64 = w.iter().sum();
    let c = x
        .iter()
        .zip(y)
        .zip(w)
        .map(|((a, b), w)| w * (a - mx) * (b - my))
        .sum::<f64>()
        / total;
    if sx > 0.0 && sy > 0.0 {
        c / (sx * sy)
    } else {
        f64::NAN
    }
}
