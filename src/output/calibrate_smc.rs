//! The files of an ABC-SMC calibration: `generations.csv` (per generation: tolerance, runs,
//! acceptance rate, effective sample size), `population.csv` (the weighted posterior population,
//! also per generation in `generations/gen-GGG/`), `identification.csv` (how far the fitted
//! targets narrow each prior, and each parameter's strongest posterior correlation),
//! `predictive.csv` (the posterior predictive check of every target, fitted and held out) and
//! `ensemble.csv` (equally weighted draws of the posterior, for runs over the calibrated
//! assumptions).

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::files::write_atomic;
use super::fmt_num;
use crate::experiment::calibrate::smc::{
    weighted_correlation, weighted_mean_sd, weighted_quantile, GenerationStats, Population, Smc,
};
use crate::experiment::calibrate::Calibration;
use crate::rng;
use crate::stats::Interval;

/// The folder of the generations' logs and populations.
pub(crate) const GENERATIONS_DIR: &str = "generations";
pub(crate) const GENERATIONS: &str = "generations.csv";
pub(crate) const POPULATION: &str = "population.csv";
pub(crate) const IDENTIFICATION: &str = "identification.csv";
pub(crate) const PREDICTIVE: &str = "predictive.csv";
pub(crate) const ENSEMBLE: &str = "ensemble.csv";
pub(crate) const SCREEN: &str = "screen.csv";
/// The folder of emitted Slurm scripts, and the scripts.
pub(crate) const SLURM_DIR: &str = "slurm";
pub(crate) const SLURM_SHARD: &str = "shard.sbatch";
pub(crate) const SLURM_DRIVER: &str = "driver.sbatch";
pub(crate) const SLURM_SUBMIT: &str = "submit.sh";
/// The folder of its charts (posterior marginals and pairs, tolerance schedule).
pub(crate) const CHARTS: &str = "charts";

/// Draws in `ensemble.csv`: as many as the population, at most this.
const MAX_ENSEMBLE: usize = 1000;

/// What the summary and `--json` say of an ABC-SMC run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SmcSummary {
    #[serde(serialize_with = "generations")]
    pub generations: Vec<GenerationStats>,
    pub stop: &'static str,
    pub ess: f64,
    /// Draws written to `ensemble.csv`.
    pub ensemble: usize,
    /// Per role (fitted, held out): targets whose 95% predictive interval meets them, of all.
    pub covered: [(usize, usize); 2],
    /// With a screen: parameters calibrated, of those screened.
    pub screened: Option<(usize, usize)>,
}

#[derive(Serialize)]
struct GenerationOut {
    generation: u32,
    tolerance: f64,
    runs: usize,
    acceptance: f64,
    ess: f64,
    abandoned: bool,
}

fn generations<S: serde::Serializer>(g: &[GenerationStats], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(g.iter().map(|h| GenerationOut {
        generation: h.generation,
        tolerance: h.tolerance,
        runs: h.runs,
        acceptance: h.acceptance,
        ess: h.ess,
        abandoned: h.abandoned,
    }))
}

/// A tolerance for a progress message ("none" before generation 0 has closed).
pub(crate) fn show_tolerance(t: f64) -> String {
    if t.is_finite() {
        format!("{t:.3}")
    } else {
        "none yet".into()
    }
}

/// One line per generation, as the calibration goes.
pub(crate) fn generation_line(h: &GenerationStats, population: usize) -> String {
    if h.abandoned {
        format!(
            "generation {}: abandoned after {} runs ({:.1}% within tolerance {:.3}); the population before it is the posterior",
            h.generation,
            h.runs,
            100.0 * h.acceptance,
            h.tolerance
        )
    } else {
        format!(
            "generation {}: {population} particles within tolerance {:.3} after {} runs (acceptance {:.1}%, ESS {:.0})",
            h.generation,
            h.tolerance,
            h.runs,
            100.0 * h.acceptance,
            h.ess
        )
    }
}

/// The generations as a text table.
pub(crate) fn generations_table(history: &[GenerationStats]) -> String {
    let mut s = format!(
        "{:>10} {:>10} {:>8} {:>11} {:>8}\n",
        "generation", "tolerance", "runs", "acceptance", "ESS"
    );
    for h in history {
        s.push_str(&format!(
            "{:>10} {:>10.3} {:>8} {:>10.1}% {:>8.0}{}\n",
            h.generation,
            h.tolerance,
            h.runs,
            100.0 * h.acceptance,
            h.ess,
            if h.abandoned { "  (abandoned)" } else { "" }
        ));
    }
    s
}

