//! The policy history as the engine sees it: the rules in force on each day ([`Rules`]), the dated
//! changes that set them ([`PolicyChange`]) and the history itself ([`Policy`]). Part of the
//! validated parameters (`Params::policy`, re-exported from `params`).

/// What the policy in force requires and allows, on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    /// ORR gives ICE information on sponsors and adult household members found at vetting.
    pub sponsor_data_to_ice: bool,
    /// ICE may use sponsor data it holds (shared, or through an integrated record) for
    /// immigration enforcement.
    pub enforcement_use: bool,
    /// Every adult in the sponsor's household is fingerprinted (background checks go deeper).
    pub household_fingerprinting: bool,
    /// Sponsors verify their identity in person, with fingerprinting, before release.
    pub in_person_verification: bool,
    /// ICE is present at in-person identity verification.
    pub ice_at_verification: bool,
    /// Welfare checks also make immigration arrests.
    pub arrests_during_checks: bool,
    /// Sponsors must prove identity and income with the documents ORR lists; a sponsor who
    /// cannot has the application closed (`Vetting::documentation_failure`).
    pub sponsor_documentation: bool,
    /// A court enjoins the documentation requirement for children in custody by
    /// `Policy::documentation_class_day`.
    pub documentation_injunction: bool,
}

/// A dated change of policy, as the scenario names and sources it.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyChange {
    /// The scenario's key for the change (`[policy.changes.<key>]`).
    pub key: String,
    /// "YYYY-MM-DD" on which it takes effect.
    pub date: String,
    /// Simulation day on which it takes effect (0 if on or before the start).
    pub day: u32,
    /// What it is.
    pub name: String,
    /// Where it is documented.
    pub source: String,
}

/// The policy history: the rules in force on each day.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `(from_day, rules)`, sorted, first at day 0, each until the next.
    pub periods: Vec<(u32, Rules)>,
    /// The changes that take effect before the horizon, in date order (those dated on or before
    /// the start make up the rules of day 0).
    pub changes: Vec<PolicyChange>,
    /// While `Rules::documentation_injunction` is in force, children who entered ORR care on or
    /// before this day are exempt from the documentation requirement (the injunction's class).
    pub documentation_class_day: u32,
}

impl Policy {
    /// The same rules on every day, without a dated change.
    pub fn constant(rules: Rules) -> Self {
        Policy {
            periods: vec![(0, rules)],
            changes: Vec::new(),
            documentation_class_day: 0,
        }
    }

    /// The rules in force on `day`.
    pub fn at(&self, day: u32) -> Rules {
        let i = self.periods.partition_point(|&(from, _)| from <= day);
        self.periods[i.saturating_sub(1)].1
    }
}
