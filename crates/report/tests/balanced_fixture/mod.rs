//! A tiny balanced-network experiment, run for real by `run_balanced_experiment` in a few
//! seconds: a sweep of 32-neuron networks over g ∈ {0, 2} and b ∈ {2, 3, 4}, and two short
//! training runs (S = 1 and S = 2) of 32 neurons.
#![allow(dead_code)]

use std::ops::ControlFlow;

use infoscope_analysis::balanced::{BalancedExperiment, BalancedResults, run_balanced_experiment};

/// The experiment file.
pub const TOML: &str = r#"
kind = "balanced"
name = "tiny"

[sweep]
n = 32
g = [0.0, 2.0]
b = [2.0, 3.0, 4.0]
dt = 0.03125
duration = 32.0
burn_in = 2.0
networks = 1
trials = 3
seed = 1

[sweep.rate]
nperseg = 128
cutoff = 2.0

[training]
channels = [1, 2]
epochs = 20
log_every = 10
checkpoint_every = 10
n = 32
rate_steps = 1024

[training.rate]
nperseg = 128
"#;

/// What can fail while running the experiment.
pub type Error = Box<dyn std::error::Error>;

/// Runs the experiment in a temporary folder and returns its results.
pub fn run() -> Result<BalancedResults, Error> {
    let dir = tempfile::tempdir()?;
    let exp = BalancedExperiment::from_toml(TOML, "tiny.toml")?;
    let results = run_balanced_experiment(&exp, &dir.path().join("out"), false, &mut |_| {
        ControlFlow::Continue(())
    })?;
    Ok(results)
}
