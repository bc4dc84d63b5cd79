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
//! Stability: the Figure-1 model (g = 2, ReLU) needs the mean inhibition to hold the rates
//! near the balanced value I_0/J_0 = 1. Measured at N = 1024 over 16τ after 8τ of burn-in
//! (`examples/balanced_bench.rs`): mean rate 18.1 at b = 0.5, 9.5 at b = 1, 5.5 at b = 1.5,
//! 3.7 at b = 2, 2.3 at b = 3, 1.9 at b = 4 and 1.4 at b = 8; none diverged there, but use
//! b ≳ 2 for a balanced regime. A run whose state stops being finite ends with
//! [`NetsError::Numerical`](crate::NetsError::Numerical).
//!
//! ```
//! use infoscope_nets::balanced::{
//!     BalancedNetwork, BalancedParams, OuStimulus, SimOptions, Simulator, TrackConfig, Trainer,
//! };
//!
//! // The code's OU stimulus (SPEC.md §8): AR factor e^{-2}, stationary std 0.2236.
//! let ou = OuStimulus::code(1, 1.0);
//! assert!((ou.ar_factor() - (-2.0f64).exp()).abs() < 1e-12);
//!
//! // A small Figure-1 network (N = 128, Δt = 0.01τ): 2 trials, 1τ of burn-in, f32.
//! let mut p = BalancedParams::figure1(4.0);
//! p.n = 128;
//! p.stimulus.dt = 0.01;
//! let net = BalancedNetwork::new(p, 1)?;
//! let mut options = SimOptions::new(300, 2, 7);
//! options.burn_in = 100;
//! let run = Simulator::<f32>::new(&net)?.run(&options)?;
//! let beta = run.cancellation().population; // |⟨I_ext + I_rec⟩| / ⟨I_ext⟩
//! assert!(beta < 1.0 && run.linear_time_constant() < 1.0);
//!
//! // The code's tracking task: 30 epochs of BPTT + Adam lower the test error.
//! let mut trainer = Trainer::new(TrackConfig::code(1), 1)?;
//! let before = trainer.test_error();
//! for _ in 0..30 {
//!     trainer.step()?;
//! }
//! assert!(trainer.test_error() < before);
//! let (stimulus, readout) = trainer.simulate(1000, 2)?; // for an information-rate estimate
//! assert_eq!(stimulus.dim(), readout.dim());
//! # Ok::<(), infoscope_nets::NetsError>(())
//! ```
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
