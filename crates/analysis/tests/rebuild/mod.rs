//! Results record each estimate's estimator: reading results.json back, every curve's stored
//! specification (`config.spec`), checked into an estimator and applied to the data prepared
//! as `config.input` says, gives the curve's values exactly (issue 14).

use infoscope_analysis::estimators::discrete::BiasCorrection;
use infoscope_analysis::estimators::knn::KsgParams;
use infoscope_analysis::estimators::{Bounds, Data, EstimatorSpec, Outcome, Quantity, Variable};
use infoscope_analysis::nets::record::Recording;
use infoscope_analysis::pca::Pca;
use infoscope_analysis::{
    AnalysisConfig, AnalyzeConfig, AppliedEstimator, BinRange, BinnedSettings, Bound, MiCurve,
    Preprocessing, Reduction, Results, Source, analyze_recording, information_plane,
};
use ndarray::{Array2, Array3, ArrayView3, Axis, s};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::json;

use super::{STEPS, TRIALS, recording};

const CLASSES: usize = 8;

/// [`recording`] with integer stimulus labels (the class of each trial), no targets, and
/// inputs and outputs: random inputs, outputs a noisy linear readout of the hidden layer.
fn recording_with_io(gain: f64, seed: u64) -> Recording {
    let mut rec = recording(gain, seed);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed + 100);
    let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
    rec.labels = (0..TRIALS).map(|i| (i * CLASSES / TRIALS) as f64).collect();
    rec.targets = Array3::zeros((0, 0, 0));
    rec.meta.performance = Some(gain / 4.0);
    rec.inputs = Array3::from_shape_fn((TRIALS, STEPS, 5), |_| normal());
    let units = rec.hidden.shape()[2];
    rec.outputs = Array3::from_shape_fn((TRIALS, STEPS, 3), |(b, t, o)| {
        (0..units)
            .map(|u| rec.hidden[[b, t, u]] * ((u + o) % 3) as f64)
            .sum::<f64>()
    });
    rec.outputs.mapv_inplace(|v| v + 0.1 * normal());
    rec
}

/// The settings under test: not the defaults, so the stored specification has to carry them.
fn settings() -> AnalysisConfig {
    AnalysisConfig {
        layer_bins: vec![2, 5],
        pca_dims: 3,
        permutations: 9,
        kt_sweep: vec![0.1, 1.0],
        binned: BinnedSettings {
            correction: BiasCorrection::MillerMadow,
        },
        ksg: KsgParams::default().k(4).normalize(true),
        ..AnalysisConfig::default()
    }
}

/// Each unit of `h` scaled to `[0, 1]` by its range, as [`Preprocessing::UnitScaled`] says.
fn unit_scaled(h: ArrayView3<'_, f64>, range: BinRange) -> Array3<f64> {
    let (_, steps, units) = h.dim();
    let mut out = Array3::zeros(h.dim());
    let spans: Vec<std::ops::Range<usize>> = match range {
        BinRange::Recording => std::iter::once(0..steps).collect(),
        BinRange::TimeStep => (0..steps).map(|t| t..t + 1).collect(),
    };
    for span in spans {
        for u in 0..units {
            let v = h.slice(s![.., span.clone(), u]);
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if hi > lo {
                let mut o = out.slice_mut(s![.., span.clone(), u]);
                o.zip_mut_with(&v, |o, &x| *o = (x - lo) / (hi - lo));
            }
        }
    }
    out
}

/// `a` projected on the principal components the reduction describes (fitted on all trials
/// and time steps, keeping `dims`).
fn reduced(a: &Array3<f64>, r: &Reduction) -> Array3<f64> {
    assert_eq!(r.method, "pca");
    let (b, t, c) = a.dim();
    let flat = a.to_shape((b * t, c)).unwrap().to_owned();
    let pca = Pca::fit(flat.view(), r.dims).unwrap();
    assert_eq!(pca.dims(), r.dims);
    assert_eq!(pca.explained_variance, r.explained_variance);
    pca.transform(flat.view())
        .into_shape_with_order((b, t, r.dims))
        .unwrap()
}

fn at(a: &Array3<f64>, t: usize) -> Array2<f64> {
    a.index_axis(Axis(1), t).to_owned()
}

/// The recording's classes as an integer column.
fn classes(rec: &Recording) -> Array2<f64> {
    rec.labels.clone().insert_axis(Axis(1))
}

/// The value (or bound) of `quantity` from the stored specification.
fn rebuilt(spec: &EstimatorSpec, bound: Bound, quantity: Quantity, data: &Data<'_>) -> f64 {
    let estimator = spec.check().unwrap();
    match (estimator.estimate(quantity, data).unwrap(), bound) {
        (Outcome::Point(e), Bound::Point) => e.nats(),
        (Outcome::Bounds(Bounds { lower, .. }), Bound::Lower) => lower.nats(),
        (Outcome::Bounds(Bounds { upper, .. }), Bound::Upper) => upper.nats(),
        (o, b) => panic!("{b:?} of {o:?}"),
    }
}

