//! The child record: the truth (state, where the child lives), each agency's record, a typed flag
//! set, the placement epoch and the child's random streams.

use bitflags::bitflags;

use super::agency::{AgencySet, PerAgency};
use super::locate::LensSet;
use crate::rng::Stream;

/// "Never" as a time, and "no sponsor record" as an address.
pub(crate) const NEVER: u32 = u32::MAX;
/// "No address": an agency with this in its record holds nothing.
pub(crate) const NO_ADDRESS: u32 = 0;

/// Where a child truly is. Every arrived child is in exactly one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum State {
    /// In CBP custody: processing, waiting for an ORR bed, or in ICE transport.
    Cbp = 0,
    /// In ORR care.
    Orr = 1,
    /// Released and living with the sponsor.
    WithSponsor = 2,
    /// Released, then left the sponsor (ran away or moved to a non-sponsor).
    LeftSponsor = 3,
    /// Released, then in labour or sexual exploitation.
    Exploited = 4,
    /// Found in exploitation and placed in safety.
    Rescued = 5,
    /// Turned 18 (in care or after release): no longer followed as a child.
    AgedOut = 6,
    /// Left care by voluntary departure.
    Departed = 7,
}

/// Number of states.
pub const N_STATES: usize = 8;

/// The part of a child's history a state belongs to; a change of episode ends a placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Episode {
    /// In government custody (CBP, then ORR).
    Custody,
    /// Released to a sponsor and followed.
    Released,
    /// No longer followed (rescued, aged out, departed).
    Ended,
}

impl State {
    /// Every state, in index order.
    pub const ALL: [State; N_STATES] = [
        State::Cbp,
        State::Orr,
        State::WithSponsor,
        State::LeftSponsor,
        State::Exploited,
        State::Rescued,
        State::AgedOut,
        State::Departed,
    ];

    /// Column name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            State::Cbp => "cbp_custody",
            State::Orr => "orr_care",
            State::WithSponsor => "with_sponsor",
            State::LeftSponsor => "left_sponsor",
            State::Exploited => "exploited",
            State::Rescued => "rescued",
            State::AgedOut => "aged_out",
            State::Departed => "departed",
        }
    }

    /// Released children still followed as children: the population in which "unlocatable" is counted.
    #[inline]
    pub fn is_followed(self) -> bool {
        matches!(
            self,
            State::WithSponsor | State::LeftSponsor | State::Exploited
        )
    }

    /// Whether the child's 18th birthday (`Event::Turn18`) ends the placement this state belongs
    /// to: in ORR care the child ages out of care, and a released child ages out of the followed
    /// population. Not in CBP custody: a child who turns 18 there is aged out only on entering
    /// ORR care, and the transfer to ORR, an event of the same placement, still happens.
    #[inline]
    pub(crate) fn placement_ends_at_18(self) -> bool {
        self == State::Orr || self.is_followed()
    }

    /// The episode the state belongs to.
    #[inline]
    pub(crate) fn episode(self) -> Episode {
        match self {
            State::Cbp | State::Orr => Episode::Custody,
            State::WithSponsor | State::LeftSponsor | State::Exploited => Episode::Released,
            State::Rescued | State::AgedOut | State::Departed => Episode::Ended,
        }
    }
}

/// The placement a child is in: 0 from arrival through custody, then one more for every change of
/// [`Episode`]. Each event carries the epoch it was scheduled in; the core drops events of an
/// ended placement (see [`super::event::Scope`]). Wraps after 65,536 placements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Epoch(pub(super) u16);

impl Epoch {
    /// The placement at arrival.
    pub(crate) const FIRST: Epoch = Epoch(0);

    /// The placement after this one.
    #[inline]
    pub(crate) fn next(self) -> Epoch {
        Epoch(self.0.wrapping_add(1))
    }
}

bitflags! {
    /// What is true of a child beyond their state: facts drawn at arrival, the follow-up processes
    /// they are in, and the cached locatability (kept by `Core::refresh`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub(crate) struct Flags: u32 {
        /// CBP's referral record to ORR was incomplete.
        const INCOMPLETE_RECORD = 1 << 0;
        /// No sponsor will ever come forward.
        const NO_SPONSOR = 1 << 1;
        /// CBP recorded the sponsor's address at encounter.
        const CBP_KNOWS_SPONSOR = 1 << 2;
        /// ICE means to issue an NTA once it holds an address.
        const NTA_INTENT = 1 << 3;
        /// On ICE's NTA queue.
        const NTA_QUEUED = 1 << 4;
        /// An NTA was served.
        const NTA_SERVED = 1 << 5;
        /// An NTA attempt was returned undeliverable and none has been served since.
        const NTA_RETURNED = 1 << 6;
        /// Ordered removed in absentia.
        const IN_ABSENTIA = 1 << 7;
        /// An immigration-court case is open.
        const CASE_OPEN = 1 << 8;
        /// The notice of the next hearing reached the child.
        const NOTICE_DELIVERED = 1 << 9;
        /// Legally represented in court.
        const REPRESENTED = 1 << 10;
        /// A missing-child report was entered.
        const MISSING_REPORTED = 1 << 11;
        /// CBP's screen drew ORR's screening number too (see `stages::screening`).
        const ORR_SCREEN_DRAWN = 1 << 12;
        /// ... with which ORR's screen refers the child if the sponsor then is exploitative
        /// (indicators detected).
        const ORR_REFERS_IF_INDICATORS = 1 << 14;
        /// ... and if not (a false referral).
        const ORR_REFERS_OTHERWISE = 1 << 16;
        /// Receives post-release services (home-study cases and a share of others).
        const SERVICES = 1 << 13;
        /// Counted in the followed population (cached).
        const FOLLOWED = 1 << 15;
        /// Holds a case-manager slot (being vetted).
        const VETTING = 1 << 17;
        /// The would-be sponsor being identified will decline to come forward (deterrence).
        const SPONSOR_DECLINES = 1 << 18;
        /// The vetting under way fingerprints every adult of the household (deeper checks).
        const HOUSEHOLD_FINGERPRINTED = 1 << 19;
        /// Screening (CBP or ORR) referred the child to HSI for trafficking indicators.
        const REFERRED = 1 << 20;
        /// A screening investigation confirmed that the would-be sponsor is exploitative.
        const TRAFFICKER_IDENTIFIED = 1 << 21;
        /// The exploitation is sexual (otherwise labour).
        const SEXUAL_EXPLOITATION = 1 << 22;
        /// HSI holds a lead about the child (a suspected victim).
        const SUSPECTED_VICTIM = 1 << 23;
        /// A missing-child report about the child was filed through ORR's follow-up (the
        /// household told ORR's caller or post-release worker that the child was gone).
        const REPORTED_TO_ORR = 1 << 24;
    }
}

