//! Sobol' low-discrepancy sequences (Sobol' 1967) with the direction numbers of Joe and Kuo (2008,
//! "new-joe-kuo-6", up to 1,000 dimensions), optionally scrambled by Matoušek's (1998) random linear
//! matrix scramble with a random digital shift (LMS + shift, as scipy's `qmc.Sobol` does), and the
//! Saltelli design built from one such sequence of `2k` dimensions (the first `k` coordinates are
//! the matrix `A`, the last `k` the matrix `B`, as SALib and scipy do).
//!
//! Pure: no I/O. Points are produced in Gray-code order (Antonov and Saleev 1979), the order of
//! Joe and Kuo's own program and of scipy, so the unscrambled points equal theirs. Each point has
//! 32 binary digits per coordinate (at most 2^32 points).

use rand::Rng;

use super::design::{check_size, saltelli_points, DesignError};
use crate::rng::Stream;

/// Binary digits per coordinate.
const BITS: usize = 32;
/// Dimensions the embedded direction numbers cover.
pub(crate) const MAX_DIMENSIONS: usize = 1000;

/// Joe and Kuo's table (see the file's header for its source and licence).
const JOE_KUO: &str = include_str!("joe_kuo_d6.txt");

/// The 32 direction numbers of every dimension (`v[k]`: digit 1 is the most significant bit).
fn direction_numbers(dims: usize) -> Vec<[u32; BITS]> {
    let mut out = Vec::with_capacity(dims);
    // Dimension 1: the van der Corput sequence.
    let mut first = [0u32; BITS];
    for (k, v) in first.iter_mut().enumerate() {
        *v = 1u32 << (BITS - 1 - k);
    }
    out.push(first);
    for line in JOE_KUO
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        if out.len() == dims {
            break;
        }
        let nums: Vec<u32> = line
            .split_whitespace()
            .map(|t| {
                t.parse()
                    .expect("the embedded direction numbers are numbers")
            })
            .collect();
        let (s, a) = (nums[1] as usize, nums[2]);
        let m = &nums[3..3 + s];
        let mut v = [0u32; BITS];
        for k in 0..BITS {
            v[k] = if k < s {
                m[k] << (BITS - 1 - k)
            } else {
                let mut x = v[k - s] ^ (v[k - s] >> s);
                for j in 1..s {
                    if (a >> (s - 1 - j)) & 1 == 1 {
                        x ^= v[k - j];
                    }
                }
                x
            };
        }
        out.push(v);
    }
    out
}

/// A Sobol' sequence of a fixed number of dimensions, plain or scrambled.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sobol {
    /// Per dimension, the (scrambled) direction numbers.
    v: Vec<[u32; BITS]>,
    /// Per dimension, the digital shift (0 when not scrambled).
    shift: Vec<u32>,
}

impl Sobol {
    fn check(dims: usize) -> Result<(), DesignError> {
        if dims == 0 {
            return Err(DesignError::NoFactors { what: "sobol" });
        }
        if dims > MAX_DIMENSIONS {
            return Err(DesignError::TooLarge {
                what: "sobol (at most 1000 dimensions)",
            });
        }
        Ok(())
    }

    /// The plain sequence (its first point is the origin).
    pub(crate) fn new(dims: usize) -> Result<Sobol, DesignError> {
        Sobol::check(dims)?;
        Ok(Sobol {
            v: direction_numbers(dims),
            shift: vec![0; dims],
        })
    }

    /// The sequence scrambled by a random linear matrix scramble and a digital shift: per dimension
    /// (0 first) the stream draws 32 rows of a lower-triangular binary matrix with a unit diagonal
    /// (row `r` from one `u32`, keeping the bits of the digits before `r`), then one `u32` shift.
    /// Every digit `r` of a direction number becomes the parity of row `r` and the number's first
    /// `r + 1` digits; every point is then XOR-ed with the shift. Both keep the net properties of
    /// the sequence (each of the first `2^m` points alone in its interval of length `2^-m` in every
    /// coordinate) and make the points uniform on `[0, 1)`.
    pub(crate) fn scrambled(dims: usize, rng: &mut Stream) -> Result<Sobol, DesignError> {
        let mut s = Sobol::new(dims)?;
        for d in 0..dims {
            let mut rows = [0u32; BITS];
            for (r, row) in rows.iter_mut().enumerate() {
                let diagonal = 1u32 << (BITS - 1 - r);
                // Bits of the digits before r are the ones above the diagonal bit.
                let above = !(diagonal | (diagonal - 1));
                *row = diagonal | (rng.random::<u32>() & above);
            }
            for v in s.v[d].iter_mut() {
                let mut out = 0u32;
                for (r, row) in rows.iter().enumerate() {
                    if (row & *v).count_ones() % 2 == 1 {
                        out |= 1u32 << (BITS - 1 - r);
                    }
                }
                *v = out;
            }
            s.shift[d] = rng.random::<u32>();
        }
        Ok(s)
    }

