//! Recordings: round trip through `.npz` + sidecar, users' own exports, and shape errors.
#![allow(clippy::unwrap_used, clippy::float_cmp)]

use std::path::Path;

use infoscope_io::write_npz_with;
use infoscope_nets::NetsError;
use infoscope_nets::record::{Recording, RecordingMeta, RecordingParts};
use infoscope_nets::tasks::{Mode, Rule, TaskSpec, generate};
use ndarray::{Array1, Array2, Array3};

fn recording() -> Recording {
    let batch = generate(&TaskSpec::new(Rule::FdGo), &Mode::Test, 0, 2).unwrap();
    let (t, b) = (batch.n_time(), batch.n_trials());
    let hidden = Array3::from_shape_fn((t, b, 6), |(i, j, k)| (i * 100 + j * 10 + k) as f32);
    let outputs = batch.targets.mapv(|v| v * 0.5);
    let mut meta = RecordingMeta::unknown();
    meta.task = "fdgo".into();
    meta.model = "test".into();
    Recording::from_batch(&batch, hidden.view(), outputs.view(), meta).unwrap()
}

#[test]
fn from_batch_is_trial_major_and_round_trips() {
    let rec = recording();
    assert_eq!(rec.hidden.shape(), &[40, 100, 6]);
    assert_eq!(rec.inputs.shape(), &[40, 100, 85]);
    // hidden[trial, time, unit] = time·100 + trial·10 + unit.
    assert_eq!(rec.hidden[[3, 7, 2]], 732.0);
    assert_eq!(rec.labels.len(), 40);
    assert_eq!(rec.meta.epochs.len(), 40);
    assert_eq!(rec.meta.epochs[0].go1, 75..100);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rec.npz");
    rec.write(&path).unwrap();
    assert!(dir.path().join("rec.json").exists());
    let mut back = Recording::read(&path).unwrap();
    assert_eq!(back.arrays_read.len(), 7, "{:?}", back.arrays_read);
    back.arrays_read.clear();
    assert_eq!(back, rec);
}

/// A recording exported from numpy/PyTorch: float32 hidden, integer labels, no sidecar, no
/// inputs or targets.
#[test]
fn a_users_export_without_sidecar_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.npz");
    let hidden = Array3::from_shape_fn((5, 4, 3), |(a, b, c)| (a + b + c) as f32);
    write_npz_with(&path, |npz| {
        npz.add("hidden", &hidden)?;
        npz.add("labels", &Array1::from(vec![0_i64, 1, 2, 3, 4]))
    })
    .unwrap();
    let rec = Recording::read(&path).unwrap();
    assert_eq!(rec.hidden, hidden.mapv(f64::from));
    assert_eq!(rec.labels[4], 4.0);
    assert!(rec.inputs.is_empty() && rec.targets.is_empty());
    assert_eq!(rec.meta.task, "unknown");
    assert!(rec.meta.notes[0].contains("no sidecar"));
}

#[test]
fn inconsistent_exports_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str,
                 hidden: ndarray::ArrayD<f64>,
                 labels: Array1<f64>,
                 inputs: Option<Array3<f64>>| {
        let path = dir.path().join(name);
        write_npz_with(&path, |npz| {
            npz.add("hidden", &hidden)?;
            npz.add("labels", &labels)?;
            if let Some(i) = &inputs {
                npz.add("inputs", i)?;
            }
            Ok(())
        })
        .unwrap();
        Recording::read(&path).unwrap_err()
    };
    let h3 = Array3::<f64>::zeros((5, 4, 3)).into_dyn();
    let argument = |e: NetsError| match e {
        NetsError::Shape { argument, .. } => argument,
        other => panic!("{other}"),
    };
    let e = write(
        "a.npz",
        Array2::<f64>::zeros((5, 4)).into_dyn(),
        Array1::zeros(5),
        None,
    );
    assert_eq!(argument(e), "hidden");
    let e = write("b.npz", h3.clone(), Array1::zeros(4), None);
    assert_eq!(argument(e), "labels");
    let e = write(
        "c.npz",
        h3,
        Array1::zeros(5),
        Some(Array3::zeros((5, 3, 2))),
    );
    assert_eq!(argument(e), "inputs");
    let missing = dir.path().join("nothing.npz");
    assert!(matches!(Recording::read(&missing), Err(NetsError::Io(_))));
    let only_labels = dir.path().join("d.npz");
    write_npz_with(&only_labels, |npz| {
        npz.add("labels", &Array1::<f64>::zeros(3))
    })
    .unwrap();
    assert!(matches!(
        Recording::read(&only_labels).unwrap_err(),
        NetsError::MissingArray { key: "hidden", .. }
    ));
}

