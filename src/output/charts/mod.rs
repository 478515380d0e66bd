//! Charts drawn from the CSV outputs already on disk (so they can be redrawn without re-running),
//! each written as PNG and SVG with a title, labelled axes, a legend and a colour-blind-safe palette.
//!
//! Every chart uses the Okabe-Ito colours and, where colours must also survive grayscale, distinct
//! dash patterns, markers or an alternating lightness order. Text is drawn with DejaVu Sans, shipped
//! inside the `dejavu` crate, so nothing is needed from the system.

mod axes;
mod calibration;
mod compare;
mod data;
mod dates;
mod discover;
mod draw;
mod flows;
mod journey;
mod policy;
mod rescues;
mod run;
mod sensitivity;
mod sweep;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{anyhow, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use crate::output::files::write_atomic;

pub use calibration::charts_for_calibration;
pub use compare::{charts_for_comparison, charts_for_posterior};
pub(crate) use compare::{posterior_chart_id, POSTERIOR_METRICS};
pub use discover::charts_for_discovery;
pub(crate) use draw::in_sentence;
pub use journey::{journey_chart, journey_chart_until};
pub(crate) use policy::change_number;
pub use policy::{policy_timelines, PolicyHistory};
pub use run::{
    charts_for_run, charts_for_run_with_policy, unlocatable_by_scenario,
    unlocatable_by_scenario_with_policy,
};
pub use sweep::charts_for_sweep;

/// One chart written to disk, as SVG and PNG.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Stable identifier; also the file stem (`<out_dir>/<id>.svg`, `.png`).
    pub id: String,
    /// Title drawn on the chart.
    pub title: String,
    /// Two plain-language sentences: what it shows, how to read it.
    pub caption: String,
    /// The SVG file.
    pub svg: PathBuf,
    /// The PNG file.
    pub png: PathBuf,
}

/// Width and height of every chart, in pixels (PNG) and user units (SVG).
pub const SIZE: (u32, u32) = (1200, 700);

/// Register DejaVu Sans (regular, bold, oblique) as "sans-serif". Safe to call many times.
pub fn register_fonts() -> Result<()> {
    static DONE: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let fonts: [(FontStyle, &str, &'static [u8]); 3] = [
            (FontStyle::Normal, "regular", dejavu::sans::regular()),
            (FontStyle::Bold, "bold", dejavu::sans::bold()),
            (FontStyle::Oblique, "oblique", dejavu::sans::oblique()),
        ];
        for (style, name, bytes) in fonts {
            register_font("sans-serif", style, bytes)
                .map_err(|_| format!("the bundled DejaVu Sans font ({name}) is invalid"))?;
        }
        Ok(())
    })
    .clone()
    .map_err(|e| anyhow!(e))
}

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static;
}

/// Draw `fig` to `<out_dir>/<id>.svg` and `.png`. Each file is rendered in memory and written to a
/// temporary name that is renamed into place, so no half-written chart remains.
pub(crate) fn render(
    fig: &impl Figure,
    out_dir: &Path,
    id: &str,
    title: &str,
    caption: &str,
) -> Result<Chart> {
    render_sized(fig, SIZE, out_dir, id, title, caption)
}

/// [`render`] at another size than [`SIZE`] (a strip drawn under a chart, as wide as it).
pub(crate) fn render_sized(
    fig: &impl Figure,
    size: (u32, u32),
    out_dir: &Path,
    id: &str,
    title: &str,
    caption: &str,
) -> Result<Chart> {
    register_fonts()?;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create chart folder {}", out_dir.display()))?;
    let (w, h) = size;
    let mut svg_text = String::new();
    {
        let root = SVGBackend::with_string(&mut svg_text, size).into_drawing_area();
        fig.draw(&root)
            .with_context(|| format!("drawing chart `{id}` (SVG)"))?;
        root.present()?;
    }
    let mut pixels = vec![255u8; (w as usize) * (h as usize) * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        fig.draw(&root)
            .with_context(|| format!("drawing chart `{id}` (PNG)"))?;
        root.present()?;
    }
    let svg = out_dir.join(format!("{id}.svg"));
    let png = out_dir.join(format!("{id}.png"));
    write_atomic(&svg, |out| {
        out.write_all(svg_text.as_bytes())?;
        Ok(())
    })?;
    write_atomic(&png, |out| {
        let mut enc = png::Encoder::new(out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
        Ok(())
    })?;
    Ok(Chart {
        id: id.to_string(),
        title: title.to_string(),
        caption: caption.to_string(),
        svg,
        png,
    })
}
