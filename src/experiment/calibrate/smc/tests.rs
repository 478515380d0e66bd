//! Tests of the ABC-SMC state machine: the latent space, the importance weights against a hand
//! computation, the tolerance schedule and stopping rules, determinism, and posteriors of toy
//! models whose exact posterior is known.

use super::*;
use crate::rng::{self, Stream};

fn settings(population: usize, kernel: Kernel) -> Settings {
    Settings {
        population,
        alpha: 0.5,
        min_acceptance: 0.05,
        min_tolerance: 0.0,
        max_generations: 40,
        kernel,
    }
}

/// Run `smc` to its end on a model: `distance(values, stream)` with a fresh stream per particle,
/// in the rounds [`Smc::round`] asks for.
fn run(smc: &mut Smc, distance: &dyn Fn(&[f64], &mut Stream) -> f64) {
    let mut count = 0u64;
    while smc.stopped.is_none() {
        let from = smc.told();
        let proposals = smc.proposals(from, smc.round());
        let d: Vec<f64> = proposals
            .iter()
            .map(|z| {
                count += 1;
                let mut s = rng::stream(99, 0, count, rng::Purpose::Life);
                distance(&smc.values(z), &mut s)
            })
            .collect();
        smc.tell(from, &d).unwrap();
    }
}

fn weighted_mean_sd(pop: &Population, dim: usize, smc: &Smc) -> (f64, f64) {
    let x: Vec<f64> = pop.z.iter().map(|z| smc.values(z)[dim]).collect();
    let m: f64 = x.iter().zip(&pop.w).map(|(x, w)| x * w).sum();
    let v: f64 = x.iter().zip(&pop.w).map(|(x, w)| w * (x - m).powi(2)).sum();
    (m, v.sqrt())
}

/// The mean of 10 draws of Normal(theta, 1): a normal with sd 1/sqrt(10).
fn gaussian_mean(theta: f64, s: &mut Stream) -> f64 {
    let e: f64 = s.sample(StandardNormal);
    theta + e / 10f64.sqrt()
}

#[test]
fn whole_numbers_have_equal_prior_weight_and_logs_are_uniform_in_the_log() {
    let d = Dim::new(1.0, 3.0, false, true);
    assert_eq!((d.lo, d.hi), (0.5, 3.5));
    // Each whole value takes a third of the latent interval: the end values are not halved.
    let counts = (0..3000).fold([0usize; 3], |mut c, i| {
        let v = d.value(d.at((i as f64 + 0.5) / 3000.0));
        c[v as usize - 1] += 1;
        c
    });
    assert_eq!(counts, [1000, 1000, 1000]);
    assert_eq!(d.value(d.lo), 1.0);
    assert_eq!(d.value(d.hi), 3.0);
    let l = Dim::new(0.1, 10.0, true, false);
    assert!((l.value(l.at(0.5)) - 1.0).abs() < 1e-12);
    assert!((l.value(l.at(0.0)) - 0.1).abs() < 1e-12);
    let li = Dim::new(1.0, 100.0, true, true);
    assert!((li.lo - 0.5f64.ln()).abs() < 1e-12 && (li.hi - 100.5f64.ln()).abs() < 1e-12);
    assert_eq!(li.value(li.hi), 100.0);
}

#[test]
fn generation_zero_draws_from_the_prior_and_keeps_the_alpha_nearest_with_equal_weights() {
    let dims = vec![Dim::new(0.0, 10.0, false, false)];
    let mut smc = Smc::new(dims, settings(4, Kernel::Global), 1);
    assert_eq!(smc.round(), 8);
    let p = smc.proposals(0, 8);
    // A Latin hypercube: one particle per eighth of the prior.
    let mut strata: Vec<usize> = p.iter().map(|z| (z[0] / 1.25) as usize).collect();
    strata.sort();
    assert_eq!(strata, (0..8).collect::<Vec<_>>());
    let d: Vec<f64> = p.iter().map(|z| (z[0] - 5.0).abs()).collect();
    // Told in two rounds: the generation closes with the last of its draws.
    assert_eq!(smc.tell(0, &d[..5]), Ok(false));
    assert_eq!(smc.round(), 3);
    assert_eq!(smc.tell(5, &d[5..]), Ok(true));
    let pop = smc.population.as_ref().unwrap();
    assert_eq!(pop.w, vec![0.25; 4]);
    let mut sorted = d.clone();
    sorted.sort_by(f64::total_cmp);
    let mut kept = pop.d.clone();
    kept.sort_by(f64::total_cmp);
    assert_eq!(kept, sorted[..4]);
    assert!(pop.index.windows(2).all(|w| w[0] < w[1]));
    let h = smc.history[0];
    assert_eq!(
        (h.runs, h.used, h.acceptance, h.tolerance),
        (8, 8, 0.5, sorted[3])
    );
    assert!((pop.ess() - 4.0).abs() < 1e-12);
    // The next tolerance is the median of the population's distances.
    assert_eq!(smc.tolerance(), (sorted[1] + sorted[2]) / 2.0);
}

