//! The policy timeline: a strip as wide as a chart of unlocatable children over time, with the
//! same margins and dates, that marks each dated change of policy of a scenario (numbered as in
//! the report's table of changes), so that a reader sees which rules were in force when.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::GRID;
use super::data::{year_label, year_of};
use super::dates::{date_layout, DATE_MARGIN, DATE_MARGIN_RIGHT, DATE_X_LABELS, DATE_Y_LABEL_AREA};
use super::draw::{footnote, frame, label_font, okabe_ito as oi, tick_font, MUTED};
use super::{render_sized, Chart, Figure, SIZE};
use crate::sim::params::PolicyChange;

/// A scenario's policy history, to draw as a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyHistory {
    /// Whose history it is, as the title and caption name it (`scenario “small”`).
    pub who: String,
    /// The first simulated day, `YYYY-MM-DD` (day 0 of the changes).
    pub start_date: String,
    /// The last simulated day, `YYYY-MM-DD`.
    pub end_date: String,
    /// The dated changes that take effect before the end, in date order (those dated on or
    /// before the start have day 0), as in [`crate::sim::params::Policy::changes`].
    pub changes: Vec<PolicyChange>,
}

/// The number of a change (1, 2, ...) as the timeline and the report's table give it.
pub(crate) fn change_number(index: usize) -> String {
    (index + 1).to_string()
}

/// One mark of the timeline: the changes that take effect on one simulated day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mark {
    /// The simulated day.
    pub day: u32,
    /// In force from the first day (dated on or before the start).
    pub at_start: bool,
    /// Its numbers and date ("3 · 2021-03-11"), or "1–2 · at start" (in force at the start).
    pub label: String,
}

/// The marks of a policy history: one per day on which changes take effect, in day order.
pub(crate) fn marks(changes: &[PolicyChange]) -> Vec<Mark> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < changes.len() {
        let day = changes[k].day;
        let n = changes[k..].iter().take_while(|c| c.day == day).count();
        let numbers = if n == 1 {
            change_number(k)
        } else {
            format!("{}\u{2013}{}", change_number(k), change_number(k + n - 1))
        };
        let when = if day == 0 {
            "at start".to_string()
        } else {
            changes[k].date.clone()
        };
        out.push(Mark {
            day,
            at_start: day == 0,
            label: format!("{numbers} \u{b7} {when}"),
        });
        k += n;
    }
    out
}

/// Lanes for labels, lowest first. `labels`: each mark's pixel x, in x order, and its label's
/// width; a label is set right of its mark (`gap` pixels away) or left of it, between `lo` and
/// `hi`, and `gap` pixels clear of the other labels of its lane. Each mark's line rises from the
/// time line to its label's lane, so a label is placed, where it can be, where it covers no line
/// and no line crosses it: over no later mark, over no earlier mark whose line rises to its lane
/// or above, and not in a lane above a label that covers its own mark. Where no place is that
/// clear, the lowest free one is taken. Returns, per label, its lane and whether it is left of its
/// mark.
pub(crate) fn place_labels(
    labels: &[(f64, f64)],
    lo: f64,
    hi: f64,
    gap: f64,
) -> Vec<(usize, bool)> {
    // Placed labels: mark x, text span, lane.
    let mut placed: Vec<(f64, (f64, f64), usize)> = Vec::new();
    let mut out = Vec::with_capacity(labels.len());
    for (i, &(x, w)) in labels.iter().enumerate() {
        let span = |left: bool| {
            if left {
                (x - gap - w, x - gap)
            } else {
                (x + gap, x + gap + w)
            }
        };
        let covers = |s: (f64, f64), at: f64| at > s.0 - gap / 2.0 && at < s.1 + gap / 2.0;
        let fits = |lane: usize, left: bool| {
            let s = span(left);
            s.0 >= lo
                && s.1 <= hi
                && placed
                    .iter()
                    .filter(|p| p.2 == lane)
                    .all(|p| s.1 + gap <= p.1 .0 || p.1 .1 + gap <= s.0)
        };
        let clear = |lane: usize, left: bool| {
            let s = span(left);
            labels[i + 1..].iter().all(|&(at, _)| !covers(s, at))
                && placed.iter().all(|p| {
                    if p.2 >= lane {
                        !covers(s, p.0)
                    } else {
                        !covers(p.1, x)
                    }
                })
        };
        let n_lanes = placed.iter().map(|p| p.2 + 1).max().unwrap_or(0);
        let candidates: Vec<(usize, bool)> = (0..=n_lanes)
            .flat_map(|lane| [(lane, false), (lane, true)])
            .collect();
        let (lane, left) = candidates
            .iter()
            .copied()
            .find(|&(l, left)| fits(l, left) && clear(l, left))
            .or_else(|| candidates.iter().copied().find(|&(l, left)| fits(l, left)))
            .unwrap_or((n_lanes, x + gap + w > hi));
        placed.push((x, span(left), lane));
        out.push((lane, left));
    }
    out
}

