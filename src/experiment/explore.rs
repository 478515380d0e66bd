//! Explore files: reforms (scenario files) run in every one of many *futures*, each future a set of
//! values of the uncertain parameters (a Latin hypercube over their ranges, or the rows of a design
//! CSV), every reform in a future and replication drawing the same children (common random
//! numbers). Parsed and checked in full before anything runs.
//!
//! Also here, pure: which values a scenario file marks as assumptions (read from its comments),
//! the default range of an assumption, which direction of each metric is better, and the regret and
//! robustness measures computed from the outcomes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::checks::{referenced_file, several, HARD_MAX_RUNS};
use super::design;
use super::design_csv;
use crate::error::ScenarioError;
use crate::rng::{self, Stream};
use crate::scenario::overrides::{self, check_path, number_like};
use crate::scenario::{self, scale, Scenario};

/// Largest number of runs an explore file may ask for unless it raises `max_runs`.
pub(crate) const DEFAULT_MAX_RUNS: u64 = 1_000_000;
/// Default relative half-width of an assumption's range: the baseline value ± 25%.
pub(crate) const DEFAULT_SPREAD: f64 = 0.25;
/// Metrics of `outcomes.csv`, `regret.csv` and `robustness.csv` unless the file lists others: the
/// unlocatable measures first, then outcomes for children whose better direction is plain.
pub(crate) const DEFAULT_METRICS: &[&str] = &[
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_child_years",
    "unlocatable_pooled_child_years",
    "turned_18_unlocatable_by_ice",
    "never_located_again_by_ice",
    "located",
    "rescued",
    "no_shows",
    "wellbeing_calls_not_reached",
    "care_days_mean",
];
/// Default percentiles of `robustness.csv`.
pub(crate) const DEFAULT_PERCENTILES: [f64; 3] = [10.0, 50.0, 90.0];

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExplore {
    /// The status quo: the scenario every reform is compared with (relative to this file).
    pub baseline: String,
    /// Reform scenario files (relative to this file).
    #[serde(default)]
    pub reforms: Vec<String>,
    pub replications: u64,
    pub seed: u64,
    /// Share of the cohort (1 = the scenario's cohort): arrivals and every capacity multiplied by
    /// it ([`scale::at_scale`]); for quick runs.
    #[serde(default)]
    pub scale: Option<f64>,
    #[serde(default)]
    pub max_runs: Option<u64>,
    /// Metrics written to outcomes.csv, regret.csv and robustness.csv.
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
    pub futures: RawFutures,
    #[serde(default)]
    pub uncertainties: Option<RawUncertainties>,
    #[serde(default)]
    pub robustness: Option<RawRobustness>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFutures {
    /// Latin hypercube: how many futures.
    #[serde(default)]
    pub samples: Option<u64>,
    /// Or: a design CSV (header = dotted paths, one row per future), relative to this file.
    #[serde(default)]
    pub design: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUncertainties {
    /// Every value the baseline file marks as an assumption (default true).
    #[serde(default)]
    pub assumptions: Option<bool>,
    /// Relative half-width of the default ranges (default 0.25).
    #[serde(default)]
    pub spread: Option<f64>,
    /// Paths (or prefixes of paths) left out of the default set.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Explicit ranges: added to the default set, or replacing the default range of a path.
    #[serde(default)]
    pub parameters: Vec<RawRange>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRange {
    pub path: String,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRobustness {
    /// Per metric: a reform "beats the baseline" in a future when it improves on it by at least
    /// this much (default 0: any improvement).
    #[serde(default)]
    pub thresholds: BTreeMap<String, Value>,
    /// Per metric: "lower" or "higher" is better (needed for metrics without a known direction).
    #[serde(default)]
    pub directions: BTreeMap<String, String>,
    /// Percentiles of each reform's outcome over futures (default 10, 50, 90).
    #[serde(default)]
    pub percentiles: Option<Vec<f64>>,
}

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Direction {
    Lower,
    Higher,
}

impl Direction {
    /// The word written in the files: `lower_is_better` or `higher_is_better`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Direction::Lower => "lower_is_better",
            Direction::Higher => "higher_is_better",
        }
    }
    /// How much better `value` is than `reference` (positive: better).
    pub(crate) fn improvement(self, value: f64, reference: f64) -> f64 {
        match self {
            Direction::Lower => reference - value,
            Direction::Higher => value - reference,
        }
    }
}

/// The known direction of a metric, if any: fewer children unlocatable, lost or harmed is better;
/// more children located, rescued or reached is better. Counts of activity (events, arrivals, NTAs
/// issued) have none: an explore file declares it.
pub(crate) fn default_direction(metric: &str) -> Option<Direction> {
    const LOWER: &[&str] = &[
        "unlocatable",
        "never_located_again",
        "no_shows",
        "not_reached",
        "gone_cold",
        "over_72h",
        "undeliverable",
        "stale_address",
        "without_nta",
        "wrong_at_release",
        "never_shared",
        "moves_unreported",
        "exploited",
        "ran_away",
        "care_days_mean",
        "hours_mean",
        "aged_out_in_care",
        "sponsors_declined",
        "exploitation_to_rescue_days_mean",
        "checks_not_found",
        "placement_breakdowns",
    ];
    const HIGHER: &[&str] = &[
        "located",
        "rescued",
        "found_again",
        "wellbeing_calls_reached",
        "appearances",
    ];
    if metric.ends_with("_peak_day") {
        return None;
    }
    if LOWER.iter().any(|w| metric.contains(w)) {
        return Some(Direction::Lower);
    }
    if HIGHER.iter().any(|w| metric.contains(w)) {
        return Some(Direction::Higher);
    }
    None
}

/// Where an uncertain parameter's range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Origin {
    /// Marked "assumption" in the baseline file; the default range.
    Assumption,
    /// `[[uncertainties.parameters]]` in the explore file.
    ExploreFile,
    /// A column of the design CSV.
    DesignCsv,
}

impl Origin {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Origin::Assumption => "assumption",
            Origin::ExploreFile => "explore file",
            Origin::DesignCsv => "design csv",
        }
    }
}

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Uncertain {
    pub path: String,
    /// The baseline's value.
    pub baseline: f64,
    pub min: f64,
    pub max: f64,
    pub origin: Origin,
    /// Whether the default range was narrowed to what the scenario accepts.
    pub clipped: bool,
    /// Whether the value is a whole number (sampled values are rounded).
    pub integer: bool,
}

