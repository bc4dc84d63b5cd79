//! Layer-level MI over time (SPEC.md §3, item 2): at every step t, with the trials as samples,
//! I(X; T_t) with the stimulus class X, I(T_t; Y_t) with the target class, I(trial; T_t), and
//! the between-layer quantities I(input_t; h_t) and I(h_t; ŷ_t); binned (several bin counts),
//! Kolchinsky–Tracey bounds, Ross's kNN estimator (class labels against the PCA-reduced layer),
//! KSG and Gaussian on PCA-reduced layers; label-permutation nulls for the stimulus and target
//! estimates; a σ² sweep of the KT bounds.

use infoscope_estimators::budget::check_memory;
use infoscope_estimators::kt::noise_sweep;
use infoscope_estimators::significance::{Surrogate, surrogate_orders, surrogate_test};
use infoscope_estimators::{EstimatorSpec, MutualInformation};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use rayon::prelude::*;

use crate::config::AnalysisConfig;
use crate::error::Result;
use crate::null::{StepNull, summary};
use crate::prepare::{Prepared, at_step};
use crate::results::{
    AppliedEstimator, Bound, Ceiling, KtSweep, LayerMiOverTime, MiCurve, MiPanel, Reduction,
    Sampling, StepNote,
};
use crate::setup::{
    Estimators, binned_applied, float_column, is_constant, layer_binner, layer_symbols, permuted,
};

/// One estimate at one step: its value (with its null when tested), or why it is missing.
pub(crate) type Point = std::result::Result<Value, String>;

/// A computed estimate at one step.
#[derive(Clone, Debug)]
pub(crate) struct Value {
    v: f64,
    null: Option<StepNull>,
    /// The binned layer has as many symbols as trials: the value sits at its ceiling.
    saturated: bool,
    /// Why the value is known exactly without the estimator, when it is.
    exact: Option<String>,
}

impl Value {
    fn of(v: f64, null: Option<StepNull>) -> Self {
        Self {
            v,
            null,
            saturated: false,
            exact: None,
        }
    }

    /// A value set without the estimator (exactly 0 for a constant side), with why.
    fn exact(v: f64, null: Option<StepNull>, why: &str) -> Self {
        Self {
            exact: Some(why.into()),
            ..Self::of(v, null)
        }
    }
}

/// `r`'s value, or its error as the reason of a missing value.
pub(crate) fn point<T>(r: Result<T>) -> std::result::Result<T, String> {
    r.map_err(|e| e.to_string())
}

/// A curve's identity, before its values exist.
pub(crate) struct CurveId {
    label: String,
    bound: Bound,
    config: AppliedEstimator,
}

