//! Issue 16: no single failure aborts an analysis. Recordings as users export them (constant
//! input channels, dead units, float16 states, one step, thousands of units, targets as
//! integer classes or one-hot rows, labels in degrees) analyse; what an estimator cannot
//! compute is missing with its reason, and results.json round-trips.

use infoscope_analysis::nets::record::Recording;
use infoscope_analysis::{AnalysisConfig, MiCurve, NetworkAnalysis, analyze_recording};
use ndarray::{Array1, Array3, s};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{ONSET, STEPS, TRIALS, UNITS, config, curve, recording};

/// The analysis written as results.json and read back: the same JSON again (NaN is `null`,
/// so compare the text).
fn round_trips(a: &NetworkAnalysis) -> String {
    let json = serde_json::to_string(a).unwrap();
    let back: NetworkAnalysis = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    json
}

fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    StandardNormal.sample(rng)
}

/// Inputs like a task's: a fixation channel always 1, an unused channel always 0, and two
/// stimulus channels that are 0 before ONSET and vary after.
fn with_inputs(seed: u64) -> Recording {
    let mut rec = recording(2.0, seed);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed + 7);
    rec.inputs = Array3::zeros((TRIALS, STEPS, 4));
    for b in 0..TRIALS {
        for t in 0..STEPS {
            rec.inputs[[b, t, 0]] = 1.0;
            if t >= ONSET {
                rec.inputs[[b, t, 2]] = rec.labels[b].cos() + 0.1 * normal(&mut rng);
                rec.inputs[[b, t, 3]] = normal(&mut rng);
            }
        }
    }
    rec
}

#[test]
fn issue16_constant_inputs_give_exact_zeros_not_an_error() {
    let rec = with_inputs(1);
    let a = analyze_recording("x", &rec, &config()).unwrap();
    for c in &a.layer.input_hidden.curves {
        assert_eq!(c.values.len(), STEPS);
        for t in 0..ONSET {
            assert_eq!(c.values[t], 0.0, "{}: step {t}", c.label);
        }
        assert_eq!(c.exact.len(), ONSET, "{}: {:?}", c.label, c.exact);
        assert!(c.exact[0].reason.contains("constant"), "{:?}", c.exact);
        assert!(c.values[ONSET..].iter().all(|v| v.is_finite()), "{c:?}");
        assert!(c.missing.is_empty());
    }
    let json = round_trips(&a);
    assert!(json.contains("\"exact\""));
}

#[test]
fn issue16_a_failing_estimate_is_missing_with_its_reason() {
    // At one step the two varying channels are one line: the inputs' PCs are linearly
    // dependent across the trials there and the Gaussian estimator refuses them.
    let mut rec = with_inputs(2);
    let t = ONSET + 3;
    for b in 0..TRIALS {
        rec.inputs[[b, t, 3]] = 2.0 * rec.inputs[[b, t, 2]];
    }
    let a = analyze_recording("x", &rec, &config()).unwrap();
    let g = curve(&a.layer.input_hidden, "Gaussian");
    assert!(g.values[t].is_nan(), "{:?}", g.values);
    assert_eq!(g.missing.len(), 1, "{:?}", g.missing);
    assert_eq!(g.missing[0].index, t);
    assert!(!g.missing[0].reason.is_empty());
    assert!(g.values[t + 1].is_finite());
    let json = round_trips(&a);
    assert!(json.contains("\"missing\"") && json.contains("null"));
}

#[test]
fn issue16_results_without_gaps_serialise_as_before() {
    let mut settings = config();
    settings.layer_bins = vec![2];
    let a = analyze_recording("x", &recording(0.0, 3), &settings).unwrap();
    let json = round_trips(&a);
    for key in ["\"missing\"", "\"exact\"", "\"warnings\""] {
        assert!(!json.contains(key), "{key} in {json}");
    }
}

fn all_curves(a: &NetworkAnalysis) -> Vec<&MiCurve> {
    let l = &a.layer;
    [
        &l.stimulus,
        &l.target,
        &l.trial,
        &l.input_hidden,
        &l.hidden_output,
        &a.successive.panel,
    ]
    .into_iter()
    .flat_map(|p| &p.curves)
    .collect()
}

