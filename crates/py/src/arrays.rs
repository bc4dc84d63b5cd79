//! numpy arguments as ndarray views, and results back as numpy arrays.
//!
//! Float arguments of dtype float64 (native byte order, aligned) are borrowed without a copy in
//! any memory order (C, Fortran, strided, negative strides); unaligned ones, other real dtypes (float32, float16,
//! integers, bool) and array-likes (lists) are converted to float64 once. Complex, object,
//! string and datetime dtypes are refused with a `DTypeError` naming the argument. Masked
//! arrays with masked entries are refused with a `MaskedArrayError` naming the argument.

use ndarray::{Array1, Array2, Array3, ArrayView2, Axis};
use numpy::{
    PyArray1, PyArray2, PyArray3, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods,
    PyReadonlyArray1, PyReadonlyArray2, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::prelude::*;

use infoscope_estimators::spec::ValueType;

use crate::errors::{Error, Result};

/// A float argument of samples × dims (a 1-D array is one column), borrowed from numpy.
pub(crate) enum Matrix<'py> {
    /// A 1-D array: one column.
    Column(PyReadonlyArray1<'py, f64>),
    /// A 2-D array.
    Table(PyReadonlyArray2<'py, f64>),
}

impl Matrix<'_> {
    /// The data as rows × columns.
    pub(crate) fn view(&self) -> ArrayView2<'_, f64> {
        match self {
            Self::Column(a) => a.as_array().insert_axis(Axis(1)),
            Self::Table(a) => a.as_array(),
        }
    }
}

/// `obj` as a numpy array (`numpy.asarray` for anything else).
fn ndarray<'py>(obj: &Bound<'py, PyAny>, name: &str) -> Result<Bound<'py, PyUntypedArray>> {
    let np = obj.py().import("numpy")?;
    check_unmasked(&np, obj, name)?;
    if let Ok(a) = obj.cast::<PyUntypedArray>() {
        return Ok(a.clone());
    }
    let a = np
        .call_method1("asarray", (obj,))
        .map_err(|e| Error::DType {
            argument: name.into(),
            detail: format!("cannot be read as an array: {e}"),
        })?;
    Ok(a.cast_into::<PyUntypedArray>().map_err(PyErr::from)?)
}

/// Refuse a numpy masked array with masked entries: reading its data would use the values
/// under the mask as if they were observed, and dropping them silently would change which
/// samples are paired. A masked array with nothing masked is read as its data.
fn check_unmasked(np: &Bound<'_, PyModule>, obj: &Bound<'_, PyAny>, name: &str) -> Result<()> {
    let ma = np.getattr("ma")?;
    if !ma.call_method1("isMaskedArray", (obj,))?.is_truthy()? {
        return Ok(());
    }
    let masked: usize = ma.call_method1("count_masked", (obj,))?.extract()?;
    if masked == 0 {
        return Ok(());
    }
    Err(Error::Masked {
        argument: name.into(),
        detail: format!(
            "is a masked array with {masked} masked entries; infoscope does not drop or fill \
             them silently: drop the samples (rows) with a masked entry from every argument, e.g. \
             `keep = ~np.ma.getmaskarray({name}).reshape(len({name}), -1).any(axis=1)`, or fill \
             them (`{name}.filled(value)`)"
        ),
    })
}

/// Refuse dtypes that are not real numbers.
fn check_real(a: &Bound<'_, PyUntypedArray>, name: &str) -> Result<()> {
    let kind = a.dtype().kind();
    if matches!(kind, b'f' | b'i' | b'u' | b'b') {
        return Ok(());
    }
    Err(Error::DType {
        argument: name.into(),
        detail: format!(
            "has dtype {}, expected real numbers (float, integer or bool)",
            a.dtype()
        ),
    })
}

/// The array as native float64 (the same object when it already is).
fn as_f64<'py>(a: Bound<'py, PyUntypedArray>, name: &str) -> Result<Bound<'py, PyUntypedArray>> {
    check_real(&a, name)?;
    let py = a.py();
    let is_f64 = a.dtype().is_equiv_to(&numpy::dtype::<f64>(py));
    if is_f64 {
        // Arrays rebuilt from pickled buffers (e.g. by Dask) can be unaligned; they are
        // copied once, since an ndarray view needs aligned elements.
        let aligned: bool = a.getattr("flags")?.getattr("aligned")?.extract()?;
        if aligned {
            return Ok(a);
        }
        let copy = a.call_method0("copy")?;
        return Ok(copy.cast_into::<PyUntypedArray>().map_err(PyErr::from)?);
    }
    let converted = a.call_method1("astype", ("float64",))?;
    Ok(converted
        .cast_into::<PyUntypedArray>()
        .map_err(PyErr::from)?)
}

