//! Welfare checks (`[welfare_checks]`): the operation's start, teams and local partners, the
//! check list and its priority order, re-checks, re-verification and tracing.

use super::check::Check;
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::WelfareChecks;

/// Priority groups, by their index in `WelfareChecks::priority`.
const GROUPS: [&str; 3] = ["in_absentia", "no_nta", "other"];

pub(super) fn validate(c: &mut Check, p: &Period, wc: &raw::WelfareChecks) -> WelfareChecks {
    let start_day = if wc.enabled {
        p.day(c, "welfare_checks.start_date", &wc.start_date)
    } else {
        None
    };
    let priority = priority(c, &wc.priority);
    WelfareChecks {
        start_day,
        teams: p.schedule(
            c,
            "welfare_checks.teams",
            &wc.teams,
            if wc.enabled { 1 } else { 0 },
            1_000_000,
            "teams",
        ),
        checks_per_team_day: c.range(
            "welfare_checks.checks_per_team_day",
            wc.checks_per_team_day,
            0.0,
            1_000.0,
            "checks per team-day",
        ),
        local_partner_checks_per_day: p.schedule(
            c,
            "welfare_checks.local_partner_checks_per_day",
            &wc.local_partner_checks_per_day,
            0,
            1_000_000,
            "checks per day",
        ),
        max_checks: c.range(
            "welfare_checks.max_checks",
            wc.max_checks as f64,
            0.0,
            100_000_000.0,
            "checks",
        ) as u64,
        list_refresh_days: c.range(
            "welfare_checks.list_refresh_days",
            wc.list_refresh_days as f64,
            1.0,
            3650.0,
            "days",
        ) as u32,
        priority,
        missing_report_if_not_found: c.prob(
            "welfare_checks.missing_report_probability_if_not_found",
            wc.missing_report_probability_if_not_found,
        ),
        recheck_after_days: c.at_least_one_u32(
            "welfare_checks.recheck_after_days",
            wc.recheck_after_days,
            3650,
            "days",
        ),
        reverify_after_days: c.at_least_one_u32(
            "welfare_checks.reverify_after_days",
            wc.reverify_after_days,
            3650,
            "days",
        ),
        trace_effort_visits: c.range(
            "welfare_checks.trace_effort_visits",
            wc.trace_effort_visits,
            0.01,
            100.0,
            "visit-equivalents",
        ),
        trace_success_per_visit_effort: c.nonneg(
            "welfare_checks.trace_success_per_visit_effort",
            wc.trace_success_per_visit_effort,
            100.0,
            "per visit-equivalent of effort",
        ),
    }
}

/// The three groups in priority order; the default order `[0, 1, 2]` when the list is bad.
fn priority(c: &mut Check, names: &[String]) -> [u8; 3] {
    let mut seen = Vec::new();
    for (j, p) in names.iter().enumerate() {
        match GROUPS.iter().position(|n| n == p) {
            Some(g) if !seen.contains(&g) => seen.push(g),
            _ => c.bad(
                &format!("welfare_checks.priority[{j}]"),
                format!("\"{p}\""),
                "must be one of \"in_absentia\", \"no_nta\", \"other\", each once",
            ),
        }
    }
    if seen.len() == 3 {
        return [seen[0] as u8, seen[1] as u8, seen[2] as u8];
    }
    if names.len() != 3 {
        c.bad(
            "welfare_checks.priority",
            format!("{} entries", names.len()),
            "must list \"in_absentia\", \"no_nta\" and \"other\" in priority order",
        );
    }
    [0, 1, 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn priority_names_map_to_group_indices() {
        let mut c = Check::default();
        assert_eq!(
            priority(&mut c, &names(&["other", "in_absentia", "no_nta"])),
            [2, 0, 1]
        );
        assert!(c.problems.is_empty());
    }

    #[test]
    fn unknown_or_repeated_priorities_are_each_named() {
        let mut c = Check::default();
        let got = priority(&mut c, &names(&["no_nta", "no_nta", "later"]));
        assert_eq!(got, [0, 1, 2]);
        let shown: Vec<String> = c.problems.iter().map(|p| p.to_string()).collect();
        let allowed = "must be one of \"in_absentia\", \"no_nta\", \"other\", each once";
        assert_eq!(
            shown,
            [
                format!("field `welfare_checks.priority[1]` = \"no_nta\": {allowed}"),
                format!("field `welfare_checks.priority[2]` = \"later\": {allowed}"),
            ]
        );
    }

    #[test]
    fn a_short_priority_list_is_refused() {
        let mut c = Check::default();
        assert_eq!(priority(&mut c, &names(&["other"])), [0, 1, 2]);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].field, "welfare_checks.priority");
        assert_eq!(c.problems[0].value, "1 entries");
    }
}
