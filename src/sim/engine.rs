//! The discrete-event engine: children, sponsors, agencies' records and every stage of the
//! pipeline. Pure: no I/O, no printing, no threads. One call to [`simulate`] is one replication.

use std::collections::VecDeque;

use rand_distr::{Distribution, Poisson, StandardNormal};

use super::model::{
    Agency, ChildEvent, DaySnapshot, Observer, RunSummary, State, CUMULATIVE, N_AGENCIES,
};
use super::params::{Params, MINUTES_PER_DAY};
use super::queue::Calendar;
use super::sampling::{hazard, pick, unit, Sampler};
use super::slots::DailySlots;
use crate::rng::{self, Purpose, Stream};

const NEVER: u32 = u32::MAX;
/// How many events ahead the engine prefetches child records.
const PREFETCH_AHEAD: usize = 8;

/// Hint the processor to bring `x` into cache (no effect on results).
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: prefetching is a hint that never faults, even for invalid addresses; here the
        // addresses lie within (or one line past) a valid reference.
        let p = x as *const T as *const i8;
        let size = std::mem::size_of::<T>();
        for line in (0..size).step_by(64).chain(std::iter::once(size - 1)) {
            unsafe {
                std::arch::x86_64::_mm_prefetch(
                    p.wrapping_add(line),
                    std::arch::x86_64::_MM_HINT_T0,
                );
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}
const NO_ADDRESS: u32 = 0;

// Event kinds.
const ARRIVE: u8 = 0;
const CBP_PROCESSED: u8 = 1;
const ENTER_ORR: u8 = 2;
const SPONSOR_FOUND: u8 = 3;
const VETTED: u8 = 4;
const RELEASE: u8 = 5;
const TURN_18: u8 = 6;
const DEPART: u8 = 7;
const MOVE: u8 = 8;
const RUN_AWAY: u8 = 9;
const EXPLOIT: u8 = 10;
const CALL_DUE: u8 = 11;
const SERVICES_CONTACT: u8 = 12;
const SHARE_ICE: u8 = 13;
const SHARE_COURT: u8 = 14;
const NTA_FILED: u8 = 15;
const HEARING: u8 = 16;
const CONTACT_EXPIRES: u8 = 17;
const MISSING_REPORT: u8 = 18;
const RECORD_MATCH: u8 = 19;
const LEAD: u8 = 20;
const LEAD_DONE: u8 = 21;

/// Names of the event kinds, for journeys.
const KIND_NAMES: [&str; 22] = [
    "encountered by CBP",
    "CBP processing done",
    "entered ORR care",
    "sponsor came forward",
    "vetting done",
    "released to sponsor",
    "turned 18",
    "voluntary departure",
    "household moved",
    "left the sponsor",
    "exploitation began",
    "well-being call due",
    "post-release services contact",
    "ORR record shared with ICE",
    "ORR record shared with the court",
    "NTA filed with the court",
    "court hearing",
    "contact window expired",
    "missing-child report",
    "missing-child report matched",
    "exploitation lead",
    "lead investigated",
];

// Child flags.
const F_INCOMPLETE_RECORD: u32 = 1 << 0;
const F_NO_SPONSOR: u32 = 1 << 1;
const F_CBP_KNOWS_SPONSOR: u32 = 1 << 2;
const F_NTA_INTENT: u32 = 1 << 3;
const F_NTA_QUEUED: u32 = 1 << 4;
const F_NTA_SERVED: u32 = 1 << 5;
const F_NTA_RETURNED: u32 = 1 << 6;
const F_IN_ABSENTIA: u32 = 1 << 7;
const F_CASE_OPEN: u32 = 1 << 8;
const F_NOTICE_DELIVERED: u32 = 1 << 9;
const F_REPRESENTED: u32 = 1 << 10;
const F_MISSING_REPORTED: u32 = 1 << 11;
const F_CHECKED: u32 = 1 << 12;
const F_SERVICES: u32 = 1 << 13;
const F_LOCATABLE: u32 = 1 << 14;
const F_ACCURATE0: u32 = 1 << 15; // four bits, one per agency
const F_IN_VETTING: u32 = 1 << 19;
const F_EXPIRY_PENDING: u32 = 1 << 21;

/// One synthetic child and the records agencies keep about them. `repr(C)` keeps the fields that
/// every event reads (flags, addresses, records, state) together in the first cache line.
#[repr(C)]
struct Child {
    flags: u32,
    /// Where the child truly lives (an address id; ids are never reused).
    true_addr: u32,
    /// The sponsor household's current address.
    household: u32,
    last_contact: u32,
    /// Each agency's record of the address (0: none).
    rec: [u32; N_AGENCIES],
    state: State,
    category: u8,
    risk: u8,
    country: u8,
    attempts: u8,
    release: u32,
    orr_entry: u32,
    arrival: u32,
    turns_18: u32,
    appear_mult: f32,
    move_mult: f32,
    runaway_mult: f32,
    /// When each agency's record was last written.
    rec_time: [u32; N_AGENCIES],
    pre: Stream,
    life: Stream,
    follow: Stream,
}

/// A resource with capacity and a FIFO waiting line of (child, time joined).
#[derive(Default)]
struct Pool {
    capacity: u32,
    busy: u32,
    line: VecDeque<(u32, u32)>,
}

impl Pool {
    /// Take a unit now, or join the line.
    fn request(&mut self, child: u32, now: u32) -> bool {
        if self.busy < self.capacity && self.line.is_empty() {
            self.busy += 1;
            true
        } else {
            self.line.push_back((child, now));
            false
        }
    }
    /// Give a unit back; returns the next waiting child that now holds it.
    fn release(&mut self) -> Option<(u32, u32)> {
        self.busy = self.busy.saturating_sub(1);
        self.admit()
    }
    /// Admit the head of the line if capacity allows.
    fn admit(&mut self) -> Option<(u32, u32)> {
        if self.busy < self.capacity {
            let next = self.line.pop_front()?;
            self.busy += 1;
            Some(next)
        } else {
            None
        }
    }
}

struct Samplers {
    cbp_processing: Sampler,
    transport: Sampler,
    identification: [Sampler; 3],
    incomplete_record: Sampler,
    background: [Sampler; 3],
    home_study: Sampler,
    release_processing: Sampler,
    orr_to_ice: Sampler,
    orr_to_court: Sampler,
    nta_filing: Sampler,
    next_hearing: Sampler,
    missing_report: Sampler,
    investigation: Sampler,
}

struct Engine<'p> {
    p: &'p Params,
    s: Samplers,
    seed: u64,
    replication: u64,
    now: u32,
    day: u32,
    cal: Calendar,
    children: Vec<Child>,
    next_addr: u32,
    cbp_agents: Pool,
    beds: Pool,
    case_managers: Pool,
    investigators: Pool,
    influx_open: bool,
    /// ORR placements (intake designations) still possible today.
    placements_left: u32,
    influx_opens_on: Option<u32>,
    calls: VecDeque<(u32, u32)>,
    ntas: VecDeque<u32>,
    court: DailySlots,
    check_list: Vec<u32>,
    check_cursor: usize,
    checks_done: u64,
    snap: DaySnapshot,
    out: RunSummary,
}

