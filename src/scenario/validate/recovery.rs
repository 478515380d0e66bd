//! Recovery (`[recovery]`): missing-child reports and NCIC matches, HSI investigators over time,
//! screening for trafficking indicators (`[recovery.screening]`), exploitation leads by source and
//! outreach campaigns (`[recovery.leads]`), victims' cooperation (`[recovery.cooperation]`), local
//! partners (`[recovery.local_partners]`) and targeted operations (`[recovery.operations.<key>]`).

use super::check::Check;
use super::time::Period;
use crate::scenario::raw::{self, ByKind};
use crate::sim::params::{
    Campaign, Cooperation, Leads, LocalPartners, Operation, Recovery, Screening, MINUTES_PER_DAY,
};

/// Longest operation or campaign accepted, in days (ten years).
const MAX_EVENT_DAYS: u32 = 3_653;

pub(super) fn validate(c: &mut Check, p: &Period, rc: &raw::Recovery) -> Recovery {
    let prob_check = |c: &mut Check, f: &str, v: f64| c.prob(f, v);
    Recovery {
        sponsor_reports_runaway: c.prob(
            "recovery.sponsor_reports_absence_probability",
            rc.sponsor_reports_absence_probability,
        ),
        missing_report_delay: c.days(
            "recovery.missing_report_delay_days_mean",
            rc.missing_report_delay_days_mean,
            "recovery.missing_report_delay_cv",
            rc.missing_report_delay_cv,
        ),
        ncic_match_rate: c.rate_per_year(
            "recovery.ncic_match_rate_per_year",
            rc.ncic_match_rate_per_year,
        ),
        investigators: p.schedule(
            c,
            "recovery.hsi_investigators",
            &rc.hsi_investigators,
            0,
            1_000_000,
            "investigators",
        ),
        reassigned_to_removal: p.dated(
            c,
            "recovery.reassigned_to_removal_share",
            &rc.reassigned_to_removal_share,
            prob_check,
        ),
        cases_per_investigator: c.at_least_one_u32(
            "recovery.cases_per_investigator",
            rc.cases_per_investigator,
            10_000,
            "concurrent cases",
        ),
        investigation: c.days(
            "recovery.investigation_days_mean",
            rc.investigation_days_mean,
            "recovery.investigation_cv",
            rc.investigation_cv,
        ),
        screening_investigation: c.days(
            "recovery.screening_investigation_days_mean",
            rc.screening_investigation_days_mean,
            "recovery.screening_investigation_cv",
            rc.screening_investigation_cv,
        ),
        operation_find_probability: c.prob(
            "recovery.operation_find_probability",
            rc.operation_find_probability,
        ),
        screening: screening(c, &rc.screening),
        leads: leads(c, p, &rc.leads),
        cooperation: cooperation(c, p, &rc.cooperation),
        operations: operations(c, p, rc),
        partners: LocalPartners {
            agreements_287g: rc.local_partners.agreements_287g,
            share_287g: p.dated(
                c,
                "recovery.local_partners.share_287g",
                &rc.local_partners.share_287g,
                prob_check,
            ),
        },
    }
}

fn screening(c: &mut Check, s: &raw::Screening) -> Screening {
    let f = |x: &str| format!("recovery.screening.{x}");
    Screening {
        cbp_detection: c.prob(&f("cbp_detection_probability"), s.cbp_detection_probability),
        cbp_false_referral: c.prob(
            &f("cbp_false_referral_probability"),
            s.cbp_false_referral_probability,
        ),
        orr_detection: c.prob(&f("orr_detection_probability"), s.orr_detection_probability),
        orr_false_referral: c.prob(
            &f("orr_false_referral_probability"),
            s.orr_false_referral_probability,
        ),
    }
}

fn leads(c: &mut Check, p: &Period, l: &raw::Leads) -> Leads {
    let by_kind = |c: &mut Check, f: &str, x: &ByKind| {
        [
            c.rate_per_year(&format!("recovery.leads.{f}.labour"), x.labour),
            c.rate_per_year(&format!("recovery.leads.{f}.sexual"), x.sexual),
        ]
    };
    let rate = [
        by_kind(c, "tip_line_per_year", &l.tip_line_per_year),
        by_kind(c, "ncmec_reports_per_year", &l.ncmec_reports_per_year),
        by_kind(c, "forensics_per_year", &l.forensics_per_year),
    ];
    let cold_days = c.range(
        "recovery.leads.cold_after_days",
        l.cold_after_days,
        1.0,
        MAX_EVENT_DAYS as f64,
        "days",
    );
    let mut campaigns = Vec::new();
    for (key, x) in &l.campaigns {
        let field = format!("recovery.leads.campaigns.{key}");
        named(c, &field, &x.name, &x.source);
        let tip_multiplier = c.range(
            &format!("{field}.tip_multiplier"),
            x.tip_multiplier,
            0.0,
            100.0,
            "times the tip-line rate",
        );
        if let Some((start_day, end_day)) = dated_event(c, p, &field, &x.from, x.days) {
            campaigns.push(Campaign {
                key: key.clone(),
                name: x.name.clone(),
                source: x.source.clone(),
                start_day,
                end_day,
                tip_multiplier,
            });
        }
    }
    campaigns.sort_by(|a, b| (a.start_day, &a.key).cmp(&(b.start_day, &b.key)));
    Leads {
        rate,
        tips_lowered_by_pressure: c.prob(
            "recovery.leads.tips_lowered_by_pressure",
            l.tips_lowered_by_pressure,
        ),
        cold_after: (cold_days * MINUTES_PER_DAY as f64).round() as u32,
        campaigns,
    }
}

