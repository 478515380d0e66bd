//! The checks of a calibration file's sections: the targets fitted and held out (names of the
//! targets file, each once), the method, and the free parameters with their priors. Each records
//! its problems and returns what it checked.

use std::path::Path;

use toml::{Table, Value};

use super::raw::{RawMethod, RawParameter, RawScreen};
use super::smc::{Kernel, Settings};
use super::{
    accepted_count, Parameter, Prior, ABC_REJECTION, ABC_SMC, MAX_CANDIDATES, MAX_POPULATION,
};
use crate::experiment::checks::HARD_MAX_RUNS;
use crate::experiment::targets::{Role, Target};
use crate::input::Problems;
use crate::scenario::overrides::check_path;

/// The targets chosen by `fit` then `holdout`, as indices into `targets` (the targets of the file
/// at `path`): at least one fitted, every name a target, none listed twice or both fitted and
/// held out, none fitted whose role is not "fitted" (the project's held-out figures and input
/// checks are never fitted).
pub(super) fn chosen_targets(
    p: &mut Problems,
    path: &Path,
    targets: &[Target],
    fit: &[String],
    holdout: &[String],
) -> Vec<usize> {
    let names: Vec<&str> = targets.iter().map(|t| t.raw.name.as_str()).collect();
    if fit.is_empty() {
        p.field(
            "fit",
            format!(
                "[]: name at least one target to fit; targets of {}: {}",
                path.display(),
                names.join(", ")
            ),
        );
    }
    let mut chosen: Vec<usize> = Vec::new();
    for (key, list) in [("fit", fit), ("holdout", holdout)] {
        for (i, name) in list.iter().enumerate() {
            let field = format!("{key}[{i}]");
            let Some(t) = names.iter().position(|n| n == name) else {
                p.field(
                    &field,
                    format!(
                        "\"{name}\": not a target of {}; valid targets: {}",
                        path.display(),
                        names.join(", ")
                    ),
                );
                continue;
            };
            let role = targets[t].role;
            if key == "fit" && role != Role::Fitted {
                p.field(
                    &field,
                    format!(
                        "\"{name}\" has role \"{}\" in {}: the project never fits it (list it in \
                         `holdout`, or fit a target whose role is \"fitted\")",
                        role.name(),
                        path.display()
                    ),
                );
                continue;
            }
            if chosen.contains(&t) {
                let why = if key == "holdout" && fit.contains(name) {
                    "is also in `fit`: a held-out target must not be used in fitting"
                } else {
                    "is listed twice"
                };
                p.field(&field, format!("\"{name}\" {why}"));
                continue;
            }
            chosen.push(t);
        }
    }
    chosen
}

/// A checked `[method]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Method {
    /// ABC rejection: candidates drawn, fraction accepted.
    Rejection(u64, f64),
    Smc(Settings),
}

/// `[method]`: ABC rejection (2 to [`MAX_CANDIDATES`] candidates, times `replications` where
/// known within the limit on runs, a fraction accepted that keeps at least 2 of them) or ABC-SMC
/// (see [`smc_method`]); the fields of the other method are refused.
pub(super) fn method(p: &mut Problems, m: &RawMethod, replications: Option<u64>) -> Method {
    let given = |fields: &[(&str, bool)]| -> Vec<String> {
        fields
            .iter()
            .filter(|f| f.1)
            .map(|f| f.0.to_string())
            .collect()
    };
    let smc_fields = given(&[
        ("population", m.population.is_some()),
        ("alpha", m.alpha.is_some()),
        ("min_acceptance", m.min_acceptance.is_some()),
        ("min_tolerance", m.min_tolerance.is_some()),
        ("max_generations", m.max_generations.is_some()),
        ("kernel", m.kernel.is_some()),
    ]);
    let rejection_fields = given(&[
        ("candidates", m.candidates.is_some()),
        ("accept", m.accept.is_some()),
    ]);
    let refuse = |p: &mut Problems, fields: &[String], kind: &str| {
        for f in fields {
            p.field(
                &format!("method.{f}"),
                format!("is not a setting of kind = \"{kind}\""),
            );
        }
    };
    match m.kind.as_str() {
        ABC_SMC => {
            refuse(p, &rejection_fields, ABC_SMC);
            Method::Smc(smc_method(p, m, replications))
        }
        kind => {
            if kind != ABC_REJECTION {
                p.field(
                    "method.kind",
                    format!("\"{kind}\": must be \"{ABC_REJECTION}\" or \"{ABC_SMC}\""),
                );
            } else {
                refuse(p, &smc_fields, ABC_REJECTION);
            }
            let (n, a) = rejection(p, m, replications);
            Method::Rejection(n, a)
        }
    }
}

