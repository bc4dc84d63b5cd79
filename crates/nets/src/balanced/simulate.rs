//! Batched simulation of a [`BalancedNetwork`]: B independent trials at once, in `f32` or
//! `f64`, with one shared stimulus or one per trial.
//!
//! Per step (Euler–Maruyama, SPEC.md §8): the stimulus advances one exact OU step, the drive
//! $I^\mathrm{ext}_i = c\sum_k W_{ik}s_k/S$ and the recurrent current
//! $I^\mathrm{rec}_i = \sum_j J_{ij}\phi(h_j)$ are formed, and
//! $h \leftarrow h + (\Delta t/\tau)(-h + I^\mathrm{rec} + I^\mathrm{ext}) + \sigma\sqrt{\Delta t/\tau}\,z$.
//! Trial b's private noise comes from its own seeded stream, so every trial's numbers are
//! bit-identical for any batch size and thread count.

use ndarray::{Array1, Array2, Array3};
use rand::RngExt;
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kernel::{recurrent, recurrent_sparse, sparse_index};
use super::network::BalancedNetwork;
use super::params::Phi;
use super::real::Real;
use super::rng::{Stream, stream};
use crate::error::{Result, check_memory, ensure_param};

/// A state whose magnitude exceeds this many times (1 + |drive| + σ) has run away.
pub const RUNAWAY: f64 = 1e6;

/// Steps between the run-away checks of a simulation (and after the last step).
const RUNAWAY_CHECK_EVERY: usize = 64;

/// Whether the trials of a run share their stimulus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StimulusMode {
    /// One stimulus for every trial (the trials differ only by their noise).
    #[default]
    Shared,
    /// Trial b gets its own stimulus stream.
    PerTrial,
}

/// What a [`Simulator::run`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimOptions {
    /// Recorded time steps T (≥ 1).
    pub steps: usize,
    /// Independent trials B (≥ 1).
    pub trials: usize,
    /// Steps simulated and discarded before the recording (the transient).
    pub burn_in: usize,
    /// How many neurons (the first ones) to record the state h of (0: none).
    pub record: usize,
    /// Shared or per-trial stimulus.
    pub stimulus: StimulusMode,
    /// The seed of every stream (stimulus and noise).
    pub seed: u64,
}

impl SimOptions {
    /// `steps` steps of `trials` trials, no burn-in, nothing recorded per neuron, shared
    /// stimulus.
    #[must_use]
    pub fn new(steps: usize, trials: usize, seed: u64) -> Self {
        Self {
            steps,
            trials,
            burn_in: 0,
            record: 0,
            stimulus: StimulusMode::Shared,
            seed,
        }
    }
}

/// How the recurrent product J·φ(h) is computed (both give a fixed summation order per
/// trial, so either is bit-identical across batch sizes and thread counts; they differ from
/// each other in the last bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Product {
    /// A dense product over all neurons, register-blocked over the trials (the default; on
    /// the Figure-1 set-up it matched faer's sequential product, see `examples/balanced_bench.rs`).
    #[default]
    Dense,
    /// Skip silent neurons: accumulate the columns of J of the active ones only. It reads
    /// less memory when most ReLU rates are 0 but was 2–3× slower than [`Product::Dense`] in
    /// our measurement (the transient from h = 0, where nearly all neurons are active).
    Sparse,
}

/// A simulator of one network in precision `F`: its couplings converted once.
#[derive(Clone, Debug)]
pub struct Simulator<F: Real> {
    net: BalancedNetwork,
    /// J in `F`: row-major for [`Product::Dense`], transposed for [`Product::Sparse`].
    j: Vec<F>,
    product: Product,
}

/// The recorded result of a [`Simulator::run`] (arrays `[trial, time, ·]`, all `f64`).
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Δt, in units of τ.
    pub dt: f64,
    /// τ.
    pub tau: f64,
    /// The stimulus s(t), offset included (`B × T × S`).
    pub stimulus: Array3<f64>,
    /// The population rate ν(t) = mean_i φ(h_i(t)) (`B × T`).
    pub rate: Array2<f64>,
    /// The states h of the first [`SimOptions::record`] neurons (`B × T × record`).
    pub recorded: Array3<f64>,
    /// The time-averaged external drive per neuron (`B × N`).
    pub mean_external: Array2<f64>,
    /// The time-averaged recurrent current per neuron (`B × N`).
    pub mean_recurrent: Array2<f64>,
    /// The fraction of (neuron, step, trial) with φ'(h) > 0 over the recording.
    pub active_fraction: f64,
    /// N × mean(J) of the simulated network (≈ −b·J_0).
    pub total_mean_coupling: f64,
    /// The states at the end (`B × N`).
    pub final_state: Array2<f64>,
}

