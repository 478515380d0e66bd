//! Charts of an ABC-SMC calibration (`custody-sim calibrate` with kind = "abc_smc"), drawn from
//! its files: each parameter's weighted posterior against its prior (marginals), the particles of
//! every pair of parameters (where the record pins down a combination rather than each one), and
//! the tolerance and acceptance rate by generation.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::Table;
use super::draw::{fmt_tick, footnote, frame, label_font, okabe_ito as oi, MUTED};
use super::{render, render_sized, Chart, Figure};
use crate::output::calibrate_smc::{GENERATIONS, POPULATION};
use crate::output::schema::posterior;

const MAKE: &str = "run `custody-sim calibrate CALIBRATION.toml` with kind = \"abc_smc\" first";
const FIX: &str = "run the calibration again";

/// Most parameters drawn in the marginals; the pairs chart shows at most [`MAX_PAIRS`].
const MAX_MARGINALS: usize = 16;
const MAX_PAIRS: usize = 6;
/// Bins of each marginal histogram.
const BINS: usize = 20;

/// A parameter's name, prior and particles.
struct Param {
    name: String,
    lo: f64,
    hi: f64,
    log: bool,
    values: Vec<f64>,
}

/// The three charts of an ABC-SMC calibration folder, written into `out_dir`.
pub fn charts_for_calibration(dir: &Path, out_dir: &Path) -> Result<Vec<Chart>> {
    let post = Table::read(dir, posterior::FILE, MAKE, FIX)?;
    let pop = Table::read(dir, POPULATION, MAKE, FIX)?;
    let gens = Table::read(dir, GENERATIONS, MAKE, FIX)?;
    let (pc, prior, lo, hi) = (
        post.col(posterior::PARAMETER)?,
        post.col(posterior::PRIOR)?,
        post.col(posterior::PRIOR_MIN)?,
        post.col(posterior::PRIOR_MAX)?,
    );
    let wc = pop.col("weight")?;
    let weights: Vec<f64> = (0..pop.rows.len()).map(|i| pop.num(i, wc)).collect();
    let mut params = Vec::new();
    for i in 0..post.rows.len() {
        let name = post.text(i, pc).to_string();
        let c = pop.col(&name)?;
        params.push(Param {
            values: (0..pop.rows.len()).map(|r| pop.num(r, c)).collect(),
            lo: post.num(i, lo),
            hi: post.num(i, hi),
            log: post.text(i, prior) == "log_uniform",
            name,
        });
    }
    let n = weights.len();
    let mut charts = vec![marginals(&params, &weights, out_dir, n)?];
    if params.len() >= 2 {
        charts.push(pairs(&params, &weights, out_dir, n)?);
    }
    let (g, t, a) = (
        gens.col("generation")?,
        gens.col("tolerance")?,
        gens.col("acceptance")?,
    );
    let steps: Vec<(f64, f64, f64)> = (0..gens.rows.len())
        .map(|i| (gens.num(i, g), gens.num(i, t), gens.num(i, a)))
        .collect();
    charts.push(schedule(steps, out_dir)?);
    Ok(charts)
}

/// Where `x` falls on the prior's axis (the logarithm for a log-uniform prior).
fn axis(p: &Param, x: f64) -> f64 {
    if p.log {
        x.ln()
    } else {
        x
    }
}

/// A tick label of an axis in prior space.
fn tick(p: &Param, v: f64) -> String {
    fmt_tick(if p.log { v.exp() } else { v })
}

/// A grid of `n` panels: (rows, columns).
fn grid(n: usize) -> (usize, usize) {
    let cols = (n as f64).sqrt().ceil().max(1.0) as usize;
    (n.div_ceil(cols), cols)
}

struct Marginals<'a> {
    params: &'a [Param],
    weights: &'a [f64],
    title: String,
}

