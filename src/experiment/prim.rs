//! Scenario discovery: the Patient Rule Induction Method (PRIM) of Friedman and Fisher (1999, "Bump
//! hunting in high-dimensional data") as Bryant and Lempert (2010, "Thinking inside the box") use
//! it, and a simple feature score. Written from the papers; pure (no I/O).
//!
//! The data are `n` futures, each a point `x` of `k` uncertain values, and whether the condition of
//! interest holds there (`y`, a *case*). A box is a set of intervals, one per dimension. Of a box:
//! - *coverage*: the share of all cases that lie inside it;
//! - *density*: the share of the points inside it that are cases;
//! - *mass*: the share of all points inside it.
//!
//! **Peeling** starts from the box of all the data and, step by step, cuts off a slice of about
//! `peel_alpha` of the points still inside from one side (low or high) of one dimension, choosing
//! among the `2k` candidate slices the one whose remaining box has the highest density (ties: the
//! one that keeps more points, then the lower dimension, then the low side). It stops before the
//! mass would fall below `min_mass`, when the density reaches 1, or when no slice can be cut. The
//! sequence of boxes is the *peeling trajectory*: coverage falls and density (mostly) rises along
//! it, and the analyst picks a box on that trade-off curve (Bryant and Lempert).
//!
//! **Pasting** then grows the chosen box again: for each side of each restricted dimension it tries
//! to take back about `paste_alpha` of the box's points among those outside on that side only, and
//! keeps the best candidate (highest density, then more points) while it raises the density, or
//! keeps the density and adds cases; it stops when no candidate does.
//!
//! Limits are data values: a box keeps the points with `lo[j] <= x[j] <= hi[j]` in every dimension.

/// Options of [`peel`] and [`paste`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PrimOptions {
    /// Share of the box's points cut off at each peeling step (Friedman and Fisher: 0.05-0.1).
    pub peel_alpha: f64,
    /// Share of the box's points taken back at each pasting step.
    pub paste_alpha: f64,
    /// Peeling stops before a box holds fewer than this share of all points.
    pub min_mass: f64,
}

impl Default for PrimOptions {
    fn default() -> Self {
        PrimOptions {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            min_mass: 0.05,
        }
    }
}

/// Why PRIM cannot run on the data given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum PrimError {
    #[error("no data: at least 2 futures are needed")]
    TooFew,
    #[error("{what} = {value}: must be in (0, 1)")]
    BadOption { what: &'static str, value: f64 },
    #[error("x has {x} rows but y has {y} values")]
    LengthMismatch { x: usize, y: usize },
    #[error("x[{row}][{column}] = {value}: every value must be finite")]
    NonFinite {
        row: usize,
        column: usize,
        value: f64,
    },
    #[error("rows have different lengths (row {row} has {found}, row 0 has {expected})")]
    Ragged {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("the condition holds in none of the futures: there is nothing to find")]
    NoCases,
}

/// A box: inclusive limits per dimension.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PrimBox {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

impl PrimBox {
    /// Whether `p` lies inside.
    pub(crate) fn contains(&self, p: &[f64]) -> bool {
        p.iter()
            .zip(self.lo.iter().zip(&self.hi))
            .all(|(&v, (&lo, &hi))| v >= lo && v <= hi)
    }
}

/// The statistics of a box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BoxStats {
    /// Points inside.
    pub points: usize,
    /// Cases inside.
    pub cases: usize,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
}

/// One step of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub limits: PrimBox,
    pub stats: BoxStats,
    /// Dimensions whose limits are inside the data's range.
    pub restricted: Vec<usize>,
}

/// Checked data: rows of `k` finite values and the case indicator.
struct Data<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    k: usize,
    cases: usize,
}

fn check<'a>(x: &'a [Vec<f64>], y: &'a [bool]) -> Result<Data<'a>, PrimError> {
    if x.len() != y.len() {
        return Err(PrimError::LengthMismatch {
            x: x.len(),
            y: y.len(),
        });
    }
    if x.len() < 2 {
        return Err(PrimError::TooFew);
    }
    let k = x[0].len();
    for (row, p) in x.iter().enumerate() {
        if p.len() != k {
            return Err(PrimError::Ragged {
                row,
                expected: k,
                found: p.len(),
            });
        }
        if let Some(column) = p.iter().position(|v| !v.is_finite()) {
            return Err(PrimError::NonFinite {
                row,
                column,
                value: p[column],
            });
        }
    }
    let cases = y.iter().filter(|&&c| c).count();
    if cases == 0 {
        return Err(PrimError::NoCases);
    }
    Ok(Data { x, y, k, cases })
}

