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
use faer::linalg::matmul::matmul;
use faer::linalg::qr::no_pivoting::factor as qr;
use faer::{Accum, Conj, Mat, MatMut, MatRef, Par};
use infoscope_nn::activation::{Activation, SimdKernel, sigmoid, vectorize};
use ndarray::{Array1, Array2, Array3, ArrayView3, ArrayViewD, Dimension, s};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{NetsError, Result, ensure_param};

/// Trials per work chunk: the unit of parallelism (see the module docs). Fixed, so results
/// never depend on the thread count.
pub const CHUNK_TRIALS: usize = 32;

/// The parameter tensors' names, in the order of every per-tensor list of this module.
pub const PARAM_NAMES: [&str; 5] = ["w_in", "w_rec", "b_rec", "w_out", "b_out"];

/// How `w_rec` is initialised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecInit {
    /// `w_rec_start · I` (the paper's main networks; the default here).
    #[default]
    Diag,
    /// `w_rec_start · Q` with `Q` Haar-random orthogonal (the code default of Yang et al.):
    /// the QR factor of a standard Gaussian matrix, columns signed so `diag(R) > 0`.
    RandOrtho,
}

/// Hyperparameters of a [`LeakyRnn`]. Defaults are those of the paper's main networks
/// (SPEC.md §2.1): 85 inputs, 256 softplus units, 33 outputs, `Diag` init, `α = 0.2`,
/// `σ_rec = 0.05`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeakyRnnConfig {
    /// Input channels (85 for the 20-rule set).
    pub n_input: usize,
    /// Recurrent units (256).
    pub n_rnn: usize,
    /// Output channels (33: fixation and a 32-unit ring).
    pub n_output: usize,
    /// The nonlinearity $f$ (softplus).
    pub activation: Activation,
    /// How `w_rec` starts ([`RecInit::Diag`]).
    pub init: RecInit,
    /// Scale of the initial `w_rec`; `None` takes [`LeakyRnnConfig::default_w_rec_start`].
    pub w_rec_start: Option<f32>,
    /// Scale of the initial `w_in` (1.0).
    pub w_in_start: f32,
    /// $\alpha = \Delta t / \tau$, in $(0, 1]$ (0.2).
    pub alpha: f32,
    /// Recurrent noise level $\sigma_\mathrm{rec} \ge 0$ (0.05); the noise added per step has
    /// standard deviation $\sqrt{2/\alpha}\,\sigma_\mathrm{rec}$.
    pub sigma_rec: f32,
}

impl Default for LeakyRnnConfig {
    fn default() -> Self {
        Self {
            n_input: 85,
            n_rnn: 256,
            n_output: 33,
            activation: Activation::Softplus,
            init: RecInit::Diag,
            w_rec_start: None,
            w_in_start: 1.0,
            alpha: 0.2,
            sigma_rec: 0.05,
        }
    }
}

impl LeakyRnnConfig {
    /// The `w_rec_start` of Yang et al. (`LeakyRNNCell`) for each activation: 0.5 for softplus,
    /// ReLU and retanh, 1.0 for tanh, 0.01 for power (whose quadratic growth needs a small
    /// start to stay stable).
    #[must_use]
    pub fn default_w_rec_start(activation: Activation) -> f32 {
        match activation {
            Activation::Softplus | Activation::Relu | Activation::Retanh => 0.5,
            Activation::Tanh => 1.0,
            Activation::Power => 0.01,
        }
    }

    /// The `w_rec` scale in force: `w_rec_start`, or the activation's default.
    #[must_use]
    pub fn effective_w_rec_start(&self) -> f32 {
        self.w_rec_start
            .unwrap_or_else(|| Self::default_w_rec_start(self.activation))
    }

    /// Standard deviation of the noise added to the pre-activation each step,
    /// $\sqrt{2/\alpha}\,\sigma_\mathrm{rec}$ (0.158114 with the defaults).
    #[must_use]
    pub fn noise_std(&self) -> f32 {
        (2.0 / self.alpha).sqrt() * self.sigma_rec
    }

