//! Arrivals (`[arrivals]`): expected children per fiscal year, spread over months by weights,
//! into the daily arrival rate per minute.

use chrono::{Datelike, NaiveDate};

use super::check::{Check, MIN_PER_DAY};
use super::time::Period;
use crate::scenario::raw::{Arrivals, FiscalYear};

/// Largest expected number of children in one fiscal year.
const MAX_CHILDREN_PER_YEAR: f64 = 5_000_000.0;

/// The arrival rate per minute for each simulated day of `p`.
pub(super) fn validate(c: &mut Check, p: &Period, a: &Arrivals) -> Vec<f64> {
    let seasonal = c.cdf("arrivals.seasonal_weights", &a.seasonal_weights, Some(12));
    let mut rate = vec![0.0; p.days as usize];
    if a.fiscal_years.is_empty() {
        c.bad(
            "arrivals.fiscal_years",
            "[]",
            "must list at least one fiscal year",
        );
    }
    let mut seen_years = Vec::new();
    for (i, fy) in a.fiscal_years.iter().enumerate() {
        let f = format!("arrivals.fiscal_years[{i}]");
        if seen_years.contains(&fy.fiscal_year) {
            c.bad(
                &format!("{f}.fiscal_year"),
                fy.fiscal_year,
                "each fiscal year may appear only once",
            );
        }
        seen_years.push(fy.fiscal_year);
        fiscal_year(c, p, &f, fy, &seasonal, &mut rate);
    }
    rate
}

/// Check one fiscal year (`f` is its dotted path) and write its monthly rates into `rate`.
fn fiscal_year(
    c: &mut Check,
    p: &Period,
    f: &str,
    fy: &FiscalYear,
    seasonal: &[f64],
    rate: &mut [f64],
) {
    let children = c.nonneg(
        &format!("{f}.children"),
        fy.children,
        MAX_CHILDREN_PER_YEAR,
        "children",
    );
    let cdf = match &fy.monthly_weights {
        Some(w) => c.cdf(&format!("{f}.monthly_weights"), w, Some(12)),
        None => seasonal.to_vec(),
    };
    let (Some(fy_start), Some(fy_end)) = (
        fy.fiscal_year
            .checked_sub(1)
            .and_then(|y| NaiveDate::from_ymd_opt(y, 10, 1)),
        NaiveDate::from_ymd_opt(fy.fiscal_year, 9, 30),
    ) else {
        c.bad(
            &format!("{f}.fiscal_year"),
            fy.fiscal_year,
            "must be a calendar year",
        );
        return;
    };
    let first = (fy_start - p.start).num_days();
    let last = (fy_end - p.start).num_days();
    if first < 0 || last >= p.days as i64 {
        let allowed = format!(
            "the whole fiscal year ({fy_start} to {fy_end}) must lie within the simulated period, {}",
            p.describe()
        );
        c.bad(&format!("{f}.fiscal_year"), fy.fiscal_year, &allowed);
        return;
    }
    for m in 0..12u32 {
        let share = cdf[m as usize] - if m == 0 { 0.0 } else { cdf[m as usize - 1] };
        let month_start = add_months(fy_start, m);
        let month_end = add_months(fy_start, m + 1);
        let days = (month_end - month_start).num_days();
        let per_minute = children * share / (days as f64 * MIN_PER_DAY);
        let d0 = (month_start - p.start).num_days();
        for d in d0..d0 + days {
            rate[d as usize] = per_minute;
        }
    }
}

/// The first day of the month `m` months after `d`'s month (d is the 1st of a month).
fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + m as i32;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::Time;
    use crate::scenario::validate::time;

    fn year(fiscal_year: i32, children: f64) -> FiscalYear {
        FiscalYear {
            fiscal_year,
            children,
            monthly_weights: None,
            source: String::new(),
        }
    }

    /// FY2020 and FY2021: 2019-10-01 to 2021-09-30.
    fn two_years(c: &mut Check) -> Period {
        let t = Time {
            start_date: "2019-10-01".into(),
            horizon_date: "2021-09-30".into(),
            contact_window_days: 0,
        };
        time::period(c, &t).unwrap()
    }

    #[test]
    fn a_year_is_spread_evenly_over_its_months_by_default() {
        let mut c = Check::default();
        let p = two_years(&mut c);
        let a = Arrivals {
            seasonal_weights: vec![1.0; 12],
            fiscal_years: vec![year(2021, 12.0 * 31.0 * MIN_PER_DAY)],
        };
        let rate = validate(&mut c, &p, &a);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(rate.len(), 731);
        assert_eq!(rate[365], 0.0, "FY2020 is not listed");
        // October 2020 has 31 days: one twelfth of the year spread over them.
        assert!((rate[366] - 1.0).abs() < 1e-12, "{}", rate[366]);
        assert_eq!(rate[366 + 30], rate[366]);
        // November has 30 days: the same share over fewer days.
        assert!((rate[366 + 31] - 31.0 / 30.0).abs() < 1e-12);
    }

    #[test]
    fn repeated_and_out_of_period_years_are_named() {
        let mut c = Check::default();
        let p = two_years(&mut c);
        let a = Arrivals {
            seasonal_weights: vec![1.0; 12],
            fiscal_years: vec![year(2020, 1.0), year(2020, 1.0), year(2022, 1.0)],
        };
        validate(&mut c, &p, &a);
        let shown: Vec<String> = c.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "field `arrivals.fiscal_years[1].fiscal_year` = 2020: each fiscal year may appear \
                 only once",
                "field `arrivals.fiscal_years[2].fiscal_year` = 2022: the whole fiscal year \
                 (2021-10-01 to 2022-09-30) must lie within the simulated period, from 2019-10-01 \
                 to 2021-09-30 (time.start_date to time.horizon_date)",
            ]
        );
    }

    #[test]
    fn months_roll_over_year_ends() {
        let oct = NaiveDate::from_ymd_opt(2020, 10, 1).unwrap();
        assert_eq!(
            add_months(oct, 3),
            NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
        );
        assert_eq!(
            add_months(oct, 12),
            NaiveDate::from_ymd_opt(2021, 10, 1).unwrap()
        );
    }
}
