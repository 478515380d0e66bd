//! The starting population: the children already in ORR care on the first day, referred before
//! the cohort. Their number, ages (ORR's age bands) and days in care so far come from
//! `[orr.in_care_at_start]`; who else they are (country, sponsor, propensities) is drawn as for the
//! cohort. They hold beds and case managers from the first morning and go through sponsor search
//! and vetting under the rules then in force; their sponsor search starts on the first day (the
//! published record gives how long they had been in care, not how far each case had got).
//!
//! The children released to sponsors shortly before the first day (`[orr.released_before_start]`)
//! belong to it too: each is released on a day drawn uniformly in the window before the first day
//! and is with the sponsor on the first morning, its follow-up already under way: what follows a
//! release (the 30-day call, ORR's sharing with ICE, ICE's NTA, post-release services, moves and
//! running away) is scheduled as at a release that many days ago, and whatever would have fallen
//! before the first day happens on it. Every count of the starting population goes to its own
//! totals, never the cohort's.

use rand_distr::{Distribution, Exp1};

use super::arrivals;
use super::orr::{home_with_sponsor, Orr};
use crate::rng::{Purpose, Stream};
use crate::sim::core::child::State;
use crate::sim::core::sampling::{pick, unit};
use crate::sim::core::Core;
use crate::sim::params::{AGE_BANDS, MINUTES_PER_DAY};

/// Create the starting population (ids `0..n`) in ORR care at time 0. Called before the cohort's
/// arrivals are scheduled, so that cohort ids follow.
pub(crate) fn create(core: &mut Core, orr: &mut Orr) {
    debug_assert!(core.children.is_empty());
    let s = &core.p.orr.at_start;
    let n = s.children;
    let total = n + core.p.orr.released_before_start.children;
    core.start_n = total;
    core.start_in_care = n;
    core.children.reserve_exact(total as usize);
    core.start_elapsed.reserve_exact(total as usize);
    for c in 0..n {
        let mut a = core.stream(c, Purpose::Attributes);
        let age = age_in_bands(&s.age_band_cdf, &mut a);
        let days: f64 = Exp1.sample(&mut a);
        let elapsed = days * s.days_in_care_mean * MINUTES_PER_DAY as f64;
        core.start_elapsed.push(elapsed.min(u32::MAX as f64) as u32);
        arrivals::add_child(core, c, &mut a, 18.0 - age);
    }
    orr.admit_starting_population(core);
}

/// An age drawn from ORR's age bands (uniform within the band drawn).
fn age_in_bands(cdf: &[f64], a: &mut Stream) -> f64 {
    let (lo, hi) = AGE_BANDS[pick(cdf, a)];
    lo as f64 + unit(a) * (hi - lo) as f64
}

