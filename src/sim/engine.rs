//! The engine: the day loop and the routing of each event to the stage that handles it (static
//! dispatch, one `match`). One call to [`simulate`] is one replication. Pure: no I/O, no printing,
//! no threads.

use super::core::agency::Agency;
use super::core::calendar::Entry;
use super::core::child::{Child, State, NEVER};
use super::core::event::{Event, Scope};
use super::core::locate::{Cause, Lens, Route, Why, N_LENSES};
use super::core::observer::Observer;
use super::core::pages;
use super::core::snapshot::{DaySnapshot, CUMULATIVE};
use super::core::summary::RunSummary;
use super::core::trace::Tracer;
use super::core::Core;
use super::params::{Params, MINUTES_PER_DAY};
use super::stages::calls::{self, Calls};
use super::stages::cbp::Cbp;
use super::stages::checks::Checks;
use super::stages::court::Court;
use super::stages::ice::Ice;
use super::stages::operations::Operations;
use super::stages::orr::{self, Orr};
use super::stages::recovery::{self, Recovery};
use super::stages::screening::{self, Screen};
use super::stages::sharing::{self, Sharing};
use super::stages::{arrivals, deterrence, life, placement, services, start};

/// Close one group's day: its unlocatable child-days and peaks, its followed child-days, and the
/// running totals copied into its snapshot.
fn close_group_day(snap: &mut DaySnapshot, out: &mut RunSummary, day: u32) {
    for l in 0..N_LENSES {
        let unl = snap.unlocatable[l] as u64;
        out.unlocatable_child_days[l] += unl;
        if unl > out.unlocatable_peak[l] {
            out.unlocatable_peak[l] = unl;
            out.unlocatable_peak_day[l] = day as u64;
        }
    }
    out.followed_child_days += snap.followed() as u64;
    for (slot, (_, read)) in snap.cumulative.iter_mut().zip(CUMULATIVE.iter()) {
        *slot = read(out);
    }
    snap.flows = out.flows;
}

/// One group's totals at the horizon: unlocatable then, released children never located through
/// a lens (or lost after being located and never found again), followed then.
fn finish_group(children: &[Child], snap: &DaySnapshot, out: &mut RunSummary) {
    for lens in Lens::ALL {
        let l = lens as usize;
        out.unlocatable_at_horizon[l] = snap.unlocatable[l] as u64;
    }
    for ch in children.iter().filter(|ch| ch.release != NEVER) {
        for lens in Lens::ALL {
            if !ch.ever_locatable.contains(lens)
                || (ch.ever_unlocatable.contains(lens) && !ch.found_again.contains(lens))
            {
                out.never_located_again[lens as usize] += 1;
            }
        }
    }
    out.followed_at_horizon = snap.followed() as u64;
}

/// The core and every stage.
pub(crate) struct Engine<'p> {
    core: Core<'p>,
    cbp: Cbp,
    orr: Orr,
    calls: Calls,
    sharing: Sharing,
    ice: Ice,
    court: Court,
    checks: Checks,
    recovery: Recovery,
    operations: Operations,
}

/// Run one replication of the scenario `p` with master seed `seed`, reporting every simulated day
/// to `observer`. In debug builds every day's running counts are checked against a recount.
pub fn simulate(
    p: &Params,
    seed: u64,
    replication: u64,
    observer: &mut dyn Observer,
) -> RunSummary {
    run(p, seed, replication, observer, cfg!(debug_assertions))
}

/// [`simulate`], recounting every day, from scratch, the children per state, the unlocatable
/// children and each agency's accurate records, and panicking with the first difference from the
/// running counts. Slow (a pass over every child every day): for tests.
#[doc(hidden)]
pub fn simulate_verified(
    p: &Params,
    seed: u64,
    replication: u64,
    observer: &mut dyn Observer,
) -> RunSummary {
    run(p, seed, replication, observer, true)
}

fn run(
    p: &Params,
    seed: u64,
    replication: u64,
    observer: &mut dyn Observer,
    verify: bool,
) -> RunSummary {
    let mut e = Engine::new(p, seed, replication);
    let start_n = e.core.start_n;
    let mut tracer = Tracer::new(observer.traced_child().map(|k| k + start_n));
    for day in 0..p.horizon_days {
        e.run_day(day, &mut tracer, observer);
        if verify {
            if let Err(msg) = e.core.verify_counts() {
                panic!("running counts differ from a recount: {msg}");
            }
        }
        e.close_day(day);
        observer.on_day(day, &e.core.snap);
    }
    e.finish(observer)
}

