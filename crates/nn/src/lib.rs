//! # infoscope-nn
//!
//! Brief overview: the base layer of infoscope, on which every other crate may depend:
//! [`activation`] (the recurrent networks' nonlinearities with their derivatives, vectorised
//! kernels), [`adam`] (the optimiser, with resumable state) and [`gradcheck`] (central
//! finite-difference checks of hand-written gradients): the building blocks of the networks
//! and of the neural estimators. File I/O lives in `infoscope-io`.
#![deny(missing_docs)]

pub mod activation;
pub mod adam;
pub mod gradcheck;
