//! Sponsors (`[sponsors]`): sponsor categories, risk of neglect or exploitation, identification
//! delays and repeated sponsor attempts.

use super::check::Check;
use crate::scenario::raw;
use crate::sim::params::Sponsors;

pub(super) fn validate(c: &mut Check, s: &raw::Sponsors) -> Sponsors {
    let category_cdf3 = c.cdf("sponsors.category_shares", &s.category_shares, Some(3));
    let next_cdf3 = c.cdf(
        "sponsors.next_sponsor_category_shares",
        &s.next_sponsor_category_shares,
        Some(3),
    );
    let risk = risk(c, s);
    let idm = s.identification_days_mean;
    let identification = [0, 1, 2].map(|i| {
        c.days(
            &format!("sponsors.identification_days_mean[{i}]"),
            idm[i],
            "sponsors.identification_cv",
            s.identification_cv,
        )
    });
    Sponsors {
        category_cdf: to3(&category_cdf3),
        no_viable_sponsor: c.prob(
            "sponsors.no_viable_sponsor_probability",
            s.no_viable_sponsor_probability,
        ),
        risk,
        identification,
        incomplete_record_delay: c.days(
            "sponsors.incomplete_record_extra_days_mean",
            s.incomplete_record_extra_days_mean,
            "sponsors.incomplete_record_extra_days_cv",
            s.incomplete_record_extra_days_cv,
        ),
        next_sponsor_category_cdf: to3(&next_cdf3),
        max_attempts: c.at_least_one_u32(
            "sponsors.max_sponsor_attempts",
            s.max_sponsor_attempts,
            100,
            "sponsors",
        ),
    }
}

/// Per category: (neglectful, exploitative) probabilities, which together may not exceed 1.
fn risk(c: &mut Check, s: &raw::Sponsors) -> [[f64; 2]; 3] {
    let negl = c.probs3("sponsors.neglectful_probability", s.neglectful_probability);
    let expl = c.probs3(
        "sponsors.exploitative_probability",
        s.exploitative_probability,
    );
    for i in 0..3 {
        if negl[i] + expl[i] > 1.0 + 1e-12 {
            c.bad(
                &format!(
                    "sponsors.neglectful_probability[{i}] + sponsors.exploitative_probability[{i}]"
                ),
                negl[i] + expl[i],
                "must not exceed 1",
            );
        }
    }
    [0, 1, 2].map(|i| [negl[i], expl[i]])
}

fn to3(v: &[f64]) -> [f64; 3] {
    [v[0], v[1], v[2]]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sponsors() -> raw::Sponsors {
        raw::Sponsors {
            category_shares: [1.0, 1.0, 2.0],
            no_viable_sponsor_probability: 0.0,
            neglectful_probability: [0.1, 0.6, 0.2],
            exploitative_probability: [0.1, 0.5, 0.2],
            identification_days_mean: [10.0, 20.0, 30.0],
            identification_cv: 1.0,
            incomplete_record_extra_days_mean: 5.0,
            incomplete_record_extra_days_cv: 1.0,
            next_sponsor_category_shares: [1.0, 1.0, 1.0],
            max_sponsor_attempts: 3,
        }
    }

    #[test]
    fn neglect_and_exploitation_together_may_not_exceed_one() {
        let mut c = Check::default();
        let v = validate(&mut c, &sponsors());
        assert_eq!(v.category_cdf, [0.25, 0.5, 1.0]);
        assert_eq!(v.risk[1], [0.6, 0.5]);
        assert_eq!(c.problems.len(), 1);
        let p = &c.problems[0];
        assert_eq!(
            p.field,
            "sponsors.neglectful_probability[1] + sponsors.exploitative_probability[1]"
        );
        assert_eq!(p.value, "1.1");
        assert_eq!(p.allowed, "must not exceed 1");
    }

    #[test]
    fn a_bad_identification_cv_is_reported_for_each_category() {
        let mut c = Check::default();
        let s = raw::Sponsors {
            identification_cv: -1.0,
            max_sponsor_attempts: 0,
            neglectful_probability: [0.0; 3],
            ..sponsors()
        };
        let v = validate(&mut c, &s);
        assert_eq!(v.identification[2].mean, 30.0 * 1440.0);
        assert_eq!(v.max_attempts, 1);
        let fields: Vec<&str> = c.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "sponsors.identification_cv",
                "sponsors.identification_cv",
                "sponsors.identification_cv",
                "sponsors.max_sponsor_attempts",
            ]
        );
        assert_eq!(
            c.problems[3].allowed,
            "must be an integer in [1, 100] sponsors"
        );
    }
}
