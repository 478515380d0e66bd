//! The event core: the clock, the calendar of typed events, the children, the one place where a
//! record is written and locatability refreshed (`records`), the daily snapshot, tracing and the
//! observer interface. It knows no agency's rules: those live in `sim::stages`.

pub(crate) mod agency;
pub(crate) mod calendar;
pub(crate) mod child;
pub(crate) mod event;
pub(crate) mod locate;
pub mod metrics;
pub(crate) mod observer;
pub(crate) mod pages;
pub(crate) mod pool;
pub(crate) mod records;
pub(crate) mod sampling;
pub(crate) mod slots;
pub(crate) mod snapshot;
pub(crate) mod summary;
pub(crate) mod trace;

use std::cell::Cell;

use self::calendar::Calendar;
use self::child::{Child, Flags, State};
use self::event::{Event, Scope};
use self::locate::Why;
use self::snapshot::{DaySnapshot, Discharges};
use self::summary::RunSummary;
use crate::rng::{Purpose, ReplicationKey, Stream};
use crate::sim::params::Params;

/// Everything the stages share: parameters, clock, calendar, children, address ids, the running
/// snapshot and totals, the children whose ICE record was just written (ICE's inbox), and the
/// placements that just ended (the inbox of units to hand back).
pub(crate) struct Core<'p> {
    pub(crate) p: &'p Params,
    /// The replication's part of every stream key (see [`crate::rng`]).
    key: ReplicationKey,
    /// Simulation time, minutes since the scenario start.
    pub(crate) now: u32,
    /// The current simulated day.
    pub(crate) day: u32,
    pub(crate) cal: Calendar,
    /// Every child, indexed by id: the starting population first (ids below `start_n`), then
    /// the cohort in order of arrival.
    pub(crate) children: Vec<Child>,
    /// How many children the starting population has (ids `0..start_n`): those in ORR care on
    /// the first day, then those released to sponsors shortly before; they are kept out of every
    /// cohort count (`snap`, `out`).
    pub(crate) start_n: u32,
    /// How many of the starting population were in ORR care on the first day (ids
    /// `0..start_in_care`).
    pub(crate) start_in_care: u32,
    /// Minutes by which events scheduled now are brought forward (never before now): non-zero
    /// only while the follow-up of a child released before the first day is set up, so that what
    /// follows its release falls when it would have (see `sim::stages::start`).
    pub(crate) backdate: u32,
    /// For each child of the starting population, the minutes spent in care before the first day
    /// (0 for those released before it).
    pub(crate) start_elapsed: Vec<u32>,
    next_addr: u32,
    /// The cohort's daily snapshot.
    pub(crate) snap: DaySnapshot,
    /// The cohort's running totals.
    pub(crate) out: RunSummary,
    /// The starting population's daily snapshot.
    pub(crate) start_snap: DaySnapshot,
    /// The starting population's running totals.
    pub(crate) start_out: RunSummary,
    /// Discharges from ORR care of every child (cohort and starting population): ORR's own
    /// figures are of everyone in care.
    pub(crate) discharges: Discharges,
    /// Children whose ICE record was written since ICE last looked (see `stages::ice`).
    pub(crate) ice_inbox: Vec<u32>,
    /// Placements that ended since the engine last looked, as (child, state the child left),
    /// filled by `set_state`: the engine hands them to the stages whose units such a child may
    /// hold (a case manager in ORR care, investigators while exploited), which give those units
    /// back at once.
    pub(crate) ended: Vec<(u32, State)>,
    /// Events dropped because their placement had ended.
    pub(crate) stale_dropped: u64,
    /// Events not scheduled because they fall at or after the 18th birthday that ends their
    /// placement (see [`Core::at`]).
    pub(crate) past_18_skipped: u64,
    /// What a change of locatability is attributed to while the current event or work runs.
    pub(crate) why: Why,
    /// The enforcement pressure of the last day it was asked for, as (day, pressure): a cache
    /// for `stages::deterrence::pressure_today`, which many events of a day ask for.
    pub(crate) pressure_memo: Cell<(u32, f64)>,
}

/// Stream keys of the starting population's children begin here (above every `u32` cohort index).
const START_KEYS: u64 = 1 << 32;

