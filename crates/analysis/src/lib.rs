//! # infoscope-analysis
//!
//! Brief overview: pipelines from a recording (or a series of checkpoints) to typed,
//! serialisable Results: layer MI over time, per-neuron MI, the information plane, gradient
//! SNR, the transfer-entropy graph, information flux and rate. It owns the Results types and
//! depends on `infoscope-estimators` and `infoscope-nets`. The pipelines arrive with the analysis
//! issue; today the crate re-exports its two dependencies so downstream code has one entry point.
#![deny(missing_docs)]

pub use infoscope_estimators as estimators;
pub use infoscope_nets as nets;
