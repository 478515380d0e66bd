//! Deterrence: the enforcement pressure in force, and how strongly released households avoid
//! contact because of it. Other stages read these (sponsor search, calls, moves, court).

use crate::sim::params::Params;

/// Enforcement pressure in force on `day`, in [0, 1].
pub(crate) fn pressure(p: &Params, day: u32) -> f64 {
    let d = &p.deterrence;
    if !d.enabled {
        return 0.0;
    }
    let mut x = 0.0;
    if d.sharing_enforcement_from.is_some_and(|from| day >= from) {
        x += d.pressure_sharing;
    }
    if d.arrests_during_checks && p.checks.start_day.is_some_and(|s| day >= s) {
        x += d.pressure_arrests;
    }
    x.min(1.0)
}

/// The share of contact attempts households avoid on `day`.
pub(crate) fn avoidance(p: &Params, day: u32) -> f64 {
    p.deterrence.contact_avoidance * pressure(p, day)
}
