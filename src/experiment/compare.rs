//! Paired comparison of scenarios run with common random numbers: per metric, the difference of
//! each reform from the baseline with its 95% interval, and how much narrower pairing made it.

use crate::sim::RunSummary;
use crate::stats::{interval, t95, Interval};

/// One metric of one reform against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Difference {
    pub metric: &'static str,
    pub baseline: Interval,
    pub reform: Interval,
    /// Replication-by-replication difference (reform - baseline).
    pub difference: Interval,
    /// Half-width of the 95% interval of the difference had the runs not been paired.
    pub unpaired_half_width: f64,
}

impl Difference {
    pub(crate) fn paired_half_width(&self) -> f64 {
        (self.difference.high - self.difference.low) / 2.0
    }
    /// Unpaired over paired interval width: how many times narrower pairing made the interval
    /// (its square is the variance reduction). Infinite when the paired difference has no spread.
    pub(crate) fn width_ratio(&self) -> f64 {
        let p = self.paired_half_width();
        if p > 0.0 {
            self.unpaired_half_width / p
        } else if self.unpaired_half_width > 0.0 {
            f64::INFINITY
        } else {
            1.0
        }
    }
}

/// Differences of `reform` from `base` for every metric; both lists hold replications 0..n of
/// the same seed, in order.
pub(crate) fn paired(base: &[RunSummary], reform: &[RunSummary]) -> Vec<Difference> {
    let n = base.len().min(reform.len());
    let b: Vec<Vec<(&'static str, f64)>> = base[..n].iter().map(|s| s.metrics()).collect();
    let r: Vec<Vec<(&'static str, f64)>> = reform[..n].iter().map(|s| s.metrics()).collect();
    let Some(names) = b.first().map(|m| m.iter().map(|x| x.0).collect::<Vec<_>>()) else {
        return Vec::new();
    };
    names
        .iter()
        .enumerate()
        .map(|(i, &metric)| {
            let xb: Vec<f64> = b.iter().map(|m| m[i].1).collect();
            let xr: Vec<f64> = r.iter().map(|m| m[i].1).collect();
            let d: Vec<f64> = xr.iter().zip(&xb).map(|(x, y)| x - y).collect();
            let (ib, ir) = (interval(&xb), interval(&xr));
            let unpaired = t95(n) * ((ib.sd * ib.sd + ir.sd * ir.sd) / n as f64).sqrt();
            Difference {
                metric,
                baseline: ib,
                reform: ir,
                difference: interval(&d),
                unpaired_half_width: unpaired,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(released: u64, unl: u64) -> RunSummary {
        RunSummary {
            released,
            unlocatable_at_horizon: [0, unl, 0, 0],
            ..Default::default()
        }
    }

    #[test]
    fn pairing_removes_shared_noise() {
        // The reform removes exactly 10 unlocatable children in every replication, on top of
        // large replication-to-replication noise shared by both scenarios.
        let base: Vec<RunSummary> = [100, 300, 200, 500, 400]
            .iter()
            .map(|&u| run(1000, u))
            .collect();
        let reform: Vec<RunSummary> = [90, 290, 190, 490, 390]
            .iter()
            .map(|&u| run(1000, u))
            .collect();
        let d = paired(&base, &reform);
        let u = d
            .iter()
            .find(|x| x.metric == "unlocatable_by_ice_at_horizon")
            .unwrap();
        assert_eq!(u.difference.mean, -10.0);
        assert_eq!(u.paired_half_width(), 0.0);
        assert!(u.unpaired_half_width > 100.0);
        assert!(u.width_ratio().is_infinite());
        let r = d.iter().find(|x| x.metric == "released").unwrap();
        assert_eq!(r.difference.mean, 0.0);
        assert_eq!(r.width_ratio(), 1.0);
    }

    #[test]
    fn noisy_differences_have_intervals() {
        let base: Vec<RunSummary> = [100, 300, 200, 500].iter().map(|&u| run(1, u)).collect();
        let reform: Vec<RunSummary> = [95, 310, 180, 505].iter().map(|&u| run(1, u)).collect();
        let d = paired(&base, &reform);
        let u = d
            .iter()
            .find(|x| x.metric == "unlocatable_by_ice_at_horizon")
            .unwrap();
        assert!((u.difference.mean - (-2.5)).abs() < 1e-12);
        assert!(u.difference.low < -2.5 && u.difference.high > -2.5);
        assert!(u.width_ratio() > 1.0);
    }
}
