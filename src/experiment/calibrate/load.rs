//! Reading a calibration file: the prelude, its base scenario and targets file, the checks of
//! every section (every independent problem at once), then the candidates, each a valid scenario.

use std::path::{Path, PathBuf};

use super::raw::CalibrationParts;
use super::{abc, checks, Calibration};
use crate::error::ScenarioError;
use crate::experiment::checks as shared;
use crate::experiment::targets::{self, Calendar, Target};
use crate::input::{self, Problems};
use crate::scenario::{self, Scenario};

/// Read and check a calibration file, its base scenario and its targets file.
pub(crate) fn load(file: &Path) -> Result<Calibration, ScenarioError> {
    let source = input::read(file, "calibration")?;
    let mut p = Problems::default();
    let parts: CalibrationParts = input::read_parts(&source.table, &mut p);
    let dir = file.parent().unwrap_or(Path::new("."));
    let base = parts.base.as_deref().and_then(|b| {
        let path = dir.join(b);
        scenario::load_named(&mut p, "base", b, &path).map(|s| (path, s))
    });
    let targets = parts.targets.as_deref().and_then(|t| {
        let path = dir.join(t);
        let Some((_, base)) = &base else {
            p.reference("targets", t, &path, "targets");
            return None;
        };
        let calendar = Calendar {
            start_date: &base.loaded.raw.time.start_date,
            horizon_days: base.params.horizon_days,
        };
        targets::load_named(&mut p, "targets", t, &path, calendar).map(|t| (path, t))
    });
    let sources = match (base, targets) {
        (Some((base_path, base)), Some((targets_path, (targets, targets_bytes)))) => {
            let identity = {
                use sha2::{Digest, Sha256};
                let mut h = Sha256::new();
                h.update(&source.bytes);
                for (_, b) in &base.loaded.sources {
                    h.update(b);
                }
                h.update(&targets_bytes);
                h.finalize().iter().map(|b| format!("{b:02x}")).collect()
            };
            Some(Sources {
                base_path,
                base,
                targets_path,
                targets,
                identity,
            })
        }
        _ => None,
    };
    check(file, parts, p, sources)
}

/// What a calibration file refers to, read and checked.
pub(crate) struct Sources {
    pub base_path: PathBuf,
    pub base: Scenario,
    pub targets_path: PathBuf,
    /// Every target of the targets file.
    pub targets: Vec<Target>,
    pub identity: String,
}

/// Check the sections of a calibration file (`parts`, with the problems found so far in `p`)
/// against its base scenario and targets (`src`, if they could be read), then draw the candidates
/// (see [`load`]).
pub(crate) fn check(
    file: &Path,
    parts: CalibrationParts,
    mut p: Problems,
    src: Option<Sources>,
) -> Result<Calibration, ScenarioError> {
    let chosen = match (&src, &parts.fit, &parts.holdout) {
        (Some(s), Some(fit), Some(holdout)) => Some(checks::chosen_targets(
            &mut p,
            &s.targets_path,
            &s.targets,
            fit,
            holdout,
        )),
        _ => None,
    };
    if let Some(r) = parts.replications {
        shared::replications(&mut p, r);
    }
    let scale = parts.scale.flatten().unwrap_or(1.0);
    if let Some(message) = crate::scenario::scale::scale_problem(scale) {
        p.field("scale", message);
    }
    let method = parts
        .method
        .as_ref()
        .map(|m| checks::method(&mut p, m, parts.replications));
    let raw_screen = parts.screen.clone().flatten();
    match (&method, &parts.parameters) {
        (Some(checks::Method::Smc(_)), Some(raw)) => {
            checks::smc_extras(&mut p, raw_screen.as_ref(), raw)
        }
        (Some(checks::Method::Rejection(..)), _) if raw_screen.is_some() => p.field(
            "screen",
            "a screen comes before an ABC-SMC calibration (kind = \"abc_smc\"); rejection draws every parameter",
        ),
        _ => {}
    }
    let screen = raw_screen.as_ref().map(|s| super::Screen {
        replications: s.replications,
        threshold: s.threshold,
    });
    let base = src.as_ref().map(|s| &s.base.loaded.merged);
    let parameters = parts
        .parameters
        .as_ref()
        .and_then(|q| checks::parameters(&mut p, q, base));
    let (
        Some(src),
        Some(chosen),
        Some(fit),
        Some(replications),
        Some(seed),
        Some(method),
        Some(parameters),
    ) = (
        src,
        chosen,
        parts.fit,
        parts.replications,
        parts.seed,
        method,
        parameters,
    )
    else {
        return Err(p.into_error(file));
    };
    p.refuse_if_any(file)?;
    let (candidates, accept, smc) = match method {
        checks::Method::Rejection(n, accept) => {
            match abc::draw_candidates(&parameters, n as usize, seed) {
                Ok(c) => (c, accept, None),
                Err(e) => {
                    p.field("method", e.to_string());
                    return Err(p.into_error(file));
                }
            }
        }
        checks::Method::Smc(s) => (Vec::new(), 0.0, Some(s)),
    };
    let targets: Vec<Target> = chosen
        .iter()
        .map(|&t| src.targets[t].clone().at_cohort_share(scale))
        .collect();
    let cal = Calibration {
        file: file.to_path_buf(),
        base_path: src.base_path,
        base: src.base,
        targets_path: src.targets_path,
        targets,
        n_fit: fit.len(),
        replications,
        seed,
        accept,
        smc,
        screen,
        parameters,
        candidates,
        scale,
        identity: src.identity,
    };
    // Every candidate must be a valid scenario: refuse the calibration before anything runs. An
    // ABC-SMC calibration draws its particles as it runs: its priors' corners (every parameter at
    // its least, then at its greatest) are checked instead.
    for c in 0..cal.candidates.len() {
        cal.scenario(c)?;
    }
    if cal.smc.is_some() {
        for (end, values) in [
            (
                "least",
                cal.parameters
                    .iter()
                    .map(|q| q.snap(q.min))
                    .collect::<Vec<_>>(),
            ),
            (
                "greatest",
                cal.parameters.iter().map(|q| q.snap(q.max)).collect(),
            ),
        ] {
            cal.scenario_with(
                &values,
                &format!(
                    "{} (every parameter at its {end} value)",
                    cal.file.display()
                ),
            )?;
        }
    }
    Ok(cal)
}
