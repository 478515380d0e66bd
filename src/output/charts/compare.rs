//! Forest plots of a comparison (`comparison.csv`): for each headline metric, one row per reform
//! with its mean paired difference against the baseline and that difference's 95% interval.

use std::path::Path;

use anyhow::{bail, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{row_chart, RowAxes};
use super::data::Table;
use super::draw::{
    extent, fmt_count, fmt_tick, footnote, frame, in_sentence, label_font, legend, legend_line,
    metric_label, okabe_ito as oi, padded, Pen,
};
use super::{render, Chart, Figure};
use crate::output::schema::comparison;

/// Metrics that get a forest plot, in order (the catalogue's list): unlocatable by ICE (the acting
/// agency) and by every agency (pooled) first.
const FOREST_METRICS: [&str; 7] = crate::sim::metrics::FOREST;

/// What to run to make a comparison folder, and what to do about a broken one (for error
/// messages).
const COMPARE_MAKE: &str = "run `custody-sim compare BASELINE REFORM... --out DIR` first";
const COMPARE_FIX: &str = "re-run the comparison with `custody-sim compare`";

/// One reform's row of a forest plot: its name and the paired difference (mean, 95% interval).
struct Row {
    name: String,
    mean: f64,
    low: f64,
    high: f64,
}

/// One forest plot per headline metric in `comparison.csv`.
pub fn charts_for_comparison(compare_dir: &Path, out_dir: &Path) -> Result<Vec<Chart>> {
    let t = Table::read(compare_dir, comparison::FILE, COMPARE_MAKE, COMPARE_FIX)?;
    let c_base = t.col(comparison::BASELINE)?;
    let c_reform = t.col(comparison::REFORM)?;
    let c_metric = t.col(comparison::METRIC)?;
    let c_reps = t.col(comparison::REPLICATIONS)?;
    let c_mean = t.col(comparison::DIFFERENCE_MEAN)?;
    let c_low = t.col(comparison::DIFFERENCE_CI95_LOW)?;
    let c_high = t.col(comparison::DIFFERENCE_CI95_HIGH)?;
    let baseline = t.text(0, c_base).to_string();
    let reps = t.text(0, c_reps).to_string();
    let mut out = Vec::new();
    for metric in FOREST_METRICS {
        let rows: Vec<Row> = (0..t.rows.len())
            .filter(|&r| t.text(r, c_metric) == metric)
            .map(|r| Row {
                name: t.text(r, c_reform).to_string(),
                mean: t.num(r, c_mean),
                low: t.num(r, c_low),
                high: t.num(r, c_high),
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let label = in_sentence(&metric_label(metric));
        let title = format!("Effect of each reform on {}", label);
        let id = format!("compare-forest-{metric}");
        let caption = format!(
            "Each row is one reform: the dot is the mean paired difference in {} against the baseline `{baseline}` (reform minus baseline, same random children), and the bar its 95% interval. A bar that does not cross the dashed zero line is a difference larger than sampling noise.",
            label
        );
        out.push(render(
            &Forest {
                title: &title,
                metric: &label,
                baseline: &baseline,
                reps: &reps,
                rows,
            },
            out_dir,
            &id,
            &title,
            &caption,
        )?);
    }
    if out.is_empty() {
        bail!(
            "{} holds none of the metrics {}: {COMPARE_FIX}",
            t.path.display(),
            FOREST_METRICS.join(", ")
        );
    }
    Ok(out)
}

/// The axes of a forest plot: one row per name (the first at the top) over `x`, with the dashed
/// zero line in the legend as `zero_label`.
fn forest_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    names: &[String],
    x: std::ops::Range<f64>,
    x_desc: &str,
    label_width: u32,
    zero_label: &str,
) -> Result<super::draw::Chart2d<'a, DB>>
where
    DB::ErrorType: 'static,
{
    let n = names.len();
    let mut chart = row_chart(
        area,
        &RowAxes {
            names,
            x,
            x_desc,
            x_labels: 9,
            x_fmt: &|v| fmt_tick(*v),
            x_grid: true,
            label_size: 18.0,
            label_width,
            margin_right: 30,
        },
    )?;
    let zero = Pen::dashed(oi::BLACK, 2, 10, 6);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
            10,
            6,
            zero.style(),
        ))?
        .label(zero_label)
        .legend(move |(x, y)| legend_line(x, y, zero));
    Ok(chart)
}

/// The forest plot of one metric: a row per reform.
struct Forest<'a> {
    title: &'a str,
    metric: &'a str,
    baseline: &'a str,
    reps: &'a str,
    rows: Vec<Row>,
}