/// Font of the marks' labels.
fn mark_font() -> TextStyle<'static> {
    label_font(16.0)
}

/// Pixels between a mark and its label, and between labels.
const GAP: f64 = 8.0;
/// Pixels per lane of labels.
const LANE_PX: u32 = 34;

/// A drawn mark: where, its label, its lane, and whether the label is left of it.
struct Placed {
    x: f64,
    mark: Mark,
    lane: usize,
    left: bool,
}

struct Timeline {
    title: String,
    x: (f64, f64),
    placed: Vec<Placed>,
    lanes: usize,
}

impl Timeline {
    fn new(title: String, x: (f64, f64), h: &PolicyHistory) -> Timeline {
        let (x0, x1) = match x {
            (a, b) if a.is_finite() && b.is_finite() && b > a => (a, b),
            (a, _) if a.is_finite() => (a, a + 1.0),
            _ => (0.0, 1.0),
        };
        // The plotting area's ends in pixels, as `date_layout` sets them.
        let (plot_left, plot_right) = (
            (DATE_MARGIN + DATE_Y_LABEL_AREA) as f64,
            (SIZE.0 - DATE_MARGIN_RIGHT) as f64,
        );
        let px = |x: f64| plot_left + (x - x0) / (x1 - x0) * (plot_right - plot_left);
        let font = mark_font();
        let ms = marks(&h.changes);
        let xs: Vec<f64> = ms
            .iter()
            .map(|m| {
                year_of(&crate::scenario::date_of(&h.start_date, m.day))
                    .unwrap_or(x0)
                    .clamp(x0, x1)
            })
            .collect();
        let labels: Vec<(f64, f64)> = ms
            .iter()
            .zip(&xs)
            .map(|(m, &x)| {
                let w = font
                    .font
                    .box_size(&m.label)
                    .map(|(w, _)| w as f64)
                    .unwrap_or(9.0 * m.label.chars().count() as f64);
                (px(x), w)
            })
            .collect();
        let lanes = place_labels(&labels, DATE_MARGIN as f64, (SIZE.0 - 8) as f64, GAP);
        let n_lanes = lanes.iter().map(|l| l.0 + 1).max().unwrap_or(1);
        Timeline {
            title,
            x: (x0, x1),
            placed: ms
                .into_iter()
                .zip(xs)
                .zip(lanes)
                .map(|((mark, x), (lane, left))| Placed {
                    x,
                    mark,
                    lane,
                    left,
                })
                .collect(),
            lanes: n_lanes,
        }
    }

    /// As wide as every chart; as tall as its lanes of labels need.
    fn size(&self) -> (u32, u32) {
        (SIZE.0, 200 + LANE_PX * self.lanes as u32)
    }
}

impl Figure for Timeline {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(
            root,
            &self.title,
            &footnote("dated changes of policy from the scenario file; numbers as in the table under the chart"),
        )?;
        let top = self.lanes as f64 + 0.1;
        let mut chart = date_layout(&area, 40).build_cartesian_2d(self.x.0..self.x.1, -0.5..top)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .label_style(tick_font())
            .x_labels(DATE_X_LABELS)
            .x_label_formatter(&|v| year_label(*v))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .draw()?;
        // The time line itself.
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(self.x.0, 0.0), (self.x.1, 0.0)],
            MUTED.stroke_width(2),
        )))?;
        if self.placed.is_empty() {
            let (px, py) = chart.backend_coord(&((self.x.0 + self.x.1) / 2.0, 0.6));
            root.draw(&Text::new(
                "No dated change of policy: the rules in force at the start hold throughout",
                (px, py),
                mark_font().pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
            return Ok(());
        }
        let lane_y = |lane: usize| lane as f64 + 0.6;
        // Lines first, then labels on a white ground over them, then the dots on the line.
        for p in &self.placed {
            let colour = if p.mark.at_start { MUTED } else { oi::BLUE };
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(p.x, 0.0), (p.x, lane_y(p.lane))],
                colour.stroke_width(2),
            )))?;
        }
        let font = mark_font();
        for p in &self.placed {
            let (px, py) = chart.backend_coord(&(p.x, lane_y(p.lane)));
            let (w, h) = root.estimate_text_size(&p.mark.label, &font)?;
            let (w, h) = (w as i32, h as i32);
            let gap = GAP as i32;
            let (x0, anchor) = if p.left {
                (px - gap - w, HPos::Right)
            } else {
                (px + gap, HPos::Left)
            };
            root.draw(&Rectangle::new(
                [(x0 - 3, py - h / 2 - 3), (x0 + w + 3, py + h / 2 + 3)],
                WHITE.filled(),
            ))?;
            let tx = if p.left { px - gap } else { px + gap };
            root.draw(&Text::new(
                p.mark.label.clone(),
                (tx, py),
                font.pos(Pos::new(anchor, VPos::Center)),
            ))?;
        }
        for p in &self.placed {
            let colour = if p.mark.at_start { MUTED } else { oi::BLUE };
            chart.draw_series(std::iter::once(Circle::new((p.x, 0.0), 6, colour.filled())))?;
        }
        Ok(())
    }
}

