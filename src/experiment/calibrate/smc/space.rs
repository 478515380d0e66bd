//! The latent space of ABC-SMC's particles: one coordinate per parameter, where its prior is
//! uniform (the logarithm for a log-uniform prior; whole numbers rounded from an interval that
//! gives each value the same weight).

/// One coordinate of the latent space, where the prior is uniform on `[lo, hi]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dim {
    pub lo: f64,
    pub hi: f64,
    /// The parameter is the exponential of the coordinate (a log-uniform prior).
    pub log: bool,
    /// The parameter is a whole number in `[min, max]`: the coordinate rounded.
    pub integer: bool,
    min: f64,
    max: f64,
}

impl Dim {
    /// The latent coordinate of a parameter with range `[min, max]` (`min` > 0 if `log`; for a
    /// whole number, `min` - 1/2 > 0 if `log`).
    pub(crate) fn new(min: f64, max: f64, log: bool, integer: bool) -> Dim {
        let (a, b) = if integer {
            (min.ceil() - 0.5, max.floor() + 0.5)
        } else {
            (min, max)
        };
        let (lo, hi) = if log { (a.ln(), b.ln()) } else { (a, b) };
        Dim {
            lo,
            hi,
            log,
            integer,
            min,
            max,
        }
    }

    /// The parameter's value at coordinate `z`.
    pub(crate) fn value(&self, z: f64) -> f64 {
        let x = if self.log { z.exp() } else { z };
        if self.integer {
            x.round().clamp(self.min.ceil(), self.max.floor())
        } else {
            x.clamp(self.min, self.max)
        }
    }

    /// The coordinate at quantile `u` in `[0, 1]` of the prior.
    pub(crate) fn at(&self, u: f64) -> f64 {
        self.lo + u * (self.hi - self.lo)
    }

    pub(super) fn inside(&self, z: f64) -> bool {
        z >= self.lo && z <= self.hi
    }
}
