//! Targeted operations: time-limited, multi-agency HSI operations with local partners (task
//! forces, 287(g) agencies, state child welfare) that look for children on the national lists in
//! their area. Each works, each day it runs, down its list: first suspected victims (children
//! screening referred or HSI holds a lead about), then the others reported missing (NCIC/NCMEC),
//! each in the order they arrived; every child at most once per operation. An attempt finds the
//! child with `operation_find_probability`: a child in exploitation is rescued, another is located
//! (ICE and ORR learn where the child lives). Nobody off the lists is ever looked for.

use rustc_hash::FxHashSet as HashSet;

use crate::rng::{mix, Purpose};
use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, State};
use crate::sim::core::sampling::unit;
use crate::sim::core::Core;
use crate::sim::params::{Operation, Params};

use super::recovery::{rescue, Rescuer};

/// Days between rebuilds of an operation's list once it has been worked through.
const REBUILD_DAYS: u32 = 7;

/// One operation's list and the children it has looked for.
#[derive(Debug, Default)]
struct Run {
    list: Vec<u32>,
    cursor: usize,
    tried: HashSet<u32>,
    /// The day the list was last built.
    built: Option<u32>,
}

/// The scenario's operations, and what each has done.
pub(crate) struct Operations {
    runs: Vec<Run>,
}

/// Whether child `c` lives in operation `i`'s area: one fixed number per child and operation
/// (from the child's region stream), below the operation's share of the country.
fn in_area(core: &Core, c: u32, i: usize, op: &Operation) -> bool {
    let mut r = core.stream(c, Purpose::Region);
    let key = unit(&mut r).to_bits() ^ mix(i as u64 + 1);
    let u = (mix(key) >> 11) as f64 / (1u64 << 53) as f64;
    u < op.region_share
}

impl Operations {
    pub(crate) fn new(p: &Params) -> Self {
        Operations {
            runs: p
                .recovery
                .operations
                .iter()
                .map(|_| Run::default())
                .collect(),
        }
    }

    /// The day's work of every operation running today (at midnight, after the welfare checks).
    pub(crate) fn work(&mut self, core: &mut Core) {
        let p = core.p;
        let day = core.day;
        for (i, op) in p.recovery.operations.iter().enumerate() {
            if day < op.start_day || day > op.end_day {
                continue;
            }
            let partners =
                op.partner_capacity_per_day as f64 * p.recovery.partners.capacity_factor(day);
            let mut capacity = op.capacity_per_day + partners.floor() as u32;
            let run = &mut self.runs[i];
            while capacity > 0 {
                if run.cursor >= run.list.len() {
                    if run.built.is_some_and(|b| day < b + REBUILD_DAYS) {
                        break;
                    }
                    run.list = list(core, i, op, &run.tried);
                    run.cursor = 0;
                    run.built = Some(day);
                    if run.list.is_empty() {
                        break;
                    }
                }
                let c = run.list[run.cursor];
                run.cursor += 1;
                if !core.children[c as usize].state.is_followed() || !run.tried.insert(c) {
                    continue;
                }
                capacity -= 1;
                search(core, c);
            }
        }
    }
}

/// The operation's list today: followed children in its area that screening referred or HSI
/// holds a lead about, then those reported missing, each group in arrival order; without those
/// it has looked for already.
fn list(core: &Core, i: usize, op: &Operation, tried: &HashSet<u32>) -> Vec<u32> {
    let mut suspected = Vec::new();
    let mut missing = Vec::new();
    for (c, ch) in core.children.iter().enumerate() {
        let c = c as u32;
        let suspect = ch
            .flags
            .intersects(Flags::REFERRED | Flags::SUSPECTED_VICTIM);
        let reported = ch.flags.contains(Flags::MISSING_REPORTED);
        // The flags first (the record's first bytes: most children have none of these, and the
        // pass then reads nothing else of their record); the set of children tried is consulted
        // only for the few on a list.
        if !(suspect || reported)
            || !ch.state.is_followed()
            || tried.contains(&c)
            || !in_area(core, c, i, op)
        {
            continue;
        }
        if suspect {
            suspected.push(c);
        } else {
            missing.push(c);
        }
    }
    suspected.extend(missing);
    suspected
}

