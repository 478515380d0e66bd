//! Design CSV files (a sweep's `design.file`, an explore file's `futures.design`): a header of
//! dotted parameter paths, then one row of values per point or future. Read and checked in full:
//! every problem is named by its line and column.

use std::path::Path;

use toml::{Table, Value};

use crate::error::ScenarioError;
use crate::input::Problems;
use crate::scenario::overrides::{self, check_path, number_like};

/// A design read from a CSV file: the parameter paths (the header) and one row of numbers per run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DesignCsv {
    pub paths: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

/// Largest number of rows read from a design CSV.
pub(crate) const MAX_DESIGN_ROWS: usize = 10_000_000;

/// Read the design CSV that `field` of an input file names (`written` as the user wrote it,
/// resolved to `path`): a header of dotted parameter paths of `base`, then one row of numbers per
/// run (`true`/`false` for booleans). `None`, and a problem of `field` in `problems`, if it cannot
/// be read; its own problems are reported with the CSV file, the row (its line) and the column.
pub(crate) fn read(
    problems: &mut Problems,
    field: &str,
    written: &str,
    path: &Path,
    base: &Table,
) -> Option<DesignCsv> {
    if !problems.reference(field, written, path, "design CSV") {
        return None;
    }
    read_checked(path, base)
        .map_err(|e| problems.error(field, e))
        .ok()
}

