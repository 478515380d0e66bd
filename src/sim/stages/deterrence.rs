//! Deterrence: the enforcement pressure that the policy in force creates, how strongly released
//! households avoid contact because of it, and the arrests enforcement makes (of would-be sponsors
//! during vetting, of household members during welfare checks). Other stages read these: ORR's
//! sponsor search and vetting, calls, moves, court and traces.
//!
//! Pressure comes from three policies, each with its assumed strength, deterring independently
//! (the pressure is one minus the product of one minus each):
//! sponsor data that ICE holds (shared by ORR, or through an integrated record) may be used for
//! immigration enforcement; ICE attends sponsors' in-person identity verification; welfare checks
//! make arrests (once the operation has started). With `deterrence.enabled` off there is no
//! pressure and no arrest.

use crate::sim::core::child::State;
use crate::sim::core::sampling::unit;
use crate::sim::core::Core;
use crate::sim::params::{Params, Rules};

/// Whether ICE holds sponsor data it may use for enforcement under `rules`.
fn sponsor_data_for_enforcement(p: &Params, rules: Rules) -> bool {
    rules.enforcement_use && (rules.sponsor_data_to_ice || p.sharing.integrated_record)
}

/// Whether ICE is present when sponsors verify their identity in person under `rules`.
fn ice_at_verification(rules: Rules) -> bool {
    rules.in_person_verification && rules.ice_at_verification
}

/// Whether welfare checks make arrests on `day`.
fn checks_arrest(p: &Params, rules: Rules, day: u32) -> bool {
    rules.arrests_during_checks && p.checks.start_day.is_some_and(|s| day >= s)
}

/// Enforcement pressure in force on `day`, in [0, 1]: the policies in force deter independently,
/// so the pressure is `1 - Π (1 - pressure of each)` (each policy in force adds to it, none
/// saturates it).
pub(crate) fn pressure(p: &Params, day: u32) -> f64 {
    let d = &p.deterrence;
    if !d.enabled {
        return 0.0;
    }
    let rules = p.policy.at(day);
    let mut free = 1.0;
    if sponsor_data_for_enforcement(p, rules) {
        free *= 1.0 - d.pressure_sharing;
    }
    if ice_at_verification(rules) {
        free *= 1.0 - d.pressure_verification;
    }
    if checks_arrest(p, rules, day) {
        free *= 1.0 - d.pressure_arrests;
    }
    1.0 - free
}

/// [`pressure`] on the current day, computed once a day.
pub(crate) fn pressure_today(core: &Core) -> f64 {
    let (day, value) = core.pressure_memo.get();
    if day == core.day {
        debug_assert_eq!(value.to_bits(), pressure(core.p, day).to_bits());
        return value;
    }
    let value = pressure(core.p, core.day);
    core.pressure_memo.set((core.day, value));
    value
}

/// The share of contact attempts households avoid on the current day.
pub(crate) fn avoidance_today(core: &Core) -> f64 {
    core.p.deterrence.contact_avoidance * pressure_today(core)
}

/// Probability that a would-be sponsor whose vetting starts on `day` is arrested: only while
/// ICE may use the sponsor's data for enforcement or attends the identity verification.
pub(crate) fn sponsor_arrest(p: &Params, day: u32) -> f64 {
    let rules = p.policy.at(day);
    if p.deterrence.enabled
        && (sponsor_data_for_enforcement(p, rules) || ice_at_verification(rules))
    {
        p.deterrence.sponsor_arrest
    } else {
        0.0
    }
}

/// Probability that a welfare check on `day` that finds the child with the household arrests a
/// household member.
pub(crate) fn household_arrest(p: &Params, day: u32) -> f64 {
    if p.deterrence.enabled && checks_arrest(p, p.policy.at(day), day) {
        p.deterrence.household_arrest
    } else {
        0.0
    }
}

