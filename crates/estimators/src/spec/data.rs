//! The arguments of a question: [`Variable`]s (values plus whether they were integers where
//! they came from) and optional sample weights, as [`Data`].

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::discrete::symbols::ids_of_rows;
use crate::error::{EstimatorError, Result};
use crate::estimate::Quantity;
use crate::validate::{check_finite, check_same_rows};

/// Whether a variable's values were typed as integers where they came from (a numpy integer or
/// boolean array, an integer `.npy`): a binned estimator with `y_kind = "auto"` reads such a
/// Y as labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ValueType {
    /// Floating-point values.
    #[default]
    Float,
    /// Integer (or boolean) values, stored as `f64`.
    Integer,
}

/// One variable: `n × d` values (rows are samples) and their [`ValueType`].
#[derive(Clone, Copy, Debug)]
pub struct Variable<'a> {
    values: ArrayView2<'a, f64>,
    value_type: ValueType,
}

impl<'a> Variable<'a> {
    /// Floating-point values.
    #[must_use]
    pub fn float(values: ArrayView2<'a, f64>) -> Self {
        Self {
            values,
            value_type: ValueType::Float,
        }
    }

    /// Values that were integers where they came from (they are checked to be integral where
    /// a method reads them as labels or symbols).
    #[must_use]
    pub fn integer(values: ArrayView2<'a, f64>) -> Self {
        Self {
            values,
            value_type: ValueType::Integer,
        }
    }

    /// Values of the given type.
    #[must_use]
    pub fn new(values: ArrayView2<'a, f64>, value_type: ValueType) -> Self {
        Self { values, value_type }
    }

    /// The values.
    #[must_use]
    pub fn values(&self) -> ArrayView2<'a, f64> {
        self.values
    }

    /// Whether the values were integers.
    #[must_use]
    pub fn is_integer(&self) -> bool {
        self.value_type == ValueType::Integer
    }

    /// The values as integer symbols, checked: every value finite and integral.
    ///
    /// # Errors
    /// [`EstimatorError::NotInteger`] (or [`EstimatorError::NonFinite`]) naming `argument`
    /// and the first offending value.
    pub fn symbols(&self, argument: &'static str) -> Result<Array2<i64>> {
        symbols(argument, self.values)
    }

    /// One integer label per row: a single column as it is, several columns as joint labels
    /// (equal rows share a label; the labels are then dense ids in order of first appearance).
    ///
    /// # Errors
    /// As [`Variable::symbols`].
    pub fn labels(&self, argument: &'static str) -> Result<Array1<i64>> {
        let symbols = self.symbols(argument)?;
        if symbols.ncols() == 1 {
            return Ok(symbols.column(0).to_owned());
        }
        let ids = ids_of_rows(symbols.view());
        Ok(ids.ids.iter().map(|&i| i64::from(i)).collect())
    }
}

impl<'a> From<ArrayView2<'a, f64>> for Variable<'a> {
    fn from(values: ArrayView2<'a, f64>) -> Self {
        Self::float(values)
    }
}

/// `values` as integer symbols, checked (see [`Variable::symbols`]).
pub(crate) fn symbols(argument: &'static str, values: ArrayView2<'_, f64>) -> Result<Array2<i64>> {
    // 2^63: the first float that is not an i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    check_finite(argument, values)?;
    for ((row, col), &value) in values.indexed_iter() {
        if value.fract() != 0.0 || value.abs() >= LIMIT {
            return Err(EstimatorError::NotInteger {
                argument,
                row,
                col,
                value,
            });
        }
    }
    Ok(values.mapv(|v| v as i64))
}

/// The arguments of one question: `x`, and `y`, `z` and per-sample `weights` where the question
/// and the method take them. Rows are paired across arguments.
#[derive(Clone, Copy, Debug)]
pub struct Data<'a> {
    /// The first variable (the layer, for the noisy-layer methods).
    pub x: Variable<'a>,
    /// The second variable.
    pub y: Option<Variable<'a>>,
    /// The conditioning variable.
    pub z: Option<Variable<'a>>,
    /// Per-sample weights (only methods that take them; see [`super::Method::takes_weights`]).
    pub weights: Option<ArrayView1<'a, f64>>,
}

impl<'a> Data<'a> {
    /// `x` alone.
    #[must_use]
    pub fn new(x: impl Into<Variable<'a>>) -> Self {
        Self {
            x: x.into(),
            y: None,
            z: None,
            weights: None,
        }
    }

    /// With `y`.
    #[must_use]
    pub fn with_y(mut self, y: impl Into<Variable<'a>>) -> Self {
        self.y = Some(y.into());
        self
    }

    /// With `z`.
    #[must_use]
    pub fn with_z(mut self, z: impl Into<Variable<'a>>) -> Self {
        self.z = Some(z.into());
        self
    }

    /// With per-sample weights.
    #[must_use]
    pub fn with_weights(mut self, weights: ArrayView1<'a, f64>) -> Self {
        self.weights = Some(weights);
        self
    }

    /// Number of samples (rows of `x`).
    #[must_use]
    pub fn n_samples(&self) -> usize {
        self.x.values.nrows()
    }

