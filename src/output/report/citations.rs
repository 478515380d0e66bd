//! The published sources cited in the scenario files behind a report's folders: `source = "..."`
//! values and citing comments.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::folders::{Input, Kind};
use super::SourceFile;
use crate::input::lines::{split_comment, table_name};

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

/// Scenario files behind the inputs, each read once, in first-seen order.
pub(crate) fn sources(inputs: &[Input]) -> Vec<SourceFile> {
    let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut add = |p: PathBuf, text: Option<String>| {
        let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if seen.insert(key) {
            files.push((p, text));
        }
    };
    let from_scenario =
        |p: &Path, add: &mut dyn FnMut(PathBuf, Option<String>)| match crate::scenario::load::load(
            p,
        ) {
            Ok(loaded) => {
                for (path, bytes) in loaded.sources {
                    add(path, Some(String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
            Err(_) => add(p.to_path_buf(), None),
        };
    for i in inputs {
        let listed: Vec<PathBuf> = i.manifest["scenario_files"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["path"].as_str().map(PathBuf::from))
                    .collect()
            })
            .unwrap_or_default();
        match i.kind {
            Kind::Run | Kind::Journey => {
                for p in listed {
                    add(p, None);
                }
            }
            Kind::Compare => {
                if listed.is_empty() {
                    let mut named: Vec<PathBuf> = Vec::new();
                    if let Some(b) = i.manifest["baseline"].as_str() {
                        named.push(b.into());
                    }
                    if let Some(a) = i.manifest["reforms"].as_array() {
                        named.extend(a.iter().filter_map(|r| r.as_str().map(PathBuf::from)));
                    }
                    for p in named {
                        from_scenario(&p, &mut add);
                    }
                } else {
                    for p in listed {
                        add(p, None);
                    }
                }
            }
            // The explore's scenarios are listed by its own folder (explore.json).
            Kind::Discovery => {}
            Kind::Sweep => {
                let file = PathBuf::from(i.str("sweep_file"));
                add(file.clone(), None);
                if let Ok(sw) = crate::experiment::sweep::load(&file) {
                    for (path, bytes) in &sw.base.loaded.sources {
                        add(
                            path.clone(),
                            Some(String::from_utf8_lossy(bytes).into_owned()),
                        );
                    }
                }
            }
        }
    }
    files
        .into_iter()
        .map(|(path, text)| {
            let text = match text {
                Some(t) => Ok(t),
                None => std::fs::read_to_string(&path),
            };
            match text {
                Ok(t) => SourceFile {
                    file: path.display().to_string(),
                    citations: extract_sources(&t),
                    error: None,
                },
                Err(e) => SourceFile {
                    file: path.display().to_string(),
                    citations: Vec::new(),
                    error: Some(format!(
                        "{e} (paths in manifest.json are as given when the outputs were made; run the report from the same folder)"
                    )),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
