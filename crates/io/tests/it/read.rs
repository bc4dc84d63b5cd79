//! `read_array`, `read_matrix`, `read_labels`: dtypes, layouts, keys and every refusal.

use std::fs;
use std::path::{Path, PathBuf};

use infoscope_io::{ArraySource, IoError, NumericArray, read_array, read_labels, read_matrix};
use ndarray::{Array, ArrayD, IxDyn, array};
use ndarray_npy::{NpzWriter, WriteNpyExt};
use tempfile::TempDir;

use crate::common::{npy_bytes, zip_with};

/// Writes `array` with ndarray-npy itself (not through the code under test).
fn npy<T: WriteNpyExt + ?Sized>(dir: &TempDir, name: &str, array: &T) -> PathBuf {
    let path = dir.path().join(name);
    array.write_npy(fs::File::create(&path).unwrap()).unwrap();
    path
}

fn read(path: &Path) -> infoscope_io::Result<infoscope_io::LoadedArray> {
    read_array(&ArraySource::new(path))
}

fn ints(a: &infoscope_io::LoadedArray) -> ArrayD<i64> {
    match &a.data {
        NumericArray::Int(x) => x.clone(),
        NumericArray::Float(_) => panic!("expected integers, got floats ({})", a.dtype),
    }
}

fn floats(a: &infoscope_io::LoadedArray) -> ArrayD<f64> {
    match &a.data {
        NumericArray::Float(x) => x.clone(),
        NumericArray::Int(_) => panic!("expected floats, got integers ({})", a.dtype),
    }
}

#[test]
fn f64_round_trip() {
    let dir = TempDir::new().unwrap();
    let x = array![[1.5, -2.0, 3.25], [0.0, f64::MAX, f64::MIN_POSITIVE]];
    let got = read(&npy(&dir, "x.npy", &x)).unwrap();
    assert_eq!(got.dtype, "float64");
    assert!(!got.is_integer());
    assert_eq!(got.shape(), &[2, 3]);
    assert_eq!(floats(&got), x.into_dyn());
}

#[test]
fn f32_widens_exactly() {
    let dir = TempDir::new().unwrap();
    let x = array![0.1_f32, -3.5, f32::MAX];
    let got = read(&npy(&dir, "x.npy", &x)).unwrap();
    assert_eq!(got.dtype, "float32");
    assert_eq!(floats(&got), x.mapv(f64::from).into_dyn());
}

#[test]
fn integer_dtypes_round_trip() {
    let dir = TempDir::new().unwrap();
    let i64s = array![i64::MIN, -1, 0, i64::MAX];
    let got = read(&npy(&dir, "a.npy", &i64s)).unwrap();
    assert_eq!((got.dtype.as_str(), ints(&got)), ("int64", i64s.into_dyn()));

    let i32s = array![[i32::MIN, 7], [0, i32::MAX]];
    let got = read(&npy(&dir, "b.npy", &i32s)).unwrap();
    assert_eq!(got.dtype, "int32");
    assert!(got.is_integer());
    assert_eq!(ints(&got), i32s.mapv(i64::from).into_dyn());

    let i16s = array![i16::MIN, i16::MAX];
    let got = read(&npy(&dir, "c.npy", &i16s)).unwrap();
    assert_eq!(
        (got.dtype.as_str(), ints(&got)),
        ("int16", i16s.mapv(i64::from).into_dyn())
    );

    let i8s = array![-128_i8, 127];
    let got = read(&npy(&dir, "d.npy", &i8s)).unwrap();
    assert_eq!(
        (got.dtype.as_str(), ints(&got)),
        ("int8", i8s.mapv(i64::from).into_dyn())
    );

    let u8s = array![0_u8, 1, 255];
    let got = read(&npy(&dir, "e.npy", &u8s)).unwrap();
    assert_eq!(
        (got.dtype.as_str(), ints(&got)),
        ("uint8", u8s.mapv(i64::from).into_dyn())
    );

    let u16s = array![0_u16, u16::MAX];
    let got = read(&npy(&dir, "f.npy", &u16s)).unwrap();
    assert_eq!(got.dtype, "uint16");
    assert_eq!(ints(&got), u16s.mapv(i64::from).into_dyn());

    let u32s = array![0_u32, u32::MAX];
    let got = read(&npy(&dir, "g.npy", &u32s)).unwrap();
    assert_eq!(got.dtype, "uint32");
    assert_eq!(ints(&got), u32s.mapv(i64::from).into_dyn());

    let u64s = array![0_u64, 5, i64::MAX as u64];
    let got = read(&npy(&dir, "h.npy", &u64s)).unwrap();
    assert_eq!(got.dtype, "uint64");
    assert_eq!(ints(&got), array![0_i64, 5, i64::MAX].into_dyn());
}