    /// Check every field.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        ensure_param!(
            self.n_input >= 1,
            "n_input",
            "must be ≥ 1, got {}",
            self.n_input
        );
        ensure_param!(self.n_rnn >= 1, "n_rnn", "must be ≥ 1, got {}", self.n_rnn);
        ensure_param!(
            self.n_output >= 1,
            "n_output",
            "must be ≥ 1, got {}",
            self.n_output
        );
        ensure_param!(
            self.alpha > 0.0 && self.alpha <= 1.0,
            "alpha",
            "must lie in (0, 1], got {}",
            self.alpha
        );
        ensure_param!(
            self.sigma_rec.is_finite() && self.sigma_rec >= 0.0,
            "sigma_rec",
            "must be finite and ≥ 0, got {}",
            self.sigma_rec
        );
        ensure_param!(
            self.w_in_start.is_finite() && self.w_in_start > 0.0,
            "w_in_start",
            "must be finite and > 0, got {}",
            self.w_in_start
        );
        let w_rec = self.effective_w_rec_start();
        ensure_param!(
            w_rec.is_finite() && w_rec >= 0.0,
            "w_rec_start",
            "must be finite and ≥ 0, got {w_rec}"
        );
        Ok(())
    }
}

/// The five parameter (or gradient) tensors, always in standard (row-major) layout.
#[derive(Clone, Debug, PartialEq)]
struct Tensors {
    w_in: Array2<f32>,
    w_rec: Array2<f32>,
    b_rec: Array1<f32>,
    w_out: Array2<f32>,
    b_out: Array1<f32>,
}

/// The contiguous data of an array this module built. All arrays here are created in standard
/// layout and only ever overwritten in place, so `as_slice` cannot fail; the empty fallback
/// keeps this panic-free and is caught by the length checks of every consumer.
fn flat<D: Dimension>(a: &ndarray::Array<f32, D>) -> &[f32] {
    a.as_slice().unwrap_or(&[])
}

fn flat_mut<D: Dimension>(a: &mut ndarray::Array<f32, D>) -> &mut [f32] {
    a.as_slice_mut().unwrap_or(&mut [])
}

impl Tensors {
    fn zeros(n_in: usize, n: usize, n_out: usize) -> Self {
        Self {
            w_in: Array2::zeros((n_in, n)),
            w_rec: Array2::zeros((n, n)),
            b_rec: Array1::zeros(n),
            w_out: Array2::zeros((n, n_out)),
            b_out: Array1::zeros(n_out),
        }
    }

    fn shapes(&self) -> [&[usize]; 5] {
        [
            self.w_in.shape(),
            self.w_rec.shape(),
            self.b_rec.shape(),
            self.w_out.shape(),
            self.b_out.shape(),
        ]
    }

    fn slices(&self) -> [&[f32]; 5] {
        [
            flat(&self.w_in),
            flat(&self.w_rec),
            flat(&self.b_rec),
            flat(&self.w_out),
            flat(&self.b_out),
        ]
    }

    fn slices_mut(&mut self) -> [&mut [f32]; 5] {
        [
            flat_mut(&mut self.w_in),
            flat_mut(&mut self.w_rec),
            flat_mut(&mut self.b_rec),
            flat_mut(&mut self.w_out),
            flat_mut(&mut self.b_out),
        ]
    }

    fn views(&self) -> [(&'static str, ArrayViewD<'_, f32>); 5] {
        [
            (PARAM_NAMES[0], self.w_in.view().into_dyn()),
            (PARAM_NAMES[1], self.w_rec.view().into_dyn()),
            (PARAM_NAMES[2], self.b_rec.view().into_dyn()),
            (PARAM_NAMES[3], self.w_out.view().into_dyn()),
            (PARAM_NAMES[4], self.b_out.view().into_dyn()),
        ]
    }

    fn index_of(name: &str) -> Option<usize> {
        PARAM_NAMES.iter().position(|&n| n == name)
    }
}

/// Gradients of the loss with respect to the five parameter tensors, laid out like the
/// parameters. Fill with [`LeakyRnn::loss_and_gradients`]; reuse across steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients(Tensors);

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

/// The leaky RNN: configuration plus parameters. See the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub struct LeakyRnn {
    config: LeakyRnnConfig,
    params: Tensors,
}

/// Splitmix64 finaliser (Steele, Lea & Flood 2014): derives independent stream seeds.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of stream `stream` under `seed`.
fn stream(seed: u64, stream: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix(mix(seed) ^ stream))
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