impl Figure for Marginals<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = frame(
            root,
            &self.title,
            &footnote("weighted posterior particles; dashed: the prior"),
        )?;
        let shown = &self.params[..self.params.len().min(MAX_MARGINALS)];
        let (r, c) = grid(shown.len());
        let panels = body.split_evenly((r, c));
        for (p, area) in shown.iter().zip(panels.iter()) {
            let (a, b) = (axis(p, p.lo), axis(p, p.hi));
            let width = (b - a) / BINS as f64;
            let mut mass = [0.0; BINS];
            for (&x, &w) in p.values.iter().zip(self.weights) {
                let i = (((axis(p, x) - a) / width) as usize).min(BINS - 1);
                mass[i] += w;
            }
            let total: f64 = mass.iter().sum();
            let density: Vec<f64> = mass.iter().map(|m| m / total / width).collect();
            let prior = 1.0 / (b - a);
            let top = density.iter().copied().fold(prior, f64::max) * 1.1;
            let mut chart = ChartBuilder::on(area)
                .caption(&p.name, label_font(15.0))
                .margin(8)
                .x_label_area_size(28)
                .y_label_area_size(10)
                .build_cartesian_2d(a..b, 0.0..top)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .disable_y_axis()
                .x_labels(4)
                .x_label_formatter(&|v| tick(p, *v))
                .x_label_style(label_font(13.0))
                .draw()?;
            chart.draw_series(density.iter().enumerate().map(|(i, &d)| {
                let x0 = a + i as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, d)], oi::BLUE.mix(0.7).filled())
            }))?;
            chart.draw_series(DashedLineSeries::new(
                [(a, prior), (b, prior)],
                6,
                4,
                ShapeStyle::from(&MUTED).stroke_width(2),
            ))?;
        }
        Ok(())
    }
}

fn marginals(params: &[Param], weights: &[f64], out_dir: &Path, n: usize) -> Result<Chart> {
    let title = "Calibrated assumptions: posterior against prior".to_string();
    let caption = format!(
        "Each panel is one calibrated parameter over its prior range: bars are the weighted posterior of the final population ({n} particles), the dashed line the prior (flat, on a logarithmic axis for a log-uniform prior). A posterior as flat as its prior means the fitted targets do not pin the parameter down (identification.csv gives the ratio of spreads); at most {MAX_MARGINALS} parameters are shown."
    );
    let fig = Marginals {
        params,
        weights,
        title: title.clone(),
    };
    render_sized(
        &fig,
        (1200, 900),
        out_dir,
        "calibration-marginals",
        &title,
        &caption,
    )
}

struct Pairs<'a> {
    params: &'a [Param],
    weights: &'a [f64],
    title: String,
}

impl Figure for Pairs<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = frame(
            root,
            &self.title,
            &footnote("one dot per particle, darker for more weight"),
        )?;
        let shown = &self.params[..self.params.len().min(MAX_PAIRS)];
        let k = shown.len() - 1;
        let panels = body.split_evenly((k, k));
        let top = self.weights.iter().copied().fold(0.0, f64::max);
        for row in 0..k {
            for col in 0..k {
                let area = &panels[row * k + col];
                if col > row {
                    continue;
                }
                // Row: parameter row + 1 on the y axis; column: parameter col on the x axis.
                let (px, py) = (&shown[col], &shown[row + 1]);
                let mut chart = ChartBuilder::on(area)
                    .margin(6)
                    .x_label_area_size(if row == k - 1 { 26 } else { 4 })
                    .y_label_area_size(if col == 0 { 48 } else { 4 })
                    .build_cartesian_2d(
                        axis(px, px.lo)..axis(px, px.hi),
                        axis(py, py.lo)..axis(py, py.hi),
                    )?;
                let fx = |v: &f64| tick(px, *v);
                let fy = |v: &f64| tick(py, *v);
                let mut mesh = chart.configure_mesh();
                mesh.disable_mesh()
                    .x_labels(3)
                    .y_labels(3)
                    .x_label_formatter(&fx)
                    .y_label_formatter(&fy)
                    .x_label_style(label_font(12.0))
                    .y_label_style(label_font(12.0));
                if row == k - 1 {
                    mesh.x_desc(short(&px.name));
                }
                if col == 0 {
                    mesh.y_desc(short(&py.name));
                }
                mesh.axis_desc_style(label_font(12.0)).draw()?;
                chart.draw_series(px.values.iter().zip(&py.values).zip(self.weights).map(
                    |((&x, &y), &w)| {
                        let a = 0.15 + 0.85 * (w / top).sqrt();
                        Circle::new(
                            (axis(px, x), axis(py, y)),
                            3,
                            oi::VERMILLION.mix(a).filled(),
                        )
                    },
                ))?;
            }
        }
        Ok(())
    }
}

