//! The self-contained HTML report (inline CSS, inline SVG charts, no scripts, nothing fetched) and
//! the journey file of one traced child (`journey.csv`).

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

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
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

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1d1d1d; background: #fff;
  max-width: 1100px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; line-height: 1.5; font-size: 16px; }
h1 { font-size: 1.9rem; margin: 0.2rem 0; }
h2 { font-size: 1.45rem; border-bottom: 2px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2.4rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; }
.subtitle { color: #444; margin: 0 0 1rem; }
.synthetic { background: #fff4ce; border: 2px solid #c99a00; border-radius: 6px; padding: 0.8rem 1rem;
  font-size: 1.1rem; margin: 1rem 0 1.5rem; }
.synthetic strong { font-size: 1.2rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.93rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid #c8ced4; padding: 0.3rem 0.6rem; vertical-align: top; }
th { background: #eef1f4; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #f8f9fa; }
.note { color: #444; font-size: 0.9rem; margin-top: -0.6rem; }
figure { margin: 1.4rem 0 2rem; padding: 0.8rem; border: 1px solid #d0d7de; border-radius: 6px; }
figure h3 { margin: 0 0 0.5rem; }
figcaption { margin-top: 0.5rem; color: #222; }
svg.chart { display: block; max-width: 100%; height: auto; }
.caveats li { margin-bottom: 0.35rem; }
.sources dt { font-weight: bold; margin-top: 0.8rem; }
.sources li { margin-bottom: 0.2rem; }
.about { color: #555; font-family: "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
nav ul { columns: 2; }
details { margin: 0.6rem 0 1rem; }
summary { cursor: pointer; color: #0b4f8a; }
footer { margin-top: 3rem; color: #555; font-size: 0.85rem; border-top: 1px solid #d0d7de; padding-top: 0.6rem; }
@media print { details { display: block; } figure { break-inside: avoid; } }
"#;

fn render_table(t: &Table, html: &mut String) {
    let mut inner = String::new();
    inner.push_str("<table>");
    if !t.caption.is_empty() && !t.collapsed {
        inner.push_str(&format!("<caption>{}</caption>", escape(&t.caption)));
    }
    inner.push_str("<thead><tr>");
    for h in &t.header {
        inner.push_str(&format!("<th scope=\"col\">{}</th>", escape(h)));
    }
    inner.push_str("</tr></thead><tbody>\n");
    for row in &t.rows {
        inner.push_str("<tr>");
        for cell in row {
            let numeric = !cell.is_empty()
                && cell
                    .chars()
                    .all(|c| c.is_ascii_digit() || " .,-+−%[]–".contains(c));
            if numeric {
                inner.push_str(&format!("<td class=\"num\">{}</td>", escape(cell)));
            } else {
                inner.push_str(&format!("<td>{}</td>", escape(cell)));
            }
        }
        inner.push_str("</tr>\n");
    }
    inner.push_str("</tbody></table>\n");
    if t.collapsed {
        html.push_str(&format!(
            "<details><summary>{}</summary>\n{inner}</details>\n",
            escape(&t.caption)
        ));
    } else {
        html.push_str(&inner);
    }
    if !t.note.is_empty() {
        html.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&t.note)));
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

/// The report as one HTML document: inline CSS, inline SVG, no scripts, no external references.
pub fn render(r: &Report) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!("<title>{}</title>\n", escape(&r.title)));
    h.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
    h.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n</header>\n",
        escape(&r.title),
        escape(&r.subtitle)
    ));
    h.push_str(
        "<div class=\"synthetic\" id=\"synthetic\"><strong>Every child in this report is synthetic.</strong> \
         The children, sponsors and households are invented by the simulation; no personal data is used. \
         The numbers are model estimates with uncertainty, not counts of real children.</div>\n",
    );

    h.push_str("<nav><h2>Contents</h2><ul>\n<li><a href=\"#what-was-run\">What was run</a></li>\n");
    for (i, s) in r.sections.iter().enumerate() {
        h.push_str(&format!(
            "<li><a href=\"#s{i}-{}\">{}</a></li>\n",
            anchor(&s.heading),
            escape(&s.heading)
        ));
    }
    h.push_str("<li><a href=\"#caveats\">Caveats: how to read these results</a></li>\n");
    h.push_str(
        "<li><a href=\"#sources\">Where the published inputs come from</a></li>\n</ul></nav>\n",
    );

    h.push_str("<section id=\"what-was-run\">\n<h2>What was run</h2>\n");
    h.push_str(&format!(
        "<p>Report made on {} by {}.</p>\n",
        escape(&r.generated_on),
        escape(&r.program)
    ));
    render_table(&r.runs, &mut h);
    h.push_str("</section>\n");

    for (i, s) in r.sections.iter().enumerate() {
        h.push_str(&format!(
            "<section id=\"s{i}-{}\">\n<h2>{}</h2>\n",
            anchor(&s.heading),
            escape(&s.heading)
        ));
        for p in &s.paragraphs {
            h.push_str(&format!("<p>{}</p>\n", escape(p)));
        }
        for t in &s.tables {
            render_table(t, &mut h);
        }
        for c in &s.charts {
            h.push_str(&format!(
                "<figure id=\"chart-{i}-{}\">\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                anchor(&c.id),
                escape(&c.title),
                c.svg,
                escape(&c.caption)
            ));
        }
        h.push_str("</section>\n");
    }

    h.push_str("<section id=\"caveats\" class=\"caveats\">\n<h2>Caveats: how to read these results</h2>\n<ul>\n");
    for c in &r.caveats {
        h.push_str(&format!("<li>{}</li>\n", escape(c)));
    }
    h.push_str("</ul>\n</section>\n");

    h.push_str("<section id=\"sources\" class=\"sources\">\n<h2>Where the published inputs come from</h2>\n");
    h.push_str(
        "<p>Every number the model uses is in a scenario file. These are the sources cited in the \
         scenario files behind this report (values marked \u{201c}assumption\u{201d} in those files have \
         no published figure behind them).</p>\n",
    );
    if r.sources.is_empty() {
        h.push_str("<p>No scenario file is named by the folders in this report.</p>\n");
    }
    h.push_str("<dl>\n");
    for f in &r.sources {
        h.push_str(&format!("<dt>{}</dt>\n<dd>", escape(&f.file)));
        if let Some(e) = &f.error {
            h.push_str(&format!("<p>Could not be read: {}</p>", escape(e)));
        } else if f.citations.is_empty() {
            h.push_str("<p>Cites no published source (it changes only modelling choices or inherits its figures).</p>");
        } else {
            h.push_str("<ul>\n");
            for (about, text) in &f.citations {
                h.push_str(&format!(
                    "<li><span class=\"about\">{}</span>: {}</li>\n",
                    escape(about),
                    escape(text)
                ));
            }
            h.push_str("</ul>");
        }
        h.push_str("</dd>\n");
    }
    h.push_str("</dl>\n</section>\n");
    h.push_str(&format!(
        "<footer>Made by {} on {}. This file is self-contained: it needs no network and runs no scripts. \
         Every child in it is synthetic.</footer>\n</body>\n</html>\n",
        escape(&r.program),
        escape(&r.generated_on)
    ));
    h
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
