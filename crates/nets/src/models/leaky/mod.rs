//! The leaky RNN (SPEC.md §2.2): forward pass, masked squared loss and BPTT.
//!
//! [`LeakyRnn`] is the network of Yang et al. (2019) (`network.py`, `LeakyRNNCell`), in
//! discrete time with $\alpha = \Delta t / \tau$, for $t = 1, \dots, T$:
//!
//! $$x_t = u_t W_\mathrm{in} + r_{t-1} W_\mathrm{rec} + b_\mathrm{rec} + \eta_t,\qquad
//! r_t = (1 - \alpha)\, r_{t-1} + \alpha f(x_t),\qquad r_0 = 0,$$
//!
//! $$\eta_t \sim \mathcal N\bigl(0, (\sqrt{2/\alpha}\,\sigma_\mathrm{rec})^2 I\bigr),\qquad
//! \hat y_t = \sigma(r_t W_\mathrm{out} + b_\mathrm{out}),$$
//!
//! $$L = \frac{1}{T B N_\mathrm{out}} \sum_{t, b, k} \bigl((y - \hat y) \cdot m\bigr)^2.$$
//!
//! States and inputs are row vectors (the TensorFlow convention `inputs @ kernel`), so the
//! weights are stored row-major as `w_in [n_input, n_rnn]`, `w_rec [n_rnn, n_rnn]`,
//! `b_rec [n_rnn]`, `w_out [n_rnn, n_output]`, `b_out [n_output]`, and every batch is
//! time-major, `[time, trial, channel]`, like [`TrialBatch`](crate::tasks::TrialBatch).
//!
//! **Gradients** ([`LeakyRnn::loss_and_gradients`]) are hand-written backpropagation through
//! time. With $z_t$ the output pre-activation, $g_t = \partial L / \partial r_t$ and
//! $\delta_t = \partial L / \partial x_t$, from $t = T$ down to 1 (with $g_{T+1} = 0$):
//!
//! $$g_t = \frac{\partial L}{\partial z_t} W_\mathrm{out}^\top + (1 - \alpha)\, g_{t+1}
//! \; + \; \delta_{t+1} W_\mathrm{rec}^\top,\qquad \delta_t = \alpha\, g_t \odot f'(x_t),$$
//!
//! $$\nabla W_\mathrm{rec} = \sum_t r_{t-1}^\top \delta_t,\qquad
//! \nabla W_\mathrm{in} = \sum_t u_t^\top \delta_t,\qquad
//! \nabla b_\mathrm{rec} = \sum_t \delta_t,$$
//!
//! each weight gradient computed as one GEMM over all time steps.
//!
//! **Determinism and threads.** The batch is cut into chunks of at most [`CHUNK_TRIALS`]
//! trials that depend only on the batch size; each chunk runs its whole forward and backward
//! pass (GEMMs through faer with `Par::Seq`) on one rayon worker, and the chunks' partial
//! gradients are summed in chunk order. Results are therefore identical for any number of
//! threads. The recurrent noise of trial `b` comes from its own Xoshiro256++ stream seeded
//! from `(noise_seed, b)` (Box–Muller normals, see [`LeakyRnn::sample_noise`]), so a trial's
//! noise does not depend on the chunking either. Elementwise work is compiled for AVX2 where
//! the CPU has it ([`vectorize`]); the SIMD width never changes a result.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::householder;
use faer::linalg::qr::no_pivoting::factor as qr;
use faer::{Conj, Mat, Par};
use infoscope_nn::activation::vectorize;
use ndarray::{Array1, Array2, Array3, ArrayView3, ArrayViewD, s};
use rand::RngExt;
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::error::{NetsError, Result};

mod config;
mod noise;
mod pass;
mod tensors;

pub use config::{LeakyRnnConfig, RecInit};
use noise::*;
pub use pass::Workspace;
use pass::*;
pub use tensors::Gradients;
use tensors::*;

