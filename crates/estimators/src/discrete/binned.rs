//! [`Binned`]: the binning estimator for continuous activity.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::binning::BinPolicy;
use super::entropy::BiasCorrection;
use super::measures::{Vars, measure};
use super::symbols::{SymbolIds, ids_of_column, ids_of_rows};
use crate::error::Result;
use crate::estimate::{Estimate, Quantity};
use crate::spec::symbols;
use crate::traits::{ConditionalMutualInformation, Entropy, MutualInformation, ReorderedMi};
use crate::validate::{check_labels, check_matrix, check_same_rows, check_shape};

/// The method's name in estimates and specifications.
pub(crate) const METHOD: &str = "binned";

/// How a binned estimator reads a variable: X by `x_kind`, Y and Z by `y_kind`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VariableKind {
    /// Labels (symbols) when the values were integers (or booleans) where they came from (see
    /// [`crate::spec::Variable`]), binned by the policy otherwise. On plain `f64` views (the
    /// [`MutualInformation`] trait, [`Binned::per_unit`]) there is no such type, so the
    /// variable is binned.
    #[default]
    Auto,
    /// Labels: the values are symbols as they are (they must be integers); a row with several
    /// columns is one joint symbol.
    Labels,
    /// Binned by the policy, whatever the value type.
    Continuous,
}

/// The name [`VariableKind`] had when only Y could be read as labels (kept for compatibility).
pub type YKind = VariableKind;

/// Under `x_kind = "auto"`, an integer X with more distinct values than `n / MIN_ROWS_PER_SYMBOL`
/// (fewer than 5 rows per symbol on average) is still read as symbols, with a warning.
pub const MIN_ROWS_PER_SYMBOL: usize = 5;

