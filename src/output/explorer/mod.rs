//! The classroom explorer page: one self-contained HTML file (inline CSS, inline JavaScript, the
//! data inline as JSON; nothing fetched) rendered from the askama template
//! `src/output/templates/explorer.html`. The levers are native controls; the charts are drawn into
//! SVG by the small script `explorer.js` from the precomputed results of every setting; the
//! plain-language reading of each setting and the teacher's steps are written here, from the
//! numbers, with their 95% intervals.

mod text;

use anyhow::Result;
use serde::Serialize;

use crate::experiment::compare::paired;
pub(crate) use crate::output::format::percent;
use crate::sim::metrics::Flow;
use crate::sim::{Lens, RunSummary};
use crate::stats::{interval, Interval};

pub(crate) use text::{generated_steps, placeholders_in, PLACEHOLDERS};

/// The daily series kept at every month's end, in this order: children unlocatable by ICE and
/// pooled, and each agency's share of followed children whose record holds the true address.
pub(crate) const SERIES: [&str; 6] = [
    "unlocatable_by_ice",
    "unlocatable_pooled",
    "accurate_share_cbp",
    "accurate_share_orr",
    "accurate_share_ice",
    "accurate_share_court",
];

/// The agencies of the friction chart, in the order of the `accurate_share_*` series.
pub(crate) const AGENCIES: [&str; 4] = ["CBP", "ORR", "ICE", "Immigration court"];

/// Whole-run metrics kept per replication in the page (the numbers a user can check against
/// `summary.csv` of `run` with the same seed and scale): the catalogue's list.
pub(crate) const RUN_METRICS: [&str; 6] = crate::sim::metrics::EXPLORER_RUNS;

/// One month's end: its day (0 = the scenario's start) and `YYYY-MM`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Month {
    pub day: u32,
    pub label: String,
}

/// One level of a lever as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LevelView {
    pub label: String,
    pub short: String,
    /// What it sets, `path = value`, for the "what was run" section.
    pub values: Vec<String>,
}

/// One lever as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LeverView {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub description: String,
    pub levels: Vec<LevelView>,
    /// The level of today's policy.
    pub today: usize,
}

/// A step of the teacher's mode: its text may hold `{placeholders}` (see [`PLACEHOLDERS`]),
/// filled with the numbers of its setting (`levels`, one per lever).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepSpec {
    pub title: String,
    pub text: String,
    pub questions: Vec<String>,
    pub levels: Vec<usize>,
}

/// What one replication of one setting leaves for the page.
#[derive(Debug, Clone)]
pub(crate) struct RunDigest {
    pub summary: RunSummary,
    /// Per month's end, the values of [`SERIES`].
    pub monthly: Vec<Vec<f64>>,
}

/// The replications of one setting, in replication order.
pub(crate) type CellRuns = Vec<RunDigest>;

/// Everything the page is made from.
#[derive(Debug, Clone)]
pub(crate) struct PageInput {
    pub title: String,
    pub program: String,
    pub explorer_file: String,
    pub base_name: String,
    pub scale: f64,
    pub replications: u64,
    pub seed: u64,
    pub horizon_date: String,
    pub months: Vec<Month>,
    pub levers: Vec<LeverView>,
    /// The cell of today's policy.
    pub reference: usize,
    pub steps: Vec<StepSpec>,
    /// Per cell (row-major over the levers, the first slowest), its replications.
    pub cells: Vec<CellRuns>,
    /// The values changed to simulate a share of the cohort: path, full scale, simulated.
    pub scaled: Vec<(String, String, String)>,
    /// With a calibrated posterior: each cell's runs are `draws` groups of `replications`, draw
    /// by draw.
    pub posterior: Option<PosteriorView>,
}

/// The calibrated posterior a page was run over.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PosteriorView {
    /// The ensemble file read.
    pub ensemble: String,
    /// How many draws of it every setting ran at.
    pub draws: usize,
    /// Whether those draws are all the same point.
    pub point: bool,
}

/// A series over the months: means and half-widths of the 95% intervals across replications.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Series {
    pub mean: Vec<f64>,
    pub half: Vec<f64>,
    /// Over a posterior: per month, the range the assumptions allow (the 2.5% and 97.5%
    /// quantiles of the draws' means); `half` is then the random draws' half-width only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[Vec<f64>; 2]>,
}

/// A way into or out of unlocatable (a flow), for the flows chart.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Way {
    /// "lost", "found" or "left".
    pub group: &'static str,
    pub label: String,
    /// The metric of ICE and of every agency (pooled), as in `summary.csv`.
    pub metrics: [String; 2],
}

