//! Layer-level MI over time (SPEC.md §3, item 2): at every step t, with the trials as samples,
//! I(X; T_t) with the stimulus class X, I(T_t; Y_t) with the target class, I(trial; T_t), and
//! the between-layer quantities I(input_t; h_t) and I(h_t; ŷ_t); binned (several bin counts),
//! Kolchinsky–Tracey bounds, Ross's kNN estimator (class labels against the PCA-reduced layer),
//! KSG and Gaussian on PCA-reduced layers; label-permutation nulls for the stimulus and target
//! estimates; a σ² sweep of the KT bounds.

use infoscope_estimators::kt::noise_sweep;
use infoscope_estimators::significance::{Surrogate, surrogate_orders, surrogate_test};
use infoscope_estimators::{EstimatorSpec, MutualInformation};
use ndarray::{ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;

use crate::config::AnalysisConfig;
use crate::error::Result;
use crate::null::{StepNull, summary};
use crate::prepare::{Prepared, at_step};
use crate::results::{
    AppliedEstimator, Bound, Ceiling, KtSweep, LayerMiOverTime, MiCurve, MiPanel, Reduction,
    Sampling,
};
use crate::setup::{
    Estimators, binned_applied, float_column, is_constant, layer_binner, layer_symbols, permuted,
};

/// One estimate at one step, with its null when tested.
type Point = (f64, Option<StepNull>);

/// A curve's identity, before its values exist.
struct CurveId {
    label: String,
    bound: Bound,
    config: AppliedEstimator,
}

impl CurveId {
    fn new(label: impl Into<String>, bound: Bound, config: AppliedEstimator) -> Self {
        Self {
            label: label.into(),
            bound,
            config,
        }
    }
}

/// The layer analysis of a prepared recording.
pub(crate) fn layer_mi(
    p: &Prepared<'_>,
    config: &AnalysisConfig,
    est: &Estimators,
) -> Result<LayerMiOverTime> {
    let n = p.rec.n_trials();
    let steps = p.rec.n_time();
    let orders = surrogate_orders(Surrogate::Permutation, n, config.permutations, config.seed)?;
    let binners = config
        .layer_bins
        .iter()
        .map(|&b| layer_binner(b, config))
        .collect::<Result<Vec<_>>>()?;
    let hidden_red = &p.hidden_pca.1;

    // The labelled panels (stimulus, target) share their curve list: the trial panel's
    // (binned, KT lower, KT upper) and Ross's kNN estimator (the classes are labels, never a
    // number to KSG: SPEC.md §1.3).
    let trial_specs = binned_and_kt(config, est);
    let mut labelled = binned_and_kt(config, est);
    labelled.push(CurveId::new(
        format!("kNN (Ross) k={} on {} PCs", config.ksg.k, hidden_red.dims),
        Bound::Point,
        est.ross_applied(hidden_red),
    ));

    let per_step: Vec<StepValues> = (0..steps)
        .into_par_iter()
        .map(|t| step_values(p, config, est, &binners, &orders, t))
        .collect::<Result<_>>()?;

    let stim_values: Vec<Vec<Point>> = per_step.iter().map(|s| s.stimulus.clone()).collect();
    let stimulus = MiPanel {
        quantity: "I(X; T_t)".into(),
        description: format!(
            "{}; T_t the hidden layer at step t; samples: the trials at t",
            p.variables.stimulus
        ),
        ceiling: Some(Ceiling {
            label: "H(X)".into(),
            value: p.variables.stimulus_entropy,
        }),
        curves: curves(&labelled, &stim_values, config.permutations),
    };
    let target = match p.target {
        Some(_) => {
            let values: Vec<Vec<Point>> = per_step.iter().map(|s| s.target.clone()).collect();
            MiPanel {
                quantity: "I(T_t; Y_t)".into(),
                description: format!("{}; samples: the trials at t", p.variables.target),
                ceiling: None,
                curves: curves(&labelled, &values, config.permutations),
            }
        }
        None => empty_panel("I(T_t; Y_t)", &p.variables.target),
    };
    let trial_values: Vec<Vec<Point>> = per_step.iter().map(|s| s.trial.clone()).collect();
    let trial = MiPanel {
        quantity: "I(trial; T_t)".into(),
        description: "every trial is its own input pattern (X = the trial's input sequence); \
                      binned, this is the entropy of the binned layer"
            .into(),
        ceiling: Some(Ceiling {
            label: "ln(trials)".into(),
            value: (n as f64).ln(),
        }),
        curves: curves(&trial_specs, &trial_values, config.permutations),
    };
    let between =
        |which: usize, quantity: &str, description: &str, red: Option<&Reduction>| match red {
            Some(red) => {
                let specs = [
                    CurveId::new(
                        format!("Gaussian on {}+{} PCs", red.dims, hidden_red.dims),
                        Bound::Point,
                        est.gaussian_applied(red, Some(hidden_red)),
                    ),
                    CurveId::new(
                        format!(
                            "KSG k={} on {}+{} PCs",
                            config.ksg.k, red.dims, hidden_red.dims
                        ),
                        Bound::Point,
                        est.ksg_applied(red, Some(hidden_red)),
                    ),
                ];
                let values: Vec<Vec<Point>> =
                    per_step.iter().map(|s| s.between[which].clone()).collect();
                MiPanel {
                    quantity: quantity.into(),
                    description: format!(
                        "{description}; both sides PCA-reduced; samples: the trials at t"
                    ),
                    ceiling: None,
                    curves: curves(&specs, &values, config.permutations),
                }
            }
            None => empty_panel(quantity, "the recording lacks this array"),
        };
    let input_hidden = between(
        0,
        "I(input_t; h_t)",
        "the network input and the hidden layer at the same step",
        p.inputs_pca.as_ref().map(|x| &x.1),
    );
    let hidden_output = between(
        1,
        "I(h_t; ŷ_t)",
        "the hidden layer and the network output (a deterministic function of h_t: the \
         continuous MI is infinite, so these finite values reflect the reduction and estimator)",
        p.outputs_pca.as_ref().map(|x| &x.1),
    );
    let kt_sweep = sweep(p, config, &stimulus)?;
    Ok(LayerMiOverTime {
        sampling: Sampling::TrialsPerTimeStep,
        stimulus,
        target,
        trial,
        input_hidden,
        hidden_output,
        kt_sweep,
        reduction: hidden_red.clone(),
    })
}

/// One binned curve per bin count, then the KT lower and upper bounds.
fn binned_and_kt(config: &AnalysisConfig, est: &Estimators) -> Vec<CurveId> {
    let mut specs: Vec<CurveId> = config
        .layer_bins
        .iter()
        .map(|&b| {
            CurveId::new(
                format!("binned, {b} bins/unit"),
                Bound::Point,
                binned_applied(b, config),
            )
        })
        .collect();
    specs.push(CurveId::new("KT lower", Bound::Lower, est.kt_applied()));
    specs.push(CurveId::new("KT upper", Bound::Upper, est.kt_applied()));
    specs
}

fn empty_panel(quantity: &str, why: &str) -> MiPanel {
    MiPanel {
        quantity: quantity.into(),
        description: why.into(),
        ceiling: None,
        curves: Vec::new(),
    }
}

/// Assemble curves from per-step points (`values[t][curve]`).
fn curves(specs: &[CurveId], values: &[Vec<Point>], n_surrogates: usize) -> Vec<MiCurve> {
    specs
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let tested = values.iter().all(|v| v[c].1.is_some());
            let nulls: Vec<StepNull> = values.iter().filter_map(|v| v[c].1).collect();
            MiCurve {
                label: spec.label.clone(),
                estimator: spec.config.method().into(),
                bound: spec.bound,
                config: spec.config.clone(),
                values: values.iter().map(|v| v[c].0).collect(),
                null: (tested && !values.is_empty()).then(|| summary(&nulls, n_surrogates)),
            }
        })
        .collect()
}

