"""The package's numbers are the command line's, bit for bit: every number of summary.csv,
headline.csv, timeseries.csv and comparison.csv, for the same scenario, seed, replications, scale
and overrides."""

from __future__ import annotations

import numpy as np
import pytest

import custody_sim
from conftest import BASELINE, SMALL, assert_cells, cli, read_csv, write_scenario, writes_exact_numbers


def check_run_files(out, r: custody_sim.RunResult) -> None:
    header, rows = read_csv(out / "summary.csv")
    assert header == ["replication", *r.metric_names]
    assert len(rows) == r.replications
    for k, row in enumerate(rows):
        assert row[0] == str(k)
        assert_cells(row[1:], r.metrics[k], f"summary.csv replication {k}")

    header, rows = read_csv(out / "headline.csv")
    assert header == ["metric", *custody_sim.HEADLINE_COLUMNS]
    assert [row[0] for row in rows] == list(r.metric_names)
    for row, values in zip(rows, r.headline):
        assert_cells(row[1:], values, f"headline.csv {row[0]}")

    header, rows = read_csv(out / "timeseries.csv")
    assert header == ["replication", "day", "date", *r.series_names]
    reps, days, _ = r.timeseries.shape
    assert len(rows) == reps * days
    for i, row in enumerate(rows):
        k, d = divmod(i, days)
        assert row[:3] == [str(k), str(d), r.dates[d]], row[:3]
        assert_cells(row[3:], r.timeseries[k, d], f"timeseries.csv replication {k} day {d}")


def test_run_equals_the_cli_at_a_scale(tmp_path):
    cli("run", BASELINE, "-r", 3, "-s", 7, "--scale", 0.02, "-q", "-o", tmp_path / "out", cwd=tmp_path)
    r = custody_sim.run(BASELINE, seed=7, replications=3, scale=0.02)
    assert r.metrics.shape == (3, len(r.metric_names))
    check_run_files(tmp_path / "out", r)


def test_overrides_equal_a_scenario_file_that_sets_the_same_values(tmp_path):
    # The same values written in a file that extends the baseline, run by the command line.
    f = write_scenario(
        tmp_path,
        "changed.toml",
        "[data_sharing]\norr_to_ice_probability = 0.9\n\n"
        "[life]\nmove_rate_per_year = 0.5\n\n"
        "[wellbeing_calls]\nmax_attempts = 2\n",
    )
    cli("run", f, "-r", 2, "-s", 3, "--scale", 0.02, "-q", "-o", tmp_path / "out", cwd=tmp_path)
    r = custody_sim.run(
        BASELINE,
        overrides={
            "data_sharing.orr_to_ice_probability": 0.9,
            "life.move_rate_per_year": np.float64(0.5),  # numpy scalars are accepted
            "wellbeing_calls.max_attempts": 2.0,  # a whole-number field: the number is rounded
        },
        seed=3,
        replications=2,
        scale=0.02,
    )
    check_run_files(tmp_path / "out", r)
    # ... and they change the numbers.
    plain = custody_sim.run(BASELINE, seed=3, replications=2, scale=0.02)
    assert not np.array_equal(plain.metrics, r.metrics)


def test_pandas_frames_equal_the_cli_files(tmp_path):
    pd = pytest.importorskip("pandas")
    cli("run", BASELINE, "-r", 2, "-s", 9, "--scale", 0.01, "-q", "-o", tmp_path / "out", cwd=tmp_path)
    r = custody_sim.run(BASELINE, seed=9, replications=2, scale=0.01)
    read = lambda name: pd.read_csv(tmp_path / "out" / name)  # noqa: E731
    exact = writes_exact_numbers(tmp_path / "out" / "headline.csv")
    same = dict(check_dtype=False, check_exact=exact, rtol=1e-6, atol=1e-6)
    pd.testing.assert_frame_equal(r.summary_df, read("summary.csv"), **same)
    pd.testing.assert_frame_equal(r.headline_df, read("headline.csv"), **same)
    pd.testing.assert_frame_equal(r.timeseries_df, read("timeseries.csv"), **same)


def compare_files(out, c: custody_sim.CompareResult) -> None:
    header, rows = read_csv(out / "comparison.csv")
    assert header == ["baseline", "reform", "metric", *custody_sim.COMPARISON_COLUMNS]
    m = len(c.metric_names)
    assert len(rows) == len(c.reforms) * m
    for i, row in enumerate(rows):
        k, j = divmod(i, m)
        assert row[:3] == [c.baseline, c.reforms[k], c.metric_names[j]]
        assert_cells(row[3:], c.comparison[k, j], f"comparison.csv {row[1]} {row[2]}")


def test_compare_equals_the_cli(tmp_path):
    small = write_scenario(tmp_path, "small.toml", SMALL)
    integrated = write_scenario(tmp_path, "integrated.toml", "[data_sharing]\nintegrated_record = true\n", small)
    fast = write_scenario(tmp_path, "fast.toml", "[data_sharing]\norr_to_ice_probability = 1.0\n", small)
    cli("compare", small, integrated, fast, "-r", 3, "-s", 5, "-q", "-o", tmp_path / "cmp", cwd=tmp_path)
    c = custody_sim.compare(small, [integrated, fast], seed=5, replications=3)
    assert c.names == ("small", "integrated", "fast")
    assert c.replications == 3
    compare_files(tmp_path / "cmp", c)
    # The baseline's own numbers are run()'s (common random numbers: same seed, same children).
    r = custody_sim.run(small, seed=5, replications=3)
    assert np.array_equal(c.metrics[0], r.metrics)
    # A reform written as overrides of the baseline is the same reform as the file.
    by_overrides = custody_sim.compare(
        small,
        [("integrated", {"data_sharing.integrated_record": True}), ("fast", {"data_sharing.orr_to_ice_probability": 1})],
        seed=5,
        replications=3,
    )
    assert np.array_equal(by_overrides.comparison, c.comparison, equal_nan=True)
    assert c.changes["integrated"] == [("data_sharing.integrated_record", "false", "true")]
    pd = pytest.importorskip("pandas")
    cmp = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    # The CSV writes an undefined number (an infinite width ratio) as an empty cell (NaN).
    exact = writes_exact_numbers(tmp_path / "cmp" / "comparison.csv")
    ours = c.comparison_df.replace([np.inf, -np.inf], np.nan if exact else np.inf)
    pd.testing.assert_frame_equal(ours, cmp, check_dtype=False, check_exact=exact, rtol=1e-6, atol=1e-6)


def test_compare_with_a_target_interval_equals_the_cli(tmp_path):
    small = write_scenario(tmp_path, "small.toml", SMALL)
    reform = write_scenario(tmp_path, "checks.toml", "[data_sharing]\norr_to_ice_probability = 1.0\n", small)
    cli(
        "compare", small, reform, "-r", 2, "-s", 8, "--target-ci", 1e-9, "--max-replications", 6, "-q",
        "-o", tmp_path / "cmp", cwd=tmp_path,
    )
    c = custody_sim.compare(small, reform, seed=8, replications=2, target_ci=1e-9, max_replications=6)
    assert c.replications == 6  # 2, then 2 more, then the cap: 6
    assert c.stop_reason.startswith("cap reached: 6 replications")
    compare_files(tmp_path / "cmp", c)
