//! Who can find a child. Locatability is measured through a [`Lens`]: one agency's own view (its
//! record holds the child's true address, or it made contact within the contact window), or all
//! of them pooled. CBP's record is read by no follow-up process, so it makes no child locatable.
//! Every change of a lens is a flow with a [`Cause`] (becoming unlocatable) or a [`Route`] (found
//! again), and every followed child who leaves the followed population while unlocatable is an
//! [`Exit`]; [`Flows`] counts them, so that stock and flows reconcile:
//! lost − found − exited = unlocatable now.

use super::agency::Agency;

/// Through whose eyes locatability is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Lens {
    /// ORR: its record, or its own calls and services contacts.
    Orr = 0,
    /// ICE, the acting agency (NTAs, welfare checks): its record, or its own contacts.
    Ice = 1,
    /// The immigration court: its address on file, or an appearance.
    Court = 2,
    /// At least one of ORR, ICE and the court can locate the child: what an ideal integrated
    /// system could know, not what any agency can act on.
    Pooled = 3,
}

/// Number of lenses.
pub const N_LENSES: usize = 4;

impl Lens {
    /// Every lens, in index order.
    pub const ALL: [Lens; N_LENSES] = [Lens::Orr, Lens::Ice, Lens::Court, Lens::Pooled];

    /// The lenses of one agency each, with their agency.
    pub(crate) const AGENCIES: [(Lens, Agency); 3] = [
        (Lens::Orr, Agency::Orr),
        (Lens::Ice, Agency::Ice),
        (Lens::Court, Agency::Court),
    ];

    /// The lenses whose flows are reported in the outputs: the acting agency and the pool.
    pub const REPORTED: [Lens; 2] = [Lens::Ice, Lens::Pooled];

    /// Word used in column names after "unlocatable_": `by_orr`, `by_ice`, `by_court`, `pooled`.
    pub fn name(self) -> &'static str {
        match self {
            Lens::Orr => "by_orr",
            Lens::Ice => "by_ice",
            Lens::Court => "by_court",
            Lens::Pooled => "pooled",
        }
    }

    /// Short prefix of flow columns: `orr`, `ice`, `court`, `pooled`.
    pub fn prefix(self) -> &'static str {
        match self {
            Lens::Orr => "orr",
            Lens::Ice => "ice",
            Lens::Court => "court",
            Lens::Pooled => "pooled",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Lens::Orr => "unlocatable by ORR",
            Lens::Ice => "unlocatable by ICE (the acting agency)",
            Lens::Court => "unlocatable by the court",
            Lens::Pooled => "unlocatable by every agency (pooled)",
        }
    }

    /// The daily series of the children unlocatable through this lens.
    pub fn column(self) -> &'static str {
        match self {
            Lens::Orr => "unlocatable_by_orr",
            Lens::Ice => "unlocatable_by_ice",
            Lens::Court => "unlocatable_by_court",
            Lens::Pooled => "unlocatable_pooled",
        }
    }
}

/// A set of lenses (one bit each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct LensSet(u8);

impl LensSet {
    /// No lens.
    pub(crate) const EMPTY: LensSet = LensSet(0);

    /// Add `l`.
    #[inline]
    pub(crate) fn insert(&mut self, l: Lens) {
        self.0 |= 1 << l as u8;
    }

    /// Whether `l` is in the set.
    #[inline]
    pub(crate) fn contains(self, l: Lens) -> bool {
        self.0 & (1 << l as u8) != 0
    }
}

/// Why a child became unlocatable through a lens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cause {
    /// Released while the agency held no address for this placement: ORR's record had not reached
    /// it (yet, or ever).
    NotShared = 0,
    /// The address ORR recorded at release was blank, undeliverable or incomplete (and the agency
    /// holds that one).
    WrongAddress,
    /// The household moved and did not tell the agency.
    MoveUnreported,
    /// The child left the household: ran away, or exploitation took them elsewhere.
    LeftHousehold,
    /// The agency's last contact left the contact window and its record was not current.
    ContactLapsed,
    /// A correct record was overwritten by an older or wrong address from another source.
    RecordOverwritten,
    /// Not attributed (a defect if ever non-zero: tests check it stays zero).
    Other,
}

/// Number of causes.
pub const N_CAUSES: usize = 7;

impl Cause {
    /// Every cause, in index order.
    pub const ALL: [Cause; N_CAUSES] = [
        Cause::NotShared,
        Cause::WrongAddress,
        Cause::MoveUnreported,
        Cause::LeftHousehold,
        Cause::ContactLapsed,
        Cause::RecordOverwritten,
        Cause::Other,
    ];

    /// Column word.
    pub fn name(self) -> &'static str {
        match self {
            Cause::NotShared => "not_shared",
            Cause::WrongAddress => "wrong_address_at_release",
            Cause::MoveUnreported => "move_unreported",
            Cause::LeftHousehold => "left_household",
            Cause::ContactLapsed => "contact_lapsed",
            Cause::RecordOverwritten => "record_overwritten",
            Cause::Other => "other",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Cause::NotShared => "release record not (yet) shared",
            Cause::WrongAddress => "wrong address at release",
            Cause::MoveUnreported => "move reported to nobody",
            Cause::LeftHousehold => "left the household (ran away, exploitation)",
            Cause::ContactLapsed => "contact lapsed",
            Cause::RecordOverwritten => "record overwritten",
            Cause::Other => "other",
        }
    }
}

