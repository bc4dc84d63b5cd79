//! The balanced-network experiment (`experiments/balanced.toml`, run by `infoscope run`):
//! the rate-against-balance sweep of untrained networks and the training runs.
//!
//! An experiment file is a balanced experiment when its top level says `kind = "balanced"`.
//! [`run_balanced_experiment`] writes into its output directory, each file atomically:
//!
//! | path | what |
//! |---|---|
//! | `experiment.json` | the experiment as run (a resume must match it) |
//! | `sweep/runs.json` | the sweep's trials measured so far, network by network |
//! | `training/S{s}/…` | each training run's checkpoint, log, result and J ([`super::training`]) |
//! | `results.json` | the [`BalancedResults`] |
//!
//! With `resume`, finished networks and training epochs are read back; the same experiment
//! gives the same `results.json` whether interrupted or not, on any thread count.

use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use infoscope_io::{read_json, write_json};
use serde::{Deserialize, Serialize};

use super::sweep::{SweepConfig, SweepResults, SweepRun, summarise, sweep_network};
use super::training::{TrainingConfig, TrainingResults, train_run};
use crate::error::{AnalysisError, Result, ensure_config};
use crate::experiment::describe_toml_error;
use crate::run_files::{record_experiment, remove_stale, stop};

/// The schema version of [`BalancedResults`].
pub const BALANCED_RESULTS_SCHEMA: u32 = 1;

/// The marker of a balanced experiment file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BalancedKind {
    /// `kind = "balanced"`.
    #[default]
    Balanced,
}

/// A balanced-network experiment (module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalancedExperiment {
    /// `"balanced"`.
    pub kind: BalancedKind,
    /// The experiment's name (default `"balanced"`).
    #[serde(default = "default_name")]
    pub name: String,
    /// The rate-against-balance sweep.
    #[serde(default)]
    pub sweep: SweepConfig,
    /// The training runs.
    #[serde(default)]
    pub training: TrainingConfig,
}

fn default_name() -> String {
    "balanced".to_owned()
}

impl Default for BalancedExperiment {
    fn default() -> Self {
        Self {
            kind: BalancedKind::Balanced,
            name: default_name(),
            sweep: SweepConfig::default(),
            training: TrainingConfig::default(),
        }
    }
}

/// Whether TOML `text` declares a balanced experiment (`kind = "balanced"` at the top level).
///
/// # Errors
/// [`AnalysisError::Experiment`] for invalid TOML.
pub fn is_balanced_experiment(text: &str, origin: &str) -> Result<bool> {
    let value: toml::Table = toml::from_str(text).map_err(|e| AnalysisError::Experiment {
        path: origin.into(),
        detail: describe_toml_error(&e, text),
    })?;
    Ok(matches!(value.get("kind"), Some(toml::Value::String(s)) if s == "balanced"))
}

impl BalancedExperiment {
    /// Parse from TOML.
    ///
    /// # Errors
    /// [`AnalysisError::Experiment`] naming `origin` for invalid TOML or an unknown key;
    /// [`AnalysisError::InvalidConfig`] for out-of-range settings.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let exp: Self = toml::from_str(text).map_err(|e| AnalysisError::Experiment {
            path: origin.into(),
            detail: describe_toml_error(&e, text),
        })?;
        exp.validate()?;
        Ok(exp)
    }

    /// Read a balanced experiment file.
    ///
    /// # Errors
    /// As [`BalancedExperiment::from_toml`]; [`AnalysisError::Experiment`] when unreadable.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| AnalysisError::Experiment {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// Refuse settings the run cannot use.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidConfig`] naming the setting.
    pub fn validate(&self) -> Result<()> {
        ensure_config!(
            !self.name.is_empty() && !self.name.contains(['/', '\\']),
            "name",
            "must be a non-empty name without path separators, got {:?}",
            self.name
        );
        ensure_config!(
            self.sweep.enabled || self.training.enabled,
            "sweep.enabled",
            "the sweep and training are both disabled: nothing to run"
        );
        if self.sweep.enabled {
            self.sweep.validate()?;
        }
        if self.training.enabled {
            self.training.validate()?;
        }
        Ok(())
    }

    /// Every seed, by name.
    #[must_use]
    pub fn seeds(&self) -> Vec<crate::NamedSeed> {
        let mut s = Vec::new();
        if self.sweep.enabled {
            s.push(crate::NamedSeed {
                name: "sweep (sweep.seed)".into(),
                seed: self.sweep.seed,
            });
        }
        if self.training.enabled {
            s.push(crate::NamedSeed {
                name: "training (training.seed)".into(),
                seed: self.training.seed,
            });
        }
        s
    }
}

/// Everything a balanced experiment computed (rates in nats/τ).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BalancedResults {
    /// [`BALANCED_RESULTS_SCHEMA`].
    pub schema_version: u32,
    /// The infoscope version that computed it.
    pub infoscope_version: String,
    /// `"balanced"`.
    pub kind: BalancedKind,
    /// The experiment's name.
    pub experiment: String,
    /// Unit of every information rate: `"nats per tau"`.
    pub unit: String,
    /// The experiment as run.
    pub config: BalancedExperiment,
    /// Every seed used.
    pub seeds: Vec<crate::NamedSeed>,
    /// The sweep (when enabled).
    pub sweep: Option<SweepResults>,
    /// The training runs (when enabled).
    pub training: Option<TrainingResults>,
}

