//! Charts of one run folder (`timeseries.csv`): where children are over time, unlocatable children,
//! what each agency's records say against the truth, where records are lost; and unlocatable
//! children across several scenarios. The run's flows and rescues charts, drawn with these, are
//! in `flows.rs` and `rescues.rs`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{row_chart, RowAxes};
use super::data::{band as ci, daily, Daily};
use super::dates::{date_chart, reps_note, span, whiskers_note, x_range, DATE_X_LABELS};
use super::draw::{
    bar_axis_end, draw_bar, extent, fmt_count, fmt_tick, footnote, frame, legend, legend_box,
    legend_font, legend_line, line, mean_lines, mean_lines_top, okabe_ito as oi, MeanLine, Pen,
    PENS,
};
use super::flows;
use super::policy::{timeline_charts, PolicyHistory};
use super::rescues::{rescue_series, rescues_chart};
use super::{render, Chart, Figure};
use crate::output::format::counted;
use crate::sim::metrics::{self, Metric};

/// Stacked true states, bottom to top: label, colour. Neighbours alternate light and dark so that
/// the layers stay apart in grayscale.
const STATES: [(&str, RGBColor); 7] = [
    ("In CBP custody", oi::ORANGE),
    ("In ORR care", oi::BLUE),
    ("Released, locatable by ICE", oi::SKY_BLUE),
    ("Released, unlocatable by ICE", oi::VERMILLION),
    ("Rescued from exploitation", oi::YELLOW),
    ("Aged out (turned 18)", oi::BLUISH_GREEN),
    ("Departed or removed", oi::GREY),
];

/// The daily series of children unlocatable by ICE (the acting agency) and by every agency.
const UNL_ICE: &str = "unlocatable_by_ice";
const UNL_POOLED: &str = "unlocatable_pooled";

const STATE_SERIES: [&str; 9] = [
    "cbp_custody",
    "orr_care",
    "followed",
    UNL_ICE,
    UNL_POOLED,
    "rescued",
    "aged_out",
    "departed",
    "arrived",
];

const AGENCIES: [(&str, &str, Pen); 4] = [
    ("accurate_share_cbp", "CBP", Pen::solid(oi::ORANGE, 3)),
    (
        "accurate_share_orr",
        "ORR",
        Pen::dashed(oi::SKY_BLUE, 3, 18, 6),
    ),
    (
        "accurate_share_ice",
        "ICE",
        Pen::dashed(oi::VERMILLION, 3, 8, 5),
    ),
    (
        "accurate_share_court",
        "Immigration court",
        Pen::dashed(oi::BLUE, 3, 3, 4),
    ),
];

/// The bars of "Where records are lost": the daily series (the running total of a metric, read on
/// the last day), its colour, and the chart's label where it differs from the catalogue's (kept
/// as the chart has it). A metric of children counts each child once (a share of released
/// children); one of events can repeat for one child (a rate per 100 released children).
const LOSSES: [(&str, RGBColor, Option<&str>); 5] = [
    ("released", oi::BLUE, None),
    (
        "address_wrong_at_release_cum",
        oi::VERMILLION,
        Some("Children released to a blank or wrong address"),
    ),
    (
        "never_shared_with_ice_cum",
        oi::ORANGE,
        Some("Children whose release never reached ICE"),
    ),
    ("moves_unreported_cum", oi::REDDISH_PURPLE, None),
    ("notices_to_stale_address_cum", oi::BLUISH_GREEN, None),
];

/// The metric whose running total the daily series `series` of [`LOSSES`] is.
fn loss_metric(series: &str) -> &'static Metric {
    metrics::get(series.trim_end_matches("_cum"))
        .unwrap_or_else(|| panic!("{series} is the running total of no metric"))
}

/// The title of the chart of where children are over time.
const STATES_TITLE: &str = "Where children are over time";
/// The title of the chart of what each agency's records say against the truth.
const FRICTION_TITLE: &str =
    "Interagency friction: what each agency's records say against the truth";

/// Draw the six charts of one run folder into `out_dir`.
pub fn charts_for_run(run_dir: &Path, out_dir: &Path) -> Result<Vec<Chart>> {
    charts_for_run_with_policy(run_dir, out_dir, None)
}

