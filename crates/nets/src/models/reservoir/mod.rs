//! The echo-state reservoir (SPEC.md §4) with a ridge-regression readout.
//!
//! Brief overview: [`ReservoirConfig`] holds the hyperparameters, [`Reservoir::new`] draws the
//! fixed weights from a seed, [`Reservoir::run`] steps the leaky-tanh dynamics through a batch
//! of inputs, [`Reservoir::fit_readout`] trains the only trained part (the sigmoid readout, by
//! weighted ridge regression, [`ReadoutReport`]), and [`Reservoir::echo_state_check`] tests the
//! echo-state property ([`EchoStateReport`]). A reservoir serialises to JSON with its weights.
//!
//! # Model
//!
//! With row vectors (a batch of states is a `[B, N]` matrix),
//!
//! $$ r_t = (1-\alpha)\, r_{t-1} + \alpha \tanh\!\left(u_t W_\mathrm{in} + r_{t-1} W_\mathrm{rec}
//! + b + \eta_t\right), \qquad r_0 = 0, $$
//!
//! with $\eta_t \sim \mathcal N\!\left(0, (\sqrt{2/\alpha}\,\sigma_\mathrm{rec})^2 I\right)$
//! (SPEC.md §2.2). $W_\mathrm{rec} = G/\sqrt N$ with $G_{ij} \sim \mathcal N(0, 1)$, rescaled so
//! that its spectral radius is exactly `spectral_radius`; $W_\mathrm{in} \sim \mathcal N(0,1)
//! /\sqrt{n_\mathrm{in}} \cdot$ `input_scale`; $b = 0$. The output is
//! $\hat y_t = \sigma(r_t W_\mathrm{out} + b_\mathrm{out})$.
//!
//! All weights are kept and integrated in `f64`; recorded states and outputs are `f32`.
//!
//! ```no_run
//! use infoscope_nets::models::reservoir::{Reservoir, ReservoirConfig};
//! use infoscope_nets::tasks::{Mode, Rule, TaskSpec, generate};
//!
//! let spec = TaskSpec::new(Rule::FdGo);
//! let mut reservoir = Reservoir::new(ReservoirConfig::new(spec.n_input()), 7)?;
//! // A random-mode batch shares one timing and modality, so train on several.
//! let train: Vec<_> = (0..8)
//!     .map(|seed| generate(&spec, &Mode::Random, 32, seed))
//!     .collect::<Result<_, _>>()?;
//! let validation: Vec<_> = (100..104)
//!     .map(|seed| generate(&spec, &Mode::Random, 32, seed))
//!     .collect::<Result<_, _>>()?;
//! let report = reservoir.fit_readout_batches(&train, &validation, None)?;
//! println!("chosen λ = {}", report.lambda);
//! # Ok::<(), infoscope_nets::NetsError>(())
//! ```

mod config;
mod echo;
mod readout;
mod serial;

use std::ops::Range;

