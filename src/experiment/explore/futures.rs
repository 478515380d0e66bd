//! The uncertain parameters of an explore file and the futures drawn over them: the columns and
//! rows of a design CSV, or a Latin hypercube over the explicit ranges of `[uncertainties]` and
//! the default ranges of the baseline's assumptions. A parameter a reform changes is a lever,
//! never uncertain.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::assumptions::{assumption_keys, default_range, furthest_accepted, numeric_leaves};
use super::raw::{RawFutures, RawUncertainties};
use super::{value_number, Origin, Policy, Uncertain, DEFAULT_SPREAD};
use crate::experiment::checks::HARD_MAX_RUNS;
use crate::experiment::posterior::{Ensemble, ENSEMBLE_FILE};
use crate::experiment::{design, design_csv};
use crate::input::Problems;
use crate::rng::{self, Stream};
use crate::scenario::overrides::{self, check_path, number_like};
use crate::scenario::Scenario;

/// The stream that draws the Latin hypercube of futures.
fn futures_stream(seed: u64) -> Stream {
    rng::stream(seed, u64::MAX, u64::MAX - 2, rng::Purpose::Arrivals)
}

/// What each reform changes (its levers), by dotted path.
pub(super) struct Levers {
    /// Per reform: its name and the paths where it differs from the baseline.
    reforms: Vec<(String, Vec<String>)>,
}

impl Levers {
    /// The levers of every reform of `policies` (the baseline first).
    pub(super) fn of(policies: &[Policy]) -> Levers {
        let base = &policies[0].scenario.loaded.merged;
        Levers {
            reforms: policies
                .iter()
                .skip(1)
                .map(|p| {
                    let paths = overrides::diff(base, &p.scenario.loaded.merged)
                        .into_iter()
                        .map(|d| d.0)
                        .collect();
                    (p.name.clone(), paths)
                })
                .collect(),
        }
    }

    /// The first reform that changes `path`, a value inside it or a table holding it.
    pub(super) fn held_by(&self, path: &str) -> Option<String> {
        self.all_holding(path).into_iter().next()
    }