/// One attempt to find a listed child.
fn search(core: &mut Core, c: u32) {
    let p = core.p;
    core.tally(c).operation_searches += 1;
    let found = unit(&mut core.child(c).follow) < p.recovery.operation_find_probability;
    if !found {
        return;
    }
    match core.children[c as usize].state {
        State::Exploited => rescue(core, c, Rescuer::Operation),
        _ => {
            core.tally(c).located_by_operations += 1;
            core.contact(c, Agency::Ice);
            core.contact(c, Agency::Orr);
            core.refresh(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::harness::{bare, Harness};
    use crate::sim::params::MINUTES_PER_DAY;

    /// One operation on days 5 and 6 covering the whole country, with room for everyone and
    /// certain to find whoever it looks for.
    fn one_operation() -> Params {
        let mut p = bare();
        p.recovery.operations = vec![Operation {
            key: "test".into(),
            name: "test".into(),
            source: "assumption".into(),
            start_day: 5,
            end_day: 6,
            region_share: 1.0,
            capacity_per_day: 100,
            partner_capacity_per_day: 0,
        }];
        p.recovery.operation_find_probability = 1.0;
        p
    }

    /// A child released to a sponsor now, in `state`, with `flags`.
    fn released(h: &mut Harness, state: State, flags: Flags) -> u32 {
        let c = h.new_child();
        let core = h.core();
        core.set_state(c, State::WithSponsor);
        if state != State::WithSponsor {
            core.set_state(c, state);
        }
        core.ended.clear();
        core.child(c).flags.insert(flags);
        core.refresh(c);
        c
    }

    #[test]
    fn an_operation_finds_children_only_from_its_lists_and_only_while_it_runs() {
        let p = one_operation();
        let mut h = Harness::new(&p, 3);
        h.run_to(0);
        let missing = released(&mut h, State::LeftSponsor, Flags::MISSING_REPORTED);
        let suspected = released(&mut h, State::Exploited, Flags::SUSPECTED_VICTIM);
        let unlisted = released(&mut h, State::LeftSponsor, Flags::empty());
        let unlisted_victim = released(&mut h, State::Exploited, Flags::empty());
        h.run_to(4);
        assert_eq!(h.core().out.operation_searches, 0, "not before it starts");
        h.run_to(5);
        let out = &h.core().out;
        assert_eq!(out.operation_searches, 2, "the two listed children");
        assert_eq!(out.rescued_by_operations, 1);
        assert_eq!(out.located_by_operations, 1);
        let core = h.core();
        assert_eq!(core.children[suspected as usize].state, State::Rescued);
        assert_eq!(
            core.children[unlisted_victim as usize].state,
            State::Exploited
        );
        assert_eq!(core.children[unlisted as usize].state, State::LeftSponsor);
        let ch = &core.children[missing as usize];
        assert_eq!(
            ch.rec[Agency::Ice],
            ch.true_addr,
            "ICE learns where the child lives"
        );
        // A child reported missing on day 7 is never looked for: the operation has ended.
        h.run_to(6);
        h.core()
            .child(unlisted)
            .flags
            .insert(Flags::MISSING_REPORTED);
        h.run_to(20);
        assert_eq!(h.core().out.operation_searches, 2);
        assert!(h.core().now >= 20 * MINUTES_PER_DAY);
    }

    #[test]
    fn suspected_victims_come_first_and_capacity_limits_the_day() {
        let mut p = one_operation();
        p.recovery.operations[0].capacity_per_day = 1;
        p.recovery.operations[0].end_day = 5;
        let mut h = Harness::new(&p, 3);
        h.run_to(0);
        let missing = released(&mut h, State::LeftSponsor, Flags::MISSING_REPORTED);
        let suspected = released(&mut h, State::Exploited, Flags::SUSPECTED_VICTIM);
        h.run_to(10);
        let core = h.core();
        assert_eq!(core.out.operation_searches, 1);
        assert_eq!(core.children[suspected as usize].state, State::Rescued);
        assert_eq!(core.out.located_by_operations, 0);
        assert_ne!(core.children[missing as usize].state, State::Rescued);
    }

    #[test]
    fn without_287g_agreements_partners_add_only_the_other_agencies_capacity() {
        let mut p = one_operation();
        p.recovery.partners.share_287g = crate::sim::params::DatedValue::constant(0.75);
        assert_eq!(p.recovery.partners.capacity_factor(0), 1.0);
        p.recovery.partners.agreements_287g = false;
        assert_eq!(p.recovery.partners.capacity_factor(0), 0.25);
        // An operation with partner capacity only: 4 a day with 287(g), 1 without.
        p.recovery.operations[0].capacity_per_day = 0;
        p.recovery.operations[0].partner_capacity_per_day = 4;
        p.recovery.operations[0].end_day = 5;
        let mut h = Harness::new(&p, 3);
        h.run_to(0);
        for _ in 0..6 {
            released(&mut h, State::LeftSponsor, Flags::MISSING_REPORTED);
        }
        h.run_to(10);
        assert_eq!(h.core().out.operation_searches, 1);
    }
}
