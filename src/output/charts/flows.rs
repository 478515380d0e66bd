//! "Why children are lost, how they are found" (`run-flows`): for ICE and every agency pooled,
//! side by side, the ways released children became unlocatable, were found again or stopped
//! being followed, as totals by the end of the run (from one run folder's daily running totals).

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

use super::axes::GRID;
use super::data::{band as ci, Daily};
use super::dates::whiskers_note;
use super::draw::{
    axis_desc_font, bar_axis_end, draw_bar, extent, fmt_count, fmt_tick, footnote, frame,
    label_font, okabe_ito as oi, rows, tick_font, FONT, TEXT,
};
use super::{render, Chart, Figure};
use crate::sim::metrics::Flow;
use crate::sim::Lens;
use crate::stats::{interval, Interval};

/// The chart's id (and file stem) and title.
pub(super) const ID: &str = "run-flows";
pub(super) const TITLE: &str = "Why children are lost, how they are found";

/// Draw the chart of `d` (one run folder's daily series) into `out_dir`.
pub(super) fn flows_chart(d: &Daily, out_dir: &Path) -> Result<Chart> {
    let fig = FlowsChart::new(d);
    render(&fig, out_dir, ID, TITLE, &fig.caption())
}

/// A group of bars of the flows chart.
struct FlowGroup {
    heading: &'static str,
    fill: RGBColor,
    /// Each way in or out of unlocatable: its label, and the stem of its column (the part between
    /// the lens prefix and `_cum`, as in [`crate::sim::flow_columns`]).
    ways: Vec<(String, String)>,
}

/// The groups of the flows chart, in order. Colours go dark, light, lighter from group to group,
/// and every group has its own heading, so the chart also reads in grayscale.
fn flow_groups() -> [FlowGroup; 3] {
    let ways = |of: fn(&Flow) -> bool| -> Vec<(String, String)> {
        Flow::all()
            .filter(of)
            .map(|f| (f.label().to_string(), f.stem()))
            .collect()
    };
    [
        FlowGroup {
            heading: "Became unlocatable because\u{2026}",
            fill: oi::VERMILLION,
            ways: ways(|f| matches!(f, Flow::Lost(_))),
        },
        FlowGroup {
            heading: "Found again through\u{2026}",
            fill: oi::SKY_BLUE,
            ways: ways(|f| matches!(f, Flow::Found(_))),
        },
        FlowGroup {
            heading: "Stopped being followed while unlocatable\u{2026}",
            fill: oi::GREY,
            ways: ways(|f| matches!(f, Flow::Left(_))),
        },
    ]
}

/// The daily running total of one way in or out of unlocatable through `lens`.
fn flow_column(lens: Lens, stem: &str) -> String {
    format!("{}_{stem}_cum", lens.prefix())
}

/// Every daily series the flows chart reads (the running totals; the stock is read with the
/// other series).
pub(super) fn flow_series() -> Vec<String> {
    let groups = flow_groups();
    Lens::REPORTED
        .iter()
        .flat_map(|&lens| {
            groups
                .iter()
                .flat_map(move |g| g.ways.iter().map(move |(_, stem)| flow_column(lens, stem)))
        })
        .collect()
}

/// Who a panel of the flows chart is about.
fn panel_title(lens: Lens) -> &'static str {
    match lens {
        Lens::Ice => "ICE (the acting agency)",
        Lens::Pooled => "Every agency (pooled)",
        Lens::Orr => "ORR",
        Lens::Court => "The immigration court",
    }
}

/// One row of the flows chart.
enum FlowRow {
    /// A group's heading (with no bar).
    Heading(String),
    /// A way in or out of unlocatable: label, colour, and per reported lens the total by the end
    /// of the run across replications.
    Bar {
        label: String,
        fill: RGBColor,
        stats: Vec<Interval>,
    },
}

/// "Why children are lost, how they are found": for ICE and pooled side by side, the children who
/// became unlocatable by cause, were found again by route, and stopped being followed while
/// unlocatable, by the end of the run; and those still unlocatable on the last day.
struct FlowsChart {
    rows: Vec<FlowRow>,
    /// Labels of the ways no replication took through either lens (not drawn).
    omitted: Vec<String>,
    replications: usize,
}

impl FlowsChart {
    fn new(d: &Daily) -> FlowsChart {
        let last =
            |column: &str| -> &[f64] { d.last.get(column).map(Vec::as_slice).unwrap_or(&[]) };
        let mut rows = Vec::new();
        let mut omitted = Vec::new();
        for FlowGroup {
            heading,
            fill,
            ways,
        } in flow_groups()
        {
            let at = rows.len();
            rows.push(FlowRow::Heading(heading.to_string()));
            let mut left_out = Vec::new();
            for (label, stem) in ways {
                let values: Vec<&[f64]> = Lens::REPORTED
                    .iter()
                    .map(|&lens| last(&flow_column(lens, &stem)))
                    .collect();
                if values.iter().all(|v| v.iter().all(|&x| x == 0.0)) {
                    left_out.push(label);
                    continue;
                }
                rows.push(FlowRow::Bar {
                    label,
                    fill,
                    stats: values.iter().map(|v| interval(v)).collect(),
                });
            }
            if rows.len() == at + 1 {
                rows[at] = FlowRow::Heading(format!("{heading} (none)"));
            }
            if !left_out.is_empty() {
                let heading = heading.trim_end_matches('\u{2026}').to_lowercase();
                omitted.push(format!("{heading}: {}", left_out.join(", ")));
            }
        }
        rows.push(FlowRow::Heading("On the last day".to_string()));
        rows.push(FlowRow::Bar {
            label: "still unlocatable (lost \u{2212} found \u{2212} stopped)".to_string(),
            fill: oi::REDDISH_PURPLE,
            stats: Lens::REPORTED
                .iter()
                .map(|&lens| interval(last(lens.column())))
                .collect(),
        });
        FlowsChart {
            rows,
            omitted,
            replications: d.replications,
        }
    }

