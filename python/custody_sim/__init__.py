"""custody-sim from Python: run and compare scenarios of the US custody pipeline for unaccompanied
children (every child synthetic) and get the numbers as numpy arrays (and pandas DataFrames when
pandas is installed).

The numbers are the command line's, bit for bit: ``run`` gives what ``custody-sim run`` writes in
``summary.csv``, ``headline.csv`` and ``timeseries.csv``; ``compare`` what ``custody-sim compare``
writes in ``comparison.csv``, for the same scenario, seed, replications and scale. The simulation
runs in Rust on all cores (``threads``) with the GIL released, so other Python threads go on.

Bad input (a file that does not exist, an unknown field, a value out of range) raises ``ValueError``
with the library's message, which names the file, the field and what is allowed.

``AbcSmc`` is the ABC-SMC calibration of ``custody-sim calibrate`` over any model written in Python.

See docs/python.md in the custody-sim repository.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _core

__all__ = [
    "AbcSmc",
    "run",
    "compare",
    "compare_posterior",
    "PosteriorCompareResult",
    "POSTERIOR_COLUMNS",
    "parameters",
    "metrics",
    "metric",
    "Metric",
    "RunResult",
    "CompareResult",
    "DEFAULT_SEED",
    "DEFAULT_REPLICATIONS",
    "HEADLINE_COLUMNS",
    "COMPARISON_COLUMNS",
    "HEADLINE_METRICS",
    "CAVEATS",
    "__version__",
]

#: Sequential Monte Carlo ABC over any model, the algorithm of ``custody-sim calibrate`` with
#: ``kind = "abc_smc"``: ``AbcSmc(parameters=[{"name", "min", "max", "prior"?, "integer"?}],
#: population, alpha=0.5, min_acceptance=0.05, max_generations=20, kernel="global", seed=...,
#: min_tolerance=0.0)``; loop ``while not smc.done(): smc.tell([distance(p) for p in smc.ask()])``;
#: then ``smc.posterior()`` (values as dicts, weights) and ``smc.history()`` (per generation).
AbcSmc = _core.AbcSmc

__version__: str = _core.__version__
#: What every result carries: the model's limits and the fact that every child is synthetic.
CAVEATS: tuple = tuple(_core.CAVEATS)
#: The command line's default master seed (``--seed``).
DEFAULT_SEED = 20190101
#: The command line's default number of replications (``--replications``).
DEFAULT_REPLICATIONS = 10
#: The columns of ``RunResult.headline`` (``headline.csv`` after ``metric``).
HEADLINE_COLUMNS: tuple = tuple(_core.HEADLINE_COLUMNS)
#: The columns of ``CompareResult.comparison`` (``comparison.csv`` after ``baseline, reform, metric``).
COMPARISON_COLUMNS: tuple = tuple(_core.COMPARISON_COLUMNS)
#: The columns of :attr:`PosteriorCompareResult.effects` (``posterior_effects.csv``'s numbers).
POSTERIOR_COLUMNS: tuple = tuple(_core.POSTERIOR_COLUMNS)
#: The headline metrics, in order: unlocatable by ICE (the acting agency) and by every agency
#: (pooled) first, then the pipeline's counts (the command line's printed tables).
HEADLINE_METRICS: tuple = tuple(_core.HEADLINE_METRICS)


@dataclasses.dataclass(frozen=True)
class Metric:
    """One metric of the catalogue (a column of ``summary.csv``), as the program declares it.

    Attributes:
        key: the column name, e.g. ``"unlocatable_by_ice_at_horizon"``.
        label: words for people (the report's and the charts' label).
        unit: what is counted or measured, in words (``"children"``, ``"visits"``, ``"hours"``...).
        better: ``"lower"``, ``"higher"`` or ``"neither"``: which direction is better for children
            (the direction ``explore`` uses for regret).
        lens: the agency lens it is measured through (``"ice"``, ``"pooled"``, ``"orr"``,
            ``"court"``), or ``None`` for the pipeline's counts.
        kind: ``"count"``, ``"share"``, ``"hours"``, ``"days"``, ``"years"`` or ``"day_index"``.
    """

    key: str
    label: str
    unit: str
    better: str
    lens: Optional[str]
    kind: str


_METRICS: tuple = tuple(Metric(**m) for m in _core.metrics())
_BY_KEY: dict = {m.key: m for m in _METRICS}


def metrics() -> tuple:
    """Every metric of the catalogue, in the order of ``summary.csv``'s columns (and of
    ``RunResult.metric_names``), as :class:`Metric`."""
    return _METRICS


def metric(key: str) -> Metric:
    """The :class:`Metric` named ``key``; ``KeyError`` if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no metric {key!r}; custody_sim.metrics() lists them") from None