/// Run one replication of the scenario `p` with master seed `seed`, reporting every simulated day
/// to `observer`.
pub fn simulate(
    p: &Params,
    seed: u64,
    replication: u64,
    observer: &mut dyn Observer,
) -> RunSummary {
    let mut e = Engine::new(p, seed, replication);
    e.schedule_arrivals();
    let traced = observer.traced_child();
    let mut last_trace: Option<ChildEvent> = None;
    for day in 0..p.horizon_days {
        e.day = day;
        e.now = day * MINUTES_PER_DAY;
        e.start_of_day();
        e.cal.open_day(day);
        while let Some(ev) = e.cal.pop_today() {
            // The child record is the event's main cost (a cache miss): fetch a few events ahead.
            if let Some(ahead) = e.cal.child_ahead(PREFETCH_AHEAD) {
                if let Some(ch) = e.children.get(ahead as usize) {
                    prefetch(ch);
                }
            }
            e.now = ev.time();
            e.out.events += 1;
            e.handle(ev.kind, ev.child());
            if traced == Some(ev.child()) {
                e.trace(observer, KIND_NAMES[ev.kind as usize], &mut last_trace);
            }
        }
        // End-of-day work happens at midnight: what it schedules falls on the next day or later.
        e.now = (day + 1) * MINUTES_PER_DAY;
        e.end_of_day();
        if traced.is_some_and(|t| (t as usize) < e.children.len()) {
            e.trace(
                observer,
                "daily follow-up (calls, NTAs, welfare checks)",
                &mut last_trace,
            );
        }
        let unl = e.snap.unlocatable as u64;
        e.out.unlocatable_child_days += unl;
        if unl > e.out.unlocatable_peak {
            e.out.unlocatable_peak = unl;
            e.out.unlocatable_peak_day = day as u64;
        }
        for (slot, (_, read)) in e.snap.cumulative.iter_mut().zip(CUMULATIVE.iter()) {
            *slot = read(&e.out);
        }
        observer.on_day(day, &e.snap);
    }
    if observer.wants_unlocatable_at_end() {
        let ids: Vec<u32> = (0..e.children.len() as u32)
            .filter(|&c| {
                let ch = &e.children[c as usize];
                ch.state.is_followed() && ch.flags & F_LOCATABLE == 0
            })
            .collect();
        observer.on_unlocatable_at_end(&ids);
    }
    e.out.unlocatable_at_horizon = e.snap.unlocatable as u64;
    e.out.followed_at_horizon = State::ALL
        .iter()
        .filter(|s| s.is_followed())
        .map(|&s| e.snap.states[s as usize] as u64)
        .sum();
    e.out
}

impl<'p> Engine<'p> {
    fn new(p: &'p Params, seed: u64, replication: u64) -> Self {
        let s = Samplers {
            cbp_processing: Sampler::new(p.cbp.processing),
            transport: Sampler::new(p.cbp.transport),
            identification: p.sponsors.identification.map(Sampler::new),
            incomplete_record: Sampler::new(p.sponsors.incomplete_record_delay),
            background: p.vetting.background.map(Sampler::new),
            home_study: Sampler::new(p.vetting.home_study),
            release_processing: Sampler::new(p.orr.release_processing),
            orr_to_ice: Sampler::new(p.sharing.orr_to_ice.delay),
            orr_to_court: Sampler::new(p.sharing.orr_to_court.delay),
            nta_filing: Sampler::new(p.ice.nta_filing),
            next_hearing: Sampler::new(p.court.next_hearing),
            missing_report: Sampler::new(p.recovery.missing_report_delay),
            investigation: Sampler::new(p.recovery.investigation),
        };
        Engine {
            p,
            s,
            seed,
            replication,
            now: 0,
            day: 0,
            cal: Calendar::new(p.horizon_days),
            children: Vec::new(),
            next_addr: 1,
            cbp_agents: Pool::default(),
            beds: Pool::default(),
            case_managers: Pool::default(),
            investigators: Pool::default(),
            influx_open: false,
            placements_left: 0,
            influx_opens_on: None,
            calls: VecDeque::new(),
            ntas: VecDeque::new(),
            court: DailySlots::new(p.horizon_days, &p.court.hearings_per_day),
            check_list: Vec::new(),
            check_cursor: 0,
            checks_done: 0,
            snap: DaySnapshot::default(),
            out: RunSummary::default(),
        }
    }

    /// Report the traced child's situation after an event (always) or after the day's follow-up
    /// work (only if something changed).
    fn trace(
        &self,
        observer: &mut dyn Observer,
        what: &'static str,
        last: &mut Option<ChildEvent>,
    ) {
        let Some(c) = observer.traced_child() else {
            return;
        };
        let Some(ch) = self.children.get(c as usize) else {
            return;
        };
        let ev = ChildEvent {
            time: self.now,
            what,
            state: ch.state,
            true_address: ch.true_addr,
            household: ch.household,
            records: ch.rec,
            locatable: ch.flags & F_LOCATABLE != 0,
        };
        let changed = last.as_ref().is_none_or(|l| {
            (l.state, l.true_address, l.household, l.records, l.locatable)
                != (
                    ev.state,
                    ev.true_address,
                    ev.household,
                    ev.records,
                    ev.locatable,
                )
        });
        if what.starts_with("daily") && !changed {
            return;
        }
        observer.on_child_event(&ev);
        *last = Some(ev);
    }

    fn stream(&self, child: u32, purpose: Purpose) -> Stream {
        rng::stream(self.seed, self.replication, child as u64, purpose)
    }

