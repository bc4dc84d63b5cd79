//! [`Estimator`]: a checked [`super::EstimatorSpec`], answering every question its method has.

use ndarray::ArrayView2;

use super::method::unsupported;
use super::{Data, EstimatorSpec, Method, Variable};
use crate::discrete::{PerUnitMi, PerUnitTest};
use crate::error::{EstimatorError, Result};
use crate::estimate::{Outcome, Quantity};
use crate::knn::PairwiseMi;
use crate::significance::{BootstrapCi, Surrogate, SurrogateTest};

/// A checked estimator of any method, from [`EstimatorSpec::check`].
///
/// Every call checks the arguments against the question first: each one present that the
/// quantity takes (and no other), the same number of rows, weights only for a method that
/// takes them. Values are checked by the method (finite, integral where read as labels, ...).
#[derive(Debug)]
pub struct Estimator {
    method: Box<dyn Method>,
}

impl Estimator {
    /// Wrap a checked method.
    #[must_use]
    pub fn new(method: Box<dyn Method>) -> Self {
        Self { method }
    }

    /// The specification that rebuilds this estimator.
    #[must_use]
    pub fn spec(&self) -> EstimatorSpec {
        self.method.spec()
    }

    /// The method's name (`"ksg"`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.method.spec().method()
    }

    /// The quantities the method estimates.
    #[must_use]
    pub fn quantities(&self) -> &'static [Quantity] {
        self.method.quantities()
    }

    /// What the method estimates from one variable: the first of [`Estimator::quantities`]
    /// that takes `x` alone (the entropy for most methods; I(input; T) for Kolchinsky–Tracey).
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] when no quantity takes one variable.
    pub fn one_variable_quantity(&self) -> Result<Quantity> {
        self.quantities()
            .iter()
            .copied()
            .find(|q| q.arguments().len() == 1)
            .ok_or_else(|| {
                unsupported(
                    self.method.as_ref(),
                    "estimate anything from one variable".into(),
                    "; give y",
                )
            })
    }

    /// Why the method (with these parameters) lacks quantities its family has (empty when it
    /// does not), for messages.
    #[must_use]
    pub fn quantity_note(&self) -> &'static str {
        self.method.quantity_note()
    }

    /// How the method reads argument `argument` (`"x"`, `"y"`, `"z"`) holding `variable`:
    /// `"continuous"`, `"binned"`, `"labels"`, `"symbols"`, `"noisy-layer means"`.
    #[must_use]
    pub fn reads_as(&self, argument: &str, variable: &Variable<'_>) -> &'static str {
        self.method.reads_as(argument, variable)
    }

    /// The quantity the arguments ask for: I(X;Y|Z) with `z`, I(X;Y) with `y`, and from `x`
    /// alone [`Estimator::one_variable_quantity`].
    ///
    /// # Errors
    /// [`EstimatorError::MissingArgument`] for `z` without `y`; as
    /// [`Estimator::one_variable_quantity`].
    pub fn quantity_for(&self, data: &Data<'_>) -> Result<Quantity> {
        match (data.y.is_some(), data.z.is_some()) {
            (true, true) => Ok(Quantity::ConditionalMutualInformation),
            (false, true) => Err(EstimatorError::MissingArgument {
                argument: "y",
                question: Quantity::ConditionalMutualInformation.symbol(),
            }),
            (true, false) => Ok(Quantity::MutualInformation),
            (false, false) => self.one_variable_quantity(),
        }
    }

    /// Whether the method takes per-sample weights.
    #[must_use]
    pub fn takes_weights(&self) -> bool {
        self.method.takes_weights()
    }

    fn check(&self, quantity: Quantity, data: &Data<'_>) -> Result<()> {
        let name = self.name();
        if !self.quantities().contains(&quantity) {
            return Err(super::method::unsupported_quantity(
                self.method.as_ref(),
                quantity,
            ));
        }
        data.check_for(name, quantity)?;
        if data.weights.is_some() && !self.takes_weights() {
            return Err(EstimatorError::Unsupported {
                method: name,
                what: "take sample weights".into(),
                hint: "; weights are for kt".into(),
            });
        }
        Ok(())
    }

    /// Estimate `quantity` from `data`, in nats.
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] for a quantity the method does not estimate;
    /// [`EstimatorError::MissingArgument`] / [`EstimatorError::ShapeMismatch`] for arguments
    /// that do not fit the question; whatever the method returns for the data.
    pub fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        self.check(quantity, data)?;
        self.method.estimate(quantity, data)
    }

    /// H(X).
    ///
    /// # Errors
    /// As [`Estimator::estimate`].
    pub fn entropy<'a>(&self, x: impl Into<Variable<'a>>) -> Result<Outcome> {
        self.estimate(Quantity::Entropy, &Data::new(x))
    }

    /// I(X;Y).
    ///
    /// # Errors
    /// As [`Estimator::estimate`].
    pub fn mutual_information<'a>(
        &self,
        x: impl Into<Variable<'a>>,
        y: impl Into<Variable<'a>>,
    ) -> Result<Outcome> {
        self.estimate(Quantity::MutualInformation, &Data::new(x).with_y(y))
    }

    /// I(X;Y|Z).
    ///
    /// # Errors
    /// As [`Estimator::estimate`].
    pub fn conditional_mutual_information<'a>(
        &self,
        x: impl Into<Variable<'a>>,
        y: impl Into<Variable<'a>>,
        z: impl Into<Variable<'a>>,
    ) -> Result<Outcome> {
        self.estimate(
            Quantity::ConditionalMutualInformation,
            &Data::new(x).with_y(y).with_z(z),
        )
    }

    /// The local values of `quantity`, nats; their mean is the estimate.
    ///
    /// # Errors
    /// As [`Estimator::estimate`]; [`EstimatorError::Unsupported`] for a method without
    /// local values.
    pub fn local_values(&self, quantity: Quantity, data: &Data<'_>) -> Result<Vec<f64>> {
        self.check(quantity, data)?;
        self.method.local_values(quantity, data)
    }

    /// Test I(X;Y) > 0 against surrogates of Y (see [`Method::surrogate_test`]). The estimate
    /// in the result is exactly [`Estimator::estimate`]'s.
    ///
    /// # Errors
    /// As [`Estimator::estimate`] for I(X;Y); [`EstimatorError::InvalidParameter`] for a
    /// surrogate that does not fit the data or a count of 0.
    pub fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        self.check(Quantity::MutualInformation, data)?;
        self.method.surrogate_test(data, kind, n_surrogates, seed)
    }

    /// Bootstrap percentile interval of `quantity` (see [`Method::bootstrap_ci`]).
    ///
    /// # Errors
    /// As [`Estimator::estimate`]; [`EstimatorError::InvalidParameter`] named `n_resamples`
    /// or `level`; [`EstimatorError::Unsupported`] for an entropy.
    pub fn bootstrap_ci(
        &self,
        quantity: Quantity,
        data: &Data<'_>,
        n_resamples: usize,
        level: f64,
        seed: u64,
    ) -> Result<Outcome<BootstrapCi>> {
        self.check(quantity, data)?;
        self.method
            .bootstrap_ci(quantity, data, n_resamples, level, seed)
    }

    /// I(unit; Y) for every column of `x` (binned, or read as symbols when the method reads
    /// `x` so, e.g. an integer-typed X under binned's `x_kind = "auto"`; a plain view is
    /// float).
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] for a method without a per-unit form; invalid data.
    pub fn per_unit<'a>(&self, x: impl Into<Variable<'a>>, y: Variable<'_>) -> Result<PerUnitMi> {
        self.method.per_unit(x.into(), y)
    }

    /// [`Estimator::per_unit`] with a surrogate test per unit and Benjamini–Hochberg q-values.
    ///
    /// # Errors
    /// As [`Estimator::per_unit`]; invalid surrogate settings.
    pub fn per_unit_test<'a>(
        &self,
        x: impl Into<Variable<'a>>,
        y: Variable<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<PerUnitTest> {
        self.method
            .per_unit_test(x.into(), y, kind, n_surrogates, seed)
    }

    /// I(A_i; B_j) for every column pair (all pairs of `a` when `b` is `None`): entry (i, j)
    /// equals [`Estimator::mutual_information`] of column i of `a` (as x) and column j of `b`
    /// (as y), bit for bit; for all pairs of `a`, that holds for i < j and the matrix is made
    /// symmetric by mirroring (with noise, the estimate with the roles swapped differs).
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] for a method without a pairwise form; invalid data.
    pub fn pairwise(
        &self,
        a: ArrayView2<'_, f64>,
        b: Option<ArrayView2<'_, f64>>,
    ) -> Result<PairwiseMi> {
        self.method.pairwise(a, b)
    }
}