impl<'p> Engine<'p> {
    /// An engine at time 0 with every arrival scheduled.
    fn new(p: &'p Params, seed: u64, replication: u64) -> Self {
        let mut e = Engine {
            core: Core::new(p, seed, replication),
            cbp: Cbp::new(p),
            orr: Orr::new(p),
            calls: Calls::default(),
            sharing: Sharing::new(p),
            ice: Ice::new(p),
            court: Court::new(p),
            checks: Checks::default(),
            recovery: Recovery::new(p),
            operations: Operations::new(p),
        };
        start::create(&mut e.core, &mut e.orr);
        for (c, ago) in start::create_released(&mut e.core) {
            e.core.backdate = ago;
            e.follow_from_release(c, true);
            e.core.backdate = 0;
        }
        arrivals::schedule(&mut e.core);
        e
    }

    /// What follows a release to a sponsor, scheduled by each stage (`first`: the child's first
    /// release, at which ICE decides whether to issue an NTA).
    fn follow_from_release(&mut self, c: u32, first: bool) {
        let core = &mut self.core;
        if first {
            self.ice.on_release(core, c);
        }
        life::on_release(core, c);
        placement::on_release(core, c);
        calls::on_release(core, c);
        services::on_release(core, c);
        self.sharing.on_release(core, c);
        self.checks.on_release(core, c);
        core.refresh(c);
    }

    /// One simulated day: the morning's capacities, the day's events in order, the follow-up work
    /// at midnight.
    fn run_day(&mut self, day: u32, tracer: &mut Tracer, observer: &mut dyn Observer) {
        self.core.day = day;
        self.core.now = day * MINUTES_PER_DAY;
        self.start_of_day();
        self.core.cal.open_day(day);
        while let Some(ev) = self.core.cal.pop_today() {
            // The child record is the event's main cost (a cache miss): fetch a few events ahead.
            if let Some(ahead) = self.core.cal.child_ahead(pages::PREFETCH_AHEAD) {
                self.core.prefetch(ahead);
            }
            self.core.now = ev.time();
            self.core.out.events += 1;
            let delivered = self.deliver(ev);
            if delivered && tracer.follows(ev.child()) {
                tracer.after_event(&self.core, observer, ev.event().name());
            }
        }
        // End-of-day work happens at midnight: what it schedules falls on the next day or later.
        self.core.now = (day + 1) * MINUTES_PER_DAY;
        self.end_of_day();
        tracer.after_day(&self.core, observer);
    }

    /// Each morning: today's capacities, and the waiting lines they admit.
    fn start_of_day(&mut self) {
        let core = &mut self.core;
        self.cbp.start_of_day(core);
        self.orr.start_of_day(core);
        self.recovery.start_of_day(core);
    }

    /// At midnight: the day's calls, NTAs and welfare checks, in that order; ICE reads its inbox
    /// after each, so that an address learned by one is there for the next. Units held by children
    /// whose placement a check ended (a rescue) are handed back at once.
    fn end_of_day(&mut self) {
        let core = &mut self.core;
        core.why = Why::found(Route::Call);
        self.calls.work(core, &self.recovery);
        self.ice.read_inbox(core);
        core.why = Why::found(Route::Nta);
        self.ice.work(core);
        self.ice.read_inbox(core);
        core.why = Why {
            cause: Cause::RecordOverwritten,
            route: Route::Check,
        };
        self.checks.work(core, &self.recovery);
        self.ice.read_inbox(core);
        self.hand_back();
        let core = &mut self.core;
        core.why = Why::found(Route::Operation);
        self.operations.work(core);
        self.ice.read_inbox(core);
        self.hand_back();
        self.orr.end_of_day(&mut self.core);
    }

    /// Read the core's inbox of ended placements: a child who left ORR care hands back a case
    /// manager it held, a child no longer exploited the investigators working its leads.
    fn hand_back(&mut self) {
        let core = &mut self.core;
        let mut i = 0;
        while i < core.ended.len() {
            let (c, left) = core.ended[i];
            match left {
                State::Orr => {
                    self.orr.left_care(core, c);
                    self.recovery.placement_ended(core, c);
                }
                State::Cbp | State::Exploited => self.recovery.placement_ended(core, c),
                _ => {}
            }
            i += 1;
        }
        core.ended.clear();
    }

    /// Close the day's snapshots and running totals (the cohort's and the starting
    /// population's).
    fn close_day(&mut self, day: u32) {
        let core = &mut self.core;
        close_group_day(&mut core.snap, &mut core.out, day);
        close_group_day(&mut core.start_snap, &mut core.start_out, day);
        core.snap.orr_census =
            core.snap.states[State::Orr as usize] + core.start_snap.states[State::Orr as usize];
        core.snap.discharges = core.discharges;
    }

