//! The timeline of one synthetic child (from the CSV of `custody-sim journey`): the child's true
//! state, whether any agency can locate the child, and what each agency's record holds against the
//! true address, with the events that changed them.

use std::path::Path;

use anyhow::{bail, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::Table;
use super::draw::{
    axis_desc_font, footnote, frame, label_font, legend_font, okabe_ito as oi, tick_font, Chart2d,
};
use super::{render, Chart, Figure};
use crate::output::schema::journey;
use crate::sim::{Agency, State};

const MAKE: &str = "write it with `custody-sim journey` first";
const FIX: &str = "re-run `custody-sim journey` to write it again";
const MINUTES_PER_DAY: f64 = 1440.0;

/// Agencies whose record columns get a lane, top to bottom, with their lane labels and colours.
// Every record lane is drawn in one colour, the colour of the legend's samples; the lane's label
// on the left says which agency it is.
const RECORDS: [(Agency, &str, RGBColor); 4] = [
    (Agency::Cbp, "CBP record", oi::BLUE),
    (Agency::Orr, "ORR record", oi::BLUE),
    (Agency::Ice, "ICE record", oi::BLUE),
    (Agency::Court, "Court record", oi::BLUE),
];

fn state_colour(state: &str) -> RGBColor {
    match state {
        "cbp_custody" => oi::ORANGE,
        "orr_care" => oi::BLUE,
        "with_sponsor" => oi::SKY_BLUE,
        "left_sponsor" => oi::REDDISH_PURPLE,
        "exploited" => oi::VERMILLION,
        "rescued" => oi::YELLOW,
        "aged_out" => oi::BLUISH_GREEN,
        _ => oi::GREY,
    }
}

fn state_label(state: &str) -> String {
    match state {
        "cbp_custody" => "in CBP custody".to_string(),
        "orr_care" => "in ORR care".to_string(),
        "with_sponsor" => "with sponsor".to_string(),
        "left_sponsor" => "left sponsor".to_string(),
        "exploited" => "exploited".to_string(),
        "rescued" => "rescued".to_string(),
        "aged_out" => "aged out (18)".to_string(),
        "departed" => "departed".to_string(),
        other => other.replace('_', " "),
    }
}

struct Step {
    /// Days since the scenario start.
    day: f64,
    date: String,
    event: String,
    state: String,
    locatable: bool,
    truth: i64,
    records: [i64; 4],
}

/// Draw the timeline of the journey CSV `journey_csv` into `out_dir/journey.svg` and `.png`.
fn read_steps(journey_csv: &Path) -> Result<Vec<Step>> {
    let t = Table::read_file(journey_csv, MAKE, FIX)?;
    let c_time = t.col(journey::TIME_MINUTES)?;
    let c_date = t.col(journey::DATE)?;
    let c_event = t.col(journey::EVENT)?;
    let c_state = t.col(journey::STATE)?;
    let c_loc = t.col(journey::LOCATABLE_BY_ICE)?;
    let c_true = t.col(journey::TRUE_ADDRESS)?;
    let c_rec: Vec<usize> = RECORDS
        .iter()
        .map(|r| t.col(&journey::record(r.0)))
        .collect::<Result<_>>()?;
    let mut steps = Vec::with_capacity(t.rows.len());
    for r in 0..t.rows.len() {
        let minutes = t.num(r, c_time);
        if !minutes.is_finite() {
            bail!(
                "{}: bad {} `{}` at data row {}: {FIX}",
                t.path.display(),
                journey::TIME_MINUTES,
                t.text(r, c_time),
                r + 1
            );
        }
        let int = |c: usize| t.text(r, c).trim().parse::<i64>().unwrap_or(0);
        steps.push(Step {
            day: minutes / MINUTES_PER_DAY,
            date: t.text(r, c_date).to_string(),
            event: t.text(r, c_event).to_string(),
            state: t.text(r, c_state).to_string(),
            locatable: t.text(r, c_loc).trim() == "true",
            truth: int(c_true),
            records: [int(c_rec[0]), int(c_rec[1]), int(c_rec[2]), int(c_rec[3])],
        });
    }
    Ok(steps)
}

/// The journey chart of `journey.csv`, running to the end of the simulation when the folder's
/// `manifest.json` says when that is.
pub fn journey_chart(journey_csv: &Path, out_dir: &Path) -> Result<Chart> {
    // The end of the simulation (from the journey's manifest.json, when it is there), so that the
    // chart runs to the horizon and not only to the last event.
    let horizon = journey_csv
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("manifest.json")).ok())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["horizon_date"].as_str().map(String::from));
    journey_chart_until(journey_csv, out_dir, horizon.as_deref())
}

