//! The flux experiment end to end: a small sweep, two short evolution runs and a network from
//! files; stopped and resumed it writes the same results as straight through, on any thread
//! count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ops::ControlFlow;
use std::path::Path;

use infoscope_analysis::AnalysisError;
use infoscope_analysis::flux::{
    FluxExperiment, FluxProgress, FluxResults, ProxyKind, is_flux_experiment, run_flux_experiment,
};
use ndarray::{Array1, arr2};

const SMALL: &str = r#"
kind = "flux"
name = "small"

[measure]
attractor_max_neurons = 8

[sweep]
n = 4
widths = [1.0, 4.0]
densities = [1.0]
balances = [0.0, 0.5]
networks = 5

[evolution]
n = 3
generations = 12
runs = 2
checkpoint_every = 4

[evolution.strategy]
lambda = 6
w_max = 10.0
evolve_bias = true

[[networks]]
name = "shift"
weights = "shift_w.npy"
bias = "shift_b.npy"
"#;

fn write_shift(dir: &Path) {
    // SPEC.md §7: the N = 3 shift register, w = 5, b = −w/2.
    let w = arr2(&[[0.0, 0.0, 5.0], [5.0, 0.0, 0.0], [0.0, 5.0, 0.0]]);
    infoscope_io::write_npy(&dir.join("shift_w.npy"), &w).expect("w");
    infoscope_io::write_npy(&dir.join("shift_b.npy"), &Array1::from_elem(3, -2.5)).expect("b");
}

fn run(
    exp: &FluxExperiment,
    out: &Path,
    resume: bool,
    stop_after: Option<usize>,
) -> Result<FluxResults, AnalysisError> {
    let mut events = 0;
    run_flux_experiment(exp, out, resume, &mut |p| {
        if matches!(p, FluxProgress::Sweep { .. } | FluxProgress::Generation(_)) {
            events += 1;
        }
        match stop_after {
            Some(n) if events >= n => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    })
}

fn strip(mut r: FluxResults) -> String {
    r.infoscope_version.clear();
    serde_json::to_string(&r).expect("json")
}

#[test]
fn a_flux_experiment_runs_resumes_exactly_and_ignores_the_thread_count() {
    let dir = tempfile::tempdir().expect("dir");
    write_shift(dir.path());
    let path = dir.path().join("small.toml");
    std::fs::write(&path, SMALL).expect("toml");
    assert!(is_flux_experiment(SMALL, "small.toml").expect("kind"));
    let exp = FluxExperiment::read(&path).expect("experiment");

    let straight = run(&exp, &dir.path().join("straight"), false, None).expect("run");
    // The SPEC §7 network from files: I = 1.837757 bits.
    let shift = &straight.networks[0].snapshot.measures;
    let bits = shift.exact.as_ref().expect("exact").flux.information_bits();
    assert!((bits - 1.837_757).abs() < 1e-6, "{bits}");
    // The sweep: 2 × 1 × 2 points × 5 networks, each with all three proxies related.
    let sweep = straight.sweep.as_ref().expect("sweep");
    assert_eq!(sweep.networks.len(), 20);
    let lagged = sweep
        .relations
        .iter()
        .find(|r| r.proxy == ProxyKind::LaggedAll)
        .expect("lagged");
    assert_eq!(lagged.networks, 20);
    assert!(lagged.spearman.expect("rho") > 0.5, "{lagged:?}");
    // Evolution under plus selection never loses fitness, and ends above where it started.
    let evo = straight.evolution.as_ref().expect("evolution");
    for run in &evo.runs {
        assert_eq!(run.trajectory.len(), 13);
        assert!(run.trajectory.windows(2).all(|w| w[1].best >= w[0].best));
        assert!(run.after.fitness >= run.before.fitness);
    }
    assert!(
        dir.path()
            .join("straight/evolution/run_1_weights.npy")
            .exists()
    );

    // Stopped after the first sweep point, then after a few evolution chunks, then resumed.
    let out = dir.path().join("resumed");
    assert!(matches!(
        run(&exp, &out, false, Some(2)),
        Err(AnalysisError::Stopped)
    ));
    assert!(matches!(
        run(&exp, &out, true, Some(7)),
        Err(AnalysisError::Stopped)
    ));
    let resumed = run(&exp, &out, true, None).expect("resume");
    assert_eq!(strip(resumed), strip(straight.clone()));

    // One thread gives the same numbers.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let one = pool
        .install(|| run(&exp, &dir.path().join("one"), false, None))
        .expect("one thread");
    assert_eq!(strip(one), strip(straight));
}

#[test]
fn bad_flux_experiments_are_named() {
    let cases = [
        ("kind = \"flow\"\n", "unknown experiment kind"),
        ("kind = \"flux\"\n[sweep]\nnetworks = 0\n", "sweep.networks"),
        (
            "kind = \"flux\"\n[measure]\nplugin_neurons = 0\n",
            "measure.plugin_neurons",
        ),
        (
            "kind = \"flux\"\n[evolution]\nn = 14\n",
            "evolution.fitness",
        ),
        (
            "kind = \"flux\"\n[evolution.strategy]\nsigma = -1.0\n",
            "sigma",
        ),
        (
            "kind = \"flux\"\nnetwork = { temperature = 0.0 }\n",
            "network.temperature",
        ),
        ("kind = \"flux\"\n[sweep]\nbogus = 1\n", "bogus"),
    ];
    for (text, needle) in cases {
        let err = if is_flux_experiment(text, "x.toml").is_err() {
            is_flux_experiment(text, "x.toml")
                .expect_err("kind")
                .to_string()
        } else {
            FluxExperiment::from_toml(text, "x.toml", Path::new("."))
                .expect_err(text)
                .to_string()
        };
        assert!(err.contains(needle), "{text:?}: {err}");
    }
    let missing = "kind = \"flux\"\n[[networks]]\nname = \"w\"\nweights = \"/nonexistent/w.npy\"\n";
    let exp = FluxExperiment::from_toml(missing, "x.toml", Path::new(".")).expect("parses");
    let dir = tempfile::tempdir().expect("dir");
    let err = run_flux_experiment(
        &FluxExperiment {
            sweep: infoscope_analysis::flux::sweep::SweepConfig {
                enabled: false,
                ..Default::default()
            },
            evolution: infoscope_analysis::flux::evolution::EvolutionConfig {
                enabled: false,
                ..Default::default()
            },
            ..exp
        },
        dir.path(),
        false,
        &mut |_| ControlFlow::Continue(()),
    )
    .expect_err("missing file");
    assert!(err.to_string().contains("/nonexistent/w.npy"), "{err}");
}

#[test]
fn experiments_flux_toml_shows_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../experiments/flux.toml");
    let file = FluxExperiment::read(&path).expect("experiments/flux.toml");
    assert_eq!(file, FluxExperiment::default());
}
