//! Bad inputs: every case's row of the table says, for each, the typed error (and the
//! argument it names) or the documented value; the test puts each into the case's own data.

use infoscope_estimators::EstimatorError;
use infoscope_estimators::Quantity::InputInformation as II;
use infoscope_estimators::spec::{Data, EstimatorSpec};
use ndarray::{Array2, s};

use super::{Case, N, cases, data, sample, values};
use crate::common::normals;

/// An error variant, as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Empty,
    TooFewSamples,
    NonFinite,
    ShapeMismatch,
    ZeroVariance,
    NotInteger,
    OutOfRange,
}

/// What a bad input gives.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Expect {
    /// A typed error naming the argument.
    Error(Kind, &'static str),
    /// A valid estimate: every part (point, or both bounds) within `tol` of `value`, for the
    /// reason given.
    Value(f64, f64, &'static str),
    /// The input does not apply to the method, for the reason given.
    Skip(&'static str),
}

/// The bad inputs, each put into the case's own data (see [`bad_data`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    /// NaN at x[3, 1].
    NanX,
    /// −Inf at y[5, 0] (at x[5, 0] for a one-variable question).
    InfY,
    /// X and Y with 0 rows.
    NoRows,
    /// X with 0 columns.
    NoColumns,
    /// The first row alone.
    OneSample,
    /// Y one row shorter than X.
    MismatchedRows,
    /// X replaced by one constant column (all 1.0, an integer).
    ConstantX,
    /// 0.5 at y[4, 0] of a Y typed as integers.
    NonIntegerLabel,
}

/// One row of the bad-input table: every [`Bad`] has a field, so none can be forgotten.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BadInputs {
    pub(crate) nan_x: Expect,
    pub(crate) inf_y: Expect,
    pub(crate) no_rows: Expect,
    pub(crate) no_columns: Expect,
    pub(crate) one_sample: Expect,
    pub(crate) mismatched_rows: Expect,
    pub(crate) constant_x: Expect,
    pub(crate) non_integer_label: Expect,
}

impl BadInputs {
    /// The checks every method shares: values finite, shapes non-empty, rows paired, each
    /// naming the argument (`x_name` for X). The other fields are placeholders to override.
    pub(super) const fn checked(x_name: &'static str) -> Self {
        const TODO: Expect = Expect::Skip("(override)");
        Self {
            nan_x: Expect::Error(Kind::NonFinite, x_name),
            inf_y: Expect::Error(Kind::NonFinite, "y"),
            no_rows: Expect::Error(Kind::Empty, x_name),
            no_columns: Expect::Error(Kind::Empty, x_name),
            one_sample: TODO,
            mismatched_rows: Expect::Error(Kind::ShapeMismatch, "y"),
            constant_x: TODO,
            non_integer_label: TODO,
        }
    }

    pub(super) fn entries(&self) -> [(Bad, Expect); 8] {
        [
            (Bad::NanX, self.nan_x),
            (Bad::InfY, self.inf_y),
            (Bad::NoRows, self.no_rows),
            (Bad::NoColumns, self.no_columns),
            (Bad::OneSample, self.one_sample),
            (Bad::MismatchedRows, self.mismatched_rows),
            (Bad::ConstantX, self.constant_x),
            (Bad::NonIntegerLabel, self.non_integer_label),
        ]
    }
}

/// The case's data with `bad` put in; the quantity's arguments only.
fn bad_data(case: &Case, bad: Bad) -> [Array2<f64>; 3] {
    let [mut x, mut y, mut z] = sample(case.reads, 7);
    let takes_y = case.main_quantity().arguments().contains(&"y");
    match bad {
        Bad::NanX => x[[3, 1]] = f64::NAN,
        Bad::InfY if takes_y => y[[5, 0]] = f64::NEG_INFINITY,
        Bad::InfY => x[[5, 0]] = f64::NEG_INFINITY,
        Bad::NoRows => {
            x = x.slice(s![0..0, ..]).to_owned();
            y = y.slice(s![0..0, ..]).to_owned();
            z = z.slice(s![0..0, ..]).to_owned();
        }
        Bad::NoColumns => x = Array2::zeros((N, 0)),
        Bad::OneSample => {
            x = x.slice(s![0..1, ..]).to_owned();
            y = y.slice(s![0..1, ..]).to_owned();
            z = z.slice(s![0..1, ..]).to_owned();
        }
        Bad::MismatchedRows => y = y.slice(s![0..N - 1, ..]).to_owned(),
        Bad::ConstantX => x = Array2::from_elem((N, 1), 1.0),
        Bad::NonIntegerLabel => y[[4, 0]] = 0.5,
    }
    [x, y, z]
}

