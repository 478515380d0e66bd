//! Calibration by sequential Monte Carlo ABC (ABC-SMC; Toni et al. 2009, Beaumont et al. 2009,
//! with the adaptive tolerances of pyABC: Klinger, Rickert and Hasenauer 2018) as a pure ask/tell
//! state machine: [`Smc::proposals`] gives proposals of the open generation by index,
//! [`Smc::tell`] takes their distances in index order and closes the generation once it holds its
//! population. No threads or files here: the caller runs the proposals (in parallel, in shards, on
//! a cluster) in rounds of any size and may stop and resume anywhere, since a proposal depends only
//! on the seed, its generation and index, and the population before it; and the population of a
//! generation is the first `N` proposals (by index) within the tolerance, whatever the rounds.
//!
//! The algorithm, with a population of `N` particles and a quantile `alpha`:
//! - generation 0 draws `N / alpha` particles from the prior (a Latin hypercube) and keeps the `N`
//!   nearest the targets, with equal weights (rejection ABC);
//! - generation `t` >= 1 has the tolerance `eps_t`, the weighted `alpha` quantile of the distances
//!   of generation `t - 1`'s population. Proposal `k` picks an ancestor by weight and moves it by a
//!   multivariate normal kernel fitted to the population (twice its weighted covariance, Beaumont
//!   et al. 2009; or the optimal local covariance of Filippi et al. 2013), redrawn until inside the
//!   prior's support. The first `N` proposals with distance <= `eps_t` form the population; each
//!   has importance weight prior density / proposal density (the weighted mixture of the kernels);
//!   the effective sample size is Kish's, `1 / sum(w^2)` for normalised weights;
//! - the acceptance rate of a generation is `N` over the proposals run up to its `N`-th accepted.
//!   The run stops after a generation whose acceptance rate falls below `min_acceptance` (further
//!   generations would cost more than `1 / min_acceptance` runs per particle), whose tolerance
//!   reaches `min_tolerance`, or after `max_generations`. A generation that cannot reach
//!   `min_acceptance` (more than `N / min_acceptance` proposals run without `N` accepted) is
//!   abandoned and the population before it is the posterior.
//!
//! Particles live in a latent space where every prior is uniform: the logarithm for a log-uniform
//! prior, and for a whole-number parameter on `[a, b]` the interval `[a - 1/2, b + 1/2]` rounded to
//! the nearest whole number, so that each whole value has the same prior weight and the kernel
//! moves across values smoothly. Kernel densities ignore the truncation to the prior's support (as
//! pyABC and the published algorithms do), which slightly favours particles near a bound.

use nalgebra::{DMatrix, DVector};
use rand::Rng;
use rand_distr::StandardNormal;

use crate::rng::{self, Stream};

mod space;
use super::weighted::log_sum_exp;
pub(crate) use super::weighted::{
    weighted_correlation, weighted_mean_sd, weighted_posterior, weighted_quantile,
};
pub(crate) use space::Dim;

/// How new particles are moved from their ancestors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// A multivariate normal with twice the population's weighted covariance, the same for every
    /// ancestor (Beaumont, Cornuet, Marin and Robert 2009).
    Global,
    /// A multivariate normal per ancestor, with the optimal local covariance matrix of Filippi,
    /// Barnes, Cornebise and Stumpf (2013): the weighted second moment of the population about the
    /// ancestor.
    Local,
}

impl Kernel {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kernel::Global => "global",
            Kernel::Local => "local",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Kernel> {
        match s {
            "global" => Some(Kernel::Global),
            "local" => Some(Kernel::Local),
            _ => None,
        }
    }
}

/// The settings of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Settings {
    /// Particles in each population (the posterior sample).
    pub population: usize,
    /// The quantile of the last population's distances that sets the next tolerance, and the
    /// share of generation 0's draws kept; in (0, 1).
    pub alpha: f64,
    /// Stop after a generation whose acceptance rate falls below this, in (0, 1].
    pub min_acceptance: f64,
    /// Stop when the tolerance reaches this (0: never).
    pub min_tolerance: f64,
    /// Stop after this many generations (generation 0 included).
    pub max_generations: u32,
    pub kernel: Kernel,
}

impl Settings {
    /// Particles drawn in generation 0: `population / alpha`, rounded, at least `population`.
    pub(crate) fn first_draws(&self) -> usize {
        ((self.population as f64 / self.alpha).round() as usize).max(self.population)
    }

    /// Most proposals a later generation runs before it is abandoned: `population /
    /// min_acceptance`, rounded up.
    pub(crate) fn max_proposals(&self) -> usize {
        (self.population as f64 / self.min_acceptance).ceil() as usize
    }

