//! Training the leaky RNN on a task by BPTT and Adam (DESIGN.md §4), until the performance
//! criterion is met or the step budget is spent, with a log, log-spaced checkpoints and
//! resumption.
//!
//! Brief overview: step `s` (1-based) trains on a fresh random batch generated from
//! `(seed, s)` with recurrent noise seeded from `(seed, s)` too, so a run is a pure function of
//! its configuration: resuming from a checkpoint taken after step `s` continues exactly as the
//! uninterrupted run would. Every `log_every` steps the network is evaluated on a fresh batch
//! of `eval_trials` trials (with recurrent noise, as in the original code) and a
//! [`LogEntry`] records the mean training loss, the evaluation loss and performance, and the
//! per-layer gradient statistics of the interval ([`gradient_stats`]).
//!
//! Files in the output directory, each written atomically: `config.json` (the
//! [`TrainConfig`]), `log.json` (every [`LogEntry`]), `last.safetensors` (weights, Adam state
//! and step, rewritten at every log), `checkpoints/step_NNNNNNNN.safetensors` (weights at
//! log-spaced steps, for the information plane) and `model.safetensors` (the final weights).

pub mod gradient_stats;
pub mod reservoir;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use infoscope_nn::adam::{Adam, AdamConfig, AdamState};
use ndarray::ArrayViewD;
use serde::{Deserialize, Serialize};

use crate::checkpoint::{Checkpoint, Tensor};
use crate::error::{NetsError, Result, ensure_param};
use crate::models::leaky::{Gradients, LeakyRnn, LeakyRnnConfig, PARAM_NAMES, Workspace};
use crate::tasks::{Mode, TaskSpec, fraction_correct, generate, performance};
use gradient_stats::{GradientAccumulator, LayerGradients};

/// Everything a training run depends on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// The task.
    pub task: TaskSpec,
    /// The network.
    pub model: LeakyRnnConfig,
    /// The optimiser.
    pub adam: AdamConfig,
    /// Trials per training step (64).
    pub batch_size: usize,
    /// Step budget.
    pub max_steps: usize,
    /// Stop when the evaluation performance reaches this (0.95).
    pub target_performance: f64,
    /// Whether reaching `target_performance` ends training (`true`); `false` trains for the
    /// whole step budget (e.g. to follow the information plane and gradient phases).
    #[serde(default = "stop_at_target_default")]
    pub stop_at_target: bool,
    /// Steps between evaluations and log entries (the "epoch" of the gradient statistics).
    pub log_every: usize,
    /// Trials of each evaluation batch (512, as `batch_size_test`).
    pub eval_trials: usize,
    /// Number of log-spaced weight checkpoints (besides step 0 and the last step).
    pub n_checkpoints: usize,
    /// The seed of the weights, the batches and the noise.
    pub seed: u64,
}

impl TrainConfig {
    /// Defaults for `task` (SPEC.md §2.1: batch 64, Adam 1e-3, 256 softplus units).
    #[must_use]
    pub fn new(task: TaskSpec) -> Self {
        Self {
            model: LeakyRnnConfig {
                n_input: task.n_input(),
                n_output: task.n_output(),
                alpha: task.alpha as f32,
                ..LeakyRnnConfig::default()
            },
            task,
            adam: AdamConfig::default(),
            batch_size: 64,
            max_steps: 20_000,
            target_performance: 0.95,
            stop_at_target: true,
            log_every: 100,
            eval_trials: 512,
            n_checkpoints: 20,
            seed: 0,
        }
    }

    fn check(&self) -> Result<()> {
        self.model.validate()?;
        self.adam.validate()?;
        ensure_param!(
            self.batch_size >= 1,
            "batch_size",
            "batch_size must be at least 1"
        );
        ensure_param!(
            self.max_steps >= 1,
            "max_steps",
            "max_steps must be at least 1"
        );
        ensure_param!(
            self.log_every >= 1,
            "log_every",
            "log_every must be at least 1"
        );
        ensure_param!(
            self.eval_trials >= 1,
            "eval_trials",
            "eval_trials must be at least 1"
        );
        ensure_param!(
            (0.0..=1.0).contains(&self.target_performance),
            "target_performance",
            "target_performance must lie in [0, 1], got {}",
            self.target_performance
        );
        ensure_param!(
            self.model.n_input == self.task.n_input()
                && self.model.n_output == self.task.n_output(),
            "model",
            "the model has {} inputs and {} outputs, the task {} and {}",
            self.model.n_input,
            self.model.n_output,
            self.task.n_input(),
            self.task.n_output()
        );
        Ok(())
    }

    /// The steps after which weights are checkpointed: 0, `n_checkpoints` log-spaced steps in
    /// `1..=max_steps`, and `max_steps`.
    #[must_use]
    pub fn checkpoint_steps(&self) -> Vec<usize> {
        let mut steps = vec![0, self.max_steps];
        let top = (self.max_steps as f64).ln();
        for i in 0..self.n_checkpoints {
            let f = if self.n_checkpoints == 1 {
                1.0
            } else {
                i as f64 / (self.n_checkpoints - 1) as f64
            };
            steps.push((f * top).exp().round() as usize);
        }
        steps.sort_unstable();
        steps.dedup();
        steps
    }
}

