//! Charts of experiments: forest plots of paired differences (`comparison.csv`), response curves,
//! heat maps or scatters of a sweep (`points.csv`), and sensitivity indices (`sensitivity.csv`).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::Table;
use super::draw::{
    axis_desc_font, band, colour_bar, extent, fmt_count, fmt_tick, footnote, frame, in_sentence,
    label_font, legend, legend_box, line, metric_label, okabe_ito as oi, padded, row_label, rows,
    tick_font, viridis, Pen,
};
use super::{render, Chart, Figure};
use crate::output::schema::sensitivity::{index, method};
use crate::output::schema::{comparison, points, sensitivity};

/// Metrics that get a forest plot, in order (the catalogue's list): unlocatable by ICE (the acting
/// agency) and by every agency (pooled) first.
const FOREST_METRICS: [&str; 7] = crate::sim::metrics::FOREST;

const COMPARE_MAKE: &str = "run `custody-sim compare BASELINE REFORM... --out DIR` first";
const COMPARE_FIX: &str = "re-run the comparison with `custody-sim compare`";
const SWEEP_MAKE: &str = "run `custody-sim sweep SWEEP.toml --out DIR` first";
const SWEEP_FIX: &str = "re-run the sweep with `custody-sim sweep`";

/// The metric a sweep's response chart shows (the catalogue's).
const RESPONSE_METRIC: &str = crate::sim::metrics::RESPONSE;

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
        let y_fmt = |v: &f64| row_label(&names, *v);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(60)
            .y_label_area_size(260)
            .build_cartesian_2d(lo..hi, rows(n).0)?;
        let x_desc = format!("Difference in {} (reform − baseline)", self.metric);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .x_desc(x_desc)
            .axis_desc_style(axis_desc_font())
            .label_style(label_font(18.0))
            .x_labels(9)
            .y_labels(rows(n).1)
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&y_fmt)
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()?;
        let zero = Pen::dashed(oi::BLACK, 2, 10, 6);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
                10,
                6,
                zero.style(),
            ))?
            .label("zero: no difference")
            .legend(move |(x, y)| super::draw::legend_line(x, y, zero));
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