fn shape_error(name: &str, a: &Bound<'_, PyUntypedArray>, expected: &str) -> Error {
    Error::Shape {
        argument: name.into(),
        detail: format!("has shape {:?}, expected {expected}", a.shape()),
    }
}

fn borrow_error(name: &str, e: impl std::fmt::Display) -> Error {
    Error::DType {
        argument: name.into(),
        detail: format!("cannot be read: {e}"),
    }
}

/// A float argument of 1 or 2 dimensions (rows are samples).
pub(crate) fn matrix<'py>(obj: &Bound<'py, PyAny>, name: &str) -> Result<Matrix<'py>> {
    Ok(typed_matrix(obj, name)?.0)
}

/// [`matrix`], with whether the values were integers (integer or bool dtype): a binned
/// estimator with `y_kind="auto"` reads such a Y as labels.
pub(crate) fn typed_matrix<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> Result<(Matrix<'py>, ValueType)> {
    let a = ndarray(obj, name)?;
    let value_type = if matches!(a.dtype().kind(), b'i' | b'u' | b'b') {
        ValueType::Integer
    } else {
        ValueType::Float
    };
    Ok((f64_matrix(a, name)?, value_type))
}

fn f64_matrix<'py>(a: Bound<'py, PyUntypedArray>, name: &str) -> Result<Matrix<'py>> {
    let a = as_f64(a, name)?;
    match a.ndim() {
        1 => {
            let a = a.cast_into::<PyArray1<f64>>().map_err(PyErr::from)?;
            Ok(Matrix::Column(
                a.try_readonly().map_err(|e| borrow_error(name, e))?,
            ))
        }
        2 => {
            let a = a.cast_into::<PyArray2<f64>>().map_err(PyErr::from)?;
            Ok(Matrix::Table(
                a.try_readonly().map_err(|e| borrow_error(name, e))?,
            ))
        }
        _ => Err(shape_error(name, &a, "1-D or 2-D (samples × dims)")),
    }
}

/// A float argument of exactly 1 dimension, copied.
pub(crate) fn vector(obj: &Bound<'_, PyAny>, name: &str) -> Result<Array1<f64>> {
    let a = as_f64(ndarray(obj, name)?, name)?;
    if a.ndim() != 1 {
        return Err(shape_error(name, &a, "1-D"));
    }
    let a = a.cast_into::<PyArray1<f64>>().map_err(PyErr::from)?;
    Ok(a.try_readonly()
        .map_err(|e| borrow_error(name, e))?
        .as_array()
        .to_owned())
}

/// A float argument of any number of dimensions, copied.
pub(crate) fn floats_nd(obj: &Bound<'_, PyAny>, name: &str) -> Result<ndarray::ArrayD<f64>> {
    let a = as_f64(ndarray(obj, name)?, name)?;
    let a = a.cast_into::<PyArrayDyn<f64>>().map_err(PyErr::from)?;
    let view = a.try_readonly().map_err(|e| borrow_error(name, e))?;
    Ok(view.as_array().to_owned())
}

/// A float argument of exactly 3 dimensions, copied into standard layout.
pub(crate) fn cube(obj: &Bound<'_, PyAny>, name: &str) -> Result<Array3<f64>> {
    let a = as_f64(ndarray(obj, name)?, name)?;
    if a.ndim() != 3 {
        return Err(shape_error(name, &a, "3-D ([trial, time, channel])"));
    }
    let a = a.cast_into::<PyArray3<f64>>().map_err(PyErr::from)?;
    let view = a.try_readonly().map_err(|e| borrow_error(name, e))?;
    Ok(view.as_array().as_standard_layout().into_owned())
}

