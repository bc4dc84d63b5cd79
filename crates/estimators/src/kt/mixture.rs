//! The general Kolchinsky–Tracey bounds for a Gaussian mixture with its own covariance per
//! component (SPEC.md §1.2, paper eqs. 14–16): `O(n² d³)`, for small problems; the noisy-layer
//! case (all covariances σ²I) has the fast path in [`super::KolchinskyTracey`].
//!
//! Brief overview: with $H(X|C) = \sum_i c_i H(p_i)$, $H(p_i) = \tfrac12[\ln|\Sigma_i| + d\ln 2\pi +
//! d]$, and a premetric $D$, $\hat H_D = H(X|C) - \sum_i c_i \ln \sum_j c_j e^{-D(p_i \Vert p_j)}$.
//! The upper bound uses the KL divergence
//! $\tfrac12[\ln|\Sigma_j| - \ln|\Sigma_i| + \Delta^\top\Sigma_j^{-1}\Delta + \mathrm{tr}(\Sigma_j^{-1}
//! \Sigma_i) - d]$; the lower bound the Bhattacharyya distance (Chernoff α = ½)
//! $\tfrac18\Delta^\top\bar\Sigma^{-1}\Delta + \tfrac12\ln(|\bar\Sigma| / \sqrt{|\Sigma_i||\Sigma_j|})$,
//! $\bar\Sigma = (\Sigma_i + \Sigma_j)/2$, implemented from the paper's general line (the paper
//! warns that many sources print it wrongly). Both lie in $[H(X|C), H(X|C) + H(C)]$.

use faer::prelude::Solve;
use faer::{Mat, Side};
use ndarray::{ArrayView1, ArrayView2, ArrayView3};
use serde::Serialize;

use crate::error::{EstimatorError, Result};
use crate::validate::{check_finite, check_matrix};

/// Entropy bounds of a Gaussian mixture, nats.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MixtureEntropyBounds {
    /// The Bhattacharyya (lower) bound.
    pub lower: f64,
    /// The KL (upper) bound.
    pub upper: f64,
    /// H(X|C), the weighted component entropy (a lower bound on both).
    pub conditional: f64,
    /// H(C), the entropy of the weights (`conditional + mixing` bounds both from above).
    pub mixing: f64,
}

struct Component {
    llt: faer::linalg::solvers::Llt<f64>,
    logdet: f64,
    cov: Mat<f64>,
}

fn factor(cov: Mat<f64>, i: usize) -> Result<Component> {
    let llt = cov
        .llt(Side::Lower)
        .map_err(|_| EstimatorError::NotPositiveDefinite {
            argument: "covs",
            detail: format!("covariance {i} is not positive definite"),
            hint: "add a small ridge to the diagonal",
        })?;
    let logdet = (0..cov.nrows()).map(|k| 2.0 * llt.L()[(k, k)].ln()).sum();
    Ok(Component { llt, logdet, cov })
}

/// Bounds on the entropy of the mixture `Σ_i c_i N(means[i], covs[i])`; `weights` default to
/// uniform and are normalised.
///
/// # Errors
/// [`EstimatorError::ShapeMismatch`] if `covs` is not `n × d × d` or `weights` has the wrong
/// length; [`EstimatorError::NonFinite`]; [`EstimatorError::NotPositiveDefinite`] for a
/// covariance (or a pair average) without a Cholesky factor; invalid weights as in
/// [`super::KolchinskyTracey::mi_input_bounds`].
pub fn mixture_entropy_bounds(
    means: ArrayView2<'_, f64>,
    covs: ArrayView3<'_, f64>,
    weights: Option<ArrayView1<'_, f64>>,
) -> Result<MixtureEntropyBounds> {
    check_matrix("means", means, 1)?;
    let (n, d) = means.dim();
    if covs.dim() != (n, d, d) {
        let (a, b, c) = covs.dim();
        return Err(EstimatorError::OutOfRange {
            argument: "covs",
            detail: format!(
                "expected shape {n} × {d} × {d} (one d × d matrix per mean), got {a} × {b} × {c}"
            ),
        });
    }
    for i in 0..n {
        check_finite("covs", covs.index_axis(ndarray::Axis(0), i))?;
    }
    let c = super::bounds::normalised_weights(weights, n)?;
    let comps: Vec<Component> = (0..n)
        .map(|i| factor(Mat::from_fn(d, d, |a, b| covs[[i, a, b]]), i))
        .collect::<Result<_>>()?;
    let ln2pi = (2.0 * std::f64::consts::PI).ln();
    let conditional: f64 = (0..n)
        .map(|i| c[i] * 0.5 * (comps[i].logdet + d as f64 * ln2pi + d as f64))
        .sum();
    let mixing: f64 = -c
        .iter()
        .filter(|&&w| w > 0.0)
        .map(|w| w * w.ln())
        .sum::<f64>();
    let delta = |i: usize, j: usize| Mat::from_fn(d, 1, |a, _| means[[i, a]] - means[[j, a]]);
    let quad = |llt: &faer::linalg::solvers::Llt<f64>, v: &Mat<f64>| {
        let s = llt.solve(v);
        (0..d).map(|a| v[(a, 0)] * s[(a, 0)]).sum::<f64>()
    };
    let (mut up, mut lo) = (0.0, 0.0);
    for i in 0..n {
        let (mut sum_kl, mut sum_bd) = (0.0, 0.0);
        for j in 0..n {
            if i == j {
                sum_kl += c[j];
                sum_bd += c[j];
                continue;
            }
            let dl = delta(i, j);
            let (pi, pj) = (&comps[i], &comps[j]);
            let tr: f64 = {
                let s = pj.llt.solve(&pi.cov);
                (0..d).map(|a| s[(a, a)]).sum()
            };
            let kl = 0.5 * (pj.logdet - pi.logdet + quad(&pj.llt, &dl) + tr - d as f64);
            let avg = Mat::from_fn(d, d, |a, b| 0.5 * (pi.cov[(a, b)] + pj.cov[(a, b)]));
            let pa = factor(avg, i)?;
            let bd = 0.125 * quad(&pa.llt, &dl) + 0.5 * (pa.logdet - 0.5 * (pi.logdet + pj.logdet));
            sum_kl += c[j] * (-kl).exp();
            sum_bd += c[j] * (-bd).exp();
        }
        up += c[i] * sum_kl.ln();
        lo += c[i] * sum_bd.ln();
    }
    Ok(MixtureEntropyBounds {
        lower: conditional - lo,
        upper: conditional - up,
        conditional,
        mixing,
    })
}