/// The design named in `sweep.json`, if readable.
fn design_of(sweep_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(sweep_dir.join("sweep.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("design")?.as_str().map(String::from)
}

/// The response chart of a sweep and, when `sensitivity.csv` exists, the sensitivity chart.
pub fn charts_for_sweep(sweep_dir: &Path, out_dir: &Path) -> Result<Vec<Chart>> {
    let t = Table::read(sweep_dir, points::FILE, SWEEP_MAKE, SWEEP_FIX)?;
    let c_point = t.col(points::POINT)?;
    let c_ok = t.col(points::REPLICATIONS_OK)?;
    if c_ok <= c_point + 1 {
        bail!(
            "{} names no varied parameter between `{}` and `{}`: {SWEEP_FIX}",
            t.path.display(),
            points::POINT,
            points::REPLICATIONS_OK
        );
    }
    let params: Vec<(String, usize)> = (c_point + 1..c_ok)
        .map(|c| (t.header[c].clone(), c))
        .collect();
    let c_mean = t.col(&points::mean(RESPONSE_METRIC))?;
    let c_low = t.col(&points::ci95_low(RESPONSE_METRIC))?;
    let c_high = t.col(&points::ci95_high(RESPONSE_METRIC))?;
    let design = design_of(sweep_dir).unwrap_or_default();
    let points: Vec<Point> = (0..t.rows.len())
        .map(|r| Point {
            x: params.iter().map(|(_, c)| t.num(r, *c)).collect(),
            mean: t.num(r, c_mean),
            low: t.num(r, c_low),
            high: t.num(r, c_high),
        })
        .filter(|p| p.mean.is_finite() && p.x.iter().all(|x| x.is_finite()))
        .collect();
    if points.is_empty() {
        bail!(
            "{} holds no point with a finite `{}` (every run failed?): {SWEEP_FIX}",
            t.path.display(),
            points::mean(RESPONSE_METRIC)
        );
    }
    let names: Vec<String> = params.iter().map(|p| metric_label(&p.0)).collect();
    let metric = metric_label(RESPONSE_METRIC);
    let mut out = Vec::new();
    let title;
    let caption;
    if names.len() == 1 {
        title = format!("{metric} as {} varies", names[0]);
        caption = format!(
            "The line is the mean number of children unlocatable on the last day at each value of {} (the only parameter varied), with its 95% interval across replications shaded. A steep stretch marks where this lever matters most.",
            names[0]
        );
    } else if design == "grid" && names.len() == 2 {
        title = format!("{metric} over a grid of two levers");
        caption = format!(
            "Each cell is one combination of {} (across) and {} (up); its colour and number give the mean number of children unlocatable on the last day. Lighter cells mean more unlocatable children.",
            names[0], names[1]
        );
    } else {
        title = format!("{metric} across the sweep's points");
        caption = format!(
            "Each dot is one point of the {} design placed by {} (across) and {} (up){}; its colour gives the mean number of children unlocatable on the last day. Lighter dots mean more unlocatable children; a colour gradient along one axis shows which lever matters.",
            if design.is_empty() { "sweep" } else { design.as_str() },
            names[0],
            names[1],
            if names.len() > 2 {
                format!(", the first two of {} varied parameters", names.len())
            } else {
                String::new()
            }
        );
    }
    let fig = Response {
        title: &title,
        metric: &metric,
        names: &names,
        design: &design,
        points,
    };
    out.push(render(&fig, out_dir, "sweep-response", &title, &caption)?);

    let sens = sweep_dir.join(sensitivity::FILE);
    if sens.is_file() {
        out.push(sensitivity(sweep_dir, out_dir)?);
    }
    Ok(out)
}

struct Point {
    x: Vec<f64>,
    mean: f64,
    low: f64,
    high: f64,
}

struct Response<'a> {
    title: &'a str,
    metric: &'a str,
    names: &'a [String],
    design: &'a str,
    points: Vec<Point>,
}

impl Figure for Response<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let note = format!(
            "{} design; {} points; means with 95% intervals across replications",
            if self.design.is_empty() {
                "sweep"
            } else {
                self.design
            },
            self.points.len()
        );
        let area = frame(root, self.title, &footnote(&note))?;
        if self.names.len() == 1 {
            self.curve(&area)
        } else if self.design == "grid" && self.names.len() == 2 {
            self.heat_map(&area)
        } else {
            self.scatter(&area)
        }
    }
}

