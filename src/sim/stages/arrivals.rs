//! Arrivals: when children are encountered (a Poisson process by day), and who they are (age,
//! country group, sponsor category and risk, propensities), drawn at arrival.

use rand_distr::{Distribution, Poisson, StandardNormal};

use crate::rng::{Purpose, Stream};
use crate::sim::core::agency::PerAgency;
use crate::sim::core::child::{Child, Epoch, Flags, State, NEVER, NO_ADDRESS};
use crate::sim::core::event::Event;
use crate::sim::core::pages;
use crate::sim::core::sampling::{pick, unit};
use crate::sim::core::Core;
use crate::sim::params::MINUTES_PER_DAY;

/// Schedule every arrival of the run: a Poisson process with a rate that is constant within each
/// day (Poisson counts per day, uniform times within the day). Children get ids in arrival order.
pub(crate) fn schedule(core: &mut Core) {
    let mut r = core.run_stream(Purpose::Arrivals);
    let mut times: Vec<u32> = Vec::new();
    // Cohort ids follow the starting population's.
    let mut child = core.start_n;
    for (day, &rate) in core.p.arrival_rate_by_day.iter().enumerate() {
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
            let time = day as u32 * MINUTES_PER_DAY + t;
            core.cal.schedule(time, child, Event::Arrive, Epoch::FIRST);
            child += 1;
        }
    }
    core.children
        .reserve_exact((child as usize).saturating_sub(core.children.len()));
    pages::prefer_huge_pages(&core.children);
}

/// A child is encountered: draw who they are, start counting them in CBP custody, and schedule
/// their 18th birthday.
pub(crate) fn arrive(core: &mut Core, c: u32) {
    let mut a = core.stream(c, Purpose::Attributes);
    let age = pick(&core.p.children.age_cdf, &mut a) as f64;
    let frac = unit(&mut a);
    let years_to_18 = (18.0 - age - frac).max(0.0);
    add_child(core, c, &mut a, years_to_18);
}

/// Add child `c` (the next id), `years_to_18` from now, in CBP custody: draw the rest of who they
/// are from `a` (their attributes stream, after the age), count them in their group (the cohort or
/// the starting population), and schedule their 18th birthday.
pub(crate) fn add_child(core: &mut Core, c: u32, a: &mut Stream, years_to_18: f64) {
    debug_assert_eq!(c as usize, core.children.len());
    let p = core.p;
    let now = core.now;
    let turns_18 = now as f64 + years_to_18 * 365.25 * MINUTES_PER_DAY as f64;
    let country = pick(&p.children.country_cdf, a) as u8;
    let category = pick(&p.sponsors.category_cdf, a) as u8;
    let risk = draw_risk(&p.sponsors.risk[category as usize], a);
    let no_sponsor = unit(a) < p.sponsors.no_viable_sponsor;
    let sd = p.children.propensity_log_sd;
    let lognormal = |r: &mut Stream| {
        let z: f64 = StandardNormal.sample(r);
        (sd * z - sd * sd / 2.0).exp() as f32
    };
    let appear_mult = lognormal(a);
    let move_mult = lognormal(a);
    let runaway_mult = lognormal(a);
    let mut pre = core.stream(c, Purpose::PreRelease);
    let mut flags = Flags::empty();
    if no_sponsor {
        flags |= Flags::NO_SPONSOR;
    }
    if unit(&mut pre) >= p.cbp.record_completeness {
        flags |= Flags::INCOMPLETE_RECORD;
    }
    if category == 0 && unit(&mut pre) < p.cbp.records_sponsor_address {
        flags |= Flags::CBP_KNOWS_SPONSOR;
    }
    let life = core.stream(c, Purpose::Life);
    let follow = core.stream(c, Purpose::FollowUp);
    core.children.push(Child {
        arrival: now,
        turns_18: if turns_18 < NEVER as f64 {
            turns_18 as u32
        } else {
            NEVER
        },
        orr_entry: NEVER,
        release: NEVER,
        last_contact: PerAgency::splat(NEVER),
        true_addr: NO_ADDRESS,
        household: NO_ADDRESS,
        rec: PerAgency::splat(NO_ADDRESS),
        rec_time: PerAgency::splat(0),
        expiry: NEVER,
        flags,
        accurate: Default::default(),
        locatable: Default::default(),
        ever_locatable: Default::default(),
        ever_unlocatable: Default::default(),
        found_again: Default::default(),
        epoch: Epoch::FIRST,
        appear_mult,
        move_mult,
        runaway_mult,
        state: State::Cbp,
        category,
        risk,
        country,
        attempts: 0,
        pre,
        life,
        follow,
    });
    let snap = if core.is_start(c) {
        &mut core.start_snap
    } else {
        &mut core.snap
    };
    snap.arrived += 1;
    snap.states[State::Cbp as usize] += 1;
    core.tally(c).arrived += 1;
    let t18 = core.children[c as usize].turns_18;
    if t18 != NEVER {
        core.at(t18.max(now), c, Event::Turn18);
    }
}

/// A sponsor's hidden risk: 0 safe, 1 neglectful, 2 exploitative, from the probabilities of
/// (neglectful, exploitative).
pub(crate) fn draw_risk(risk: &[f64; 2], r: &mut Stream) -> u8 {
    let u = unit(r);
    if u < risk[1] {
        2
    } else if u < risk[0] + risk[1] {
        1
    } else {
        0
    }
}