/// Where `bad` put its value, for the errors that report a position.
fn position(bad: Bad) -> Option<(usize, usize)> {
    match bad {
        Bad::NanX => Some((3, 1)),
        Bad::InfY => Some((5, 0)),
        Bad::NonIntegerLabel => Some((4, 0)),
        _ => None,
    }
}

/// The variant, the argument it names and the position it reports.
fn classify(e: &EstimatorError) -> (Kind, &'static str, Option<(usize, usize)>) {
    match *e {
        EstimatorError::Empty { argument, .. } => (Kind::Empty, argument, None),
        EstimatorError::TooFewSamples { argument, .. } => (Kind::TooFewSamples, argument, None),
        EstimatorError::NonFinite {
            argument, row, col, ..
        } => (Kind::NonFinite, argument, Some((row, col))),
        EstimatorError::ShapeMismatch { argument, .. } => (Kind::ShapeMismatch, argument, None),
        EstimatorError::ZeroVariance { argument, .. } => (Kind::ZeroVariance, argument, None),
        EstimatorError::NotInteger {
            argument, row, col, ..
        } => (Kind::NotInteger, argument, Some((row, col))),
        EstimatorError::OutOfRange { argument, .. } => (Kind::OutOfRange, argument, None),
        ref other => panic!("an error the table does not name: {other:?}"),
    }
}

#[test]
fn bad_inputs_give_typed_errors_or_documented_values() {
    for case in cases() {
        let est = case.spec().check().unwrap();
        let q = case.main_quantity();
        for (bad, expect) in case.bad.entries() {
            let ctx = format!("{} {q:?} {bad:?}", case.name);
            let [x, y, z] = bad_data(&case, bad);
            let got = est.estimate(q, &data(case.reads, q, &x, &y, &z));
            match expect {
                Expect::Skip(why) => assert_ne!(why, "(override)", "{ctx}: fill in the table"),
                Expect::Value(value, tol, why) => {
                    let got = got.unwrap_or_else(|e| panic!("{ctx}: {e} (expected {why})"));
                    let v = values(&got);
                    assert!(
                        v.iter().all(|g| (g - value).abs() <= tol),
                        "{ctx}: {v:?}, expected {value} ± {tol} ({why})"
                    );
                }
                Expect::Error(kind, argument) => {
                    let err = got.expect_err(&ctx);
                    let (k, a, pos) = classify(&err);
                    assert_eq!((k, a), (kind, argument), "{ctx}: {err}");
                    assert!(err.to_string().contains(&format!("`{a}`")), "{ctx}: {err}");
                    if pos.is_some() {
                        assert_eq!(pos, position(bad), "{ctx}: {err}");
                    }
                }
            }
        }
    }
}

/// Regression (found by this suite): KT's checks named the layer `h` (its kernels' argument
/// name) while the specification calls it `x`.
#[test]
fn kt_layer_errors_name_x() {
    let est = EstimatorSpec::from_json(serde_json::json!({"method": "kt", "noise_var": 1.0}))
        .unwrap()
        .check()
        .unwrap();
    let mut x = normals(8, 20, 2);
    x[[3, 1]] = f64::NAN;
    let err = est.estimate(II, &Data::new(x.view())).unwrap_err();
    assert!(
        matches!(err, EstimatorError::NonFinite { argument: "x", .. }),
        "{err}"
    );
}
