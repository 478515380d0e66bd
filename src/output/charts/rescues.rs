//! "Rescues by route over time": the running totals of children rescued from exploitation, one
//! line per route, and beside them the leads HSI received and those that went cold, over the
//! simulated dates (means across replications with their 95% bands).

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::data::Daily;
use super::dates::{date_chart, reps_note, x_range, DATE_X_LABELS};
use super::draw::{
    fmt_tick, footnote, frame, legend, mean_lines, mean_lines_top, MeanLine, Pen, FONT, PENS, TEXT,
};
use super::{render, Chart, Figure};

/// The chart's id (and file stem) and title.
pub(super) const ID: &str = "run-rescues";
pub(super) const TITLE: &str = "Rescues by route over time";

/// A daily running total drawn as a line: its column in `timeseries.csv`, its label and its pen.
type Series = (&'static str, &'static str, Pen);

/// The routes by which children are rescued, in the left panel.
const ROUTES: [Series; 4] = [
    ("rescued_by_checks_cum", "Welfare checks", PENS[0]),
    (
        "rescued_by_leads_cum",
        "HSI investigations of leads",
        PENS[1],
    ),
    ("rescued_by_operations_cum", "Targeted operations", PENS[2]),
    (
        "rescued_by_record_match_cum",
        "Missing-child record matches",
        PENS[3],
    ),
];

/// HSI's leads, in the right panel (a scale of their own: leads far outnumber rescues).
const LEADS: [Series; 2] = [
    ("leads_received_cum", "Received", PENS[6]),
    ("leads_gone_cold_cum", "Gone cold", PENS[4]),
];

/// Date labels on the narrower right panel.
const LEADS_X_LABELS: usize = 4;

/// Every daily series the chart reads (as names of any lifetime, to join other lists of names).
pub(super) fn rescue_series<'a>() -> impl Iterator<Item = &'a str> {
    ROUTES.iter().chain(&LEADS).map(|s| s.0)
}

/// Draw the chart of `d` (one run folder's daily series) into `out_dir`.
pub(super) fn rescues_chart(d: &Daily, out_dir: &Path) -> Result<Chart> {
    let fig = Rescues::new(d);
    render(&fig, out_dir, ID, TITLE, &fig.caption())
}

struct Rescues<'a> {
    d: &'a Daily,
    /// The columns that are zero on the last day of every replication (running totals, so zero
    /// throughout): their lines lie on the axis, and their labels say so.
    none: Vec<&'static str>,
}

impl Rescues<'_> {
    fn new(d: &Daily) -> Rescues<'_> {
        let none = rescue_series()
            .filter(|c| d.last.get(*c).is_none_or(|v| v.iter().all(|&x| x == 0.0)))
            .collect();
        Rescues { d, none }
    }

    /// What the chart shows and how to read it, in plain words.
    fn caption(&self) -> String {
        let mut c = "The left panel is the running total of children rescued from exploitation, one line per route: welfare checks by ICE officers (including those at an address found by tracing); HSI investigations of leads from screening at CBP and ORR, the tip line, NCMEC reports, forensics and further victims named in other cases; targeted operations; and missing-child record matches. The right panel, on its own scale, is the running total of leads HSI received from all those sources and of those that went cold, waiting too long for an investigator.".to_string();
        c.push_str(if self.d.replications >= 2 {
            " Each line is the mean across replications on each day, with its 95% interval as a shaded band."
        } else {
            " Each line is a single replication, so no interval can be drawn."
        });
        let none: Vec<String> = ROUTES
            .iter()
            .filter(|r| self.none.contains(&r.0))
            .map(|r| r.1.to_lowercase())
            .collect();
        if !none.is_empty() {
            c.push_str(&format!(
                " No child was rescued by {} in any replication: the line marked \u{201c}(none)\u{201d} lies on the axis.",
                none.join(" or ")
            ));
        }
        c.push_str(
            " Every child is synthetic: these are model estimates, not counts of real children.",
        );
        c
    }

    /// One panel: `series` over the run's dates under the heading `title`.
    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        title: &str,
        series: &[Series],
        y_desc: &str,
        x_labels: usize,
    ) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let d = self.d;
        let heading = FontDesc::new(FontFamily::Name(FONT), 20.0, FontStyle::Bold).color(&TEXT);
        let area = area.titled(title, heading)?;
        let lines: Vec<MeanLine> = series
            .iter()
            .map(|&(column, label, pen)| MeanLine {
                label: if self.none.contains(&column) {
                    format!("{label} (none)")
                } else {
                    label.to_string()
                },
                x: &d.x,
                series: d.get(column),
                pen,
                band: (d.replications >= 2).then(|| (0.18, String::new())),
            })
            .collect();
        let top = mean_lines_top(&lines);
        let fmt = |v: &f64| fmt_tick(*v);
        let mut chart = date_chart(
            &area,
            x_range(&d.x),
            (0.0, top * 1.08),
            y_desc,
            &fmt,
            x_labels,
        )?;
        mean_lines(&mut chart, &lines)?;
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

