//! Balanced rate networks tracking Ornstein–Uhlenbeck signals (Engelken & Goedeke 2022;
//! SPEC.md §8, issue #18): the information rate against the balance factor b for untrained
//! networks ([`sweep`]), training that tightens balance with the rate logged over training
//! ([`training`]), and the whole experiment run by `infoscope run` ([`experiment`]).
//!
//! The networks, their simulation and training live in [`infoscope_nets::balanced`]; the
//! rate is [`infoscope_estimators::spectral::InformationRate`]. Every information value is in
//! nats per unit of the neuronal time constant τ (nats/τ) unless a field says otherwise.

pub mod experiment;
pub mod fit;
pub mod rate;
pub mod sweep;
pub mod training;

pub use experiment::{
    BalancedExperiment, BalancedProgress, BalancedResults, is_balanced_experiment,
    run_balanced_experiment,
};
pub use fit::{LinearFit, linear_fit};
pub use rate::RateSettings;
pub use sweep::{SweepConfig, SweepFit, SweepPoint, SweepResults, SweepRun};
pub use training::{TrainingConfig, TrainingLog, TrainingResults, TrainingRun};