fn stop_at_target_default() -> bool {
    true
}

/// One evaluation of the network during training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Training steps taken.
    pub step: usize,
    /// Training trials seen.
    pub trials: usize,
    /// Mean training loss over the interval.
    pub train_loss: f64,
    /// Loss on the evaluation batch.
    pub eval_loss: f64,
    /// Fraction correct on the evaluation batch (last-step criterion).
    pub performance: f64,
    /// Per-layer gradient statistics over the interval.
    pub gradients: Vec<LayerGradients>,
    /// Seconds of training so far (this process only).
    pub elapsed_s: f64,
}

/// The result of [`train`].
#[derive(Clone, Debug)]
pub struct TrainOutcome {
    /// The trained network.
    pub model: LeakyRnn,
    /// Every log entry, from the start of the run (including before a resume).
    pub log: Vec<LogEntry>,
    /// Steps taken.
    pub steps: usize,
    /// Whether the target performance was reached.
    pub reached_target: bool,
    /// Whether the run stopped because the callback asked it to.
    pub interrupted: bool,
}

/// Seed of stream `kind` at step `step` (0: the batch, 1: its noise, 2: the evaluation batch,
/// 3: its noise).
fn stream_seed(seed: u64, step: usize, kind: u64) -> u64 {
    let mut z = seed
        ^ (step as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ kind.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Train per `config`, writing into `out` when given; with `resume`, continue from
/// `out/last.safetensors` when it exists (the configuration must be the same). `on_log` sees
/// every new log entry and can stop the run (`ControlFlow::Break`), which leaves a resumable
/// state behind.
///
/// # Errors
/// [`NetsError::InvalidParameter`] for a bad configuration, or a resume whose `config.json`
/// differs; [`NetsError::Numerical`] when the loss diverges; [`NetsError::Io`] /
/// [`NetsError::Checkpoint`] for files.
pub fn train(
    config: &TrainConfig,
    out: Option<&Path>,
    resume: bool,
    on_log: &mut dyn FnMut(&LogEntry) -> ControlFlow<()>,
) -> Result<TrainOutcome> {
    config.check()?;
    let mut model = LeakyRnn::new(config.model.clone(), config.seed)?;
    let mut adam = Adam::new(config.adam)?;
    let (mut step, mut log) = (0, Vec::new());
    if let Some(dir) = out {
        let saved_config = dir.join("config.json");
        let last = dir.join("last.safetensors");
        if resume && last.exists() {
            let previous: TrainConfig = infoscope_io::read_json(&saved_config)?;
            ensure_param!(
                previous == *config,
                "resume",
                "{} holds a different configuration; use another --out or drop --resume",
                saved_config.display()
            );
            (step, adam) = restore(&last, &mut model, config.adam)?;
            log = infoscope_io::read_json(&dir.join("log.json"))?;
            log.retain(|e: &LogEntry| e.step <= step);
        } else {
            infoscope_io::write_json(&saved_config, config)?;
        }
    }
    let checkpoints = config.checkpoint_steps();
    let save_checkpoint = |model: &LeakyRnn, step: usize| -> Result<()> {
        if let Some(dir) = out
            && checkpoints.binary_search(&step).is_ok()
        {
            let path = checkpoint_path(dir, step);
            weights(model, step).write(&path)?;
        }
        Ok(())
    };
    if step == 0 {
        save_checkpoint(&model, 0)?;
    }
    let mut ws = Workspace::new();
    let mut grads = Gradients::zeros(&config.model);
    let mut acc = GradientAccumulator::default();
    let (mut loss_sum, started) = (0.0, Instant::now());
    let mut reached = log
        .last()
        .is_some_and(|e: &LogEntry| e.performance >= config.target_performance);
    let mut interrupted = false;
    while step < config.max_steps && !(reached && config.stop_at_target) {
        step += 1;
        let batch = generate(
            &config.task,
            &Mode::Random,
            config.batch_size,
            stream_seed(config.seed, step, 0),
        )?;
        let loss = model.loss_and_gradients(
            batch.inputs.view(),
            batch.targets.view(),
            batch.mask.view(),
            Some(stream_seed(config.seed, step, 1)),
            &mut ws,
            &mut grads,
        )?;
        loss_sum += f64::from(loss);
        acc.add(&grads.slices());
        adam.step(&mut model.parameter_slices_mut(), &grads.slices())?;
        save_checkpoint(&model, step)?;
        if step % config.log_every == 0 || step == config.max_steps {
            let entry = evaluate(
                config,
                &model,
                step,
                loss_sum / acc.batches() as f64,
                &mut acc,
                started,
            )?;
            loss_sum = 0.0;
            reached = entry.performance >= config.target_performance;
            log.push(entry);
            if let Some(dir) = out {
                let mut last = weights(&model, step);
                add_adam(&mut last, adam.state());
                last.write(&dir.join("last.safetensors"))?;
                infoscope_io::write_json(&dir.join("log.json"), &log)?;
            }
            if let Some(entry) = log.last()
                && on_log(entry).is_break()
            {
                interrupted = true;
                break;
            }
        }
    }
    if let Some(dir) = out
        && !interrupted
    {
        weights(&model, step).write(&dir.join("model.safetensors"))?;
    }
    Ok(TrainOutcome {
        model,
        log,
        steps: step,
        reached_target: reached,
        interrupted,
    })
}

/// The log entry at `step`: evaluation on a fresh batch, and the interval's statistics.
fn evaluate(
    config: &TrainConfig,
    model: &LeakyRnn,
    step: usize,
    train_loss: f64,
    acc: &mut GradientAccumulator,
    started: Instant,
) -> Result<LogEntry> {
    let batch = generate(
        &config.task,
        &Mode::Random,
        config.eval_trials,
        stream_seed(config.seed, step, 2),
    )?;
    let (_, outputs) = model.run(batch.inputs.view(), Some(stream_seed(config.seed, step, 3)))?;
    let correct = performance(outputs.view(), &batch)?;
    let eval_loss = outputs
        .iter()
        .zip(&batch.targets)
        .zip(&batch.mask)
        .map(|((&o, &y), &m)| f64::from((y - o) * m).powi(2))
        .sum::<f64>()
        / outputs.len() as f64;
    Ok(LogEntry {
        step,
        trials: step * config.batch_size,
        train_loss,
        eval_loss,
        performance: fraction_correct(&correct),
        gradients: acc.finish(&PARAM_NAMES, &model.parameter_slices()),
        elapsed_s: started.elapsed().as_secs_f64(),
    })
}

/// `dir/checkpoints/step_NNNNNNNN.safetensors`.
#[must_use]
pub fn checkpoint_path(dir: &Path, step: usize) -> PathBuf {
    dir.join("checkpoints")
        .join(format!("step_{step:08}.safetensors"))
}

/// The network's weights (and the step) as a checkpoint.
#[must_use]
pub fn weights(model: &LeakyRnn, step: usize) -> Checkpoint {
    let mut c = Checkpoint::default();
    for (name, view) in model.parameters() {
        c.tensors.insert(name.to_string(), tensor(&view));
    }
    c.metadata.insert("step".into(), step.to_string());
    c.metadata.insert(
        "model".into(),
        serde_json::to_string(model.config()).unwrap_or_default(),
    );
    c
}

fn tensor(view: &ArrayViewD<'_, f32>) -> Tensor {
    Tensor {
        shape: view.shape().to_vec(),
        data: view.iter().copied().collect(),
    }
}

fn add_adam(c: &mut Checkpoint, state: &AdamState) {
    for (i, name) in PARAM_NAMES.iter().enumerate() {
        for (kind, moments) in [("m", &state.m), ("v", &state.v)] {
            if let Some(values) = moments.get(i) {
                c.tensors.insert(
                    format!("adam.{kind}.{name}"),
                    Tensor {
                        shape: vec![values.len()],
                        data: values.clone(),
                    },
                );
            }
        }
    }
    c.metadata
        .insert("adam_step".into(), state.step.to_string());
}

/// Load a network's weights from a checkpoint written by [`weights`] (or by [`train`]).
///
/// # Errors
/// [`NetsError::Checkpoint`] when a tensor is missing or has the wrong shape.
pub fn load_weights(path: &Path, model: &mut LeakyRnn) -> Result<Checkpoint> {
    let c = Checkpoint::read(path)?;
    let shapes: Vec<Vec<usize>> = model
        .parameters()
        .iter()
        .map(|(_, v)| v.shape().to_vec())
        .collect();
    for (name, shape) in PARAM_NAMES.iter().zip(shapes) {
        let data = c.tensor(path, name, &shape)?;
        let view = ArrayViewD::from_shape(shape, data).map_err(|e| NetsError::Checkpoint {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        model.set_parameter(name, view)?;
    }
    Ok(c)
}

/// Restore the weights and the optimiser from `last.safetensors`; the step reached.
fn restore(path: &Path, model: &mut LeakyRnn, adam: AdamConfig) -> Result<(usize, Adam)> {
    let c = load_weights(path, model)?;
    let step: usize = c.meta(path, "step")?;
    let adam_step: u64 = c.meta(path, "adam_step")?;
    let sizes: Vec<usize> = model.parameter_slices().iter().map(|s| s.len()).collect();
    let (mut m, mut v) = (Vec::new(), Vec::new());
    if adam_step > 0 {
        for (name, &len) in PARAM_NAMES.iter().zip(&sizes) {
            m.push(c.tensor(path, &format!("adam.m.{name}"), &[len])?.to_vec());
            v.push(c.tensor(path, &format!("adam.v.{name}"), &[len])?.to_vec());
        }
    }
    let state = AdamState {
        step: adam_step,
        m,
        v,
    };
    Ok((step, Adam::from_state(adam, state)?))
}