impl Figure for Rescues<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let area = frame(root, TITLE, &footnote(&reps_note(self.d.replications)))?;
        let (w, _) = area.dim_in_pixel();
        let (left, right) = area.split_horizontally(w * 16 / 25);
        self.panel(
            &left,
            "Children rescued from exploitation, by route",
            &ROUTES,
            "Children rescued (running total)",
            DATE_X_LABELS,
        )?;
        self.panel(
            &right,
            "Leads received and gone cold",
            &LEADS,
            "Leads (running total)",
            LEADS_X_LABELS,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::stats::interval;

    /// Two replications over `days` days from 1 January 2020: each route and lead series rises
    /// by a step a day, except targeted operations, which rescue no one.
    fn two_replications(days: usize) -> Daily {
        let mut series = BTreeMap::new();
        let mut last = BTreeMap::new();
        for (k, column) in rescue_series().enumerate() {
            let step = if column == "rescued_by_operations_cum" {
                0.0
            } else {
                (k + 1) as f64
            };
            let reps = |day: usize| [step * day as f64, step * day as f64 * 1.1];
            series.insert(
                column.to_string(),
                (0..days).map(|day| interval(&reps(day))).collect(),
            );
            last.insert(column.to_string(), reps(days - 1).to_vec());
        }
        Daily {
            replications: 2,
            x: (0..days).map(|day| 2020.0 + day as f64 / 366.0).collect(),
            series,
            last,
        }
    }

    #[test]
    fn the_chart_reads_daily_series_of_the_simulator() {
        let names = crate::sim::series_names();
        for c in rescue_series() {
            assert!(names.contains(&c), "{c} is not a daily series");
        }
    }

    #[test]
    fn the_caption_names_every_route_says_the_children_are_synthetic_and_which_route_is_empty() {
        let d = two_replications(30);
        let fig = Rescues::new(&d);
        assert_eq!(fig.none, ["rescued_by_operations_cum"]);
        let c = fig.caption();
        for words in [
            "welfare checks",
            "HSI investigations of leads from screening",
            "the tip line",
            "NCMEC",
            "forensics",
            "further victims",
            "targeted operations",
            "missing-child record matches",
            "went cold",
            "95% interval",
            "Every child is synthetic",
            "No child was rescued by targeted operations in any replication",
        ] {
            assert!(c.contains(words), "caption lacks {words:?}: {c}");
        }
        let mut one = two_replications(30);
        one.replications = 1;
        let c = Rescues::new(&one).caption();
        assert!(c.contains("no interval can be drawn") && !c.contains("95% interval"));
    }

    #[test]
    fn both_panels_are_drawn_with_their_lines_and_legends() {
        crate::output::charts::register_fonts().unwrap();
        let d = two_replications(400);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, super::super::SIZE).into_drawing_area();
            Rescues::new(&d).draw(&root).unwrap();
            root.present().unwrap();
        }
        for text in [
            TITLE,
            "Children rescued from exploitation, by route",
            "Leads received and gone cold",
            "Welfare checks",
            "HSI investigations of leads",
            "Targeted operations (none)",
            "Missing-child record matches",
            "Received",
            "Gone cold",
            "Children rescued (running total)",
            "Leads (running total)",
            "every child is synthetic",
            "bands are 95% intervals of the mean",
        ] {
            assert!(svg.contains(text), "no {text:?} in the chart");
        }
        // One shaded band per line (two replications), under the six lines.
        assert_eq!(svg.matches("<polygon").count(), ROUTES.len() + LEADS.len());
        // With one replication, no band.
        let mut one = two_replications(400);
        one.replications = 1;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, super::super::SIZE).into_drawing_area();
            Rescues::new(&one).draw(&root).unwrap();
            root.present().unwrap();
        }
        assert_eq!(svg.matches("<polygon").count(), 0);
    }

    #[test]
    fn the_chart_is_written_as_svg_and_png() {
        let dir = tempfile::tempdir().unwrap();
        let chart = rescues_chart(&two_replications(60), dir.path()).unwrap();
        assert_eq!(chart.id, "run-rescues");
        assert_eq!(chart.title, TITLE);
        assert!(chart.svg.is_file() && chart.png.is_file());
    }
}
