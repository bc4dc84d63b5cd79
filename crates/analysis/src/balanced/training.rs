//! Training balanced networks to track S OU signals (the training code of SPEC.md §8) with the
//! balance, the cancellation index, the test error and the information rate between stimulus
//! and readout logged over training; the Jacobian's eigenvalues before and after; and, for
//! S ≥ 2, k-means on the rows of J with the within- and between-cluster mean weights.
//!
//! Each S trains in `training/S{s}/` of the output directory: `checkpoint.safetensors` (the
//! whole training state, every `checkpoint_every` epochs), `log.json` (the log so far) and,
//! when done, `run.json` (the [`TrainingRun`]) and `J.npy` (the final couplings). A resumed
//! run continues from the checkpoint and gives the same numbers as an uninterrupted one.

use std::ops::ControlFlow;
use std::path::Path;

use infoscope_io::{read_json, write_json, write_npy};
use infoscope_nets::balanced::{TrackConfig, Trainer};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::rate::{RateSettings, rate_or_reason};
use crate::error::{AnalysisError, Result, ensure_config};

/// The training runs (`[training]` in `experiments/balanced.toml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingConfig {
    /// Whether training runs.
    pub enabled: bool,
    /// The numbers of signals S trained, one network each.
    pub channels: Vec<usize>,
    /// Epochs per network (one fresh batch each).
    pub epochs: u64,
    /// Epochs between log entries (test error, balance, cancellation, rate).
    pub log_every: u64,
    /// Epochs between checkpoints (a multiple of `log_every`).
    pub checkpoint_every: u64,
    /// Neurons N.
    pub n: usize,
    /// Balance factor b of the initial couplings and of the stimulus.
    pub b: f64,
    /// Strength g of the random initial couplings.
    pub g: f64,
    /// Adam's learning rate.
    pub lr: f64,
    /// Steps (of Δt = 0.2 τ) of the test series each rate is measured on.
    pub rate_steps: usize,
    /// How the rate between stimulus and readout is estimated.
    pub rate: RateSettings,
    /// Seed of the weights, batches, test series and k-means.
    pub seed: u64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        let code = TrackConfig::code(1);
        Self {
            enabled: true,
            channels: vec![1, 2, 3],
            epochs: 20_000,
            log_every: 1000,
            checkpoint_every: 5000,
            n: code.n,
            b: code.b,
            g: code.g,
            lr: code.lr,
            rate_steps: 16_384,
            rate: RateSettings::with_nperseg(256),
            seed: 0,
        }
    }
}

impl TrainingConfig {
    /// The task and optimiser of the network with `channels` signals.
    #[must_use]
    pub fn track(&self, channels: usize) -> TrackConfig {
        TrackConfig {
            epochs: self.epochs,
            n: self.n,
            b: self.b,
            g: self.g,
            lr: self.lr,
            ..TrackConfig::code(channels)
        }
    }

    /// Refuse settings training cannot use.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidConfig`] naming `training.{setting}`.
    pub fn validate(&self) -> Result<()> {
        ensure_config!(
            !self.channels.is_empty(),
            "training.channels",
            "needs at least one S"
        );
        for (i, &s) in self.channels.iter().enumerate() {
            ensure_config!(
                !self.channels[..i].contains(&s),
                "training.channels",
                "S = {s} is listed twice"
            );
        }
        ensure_config!(self.epochs >= 1, "training.epochs", "must be ≥ 1, got 0");
        ensure_config!(
            self.log_every >= 1,
            "training.log_every",
            "must be ≥ 1, got 0"
        );
        ensure_config!(
            self.checkpoint_every >= 1 && self.checkpoint_every.is_multiple_of(self.log_every),
            "training.checkpoint_every",
            "must be a positive multiple of log_every = {}, got {}",
            self.log_every,
            self.checkpoint_every
        );
        ensure_config!(
            self.rate_steps >= 2 * self.rate.nperseg.max(1),
            "training.rate_steps",
            "must cover at least two rate segments (2 × rate.nperseg = {}), got {}",
            2 * self.rate.nperseg,
            self.rate_steps
        );
        for &s in &self.channels {
            self.track(s)
                .check()
                .map_err(|e| AnalysisError::InvalidConfig {
                    name: "training".into(),
                    reason: format!("S = {s}: {e}"),
                })?;
        }
        let dt = TrackConfig::code(1).dt;
        self.rate.estimator(dt, self.seed, "training.rate")?;
        Ok(())
    }
}

