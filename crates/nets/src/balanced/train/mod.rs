//! Training the tracking network of the code (SPEC.md §8, "Training set-up") by hand-written
//! BPTT and Adam, as a steppable [`Trainer`].
//!
//! Dynamics $h \leftarrow h + \Delta t(-h + J\phi(h) + W_s s_t/S) + \sigma\sqrt{\Delta t}\,\xi$,
//! readout $r_t = W_r\phi(h_t)/N$, loss over $t \ge T/5$ of $\lVert r_t - y_t\rVert^2 +
//! \lambda\lVert h_t\rVert^2$ divided by $B\,T\,S$; trainable $(W_s, J, W_r)$ with the diagonal
//! of J held at 0 (its gradient is masked). Every epoch draws a fresh batch from the stream of
//! (seed, epoch), so a trainer's state is its weights, its Adam moments and its epoch count:
//! [`Trainer::save`] / [`Trainer::load`] resume bit-exactly.
//!
//! The initial state $x_0$ of every trial is the end of [`TrackConfig::relax_steps`] noiseless
//! steps from a seeded N(0, 1) state under the mean input (the offset b on every channel),
//! with the initial weights; it is computed once and kept (not trained).

mod adam;
mod checkpoint;
mod config;
mod pass;

use std::ops::ControlFlow;

use ndarray::{Array1, Array2, ArrayView2};
use rand::RngExt;
use rand_distr::StandardNormal;

use super::clusters::{ClusterStructure, Profiles, cluster_structure};
use super::network::{finite, shape};
use super::rng::{Stream, stream};
use super::simulate::Cancellation;
use super::spectrum::jacobian_spectrum;
use crate::error::{NetsError, Result, check_memory, ensure_param};
pub use checkpoint::TRACK_CHECKPOINT_FORMAT;
pub use config::{MAX_TRACK_NEURONS, TrackConfig};
use pass::{Dims, Weights, Workspace};

/// Views of a trainer's weights.
#[derive(Clone, Copy, Debug)]
pub struct TrackWeights<'a> {
    /// J (`N × N`, zero diagonal).
    pub j: ArrayView2<'a, f64>,
    /// W_s (`N × S`).
    pub w_in: ArrayView2<'a, f64>,
    /// W_r (`S × N`).
    pub w_out: ArrayView2<'a, f64>,
}

/// Gradients of the loss with respect to the weights, shaped as [`TrackWeights`].
#[derive(Clone, Debug, PartialEq)]
pub struct TrackGradients {
    /// ∂L/∂J (zero diagonal).
    pub j: Array2<f64>,
    /// ∂L/∂W_s.
    pub w_in: Array2<f64>,
    /// ∂L/∂W_r.
    pub w_out: Array2<f64>,
}

/// A row-major slice as an `r × c` view (empty when the length does not fit, which the
/// trainer's own buffers never do).
fn view2(data: &[f64], r: usize, c: usize) -> ArrayView2<'_, f64> {
    match ArrayView2::from_shape((r, c), data) {
        Ok(v) => v,
        Err(_) => ArrayView2::from(&[] as &[[f64; 0]]),
    }
}

/// A tracking network in training.
#[derive(Clone, Debug)]
pub struct Trainer {
    config: TrackConfig,
    seed: u64,
    epoch: u64,
    weights: Weights,
    moments: [adam::Moments; 3],
    /// mean(J) at initialisation.
    j_init_mean: f64,
    /// The initial state of every trial.
    x0: Vec<f64>,
    work: Workspace,
    /// The fixed test batch: stimulus `[T·B, S]` and noise `[T·B, N]`.
    test_stim: Vec<f64>,
    test_noise: Vec<f64>,
}

