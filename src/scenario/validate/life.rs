//! Life after release (`[life]`): moves and whether they are reported, running away,
//! exploitation and placement breakdown, as hazards per minute.

use super::check::Check;
use crate::scenario::raw::{self, ByRisk};
use crate::sim::params::Life;

pub(super) fn validate(c: &mut Check, l: &raw::Life) -> Life {
    Life {
        move_rate: c.rate_per_year("life.move_rate_per_year", l.move_rate_per_year),
        move_reported: [
            c.prob(
                "life.move_reported_probability.orr",
                l.move_reported_probability.orr,
            ),
            c.prob(
                "life.move_reported_probability.ice",
                l.move_reported_probability.ice,
            ),
            c.prob(
                "life.move_reported_probability.court",
                l.move_reported_probability.court,
            ),
        ],
        runaway_rate: by_risk(c, "life.runaway_rate_per_year", &l.runaway_rate_per_year),
        exploitation_rate: by_risk(
            c,
            "life.exploitation_rate_per_year",
            &l.exploitation_rate_per_year,
        ),
        exploitation_relocates: c.prob(
            "life.exploitation_relocates_probability",
            l.exploitation_relocates_probability,
        ),
        sexual_exploitation: c.prob(
            "life.sexual_exploitation_probability",
            l.sexual_exploitation_probability,
        ),
        breakdown_rate: by_risk(
            c,
            "life.breakdown_rate_per_year",
            &l.breakdown_rate_per_year,
        ),
    }
}

/// Yearly rates for safe, neglectful and exploitative sponsors, per minute.
fn by_risk(c: &mut Check, f: &str, x: &ByRisk) -> [f64; 3] {
    [
        c.rate_per_year(&format!("{f}.safe"), x.safe),
        c.rate_per_year(&format!("{f}.neglectful"), x.neglectful),
        c.rate_per_year(&format!("{f}.exploitative"), x.exploitative),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::ByAgency;

    #[test]
    fn yearly_rates_become_per_minute_and_are_bounded() {
        let risk = |safe| ByRisk {
            safe,
            neglectful: 0.0,
            exploitative: 0.0,
        };
        let l = raw::Life {
            move_rate_per_year: 365.25,
            move_reported_probability: ByAgency {
                orr: 0.5,
                ice: 0.5,
                court: 0.5,
            },
            runaway_rate_per_year: risk(1001.0),
            exploitation_rate_per_year: risk(0.0),
            exploitation_relocates_probability: 0.5,
            sexual_exploitation_probability: 0.3,
            breakdown_rate_per_year: ByRisk {
                safe: 0.0,
                neglectful: -0.1,
                exploitative: 365.25,
            },
        };
        let mut c = Check::default();
        let v = validate(&mut c, &l);
        assert!((v.move_rate - 1.0 / 1440.0).abs() < 1e-15);
        assert_eq!(v.runaway_rate, [0.0; 3]);
        assert!((v.breakdown_rate[2] - 1.0 / 1440.0).abs() < 1e-15);
        assert_eq!(v.breakdown_rate[1], 0.0);
        let problems: Vec<String> = c.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            problems,
            [
                "field `life.runaway_rate_per_year.safe` = 1001: must be in [0, 1000] per year",
                "field `life.breakdown_rate_per_year.neglectful` = -0.1: must be in [0, 1000] per year",
            ]
        );
    }
}
