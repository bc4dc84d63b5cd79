//! The balanced-network experiment end to end (issue #18): a small rate-against-balance sweep
//! and two short training runs; stopped and resumed it writes the same results as straight
//! through, on any thread count; the shipped experiment file is the defaults; bad settings
//! name themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;
use std::path::Path;

use infoscope_analysis::AnalysisError;
use infoscope_analysis::balanced::{
    BalancedExperiment, BalancedProgress, BalancedResults, is_balanced_experiment,
    run_balanced_experiment,
};

const SMALL: &str = r#"
kind = "balanced"
name = "small"

[sweep]
n = 64
g = [0.0, 1.0]
b = [1.0, 2.0, 4.0]
dt = 0.03125
duration = 64.0
burn_in = 4.0
networks = 2
trials = 2

[sweep.rate]
nperseg = 256
cutoff = 2.0

[training]
channels = [1, 2]
n = 24
epochs = 40
log_every = 10
checkpoint_every = 20
rate_steps = 1024

[training.rate]
nperseg = 128
"#;

fn small() -> BalancedExperiment {
    BalancedExperiment::from_toml(SMALL, "small.toml").unwrap()
}

fn run(
    exp: &BalancedExperiment,
    out: &Path,
    resume: bool,
    stop_after: Option<usize>,
) -> Result<BalancedResults, AnalysisError> {
    let mut events = 0;
    run_balanced_experiment(exp, out, resume, &mut |p| {
        let counted = matches!(
            p,
            BalancedProgress::Sweep { .. } | BalancedProgress::Epoch { .. }
        );
        if counted {
            events += 1;
        }
        match stop_after {
            Some(n) if counted && events > n => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    })
}

fn results_text(out: &Path) -> String {
    std::fs::read_to_string(out.join("results.json")).unwrap()
}

#[test]
fn the_shipped_experiment_file_is_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../experiments/balanced.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(is_balanced_experiment(&text, "balanced.toml").unwrap());
    let exp = BalancedExperiment::from_toml(&text, "balanced.toml").unwrap();
    assert_eq!(exp, BalancedExperiment::default());
    assert!(!is_balanced_experiment("kind = \"flux\"", "f.toml").unwrap());
    assert!(!is_balanced_experiment("[task]\n", "go.toml").unwrap());
}

#[test]
fn a_small_experiment_measures_rates_balance_and_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&small(), dir.path(), false, None).unwrap();
    assert_eq!(r.unit, "nats per tau");
    let sweep = r.sweep.as_ref().unwrap();
    assert_eq!(sweep.runs.len(), 2 * 3 * 2 * 2);
    assert_eq!(sweep.points.len(), 6);
    for p in &sweep.points {
        assert_eq!(p.count, 4, "{p:?}");
        let rate = p.rate.unwrap();
        assert!(rate.is_finite(), "{p:?}");
        // The linearised time constant τ/(1 + b·J0·f) shrinks below τ with inhibition.
        let tc = p.time_constant.unwrap();
        assert!(tc > 0.0 && tc < 1.0, "{p:?}");
        assert_eq!(p.density.len(), sweep.frequencies.len());
    }
    // Tighter balance, shorter time constant (the same g).
    let tc = |g: f64, b: f64| {
        sweep
            .points
            .iter()
            .find(|p| p.g == g && p.b == b)
            .and_then(|p| p.time_constant)
            .unwrap()
    };
    assert!(tc(0.0, 4.0) < tc(0.0, 2.0) && tc(0.0, 2.0) < tc(0.0, 1.0));
    assert_eq!(sweep.fits.len(), 2);
    assert!(sweep.fits.iter().all(|c| c.fit.is_some()));
    let training = r.training.as_ref().unwrap();
    assert_eq!(training.runs.len(), 2);
    for run in &training.runs {
        // Epoch 0 and every 10 epochs to 40.
        let epochs: Vec<u64> = run.log.iter().map(|l| l.epoch).collect();
        assert_eq!(epochs, [0, 10, 20, 30, 40]);
        assert!(run.log[0].train_loss.is_none() && run.log[1].train_loss.is_some());
        assert!(
            (run.log[0].balance - 1.0).abs() < 1e-12,
            "balance starts at 1"
        );
        assert!(run.log.iter().all(|l| l.rate.is_some()), "{:?}", run.log);
        assert_eq!(run.eigenvalues_before.len(), 24);
        assert_eq!(run.eigenvalues_after.len(), 24);
        assert_eq!(run.j_sorted.len(), 24);
        assert!(run.error.is_none());
    }
    assert!(training.runs[0].clusters.is_none());
    let c = training.runs[1].clusters.as_ref().unwrap();
    assert_eq!(c.sizes.iter().sum::<usize>(), 24);
    assert_eq!(c.sizes.len(), 2);
    for f in [
        "results.json",
        "experiment.json",
        "sweep/runs.json",
        "training/S2/J.npy",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
}

