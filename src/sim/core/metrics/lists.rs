//! Named lists of metrics, used by default where a command or a page shows some of them: the
//! headline, what a sweep and an explore rank, the forest plots, the response chart and the
//! classroom explorer's.

/// The headline metrics, in order: what the printed tables show (the pipeline's part of `run`'s,
/// each reform of `compare`'s), what `compare --target-ci` watches, and the report's headline
/// rows. Unlocatable by ICE (the acting agency) and by every agency (pooled) lead, side by side;
/// the pipeline's counts follow.
pub const HEADLINE: [&str; 14] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_peak",
    "unlocatable_pooled_peak",
    "turned_18_unlocatable_by_ice",
    "turned_18_unlocatable_pooled",
    "transferred_to_orr",
    "released",
    "over_72h",
    "ntas_issued",
    "no_shows",
    "wellbeing_calls_not_reached",
    "located",
    "rescued",
];

/// What a sweep and an explore rank first unless their file lists others: the unlocatable
/// measures, then the children located and rescued.
const RANKED_FIRST: [&str; 8] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_child_years",
    "unlocatable_pooled_child_years",
    "turned_18_unlocatable_by_ice",
    "never_located_again_by_ice",
    "located",
    "rescued",
];

/// The metrics a sweep ranks unless its file lists others.
pub const SWEEP_DEFAULT: [&str; 13] = joined(
    RANKED_FIRST,
    [
        "ntas_issued",
        "no_shows",
        "wellbeing_calls_not_reached",
        "released",
        "care_days_mean",
    ],
);

/// The metrics of an explore's `outcomes.csv`, `regret.csv` and `robustness.csv` unless its file
/// lists others: the unlocatable measures first, then outcomes for children whose better
/// direction is plain (every one has a direction).
pub const EXPLORE_DEFAULT: [&str; 11] = joined(
    RANKED_FIRST,
    ["no_shows", "wellbeing_calls_not_reached", "care_days_mean"],
);

/// `a` followed by `b` (`N` is their lengths added).
const fn joined<const A: usize, const B: usize, const N: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; N] {
    assert!(
        A + B == N,
        "the joined list's length is the lists' lengths added"
    );
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}

/// The metrics that get a forest plot of a comparison, in order: unlocatable by ICE (the acting
/// agency) and by every agency (pooled) first.
pub const FOREST: [&str; 7] = [
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_child_years",
    "located",
    "rescued",
    "no_shows",
    "ntas_issued",
];

/// The metric a sweep's response chart shows.
pub const RESPONSE: &str = "unlocatable_by_ice_at_horizon";

/// The metrics the classroom explorer keeps per replication (the numbers a user can check against
/// `summary.csv` of `run` with the same seed and scale).
pub const EXPLORER_RUNS: [&str; 6] = [
    "arrived",
    "released",
    "unlocatable_by_ice_at_horizon",
    "unlocatable_pooled_at_horizon",
    "unlocatable_by_ice_peak",
    "located",
];