#[test]
fn from_batch_checks_shapes() {
    let batch = generate(&TaskSpec::new(Rule::FdGo), &Mode::Test, 0, 2).unwrap();
    let bad = Array3::<f32>::zeros((99, 40, 6));
    let e = Recording::from_batch(
        &batch,
        bad.view(),
        batch.targets.view(),
        RecordingMeta::unknown(),
    );
    assert!(matches!(
        e,
        Err(NetsError::Shape {
            argument: "hidden",
            ..
        })
    ));
}

// ---- Issue #16: real recordings exported from PyTorch / neurogym ----

/// A `.npy` (format 1.0) image with the given `descr`, C order.
fn npy_image(descr: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(ToString::to_string).collect();
    let shape = if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    };
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&u16::try_from(dict.len()).unwrap().to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.extend_from_slice(data);
    out
}

/// CRC-32 (IEEE), as zip archives store it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0_u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// An uncompressed `.npz` of raw `.npy` images, as `np.savez` lays it out (so that dtypes the
/// writers of infoscope do not produce, such as float16, can be tested).
fn raw_npz(path: &Path, members: &[(&str, Vec<u8>)]) {
    let (mut out, mut central) = (Vec::new(), Vec::new());
    let u16le = |v: usize| u16::try_from(v).unwrap().to_le_bytes();
    let u32le = |v: usize| u32::try_from(v).unwrap().to_le_bytes();
    for (name, data) in members {
        let name = format!("{name}.npy");
        let offset = out.len();
        let crc = crc32(data).to_le_bytes();
        let common = [
            &[0, 0, 0, 0, 0, 0, 0x21, 0][..], // flags, method (stored), time, date 1980-01-01
            &crc,
            &u32le(data.len()),
            &u32le(data.len()),
            &u16le(name.len()),
            &[0, 0],
        ]
        .concat();
        out.extend_from_slice(&[0x50, 0x4b, 0x03, 0x04, 20, 0]);
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(&[0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0]);
        central.extend_from_slice(&common);
        central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        central.extend_from_slice(&u32le(offset));
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len();
    out.extend_from_slice(&central);
    out.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0]);
    out.extend_from_slice(&u16le(members.len()));
    out.extend_from_slice(&u16le(members.len()));
    out.extend_from_slice(&u32le(central.len()));
    out.extend_from_slice(&u32le(cd_offset));
    out.extend_from_slice(&[0, 0]);
    std::fs::write(path, out).unwrap();
}

fn le_bytes<const N: usize, T: Copy>(
    values: impl IntoIterator<Item = T>,
    f: fn(T) -> [u8; N],
) -> Vec<u8> {
    values.into_iter().flat_map(f).collect()
}

/// float16 hidden states (a half-precision PyTorch run), one time step, 5000 units: read
/// exactly. Before: "unsupported dtype <f2".
#[test]
fn float16_hidden_with_one_step_and_5000_units_reads_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.npz");
    // Halves k/1024 for k in 0..2048 are exact: 1 + k/1024 … as bits 0x3c00 + k.
    let bits: Vec<u16> = (0..8 * 5000).map(|i| 0x3c00 + (i % 1024) as u16).collect();
    raw_npz(
        &path,
        &[
            (
                "hidden",
                npy_image("<f2", &[8, 1, 5000], &le_bytes(bits, u16::to_le_bytes)),
            ),
            (
                "labels",
                npy_image("<i8", &[8], &le_bytes(0..8_i64, i64::to_le_bytes)),
            ),
        ],
    );
    let rec = Recording::read(&path).unwrap();
    assert_eq!(rec.hidden.shape(), &[8, 1, 5000]);
    assert_eq!(rec.hidden[[0, 0, 0]], 1.0);
    assert_eq!(rec.hidden[[0, 0, 1023]], 1.0 + 1023.0 / 1024.0);
    assert_eq!(
        rec.hidden[[7, 0, 4999]],
        1.0 + ((7 * 5000 + 4999) % 1024) as f64 / 1024.0
    );
    assert_eq!(
        rec.arrays_read[0],
        "`hidden`: float16 [8, 1, 5000] → hidden states [trial, time, unit]"
    );
    assert_eq!(
        rec.arrays_read[1],
        "`labels`: int64 [8] → one label per trial"
    );
    assert!(
        rec.arrays_read[2].starts_with("no sidecar `half.json`"),
        "{:?}",
        rec.arrays_read
    );
}

