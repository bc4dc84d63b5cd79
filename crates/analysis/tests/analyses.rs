//! The recording analyses on synthetic recordings whose information content is known: units
//! tuned to the stimulus angle from a known onset, noise units, Go-encoded targets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod rebuild;
mod robust;

use infoscope_analysis::nets::record::{Recording, RecordingMeta};
use infoscope_analysis::nets::tasks::TrialEpochs;
use infoscope_analysis::nets::tasks::encoding::bump;
use infoscope_analysis::{AnalysisConfig, Bound, MiPanel, analyze_recording, information_plane};
use ndarray::{Array1, Array3};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

const TRIALS: usize = 64;
const STEPS: usize = 24;
const UNITS: usize = 12;
const ONSET: usize = 8;
const GO: usize = 18;
const TUNED: usize = 4;

/// Units 0..4 respond to (cos θ, sin θ, −cos θ, −sin θ) × `gain` from step ONSET; every unit
/// has N(0, 0.3²) noise. Targets: fixation until GO, then a bump at θ.
fn recording(gain: f64, seed: u64) -> Recording {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let labels: Array1<f64> = (0..TRIALS)
        .map(|i| std::f64::consts::TAU * (i as f64 + 0.5) / TRIALS as f64)
        .collect();
    let mut hidden = Array3::zeros((TRIALS, STEPS, UNITS));
    let mut targets = Array3::zeros((TRIALS, STEPS, 33));
    for b in 0..TRIALS {
        let th = labels[b];
        let tuning = [th.cos(), th.sin(), -th.cos(), -th.sin()];
        for t in 0..STEPS {
            for u in 0..UNITS {
                let noise: f64 = StandardNormal.sample(&mut rng);
                let signal = if t >= ONSET && u < TUNED {
                    gain * tuning[u]
                } else {
                    0.0
                };
                hidden[[b, t, u]] = signal + 0.3 * noise;
            }
            if t < GO {
                targets[[b, t, 0]] = 0.85;
            } else {
                targets[[b, t, 0]] = 0.05;
                for (k, v) in bump(th).iter().enumerate() {
                    targets[[b, t, 1 + k]] = *v;
                }
            }
        }
    }
    let mut meta = RecordingMeta::unknown();
    meta.epochs = vec![
        TrialEpochs {
            fix1: 0..ONSET,
            stim1: Some(ONSET..GO),
            delay1: None,
            go1: GO..STEPS,
        };
        TRIALS
    ];
    Recording {
        inputs: Array3::zeros((0, 0, 0)),
        hidden,
        outputs: Array3::zeros((0, 0, 0)),
        targets,
        mask: Array3::zeros((0, 0, 0)),
        labels,
        meta,
        arrays_read: Vec::new(),
    }
}

fn config() -> AnalysisConfig {
    AnalysisConfig {
        layer_bins: vec![2, 30],
        pca_dims: 4,
        permutations: 49,
        kt_sweep: vec![0.1, 1.0, 10.0],
        ..AnalysisConfig::default()
    }
}

fn curve<'a>(panel: &'a MiPanel, label: &str) -> &'a infoscope_analysis::MiCurve {
    panel
        .curves
        .iter()
        .find(|c| c.label.starts_with(label))
        .unwrap_or_else(|| panic!("no curve {label}"))
}

