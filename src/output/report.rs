//! The self-contained HTML report (inline CSS, inline SVG charts, no scripts, nothing fetched),
//! rendered from the askama template `src/output/templates/report.html` with every value escaped;
//! and the journey file of one traced child (`journey.csv`).

use std::path::Path;

use anyhow::Result;

use super::files::write_atomic;
use super::schema::journey;
use super::write_atomic_text;
use crate::input::lines::{split_comment, table_name};
use crate::sim::{Agency, ChildEvent, Lens};

/// `journey.csv`: one row per step of the traced child's journey.
pub(crate) fn write_journey(path: &Path, start_date: &str, events: &[ChildEvent]) -> Result<()> {
    write_atomic(path, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(journey::columns())?;
        for e in events {
            let mut row = vec![
                e.time.to_string(),
                crate::scenario::date_of(start_date, e.time / crate::sim::params::MINUTES_PER_DAY),
                e.what.to_string(),
                e.state.name().to_string(),
                e.locatable[Lens::Ice as usize].to_string(),
                e.locatable[Lens::Pooled as usize].to_string(),
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

/// The human names of what is not a metric (every metric has its label in the catalogue,
/// [`crate::sim::metrics`]): the daily series the charts draw, the sensitivity indices, and the
/// scenario settings the example sweeps and calibration vary. The report and the charts take every
/// label from the catalogue or here ([`human_name`]); a unit test checks that every swept setting
/// has a name.
pub(crate) const HUMAN_NAMES: &[(&str, &str)] = &[
    // Daily series (timeseries.csv) that the charts draw.
    ("cbp_custody", "In Border Patrol (CBP) custody"),
    ("orr_care", "In ORR shelter care"),
    ("with_sponsor", "Living with the sponsor"),
    ("left_sponsor", "Left the sponsor"),
    ("rescued_state", "Rescued"),
    ("aged_out", "Turned 18 (no longer followed)"),
    ("departed", "Left the country"),
    ("followed", "Released children followed"),
    (
        "unlocatable_by_ice",
        "Unlocatable by ICE (the acting agency)",
    ),
    ("unlocatable_pooled", "Unlocatable by every agency (pooled)"),
    ("unlocatable_by_orr", "Unlocatable by ORR"),
    (
        "unlocatable_by_court",
        "Unlocatable by the immigration court",
    ),
    // Sensitivity indices (sensitivity.csv).
    (
        "mu_star",
        "Typical effect across the setting's range (Morris \u{3bc}*)",
    ),
    ("mu", "Average signed effect (Morris \u{3bc})"),
    (
        "sigma",
        "Spread of effects: interactions or curvature (Morris \u{3c3})",
    ),
    (
        "first_order",
        "Share of variation due to this setting alone (Sobol first-order)",
    ),
    (
        "total",
        "Share of variation including interactions (Sobol total)",
    ),
    // Scenario settings varied by the example sweeps and calibration.
    (
        "data_sharing.orr_to_ice_probability",
        "Share of release addresses ORR sends to ICE",
    ),
    (
        "data_sharing.orr_to_ice_delay_days_mean",
        "Average days before ORR's release address reaches ICE",
    ),
    (
        "data_sharing.ice_record_match_probability",
        "Chance ICE matches its record against other records before a check",
    ),
    (
        "release.address_error_probability",
        "Share of release addresses blank or wrong",
    ),
    ("life.move_rate_per_year", "Household moves per year"),
    (
        "life.move_reported_probability.ice",
        "Chance a move is reported to ICE",
    ),
    (
        "ice.ntas_per_officer_day",
        "Notices to Appear served per ICE officer-day",
    ),
    ("welfare_checks.teams[0].value", "Welfare-check teams"),
    ("wellbeing_calls.staff[0].value", "Well-being call staff"),
    (
        "wellbeing_calls.answer_probability_if_current",
        "Chance a household at the address on file answers a call",
    ),
    (
        "time.contact_window_days",
        "Contact window (days a contact keeps a child locatable)",
    ),
];

/// The human name of a metric (its label in the catalogue, [`crate::sim::metrics`]), daily
/// series, index or setting (see [`HUMAN_NAMES`]). A setting that is not in the table gets its
/// dotted path in words (`data_sharing.orr_to_ice_delay` -> "data sharing: ORR to ICE delay"),
/// never the raw key.
pub(crate) fn human_name(key: &str) -> String {
    if let Some(label) = crate::sim::metrics::label(key) {
        return label.to_string();
    }
    if let Some((_, n)) = HUMAN_NAMES.iter().find(|(k, _)| *k == key) {
        return (*n).to_string();
    }
    let words = |part: &str| -> String {
        part.split('_')
            .map(|w| match w {
                "orr" | "ice" | "cbp" | "nta" | "ntas" | "hsi" | "ncic" | "ncmec" => {
                    w.to_ascii_uppercase().replace("NTAS", "NTAs")
                }
                _ => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let parts: Vec<String> = key
        .split('.')
        .map(|p| {
            // `staff[0]` -> "staff (step 1)"
            match p.split_once('[') {
                Some((name, rest)) => {
                    let i: usize = rest.trim_end_matches(']').parse().unwrap_or(0);
                    format!("{} (step {})", words(name), i + 1)
                }
                None => words(p),
            }
        })
        .filter(|p| p != "value")
        .collect();
    let mut out = match parts.split_first() {
        Some((first, rest)) if !rest.is_empty() => format!("{first}: {}", rest.join(", ")),
        _ => parts.join(""),
    };
    if let Some(c) = out.get(0..1) {
        let up = c.to_ascii_uppercase();
        out.replace_range(0..1, &up);
    }
    out
}

/// Plain-words definitions of the terms the report uses (its glossary), in reading order.
pub(crate) const GLOSSARY: &[(&str, &str)] = &[
    ("Synthetic child", "A child invented by the simulation. No real person's data is used; every number in this report is a model estimate, not a count of real children."),
    ("Replication", "One complete run of the simulation with its own random draws: a new cohort of synthetic children from arrival to the end. Results are averaged over replications."),
    ("Seed", "The number that fixes every random draw. The same scenario and seed always give the same results; two scenarios run with the same seed draw the same children, so their differences come from the scenarios."),
    ("95% interval", "The range that, with 95% confidence, holds the average the model would give with endless replications. It shows sampling noise only, not doubt about the model's assumptions. An interval of a difference that includes zero means no clear difference."),
    ("Sponsor", "The adult a child is released to: category 1 a parent or legal guardian, category 2 a close relative, category 3 a distant relative or unrelated adult."),
    ("CBP, ORR, ICE, HSI, the court", "Border Patrol (CBP) encounters and holds children; the Office of Refugee Resettlement (ORR) shelters them, vets sponsors and releases children; Immigration and Customs Enforcement (ICE) moves children, serves Notices to Appear and runs welfare checks, and its investigators (HSI) work exploitation leads; the immigration court holds hearings."),
    ("Record", "What one agency believes about a child, above all the address. Each agency keeps its own; the simulation alone knows the true address."),
    ("Followed child", "A child released to a sponsor who is still a child in the country: living with the sponsor, gone from the sponsor, or in exploitation. Children who turn 18, leave the country or are rescued stop being followed."),
    ("Locatable / unlocatable", "Measured agency by agency. A followed child is locatable by an agency on a day if that agency\u{2019}s own record holds the address where the child really lives, or that agency was in contact with the child within the contact window; otherwise the child is unlocatable by that agency. ICE is the acting agency (it serves Notices to Appear and runs the welfare checks), so \u{201c}unlocatable by ICE\u{201d} is the main measure. \u{201c}Pooled\u{201d}, or unlocatable by every agency, counts the children whom none of ORR, ICE and the court can locate: what an ideal shared record could know, not what any one agency can act on. CBP\u{2019}s record counts for no one, because no follow-up process reads it. Every change is counted as a flow: a child becomes unlocatable for a cause (at release every child is unlocatable by ICE until ORR\u{2019}s release record reaches ICE), is found again by a route, or stops being followed while still unlocatable (turns 18, is rescued, returns to ORR care). What was lost, minus what was found again, minus what stopped being followed, is the number unlocatable on the last day. One child can be lost and found more than once."),
    ("Contact window", "How long a contact (a call answered, a court appearance, a visit) keeps a child locatable by the agency that made it, without a correct address on file. \u{201c}Contact window expired\u{201d} in a journey is the day that time ran out: if that agency\u{2019}s record does not hold the true address then, the child becomes unlocatable by it."),
    ("On the last day", "The last simulated day (the end of the follow-up period set in the scenario). \u{201c}Unlocatable on the last day\u{201d} counts the children ICE (or every agency, pooled) could not locate at the end."),
    ("Child-years, share of followed time", "Days spent unlocatable, added over all children and given in years: ten children unlocatable for a year each make ten child-years. The share of followed time divides those days by all the days released children were followed, so it does not grow just because more children were released."),
    ("Interagency friction", "The gap between what each agency's records say and the truth: the share of followed children whose address that agency has right."),
    ("Notice to Appear (NTA)", "The document that starts a child's immigration-court case. It can only be served at an address ICE has on file."),
    ("Well-being call", "ORR's follow-up call to the household about 30 days after release."),
    ("Welfare check", "A home visit by ICE teams (from February 2025) to find released children, working from ICE's own records."),
    ("Children and events", "Some results count children (each child once); others count events, which can happen several times to one child (a household can move twice). Labels say which."),
    ("Paired difference", "Reform minus baseline, replication by replication, with the same synthetic children in both: the difference the reform makes."),
    ("Sensitivity (Morris, Sobol)", "How much each varied setting moves a result. Morris ranks settings by the typical change they cause across their range; Sobol splits the variation of the result into shares due to each setting. Estimates from few samples are noisy: the report warns when an interval is too wide to read."),
];

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
    /// Plain-words definitions of the terms used (see [`GLOSSARY`]).
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
    /// The chart's `<svg>...</svg>` markup (see [`inline_svg`]).
    pub svg: String,
    /// Drawn under the chart before it, on the same dates (a policy timeline): set close under it.
    pub attached: bool,
    /// A table shown with the chart, under its caption (the changes a policy timeline marks).
    pub table: Option<Table>,
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
pub(crate) fn extract_sources(text: &str) -> Vec<(String, String)> {
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
            table = table_name(trimmed);
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
    fn every_metric_and_swept_setting_has_a_human_name() {
        let named = |k: &str| {
            HUMAN_NAMES.iter().any(|(n, _)| *n == k)
                || crate::sim::metrics::label(k.trim_end_matches("_cum")).is_some()
        };
        for m in crate::output::schema::metric_names() {
            assert!(named(m), "metric `{m}` has no human name");
        }
        for (k, _) in HUMAN_NAMES {
            assert!(
                crate::sim::metrics::get(k).is_none(),
                "`{k}` is a metric: its label is the catalogue's"
            );
        }
        // Every setting varied by the example sweeps and calibration.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for dir in ["sweeps", "calibration"] {
            for e in std::fs::read_dir(root.join(dir)).expect("scenarios/") {
                let text = std::fs::read_to_string(e.expect("entry").path()).expect("read");
                for line in text.lines() {
                    if let Some(rest) = line.trim().strip_prefix("path = \"") {
                        let path = rest.split('"').next().unwrap_or_default();
                        assert!(named(path), "setting `{path}` has no human name");
                    }
                }
            }
        }
        for (_, name) in HUMAN_NAMES {
            assert!(!name.contains('_'), "not a human name: {name}");
        }
    }

    #[test]
    fn unknown_settings_read_as_words() {
        assert_eq!(
            human_name("data_sharing.orr_to_court_probability"),
            "Data sharing: ORR to court probability"
        );
        assert_eq!(
            human_name("court.judges[1].value"),
            "Court: judges (step 2)"
        );
    }

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