/// The recurrent-noise generator of one trial: a Xoshiro256++ stream seeded from
/// `(noise_seed, trial)`, turned into standard normal draws by the Box–Muller transform
/// (Box & Muller 1958), one 64-bit draw per pair of normals.
///
/// Each draw gives $u_1 \in [2^{-24}, 1]$ (24 bits), an angle $\varphi$ uniform on
/// $(-\pi/4, \pi/4)$ (21 bits) and three bits that swap $\cos\varphi, \sin\varphi$ and flip
/// their signs, which together make the polar angle uniform on the circle; then
/// $z_{1,2} = \sqrt{-2 \ln u_1}\,(\pm\cos\varphi, \pm\sin\varphi)$. All of it is branch-free
/// polynomial arithmetic, so it vectorises; the tails are cut at $|z| \le 5.77$ (probability
/// $< 10^{-8}$ under the exact normal).
#[derive(Debug)]
struct NoiseStream(Xoshiro256PlusPlus);

/// Reusable buffers for [`NoiseStream::fill`].
#[derive(Debug, Default)]
struct NoiseScratch {
    hi: Vec<u32>,
    lo: Vec<u32>,
    /// The last `fill`'s standard normal draws.
    z: Vec<f32>,
}

impl NoiseStream {
    fn new(noise_seed: u64, trial: usize) -> Self {
        Self(stream(noise_seed, trial as u64))
    }

    /// Draw `n` standard normals into `scratch.z` (first halves of the pairs, then the second
    /// halves).
    #[inline(always)]
    fn fill(&mut self, scratch: &mut NoiseScratch, n: usize) {
        let pairs = n.div_ceil(2);
        scratch.hi.resize(pairs, 0);
        scratch.lo.resize(pairs, 0);
        scratch.z.resize(2 * pairs, 0.0);
        for (hi, lo) in scratch.hi.iter_mut().zip(scratch.lo.iter_mut()) {
            let bits = self.0.next_u64();
            *hi = (bits >> 32) as u32;
            *lo = bits as u32;
        }
        let (first, second) = scratch.z.split_at_mut(pairs);
        let draws = scratch.hi.iter().zip(&scratch.lo);
        for ((z0, z1), (&hi, &lo)) in first.iter_mut().zip(second.iter_mut()).zip(draws) {
            (*z0, *z1) = box_muller(hi, lo);
        }
        scratch.z.truncate(n);
    }
}

/// Two standard normals from 64 random bits; see [`NoiseStream`].
#[inline(always)]
fn box_muller(hi: u32, lo: u32) -> (f32, f32) {
    use std::f32::consts::{FRAC_PI_2, FRAC_PI_4};
    const TWO_M24: f32 = 1.0 / 16_777_216.0;
    const TWO_M21: f32 = 1.0 / 2_097_152.0;
    // Both conversions are exact: the integers are below 2^24.
    #[allow(clippy::cast_possible_wrap, clippy::cast_precision_loss)]
    let u1 = ((hi >> 8) as i32 as f32 + 1.0) * TWO_M24;
    #[allow(clippy::cast_possible_wrap, clippy::cast_precision_loss)]
    let phi = ((lo >> 11) as i32 as f32 + 0.5) * TWO_M21 * FRAC_PI_2 - FRAC_PI_4;
    let r = (-2.0 * ln_unit(u1)).sqrt();
    // Taylor series on |φ| ≤ π/4: truncation below 2·10⁻⁹.
    let p2 = phi * phi;
    let sin = phi
        * (1.0 + p2 * (-1.0 / 6.0 + p2 * (1.0 / 120.0 + p2 * (-1.0 / 5040.0 + p2 / 362_880.0))));
    let cos = 1.0
        + p2 * (-0.5
            + p2 * (1.0 / 24.0 + p2 * (-1.0 / 720.0 + p2 * (1.0 / 40_320.0 - p2 / 3_628_800.0))));
    let swap = lo & 1 != 0;
    let (a, b) = if swap { (sin, cos) } else { (cos, sin) };
    let a = f32::from_bits((r * a).to_bits() ^ (((lo >> 1) & 1) << 31));
    let b = f32::from_bits((r * b).to_bits() ^ (((lo >> 2) & 1) << 31));
    (a, b)
}

