//! Experiments as data: an [`Experiment`] (read from TOML, e.g. `experiments/go.toml`)
//! describes a whole run of the first seed project (SPEC.md §3): train the leaky RNN on a Go
//! task, fit the reservoir, record both on the same trials, and run every analysis, including
//! the information plane over the training checkpoints and the gradient SNR.
//!
//! [`run_experiment`] writes into its output directory, each file atomically:
//!
//! | path | what |
//! |---|---|
//! | `experiment.json` | the experiment as run (a resume must match it) |
//! | `leaky/` | the training run (`config.json`, `log.json`, checkpoints, `model.safetensors`) |
//! | `reservoir/` | the fitted reservoir |
//! | `recordings/{leaky,reservoir}.npz` (+ `.json`) | the recordings |
//! | `analysis/{leaky,reservoir}.json` | each network's [`NetworkAnalysis`] |
//! | `results.json` | the [`Results`] |
//! | `state.json` | the finished stages |
//!
//! With `resume`, finished stages are read back instead of redone and an interrupted training
//! continues from its last log entry; every stage is a pure function of the experiment, so a
//! resumed run writes the same `results.json` as an uninterrupted one.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use infoscope_io::{read_json, write_json};
use infoscope_nets::models::leaky::LeakyRnn;
use infoscope_nets::record::Recording;
use infoscope_nets::tasks::{Mode, Rule, TaskSpec, TimingSampling};
use infoscope_nets::train::reservoir::{ReservoirTrainConfig, train_reservoir};
use infoscope_nets::train::{LogEntry, TrainConfig, checkpoint_path, load_weights, train};
use infoscope_nets::trained::TrainedModel;
use infoscope_nn::activation::Activation;
use serde::{Deserialize, Serialize};

use crate::assemble::Source;
use crate::config::AnalysisConfig;
use crate::error::{AnalysisError, Result, ensure_config};
use crate::plane::information_plane_with;
use crate::results::{NamedSeed, NetworkAnalysis, Results};
use crate::{analyze_recording, gradient_snr};

/// A whole run: task, networks, training, recording and analyses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Experiment {
    /// The experiment's name (the default output directory is `runs/<name>`).
    pub name: String,
    /// The task.
    pub task: TaskSection,
    /// The leaky RNN trained by BPTT.
    pub network: NetworkSection,
    /// Its training.
    pub training: TrainingSection,
    /// The reservoir analysed side by side.
    pub reservoir: ReservoirSection,
    /// The recorded trials.
    pub recording: RecordingSection,
    /// The analyses.
    pub analysis: AnalysisConfig,
}

/// `[task]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TaskSection {
    /// `"fdgo"`, `"reactgo"` or `"delaygo"`.
    pub rule: Rule,
    /// `"per_batch"` (the original: one timing per batch) or `"per_trial"`.
    pub timing: TimingSampling,
}

/// `[network]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSection {
    /// Recurrent units.
    pub hidden: usize,
    /// `"softplus"`, `"relu"`, `"tanh"`, `"retanh"` or `"power"`.
    pub activation: Activation,
    /// Seed of the weights, training batches and noise.
    pub seed: u64,
}

/// `[training]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingSection {
    /// Step budget (one step = one batch).
    pub max_steps: usize,
    /// Trials per step.
    pub batch_size: usize,
    /// Steps between log entries (gradient statistics cover each interval).
    pub log_every: usize,
    /// Log-spaced weight checkpoints for the information plane (besides the first and last).
    pub checkpoints: usize,
    /// The performance criterion.
    pub target_performance: f64,
    /// Whether reaching the criterion ends training.
    pub stop_at_target: bool,
    /// Adam learning rate.
    pub learning_rate: f64,
}

/// `[reservoir]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReservoirSection {
    /// Whether to fit and analyse a reservoir too.
    pub enabled: bool,
    /// Reservoir units.
    pub hidden: usize,
    /// Spectral radius of the fixed recurrent weights.
    pub spectral_radius: f64,
    /// Seed of the fixed weights and the readout's training batches.
    pub seed: u64,
}

/// `[recording]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecordingSection {
    /// `"random"` (random angles) or `"test"` (the 40-trial grid).
    pub mode: String,
    /// Trials (random mode).
    pub trials: usize,
    /// Seed of the trials and the recurrent noise.
    pub seed: u64,
    /// Record with recurrent noise.
    pub noise: bool,
}

impl Default for Experiment {
    fn default() -> Self {
        Self {
            name: "go".into(),
            task: TaskSection::default(),
            network: NetworkSection::default(),
            training: TrainingSection::default(),
            reservoir: ReservoirSection::default(),
            recording: RecordingSection::default(),
            analysis: AnalysisConfig::default(),
        }
    }
}