/// `generations.csv`.
pub(crate) fn write_generations(path: &Path, history: &[GenerationStats]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "generation",
            "tolerance",
            "runs",
            "runs_used",
            "acceptance",
            "ess",
            "abandoned",
        ])?;
        for h in history {
            out.write_record([
                h.generation.to_string(),
                fmt_num(h.tolerance),
                h.runs.to_string(),
                h.used.to_string(),
                fmt_num(h.acceptance),
                fmt_num(h.ess),
                h.abandoned.to_string(),
            ])?;
        }
        out.flush()?;
        Ok(())
    })
}

/// `population.csv`: per particle its proposal index, normalised weight, distance and values.
pub(crate) fn write_population(
    path: &Path,
    cal: &Calibration,
    smc: &Smc,
    pop: &Population,
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        let mut head = vec![
            "particle".to_string(),
            "weight".to_string(),
            "distance".to_string(),
        ];
        head.extend(cal.parameters.iter().map(|p| p.path.clone()));
        out.write_record(&head)?;
        for i in 0..pop.z.len() {
            let mut row = vec![
                pop.index[i].to_string(),
                fmt_num(pop.w[i]),
                fmt_num(pop.d[i]),
            ];
            row.extend(smc.values(&pop.z[i]).into_iter().map(fmt_num));
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// How far the fitted targets narrow a prior: the posterior's standard deviation over the
/// prior's, both in the space where the prior is uniform (the logarithm for a log-uniform prior).
/// Near 1, the targets leave the parameter where the prior put it.
pub(crate) fn verdict(ratio: f64) -> &'static str {
    if ratio < 0.5 {
        "identified"
    } else if ratio < 0.8 {
        "partly identified"
    } else {
        "not identified by the fitted targets"
    }
}

/// `identification.csv`: per parameter, the prior's and posterior's standard deviation (latent
/// space), their ratio and verdict, and its strongest posterior correlation with another
/// parameter (a strong correlation means the targets identify a combination, not each alone).
pub(crate) fn write_identification(
    path: &Path,
    cal: &Calibration,
    smc: &Smc,
    pop: &Population,
) -> Result<()> {
    let k = cal.parameters.len();
    let latent: Vec<Vec<f64>> = (0..k)
        .map(|j| pop.z.iter().map(|z| z[j]).collect())
        .collect();
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "parameter",
            "prior_sd",
            "posterior_sd",
            "sd_ratio",
            "verdict",
            "most_correlated_with",
            "correlation",
        ])?;
        for (j, p) in cal.parameters.iter().enumerate() {
            let d = smc.dims[j];
            let prior_sd = (d.hi - d.lo) / 12f64.sqrt();
            let (_, sd) = weighted_mean_sd(&latent[j], &pop.w);
            let ratio = sd / prior_sd;
            let best = (0..k)
                .filter(|&i| i != j)
                .map(|i| (i, weighted_correlation(&latent[j], &latent[i], &pop.w)))
                .filter(|x| x.1.is_finite())
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
            out.write_record([
                p.path.clone(),
                fmt_num(prior_sd),
                fmt_num(sd),
                fmt_num(ratio),
                verdict(ratio).to_string(),
                best.map(|b| cal.parameters[b.0].path.clone())
                    .unwrap_or_default(),
                best.map(|b| fmt_num(b.1)).unwrap_or_default(),
            ])?;
        }
        out.flush()?;
        Ok(())
    })
}

/// The weighted 95% predictive interval of a target's values over the population (mean at the
/// weighted mean; `n` the particles).
pub(crate) fn predictive_interval(values: &[f64], w: &[f64]) -> Interval {
    let (mean, sd) = weighted_mean_sd(values, w);
    Interval {
        n: values.len(),
        mean,
        sd,
        low: weighted_quantile(values, w, 0.025),
        high: weighted_quantile(values, w, 0.975),
    }
}