/// X of a layer-panel curve at step `t`: the hidden layer prepared as the curve says (`x`
/// the source array of a reduced X).
fn layer_x(rec: &Recording, applied: &AppliedEstimator, x: &Array3<f64>, t: usize) -> Array2<f64> {
    match &applied.input {
        Preprocessing::UnitScaled { bin_range } => {
            assert_eq!(applied.method(), "binned");
            at(&unit_scaled(rec.hidden.view(), *bin_range), t)
        }
        Preprocessing::NoisyLayer => {
            assert_eq!(applied.method(), "kt");
            at(&rec.hidden, t)
        }
        Preprocessing::Reduced { x: r, .. } => at(&reduced(x, r), t),
    }
}

/// Every value of a curve of I(layer; classes) (`y` some) or I(trial; layer) (`y` none).
fn check_labelled(rec: &Recording, c: &MiCurve, y: Option<&Array2<f64>>) {
    for (t, &value) in c.values.iter().enumerate() {
        let x = layer_x(rec, &c.config, &rec.hidden, t);
        let (quantity, data) = match y {
            Some(y) => (
                Quantity::MutualInformation,
                Data::new(x.view()).with_y(Variable::integer(y.view())),
            ),
            None => (Quantity::InputInformation, Data::new(x.view())),
        };
        let v = rebuilt(&c.config.spec, c.bound, quantity, &data);
        assert_eq!(
            v.to_bits(),
            value.to_bits(),
            "{} at {t}: {v} vs {value}",
            c.label
        );
    }
}

/// Every value of a curve of I(X_t; Y_t) between two reduced layers (`y_shift` 1: Y at t+1).
fn check_between(c: &MiCurve, x: &Array3<f64>, y: &Array3<f64>, y_shift: usize) {
    let Preprocessing::Reduced { x: rx, y: Some(ry) } = &c.config.input else {
        panic!("{}: {:?}", c.label, c.config.input)
    };
    let (x, y) = (reduced(x, rx), reduced(y, ry));
    for (t, &value) in c.values.iter().enumerate() {
        let (xt, yt) = (at(&x, t), at(&y, t + y_shift));
        let data = Data::new(xt.view()).with_y(yt.view());
        let v = rebuilt(&c.config.spec, c.bound, Quantity::MutualInformation, &data);
        assert_eq!(
            v.to_bits(),
            value.to_bits(),
            "{} at {t}: {v} vs {value}",
            c.label
        );
    }
}

