//! Statistics across replications: means, standard deviations, 95% confidence intervals (Student t)
//! and t quantiles. Pure functions, used by `experiment` and `output` alike.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, standard deviation and 95% interval of the mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Interval {
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub low: f64,
    pub high: f64,
}

/// Two-sided 95% Student t quantile for `n - 1` degrees of freedom.
pub(crate) fn t95(n: usize) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    match StudentsT::new(0.0, 1.0, (n - 1) as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => f64::NAN,
    }
}

/// The `p` quantile of sorted values, interpolating linearly between order statistics
/// (Hyndman and Fan's type 7, the default of R and NumPy). NaN for no values.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Summarise values in the order given (the sum is taken serially, so it is reproducible).
pub(crate) fn interval(values: &[f64]) -> Interval {
    let n = values.len();
    if n == 0 {
        return Interval {
            n,
            mean: f64::NAN,
            sd: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Interval {
            n,
            mean,
            sd: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t95(n) * sd / (n as f64).sqrt();
    Interval {
        n,
        mean,
        sd,
        low: mean - half,
        high: mean + half,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantile_matches_tables() {
        assert!((t95(2) - 12.706).abs() < 1e-3);
        assert!((t95(10) - 2.262).abs() < 1e-3);
        assert!((t95(1000) - 1.962).abs() < 1e-3);
    }

    #[test]
    fn interval_of_known_values() {
        let i = interval(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(i.mean, 2.5);
        assert!((i.sd - 1.290_994).abs() < 1e-6);
        let half = 3.182_446 * 1.290_994 / 2.0;
        assert!((i.low - (2.5 - half)).abs() < 1e-4);
        assert!(interval(&[5.0]).low.is_nan());
    }
}
