//! The sensitivity chart of a sweep (`sensitivity.csv`): which levers move the first metric most,
//! as Morris mu* or as Sobol first-order and total indices, one row per parameter, strongest first.

use std::path::Path;

use anyhow::{bail, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{row_chart, RowAxes};
use super::data::{Table, SWEEP_FIX, SWEEP_MAKE};
use super::draw::{
    extent, fmt_tick, footnote, frame, in_sentence, label_font, legend, legend_box, metric_label,
    okabe_ito as oi,
};
use super::{render, Chart, Figure};
use crate::output::schema::sensitivity::{self, index, method};

/// One index of one parameter (a bar of the chart): its estimate and 95% interval.
struct Bar {
    parameter: String,
    index: String,
    estimate: f64,
    low: f64,
    high: f64,
}

/// Morris mu* or Sobol first-order and total indices for the first metric of `sensitivity.csv`.
pub(super) fn sensitivity_chart(sweep_dir: &Path, out_dir: &Path) -> Result<Chart> {
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

/// The sensitivity chart: the bars of every parameter, strongest first.
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
        let x_desc = if morris {
            format!("mu*: mean absolute effect on {} (children)", self.metric)
        } else {
            format!("Share of the variance of {}", self.metric)
        };
        let mut chart = row_chart(
            &area,
            &RowAxes {
                names: &names,
                x: x0..x1,
                x_desc: &x_desc,
                x_labels: 9,
                x_fmt: &|v| fmt_tick(*v),
                x_grid: true,
                label_size: 16.0,
                label_width: 380,
                margin_right: 30,
            },
        )?;
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
