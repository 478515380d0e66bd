//! The starting population: the children already in ORR care on the first day, referred before
//! the cohort. Their number, ages (ORR's age bands) and days in care so far come from
//! `[orr.in_care_at_start]`; who else they are (country, sponsor, propensities) is drawn as for the
//! cohort. They hold beds and case managers from the first morning and go through sponsor search
//! and vetting under the rules then in force; their sponsor search starts on the first day (the
//! published record gives how long they had been in care, not how far each case had got). Every
//! count of theirs goes to the starting population's totals, never the cohort's.

use rand_distr::{Distribution, Exp1};

use super::arrivals;
use super::orr::Orr;
use crate::rng::Purpose;
use crate::sim::core::sampling::{pick, unit};
use crate::sim::core::Core;
use crate::sim::params::{AGE_BANDS, MINUTES_PER_DAY};

/// Create the starting population (ids `0..n`) in ORR care at time 0. Called before the cohort's
/// arrivals are scheduled, so that cohort ids follow.
pub(crate) fn create(core: &mut Core, orr: &mut Orr) {
    debug_assert!(core.children.is_empty());
    let s = &core.p.orr.at_start;
    let n = s.children;
    core.start_n = n;
    core.children.reserve_exact(n as usize);
    core.start_elapsed.reserve_exact(n as usize);
    for c in 0..n {
        let mut a = core.stream(c, Purpose::Attributes);
        let (lo, hi) = AGE_BANDS[pick(&s.age_band_cdf, &mut a)];
        let age = lo as f64 + unit(&mut a) * (hi - lo) as f64;
        let days: f64 = Exp1.sample(&mut a);
        let elapsed = days * s.days_in_care_mean * MINUTES_PER_DAY as f64;
        core.start_elapsed.push(elapsed.min(u32::MAX as f64) as u32);
        arrivals::add_child(core, c, &mut a, 18.0 - age);
    }
    orr.admit_starting_population(core);
}

#[cfg(test)]
mod tests {
    use crate::sim::core::child::State;
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
