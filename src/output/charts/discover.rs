//! Charts of a scenario discovery (`custody-sim discover`), drawn from its files: the peeling
//! trajectory as the trade-off between coverage and density, the chosen box's limits within the
//! ranges explored, and the feature scores.

use std::path::Path;

use anyhow::{bail, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{row_chart, value_mesh, RowAxes};
use super::data::Table;
use super::draw::{
    fmt_tick, footnote, frame, label_font, legend, legend_box, okabe_ito as oi, viridis,
};
use super::{render, Chart, Figure};
use crate::output::discover::{BOX, INFO, SCORES, TRAJECTORY};

const MAKE: &str = "run `custody-sim discover EXPLORE_DIR --reform R --condition C` first";
const FIX: &str = "run `custody-sim discover` again";

/// Most parameters shown in the box and score charts.
const MAX_ROWS: usize = 15;

/// The three charts of a discovery folder, written into `out_dir`.
pub fn charts_for_discovery(dir: &Path, out_dir: &Path) -> Result<Vec<Chart>> {
    let info: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(INFO))
            .with_context(|| format!("{} not found: {MAKE}", dir.join(INFO).display()))?,
    )
    .with_context(|| format!("{} is not a discovery description: {FIX}", dir.display()))?;
    let chosen = info["chosen_step"].as_u64().unwrap_or(0) as usize;
    let condition = info["condition"].as_str().unwrap_or("").to_string();
    let reform = info["reform"].as_str().unwrap_or("").to_string();
    let metric = info["metric"].as_str().unwrap_or("").to_string();
    let what = format!("{reform}: {metric}, {condition}");
    Ok(vec![
        tradeoff(dir, out_dir, chosen, &what)?,
        box_limits(dir, out_dir, &what)?,
        scores(dir, out_dir, &what)?,
    ])
}

struct Tradeoff {
    title: String,
    /// Per step: coverage, density, restricted dimensions.
    steps: Vec<(f64, f64, f64)>,
    chosen: usize,
    note: String,
}

fn tradeoff(dir: &Path, out_dir: &Path, chosen: usize, what: &str) -> Result<Chart> {
    let t = Table::read(dir, TRAJECTORY, MAKE, FIX)?;
    let (c, d, r) = (
        t.col("coverage")?,
        t.col("density")?,
        t.col("restricted_dimensions")?,
    );
    let steps: Vec<(f64, f64, f64)> = (0..t.rows.len())
        .map(|i| (t.num(i, c), t.num(i, d), t.num(i, r)))
        .collect();
    if chosen >= steps.len() {
        bail!(
            "{}: the chosen step {chosen} is not on the trajectory: {FIX}",
            dir.display()
        );
    }
    let title = "Scenario discovery: coverage against density".to_string();
    let (cov, den) = (steps[chosen].0, steps[chosen].1);
    let caption = format!(
        "Each dot is one box of the peeling trajectory for {what}: coverage is the share of the futures where the condition holds that the box contains, density the share of the box's futures where it holds. Peeling trades coverage for density from right to left; the ringed box (step {chosen}: coverage {cov:.2}, density {den:.2}) is the one chosen, and dot colours give how many parameters a box restricts."
    );
    let fig = Tradeoff {
        title: title.clone(),
        steps,
        chosen,
        note: what.to_string(),
    };
    render(&fig, out_dir, "discover-tradeoff", &title, &caption)
}

impl Figure for Tradeoff {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, &self.title, &footnote(&self.note))?;
        let max_r = self.steps.iter().map(|s| s.2).fold(1.0f64, f64::max);
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.02f64..1.02, -0.02f64..1.02)?;
        value_mesh(
            &mut chart,
            "Coverage (share of the cases inside the box)",
            "Density (share of the box that are cases)",
            RGBColor(225, 225, 225),
        )?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                self.steps.iter().map(|s| (s.0, s.1)).collect::<Vec<_>>(),
                RGBColor(150, 150, 150).stroke_width(2),
            )))?
            .label("peeling trajectory")
            .legend(|(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 30, y)],
                    RGBColor(150, 150, 150).stroke_width(2),
                )
            });
        chart.draw_series(self.steps.iter().map(|s| {
            let colour = viridis(s.2 / max_r * 0.9);
            Circle::new((s.0, s.1), 7, colour.filled())
        }))?;
        chart.draw_series(
            self.steps
                .iter()
                .map(|s| Circle::new((s.0, s.1), 7, RGBColor(40, 40, 40).stroke_width(1))),
        )?;
        let (cx, cy, cr) = self.steps[self.chosen];
        chart
            .draw_series(std::iter::once(Circle::new(
                (cx, cy),
                14,
                oi::VERMILLION.stroke_width(3),
            )))?
            .label(format!(
                "chosen box: step {}, {} parameters restricted",
                self.chosen, cr
            ))
            .legend(|(x, y)| Circle::new((x + 15, y), 8, oi::VERMILLION.stroke_width(3)));
        chart.draw_series(std::iter::once(Text::new(
            format!("step {}", self.chosen),
            (cx, cy),
            label_font(17.0).pos(Pos::new(HPos::Left, VPos::Bottom)),
        )))?;
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(format!(
                "dot colour: parameters restricted (dark 0, light {max_r:.0})"
            ))
            .legend(move |(x, y)| legend_box(x, y, viridis(0.6).filled()));
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        Ok(())
    }
}