/// Draw the charts of one run folder into `out_dir`, with the timeline of `policy` (the run's
/// scenario's policy history) right after the chart of unlocatable children over time, as wide
/// as it and on the same dates (id `run-policy`).
pub fn charts_for_run_with_policy(
    run_dir: &Path,
    out_dir: &Path,
    policy: Option<&PolicyHistory>,
) -> Result<Vec<Chart>> {
    let mut names: Vec<&str> = STATE_SERIES.to_vec();
    names.extend(AGENCIES.iter().map(|a| a.0));
    names.extend(LOSSES.iter().map(|l| l.0));
    let flow_series = flows::flow_series();
    names.extend(flow_series.iter().map(String::as_str));
    names.extend(rescue_series());
    let d = daily(run_dir, &names)?;
    let mut out = Vec::new();

    out.push(render(
        &States(&d),
        out_dir,
        "run-states",
        STATES_TITLE,
        "Each coloured layer is the mean number of children in one state on each day, stacked so that the top edge is every child referred so far. The vermillion layer is released children ICE (the acting agency) cannot locate; its 95% interval is too narrow to see at this scale and is drawn in the next chart.",
    )?);

    let title = "Unlocatable children over time";
    out.push(render(
        &Unlocatable {
            title,
            lines: vec![
                ("Unlocatable by ICE (mean)".to_string(), &d, UNL_ICE),
                (
                    "Unlocatable by every agency, pooled (mean)".to_string(),
                    &d,
                    UNL_POOLED,
                ),
            ],
        },
        out_dir,
        "run-unlocatable",
        title,
        "The upper line is the mean number of released children whom ICE, the agency that serves Notices to Appear and runs the welfare checks, cannot locate on each day; the lower line those whom no agency (ORR, ICE, court) can locate. Shaded bands are 95% intervals across replications. A child is unlocatable by an agency when its own record does not hold the true current address and it made no contact within the contact window; the gap between the lines is knowledge that exists in some agency but not at ICE.",
    )?);
    if let Some(h) = policy {
        out.extend(timeline_charts(
            std::slice::from_ref(h),
            Some(span([&d])),
            out_dir,
            "run-policy",
        )?);
    }

    out.push(flows::flows_chart(&d, out_dir)?);
    out.push(rescues_chart(&d, out_dir)?);

    out.push(render(
        &Friction(&d),
        out_dir,
        "run-friction",
        FRICTION_TITLE,
        "Each line is the share of followed released children whose record at that agency holds the address where the child really lives, averaged across replications (the axis runs from 0% to 100%). The black line at 100% is the truth; the gap below it is what each agency does not know.",
    )?);

    let title = "Where records are lost";
    out.push(render(
        &RecordLoss(&d),
        out_dir,
        "run-record-loss",
        title,
        "The top bar is every child released to a sponsor; each bar below counts one way the records lose track of released children by the end of the run (means with 95% intervals across replications). The first two count children (a share of released children); moves and notices count events, which can happen more than once to one child (a rate per 100 released children).",
    )?);
    Ok(out)
}

/// One line per scenario of unlocatable children, each with its 95% band.
pub fn unlocatable_by_scenario(runs: &[(String, PathBuf)], out_dir: &Path) -> Result<Chart> {
    let mut charts = unlocatable_by_scenario_with_policy(runs, out_dir, &[])?;
    Ok(charts.remove(0))
}

/// [`unlocatable_by_scenario`], followed by one policy timeline per history in `policies` (each
/// as wide as the chart and on the same dates; ids `scenarios-policy-1`, `-2`...).
pub fn unlocatable_by_scenario_with_policy(
    runs: &[(String, PathBuf)],
    out_dir: &Path,
    policies: &[PolicyHistory],
) -> Result<Vec<Chart>> {
    if runs.is_empty() {
        bail!("no scenario run folders given: run `custody-sim run SCENARIO --out DIR` for each scenario first");
    }
    let mut data = Vec::with_capacity(runs.len());
    for (name, dir) in runs {
        data.push((name.clone(), daily(dir, &[UNL_ICE])?));
    }
    let title = "Children unlocatable by ICE, by scenario";
    let mut out = vec![render(
        &Unlocatable {
            title,
            lines: data.iter().map(|(n, d)| (n.clone(), d, UNL_ICE)).collect(),
        },
        out_dir,
        "scenarios-unlocatable",
        title,
        "Each line is one scenario's mean number of released children whom ICE (the acting agency) cannot locate on each day, with its 95% interval across replications as a shaded band. Where two bands do not overlap, the scenarios differ by more than sampling noise.",
    )?];
    if !policies.is_empty() {
        out.extend(timeline_charts(
            policies,
            Some(span(data.iter().map(|(_, d)| d))),
            out_dir,
            "scenarios-policy",
        )?);
    }
    Ok(out)
}