/// How a child unlocatable through a lens was found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Route {
    /// ORR's release record reached the agency.
    Sharing = 0,
    /// The household reported its move to the agency (or filed a change of address).
    MoveReported,
    /// An ORR Safety and Well-Being call reached the household.
    Call,
    /// A post-release services contact reached the household.
    Services,
    /// The address on a served NTA reached the court.
    Nta,
    /// The child appeared in court.
    Court,
    /// A welfare-check visit at the address ICE held.
    Check,
    /// Tracing by welfare-check officers found a new address.
    Tracing,
    /// A record match: a missing-child report matched (NCIC/NCMEC), or ICE matched its record
    /// against another agency's.
    RecordMatch,
    /// A targeted operation found the child.
    Operation,
    /// Not attributed (a defect if ever non-zero: tests check it stays zero).
    Other,
}

/// Number of routes.
pub const N_ROUTES: usize = 11;

impl Route {
    /// Every route, in index order.
    pub const ALL: [Route; N_ROUTES] = [
        Route::Sharing,
        Route::MoveReported,
        Route::Call,
        Route::Services,
        Route::Nta,
        Route::Court,
        Route::Check,
        Route::Tracing,
        Route::RecordMatch,
        Route::Operation,
        Route::Other,
    ];

    /// Column word.
    pub fn name(self) -> &'static str {
        match self {
            Route::Sharing => "sharing",
            Route::MoveReported => "move_reported",
            Route::Call => "call",
            Route::Services => "services",
            Route::Nta => "nta",
            Route::Court => "court",
            Route::Check => "check",
            Route::Tracing => "tracing",
            Route::RecordMatch => "record_match",
            Route::Operation => "operation",
            Route::Other => "other",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Route::Sharing => "release record shared",
            Route::MoveReported => "move reported",
            Route::Call => "well-being call",
            Route::Services => "post-release services",
            Route::Nta => "NTA address",
            Route::Court => "court appearance",
            Route::Check => "welfare check",
            Route::Tracing => "tracing",
            Route::RecordMatch => "record match",
            Route::Operation => "targeted operation",
            Route::Other => "other",
        }
    }
}

/// How a followed child left the followed population while unlocatable through a lens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Turned 18 while unlocatable: aging out must not hide a lost child.
    TurnedEighteen = 0,
    /// Rescued from exploitation (by a lead or a record match) while the agency could not locate
    /// the child.
    Rescued,
    /// Returned to ORR care after the placement broke down.
    ReturnedToCare,
    /// Any other end (none in the model today).
    Other,
}

/// Number of exits.
pub const N_EXITS: usize = 4;

impl Exit {
    /// Every exit, in index order.
    pub const ALL: [Exit; N_EXITS] = [
        Exit::TurnedEighteen,
        Exit::Rescued,
        Exit::ReturnedToCare,
        Exit::Other,
    ];

    /// Column word.
    pub fn name(self) -> &'static str {
        match self {
            Exit::TurnedEighteen => "turned_18",
            Exit::Rescued => "rescued",
            Exit::ReturnedToCare => "returned_to_care",
            Exit::Other => "other",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Exit::TurnedEighteen => "turned 18",
            Exit::Rescued => "rescued",
            Exit::ReturnedToCare => "returned to ORR care",
            Exit::Other => "other",
        }
    }
}

/// The attribution in force while an event or a day's work is handled: the cause of any child
/// becoming unlocatable, and the route of any child found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Why {
    pub(crate) cause: Cause,
    pub(crate) route: Route,
}

impl Why {
    /// Nothing attributed.
    pub(crate) const NONE: Why = Why {
        cause: Cause::Other,
        route: Route::Other,
    };

    /// Only a way to be found.
    pub(crate) const fn found(route: Route) -> Why {
        Why {
            cause: Cause::Other,
            route,
        }
    }

    /// Only a way to be lost.
    pub(crate) const fn lost(cause: Cause) -> Why {
        Why {
            cause,
            route: Route::Other,
        }
    }
}

/// Flows into and out of unlocatable, per lens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flows {
    /// Children who became unlocatable, by lens and cause (entering the followed population
    /// unlocatable counts as becoming unlocatable).
    pub lost: [[u64; N_CAUSES]; N_LENSES],
    /// Children found again, by lens and route.
    pub found: [[u64; N_ROUTES]; N_LENSES],
    /// Children who left the followed population while unlocatable, by lens and exit.
    pub exited: [[u64; N_EXITS]; N_LENSES],
}

impl Flows {
    /// Lost − found − exited through `lens`: the children unlocatable now, if every flow is
    /// counted.
    pub fn balance(&self, lens: Lens) -> i64 {
        let l = lens as usize;
        let sum = |v: &[u64]| v.iter().sum::<u64>() as i64;
        sum(&self.lost[l]) - sum(&self.found[l]) - sum(&self.exited[l])
    }
}
