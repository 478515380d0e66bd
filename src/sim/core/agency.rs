//! The agencies that keep their own record of a child, and agency-indexed containers: adding an
//! agency is one variant here plus the stage that uses it, not a re-layout of bit fields.

use std::ops::{Index, IndexMut};

/// The agencies that keep their own record of a child's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Agency {
    /// Customs and Border Protection (encounter, custody).
    Cbp = 0,
    /// HHS Office of Refugee Resettlement (care, sponsors, release, calls).
    Orr = 1,
    /// Immigration and Customs Enforcement (NTAs, welfare checks, investigations).
    Ice = 2,
    /// The immigration court (EOIR).
    Court = 3,
}

/// Number of agencies.
pub const N_AGENCIES: usize = 4;

impl Agency {
    /// Every agency, in index order.
    pub const ALL: [Agency; N_AGENCIES] = [Agency::Cbp, Agency::Orr, Agency::Ice, Agency::Court];

    /// Name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Agency::Cbp => "cbp",
            Agency::Orr => "orr",
            Agency::Ice => "ice",
            Agency::Court => "court",
        }
    }

    /// The daily series of the share of followed children whose record at this agency holds the
    /// true address.
    pub fn accurate_share_column(self) -> &'static str {
        match self {
            Agency::Cbp => "accurate_share_cbp",
            Agency::Orr => "accurate_share_orr",
            Agency::Ice => "accurate_share_ice",
            Agency::Court => "accurate_share_court",
        }
    }
}

/// One value per agency, indexed by [`Agency`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PerAgency<T>(pub(crate) [T; N_AGENCIES]);

impl<T: Copy> PerAgency<T> {
    /// The same value for every agency.
    #[inline]
    pub(crate) fn splat(x: T) -> Self {
        PerAgency([x; N_AGENCIES])
    }
}

impl<T> Index<Agency> for PerAgency<T> {
    type Output = T;
    #[inline]
    fn index(&self, a: Agency) -> &T {
        &self.0[a as usize]
    }
}

impl<T> IndexMut<Agency> for PerAgency<T> {
    #[inline]
    fn index_mut(&mut self, a: Agency) -> &mut T {
        &mut self.0[a as usize]
    }
}

/// A set of agencies (one bit each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AgencySet(u8);

impl AgencySet {
    /// No agency.
    pub(crate) const EMPTY: AgencySet = AgencySet(0);

    /// Add `a` to the set.
    #[inline]
    pub(crate) fn insert(&mut self, a: Agency) {
        self.0 |= 1 << a as u8;
    }

    /// Whether `a` is in the set.
    #[inline]
    pub(crate) fn contains(self, a: Agency) -> bool {
        self.0 & (1 << a as u8) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_sets_hold_exactly_what_was_inserted() {
        let mut s = AgencySet::EMPTY;
        assert_eq!(s, AgencySet::EMPTY);
        s.insert(Agency::Ice);
        s.insert(Agency::Cbp);
        for a in Agency::ALL {
            assert_eq!(s.contains(a), matches!(a, Agency::Ice | Agency::Cbp));
        }
        assert_ne!(s, AgencySet::EMPTY);
    }

    #[test]
    fn per_agency_indexes_by_variant() {
        let mut m = PerAgency::splat(0u32);
        m[Agency::Court] = 7;
        assert_eq!(m.0, [0, 0, 0, 7]);
        assert_eq!(Agency::ALL.map(|a| a as usize), [0, 1, 2, 3]);
    }
}