/// One log entry of a training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingLog {
    /// Epochs trained (0: before training).
    pub epoch: u64,
    /// Mean training loss over the epochs since the previous entry (`None` at epoch 0).
    pub train_loss: Option<f64>,
    /// The loss on the fixed test batch.
    pub test_error: f64,
    /// The code's balance index |mean J / mean J_init|.
    pub balance: f64,
    /// The population cancellation index β on the test batch.
    pub cancellation: f64,
    /// The rate between the stimulus and the readout, nats/τ (all channels jointly).
    pub rate: Option<f64>,
    /// The rate before the baseline, nats/τ.
    pub rate_raw: Option<f64>,
    /// Why the rate is missing.
    pub rate_error: Option<String>,
}

/// The k-means structure of J (S ≥ 2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    /// Neurons per cluster.
    pub sizes: Vec<usize>,
    /// Mean J_ij within clusters (i ≠ j).
    pub within: f64,
    /// Mean J_ij between clusters.
    pub between: f64,
    /// The neuron order that groups the clusters.
    pub order: Vec<usize>,
}

/// One trained network with its log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingRun {
    /// Signals S.
    pub channels: usize,
    /// The log, from epoch 0.
    pub log: Vec<TrainingLog>,
    /// Eigenvalues (re, im) of J·diag(φ'(h̄)) before training.
    pub eigenvalues_before: Vec<(f64, f64)>,
    /// The same after training.
    pub eigenvalues_after: Vec<(f64, f64)>,
    /// The cluster structure of the trained J (S ≥ 2), or why it is missing.
    pub clusters: Option<ClusterSummary>,
    /// Why `clusters` is missing for S ≥ 2.
    pub clusters_error: Option<String>,
    /// The trained J with rows and columns in cluster order (J itself for S = 1).
    pub j_sorted: Vec<Vec<f64>>,
    /// Why training stopped before `epochs` (a non-finite loss), if it did.
    pub error: Option<String>,
}

/// The training runs of an experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingResults {
    /// One per S, in the order of the configuration.
    pub runs: Vec<TrainingRun>,
}

/// What a training run has done so far (`log.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Partial {
    log: Vec<TrainingLog>,
    eigenvalues_before: Vec<(f64, f64)>,
}

/// The rate and the other log quantities of `trainer` now.
fn log_entry(
    trainer: &mut Trainer,
    config: &TrainingConfig,
    train_loss: Option<f64>,
) -> Result<TrainingLog> {
    let dt = trainer.config().dt;
    let estimator = config.rate.estimator(dt, config.seed, "training.rate")?;
    let (rate, rate_raw, rate_error) = match trainer.simulate(config.rate_steps, config.seed) {
        Ok((s, r)) => match rate_or_reason(&estimator, s.view(), r.view()) {
            Ok(e) => (Some(e.nats_per_time()), Some(e.raw), None),
            Err(reason) => (None, None, Some(reason)),
        },
        Err(e) => (None, None, Some(e.to_string())),
    };
    Ok(TrainingLog {
        epoch: trainer.epoch(),
        train_loss,
        test_error: trainer.test_error(),
        balance: trainer.balance(),
        cancellation: trainer.cancellation().population,
        rate,
        rate_raw,
        rate_error,
    })
}