#[test]
fn new_weights_are_the_prior_over_the_mixture_of_kernels() {
    // Two particles at 4 and 6 with weights 1/4 and 3/4 on a uniform prior over [0, 10]: the
    // global kernel is a normal with twice the weighted covariance (unbiased for reliability
    // weights), and a new particle at z has weight (1/10) / sum_j w_j N(z; z_j, 2 var).
    let dims = vec![Dim::new(0.0, 10.0, false, false)];
    let pop = Population {
        z: vec![vec![4.0], vec![6.0]],
        w: vec![0.25, 0.75],
        d: vec![0.1, 0.2],
        index: vec![0, 1],
    };
    let h = GenerationStats {
        generation: 0,
        tolerance: 0.2,
        runs: 4,
        used: 4,
        acceptance: 0.5,
        ess: 1.6,
        abandoned: false,
    };
    let mut smc = Smc::resume(dims, settings(2, Kernel::Global), 1, Some(pop), vec![h]);
    assert_eq!(smc.generation(), 1);
    // The weighted median of the distances: midpoints of the cumulative weights are 1/8 and 5/8.
    assert!((smc.tolerance() - (0.1 + 0.1 * (0.5 - 0.125) / 0.5)).abs() < 1e-12);
    let mean = 0.25 * 4.0 + 0.75 * 6.0;
    let biased = 0.25 * (4.0f64 - mean).powi(2) + 0.75 * (6.0f64 - mean).powi(2);
    let var = 2.0 * biased / (1.0 - (0.0625 + 0.5625));
    let normal = |x: f64, m: f64| {
        (-(x - m) * (x - m) / (2.0 * var)).exp() / (2.0 * std::f64::consts::PI * var).sqrt()
    };
    let z = smc.proposals(0, 4);
    // Proposals 0 and 2 are within the tolerance: the population closes at proposal 2, and the
    // fourth distance is run but not used.
    assert_eq!(smc.tell(0, &[0.05, 0.3, 0.1, 0.0]), Ok(true));
    let pop = smc.population.as_ref().unwrap();
    let w = |x: f64| 0.1 / (0.25 * normal(x, 4.0) + 0.75 * normal(x, 6.0));
    let (w0, w2) = (w(z[0][0]), w(z[2][0]));
    assert_eq!(pop.index, vec![0, 2]);
    assert_eq!(pop.d, vec![0.05, 0.1]);
    assert!((pop.w[0] - w0 / (w0 + w2)).abs() < 1e-12, "{:?}", pop.w);
    let h = smc.history[1];
    assert_eq!(
        (h.runs, h.used, h.acceptance, h.tolerance),
        (4, 3, 2.0 / 3.0, 0.1)
    );
}

#[test]
fn the_local_kernel_is_the_second_moment_about_each_ancestor() {
    let dims = vec![Dim::new(0.0, 10.0, false, false)];
    let mut smc = Smc::new(dims, settings(2, Kernel::Local), 1);
    let pop = Population {
        z: vec![vec![4.0], vec![6.0]],
        w: vec![0.5, 0.5],
        d: vec![0.1, 0.2],
        index: vec![0, 1],
    };
    let f = smc.fit(&pop);
    // About 4: 0.5 * 0 + 0.5 * 4 = 2; about 6 the same.
    assert_eq!(f.chol.len(), 2);
    assert!((f.chol[0][(0, 0)] - 2f64.sqrt()).abs() < 1e-9);
    smc.settings.kernel = Kernel::Global;
    // Globally: twice the unbiased variance, 2 * 1 / (1 - 0.5) = 4.
    let g = smc.fit(&pop);
    assert_eq!(g.chol.len(), 1);
    assert!((g.chol[0][(0, 0)] - 2.0).abs() < 1e-9);
}

