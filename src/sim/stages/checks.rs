//! Welfare checks: from the operation's start, ICE/HSI teams (and local partners) search for the
//! released children ICE knows of. Each day's capacity, in visit-equivalents, goes to work in this
//! order of priority:
//!
//! 1. visits to addresses found by tracing (leads), then the traces owed after visits that found
//!    nobody;
//! 2. first checks of children ICE holds an address for, by priority group then release date;
//! 3. first checks of children ICE knows were released but holds no usable address for (none, or
//!    one an NTA came back from): these start with a trace;
//! 4. re-checks of children not found, from `recheck_after_days` after the last attempt, by
//!    priority group, then fewest attempts without finding the child, then the longest wait;
//! 5. re-verification of children located `reverify_after_days` earlier, oldest first.
//!
//! A visit finds the child only at ICE's address, and only if that is where the child truly lives;
//! ICE may first match its record against ORR's and the court's. A visit that finds nobody leads
//! to a trace: it costs `trace_effort_visits` of capacity and finds the child's address with a
//! probability that rises with that effort. A traced address goes into ICE's record and is visited
//! (the same day if capacity remains, else first thing the next day). The stage keeps its own
//! bookkeeping per child; the list is rebuilt from ICE's records at the start, re-ranked every
//! `list_refresh_days`, and extended with new releases whenever it runs out.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use super::deterrence;
use super::recovery::{self, Recovery, Rescuer};
use crate::sim::core::agency::Agency;
use crate::sim::core::child::{Flags, State, NEVER, NO_ADDRESS};
use crate::sim::core::event::Event;
use crate::sim::core::locate::{Cause, Route, Why};
use crate::sim::core::pages;
use crate::sim::core::sampling::unit;
use crate::sim::core::Core;

/// Where a child stands in the operation. Each child is in at most one of the stage's queues, the
/// one its stage names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Stage {
    /// Not on the operation's list (not released, or released since the list was last built).
    #[default]
    Unknown,
    /// On the list of first checks, not yet attempted.
    Listed,
    /// A visit found nobody: a trace is owed.
    Tracing,
    /// A trace found the address: a visit is owed.
    Lead,
    /// Not found: waits `recheck_after_days` after the last attempt.
    NotFound,
    /// A re-check is due and waits for capacity, by priority.
    RecheckDue,
    /// Located: re-verified `reverify_after_days` later.
    Located,
    /// No longer followed (rescued, aged out): out of the operation.
    Closed,
}

/// The operation's bookkeeping for one child.
#[derive(Debug, Clone, Copy, Default)]
struct Case {
    stage: Stage,
    /// Attempts since the child was last located that did not find them.
    misses: u8,
    /// The ICE address at which a visit last found nobody ([`NO_ADDRESS`]: none). Addresses are
    /// never reused, so it can never be the child's again.
    stale: u32,
}

/// What one piece of work is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// Visit a traced address.
    Lead,
    /// Trace a child a visit did not find.
    Trace,
    /// First check of a child on the list.
    First,
    /// Check again a child not found earlier.
    Recheck,
    /// Re-verify the address of a child located earlier.
    Reverify,
}

/// A due re-check, ordered by (priority rank, misses, due day, child): smallest first.
type DueKey = Reverse<(u8, u8, u32, u32)>;

/// The operation's work lists and progress.
#[derive(Default)]
pub(crate) struct Checks {
    /// Per child (by id), the operation's bookkeeping.
    cases: Vec<Case>,
    /// First checks in priority order, worked from `cursor`, as the keys they were ranked by
    /// ([`list_key`]; the child id is a key's low 32 bits).
    list: Vec<u64>,
    cursor: usize,
    /// Children released since the operation started, not yet on the list.
    released: Vec<u32>,
    /// Traced children owed a visit, in order.
    leads: VecDeque<u32>,
    /// Children owed a trace after a visit that found nobody, in order.
    traces: VecDeque<u32>,
    /// Children not found, with the day their re-check falls due (in that order).
    waiting: VecDeque<(u32, u32)>,
    /// Re-checks due, by priority.
    due: BinaryHeap<DueKey>,
    /// Located children, with the day their re-verification falls due (in that order).
    located: VecDeque<(u32, u32)>,
    /// Visit-equivalents spent so far.
    effort: f64,
    /// Capacity overdrawn by the last item of the previous day (zero or negative).
    carry: f64,
    /// Whether the first list has been built.
    started: bool,
}

