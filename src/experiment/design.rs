//! Sampling designs in the unit hypercube `[0, 1]^k` and the sensitivity analyses that read them:
//! Latin hypercube, Morris elementary effects, Sobol indices from a Saltelli design, and full
//! factorial grids.
//!
//! Everything here is pure: no I/O and no printing. Every point is a `Vec<f64>` of length `k` with
//! coordinates in `[0, 1]`; the caller maps each coordinate to its parameter's range (and rescales
//! Morris effects if it wants them in parameter units). Every function that draws random numbers
//! takes the stream explicitly, draws in a fixed documented order and is therefore deterministic
//! for a given stream state. Indices are drawn as `u64` and converted, never as `usize`.

use rand::Rng;

use crate::rng::Stream;
use crate::stats::interval;

/// An invalid request to build or analyse a design.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum DesignError {
    /// `what` names the function, `arg` the argument, e.g. `latin_hypercube` and `n`.
    #[error("{what}: {arg} = 0: at least 1 is required")]
    ZeroSamples {
        what: &'static str,
        arg: &'static str,
    },
    #[error("{what}: k = 0: a design needs at least one factor")]
    NoFactors { what: &'static str },
    #[error("morris: levels = {levels}: must be an even number of at least 2 (e.g. 4, 6 or 8)")]
    BadLevels { levels: usize },
    #[error("sobol: bootstrap = 0: at least 1 resample is required")]
    ZeroBootstrap,
    #[error("{what}: y has {found} values but the design has {expected} points")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("{what}: y[{index}] = {value}: every model output must be finite")]
    NonFinite {
        what: &'static str,
        index: usize,
        value: f64,
    },
    #[error("grid: axis {axis} is empty: every axis needs at least one value")]
    EmptyAxis { axis: usize },
    #[error("{what}: the number of points overflows the address space")]
    TooLarge { what: &'static str },
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A uniformly random permutation of `0..n` (Fisher–Yates, drawing `u64` indices from the top).
fn permutation(n: usize, rng: &mut Stream) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i as u64) as usize;
        p.swap(i, j);
    }
    p
}

fn require_finite(what: &'static str, y: &[f64]) -> Result<(), DesignError> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(DesignError::NonFinite {
            what,
            index,
            value: y[index],
        }),
        None => Ok(()),
    }
}

/// `a * b` as a `usize`, or `TooLarge`.
fn checked_points(what: &'static str, a: usize, b: usize) -> Result<usize, DesignError> {
    a.checked_mul(b).ok_or(DesignError::TooLarge { what })
}

/// Refuse an empty design: `n` (named `arg`) samples of `k` factors, for function `what`.
pub(crate) fn check_size(
    what: &'static str,
    (arg, n): (&'static str, usize),
    k: usize,
) -> Result<(), DesignError> {
    if n == 0 {
        return Err(DesignError::ZeroSamples { what, arg });
    }
    if k == 0 {
        return Err(DesignError::NoFactors { what });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Latin hypercube
// ---------------------------------------------------------------------------------------------

/// A Latin hypercube sample of `n` points in `[0, 1)^k`.
///
/// Each dimension is cut into `n` strata `[s/n, (s+1)/n)`; every stratum of every dimension holds
/// exactly one point. For each dimension in turn (0 first) the stream draws a random permutation of
/// the strata, then one uniform jitter per point (point 0 first), and point `i` gets
/// `(perm[i] + jitter) / n`.
pub(crate) fn latin_hypercube(
    n: usize,
    k: usize,
    rng: &mut Stream,
) -> Result<Vec<Vec<f64>>, DesignError> {
    check_size("latin_hypercube", ("n", n), k)?;
    checked_points("latin_hypercube", n, k)?;
    let nf = n as f64;
    let mut points = vec![vec![0.0; k]; n];
    for j in 0..k {
        let perm = permutation(n, rng);
        for (point, &stratum) in points.iter_mut().zip(&perm) {
            let u: f64 = rng.random();
            let x = (stratum as f64 + u) / nf;
            // Rounding can carry `stratum + u` onto the next stratum's lower edge; keep it inside.
            let upper = (stratum + 1) as f64 / nf;
            point[j] = if x >= upper {
                f64::from_bits(upper.to_bits() - 1)
            } else {
                x
            };
        }
    }
    Ok(points)
}

// ---------------------------------------------------------------------------------------------
// Morris elementary effects
// ---------------------------------------------------------------------------------------------

/// One step of a Morris trajectory: which factor changed and by how much (in unit-cube units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MorrisStep {
    pub factor: usize,
    /// `+Δ` or `-Δ`.
    pub delta: f64,
}

/// A Morris design: `trajectories` trajectories of `k + 1` points each on the `levels`-level grid
/// `{0, 1/(p-1), ..., 1}`.
///
/// Trajectory `t` occupies points `t*(k+1) ..= t*(k+1) + k`; step `j` of trajectory `t`
/// (`steps()[t][j]`) leads from point `t*(k+1) + j` to point `t*(k+1) + j + 1`. Built only by
/// [`morris_design`], so the points and steps are always consistent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MorrisDesign {
    k: usize,
    levels: usize,
    delta: f64,
    points: Vec<Vec<f64>>,
    steps: Vec<Vec<MorrisStep>>,
}

impl MorrisDesign {
    /// The step size `Δ = p / (2 (p - 1))`.
    #[cfg(test)]
    pub(crate) fn delta(&self) -> f64 {
        self.delta
    }
    /// Number of trajectories `r`.
    pub(crate) fn trajectories(&self) -> usize {
        self.steps.len()
    }
    /// All `r * (k + 1)` points, trajectory by trajectory.
    pub(crate) fn points(&self) -> &[Vec<f64>] {
        &self.points
    }
    /// Per trajectory, the `k` steps in order.
    #[cfg(test)]
    pub(crate) fn steps(&self) -> &[Vec<MorrisStep>] {
        &self.steps
    }
}

/// Sensitivity of the output to one factor, from Morris elementary effects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MorrisIndex {
    pub factor: usize,
    /// Mean elementary effect (signed; effects of opposite sign cancel).
    pub mu: f64,
    /// Mean absolute elementary effect (Campolongo et al. 2007): the importance measure.
    pub mu_star: f64,
    /// Sample standard deviation of the elementary effects: non-linearity or interactions.
    /// NaN with one trajectory.
    pub sigma: f64,
    /// 95% Student t interval for `mu_star` over the `r` absolute effects. NaN with one trajectory.
    pub mu_star_low: f64,
    pub mu_star_high: f64,
}

