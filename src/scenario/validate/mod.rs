//! Validation: every raw value is checked against its allowed range and converted into the
//! engine's units. All problems are collected and reported together.
//!
//! `check` holds the shared problem collector and `time` the simulated period; every other module
//! validates one table of the scenario file into its part of `Params`. `[meta]` holds only names
//! and needs no checks.

mod arrivals;
mod cbp;
mod check;
mod children;
mod court;
mod data_sharing;
mod deterrence;
mod ice;
mod life;
mod orr;
mod policy;
mod post_release_services;
mod recovery;
mod release;
mod sponsors;
mod time;
mod vetting;
mod welfare_checks;
mod wellbeing_calls;

use super::parts::Parts;
use super::raw::RawScenario;
use crate::error::Problem;
use crate::sim::params::Params;

pub(crate) use time::date_of;

/// Validate a raw scenario into engine parameters, or list every problem found.
///
/// Problems are listed in the order of the sections below (and of the fields within each); unusable
/// dates in `[time]` stop validation there, since every other date is checked against them.
pub(crate) fn validate(r: &RawScenario) -> Result<Params, Vec<Problem>> {
    validate_parts(&Parts::from(r.clone()))
}

/// [`validate`] for a scenario whose sections could not all be read: the sections present are
/// checked (those holding dates only if `[time]` is usable). `Err` holds every problem found, and
/// is empty if none was found but a section is absent.
pub(crate) fn validate_parts(r: &Parts) -> Result<Params, Vec<Problem>> {
    let mut c = check::Check::default();
    let period = match &r.time {
        Some(t) => match time::period(&mut c, t) {
            Some(p) => Some(p),
            None => return Err(c.problems),
        },
        None => None,
    };
    let contact_window = r.time.as_ref().map(|t| time::contact_window(&mut c, t));
    macro_rules! plain {
        ($m:ident) => {
            r.$m.as_ref().map(|x| $m::validate(&mut c, x))
        };
    }
    macro_rules! dated {
        ($m:ident) => {
            match (&period, &r.$m) {
                (Some(p), Some(x)) => Some($m::validate(&mut c, p, x)),
                _ => None,
            }
        };
    }
    let arrival_rate_by_day = dated!(arrivals);
    let children = plain!(children);
    let sponsors = plain!(sponsors);
    let cbp = dated!(cbp);
    let orr = dated!(orr);
    let vetting = plain!(vetting);
    let release = plain!(release);
    let sharing = plain!(data_sharing);
    let life = plain!(life);
    let calls = dated!(wellbeing_calls);
    let services = plain!(post_release_services);
    let ice = dated!(ice);
    let court = dated!(court);
    let checks = dated!(welfare_checks);
    let recovery = dated!(recovery);
    let policy = dated!(policy);
    let deterrence = plain!(deterrence);
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    // Every section is needed to build the parameters: one that could not be read (already
    // reported, or absent) leaves no further problem to report.
    macro_rules! params {
        ($($field:ident),* $(,)?) => {{
            let (Some(period), $(Some($field),)*) = (period, $($field,)*) else {
                return Err(Vec::new());
            };
            Params {
                horizon_days: period.days,
                $($field,)*
            }
        }};
    }
    Ok(params!(
        contact_window,
        arrival_rate_by_day,
        children,
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
        policy,
        deterrence,
    ))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::load;

    fn baseline() -> RawScenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        load::load(&path).unwrap().raw
    }

    fn fields(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn the_baseline_is_valid() {
        let p = validate(&baseline()).unwrap();
        // 2018-10-01 to 2025-12-31, both included.
        assert_eq!(p.horizon_days, 2649);
        assert_eq!(p.arrival_rate_by_day.len(), 2649);
        assert_eq!(p.contact_window, 180 * 1440);
    }

    #[test]
    fn unusable_dates_stop_validation_before_the_sections() {
        let mut r = baseline();
        r.time.start_date = "2018-10-32".into();
        r.court.representation_probability = 2.0;
        let problems = validate(&r).unwrap_err();
        assert_eq!(fields(&problems), ["time.start_date"]);
    }

    #[test]
    fn problems_are_listed_in_section_order() {
        let mut r = baseline();
        r.deterrence.pressure_from_arrests = -1.0;
        r.cbp.transfer_limit_hours = 0.0;
        r.time.contact_window_days = 4000;
        r.life.move_reported_probability.ice = 1.5;
        r.welfare_checks.start_date = "2030-01-01".into();
        let problems = validate(&r).unwrap_err();
        assert_eq!(
            fields(&problems),
            [
                "time.contact_window_days",
                "cbp.transfer_limit_hours",
                "life.move_reported_probability.ice",
                "welfare_checks.start_date",
                "deterrence.pressure_from_arrests",
            ]
        );
    }
}