    /// A Poisson process with a rate that is constant within each day: Poisson counts per day,
    /// uniform times within the day.
    fn schedule_arrivals(&mut self) {
        let mut r = self.stream(0, Purpose::Arrivals);
        let mut times: Vec<u32> = Vec::new();
        let mut child = 0u32;
        for (day, &rate) in self.p.arrival_rate_by_day.iter().enumerate() {
            let mean = rate * MINUTES_PER_DAY as f64;
            if mean <= 0.0 {
                continue;
            }
            let n = match Poisson::new(mean) {
                Ok(d) => d.sample(&mut r) as u64,
                Err(_) => 0,
            };
            times.clear();
            times.extend((0..n).map(|_| (unit(&mut r) * MINUTES_PER_DAY as f64) as u32));
            times.sort_unstable();
            for &t in &times {
                self.cal
                    .schedule(day as u32 * MINUTES_PER_DAY + t, child, ARRIVE);
                child += 1;
            }
        }
        self.children.reserve_exact(child as usize);
    }

    fn new_address(&mut self) -> u32 {
        let a = self.next_addr;
        self.next_addr += 1;
        a
    }

    /// Enforcement pressure in force now, in [0, 1].
    fn pressure(&self) -> f64 {
        let d = &self.p.deterrence;
        if !d.enabled {
            return 0.0;
        }
        let mut x = 0.0;
        if d.sharing_enforcement_from
            .is_some_and(|from| self.day >= from)
        {
            x += d.pressure_sharing;
        }
        if d.arrests_during_checks && self.p.checks.start_day.is_some_and(|s| self.day >= s) {
            x += d.pressure_arrests;
        }
        x.min(1.0)
    }

    fn avoidance(&self) -> f64 {
        self.p.deterrence.contact_avoidance * self.pressure()
    }

    // ----- state bookkeeping -------------------------------------------------------------------

    fn set_state(&mut self, c: u32, to: State) {
        let from = self.children[c as usize].state;
        self.snap.states[from as usize] -= 1;
        self.snap.states[to as usize] += 1;
        self.children[c as usize].state = to;
        self.refresh(c);
    }

    /// Recompute whether the child is locatable and which agencies hold the true address, and
    /// update the running counts. Called after every change to a child.
    fn refresh(&mut self, c: u32) {
        let window = self.p.contact_window;
        let now = self.now;
        let ch = &mut self.children[c as usize];
        let followed = ch.state.is_followed();
        let mut flags = ch.flags & !(F_LOCATABLE | (0xF * F_ACCURATE0));
        if followed {
            let mut any = false;
            for a in 0..N_AGENCIES {
                if ch.rec[a] == ch.true_addr {
                    flags |= F_ACCURATE0 << a;
                    any = true;
                }
            }
            let recent = ch.last_contact != NEVER && now.saturating_sub(ch.last_contact) <= window;
            if any || recent {
                flags |= F_LOCATABLE;
            }
        }
        let old = ch.flags;
        ch.flags = flags;
        let was_followed_unl = |f: u32| (f & F_LOCATABLE) == 0;
        // Unlocatable count: followed children without the locatable flag.
        let before = old_followed(old) && was_followed_unl(old);
        let after = followed && was_followed_unl(flags);
        ch.flags = if followed {
            flags | F_FOLLOWED
        } else {
            flags & !F_FOLLOWED
        };
        match (before, after) {
            (false, true) => self.snap.unlocatable += 1,
            (true, false) => self.snap.unlocatable -= 1,
            _ => {}
        }
        for a in 0..N_AGENCIES {
            let b = (old & (F_ACCURATE0 << a)) != 0;
            let n = (flags & (F_ACCURATE0 << a)) != 0;
            match (b, n) {
                (false, true) => self.snap.accurate[a] += 1,
                (true, false) => self.snap.accurate[a] -= 1,
                _ => {}
            }
        }
    }

    /// Write an address into an agency's record (into every agency's with an integrated record).
    fn write_record(&mut self, c: u32, agency: Agency, addr: u32) {
        let now = self.now;
        let integrated = self.p.sharing.integrated_record;
        let ch = &mut self.children[c as usize];
        if integrated {
            ch.rec = [addr; N_AGENCIES];
            ch.rec_time = [now; N_AGENCIES];
        } else {
            ch.rec[agency as usize] = addr;
            ch.rec_time[agency as usize] = now;
        }
        if integrated || agency == Agency::Ice {
            // ICE queues an NTA once it holds an address; a returned NTA is retried once ICE
            // holds a new one.
            ch.flags &= !F_NTA_RETURNED;
            self.enqueue_nta(c);
        }
    }

    /// An agency made contact with the child: it learns the true address.
    fn contact(&mut self, c: u32, agency: Agency) {
        let addr = self.children[c as usize].true_addr;
        self.write_record(c, agency, addr);
        let ch = &mut self.children[c as usize];
        ch.last_contact = self.now;
        // At most one pending expiry per child: it re-arms itself if a later contact came.
        if ch.flags & F_EXPIRY_PENDING == 0 {
            ch.flags |= F_EXPIRY_PENDING;
            let expires = self
                .now
                .saturating_add(self.p.contact_window)
                .saturating_add(1);
            self.cal.schedule(expires, c, CONTACT_EXPIRES);
        }
    }

    fn contact_expires(&mut self, c: u32) {
        let ch = &mut self.children[c as usize];
        ch.flags &= !F_EXPIRY_PENDING;
        let expires = ch
            .last_contact
            .saturating_add(self.p.contact_window)
            .saturating_add(1);
        if expires > self.now {
            ch.flags |= F_EXPIRY_PENDING;
            self.cal.schedule(expires, c, CONTACT_EXPIRES);
        }
        self.refresh(c);
    }

    fn after(&mut self, c: u32, delay: u32, kind: u8) {
        self.cal.schedule(self.now.saturating_add(delay), c, kind);
    }

    // ----- daily processes -----------------------------------------------------------------------