/// One policy run in every future: the baseline (index 0) or a reform.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    /// `meta.name` of the scenario.
    pub name: String,
    pub file: PathBuf,
    pub scenario: Scenario,
}

/// A checked explore file, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Explore {
    pub file: PathBuf,
    /// The baseline first, then the reforms in file order.
    pub policies: Vec<Policy>,
    pub replications: u64,
    pub seed: u64,
    pub scale: f64,
    pub uncertain: Vec<Uncertain>,
    /// Assumptions of the baseline left out because a reform changes them: (path, reform).
    pub held_by_reforms: Vec<(String, String)>,
    /// Per future, one value per uncertain parameter.
    pub futures: Vec<Vec<Value>>,
    /// The design CSV the futures come from (its rows are the futures, row 0 first).
    pub design_csv: Option<PathBuf>,
    pub metrics: Vec<String>,
    pub directions: Vec<Direction>,
    pub thresholds: Vec<f64>,
    pub percentiles: Vec<f64>,
    /// SHA-256 of the explore file, the design CSV and every scenario chain.
    pub identity: String,
}

impl Explore {
    pub(crate) fn runs(&self) -> u64 {
        self.futures.len() as u64 * self.replications * self.policies.len() as u64
    }
    /// (future, replication, policy) of run `i`: runs are numbered future by future, then
    /// replication by replication, the policies of one (future, replication) side by side.
    pub(crate) fn run_of(&self, i: u64) -> (usize, u64, usize) {
        let p = self.policies.len() as u64;
        let policy = (i % p) as usize;
        let rest = i / p;
        (
            (rest / self.replications) as usize,
            rest % self.replications,
            policy,
        )
    }
    /// The replication stream of (future, replication): futures draw independent children, every
    /// policy of one future and replication the same ones (common random numbers).
    pub(crate) fn stream_replication(&self, future: usize, replication: u64) -> u64 {
        future as u64 * self.replications + replication
    }
    /// The scenario of one policy in one future, with the cohort and every capacity scaled.
    pub(crate) fn scenario(&self, future: usize, policy: usize) -> Result<Scenario, ScenarioError> {
        let overrides: Vec<(String, Value)> = self
            .uncertain
            .iter()
            .map(|u| u.path.clone())
            .zip(self.futures[future].iter().cloned())
            .collect();
        let p = &self.policies[policy];
        let sc = overrides::with_overrides(
            &p.scenario,
            &overrides,
            &format!(
                "{} future {future}, {} ({})",
                self.file.display(),
                p.name,
                p.file.display()
            ),
        )?;
        scale::at_scale(&sc, self.scale, &self.file.display().to_string())
    }
}

/// A TOML number (or boolean) as `f64`.
pub(crate) fn value_number(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Boolean(b) => f64::from(u8::from(*b)),
        _ => f64::NAN,
    }
}

fn bad(file: &Path, field: &str, message: String) -> ScenarioError {
    ScenarioError::Schema {
        path: file.to_path_buf(),
        chain: String::new(),
        field: field.to_string(),
        message,
    }
}

/// The stream that draws the Latin hypercube of futures.
fn futures_stream(seed: u64) -> Stream {
    rng::stream(seed, u64::MAX, u64::MAX - 2, rng::Purpose::Arrivals)
}

// ---------------------------------------------------------------------------------------------
// Which values a scenario file marks as assumptions
// ---------------------------------------------------------------------------------------------

/// Split a TOML line into code and trailing comment, ignoring `#` inside quoted strings.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"') | (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return (&line[..i], Some(line[i + 1..].trim())),
            _ => {}
        }
    }
    (line, None)
}

fn says_assumption(text: &str) -> bool {
    text.to_ascii_lowercase().contains("assumption")
}

