//! # infoscope-estimators
//!
//! Brief overview: information-theoretic estimators for the activity of neural networks, all
//! computing in **nats**. Each family lives in its own module and follows the same shape: an
//! unchecked `…Params` builder, `check()` into a validated estimator, and the traits
//! [`MutualInformation`], [`ConditionalMutualInformation`], [`Entropy`] and [`MiBounds`]
//! returning an [`Estimate`] (value, method, full configuration, diagnostics) or [`Bounds`].
//!
//! - [`spec`]: the one estimator specification every face (this library, the CLI, experiment
//!   files, Python) translates into: [`EstimatorSpec`] names a method and its parameters, and
//!   [`EstimatorSpec::check`] gives an [`Estimator`] that answers every question the method has
//!   (entropy, MI, conditional MI, I(input; X), surrogate tests, bootstrap intervals, local
//!   values, per-unit and pairwise forms) for [`Data`] of [`Variable`]s. Adding a method is one
//!   variant there and one module here.
//! - [`discrete`]: plug-in entropy and MI on integer symbols ([`discrete::PlugIn`]), binning of
//!   continuous data with named policies ([`discrete::BinPolicy`]), the binning estimator
//!   ([`discrete::Binned`]) with whole-layer symbols, labels and per-unit batches, and the
//!   Miller–Madow, jackknife and James–Stein bias corrections.
//! - [`gaussian`]: MI, conditional MI and entropy of jointly Gaussian variables from sample
//!   covariances (or a given covariance) via Cholesky log-determinants.
//! - [`knn`]: the nearest-neighbour estimators ([`knn::Ksg`], algorithms 1 and 2 and
//!   Frenzel–Pompe conditional MI; [`knn::KozachenkoLeonenko`] entropy; all column pairs) on
//!   exact max-norm neighbour search: a runtime-dimension kd-tree ([`knn::KdTree`]), sorted 1-D
//!   marginals ([`knn::SortedMarginal`]) or blocked brute force, all giving identical results.
//! - [`kt`]: Kolchinsky–Tracey lower and upper bounds on H(T), I(input; T) and I(T; Y) for a
//!   noisy layer T = X + N(0, σ²I), with label-surrogate tests and the σ² sweep.
//! - [`spectral`]: Welch auto- and cross-spectra of multichannel series
//!   ([`spectral::Welch`]), coherence, and the information rate of jointly stationary series
//!   ([`spectral::InformationRate`]: $-\int_0^{f_c}\ln(1-\gamma^2(f))\,df$ nats per unit time,
//!   its log-determinant form for vector series, the bias and a surrogate baseline).
//! - [`significance`]: surrogate tests (permutation, circular shift, block shuffle) that reuse
//!   what a reordering cannot change, bootstrap percentile intervals, Benjamini–Hochberg, and
//!   the p-value and quantile rules every analysis uses.
//!
//! Inputs are validated once at the boundary ([`validate`]) and refused with a typed
//! [`EstimatorError`] that names the argument.
//!
//! ```
//! use infoscope_estimators::discrete::{BinPolicy, Binned};
//! use infoscope_estimators::{MutualInformation, Unit};
//! use ndarray::array;
//!
//! // The IDNNs example of SPEC.md §1.1: four distinct bins, labels split in half.
//! let t = array![[-0.95], [-0.90], [0.50], [0.97]];
//! let y = array![[0.0], [0.0], [1.0], [1.0]];
//! let binned = Binned::params()
//!     .policy(BinPolicy::FixedEdges { lo: -1.0, hi: 1.0, n_edges: 30 })
//!     .check()?;
//! let mi = binned.estimate(t.view(), y.view())?;
//! assert!((mi.in_unit(Unit::Bits) - 1.0).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod budget;
pub mod discrete;
pub mod error;
pub mod estimate;
pub mod gaussian;
pub mod knn;
pub mod kt;
pub mod significance;
pub mod spec;
pub mod special;
pub mod spectral;
pub mod te;
pub mod traits;
pub mod validate;

pub use error::{EstimatorError, Result};
pub use estimate::{
    Bounds, Estimate, EstimateRecord, Nats, Outcome, Quantity, SCHEMA_VERSION, Unit,
};
pub use spec::{Data, Estimator, EstimatorSpec, Variable};
pub use traits::{ConditionalMutualInformation, Entropy, MiBounds, MutualInformation, ReorderedMi};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
