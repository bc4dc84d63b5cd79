//! The Adam optimiser over flat parameter slices, as TensorFlow 1's `AdamOptimizer` applies it.
//!
//! Kingma & Ba (2015), in the form of TensorFlow's `ApplyAdam` kernel, which Yang et al. (2019)
//! trained with. At step $t = 1, 2, \dots$, for every parameter $\theta$ with gradient $g$:
//!
//! $$\mathrm{lr}_t = \mathrm{lr}\,\frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t},\qquad
//! m \leftarrow m + (1 - \beta_1)(g - m),\qquad v \leftarrow v + (1 - \beta_2)(g^2 - v),$$
//! $$\theta \leftarrow \theta - \mathrm{lr}_t\,\frac{m}{\sqrt{v} + \varepsilon}.$$
//!
//! The bias correction lives in $\mathrm{lr}_t$ and $\varepsilon$ is added to the uncorrected
//! $\sqrt{v}$ (TensorFlow's "epsilon hat"), not to $\sqrt{\hat v}$ as in the paper's Algorithm 1.
//! $\mathrm{lr}_t$ is computed in `f64` and rounded once; the element updates are `f32`.
//!
//! The whole optimiser state ([`AdamState`]: $t$, $m$, $v$) is serde-serialisable; JSON
//! round-trips `f32` exactly, so a run restored from a checkpoint continues bit for bit.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What went wrong in an Adam step or while restoring its state.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum AdamError {
    /// A hyperparameter is outside its allowed range.
    #[error("invalid Adam parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The hyperparameter's name.
        name: &'static str,
        /// What was wrong, with the value.
        reason: String,
    },
    /// The parameter and gradient lists (or the stored moments) do not match in number of
    /// tensors or in tensor length.
    #[error("Adam shape mismatch: {detail}")]
    ShapeMismatch {
        /// Which lists differ, and how.
        detail: String,
    },
}

/// Adam hyperparameters. Defaults are TensorFlow's and the paper's: learning rate $10^{-3}$,
/// $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdamConfig {
    /// Learning rate $\mathrm{lr} > 0$.
    pub learning_rate: f32,
    /// Decay of the first moment, $0 \le \beta_1 < 1$.
    pub beta1: f32,
    /// Decay of the second moment, $0 \le \beta_2 < 1$.
    pub beta2: f32,
    /// $\varepsilon > 0$, added to $\sqrt{v}$.
    pub epsilon: f32,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

impl AdamConfig {
    /// Check every hyperparameter's range.
    ///
    /// # Errors
    /// [`AdamError::InvalidParameter`] naming the first parameter out of range.
    pub fn validate(&self) -> Result<(), AdamError> {
        let positive = |name, x: f32| {
            if x.is_finite() && x > 0.0 {
                Ok(())
            } else {
                Err(AdamError::InvalidParameter {
                    name,
                    reason: format!("must be finite and > 0, got {x}"),
                })
            }
        };
        let decay = |name, x: f32| {
            if (0.0..1.0).contains(&x) {
                Ok(())
            } else {
                Err(AdamError::InvalidParameter {
                    name,
                    reason: format!("must lie in [0, 1), got {x}"),
                })
            }
        };
        positive("learning_rate", self.learning_rate)?;
        decay("beta1", self.beta1)?;
        decay("beta2", self.beta2)?;
        positive("epsilon", self.epsilon)
    }
}

/// The optimiser's state: the number of steps taken and the two moment estimates, one flat
/// vector per parameter tensor (empty before the first step).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdamState {
    /// Steps taken so far ($t$ of the last step).
    pub step: u64,
    /// First-moment estimates $m$, one vector per parameter tensor.
    pub m: Vec<Vec<f32>>,
    /// Second-moment estimates $v$, one vector per parameter tensor.
    pub v: Vec<Vec<f32>>,
}