/// The footnote of a chart of daily means: how many replications they are the means of.
fn means_footnote(d: &Daily) -> String {
    footnote(&format!(
        "means of {}",
        counted(d.replications, "replication", "replications")
    ))
}

struct States<'a>(&'a Daily);

impl Figure for States<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = frame(root, STATES_TITLE, &means_footnote(d))?;
        let mean = |n: &str| -> Vec<f64> { d.get(n).iter().map(|i| i.mean).collect() };
        let (cbp, orr, fol, unl) = (
            mean("cbp_custody"),
            mean("orr_care"),
            mean("followed"),
            mean(UNL_ICE),
        );
        let layers: Vec<Vec<f64>> = vec![
            cbp.clone(),
            orr.clone(),
            fol.iter().zip(&unl).map(|(f, u)| f - u).collect(),
            unl.clone(),
            mean("rescued"),
            mean("aged_out"),
            mean("departed"),
        ];
        let n = d.x.len();
        let mut cum: Vec<Vec<f64>> = vec![vec![0.0; n]];
        for layer in &layers {
            let prev = cum.last().cloned().unwrap_or_default();
            cum.push(
                prev.iter()
                    .zip(layer)
                    .map(|(p, v)| p + if v.is_finite() { *v } else { 0.0 })
                    .collect(),
            );
        }
        let top = extent(cum.last().into_iter().flatten().copied()).1.max(1.0);
        let fmt = |v: &f64| fmt_tick(*v);
        let mut chart = date_chart(
            &area,
            x_range(&d.x),
            (0.0, top * 1.05),
            "Children (mean across replications)",
            &fmt,
            DATE_X_LABELS,
        )?;
        for (k, (label, colour)) in STATES.iter().enumerate() {
            let mut poly: Vec<(f64, f64)> =
                d.x.iter()
                    .copied()
                    .zip(cum[k + 1].iter().copied())
                    .collect();
            poly.extend(d.x.iter().copied().zip(cum[k].iter().copied()).rev());
            let colour = *colour;
            chart
                .draw_series(std::iter::once(Polygon::new(poly, colour.filled())))?
                .label(*label)
                .legend(move |(x, y)| legend_box(x, y, colour.filled()));
            // A thin white edge between layers.
            chart.draw_series(std::iter::once(PathElement::new(
                d.x.iter()
                    .copied()
                    .zip(cum[k + 1].iter().copied())
                    .collect::<Vec<_>>(),
                WHITE.stroke_width(1),
            )))?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

struct Unlocatable<'a> {
    title: &'a str,
    /// Label, data, and the daily column drawn.
    lines: Vec<(String, &'a Daily, &'static str)>,
}

impl Figure for Unlocatable<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let reps: Vec<usize> = self.lines.iter().map(|l| l.1.replications).collect();
        let note = if reps.windows(2).all(|w| w[0] == w[1]) {
            reps_note(reps[0])
        } else {
            "means across each scenario's replications; bands are 95% intervals of the mean"
                .to_string()
        };
        let area = frame(root, self.title, &footnote(&note))?;
        let (x0, x1) = span(self.lines.iter().map(|l| l.1));
        let single = self.lines.len() == 1;
        let lines: Vec<MeanLine> = self
            .lines
            .iter()
            .enumerate()
            .map(|(k, &(ref name, d, column))| {
                let (label, opacity, band_label) = if single {
                    (name.clone(), 0.3, "95% interval".to_string())
                } else {
                    (format!("{name} (mean, 95% band)"), 0.18, String::new())
                };
                MeanLine {
                    label,
                    x: &d.x,
                    series: d.get(column),
                    pen: if single {
                        Pen::solid(oi::VERMILLION, 3)
                    } else {
                        PENS[k % PENS.len()]
                    },
                    band: (d.replications >= 2).then_some((opacity, band_label)),
                }
            })
            .collect();
        let top = mean_lines_top(&lines);
        let fmt = |v: &f64| fmt_tick(*v);
        let mut chart = date_chart(
            &area,
            (x0, x1),
            (0.0, top * 1.08),
            "Unlocatable children",
            &fmt,
            DATE_X_LABELS,
        )?;
        mean_lines(&mut chart, &lines)?;
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

struct Friction<'a>(&'a Daily);