/// neurogym / CrossEntropy exports: `targets` one integer class per trial and step
/// `[B, T]`, `mask` per-step loss weights `[B, T]`, both stored as `[B, T, 1]`; an extra array
/// is ignored and said so. Before: "argument `targets` has shape [4, 3], expected [4, 3, C]".
#[test]
fn per_step_class_targets_and_mask_are_stored_with_one_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ng.npz");
    let targets = Array2::from_shape_fn((4, 3), |(b, t)| ((b + t) % 3) as i64);
    let mask = Array2::from_shape_fn((4, 3), |(_, t)| if t == 2 { 1.0 } else { 0.5 });
    write_npz_with(&path, |npz| {
        npz.add("hidden", &Array3::<f32>::zeros((4, 3, 2)))?;
        npz.add("labels", &Array1::from(vec![0_i64, 1, 2, 0]))?;
        npz.add("targets", &targets)?;
        npz.add("mask", &mask)?;
        npz.add("foo", &Array1::<f64>::zeros(2))
    })
    .unwrap();
    let rec = Recording::read(&path).unwrap();
    assert_eq!(rec.targets.shape(), &[4, 3, 1]);
    assert_eq!(rec.targets[[3, 1, 0]], 1.0);
    assert_eq!(rec.mask.shape(), &[4, 3, 1]);
    assert_eq!(rec.mask[[0, 2, 0]], 1.0);
    let lines = &rec.arrays_read;
    assert!(
        lines
            .contains(&"`targets`: int64 [4, 3] → one integer class per trial and step".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"`mask`: float64 [4, 3] → per-step loss weights".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"`foo`: ignored (not part of the layout)".to_owned()),
        "{lines:?}"
    );
}

/// The Python package builds recordings through `from_parts`: the same 2-D forms are accepted
/// there, and a wrong 2-D shape names the key and both accepted forms.
#[test]
fn from_parts_accepts_per_step_targets_and_mask() {
    let parts = RecordingParts {
        targets: Some(Array2::<f64>::ones((4, 3)).into_dyn()),
        mask: Some(Array3::<f64>::ones((4, 3, 2)).into_dyn()),
        ..RecordingParts::default()
    };
    let hidden = Array3::<f64>::zeros((4, 3, 2)).into_dyn();
    let labels = Array1::<f64>::zeros(4).into_dyn();
    let rec = Recording::from_parts(
        hidden.clone(),
        labels.clone(),
        parts,
        RecordingMeta::unknown(),
    )
    .unwrap();
    assert_eq!(rec.targets.shape(), &[4, 3, 1]);
    assert_eq!(rec.mask.shape(), &[4, 3, 2]);
    let bad = RecordingParts {
        mask: Some(Array2::<f64>::ones((4, 2)).into_dyn()),
        ..RecordingParts::default()
    };
    let e = Recording::from_parts(hidden, labels, bad, RecordingMeta::unknown()).unwrap_err();
    assert!(
        e.to_string().contains("`mask`") && e.to_string().contains("[4, 3] or [4, 3, C]"),
        "{e}"
    );
}

fn minimal_npz(path: &Path) {
    write_npz_with(path, |npz| {
        npz.add("hidden", &Array3::<f64>::zeros((2, 3, 1)))?;
        npz.add("labels", &Array1::<f64>::zeros(2))
    })
    .unwrap();
}

/// A hand-written sidecar: no schema_version, a few fields, notes as one string, unknown
/// fields kept (and written back). Before: "missing field `schema_version`".
#[test]
fn hand_written_sidecar_keeps_unknown_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ng.npz");
    minimal_npz(&path);
    std::fs::write(
        dir.path().join("ng.json"),
        r#"{"dt": 100, "task": "PerceptualDecisionMaking-v0", "notes": "trained 2000 steps",
            "optimizer": {"name": "adam", "lr": 0.001}}"#,
    )
    .unwrap();
    let rec = Recording::read(&path).unwrap();
    assert_eq!(rec.meta.dt, 100.0);
    assert_eq!(rec.meta.task, "PerceptualDecisionMaking-v0");
    assert_eq!(rec.meta.schema_version, 1);
    assert_eq!(rec.meta.model, "unknown");
    assert_eq!(rec.meta.notes, ["trained 2000 steps"]);
    assert_eq!(rec.meta.extra["optimizer"]["lr"], 0.001);
    assert_eq!(
        rec.arrays_read.last().unwrap(),
        "`ng.json`: dt = 100 ms; unknown fields kept: optimizer"
    );

    let copy = dir.path().join("copy.npz");
    rec.write(&copy).unwrap();
    let text = std::fs::read_to_string(dir.path().join("copy.json")).unwrap();
    assert!(text.contains("\"optimizer\""), "{text}");
    assert_eq!(Recording::read(&copy).unwrap().meta, rec.meta);

    // Notes as a list, and nothing else but dt.
    std::fs::write(
        dir.path().join("ng.json"),
        r#"{"dt": 10, "notes": ["a", "b"]}"#,
    )
    .unwrap();
    let rec = Recording::read(&path).unwrap();
    assert_eq!(rec.meta.notes, ["a", "b"]);
    assert_eq!(rec.arrays_read.last().unwrap(), "`ng.json`: dt = 10 ms");
}