impl<'p> Core<'p> {
    /// A core at time 0 with no children.
    pub(crate) fn new(p: &'p Params, seed: u64, replication: u64) -> Self {
        Core {
            p,
            key: ReplicationKey::new(seed, replication),
            now: 0,
            day: 0,
            cal: Calendar::new(p.horizon_days),
            children: Vec::new(),
            start_n: 0,
            start_in_care: 0,
            backdate: 0,
            start_elapsed: Vec::new(),
            next_addr: 1,
            snap: DaySnapshot::default(),
            out: RunSummary::default(),
            start_snap: DaySnapshot::default(),
            start_out: RunSummary::default(),
            discharges: Discharges::default(),
            ice_inbox: Vec::new(),
            ended: Vec::new(),
            stale_dropped: 0,
            past_18_skipped: 0,
            why: Why::NONE,
            pressure_memo: Cell::new((u32::MAX, 0.0)),
        }
    }

    /// The random stream of `child` for `purpose` in this replication. A cohort child's stream is
    /// keyed by its place in the cohort (`child - start_n`), so that the cohort draws the same
    /// numbers whatever the size of the starting population (common random numbers); a child of
    /// the starting population's by its index above 2^32, which no cohort child reaches.
    #[inline]
    pub(crate) fn stream(&self, child: u32, purpose: Purpose) -> Stream {
        let key = if self.is_start(child) {
            START_KEYS + child as u64
        } else {
            (child - self.start_n) as u64
        };
        self.key.stream(key, purpose)
    }

    /// A stream of the whole replication for `purpose` (e.g. the arrival times), keyed as the
    /// first cohort child's.
    pub(crate) fn run_stream(&self, purpose: Purpose) -> Stream {
        self.key.stream(0, purpose)
    }

    /// Whether `c` belongs to the starting population.
    #[inline]
    pub(crate) fn is_start(&self, c: u32) -> bool {
        c < self.start_n
    }

    /// The running totals `c` counts in: the cohort's or the starting population's.
    #[inline]
    pub(crate) fn tally(&mut self, c: u32) -> &mut RunSummary {
        if self.is_start(c) {
            &mut self.start_out
        } else {
            &mut self.out
        }
    }

    /// A fresh address id (never reused).
    #[inline]
    pub(crate) fn new_address(&mut self) -> u32 {
        let a = self.next_addr;
        self.next_addr += 1;
        a
    }

    /// The child `c`.
    #[inline]
    pub(crate) fn child(&mut self, c: u32) -> &mut Child {
        &mut self.children[c as usize]
    }

    /// Ask the processor to fetch child `c`'s record into cache (a hint; nothing if there is no
    /// such child). Worth it a few children ahead of a pass that reads records in random order.
    #[inline(always)]
    pub(crate) fn prefetch(&self, c: u32) {
        if let Some(ch) = self.children.get(c as usize) {
            pages::prefetch(ch);
        }
    }

    /// Whether `c`'s flags contain `f`.
    #[inline]
    pub(crate) fn has(&self, c: u32, f: Flags) -> bool {
        self.children[c as usize].flags.contains(f)
    }

    /// Schedule `event` for `c` at `time`, in the child's current placement.
    ///
    /// An event of a placement that the child's 18th birthday ends (in ORR care or released, see
    /// [`State::placement_ends_at_18`]) and that falls at or after the birthday is not scheduled:
    /// it could only be dropped. The birthday (`Event::Turn18`, scheduled at arrival, so ahead of
    /// any later event of the same minute and child) ends the placement if it is still running
    /// then, and if it is not, a change of episode has ended it already; either way the event
    /// would arrive stale. Events that outlive a placement (the court case, the birthday itself)
    /// are scheduled as always. Nothing but the count of events changes (336,000 fewer in a full
    /// replication of the baseline: moves, running away, calls, departures from care).
    #[inline]
    pub(crate) fn at(&mut self, time: u32, c: u32, event: Event) {
        let ch = &self.children[c as usize];
        // The scope first: a constant wherever `event` is one (most call sites).
        if event.scope() == Scope::Placement
            && time >= ch.turns_18
            && ch.state.placement_ends_at_18()
        {
            self.past_18_skipped += 1;
            return;
        }
        let epoch = ch.epoch;
        self.cal.schedule(time, c, event, epoch);
    }

    /// Schedule `event` for `c` `delay` minutes from now, in the child's current placement.
    #[inline]
    pub(crate) fn after(&mut self, c: u32, delay: u32, event: Event) {
        let delay = delay.saturating_sub(self.backdate);
        self.at(self.now.saturating_add(delay), c, event);
    }
}
