//! Parameters of the Gaussian estimators: the unchecked [`GaussianParams`] builder and the
//! validated [`Gaussian`] estimator it turns into.

use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure_param};

/// Unchecked parameters of the Gaussian (log-determinant) estimators.
///
/// Build with [`Gaussian::params`], set fields with the consuming setters, then call
/// [`GaussianParams::check`] to get a [`Gaussian`]. The field names are the same in Rust, TOML
/// and Python.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `ridge` | `0.0` | added to every diagonal entry of the covariance before each log-determinant |
///
/// ```
/// use infoscope_estimators::gaussian::Gaussian;
///
/// let gaussian = Gaussian::params().ridge(1e-6).check()?;
/// assert_eq!(gaussian.config().ridge_value(), 1e-6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GaussianParams {
    /// Ridge $\lambda \ge 0$ added to the diagonal: every log-determinant is taken of
    /// $\Sigma + \lambda I$, in the data's units squared.
    pub ridge: f64,
}

impl Default for GaussianParams {
    fn default() -> Self {
        Self { ridge: 0.0 }
    }
}

impl GaussianParams {
    /// Set the ridge $\lambda \ge 0$ (default `0.0`), in data units squared.
    ///
    /// Every log-determinant is taken of $\Sigma + \lambda I$ instead of $\Sigma$. Use a small
    /// positive value when there are no more samples than dimensions ($n \le d$, so the sample
    /// covariance is singular), when columns are (nearly) linearly dependent, or to accept
    /// constant columns. The ridge biases the estimate toward zero information; choose it small
    /// compared with the variances of the data (for standardised data, 1e-6 to 1e-3).
    #[must_use]
    pub fn ridge(mut self, ridge: f64) -> Self {
        self.ridge = ridge;
        self
    }

    /// The ridge as set (not yet validated).
    #[must_use]
    pub fn ridge_value(&self) -> f64 {
        self.ridge
    }

    /// Validate the parameters.
    ///
    /// # Errors
    ///
    /// [`EstimatorError::InvalidParameter`](crate::EstimatorError::InvalidParameter) with name
    /// `"ridge"` when the ridge is negative or not finite.
    pub fn check(self) -> Result<Gaussian> {
        ensure_param!(
            self.ridge.is_finite(),
            "ridge",
            "must be finite, got {}",
            self.ridge
        );
        let non_negative = self.ridge >= 0.0;
        ensure_param!(non_negative, "ridge", "must be >= 0, got {}", self.ridge);
        Ok(Gaussian { params: self })
    }
}

/// Mutual information, conditional mutual information and differential entropy of jointly
/// Gaussian variables, from sample covariances via Cholesky log-determinants.
///
/// Construct it with [`Gaussian::params`] (or [`Gaussian::default`], which has `ridge = 0`);
/// see the [module documentation](crate::gaussian) for the formulas.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Gaussian {
    pub(crate) params: GaussianParams,
}

impl Gaussian {
    /// The parameter builder, with the defaults: `ridge = 0.0`.
    #[must_use]
    pub fn params() -> GaussianParams {
        GaussianParams::default()
    }

    /// The validated parameters of this estimator.
    #[must_use]
    pub fn config(&self) -> &GaussianParams {
        &self.params
    }

    /// The ridge $\lambda$ added to the covariance diagonal.
    #[must_use]
    pub fn ridge(&self) -> f64 {
        self.params.ridge
    }
}

impl TryFrom<GaussianParams> for Gaussian {
    type Error = crate::error::EstimatorError;

    fn try_from(params: GaussianParams) -> Result<Self> {
        params.check()
    }
}