/// What [`run_balanced_experiment`] reports as it goes.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum BalancedProgress {
    /// A stage starts (`index` of `total`, from 1).
    Stage {
        /// Its name.
        name: &'static str,
        /// Its position.
        index: usize,
        /// Number of stages.
        total: usize,
    },
    /// A stage finished.
    Done {
        /// Its name.
        name: &'static str,
        /// Wall time, seconds.
        seconds: f64,
    },
    /// Sweep networks simulated (read back or computed) of the total.
    Sweep {
        /// Done.
        done: usize,
        /// Total.
        total: usize,
        /// How many of `done` were read back from an earlier run.
        resumed: usize,
    },
    /// Training epochs of the network with `channels` signals.
    Epoch {
        /// S.
        channels: usize,
        /// Epochs done.
        epoch: u64,
        /// Epochs in all.
        epochs: u64,
    },
}

/// Run `exp` into `out` (module docs); `on` may stop the run after a network of the sweep or
/// a log entry of training ([`AnalysisError::Stopped`]), leaving a resumable directory.
///
/// # Errors
/// [`AnalysisError::InvalidConfig`] for bad settings or a resume of another experiment;
/// [`AnalysisError::Stopped`]; file and network errors.
pub fn run_balanced_experiment(
    exp: &BalancedExperiment,
    out: &Path,
    resume: bool,
    on: &mut dyn FnMut(BalancedProgress) -> ControlFlow<()>,
) -> Result<BalancedResults> {
    exp.validate()?;
    record_experiment(exp, out, resume)?;
    let stages: Vec<&'static str> = [
        (exp.sweep.enabled, "rate-against-balance sweep"),
        (exp.training.enabled, "training"),
        (true, "results"),
    ]
    .into_iter()
    .filter_map(|(on, s)| on.then_some(s))
    .collect();
    let total = stages.len();
    let mut index = 0;
    let mut stage = |on: &mut dyn FnMut(BalancedProgress) -> ControlFlow<()>,
                     name: &'static str| {
        index += 1;
        on(BalancedProgress::Stage { name, index, total })
    };

    let sweep = if exp.sweep.enabled {
        let name = "rate-against-balance sweep";
        stop(stage(on, name))?;
        let t0 = Instant::now();
        let s = run_sweep(&exp.sweep, out, resume, on)?;
        stop(on(BalancedProgress::Done {
            name,
            seconds: t0.elapsed().as_secs_f64(),
        }))?;
        Some(s)
    } else {
        None
    };

    let training = if exp.training.enabled {
        let name = "training";
        stop(stage(on, name))?;
        let t0 = Instant::now();
        let mut runs = Vec::new();
        for &s in &exp.training.channels {
            let dir = out.join("training").join(format!("S{s}"));
            if !resume {
                for f in ["checkpoint.safetensors", "log.json", "run.json"] {
                    remove_stale(&dir.join(f))?;
                }
            }
            runs.push(train_run(
                &exp.training,
                s,
                &dir,
                resume,
                &mut |epoch, epochs| {
                    on(BalancedProgress::Epoch {
                        channels: s,
                        epoch,
                        epochs,
                    })
                },
            )?);
        }
        stop(on(BalancedProgress::Done {
            name,
            seconds: t0.elapsed().as_secs_f64(),
        }))?;
        Some(TrainingResults { runs })
    } else {
        None
    };

    stop(stage(on, "results"))?;
    let results = BalancedResults {
        schema_version: BALANCED_RESULTS_SCHEMA,
        infoscope_version: env!("CARGO_PKG_VERSION").to_owned(),
        kind: BalancedKind::Balanced,
        experiment: exp.name.clone(),
        unit: "nats per tau".to_owned(),
        config: exp.clone(),
        seeds: exp.seeds(),
        sweep,
        training,
    };
    write_json(&out.join("results.json"), &results)?;
    Ok(results)
}

/// The sweep, network by network, saved after each.
fn run_sweep(
    config: &SweepConfig,
    out: &Path,
    resume: bool,
    on: &mut dyn FnMut(BalancedProgress) -> ControlFlow<()>,
) -> Result<SweepResults> {
    let path = out.join("sweep").join("runs.json");
    let mut done: Vec<SweepRun> = if resume && path.exists() {
        read_json(&path)?
    } else {
        Vec::new()
    };
    let per = config.trials;
    let total = config.grid().len() * config.networks;
    ensure_config!(
        done.len().is_multiple_of(per) && done.len() / per <= total,
        "resume",
        "{} holds {} trials, not whole networks of {per}",
        path.display(),
        done.len()
    );
    let resumed = done.len() / per;
    stop(on(BalancedProgress::Sweep {
        done: resumed,
        total,
        resumed,
    }))?;
    for k in resumed..total {
        let (point, r) = (k / config.networks, k % config.networks);
        done.extend(sweep_network(config, point, r)?);
        write_json(&path, &done)?;
        stop(on(BalancedProgress::Sweep {
            done: k + 1,
            total,
            resumed,
        }))?;
    }
    Ok(summarise(config, done))
}
