//! Charts drawn from real CSV outputs: every chart of a run, a comparison, sweeps, several
//! scenarios and one child's journey, as PNG and SVG; and the errors for missing or old outputs.

use std::path::{Path, PathBuf};

use custody_sim::output::charts::{
    charts_for_comparison, charts_for_run, charts_for_sweep, journey_chart, register_fonts,
    unlocatable_by_scenario, Chart,
};

use crate::common::*;

/// Run the CLI with `args` in `dir` and require success.
fn run_cli(dir: &Path, args: &[&str]) {
    cmd(dir).args(args).arg("-q").assert().success();
}

/// All text of an SVG file (it must parse as XML).
fn svg_text(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not valid XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The chart's files exist, the PNG decodes at 1200x700 and is not trivial, and the SVG holds
/// the title and every expected label.
fn check(chart: &Chart, id: &str, labels: &[&str]) {
    assert_eq!(chart.id, id);
    assert_eq!(chart.svg.file_name().unwrap(), format!("{id}.svg").as_str());
    assert_eq!(chart.png.file_name().unwrap(), format!("{id}.png").as_str());
    let size = std::fs::metadata(&chart.png).unwrap().len();
    assert!(size > 10_000, "{}: only {size} bytes", chart.png.display());
    let decoder = png::Decoder::new(std::fs::File::open(&chart.png).unwrap());
    let reader = decoder.read_info().expect("PNG decodes");
    assert_eq!((reader.info().width, reader.info().height), (1200, 700));
    let text = svg_text(&chart.svg);
    assert!(
        text.contains(&chart.title),
        "{}: no title {:?}",
        chart.svg.display(),
        chart.title
    );
    for l in labels {
        assert!(text.contains(l), "{}: no label {l:?}", chart.svg.display());
    }
    // Two sentences (what it shows, how to read it), then any warning or note on what is drawn.
    assert!(
        chart.caption.matches(". ").count() + 1 >= 2,
        "caption of {id} is at least two sentences: {}",
        chart.caption
    );
    // No temporary file is left behind.
    let dir = chart.svg.parent().unwrap();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp-"), "left behind: {name}");
    }
}

fn err_text(r: anyhow::Result<impl std::fmt::Debug>) -> String {
    format!("{:#}", r.expect_err("must fail"))
}