/// Trials per work chunk: the unit of parallelism (see the module docs). Fixed, so results
/// never depend on the thread count.
pub const CHUNK_TRIALS: usize = 32;

/// The parameter tensors' names, in the order of every per-tensor list of this module.
pub const PARAM_NAMES: [&str; 5] = ["w_in", "w_rec", "b_rec", "w_out", "b_out"];

/// The leaky RNN: configuration plus parameters. See the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct LeakyRnn {
    config: LeakyRnnConfig,
    params: Tensors,
}

impl LeakyRnn {
    /// A freshly initialised network (SPEC.md §2.2): `w_in ~ N(0, 1) / √n_input · w_in_start`;
    /// `w_rec = w_rec_start · I` or `· Q` (Haar orthogonal); `w_out` Glorot-uniform,
    /// $U(\pm\sqrt{6 / (n_\mathrm{rnn} + n_\mathrm{output})})$; biases zero. Each tensor draws
    /// from its own stream derived from `seed`.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] when `config` fails [`LeakyRnnConfig::validate`].
    pub fn new(config: LeakyRnnConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let (n_in, n, n_out) = (config.n_input, config.n_rnn, config.n_output);
        let mut params = Tensors::zeros(n_in, n, n_out);

        let mut rng = stream(seed, 0);
        #[allow(clippy::cast_precision_loss)]
        let in_scale = f64::from(config.w_in_start) / (n_in as f64).sqrt();
        params.w_in.mapv_inplace(|_| {
            let z: f64 = rng.sample(StandardNormal);
            (z * in_scale) as f32
        });

        let w_rec_start = config.effective_w_rec_start();
        match config.init {
            RecInit::Diag => params.w_rec.diag_mut().fill(w_rec_start),
            RecInit::RandOrtho => {
                let q = random_orthogonal(n, &mut stream(seed, 1));
                let scale = f64::from(w_rec_start);
                params.w_rec = Array2::from_shape_fn((n, n), |(i, j)| (q[(i, j)] * scale) as f32);
            }
        }

        let mut rng = stream(seed, 2);
        #[allow(clippy::cast_precision_loss)]
        let limit = (6.0 / (n + n_out) as f64).sqrt();
        params.w_out.mapv_inplace(|_| {
            let u: f64 = rng.random();
            (limit * (2.0 * u - 1.0)) as f32
        });
        Ok(Self { config, params })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &LeakyRnnConfig {
        &self.config
    }

    /// $W_\mathrm{in}$, `[n_input, n_rnn]`.
    #[must_use]
    pub fn w_in(&self) -> &Array2<f32> {
        &self.params.w_in
    }

    /// $W_\mathrm{rec}$, `[n_rnn, n_rnn]` (row `i` holds the weights *from* unit `i`).
    #[must_use]
    pub fn w_rec(&self) -> &Array2<f32> {
        &self.params.w_rec
    }

    /// $b_\mathrm{rec}$, `[n_rnn]`.
    #[must_use]
    pub fn b_rec(&self) -> &Array1<f32> {
        &self.params.b_rec
    }

    /// $W_\mathrm{out}$, `[n_rnn, n_output]`.
    #[must_use]
    pub fn w_out(&self) -> &Array2<f32> {
        &self.params.w_out
    }

    /// $b_\mathrm{out}$, `[n_output]`.
    #[must_use]
    pub fn b_out(&self) -> &Array1<f32> {
        &self.params.b_out
    }

    /// `(name, tensor)` for each parameter, in [`PARAM_NAMES`] order (for checkpoints).
    #[must_use]
    pub fn parameters(&self) -> [(&'static str, ArrayViewD<'_, f32>); 5] {
        self.params.views()
    }

    /// The parameters as flat row-major slices, in [`PARAM_NAMES`] order.
    #[must_use]
    pub fn parameter_slices(&self) -> [&[f32]; 5] {
        self.params.slices()
    }

    /// Mutable flat row-major slices of the parameters, in [`PARAM_NAMES`] order: what an
    /// optimiser updates, e.g. `adam.step(&mut model.parameter_slices_mut(), &grads.slices())`.
    pub fn parameter_slices_mut(&mut self) -> [&mut [f32]; 5] {
        self.params.slices_mut()
    }

    /// The number of scalar parameters.
    #[must_use]
    pub fn n_parameters(&self) -> usize {
        self.params.slices().iter().map(|s| s.len()).sum()
    }

    /// Overwrite the parameter `name` (one of [`PARAM_NAMES`]) with `values` (restoring a
    /// checkpoint).
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] for an unknown name; [`NetsError::Shape`] when `values`
    /// does not have the tensor's shape.
    pub fn set_parameter(&mut self, name: &str, values: ArrayViewD<'_, f32>) -> Result<()> {
        let Some(index) = Tensors::index_of(name) else {
            return Err(NetsError::InvalidParameter {
                name: "parameter name",
                reason: format!("unknown tensor `{name}`; expected one of {PARAM_NAMES:?}"),
            });
        };
        let expected = self.params.shapes()[index];
        if values.shape() != expected {
            return Err(NetsError::Shape {
                argument: PARAM_NAMES[index],
                got: values.shape().to_vec(),
                expected: format!("{expected:?}"),
            });
        }
        let dst = &mut self.params.slices_mut()[index];
        for (d, v) in dst.iter_mut().zip(values.iter()) {
            *d = *v;
        }
        Ok(())
    }

