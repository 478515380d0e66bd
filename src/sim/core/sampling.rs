//! Samplers: drawing durations and waiting times from validated parameters. Distributions are built once per
//! run, never on the per-event path.

use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma};

use crate::rng::Stream;
use crate::sim::params::Duration;

/// A prepared sampler for a [`Duration`].
#[derive(Debug, Clone)]
pub(crate) enum Sampler {
    Fixed(f64),
    Exponential(f64),
    Gamma(Gamma<f64>),
}

impl Sampler {
    pub(crate) fn new(d: Duration) -> Self {
        if d.cv <= 0.0 || d.mean <= 0.0 {
            Sampler::Fixed(d.mean.max(0.0))
        } else if (d.cv - 1.0).abs() < 1e-12 {
            Sampler::Exponential(d.mean)
        } else {
            let shape = 1.0 / (d.cv * d.cv);
            let scale = d.mean * d.cv * d.cv;
            // Validation guarantees shape and scale are finite and positive.
            match Gamma::new(shape, scale) {
                Ok(g) => Sampler::Gamma(g),
                Err(_) => Sampler::Fixed(d.mean),
            }
        }
    }

    /// A draw in whole minutes. Always consumes randomness (except for a fixed delay), so that the
    /// number of draws does not depend on the value drawn.
    #[inline]
    pub(crate) fn minutes(&self, rng: &mut Stream) -> u32 {
        let x = match self {
            Sampler::Fixed(m) => *m,
            Sampler::Exponential(m) => {
                let e: f64 = Exp1.sample(rng);
                e * m
            }
            Sampler::Gamma(g) => g.sample(rng),
        };
        to_minutes(x)
    }
}

/// Minutes to the next event of a Poisson process of `rate` per minute; `None` when the rate is 0.
#[inline]
pub(crate) fn hazard(rate: f64, rng: &mut Stream) -> Option<u32> {
    let e: f64 = Exp1.sample(rng);
    if rate > 0.0 {
        Some(to_minutes(e / rate))
    } else {
        None
    }
}

#[inline]
pub(crate) fn to_minutes(x: f64) -> u32 {
    if x.is_finite() && x > 0.0 {
        x.round().min(u32::MAX as f64) as u32
    } else {
        0
    }
}

/// A uniform draw in [0, 1).
#[inline]
pub(crate) fn unit(rng: &mut Stream) -> f64 {
    rng.random::<f64>()
}

/// Index into a cumulative distribution (last entry 1).
#[inline]
pub(crate) fn pick(cdf: &[f64], rng: &mut Stream) -> usize {
    let u = unit(rng);
    cdf.iter().position(|&c| u < c).unwrap_or(cdf.len() - 1)
}