#[test]
fn stimulus_information_appears_at_onset_and_not_before() {
    let rec = recording(2.0, 1);
    let a = analyze_recording("synthetic", &rec, &config()).unwrap();
    assert_eq!(a.time.epochs.len(), 3);
    assert_eq!(a.variables.n_stimulus_classes, 8);
    assert!(
        (a.variables.stimulus_entropy - 8_f64.ln()).abs() < 1e-12,
        "8 equal classes"
    );
    let minimal = 1.0 / 50.0;
    // (The layer's binned estimates are saturated even before onset: 12 units in 2 bins give
    // 4096 patterns for 64 trials, so nearly every trial is distinct and I ≈ H(X) at every
    // step: the failure mode of SPEC.md §3.)
    let binned = &curve(&a.layer.stimulus, "binned, 2").values;
    assert!(
        binned.iter().all(|v| (v - 8_f64.ln()).abs() < 0.05),
        "{binned:?}"
    );
    for label in ["KT lower", "KT upper", "kNN (Ross)"] {
        let c = curve(&a.layer.stimulus, label);
        let p = &c.null.as_ref().unwrap().p_values;
        let rejected = p[..ONSET].iter().filter(|&&q| q <= 0.05).count();
        assert!(
            rejected <= 2,
            "{label}: {rejected} pre-onset rejections {p:?}"
        );
        assert!(p[ONSET..].iter().all(|&q| q == minimal), "{label}: {p:?}");
        // After onset the estimate is well above the null's 95th percentile.
        let q95 = &c.null.as_ref().unwrap().q95;
        assert!(c.values[ONSET + 2] > q95[ONSET + 2] + 0.3, "{label}");
    }
    // KT: 0 ≤ lower ≤ upper ≤ H(X) for the stimulus, ≤ ln(trials) for the trial.
    for (panel, cap) in [
        (&a.layer.stimulus, 8_f64.ln()),
        (&a.layer.trial, (TRIALS as f64).ln()),
    ] {
        let lo = &curve(panel, "KT lower").values;
        let hi = &curve(panel, "KT upper").values;
        for t in 0..STEPS {
            assert!(
                0.0 <= lo[t] && lo[t] <= hi[t] + 1e-12 && hi[t] <= cap + 1e-9,
                "{t}: {} {}",
                lo[t],
                hi[t]
            );
        }
    }
    // With 30 bins per unit every trial's pattern is distinct: I(trial; T) = ln(trials).
    for v in &curve(&a.layer.trial, "binned, 30").values {
        assert!((v - (TRIALS as f64).ln()).abs() < 1e-12);
    }
    // The target is constant before the go cue (exactly 0), then the response direction.
    let t_ksg = curve(&a.layer.target, "kNN (Ross)");
    assert!(t_ksg.values[..GO].iter().all(|&v| v == 0.0));
    assert!(
        t_ksg.null.as_ref().unwrap().p_values[..GO]
            .iter()
            .all(|&p| p == 1.0)
    );
    let t_kt = curve(&a.layer.target, "KT lower");
    assert!(
        t_kt.values[GO..].iter().all(|&v| v > 1.0),
        "{:?}",
        t_kt.values
    );
    // No inputs or outputs in this recording: those panels are empty and say why.
    assert!(a.layer.input_hidden.curves.is_empty());
    assert!(a.layer.hidden_output.description.contains("lacks"));
    // The σ² sweep: both bounds fall as the noise grows.
    let s = &a.layer.kt_sweep;
    assert!(s.step >= ONSET);
    for w in s.stimulus_upper.windows(2).chain(s.trial_lower.windows(2)) {
        assert!(w[1] <= w[0] + 1e-12, "{w:?}");
    }
}

/// Regression (issue 15): the layer analysis estimated I(class; layer) with KSG on the class
/// index read as a number, so renumbering the classes changed the curve. It now uses Ross's
/// discrete–continuous estimator, which sees only which trials share a class: the curve and
/// its null are bit-identical under any renumbering.
#[test]
fn issue15_class_information_does_not_depend_on_class_numbering() {
    let mut rec = recording(2.0, 3);
    rec.labels = (0..TRIALS).map(|i| (i * 8 / TRIALS) as f64).collect();
    let mut renamed = rec.clone();
    let map = [5.0, 2.0, 7.0, 0.0, 3.0, 6.0, 1.0, 4.0];
    renamed.labels = rec.labels.mapv(|c| map[c as usize] * 3.0 - 4.0);
    let a = analyze_recording("a", &rec, &config()).unwrap();
    let b = analyze_recording("b", &renamed, &config()).unwrap();
    let (ca, cb) = (
        curve(&a.layer.stimulus, "kNN (Ross)"),
        curve(&b.layer.stimulus, "kNN (Ross)"),
    );
    assert_eq!(ca.config.spec.method(), "ross");
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&ca.values), bits(&cb.values));
    assert_eq!(ca.null, cb.null);
    // Information appears at onset: about 0 before (measured |v| < 0.13), 0.9–1.25 nats after
    // (8 sectors of 8 trials; neighbouring sectors overlap in the noisy tuned units).
    assert!(
        ca.values[..ONSET].iter().all(|v| v.abs() < 0.3),
        "{:?}",
        ca.values
    );
    assert!(
        ca.values[ONSET..].iter().all(|&v| v > 0.7),
        "{:?}",
        ca.values
    );
}