#[test]
fn every_curve_is_rebuilt_from_its_stored_spec() {
    let rec = recording_with_io(2.0, 11);
    let config = settings();
    let mut analysis = analyze_recording("rebuilt", &rec, &config).unwrap();
    let early = recording_with_io(0.3, 11);
    let checkpoints = [(0, early.clone()), (10, rec.clone())];
    analysis.plane = Some(information_plane(&checkpoints, &config).unwrap());
    let results = Results::new(
        Source::Analyze(&AnalyzeConfig {
            recording: None,
            analysis: config.clone(),
        }),
        vec![analysis],
    );
    // What results.json holds, read back.
    let text = serde_json::to_string(&results).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    let stim = &raw["networks"][0]["layer"]["stimulus"]["curves"];
    assert_eq!(
        stim[0]["config"],
        json!({
            "spec": {
                "method": "binned",
                "policy": {"kind": "fixed_intervals", "lo": 0.0, "hi": 1.0, "n_bins": 2},
                "correction": "miller-madow",
                "y_kind": "labels",
                "x_kind": "auto"
            },
            "input": {"kind": "unit_scaled", "bin_range": "recording"}
        })
    );
    assert_eq!(stim[0]["estimator"], "binned");
    assert_eq!(stim[2]["config"]["spec"]["noise_var"], 1.0);
    assert_eq!(stim[4]["config"]["spec"]["method"], "ross");
    assert_eq!(stim[4]["estimator"], "ross");
    assert_eq!(stim[4]["config"]["spec"]["k"], 4);
    assert_eq!(stim[4]["config"]["spec"]["normalize"], true);
    let back: Results = serde_json::from_str(&text).unwrap();
    assert_eq!(back, results);
    assert_eq!(
        serde_json::from_value::<AnalyzeConfig>(back.config.clone())
            .unwrap()
            .analysis,
        config
    );

    let net = &back.networks[0];
    let y = classes(&rec);
    let layer = &net.layer;
    let mut methods = Vec::new();
    // I(X; T_t) and I(trial; T_t): binned (two bin counts), KT lower and upper, Ross.
    for c in &layer.stimulus.curves {
        check_labelled(&rec, c, Some(&y));
        methods.push((c.estimator.as_str(), c.bound));
    }
    assert_eq!(layer.stimulus.curves.len(), 5);
    for c in &layer.trial.curves {
        check_labelled(&rec, c, None);
    }
    assert_eq!(layer.trial.curves.len(), 4);
    assert!(layer.target.curves.is_empty(), "no targets");
    // I(input_t; h_t) and I(h_t; ŷ_t): Gaussian and KSG on two reductions.
    for c in &layer.input_hidden.curves {
        check_between(c, &rec.inputs, &rec.hidden, 0);
        methods.push((c.estimator.as_str(), c.bound));
    }
    for c in &layer.hidden_output.curves {
        check_between(c, &rec.outputs, &rec.hidden, 0);
    }
    assert_eq!(layer.input_hidden.curves.len(), 2);
    assert_eq!(layer.hidden_output.curves.len(), 2);
    // I(h_t; h_t+1).
    for c in &net.successive.panel.curves {
        check_between(c, &rec.hidden, &rec.hidden, 1);
    }
    for expected in [
        ("binned", Bound::Point),
        ("kt", Bound::Lower),
        ("kt", Bound::Upper),
        ("ross", Bound::Point),
        ("ksg", Bound::Point),
        ("gaussian", Bound::Point),
    ] {
        assert!(methods.contains(&expected), "{expected:?} in {methods:?}");
    }

    // Per-neuron MI: the binned estimator's per-unit form.
    let neurons = &net.neurons;
    let Preprocessing::UnitScaled { bin_range } = neurons.config.input else {
        panic!("{:?}", neurons.config.input)
    };
    let scaled = unit_scaled(rec.hidden.view(), bin_range);
    let per_unit = neurons.config.spec.check().unwrap();
    for t in 0..STEPS {
        let mi = per_unit
            .per_unit(at(&scaled, t).view(), Variable::integer(y.view()))
            .unwrap();
        for (i, row) in neurons.mi.iter().enumerate() {
            assert_eq!(
                mi.values[i].to_bits(),
                row[t].to_bits(),
                "neuron {i} at {t}"
            );
        }
    }

    // The KT sweep at its step: one specification per σ².
    let sweep = &layer.kt_sweep;
    let h = at(&rec.hidden, sweep.step);
    for (i, spec) in sweep.specs.iter().enumerate() {
        let EstimatorSpec::Kt(p) = spec else {
            panic!("{spec:?}")
        };
        assert_eq!(p.noise_var, sweep.noise_vars[i]);
        let labelled = Data::new(h.view()).with_y(Variable::integer(y.view()));
        let trial = Data::new(h.view());
        let mi = Quantity::MutualInformation;
        let input = Quantity::InputInformation;
        for (v, expected) in [
            (
                rebuilt(spec, Bound::Lower, mi, &labelled),
                sweep.stimulus_lower[i],
            ),
            (
                rebuilt(spec, Bound::Upper, mi, &labelled),
                sweep.stimulus_upper[i],
            ),
            (
                rebuilt(spec, Bound::Lower, input, &trial),
                sweep.trial_lower[i],
            ),
            (
                rebuilt(spec, Bound::Upper, input, &trial),
                sweep.trial_upper[i],
            ),
        ] {
            assert_eq!(v.to_bits(), expected.to_bits(), "σ² {}", p.noise_var);
        }
    }

    // The information plane: I(input; T) and I(T; Y) at the last step of each checkpoint.
    let plane = net.plane.as_ref().unwrap();
    assert_eq!(plane.curves.len(), 3);
    for c in &plane.curves {
        for (k, (_, r)) in checkpoints.iter().enumerate() {
            let x = match &c.config.input {
                Preprocessing::UnitScaled { bin_range } => {
                    at(&unit_scaled(r.hidden.view(), *bin_range), STEPS - 1)
                }
                Preprocessing::NoisyLayer => at(&r.hidden, STEPS - 1),
                other => panic!("{other:?}"),
            };
            let yk = classes(r);
            let labelled = Data::new(x.view()).with_y(Variable::integer(yk.view()));
            let i_xt = rebuilt(
                &c.config.spec,
                c.bound,
                Quantity::InputInformation,
                &Data::new(x.view()),
            );
            let i_ty = rebuilt(
                &c.config.spec,
                c.bound,
                Quantity::MutualInformation,
                &labelled,
            );
            assert_eq!(
                i_xt.to_bits(),
                c.i_xt[k].to_bits(),
                "{} I(X;T) {k}",
                c.label
            );
            assert_eq!(
                i_ty.to_bits(),
                c.i_ty[k].to_bits(),
                "{} I(T;Y) {k}",
                c.label
            );
        }
    }
}