impl CurveId {
    pub(crate) fn new(label: impl Into<String>, bound: Bound, config: AppliedEstimator) -> Self {
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
    check_memory(
        "permutations",
        "the surrogate orders (trials × permutations indices)",
        n as u128 * config.permutations as u128 * size_of::<usize>() as u128,
        "lower `permutations`",
    )?;
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
        .collect();

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
    let kt_sweep = sweep(p, config, &stimulus);
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
pub(crate) fn curves(
    specs: &[CurveId],
    values: &[Vec<Point>],
    n_surrogates: usize,
) -> Vec<MiCurve> {
    specs
        .iter()
        .enumerate()
        .map(|(c, spec)| {
            let column: Vec<&Point> = values.iter().map(|v| &v[c]).collect();
            let tested = column
                .iter()
                .any(|p| matches!(p, Ok(v) if v.null.is_some()))
                && column
                    .iter()
                    .all(|p| p.as_ref().map_or(true, |v| v.null.is_some()));
            let nulls: Vec<StepNull> = column
                .iter()
                .map(|p| {
                    p.as_ref()
                        .ok()
                        .and_then(|v| v.null)
                        .unwrap_or_else(StepNull::missing)
                })
                .collect();
            let notes = |pick: &dyn Fn(&Point) -> Option<String>| -> Vec<StepNote> {
                column
                    .iter()
                    .enumerate()
                    .filter_map(|(t, p)| pick(p).map(|reason| StepNote { index: t, reason }))
                    .collect()
            };
            MiCurve {
                label: spec.label.clone(),
                estimator: spec.config.method().into(),
                bound: spec.bound,
                config: spec.config.clone(),
                values: column
                    .iter()
                    .map(|p| p.as_ref().map_or(f64::NAN, |v| v.v))
                    .collect(),
                null: tested.then(|| summary(&nulls, n_surrogates)),
                missing: notes(&|p| p.as_ref().err().cloned()),
                exact: notes(&|p| p.as_ref().ok().and_then(|v| v.exact.clone())),
                saturated: column
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| matches!(p, Ok(v) if v.saturated))
                    .map(|(t, _)| t)
                    .collect(),
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
) -> StepValues {
    let h = p.hidden_at(t).to_owned();
    let scaled = p.scaled.index_axis(Axis(1), t);
    let reduced = at_step(&p.hidden_pca.0, t);
    let n = p.rec.n_trials();
    let symbols: Vec<std::result::Result<Vec<i64>, String>> = binners
        .iter()
        .map(|b| point(layer_symbols(b, scaled)))
        .collect();
    let layer = Layer {
        symbols: &symbols,
        h: h.view(),
        reduced: reduced.view(),
    };
    let stimulus = labelled(est, &layer, &p.stim, orders, config);
    let target = match &p.target {
        Some(target) => labelled(est, &layer, &target[t], orders, config),
        None => Vec::new(),
    };
    let mut trial: Vec<Point> = symbols
        .iter()
        .map(|s| {
            let s = s.as_ref().map_err(Clone::clone)?;
            let mut v = Value::of(point(est.plugin_entropy(s))?, None);
            v.saturated = distinct(s) == n;
            Ok(v)
        })
        .collect();
    match point(est.kt.mi_input_bounds(h.view(), None).map_err(Into::into)) {
        Ok(kt) => {
            trial.push(Ok(Value::of(kt.lower.nats(), None)));
            trial.push(Ok(Value::of(kt.upper.nats(), None)));
        }
        Err(e) => trial.extend([Err(e.clone()), Err(e)]),
    }
    let mut between: [Vec<Point>; 2] = [Vec::new(), Vec::new()];
    for (slot, other) in [&p.inputs_pca, &p.outputs_pca].into_iter().enumerate() {
        if let Some((a, _)) = other {
            let a = at_step(a, t);
            between[slot] = between_points(est, a.view(), reduced.view());
        }
    }
    StepValues {
        stimulus,
        target,
        trial,
        between,
    }
}

/// The hidden layer at one step, as each estimator family sees it.
struct Layer<'a> {
    /// The binned layer's symbols per bin count (or why binning failed).
    symbols: &'a [std::result::Result<Vec<i64>, String>],
    /// The layer as recorded (trials × units).
    h: ArrayView2<'a, f64>,
    /// The PCA-reduced layer (trials × d).
    reduced: ArrayView2<'a, f64>,
}

/// Number of distinct symbols.
fn distinct(s: &[i64]) -> usize {
    let mut v = s.to_vec();
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// The columns of `a` that vary across the rows (a constant column carries no information).
pub(crate) fn varying_columns(a: ArrayView2<'_, f64>) -> Array2<f64> {
    let keep: Vec<usize> = (0..a.ncols())
        .filter(|&j| {
            let c = a.column(j);
            c.iter().any(|&x| x != c[0])
        })
        .collect();
    a.select(Axis(1), &keep)
}

/// Why a value is exactly 0: one side is constant across the trials.
pub(crate) const CONSTANT_SIDE: &str =
    "one side is constant across the trials at this step: the MI is exactly 0";

/// Gaussian and KSG estimates of I(a; b) on the varying columns of each side (exactly 0 when a
/// side has none).
pub(crate) fn between_points(
    est: &Estimators,
    a: ArrayView2<'_, f64>,
    b: ArrayView2<'_, f64>,
) -> Vec<Point> {
    let (a, b) = (varying_columns(a), varying_columns(b));
    if a.ncols() == 0 || b.ncols() == 0 {
        return vec![Ok(Value::exact(0.0, None, CONSTANT_SIDE)); 2];
    }
    let gaussian = est.gaussian.estimate(a.view(), b.view());
    let ksg = est.ksg.estimate(a.view(), b.view());
    [gaussian, ksg]
        .into_iter()
        .map(|r| Ok(Value::of(point(r.map_err(Into::into))?.nats(), None)))
        .collect()
}

/// The labelled-panel estimates of one step: binned (per bin count), KT lower and upper, Ross's
/// kNN estimator; each with its permutation null (exactly 0 when the labels are constant, or
/// the layer is). A failing estimator leaves its value missing, with the reason.
fn labelled(
    est: &Estimators,
    layer: &Layer<'_>,
    labels: &[i64],
    orders: &[Vec<usize>],
    config: &AnalysisConfig,
) -> Vec<Point> {
    let curves = layer.symbols.len() + 3;
    if is_constant(labels) {
        return vec![Ok(Value::of(0.0, Some(StepNull::exact(0.0)))); curves];
    }
    let mut out: Vec<Point> = Vec::with_capacity(curves);
    for s in layer.symbols {
        out.push((|| {
            let s = s.as_ref().map_err(Clone::clone)?;
            let observed = point(est.plugin_mi(s, labels))?;
            let null = orders
                .iter()
                .map(|o| est.plugin_mi(s, &permuted(labels, o)))
                .collect::<Result<Vec<_>>>();
            let mut v = Value::of(observed, Some(StepNull::of(observed, &point(null)?)));
            v.saturated = distinct(s) == labels.len();
            Ok(v)
        })());
    }
    let y = ArrayView1::from(labels);
    let kt = est.kt.label_surrogate_test(
        layer.h,
        y,
        None,
        Surrogate::Permutation,
        config.permutations,
        config.seed,
    );
    match point(kt.map_err(Into::into)) {
        Ok(kt) => {
            for test in [&kt.lower, &kt.upper] {
                let v = test.estimate.nats();
                out.push(Ok(Value::of(v, Some(StepNull::of(v, &test.null)))));
            }
        }
        Err(e) => out.extend([Err(e.clone()), Err(e)]),
    }
    let reduced = varying_columns(layer.reduced);
    if reduced.ncols() == 0 {
        out.push(Ok(Value::exact(
            0.0,
            Some(StepNull::exact(0.0)),
            "the layer is constant across the trials at this step: the MI is exactly 0",
        )));
        return out;
    }
    let yf = float_column(labels);
    let ross = surrogate_test(
        &est.ross,
        reduced.view(),
        yf.view(),
        Surrogate::Permutation,
        config.permutations,
        config.seed,
    );
    out.push(point(ross.map_err(Into::into)).map(|ross| {
        let v = ross.estimate.nats();
        Value::of(v, Some(StepNull::of(v, &ross.null)))
    }));
    out
}

/// KT bounds against σ² at the step where the upper bound on I(X; T_t) peaks; a σ² whose
/// bounds fail is left missing (NaN) with the reason.
fn sweep(p: &Prepared<'_>, config: &AnalysisConfig, stimulus: &MiPanel) -> KtSweep {
    let upper = stimulus
        .curves
        .iter()
        .find(|c| c.estimator == "kt" && c.bound == Bound::Upper);
    let step = upper.map(|c| argmax(&c.values)).unwrap_or(0);
    let h = p.hidden_at(step).to_owned();
    let n = config.kt_sweep.len();
    let mut missing = Vec::new();
    let (trial_lower, trial_upper) = match noise_sweep(h.view(), &config.kt_sweep, config.kt.tile) {
        Ok(trial) => (
            trial.iter().map(|s| s.lower).collect(),
            trial.iter().map(|s| s.upper).collect(),
        ),
        Err(e) => {
            missing.extend((0..n).map(|index| StepNote {
                index,
                reason: format!("I(trial; T): {e}"),
            }));
            (vec![f64::NAN; n], vec![f64::NAN; n])
        }
    };
    let y = ArrayView1::from(&p.stim[..]);
    let (mut stimulus_lower, mut stimulus_upper) = (Vec::new(), Vec::new());
    let mut specs = Vec::with_capacity(n);
    for (index, &noise_var) in config.kt_sweep.iter().enumerate() {
        let params = config.kt.noise_var(noise_var);
        match params
            .check()
            .and_then(|kt| kt.mi_label_bounds(h.view(), y, None))
        {
            Ok(b) => {
                stimulus_lower.push(b.lower.nats());
                stimulus_upper.push(b.upper.nats());
            }
            Err(e) => {
                stimulus_lower.push(f64::NAN);
                stimulus_upper.push(f64::NAN);
                missing.push(StepNote {
                    index,
                    reason: format!("I(X; T): {e}"),
                });
            }
        }
        specs.push(EstimatorSpec::Kt(params));
    }
    KtSweep {
        step,
        chosen_as: "the step where the KT upper estimate of I(X; T_t) peaks".into(),
        noise_vars: config.kt_sweep.clone(),
        specs,
        stimulus_lower,
        stimulus_upper,
        trial_lower,
        trial_upper,
        missing,
    }
}

/// Index of the largest value, NaN (missing) values skipped (the first on ties; 0 when there
/// is none).
pub(crate) fn argmax(v: &[f64]) -> usize {
    let mut best: Option<usize> = None;
    for (i, &x) in v.iter().enumerate() {
        if !x.is_nan() && best.is_none_or(|b| x > v[b]) {
            best = Some(i);
        }
    }
    best.unwrap_or(0)
}
