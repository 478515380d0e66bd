//! Screening for trafficking indicators: CBP screens every child at intake, ORR screens again
//! in care (TVPRA 2008). A child has indicators when the journey was arranged by an exploitative
//! sponsor (the hidden risk drawn at arrival); screening detects them with a probability (children
//! rarely self-identify) and refers some children without them. A referral is a lead to HSI about
//! the child in custody, and the child's vetting always includes a home study (`orr`).

use crate::rng::Purpose;
use crate::sim::core::child::Flags;
use crate::sim::core::sampling::unit;
use crate::sim::core::Core;
use crate::sim::params::LeadSource;

use super::recovery::Recovery;

/// Where a child is screened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Screen {
    /// CBP, at intake.
    Cbp,
    /// ORR, on entering care (children CBP did not refer).
    Orr,
}

/// Screen the child; a detected or false referral becomes a lead to HSI. Each child has its own
/// screening stream, with one draw per screen, so that screening never shifts other draws: the
/// first number decides at CBP, the second in ORR.
pub(crate) fn screen(core: &mut Core, recovery: &mut Recovery, c: u32, at: Screen) {
    let s = core.p.recovery.screening;
    let ch = &core.children[c as usize];
    if ch.flags.contains(Flags::REFERRED) {
        return;
    }
    // The sponsor (hence the indicators) may change between the two screens.
    let indicators = ch.risk == 2;
    let referred = match at {
        Screen::Cbp => {
            // ORR's number is drawn here too and what it decides kept in flags, for either sponsor
            // (the screening rates are constants of the scenario), so that ORR's screen seeds no
            // stream again.
            let mut r = core.stream(c, Purpose::Screening);
            let u_cbp = unit(&mut r);
            let u_orr = unit(&mut r);
            let ch = core.child(c);
            ch.flags.insert(Flags::ORR_SCREEN_DRAWN);
            ch.flags
                .set(Flags::ORR_REFERS_IF_INDICATORS, u_orr < s.orr_detection);
            ch.flags
                .set(Flags::ORR_REFERS_OTHERWISE, u_orr < s.orr_false_referral);
            u_cbp
                < if indicators {
                    s.cbp_detection
                } else {
                    s.cbp_false_referral
                }
        }
        Screen::Orr if ch.flags.contains(Flags::ORR_SCREEN_DRAWN) => {
            ch.flags.contains(if indicators {
                Flags::ORR_REFERS_IF_INDICATORS
            } else {
                Flags::ORR_REFERS_OTHERWISE
            })
        }
        Screen::Orr => {
            let mut r = core.stream(c, Purpose::Screening);
            let _u_cbp = unit(&mut r);
            unit(&mut r)
                < if indicators {
                    s.orr_detection
                } else {
                    s.orr_false_referral
                }
        }
    };
    if !referred {
        return;
    }
    core.child(c).flags.insert(Flags::REFERRED);
    core.tally(c).screening_referrals += 1;
    if indicators {
        core.tally(c).victims_identified_by_screening += 1;
    }
    recovery.lead(core, c, LeadSource::Screening);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::harness::{bare, Harness};
    use crate::sim::params::Params;

    /// Every sponsor exploitative (`risk`: every child has indicators) or safe.
    fn screened(exploitative: bool, cbp: f64, orr: f64, false_referral: f64) -> Params {
        let mut p = bare();
        p.sponsors.risk = [[0.0, if exploitative { 1.0 } else { 0.0 }]; 3];
        let s = &mut p.recovery.screening;
        s.cbp_detection = cbp;
        s.orr_detection = orr;
        s.cbp_false_referral = false_referral;
        s.orr_false_referral = false_referral;
        p
    }

    fn screen_new_child(h: &mut Harness, at: Screen) -> u32 {
        let c = h.new_child();
        let (core, r) = h.recovery();
        screen(core, r, c, at);
        c
    }

    #[test]
    fn a_detected_child_is_referred_and_the_referral_is_a_lead_to_hsi() {
        let p = screened(true, 1.0, 0.0, 0.0);
        let mut h = Harness::new(&p, 1);
        h.run_to(0);
        let c = screen_new_child(&mut h, Screen::Cbp);
        let (core, r) = h.recovery();
        assert!(core.children[c as usize].flags.contains(Flags::REFERRED));
        assert_eq!(core.out.screening_referrals, 1);
        assert_eq!(core.out.victims_identified_by_screening, 1);
        assert_eq!(core.out.leads_by_source[LeadSource::Screening as usize], 1);
        assert_eq!(r.busy() as usize + r.waiting(), 1, "the lead is with HSI");
        // ORR does not refer the same child again.
        screen(core, r, c, Screen::Orr);
        assert_eq!(core.out.screening_referrals, 1);
    }

    /// ORR's decision drawn ahead at CBP's screen is the one ORR's screen draws itself, whatever
    /// sponsor (exploitative or not) the child has by then.
    #[test]
    fn orr_decides_alike_with_or_without_the_number_drawn_ahead_at_cbp() {
        let mut p = screened(false, 0.0, 0.5, 0.0);
        p.recovery.screening.orr_false_referral = 0.3;
        let mut ahead = Harness::new(&p, 11);
        let mut own = Harness::new(&p, 11);
        ahead.run_to(0);
        own.run_to(0);
        let mut referred = [0; 2];
        for i in 0..400u32 {
            let risk = if i % 2 == 0 { 2 } else { 0 };
            let c = screen_new_child(&mut ahead, Screen::Cbp);
            assert_eq!(own.new_child(), c);
            for h in [&mut ahead, &mut own] {
                let (core, r) = h.recovery();
                core.child(c).risk = risk;
                screen(core, r, c, Screen::Orr);
            }
            let flags = |h: &mut Harness| h.core().children[c as usize].flags;
            let got = flags(&mut ahead).contains(Flags::REFERRED);
            assert_eq!(got, flags(&mut own).contains(Flags::REFERRED), "child {c}");
            referred[(risk == 2) as usize] += got as u32;
        }
        // Both decisions occur, at about their rates (0.3 without indicators, 0.5 with).
        assert!((35..85).contains(&referred[0]), "{referred:?}");
        assert!((70..130).contains(&referred[1]), "{referred:?}");
    }

    #[test]
    fn screening_misses_victims_and_refers_others_at_its_rates() {
        let n = 2000;
        let count = |p: &Params, at: Screen| {
            let mut h = Harness::new(p, 7);
            h.run_to(0);
            for _ in 0..n {
                screen_new_child(&mut h, at);
            }
            let out = &h.core().out;
            (out.screening_referrals, out.victims_identified_by_screening)
        };
        let (referred, victims) = count(&screened(true, 0.3, 0.0, 0.0), Screen::Cbp);
        assert_eq!(referred, victims);
        assert!((500..700).contains(&referred), "{referred} of {n} at 0.3");
        assert_eq!(count(&screened(true, 0.3, 0.0, 0.0), Screen::Orr), (0, 0));
        let (referred, victims) = count(&screened(false, 1.0, 1.0, 0.1), Screen::Orr);
        assert_eq!(victims, 0, "no child without indicators is a victim");
        assert!(
            (140..260).contains(&referred),
            "{referred} false referrals at 0.1"
        );
    }
}