/// Integer symbols (rows are samples; a 1-D array is one column). Integer and bool dtypes are
/// taken as they are; float arrays must hold integral values.
pub(crate) fn symbols(obj: &Bound<'_, PyAny>, name: &str) -> Result<Array2<i64>> {
    let a = ndarray(obj, name)?;
    check_real(&a, name)?;
    if !matches!(a.ndim(), 1 | 2) {
        return Err(shape_error(name, &a, "1-D or 2-D (samples × dims)"));
    }
    let kind = a.dtype().kind();
    if kind == b'u' && a.dtype().itemsize() == 8 {
        // uint64 beyond i64::MAX would wrap: refuse it by value.
        let max = a.call_method0("max");
        if let Ok(m) = max.and_then(|m| m.extract::<u64>())
            && m > i64::MAX as u64
        {
            return Err(Error::Estimator(
                infoscope_estimators::EstimatorError::OutOfRange {
                    argument: leak(name),
                    detail: format!("label {m} does not fit a 64-bit signed integer"),
                },
            ));
        }
    }
    if kind != b'f' {
        let ints = a.call_method1("astype", ("int64",))?;
        let ints = ints.cast_into::<PyArrayDyn<i64>>().map_err(PyErr::from)?;
        let view = ints.try_readonly().map_err(|e| borrow_error(name, e))?;
        return to_table(view.as_array().to_owned(), name);
    }
    let floats = matrix(obj, name)?;
    let v = floats.view();
    if let Some(((row, col), x)) = v
        .indexed_iter()
        .find(|(_, x)| !x.is_finite() || x.fract() != 0.0 || x.abs() > 9.0e15)
    {
        return Err(if x.is_finite() {
            Error::Estimator(infoscope_estimators::EstimatorError::OutOfRange {
                argument: leak(name),
                detail: format!(
                    "value {x} at row {row}, column {col} is not an integer label (give integers, \
                     or bin continuous data first)"
                ),
            })
        } else {
            Error::Estimator(infoscope_estimators::EstimatorError::NonFinite {
                argument: leak(name),
                row,
                col,
                value: *x,
            })
        });
    }
    Ok(v.mapv(|x| x as i64))
}

/// An integer argument (64-bit dtype) holding values beyond ±2⁵³, which float64 cannot tell
/// apart (2⁵³ and 2⁵³ + 1 would be one label): each column replaced by the order-preserving
/// dense ranks of its values, which keeps every label distinct and in order. `None` for any
/// other argument (read as usual).
pub(crate) fn wide_integers(obj: &Bound<'_, PyAny>, name: &str) -> Result<Option<Array2<f64>>> {
    const EXACT: i128 = 1 << 53;
    let a = ndarray(obj, name)?;
    let dtype = a.dtype();
    if !matches!(dtype.kind(), b'i' | b'u') || dtype.itemsize() < 8 || a.len() == 0 {
        return Ok(None);
    }
    let lo: i128 = a.call_method0("min")?.extract()?;
    let hi: i128 = a.call_method0("max")?.extract()?;
    if lo >= -EXACT && hi <= EXACT {
        return Ok(None);
    }
    let table = symbols(obj, name)?;
    let mut ranked = Array2::<f64>::zeros(table.dim());
    for (col, mut out) in table.columns().into_iter().zip(ranked.columns_mut()) {
        let mut distinct: Vec<i64> = col.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        for (o, v) in out.iter_mut().zip(col) {
            *o = distinct.binary_search(v).unwrap_or(0) as f64;
        }
    }
    Ok(Some(ranked))
}

/// One label per sample: a 1-D array, or a 2-D array with one column.
pub(crate) fn labels(obj: &Bound<'_, PyAny>, name: &str) -> Result<Array1<i64>> {
    let t = symbols(obj, name)?;
    if t.ncols() != 1 {
        return Err(Error::Shape {
            argument: name.into(),
            detail: format!(
                "has shape ({}, {}), expected one label per sample (1-D)",
                t.nrows(),
                t.ncols()
            ),
        });
    }
    Ok(t.column(0).to_owned())
}

fn to_table(a: ndarray::ArrayD<i64>, name: &str) -> Result<Array2<i64>> {
    let a = match a.ndim() {
        1 => a.insert_axis(Axis(1)),
        _ => a,
    };
    a.into_dimensionality::<ndarray::Ix2>()
        .map_err(|e| Error::Shape {
            argument: name.into(),
            detail: format!("cannot be read as samples × dims: {e}"),
        })
}

/// The estimator crates name arguments with `&'static str`; the Python names are a small fixed
/// set, so the few distinct ones are interned once.
pub(crate) fn leak(name: &str) -> &'static str {
    const KNOWN: [&str; 13] = [
        "x", "y", "z", "labels", "h", "a", "b", "weights", "cov", "symbols", "p_values", "inputs",
        "states",
    ];
    KNOWN
        .iter()
        .find(|k| **k == name)
        .copied()
        .unwrap_or("argument")
}

/// A 1-D float result.
pub(crate) fn vec_out(py: Python<'_>, v: Vec<f64>) -> Py<PyAny> {
    PyArray1::from_vec(py, v).into_any().unbind()
}

/// A 2-D result of any numpy element type.
pub(crate) fn table_out<T: numpy::Element>(py: Python<'_>, a: Array2<T>) -> Py<PyAny> {
    numpy::IntoPyArray::into_pyarray(a, py).into_any().unbind()
}

/// A 3-D result of any numpy element type.
pub(crate) fn cube_out<T: numpy::Element>(py: Python<'_>, a: Array3<T>) -> Py<PyAny> {
    numpy::IntoPyArray::into_pyarray(a, py).into_any().unbind()
}