#[test]
fn run_scenario_and_journey_charts_are_drawn_from_the_csv_outputs() {
    register_fonts().unwrap();
    register_fonts().unwrap(); // idempotent
    let dir = tempfile::tempdir().unwrap();
    let base = extend_baseline(dir.path(), "base.toml", SMALL);
    let reform = extend_baseline(
        dir.path(),
        "reform.toml",
        &format!("{SMALL}\n[life]\nmove_rate_per_year = 0.6\n"),
    );
    run_cli(
        dir.path(),
        &["run", base.to_str().unwrap(), "-r", "2", "-o", "run"],
    );
    run_cli(
        dir.path(),
        &["run", reform.to_str().unwrap(), "-r", "2", "-o", "run2"],
    );
    let out = dir.path().join("charts");
    let charts = charts_for_run(&dir.path().join("run"), &out).unwrap();
    let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "run-states",
            "run-unlocatable",
            "run-flows",
            "run-rescues",
            "run-friction",
            "run-record-loss"
        ]
    );
    check(
        &charts[0],
        "run-states",
        &["In ORR care", "Released, unlocatable by ICE", "Children"],
    );
    // No band that is too thin to see is promised or drawn on the stacked chart.
    assert!(!svg_text(&charts[0].svg).contains("95% interval, unlocatable"));
    assert!(charts[0].caption.contains("drawn in the next chart"));
    check(
        &charts[1],
        "run-unlocatable",
        &[
            "Unlocatable by ICE (mean)",
            "Unlocatable by every agency, pooled (mean)",
            "Unlocatable children",
        ],
    );
    check_flows(&charts[2], &dir.path().join("run/timeseries.csv"));
    check(
        &charts[3],
        "run-rescues",
        &[
            "Children rescued from exploitation, by route",
            "Welfare checks",
            "HSI investigations of leads",
            "Missing-child record matches",
            "Leads received and gone cold",
            "Gone cold",
            "95% intervals of the mean",
        ],
    );
    assert!(charts[3].caption.contains("Every child is synthetic"));
    check(
        &charts[4],
        "run-friction",
        &[
            "CBP",
            "ORR",
            "ICE",
            "Immigration court",
            "truth: where children",
            "100%",
        ],
    );
    // The friction axis ends at 100%, where the data ends, and every tick is labelled.
    let friction = svg_text(&charts[4].svg);
    for beyond in ["110%", "120%", "140%"] {
        assert!(!friction.contains(beyond), "friction axis runs to {beyond}");
    }
    check(
        &charts[5],
        "run-record-loss",
        &[
            "Children released to sponsors",
            "never reached ICE",
            "old address (events)",
            "95% interval",
            "% of released children)",
            "per 100 released children)",
        ],
    );
    // Events (moves) are never given as a share of children.
    let loss = svg_text(&charts[5].svg);
    assert!(
        !loss.contains("% of released)"),
        "events counted as children"
    );
    // Redrawing replaces the files.
    charts_for_run(&dir.path().join("run"), &out).unwrap();

    let c = unlocatable_by_scenario(
        &[
            ("base".to_string(), dir.path().join("run")),
            ("more moves".to_string(), dir.path().join("run2")),
        ],
        &out,
    )
    .unwrap();
    check(
        &c,
        "scenarios-unlocatable",
        &["base (mean, 95% band)", "more moves"],
    );

    run_cli(dir.path(), &["journey", base.to_str().unwrap(), "-o", "j"]);
    let c = journey_chart(&dir.path().join("j/journey.csv"), &out).unwrap();
    check(
        &c,
        "journey",
        &[
            "synthetic",
            "ICE record",
            "Court record",
            "True state",
            "holds a wrong or stale address",
        ],
    );
    // The journey runs to the end of the simulation and labels every change of state or of
    // locatability (including the moment the contact window expired).
    let j = svg_text(&c.svg);
    assert!(
        j.contains("end of simulation 2025-12-31"),
        "journey stops early"
    );
    let (h, rows) = read_csv(&dir.path().join("j/journey.csv"));
    let (ev, st, loc) = (
        h.iter().position(|x| x == "event").unwrap(),
        h.iter().position(|x| x == "state").unwrap(),
        h.iter().position(|x| x == "locatable_by_ice").unwrap(),
    );
    for k in 0..rows.len() {
        let changes = k == 0 || rows[k][st] != rows[k - 1][st] || rows[k][loc] != rows[k - 1][loc];
        let label: String = rows[k][ev].replace('_', " ").chars().take(25).collect();
        if changes {
            assert!(
                j.contains(&label),
                "journey chart drops the label {label:?}"
            );
        }
    }
}

