//! Reading and writing `.npy` files and `.npz` archives.

use std::fs::File;
use std::io::{BufWriter, Cursor, Read, Write};
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, ArrayD, ArrayViewD, Dimension, Ix2};
use ndarray_npy::npy::header::Header;
use ndarray_npy::{
    NpzWriter, ReadNpyExt, ReadableElement, WriteNpyError, WriteNpyExt, WriteNpzError,
};
use zip::ZipArchive;

use crate::array::{LoadedArray, NumericArray};
use crate::atomic::{read_file, write_atomic_file, write_error};
use crate::error::{IoError, Result};
use crate::source::ArraySource;

/// The element types infoscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dtype {
    F64,
    F32,
    I64,
    I32,
    I16,
    I8,
    U64,
    U32,
    U16,
    U8,
    Bool,
}

impl Dtype {
    /// The dtype of a numpy `descr` string, limited to the spellings ndarray-npy reads.
    fn from_descr(descr: &str) -> Option<Self> {
        Some(match descr {
            "<f8" | ">f8" => Self::F64,
            "<f4" | ">f4" => Self::F32,
            "<i8" | ">i8" => Self::I64,
            "<i4" | ">i4" => Self::I32,
            "<i2" | ">i2" => Self::I16,
            "|i1" | "i1" | "b" => Self::I8,
            "<u8" | ">u8" => Self::U64,
            "<u4" | ">u4" => Self::U32,
            "<u2" | ">u2" => Self::U16,
            "|u1" | "u1" | "B" => Self::U8,
            "|b1" => Self::Bool,
            _ => return None,
        })
    }

    /// The numpy name.
    fn name(self) -> &'static str {
        match self {
            Self::F64 => "float64",
            Self::F32 => "float32",
            Self::I64 => "int64",
            Self::I32 => "int32",
            Self::I16 => "int16",
            Self::I8 => "int8",
            Self::U64 => "uint64",
            Self::U32 => "uint32",
            Self::U16 => "uint16",
            Self::U8 => "uint8",
            Self::Bool => "bool",
        }
    }

    /// Bytes per element.
    fn item_size(self) -> usize {
        match self {
            Self::F64 | Self::I64 | Self::U64 => 8,
            Self::F32 | Self::I32 | Self::U32 => 4,
            Self::I16 | Self::U16 => 2,
            Self::I8 | Self::U8 | Self::Bool => 1,
        }
    }
}

/// The file kinds told apart by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Npy,
    Npz,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("npy") {
        Some(Kind::Npy)
    } else if ext.eq_ignore_ascii_case("npz") {
        Some(Kind::Npz)
    } else {
        None
    }
}

