//! Gaussian (linear) estimators: mutual information, conditional mutual information and
//! differential entropy of jointly Gaussian variables, from log-determinants of covariances.
//!
//! Brief overview: [`Gaussian`] (built with [`Gaussian::params`] → [`GaussianParams`] →
//! [`GaussianParams::check`]) implements [`MutualInformation`](crate::MutualInformation),
//! [`ConditionalMutualInformation`](crate::ConditionalMutualInformation) and
//! [`Entropy`](crate::Entropy) on samples, and the same three quantities on a given covariance
//! matrix ([`Gaussian::mi_from_covariance`], [`Gaussian::cmi_from_covariance`],
//! [`Gaussian::entropy_from_covariance`]). All values are in **nats**.
//!
//! # Formulas
//!
//! For jointly Gaussian $X$ ($d_X$ dims), $Y$ and $Z$ with covariance blocks $\Sigma_X$,
//! $\Sigma_{XY}$ (the joint covariance of $X$ and $Y$ together), ... (Cover & Thomas,
//! *Elements of Information Theory*, 2nd ed., Wiley 2006, ch. 8 (Theorem 8.4.1) and ch. 9):
//!
//! $$h(X) = \tfrac12 \ln\left((2\pi e)^{d_X} |\Sigma_X|\right)$$
//! $$I(X;Y) = \tfrac12 \ln\frac{|\Sigma_X||\Sigma_Y|}{|\Sigma_{XY}|}$$
//! $$I(X;Y\mid Z) = \tfrac12 \ln\frac{|\Sigma_{XZ}||\Sigma_{YZ}|}{|\Sigma_Z||\Sigma_{XYZ}|}$$
//!
//! For non-Gaussian data these are the values for the Gaussian with the same covariance, a
//! measure of *linear* dependence only (e.g. about 0 for $Y = X^2$ with symmetric $X$).
//!
//! # Computation
//!
//! - The sample covariance uses the unbiased denominator $n - 1$. MI and conditional MI do not
//!   depend on the denominator (it cancels in the ratios); the entropy does, by
//!   $\tfrac{d}{2}\ln\frac{n}{n-1}$ against the maximum-likelihood ($1/n$) covariance.
//! - The joint covariance of all the arguments' columns side by side is formed once (faer
//!   GEMM on the centred data, lower triangle only); marginal blocks are taken from it.
//! - The rows are split into a fixed number of groups that depends only on the data's shape,
//!   summed in parallel on rayon's global pool and combined in a fixed order, so results do
//!   not depend on the number of threads.
//! - Log-determinants come from one Cholesky factorisation $\Sigma = LL^\top$ per matrix,
//!   $\ln|\Sigma| = 2\sum_k \ln L_{kk}$; leading blocks share the factor of the joint matrix, so
//!   MI is computed as $\tfrac12(\ln|\Sigma_Y| - \ln|\Sigma_{Y\mid X}|)$ with the Schur complement
//!   read off the same factor (less cancellation than subtracting the three totals).
//! - `ridge` $\lambda$ (default 0) is added to the diagonal before every log-determinant:
//!   $\Sigma + \lambda I$, in data units squared. It is needed when $n \le d$ (the sample
//!   covariance then has rank at most $n - 1$) or for (nearly) linearly dependent or constant
//!   columns, and biases the estimate toward 0.
//! - A Cholesky pivot $L_{kk}^2$ below $16\,d\,\varepsilon$ times its diagonal entry counts as
//!   singular (column $k$ is a linear combination of the earlier ones to rounding), so exact
//!   collinearity is an error instead of a huge finite value.
//!
//! # Errors and diagnostics
//!
//! Constant columns are refused with `ZeroVariance` and singular blocks with
//! `NotPositiveDefinite` naming the argument and block, unless `ridge > 0`. Every estimate
//! carries the diagnostics `logdet_x`, `logdet_y`, `logdet_joint` (MI); `logdet_z`,
//! `logdet_xz`, `logdet_yz`, `logdet_joint` (CMI, `logdet_joint` of x, y and z); `logdet_x`
//! (entropy); `dims` and `ridge`; and a warning when $n \le d$.
//!
//! ```
//! use infoscope_estimators::gaussian::Gaussian;
//! use infoscope_estimators::MutualInformation;
//! use ndarray::array;
//!
//! let x = array![[0.1], [0.9], [2.1], [2.9], [4.2]];
//! let y = array![[1.0], [2.1], [2.9], [4.2], [4.8]];
//! let gaussian = Gaussian::params().check()?;
//! let mi = gaussian.estimate(x.view(), y.view())?;
//! assert!(mi.nats() > 1.0); // strongly correlated
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod algorithm;
mod covariance;
mod from_cov;
mod hyperparams;
mod logdet;
mod method;
mod reorder;

pub use hyperparams::{Gaussian, GaussianParams};
