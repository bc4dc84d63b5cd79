//! The flux experiment (`experiments/flux.toml`, run by `infoscope run`): the flux-versus-proxy
//! sweep, the evolution runs with their N-rooks reference, and the networks the user names
//! (.npy matrices), each measured.
//!
//! An experiment file is a flux experiment when its top level says `kind = "flux"`.
//! [`run_flux_experiment`] writes into its output directory, each file atomically:
//!
//! | path | what |
//! |---|---|
//! | `experiment.json` | the experiment as run (a resume must match it) |
//! | `sweep/points.json` | the sweep's networks measured so far, grid point by grid point |
//! | `evolution/run_R.json` | run R's resumable strategy state, saved every few generations |
//! | `evolution/run_R_weights.npy`, `_bias.npy` | run R's best network |
//! | `networks/NAME.json` | the measures of a network the experiment names |
//! | `results.json` | the [`FluxResults`] |
//!
//! With `resume`, finished grid points, evolution generations and networks are read back; the
//! same experiment gives the same `results.json` whether interrupted or not, on any thread
//! count.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use infoscope_io::{ArraySource, read_json, read_matrix, write_json, write_npy};
use serde::{Deserialize, Serialize};

use super::evolution::{
    EvolutionConfig, EvolutionResults, GenerationProgress, Snapshot, describe_fitness, evolve_run,
};
use super::measure::{BiasRule, Dynamics, FluxMeasures, MeasureConfig, network};
use super::sweep::{SweepConfig, SweepNetwork, SweepResults, relations, sweep_point};
use crate::error::{AnalysisError, Result, ensure_config};
use crate::experiment::describe_toml_error;
use crate::run_files::{record_experiment, remove_stale, stop};

/// The schema version of [`FluxResults`].
pub const FLUX_RESULTS_SCHEMA: u32 = 1;

/// The marker of a flux experiment file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FluxKind {
    /// `kind = "flux"`.
    #[default]
    Flux,
}

/// A network given as files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFile {
    /// Its name in the report (letters, digits, `-`, `_`).
    pub name: String,
    /// W as .npy (or `FILE.npz:KEY`), N × N, row i = neuron i's incoming weights; a relative
    /// path is relative to the experiment file.
    pub weights: String,
    /// b as .npy (N entries); without it, `bias_rule`.
    #[serde(default)]
    pub bias: Option<String>,
    /// The biases when no file is given (default `zero`).
    #[serde(default)]
    pub bias_rule: BiasRule,
}

/// A flux experiment (module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FluxExperiment {
    /// `"flux"`.
    pub kind: FluxKind,
    /// The experiment's name (default `"flux"`).
    #[serde(default = "default_name")]
    pub name: String,
    /// Coding, update schedule and temperature of every network.
    #[serde(default)]
    pub network: Dynamics,
    /// Which measures, and how.
    #[serde(default)]
    pub measure: MeasureConfig,
    /// The flux-versus-proxy sweep.
    #[serde(default)]
    pub sweep: SweepConfig,
    /// The evolution runs.
    #[serde(default)]
    pub evolution: EvolutionConfig,
    /// Networks given as files (`[[networks]]`).
    #[serde(default)]
    pub networks: Vec<NetworkFile>,
}

fn default_name() -> String {
    "flux".to_owned()
}

impl Default for FluxExperiment {
    fn default() -> Self {
        Self {
            kind: FluxKind::Flux,
            name: default_name(),
            network: Dynamics::default(),
            measure: MeasureConfig::default(),
            sweep: SweepConfig::default(),
            evolution: EvolutionConfig::default(),
            networks: Vec::new(),
        }
    }
}