impl Figure for Friction<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = frame(root, FRICTION_TITLE, &means_footnote(d))?;
        let fmt = |v: &f64| format!("{v:.0}%");
        // The legend goes beside the plot, so the axis can end at 100% where the data ends.
        let (w, _) = area.dim_in_pixel();
        let (plot, side) = area.split_horizontally(w.saturating_sub(300));
        let chart = date_chart(
            &plot,
            x_range(&d.x),
            (0.0, 100.0),
            "Followed children whose record holds the true address (%)",
            &fmt,
            DATE_X_LABELS,
        )?;
        let mut chart = chart;
        let (x0, x1) = x_range(&d.x);
        let truth = Pen::solid(oi::BLACK, 4);
        line(&mut chart, &[(x0, 100.0), (x1, 100.0)], truth, "")?;
        for (series, _, pen) in AGENCIES {
            let pts: Vec<(f64, f64)> =
                d.x.iter()
                    .copied()
                    .zip(d.get(series).iter().map(|i| i.mean * 100.0))
                    .collect();
            line(&mut chart, &pts, pen, "")?;
        }
        let font = legend_font();
        let mut y = 60;
        side.draw(&Text::new("Lines", (10, y - 30), font.clone()))?;
        side.draw(&legend_line::<DB>(10, y, truth))?;
        side.draw(&Text::new(
            "truth: where children",
            (54, y - 10),
            font.clone(),
        ))?;
        side.draw(&Text::new("really are (100%)", (54, y + 10), font.clone()))?;
        y += 50;
        for (_, agency, pen) in AGENCIES {
            side.draw(&legend_line::<DB>(10, y, pen))?;
            side.draw(&Text::new(
                format!("{agency} record"),
                (54, y - 9),
                font.clone(),
            ))?;
            y += 36;
        }
        Ok(())
    }
}

struct RecordLoss<'a>(&'a Daily);

impl Figure for RecordLoss<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let d = self.0;
        let area = frame(
            root,
            "Where records are lost (totals at the end of the run)",
            &footnote(&whiskers_note(d.replications)),
        )?;
        let stats: Vec<crate::stats::Interval> = LOSSES
            .iter()
            .map(|(s, _, _)| {
                crate::stats::interval(d.last.get(*s).map(Vec::as_slice).unwrap_or(&[]))
            })
            .collect();
        let released = stats[0].mean;
        let top = extent(stats.iter().flat_map(|i| [i.mean, ci(i).1]))
            .1
            .max(1.0);
        let n = LOSSES.len();
        let names: Vec<String> = LOSSES
            .iter()
            .map(|&(s, _, label)| label.unwrap_or(&loss_metric(s).label).to_string())
            .collect();
        let texts: Vec<String> = LOSSES
            .iter()
            .zip(&stats)
            .enumerate()
            .map(|(k, ((series, _, _), i))| {
                if k == 0 || !released.is_finite() || released <= 0.0 {
                    fmt_count(i.mean)
                } else if loss_metric(series).counts_children() {
                    format!(
                        "{} ({:.0}% of released children)",
                        fmt_count(i.mean),
                        100.0 * i.mean / released
                    )
                } else {
                    format!(
                        "{} ({:.0} per 100 released children)",
                        fmt_count(i.mean),
                        100.0 * i.mean / released
                    )
                }
            })
            .collect();
        // The axis ends just after the longest bar and its value label, on a plotting area about
        // 740 px wide, not at an arbitrary margin.
        let x_end = bar_axis_end(
            stats.iter().zip(texts.iter().map(String::as_str)),
            top,
            740.0,
        );
        let mut chart = row_chart(
            &area,
            &RowAxes {
                names: &names,
                x: 0.0..x_end,
                x_desc: "Children or events by the end of the run (mean across replications)",
                x_labels: 8,
                x_fmt: &|v| fmt_tick(*v),
                x_grid: true,
                label_size: 18.0,
                label_width: 390,
                margin_right: 40,
            },
        )?;
        for (k, ((_, colour, _), i)) in LOSSES.iter().zip(&stats).enumerate() {
            let y = (n - 1 - k) as f64;
            let legend = if k == 0 {
                ["mean total", "95% interval"]
            } else {
                ["", ""]
            };
            draw_bar(&mut chart, y, i, *colour, &texts[k], 17.0, legend)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_losses_are_running_totals_of_metrics() {
        let series = crate::sim::series_names();
        for (s, _, _) in LOSSES {
            assert!(series.contains(&s), "{s} is not a daily series");
            assert_eq!(loss_metric(s).kind, metrics::Kind::Count, "{s}");
        }
    }
}
