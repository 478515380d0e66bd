//! The calibrated scenario file: the fitted parameters (posterior medians) over the base scenario,
//! with a header saying how they were fitted.

use toml::{Table, Value};

use super::{Calibration, Posterior};
use crate::output::format::counted;
use crate::scenario::overrides;

/// Where a fitted path is written in the calibrated scenario: paths into arrays write the whole
/// outermost array (`a.steps[0].value` -> `a.steps`), since arrays replace rather than merge.
pub(crate) fn written_path(path: &str) -> &str {
    match path.find('[') {
        Some(i) => &path[..i],
        None => path,
    }
}

/// The fitted parameters as a TOML table: the value of every written path of `fitted` (the
/// fitted scenario's merged table), and nothing else.
pub(crate) fn fitted_table(cal: &Calibration, fitted: &Table) -> Table {
    let mut out = Table::new();
    for p in &cal.parameters {
        let at = written_path(&p.path);
        let Some(v) = overrides::get(fitted, at) else {
            continue;
        };
        let keys: Vec<&str> = at.split('.').collect();
        let mut t = &mut out;
        for k in &keys[..keys.len() - 1] {
            let slot = t
                .entry(k.to_string())
                .or_insert_with(|| Value::Table(Table::new()));
            if !slot.is_table() {
                *slot = Value::Table(Table::new());
            }
            let Value::Table(inner) = slot else {
                unreachable!("just made a table")
            };
            t = inner;
        }
        t.insert(keys[keys.len() - 1].to_string(), v.clone());
    }
    out
}

/// The text of the calibrated scenario file: a header comment (what produced it, from which
/// file, with which seed; no date, so that it is reproducible), `extends = <extends>`, `[meta]`,
/// and only the fitted parameters.
pub(crate) fn calibrated_text(
    cal: &Calibration,
    fitted_merged: &Table,
    fitted_values: &[f64],
    posteriors: &[Posterior],
    extends: &str,
) -> Result<String, toml::ser::Error> {
    let how = match cal.smc {
        None => format!(
            "approximate Bayesian\n# computation by rejection: {} candidates drawn from the priors, {} accepted, {}\n# each, seed {}",
            cal.candidates.len(),
            cal.accepted_count(),
            counted(cal.replications, "replication", "replications"),
            cal.seed
        ),
        Some(s) => format!(
            "sequential Monte Carlo\n# ABC: populations of {} particles, {} kernel, {} each, seed {}; the\n# generations and their tolerances are in generations.csv next to this file",
            s.population,
            s.kernel.name(),
            counted(cal.replications, "replication", "replications"),
            cal.seed
        ),
    };
    let mut head = format!(
        "# Calibrated scenario produced by `custody-sim calibrate` from {} ({how}). It extends the\n\
         # base scenario and overrides only the fitted parameters, set to their posterior medians\n\
         # (95% posterior interval in brackets):\n",
        cal.file.display(),
    );
    for ((p, &x), q) in cal.parameters.iter().zip(fitted_values).zip(posteriors) {
        head.push_str(&format!(
            "#   {} = {}   [{}, {}]   ({} prior on [{}, {}])\n",
            p.path,
            sig(x),
            sig(q.low),
            sig(q.high),
            p.prior.name(),
            p.min,
            p.max
        ));
    }
    let fit: Vec<&str> = cal
        .fit_targets()
        .iter()
        .map(|t| t.raw.name.as_str())
        .collect();
    let held: Vec<&str> = cal
        .holdout_targets()
        .iter()
        .map(|t| t.raw.name.as_str())
        .collect();
    head.push_str(&format!(
        "# Fitted to: {}. Held out (not used in fitting): {}.\n\
         # Targets from {}; the fit on both is in fit.csv next to this file.\n\
         # Every child in the model is synthetic; the fitted values are model estimates, not measurements.\n\n",
        fit.join(", "),
        if held.is_empty() { "none".to_string() } else { held.join(", ") },
        cal.targets_path.display()
    ));
    let mut top = Table::new();
    top.insert("extends".into(), Value::String(extends.to_string()));
    let mut meta = Table::new();
    meta.insert(
        "name".into(),
        Value::String(format!("{}_calibrated", cal.base.name())),
    );
    meta.insert(
        "description".into(),
        Value::String(format!(
            "{} with {} fitted by {} to {} ({})",
            cal.base.name(),
            counted(cal.parameters.len() as u64, "parameter", "parameters"),
            if cal.smc.is_some() {
                "ABC-SMC"
            } else {
                "ABC rejection"
            },
            fit.join(", "),
            cal.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        )),
    );
    top.insert("meta".into(), Value::Table(meta));
    let body = fitted_table(cal, fitted_merged);
    Ok(format!(
        "{head}{}\n{}",
        toml::to_string(&top)?,
        toml::to_string(&body)?
    ))
}

/// A number with four significant digits, for tables and comments (whole numbers as they are).
pub(crate) fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (x.fract() == 0.0 && x.abs() < 1e15) {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}
