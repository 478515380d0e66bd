//! Validation: every raw value is checked against its allowed range and converted into the
//! engine's units. All problems are collected and reported together.

use chrono::{Datelike, NaiveDate};

use super::raw::{self, RawScenario, Step};
use crate::error::Problem;
use crate::sim::params::*;

/// Longest horizon accepted, in days (about 50 years).
const MAX_HORIZON_DAYS: i64 = 18_263;
/// Largest expected number of children in one fiscal year.
const MAX_CHILDREN_PER_YEAR: f64 = 5_000_000.0;
/// Largest coefficient of variation accepted for a duration.
const MAX_CV: f64 = 10.0;
/// Largest mean duration accepted, in days.
const MAX_DAYS: f64 = 36_525.0;
/// Largest hazard rate accepted, per year.
const MAX_RATE_PER_YEAR: f64 = 1_000.0;
const MIN_PER_HOUR: f64 = 60.0;
const MIN_PER_DAY: f64 = MINUTES_PER_DAY as f64;
const MIN_PER_YEAR: f64 = 365.25 * MIN_PER_DAY;

struct Check {
    problems: Vec<Problem>,
    start: NaiveDate,
    /// The last simulated day (`time.horizon_date`).
    end: NaiveDate,
    horizon_days: u32,
}

impl Check {
    /// "from 2018-10-01 to 2025-12-31 (time.start_date to time.horizon_date)".
    fn period(&self) -> String {
        format!(
            "from {} to {} (time.start_date to time.horizon_date)",
            self.start, self.end
        )
    }

    fn bad(&mut self, field: &str, value: impl std::fmt::Display, allowed: &str) {
        self.problems.push(Problem {
            field: field.to_string(),
            value: value.to_string(),
            allowed: allowed.to_string(),
        });
    }

    fn finite(&mut self, field: &str, v: f64) -> bool {
        if v.is_finite() {
            true
        } else {
            self.bad(field, v, "must be a finite number");
            false
        }
    }

    fn prob(&mut self, field: &str, v: f64) -> f64 {
        if !self.finite(field, v) || !(0.0..=1.0).contains(&v) {
            if v.is_finite() {
                self.bad(field, v, "must be a probability in [0, 1]");
            }
            return 0.0;
        }
        v
    }

    fn range(&mut self, field: &str, v: f64, lo: f64, hi: f64, unit: &str) -> f64 {
        if !self.finite(field, v) {
            return lo;
        }
        if v < lo || v > hi {
            self.bad(field, v, &format!("must be in [{lo}, {hi}] {unit}"));
            return lo;
        }
        v
    }

    fn nonneg(&mut self, field: &str, v: f64, hi: f64, unit: &str) -> f64 {
        self.range(field, v, 0.0, hi, unit)
    }

    fn at_least_one_u32(&mut self, field: &str, v: u32, hi: u32, unit: &str) -> u32 {
        if v < 1 || v > hi {
            self.bad(field, v, &format!("must be an integer in [1, {hi}] {unit}"));
            return 1;
        }
        v
    }

