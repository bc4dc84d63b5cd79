//! Ring encoding of angles, the population-vector decode and the performance criterion
//! (SPEC.md §2.3).

use std::f64::consts::PI;

use ndarray::ArrayView3;

use super::TrialBatch;
use crate::error::{NetsError, Result};

/// Units per ring (`n_eachring`).
pub const N_EACHRING: usize = 32;
/// Number of stimulus modalities (rings).
pub const NUM_RING: usize = 2;
/// Number of rules in the original `ruleset = 'all'` (rule units after the rings).
pub const N_RULE: usize = 20;
/// Input channels: fixation, two rings, the rule one-hot (1 + 64 + 20 = 85).
pub const N_INPUT: usize = 1 + NUM_RING * N_EACHRING + N_RULE;
/// Output channels: fixation, one ring (33).
pub const N_OUTPUT: usize = 1 + N_EACHRING;
/// Index of the first rule unit.
pub const RULE_START: usize = 1 + NUM_RING * N_EACHRING;
/// Angular error below which a response counts as correct: 0.2π rad (36°).
pub const PERF_THRESHOLD: f64 = 0.2 * PI;

/// Preferred direction of ring unit `k`: 2πk/32.
#[must_use]
pub fn preferred(k: usize) -> f64 {
    2.0 * PI * k as f64 / N_EACHRING as f64
}

/// Circular distance between two angles in `[0, π]`.
#[must_use]
pub fn circular_distance(a: f64, b: f64) -> f64 {
    let d = (a - b).abs() % (2.0 * PI);
    d.min(2.0 * PI - d)
}

/// The Gaussian bump on a ring for angle `theta`: `0.8·exp(−½ (dist/(π/8))²)` per unit (the
/// stimulus input, and what the response target adds to its 0.05 baseline).
#[must_use]
pub fn bump(theta: f64) -> [f64; N_EACHRING] {
    std::array::from_fn(|k| {
        let d = circular_distance(theta, preferred(k)) / (PI / 8.0);
        0.8 * (-0.5 * d * d).exp()
    })
}

/// Population-vector decode of ring outputs: `atan2(Σ y_k sin θ_k, Σ y_k cos θ_k) mod 2π`.
#[must_use]
pub fn decode_angle(ring: &[f32]) -> f64 {
    let (mut s, mut c) = (0.0, 0.0);
    for (k, &y) in ring.iter().enumerate() {
        let y = f64::from(y);
        s += y * preferred(k).sin();
        c += y * preferred(k).cos();
    }
    s.atan2(c).rem_euclid(2.0 * PI)
}

/// Per-trial correctness at the **last time step** (`get_perf` of the original code): a trial
/// that should fixate (location target −1) is correct when the fixation output is above 0.5;
/// one that should respond is correct when the fixation output is at most 0.5 and the decoded
/// angle is within [`PERF_THRESHOLD`] of the target.
///
/// # Errors
/// [`NetsError::Shape`] unless `outputs` is `[time, trial, 33]` like the batch's targets.
pub fn performance(outputs: ArrayView3<'_, f32>, batch: &TrialBatch) -> Result<Vec<bool>> {
    if outputs.shape() != batch.targets.shape() {
        return Err(NetsError::Shape {
            argument: "outputs",
            got: outputs.shape().to_vec(),
            expected: format!("{:?} (the batch's targets)", batch.targets.shape()),
        });
    }
    let last = batch.n_time().saturating_sub(1);
    Ok((0..batch.n_trials())
        .map(|b| {
            let y = outputs.slice(ndarray::s![last, b, ..]);
            let fixating = y[0] > 0.5;
            let target = batch.y_loc[[last, b]];
            if target < 0.0 {
                return fixating;
            }
            let ring: Vec<f32> = y.iter().skip(1).copied().collect();
            !fixating && circular_distance(decode_angle(&ring), target) < PERF_THRESHOLD
        })
        .collect())
}

/// The fraction of correct trials.
#[must_use]
pub fn fraction_correct(correct: &[bool]) -> f64 {
    if correct.is_empty() {
        return 0.0;
    }
    correct.iter().filter(|&&c| c).count() as f64 / correct.len() as f64
}
