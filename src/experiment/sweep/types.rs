//! What the parts of a sweep file's reading share: the design kind with what its analysis needs,
//! and the metrics ranked by default. Here so that `checks` and `points` import them from below
//! and `mod.rs` imports those files one way.

use crate::experiment::design;

/// The design, with what its analysis needs (`Csv`: points read from a design CSV, row by row).
#[derive(Debug, Clone)]
pub(crate) enum Design {
    Grid,
    LatinHypercube,
    Morris { design: design::MorrisDesign },
    Sobol { samples: usize, bootstrap: usize },
    Csv,
}

impl Design {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::LatinHypercube => "latin_hypercube",
            Design::Morris { .. } => "morris",
            Design::Sobol { .. } => "sobol",
            Design::Csv => "csv",
        }
    }
}

/// Metrics ranked by default (the catalogue's list).
pub(crate) const DEFAULT_METRICS: &[&str] = &crate::sim::metrics::SWEEP_DEFAULT;
