//! A drawn balanced network: the couplings J and the input weights W.

use ndarray::{Array2, ArrayView2};
use rand::RngExt;
use rand_distr::StandardNormal;

use super::params::{BalancedParams, InputWeights};
use super::rng::{Stream, stream};
use crate::error::{Result, check_memory};

/// A balanced network: [`BalancedParams`] plus the couplings and input weights drawn from
/// them.
#[derive(Clone, Debug, PartialEq)]
pub struct BalancedNetwork {
    params: BalancedParams,
    /// `j[[i, k]]` = J_ik, the coupling from neuron k to neuron i.
    j: Array2<f64>,
    /// `w_in[[i, c]]` = W_ic, the weight of channel c onto neuron i.
    w_in: Array2<f64>,
}

impl BalancedNetwork {
    /// Draw J ~ N(−b·J_0/N, g²/N) (zero diagonal when asked) and the input weights, from
    /// `seed`.
    ///
    /// # Errors
    /// As [`BalancedParams::check`]; [`NetsError::TooLarge`](crate::NetsError::TooLarge)
    /// (argument `n`) when N × N couplings do not fit the memory budget.
    pub fn new(params: BalancedParams, seed: u64) -> Result<Self> {
        params.check()?;
        let n = params.n;
        check_memory(
            "n",
            &format!("{n} × {n} couplings"),
            (n as u128) * (n as u128) * 8,
            "use fewer neurons",
        )?;
        let mut rng = stream(seed, Stream::Weights, 0);
        let (mean, std) = (params.mean_coupling(), params.g / (n as f64).sqrt());
        let mut j = Array2::from_shape_simple_fn((n, n), || {
            mean + std * rng.sample::<f64, _>(StandardNormal)
        });
        if params.zero_diagonal {
            j.diag_mut().fill(0.0);
        }
        let s = params.stimulus.channels;
        let w_in = match params.input {
            InputWeights::Uniform => Array2::ones((n, s)),
            InputWeights::Jittered { std } => Array2::from_shape_simple_fn((n, s), || {
                1.0 + std * rng.sample::<f64, _>(StandardNormal)
            }),
        };
        Ok(Self { params, j, w_in })
    }

    /// A network with given couplings `j` (`N × N`) and input weights `w_in` (`N × S`).
    ///
    /// # Errors
    /// As [`BalancedParams::check`]; [`NetsError::Shape`](crate::NetsError::Shape) when `j`
    /// is not `N × N` or `w_in` not `N × S`; `InvalidParameter` (`j`, `w_in`) for a
    /// non-finite entry.
    pub fn from_weights(params: BalancedParams, j: Array2<f64>, w_in: Array2<f64>) -> Result<Self> {
        params.check()?;
        let (n, s) = (params.n, params.stimulus.channels);
        shape("j", j.view(), n, n, "N × N")?;
        shape("w_in", w_in.view(), n, s, "N × S")?;
        finite("j", j.view())?;
        finite("w_in", w_in.view())?;
        Ok(Self { params, j, w_in })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &BalancedParams {
        &self.params
    }

    /// The couplings J (`N × N`, row i = neuron i's incoming couplings).
    #[must_use]
    pub fn couplings(&self) -> ArrayView2<'_, f64> {
        self.j.view()
    }

    /// The input weights W (`N × S`).
    #[must_use]
    pub fn input_weights(&self) -> ArrayView2<'_, f64> {
        self.w_in.view()
    }

    /// N times the mean coupling of the drawn J (≈ −b·J_0).
    #[must_use]
    pub fn total_mean_coupling(&self) -> f64 {
        self.j.mean().unwrap_or(0.0) * self.params.n as f64
    }
}

pub(crate) fn shape(
    argument: &'static str,
    a: ArrayView2<'_, f64>,
    rows: usize,
    cols: usize,
    expected: &str,
) -> Result<()> {
    if a.dim() != (rows, cols) {
        return Err(crate::NetsError::Shape {
            argument,
            got: a.shape().to_vec(),
            expected: format!("{expected} = [{rows}, {cols}]"),
        });
    }
    Ok(())
}

pub(crate) fn finite(argument: &'static str, a: ArrayView2<'_, f64>) -> Result<()> {
    if let Some(i) = a.iter().position(|v| !v.is_finite()) {
        return Err(crate::NetsError::InvalidParameter {
            name: argument,
            reason: format!("entry {i} (row-major) is not finite"),
        });
    }
    Ok(())
}
