//! Shared drawing pieces: the palette, fonts, line styles that survive grayscale, the frame every
//! chart sits in (title and footnote), number formats and a sequential colour scale.

use anyhow::Result;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

/// The Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies.
pub(crate) mod okabe_ito {
    use plotters::style::RGBColor;
    pub(crate) const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub(crate) const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub(crate) const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    pub(crate) const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub(crate) const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// A neutral grey to extend the palette.
    pub(crate) const GREY: RGBColor = RGBColor(187, 187, 187);
}
use okabe_ito as oi;

pub(crate) const FONT: &str = "sans-serif";
pub(crate) const TEXT: RGBColor = RGBColor(25, 25, 25);
pub(crate) const MUTED: RGBColor = RGBColor(90, 90, 90);

pub(crate) fn title_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), 30.0, FontStyle::Bold).color(&TEXT)
}
pub(crate) fn axis_desc_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), 20.0, FontStyle::Normal).color(&TEXT)
}
pub(crate) fn tick_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), 17.0, FontStyle::Normal).color(&TEXT)
}
/// Draw the chart's legend in the house style at `position`.
pub(crate) fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<()>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .legend_area_size(50)
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(legend_font())
        .margin(12)
        .draw()?;
    Ok(())
}

pub(crate) fn legend_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), 17.0, FontStyle::Normal).color(&TEXT)
}
pub(crate) fn small_font() -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), 15.0, FontStyle::Normal).color(&MUTED)
}
pub(crate) fn label_font(size: f64) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal).color(&TEXT)
}

/// How a line is drawn: colour, width and dash pattern (dash, gap in pixels), so that series
/// stay apart in grayscale and for readers who cannot tell the colours apart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pen {
    pub color: RGBColor,
    pub width: u32,
    pub dash: Option<(u32, u32)>,
}

impl Pen {
    pub(super) const fn solid(color: RGBColor, width: u32) -> Pen {
        Pen {
            color,
            width,
            dash: None,
        }
    }
    pub(super) const fn dashed(color: RGBColor, width: u32, dash: u32, gap: u32) -> Pen {
        Pen {
            color,
            width,
            dash: Some((dash, gap)),
        }
    }
    pub(super) fn style(&self) -> ShapeStyle {
        self.color.stroke_width(self.width)
    }
}

/// Pens for a family of lines: distinct colour and dash pattern each.
pub(crate) const PENS: [Pen; 8] = [
    Pen::solid(oi::BLUE, 3),
    Pen::dashed(oi::VERMILLION, 3, 14, 6),
    Pen::dashed(oi::BLUISH_GREEN, 3, 4, 5),
    Pen::dashed(oi::ORANGE, 3, 24, 6),
    Pen::dashed(oi::REDDISH_PURPLE, 3, 10, 4),
    Pen::dashed(oi::SKY_BLUE, 3, 2, 4),
    Pen::solid(oi::BLACK, 2),
    Pen::dashed(oi::YELLOW, 4, 16, 8),
];

pub(crate) type Chart2d<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draw a line with `pen`, broken where values are not finite, with a legend entry if `label`
/// is not empty.
pub(crate) fn line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    points: &[(f64, f64)],
    pen: Pen,
    label: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            if let Some(last) = runs.last_mut() {
                last.push((x, y));
            }
        } else if runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    let style = pen.style();
    let mut first = true;
    for run in runs {
        let anno = match pen.dash {
            None => chart.draw_series(LineSeries::new(run, style))?,
            Some((d, g)) => chart.draw_series(DashedLineSeries::new(run, d, g, style))?,
        };
        if first && !label.is_empty() {
            anno.label(label)
                .legend(move |(x, y)| legend_line(x, y, pen));
        }
        first = false;
    }
    Ok(())
}

/// The legend sample of a pen.
pub(crate) fn legend_line<DB: DrawingBackend>(
    x: i32,
    y: i32,
    pen: Pen,
) -> DynElement<'static, DB, (i32, i32)> {
    let pts = vec![(x, y), (x + 34, y)];
    match pen.dash {
        None => PathElement::new(pts, pen.style()).into_dyn(),
        Some((d, g)) => {
            // Shorter dashes in the legend so that the pattern shows within the sample.
            let d = d.clamp(2, 10);
            let g = g.clamp(2, 6);
            DashedPathElement::new(pts, d, g, pen.style()).into_dyn()
        }
    }
}

/// The legend sample of a filled area.
pub(crate) fn legend_box<DB: DrawingBackend>(
    x: i32,
    y: i32,
    fill: ShapeStyle,
) -> DynElement<'static, DB, (i32, i32)> {
    Rectangle::new([(x, y - 7), (x + 30, y + 7)], fill).into_dyn()
}

