//! Reading and writing `.npy` files and `.npz` archives.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, ArrayD, ArrayViewD, Dimension, Ix2, IxDyn, ShapeBuilder};
use ndarray_npy::npy::header::Header;
use ndarray_npy::{NpzWriter, WriteNpyError, WriteNpyExt, WriteNpzError};
use zip::ZipArchive;

use crate::array::{LoadedArray, NumericArray};
use crate::atomic::{write_atomic_file, write_error};
use crate::error::{IoError, Result};
use crate::source::ArraySource;

/// The element types infoscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dtype {
    F64,
    F32,
    F16,
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

/// A dtype with its byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Descr {
    dtype: Dtype,
    big_endian: bool,
}

impl Descr {
    /// The dtype of a numpy `descr` string: an optional byte order (`<`, `>`, `|`, `=`), a
    /// kind (`f`, `i`, `u`, `b`) and a size, or the one-letter codes `b`, `B` and `?`.
    fn parse(descr: &str) -> Option<Self> {
        let single = match descr {
            "b" => Some(Dtype::I8),
            "B" => Some(Dtype::U8),
            "?" => Some(Dtype::Bool),
            _ => None,
        };
        if let Some(dtype) = single {
            return Some(Self {
                dtype,
                big_endian: false,
            });
        }
        let (big_endian, rest) = match descr.as_bytes().first()? {
            b'<' | b'|' => (false, &descr[1..]),
            b'>' => (true, &descr[1..]),
            b'=' => (cfg!(target_endian = "big"), &descr[1..]),
            _ => (false, descr),
        };
        let dtype = match rest {
            "f8" => Dtype::F64,
            "f4" => Dtype::F32,
            "f2" | "e" => Dtype::F16,
            "i8" => Dtype::I64,
            "i4" => Dtype::I32,
            "i2" => Dtype::I16,
            "i1" => Dtype::I8,
            "u8" => Dtype::U64,
            "u4" => Dtype::U32,
            "u2" => Dtype::U16,
            "u1" => Dtype::U8,
            "b1" => Dtype::Bool,
            _ => return None,
        };
        Some(Self { dtype, big_endian })
    }
}

impl Dtype {
    /// The numpy name.
    fn name(self) -> &'static str {
        match self {
            Self::F64 => "float64",
            Self::F32 => "float32",
            Self::F16 => "float16",
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
            Self::F16 | Self::I16 | Self::U16 => 2,
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
/// float64, float32 and float16 (read exactly as [`NumericArray::Float`]) and int64, int32,
/// int16, int8, uint64, uint32, uint16, uint8 and bool (read as [`NumericArray::Int`], bool
/// as 0/1), in either byte order and in C or Fortran order; the result is always in C order.
/// Compressed (`np.savez_compressed`) archives are read too.
///
/// Before anything is allocated or inflated, the size the header declares is checked against
/// the memory budget ([`infoscope_budget::check`]) and against the bytes present; an archive
/// member is never inflated beyond the size its header implies. So a truncated or forged
/// file, or a zip bomb, is refused rather than read.
///
/// # Errors
///
/// [`IoError::UnknownExtension`] (neither `.npy` nor `.npz`), [`IoError::KeyOnNpy`],
/// [`IoError::NotFound`], [`IoError::Read`], [`IoError::Corrupt`] (bad header, truncated
/// data, data longer than the header declares, invalid zip), [`IoError::TooLarge`] (over the
/// memory budget), [`IoError::MissingKey`], [`IoError::AmbiguousKey`], [`IoError::Empty`],
/// [`IoError::UnsupportedDtype`], [`IoError::ValueOutOfRange`] (a uint64 above `i64::MAX`).
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
            let file = open(path)?;
            let len = file.metadata().map_err(|e| read_error(path, e))?.len();
            let (data, dtype) = read_npy_stream(BufReader::new(file), Some(len), path, None)?;
            Ok(LoadedArray {
                data,
                dtype: dtype.name().to_owned(),
                source: src.clone(),
            })
        }
        Kind::Npz => {
            let mut zip = open_zip(path)?;
            let member = pick_member(&zip, path, src.key.as_deref())?;
            let key = display_name(&member).to_owned();
            let file = zip.by_name(&member).map_err(|e| {
                corrupt(path, Some(&key), format!("cannot open archive member: {e}"))
            })?;
            let declared = file.size();
            let (data, dtype) = read_npy_stream(file, Some(declared), path, Some(&key))?;
            Ok(LoadedArray {
                data,
                dtype: dtype.name().to_owned(),
                source: ArraySource::with_key(path, key),
            })
        }
    }
}

