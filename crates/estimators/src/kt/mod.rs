//! Kolchinsky–Tracey pairwise-distance bounds for a noisy layer $T = h + \varepsilon$,
//! $\varepsilon \sim N(0, \sigma^2 I_d)$ (SPEC.md §1.2; Kolchinsky & Tracey, "Estimating Mixture
//! Entropy with Pairwise Distances", arXiv 1706.02419v4).
//!
//! Brief overview: $T$ is a homoscedastic Gaussian mixture with one component per sample (mean
//! $h_i$, weight $c_i$, uniform unless given). With
//! $L(v) = \sum_i c_i \ln \sum_j c_j e^{-\lVert h_i - h_j\rVert^2 / (2v)}$ ([`kernel`]):
//!
//! - $\hat H_{KL}(T) = H(T|X) - L(\sigma^2)$ (upper bound) and
//!   $\hat H_{BD}(T) = H(T|X) - L(4\sigma^2)$ (lower bound, Bhattacharyya), where
//!   $H(T|X) = \frac d2 \ln(2\pi e \sigma^2)$ is the noise entropy;
//! - $I(X;T)$: upper $-L(\sigma^2)$, lower $-L(4\sigma^2)$; always
//!   $0 \le$ lower $\le$ upper $\le \ln n$;
//! - $I(T;Y)$ for discrete labels: $\hat H(T) - \sum_y p(y) \hat H(T|Y=y)$ with each term from
//!   the same bound on the samples of class $y$. The "upper" value is a difference of two
//!   upper bounds and is **not** itself a guaranteed bound (reported as a warning).
//!
//! The noise variance has no default: it is part of the question being asked.

mod bounds;
mod hyperparams;
pub mod kernel;
mod method;
mod mixture;
mod significance;

pub use bounds::{SweepPoint, noise_sweep};
pub use hyperparams::{KolchinskyTracey, KtParams};
pub use kernel::DEFAULT_TILE;
pub use mixture::{MixtureEntropyBounds, mixture_entropy_bounds};
