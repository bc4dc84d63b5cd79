//! Recordings: round trip through `.npz` + sidecar, users' own exports, and shape errors.
#![allow(clippy::unwrap_used, clippy::float_cmp)]

use infoscope_io::write_npz_with;
use infoscope_nets::NetsError;
use infoscope_nets::record::{Recording, RecordingMeta};
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
    let back = Recording::read(&path).unwrap();
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
    assert_eq!(
        argument(Recording::read(&only_labels).unwrap_err()),
        "hidden"
    );
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
