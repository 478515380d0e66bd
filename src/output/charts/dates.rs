//! Charts over dates: the margins, label areas and date ticks every such chart shares (so that a
//! policy timeline drawn under a chart lines up with it), the date range of daily series, and the
//! footnotes on replications.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::GRID;
use super::data::{year_label, Daily};
use super::draw::{axis_desc_font, extent, padded, tick_font};

/// What the means and bands of `n` replications are, for a footnote.
pub(super) fn reps_note(n: usize) -> String {
    if n >= 2 {
        format!("means of {n} replications; bands are 95% intervals of the mean")
    } else {
        "one replication: no interval can be drawn".to_string()
    }
}

/// What the means and whiskers of `n` replications are, for the footnote of a bar chart.
pub(super) fn whiskers_note(n: usize) -> String {
    if n >= 2 {
        format!("means of {n} replications; whiskers are 95% intervals of the mean")
    } else {
        reps_note(n)
    }
}

/// The margins and label areas of every chart over dates, in pixels. The policy timeline drawn
/// under a chart of unlocatable children uses the same, so that its dates line up with the chart's.
pub(super) const DATE_MARGIN: u32 = 16;
pub(super) const DATE_MARGIN_RIGHT: u32 = 30;
pub(super) const DATE_Y_LABEL_AREA: u32 = 100;
/// Date ticks on the x axis (the same range and count give the same ticks).
pub(super) const DATE_X_LABELS: usize = 10;

/// A chart builder with the margins and label areas of a chart over dates, and `x_label_area`
/// pixels for the dates.
pub(super) fn date_layout<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x_label_area: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    b.margin(DATE_MARGIN)
        .margin_right(DATE_MARGIN_RIGHT)
        .x_label_area_size(x_label_area)
        .y_label_area_size(DATE_Y_LABEL_AREA);
    b
}

/// The dates (as years) that a chart of several runs' daily series spans.
pub(super) fn span<'a>(runs: impl IntoIterator<Item = &'a Daily>) -> (f64, f64) {
    let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
    for d in runs {
        let (a, b) = x_range(&d.x);
        x0 = x0.min(a);
        x1 = x1.max(b);
    }
    (x0, x1)
}

/// A chart over dates `x` (as years) and values `y`, with at most `x_labels` dates on its axis
/// ([`DATE_X_LABELS`] on a chart as wide as the page).
pub(super) fn date_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: (f64, f64),
    y: (f64, f64),
    y_desc: &str,
    y_fmt: &'a dyn Fn(&f64) -> String,
    x_labels: usize,
) -> Result<
    ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
>
where
    DB::ErrorType: 'static,
{
    let mut chart = date_layout(area, 60).build_cartesian_2d(x.0..x.1, y.0..y.1)?;
    chart
        .configure_mesh()
        .x_desc("Date (end of day)")
        .y_desc(y_desc)
        .axis_desc_style(axis_desc_font())
        .label_style(tick_font())
        .x_labels(x_labels)
        .y_labels(8)
        .x_label_formatter(&|v| year_label(*v))
        .y_label_formatter(y_fmt)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()?;
    Ok(chart)
}

/// The dates (as years) that one run's daily series span.
pub(super) fn x_range(x: &[f64]) -> (f64, f64) {
    let (lo, hi) = extent(x.iter().copied());
    if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        padded(lo, hi)
    }
}
