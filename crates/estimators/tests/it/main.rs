//! The one integration-test binary of infoscope-estimators (STYLE.md rule 13).

mod common;
mod discrete;
mod gaussian;