impl Figure for Forest<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(
            root,
            self.title,
            &footnote(&format!(
                "paired differences over {} replications with common random numbers; baseline `{}`",
                self.reps, self.baseline
            )),
        )?;
        let (lo, hi) = extent(
            self.rows
                .iter()
                .flat_map(|r| [r.mean, r.low, r.high])
                .chain([0.0]),
        );
        let (lo, hi) = padded(lo, hi);
        // Room on the right for the value labels.
        let hi = hi + (hi - lo) * 0.35;
        let n = self.rows.len();
        let names: Vec<String> = self.rows.iter().map(|r| r.name.clone()).collect();
        let x_desc = format!("Difference in {} (reform − baseline)", self.metric);
        let mut chart = forest_axes(&area, &names, lo..hi, &x_desc, 260, "zero: no difference")?;
        for (k, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            if r.low.is_finite() && r.high.is_finite() {
                chart.draw_series([r.low, r.high].map(|v| {
                    PathElement::new(vec![(v, y - 0.15), (v, y + 0.15)], oi::BLUE.stroke_width(3))
                }))?;
                let anno = chart.draw_series(std::iter::once(PathElement::new(
                    vec![(r.low, y), (r.high, y)],
                    oi::BLUE.stroke_width(4),
                )))?;
                if k == 0 {
                    anno.label("95% interval (paired)").legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 30, y)], oi::BLUE.stroke_width(4))
                    });
                }
            }
            if r.mean.is_finite() {
                chart.draw_series(std::iter::once(Circle::new((r.mean, y), 9, BLACK.filled())))?;
                let anno = chart.draw_series(std::iter::once(Circle::new(
                    (r.mean, y),
                    7,
                    oi::VERMILLION.filled(),
                )))?;
                if k == 0 {
                    anno.label("mean difference")
                        .legend(|(x, y)| Circle::new((x + 15, y), 7, oi::VERMILLION.filled()));
                }
                let ci = if r.low.is_finite() {
                    format!("  [{}, {}]", signed(r.low), signed(r.high))
                } else {
                    String::new()
                };
                let x_text = r.high.max(r.mean).max(0.0);
                chart.draw_series(std::iter::once(Text::new(
                    format!("  {}{ci}", signed(r.mean)),
                    (if x_text.is_finite() { x_text } else { r.mean }, y + 0.25),
                    label_font(16.0).pos(Pos::new(HPos::Left, VPos::Center)),
                )))?;
            }
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", fmt_count(x))
    } else {
        fmt_count(x)
    }
}

/// The metrics that get a chart of effects over a calibrated posterior: the two main counts.
pub(crate) const POSTERIOR_METRICS: [&str; 2] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
];

/// One reform's row of the posterior forest: the mean effect with both intervals.
struct TwoIntervals {
    name: String,
    mean: f64,
    draws_only: (f64, f64),
    with_assumptions: (f64, f64),
}

/// The id of the posterior forest of `metric`.
pub(crate) fn posterior_chart_id(metric: &str) -> String {
    format!("compare-posterior-{metric}")
}