fn cooperation(c: &mut Check, p: &Period, x: &raw::Cooperation) -> Cooperation {
    let f = |n: &str| format!("recovery.cooperation.{n}");
    Cooperation {
        without_relief: c.prob(
            &f("without_relief_probability"),
            x.without_relief_probability,
        ),
        relief_offered: p.dated(
            c,
            &f("relief_offered_probability"),
            &x.relief_offered_probability,
            |c, f, v| c.prob(f, v),
        ),
        with_relief: c.prob(&f("with_relief_probability"), x.with_relief_probability),
        lowered_by_pressure: c.prob(&f("lowered_by_pressure"), x.lowered_by_pressure),
        rescue_if_cooperating: c.prob(
            &f("rescue_probability_if_cooperating"),
            x.rescue_probability_if_cooperating,
        ),
        rescue_otherwise: c.prob(
            &f("rescue_probability_otherwise"),
            x.rescue_probability_otherwise,
        ),
        further_victims: c.prob(
            &f("further_victims_probability"),
            x.further_victims_probability,
        ),
        identifies_trafficker: c.prob(
            &f("identifies_trafficker_probability"),
            x.identifies_trafficker_probability,
        ),
    }
}

fn operations(c: &mut Check, p: &Period, rc: &raw::Recovery) -> Vec<Operation> {
    let mut out = Vec::new();
    for (key, o) in &rc.operations {
        let field = format!("recovery.operations.{key}");
        named(c, &field, &o.name, &o.source);
        let region_share = c.prob(&format!("{field}.region_share"), o.region_share);
        for (name, v) in [
            ("capacity_per_day", o.capacity_per_day),
            ("partner_capacity_per_day", o.partner_capacity_per_day),
        ] {
            if v > 1_000_000 {
                c.bad(
                    &format!("{field}.{name}"),
                    v,
                    "must be an integer in [0, 1000000] children per day",
                );
            }
        }
        if let Some((start_day, end_day)) = dated_event(c, p, &field, &o.from, o.days) {
            out.push(Operation {
                key: key.clone(),
                name: o.name.clone(),
                source: o.source.clone(),
                start_day,
                end_day,
                region_share,
                capacity_per_day: o.capacity_per_day.min(1_000_000),
                partner_capacity_per_day: o.partner_capacity_per_day.min(1_000_000),
            });
        }
    }
    out.sort_by(|a, b| (a.start_day, &a.key).cmp(&(b.start_day, &b.key)));
    out
}

/// A dated event's name and source must say something.
fn named(c: &mut Check, field: &str, name: &str, source: &str) {
    for (f, text) in [("name", name), ("source", source)] {
        if text.trim().is_empty() {
            c.bad(
                &format!("{field}.{f}"),
                "\"\"",
                "must say what it is and where it is documented, or \"assumption\" (not empty)",
            );
        }
    }
}

/// The first and last simulation day of an event starting on `from` ("YYYY-MM-DD", or "never":
/// removed) and lasting `days` days; `None` if removed or wholly outside the simulated period.
fn dated_event(
    c: &mut Check,
    p: &Period,
    field: &str,
    from: &str,
    days: u32,
) -> Option<(u32, u32)> {
    if days == 0 || days > MAX_EVENT_DAYS {
        c.bad(
            &format!("{field}.days"),
            days,
            &format!("must be an integer in [1, {MAX_EVENT_DAYS}] days"),
        );
        return None;
    }
    if from == "never" {
        return None;
    }
    let date = c.parse_date(&format!("{field}.from"), from)?;
    let start = (date - p.start).num_days();
    let end = start + days as i64 - 1;
    if end < 0 || start >= p.days as i64 {
        return None;
    }
    Some((start.max(0) as u32, end.min(p.days as i64 - 1) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period() -> Period {
        let t = raw::Time {
            start_date: "2020-01-01".into(),
            horizon_date: "2020-12-31".into(),
            contact_window_days: 180,
        };
        super::super::time::period(&mut Check::default(), &t).expect("valid period")
    }

    #[test]
    fn dated_events_are_clipped_to_the_period_removed_by_never_and_checked() {
        let p = period();
        let mut c = Check::default();
        assert_eq!(
            dated_event(&mut c, &p, "x", "2020-01-11", 10),
            Some((10, 19))
        );
        assert_eq!(
            dated_event(&mut c, &p, "x", "2019-12-30", 5),
            Some((0, 2)),
            "an event begun before the start keeps its remaining days"
        );
        assert_eq!(
            dated_event(&mut c, &p, "x", "2020-12-30", 30),
            Some((364, 365))
        );
        assert_eq!(dated_event(&mut c, &p, "x", "2021-02-01", 5), None);
        assert_eq!(dated_event(&mut c, &p, "x", "2019-01-01", 5), None);
        assert_eq!(dated_event(&mut c, &p, "x", "never", 5), None);
        assert!(c.problems.is_empty());
        assert_eq!(dated_event(&mut c, &p, "op", "2020-02-01", 0), None);
        assert_eq!(dated_event(&mut c, &p, "op", "2020-02-31", 3), None);
        let problems: Vec<String> = c.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("`op.days` = 0: must be an integer in [1, 3653] days"));
        assert!(problems[1].contains("`op.from`"));
    }
}