fn check_alpha(what: &'static str, value: f64) -> Result<(), PrimError> {
    if value.is_finite() && value > 0.0 && value < 1.0 {
        Ok(())
    } else {
        Err(PrimError::BadOption { what, value })
    }
}

/// The box of all the data: each dimension's minimum and maximum.
pub(crate) fn data_box(x: &[Vec<f64>]) -> PrimBox {
    let k = x.first().map_or(0, |p| p.len());
    let mut lo = vec![f64::INFINITY; k];
    let mut hi = vec![f64::NEG_INFINITY; k];
    for p in x {
        for j in 0..k {
            lo[j] = lo[j].min(p[j]);
            hi[j] = hi[j].max(p[j]);
        }
    }
    PrimBox { lo, hi }
}

/// Coverage, density and mass of `b` (`total_cases` > 0).
pub(crate) fn box_stats(x: &[Vec<f64>], y: &[bool], b: &PrimBox) -> BoxStats {
    let total_cases = y.iter().filter(|&&c| c).count();
    let (mut points, mut cases) = (0usize, 0usize);
    for (p, &c) in x.iter().zip(y) {
        if b.contains(p) {
            points += 1;
            cases += usize::from(c);
        }
    }
    stats_of(points, cases, total_cases, x.len())
}

fn stats_of(points: usize, cases: usize, total_cases: usize, n: usize) -> BoxStats {
    BoxStats {
        points,
        cases,
        coverage: if total_cases == 0 {
            f64::NAN
        } else {
            cases as f64 / total_cases as f64
        },
        density: if points == 0 {
            f64::NAN
        } else {
            cases as f64 / points as f64
        },
        mass: points as f64 / n as f64,
    }
}

/// The dimensions of `b` restricted against the data's box `full`.
pub(crate) fn restricted(b: &PrimBox, full: &PrimBox) -> Vec<usize> {
    (0..b.lo.len())
        .filter(|&j| b.lo[j] > full.lo[j] || b.hi[j] < full.hi[j])
        .collect()
}

/// A candidate cut: the box after it, with its counts.
struct Candidate {
    limits: PrimBox,
    points: usize,
    cases: usize,
}

impl Candidate {
    fn density(&self) -> f64 {
        self.cases as f64 / self.points as f64
    }
    /// Whether `self` is a better peel than `other` (higher density, then more points kept).
    fn better(&self, other: &Candidate) -> bool {
        let (a, b) = (self.density(), other.density());
        a > b || (a == b && self.points > other.points)
    }
}

/// The peel of side `high` of dimension `j` of the box holding `inside` (indices of points).
fn peel_candidate(
    d: &Data,
    b: &PrimBox,
    inside: &[usize],
    j: usize,
    high: bool,
    alpha: f64,
) -> Option<Candidate> {
    let mut vals: Vec<f64> = inside.iter().map(|&i| d.x[i][j]).collect();
    vals.sort_by(f64::total_cmp);
    if high {
        vals.reverse();
    }
    let m = ((alpha * inside.len() as f64).floor() as usize).max(1);
    // Cut every point at or beyond the m-th value from this side (ties go together).
    let cut = vals[m - 1];
    let beyond = |v: f64| if high { v >= cut } else { v <= cut };
    let keep = vals.iter().position(|&v| !beyond(v))?;
    let new_limit = vals[keep];
    let mut limits = b.clone();
    if high {
        limits.hi[j] = new_limit;
    } else {
        limits.lo[j] = new_limit;
    }
    let (mut points, mut cases) = (0, 0);
    for &i in inside {
        if !beyond(d.x[i][j]) {
            points += 1;
            cases += usize::from(d.y[i]);
        }
    }
    Some(Candidate {
        limits,
        points,
        cases,
    })
}

