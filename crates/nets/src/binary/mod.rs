//! Stochastic binary (Boltzmann-machine-like) recurrent networks, the system of Metzner,
//! Yamakou, Voelkl, Schilling & Krauss (Neural Computation 36(3), 2024; SPEC.md §7): the
//! network and its update rule ([`network`]), weight ensembles ([`ensemble`]), the exact
//! information flux I[x(t); x(t+1)] and entropy rates ([`exact`]), the RMS-correlation proxies
//! ([`proxy`]), simulation of networks of any size ([`simulate`]), the attractors of the
//! deterministic limit ([`mod@attractors`]), evolution strategies on the weights ([`evolve`]) and the
//! permutation structure of a weight matrix ([`structure`]).
//!
//! A network has up to [`MAX_NEURONS`] neurons (simulated); the exact and attractor
//! computations enumerate its 2^N states, each a bit pattern `s: u64` whose bit `i` is neuron
//! `i`'s binary value y_i ∈ {0, 1}; under [`Coding::Spin`] the neuron contributes its spin
//! 2y_i − 1 ∈ {−1, +1} to the fields.

pub mod attractors;
pub mod ensemble;
pub mod evolve;
pub mod exact;
pub mod network;
pub mod proxy;
pub mod simulate;
pub mod structure;

pub use attractors::{AttractorSummary, Attractors, TieRule, attractors};
pub use ensemble::{Magnitude, Rooks, WidthDensityBalance};
pub use evolve::{
    CombinedFitness, Evolution, EvolutionParams, EvolutionState, GenerationRecord, Individual,
};
pub use exact::{
    ExactOptions, Flux, MAX_EXACT_NEURONS, Stationary, StationaryFlux, StationaryMethod,
    Transition, flux_from, propagate, stationary, stationary_flux, transient_flux,
};
pub use network::{BinaryNetwork, Coding, MAX_NEURONS, MAX_STATE_NEURONS, Update};
pub use proxy::{CorrelationProxies, Moments, Rms, exact_proxies};
pub use simulate::{PluginFlux, Run, Simulator, plugin_flux, run_moments};
pub use structure::{Layout, PermutationStructure, permutation_structure};