/// `[` minus `]` outside quoted strings.
fn bracket_depth(code: &str) -> i64 {
    let mut quote: Option<char> = None;
    let mut depth = 0;
    for c in code.chars() {
        match (quote, c) {
            (None, '"') | (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '[') => depth += 1,
            (None, ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// The keys (dotted paths) that a scenario file's comments mark as assumptions, in file order. A
/// key is marked when the comment at the end of its line, or the block of comment lines directly
/// above it (no blank line between), contains the word "assumption" (any case). Inside a
/// multi-line array of tables (a schedule), an element `{ ... }` is marked the same way, by its own
/// line's comment or the comment lines directly above it (`key[i]`). A comment above a table
/// header (`[table]`) marks nothing. Simple line-based reading: nothing here can fail.
pub(crate) fn assumption_keys(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut block = false; // the comment block directly above mentions "assumption"
    let mut table = String::new();
    let mut array_counts: BTreeMap<String, usize> = BTreeMap::new();
    // Inside a multi-line array: its path, the next element's index and the bracket depth.
    let mut array: Option<(String, usize, i64)> = None;
    let push = |p: String, out: &mut Vec<String>| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            block = false;
            continue;
        }
        if let Some(c) = trimmed.strip_prefix('#') {
            block |= says_assumption(c);
            continue;
        }
        let (code, comment) = split_comment(trimmed);
        let marked = block || comment.is_some_and(says_assumption);
        block = false;
        let code = code.trim();
        if let Some((path, index, depth)) = array.as_mut() {
            if code.starts_with('{') {
                if marked {
                    push(format!("{path}[{index}]"), &mut out);
                }
                *index += 1;
            }
            *depth += bracket_depth(code);
            if *depth <= 0 {
                array = None;
            }
            continue;
        }
        if code.starts_with("[[") {
            let name = code
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let n = array_counts.entry(name.clone()).or_insert(0);
            table = format!("{name}[{n}]");
            *n += 1;
            continue;
        }
        if code.starts_with('[') {
            table = code
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            continue;
        }
        let Some((key, value)) = code.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches('"');
        if key.is_empty() {
            continue;
        }
        let path = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        if marked {
            push(path.clone(), &mut out);
        }
        let depth = bracket_depth(value);
        if depth > 0 {
            array = Some((path, 0, depth));
        }
    }
    out
}

/// The numeric leaves at or below `path` in `table`: a number itself; the elements of an array of
/// numbers; the numeric fields of an inline table; the `value` of each step of a schedule (an array
/// of `{ from, value }` tables) or the numeric fields of other arrays of tables. Booleans, strings
/// and dates are not leaves.
pub(crate) fn numeric_leaves(table: &Table, path: &str) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Integer(_) | Value::Float(_) => out.push(at),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, format!("{at}[{i}]"), out);
                }
            }
            Value::Table(t) => {
                for (k, x) in t {
                    walk(x, format!("{at}.{k}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(v) = overrides::get(table, path) {
        walk(v, path.to_string(), &mut out);
    }
    out
}

/// The default range of an assumption whose baseline value is `v`: `v (1 - spread)` to
/// `v (1 + spread)`; for a whole number, rounded outwards (`floor` and `ceil`). `None` for zero
/// (a relative range around zero is empty).
pub(crate) fn default_range(v: f64, integer: bool, spread: f64) -> Option<(f64, f64)> {
    if v == 0.0 || !v.is_finite() {
        return None;
    }
    let (a, b) = (v * (1.0 - spread), v * (1.0 + spread));
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let (lo, hi) = if integer {
        (lo.floor(), hi.ceil())
    } else {
        (lo, hi)
    };
    (hi > lo).then_some((lo, hi))
}

/// The furthest value from `inside` towards `outside` (inclusive) that `ok` accepts, assuming `ok`
/// accepts `inside` and the accepted values form an interval: bisection to 40 steps (whole numbers:
/// until the two ends are adjacent).
pub(crate) fn furthest_accepted(
    inside: f64,
    outside: f64,
    integer: bool,
    ok: &mut dyn FnMut(f64) -> bool,
) -> f64 {
    if ok(outside) {
        return outside;
    }
    let (mut good, mut badv) = (inside, outside);
    for _ in 0..40 {
        if integer && (badv - good).abs() <= 1.0 {
            break;
        }
        let mid = if integer {
            ((good + badv) / 2.0).round()
        } else {
            (good + badv) / 2.0
        };
        if mid == good || mid == badv {
            break;
        }
        if ok(mid) {
            good = mid;
        } else {
            badv = mid;
        }
    }
    good
}

// ---------------------------------------------------------------------------------------------
// Loading an explore file
// ---------------------------------------------------------------------------------------------

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
    let crate::input::Source { bytes, table } = crate::input::read(file, "explore")?;
    let raw: RawExplore = crate::input::strict_file(file, table)?;
    let dir = file.parent().unwrap_or(Path::new("."));

    // The scenarios: baseline first.
    let base_path = dir.join(&raw.baseline);
    referenced_file(file, "baseline", &raw.baseline, &base_path, "scenario")?;
    let baseline = scenario::load(&base_path)?;
    let mut policies = vec![Policy {
        name: baseline.name().to_string(),
        file: base_path.clone(),
        scenario: baseline,
    }];
    for (i, r) in raw.reforms.iter().enumerate() {
        let p = dir.join(r);
        referenced_file(file, &format!("reforms[{i}]"), r, &p, "scenario")?;
        let sc = scenario::load(&p)?;
        if let Some(j) = policies.iter().position(|q| q.name == sc.name()) {
            let other = if j == 0 {
                "the baseline".to_string()
            } else {
                format!("reforms[{}]", j - 1)
            };
            return Err(bad(
                file,
                &format!("reforms[{i}]"),
                format!(
                    "\"{r}\" is named \"{}\" (meta.name), as {other} is: every policy needs its own name",
                    sc.name()
                ),
            ));
        }
        policies.push(Policy {
            name: sc.name().to_string(),
            file: p,
            scenario: sc,
        });
    }
    let base_merged = policies[0].scenario.loaded.merged.clone();

    let mut errs: Vec<ScenarioError> = Vec::new();
    if raw.replications == 0 || raw.replications > 100_000 {
        errs.push(bad(
            file,
            "replications",
            format!(
                "{}: must be a whole number in [1, 100000]",
                raw.replications
            ),
        ));
    }
    let scale = raw.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0 && scale <= 100.0) {
        errs.push(bad(
            file,
            "scale",
            format!("{scale}: must be a number in (0, 100] (1 = the scenario's cohort)"),
        ));
    }
    let max_runs = raw.max_runs.unwrap_or(DEFAULT_MAX_RUNS);
    if max_runs == 0 || max_runs > HARD_MAX_RUNS {
        errs.push(bad(
            file,
            "max_runs",
            format!("{max_runs}: must be in [1, {HARD_MAX_RUNS}]"),
        ));
    }

    // Metrics, directions, thresholds, percentiles.
    let metric_names: Vec<&'static str> = crate::sim::RunSummary::default()
        .metrics()
        .iter()
        .map(|m| m.0)
        .collect();
    let valid = |m: &str| metric_names.contains(&m);
    let metrics: Vec<String> = match &raw.metrics {
        Some(m) => m.clone(),
        None => DEFAULT_METRICS.iter().map(|s| s.to_string()).collect(),
    };
    if metrics.is_empty() {
        errs.push(bad(file, "metrics", "[]: list at least one metric".into()));
    }
    let rob = raw.robustness.clone().unwrap_or(RawRobustness {
        thresholds: BTreeMap::new(),
        directions: BTreeMap::new(),
        percentiles: None,
    });
    let mut directions = Vec::new();
    let mut thresholds = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        if !valid(m) {
            errs.push(bad(
                file,
                &format!("metrics[{i}]"),
                format!(
                    "\"{m}\": not a metric; valid metrics: {}",
                    metric_names.join(", ")
                ),
            ));
        }
        if metrics[..i].contains(m) {
            errs.push(bad(
                file,
                &format!("metrics[{i}]"),
                format!("\"{m}\" is listed twice"),
            ));
        }
        let declared = rob.directions.get(m).map(|d| d.as_str());
        let dir = match declared {
            Some("lower") => Some(Direction::Lower),
            Some("higher") => Some(Direction::Higher),
            Some(other) => {
                errs.push(bad(
                    file,
                    &format!("robustness.directions.{m}"),
                    format!("\"{other}\": must be \"lower\" or \"higher\" (which is better)"),
                ));
                Some(Direction::Lower)
            }
            None => default_direction(m),
        };
        match dir {
            Some(d) => directions.push(d),
            None => {
                if valid(m) {
                    errs.push(bad(file, &format!("metrics[{i}]"), format!("\"{m}\" has no known better direction: declare it under [robustness] directions, e.g. directions = {{ {m} = \"lower\" }}")));
                }
                directions.push(Direction::Lower);
            }
        }
        let t = match rob.thresholds.get(m) {
            None => 0.0,
            Some(v) => match v {
                Value::Integer(n) => *n as f64,
                Value::Float(x) => *x,
                other => {
                    errs.push(bad(
                        file,
                        &format!("robustness.thresholds.{m}"),
                        format!("{other}: must be a number >= 0"),
                    ));
                    0.0
                }
            },
        };
        if !(t.is_finite() && t >= 0.0) {
            errs.push(bad(file, &format!("robustness.thresholds.{m}"), format!("{t}: must be a finite number >= 0 (the improvement on the baseline that counts as beating it)")));
        }
        thresholds.push(t);
    }
    for key in rob.thresholds.keys() {
        if !metrics.contains(key) {
            errs.push(bad(
                file,
                &format!("robustness.thresholds.{key}"),
                format!(
                    "\"{key}\" is not one of the explore's metrics ({})",
                    metrics.join(", ")
                ),
            ));
        }
    }
    for key in rob.directions.keys() {
        if !metrics.contains(key) {
            errs.push(bad(
                file,
                &format!("robustness.directions.{key}"),
                format!(
                    "\"{key}\" is not one of the explore's metrics ({})",
                    metrics.join(", ")
                ),
            ));
        }
    }
    let percentiles = rob
        .percentiles
        .clone()
        .unwrap_or_else(|| DEFAULT_PERCENTILES.to_vec());
    if percentiles.is_empty() || percentiles.len() > 20 {
        errs.push(bad(
            file,
            "robustness.percentiles",
            format!("{} values: list 1 to 20 percentiles", percentiles.len()),
        ));
    }
    for (i, &p) in percentiles.iter().enumerate() {
        if !(0.0..=100.0).contains(&p) {
            errs.push(bad(
                file,
                &format!("robustness.percentiles[{i}]"),
                format!("{p}: must be in [0, 100]"),
            ));
        }
        if percentiles[..i].contains(&p) {
            errs.push(bad(
                file,
                &format!("robustness.percentiles[{i}]"),
                format!("{p} is listed twice"),
            ));
        }
    }

    // What each reform changes: those paths are levers, not uncertainties.
    let lever_paths: Vec<Vec<String>> = policies
        .iter()
        .map(|p| {
            overrides::diff(&base_merged, &p.scenario.loaded.merged)
                .into_iter()
                .map(|d| d.0)
                .collect()
        })
        .collect();
    let held_by = |path: &str| -> Option<String> {
        for (p, levers) in policies.iter().zip(&lever_paths).skip(1) {
            let hit = levers.iter().any(|l| {
                l == path
                    || l.starts_with(&format!("{path}."))
                    || l.starts_with(&format!("{path}["))
                    || path.starts_with(&format!("{l}."))
                    || path.starts_with(&format!("{l}["))
            });
            if hit {
                return Some(p.name.clone());
            }
        }
        None
    };

    // The futures: a design CSV, or a Latin hypercube over the uncertain parameters.
    let mut uncertain: Vec<Uncertain> = Vec::new();
    let mut held_by_reforms = Vec::new();
    let mut design_csv = None;
    let mut csv_bytes = Vec::new();
    let futures: Vec<Vec<Value>>;
    match (&raw.futures.samples, &raw.futures.design) {
        (Some(_), Some(_)) => {
            errs.push(bad(file, "futures", "both `samples` and `design` are given: use `samples` for a Latin hypercube, or `design` for the rows of a CSV file".into()));
            return Err(several(file, errs));
        }
        (None, None) => {
            errs.push(bad(file, "futures", "missing: give `samples` (a Latin hypercube of that many futures) or `design` (a CSV of parameter values, one row per future)".into()));
            return Err(several(file, errs));
        }
        (None, Some(written)) => {
            if raw.uncertainties.is_some() {
                errs.push(bad(file, "uncertainties", "with futures.design the CSV's header names the uncertain parameters: remove [uncertainties]".into()));
            }
            if !errs.is_empty() {
                return Err(several(file, errs));
            }
            let path = dir.join(written);
            let mut p = crate::input::Problems::default();
            let Some(d) = design_csv::read(&mut p, "futures.design", written, &path, &base_merged)
            else {
                return Err(p.into_error(file));
            };
            let mut held = Vec::new();
            for (i, p) in d.paths.iter().enumerate() {
                if let Some(r) = held_by(p) {
                    held.push(bad(&path, &format!("column {} (\"{p}\")", i + 1), format!("is changed by reform \"{r}\": a parameter cannot be both uncertain and a lever; drop the column or the reform")));
                }
            }
            if !held.is_empty() {
                return Err(several(&path, held));
            }
            for (i, p) in d.paths.iter().enumerate() {
                let col: Vec<f64> = d.rows.iter().map(|r| r[i]).collect();
                let like = overrides::get(&base_merged, p)
                    .cloned()
                    .unwrap_or(Value::Float(0.0));
                uncertain.push(Uncertain {
                    path: p.clone(),
                    baseline: value_number(&like),
                    min: col.iter().copied().fold(f64::INFINITY, f64::min),
                    max: col.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    origin: Origin::DesignCsv,
                    clipped: false,
                    integer: like.is_integer(),
                });
            }
            csv_bytes = std::fs::read(&path).unwrap_or_default();
            futures = design_csv::values(&d, &base_merged);
            design_csv = Some(path);
        }
        (Some(n), None) => {
            let u = raw.uncertainties.clone().unwrap_or(RawUncertainties {
                assumptions: None,
                spread: None,
                exclude: Vec::new(),
                parameters: Vec::new(),
            });
            let spread = u.spread.unwrap_or(DEFAULT_SPREAD);
            if !(spread.is_finite() && spread > 0.0 && spread < 1.0) {
                errs.push(bad(
                    file,
                    "uncertainties.spread",
                    format!("{spread}: must be in (0, 1) (0.25 = the baseline value ± 25%)"),
                ));
            }
            for (i, ex) in u.exclude.iter().enumerate() {
                if overrides::get(&base_merged, ex).is_none() {
                    errs.push(bad(
                        file,
                        &format!("uncertainties.exclude[{i}]"),
                        format!(
                            "\"{ex}\": not a path of the baseline; nearest valid paths: {}",
                            overrides::nearest_paths(&base_merged, ex, 3).join(", ")
                        ),
                    ));
                }
            }
            // Explicit ranges.
            let mut explicit: Vec<Uncertain> = Vec::new();
            for (i, p) in u.parameters.iter().enumerate() {
                let field = |f: &str| format!("uncertainties.parameters[{i}].{f}");
                let like = match check_path(&base_merged, &p.path) {
                    Ok(v) => v.clone(),
                    Err(e) => {
                        errs.push(bad(file, &field("path"), format!("\"{}\": {e}", p.path)));
                        continue;
                    }
                };
                if !matches!(
                    like,
                    Value::Integer(_) | Value::Float(_) | Value::Boolean(_)
                ) {
                    errs.push(bad(
                        file,
                        &field("path"),
                        format!(
                            "\"{}\" holds {}; only numbers and booleans can be uncertain",
                            p.path,
                            like.type_str()
                        ),
                    ));
                    continue;
                }
                if explicit.iter().any(|x| x.path == p.path) {
                    errs.push(bad(
                        file,
                        &field("path"),
                        format!("\"{}\" is listed twice", p.path),
                    ));
                    continue;
                }
                if let Some(r) = held_by(&p.path) {
                    errs.push(bad(file, &field("path"), format!("\"{}\" is changed by reform \"{r}\": a parameter cannot be both uncertain and a lever; remove it here or from the reform", p.path)));
                    continue;
                }
                if !(p.min.is_finite() && p.max.is_finite()) || p.max <= p.min {
                    errs.push(bad(file, &field("max"), format!("{}: must be a finite number greater than min = {} (the range is empty or inverted)", p.max, p.min)));
                    continue;
                }
                explicit.push(Uncertain {
                    path: p.path.clone(),
                    baseline: value_number(&like),
                    min: p.min,
                    max: p.max,
                    origin: Origin::ExploreFile,
                    clipped: false,
                    integer: like.is_integer(),
                });
            }
            if !errs.is_empty() {
                return Err(several(file, errs));
            }
            // Default ranges of the baseline's assumptions.
            if u.assumptions.unwrap_or(true) {
                let base_text = String::from_utf8_lossy(
                    policies[0]
                        .scenario
                        .loaded
                        .sources
                        .first()
                        .map(|s| s.1.as_slice())
                        .unwrap_or(&[]),
                )
                .into_owned();
                // The assumptions of every file of the baseline's chain, the file itself first.
                let mut keys = assumption_keys(&base_text);
                for (_, b) in policies[0].scenario.loaded.sources.iter().skip(1) {
                    for k in assumption_keys(&String::from_utf8_lossy(b)) {
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
                let mut leaves: Vec<String> = Vec::new();
                for k in keys {
                    for l in numeric_leaves(&base_merged, &k) {
                        if !leaves.contains(&l) {
                            leaves.push(l);
                        }
                    }
                }
                let base_sc = &policies[0].scenario;
                for path in leaves {
                    let excluded = u.exclude.iter().any(|e| {
                        path == *e
                            || path.starts_with(&format!("{e}."))
                            || path.starts_with(&format!("{e}["))
                    });
                    if excluded || explicit.iter().any(|x| x.path == path) {
                        continue;
                    }
                    if let Some(r) = held_by(&path) {
                        held_by_reforms.push((path, r));
                        continue;
                    }
                    let Some(like) = overrides::get(&base_merged, &path).cloned() else {
                        continue;
                    };
                    let integer = like.is_integer();
                    let v = value_number(&like);
                    let Some((lo, hi)) = default_range(v, integer, spread) else {
                        continue;
                    };
                    let mut ok = |x: f64| -> bool {
                        let val = number_like(&like, x).unwrap_or(Value::Float(x));
                        overrides::with_overrides(base_sc, &[(path.clone(), val)], "probe").is_ok()
                    };
                    let lo2 = furthest_accepted(v, lo, integer, &mut ok);
                    let hi2 = furthest_accepted(v, hi, integer, &mut ok);
                    if hi2 <= lo2 {
                        continue;
                    }
                    uncertain.push(Uncertain {
                        path,
                        baseline: v,
                        min: lo2,
                        max: hi2,
                        origin: Origin::Assumption,
                        clipped: lo2 != lo || hi2 != hi,
                        integer,
                    });
                }
            }
            uncertain.extend(explicit);
            if uncertain.is_empty() {
                return Err(bad(file, "uncertainties", "no uncertain parameter: the baseline marks no assumption that a reform leaves alone, and [[uncertainties.parameters]] lists none".into()));
            }
            let n = *n;
            if n == 0 {
                return Err(bad(file, "futures.samples", "0: must be at least 1".into()));
            }
            let runs = n
                .saturating_mul(raw.replications)
                .saturating_mul(policies.len() as u64);
            if runs > max_runs {
                return Err(bad(file, "futures.samples", format!("{n} futures x {} replications x {} policies = {runs} runs exceeds the limit of {max_runs} runs (raise `max_runs`, at most {HARD_MAX_RUNS}, or ask for fewer futures)", raw.replications, policies.len())));
            }
            let unit =
                design::latin_hypercube(n as usize, uncertain.len(), &mut futures_stream(raw.seed))
                    .map_err(|e| bad(file, "futures", e.to_string()))?;
            futures = unit
                .iter()
                .map(|pt| {
                    pt.iter()
                        .zip(&uncertain)
                        .map(|(&x, u)| {
                            let v = u.min + x * (u.max - u.min);
                            let like = overrides::get(&base_merged, &u.path)
                                .cloned()
                                .unwrap_or(Value::Float(0.0));
                            number_like(&like, v).unwrap_or(Value::Float(v))
                        })
                        .collect()
                })
                .collect();
        }
    }
    if !errs.is_empty() {
        return Err(several(file, errs));
    }
    let runs = (futures.len() as u64)
        .saturating_mul(raw.replications)
        .saturating_mul(policies.len() as u64);
    if runs > max_runs {
        return Err(bad(file, "futures.design", format!("{} rows x {} replications x {} policies = {runs} runs exceeds the limit of {max_runs} runs (raise `max_runs`, at most {HARD_MAX_RUNS})", futures.len(), raw.replications, policies.len())));
    }

    let identity = {
        let mut parts: Vec<&[u8]> = vec![&bytes, &csv_bytes];
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
        replications: raw.replications,
        seed: raw.seed,
        scale,
        uncertain,
        held_by_reforms,
        futures,
        design_csv,
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

// ---------------------------------------------------------------------------------------------
// Regret and robustness
// ---------------------------------------------------------------------------------------------

/// The regret of each policy in one future: how much worse its value is than the best policy's
/// there (0 for the best, never negative). `values[p]` is policy `p`'s value (NaN: no result).
/// Returns the regrets (NaN where the value is) and the index of the best policy (the first one on
/// ties), or `None` if no policy has a value.
pub(crate) fn regrets(values: &[f64], direction: Direction) -> (Vec<f64>, Option<usize>) {
    let mut best: Option<usize> = None;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        best = match best {
            None => Some(i),
            Some(b) if direction.improvement(v, values[b]) > 0.0 => Some(i),
            keep => keep,
        };
    }
    let out = values
        .iter()
        .map(|&v| match best {
            Some(b) if !v.is_nan() => direction.improvement(values[b], v).max(0.0),
            _ => f64::NAN,
        })
        .collect();
    (out, best)
}

/// The `q` percentile (0-100) of values, linear interpolation between order statistics.
pub(crate) fn percentile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    design::quantile_sorted(&v, q / 100.0)
}

/// One policy's robustness on one metric across futures.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Robustness {
    /// Futures with a value.
    pub futures: usize,
    pub mean: f64,
    pub sd: f64,
    /// The requested percentiles, in order.
    pub percentiles: Vec<f64>,
    /// Share of futures (with values for both) where the policy improves on the baseline by at
    /// least `threshold` and by more than zero.
    pub beats_baseline_share: f64,
    pub mean_regret: f64,
    pub max_regret: f64,
}