struct BoxRow {
    name: String,
    lo: f64,
    hi: f64,
    range_lo: f64,
    range_hi: f64,
    /// Density of the box without this restriction.
    density_without: f64,
}

struct BoxFigure {
    title: String,
    rows: Vec<BoxRow>,
    note: String,
}

fn box_limits(dir: &Path, out_dir: &Path, what: &str) -> Result<Chart> {
    let t = Table::read(dir, BOX, MAKE, FIX)?;
    let (p, lo, hi, r, rlo, rhi, dw) = (
        t.col("parameter")?,
        t.col("min")?,
        t.col("max")?,
        t.col("restricted")?,
        t.col("range_min")?,
        t.col("range_max")?,
        t.col("density_without")?,
    );
    let mut rows: Vec<BoxRow> = (0..t.rows.len())
        .filter(|&i| t.text(i, r) == "true")
        .map(|i| BoxRow {
            name: t.text(i, p).to_string(),
            lo: t.num(i, lo),
            hi: t.num(i, hi),
            range_lo: t.num(i, rlo),
            range_hi: t.num(i, rhi),
            density_without: t.num(i, dw),
        })
        .collect();
    // The restrictions that matter most first: the largest loss of density without them.
    rows.sort_by(|a, b| a.density_without.total_cmp(&b.density_without));
    let shown = rows.len().min(MAX_ROWS);
    let more = rows.len() - shown;
    rows.truncate(shown);
    let title = "Scenario discovery: the box's limits".to_string();
    let caption = if rows.is_empty() {
        format!("The chosen box for {what} restricts no parameter: the condition is spread over the whole range explored.")
    } else {
        format!(
            "For {what}: each row is one uncertain parameter the chosen box restricts, its whole explored range in grey and the box's limits in blue (numbers at the ends), the most consequential restriction (the largest loss of density if dropped) on top.{}",
            if more > 0 { format!(" {more} further restricted parameters are in prim_box.csv.") } else { String::new() }
        )
    };
    let fig = BoxFigure {
        title: title.clone(),
        rows,
        note: what.to_string(),
    };
    render(&fig, out_dir, "discover-box", &title, &caption)
}

impl Figure for BoxFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, &self.title, &footnote(&self.note))?;
        let n = self.rows.len().max(1);
        let names: Vec<String> = if self.rows.is_empty() {
            vec!["(no parameter restricted)".to_string()]
        } else {
            self.rows.iter().map(|r| r.name.clone()).collect()
        };
        let mut chart = row_chart(
            &area,
            &RowAxes {
                names: &names,
                x: -0.2..1.2,
                x_desc:
                    "Position within the range explored (0 = its lowest value, 1 = its highest)",
                x_labels: 3,
                x_fmt: &|v| {
                    if (0.0..=1.0).contains(v) {
                        fmt_tick(*v)
                    } else {
                        String::new()
                    }
                },
                x_grid: false,
                label_size: 15.0,
                label_width: 420,
                margin_right: 40,
            },
        )?;
        let mut labelled = false;
        for (k, r) in self.rows.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            let span = r.range_hi - r.range_lo;
            let pos = |v: f64| {
                if span > 0.0 {
                    (v - r.range_lo) / span
                } else {
                    0.5
                }
            };
            let grey = chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.12), (1.0, y + 0.12)],
                oi::GREY.filled(),
            )))?;
            if !labelled {
                grey.label("range explored")
                    .legend(|(x, y)| legend_box(x, y, oi::GREY.filled()));
            }
            let blue = chart.draw_series(std::iter::once(Rectangle::new(
                // A box of one value is drawn a little wide, so that it shows.
                [
                    (pos(r.lo).min(pos(r.hi) - 0.004), y - 0.3),
                    (pos(r.hi).max(pos(r.lo) + 0.004), y + 0.3),
                ],
                oi::BLUE.filled(),
            )))?;
            if !labelled {
                blue.label("the box")
                    .legend(|(x, y)| legend_box(x, y, oi::BLUE.filled()));
                labelled = true;
            }
            let lo_text = Text::new(
                fmt_tick(r.lo),
                (pos(r.lo) - 0.01, y),
                label_font(14.0).pos(Pos::new(HPos::Right, VPos::Center)),
            );
            if r.hi > r.lo {
                chart.draw_series([
                    lo_text,
                    Text::new(
                        fmt_tick(r.hi),
                        (pos(r.hi) + 0.01, y),
                        label_font(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
                    ),
                ])?;
            } else {
                chart.draw_series([lo_text])?;
            }
        }
        if !self.rows.is_empty() {
            legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        }
        Ok(())
    }
}

