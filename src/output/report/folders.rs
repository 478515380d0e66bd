//! The input folders of a report: recognising each kind (run, compare, sweep, journey, discovery)
//! by the files it holds and checking them before anything is written. A folder with no outputs,
//! or outputs of an older format, is a [`ScenarioError::Outputs`] whose message says what is
//! missing and how to produce it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::cells::strings;
use crate::error::ScenarioError;
use crate::output::discover as discovery;
use crate::output::schema::{comparison, headline, journey, points, summary, timeseries};

// Metrics that the report needs in `summary.csv` and prefers in `points.csv`, named by the engine
// (`RunSummary::metrics`); a unit test checks that the engine still reports them.
/// Children arrived.
pub(crate) const ARRIVED: &str = "arrived";
/// Followed released children unlocatable by ICE (the acting agency) on the last day.
pub(crate) const UNLOCATABLE_AT_HORIZON: &str = "unlocatable_by_ice_at_horizon";

/// What kind of output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Run,
    Compare,
    Sweep,
    Journey,
    /// `custody-sim discover` on an explore folder.
    Discovery,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "comparison",
            Kind::Sweep => "sweep",
            Kind::Journey => "journey",
            Kind::Discovery => "scenario discovery",
        }
    }
}

/// One checked input folder.
#[derive(Debug)]
pub(crate) struct Input {
    pub dir: PathBuf,
    pub kind: Kind,
    /// `manifest.json` (run, compare, journey) or `sweep.json` (sweep); `Null` if absent.
    pub manifest: Value,
    /// The name shown in headings and legends: [`Input::name`], plus the folder when two inputs
    /// share a name.
    pub label: String,
}

impl Input {
    pub(crate) fn str(&self, key: &str) -> String {
        match &self.manifest[key] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            v => v.to_string(),
        }
    }
    /// A short name: the scenario (run, journey), the baseline (compare) or the sweep file.
    pub(crate) fn name(&self) -> String {
        let from_path = |p: String| {
            Path::new(&p)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or(p)
        };
        let n = match self.kind {
            Kind::Run | Kind::Journey => self.str("scenario"),
            Kind::Compare => from_path(self.str("baseline")),
            Kind::Sweep => from_path(self.str("sweep_file")),
            Kind::Discovery => format!("{} ({})", self.str("reform"), self.str("condition")),
        };
        if n.is_empty() {
            self.dir.display().to_string()
        } else {
            n
        }
    }
}

fn bad(dir: &Path, message: String) -> ScenarioError {
    ScenarioError::Outputs {
        path: dir.to_path_buf(),
        message,
    }
}

/// How to produce each kind of folder, for error messages.
fn how_to_produce(kind: Kind, dir: &Path, manifest: &Value) -> String {
    let d = dir.display();
    let first_file = manifest["scenario_files"][0]["path"]
        .as_str()
        .map(String::from);
    match kind {
        Kind::Run => format!(
            "rerun the scenario with this version: custody-sim run {} -o {d}",
            first_file.unwrap_or_else(|| "SCENARIO".into())
        ),
        Kind::Journey => format!(
            "rerun the journey with this version: custody-sim journey {} -o {d}",
            first_file.unwrap_or_else(|| "SCENARIO".into())
        ),
        Kind::Compare => format!(
            "rerun the comparison with this version: custody-sim compare {} REFORM... -o {d}",
            manifest["baseline"].as_str().unwrap_or("BASELINE")
        ),
        Kind::Sweep => format!(
            "rerun the sweep with this version: custody-sim sweep {} -o {d}",
            manifest["sweep_file"].as_str().unwrap_or("SWEEP.toml")
        ),
        Kind::Discovery => format!(
            "rerun the discovery with this version: custody-sim discover {} --reform {} --condition \"{}\" -o {d}",
            manifest["explore_dir"].as_str().unwrap_or("EXPLORE_DIR"),
            manifest["reform"].as_str().unwrap_or("REFORM"),
            manifest["condition"].as_str().unwrap_or("CONDITION")
        ),
    }
}

/// Check that `file` in `dir` exists, has every column in `needed` and at least one row.
fn check_csv(
    dir: &Path,
    file: &str,
    needed: &[String],
    kind: Kind,
    manifest: &Value,
) -> Result<Vec<String>, ScenarioError> {
    let path = dir.join(file);
    let how = || how_to_produce(kind, dir, manifest);
    let mut r = csv::Reader::from_path(&path)
        .map_err(|e| bad(dir, format!("cannot read {file} ({e}); {}", how())))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| {
            bad(
                dir,
                format!("{file} is not a readable CSV file ({e}); {}", how()),
            )
        })?
        .iter()
        .map(String::from)
        .collect();
    let missing: Vec<&str> = needed
        .iter()
        .filter(|n| !header.contains(n))
        .map(|s| s.as_str())
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|m| format!("`{m}`")).collect();
        let more = if missing.len() > 8 {
            format!(" and {} more", missing.len() - 8)
        } else {
            String::new()
        };
        return Err(bad(
            dir,
            format!(
                "{file} lacks the column(s) {}{more}: it was written by an older version of custody-sim or is not one of its outputs; {}",
                shown.join(", "),
                how()
            ),
        ));
    }
    let mut first = csv::StringRecord::new();
    match r.read_record(&mut first) {
        Ok(true) => Ok(header),
        Ok(false) => Err(bad(dir, format!("{file} holds no rows; {}", how()))),
        Err(e) => Err(bad(dir, format!("{file} has a bad row ({e}); {}", how()))),
    }
}