/// The Adam optimiser: hyperparameters plus state. See the [module docs](self) for the update.
#[derive(Clone, Debug, PartialEq)]
pub struct Adam {
    config: AdamConfig,
    state: AdamState,
}

impl Adam {
    /// A fresh optimiser ($t = 0$; moments are allocated, as zeros, at the first step).
    ///
    /// # Errors
    /// [`AdamError::InvalidParameter`] when `config` fails [`AdamConfig::validate`].
    pub fn new(config: AdamConfig) -> Result<Self, AdamError> {
        Self::from_state(config, AdamState::default())
    }

    /// An optimiser resuming from a saved `state`.
    ///
    /// # Errors
    /// [`AdamError::InvalidParameter`] for a bad `config`; [`AdamError::ShapeMismatch`] when the
    /// state's `m` and `v` differ in tensor count or lengths, or are empty after a step.
    pub fn from_state(config: AdamConfig, state: AdamState) -> Result<Self, AdamError> {
        config.validate()?;
        let lengths = |x: &[Vec<f32>]| x.iter().map(Vec::len).collect::<Vec<_>>();
        if lengths(&state.m) != lengths(&state.v) {
            return Err(AdamError::ShapeMismatch {
                detail: format!(
                    "state m has tensor lengths {:?} but v has {:?}",
                    lengths(&state.m),
                    lengths(&state.v)
                ),
            });
        }
        if state.step > 0 && state.m.is_empty() {
            return Err(AdamError::ShapeMismatch {
                detail: format!("state is at step {} but holds no moments", state.step),
            });
        }
        Ok(Self { config, state })
    }

    /// The hyperparameters.
    #[must_use]
    pub fn config(&self) -> &AdamConfig {
        &self.config
    }

    /// The state, for checkpointing.
    #[must_use]
    pub fn state(&self) -> &AdamState {
        &self.state
    }

    /// The number of steps taken.
    #[must_use]
    pub fn step_count(&self) -> u64 {
        self.state.step
    }

    /// The bias-corrected step size $\mathrm{lr}_t$ for step `t` ($\ge 1$).
    #[must_use]
    pub fn corrected_learning_rate(&self, t: u64) -> f32 {
        #[allow(clippy::cast_precision_loss)]
        let tf = t as f64;
        let c = &self.config;
        let b1 = 1.0 - f64::from(c.beta1).powf(tf);
        let b2 = 1.0 - f64::from(c.beta2).powf(tf);
        #[allow(clippy::cast_possible_truncation)]
        let lr_t = (f64::from(c.learning_rate) * b2.sqrt() / b1) as f32;
        lr_t
    }

    /// One update of every tensor in `params` with the matching tensor of `grads`.
    ///
    /// The lists must keep the same order and lengths from step to step (the first step fixes
    /// them). Nothing is modified when they do not match.
    ///
    /// # Errors
    /// [`AdamError::ShapeMismatch`] when `params` and `grads` (or the stored moments) differ in
    /// tensor count or in any tensor's length.
    pub fn step(&mut self, params: &mut [&mut [f32]], grads: &[&[f32]]) -> Result<(), AdamError> {
        self.check_shapes(params, grads)?;
        if self.state.m.is_empty() {
            self.state.m = grads.iter().map(|g| vec![0.0; g.len()]).collect();
            self.state.v = self.state.m.clone();
        }
        self.state.step += 1;
        let lr_t = self.corrected_learning_rate(self.state.step);
        let (one_minus_b1, one_minus_b2) = (1.0 - self.config.beta1, 1.0 - self.config.beta2);
        let eps = self.config.epsilon;
        let tensors = params
            .iter_mut()
            .zip(grads)
            .zip(self.state.m.iter_mut().zip(self.state.v.iter_mut()));
        for ((theta, g), (m, v)) in tensors {
            let elements = theta
                .iter_mut()
                .zip(g.iter())
                .zip(m.iter_mut().zip(v.iter_mut()));
            for ((theta, &g), (m, v)) in elements {
                *m += (g - *m) * one_minus_b1;
                *v += (g * g - *v) * one_minus_b2;
                *theta -= lr_t * *m / (v.sqrt() + eps);
            }
        }
        Ok(())
    }