use faer::Mat;
use ndarray::{
    Array1, Array2, Array3, ArrayView2, ArrayView3, Axis, Zip, linalg::general_mat_mul, s,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

pub use config::{DEFAULT_RIDGE_GRID, ReservoirConfig};
pub use echo::EchoStateReport;
pub use readout::{LOGIT_CLIP, Readout, ReadoutReport};

use crate::error::{NetsError, Result};

/// Trials per parallel work item of [`Reservoir::run`].
const RUN_CHUNK: usize = 32;
/// Stream index of the recurrent weights in [`derive_seed`].
const STREAM_W_REC: u64 = 0;
/// Stream index of the input weights in [`derive_seed`].
const STREAM_W_IN: u64 = 1;

/// An echo-state network: fixed random input and recurrent weights, a trained readout.
#[derive(Clone, Debug, PartialEq)]
pub struct Reservoir {
    config: ReservoirConfig,
    seed: u64,
    /// `[n_input, N]`.
    w_in: Array2<f64>,
    /// `[N, N]`, applied as `r W_rec` (row `i` holds the weights out of unit `i`).
    w_rec: Array2<f64>,
    /// `[N]`.
    bias: Array1<f64>,
    readout: Option<Readout>,
}

impl Reservoir {
    /// Draws a reservoir from `seed`: the recurrent and input weights come from two independent
    /// Xoshiro256++ streams derived from it, so the same seed always gives the same weights.
    ///
    /// # Errors
    ///
    /// [`NetsError::InvalidParameter`] for an invalid `config`; [`NetsError::Numerical`] if the
    /// eigenvalue computation fails or the drawn matrix has a zero spectral radius.
    pub fn new(config: ReservoirConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let n = config.n_rnn;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, STREAM_W_REC));
        let scale = 1.0 / (n as f64).sqrt();
        let g = Array2::from_shape_simple_fn((n, n), || {
            let z: f64 = StandardNormal.sample(&mut rng);
            z * scale
        });
        let rho0 = spectral_radius(g.view())?;
        if !(rho0.is_finite() && rho0 > 0.0) {
            return Err(NetsError::Numerical {
                what: "reservoir initialisation",
                detail: format!("the drawn recurrent matrix has spectral radius {rho0}"),
            });
        }
        let w_rec = g * (config.spectral_radius / rho0);

        let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, STREAM_W_IN));
        let in_scale = config.input_scale / (config.n_input as f64).sqrt();
        let w_in = Array2::from_shape_simple_fn((config.n_input, n), || {
            let z: f64 = StandardNormal.sample(&mut rng);
            z * in_scale
        });
        Ok(Self {
            bias: Array1::zeros(n),
            config,
            seed,
            w_in,
            w_rec,
            readout: None,
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ReservoirConfig {
        &self.config
    }

    /// The seed the fixed weights were drawn from.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Input weights `[n_input, N]`.
    #[must_use]
    pub fn w_in(&self) -> ArrayView2<'_, f64> {
        self.w_in.view()
    }

    /// Recurrent weights `[N, N]`, applied to row-vector states as `r W_rec`.
    #[must_use]
    pub fn w_rec(&self) -> ArrayView2<'_, f64> {
        self.w_rec.view()
    }

    /// Recurrent bias `[N]` (zero).
    #[must_use]
    pub fn bias(&self) -> &Array1<f64> {
        &self.bias
    }

    /// The trained readout, if [`Reservoir::fit_readout`] has run.
    #[must_use]
    pub fn readout(&self) -> Option<&Readout> {
        self.readout.as_ref()
    }

    /// Runs the dynamics from `r_0 = 0`: `inputs [T, B, n_input]` → states `[T, B, N]`, where
    /// entry `t` is the state after step `t` has consumed input `t`.
    ///
    /// With `noise_seed = Some(s)` and `sigma_rec > 0` the recurrent noise is drawn from one
    /// Xoshiro256++ stream per trial (derived from `s` and the trial index); `None` runs
    /// noise-free whatever `sigma_rec` is.
    ///
    /// # Errors
    ///
    /// [`NetsError::Shape`] if the input width is not `n_input`; [`NetsError::Numerical`] for
    /// non-finite inputs.
    pub fn run(&self, inputs: ArrayView3<'_, f32>, noise_seed: Option<u64>) -> Result<Array3<f32>> {
        let initial = Array2::zeros((inputs.shape()[1], self.config.n_rnn));
        self.record(inputs, initial, noise_seed)
    }

    /// As [`Reservoir::run`], from the given initial states `initial [B, N]` instead of zero.
    ///
    /// # Errors
    ///
    /// As [`Reservoir::run`], plus [`NetsError::Shape`] if `initial` is not `[B, N]`.
    pub fn run_from(
        &self,
        initial: ArrayView2<'_, f32>,
        inputs: ArrayView3<'_, f32>,
        noise_seed: Option<u64>,
    ) -> Result<Array3<f32>> {
        self.check_initial(initial, inputs.shape()[1])?;
        self.record(inputs, initial.mapv(f64::from), noise_seed)
    }

    /// Readout outputs `ŷ = σ(r W_out + b_out)`, `[T, B, n_output]`, from states `[T, B, N]`.
    ///
    /// # Errors
    ///
    /// [`NetsError::InvalidParameter`] (`readout`) before a readout is trained;
    /// [`NetsError::Shape`] if the state width is not `N`.
    pub fn outputs(&self, hidden: ArrayView3<'_, f32>) -> Result<Array3<f32>> {
        let readout = self
            .readout
            .as_ref()
            .ok_or_else(|| NetsError::InvalidParameter {
                name: "readout",
                reason: "no readout trained yet; call fit_readout first".to_owned(),
            })?;
        self.check_hidden(hidden)?;
        Ok(readout.apply(hidden))
    }

    /// [`Reservoir::run`] followed by [`Reservoir::outputs`].
    ///
    /// # Errors
    ///
    /// As those two methods.
    pub fn predict(
        &self,
        inputs: ArrayView3<'_, f32>,
        noise_seed: Option<u64>,
    ) -> Result<Array3<f32>> {
        let hidden = self.run(inputs, noise_seed)?;
        self.outputs(hidden.view())
    }

    /// Runs the dynamics and stores every state as `f32`. Trials run in parallel in fixed
    /// chunks of [`RUN_CHUNK`]; each trial's result depends only on its own input, initial
    /// state and noise stream, never on the thread count.
    fn record(
        &self,
        inputs: ArrayView3<'_, f32>,
        initial: Array2<f64>,
        noise_seed: Option<u64>,
    ) -> Result<Array3<f32>> {
        self.check_inputs(inputs)?;
        let (t_len, batch, _) = inputs.dim();
        let n = self.config.n_rnn;
        let starts: Vec<usize> = (0..batch).step_by(RUN_CHUNK).collect();
        let chunks: Vec<Array3<f32>> = starts
            .par_iter()
            .map(|&start| {
                let end = (start + RUN_CHUNK).min(batch);
                let mut hidden = Array3::zeros((t_len, end - start, n));
                let init = initial.slice(s![start..end, ..]).to_owned();
                let chunk_inputs = inputs.slice(s![.., start..end, ..]);
                self.simulate(chunk_inputs, init, noise_seed, start, |t, state| {
                    Zip::from(hidden.index_axis_mut(Axis(0), t))
                        .and(state)
                        .for_each(|h, &r| *h = r as f32);
                });
                hidden
            })
            .collect();
        let mut hidden = Array3::zeros((t_len, batch, n));
        for (&start, chunk) in starts.iter().zip(&chunks) {
            let end = start + chunk.shape()[1];
            hidden.slice_mut(s![.., start..end, ..]).assign(chunk);
        }
        Ok(hidden)
    }

    /// Steps the leaky-tanh dynamics through (already checked) `inputs` and hands each new
    /// state `[B, N]` to `visit(t, state)`. Row `b` draws its noise from the stream of trial
    /// `first_trial + b`.
    fn simulate(
        &self,
        inputs: ArrayView3<'_, f32>,
        mut state: Array2<f64>,
        noise_seed: Option<u64>,
        first_trial: usize,
        mut visit: impl FnMut(usize, ArrayView2<'_, f64>),
    ) {
        let (t_len, batch, _) = inputs.dim();
        let alpha = self.config.alpha;
        let std = self.config.noise_std();
        let mut noise = noise_seed
            .filter(|_| std > 0.0)
            .map(|seed| NoiseStreams::new(seed, first_trial..first_trial + batch, std));
        let mut drive = Array2::zeros((batch, self.config.n_rnn));
        for t in 0..t_len {
            let u = inputs.index_axis(Axis(0), t).mapv(f64::from);
            general_mat_mul(1.0, &u, &self.w_in, 0.0, &mut drive);
            general_mat_mul(1.0, &state, &self.w_rec, 1.0, &mut drive);
            drive += &self.bias;
            if let Some(noise) = noise.as_mut() {
                noise.add_to(&mut drive);
            }
            Zip::from(&mut state)
                .and(&drive)
                .for_each(|r, &x| *r = (1.0 - alpha) * *r + alpha * x.tanh());
            visit(t, state.view());
        }
    }

    fn check_inputs(&self, inputs: ArrayView3<'_, f32>) -> Result<()> {
        if inputs.shape()[2] != self.config.n_input {
            return Err(NetsError::Shape {
                argument: "inputs",
                got: inputs.shape().to_vec(),
                expected: format!("[T, B, {}] (n_input)", self.config.n_input),
            });
        }
        if !inputs.iter().all(|x| x.is_finite()) {
            return Err(NetsError::Numerical {
                what: "reservoir run",
                detail: "the inputs contain non-finite values".to_owned(),
            });
        }
        Ok(())
    }

    fn check_initial(&self, initial: ArrayView2<'_, f32>, batch: usize) -> Result<()> {
        if initial.dim() != (batch, self.config.n_rnn) {
            return Err(NetsError::Shape {
                argument: "initial",
                got: initial.shape().to_vec(),
                expected: format!("[{batch}, {}] ([B, N])", self.config.n_rnn),
            });
        }
        Ok(())
    }

    fn check_hidden(&self, hidden: ArrayView3<'_, f32>) -> Result<()> {
        if hidden.shape()[2] != self.config.n_rnn {
            return Err(NetsError::Shape {
                argument: "hidden",
                got: hidden.shape().to_vec(),
                expected: format!("[T, B, {}] (n_rnn)", self.config.n_rnn),
            });
        }
        Ok(())
    }
}

