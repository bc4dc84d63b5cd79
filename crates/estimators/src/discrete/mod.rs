//! The discrete family: plug-in entropies and mutual information on integer symbols, and the
//! binning estimator for continuous activity (SPEC.md §1.1).
//!
//! - [`PlugIn`]: H, joint H, conditional H, MI and conditional MI of integer symbols; a row
//!   with several columns is one joint symbol (rows hashed as tuples).
//! - [`BinPolicy`]: the named binning policies (`FixedEdges` with IDNNs semantics,
//!   `FixedIntervals`, `FixedWidth` with Saxe semantics, `PerUnitMinMax`, `GlobalMinMax`,
//!   `Quantile`).
//! - [`Binned`]: binning then plug-in, on whole layers ([`crate::MutualInformation`],
//!   [`crate::Entropy`], [`crate::ConditionalMutualInformation`], labels) and per unit
//!   ([`Binned::per_unit`]).
//! - [`BiasCorrection`]: Miller–Madow, jackknife, James–Stein; off by default.
//!
//! Both are methods of the estimator specification ([`crate::spec`]): `binned` and `plugin`.

mod binned;
mod binning;
mod entropy;
mod measures;
mod method;
mod per_unit;
mod per_unit_test;
mod plugin;
pub mod symbols;

pub use binned::{Binned, BinnedParams, MIN_ROWS_PER_SYMBOL, VariableKind, YKind};
pub use binning::{BinPolicy, BinnedData, MAX_BINS};
pub use entropy::{BiasCorrection, jackknife_entropy, plugin_entropy};
pub use per_unit::PerUnitMi;
pub use per_unit_test::PerUnitTest;
pub use plugin::{PlugIn, PlugInParams};