/// [`journey_chart`] with the last simulated day (`YYYY-MM-DD`) given, for `custody-sim journey`,
/// which draws the chart before it writes its manifest.
pub fn journey_chart_until(
    journey_csv: &Path,
    out_dir: &Path,
    horizon: Option<&str>,
) -> Result<Chart> {
    let steps = read_steps(journey_csv)?;
    let horizon = horizon.map(String::from);
    let title = "Journey of one synthetic child";
    let j = Journey { steps, horizon };
    let end = match j.horizon_day() {
        Some(_) => format!(
            " The chart runs to the end of the simulation ({}).",
            j.horizon.as_deref().unwrap_or_default()
        ),
        None => String::new(),
    };
    let caption = format!(
        "The timeline follows one synthetic child through custody and release: the top lanes show the child's true state and whether any agency could locate the child, and each agency lane shows whether its record held the child's true address (solid), a wrong or stale one (hatched) or none (empty). Triangles along the top mark events; every change of state or of locatability is labelled (other events may be left unlabelled where crowded; the table lists them all).{end}"
    );
    render(&j, out_dir, "journey", title, &caption)
}

struct Journey {
    steps: Vec<Step>,
    /// The last simulated day, `YYYY-MM-DD`, if known.
    horizon: Option<String>,
}

// Lane positions (y) from the bottom.
const LANES: [&str; 6] = [
    "Court record",
    "ICE record",
    "ORR record",
    "CBP record",
    "Locatable?",
    "True state",
];
const EVENTS_Y: f64 = 6.0;

impl Journey {
    /// The horizon as a day number on the journey's clock (days since the simulation start).
    fn horizon_day(&self) -> Option<f64> {
        let start = self.start()?;
        let h =
            chrono::NaiveDate::parse_from_str(self.horizon.as_deref()?.trim(), "%Y-%m-%d").ok()?;
        // The horizon date is the last simulated day: the chart runs to its end.
        Some((h - start).num_days() as f64 + 1.0)
    }

    /// Start of the scenario as a date, from the first row (its date minus whole days elapsed).
    fn start(&self) -> Option<chrono::NaiveDate> {
        let first = self.steps.first()?;
        let d = chrono::NaiveDate::parse_from_str(first.date.trim(), "%Y-%m-%d").ok()?;
        d.checked_sub_days(chrono::Days::new(first.day.floor().max(0.0) as u64))
    }
}

/// The half height of a lane's bar, in lanes.
const BAR_HALF: f64 = 0.34;

/// Where the steps of a journey fall on the chart's time axis, and the chart's scale.
struct Layout {
    /// Per step, its place on the time axis (a logarithmic scale of days since the first event).
    pos: Vec<f64>,
    /// The end of the simulation on the time axis, when it is known and not before the last step.
    horizon: Option<f64>,
    /// The right end of the lanes on the time axis.
    end: f64,
    /// Time axis units a pixel.
    x_per_px: f64,
    /// The distance between hatching lines, in time axis units.
    hatch_dx: f64,
    /// How far a hatching line runs across the time axis while it rises across a lane (so that
    /// it runs at 45 degrees).
    rise_dx: f64,
}

impl Layout {
    /// Hatching lines at 45 degrees across the lane at `y`, from `xa` to `xb`.
    fn hatch(&self, xa: f64, xb: f64, y: f64, colour: RGBColor) -> Vec<PathElement<(f64, f64)>> {
        let (h, rise_dx) = (BAR_HALF, self.rise_dx);
        let mut lines = Vec::new();
        let mut xs = xa - rise_dx;
        while xs < xb {
            // Segment from (xs, y - h) to (xs + rise_dx, y + h), clipped to [xa, xb].
            let t_lo = ((xa - xs) / rise_dx).clamp(0.0, 1.0);
            let t_hi = ((xb - xs) / rise_dx).clamp(0.0, 1.0);
            if t_hi > t_lo {
                let p = |t: f64| (xs + t * rise_dx, y - h + t * 2.0 * h);
                lines.push(PathElement::new(
                    vec![p(t_lo), p(t_hi)],
                    colour.stroke_width(2),
                ));
            }
            xs += self.hatch_dx;
        }
        lines
    }