/// Robustness of a policy from its values per future, the baseline's values per future and its
/// regrets per future (NaN: no result in that future).
pub(crate) fn robustness(
    values: &[f64],
    baseline: &[f64],
    regret: &[f64],
    direction: Direction,
    threshold: f64,
    percentiles: &[f64],
) -> Robustness {
    let have: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    let s = crate::stats::interval(&have);
    let pairs: Vec<f64> = values
        .iter()
        .zip(baseline)
        .filter(|(v, b)| !v.is_nan() && !b.is_nan())
        .map(|(&v, &b)| direction.improvement(v, b))
        .collect();
    let beats = pairs.iter().filter(|&&d| d >= threshold && d > 0.0).count();
    let r: Vec<f64> = regret.iter().copied().filter(|x| !x.is_nan()).collect();
    Robustness {
        futures: have.len(),
        mean: s.mean,
        sd: s.sd,
        percentiles: percentiles.iter().map(|&q| percentile(&have, q)).collect(),
        beats_baseline_share: if pairs.is_empty() {
            f64::NAN
        } else {
            beats as f64 / pairs.len() as f64
        },
        mean_regret: if r.is_empty() {
            f64::NAN
        } else {
            r.iter().sum::<f64>() / r.len() as f64
        },
        max_regret: r.iter().copied().fold(f64::NAN, f64::max),
    }
}