#[test]
fn bool_reads_as_zero_one() {
    let dir = TempDir::new().unwrap();
    let got = read(&npy(&dir, "m.npy", &array![true, false, true])).unwrap();
    assert_eq!(got.dtype, "bool");
    assert_eq!(ints(&got), array![1_i64, 0, 1].into_dyn());
    assert_eq!(got.to_f64(), array![1.0, 0.0, 1.0].into_dyn());
}

#[test]
fn fortran_order_is_read_in_logical_order() {
    let dir = TempDir::new().unwrap();
    let c = Array::from_shape_fn((2, 3, 4), |(i, j, k)| (100 * i + 10 * j + k) as f64);
    // The transpose of a C-contiguous array is Fortran-contiguous: ndarray-npy writes it with
    // `fortran_order: True`.
    let f = c.clone().reversed_axes();
    assert!(f.t().is_standard_layout());
    let path = npy(&dir, "f.npy", &f);
    let header = String::from_utf8_lossy(&fs::read(&path).unwrap()[..128]).into_owned();
    assert!(header.contains("'fortran_order': True"), "{header}");

    let got = read(&path).unwrap();
    assert_eq!(got.shape(), &[4, 3, 2]);
    let data = floats(&got);
    assert_eq!(data, f.clone().into_dyn());
    assert!(data.is_standard_layout());
    assert_eq!(data[[3, 2, 1]], 123.0);

    // Integers too.
    let fi = c.mapv(|v| v as i32).reversed_axes();
    let got = read(&npy(&dir, "fi.npy", &fi)).unwrap();
    assert_eq!(ints(&got), fi.mapv(i64::from).into_dyn());
}

#[test]
fn big_endian_floats() {
    let dir = TempDir::new().unwrap();
    let values = [1.0_f64, -2.5, 1e300];
    let data: Vec<u8> = values.iter().flat_map(|v| v.to_be_bytes()).collect();
    let path = dir.path().join("be.npy");
    fs::write(&path, npy_bytes(">f8", false, &[3], &data)).unwrap();
    let got = read(&path).unwrap();
    assert_eq!(floats(&got), array![1.0, -2.5, 1e300].into_dyn());
}

#[test]
fn scalar_and_empty_arrays() {
    let dir = TempDir::new().unwrap();
    let got = read(&npy(&dir, "s.npy", &ndarray::arr0(2.5))).unwrap();
    assert_eq!(got.shape(), &[] as &[usize]);
    assert_eq!(got.to_f64()[IxDyn(&[])], 2.5);

    let empty = Array::<f64, _>::zeros((0, 3));
    let got = read(&npy(&dir, "e.npy", &empty)).unwrap();
    assert_eq!(got.shape(), &[0, 3]);
}

fn npz_three(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("rec.npz");
    let mut npz = NpzWriter::new(fs::File::create(&path).unwrap());
    npz.add_array("hidden", &array![[1.0_f32, 2.0], [3.0, 4.0]])
        .unwrap();
    npz.add_array("labels", &array![0_i64, 1]).unwrap();
    npz.add_array("mask", &array![true, false]).unwrap();
    npz.finish().unwrap();
    path
}

