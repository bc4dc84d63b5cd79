//! The Kolchinsky–Tracey bounds in the estimator specification: [`KolchinskyTracey`] as a
//! [`Method`] whose estimates are [`Outcome::Bounds`], and as [`MiBounds`].

use ndarray::ArrayView2;

use super::hyperparams::{KolchinskyTracey, KtParams};
use super::kernel::DEFAULT_TILE;
use crate::error::{EstimatorError, Result};
use crate::estimate::{Bounds, Estimate, Outcome, Quantity};
use crate::significance::{BootstrapCi, Surrogate, SurrogateTest};
use crate::spec::method::{bootstrap_quantity, unsupported_quantity};
use crate::spec::{Data, EstimatorSpec, Method, Params, Variable};
use crate::traits::MiBounds;

impl Params for KtParams {
    const METHOD: &'static str = super::bounds::METHOD;
    const SUMMARY: &'static str = "Kolchinsky–Tracey lower and upper bounds for a noisy layer \
         T = X + N(0, σ²I): I(input; T), H(T), I(T; Y) for labels Y";
    const FIELDS: &'static [&'static str] = &["noise_var", "tile"];

    /// A placeholder noise variance (the parameter has no default).
    fn template() -> Self {
        KtParams {
            noise_var: 1.0,
            tile: DEFAULT_TILE,
        }
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }
}

impl Method for KolchinskyTracey {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Kt(self.params)
    }

    /// I(input; T) first: what one variable (the layer) asks of a noisy layer.
    fn quantities(&self) -> &'static [Quantity] {
        &[
            Quantity::InputInformation,
            Quantity::Entropy,
            Quantity::MutualInformation,
        ]
    }

    fn takes_weights(&self) -> bool {
        true
    }

    fn reads_as(&self, argument: &str, _variable: &Variable<'_>) -> &'static str {
        if argument == "x" {
            "noisy-layer means"
        } else {
            "labels"
        }
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        let (h, w) = (data.x.values(), data.weights);
        let b = match quantity {
            Quantity::InputInformation => self.mi_input_bounds(h, w),
            Quantity::Entropy => self.entropy_bounds(h, w),
            Quantity::MutualInformation => {
                let labels = data.need_y(quantity)?.labels("y")?;
                self.mi_label_bounds(h, labels.view(), w)
            }
            other => return Err(unsupported_quantity(self, other)),
        };
        Ok(Outcome::Bounds(b.map_err(layer_is_x)?))
    }

    /// Relabelings share one sweep over the pairwise distances per 32 of them.
    fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        let labels = data.need_y(Quantity::MutualInformation)?.labels("y")?;
        let t = self
            .label_surrogate_test(
                data.x.values(),
                labels.view(),
                data.weights,
                kind,
                n_surrogates,
                seed,
            )
            .map_err(layer_is_x)?;
        Ok(Outcome::Bounds(t))
    }

    fn bootstrap_ci(
        &self,
        quantity: Quantity,
        data: &Data<'_>,
        n_resamples: usize,
        level: f64,
        seed: u64,
    ) -> Result<Outcome<BootstrapCi>> {
        bootstrap_quantity(self, quantity)?;
        let (h, w) = (data.x.values(), data.weights);
        let b = match quantity {
            Quantity::MutualInformation => {
                let labels = data.need_y(quantity)?.labels("y")?;
                self.label_bootstrap_ci(h, labels.view(), w, n_resamples, level, seed)
            }
            Quantity::InputInformation => self.input_bootstrap_ci(h, w, n_resamples, level, seed),
            other => return Err(unsupported_quantity(self, other)),
        };
        Ok(Outcome::Bounds(b.map_err(layer_is_x)?))
    }
}

/// The layer is argument `h` of the kernels and `x` of the specification: errors name it `x`,
/// with the row mismatches of `y` and `weights` stated against `x`.
fn layer_is_x(err: EstimatorError) -> EstimatorError {
    let rename = |a: &'static str| if a == "h" { "x" } else { a };
    match err {
        EstimatorError::Empty {
            argument,
            rows,
            cols,
        } => EstimatorError::Empty {
            argument: rename(argument),
            rows,
            cols,
        },
        EstimatorError::NonFinite {
            argument,
            row,
            col,
            value,
        } => EstimatorError::NonFinite {
            argument: rename(argument),
            row,
            col,
            value,
        },
        EstimatorError::TooFewSamples {
            argument,
            needed,
            got,
        } => EstimatorError::TooFewSamples {
            argument: rename(argument),
            needed,
            got,
        },
        EstimatorError::ShapeMismatch {
            argument,
            other,
            what,
            expected,
            got,
        } => EstimatorError::ShapeMismatch {
            argument: rename(argument),
            other: rename(other),
            what,
            expected,
            got,
        },
        other => other,
    }
}

impl MiBounds for KolchinskyTracey {
    /// Bounds on I(T;Y) for the layer `x` (T = x + noise) and integer labels `y` (one column,
    /// or several read as joint labels).
    fn mi_bounds(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
    ) -> Result<Bounds<Estimate>> {
        let labels = Variable::integer(y).labels("y")?;
        self.mi_label_bounds(x, labels.view(), None)
    }
}
