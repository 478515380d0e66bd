//! `custody_sim._core`: the Python extension module of custody-sim (PyO3). It calls the library's
//! [`custody_sim::app::api`] (the same loading, scaling, runner and statistics as the command line)
//! with the GIL released, and hands back plain Python values and the numbers as bytes of
//! native-endian `f64`; `custody_sim/__init__.py` turns them into numpy arrays and pandas frames.

use std::path::PathBuf;

use custody_sim::app::api::{self, CompareOptions, Stat};
use custody_sim::scenario::Scenario;
use custody_sim::sim::metrics::catalogue;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use toml::Value;

/// An error of the library as a Python exception: bad input (the command line's exit code 2) is a
/// `ValueError` carrying the library's message (the file, the field and what is allowed); a failed
/// run is a `RuntimeError`.
fn to_py(e: anyhow::Error) -> PyErr {
    let message = format!("{e:#}");
    if api::is_bad_input(&e) {
        PyValueError::new_err(message)
    } else {
        PyRuntimeError::new_err(message)
    }
}

/// A Python value as a TOML value: bool, int, float, str, and lists or dicts of them.
fn to_toml(path: &str, v: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.is_instance_of::<PyBool>() {
        Ok(Value::Boolean(v.extract()?))
    } else if v.is_instance_of::<PyInt>() {
        let i: i64 = v.extract().map_err(|_| {
            PyValueError::new_err(format!(
                "override `{path}`: the integer {v} does not fit in 64 bits"
            ))
        })?;
        Ok(Value::Integer(i))
    } else if v.is_instance_of::<PyFloat>() {
        Ok(Value::Float(v.extract()?))
    } else if v.is_instance_of::<PyString>() {
        Ok(Value::String(v.extract()?))
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, x) in v.try_iter()?.enumerate() {
            out.push(to_toml(&format!("{path}[{i}]"), &x?)?);
        }
        Ok(Value::Array(out))
    } else if let Ok(d) = v.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, x) in d.iter() {
            let k: String = k.extract()?;
            let sub = to_toml(&format!("{path}.{k}"), &x)?;
            t.insert(k, sub);
        }
        Ok(Value::Table(t))
    } else {
        Err(PyTypeError::new_err(format!(
            "override `{path}`: a value of type {} cannot be written in a scenario (use bool, int, float, str, or a list or dict of them)",
            v.get_type().name()?
        )))
    }
}

/// Overrides as (dotted path, value) pairs, in the order given.
fn overrides(items: Vec<(String, Bound<'_, PyAny>)>) -> PyResult<Vec<(String, Value)>> {
    items
        .into_iter()
        .map(|(p, v)| {
            let t = to_toml(&p, &v)?;
            Ok((p, t))
        })
        .collect()
}

/// Native-endian bytes of `f64`s (numpy reads them with `frombuffer`).
fn bytes<'py>(py: Python<'py>, xs: impl IntoIterator<Item = f64>) -> Bound<'py, PyBytes> {
    let raw: Vec<u8> = xs.into_iter().flat_map(f64::to_ne_bytes).collect();
    PyBytes::new(py, &raw)
}

/// A row of `headline.csv` after the metric: replications, mean, sd, ci95_low, ci95_high.
fn stat(s: &Stat) -> [f64; 5] {
    [s.n as f64, s.mean, s.sd, s.low, s.high]
}

/// Run a scenario file: the numbers `custody-sim run` writes.
#[pyfunction]
#[pyo3(signature = (scenario, overrides=Vec::new(), seed=20190101, replications=10, threads=0, scale=1.0))]
fn run<'py>(
    py: Python<'py>,
    scenario: PathBuf,
    overrides: Vec<(String, Bound<'py, PyAny>)>,
    seed: u64,
    replications: u64,
    threads: u64,
    scale: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let values = self::overrides(overrides)?;
    let out = py
        .detach(|| {
            let s = api::load(&scenario, &values, scale)?;
            api::run(&s, seed, replications, threads)
        })
        .map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("name", &out.name)?;
    d.set_item("metrics", &out.metrics)?;
    d.set_item("values", bytes(py, out.values.iter().flatten().copied()))?;
    d.set_item("headline", bytes(py, out.headline.iter().flat_map(stat)))?;
    d.set_item("series", &out.series)?;
    d.set_item("dates", &out.dates)?;
    d.set_item("timeseries", bytes(py, out.timeseries.iter().copied()))?;
    d.set_item("threads", out.threads)?;
    d.set_item("wall_time_seconds", out.wall_time_seconds)?;
    Ok(d)
}

