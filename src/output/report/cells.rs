//! Reading the outputs' CSV files into rows of text, and writing their numbers for people in the
//! report's tables.

use std::path::Path;

use anyhow::{Context, Result};

use crate::output;

pub(super) fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Read a CSV file as a header and rows of strings.
pub(super) fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = r.headers()?.iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.map(|x| x.iter().map(String::from).collect()))
        .collect::<std::result::Result<Vec<Vec<String>>, _>>()
        .with_context(|| format!("reading {}", path.display()))?;
    Ok((header, rows))
}

pub(super) fn col(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// A number for people: thousands separators for large values, a few decimals for small ones.
pub(super) fn num(s: &str) -> String {
    let Ok(x) = s.parse::<f64>() else {
        return s.to_string();
    };
    if !x.is_finite() {
        return s.to_string();
    }
    output::format::readable(x)
}

pub(super) fn signed(s: &str) -> String {
    let n = num(s);
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 => format!("+{n}"),
        _ => n,
    }
}

pub(super) fn interval(low: &str, high: &str) -> String {
    if low.is_empty() || high.is_empty() {
        "(needs 2+ replications)".into()
    } else {
        format!("{} to {}", num(low), num(high))
    }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num("1234567.4"), "1,234,567");
        assert_eq!(num("-1234"), "-1,234");
        assert_eq!(num("12"), "12");
        assert_eq!(num("12.345"), "12.3");
        assert_eq!(num("0.12345"), "0.123");
        assert_eq!(num(""), "");
    }
}