/// A number as the charts write it after a bar: whole with thousands separators from 100 up (or
/// when whole), one decimal from 1, else up to three decimals.
fn as_written(x: f64) -> String {
    if x.abs() >= 100.0 || x.fract() == 0.0 {
        let digits = (x.round() as i64).unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else if x.abs() >= 1.0 {
        format!("{x:.1}")
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The flows chart: both panels, every group, bars drawn from the last day of each replication,
/// the ways no replication took left out and named in the caption, and a caption in plain words.
fn check_flows(chart: &Chart, timeseries: &Path) {
    check(
        chart,
        "run-flows",
        &[
            "ICE (the acting agency)",
            "Every agency (pooled)",
            "Became unlocatable because",
            "release record not (yet) shared",
            "move reported to nobody",
            "Found again through",
            "release record shared",
            "Stopped being followed while unlocatable",
            "turned 18",
            "still unlocatable",
            "95% intervals of the mean",
            "bars count transitions, not children",
        ],
    );
    // The value written after each bar is the mean of the replications' last day.
    let (h, rows) = read_csv(timeseries);
    let reps: Vec<&Vec<String>> = rows
        .iter()
        .enumerate()
        .filter(|(k, r)| rows.get(k + 1).is_none_or(|n| n[0] != r[0]))
        .map(|(_, r)| r)
        .collect();
    assert_eq!(reps.len(), 2);
    let mean = |column: &str| -> f64 {
        let c = col(&h, column);
        reps.iter()
            .map(|r| r[c].parse::<f64>().unwrap())
            .sum::<f64>()
            / reps.len() as f64
    };
    let lines: Vec<String> = svg_text(&chart.svg).lines().map(String::from).collect();
    for column in [
        "ice_became_unlocatable_not_shared_cum",
        "ice_found_again_sharing_cum",
        "ice_left_while_unlocatable_turned_18_cum",
        "pooled_left_while_unlocatable_turned_18_cum",
        "unlocatable_by_ice",
        "unlocatable_pooled",
    ] {
        let m = mean(column);
        assert!(m > 0.0, "{column}: nothing to draw");
        assert!(
            lines.contains(&as_written(m)),
            "{}: no bar of {column} (mean {m})",
            chart.svg.display()
        );
    }
    // Stock and flows reconcile, as the caption says: lost - found - stopped = still unlocatable.
    for lens in ["ice", "pooled"] {
        let sum = |what: &str| -> f64 {
            h.iter()
                .filter(|c| c.starts_with(&format!("{lens}_{what}_")) && c.ends_with("_cum"))
                .map(|c| mean(c))
                .sum()
        };
        let stock = mean(if lens == "ice" {
            "unlocatable_by_ice"
        } else {
            "unlocatable_pooled"
        });
        let balance =
            sum("became_unlocatable") - sum("found_again") - sum("left_while_unlocatable");
        assert!(
            (balance - stock).abs() < 1e-9,
            "{lens}: {balance} != {stock}"
        );
    }
    // A way that no replication took ("other") is not drawn, and the caption says so.
    assert!(mean("ice_became_unlocatable_other_cum") == 0.0);
    assert!(!lines.iter().any(|l| l == "other"), "a bar of zeros drawn");
    for words in [
        "counts transitions, not children",
        "lost and found again more than once",
        "unlocatable by ICE until ORR's release record reaches it",
        "\u{201c}release record not (yet) shared\u{201d}",
        "Left out because they are zero in every replication",
    ] {
        assert!(
            chart.caption.contains(words),
            "caption lacks {words:?}: {}",
            chart.caption
        );
    }
    // The caption names the ways left out, group by group: "other" among the causes.
    let left_out = chart.caption.split("for both panels: ").nth(1).unwrap();
    let causes = left_out
        .split("; ")
        .find_map(|g| g.strip_prefix("became unlocatable because: "))
        .unwrap_or_else(|| panic!("no causes left out: {left_out}"));
    assert!(
        causes
            .trim_end_matches('.')
            .split(", ")
            .any(|c| c == "other"),
        "{causes}"
    );
}

#[test]
fn comparison_and_sweep_charts_are_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let base = extend_baseline(dir.path(), "base.toml", SMALL);
    let reform = extend_baseline(
        dir.path(),
        "reform.toml",
        &format!("{SMALL}\n[data_sharing]\nintegrated_record = true\n"),
    );
    let reform2 = extend_baseline(
        dir.path(),
        "moves.toml",
        &format!("{SMALL}\n[life]\nmove_rate_per_year = 0.6\n"),
    );
    run_cli(
        dir.path(),
        &[
            "compare",
            base.to_str().unwrap(),
            reform.to_str().unwrap(),
            reform2.to_str().unwrap(),
            "-r",
            "2",
            "-o",
            "cmp",
        ],
    );
    let out = dir.path().join("charts");
    let charts = charts_for_comparison(&dir.path().join("cmp"), &out).unwrap();
    let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "compare-forest-unlocatable_by_ice_at_horizon",
            "compare-forest-unlocatable_pooled_at_horizon",
            "compare-forest-unlocatable_by_ice_child_years",
            "compare-forest-located",
            "compare-forest-rescued",
            "compare-forest-no_shows",
            "compare-forest-ntas_issued",
        ]
    );
    for c in &charts {
        check(
            c,
            &c.id.clone(),
            &["reform", "moves", "zero: no difference", "95% interval"],
        );
    }

    // A tiny base (about 600 children) for the sweeps.
    extend_baseline(
        dir.path(),
        "tiny.toml",
        "[meta]\nname = \"tiny\"\ndescription = \"test\"\n\n[orr.in_care_at_start]\nchildren = 100\n\n[orr.released_before_start]\nchildren = 20\nwindow_days = 30\n\n[[arrivals.fiscal_years]]\nfiscal_year = 2019\nchildren = 600\nsource = \"test\"\n",
    );
    let params = "[[parameters]]\npath = \"life.move_rate_per_year\"\nmin = 0.2\nmax = 0.6\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nmin = 0.5\nmax = 1.0\n";
    let sweeps: [(&str, String); 4] = [
        (
            "sobol",
            format!("replications = 1\n[design]\nkind = \"sobol\"\nsamples = 4\nbootstrap = 50\n\n{params}"),
        ),
        (
            "morris",
            format!("replications = 1\n[design]\nkind = \"morris\"\ntrajectories = 3\nlevels = 4\n\n{params}"),
        ),
        (
            "grid1",
            "replications = 2\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nvalues = [0.2, 0.4, 0.6]\n".to_string(),
        ),
        (
            "grid2",
            "replications = 1\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"life.move_rate_per_year\"\nvalues = [0.2, 0.6]\n\n[[parameters]]\npath = \"data_sharing.orr_to_ice_probability\"\nvalues = [0.5, 1.0]\n".to_string(),
        ),
    ];
    for (name, body) in &sweeps {
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, format!("base = \"tiny.toml\"\nseed = 7\n{body}")).unwrap();
        run_cli(dir.path(), &["sweep", file.to_str().unwrap(), "-o", name]);
    }
    let m = charts_for_sweep(&dir.path().join("morris"), &out.join("morris")).unwrap();
    assert_eq!(m.len(), 2);
    // Settings are labelled with their human names (one table), not their dotted paths.
    check(
        &m[0],
        "sweep-response",
        &["Household moves per year", "morris design"],
    );
    check(
        &m[1],
        "sweep-sensitivity",
        &[
            "Household moves per year",
            "Share of release addresses ORR sends to ICE",
            "mu* (mean absolute effect)",
            "95% interval",
        ],
    );
    for c in &m {
        assert!(
            !svg_text(&c.svg).contains("life.move_rate_per_year"),
            "{}: a raw dotted path as a label",
            c.id
        );
    }
    // Sobol with 4 samples has not converged: the chart and its caption say so.
    let s = charts_for_sweep(&dir.path().join("sobol"), &out.join("sobol")).unwrap();
    let sens = s.iter().find(|c| c.id == "sweep-sensitivity").unwrap();
    let text = svg_text(&sens.svg);
    assert!(
        text.contains("WARNING: not converged") && sens.caption.contains("not converged"),
        "no warning on a Sobol estimate from 4 samples: {}",
        sens.caption
    );
    let g = charts_for_sweep(&dir.path().join("grid1"), &out.join("grid1")).unwrap();
    assert_eq!(g.len(), 1);
    check(
        &g[0],
        "sweep-response",
        &[
            "Household moves per year",
            "mean across replications",
            "95% interval",
        ],
    );
    let g = charts_for_sweep(&dir.path().join("grid2"), &out.join("grid2")).unwrap();
    check(
        &g[0],
        "sweep-response",
        &[
            "over a grid of two levers",
            "Share of release addresses ORR sends to ICE",
        ],
    );
}

