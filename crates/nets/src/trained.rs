//! A trained network loaded from its run directory (leaky RNN or reservoir), and its
//! recording on a batch of trials.

use std::path::Path;

use ndarray::{Array3, ArrayView3};

use crate::error::{NetsError, Result};
use crate::models::leaky::LeakyRnn;
use crate::models::reservoir::Reservoir;
use crate::record::{Recording, RecordingMeta};
use crate::tasks::{Mode, TaskSpec, fraction_correct, generate, performance};
use crate::train::reservoir::ReservoirTrainConfig;
use crate::train::{TrainConfig, load_weights};

/// A trained network and the task it was trained on.
#[derive(Clone, Debug)]
pub enum TrainedModel {
    /// A leaky RNN (`model.safetensors`, or `last.safetensors` of an unfinished run).
    Leaky(Box<LeakyRnn>, Box<TrainConfig>),
    /// A reservoir with its readout (`reservoir.json`).
    Reservoir(Box<Reservoir>, Box<ReservoirTrainConfig>),
}

impl TrainedModel {
    /// Load the network in `dir` (written by [`crate::train::train`] or
    /// [`crate::train::reservoir::train_reservoir`]).
    ///
    /// # Errors
    /// [`NetsError::Io`] or [`NetsError::Checkpoint`] when the directory holds no trained
    /// network or its files are unreadable.
    pub fn load(dir: &Path) -> Result<Self> {
        if dir.join("reservoir.json").exists() {
            let config: ReservoirTrainConfig = infoscope_io::read_json(&dir.join("config.json"))?;
            let model = Reservoir::load_json(&dir.join("reservoir.json"))?;
            return Ok(Self::Reservoir(Box::new(model), Box::new(config)));
        }
        let weights = ["model.safetensors", "last.safetensors"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.exists())
            .ok_or_else(|| NetsError::Checkpoint {
                path: dir.display().to_string(),
                detail: "no trained network here (expected model.safetensors, last.safetensors \
                         or reservoir.json; train one with `infoscope train`)"
                    .into(),
            })?;
        let config: TrainConfig = infoscope_io::read_json(&dir.join("config.json"))?;
        let mut model = LeakyRnn::new(config.model.clone(), config.seed)?;
        load_weights(&weights, &mut model)?;
        Ok(Self::Leaky(Box::new(model), Box::new(config)))
    }

    /// The task the network was trained on.
    #[must_use]
    pub fn task(&self) -> TaskSpec {
        match self {
            Self::Leaky(_, c) => c.task,
            Self::Reservoir(_, c) => c.task,
        }
    }

    /// `"leaky"` or `"reservoir"`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Leaky(..) => "leaky",
            Self::Reservoir(..) => "reservoir",
        }
    }

    /// The model's configuration as JSON.
    #[must_use]
    pub fn config_json(&self) -> serde_json::Value {
        match self {
            Self::Leaky(_, c) => serde_json::to_value(c).unwrap_or_default(),
            Self::Reservoir(_, c) => serde_json::to_value(c).unwrap_or_default(),
        }
    }

    /// Hidden states and outputs, time-major, with recurrent noise from `noise_seed` (`None`:
    /// noiseless).
    ///
    /// # Errors
    /// [`NetsError::Shape`] for inputs of the wrong width.
    pub fn run(
        &self,
        inputs: ArrayView3<'_, f32>,
        noise_seed: Option<u64>,
    ) -> Result<(Array3<f32>, Array3<f32>)> {
        match self {
            Self::Leaky(m, _) => m.run(inputs, noise_seed),
            Self::Reservoir(m, _) => {
                let hidden = m.run(inputs, noise_seed)?;
                let outputs = m.outputs(hidden.view())?;
                Ok((hidden, outputs))
            }
        }
    }

    /// Record the network on a batch of its task (`trials` random trials, or the test grid),
    /// seeded by `seed` (trials and recurrent noise; `noise` off records noiseless states).
    ///
    /// # Errors
    /// As [`crate::tasks::generate`] and [`TrainedModel::run`].
    pub fn record(&self, mode: &Mode, trials: usize, seed: u64, noise: bool) -> Result<Recording> {
        let task = self.task();
        let batch = generate(&task, mode, trials, seed)?;
        let noise_seed = noise.then_some(seed ^ 0x5DEE_CE66_D1CE_4E5B);
        let (hidden, outputs) = self.run(batch.inputs.view(), noise_seed)?;
        let mut meta = RecordingMeta::unknown();
        meta.task = task.rule.name().into();
        meta.mode = match mode {
            Mode::Random => "random",
            Mode::Test => "test",
            Mode::Psychometric(_) => "psychometric",
        }
        .into();
        meta.model = self.kind().into();
        meta.model_config = self.config_json();
        meta.seed = seed;
        meta.performance = Some(fraction_correct(&performance(outputs.view(), &batch)?));
        if !noise {
            meta.notes.push("recorded without recurrent noise".into());
        }
        Recording::from_batch(&batch, hidden.view(), outputs.view(), meta)
    }
}
