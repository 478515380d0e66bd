"""The EMA Workbench's PRIM on an `explore` result agrees with `custody-sim discover`: the same
uncertain parameter restricted, on the same side, with limits, coverage and density within a
tolerance (same peel and paste alpha, same minimum mass, PRIM's original objective - the density -
and the same rule for the box chosen on the trajectory: the densest with coverage >= 0.5)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import BASELINE, cli, read_csv

pd = pytest.importorskip("pandas")
prim = pytest.importorskip("ema_workbench.analysis.prim")

METRIC = "unlocatable_by_ice_child_years"
MOVES = "life.move_rate_per_year"
SPREAD = "children.propensity_log_sd"

# The baseline alone in 80 futures of a strong lever (household moves) and a weak one (as
# tests/integration/explore.rs discover_finds_the_assumption_that_decides_the_condition).
EXPLORE = f"""
baseline = "{BASELINE}"
reforms = []
replications = 1
seed = 11
scale = 0.01

[futures]
samples = 80

[uncertainties]
assumptions = false

[[uncertainties.parameters]]
path = "{MOVES}"
min = 0.05
max = 1.0

[[uncertainties.parameters]]
path = "{SPREAD}"
min = 0.45
max = 0.55
"""


def test_ema_workbench_prim_agrees_with_discover(tmp_path):
    (tmp_path / "explore.toml").write_text(EXPLORE)
    cli("explore", "explore.toml", "-q", "-o", "ex", cwd=tmp_path)
    experiments = pd.read_csv(tmp_path / "ex" / "experiments.csv")
    outcomes = pd.read_csv(tmp_path / "ex" / "outcomes.csv")
    rows = outcomes[(outcomes.reform == "baseline") & (outcomes.metric == METRIC)].sort_values("future")
    assert list(rows.future) == list(experiments.future)
    value = rows.value.to_numpy()
    # The condition: the 30 futures (of 80) with the most child-years unlocatable.
    threshold = float(np.sort(value)[49])
    y = value > threshold
    assert y.sum() == 30

    cli(
        "discover", "ex", "--reform", "baseline", "--metric", METRIC, "--condition", f"value > {threshold!r}",
        "--peel-alpha", 0.05, "--paste-alpha", 0.05, "--min-mass", 0.05, "--min-coverage", 0.5,
        "-q", "-o", "disc", cwd=tmp_path,
    )
    info = json.loads((tmp_path / "disc" / "discover.json").read_text())
    assert info["cases"] == 30
    header, lims = read_csv(tmp_path / "disc" / "prim_limits.csv")
    col = {c: i for i, c in enumerate(header)}
    ours = {
        r[col["parameter"]]: (float(r[col["min"]]), float(r[col["max"]]))
        for r in lims
        if r[col["step"]] == str(info["chosen_step"])
    }
    header, box = read_csv(tmp_path / "disc" / "prim_box.csv")
    bcol = {c: i for i, c in enumerate(header)}
    ours_restricted = {r[bcol["parameter"]] for r in box if r[bcol["restricted"]] == "true"}

    # The EMA Workbench on the same experiments and cases.
    x = experiments.drop(columns=["future"])
    p = prim.Prim(
        x,
        y,
        threshold=0.5,
        obj_function=prim.PRIMObjectiveFunctions.ORIGINAL,
        peel_alpha=0.05,
        paste_alpha=0.05,
        mass_min=0.05,
    )
    first = p.find_box()
    t = first.peeling_trajectory
    eligible = t[t.coverage >= 0.5 - 1e-12]
    step = int(eligible.sort_values(["density", "coverage"], ascending=[False, False]).index[0])
    lims_ema = first.box_lims[step]
    init = first.box_lims[0]
    ema_restricted = {c for c in x.columns if (lims_ema[c] != init[c]).any()}

    # The same parameter restricted, and only it: household moves, from below.
    assert ours_restricted == ema_restricted == {MOVES}, (ours_restricted, ema_restricted)
    full = (x[MOVES].min(), x[MOVES].max())
    width = full[1] - full[0]
    lo_ema, hi_ema = float(lims_ema.loc[0, MOVES]), float(lims_ema.loc[1, MOVES])
    lo, hi = ours[MOVES]
    assert lo > full[0] + 0.3 * width and lo_ema > full[0] + 0.3 * width
    # Limits within 5% of the parameter's range (EMA cuts at midpoints between values, discover at
    # data values, and they peel different numbers of points per step).
    assert abs(lo - lo_ema) <= 0.05 * width, (lo, lo_ema)
    assert abs(hi - hi_ema) <= 0.05 * width, (hi, hi_ema)
    assert abs(info["peeled"]["coverage"] - t.loc[step, "coverage"]) <= 0.05
    assert abs(info["peeled"]["density"] - t.loc[step, "density"]) <= 0.05