/// One setting's numbers in the page (counts at the simulated scale; the page divides by
/// `scale` to show full-cohort estimates).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CellData {
    pub ice: Series,
    pub pooled: Series,
    /// Per agency of [`AGENCIES`]: the share of followed children whose record holds the true
    /// address, per mille.
    pub accurate: Vec<Series>,
    /// Per way of the page's `ways`: [ICE mean, ICE half-width, pooled mean, pooled half-width]
    /// by the end of the run.
    pub flows: Vec<[f64; 4]>,
    /// On the last day: [mean, low, high] of children unlocatable by ICE, pooled, arrived,
    /// released, and ICE's share of true addresses (per mille).
    pub end: EndData,
    /// Paired difference from today's policy (this setting minus today), [mean, low, high].
    pub change: ChangeData,
    /// [`RUN_METRICS`] per replication, as `summary.csv` has them.
    pub runs: Vec<Vec<f64>>,
    /// The plain-language reading of this setting.
    pub reading: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct EndData {
    pub ice: [f64; 3],
    pub pooled: [f64; 3],
    /// Over a posterior: the range the assumptions allow, ICE's then pooled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[[f64; 2]; 2]>,
    pub arrived: [f64; 3],
    pub released: [f64; 3],
    pub ice_accurate: [f64; 3],
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChangeData {
    pub ice: [f64; 3],
    pub pooled: [f64; 3],
    /// Over a posterior: the range the assumptions allow, ICE's then pooled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[[f64; 2]; 2]>,
}

/// The page's data, embedded as JSON.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageData {
    pub version: u32,
    pub scale: f64,
    pub replications: u64,
    pub seed: u64,
    /// "the end of 2025"
    pub horizon: String,
    pub months: Vec<String>,
    pub levers: Vec<LeverView>,
    pub reference: usize,
    pub agencies: Vec<&'static str>,
    pub ways: Vec<Way>,
    /// The ways left out because they are zero in every run of every setting.
    pub omitted: Vec<String>,
    pub run_metrics: Vec<&'static str>,
    pub cells: Vec<CellData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorView>,
}

/// Over a posterior: `values` (one per run, draw by draw) as `draws` groups, their mean, the
/// random draws' interval and the assumptions' (see [`crate::experiment::posterior::spread`]).
fn over_draws(values: &[f64], p: &PosteriorView) -> crate::experiment::posterior::Spread {
    let per = (values.len() / p.draws.max(1)).max(1);
    let groups: Vec<Vec<f64>> = values.chunks(per).map(<[f64]>::to_vec).collect();
    crate::experiment::posterior::spread(&groups, p.point)
}

/// A spread as the page's (mean, low, high) with the random draws' interval, and the range.
fn spread_triple(
    s: &crate::experiment::posterior::Spread,
    f: impl Fn(f64) -> f64,
) -> ([f64; 3], [f64; 2]) {
    (
        [f(s.mean), f(s.draws_only.0), f(s.draws_only.1)],
        [f(s.with_assumptions.0), f(s.with_assumptions.1)],
    )
}

/// `x` rounded to one decimal.
pub(crate) fn r1(x: f64) -> f64 {
    if x.is_finite() {
        (x * 10.0).round() / 10.0
    } else {
        0.0
    }
}

/// The half-width of an interval (0 when it has none).
fn half(i: &Interval) -> f64 {
    let h = (i.high - i.low) / 2.0;
    if h.is_finite() {
        h
    } else {
        0.0
    }
}

fn triple(i: &Interval, f: impl Fn(f64) -> f64) -> [f64; 3] {
    [f(i.mean), f(i.low), f(i.high)]
}

/// A whole-run metric of every replication of a cell.
pub(crate) fn metric(runs: &[RunDigest], name: &str) -> Vec<f64> {
    runs.iter()
        .map(|r| {
            r.summary
                .metrics()
                .into_iter()
                .find(|m| m.0 == name)
                .map(|m| m.1)
                .unwrap_or(f64::NAN)
        })
        .collect()
}

/// The series `k` of [`SERIES`] at month `m`, per replication.
fn at_month(runs: &[RunDigest], k: usize, m: usize) -> Vec<f64> {
    runs.iter().map(|r| r.monthly[m][k]).collect()
}

/// Every way in or out of unlocatable, in the order of the flows chart (the catalogue's flows).
fn all_ways() -> Vec<Way> {
    Flow::all()
        .map(|f| Way {
            group: match f {
                Flow::Lost(_) => "lost",
                Flow::Found(_) => "found",
                Flow::Left(_) => "left",
            },
            label: f.label().to_string(),
            metrics: Lens::REPORTED.map(|lens| f.key(lens)),
        })
        .collect()
}

/// "the end of 2025" for a horizon on 31 December, else "31 March 2025".
pub(crate) fn horizon_words(date: &str) -> String {
    match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(d) if date.ends_with("-12-31") => format!("the end of {}", d.format("%Y")),
        Ok(d) => format!("{}", d.format("%-d %B %Y")),
        Err(_) => date.to_string(),
    }
}

