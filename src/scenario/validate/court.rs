//! Immigration court (`[court]`): hearing capacity, notice, representation, appearance and how
//! cases close.

use super::check::Check;
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::{Court, MINUTES_PER_DAY};

pub(super) fn validate(c: &mut Check, p: &Period, k: &raw::Court) -> Court {
    Court {
        hearings_per_day: p.schedule(
            c,
            "court.hearings_per_day",
            &k.hearings_per_day,
            1,
            10_000_000,
            "hearings per day",
        ),
        min_notice_days: c.range(
            "court.min_notice_days",
            k.min_notice_days as f64,
            0.0,
            3650.0,
            "days",
        ) as u32,
        notice_lead: c.range(
            "court.notice_sent_days_before_hearing",
            k.notice_sent_days_before_hearing as f64,
            0.0,
            3650.0,
            "days",
        ) as u32
            * MINUTES_PER_DAY,
        notice_via_counsel: c.prob(
            "court.notice_via_counsel_probability",
            k.notice_via_counsel_probability,
        ),
        representation: c.prob(
            "court.representation_probability",
            k.representation_probability,
        ),
        change_of_address_represented: c.prob(
            "court.change_of_address_probability_represented",
            k.change_of_address_probability_represented,
        ),
        appear_notice_represented: c.prob(
            "court.appear_probability_notice_represented",
            k.appear_probability_notice_represented,
        ),
        appear_notice_unrepresented: c.prob(
            "court.appear_probability_notice_unrepresented",
            k.appear_probability_notice_unrepresented,
        ),
        appear_no_notice: c.prob(
            "court.appear_probability_no_notice",
            k.appear_probability_no_notice,
        ),
        case_closes_per_hearing: c.prob(
            "court.case_closes_probability_per_hearing",
            k.case_closes_probability_per_hearing,
        ),
        next_hearing: c.days(
            "court.next_hearing_days_mean",
            k.next_hearing_days_mean,
            "court.next_hearing_cv",
            k.next_hearing_cv,
        ),
    }
}