fn rejection(p: &mut Problems, m: &RawMethod, replications: Option<u64>) -> (u64, f64) {
    let Some(n) = m.candidates else {
        p.field(
            "method.candidates",
            "missing: the number of candidates to draw",
        );
        return (0, m.accept.unwrap_or(0.0));
    };
    if !(2..=MAX_CANDIDATES).contains(&n) {
        p.field(
            "method.candidates",
            format!("{n}: must be a whole number in [2, {MAX_CANDIDATES}]"),
        );
    }
    if let Some(r) = replications {
        let runs = n.saturating_mul(r);
        if runs > HARD_MAX_RUNS {
            p.field(
                "method.candidates",
                format!("{n} candidates x {r} replications = {runs} runs exceeds the limit of {HARD_MAX_RUNS} runs"),
            );
        }
    }
    let Some(a) = m.accept else {
        p.field(
            "method.accept",
            "missing: the fraction of candidates accepted, in (0, 1]",
        );
        return (n, 0.0);
    };
    let a_ok = a.is_finite() && a > 0.0 && a <= 1.0;
    if !a_ok {
        p.field(
            "method.accept",
            format!("{a}: must be a fraction of the candidates in (0, 1]"),
        );
    }
    if a_ok && (2..=MAX_CANDIDATES).contains(&n) && accepted_count(a, n as usize) < 2 {
        p.field(
            "method.accept",
            format!("{a}: accepts fewer than 2 of {n} candidates, too few for a posterior interval; raise `accept` or `method.candidates`"),
        );
    }
    (n, a)
}

/// ABC-SMC's `[screen]`: 1 to 100 replications, a threshold > 0 (in tolerances); and every
/// parameter's `reason`, which ABC-SMC requires.
pub(super) fn smc_extras(p: &mut Problems, screen: Option<&RawScreen>, raw: &[RawParameter]) {
    if let Some(s) = screen {
        if !(1..=100).contains(&s.replications) {
            p.field(
                "screen.replications",
                format!("{}: must be a whole number in [1, 100]", s.replications),
            );
        }
        if !(s.threshold.is_finite() && s.threshold > 0.0) {
            p.field(
                "screen.threshold",
                format!(
                    "{}: must be a number of tolerances > 0 (e.g. 0.25)",
                    s.threshold
                ),
            );
        }
    }
    for (i, q) in raw.iter().enumerate() {
        if q.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            p.field(
                &format!("parameters[{i}].reason"),
                "missing: say why this prior range (a published range, a physical bound, or \"+-x% of an assumption\")",
            );
        }
    }
}