    /// The recurrent noise $\eta$ that a pass with `noise_seed` adds, `[n_time, n_trials,
    /// n_rnn]` (zeros when $\sigma_\mathrm{rec} = 0$). Trial `b` of any batch gets the same
    /// noise as here, whatever the batch size.
    ///
    /// The draws are standard normals by the Box–Muller transform (Box & Muller 1958) on 24-
    /// and 21-bit uniforms from the trial's Xoshiro256++ stream, times
    /// [`LeakyRnnConfig::noise_std`]; the tails are cut at $5.77\sigma$ (probability below
    /// $10^{-8}$ under the exact normal).
    #[must_use]
    pub fn sample_noise(&self, n_time: usize, n_trials: usize, noise_seed: u64) -> Array3<f32> {
        let n = self.config.n_rnn;
        let std = self.config.noise_std();
        let mut noise = Array3::zeros((n_time, n_trials, n));
        let mut scratch = NoiseScratch::default();
        for b in 0..n_trials {
            let mut stream = NoiseStream::new(noise_seed, b);
            for t in 0..n_time {
                stream.fill(&mut scratch, n);
                let row = noise.slice_mut(s![t, b, ..]);
                row.into_iter()
                    .zip(&scratch.z)
                    .for_each(|(x, z)| *x = std * z);
            }
        }
        noise
    }

    /// Run the network on `inputs` (`[n_time, n_trials, n_input]`), with recurrent noise from
    /// `noise_seed` (`None`: noiseless). Returns the hidden states $r_t$ `[n_time, n_trials,
    /// n_rnn]` and the outputs $\hat y_t$ `[n_time, n_trials, n_output]`.
    ///
    /// # Errors
    /// [`NetsError::Shape`] when `inputs` has no time steps, no trials or the wrong width.
    pub fn run(
        &self,
        inputs: ArrayView3<'_, f32>,
        noise_seed: Option<u64>,
    ) -> Result<(Array3<f32>, Array3<f32>)> {
        let dims = self.dims_of(&inputs)?;
        let mut ws = Workspace::new();
        ws.prepare(dims, false);
        ws.chunks.par_iter_mut().for_each(|chunk| {
            vectorize(Pass {
                chunk,
                net: self,
                dims,
                inputs: &inputs,
                noise_seed,
                backward: None,
            });
        });
        let mut hidden = Array3::zeros((dims.t, dims.b, dims.n));
        let mut outputs = Array3::zeros((dims.t, dims.b, dims.n_out));
        for c in &ws.chunks {
            let b = s![.., c.b0..c.b0 + c.rows, ..];
            scatter(&mut hidden.slice_mut(b), &c.h);
            scatter(&mut outputs.slice_mut(b), &c.out);
        }
        Ok((hidden, outputs))
    }

