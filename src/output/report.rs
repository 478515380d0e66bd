//! The self-contained HTML report (inline CSS, inline SVG charts, no scripts, nothing fetched),
//! rendered from the askama template `src/output/templates/report.html` with every value escaped;
//! and the journey file of one traced child (`journey.csv`).

use std::path::Path;

use anyhow::Result;

use super::files::write_atomic;
use super::schema::journey;
use super::write_atomic_text;
use crate::sim::{Agency, ChildEvent};

/// `journey.csv`: one row per step of the traced child's journey.
pub fn write_journey(path: &Path, start_date: &str, events: &[ChildEvent]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(journey::columns())?;
        for e in events {
            let mut row = vec![
                e.time.to_string(),
                crate::scenario::date_of(start_date, e.time / crate::sim::params::MINUTES_PER_DAY),
                e.what.to_string(),
                e.state.name().to_string(),
                e.locatable.to_string(),
                e.true_address.to_string(),
                e.household.to_string(),
            ];
            row.extend(
                Agency::ALL
                    .iter()
                    .map(|&a| e.records[a as usize].to_string()),
            );
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    })
}

/// A whole report, ready to render.
#[derive(Debug, Clone, Default)]
pub struct Report {
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
}

/// A part of the report: text, tables and charts about one input folder (or about all of them).
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub tables: Vec<Table>,
    pub charts: Vec<InlineChart>,
}

/// A table of text cells. `collapsed` puts it in a `<details>` element (closed until clicked).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub note: String,
    pub collapsed: bool,
}

/// A chart to inline: its SVG markup and its plain-language caption.
#[derive(Debug, Clone)]
pub struct InlineChart {
    pub id: String,
    pub title: String,
    pub caption: String,
    /// The chart's `<svg>...</svg>` markup (see [`inline_svg`]).
    pub svg: String,
}

/// The published sources cited in one scenario file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub file: String,
    /// Each citation: what it is about (a key or a short context) and the cited text.
    pub citations: Vec<(String, String)>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
}

/// The report's HTML escaper: `&`, `<`, `>`, `"` and `'` become entities, so escaped text is safe
/// in element content and in quoted attribute values. The templates escape every value with it
/// (`src/output/templates/askama.toml` names it); [`escape`] uses it for text escaped outside a
/// template.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlEscaper;

impl askama::filters::Escaper for HtmlEscaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, s: &str) -> std::fmt::Result {
        let mut plain = 0;
        for (i, c) in s.char_indices() {
            let entity = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            dest.write_str(&s[plain..i])?;
            dest.write_str(entity)?;
            plain = i + 1;
        }
        dest.write_str(&s[plain..])
    }
}

/// Escape text for HTML element content and attribute values (see [`HtmlEscaper`]).
pub fn escape(s: &str) -> String {
    use askama::filters::Escaper;
    let mut out = String::with_capacity(s.len());
    HtmlEscaper
        .write_escaped_str(&mut out, s)
        .expect("writing to a String cannot fail");
    out
}

/// Turn an SVG file's text into markup fit to inline in HTML: the XML prolog, doctype and comments
/// before `<svg` are dropped, namespace declarations (not needed in HTML) removed, and the root
/// element gets a class and an accessible label. Refuses markup with scripts or external references.
pub fn inline_svg(text: &str, label: &str) -> std::result::Result<String, String> {
    let start = text
        .find("<svg")
        .ok_or("no <svg> element in the file".to_string())?;
    let end = text
        .rfind("</svg>")
        .ok_or("the <svg> element is not closed".to_string())?
        + "</svg>".len();
    if end <= start {
        return Err("the <svg> element is not closed".into());
    }
    let body = &text[start..end];
    let lower = body.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("<foreignobject") {
        return Err("the SVG holds a script or foreign content".into());
    }
    if lower.contains("href=\"http") || lower.contains("href='http") || lower.contains("url(http") {
        return Err("the SVG refers to an external resource".into());
    }
    let tag_end = body
        .find('>')
        .ok_or("the <svg> tag is not closed".to_string())?;
    let mut tag = body[..tag_end].to_string();
    for attr in ["xmlns:xlink", "xmlns"] {
        while let Some(i) = tag.find(&format!(" {attr}=\"")) {
            let value_start = i + attr.len() + 3;
            match tag[value_start..].find('"') {
                Some(j) => tag.replace_range(i..value_start + j + 1, ""),
                None => break,
            }
        }
    }
    let tag = tag.replacen(
        "<svg",
        &format!(
            "<svg class=\"chart\" role=\"img\" aria-label=\"{}\"",
            escape(label)
        ),
        1,
    );
    Ok(format!("{tag}{}", &body[tag_end..]))
}

/// Words that mark a comment in a scenario file as citing a published source.
const CITATION_MARKERS: &[&str] = &[
    "OIG",
    "GAO",
    "CRS",
    "DOJ",
    "EOIR",
    "Senate",
    "House",
    "testimony",
    "statements",
    "Facts and Data",
    "published",
    "source:",
    "Federal Register",
    "policy",
];

fn cites(comment: &str) -> bool {
    CITATION_MARKERS.iter().any(|m| comment.contains(m))
}

