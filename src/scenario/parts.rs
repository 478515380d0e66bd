//! The sections of a scenario, each read on its own ([`Parts`]): a section with a schema problem is
//! `None` and its problems are listed, so that every problem of a file is reported at once and the
//! sections that could be read are still checked for their ranges (`validate`).

use serde::de::DeserializeOwned;
use serde::Serialize;
use toml::Table;

use super::raw::{self, RawScenario};
use crate::error::Problem;
use crate::input::{short, strict};

macro_rules! sections {
    ($($name:ident: $ty:ty),* $(,)?) => {
        /// The sections of a scenario, each read on its own (`None` where it has a schema problem).
        #[derive(Debug, Clone, Default)]
        pub(crate) struct Parts {
            $(pub(crate) $name: Option<$ty>,)*
        }

        /// The top-level keys of a scenario (besides `extends`).
        const SECTIONS: &[&str] = &[$(stringify!($name)),*];

        impl Parts {
            /// Read every section of `merged`, adding each schema problem to `problems`.
            pub(crate) fn read(merged: &Table, problems: &mut Vec<Problem>) -> Parts {
                for key in merged.keys() {
                    if !SECTIONS.contains(&key.as_str()) {
                        problems.push(Problem {
                            field: key.clone(),
                            value: short(&merged[key]),
                            allowed: crate::input::suggest::unknown_field(&format!(
                                "unknown field `{key}`, expected one of `extends`, {}",
                                SECTIONS.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                            )),
                        });
                    }
                }
                Parts { $($name: section(merged, stringify!($name), problems),)* }
            }

            /// The whole scenario, if every section could be read.
            pub(crate) fn complete(self) -> Option<RawScenario> {
                Some(RawScenario { extends: None, $($name: self.$name?,)* })
            }
        }

        impl From<RawScenario> for Parts {
            fn from(r: RawScenario) -> Parts {
                Parts { $($name: Some(r.$name),)* }
            }
        }
    };
}

sections! {
    meta: raw::Meta,
    time: raw::Time,
    arrivals: raw::Arrivals,
    children: raw::Children,
    sponsors: raw::Sponsors,
    cbp: raw::Cbp,
    orr: raw::Orr,
    vetting: raw::Vetting,
    release: raw::Release,
    data_sharing: raw::DataSharing,
    life: raw::Life,
    wellbeing_calls: raw::WellbeingCalls,
    post_release_services: raw::PostReleaseServices,
    ice: raw::Ice,
    court: raw::Court,
    welfare_checks: raw::WelfareChecks,
    recovery: raw::Recovery,
    policy: raw::Policy,
    deterrence: raw::Deterrence,
}

/// Read the section `key` of `merged`, or record why it cannot be read.
fn section<T: DeserializeOwned + Serialize>(
    merged: &Table,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let Some(value) = merged.get(key) else {
        problems.push(Problem {
            field: key.to_string(),
            value: "(missing)".into(),
            allowed:
                "missing; this field is required (set it in this file or in a file it extends)"
                    .into(),
        });
        return None;
    };
    match strict(value, key) {
        Ok(t) => Some(t),
        Err(p) => {
            problems.extend(p);
            None
        }
    }
}