    /// The guides under the events: the outline of every lane (so that "no record" reads as an
    /// empty lane), a thin white separator in the state lane wherever the state changes, the line
    /// the events sit on and, when it is known, the end of the simulation (`date`) as a line
    /// across the lanes.
    fn guides<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut Chart2d<'a, DB>,
        steps: &[Step],
        date: Option<&str>,
    ) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (s, pos, end, h) = (steps, &self.pos, self.end, BAR_HALF);
        for lane in 0..LANES.len() {
            let y = lane as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - h), (end, y + h)],
                RGBColor(120, 120, 120).stroke_width(1),
            )))?;
        }
        chart.draw_series(
            (1..s.len())
                .filter(|&k| s[k - 1].state != s[k].state)
                .map(|k| {
                    PathElement::new(
                        vec![(pos[k], 5.0 - h), (pos[k], 5.0 + h)],
                        WHITE.stroke_width(2),
                    )
                }),
        )?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, EVENTS_Y), (end, EVENTS_Y)],
            RGBColor(150, 150, 150).stroke_width(1),
        )))?;
        if let (Some(h), Some(date)) = (self.horizon, date) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(h, -0.5), (h, EVENTS_Y)],
                BLACK.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("end of simulation {date}"),
                (h, -0.47),
                label_font(13.0).pos(Pos::new(HPos::Right, VPos::Center)),
            )))?;
        }
        Ok(())
    }
}

impl Figure for Journey {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(
            root,
            "Journey of one synthetic child (not a real person)",
            &footnote("one simulated child; addresses are model identifiers"),
        )?;
        let (w, _) = area.dim_in_pixel();
        let (main, side) = area.split_horizontally(w.saturating_sub(300));
        let (mut chart, layout) = self.axes(&main)?;
        self.lanes(&mut chart, &layout)?;
        layout.guides(&mut chart, &self.steps, self.horizon.as_deref())?;
        let unlabelled = self.events(&mut chart, &layout)?;
        if unlabelled > 0 {
            let (_, h_side) = side.dim_in_pixel();
            side.draw(&Text::new(
                format!("{unlabelled} crowded event labels left out"),
                (10, h_side.saturating_sub(50) as i32),
                label_font(13.0),
            ))?;
            side.draw(&Text::new(
                "(the journey table lists every event)",
                (10, h_side.saturating_sub(32) as i32),
                label_font(13.0),
            ))?;
        }
        self.legend(&side)?;
        Ok(())
    }
}

