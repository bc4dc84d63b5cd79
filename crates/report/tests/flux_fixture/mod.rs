//! A tiny flux experiment, run for real by `run_flux_experiment` in about a second: a sweep of
//! 20 four-neuron networks, two short evolution runs of three neurons with their N-rooks
//! reference, and two networks from files (the SPEC.md §7 shift register, N = 3, and a
//! nine-neuron ring too large for the attractor search, so that one measure is missing).
#![allow(dead_code)]

use std::ops::ControlFlow;
use std::path::Path;

use infoscope_analysis::flux::{FluxExperiment, FluxResults, run_flux_experiment};
use ndarray::{Array1, Array2};

/// The experiment file.
pub const TOML: &str = r#"
kind = "flux"
name = "tiny"

[measure]
attractor_max_neurons = 8

[sweep]
n = 4
widths = [1.0, 4.0]
densities = [1.0]
balances = [0.0, 0.5]
networks = 5

[evolution]
n = 3
generations = 12
runs = 2
checkpoint_every = 4

[evolution.strategy]
lambda = 6
w_max = 10.0
evolve_bias = true

[[networks]]
name = "shift"
weights = "shift_w.npy"
bias = "shift_b.npy"

[[networks]]
name = "ring9"
weights = "ring9_w.npy"
bias_rule = "centered"
"#;

/// The exact flux of the shift register, bits (SPEC.md §7, w = 5).
pub const SHIFT_BITS: f64 = 1.837_757;

/// The shift register of `n` neurons with weight `w`: neuron i receives from neuron i − 1.
fn ring(n: usize, w: f64) -> Array2<f64> {
    Array2::from_shape_fn((n, n), |(i, j)| if j == (i + n - 1) % n { w } else { 0.0 })
}

/// What can fail while writing the files or running the experiment.
pub type Error = Box<dyn std::error::Error>;

/// Writes the network files into `dir`.
pub fn write_networks(dir: &Path) -> Result<(), Error> {
    infoscope_io::write_npy(&dir.join("shift_w.npy"), &ring(3, 5.0))?;
    infoscope_io::write_npy(&dir.join("shift_b.npy"), &Array1::from_elem(3, -2.5))?;
    infoscope_io::write_npy(&dir.join("ring9_w.npy"), &ring(9, 4.0))?;
    Ok(())
}

/// Runs the experiment in a temporary folder and returns its results.
pub fn run() -> Result<FluxResults, Error> {
    let dir = tempfile::tempdir()?;
    write_networks(dir.path())?;
    let exp = FluxExperiment::from_toml(TOML, "tiny.toml", dir.path())?;
    let results = run_flux_experiment(&exp, &dir.path().join("out"), false, &mut |_| {
        ControlFlow::Continue(())
    })?;
    Ok(results)
}