// ---------------------------------------------------------------------------------------------
// The condition of a scenario discovery
// ---------------------------------------------------------------------------------------------

/// What a condition compares, per future (means over the successful replications).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantity {
    /// The reform's value of the metric.
    Value,
    /// The baseline's value.
    Baseline,
    /// The reform's value minus the baseline's.
    Difference,
    /// How much better than the baseline the reform does (the difference with the metric's better
    /// direction positive: for "lower is better", baseline minus reform).
    Improvement,
    /// How much worse than the best policy of that future (0 for the best).
    Regret,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

/// A condition such as `improvement < 1000`: the futures where it holds are the cases PRIM looks
/// for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Condition {
    pub quantity: Quantity,
    pub op: Op,
    pub threshold: f64,
}

/// What a condition may be, for messages.
pub(crate) const CONDITION_HELP: &str = "`QUANTITY OP NUMBER`, QUANTITY one of value, baseline, difference (reform - baseline), improvement (better than the baseline, in the metric's better direction), regret (behind the best policy of the future); OP one of <, <=, >, >=; e.g. \"improvement < 1000\" (the reform does not improve on the baseline by at least 1000)";

impl Condition {
    /// Parse `QUANTITY OP NUMBER` (spaces optional around the operator).
    pub(crate) fn parse(text: &str) -> Result<Condition, String> {
        let t = text.trim();
        let ops = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];
        let Some((at, len, op)) = ops
            .iter()
            .filter_map(|(sym, op)| t.find(sym).map(|i| (i, sym.len(), *op)))
            .min_by_key(|(i, len, _)| (*i, usize::MAX - len))
        else {
            return Err(format!(
                "\"{}\": no comparison operator; write {CONDITION_HELP}",
                t.escape_debug()
            ));
        };
        let (left, right) = (t[..at].trim(), t[at + len..].trim());
        let quantity = match left {
            "value" => Quantity::Value,
            "baseline" => Quantity::Baseline,
            "difference" => Quantity::Difference,
            "improvement" => Quantity::Improvement,
            "regret" => Quantity::Regret,
            other => {
                return Err(format!(
                    "\"{}\": unknown quantity; write {CONDITION_HELP}",
                    other.escape_debug()
                ))
            }
        };
        let threshold: f64 = right
            .replace('_', "")
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| {
                format!(
                    "\"{}\": not a finite number; write {CONDITION_HELP}",
                    right.escape_debug()
                )
            })?;
        Ok(Condition {
            quantity,
            op,
            threshold,
        })
    }

    /// Whether the condition holds for the quantity's value `v` (never for NaN).
    pub(crate) fn holds(&self, v: f64) -> bool {
        match self.op {
            Op::Lt => v < self.threshold,
            Op::Le => v <= self.threshold,
            Op::Gt => v > self.threshold,
            Op::Ge => v >= self.threshold,
        }
    }

    /// Whether the quantity needs the metric's better direction.
    pub(crate) fn needs_direction(&self) -> bool {
        matches!(self.quantity, Quantity::Improvement | Quantity::Regret)
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = match self.quantity {
            Quantity::Value => "value",
            Quantity::Baseline => "baseline",
            Quantity::Difference => "difference",
            Quantity::Improvement => "improvement",
            Quantity::Regret => "regret",
        };
        let op = match self.op {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        };
        write!(f, "{q} {op} {}", self.threshold)
    }
}