/// Compare scenarios with common random numbers: the numbers `custody-sim compare` writes.
/// `scenarios` holds (name, scenario file, overrides) per scenario, the baseline first.
#[pyfunction]
#[pyo3(signature = (scenarios, seed=20190101, replications=10, threads=0, scale=1.0, target_ci=None, max_replications=200, posterior=None, draws=20))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn compare<'py>(
    py: Python<'py>,
    scenarios: Vec<(String, PathBuf, Vec<(String, Bound<'py, PyAny>)>)>,
    seed: u64,
    replications: u64,
    threads: u64,
    scale: f64,
    target_ci: Option<f64>,
    max_replications: u64,
    posterior: Option<PathBuf>,
    draws: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let mut names = Vec::new();
    let mut specs = Vec::new();
    for (name, path, o) in scenarios {
        names.push(name);
        specs.push((path, self::overrides(o)?));
    }
    let options = CompareOptions {
        seed,
        replications,
        threads,
        target_ci,
        max_replications,
    };
    if let Some(ensemble) = posterior {
        let out = py
            .detach(|| {
                // Whole-cohort scenarios: a draw's values go in before the scale.
                let loaded: Vec<Scenario> = specs
                    .iter()
                    .map(|(p, o)| api::load(p, o, 1.0))
                    .collect::<anyhow::Result<_>>()?;
                let (base, reforms) = loaded
                    .split_first()
                    .ok_or_else(|| anyhow::anyhow!("no baseline given"))?;
                api::compare_posterior(base, reforms, &names, &options, (&ensemble, draws, scale))
            })
            .map_err(to_py)?;
        let d = PyDict::new(py);
        d.set_item("names", &names)?;
        d.set_item("metrics", &out.metrics)?;
        d.set_item(
            "posterior",
            bytes(py, out.rows.iter().flatten().flatten().copied()),
        )?;
        d.set_item("sets", &out.sets)?;
        d.set_item("draws", &out.draws)?;
        d.set_item("replications_per_draw", out.replications_per_draw)?;
        d.set_item("stop_reason", &out.stop_reason)?;
        d.set_item("parameters", &out.parameters)?;
        d.set_item("values", bytes(py, out.values.iter().flatten().copied()))?;
        d.set_item(
            "draw_effects",
            bytes(py, out.draw_effects.iter().flatten().flatten().copied()),
        )?;
        d.set_item("drivers", &out.drivers)?;
        d.set_item("information", &out.information)?;
        d.set_item("threads", out.threads)?;
        d.set_item("wall_time_seconds", out.wall_time_seconds)?;
        return Ok(d);
    }
    let out = py
        .detach(|| {
            let loaded: Vec<Scenario> = specs
                .iter()
                .map(|(p, o)| api::load(p, o, scale))
                .collect::<anyhow::Result<_>>()?;
            let (base, reforms) = loaded
                .split_first()
                .ok_or_else(|| anyhow::anyhow!("no baseline given"))?;
            api::compare(base, reforms, &names, &options)
        })
        .map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("names", &names)?;
    d.set_item("metrics", &out.metrics)?;
    d.set_item(
        "values",
        bytes(py, out.values.iter().flatten().flatten().copied()),
    )?;
    let rows = out.rows.iter().flatten().flat_map(|r| {
        [
            r.difference.n as f64,
            r.baseline.mean,
            r.reform.mean,
            r.difference.mean,
            r.difference.low,
            r.difference.high,
            r.paired_half_width,
            r.unpaired_half_width,
            r.width_ratio,
        ]
    });
    d.set_item("rows", bytes(py, rows))?;
    d.set_item("changes", &out.changes)?;
    d.set_item("replications", out.replications)?;
    d.set_item("stop_reason", &out.stop_reason)?;
    d.set_item("threads", out.threads)?;
    d.set_item("wall_time_seconds", out.wall_time_seconds)?;
    Ok(d)
}

/// The leaf paths of a scenario file that overrides may set (`a.b`, `a.b[0]`, `a.b[0].c`), with
/// their current values as text.
#[pyfunction]
fn parameters(py: Python<'_>, scenario: PathBuf) -> PyResult<Vec<(String, String)>> {
    py.detach(|| {
        let s = api::load(&scenario, &[], 1.0)?;
        Ok(s.leaf_paths()
            .into_iter()
            .map(|p| {
                let v = s.value(&p).map(show).unwrap_or_default();
                (p, v)
            })
            .collect())
    })
    .map_err(to_py)
}

/// The metric catalogue, in the order of `summary.csv`'s columns: per metric a dict of `key`,
/// `label` (words for people), `unit`, `better` (`lower`, `higher` or `neither`), `lens` (`ice`,
/// `pooled`, `orr`, `court`, or `None` for the pipeline's counts) and `kind` (`count`, `share`,
/// `hours`, `days`, `years` or `day_index`).
#[pyfunction]
fn metrics(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    catalogue()
        .iter()
        .map(|m| {
            let d = PyDict::new(py);
            d.set_item("key", &m.key)?;
            d.set_item("label", &m.label)?;
            d.set_item("unit", m.unit)?;
            d.set_item("better", m.better.name())?;
            d.set_item("lens", m.lens.map(|l| l.prefix()))?;
            d.set_item("kind", m.kind.name())?;
            Ok(d)
        })
        .collect()
}

/// A TOML value as text (strings without quotes).
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Sequential Monte Carlo ABC over any model (the algorithm of `calibrate` with kind = "abc_smc"):
/// `ask()` a round of parameter values, run the model, `tell()` their distances, until `done()`.
#[pyclass(module = "custody_sim._core", name = "AbcSmc")]
struct PyAbcSmc {
    inner: api::AbcSmc,
}

/// A parameter dict: `name`, `min`, `max`, optional `prior` ("uniform" or "log_uniform") and
/// `integer` (bool).
fn smc_parameter(i: usize, d: &Bound<'_, PyDict>) -> PyResult<api::SmcParameter> {
    let need = |k: &str| -> PyResult<Bound<'_, PyAny>> {
        d.get_item(k)?
            .ok_or_else(|| PyValueError::new_err(format!("parameters[{i}]: missing `{k}`")))
    };
    let prior: String = match d.get_item("prior")? {
        Some(p) => p.extract()?,
        None => "uniform".into(),
    };
    let log = match prior.as_str() {
        "uniform" => false,
        "log_uniform" => true,
        other => {
            return Err(PyValueError::new_err(format!(
                "parameters[{i}].prior: \"{other}\": must be \"uniform\" or \"log_uniform\""
            )))
        }
    };
    Ok(api::SmcParameter {
        name: need("name")?.extract()?,
        min: need("min")?.extract()?,
        max: need("max")?.extract()?,
        log,
        integer: match d.get_item("integer")? {
            Some(b) => b.extract()?,
            None => false,
        },
    })
}