/// The sources cited in a scenario file: every `source = "..."` value, and every comment that cites
/// a published figure (names an agency report, testimony, statements, a policy...), with the key it
/// is about or, for a block of comment lines, the block joined into one text. Simple line-based
/// reading, robust to any TOML layout: nothing here can fail.
pub fn extract_sources(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut block: Vec<String> = Vec::new();
    let mut table = String::new();
    let flush = |block: &mut Vec<String>, out: &mut Vec<(String, String)>, table: &str| {
        if !block.is_empty() {
            let joined = block.join(" ");
            if cites(&joined) {
                let about = if table.is_empty() {
                    "(file header)".to_string()
                } else {
                    format!("[{table}]")
                };
                push_unique(out, about, joined);
            }
            block.clear();
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(c) = trimmed.strip_prefix('#') {
            let c = c.trim();
            if c.is_empty() {
                flush(&mut block, &mut out, &table);
            } else {
                block.push(c.to_string());
            }
            continue;
        }
        flush(&mut block, &mut out, &table);
        if trimmed.starts_with('[') {
            table = trimmed
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            continue;
        }
        let (code, comment) = split_comment(trimmed);
        let key = code.split('=').next().unwrap_or("").trim();
        let qualified = if table.is_empty() {
            key.to_string()
        } else {
            format!("{table}.{key}")
        };
        if key == "source" {
            if let Some(v) = code.split_once('=').map(|x| x.1.trim()) {
                let v = v.trim_matches('"').trim_matches('\'').to_string();
                if !v.is_empty() {
                    push_unique(&mut out, qualified.clone(), v);
                }
            }
        }
        if let Some(c) = comment {
            if cites(c) {
                push_unique(&mut out, qualified, c.to_string());
            }
        }
    }
    flush(&mut block, &mut out, &table);
    out
}

fn push_unique(out: &mut Vec<(String, String)>, about: String, text: String) {
    if !out.iter().any(|(a, t)| *a == about && *t == text) {
        out.push((about, text));
    }
}

/// Split a TOML line into code and trailing comment, ignoring `#` inside quoted strings.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"') | (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return (&line[..i], Some(line[i + 1..].trim())),
            _ => {}
        }
    }
    (line, None)
}

/// The page as the template sees it: the report, with the anchors and the numeric cells worked out.
#[derive(askama::Template)]
#[template(path = "report.html", config = "src/output/templates/askama.toml")]
struct Page<'a> {
    r: &'a Report,
    runs: TableView<'a>,
    sections: Vec<SectionView<'a>>,
}

struct SectionView<'a> {
    /// The `id` of the `<section>`, the target of its link in the contents.
    id: String,
    s: &'a Section,
    tables: Vec<TableView<'a>>,
    charts: Vec<ChartView<'a>>,
}

struct ChartView<'a> {
    /// The `id` of the `<figure>`.
    id: String,
    c: &'a InlineChart,
}

struct TableView<'a> {
    t: &'a Table,
    rows: Vec<Vec<Cell<'a>>>,
}

struct Cell<'a> {
    text: &'a str,
    /// Set right-aligned in tabular figures.
    numeric: bool,
}

impl<'a> TableView<'a> {
    fn new(t: &'a Table) -> Self {
        let rows = t
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| Cell {
                        text: cell,
                        numeric: !cell.is_empty()
                            && cell
                                .chars()
                                .all(|c| c.is_ascii_digit() || " .,-+−%[]–".contains(c)),
                    })
                    .collect()
            })
            .collect();
        TableView { t, rows }
    }
}

fn anchor(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The report as one HTML document (`src/output/templates/report.html`): inline CSS, inline SVG,
/// no scripts, no external references. Every text is escaped; the charts' SVG markup is inlined
/// as it is, having been checked by [`inline_svg`].
pub fn render(r: &Report) -> String {
    use askama::Template;
    let page = Page {
        r,
        runs: TableView::new(&r.runs),
        sections: r
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| SectionView {
                id: format!("s{i}-{}", anchor(&s.heading)),
                s,
                tables: s.tables.iter().map(TableView::new).collect(),
                charts: s
                    .charts
                    .iter()
                    .map(|c| ChartView {
                        id: format!("chart-{i}-{}", anchor(&c.id)),
                        c,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut html = page
        .render()
        .expect("the report template renders plain strings, which cannot fail");
    // Askama drops the template file's final newline; the page ends with one.
    html.push('\n');
    html
}

/// Write the report atomically (temporary file, then rename).
pub fn write_report(path: &Path, r: &Report) -> Result<()> {
    write_atomic_text(path, &render(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_cleaned_for_inlining() {
        let s = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\"><text>a</text></svg>\n";
        let out = inline_svg(s, "A & B").unwrap();
        assert!(out.starts_with("<svg class=\"chart\" role=\"img\" aria-label=\"A &amp; B\" width"));
        assert!(!out.contains("http"));
        assert!(out.ends_with("</svg>"));
        assert!(inline_svg("<svg><script>x</script></svg>", "x").is_err());
        assert!(inline_svg("nothing", "x").is_err());
    }

    #[test]
    fn sources_come_from_values_and_citing_comments() {
        let text = "# A scenario.\n# Numbers from the HHS OIG report (2022).\n\n[beds]\n# an assumption\nsize = 3 # GAO-16-180\nx = 1 # assumption\n[[arrivals.fiscal_years]]\nsource = \"ORR Facts and Data # not a comment\"\n";
        let s = extract_sources(text);
        assert_eq!(
            s,
            vec![
                (
                    "(file header)".to_string(),
                    "A scenario. Numbers from the HHS OIG report (2022).".to_string()
                ),
                ("beds.size".to_string(), "GAO-16-180".to_string()),
                (
                    "arrivals.fiscal_years.source".to_string(),
                    "ORR Facts and Data # not a comment".to_string()
                ),
            ]
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