/// Every value of every curve is computed.
fn complete(a: &NetworkAnalysis) {
    for c in all_curves(a) {
        assert!(c.missing.is_empty(), "{}: {:?}", c.label, c.missing);
        assert!(c.values.iter().all(|v| v.is_finite()), "{}", c.label);
    }
    assert!(a.layer.kt_sweep.missing.is_empty());
    assert!(a.neurons.missing.is_empty());
}

#[test]
fn issue16_dead_units_do_not_break_the_analyses() {
    let mut rec = with_inputs(4);
    // Units 6.. never move (a dead ReLU), and at step 0 no unit does (a zero initial state).
    rec.hidden.slice_mut(s![.., .., 6..]).fill(0.0);
    rec.hidden.slice_mut(s![.., 0, ..]).fill(0.0);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(40);
    rec.outputs = rec.hidden.slice(s![.., .., ..3]).to_owned();
    rec.outputs.mapv_inplace(|v| v + 0.1 * normal(&mut rng));
    let a = analyze_recording("x", &rec, &config()).unwrap();
    complete(&a);
    for u in 6..UNITS {
        assert!(a.neurons.mi[u].iter().all(|&v| v == 0.0), "unit {u}");
    }
    assert!(!a.neurons.active.iter().any(|&u| u >= 6));
    let ross = curve(&a.layer.stimulus, "kNN (Ross)");
    assert_eq!(ross.values[0], 0.0);
    assert_eq!(ross.exact.len(), 1);
    assert_eq!(a.successive.panel.curves[0].values[0], 0.0);
}

/// `x` rounded to float16 precision (11 significant bits), then widened.
fn f16(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let q = 2f64.powi(x.abs().log2().floor() as i32 - 10);
    (x / q).round() * q
}

#[test]
fn issue16_float16_states_with_ties_analyse() {
    let mut rec = recording(2.0, 5);
    rec.hidden.mapv_inplace(|v| f16(v * 0.01));
    let a = analyze_recording("x", &rec, &config()).unwrap();
    complete(&a);
    let ross = curve(&a.layer.stimulus, "kNN (Ross)");
    assert!(ross.values[STEPS - 1] > 0.5, "{:?}", ross.values);
}

#[test]
fn issue16_one_time_step_analyses_without_successive_states() {
    let mut rec = recording(2.0, 6);
    rec.hidden = rec.hidden.slice(s![.., ONSET..ONSET + 1, ..]).to_owned();
    rec.targets = rec.targets.slice(s![.., ONSET..ONSET + 1, ..]).to_owned();
    rec.meta.epochs.clear();
    let a = analyze_recording("x", &rec, &config()).unwrap();
    assert_eq!(a.time.n_steps, 1);
    assert_eq!(curve(&a.layer.stimulus, "KT lower").values.len(), 1);
    assert!(a.successive.panel.curves.is_empty());
    assert!(
        a.successive.panel.description.contains("one time step"),
        "{}",
        a.successive.panel.description
    );
    assert_eq!(a.neurons.mi[0].len(), 1);
    round_trips(&a);
}

#[test]
fn issue16_five_thousand_units_analyse() {
    let (trials, steps, units) = (64, 10, 5000);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
    let labels: Array1<f64> = (0..trials).map(|i| (i % 4) as f64).collect();
    let hidden = Array3::from_shape_fn((trials, steps, units), |(b, t, u)| {
        let signal = if u < 10 && t >= 3 { labels[b] } else { 0.0 };
        signal + 0.3 * normal(&mut rng)
    });
    let mut rec = recording(0.0, 9);
    rec.labels = labels;
    rec.hidden = hidden;
    rec.targets = Array3::zeros((0, 0, 0));
    rec.meta.epochs.clear();
    let settings = AnalysisConfig {
        permutations: 9,
        ..config()
    };
    let start = std::time::Instant::now();
    let a = analyze_recording("x", &rec, &settings).unwrap();
    eprintln!("5000 units: {:?}", start.elapsed());
    complete(&a);
    assert_eq!(a.recording.n_units, units);
    assert_eq!(a.layer.reduction.dims, 4);
    assert!(a.neurons.peak_mi[..10].iter().all(|&v| v > 0.3));
}