    /// Every reform that changes `path`, a value inside it or a table holding it, in order.
    pub(super) fn all_holding(&self, path: &str) -> Vec<String> {
        self.reforms
            .iter()
            .filter(|(_, levers)| {
                levers.iter().any(|l| {
                    l == path
                        || l.starts_with(&format!("{path}."))
                        || l.starts_with(&format!("{path}["))
                        || path.starts_with(&format!("{l}."))
                        || path.starts_with(&format!("{l}["))
                })
            })
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// `[futures]` gives `samples` or `design`, not both; a design takes no `[uncertainties]`.
/// Whether the section is sound.
fn shape(p: &mut Problems, futures: &RawFutures, uncertainties: bool) -> bool {
    let given: Vec<&str> = [
        ("samples", futures.samples.is_some()),
        ("design", futures.design.is_some()),
        ("posterior", futures.posterior.is_some()),
    ]
    .into_iter()
    .filter(|g| g.1)
    .map(|g| g.0)
    .collect();
    match given.as_slice() {
        [] => {
            p.field("futures", "missing: give `samples` (a Latin hypercube of that many futures), `design` (a CSV of parameter values, one row per future) or `posterior` (a calibration's folder: its draws are the futures)");
            false
        }
        ["samples"] => true,
        [one] if uncertainties => {
            p.field("uncertainties", format!("with futures.{one} the file's columns name the uncertain parameters: remove [uncertainties]"));
            false
        }
        [_] => true,
        many => {
            p.field("futures", format!("{} are given: use one of `samples` (a Latin hypercube), `design` (the rows of a CSV file) or `posterior` (a calibration's draws)", many.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(" and ")));
            false
        }
    }
}

/// What the futures are drawn from, once `[futures]` and `[uncertainties]` are checked.
pub(super) enum Plan {
    /// The rows of a design CSV.
    Csv(Futures),
    /// A Latin hypercube of `samples` futures over the explicit ranges and the default ranges
    /// of the baseline's assumptions.
    Ranges {
        uncertainties: RawUncertainties,
        spread: f64,
        explicit: Vec<Uncertain>,
        samples: u64,
    },
}

/// Check `[futures]` and `[uncertainties]` (`u`); what needs the baseline's merged table and the
/// reforms' levers (`base`) only where they could be read. `None` if the futures cannot be drawn.
pub(super) fn check(
    p: &mut Problems,
    dir: &Path,
    f: &RawFutures,
    u: Option<&RawUncertainties>,
    base: Option<(&Table, &Levers)>,
) -> Option<Plan> {
    if !shape(p, f, u.is_some()) {
        return None;
    }
    if let Some(written) = &f.posterior {
        let (base, levers) = base?;
        return from_posterior(p, dir, written, base, levers).map(Plan::Csv);
    }
    match (&f.design, f.samples) {
        (Some(written), _) => {
            let (base, levers) = base?;
            from_csv(p, dir, written, base, levers).map(Plan::Csv)
        }
        (None, samples) => {
            let u = u.cloned().unwrap_or_default();
            let spread = spread(p, &u);
            let (base, levers) = base?;
            let explicit = explicit_ranges(p, &u, base, levers);
            Some(Plan::Ranges {
                uncertainties: u,
                spread,
                explicit,
                samples: samples?,
            })
        }
    }
}

/// The futures of `plan` (a Latin hypercube drawn from `seed`, its default ranges those of the
/// `base` scenario's assumptions), within the limit on runs; `None`, and a problem, if not.
pub(super) fn draw(
    p: &mut Problems,
    plan: Plan,
    base: &Scenario,
    levers: &Levers,
    size: &Size,
    seed: u64,
) -> Option<Futures> {
    match plan {
        Plan::Csv(f) => design_size(p, f.futures.len(), size).then_some(f),
        Plan::Ranges {
            uncertainties: u,
            spread,
            explicit,
            samples,
        } => {
            let (mut uncertain, held_by_reforms) = if u.assumptions.unwrap_or(true) {
                assumption_ranges(base, spread, &u.exclude, &explicit, levers)
            } else {
                (Vec::new(), Vec::new())
            };
            uncertain.extend(explicit);
            let merged = &base.loaded.merged;
            let futures = latin_hypercube(p, samples, &uncertain, merged, size, seed)?;
            Some(Futures {
                uncertain,
                held_by_reforms,
                futures,
                design_csv: None,
                posterior: false,
            })
        }
    }
}

/// The futures and what they vary.
#[derive(Debug, Clone, Default)]
pub(super) struct Futures {
    pub uncertain: Vec<Uncertain>,
    /// Assumptions of the baseline left out because a reform changes them: (path, reform).
    pub held_by_reforms: Vec<(String, String)>,
    /// Per future, one value per uncertain parameter.
    pub futures: Vec<Vec<Value>>,
    /// The design CSV the futures come from, and its bytes.
    pub design_csv: Option<(PathBuf, Vec<u8>)>,
    /// Whether the futures are a calibrated posterior's draws (then `held_by_reforms` lists the
    /// parameters a reform sets itself, kept at the reform's value in its runs).
    pub posterior: bool,
}

/// The futures of the design CSV `futures.design` (written `written`, relative to `dir`): its
/// columns are the uncertain parameters of `base`, none of them a lever.
fn from_csv(
    p: &mut Problems,
    dir: &Path,
    written: &str,
    base: &Table,
    levers: &Levers,
) -> Option<Futures> {
    let path = dir.join(written);
    let d = design_csv::read(p, "futures.design", written, &path, base)?;
    let mut held = Problems::default();
    for (i, q) in d.paths.iter().enumerate() {
        if let Some(r) = levers.held_by(q) {
            held.field(&format!("column {} (\"{q}\")", i + 1), format!("is changed by reform \"{r}\": a parameter cannot be both uncertain and a lever; drop the column or the reform"));
        }
    }
    if let Err(e) = held.finish(&path) {
        p.error("futures.design", e);
        return None;
    }
    let uncertain = d
        .paths
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let col: Vec<f64> = d.rows.iter().map(|r| r[i]).collect();
            let like = overrides::get(base, q)
                .cloned()
                .unwrap_or(Value::Float(0.0));
            Uncertain {
                path: q.clone(),
                baseline: value_number(&like),
                min: col.iter().copied().fold(f64::INFINITY, f64::min),
                max: col.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                origin: Origin::DesignCsv,
                clipped: false,
                integer: like.is_integer(),
            }
        })
        .collect();
    let bytes = std::fs::read(&path).unwrap_or_default();
    Some(Futures {
        uncertain,
        held_by_reforms: Vec::new(),
        futures: design_csv::values(&d, base),
        design_csv: Some((path, bytes)),
        posterior: false,
    })
}

