//! # infoscope-io
//!
//! Brief overview: the file I/O every infoscope crate shares: arrays from `.npy` / `.npz`
//! files, and atomic writes of arrays, JSON and text. It depends on no other infoscope crate.
//!
//! - **Where an array is**: [`ArraySource`], written `FILE[:key]` (`rec.npz:hidden`).
//! - **Reading**: [`read_array`] gives a [`LoadedArray`] (floats or integers, with the file's
//!   dtype); [`read_matrix`] gives `(samples, dims)` as `f64` (1-D data as `(n, 1)`);
//!   [`read_labels`] gives integer labels; [`npz_keys`] lists an archive's arrays; [`read_json`] any deserialisable type.
//! - **Writing**, always atomically (temporary file in the same directory, synced, then
//!   renamed): [`write_atomic`] for any bytes, [`write_npy`], [`write_npz`] /
//!   [`write_npz_with`], [`write_json`], [`write_text`], [`write_bytes`].
//! - **Errors**: one [`IoError`] enum whose messages name the file and what was wrong.
//!
//! ```
//! use infoscope_io::{read_matrix, write_npy, ArraySource};
//! use ndarray::array;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("x.npy");
//! write_npy(&path, &array![1_i32, 2, 3])?;
//! let (x, dtype) = read_matrix(&ArraySource::new(&path))?;
//! assert_eq!(x, array![[1.0], [2.0], [3.0]]);
//! assert_eq!(dtype, "int32");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod array;
mod atomic;
mod error;
mod npy;
mod source;

pub use array::{LoadedArray, NumericArray};
pub use atomic::{read_json, write_atomic, write_bytes, write_json, write_text};
pub use error::{IoError, Result};
pub use npy::{
    NpzSink, npz_keys, read_array, read_labels, read_matrix, write_npy, write_npz, write_npz_with,
};
pub use source::ArraySource;
