//! Immigration court (`[court]`): hearing capacity, notice, representation, appearance and how
//! cases close.

use super::check::Check;
use super::time::Period;
use crate::scenario::raw;
use crate::sim::params::{Court, MINUTES_PER_DAY};

pub(super) fn validate(c: &mut Check, p: &Period, k: &raw::Court) -> Court {
    // A case that can stay open is heard again after this interval: zero would hear it again at
    // once, every day until the horizon (only the daily capacity stops it).
    if k.next_hearing_days_mean == 0.0 && k.case_closes_probability_per_hearing < 1.0 {
        c.bad(
            "court.next_hearing_days_mean",
            k.next_hearing_days_mean,
            "must be more than 0 days while a case can stay open after a hearing \
             (court.case_closes_probability_per_hearing below 1): a case would be heard again \
             at once, every day",
        );
    }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::load;
    use crate::scenario::validate::validate;

    fn problems(interval: f64, closes: f64) -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let mut r = load::load(&path).unwrap().raw;
        r.court.next_hearing_days_mean = interval;
        r.court.case_closes_probability_per_hearing = closes;
        match validate(&r) {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(ToString::to_string).collect(),
        }
    }

    /// A zero interval between hearings is refused while cases can stay open (version 2.1
    /// accepted it and heard such cases every day); it is harmless when every case closes.
    #[test]
    fn a_zero_hearing_interval_is_refused_while_cases_can_stay_open() {
        let p = problems(0.0, 0.0);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("court.next_hearing_days_mean") && p[0].contains("more than 0 days"),
            "{p:?}"
        );
        assert!(problems(0.0, 1.0).is_empty());
        assert!(problems(30.0, 0.0).is_empty());
    }
}