#[test]
fn tuned_neurons_are_active_and_peak_after_onset() {
    let rec = recording(2.0, 2);
    // 99 permutations: the smallest p-value, 0.01, survives BH over 12 units (0.01 · 12/4).
    let config = AnalysisConfig {
        permutations: 99,
        ..config()
    };
    let a = analyze_recording("synthetic", &rec, &config).unwrap();
    let n = &a.neurons;
    assert_eq!(n.mi.len(), UNITS);
    assert_eq!(n.mi[0].len(), STEPS);
    for u in 0..TUNED {
        assert!(n.active.contains(&u), "unit {u}: q = {}", n.q_values[u]);
        assert!(
            n.peak_step[u] >= ONSET,
            "unit {u} peaks at {}",
            n.peak_step[u]
        );
        assert!((n.p_values[u] - 1.0 / 100.0).abs() < 1e-15);
    }
    assert!(
        n.active.len() <= TUNED + 1,
        "noise units stay inactive: {:?}",
        n.active
    );
    assert_eq!(n.peak_spread.n_active, n.active.len());
    let in_epochs: usize = n.peak_spread.per_epoch.iter().map(|e| e.1).sum();
    assert_eq!(in_epochs, n.active.len());
    // Per-neuron binned MI is I(h_i; X) with 2 bins: never above ln 2 or H(X).
    assert!(
        n.mi.iter()
            .flatten()
            .all(|&v| (0.0..=2_f64.ln() + 1e-12).contains(&v))
    );
}

#[test]
fn successive_states_and_units() {
    let rec = recording(2.0, 3);
    let a = analyze_recording("synthetic", &rec, &config()).unwrap();
    let p = &a.successive.panel;
    assert_eq!(p.curves.len(), 2);
    assert!(
        p.curves
            .iter()
            .all(|c| c.values.len() == STEPS - 1 && c.bound == Bound::Point)
    );
    // Before onset the states are independent noise; after, both carry the angle.
    let g = &p.curves[0].values;
    assert!(g[..ONSET - 1].iter().all(|&v| v.abs() < 0.3), "{g:?}");
    assert!(g[ONSET..].iter().all(|&v| v > 1.0), "{g:?}");
    assert_eq!(a.successive.reduction.dims, 4);
}

#[test]
fn same_results_on_any_thread_count() {
    let rec = recording(1.0, 4);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                serde_json::to_string(&analyze_recording("x", &rec, &config()).unwrap()).unwrap()
            })
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn information_plane_follows_the_signal() {
    let checkpoints: Vec<(usize, Recording)> = [0.0, 0.5, 3.0]
        .iter()
        .enumerate()
        .map(|(i, &gain)| (i * 10, recording(gain, 5)))
        .collect();
    let plane = information_plane(&checkpoints, &config()).unwrap();
    assert_eq!(plane.checkpoints, vec![0, 10, 20]);
    assert_eq!(plane.step, STEPS - 1);
    let lo = plane.curves.iter().find(|c| c.label == "KT lower").unwrap();
    let hi = plane.curves.iter().find(|c| c.label == "KT upper").unwrap();
    for i in 0..3 {
        assert!(0.0 <= lo.i_ty[i] && lo.i_ty[i] <= hi.i_ty[i] + 1e-12);
        assert!(hi.i_xt[i] <= (TRIALS as f64).ln() + 1e-9);
    }
    // I(T; Y) grows with the tuning gain (Y: the response direction's class at the last step).
    assert!(
        lo.i_ty[0] < 0.2 && lo.i_ty[1] < lo.i_ty[2] && lo.i_ty[2] > 1.0,
        "{:?}",
        lo.i_ty
    );
    assert!(information_plane(&[], &config()).is_err());
}

#[test]
fn bad_recordings_and_settings_are_refused() {
    let mut rec = recording(1.0, 6);
    rec.hidden[[3, 2, 1]] = f64::NAN;
    let err = analyze_recording("x", &rec, &config())
        .unwrap_err()
        .to_string();
    assert!(err.contains("non-finite"), "{err}");
    let bad = AnalysisConfig {
        fdr: 1.5,
        ..config()
    };
    let err = analyze_recording("x", &recording(1.0, 6), &bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("fdr"), "{err}");
    // A count no analysis needs is refused at once under its own name (issue #16: 10⁹ used
    // to allocate trials × 10⁹ surrogate orders and abort).
    let huge = AnalysisConfig {
        permutations: 1_000_000_000,
        ..config()
    };
    let err = analyze_recording("x", &recording(1.0, 6), &huge)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("permutations") && err.contains("1000000"),
        "{err}"
    );
    let err = AnalysisConfig::from_toml("kt_noise_var = -1.0", "s.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("kt_noise_var"), "{err}");
    let err = AnalysisConfig::from_toml("[analysis]\nbins = 2", "s.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("s.toml") && err.contains("bins"), "{err}");
    let c = AnalysisConfig::from_toml("[analysis]\npermutations = 7", "s.toml").unwrap();
    assert_eq!(c.permutations, 7);
    assert_eq!(
        AnalysisConfig::from_toml("permutations = 7", "s.toml").unwrap(),
        c
    );
}