    fn start_of_day(&mut self) {
        let day = self.day;
        let p = self.p;
        self.cbp_agents.capacity = p.cbp.processing_agents.at(day);
        while let Some((c, since)) = self.cbp_agents.admit() {
            self.start_cbp_processing(c, since);
        }
        // ORR influx beds open after a delay once the line for beds passes the trigger, and close
        // when occupancy falls below a share of standard beds.
        let standard = (p.orr.standard_beds.at(day) as u64
            * p.orr.usable_beds_percent.at(day) as u64
            / 100) as u32;
        let waiting = self.beds.line.len() as u32;
        if !self.influx_open {
            if waiting > p.orr.influx_trigger_waiting && self.influx_opens_on.is_none() {
                self.influx_opens_on = Some(day + p.orr.influx_open_delay_days);
            }
            if self.influx_opens_on.is_some_and(|d| day >= d) {
                self.influx_open = true;
                self.influx_opens_on = None;
            }
        } else if waiting == 0
            && (self.beds.busy as f64) < p.orr.influx_close_occupancy_share * standard as f64
        {
            self.influx_open = false;
        }
        let influx = if self.influx_open {
            p.orr.influx_beds.at(day)
        } else {
            0
        };
        self.beds.capacity = standard + influx;
        self.placements_left = p.orr.placements_per_day.at(day);
        self.place_waiting();
        self.case_managers.capacity = p.orr.case_managers.at(day) * p.orr.cases_per_case_manager;
        while let Some((c, _)) = self.case_managers.admit() {
            self.start_vetting(c);
        }
        let working =
            p.recovery.investigators.at(day) as f64 * (1.0 - p.recovery.reassigned_to_removal);
        self.investigators.capacity =
            (working * p.recovery.cases_per_investigator as f64).floor() as u32;
        while let Some((c, _)) = self.investigators.admit() {
            self.start_investigation(c);
        }
    }

    fn end_of_day(&mut self) {
        self.work_calls();
        self.work_ntas();
        self.work_welfare_checks();
        self.snap.waiting_for_bed = self.beds.line.len() as u32;
        self.snap.beds = self.beds.capacity;
    }