/// Draw one policy timeline per history into `out_dir`, ids `<id>` (one history) or `<id>-1`,
/// `<id>-2`... `x`: the dates (as years) of the chart they are drawn under, so that they line
/// up with it; `None` for the dates of the histories themselves (first start to last end).
pub(crate) fn timeline_charts(
    histories: &[PolicyHistory],
    x: Option<(f64, f64)>,
    out_dir: &Path,
    id: &str,
) -> Result<Vec<Chart>> {
    let aligned = x.is_some();
    let x = x.unwrap_or_else(|| {
        let years = |d: &str| year_of(d).unwrap_or(f64::NAN);
        histories
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), h| {
                (a.min(years(&h.start_date)), b.max(years(&h.end_date)))
            })
    });
    histories
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let id = if histories.len() == 1 {
                id.to_string()
            } else {
                format!("{id}-{}", k + 1)
            };
            let title = format!("Policy changes in {}", h.who);
            let fig = Timeline::new(title.clone(), x, h);
            let dates = if aligned {
                "on the same dates as the chart above"
            } else {
                "over the simulated period"
            };
            let at_start = if h.changes.iter().any(|c| c.day == 0) {
                " Changes dated on or before the first simulated day are in force from the start and marked in grey at the left edge."
            } else {
                ""
            };
            let caption = format!(
                "Each mark on the line is a dated change of policy in {}, {dates}; its number is the change's row in the table below.{at_start} What each change sets is in the scenario file's [policy] section.",
                h.who
            );
            render_sized(&fig, fig.size(), out_dir, &id, &title, &caption)
        })
        .collect()
}

/// Draw one policy timeline per history into `out_dir` over the simulated period (first start to
/// last end), for a report section without a chart over dates (a comparison); ids `<id>` or
/// `<id>-1`, `<id>-2`...
pub fn policy_timelines(
    histories: &[PolicyHistory],
    out_dir: &Path,
    id: &str,
) -> Result<Vec<Chart>> {
    timeline_charts(histories, None, out_dir, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(key: &str, date: &str, day: u32) -> PolicyChange {
        PolicyChange {
            key: key.into(),
            date: date.into(),
            day,
            name: format!("{key} name"),
            source: format!("{key} source"),
        }
    }

    #[test]
    fn changes_on_one_day_share_a_mark_and_those_before_the_start_are_marked_at_start() {
        let m = marks(&[
            change("a", "2017-01-01", 0),
            change("b", "2018-05-13", 0),
            change("c", "2018-12-19", 79),
            change("d", "2021-03-11", 892),
            change("e", "2021-03-11", 892),
        ]);
        let labels: Vec<&str> = m.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "1\u{2013}2 \u{b7} at start",
                "3 \u{b7} 2018-12-19",
                "4\u{2013}5 \u{b7} 2021-03-11"
            ]
        );
        assert_eq!(
            m.iter().map(|m| (m.day, m.at_start)).collect::<Vec<_>>(),
            [(0, true), (79, false), (892, false)]
        );
        assert!(marks(&[]).is_empty());
    }

    #[test]
    fn labels_are_placed_clear_of_each_other_and_of_the_lines() {
        let place = |labels: &[(f64, f64)]| place_labels(labels, 16.0, 1192.0, 8.0);
        // Far apart: one lane, each right of its mark.
        assert_eq!(
            place(&[(200.0, 50.0), (400.0, 50.0)]),
            [(0, false), (0, false)]
        );
        // A cluster (the 2025 changes of the baseline): a label right of its mark would cover
        // the next marks' lines, so each goes left of its mark, one lane up from the one before
        // (over the earlier marks, whose lines end below it).
        assert_eq!(
            place(&[
                (926.0, 120.0),
                (1036.0, 120.0),
                (1057.0, 120.0),
                (1099.0, 120.0)
            ]),
            [(0, true), (1, true), (2, true), (3, true)]
        );
        // A label at the left edge goes into the margin when it fits there.
        assert_eq!(
            place(&[(116.0, 85.0), (147.0, 120.0)]),
            [(0, true), (0, false)]
        );
        // Where nothing is clear, the lowest free place: right of the mark, then up a lane.
        assert_eq!(
            place(&[(116.0, 150.0), (147.0, 120.0)]),
            [(0, false), (1, false)]
        );
        // Never past the right end.
        assert_eq!(place(&[(1150.0, 100.0)]), [(0, true)]);
    }
}