    /// A duration in `unit_minutes` (60 for hours, 1440 for days) with a coefficient of variation.
    fn duration(
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

    fn rate_per_year(&mut self, field: &str, v: f64) -> f64 {
        self.nonneg(field, v, MAX_RATE_PER_YEAR, "per year") / MIN_PER_YEAR
    }

    fn parse_date(&mut self, field: &str, s: &str) -> Option<NaiveDate> {
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

    /// A date as a simulation day, within [start, horizon].
    fn day(&mut self, field: &str, s: &str) -> Option<u32> {
        let d = self.parse_date(field, s)?;
        let n = (d - self.start).num_days();
        if n < 0 || n >= self.horizon_days as i64 {
            self.bad(
                field,
                format!("\"{s}\""),
                &format!(
                    "must be a date within the simulated period, {}",
                    self.period()
                ),
            );
            return None;
        }
        Some(n as u32)
    }

    /// A piecewise-constant schedule; the first step must start on or before `time.start_date`.
    fn schedule(
        &mut self,
        field: &str,
        steps: &[Step],
        min_value: u32,
        max_value: u32,
        unit: &str,
    ) -> Schedule {
        let mut out: Vec<(u32, u32)> = Vec::new();
        if steps.is_empty() {
            self.bad(
                field,
                "[]",
                "must list at least one { from = \"YYYY-MM-DD\", value = N } step",
            );
            return Schedule(vec![(0, min_value.max(1))]);
        }
        let mut last: Option<NaiveDate> = None;
        for (i, s) in steps.iter().enumerate() {
            let f = format!("{field}[{i}]");
            let Some(d) = self.parse_date(&format!("{f}.from"), &s.from) else {
                continue;
            };
            if i == 0 && d > self.start {
                self.bad(
                    &format!("{f}.from"),
                    format!("\"{}\"", s.from),
                    &format!(
                        "the first step must start on or before time.start_date ({})",
                        self.start
                    ),
                );
            }
            if let Some(l) = last {
                if d <= l {
                    self.bad(
                        &format!("{f}.from"),
                        format!("\"{}\"", s.from),
                        "steps must be in strictly increasing date order",
                    );
                }
            }
            last = Some(d);
            if s.value < min_value || s.value > max_value {
                self.bad(
                    &format!("{f}.value"),
                    s.value,
                    &format!("must be an integer in [{min_value}, {max_value}] {unit}"),
                );
            }
            let day = (d - self.start).num_days().max(0).min(u32::MAX as i64) as u32;
            out.push((day, s.value.clamp(min_value, max_value)));
        }
        if out.is_empty() {
            out.push((0, min_value));
        }
        out[0].0 = 0;
        Schedule(out)
    }

    /// Weights turned into a cumulative distribution.
    fn cdf(&mut self, field: &str, w: &[f64], len: Option<usize>) -> Vec<f64> {
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
                self.bad(
                    &format!("{field}[{i}]"),
                    x,
                    "weights must be finite and >= 0",
                );
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

    fn probs3(&mut self, field: &str, v: [f64; 3]) -> [f64; 3] {
        let mut out = [0.0; 3];
        for i in 0..3 {
            out[i] = self.prob(&format!("{field}[{i}]"), v[i]);
        }
        out
    }
}

/// Multiply a staff schedule by a per-person daily rate, giving a capacity schedule.
fn capacity(staff: &Schedule, per_day: f64) -> Schedule {
    Schedule(
        staff
            .0
            .iter()
            .map(|&(d, n)| (d, (n as f64 * per_day).floor().min(u32::MAX as f64) as u32))
            .collect(),
    )
}

/// Validate a raw scenario into engine parameters, or list every problem found.
pub fn validate(r: &RawScenario) -> Result<Params, Vec<Problem>> {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let mut c = Check {
        problems: Vec::new(),
        start: epoch,
        end: epoch,
        horizon_days: 1,
    };
    let start = c.parse_date("time.start_date", &r.time.start_date);
    let end = c.parse_date("time.horizon_date", &r.time.horizon_date);
    if let (Some(s), Some(e)) = (start, end) {
        let days = (e - s).num_days() + 1;
        if !(1..=MAX_HORIZON_DAYS).contains(&days) {
            c.bad("time.horizon_date", format!("\"{}\"", r.time.horizon_date), &format!("must be on or after time.start_date and at most {MAX_HORIZON_DAYS} days after it"));
        } else {
            c.start = s;
            c.end = e;
            c.horizon_days = days as u32;
        }
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let horizon_days = c.horizon_days;
    let contact_window = c.range(
        "time.contact_window_days",
        r.time.contact_window_days as f64,
        0.0,
        3650.0,
        "days",
    ) as u32
        * MINUTES_PER_DAY;

    // Arrivals: expected children per fiscal year, spread over months by weights.
    let seasonal = c.cdf(
        "arrivals.seasonal_weights",
        &r.arrivals.seasonal_weights,
        Some(12),
    );
    let mut rate = vec![0.0; horizon_days as usize];
    if r.arrivals.fiscal_years.is_empty() {
        c.bad(
            "arrivals.fiscal_years",
            "[]",
            "must list at least one fiscal year",
        );
    }
    let mut seen_years = Vec::new();
    for (i, fy) in r.arrivals.fiscal_years.iter().enumerate() {
        let f = format!("arrivals.fiscal_years[{i}]");
        if seen_years.contains(&fy.fiscal_year) {
            c.bad(
                &format!("{f}.fiscal_year"),
                fy.fiscal_year,
                "each fiscal year may appear only once",
            );
        }
        seen_years.push(fy.fiscal_year);
        let children = c.nonneg(
            &format!("{f}.children"),
            fy.children,
            MAX_CHILDREN_PER_YEAR,
            "children",
        );
        let cdf = match &fy.monthly_weights {
            Some(w) => c.cdf(&format!("{f}.monthly_weights"), w, Some(12)),
            None => seasonal.clone(),
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
            continue;
        };
        let first = (fy_start - c.start).num_days();
        let last = (fy_end - c.start).num_days();
        if first < 0 || last >= horizon_days as i64 {
            let allowed = format!(
                "the whole fiscal year ({fy_start} to {fy_end}) must lie within the simulated period, {}",
                c.period()
            );
            c.bad(&format!("{f}.fiscal_year"), fy.fiscal_year, &allowed);
            continue;
        }
        for m in 0..12u32 {
            let share = cdf[m as usize] - if m == 0 { 0.0 } else { cdf[m as usize - 1] };
            let month_start = add_months(fy_start, m);
            let month_end = add_months(fy_start, m + 1);
            let days = (month_end - month_start).num_days();
            let per_minute = children * share / (days as f64 * MIN_PER_DAY);
            let d0 = (month_start - c.start).num_days();
            for d in d0..d0 + days {
                rate[d as usize] = per_minute;
            }
        }
    }

    let ch = &r.children;
    let age_cdf = c.cdf("children.age_weights", &ch.age_weights, Some(18));
    if ch.country_groups.is_empty() {
        c.bad(
            "children.country_groups",
            "[]",
            "must list at least one group",
        );
    }
    let shares: Vec<f64> = ch.country_groups.iter().map(|g| g.share).collect();
    let country_cdf = c.cdf("children.country_groups[].share", &shares, None);
    if ch.country_groups.len() > 255 {
        c.bad(
            "children.country_groups",
            ch.country_groups.len(),
            "at most 255 groups",
        );
    }
    let country_reach_multiplier = ch
        .country_groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            c.range(
                &format!("children.country_groups[{i}].reach_multiplier"),
                g.reach_multiplier,
                0.0,
                10.0,
                "",
            )
        })
        .collect();
    let propensity_log_sd = c.range(
        "children.propensity_log_sd",
        ch.propensity_log_sd,
        0.0,
        3.0,
        "",
    );

    let s = &r.sponsors;
    let category_cdf3 = c.cdf("sponsors.category_shares", &s.category_shares, Some(3));
    let next_cdf3 = c.cdf(
        "sponsors.next_sponsor_category_shares",
        &s.next_sponsor_category_shares,
        Some(3),
    );
    let negl = c.probs3("sponsors.neglectful_probability", s.neglectful_probability);
    let expl = c.probs3(
        "sponsors.exploitative_probability",
        s.exploitative_probability,
    );
    for i in 0..3 {
        if negl[i] + expl[i] > 1.0 + 1e-12 {
            c.bad(
                &format!(
                    "sponsors.neglectful_probability[{i}] + sponsors.exploitative_probability[{i}]"
                ),
                negl[i] + expl[i],
                "must not exceed 1",
            );
        }
    }
    let idm = s.identification_days_mean;
    let identification = [0, 1, 2].map(|i| {
        c.duration(
            &format!("sponsors.identification_days_mean[{i}]"),
            idm[i],
            "sponsors.identification_cv",
            s.identification_cv,
            MIN_PER_DAY,
            "days",
        )
    });
    let sponsors = Sponsors {
        category_cdf: to3(&category_cdf3),
        no_viable_sponsor: c.prob(
            "sponsors.no_viable_sponsor_probability",
            s.no_viable_sponsor_probability,
        ),
        risk: [0, 1, 2].map(|i| [negl[i], expl[i]]),
        identification,
        incomplete_record_delay: c.duration(
            "sponsors.incomplete_record_extra_days_mean",
            s.incomplete_record_extra_days_mean,
            "sponsors.incomplete_record_extra_days_cv",
            s.incomplete_record_extra_days_cv,
            MIN_PER_DAY,
            "days",
        ),
        next_sponsor_category_cdf: to3(&next_cdf3),
        max_attempts: c.at_least_one_u32(
            "sponsors.max_sponsor_attempts",
            s.max_sponsor_attempts,
            100,
            "sponsors",
        ),
    };

    let b = &r.cbp;
    let cbp = Cbp {
        processing_agents: c.schedule(
            "cbp.processing_agents",
            &b.processing_agents,
            1,
            1_000_000,
            "agents",
        ),
        processing: c.duration(
            "cbp.processing_hours_mean",
            b.processing_hours_mean,
            "cbp.processing_hours_cv",
            b.processing_hours_cv,
            MIN_PER_HOUR,
            "hours",
        ),
        transport: c.duration(
            "cbp.transport_hours_mean",
            b.transport_hours_mean,
            "cbp.transport_hours_cv",
            b.transport_hours_cv,
            MIN_PER_HOUR,
            "hours",
        ),
        transfer_limit: (c.range(
            "cbp.transfer_limit_hours",
            b.transfer_limit_hours,
            1.0,
            8760.0,
            "hours",
        ) * MIN_PER_HOUR) as u32,
        record_completeness: c.prob(
            "cbp.record_completeness_probability",
            b.record_completeness_probability,
        ),
        records_sponsor_address: c.prob(
            "cbp.records_sponsor_address_probability",
            b.records_sponsor_address_probability,
        ),
    };

    let o = &r.orr;
    let orr = Orr {
        standard_beds: c.schedule("orr.standard_beds", &o.standard_beds, 1, 10_000_000, "beds"),
        placements_per_day: c.schedule(
            "orr.placements_per_day",
            &o.placements_per_day,
            1,
            1_000_000,
            "placements per day",
        ),
        usable_beds_percent: c.schedule(
            "orr.usable_beds_percent",
            &o.usable_beds_percent,
            1,
            100,
            "percent of standard beds",
        ),
        influx_beds: c.schedule("orr.influx_beds", &o.influx_beds, 0, 10_000_000, "beds"),
        influx_trigger_waiting: c.range(
            "orr.influx_trigger_waiting_children",
            o.influx_trigger_waiting_children as f64,
            0.0,
            10_000_000.0,
            "children",
        ) as u32,
        influx_open_delay_days: c.range(
            "orr.influx_open_delay_days",
            o.influx_open_delay_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32,
        influx_close_occupancy_share: c.prob(
            "orr.influx_close_occupancy_share",
            o.influx_close_occupancy_share,
        ),
        case_managers: c.schedule(
            "orr.case_managers",
            &o.case_managers,
            1,
            10_000_000,
            "case managers",
        ),
        cases_per_case_manager: c.at_least_one_u32(
            "orr.cases_per_case_manager",
            o.cases_per_case_manager,
            10_000,
            "concurrent cases",
        ),
        voluntary_departure_rate: c.rate_per_year(
            "orr.voluntary_departure_rate_per_year",
            o.voluntary_departure_rate_per_year,
        ),
        release_processing: c.duration(
            "orr.release_processing_days_mean",
            o.release_processing_days_mean,
            "orr.release_processing_days_cv",
            o.release_processing_days_cv,
            MIN_PER_DAY,
            "days",
        ),
    };

    let v = &r.vetting;
    let bg = v.background_check_days_mean;
    let vetting = Vetting {
        background: [0, 1, 2].map(|i| {
            c.duration(
                &format!("vetting.background_check_days_mean[{i}]"),
                bg[i],
                "vetting.background_check_cv",
                v.background_check_cv,
                MIN_PER_DAY,
                "days",
            )
        }),
        home_study_probability: c
            .probs3("vetting.home_study_probability", v.home_study_probability),
        home_study: c.duration(
            "vetting.home_study_days_mean",
            v.home_study_days_mean,
            "vetting.home_study_cv",
            v.home_study_cv,
            MIN_PER_DAY,
            "days",
        ),
        detect_background: c.prob(
            "vetting.detection_probability_background",
            v.detection_probability_background,
        ),
        detect_home_study: c.prob(
            "vetting.detection_probability_home_study",
            v.detection_probability_home_study,
        ),
    };

    let release = Release {
        address_error: c.prob(
            "release.address_error_probability",
            r.release.address_error_probability,
        ),
        services_probability: c.probs3(
            "release.post_release_services_probability",
            r.release.post_release_services_probability,
        ),
    };

    let d = &r.data_sharing;
    let sharing = DataSharing {
        integrated_record: d.integrated_record,
        orr_to_ice: Sharing {
            probability: c.prob(
                "data_sharing.orr_to_ice_probability",
                d.orr_to_ice_probability,
            ),
            delay: c.duration(
                "data_sharing.orr_to_ice_delay_days_mean",
                d.orr_to_ice_delay_days_mean,
                "data_sharing.orr_to_ice_delay_cv",
                d.orr_to_ice_delay_cv,
                MIN_PER_DAY,
                "days",
            ),
        },
        orr_to_court: Sharing {
            probability: c.prob(
                "data_sharing.orr_to_court_probability",
                d.orr_to_court_probability,
            ),
            delay: c.duration(
                "data_sharing.orr_to_court_delay_days_mean",
                d.orr_to_court_delay_days_mean,
                "data_sharing.orr_to_court_delay_cv",
                d.orr_to_court_delay_cv,
                MIN_PER_DAY,
                "days",
            ),
        },
        ice_record_match: c.prob(
            "data_sharing.ice_record_match_probability",
            d.ice_record_match_probability,
        ),
    };

    let l = &r.life;
    let by_risk = |c: &mut Check, f: &str, x: &raw::ByRisk| {
        [
            c.rate_per_year(&format!("{f}.safe"), x.safe),
            c.rate_per_year(&format!("{f}.neglectful"), x.neglectful),
            c.rate_per_year(&format!("{f}.exploitative"), x.exploitative),
        ]
    };
    let life = Life {
        move_rate: c.rate_per_year("life.move_rate_per_year", l.move_rate_per_year),
        move_reported: [
            c.prob(
                "life.move_reported_probability.orr",
                l.move_reported_probability.orr,
            ),
            c.prob(
                "life.move_reported_probability.ice",
                l.move_reported_probability.ice,
            ),
            c.prob(
                "life.move_reported_probability.court",
                l.move_reported_probability.court,
            ),
        ],
        runaway_rate: by_risk(
            &mut c,
            "life.runaway_rate_per_year",
            &l.runaway_rate_per_year,
        ),
        exploitation_rate: by_risk(
            &mut c,
            "life.exploitation_rate_per_year",
            &l.exploitation_rate_per_year,
        ),
        exploitation_relocates: c.prob(
            "life.exploitation_relocates_probability",
            l.exploitation_relocates_probability,
        ),
    };

    let w = &r.wellbeing_calls;
    let mut after_release = Vec::new();
    for (i, &dd) in w.days_after_release.iter().enumerate() {
        after_release.push(
            c.range(
                &format!("wellbeing_calls.days_after_release[{i}]"),
                dd as f64,
                0.0,
                3650.0,
                "days",
            ) as u32
                * MINUTES_PER_DAY,
        );
    }
    let call_staff = c.schedule("wellbeing_calls.staff", &w.staff, 1, 1_000_000, "staff");
    let calls = Calls {
        after_release,
        capacity_per_day: capacity(
            &call_staff,
            c.range(
                "wellbeing_calls.calls_per_staff_day",
                w.calls_per_staff_day,
                0.01,
                10_000.0,
                "calls per staff-day",
            ),
        ),
        max_wait_days: c.range(
            "wellbeing_calls.max_wait_days",
            w.max_wait_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32,
        answer_if_current: c.prob(
            "wellbeing_calls.answer_probability_if_current",
            w.answer_probability_if_current,
        ),
        reach_if_stale: c.prob(
            "wellbeing_calls.reach_probability_if_stale",
            w.reach_probability_if_stale,
        ),
    };

    let pr = &r.post_release_services;
    let services = PostReleaseServices {
        contact_interval: c.range(
            "post_release_services.contact_interval_days",
            pr.contact_interval_days as f64,
            1.0,
            3650.0,
            "days",
        ) as u32
            * MINUTES_PER_DAY,
        duration: c.range(
            "post_release_services.duration_days",
            pr.duration_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32
            * MINUTES_PER_DAY,
        reach_if_current: c.prob(
            "post_release_services.reach_probability_if_current",
            pr.reach_probability_if_current,
        ),
        reach_if_stale: c.prob(
            "post_release_services.reach_probability_if_stale",
            pr.reach_probability_if_stale,
        ),
    };

    let i = &r.ice;
    let officers = c.schedule(
        "ice.nta_officers",
        &i.nta_officers,
        1,
        1_000_000,
        "officers",
    );
    let ice = Ice {
        nta_capacity_per_day: capacity(
            &officers,
            c.range(
                "ice.ntas_per_officer_day",
                i.ntas_per_officer_day,
                0.01,
                10_000.0,
                "NTAs per officer-day",
            ),
        ),
        nta_intent: c.prob("ice.nta_probability", i.nta_probability),
        nta_filing: c.duration(
            "ice.nta_filing_days_mean",
            i.nta_filing_days_mean,
            "ice.nta_filing_cv",
            i.nta_filing_cv,
            MIN_PER_DAY,
            "days",
        ),
    };

    let k = &r.court;
    let court = Court {
        hearings_per_day: c.schedule(
            "court.hearings_per_day",
            &k.hearings_per_day,
            1,
            10_000_000,
            "hearings per day",
        ),
        min_notice_days: c.range(
            "court.min_notice_days",
            k.min_notice_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32,
        representation: c.prob(
            "court.representation_probability",
            k.representation_probability,
        ),
        appear_notice_represented: c.prob(
            "court.appear_probability_notice_represented",
            k.appear_probability_notice_represented,
        ),
        appear_notice_unrepresented: c.prob(
            "court.appear_probability_notice_unrepresented",
            k.appear_probability_notice_unrepresented,
        ),
        appear_no_notice: c.prob(
            "court.appear_probability_no_notice",
            k.appear_probability_no_notice,
        ),
        case_closes_per_hearing: c.prob(
            "court.case_closes_probability_per_hearing",
            k.case_closes_probability_per_hearing,
        ),
        next_hearing: c.duration(
            "court.next_hearing_days_mean",
            k.next_hearing_days_mean,
            "court.next_hearing_cv",
            k.next_hearing_cv,
            MIN_PER_DAY,
            "days",
        ),
    };

    let wc = &r.welfare_checks;
    let start_day = if wc.enabled {
        c.day("welfare_checks.start_date", &wc.start_date)
    } else {
        None
    };
    let mut priority = [0u8, 1, 2];
    let names = ["in_absentia", "no_nta", "other"];
    let mut seen = Vec::new();
    for (j, p) in wc.priority.iter().enumerate() {
        match names.iter().position(|n| n == p) {
            Some(g) if !seen.contains(&g) => seen.push(g),
            _ => c.bad(
                &format!("welfare_checks.priority[{j}]"),
                format!("\"{p}\""),
                "must be one of \"in_absentia\", \"no_nta\", \"other\", each once",
            ),
        }
    }
    if seen.len() == 3 {
        priority = [seen[0] as u8, seen[1] as u8, seen[2] as u8];
    } else if wc.priority.len() != 3 {
        c.bad(
            "welfare_checks.priority",
            format!("{} entries", wc.priority.len()),
            "must list \"in_absentia\", \"no_nta\" and \"other\" in priority order",
        );
    }
    let checks = WelfareChecks {
        start_day,
        teams: c.schedule(
            "welfare_checks.teams",
            &wc.teams,
            if wc.enabled { 1 } else { 0 },
            1_000_000,
            "teams",
        ),
        checks_per_team_day: c.range(
            "welfare_checks.checks_per_team_day",
            wc.checks_per_team_day,
            0.0,
            1_000.0,
            "checks per team-day",
        ),
        local_partner_checks_per_day: c.schedule(
            "welfare_checks.local_partner_checks_per_day",
            &wc.local_partner_checks_per_day,
            0,
            1_000_000,
            "checks per day",
        ),
        max_checks: c.range(
            "welfare_checks.max_checks",
            wc.max_checks as f64,
            0.0,
            100_000_000.0,
            "checks",
        ) as u64,
        list_refresh_days: c.range(
            "welfare_checks.list_refresh_days",
            wc.list_refresh_days as f64,
            1.0,
            3650.0,
            "days",
        ) as u32,
        priority,
        missing_report_if_not_found: c.prob(
            "welfare_checks.missing_report_probability_if_not_found",
            wc.missing_report_probability_if_not_found,
        ),
    };

    let rc = &r.recovery;
    let recovery = Recovery {
        sponsor_reports_runaway: c.prob(
            "recovery.sponsor_reports_absence_probability",
            rc.sponsor_reports_absence_probability,
        ),
        missing_report_delay: c.duration(
            "recovery.missing_report_delay_days_mean",
            rc.missing_report_delay_days_mean,
            "recovery.missing_report_delay_cv",
            rc.missing_report_delay_cv,
            MIN_PER_DAY,
            "days",
        ),
        ncic_match_rate: c.rate_per_year(
            "recovery.ncic_match_rate_per_year",
            rc.ncic_match_rate_per_year,
        ),
        exploitation_lead_rate: c.rate_per_year(
            "recovery.exploitation_leads_per_year",
            rc.exploitation_leads_per_year,
        ),
        investigators: c.schedule(
            "recovery.hsi_investigators",
            &rc.hsi_investigators,
            1,
            1_000_000,
            "investigators",
        ),
        reassigned_to_removal: c.prob(
            "recovery.reassigned_to_removal_share",
            rc.reassigned_to_removal_share,
        ),
        cases_per_investigator: c.at_least_one_u32(
            "recovery.cases_per_investigator",
            rc.cases_per_investigator,
            10_000,
            "concurrent cases",
        ),
        investigation: c.duration(
            "recovery.investigation_days_mean",
            rc.investigation_days_mean,
            "recovery.investigation_cv",
            rc.investigation_cv,
            MIN_PER_DAY,
            "days",
        ),
        rescue_probability: c.prob("recovery.rescue_probability", rc.rescue_probability),
    };

    let dt = &r.deterrence;
    let sharing_enforcement_from = if dt.sharing_used_for_enforcement_from == "never" {
        None
    } else {
        c.day(
            "deterrence.sharing_used_for_enforcement_from",
            &dt.sharing_used_for_enforcement_from,
        )
    };
    let deterrence = Deterrence {
        enabled: dt.enabled,
        sharing_enforcement_from,
        arrests_during_checks: dt.arrests_during_checks,
        identification_delay_increase: c.range(
            "deterrence.identification_delay_increase",
            dt.identification_delay_increase,
            0.0,
            100.0,
            "(relative increase)",
        ),
        shift_to_category3: c.prob(
            "deterrence.shift_to_category3_probability",
            dt.shift_to_category3_probability,
        ),
        contact_avoidance: c.prob(
            "deterrence.contact_avoidance_probability",
            dt.contact_avoidance_probability,
        ),
        pressure_sharing: c.prob("deterrence.pressure_from_sharing", dt.pressure_from_sharing),
        pressure_arrests: c.prob("deterrence.pressure_from_arrests", dt.pressure_from_arrests),
    };

    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    Ok(Params {
        horizon_days,
        contact_window,
        arrival_rate_by_day: rate,
        children: Children {
            age_cdf,
            country_cdf,
            country_reach_multiplier,
            propensity_log_sd,
        },
        sponsors,
        cbp,
        orr,
        vetting,
        release,
        sharing,
        life,
        calls,
        services,
        ice,
        court,
        checks,
        recovery,
        deterrence,
    })
}

/// Numbers as a TOML array, for messages.
fn list(v: &[f64]) -> String {
    format!(
        "[{}]",
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn to3(v: &[f64]) -> [f64; 3] {
    [v[0], v[1], v[2]]
}

/// The first day of the month `m` months after `d`'s month (d is the 1st of a month).
fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + m as i32;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

/// The calendar date of a simulation day, for outputs.
pub fn date_of(start: &str, day: u32) -> String {
    match NaiveDate::parse_from_str(start, "%Y-%m-%d") {
        Ok(s) => (s + chrono::Duration::days(day as i64))
            .format("%Y-%m-%d")
            .to_string(),
        Err(_) => day.to_string(),
    }
}