/// ABC-SMC: a population of 10 to [`MAX_POPULATION`]; `alpha` in (0, 1) keeping at least 2
/// particles of generation 0 apart from the population; `min_acceptance` in (0, 1];
/// `min_tolerance` >= 0; 1 to 1,000 generations; a kernel; and the most runs it may take within
/// the limit on runs.
fn smc_method(p: &mut Problems, m: &RawMethod, replications: Option<u64>) -> Settings {
    let s = Settings {
        population: m.population.unwrap_or(0) as usize,
        alpha: m.alpha.unwrap_or(0.5),
        min_acceptance: m.min_acceptance.unwrap_or(0.05),
        min_tolerance: m.min_tolerance.unwrap_or(0.0),
        max_generations: m.max_generations.unwrap_or(20),
        kernel: Kernel::Global,
    };
    let mut ok = true;
    let mut bad = |p: &mut Problems, field: &str, message: String| {
        ok = false;
        p.field(&format!("method.{field}"), message);
    };
    match m.population {
        None => bad(
            p,
            "population",
            "missing: the particles in each population (e.g. 200)".into(),
        ),
        Some(n) if !(10..=MAX_POPULATION).contains(&n) => bad(
            p,
            "population",
            format!("{n}: must be a whole number in [10, {MAX_POPULATION}]"),
        ),
        _ => {}
    }
    if !(s.alpha.is_finite() && s.alpha > 0.0 && s.alpha < 1.0) {
        bad(
            p,
            "alpha",
            format!("{}: must be a quantile in (0, 1)", s.alpha),
        );
    }
    if !(s.min_acceptance.is_finite() && s.min_acceptance > 0.0 && s.min_acceptance <= 1.0) {
        bad(
            p,
            "min_acceptance",
            format!("{}: must be an acceptance rate in (0, 1]", s.min_acceptance),
        );
    }
    if !(s.min_tolerance.is_finite() && s.min_tolerance >= 0.0) {
        bad(
            p,
            "min_tolerance",
            format!("{}: must be a distance >= 0 (0: no limit)", s.min_tolerance),
        );
    }
    if !(1..=1000).contains(&s.max_generations) {
        bad(
            p,
            "max_generations",
            format!("{}: must be a whole number in [1, 1000]", s.max_generations),
        );
    }
    let kernel = match m.kernel.as_deref() {
        None => Some(Kernel::Global),
        Some(k) => Kernel::parse(k),
    };
    let Some(kernel) = kernel else {
        bad(
            p,
            "kernel",
            format!(
                "\"{}\": must be \"global\" or \"local\"",
                m.kernel.as_deref().unwrap_or_default()
            ),
        );
        return s;
    };
    let s = Settings { kernel, ..s };
    if ok {
        if let Some(r) = replications {
            let runs = s.max_runs().saturating_mul(r);
            if runs > HARD_MAX_RUNS {
                p.field(
                    "method.max_generations",
                    format!(
                        "up to {} particles x {r} replications = {runs} runs exceeds the limit of {HARD_MAX_RUNS} runs (lower max_generations, population or raise min_acceptance)",
                        s.max_runs()
                    ),
                );
            }
        }
    }
    s
}

