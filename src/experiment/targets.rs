//! Targets: published figures to compare the model with. Each target names a metric the model
//! tracks (any daily series, at any date, or any whole-run metric), how it is aggregated, the
//! published value with its qualifier, a tolerance, the source's definition and the source.
//! Parsed and checked in full (unknown metrics list the valid ones; dates outside the horizon are
//! rejected), then evaluated on each replication's daily log.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::input::{self, parts, Problems};
use crate::sim::{series_grows_with_cohort, series_names};
use crate::sim::{DaySnapshot, RunSummary};
use crate::stats::{interval, Interval};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTargets {
    pub targets: Vec<RawTarget>,
}

parts! {
    /// The fields of a targets file, each `None` where it cannot be read (each target on its
    /// own).
    TargetsParts of RawTargets {
        targets: RawTarget => each,
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    /// A short unique name.
    pub name: String,
    /// A daily series (a column of timeseries.csv) or, with `aggregate = "run"`, a whole-run metric.
    pub metric: String,
    /// A daily series subtracted from `metric` (e.g. released minus NTAs issued).
    #[serde(default)]
    pub minus: Option<String>,
    /// A daily series dividing the result (a share or a mean per child).
    #[serde(default)]
    pub per: Option<String>,
    /// "at_date" (value at the end of `date`), "change" (increase over `from`..=`to`, e.g. a
    /// cumulative count over a period), "mean" (daily mean over `from`..=`to`), "run" (whole run).
    pub aggregate: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Multiplies the model value (unit conversion).
    #[serde(default)]
    pub scale: Option<f64>,
    /// The published value.
    pub value: f64,
    /// "about" (a point value), "more_than" (a lower bound) or "less_than" (an upper bound).
    pub qualifier: String,
    /// Allowed relative error (0.05 = 5%).
    pub tolerance: f64,
    /// What the source counts.
    pub definition: String,
    pub source: String,
    /// What the figure is for: "fitted" (a calibration may fit it; the default), "held_out"
    /// (never fitted: kept to test a fit), or "input_check" (the figure is close to an input, so
    /// it checks the input's use, not a mechanism; never fitted).
    #[serde(default)]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Aggregate {
    AtDate(u32),
    Change(u32, u32),
    Mean(u32, u32),
    Run,
}

/// What a target is for (its `role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A calibration may fit it.
    Fitted,
    /// Never fitted: kept to test a fit.
    HeldOut,
    /// Close to an input: checks the input's use, not a mechanism; never fitted.
    InputCheck,
}

impl Role {
    /// The name written in targets files and outputs.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Role::Fitted => "fitted",
            Role::HeldOut => "held_out",
            Role::InputCheck => "input_check",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Qualifier {
    About,
    MoreThan,
    LessThan,
}

/// A checked target.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub raw: RawTarget,
    metric: usize,
    minus: Option<usize>,
    per: Option<usize>,
    pub aggregate: Aggregate,
    pub qualifier: Qualifier,
    pub role: Role,
    scale: f64,
    /// How the value grows with the cohort: 1 for a count or a total, 0 for a share, a mean or a
    /// ratio of two counts (see [`Target::cohort_power`]).
    cohort_power: i32,
    /// The share of the cohort the runs simulate ([`Target::at_cohort_share`]); 1 by default.
    cohort_share: f64,
}

impl Target {
    /// How the target's value grows with the size of the cohort: the power of the cohort share
    /// it is proportional to. A count or a total (children, events, care-days, child-years) is 1;
    /// a share, a mean or a day is 0; `per` subtracts the power of its series (released per
    /// transferred is 1 - 1 = 0).
    #[cfg(test)]
    pub(crate) fn cohort_power(&self) -> i32 {
        self.cohort_power
    }

    /// This target for runs that simulate `share` of the cohort (`run --scale`, arrivals and
    /// every capacity scaled alike): its model values are divided by `share` to the power of
    /// [`Target::cohort_power`], so a count is compared with the published figure as if for the
    /// whole cohort and a share or a mean as it is. Setting it again replaces the last share.
    pub(crate) fn at_cohort_share(mut self, share: f64) -> Target {
        self.cohort_share = share;
        self
    }