/// One chart per main metric of `posterior_effects.csv` (a `compare --posterior` folder): every
/// reform sorted by its mean effect, the interval with the assumptions drawn wide and light, the
/// random draws' drawn narrow and dark inside it. None when the folder has no posterior.
pub fn charts_for_posterior(compare_dir: &Path, out_dir: &Path) -> Result<Vec<Chart>> {
    use crate::output::posterior::FILE;
    if !compare_dir.join(FILE).is_file() {
        return Ok(Vec::new());
    }
    let fix = "re-run the comparison with `custody-sim compare ... --posterior DIR`";
    let t = Table::read(compare_dir, FILE, COMPARE_MAKE, fix)?;
    let (c_reform, c_metric, c_mean) = (t.col("reform")?, t.col("metric")?, t.col("effect_mean")?);
    let (c_dl, c_dh) = (
        t.col("draws_only_ci95_low")?,
        t.col("draws_only_ci95_high")?,
    );
    let (c_al, c_ah) = (
        t.col("with_assumptions_ci95_low")?,
        t.col("with_assumptions_ci95_high")?,
    );
    let baseline = t.text(0, t.col("baseline")?).to_string();
    let draws = t.text(0, t.col("draws")?).to_string();
    let reps = t.text(0, t.col("replications_per_draw")?).to_string();
    let mut out = Vec::new();
    for metric in POSTERIOR_METRICS {
        let mut rows: Vec<TwoIntervals> = (0..t.rows.len())
            .filter(|&r| t.text(r, c_metric) == metric)
            .map(|r| TwoIntervals {
                name: t.text(r, c_reform).to_string(),
                mean: t.num(r, c_mean),
                draws_only: (t.num(r, c_dl), t.num(r, c_dh)),
                with_assumptions: (t.num(r, c_al), t.num(r, c_ah)),
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| a.mean.total_cmp(&b.mean));
        let label = in_sentence(&metric_label(metric));
        let title = format!("Effect of each reform on {label}, with the assumptions' uncertainty");
        let caption = format!(
            "Each row is one reform, sorted by its mean effect on {label} against the baseline `{baseline}` over {draws} draws of the calibrated assumptions ({reps} paired replications each). The wide light bar is the 95% interval with the assumptions (where the effect lies for assumptions the published record supports); the narrow dark bar inside it is the 95% interval of the random draws only, which is what a comparison at fixed assumptions reports. Where the light bar crosses the dashed zero line, the sign of the effect depends on the assumptions."
        );
        out.push(render(
            &PosteriorForest {
                title: &title,
                metric: &label,
                footnote: format!(
                    "{draws} posterior draws x {reps} paired replications; baseline `{baseline}`"
                ),
                rows,
            },
            out_dir,
            &posterior_chart_id(metric),
            &title,
            &caption,
        )?);
    }
    Ok(out)
}

/// The posterior forest of one metric.
struct PosteriorForest<'a> {
    title: &'a str,
    metric: &'a str,
    footnote: String,
    rows: Vec<TwoIntervals>,
}

impl Figure for PosteriorForest<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, self.title, &footnote(&self.footnote))?;
        let (lo, hi) = extent(
            self.rows
                .iter()
                .flat_map(|r| {
                    [
                        r.mean,
                        r.with_assumptions.0,
                        r.with_assumptions.1,
                        r.draws_only.0,
                        r.draws_only.1,
                    ]
                })
                .chain([0.0]),
        );
        let (lo, hi) = padded(lo, hi);
        let label_x = hi + (hi - lo) * 0.04;
        let hi = hi + (hi - lo) * 0.5;
        let n = self.rows.len();
        let names: Vec<String> = self.rows.iter().map(|r| r.name.clone()).collect();
        let x_desc = format!("Effect on {} (reform − baseline)", self.metric);
        let mut chart = forest_axes(&area, &names, lo..hi, &x_desc, 300, "zero: no effect")?;
        let finite = |(a, b): (f64, f64)| a.is_finite() && b.is_finite();
        for (k, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            if finite(r.with_assumptions) {
                let (a, b) = r.with_assumptions;
                let anno = chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, y - 0.28), (b, y + 0.28)],
                    oi::SKY_BLUE.mix(0.55).filled(),
                )))?;
                if k == 0 {
                    anno.label("95%: with the assumptions").legend(|(x, y)| {
                        Rectangle::new(
                            [(x, y - 6), (x + 30, y + 6)],
                            oi::SKY_BLUE.mix(0.55).filled(),
                        )
                    });
                }
            }
            if finite(r.draws_only) {
                let (a, b) = r.draws_only;
                let anno = chart.draw_series(std::iter::once(PathElement::new(
                    vec![(a, y), (b, y)],
                    oi::BLUE.stroke_width(5),
                )))?;
                if k == 0 {
                    anno.label("95%: random draws only").legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 30, y)], oi::BLUE.stroke_width(5))
                    });
                }
            }
            if r.mean.is_finite() {
                let anno = chart.draw_series(std::iter::once(Circle::new(
                    (r.mean, y),
                    6,
                    oi::VERMILLION.filled(),
                )))?;
                if k == 0 {
                    anno.label("mean effect")
                        .legend(|(x, y)| Circle::new((x + 15, y), 6, oi::VERMILLION.filled()));
                }
                let ci = if finite(r.with_assumptions) {
                    format!(
                        "  [{}, {}]",
                        signed(r.with_assumptions.0),
                        signed(r.with_assumptions.1)
                    )
                } else {
                    String::new()
                };
                // Every label in one column right of every bar, clear of the zero line.
                chart.draw_series(std::iter::once(Text::new(
                    format!("{}{ci}", signed(r.mean)),
                    (label_x, y),
                    label_font(16.0).pos(Pos::new(HPos::Left, VPos::Center)),
                )))?;
            }
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        Ok(())
    }
}
