//! The policy history (`[policy]`): the rules in force before any dated change
//! (`[policy.before]`, every rule stated) and the dated changes (`[policy.changes.<key>]`, each
//! with its date, name, source and the rules it sets), folded into the rules in force on each
//! simulated day.

use super::check::Check;
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::{Policy, PolicyChange, Rules};

pub(super) fn validate(c: &mut Check, p: &Period, r: &raw::Policy) -> Policy {
    let b = &r.before;
    let mut rules = Rules {
        sponsor_data_to_ice: b.sponsor_data_to_ice,
        enforcement_use: b.enforcement_use,
        household_fingerprinting: b.household_fingerprinting,
        in_person_verification: b.in_person_verification,
        ice_at_verification: b.ice_at_verification,
        arrests_during_checks: b.arrests_during_checks,
    };
    // (date, key, change) for every change that ever takes effect; "never" removes one.
    let mut dated = Vec::new();
    for (key, ch) in &r.changes {
        let at = |f: &str| format!("policy.changes.{key}.{f}");
        for (field, text) in [("name", &ch.name), ("source", &ch.source)] {
            if text.trim().is_empty() {
                c.bad(
                    &at(field),
                    "\"\"",
                    "must say what the change is and where it is documented (not empty)",
                );
            }
        }
        if ch.from == "never" {
            continue;
        }
        let Some(date) = c.parse_date(&at("from"), &ch.from) else {
            continue;
        };
        dated.push((date, key, ch));
    }
    dated.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let mut periods = vec![(0u32, rules)];
    let mut changes = Vec::new();
    for (date, key, ch) in dated {
        if date > p.end {
            continue;
        }
        let day = (date - p.start).num_days().max(0) as u32;
        apply(&mut rules, ch);
        match periods.last_mut() {
            Some(last) if last.0 == day => last.1 = rules,
            _ => periods.push((day, rules)),
        }
        changes.push(PolicyChange {
            key: key.clone(),
            date: date.format("%Y-%m-%d").to_string(),
            day,
            name: ch.name.clone(),
            source: ch.source.clone(),
        });
    }
    Policy { periods, changes }
}

/// The rules `ch` sets; the others stay as they were.
fn apply(rules: &mut Rules, ch: &raw::PolicyChange) {
    let set = |rule: &mut bool, to: Option<bool>| {
        if let Some(v) = to {
            *rule = v;
        }
    };
    set(&mut rules.sponsor_data_to_ice, ch.sponsor_data_to_ice);
    set(&mut rules.enforcement_use, ch.enforcement_use);
    set(
        &mut rules.household_fingerprinting,
        ch.household_fingerprinting,
    );
    set(&mut rules.in_person_verification, ch.in_person_verification);
    set(&mut rules.ice_at_verification, ch.ice_at_verification);
    set(&mut rules.arrests_during_checks, ch.arrests_during_checks);
}
