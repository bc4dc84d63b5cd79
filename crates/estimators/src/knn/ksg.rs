//! [`Ksg`]: the Kraskov–Stögbauer–Grassberger mutual-information estimator (algorithm 1).

use ndarray::{ArrayView2, Axis, concatenate};
use serde::{Deserialize, Serialize};

use super::prepare::{Noise, prepare, stream};
use super::{SearchMethod, count_within, kth_neighbor_distances};
use crate::error::{Result, ensure_param};
use crate::estimate::{Estimate, Quantity};
use crate::special::digamma;
use crate::traits::MutualInformation;
use crate::validate::{check_matrix, check_same_rows};

/// Unchecked parameters of [`Ksg`]. Defaults: `k = 3` (NPEET's and scikit-learn's default,
/// SPEC.md §1.3), `normalize = false`, `noise = None`, `seed = 0` (used only with noise),
/// `search = Auto`. [`KsgParams::jidt_compatible`] sets JIDT's defaults: z-scoring and
/// Gaussian noise of standard deviation 1e-8 (JIDT's `NOISE_LEVEL_TO_ADD`, after MILCA).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KsgParams {
    /// The number of neighbours (≥ 1).
    pub k: usize,
    /// z-score every column of X and Y before the search.
    pub normalize: bool,
    /// Noise added to break ties (after z-scoring).
    pub noise: Noise,
    /// Seed of the noise stream.
    pub seed: u64,
    /// The neighbour-search backend (results are identical for all).
    pub search: SearchMethod,
}

impl Default for KsgParams {
    fn default() -> Self {
        Self {
            k: 3,
            normalize: false,
            noise: Noise::None,
            seed: 0,
            search: SearchMethod::Auto,
        }
    }
}

impl KsgParams {
    /// Set the number of neighbours.
    #[must_use]
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// z-score every column before the search.
    #[must_use]
    pub fn normalize(mut self, normalize: bool) -> Self {
        self.normalize = normalize;
        self
    }

    /// Add noise before the search (off by default).
    #[must_use]
    pub fn noise(mut self, noise: Noise) -> Self {
        self.noise = noise;
        self
    }

    /// Seed of the noise stream.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// JIDT's defaults: z-scoring and Gaussian noise of standard deviation 1e-8.
    #[must_use]
    pub fn jidt_compatible(self) -> Self {
        self.normalize(true).noise(Noise::Gaussian { std: 1e-8 })
    }

    /// Force a neighbour-search backend.
    #[must_use]
    pub fn search(mut self, search: SearchMethod) -> Self {
        self.search = search;
        self
    }

    /// Validate the parameters.
    pub fn check(self) -> Result<Ksg> {
        ensure_param!(self.k >= 1, "k", "k must be at least 1, got {}", self.k);
        if let Noise::Gaussian { std } = self.noise {
            ensure_param!(
                std.is_finite() && std > 0.0,
                "noise",
                "the noise standard deviation must be finite and > 0, got {std}"
            );
        }
        Ok(Ksg { params: self })
    }
}

/// KSG algorithm 1 (Kraskov, Stögbauer & Grassberger, PRE 69, 066138, 2004, eq. 8), in nats:
///
/// $$\hat I = \psi(k) + \psi(N) - \langle \psi(n_x + 1) + \psi(n_y + 1) \rangle$$
///
/// where $\varepsilon_i$ is the max-norm distance from $z_i = (x_i, y_i)$ to its $k$-th nearest
/// neighbour and $n_x(i) = \#\{j \ne i : \lVert x_i - x_j \rVert_\infty < \varepsilon_i\}$
/// (strictly less), likewise $n_y$. Counting is exact (no epsilon shrink, no added noise).
///
/// Ties: where $\varepsilon_i = 0$ (exact duplicates in the joint space, as with discrete,
/// saturated or rounded data) the estimator is not valid; the fraction of such samples is
/// reported as the diagnostic `zero_distance_fraction` with a warning, never hidden.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ksg {
    params: KsgParams,
}

impl Ksg {
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> KsgParams {
        KsgParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> KsgParams {
        self.params
    }

    /// The local (pointwise) values $\psi(k) + \psi(N) - \psi(n_x(i)+1) - \psi(n_y(i)+1)$, in
    /// nats; their mean is the estimate.
    pub fn local_values(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        Ok(self.locals(x, y)?.0)
    }

    /// Locals and the number of samples with a zero k-th neighbour distance.
    fn locals(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<(Vec<f64>, usize)> {
        let k = self.params.k;
        check_matrix("x", x, 2)?;
        check_matrix("y", y, 2)?;
        check_same_rows("x", x.nrows(), "y", y.nrows())?;
        let n = x.nrows();
        ensure_param!(k < n, "k", "k = {k} needs more than {k} samples, got {n}");
        let mut rng = stream(self.params.seed);
        let (normalize, noise) = (self.params.normalize, self.params.noise);
        let x = prepare(x, normalize, noise, &mut rng);
        let y = prepare(y, normalize, noise, &mut rng);
        let (x, y) = (x.view(), y.view());
        let joint =
            concatenate(Axis(1), &[x, y]).map_err(|e| crate::EstimatorError::OutOfRange {
                argument: "y",
                detail: format!("cannot join x and y: {e}"),
            })?;
        let search = self.params.search;
        let eps = kth_neighbor_distances(joint.view(), k, search)?;
        let nx = count_within(x, &eps, true, search)?;
        let ny = count_within(y, &eps, true, search)?;
        let base = digamma(k as f64) + digamma(n as f64);
        let locals = nx
            .iter()
            .zip(&ny)
            .map(|(&a, &b)| base - digamma(a as f64 + 1.0) - digamma(b as f64 + 1.0))
            .collect();
        Ok((locals, eps.iter().filter(|&&e| e == 0.0).count()))
    }
}

impl MutualInformation for Ksg {
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate> {
        let (locals, zeros) = self.locals(x, y)?;
        let n = locals.len();
        let value = locals.iter().sum::<f64>() / n as f64;
        let config = serde_json::to_value(self.params).unwrap_or_default();
        let zero_fraction = zeros as f64 / n as f64;
        let mut est = Estimate::new(value, Quantity::MutualInformation, "ksg", n, config)
            .with_diagnostic("algorithm", 1)
            .with_diagnostic("k", self.params.k)
            .with_diagnostic("zero_distance_fraction", zero_fraction);
        if zeros > 0 {
            est = est.with_warning(format!(
                "{zeros} of {n} samples ({:.2}%) have a zero k-th neighbour distance (exact \
                 duplicates): KSG is not valid for discrete or heavily tied data there; use the \
                 binned/plug-in estimator",
                100.0 * zero_fraction
            ));
        }
        Ok(est)
    }
}