struct ScoreFigure {
    title: String,
    /// Parameter, score of the condition, null level, in the box.
    bars: Vec<(String, f64, f64, bool)>,
    note: String,
}

fn scores(dir: &Path, out_dir: &Path, what: &str) -> Result<Chart> {
    let t = Table::read(dir, SCORES, MAKE, FIX)?;
    let (p, s, nl, b) = (
        t.col("parameter")?,
        t.col("score_condition")?,
        t.col("null_level")?,
        t.col("in_box")?,
    );
    let bars: Vec<(String, f64, f64, bool)> = (0..t.rows.len().min(MAX_ROWS))
        .map(|i| {
            (
                t.text(i, p).to_string(),
                t.num(i, s),
                t.num(i, nl),
                t.text(i, b) == "true",
            )
        })
        .collect();
    let title = "Scenario discovery: which assumptions matter".to_string();
    let caption = format!(
        "For {what}: each bar is the share of the variance of the condition (holds or not) that one uncertain parameter explains alone (the correlation ratio over bins of the parameter), highest first; bars of parameters the chosen box restricts are blue. The grey tick is the level expected from chance alone when a parameter does not matter."
    );
    let fig = ScoreFigure {
        title: title.clone(),
        bars,
        note: what.to_string(),
    };
    render(&fig, out_dir, "discover-scores", &title, &caption)
}

impl Figure for ScoreFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, &self.title, &footnote(&self.note))?;
        let n = self.bars.len().max(1);
        let names: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let top = self
            .bars
            .iter()
            .flat_map(|b| [b.1, b.2])
            .filter(|v| v.is_finite())
            .fold(0.05f64, f64::max)
            * 1.1;
        let mut chart = row_chart(
            &area,
            &RowAxes {
                names: &names,
                x: 0.0..top,
                x_desc: "Share of the variance of the condition explained alone (η²)",
                x_labels: 8,
                x_fmt: &|v| fmt_tick(*v),
                x_grid: true,
                label_size: 15.0,
                label_width: 420,
                margin_right: 40,
            },
        )?;
        let (mut in_l, mut out_l, mut null_l) = (false, false, false);
        for (k, (_, s, null, in_box)) in self.bars.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            let colour = if *in_box { oi::BLUE } else { oi::SKY_BLUE };
            let a = chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.32), (s.max(0.0), y + 0.32)],
                colour.filled(),
            )))?;
            if *in_box && !in_l {
                a.label("restricted by the chosen box")
                    .legend(move |(x, y)| legend_box(x, y, oi::BLUE.filled()));
                in_l = true;
            }
            if !*in_box && !out_l {
                a.label("not restricted")
                    .legend(move |(x, y)| legend_box(x, y, oi::SKY_BLUE.filled()));
                out_l = true;
            }
            if null.is_finite() {
                let c = chart.draw_series(std::iter::once(PathElement::new(
                    vec![(*null, y - 0.4), (*null, y + 0.4)],
                    RGBColor(110, 110, 110).stroke_width(3),
                )))?;
                if !null_l {
                    c.label("level expected by chance").legend(|(x, y)| {
                        PathElement::new(
                            vec![(x + 15, y - 8), (x + 15, y + 8)],
                            RGBColor(110, 110, 110).stroke_width(3),
                        )
                    });
                    null_l = true;
                }
            }
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}
