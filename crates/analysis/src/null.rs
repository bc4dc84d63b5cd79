//! Surrogate nulls per time step: the observed value against the same label permutations at
//! every step, summarised into [`NullSummary`] with the estimators crate's p-value, quantile
//! and mean.

use infoscope_estimators::significance::{mean_std, p_value, quantile};

use crate::results::NullSummary;

/// One step's test: the null's mean, 95th percentile and the p-value of `observed`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct StepNull {
    pub mean: f64,
    pub q95: f64,
    pub p: f64,
}

impl StepNull {
    /// The test of `observed` against the surrogate values `null` (non-empty).
    pub fn of(observed: f64, null: &[f64]) -> Self {
        let mut sorted = null.to_vec();
        sorted.sort_by(f64::total_cmp);
        Self {
            mean: mean_std(null).0,
            q95: quantile(&sorted, 0.95),
            p: p_value(null, observed),
        }
    }

    /// The null of an exactly known value (e.g. I(T; Y) = 0 for a constant Y): every
    /// surrogate equals it.
    pub fn exact(value: f64) -> Self {
        Self {
            mean: value,
            q95: value,
            p: 1.0,
        }
    }
}

impl StepNull {
    /// The place of a missing value's test: NaN everywhere (written `null`).
    pub fn missing() -> Self {
        Self {
            mean: f64::NAN,
            q95: f64::NAN,
            p: f64::NAN,
        }
    }
}

/// The per-step tests of one curve as a [`NullSummary`].
pub(crate) fn summary(steps: &[StepNull], n_surrogates: usize) -> NullSummary {
    NullSummary {
        surrogate: "permutation of the labels across trials (the same permutations at every step)"
            .into(),
        n_surrogates,
        mean: steps.iter().map(|s| s.mean).collect(),
        q95: steps.iter().map(|s| s.q95).collect(),
        p_values: steps.iter().map(|s| s.p).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_value_and_quantile() {
        let null: Vec<f64> = (0..100).map(f64::from).collect();
        let s = StepNull::of(97.5, &null);
        assert!((s.p - 3.0 / 101.0).abs() < 1e-15);
        assert!((s.q95 - 94.05).abs() < 1e-12);
        assert!((s.mean - 49.5).abs() < 1e-12);
        assert_eq!(StepNull::of(1000.0, &null).p, 1.0 / 101.0);
        assert_eq!(StepNull::of(-1.0, &null).p, 1.0);
    }
}