PathLike = Union[str, "os.PathLike[str]"]
Overrides = Union[Mapping[str, Any], Iterable[tuple], None]


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "pandas is not installed: the numpy arrays of this result hold the same numbers "
            "(pip install pandas for DataFrames)"
        ) from e
    return pandas


def _plain(v: Any) -> Any:
    """A value the compiled module converts to TOML: numpy scalars and arrays become Python ones."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def _overrides(overrides: Overrides) -> list:
    """Overrides as a list of (dotted path, plain value) pairs."""
    if overrides is None:
        return []
    items = overrides.items() if isinstance(overrides, Mapping) else overrides
    out = []
    for item in items:
        try:
            path, value = item
        except (TypeError, ValueError):
            raise ValueError(
                f"overrides: {item!r} is not a (dotted path, value) pair; give a dict such as "
                '{"data_sharing.orr_to_ice_probability": 0.9}'
            ) from None
        if not isinstance(path, str):
            raise ValueError(f"overrides: the path {path!r} is not a string (a dotted path such as 'a.b[0].c')")
        out.append((path, _plain(value)))
    return out


def _count(name: str, value: Any, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} = {value!r}: must be a whole number")
    if value < 0:
        raise ValueError(f"{name} = {value}: must not be negative")
    return int(value)


def _f64(raw: bytes, shape: tuple) -> np.ndarray:
    return np.frombuffer(raw, dtype=np.float64).reshape(shape).copy()


class RunResult:
    """The numbers of one ``run``: per replication, across replications, and day by day.

    Attributes:
        name: the scenario's name (``meta.name``).
        scenario: the scenario file.
        seed, replications, scale, overrides: how it was run.
        metric_names: the metrics, in the order of ``summary.csv``'s columns after ``replication``.
        metrics: ``(replications, metrics)`` float64 array: the rows of ``summary.csv``.
        headline: ``(metrics, 5)`` float64 array, columns ``HEADLINE_COLUMNS``: ``headline.csv``.
        series_names: the daily series, in the order of ``timeseries.csv``'s columns after
            ``replication, day, date``.
        dates: the date of every simulated day (ISO text), day 0 first.
        timeseries: ``(replications, days, series)`` float64 array: ``timeseries.csv``.
        threads: worker threads used (results do not depend on it).
        wall_time_seconds: seconds spent loading and simulating.
    """

    def __init__(self, raw: dict, scenario: str, seed: int, replications: int, scale: float, overrides: list):
        self.name: str = raw["name"]
        self.scenario = scenario
        self.seed = seed
        self.replications = replications
        self.scale = scale
        self.overrides = dict(overrides)
        self.metric_names: tuple = tuple(raw["metrics"])
        self.series_names: tuple = tuple(raw["series"])
        self.dates: tuple = tuple(raw["dates"])
        m, s, d = len(self.metric_names), len(self.series_names), len(self.dates)
        self.metrics = _f64(raw["values"], (replications, m))
        self.headline = _f64(raw["headline"], (m, len(HEADLINE_COLUMNS)))
        self.timeseries = _f64(raw["timeseries"], (replications, d, s))
        self.threads: int = raw["threads"]
        self.wall_time_seconds: float = raw["wall_time_seconds"]

    def __repr__(self) -> str:
        return (
            f"<custody_sim.RunResult {self.name!r}: {self.replications} replications, seed {self.seed}, "
            f"scale {self.scale}, {len(self.metric_names)} metrics, {len(self.dates)} days>"
        )

    def _metric_index(self, metric: str) -> int:
        try:
            return self.metric_names.index(metric)
        except ValueError:
            raise KeyError(f"no metric {metric!r}; the metrics are {', '.join(self.metric_names)}") from None

    def metric(self, metric: str) -> np.ndarray:
        """The value of ``metric`` in every replication (a column of ``summary.csv``)."""
        return self.metrics[:, self._metric_index(metric)]

    def mean(self, metric: str) -> float:
        """The mean of ``metric`` across replications (``headline.csv``)."""
        return float(self.headline[self._metric_index(metric), 1])

    def interval(self, metric: str) -> tuple:
        """The 95% interval of the mean of ``metric`` (NaN with one replication)."""
        row = self.headline[self._metric_index(metric)]
        return float(row[3]), float(row[4])

    def series(self, name: str) -> np.ndarray:
        """The daily series ``name``: a ``(replications, days)`` array."""
        try:
            k = self.series_names.index(name)
        except ValueError:
            raise KeyError(f"no daily series {name!r}; the series are {', '.join(self.series_names)}") from None
        return self.timeseries[:, :, k]

    @property
    def summary_df(self):
        """``summary.csv`` as a pandas DataFrame (one row per replication)."""
        pd = _pandas()
        df = pd.DataFrame(self.metrics, columns=list(self.metric_names))
        df.insert(0, "replication", np.arange(self.replications, dtype=np.int64))
        return df

    @property
    def headline_df(self):
        """``headline.csv`` as a pandas DataFrame (one row per metric)."""
        pd = _pandas()
        df = pd.DataFrame(self.headline, columns=list(HEADLINE_COLUMNS))
        df["replications"] = df["replications"].astype(np.int64)
        df.insert(0, "metric", list(self.metric_names))
        return df

    @property
    def timeseries_df(self):
        """``timeseries.csv`` as a pandas DataFrame (one row per replication and day)."""
        pd = _pandas()
        r, d, s = self.timeseries.shape
        df = pd.DataFrame(self.timeseries.reshape(r * d, s), columns=list(self.series_names))
        df.insert(0, "replication", np.repeat(np.arange(r, dtype=np.int64), d))
        df.insert(1, "day", np.tile(np.arange(d, dtype=np.int64), r))
        df.insert(2, "date", np.tile(np.array(self.dates, dtype=object), r))
        return df


class CompareResult:
    """The numbers of one ``compare``: paired differences of every reform from the baseline.

    Attributes:
        names: the scenarios' names, the baseline first (file names without ``.toml``, as the
            command line names them, or the names given with overrides).
        baseline: ``names[0]``; reforms: ``names[1:]``.
        metric_names: the metrics, in order.
        metrics: ``(scenarios, replications, metrics)`` float64 array: every scenario's value of
            every metric in every replication (replication r of each draws the same children).
        comparison: ``(reforms, metrics, 9)`` float64 array, columns ``COMPARISON_COLUMNS``:
            ``comparison.csv``.
        changes: per reform, the values it changes from the baseline as (path, baseline value,
            reform value) (``scenario_diff.txt``).
        replications: paired replications per scenario (with ``target_ci``, where it stopped).
        stop_reason: with ``target_ci``, why the replications stopped.
    """

    def __init__(self, raw: dict, seed: int, scale: float):
        self.names: tuple = tuple(raw["names"])
        self.baseline: str = self.names[0]
        self.reforms: tuple = self.names[1:]
        self.seed = seed
        self.scale = scale
        self.metric_names: tuple = tuple(raw["metrics"])
        self.replications: int = raw["replications"]
        self.stop_reason = raw["stop_reason"]
        m = len(self.metric_names)
        self.metrics = _f64(raw["values"], (len(self.names), self.replications, m))
        self.comparison = _f64(raw["rows"], (len(self.reforms), m, len(COMPARISON_COLUMNS)))
        self.changes: dict = {r: list(map(tuple, c)) for r, c in zip(self.reforms, raw["changes"])}
        self.threads: int = raw["threads"]
        self.wall_time_seconds: float = raw["wall_time_seconds"]

    def __repr__(self) -> str:
        return (
            f"<custody_sim.CompareResult {self.baseline!r} against {', '.join(map(repr, self.reforms))}: "
            f"{self.replications} paired replications, seed {self.seed}, scale {self.scale}>"
        )

    def difference(self, reform: str, metric: str) -> dict:
        """One row of ``comparison.csv`` as a dict of ``COMPARISON_COLUMNS``."""
        try:
            k = self.reforms.index(reform)
        except ValueError:
            raise KeyError(f"no reform {reform!r}; the reforms are {', '.join(self.reforms)}") from None
        try:
            i = self.metric_names.index(metric)
        except ValueError:
            raise KeyError(f"no metric {metric!r}") from None
        return {c: float(x) for c, x in zip(COMPARISON_COLUMNS, self.comparison[k, i])}

    @property
    def comparison_df(self):
        """``comparison.csv`` as a pandas DataFrame (one row per reform and metric)."""
        pd = _pandas()
        k, m, c = self.comparison.shape
        df = pd.DataFrame(self.comparison.reshape(k * m, c), columns=list(COMPARISON_COLUMNS))
        df["replications"] = df["replications"].astype(np.int64)
        df.insert(0, "baseline", self.baseline)
        df.insert(1, "reform", np.repeat(np.array(self.reforms, dtype=object), m))
        df.insert(2, "metric", np.tile(np.array(self.metric_names, dtype=object), k))
        return df


def run(
    scenario: PathLike,
    overrides: Overrides = None,
    seed: int | None = None,
    replications: int | None = None,
    threads: int = 0,
    scale: float = 1.0,
) -> RunResult:
    """Run a scenario file, as ``custody-sim run SCENARIO --seed S --replications N --scale F``.

    Args:
        scenario: the scenario file (TOML; ``extends`` chains are followed as on the command line).
        overrides: values to replace, by dotted path (the paths of sweep files: ``a.b``,
            ``a.b[0]``, ``a.b[0].c``), e.g. ``{"data_sharing.orr_to_ice_probability": 0.9}``.
            A number takes the type of the value it replaces (rounded for a whole-number field,
            ``x >= 0.5`` for a switch), as sweeps do. Applied before ``scale``.
        seed: master seed (default 20190101, the command line's).
        replications: independent replications, 1 to 100,000 (default 10).
        threads: worker threads, 0 for all cores; results do not depend on it.
        scale: share of the cohort simulated, 0.001 to 1 (``run --scale``).

    Returns:
        a :class:`RunResult`.

    Raises:
        ValueError: bad input, with the message naming the file, the field and what is allowed.
        RuntimeError: a replication failed.
    """
    seed = _count("seed", seed, DEFAULT_SEED)
    replications = _count("replications", replications, DEFAULT_REPLICATIONS)
    threads = _count("threads", threads, 0)
    pairs = _overrides(overrides)
    raw = _core.run(os.fspath(scenario), pairs, seed, replications, threads, float(scale))
    return RunResult(raw, os.fspath(scenario), seed, replications, float(scale), pairs)


def _reform_specs(baseline: PathLike, reforms: Any, common: list) -> list:
    """(name, file, overrides) of every reform."""
    if isinstance(reforms, (str, os.PathLike)):
        reforms = [reforms]
    if isinstance(reforms, Mapping):
        reforms = list(reforms.items())
    specs = []
    for item in reforms:
        if isinstance(item, (str, os.PathLike)):
            path = os.fspath(item)
            specs.append((_stem(path), path, common))
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, what = item
            if isinstance(what, (str, os.PathLike)):
                specs.append((name, os.fspath(what), common))
            else:
                specs.append((name, os.fspath(baseline), common + _overrides(what)))
        else:
            raise ValueError(
                f"reforms: {item!r} is neither a scenario file nor a (name, overrides) pair"
            )
    if not specs:
        raise ValueError("reforms: none given: compare needs one reform or more")
    return specs


def _stem(path: str) -> str:
    base = os.path.basename(path)
    return os.path.splitext(base)[0] if "." in base[1:] else base


def compare(
    baseline: PathLike,
    reforms: Any,
    overrides: Overrides = None,
    seed: int | None = None,
    replications: int | None = None,
    threads: int = 0,
    scale: float = 1.0,
    target_ci: float | None = None,
    max_replications: int = 200,
) -> CompareResult:
    """Compare reforms with a baseline under common random numbers, as ``custody-sim compare``.

    Args:
        baseline: the baseline scenario file.
        reforms: reform scenario files (one or a list), and/or reforms written as overrides of the
            baseline: ``("name", {"path": value, ...})`` pairs, or a dict ``{name: overrides or
            file}``. Files are named by their file name without ``.toml``, as on the command line.
        overrides: values replaced in every scenario (the baseline and each reform) before
            ``scale``: one future of uncertain assumptions, say.
        seed: master seed shared by every scenario (default 20190101).
        replications: paired replications, 2 to 100,000 (default 10); with ``target_ci``, the
            first batch.
        threads: worker threads, 0 for all cores; results do not depend on it.
        scale: share of the cohort simulated, 0.001 to 1.
        target_ci: keep doubling the replications until every headline difference's 95%
            half-width is at most this (``--target-ci``), or ``max_replications`` is reached.
        max_replications: the cap with ``target_ci`` (``--max-replications``, default 200).

    Returns:
        a :class:`CompareResult`.

    Raises:
        ValueError: bad input, with the message naming the file, the field and what is allowed.
        RuntimeError: a replication failed.
    """
    seed = _count("seed", seed, DEFAULT_SEED)
    replications = _count("replications", replications, DEFAULT_REPLICATIONS)
    threads = _count("threads", threads, 0)
    max_replications = _count("max_replications", max_replications, 200)
    common = _overrides(overrides)
    base = os.fspath(baseline)
    specs = [(_stem(base), base, common)] + _reform_specs(baseline, reforms, common)
    raw = _core.compare(
        specs,
        seed,
        replications,
        threads,
        float(scale),
        None if target_ci is None else float(target_ci),
        max_replications,
    )
    return CompareResult(raw, seed, float(scale))


class PosteriorCompareResult:
    """The numbers of one ``compare --posterior``: every reform's effects over the draws of a
    calibrated posterior, with the random draws' interval beside the assumptions'.

    Attributes:
        names: the scenarios' names, the baseline first; baseline, reforms as in CompareResult.
        metric_names: the metrics, in order.
        effects: ``(reforms, metrics, 8)`` float64 array, columns ``POSTERIOR_COLUMNS``.
        sets: per reform, the calibrated paths it sets itself (the draws leave them alone).
        draws: the ensemble's rows used as draws.
        parameters: the calibrated parameters' paths (the ensemble's columns).
        values: ``(draws, parameters)`` float64 array, each draw's parameter values.
        draw_effects: ``(reforms, metrics, draws)`` float64 array, each draw's mean effect over its
            paired replications (what the intervals with the assumptions and P(better) are made of).
    """

    def __init__(self, raw: dict, seed: int, scale: float):
        self.names: tuple = tuple(raw["names"])
        self.baseline: str = self.names[0]
        self.reforms: tuple = self.names[1:]
        self.seed = seed
        self.scale = scale
        self.replications_per_draw: int = raw["replications_per_draw"]
        self.stop_reason: str | None = raw["stop_reason"]
        self.metric_names: tuple = tuple(raw["metrics"])
        m = len(self.metric_names)
        self.effects = _f64(raw["posterior"], (len(self.reforms), m, len(POSTERIOR_COLUMNS)))
        self.sets: dict = {r: list(s) for r, s in zip(self.reforms, raw["sets"])}
        self.draws: tuple = tuple(raw["draws"])
        self.parameters: tuple = tuple(raw["parameters"])
        self.values = _f64(raw["values"], (len(self.draws), len(self.parameters)))
        self.draw_effects = _f64(raw["draw_effects"], (len(self.reforms), m, len(self.draws)))
        self._drivers = {
            (self.reforms[k], metric): [
                {"parameter": p, "share_of_spread": s, "noise_95": n, "effect_with_parameter": w}
                for p, s, n, w in rows
            ]
            for k, metric, rows in raw["drivers"]
        }
        self._information = {
            metric: {
                "choice_now": self.names[choice],
                "probability_choice_best": p,
                "evpi": evpi,
                "evppi": dict(evppi),
            }
            for metric, choice, p, evpi, evppi in raw["information"]
        }
        self.threads: int = raw["threads"]
        self.wall_time_seconds: float = raw["wall_time_seconds"]

    def __repr__(self) -> str:
        return (
            f"<custody_sim.PosteriorCompareResult {self.baseline!r} against {', '.join(map(repr, self.reforms))}: "
            f"{len(self.draws)} draws x {self.replications_per_draw} paired replications, seed {self.seed}, scale {self.scale}>"
        )

    def effect(self, reform: str, metric: str) -> dict:
        """One reform's effect on one metric, as ``{column: value}`` over ``POSTERIOR_COLUMNS``."""
        row = self.effects[self.reforms.index(reform), self.metric_names.index(metric)]
        return dict(zip(POSTERIOR_COLUMNS, map(float, row)))

    def drivers(self, reform: str, metric: str) -> list:
        """What one reform's effect on one headline metric hangs on (``posterior_drivers.csv``):
        every calibrated parameter as ``{parameter, share_of_spread, noise_95,
        effect_with_parameter}``, the largest first-order share of the effect's spread over the
        draws first; a share above ``noise_95`` is beyond chance (a permutation test at 5%)."""
        try:
            return list(self._drivers[(reform, metric)])
        except KeyError:
            raise ValueError(
                f"no drivers for reform {reform!r} and metric {metric!r}: reforms are {self.reforms}, "
                f"metrics the headline metrics {sorted({m for _, m in self._drivers})}"
            ) from None

    def value_of_information(self, metric: str) -> dict:
        """The choice among the baseline and the reforms on one headline metric
        (``posterior_value_of_information.csv``): ``choice_now`` (the best mean), the probability
        that it is the best, ``evpi`` (knowing every assumption before choosing, an upper bound)
        and ``evppi`` (``{parameter: value}``, the most valuable first), in the metric's units."""
        try:
            return dict(self._information[metric])
        except KeyError:
            raise ValueError(
                f"no value of information for metric {metric!r}: the headline metrics with a "
                f"better direction are {sorted(self._information)}"
            ) from None


