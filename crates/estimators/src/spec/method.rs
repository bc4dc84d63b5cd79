//! [`Method`]: what every checked estimator implements so that [`super::Estimator`] can answer
//! for it, with generic surrogate tests and bootstrap intervals as defaults.

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::{Data, EstimatorSpec, Variable};
use crate::discrete::{PerUnitMi, PerUnitTest};
use crate::error::{EstimatorError, Result};
use crate::estimate::{Bounds, Estimate, Outcome, Quantity};
use crate::knn::PairwiseMi;
use crate::significance::{
    BootstrapCi, Surrogate, SurrogateTest, check_bootstrap, check_surrogate, percentile_ci,
    resample, stream, summarise, surrogate_order, surrogate_test,
};
use crate::traits::MutualInformation;

/// A checked estimator as [`super::Estimator`] drives it. Implement it for a new method (see
/// "Adding an estimator" in [`super`]); only [`Method::spec`], [`Method::quantities`] and
/// [`Method::estimate`] are required.
///
/// [`super::Estimator`] checks the arguments against the question (present, same rows,
/// weights only where [`Method::takes_weights`]) before calling these methods.
pub trait Method: std::fmt::Debug + Send + Sync {
    /// The specification that rebuilds this estimator.
    fn spec(&self) -> EstimatorSpec;

    /// The quantities the method estimates; the first one that takes `x` alone is what a face
    /// asks for when it is given one variable.
    fn quantities(&self) -> &'static [Quantity];

    /// Estimate `quantity` from `data` (the arguments it takes, checked to be present).
    ///
    /// # Errors
    /// Invalid data, as the method defines it; [`EstimatorError::Unsupported`] for a quantity
    /// not in [`Method::quantities`].
    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome>;

    /// Why the method (with these parameters) lacks quantities its family has, for messages,
    /// e.g. `"KSG algorithm 2 has no entropy and no conditional form (algorithm 1 has both)"`;
    /// empty by default.
    fn quantity_note(&self) -> &'static str {
        ""
    }

    /// Whether the method takes per-sample weights ([`Data::weights`]).
    fn takes_weights(&self) -> bool {
        false
    }

    /// How the method reads argument `argument` (`"x"`, `"y"`, `"z"`) holding `variable`, in
    /// a word or two for reports: `"continuous"`, `"binned"`, `"labels"`, ...
    fn reads_as(&self, argument: &str, variable: &Variable<'_>) -> &'static str {
        let _ = (argument, variable);
        "continuous"
    }

    /// The local (pointwise) values of `quantity`, nats; their mean is the estimate.
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] unless the method has local values.
    fn local_values(&self, quantity: Quantity, data: &Data<'_>) -> Result<Vec<f64>> {
        let _ = data;
        Err(unsupported(
            self,
            format!("give local values of the {}", quantity.describe()),
            "; local values exist for ksg",
        ))
    }

    /// Test I(X;Y) > 0 against `n_surrogates` surrogates of Y (reordered rows, see
    /// [`Surrogate`]); surrogate `s` draws from `stream(seed, s)`, so the result does not
    /// depend on the thread count. The default re-estimates on every reordered copy; a
    /// method overrides it to reuse what a reordering of Y cannot change.
    ///
    /// # Errors
    /// As [`Method::estimate`]; [`EstimatorError::InvalidParameter`] for a surrogate that
    /// does not fit the data or a count of 0.
    fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        let n = data.n_samples();
        check_surrogate(kind, n, n_surrogates)?;
        let observed = self.estimate(Quantity::MutualInformation, data)?;
        let nulls = (0..n_surrogates)
            .into_par_iter()
            .map(|s| {
                let order = surrogate_order(kind, n, &mut stream(seed, s));
                let copy = data.reorder_y(&order);
                Ok(self
                    .estimate(Quantity::MutualInformation, &copy.view())?
                    .map(|e| e.nats()))
            })
            .collect::<Result<Vec<Outcome<f64>>>>()?;
        Ok(summarise_outcome(observed, &nulls, summarise))
    }

    /// Bootstrap percentile interval of `quantity` from `n_resamples` resamples of the rows
    /// (with their weights) with replacement; resample `s` draws from `stream(seed, s)`.
    ///
    /// # Errors
    /// As [`Method::estimate`]; [`EstimatorError::InvalidParameter`] named `n_resamples` or
    /// `level`; [`EstimatorError::Unsupported`] for an entropy (a resample repeats rows, which
    /// the entropy estimators read as ties or as point masses).
    fn bootstrap_ci(
        &self,
        quantity: Quantity,
        data: &Data<'_>,
        n_resamples: usize,
        level: f64,
        seed: u64,
    ) -> Result<Outcome<BootstrapCi>> {
        check_bootstrap(n_resamples, level)?;
        bootstrap_quantity(self, quantity)?;
        let observed = self.estimate(quantity, data)?;
        let n = data.n_samples();
        let reps = (0..n_resamples)
            .into_par_iter()
            .map(|s| {
                let copy = data.select_rows(&resample(&mut stream(seed, s), n));
                Ok(self.estimate(quantity, &copy.view())?.map(|e| e.nats()))
            })
            .collect::<Result<Vec<Outcome<f64>>>>()?;
        Ok(summarise_outcome(observed, &reps, |est, values| {
            percentile_ci(est, values, level)
        }))
    }

    /// I(unit; Y) for every column of X.
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] unless the method has a per-unit form.
    fn per_unit(&self, x: Variable<'_>, y: Variable<'_>) -> Result<PerUnitMi> {
        let _ = (x, y);
        Err(no_form(self, "per-unit estimates", |m| m.per_unit))
    }

    /// [`Method::per_unit`] with a surrogate test of every unit and Benjamini–Hochberg
    /// q-values.
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] unless the method has a per-unit form.
    fn per_unit_test(
        &self,
        x: Variable<'_>,
        y: Variable<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<PerUnitTest> {
        let _ = (x, y, kind, n_surrogates, seed);
        Err(no_form(self, "per-unit estimates", |m| m.per_unit))
    }

    /// I(A_i; B_j) for every column pair (of `a` alone when `b` is `None`).
    ///
    /// # Errors
    /// [`EstimatorError::Unsupported`] unless the method has a pairwise form.
    fn pairwise(
        &self,
        a: ArrayView2<'_, f64>,
        b: Option<ArrayView2<'_, f64>>,
    ) -> Result<PairwiseMi> {
        let _ = (a, b);
        Err(no_form(self, "pairwise estimates", |m| m.pairwise))
    }
}

