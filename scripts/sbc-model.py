#!/usr/bin/env python3
"""Simulation-based calibration (Talts et al. 2018) of ABC-SMC on the model itself.

Each trial draws a truth from the prior of two parameters (ICE's NTA probability and the
well-being call answer probability), makes the targets from one run of the model at that truth
(its own seed), calibrates by ABC-SMC against them, and records where the truth falls in the
weighted posterior population. If the posterior is calibrated, those ranks are uniform and a
central x% interval covers the truth in x% of trials; an ABC posterior at a finite tolerance is
wider than the exact one, so it may cover more often than nominal, not less.

Usage: python3 scripts/sbc-model.py [TRIALS] [OUT_DIR] [GENERATIONS]
       (defaults: 40 trials, outputs/sbc-model, 12 generations)
Needs the release binary (cargo build --release --locked). Python 3 standard library only.
Writes OUT_DIR/ranks.csv (per trial and parameter: truth, rank, covered at 50% and 90%) and prints
the coverage and the Kolmogorov-Smirnov distance of the ranks from uniform.
"""
import csv
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "custody-sim"
PARAMS = [
    ("ice.nta_probability", 0.2, 1.0),
    ("wellbeing_calls.answer_probability_if_current", 0.4, 0.99),
]
SMALL = f"""extends = "{ROOT / 'scenarios' / 'baseline.toml'}"

[meta]
name = "sbc_small"
description = "SBC: a 3,000-child FY2019 cohort, one call attempt"

[orr.in_care_at_start]
children = 100

[orr.released_before_start]
children = 20
window_days = 30

[[arrivals.fiscal_years]]
fiscal_year = 2019
children = 3000
source = "sbc"

[wellbeing_calls]
max_attempts = 1
"""
TARGETS = """[[targets]]
name = "ntas_2019"
metric = "ntas_issued_cum"
aggregate = "at_date"
date = "2019-12-31"
value = {ntas}
qualifier = "about"
tolerance = 0.05
definition = "sbc"
source = "sbc"

[[targets]]
name = "calls_not_reached"
metric = "wellbeing_calls_not_reached_cum"
per = "wellbeing_calls_due_cum"
aggregate = "change"
from = "2018-10-01"
to = "2019-09-30"
value = {calls}
qualifier = "about"
tolerance = 0.05
definition = "sbc"
source = "sbc"
"""
CALIBRATION = """base = "small.toml"
targets = "targets.toml"
fit = ["ntas_2019", "calls_not_reached"]
replications = 1
seed = {seed}

[method]
kind = "abc_smc"
population = 60
min_acceptance = 0.05
max_generations = {generations}
""" + "".join(
    f'\n[[parameters]]\npath = "{p}"\nmin = {lo}\nmax = {hi}\nreason = "sbc: the prior"\n'
    for p, lo, hi in PARAMS
)


def run(args, cwd):
    r = subprocess.run([str(BIN), *args], cwd=cwd, capture_output=True, text=True)
    return r


def weighted_rank(values, weights, truth):
    below = sum(w for v, w in zip(values, weights) if v < truth)
    equal = sum(w for v, w in zip(values, weights) if v == truth)
    return (below + 0.5 * equal) / sum(weights)


def main():
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "outputs" / "sbc-model"
    generations = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    out.mkdir(parents=True, exist_ok=True)
    (out / "small.toml").write_text(SMALL)
    rows = []
    for t in range(trials):
        d = out / f"trial-{t:03d}"
        d.mkdir(exist_ok=True)
        g = random.Random(1000 + t)
        truth = [g.uniform(lo, hi) for _, lo, hi in PARAMS]
        (d / "small.toml").write_text(SMALL)
        body = "\n".join(f"[{p.split('.')[0]}]\n{p.split('.')[1]} = {x}\n" for (p, _, _), x in zip(PARAMS, truth))
        (d / "truth.toml").write_text(
            'extends = "small.toml"\n\n[meta]\nname = "truth"\ndescription = "sbc"\n\n' + body
        )
        (d / "targets.toml").write_text(TARGETS.format(ntas=1, calls=0.5))
        r = run(["validate", "truth.toml", "--targets", "targets.toml", "-r", "1", "-s", str(5000 + t),
                 "-q", "-o", "truth"], d)
        with open(d / "truth" / "validation.csv") as f:
            obs = [float(x["model_mean"]) for x in csv.DictReader(f)]
        (d / "targets.toml").write_text(TARGETS.format(ntas=obs[0], calls=obs[1]))
        (d / "calibration.toml").write_text(CALIBRATION.format(seed=7000 + t, generations=generations))
        r = run(["calibrate", "calibration.toml", "-q", "-o", "fit"], d)
        if r.returncode != 0:
            sys.exit(f"trial {t}: calibrate failed: {r.stderr}")
        with open(d / "fit" / "population.csv") as f:
            pop = list(csv.DictReader(f))
        w = [float(x["weight"]) for x in pop]
        for (p, lo, hi), x in zip(PARAMS, truth):
            v = [float(row[p]) for row in pop]
            rank = weighted_rank(v, w, x)
            rows.append({"trial": t, "parameter": p, "truth": x, "rank": rank,
                         "covered_50": 0.25 <= rank <= 0.75, "covered_90": 0.05 <= rank <= 0.95})
        print(f"trial {t}: " + ", ".join(f"{r['rank']:.2f}" for r in rows[-len(PARAMS):]), flush=True)
    with open(out / "ranks.csv", "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)
    for p, _, _ in PARAMS:
        ranks = sorted(r["rank"] for r in rows if r["parameter"] == p)
        n = len(ranks)
        ks = max(max((i + 1) / n - x, x - i / n) for i, x in enumerate(ranks))
        c50 = sum(r["covered_50"] for r in rows if r["parameter"] == p) / n
        c90 = sum(r["covered_90"] for r in rows if r["parameter"] == p) / n
        print(f"{p}: {n} trials, 50% interval covers {c50:.2f}, 90% covers {c90:.2f}, "
              f"KS distance of ranks from uniform {ks:.3f} (5% critical value {1.36 / n ** 0.5:.3f})")


if __name__ == "__main__":
    main()