impl Response<'_> {
    fn curve<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let mut pts: Vec<&Point> = self.points.iter().collect();
        pts.sort_by(|a, b| a.x[0].total_cmp(&b.x[0]));
        let xs: Vec<f64> = pts.iter().map(|p| p.x[0]).collect();
        let (x0, x1) = padded(extent(xs.iter().copied()).0, extent(xs.iter().copied()).1);
        let (_, top) = extent(pts.iter().flat_map(|p| [p.mean, p.high]));
        let (bottom, _) = extent(pts.iter().flat_map(|p| [p.mean, p.low]));
        let (y0, y1) = padded(bottom.min(0.0), top);
        let mut chart = ChartBuilder::on(area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(x0..x1, y0.max(0.0)..y1)?;
        chart
            .configure_mesh()
            .x_desc(format!(
                "{} (parameter value, scenario units)",
                self.names[0]
            ))
            .y_desc(format!("{} (children, mean)", self.metric))
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&|v| fmt_tick(*v))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()?;
        let lows: Vec<f64> = pts.iter().map(|p| p.low).collect();
        let highs: Vec<f64> = pts.iter().map(|p| p.high).collect();
        band(
            &mut chart,
            &xs,
            &lows,
            &highs,
            oi::BLUE.mix(0.25),
            "95% interval",
        )?;
        let line_pts: Vec<(f64, f64)> = pts.iter().map(|p| (p.x[0], p.mean)).collect();
        line(
            &mut chart,
            &line_pts,
            Pen::solid(oi::BLUE, 3),
            "mean across replications",
        )?;
        chart.draw_series(
            line_pts
                .iter()
                .map(|&p| Circle::new(p, 6, oi::BLUE.filled())),
        )?;
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }

    fn split<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>, f64, f64) {
        let (w, _) = area.dim_in_pixel();
        let (main, bar) = area.split_horizontally(w.saturating_sub(170));
        let (lo, hi) = extent(self.points.iter().map(|p| p.mean));
        (main, bar, lo, hi)
    }

    fn heat_map<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (main, bar, lo, hi) = self.split(area);
        let distinct = |k: usize| -> Vec<f64> {
            let set: BTreeSet<u64> = self.points.iter().map(|p| p.x[k].to_bits()).collect();
            let mut v: Vec<f64> = set.into_iter().map(f64::from_bits).collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        };
        let (xs, ys) = (distinct(0), distinct(1));
        let x_lab: Vec<String> = xs.iter().map(|v| fmt_count(*v)).collect();
        let y_lab: Vec<String> = ys.iter().rev().map(|v| fmt_count(*v)).collect();
        let x_fmt = |v: &f64| row_label(&x_lab.iter().rev().cloned().collect::<Vec<_>>(), *v);
        let y_fmt = |v: &f64| row_label(&y_lab, *v);
        let mut chart = ChartBuilder::on(&main)
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(110)
            .build_cartesian_2d(rows(xs.len()).0, rows(ys.len()).0)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_y_mesh()
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .x_desc(format!("{} (parameter value)", self.names[0]))
            .y_desc(format!("{} (parameter value)", self.names[1]))
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
            .x_labels(rows(xs.len()).1)
            .y_labels(rows(ys.len()).1)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .draw()?;
        let span = if hi > lo { hi - lo } else { 1.0 };
        for p in &self.points {
            let i = xs.iter().position(|v| *v == p.x[0]).unwrap_or(0) as f64;
            let j = ys.iter().position(|v| *v == p.x[1]).unwrap_or(0) as f64;
            let t = (p.mean - lo) / span;
            let c = viridis(t);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(i - 0.48, j - 0.48), (i + 0.48, j + 0.48)],
                c.filled(),
            )))?;
            let ink = if t > 0.55 { BLACK } else { WHITE };
            chart.draw_series(std::iter::once(Text::new(
                fmt_count(p.mean),
                (i, j),
                label_font(20.0)
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )))?;
        }
        colour_bar(&bar, lo, hi, &format!("{} (mean)", self.metric))?;
        Ok(())
    }

    fn scatter<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (main, bar, lo, hi) = self.split(area);
        let (x0, x1) = extent(self.points.iter().map(|p| p.x[0]));
        let (y0, y1) = extent(self.points.iter().map(|p| p.x[1]));
        let (x0, x1) = padded(x0, x1);
        let (y0, y1) = padded(y0, y1);
        let mut chart = ChartBuilder::on(&main)
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(100)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc(format!("{} (parameter value)", self.names[0]))
            .y_desc(format!("{} (parameter value)", self.names[1]))
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&|v| fmt_tick(*v))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()?;
        let span = if hi > lo { hi - lo } else { 1.0 };
        let mut pts: Vec<&Point> = self.points.iter().collect();
        // Draw the highest values last, so they stay visible where dots overlap.
        pts.sort_by(|a, b| a.mean.total_cmp(&b.mean));
        chart
            .draw_series(pts.iter().map(|p| {
                Circle::new((p.x[0], p.x[1]), 9, viridis((p.mean - lo) / span).filled())
            }))?;
        chart.draw_series(
            pts.iter()
                .map(|p| Circle::new((p.x[0], p.x[1]), 9, BLACK.stroke_width(1))),
        )?;
        colour_bar(&bar, lo, hi, &format!("{} (mean)", self.metric))?;
        Ok(())
    }
}

struct Bar {
    parameter: String,
    index: String,
    estimate: f64,
    low: f64,
    high: f64,
}

