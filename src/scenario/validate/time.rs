//! The simulated period (`[time]`): start and horizon dates, the contact window, and turning
//! calendar dates and dated schedules into simulation days.

use chrono::NaiveDate;

use super::check::Check;
use crate::scenario::raw::{Dated, Step, Time};
use crate::sim::params::{DatedValue, Schedule, MINUTES_PER_DAY};

/// Longest horizon accepted, in days (about 50 years).
const MAX_HORIZON_DAYS: i64 = 18_263;

/// The validated simulated period: `time.start_date` to `time.horizon_date`, both included.
#[derive(Debug, Clone, Copy)]
pub(super) struct Period {
    pub(super) start: NaiveDate,
    /// The last simulated day (`time.horizon_date`).
    pub(super) end: NaiveDate,
    /// Number of simulated days.
    pub(super) days: u32,
}

/// The simulated period, or `None` after recording why the dates are unusable.
pub(super) fn period(c: &mut Check, t: &Time) -> Option<Period> {
    let start = c.parse_date("time.start_date", &t.start_date);
    let end = c.parse_date("time.horizon_date", &t.horizon_date);
    let (start, end) = (start?, end?);
    let days = (end - start).num_days() + 1;
    if !(1..=MAX_HORIZON_DAYS).contains(&days) {
        c.bad(
            "time.horizon_date",
            format!("\"{}\"", t.horizon_date),
            &format!(
                "must be on or after time.start_date and at most {MAX_HORIZON_DAYS} days after it"
            ),
        );
        return None;
    }
    Some(Period {
        start,
        end,
        days: days as u32,
    })
}

/// `time.contact_window_days`, in minutes.
pub(super) fn contact_window(c: &mut Check, t: &Time) -> u32 {
    c.range(
        "time.contact_window_days",
        t.contact_window_days as f64,
        0.0,
        3650.0,
        "days",
    ) as u32
        * MINUTES_PER_DAY
}

impl Period {
    /// "from 2018-10-01 to 2025-12-31 (time.start_date to time.horizon_date)".
    pub(super) fn describe(&self) -> String {
        format!(
            "from {} to {} (time.start_date to time.horizon_date)",
            self.start, self.end
        )
    }

    /// A date as a simulation day, within [start, horizon].
    pub(super) fn day(&self, c: &mut Check, field: &str, s: &str) -> Option<u32> {
        let d = c.parse_date(field, s)?;
        let n = (d - self.start).num_days();
        if n < 0 || n >= self.days as i64 {
            c.bad(
                field,
                format!("\"{s}\""),
                &format!(
                    "must be a date within the simulated period, {}",
                    self.describe()
                ),
            );
            return None;
        }
        Some(n as u32)
    }

    /// A piecewise-constant schedule; the first step must start on or before `time.start_date`.
    pub(super) fn schedule(
        &self,
        c: &mut Check,
        field: &str,
        steps: &[Step],
        min_value: u32,
        max_value: u32,
        unit: &str,
    ) -> Schedule {
        let steps: Vec<(&str, u32)> = steps.iter().map(|s| (s.from.as_str(), s.value)).collect();
        Schedule(
            self.steps(c, field, &steps, "N", min_value.max(1), |c, f, v| {
                if v < min_value || v > max_value {
                    c.bad(
                        f,
                        v,
                        &format!("must be an integer in [{min_value}, {max_value}] {unit}"),
                    );
                }
                v.clamp(min_value, max_value)
            }),
        )
    }

    /// A value that may change on dates: one number for the whole period, or a list of
    /// `{ from, value }` steps (the first on or before `time.start_date`). `check` validates each
    /// value (given its dotted path) and returns a safe stand-in for a bad one.
    pub(super) fn dated(
        &self,
        c: &mut Check,
        field: &str,
        v: &Dated,
        mut check: impl FnMut(&mut Check, &str, f64) -> f64,
    ) -> DatedValue {
        match v {
            Dated::Constant(x) => DatedValue(vec![(0, check(c, field, *x))]),
            Dated::Steps(steps) => {
                let steps: Vec<(&str, f64)> =
                    steps.iter().map(|s| (s.from.as_str(), s.value)).collect();
                DatedValue(self.steps(c, field, &steps, "x", 0.0, check))
            }
        }
    }