impl Checks {
    /// A child was released: once the operation has started, they join the list when it is next
    /// built or runs out.
    pub(crate) fn on_release(&mut self, core: &Core, c: u32) {
        if core.p.checks.start_day.is_some_and(|s| core.day >= s) {
            self.released.push(c);
        }
    }

    /// The day's work, up to the teams' and partners' capacity and the operation's size.
    pub(crate) fn work(&mut self, core: &mut Core, recovery: &Recovery) {
        let w = &core.p.checks;
        let Some(start) = w.start_day else { return };
        let day = core.day;
        if day < start {
            return;
        }
        if self.cases.len() < core.children.len() {
            self.cases.resize(core.children.len(), Case::default());
        }
        if !self.started {
            self.started = true;
            self.first_list(core);
        } else if (day - start) % w.list_refresh_days.max(1) == 0 {
            self.rerank(core);
        }
        self.rechecks_fall_due(core, day);
        let teams = w.teams.at(day) as f64 * w.checks_per_team_day;
        let partners = w.local_partner_checks_per_day.at(day) as f64
            * core.p.recovery.partners.capacity_factor(day);
        let capacity = teams.floor() + partners.floor();
        let size = w.max_checks as f64;
        let mut budget = capacity + self.carry;
        while budget > 0.0 && self.effort < size {
            let Some((item, c)) = self.next(core, day) else {
                break;
            };
            let cost = self.work_on(core, recovery, item, c);
            budget -= cost;
            self.effort += cost;
        }
        // An item begun with capacity left may overrun it: the overrun comes off the next day.
        // Capacity left when nobody is eligible is not saved.
        self.carry = budget.min(0.0);
    }

    /// The first list, at the operation's start: every released child still followed.
    fn first_list(&mut self, core: &Core) {
        self.released.clear();
        let mut keyed = Vec::new();
        for (i, ch) in core.children.iter().enumerate() {
            if ch.release != NEVER && ch.state.is_followed() {
                self.cases[i].stage = Stage::Listed;
                keyed.push(list_key(core, i as u32));
            }
        }
        self.set_list(keyed);
    }

    /// Re-rank the children not yet checked by ICE's current records, adding those released
    /// since the list was built. Most keys have not changed since the last ranking: those stay in
    /// order, and only the changed and the new ones are sorted and merged in.
    fn rerank(&mut self, core: &Core) {
        let rest = &self.list[self.cursor..];
        let mut kept = Vec::with_capacity(rest.len() + self.released.len());
        let mut moved = Vec::new();
        for (i, &old) in rest.iter().enumerate() {
            // The records are read in list order, that is at random: fetch a few ahead.
            if let Some(&ahead) = rest.get(i + pages::PREFETCH_AHEAD) {
                self.prefetch(core, ahead as u32);
            }
            let c = old as u32;
            if self.cases[c as usize].stage == Stage::Listed {
                let key = list_key(core, c);
                if key == old {
                    kept.push(key);
                } else {
                    moved.push(key);
                }
            }
        }
        for c in std::mem::take(&mut self.released) {
            let case = &mut self.cases[c as usize];
            let ch = &core.children[c as usize];
            if case.stage == Stage::Unknown && ch.release != NEVER && ch.state.is_followed() {
                case.stage = Stage::Listed;
                moved.push(list_key(core, c));
            }
        }
        // `kept` is in order (a part of the last ranking, keys unchanged); keys are distinct (the
        // child id is part of each), so the merge gives the order a full sort would.
        moved.sort_unstable();
        kept.extend_from_slice(&moved);
        // Two sorted runs: the library's stable sort finds them and merges them in one pass.
        kept.sort();
        self.list = kept;
        self.cursor = 0;
    }

    /// Ask the processor to fetch child `c`'s case and record, a few places ahead of reading
    /// them in list order (at random in memory).
    #[inline(always)]
    fn prefetch(&self, core: &Core, c: u32) {
        if let Some(case) = self.cases.get(c as usize) {
            pages::prefetch(case);
        }
        core.prefetch(c);
    }

    fn set_list(&mut self, mut keyed: Vec<u64>) {
        keyed.sort_unstable();
        self.list = keyed;
        self.cursor = 0;
    }

    /// Children whose re-check falls due today join the due re-checks, by priority.
    fn rechecks_fall_due(&mut self, core: &Core, day: u32) {
        while let Some(&(due, c)) = self.waiting.front() {
            if due > day {
                break;
            }
            self.waiting.pop_front();
            let case = &mut self.cases[c as usize];
            if case.stage == Stage::NotFound {
                case.stage = Stage::RecheckDue;
                self.due.push(Reverse((rank(core, c), case.misses, due, c)));
            }
        }
    }