#[test]
fn proposals_stay_inside_the_prior_and_depend_only_on_the_seed_index_and_population() {
    let dims = vec![
        Dim::new(0.0, 1.0, false, false),
        Dim::new(1.0, 5.0, false, true),
    ];
    let mut a = Smc::new(dims.clone(), settings(50, Kernel::Global), 3);
    let p = a.proposals(0, 100);
    let d: Vec<f64> = p.iter().map(|z| z[0]).collect();
    a.tell(0, &d).unwrap();
    let next = a.proposals(0, 200);
    assert!(next
        .iter()
        .all(|z| (0.0..=1.0).contains(&z[0]) && (0.5..=5.5).contains(&z[1])));
    // By index: any slice is the same as the whole.
    assert_eq!(a.proposals(37, 5), next[37..42]);
    let mut b = Smc::new(dims.clone(), settings(50, Kernel::Global), 3);
    b.tell(0, &d).unwrap();
    assert_eq!(b.proposals(0, 200), next);
    let c = Smc::new(dims, settings(50, Kernel::Global), 4);
    assert_ne!(c.proposals(0, 100), p);
}

#[test]
fn bad_distances_are_refused_and_a_generation_that_cannot_fill_is_abandoned() {
    let dims = vec![Dim::new(0.0, 1.0, false, false)];
    let mut s = settings(3, Kernel::Global);
    s.min_acceptance = 0.5;
    let mut smc = Smc::new(dims, s, 3);
    assert_eq!(
        smc.tell(2, &[1.0]),
        Err(SmcError::Order {
            expected: 0,
            got: 2
        })
    );
    let d = [1.0, f64::NAN, f64::INFINITY, 2.0, f64::NAN, f64::NAN];
    assert_eq!(
        smc.tell(0, &d),
        Err(SmcError::TooFew {
            finite: 2,
            needed: 3
        })
    );
    let mut smc = Smc::new(smc.dims.clone(), s, 3);
    let d = [1.0, f64::NAN, 0.5, 2.0, f64::NAN, f64::NAN];
    assert_eq!(smc.tell(0, &d), Ok(true));
    let before = smc.population.clone().unwrap();
    assert_eq!(before.d, vec![1.0, 0.5, 2.0]);
    assert_eq!(smc.tolerance(), 1.0);
    // Nothing within the tolerance: after population / min_acceptance = 6 proposals the
    // generation is abandoned and the population before it stays.
    assert_eq!(smc.round(), 6);
    assert_eq!(smc.tell(0, &[5.0; 4]), Ok(false));
    assert_eq!(smc.round(), 2);
    assert_eq!(smc.tell(4, &[5.0, 0.1]), Ok(true));
    assert_eq!(smc.stopped, Some(Stop::Acceptance));
    assert!(smc.history[1].abandoned);
    assert_eq!(smc.population, Some(before));
    assert_eq!(smc.round(), 0);
    assert_eq!(smc.tell(6, &[0.0]), Err(SmcError::Stopped));
}

#[test]
fn it_stops_on_the_tolerance_the_generations_or_the_acceptance_rate() {
    let dims = vec![Dim::new(-5.0, 5.0, false, false)];
    let model = |v: &[f64], s: &mut Stream| (gaussian_mean(v[0], s) - 1.3).abs();
    let mut s = settings(100, Kernel::Global);
    s.min_tolerance = 0.2;
    let mut smc = Smc::new(dims.clone(), s, 5);
    run(&mut smc, &model);
    assert_eq!(smc.stopped, Some(Stop::Tolerance));
    assert!(smc.history.last().unwrap().tolerance <= 0.2);
    let before = &smc.history[smc.history.len() - 2];
    assert!(before.tolerance > 0.2);
    let mut s = settings(100, Kernel::Global);
    s.max_generations = 3;
    let mut smc = Smc::new(dims.clone(), s, 5);
    run(&mut smc, &model);
    assert_eq!(smc.stopped, Some(Stop::Generations));
    assert_eq!(smc.history.len(), 3);
    let mut smc = Smc::new(dims, settings(100, Kernel::Global), 5);
    run(&mut smc, &model);
    assert_eq!(smc.stopped, Some(Stop::Acceptance));
    let h = &smc.history;
    assert!(h.last().unwrap().acceptance < 0.05);
    assert!(h[1..h.len() - 1].iter().all(|g| g.acceptance >= 0.05));
    // The tolerance never grows.
    assert!(h.windows(2).all(|w| w[1].tolerance <= w[0].tolerance));
}

