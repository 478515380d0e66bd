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

    /// A draw in whole minutes. Always makes one draw (none for a fixed delay), so that scenarios
    /// differing only in a mean stay in step on the stream. How much of the stream one draw uses
    /// depends on the distribution (a gamma draw is a rejection loop), so a different cv can shift
    /// later draws on the same stream.
    #[inline]
    pub(crate) fn minutes(&self, rng: &mut Stream) -> u32 {
        to_minutes(self.draw(rng))
    }

    /// A draw in (fractional) minutes, for a caller that scales it before rounding.
    #[inline]
    pub(crate) fn draw(&self, rng: &mut Stream) -> f64 {
        match self {
            Sampler::Fixed(m) => *m,
            Sampler::Exponential(m) => {
                let e: f64 = Exp1.sample(rng);
                e * m
            }
            Sampler::Gamma(g) => g.sample(rng),
        }
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

/// Whole minutes, rounded half away from zero (as `f64::round`); 0 for anything not finite and
/// positive, `u32::MAX` for anything above it.
#[inline]
pub(crate) fn to_minutes(x: f64) -> u32 {
    if x.is_finite() && x > 0.0 {
        if x >= u32::MAX as f64 {
            return u32::MAX;
        }
        // `f64::round` is a library call on baseline x86-64; truncation is one instruction, and
        // `x - whole` is exact (no rounding) for 0 <= whole <= x < whole + 1.
        let whole = x as u32;
        if x - whole as f64 >= 0.5 {
            whole + 1
        } else {
            whole
        }
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;
    // Named: proptest's prelude has another version's `Rng`.
    use rand::{Rng, SeedableRng};

    use super::*;

    fn stream(seed: u64) -> Stream {
        Stream::seed_from_u64(seed)
    }

    /// Any f64 at all (NaN, infinities, subnormals, negatives), or one of the edge values.
    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            prop::num::f64::ANY,
            prop::sample::select(vec![
                0.0,
                -0.0,
                1.0,
                1.0 + 1e-13,
                1.0 - 1e-13,
                0.5,
                1e-300,
                1e300,
                f64::MAX,
                f64::MIN_POSITIVE,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
                u32::MAX as f64,
                u32::MAX as f64 + 0.5,
            ]),
        ]
    }

    /// A valid duration: what validation lets through (finite mean, finite cv >= 0).
    fn duration() -> impl Strategy<Value = Duration> {
        let cv = prop_oneof![
            1 => Just(0.0),
            1 => Just(1.0),
            6 => 0.01f64..3.0,
        ];
        (0.05f64..1e5, cv).prop_map(|(mean, cv)| Duration { mean, cv })
    }

    proptest! {
        #[test]
        fn to_minutes_rounds_clamps_and_zeroes_the_rest(x in any_f64()) {
            let m = to_minutes(x);
            if !x.is_finite() || x <= 0.0 {
                prop_assert_eq!(m, 0);
            } else if x >= u32::MAX as f64 {
                prop_assert_eq!(m, u32::MAX);
            } else {
                // Nearest whole minute, halves away from zero.
                prop_assert!((m as f64 - x).abs() <= 0.5);
                prop_assert_eq!(m as f64, x.round());
            }
        }

        /// Fixed when cv <= 0 or mean <= 0 (drawing the rounded mean without touching the
        /// stream), exponential when cv is 1, gamma otherwise; `minutes` never panics and maps
        /// the raw draw through `to_minutes`.
        #[test]
        fn the_kind_follows_cv_and_minutes_rounds_the_raw_draw(
            mean in any_f64(),
            cv in any_f64(),
            seed in any::<u64>(),
        ) {
            let s = Sampler::new(Duration { mean, cv });
            let mut rng = stream(seed);
            for _ in 0..4 {
                let mut raw_rng = rng.clone();
                let got = s.minutes(&mut rng);
                let raw = match &s {
                    Sampler::Fixed(m) => *m,
                    Sampler::Exponential(m) => {
                        let e: f64 = Exp1.sample(&mut raw_rng);
                        e * m
                    }
                    Sampler::Gamma(g) => g.sample(&mut raw_rng),
                };
                prop_assert_eq!(got, to_minutes(raw));
                prop_assert_eq!(&rng, &raw_rng);
            }
            if cv <= 0.0 || mean <= 0.0 {
                prop_assert!(matches!(s, Sampler::Fixed(_)), "{:?}", s);
                prop_assert_eq!(s.minutes(&mut rng), to_minutes(mean));
                // A fixed delay draws nothing.
                prop_assert_eq!(&rng, &stream(seed));
            } else if (cv - 1.0).abs() < 1e-12 {
                prop_assert!(matches!(s, Sampler::Exponential(m) if m.to_bits() == mean.to_bits()), "{:?}", s);
            } else if 1.0 / (cv * cv) > 0.0 && mean * cv * cv > 0.0 {
                prop_assert!(matches!(s, Sampler::Gamma(_)), "{:?}", s);
            } else {
                // Parameters no gamma takes (validation rejects them): the mean, fixed.
                prop_assert!(matches!(s, Sampler::Fixed(m) if m.to_bits() == mean.to_bits()), "{:?}", s);
            }
        }

        /// Changing a mean changes the values drawn but not how much randomness they use, so a
        /// stream stays in step with the same stream under another mean (common random numbers).
        #[test]
        fn draws_use_the_same_randomness_whatever_the_mean(
            d in duration(),
            other_mean in 0.05f64..1e5,
            seed in any::<u64>(),
            n in 1usize..200,
        ) {
            let a = Sampler::new(d);
            let b = Sampler::new(Duration { mean: other_mean, ..d });
            let (mut ra, mut rb) = (stream(seed), stream(seed));
            for _ in 0..n {
                a.minutes(&mut ra);
                b.minutes(&mut rb);
            }
            prop_assert_eq!(ra.random::<u64>(), rb.random::<u64>());
        }

        /// `hazard` is `None` exactly when the rate is not positive (NaN included), and draws the
        /// same randomness whatever the rate, even when it returns `None`.
        #[test]
        fn hazard_is_none_iff_the_rate_is_not_positive(
            rate in any_f64(),
            other in any_f64(),
            seed in any::<u64>(),
        ) {
            let mut rng = stream(seed);
            let mut raw_rng = stream(seed);
            let got = hazard(rate, &mut rng);
            prop_assert_eq!(got.is_some(), rate > 0.0);
            let e: f64 = Exp1.sample(&mut raw_rng);
            if rate > 0.0 {
                prop_assert_eq!(got, Some(to_minutes(e / rate)));
            }
            prop_assert_eq!(&rng, &raw_rng);
            let mut other_rng = stream(seed);
            hazard(other, &mut other_rng);
            prop_assert_eq!(&rng, &other_rng);
        }

        /// `pick` returns the index whose bracket [cdf[i-1], cdf[i]) holds the uniform drawn,
        /// never out of range, and never a zero-width bracket.
        #[test]
        fn pick_returns_the_bracket_of_the_uniform(
            weights in prop::collection::vec(prop_oneof![1 => Just(0.0), 4 => 0.0f64..10.0], 1..12),
            seed in any::<u64>(),
        ) {
            let total: f64 = weights.iter().sum();
            prop_assume!(total > 0.0);
            let mut acc = 0.0;
            let mut cdf: Vec<f64> = weights.iter().map(|w| { acc += w / total; acc }).collect();
            *cdf.last_mut().unwrap() = 1.0;
            let mut rng = stream(seed);
            for _ in 0..16 {
                let u = unit(&mut rng.clone());
                let i = pick(&cdf, &mut rng);
                prop_assert!(i < cdf.len());
                prop_assert!(u < cdf[i], "u {} cdf {:?} i {}", u, cdf, i);
                let lower = if i == 0 { 0.0 } else { cdf[i - 1] };
                prop_assert!(lower <= u, "u {} cdf {:?} i {}", u, cdf, i);
                prop_assert!(lower < cdf[i]);
            }
        }

        #[test]
        fn unit_is_in_zero_one(seed in any::<u64>()) {
            let mut rng = stream(seed);
            for _ in 0..64 {
                let u = unit(&mut rng);
                prop_assert!((0.0..1.0).contains(&u), "{}", u);
            }
        }
    }

    proptest! {
        // A statistical check: fixed seed, so that it passes or fails the same way every run.
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: RngSeed::Fixed(0x05A3_D1E5),
            ..ProptestConfig::default()
        })]

        /// The sample mean is within 5 standard errors of the mean (plus the half minute that
        /// rounding may shift it by).
        #[test]
        fn the_sample_mean_is_close_to_the_mean(d in duration(), seed in any::<u64>()) {
            const N: usize = 4000;
            let s = Sampler::new(d);
            let mut rng = stream(seed);
            let sum: f64 = (0..N).map(|_| s.minutes(&mut rng) as f64).sum();
            let sample_mean = sum / N as f64;
            let se = d.mean * d.cv / (N as f64).sqrt();
            prop_assert!(
                (sample_mean - d.mean).abs() <= 5.0 * se + 0.5,
                "{:?}: sample mean {} (se {})", d, sample_mean, se
            );
        }
    }
}
