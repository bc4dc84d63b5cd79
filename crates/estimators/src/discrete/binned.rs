//! [`Binned`]: the binning estimator for continuous activity.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::binning::BinPolicy;
use super::entropy::BiasCorrection;
use super::measures::{Vars, measure};
use super::symbols::{SymbolIds, ids_of_column, ids_of_rows};
use crate::error::Result;
use crate::estimate::{Estimate, Quantity};
use crate::traits::{ConditionalMutualInformation, Entropy, MutualInformation, ReorderedMi};
use crate::validate::{check_labels, check_matrix, check_same_rows};

/// Unchecked parameters of [`Binned`].
///
/// Defaults: `policy = PerUnitMinMax { n_bins: 10 }`, `correction = None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BinnedParams {
    /// How continuous values become bins.
    pub policy: BinPolicy,
    /// The bias correction of the plug-in entropies (default: none).
    pub correction: BiasCorrection,
}

impl BinnedParams {
    /// Set the binning policy.
    #[must_use]
    pub fn policy(mut self, policy: BinPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Set the bias correction.
    #[must_use]
    pub fn correction(mut self, correction: BiasCorrection) -> Self {
        self.correction = correction;
        self
    }

    /// Validate the parameters.
    pub fn check(self) -> Result<Binned> {
        self.policy.check()?;
        Ok(Binned { params: self })
    }
}

/// The binning estimator: continuous activity is binned by a [`BinPolicy`], each row of bin
/// indices (a whole layer) becomes one symbol, and entropies and MI are plug-in estimates on those
/// symbols (SPEC.md §1.1), in nats.
///
/// - [`MutualInformation::estimate`] bins both `x` and `y`;
///   [`Binned::mutual_information_with_labels`] bins `x` only and uses integer labels as they are.
/// - [`Binned::per_unit`] estimates I(unit; label) for every column in one parallel call.
/// - [`Entropy::entropy`] of a layer whose rows are all distinct is exactly ln(n); the estimate's
///   diagnostics (`all_rows_unique_x`) and warnings say so.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Binned {
    pub(crate) params: BinnedParams,
}

impl Binned {
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> BinnedParams {
        BinnedParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> BinnedParams {
        self.params
    }

    pub(crate) fn config_json(&self) -> serde_json::Value {
        serde_json::to_value(self.params).unwrap_or_default()
    }

    /// Bin `x` into integer symbols (one per value), after validating it.
    pub fn bin(&self, argument: &'static str, x: ArrayView2<'_, f64>) -> Result<super::BinnedData> {
        check_matrix(argument, x, 1)?;
        self.params.policy.apply_checked(x)
    }

    fn run(
        &self,
        quantity: Quantity,
        args: &[(&'static str, ArrayView2<'_, f64>)],
    ) -> Result<Estimate> {
        let mut binned = Vec::with_capacity(args.len());
        for &(name, a) in args {
            check_matrix(name, a, 1)?;
            check_same_rows(args[0].0, args[0].1.nrows(), name, a.nrows())?;
            binned.push(self.params.policy.apply_checked(a)?);
        }
        let ids: Vec<_> = binned
            .iter()
            .map(|b| ids_of_rows(b.symbols.view()))
            .collect();
        let vars = Vars {
            named: args.iter().map(|a| a.0).zip(ids.iter()).collect(),
        };
        let out_of_range: usize = binned.iter().map(|b| b.n_out_of_range).sum();
        let est = measure(
            quantity,
            &vars,
            self.params.correction,
            "binned",
            self.config_json(),
        )
        .with_diagnostic("n_out_of_range", out_of_range);
        Ok(with_range_warning(est, out_of_range))
    }

    /// I(X; labels): `x` is binned, `labels` are used as they are (one integer per sample).
    pub fn mutual_information_with_labels(
        &self,
        x: ArrayView2<'_, f64>,
        labels: ArrayView1<'_, i64>,
    ) -> Result<Estimate> {
        self.with_labels(Quantity::MutualInformation, x, labels)
    }

    /// H(X | labels) of the binned layer: $\sum_y p(y) H(T | Y = y)$.
    pub fn conditional_entropy_given_labels(
        &self,
        x: ArrayView2<'_, f64>,
        labels: ArrayView1<'_, i64>,
    ) -> Result<Estimate> {
        self.with_labels(Quantity::ConditionalEntropy, x, labels)
    }

    /// A two-variable `quantity` of the binned layer `x` and integer `labels`.
    fn with_labels(
        &self,
        quantity: Quantity,
        x: ArrayView2<'_, f64>,
        labels: ArrayView1<'_, i64>,
    ) -> Result<Estimate> {
        check_matrix("x", x, 1)?;
        check_labels("labels", labels, 1)?;
        check_same_rows("x", x.nrows(), "labels", labels.len())?;
        let binned = self.params.policy.apply_checked(x)?;
        let xs = ids_of_rows(binned.symbols.view());
        let ls = ids_of_column(labels.iter().copied());
        let vars = Vars {
            named: vec![("x", &xs), ("labels", &ls)],
        };
        let est = measure(
            quantity,
            &vars,
            self.params.correction,
            "binned",
            self.config_json(),
        )
        .with_diagnostic("n_out_of_range", binned.n_out_of_range);
        Ok(with_range_warning(est, binned.n_out_of_range))
    }
}

fn with_range_warning(est: Estimate, out_of_range: usize) -> Estimate {
    if out_of_range == 0 {
        return est;
    }
    est.with_warning(format!(
        "{out_of_range} values lie outside the fixed bin range and were put in the end bins"
    ))
}

impl MutualInformation for Binned {
    /// I(X;Y) with both `x` and `y` binned by the same policy.
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate> {
        self.run(Quantity::MutualInformation, &[("x", x), ("y", y)])
    }