impl Default for TaskSection {
    fn default() -> Self {
        Self {
            rule: Rule::FdGo,
            timing: TimingSampling::PerBatch,
        }
    }
}

impl Default for NetworkSection {
    fn default() -> Self {
        Self {
            hidden: 128,
            activation: Activation::Softplus,
            seed: 0,
        }
    }
}

impl Default for TrainingSection {
    fn default() -> Self {
        Self {
            max_steps: 300,
            batch_size: 64,
            log_every: 10,
            checkpoints: 10,
            target_performance: 0.95,
            stop_at_target: false,
            learning_rate: 1e-3,
        }
    }
}

impl Default for ReservoirSection {
    fn default() -> Self {
        Self {
            enabled: true,
            hidden: 128,
            spectral_radius: 0.9,
            seed: 0,
        }
    }
}

impl Default for RecordingSection {
    fn default() -> Self {
        Self {
            mode: "random".into(),
            trials: 200,
            seed: 1,
            noise: true,
        }
    }
}

impl Experiment {
    /// Parse an experiment from TOML text; missing keys take the defaults.
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

    /// Read an experiment file.
    ///
    /// # Errors
    /// [`AnalysisError::Experiment`] when the file cannot be read or parsed; as
    /// [`Experiment::from_toml`].
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| AnalysisError::Experiment {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// The experiment as TOML.
    ///
    /// # Errors
    /// [`AnalysisError::Experiment`] if it cannot be serialised (it always can).
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| AnalysisError::Experiment {
            path: "<experiment>".into(),
            detail: e.to_string(),
        })
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
            ["random", "test"].contains(&self.recording.mode.as_str()),
            "recording.mode",
            "must be \"random\" or \"test\", got {:?}",
            self.recording.mode
        );
        ensure_config!(
            self.recording.trials >= 4,
            "recording.trials",
            "must be ≥ 4, got {}",
            self.recording.trials
        );
        self.analysis.validate()?;
        self.train_config().validate_for_experiment()?;
        Ok(())
    }

    /// The task.
    #[must_use]
    pub fn task(&self) -> TaskSpec {
        let mut task = TaskSpec::new(self.task.rule);
        task.timing = self.task.timing;
        task
    }

    /// The training configuration of the leaky RNN.
    #[must_use]
    pub fn train_config(&self) -> TrainConfig {
        let mut c = TrainConfig::new(self.task());
        c.model.n_rnn = self.network.hidden;
        c.model.activation = self.network.activation;
        c.seed = self.network.seed;
        c.max_steps = self.training.max_steps;
        c.batch_size = self.training.batch_size;
        c.log_every = self.training.log_every;
        c.n_checkpoints = self.training.checkpoints;
        c.target_performance = self.training.target_performance;
        c.stop_at_target = self.training.stop_at_target;
        c.adam.learning_rate = self.training.learning_rate as f32;
        c
    }

    /// The reservoir's configuration.
    #[must_use]
    pub fn reservoir_config(&self) -> ReservoirTrainConfig {
        let mut c = ReservoirTrainConfig::new(self.task());
        c.model.n_rnn = self.reservoir.hidden;
        c.model.spectral_radius = self.reservoir.spectral_radius;
        c.seed = self.reservoir.seed;
        c
    }

    fn mode(&self) -> Mode {
        if self.recording.mode == "test" {
            Mode::Test
        } else {
            Mode::Random
        }
    }

    /// Every seed of the run, by what it drives.
    pub(crate) fn seeds(&self) -> Vec<NamedSeed> {
        let mut seeds = vec![
            NamedSeed {
                name: "training (weights, batches, noise)".into(),
                seed: self.network.seed,
            },
            NamedSeed {
                name: "recording (trials and recurrent noise)".into(),
                seed: self.recording.seed,
            },
            NamedSeed {
                name: "analysis permutations".into(),
                seed: self.analysis.seed,
            },
        ];
        if self.reservoir.enabled {
            seeds.insert(
                1,
                NamedSeed {
                    name: "reservoir (weights, readout batches)".into(),
                    seed: self.reservoir.seed,
                },
            );
        }
        seeds
    }
}