/// Train (or resume) the network with `channels` signals in `dir`; `on(epoch)` after every log
/// entry may stop the run (with [`AnalysisError::Stopped`]) once the state is saved.
///
/// # Errors
/// [`AnalysisError::InvalidConfig`] for a directory that holds another run;
/// [`AnalysisError::Stopped`]; network and file errors.
pub fn train_run(
    config: &TrainingConfig,
    channels: usize,
    dir: &Path,
    resume: bool,
    on: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<TrainingRun> {
    let (run_path, log_path, ckpt) = (
        dir.join("run.json"),
        dir.join("log.json"),
        dir.join("checkpoint.safetensors"),
    );
    if resume && run_path.exists() {
        return Ok(read_json(&run_path)?);
    }
    let track = config.track(channels);
    let seed = config.seed.wrapping_add(channels as u64);
    let (mut trainer, mut partial) = if resume && ckpt.exists() && log_path.exists() {
        let trainer = Trainer::load(&ckpt)?;
        let partial: Partial = read_json(&log_path)?;
        ensure_config!(
            *trainer.config() == track
                && trainer.seed() == seed
                && partial.log.last().map(|l| l.epoch) == Some(trainer.epoch()),
            "resume",
            "{} holds another training run; run without --resume into a new directory",
            dir.display()
        );
        (trainer, partial)
    } else {
        let mut trainer = Trainer::new(track, seed)?;
        let eigenvalues_before = trainer.eigenvalues()?;
        let first = log_entry(&mut trainer, config, None)?;
        (
            trainer,
            Partial {
                log: vec![first],
                eigenvalues_before,
            },
        )
    };
    let mut error = None;
    let (mut sum, mut count) = (0.0, 0u64);
    while trainer.epoch() < config.epochs {
        match trainer.step() {
            Ok(loss) => {
                sum += loss;
                count += 1;
            }
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
        let epoch = trainer.epoch();
        if epoch.is_multiple_of(config.log_every) || epoch == config.epochs {
            let entry = log_entry(&mut trainer, config, Some(sum / count.max(1) as f64))?;
            partial.log.push(entry);
            (sum, count) = (0.0, 0);
            if epoch.is_multiple_of(config.checkpoint_every) || epoch == config.epochs {
                trainer.save(&ckpt)?;
                write_json(&log_path, &partial)?;
            }
            if on(epoch, config.epochs).is_break() {
                trainer.save(&ckpt)?;
                write_json(&log_path, &partial)?;
                return Err(AnalysisError::Stopped);
            }
        }
    }
    let eigenvalues_after = trainer.eigenvalues()?;
    let j = trainer.weights().j.to_owned();
    let (clusters, clusters_error) = if channels >= 2 {
        match trainer.clusters(config.seed) {
            Ok(c) => (
                Some(ClusterSummary {
                    sizes: c.sizes,
                    within: c.within,
                    between: c.between,
                    order: c.order,
                }),
                None,
            ),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    let order: Vec<usize> = clusters
        .as_ref()
        .map_or_else(|| (0..j.nrows()).collect(), |c| c.order.clone());
    let j_sorted = order
        .iter()
        .map(|&r| order.iter().map(|&c| j[[r, c]]).collect())
        .collect();
    write_npy(&dir.join("J.npy"), &j)?;
    let run = TrainingRun {
        channels,
        log: partial.log,
        eigenvalues_before: partial.eigenvalues_before,
        eigenvalues_after,
        clusters,
        clusters_error,
        j_sorted,
        error,
    };
    write_json(&run_path, &run)?;
    Ok(run)
}

/// The trained J of `run` as a matrix in cluster order.
#[must_use]
pub fn sorted_couplings(run: &TrainingRun) -> Array2<f64> {
    let n = run.j_sorted.len();
    Array2::from_shape_fn((n, n), |(i, j)| {
        run.j_sorted[i].get(j).copied().unwrap_or(f64::NAN)
    })
}