/// $\ln u$ for normal positive `u` (here $u \in [2^{-24}, 1]$): $u = 2^k m$ with
/// $m \in [\sqrt{1/2}, \sqrt 2)$, $\ln m = 2\,\mathrm{atanh}\,s$, $s = (m - 1)/(m + 1)$,
/// $|s| \le 0.172$, series to $s^9$.
#[inline(always)]
fn ln_unit(u: f32) -> f32 {
    let bits = u.to_bits();
    let mantissa = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    #[allow(clippy::cast_possible_wrap)]
    let exponent = ((bits >> 23) & 0xff) as i32 - 127;
    let big = mantissa > std::f32::consts::SQRT_2;
    let m = if big { 0.5 * mantissa } else { mantissa };
    #[allow(clippy::cast_precision_loss)]
    let k = (exponent + i32::from(big)) as f32;
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let series = 2.0 + z * (2.0 / 3.0 + z * (2.0 / 5.0 + z * (2.0 / 7.0 + z * (2.0 / 9.0))));
    k * std::f32::consts::LN_2 + s * series
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

/// The sizes of one pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dims {
    t: usize,
    b: usize,
    n_in: usize,
    n: usize,
    n_out: usize,
}

/// Preallocated buffers for [`LeakyRnn::loss_and_gradients`], reused across training steps.
#[derive(Debug, Default)]
pub struct Workspace {
    dims: Option<Dims>,
    chunks: Vec<Chunk>,
}

impl Workspace {
    /// An empty workspace; buffers are sized at the first use.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Size the buffers for `dims` (no allocation when they already fit).
    fn prepare(&mut self, dims: Dims, backward: bool) {
        if self.dims != Some(dims) {
            let n_chunks = dims.b.div_ceil(CHUNK_TRIALS);
            let (base, extra) = (dims.b / n_chunks, dims.b % n_chunks);
            self.chunks.clear();
            let mut b0 = 0;
            for i in 0..n_chunks {
                let rows = base + usize::from(i < extra);
                self.chunks.push(Chunk {
                    b0,
                    rows,
                    ..Chunk::default()
                });
                b0 += rows;
            }
            self.dims = Some(dims);
        }
        for c in &mut self.chunks {
            c.size(dims, backward);
        }
    }
}

/// One chunk of trials: its slices of every intermediate, each `[T, rows, ·]` row-major.
#[derive(Debug, Default)]
struct Chunk {
    /// First trial of the chunk.
    b0: usize,
    /// Number of trials.
    rows: usize,
    /// Inputs `[T, rows, n_in]`.
    x: Vec<f32>,
    /// Pre-activations `[T, rows, n]`, overwritten by $f'$ of them.
    pre: Vec<f32>,
    /// Hidden states `[T, rows, n]`.
    h: Vec<f32>,
    /// Outputs $\hat y$ `[T, rows, n_out]`, overwritten by $\partial L / \partial z$.
    out: Vec<f32>,
    /// $g_t$, then $\delta_t$, `[T, rows, n]`.
    delta: Vec<f32>,
    /// Partial gradients, in [`PARAM_NAMES`] order.
    grads: [Vec<f32>; 5],
    /// Partial sum of squared masked errors.
    loss: f64,
    /// One noise stream per trial.
    noise: Vec<NoiseStream>,
    /// Buffers for drawing noise.
    scratch: NoiseScratch,
}

/// One chunk's whole pass, run through [`vectorize`] so that every elementwise loop of it is
/// compiled for AVX2 where the CPU has it.
struct Pass<'a, 'v> {
    chunk: &'a mut Chunk,
    net: &'a LeakyRnn,
    dims: Dims,
    inputs: &'a ArrayView3<'v, f32>,
    noise_seed: Option<u64>,
    /// Targets, mask and the loss normaliser $T B N_\mathrm{out}$, for a training pass.
    backward: Option<(&'a ArrayView3<'v, f32>, &'a ArrayView3<'v, f32>, f64)>,
}

impl SimdKernel for Pass<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.chunk
            .forward(self.net, self.dims, self.inputs, self.noise_seed);
        if let Some((targets, mask, count)) = self.backward {
            self.chunk
                .backward(self.net, self.dims, targets, mask, count);
        }
    }
}

