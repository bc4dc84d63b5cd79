//! Atomic writes and the writers built on them.

use std::collections::BTreeMap;
use std::fs;
use std::io;

use infoscope_io::{
    ArraySource, IoError, read_array, read_json, write_atomic, write_bytes, write_json, write_npy,
    write_npz, write_npz_with, write_text,
};
use ndarray::{Array, array};
use tempfile::TempDir;

use crate::common::temp_files;

#[test]
fn write_atomic_creates_parents_and_leaves_no_temp_files() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("a/b/out.txt");
    write_atomic(&path, |w| w.write_all(b"hello")).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "hello");
    assert!(temp_files(&dir.path().join("a/b")).is_empty());

    // Overwrite.
    write_atomic(&path, |w| {
        w.write_all(b"second ")?;
        w.write_all(b"version")
    })
    .unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "second version");
    assert_eq!(fs::read_dir(dir.path().join("a/b")).unwrap().count(), 1);
}

#[test]
fn failing_closure_leaves_the_old_file_intact() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("result.json");
    fs::write(&path, "old content").unwrap();
    let err = write_atomic(&path, |w| {
        w.write_all(b"partial new cont")?;
        Err(io::Error::other("simulated failure"))
    })
    .unwrap_err();
    match &err {
        IoError::Write { path: p, source } => {
            assert_eq!(p, &path);
            assert!(source.to_string().contains("simulated failure"));
        }
        other => panic!("expected Write, got {other:?}"),
    }
    assert!(err.to_string().contains("result.json"), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "old content");
    assert!(
        temp_files(dir.path()).is_empty(),
        "{:?}",
        temp_files(dir.path())
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn failing_closure_on_new_file_creates_nothing() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("new.txt");
    write_atomic(&path, |_| Err(io::Error::other("no"))).unwrap_err();
    assert!(!path.exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn panicking_closure_leaves_no_temp_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("p.txt");
    fs::write(&path, "keep").unwrap();
    let result = std::panic::catch_unwind(|| {
        let _ = write_atomic(&path, |w| {
            w.write_all(b"x")?;
            panic!("boom")
        });
    });
    assert!(result.is_err());
    assert_eq!(fs::read_to_string(&path).unwrap(), "keep");
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn writing_onto_a_directory_fails_cleanly() {
    let dir = TempDir::new().unwrap();
    let target = dir.path().join("sub");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("inside"), "x").unwrap();
    let err = write_bytes(&target, b"data").unwrap_err();
    assert!(matches!(err, IoError::Write { .. }), "{err:?}");
    assert!(target.is_dir());
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn text_and_json() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("t.csv");
    write_text(&csv, "a,b\n1,2\n").unwrap();
    assert_eq!(fs::read_to_string(&csv).unwrap(), "a,b\n1,2\n");

    let json = dir.path().join("r.json");
    let mut value = BTreeMap::new();
    value.insert("value".to_owned(), vec![0.5, 1.25]);
    write_json(&json, &value).unwrap();
    let text = fs::read_to_string(&json).unwrap();
    assert!(text.ends_with("}\n"), "{text:?}");
    assert!(text.contains("\n  \"value\": ["), "pretty: {text}");
    let back: BTreeMap<String, Vec<f64>> = read_json(&json).unwrap();
    assert_eq!(back, value);

    let err = read_json::<Vec<u32>>(&json).unwrap_err();
    assert!(matches!(err, IoError::Deserialize { .. }), "{err:?}");
    let err = read_json::<Vec<u32>>(&dir.path().join("missing.json")).unwrap_err();
    assert!(matches!(err, IoError::NotFound { .. }), "{err:?}");
}

#[test]
fn json_serialize_error_touches_nothing() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bad.json");
    // Maps with non-string keys cannot be JSON.
    let mut value = BTreeMap::new();
    value.insert(vec![1_u8], 2_u8);
    let err = write_json(&path, &value).unwrap_err();
    assert!(matches!(err, IoError::Serialize { .. }), "{err:?}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn npy_round_trip_through_the_writer() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("x.npy");
    let x = Array::from_shape_fn((3, 4), |(i, j)| i as f64 - 0.5 * j as f64).into_dyn();
    write_npy(&path, &x).unwrap();
    let got = read_array(&ArraySource::new(&path)).unwrap();
    assert_eq!((got.dtype.as_str(), got.to_f64()), ("float64", x));

    // Other element types and a non-contiguous view.
    let y = Array::from_shape_fn((4, 6), |(i, j)| (i * 10 + j) as i32);
    let view = y.slice(ndarray::s![.., ..;2]);
    write_npy(&path, &view).unwrap();
    let got = read_array(&ArraySource::new(&path)).unwrap();
    assert_eq!(got.dtype, "int32");
    assert_eq!(got.to_f64(), view.mapv(f64::from).into_dyn());
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn npz_writers() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("out/rec.npz");
    let a = array![[1.0, 2.0]].into_dyn();
    let b = array![3.0, 4.0, 5.0].into_dyn();
    write_npz(&path, &[("a", a.view()), ("b", b.view())]).unwrap();
    assert_eq!(
        read_array(&ArraySource::with_key(&path, "a"))
            .unwrap()
            .to_f64(),
        a
    );
    assert_eq!(
        read_array(&ArraySource::with_key(&path, "b"))
            .unwrap()
            .to_f64(),
        b
    );

    write_npz_with(&path, |npz| {
        npz.add("hidden", &array![[[0.5_f32]]])?;
        npz.add("labels", &array![7_i64])?;
        npz.add("mask", &array![[true, false]])?;
        assert_eq!(npz.names(), ["hidden", "labels", "mask"]);
        Ok(())
    })
    .unwrap();
    let mask = read_array(&ArraySource::with_key(&path, "mask")).unwrap();
    assert_eq!(
        (mask.dtype.as_str(), mask.to_f64()),
        ("bool", array![[1.0, 0.0]].into_dyn())
    );
    let err = read_array(&ArraySource::with_key(&path, "a")).unwrap_err();
    assert!(
        matches!(err, IoError::MissingKey { .. }),
        "the old archive was replaced: {err:?}"
    );
    assert!(temp_files(&dir.path().join("out")).is_empty());
}

#[test]
fn npz_duplicate_name_fails_and_keeps_the_old_archive() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("rec.npz");
    let a = array![1.0].into_dyn();
    write_npz(&path, &[("a", a.view())]).unwrap();
    let before = fs::read(&path).unwrap();
    let err = write_npz(&path, &[("x", a.view()), ("x", a.view())]).unwrap_err();
    match &err {
        IoError::Serialize { detail, .. } => assert!(detail.contains("'x'"), "{detail}"),
        other => panic!("expected Serialize, got {other:?}"),
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn path_without_file_name_is_a_write_error() {
    let err = write_text(std::path::Path::new("/"), "x").unwrap_err();
    assert!(matches!(err, IoError::Write { .. }), "{err:?}");
    let err = write_text(std::path::Path::new(""), "x").unwrap_err();
    assert!(matches!(err, IoError::Write { .. }), "{err:?}");
}