/// Reads one array from a `.npy` file or an `.npz` archive.
///
/// For an `.npz`, `src.key` selects the array (given with or without the `.npy` suffix numpy
/// stores); without a key the archive must hold exactly one array. Supported dtypes are
/// float64 and float32 (read as [`NumericArray::Float`]) and int64, int32, int16, int8,
/// uint64, uint32, uint16, uint8 and bool (read as [`NumericArray::Int`], bool as 0/1), in
/// either byte order and in C or Fortran order; the result is always in C order. Compressed
/// (`np.savez_compressed`) archives are read too.
///
/// The declared size of the data is checked against the bytes present before anything is
/// allocated, so a truncated or forged file is refused rather than read.
///
/// # Errors
///
/// [`IoError::UnknownExtension`] (neither `.npy` nor `.npz`), [`IoError::KeyOnNpy`],
/// [`IoError::NotFound`], [`IoError::Read`], [`IoError::Corrupt`] (bad header, truncated
/// data, invalid zip), [`IoError::MissingKey`], [`IoError::AmbiguousKey`],
/// [`IoError::Empty`], [`IoError::UnsupportedDtype`], [`IoError::ValueOutOfRange`] (a uint64
/// above `i64::MAX`).
///
/// ```
/// use infoscope_io::{read_array, write_npz, ArraySource};
/// use ndarray::array;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("rec.npz");
/// let hidden = array![[0.5, -1.0], [2.0, 0.0]].into_dyn();
/// let labels = array![1.0, 0.0].into_dyn();
/// write_npz(&path, &[("hidden", hidden.view()), ("labels", labels.view())])?;
///
/// let spec = format!("{}:hidden", path.display());
/// let loaded = read_array(&ArraySource::parse(&spec))?;
/// assert_eq!(loaded.dtype, "float64");
/// assert_eq!(loaded.to_f64(), hidden);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_array(src: &ArraySource) -> Result<LoadedArray> {
    let path = src.path.as_path();
    let kind = kind_of(path).ok_or_else(|| IoError::UnknownExtension {
        path: path.to_path_buf(),
    })?;
    match kind {
        Kind::Npy => {
            if let Some(key) = &src.key {
                return Err(IoError::KeyOnNpy {
                    path: path.to_path_buf(),
                    key: key.clone(),
                });
            }
            let bytes = read_file(path)?;
            let (data, dtype) = decode_npy(&bytes, path, None)?;
            Ok(LoadedArray {
                data,
                dtype: dtype.name().to_owned(),
                source: src.clone(),
            })
        }
        Kind::Npz => {
            let bytes = read_file(path)?;
            let (member, bytes) = extract_member(bytes, path, src.key.as_deref())?;
            let key = display_name(&member).to_owned();
            let (data, dtype) = decode_npy(&bytes, path, Some(&key))?;
            Ok(LoadedArray {
                data,
                dtype: dtype.name().to_owned(),
                source: ArraySource::with_key(path, key),
            })
        }
    }
}

/// Reads an array as a matrix of samples (rows) by dimensions (columns), converted to `f64`.
///
/// A 1-D array of length `n` becomes `(n, 1)`; a 2-D array is returned as it is. Returns the
/// matrix and the file's dtype name (e.g. `"float32"`).
///
/// # Errors
///
/// Those of [`read_array`], and [`IoError::Shape`] for a 0-D array or one with more than two
/// axes.
pub fn read_matrix(src: &ArraySource) -> Result<(Array2<f64>, String)> {
    let LoadedArray {
        data,
        dtype,
        source,
    } = read_array(src)?;
    let shape = data.shape().to_vec();
    let shape_error = |detail: String| IoError::Shape {
        path: source.path.clone(),
        key: source.key.clone(),
        detail,
    };
    let matrix = match shape.as_slice() {
        [n] => {
            let n = *n;
            data.into_f64()
                .into_shape_with_order((n, 1))
                .map_err(|e| shape_error(format!("cannot view shape [{n}] as [{n}, 1]: {e}")))?
        }
        [_, _] => data
            .into_f64()
            .into_dimensionality::<Ix2>()
            .map_err(|e| shape_error(e.to_string()))?,
        _ => {
            return Err(shape_error(format!(
                "expected a 1-D or 2-D array (samples × dimensions), got shape {shape:?}"
            )));
        }
    };
    Ok((matrix, dtype))
}

/// Reads integer labels (e.g. classes or stimulus conditions), one per sample.
///
/// Accepts integer and bool arrays, and float arrays whose values are all whole numbers, of
/// shape `(n,)` or `(n, 1)`.
///
/// # Errors
///
/// Those of [`read_array`]; [`IoError::Shape`] for any other shape; [`IoError::NotIntegral`]
/// naming the first value that is not a whole number (or not finite);
/// [`IoError::ValueOutOfRange`] for a whole number beyond the `i64` range.
pub fn read_labels(src: &ArraySource) -> Result<Array1<i64>> {
    let loaded = read_array(src)?;
    let LoadedArray { data, source, .. } = loaded;
    match data.shape() {
        [_] | [_, 1] => {}
        shape => {
            return Err(IoError::Shape {
                path: source.path,
                key: source.key,
                detail: format!("labels must have shape (n,) or (n, 1), got {shape:?}"),
            });
        }
    }
    match data {
        NumericArray::Int(a) => Ok(a.iter().copied().collect()),
        NumericArray::Float(a) => {
            // 2^63: the first f64 above i64::MAX.
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            let mut out = Vec::with_capacity(a.len());
            for (index, &value) in a.iter().enumerate() {
                if !value.is_finite() || value.trunc() != value {
                    return Err(IoError::NotIntegral {
                        path: source.path,
                        key: source.key,
                        index,
                        value,
                    });
                }
                if !(-LIMIT..LIMIT).contains(&value) {
                    return Err(IoError::ValueOutOfRange {
                        path: source.path,
                        detail: format!(
                            "{}label {index} is {value}, outside the int64 range",
                            array_label(source.key.as_deref())
                        ),
                    });
                }
                #[allow(clippy::cast_possible_truncation)]
                out.push(value as i64);
            }
            Ok(Array1::from(out))
        }
    }
}