/// A TOML error on one line: `line L: message`.
pub(crate) fn describe_toml_error(e: &toml::de::Error, text: &str) -> String {
    let message = e.message().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Checks of a [`TrainConfig`] that `train` would otherwise only make when it starts.
trait ValidateForExperiment {
    fn validate_for_experiment(&self) -> Result<()>;
}

impl ValidateForExperiment for TrainConfig {
    fn validate_for_experiment(&self) -> Result<()> {
        ensure_config!(self.model.n_rnn >= 1, "network.hidden", "must be ≥ 1");
        ensure_config!(self.max_steps >= 1, "training.max_steps", "must be ≥ 1");
        ensure_config!(self.batch_size >= 1, "training.batch_size", "must be ≥ 1");
        ensure_config!(self.log_every >= 1, "training.log_every", "must be ≥ 1");
        ensure_config!(
            (0.0..=1.0).contains(&self.target_performance),
            "training.target_performance",
            "must lie in [0, 1], got {}",
            self.target_performance
        );
        ensure_config!(
            self.adam.learning_rate.is_finite() && self.adam.learning_rate > 0.0,
            "training.learning_rate",
            "must be finite and > 0, got {}",
            self.adam.learning_rate
        );
        Ok(())
    }
}

/// What [`run_experiment`] reports as it goes.
#[derive(Debug)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// A stage starts (`index` of `total`, from 1).
    Stage {
        /// Its name.
        name: &'static str,
        /// Its position.
        index: usize,
        /// Number of stages.
        total: usize,
    },
    /// A finished stage is read back (resume).
    Skipped {
        /// Its name.
        name: &'static str,
    },
    /// A stage finished.
    Done {
        /// Its name.
        name: &'static str,
        /// Wall time, seconds.
        seconds: f64,
    },
    /// A training log entry.
    Training {
        /// The entry.
        entry: &'a LogEntry,
        /// The step budget.
        max_steps: usize,
    },
}

/// The stages, in order.
const STAGES: [&str; 7] = [
    "train leaky RNN",
    "fit reservoir",
    "record",
    "analyse leaky RNN",
    "information plane",
    "analyse reservoir",
    "results",
];

/// The finished stages of a run directory.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct State {
    done: Vec<String>,
}

/// Paths inside a run directory.
struct Layout {
    root: PathBuf,
}