    /// Checks without allocating (the error path formats the lengths).
    fn check_shapes(&self, params: &[&mut [f32]], grads: &[&[f32]]) -> Result<(), AdamError> {
        let p_len = || params.iter().map(|p| p.len()).collect::<Vec<_>>();
        let g_len = || grads.iter().map(|g| g.len()).collect::<Vec<_>>();
        let same = params.len() == grads.len()
            && params.iter().zip(grads).all(|(p, g)| p.len() == g.len());
        if !same {
            return Err(AdamError::ShapeMismatch {
                detail: format!(
                    "parameter lengths {:?} but gradient lengths {:?}",
                    p_len(),
                    g_len()
                ),
            });
        }
        let m = &self.state.m;
        let fits = m.is_empty()
            || (m.len() == params.len() && m.iter().zip(params).all(|(m, p)| m.len() == p.len()));
        if !fits {
            let m_len: Vec<usize> = m.iter().map(Vec::len).collect();
            return Err(AdamError::ShapeMismatch {
                detail: format!(
                    "parameter lengths {:?} but optimiser state has {m_len:?}",
                    p_len()
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The update written out in f64, straight from Kingma & Ba with TensorFlow's epsilon.
    fn reference(theta0: &[f64], grads: &[Vec<f64>], c: AdamConfig) -> Vec<f64> {
        let (b1, b2) = (f64::from(c.beta1), f64::from(c.beta2));
        let (lr, eps) = (f64::from(c.learning_rate), f64::from(c.epsilon));
        let mut theta = theta0.to_vec();
        let mut m = vec![0.0; theta.len()];
        let mut v = vec![0.0; theta.len()];
        for (t, g) in grads.iter().enumerate() {
            let t = (t + 1) as i32;
            let lr_t = lr * (1.0 - b2.powi(t)).sqrt() / (1.0 - b1.powi(t));
            for i in 0..theta.len() {
                m[i] = b1 * m[i] + (1.0 - b1) * g[i];
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                theta[i] -= lr_t * m[i] / (v[i].sqrt() + eps);
            }
        }
        theta
    }

    #[test]
    fn matches_the_formula_by_hand() {
        // First step by hand: m = 0.1 g, v = 0.001 g², lr_1 = lr·√0.001/0.1, so
        // θ₁ = θ₀ − lr·sign(g) (up to ε): the first Adam step has size lr whatever |g|.
        let c = AdamConfig::default();
        let mut adam = Adam::new(c).unwrap();
        let mut a = [1.0_f32, -2.0];
        let mut b = [0.5_f32];
        adam.step(&mut [&mut a, &mut b], &[&[4.0, -0.01], &[1e-3]])
            .unwrap();
        assert!((a[0] - 0.999).abs() < 1e-6, "{}", a[0]);
        assert!((a[1] + 1.999).abs() < 1e-6, "{}", a[1]);
        assert!((b[0] - 0.499).abs() < 1e-6, "{}", b[0]);

        // Several steps with changing gradients against the f64 reference.
        let c = AdamConfig {
            learning_rate: 0.05,
            ..AdamConfig::default()
        };
        let grads: Vec<Vec<f64>> = (0..25)
            .map(|t| vec![(t as f64 * 0.7).sin(), 0.3 - 0.02 * t as f64, 1e-4])
            .collect();
        let theta0 = [0.2, -1.0, 3.0];
        let expected = reference(&theta0, &grads, c);
        let mut adam = Adam::new(c).unwrap();
        let mut theta: Vec<f32> = theta0.iter().map(|&x| x as f32).collect();
        for g in &grads {
            let g32: Vec<f32> = g.iter().map(|&x| x as f32).collect();
            adam.step(&mut [&mut theta], &[&g32]).unwrap();
        }
        assert_eq!(adam.step_count(), 25);
        for (got, want) in theta.iter().zip(&expected) {
            assert!((f64::from(*got) - want).abs() < 1e-5, "{got} vs {want}");
        }
    }

    #[test]
    fn minimises_a_quadratic() {
        // f(θ) = Σ kᵢ (θᵢ − cᵢ)², badly conditioned on purpose.
        let k = [100.0_f32, 1.0, 0.01];
        let centre = [1.0_f32, -2.0, 0.5];
        let mut theta = [0.0_f32; 3];
        let mut adam = Adam::new(AdamConfig {
            learning_rate: 0.05,
            ..AdamConfig::default()
        })
        .unwrap();
        for _ in 0..3000 {
            let g: Vec<f32> = (0..3)
                .map(|i| 2.0 * k[i] * (theta[i] - centre[i]))
                .collect();
            adam.step(&mut [&mut theta], &[&g]).unwrap();
        }
        for i in 0..3 {
            assert!((theta[i] - centre[i]).abs() < 1e-2, "{theta:?}");
        }
    }

    #[test]
    fn resumes_bit_exactly_from_serialised_state() {
        let grad = |t: usize| -> Vec<f32> { (0..7).map(|i| ((t * 7 + i) as f32).cos()).collect() };
        let c = AdamConfig::default();
        let mut straight = Adam::new(c).unwrap();
        let mut theta_straight = vec![0.1_f32; 7];
        for t in 0..20 {
            straight
                .step(&mut [&mut theta_straight], &[&grad(t)])
                .unwrap();
        }
        let mut first = Adam::new(c).unwrap();
        let mut theta = vec![0.1_f32; 7];
        for t in 0..10 {
            first.step(&mut [&mut theta], &[&grad(t)]).unwrap();
        }
        let json = serde_json::to_string(first.state()).unwrap();
        let mut resumed = Adam::from_state(c, serde_json::from_str(&json).unwrap()).unwrap();
        for t in 10..20 {
            resumed.step(&mut [&mut theta], &[&grad(t)]).unwrap();
        }
        assert_eq!(resumed.state(), straight.state());
        let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&theta), bits(&theta_straight));
    }

    #[test]
    fn rejects_mismatched_shapes_and_bad_parameters() {
        let mut adam = Adam::new(AdamConfig::default()).unwrap();
        let mut p = [0.0_f32; 3];
        let err = adam.step(&mut [&mut p], &[&[1.0, 2.0]]).unwrap_err();
        assert!(matches!(err, AdamError::ShapeMismatch { .. }));
        assert_eq!(adam.step_count(), 0);
        adam.step(&mut [&mut p], &[&[1.0, 2.0, 3.0]]).unwrap();
        let mut q = [0.0_f32; 4];
        let err = adam.step(&mut [&mut q], &[&[0.0; 4]]).unwrap_err();
        assert!(matches!(err, AdamError::ShapeMismatch { .. }));

        for (name, c) in [
            (
                "learning_rate",
                AdamConfig {
                    learning_rate: 0.0,
                    ..AdamConfig::default()
                },
            ),
            (
                "beta1",
                AdamConfig {
                    beta1: 1.0,
                    ..AdamConfig::default()
                },
            ),
            (
                "beta2",
                AdamConfig {
                    beta2: -0.1,
                    ..AdamConfig::default()
                },
            ),
            (
                "epsilon",
                AdamConfig {
                    epsilon: f32::NAN,
                    ..AdamConfig::default()
                },
            ),
        ] {
            match Adam::new(c) {
                Err(AdamError::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
                other => panic!("{name}: {other:?}"),
            }
        }
        let bad = AdamState {
            step: 1,
            m: vec![vec![0.0; 2]],
            v: vec![vec![0.0; 3]],
        };
        assert!(Adam::from_state(AdamConfig::default(), bad).is_err());
    }
}