/// A shaded band between `low` and `high` (finite points only).
pub(crate) fn band<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    x: &[f64],
    low: &[f64],
    high: &[f64],
    fill: RGBAColor,
    label: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let pts: Vec<(f64, f64, f64)> = x
        .iter()
        .zip(low.iter().zip(high))
        .map(|(&x, (&l, &h))| (x, l, h))
        .filter(|p| p.0.is_finite() && p.1.is_finite() && p.2.is_finite())
        .collect();
    if pts.len() < 2 {
        return Ok(());
    }
    let mut poly: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.2)).collect();
    poly.extend(pts.iter().rev().map(|p| (p.0, p.1)));
    let anno = chart.draw_series(std::iter::once(Polygon::new(poly, fill.filled())))?;
    if !label.is_empty() {
        anno.label(label)
            .legend(move |(x, y)| legend_box(x, y, fill.filled()));
    }
    Ok(())
}

/// A daily mean drawn as a line over its 95% band.
pub(crate) struct MeanLine<'a> {
    /// The line's legend entry (none if empty).
    pub label: String,
    /// The dates, as years.
    pub x: &'a [f64],
    /// Per date, the summary across replications.
    pub series: &'a [crate::stats::Interval],
    pub pen: Pen,
    /// The band's opacity and legend entry (none if empty); `None` draws no band (one
    /// replication has no interval).
    pub band: Option<(f64, String)>,
}

/// The highest mean or upper end of a band among `lines`, and at least 1.
pub(crate) fn mean_lines_top(lines: &[MeanLine]) -> f64 {
    let ends = lines.iter().flat_map(|l| {
        l.series
            .iter()
            .flat_map(|i| [i.mean, super::data::band(i).1])
    });
    extent(ends).1.max(1.0)
}

/// Draw `lines`: every band first, in the line's colour, then every line over them, so that no
/// band hides a line.
pub(crate) fn mean_lines<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    lines: &[MeanLine],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    for l in lines {
        if let Some((opacity, label)) = &l.band {
            let (lo, hi): (Vec<f64>, Vec<f64>) = l.series.iter().map(super::data::band).unzip();
            band(chart, l.x, &lo, &hi, l.pen.color.mix(*opacity), label)?;
        }
    }
    for l in lines {
        let pts: Vec<(f64, f64)> =
            l.x.iter()
                .copied()
                .zip(l.series.iter().map(|i| i.mean))
                .collect();
        line(chart, &pts, l.pen, &l.label)?;
    }
    Ok(())
}

/// Fill the background, write the title at the top and a footnote at the bottom; return the area
/// left for the chart.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    footnote: &str,
) -> Result<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (_, h) = root.dim_in_pixel();
    let (main, foot) = root.split_vertically(h.saturating_sub(30));
    foot.draw(&Text::new(footnote.to_string(), (16, 6), small_font()))?;
    let (_, main) = main.split_vertically(12);
    // A long title (a metric's full name) is set smaller, down to 20 px, to fit the width.
    let (w, _) = root.dim_in_pixel();
    let mut font = title_font();
    while font.font.get_size() > 20.0 && main.estimate_text_size(title, &font)?.0 + 32 > w {
        font = FontDesc::new(
            FontFamily::Name(FONT),
            font.font.get_size() - 1.0,
            FontStyle::Bold,
        )
        .color(&TEXT);
    }
    let body = main.titled(title, font)?;
    Ok(body)
}

/// The footnote every chart carries.
pub(crate) fn footnote(detail: &str) -> String {
    if detail.is_empty() {
        "custody-sim · every child is synthetic · model estimates, not counts of real children"
            .to_string()
    } else {
        format!("custody-sim · every child is synthetic · {detail}")
    }
}

/// A count with thousands separators ("12,345"); small or fractional numbers keep a few decimals
/// ("0.12"), as [`readable_short`](crate::output::format::readable_short) writes them.
pub(crate) use crate::output::format::readable_short as fmt_count;

/// A tick label for a value: counts as `fmt_count`, plain decimals otherwise.
pub(crate) fn fmt_tick(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    fmt_count(x)
}

/// A range from `lo` to `hi` padded by 5% on each side (and never empty).
pub(crate) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let span = hi - lo;
    if span <= 0.0 {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - d, hi + d);
    }
    (lo - span * 0.05, hi + span * 0.05)
}

/// Lowest and highest finite values.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    (lo, hi)
}

/// Viridis, a sequential scale that is colour-blind safe and increases in lightness (so it reads
/// in grayscale). `t` in [0, 1].
pub(crate) fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 45, 123),
        (59, 82, 139),
        (44, 114, 142),
        (33, 145, 140),
        (40, 174, 128),
        (94, 201, 98),
        (173, 220, 48),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A vertical colour bar for `viridis` from `lo` to `hi`, titled `label`, drawn in `area`.
