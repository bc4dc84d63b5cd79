//! The information flux of stochastic binary networks (SPEC.md §7, issue #17): every measure
//! of one network ([`mod@measure`]), the flux-versus-proxy sweep over weight ensembles
//! ([`sweep`]), evolutionary maximisation with its before/after comparison
//! ([`evolution`]) and the whole experiment run by `infoscope run` ([`experiment`]).
//!
//! The networks and the numerical methods live in
//! [`infoscope_nets::binary`]; this module composes them into results that every face (the
//! CLI, Python, the report) reads. All information values are in nats.

pub mod ensemble;
pub mod evolution;
pub mod experiment;
pub mod measure;
pub mod relation;
pub mod sweep;

pub use ensemble::{Ensemble, draw_seed};
pub use experiment::{
    FluxExperiment, FluxProgress, FluxResults, is_flux_experiment, run_flux_experiment,
};
pub use measure::{
    BiasRule, Dynamics, ExactMeasures, FluxMeasures, MeasureConfig, ProxyKind, SampledMeasures,
    When, measure,
};
