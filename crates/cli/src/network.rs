//! `infoscope train` and `infoscope record`: parse, call `infoscope-nets`, show progress.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::PathBuf;

use crate::output::outln;
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use infoscope_nets::tasks::{Mode, Rule, TaskSpec};
use infoscope_nets::train::reservoir::{ReservoirTrainConfig, train_reservoir};
use infoscope_nets::train::{TrainConfig, train as train_leaky};
use infoscope_nets::trained::TrainedModel;
use infoscope_nn::activation::Activation;

/// Which network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelKind {
    /// Leaky RNN trained by backpropagation through time (Yang et al. 2019).
    Leaky,
    /// Echo-state reservoir: fixed random recurrent weights, ridge-regression readout.
    Reservoir,
}

/// `infoscope train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The task: fdgo, reactgo or delaygo.
    #[arg(long, default_value = "fdgo", value_parser = parse_rule)]
    pub task: Rule,
    /// The network.
    #[arg(long, value_enum, default_value_t = ModelKind::Leaky)]
    pub model: ModelKind,
    /// Recurrent units.
    #[arg(long, default_value_t = 256, allow_negative_numbers = true)]
    pub hidden: usize,
    /// Activation of the leaky RNN: softplus, relu, tanh, retanh, power.
    #[arg(long, default_value = "softplus")]
    pub activation: Activation,
    /// Seed of the weights, batches and noise.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub seed: u64,
    /// Leaky RNN: step budget (one step = one batch).
    #[arg(long, default_value_t = 20_000, allow_negative_numbers = true)]
    pub max_steps: usize,
    /// Leaky RNN: trials per step.
    #[arg(long, default_value_t = 64, allow_negative_numbers = true)]
    pub batch_size: usize,
    /// Leaky RNN: stop when the evaluation performance reaches this.
    #[arg(long, default_value_t = 0.95, allow_negative_numbers = true)]
    pub target: f64,
    /// Leaky RNN: steps between evaluations (log entries).
    #[arg(long, default_value_t = 100, allow_negative_numbers = true)]
    pub log_every: usize,
    /// Output directory (config, log, checkpoints, final model).
    #[arg(long, default_value = "runs/train")]
    pub out: PathBuf,
    /// Continue an interrupted run in --out (same options) instead of starting over.
    #[arg(long)]
    pub resume: bool,
}

/// `infoscope record`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Directory of a trained network (the --out of `infoscope train`).
    #[arg(long)]
    pub model: PathBuf,
    /// Random trials to record (ignored with --test-grid).
    #[arg(long, default_value_t = 200, allow_negative_numbers = true)]
    pub trials: usize,
    /// Record the fixed test grid (20 angles × 2 modalities) instead of random trials.
    #[arg(long)]
    pub test_grid: bool,
    /// Seed of the trials and the recurrent noise.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub seed: u64,
    /// Record without recurrent noise.
    #[arg(long)]
    pub no_noise: bool,
    /// The recording (.npz; the sidecar .json is written beside it).
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_rule(s: &str) -> Result<Rule, String> {
    s.parse()
        .map_err(|e: infoscope_nets::NetsError| e.to_string())
}

fn create_dir(dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("checkpoints"))
        .with_context(|| format!("creating --out {}", dir.display()))
}

/// Run `infoscope train`.
pub fn train(args: &TrainArgs) -> Result<()> {
    let task = TaskSpec::new(args.task);
    create_dir(&args.out)?;
    match args.model {
        ModelKind::Reservoir => {
            let mut config = ReservoirTrainConfig::new(task);
            config.model.n_rnn = args.hidden;
            config.seed = args.seed;
            let out = train_reservoir(&config, Some(&args.out))?;
            outln!(
                "reservoir: {} units, ridge λ = {:e}, train loss {:.4e}, test-grid performance {:.3}",
                args.hidden,
                out.report.lambda,
                out.report.train_loss,
                out.test_performance
            );
            outln!("saved to {}", args.out.display());
            Ok(())
        }
        ModelKind::Leaky => {
            let mut config = TrainConfig::new(task);
            config.model.n_rnn = args.hidden;
            config.model.activation = args.activation;
            config.seed = args.seed;
            config.max_steps = args.max_steps;
            config.batch_size = args.batch_size;
            config.target_performance = args.target;
            config.log_every = args.log_every;
            let bar = ProgressBar::new(config.max_steps as u64);
            if std::io::stderr().is_terminal() {
                bar.set_style(
                    ProgressStyle::with_template("{bar:30} {pos}/{len} steps {msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
            } else {
                bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            }
            let out = train_leaky(&config, Some(&args.out), args.resume, &mut |e| {
                bar.set_position(e.step as u64);
                bar.set_message(format!(
                    "loss {:.4} perf {:.3}",
                    e.train_loss, e.performance
                ));
                if !std::io::stderr().is_terminal() {
                    eprintln!(
                        "step {:>6}  loss {:.5}  eval loss {:.5}  performance {:.3}",
                        e.step, e.train_loss, e.eval_loss, e.performance
                    );
                }
                ControlFlow::Continue(())
            })?;
            bar.finish_and_clear();
            let last = out.log.last();
            outln!(
                "leaky RNN: {} {} units, {} steps, performance {:.3} ({})",
                args.hidden,
                config.model.activation,
                out.steps,
                last.map_or(f64::NAN, |e| e.performance),
                if out.reached_target {
                    "target reached"
                } else {
                    "step budget spent"
                }
            );
            outln!("saved to {}", args.out.display());
            Ok(())
        }
    }
}

/// Run `infoscope record`.
pub fn record(args: &RecordArgs) -> Result<()> {
    if args.out.extension().and_then(|e| e.to_str()) != Some("npz") {
        bail!("--out must name a .npz file, got {}", args.out.display());
    }
    let sidecar = args.out.with_extension("json");
    // The files of a trained network (the --out of `infoscope train`).
    let model_files: Vec<PathBuf> = [
        "config.json",
        "log.json",
        "model.safetensors",
        "last.safetensors",
        "reservoir.json",
    ]
    .iter()
    .map(|f| args.model.join(f))
    .collect();
    let inputs: Vec<(&str, &std::path::Path)> = model_files
        .iter()
        .map(|p| ("--model", p.as_path()))
        .collect();
    crate::guard::distinct_outputs(
        &inputs,
        &[("--out", args.out.as_path()), ("--out (sidecar)", &sidecar)],
    )?;
    let model = TrainedModel::load(&args.model)
        .with_context(|| format!("loading --model {}", args.model.display()))?;
    let mode = if args.test_grid {
        Mode::Test
    } else {
        Mode::Random
    };
    let rec = model.record(&mode, args.trials, args.seed, !args.no_noise)?;
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    rec.write(&args.out)?;
    outln!(
        "recorded {} ({}) on {} {} trials × {} steps ({} units) to {}; performance {:.3}",
        model.kind(),
        rec.meta.task,
        rec.n_trials(),
        rec.meta.mode,
        rec.n_time(),
        rec.hidden.shape()[2],
        args.out.display(),
        rec.meta.performance.unwrap_or(f64::NAN)
    );
    Ok(())
}
