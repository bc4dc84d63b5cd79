//! # infoscope-nets
//!
//! Brief overview: the tasks (the Go family of Yang et al. 2019), the recurrent networks (leaky
//! RNN, reservoir), their training and the recordings every analysis reads. This crate grows
//! with the network issue; today it holds only the crate's place in the workspace, so the
//! dependency rules of DESIGN.md §1 are enforced from the first commit.
//!
//! It depends only on `infoscope-nn`, never on `infoscope-estimators`.
#![deny(missing_docs)]

pub use infoscope_nn as nn;