pub(crate) fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lo: f64,
    hi: f64,
    label: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (lo, hi) = if hi > lo { (lo, hi) } else { padded(lo, hi) };
    let mut chart = ChartBuilder::on(area)
        .margin_top(20)
        .margin_bottom(20)
        .margin_right(10)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..1.0, lo..hi)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_y_mesh()
        .disable_x_axis()
        .y_desc(label)
        .axis_desc_style(axis_desc_font())
        .label_style(tick_font())
        .y_label_formatter(&|v| fmt_tick(*v))
        .draw()?;
    let steps = 100;
    chart.draw_series((0..steps).map(|i| {
        let a = lo + (hi - lo) * i as f64 / steps as f64;
        let b = lo + (hi - lo) * (i + 1) as f64 / steps as f64;
        let c = viridis((i as f64 + 0.5) / steps as f64);
        Rectangle::new([(0.0, a), (1.0, b)], c.filled())
    }))?;
    Ok(())
}

/// A numeric axis for `n` rows at 0, 1, ..., n-1 (labels only at whole numbers: format with
/// `row_label`) and a count of labels that puts a tick on every row.
pub(crate) fn rows(n: usize) -> (std::ops::Range<f64>, usize) {
    (-0.6..n as f64 - 0.4, 4 * n + 4)
}

/// The label of row position `v` from `names` (top row first), empty between rows.
pub(crate) fn row_label(names: &[String], v: f64) -> String {
    let n = names.len();
    let k = v.round();
    if (v - k).abs() < 0.01 && k >= 0.0 && (k as usize) < n {
        names[n - 1 - k as usize].clone()
    } else {
        String::new()
    }
}

/// A label for use inside a sentence: the first letter lowered unless it starts an acronym
/// ("NTAs issued" stays, "Rescued" becomes "rescued").
pub(crate) fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            let mut s: String = a.to_lowercase().collect();
            s.push_str(&label[a.len_utf8()..]);
            s
        }
        _ => label.to_string(),
    }
}

/// The end of a horizontal bar axis that leaves room after each bar for its whisker and the text
/// written after it. `bars` are each bar's mean and 95% interval and its text; `top` the largest
/// value; `plot_px` the width of the plotting area in pixels (text takes about 8.6 px a character).
pub(crate) fn bar_axis_end<'b>(
    bars: impl IntoIterator<Item = (&'b crate::stats::Interval, &'b str)>,
    top: f64,
    plot_px: f64,
) -> f64 {
    bars.into_iter()
        .map(|(i, t)| {
            let end = super::data::band(i).1.max(i.mean).max(0.0) + top * 0.015;
            let label_share = ((8.6 * t.chars().count() as f64 + 16.0) / plot_px).min(0.7);
            if end.is_finite() {
                end / (1.0 - label_share)
            } else {
                top
            }
        })
        .fold(top * 1.02, f64::max)
}

/// One horizontal bar at row `y` (see [`rows`]): filled to the mean with a thin dark edge (so that
/// a light fill still shows in grayscale), black whiskers for the 95% interval, and `text` after
/// it. Non-empty `legend` labels (bar, whisker) put them in the legend.
pub(crate) fn draw_bar<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    y: f64,
    stat: &crate::stats::Interval,
    fill: RGBColor,
    text: &str,
    text_size: f64,
    legend: [&str; 2],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let top = chart.x_range().end;
    let mean = if stat.mean.is_finite() {
        stat.mean.max(0.0)
    } else {
        0.0
    };
    let corners = [(0.0, y - 0.32), (mean, y + 0.32)];
    let anno = chart.draw_series(std::iter::once(Rectangle::new(corners, fill.filled())))?;
    if !legend[0].is_empty() {
        anno.label(legend[0])
            .legend(move |(x, y)| legend_box(x, y, fill.filled()));
    }
    if mean > 0.0 {
        chart.draw_series(std::iter::once(Rectangle::new(
            corners,
            RGBColor(60, 60, 60).stroke_width(1),
        )))?;
    }
    let (lo, hi) = super::data::band(stat);
    if hi > lo {
        chart.draw_series([lo, hi].map(|v| {
            PathElement::new(vec![(v, y - 0.15), (v, y + 0.15)], BLACK.stroke_width(2))
        }))?;
        let anno = chart.draw_series(std::iter::once(PathElement::new(
            vec![(lo, y), (hi, y)],
            BLACK.stroke_width(2),
        )))?;
        if !legend[1].is_empty() {
            anno.label(legend[1]).legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 30, y)], BLACK.stroke_width(2))
            });
        }
    }
    let x_text = hi.max(mean).max(0.0) + top * 0.012;
    chart.draw_series(std::iter::once(Text::new(
        text.to_string(),
        (x_text, y),
        label_font(text_size).pos(Pos::new(HPos::Left, VPos::Center)),
    )))?;
    Ok(())
}

/// Names of the daily series shown in the charts, readable.
/// Every label comes from the report's one table of human names.
pub(crate) fn metric_label(metric: &str) -> String {
    crate::output::report::human_name(metric)
}
