//! The report as HTML: escaping, inlining SVG charts, and rendering the page from the askama
//! template `src/output/templates/report.html` (inline CSS and SVG, no scripts, nothing fetched).

use std::path::Path;

use anyhow::Result;

use super::{InlineChart, Report, Section, Table};
use crate::output::write_atomic_text;

/// The report's HTML escaper: `&`, `<`, `>`, `"` and `'` become entities, so escaped text is safe
/// in element content and in quoted attribute values. The templates escape every value with it
/// (`src/output/templates/askama.toml` names it); [`escape`] uses it for text escaped outside a
/// template.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HtmlEscaper;

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
pub(crate) fn escape(s: &str) -> String {
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
pub(crate) fn inline_svg(text: &str, label: &str) -> std::result::Result<String, String> {
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
    table: Option<TableView<'a>>,
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
pub(crate) fn render(r: &Report) -> String {
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
                        table: c.table.as_ref().map(TableView::new),
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
pub(crate) fn write_report(path: &Path, r: &Report) -> Result<()> {
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
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
