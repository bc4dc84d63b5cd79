//! # infoscope-nets
//!
//! Brief overview: the tasks (the Go family of Yang et al. 2019, [`tasks`]), the recurrent
//! networks ([`models`]: the leaky RNN trained by BPTT and the echo-state reservoir), their
//! training and the recordings every analysis reads; the balanced rate networks of Engelken &
//! Goedeke 2022 ([`balanced`]: OU stimulus, batched simulation, tracking training).
//!
//! It depends only on `infoscope-nn`, never on `infoscope-estimators`.
#![deny(missing_docs)]

pub mod balanced;
pub mod binary;
pub mod checkpoint;
pub mod error;
pub mod models;
pub mod record;
pub mod tasks;
pub mod train;
pub mod trained;

pub use error::{NetsError, Result};
pub use infoscope_nn as nn;
