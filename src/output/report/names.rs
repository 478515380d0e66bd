//! Human names for the keys the report and the charts show: a metric's label from the catalogue,
//! else the name of a daily series, sensitivity index or scenario setting, else the key in words.

/// The human names of what is not a metric (every metric has its label in the catalogue,
/// [`crate::sim::metrics`]): the daily series the charts draw, the sensitivity indices, and the
/// scenario settings the example sweeps and calibration vary. The report and the charts take every
/// label from the catalogue or here ([`human_name`]); a unit test checks that every swept setting
/// has a name.
pub(crate) const HUMAN_NAMES: &[(&str, &str)] = &[
    // Daily series (timeseries.csv) that the charts draw.
    ("cbp_custody", "In Border Patrol (CBP) custody"),
    ("orr_care", "In ORR shelter care"),
    ("with_sponsor", "Living with the sponsor"),
    ("left_sponsor", "Left the sponsor"),
    ("rescued_state", "Rescued"),
    ("aged_out", "Turned 18 (no longer followed)"),
    ("departed", "Left the country"),
    ("followed", "Released children followed"),
    (
        "unlocatable_by_ice",
        "Unlocatable by ICE (the acting agency)",
    ),
    ("unlocatable_pooled", "Unlocatable by every agency (pooled)"),
    ("unlocatable_by_orr", "Unlocatable by ORR"),
    (
        "unlocatable_by_court",
        "Unlocatable by the immigration court",
    ),
    // Sensitivity indices (sensitivity.csv).
    (
        "mu_star",
        "Typical effect across the setting's range (Morris \u{3bc}*)",
    ),
    ("mu", "Average signed effect (Morris \u{3bc})"),
    (
        "sigma",
        "Spread of effects: interactions or curvature (Morris \u{3c3})",
    ),
    (
        "first_order",
        "Share of variation due to this setting alone (Sobol first-order)",
    ),
    (
        "total",
        "Share of variation including interactions (Sobol total)",
    ),
    // Scenario settings varied by the example sweeps and calibration.
    (
        "data_sharing.orr_to_ice_probability",
        "Share of release addresses ORR sends to ICE",
    ),
    (
        "data_sharing.orr_to_ice_delay_days_mean",
        "Average days before ORR's release address reaches ICE",
    ),
    (
        "data_sharing.ice_record_match_probability",
        "Chance ICE matches its record against other records before a check",
    ),
    (
        "release.address_error_probability",
        "Share of release addresses blank or wrong",
    ),
    ("life.move_rate_per_year", "Household moves per year"),
    (
        "life.move_reported_probability.ice",
        "Chance a move is reported to ICE",
    ),
    (
        "ice.ntas_per_officer_day",
        "Notices to Appear served per ICE officer-day",
    ),
    ("welfare_checks.teams[0].value", "Welfare-check teams"),
    ("wellbeing_calls.staff[0].value", "Well-being call staff"),
    (
        "wellbeing_calls.answer_probability_if_current",
        "Chance a household at the address on file answers a call",
    ),
    (
        "time.contact_window_days",
        "Contact window (days a contact keeps a child locatable)",
    ),
    // Assumptions of the baseline's calibration (scenarios/calibration/baseline.toml).
    (
        "orr.cases_per_case_manager",
        "Vetting cases per ORR case manager",
    ),
    (
        "orr.release_processing_days_mean",
        "Average days from approval to release",
    ),
    (
        "vetting.home_study_days_mean",
        "Average days per home study",
    ),
    (
        "sponsors.incomplete_record_extra_days_mean",
        "Extra days when CBP's referral record is incomplete",
    ),
    (
        "cbp.processing_hours_mean",
        "Average hours of CBP processing",
    ),
    (
        "cbp.transport_hours_mean",
        "Average hours of transport to an ORR shelter",
    ),
    (
        "cbp.record_completeness_probability",
        "Share of CBP referral records complete",
    ),
    (
        "orr.influx_open_delay_days",
        "Days to stand up influx sites",
    ),
    (
        "ice.nta_probability",
        "Chance ICE issues a Notice to Appear once it holds an address",
    ),
    (
        "court.representation_probability",
        "Share of children with a lawyer",
    ),
    (
        "wellbeing_calls.reach_probability_if_stale",
        "Chance a call reaches a household that has moved",
    ),
    (
        "orr.voluntary_departure_rate_per_year",
        "Voluntary departures from ORR care per year",
    ),
];

/// The human name of a metric (its label in the catalogue, [`crate::sim::metrics`]), daily
/// series, index or setting (see [`HUMAN_NAMES`]). A setting that is not in the table gets its
/// dotted path in words (`data_sharing.orr_to_ice_delay` -> "data sharing: ORR to ICE delay"),
/// never the raw key.
pub(crate) fn human_name(key: &str) -> String {
    if let Some(label) = crate::sim::metrics::label(key) {
        return label.to_string();
    }
    if let Some((_, n)) = HUMAN_NAMES.iter().find(|(k, _)| *k == key) {
        return (*n).to_string();
    }
    let words = |part: &str| -> String {
        part.split('_')
            .map(|w| match w {
                "orr" | "ice" | "cbp" | "nta" | "ntas" | "hsi" | "ncic" | "ncmec" => {
                    w.to_ascii_uppercase().replace("NTAS", "NTAs")
                }
                _ => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let parts: Vec<String> = key
        .split('.')
        .map(|p| {
            // `staff[0]` -> "staff (step 1)"
            match p.split_once('[') {
                Some((name, rest)) => {
                    let i: usize = rest.trim_end_matches(']').parse().unwrap_or(0);
                    format!("{} (step {})", words(name), i + 1)
                }
                None => words(p),
            }
        })
        .filter(|p| p != "value")
        .collect();
    let mut out = match parts.split_first() {
        Some((first, rest)) if !rest.is_empty() => format!("{first}: {}", rest.join(", ")),
        _ => parts.join(""),
    };
    if let Some(c) = out.get(0..1) {
        let up = c.to_ascii_uppercase();
        out.replace_range(0..1, &up);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_and_swept_setting_has_a_human_name() {
        let named = |k: &str| {
            HUMAN_NAMES.iter().any(|(n, _)| *n == k)
                || crate::sim::metrics::label(k.trim_end_matches("_cum")).is_some()
        };
        for m in crate::output::schema::metric_names() {
            assert!(named(m), "metric `{m}` has no human name");
        }
        for (k, _) in HUMAN_NAMES {
            assert!(
                crate::sim::metrics::get(k).is_none(),
                "`{k}` is a metric: its label is the catalogue's"
            );
        }
        // Every setting varied by the example sweeps and calibration.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for dir in ["sweeps", "calibration"] {
            for e in std::fs::read_dir(root.join(dir)).expect("scenarios/") {
                let text = std::fs::read_to_string(e.expect("entry").path()).expect("read");
                for line in text.lines() {
                    if let Some(rest) = line.trim().strip_prefix("path = \"") {
                        let path = rest.split('"').next().unwrap_or_default();
                        assert!(named(path), "setting `{path}` has no human name");
                    }
                }
            }
        }
        for (_, name) in HUMAN_NAMES {
            assert!(!name.contains('_'), "not a human name: {name}");
        }
    }

    #[test]
    fn unknown_settings_read_as_words() {
        assert_eq!(
            human_name("data_sharing.orr_to_court_probability"),
            "Data sharing: ORR to court probability"
        );
        assert_eq!(
            human_name("court.judges[1].value"),
            "Court: judges (step 2)"
        );
    }
}