    /// Totals at the horizon, and the cohort's children unlocatable by ICE then if the observer
    /// wants them (by place in the cohort). The starting population's totals are in
    /// [`RunSummary::start`].
    fn finish(mut self, observer: &mut dyn Observer) -> RunSummary {
        let core = &mut self.core;
        let start_n = core.start_n as usize;
        if observer.wants_unlocatable_at_end() {
            let ids: Vec<u32> = core.children[start_n..]
                .iter()
                .enumerate()
                .filter(|(_, ch)| ch.state.is_followed() && !ch.locatable.contains(Lens::Ice))
                .map(|(i, _)| i as u32)
                .collect();
            observer.on_unlocatable_at_end(&ids);
        }
        let (start, cohort) = core.children.split_at(start_n);
        finish_group(cohort, &core.snap, &mut core.out);
        let mut out = std::mem::take(&mut core.out);
        out.in_care_at_start = core.start_in_care as u64;
        out.released_before_start = (core.start_n - core.start_in_care) as u64;
        if start_n > 0 {
            finish_group(start, &core.start_snap, &mut core.start_out);
            out.start = Some(Box::new(std::mem::take(&mut core.start_out)));
        }
        out
    }

    /// Deliver one event: events of an ended placement are dropped here, before any stage sees
    /// them; the end of a resource hold is always delivered, with whether its placement still
    /// runs. After every event, units held by children whose placement ended are handed back and
    /// ICE reads its inbox. Returns whether the event acted on the child in its current placement
    /// (false for a dropped event or the end of a stale resource hold).
    #[inline]
    fn deliver(&mut self, ev: Entry) -> bool {
        let c = ev.child();
        let event = ev.event();
        let scope = event.scope();
        let current = scope == Scope::Child || self.core.children[c as usize].epoch == ev.epoch();
        if !current && scope == Scope::Placement {
            self.core.stale_dropped += 1;
            return false;
        }
        let core = &mut self.core;
        core.why = why_of(event);
        match event {
            Event::Arrive => {
                arrivals::arrive(core, c);
                self.cbp.arrive(core, c);
                screening::screen(core, &mut self.recovery, c, Screen::Cbp);
            }
            Event::CbpProcessed => {
                self.cbp.processed(core);
                // A child who turned 18 in CBP custody is no longer referred to ORR.
                if core.children[c as usize].turns_18 <= core.now {
                    orr::to_ice_adult_custody(core, c);
                } else {
                    self.orr.request_placement(core, c);
                }
            }
            Event::EnterOrr => {
                self.orr.enter(core, c);
                if core.children[c as usize].state == State::Orr {
                    screening::screen(core, &mut self.recovery, c, Screen::Orr);
                }
            }
            Event::SponsorFound => self.orr.sponsor_found(core, c),
            Event::Vetted => self.orr.vetted(core, c),
            Event::Release => {
                if let Some(first) = self.orr.release(core, c) {
                    self.follow_from_release(c, first);
                }
            }
            Event::Turn18 => {
                if !self.orr.age_out(core, c) {
                    life::turn_18(core, c);
                }
            }
            Event::Depart => self.orr.depart(core, c),
            Event::Move => life::household_moves(core, c),
            Event::RunAway => life::run_away(core, &self.recovery, c),
            Event::Exploit => {
                if life::exploit(core, c) {
                    self.recovery.on_exploited(core, c);
                }
            }
            Event::Breakdown => {
                if placement::breaks_down(core, c) {
                    self.orr.readmit(core, c);
                }
            }
            Event::CallDue => self.calls.due(core, c),
            Event::ServicesContact => services::contact(core, &self.recovery, c),
            Event::ShareIce => sharing::share(core, c, Agency::Ice),
            Event::ShareCourt => sharing::share(core, c, Agency::Court),
            Event::NtaFiled => self.court.nta_filed(core, c),
            Event::Hearing => self.court.hearing(core, c),
            Event::NoticeSent => self.court.notice_sent(core, c),
            Event::ContactExpires => core.contact_expires(c),
            Event::MissingReport => recovery::missing_report(core, c),
            Event::RecordMatch => recovery::record_match(core, c),
            Event::Lead => self.recovery.lead_candidate(core, c),
            Event::LeadDone => self.recovery.lead_done(core, c),
            Event::Arrest => {
                if deterrence::arrested(core, c) {
                    self.orr.readmit(core, c);
                }
            }
        }
        if !self.core.ended.is_empty() {
            self.hand_back();
        }
        let core = &mut self.core;
        if !core.ice_inbox.is_empty() {
            self.ice.read_inbox(core);
        }
        current
    }
}

/// What a change of locatability during `event` is attributed to (stages refine it where one
/// event can find a child by more than one route).
fn why_of(event: Event) -> Why {
    match event {
        Event::Move => Why {
            cause: Cause::MoveUnreported,
            route: Route::MoveReported,
        },
        Event::RunAway | Event::Exploit | Event::Arrest => Why::lost(Cause::LeftHousehold),
        Event::ServicesContact => Why::found(Route::Services),
        Event::ShareIce | Event::ShareCourt => Why {
            cause: Cause::RecordOverwritten,
            route: Route::Sharing,
        },
        Event::Hearing => Why::found(Route::Court),
        Event::ContactExpires => Why::lost(Cause::ContactLapsed),
        Event::RecordMatch => Why::found(Route::RecordMatch),
        // Entering or leaving the followed population is attributed by the core; the other
        // events change no followed child's records.
        _ => Why::NONE,
    }
}