/// Every estimate at one step.
struct StepValues {
    stimulus: Vec<Point>,
    target: Vec<Point>,
    trial: Vec<Point>,
    /// `[input→hidden, hidden→output]`.
    between: [Vec<Point>; 2],
}

fn step_values(
    p: &Prepared<'_>,
    config: &AnalysisConfig,
    est: &Estimators,
    binners: &[infoscope_estimators::discrete::Binned],
    orders: &[Vec<usize>],
    t: usize,
) -> Result<StepValues> {
    let h = p.hidden_at(t).to_owned();
    let scaled = p.scaled.index_axis(Axis(1), t);
    let reduced = at_step(&p.hidden_pca.0, t);
    let symbols = binners
        .iter()
        .map(|b| layer_symbols(b, scaled))
        .collect::<Result<Vec<_>>>()?;
    let stimulus = labelled(
        est,
        &symbols,
        h.view(),
        reduced.view(),
        &p.stim,
        orders,
        config,
    )?;
    let target = match &p.target {
        Some(target) => labelled(
            est,
            &symbols,
            h.view(),
            reduced.view(),
            &target[t],
            orders,
            config,
        )?,
        None => Vec::new(),
    };
    let mut trial = Vec::new();
    for s in &symbols {
        trial.push((est.plugin_entropy(s)?, None));
    }
    let kt = est.kt.mi_input_bounds(h.view(), None)?;
    trial.push((kt.lower.nats(), None));
    trial.push((kt.upper.nats(), None));
    let mut between: [Vec<Point>; 2] = [Vec::new(), Vec::new()];
    for (slot, other) in [&p.inputs_pca, &p.outputs_pca].into_iter().enumerate() {
        if let Some((a, _)) = other {
            let a = at_step(a, t);
            between[slot].push((
                est.gaussian.estimate(a.view(), reduced.view())?.nats(),
                None,
            ));
            between[slot].push((est.ksg.estimate(a.view(), reduced.view())?.nats(), None));
        }
    }
    Ok(StepValues {
        stimulus,
        target,
        trial,
        between,
    })
}