fn view(data: &[f32], rows: usize, cols: usize) -> MatRef<'_, f32> {
    MatRef::from_row_major_slice(data, rows, cols)
}

fn view_mut(data: &mut [f32], rows: usize, cols: usize) -> MatMut<'_, f32> {
    MatMut::from_row_major_slice_mut(data, rows, cols)
}

/// `dst (=|+=) a · b`, sequential.
fn gemm(dst: MatMut<'_, f32>, accum: Accum, a: MatRef<'_, f32>, b: MatRef<'_, f32>) {
    matmul(dst, accum, a, b, 1.0, Par::Seq);
}

/// Column sums of a row-major `[rows, cols]` matrix into `dst`.
fn column_sums(dst: &mut [f32], m: &[f32], cols: usize) {
    dst.fill(0.0);
    for row in m.chunks_exact(cols) {
        dst.iter_mut().zip(row).for_each(|(d, x)| *d += x);
    }
}

impl Chunk {
    fn size(&mut self, d: Dims, backward: bool) {
        let rows = self.rows;
        self.x.resize(d.t * rows * d.n_in, 0.0);
        self.pre.resize(d.t * rows * d.n, 0.0);
        self.h.resize(d.t * rows * d.n, 0.0);
        self.out.resize(d.t * rows * d.n_out, 0.0);
        if backward {
            self.delta.resize(d.t * rows * d.n, 0.0);
            let sizes = [d.n_in * d.n, d.n * d.n, d.n, d.n * d.n_out, d.n_out];
            for (g, len) in self.grads.iter_mut().zip(sizes) {
                g.resize(len, 0.0);
            }
        }
    }

    /// The forward pass of this chunk: fills `x`, `h`, `out`, and `pre` with $f'$.
    #[inline(always)]
    fn forward(
        &mut self,
        net: &LeakyRnn,
        d: Dims,
        inputs: &ArrayView3<'_, f32>,
        seed: Option<u64>,
    ) {
        let (rows, n) = (self.rows, d.n);
        let p = &net.params;
        let cfg = &net.config;
        let (alpha, keep) = (cfg.alpha, 1.0 - cfg.alpha);
        let block = rows * n;

        // Gather the chunk's inputs, then pre = X W_in + b_rec + η for all steps at once.
        let src = inputs.slice(s![.., self.b0..self.b0 + rows, ..]);
        self.x.iter_mut().zip(src.iter()).for_each(|(x, s)| *x = *s);
        gemm(
            view_mut(&mut self.pre, d.t * rows, n),
            Accum::Replace,
            view(&self.x, d.t * rows, d.n_in),
            view(flat(&p.w_in), d.n_in, n),
        );
        let b_rec = flat(&p.b_rec);
        let std = cfg.noise_std();
        match seed.filter(|_| std > 0.0) {
            Some(seed) => {
                self.noise.clear();
                self.noise
                    .extend((0..rows).map(|i| NoiseStream::new(seed, self.b0 + i)));
                // Row (t, i) of `pre` draws from trial i's stream, in time order.
                for (r, row) in self.pre.chunks_exact_mut(n).enumerate() {
                    self.noise[r % rows].fill(&mut self.scratch, n);
                    for ((x, b), z) in row.iter_mut().zip(b_rec).zip(&self.scratch.z) {
                        *x = (*x + b) + std * z;
                    }
                }
            }
            None => {
                for row in self.pre.chunks_exact_mut(n) {
                    row.iter_mut().zip(b_rec).for_each(|(x, b)| *x += b);
                }
            }
        }

        // The recurrence, one step at a time.
        let w_rec = view(flat(&p.w_rec), n, n);
        for t in 0..d.t {
            let (h_past, h_now) = self.h.split_at_mut(t * block);
            let h_now = &mut h_now[..block];
            let pre = &mut self.pre[t * block..(t + 1) * block];
            if t > 0 {
                let h_prev = &h_past[(t - 1) * block..];
                gemm(
                    view_mut(pre, rows, n),
                    Accum::Add,
                    view(h_prev, rows, n),
                    w_rec,
                );
                // Lengths are equal by construction, so this cannot fail.
                let _ = cfg.activation.value_and_derivative_in_place(pre, h_now);
                for (h, hp) in h_now.iter_mut().zip(h_prev) {
                    *h = keep * hp + alpha * *h;
                }
            } else {
                let _ = cfg.activation.value_and_derivative_in_place(pre, h_now);
                h_now.iter_mut().for_each(|h| *h *= alpha);
            }
        }

        // Outputs for all steps at once: sigmoid(H W_out + b_out).
        gemm(
            view_mut(&mut self.out, d.t * rows, d.n_out),
            Accum::Replace,
            view(&self.h, d.t * rows, n),
            view(flat(&p.w_out), n, d.n_out),
        );
        let b_out = flat(&p.b_out);
        for row in self.out.chunks_exact_mut(d.n_out) {
            row.iter_mut()
                .zip(b_out)
                .for_each(|(z, b)| *z = sigmoid(*z + b));
        }
    }

