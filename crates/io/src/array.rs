//! Arrays as read from disk: floats or integers, with the dtype the file stated.

use ndarray::ArrayD;

use crate::source::ArraySource;

/// The numeric content of an array file: floating point or integer.
///
/// Both are always in standard (C, row-major) layout, whatever the file's order.
#[derive(Debug, Clone, PartialEq)]
pub enum NumericArray {
    /// `float64`, `float32` and `float16` files (float32 and float16 widened exactly).
    Float(ArrayD<f64>),
    /// Integer and `bool` files (bool as 0/1), widened exactly to `i64`.
    Int(ArrayD<i64>),
}

impl NumericArray {
    /// Whether the array holds integers (from an integer or `bool` dtype).
    pub fn is_integer(&self) -> bool {
        matches!(self, Self::Int(_))
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        match self {
            Self::Float(a) => a.shape(),
            Self::Int(a) => a.shape(),
        }
    }

    /// The number of axes.
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    /// A floating-point copy. Integers with magnitude up to 2^53 (every int32, uint32 and
    /// smaller value) convert exactly; larger ones round to the nearest `f64`.
    pub fn to_f64(&self) -> ArrayD<f64> {
        match self {
            Self::Float(a) => a.clone(),
            Self::Int(a) => a.mapv(int_to_f64),
        }
    }

    /// Like [`to_f64`](Self::to_f64), without copying a float array.
    pub fn into_f64(self) -> ArrayD<f64> {
        match self {
            Self::Float(a) => a,
            Self::Int(a) => a.mapv(int_to_f64),
        }
    }
}

/// `i64` to the nearest `f64` (exact up to 2^53 in magnitude).
#[allow(clippy::cast_precision_loss)]
fn int_to_f64(v: i64) -> f64 {
    v as f64
}

/// An array read by [`read_array`](crate::read_array), with where it came from and what type
/// the file stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedArray {
    /// The values.
    pub data: NumericArray,
    /// The file's dtype as numpy names it: `float64`, `float32`, `float16`, `int64`, `int32`,
    /// `int16`, `int8`, `uint64`, `uint32`, `uint16`, `uint8` or `bool`.
    pub dtype: String,
    /// The file and, for an `.npz`, the key actually read (filled in when the archive's only
    /// array was taken without a key).
    pub source: ArraySource,
}

impl LoadedArray {
    /// The shape.
    pub fn shape(&self) -> &[usize] {
        self.data.shape()
    }

    /// Whether the array holds integers (from an integer or `bool` dtype).
    pub fn is_integer(&self) -> bool {
        self.data.is_integer()
    }

    /// A floating-point copy (see [`NumericArray::to_f64`]).
    pub fn to_f64(&self) -> ArrayD<f64> {
        self.data.to_f64()
    }

    /// The values as floating point, without copying a float array.
    pub fn into_f64(self) -> ArrayD<f64> {
        self.data.into_f64()
    }
}