/// The futures of a calibrated posterior `futures.posterior` (written `written`, relative to
/// `dir`: a calibration's output folder or its `ensemble.csv`): each draw a future, each column a
/// number of `base`. A parameter a reform changes stays uncertain in the baseline and the other
/// reforms; that reform's runs keep its own value (listed in `held_by_reforms`).
fn from_posterior(
    p: &mut Problems,
    dir: &Path,
    written: &str,
    base: &Table,
    levers: &Levers,
) -> Option<Futures> {
    let mut path = dir.join(written);
    if path.is_dir() {
        path = path.join(ENSEMBLE_FILE);
    }
    if !p.reference("futures.posterior", written, &path, "calibrated ensemble") {
        return None;
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            p.field(
                "futures.posterior",
                format!("cannot read {}: {e}", path.display()),
            );
            return None;
        }
    };
    let ensemble = match Ensemble::parse(&String::from_utf8_lossy(&bytes), &path) {
        Ok(e) => e,
        Err(e) => {
            p.error("futures.posterior", e);
            return None;
        }
    };
    let mut bad = Problems::default();
    let likes: Vec<Value> = ensemble
        .paths
        .iter()
        .map(|q| match overrides::get(base, q) {
            Some(v @ (Value::Integer(_) | Value::Float(_))) => v.clone(),
            _ => {
                bad.field(q, "not a number of the baseline: the ensemble's columns must be paths of numbers (the calibration's parameters)");
                Value::Float(0.0)
            }
        })
        .collect();
    if let Err(e) = bad.finish(&path) {
        p.error("futures.posterior", e);
        return None;
    }
    let uncertain = ensemble
        .paths
        .iter()
        .zip(&likes)
        .enumerate()
        .map(|(i, (q, like))| {
            let col = ensemble.draws.iter().map(|d| d[i]);
            Uncertain {
                path: q.clone(),
                baseline: value_number(like),
                min: col.clone().fold(f64::INFINITY, f64::min),
                max: col.fold(f64::NEG_INFINITY, f64::max),
                origin: Origin::Posterior,
                clipped: false,
                integer: like.is_integer(),
            }
        })
        .collect();
    let futures = ensemble
        .draws
        .iter()
        .map(|d| {
            d.iter()
                .zip(&likes)
                .map(|(&x, like)| number_like(like, x).unwrap_or(Value::Float(x)))
                .collect()
        })
        .collect();
    let held_by_reforms = ensemble
        .paths
        .iter()
        .flat_map(|q| {
            levers
                .all_holding(q)
                .into_iter()
                .map(move |r| (q.clone(), r))
        })
        .collect();
    Some(Futures {
        uncertain,
        held_by_reforms,
        futures,
        design_csv: Some((path, bytes)),
        posterior: true,
    })
}