    /// What the chart shows and how to read it, in plain words, and which ways are left out.
    fn caption(&self) -> String {
        let mut c = "The left panel is ICE, the acting agency that serves Notices to Appear and runs the welfare checks; the right panel is every agency pooled (at least one of ORR, ICE and the court can locate the child). Each bar is a total by the end of the run (mean with its 95% interval across replications) and counts transitions, not children: a child can be lost and found again more than once. At release every child is unlocatable by ICE until ORR's release record reaches it, so \u{201c}release record not (yet) shared\u{201d} is usually ICE's largest cause and \u{201c}release record shared\u{201d} its largest way back. What was lost, minus what was found again, minus what stopped being followed (turned 18, rescued, returned to care) while unlocatable, is the number still unlocatable on the last day.".to_string();
        if !self.omitted.is_empty() {
            c.push_str(&format!(
                " Left out because they are zero in every replication, for both panels: {}.",
                self.omitted.join("; ")
            ));
        }
        c
    }
}

impl Figure for FlowsChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let detail = format!(
            "{}; bars count transitions, not children",
            whiskers_note(self.replications)
        );
        let area = frame(root, TITLE, &footnote(&detail))?;
        let n = self.rows.len();
        let heading_font =
            FontDesc::new(FontFamily::Name(FONT), 17.0, FontStyle::Bold).color(&TEXT);
        let item_font = label_font(16.0);
        // The labels' column is as wide as the longest label.
        let mut label_px = 0u32;
        for row in &self.rows {
            let (text, font, indent) = match row {
                FlowRow::Heading(h) => (h, &heading_font, 16),
                FlowRow::Bar { label, .. } => (label, &item_font, 34),
            };
            let (w, _) = area.estimate_text_size(text, font)?;
            label_px = label_px.max(w + indent + 30);
        }
        let (w, _) = area.dim_in_pixel();
        let label_px = label_px.clamp(200, w / 2);
        let panel_px = (w - label_px) / 2;
        let texts: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| match r {
                FlowRow::Bar { stats, .. } => stats.iter().map(|i| fmt_count(i.mean)).collect(),
                FlowRow::Heading(_) => Vec::new(),
            })
            .collect();
        let bars: Vec<(&Interval, &str)> = self
            .rows
            .iter()
            .zip(&texts)
            .flat_map(|(r, t)| match r {
                FlowRow::Bar { stats, .. } => stats
                    .iter()
                    .zip(t.iter().map(String::as_str))
                    .collect::<Vec<_>>(),
                FlowRow::Heading(_) => Vec::new(),
            })
            .collect();
        let top = extent(bars.iter().flat_map(|(i, _)| [i.mean, ci(i).1]))
            .1
            .max(1.0);
        // Both panels share one scale, so that ICE and pooled compare bar for bar.
        let x_end = bar_axis_end(bars.iter().copied(), top, panel_px as f64 - 50.0);
        let (left, right) = area.split_horizontally(label_px + panel_px);
        for (k, (panel, lens)) in [(&left, Lens::REPORTED[0]), (&right, Lens::REPORTED[1])]
            .into_iter()
            .enumerate()
        {
            let mut chart = ChartBuilder::on(panel)
                .margin(10)
                .margin_top(44)
                .margin_right(26)
                .x_label_area_size(56)
                .y_label_area_size(if k == 0 { label_px - 10 } else { 6 })
                .build_cartesian_2d(0.0..x_end, rows(n).0)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .set_tick_mark_size(LabelAreaPosition::Left, 0)
                .y_label_formatter(&|_| String::new())
                .x_desc("Number of times, by the end of the run")
                .axis_desc_style(axis_desc_font())
                .label_style(tick_font())
                .x_labels(5)
                .x_label_formatter(&|v| fmt_tick(*v))
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .draw()?;
            let (xs, ys) = chart.plotting_area().get_pixel_range();
            root.draw(&Text::new(
                panel_title(lens),
                ((xs.start + xs.end) / 2, ys.start - 24),
                FontDesc::new(FontFamily::Name(FONT), 20.0, FontStyle::Bold)
                    .color(&TEXT)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
            for (r, row) in self.rows.iter().enumerate() {
                let y = (n - 1 - r) as f64;
                if let FlowRow::Bar { stats, fill, .. } = row {
                    draw_bar(
                        &mut chart,
                        y,
                        &stats[k],
                        *fill,
                        &texts[r][k],
                        15.0,
                        ["", ""],
                    )?;
                }
                if k == 0 {
                    let (_, py) = chart.backend_coord(&(0.0, y));
                    let (text, font, x) = match row {
                        FlowRow::Heading(h) => (h, &heading_font, 16),
                        FlowRow::Bar { label, .. } => (label, &item_font, 34),
                    };
                    root.draw(&Text::new(
                        text.clone(),
                        (x, py),
                        font.pos(Pos::new(HPos::Left, VPos::Center)),
                    ))?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flows_chart_reads_every_flow_of_the_reported_lenses() {
        let mut engine: Vec<String> = crate::sim::flow_columns()
            .iter()
            .map(|c| format!("{c}_cum"))
            .collect();
        let mut drawn = flow_series();
        engine.sort();
        drawn.sort();
        assert_eq!(drawn, engine);
        let series = crate::sim::series_names();
        for c in &drawn {
            assert!(series.contains(&c.as_str()), "{c} is not a daily series");
        }
    }
}