/// The names of the arrays in an `.npz` archive (without the `.npy` suffix), in archive order.
///
/// Reads only the archive's directory, no array.
///
/// # Errors
///
/// [`IoError::NotFound`], [`IoError::Read`], [`IoError::Corrupt`] (not a zip archive).
pub fn npz_keys(path: &Path) -> Result<Vec<String>> {
    let zip = open_zip(path)?;
    Ok(zip
        .file_names()
        .map(|n| display_name(n).to_owned())
        .collect())
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

/// [`IoError::Read`] for `path`.
fn read_error(path: &Path, source: std::io::Error) -> IoError {
    IoError::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// Opens `path` for reading, mapping a missing file to [`IoError::NotFound`].
fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            IoError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            read_error(path, source)
        }
    })
}

/// The archive at `path`, reading only its directory.
fn open_zip(path: &Path) -> Result<ZipArchive<BufReader<File>>> {
    let file = open(path)?;
    ZipArchive::new(BufReader::new(file))
        .map_err(|e| corrupt(path, None, format!("not a valid .npz (zip) archive: {e}")))
}

/// A member name without the `.npy` suffix numpy adds.
fn display_name(member: &str) -> &str {
    member.strip_suffix(".npy").unwrap_or(member)
}

/// The member named by `key` (with or without `.npy`), or the archive's only one.
fn pick_member<R: Read + std::io::Seek>(
    zip: &ZipArchive<R>,
    path: &Path,
    key: Option<&str>,
) -> Result<String> {
    let names: Vec<&str> = zip.file_names().collect();
    let available = || names.iter().map(|n| display_name(n).to_owned()).collect();
    match key {
        Some(key) => {
            let with_suffix = format!("{key}.npy");
            if names.contains(&key) {
                Ok(key.to_owned())
            } else if names.contains(&with_suffix.as_str()) {
                Ok(with_suffix)
            } else {
                Err(IoError::MissingKey {
                    path: path.to_path_buf(),
                    key: key.to_owned(),
                    available: available(),
                })
            }
        }
        None => match names.as_slice() {
            [only] => Ok((*only).to_owned()),
            [] => Err(IoError::Empty {
                path: path.to_path_buf(),
            }),
            _ => Err(IoError::AmbiguousKey {
                path: path.to_path_buf(),
                available: available(),
            }),
        },
    }
}

/// A reader that counts the bytes it has handed out.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// The bytes an array of `shape` and `dtype` holds in the file, and the memory reading it
/// needs (the file's bytes plus the 8-byte values they become), both saturating.
fn array_sizes(shape: &[usize], item_size: usize) -> (u128, u128) {
    let count = shape
        .iter()
        .fold(1_u128, |acc, &d| acc.saturating_mul(d as u128));
    (
        infoscope_budget::bytes_of(count, item_size),
        infoscope_budget::bytes_of(count, item_size + 8),
    )
}

/// Reads an `.npy` image from `reader`: the header, then exactly the data it declares.
///
/// `total` is the image's size where it is known beforehand (the file's length, the archive
/// member's declared size): a size that disagrees with the header is refused before reading
/// the data. The declared size is also checked against the memory budget, and never more than
/// one byte past the declared data is read.
fn read_npy_stream<R: Read>(
    reader: R,
    total: Option<u64>,
    path: &Path,
    key: Option<&str>,
) -> Result<(NumericArray, Dtype)> {
    let mut reader = Counted {
        inner: reader,
        count: 0,
    };
    let header = Header::from_reader(&mut reader)
        .map_err(|e| corrupt(path, key, format!("invalid .npy header: {e}")))?;
    let Some(descr) = header
        .type_descriptor
        .as_string()
        .and_then(|d| Descr::parse(d))
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
    let dtype = descr.dtype;
    let shape = header.shape.clone();

    // Sizes first: the memory budget, then the bytes present, before any allocation.
    let (file_bytes, needed) = array_sizes(&shape, dtype.item_size());
    infoscope_budget::check(needed).map_err(|source| IoError::TooLarge {
        path: path.to_path_buf(),
        key: key.map(str::to_owned),
        what: format!(
            "the array (shape {shape:?} of {}, {} of data)",
            dtype.name(),
            infoscope_budget::human_bytes(file_bytes)
        ),
        source: Box::new(source),
    })?;
    let Some(n_bytes) = usize::try_from(file_bytes)
        .ok()
        .filter(|&n| isize::try_from(n).is_ok())
    else {
        return Err(corrupt(
            path,
            key,
            format!("header declares shape {shape:?}, which is too large to address"),
        ));
    };
    if let Some(total) = total {
        let available = total.saturating_sub(reader.count);
        let expected = n_bytes as u64;
        if available < expected {
            return Err(corrupt(
                path,
                key,
                format!(
                    "truncated: header declares shape {shape:?} of {} ({expected} bytes), \
                     but only {available} bytes of data follow",
                    dtype.name()
                ),
            ));
        }
        if available > expected {
            return Err(corrupt(
                path,
                key,
                format!(
                    "{} unexpected bytes after the data of shape {shape:?} ({expected} bytes)",
                    available - expected
                ),
            ));
        }
    }

    let stream_error = |e: std::io::Error| match key {
        Some(_) => corrupt(path, key, format!("cannot extract archive member: {e}")),
        None => read_error(path, e),
    };
    let mut data = Vec::with_capacity(n_bytes);
    (&mut reader)
        .take(n_bytes as u64)
        .read_to_end(&mut data)
        .map_err(stream_error)?;
    if data.len() < n_bytes {
        return Err(corrupt(
            path,
            key,
            format!(
                "truncated: header declares shape {shape:?} of {} ({n_bytes} bytes), \
                 but only {} bytes of data follow",
                dtype.name(),
                data.len()
            ),
        ));
    }
    // One byte more must be the end (this also lets the archive check its checksum).
    let mut probe = [0_u8; 1];
    if reader.read(&mut probe).map_err(stream_error)? > 0 {
        return Err(corrupt(
            path,
            key,
            format!(
                "more data than the header declares (shape {shape:?} of {}, {n_bytes} bytes); \
                 the rest was not read",
                dtype.name()
            ),
        ));
    }
    let values = decode(&data, descr, &shape, header.layout.is_fortran(), path, key)?;
    Ok((standard_layout(values), dtype))
}

