//! ORR care (`[orr]`): beds, influx sites, placements, case managers, voluntary departure and
//! release processing.

use super::check::Check;
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::{InCareAtStart, Orr, ReleasedBeforeStart, AGE_BANDS};

pub(super) fn validate(c: &mut Check, p: &Period, o: &raw::Orr) -> Orr {
    Orr {
        standard_beds: p.schedule(
            c,
            "orr.standard_beds",
            &o.standard_beds,
            1,
            10_000_000,
            "beds",
        ),
        placements_per_day: p.schedule(
            c,
            "orr.placements_per_day",
            &o.placements_per_day,
            1,
            1_000_000,
            "placements per day",
        ),
        usable_beds_percent: p.schedule(
            c,
            "orr.usable_beds_percent",
            &o.usable_beds_percent,
            1,
            100,
            "percent of standard beds",
        ),
        influx_beds: p.schedule(c, "orr.influx_beds", &o.influx_beds, 0, 10_000_000, "beds"),
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
        case_managers: p.schedule(
            c,
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
        release_processing: c.days(
            "orr.release_processing_days_mean",
            o.release_processing_days_mean,
            "orr.release_processing_days_cv",
            o.release_processing_days_cv,
        ),
        at_start: in_care_at_start(c, o.in_care_at_start.as_ref()),
        released_before_start: released_before_start(c, o.released_before_start.as_ref()),
    }
}

/// `[orr.released_before_start]`: absent means nobody released before the first day.
fn released_before_start(
    c: &mut Check,
    s: Option<&raw::ReleasedBeforeStart>,
) -> ReleasedBeforeStart {
    let Some(s) = s else {
        return ReleasedBeforeStart::default();
    };
    ReleasedBeforeStart {
        children: c.range(
            "orr.released_before_start.children",
            s.children as f64,
            0.0,
            1_000_000.0,
            "children",
        ) as u32,
        window_days: c.range(
            "orr.released_before_start.window_days",
            s.window_days as f64,
            1.0,
            365.0,
            "days",
        ) as u32,
    }
}

/// `[orr.in_care_at_start]`: absent means no child in care on the first day.
fn in_care_at_start(c: &mut Check, s: Option<&raw::InCareAtStart>) -> InCareAtStart {
    let Some(s) = s else {
        return InCareAtStart::default();
    };
    InCareAtStart {
        children: c.range(
            "orr.in_care_at_start.children",
            s.children as f64,
            0.0,
            1_000_000.0,
            "children",
        ) as u32,
        age_band_cdf: c.cdf(
            "orr.in_care_at_start.age_band_weights",
            &s.age_band_weights,
            Some(AGE_BANDS.len()),
        ),
        days_in_care_mean: c.range(
            "orr.in_care_at_start.days_in_care_mean",
            s.days_in_care_mean,
            0.0,
            3650.0,
            "days",
        ),
    }
}