    fn work_calls(&mut self) {
        let mut capacity = self.p.calls.capacity_per_day.at(self.day);
        while capacity > 0 {
            let Some((c, due_day)) = self.calls.pop_front() else {
                break;
            };
            if !self.children[c as usize].state.is_followed() {
                continue;
            }
            if self.day > due_day + self.p.calls.max_wait_days {
                // Never attempted in time: the call did not reach anyone.
                self.out.calls_not_reached += 1;
                continue;
            }
            capacity -= 1;
            self.call(c);
        }
        // Calls still waiting past their window are dropped as not reached.
        while let Some(&(c, due_day)) = self.calls.front() {
            if self.day > due_day + self.p.calls.max_wait_days {
                self.calls.pop_front();
                if self.children[c as usize].state.is_followed() {
                    self.out.calls_not_reached += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A Safety and Well-Being call: it reaches the household if ORR's contact details are current
    /// (or, less often, if they are stale), unless the household avoids contact.
    fn call(&mut self, c: u32) {
        let reached = self.reach(
            c,
            self.p.calls.answer_if_current,
            self.p.calls.reach_if_stale,
        );
        if !reached {
            self.out.calls_not_reached += 1;
            return;
        }
        self.out.calls_reached += 1;
        let ch = &self.children[c as usize];
        if ch.true_addr == ch.household {
            self.contact(c, Agency::Orr);
        } else {
            self.out.calls_child_not_with_sponsor += 1;
            self.household_reports_absence(c);
        }
        self.refresh(c);
    }

    /// Whether an attempt by ORR (call or post-release services) reaches the household.
    fn reach(&mut self, c: u32, if_current: f64, if_stale: f64) -> bool {
        let avoid = self.avoidance();
        let ch = &mut self.children[c as usize];
        let current = ch.rec[Agency::Orr as usize] == ch.household;
        let mult = self.p.children.country_reach_multiplier[ch.country as usize];
        let u = unit(&mut ch.follow);
        let base = if current { if_current } else { if_stale };
        u < (base * mult).min(1.0) * (1.0 - avoid)
    }

    /// The household says the child is no longer there; a missing-child report may follow.
    fn household_reports_absence(&mut self, c: u32) {
        let ch = &mut self.children[c as usize];
        let u = unit(&mut ch.follow);
        if u < self.p.recovery.sponsor_reports_runaway && ch.flags & F_MISSING_REPORTED == 0 {
            let d = self.s.missing_report.minutes(&mut ch.follow);
            self.after(c, d, MISSING_REPORT);
        }
    }

    fn enqueue_nta(&mut self, c: u32) {
        let ch = &mut self.children[c as usize];
        if ch.flags & (F_NTA_QUEUED | F_NTA_SERVED) == 0 && ch.flags & F_NTA_INTENT != 0 {
            ch.flags |= F_NTA_QUEUED;
            self.ntas.push_back(c);
        }
    }

    /// ICE prepares and serves NTAs up to its daily capacity; service by mail succeeds only at the
    /// household's current address.
    fn work_ntas(&mut self) {
        let mut capacity = self.p.ice.nta_capacity_per_day.at(self.day);
        while capacity > 0 {
            let Some(c) = self.ntas.pop_front() else {
                break;
            };
            let ch = &mut self.children[c as usize];
            ch.flags &= !F_NTA_QUEUED;
            if !ch.state.is_followed() {
                continue;
            }
            capacity -= 1;
            if ch.rec[Agency::Ice as usize] == ch.household {
                // From service on, the family is told to report address changes to the court.
                ch.flags |= F_NTA_SERVED | F_CASE_OPEN;
                self.out.ntas_served += 1;
                let addr = ch.rec[Agency::Ice as usize];
                let d = self.s.nta_filing.minutes(&mut ch.follow);
                // The court's address on file is the one on the NTA.
                self.write_record(c, Agency::Court, addr);
                self.after(c, d, NTA_FILED);
            } else {
                ch.flags |= F_NTA_RETURNED;
                self.out.ntas_returned += 1;
            }
            self.refresh(c);
        }
    }

    fn schedule_hearing(&mut self, c: u32, earliest_day: u32) {
        let today = self.now / MINUTES_PER_DAY;
        let Some(day) = self
            .court
            .book(earliest_day.max(today + self.p.court.min_notice_days))
        else {
            return; // no slot before the horizon
        };
        let ch = &mut self.children[c as usize];
        // The notice goes now to the court's address on file; it reaches the child if that is
        // where the child lives.
        if ch.rec[Agency::Court as usize] == ch.true_addr && ch.true_addr != NO_ADDRESS {
            ch.flags |= F_NOTICE_DELIVERED;
        } else {
            ch.flags &= !F_NOTICE_DELIVERED;
            self.out.notices_to_stale_address += 1;
        }
        // Hearings sit at 09:00; one booked for today after 09:00 is heard at once.
        let t = day
            .saturating_mul(MINUTES_PER_DAY)
            .saturating_add(9 * 60)
            .max(self.now);
        self.cal.schedule(t, c, HEARING);
    }

    fn work_welfare_checks(&mut self) {
        let w = &self.p.checks;
        let Some(start) = w.start_day else { return };
        if self.day < start {
            return;
        }
        let since = self.day - start;
        if since % w.list_refresh_days.max(1) == 0 {
            self.build_check_list();
        }
        let teams = w.teams.at(self.day) as f64 * w.checks_per_team_day;
        let capacity = (teams.floor() as u64 + w.local_partner_checks_per_day.at(self.day) as u64)
            .min(w.max_checks.saturating_sub(self.checks_done));
        let mut done = 0;
        while done < capacity && self.check_cursor < self.check_list.len() {
            let c = self.check_list[self.check_cursor];
            self.check_cursor += 1;
            let ch = &self.children[c as usize];
            if ch.flags & F_CHECKED != 0 || !ch.state.is_followed() {
                continue;
            }
            done += 1;
            self.welfare_check(c);
        }
        self.checks_done += done;
    }

    /// ICE's priority list, built from ICE's own records: children it believes released and holds
    /// an address for, not yet checked, ordered by priority group then release date.
    fn build_check_list(&mut self) {
        let prio = self.p.checks.priority;
        let mut list: Vec<(u8, u32, u32)> = Vec::new();
        for (i, ch) in self.children.iter().enumerate() {
            if ch.release == NEVER
                || ch.flags & F_CHECKED != 0
                || ch.rec[Agency::Ice as usize] == NO_ADDRESS
            {
                continue;
            }
            if !ch.state.is_followed() {
                continue;
            }
            let group = if ch.flags & F_IN_ABSENTIA != 0 {
                0
            } else if ch.flags & F_NTA_SERVED == 0 {
                1
            } else {
                2
            };
            let rank = prio.iter().position(|&g| g == group).unwrap_or(2) as u8;
            list.push((rank, ch.release, i as u32));
        }
        list.sort_unstable();
        self.check_list = list.into_iter().map(|x| x.2).collect();
        self.check_cursor = 0;
    }

    /// One visit. ICE may first match its record against ORR's and the court's (taking the most
    /// recently written). The visit finds the child only if ICE's address is the child's true
    /// current one; at the sponsor's household without the child, the household may report the
    /// absence; elsewhere nobody is found and ICE may file a missing-child report.
    fn welfare_check(&mut self, c: u32) {
        self.out.welfare_checks += 1;
        let match_p = self.p.sharing.ice_record_match;
        let ch = &mut self.children[c as usize];
        ch.flags |= F_CHECKED;
        if unit(&mut ch.follow) < match_p {
            let (orr, court) = (Agency::Orr as usize, Agency::Court as usize);
            let best = if ch.rec[court] != NO_ADDRESS
                && (ch.rec[orr] == NO_ADDRESS || ch.rec_time[court] > ch.rec_time[orr])
            {
                court
            } else {
                orr
            };
            let addr = ch.rec[best];
            let ice = Agency::Ice as usize;
            // Only a record newer than ICE's own replaces it.
            let newer = ch.rec[ice] == NO_ADDRESS || ch.rec_time[best] > ch.rec_time[ice];
            if addr != NO_ADDRESS && addr != ch.rec[ice] && newer {
                self.write_record(c, Agency::Ice, addr);
            }
        }
        let ch = &mut self.children[c as usize];
        let report = unit(&mut ch.follow) < self.p.checks.missing_report_if_not_found;
        let ice = ch.rec[Agency::Ice as usize];
        if ice == ch.true_addr {
            if ch.state == State::Exploited {
                self.rescue(c, Rescuer::Check);
            } else {
                self.out.located += 1;
                self.contact(c, Agency::Ice);
            }
        } else {
            self.out.not_found += 1;
            if ice == ch.household {
                self.household_reports_absence(c);
            } else if report && ch.flags & F_MISSING_REPORTED == 0 {
                let d = self.s.missing_report.minutes(&mut ch.follow);
                self.after(c, d, MISSING_REPORT);
            }
        }
        self.refresh(c);
    }

    fn rescue(&mut self, c: u32, by: Rescuer) {
        self.out.rescued += 1;
        match by {
            Rescuer::Check => self.out.rescued_by_checks += 1,
            Rescuer::Lead => self.out.rescued_by_leads += 1,
            Rescuer::RecordMatch => self.out.rescued_by_record_match += 1,
        }
        self.contact(c, Agency::Ice);
        self.set_state(c, State::Rescued);
    }

    // ----- events --------------------------------------------------------------------------------

    fn handle(&mut self, kind: u8, c: u32) {
        match kind {
            ARRIVE => self.arrive(c),
            CBP_PROCESSED => self.cbp_processed(c),
            ENTER_ORR => self.enter_orr(c),
            SPONSOR_FOUND => self.sponsor_found(c),
            VETTED => self.vetted(c),
            RELEASE => self.release(c),
            TURN_18 => self.turn_18(c),
            DEPART => {
                if self.children[c as usize].state == State::Orr {
                    self.out.departed += 1;
                    self.leave_orr(c, State::Departed);
                }
            }
            MOVE => self.household_moves(c),
            RUN_AWAY => self.run_away(c),
            EXPLOIT => self.exploit(c),
            CALL_DUE => {
                if self.children[c as usize].state.is_followed() {
                    self.out.calls_due += 1;
                    self.calls.push_back((c, self.day));
                }
            }
            SERVICES_CONTACT => self.services_contact(c),
            SHARE_ICE => self.share(c, Agency::Ice),
            SHARE_COURT => self.share(c, Agency::Court),
            NTA_FILED => {
                if self.children[c as usize].state.is_followed() {
                    let ch = &mut self.children[c as usize];
                    if unit(&mut ch.follow) < self.p.court.representation {
                        ch.flags |= F_REPRESENTED;
                    }
                    self.schedule_hearing(c, self.day);
                }
            }
            HEARING => self.hearing(c),
            CONTACT_EXPIRES => self.contact_expires(c),
            MISSING_REPORT => self.missing_report(c),
            RECORD_MATCH => self.record_match(c),
            LEAD => self.lead(c),
            LEAD_DONE => self.lead_done(c),
            _ => debug_assert!(false, "unknown event kind {kind}"),
        }
    }

    fn arrive(&mut self, c: u32) {
        debug_assert_eq!(c as usize, self.children.len());
        let p = self.p;
        let mut a = self.stream(c, Purpose::Attributes);
        let age = pick(&p.children.age_cdf, &mut a) as f64;
        let frac = unit(&mut a);
        let years_to_18 = (18.0 - age - frac).max(0.0);
        let turns_18 = self.now as f64 + years_to_18 * 365.25 * MINUTES_PER_DAY as f64;
        let country = pick(&p.children.country_cdf, &mut a) as u8;
        let category = pick(&p.sponsors.category_cdf, &mut a) as u8;
        let risk = draw_risk(&p.sponsors.risk[category as usize], &mut a);
        let no_sponsor = unit(&mut a) < p.sponsors.no_viable_sponsor;
        let sd = p.children.propensity_log_sd;
        let lognormal = |r: &mut Stream| {
            let z: f64 = StandardNormal.sample(r);
            (sd * z - sd * sd / 2.0).exp() as f32
        };
        let appear_mult = lognormal(&mut a);
        let move_mult = lognormal(&mut a);
        let runaway_mult = lognormal(&mut a);
        let mut pre = self.stream(c, Purpose::PreRelease);
        let mut flags = 0;
        if no_sponsor {
            flags |= F_NO_SPONSOR;
        }
        if unit(&mut pre) >= p.cbp.record_completeness {
            flags |= F_INCOMPLETE_RECORD;
        }
        if category == 0 && unit(&mut pre) < p.cbp.records_sponsor_address {
            flags |= F_CBP_KNOWS_SPONSOR;
        }
        self.children.push(Child {
            arrival: self.now,
            turns_18: if turns_18 < NEVER as f64 {
                turns_18 as u32
            } else {
                NEVER
            },
            orr_entry: NEVER,
            release: NEVER,
            last_contact: NEVER,
            true_addr: NO_ADDRESS,
            household: NO_ADDRESS,
            rec: [NO_ADDRESS; N_AGENCIES],
            rec_time: [0; N_AGENCIES],
            flags,
            appear_mult,
            move_mult,
            runaway_mult,
            state: State::Cbp,
            category,
            risk,
            country,
            attempts: 0,
            pre,
            life: self.stream(c, Purpose::Life),
            follow: self.stream(c, Purpose::FollowUp),
        });
        self.snap.arrived += 1;
        self.snap.states[State::Cbp as usize] += 1;
        self.out.arrived += 1;
        let t18 = self.children[c as usize].turns_18;
        if t18 != NEVER {
            self.cal.schedule(t18.max(self.now), c, TURN_18);
        }
        if self.cbp_agents.request(c, self.now) {
            self.start_cbp_processing(c, self.now);
        }
    }

    fn start_cbp_processing(&mut self, c: u32, since: u32) {
        self.out.cbp_processing_started += 1;
        self.out.cbp_processing_wait_hours_total += (self.now - since) as f64 / 60.0;
        let d = self
            .s
            .cbp_processing
            .minutes(&mut self.children[c as usize].pre);
        self.after(c, d, CBP_PROCESSED);
    }

    fn cbp_processed(&mut self, c: u32) {
        if let Some((next, since)) = self.cbp_agents.release() {
            self.start_cbp_processing(next, since);
        }
        // ORR designates a placement only while it has intake capacity left today.
        if self.placements_left == 0 {
            self.beds.line.push_back((c, self.now));
        } else if self.beds.request(c, self.now) {
            self.placements_left -= 1;
            self.assign_bed(c);
        }
    }

    fn assign_bed(&mut self, c: u32) {
        let d = self.s.transport.minutes(&mut self.children[c as usize].pre);
        self.after(c, d, ENTER_ORR);
    }

    fn enter_orr(&mut self, c: u32) {
        let p = self.p;
        let now = self.now;
        let ch = &mut self.children[c as usize];
        ch.orr_entry = now;
        let hours = (now - ch.arrival) as f64 / 60.0;
        self.out.transferred_to_orr += 1;
        self.out.cbp_hours_total += hours;
        if now - ch.arrival > p.cbp.transfer_limit {
            self.out.over_72h += 1;
        }
        let depart = hazard(p.orr.voluntary_departure_rate, &mut ch.pre);
        let no_sponsor = ch.flags & F_NO_SPONSOR != 0;
        let turns_18 = ch.turns_18;
        self.set_state(c, State::Orr);
        if turns_18 <= now {
            self.turn_18(c);
            return;
        }
        if let Some(d) = depart {
            self.after(c, d, DEPART);
        }
        if !no_sponsor {
            self.search_sponsor(c, true);
        }
    }

    /// Time until a sponsor comes forward; deterrence lengthens it and shifts sponsors to category 3.
    fn search_sponsor(&mut self, c: u32, first: bool) {
        let p = self.p;
        let pressure = self.pressure();
        let ch = &mut self.children[c as usize];
        if !first {
            ch.category = pick(&p.sponsors.next_sponsor_category_cdf, &mut ch.pre) as u8;
            ch.risk = draw_risk(&p.sponsors.risk[ch.category as usize], &mut ch.pre);
            ch.flags &= !F_CBP_KNOWS_SPONSOR;
        }
        let u = unit(&mut ch.pre);
        if ch.category < 2 && u < p.deterrence.shift_to_category3 * pressure {
            ch.category = 2;
            ch.risk = draw_risk(&p.sponsors.risk[2], &mut ch.pre);
            ch.flags &= !F_CBP_KNOWS_SPONSOR;
        }
        let mut d = self.s.identification[ch.category as usize].minutes(&mut ch.pre) as f64;
        if first && ch.flags & F_INCOMPLETE_RECORD != 0 {
            d += self.s.incomplete_record.minutes(&mut ch.pre) as f64;
        }
        d *= 1.0 + p.deterrence.identification_delay_increase * pressure;
        self.after(c, super::sampling::to_minutes(d), SPONSOR_FOUND);
    }

    fn sponsor_found(&mut self, c: u32) {
        if self.children[c as usize].state != State::Orr {
            return;
        }
        if self.case_managers.request(c, self.now) {
            self.start_vetting(c);
        }
    }

    fn start_vetting(&mut self, c: u32) {
        let p = self.p;
        let ch = &mut self.children[c as usize];
        if ch.state != State::Orr {
            // Left care while waiting for a case manager: hand the slot on.
            if let Some((next, _)) = self.case_managers.release() {
                self.start_vetting(next);
            }
            return;
        }
        ch.flags |= F_IN_VETTING;
        let cat = ch.category as usize;
        let mut d = self.s.background[cat].minutes(&mut ch.pre);
        let home_study = unit(&mut ch.pre) < p.vetting.home_study_probability[cat];
        if home_study {
            d = d.saturating_add(self.s.home_study.minutes(&mut ch.pre));
            ch.flags |= F_SERVICES;
        } else {
            ch.flags &= !F_SERVICES;
        }
        self.after(c, d, VETTED);
    }

    fn vetted(&mut self, c: u32) {
        if let Some((next, _)) = self.case_managers.release() {
            self.start_vetting(next);
        }
        let p = self.p;
        let ch = &mut self.children[c as usize];
        ch.flags &= !F_IN_VETTING;
        let u = unit(&mut ch.pre);
        if ch.state != State::Orr {
            return;
        }
        let detect = if ch.flags & F_SERVICES != 0 {
            p.vetting.detect_home_study
        } else {
            p.vetting.detect_background
        };
        if ch.risk > 0 && u < detect {
            self.out.sponsors_rejected += 1;
            ch.attempts += 1;
            if u32::from(ch.attempts) < p.sponsors.max_attempts {
                self.search_sponsor(c, false);
            }
            // Otherwise the child stays in care (until 18 or departure).
            return;
        }
        let d = self.s.release_processing.minutes(&mut ch.pre);
        self.after(c, d, RELEASE);
    }

    fn leave_orr(&mut self, c: u32, to: State) {
        self.beds.busy = self.beds.busy.saturating_sub(1);
        self.place_waiting();
        self.set_state(c, to);
    }

    /// Place children waiting in CBP while beds are free and today's placements last.
    fn place_waiting(&mut self) {
        while self.placements_left > 0 {
            let Some((next, _)) = self.beds.admit() else {
                break;
            };
            self.placements_left -= 1;
            self.assign_bed(next);
        }
    }

    fn release(&mut self, c: u32) {
        if self.children[c as usize].state != State::Orr {
            return;
        }
        let p = self.p;
        let now = self.now;
        let home = self.new_address();
        let wrong = self.new_address();
        self.out.released += 1;
        self.snap.released += 1;
        let ch = &mut self.children[c as usize];
        self.out.care_days_total += (now - ch.orr_entry) as f64 / MINUTES_PER_DAY as f64;
        ch.release = now;
        ch.true_addr = home;
        ch.household = home;
        // Release-time draws come from the pre-release stream so that post-release reforms do not
        // change them.
        let address_wrong = unit(&mut ch.pre) < p.release.address_error;
        self.out.address_wrong_at_release += address_wrong as u64;
        let services = ch.flags & F_SERVICES != 0
            || unit(&mut ch.pre) < p.release.services_probability[ch.category as usize];
        if services {
            ch.flags |= F_SERVICES;
        }
        let orr_addr = if address_wrong { wrong } else { home };
        let cbp_knows = ch.flags & F_CBP_KNOWS_SPONSOR != 0;
        if unit(&mut ch.follow) < p.ice.nta_intent {
            ch.flags |= F_NTA_INTENT;
        }
        self.leave_orr(c, State::WithSponsor);
        // ORR writes first: with an integrated record, an address CBP already holds for this
        // sponsor then reconciles a wrong one.
        self.write_record(c, Agency::Orr, orr_addr);
        if cbp_knows {
            self.write_record(c, Agency::Cbp, home);
        }
        // Life after release.
        let ch = &mut self.children[c as usize];
        let mv = hazard(p.life.move_rate * ch.move_mult as f64, &mut ch.life);
        let run = hazard(
            p.life.runaway_rate[ch.risk as usize] * ch.runaway_mult as f64,
            &mut ch.life,
        );
        let exploit = hazard(p.life.exploitation_rate[ch.risk as usize], &mut ch.life);
        // Follow-up.
        let share_ice = unit(&mut ch.follow) < p.sharing.orr_to_ice.probability;
        self.out.never_shared_with_ice += (!share_ice && !p.sharing.integrated_record) as u64;
        let ice_delay = self.s.orr_to_ice.minutes(&mut ch.follow);
        let share_court = unit(&mut ch.follow) < p.sharing.orr_to_court.probability;
        let court_delay = self.s.orr_to_court.minutes(&mut ch.follow);
        let services = ch.flags & F_SERVICES != 0;
        for (k, d) in [(MOVE, mv), (RUN_AWAY, run), (EXPLOIT, exploit)] {
            if let Some(d) = d {
                self.after(c, d, k);
            }
        }
        for i in 0..p.calls.after_release.len() {
            self.after(c, p.calls.after_release[i], CALL_DUE);
        }
        if services && p.services.duration > 0 {
            self.after(c, p.services.contact_interval, SERVICES_CONTACT);
        }
        if !p.sharing.integrated_record {
            if share_ice {
                self.after(c, ice_delay, SHARE_ICE);
            }
            if share_court {
                self.after(c, court_delay, SHARE_COURT);
            }
        }
        self.refresh(c);
    }

    fn share(&mut self, c: u32, to: Agency) {
        let ch = &self.children[c as usize];
        if !ch.state.is_followed() {
            return;
        }
        let (orr, dest) = (Agency::Orr as usize, to as usize);
        // The shared record does not overwrite something newer the receiving agency has learned.
        if ch.rec[dest] != NO_ADDRESS && ch.rec_time[dest] > ch.rec_time[orr] {
            return;
        }
        let addr = ch.rec[orr];
        self.write_record(c, to, addr);
        self.refresh(c);
    }

    fn turn_18(&mut self, c: u32) {
        match self.children[c as usize].state {
            State::Orr => {
                self.out.aged_out_in_care += 1;
                self.leave_orr(c, State::AgedOut);
            }
            s if s.is_followed() => self.set_state(c, State::AgedOut),
            // In CBP custody the child ages out on entering ORR (see `enter_orr`).
            _ => {}
        }
    }

    fn household_moves(&mut self, c: u32) {
        let st = self.children[c as usize].state;
        if !matches!(
            st,
            State::WithSponsor | State::LeftSponsor | State::Exploited
        ) {
            return;
        }
        self.out.moves += 1;
        let p = self.p;
        let avoid = self.avoidance();
        let addr = self.new_address();
        let ch = &mut self.children[c as usize];
        let with_household = ch.true_addr == ch.household;
        ch.household = addr;
        if with_household {
            ch.true_addr = addr;
        }
        let mut report = [false; 3];
        for (i, r) in report.iter_mut().enumerate() {
            *r = unit(&mut ch.life) < p.life.move_reported[i] * (1.0 - avoid);
        }
        let case_open = ch.flags & F_CASE_OPEN != 0;
        if !(report[0] || report[1] || report[2] && case_open) {
            self.out.moves_unreported += 1;
        }
        let next = hazard(p.life.move_rate * ch.move_mult as f64, &mut ch.life);
        if report[0] {
            self.write_record(c, Agency::Orr, addr);
        }
        if report[1] {
            self.write_record(c, Agency::Ice, addr);
        }
        if report[2] && case_open {
            self.write_record(c, Agency::Court, addr);
        }
        if let Some(d) = next {
            self.after(c, d, MOVE);
        }
        self.refresh(c);
    }

    fn run_away(&mut self, c: u32) {
        if self.children[c as usize].state != State::WithSponsor {
            return;
        }
        self.out.ran_away += 1;
        let addr = self.new_address();
        self.children[c as usize].true_addr = addr;
        self.set_state(c, State::LeftSponsor);
        self.household_reports_absence(c);
    }

    fn exploit(&mut self, c: u32) {
        if self.children[c as usize].state != State::WithSponsor {
            return;
        }
        self.out.exploited += 1;
        let p = self.p;
        let addr = self.new_address();
        let ch = &mut self.children[c as usize];
        if unit(&mut ch.life) < p.life.exploitation_relocates {
            ch.true_addr = addr;
        }
        let lead = hazard(p.recovery.exploitation_lead_rate, &mut ch.life);
        self.set_state(c, State::Exploited);
        if let Some(d) = lead {
            self.after(c, d, LEAD);
        }
    }

    fn services_contact(&mut self, c: u32) {
        let p = self.p;
        let ch = &self.children[c as usize];
        if !ch.state.is_followed() || self.now.saturating_sub(ch.release) > p.services.duration {
            return;
        }
        if self.reach(c, p.services.reach_if_current, p.services.reach_if_stale) {
            let ch = &self.children[c as usize];
            if ch.true_addr == ch.household {
                self.contact(c, Agency::Orr);
            } else {
                self.household_reports_absence(c);
            }
        }
        self.refresh(c);
        self.after(c, p.services.contact_interval, SERVICES_CONTACT);
    }

    fn hearing(&mut self, c: u32) {
        let p = self.p;
        let avoid = self.avoidance();
        let ch = &mut self.children[c as usize];
        if !ch.state.is_followed() || ch.flags & F_CASE_OPEN == 0 {
            return;
        }
        self.out.hearings += 1;
        let notice = ch.flags & F_NOTICE_DELIVERED != 0;
        let base = if !notice {
            p.court.appear_no_notice
        } else if ch.flags & F_REPRESENTED != 0 {
            p.court.appear_notice_represented
        } else {
            p.court.appear_notice_unrepresented
        };
        let prob = (base * ch.appear_mult as f64).min(1.0) * (1.0 - avoid);
        let appears = unit(&mut ch.follow) < prob;
        let closes = unit(&mut ch.follow) < p.court.case_closes_per_hearing;
        let gap = self.s.next_hearing.minutes(&mut ch.follow);
        if appears {
            self.out.appearances += 1;
            if ch.flags & F_REPRESENTED != 0 {
                self.out.appearances_with_counsel += 1;
            }
            self.contact(c, Agency::Court);
            if closes {
                self.children[c as usize].flags &= !F_CASE_OPEN;
            } else {
                let earliest = (self.now.saturating_add(gap)) / MINUTES_PER_DAY;
                self.schedule_hearing(c, earliest);
            }
        } else {
            self.out.no_shows += 1;
            let ch = &mut self.children[c as usize];
            ch.flags |= F_IN_ABSENTIA;
            ch.flags &= !F_CASE_OPEN;
        }
        self.refresh(c);
    }

    fn missing_report(&mut self, c: u32) {
        let ch = &mut self.children[c as usize];
        if ch.flags & F_MISSING_REPORTED != 0 || !ch.state.is_followed() {
            return;
        }
        ch.flags |= F_MISSING_REPORTED;
        self.out.missing_reports += 1;
        let d = hazard(self.p.recovery.ncic_match_rate, &mut ch.follow);
        if let Some(d) = d {
            self.after(c, d, RECORD_MATCH);
        }
    }

    /// A missing-child report (NCIC/NCMEC) is matched: the child is found where they truly are.
    fn record_match(&mut self, c: u32) {
        match self.children[c as usize].state {
            State::Exploited => self.rescue(c, Rescuer::RecordMatch),
            State::LeftSponsor | State::WithSponsor => {
                self.out.located_by_match += 1;
                self.contact(c, Agency::Ice);
                self.contact(c, Agency::Orr);
                self.refresh(c);
            }
            _ => {}
        }
    }

    fn lead(&mut self, c: u32) {
        if self.children[c as usize].state != State::Exploited {
            return;
        }
        self.out.leads_received += 1;
        if self.investigators.request(c, self.now) {
            self.start_investigation(c);
        }
        let ch = &mut self.children[c as usize];
        if let Some(d) = hazard(self.p.recovery.exploitation_lead_rate, &mut ch.life) {
            self.after(c, d, LEAD);
        }
    }

    fn start_investigation(&mut self, c: u32) {
        let d = self
            .s
            .investigation
            .minutes(&mut self.children[c as usize].follow);
        self.after(c, d, LEAD_DONE);
    }

    fn lead_done(&mut self, c: u32) {
        if let Some((next, _)) = self.investigators.release() {
            self.start_investigation(next);
        }
        let u = unit(&mut self.children[c as usize].follow);
        if self.children[c as usize].state == State::Exploited
            && u < self.p.recovery.rescue_probability
        {
            self.rescue(c, Rescuer::Lead);
        }
    }
}

const F_FOLLOWED: u32 = 1 << 20;

/// Who found a child in exploitation.
#[derive(Clone, Copy)]
enum Rescuer {
    Check,
    Lead,
    RecordMatch,
}

#[inline]
fn old_followed(flags: u32) -> bool {
    flags & F_FOLLOWED != 0
}

/// 0 safe, 1 neglectful, 2 exploitative.
fn draw_risk(risk: &[f64; 2], r: &mut Stream) -> u8 {
    let u = unit(r);
    if u < risk[1] {
        2
    } else if u < risk[0] + risk[1] {
        1
    } else {
        0
    }
}