    /// Most runs of a whole calibration.
    pub(crate) fn max_runs(&self) -> u64 {
        self.first_draws() as u64
            + u64::from(self.max_generations.saturating_sub(1)) * self.max_proposals() as u64
    }
}

/// A weighted population of particles (latent coordinates), in the order they were accepted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Population {
    pub z: Vec<Vec<f64>>,
    /// Importance weights, summing to 1.
    pub w: Vec<f64>,
    pub d: Vec<f64>,
    /// Each particle's proposal index in its generation.
    pub index: Vec<usize>,
}

impl Population {
    /// Effective sample size, `1 / sum(w^2)` (Kish).
    pub(crate) fn ess(&self) -> f64 {
        1.0 / self.w.iter().map(|w| w * w).sum::<f64>()
    }

    /// The largest distance in the population.
    pub(crate) fn largest(&self) -> f64 {
        self.d.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

/// What one generation did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GenerationStats {
    pub generation: u32,
    /// The tolerance: the largest distance accepted (for generation 0, the largest kept).
    pub tolerance: f64,
    /// Proposals run (including any run past the population's last, in the same round).
    pub runs: usize,
    /// Proposals up to the population's last (all of generation 0's draws).
    pub used: usize,
    /// `population / used` (the share of generation 0's draws kept, for generation 0).
    pub acceptance: f64,
    /// Effective sample size of the population.
    pub ess: f64,
    /// The generation reached neither its population nor `min_acceptance` and was abandoned.
    pub abandoned: bool,
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Acceptance,
    Tolerance,
    Generations,
}

impl Stop {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Stop::Acceptance => "the acceptance rate fell below min_acceptance",
            Stop::Tolerance => "the tolerance reached min_tolerance",
            Stop::Generations => "max_generations were run",
        }
    }
}

/// An error of a generation's distances.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SmcError {
    /// Distances told out of order: `from` is not the next proposal's index.
    Order { expected: usize, got: usize },
    /// Generation 0 ended with fewer finite distances than the population needs.
    TooFew { finite: usize, needed: usize },
    /// The run has stopped.
    Stopped,
}

impl std::fmt::Display for SmcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SmcError::Order { expected, got } => write!(
                f,
                "distances told from proposal {got}, but the next proposal is {expected}"
            ),
            SmcError::TooFew { finite, needed } => write!(
                f,
                "only {finite} particles drawn from the prior have a finite distance; the population needs {needed}"
            ),
            SmcError::Stopped => write!(f, "the calibration has stopped"),
        }
    }
}

impl std::error::Error for SmcError {}

/// Largest number of times a proposal is redrawn to fall inside the prior's support; past it the
/// last draw is moved to the nearest point inside (never reached unless the kernel is far wider
/// than the prior).
const MAX_REDRAWS: usize = 10_000;

/// The kernel fitted to a population: per ancestor (one for all with the global kernel) the lower
/// Cholesky factor of its covariance and the log of its normalising constant.
#[derive(Debug, Clone)]
struct Fitted {
    chol: Vec<DMatrix<f64>>,
    log_norm: Vec<f64>,
    /// Cumulative weights, to pick ancestors.
    cum: Vec<f64>,
}

impl Fitted {
    fn of(&self, ancestor: usize) -> usize {
        if self.chol.len() == 1 {
            0
        } else {
            ancestor
        }
    }
}

/// The generation being run.
#[derive(Debug, Clone)]
struct Open {
    /// The tolerance (infinite for generation 0).
    tolerance: f64,
    /// Proposals told so far.
    told: usize,
    /// Those accepted: (index, z, distance); for generation 0 every one told.
    accepted: Vec<(usize, Vec<f64>, f64)>,
    /// Generation 0's draws; the kernel for later ones.
    first: Vec<Vec<f64>>,
    fitted: Option<Fitted>,
}

/// A calibration by ABC-SMC.
#[derive(Debug, Clone)]
pub(crate) struct Smc {
    pub dims: Vec<Dim>,
    pub settings: Settings,
    pub seed: u64,
    /// The population of the last generation closed.
    pub population: Option<Population>,
    pub history: Vec<GenerationStats>,
    pub stopped: Option<Stop>,
    open: Open,
}

impl Smc {
    pub(crate) fn new(dims: Vec<Dim>, settings: Settings, seed: u64) -> Smc {
        Smc::resume(dims, settings, seed, None, Vec::new())
    }