    /// The next piece of work, in priority order; `None` when nobody is eligible today. A list
    /// that runs out is extended with the children released since it was built.
    fn next(&mut self, core: &Core, day: u32) -> Option<(Item, u32)> {
        if let Some(c) = self.leads.pop_front() {
            debug_assert_eq!(self.cases[c as usize].stage, Stage::Lead);
            return Some((Item::Lead, c));
        }
        if let Some(c) = self.traces.pop_front() {
            debug_assert_eq!(self.cases[c as usize].stage, Stage::Tracing);
            return Some((Item::Trace, c));
        }
        loop {
            while self.cursor < self.list.len() {
                let c = self.list[self.cursor] as u32;
                if let Some(&ahead) = self.list.get(self.cursor + pages::PREFETCH_AHEAD) {
                    self.prefetch(core, ahead as u32);
                }
                self.cursor += 1;
                if self.cases[c as usize].stage == Stage::Listed {
                    return Some((Item::First, c));
                }
            }
            if self.released.is_empty() {
                break;
            }
            self.rerank(core);
        }
        if let Some(Reverse((.., c))) = self.due.pop() {
            debug_assert_eq!(self.cases[c as usize].stage, Stage::RecheckDue);
            return Some((Item::Recheck, c));
        }
        while let Some(&(due, c)) = self.located.front() {
            if due > day {
                break;
            }
            self.located.pop_front();
            if self.cases[c as usize].stage == Stage::Located {
                return Some((Item::Reverify, c));
            }
        }
        None
    }

    /// Do one piece of work; returns the capacity it used, in visit-equivalents.
    fn work_on(&mut self, core: &mut Core, recovery: &Recovery, item: Item, c: u32) -> f64 {
        if !core.children[c as usize].state.is_followed() {
            self.cases[c as usize].stage = Stage::Closed;
            return 0.0;
        }
        match item {
            Item::Lead => self.visit(core, recovery, c, true),
            Item::Trace => self.trace(core, c),
            Item::First | Item::Recheck | Item::Reverify => {
                match item {
                    Item::Recheck => core.tally(c).rechecks += 1,
                    Item::Reverify => core.tally(c).reverifications += 1,
                    _ => {}
                }
                record_match(core, c);
                let ch = &core.children[c as usize];
                let ice = ch.rec[Agency::Ice];
                // ICE knows an address is bad if an NTA came back from it or a visit found nobody.
                let usable = ice != NO_ADDRESS
                    && !ch.flags.contains(Flags::NTA_RETURNED)
                    && ice != self.cases[c as usize].stale;
                if usable {
                    self.visit(core, recovery, c, false)
                } else {
                    self.trace(core, c)
                }
            }
        }
    }

    /// A visit at ICE's address: it finds the child only if that is the child's true current
    /// address and the household does not avoid the officers (the share of contact households
    /// avoid under enforcement pressure; the visit then fails as if the child were elsewhere, and
    /// no absence is reported). At the sponsor's household without the child, the household may report the
    /// absence; elsewhere ICE may file a missing-child report. A visit that finds nobody is
    /// followed by a trace. A visit that finds the child with the sponsor may arrest a household
    /// member while checks make arrests (`deterrence::household_arrest`). Returns its cost (one
    /// visit). `traced`: the address visited was found by tracing.
    fn visit(&mut self, core: &mut Core, recovery: &Recovery, c: u32, traced: bool) -> f64 {
        core.tally(c).welfare_checks += 1;
        let p = core.p;
        let day = core.day;
        let arrest = deterrence::household_arrest(p, day);
        let avoid = deterrence::avoidance_today(core);
        let ch = core.child(c);
        let report = unit(&mut ch.follow) < p.checks.missing_report_if_not_found;
        let arrested = unit(&mut ch.follow) < arrest;
        let avoided = unit(&mut ch.follow) < avoid;
        let with_sponsor = ch.state == State::WithSponsor;
        let ice = ch.rec[Agency::Ice];
        let at_household = ice == ch.household;
        let reported = ch.flags.contains(Flags::MISSING_REPORTED);
        let there = ice == ch.true_addr;
        let found = there && !avoided;
        let exploited = ch.state == State::Exploited;
        let case = &mut self.cases[c as usize];
        if found {
            case.misses = 0;
            case.stale = NO_ADDRESS;
            if exploited {
                case.stage = Stage::Closed;
                recovery::rescue(
                    core,
                    c,
                    if traced {
                        Rescuer::Tracing
                    } else {
                        Rescuer::Check
                    },
                );
            } else {
                case.stage = Stage::Located;
                let due = day.saturating_add(p.checks.reverify_after_days);
                self.located.push_back((due, c));
                core.tally(c).located += 1;
                core.contact(c, Agency::Ice);
                // While checks make arrests, a household member may be arrested: the placement
                // ends (at the start of the next minute, through the engine, which may hand the
                // child back to ORR).
                if arrested && with_sponsor {
                    core.after(c, 0, Event::Arrest);
                }
            }
        } else {
            case.stage = Stage::Tracing;
            case.stale = ice;
            self.traces.push_back(c);
            core.tally(c).not_found += 1;
            if there {
                // The household kept the officers from the child (avoidance under enforcement
                // pressure): to ICE the visit failed, and nobody reports the child missing.
                core.tally(c).checks_avoided += 1;
            } else if at_household {
                recovery.household_reports_absence(core, c, false);
            } else if report && !reported {
                recovery.file_report(core, c);
            }
        }
        core.refresh(c);
        1.0
    }