/// The page's data: per setting its series, flows, numbers on the last day, paired differences
/// from today's policy and its reading.
pub(crate) fn page_data(input: &PageInput) -> PageData {
    let horizon = horizon_words(&input.horizon_date);
    let ways_all = all_ways();
    // Ways that no run of any setting took, through either lens, are left out.
    let (ways, omitted): (Vec<Way>, Vec<Way>) = ways_all.into_iter().partition(|w| {
        input.cells.iter().any(|runs| {
            w.metrics
                .iter()
                .any(|m| metric(runs, m).iter().any(|&x| x != 0.0))
        })
    });
    let reference = &input.cells[input.reference];
    let last = input.months.len().saturating_sub(1);
    let cells = input
        .cells
        .iter()
        .enumerate()
        .map(|(c, runs)| {
            let series = |k: usize, f: &dyn Fn(f64) -> f64| -> Series {
                if let Some(p) = &input.posterior {
                    let sp: Vec<_> = (0..input.months.len())
                        .map(|m| over_draws(&at_month(runs, k, m), p))
                        .collect();
                    let h = |s: &crate::experiment::posterior::Spread| {
                        let h = (s.draws_only.1 - s.draws_only.0) / 2.0;
                        if h.is_finite() {
                            h
                        } else {
                            0.0
                        }
                    };
                    return Series {
                        mean: sp.iter().map(|s| f(s.mean)).collect(),
                        half: sp.iter().map(|s| f(h(s))).collect(),
                        range: Some([
                            sp.iter().map(|s| f(s.with_assumptions.0)).collect(),
                            sp.iter().map(|s| f(s.with_assumptions.1)).collect(),
                        ]),
                    };
                }
                let iv: Vec<Interval> = (0..input.months.len())
                    .map(|m| interval(&at_month(runs, k, m)))
                    .collect();
                Series {
                    mean: iv.iter().map(|i| f(i.mean)).collect(),
                    half: iv.iter().map(|i| f(half(i))).collect(),
                    range: None,
                }
            };
            let per_mille = |x: f64| (x * 1000.0).round();
            let flows = ways
                .iter()
                .map(|w| {
                    let a = interval(&metric(runs, &w.metrics[0]));
                    let b = interval(&metric(runs, &w.metrics[1]));
                    [r1(a.mean), r1(half(&a)), r1(b.mean), r1(half(&b))]
                })
                .collect();
            let summaries: Vec<RunSummary> = runs.iter().map(|r| r.summary.clone()).collect();
            let ref_summaries: Vec<RunSummary> =
                reference.iter().map(|r| r.summary.clone()).collect();
            let diffs = paired(&ref_summaries, &summaries);
            let diff = |name: &str| -> [f64; 3] {
                diffs
                    .iter()
                    .find(|d| d.metric == name)
                    .map(|d| triple(&d.difference, r1))
                    .unwrap_or([0.0; 3])
            };
            let end_of = |name: &str| triple(&interval(&metric(runs, name)), r1);
            // Over a posterior: the random draws' intervals and the assumptions' ranges of the
            // numbers at the horizon and of the change against today's policy, draw by draw.
            let (end_main, change_main) = match &input.posterior {
                None => (
                    (
                        [
                            end_of("unlocatable_by_ice_at_horizon"),
                            end_of("unlocatable_pooled_at_horizon"),
                        ],
                        None,
                    ),
                    (
                        [
                            diff("unlocatable_by_ice_at_horizon"),
                            diff("unlocatable_pooled_at_horizon"),
                        ],
                        None,
                    ),
                ),
                Some(p) => {
                    let end = |name: &str| spread_triple(&over_draws(&metric(runs, name), p), r1);
                    let change = |name: &str| {
                        let d: Vec<f64> = metric(runs, name)
                            .iter()
                            .zip(metric(reference, name))
                            .map(|(a, b)| a - b)
                            .collect();
                        spread_triple(&over_draws(&d, p), r1)
                    };
                    let (ei, ri) = end("unlocatable_by_ice_at_horizon");
                    let (ep, rp) = end("unlocatable_pooled_at_horizon");
                    let (ci, rci) = change("unlocatable_by_ice_at_horizon");
                    let (cp, rcp) = change("unlocatable_pooled_at_horizon");
                    (([ei, ep], Some([ri, rp])), ([ci, cp], Some([rci, rcp])))
                }
            };
            CellData {
                ice: series(0, &r1),
                pooled: series(1, &r1),
                accurate: (2..6).map(|k| series(k, &per_mille)).collect(),
                flows,
                end: EndData {
                    ice: end_main.0[0],
                    pooled: end_main.0[1],
                    range: end_main.1,
                    arrived: end_of("arrived"),
                    released: end_of("released"),
                    ice_accurate: triple(&interval(&at_month(runs, 4, last)), per_mille),
                },
                change: ChangeData {
                    ice: change_main.0[0],
                    pooled: change_main.0[1],
                    range: change_main.1,
                },
                runs: RUN_METRICS.iter().map(|m| metric(runs, m)).collect(),
                reading: text::reading(input, c, &horizon),
            }
        })
        .collect();
    PageData {
        version: 1,
        scale: input.scale,
        replications: input.replications,
        seed: input.seed,
        horizon,
        months: input.months.iter().map(|m| m.label.clone()).collect(),
        levers: input.levers.clone(),
        reference: input.reference,
        agencies: AGENCIES.to_vec(),
        omitted: omitted
            .iter()
            .map(|w| {
                let verb = match w.group {
                    "lost" => "became unlocatable",
                    "found" => "found again",
                    _ => "left while unlocatable",
                };
                format!("{verb}: {}", w.label)
            })
            .collect(),
        ways,
        run_metrics: RUN_METRICS.to_vec(),
        cells,
        posterior: input.posterior.clone(),
    }
}