    /// Bins `x` and `y` once; each reordering only permutes Y's symbols and recounts the
    /// joint (binning is per value, so it commutes with reordering rows).
    fn prepare_reordering<'a>(
        &'a self,
        x: ArrayView2<'a, f64>,
        y: ArrayView2<'a, f64>,
    ) -> Result<Box<dyn ReorderedMi + 'a>> {
        check_same_rows("x", x.nrows(), "y", y.nrows())?;
        let symbols = |name: &'static str, a: ArrayView2<'_, f64>| -> Result<SymbolIds> {
            check_matrix(name, a, 1)?;
            Ok(ids_of_rows(
                self.params.policy.apply_checked(a)?.symbols.view(),
            ))
        };
        let (x_ids, y_ids) = (symbols("x", x)?, symbols("y", y)?);
        Ok(Box::new(ReorderedSymbols {
            binned: self,
            x: x_ids,
            y: y_ids,
        }))
    }
}

/// Binned symbols of X and Y kept for surrogate estimates.
struct ReorderedSymbols<'a> {
    binned: &'a Binned,
    x: SymbolIds,
    y: SymbolIds,
}

impl ReorderedMi for ReorderedSymbols<'_> {
    fn mi_reordered(&self, order: &[usize]) -> Result<f64> {
        check_same_rows("y", self.y.len(), "order", order.len())?;
        let y = SymbolIds {
            ids: order.iter().map(|&o| self.y.ids[o]).collect(),
            n_symbols: self.y.n_symbols,
        };
        let vars = Vars {
            named: vec![("x", &self.x), ("y", &y)],
        };
        let est = measure(
            Quantity::MutualInformation,
            &vars,
            self.binned.params.correction,
            "binned",
            serde_json::Value::Null,
        );
        Ok(est.nats())
    }
}

impl ConditionalMutualInformation for Binned {
    /// I(X;Y|Z) with `x`, `y` and `z` binned by the same policy.
    fn estimate_conditional(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        z: ArrayView2<'_, f64>,
    ) -> Result<Estimate> {
        self.run(
            Quantity::ConditionalMutualInformation,
            &[("x", x), ("y", y), ("z", z)],
        )
    }
}

impl Entropy for Binned {
    /// H(T) of the binned layer `x` (each row one symbol).
    fn entropy(&self, x: ArrayView2<'_, f64>) -> Result<Estimate> {
        self.run(Quantity::Entropy, &[("x", x)])
    }
}
