//! The explorer's words: the reading of each setting, the numbers of the teacher's steps (every
//! number with its 95% interval), and steps made up when an explorer file has none. Numbers are
//! full-cohort estimates: the simulated counts divided by the share of the cohort simulated.

use super::{at_month, levels_of, metric, percent, LeverView, PageInput, StepSpec};
use crate::experiment::compare::paired;
use crate::output::format::thousands;
use crate::sim::RunSummary;
use crate::stats::{interval, Interval};

/// The placeholders a step's text and questions may hold, with what each is replaced by.
pub(crate) const PLACEHOLDERS: &[(&str, &str)] = &[
    ("setting", "the step's setting in words (\"today's policy\", or what it changes)"),
    ("horizon", "the last simulated day in words (\"the end of 2025\")"),
    ("arrived", "children who arrived, with the 95% interval"),
    ("released", "children released to sponsors"),
    ("ice_end", "children unlocatable by ICE on the last day"),
    ("pooled_end", "children unlocatable by every agency on the last day"),
    ("ice_today", "children unlocatable by ICE on the last day under today's policy"),
    ("pooled_today", "the same, by every agency, under today's policy"),
    ("ice_change", "the change from today's policy in children unlocatable by ICE (\"about 1,200 (900–1,500) fewer\")"),
    ("pooled_change", "the same, by every agency"),
    ("ice_peak", "the most children unlocatable by ICE on one day"),
    ("ice_accurate", "ICE's share of released children whose record holds the true address, on the last day"),
    ("orr_accurate", "the same for ORR"),
    ("court_accurate", "the same for the immigration court"),
    ("ice_top_cause", "the most frequent way ICE loses track of a child, and how often"),
    ("ice_top_route", "the most frequent way ICE finds a child again, and how often"),
    ("scale", "the share of the cohort simulated (\"10%\")"),
    ("replications", "the number of replications per setting"),
];

/// The `{names}` in a text (letters, digits and `_` between braces).
pub(crate) fn placeholders_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find('}') {
            let name = &rest[..j];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(name.to_string());
                rest = &rest[j + 1..];
            }
        }
    }
    out
}

/// `x` rounded to three significant figures (at least to whole numbers): model estimates are not
/// more precise than that.
fn step_for(x: f64) -> f64 {
    let a = x.abs();
    if a < 1000.0 || !a.is_finite() {
        return 1.0;
    }
    10f64.powi(a.log10().floor() as i32 - 2)
}

