//! The five parameter tensors, as weights and as [`Gradients`].

use ndarray::{Array1, Array2, ArrayViewD, Dimension};

use super::*;

/// The five parameter (or gradient) tensors, always in standard (row-major) layout.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Tensors {
    pub(super) w_in: Array2<f32>,
    pub(super) w_rec: Array2<f32>,
    pub(super) b_rec: Array1<f32>,
    pub(super) w_out: Array2<f32>,
    pub(super) b_out: Array1<f32>,
}

/// The contiguous data of an array this module built. All arrays here are created in standard
/// layout and only ever overwritten in place, so `as_slice` cannot fail; the empty fallback
/// keeps this panic-free and is caught by the length checks of every consumer.
pub(super) fn flat<D: Dimension>(a: &ndarray::Array<f32, D>) -> &[f32] {
    a.as_slice().unwrap_or(&[])
}

pub(super) fn flat_mut<D: Dimension>(a: &mut ndarray::Array<f32, D>) -> &mut [f32] {
    a.as_slice_mut().unwrap_or(&mut [])
}

impl Tensors {
    pub(super) fn zeros(n_in: usize, n: usize, n_out: usize) -> Self {
        Self {
            w_in: Array2::zeros((n_in, n)),
            w_rec: Array2::zeros((n, n)),
            b_rec: Array1::zeros(n),
            w_out: Array2::zeros((n, n_out)),
            b_out: Array1::zeros(n_out),
        }
    }

    pub(super) fn shapes(&self) -> [&[usize]; 5] {
        [
            self.w_in.shape(),
            self.w_rec.shape(),
            self.b_rec.shape(),
            self.w_out.shape(),
            self.b_out.shape(),
        ]
    }

    pub(super) fn slices(&self) -> [&[f32]; 5] {
        [
            flat(&self.w_in),
            flat(&self.w_rec),
            flat(&self.b_rec),
            flat(&self.w_out),
            flat(&self.b_out),
        ]
    }

    pub(super) fn slices_mut(&mut self) -> [&mut [f32]; 5] {
        [
            flat_mut(&mut self.w_in),
            flat_mut(&mut self.w_rec),
            flat_mut(&mut self.b_rec),
            flat_mut(&mut self.w_out),
            flat_mut(&mut self.b_out),
        ]
    }

    pub(super) fn views(&self) -> [(&'static str, ArrayViewD<'_, f32>); 5] {
        [
            (PARAM_NAMES[0], self.w_in.view().into_dyn()),
            (PARAM_NAMES[1], self.w_rec.view().into_dyn()),
            (PARAM_NAMES[2], self.b_rec.view().into_dyn()),
            (PARAM_NAMES[3], self.w_out.view().into_dyn()),
            (PARAM_NAMES[4], self.b_out.view().into_dyn()),
        ]
    }

    pub(super) fn index_of(name: &str) -> Option<usize> {
        PARAM_NAMES.iter().position(|&n| n == name)
    }
}

/// Gradients of the loss with respect to the five parameter tensors, laid out like the
/// parameters. Fill with [`LeakyRnn::loss_and_gradients`]; reuse across steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients(pub(super) Tensors);

impl Gradients {
    /// Zero gradients shaped for `config`.
    #[must_use]
    pub fn zeros(config: &LeakyRnnConfig) -> Self {
        Self(Tensors::zeros(
            config.n_input,
            config.n_rnn,
            config.n_output,
        ))
    }

    /// $\partial L / \partial W_\mathrm{in}$, `[n_input, n_rnn]`.
    #[must_use]
    pub fn w_in(&self) -> &Array2<f32> {
        &self.0.w_in
    }

    /// $\partial L / \partial W_\mathrm{rec}$, `[n_rnn, n_rnn]`.
    #[must_use]
    pub fn w_rec(&self) -> &Array2<f32> {
        &self.0.w_rec
    }

    /// $\partial L / \partial b_\mathrm{rec}$, `[n_rnn]`.
    #[must_use]
    pub fn b_rec(&self) -> &Array1<f32> {
        &self.0.b_rec
    }

    /// $\partial L / \partial W_\mathrm{out}$, `[n_rnn, n_output]`.
    #[must_use]
    pub fn w_out(&self) -> &Array2<f32> {
        &self.0.w_out
    }

    /// $\partial L / \partial b_\mathrm{out}$, `[n_output]`.
    #[must_use]
    pub fn b_out(&self) -> &Array1<f32> {
        &self.0.b_out
    }

    /// `(name, gradient)` for each tensor, in [`PARAM_NAMES`] order (for per-layer logging).
    #[must_use]
    pub fn tensors(&self) -> [(&'static str, ArrayViewD<'_, f32>); 5] {
        self.0.views()
    }

    /// The gradients as flat row-major slices, in [`PARAM_NAMES`] order (for the optimiser).
    #[must_use]
    pub fn slices(&self) -> [&[f32]; 5] {
        self.0.slices()
    }
}