fn read_json(dir: &Path, file: &str, kind: Kind) -> Result<Value, ScenarioError> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        bad(
            dir,
            format!(
                "holds no {file} (every {} folder has one); {}",
                kind.name(),
                how_to_produce(kind, dir, &Value::Null)
            ),
        )
    })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        bad(
            dir,
            format!(
                "{file} is not valid JSON ({e}); {}",
                how_to_produce(kind, dir, &Value::Null)
            ),
        )
    })?;
    if !v.is_object() {
        return Err(bad(
            dir,
            format!(
                "{file} is not a description written by custody-sim; {}",
                how_to_produce(kind, dir, &Value::Null)
            ),
        ));
    }
    Ok(v)
}

/// Recognise and check one folder. Nothing is written.
fn inspect(dir: &Path) -> Result<Input, ScenarioError> {
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is not a folder".to_string()
        } else {
            match crate::input::suggest::existing_path(dir) {
                Some(near) => format!("does not exist (did you mean {}?)", near.display()),
                None => "does not exist".to_string(),
            }
        };
        return Err(bad(
            dir,
            format!("{what}: give the output folder of `custody-sim run`, `compare`, `sweep`, `journey` or `discover`"),
        ));
    }
    let has = |f: &str| dir.join(f).is_file();
    let kind = if has(timeseries::FILE) {
        Kind::Run
    } else if has(comparison::FILE) {
        Kind::Compare
    } else if has(points::FILE) {
        Kind::Sweep
    } else if has(journey::FILE) {
        Kind::Journey
    } else if has(discovery::INFO) {
        Kind::Discovery
    } else {
        return Err(bad(
            dir,
            format!(
                "holds no outputs of custody-sim (no {}, {}, {} or {}); produce them with `custody-sim run SCENARIO -o {d}`, `custody-sim compare BASELINE REFORM... -o {d}`, `custody-sim sweep SWEEP.toml -o {d}` or `custody-sim journey SCENARIO -o {d}`",
                timeseries::FILE,
                comparison::FILE,
                points::FILE,
                journey::FILE,
                d = dir.display()
            ),
        ));
    };
    let manifest = match kind {
        Kind::Run | Kind::Compare => read_json(dir, "manifest.json", kind)?,
        Kind::Sweep => read_json(dir, "sweep.json", kind)?,
        Kind::Discovery => read_json(dir, discovery::INFO, kind)?,
        Kind::Journey => {
            if has("manifest.json") {
                read_json(dir, "manifest.json", kind)?
            } else {
                Value::Null
            }
        }
    };
    match kind {
        Kind::Run => {
            check_csv(
                dir,
                timeseries::FILE,
                &strings(&timeseries::columns()),
                kind,
                &manifest,
            )?;
            check_csv(
                dir,
                headline::FILE,
                &strings(&headline::COLUMNS),
                kind,
                &manifest,
            )?;
            check_csv(
                dir,
                summary::FILE,
                &strings(&[summary::REPLICATION, ARRIVED, UNLOCATABLE_AT_HORIZON]),
                kind,
                &manifest,
            )?;
        }
        Kind::Compare => {
            check_csv(
                dir,
                comparison::FILE,
                &strings(&comparison::COLUMNS),
                kind,
                &manifest,
            )?;
        }
        Kind::Sweep => {
            let header = check_csv(
                dir,
                points::FILE,
                &strings(&[
                    points::POINT,
                    points::REPLICATIONS_OK,
                    points::REPLICATIONS_FAILED,
                ]),
                kind,
                &manifest,
            )?;
            if !header.iter().any(|h| h.ends_with(points::MEAN_SUFFIX)) {
                return Err(bad(
                    dir,
                    format!(
                        "{} has no `<metric>{}` columns: it is not a points file of this version; {}",
                        points::FILE,
                        points::MEAN_SUFFIX,
                        how_to_produce(kind, dir, &manifest)
                    ),
                ));
            }
        }
        Kind::Journey => {
            check_csv(dir, journey::FILE, &journey::columns(), kind, &manifest)?;
        }
        Kind::Discovery => {
            for (file, needed) in [
                (
                    discovery::TRAJECTORY,
                    &["step", "coverage", "density", "mass"][..],
                ),
                (
                    discovery::BOX,
                    &["parameter", "min", "max", "restricted"][..],
                ),
                (
                    discovery::SCORES,
                    &["rank", "parameter", "score_condition"][..],
                ),
            ] {
                check_csv(dir, file, &strings(needed), kind, &manifest)?;
            }
        }
    }
    let mut input = Input {
        dir: dir.to_path_buf(),
        kind,
        manifest,
        label: String::new(),
    };
    input.label = input.name();
    Ok(input)
}

/// Recognise and check every folder, and label each: its [`Input::name`], plus the folder when two
/// inputs share a name. Nothing is written.
pub(crate) fn inspect_all(dirs: &[PathBuf]) -> Result<Vec<Input>, ScenarioError> {
    let mut inputs = dirs
        .iter()
        .map(|d| inspect(d))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = inputs.iter().map(|i| i.name()).collect();
    for input in &mut inputs {
        if names.iter().filter(|n| **n == input.label).count() > 1 {
            input.label = format!("{} ({})", input.label, input.dir.display());
        }
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::{ARRIVED, UNLOCATABLE_AT_HORIZON};
    use crate::output::schema::metric_names;

    #[test]
    fn needed_metrics_are_engine_metrics() {
        for m in [ARRIVED, UNLOCATABLE_AT_HORIZON] {
            assert!(metric_names().contains(&m), "{m} is not a metric");
        }
    }
}
