//! The value checks of a scenario (finite, probability, range, duration, rate, weights) on the
//! shared problem collector ([`Problems`]): each records a bad value with its dotted path and
//! returns a safe stand-in.

use chrono::NaiveDate;

use crate::input::Problems;
use crate::sim::params::{Duration, Schedule, MINUTES_PER_DAY};

/// Largest coefficient of variation accepted for a duration.
const MAX_CV: f64 = 10.0;
/// Largest mean duration accepted, in days.
const MAX_DAYS: f64 = 36_525.0;
/// Largest hazard rate accepted, per year.
const MAX_RATE_PER_YEAR: f64 = 1_000.0;
pub(super) const MIN_PER_HOUR: f64 = 60.0;
pub(super) const MIN_PER_DAY: f64 = MINUTES_PER_DAY as f64;
const MIN_PER_YEAR: f64 = 365.25 * MIN_PER_DAY;

/// The collector of a scenario's problems: the one shared by every loader, with the scenario's
/// value checks below as its methods.
pub(super) type Check = Problems;

impl Check {
    fn finite(&mut self, field: &str, v: f64) -> bool {
        if v.is_finite() {
            true
        } else {
            self.bad(field, v, "must be a finite number");
            false
        }
    }

    pub(super) fn prob(&mut self, field: &str, v: f64) -> f64 {
        if !self.finite(field, v) || !(0.0..=1.0).contains(&v) {
            if v.is_finite() {
                self.bad(field, v, "must be a probability in [0, 1]");
            }
            return 0.0;
        }
        v
    }

    pub(super) fn range(&mut self, field: &str, v: f64, lo: f64, hi: f64, unit: &str) -> f64 {
        if !self.finite(field, v) {
            return lo;
        }
        if v < lo || v > hi {
            self.bad(field, v, &format!("must be in [{lo}, {hi}] {unit}"));
            return lo;
        }
        v
    }

    pub(super) fn nonneg(&mut self, field: &str, v: f64, hi: f64, unit: &str) -> f64 {
        self.range(field, v, 0.0, hi, unit)
    }

    pub(super) fn at_least_one_u32(&mut self, field: &str, v: u32, hi: u32, unit: &str) -> u32 {
        if v < 1 || v > hi {
            self.bad(field, v, &format!("must be an integer in [1, {hi}] {unit}"));
            return 1;
        }
        v
    }

    /// A duration in `unit_minutes` (60 for hours, 1440 for days) with a coefficient of variation.
    pub(super) fn duration(
        &mut self,
        field: &str,
        mean: f64,
        cv_field: &str,
        cv: f64,
        unit_minutes: f64,
        unit: &str,
    ) -> Duration {
        let max = MAX_DAYS * MIN_PER_DAY / unit_minutes;
        let mean = self.nonneg(field, mean, max, unit);
        let cv = self.nonneg(cv_field, cv, MAX_CV, "(coefficient of variation)");
        Duration {
            mean: mean * unit_minutes,
            cv,
        }
    }

    /// A duration given in days (the mean in `field`, its coefficient of variation in `cv_field`).
    pub(super) fn days(&mut self, field: &str, mean: f64, cv_field: &str, cv: f64) -> Duration {
        self.duration(field, mean, cv_field, cv, MIN_PER_DAY, "days")
    }

    /// A hazard rate given per year, returned per minute.
    pub(super) fn rate_per_year(&mut self, field: &str, v: f64) -> f64 {
        self.nonneg(field, v, MAX_RATE_PER_YEAR, "per year") / MIN_PER_YEAR
    }

    pub(super) fn parse_date(&mut self, field: &str, s: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.bad(
                    field,
                    format!("\"{s}\""),
                    "must be a date written YYYY-MM-DD",
                );
                None
            }
        }
    }

    /// Weights turned into a cumulative distribution.
    pub(super) fn cdf(&mut self, field: &str, w: &[f64], len: Option<usize>) -> Vec<f64> {
        self.cdf_of(field, &|i| format!("{field}[{i}]"), w, len)
    }

    /// [`Check::cdf`] for weights that are not an array of numbers themselves: `element(i)` is the
    /// path of weight `i` (e.g. `children.country_groups[2].share`).
    pub(super) fn cdf_of(
        &mut self,
        field: &str,
        element: &dyn Fn(usize) -> String,
        w: &[f64],
        len: Option<usize>,
    ) -> Vec<f64> {
        if let Some(n) = len {
            if w.len() != n {
                self.bad(
                    field,
                    format!("{} ({} values)", list(w), w.len()),
                    &format!("must list exactly {n} weights"),
                );
                return (1..=n).map(|i| i as f64 / n as f64).collect();
            }
        }
        if w.is_empty() {
            self.bad(field, "[]", "must list at least one weight");
            return vec![1.0];
        }
        let mut ok = true;
        for (i, &x) in w.iter().enumerate() {
            if !x.is_finite() || x < 0.0 {
                self.bad(&element(i), x, "weights must be finite and >= 0");
                ok = false;
            }
        }
        let total: f64 = w.iter().sum();
        if ok && total <= 0.0 {
            self.bad(field, "all zero", "at least one weight must be > 0");
            ok = false;
        }
        if !ok {
            return (1..=w.len()).map(|i| i as f64 / w.len() as f64).collect();
        }
        let mut acc = 0.0;
        let mut out: Vec<f64> = w
            .iter()
            .map(|x| {
                acc += x / total;
                acc
            })
            .collect();
        if let Some(last) = out.last_mut() {
            *last = 1.0;
        }
        out
    }

    pub(super) fn probs3(&mut self, field: &str, v: [f64; 3]) -> [f64; 3] {
        let mut out = [0.0; 3];
        for i in 0..3 {
            out[i] = self.prob(&format!("{field}[{i}]"), v[i]);
        }
        out
    }
}

