//! Running scenarios: conservation, determinism, common random numbers, analytic checks.
