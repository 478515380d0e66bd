//! Numbers as text, in one place: the exact cells of every CSV file ([`fmt_num`]), and the numbers
//! people read in the printed tables, the report, the charts and the explorer (thousands
//! separators, a few decimals for small values, percentages). Each output keeps its own style
//! (the report writes 0.123, a chart 0.12; the explorer's minus sign is U+2212), named here.

use crate::sim::metrics::Kind;

/// A number for a CSV cell, the one formatter of every numeric column the program writes: the
/// shortest text that reads back as the same `f64` bit for bit (Rust's round-trip `{}`; whole
/// numbers without a decimal point, never an exponent), and an empty cell for a value that is not
/// defined (NaN, or an infinity such as an interval of one replication or a ratio over zero).
/// Never text: pandas and readr read every numeric column as numbers, empty cells as NA.
pub fn fmt_num(x: f64) -> String {
    if x.is_finite() {
        // `{}` prints -0.0 as "-0", which reads back as -0.0: exact, and rare enough.
        format!("{x}")
    } else {
        String::new()
    }
}

/// A value of a measure for people: counts (and days of the run) whole, durations with one
/// decimal below 100, shares as percentages with one decimal; empty when not defined.
pub(crate) fn fmt_measure(kind: Kind, x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    unsigned_zero(match kind {
        Kind::Count | Kind::DayIndex => format!("{x:.0}"),
        Kind::Time(_) if x.abs() >= 100.0 => format!("{x:.0}"),
        Kind::Time(_) => format!("{x:.1}"),
        Kind::Share => format!("{:.1}%", 100.0 * x),
    })
}

/// `n` followed by the noun that agrees with it: "1 replication", "10 replications".
pub(crate) fn counted(n: impl std::fmt::Display, one: &str, many: &str) -> String {
    let n = n.to_string();
    let noun = if n == "1" { one } else { many };
    format!("{n} {noun}")
}

/// A number as printed for people, without the sign of a value that rounds to zero: "-0" and
/// "-0.0" (a small negative value rounded) read as "0" and "0.0", and "+0" as "0".
pub(crate) fn unsigned_zero(s: String) -> String {
    let digits = s.trim_start_matches(['-', '+']);
    if digits.len() < s.len() && digits.chars().all(|c| matches!(c, '0' | '.' | '%')) {
        digits.to_string()
    } else {
        s
    }
}

