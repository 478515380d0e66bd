//! Reading an explorer file: the prelude, the checks of every section (every independent problem
//! at once), then each level and every setting of the grid as a scenario.

use std::path::Path;

use super::checks;
use super::raw::ExplorerParts;
use super::types::{lever_views, Explorer};
use crate::error::ScenarioError;
use crate::input::{self, Problems};
use crate::output::explorer as page;
use crate::scenario;

/// Read and check an explorer file: every problem found is listed at once, and every setting of
/// the grid must be a valid scenario.
pub(crate) fn load(file: &Path) -> Result<Explorer, ScenarioError> {
    let source = input::read(file, "explorer")?;
    let mut p = Problems::default();
    let parts: ExplorerParts = input::read_parts(&source.table, &mut p);
    let dir = file.parent().unwrap_or(Path::new("."));
    let base = parts
        .base
        .as_deref()
        .and_then(|b| scenario::load_named(&mut p, "base", b, &dir.join(b)));
    let merged = base.as_ref().map(|b| &b.loaded.merged);
    let raw_levers = parts.levers.unwrap_or_default();
    checks::lever_count(&mut p, raw_levers.len());
    let levers: Vec<_> = raw_levers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let l = l.as_ref()?;
            checks::lever(&mut p, i, l, &raw_levers[..i], merged)
        })
        .collect();
    let sizes: Vec<usize> = raw_levers
        .iter()
        .flatten()
        .map(|l| l.levels.len())
        .collect();
    checks::grid_size(&mut p, &sizes);
    let levers: Option<Vec<_>> = levers.into_iter().collect();
    let steps = parts
        .steps
        .as_ref()
        .map(|s| checks::steps(&mut p, s, levers.as_deref()));
    let (Some(base), Some(levers), Some(steps), Some(title)) = (base, levers, steps, parts.title)
    else {
        return Err(p.into_error(file));
    };
    p.refuse_if_any(file)?;
    let mut ex = Explorer {
        file: file.to_path_buf(),
        title: title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "Who knows where the children are? A classroom explorer".into()),
        base,
        levers,
        steps,
    };
    if ex.steps.is_empty() {
        ex.steps = page::generated_steps(&lever_views(&ex), &ex.today());
    }
    // Each level on its own against today's setting, so that a value the scenario rejects is
    // named by its lever and level; then every setting of the grid.
    let mut rejected = Vec::new();
    for (i, l) in ex.levers.iter().enumerate() {
        for j in 0..l.levels.len() {
            let mut levels = ex.today();
            levels[i] = j;
            if let Err(e) = ex.scenario(&levels, 1.0) {
                rejected.push((format!("levers[{i}].levels[{j}].values"), e.to_string()));
            }
        }
    }
    let several = rejected.len() > 1;
    for (field, e) in rejected {
        let e = if several {
            e.replace('\n', "\n    ")
        } else {
            e
        };
        p.field(&field, format!("the scenario rejects this level: {e}"));
    }
    p.refuse_if_any(file)?;
    for levels in ex.grid() {
        ex.scenario(&levels, 1.0)?;
    }
    Ok(ex)
}