/// The fixed-size words of `data`, each turned into a value by `le` or `be`.
fn words<const N: usize, T>(
    data: &[u8],
    big_endian: bool,
    le: fn([u8; N]) -> T,
    be: fn([u8; N]) -> T,
) -> Vec<T> {
    data.chunks_exact(N)
        .map(|chunk| {
            let mut word = [0_u8; N];
            word.copy_from_slice(chunk);
            if big_endian { be(word) } else { le(word) }
        })
        .collect()
}

/// An IEEE half-precision value, exactly as `f64`.
fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 == 0 { 1.0 } else { -1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = f64::from(bits & 0x3ff);
    match exponent {
        0 => sign * fraction * 2_f64.powi(-24),
        0x1f if fraction == 0.0 => sign * f64::INFINITY,
        0x1f => f64::NAN,
        e => sign * (1.0 + fraction / 1024.0) * 2_f64.powi(e - 15),
    }
}

/// The values of the data bytes (whose length has been checked) in the logical shape.
fn decode(
    data: &[u8],
    descr: Descr,
    shape: &[usize],
    fortran: bool,
    path: &Path,
    key: Option<&str>,
) -> Result<NumericArray> {
    fn shaped<T>(values: Vec<T>, shape: &[usize], fortran: bool) -> Option<ArrayD<T>> {
        ArrayD::from_shape_vec(IxDyn(shape).set_f(fortran), values).ok()
    }
    let big = descr.big_endian;
    let floats = |v: Vec<f64>| shaped(v, shape, fortran).map(NumericArray::Float);
    let ints = |v: Vec<i64>| shaped(v, shape, fortran).map(NumericArray::Int);
    let out = match descr.dtype {
        Dtype::F64 => floats(words(data, big, f64::from_le_bytes, f64::from_be_bytes)),
        Dtype::F32 => floats(
            words(data, big, f32::from_le_bytes, f32::from_be_bytes)
                .into_iter()
                .map(f64::from)
                .collect(),
        ),
        Dtype::F16 => floats(
            words(data, big, u16::from_le_bytes, u16::from_be_bytes)
                .into_iter()
                .map(f16_to_f64)
                .collect(),
        ),
        Dtype::I64 => ints(words(data, big, i64::from_le_bytes, i64::from_be_bytes)),
        Dtype::I32 => ints(widen(words(
            data,
            big,
            i32::from_le_bytes,
            i32::from_be_bytes,
        ))),
        Dtype::I16 => ints(widen(words(
            data,
            big,
            i16::from_le_bytes,
            i16::from_be_bytes,
        ))),
        Dtype::I8 => ints(widen(words(
            data,
            big,
            i8::from_le_bytes,
            i8::from_be_bytes,
        ))),
        Dtype::U32 => ints(widen(words(
            data,
            big,
            u32::from_le_bytes,
            u32::from_be_bytes,
        ))),
        Dtype::U16 => ints(widen(words(
            data,
            big,
            u16::from_le_bytes,
            u16::from_be_bytes,
        ))),
        Dtype::U8 => ints(data.iter().map(|&b| i64::from(b)).collect()),
        Dtype::Bool => ints(data.iter().map(|&b| i64::from(b != 0)).collect()),
        Dtype::U64 => {
            let raw = words(data, big, u64::from_le_bytes, u64::from_be_bytes);
            let Some(a) = shaped(raw, shape, fortran) else {
                return Err(corrupt(
                    path,
                    key,
                    format!("cannot shape data as {shape:?}"),
                ));
            };
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
            Some(NumericArray::Int(
                a.mapv(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            ))
        }
    };
    out.ok_or_else(|| corrupt(path, key, format!("cannot shape data as {shape:?}")))
}

/// Integers widened to `i64`.
fn widen<T: Into<i64>>(values: Vec<T>) -> Vec<i64> {
    values.into_iter().map(Into::into).collect()
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