/// The last part of a dotted path (`a.b.c` -> `b.c`), for a small axis.
fn short(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    parts[parts.len().saturating_sub(2)..].join(".")
}

fn pairs(params: &[Param], weights: &[f64], out_dir: &Path, n: usize) -> Result<Chart> {
    let title = "Calibrated assumptions: pairs of parameters".to_string();
    let caption = format!(
        "Each panel plots the final population's {n} particles for two calibrated parameters over their prior ranges. Particles along a line or curve mean the fitted targets pin down a combination of the two (e.g. their product), not each one; a cloud filling the panel means neither is pinned down. At most {MAX_PAIRS} parameters are shown."
    );
    let fig = Pairs {
        params,
        weights,
        title: title.clone(),
    };
    render_sized(
        &fig,
        (1100, 1000),
        out_dir,
        "calibration-pairs",
        &title,
        &caption,
    )
}

struct Schedule {
    /// Per generation: number, tolerance, acceptance rate.
    steps: Vec<(f64, f64, f64)>,
    title: String,
}

impl Figure for Schedule {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = frame(
            root,
            &self.title,
            &footnote("distance 1: every fitted target at the edge of its tolerance"),
        )?;
        let (left, right) = body.split_horizontally(body.dim_in_pixel().0 / 2);
        let last = self.steps.last().map_or(1.0, |s| s.0).max(1.0);
        let tmax = self
            .steps
            .iter()
            .map(|s| s.1)
            .filter(|t| t.is_finite())
            .fold(0.0, f64::max)
            * 1.1;
        let mut c = ChartBuilder::on(&left)
            .caption("Tolerance", label_font(18.0))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.2..last + 0.2, 0.0..tmax.max(1e-9))?;
        c.configure_mesh()
            .x_desc("generation")
            .y_desc("largest distance in the population")
            .x_labels(self.steps.len().min(12))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style(label_font(14.0))
            .draw()?;
        c.draw_series(LineSeries::new(
            self.steps.iter().map(|s| (s.0, s.1)),
            oi::BLUE.stroke_width(3),
        ))?;
        c.draw_series(
            self.steps
                .iter()
                .map(|s| Circle::new((s.0, s.1), 5, oi::BLUE.filled())),
        )?;
        let mut c = ChartBuilder::on(&right)
            .caption("Acceptance rate", label_font(18.0))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.2..last + 0.2, 0.0..1.05)?;
        c.configure_mesh()
            .x_desc("generation")
            .y_desc("population / proposals used")
            .x_labels(self.steps.len().min(12))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
            .label_style(label_font(14.0))
            .draw()?;
        c.draw_series(LineSeries::new(
            self.steps.iter().map(|s| (s.0, s.2)),
            oi::ORANGE.stroke_width(3),
        ))?;
        c.draw_series(
            self.steps
                .iter()
                .map(|s| Circle::new((s.0, s.2), 5, oi::ORANGE.filled())),
        )?;
        Ok(())
    }
}

fn schedule(steps: Vec<(f64, f64, f64)>, out_dir: &Path) -> Result<Chart> {
    let title = "Calibration by ABC-SMC: tolerance and acceptance by generation".to_string();
    let caption = "Left: each generation's tolerance, the largest distance to the fitted targets in its population; it should fall from generation to generation. Right: the acceptance rate, the population over the proposals it took; the run stops when it falls below min_acceptance (further generations would cost too many runs per particle).".to_string();
    let fig = Schedule {
        steps,
        title: title.clone(),
    };
    render(&fig, out_dir, "calibration-schedule", &title, &caption)
}