/// A Morris (1991) design of `trajectories` one-at-a-time trajectories over `k` factors on a grid
/// of `levels` levels (`levels` even and at least 2), with `Δ = p / (2 (p - 1))`.
///
/// Per trajectory the stream draws, in this order: a random order of the factors, then for each
/// factor (0 first) a base level uniform over the `p/2` levels `{0, ..., 1 - Δ}` and a direction.
/// A factor moving up starts at its base level and moves to base + Δ; one moving down starts at
/// base + Δ and moves to the base level. All points therefore lie on the grid.
pub(crate) fn morris_design(
    trajectories: usize,
    k: usize,
    levels: usize,
    rng: &mut Stream,
) -> Result<MorrisDesign, DesignError> {
    check_size("morris_design", ("trajectories", trajectories), k)?;
    if levels < 2 || levels % 2 != 0 {
        return Err(DesignError::BadLevels { levels });
    }
    let per = k.checked_add(1).ok_or(DesignError::TooLarge {
        what: "morris_design",
    })?;
    let total = checked_points("morris_design", trajectories, per)?;
    checked_points("morris_design", total, k)?;

    let half = levels / 2;
    let top = (levels - 1) as f64;
    let delta = half as f64 / top;
    let mut points = Vec::with_capacity(total);
    let mut steps = Vec::with_capacity(trajectories);
    for _ in 0..trajectories {
        let order = permutation(k, rng);
        let mut base = vec![0usize; k];
        let mut up = vec![false; k];
        for i in 0..k {
            base[i] = rng.random_range(0..half as u64) as usize;
            up[i] = rng.random::<bool>();
        }
        // Current level index of each factor.
        let mut level: Vec<usize> = (0..k)
            .map(|i| if up[i] { base[i] } else { base[i] + half })
            .collect();
        points.push(level.iter().map(|&l| l as f64 / top).collect::<Vec<f64>>());
        let mut trajectory = Vec::with_capacity(k);
        for &factor in &order {
            level[factor] = if up[factor] {
                base[factor] + half
            } else {
                base[factor]
            };
            points.push(level.iter().map(|&l| l as f64 / top).collect());
            trajectory.push(MorrisStep {
                factor,
                delta: if up[factor] { delta } else { -delta },
            });
        }
        steps.push(trajectory);
    }
    Ok(MorrisDesign {
        k,
        levels,
        delta,
        points,
        steps,
    })
}