/// `"array 'key': "` or nothing, to prefix details.
fn array_label(key: Option<&str>) -> String {
    key.map(|k| format!("array '{k}': ")).unwrap_or_default()
}

fn corrupt(path: &Path, key: Option<&str>, detail: impl std::fmt::Display) -> IoError {
    IoError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("{}{detail}", array_label(key)),
    }
}

/// A member name without the `.npy` suffix numpy adds.
fn display_name(member: &str) -> &str {
    member.strip_suffix(".npy").unwrap_or(member)
}

/// Picks the member named by `key` (or the only one) and returns its name and bytes.
fn extract_member(bytes: Vec<u8>, path: &Path, key: Option<&str>) -> Result<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(path, None, format!("not a valid .npz (zip) archive: {e}")))?;
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let available = || names.iter().map(|n| display_name(n).to_owned()).collect();
    let member = match key {
        Some(key) => {
            let with_suffix = format!("{key}.npy");
            if names.iter().any(|n| n == key) {
                key.to_owned()
            } else if names.contains(&with_suffix) {
                with_suffix
            } else {
                return Err(IoError::MissingKey {
                    path: path.to_path_buf(),
                    key: key.to_owned(),
                    available: available(),
                });
            }
        }
        None => match names.as_slice() {
            [only] => only.clone(),
            [] => {
                return Err(IoError::Empty {
                    path: path.to_path_buf(),
                });
            }
            _ => {
                return Err(IoError::AmbiguousKey {
                    path: path.to_path_buf(),
                    available: available(),
                });
            }
        },
    };
    let shown = display_name(&member).to_owned();
    let mut file = zip.by_name(&member).map_err(|e| {
        corrupt(
            path,
            Some(&shown),
            format!("cannot open archive member: {e}"),
        )
    })?;
    // The declared size is only a hint (it could be forged): cap the up-front reservation.
    let hint = usize::try_from(file.size()).unwrap_or(0).min(1 << 26);
    let mut data = Vec::with_capacity(hint);
    file.read_to_end(&mut data).map_err(|e| {
        corrupt(
            path,
            Some(&shown),
            format!("cannot extract archive member: {e}"),
        )
    })?;
    drop(file);
    Ok((member, data))
}

