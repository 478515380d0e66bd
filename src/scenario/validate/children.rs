//! Children (`[children]`): age and country-group mixes, reach multipliers and the spread of
//! individual propensities.

use super::check::Check;
use crate::scenario::raw;
use crate::sim::params::Children;

pub(super) fn validate(c: &mut Check, ch: &raw::Children) -> Children {
    let age_cdf = c.cdf("children.age_weights", &ch.age_weights, Some(18));
    if ch.country_groups.is_empty() {
        c.bad(
            "children.country_groups",
            "[]",
            "must list at least one group",
        );
    }
    let shares: Vec<f64> = ch.country_groups.iter().map(|g| g.share).collect();
    let country_cdf = if shares.is_empty() {
        vec![1.0]
    } else {
        c.cdf_of(
            "children.country_groups",
            &|i| format!("children.country_groups[{i}].share"),
            &shares,
            None,
        )
    };
    if ch.country_groups.len() > 255 {
        c.bad(
            "children.country_groups",
            ch.country_groups.len(),
            "at most 255 groups",
        );
    }
    let country_reach_multiplier = ch
        .country_groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            c.range(
                &format!("children.country_groups[{i}].reach_multiplier"),
                g.reach_multiplier,
                0.0,
                10.0,
                "",
            )
        })
        .collect();
    let propensity_log_sd = c.range(
        "children.propensity_log_sd",
        ch.propensity_log_sd,
        0.0,
        3.0,
        "",
    );
    Children {
        age_cdf,
        country_cdf,
        country_reach_multiplier,
        propensity_log_sd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::CountryGroup;

    #[test]
    fn country_groups_need_shares_and_bounded_reach() {
        let group = |share, reach_multiplier| CountryGroup {
            name: "g".into(),
            share,
            reach_multiplier,
        };
        let ch = raw::Children {
            age_weights: vec![1.0; 18],
            country_groups: vec![group(1.0, 1.0), group(3.0, 11.0)],
            propensity_log_sd: 0.5,
        };
        let mut c = Check::default();
        let v = validate(&mut c, &ch);
        assert_eq!(v.country_cdf, vec![0.25, 1.0]);
        assert_eq!(v.country_reach_multiplier, vec![1.0, 0.0]);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(
            c.problems[0].to_string(),
            "field `children.country_groups[1].reach_multiplier` = 11: must be in [0, 10] "
        );

        let none = raw::Children {
            country_groups: Vec::new(),
            ..ch
        };
        let mut c = Check::default();
        validate(&mut c, &none);
        let fields: Vec<&str> = c.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["children.country_groups"]);
        // A bad share is named by its own path.
        let mut groups = ch.country_groups.clone();
        groups[0].share = -1.0;
        let bad = raw::Children {
            country_groups: groups,
            ..none
        };
        let mut c = Check::default();
        validate(&mut c, &bad);
        let fields: Vec<&str> = c.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "children.country_groups[0].share",
                "children.country_groups[1].reach_multiplier"
            ]
        );
    }
}
