//! [`KozachenkoLeonenko`]: the kNN differential-entropy estimator.

use ndarray::ArrayView2;

use super::hyperparams::KozachenkoLeonenko;
use super::ksg::{candidates, psi_table};
use super::prepare::{check_scale, prepare, stream};
use super::{NeighborIndex, check_k_window};
use crate::error::{EstimatorError, Result};
use crate::estimate::{Estimate, Quantity};
use crate::special::digamma;
use crate::traits::Entropy;
use crate::validate::check_matrix;

/// The method's name in estimates and specifications.
pub(crate) const METHOD: &str = "kl";

impl Entropy for KozachenkoLeonenko {
    /// Kozachenko–Leonenko with the max-norm (Kraskov et al. 2004, eq. 20), in nats:
    /// $\hat H = \psi(N) - \psi(k) + d \ln 2 + \frac{d}{N} \sum_i \ln \varepsilon_i$, on the
    /// data as searched (z-scored and/or jittered when asked). With a Theiler window $w$,
    /// $\psi(N)$ becomes the mean of $\psi(M_i + 1)$, $M_i$ the samples outside sample $i$'s
    /// window (its candidate neighbours).
    ///
    /// # Errors
    /// `Empty`, `TooFewSamples` (needs 2), `NonFinite`; `InvalidParameter` named `k` for
    /// `k ≥ n` (or too few samples outside the Theiler window); `OutOfRange` when a k-th
    /// neighbour distance is zero (duplicates make the estimate −∞).
    fn entropy(&self, x: ArrayView2<'_, f64>) -> Result<Estimate> {
        let p = self.params;
        check_matrix("x", x, 2)?;
        let (n, d) = x.dim();
        check_k_window(p.k, n, p.theiler)?;
        check_scale(p.normalize, p.noise, &[("x", x)])?;
        let searched = prepare(x, p.normalize, p.noise, &mut stream(p.seed));
        let eps = NeighborIndex::new(searched.view(), p.search)?
            .kth_distances(p.k, p.theiler)?
            .distances;
        let zeros = eps.iter().filter(|&&e| e == 0.0).count();
        if zeros > 0 {
            return Err(EstimatorError::OutOfRange {
                argument: "x",
                detail: format!(
                    "{zeros} of {n} samples have a zero distance to their k-th neighbour \
                     (duplicates), so the differential entropy estimate is -inf; the data look \
                     discrete: use the plug-in estimator, or break ties with `noise`"
                ),
            });
        }
        let mean_log = eps.iter().map(|e| e.ln()).sum::<f64>() / n as f64;
        let d = d as f64;
        // ψ(N), or with a Theiler window the mean of ψ(M_i + 1) over the candidates M_i of
        // each sample: the k-th neighbour is found among M_i points, not N − 1.
        let base = if p.theiler == 0 {
            digamma(n as f64)
        } else {
            let psi = psi_table(n);
            (0..n)
                .map(|i| psi[candidates(i, n, p.theiler) + 1])
                .sum::<f64>()
                / n as f64
        };
        let value = base - digamma(p.k as f64) + d * std::f64::consts::LN_2 + d * mean_log;
        let config = serde_json::to_value(p).unwrap_or_default();
        Ok(Estimate::new(value, Quantity::Entropy, METHOD, n, config)
            .with_diagnostic("k", p.k)
            .with_diagnostic("theiler", p.theiler))
    }
}
