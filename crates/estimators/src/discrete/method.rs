//! The discrete family in the estimator specification: [`Binned`] and [`PlugIn`] as
//! [`Method`]s.

use ndarray::ArrayView2;

use super::binned::{Binned, BinnedParams, MIN_ROWS_PER_SYMBOL, VariableKind};
use super::plugin::{PlugIn, PlugInParams};
use super::{PerUnitMi, PerUnitTest};
use crate::error::Result;
use crate::estimate::{Estimate, Outcome, Quantity};
use crate::significance::{Surrogate, SurrogateTest};
use crate::spec::method::{point_surrogate_test, unsupported_quantity};
use crate::spec::{Data, EstimatorSpec, Method, Params, Variable};
use crate::traits::MutualInformation;

impl Params for BinnedParams {
    const METHOD: &'static str = super::binned::METHOD;
    const SUMMARY: &'static str =
        "binning (or labels) then plug-in entropies: entropy, MI, conditional MI, per unit";
    const FIELDS: &'static [&'static str] = &["policy", "correction", "y_kind", "x_kind"];
    const PER_UNIT: bool = true;

    fn template() -> Self {
        Self::default()
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }

    /// With `x_kind`, which serialisation leaves out at its default.
    fn to_fields(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let (Some(map), Ok(kind)) = (value.as_object_mut(), serde_json::to_value(self.x_kind)) {
            map.insert("x_kind".into(), kind);
        }
        value
    }
}

/// Whether a variable is read as labels under `kind`, and under `auto` by its value type.
fn reads_labels(kind: VariableKind, v: &Variable<'_>) -> bool {
    match kind {
        VariableKind::Labels => true,
        VariableKind::Continuous => false,
        VariableKind::Auto => v.is_integer(),
    }
}

/// `Labels` or `Continuous`, as `labels` says.
fn resolved(labels: bool) -> VariableKind {
    if labels {
        VariableKind::Labels
    } else {
        VariableKind::Continuous
    }
}

impl Binned {
    /// Whether `v` (Y or Z) is read as labels: by `y_kind`, and under `auto` by its value type.
    fn reads_labels(&self, v: &Variable<'_>) -> bool {
        reads_labels(self.params.y_kind, v)
    }

    /// Whether X is read as symbols: by `x_kind`, and under `auto` by its value type.
    fn reads_x_labels(&self, x: &Variable<'_>) -> bool {
        reads_labels(self.params.x_kind, x)
    }

    /// This estimator with `x_kind` (and `y_kind`, when `y` is given) resolved for the
    /// variables, for the paths on plain values ([`MutualInformation`], per unit).
    fn resolved_for(&self, x: &Variable<'_>, y: Option<&Variable<'_>>) -> Binned {
        let mut params = self.params.x_kind(resolved(self.reads_x_labels(x)));
        if let Some(y) = y {
            params = params.y_kind(resolved(self.reads_labels(y)));
        }
        Binned { params }
    }

    /// The warning of an integer X read as symbols under `auto` with fewer than
    /// [`MIN_ROWS_PER_SYMBOL`] rows per symbol on average.
    fn many_symbols_warning(&self, x: &Variable<'_>, est: Estimate) -> Estimate {
        let n = x.values().nrows();
        let symbols = est
            .diagnostic("n_symbols_x")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if self.params.x_kind != VariableKind::Auto
            || !x.is_integer()
            || symbols.saturating_mul(MIN_ROWS_PER_SYMBOL as u64) <= n as u64
        {
            return est;
        }
        est.with_warning(format!(
            "the integer-typed `x` was read as symbols (x_kind = \"auto\") and has {symbols} \
             distinct values in {n} rows, fewer than {MIN_ROWS_PER_SYMBOL} rows per symbol: \
             the plug-in estimate is biased upwards; set x_kind = \"continuous\" to bin it"
        ))
    }
}

impl Method for Binned {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Binned(self.params)
    }

    fn reads_as(&self, argument: &str, variable: &Variable<'_>) -> &'static str {
        let labels = if argument == "x" {
            self.reads_x_labels(variable)
        } else {
            self.reads_labels(variable)
        };
        if labels { "labels" } else { "binned" }
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
        let mut args = vec![("x", data.x.values(), self.reads_x_labels(&data.x))];
        for (name, v) in [("y", data.y), ("z", data.z)] {
            if let Some(v) = v {
                args.push((name, v.values(), self.reads_labels(&v)));
            }
        }
        // Every quantity is a signed sum of plug-in entropies of the symbols.
        let est = self.run(quantity, &args)?;
        Ok(Outcome::Point(self.many_symbols_warning(&data.x, est)))
    }

    /// Through [`MutualInformation::prepare_reordering`]: the symbols of X and Y are made once.
    fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        let y = data.need_y(Quantity::MutualInformation)?;
        let est = self.resolved_for(&data.x, Some(&y));
        let t = point_surrogate_test(&est, data, kind, n_surrogates, seed)?;
        // The estimate as this estimator records it (`x_kind`, `y_kind` as given, e.g.
        // `auto`), with its warnings.
        Ok(t.map(|mut t| {
            t.estimate.config = self.config_json();
            t.estimate = self.many_symbols_warning(&data.x, t.estimate);
            t
        }))
    }

    fn per_unit(&self, x: Variable<'_>, y: Variable<'_>) -> Result<PerUnitMi> {
        let labels = y.labels("y")?;
        let est = self.resolved_for(&x, None);
        let mut mi = Binned::per_unit(&est, x.values(), labels.view())?;
        mi.config = self.config_json();
        Ok(mi)
    }

    fn per_unit_test(
        &self,
        x: Variable<'_>,
        y: Variable<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<PerUnitTest> {
        let labels = y.labels("y")?;
        let est = self.resolved_for(&x, None);
        let mut t =
            Binned::per_unit_test(&est, x.values(), labels.view(), kind, n_surrogates, seed)?;
        t.mi.config = self.config_json();
        Ok(t)
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