    /// A trace attempt: with probability `1 - exp(-rate × effort)`, times the country group's
    /// reach multiplier and less the share of contact households avoid, it finds where the child
    /// lives; ICE's record then holds it and a visit is owed. Otherwise the child waits for a
    /// re-check. Returns its cost (`trace_effort_visits`).
    fn trace(&mut self, core: &mut Core, c: u32) -> f64 {
        let p = core.p;
        let w = &p.checks;
        let day = core.day;
        core.tally(c).traces_attempted += 1;
        let avoid = deterrence::avoidance_today(core);
        let effort = 1.0 - (-w.trace_success_per_visit_effort * w.trace_effort_visits).exp();
        let ch = core.child(c);
        let reach = p.children.country_reach_multiplier[ch.country as usize];
        let found = unit(&mut ch.follow) < (effort * reach).min(1.0) * (1.0 - avoid);
        let addr = ch.true_addr;
        let case = &mut self.cases[c as usize];
        if found {
            case.stage = Stage::Lead;
            self.leads.push_back(c);
            core.tally(c).traces_succeeded += 1;
            core.write_record(c, Agency::Ice, addr);
            core.refresh_as(
                c,
                Why {
                    cause: Cause::RecordOverwritten,
                    route: Route::Tracing,
                },
            );
        } else {
            case.stage = Stage::NotFound;
            case.misses = case.misses.saturating_add(1);
            self.waiting
                .push_back((day.saturating_add(w.recheck_after_days), c));
        }
        w.trace_effort_visits
    }
}

/// ICE's priority rank of a child: the position of the child's group (0 in absentia, 1 never
/// served an NTA, 2 others) in `priority`.
fn rank(core: &Core, c: u32) -> u8 {
    let ch = &core.children[c as usize];
    let group = if ch.flags.contains(Flags::IN_ABSENTIA) {
        0
    } else if !ch.flags.contains(Flags::NTA_SERVED) {
        1
    } else {
        2
    };
    let prio = core.p.checks.priority;
    prio.iter().position(|&g| g == group).unwrap_or(2) as u8
}

/// A first check's place on the list: children ICE holds a usable address for before those it
/// must trace, then by priority rank, release time and id. Packed into one integer (the bits of
/// each part, highest first: 1, 2, 29, 32) so that the list sorts fast; a release time fits in 29
/// bits of minutes (about 1,000 years; validation allows about 50).
fn list_key(core: &Core, c: u32) -> u64 {
    let ch = &core.children[c as usize];
    let usable = ch.rec[Agency::Ice] != NO_ADDRESS && !ch.flags.contains(Flags::NTA_RETURNED);
    debug_assert!(ch.release < 1 << 29);
    (u64::from(!usable) << 63)
        | (u64::from(rank(core, c)) << 61)
        | (u64::from(ch.release & ((1 << 29) - 1)) << 32)
        | u64::from(c)
}