#[test]
fn npz_key_selection() {
    let dir = TempDir::new().unwrap();
    let path = npz_three(&dir);
    let hidden = read_array(&ArraySource::with_key(&path, "hidden")).unwrap();
    assert_eq!(hidden.dtype, "float32");
    assert_eq!(floats(&hidden), array![[1.0, 2.0], [3.0, 4.0]].into_dyn());
    assert_eq!(hidden.source, ArraySource::with_key(&path, "hidden"));

    let spec = format!("{}:labels", path.display());
    let labels = read_array(&ArraySource::parse(&spec)).unwrap();
    assert_eq!(
        (labels.dtype.as_str(), ints(&labels)),
        ("int64", array![0_i64, 1].into_dyn())
    );

    // The stored member name, with numpy's suffix, works as well.
    let mask = read_array(&ArraySource::with_key(&path, "mask.npy")).unwrap();
    assert_eq!(
        (mask.dtype.as_str(), ints(&mask)),
        ("bool", array![1_i64, 0].into_dyn())
    );
    assert_eq!(mask.source.key.as_deref(), Some("mask"));
}

#[test]
fn npz_missing_key_lists_available_keys() {
    let dir = TempDir::new().unwrap();
    let path = npz_three(&dir);
    let err = read_array(&ArraySource::with_key(&path, "outputs")).unwrap_err();
    match &err {
        IoError::MissingKey { key, available, .. } => {
            assert_eq!(key, "outputs");
            assert_eq!(available, &["hidden", "labels", "mask"]);
        }
        other => panic!("expected MissingKey, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("rec.npz") && msg.contains("'outputs'"),
        "{msg}"
    );
    assert!(msg.contains("hidden, labels, mask"), "{msg}");
}

#[test]
fn npz_without_key_and_several_arrays_is_ambiguous() {
    let dir = TempDir::new().unwrap();
    let path = npz_three(&dir);
    let err = read_array(&ArraySource::new(&path)).unwrap_err();
    assert!(
        matches!(&err, IoError::AmbiguousKey { available, .. } if available.len() == 3),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("3 arrays") && msg.contains("hidden, labels, mask"),
        "{msg}"
    );
}

#[test]
fn single_array_npz_needs_no_key() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("one.npz");
    let mut npz = NpzWriter::new(fs::File::create(&path).unwrap());
    npz.add_array("arr_0", &array![[1_u16, 2]]).unwrap();
    npz.finish().unwrap();
    let got = read_array(&ArraySource::new(&path)).unwrap();
    assert_eq!(got.dtype, "uint16");
    assert_eq!(ints(&got), array![[1_i64, 2]].into_dyn());
    assert_eq!(got.source.key.as_deref(), Some("arr_0"));
}

#[test]
fn compressed_npz() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("c.npz");
    let x = Array::from_shape_fn((50, 20), |(i, j)| (i * j) as f64 / 7.0);
    let mut npz = NpzWriter::new_compressed(fs::File::create(&path).unwrap());
    npz.add_array("x", &x).unwrap();
    npz.add_array("y", &x.t()).unwrap();
    npz.finish().unwrap();
    let got = read_array(&ArraySource::with_key(&path, "y")).unwrap();
    assert_eq!(floats(&got), x.t().to_owned().into_dyn());
}

#[test]
fn empty_npz() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("none.npz");
    NpzWriter::new(fs::File::create(&path).unwrap())
        .finish()
        .unwrap();
    let err = read_array(&ArraySource::new(&path)).unwrap_err();
    assert!(matches!(err, IoError::Empty { .. }), "{err:?}");
}