impl Journey {
    /// The chart in `main`, its axes drawn: dates across (on a logarithmic scale of time since the
    /// first event), the lanes and the events up; and where the steps fall on it.
    fn axes<'a, DB: DrawingBackend>(
        &self,
        main: &'a DrawingArea<DB, Shift>,
    ) -> Result<(Chart2d<'a, DB>, Layout)>
    where
        DB::ErrorType: 'static,
    {
        let s = &self.steps;
        // Time runs on a logarithmic scale of days since the first event, so that the first days
        // in custody get as much room as the years after release.
        let t0 = s.first().map(|x| x.day).unwrap_or(0.0);
        let f = |d: f64| (1.0 + (d - t0).max(0.0)).ln();
        let pos: Vec<f64> = s.iter().map(|st| f(st.day)).collect();
        let last = pos.last().copied().unwrap_or(1.0);
        let horizon = self.horizon_day().map(f).filter(|&h| h >= last);
        let span = horizon.unwrap_or(last).max(1.0);
        let end = match horizon {
            Some(h) => h.max(1.0),
            None => span + 0.1,
        };
        let x0 = -span * 0.02;
        let start = self.start();
        let x_fmt = |v: &f64| -> String {
            let day = t0 + v.exp() - 1.0;
            match start.and_then(|d| d.checked_add_days(chrono::Days::new(day.max(0.0) as u64))) {
                Some(d) => d.format("%Y-%m-%d").to_string(),
                None => format!("day {v:.0}"),
            }
        };
        let y_fmt = |v: &f64| -> String {
            let k = v.round();
            if (v - k).abs() > 0.01 {
                return String::new();
            }
            if k == EVENTS_Y {
                return "Events".to_string();
            }
            LANES
                .get(k as usize)
                .map(|l| l.to_string())
                .unwrap_or_default()
        };
        let mut chart = ChartBuilder::on(main)
            .margin(16)
            .margin_right(10)
            .x_label_area_size(60)
            .y_label_area_size(150)
            .build_cartesian_2d(x0..end, -0.6..EVENTS_Y + 1.9)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .x_desc("Date (logarithmic scale of time since the first event)")
            .axis_desc_style(axis_desc_font())
            .label_style(tick_font())
            .x_labels(7)
            .y_labels(40)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(220, 220, 220))
            .draw()?;
        // Pixels per data unit, for hatching at 45 degrees.
        let (px, py) = chart.plotting_area().get_pixel_range();
        let x_per_px = (end - x0) / (px.end - px.start).max(1) as f64;
        let y_per_px = (EVENTS_Y + 2.5) / (py.end - py.start).max(1) as f64;
        let layout = Layout {
            pos,
            horizon,
            end,
            x_per_px,
            hatch_dx: 12.0 * x_per_px,
            rise_dx: (2.0 * BAR_HALF / y_per_px) * x_per_px,
        };
        Ok((chart, layout))
    }

    /// Between each step and the next: the true state, whether an agency can locate the child, and
    /// each agency's record (solid when it holds the true address, hatched when a wrong one).
    fn lanes<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut Chart2d<'a, DB>,
        layout: &Layout,
    ) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let (pos, end, h) = (&layout.pos, layout.end, BAR_HALF);
        for (k, st) in self.steps.iter().enumerate() {
            let xa = pos[k];
            let xb = pos.get(k + 1).copied().unwrap_or(end);
            if xb <= xa {
                continue;
            }
            // True state.
            let c = state_colour(&st.state);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(xa, 5.0 - h), (xb, 5.0 + h)],
                c.filled(),
            )))?;
            // Locatable.
            let y = 4.0;
            if st.locatable {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(xa, y - h), (xb, y + h)],
                    oi::BLUISH_GREEN.filled(),
                )))?;
            } else if is_followed(&st.state) {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(xa, y - h), (xb, y + h)],
                    oi::VERMILLION.mix(0.2).filled(),
                )))?;
                chart.draw_series(layout.hatch(xa, xb, y, oi::VERMILLION))?;
            }
            // Agency records.
            for (a, (_, _, colour)) in RECORDS.iter().enumerate() {
                let y = 3.0 - a as f64;
                let rec = st.records[a];
                if rec == 0 {
                    continue;
                }
                if rec == st.truth {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(xa, y - h), (xb, y + h)],
                        colour.filled(),
                    )))?;
                } else {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(xa, y - h), (xb, y + h)],
                        colour.mix(0.2).filled(),
                    )))?;
                    chart.draw_series(layout.hatch(xa, xb, y, *colour))?;
                }
            }
        }
        Ok(())
    }

    /// Every event: a marker on the event line and a short label, staggered over four rows. Every
    /// change of state or of locatability (and the first event) is labelled; they are placed
    /// first, and other events only where there is room. Returns how many labels were left out.
    fn events<'a, DB: DrawingBackend + 'a>(
        &self,
        chart: &mut Chart2d<'a, DB>,
        layout: &Layout,
    ) -> Result<usize>
    where
        DB::ErrorType: 'static,
    {
        let (s, pos, x_per_px) = (&self.steps, &layout.pos, layout.x_per_px);
        let mut last_x_px: [f64; 4] = [f64::NEG_INFINITY; 4];
        let right_px = layout.end / x_per_px;
        let mut unlabelled = 0;
        let changes = |k: usize| {
            k == 0 || s[k].state != s[k - 1].state || s[k].locatable != s[k - 1].locatable
        };
        let mut order: Vec<usize> = (0..s.len()).filter(|&k| changes(k)).collect();
        order.extend((0..s.len()).filter(|&k| !changes(k)));
        let mut placed: Vec<(usize, usize, f64, f64)> = Vec::new();
        for &k in &order {
            let xk = pos[k];
            chart.draw_series(std::iter::once(TriangleMarker::new(
                (xk, EVENTS_Y),
                7,
                BLACK.filled(),
            )))?;
            let label = short(&s[k].event);
            let here = xk / x_per_px;
            let width_px = 7.0 * label.chars().count() as f64 + 10.0;
            let leftward = here + width_px > right_px;
            let (from, to) = if leftward {
                (here - width_px, here)
            } else {
                (here, here + width_px)
            };
            let free = |r: usize| {
                placed
                    .iter()
                    .filter(|p| p.1 == r)
                    .all(|p| p.3 < from || p.2 > to)
            };
            let row = match (0..4).find(|&r| free(r)) {
                Some(r) => r,
                None if changes(k) => {
                    // No free row: take the row whose labels end earliest (may touch a neighbour).
                    (0..4)
                        .min_by(|&a, &b| last_x_px[a].total_cmp(&last_x_px[b]))
                        .unwrap_or(0)
                }
                None => {
                    unlabelled += 1;
                    continue;
                }
            };
            last_x_px[row] = last_x_px[row].max(to);
            placed.push((k, row, from, to));
            let y = EVENTS_Y + 0.35 + 0.36 * row as f64;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(xk, EVENTS_Y), (xk, y)],
                RGBColor(150, 150, 150).stroke_width(1),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                label,
                (xk, y),
                label_font(13.0).pos(Pos::new(
                    if leftward { HPos::Right } else { HPos::Left },
                    VPos::Center,
                )),
            )))?;
        }
        Ok(unlabelled)
    }
}