/// Morris indices per factor from the outputs `y` (one per design point, in design order).
///
/// The elementary effect of a step is `(y[after] - y[before]) / signed Δ`, in unit-cube units
/// (divide by the parameter's range to get per-unit effects). Each factor has exactly one effect
/// per trajectory.
pub(crate) fn morris_analyze(
    design: &MorrisDesign,
    y: &[f64],
) -> Result<Vec<MorrisIndex>, DesignError> {
    if y.len() != design.points.len() {
        return Err(DesignError::LengthMismatch {
            what: "morris_analyze",
            expected: design.points.len(),
            found: y.len(),
        });
    }
    require_finite("morris_analyze", y)?;
    let k = design.k;
    let r = design.trajectories();
    let mut effects = vec![Vec::with_capacity(r); k];
    for (t, trajectory) in design.steps.iter().enumerate() {
        let start = t * (k + 1);
        for (j, step) in trajectory.iter().enumerate() {
            let ee = (y[start + j + 1] - y[start + j]) / step.delta;
            effects[step.factor].push(ee);
        }
    }
    Ok(effects
        .iter()
        .enumerate()
        .map(|(factor, ee)| {
            let signed = interval(ee);
            let abs: Vec<f64> = ee.iter().map(|e| e.abs()).collect();
            let star = interval(&abs);
            MorrisIndex {
                factor,
                mu: signed.mean,
                mu_star: star.mean,
                sigma: signed.sd,
                mu_star_low: star.low,
                mu_star_high: star.high,
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Sobol indices from a Saltelli design
// ---------------------------------------------------------------------------------------------

/// First-order and total Sobol indices of one factor with 95% percentile bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SobolIndex {
    pub factor: usize,
    /// First-order index (Saltelli et al. 2010).
    pub s1: f64,
    pub s1_low: f64,
    pub s1_high: f64,
    /// Total index (Jansen 1999).
    pub st: f64,
    pub st_low: f64,
    pub st_high: f64,
}

/// A Saltelli design of `n * (k + 2)` points for Sobol indices.
///
/// Two independent Monte Carlo base matrices `A` and `B` (`n` rows, `k` columns, uniform on
/// `[0, 1)`) are drawn, `A` first, each row by row. The points are returned in this order:
///
/// - rows `0 .. n`: the rows of `A`;
/// - rows `n .. 2n`: the rows of `B`;
/// - rows `(2 + i) n .. (3 + i) n` for `i` in `0..k`: `AB_i`, the rows of `A` with column `i`
///   taken from `B`.
///
/// [`sobol_analyze`] expects the outputs in this same order.
pub(crate) fn saltelli_design(
    n: usize,
    k: usize,
    rng: &mut Stream,
) -> Result<Vec<Vec<f64>>, DesignError> {
    check_size("saltelli_design", ("n", n), k)?;
    let blocks = k.checked_add(2).ok_or(DesignError::TooLarge {
        what: "saltelli_design",
    })?;
    let total = checked_points("saltelli_design", n, blocks)?;
    checked_points("saltelli_design", total, k)?;

    let draw = |rng: &mut Stream| -> Vec<Vec<f64>> {
        (0..n)
            .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
            .collect()
    };
    let a = draw(rng);
    let b = draw(rng);
    Ok(saltelli_points(&a, &b, k))
}

/// The points of a Saltelli design from its base matrices `a` and `b` (the same number of rows,
/// `k` columns each), laid out as [`saltelli_design`] says: `A`, `B`, then each `AB_i`.
pub(super) fn saltelli_points(a: &[Vec<f64>], b: &[Vec<f64>], k: usize) -> Vec<Vec<f64>> {
    let mut points = Vec::with_capacity(a.len() * (k + 2));
    points.extend(a.iter().cloned());
    points.extend(b.iter().cloned());
    for i in 0..k {
        for (row_a, row_b) in a.iter().zip(b) {
            let mut row = row_a.clone();
            row[i] = row_b[i];
            points.push(row);
        }
    }
    points
}

/// Mean and population variance (divisor `len`) of the values `f(0..len)`, summed serially.
fn mean_variance(len: usize, f: impl Fn(usize) -> f64) -> (f64, f64) {
    let m = len as f64;
    let mean = (0..len).map(&f).sum::<f64>() / m;
    let var = (0..len).map(|i| (f(i) - mean) * (f(i) - mean)).sum::<f64>() / m;
    (mean, var)
}

/// `(S1_i, ST_i)` for every factor from the rows `rows` of the blocks `f_a`, `f_b`, `f_ab[i]`.
fn sobol_estimates(f_a: &[f64], f_b: &[f64], f_ab: &[&[f64]], rows: &[usize]) -> Vec<(f64, f64)> {
    let n = rows.len();
    let m = n as f64;
    let (mean, v) = mean_variance(2 * n, |j| {
        if j < n {
            f_a[rows[j]]
        } else {
            f_b[rows[j - n]]
        }
    });
    f_ab.iter()
        .map(|abi| {
            if v <= 0.0 {
                return (0.0, 0.0);
            }
            let mut first = 0.0;
            let mut total = 0.0;
            for &j in rows {
                first += (f_b[j] - mean) * (abi[j] - f_a[j]);
                total += (f_a[j] - abi[j]) * (f_a[j] - abi[j]);
            }
            (first / m / v, total / m / 2.0 / v)
        })
        .collect()
}

/// The `q` quantile (linear interpolation between order statistics) of sorted values.
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = q * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// 2.5% and 97.5% percentiles.
fn percentile_interval(mut values: Vec<f64>) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        quantile_sorted(&values, 0.025),
        quantile_sorted(&values, 0.975),
    )
}

/// First-order and total Sobol indices from the outputs `y` of a [`saltelli_design`] with the same
/// `n` and `k` (outputs in design order: `f_A`, `f_B`, then `f_AB_1 .. f_AB_k`).
///
/// - `V` is the population variance (divisor `2n`) of the `2n` values `f_A` then `f_B`, and `m`
///   their mean.
/// - `S1_i = mean((f_B - m) (f_AB_i - f_A)) / V`: the Saltelli et al. (2010) estimator with the
///   output centred first. Centring does not change its expectation (`f_AB_i` and `f_A` have the
///   same distribution) but makes it invariant to adding a constant to the output; uncentred, its
///   noise grows with the output's mean (as SALib does, by standardising `y` first).
/// - `ST_i = mean((f_A - f_AB_i)^2) / 2 / V` (Jansen 1999).
///
/// Intervals are 95% percentile bootstrap intervals: each of `bootstrap` resamples draws `n` row
/// indices with replacement from `rng` (shared by every block and every factor) and recomputes
/// `V`, `S1` and `ST` on those rows.
///
/// When `V = 0` (a constant output) both indices are defined as 0, for the estimate and for every
/// resample alike, so a constant output gets indices 0 with intervals `[0, 0]`. Estimates are not
/// clipped to `[0, 1]`: with small `n` they may fall slightly outside.
pub(crate) fn sobol_analyze(
    y: &[f64],
    n: usize,
    k: usize,
    bootstrap: usize,
    rng: &mut Stream,
) -> Result<Vec<SobolIndex>, DesignError> {
    check_size("sobol_analyze", ("n", n), k)?;
    if bootstrap == 0 {
        return Err(DesignError::ZeroBootstrap);
    }
    let expected = k
        .checked_add(2)
        .and_then(|blocks| n.checked_mul(blocks))
        .ok_or(DesignError::TooLarge {
            what: "sobol_analyze",
        })?;
    if y.len() != expected {
        return Err(DesignError::LengthMismatch {
            what: "sobol_analyze",
            expected,
            found: y.len(),
        });
    }
    require_finite("sobol_analyze", y)?;

    let f_a = &y[..n];
    let f_b = &y[n..2 * n];
    let f_ab: Vec<&[f64]> = (0..k).map(|i| &y[(2 + i) * n..(3 + i) * n]).collect();

    let all: Vec<usize> = (0..n).collect();
    let estimates = sobol_estimates(f_a, f_b, &f_ab, &all);

    let mut s1_boot = vec![Vec::with_capacity(bootstrap); k];
    let mut st_boot = vec![Vec::with_capacity(bootstrap); k];
    let mut rows = vec![0usize; n];
    for _ in 0..bootstrap {
        for row in rows.iter_mut() {
            *row = rng.random_range(0..n as u64) as usize;
        }
        for (i, (s1, st)) in sobol_estimates(f_a, f_b, &f_ab, &rows)
            .into_iter()
            .enumerate()
        {
            s1_boot[i].push(s1);
            st_boot[i].push(st);
        }
    }

    Ok(estimates
        .into_iter()
        .zip(s1_boot.into_iter().zip(st_boot))
        .enumerate()
        .map(|(factor, ((s1, st), (s1_b, st_b)))| {
            let (s1_low, s1_high) = percentile_interval(s1_b);
            let (st_low, st_high) = percentile_interval(st_b);
            SobolIndex {
                factor,
                s1,
                s1_low,
                s1_high,
                st,
                st_low,
                st_high,
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Full factorial grid
// ---------------------------------------------------------------------------------------------

/// The number of points of the full factorial grid over `axes` (the product of their lengths), or
/// `None` if it overflows `u64`. An empty list of axes gives `Some(1)` and an empty axis `Some(0)`;
/// [`grid`] rejects both. Call this first to refuse absurd sizes before allocating.
pub(crate) fn grid_size(axes: &[Vec<f64>]) -> Option<u64> {
    axes.iter()
        .try_fold(1u64, |acc, axis| acc.checked_mul(axis.len() as u64))
}

/// The full factorial grid over `axes`: every combination of one value per axis, the first axis
/// varying slowest and the last fastest (row-major order). Values are used as given.
///
/// This function does not cap the size beyond overflow; check [`grid_size`] against a limit first.
pub(crate) fn grid(axes: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, DesignError> {
    if axes.is_empty() {
        return Err(DesignError::NoFactors { what: "grid" });
    }
    if let Some(axis) = axes.iter().position(|a| a.is_empty()) {
        return Err(DesignError::EmptyAxis { axis });
    }
    let size = grid_size(axes)
        .and_then(|s| usize::try_from(s).ok())
        .ok_or(DesignError::TooLarge { what: "grid" })?;
    checked_points("grid", size, axes.len())?;

    let mut points = Vec::with_capacity(size);
    let mut index = vec![0usize; axes.len()];
    for _ in 0..size {
        points.push(index.iter().zip(axes).map(|(&i, axis)| axis[i]).collect());
        // Odometer: advance the last axis, carrying into earlier ones.
        for d in (0..axes.len()).rev() {
            index[d] += 1;
            if index[d] < axes[d].len() {
                break;
            }
            index[d] = 0;
        }
    }
    Ok(points)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::f64::consts::PI;

    fn rng(seed: u64) -> Stream {
        Stream::seed_from_u64(seed)
    }

    // --- Latin hypercube --------------------------------------------------------------------

    #[test]
    fn lhs_has_one_point_per_stratum_in_every_dimension() {
        for &(n, k) in &[(1, 1), (7, 3), (100, 5), (1000, 2)] {
            let pts = latin_hypercube(n, k, &mut rng(11)).unwrap();
            assert_eq!(pts.len(), n);
            for j in 0..k {
                let mut count = vec![0u32; n];
                for p in &pts {
                    assert_eq!(p.len(), k);
                    let x = p[j];
                    assert!((0.0..1.0).contains(&x), "x = {x}");
                    let s = (x * n as f64).floor() as usize;
                    // Check against the exact stratum edges, not only the floor.
                    assert!(x >= s as f64 / n as f64 && x < (s + 1) as f64 / n as f64);
                    count[s] += 1;
                }
                assert!(count.iter().all(|&c| c == 1), "n={n} dim={j}: {count:?}");
            }
        }
    }

    #[test]
    fn lhs_is_not_the_identity_permutation() {
        // With 50 strata a random permutation equal in every dimension would be a bug.
        let pts = latin_hypercube(50, 2, &mut rng(3)).unwrap();
        let s0: Vec<usize> = pts.iter().map(|p| (p[0] * 50.0) as usize).collect();
        let s1: Vec<usize> = pts.iter().map(|p| (p[1] * 50.0) as usize).collect();
        assert_ne!(s0, s1);
        assert_ne!(s0, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn lhs_rejects_empty_requests() {
        assert!(matches!(
            latin_hypercube(0, 3, &mut rng(1)),
            Err(DesignError::ZeroSamples { .. })
        ));
        assert!(matches!(
            latin_hypercube(3, 0, &mut rng(1)),
            Err(DesignError::NoFactors { .. })
        ));
    }

    // --- Morris -----------------------------------------------------------------------------

    #[test]
    fn morris_points_lie_on_the_grid_and_move_one_factor_by_delta() {
        for &(r, k, p) in &[(10, 3, 4), (25, 6, 6), (5, 1, 2), (8, 4, 8)] {
            let d = morris_design(r, k, p, &mut rng(5)).unwrap();
            let top = (p - 1) as f64;
            let delta = p as f64 / (2.0 * top);
            assert!((d.delta() - delta).abs() < 1e-15);
            assert_eq!(d.points().len(), r * (k + 1));
            assert_eq!(d.steps().len(), r);
            for x in d.points().iter().flatten() {
                assert!((0.0..=1.0).contains(x));
                let level = x * top;
                assert!((level - level.round()).abs() < 1e-9, "{x} not on grid");
            }
            for (t, steps) in d.steps().iter().enumerate() {
                assert_eq!(steps.len(), k);
                let mut seen = vec![false; k];
                for (j, step) in steps.iter().enumerate() {
                    assert!(!seen[step.factor], "factor moved twice");
                    seen[step.factor] = true;
                    assert!((step.delta.abs() - delta).abs() < 1e-15);
                    let a = &d.points()[t * (k + 1) + j];
                    let b = &d.points()[t * (k + 1) + j + 1];
                    let changed: Vec<usize> = (0..k).filter(|&i| a[i] != b[i]).collect();
                    assert_eq!(changed, vec![step.factor]);
                    let moved = b[step.factor] - a[step.factor];
                    assert!((moved - step.delta).abs() < 1e-12, "{moved} vs {step:?}");
                }
                assert!(seen.iter().all(|&s| s));
            }
        }
    }

    #[test]
    fn morris_uses_both_directions_and_random_orders() {
        let d = morris_design(40, 4, 4, &mut rng(9)).unwrap();
        let steps = d.steps().iter().flatten();
        let ups = steps.clone().filter(|s| s.delta > 0.0).count();
        assert!(ups > 40 && ups < 120, "ups = {ups}");
        let first: Vec<usize> = d.steps().iter().map(|s| s[0].factor).collect();
        assert!((0..4).all(|f| first.contains(&f)));
    }

    fn evaluate(points: &[Vec<f64>], f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        points.iter().map(|p| f(p)).collect()
    }

    #[test]
    fn morris_recovers_linear_coefficients_exactly() {
        for &p in &[2, 4, 6] {
            let d = morris_design(20, 3, p, &mut rng(21)).unwrap();
            let y = evaluate(d.points(), |x| 1.0 * x[0] + 2.0 * x[1] + 0.0 * x[2]);
            let idx = morris_analyze(&d, &y).unwrap();
            for (m, want) in idx.iter().zip([1.0, 2.0, 0.0]) {
                assert!((m.mu_star - want).abs() < 1e-9, "p={p}: {m:?}");
                assert!((m.mu - want).abs() < 1e-9, "p={p}: {m:?}");
                assert!(m.sigma < 1e-9, "p={p}: {m:?}");
                // No spread, so the interval collapses onto mu_star.
                assert!(m.mu_star_high - m.mu_star_low < 1e-9, "p={p}: {m:?}");
            }
        }
    }

    #[test]
    fn morris_sees_interaction_as_spread() {
        let d = morris_design(30, 3, 4, &mut rng(22)).unwrap();
        let y = evaluate(d.points(), |x| x[0] * x[1]);
        let idx = morris_analyze(&d, &y).unwrap();
        assert!(idx[0].sigma > 0.1, "{:?}", idx[0]);
        assert!(idx[1].sigma > 0.1, "{:?}", idx[1]);
        assert!(idx[0].mu_star > 0.0 && idx[1].mu_star > 0.0);
        assert_eq!(idx[2].mu_star, 0.0);
        // The interval brackets mu_star and has positive width.
        assert!(idx[0].mu_star_low < idx[0].mu_star && idx[0].mu_star < idx[0].mu_star_high);
    }

    #[test]
    fn morris_rejects_bad_input() {
        for p in [0, 1, 3, 5] {
            assert_eq!(
                morris_design(4, 2, p, &mut rng(1)),
                Err(DesignError::BadLevels { levels: p })
            );
        }
        assert!(matches!(
            morris_design(0, 2, 4, &mut rng(1)),
            Err(DesignError::ZeroSamples { .. })
        ));
        assert!(matches!(
            morris_design(3, 0, 4, &mut rng(1)),
            Err(DesignError::NoFactors { .. })
        ));
        let d = morris_design(3, 2, 4, &mut rng(1)).unwrap();
        assert_eq!(
            morris_analyze(&d, &[0.0; 8]),
            Err(DesignError::LengthMismatch {
                what: "morris_analyze",
                expected: 9,
                found: 8
            })
        );
        let mut y = vec![0.0; 9];
        y[4] = f64::NAN;
        assert!(matches!(
            morris_analyze(&d, &y),
            Err(DesignError::NonFinite { index: 4, .. })
        ));
    }

    // --- Sobol ------------------------------------------------------------------------------

    #[test]
    fn saltelli_layout_is_a_b_then_ab_blocks() {
        let (n, k) = (5, 3);
        let pts = saltelli_design(n, k, &mut rng(4)).unwrap();
        assert_eq!(pts.len(), n * (k + 2));
        let a = &pts[..n];
        let b = &pts[n..2 * n];
        assert_ne!(a, b);
        for i in 0..k {
            for r in 0..n {
                let ab = &pts[(2 + i) * n + r];
                for j in 0..k {
                    let want = if j == i { b[r][j] } else { a[r][j] };
                    assert_eq!(ab[j], want);
                }
            }
        }
        assert!(pts.iter().flatten().all(|x| (0.0..1.0).contains(x)));
    }

    fn ishigami(u: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Analytical Ishigami indices (a = 7, b = 0.1): (S1, ST).
    fn ishigami_exact() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let pi4 = PI.powi(4);
        let pi8 = PI.powi(8);
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn ishigami_exact_values_match_the_literature() {
        let (s1, st) = ishigami_exact();
        for (got, want) in s1.iter().zip([0.314, 0.442, 0.0]) {
            assert!((got - want).abs() < 1e-3);
        }
        for (got, want) in st.iter().zip([0.558, 0.442, 0.244]) {
            assert!((got - want).abs() < 1e-3);
        }
    }

    #[test]
    fn sobol_on_ishigami() {
        let (n, k) = (20_000, 3);
        let pts = saltelli_design(n, k, &mut rng(2024)).unwrap();
        let y = evaluate(&pts, ishigami);
        let idx = sobol_analyze(&y, n, k, 200, &mut rng(7)).unwrap();
        let (s1, st) = ishigami_exact();
        for (i, s) in idx.iter().enumerate() {
            assert_eq!(s.factor, i);
            assert!((s.s1 - s1[i]).abs() < 0.03, "S1[{i}]: {s:?} vs {}", s1[i]);
            assert!((s.st - st[i]).abs() < 0.03, "ST[{i}]: {s:?} vs {}", st[i]);
            assert!(s.s1_low <= s.s1 && s.s1 <= s.s1_high, "{s:?}");
            assert!(s.st_low <= s.st && s.st <= s.st_high, "{s:?}");
            assert!(
                s.s1_high - s.s1_low < 0.1 && s.st_high - s.st_low < 0.1,
                "{s:?}"
            );
        }
    }

    #[test]
    fn sobol_on_additive_linear_function_has_s1_equal_st() {
        let (n, k) = (20_000, 3);
        let c = [1.0, 2.0, 3.0];
        let pts = saltelli_design(n, k, &mut rng(77)).unwrap();
        let y = evaluate(&pts, |x| c[0] * x[0] + c[1] * x[1] + c[2] * x[2]);
        let idx = sobol_analyze(&y, n, k, 100, &mut rng(78)).unwrap();
        let sum_sq: f64 = c.iter().map(|v| v * v).sum();
        for (s, ci) in idx.iter().zip(c) {
            let exact = ci * ci / sum_sq;
            assert!((s.s1 - s.st).abs() < 0.03, "{s:?}");
            assert!((s.s1 - exact).abs() < 0.03, "{s:?} vs {exact}");
            assert!((s.st - exact).abs() < 0.03, "{s:?} vs {exact}");
        }
    }

    #[test]
    fn sobol_is_invariant_to_shifting_the_output() {
        // Model outputs are often counts in the thousands; a constant offset must not matter.
        let (n, k) = (2_000, 3);
        let pts = saltelli_design(n, k, &mut rng(31)).unwrap();
        let y = evaluate(&pts, ishigami);
        let shifted: Vec<f64> = y.iter().map(|v| v + 1.0e4).collect();
        let a = sobol_analyze(&y, n, k, 50, &mut rng(32)).unwrap();
        let b = sobol_analyze(&shifted, n, k, 50, &mut rng(32)).unwrap();
        for (p, q) in a.iter().zip(&b) {
            assert!((p.s1 - q.s1).abs() < 1e-6, "{p:?} vs {q:?}");
            assert!((p.st - q.st).abs() < 1e-6, "{p:?} vs {q:?}");
            assert!((p.s1_low - q.s1_low).abs() < 1e-6, "{p:?} vs {q:?}");
            assert!((p.s1_high - q.s1_high).abs() < 1e-6, "{p:?} vs {q:?}");
        }
    }

    #[test]
    fn sobol_of_a_constant_output_is_zero() {
        let (n, k) = (50, 2);
        let y = vec![3.5; n * (k + 2)];
        let idx = sobol_analyze(&y, n, k, 20, &mut rng(1)).unwrap();
        for s in idx {
            assert_eq!(
                (s.s1, s.s1_low, s.s1_high, s.st, s.st_low, s.st_high),
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            );
        }
    }

    #[test]
    fn sobol_rejects_bad_input() {
        let y = vec![0.0; 20];
        assert_eq!(
            sobol_analyze(&y, 5, 2, 0, &mut rng(1)),
            Err(DesignError::ZeroBootstrap)
        );
        assert!(matches!(
            sobol_analyze(&y, 0, 2, 10, &mut rng(1)),
            Err(DesignError::ZeroSamples { .. })
        ));
        assert!(matches!(
            sobol_analyze(&y, 5, 0, 10, &mut rng(1)),
            Err(DesignError::NoFactors { .. })
        ));
        assert_eq!(
            sobol_analyze(&y, 5, 3, 10, &mut rng(1)),
            Err(DesignError::LengthMismatch {
                what: "sobol_analyze",
                expected: 25,
                found: 20
            })
        );
        let mut y = y;
        y[7] = f64::INFINITY;
        assert!(matches!(
            sobol_analyze(&y, 5, 2, 10, &mut rng(1)),
            Err(DesignError::NonFinite { index: 7, .. })
        ));
        assert!(matches!(
            saltelli_design(0, 2, &mut rng(1)),
            Err(DesignError::ZeroSamples { .. })
        ));
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        assert_eq!(quantile_sorted(&v, 0.025), 2.5);
        assert_eq!(quantile_sorted(&v, 0.975), 97.5);
        assert_eq!(quantile_sorted(&[4.0], 0.975), 4.0);
    }

    // --- Grid -------------------------------------------------------------------------------

    #[test]
    fn grid_has_first_axis_slowest() {
        let axes = vec![vec![1.0, 2.0], vec![10.0, 20.0, 30.0]];
        assert_eq!(grid_size(&axes), Some(6));
        let g = grid(&axes).unwrap();
        let want: Vec<Vec<f64>> = vec![
            vec![1.0, 10.0],
            vec![1.0, 20.0],
            vec![1.0, 30.0],
            vec![2.0, 10.0],
            vec![2.0, 20.0],
            vec![2.0, 30.0],
        ];
        assert_eq!(g, want);
        let three = grid(&[vec![0.0, 1.0], vec![0.5], vec![7.0, 8.0]]).unwrap();
        assert_eq!(three.len(), 4);
        assert_eq!(three[1], vec![0.0, 0.5, 8.0]);
        assert_eq!(three[2], vec![1.0, 0.5, 7.0]);
    }

    #[test]
    fn grid_size_detects_overflow_and_grid_rejects_empty() {
        let big = vec![0.0; 1 << 16];
        let axes = vec![big.clone(), big.clone(), big.clone()];
        assert_eq!(grid_size(&axes), Some(1u64 << 48));
        let axes = vec![big.clone(), big.clone(), big.clone(), big.clone(), big];
        assert_eq!(grid_size(&axes), None);
        assert!(matches!(grid(&axes), Err(DesignError::TooLarge { .. })));
        assert_eq!(grid_size(&[]), Some(1));
        assert!(matches!(grid(&[]), Err(DesignError::NoFactors { .. })));
        assert_eq!(grid_size(&[vec![1.0], vec![]]), Some(0));
        assert_eq!(
            grid(&[vec![1.0], vec![]]),
            Err(DesignError::EmptyAxis { axis: 1 })
        );
    }

    // --- Determinism ------------------------------------------------------------------------

    #[test]
    fn same_seed_gives_same_designs_and_analyses() {
        assert_eq!(
            latin_hypercube(30, 4, &mut rng(99)).unwrap(),
            latin_hypercube(30, 4, &mut rng(99)).unwrap()
        );
        assert_ne!(
            latin_hypercube(30, 4, &mut rng(99)).unwrap(),
            latin_hypercube(30, 4, &mut rng(100)).unwrap()
        );
        assert_eq!(
            morris_design(10, 4, 4, &mut rng(99)).unwrap(),
            morris_design(10, 4, 4, &mut rng(99)).unwrap()
        );
        assert_ne!(
            morris_design(10, 4, 4, &mut rng(99)).unwrap(),
            morris_design(10, 4, 4, &mut rng(100)).unwrap()
        );
        let s = saltelli_design(100, 3, &mut rng(99)).unwrap();
        assert_eq!(s, saltelli_design(100, 3, &mut rng(99)).unwrap());
        assert_ne!(s, saltelli_design(100, 3, &mut rng(100)).unwrap());
        let y = evaluate(&s, ishigami);
        assert_eq!(
            sobol_analyze(&y, 100, 3, 50, &mut rng(5)).unwrap(),
            sobol_analyze(&y, 100, 3, 50, &mut rng(5)).unwrap()
        );
        // A derived stream works the same way.
        let derive = || crate::rng::stream(1, 2, 0, crate::rng::Purpose::Arrivals);
        assert_eq!(
            latin_hypercube(8, 2, &mut derive()).unwrap(),
            latin_hypercube(8, 2, &mut derive()).unwrap()
        );
    }
}
