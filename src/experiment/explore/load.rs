//! Reading an explore file: the prelude, the checks of every section (every independent problem
//! at once), then the futures, then every (future, policy) as a scenario.

use std::path::Path;

use super::checks::{self, Outcomes};
use super::futures::{self, Futures, Levers, Size};
use super::raw::ExploreParts;
use super::Explore;
use crate::error::ScenarioError;
use crate::experiment::checks as shared;
use crate::input::{self, Problems};

/// SHA-256 of `parts`, each preceded by its length.
fn sha_hex(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Read and check an explore file.
pub(crate) fn load(file: &Path) -> Result<Explore, ScenarioError> {
    let source = input::read(file, "explore")?;
    let mut p = Problems::default();
    let parts: ExploreParts = input::read_parts(&source.table, &mut p);
    let dir = file.parent().unwrap_or(Path::new("."));

    let policies = checks::policies(
        &mut p,
        dir,
        parts.baseline.as_deref(),
        parts.reforms.as_deref().unwrap_or_default(),
    );
    let policies: Option<Vec<_>> = match parts.reforms {
        Some(_) => policies.into_iter().collect(),
        None => None,
    };
    if let Some(r) = parts.replications {
        shared::replications(&mut p, r);
    }
    let scale = parts.scale.map(|s| checks::scale(&mut p, s));
    let max_runs = parts.max_runs.map(|m| shared::max_runs(&mut p, m));
    let outcomes = match (&parts.metrics, &parts.robustness) {
        (Some(m), Some(rob)) => Some(checks::outcomes(
            &mut p,
            m.as_deref(),
            &rob.clone().unwrap_or_default(),
        )),
        _ => None,
    };
    let levers = policies.as_deref().map(Levers::of);
    let plan = match (&parts.futures, &parts.uncertainties) {
        (Some(f), Some(u)) => {
            let base = policies.as_ref().zip(levers.as_ref());
            let base = base.map(|(ps, l)| (&ps[0].scenario.loaded.merged, l));
            futures::check(&mut p, dir, f, u.as_ref(), base)
        }
        _ => None,
    };
    let (
        Some(policies),
        Some(levers),
        Some(replications),
        Some(seed),
        Some(scale),
        Some(max_runs),
        Some(Outcomes {
            metrics,
            directions,
            thresholds,
            percentiles,
        }),
        Some(plan),
    ) = (
        policies,
        levers,
        parts.replications,
        parts.seed,
        scale,
        max_runs,
        outcomes,
        plan,
    )
    else {
        return Err(p.into_error(file));
    };
    p.refuse_if_any(file)?;

    let size = Size {
        replications,
        policies: policies.len(),
        max_runs,
    };
    let drawn = futures::draw(&mut p, plan, &policies[0].scenario, &levers, &size, seed);
    let Some(Futures {
        uncertain,
        held_by_reforms,
        futures,
        design_csv,
        posterior,
    }) = drawn
    else {
        return Err(p.into_error(file));
    };
    let (design_csv, csv_bytes) = match design_csv {
        Some((path, bytes)) => (Some(path), bytes),
        None => (None, Vec::new()),
    };
    let identity = {
        let mut parts: Vec<&[u8]> = vec![&source.bytes, &csv_bytes];
        for p in &policies {
            for (_, b) in &p.scenario.loaded.sources {
                parts.push(b);
            }
        }
        sha_hex(&parts)
    };
    let explore = Explore {
        file: file.to_path_buf(),
        policies,
        replications,
        seed,
        scale,
        uncertain,
        held_by_reforms,
        futures,
        design_csv,
        posterior,
        metrics,
        directions,
        thresholds,
        percentiles,
        identity,
    };
    // Every (future, policy) must be a valid scenario: refuse the explore before anything runs.
    for f in 0..explore.futures.len() {
        for p in 0..explore.policies.len() {
            explore.scenario(f, p)?;
        }
    }
    Ok(explore)
}