    /// The loss $L$ of the module docs on one batch, and its gradients with respect to every
    /// parameter (written into `grads`, which is reshaped if it does not fit).
    ///
    /// `inputs` is `[n_time, n_trials, n_input]`; `targets` and `mask` are `[n_time, n_trials,
    /// n_output]`. `noise_seed` seeds the recurrent noise (`None`: noiseless). `ws` holds the
    /// intermediate states; after the first call with given sizes, no further allocation
    /// happens.
    ///
    /// # Errors
    /// [`NetsError::Shape`] for inconsistent shapes; [`NetsError::Numerical`] when the loss is
    /// not finite (diverged weights or non-finite inputs).
    pub fn loss_and_gradients(
        &self,
        inputs: ArrayView3<'_, f32>,
        targets: ArrayView3<'_, f32>,
        mask: ArrayView3<'_, f32>,
        noise_seed: Option<u64>,
        ws: &mut Workspace,
        grads: &mut Gradients,
    ) -> Result<f32> {
        let dims = self.dims_of(&inputs)?;
        let expected = [dims.t, dims.b, dims.n_out];
        for (argument, a) in [("targets", &targets), ("mask", &mask)] {
            if a.shape() != expected {
                return Err(NetsError::Shape {
                    argument,
                    got: a.shape().to_vec(),
                    expected: format!("[n_time, n_trials, n_output] = {expected:?}"),
                });
            }
        }
        ws.prepare(dims, true);
        #[allow(clippy::cast_precision_loss)]
        let count = (dims.t * dims.b * dims.n_out) as f64;
        ws.chunks.par_iter_mut().for_each(|chunk| {
            vectorize(Pass {
                chunk,
                net: self,
                dims,
                inputs: &inputs,
                noise_seed,
                backward: Some((&targets, &mask, count)),
            });
        });
        let loss = ws.chunks.iter().map(|c| c.loss).sum::<f64>() / count;
        if !loss.is_finite() {
            return Err(NetsError::Numerical {
                what: "leaky RNN loss",
                detail: format!("loss is {loss}"),
            });
        }
        if grads.0.shapes() != self.params.shapes() {
            *grads = Gradients::zeros(&self.config);
        }
        let mut out = grads.0.slices_mut();
        for (k, dst) in out.iter_mut().enumerate() {
            for (i, c) in ws.chunks.iter().enumerate() {
                let part = c.grads[k].as_slice();
                if i == 0 {
                    dst.copy_from_slice(part);
                } else {
                    dst.iter_mut().zip(part).for_each(|(d, p)| *d += p);
                }
            }
        }
        #[allow(clippy::cast_possible_truncation)]
        Ok(loss as f32)
    }

    fn dims_of(&self, inputs: &ArrayView3<'_, f32>) -> Result<Dims> {
        let &[t, b, n_in] = inputs.shape() else {
            return Err(NetsError::Shape {
                argument: "inputs",
                got: inputs.shape().to_vec(),
                expected: "3 axes".into(),
            });
        };
        if t == 0 || b == 0 || n_in != self.config.n_input {
            return Err(NetsError::Shape {
                argument: "inputs",
                got: inputs.shape().to_vec(),
                expected: format!(
                    "[n_time ≥ 1, n_trials ≥ 1, n_input = {}]",
                    self.config.n_input
                ),
            });
        }
        Ok(Dims {
            t,
            b,
            n_in,
            n: self.config.n_rnn,
            n_out: self.config.n_output,
        })
    }
}

