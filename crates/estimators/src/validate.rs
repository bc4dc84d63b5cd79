//! Input validation shared by every estimator: validate at the boundary, once, with errors that
//! name the argument (DESIGN.md §6).

use ndarray::{ArrayView1, ArrayView2};

use crate::error::{EstimatorError, Result};

/// Check that `data` (samples × dims) is non-empty, has at least `min_samples` rows and holds only
/// finite values. Reports the first offending value by (row, column).
pub fn check_matrix(
    argument: &'static str,
    data: ArrayView2<'_, f64>,
    min_samples: usize,
) -> Result<()> {
    check_shape(argument, data, min_samples)?;
    check_finite(argument, data)
}

/// Check that `data` is non-empty with at least `min_samples` rows (values are not inspected).
pub fn check_shape<T>(
    argument: &'static str,
    data: ArrayView2<'_, T>,
    min_samples: usize,
) -> Result<()> {
    let (rows, cols) = data.dim();
    if rows == 0 || cols == 0 {
        return Err(EstimatorError::Empty {
            argument,
            rows,
            cols,
        });
    }
    if rows < min_samples {
        return Err(EstimatorError::TooFewSamples {
            argument,
            needed: min_samples,
            got: rows,
        });
    }
    Ok(())
}

/// Check that every value of `data` is finite; reports the first offending one in row-major order.
pub fn check_finite(argument: &'static str, data: ArrayView2<'_, f64>) -> Result<()> {
    // Fast path: a single pass over the memory when every value is finite.
    let all_finite = match data.as_slice_memory_order() {
        Some(s) => s.iter().all(|v| v.is_finite()),
        None => data.iter().all(|v| v.is_finite()),
    };
    if all_finite {
        return Ok(());
    }
    for ((row, col), &value) in data.indexed_iter() {
        if !value.is_finite() {
            return Err(EstimatorError::NonFinite {
                argument,
                row,
                col,
                value,
            });
        }
    }
    Ok(())
}

/// Check a label vector: non-empty and with at least `min_samples` entries.
pub fn check_labels(
    argument: &'static str,
    labels: ArrayView1<'_, i64>,
    min_samples: usize,
) -> Result<()> {
    let n = labels.len();
    if n == 0 {
        return Err(EstimatorError::Empty {
            argument,
            rows: 0,
            cols: 1,
        });
    }
    if n < min_samples {
        return Err(EstimatorError::TooFewSamples {
            argument,
            needed: min_samples,
            got: n,
        });
    }
    Ok(())
}

/// Check that `b` has as many rows as `a`.
pub fn check_same_rows(
    a_name: &'static str,
    a_rows: usize,
    b_name: &'static str,
    b_rows: usize,
) -> Result<()> {
    if a_rows != b_rows {
        return Err(EstimatorError::ShapeMismatch {
            argument: b_name,
            other: a_name,
            what: "rows (samples)",
            expected: a_rows,
            got: b_rows,
        });
    }
    Ok(())
}

/// The index of the first constant column of `data`, if any.
#[must_use]
pub fn first_constant_column(data: ArrayView2<'_, f64>) -> Option<usize> {
    data.columns().into_iter().position(|col| {
        let first = col[0];
        col.iter().all(|&v| v == first)
    })
}

/// Fail with [`EstimatorError::ZeroVariance`] if a column of `data` is constant.
pub fn check_no_constant_column(
    argument: &'static str,
    data: ArrayView2<'_, f64>,
    hint: &'static str,
) -> Result<()> {
    match first_constant_column(data) {
        Some(column) => Err(EstimatorError::ZeroVariance {
            argument,
            column,
            hint,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn reports_first_non_finite_by_row_and_column() {
        let x = array![[0.0, 1.0], [2.0, f64::NAN], [f64::INFINITY, 0.0]];
        let err = check_matrix("x", x.view(), 1).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::NonFinite {
                argument: "x",
                row: 1,
                col: 1,
                ..
            }
        ));
        // Column-major (Fortran-order) views report the same row-major first offender.
        let xt = x.t().to_owned();
        let err = check_matrix("x", xt.t(), 1).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::NonFinite { row: 1, col: 1, .. }
        ));
    }

    #[test]
    fn empty_and_too_few() {
        let x = ndarray::Array2::<f64>::zeros((0, 3));
        assert!(matches!(
            check_matrix("x", x.view(), 2),
            Err(EstimatorError::Empty { .. })
        ));
        let x = array![[1.0]];
        assert!(matches!(
            check_matrix("x", x.view(), 2),
            Err(EstimatorError::TooFewSamples {
                needed: 2,
                got: 1,
                ..
            })
        ));
    }

    #[test]
    fn mismatched_rows_name_the_second_argument() {
        let err = check_same_rows("x", 3, "y", 4).unwrap_err();
        assert!(err.to_string().contains("`y` has 4 rows"));
    }

    #[test]
    fn constant_columns_are_found() {
        let x = array![[1.0, 2.0], [1.5, 2.0]];
        assert_eq!(first_constant_column(x.view()), Some(1));
    }
}
