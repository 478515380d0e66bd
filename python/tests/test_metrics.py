"""The metric catalogue from Python: every metric declared once by the program, with its label,
unit, better direction, lens and kind, in the order of summary.csv."""

from __future__ import annotations

import dataclasses

import pytest

import custody_sim
from conftest import BASELINE


def test_the_catalogue_names_the_metrics_of_a_run_in_order():
    keys = [m.key for m in custody_sim.metrics()]
    assert len(keys) == len(set(keys))
    r = custody_sim.run(BASELINE, seed=1, replications=1, scale=0.01)
    assert tuple(keys) == r.metric_names


def test_every_metric_is_described():
    lenses = {None, "ice", "pooled", "orr", "court"}
    kinds = {"count", "share", "hours", "days", "years", "day_index"}
    for m in custody_sim.metrics():
        assert isinstance(m, custody_sim.Metric)
        assert m.label and "_" not in m.label, m
        assert m.unit, m
        assert m.better in {"lower", "higher", "neither"}, m
        assert m.lens in lenses, m
        assert m.kind in kinds, m
        if m.kind == "share":
            assert m.unit.startswith("share"), m
    with pytest.raises(dataclasses.FrozenInstanceError):
        custody_sim.metrics()[0].label = "x"


def test_known_metrics_read_as_the_program_declares_them():
    m = custody_sim.metric("unlocatable_by_ice_at_horizon")
    assert (m.better, m.lens, m.kind, m.unit) == ("lower", "ice", "count", "children")
    assert "ICE" in m.label
    assert custody_sim.metric("unlocatable_pooled_share_of_followed_time").kind == "share"
    assert custody_sim.metric("unlocatable_by_ice_peak_day").better == "neither"
    assert custody_sim.metric("located").better == "higher"
    assert custody_sim.metric("care_days_mean").kind == "days"
    assert custody_sim.metric("events").lens is None
    with pytest.raises(KeyError, match="no metric"):
        custody_sim.metric("nothing")
    keys = {m.key for m in custody_sim.metrics()}
    assert custody_sim.HEADLINE_METRICS[0] == "unlocatable_by_ice_at_horizon"
    assert set(custody_sim.HEADLINE_METRICS) <= keys
    assert custody_sim.HEADLINE_COLUMNS == ("replications", "mean", "sd", "ci95_low", "ci95_high")
    assert custody_sim.COMPARISON_COLUMNS[0] == "replications"
    assert custody_sim.COMPARISON_COLUMNS[-1] == "width_ratio"