/// `n` with a comma between groups of three digits ("1,234,567"), negative numbers after `minus`.
pub(crate) fn grouped(n: i64, minus: &str) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + minus.len());
    if n < 0 {
        out.push_str(minus);
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A whole number with thousands separators and a true minus sign (U+2212): the explorer's.
pub(crate) fn thousands(x: f64) -> String {
    grouped(x.round() as i64, "\u{2212}")
}

/// A finite number for people: whole with thousands separators from 100 on (and for whole
/// numbers), one decimal from 1 on, three below ("1,234", "12.3", "0.123"): the report's.
pub(crate) fn readable(x: f64) -> String {
    match small(x) {
        Some(s) => s,
        None => format!("{x:.3}"),
    }
}

/// As [`readable`], but a value below 1 keeps at most three decimals without trailing zeros
/// ("0.12"); empty when not defined: the charts' counts and ticks.
pub(crate) fn readable_short(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    match small(x) {
        Some(s) => s,
        None => {
            let s = format!("{x:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// The part [`readable`] and [`readable_short`] share: grouped whole numbers from 100 on, one
/// decimal from 1 on; `None` below 1 (in absolute value).
fn small(x: f64) -> Option<String> {
    if x.abs() >= 100.0 || x.fract() == 0.0 {
        Some(grouped(x.round() as i64, "-"))
    } else if x.abs() >= 1.0 {
        Some(format!("{x:.1}"))
    } else {
        None
    }
}

/// Whole from 100 on, three decimals below ("1234", "0.123"): the printed validation table's.
pub(crate) fn whole_or_three_decimals(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// A share as a percentage without needless decimals: "10%", "2.5%" (at most two decimals).
pub(crate) fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{}%", (p * 100.0).round() / 100.0)
    }
}

/// A share as a percentage in full, without the sign: "10", "2.5", "1.23456".
pub(crate) fn percent_number(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}", p.round())
    } else {
        format!("{p}")
    }
}

/// A size in bytes for people: "1.20 MB", "72 kB".
pub(crate) fn bytes(n: usize) -> String {
    if n >= 1_000_000 {
        format!("{:.2} MB", n as f64 / 1e6)
    } else {
        format!("{:.0} kB", n as f64 / 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_takes_the_noun_that_agrees_with_it() {
        assert_eq!(counted(1, "replication", "replications"), "1 replication");
        assert_eq!(
            counted(10_u64, "replication", "replications"),
            "10 replications"
        );
        assert_eq!(counted("0", "reform", "reforms"), "0 reforms");
    }

    #[test]
    fn a_value_that_rounds_to_zero_is_printed_without_a_sign() {
        assert_eq!(unsigned_zero(format!("{:.0}", -0.3)), "0");
        assert_eq!(unsigned_zero(format!("{:+.0}", 0.2)), "0");
        assert_eq!(unsigned_zero(format!("{:.1}", -0.04)), "0.0");
        assert_eq!(unsigned_zero("-3".into()), "-3");
        assert_eq!(unsigned_zero("+0.5".into()), "+0.5");
        assert_eq!(fmt_measure(Kind::Count, -0.4), "0");
        assert_eq!(fmt_measure(Kind::Share, -0.0001), "0.0%");
    }
    use crate::sim::metrics::TimeUnit;

    /// Every finite number reads back bit for bit; what is not defined is an empty cell.
    #[test]
    fn numbers_are_written_exactly_and_undefined_ones_empty() {
        let tricky = [
            0.0,
            -0.0,
            0.1,
            0.1 + 0.2,
            1.0 / 3.0,
            2.0 / 3.0 * 1e6,
            123_456.789_012_345_67,
            12_345.0,
            -7.0,
            1e-300,
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE / 4.0, // subnormal
            f64::EPSILON,
            1e15 + 0.3,
            9_007_199_254_740_993.0,
            1e300,
            f64::MAX,
            f64::MIN,
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let random = (0..10_000).map(|_| {
            // xorshift64*: bit patterns over the whole range of f64
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            f64::from_bits(state.wrapping_mul(0x2545_f491_4f6c_dd1d))
        });
        for x in tricky.into_iter().chain(random) {
            let s = fmt_num(x);
            if x.is_finite() {
                let back: f64 = s.parse().unwrap_or_else(|e| panic!("{x:?} -> {s:?}: {e}"));
                assert_eq!(back.to_bits(), x.to_bits(), "{x:?} -> {s:?}");
                assert!(
                    s.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-'),
                    "{x:?} -> {s:?}: digits, point and sign only"
                );
            } else {
                assert_eq!(s, "", "{x:?}");
            }
        }
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(f64::NAN), "");
        assert_eq!(fmt_num(f64::INFINITY), "");
        assert_eq!(fmt_num(f64::NEG_INFINITY), "");
    }

    #[test]
    fn measures_by_kind() {
        assert_eq!(fmt_measure(Kind::Count, 1234.6), "1235");
        assert_eq!(fmt_measure(Kind::DayIndex, 17.0), "17");
        assert_eq!(fmt_measure(Kind::Time(TimeUnit::Years), 12.34), "12.3");
        assert_eq!(fmt_measure(Kind::Time(TimeUnit::Years), 123.4), "123");
        assert_eq!(fmt_measure(Kind::Share, 0.1234), "12.3%");
        assert_eq!(fmt_measure(Kind::Share, f64::NAN), "");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0, "-"), "0");
        assert_eq!(grouped(999, "-"), "999");
        assert_eq!(grouped(1000, "-"), "1,000");
        assert_eq!(grouped(-1_234_567, "-"), "-1,234,567");
        assert_eq!(grouped(i64::MIN, "-"), "-9,223,372,036,854,775,808");
        assert_eq!(thousands(12345.0), "12,345");
        assert_eq!(thousands(-1234.0), "\u{2212}1,234");
        assert_eq!(thousands(-0.4), "0");
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(readable(1_234_567.4), "1,234,567");
        assert_eq!(readable(-1234.0), "-1,234");
        assert_eq!(readable(12.0), "12");
        assert_eq!(readable(12.345), "12.3");
        assert_eq!(readable(0.12), "0.120");
        assert_eq!(readable(-0.5), "-0.500");
        assert_eq!(readable_short(0.12), "0.12");
        assert_eq!(readable_short(0.1004), "0.1");
        assert_eq!(readable_short(12_345.0), "12,345");
        assert_eq!(readable_short(2.25), "2.2");
        assert_eq!(readable_short(f64::NAN), "");
        assert_eq!(whole_or_three_decimals(1234.5), "1234");
        assert_eq!(whole_or_three_decimals(0.5), "0.500");
        assert_eq!(percent(0.1), "10%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(0.123_456), "12.35%");
        assert_eq!(percent_number(0.1), "10");
        assert_eq!(percent_number(0.0123), "1.23");
        assert_eq!(bytes(1_204_036), "1.20 MB");
        assert_eq!(bytes(72_192), "72 kB");
    }
}