    /// Dated steps `(from, value)`: dates parsed, in strictly increasing order, the first on or
    /// before the start and none after the horizon; each value checked by `check`. The first step
    /// is moved to day 0. `example` names the value in the message for an empty list, `empty` is
    /// the stand-in then.
    fn steps<T: Copy + std::fmt::Display>(
        &self,
        c: &mut Check,
        field: &str,
        steps: &[(&str, T)],
        example: &str,
        empty: T,
        mut check: impl FnMut(&mut Check, &str, T) -> T,
    ) -> Vec<(u32, T)> {
        let mut out: Vec<(u32, T)> = Vec::new();
        if steps.is_empty() {
            c.bad(
                field,
                "[]",
                &format!(
                    "must list at least one {{ from = \"YYYY-MM-DD\", value = {example} }} step"
                ),
            );
            return vec![(0, empty)];
        }
        let mut last: Option<NaiveDate> = None;
        for (i, &(from, value)) in steps.iter().enumerate() {
            let f = format!("{field}[{i}]");
            let Some(d) = c.parse_date(&format!("{f}.from"), from) else {
                continue;
            };
            if i == 0 && d > self.start {
                c.bad(
                    &format!("{f}.from"),
                    format!("\"{from}\""),
                    &format!(
                        "the first step must start on or before time.start_date ({})",
                        self.start
                    ),
                );
            }
            if d > self.end {
                c.bad(
                    &format!("{f}.from"),
                    format!("\"{from}\""),
                    &format!(
                        "a step must start within the simulated period, {} (the first may start before it)",
                        self.describe()
                    ),
                );
            }
            if let Some(l) = last {
                if d <= l {
                    c.bad(
                        &format!("{f}.from"),
                        format!("\"{from}\""),
                        "steps must be in strictly increasing date order",
                    );
                }
            }
            last = Some(d);
            let value = check(c, &format!("{f}.value"), value);
            let day = (d - self.start).num_days().max(0).min(u32::MAX as i64) as u32;
            out.push((day, value));
        }
        if out.is_empty() {
            out.push((0, empty));
        }
        out[0].0 = 0;
        out
    }
}