/// `predictive.csv`: per target (fitted first, then held out) the published value, the weighted
/// median and 95% interval of the model's value over the posterior population (each particle's
/// mean over its replications), and whether the interval meets the target within its tolerance.
pub(crate) fn write_predictive(
    path: &Path,
    cal: &Calibration,
    start: &str,
    means: &[Vec<f64>],
    w: &[f64],
) -> Result<()> {
    write_atomic(path, |wr| {
        let mut out = csv::Writer::from_writer(wr);
        out.write_record([
            "role",
            "target",
            "qualifier",
            "published",
            "tolerance",
            "predictive_median",
            "predictive_low",
            "predictive_high",
            "met",
            "model_definition",
        ])?;
        for (i, t) in cal.targets.iter().enumerate() {
            let v: Vec<f64> = means.iter().map(|m| m[i]).collect();
            let iv = predictive_interval(&v, w);
            out.write_record([
                if i < cal.n_fit { "fitted" } else { "held_out" }.to_string(),
                t.raw.name.clone(),
                t.raw.qualifier.clone(),
                fmt_num(t.raw.value),
                fmt_num(t.raw.tolerance),
                fmt_num(weighted_quantile(&v, w, 0.5)),
                fmt_num(iv.low),
                fmt_num(iv.high),
                t.passes(&iv).to_string(),
                t.describe(start),
            ])?;
        }
        out.flush()?;
        Ok(())
    })
}

/// `ensemble.csv`: equally weighted draws of the posterior (systematic resampling of the
/// population by weight, with one uniform from the calibration's seed): `draw`, then one column
/// per parameter path. Returns the number of draws.
pub(crate) fn write_ensemble(
    path: &Path,
    cal: &Calibration,
    smc: &Smc,
    pop: &Population,
) -> Result<usize> {
    let n = pop.z.len().min(MAX_ENSEMBLE);
    let u0: f64 = {
        use rand::Rng;
        let mut s = rng::stream(cal.seed, u64::MAX - 1, 0, rng::Purpose::Attributes);
        s.random()
    };
    let mut picks = Vec::with_capacity(n);
    let mut cum = 0.0;
    let mut j = 0;
    for i in 0..n {
        let u = (i as f64 + u0) / n as f64;
        while j + 1 < pop.w.len() && cum + pop.w[j] < u {
            cum += pop.w[j];
            j += 1;
        }
        picks.push(j);
    }
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        let mut head = vec!["draw".to_string()];
        head.extend(cal.parameters.iter().map(|p| p.path.clone()));
        out.write_record(&head)?;
        for (i, &j) in picks.iter().enumerate() {
            let mut row = vec![i.to_string()];
            row.extend(smc.values(&pop.z[j]).into_iter().map(fmt_num));
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })?;
    Ok(n)
}

/// `screen.csv`: per parameter its range, its effect on the fitted target it moves most (among
/// those it moves beyond the threshold and the noise, if any), in tolerances, that target's noise
/// (twice the standard error of a difference of two means; 0 with one replication), the target,
/// whether it is calibrated, and its reason.
pub(crate) fn write_screen(
    path: &Path,
    cal: &Calibration,
    effects: &[Vec<f64>],
    noise: &[f64],
    verdicts: &[(bool, usize)],
) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "parameter",
            "prior_min",
            "prior_max",
            "effect_tolerances",
            "noise_tolerances",
            "most_moved_target",
            "calibrated",
            "reason",
        ])?;
        for ((p, e), &(kept, t)) in cal.parameters.iter().zip(effects).zip(verdicts) {
            out.write_record([
                p.path.clone(),
                fmt_num(p.min),
                fmt_num(p.max),
                fmt_num(e[t]),
                fmt_num(noise[t]),
                cal.targets[t].raw.name.clone(),
                kept.to_string(),
                p.reason.clone().unwrap_or_default(),
            ])?;
        }
        out.flush()?;
        Ok(())
    })
}

/// The parameters `screen.csv` keeps (their numbers in the calibration), or `None` if there is no
/// such file yet. A file that does not list this calibration's parameters in order is refused.
pub(crate) fn read_screen(path: &Path, cal: &Calibration) -> Result<Option<Vec<usize>>> {
    if !path.exists() {
        return Ok(None);
    }
    let mut r = csv::Reader::from_path(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let mut keep = Vec::new();
    let mut names = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{} is malformed: {e}", path.display()))?;
        names.push(rec.get(0).unwrap_or("").to_string());
        if rec.get(6) == Some("true") {
            keep.push(i);
        }
    }
    let want: Vec<&str> = cal.parameters.iter().map(|p| p.path.as_str()).collect();
    if names != want {
        anyhow::bail!(
            "{} screens other parameters than this calibration: delete it to screen again",
            path.display()
        );
    }
    Ok(Some(keep))
}