#[test]
fn a_run_resumed_from_its_record_goes_on_as_an_uninterrupted_one() {
    let dims = vec![Dim::new(-5.0, 5.0, false, false)];
    let model = |v: &[f64], s: &mut Stream| (gaussian_mean(v[0], s) - 1.3).abs();
    // Three generations, stopped by max_generations.
    let mut s = settings(100, Kernel::Local);
    s.max_generations = 3;
    let mut part = Smc::new(dims.clone(), s, 8);
    run(&mut part, &model);
    assert_eq!(part.stopped, Some(Stop::Generations));
    // Resumed from what they recorded, with room for more generations.
    let resumed = Smc::resume(
        dims.clone(),
        settings(100, Kernel::Local),
        8,
        part.population.clone(),
        part.history.clone(),
    );
    assert_eq!(resumed.stopped, None);
    assert_eq!(resumed.generation(), 3);
    // Uninterrupted, with the same streams, up to the same point.
    let mut whole = Smc::new(dims, settings(100, Kernel::Local), 8);
    let mut n = 0u64;
    while whole.generation() < 3 {
        let from = whole.told();
        let p = whole.proposals(from, whole.round());
        let d: Vec<f64> = p
            .iter()
            .map(|z| {
                n += 1;
                model(
                    &whole.values(z),
                    &mut rng::stream(99, 0, n, rng::Purpose::Life),
                )
            })
            .collect();
        whole.tell(from, &d).unwrap();
    }
    assert_eq!(whole.history, part.history);
    assert_eq!(resumed.tolerance(), whole.tolerance());
    assert_eq!(resumed.proposals(0, 50), whole.proposals(0, 50));
    // A record that says the run stopped resumes stopped.
    let stopped = Smc::resume(
        part.dims.clone(),
        part.settings,
        8,
        part.population,
        part.history,
    );
    assert_eq!(stopped.stopped, Some(Stop::Generations));
}

#[test]
fn the_posterior_of_a_normal_mean_is_recovered_by_both_kernels() {
    // y = mean of 10 draws of N(theta, 1), observed 1.3, theta ~ U(-5, 5): the exact posterior is
    // N(1.3, 1/10); with a final tolerance eps (uniform ABC kernel on |y - 1.3| <= eps) the ABC
    // posterior's variance is 1/10 + eps^2/3.
    for kernel in [Kernel::Global, Kernel::Local] {
        let dims = vec![Dim::new(-5.0, 5.0, false, false)];
        let mut smc = Smc::new(dims, settings(1000, kernel), 11);
        run(&mut smc, &|v, s| (gaussian_mean(v[0], s) - 1.3).abs());
        let pop = smc.population.clone().unwrap();
        let eps = pop.largest();
        assert!(eps < 0.1, "{kernel:?}: final tolerance {eps}");
        let (m, sd) = weighted_mean_sd(&pop, 0, &smc);
        let want_sd = (0.1 + eps * eps / 3.0).sqrt();
        // Monte Carlo error of the mean with this effective sample size: sd / sqrt(ESS); 4 of them.
        let se = want_sd / pop.ess().sqrt();
        assert!((m - 1.3).abs() < 4.0 * se, "{kernel:?}: mean {m} (se {se})");
        // The sd's relative Monte Carlo error is about 1 / sqrt(2 ESS).
        let rel = 1.0 / (2.0 * pop.ess()).sqrt();
        assert!(
            (sd / want_sd - 1.0).abs() < 4.0 * rel + 0.03,
            "{kernel:?}: sd {sd} against {want_sd} (ESS {})",
            pop.ess()
        );
        assert!(pop.ess() > 300.0, "{kernel:?}: ESS {}", pop.ess());
    }
}

#[test]
fn a_correlated_posterior_and_a_whole_number_parameter_are_recovered() {
    // Data a + b observed 3 with noise sd 0.2 and a whole number k observed exactly by k itself
    // (plus noise): b = 3 - a along a ridge; k concentrates on 4.
    let dims = vec![
        Dim::new(0.0, 3.0, false, false),
        Dim::new(0.0, 3.0, false, false),
        Dim::new(1.0, 8.0, false, true),
    ];
    let mut smc = Smc::new(dims, settings(600, Kernel::Local), 2);
    run(&mut smc, &|v, s| {
        let e: f64 = s.sample(StandardNormal);
        let f: f64 = s.sample(StandardNormal);
        ((v[0] + v[1] + 0.2 * e - 3.0).powi(2) + (v[2] + 0.3 * f - 4.0).powi(2)).sqrt()
    });
    let pop = smc.population.clone().unwrap();
    let vals: Vec<Vec<f64>> = pop.z.iter().map(|z| smc.values(z)).collect();
    let on_ridge: f64 = vals
        .iter()
        .zip(&pop.w)
        .filter(|(v, _)| (v[0] + v[1] - 3.0).abs() < 0.6)
        .map(|(_, w)| w)
        .sum();
    assert!(on_ridge > 0.95, "{on_ridge}");
    let at_4: f64 = vals
        .iter()
        .zip(&pop.w)
        .filter(|(v, _)| v[2] == 4.0)
        .map(|(_, w)| w)
        .sum();
    assert!(at_4 > 0.6, "{at_4}");
    assert!(vals.iter().all(|v| v[2].fract() == 0.0));
    // a and b are not identified separately: their posterior correlation is strongly negative.
    let (ma, sa) = weighted_mean_sd(&pop, 0, &smc);
    let (mb, sb) = weighted_mean_sd(&pop, 1, &smc);
    let cov: f64 = vals
        .iter()
        .zip(&pop.w)
        .map(|(v, w)| w * (v[0] - ma) * (v[1] - mb))
        .sum();
    assert!(cov / (sa * sb) < -0.8, "{}", cov / (sa * sb));
}