    /// The state after the generations of `history`, whose last population is `population` (as
    /// a previous run recorded them): the next generation is open.
    pub(crate) fn resume(
        dims: Vec<Dim>,
        settings: Settings,
        seed: u64,
        population: Option<Population>,
        history: Vec<GenerationStats>,
    ) -> Smc {
        let mut smc = Smc {
            dims,
            settings,
            seed,
            population,
            history,
            stopped: None,
            open: Open {
                tolerance: f64::INFINITY,
                told: 0,
                accepted: Vec::new(),
                first: Vec::new(),
                fitted: None,
            },
        };
        smc.stopped = smc.history.last().and_then(|h| smc.stop_after(h));
        smc.open_next();
        smc
    }

    /// The open generation (the one [`Smc::proposals`] draws from).
    pub(crate) fn generation(&self) -> u32 {
        self.history.len() as u32
    }

    /// The open generation's tolerance (infinite for generation 0, which keeps the nearest).
    pub(crate) fn tolerance(&self) -> f64 {
        self.open.tolerance
    }

    /// Proposals of the open generation told so far.
    pub(crate) fn told(&self) -> usize {
        self.open.told
    }

    /// Proposals of the open generation accepted so far.
    pub(crate) fn accepted(&self) -> usize {
        if self.generation() == 0 {
            0
        } else {
            self.open.accepted.len()
        }
    }

    /// The parameter values of latent particle `z`.
    pub(crate) fn values(&self, z: &[f64]) -> Vec<f64> {
        self.dims.iter().zip(z).map(|(d, &x)| d.value(x)).collect()
    }

    /// How many proposals the open generation may still need: all of generation 0's draws not
    /// yet told; for a later generation, the remaining particles over the expected acceptance
    /// rate (this generation's so far, else the last one's, at least `min_acceptance`), with a
    /// tenth more, within the generation's limit. 0 once stopped.
    pub(crate) fn round(&self) -> usize {
        if self.stopped.is_some() {
            return 0;
        }
        let o = &self.open;
        if self.generation() == 0 {
            return self.settings.first_draws() - o.told;
        }
        let left = self.settings.population - o.accepted.len();
        let rate = if o.accepted.len() >= 10 {
            o.accepted.len() as f64 / o.told as f64
        } else {
            self.history.last().map_or(1.0, |h| h.acceptance)
        }
        .max(self.settings.min_acceptance);
        let n = (left as f64 / rate * 1.1).ceil() as usize + 1;
        n.min(self.settings.max_proposals() - o.told)
    }

    /// The stream of proposal `k` of generation `g`: it depends only on the seed, so a shard can
    /// draw its own proposals, and it differs from every simulation stream.
    fn stream(&self, g: u32, k: usize) -> Stream {
        rng::stream(
            self.seed,
            u64::MAX - 2 - u64::from(g),
            k as u64,
            rng::Purpose::PreRelease,
        )
    }

    /// Proposals `from..from + n` of the open generation, as latent coordinates (see
    /// [`Smc::values`]); generation 0 has only its draws.
    pub(crate) fn proposals(&self, from: usize, n: usize) -> Vec<Vec<f64>> {
        let Some(f) = &self.open.fitted else {
            let to = (from + n).min(self.open.first.len());
            return self.open.first[from.min(to)..to].to_vec();
        };
        let pop = self
            .population
            .as_ref()
            .expect("a later generation has a population");
        let g = self.generation();
        (from..from + n)
            .map(|k| {
                let mut s = self.stream(g, k);
                let u: f64 = s.random::<f64>() * f.cum[f.cum.len() - 1];
                let j = f.cum.partition_point(|&c| c <= u).min(f.cum.len() - 1);
                self.perturb(&pop.z[j], &f.chol[f.of(j)], &mut s)
            })
            .collect()
    }

    /// A draw from the normal around `mean` with Cholesky factor `l`, redrawn until inside.
    fn perturb(&self, mean: &[f64], l: &DMatrix<f64>, s: &mut Stream) -> Vec<f64> {
        let n = mean.len();
        let mut z = vec![0.0; n];
        for _ in 0..MAX_REDRAWS {
            let xi = DVector::from_fn(n, |_, _| s.sample::<f64, _>(StandardNormal));
            let step = l * xi;
            for i in 0..n {
                z[i] = mean[i] + step[i];
            }
            if self.dims.iter().zip(&z).all(|(d, &x)| d.inside(x)) {
                return z;
            }
        }
        self.dims
            .iter()
            .zip(z)
            .map(|(d, x)| x.clamp(d.lo, d.hi))
            .collect()
    }