/// Multiply a staff schedule by a per-person daily rate, giving a capacity schedule.
pub(super) fn capacity(staff: &Schedule, per_day: f64) -> Schedule {
    Schedule(
        staff
            .0
            .iter()
            .map(|&(d, n)| (d, (n as f64 * per_day).floor().min(u32::MAX as f64) as u32))
            .collect(),
    )
}

/// Most values of a list shown in a message.
const SHOWN: usize = 24;

/// Numbers as a TOML array, for messages: at most [`SHOWN`] values, then how many more.
fn list(v: &[f64]) -> String {
    let shown: Vec<String> = v.iter().take(SHOWN).map(|x| x.to_string()).collect();
    if v.len() > SHOWN {
        format!("[{}, ... {} more]", shown.join(", "), v.len() - SHOWN)
    } else {
        format!("[{}]", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_name_the_range_and_fall_back_to_the_minimum() {
        let mut c = Check::default();
        assert_eq!(c.range("a.b", 11.0, 1.0, 10.0, "days"), 1.0);
        assert_eq!(c.range("a.c", 5.0, 1.0, 10.0, "days"), 5.0);
        assert_eq!(c.range("a.d", f64::NAN, 1.0, 10.0, "days"), 1.0);
        let shown: Vec<String> = c.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "field `a.b` = 11: must be in [1, 10] days",
                "field `a.d` = NaN: must be a finite number",
            ]
        );
    }

    #[test]
    fn a_probability_outside_zero_one_is_reported_once() {
        let mut c = Check::default();
        assert_eq!(c.prob("p", 1.5), 0.0);
        assert_eq!(c.prob("q", f64::INFINITY), 0.0);
        assert_eq!(c.prob("r", 1.0), 1.0);
        let shown: Vec<String> = c.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "field `p` = 1.5: must be a probability in [0, 1]",
                "field `q` = inf: must be a finite number",
            ]
        );
    }

    #[test]
    fn weights_become_a_cdf_ending_at_one() {
        let mut c = Check::default();
        assert_eq!(c.cdf("w", &[1.0, 3.0], None), vec![0.25, 1.0]);
        assert_eq!(
            c.cdf("w", &[1.0, 2.0], Some(3)),
            vec![1.0 / 3.0, 2.0 / 3.0, 1.0]
        );
        assert_eq!(c.cdf("z", &[0.0, 0.0], None), vec![0.5, 1.0]);
        assert_eq!(c.problems.len(), 2);
        assert_eq!(c.problems[0].value, "[1, 2] (2 values)");
        assert_eq!(c.problems[0].allowed, "must list exactly 3 weights");
        assert_eq!(c.problems[1].allowed, "at least one weight must be > 0");
    }

    #[test]
    fn a_huge_list_is_shown_short() {
        let mut c = Check::default();
        let w = vec![1.0; 10_000_000];
        c.cdf("w", &w, Some(12));
        assert!(c.problems[0].value.len() < 200, "{}", c.problems[0].value);
        assert!(c.problems[0].value.contains("9999976 more"));
    }

    #[test]
    fn durations_are_converted_to_minutes_and_bounded() {
        let mut c = Check::default();
        let d = c.duration("m", 2.0, "cv", 0.5, MIN_PER_HOUR, "hours");
        assert_eq!(
            d,
            Duration {
                mean: 120.0,
                cv: 0.5
            }
        );
        let d = c.days("m", 1.0, "cv", 11.0);
        assert_eq!(
            d,
            Duration {
                mean: 1440.0,
                cv: 0.0
            }
        );
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].field, "cv");
        assert_eq!(
            c.problems[0].allowed,
            "must be in [0, 10] (coefficient of variation)"
        );
    }
}
