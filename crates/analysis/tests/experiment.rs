//! Experiments as data: the shipped TOML files, errors, and a stopped run resuming to the same
//! Results.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;
use std::path::Path;

use infoscope_analysis::AnalysisError;
use infoscope_analysis::experiment::{Experiment, Progress, run_experiment};

fn repo(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

#[test]
fn the_built_in_defaults_are_experiments_go_toml() {
    let file = Experiment::read(&repo("experiments/go.toml")).unwrap();
    assert_eq!(file, Experiment::default());
    let full = Experiment::read(&repo("experiments/go-full.toml")).unwrap();
    assert_eq!(full.network.hidden, 256, "the Padova network size");
    // The TOML form round-trips.
    let text = file.to_toml().unwrap();
    assert_eq!(Experiment::from_toml(&text, "round trip").unwrap(), file);
}

#[test]
fn bad_experiments_name_the_setting() {
    for (text, needle) in [
        ("name = \"go\"\n[training]\nmax_step = 3\n", "max_step"),
        ("[recording]\nmode = \"sometimes\"\n", "recording.mode"),
        ("[recording]\ntrials = 2\n", "recording.trials"),
        ("[task]\nrule = \"nogo\"\n", "nogo"),
        ("[analysis]\nfdr = 0\n", "fdr"),
        ("name = \"a/b\"\n", "name"),
        ("[training\n", "line 1"),
    ] {
        let err = Experiment::from_toml(text, "e.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{text:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

fn tiny() -> Experiment {
    let mut e = Experiment {
        name: "tiny".into(),
        ..Experiment::default()
    };
    e.network.hidden = 8;
    e.training.max_steps = 20;
    e.training.batch_size = 16;
    e.training.log_every = 4;
    e.training.checkpoints = 3;
    e.reservoir.enabled = false;
    e.recording.trials = 24;
    e.analysis.permutations = 9;
    e.analysis.layer_bins = vec![2];
    e.analysis.pca_dims = 3;
    e
}

#[test]
fn a_stopped_run_resumes_to_the_same_results() {
    let exp = tiny();
    let dir = tempfile::tempdir().unwrap();
    let whole = run_experiment(&exp, &dir.path().join("whole"), false, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(whole.networks.len(), 1);

    // Stop at the second training log entry, then resume.
    let part = dir.path().join("part");
    let mut logs = 0;
    let err = run_experiment(&exp, &part, false, &mut |p| {
        if let Progress::Training { .. } = p {
            logs += 1;
            if logs == 2 {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert!(matches!(err, AnalysisError::Stopped), "{err}");
    assert!(!part.join("results.json").exists());
    let mut skipped = Vec::new();
    let resumed = run_experiment(&exp, &part, true, &mut |p| {
        if let Progress::Skipped { name } = p {
            skipped.push(name);
        }
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(skipped.is_empty(), "nothing had finished: {skipped:?}");
    assert_eq!(
        serde_json::to_string(&resumed).unwrap(),
        serde_json::to_string(&whole).unwrap()
    );
    // Stop again after the recordings, resume: the finished stages are read back.
    let part2 = dir.path().join("part2");
    let err = run_experiment(&exp, &part2, false, &mut |p| match p {
        Progress::Done { name: "record", .. } => ControlFlow::Break(()),
        _ => ControlFlow::Continue(()),
    })
    .unwrap_err();
    assert!(matches!(err, AnalysisError::Stopped));
    let mut skipped = Vec::new();
    let resumed = run_experiment(&exp, &part2, true, &mut |p| {
        if let Progress::Skipped { name } = p {
            skipped.push(name);
        }
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(skipped, ["train leaky RNN", "record"]);
    assert_eq!(
        serde_json::to_string(&resumed).unwrap(),
        serde_json::to_string(&whole).unwrap()
    );
    // A different experiment refuses to resume in the same directory.
    let mut other = exp.clone();
    other.analysis.permutations = 10;
    let err = run_experiment(&other, &part2, true, &mut |_| ControlFlow::Continue(())).unwrap_err();
    assert!(err.to_string().contains("resume"), "{err}");
}