#[pymethods]
impl PyAbcSmc {
    #[new]
    #[pyo3(signature = (parameters, population, alpha=0.5, min_acceptance=0.05, max_generations=20, kernel="global", seed=20190101, min_tolerance=0.0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        parameters: Vec<Bound<'_, PyDict>>,
        population: u64,
        alpha: f64,
        min_acceptance: f64,
        max_generations: u32,
        kernel: &str,
        seed: u64,
        min_tolerance: f64,
    ) -> PyResult<Self> {
        let params = parameters
            .iter()
            .enumerate()
            .map(|(i, d)| smc_parameter(i, d))
            .collect::<PyResult<Vec<_>>>()?;
        let inner = api::AbcSmc::new(
            &params,
            population,
            alpha,
            min_acceptance,
            min_tolerance,
            max_generations,
            kernel,
            seed,
        )
        .map_err(to_py)?;
        Ok(PyAbcSmc { inner })
    }

    /// Whether the calibration has stopped.
    fn done(&self) -> bool {
        self.inner.stopped().is_some()
    }

    /// Why it stopped (None while it runs).
    fn stop_reason(&self) -> Option<&'static str> {
        self.inner.stopped()
    }

    /// The next round of parameter values: a list of dicts name -> value.
    fn ask<'py>(&mut self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let rows = self.inner.ask();
        rows.iter().map(|r| self.row(py, r)).collect()
    }

    /// The distances of the round `ask()` gave, in its order (NaN for a failed run).
    fn tell(&mut self, distances: Vec<f64>) -> PyResult<()> {
        self.inner.tell(&distances).map_err(to_py)
    }

    /// The current population: (list of dicts name -> value, list of weights summing to 1).
    #[allow(clippy::type_complexity)]
    fn posterior<'py>(&self, py: Python<'py>) -> PyResult<(Vec<Bound<'py, PyDict>>, Vec<f64>)> {
        let (rows, w) = self.inner.posterior();
        let rows = rows
            .iter()
            .map(|r| self.row(py, r))
            .collect::<PyResult<_>>()?;
        Ok((rows, w))
    }

    /// Every generation so far: dicts of generation, tolerance, runs, acceptance, ess, abandoned.
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .history()
            .iter()
            .map(|h| {
                let d = PyDict::new(py);
                d.set_item("generation", h.generation)?;
                d.set_item("tolerance", h.tolerance)?;
                d.set_item("runs", h.runs)?;
                d.set_item("acceptance", h.acceptance)?;
                d.set_item("ess", h.ess)?;
                d.set_item("abandoned", h.abandoned)?;
                Ok(d)
            })
            .collect()
    }
}

impl PyAbcSmc {
    fn row<'py>(&self, py: Python<'py>, values: &[f64]) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (n, v) in self.inner.names().iter().zip(values) {
            d.set_item(n, v)?;
        }
        Ok(d)
    }
}

/// The compiled part of the custody_sim package (use `custody_sim.run` and `custody_sim.compare`).
#[pymodule]
mod _core {
    #[pymodule_export]
    use super::{compare, metrics, parameters, run, PyAbcSmc};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("CAVEATS", custody_sim::output::CAVEATS.to_vec())?;
        m.add(
            "HEADLINE_METRICS",
            custody_sim::sim::metrics::HEADLINE.to_vec(),
        )?;
        m.add(
            "HEADLINE_COLUMNS",
            custody_sim::output::schema::headline::COLUMNS[1..].to_vec(),
        )?;
        m.add(
            "COMPARISON_COLUMNS",
            custody_sim::output::schema::comparison::COLUMNS[3..].to_vec(),
        )?;
        m.add(
            "POSTERIOR_COLUMNS",
            custody_sim::app::api::POSTERIOR_COLUMNS.to_vec(),
        )?;
        Ok(())
    }
}