/// The calendar date of a simulation day, for outputs.
pub(crate) fn date_of(start: &str, day: u32) -> String {
    match NaiveDate::parse_from_str(start, "%Y-%m-%d") {
        Ok(s) => (s + chrono::Duration::days(day as i64))
            .format("%Y-%m-%d")
            .to_string(),
        Err(_) => day.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(start: &str, horizon: &str) -> Time {
        Time {
            start_date: start.into(),
            horizon_date: horizon.into(),
            contact_window_days: 30,
        }
    }

    fn step(from: &str, value: u32) -> Step {
        Step {
            from: from.into(),
            value,
        }
    }

    #[test]
    fn both_bad_dates_are_reported_and_no_period_is_returned() {
        let mut c = Check::default();
        assert!(period(&mut c, &time("2020-13-01", "soon")).is_none());
        let fields: Vec<&str> = c.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["time.start_date", "time.horizon_date"]);
    }

    #[test]
    fn a_horizon_before_the_start_is_refused() {
        let mut c = Check::default();
        assert!(period(&mut c, &time("2020-01-02", "2020-01-01")).is_none());
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].field, "time.horizon_date");
        assert_eq!(
            c.problems[0].allowed,
            "must be on or after time.start_date and at most 18263 days after it"
        );
        let p = period(&mut c, &time("2020-01-01", "2020-01-01")).unwrap();
        assert_eq!(p.days, 1);
    }

    #[test]
    fn a_day_outside_the_period_names_the_period() {
        let mut c = Check::default();
        let p = period(&mut c, &time("2020-01-01", "2020-01-31")).unwrap();
        assert_eq!(p.day(&mut c, "x.start_date", "2020-01-31"), Some(30));
        assert_eq!(p.day(&mut c, "x.start_date", "2020-02-01"), None);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(
            c.problems[0].to_string(),
            "field `x.start_date` = \"2020-02-01\": must be a date within the simulated period, \
             from 2020-01-01 to 2020-01-31 (time.start_date to time.horizon_date)"
        );
    }

    #[test]
    fn a_step_after_the_horizon_is_refused() {
        let mut c = Check::default();
        let p = period(&mut c, &time("2020-01-01", "2020-12-31")).unwrap();
        let steps = [step("2019-06-01", 5), step("2021-01-01", 3)];
        p.schedule(&mut c, "a.staff", &steps, 1, 6, "staff");
        let fields: Vec<&str> = c.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["a.staff[1].from"]);
        assert!(c.problems[0]
            .allowed
            .contains("within the simulated period"));
    }

    #[test]
    fn schedules_start_at_day_zero_and_clamp_bad_steps() {
        let mut c = Check::default();
        let p = period(&mut c, &time("2020-01-01", "2020-12-31")).unwrap();
        let steps = [
            step("2019-06-01", 5),
            step("2020-01-11", 0),
            step("2020-01-11", 7),
        ];
        let s = p.schedule(&mut c, "a.staff", &steps, 1, 6, "staff");
        assert_eq!(s, Schedule(vec![(0, 5), (10, 1), (10, 6)]));
        let shown: Vec<String> = c.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "field `a.staff[1].value` = 0: must be an integer in [1, 6] staff",
                "field `a.staff[2].from` = \"2020-01-11\": steps must be in strictly increasing \
                 date order",
                "field `a.staff[2].value` = 7: must be an integer in [1, 6] staff",
            ]
        );
    }

    #[test]
    fn a_late_first_step_is_refused() {
        let mut c = Check::default();
        let p = period(&mut c, &time("2020-01-01", "2020-12-31")).unwrap();
        p.schedule(&mut c, "a.beds", &[step("2020-02-01", 3)], 1, 9, "beds");
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].field, "a.beds[0].from");
        assert_eq!(
            c.problems[0].allowed,
            "the first step must start on or before time.start_date (2020-01-01)"
        );
    }

    fn value_step(from: &str, value: f64) -> crate::scenario::raw::StepValue {
        crate::scenario::raw::StepValue {
            from: from.into(),
            value,
        }
    }

    #[test]
    fn a_dated_value_is_one_number_or_steps_in_force_from_their_day() {
        let mut c = Check::default();
        let p = period(&mut c, &time("2020-01-01", "2020-12-31")).unwrap();
        let one = p.dated(&mut c, "x", &Dated::Constant(0.4), |c, f, v| c.prob(f, v));
        assert_eq!(one, DatedValue::constant(0.4));
        let steps = Dated::Steps(vec![
            value_step("2019-06-01", 0.9),
            value_step("2020-03-01", 0.5),
        ]);
        let v = p.dated(&mut c, "x", &steps, |c, f, v| c.prob(f, v));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        // 2020-03-01 is day 60 (2020 is a leap year).
        assert_eq!(v.at(0), 0.9);
        assert_eq!(v.at(59), 0.9);
        assert_eq!(v.at(60), 0.5);
        assert_eq!(v.at(365), 0.5);
    }

    #[test]
    fn bad_dated_values_are_each_named() {
        let mut c = Check::default();
        let p = period(&mut c, &time("2020-01-01", "2020-12-31")).unwrap();
        let steps = Dated::Steps(vec![
            value_step("2020-02-01", 0.9),
            value_step("2020-01-15", 1.5),
        ]);
        p.dated(&mut c, "x", &steps, |c, f, v| c.prob(f, v));
        let found: Vec<(&str, &str)> = c
            .problems
            .iter()
            .map(|p| (p.field.as_str(), p.allowed.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "x[0].from",
                    "the first step must start on or before time.start_date (2020-01-01)"
                ),
                (
                    "x[1].from",
                    "steps must be in strictly increasing date order"
                ),
                ("x[1].value", "must be a probability in [0, 1]"),
            ]
        );
    }
}