/// Copy a chunk buffer (`[T, rows, width]` row-major) into a slice of an output array.
fn scatter(dst: &mut ndarray::ArrayViewMut3<'_, f32>, src: &[f32]) {
    dst.iter_mut().zip(src).for_each(|(d, s)| *d = *s);
}

/// A Haar-random `n × n` orthogonal matrix: Householder QR (faer, sequential) of a standard
/// Gaussian matrix, with column `j` of `Q` multiplied by `sign(R_jj)` (Mezzadri 2007).
fn random_orthogonal(n: usize, rng: &mut Xoshiro256PlusPlus) -> Mat<f64> {
    let mut a = Mat::<f64>::from_fn(n, n, |_, _| rng.sample(StandardNormal));
    let block = qr::recommended_block_size::<f64>(n, n);
    let mut coeff = Mat::<f64>::zeros(block, n);
    let par = Par::Seq;
    let scratch = qr::qr_in_place_scratch::<f64>(n, n, block, par, Default::default()).or(
        householder::apply_block_householder_sequence_on_the_left_in_place_scratch::<f64>(
            n, block, n,
        ),
    );
    let mut mem = MemBuffer::new(scratch);
    qr::qr_in_place(
        a.as_mut(),
        coeff.as_mut(),
        par,
        MemStack::new(&mut mem),
        Default::default(),
    );
    let mut q = Mat::<f64>::identity(n, n);
    householder::apply_block_householder_sequence_on_the_left_in_place_with_conj(
        a.as_ref(),
        coeff.as_ref(),
        Conj::No,
        q.as_mut(),
        par,
        MemStack::new(&mut mem),
    );
    for j in 0..n {
        if a[(j, j)] < 0.0 {
            q.col_mut(j).iter_mut().for_each(|x| *x = -*x);
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_depend_on_batch_size_only() {
        let mut ws = Workspace::new();
        let dims = |b| Dims {
            t: 2,
            b,
            n_in: 1,
            n: 1,
            n_out: 1,
        };
        for (b, expected) in [
            (1, vec![1]),
            (32, vec![32]),
            (33, vec![17, 16]),
            (64, vec![32, 32]),
        ] {
            ws.prepare(dims(b), false);
            let rows: Vec<usize> = ws.chunks.iter().map(|c| c.rows).collect();
            assert_eq!(rows, expected);
        }
    }

    #[test]
    fn ln_unit_is_accurate_on_the_unit_interval() {
        let mut worst = 0.0_f64;
        for i in 0..=1_000_000_u32 {
            // Every exponent from 2^-24 to 1, many mantissas.
            let u = f32::from_bits(0x3380_0000 + i * ((0x3f80_0000 - 0x3380_0000) / 1_000_000));
            let exact = f64::from(u).ln();
            let err = (f64::from(ln_unit(u)) - exact).abs() / exact.abs().max(1e-3);
            worst = worst.max(err);
        }
        assert!(worst < 5e-7, "{worst}");
        assert_eq!(ln_unit(1.0), 0.0);
    }

    #[test]
    fn box_muller_covers_the_extremes() {
        // u1 = 2^-24 gives the largest radius, √(48 ln 2).
        let (a, b) = box_muller(0, 0);
        let r = f64::from(a).hypot(f64::from(b));
        assert!(
            (r - (48.0 * std::f64::consts::LN_2).sqrt()).abs() < 1e-5,
            "{r}"
        );
        // u1 = 1 gives zero.
        assert_eq!(box_muller(u32::MAX, 0), (0.0, 0.0));
        // The three low bits swap and flip.
        let (c, s) = box_muller(1 << 8, 0);
        assert_eq!(box_muller(1 << 8, 1), (s, c));
        assert_eq!(box_muller(1 << 8, 2), (-c, s));
        assert_eq!(box_muller(1 << 8, 4), (c, -s));
    }
}