impl Layout {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// Run `exp` into `out` (see the module docs); `on` sees the progress and may stop the run
/// at a training log entry or between stages (`ControlFlow::Break`), which leaves a resumable
/// directory and returns [`AnalysisError::Stopped`].
///
/// # Errors
/// [`AnalysisError::InvalidConfig`] for bad settings or a resume of a different experiment;
/// [`AnalysisError::Stopped`]; training, recording, estimator and file errors.
pub fn run_experiment(
    exp: &Experiment,
    out: &Path,
    resume: bool,
    on: &mut dyn FnMut(Progress<'_>) -> ControlFlow<()>,
) -> Result<Results> {
    exp.validate()?;
    let l = Layout {
        root: out.to_path_buf(),
    };
    let exp_path = l.path("experiment.json");
    let state_path = l.path("state.json");
    let mut state = State::default();
    if resume && exp_path.exists() {
        let previous: Experiment = read_json(&exp_path)?;
        ensure_config!(
            previous == *exp,
            "resume",
            "{} holds a different experiment; use another --out or drop --resume",
            exp_path.display()
        );
        if state_path.exists() {
            state = read_json(&state_path)?;
        }
    } else {
        for rel in [
            "leaky",
            "reservoir",
            "recordings",
            "analysis",
            "results.json",
            "state.json",
        ] {
            let p = l.path(rel);
            let removed = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else if p.exists() {
                std::fs::remove_file(&p)
            } else {
                Ok(())
            };
            removed.map_err(|e| {
                AnalysisError::Recording(format!("cannot clear {}: {e}", p.display()))
            })?;
        }
    }
    for dir in ["leaky/checkpoints", "reservoir", "recordings", "analysis"] {
        std::fs::create_dir_all(l.path(dir)).map_err(|e| {
            AnalysisError::Recording(format!("cannot create {}: {e}", l.path(dir).display()))
        })?;
    }
    write_json(&exp_path, exp)?;

    let mut runner = Runner {
        state,
        state_path,
        on,
    };
    let total = if exp.reservoir.enabled {
        STAGES.len()
    } else {
        STAGES.len() - 1
    };
    let mut index = 0;
    let mut stage = |runner: &mut Runner<'_, '_>, name: &'static str| -> Result<bool> {
        index += 1;
        if runner.state.done.iter().any(|d| d == name) {
            let _ = (runner.on)(Progress::Skipped { name });
            return Ok(false);
        }
        if (runner.on)(Progress::Stage { name, index, total }).is_break() {
            return Err(AnalysisError::Stopped);
        }
        Ok(true)
    };

    // 1. Training.
    let train_config = exp.train_config();
    if stage(&mut runner, STAGES[0])? {
        let t0 = Instant::now();
        let mut stopped = false;
        let outcome = {
            let on = &mut runner.on;
            train(&train_config, Some(&l.path("leaky")), true, &mut |entry| {
                let flow = on(Progress::Training {
                    entry,
                    max_steps: train_config.max_steps,
                });
                stopped = flow.is_break();
                flow
            })?
        };
        if stopped || outcome.interrupted {
            return Err(AnalysisError::Stopped);
        }
        runner.finish(STAGES[0], t0)?;
    }
    // 2. Reservoir.
    if exp.reservoir.enabled && stage(&mut runner, STAGES[1])? {
        let t0 = Instant::now();
        train_reservoir(&exp.reservoir_config(), Some(&l.path("reservoir")))?;
        runner.finish(STAGES[1], t0)?;
    }
    // 3. Recordings.
    if stage(&mut runner, STAGES[2])? {
        let t0 = Instant::now();
        let mut dirs = vec!["leaky"];
        if exp.reservoir.enabled {
            dirs.push("reservoir");
        }
        for name in dirs {
            let model = TrainedModel::load(&l.path(name))?;
            let rec = model.record(
                &exp.mode(),
                exp.recording.trials,
                exp.recording.seed,
                exp.recording.noise,
            )?;
            rec.write(&l.path(&format!("recordings/{name}.npz")))?;
        }
        runner.finish(STAGES[2], t0)?;
    }
    // 4. Analyse the leaky RNN.
    let leaky_path = l.path("analysis/leaky.json");
    if stage(&mut runner, STAGES[3])? {
        let t0 = Instant::now();
        let rec = Recording::read(&l.path("recordings/leaky.npz"))?;
        let mut a = analyze_recording("leaky RNN", &rec, &exp.analysis)?;
        let log: Vec<LogEntry> = read_json(&l.path("leaky/log.json"))?;
        a.gradients = Some(gradient_snr(&log));
        write_json(&leaky_path, &a)?;
        runner.finish(STAGES[3], t0)?;
    }
    // 5. Information plane.
    if stage(&mut runner, STAGES[4])? {
        let t0 = Instant::now();
        let mut a: NetworkAnalysis = read_json(&leaky_path)?;
        a.plane = Some(plane_over_checkpoints(exp, &l)?);
        write_json(&leaky_path, &a)?;
        runner.finish(STAGES[4], t0)?;
    }
    // 6. Analyse the reservoir.
    let reservoir_path = l.path("analysis/reservoir.json");
    if exp.reservoir.enabled && stage(&mut runner, STAGES[5])? {
        let t0 = Instant::now();
        let rec = Recording::read(&l.path("recordings/reservoir.npz"))?;
        let a = analyze_recording("reservoir", &rec, &exp.analysis)?;
        write_json(&reservoir_path, &a)?;
        runner.finish(STAGES[5], t0)?;
    }
    // 7. Results.
    let _ = stage(&mut runner, STAGES[6])?;
    let t0 = Instant::now();
    let mut networks = vec![read_json(&leaky_path)?];
    if exp.reservoir.enabled {
        networks.push(read_json(&reservoir_path)?);
    }
    let results = Results::new(Source::Experiment(exp), networks);
    write_json(&l.path("results.json"), &results)?;
    runner.finish(STAGES[6], t0)?;
    Ok(results)
}

struct Runner<'a, 'b> {
    state: State,
    state_path: PathBuf,
    on: &'a mut (dyn FnMut(Progress<'_>) -> ControlFlow<()> + 'b),
}

impl Runner<'_, '_> {
    fn finish(&mut self, name: &'static str, t0: Instant) -> Result<()> {
        if !self.state.done.iter().any(|d| d == name) {
            self.state.done.push(name.into());
        }
        write_json(&self.state_path, &self.state)?;
        if (self.on)(Progress::Done {
            name,
            seconds: t0.elapsed().as_secs_f64(),
        })
        .is_break()
        {
            return Err(AnalysisError::Stopped);
        }
        Ok(())
    }
}

/// The information plane over every saved checkpoint of the training run, each recorded on
/// the experiment's trials.
fn plane_over_checkpoints(exp: &Experiment, l: &Layout) -> Result<crate::InformationPlane> {
    let config: TrainConfig = read_json(&l.path("leaky/config.json"))?;
    let log: Vec<LogEntry> = read_json(&l.path("leaky/log.json"))?;
    let last = log.last().map_or(0, |e| e.step);
    let dir = l.path("leaky");
    let steps: Vec<usize> = config
        .checkpoint_steps()
        .into_iter()
        .filter(|&s| s <= last && checkpoint_path(&dir, s).exists())
        .collect();
    information_plane_with(&steps, &exp.analysis, |step| {
        let mut model = LeakyRnn::new(config.model.clone(), config.seed)?;
        load_weights(&checkpoint_path(&dir, step), &mut model)?;
        let trained = TrainedModel::Leaky(Box::new(model), Box::new(config.clone()));
        Ok(trained.record(
            &exp.mode(),
            exp.recording.trials,
            exp.recording.seed,
            exp.recording.noise,
        )?)
    })
}
