"""Shared helpers: the repository, the command-line binary, small scenarios, CSV reading."""

from __future__ import annotations

import csv
import math
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"

#: A small, fast variant of the baseline (as tests/integration/common.rs SMALL): about 2% of the
#: cohort, FY2019-FY2021 only, same horizon. Written into each test's folder, extending the baseline
#: by absolute path.
SMALL = """
[meta]
name = "small"
description = "test scenario: about 2% of the baseline cohort"

[orr.in_care_at_start]
children = 260   # about 2% of the baseline's 13,220, as the cohort

[orr.released_before_start]
children = 54   # about 2% of the baseline's 2,706
window_days = 30

[[arrivals.fiscal_years]]
fiscal_year = 2019
children = 1400
source = "test"

[[arrivals.fiscal_years]]
fiscal_year = 2020
children = 300
source = "test"

[[arrivals.fiscal_years]]
fiscal_year = 2021
children = 2400
source = "test"
"""


def cli_binary() -> Path:
    """The custody-sim binary: $CUSTODY_SIM_BIN, else target/release/custody-sim."""
    env = os.environ.get("CUSTODY_SIM_BIN")
    path = Path(env) if env else ROOT / "target" / "release" / "custody-sim"
    if not path.is_file():
        pytest.fail(f"{path} not found: build it with `cargo build --release --locked` (python/test.sh does)")
    return path


def cli(*args: str, cwd: Path, expect: int = 0) -> subprocess.CompletedProcess:
    """Run the command line in `cwd`; require exit code `expect`."""
    p = subprocess.run([str(cli_binary()), *map(str, args)], cwd=cwd, capture_output=True, text=True)
    assert p.returncode == expect, f"custody-sim {' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr}"
    return p


def write_scenario(folder: Path, name: str, body: str, extends: Path = BASELINE) -> Path:
    """A scenario file in `folder` extending `extends` (by absolute path) with `body`."""
    path = folder / name
    path.write_text(f'extends = "{extends}"\n{body}\n')
    return path


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def legacy_text(value: float) -> str:
    """How custody-sim before round-trip CSV numbers wrote `value` (whole numbers bare, others with
    6 decimals, infinities as inf)."""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == int(value) and abs(value) < 1e15:
        return f"{value:.0f}"
    return f"{value:.6f}"


def same_number(cell: str, value: float) -> bool:
    """Whether a CSV cell holds exactly `value`: the CLI writes every number so that it reads back
    bit for bit, and an undefined value (NaN, an infinity) as an empty cell. A binary that still
    writes 6 decimals is compared at that precision (its text must be exactly what it would write
    for `value`); with round-trip numbers that never matches a different value."""
    if math.isnan(value):
        return cell == ""
    if math.isinf(value):
        return cell in ("", legacy_text(value))
    if cell == "":
        return False
    x = float(cell)
    exact = x == value and math.copysign(1.0, x) == math.copysign(1.0, value)
    return exact or cell == legacy_text(value)


def writes_exact_numbers(path: Path) -> bool:
    """Whether a CSV file of the CLI holds round-trip numbers (not every fraction cut at 6 decimals)."""
    _, rows = read_csv(path)
    fractions = [c for r in rows for c in r if "." in c and c.replace(".", "").replace("-", "").isdigit()]
    return any(len(c.split(".")[1]) != 6 for c in fractions)


def assert_cells(cells: list[str], values, where: str) -> None:
    assert len(cells) == len(values), f"{where}: {len(cells)} cells, {len(values)} values"
    bad = [(i, c, v) for i, (c, v) in enumerate(zip(cells, values)) if not same_number(c, float(v))]
    assert not bad, f"{where}: {len(bad)} numbers differ, first (column, CLI, package): {bad[:5]}"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The small scenario, in this test's folder."""
    return write_scenario(tmp_path, "small.toml", SMALL)