def compare_posterior(
    baseline: PathLike,
    reforms: Any,
    posterior: PathLike,
    draws: int = 20,
    overrides: Overrides = None,
    seed: int | None = None,
    replications: int | None = None,
    threads: int = 0,
    scale: float = 1.0,
    target_ci: float | None = None,
    max_replications: int = 200,
) -> PosteriorCompareResult:
    """Reforms against a baseline over draws of a calibrated posterior, as ``custody-sim compare
    --posterior``: ``posterior`` is a calibration's output folder (its ``ensemble.csv``) or the
    file; ``draws`` draws spread over it, ``replications`` paired replications per draw (draw k,
    replication r on stream k x replications + r). With ``target_ci``, more draws or more
    replications per draw until every headline effect's mean over the posterior is known to within
    it, capped by the ensemble and ``max_replications`` draws x replications (as ``--target-ci``
    with ``--posterior``; ``stop_reason`` says which stop was reached). Other arguments as
    :func:`compare`.

    Returns:
        a :class:`PosteriorCompareResult` (the numbers of ``posterior_effects.csv``).
    """
    seed = _count("seed", seed, DEFAULT_SEED)
    replications = _count("replications", replications, DEFAULT_REPLICATIONS)
    threads = _count("threads", threads, 0)
    draws = _count("draws", draws, 20)
    common = _overrides(overrides)
    base = os.fspath(baseline)
    specs = [(_stem(base), base, common)] + _reform_specs(baseline, reforms, common)
    raw = _core.compare(
        specs,
        seed,
        replications,
        threads,
        float(scale),
        None if target_ci is None else float(target_ci),
        max_replications,
        os.fspath(posterior),
        draws,
    )
    return PosteriorCompareResult(raw, seed, float(scale))


def parameters(scenario: PathLike) -> dict:
    """Every dotted path of a scenario file that ``overrides`` may set, with its value as text."""
    return dict(_core.parameters(os.fspath(scenario)))