fn rounded(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

/// "12,300 (11,900–12,700)": a count (never below zero) with its interval, all rounded alike.
fn count(mean: f64, low: f64, high: f64) -> String {
    let (low, high) = (low.max(0.0), high.max(0.0));
    let step = step_for(mean.abs().max(high.abs()));
    format!(
        "{} ({}\u{2013}{})",
        thousands(rounded(mean, step)),
        thousands(rounded(low, step)),
        thousands(rounded(high, step))
    )
}

/// A count of the simulated cohort, as a full-cohort estimate with its interval.
fn people(i: &Interval, scale: f64) -> String {
    if i.n < 2 || !i.low.is_finite() {
        return thousands(i.mean / scale);
    }
    count(i.mean / scale, i.low / scale, i.high / scale)
}

/// "62% (60–64%)": a share with its interval (one decimal when the interval is narrow).
fn share(i: &Interval) -> String {
    let width = (i.high - i.low) * 100.0;
    let d = if width.is_finite() && width < 2.0 {
        1
    } else {
        0
    };
    let p = |x: f64| format!("{:.*}", d, (x * 100.0).clamp(0.0, 100.0));
    if i.n < 2 || !i.low.is_finite() {
        return format!("{}%", p(i.mean));
    }
    format!("{}% ({}\u{2013}{}%)", p(i.mean), p(i.low), p(i.high))
}

/// How a paired difference of children (this setting minus today, simulated counts) reads:
/// "about 1,200 (900–1,500) fewer", "about 300 (100–500) more", "no clear change (between 300
/// fewer and 200 more)" or "no change at all".
fn change(d: &Interval, scale: f64) -> Change {
    let (m, lo, hi) = (d.mean / scale, d.low / scale, d.high / scale);
    if d.sd == 0.0 && d.mean == 0.0 {
        return Change::None;
    }
    let step = step_for(m.abs().max(lo.abs()).max(hi.abs()));
    let r = |x: f64| thousands(rounded(x, step));
    if lo > 0.0 {
        Change::More(format!("about {} ({}\u{2013}{}) more", r(m), r(lo), r(hi)))
    } else if hi < 0.0 {
        Change::Fewer(format!(
            "about {} ({}\u{2013}{}) fewer",
            r(-m),
            r(-hi),
            r(-lo)
        ))
    } else {
        Change::Unclear(format!(
            "no clear change (somewhere between {} fewer and {} more)",
            r(-lo),
            r(hi)
        ))
    }
}

enum Change {
    None,
    Fewer(String),
    More(String),
    Unclear(String),
}

impl Change {
    fn phrase(&self) -> String {
        match self {
            Change::None => "no change at all".into(),
            Change::Fewer(s) | Change::More(s) | Change::Unclear(s) => s.clone(),
        }
    }
}

/// The setting of cell `c` in words: "today's policy", or what it changes (the levels' shorts).
pub(crate) fn setting(input: &PageInput, c: usize) -> String {
    let levels = levels_of(input, c);
    let changed: Vec<&str> = input
        .levers
        .iter()
        .zip(&levels)
        .filter(|(l, &j)| j != l.today)
        .map(|(l, &j)| l.levels[j].short.as_str())
        .collect();
    match changed.as_slice() {
        [] => "today's policy".into(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn summaries(input: &PageInput, c: usize) -> Vec<RunSummary> {
    input.cells[c].iter().map(|r| r.summary.clone()).collect()
}

fn diff(input: &PageInput, c: usize, name: &str) -> Interval {
    if input.posterior.is_some() {
        return within_draws(input, &paired_differences(input, c, name));
    }
    paired(&summaries(input, input.reference), &summaries(input, c))
        .into_iter()
        .find(|d| d.metric == name)
        .map(|d| d.difference)
        .unwrap_or(interval(&[0.0, 0.0]))
}

/// Setting `c`'s value of `name` less today's, run by run (the same streams).
fn paired_differences(input: &PageInput, c: usize, name: &str) -> Vec<f64> {
    metric(&input.cells[c], name)
        .iter()
        .zip(metric(&input.cells[input.reference], name))
        .map(|(a, b)| a - b)
        .collect()
}

/// The interval of `values` (one per run): over a posterior, the random draws' only (within
/// draws), which is what the page's brackets show; the assumptions' range is said apart.
fn within_draws(input: &PageInput, values: &[f64]) -> Interval {
    let all = interval(values);
    match &input.posterior {
        None => all,
        Some(p) => {
            let s = super::over_draws(values, p);
            Interval {
                mean: s.mean,
                low: s.draws_only.0,
                high: s.draws_only.1,
                ..all
            }
        }
    }
}

fn end(input: &PageInput, c: usize, name: &str) -> Interval {
    within_draws(input, &metric(&input.cells[c], name))
}

/// The share of followed children whose record at agency `k` (0 CBP, 1 ORR, 2 ICE, 3 court)
/// holds the true address, on the last month's end.
fn accurate(input: &PageInput, c: usize, k: usize) -> Interval {
    let last = input.months.len().saturating_sub(1);
    within_draws(input, &at_month(&input.cells[c], 2 + k, last))
}

/// Over a posterior, the sentence on the assumptions: where the change in children unlocatable
/// by ICE lies over the draws (the 2.5% and 97.5% quantiles of the draws' mean changes).
fn assumptions_sentence(input: &PageInput, c: usize) -> Option<String> {
    let p = input.posterior.as_ref()?;
    let s = super::over_draws(
        &paired_differences(input, c, "unlocatable_by_ice_at_horizon"),
        p,
    );
    let (lo, hi) = (
        s.with_assumptions.0 / input.scale,
        s.with_assumptions.1 / input.scale,
    );
    let step = step_for(lo.abs().max(hi.abs()));
    let words = |x: f64| {
        let x = rounded(x, step);
        if x < 0.0 {
            format!("{} fewer", thousands(-x))
        } else {
            format!("{} more", thousands(x))
        }
    };
    Some(format!(
        "But nobody knows the model's assumptions exactly: over {} sets of assumptions that fit the published record, this change ranges from {} to {} children unlocatable by ICE (the light shading in the chart).",
        p.draws,
        words(lo),
        words(hi)
    ))
}

/// The largest flow of a group for ICE in cell `c` ("became_unlocatable" or "found_again"), as
/// "“label” (about N (lo–hi) times)".
fn top_flow(input: &PageInput, c: usize, stem: &str) -> String {
    use crate::sim::{Cause, Route};
    let ways: Vec<(String, String)> = if stem == "became_unlocatable" {
        Cause::ALL
            .iter()
            .map(|x| (x.label().to_string(), format!("ice_{stem}_{}", x.name())))
            .collect()
    } else {
        Route::ALL
            .iter()
            .map(|x| (x.label().to_string(), format!("ice_{stem}_{}", x.name())))
            .collect()
    };
    let best = ways
        .iter()
        .map(|(label, m)| (label, end(input, c, m)))
        .max_by(|a, b| a.1.mean.total_cmp(&b.1.mean));
    match best {
        Some((label, i)) if i.mean > 0.0 => format!(
            "\u{201c}{label}\u{201d} (about {} times)",
            people(&i, input.scale)
        ),
        _ => "none".into(),
    }
}

/// Fill the placeholders of a step's text with the numbers of cell `c`.
pub(crate) fn fill(text: &str, input: &PageInput, c: usize, horizon: &str) -> String {
    substitute(text, |name| placeholder(name, input, c, horizon))
}

/// What placeholder `name` reads in cell `c` ([`PLACEHOLDERS`]); `None` for an unknown name.
fn placeholder(name: &str, input: &PageInput, c: usize, horizon: &str) -> Option<String> {
    let s = input.scale;
    let r = input.reference;
    Some(match name {
        "setting" => setting(input, c),
        "horizon" => horizon.to_string(),
        "arrived" => people(&end(input, c, "arrived"), s),
        "released" => people(&end(input, c, "released"), s),
        "ice_end" => people(&end(input, c, "unlocatable_by_ice_at_horizon"), s),
        "pooled_end" => people(&end(input, c, "unlocatable_pooled_at_horizon"), s),
        "ice_today" => people(&end(input, r, "unlocatable_by_ice_at_horizon"), s),
        "pooled_today" => people(&end(input, r, "unlocatable_pooled_at_horizon"), s),
        "ice_change" => change(&diff(input, c, "unlocatable_by_ice_at_horizon"), s).phrase(),
        "pooled_change" => change(&diff(input, c, "unlocatable_pooled_at_horizon"), s).phrase(),
        "ice_peak" => people(&end(input, c, "unlocatable_by_ice_peak"), s),
        "ice_accurate" => share(&accurate(input, c, 2)),
        "orr_accurate" => share(&accurate(input, c, 1)),
        "court_accurate" => share(&accurate(input, c, 3)),
        "ice_top_cause" => top_flow(input, c, "became_unlocatable"),
        "ice_top_route" => top_flow(input, c, "found_again"),
        "scale" => percent(s),
        "replications" => input.replications.to_string(),
        _ => return None,
    })
}

/// `text` with every `{name}` that `value` knows replaced by its value; other braces are kept.
fn substitute(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after
            .find('}')
            .and_then(|j| value(&after[..j]).map(|v| (j, v)))
        {
            Some((j, v)) => {
                out.push_str(&rest[..i]);
                out.push_str(&v);
                rest = &after[j + 1..];
            }
            None => {
                // Not a placeholder: the text up to and with the brace, as it is.
                out.push_str(&rest[..=i]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The plain-language reading of cell `c`, from its numbers: what it changes for children
/// unlocatable by ICE and by every agency on the last day (paired with today's policy: the same
/// synthetic children), and what ICE's records hold.
pub(crate) fn reading(input: &PageInput, c: usize, horizon: &str) -> String {
    let s = input.scale;
    let r = input.reference;
    let ice_end = end(input, c, "unlocatable_by_ice_at_horizon");
    let pooled_end = end(input, c, "unlocatable_pooled_at_horizon");
    let ice_acc = accurate(input, c, 2);
    if c == r {
        return format!(
            "Today's policy: about {} of the {} children released to sponsors are unlocatable by ICE at {horizon}, and about {} are unlocatable by every agency together. ICE's records hold the true address of {} of the released children still under 18. Move a lever to see what changes.",
            people(&ice_end, s),
            people(&end(input, c, "released"), s),
            people(&pooled_end, s),
            share(&ice_acc)
        );
    }
    let what = setting(input, c);
    let ice = change(&diff(input, c, "unlocatable_by_ice_at_horizon"), s);
    let pooled = change(&diff(input, c, "unlocatable_pooled_at_horizon"), s);
    let ice_ref = end(input, r, "unlocatable_by_ice_at_horizon");
    let numbers = format!(
        "about {} instead of {}",
        people(&ice_end, s),
        people(&ice_ref, s)
    );
    let first = match &ice {
        Change::Fewer(p) | Change::More(p) => format!(
            "With {what}, {p} children are unlocatable by ICE at {horizon} than under today's policy: {numbers}."
        ),
        Change::Unclear(p) => format!(
            "With {what}, the children unlocatable by ICE at {horizon} show {p} from today's policy: {numbers}."
        ),
        Change::None => format!(
            "With {what}, exactly as many children are unlocatable by ICE at {horizon} as under today's policy: about {}.",
            people(&ice_end, s)
        ),
    };
    let second = format!("Unlocatable by every agency together: {}.", pooled.phrase());
    let third = format!(
        "ICE's records hold the true address of {} of the released children still under 18, against {} today.",
        share(&ice_acc),
        share(&accurate(input, r, 2))
    );
    match assumptions_sentence(input, c) {
        Some(fourth) => format!("{first} {second} {third} {fourth}"),
        None => format!("{first} {second} {third}"),
    }
}

/// What the page's numbers are: full-cohort estimates from a share of the cohort.
pub(crate) fn cohort_note(input: &PageInput) -> String {
    if let Some(p) = &input.posterior {
        return format!(
            "Every setting ran at {} sets of the model's assumptions drawn from a calibration to the published record ({}), {} replications each, at {} of the cohort (numbers of children scaled up to the whole cohort). The brackets and the dark bands show the random draws' 95% interval; the light shading shows what the assumptions allow (95% of the draws' means), usually far wider.",
            p.draws,
            p.ensemble,
            input.replications,
            percent(input.scale)
        );
    }
    if input.scale == 1.0 {
        format!(
            "Numbers are model estimates for the whole cohort, each the mean of {} replications with its 95% interval in brackets.",
            input.replications
        )
    } else {
        format!(
            "The model simulated {} of the cohort (arrivals and every capacity scaled alike); the numbers of children shown are scaled up to the whole cohort (multiplied by {}), each the mean of {} replications with its 95% interval in brackets. Scaling up widens the intervals: a run of the whole cohort would give narrower ones.",
            percent(input.scale),
            (1.0 / input.scale * 100.0).round() / 100.0,
            input.replications
        )
    }
}

/// Steps for an explorer file that has none: where children go, why ICE loses track, one step
/// per lever (up to three) at its level furthest from today's, and a closing question.
pub(crate) fn generated_steps(levers: &[LeverView], today: &[usize]) -> Vec<StepSpec> {
    let mut steps = vec![
        StepSpec {
            title: "Where do children go after release?".into(),
            text: "Every child in this page is synthetic: the computer invents them. Under today's policy, about {arrived} children arrive and {released} are released to a sponsor. At {horizon}, about {ice_end} of them are unlocatable by ICE, and {pooled_end} by every agency together.".into(),
            questions: vec![
                "What does \u{201c}unlocatable\u{201d} mean in your own words?".into(),
                "Why can a child be unlocatable by ICE but not by every agency?".into(),
            ],
            levels: today.to_vec(),
        },
        StepSpec {
            title: "Why does ICE lose track?".into(),
            text: "Look at the chart of why children are lost. ICE most often loses track through {ice_top_cause}, and most often finds a child again through {ice_top_route}. ICE's records hold the true address of {ice_accurate} of released children under 18 at {horizon}.".into(),
            questions: vec!["Which agency knows the most about where children live? Why?".into()],
            levels: today.to_vec(),
        },
    ];
    for (i, l) in levers.iter().enumerate().take(3) {
        let far = if l.today + 1 >= l.levels.len() {
            0
        } else {
            l.levels.len() - 1
        };
        let mut levels = today.to_vec();
        levels[i] = far;
        steps.push(StepSpec {
            title: format!("Try: {}", l.levels[far].short),
            text: format!(
                "Move \u{201c}{}\u{201d} to \u{201c}{}\u{201d}. Children unlocatable by ICE at {{horizon}}, compared with today's policy: {{ice_change}}. Unlocatable by every agency together: {{pooled_change}}.",
                l.name, l.levels[far].label
            ),
            questions: vec!["Did the change surprise you? What could explain it?".into()],
            levels,
        });
    }
    steps.push(StepSpec {
        title: "What would you recommend?".into(),
        text: "Try any combination of levers. Every number comes with a range: the true model value is very likely inside it.".into(),
        questions: vec![
            "Which change would you recommend, and what might it cost the children and families?".into(),
        ],
        levels: today.to_vec(),
    });
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(mean: f64, low: f64, high: f64, sd: f64) -> Interval {
        Interval {
            n: 3,
            mean,
            sd,
            low,
            high,
        }
    }

    #[test]
    fn numbers_are_rounded_to_three_figures_with_their_interval() {
        assert_eq!(thousands(12345.0), "12,345");
        assert_eq!(thousands(-1234.0), "\u{2212}1,234");
        assert_eq!(
            count(12_345.0, 11_890.0, 12_730.0),
            "12,300 (11,900\u{2013}12,700)"
        );
        assert_eq!(count(467.4, -3.0, 900.2), "467 (0\u{2013}900)");
        assert_eq!(
            people(&iv(1234.5, 1190.0, 1270.0, 1.0), 0.1),
            "12,300 (11,900\u{2013}12,700)"
        );
        assert_eq!(share(&iv(0.6234, 0.60, 0.64, 0.01)), "62% (60\u{2013}64%)");
        assert_eq!(
            share(&iv(0.6234, 0.62, 0.625, 0.01)),
            "62.3% (62.0\u{2013}62.5%)"
        );
    }

    #[test]
    fn changes_read_as_fewer_more_or_unclear() {
        let p = |d: Interval| change(&d, 0.1).phrase();
        assert_eq!(
            p(iv(-1230.0, -1270.0, -1190.0, 5.0)),
            "about 12,300 (11,900\u{2013}12,700) fewer"
        );
        assert_eq!(
            p(iv(30.0, 10.0, 50.0, 5.0)),
            "about 300 (100\u{2013}500) more"
        );
        assert_eq!(
            p(iv(5.0, -30.0, 40.0, 5.0)),
            "no clear change (somewhere between 300 fewer and 400 more)"
        );
        assert_eq!(p(iv(0.0, 0.0, 0.0, 0.0)), "no change at all");
    }

    #[test]
    fn the_teachers_guide_lists_every_placeholder() {
        let guide = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/classroom.md"),
        )
        .expect("docs/classroom.md");
        for (name, _) in PLACEHOLDERS {
            assert!(
                guide.contains(&format!("| `{{{name}}}` |")),
                "docs/classroom.md does not list {{{name}}}"
            );
        }
    }

    #[test]
    fn only_known_placeholders_are_replaced() {
        let value = |name: &str| (name == "x").then(|| "1".to_string());
        assert_eq!(substitute("a {x} {y} {x}{ z {", value), "a 1 {y} 1{ z {");
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(
            placeholders_in("a {ice_end} b {x-y} {} {pooled_change}."),
            ["ice_end", "pooled_change"]
        );
        for (name, _) in PLACEHOLDERS {
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }
}