/// The design CSV at `path` (which can be opened), checked against `base`.
fn read_checked(path: &Path, base: &Table) -> Result<DesignCsv, ScenarioError> {
    let fail = |message: String| ScenarioError::Outputs {
        path: path.to_path_buf(),
        message,
    };
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(|e| fail(format!("cannot read the design CSV: {e}")))?;
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| fail(format!("cannot read the header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.is_empty() || header.iter().all(|h| h.is_empty()) {
        return Err(fail("the header is empty: the first line must name the parameters by dotted path (e.g. life.move_rate_per_year), one per column".into()));
    }
    let mut problems = Problems::default();
    let likes = header_types(&mut problems, &header, base);
    let mut rows = Vec::new();
    for (r, rec) in rd.records().enumerate() {
        let line = r + 2;
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                problems.field(&format!("line {line}"), format!("not valid CSV: {e}"));
                break;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != header.len() {
            problems.field(
                &format!("line {line}"),
                format!(
                    "{} values: every row needs {} values, one per column of the header",
                    rec.len(),
                    header.len()
                ),
            );
            continue;
        }
        rows.push(row(&mut problems, line, &header, &likes, &rec));
        if rows.len() > MAX_DESIGN_ROWS {
            problems.field("rows", format!("more than {MAX_DESIGN_ROWS} rows"));
            break;
        }
        if problems.problems.len() > 50 {
            break;
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.field(
            "rows",
            "no rows: list one row of values per run after the header",
        );
    }
    problems.finish(path)?;
    Ok(DesignCsv {
        paths: header,
        rows,
    })
}

/// `column 2 ("a.b")`, for messages.
fn column(i: usize, h: &str) -> String {
    format!("column {} (\"{}\")", i + 1, h.escape_debug())
}

/// The base scenario's value at each path of the header (its type is the column's), with a
/// problem for a path that is not a number or boolean of `base`, or named twice.
fn header_types(problems: &mut Problems, header: &[String], base: &Table) -> Vec<Value> {
    let mut likes = Vec::new();
    for (i, h) in header.iter().enumerate() {
        match check_path(base, h) {
            Ok(like)
                if matches!(
                    like,
                    Value::Integer(_) | Value::Float(_) | Value::Boolean(_)
                ) =>
            {
                likes.push(like.clone())
            }
            Ok(like) => {
                problems.field(
                    &column(i, h),
                    format!(
                        "holds {}; only numbers and booleans can be set from a design",
                        like.type_str()
                    ),
                );
                likes.push(Value::Float(0.0));
            }
            Err(e) => {
                let hint = if h.is_empty() || h == "Unnamed: 0" || h == "index" {
                    " (write the CSV without its index column: pandas `to_csv(index=False)`)"
                } else {
                    ""
                };
                problems.field(&column(i, h), format!("not a parameter: {e}{hint}"));
                likes.push(Value::Float(0.0));
            }
        }
        if header[..i].contains(h) {
            problems.field(&column(i, h), format!("\"{h}\" is named twice"));
        }
    }
    likes
}

/// The numbers of one row (at `line` of the file); NaN, and a problem, for a cell that is not one.
fn row(
    problems: &mut Problems,
    line: usize,
    header: &[String],
    likes: &[Value],
    rec: &csv::StringRecord,
) -> Vec<f64> {
    let mut row = Vec::with_capacity(header.len());
    for (i, cell) in rec.iter().enumerate() {
        let cell = cell.trim();
        let v = match (&likes[i], cell) {
            (Value::Boolean(_), "true" | "True" | "TRUE") => Some(1.0),
            (Value::Boolean(_), "false" | "False" | "FALSE") => Some(0.0),
            _ => cell.parse::<f64>().ok().filter(|x| x.is_finite()),
        };
        match v {
            Some(x) => row.push(x),
            None => {
                problems.field(
                    &format!("line {line}, {}", column(i, &header[i])),
                    format!(
                        "\"{}\": must be a finite number{}",
                        cell.escape_debug(),
                        if likes[i].is_bool() {
                            " or true/false"
                        } else {
                            ""
                        }
                    ),
                );
                row.push(f64::NAN);
            }
        }
    }
    row
}

/// The rows of a design as values of the type each path holds in `base` (whole numbers rounded,
/// booleans from 0/1).
pub(crate) fn values(d: &DesignCsv, base: &Table) -> Vec<Vec<Value>> {
    let likes: Vec<Value> = d
        .paths
        .iter()
        .map(|p| {
            overrides::get(base, p)
                .cloned()
                .unwrap_or(Value::Float(0.0))
        })
        .collect();
    d.rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&likes)
                .map(|(&x, like)| number_like(like, x).unwrap_or(Value::Float(x)))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Table {
        toml::from_str("[a]\nx = 0.5\nn = 3\nb = true\ns = \"t\"\n").unwrap()
    }

    fn csv_file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn rows_become_values_of_the_base_scenario_s_types() {
        let (_dir, path) = csv_file("a.x,a.n,a.b\n0.25,2.6,true\n\n1,4,FALSE\n");
        let mut p = Problems::default();
        let d = read(&mut p, "design.file", "d.csv", &path, &base()).unwrap();
        assert!(p.is_empty());
        assert_eq!(d.rows, vec![vec![0.25, 2.6, 1.0], vec![1.0, 4.0, 0.0]]);
        let v = values(&d, &base());
        assert_eq!(
            v[0],
            vec![Value::Float(0.25), Value::Integer(3), Value::Boolean(true)]
        );
    }

    #[test]
    fn every_problem_of_the_csv_is_named_by_its_line_and_column() {
        let (_dir, path) = csv_file("a.x,a.s,a.nope,a.x\n0.1,1,2\n0.1,x,2,y\n");
        let mut p = Problems::default();
        assert!(read(&mut p, "futures.design", "d.csv", &path, &base()).is_none());
        let e = p.into_error(Path::new("e.toml")).to_string();
        assert!(
            e.starts_with(&format!("{}: 6 invalid value(s):", path.display())),
            "{e}"
        );
        for field in [
            "field `column 2 (\"a.s\")`: holds string",
            "field `column 3 (\"a.nope\")`: not a parameter",
            "field `column 4 (\"a.x\")`: \"a.x\" is named twice",
            "field `line 2`: 3 values: every row needs 4 values",
            "field `line 3, column 2 (\"a.s\")`: \"x\": must be a finite number",
            "field `line 3, column 4 (\"a.x\")`: \"y\": must be a finite number",
        ] {
            assert!(e.contains(field), "{field}: {e}");
        }
        let mut p = Problems::default();
        assert!(read(&mut p, "design.file", "", &path, &base()).is_none());
        assert_eq!(p.problems[0].field, "design.file");
    }
}
