//! Balanced rate networks after Engelken & Goedeke, "A time-resolved theory of information
//! encoding in recurrent neural networks" (NeurIPS 2022; SPEC.md §8).
//!
//! - [`stimulus`]: the OU stimulus ([`OuStimulus`], both the paper's and the code's
//!   conventions);
//! - [`params`] and [`network`]: the model ([`BalancedParams`], presets
//!   [`BalancedParams::figure1`] and [`BalancedParams::code`]) and a drawn network
//!   ([`BalancedNetwork`]);
//! - [`simulate`]: batched simulation in `f32`/`f64` ([`Simulator`], [`Run`]) with the
//!   cancellation index, the linearised time constant and the rate's autocorrelation time;
//! - [`spectrum`]: the eigenvalues of J·diag(φ'(h)) ([`jacobian_spectrum`]);
//! - [`clusters`]: seeded k-means on the rows or columns of J ([`cluster_structure`]);
//! - [`mod@train`]: the code's tracking task trained by BPTT + Adam ([`Trainer`]).
//!
//! Stability: the Figure-1 network (N = 4096, g = 2, ReLU) keeps bounded rates only when the
//! mean inhibition is strong enough; b ≳ 2 was stable in our runs, while small b can run away
//! (a run then ends with [`NetsError::Numerical`](crate::NetsError::Numerical)).
//!
//! Information rates are not computed here (this crate does not depend on the estimators):
//! [`Run`] and [`Trainer::simulate`] hand out the series for the caller's estimator.

pub mod clusters;
mod kernel;
pub mod network;
pub mod params;
pub mod real;
mod rng;
pub mod simulate;
pub mod spectrum;
pub mod stimulus;
pub mod train;

pub use clusters::{ClusterStructure, Profiles, cluster_structure};
pub use network::BalancedNetwork;
pub use params::{BalancedParams, InputWeights, MAX_BALANCED_NEURONS, Phi};
pub use real::Real;
pub use simulate::{Cancellation, Product, Run, SimOptions, Simulator, StimulusMode};
pub use spectrum::jacobian_spectrum;
pub use stimulus::{OuScale, OuStart, OuStimulus};
pub use train::{TrackConfig, TrackGradients, TrackWeights, Trainer, train};