/// The cancellation index β = |⟨I_ext + I_rec⟩| / ⟨I_ext⟩ (tightness of balance 1/β).
#[derive(Clone, Debug, PartialEq)]
pub struct Cancellation {
    /// β_i per neuron, from time- and trial-averaged currents.
    pub per_neuron: Array1<f64>,
    /// β of the population: |mean_i ⟨I_ext + I_rec⟩_i| / mean_i ⟨I_ext⟩_i.
    pub population: f64,
}

impl<F: Real> Simulator<F> {
    /// A simulator of `net` (J converted to `F`).
    ///
    /// # Errors
    /// [`NetsError::TooLarge`](crate::NetsError::TooLarge) (argument `n`) when the converted
    /// couplings do not fit the memory budget.
    pub fn new(net: &BalancedNetwork) -> Result<Self> {
        Self::with_product(net, Product::Dense)
    }

    /// A simulator of `net` computing the recurrent product as `product` says.
    ///
    /// # Errors
    /// As [`Simulator::new`].
    pub fn with_product(net: &BalancedNetwork, product: Product) -> Result<Self> {
        let n = net.params().n;
        check_memory(
            "n",
            &format!("{n} × {n} couplings in {}", F::NAME),
            (n as u128) * (n as u128) * std::mem::size_of::<F>() as u128,
            "use fewer neurons",
        )?;
        let c = net.couplings();
        let c = match product {
            Product::Dense => c,
            Product::Sparse => c.reversed_axes(),
        };
        let j = c.iter().map(|&v| F::from_f64(v)).collect();
        Ok(Self {
            net: net.clone(),
            j,
            product,
        })
    }

    /// The network.
    #[must_use]
    pub fn network(&self) -> &BalancedNetwork {
        &self.net
    }

    /// Simulate per `options`, starting every trial from h = 0.
    ///
    /// # Errors
    /// `InvalidParameter` for `steps` or `trials` of 0 or `record` > N;
    /// [`NetsError::TooLarge`](crate::NetsError::TooLarge) (argument `steps`) when the
    /// recording would not fit the memory budget; [`NetsError::Numerical`](crate::NetsError::Numerical)
    /// when the state stops being finite (the rates ran away: raise b).
    pub fn run(&self, options: &SimOptions) -> Result<Run> {
        let p = *self.net.params();
        let (n, s) = (p.n, p.stimulus.channels);
        let (t_rec, b) = (options.steps, options.trials);
        ensure_param!(t_rec >= 1, "steps", "must be ≥ 1, got 0");
        ensure_param!(b >= 1, "trials", "must be ≥ 1, got 0");
        ensure_param!(
            options.record <= n,
            "record",
            "must be ≤ N = {n}, got {}",
            options.record
        );
        let per_time = (s + 1 + options.record) as u128;
        let bytes = (b as u128) * (t_rec as u128) * per_time * 8
            + (b as u128) * (n as u128) * (4 * 8 + 4 * std::mem::size_of::<F>() as u128);
        check_memory(
            "steps",
            &format!("a recording of {b} trials × {t_rec} steps × {per_time} values"),
            bytes,
            "record fewer steps, trials or neurons",
        )?;
        let mut state = State::<F>::new(&self.net, options);
        let mut out = Run {
            dt: p.dt(),
            tau: p.tau,
            stimulus: Array3::zeros((b, t_rec, s)),
            rate: Array2::zeros((b, t_rec)),
            recorded: Array3::zeros((b, t_rec, options.record)),
            mean_external: Array2::zeros((b, n)),
            mean_recurrent: Array2::zeros((b, n)),
            active_fraction: 0.0,
            total_mean_coupling: self.net.total_mean_coupling(),
            final_state: Array2::zeros((b, n)),
        };
        let mut active = 0u64;
        let total = options.burn_in + t_rec;
        // A state beyond this magnitude has run away (ReLU rates growing without bound): the
        // drive and the noise set the scale of a bounded state.
        let bound = RUNAWAY * (1.0 + (p.input_scale * p.stimulus.i0).abs() + p.sigma);
        for step in 0..total {
            state.step(self, step > 0);
            if let Some(t) = step.checked_sub(options.burn_in) {
                active += state.record(&mut out, t, p.phi);
            }
            if (step + 1).is_multiple_of(RUNAWAY_CHECK_EVERY) || step + 1 == total {
                let ok = state.h.iter().all(|v| {
                    let v = v.to_f64();
                    v.is_finite() && v.abs() <= bound
                });
                if !ok {
                    return Err(crate::NetsError::Numerical {
                        what: "balanced network simulation",
                        detail: format!(
                            "the state is not finite or exceeds {bound:.3e} after {} steps \
                             (rates ran away; b = {} may be too small for g = {})",
                            step + 1,
                            p.b,
                            p.g
                        ),
                    });
                }
            }
        }
        let denom = (t_rec as f64).recip();
        out.mean_external.mapv_inplace(|v| v * denom);
        out.mean_recurrent.mapv_inplace(|v| v * denom);
        out.active_fraction = active as f64 / (b as f64 * t_rec as f64 * n as f64);
        for (dst, src) in out.final_state.iter_mut().zip(&state.h) {
            *dst = src.to_f64();
        }
        Ok(out)
    }
}