/// Whether TOML `text` declares a flux experiment (`kind = "flux"` at the top level).
///
/// # Errors
/// [`AnalysisError::Experiment`] for invalid TOML or a `kind` other than `"flux"`.
pub fn is_flux_experiment(text: &str, origin: &str) -> Result<bool> {
    let value: toml::Table = toml::from_str(text).map_err(|e| AnalysisError::Experiment {
        path: origin.into(),
        detail: describe_toml_error(&e, text),
    })?;
    match value.get("kind") {
        None => Ok(false),
        Some(toml::Value::String(s)) if s == "flux" => Ok(true),
        Some(other) => Err(AnalysisError::Experiment {
            path: origin.into(),
            detail: format!(
                "unknown experiment kind {other}; expected \"flux\" or \"balanced\" (or no kind \
                 for the Go-task experiment)"
            ),
        }),
    }
}

impl FluxExperiment {
    /// Parse from TOML; relative network paths are resolved against `base` (the file's
    /// folder).
    ///
    /// # Errors
    /// [`AnalysisError::Experiment`] naming `origin` for invalid TOML or an unknown key;
    /// [`AnalysisError::InvalidConfig`] for out-of-range settings.
    pub fn from_toml(text: &str, origin: &str, base: &Path) -> Result<Self> {
        let mut exp: Self = toml::from_str(text).map_err(|e| AnalysisError::Experiment {
            path: origin.into(),
            detail: describe_toml_error(&e, text),
        })?;
        for n in &mut exp.networks {
            n.weights = resolve(base, &n.weights);
            n.bias = n.bias.as_deref().map(|b| resolve(base, b));
        }
        exp.validate()?;
        Ok(exp)
    }

    /// Read a flux experiment file.
    ///
    /// # Errors
    /// As [`FluxExperiment::from_toml`]; [`AnalysisError::Experiment`] when unreadable.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| AnalysisError::Experiment {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::from_toml(&text, &path.display().to_string(), base)
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
            self.network.temperature.is_finite() && self.network.temperature > 0.0,
            "network.temperature",
            "must be finite and > 0, got {}",
            self.network.temperature
        );
        self.measure.validate().map_err(|e| prefix(e, "measure."))?;
        if self.sweep.enabled {
            self.sweep.validate()?;
        }
        if self.evolution.enabled {
            self.evolution.validate(&self.measure)?;
        }
        for (i, n) in self.networks.iter().enumerate() {
            ensure_config!(
                !n.name.is_empty()
                    && n.name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                format!("networks[{i}].name"),
                "must be letters, digits, - or _, got {:?}",
                n.name
            );
            ensure_config!(
                !self.networks[..i].iter().any(|m| m.name == n.name),
                format!("networks[{i}].name"),
                "{:?} is used twice",
                n.name
            );
        }
        Ok(())
    }

    /// Every seed, by name.
    #[must_use]
    pub fn seeds(&self) -> Vec<crate::NamedSeed> {
        let mut s = vec![crate::NamedSeed {
            name: "simulation (measure.seed)".into(),
            seed: self.measure.seed,
        }];
        if self.sweep.enabled {
            s.push(crate::NamedSeed {
                name: "sweep draws (sweep.seed)".into(),
                seed: self.sweep.seed,
            });
        }
        if self.evolution.enabled {
            for r in 0..self.evolution.runs {
                s.push(crate::NamedSeed {
                    name: format!("evolution run {r}"),
                    seed: self.evolution.run_params(r).seed,
                });
            }
        }
        s
    }
}

fn resolve(base: &Path, spec: &str) -> String {
    let src = ArraySource::parse(spec);
    if src.path().is_absolute() {
        return spec.to_owned();
    }
    let joined: PathBuf = base.join(spec);
    joined.display().to_string()
}

fn prefix(e: AnalysisError, p: &str) -> AnalysisError {
    match e {
        AnalysisError::InvalidConfig { name, reason } => AnalysisError::InvalidConfig {
            name: format!("{p}{name}"),
            reason,
        },
        other => other,
    }
}

/// A user network and its measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedNetwork {
    /// Its name.
    pub name: String,
    /// Where W came from.
    pub weights_file: String,
    /// Where b came from (`None`: the bias rule).
    pub bias_file: Option<String>,
    /// The network before and its structure, with every measure.
    pub snapshot: Snapshot,
}