/// The peeling trajectory: step 0 is the box of all the data.
pub(crate) fn peel(x: &[Vec<f64>], y: &[bool], opts: &PrimOptions) -> Result<Vec<Step>, PrimError> {
    let d = check(x, y)?;
    check_alpha("peel_alpha", opts.peel_alpha)?;
    check_alpha("min_mass", opts.min_mass)?;
    let n = x.len();
    let full = data_box(x);
    let mut b = full.clone();
    let mut inside: Vec<usize> = (0..n).collect();
    let mut steps = vec![Step {
        limits: b.clone(),
        stats: stats_of(n, d.cases, d.cases, n),
        restricted: Vec::new(),
    }];
    loop {
        let current = steps.last().expect("a first step").stats;
        if current.density >= 1.0 {
            break;
        }
        let mut best: Option<Candidate> = None;
        for j in 0..d.k {
            for high in [false, true] {
                if let Some(c) = peel_candidate(&d, &b, &inside, j, high, opts.peel_alpha) {
                    if best.as_ref().is_none_or(|bc| c.better(bc)) {
                        best = Some(c);
                    }
                }
            }
        }
        let Some(c) = best else { break };
        if (c.points as f64) < opts.min_mass * n as f64 || c.points == 0 {
            break;
        }
        b = c.limits;
        inside.retain(|&i| b.contains(&x[i]));
        steps.push(Step {
            restricted: restricted(&b, &full),
            stats: stats_of(c.points, c.cases, d.cases, n),
            limits: b.clone(),
        });
    }
    Ok(steps)
}

/// Paste `start` (a box of the trajectory of the same data): grow it while a paste raises its
/// density.
pub(crate) fn paste(
    x: &[Vec<f64>],
    y: &[bool],
    start: &PrimBox,
    alpha: f64,
) -> Result<PrimBox, PrimError> {
    let d = check(x, y)?;
    check_alpha("paste_alpha", alpha)?;
    let mut b = start.clone();
    let mut stats = box_stats(x, y, &b);
    for _ in 0..10_000 {
        let mut best: Option<Candidate> = None;
        for j in 0..d.k {
            for high in [false, true] {
                // Points outside the box on this side of dimension j only.
                let mut outside: Vec<f64> = (0..x.len())
                    .filter(|&i| {
                        let v = x[i][j];
                        let beyond = if high { v > b.hi[j] } else { v < b.lo[j] };
                        beyond
                            && (0..d.k)
                                .all(|l| l == j || (x[i][l] >= b.lo[l] && x[i][l] <= b.hi[l]))
                    })
                    .map(|i| x[i][j])
                    .collect();
                if outside.is_empty() {
                    continue;
                }
                outside.sort_by(f64::total_cmp);
                if !high {
                    outside.reverse();
                }
                let m = ((alpha * stats.points.max(1) as f64).floor() as usize)
                    .max(1)
                    .min(outside.len());
                let mut limits = b.clone();
                if high {
                    limits.hi[j] = outside[m - 1];
                } else {
                    limits.lo[j] = outside[m - 1];
                }
                let s = box_stats(x, y, &limits);
                let c = Candidate {
                    limits,
                    points: s.points,
                    cases: s.cases,
                };
                if best.as_ref().is_none_or(|bc| c.better(bc)) {
                    best = Some(c);
                }
            }
        }
        // A paste is kept if it raises the density, or keeps it and adds cases (coverage).
        match best {
            Some(c)
                if c.density() > stats.density
                    || (c.density() == stats.density && c.cases > stats.cases) =>
            {
                b = c.limits;
                stats = box_stats(x, y, &b);
            }
            _ => break,
        }
    }
    Ok(b)
}

/// The step to choose by default: the highest density among the boxes whose coverage is at least
/// `min_coverage` (ties: the higher coverage, then the earlier step); step 0 if none.
pub(crate) fn choose(steps: &[Step], min_coverage: f64) -> usize {
    let mut best = 0;
    for (i, s) in steps.iter().enumerate() {
        if s.stats.coverage + 1e-12 < min_coverage {
            continue;
        }
        let b = &steps[best].stats;
        if s.stats.density > b.density
            || (s.stats.density == b.density && s.stats.coverage > b.coverage)
        {
            best = i;
        }
    }
    best
}

/// For each restricted dimension of `b`: the box's coverage and density with that dimension's
/// restriction dropped (its limits set back to the data's). A restriction whose removal barely
/// lowers the density adds little and may be dropped from the description of the scenario.
pub(crate) fn without_each(x: &[Vec<f64>], y: &[bool], b: &PrimBox) -> Vec<(usize, BoxStats)> {
    let full = data_box(x);
    restricted(b, &full)
        .into_iter()
        .map(|j| {
            let mut wider = b.clone();
            wider.lo[j] = full.lo[j];
            wider.hi[j] = full.hi[j];
            (j, box_stats(x, y, &wider))
        })
        .collect()
}

/// A feature score of one uncertain parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Score {
    /// The correlation ratio η² = Var(E[y | x_j]) / Var(y), the conditional means taken over bins
    /// of x_j: the share of the outcome's variance that x_j explains alone (a given-data estimate
    /// of the first-order Sobol index). 0 when the outcome does not vary.
    pub eta_squared: f64,
    /// What η² is expected to be when x_j does not matter at all: (bins - 1) / (n - 1).
    pub null_level: f64,
    pub bins: usize,
}