/// Spectral radius max |λ_i| of a square matrix, from faer's eigenvalue routine for general
/// real matrices.
///
/// # Errors
///
/// [`NetsError::Shape`] if `matrix` is not square; [`NetsError::Numerical`] if the eigenvalue
/// iteration does not converge.
pub fn spectral_radius(matrix: ArrayView2<'_, f64>) -> Result<f64> {
    let (rows, cols) = matrix.dim();
    if rows != cols {
        return Err(NetsError::Shape {
            argument: "matrix",
            got: vec![rows, cols],
            expected: "a square matrix".to_owned(),
        });
    }
    let m = Mat::from_fn(rows, cols, |i, j| matrix[[i, j]]);
    let eigenvalues = m.eigenvalues().map_err(|e| NetsError::Numerical {
        what: "spectral radius",
        detail: format!("eigenvalue computation failed: {e:?}"),
    })?;
    Ok(eigenvalues
        .iter()
        .map(|z| z.re.hypot(z.im))
        .fold(0.0, f64::max))
}

/// One independent noise stream per trial, so that a trial's noise does not depend on the
/// batch it sits in or on any thread count.
struct NoiseStreams {
    rngs: Vec<Xoshiro256PlusPlus>,
    std: f64,
}

impl NoiseStreams {
    fn new(seed: u64, trials: Range<usize>, std: f64) -> Self {
        let rngs = trials
            .map(|b| Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, b as u64)))
            .collect();
        Self { rngs, std }
    }

    fn add_to(&mut self, drive: &mut Array2<f64>) {
        for (mut row, rng) in drive.outer_iter_mut().zip(&mut self.rngs) {
            for x in &mut row {
                let z: f64 = StandardNormal.sample(rng);
                *x += self.std * z;
            }
        }
    }
}

/// A seed for stream `stream` derived from `seed` (two SplitMix64 finalisations), so that
/// nearby seeds and stream indices give unrelated streams.
pub(crate) fn derive_seed(seed: u64, stream: u64) -> u64 {
    splitmix64(seed ^ splitmix64(stream.wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
