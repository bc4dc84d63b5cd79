//! Random weight matrices for binary networks (issue #17): the width–density–balance family
//! and the N-rooks family. Every draw comes from one Xoshiro256++ stream seeded by `seed`, so
//! the same settings and seed give the same matrix.

use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::error::{NetsError, Result, check_memory, ensure_param};

/// Refuse an n × n weight matrix over the memory budget before drawing it.
fn check_weights(n: usize) -> Result<()> {
    check_memory(
        "n",
        &format!("an {n} × {n} weight matrix"),
        infoscope_budget::bytes_of((n as u128) * (n as u128), 8),
        "use fewer neurons",
    )
}

/// The distribution of a non-zero weight's magnitude, of width w.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Magnitude {
    /// |N(0, w²)| (the default).
    #[default]
    HalfNormal,
    /// Uniform on (0, w).
    Uniform,
}

/// The width–density–balance family: each weight is non-zero with probability `density`,
/// positive with probability (1 + `balance`)/2, its magnitude drawn from `magnitude` with
/// width `width`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct WidthDensityBalance {
    /// N.
    pub n: usize,
    /// w ≥ 0.
    pub width: f64,
    /// d ∈ [0, 1].
    pub density: f64,
    /// b ∈ [−1, 1].
    pub balance: f64,
    /// The magnitude distribution (default half-normal).
    pub magnitude: Magnitude,
    /// Whether self-connections W_ii may be non-zero.
    pub diagonal: bool,
}

impl WidthDensityBalance {
    /// One `n × n` draw.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] naming `n`, `width`, `density` or `balance` when out of
    /// range (n ≥ 1, w finite ≥ 0, d ∈ [0, 1], b ∈ [−1, 1]).
    pub fn sample(&self, seed: u64) -> Result<Array2<f64>> {
        ensure_param!(self.n >= 1, "n", "must be ≥ 1, got {}", self.n);
        ensure_param!(
            self.width.is_finite() && self.width >= 0.0,
            "width",
            "must be finite and ≥ 0, got {}",
            self.width
        );
        ensure_param!(
            (0.0..=1.0).contains(&self.density),
            "density",
            "must lie in [0, 1], got {}",
            self.density
        );
        ensure_param!(
            (-1.0..=1.0).contains(&self.balance),
            "balance",
            "must lie in [-1, 1], got {}",
            self.balance
        );
        let normal = Normal::<f64>::new(0.0, 1.0).map_err(|e| NetsError::InvalidParameter {
            name: "width",
            reason: e.to_string(),
        })?;
        check_weights(self.n)?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let positive = f64::midpoint(1.0, self.balance);
        let mut w = Array2::zeros((self.n, self.n));
        for ((i, j), v) in w.indexed_iter_mut() {
            if (i == j && !self.diagonal) || rng.random::<f64>() >= self.density {
                continue;
            }
            let sign = if rng.random::<f64>() < positive {
                1.0
            } else {
                -1.0
            };
            let size = match self.magnitude {
                Magnitude::HalfNormal => self.width * normal.sample(&mut rng).abs(),
                Magnitude::Uniform => self.width * rng.random::<f64>(),
            };
            *v = sign * size;
        }
        Ok(w)
    }
}

/// The N-rooks family: one strong weight per row and per column, W = strength · P for a
/// uniformly random permutation matrix P (P_{i, σ(i)} = 1: neuron i listens to σ(i)), plus an
/// optional Gaussian background N(0, background²) on every other entry (off the diagonal
/// unless `diagonal`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rooks {
    /// N.
    pub n: usize,
    /// The strong weight.
    pub strength: f64,
    /// Standard deviation of the background (0 for none).
    pub background: f64,
    /// Whether the permutation may have fixed points (self-connections); without, σ is a
    /// uniformly random derangement (needs N ≥ 2).
    pub diagonal: bool,
}

impl Rooks {
    /// One draw: the matrix and the permutation σ (row i's strong weight sits in column σ(i)).
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] naming `n` (n ≥ 1, and ≥ 2 without the diagonal),
    /// `strength` (finite) or `background` (finite, ≥ 0).
    pub fn sample(&self, seed: u64) -> Result<(Array2<f64>, Vec<usize>)> {
        let min_n = if self.diagonal { 1 } else { 2 };
        ensure_param!(
            self.n >= min_n,
            "n",
            "must be ≥ {min_n}{}, got {}",
            if self.diagonal {
                ""
            } else {
                " (without self-connections a permutation needs two neurons)"
            },
            self.n
        );
        ensure_param!(
            self.strength.is_finite(),
            "strength",
            "must be finite, got {}",
            self.strength
        );
        ensure_param!(
            self.background.is_finite() && self.background >= 0.0,
            "background",
            "must be finite and ≥ 0, got {}",
            self.background
        );
        let normal =
            Normal::new(0.0, self.background).map_err(|e| NetsError::InvalidParameter {
                name: "background",
                reason: format!("must be finite and ≥ 0, got {} ({e})", self.background),
            })?;
        check_weights(self.n)?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        // Fisher–Yates; without the diagonal, redraw until σ has no fixed point
        // (probability → 1/e per try, so a few tries).
        let sigma = loop {
            let mut sigma: Vec<usize> = (0..self.n).collect();
            for i in (1..self.n).rev() {
                let j = rng.random_range(0..=i);
                sigma.swap(i, j);
            }
            if self.diagonal || sigma.iter().enumerate().all(|(i, &s)| i != s) {
                break sigma;
            }
        };
        let mut w = Array2::zeros((self.n, self.n));
        if self.background > 0.0 {
            for ((i, j), v) in w.indexed_iter_mut() {
                let draw = normal.sample(&mut rng);
                if i != j || self.diagonal {
                    *v = draw;
                }
            }
        }
        for (i, &s) in sigma.iter().enumerate() {
            w[[i, s]] = self.strength;
        }
        Ok((w, sigma))
    }
}
