//! # infoscope-nn
//!
//! Brief overview: the base layer of infoscope, on which every other crate may depend. It will
//! hold the dense layers, activations, the Adam optimiser and the finite-difference gradient
//! checks (arriving with the network issue). Today it holds [`io`]: the shared file I/O for
//! arrays (`.npy` / `.npz`, read by `FILE[:key]`), JSON and text, with every write atomic
//! (temporary file in the same directory, then rename) and every failure a typed
//! [`io::IoError`] that names the file and what was wrong.
#![deny(missing_docs)]

pub mod io;
