//! A replication's values read through the catalogue: how the value of each metric is read from
//! the run's totals ([`Reader`]), the share both lens and pipeline metrics divide by
//! ([`ratio`]), and [`RunSummary::metrics`], every value in the catalogue's order.

use super::{built, Metric};
use crate::sim::core::summary::RunSummary;

/// How the value of one metric is read.
pub(super) type Reader = Box<dyn Fn(&RunSummary) -> f64 + Send + Sync>;

/// One metric of the catalogue with how its value is read.
pub(super) type Entry = (Metric, Reader);

/// `a / b`, or 0 when `b` is 0.
pub(super) fn ratio(a: f64, b: u64) -> f64 {
    if b > 0 {
        a / b as f64
    } else {
        0.0
    }
}

/// Every metric of `s` as (key, value), in the order of [`catalogue`](super::catalogue).
fn values(s: &RunSummary) -> Vec<(&'static str, f64)> {
    let c = built();
    c.metrics
        .iter()
        .zip(&c.readers)
        .map(|(m, read)| (m.key.as_str(), read(s)))
        .collect()
}

impl RunSummary {
    /// Every metric as (column name, value), in a fixed order: the catalogue's
    /// ([`catalogue`](super::catalogue), where each is declared with its label, unit and better
    /// direction). The one definition of the columns of `summary.csv` and of the printed table:
    /// the locatability metrics first, ICE (the acting agency) and pooled side by side, then the
    /// pipeline's counts, then the flows.
    pub fn metrics(&self) -> Vec<(&'static str, f64)> {
        values(self)
    }
}