/// A household member was arrested during a welfare check: the placement ends if the child
/// still lives there. The child returns to ORR care (returns `true`: ORR takes the child back and
/// searches for another sponsor) or goes to another adult, at an address no agency holds (the
/// child has left the sponsor and is followed as such).
pub(crate) fn arrested(core: &mut Core, c: u32) -> bool {
    if core.children[c as usize].state != State::WithSponsor {
        return false;
    }
    core.tally(c).household_arrests += 1;
    let p = core.p;
    let ch = core.child(c);
    if unit(&mut ch.follow) < p.deterrence.arrest_return_to_orr {
        core.tally(c).arrest_returns_to_orr += 1;
        return true;
    }
    let addr = core.new_address();
    let ch = core.child(c);
    ch.true_addr = addr;
    core.set_state(c, State::LeftSponsor);
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::core::agency::Agency;
    use crate::sim::core::child::{Epoch, NEVER};
    use crate::sim::core::event::Event;
    use crate::sim::engine::harness::{self, scaled, Harness};

    /// The day the baseline's policy change `key` takes effect.
    fn day_of(p: &Params, key: &str) -> u32 {
        let ch = p.policy.changes.iter().find(|c| c.key == key);
        ch.unwrap_or_else(|| panic!("no change {key}")).day
    }

    /// What enforcement does on `day`: the pressure, and the chances of arrest of a sponsor in
    /// vetting and of a household member at a check.
    fn enforcement(p: &Params, day: u32) -> (f64, f64, f64) {
        (
            pressure(p, day),
            sponsor_arrest(p, day),
            household_arrest(p, day),
        )
    }

    #[test]
    fn the_pressure_of_the_day_is_recomputed_when_the_day_changes() {
        let p = scaled("baseline.toml", 0.0);
        assert!(p.deterrence.enabled);
        let mut h = Harness::new(&p, 1);
        let core = h.core();
        // Around every dated change, in order and back again: the cached value is always the
        // day's own.
        let mut days: Vec<u32> = (p.policy.changes.iter())
            .filter(|c| c.day < p.horizon_days)
            .flat_map(|c| [c.day.saturating_sub(1), c.day])
            .collect();
        days.extend(days.clone().into_iter().rev());
        let mut moved = false;
        for day in days {
            core.day = day;
            let want = pressure(&p, day);
            assert_eq!(pressure_today(core).to_bits(), want.to_bits(), "day {day}");
            assert_eq!(
                pressure_today(core).to_bits(),
                want.to_bits(),
                "day {day}, again"
            );
            assert_eq!(avoidance_today(core), p.deterrence.contact_avoidance * want);
            moved |= want != pressure(&p, 0);
        }
        assert!(moved, "no change of the baseline moves the pressure");
    }

    #[test]
    fn each_policy_change_moves_enforcement_on_its_day_and_not_before() {
        let mut p = scaled("baseline.toml", 0.0);
        let d = p.deterrence.clone();
        let (share, arrests) = (d.pressure_sharing, d.pressure_arrests);
        let full = 1.0 - (1.0 - share) * (1.0 - arrests);
        // (change, integrated record, enforcement the day before, on the day)
        let expected = [
            (
                "moa_replaced_2021",
                false,
                (share, d.sponsor_arrest, 0.0),
                (0.0, 0.0, 0.0),
            ),
            // With an integrated record ICE holds sponsor data without being given it: the
            // 2021 agreement changes nothing, the 2024 bar on enforcement use does.
            (
                "moa_replaced_2021",
                true,
                (share, d.sponsor_arrest, 0.0),
                (share, d.sponsor_arrest, 0.0),
            ),
            (
                "foundational_rule_2024",
                false,
                (0.0, 0.0, 0.0),
                (0.0, 0.0, 0.0),
            ),
            (
                "foundational_rule_2024",
                true,
                (share, d.sponsor_arrest, 0.0),
                (0.0, 0.0, 0.0),
            ),
            (
                "welfare_check_arrests_2025",
                false,
                (0.0, 0.0, 0.0),
                (arrests, 0.0, d.household_arrest),
            ),
            (
                "interim_final_rule_2025",
                false,
                (arrests, 0.0, d.household_arrest),
                (full, d.sponsor_arrest, d.household_arrest),
            ),
        ];
        for (key, integrated, before, on) in expected {
            p.sharing.integrated_record = integrated;
            let day = day_of(&p, key);
            assert_eq!(
                enforcement(&p, day - 2),
                before,
                "{key} {integrated}: 2 days before"
            );
            assert_eq!(
                enforcement(&p, day - 1),
                before,
                "{key} {integrated}: the day before"
            );
            assert_eq!(enforcement(&p, day), on, "{key} {integrated}: on the day");
        }
        // With deterrence off, no policy creates pressure or arrests.
        p.deterrence.enabled = false;
        for day in 0..p.horizon_days {
            assert_eq!(enforcement(&p, day), (0.0, 0.0, 0.0), "day {day}");
        }
    }

    /// The child of `p`, arriving at time 0, once released.
    fn released(p: &Params) -> (Harness<'_>, u32) {
        let mut h = Harness::new(p, 9);
        h.core().cal.schedule(0, 0, Event::Arrive, Epoch::FIRST);
        h.run_until(365, |core| {
            core.children
                .first()
                .is_some_and(|ch| ch.state == State::WithSponsor)
        });
        (h, 0)
    }

    /// Safe sponsors only (never rejected), no running away, exploitation or breakdown; a child
    /// whose household member is arrested returns to ORR with probability `back`.
    fn quiet(back: f64) -> Params {
        let mut p = harness::quiet();
        p.deterrence.arrest_return_to_orr = back;
        p
    }

    #[test]
    fn an_arrest_that_returns_the_child_to_orr_ends_the_placement_and_a_new_one_follows() {
        let p = quiet(1.0);
        let (mut h, c) = released(&p);
        let now = h.core().now;
        h.at(now + 60, c, Event::Arrest);
        h.run_until(200, |core| core.children[0].state == State::Orr);
        assert_eq!(h.core().out.household_arrests, 1);
        assert_eq!(h.core().out.arrest_returns_to_orr, 1);
        h.run_until(200, |core| core.children[0].state == State::WithSponsor);
        let out = &h.core().out;
        assert_eq!((out.released, out.re_releases), (1, 1));
    }

    #[test]
    fn an_arrest_that_sends_the_child_to_another_adult_leaves_the_child_followed_and_unknown() {
        let p = quiet(0.0);
        let (mut h, c) = released(&p);
        let now = h.core().now;
        h.at(now + 60, c, Event::Arrest);
        let day = h.next_day();
        h.run_to(day + 1);
        let core = h.core();
        let ch = &core.children[c as usize];
        assert_eq!(ch.state, State::LeftSponsor);
        assert!(ch.state.is_followed(), "still followed");
        assert_ne!(ch.true_addr, ch.household);
        for a in [Agency::Orr, Agency::Ice, Agency::Court] {
            assert_ne!(ch.rec[a], ch.true_addr, "{a:?} cannot know the new address");
        }
        assert_ne!(ch.release, NEVER);
        assert_eq!(
            (core.out.household_arrests, core.out.arrest_returns_to_orr),
            (1, 0)
        );
    }

    #[test]
    fn an_arrest_ends_only_a_placement_that_is_still_with_the_sponsor() {
        let p = quiet(1.0);
        let (mut h, c) = released(&p);
        h.core().set_state(c, State::LeftSponsor);
        let now = h.core().now;
        h.at(now + 60, c, Event::Arrest);
        let day = h.next_day();
        h.run_to(day + 1);
        assert_eq!(h.core().children[c as usize].state, State::LeftSponsor);
        assert_eq!(h.core().out.household_arrests, 0);
    }
}
