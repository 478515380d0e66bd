//! The response chart of a sweep (`points.csv`): how the number of children unlocatable on the
//! last day responds to the levers varied, as a curve (one lever), a heat map (a grid of two) or
//! a scatter (any other design); and, when the sweep has one, its sensitivity chart
//! (`sensitivity.rs`).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{value_mesh, GRID};
use super::data::{Table, SWEEP_FIX, SWEEP_MAKE};
use super::draw::{
    axis_desc_font, band, colour_bar, extent, fmt_count, footnote, frame, label_font, legend, line,
    metric_label, okabe_ito as oi, padded, row_label, rows, tick_font, viridis, Pen,
};
use super::sensitivity::sensitivity_chart;
use super::{render, Chart, Figure};
use crate::output::schema::{points, sensitivity};

/// The metric a sweep's response chart shows (the catalogue's).
const RESPONSE_METRIC: &str = crate::sim::metrics::RESPONSE;

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
        out.push(sensitivity_chart(sweep_dir, out_dir)?);
    }
    Ok(out)
}

/// One point of the sweep: its parameter values and the response there (mean, 95% interval).
struct Point {
    x: Vec<f64>,
    mean: f64,
    low: f64,
    high: f64,
}

/// The response chart: a curve, a heat map or a scatter, by the number of parameters and the
/// design.
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
        value_mesh(
            &mut chart,
            &format!("{} (parameter value, scenario units)", self.names[0]),
            &format!("{} (children, mean)", self.metric),
            GRID,
        )?;
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
        value_mesh(
            &mut chart,
            &format!("{} (parameter value)", self.names[0]),
            &format!("{} (parameter value)", self.names[1]),
            GRID,
        )?;
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