#[test]
fn weighted_quantiles_reduce_to_the_median_for_equal_weights() {
    let v = [3.0, 1.0, 2.0, 4.0];
    let w = [0.25; 4];
    assert_eq!(weighted_quantile(&v, &w, 0.5), 2.5);
    assert_eq!(weighted_quantile(&v, &w, 0.0), 1.0);
    assert_eq!(weighted_quantile(&v, &w, 1.0), 4.0);
    // All the weight on one value.
    assert_eq!(weighted_quantile(&v, &[0.0, 0.0, 1.0, 0.0], 0.3), 2.0);
    assert!(weighted_quantile(&[], &[], 0.5).is_nan());
}

#[test]
fn simulation_based_calibration_the_posterior_covers_the_truth_at_nominal_rates() {
    // Talts et al. (2018): draw a truth from the prior, data from the model at the truth, and
    // calibrate; over many trials the truth's rank in its posterior (here the weighted posterior
    // CDF at the truth) is uniform, so central intervals cover it at their nominal rates.
    let trials = 120;
    let mut ranks = Vec::with_capacity(trials);
    for trial in 0..trials as u64 {
        let mut s = rng::stream(7, trial, 0, rng::Purpose::Attributes);
        let truth: f64 = -5.0 + 10.0 * s.random::<f64>();
        // Keep the truth away from the prior's edges so truncation does not matter.
        let truth = truth.clamp(-3.5, 3.5);
        let observed = gaussian_mean(truth, &mut s);
        let dims = vec![Dim::new(-5.0, 5.0, false, false)];
        let mut set = settings(200, Kernel::Global);
        set.min_acceptance = 0.15;
        let mut smc = Smc::new(dims, set, 1000 + trial);
        let mut count = 0u64;
        while smc.stopped.is_none() {
            let from = smc.told();
            let p = smc.proposals(from, smc.round());
            let d: Vec<f64> = p
                .iter()
                .map(|z| {
                    count += 1;
                    let mut s = rng::stream(trial, 1, count, rng::Purpose::Life);
                    (gaussian_mean(smc.values(z)[0], &mut s) - observed).abs()
                })
                .collect();
            smc.tell(from, &d).unwrap();
        }
        let pop = smc.population.unwrap();
        let below: f64 = pop
            .z
            .iter()
            .zip(&pop.w)
            .filter(|(z, _)| z[0] < truth)
            .map(|(_, w)| w)
            .sum();
        ranks.push(below);
    }
    let cover = |level: f64| {
        let tail = (1.0 - level) / 2.0;
        ranks
            .iter()
            .filter(|&&r| r >= tail && r <= 1.0 - tail)
            .count() as f64
            / trials as f64
    };
    let (c50, c90) = (cover(0.5), cover(0.9));
    // Binomial standard errors over 120 trials: 0.046 at 50%, 0.027 at 90%; 3 of them.
    assert!((c50 - 0.5).abs() < 0.14, "50% intervals cover {c50}");
    assert!((c90 - 0.9).abs() < 0.082, "90% intervals cover {c90}");
    // Kolmogorov-Smirnov distance of the ranks from uniform: 0.149 is the 1% critical value.
    let mut sorted = ranks.clone();
    sorted.sort_by(f64::total_cmp);
    let ks = sorted
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            let n = trials as f64;
            (r - i as f64 / n).abs().max(((i + 1) as f64 / n - r).abs())
        })
        .fold(0.0, f64::max);
    println!("coverage: 50% intervals {c50}, 90% intervals {c90}; KS {ks}");
    assert!(ks < 0.149, "ranks far from uniform: KS {ks}");
}