/// One synthetic child and the records agencies keep about them. `repr(C)` keeps the fields that
/// every event reads (flags, addresses, records, state, epoch) together in the first cache line.
#[repr(C)]
pub(crate) struct Child {
    pub(crate) flags: Flags,
    /// Where the child truly lives (an address id; ids are never reused).
    pub(crate) true_addr: u32,
    /// The sponsor household's current address.
    pub(crate) household: u32,
    /// Each agency's record of the address ([`NO_ADDRESS`]: none).
    pub(crate) rec: PerAgency<u32>,
    /// When each agency last made contact with the child ([`NEVER`]: never).
    pub(crate) last_contact: PerAgency<u32>,
    pub(crate) state: State,
    /// Sponsor category (0, 1, 2 for categories 1, 2, 3).
    pub(crate) category: u8,
    /// Sponsor risk: 0 safe, 1 neglectful, 2 exploitative.
    pub(crate) risk: u8,
    pub(crate) country: u8,
    /// Sponsors rejected so far.
    pub(crate) attempts: u8,
    /// Agencies whose record holds the true address (cached, followed children only).
    pub(crate) accurate: AgencySet,
    /// Lenses through which the child is locatable (cached, followed children only).
    pub(crate) locatable: LensSet,
    pub(crate) epoch: Epoch,
    /// Lenses through which the child was ever locatable while followed.
    pub(crate) ever_locatable: LensSet,
    /// Lenses through which the child became unlocatable after having been locatable.
    pub(crate) ever_unlocatable: LensSet,
    /// Lenses through which the child, once lost that way, was found again.
    pub(crate) found_again: LensSet,
    pub(crate) release: u32,
    pub(crate) orr_entry: u32,
    pub(crate) arrival: u32,
    pub(crate) turns_18: u32,
    pub(crate) appear_mult: f32,
    pub(crate) move_mult: f32,
    pub(crate) runaway_mult: f32,
    /// When each agency's record was last written.
    pub(crate) rec_time: PerAgency<u32>,
    /// When the pending contact-window expiry falls ([`NEVER`]: none pending). One is armed only
    /// while a lens is locatable through a contact alone (see `Core::refresh`).
    pub(crate) expiry: u32,
    /// Random streams: before release, life after release, agencies' follow-up.
    pub(crate) pre: Stream,
    pub(crate) life: Stream,
    pub(crate) follow: Stream,
}

impl Child {
    /// Whether the person's immigration case (NTA service, filing, notices, hearings) can go on: a
    /// followed child, or a person who turned 18 after release. Not a child rescued from
    /// exploitation, one who departed, or one who aged out in care (never released).
    #[inline]
    pub(crate) fn case_may_proceed(&self) -> bool {
        self.state.is_followed() || (self.state == State::AgedOut && self.release != NEVER)
    }

    /// In immigration proceedings: ICE means to serve an NTA and has not yet, or a case is open.
    #[inline]
    pub(crate) fn in_proceedings(&self) -> bool {
        self.flags.contains(Flags::CASE_OPEN)
            || (self.flags.contains(Flags::NTA_INTENT) && !self.flags.contains(Flags::NTA_SERVED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_change_of_episode_ends_a_placement() {
        use State::*;
        assert_eq!(Cbp.episode(), Orr.episode());
        assert_eq!(WithSponsor.episode(), Exploited.episode());
        assert_eq!(LeftSponsor.episode(), WithSponsor.episode());
        assert_ne!(Orr.episode(), WithSponsor.episode());
        for s in State::ALL {
            assert_eq!(s.is_followed(), s.episode() == Episode::Released);
        }
    }

    #[test]
    fn the_hot_fields_share_the_first_cache_line() {
        assert!(std::mem::offset_of!(Child, epoch) < 64);
        assert!(std::mem::offset_of!(Child, state) < 64);
    }
}