/// Morris mu* or Sobol first-order and total indices for the first metric of `sensitivity.csv`.
fn sensitivity(sweep_dir: &Path, out_dir: &Path) -> Result<Chart> {
    let t = Table::read(sweep_dir, sensitivity::FILE, SWEEP_MAKE, SWEEP_FIX)?;
    let c_metric = t.col(sensitivity::METRIC)?;
    let c_param = t.col(sensitivity::PARAMETER)?;
    let c_method = t.col(sensitivity::METHOD)?;
    let c_index = t.col(sensitivity::INDEX)?;
    let c_est = t.col(sensitivity::ESTIMATE)?;
    let c_low = t.col(sensitivity::CI95_LOW)?;
    let c_high = t.col(sensitivity::CI95_HIGH)?;
    let metric = t.text(0, c_metric).to_string();
    let method = t.text(0, c_method).to_string();
    let wanted: &[&str] = match method.as_str() {
        method::MORRIS => &[index::MU_STAR],
        method::SOBOL => &[index::FIRST_ORDER, index::TOTAL],
        other => bail!(
            "{}: unknown sensitivity method `{other}` (expected morris or sobol): {SWEEP_FIX}",
            t.path.display()
        ),
    };
    let bars: Vec<Bar> = (0..t.rows.len())
        .filter(|&r| t.text(r, c_metric) == metric && wanted.contains(&t.text(r, c_index)))
        .map(|r| Bar {
            parameter: metric_label(t.text(r, c_param)),
            index: t.text(r, c_index).to_string(),
            estimate: t.num(r, c_est),
            low: t.num(r, c_low),
            high: t.num(r, c_high),
        })
        .collect();
    if bars.is_empty() {
        bail!(
            "{} holds no {} row for `{metric}`: {SWEEP_FIX}",
            t.path.display(),
            wanted.join(" or ")
        );
    }
    let label = in_sentence(&metric_label(&metric));
    let (title, caption): (String, String) = if method == method::MORRIS {
        (
            format!("Which levers move {} (Morris screening)", label),
            format!(
                "Each bar is one parameter's mean absolute elementary effect (mu*) on {}, the change when the parameter moves across its whole range, with its 95% interval. Longer bars are stronger levers; parameters are sorted from strongest to weakest.",
                label
            ),
        )
    } else {
        (
            format!("Which levers move {} (Sobol indices)", label),
            format!(
                "For each parameter, the first-order index is the share of the variance of {} it explains alone, and the total index the share including its interactions, with 95% bootstrap intervals. A total well above the first-order index means the parameter acts through interactions.",
                label
            ),
        )
    };
    // Estimates too noisy to read: Sobol indices outside 0..1 or a first-order index above the
    // total one (not converged), and intervals that include zero (no clear effect).
    let mut not_converged: Vec<String> = Vec::new();
    let mut includes_zero: Vec<String> = Vec::new();
    for b in &bars {
        let push = |v: &mut Vec<String>| {
            if !v.contains(&b.parameter) {
                v.push(b.parameter.clone());
            }
        };
        if method == method::SOBOL {
            let total = bars
                .iter()
                .find(|t| t.parameter == b.parameter && t.index == index::TOTAL);
            let above_total =
                b.index == index::FIRST_ORDER && total.is_some_and(|t| b.estimate > t.estimate);
            if b.low < 0.0 || b.high > 1.0 || above_total {
                push(&mut not_converged);
            }
        }
        if b.low <= 0.0 && b.high >= 0.0 {
            push(&mut includes_zero);
        }
    }
    let mut caption = caption;
    let warning = if not_converged.is_empty() {
        None
    } else {
        Some(
            "WARNING: not converged (indices outside 0 to 1 or first-order above total): rerun with more samples before ranking these levers"
                .to_string(),
        )
    };
    if !not_converged.is_empty() {
        caption.push_str(&format!(
            " Warning: these estimates have not converged ({}): an index below 0 or above 1, or a first-order index above the total one, is sampling noise; rerun the sweep with more samples before ranking the levers.",
            not_converged.join(", ")
        ));
    }
    if !includes_zero.is_empty() {
        caption.push_str(&format!(
            " Intervals that include zero ({}) show no clear effect.",
            includes_zero.join(", ")
        ));
    }
    let fig = Sensitivity {
        title: &title,
        method: &method,
        metric: &label,
        bars,
        warning,
    };
    render(&fig, out_dir, "sweep-sensitivity", &title, &caption)
        .with_context(|| format!("sensitivity chart from {}", t.path.display()))
}

struct Sensitivity<'a> {
    title: &'a str,
    method: &'a str,
    metric: &'a str,
    bars: Vec<Bar>,
    /// Drawn in red above the bars when the estimates are too noisy to read.
    warning: Option<String>,
}