/// ICE may first match its record against ORR's and the court's, taking the more recently
/// written one if it is newer than ICE's own.
fn record_match(core: &mut Core, c: u32) {
    let p = core.p;
    let ch = core.child(c);
    if unit(&mut ch.follow) < p.sharing.ice_record_match {
        let best = if ch.rec[Agency::Court] != NO_ADDRESS
            && (ch.rec[Agency::Orr] == NO_ADDRESS
                || ch.rec_time[Agency::Court] > ch.rec_time[Agency::Orr])
        {
            Agency::Court
        } else {
            Agency::Orr
        };
        let addr = ch.rec[best];
        let ice = ch.rec[Agency::Ice];
        // Only a record newer than ICE's own replaces it.
        let newer = ice == NO_ADDRESS || ch.rec_time[best] > ch.rec_time[Agency::Ice];
        if addr != NO_ADDRESS && addr != ice && newer {
            core.write_record(c, Agency::Ice, addr);
            core.refresh_as(
                c,
                Why {
                    cause: Cause::RecordOverwritten,
                    route: Route::RecordMatch,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::core::agency::Agency;
    use crate::sim::core::locate::Lens;
    use crate::sim::core::observer::Observer;
    use crate::sim::core::snapshot::DaySnapshot;
    use crate::sim::core::summary::RunSummary;
    use crate::sim::params::{Params, Schedule, MINUTES_PER_DAY};
    use crate::sim::stages::arrivals;

    fn baseline() -> Params {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        crate::scenario::load(&path).expect("baseline loads").params
    }

    /// The baseline with a plain search: no deterrence, every country group reached alike, no
    /// record match, no missing-child reports; `cap` visit-equivalents a day; then `f`.
    fn plain(cap: u32, f: impl FnOnce(&mut Params)) -> Params {
        let mut p = baseline();
        p.deterrence.enabled = false;
        for m in &mut p.children.country_reach_multiplier {
            *m = 1.0;
        }
        p.sharing.ice_record_match = 0.0;
        p.checks.missing_report_if_not_found = 0.0;
        p.checks.teams = Schedule(vec![(0, cap)]);
        p.checks.checks_per_team_day = 1.0;
        p.checks.local_partner_checks_per_day = Schedule(vec![(0, 0)]);
        f(&mut p);
        p
    }

    /// The operation's first day.
    fn start(p: &Params) -> u32 {
        p.checks.start_day.expect("the baseline runs checks")
    }

    /// A core with `n` children living with their sponsor, released the day before the operation
    /// starts; ICE's record holds each child's true address, or a stale one where `stale(i)`.
    fn released(p: &Params, n: u32, stale: impl Fn(u32) -> bool) -> Core<'_> {
        let mut core = Core::new(p, 7, 0);
        core.day = start(p) - 1;
        core.now = core.day * MINUTES_PER_DAY;
        for c in 0..n {
            arrivals::arrive(&mut core, c);
            let home = core.new_address();
            let old = core.new_address();
            let now = core.now;
            let ch = core.child(c);
            ch.release = now;
            ch.true_addr = home;
            ch.household = home;
            core.set_state(c, State::WithSponsor);
            core.write_record(c, Agency::Ice, if stale(c) { old } else { home });
            core.refresh(c);
        }
        core.ice_inbox.clear();
        core
    }

    /// The checks of day `day`, at its midnight.
    fn run_day(checks: &mut Checks, core: &mut Core, recovery: &Recovery, day: u32) {
        core.day = day;
        core.now = (day + 1) * MINUTES_PER_DAY;
        checks.work(core, recovery);
        core.ice_inbox.clear();
    }

    /// Capacity spent so far, in visit-equivalents.
    /// Visit-equivalents spent on the cohort and the children in care on the first day.
    fn effort(p: &Params, out: &RunSummary) -> f64 {
        let one = |o: &RunSummary| {
            o.welfare_checks as f64 + o.traces_attempted as f64 * p.checks.trace_effort_visits
        };
        one(out) + out.start.as_deref().map_or(0.0, one)
    }

    #[test]
    fn a_child_whose_ice_address_is_stale_is_found_by_tracing() {
        // A trace that always succeeds: 1 - exp(-100 x 2) is 1 in floating point.
        let p = plain(10, |p| p.checks.trace_success_per_visit_effort = 100.0);
        let mut core = released(&p, 1, |_| true);
        let recovery = Recovery::new(&p);
        let mut checks = Checks::default();
        assert_ne!(
            core.children[0].rec[Agency::Ice],
            core.children[0].true_addr
        );
        assert!(!core.children[0].locatable.contains(Lens::Ice));
        run_day(&mut checks, &mut core, &recovery, start(&p));
        let out = &core.out;
        // The visit at the stale address finds nobody, the trace finds the address, and the
        // visit there (the same day: capacity remains) finds the child.
        assert_eq!((out.welfare_checks, out.not_found, out.located), (2, 1, 1));
        assert_eq!((out.traces_attempted, out.traces_succeeded), (1, 1));
        let ch = &core.children[0];
        assert_eq!(ch.rec[Agency::Ice], ch.true_addr, "ICE's record is updated");
        assert!(ch.locatable.contains(Lens::Ice));
        assert_eq!(ch.last_contact[Agency::Ice], core.now, "an ICE contact");
        assert_eq!(core.snap.unlocatable[Lens::Ice as usize], 0);
        assert_eq!(
            core.out.flows.found[Lens::Ice as usize][Route::Tracing as usize],
            1
        );
    }

    #[test]
    fn a_household_that_avoids_the_officers_keeps_a_child_at_the_right_address_from_being_found() {
        // Full pressure from arrests during checks, and households that avoid every contact under
        // it: the visit at the true address fails, no absence is reported, and the trace that
        // follows is avoided too. With deterrence off the same visit finds the child.
        for enabled in [true, false] {
            let p = plain(1, |p| {
                p.deterrence.enabled = enabled;
                p.deterrence.pressure_arrests = 1.0;
                p.deterrence.contact_avoidance = 1.0;
                p.deterrence.household_arrest = 0.0;
                p.recovery.sponsor_reports_runaway = 1.0;
                p.policy = crate::sim::params::Policy::constant(crate::sim::params::Rules {
                    arrests_during_checks: true,
                    ..Default::default()
                });
            });
            let mut core = released(&p, 1, |_| false);
            let recovery = Recovery::new(&p);
            let mut checks = Checks::default();
            run_day(&mut checks, &mut core, &recovery, start(&p));
            let out = &core.out;
            if enabled {
                assert_eq!((out.welfare_checks, out.located), (1, 0));
                assert_eq!((out.not_found, out.checks_avoided), (1, 1));
                // ICE's record still holds the true address (locatable by the definition), but
                // no contact was made.
                assert_eq!(core.children[0].last_contact[Agency::Ice], NEVER);
                // Nobody reports a child who is at home missing: no report is scheduled.
                let today = start(&p) + 1;
                for day in today..p.horizon_days {
                    core.cal.open_day(day);
                    while let Some(e) = core.cal.pop_today() {
                        assert_ne!(e.event(), Event::MissingReport, "day {day}");
                    }
                }
            } else {
                assert_eq!(
                    (out.welfare_checks, out.located, out.checks_avoided),
                    (1, 1, 0)
                );
            }
        }
    }

    #[test]
    fn a_trace_that_never_succeeds_finds_nobody() {
        let p = plain(10, |p| p.checks.trace_success_per_visit_effort = 0.0);
        let mut core = released(&p, 1, |_| true);
        let recovery = Recovery::new(&p);
        let mut checks = Checks::default();
        run_day(&mut checks, &mut core, &recovery, start(&p));
        assert_eq!((core.out.located, core.out.traces_succeeded), (0, 0));
        assert_eq!(core.out.traces_attempted, 1);
        assert_ne!(
            core.children[0].rec[Agency::Ice],
            core.children[0].true_addr
        );
    }

    #[test]
    fn trace_success_rises_with_effort_and_matches_its_probability() {
        // 2,000 children at stale addresses, one visit and one trace each on the first day.
        let share = |effort: f64| {
            let p = plain(100_000, |p| {
                p.checks.trace_effort_visits = effort;
                p.checks.trace_success_per_visit_effort = 0.35;
            });
            let mut core = released(&p, 2000, |_| true);
            let recovery = Recovery::new(&p);
            let mut checks = Checks::default();
            run_day(&mut checks, &mut core, &recovery, start(&p));
            assert_eq!(core.out.traces_attempted, 2000);
            core.out.traces_succeeded as f64 / 2000.0
        };
        let (low, high) = (share(1.0), share(4.0));
        // Expected 0.295 and 0.753; a binomial standard error is at most 0.011.
        assert!((low - (1.0 - (-0.35f64).exp())).abs() < 0.04, "{low}");
        assert!((high - (1.0 - (-1.4f64).exp())).abs() < 0.04, "{high}");
    }

    #[test]
    fn children_not_found_are_rechecked_and_located_children_reverified() {
        let p = plain(10, |p| {
            p.checks.trace_success_per_visit_effort = 0.0;
            p.checks.recheck_after_days = 5;
            p.checks.reverify_after_days = 12;
        });
        // Child 0 at a stale address, child 1 where ICE thinks.
        let mut core = released(&p, 2, |c| c == 0);
        let recovery = Recovery::new(&p);
        let mut checks = Checks::default();
        let s = start(&p);
        let counts = |core: &Core| {
            let o = &core.out;
            (
                o.welfare_checks,
                o.located,
                o.traces_attempted,
                o.rechecks,
                o.reverifications,
            )
        };
        run_day(&mut checks, &mut core, &recovery, s);
        assert_eq!(counts(&core), (2, 1, 1, 0, 0));
        for day in s + 1..s + 5 {
            run_day(&mut checks, &mut core, &recovery, day);
            assert_eq!(counts(&core), (2, 1, 1, 0, 0), "day {day}: nobody is due");
        }
        // Five days after the failed trace: a re-check. ICE knows its address is stale, so it is
        // a trace, not a visit.
        run_day(&mut checks, &mut core, &recovery, s + 5);
        assert_eq!(counts(&core), (2, 1, 2, 1, 0));
        run_day(&mut checks, &mut core, &recovery, s + 10);
        assert_eq!(counts(&core), (2, 1, 3, 2, 0));
        run_day(&mut checks, &mut core, &recovery, s + 11);
        assert_eq!(counts(&core), (2, 1, 3, 2, 0));
        // Twelve days after child 1 was located: a visit re-verifies the address.
        run_day(&mut checks, &mut core, &recovery, s + 12);
        assert_eq!(counts(&core), (3, 2, 3, 2, 1));
        assert_eq!(core.children[1].last_contact[Agency::Ice], core.now);
    }

    #[test]
    fn a_child_whose_ice_address_changed_is_visited_at_the_new_one_when_rechecked() {
        let p = plain(10, |p| {
            p.checks.trace_success_per_visit_effort = 0.0;
            p.checks.recheck_after_days = 5;
        });
        let mut core = released(&p, 1, |_| true);
        let recovery = Recovery::new(&p);
        let mut checks = Checks::default();
        let s = start(&p);
        run_day(&mut checks, &mut core, &recovery, s);
        // ICE learns the true address another way (a reported move, a record match).
        let home = core.children[0].true_addr;
        core.write_record(0, Agency::Ice, home);
        core.refresh(0);
        run_day(&mut checks, &mut core, &recovery, s + 5);
        assert_eq!((core.out.welfare_checks, core.out.located), (2, 1));
        assert_eq!(core.out.traces_attempted, 1, "a visit, not another trace");
    }

    #[test]
    fn children_ice_holds_no_address_for_start_with_a_trace_after_those_it_does() {
        let p = plain(2, |p| p.checks.trace_success_per_visit_effort = 100.0);
        let mut core = released(&p, 3, |_| false);
        // Child 0: no ICE address. Children 1 and 2: ICE's address is right.
        core.child(0).rec[Agency::Ice] = NO_ADDRESS;
        core.refresh(0);
        let recovery = Recovery::new(&p);
        let mut checks = Checks::default();
        let s = start(&p);
        run_day(&mut checks, &mut core, &recovery, s);
        assert_eq!((core.out.welfare_checks, core.out.located), (2, 2));
        assert_eq!(core.out.traces_attempted, 0, "child 0 waits");
        // The next day: the trace takes the day's 2 visit-equivalents.
        run_day(&mut checks, &mut core, &recovery, s + 1);
        assert_eq!(core.out.traces_succeeded, 1);
        assert_eq!(
            core.children[0].rec[Agency::Ice],
            core.children[0].true_addr
        );
        assert_eq!(core.out.welfare_checks, 2);
        // The day after, the traced address is visited first.
        run_day(&mut checks, &mut core, &recovery, s + 2);
        assert_eq!((core.out.welfare_checks, core.out.located), (3, 3));
    }

    #[test]
    fn capacity_is_never_idle_while_someone_is_eligible() {
        // 50 children, most at stale addresses, 7 visit-equivalents a day, re-checks and
        // re-verification after one day: someone is always eligible.
        let p = plain(7, |p| {
            p.checks.trace_success_per_visit_effort = 0.35;
            p.checks.recheck_after_days = 1;
            p.checks.reverify_after_days = 1;
        });
        let mut core = released(&p, 50, |c| c % 5 != 0);
        let recovery = Recovery::new(&p);
        let mut checks = Checks::default();
        let s = start(&p);
        let cost = p.checks.trace_effort_visits + 1.0;
        for d in 0..60 {
            run_day(&mut checks, &mut core, &recovery, s + d);
            let spent = effort(&p, &core.out);
            let capacity = 7.0 * (d + 1) as f64;
            // Every day's capacity is spent; the last item begun may overrun it (made up the
            // next day).
            assert!(
                spent >= capacity && spent < capacity + cost,
                "day {d}: spent {spent} of {capacity}"
            );
        }
        assert!(core.out.rechecks > 0 && core.out.reverifications > 0);
    }

    #[test]
    fn a_child_released_after_the_list_was_built_is_checked_when_it_runs_out() {
        let p = plain(10, |p| p.checks.list_refresh_days = 365);
        let mut core = released(&p, 2, |_| false);
        let recovery = Recovery::new(&p);
        let mut checks = Checks::default();
        let s = start(&p);
        // Child 1 is still in care when the operation starts.
        core.set_state(1, State::Orr);
        core.child(1).release = NEVER;
        run_day(&mut checks, &mut core, &recovery, s);
        assert_eq!(core.out.located, 1);
        core.day = s + 1;
        let now = core.now;
        core.child(1).release = now;
        core.set_state(1, State::WithSponsor);
        checks.on_release(&core, 1);
        run_day(&mut checks, &mut core, &recovery, s + 1);
        assert_eq!(core.out.located, 2, "checked the day after release");
    }

    /// The summary and the last day's snapshot.
    #[derive(Default)]
    struct LastDay(DaySnapshot);
    impl Observer for LastDay {
        fn on_day(&mut self, _: u32, s: &DaySnapshot) {
            self.0 = s.clone();
        }
    }

    /// The baseline at 5% of its arrivals and children in care on the first day, with 5% of its teams and local partners (`teams`
    /// teams), and no deterrence.
    fn reduced(teams: u32) -> Params {
        let mut p = baseline();
        for r in &mut p.arrival_rate_by_day {
            *r *= 0.05;
        }
        p.orr.at_start.children = (p.orr.at_start.children as f64 * 0.05).round() as u32;
        p.orr.released_before_start.children =
            (p.orr.released_before_start.children as f64 * 0.05).round() as u32;
        p.deterrence.enabled = false;
        p.checks.teams = Schedule(vec![(0, teams)]);
        p.checks.local_partner_checks_per_day = Schedule(vec![(0, 0), (start(&p) + 89, 5)]);
        p
    }

    fn run(p: &Params, seed: u64) -> (RunSummary, DaySnapshot) {
        let mut last = LastDay::default();
        let out = crate::sim::simulate(p, seed, 0, &mut last);
        (out, last.0)
    }

    #[test]
    fn on_a_reduced_cohort_the_whole_capacity_is_spent_while_work_remains() {
        let mut p = reduced(15);
        p.checks.recheck_after_days = 1;
        p.checks.reverify_after_days = 1;
        let (out, last) = run(&p, 3);
        let s = start(&p);
        let capacity: f64 = (s..p.horizon_days)
            .map(|d| {
                let w = &p.checks;
                (w.teams.at(d) as f64 * w.checks_per_team_day).floor()
                    + w.local_partner_checks_per_day.at(d) as f64
            })
            .sum();
        let spent = effort(&p, &out);
        assert!(last.followed() > 1000, "work remains to the end");
        assert!(
            spent >= capacity && spent < capacity + p.checks.trace_effort_visits + 1.0,
            "spent {spent} of {capacity}"
        );
    }

    #[test]
    fn more_teams_never_leave_more_children_unlocatable() {
        // Paired seeds, summed over replications: 15 teams against 30. Sums of: located; followed
        // children whose ICE record lacks the true address; unlocatable by ICE at the horizon and
        // child-days over the run; unlocatable by every agency (pooled) at the horizon.
        let (mut few, mut more) = ([0u64; 5], [0u64; 5]);
        let (ice, pooled) = (Lens::Ice as usize, Lens::Pooled as usize);
        for seed in 1..=4 {
            for (teams, sum) in [(15, &mut few), (30, &mut more)] {
                let (out, last) = run(&reduced(teams), seed);
                let followed = last.followed() as u64;
                sum[0] += out.located;
                sum[1] += followed - last.accurate[Agency::Ice as usize] as u64;
                sum[2] += out.unlocatable_at_horizon[ice];
                sum[3] += out.unlocatable_child_days[ice];
                sum[4] += out.unlocatable_at_horizon[pooled];
            }
        }
        let what = format!("30 teams {more:?}, 15 teams {few:?}");
        assert!(more[0] > few[0], "located: {what}");
        for (i, m) in [
            (1, "ICE record not accurate"),
            (2, "unlocatable by ICE at the horizon"),
            (3, "unlocatable by ICE, child-days"),
            (4, "unlocatable by every agency at the horizon"),
        ] {
            assert!(more[i] <= few[i], "{m}: {what}");
        }
    }
}
