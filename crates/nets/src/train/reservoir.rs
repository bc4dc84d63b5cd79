//! Training the echo-state reservoir on a task: the readout is fitted by ridge regression on
//! random batches (several, since a random-mode batch has one timing and one modality), the
//! ridge chosen on held-out batches, and the result saved as `reservoir.json`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure_param};
use crate::models::reservoir::{ReadoutReport, Reservoir, ReservoirConfig};
use crate::tasks::{Mode, TaskSpec, TrialBatch, fraction_correct, generate, performance};

/// Everything a reservoir run depends on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservoirTrainConfig {
    /// The task.
    pub task: TaskSpec,
    /// The reservoir.
    pub model: ReservoirConfig,
    /// Training batches (each `batch_size` random trials with its own timing).
    pub train_batches: usize,
    /// Held-out batches for choosing the ridge.
    pub validation_batches: usize,
    /// Trials per batch.
    pub batch_size: usize,
    /// Seed of the weights and of the batches.
    pub seed: u64,
}

impl ReservoirTrainConfig {
    /// Defaults for `task`: 256 units, 8 training and 4 validation batches of 32 trials.
    #[must_use]
    pub fn new(task: TaskSpec) -> Self {
        let mut model = ReservoirConfig::new(task.n_input());
        model.n_output = task.n_output();
        model.alpha = task.alpha;
        Self {
            task,
            model,
            train_batches: 8,
            validation_batches: 4,
            batch_size: 32,
            seed: 0,
        }
    }
}

/// The result of [`train_reservoir`].
#[derive(Clone, Debug)]
pub struct ReservoirOutcome {
    /// The reservoir with its trained readout.
    pub model: Reservoir,
    /// The ridge fit.
    pub report: ReadoutReport,
    /// Fraction correct on the 40-trial test grid.
    pub test_performance: f64,
}

/// Fit the readout per `config`; with `out`, write `config.json` and `reservoir.json` there.
///
/// # Errors
/// A bad configuration ([`crate::NetsError::InvalidParameter`]), a failed fit, or a file that
/// cannot be written.
pub fn train_reservoir(
    config: &ReservoirTrainConfig,
    out: Option<&Path>,
) -> Result<ReservoirOutcome> {
    ensure_param!(
        config.train_batches >= 1,
        "train_batches",
        "at least one training batch is needed"
    );
    ensure_param!(
        config.validation_batches >= 1,
        "validation_batches",
        "at least one validation batch is needed"
    );
    let batches = |first: u64, count: usize| -> Result<Vec<TrialBatch>> {
        (0..count as u64)
            .map(|i| {
                generate(
                    &config.task,
                    &Mode::Random,
                    config.batch_size,
                    config.seed.wrapping_add(first + i),
                )
            })
            .collect()
    };
    let train = batches(1, config.train_batches)?;
    let validation = batches(1_000_001, config.validation_batches)?;
    let mut model = Reservoir::new(config.model.clone(), config.seed)?;
    let report = model.fit_readout_batches(&train, &validation, None)?;
    let test = generate(
        &config.task,
        &Mode::Test,
        0,
        config.seed.wrapping_add(2_000_001),
    )?;
    let outputs = model.predict(test.inputs.view(), None)?;
    let test_performance = fraction_correct(&performance(outputs.view(), &test)?);
    if let Some(dir) = out {
        infoscope_io::write_json(&dir.join("config.json"), config)?;
        model.save_json(&dir.join("reservoir.json"))?;
    }
    Ok(ReservoirOutcome {
        model,
        report,
        test_performance,
    })
}