/// Everything a flux experiment computed (nats).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FluxResults {
    /// [`FLUX_RESULTS_SCHEMA`].
    pub schema_version: u32,
    /// The infoscope version that computed it.
    pub infoscope_version: String,
    /// `"flux"`.
    pub kind: FluxKind,
    /// The experiment's name.
    pub experiment: String,
    /// Unit of every information value: always `"nats"`.
    pub unit: String,
    /// The experiment as run.
    pub config: FluxExperiment,
    /// Every seed used.
    pub seeds: Vec<crate::NamedSeed>,
    /// The sweep (when enabled).
    pub sweep: Option<SweepResults>,
    /// The evolution (when enabled).
    pub evolution: Option<EvolutionResults>,
    /// The networks given as files.
    pub networks: Vec<NamedNetwork>,
}

/// What [`run_flux_experiment`] reports as it goes.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum FluxProgress {
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
    /// Sweep networks measured (read back or computed) of the total.
    Sweep {
        /// Done.
        done: usize,
        /// Total.
        total: usize,
        /// How many of `done` were read back from an earlier run.
        resumed: usize,
    },
    /// Evolution generations done in one run.
    Generation(GenerationProgress),
}

/// Run `exp` into `out` (module docs); `on` may stop the run after a grid point, a saved
/// chunk of generations or a network ([`AnalysisError::Stopped`]), leaving a resumable
/// directory.
///
/// # Errors
/// [`AnalysisError::InvalidConfig`] for bad settings or a resume of another experiment;
/// [`AnalysisError::Stopped`]; file, network and strategy errors.
pub fn run_flux_experiment(
    exp: &FluxExperiment,
    out: &Path,
    resume: bool,
    on: &mut dyn FnMut(FluxProgress) -> ControlFlow<()>,
) -> Result<FluxResults> {
    exp.validate()?;
    record_experiment(exp, out, resume)?;
    let stages: Vec<&'static str> = [
        (exp.sweep.enabled, "flux-vs-proxy sweep"),
        (exp.evolution.enabled, "evolution"),
        (!exp.networks.is_empty(), "networks from files"),
        (true, "results"),
    ]
    .into_iter()
    .filter_map(|(on, s)| on.then_some(s))
    .collect();
    let total = stages.len();
    let mut index = 0;
    let mut stage = |on: &mut dyn FnMut(FluxProgress) -> ControlFlow<()>, name: &'static str| {
        index += 1;
        on(FluxProgress::Stage { name, index, total })
    };

    let sweep = if exp.sweep.enabled {
        stop(stage(on, "flux-vs-proxy sweep"))?;
        let t0 = Instant::now();
        let s = run_sweep(exp, out, resume, on)?;
        stop(on(FluxProgress::Done {
            name: "flux-vs-proxy sweep",
            seconds: t0.elapsed().as_secs_f64(),
        }))?;
        Some(s)
    } else {
        None
    };

    let evolution = if exp.evolution.enabled {
        stop(stage(on, "evolution"))?;
        let t0 = Instant::now();
        let e = run_evolution(exp, out, resume, on)?;
        stop(on(FluxProgress::Done {
            name: "evolution",
            seconds: t0.elapsed().as_secs_f64(),
        }))?;
        Some(e)
    } else {
        None
    };

    let mut networks = Vec::new();
    if !exp.networks.is_empty() {
        stop(stage(on, "networks from files"))?;
        let t0 = Instant::now();
        for f in &exp.networks {
            let path = out.join("networks").join(format!("{}.json", f.name));
            let named = if resume && path.exists() {
                read_json(&path)?
            } else {
                let named = measure_file(f, exp)?;
                write_json(&path, &named)?;
                named
            };
            networks.push(named);
        }
        stop(on(FluxProgress::Done {
            name: "networks from files",
            seconds: t0.elapsed().as_secs_f64(),
        }))?;
    }

    stop(stage(on, "results"))?;
    let results = FluxResults {
        schema_version: FLUX_RESULTS_SCHEMA,
        infoscope_version: env!("CARGO_PKG_VERSION").to_owned(),
        kind: FluxKind::Flux,
        experiment: exp.name.clone(),
        unit: "nats".to_owned(),
        config: exp.clone(),
        seeds: exp.seeds(),
        sweep,
        evolution,
        networks,
    };
    write_json(&out.join("results.json"), &results)?;
    Ok(results)
}