/// Create the children released before the first day (ids `start_in_care..start_n`), with their
/// sponsors on the first morning; returns each with the minutes since its release, for the
/// engine to schedule what follows the release brought forward by that much. Ages are drawn from
/// the in-care bands (an assumption: no published age mix of September's releases); sponsor,
/// country and propensities as for the cohort. Their days in care before release are not
/// modelled (they count in no length of care).
pub(crate) fn create_released(core: &mut Core) -> Vec<(u32, u32)> {
    let p = core.p;
    let window = p.orr.released_before_start.window_days as f64 * MINUTES_PER_DAY as f64;
    (core.start_in_care..core.start_n)
        .map(|c| {
            let mut a = core.stream(c, Purpose::Attributes);
            let age = age_in_bands(&p.orr.at_start.age_band_cdf, &mut a);
            let ago = (unit(&mut a) * window) as u32;
            core.start_elapsed.push(0);
            // Already `ago` older than at release, but 18 not before the first day.
            let years_to_18 =
                (18.0 - age - ago as f64 / (365.25 * MINUTES_PER_DAY as f64)).max(0.0);
            arrivals::add_child(core, c, &mut a, years_to_18);
            home_with_sponsor(core, c);
            core.set_state(c, State::WithSponsor);
            (c, ago)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::sim::core::agency::Agency;
    use crate::sim::core::child::{State, NO_ADDRESS};
    use crate::sim::engine::testkit::{replications, scenario};
    use crate::sim::engine::{simulate_verified, Engine};
    use crate::sim::params::{Params, AGE_BANDS, MINUTES_PER_DAY};
    use crate::sim::NoObserver;

    /// The baseline at `share` of its cohort with `n` children in care on the first day.
    fn with_start(share: f64, n: u32) -> Params {
        let mut p = scenario("baseline.toml", share);
        p.orr.at_start.children = n;
        p
    }

    /// On the first morning every child of the starting population is in ORR care and holds a
    /// bed; none is counted in the cohort's figures, and ORR's census counts them all.
    #[test]
    fn the_starting_population_is_in_care_on_the_first_day_and_out_of_the_cohort() {
        let p = with_start(0.01, 300);
        let mut e = Engine::after_days(&p, 1);
        let core = e.core();
        assert_eq!(core.start_n, 300);
        let in_care = core.start_snap.states[State::Orr as usize];
        assert!(in_care >= 295, "{in_care} of 300 still in care after a day");
        assert_eq!(core.start_snap.arrived, 300);
        assert_eq!(core.snap.arrived as usize, core.children.len() - 300);
        assert_eq!(
            core.out.transferred_to_orr,
            core.snap.states[State::Orr as usize] as u64
                + core.out.released
                + core.out.departed
                + core.out.aged_out_in_care
        );
        assert_eq!(
            core.snap.orr_census,
            in_care + core.snap.states[State::Orr as usize]
        );
        assert_eq!(
            core.start_out.transferred_to_orr, 0,
            "never transferred: already in care"
        );
    }

    /// Ages follow the bands and days in care their mean; nobody is 18 yet.
    #[test]
    fn ages_fall_in_the_bands_and_days_in_care_average_the_mean() {
        let mut p = with_start(0.001, 4000);
        p.orr.at_start.age_band_cdf = vec![0.0, 0.0, 0.0, 0.0, 1.0];
        p.orr.at_start.days_in_care_mean = 80.0;
        let mut e = Engine::after_days(&p, 0);
        let core = e.core();
        let year = 365.25 * MINUTES_PER_DAY as f64;
        let (lo, hi) = AGE_BANDS[4];
        for ch in &core.children[..4000] {
            let age = 18.0 - ch.turns_18 as f64 / year;
            assert!(
                age >= lo as f64 - 1e-6 && age < hi as f64 + 1e-6,
                "age {age}"
            );
        }
        let mean = core.start_elapsed.iter().map(|&m| m as f64).sum::<f64>()
            / 4000.0
            / MINUTES_PER_DAY as f64;
        assert!((mean - 80.0).abs() < 4.0, "mean days in care so far {mean}");
    }

    /// Common random numbers: the cohort's children are drawn the same whatever the size of the
    /// starting population (their streams are keyed by their place in the cohort).
    #[test]
    fn the_cohort_draws_the_same_children_whatever_the_starting_population() {
        let (a, b) = (with_start(0.01, 0), with_start(0.01, 200));
        let mut ea = Engine::after_days(&a, 30);
        let mut eb = Engine::after_days(&b, 30);
        let cohort_b = &eb.core().children[200..];
        let cohort_a = &ea.core().children;
        assert_eq!(cohort_a.len(), cohort_b.len());
        for (x, y) in cohort_a.iter().zip(cohort_b) {
            assert_eq!(
                (
                    x.arrival,
                    x.turns_18,
                    x.category,
                    x.country,
                    x.appear_mult.to_bits()
                ),
                (
                    y.arrival,
                    y.turns_18,
                    y.category,
                    y.country,
                    y.appear_mult.to_bits()
                )
            );
        }
    }

    /// The starting population's length of care at release counts the days before the first
    /// day: ORR's mean length of care of the first weeks' discharges is above the days since.
    #[test]
    fn their_length_of_care_counts_the_days_before_the_first_day() {
        let p = with_start(0.01, 500);
        let mut e = Engine::after_days(&p, 30);
        let core = e.core();
        let out = &core.start_out;
        assert!(out.released > 0);
        let before: f64 = out.care_days_since_entry_total - out.care_days_total;
        assert!(before > 0.0 && out.care_days_total <= 30.0 * out.released as f64);
        let d = core.discharges;
        assert!(d.count >= out.released && d.care_days >= out.care_days_since_entry_total);
    }

    /// More children in care on the first day keep beds full longer: the cohort waits longer in
    /// CBP custody for a bed in the first months (paired: the same cohort).
    #[test]
    fn a_full_system_on_the_first_day_makes_the_first_arrivals_wait() {
        let hours = |n: u32| {
            let mut p = with_start(0.02, n);
            // Beds as at full scale relative to the cohort.
            for s in [
                &mut p.orr.standard_beds,
                &mut p.orr.influx_beds,
                &mut p.orr.placements_per_day,
            ] {
                for (_, v) in s.0.iter_mut() {
                    *v = ((*v as f64) * 0.02).round().max(1.0) as u32;
                }
            }
            let mut e = Engine::after_days(&p, 60);
            let out = &e.core().out;
            out.cbp_hours_total / out.transferred_to_orr as f64
        };
        let (empty, full) = (hours(0), hours(300));
        assert!(
            full > empty,
            "CBP hours: {full} with 300 in care, {empty} with none"
        );
    }

    /// The baseline at `share` of its cohort with nobody in care and `n` children released in
    /// the 30 days before the first day.
    fn with_released(share: f64, n: u32) -> Params {
        let mut p = with_start(share, 0);
        p.orr.released_before_start.children = n;
        p.orr.released_before_start.window_days = 30;
        p
    }

    /// On the first morning the children released before it are with their sponsors, followed,
    /// out of ORR's census and discharges and out of the cohort; the children in care come first.
    #[test]
    fn children_released_before_the_first_day_are_with_sponsors_and_out_of_the_cohort() {
        let mut p = with_released(0.01, 200);
        p.orr.at_start.children = 50;
        let mut e = Engine::after_days(&p, 0);
        let core = e.core();
        assert_eq!((core.start_in_care, core.start_n), (50, 250));
        assert_eq!(core.start_snap.states[State::WithSponsor as usize], 200);
        assert_eq!(core.start_snap.states[State::Orr as usize], 50);
        assert_eq!(
            core.discharges.count, 0,
            "released in September, not on the first day"
        );
        assert_eq!(core.start_out.released, 0, "not a release of the window");
        for ch in &core.children[50..250] {
            assert_eq!(ch.state, State::WithSponsor);
            assert_ne!(ch.rec[Agency::Orr], NO_ADDRESS, "ORR holds an address");
        }
        assert_eq!(core.snap.arrived as usize, core.children.len() - 250);
    }

    /// What follows their release falls when it would have: the 30-day calls of children
    /// released over the 30 days before the first day fall due over the first 30 days, about half
    /// in the first fortnight (on the old code, without the backdating, all on day 30).
    #[test]
    fn their_30_day_calls_fall_due_over_the_first_month() {
        let p = with_released(0.001, 400);
        let due = |days: u32| {
            let mut e = Engine::after_days(&p, days);
            e.core().start_out.calls_due
        };
        let (half, month) = (due(14), due(31));
        assert!(
            (140..=260).contains(&half),
            "{half} of 400 calls due in the first 15 days"
        );
        assert!(month >= 380, "{month} of 400 calls due by day 31");
    }

    /// The run's totals say how many were released before the first day, apart from those in
    /// care; both groups' counts agree with a recount through a whole run.
    #[test]
    fn the_released_are_counted_apart_and_agree_with_a_recount() {
        let mut p = with_released(0.005, 60);
        p.orr.at_start.children = 40;
        let s = simulate_verified(&p, 11, 0, &mut NoObserver);
        assert_eq!((s.in_care_at_start, s.released_before_start), (40, 60));
        let start = s.start.expect("a starting population");
        assert_eq!(start.arrived, 100);
        assert!(start.calls_due >= 50, "{}", start.calls_due);
    }

    /// Running counts of both groups agree with a recount every day, through a whole run.
    #[test]
    fn both_groups_counts_agree_with_a_recount() {
        let p = with_start(0.005, 80);
        let s = simulate_verified(&p, 11, 0, &mut NoObserver);
        let start = s.start.expect("a starting population");
        assert_eq!(start.in_care_at_start, 0, "set on the cohort's summary");
        assert_eq!(s.in_care_at_start, 80);
        assert!(start.released + start.aged_out_in_care + start.departed <= 80);
        assert_eq!(start.arrived, 80);
        // The same run without the recount gives the same totals.
        let again = replications(&p, 1);
        assert_eq!(
            again[0].start.as_deref().map(|s| s.released),
            Some(start.released)
        );
    }
}