/// Whether a state (by its name in `journey.csv`) is one of a released child followed as a child.
fn is_followed(state: &str) -> bool {
    State::ALL
        .iter()
        .any(|s| s.is_followed() && s.name() == state)
}

fn short(event: &str) -> String {
    let e = event.replace('_', " ");
    if e.chars().count() > 26 {
        let mut s: String = e.chars().take(25).collect();
        s.push('…');
        s
    } else {
        e
    }
}

impl Journey {
    fn legend<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let font = legend_font();
        let mut y = 40;
        let x = 10;
        area.draw(&Text::new("Agency records", (x, y), font.clone()))?;
        y += 28;
        let entries: [(&str, u8); 3] = [
            ("holds the true address", 0),
            ("holds a wrong or stale address", 1),
            ("no record (empty)", 2),
        ];
        for (label, kind) in entries {
            let r = [(x, y - 8), (x + 34, y + 8)];
            match kind {
                0 => area.draw(&Rectangle::new(r, oi::BLUE.filled()))?,
                1 => {
                    area.draw(&Rectangle::new(r, oi::BLUE.mix(0.2).filled()))?;
                    for k in 0..4 {
                        let xa = x + k * 9;
                        area.draw(&PathElement::new(
                            vec![(xa, y + 8), (xa + 10, y - 8)],
                            oi::BLUE.stroke_width(2),
                        ))?;
                    }
                }
                _ => {}
            }
            area.draw(&Rectangle::new(r, RGBColor(120, 120, 120).stroke_width(1)))?;
            area.draw(&Text::new(
                label,
                (x + 44, y),
                font.pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            y += 28;
        }
        y += 12;
        area.draw(&Text::new("True state", (x, y), font.clone()))?;
        y += 28;
        let mut seen: Vec<&str> = Vec::new();
        for st in &self.steps {
            if !seen.contains(&st.state.as_str()) {
                seen.push(&st.state);
            }
        }
        for state in seen {
            area.draw(&Rectangle::new(
                [(x, y - 8), (x + 34, y + 8)],
                state_colour(state).filled(),
            ))?;
            area.draw(&Text::new(
                state_label(state),
                (x + 44, y),
                font.pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            y += 28;
        }
        y += 12;
        area.draw(&Text::new("Locatable?", (x, y), font.clone()))?;
        y += 28;
        area.draw(&Rectangle::new(
            [(x, y - 8), (x + 34, y + 8)],
            oi::BLUISH_GREEN.filled(),
        ))?;
        area.draw(&Text::new(
            "an agency can locate",
            (x + 44, y),
            font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += 28;
        area.draw(&Rectangle::new(
            [(x, y - 8), (x + 34, y + 8)],
            oi::VERMILLION.mix(0.2).filled(),
        ))?;
        for k in 0..4 {
            let xa = x + k * 9;
            area.draw(&PathElement::new(
                vec![(xa, y + 8), (xa + 10, y - 8)],
                oi::VERMILLION.stroke_width(2),
            ))?;
        }
        area.draw(&Text::new(
            "unlocatable by ICE",
            (x + 44, y),
            font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        y += 28;
        area.draw(&TriangleMarker::new((x + 17, y), 7, BLACK.filled()))?;
        area.draw(&Text::new(
            "event",
            (x + 44, y),
            font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        Ok(())
    }
}
