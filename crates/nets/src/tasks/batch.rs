//! [`TrialBatch`]: one batch of trials of a task, time-major, as the networks consume it.

use std::ops::Range;

use ndarray::{Array1, Array2, Array3};
use serde::{Deserialize, Serialize};

/// The epochs of one trial, as time-step ranges (`[start, end)`); absent epochs are `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialEpochs {
    /// Fixation before the stimulus.
    pub fix1: Range<usize>,
    /// The stimulus period (until the stimulus goes off, or until the go cue).
    pub stim1: Option<Range<usize>>,
    /// The delay between stimulus offset and the go cue (`delaygo`).
    pub delay1: Option<Range<usize>>,
    /// The response period, from the go cue (fixation offset) to the end.
    pub go1: Range<usize>,
}

/// A batch of trials. Arrays are **time-major**: `[time, trial, channel]`, the layout the
/// recurrent networks step through (a recording transposes to `[trial, time, unit]`).
#[derive(Clone, Debug, PartialEq)]
pub struct TrialBatch {
    /// Integration step in ms (20 by default).
    pub dt: f64,
    /// Network inputs `[time, trial, n_input]`: fixation (unit 0), the two 32-unit rings, the
    /// rule one-hot; input noise included.
    pub inputs: Array3<f32>,
    /// Targets `[time, trial, n_output]` (fixation output 0, then 32 ring outputs).
    pub targets: Array3<f32>,
    /// Cost mask `[time, trial, n_output]` (the fixation column already ×2). The loss is the
    /// mean over all entries of `((target − output) · mask)²`.
    pub mask: Array3<f32>,
    /// Location target `[time, trial]`: −1 while fixating, the stimulus angle in the response.
    pub y_loc: Array2<f64>,
    /// Stimulus angle of each trial, radians in `[0, 2π)`.
    pub angles: Array1<f64>,
    /// Stimulus modality of each trial (1 or 2).
    pub modality: Vec<usize>,
    /// Epochs of each trial.
    pub epochs: Vec<TrialEpochs>,
}

impl TrialBatch {
    /// Number of time steps.
    #[must_use]
    pub fn n_time(&self) -> usize {
        self.inputs.shape()[0]
    }

    /// Number of trials.
    #[must_use]
    pub fn n_trials(&self) -> usize {
        self.inputs.shape()[1]
    }

    /// Number of input channels.
    #[must_use]
    pub fn n_input(&self) -> usize {
        self.inputs.shape()[2]
    }

    /// Number of output channels.
    #[must_use]
    pub fn n_output(&self) -> usize {
        self.targets.shape()[2]
    }
}