    /// The model's value in one replication.
    pub(crate) fn evaluate(&self, days: &[DaySnapshot], summary: &RunSummary) -> f64 {
        let scale = self.scale / self.cohort_share.powi(self.cohort_power);
        if self.aggregate == Aggregate::Run {
            return summary.metrics()[self.metric].1 * scale;
        }
        let at = |d: Option<u32>, i: usize| -> f64 {
            match d {
                None => 0.0,
                Some(d) => days
                    .get(d as usize)
                    .map(|s| s.series()[i])
                    .unwrap_or(f64::NAN),
            }
        };
        let num = |d: Option<u32>| at(d, self.metric) - self.minus.map(|m| at(d, m)).unwrap_or(0.0);
        let den = |d: Option<u32>| self.per.map(|p| at(d, p));
        let ratio = |n: f64, d: Option<f64>| match d {
            None => n,
            Some(d) if d != 0.0 => n / d,
            Some(_) => f64::NAN,
        };
        let value = match self.aggregate {
            Aggregate::AtDate(d) => ratio(num(Some(d)), den(Some(d))),
            Aggregate::Change(a, b) => {
                let before = a.checked_sub(1);
                let dn = den(Some(b)).map(|x| x - den(before).unwrap_or(0.0));
                ratio(num(Some(b)) - num(before), dn)
            }
            Aggregate::Mean(a, b) => {
                let v: Vec<f64> = (a..=b).map(|d| ratio(num(Some(d)), den(Some(d)))).collect();
                v.iter().sum::<f64>() / v.len() as f64
            }
            Aggregate::Run => unreachable!(),
        };
        value * scale
    }

    /// Relative error of `model` against the published value.
    pub(crate) fn relative_error(&self, model: f64) -> f64 {
        (model - self.raw.value) / self.raw.value.abs().max(f64::MIN_POSITIVE)
    }

    /// Whether the model's 95% interval meets the target within its tolerance: for "about", the
    /// interval overlaps value x (1 +/- tolerance); for "more_than", its upper end reaches
    /// value x (1 - tolerance); for "less_than", its lower end is at most value x (1 + tolerance).
    /// With one replication the mean stands for the interval.
    pub(crate) fn passes(&self, i: &Interval) -> bool {
        let (lo, hi) = if i.low.is_nan() {
            (i.mean, i.mean)
        } else {
            (i.low, i.high)
        };
        let v = self.raw.value;
        let t = self.raw.tolerance * v.abs();
        if !i.mean.is_finite() {
            return false;
        }
        match self.qualifier {
            Qualifier::About => hi >= v - t && lo <= v + t,
            Qualifier::MoreThan => hi >= v - t,
            Qualifier::LessThan => lo <= v + t,
        }
    }

    /// The model's definition in words, for the output.
    pub(crate) fn describe(&self, start: &str) -> String {
        let date = |d: u32| crate::scenario::date_of(start, d);
        let mut what = self.raw.metric.clone();
        if let Some(m) = &self.raw.minus {
            what = format!("({what} - {m})");
        }
        match (self.aggregate, &self.raw.per) {
            (Aggregate::Run, _) => format!("{what} over the whole run"),
            (Aggregate::AtDate(d), None) => format!("{what} at the end of {}", date(d)),
            (Aggregate::AtDate(d), Some(p)) => format!("{what} / {p} at the end of {}", date(d)),
            (Aggregate::Change(a, b), None) => {
                format!("increase of {what} from {} to {}", date(a), date(b))
            }
            (Aggregate::Change(a, b), Some(p)) => {
                format!(
                    "increase of {what} / increase of {p}, {} to {}",
                    date(a),
                    date(b)
                )
            }
            (Aggregate::Mean(a, b), None) => {
                format!("daily mean of {what}, {} to {}", date(a), date(b))
            }
            (Aggregate::Mean(a, b), Some(p)) => {
                format!("daily mean of {what} / {p}, {} to {}", date(a), date(b))
            }
        }
    }
}