impl Figure for Sensitivity<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let morris = self.method == method::MORRIS;
        let note = if morris {
            "Morris elementary effects per whole range of each parameter; whiskers are 95% intervals"
        } else {
            "Sobol indices (Saltelli design); whiskers are 95% bootstrap intervals"
        };
        let area = frame(root, self.title, &footnote(note))?;
        let area = match &self.warning {
            Some(w) => {
                let (top, rest) = area.split_vertically(30);
                top.draw(&Text::new(
                    w.clone(),
                    (20, 6),
                    label_font(17.0).color(&RGBColor(179, 38, 30)),
                ))?;
                rest
            }
            None => area,
        };
        // Parameters ordered by their largest estimate, strongest first.
        let mut params: Vec<(String, f64)> = Vec::new();
        for b in &self.bars {
            match params.iter_mut().find(|p| p.0 == b.parameter) {
                Some(p) => p.1 = p.1.max(b.estimate),
                None => params.push((b.parameter.clone(), b.estimate)),
            }
        }
        params.sort_by(|a, b| b.1.total_cmp(&a.1));
        let names: Vec<String> = params.iter().map(|p| p.0.clone()).collect();
        let (lo, hi) = extent(
            self.bars
                .iter()
                .flat_map(|b| [b.estimate, b.low, b.high])
                .chain([0.0]),
        );
        let (lo, hi) = if morris {
            (lo.min(0.0), hi)
        } else {
            (lo.min(0.0), hi.max(1.0))
        };
        let span = hi - lo;
        let (x0, x1) = (lo - span * 0.02, hi + span * 0.08);
        let n = names.len();
        let y_fmt = |v: &f64| row_label(&names, *v);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(60)
            .y_label_area_size(380)
            .build_cartesian_2d(x0..x1, rows(n).0)?;
        let x_desc = if morris {
            format!("mu*: mean absolute effect on {} (children)", self.metric)
        } else {
            format!("Share of the variance of {}", self.metric)
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .x_desc(x_desc)
            .axis_desc_style(axis_desc_font())
            .label_style(label_font(16.0))
            .x_labels(9)
            .y_labels(rows(n).1)
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&y_fmt)
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()?;
        let kinds: Vec<(&str, &str, RGBColor, f64)> = if morris {
            vec![(index::MU_STAR, "mu* (mean absolute effect)", oi::BLUE, 0.0)]
        } else {
            vec![
                (
                    index::FIRST_ORDER,
                    "first-order index (alone)",
                    oi::BLUE,
                    0.18,
                ),
                (
                    index::TOTAL,
                    "total index (with interactions)",
                    oi::ORANGE,
                    -0.18,
                ),
            ]
        };
        let half = if morris { 0.32 } else { 0.17 };
        let mut labelled_ci = false;
        for (which, label, colour, offset) in kinds {
            let mut labelled = false;
            for b in self.bars.iter().filter(|b| b.index == which) {
                let Some(k) = names.iter().position(|p| *p == b.parameter) else {
                    continue;
                };
                let y = (n - 1 - k) as f64 + offset;
                if !b.estimate.is_finite() {
                    continue;
                }
                let anno = chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - half), (b.estimate, y + half)],
                    colour.filled(),
                )))?;
                if !labelled {
                    anno.label(label)
                        .legend(move |(x, y)| legend_box(x, y, colour.filled()));
                    labelled = true;
                }
                if b.low.is_finite() && b.high.is_finite() {
                    chart.draw_series([b.low, b.high].map(|v| {
                        PathElement::new(
                            vec![(v, y - half * 0.5), (v, y + half * 0.5)],
                            BLACK.stroke_width(2),
                        )
                    }))?;
                    let anno = chart.draw_series(std::iter::once(PathElement::new(
                        vec![(b.low, y), (b.high, y)],
                        BLACK.stroke_width(2),
                    )))?;
                    if !labelled_ci {
                        anno.label("95% interval").legend(|(x, y)| {
                            PathElement::new(vec![(x, y), (x + 30, y)], BLACK.stroke_width(2))
                        });
                        labelled_ci = true;
                    }
                }
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
            BLACK.stroke_width(1),
        )))?;
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}
