//! The network: weights, biases, the coding of the states in the fields, the temperature and
//! the update schedule.
//!
//! Synchronous update (SPEC.md §7): z_i(s) = Σ_j W_ij u(y_j) + b_i and
//! P(y_i(t+1) = 1 | y(t) = s) = σ(z_i(s) / T), independently for every i, with σ the logistic
//! function and u(y) = y ([`Coding::Binary`], the SPEC form) or u(y) = 2y − 1
//! ([`Coding::Spin`]). Asynchronous update: one neuron, drawn uniformly, is updated by the same
//! rule; the others keep their state.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{NetsError, Result};

/// The most neurons a network may have (what [`Simulator`](super::Simulator) runs; the exact
/// and attractor computations, which enumerate the 2^N states, accept far fewer).
pub const MAX_NEURONS: usize = super::simulate::MAX_SIMULATED_NEURONS;

/// The most neurons whose states fit a `u64` bit pattern ([`BinaryNetwork::fields`]).
pub const MAX_STATE_NEURONS: usize = 63;

/// What a neuron contributes to the fields of the others.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coding {
    /// u(y) = y ∈ {0, 1} (SPEC.md §7; the default).
    #[default]
    Binary,
    /// u(y) = 2y − 1 ∈ {−1, +1} (the Ising / Hopfield convention).
    Spin,
}

impl Coding {
    /// u(y) for a neuron whose bit is `bit`.
    #[must_use]
    pub fn value(self, bit: bool) -> f64 {
        match (self, bit) {
            (_, true) => 1.0,
            (Self::Binary, false) => 0.0,
            (Self::Spin, false) => -1.0,
        }
    }
}

/// Which neurons update at each time step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Update {
    /// Every neuron at once, independently given the current state (the default).
    #[default]
    Synchronous,
    /// One neuron drawn uniformly at random; the others keep their state.
    Asynchronous,
}

/// A stochastic binary recurrent network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BinaryNetwork {
    /// `weights[[i, j]]` = W_ij, the weight from neuron j to neuron i.
    weights: Array2<f64>,
    /// b_i.
    bias: Array1<f64>,
    coding: Coding,
    temperature: f64,
    update: Update,
}

impl BinaryNetwork {
    /// A network with weights `W` (`N × N`, row i holds neuron i's incoming weights), biases `b`
    /// (`N`), the coding of the states, the temperature T > 0 and the update schedule.
    ///
    /// # Errors
    /// [`NetsError::Shape`] unless `W` is square with 1 ≤ N ≤ [`MAX_NEURONS`] and `b` has N
    /// entries; [`NetsError::InvalidParameter`] for a non-finite weight or bias (`weights`,
    /// `bias`) or a temperature that is not finite and > 0 (`temperature`).
    pub fn new(
        weights: Array2<f64>,
        bias: Array1<f64>,
        coding: Coding,
        temperature: f64,
        update: Update,
    ) -> Result<Self> {
        check_parameters(weights.view(), bias.view(), temperature, MAX_NEURONS)?;
        Ok(Self {
            weights,
            bias,
            coding,
            temperature,
            update,
        })
    }

    /// A synchronous network in the SPEC.md §7 form: binary coding, temperature 1.
    ///
    /// # Errors
    /// As [`BinaryNetwork::new`].
    pub fn synchronous(weights: Array2<f64>, bias: Array1<f64>) -> Result<Self> {
        Self::new(weights, bias, Coding::Binary, 1.0, Update::Synchronous)
    }

    /// Number of neurons N.
    #[must_use]
    pub fn n(&self) -> usize {
        self.bias.len()
    }

    /// Number of states, 2^N (saturating at `u64::MAX` for N ≥ 64).
    #[must_use]
    pub fn n_states(&self) -> u64 {
        u32::try_from(self.n())
            .ok()
            .and_then(|n| 1u64.checked_shl(n))
            .unwrap_or(u64::MAX)
    }

    /// The weights W (`N × N`, row i = neuron i's incoming weights).
    #[must_use]
    pub fn weights(&self) -> ArrayView2<'_, f64> {
        self.weights.view()
    }

    /// The biases b.
    #[must_use]
    pub fn bias(&self) -> ArrayView1<'_, f64> {
        self.bias.view()
    }

    /// The coding of the states in the fields.
    #[must_use]
    pub fn coding(&self) -> Coding {
        self.coding
    }

    /// The temperature T.
    #[must_use]
    pub fn temperature(&self) -> f64 {
        self.temperature
    }

    /// The update schedule.
    #[must_use]
    pub fn update(&self) -> Update {
        self.update
    }

    /// The same network with other weights and biases (the coding, temperature and schedule
    /// kept), e.g. a mutant in an evolution strategy.
    ///
    /// # Errors
    /// As [`BinaryNetwork::new`].
    pub fn with_parameters(&self, weights: Array2<f64>, bias: Array1<f64>) -> Result<Self> {
        Self::new(weights, bias, self.coding, self.temperature, self.update)
    }

    /// The fields z_i(s) = Σ_j W_ij u(y_j) + b_i of every neuron in state `s`, into `out`
    /// (length N). `s` is the bit pattern of a network of N ≤ [`MAX_STATE_NEURONS`]; in a
    /// larger one the neurons from 64 on count as off.
    pub fn fields(&self, s: u64, out: &mut [f64]) {
        let n = self.n();
        for (i, z) in out.iter_mut().enumerate().take(n) {
            let row = self.weights.row(i);
            let mut acc = self.bias[i];
            for (j, w) in row.iter().enumerate() {
                acc += w * self.coding.value(j < 64 && s >> j & 1 == 1);
            }
            *z = acc;
        }
    }

    /// P(y_i(t+1) = 1 | y(t) = s) = σ(z_i(s) / T) for every neuron, into `out` (length N): the
    /// probability that neuron i is on after it updates.
    pub fn fire_probabilities(&self, s: u64, out: &mut [f64]) {
        self.fields(s, out);
        let t = self.temperature;
        for p in out.iter_mut().take(self.n()) {
            *p = logistic(*p / t);
        }
    }
}