#[test]
fn stopped_and_resumed_gives_the_same_results_on_any_thread_count() {
    let exp = small();
    let straight = tempfile::tempdir().unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| run(&exp, straight.path(), false, None))
        .unwrap();
    let resumed = tempfile::tempdir().unwrap();
    // Stop in the sweep, then in the first training run, then in the second, then finish.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for (i, stop) in [3, 10, 5].into_iter().enumerate() {
        let r = pool.install(|| run(&exp, resumed.path(), i > 0, Some(stop)));
        assert!(
            matches!(r, Err(AnalysisError::Stopped)),
            "stop {stop}: {:?}",
            r.err()
        );
    }
    pool.install(|| run(&exp, resumed.path(), true, None))
        .unwrap();
    assert_eq!(results_text(straight.path()), results_text(resumed.path()));
}

#[test]
fn a_resume_of_another_experiment_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let exp = small();
    let r = run(&exp, dir.path(), false, Some(1));
    assert!(matches!(r, Err(AnalysisError::Stopped)));
    let mut other = exp.clone();
    other.sweep.seed = 9;
    let err = run(&other, dir.path(), true, None).unwrap_err().to_string();
    assert!(
        err.contains("resume") && err.contains("another experiment"),
        "{err}"
    );
}

#[test]
fn a_run_away_network_is_recorded_and_the_sweep_goes_on() {
    // g = 4 with weak inhibition: ReLU rates grow without bound; g = 0 stays bounded.
    let text = SMALL
        .replace("g = [0.0, 1.0]", "g = [0.0, 4.0]")
        .replace("b = [1.0, 2.0, 4.0]", "b = [0.5, 2.0]")
        .replace("channels = [1, 2]", "enabled = false\nchannels = [1]");
    let exp = BalancedExperiment::from_toml(&text, "t.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = run(&exp, dir.path(), false, None).unwrap();
    let sweep = r.sweep.unwrap();
    let at = |g: f64, b: f64| sweep.points.iter().find(|p| p.g == g && p.b == b).unwrap();
    for b in [0.5, 2.0] {
        let p = at(4.0, b);
        assert_eq!((p.count, p.failed), (0, 4), "{p:?}");
        assert!(p.error.as_deref().unwrap().contains("ran away"), "{p:?}");
        assert_eq!(at(0.0, b).count, 4, "{:?}", at(0.0, b));
    }
    // The line of g = 4 has no points; that of g = 0 has too few (2) to be fitted.
    assert!(sweep.fits.iter().all(|c| c.fit.is_none()));
    assert!(r.training.is_none());
}

#[test]
fn bad_settings_name_themselves() {
    let cases = [
        ("b = [1.0, 2.0, 4.0]", "b = [-1.0]", "sweep.b"),
        ("duration = 64.0", "duration = 4.0", "sweep.duration"),
        (
            "checkpoint_every = 20",
            "checkpoint_every = 15",
            "training.checkpoint_every",
        ),
        (
            "channels = [1, 2]",
            "channels = [1, 1]",
            "training.channels",
        ),
        (
            "nperseg = 128",
            "nperseg = 128\noverlap = 1.5",
            "training.rate.overlap",
        ),
        ("networks = 2", "networks = 0", "sweep.networks"),
    ];
    for (from, to, name) in cases {
        let text = SMALL.replace(from, to);
        assert_ne!(text, SMALL, "{from}");
        let err = BalancedExperiment::from_toml(&text, "t.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains(name), "{name}: {err}");
    }
    let err = BalancedExperiment::from_toml(
        &SMALL.replace("[sweep]\n", "[sweep]\nbogus = 1\n"),
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("bogus") && err.contains("t.toml"), "{err}");
}

#[test]
fn a_noise_sweep_gives_one_curve_per_sigma_and_noise_lowers_the_rate() {
    let text = SMALL
        .replace("g = [0.0, 1.0]", "g = [0.0]\nsigma = [0.1, 1.0]")
        .replace("channels = [1, 2]", "enabled = false\nchannels = [1]");
    let exp = BalancedExperiment::from_toml(&text, "t.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sweep = run(&exp, dir.path(), false, None).unwrap().sweep.unwrap();
    assert_eq!(sweep.points.len(), 6);
    let curves: Vec<(f64, f64)> = sweep.fits.iter().map(|c| (c.g, c.sigma)).collect();
    assert_eq!(curves, [(0.0, 0.1), (0.0, 1.0)]);
    for b in [1.0, 2.0, 4.0] {
        let rate = |s: f64| {
            sweep
                .points
                .iter()
                .find(|p| p.sigma == s && p.b == b)
                .and_then(|p| p.rate)
                .unwrap()
        };
        assert!(
            rate(1.0) < rate(0.1),
            "b = {b}: {} vs {}",
            rate(1.0),
            rate(0.1)
        );
    }
    let err = BalancedExperiment::from_toml(&text.replace("[0.1, 1.0]", "[]"), "t.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("sweep.sigma"), "{err}");
}
