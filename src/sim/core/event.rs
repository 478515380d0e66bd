//! The typed events of the pipeline: their names (in journeys) and their scope, which tells the
//! core whether an event belongs to one placement of the child and may therefore go stale.

/// What happens to a child at an instant. The stage that handles each is named in the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub(crate) enum Event {
    /// arrivals: the child is encountered by CBP.
    Arrive = 0,
    /// cbp: processing done; the agent is free and ORR is asked for a placement.
    CbpProcessed,
    /// orr: the child arrives in ORR care after transport.
    EnterOrr,
    /// orr: a sponsor came forward.
    SponsorFound,
    /// orr: vetting done; the case manager is free.
    Vetted,
    /// orr: release to the sponsor.
    Release,
    /// orr (in care) or life (after release): the child turns 18.
    Turn18,
    /// orr: voluntary departure from care.
    Depart,
    /// life: the household moves.
    Move,
    /// life: the child leaves the sponsor.
    RunAway,
    /// life: exploitation begins.
    Exploit,
    /// placement: the placement with the sponsor breaks down; the child returns to ORR care.
    Breakdown,
    /// calls: a well-being call falls due.
    CallDue,
    /// services: a post-release services contact.
    ServicesContact,
    /// sharing: ORR's release record reaches ICE.
    ShareIce,
    /// sharing: ORR's release record reaches the court.
    ShareCourt,
    /// court: ICE files the NTA with the court.
    NtaFiled,
    /// court: a hearing.
    Hearing,
    /// court: the notice of a booked hearing is sent.
    NoticeSent,
    /// core: the last contact leaves the contact window.
    ContactExpires,
    /// recovery: a missing-child report is entered.
    MissingReport,
    /// recovery: a missing-child report is matched.
    RecordMatch,
    /// recovery: an exploitation lead reaches HSI.
    Lead,
    /// recovery: an investigation ends; the investigator is free.
    LeadDone,
    /// deterrence: a welfare check arrested a household member; the placement ends (the child
    /// returns to ORR care or goes to another adult).
    Arrest,
}

/// Number of event kinds.
pub(crate) const N_EVENTS: usize = 25;

/// What an event belongs to, which decides what the core does with it once the child's placement
/// has ended (see [`super::child::Epoch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The child whatever their placement (arrival, 18th birthday, the end of the contact
    /// window, which only refreshes the child's locatability, and the events of the
    /// immigration case, which goes on after 18): always delivered; the handler decides.
    Child,
    /// One placement (custody, or one release to a sponsor): dropped by the core, before any
    /// handler sees it, if that placement has ended.
    Placement,
    /// The end of a hold on a resource that is handed back only by this event (a CBP agent): always
    /// delivered so that the unit is given back, with a flag saying whether the placement it was
    /// started in still runs; the handler acts on the child only if it does. (A case manager or an
    /// investigator is handed back the moment the child's placement ends, through the core's inbox
    /// of ended placements, so the end of vetting or of an investigation is a `Placement` event.)
    Resource,
}

impl Event {
    /// Every event kind, in discriminant order.
    pub(crate) const ALL: [Event; N_EVENTS] = [
        Event::Arrive,
        Event::CbpProcessed,
        Event::EnterOrr,
        Event::SponsorFound,
        Event::Vetted,
        Event::Release,
        Event::Turn18,
        Event::Depart,
        Event::Move,
        Event::RunAway,
        Event::Exploit,
        Event::Breakdown,
        Event::CallDue,
        Event::ServicesContact,
        Event::ShareIce,
        Event::ShareCourt,
        Event::NtaFiled,
        Event::Hearing,
        Event::NoticeSent,
        Event::ContactExpires,
        Event::MissingReport,
        Event::RecordMatch,
        Event::Lead,
        Event::LeadDone,
        Event::Arrest,
    ];

    /// The event kind with discriminant `i` (of [`Event::ALL`]).
    #[inline]
    pub(crate) fn from_index(i: u8) -> Event {
        Event::ALL[i as usize]
    }

    /// Plain-language name, used in journeys.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Event::Arrive => "encountered by CBP",
            Event::CbpProcessed => "CBP processing done",
            Event::EnterOrr => "entered ORR care",
            Event::SponsorFound => "sponsor came forward",
            Event::Vetted => "vetting done",
            Event::Release => "released to sponsor",
            Event::Turn18 => "turned 18",
            Event::Depart => "voluntary departure",
            Event::Move => "household moved",
            Event::RunAway => "left the sponsor",
            Event::Exploit => "exploitation began",
            Event::Breakdown => "placement broke down",
            Event::CallDue => "well-being call due",
            Event::ServicesContact => "post-release services contact",
            Event::ShareIce => "ORR record shared with ICE",
            Event::ShareCourt => "ORR record shared with the court",
            Event::NtaFiled => "NTA filed with the court",
            Event::Hearing => "court hearing",
            Event::NoticeSent => "hearing notice sent",
            Event::ContactExpires => "contact window expired",
            Event::MissingReport => "missing-child report",
            Event::RecordMatch => "missing-child report matched",
            Event::Lead => "exploitation lead",
            Event::LeadDone => "lead investigated",
            Event::Arrest => "household member arrested during a welfare check",
        }
    }

    /// What the event belongs to.
    #[inline]
    pub(crate) fn scope(self) -> Scope {
        match self {
            Event::Arrive | Event::Turn18 | Event::ContactExpires => Scope::Child,
            // An immigration case belongs to the person, not to a placement: it goes on after 18.
            Event::NtaFiled | Event::Hearing | Event::NoticeSent => Scope::Child,
            Event::CbpProcessed => Scope::Resource,
            _ => Scope::Placement,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_kind_in_discriminant_order_with_distinct_names() {
        for (i, e) in Event::ALL.iter().enumerate() {
            assert_eq!(*e as usize, i);
        }
        let mut names: Vec<&str> = Event::ALL.iter().map(|e| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), N_EVENTS);
    }

    #[test]
    fn only_arrival_birthday_contact_expiry_and_the_court_case_outlive_a_placement() {
        let child: Vec<Event> = Event::ALL
            .into_iter()
            .filter(|e| e.scope() == Scope::Child)
            .collect();
        assert_eq!(
            child,
            vec![
                Event::Arrive,
                Event::Turn18,
                Event::NtaFiled,
                Event::Hearing,
                Event::NoticeSent,
                Event::ContactExpires
            ]
        );
    }
}
