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
        sponsor_documentation: b.sponsor_documentation,
        documentation_injunction: b.documentation_injunction,
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
            // It would never take effect: say so rather than accept it silently.
            c.bad(
                &format!("policy.changes.{key}.from"),
                format!("\"{date}\""),
                &format!(
                    "must be on or before the horizon, {} (time.horizon_date), or \"never\" to remove \
                     the change: a change after the horizon would never take effect",
                    p.end
                ),
            );
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
    let class = c.parse_date(
        "policy.documentation_class_in_custody_by",
        &r.documentation_class_in_custody_by,
    );
    let documentation_class_day = class
        .map(|d| (d - p.start).num_days().clamp(0, u32::MAX as i64) as u32)
        .unwrap_or(0);
    Policy {
        periods,
        changes,
        documentation_class_day,
    }
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
    set(&mut rules.sponsor_documentation, ch.sponsor_documentation);
    set(
        &mut rules.documentation_injunction,
        ch.documentation_injunction,
    );
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::load;
    use crate::scenario::raw::RawScenario;
    use crate::scenario::validate::validate;
    use crate::sim::params::Policy;

    fn baseline() -> RawScenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        load::load(&path).unwrap().raw
    }

    fn policy(r: &RawScenario) -> Policy {
        validate(r).unwrap().policy
    }

    fn day(p: &Policy, key: &str) -> Option<u32> {
        p.changes.iter().find(|c| c.key == key).map(|c| c.day)
    }

    #[test]
    fn a_change_before_the_start_makes_the_rules_of_the_first_day() {
        let p = policy(&baseline());
        // The 2018 agreement (2018-05-13) is in force on day 0 (2018-10-01).
        assert_eq!(day(&p, "moa_2018"), Some(0));
        let first = p.at(0);
        assert!(first.sponsor_data_to_ice && first.household_fingerprinting);
        // Its roll-back (2018-12-19) is day 79; nothing else changes before it.
        assert_eq!(day(&p, "fingerprint_rollback_2018"), Some(79));
        assert_eq!(p.periods[1].0, 79);
        assert!(!p.at(79).household_fingerprinting && p.at(79).sponsor_data_to_ice);
        // Changes are listed in date order.
        let days: Vec<u32> = p.changes.iter().map(|c| c.day).collect();
        assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
    }

    #[test]
    fn a_change_can_be_removed_or_moved_without_restating_the_others() {
        let mut r = baseline();
        r.policy.changes.get_mut("moa_2018").unwrap().from = "never".into();
        let p = policy(&r);
        assert_eq!(day(&p, "moa_2018"), None);
        assert!(!p.at(0).sponsor_data_to_ice, "no agreement, no sharing");
        assert!(
            p.at(day(&p, "interim_final_rule_2025").unwrap())
                .sponsor_data_to_ice
        );
        let mut r = baseline();
        r.policy.changes.get_mut("moa_replaced_2021").unwrap().from = "2020-01-01".into();
        let p = policy(&r);
        let moved = day(&p, "moa_replaced_2021").unwrap();
        assert!(p.at(moved - 1).sponsor_data_to_ice && !p.at(moved).sponsor_data_to_ice);
    }

    /// A change dated after the horizon would never take effect: refused, naming the field and
    /// what is allowed (version 2.1 accepted it silently).
    #[test]
    fn a_change_after_the_horizon_is_refused() {
        let mut r = baseline();
        r.policy
            .changes
            .get_mut("in_person_verification_2025")
            .unwrap()
            .from = "2030-01-01".into();
        let problems = validate(&r).unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let text = text.join("\n");
        assert!(
            text.contains("policy.changes.in_person_verification_2025.from")
                && text.contains("\"2030-01-01\"")
                && text.contains("must be on or before the horizon, 2025-12-31"),
            "{text}"
        );
    }
}
