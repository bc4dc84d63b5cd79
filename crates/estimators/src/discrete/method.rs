//! The discrete family in the estimator specification: [`Binned`] and [`PlugIn`] as
//! [`Method`]s.

use ndarray::ArrayView2;

use super::binned::{Binned, BinnedParams, YKind};
use super::plugin::{PlugIn, PlugInParams};
use super::{PerUnitMi, PerUnitTest};
use crate::error::Result;
use crate::estimate::{Outcome, Quantity};
use crate::significance::{Surrogate, SurrogateTest};
use crate::spec::method::{point_surrogate_test, unsupported_quantity};
use crate::spec::{Data, EstimatorSpec, Method, Params, Variable};
use crate::traits::MutualInformation;

impl Params for BinnedParams {
    const METHOD: &'static str = super::binned::METHOD;
    const SUMMARY: &'static str =
        "binning (or labels) then plug-in entropies: entropy, MI, conditional MI, per unit";
    const FIELDS: &'static [&'static str] = &["policy", "correction", "y_kind"];
    const PER_UNIT: bool = true;

    fn template() -> Self {
        Self::default()
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }
}

impl Binned {
    /// Whether `v` (Y or Z) is read as labels: by `y_kind`, and under `auto` by its value type.
    fn reads_labels(&self, v: &Variable<'_>) -> bool {
        match self.params.y_kind {
            YKind::Labels => true,
            YKind::Continuous => false,
            YKind::Auto => v.is_integer(),
        }
    }

    /// This estimator with `y_kind` resolved for `y`, for the [`MutualInformation`] paths.
    fn resolved_for(&self, y: &Variable<'_>) -> Binned {
        let y_kind = if self.reads_labels(y) {
            YKind::Labels
        } else {
            YKind::Continuous
        };
        Binned {
            params: self.params.y_kind(y_kind),
        }
    }
}

impl Method for Binned {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Binned(self.params)
    }

    fn reads_as(&self, argument: &str, variable: &Variable<'_>) -> &'static str {
        if argument != "x" && self.reads_labels(variable) {
            "labels"
        } else {
            "binned"
        }
    }

    fn quantities(&self) -> &'static [Quantity] {
        &[
            Quantity::Entropy,
            Quantity::MutualInformation,
            Quantity::ConditionalMutualInformation,
            Quantity::JointEntropy,
            Quantity::ConditionalEntropy,
            Quantity::InputInformation,
        ]
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        let mut args = vec![("x", data.x.values(), false)];
        for (name, v) in [("y", data.y), ("z", data.z)] {
            if let Some(v) = v {
                args.push((name, v.values(), self.reads_labels(&v)));
            }
        }
        // Every quantity is a signed sum of plug-in entropies of the symbols.
        Ok(Outcome::Point(self.run(quantity, &args)?))
    }

    /// Through [`MutualInformation::prepare_reordering`]: the symbols of X and Y are made once.
    fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        let est = self.resolved_for(&data.need_y(Quantity::MutualInformation)?);
        let t = point_surrogate_test(&est, data, kind, n_surrogates, seed)?;
        // The estimate as this estimator records it (`y_kind` as given, e.g. `auto`).
        Ok(t.map(|mut t| {
            t.estimate.config = self.config_json();
            t
        }))
    }

    fn per_unit(&self, x: ArrayView2<'_, f64>, y: Variable<'_>) -> Result<PerUnitMi> {
        let labels = y.labels("y")?;
        Binned::per_unit(self, x, labels.view())
    }

    fn per_unit_test(
        &self,
        x: ArrayView2<'_, f64>,
        y: Variable<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<PerUnitTest> {
        let labels = y.labels("y")?;
        Binned::per_unit_test(self, x, labels.view(), kind, n_surrogates, seed)
    }
}

impl Params for PlugInParams {
    const METHOD: &'static str = super::plugin::METHOD;
    const SUMMARY: &'static str = "plug-in entropies of integer symbols: entropy, joint and conditional entropy, MI, conditional MI";
    const FIELDS: &'static [&'static str] = &["correction"];

    fn template() -> Self {
        Self::default()
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }
}

impl Method for PlugIn {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Plugin(self.config())
    }

    fn reads_as(&self, _argument: &str, _variable: &Variable<'_>) -> &'static str {
        "symbols"
    }

    fn quantities(&self) -> &'static [Quantity] {
        &[
            Quantity::Entropy,
            Quantity::MutualInformation,
            Quantity::ConditionalMutualInformation,
            Quantity::JointEntropy,
            Quantity::ConditionalEntropy,
        ]
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        let x = data.x.symbols("x")?;
        let sym =
            |name: &'static str, v: Option<Variable<'_>>| v.map(|v| v.symbols(name)).transpose();
        let (y, z) = (sym("y", data.y)?, sym("z", data.z)?);
        let mut args: Vec<(&'static str, ArrayView2<'_, i64>)> = vec![("x", x.view())];
        for (name, a) in [("y", &y), ("z", &z)] {
            if let Some(a) = a {
                args.push((name, a.view()));
            }
        }
        match quantity {
            Quantity::Entropy
            | Quantity::MutualInformation
            | Quantity::ConditionalMutualInformation
            | Quantity::JointEntropy
            | Quantity::ConditionalEntropy => Ok(Outcome::Point(self.run(quantity, &args)?)),
            other => Err(unsupported_quantity(self, other)),
        }
    }
}

impl MutualInformation for PlugIn {
    /// I(X;Y) of integer symbols given as `f64` (each value must be an integer).
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<crate::Estimate> {
        let (x, y) = (crate::spec::symbols("x", x)?, crate::spec::symbols("y", y)?);
        self.mutual_information(x.view(), y.view())
    }
}
