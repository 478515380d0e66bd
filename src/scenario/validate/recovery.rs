//! Recovery (`[recovery]`): missing-child reports, NCIC matches, exploitation leads and HSI
//! investigations that may rescue a child.

use super::check::Check;
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::Recovery;

pub(super) fn validate(c: &mut Check, p: &Period, rc: &raw::Recovery) -> Recovery {
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
        exploitation_lead_rate: c.rate_per_year(
            "recovery.exploitation_leads_per_year",
            rc.exploitation_leads_per_year,
        ),
        investigators: p.schedule(
            c,
            "recovery.hsi_investigators",
            &rc.hsi_investigators,
            1,
            1_000_000,
            "investigators",
        ),
        reassigned_to_removal: c.prob(
            "recovery.reassigned_to_removal_share",
            rc.reassigned_to_removal_share,
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
        rescue_probability: c.prob("recovery.rescue_probability", rc.rescue_probability),
    }
}