/// Parses a complete `.npy` image.
fn decode_npy(bytes: &[u8], path: &Path, key: Option<&str>) -> Result<(NumericArray, Dtype)> {
    let mut cursor = Cursor::new(bytes);
    let header = Header::from_reader(&mut cursor)
        .map_err(|e| corrupt(path, key, format!("invalid .npy header: {e}")))?;
    let Some(dtype) = header
        .type_descriptor
        .as_string()
        .and_then(|d| Dtype::from_descr(d))
    else {
        let descr = header
            .type_descriptor
            .as_string()
            .cloned()
            .unwrap_or_else(|| header.type_descriptor.to_string());
        return Err(IoError::UnsupportedDtype {
            path: path.to_path_buf(),
            key: key.map(str::to_owned),
            dtype: descr,
        });
    };

    // Check the declared size against the bytes present before anything is allocated.
    let header_len = usize::try_from(cursor.position()).unwrap_or(usize::MAX);
    let available = bytes.len().saturating_sub(header_len);
    let shape = &header.shape;
    let expected = shape
        .iter()
        .try_fold(1_usize, |acc, &d| acc.checked_mul(d))
        .and_then(|n| n.checked_mul(dtype.item_size()))
        .filter(|&n| isize::try_from(n).is_ok());
    match expected {
        None => {
            return Err(corrupt(
                path,
                key,
                format!("header declares shape {shape:?}, which is too large"),
            ));
        }
        Some(n) if n > available => {
            return Err(corrupt(
                path,
                key,
                format!(
                    "truncated: header declares shape {shape:?} of {} ({n} bytes), \
                     but only {available} bytes of data follow",
                    dtype.name()
                ),
            ));
        }
        Some(n) if n < available => {
            return Err(corrupt(
                path,
                key,
                format!(
                    "{} unexpected bytes after the data of shape {shape:?}",
                    available - n
                ),
            ));
        }
        Some(_) => {}
    }

    let data = match dtype {
        Dtype::F64 => NumericArray::Float(read_typed::<f64>(bytes, path, key)?),
        Dtype::F32 => NumericArray::Float(read_typed::<f32>(bytes, path, key)?.mapv(f64::from)),
        Dtype::I64 => NumericArray::Int(read_typed::<i64>(bytes, path, key)?),
        Dtype::I32 => NumericArray::Int(read_typed::<i32>(bytes, path, key)?.mapv(i64::from)),
        Dtype::I16 => NumericArray::Int(read_typed::<i16>(bytes, path, key)?.mapv(i64::from)),
        Dtype::I8 => NumericArray::Int(read_typed::<i8>(bytes, path, key)?.mapv(i64::from)),
        Dtype::U32 => NumericArray::Int(read_typed::<u32>(bytes, path, key)?.mapv(i64::from)),
        Dtype::U16 => NumericArray::Int(read_typed::<u16>(bytes, path, key)?.mapv(i64::from)),
        Dtype::U8 => NumericArray::Int(read_typed::<u8>(bytes, path, key)?.mapv(i64::from)),
        Dtype::Bool => NumericArray::Int(read_typed::<bool>(bytes, path, key)?.mapv(i64::from)),
        Dtype::U64 => {
            let a = read_typed::<u64>(bytes, path, key)?;
            if let Some((index, value)) =
                a.indexed_iter().find(|(_, v)| i64::try_from(**v).is_err())
            {
                return Err(IoError::ValueOutOfRange {
                    path: path.to_path_buf(),
                    detail: format!(
                        "{}uint64 element at index {:?} is {value}, above the int64 maximum {}",
                        array_label(key),
                        index.slice(),
                        i64::MAX
                    ),
                });
            }
            NumericArray::Int(a.mapv(|v| i64::try_from(v).unwrap_or(i64::MAX)))
        }
    };
    Ok((standard_layout(data), dtype))
}

/// Reads the whole image as elements of type `T` (the dtype has been checked).
fn read_typed<T: ReadableElement>(
    bytes: &[u8],
    path: &Path,
    key: Option<&str>,
) -> Result<ArrayD<T>> {
    ArrayD::<T>::read_npy(Cursor::new(bytes)).map_err(|e| corrupt(path, key, e))
}

/// The same array in C order (copies only a Fortran-order array).
fn standard_layout(data: NumericArray) -> NumericArray {
    fn c_order<T: Clone>(a: ArrayD<T>) -> ArrayD<T> {
        if a.is_standard_layout() {
            a
        } else {
            a.as_standard_layout().into_owned()
        }
    }
    match data {
        NumericArray::Float(a) => NumericArray::Float(c_order(a)),
        NumericArray::Int(a) => NumericArray::Int(c_order(a)),
    }
}