#[test]
fn issue16_integer_and_one_hot_targets_are_classes() {
    let rec = recording(2.0, 7);
    let classes = |t: usize, b: usize| if t < ONSET { 0 } else { 1 + b % 3 };
    // One column of integers (neurogym, PyTorch cross-entropy).
    let mut one = rec.clone();
    one.targets = Array3::from_shape_fn((TRIALS, STEPS, 1), |(b, t, _)| classes(t, b) as f64);
    one.mask = Array3::ones((TRIALS, STEPS, 1));
    let a = analyze_recording("x", &one, &config()).unwrap();
    assert!(a.variables.has_targets, "{}", a.variables.target);
    assert!(a.variables.target.contains("integer"));
    assert_eq!(curve(&a.layer.target, "KT lower").values[0], 0.0);
    // One-hot rows; all-zero rows (no target) before ONSET.
    let mut hot = rec.clone();
    hot.targets = Array3::from_shape_fn((TRIALS, STEPS, 4), |(b, t, c)| {
        f64::from(u8::from(t >= ONSET && c == classes(t, b)))
    });
    let b = analyze_recording("x", &hot, &config()).unwrap();
    assert!(b.variables.has_targets, "{}", b.variables.target);
    assert!(b.variables.target.contains("one-hot"));
    assert_eq!(
        curve(&a.layer.target, "binned, 30").values,
        curve(&b.layer.target, "binned, 30").values
    );
    // Continuous targets: no classes, and why.
    let mut cont = rec;
    cont.targets = Array3::from_shape_fn((TRIALS, STEPS, 2), |(b, t, c)| (b + t + c) as f64 * 0.1);
    let c = analyze_recording("x", &cont, &config()).unwrap();
    assert!(!c.variables.has_targets);
    assert!(
        c.variables.target.contains("continuous"),
        "{}",
        c.variables.target
    );
    assert!(c.layer.target.curves.is_empty());
}

#[test]
fn issue16_labels_in_degrees_are_flagged() {
    let mut rec = recording(2.0, 8);
    rec.labels.mapv_inplace(f64::to_degrees);
    let a = analyze_recording("x", &rec, &config()).unwrap();
    assert_eq!(a.variables.warnings.len(), 1, "{:?}", a.variables.warnings);
    let w = &a.variables.warnings[0];
    assert!(w.contains("degrees") && w.contains("np.deg2rad"), "{w}");
    let radians = analyze_recording("x", &recording(2.0, 8), &config()).unwrap();
    assert!(radians.variables.warnings.is_empty());
}

#[test]
fn issue16_bad_recordings_name_the_problem() {
    let err = |rec: &Recording| {
        analyze_recording("x", rec, &config())
            .unwrap_err()
            .to_string()
    };
    let mut rec = recording(1.0, 6);
    rec.hidden[[3, 2, 1]] = f64::NAN;
    let e = err(&rec);
    assert!(e.contains("[trial 3, time 2, unit 1]"), "{e}");
    let mut rec = recording(1.0, 6);
    rec.hidden = Array3::zeros((TRIALS, STEPS, 0));
    let e = err(&rec);
    assert!(e.contains("`hidden` has no units"), "{e}");
    for dt in [0.0, -10.0, f64::NAN, f64::INFINITY] {
        let mut rec = recording(1.0, 6);
        rec.meta.dt = dt;
        let e = err(&rec);
        assert!(e.contains("`dt`"), "{e}");
    }
}

#[test]
fn issue16_saturated_binned_estimates_are_flagged() {
    // 12 units in 30 bins: every trial is its own symbol at every step.
    let a = analyze_recording("x", &recording(2.0, 1), &config()).unwrap();
    let fine = curve(&a.layer.stimulus, "binned, 30");
    assert_eq!(fine.saturated, (0..STEPS).collect::<Vec<_>>());
    let trial = curve(&a.layer.trial, "binned, 30");
    assert_eq!(trial.saturated.len(), STEPS);
    assert!((trial.values[0] - (TRIALS as f64).ln()).abs() < 1e-12);
    assert!(curve(&a.layer.stimulus, "KT lower").saturated.is_empty());
    let json = round_trips(&a);
    assert!(json.contains("\"saturated\""));
}
