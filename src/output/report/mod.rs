//! The self-contained HTML report (inline CSS, inline SVG charts, no scripts, nothing fetched) of
//! `custody-sim report`: what it holds (this file). The command (`app/report.rs`) checks the
//! folders ([`folders`]), has each folder's section built ([`section`]: [`run`], [`compare`],
//! [`sweep`], [`journey`], [`discover`]) and the runs side by side ([`side_by_side`]), puts the
//! report together ([`overview`]) and writes it ([`html`]).

mod cells;
pub(crate) mod citations;
mod compare;
mod discover;
pub(crate) mod folders;
mod glossary;
pub(crate) mod html;
pub(crate) mod journey;
mod names;
pub(crate) mod overview;
mod policy;
mod run;
pub(crate) mod section;
pub(crate) mod side_by_side;
mod sweep;

pub(crate) use html::HtmlEscaper;
pub(crate) use names::human_name;

/// A whole report, ready to render.
#[derive(Debug, Clone, Default)]
pub(crate) struct Report {
    pub title: String,
    /// One line under the title (e.g. which folders the report covers).
    pub subtitle: String,
    /// The day the report was made (`YYYY-MM-DD`).
    pub generated_on: String,
    /// Program name and version that made the report.
    pub program: String,
    /// "What was run": one row per input folder.
    pub runs: Table,
    pub sections: Vec<Section>,
    pub caveats: Vec<String>,
    pub sources: Vec<SourceFile>,
    /// Plain-words definitions of the terms used (see [`glossary::GLOSSARY`]).
    pub glossary: Vec<(String, String)>,
}

/// A part of the report: text, tables and charts about one input folder (or about all of them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<Table>,
    pub charts: Vec<InlineChart>,
}

/// A table of text cells. `collapsed` puts it in a `<details>` element (closed until clicked).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub note: String,
    pub collapsed: bool,
}

/// A chart to inline: its SVG markup and its plain-language caption.
#[derive(Debug, Clone)]
pub(crate) struct InlineChart {
    pub id: String,
    pub title: String,
    pub caption: String,
    /// The chart's `<svg>...</svg>` markup (see [`html::inline_svg`]).
    pub svg: String,
    /// Drawn under the chart before it, on the same dates (a policy timeline): set close under it.
    pub attached: bool,
    /// A table shown with the chart, under its caption (the changes a policy timeline marks).
    pub table: Option<Table>,
    /// Shown first in its section, before the section's tables (the answer: a comparison's
    /// effects over the calibrated assumptions).
    pub lead: bool,
}

/// The published sources cited in one scenario file.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub file: String,
    /// Each citation: what it is about (a key or a short context) and the cited text.
    pub citations: Vec<(String, String)>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
}