/// Writes one array as an `.npy` file, atomically (see [`write_atomic`](crate::write_atomic)).
///
/// Any array of an element type ndarray-npy writes (`f64`, `f32`, integers, `bool`) and any
/// layout; the file is C order unless the array is Fortran-contiguous.
///
/// # Errors
///
/// [`IoError::Write`], or [`IoError::Serialize`] if the header cannot be formatted.
pub fn write_npy<T: WriteNpyExt + ?Sized>(path: &Path, array: &T) -> Result<()> {
    write_atomic_file(path, |file| {
        let mut writer = BufWriter::new(file);
        array
            .write_npy(&mut writer)
            .map_err(|e| npy_write_error(path, e))?;
        writer.flush().map_err(|e| write_error(path, e))
    })
}

/// Writes `f64` arrays into an uncompressed `.npz` archive, atomically; each `name` is stored
/// as `name.npy`, as `numpy.savez` does.
///
/// # Errors
///
/// [`IoError::Write`]; [`IoError::Serialize`] for a name given twice.
pub fn write_npz(path: &Path, entries: &[(&str, ArrayViewD<'_, f64>)]) -> Result<()> {
    write_npz_with(path, |npz| {
        entries
            .iter()
            .try_for_each(|(name, array)| npz.add(name, array))
    })
}

/// Writes an uncompressed `.npz` archive of arrays of any element types, atomically: `f`
/// adds the arrays to the [`NpzSink`].
///
/// ```
/// use infoscope_io::{read_array, write_npz_with, ArraySource};
/// use ndarray::array;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("rec.npz");
/// write_npz_with(&path, |npz| {
///     npz.add("hidden", &array![[0.5_f32, 1.0]])?;
///     npz.add("labels", &array![3_i64])?;
///     npz.add("mask", &array![true])
/// })?;
/// let mask = read_array(&ArraySource::with_key(&path, "mask"))?;
/// assert_eq!(mask.dtype, "bool");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Any error `f` returns; [`IoError::Write`]; [`IoError::Serialize`].
pub fn write_npz_with<F>(path: &Path, f: F) -> Result<()>
where
    F: FnOnce(&mut NpzSink<'_>) -> Result<()>,
{
    write_atomic_file(path, |file| {
        let mut sink = NpzSink {
            writer: NpzWriter::new(file),
            path: path.to_path_buf(),
            names: Vec::new(),
        };
        f(&mut sink)?;
        sink.writer.finish().map_err(|e| npz_write_error(path, e))?;
        Ok(())
    })
}

/// Collects the arrays of an `.npz` archive being written by [`write_npz_with`].
pub struct NpzSink<'a> {
    writer: NpzWriter<&'a mut File>,
    path: PathBuf,
    names: Vec<String>,
}

impl NpzSink<'_> {
    /// Adds `array` under `name` (stored as `name.npy`).
    ///
    /// # Errors
    ///
    /// [`IoError::Serialize`] if `name` was added before; [`IoError::Write`].
    pub fn add<T: WriteNpyExt + ?Sized>(&mut self, name: &str, array: &T) -> Result<()> {
        if self.names.iter().any(|n| n == name) {
            return Err(IoError::Serialize {
                path: self.path.clone(),
                detail: format!("array name '{name}' given twice"),
            });
        }
        self.writer
            .add_array(name, array)
            .map_err(|e| npz_write_error(&self.path, e))?;
        self.names.push(name.to_owned());
        Ok(())
    }

    /// The names added so far, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

fn npy_write_error(path: &Path, e: WriteNpyError) -> IoError {
    match e {
        WriteNpyError::Io(source) => write_error(path, source),
        other => IoError::Serialize {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

fn npz_write_error(path: &Path, e: WriteNpzError) -> IoError {
    match e {
        WriteNpzError::Npy(e) => npy_write_error(path, e),
        WriteNpzError::Zip(zip::result::ZipError::Io(source)) => write_error(path, source),
        WriteNpzError::Zip(other) => IoError::Serialize {
            path: path.to_path_buf(),
            detail: format!("zip archive: {other}"),
        },
    }
}
