//! [`KozachenkoLeonenko`]: the kNN differential-entropy estimator.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::{NeighborIndex, SearchMethod, check_k_window};
use crate::error::{Result, ensure_param};
use crate::estimate::{Estimate, Quantity};
use crate::special::digamma;
use crate::traits::Entropy;
use crate::validate::check_matrix;

/// Unchecked parameters of [`KozachenkoLeonenko`]. Defaults: `k = 3`, Theiler window 0,
/// `search = Auto`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KozachenkoLeonenkoParams {
    /// The number of neighbours (≥ 1).
    pub k: usize,
    /// Theiler window `w`: samples `j` with `|i − j| ≤ w` are never neighbours of sample `i`.
    pub theiler: usize,
    /// The neighbour-search backend (results are identical for all).
    pub search: SearchMethod,
}

impl Default for KozachenkoLeonenkoParams {
    fn default() -> Self {
        Self {
            k: 3,
            theiler: 0,
            search: SearchMethod::Auto,
        }
    }
}

impl KozachenkoLeonenkoParams {
    /// Set the number of neighbours.
    #[must_use]
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Set the Theiler window.
    #[must_use]
    pub fn theiler(mut self, w: usize) -> Self {
        self.theiler = w;
        self
    }

    /// Force a neighbour-search backend.
    #[must_use]
    pub fn search(mut self, search: SearchMethod) -> Self {
        self.search = search;
        self
    }

    /// Validate the parameters.
    pub fn check(self) -> Result<KozachenkoLeonenko> {
        ensure_param!(self.k >= 1, "k", "k must be at least 1, got {}", self.k);
        Ok(KozachenkoLeonenko { params: self })
    }
}

/// Kozachenko–Leonenko differential entropy with the max-norm (Kraskov et al. 2004, eq. 20),
/// in nats:
///
/// $$\hat H = \psi(N) - \psi(k) + d \ln 2 + \frac{d}{N} \sum_i \ln \varepsilon_i$$
///
/// with $\varepsilon_i$ the max-norm distance to the $k$-th neighbour (the max-norm ball of
/// radius $\varepsilon$ has volume $(2\varepsilon)^d$). A zero distance (duplicate samples)
/// makes the estimate $-\infty$; it is refused with a typed error naming the fraction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KozachenkoLeonenko {
    params: KozachenkoLeonenkoParams,
}

impl KozachenkoLeonenko {
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> KozachenkoLeonenkoParams {
        KozachenkoLeonenkoParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> KozachenkoLeonenkoParams {
        self.params
    }
}

impl Entropy for KozachenkoLeonenko {
    fn entropy(&self, x: ArrayView2<'_, f64>) -> Result<Estimate> {
        let k = self.params.k;
        check_matrix("x", x, 2)?;
        let (n, d) = x.dim();
        check_k_window(k, n, self.params.theiler)?;
        let eps = NeighborIndex::new(x, self.params.search)?
            .kth_distances(k, self.params.theiler)?
            .distances;
        let zeros = eps.iter().filter(|&&e| e == 0.0).count();
        if zeros > 0 {
            return Err(crate::EstimatorError::OutOfRange {
                argument: "x",
                detail: format!(
                    "{zeros} of {n} samples have a zero distance to their k-th neighbour \
                     (duplicates), so the differential entropy estimate is -inf; the data look \
                     discrete: use the plug-in estimator"
                ),
            });
        }
        let mean_log = eps.iter().map(|e| e.ln()).sum::<f64>() / n as f64;
        let d = d as f64;
        let value =
            digamma(n as f64) - digamma(k as f64) + d * std::f64::consts::LN_2 + d * mean_log;
        let config = serde_json::to_value(self.params).unwrap_or_default();
        Ok(
            Estimate::new(value, Quantity::Entropy, "kozachenko_leonenko", n, config)
                .with_diagnostic("k", k)
                .with_diagnostic("theiler", self.params.theiler),
        )
    }
}
