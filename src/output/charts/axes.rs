//! The axes that several charts share, set up in one place so that they look alike: a chart of
//! named rows (one bar or interval per row) on a horizontal value axis, and the grid and labels of
//! a chart with numbers on both axes.

use std::ops::Range;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::draw::{axis_desc_font, fmt_tick, label_font, row_label, rows, tick_font, Chart2d};

/// The colour of the grid lines at the axis ticks.
pub(crate) const GRID: RGBColor = RGBColor(215, 215, 215);

/// How a chart of named rows lays out its axes (see [`row_chart`]).
pub(crate) struct RowAxes<'s> {
    /// The rows' labels, top row first; one empty row is drawn when there are none.
    pub names: &'s [String],
    /// The range of the horizontal value axis.
    pub x: Range<f64>,
    /// What the value axis measures.
    pub x_desc: &'s str,
    /// How many ticks the value axis gets, at the most.
    pub x_labels: usize,
    /// The labels of the value axis's ticks.
    pub x_fmt: &'s dyn Fn(&f64) -> String,
    /// Whether the value axis's ticks get vertical grid lines.
    pub x_grid: bool,
    /// The size of the tick labels and row labels, in pixels.
    pub label_size: f64,
    /// The width of the row labels' column, in pixels.
    pub label_width: u32,
    /// The space right of the plotting area, in pixels.
    pub margin_right: u32,
}

/// A chart in `area` with one row per name of `axes`, top to bottom, at 0, 1, ... from the bottom
/// (see [`rows`]), its axes and grid already drawn.
pub(crate) fn row_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    axes: &RowAxes,
) -> Result<Chart2d<'a, DB>>
where
    DB::ErrorType: 'static,
{
    let n = axes.names.len().max(1);
    let y_fmt = |v: &f64| row_label(axes.names, *v);
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(axes.margin_right)
        .x_label_area_size(60)
        .y_label_area_size(axes.label_width)
        .build_cartesian_2d(axes.x.clone(), rows(n).0)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_y_mesh();
    if !axes.x_grid {
        mesh.disable_x_mesh();
    }
    mesh.set_tick_mark_size(LabelAreaPosition::Left, 0)
        .x_desc(axes.x_desc)
        .axis_desc_style(axis_desc_font())
        .label_style(label_font(axes.label_size))
        .x_labels(axes.x_labels)
        .y_labels(rows(n).1)
        .x_label_formatter(axes.x_fmt)
        .y_label_formatter(&y_fmt)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()?;
    Ok(chart)
}

/// Draw the grid and the axes of `chart`, with numbers on both axes described by `x_desc` and
/// `y_desc`, and grid lines in `grid`.
pub(crate) fn value_mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    x_desc: &str,
    y_desc: &str,
    grid: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(axis_desc_font())
        .label_style(tick_font())
        .x_label_formatter(&|v| fmt_tick(*v))
        .y_label_formatter(&|v| fmt_tick(*v))
        .light_line_style(TRANSPARENT)
        .bold_line_style(grid)
        .draw()?;
    Ok(())
}