/// Unchecked parameters of [`Binned`].
///
/// | field | default | meaning |
/// |---|---|---|
/// | `policy` | `unit-minmax:10` | how continuous values become bins ([`BinPolicy`]; also a spec string or a bin count) |
/// | `correction` | `none` | the bias correction of the plug-in entropies |
/// | `y_kind` | `auto` | how Y and Z are read ([`VariableKind`]) |
/// | `x_kind` | `auto` | how X is read ([`VariableKind`]): under `auto` an integer-typed X is read as symbols, a float one is binned |
///
/// An integer X read as symbols under `auto` with more distinct values than
/// `n / `[`MIN_ROWS_PER_SYMBOL`] (fewer than 5 rows per symbol) keeps its symbols, but the
/// estimate warns that the plug-in is then biased upwards and suggests `x_kind =
/// "continuous"`. A record written before `x_kind` existed reads as `auto`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BinnedParams {
    /// How continuous values become bins.
    #[serde(deserialize_with = "crate::spec::compact_policy")]
    pub policy: BinPolicy,
    /// The bias correction of the plug-in entropies (default: none).
    pub correction: BiasCorrection,
    /// How Y and Z are read.
    pub y_kind: VariableKind,
    /// How X is read.
    pub x_kind: VariableKind,
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

    /// Set how Y and Z are read.
    #[must_use]
    pub fn y_kind(mut self, y_kind: VariableKind) -> Self {
        self.y_kind = y_kind;
        self
    }

    /// Set how X is read.
    #[must_use]
    pub fn x_kind(mut self, x_kind: VariableKind) -> Self {
        self.x_kind = x_kind;
        self
    }

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`crate::EstimatorError::InvalidParameter`] naming the policy's parameter out of range.
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

    /// Bin `x` into integer symbols (one per value), after validating it (by the policy,
    /// whatever `x_kind` says).
    pub fn bin(&self, argument: &'static str, x: ArrayView2<'_, f64>) -> Result<super::BinnedData> {
        check_matrix(argument, x, 1)?;
        self.params.policy.apply_checked(x)
    }

    /// The dense symbol ids of one argument: its binned values, or its values as labels;
    /// with the number of values outside a fixed bin range.
    pub(crate) fn ids(
        &self,
        name: &'static str,
        a: ArrayView2<'_, f64>,
        as_labels: bool,
    ) -> Result<(SymbolIds, usize)> {
        if as_labels {
            check_shape(name, a, 1)?;
            return Ok((ids_of_rows(symbols(name, a)?.view()), 0));
        }
        check_matrix(name, a, 1)?;
        let binned = self.params.policy.apply_checked(a)?;
        Ok((ids_of_rows(binned.symbols.view()), binned.n_out_of_range))
    }

    /// `quantity` over the arguments `(name, values, read as labels)`, in the order x, y, z.
    pub(crate) fn run(
        &self,
        quantity: Quantity,
        args: &[(&'static str, ArrayView2<'_, f64>, bool)],
    ) -> Result<Estimate> {
        let mut ids = Vec::with_capacity(args.len());
        let mut out_of_range = 0;
        for &(name, a, as_labels) in args {
            check_same_rows(args[0].0, args[0].1.nrows(), name, a.nrows())?;
            let (i, o) = self.ids(name, a, as_labels)?;
            ids.push(i);
            out_of_range += o;
        }
        let vars = Vars {
            named: args.iter().map(|a| a.0).zip(ids.iter()).collect(),
        };
        let mut est = measure(
            quantity,
            &vars,
            self.params.correction,
            METHOD,
            self.config_json(),
        )
        .with_diagnostic("n_out_of_range", out_of_range);
        for &(name, _, as_labels) in args {
            est = est.with_diagnostic(
                &format!("{name}_read_as"),
                if as_labels { "labels" } else { "binned" },
            );
        }
        Ok(with_range_warning(est, out_of_range))
    }

    /// Whether Y (or Z) is read as labels under `y_kind` on plain values (no value type).
    fn y_labels(&self) -> bool {
        self.params.y_kind == VariableKind::Labels
    }

    /// Whether X is read as symbols under `x_kind` on plain values (no value type).
    pub(crate) fn x_labels(&self) -> bool {
        self.params.x_kind == VariableKind::Labels
    }

    /// I(X; labels): `x` is binned (read as symbols under `x_kind = "labels"`), `labels` are
    /// used as they are (one integer per sample).
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
        check_labels("labels", labels, 1)?;
        check_same_rows("x", x.nrows(), "labels", labels.len())?;
        let (xs, n_out_of_range) = self.ids("x", x, self.x_labels())?;
        let ls = ids_of_column(labels.iter().copied());
        let vars = Vars {
            named: vec![("x", &xs), ("labels", &ls)],
        };
        let est = measure(
            quantity,
            &vars,
            self.params.correction,
            METHOD,
            self.config_json(),
        )
        .with_diagnostic("n_out_of_range", n_out_of_range);
        Ok(with_range_warning(est, n_out_of_range))
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
    /// I(X;Y) with both `x` and `y` binned by the same policy (or read as labels under
    /// `x_kind` / `y_kind = "labels"`).
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate> {
        self.run(
            Quantity::MutualInformation,
            &[("x", x, self.x_labels()), ("y", y, self.y_labels())],
        )
    }

    /// Bins `x` (and `y`, or reads its labels) once; each reordering only permutes Y's
    /// symbols and recounts the joint (binning is per value, so it commutes with reordering
    /// rows). The result equals the estimate on the reordered data bit for bit.
    fn prepare_reordering<'a>(
        &'a self,
        x: ArrayView2<'a, f64>,
        y: ArrayView2<'a, f64>,
    ) -> Result<Box<dyn ReorderedMi + 'a>> {
        check_same_rows("x", x.nrows(), "y", y.nrows())?;
        let (x_ids, _) = self.ids("x", x, self.x_labels())?;
        let (y_ids, _) = self.ids("y", y, self.y_labels())?;
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
        // Renumbered by first appearance in the reordered rows, as an estimate on the
        // reordered data numbers them: the plug-in sums then run in the same order, and the
        // surrogate equals that estimate to the last bit.
        let y = ids_of_column(order.iter().map(|&o| i64::from(self.y.ids[o])));
        let vars = Vars {
            named: vec![("x", &self.x), ("y", &y)],
        };
        let est = measure(
            Quantity::MutualInformation,
            &vars,
            self.binned.params.correction,
            METHOD,
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
        let labels = self.y_labels();
        self.run(
            Quantity::ConditionalMutualInformation,
            &[
                ("x", x, self.x_labels()),
                ("y", y, labels),
                ("z", z, labels),
            ],
        )
    }
}

impl Entropy for Binned {
    /// H(T) of the binned layer `x` (each row one symbol).
    fn entropy(&self, x: ArrayView2<'_, f64>) -> Result<Estimate> {
        self.run(Quantity::Entropy, &[("x", x, self.x_labels())])
    }
}