/// Refuse a bootstrap interval of an entropy: a resample repeats rows, which the entropy
/// estimators read as ties (kNN) or as point masses (binning, mixtures).
///
/// # Errors
/// [`EstimatorError::Unsupported`] for an entropy.
pub(crate) fn bootstrap_quantity<M: Method + ?Sized>(method: &M, quantity: Quantity) -> Result<()> {
    if matches!(
        quantity,
        Quantity::Entropy | Quantity::JointEntropy | Quantity::ConditionalEntropy
    ) {
        return Err(unsupported(
            method,
            format!("give bootstrap intervals of the {}", quantity.describe()),
            "; a resample repeats rows, which biases entropy estimates: intervals are for \
             mutual information",
        ));
    }
    Ok(())
}

/// The surrogate test of a point method through its [`MutualInformation`] implementation, so
/// that it keeps what a reordering of Y cannot change ([`MutualInformation::prepare_reordering`]).
///
/// # Errors
/// As [`crate::significance::surrogate_test`]; [`EstimatorError::MissingArgument`] without `y`.
pub(crate) fn point_surrogate_test<E: MutualInformation + Sync>(
    estimator: &E,
    data: &Data<'_>,
    kind: Surrogate,
    n_surrogates: usize,
    seed: u64,
) -> Result<Outcome<SurrogateTest>> {
    let y = data.need_y(Quantity::MutualInformation)?.values();
    let t = surrogate_test(estimator, data.x.values(), y, kind, n_surrogates, seed)?;
    Ok(Outcome::Point(t))
}

/// [`EstimatorError::Unsupported`] for a batch form `method` lacks, naming the methods with it.
fn no_form<M: Method + ?Sized>(
    method: &M,
    form: &str,
    has: impl Fn(&super::MethodInfo) -> bool,
) -> EstimatorError {
    let with = super::methods_with(has);
    unsupported(
        method,
        format!("give {form}"),
        &format!("; method {with} does"),
    )
}

/// [`EstimatorError::Unsupported`] for `method`.
pub(crate) fn unsupported<M: Method + ?Sized>(
    method: &M,
    what: String,
    hint: &str,
) -> EstimatorError {
    EstimatorError::Unsupported {
        method: method.spec().method(),
        what,
        hint: hint.to_owned(),
    }
}

/// [`EstimatorError::Unsupported`] for a quantity `method` does not estimate, listing those it
/// does.
pub(crate) fn unsupported_quantity<M: Method + ?Sized>(
    method: &M,
    quantity: Quantity,
) -> EstimatorError {
    let has: Vec<&str> = method.quantities().iter().map(|q| q.symbol()).collect();
    let note = match method.quantity_note() {
        "" => String::new(),
        note => format!(": {note}"),
    };
    unsupported(
        method,
        format!("estimate the {}", quantity.describe()),
        &format!("; it estimates {}{note}", has.join(", ")),
    )
}

/// Summaries of an observed outcome against replicate values, per bound.
fn summarise_outcome<T>(
    observed: Outcome,
    replicates: &[Outcome<f64>],
    summary: impl Fn(Estimate, Vec<f64>) -> T,
) -> Outcome<T> {
    let pick = |f: fn(&Outcome<f64>) -> f64| replicates.iter().map(f).collect::<Vec<f64>>();
    match observed {
        Outcome::Point(e) => Outcome::Point(summary(e, pick(first))),
        Outcome::Bounds(Bounds { lower, upper }) => Outcome::Bounds(Bounds {
            lower: summary(lower, pick(first)),
            upper: summary(
                upper,
                pick(|o| match o {
                    Outcome::Bounds(b) => b.upper,
                    Outcome::Point(p) => *p,
                }),
            ),
        }),
    }
}

/// The point, or the lower bound.
fn first(o: &Outcome<f64>) -> f64 {
    match o {
        Outcome::Point(p) => *p,
        Outcome::Bounds(b) => b.lower,
    }
}
