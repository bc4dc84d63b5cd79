//! The one integration-test binary of infoscope-estimators (STYLE.md rule 13).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod conformance;
mod discrete;
mod gaussian;
mod issue16;
mod knn;
mod knn_index;
mod knn_kiddo;
mod ksg;
mod ksg_batch;
mod ksg_edges;
mod ksg_oracle;
mod ksg_ties;
mod kt;
mod kt_significance;
mod pairwise;
mod ross;
mod significance;
mod spec;
mod spectral_rate;
mod spectral_welch;
mod surrogate_reuse;
mod transfer_entropy;