/// Model mean, interval and verdict for one target.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub model: Interval,
    pub relative_error: f64,
    pub pass: bool,
}

pub(crate) fn outcome(t: &Target, values: &[f64]) -> Outcome {
    let model = interval(values);
    Outcome {
        relative_error: t.relative_error(model.mean),
        pass: t.passes(&model),
        model,
    }
}

/// The calendar targets are checked against: a scenario's `start_date` and `horizon_days`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Calendar<'a> {
    pub start_date: &'a str,
    pub horizon_days: u32,
}

/// Read and check a targets file against a scenario's calendar (`start_date`, `horizon_days`).
pub(crate) fn load(
    file: &Path,
    start_date: &str,
    horizon_days: u32,
) -> Result<Vec<Target>, ScenarioError> {
    let calendar = Calendar {
        start_date,
        horizon_days,
    };
    load_with_bytes(file, calendar).map(|(targets, _)| targets)
}

/// [`load`], with the file's bytes.
fn load_with_bytes(
    file: &Path,
    calendar: Calendar,
) -> Result<(Vec<Target>, Vec<u8>), ScenarioError> {
    let source = input::read(file, "targets")?;
    let mut p = Problems::default();
    let parts: TargetsParts = input::read_parts(&source.table, &mut p);
    let targets = parts.targets.map(|t| check(&mut p, &t, calendar));
    match targets {
        Some(Some(targets)) if p.is_empty() => Ok((targets, source.bytes)),
        _ => Err(p.into_error(file)),
    }
}

/// The targets file that `field` of another input file names (written `written`, resolved to
/// `path`), and its bytes: `None`, and a problem of `field`, if it cannot be read or is invalid.
pub(crate) fn load_named(
    problems: &mut Problems,
    field: &str,
    written: &str,
    path: &Path,
    calendar: Calendar,
) -> Option<(Vec<Target>, Vec<u8>)> {
    if !problems.reference(field, written, path, "targets") {
        return None;
    }
    load_with_bytes(path, calendar)
        .map_err(|e| problems.error(field, e))
        .ok()
}

/// Check the targets of a file (`None` for one that cannot be read): each on its own, names
/// unique. `None` if some target is unusable.
pub(crate) fn check(
    p: &mut Problems,
    raw: &[Option<RawTarget>],
    calendar: Calendar,
) -> Option<Vec<Target>> {
    let Ok(start) = NaiveDate::parse_from_str(calendar.start_date, "%Y-%m-%d") else {
        p.field("(scenario) time.start_date", calendar.start_date);
        return None;
    };
    if raw.is_empty() {
        p.field("targets", "[]: list at least one [[targets]] table");
        return None;
    }
    let series = series_names();
    let run_metrics = crate::experiment::checks::metric_names();
    let names = Names {
        series: &series,
        run: &run_metrics,
    };
    let mut out = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let Some(t) = t else {
            out.push(None);
            continue;
        };
        if raw[..i].iter().flatten().any(|o| o.name == t.name) {
            p.field(
                &format!("targets[{i}].name"),
                format!("\"{}\" is used twice", t.name),
            );
            out.push(None);
            continue;
        }
        out.push(target(p, i, t, start, calendar, &names));
    }
    out.into_iter().collect()
}

/// The names a target's metrics are looked up in.
struct Names<'a> {
    /// The daily series.
    series: &'a [&'static str],
    /// The whole-run metrics.
    run: &'a [&'static str],
}