/// The value of `quantity` in one future from the policies' values there (`values[0]` the
/// baseline's, `values[reform]` the reform's; NaN: no result).
pub(crate) fn quantity_of(
    quantity: Quantity,
    values: &[f64],
    reform: usize,
    direction: Option<Direction>,
) -> f64 {
    let (v, b) = (values[reform], values[0]);
    match quantity {
        Quantity::Value => v,
        Quantity::Baseline => b,
        Quantity::Difference => v - b,
        Quantity::Improvement => direction.map_or(f64::NAN, |d| d.improvement(v, b)),
        Quantity::Regret => direction.map_or(f64::NAN, |d| regrets(values, d).0[reform]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumption_keys_come_from_trailing_comments_and_blocks_above() {
        let text = "# header: values marked assumption are choices\n\n[a]\nx = 1 # assumption\ny = 2 # published\n# An assumption, range 0-3.\nz = 3.0\n\nw = 4\n# about the table: assumptions\n[b]\nq = 0.5\ns = [\n  { from = \"d\", value = 1 },  # assumption\n  # published\n  { from = \"e\", value = 2 },\n  # the lasting share is an assumption\n  { from = \"f\", value = 3 },\n]\nt = 0.1 # Assumption: upper case\nu = \"x # assumption inside a string\"\n[[c]]\nk = 1\n[[c]]\nk = 2 # assumption\n";
        assert_eq!(
            assumption_keys(text),
            vec!["a.x", "a.z", "b.s[0]", "b.s[2]", "b.t", "c[1].k"]
        );
    }

    #[test]
    fn the_baseline_marks_dozens_of_assumptions() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let keys = assumption_keys(&text);
        for k in [
            "time.contact_window_days",
            "data_sharing.orr_to_ice_probability",
            "life.move_rate_per_year",
            "orr.placements_per_day",
            "wellbeing_calls.calls_per_staff_day",
            "recovery.reassigned_to_removal_share[0]",
            "recovery.reassigned_to_removal_share[2]",
        ] {
            assert!(keys.contains(&k.to_string()), "{k} missing from {keys:?}");
        }
        // Published figures are not assumptions.
        for k in [
            "release.address_error_probability",
            "cbp.transfer_limit_hours",
            "recovery.reassigned_to_removal_share[1]",
            "recovery.operation_find_probability",
        ] {
            assert!(!keys.contains(&k.to_string()), "{k} wrongly marked");
        }
        assert!(keys.len() > 60, "{}", keys.len());
    }

    #[test]
    fn leaves_expand_arrays_tables_and_schedules() {
        let t: Table = toml::from_str("[a]\nx = [1.0, 2.0]\ny = { p = 1, q = 0.5 }\ns = [{ from = \"d\", value = 3 }]\nb = true\n").unwrap();
        assert_eq!(numeric_leaves(&t, "a.x"), vec!["a.x[0]", "a.x[1]"]);
        assert_eq!(numeric_leaves(&t, "a.y"), vec!["a.y.p", "a.y.q"]);
        assert_eq!(numeric_leaves(&t, "a.s"), vec!["a.s[0].value"]);
        assert!(numeric_leaves(&t, "a.b").is_empty());
        assert!(numeric_leaves(&t, "a.missing").is_empty());
    }

    #[test]
    fn default_ranges_are_relative_and_integers_round_outwards() {
        assert_eq!(
            default_range(0.4, false, 0.25),
            Some((0.30000000000000004, 0.5))
        );
        assert_eq!(default_range(1.0, true, 0.25), Some((0.0, 2.0)));
        assert_eq!(default_range(30.0, true, 0.25), Some((22.0, 38.0)));
        assert_eq!(default_range(0.0, false, 0.25), None);
    }

    #[test]
    fn bisection_finds_the_edge_of_what_is_accepted() {
        let x = furthest_accepted(0.9, 1.125, false, &mut |v| v <= 1.0);
        assert!((x - 1.0).abs() < 1e-9 && x <= 1.0, "{x}");
        let n = furthest_accepted(1.0, 0.0, true, &mut |v| v >= 1.0);
        assert_eq!(n, 1.0);
        let n = furthest_accepted(30.0, 22.0, true, &mut |v| v >= 25.0);
        assert_eq!(n, 25.0);
        assert_eq!(furthest_accepted(0.5, 0.6, false, &mut |_| true), 0.6);
    }

    #[test]
    fn regret_is_zero_for_the_best_and_never_negative() {
        let (r, best) = regrets(&[10.0, 7.0, 12.0, f64::NAN], Direction::Lower);
        assert_eq!(best, Some(1));
        assert_eq!(r[0], 3.0);
        assert_eq!(r[1], 0.0);
        assert_eq!(r[2], 5.0);
        assert!(r[3].is_nan());
        let (r, best) = regrets(&[10.0, 7.0, 12.0], Direction::Higher);
        assert_eq!(best, Some(2));
        assert_eq!(r, vec![2.0, 5.0, 0.0]);
        let (r, best) = regrets(&[f64::NAN, f64::NAN], Direction::Higher);
        assert_eq!(best, None);
        assert!(r.iter().all(|x| x.is_nan()));
        // Ties: the first best is named, both have zero regret.
        let (r, best) = regrets(&[5.0, 5.0], Direction::Lower);
        assert_eq!((r, best), (vec![0.0, 0.0], Some(0)));
    }

    #[test]
    fn robustness_counts_futures_that_beat_the_baseline_by_the_threshold() {
        let base = [100.0, 100.0, 100.0, 100.0];
        let reform = [90.0, 99.5, 101.0, 80.0];
        let regret = [0.0, 0.0, 1.0, 0.0];
        let r = robustness(&reform, &base, &regret, Direction::Lower, 5.0, &[50.0]);
        assert_eq!(r.futures, 4);
        assert_eq!(r.beats_baseline_share, 0.5);
        assert_eq!(r.max_regret, 1.0);
        assert_eq!(r.mean_regret, 0.25);
        assert_eq!(r.percentiles, vec![94.75]);
        let r0 = robustness(
            &reform,
            &base,
            &regret,
            Direction::Lower,
            0.0,
            &[0.0, 100.0],
        );
        assert_eq!(r0.beats_baseline_share, 0.75);
        assert_eq!(r0.percentiles, vec![80.0, 101.0]);
        // The baseline never beats itself.
        let rb = robustness(&base, &base, &[0.0; 4], Direction::Lower, 0.0, &[50.0]);
        assert_eq!(rb.beats_baseline_share, 0.0);
    }

    #[test]
    fn directions_of_the_default_metrics_are_known() {
        for m in DEFAULT_METRICS {
            assert!(default_direction(m).is_some(), "{m}");
        }
        assert_eq!(
            default_direction("unlocatable_by_ice_at_horizon"),
            Some(Direction::Lower)
        );
        assert_eq!(
            default_direction("wellbeing_calls_not_reached"),
            Some(Direction::Lower)
        );
        assert_eq!(default_direction("located"), Some(Direction::Higher));
        assert_eq!(
            default_direction("rescued_by_checks"),
            Some(Direction::Higher)
        );
        assert_eq!(default_direction("events"), None);
        assert_eq!(default_direction("unlocatable_by_ice_peak_day"), None);
    }

    #[test]
    fn conditions_parse_and_hold() {
        let c = Condition::parse("improvement < 1000").unwrap();
        assert_eq!(
            c,
            Condition {
                quantity: Quantity::Improvement,
                op: Op::Lt,
                threshold: 1000.0
            }
        );
        assert!(c.holds(999.0) && !c.holds(1000.0) && !c.holds(f64::NAN));
        let c = Condition::parse("regret>=2.5").unwrap();
        assert_eq!(
            (c.quantity, c.op, c.threshold),
            (Quantity::Regret, Op::Ge, 2.5)
        );
        assert_eq!(c.to_string(), "regret >= 2.5");
        assert_eq!(
            Condition::parse(" value <= 1_000 ").unwrap().threshold,
            1000.0
        );
        for bad in [
            "improvement",
            "gain < 3",
            "value < lots",
            "value < inf",
            "< 3",
        ] {
            let e = Condition::parse(bad).unwrap_err();
            assert!(e.contains("QUANTITY OP NUMBER"), "{bad}: {e}");
        }
        // Improvement is direction-aware; regret is against the best policy of the future.
        let values = [100.0, 90.0, 80.0];
        assert_eq!(
            quantity_of(Quantity::Improvement, &values, 1, Some(Direction::Lower)),
            10.0
        );
        assert_eq!(
            quantity_of(Quantity::Improvement, &values, 1, Some(Direction::Higher)),
            -10.0
        );
        assert_eq!(quantity_of(Quantity::Difference, &values, 1, None), -10.0);
        assert_eq!(
            quantity_of(Quantity::Regret, &values, 1, Some(Direction::Lower)),
            10.0
        );
        assert!(quantity_of(Quantity::Regret, &values, 1, None).is_nan());
    }
}