/// Copy `from/name` to `to/name`, keeping only the columns for which `keep` is true, and the
/// first `rows` data rows.
fn copy_csv(
    from: &Path,
    to: &Path,
    name: &str,
    keep: impl Fn(&str) -> bool,
    rows: usize,
) -> PathBuf {
    std::fs::create_dir_all(to).unwrap();
    let (h, r) = read_csv(&from.join(name));
    let cols: Vec<usize> = (0..h.len()).filter(|&i| keep(&h[i])).collect();
    let mut w = csv::Writer::from_path(to.join(name)).unwrap();
    w.write_record(cols.iter().map(|&i| &h[i])).unwrap();
    for row in r.iter().take(rows) {
        w.write_record(cols.iter().map(|&i| &row[i])).unwrap();
    }
    w.flush().unwrap();
    to.join(name)
}

#[test]
fn missing_or_old_outputs_say_what_is_missing_and_how_to_make_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("charts");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();

    let e = err_text(charts_for_run(&empty, &out));
    assert!(e.contains("timeseries.csv not found"), "{e}");
    assert!(e.contains("custody-sim run SCENARIO --out DIR"), "{e}");
    let e = err_text(charts_for_run(&dir.path().join("nowhere"), &out));
    assert!(e.contains("nowhere not found"), "{e}");
    let e = err_text(charts_for_comparison(&empty, &out));
    assert!(
        e.contains("comparison.csv not found") && e.contains("custody-sim compare"),
        "{e}"
    );
    let e = err_text(charts_for_sweep(&empty, &out));
    assert!(
        e.contains("points.csv not found") && e.contains("custody-sim sweep"),
        "{e}"
    );
    let e = err_text(journey_chart(&empty.join("journey.csv"), &out));
    assert!(
        e.contains("journey.csv not found") && e.contains("custody-sim journey"),
        "{e}"
    );
    let e = err_text(unlocatable_by_scenario(&[], &out));
    assert!(e.contains("no scenario run folders"), "{e}");

    let base = extend_baseline(dir.path(), "base.toml", SMALL);
    run_cli(
        dir.path(),
        &["run", base.to_str().unwrap(), "-r", "1", "-o", "run"],
    );
    let run = dir.path().join("run");

    // An older format: a column is missing.
    let old = dir.path().join("old");
    copy_csv(
        &run,
        &old,
        "timeseries.csv",
        |c| c != "unlocatable_by_ice",
        usize::MAX,
    );
    let e = err_text(charts_for_run(&old, &out));
    assert!(e.contains("lacks column `unlocatable_by_ice`"), "{e}");
    assert!(
        e.contains("older version") && e.contains("re-run the scenario"),
        "{e}"
    );
    let e = err_text(unlocatable_by_scenario(
        &[("old".into(), old.clone())],
        &out,
    ));
    assert!(e.contains("lacks column `unlocatable_by_ice`"), "{e}");
    // One of the flows' running totals.
    let old_flows = dir.path().join("old-flows");
    copy_csv(
        &run,
        &old_flows,
        "timeseries.csv",
        |c| c != "pooled_found_again_call_cum",
        usize::MAX,
    );
    let e = err_text(charts_for_run(&old_flows, &out));
    assert!(
        e.contains("lacks column `pooled_found_again_call_cum`"),
        "{e}"
    );
    assert!(e.contains("re-run the scenario"), "{e}");

    // A cut file: the last line is shorter than the header.
    let cut = dir.path().join("cut");
    let path = copy_csv(&run, &cut, "timeseries.csv", |_| true, 10);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("0,10,2018-10-11,5");
    std::fs::write(&path, text).unwrap();
    let e = err_text(charts_for_run(&cut, &out));
    assert!(
        e.contains("truncated or malformed") && e.contains("re-run"),
        "{e}"
    );

    // Only a header.
    let bare = dir.path().join("bare");
    copy_csv(&run, &bare, "timeseries.csv", |_| true, 0);
    let e = err_text(charts_for_run(&bare, &out));
    assert!(e.contains("holds no rows"), "{e}");

    // An old journey file without the record columns.
    let j = dir.path().join("journey.csv");
    std::fs::write(
        &j,
        "time_minutes,date,event,state\n0,2018-10-01,encountered,cbp_custody\n",
    )
    .unwrap();
    let e = err_text(journey_chart(&j, &out));
    assert!(e.contains("lacks column `locatable_by_ice`"), "{e}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}