    #[cfg(test)]
    pub(crate) fn dims(&self) -> usize {
        self.v.len()
    }

    /// Point `i` (Gray-code order: the XOR of the direction numbers of the set bits of
    /// `i ^ (i >> 1)`), each coordinate `digits / 2^32` in `[0, 1)`.
    pub(crate) fn point(&self, i: u32) -> Vec<f64> {
        let g = i ^ (i >> 1);
        self.v
            .iter()
            .zip(&self.shift)
            .map(|(v, &shift)| {
                let mut x = shift;
                let mut bits = g;
                while bits != 0 {
                    let b = bits.trailing_zeros() as usize;
                    x ^= v[b];
                    bits &= bits - 1;
                }
                f64::from(x) / 4_294_967_296.0
            })
            .collect()
    }

    /// The first `n` points.
    pub(crate) fn points(&self, n: usize) -> Result<Vec<Vec<f64>>, DesignError> {
        if n as u64 > 1u64 << BITS {
            return Err(DesignError::TooLarge {
                what: "sobol (at most 2^32 points)",
            });
        }
        Ok((0..n).map(|i| self.point(i as u32)).collect())
    }
}

/// A Saltelli design of `n * (k + 2)` points (laid out as [`super::design::saltelli_design`]: `A`,
/// `B`, then each `AB_i`) whose base matrices come from one scrambled Sobol' sequence of `2k`
/// dimensions: `A` its first `k` coordinates, `B` the last `k`. `n` should be a power of 2 (the
/// caller checks), so that every prefix of `2^m` rows keeps the sequence's balance.
pub(crate) fn saltelli_design(
    n: usize,
    k: usize,
    rng: &mut Stream,
) -> Result<Vec<Vec<f64>>, DesignError> {
    check_size("saltelli_design (sobol sequence)", ("n", n), k)?;
    let base = Sobol::scrambled(2 * k, rng)?.points(n)?;
    let a: Vec<Vec<f64>> = base.iter().map(|p| p[..k].to_vec()).collect();
    let b: Vec<Vec<f64>> = base.iter().map(|p| p[k..].to_vec()).collect();
    Ok(saltelli_points(&a, &b, k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_first_points_equal_the_published_ones() {
        // scipy.stats.qmc.Sobol(d=2, scramble=False).random_base2(m=3), as in its documentation
        // (the same Joe-Kuo direction numbers, Gray-code order).
        let want = [
            [0.0, 0.0],
            [0.5, 0.5],
            [0.75, 0.25],
            [0.25, 0.75],
            [0.375, 0.375],
            [0.875, 0.875],
            [0.625, 0.125],
            [0.125, 0.625],
        ];
        let s = Sobol::new(2).unwrap();
        for (i, w) in want.iter().enumerate() {
            assert_eq!(s.point(i as u32), w.to_vec(), "point {i}");
        }
        // Joe and Kuo's dimension 3 (s = 2, a = 1, m = 1, 3): v = 1/2, 3/4, then
        // v3 = v1 ^ (v1 >> 2) ^ v2 = 1/2 ^ 1/8 ^ 3/4 = 3/8.
        let s3 = Sobol::new(3).unwrap();
        assert_eq!(s3.point(1)[2], 0.5);
        assert_eq!(s3.point(2)[2], 0.25); // gray 3: 1/2 ^ 3/4
        assert_eq!(s3.point(3)[2], 0.75); // gray 2: 3/4
        assert_eq!(s3.point(4)[2], 0.625); // gray 6: 3/4 ^ 3/8
    }

    #[test]
    fn every_dimension_is_balanced_and_two_dimensional_projections_are_nets() {
        let s = Sobol::new(MAX_DIMENSIONS).unwrap();
        let n = 64;
        let pts = s.points(n).unwrap();
        for d in 0..MAX_DIMENSIONS {
            let mut seen = vec![false; n];
            for p in &pts {
                let cell = (p[d] * n as f64) as usize;
                assert!(!seen[cell], "dimension {d}: two points in cell {cell}");
                seen[cell] = true;
            }
        }
        // Dimensions 1 and 2 form a (0, m, 2)-net: each 8 x 8 cell holds one of 64 points.
        let mut grid = [[0u8; 8]; 8];
        for p in &pts {
            grid[(p[0] * 8.0) as usize][(p[1] * 8.0) as usize] += 1;
        }
        assert!(grid.iter().flatten().all(|&c| c == 1), "{grid:?}");
    }

    #[test]
    fn scrambling_keeps_the_balance_moves_the_points_and_is_reproducible() {
        let mut r = Stream::seed_from_u64(5);
        let s = Sobol::scrambled(12, &mut r).unwrap();
        let n = 256;
        let pts = s.points(n).unwrap();
        for d in 0..12 {
            let mut seen = vec![false; n];
            for p in &pts {
                assert!((0.0..1.0).contains(&p[d]));
                let cell = (p[d] * n as f64) as usize;
                assert!(!seen[cell], "dimension {d}");
                seen[cell] = true;
            }
        }
        assert_ne!(pts[0], vec![0.0; 12]);
        assert_ne!(pts, Sobol::new(12).unwrap().points(n).unwrap());
        let again = Sobol::scrambled(12, &mut Stream::seed_from_u64(5)).unwrap();
        assert_eq!(again.points(n).unwrap(), pts);
        assert_ne!(
            Sobol::scrambled(12, &mut Stream::seed_from_u64(6))
                .unwrap()
                .points(n)
                .unwrap(),
            pts
        );
        // The mean of each coordinate over 2^m points is close to 1/2.
        for d in 0..12 {
            let mean: f64 = pts.iter().map(|p| p[d]).sum::<f64>() / n as f64;
            assert!((mean - 0.5).abs() < 0.01, "{d}: {mean}");
        }
    }

    #[test]
    fn too_many_dimensions_or_none_are_refused() {
        assert!(Sobol::new(0).is_err());
        assert!(Sobol::new(MAX_DIMENSIONS + 1).is_err());
        assert_eq!(Sobol::new(MAX_DIMENSIONS).unwrap().dims(), MAX_DIMENSIONS);
    }

    #[test]
    fn sobol_indices_from_a_sobol_sequence_design_beat_monte_carlo_on_ishigami() {
        use std::f64::consts::PI;
        let ishigami = |u: &[f64]| {
            let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
            x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
        };
        // Analytical indices (a = 7, b = 0.1).
        let (s1, st) = ([0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]);
        let (n, k) = (1024, 3);
        let error = |pts: Vec<Vec<f64>>| -> f64 {
            assert_eq!(pts.len(), n * (k + 2));
            let y: Vec<f64> = pts.iter().map(|p| ishigami(p)).collect();
            let idx =
                super::super::design::sobol_analyze(&y, n, k, 1, &mut Stream::seed_from_u64(4))
                    .unwrap();
            (0..k)
                .map(|i| (idx[i].s1 - s1[i]).abs() + (idx[i].st - st[i]).abs())
                .sum::<f64>()
                / (2 * k) as f64
        };
        let (mut qmc, mut mc) = (0.0, 0.0);
        for seed in 0..10 {
            let q = error(saltelli_design(n, k, &mut Stream::seed_from_u64(seed)).unwrap());
            assert!(q < 0.02, "seed {seed}: mean error {q}");
            qmc += q / 10.0;
            mc += error(
                super::super::design::saltelli_design(n, k, &mut Stream::seed_from_u64(seed))
                    .unwrap(),
            ) / 10.0;
        }
        // Measured: about 0.004 against 0.02 for Monte Carlo base matrices of the same size.
        assert!(qmc < 0.01 && qmc < mc / 2.0, "qmc {qmc}, mc {mc}");
    }
}
