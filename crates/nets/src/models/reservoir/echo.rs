//! The echo-state-property check: two different initial states, the same input; the distance
//! between the two trajectories must decay (SPEC.md §4).

use ndarray::{Array2, ArrayView2, ArrayView3, Axis, ShapeError, concatenate, s};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::{Reservoir, derive_seed};
use crate::error::{NetsError, Result};

/// Distances between two trajectories of a [`Reservoir`] driven by the same input from two
/// different initial states.
///
/// Distances are Euclidean norms over the N units, `‖r_a(t) − r_b(t)‖`, in state units (the
/// states lie in (−1, 1)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EchoStateReport {
    /// Mean over trials of the distance between the two initial states.
    pub initial_distance: f64,
    /// Mean over trials of the distance after each step `t` (length T).
    pub mean_distance: Vec<f64>,
    /// Largest distance over trials after each step `t` (length T).
    pub max_distance: Vec<f64>,
}

impl EchoStateReport {
    /// Largest distance over trials after the last step (the initial distance for T = 0).
    #[must_use]
    pub fn final_distance(&self) -> f64 {
        self.max_distance
            .last()
            .copied()
            .unwrap_or(self.initial_distance)
    }

    /// Initial distance over final largest distance: how many times the gap shrank
    /// (`+∞` when the trajectories became identical).
    #[must_use]
    pub fn decay_factor(&self) -> f64 {
        self.initial_distance / self.final_distance()
    }

    /// Whether, after the last step, every trial's distance is at most `relative_tolerance`
    /// times the mean initial distance.
    #[must_use]
    pub fn decayed_below(&self, relative_tolerance: f64) -> bool {
        self.final_distance() <= relative_tolerance * self.initial_distance
    }

    /// The first step after which every trial's distance is at most `relative_tolerance`
    /// times the mean initial distance, if any.
    #[must_use]
    pub fn first_step_below(&self, relative_tolerance: f64) -> Option<usize> {
        let bound = relative_tolerance * self.initial_distance;
        self.max_distance.iter().position(|d| *d <= bound)
    }
}

impl Reservoir {
    /// Runs the reservoir noise-free through `inputs [T, B, n_input]` from two initial states
    /// per trial, each drawn uniformly from (−1, 1)^N (the range of tanh) with streams derived
    /// from `seed`, and records the distance between the two trajectories after every step.
    /// The number of steps is the inputs' T.
    ///
    /// # Errors
    ///
    /// [`NetsError::Shape`] if the input width is not `n_input`;
    /// [`NetsError::Numerical`] for non-finite inputs.
    pub fn echo_state_check(
        &self,
        inputs: ArrayView3<'_, f32>,
        seed: u64,
    ) -> Result<EchoStateReport> {
        self.check_inputs(inputs)?;
        let batch = inputs.shape()[1];
        let n = self.config.n_rnn;
        let draw = |stream: u64| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, stream));
            Array2::from_shape_simple_fn((batch, n), || rng.random_range(-1.0..1.0))
        };
        let (a, b) = (draw(0), draw(1));
        let initial_distance =
            row_distances(a.view(), b.view()).iter().sum::<f64>() / batch.max(1) as f64;

        // Both copies run as one stacked batch of 2B trials: rows 0..B start from `a`,
        // rows B..2B from `b`.
        let stacked_inputs = concatenate(Axis(1), &[inputs, inputs]).map_err(stack_error)?;
        let stacked_initial = concatenate(Axis(0), &[a.view(), b.view()]).map_err(stack_error)?;
        let mut mean_distance = Vec::with_capacity(inputs.shape()[0]);
        let mut max_distance = Vec::with_capacity(inputs.shape()[0]);
        self.simulate(
            stacked_inputs.view(),
            stacked_initial,
            None,
            0,
            |_, state| {
                let d = row_distances(state.slice(s![..batch, ..]), state.slice(s![batch.., ..]));
                mean_distance.push(d.iter().sum::<f64>() / batch.max(1) as f64);
                max_distance.push(d.iter().copied().fold(0.0, f64::max));
            },
        );
        Ok(EchoStateReport {
            initial_distance,
            mean_distance,
            max_distance,
        })
    }
}

/// Euclidean distance between corresponding rows.
fn row_distances(a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>) -> Vec<f64> {
    a.outer_iter()
        .zip(b.outer_iter())
        .map(|(x, y)| {
            x.iter()
                .zip(&y)
                .map(|(p, q)| (p - q).powi(2))
                .sum::<f64>()
                .sqrt()
        })
        .collect()
}

/// Stacking two copies of validated arrays cannot fail; map the impossible error anyway.
fn stack_error(e: ShapeError) -> NetsError {
    NetsError::Numerical {
        what: "echo-state check",
        detail: format!("cannot stack the two trajectories: {e}"),
    }
}
