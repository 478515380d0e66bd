//! The one place where a child's state or an agency's record is written and the child's
//! locatability refreshed, with the running counts (children per state, unlocatable, each agency's
//! accurate records) kept in step; and a from-scratch recount to check them.

use super::agency::{Agency, AgencySet, PerAgency, N_AGENCIES};
use super::child::{Flags, State, NEVER, N_STATES};
use super::event::Event;
use super::Core;

impl Core<'_> {
    /// Move `c` to state `to`. A change of episode (custody, released, ended) ends the placement:
    /// the child's epoch advances, so events of the old placement are dropped, and the placement
    /// is put in the inbox of ended placements, so that units the child held are handed back.
    pub(crate) fn set_state(&mut self, c: u32, to: State) {
        let ch = &mut self.children[c as usize];
        let from = ch.state;
        self.snap.states[from as usize] -= 1;
        self.snap.states[to as usize] += 1;
        ch.state = to;
        if from.episode() != to.episode() {
            ch.epoch = ch.epoch.next();
            self.ended.push((c, from));
        }
        self.refresh(c);
    }

    /// Recompute whether the child is locatable and which agencies hold the true address, and
    /// update the running counts. Called after every change to a child.
    #[inline]
    pub(crate) fn refresh(&mut self, c: u32) {
        let window = self.p.contact_window;
        let now = self.now;
        let ch = &mut self.children[c as usize];
        let followed = ch.state.is_followed();
        let mut accurate = AgencySet::EMPTY;
        let mut locatable = false;
        if followed {
            for a in Agency::ALL {
                if ch.rec[a] == ch.true_addr {
                    accurate.insert(a);
                }
            }
            let recent = ch.last_contact != NEVER && now.saturating_sub(ch.last_contact) <= window;
            locatable = !accurate.is_empty() || recent;
        }
        // Unlocatable count: followed children without the locatable flag.
        let before = ch.flags.contains(Flags::FOLLOWED) && !ch.flags.contains(Flags::LOCATABLE);
        let after = followed && !locatable;
        ch.flags.set(Flags::LOCATABLE, locatable);
        ch.flags.set(Flags::FOLLOWED, followed);
        let old = std::mem::replace(&mut ch.accurate, accurate);
        match (before, after) {
            (false, true) => self.snap.unlocatable += 1,
            (true, false) => self.snap.unlocatable -= 1,
            _ => {}
        }
        for a in Agency::ALL {
            match (old.contains(a), accurate.contains(a)) {
                (false, true) => self.snap.accurate[a as usize] += 1,
                (true, false) => self.snap.accurate[a as usize] -= 1,
                _ => {}
            }
        }
    }

    /// Write an address into an agency's record (into every agency's with an integrated record).
    /// A write that reaches ICE's record is put in ICE's inbox.
    #[inline]
    pub(crate) fn write_record(&mut self, c: u32, agency: Agency, addr: u32) {
        let now = self.now;
        let integrated = self.p.sharing.integrated_record;
        let ch = &mut self.children[c as usize];
        if integrated {
            ch.rec = PerAgency::splat(addr);
            ch.rec_time = PerAgency::splat(now);
        } else {
            ch.rec[agency] = addr;
            ch.rec_time[agency] = now;
        }
        if integrated || agency == Agency::Ice {
            self.ice_inbox.push(c);
        }
    }

    /// An agency made contact with the child: it learns the true address, and the contact keeps
    /// the child locatable for the contact window.
    pub(crate) fn contact(&mut self, c: u32, agency: Agency) {
        let addr = self.children[c as usize].true_addr;
        self.write_record(c, agency, addr);
        let now = self.now;
        let window = self.p.contact_window;
        let ch = &mut self.children[c as usize];
        ch.last_contact = now;
        // At most one pending expiry per child: it re-arms itself if a later contact came.
        if !ch.flags.contains(Flags::EXPIRY_PENDING) {
            ch.flags.insert(Flags::EXPIRY_PENDING);
            let expires = now.saturating_add(window).saturating_add(1);
            self.at(expires, c, Event::ContactExpires);
        }
    }

    /// The last contact may have left the window: re-arm for a later contact, or refresh.
    pub(crate) fn contact_expires(&mut self, c: u32) {
        let window = self.p.contact_window;
        let now = self.now;
        let ch = &mut self.children[c as usize];
        ch.flags.remove(Flags::EXPIRY_PENDING);
        let expires = ch.last_contact.saturating_add(window).saturating_add(1);
        if expires > now {
            ch.flags.insert(Flags::EXPIRY_PENDING);
            self.at(expires, c, Event::ContactExpires);
        }
        self.refresh(c);
    }

    /// Recount from scratch, from the truth and the records, the children per state, the
    /// unlocatable children and each agency's accurate records, and compare them with the running
    /// counts and each child's cached flags. `Err` names the first difference.
    pub(crate) fn verify_counts(&self) -> Result<(), String> {
        let window = self.p.contact_window;
        let now = self.now;
        let mut states = [0u32; N_STATES];
        let mut unlocatable = 0u32;
        let mut accurate = [0u32; N_AGENCIES];
        for (i, ch) in self.children.iter().enumerate() {
            states[ch.state as usize] += 1;
            if !ch.state.is_followed() {
                continue;
            }
            let mut any = false;
            for a in Agency::ALL {
                if ch.rec[a] == ch.true_addr {
                    accurate[a as usize] += 1;
                    any = true;
                }
            }
            let recent = ch.last_contact != NEVER && now.saturating_sub(ch.last_contact) <= window;
            // A contact whose expiry falls exactly now has not been expired yet.
            let expiring_now = ch.last_contact != NEVER
                && ch.last_contact.saturating_add(window).saturating_add(1) == now;
            let cached = ch.flags.contains(Flags::LOCATABLE);
            let fresh = any || recent;
            if cached != fresh && !(cached && expiring_now) {
                return Err(format!(
                    "day {}: child {i} cached locatable={cached}, recomputed {fresh}",
                    self.day
                ));
            }
            if !cached {
                unlocatable += 1;
            }
        }
        let check = |what: &str, running: &[u32], fresh: &[u32]| {
            if running == fresh {
                Ok(())
            } else {
                Err(format!(
                    "day {}: {what}: running {running:?}, recounted {fresh:?}",
                    self.day
                ))
            }
        };
        check("children per state", &self.snap.states, &states)?;
        check("unlocatable", &[self.snap.unlocatable], &[unlocatable])?;
        check(
            "accurate records per agency",
            &self.snap.accurate,
            &accurate,
        )
    }
}