/// Helpers for unit tests of the stages: scenarios of the project at a reduced cohort, and an
/// engine that can be advanced day by day, with access to its core and stages.
#[cfg(test)]
pub(crate) mod testkit {
    use super::*;
    use crate::sim::core::calendar::Entry;
    use crate::sim::core::child::{Flags, State};
    use crate::sim::core::observer::NoObserver;

    /// A scenario of the project (path relative to `scenarios/`) at `share` of its arrivals.
    pub(crate) fn scenario(file: &str, share: f64) -> Params {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file);
        let mut p = crate::scenario::load(&path).expect("scenario loads").params;
        for r in &mut p.arrival_rate_by_day {
            *r *= share;
        }
        // The rules of each stage are pinned on the cohort alone (child ids from 0); the
        // starting population's own tests (`stages::start`) put it back.
        p.orr.at_start.children = 0;
        p.orr.released_before_start.children = 0;
        p
    }

    /// [`scenario`] with the capacities that bind in the full cohort (NTA service, hearing slots,
    /// calls, welfare checks) scaled by `share` too, so that queues and backlogs keep their shape.
    pub(crate) fn miniature(file: &str, share: f64) -> Params {
        let mut p = scenario(file, share);
        let scale = |s: &mut crate::sim::params::Schedule, min: u32| {
            for (_, v) in &mut s.0 {
                *v = ((*v as f64 * share).round() as u32).max(min);
            }
        };
        scale(&mut p.ice.nta_capacity_per_day, 1);
        scale(&mut p.court.hearings_per_day, 1);
        scale(&mut p.calls.capacity_per_day, 1);
        scale(&mut p.checks.teams, 1);
        scale(&mut p.checks.local_partner_checks_per_day, 0);
        p.checks.max_checks = (p.checks.max_checks as f64 * share).round() as u64;
        p
    }

    /// Totals of replications `0..n` of `p` (seed 11).
    pub(crate) fn replications(p: &Params, n: u64) -> Vec<RunSummary> {
        (0..n)
            .map(|r| simulate(p, 11, r, &mut NoObserver))
            .collect()
    }

    impl<'p> Engine<'p> {
        /// An engine on `p` (seed 11) run for its first `days` days.
        pub(crate) fn after_days(p: &'p Params, days: u32) -> Self {
            let mut e = Engine::new(p, 11, 0);
            e.advance(days);
            e
        }

        /// Run the next `days` days, as `simulate` does.
        pub(crate) fn advance(&mut self, days: u32) {
            let mut tracer = Tracer::new(None);
            let first = self.core.now.div_ceil(MINUTES_PER_DAY);
            for day in first..first + days {
                self.run_day(day, &mut tracer, &mut NoObserver);
                self.close_day(day);
            }
        }

        /// Run the next `days` days, showing `watch` each event before it is delivered (the
        /// day as in `run_day`, without its tracing and prefetching).
        pub(crate) fn advance_watching(&mut self, days: u32, mut watch: impl FnMut(&Core, Entry)) {
            let first = self.core.now.div_ceil(MINUTES_PER_DAY);
            for day in first..first + days {
                self.core.day = day;
                self.core.now = day * MINUTES_PER_DAY;
                self.start_of_day();
                self.core.cal.open_day(day);
                while let Some(ev) = self.core.cal.pop_today() {
                    watch(&self.core, ev);
                    self.core.now = ev.time();
                    self.core.out.events += 1;
                    self.deliver(ev);
                }
                self.core.now = (day + 1) * MINUTES_PER_DAY;
                self.end_of_day();
                self.close_day(day);
            }
        }

        /// The core.
        pub(crate) fn core(&mut self) -> &mut Core<'p> {
            &mut self.core
        }

        /// The core and the court.
        pub(crate) fn court(&mut self) -> (&mut Core<'p>, &mut Court) {
            (&mut self.core, &mut self.court)
        }

        /// A released child living with the sponsor for whom ICE means no NTA and who is on no
        /// queue: the tests give them the case they need.
        pub(crate) fn quiet_released_child(&self) -> u32 {
            self.quiet_released_children(1)[0]
        }

        /// `n` released children living with the sponsor for whom ICE means no NTA and who are on
        /// no queue: the tests give them the case they need.
        pub(crate) fn quiet_released_children(&self, n: usize) -> Vec<u32> {
            let quiet: Vec<u32> = (0..self.core.children.len() as u32)
                .filter(|&c| {
                    let ch = &self.core.children[c as usize];
                    ch.state == State::WithSponsor
                        && !ch.flags.intersects(Flags::NTA_INTENT | Flags::NTA_QUEUED)
                })
                .take(n)
                .collect();
            assert_eq!(quiet.len(), n, "released children without an NTA");
            quiet
        }
    }
}