impl Trainer {
    /// A trainer with weights drawn from `seed` (W_s = 1 + jitter, W_r = 1 + jitter,
    /// J = g N(0,1)/√N − b/N with zero diagonal), the relaxed initial state and the fixed test
    /// batch.
    ///
    /// # Errors
    /// As [`TrackConfig::check`]; `TooLarge` (argument `steps`) when the buffers of a batch do
    /// not fit the memory budget.
    pub fn new(config: TrackConfig, seed: u64) -> Result<Self> {
        config.check()?;
        let (n, s, tb) = (config.n, config.channels, config.steps * config.batch);
        let values = (tb as u128) * (n as u128) * 10 + (n as u128) * (n as u128) * 4;
        check_memory(
            "steps",
            &format!(
                "training buffers for {} trials × {} steps × {n} neurons",
                config.batch, config.steps
            ),
            values * 8,
            "use fewer steps, trials or neurons",
        )?;
        let mut rng = stream(seed, Stream::Weights, 0);
        let mut normal = || rng.sample::<f64, _>(StandardNormal);
        let std = config.g / (n as f64).sqrt();
        let mean = -config.b / n as f64;
        let mut j: Vec<f64> = (0..n * n).map(|_| std * normal() + mean).collect();
        for i in 0..n {
            j[i * n + i] = 0.0;
        }
        let ws = (0..n * s).map(|_| 1.0 + config.ws_std * normal()).collect();
        let wr = (0..s * n).map(|_| 1.0 + config.wr_std * normal()).collect();
        let j_init_mean = j.iter().sum::<f64>() / (n * n) as f64;
        let weights = Weights { j, ws, wr };
        let x0 = relax(&config, &weights, seed);
        let dims = dims(&config);
        let mut test_stim = vec![0.0; tb * s];
        let mut test_noise = vec![0.0; tb * n];
        fill_batch(
            &config,
            &mut test_stim,
            &mut test_noise,
            seed,
            Stream::Test,
            0,
        );
        Ok(Self {
            config,
            seed,
            epoch: 0,
            moments: [
                adam::Moments::zeros(n * n),
                adam::Moments::zeros(n * s),
                adam::Moments::zeros(s * n),
            ],
            weights,
            j_init_mean,
            x0,
            work: Workspace::new(dims),
            test_stim,
            test_noise,
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &TrackConfig {
        &self.config
    }

    /// The seed.
    #[must_use]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Epochs trained so far.
    #[must_use]
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// One epoch: a fresh batch from the stream of (seed, epoch), the forward pass, BPTT and
    /// one Adam step on (J, W_s, W_r). Returns the training loss before the update.
    ///
    /// # Errors
    /// [`NetsError::Numerical`] when the loss is not finite (the weights are left unchanged).
    pub fn step(&mut self) -> Result<f64> {
        let c = self.config;
        let d = dims(&c);
        fill_batch(
            &c,
            &mut self.work.stim,
            &mut self.work.noise,
            self.seed,
            Stream::Stimulus,
            self.epoch,
        );
        set_targets(&mut self.work, c.b);
        let loss = self.work.forward(&self.weights, &self.x0, d);
        if !loss.is_finite() {
            return Err(NetsError::Numerical {
                what: "tracking training",
                detail: format!("the loss is {loss} at epoch {}", self.epoch),
            });
        }
        self.work.backward(&self.weights, d);
        let t = self.epoch + 1;
        let hyper = (c.lr, c.beta1, c.beta2, c.eps);
        let g = &self.work.grad;
        let w = &mut self.weights;
        self.moments[0].update(&mut w.j, &g.j, t, hyper);
        self.moments[1].update(&mut w.ws, &g.ws, t, hyper);
        self.moments[2].update(&mut w.wr, &g.wr, t, hyper);
        self.epoch = t;
        Ok(loss)
    }

    /// The loss (same formula as training, penalty included) on the fixed test batch (fixed
    /// stimulus and noise).
    #[must_use]
    pub fn test_error(&mut self) -> f64 {
        self.test_forward()
    }

    fn test_forward(&mut self) -> f64 {
        self.work.stim.copy_from_slice(&self.test_stim);
        self.work.noise.copy_from_slice(&self.test_noise);
        set_targets(&mut self.work, self.config.b);
        self.work
            .forward(&self.weights, &self.x0, dims(&self.config))
    }

    /// The code's balance measure |mean(J) / mean(J_init)| (1 at the start).
    #[must_use]
    pub fn balance(&self) -> f64 {
        let n = self.config.n;
        (self.weights.j.iter().sum::<f64>() / (n * n) as f64 / self.j_init_mean).abs()
    }

    /// The cancellation index β = |⟨I_ext + I_rec⟩| / ⟨I_ext⟩ on the test batch, currents
    /// averaged over trials and the scored steps t ≥ T/5 (per neuron and for the population).
    #[must_use]
    pub fn cancellation(&mut self) -> Cancellation {
        self.test_forward();
        let (n, first) = (
            self.config.n,
            self.config.first_scored_step() * self.config.batch,
        );
        let mut ext = Array1::<f64>::zeros(n);
        let mut rec = Array1::<f64>::zeros(n);
        let rows = self.work.ext.len() / n - first;
        for (e, r) in self.work.ext[first * n..]
            .chunks_exact(n)
            .zip(self.work.rec[first * n..].chunks_exact(n))
        {
            ext += &ndarray::ArrayView1::from(e);
            rec += &ndarray::ArrayView1::from(r);
        }
        ext /= rows as f64;
        rec /= rows as f64;
        let per_neuron = ext
            .iter()
            .zip(&rec)
            .map(|(e, r)| (e + r).abs() / e)
            .collect();
        let (me, mr) = (ext.mean().unwrap_or(0.0), rec.mean().unwrap_or(0.0));
        Cancellation {
            per_neuron,
            population: (me + mr).abs() / me,
        }
    }

    /// The eigenvalues of J·diag(φ'(h̄)) ([`jacobian_spectrum`]) at h̄, the test batch's state
    /// averaged over trials and the scored steps t ≥ T/5.
    ///
    /// # Errors
    /// As [`jacobian_spectrum`].
    pub fn eigenvalues(&mut self) -> Result<Vec<(f64, f64)>> {
        self.test_forward();
        let (n, first) = (
            self.config.n,
            self.config.first_scored_step() * self.config.batch,
        );
        let mut mean = Array1::<f64>::zeros(n);
        let rows = self.work.h.len() / n - first;
        for h in self.work.h[first * n..].chunks_exact(n) {
            mean += &ndarray::ArrayView1::from(h);
        }
        mean /= rows as f64;
        jacobian_spectrum(self.weights().j, mean.view())
    }

    /// k-means with k = S on the rows of J ([`cluster_structure`]).
    ///
    /// # Errors
    /// As [`cluster_structure`].
    pub fn clusters(&self, seed: u64) -> Result<ClusterStructure> {
        cluster_structure(self.weights().j, self.config.channels, Profiles::Rows, seed)
    }

    /// Views of J, W_s and W_r.
    #[must_use]
    pub fn weights(&self) -> TrackWeights<'_> {
        let (n, s) = (self.config.n, self.config.channels);
        let w = &self.weights;
        TrackWeights {
            j: view2(&w.j, n, n),
            w_in: view2(&w.ws, n, s),
            w_out: view2(&w.wr, s, n),
        }
    }

    /// Replace the weights (Adam moments and epoch are kept).
    ///
    /// # Errors
    /// [`NetsError::Shape`] for a wrong shape (`j`: N × N, `w_in`: N × S, `w_out`: S × N);
    /// `InvalidParameter` for a non-finite entry or a non-zero diagonal of `j`.
    pub fn set_weights(
        &mut self,
        j: ArrayView2<'_, f64>,
        w_in: ArrayView2<'_, f64>,
        w_out: ArrayView2<'_, f64>,
    ) -> Result<()> {
        let (n, s) = (self.config.n, self.config.channels);
        shape("j", j, n, n, "N × N")?;
        shape("w_in", w_in, n, s, "N × S")?;
        shape("w_out", w_out, s, n, "S × N")?;
        finite("j", j)?;
        finite("w_in", w_in)?;
        finite("w_out", w_out)?;
        if let Some(i) = (0..n).find(|&i| j[[i, i]] != 0.0) {
            return Err(NetsError::InvalidParameter {
                name: "j",
                reason: format!("the diagonal must be 0, J[{i}, {i}] = {}", j[[i, i]]),
            });
        }
        self.weights = Weights {
            j: j.iter().copied().collect(),
            ws: w_in.iter().copied().collect(),
            wr: w_out.iter().copied().collect(),
        };
        Ok(())
    }

    /// The loss and its gradients (BPTT) on training batch `batch` (the batch epoch `batch`
    /// draws), without updating anything; the diagonal of ∂L/∂J is 0.
    pub fn loss_and_gradient(&mut self, batch: u64) -> (f64, TrackGradients) {
        let c = self.config;
        let d = dims(&c);
        fill_batch(
            &c,
            &mut self.work.stim,
            &mut self.work.noise,
            self.seed,
            Stream::Stimulus,
            batch,
        );
        set_targets(&mut self.work, c.b);
        let loss = self.work.forward(&self.weights, &self.x0, d);
        self.work.backward(&self.weights, d);
        let g = &self.work.grad;
        let (n, s) = (c.n, c.channels);
        (
            loss,
            TrackGradients {
                j: view2(&g.j, n, n).to_owned(),
                w_in: view2(&g.ws, n, s).to_owned(),
                w_out: view2(&g.wr, s, n).to_owned(),
            },
        )
    }

    /// One long trial of the trained network from x_0 on a fresh stimulus (seeded by `seed`,
    /// with private noise): the stimulus (offset included, `steps × S`) and the readout
    /// (`steps × S`), for an information-rate measurement by the caller.
    ///
    /// # Errors
    /// `InvalidParameter` for `steps` = 0; `TooLarge` (`steps`) when the series do not fit
    /// the memory budget.
    pub fn simulate(&self, steps: usize, seed: u64) -> Result<(Array2<f64>, Array2<f64>)> {
        ensure_param!(steps >= 1, "steps", "must be ≥ 1, got 0");
        let c = self.config;
        let (n, s) = (c.n, c.channels);
        check_memory(
            "steps",
            &format!("two {steps} × {s} series"),
            (steps as u128) * (s as u128) * 16,
            "simulate fewer steps",
        )?;
        let stimulus_def = c.stimulus();
        let mut srng = stream(seed, Stream::Stimulus, u64::MAX);
        let mut nrng = stream(seed, Stream::Noise, u64::MAX);
        let stim = stimulus_def.generate(steps, &mut srng)?;
        let mut out = Array2::zeros((steps, s));
        let w = self.weights();
        let mut h = Array1::from(self.x0.clone());
        let noise = c.sigma * c.dt.sqrt();
        for (t, mut r) in out.rows_mut().into_iter().enumerate() {
            let a = h.mapv(|v| v.max(0.0));
            let drive = w.w_in.dot(&stim.row(t)) / s as f64;
            let rec = w.j.dot(&a);
            for i in 0..n {
                let z: f64 = nrng.sample(StandardNormal);
                h[i] += c.dt * (rec[i] + drive[i] - h[i]) + noise * z;
            }
            let a = h.mapv(|v| v.max(0.0));
            r.assign(&(w.w_out.dot(&a) / n as f64));
        }
        Ok((stim, out))
    }
}

/// Train `config.epochs` epochs from `seed`, calling `callback(trainer, train_loss)` after
/// every `log_every`-th epoch (and the last); the callback can stop early with
/// `ControlFlow::Break`.
///
/// # Errors
/// As [`Trainer::new`] and [`Trainer::step`]; `InvalidParameter` (`log_every`) for 0.
pub fn train<C>(config: TrackConfig, seed: u64, log_every: u64, mut callback: C) -> Result<Trainer>
where
    C: FnMut(&mut Trainer, f64) -> ControlFlow<()>,
{
    ensure_param!(log_every >= 1, "log_every", "must be ≥ 1, got 0");
    let mut trainer = Trainer::new(config, seed)?;
    while trainer.epoch < config.epochs {
        let loss = trainer.step()?;
        if (trainer.epoch.is_multiple_of(log_every) || trainer.epoch == config.epochs)
            && callback(&mut trainer, loss).is_break()
        {
            break;
        }
    }
    Ok(trainer)
}

fn dims(c: &TrackConfig) -> Dims {
    Dims {
        n: c.n,
        s: c.channels,
        b: c.batch,
        t: c.steps,
        dt: c.dt,
        t0: c.first_scored_step(),
        reg: c.reg,
    }
}

/// Targets y = s / b.
fn set_targets(work: &mut Workspace, b: f64) {
    for (y, s) in work.target.iter_mut().zip(&work.stim) {
        *y = s / b;
    }
}

/// The stimulus `[T·B, S]` (trial b from its own sub-stream) and the scaled noise `[T·B, N]`
/// of batch `index` of stream `kind`.
fn fill_batch(
    c: &TrackConfig,
    stim: &mut [f64],
    noise: &mut [f64],
    seed: u64,
    kind: Stream,
    index: u64,
) {
    let (s, b) = (c.channels, c.batch);
    let def = c.stimulus();
    let mut srng = stream(seed, kind, index.wrapping_mul(2));
    for trial in 0..b {
        let mut ou = def.initial(&mut srng);
        for t in 0..c.steps {
            if t > 0 {
                def.advance(&mut ou, &mut srng);
            }
            let row = &mut stim[(t * b + trial) * s..(t * b + trial + 1) * s];
            row.iter_mut().zip(&ou).for_each(|(d, v)| *d = def.i0 + v);
        }
    }
    let scale = c.sigma * c.dt.sqrt();
    let mut nrng = stream(seed, kind, index.wrapping_mul(2) + 1);
    for v in noise.iter_mut() {
        *v = scale * nrng.sample::<f64, _>(StandardNormal);
    }
}

/// The initial state: `relax_steps` noiseless steps from N(0, 1) under the mean input.
fn relax(c: &TrackConfig, w: &Weights, seed: u64) -> Vec<f64> {
    let (n, s) = (c.n, c.channels);
    let mut rng = stream(seed, Stream::Initial, 0);
    let mut x: Vec<f64> = (0..n).map(|_| rng.sample(StandardNormal)).collect();
    let drive: Vec<f64> = (0..n)
        .map(|i| w.ws[i * s..(i + 1) * s].iter().sum::<f64>() * c.b / s as f64)
        .collect();
    let mut a = vec![0.0; n];
    for _ in 0..c.relax_steps {
        a.iter_mut().zip(&x).for_each(|(a, x)| *a = x.max(0.0));
        for i in 0..n {
            let rec: f64 = w.j[i * n..(i + 1) * n]
                .iter()
                .zip(&a)
                .map(|(j, a)| j * a)
                .sum();
            x[i] += c.dt * (rec + drive[i] - x[i]);
        }
    }
    x
}