/// JSON fit to sit inside a `<script type="application/json">` element: `<`, `>` and `&` are
/// written as `\u` escapes (they can only occur inside strings), so no text can close the
/// element or open a comment.
pub(crate) fn script_json<T: Serialize>(value: &T) -> Result<String> {
    let json = serde_json::to_string(value)?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

/// A step as the page shows it: its text filled with the numbers of its setting.
struct StepView {
    title: String,
    text: String,
    questions: Vec<String>,
    /// The levels it sets, comma-separated (read by the script).
    levels: String,
    setting: String,
}

/// One lever as the template draws its control.
struct ControlView<'a> {
    l: &'a LeverView,
    index: usize,
    /// A switch (two levels) rather than a slider.
    switch: bool,
}

/// The page as the template sees it.
#[derive(askama::Template)]
#[template(path = "explorer.html", config = "src/output/templates/askama.toml")]
struct Page<'a> {
    title: &'a str,
    input: &'a PageInput,
    controls: Vec<ControlView<'a>>,
    steps: Vec<StepView>,
    reading: &'a str,
    horizon: &'a str,
    scale_percent: String,
    cohort_note: String,
    omitted: String,
    data_json: String,
    script: &'static str,
    caveats: &'static [&'static str],
}

/// The page's script (drawn charts, the levers, the teacher's mode, large type).
const SCRIPT: &str = include_str!("explorer.js");

/// The explorer page as one HTML document.
pub(crate) fn render(input: &PageInput) -> Result<String> {
    use askama::Template;
    let data = page_data(input);
    let steps = input
        .steps
        .iter()
        .map(|s| {
            let cell = cell_of(input, &s.levels);
            StepView {
                title: s.title.clone(),
                text: text::fill(&s.text, input, cell, &data.horizon),
                questions: s
                    .questions
                    .iter()
                    .map(|q| text::fill(q, input, cell, &data.horizon))
                    .collect(),
                levels: s
                    .levels
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                setting: text::setting(input, cell),
            }
        })
        .collect();
    let controls = input
        .levers
        .iter()
        .enumerate()
        .map(|(index, l)| ControlView {
            l,
            index,
            switch: l.levels.len() == 2,
        })
        .collect();
    let page = Page {
        title: &input.title,
        input,
        controls,
        steps,
        reading: &data.cells[input.reference].reading,
        horizon: &data.horizon,
        scale_percent: percent(input.scale),
        cohort_note: text::cohort_note(input),
        omitted: data.omitted.join("; "),
        data_json: script_json(&data)?,
        script: SCRIPT,
        caveats: crate::output::CAVEATS,
    };
    let mut html = page.render()?;
    html.push('\n');
    Ok(html)
}

/// The cell of a setting (row-major, the first lever slowest).
pub(crate) fn cell_of(input: &PageInput, levels: &[usize]) -> usize {
    levels
        .iter()
        .zip(&input.levers)
        .fold(0, |acc, (&j, l)| acc * l.levels.len() + j)
}

/// The levels of every lever in cell `c`.
pub(crate) fn levels_of(input: &PageInput, mut c: usize) -> Vec<usize> {
    let mut out = vec![0; input.levers.len()];
    for (i, l) in input.levers.iter().enumerate().rev() {
        out[i] = c % l.levels.len();
        c /= l.levels.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_its_script_element() {
        let s = script_json(&serde_json::json!({"a": "</script><!-- & >"})).unwrap();
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><!-- & >");
    }

    #[test]
    fn horizons_read_as_words() {
        assert_eq!(horizon_words("2025-12-31"), "the end of 2025");
        assert_eq!(horizon_words("2025-03-31"), "31 March 2025");
    }
}