/// The labelled-panel estimates of one step: binned (per bin count), KT lower and upper, Ross's
/// kNN estimator; each with its permutation null (exactly 0 when the labels are constant).
fn labelled(
    est: &Estimators,
    symbols: &[Vec<i64>],
    h: ArrayView2<'_, f64>,
    reduced: ArrayView2<'_, f64>,
    labels: &[i64],
    orders: &[Vec<usize>],
    config: &AnalysisConfig,
) -> Result<Vec<Point>> {
    let curves = symbols.len() + 3;
    if is_constant(labels) {
        return Ok(vec![(0.0, Some(StepNull::exact(0.0))); curves]);
    }
    let mut out = Vec::with_capacity(curves);
    for s in symbols {
        let observed = est.plugin_mi(s, labels)?;
        let null = orders
            .iter()
            .map(|o| est.plugin_mi(s, &permuted(labels, o)))
            .collect::<Result<Vec<_>>>()?;
        out.push((observed, Some(StepNull::of(observed, &null))));
    }
    let y = ArrayView1::from(labels);
    let kt = est.kt.label_surrogate_test(
        h,
        y,
        None,
        Surrogate::Permutation,
        config.permutations,
        config.seed,
    )?;
    for test in [&kt.lower, &kt.upper] {
        let v = test.estimate.nats();
        out.push((v, Some(StepNull::of(v, &test.null))));
    }
    let yf = float_column(labels);
    let ross = surrogate_test(
        &est.ross,
        reduced,
        yf.view(),
        Surrogate::Permutation,
        config.permutations,
        config.seed,
    )?;
    let v = ross.estimate.nats();
    out.push((v, Some(StepNull::of(v, &ross.null))));
    Ok(out)
}

/// KT bounds against σ² at the step where the upper bound on I(X; T_t) peaks.
fn sweep(p: &Prepared<'_>, config: &AnalysisConfig, stimulus: &MiPanel) -> Result<KtSweep> {
    let upper = stimulus
        .curves
        .iter()
        .find(|c| c.estimator == "kt" && c.bound == Bound::Upper);
    let step = upper.map(|c| argmax(&c.values)).unwrap_or(0);
    let h = p.hidden_at(step).to_owned();
    let trial = noise_sweep(h.view(), &config.kt_sweep, config.kt.tile)?;
    let y = ArrayView1::from(&p.stim[..]);
    let (mut stimulus_lower, mut stimulus_upper) = (Vec::new(), Vec::new());
    let mut specs = Vec::with_capacity(config.kt_sweep.len());
    for &noise_var in &config.kt_sweep {
        let params = config.kt.noise_var(noise_var);
        let b = params.check()?.mi_label_bounds(h.view(), y, None)?;
        stimulus_lower.push(b.lower.nats());
        stimulus_upper.push(b.upper.nats());
        specs.push(EstimatorSpec::Kt(params));
    }
    Ok(KtSweep {
        step,
        chosen_as: "the step where the KT upper estimate of I(X; T_t) peaks".into(),
        noise_vars: config.kt_sweep.clone(),
        specs,
        stimulus_lower,
        stimulus_upper,
        trial_lower: trial.iter().map(|s| s.lower).collect(),
        trial_upper: trial.iter().map(|s| s.upper).collect(),
    })
}

/// Index of the largest value (the first on ties; 0 for an empty slice).
pub(crate) fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}