#[test]
fn random_bytes_npz_is_corrupt() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("junk.npz");
    let junk: Vec<u8> = (0..4096_u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(&path, junk).unwrap();
    let err = read_array(&ArraySource::with_key(&path, "x")).unwrap_err();
    assert!(matches!(err, IoError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("junk.npz"), "{err}");
}

#[test]
fn npz_member_that_is_not_npy_is_corrupt() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("odd.npz");
    zip_with(&path, &[("notes.npy", b"hello, not an array")]);
    let err = read_array(&ArraySource::with_key(&path, "notes")).unwrap_err();
    match &err {
        IoError::Corrupt { detail, .. } => assert!(detail.contains("'notes'"), "{detail}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn truncated_npy_is_corrupt() {
    let dir = TempDir::new().unwrap();
    let x = Array::from_shape_fn((10, 10), |(i, j)| (i + j) as f64);
    let path = npy(&dir, "t.npy", &x);
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..bytes.len() - 13]).unwrap();
    let err = read(&path).unwrap_err();
    match &err {
        IoError::Corrupt { detail, .. } => assert!(detail.contains("truncated"), "{detail}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // Cut inside the header.
    fs::write(&path, &bytes[..20]).unwrap();
    assert!(matches!(read(&path).unwrap_err(), IoError::Corrupt { .. }));
    // Empty file.
    fs::write(&path, b"").unwrap();
    assert!(matches!(read(&path).unwrap_err(), IoError::Corrupt { .. }));
}

#[test]
fn extra_bytes_are_corrupt() {
    let dir = TempDir::new().unwrap();
    let path = npy(&dir, "x.npy", &array![1.0, 2.0]);
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(&[0; 5]);
    fs::write(&path, bytes).unwrap();
    assert!(matches!(read(&path).unwrap_err(), IoError::Corrupt { .. }));
}

/// Issue #16: a header declaring more than any memory budget (here more bytes than `u64`
/// holds) is refused with the sizes, before anything is allocated; before the fix the
/// overflow was only "corrupt".
#[test]
fn forged_huge_shape_is_refused_without_allocating() {
    let dir = TempDir::new().unwrap();
    let forged = npy_bytes("<f8", false, &[1 << 40, 1 << 30], &[0; 8]);
    let path = dir.path().join("huge.npy");
    fs::write(&path, &forged).unwrap();
    let err = read(&path).unwrap_err();
    assert!(matches!(err, IoError::TooLarge { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("huge.npy") && msg.contains("[1099511627776, 1073741824]"),
        "{msg}"
    );
    assert!(msg.contains("INFOSCOPE_MAX_MEMORY"), "{msg}");

    // Element count × item size overflows even u128 arithmetic in usize: still TooLarge.
    let forged = npy_bytes("<f8", false, &[usize::MAX, usize::MAX, 4], &[0; 8]);
    let path = dir.path().join("huge.npz");
    zip_with(&path, &[("x.npy", &forged)]);
    let err = read_array(&ArraySource::new(&path)).unwrap_err();
    assert!(
        matches!(&err, IoError::TooLarge { key: Some(k), .. } if k == "x"),
        "{err:?}"
    );
    assert!(err.to_string().contains("huge.npz:x"), "{err}");
}

/// A header declaring a moderate shape (within any budget) in a tiny file is truncated,
/// found from the file's length before the data buffer is allocated.
#[test]
fn declared_shape_larger_than_the_file_is_truncated() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("short.npy");
    fs::write(&path, npy_bytes("<f8", false, &[1 << 20], &[0; 8])).unwrap();
    match read(&path).unwrap_err() {
        IoError::Corrupt { detail, .. } => {
            assert!(
                detail.contains("truncated") && detail.contains("8388608"),
                "{detail}"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

/// Issue #16: float16 (as PyTorch exports half-precision activity) reads exactly, in both
/// byte orders, in C and Fortran order; before, "unsupported dtype <f2".
#[test]
fn float16_reads_exactly() {
    let dir = TempDir::new().unwrap();
    // 1, -2, 0.5, 65504 (max), 2^-24 (smallest subnormal), -0, inf, 1/3 rounded.
    let bits: [u16; 8] = [
        0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x3555,
    ];
    let want = [
        1.0,
        -2.0,
        0.5,
        65504.0,
        2_f64.powi(-24),
        -0.0,
        f64::INFINITY,
        0.333_251_953_125,
    ];
    for (descr, big) in [("<f2", false), (">f2", true)] {
        let data: Vec<u8> = bits
            .iter()
            .flat_map(|b| {
                if big {
                    b.to_be_bytes()
                } else {
                    b.to_le_bytes()
                }
            })
            .collect();
        let path = dir.path().join("h.npy");
        fs::write(&path, npy_bytes(descr, false, &[2, 4], &data)).unwrap();
        let got = read(&path).unwrap();
        assert_eq!(got.dtype, "float16");
        let values = floats(&got);
        assert_eq!(values.shape(), &[2, 4]);
        for (g, w) in values.iter().zip(want) {
            assert_eq!(g.to_bits(), w.to_bits(), "{descr}: {g} vs {w}");
        }
        // Fortran order: the same bytes, read column by column.
        fs::write(&path, npy_bytes(descr, true, &[4, 2], &data)).unwrap();
        let fortran = floats(&read(&path).unwrap());
        assert_eq!(fortran, values.t().to_owned().into_dyn());
    }
    let path = dir.path().join("nan.npy");
    fs::write(
        &path,
        npy_bytes("<f2", false, &[1], &0x7e00_u16.to_le_bytes()),
    )
    .unwrap();
    assert!(floats(&read(&path).unwrap())[[0]].is_nan());
}

/// Every float and integer spelling numpy writes, including `=` (native) and `|` orders.
#[test]
fn numpy_descr_spellings() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("d.npy");
    let cases: [(&str, Vec<u8>, &str); 6] = [
        ("=f8", 2.5_f64.to_ne_bytes().to_vec(), "float64"),
        (">f4", 2.5_f32.to_be_bytes().to_vec(), "float32"),
        ("|f2", 0x4100_u16.to_le_bytes().to_vec(), "float16"),
        (">i2", (-3_i16).to_be_bytes().to_vec(), "int16"),
        ("|u1", vec![200], "uint8"),
        ("?", vec![1], "bool"),
    ];
    for (descr, data, name) in cases {
        fs::write(&path, npy_bytes(descr, false, &[1], &data)).unwrap();
        let got = read(&path).unwrap();
        assert_eq!(got.dtype, name, "{descr}");
        let v = got.to_f64()[[0]];
        assert!([2.5, -3.0, 200.0, 1.0].contains(&v), "{descr}: {v}");
    }
}

#[test]
fn missing_file_is_not_found() {
    let dir = TempDir::new().unwrap();
    for name in ["nope.npy", "nope.npz"] {
        let err = read(&dir.path().join(name)).unwrap_err();
        assert!(matches!(err, IoError::NotFound { .. }), "{err:?}");
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn complex_dtype_is_unsupported() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("z.npy");
    fs::write(&path, npy_bytes("<c16", false, &[2], &[0; 32])).unwrap();
    let err = read(&path).unwrap_err();
    match &err {
        IoError::UnsupportedDtype { dtype, key, .. } => {
            assert!(dtype.contains("c16"), "{dtype}");
            assert_eq!(key, &None);
        }
        other => panic!("expected UnsupportedDtype, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("z.npy") && msg.contains("c16"), "{msg}");

    // Inside an archive, the key is named.
    let npz = dir.path().join("z.npz");
    zip_with(&npz, &[("w.npy", &npy_bytes("<U3", false, &[1], &[0; 12]))]);
    let err = read_array(&ArraySource::new(&npz)).unwrap_err();
    assert!(
        matches!(&err, IoError::UnsupportedDtype { key: Some(k), dtype, .. } if k == "w" && dtype == "<U3"),
        "{err:?}"
    );
    assert!(err.to_string().contains("z.npz:w"), "{err}");
}

#[test]
fn uint64_above_i64_max_is_out_of_range() {
    let dir = TempDir::new().unwrap();
    let path = npy(&dir, "u.npy", &array![[1_u64, 2], [u64::MAX, 3]]);
    let err = read(&path).unwrap_err();
    match &err {
        IoError::ValueOutOfRange { detail, .. } => {
            assert!(
                detail.contains("[1, 0]") && detail.contains(&u64::MAX.to_string()),
                "{detail}"
            );
        }
        other => panic!("expected ValueOutOfRange, got {other:?}"),
    }
}

#[test]
fn key_on_npy_and_unknown_extension() {
    let dir = TempDir::new().unwrap();
    let path = npy(&dir, "x.npy", &array![1.0]);
    let err = read_array(&ArraySource::with_key(&path, "k")).unwrap_err();
    assert!(
        matches!(&err, IoError::KeyOnNpy { key, .. } if key == "k"),
        "{err:?}"
    );
    // Issue #16: `x.npy:hidden` as typed on the command line says the same, not "unknown
    // file extension".
    let spec = format!("{}:hidden", path.display());
    let err = read_array(&ArraySource::parse(&spec)).unwrap_err();
    assert!(
        matches!(&err, IoError::KeyOnNpy { key, .. } if key == "hidden"),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("holds a single array") && msg.contains(".npz"),
        "{msg}"
    );

    let csv = dir.path().join("x.csv");
    fs::write(&csv, "1,2\n").unwrap();
    let err = read(&csv).unwrap_err();
    assert!(matches!(err, IoError::UnknownExtension { .. }), "{err:?}");
    assert!(err.to_string().contains("x.csv"), "{err}");

    // Extensions are matched case-insensitively.
    let upper = dir.path().join("X.NPY");
    fs::copy(&path, &upper).unwrap();
    assert_eq!(read(&upper).unwrap().to_f64(), array![1.0].into_dyn());
}

#[test]
fn read_matrix_shapes() {
    let dir = TempDir::new().unwrap();
    let (m, dtype) =
        read_matrix(&ArraySource::new(npy(&dir, "v.npy", &array![1_i8, 2, 3]))).unwrap();
    assert_eq!(m, array![[1.0], [2.0], [3.0]]);
    assert_eq!(dtype, "int8");

    let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
    let (m, dtype) = read_matrix(&ArraySource::new(npy(&dir, "m.npy", &x))).unwrap();
    assert_eq!((m, dtype.as_str()), (x.clone(), "float64"));

    // Fortran order 2-D.
    let (m, _) = read_matrix(&ArraySource::new(npy(&dir, "mf.npy", &x.t()))).unwrap();
    assert_eq!(m, x.t());

    let cube = Array::<f64, _>::zeros((2, 2, 2));
    let err = read_matrix(&ArraySource::new(npy(&dir, "c.npy", &cube))).unwrap_err();
    match &err {
        IoError::Shape { detail, .. } => assert!(detail.contains("[2, 2, 2]"), "{detail}"),
        other => panic!("expected Shape, got {other:?}"),
    }
    let err = read_matrix(&ArraySource::new(npy(&dir, "s.npy", &ndarray::arr0(1.0)))).unwrap_err();
    assert!(matches!(err, IoError::Shape { .. }), "{err:?}");
}

#[test]
fn read_labels_accepts_ints_bools_and_whole_floats() {
    let dir = TempDir::new().unwrap();
    let src = |p: PathBuf| ArraySource::new(p);
    assert_eq!(
        read_labels(&src(npy(&dir, "i.npy", &array![3_i32, -1, 0]))).unwrap(),
        array![3_i64, -1, 0]
    );
    assert_eq!(
        read_labels(&src(npy(&dir, "b.npy", &array![true, false]))).unwrap(),
        array![1_i64, 0]
    );
    assert_eq!(
        read_labels(&src(npy(&dir, "f.npy", &array![2.0_f32, 0.0, -7.0]))).unwrap(),
        array![2_i64, 0, -7]
    );
    assert_eq!(
        read_labels(&src(npy(&dir, "col.npy", &array![[4_u8], [5]]))).unwrap(),
        array![4_i64, 5]
    );
}

#[test]
fn read_labels_refusals() {
    let dir = TempDir::new().unwrap();
    let err = read_labels(&ArraySource::new(npy(
        &dir,
        "h.npy",
        &array![1.0, 2.0, 0.5],
    )))
    .unwrap_err();
    match &err {
        IoError::NotIntegral { index, value, .. } => assert_eq!((*index, *value), (2, 0.5)),
        other => panic!("expected NotIntegral, got {other:?}"),
    }
    assert!(err.to_string().contains("element 2 is 0.5"), "{err}");

    let err = read_labels(&ArraySource::new(npy(&dir, "n.npy", &array![f64::NAN]))).unwrap_err();
    assert!(
        matches!(err, IoError::NotIntegral { index: 0, .. }),
        "{err:?}"
    );

    let err = read_labels(&ArraySource::new(npy(&dir, "big.npy", &array![1e19]))).unwrap_err();
    assert!(matches!(err, IoError::ValueOutOfRange { .. }), "{err:?}");

    let err = read_labels(&ArraySource::new(npy(&dir, "w.npy", &array![[1_i64, 2]]))).unwrap_err();
    assert!(matches!(err, IoError::Shape { .. }), "{err:?}");
}
