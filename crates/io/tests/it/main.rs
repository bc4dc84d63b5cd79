//! Integration tests of infoscope-io (one binary; one module per area).

// `allow-unwrap-in-tests` covers `#[test]` functions only; the shared helpers that build
// fixtures may panic on a broken fixture as well.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bomb;
mod common;
mod props;
mod read;
mod source;
mod write;