    /// Open the generation after the last closed one.
    fn open_next(&mut self) {
        self.open.told = 0;
        self.open.accepted.clear();
        match &self.population {
            None => {
                let n = self.settings.first_draws();
                let mut s = self.stream(0, 0);
                let unit = crate::experiment::design::latin_hypercube(n, self.dims.len(), &mut s)
                    .expect("the population size was checked");
                self.open.first = unit
                    .into_iter()
                    .map(|u| self.dims.iter().zip(u).map(|(d, u)| d.at(u)).collect())
                    .collect();
                self.open.tolerance = f64::INFINITY;
                self.open.fitted = None;
            }
            Some(pop) => {
                self.open.first.clear();
                self.open.tolerance = weighted_quantile(&pop.d, &pop.w, self.settings.alpha);
                self.open.fitted = Some(self.fit(pop));
            }
        }
    }

    /// The kernel for a population.
    fn fit(&self, pop: &Population) -> Fitted {
        let n = self.dims.len();
        let mean: Vec<f64> = (0..n)
            .map(|i| pop.z.iter().zip(&pop.w).map(|(z, w)| w * z[i]).sum())
            .collect();
        // The weighted second moment about the mean (biased), and its unbiased correction for
        // reliability weights, as numpy.cov(aweights=w) computes it.
        let mut m = DMatrix::<f64>::zeros(n, n);
        for (z, w) in pop.z.iter().zip(&pop.w) {
            for i in 0..n {
                for j in 0..=i {
                    m[(i, j)] += w * (z[i] - mean[i]) * (z[j] - mean[j]);
                }
            }
        }
        for i in 0..n {
            for j in 0..i {
                m[(j, i)] = m[(i, j)];
            }
        }
        let covs: Vec<DMatrix<f64>> = match self.settings.kernel {
            Kernel::Global => {
                let sw2: f64 = pop.w.iter().map(|w| w * w).sum();
                let unbiased = if sw2 < 1.0 { 1.0 / (1.0 - sw2) } else { 1.0 };
                vec![&m * (2.0 * unbiased)]
            }
            Kernel::Local => pop
                .z
                .iter()
                .map(|zj| {
                    let dv = DVector::from_fn(n, |i, _| mean[i] - zj[i]);
                    &m + &dv * dv.transpose()
                })
                .collect(),
        };
        let mut chol = Vec::with_capacity(covs.len());
        let mut log_norm = Vec::with_capacity(covs.len());
        for c in covs {
            let l = self.cholesky(c);
            let log_det: f64 = (0..n).map(|i| l[(i, i)].ln()).sum();
            log_norm.push(-log_det - 0.5 * n as f64 * (2.0 * std::f64::consts::PI).ln());
            chol.push(l);
        }
        let cum = pop
            .w
            .iter()
            .scan(0.0, |s, w| {
                *s += w;
                Some(*s)
            })
            .collect();
        Fitted {
            chol,
            log_norm,
            cum,
        }
    }

    /// The lower Cholesky factor of `c`; a covariance that is not positive definite (a population
    /// collapsed onto fewer dimensions) gets a small ridge, scaled to each prior's width.
    fn cholesky(&self, c: DMatrix<f64>) -> DMatrix<f64> {
        let mut ridge = 1e-12;
        loop {
            let mut a = c.clone();
            for (i, d) in self.dims.iter().enumerate() {
                a[(i, i)] += ridge * (d.hi - d.lo).powi(2);
            }
            if let Some(ch) = nalgebra::Cholesky::new(a) {
                return ch.l();
            }
            ridge *= 100.0;
        }
    }

    /// Log prior density in the latent space (uniform on the box).
    fn log_prior(&self) -> f64 {
        -self.dims.iter().map(|d| (d.hi - d.lo).ln()).sum::<f64>()
    }

    /// Log of the proposal density at `z`: the weighted mixture of the kernels around the
    /// population's particles.
    fn log_proposal(&self, pop: &Population, fitted: &Fitted, z: &[f64]) -> f64 {
        let n = z.len();
        let terms: Vec<f64> = pop
            .z
            .iter()
            .zip(&pop.w)
            .enumerate()
            .map(|(j, (zj, &w))| {
                let k = fitted.of(j);
                let l = &fitted.chol[k];
                // Solve L y = z - zj (forward substitution); the quadratic form is |y|^2.
                let mut y = vec![0.0; n];
                for i in 0..n {
                    let mut s = z[i] - zj[i];
                    for (m, ym) in y.iter().enumerate().take(i) {
                        s -= l[(i, m)] * ym;
                    }
                    y[i] = s / l[(i, i)];
                }
                let q: f64 = y.iter().map(|v| v * v).sum();
                w.ln() + fitted.log_norm[k] - 0.5 * q
            })
            .collect();
        log_sum_exp(&terms)
    }

