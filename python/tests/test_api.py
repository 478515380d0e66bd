"""Determinism, the GIL, the shapes of the results, and bad input raising ValueError with the
library's message (the file, the field, what is allowed)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import custody_sim
from conftest import BASELINE, cli, read_csv, write_scenario


def test_same_seed_same_numbers_at_any_thread_count():
    a = custody_sim.run(BASELINE, seed=11, replications=3, scale=0.01, threads=1)
    b = custody_sim.run(BASELINE, seed=11, replications=3, scale=0.01, threads=2)
    c = custody_sim.run(BASELINE, seed=11, replications=3, scale=0.01)
    for x in (b, c):
        assert np.array_equal(a.metrics, x.metrics)
        assert np.array_equal(a.headline, x.headline, equal_nan=True)
        assert np.array_equal(a.timeseries, x.timeseries)
    other = custody_sim.run(BASELINE, seed=12, replications=3, scale=0.01)
    assert not np.array_equal(a.metrics, other.metrics)
    # Replication r is the same run whatever the number of replications.
    two = custody_sim.run(BASELINE, seed=11, replications=2, scale=0.01)
    assert np.array_equal(two.metrics, a.metrics[:2])


def test_result_shapes_and_helpers():
    r = custody_sim.run(BASELINE, seed=1, replications=2, scale=0.01)
    m, s, d = len(r.metric_names), len(r.series_names), len(r.dates)
    assert r.metrics.shape == (2, m) and r.headline.shape == (m, 5) and r.timeseries.shape == (2, d, s)
    assert r.metrics.dtype == np.float64 and r.metrics.flags.writeable
    assert r.dates[0] == "2018-10-01"
    key = "unlocatable_by_ice_at_horizon"
    assert r.mean(key) == pytest.approx(r.metric(key).mean(), rel=1e-12)
    low, high = r.interval(key)
    assert low <= r.mean(key) <= high
    assert r.series("arrived").shape == (2, d)
    with pytest.raises(KeyError, match="no metric"):
        r.metric("nothing")
    one = custody_sim.run(BASELINE, seed=1, replications=1, scale=0.01)
    assert np.isnan(one.interval(key)).all()  # intervals need 2 replications or more
    assert "synthetic" in custody_sim.CAVEATS[0]
    params = custody_sim.parameters(BASELINE)
    assert params["data_sharing.orr_to_ice_probability"] != ""


def test_the_gil_is_released_while_simulating():
    """Another Python thread runs while the simulation does (it would be stopped if the GIL were
    held for the whole call)."""
    done = threading.Event()
    timing = {}

    def work():
        timing["start"] = time.perf_counter()
        custody_sim.run(BASELINE, seed=2, replications=4, scale=0.05, threads=1)
        timing["end"] = time.perf_counter()
        done.set()

    t = threading.Thread(target=work)
    ticks = []
    t.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    start, end = timing["start"], timing["end"]
    assert end - start > 0.1, "the run was too short to tell"
    during = [x for x in ticks if start + 0.02 < x < end - 0.02]
    # Ticks every ~1 ms; held GIL would allow none in the middle of the call.
    assert len(during) > 0.2 * (end - start) / 0.001, (len(during), end - start)


def bad(match: str):
    return pytest.raises(ValueError, match="(?s)" + match)


def test_bad_input_raises_value_error_naming_file_field_and_range(tmp_path):
    with bad(r"cannot read scenario file .*nowhere\.toml"):
        custody_sim.run(tmp_path / "nowhere.toml")
    # A value out of range: the file, the field and the allowed range, as the command line says.
    with bad(r"baseline\.toml with overrides.*field `data_sharing\.orr_to_ice_probability` = 1\.5: must be a probability in \[0, 1\]"):
        custody_sim.run(BASELINE, overrides={"data_sharing.orr_to_ice_probability": 1.5}, scale=0.01)
    # A path that does not exist: the nearest valid paths.
    with bad(r"field `data_sharing\.orr_to_ice_probabilty`: .*nearest valid paths: data_sharing\.orr_to_ice_probability"):
        custody_sim.run(BASELINE, overrides={"data_sharing.orr_to_ice_probabilty": 0.5})
    with bad(r"field `replications`: 0: must be between 1 and 100000"):
        custody_sim.run(BASELINE, replications=0)
    with bad(r"field `--scale`: 5: must be a share of the cohort between 0.001 and 1"):
        custody_sim.run(BASELINE, scale=5)
    with bad(r"field `replications`: 1: must be between 2 and 100000"):
        custody_sim.compare(BASELINE, BASELINE, replications=1)
    with bad(r"field `target_ci`: -1: must be a positive number"):
        custody_sim.compare(BASELINE, BASELINE, target_ci=-1)
    with bad("reforms: none given"):
        custody_sim.compare(BASELINE, [])
    with bad("not a \\(dotted path, value\\) pair"):
        custody_sim.run(BASELINE, overrides=[("a.b", 1, 2)])
    with pytest.raises(TypeError, match="override `life.move_rate_per_year`: a value of type object"):
        custody_sim.run(BASELINE, overrides={"life.move_rate_per_year": object()})


def test_a_bad_file_gives_the_command_lines_message(tmp_path):
    f = write_scenario(tmp_path, "bad.toml", "[data_sharing]\norr_to_ice_probability = 1.5\n\n[life]\nmove_rate_per_year = -1.0\n")
    p = cli("run", f, "-q", "-o", tmp_path / "out", cwd=tmp_path, expect=2)
    with pytest.raises(ValueError) as e:
        custody_sim.run(f)
    assert p.stderr.strip() == f"error: {e.value}"
    assert "2 invalid value(s)" in str(e.value)
    assert not (tmp_path / "out").exists()


def test_compare_over_a_point_posterior_is_the_paired_comparison(tmp_path):
    # Two draws at the baseline's own values: the streams and intervals of 4 paired replications.
    ens = tmp_path / "ensemble.csv"
    ens.write_text("draw,life.move_rate_per_year,ice.nta_probability\n0,0.35,0.9\n1,0.35,0.9\n")
    reform = ("share", {"data_sharing.orr_to_ice_probability": 1.0})
    post = custody_sim.compare_posterior(
        BASELINE, [reform], tmp_path, draws=2, replications=2, scale=0.01, seed=5
    )
    plain = custody_sim.compare(BASELINE, [reform], replications=4, scale=0.01, seed=5)
    assert post.effects.shape == (1, len(post.metric_names), len(custody_sim.POSTERIOR_COLUMNS))
    assert post.draws == (0, 1)
    m = "unlocatable_by_ice_at_horizon"
    e = post.effect("share", m)
    d = plain.difference("share", m)
    assert e["effect_mean"] == d["difference_mean"]
    assert e["draws_only_ci95_low"] == d["difference_ci95_low"]
    assert e["with_assumptions_ci95_high"] == d["difference_ci95_high"]
    assert e["share_from_assumptions"] == 0.0
    with pytest.raises(ValueError, match="ensemble.csv"):
        custody_sim.compare_posterior(BASELINE, [reform], tmp_path / "nowhere", scale=0.01)
    assert post.stop_reason is None and post.replications_per_draw == 2
    # A target no run can meet over a point posterior: all the variance is the random draws',
    # so the replications per draw double (2, 4, 8) up to the cap of 8 runs, the draws do not.
    tight = custody_sim.compare_posterior(
        BASELINE, [reform], tmp_path, draws=1, replications=2, scale=0.01, seed=5,
        target_ci=1e-9, max_replications=8,
    )
    assert len(tight.draws) == 1 and tight.replications_per_draw == 8
    assert tight.stop_reason.startswith("cap reached")


def test_what_a_posterior_effect_hangs_on_equals_the_command_line(tmp_path):
    # Six draws that differ in the move rate only; the reform shares every address with ICE.
    ens = tmp_path / "ensemble.csv"
    rows = "".join(f"{k},{0.1 + 0.1 * k},0.9\n" for k in range(6))
    ens.write_text("draw,life.move_rate_per_year,ice.nta_probability\n" + rows)
    reform = write_scenario(
        tmp_path, "share.toml", '[meta]\nname = "share"\ndescription = "t"\n\n[data_sharing]\norr_to_ice_probability = 1.0\n'
    )
    post = custody_sim.compare_posterior(
        BASELINE, [reform], ens, draws=6, replications=2, scale=0.01, seed=9
    )
    cli(
        "compare", BASELINE, reform, "--posterior", ens, "--draws", 6, "-r", 2, "--scale", 0.01,
        "-s", 9, "-q", "-o", tmp_path / "cmp", cwd=tmp_path,
    )
    assert post.parameters == ("life.move_rate_per_year", "ice.nta_probability")
    assert np.array_equal(post.values[:, 0], [0.1 + 0.1 * k for k in range(6)])
    m = "unlocatable_by_ice_at_horizon"
    i = post.metric_names.index(m)
    # The draws' means are what the effect's mean is made of.
    assert post.draw_effects.shape == (1, len(post.metric_names), 6)
    assert post.draw_effects[0, i].mean() == pytest.approx(post.effect("share", m)["effect_mean"], rel=1e-12)
    h, drivers = read_csv(tmp_path / "cmp" / "posterior_drivers.csv")
    mine = post.drivers("share", m)
    theirs = [r for r in drivers if r[h.index("metric")] == m]
    assert [d["parameter"] for d in mine] == [r[h.index("parameter")] for r in theirs]
    for d, r in zip(mine, theirs):
        assert d["share_of_spread"] == float(r[h.index("share_of_spread")])
        assert d["noise_95"] == float(r[h.index("noise_95")])
        assert d["effect_with_parameter"] == r[h.index("effect_with_parameter")]
    # The nta probability never varies: it explains nothing.
    assert mine[-1] == {"parameter": "ice.nta_probability", "share_of_spread": 0.0,
                        "noise_95": mine[-1]["noise_95"], "effect_with_parameter": "flat"}
    h, info = read_csv(tmp_path / "cmp" / "posterior_value_of_information.csv")
    v = post.value_of_information(m)
    theirs = [r for r in info if r[h.index("metric")] == m]
    assert v["choice_now"] == theirs[0][h.index("choice_now")]
    assert v["evpi"] == float(theirs[0][h.index("evpi")])
    assert v["evppi"] == {r[h.index("parameter")]: float(r[h.index("evppi")]) for r in theirs}
    with pytest.raises(ValueError, match="no drivers for reform 'nope'"):
        post.drivers("nope", m)
    with pytest.raises(ValueError, match="better direction"):
        post.value_of_information("arrived")