/// The sweep, grid point by grid point, saved after each.
fn run_sweep(
    exp: &FluxExperiment,
    out: &Path,
    resume: bool,
    on: &mut dyn FnMut(FluxProgress) -> ControlFlow<()>,
) -> Result<SweepResults> {
    let path = out.join("sweep").join("points.json");
    let config = &exp.sweep;
    let mut done: Vec<SweepNetwork> = if resume && path.exists() {
        read_json(&path)?
    } else {
        Vec::new()
    };
    let per = config.networks;
    ensure_config!(
        done.len().is_multiple_of(per) && done.len() <= config.total(),
        "resume",
        "{} holds {} networks, not whole grid points of {per}",
        path.display(),
        done.len()
    );
    let resumed = done.len();
    let total = config.total();
    stop(on(FluxProgress::Sweep {
        done: resumed,
        total,
        resumed,
    }))?;
    for point in done.len() / per..config.grid().len() {
        done.extend(sweep_point(config, point, &exp.network, &exp.measure)?);
        write_json(&path, &done)?;
        stop(on(FluxProgress::Sweep {
            done: done.len(),
            total,
            resumed,
        }))?;
    }
    Ok(relations(&done))
}

/// Every evolution run, then the reference.
fn run_evolution(
    exp: &FluxExperiment,
    out: &Path,
    resume: bool,
    on: &mut dyn FnMut(FluxProgress) -> ControlFlow<()>,
) -> Result<EvolutionResults> {
    let config = &exp.evolution;
    let dir = out.join("evolution");
    let mut runs = Vec::with_capacity(config.runs);
    for r in 0..config.runs {
        let state = dir.join(format!("run_{r}.json"));
        if !resume {
            remove_stale(&state)?;
        }
        let run = evolve_run(config, r, &exp.network, &exp.measure, &state, &mut |p| {
            on(FluxProgress::Generation(p))
        })?;
        write_npy(
            &dir.join(format!("run_{r}_weights.npy")),
            &run.after.weights,
        )?;
        write_npy(&dir.join(format!("run_{r}_bias.npy")), &run.after.bias)?;
        runs.push(run);
    }
    let rooks = Snapshot::of(&config.rooks(&exp.network)?, None, &exp.measure)?;
    Ok(EvolutionResults {
        fitness: describe_fitness(config),
        runs,
        rooks,
    })
}

/// Reads and measures one network file.
fn measure_file(f: &NetworkFile, exp: &FluxExperiment) -> Result<NamedNetwork> {
    let (w, _) = read_matrix(&ArraySource::parse(&f.weights))?;
    let b = match &f.bias {
        Some(spec) => {
            let (m, _) = read_matrix(&ArraySource::parse(spec))?;
            ensure_config!(
                m.len() == w.nrows(),
                format!("networks.{}.bias", f.name),
                "{spec} has {} values for N = {} neurons",
                m.len(),
                w.nrows()
            );
            m.into_shape_with_order(w.nrows())
                .map_err(|e| AnalysisError::InvalidConfig {
                    name: format!("networks.{}.bias", f.name),
                    reason: e.to_string(),
                })?
        }
        None => f.bias_rule.biases(&w),
    };
    let net = network(w, b, &exp.network)?;
    Ok(NamedNetwork {
        name: f.name.clone(),
        weights_file: f.weights.clone(),
        bias_file: f.bias.clone(),
        snapshot: Snapshot::of(&net, None, &exp.measure)?,
    })
}

/// The measures of a network in `results`, by name, for the faces' summaries.
#[must_use]
pub fn named_measures<'a>(results: &'a FluxResults, name: &str) -> Option<&'a FluxMeasures> {
    results
        .networks
        .iter()
        .find(|n| n.name == name)
        .map(|n| &n.snapshot.measures)
}