/// `dt` must be finite and > 0; the error names `dt` and the sidecar. Before: accepted.
#[test]
fn sidecar_with_a_bad_dt_is_refused_naming_dt_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.npz");
    minimal_npz(&path);
    for dt in ["0", "-5", "-0.0"] {
        std::fs::write(dir.path().join("r.json"), format!(r#"{{"dt": {dt}}}"#)).unwrap();
        let e = Recording::read(&path).unwrap_err();
        assert!(
            matches!(
                e,
                NetsError::Sidecar {
                    field: Some("dt"),
                    ..
                }
            ),
            "{dt}: {e:?}"
        );
        let msg = e.to_string();
        assert!(msg.contains("`dt`") && msg.contains("r.json"), "{msg}");
    }
}

/// A sidecar that is not JSON: the error names the file and how to go on.
#[test]
fn corrupt_sidecar_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.npz");
    minimal_npz(&path);
    std::fs::write(dir.path().join("r.json"), "dt = 10\n").unwrap();
    let e = Recording::read(&path).unwrap_err();
    assert!(matches!(e, NetsError::Sidecar { field: None, .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("r.json") && msg.contains("not valid JSON"),
        "{msg}"
    );
}

/// A file with other names: the error lists its arrays and the layout. Before: "`hidden` has
/// shape []".
#[test]
fn missing_hidden_lists_the_arrays_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rec.npz");
    write_npz_with(&path, |npz| {
        npz.add("h", &Array3::<f64>::zeros((2, 3, 1)))?;
        npz.add("theta", &Array1::<f64>::zeros(2))
    })
    .unwrap();
    let msg = Recording::read(&path).unwrap_err().to_string();
    assert!(
        msg.contains("no array `hidden` in") && msg.contains("rec.npz (its arrays: h, theta)"),
        "{msg}"
    );
    assert!(msg.contains("`labels` [trial]"), "{msg}");
}

/// A plain `.npy` given as a recording says what a recording is. Before: "has no array named
/// 'hidden'" from a key on a .npy.
#[test]
fn a_plain_npy_is_not_a_recording() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.npy");
    infoscope_io::write_npy(&path, &Array1::<f64>::zeros(3)).unwrap();
    let e = Recording::read(&path).unwrap_err();
    assert!(matches!(e, NetsError::NotARecording { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("x.npy") && msg.contains(".npz archive with the arrays `hidden`"),
        "{msg}"
    );
}

/// int64 labels beyond 2^53 (e.g. hashed condition ids) collapse in f64; they are re-encoded
/// exactly as classes 0..K-1 in sorted order, and `arrays_read` says so. Before: all eight
/// labels became the same float.
#[test]
fn huge_integer_labels_are_reencoded_as_classes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ids.npz");
    let order = [3_i64, 0, 7, 1, 6, 2, 5, 4];
    let labels: Array1<i64> = order.iter().map(|i| (1_i64 << 60) + i).collect();
    write_npz_with(&path, |npz| {
        npz.add("hidden", &Array3::<f64>::zeros((8, 2, 1)))?;
        npz.add("labels", &labels)
    })
    .unwrap();
    let rec = Recording::read(&path).unwrap();
    assert_eq!(
        rec.labels,
        order.iter().map(|&i| i as f64).collect::<Array1<f64>>()
    );
    assert!(
        rec.arrays_read[1].contains("2^53") && rec.arrays_read[1].contains("0..7"),
        "{:?}",
        rec.arrays_read
    );

    // Labels within 2^53 keep their values.
    let small: Array1<i64> = order.iter().map(|i| 1000 + i).collect();
    write_npz_with(&path, |npz| {
        npz.add("hidden", &Array3::<f64>::zeros((8, 2, 1)))?;
        npz.add("labels", &small)
    })
    .unwrap();
    assert_eq!(Recording::read(&path).unwrap().labels[0], 1003.0);
}