    /// `y`, which `quantity` needs.
    ///
    /// # Errors
    /// [`EstimatorError::MissingArgument`] when it is absent.
    pub fn need_y(&self, quantity: Quantity) -> Result<Variable<'a>> {
        self.y.ok_or(EstimatorError::MissingArgument {
            argument: "y",
            question: quantity.symbol(),
        })
    }

    /// `z`, which `quantity` needs.
    ///
    /// # Errors
    /// [`EstimatorError::MissingArgument`] when it is absent.
    pub fn need_z(&self, quantity: Quantity) -> Result<Variable<'a>> {
        self.z.ok_or(EstimatorError::MissingArgument {
            argument: "z",
            question: quantity.symbol(),
        })
    }

    /// Check that the arguments are those `quantity` takes, no more and no less, and that
    /// they have the same number of rows.
    ///
    /// # Errors
    /// [`EstimatorError::MissingArgument`] for a missing one, [`EstimatorError::Unsupported`]
    /// (naming `method`) for one the question does not take, [`EstimatorError::ShapeMismatch`]
    /// for mismatched rows.
    pub(crate) fn check_for(&self, method: &'static str, quantity: Quantity) -> Result<()> {
        let args = quantity.arguments();
        for (name, present) in [("y", self.y.is_some()), ("z", self.z.is_some())] {
            if args.contains(&name) && !present {
                return Err(EstimatorError::MissingArgument {
                    argument: name,
                    question: quantity.symbol(),
                });
            }
            if present && !args.contains(&name) {
                return Err(EstimatorError::Unsupported {
                    method,
                    what: format!("take argument `{name}` for {}", quantity.describe()),
                    hint: String::new(),
                });
            }
        }
        let n = self.n_samples();
        for (name, v) in [("y", self.y), ("z", self.z)] {
            if let Some(v) = v {
                check_same_rows("x", n, name, v.values.nrows())?;
            }
        }
        if let Some(w) = self.weights {
            check_same_rows("x", n, "weights", w.len())?;
        }
        Ok(())
    }

    /// An owned copy of the given rows of every argument (a bootstrap resample).
    #[must_use]
    pub fn select_rows(&self, rows: &[usize]) -> OwnedData {
        let pick = |v: &Variable<'_>| (v.values.select(Axis(0), rows), v.value_type);
        OwnedData {
            x: pick(&self.x),
            y: self.y.as_ref().map(pick),
            z: self.z.as_ref().map(pick),
            weights: self.weights.map(|w| w.select(Axis(0), rows)),
        }
    }

    /// An owned copy with the rows of `y` reordered (row `i` of the copy's Y is row
    /// `order[i]` of Y), every other argument as it is (a surrogate).
    #[must_use]
    pub fn reorder_y(&self, order: &[usize]) -> OwnedData {
        let own = |v: &Variable<'_>| (v.values.to_owned(), v.value_type);
        OwnedData {
            x: own(&self.x),
            y: self
                .y
                .as_ref()
                .map(|v| (v.values.select(Axis(0), order), v.value_type)),
            z: self.z.as_ref().map(own),
            weights: self.weights.map(|w| w.to_owned()),
        }
    }
}

/// Owned arguments (resamples and surrogates), viewed as [`Data`] by [`OwnedData::view`].
#[derive(Clone, Debug)]
pub struct OwnedData {
    x: (Array2<f64>, ValueType),
    y: Option<(Array2<f64>, ValueType)>,
    z: Option<(Array2<f64>, ValueType)>,
    weights: Option<Array1<f64>>,
}

impl OwnedData {
    /// The arguments as [`Data`].
    #[must_use]
    pub fn view(&self) -> Data<'_> {
        fn var((a, t): &(Array2<f64>, ValueType)) -> Variable<'_> {
            Variable::new(a.view(), *t)
        }
        Data {
            x: var(&self.x),
            y: self.y.as_ref().map(var),
            z: self.z.as_ref().map(var),
            weights: self.weights.as_ref().map(|w| w.view()),
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn symbols_name_the_first_value_that_is_not_an_integer() {
        let v = array![[1.0, 2.0], [3.0, 0.5]];
        let err = Variable::integer(v.view()).symbols("y").unwrap_err();
        assert_eq!(
            err,
            EstimatorError::NotInteger {
                argument: "y",
                row: 1,
                col: 1,
                value: 0.5
            }
        );
        let big = array![[1e300]];
        assert!(matches!(
            symbols("y", big.view()),
            Err(EstimatorError::NotInteger { .. })
        ));
        let ok = array![[-3.0], [7.0]];
        assert_eq!(symbols("y", ok.view()).unwrap(), array![[-3], [7]]);
    }

    #[test]
    fn arguments_are_checked_against_the_question() {
        let x = array![[1.0], [2.0], [3.0]];
        let y = array![[1.0], [2.0]];
        let d = Data::new(x.view());
        assert!(matches!(
            d.check_for("gaussian", Quantity::MutualInformation),
            Err(EstimatorError::MissingArgument { argument: "y", .. })
        ));
        let d = d.with_y(y.view());
        assert!(matches!(
            d.check_for("gaussian", Quantity::MutualInformation),
            Err(EstimatorError::ShapeMismatch { argument: "y", .. })
        ));
        assert!(matches!(
            d.check_for("gaussian", Quantity::Entropy),
            Err(EstimatorError::Unsupported { .. })
        ));
    }
}
