//! The one place where a child's state or an agency's record is written and the child's
//! locatability refreshed, with the running counts (children per state, unlocatable, each agency's
//! accurate records) kept in step; and a from-scratch recount to check them.

use super::agency::{Agency, AgencySet, PerAgency, N_AGENCIES};
use super::child::{Episode, Flags, State, NEVER, N_STATES};
use super::event::Event;
use super::locate::{Cause, Exit, Lens, LensSet, Why, N_LENSES};
use super::Core;

impl Core<'_> {
    /// Move `c` to state `to`. A change of episode (custody, released, ended) ends the placement:
    /// the child's epoch advances, so events of the old placement are dropped, and the placement
    /// is put in the inbox of ended placements, so that units the child held are handed back.
    pub(crate) fn set_state(&mut self, c: u32, to: State) {
        let snap = if self.is_start(c) {
            &mut self.start_snap
        } else {
            &mut self.snap
        };
        let ch = &mut self.children[c as usize];
        let from = ch.state;
        snap.states[from as usize] -= 1;
        snap.states[to as usize] += 1;
        ch.state = to;
        if from.episode() != to.episode() {
            ch.epoch = ch.epoch.next();
            self.ended.push((c, from));
            // A contact locates the child where they lived in that placement only: a child
            // released again to a new sponsor starts without one.
            if to.episode() == Episode::Released {
                ch.last_contact = PerAgency::splat(NEVER);
            }
        }
        self.refresh(c);
    }

    /// Recompute which agencies hold the true address and through which lenses the child is
    /// locatable; update the running counts, and count every change of a lens as a flow
    /// attributed to `self.why` (entering the followed population unlocatable, and leaving it
    /// while unlocatable, are flows too). Called after every change to a child.
    #[inline]
    pub(crate) fn refresh(&mut self, c: u32) {
        let window = self.p.contact_window;
        let now = self.now;
        let why = self.why;
        let (snap, out) = if self.is_start(c) {
            (&mut self.start_snap, &mut self.start_out)
        } else {
            (&mut self.snap, &mut self.out)
        };
        let ch = &mut self.children[c as usize];
        let followed = ch.state.is_followed();
        let mut accurate = AgencySet::EMPTY;
        let mut locatable = LensSet::EMPTY;
        // The earliest moment a lens locatable through a recent contact alone (its agency's
        // record no longer holds the true address) stops being so.
        let mut lapse = NEVER;
        if followed {
            for a in Agency::ALL {
                if ch.rec[a] == ch.true_addr {
                    accurate.insert(a);
                }
            }
            for (lens, a) in Lens::AGENCIES {
                let t = ch.last_contact[a];
                let recent = t != NEVER && now.saturating_sub(t) <= window;
                if accurate.contains(a) || recent {
                    locatable.insert(lens);
                    locatable.insert(Lens::Pooled);
                }
                if recent && !accurate.contains(a) {
                    lapse = lapse.min(t.saturating_add(window).saturating_add(1));
                }
            }
        }
        // The contact window matters only while it is all that keeps a lens locatable: an expiry
        // is armed then, at the earliest lapse, unless one is pending no later (it re-checks
        // when it falls). A lapse while the record is accurate changes nothing, so needs none.
        if lapse != NEVER && lapse < ch.expiry {
            ch.expiry = lapse;
            self.cal.schedule(lapse, c, Event::ContactExpires, ch.epoch);
        }
        let was_followed = ch.flags.contains(Flags::FOLLOWED);
        ch.flags.set(Flags::FOLLOWED, followed);
        let old_accurate = std::mem::replace(&mut ch.accurate, accurate);
        let old_locatable = std::mem::replace(&mut ch.locatable, locatable);
        // A lens changes (and a flow is counted) only if the lens set or the followed status did;
        // a locatable lens was recorded in `ever_locatable` when it became locatable.
        if (was_followed || followed) && (was_followed != followed || old_locatable != locatable) {
            let flows = &mut out.flows;
            for lens in Lens::ALL {
                let l = lens as usize;
                let before = was_followed && !old_locatable.contains(lens);
                let after = followed && !locatable.contains(lens);
                if followed && !after {
                    ch.ever_locatable.insert(lens);
                }
                if before == after {
                    continue;
                }
                if after {
                    snap.unlocatable[l] += 1;
                    let cause = if was_followed {
                        why.cause
                    } else {
                        entry_cause(lens, &ch.rec, ch.true_addr)
                    };
                    flows.lost[l][cause as usize] += 1;
                    if ch.ever_locatable.contains(lens) {
                        ch.ever_unlocatable.insert(lens);
                    }
                } else {
                    snap.unlocatable[l] -= 1;
                    if followed {
                        flows.found[l][why.route as usize] += 1;
                        if ch.ever_unlocatable.contains(lens) {
                            ch.found_again.insert(lens);
                        }
                    } else {
                        flows.exited[l][exit_to(ch.state) as usize] += 1;
                    }
                }
            }
        }
        if old_accurate != accurate {
            for a in Agency::ALL {
                match (old_accurate.contains(a), accurate.contains(a)) {
                    (false, true) => snap.accurate[a as usize] += 1,
                    (true, false) => snap.accurate[a as usize] -= 1,
                    _ => {}
                }
            }
        }
    }

    /// [`Self::refresh`] with any change attributed to `why`; the attribution in force before is
    /// kept for what follows.
    pub(crate) fn refresh_as(&mut self, c: u32, why: Why) {
        let before = std::mem::replace(&mut self.why, why);
        self.refresh(c);
        self.why = before;
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
    /// the child locatable by that agency for the contact window.
    pub(crate) fn contact(&mut self, c: u32, agency: Agency) {
        let addr = self.children[c as usize].true_addr;
        self.write_record(c, agency, addr);
        self.children[c as usize].last_contact[agency] = self.now;
    }

    /// A contact that alone kept a lens locatable may have left the window: refresh (a lapse is
    /// attributed to [`Cause::ContactLapsed`]), which arms the next expiry if a lens still
    /// depends on a contact. An expiry superseded by an earlier one finds nothing to change.
    pub(crate) fn contact_expires(&mut self, c: u32) {
        let ch = &mut self.children[c as usize];
        if ch.expiry == self.now {
            ch.expiry = NEVER;
        }
        self.why = Why::lost(Cause::ContactLapsed);
        self.refresh(c);
    }

    /// Recount from scratch, from the truth and the records, the children per state, the
    /// unlocatable children per lens and each agency's accurate records, and compare them with
    /// the running counts and each child's cached sets; check that the flows balance the stock.
    /// `Err` names the first difference.
    pub(crate) fn verify_counts(&self) -> Result<(), String> {
        let window = self.p.contact_window;
        let now = self.now;
        let mut states = [[0u32; N_STATES]; 2];
        let mut unlocatable = [[0u32; N_LENSES]; 2];
        let mut accurate = [[0u32; N_AGENCIES]; 2];
        for (i, ch) in self.children.iter().enumerate() {
            // 0: the cohort, 1: the starting population.
            let g = usize::from((i as u32) < self.start_n);
            let (states, unlocatable, accurate) =
                (&mut states[g], &mut unlocatable[g], &mut accurate[g]);
            states[ch.state as usize] += 1;
            if !ch.state.is_followed() {
                continue;
            }
            for a in Agency::ALL {
                if ch.rec[a] == ch.true_addr {
                    accurate[a as usize] += 1;
                }
            }
            let mut pooled = false;
            for (lens, a) in Lens::AGENCIES {
                let t = ch.last_contact[a];
                let recent = t != NEVER && now.saturating_sub(t) <= window;
                // A contact whose expiry falls exactly now has not been expired yet.
                let expiring_now = t != NEVER && t.saturating_add(window).saturating_add(1) == now;
                let fresh = ch.rec[a] == ch.true_addr || recent;
                let cached = ch.locatable.contains(lens);
                if cached != fresh && !(cached && expiring_now) {
                    return Err(format!(
                        "day {}: child {i} cached {} = {}, recomputed {}",
                        self.day,
                        lens.column(),
                        !cached,
                        !fresh
                    ));
                }
                pooled |= cached;
                if !cached {
                    unlocatable[lens as usize] += 1;
                }
            }
            if pooled != ch.locatable.contains(Lens::Pooled) {
                return Err(format!(
                    "day {}: child {i} pooled set inconsistent",
                    self.day
                ));
            }
            if !pooled {
                unlocatable[Lens::Pooled as usize] += 1;
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
        let groups = [
            ("", &self.snap, &self.out),
            ("starting population: ", &self.start_snap, &self.start_out),
        ];
        for (g, (name, snap, out)) in groups.into_iter().enumerate() {
            check(
                &format!("{name}children per state"),
                &snap.states,
                &states[g],
            )?;
            check(
                &format!("{name}unlocatable per lens"),
                &snap.unlocatable,
                &unlocatable[g],
            )?;
            check(
                &format!("{name}accurate records per agency"),
                &snap.accurate,
                &accurate[g],
            )?;
            for lens in Lens::ALL {
                let balance = out.flows.balance(lens);
                if balance != unlocatable[g][lens as usize] as i64 {
                    return Err(format!(
                        "day {}: {name}flows of {} balance to {balance}, stock is {}",
                        self.day,
                        lens.column(),
                        unlocatable[g][lens as usize]
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Why a child enters the followed population (at release) unlocatable through `lens`: the
/// agency holds the wrong address ORR recorded, or holds no address of this placement yet.
fn entry_cause(lens: Lens, rec: &PerAgency<u32>, truth: u32) -> Cause {
    let orr_wrong = rec[Agency::Orr] != truth;
    let holds_orr = match lens {
        Lens::Orr | Lens::Pooled => true,
        Lens::Ice => rec[Agency::Ice] == rec[Agency::Orr],
        Lens::Court => rec[Agency::Court] == rec[Agency::Orr],
    };
    if orr_wrong && holds_orr {
        Cause::WrongAddress
    } else {
        Cause::NotShared
    }
}

/// The exit a followed child takes into `state`.
fn exit_to(state: State) -> Exit {
    match state {
        State::AgedOut => Exit::TurnedEighteen,
        State::Rescued => Exit::Rescued,
        State::Orr => Exit::ReturnedToCare,
        _ => Exit::Other,
    }
}
