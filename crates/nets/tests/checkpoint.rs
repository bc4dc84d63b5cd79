//! Checkpoints: exact round trip, and clear errors for foreign, corrupt or mismatched files.
#![allow(clippy::unwrap_used)]

use infoscope_nets::NetsError;
use infoscope_nets::checkpoint::{Checkpoint, Tensor};

fn sample() -> Checkpoint {
    let mut c = Checkpoint::default();
    c.tensors.insert(
        "w".into(),
        Tensor {
            shape: vec![2, 3],
            data: vec![1.0, -2.5, 3.25, f32::MIN_POSITIVE, 0.0, 1e30],
        },
    );
    c.metadata.insert("step".into(), "17".into());
    c
}

#[test]
fn round_trip_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.safetensors");
    sample().write(&path).unwrap();
    let back = Checkpoint::read(&path).unwrap();
    assert_eq!(back.tensors, sample().tensors);
    assert_eq!(back.meta::<u64>(&path, "step").unwrap(), 17);
    assert_eq!(back.tensor(&path, "w", &[2, 3]).unwrap()[2], 3.25);
}

#[test]
fn bad_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.safetensors");
    sample().write(&path).unwrap();
    let c = Checkpoint::read(&path).unwrap();
    let detail = |e: NetsError| match e {
        NetsError::Checkpoint { detail, .. } => detail,
        other => panic!("{other}"),
    };
    assert!(detail(c.tensor(&path, "w", &[3, 2]).unwrap_err()).contains("shape"));
    assert!(detail(c.tensor(&path, "b", &[3]).unwrap_err()).contains("no tensor"));
    assert!(detail(c.meta::<u64>(&path, "seed").unwrap_err()).contains("seed"));
    let junk = dir.path().join("junk.safetensors");
    std::fs::write(&junk, b"not a checkpoint at all").unwrap();
    assert!(detail(Checkpoint::read(&junk).unwrap_err()).contains("safetensors"));
    // A valid safetensors file without infoscope's tag.
    let mut bytes = std::fs::read(&path).unwrap();
    let tag = b"infoscope-checkpoint-1";
    let at = bytes.windows(tag.len()).position(|w| w == tag).unwrap();
    bytes[at..at + tag.len()].copy_from_slice(b"someone-elses-format-1");
    let foreign = dir.path().join("foreign.safetensors");
    std::fs::write(&foreign, &bytes).unwrap();
    assert!(detail(Checkpoint::read(&foreign).unwrap_err()).contains("format"));
    let missing = dir.path().join("none.safetensors");
    assert!(matches!(Checkpoint::read(&missing), Err(NetsError::Io(_))));
}