/// An engine to drive from stage tests (beside each stage): whole days, with the running counts
/// checked against a recount after each, children added by hand, and the stages within reach.
#[cfg(test)]
pub(crate) mod harness {
    use super::*;
    use crate::sim::core::observer::ChildEvent;
    use crate::sim::params::{Duration, Policy, Rules};

    /// A scenario of the project (path relative to `scenarios/`) at `share` of its arrivals.
    pub(crate) use super::testkit::scenario as scaled;

    /// The baseline with no arrivals of its own (tests add children), every child 0 years old on
    /// arrival (no 18th birthday within the run), no voluntary departures, a sponsor for everyone.
    pub(crate) fn bare() -> Params {
        let mut p = scaled("baseline.toml", 0.0);
        p.policy = Policy::constant(Rules::default());
        p.children.age_cdf = vec![1.0];
        p.orr.voluntary_departure_rate = 0.0;
        p.sponsors.no_viable_sponsor = 0.0;
        p
    }

    /// [`bare`] with safe sponsors only (never rejected) and no running away, exploitation or
    /// placement breakdown: a released child stays with the sponsor unless a test says otherwise.
    pub(crate) fn quiet() -> Params {
        let mut p = bare();
        p.sponsors.risk = [[0.0; 2]; 3];
        p.life.runaway_rate = [0.0; 3];
        p.life.exploitation_rate = [0.0; 3];
        p.life.breakdown_rate = [0.0; 3];
        p
    }

    /// A fixed delay of `minutes`.
    pub(crate) fn fixed(minutes: f64) -> Duration {
        Duration {
            mean: minutes,
            cv: 0.0,
        }
    }

    /// Collects the traced child's journey.
    #[derive(Default)]
    struct Journey {
        child: Option<u32>,
        steps: Vec<ChildEvent>,
    }

    impl Observer for Journey {
        fn on_day(&mut self, _: u32, _: &crate::sim::core::snapshot::DaySnapshot) {}
        fn traced_child(&self) -> Option<u32> {
            self.child
        }
        fn on_child_event(&mut self, event: &ChildEvent) {
            self.steps.push(event.clone());
        }
    }