/// Check one target (`targets[i]`): every independent problem of it.
fn target(
    p: &mut Problems,
    i: usize,
    t: &RawTarget,
    start: NaiveDate,
    calendar: Calendar,
    names: &Names,
) -> Option<Target> {
    let f = |k: &str| format!("targets[{i}].{k}");
    let aggregate = aggregate(p, &f, t, start, calendar);
    let metrics = aggregate.and_then(|a| {
        let run = a == Aggregate::Run;
        let index = metric(p, &f("metric"), &t.metric, run, names);
        if run && (t.minus.is_some() || t.per.is_some()) {
            p.field(
                &f("minus"),
                "`minus` and `per` apply to daily series, not to aggregate = \"run\"",
            );
            return None;
        }
        let mut optional = |key: &str, name: &Option<String>| -> Result<Option<usize>, ()> {
            name.as_deref()
                .map(|m| metric(p, &f(key), m, run, names).ok_or(()))
                .transpose()
        };
        let (minus, per) = (optional("minus", &t.minus), optional("per", &t.per));
        Some((index?, minus.ok()?, per.ok()?))
    });
    let qualifier = match t.qualifier.as_str() {
        "about" => Some(Qualifier::About),
        "more_than" => Some(Qualifier::MoreThan),
        "less_than" => Some(Qualifier::LessThan),
        other => {
            p.field(
                &f("qualifier"),
                format!("\"{other}\": must be \"about\", \"more_than\" or \"less_than\""),
            );
            None
        }
    };
    let role = match t.role.as_deref() {
        None | Some("fitted") => Some(Role::Fitted),
        Some("held_out") => Some(Role::HeldOut),
        Some("input_check") => Some(Role::InputCheck),
        Some(other) => {
            p.field(
                &f("role"),
                format!("\"{other}\": must be \"fitted\", \"held_out\" or \"input_check\""),
            );
            None
        }
    };
    let scale = numbers(p, &f, t);
    let (aggregate, (metric, minus, per), qualifier, role, scale) =
        (aggregate?, metrics?, qualifier?, role?, scale?);
    let grows = |i: usize| -> i32 {
        let g = if aggregate == Aggregate::Run {
            crate::sim::metrics::catalogue()[i].grows_with_cohort()
        } else {
            series_grows_with_cohort(names.series[i])
        };
        i32::from(g)
    };
    Some(Target {
        raw: t.clone(),
        metric,
        minus,
        per,
        aggregate,
        qualifier,
        role,
        scale,
        cohort_power: grows(metric) - per.map(grows).unwrap_or(0),
        cohort_share: 1.0,
    })
}

/// The aggregate of a target and its dates: each a date written YYYY-MM-DD inside the calendar,
/// `to` not before `from`.
fn aggregate(
    p: &mut Problems,
    f: &dyn Fn(&str) -> String,
    t: &RawTarget,
    start: NaiveDate,
    calendar: Calendar,
) -> Option<Aggregate> {
    let mut day = |key: &str, v: &Option<String>| -> Option<u32> {
        let Some(s) = v.as_deref() else {
            p.field(
                &f(key),
                format!("missing: the {} aggregate needs `{key}`", t.aggregate),
            );
            return None;
        };
        let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") else {
            p.field(
                &f(key),
                format!("\"{s}\": must be a date written YYYY-MM-DD"),
            );
            return None;
        };
        let n = (d - start).num_days();
        if n < 0 || n >= calendar.horizon_days as i64 {
            let end = crate::scenario::date_of(
                calendar.start_date,
                calendar.horizon_days.saturating_sub(1),
            );
            p.field(&f(key), format!("\"{s}\": outside the simulated period {} to {end}; the model has no value there", calendar.start_date));
            return None;
        }
        Some(n as u32)
    };
    match t.aggregate.as_str() {
        "at_date" => Some(Aggregate::AtDate(day("date", &t.date)?)),
        "change" | "mean" => {
            let (a, b) = (day("from", &t.from), day("to", &t.to));
            let (a, b) = (a?, b?);
            if b < a {
                p.field(
                    &f("to"),
                    format!(
                        "\"{}\": must not be before `from`",
                        t.to.clone().unwrap_or_default()
                    ),
                );
                return None;
            }
            if t.aggregate == "change" {
                Some(Aggregate::Change(a, b))
            } else {
                Some(Aggregate::Mean(a, b))
            }
        }
        "run" => Some(Aggregate::Run),
        other => {
            p.field(
                &f("aggregate"),
                format!("\"{other}\": must be one of \"at_date\", \"change\", \"mean\", \"run\""),
            );
            None
        }
    }
}