    /// Loss and BPTT for this chunk, after [`Chunk::forward`].
    #[inline(always)]
    fn backward(
        &mut self,
        net: &LeakyRnn,
        d: Dims,
        targets: &ArrayView3<'_, f32>,
        mask: &ArrayView3<'_, f32>,
        count: f64,
    ) {
        let (rows, n, n_out) = (self.rows, d.n, d.n_out);
        let p = &net.params;
        let (alpha, keep) = (net.config.alpha, 1.0 - net.config.alpha);
        let block = rows * n;
        let trials = s![.., self.b0..self.b0 + rows, ..];

        // Loss, and dL/dz = 2 (ŷ − y) m² / count · ŷ (1 − ŷ) in place of ŷ.
        #[allow(clippy::cast_possible_truncation)]
        let scale = (2.0 / count) as f32;
        let mut loss = 0.0_f64;
        let ys = targets.slice(trials);
        let ms = mask.slice(trials);
        for ((o, &y), &m) in self.out.iter_mut().zip(ys.iter()).zip(ms.iter()) {
            let e = (*o - y) * m;
            loss += f64::from(e) * f64::from(e);
            *o = scale * e * m * *o * (1.0 - *o);
        }
        self.loss = loss;

        let [g_w_in, g_w_rec, g_b_rec, g_w_out, g_b_out] = &mut self.grads;
        let dz = view(&self.out, d.t * rows, n_out);
        let h_all = view(&self.h, d.t * rows, n);
        gemm(
            view_mut(g_w_out, n, n_out),
            Accum::Replace,
            h_all.transpose(),
            dz,
        );
        column_sums(g_b_out, &self.out, n_out);

        // g_t starts as the direct term dz_t W_outᵀ; BPTT adds the recurrent terms.
        let w_out_t = view(flat(&p.w_out), n, n_out).transpose();
        gemm(
            view_mut(&mut self.delta, d.t * rows, n),
            Accum::Replace,
            dz,
            w_out_t,
        );
        let w_rec_t = view(flat(&p.w_rec), n, n).transpose();
        for t in (0..d.t).rev() {
            let (earlier, now) = self.delta.split_at_mut(t * block);
            let now = &mut now[..block];
            let fprime = &self.pre[t * block..(t + 1) * block];
            if t > 0 {
                let prev = &mut earlier[(t - 1) * block..];
                for ((g, dp), &fp) in now.iter_mut().zip(prev.iter_mut()).zip(fprime) {
                    *dp += keep * *g;
                    *g *= alpha * fp;
                }
                gemm(
                    view_mut(prev, rows, n),
                    Accum::Add,
                    view(now, rows, n),
                    w_rec_t,
                );
            } else {
                now.iter_mut()
                    .zip(fprime)
                    .for_each(|(g, &fp)| *g *= alpha * fp);
            }
        }

        // Weight gradients as single large GEMMs over all steps.
        let deltas = view(&self.delta, d.t * rows, n);
        gemm(
            view_mut(g_w_in, d.n_in, n),
            Accum::Replace,
            view(&self.x, d.t * rows, d.n_in).transpose(),
            deltas,
        );
        column_sums(g_b_rec, &self.delta, n);
        if d.t > 1 {
            let k = (d.t - 1) * rows;
            gemm(
                view_mut(g_w_rec, n, n),
                Accum::Replace,
                view(&self.h[..k * n], k, n).transpose(),
                view(&self.delta[block..], k, n),
            );
        } else {
            g_w_rec.fill(0.0);
        }
    }
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