    /// An engine, the next day to run, and the journey of one traced child.
    pub(crate) struct Harness<'p> {
        e: Engine<'p>,
        next_day: u32,
        tracer: Tracer,
        journey: Journey,
    }

    impl<'p> Harness<'p> {
        /// An engine at time 0 with the scenario's arrivals scheduled.
        pub(crate) fn new(p: &'p Params, seed: u64) -> Self {
            Harness {
                e: Engine::new(p, seed, 0),
                next_day: 0,
                tracer: Tracer::new(None),
                journey: Journey::default(),
            }
        }

        /// Follow `c`'s journey from now on.
        pub(crate) fn trace(&mut self, c: u32) {
            self.tracer = Tracer::new(Some(c));
            self.journey = Journey {
                child: Some(c),
                steps: Vec::new(),
            };
        }

        /// The traced child's journey so far.
        pub(crate) fn journey(&self) -> &[ChildEvent] {
            &self.journey.steps
        }

        /// Run every day up to and including `last`, panicking if a running count drifts from
        /// the recount.
        pub(crate) fn run_to(&mut self, last: u32) {
            while self.next_day <= last {
                let day = self.next_day;
                self.e.run_day(day, &mut self.tracer, &mut self.journey);
                if let Err(msg) = self.e.core.verify_counts() {
                    panic!("running counts differ from a recount: {msg}");
                }
                self.e.close_day(day);
                self.next_day += 1;
            }
        }

        /// Run days until `done` holds at the end of one (at most `days` more); panics if it never
        /// does.
        pub(crate) fn run_until(&mut self, days: u32, mut done: impl FnMut(&Core) -> bool) {
            for _ in 0..days {
                self.run_to(self.next_day);
                if done(&self.e.core) {
                    return;
                }
            }
            panic!("not done after {days} days");
        }

        /// The first day not yet run.
        pub(crate) fn next_day(&self) -> u32 {
            self.next_day
        }

        /// A child who arrives now (in CBP custody), with the next id.
        pub(crate) fn new_child(&mut self) -> u32 {
            let c = self.e.core.children.len() as u32;
            arrivals::arrive(&mut self.e.core, c);
            c
        }

        /// Schedule `event` for `c` at `time`, in the child's current placement.
        pub(crate) fn at(&mut self, time: u32, c: u32, event: Event) {
            self.e.core.at(time, c, event);
        }

        pub(crate) fn core(&mut self) -> &mut Core<'p> {
            &mut self.e.core
        }

        pub(crate) fn orr(&mut self) -> (&mut Core<'p>, &mut Orr) {
            (&mut self.e.core, &mut self.e.orr)
        }

        pub(crate) fn recovery(&mut self) -> (&mut Core<'p>, &mut Recovery) {
            (&mut self.e.core, &mut self.e.recovery)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::core::child::{Epoch, State};
    use crate::sim::core::locate::Exit;
    use crate::sim::core::observer::NoObserver;

    /// A scenario of the project (path relative to `scenarios/`) at 2% of its arrivals.
    fn small(file: &str) -> Params {
        super::testkit::scenario(file, 0.02)
    }

    fn small_baseline() -> Params {
        small("baseline.toml")
    }

    /// An engine run for `days` days.
    fn engine_after(p: &Params, days: u32) -> Engine<'_> {
        let mut e = Engine::new(p, 11, 0);
        let mut tracer = Tracer::new(None);
        for day in 0..days {
            e.run_day(day, &mut tracer, &mut NoObserver);
            e.close_day(day);
        }
        e
    }

    /// A child living with the sponsor.
    fn released_child(e: &Engine) -> u32 {
        e.core
            .children
            .iter()
            .position(|ch| ch.state == State::WithSponsor)
            .expect("someone is released in the first year") as u32
    }

    #[test]
    fn events_of_an_ended_placement_never_reach_a_stage() {
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let c = released_child(&e);
        let released = e.core.children[c as usize].epoch;
        assert_ne!(released, Epoch::FIRST, "release starts a new placement");
        let moves = e.core.out.moves;
        let at = e.core.now;
        // A move scheduled during custody (epoch FIRST) is stale once the child is released.
        e.core.cal.schedule(at, c, Event::Move, Epoch::FIRST);
        e.core.cal.schedule(at, c, Event::Move, released);
        let mut tracer = Tracer::new(None);
        e.run_day(365, &mut tracer, &mut NoObserver);
        assert_eq!(e.core.stale_dropped, 1 + stale_before(&p));
        assert!(e.core.out.moves > moves, "the current move happened");
        let ch = &e.core.children[c as usize];
        assert_eq!(ch.epoch, released);
    }

    /// A released child's placement ends at 18, so an event of that placement falling at or after
    /// the birthday is not scheduled at all (it could only be dropped); one falling before it is,
    /// and so is an event of the court case, which outlives the placement. Fails if `Core::at`
    /// schedules every event (as it did before).
    #[test]
    fn events_of_a_released_placement_after_18_are_never_scheduled() {
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let c = released_child(&e);
        let now = e.core.now;
        let t18 = now + 100 * MINUTES_PER_DAY;
        e.core.children[c as usize].turns_18 = t18;
        e.core.at(t18, c, Event::Turn18);
        let scheduled = |e: &Engine| e.core.cal.scheduled;
        let (before, skipped) = (scheduled(&e), e.core.past_18_skipped);
        e.core.at(t18 - 1, c, Event::Move);
        assert_eq!(scheduled(&e), before + 1, "a move before 18 is scheduled");
        e.core.at(t18, c, Event::Move);
        e.core.at(t18 + 5 * MINUTES_PER_DAY, c, Event::CallDue);
        assert_eq!(
            scheduled(&e),
            before + 1,
            "events of the placement after 18"
        );
        assert_eq!(e.core.past_18_skipped, skipped + 2);
        e.core.at(t18 + MINUTES_PER_DAY, c, Event::Hearing);
        assert_eq!(scheduled(&e), before + 2, "the court case goes on after 18");
        // The birthday itself ends the placement (the child ages out), as the rule assumes.
        let mut tracer = Tracer::new(None);
        for day in 365..=t18 / MINUTES_PER_DAY {
            e.run_day(day, &mut tracer, &mut NoObserver);
            e.close_day(day);
        }
        let ch = &e.core.children[c as usize];
        assert!(!ch.state.is_followed(), "{:?} after 18", ch.state);
    }

    /// The same in ORR care (the birthday ages the child out of care); but not in CBP custody,
    /// where turning 18 ends nothing until the transfer to ORR, which must still happen.
    #[test]
    fn only_placements_that_end_at_18_lose_their_events_after_it() {
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let in_state = |e: &Engine, s: State| {
            e.core
                .children
                .iter()
                .position(|ch| ch.state == s)
                .unwrap_or_else(|| panic!("a child in {s:?} on day 365")) as u32
        };
        let t18 = e.core.now + MINUTES_PER_DAY;
        for (state, skipped) in [(State::Orr, true), (State::Cbp, false)] {
            let c = in_state(&e, state);
            e.core.children[c as usize].turns_18 = t18;
            let before = e.core.cal.scheduled;
            e.core.at(t18 + 60, c, Event::Depart);
            assert_eq!(e.core.cal.scheduled == before, skipped, "{state:?}");
        }
    }

    /// Events dropped as stale in the first 366 days of the small baseline, without the test's.
    fn stale_before(p: &Params) -> u64 {
        let e = engine_after(p, 366);
        e.core.stale_dropped
    }

    #[test]
    fn leaving_custody_and_being_followed_each_end_a_placement() {
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let c = released_child(&e);
        let before = e.core.children[c as usize].epoch;
        e.core.set_state(c, State::LeftSponsor);
        assert_eq!(e.core.children[c as usize].epoch, before, "same episode");
        e.core.set_state(c, State::AgedOut);
        assert_eq!(e.core.children[c as usize].epoch, before.next());
    }

    /// A released child whose ORR, ICE and court records are all stale and who had no recent
    /// contact: a child no agency can locate.
    fn lost_child(e: &mut Engine) -> u32 {
        let c = released_child(e);
        let stale = e.core.new_address();
        let ch = e.core.child(c);
        ch.rec = crate::sim::core::agency::PerAgency::splat(stale);
        ch.last_contact =
            crate::sim::core::agency::PerAgency::splat(crate::sim::core::child::NEVER);
        e.core.refresh(c);
        c
    }

    #[test]
    fn a_record_no_process_reads_makes_no_child_locatable() {
        // Before locatability by agency, CBP's record (read by no follow-up process) counted.
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let c = lost_child(&mut e);
        let pooled = e.core.snap.unlocatable[Lens::Pooled as usize];
        let truth = e.core.children[c as usize].true_addr;
        e.core.write_record(c, Agency::Cbp, truth);
        e.core.refresh(c);
        assert!(!e.core.children[c as usize].locatable.contains(Lens::Pooled));
        assert_eq!(e.core.snap.unlocatable[Lens::Pooled as usize], pooled);
        // ICE's own record makes the child locatable by ICE, and so pooled, but not by ORR.
        e.core.write_record(c, Agency::Ice, truth);
        e.core.refresh(c);
        let loc = e.core.children[c as usize].locatable;
        assert!(loc.contains(Lens::Ice) && loc.contains(Lens::Pooled));
        assert!(!loc.contains(Lens::Orr) && !loc.contains(Lens::Court));
        assert_eq!(e.core.snap.unlocatable[Lens::Pooled as usize], pooled - 1);
    }

    #[test]
    fn contact_keeps_only_the_agency_that_made_it_able_to_locate_the_child() {
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let c = lost_child(&mut e);
        // A court appearance: the court learns the address and the contact counts for it alone.
        e.core.contact(c, Agency::Court);
        e.core.refresh(c);
        let loc = e.core.children[c as usize].locatable;
        assert!(loc.contains(Lens::Court) && loc.contains(Lens::Pooled));
        assert!(!loc.contains(Lens::Ice) && !loc.contains(Lens::Orr));
        assert_eq!(
            e.core.children[c as usize].last_contact[Agency::Ice],
            crate::sim::core::child::NEVER
        );
    }

    #[test]
    fn aging_out_does_not_hide_a_lost_child() {
        // Before, a child who turned 18 while unlocatable simply left the count.
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let c = lost_child(&mut e);
        let turned = e.core.out.flows.exited[Lens::Ice as usize][Exit::TurnedEighteen as usize];
        let unl = e.core.snap.unlocatable[Lens::Ice as usize];
        e.core.why = Why::NONE;
        life::turn_18(&mut e.core, c);
        assert_eq!(e.core.children[c as usize].state, State::AgedOut);
        assert_eq!(e.core.snap.unlocatable[Lens::Ice as usize], unl - 1);
        assert_eq!(
            e.core.out.flows.exited[Lens::Ice as usize][Exit::TurnedEighteen as usize],
            turned + 1
        );
        assert_eq!(e.core.verify_counts(), Ok(()));
        let ch = &e.core.children[c as usize];
        assert!(ch.ever_unlocatable.contains(Lens::Ice) || !ch.ever_locatable.contains(Lens::Ice));
    }

    #[test]
    fn every_flow_is_attributed_and_flows_balance_the_stock() {
        let p = small_baseline();
        let e = engine_after(&p, p.horizon_days);
        for lens in Lens::ALL {
            let l = lens as usize;
            assert_eq!(
                e.core.out.flows.lost[l][Cause::Other as usize],
                0,
                "{lens:?}"
            );
            assert_eq!(
                e.core.out.flows.found[l][Route::Other as usize],
                0,
                "{lens:?}"
            );
            assert_eq!(
                e.core.out.flows.balance(lens),
                e.core.snap.unlocatable[l] as i64
            );
        }
        // Every release (first or after a breakdown) enters unlocatable by ICE: ICE holds no
        // address of the placement yet.
        let ice = &e.core.out.flows.lost[Lens::Ice as usize];
        assert_eq!(
            ice[Cause::NotShared as usize] + ice[Cause::WrongAddress as usize],
            e.core.out.released + e.core.out.re_releases
        );
    }

    #[test]
    fn the_recount_catches_a_running_count_that_drifted() {
        let p = small_baseline();
        let mut e = engine_after(&p, 400);
        assert_eq!(e.core.verify_counts(), Ok(()));
        e.core.snap.unlocatable[Lens::Ice as usize] += 1;
        let err = e.core.verify_counts().unwrap_err();
        assert!(err.contains("unlocatable"), "{err}");
        e.core.snap.unlocatable[Lens::Ice as usize] -= 1;
        e.core.snap.accurate[Agency::Ice as usize] += 1;
        assert!(e.core.verify_counts().unwrap_err().contains("accurate"));
    }

    /// The contact window is watched only while it matters: a contact that leaves the agency's
    /// record holding the true address arms no expiry; once the child moves unreported, the
    /// contact alone keeps the lens locatable, and an expiry is armed for the minute it lapses,
    /// when the lens is lost (attributed to the lapse). Every scenario's daily recount (below)
    /// checks that no path misses arming one.
    #[test]
    fn a_contact_is_watched_only_while_it_alone_keeps_a_lens_locatable() {
        use crate::sim::core::agency::PerAgency;
        let p = small_baseline();
        let mut e = engine_after(&p, 365);
        let c = released_child(&e);
        let core = &mut e.core;
        let window = p.contact_window;
        // A clean slate: no contact with any agency, nothing being watched.
        core.children[c as usize].last_contact = PerAgency::splat(NEVER);
        core.children[c as usize].expiry = NEVER;
        core.refresh(c);
        let t0 = core.now;
        core.contact(c, Agency::Ice);
        core.refresh(c);
        let ch = &core.children[c as usize];
        assert!(ch.accurate.contains(Agency::Ice) && ch.locatable.contains(Lens::Ice));
        assert_eq!(
            ch.expiry, NEVER,
            "the record holds the true address: nothing to watch"
        );
        // The household moves and nobody is told: ICE's record is stale, the contact is recent.
        let addr = core.new_address();
        let ch = core.child(c);
        ch.true_addr = addr;
        ch.household = addr;
        core.refresh(c);
        let lapse = t0 + window + 1;
        let ch = &core.children[c as usize];
        assert!(!ch.accurate.contains(Agency::Ice) && ch.locatable.contains(Lens::Ice));
        assert_eq!(
            ch.expiry, lapse,
            "armed for the minute the contact leaves the window"
        );
        let lost = core.out.flows.lost[Lens::Ice as usize][Cause::ContactLapsed as usize];
        core.now = lapse - 1;
        core.refresh(c);
        assert!(core.children[c as usize].locatable.contains(Lens::Ice));
        core.now = lapse;
        core.contact_expires(c);
        let ch = &core.children[c as usize];
        assert!(
            !ch.locatable.contains(Lens::Ice),
            "lost when the window lapses"
        );
        assert_eq!(ch.expiry, NEVER, "no other contact to watch");
        assert_eq!(
            core.out.flows.lost[Lens::Ice as usize][Cause::ContactLapsed as usize],
            lost + 1
        );
    }

    #[test]
    fn every_scenario_keeps_its_running_counts_exact_every_day() {
        let mut files = vec!["baseline.toml".to_string()];
        let reforms = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reforms");
        for entry in std::fs::read_dir(reforms).expect("reforms folder") {
            let name = entry.expect("entry").file_name();
            files.push(format!("reforms/{}", name.to_string_lossy()));
        }
        files.sort();
        assert!(files.len() >= 7);
        for f in files {
            let p = small(&f);
            // Panics with the first difference if a running count drifts from the recount.
            let verified = simulate_verified(&p, 5, 1, &mut NoObserver);
            let plain = run(&p, 5, 1, &mut NoObserver, false);
            assert_eq!(verified, plain, "{f}: verifying changed the results");
        }
    }

    /// Turning 18 ends the placement: of a person who aged out after release, only their
    /// immigration case (NTA, hearings, notices), their household's moves while the case goes on
    /// and the end of the contact window may still reach a stage.
    #[test]
    fn after_18_only_the_case_and_the_household_reach_a_stage() {
        let p = small_baseline();
        let mut e = Engine::new(&p, 11, 0);
        let mut seen = std::collections::BTreeSet::new();
        e.advance_watching(p.horizon_days, |core, ev| {
            let Some(ch) = core.children.get(ev.child() as usize) else {
                return; // an arrival
            };
            let reaches = ev.event().scope() == Scope::Child || ev.epoch() == ch.epoch;
            if ch.state == State::AgedOut && ch.release != crate::sim::core::child::NEVER && reaches
            {
                seen.insert(ev.event().name());
            }
        });
        let allowed = [
            "NTA filed with the court",
            "court hearing",
            "hearing notice sent",
            "household moved",
            "contact window expired",
        ];
        for name in &seen {
            assert!(allowed.contains(name), "{name} reached a stage after 18");
        }
        assert!(
            seen.contains("court hearing"),
            "cases go on after 18: {seen:?}"
        );
    }
}