/// The free parameters: at least one; each a path of the base scenario (`base`, where it could be
/// read) holding a number, once, with a range `min` < `max` (holding two whole numbers for a whole
/// number) and a prior. `None` without the base scenario.
pub(super) fn parameters(
    p: &mut Problems,
    raw: &[RawParameter],
    base: Option<&Table>,
) -> Option<Vec<Parameter>> {
    if raw.is_empty() {
        p.field(
            "parameters",
            "[]: list at least one [[parameters]] table with `path`, `min` and `max`",
        );
    }
    let mut parameters: Vec<Parameter> = Vec::new();
    for (i, q) in raw.iter().enumerate() {
        let f = |k: &str| format!("parameters[{i}].{k}");
        let like = match base.map(|b| check_path(b, &q.path)) {
            None => None,
            Some(Ok(like)) => Some(like.clone()),
            Some(Err(e)) => {
                p.field(&f("path"), format!("\"{}\": {e}", q.path));
                continue;
            }
        };
        if raw[..i].iter().any(|o| o.path == q.path) {
            p.field(&f("path"), format!("\"{}\" is listed twice", q.path));
        }
        if let Some(like) = like.as_ref().filter(|l| !l.is_integer() && !l.is_float()) {
            p.field(
                &f("path"),
                format!(
                    "\"{}\" holds {}; only numbers can be calibrated",
                    q.path,
                    like.type_str()
                ),
            );
            continue;
        }
        let (lo, hi) = (q.min, q.max);
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
            p.field(
                &f("max"),
                format!("{hi}: must be a finite number greater than min = {lo} (the range is empty or inverted)"),
            );
            continue;
        }
        if like.as_ref().is_some_and(Value::is_integer) && hi.floor() - lo.ceil() < 1.0 {
            p.field(
                &f("max"),
                format!(
                    "{hi}: \"{}\" is a whole number; [{lo}, {hi}] must hold at least two whole numbers",
                    q.path
                ),
            );
            continue;
        }
        let prior = match q.prior.as_deref().unwrap_or("uniform") {
            "uniform" => Prior::Uniform,
            "log_uniform" if lo > 0.0 => Prior::LogUniform,
            "log_uniform" => {
                p.field(
                    &f("min"),
                    format!("{lo}: a log_uniform prior needs min > 0"),
                );
                continue;
            }
            other => {
                p.field(
                    &f("prior"),
                    format!("\"{other}\": must be \"uniform\" or \"log_uniform\""),
                );
                continue;
            }
        };
        if let Some(like) = like {
            parameters.push(Parameter {
                path: q.path.clone(),
                min: lo,
                max: hi,
                prior,
                reason: q.reason.clone(),
                like,
            });
        }
    }
    base.map(|_| parameters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &Problems) -> Vec<&str> {
        p.problems.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn the_method_is_abc_rejection_with_room_for_a_posterior() {
        let m = |kind: &str, candidates: u64, accept: f64| RawMethod {
            kind: kind.into(),
            candidates: Some(candidates),
            accept: Some(accept),
            ..RawMethod::default()
        };
        let mut p = Problems::default();
        assert_eq!(
            method(&mut p, &m(ABC_REJECTION, 40, 0.1), Some(2)),
            Method::Rejection(40, 0.1)
        );
        assert!(p.is_empty());
        method(&mut p, &m("mcmc", 1, 0.0), Some(1));
        method(&mut p, &m(ABC_REJECTION, 1_000_000, 0.5), Some(1_000));
        method(&mut p, &m(ABC_REJECTION, 40, 0.01), None);
        assert_eq!(
            fields(&p),
            [
                "method.kind",
                "method.candidates",
                "method.accept",
                "method.candidates",
                "method.accept"
            ]
        );
    }

    #[test]
    fn parameters_are_checked_without_the_base_scenario_where_they_can_be() {
        let raw: Vec<RawParameter> = [
            ("a.x", 1.0, 0.5, None),
            ("a.x", 0.0, 1.0, Some("log_uniform")),
            ("a.n", 1.2, 1.8, None),
            ("a.s", 0.0, 1.0, None),
            ("a.nope", 0.0, 1.0, Some("normal")),
            ("a.x", 0.5, 1.0, Some("normal")),
        ]
        .iter()
        .map(|&(path, min, max, prior)| RawParameter {
            path: path.into(),
            min,
            max,
            prior: prior.map(String::from),
            reason: None,
        })
        .collect();
        let base: Table = toml::from_str("[a]\nx = 1.0\nn = 3\ns = \"t\"\n").unwrap();
        let mut p = Problems::default();
        assert!(parameters(&mut p, &raw, Some(&base)).unwrap().is_empty());
        assert_eq!(
            fields(&p),
            [
                "parameters[0].max",
                "parameters[1].path",
                "parameters[1].min",
                "parameters[2].max",
                "parameters[3].path",
                "parameters[4].path",
                "parameters[5].path",
                "parameters[5].prior",
            ]
        );
        // Without the base scenario: what does not need it.
        let mut p = Problems::default();
        assert!(parameters(&mut p, &raw, None).is_none());
        assert_eq!(
            fields(&p),
            [
                "parameters[0].max",
                "parameters[1].path",
                "parameters[1].min",
                "parameters[4].prior",
                "parameters[5].path",
                "parameters[5].prior",
            ]
        );
        let mut p = Problems::default();
        parameters(&mut p, &[], None);
        assert_eq!(fields(&p), ["parameters"]);
    }
}
