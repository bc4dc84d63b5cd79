//! # infoscope-nn
//!
//! Brief overview: the base layer of infoscope, on which every other crate may depend:
//! [`activation`] (the recurrent networks' nonlinearities with their derivatives, vectorised
//! kernels), [`adam`] (the optimiser, with resumable state), [`gradcheck`] (central
//! finite-difference checks of hand-written gradients), and [`io`]: the shared file I/O for
//! arrays (`.npy` / `.npz`, read by `FILE[:key]`), JSON and text, with every write atomic
//! (temporary file in the same directory, then rename) and every failure a typed
//! [`io::IoError`] that names the file and what was wrong.
#![deny(missing_docs)]

pub mod activation;
pub mod adam;
pub mod gradcheck;
pub mod io;
