//! The leads and rescues per lead source: how many leads each source sent HSI
//! (`leads_from_<source>`) and how many children investigations of its leads rescued
//! (`rescued_by_leads_from_<source>`).

use super::values::Entry;
use super::{Better, Kind, Metric, CHILDREN};
use crate::sim::params::{LeadSource, N_LEAD_SOURCES};

/// Per lead source (in [`LeadSource::ALL`] order): the labels of the leads it sent
/// (`leads_from_<source>`) and of the rescues by its leads (`rescued_by_leads_from_<source>`).
const LEAD_SOURCE_LABELS: [[&str; 2]; N_LEAD_SOURCES] = [
    [
        "Leads from screening referrals",
        "Rescues by investigations of screening referrals",
    ],
    [
        "Leads from the HSI tip line",
        "Rescues by investigations of tip-line leads",
    ],
    [
        "Leads from NCMEC reports",
        "Rescues by investigations of NCMEC reports",
    ],
    [
        "Leads from online-exploitation forensics",
        "Rescues by investigations of forensic leads",
    ],
    [
        "Leads naming further victims (from cooperating victims)",
        "Rescues by investigations of further victims named by a victim",
    ],
];

/// The lead sources' entries of the catalogue: for each source in [`LeadSource::ALL`] order, its
/// leads, then its rescues.
pub(super) fn entries() -> impl Iterator<Item = Entry> {
    LeadSource::ALL
        .into_iter()
        .enumerate()
        .flat_map(|(i, source)| {
            let [leads, rescues] = LEAD_SOURCE_LABELS[i];
            let count = |key: String, label: &str, unit, better| Metric {
                key,
                label: label.to_string(),
                unit,
                better,
                lens: None,
                kind: Kind::Count,
            };
            let leads: Entry = (
                count(
                    format!("leads_from_{}", source.name()),
                    leads,
                    "leads",
                    Better::Neither,
                ),
                Box::new(move |s| s.leads_by_source[i] as f64),
            );
            let rescues: Entry = (
                count(
                    format!("rescued_by_leads_from_{}", source.name()),
                    rescues,
                    CHILDREN,
                    Better::Higher,
                ),
                Box::new(move |s| s.rescued_by_lead_source[i] as f64),
            );
            [leads, rescues]
        })
}