/// `uncertainties.spread` (default [`DEFAULT_SPREAD`]): the relative half-width of the default
/// ranges, in (0, 1).
fn spread(p: &mut Problems, u: &RawUncertainties) -> f64 {
    let spread = u.spread.unwrap_or(DEFAULT_SPREAD);
    if !(spread.is_finite() && spread > 0.0 && spread < 1.0) {
        p.field(
            "uncertainties.spread",
            format!("{spread}: must be in (0, 1) (0.25 = the baseline value ± 25%)"),
        );
    }
    spread
}

/// The paths `[uncertainties]` excludes from the default ranges (paths of `base`), and its
/// explicit ranges (paths of `base` holding numbers or booleans, each once, none a lever, `min` <
/// `max`), which it returns.
fn explicit_ranges(
    p: &mut Problems,
    u: &RawUncertainties,
    base: &Table,
    levers: &Levers,
) -> Vec<Uncertain> {
    for (i, ex) in u.exclude.iter().enumerate() {
        if overrides::get(base, ex).is_none() {
            p.field(
                &format!("uncertainties.exclude[{i}]"),
                format!(
                    "\"{ex}\": not a path of the baseline; nearest valid paths: {}",
                    overrides::nearest_paths(base, ex, 3).join(", ")
                ),
            );
        }
    }
    let mut explicit: Vec<Uncertain> = Vec::new();
    for (i, q) in u.parameters.iter().enumerate() {
        let field = |f: &str| format!("uncertainties.parameters[{i}].{f}");
        let like = match check_path(base, &q.path) {
            Ok(v) => v.clone(),
            Err(e) => {
                p.field(&field("path"), format!("\"{}\": {e}", q.path));
                continue;
            }
        };
        if !matches!(
            like,
            Value::Integer(_) | Value::Float(_) | Value::Boolean(_)
        ) {
            p.field(
                &field("path"),
                format!(
                    "\"{}\" holds {}; only numbers and booleans can be uncertain",
                    q.path,
                    like.type_str()
                ),
            );
            continue;
        }
        if explicit.iter().any(|x| x.path == q.path) {
            p.field(&field("path"), format!("\"{}\" is listed twice", q.path));
            continue;
        }
        if let Some(r) = levers.held_by(&q.path) {
            p.field(&field("path"), format!("\"{}\" is changed by reform \"{r}\": a parameter cannot be both uncertain and a lever; remove it here or from the reform", q.path));
            continue;
        }
        if !(q.min.is_finite() && q.max.is_finite()) || q.max <= q.min {
            p.field(&field("max"), format!("{}: must be a finite number greater than min = {} (the range is empty or inverted)", q.max, q.min));
            continue;
        }
        explicit.push(Uncertain {
            path: q.path.clone(),
            baseline: value_number(&like),
            min: q.min,
            max: q.max,
            origin: Origin::ExploreFile,
            clipped: false,
            integer: like.is_integer(),
        });
    }
    explicit
}