/// The index of metric `name` (at `field`): a whole-run metric for `run`, else a daily series.
fn metric(p: &mut Problems, field: &str, name: &str, run: bool, names: &Names) -> Option<usize> {
    let (list, found) = if run {
        (names.run, names.run.iter().position(|m| *m == name))
    } else {
        (names.series, names.series.iter().position(|m| *m == name))
    };
    if found.is_none() {
        if run {
            p.field(
                field,
                format!(
                    "\"{name}\": not a whole-run metric; valid: {}",
                    list.join(", ")
                ),
            );
        } else {
            p.field(field, format!("\"{name}\": not a daily series; valid: {} (or use aggregate = \"run\" for: {})", list.join(", "), names.run.join(", ")));
        }
    }
    found
}

/// The numbers of a target: its tolerance, published value and scale. Returns the scale.
fn numbers(p: &mut Problems, f: &dyn Fn(&str) -> String, t: &RawTarget) -> Option<f64> {
    let mut ok = true;
    if !(t.tolerance.is_finite() && t.tolerance > 0.0 && t.tolerance <= 10.0) {
        p.field(
            &f("tolerance"),
            format!("{}: must be a relative error in (0, 10]", t.tolerance),
        );
        ok = false;
    }
    if !t.value.is_finite() || t.value == 0.0 {
        p.field(
            &f("value"),
            format!("{}: must be a finite, non-zero number", t.value),
        );
        ok = false;
    }
    let scale = t.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale != 0.0) {
        p.field(
            &f("scale"),
            format!("{scale}: must be a finite, non-zero number"),
        );
        ok = false;
    }
    ok.then_some(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALENDAR: Calendar = Calendar {
        start_date: "2018-10-01",
        horizon_days: 365,
    };

    fn raw(extra: &str) -> RawTarget {
        toml::from_str(&format!(
            "name = \"t\"\nmetric = \"released\"\nvalue = 100.0\nqualifier = \"about\"\ntolerance = 0.1\ndefinition = \"d\"\nsource = \"s\"\n{extra}"
        ))
        .unwrap()
    }

    fn fields(p: &Problems) -> Vec<&str> {
        p.problems.iter().map(|x| x.field.as_str()).collect()
    }

    #[test]
    fn aggregates_take_dates_inside_the_calendar() {
        let start = NaiveDate::from_ymd_opt(2018, 10, 1).unwrap();
        let f = |k: &str| format!("t.{k}");
        let mut p = Problems::default();
        let one = |p: &mut Problems, extra: &str| aggregate(p, &f, &raw(extra), start, CALENDAR);
        assert_eq!(one(&mut p, "aggregate = \"run\""), Some(Aggregate::Run));
        assert_eq!(
            one(&mut p, "aggregate = \"at_date\"\ndate = \"2018-10-11\""),
            Some(Aggregate::AtDate(10))
        );
        assert_eq!(
            one(
                &mut p,
                "aggregate = \"mean\"\nfrom = \"2018-10-02\"\nto = \"2018-10-03\""
            ),
            Some(Aggregate::Mean(1, 2))
        );
        assert!(p.is_empty());
        assert_eq!(one(&mut p, "aggregate = \"sum\""), None);
        assert_eq!(
            one(&mut p, "aggregate = \"at_date\"\ndate = \"2019-10-01\""),
            None
        );
        assert_eq!(one(&mut p, "aggregate = \"change\"\nfrom = \"x\""), None);
        assert_eq!(
            one(
                &mut p,
                "aggregate = \"change\"\nfrom = \"2018-10-03\"\nto = \"2018-10-02\""
            ),
            None
        );
        assert_eq!(
            fields(&p),
            ["t.aggregate", "t.date", "t.from", "t.to", "t.to"]
        );
        assert!(p.problems[1].allowed.contains("2018-10-01 to 2019-09-30"));
    }

    #[test]
    fn every_independent_problem_of_a_target_is_named() {
        let mut b = raw("aggregate = \"at_date\"\ndate = \"2018-10-05\"\nminus = \"nope\"");
        b.tolerance = 0.0;
        b.value = f64::NAN;
        b.scale = Some(0.0);
        b.qualifier = "roughly".into();
        let mut run = raw("aggregate = \"run\"\nper = \"released\"");
        run.name = "r".into();
        let twice = raw("aggregate = \"run\"");
        let mut p = Problems::default();
        let got = check(&mut p, &[Some(b), Some(run), None, Some(twice)], CALENDAR);
        assert!(got.is_none());
        assert_eq!(
            fields(&p),
            [
                "targets[0].minus",
                "targets[0].qualifier",
                "targets[0].tolerance",
                "targets[0].value",
                "targets[0].scale",
                "targets[1].minus",
                "targets[3].name",
            ]
        );
        assert!(p.problems[0].allowed.contains("not a daily series"));
        let mut p = Problems::default();
        let ok = check(&mut p, &[Some(raw("aggregate = \"run\""))], CALENDAR).unwrap();
        assert_eq!(ok[0].aggregate, Aggregate::Run);
        assert!(check(&mut p, &[], CALENDAR).is_none());
        let bad_start = Calendar {
            start_date: "x",
            horizon_days: 1,
        };
        assert!(check(&mut p, &[None], bad_start).is_none());
        assert_eq!(fields(&p), ["targets", "(scenario) time.start_date"]);
    }
    /// A target of `metric` (with `extra` fields), checked.
    fn checked(metric: &str, extra: &str) -> Target {
        let mut t = raw(extra);
        t.metric = metric.into();
        let mut p = Problems::default();
        let got = check(&mut p, &[Some(t)], CALENDAR);
        assert!(p.is_empty(), "{:?}", p.problems);
        got.unwrap().remove(0)
    }

    #[test]
    fn counts_grow_with_the_cohort_and_shares_and_means_do_not() {
        let day = "aggregate = \"at_date\"\ndate = \"2018-10-02\"";
        let run = "aggregate = \"run\"";
        let power = |metric: &str, extra: &str| checked(metric, extra).cohort_power();
        assert_eq!(power("released", day), 1);
        assert_eq!(power("orr_discharge_care_days_cum", day), 1);
        assert_eq!(power("accurate_share_ice", day), 0);
        assert_eq!(power("released", &format!("{day}\nper = \"arrived\"")), 0);
        assert_eq!(power("released", &format!("{day}\nminus = \"arrived\"")), 1);
        assert_eq!(power("released", run), 1);
        assert_eq!(power("unlocatable_by_ice_child_years", run), 1);
        assert_eq!(power("cbp_hours_mean", run), 0);
        assert_eq!(power("care_days_mean", run), 0);
        assert_eq!(power("over_72h_share", run), 0);
    }

    #[test]
    fn a_run_at_a_share_of_the_cohort_is_compared_as_the_whole_cohort() {
        let day = "aggregate = \"at_date\"\ndate = \"2018-10-02\"";
        let mut snap = DaySnapshot {
            released: 30,
            arrived: 60,
            ..DaySnapshot::default()
        };
        snap.accurate[crate::sim::Agency::Ice as usize] = 12;
        let days = vec![snap.clone(), snap.clone()];
        let summary = RunSummary::default();
        let eval = |t: Target| t.evaluate(&days, &summary);
        let released = checked("released", day);
        assert_eq!(eval(released.clone()), 30.0);
        assert_eq!(eval(released.clone().at_cohort_share(0.1)), 300.0);
        // Set again, the last share counts (not the product of the two).
        assert_eq!(
            eval(released.at_cohort_share(0.1).at_cohort_share(0.5)),
            60.0
        );
        let share = checked("released", &format!("{day}\nper = \"arrived\""));
        assert_eq!(eval(share.clone()), 0.5);
        assert_eq!(eval(share.at_cohort_share(0.1)), 0.5);
        let accurate = checked("accurate_share_ice", day);
        assert_eq!(eval(accurate.clone().at_cohort_share(0.25)), eval(accurate));
    }
}