/// The evolving state of a run.
struct State<F: Real> {
    n: usize,
    b: usize,
    shared: bool,
    /// The stimulus offset I_0.
    i0: f64,
    /// h, trial-major `B × N`.
    h: Vec<F>,
    /// φ(h), trial-major.
    rates: Vec<F>,
    /// J φ(h), laid out as `index` says.
    rec: Vec<F>,
    /// Where (trial, neuron)'s current sits in `rec`: `index(n, b, t, i)`.
    index: fn(usize, usize, usize, usize) -> usize,
    /// The drive, trial-major.
    ext: Vec<F>,
    /// The OU fluctuation per stimulus stream (`streams × S`).
    ou: Vec<Vec<f64>>,
    stim_rngs: Vec<Xoshiro256PlusPlus>,
    noise_rngs: Vec<Xoshiro256PlusPlus>,
}

impl<F: Real> State<F> {
    fn new(net: &BalancedNetwork, o: &SimOptions) -> Self {
        let (n, b) = (net.params().n, o.trials);
        let shared = o.stimulus == StimulusMode::Shared;
        let streams = if shared { 1 } else { b };
        let mut stim_rngs: Vec<_> = (0..streams as u64)
            .map(|i| stream(o.seed, Stream::Stimulus, i))
            .collect();
        let ou = stim_rngs
            .iter_mut()
            .map(|r| net.params().stimulus.initial(r))
            .collect();
        Self {
            n,
            b,
            shared,
            i0: net.params().stimulus.i0,
            h: vec![F::ZERO; n * b],
            rates: vec![F::ZERO; n * b],
            rec: vec![F::ZERO; n * b],
            index: |_, b, t, i| i * b + t,
            ext: vec![F::ZERO; n * b],
            ou,
            stim_rngs,
            noise_rngs: (0..b as u64)
                .map(|i| stream(o.seed, Stream::Noise, i))
                .collect(),
        }
    }

    /// One Euler–Maruyama step (the stimulus advances first unless this is the first step).
    fn step(&mut self, sim: &Simulator<F>, advance: bool) {
        let p = sim.net.params();
        let (n, b) = (self.n, self.b);
        if advance {
            for (ou, rng) in self.ou.iter_mut().zip(&mut self.stim_rngs) {
                p.stimulus.advance(ou, rng);
            }
        }
        // The drive c Σ_k W_ik (I_0 + s_k) / S per trial.
        let w = sim.net.input_weights();
        let c = p.input_scale / p.stimulus.channels as f64;
        for (t, ext) in self.ext.chunks_exact_mut(n).enumerate() {
            let ou = &self.ou[if self.shared { 0 } else { t }];
            for (i, e) in ext.iter_mut().enumerate() {
                let v: f64 = w
                    .row(i)
                    .iter()
                    .zip(ou)
                    .map(|(wi, s)| wi * (p.stimulus.i0 + s))
                    .sum();
                *e = F::from_f64(c * v);
            }
        }
        let phi = p.phi;
        for (r, h) in self.rates.iter_mut().zip(&self.h) {
            *r = F::from_f64(phi.value(h.to_f64()));
        }
        let index: fn(usize, usize, usize, usize) -> usize = match sim.product {
            Product::Dense => {
                recurrent(&mut self.rec, &sim.j, &self.rates, n, b);
                |_, b, t, i| i * b + t
            }
            Product::Sparse => {
                recurrent_sparse(&mut self.rec, &sim.j, &self.rates, n, b);
                sparse_index
            }
        };
        self.index = index;
        let k = F::from_f64(p.dt() / p.tau);
        let noise = p.sigma * (p.dt() / p.tau).sqrt();
        let rec = &self.rec;
        if b > 1 && n * b >= 4096 {
            self.h
                .par_chunks_mut(n)
                .zip(self.ext.par_chunks(n))
                .zip(self.noise_rngs.par_iter_mut())
                .enumerate()
                .for_each(|(t, ((h, ext), rng))| update(h, ext, rng, rec, index, t, b, k, noise));
        } else {
            self.h
                .chunks_exact_mut(n)
                .zip(self.ext.chunks_exact(n))
                .zip(self.noise_rngs.iter_mut())
                .enumerate()
                .for_each(|(t, ((h, ext), rng))| update(h, ext, rng, rec, index, t, b, k, noise));
        }
    }