/// Check a network's parameters: `W` square with 1 ≤ N ≤ `max_neurons`, `b` with N entries,
/// every value finite, the temperature finite and > 0. Returns N.
///
/// # Errors
/// [`NetsError::Shape`] (`weights`, `bias`), [`NetsError::InvalidParameter`] (`weights`,
/// `bias`, `temperature`).
pub(crate) fn check_parameters(
    weights: ArrayView2<'_, f64>,
    bias: ArrayView1<'_, f64>,
    temperature: f64,
    max_neurons: usize,
) -> Result<usize> {
    let (rows, cols) = weights.dim();
    if rows != cols || rows == 0 || rows > max_neurons {
        return Err(NetsError::Shape {
            argument: "weights",
            got: vec![rows, cols],
            expected: format!("a square N × N matrix with 1 ≤ N ≤ {max_neurons}"),
        });
    }
    if bias.len() != rows {
        return Err(NetsError::Shape {
            argument: "bias",
            got: vec![bias.len()],
            expected: format!("[{rows}] (one bias per neuron)"),
        });
    }
    let first_bad = [
        ("weights", weights.iter().find(|v| !v.is_finite())),
        ("bias", bias.iter().find(|v| !v.is_finite())),
    ];
    for (name, bad) in first_bad {
        if let Some(v) = bad {
            return Err(NetsError::InvalidParameter {
                name,
                reason: format!("holds a non-finite value ({v})"),
            });
        }
    }
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(NetsError::InvalidParameter {
            name: "temperature",
            reason: format!("must be finite and > 0, got {temperature}"),
        });
    }
    Ok(rows)
}

/// σ(u) = 1 / (1 + e^(−u)), accurate in both tails.
#[must_use]
pub fn logistic(u: f64) -> f64 {
    if u >= 0.0 {
        1.0 / (1.0 + (-u).exp())
    } else {
        let e = u.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn fields_follow_the_coding() -> Result<()> {
        // Neuron 0 receives 2 from neuron 1; bias −1.
        let w = array![[0.0, 2.0], [0.0, 0.0]];
        let b = array![-1.0, 0.0];
        let binary = BinaryNetwork::synchronous(w.clone(), b.clone())?;
        let spin = BinaryNetwork::new(w, b, Coding::Spin, 1.0, Update::Synchronous)?;
        let mut z = [0.0; 2];
        binary.fields(0b00, &mut z);
        assert_eq!(z, [-1.0, 0.0]);
        binary.fields(0b10, &mut z);
        assert_eq!(z, [1.0, 0.0]);
        spin.fields(0b00, &mut z);
        assert_eq!(z, [-3.0, 0.0]);
        let mut p = [0.0; 2];
        binary.fire_probabilities(0b10, &mut p);
        assert!((p[0] - logistic(1.0)).abs() < 1e-15 && (p[1] - 0.5).abs() < 1e-15);
        Ok(())
    }

    #[test]
    fn bad_networks_are_refused_by_name() {
        let square = Array2::zeros((2, 2));
        let cases = [
            BinaryNetwork::synchronous(Array2::zeros((2, 3)), Array1::zeros(2)),
            BinaryNetwork::synchronous(square.clone(), Array1::zeros(3)),
            BinaryNetwork::synchronous(array![[0.0, f64::NAN], [0.0, 0.0]], Array1::zeros(2)),
            BinaryNetwork::new(
                square,
                Array1::zeros(2),
                Coding::Binary,
                0.0,
                Update::Synchronous,
            ),
        ];
        let names = ["weights", "bias", "weights", "temperature"];
        for (case, name) in cases.into_iter().zip(names) {
            let err = case.expect_err("refused").to_string();
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn logistic_is_accurate_in_the_tails() {
        assert!((logistic(0.0) - 0.5).abs() < 1e-16);
        assert!(logistic(-800.0).is_finite() && logistic(800.0) == 1.0);
        assert!((logistic(-40.0) - (-40.0f64).exp() / (1.0 + (-40.0f64).exp())).abs() < 1e-30);
        assert!((logistic(5.0) + logistic(-5.0) - 1.0).abs() < 1e-15);
    }
}
