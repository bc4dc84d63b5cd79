//! # infoscope-py
//!
//! Brief overview: the PyO3 glue behind the Python package `infoscope` (`python/infoscope`).
//! Bindings only convert, call and map errors; no math lives here (DESIGN.md §1). The bindings
//! (PyO3 0.30 + numpy 0.30, built by maturin) arrive with the Python-package issue; until then
//! this crate has no dependencies so the workspace builds without a Python toolchain.
#![deny(missing_docs)]