/// The default ranges of the baseline's assumptions (the values the comments of every file of its
/// chain mark as assumptions, the file itself first): `spread` around the baseline value, narrowed
/// to what the scenario accepts, leaving out what `exclude` names, what has an explicit range and
/// what a reform changes (returned apart, as (path, reform)).
fn assumption_ranges(
    base: &Scenario,
    spread: f64,
    exclude: &[String],
    explicit: &[Uncertain],
    levers: &Levers,
) -> (Vec<Uncertain>, Vec<(String, String)>) {
    let merged = &base.loaded.merged;
    let mut keys: Vec<String> = Vec::new();
    for (_, b) in &base.loaded.sources {
        for k in assumption_keys(&String::from_utf8_lossy(b)) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let mut leaves: Vec<String> = Vec::new();
    for k in keys {
        for l in numeric_leaves(merged, &k) {
            if !leaves.contains(&l) {
                leaves.push(l);
            }
        }
    }
    let mut uncertain = Vec::new();
    let mut held_by_reforms = Vec::new();
    for path in leaves {
        let excluded = exclude.iter().any(|e| {
            path == *e || path.starts_with(&format!("{e}.")) || path.starts_with(&format!("{e}["))
        });
        if excluded || explicit.iter().any(|x| x.path == path) {
            continue;
        }
        if let Some(r) = levers.held_by(&path) {
            held_by_reforms.push((path, r));
            continue;
        }
        let Some(like) = overrides::get(merged, &path).cloned() else {
            continue;
        };
        let integer = like.is_integer();
        let v = value_number(&like);
        let Some((lo, hi)) = default_range(v, integer, spread) else {
            continue;
        };
        let mut ok = |x: f64| -> bool {
            let val = number_like(&like, x).unwrap_or(Value::Float(x));
            overrides::with_overrides(base, &[(path.clone(), val)], "probe").is_ok()
        };
        let lo2 = furthest_accepted(v, lo, integer, &mut ok);
        let hi2 = furthest_accepted(v, hi, integer, &mut ok);
        if hi2 <= lo2 {
            continue;
        }
        uncertain.push(Uncertain {
            path,
            baseline: v,
            min: lo2,
            max: hi2,
            origin: Origin::Assumption,
            clipped: lo2 != lo || hi2 != hi,
            integer,
        });
    }
    (uncertain, held_by_reforms)
}

/// How many runs an explore asks for, and its limit.
pub(super) struct Size {
    pub replications: u64,
    pub policies: usize,
    pub max_runs: u64,
}

/// `n` futures: a Latin hypercube (drawn from `seed`) over the ranges of `uncertain`, as values
/// of the types `base` holds. `None`, and a problem, if there is no uncertain parameter, `n` is
/// 0 or the runs exceed the limit.
fn latin_hypercube(
    p: &mut Problems,
    n: u64,
    uncertain: &[Uncertain],
    base: &Table,
    size: &Size,
    seed: u64,
) -> Option<Vec<Vec<Value>>> {
    if uncertain.is_empty() {
        p.field("uncertainties", "no uncertain parameter: the baseline marks no assumption that a reform leaves alone, and [[uncertainties.parameters]] lists none");
        return None;
    }
    if n == 0 {
        p.field("futures.samples", "0: must be at least 1");
        return None;
    }
    let runs = n
        .saturating_mul(size.replications)
        .saturating_mul(size.policies as u64);
    if runs > size.max_runs {
        p.field("futures.samples", format!("{n} futures x {} replications x {} policies = {runs} runs exceeds the limit of {} runs (raise `max_runs`, at most {HARD_MAX_RUNS}, or ask for fewer futures)", size.replications, size.policies, size.max_runs));
        return None;
    }
    let unit = design::latin_hypercube(n as usize, uncertain.len(), &mut futures_stream(seed))
        .map_err(|e| p.field("futures", e.to_string()))
        .ok()?;
    Some(
        unit.iter()
            .map(|pt| {
                pt.iter()
                    .zip(uncertain)
                    .map(|(&x, u)| {
                        let v = u.min + x * (u.max - u.min);
                        let like = overrides::get(base, &u.path)
                            .cloned()
                            .unwrap_or(Value::Float(0.0));
                        number_like(&like, v).unwrap_or(Value::Float(v))
                    })
                    .collect()
            })
            .collect(),
    )
}

/// The futures of a design CSV within the limit on runs.
fn design_size(p: &mut Problems, rows: usize, size: &Size) -> bool {
    let runs = (rows as u64)
        .saturating_mul(size.replications)
        .saturating_mul(size.policies as u64);
    if runs > size.max_runs {
        p.field("futures.design", format!("{rows} rows x {} replications x {} policies = {runs} runs exceeds the limit of {} runs (raise `max_runs`, at most {HARD_MAX_RUNS})", size.replications, size.policies, size.max_runs));
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(p: &Problems) -> Vec<&str> {
        p.problems.iter().map(|x| x.field.as_str()).collect()
    }

    fn levers(reforms: &[(&str, &[&str])]) -> Levers {
        Levers {
            reforms: reforms
                .iter()
                .map(|(n, paths)| (n.to_string(), paths.iter().map(|x| x.to_string()).collect()))
                .collect(),
        }
    }

    #[test]
    fn a_lever_holds_the_paths_above_and_below_it() {
        let l = levers(&[("a", &["x.y"]), ("b", &["z.w[1]"])]);
        assert_eq!(l.held_by("x.y"), Some("a".into()));
        assert_eq!(l.held_by("x"), Some("a".into()));
        assert_eq!(l.held_by("x.y.v"), Some("a".into()));
        assert_eq!(l.held_by("z.w"), Some("b".into()));
        assert_eq!(l.held_by("x.yy"), None);
    }

    #[test]
    fn futures_come_from_samples_or_a_design_not_both() {
        let f = |s: Option<u64>, d: Option<&str>| RawFutures {
            samples: s,
            design: d.map(String::from),
            posterior: None,
        };
        let mut p = Problems::default();
        assert!(shape(&mut p, &f(Some(3), None), true));
        assert!(shape(&mut p, &f(None, Some("d.csv")), false));
        assert!(!shape(&mut p, &f(Some(3), Some("d.csv")), false));
        assert!(!shape(&mut p, &f(None, None), false));
        assert!(!shape(&mut p, &f(None, Some("d.csv")), true));
        assert_eq!(fields(&p), ["futures", "futures", "uncertainties"]);
        // A posterior alone, never with samples or [uncertainties].
        let post = |s: Option<u64>| RawFutures {
            samples: s,
            design: None,
            posterior: Some("cal".into()),
        };
        let mut p = Problems::default();
        assert!(shape(&mut p, &post(None), false));
        assert!(!shape(&mut p, &post(Some(3)), false));
        assert!(!shape(&mut p, &post(None), true));
        assert_eq!(fields(&p), ["futures", "uncertainties"]);
        assert!(p.problems[0].allowed.contains("`samples` and `posterior`"));
    }

    #[test]
    fn a_posteriors_draws_are_the_futures_and_a_reform_keeps_its_own_levers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let base = root.join("scenarios/baseline.toml");
        std::fs::write(
            d.join("reform.toml"),
            format!("extends = {:?}\n[meta]\nname = \"reform\"\ndescription = \"t\"\n[data_sharing]\norr_to_ice_probability = 1.0\n", base.display().to_string()),
        )
        .unwrap();
        std::fs::create_dir(d.join("cal")).unwrap();
        std::fs::write(
            d.join("cal/ensemble.csv"),
            "draw,data_sharing.orr_to_ice_probability,orr.influx_open_delay_days\n0,0.6,9.4\n1,0.7,20\n",
        )
        .unwrap();
        std::fs::write(
            d.join("explore.toml"),
            format!("baseline = {:?}\nreforms = [\"reform.toml\"]\nreplications = 1\nseed = 1\nscale = 0.02\n[futures]\nposterior = \"cal\"\n", base.display().to_string()),
        )
        .unwrap();
        let e = crate::experiment::explore::load(&d.join("explore.toml")).unwrap();
        assert!(e.posterior);
        assert_eq!(e.futures.len(), 2);
        assert_eq!(e.uncertain[1].origin, Origin::Posterior);
        assert!(e.uncertain[1].integer);
        assert_eq!((e.uncertain[0].min, e.uncertain[0].max), (0.6, 0.7));
        assert_eq!(
            e.held_by_reforms,
            [(
                "data_sharing.orr_to_ice_probability".to_string(),
                "reform".to_string()
            )]
        );
        let get = |f: usize, p: usize, path: &str| {
            overrides::get(&e.scenario(f, p).unwrap().loaded.merged, path)
                .cloned()
                .unwrap()
        };
        // The baseline takes the draw's values; the reform keeps its own sharing probability and
        // takes the draw's other value.
        assert_eq!(
            get(0, 0, "data_sharing.orr_to_ice_probability"),
            Value::Float(0.6)
        );
        assert_eq!(get(1, 0, "orr.influx_open_delay_days"), Value::Integer(20));
        assert_eq!(
            value_number(&get(0, 1, "data_sharing.orr_to_ice_probability")),
            1.0
        );
        assert_eq!(get(0, 1, "orr.influx_open_delay_days"), Value::Integer(9));
        // A column that is not a number of the baseline is refused, naming the file.
        std::fs::write(d.join("cal/ensemble.csv"), "draw,time.start_date\n0,1\n").unwrap();
        let m = crate::experiment::explore::load(&d.join("explore.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("ensemble.csv") && m.contains("time.start_date"),
            "{m}"
        );
    }

    #[test]
    fn explicit_ranges_are_numbers_of_the_baseline_that_no_reform_changes() {
        let base: Table =
            toml::from_str("[a]\nx = 1.0\nn = 3\nb = true\ns = \"t\"\ny = 2.0\n").unwrap();
        let u: RawUncertainties = toml::from_str(
            "spread = 1.5\nexclude = [\"a.q\"]\n[[parameters]]\npath = \"a.x\"\nmin = 0\nmax = 2\n[[parameters]]\npath = \"a.s\"\nmin = 0\nmax = 1\n[[parameters]]\npath = \"a.x\"\nmin = 0\nmax = 2\n[[parameters]]\npath = \"a.y\"\nmin = 0\nmax = 2\n[[parameters]]\npath = \"a.n\"\nmin = 4\nmax = 2\n[[parameters]]\npath = \"a.nope\"\nmin = 0\nmax = 1\n",
        )
        .unwrap();
        let mut p = Problems::default();
        assert_eq!(spread(&mut p, &u), 1.5);
        let got = explicit_ranges(&mut p, &u, &base, &levers(&[("r", &["a.y"])]));
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].path.as_str(), got[0].min, got[0].max),
            ("a.x", 0.0, 2.0)
        );
        assert_eq!(got[0].origin, Origin::ExploreFile);
        assert_eq!(
            fields(&p),
            [
                "uncertainties.spread",
                "uncertainties.exclude[0]",
                "uncertainties.parameters[1].path",
                "uncertainties.parameters[2].path",
                "uncertainties.parameters[3].path",
                "uncertainties.parameters[4].max",
                "uncertainties.parameters[5].path",
            ]
        );
    }

    #[test]
    fn a_latin_hypercube_needs_parameters_futures_and_room() {
        let base: Table = toml::from_str("[a]\nx = 1.0\nn = 3\n").unwrap();
        let u = |path: &str, min: f64, max: f64, integer: bool| Uncertain {
            path: path.into(),
            baseline: 0.0,
            min,
            max,
            origin: Origin::ExploreFile,
            clipped: false,
            integer,
        };
        let size = Size {
            replications: 2,
            policies: 3,
            max_runs: 60,
        };
        let mut p = Problems::default();
        assert!(latin_hypercube(&mut p, 4, &[], &base, &size, 1).is_none());
        let ranges = [u("a.x", 0.5, 1.5, false), u("a.n", 2.0, 6.0, true)];
        assert!(latin_hypercube(&mut p, 0, &ranges, &base, &size, 1).is_none());
        assert!(latin_hypercube(&mut p, 11, &ranges, &base, &size, 1).is_none());
        assert!(!design_size(&mut p, 11, &size));
        assert_eq!(
            fields(&p),
            [
                "uncertainties",
                "futures.samples",
                "futures.samples",
                "futures.design"
            ]
        );
        let f = latin_hypercube(&mut p, 10, &ranges, &base, &size, 1).unwrap();
        assert_eq!(f.len(), 10);
        assert!(f.iter().all(|v| v[0].is_float() && v[1].is_integer()));
        assert_eq!(
            f,
            latin_hypercube(&mut p, 10, &ranges, &base, &size, 1).unwrap()
        );
    }
}