    /// The distances of proposals `from..from + distances.len()` of the open generation (as
    /// [`Smc::proposals`] gave them; NaN or infinite for a particle that failed), told in index
    /// order. Closes the generation once it holds its population (distances past its last
    /// accepted particle are counted as runs and otherwise ignored), or abandons it past its
    /// limit. Returns whether a generation closed.
    pub(crate) fn tell(&mut self, from: usize, distances: &[f64]) -> Result<bool, SmcError> {
        if self.stopped.is_some() {
            return Err(SmcError::Stopped);
        }
        if from != self.open.told {
            return Err(SmcError::Order {
                expected: self.open.told,
                got: from,
            });
        }
        let distances = if self.generation() == 0 {
            let end = (from + distances.len()).min(self.open.first.len());
            &distances[..end - from]
        } else {
            distances
        };
        let proposals = self.proposals(from, distances.len());
        let n = self.settings.population;
        let g = self.generation();
        let mut closed_at = None;
        for (i, (z, &d)) in proposals.into_iter().zip(distances).enumerate() {
            let d = if d.is_nan() { f64::INFINITY } else { d };
            if g == 0 || d <= self.open.tolerance {
                self.open.accepted.push((from + i, z, d));
                if g > 0 && self.open.accepted.len() == n {
                    closed_at = Some(from + i + 1);
                    break;
                }
            }
        }
        self.open.told = from + distances.len();
        if g == 0 {
            if self.open.told < self.open.first.len() {
                return Ok(false);
            }
            let finite = self
                .open
                .accepted
                .iter()
                .filter(|a| a.2.is_finite())
                .count();
            if finite < n {
                return Err(SmcError::TooFew { finite, needed: n });
            }
            let mut kept = std::mem::take(&mut self.open.accepted);
            kept.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
            kept.truncate(n);
            kept.sort_by_key(|a| a.0);
            let used = self.open.told;
            self.close(kept, vec![1.0; n], used, used);
            return Ok(true);
        }
        if let Some(used) = closed_at {
            let pop = self
                .population
                .as_ref()
                .expect("a later generation has a population");
            let f = self
                .open
                .fitted
                .as_ref()
                .expect("fitted with the population");
            let lp = self.log_prior();
            let w: Vec<f64> = self
                .open
                .accepted
                .iter()
                .map(|a| (lp - self.log_proposal(pop, f, &a.1)).exp())
                .collect();
            let kept = std::mem::take(&mut self.open.accepted);
            let runs = self.open.told;
            self.close(kept, w, used, runs);
            return Ok(true);
        }
        if self.open.told >= self.settings.max_proposals() {
            let pop = self
                .population
                .as_ref()
                .expect("a later generation has a population");
            self.history.push(GenerationStats {
                generation: g,
                tolerance: self.open.tolerance,
                runs: self.open.told,
                used: self.open.told,
                acceptance: self.open.accepted.len() as f64 / self.open.told as f64,
                ess: pop.ess(),
                abandoned: true,
            });
            self.stopped = Some(Stop::Acceptance);
            return Ok(true);
        }
        Ok(false)
    }

    /// Make `kept` (with unnormalised weights `w`) the population and record the generation.
    fn close(&mut self, kept: Vec<(usize, Vec<f64>, f64)>, w: Vec<f64>, used: usize, runs: usize) {
        let total: f64 = w.iter().sum();
        let pop = Population {
            index: kept.iter().map(|a| a.0).collect(),
            d: kept.iter().map(|a| a.2).collect(),
            w: w.iter().map(|w| w / total).collect(),
            z: kept.into_iter().map(|a| a.1).collect(),
        };
        let stats = GenerationStats {
            generation: self.generation(),
            tolerance: pop.largest(),
            runs,
            used,
            acceptance: pop.z.len() as f64 / used as f64,
            ess: pop.ess(),
            abandoned: false,
        };
        self.population = Some(pop);
        self.history.push(stats);
        self.stopped = self.stop_after(&stats);
        if self.stopped.is_none() {
            self.open_next();
        }
    }

    /// Whether the run stops after a generation.
    fn stop_after(&self, h: &GenerationStats) -> Option<Stop> {
        if h.abandoned || (h.generation > 0 && h.acceptance < self.settings.min_acceptance) {
            Some(Stop::Acceptance)
        } else if h.tolerance <= self.settings.min_tolerance {
            Some(Stop::Tolerance)
        } else if h.generation + 1 >= self.settings.max_generations {
            Some(Stop::Generations)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests;