    /// Record step `t` into `out`; the number of active neurons.
    fn record(&self, out: &mut Run, t: usize, phi: Phi) -> u64 {
        let (n, b) = (self.n, self.b);
        let mut active = 0;
        for trial in 0..b {
            let h = &self.h[trial * n..(trial + 1) * n];
            let mut sum = 0.0;
            for &v in h {
                let v = v.to_f64();
                sum += phi.value(v);
                active += u64::from(phi.slope(v) > 0.0);
            }
            out.rate[[trial, t]] = sum / n as f64;
            let ou = &self.ou[if self.shared { 0 } else { trial }];
            let i0 = self.i0;
            for (k, s) in ou.iter().enumerate() {
                out.stimulus[[trial, t, k]] = i0 + s;
            }
            for (k, v) in h.iter().take(out.recorded.dim().2).enumerate() {
                out.recorded[[trial, t, k]] = v.to_f64();
            }
            let ext = &self.ext[trial * n..(trial + 1) * n];
            let mut me = out.mean_external.row_mut(trial);
            let mut mr = out.mean_recurrent.row_mut(trial);
            for i in 0..n {
                me[i] += ext[i].to_f64();
                mr[i] += self.rec[(self.index)(n, b, trial, i)].to_f64();
            }
        }
        active
    }
}

/// Trial `t`'s state update, its noise drawn in neuron order from its own stream.
#[allow(clippy::too_many_arguments)]
#[inline]
fn update<F: Real>(
    h: &mut [F],
    ext: &[F],
    rng: &mut Xoshiro256PlusPlus,
    rec: &[F],
    index: fn(usize, usize, usize, usize) -> usize,
    t: usize,
    b: usize,
    k: F,
    noise: f64,
) {
    let n = h.len();
    for (i, (hi, e)) in h.iter_mut().zip(ext).enumerate() {
        let z = if noise > 0.0 {
            noise * rng.sample::<f64, _>(StandardNormal)
        } else {
            0.0
        };
        *hi = *hi + k * ((rec[index(n, b, t, i)] + *e) - *hi) + F::from_f64(z);
    }
}

impl Run {
    /// The cancellation index from the time-averaged currents, averaged over trials:
    /// β_i = |⟨I_ext,i + I_rec,i⟩| / ⟨I_ext,i⟩ and the population β (see [`Cancellation`]).
    /// A neuron without drive gets β_i = ∞ (NaN when its net current is 0 too).
    #[must_use]
    pub fn cancellation(&self) -> Cancellation {
        let ext = self.mean_external.mean_axis(ndarray::Axis(0));
        let rec = self.mean_recurrent.mean_axis(ndarray::Axis(0));
        let (Some(ext), Some(rec)) = (ext, rec) else {
            return Cancellation {
                per_neuron: Array1::zeros(0),
                population: f64::NAN,
            };
        };
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

    /// The effective time constant of the population rate from the linearisation,
    /// τ / (1 − N·mean(J)·f) = τ / (1 + b·J_0·f), with f the active fraction (the mean
    /// ReLU gain); ∞ when the denominator is not positive.
    #[must_use]
    pub fn linear_time_constant(&self) -> f64 {
        let d = 1.0 - self.total_mean_coupling * self.active_fraction;
        if d > 0.0 { self.tau / d } else { f64::INFINITY }
    }

    /// The autocorrelation time of ν(t), in units of τ, averaged over trials:
    /// Δt·(ρ(0)/2 + Σ_{k≥1} ρ(k)) summed up to the first lag where ρ ≤ 0 (at most T/2), which
    /// is ≈ τ_c for ρ(k) = e^{−kΔt/τ_c}. 0 for a constant rate.
    #[must_use]
    pub fn autocorrelation_time(&self) -> f64 {
        let trials = self.rate.nrows().max(1) as f64;
        self.rate
            .rows()
            .into_iter()
            .map(|row| autocorrelation_time(row.as_slice().unwrap_or(&[]), self.dt))
            .sum::<f64>()
            / trials
    }
}

/// See [`Run::autocorrelation_time`].
pub fn autocorrelation_time(x: &[f64], dt: f64) -> f64 {
    let t = x.len();
    if t < 2 {
        return 0.0;
    }
    let mean = x.iter().sum::<f64>() / t as f64;
    let c = |k: usize| -> f64 {
        x[..t - k]
            .iter()
            .zip(&x[k..])
            .map(|(a, b)| (a - mean) * (b - mean))
            .sum::<f64>()
            / t as f64
    };
    let c0 = c(0);
    if c0 <= 0.0 {
        return 0.0;
    }
    let mut sum = 0.5;
    for k in 1..t / 2 {
        let rho = c(k) / c0;
        if rho <= 0.0 {
            break;
        }
        sum += rho;
    }
    sum * dt
}