/// The feature score of every column of `x` for the outcome `y` (n values). Bins: the distinct
/// values of x_j if there are at most `b = clamp(round(sqrt(n)), 2, 50)` of them, otherwise `b`
/// bins of equal counts over the points sorted by x_j (ties kept in the points' order).
pub(crate) fn feature_scores(x: &[Vec<f64>], y: &[f64]) -> Vec<Score> {
    let n = y.len();
    let k = x.first().map_or(0, |p| p.len());
    let mean = y.iter().sum::<f64>() / n.max(1) as f64;
    let total: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    let b = ((n as f64).sqrt().round() as usize).clamp(2, 50);
    (0..k)
        .map(|j| {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &c| x[a][j].total_cmp(&x[c][j]).then(a.cmp(&c)));
            let mut distinct: Vec<f64> = order.iter().map(|&i| x[i][j]).collect();
            distinct.dedup();
            // Groups of point indices.
            let groups: Vec<Vec<usize>> = if distinct.len() <= b {
                distinct
                    .iter()
                    .map(|&v| order.iter().copied().filter(|&i| x[i][j] == v).collect())
                    .collect()
            } else {
                (0..b)
                    .map(|g| order[g * n / b..(g + 1) * n / b].to_vec())
                    .filter(|g| !g.is_empty())
                    .collect()
            };
            let between: f64 = groups
                .iter()
                .map(|g| {
                    let m = g.iter().map(|&i| y[i]).sum::<f64>() / g.len() as f64;
                    g.len() as f64 * (m - mean) * (m - mean)
                })
                .sum();
            let bins = groups.len();
            Score {
                eta_squared: if total > 0.0 { between / total } else { 0.0 },
                null_level: if n > 1 {
                    (bins.saturating_sub(1)) as f64 / (n - 1) as f64
                } else {
                    f64::NAN
                },
                bins,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;
    use rand::{Rng, SeedableRng};

    fn uniform(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut r = Stream::seed_from_u64(seed);
        (0..n)
            .map(|_| (0..k).map(|_| r.random::<f64>()).collect())
            .collect()
    }

    #[test]
    fn coverage_density_and_mass_are_counted_exactly() {
        let x = vec![vec![0.1], vec![0.2], vec![0.3], vec![0.4], vec![0.5]];
        let y = vec![false, true, true, false, true];
        let b = PrimBox {
            lo: vec![0.15],
            hi: vec![0.35],
        };
        let s = box_stats(&x, &y, &b);
        assert_eq!((s.points, s.cases), (2, 2));
        assert_eq!(s.coverage, 2.0 / 3.0);
        assert_eq!(s.density, 1.0);
        assert_eq!(s.mass, 0.4);
        let all = box_stats(&x, &y, &data_box(&x));
        assert_eq!((all.coverage, all.density, all.mass), (1.0, 0.6, 1.0));
    }

    #[test]
    fn prim_recovers_a_box_the_condition_holds_in_exactly() {
        // Cases exactly in [0.2, 0.6] x [0.3, 0.9] of 5 uniform dimensions; the other three do
        // not matter.
        let x = uniform(4000, 5, 7);
        let inside = |p: &[f64]| (0.2..=0.6).contains(&p[0]) && (0.3..=0.9).contains(&p[1]);
        let y: Vec<bool> = x.iter().map(|p| inside(p)).collect();
        let steps = peel(&x, &y, &PrimOptions::default()).unwrap();
        // The trajectory starts from all the data; coverage never rises; the last box is pure.
        assert_eq!(steps[0].stats.coverage, 1.0);
        assert!((steps[0].stats.density - 0.24).abs() < 0.03);
        for w in steps.windows(2) {
            assert!(w[1].stats.coverage <= w[0].stats.coverage);
            assert!(w[1].stats.mass < w[0].stats.mass);
        }
        let last = steps.last().unwrap();
        assert_eq!(last.stats.density, 1.0);
        let chosen = choose(&steps, 0.9);
        let s = &steps[chosen];
        assert!(
            s.stats.coverage >= 0.9 && s.stats.density > 0.9,
            "{:?}",
            s.stats
        );
        let b = paste(&x, &y, &s.limits, 0.05).unwrap();
        let st = box_stats(&x, &y, &b);
        assert!(st.density >= s.stats.density);
        assert!(st.coverage > 0.9 && st.density > 0.9, "{st:?}");
        for (j, (lo, hi)) in [(0.2, 0.6), (0.3, 0.9)].into_iter().enumerate() {
            assert!((b.lo[j] - lo).abs() < 0.03, "dim {j}: {b:?}");
            assert!((b.hi[j] - hi).abs() < 0.03, "dim {j}: {b:?}");
        }
        // The dimensions that do not matter are left (almost) free: in the chosen box, dropping
        // their restriction (if any) changes the density very little, and the two real ones are
        // restricted.
        let full = data_box(&x);
        let r = restricted(&b, &full);
        assert!(r.contains(&0) && r.contains(&1), "{r:?}");
        for (j, without) in without_each(&x, &y, &b) {
            if j >= 2 {
                assert!(st.density - without.density < 0.05, "{j}: {without:?}");
            } else {
                assert!(st.density - without.density > 0.2, "{j}: {without:?}");
            }
        }
    }

    #[test]
    fn pasting_takes_back_what_peeling_cut_too_far() {
        // A box cut too tight on one side of the true box grows back to the true limit.
        let x = uniform(3000, 2, 9);
        let y: Vec<bool> = x.iter().map(|p| p[0] <= 0.5).collect();
        let tight = PrimBox {
            lo: vec![0.0, 0.0],
            hi: vec![0.3, 1.0],
        };
        let b = paste(&x, &y, &tight, 0.05).unwrap();
        assert!((b.hi[0] - 0.5).abs() < 0.01, "{b:?}");
        assert_eq!(box_stats(&x, &y, &b).density, 1.0);
    }

    #[test]
    fn choosing_takes_the_densest_box_with_enough_coverage() {
        let step = |coverage: f64, density: f64| Step {
            limits: PrimBox {
                lo: vec![],
                hi: vec![],
            },
            stats: BoxStats {
                points: 1,
                cases: 1,
                coverage,
                density,
                mass: 1.0,
            },
            restricted: vec![],
        };
        let steps = vec![
            step(1.0, 0.2),
            step(0.9, 0.5),
            step(0.7, 0.8),
            step(0.4, 1.0),
        ];
        assert_eq!(choose(&steps, 0.5), 2);
        assert_eq!(choose(&steps, 0.95), 0);
        assert_eq!(choose(&steps, 0.0), 3);
    }

    #[test]
    fn bad_data_is_refused() {
        assert_eq!(
            peel(&[vec![0.0]], &[true], &PrimOptions::default()),
            Err(PrimError::TooFew)
        );
        assert_eq!(
            peel(
                &[vec![0.0], vec![1.0]],
                &[false, false],
                &PrimOptions::default()
            ),
            Err(PrimError::NoCases)
        );
        assert!(matches!(
            peel(
                &[vec![0.0], vec![f64::NAN]],
                &[true, false],
                &PrimOptions::default()
            ),
            Err(PrimError::NonFinite { row: 1, .. })
        ));
        let bad = PrimOptions {
            peel_alpha: 1.5,
            ..PrimOptions::default()
        };
        assert!(matches!(
            peel(&[vec![0.0], vec![1.0]], &[true, false], &bad),
            Err(PrimError::BadOption { .. })
        ));
    }

    #[test]
    fn feature_scores_find_the_parameters_that_matter() {
        let x = uniform(2000, 4, 3);
        // y depends strongly on x0, weakly on x1, not on x2; x3 is a two-valued parameter.
        let x: Vec<Vec<f64>> = x
            .into_iter()
            .map(|mut p| {
                p[3] = if p[3] < 0.5 { 1.0 } else { 2.0 };
                p
            })
            .collect();
        let y: Vec<f64> = x
            .iter()
            .map(|p| 10.0 * p[0] + 2.0 * p[1] + 3.0 * (p[3] - 1.0))
            .collect();
        let s = feature_scores(&x, &y);
        // Exact shares of variance: 100/12, 4/12, 0, 9/4 over their sum.
        let v = [100.0 / 12.0, 4.0 / 12.0, 0.0, 9.0 / 4.0];
        let total: f64 = v.iter().sum();
        for j in 0..4 {
            assert!(
                (s[j].eta_squared - v[j] / total).abs() < 0.03,
                "{j}: {:?} vs {}",
                s[j],
                v[j] / total
            );
        }
        assert_eq!(s[3].bins, 2);
        assert_eq!(s[0].bins, 45);
        assert!(s[2].eta_squared < 3.0 * s[2].null_level + 0.01);
        // A constant outcome scores 0 everywhere.
        assert!(feature_scores(&x, &vec![1.0; 2000])
            .iter()
            .all(|s| s.eta_squared == 0.0));
    }
}
