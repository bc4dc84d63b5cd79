//! The typed, serialisable Results of every analysis (DESIGN.md §2): what `results.json` holds
//! and what the report draws. Every information value is in **nats** (the `unit` field of
//! [`Results`] says so); the report converts at its axes.
//!
//! Time-resolved analyses use the trials at time step `t` as the samples of step `t`
//! ([`Sampling::TrialsPerTimeStep`]).
//!
//! Every estimate records the estimator that made it as an [`AppliedEstimator`]: its
//! [`EstimatorSpec`] (which [`EstimatorSpec::check`] turns back into the same estimator) and
//! what the data were before the estimator saw them ([`Preprocessing`]).

use infoscope_estimators::EstimatorSpec;
use serde::{Deserialize, Serialize};

use crate::config::BinRange;

/// Version of the `results.json` layout. 2: every curve's `config` is an
/// [`AppliedEstimator`] (the estimator's specification and the preprocessing of its data);
/// the analysis settings name the estimators by their own parameters. Still 2 with issue 16's
/// optional additions, which are absent when empty (so results without gaps are written as
/// before): a missing value is `null` with its reason in `missing` ([`MiCurve`], [`KtSweep`],
/// [`PerNeuronMi`]); `exact` and `saturated` on [`MiCurve`]; `warnings` on [`Variables`].
pub const RESULTS_SCHEMA: u32 = 2;

/// Everything one run (or one `infoscope analyze`) produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// [`RESULTS_SCHEMA`].
    pub schema_version: u32,
    /// The infoscope version that computed it.
    pub infoscope_version: String,
    /// The experiment's name (e.g. `"go"`), or `"analyze"`.
    pub experiment: String,
    /// Unit of every information value: always `"nats"`.
    pub unit: String,
    /// The full configuration that produced these results: the [`crate::experiment::Experiment`]
    /// for a run, an [`crate::AnalyzeConfig`] for analyses of recordings (see
    /// [`Results::new`]).
    pub config: serde_json::Value,
    /// Every seed used, by name (training, recording, surrogates, ...).
    pub seeds: Vec<NamedSeed>,
    /// One analysis per network (the trained RNN first, then the reservoir), in order.
    pub networks: Vec<NetworkAnalysis>,
}

/// A seed and what it seeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedSeed {
    /// What the seed drives, e.g. `"training"`.
    pub name: String,
    /// The seed.
    pub seed: u64,
}

/// How the samples of an estimate were formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// The samples of time step `t` are the trials at `t`.
    TrialsPerTimeStep,
    /// The samples are the trials at one fixed time step.
    TrialsAtOneTimeStep,
}

/// All analyses of one network's recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkAnalysis {
    /// A short name for figures and tables, e.g. `"leaky RNN"` or `"reservoir"`.
    pub name: String,
    /// What was recorded.
    pub recording: RecordingSummary,
    /// The time axis shared by the time-resolved analyses.
    pub time: TimeAxis,
    /// How the stimulus and target variables were discretised.
    pub variables: Variables,
    /// Layer-level MI over time.
    pub layer: LayerMiOverTime,
    /// Per-neuron MI with the stimulus, peak times and the active-neuron test.
    pub neurons: PerNeuronMi,
    /// I(h_t; h_{t+1}).
    pub successive: SuccessiveStateMi,
    /// The information plane over training checkpoints (trained networks only).
    pub plane: Option<InformationPlane>,
    /// Gradient signal-to-noise over training (trained networks only).
    pub gradients: Option<GradientSnr>,
}

/// The recording an analysis read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordingSummary {
    /// The task, e.g. `"fdgo"` (or `"unknown"`).
    pub task: String,
    /// How the trials were generated (`"random"`, `"test"`, ...).
    pub mode: String,
    /// The model family (`"leaky"`, `"reservoir"`, or the exporter's name).
    pub model: String,
    /// Number of trials.
    pub n_trials: usize,
    /// Number of time steps.
    pub n_steps: usize,
    /// Number of hidden units.
    pub n_units: usize,
    /// Time step, ms.
    pub dt_ms: f64,
    /// The recording's seed.
    pub seed: u64,
    /// Fraction of trials performed correctly, when known.
    pub performance: Option<f64>,
    /// Notes from the recording (e.g. a missing sidecar).
    pub notes: Vec<String>,
    /// The arrays found in the recording's file and how each was read (empty for a recording
    /// built in memory).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrays_read: Vec<String>,
}

/// The time axis: step `t` is at `t · dt_ms` ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeAxis {
    /// Number of steps.
    pub n_steps: usize,
    /// Step length, ms.
    pub dt_ms: f64,
    /// The task epochs as step ranges `[start, end)`, when all trials share them (empty when
    /// unknown or when they differ between trials; see `epochs_note`).
    pub epochs: Vec<EpochSpan>,
    /// Why `epochs` is empty, when it is.
    pub epochs_note: Option<String>,
}

/// One task epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochSpan {
    /// `"fix1"`, `"stim1"`, `"delay1"` or `"go1"`.
    pub name: String,
    /// First step.
    pub start: usize,
    /// One past the last step.
    pub end: usize,
}

/// How the variables of the analyses are defined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variables {
    /// X: the stimulus, e.g. "stimulus angle in 8 equal classes of 45°".
    pub stimulus: String,
    /// Number of stimulus classes present.
    pub n_stimulus_classes: usize,
    /// Plug-in entropy of the stimulus classes, nats (the ceiling of I(X; ·)).
    pub stimulus_entropy: f64,
    /// Y: the target, e.g. "fixate, or the response direction's class".
    pub target: String,
    /// Whether the recording had targets (without them the target analyses are empty).
    pub has_targets: bool,
    /// Doubts about how the recording's arrays were read (e.g. labels that look like degrees);
    /// the report shows them with the recording.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A note on one value of a series: why it is missing (its slot in `values` then holds NaN,
/// written as `null` in `results.json`), or why it is known exactly without an estimate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepNote {
    /// The slot: the time step (or checkpoint, or σ² index of a sweep).
    pub index: usize,
    /// The reason, e.g. the estimator's error.
    pub reason: String,
}

/// The null distribution of one curve under label (or row) surrogates, per time step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NullSummary {
    /// How the surrogates were made (e.g. `"permutation of trials"`).
    pub surrogate: String,
    /// Number of surrogates per time step.
    pub n_surrogates: usize,
    /// Mean of the null at each step, nats (NaN, written `null`, where the value is missing).
    #[serde(deserialize_with = "nan_for_null")]
    pub mean: Vec<f64>,
    /// 95th percentile of the null at each step, nats (NaN where the value is missing).
    #[serde(deserialize_with = "nan_for_null")]
    pub q95: Vec<f64>,
    /// `(1 + #{null ≥ observed}) / (N + 1)` at each step, "≥" up to rounding
    /// ([`infoscope_estimators::significance::P_VALUE_TOLERANCE`]); NaN where the value is
    /// missing.
    #[serde(deserialize_with = "nan_for_null")]
    pub p_values: Vec<f64>,
}

/// Which bound a curve is, for the bounded estimators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// A point estimate.
    Point,
    /// A lower bound (Kolchinsky–Tracey Bhattacharyya).
    Lower,
    /// An upper bound (Kolchinsky–Tracey KL).
    Upper,
}

/// An estimator as an analysis applied it: the exact estimator and what its data were.
///
/// To recompute a value: prepare the arguments as [`AppliedEstimator::input`] says (the
/// samples are those of the panel: the trials at the step), build the estimator with
/// `spec.check()` and ask it the panel's quantity (I(X;Y) with X the prepared layer and Y the
/// labels or the other prepared layer; I(input; X) for the `I(trial; T_t)` panel and the
/// information plane's I(X; T)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppliedEstimator {
    /// The estimator applied, e.g. `{"method": "binned", "policy": {"kind":
    /// "fixed_intervals", "lo": 0.0, "hi": 1.0, "n_bins": 2}, "correction": "none", "y_kind":
    /// "labels"}`.
    pub spec: EstimatorSpec,
    /// What the data were before the estimator saw them.
    pub input: Preprocessing,
}

impl AppliedEstimator {
    /// The method's name (`"ksg"`).
    #[must_use]
    pub fn method(&self) -> &'static str {
        self.spec.method()
    }
}

/// How an analysis prepared an estimator's arguments from the recording. Serialised with a
/// `kind` tag: `{"kind": "unit_scaled", "bin_range": "recording"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Preprocessing {
    /// The layer with each unit scaled to `[0, 1]` by its minimum and maximum over
    /// `bin_range` (`(h − min) / (max − min)`; a constant unit becomes 0), for a binning
    /// policy of fixed intervals of `[0, 1]`. Y: integer class labels.
    UnitScaled {
        /// Over which samples each unit's range is taken.
        bin_range: BinRange,
    },
    /// The layer as recorded: the centres of the noisy layer T = h + N(0, σ² I) (σ² the
    /// specification's `noise_var`), one equally weighted Gaussian component per trial. Y:
    /// integer class labels.
    NoisyLayer,
    /// The arguments projected on principal components: X always, Y too when it is a layer
    /// (`None` when Y is the class labels, which the estimator reads as labels: `ross`).
    Reduced {
        /// The reduction of X.
        x: Reduction,
        /// The reduction of Y, when Y is a layer.
        y: Option<Reduction>,
    },
}

/// One estimator's values over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MiCurve {
    /// A label for legends, e.g. `"binned, 2 bins/unit"`.
    pub label: String,
    /// The estimator's method: `"binned"`, `"kt"`, `"ross"`, `"ksg"` or `"gaussian"` (the
    /// `method` of `config.spec`).
    pub estimator: String,
    /// Point estimate or which bound.
    pub bound: Bound,
    /// The estimator and the preprocessing of its data.
    pub config: AppliedEstimator,
    /// One value per time step (or per checkpoint), nats; NaN (written `null`) where the
    /// value could not be computed (see `missing`).
    #[serde(deserialize_with = "nan_for_null")]
    pub values: Vec<f64>,
    /// The surrogate null, when computed.
    pub null: Option<NullSummary>,
    /// The values that could not be computed, and why (empty when all were).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<StepNote>,
    /// The values known exactly without the estimator, and why (e.g. 0 where every column of
    /// one side is constant across the trials at that step).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exact: Vec<StepNote>,
    /// The steps where the estimate sits at its ceiling because every trial is distinct (a
    /// binned layer with as many symbols as trials): the value then measures the number of
    /// trials, not the layer. Ascending; empty when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saturated: Vec<usize>,
}

/// A group of curves estimating one quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MiPanel {
    /// The quantity, e.g. `"I(X; T_t)"`.
    pub quantity: String,
    /// What the symbols mean, in words.
    pub description: String,
    /// The largest value the quantity can take, when known (e.g. H(X)), nats.
    pub ceiling: Option<Ceiling>,
    /// The estimates.
    pub curves: Vec<MiCurve>,
}

/// A known upper limit of a quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ceiling {
    /// What it is, e.g. `"H(X)"` or `"ln(trials)"`.
    pub label: String,
    /// Its value, nats.
    pub value: f64,
}

/// A linear dimensionality reduction applied before an estimator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reduction {
    /// `"pca"`.
    pub method: String,
    /// What the basis was fitted on, e.g. "all trials and time steps of the hidden layer".
    pub fitted_on: String,
    /// Dimensions kept.
    pub dims: usize,
    /// Fraction of the variance the kept dimensions explain.
    pub explained_variance: f64,
}

/// Layer-level MI over time (SPEC.md §3, item 2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerMiOverTime {
    /// How samples were formed.
    pub sampling: Sampling,
    /// I(X; T_t): the stimulus class and the hidden layer.
    pub stimulus: MiPanel,
    /// I(T_t; Y_t): the hidden layer and the target class (empty without targets).
    pub target: MiPanel,
    /// I(trial; T_t): every trial is its own input pattern, so this is I(input sequence; T_t)
    /// (the information-plane reading); binned values saturate at ln(trials) once every
    /// trial's pattern is distinct.
    pub trial: MiPanel,
    /// I(input_t; h_t) on reduced variables (empty without inputs).
    pub input_hidden: MiPanel,
    /// I(h_t; ŷ_t) on reduced variables (empty without outputs).
    pub hidden_output: MiPanel,
    /// The Kolchinsky–Tracey bounds against the noise variance at one time step.
    pub kt_sweep: KtSweep,
    /// The reduction used by the KSG and Gaussian curves.
    pub reduction: Reduction,
}

/// Kolchinsky–Tracey bounds against σ² at one time step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KtSweep {
    /// The time step.
    pub step: usize,
    /// Why this step (e.g. "peak of the upper bound on I(X; T_t)").
    pub chosen_as: String,
    /// The noise variances σ².
    pub noise_vars: Vec<f64>,
    /// The estimator at each σ² (`noise_vars[i]` is `specs[i]`'s `noise_var`), applied to the
    /// layer as recorded ([`Preprocessing::NoisyLayer`]).
    pub specs: Vec<EstimatorSpec>,
    /// Lower bound on I(X; T) at each σ² (X the stimulus class), nats (NaN, written `null`,
    /// where missing).
    #[serde(deserialize_with = "nan_for_null")]
    pub stimulus_lower: Vec<f64>,
    /// Upper estimate of I(X; T) at each σ², nats.
    #[serde(deserialize_with = "nan_for_null")]
    pub stimulus_upper: Vec<f64>,
    /// Lower bound on I(trial; T) at each σ², nats.
    #[serde(deserialize_with = "nan_for_null")]
    pub trial_lower: Vec<f64>,
    /// Upper bound on I(trial; T) at each σ², nats.
    #[serde(deserialize_with = "nan_for_null")]
    pub trial_upper: Vec<f64>,
    /// The σ² (by index into `noise_vars`) whose bounds could not be computed, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<StepNote>,
}

/// Per-neuron MI with the stimulus over time (SPEC.md §3, item 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerNeuronMi {
    /// The estimator's method: `"binned"`.
    pub estimator: String,
    /// The estimator (asked I(h_i(t); X) for every neuron i) and the preprocessing of its
    /// data.
    pub config: AppliedEstimator,
    /// `mi[i][t]` = I(h_i(t); X), nats (NaN, written `null`, at the steps in `missing`).
    #[serde(deserialize_with = "nested_nan_for_null")]
    pub mi: Vec<Vec<f64>>,
    /// Each neuron's peak time step (argmax over the computed steps; the first on ties).
    pub peak_step: Vec<usize>,
    /// Each neuron's peak value, nats.
    #[serde(deserialize_with = "nan_for_null")]
    pub peak_mi: Vec<f64>,
    /// The statistic tested per neuron: "max over t of I(h_i(t); X)".
    pub statistic: String,
    /// Surrogates (the stimulus labels permuted across trials, the same permutation at every
    /// step).
    pub n_surrogates: usize,
    /// Per-neuron p-values of the statistic.
    #[serde(deserialize_with = "nan_for_null")]
    pub p_values: Vec<f64>,
    /// Benjamini–Hochberg q-values over the neurons.
    #[serde(deserialize_with = "nan_for_null")]
    pub q_values: Vec<f64>,
    /// The false-discovery rate used to call neurons active.
    pub fdr: f64,
    /// The active neurons (q ≤ fdr), ascending.
    pub active: Vec<usize>,
    /// The spread of the active neurons' peak times.
    pub peak_spread: PeakSpread,
    /// The time steps at which no neuron's MI could be computed, and why (their `mi` entries
    /// are NaN; the test's maximum runs over the other steps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<StepNote>,
}

/// Summary of the active neurons' peak times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeakSpread {
    /// Number of active neurons.
    pub n_active: usize,
    /// Mean peak step (NaN-free: 0 when no neuron is active).
    pub mean_step: f64,
    /// Standard deviation of the peak steps.
    pub std_step: f64,
    /// Earliest and latest peak step.
    pub min_step: usize,
    /// Latest peak step.
    pub max_step: usize,
    /// Interquartile range of the peak steps.
    pub iqr_steps: f64,
    /// How many active neurons peak in each epoch (names as in [`TimeAxis::epochs`]).
    pub per_epoch: Vec<(String, usize)>,
}

/// I(h_t; h_{t+1}) (SPEC.md §3, item 4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuccessiveStateMi {
    /// The reduction of the states.
    pub reduction: Reduction,
    /// Curves over `t = 0 .. n_steps − 1` (value `t` is I(h_t; h_{t+1})).
    pub panel: MiPanel,
}

/// The information plane over training checkpoints (SPEC.md §5.2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InformationPlane {
    /// How the samples were formed.
    pub sampling: Sampling,
    /// The time step of the layer that is placed on the plane.
    pub step: usize,
    /// What X and Y are, in words.
    pub description: String,
    /// The training steps of the checkpoints.
    pub checkpoints: Vec<usize>,
    /// Task performance of each checkpoint on the analysed batch (NaN where the recording
    /// does not say it, written as `null`).
    #[serde(deserialize_with = "nan_for_null")]
    pub performance: Vec<f64>,
    /// One trajectory per estimator.
    pub curves: Vec<PlaneCurve>,
}

/// One estimator's trajectory on the information plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneCurve {
    /// Legend label.
    pub label: String,
    /// The estimator's method.
    pub estimator: String,
    /// Point estimate or which bound.
    pub bound: Bound,
    /// The estimator (asked I(input; T) for `i_xt` and I(T; Y) for `i_ty`) and the
    /// preprocessing of its data.
    pub config: AppliedEstimator,
    /// I(X; T) per checkpoint, nats.
    pub i_xt: Vec<f64>,
    /// I(T; Y) per checkpoint, nats.
    pub i_ty: Vec<f64>,
}

/// Gradient signal-to-noise per layer over training (SPEC.md §5.3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GradientSnr {
    /// The definition: "ibsgd: ‖mean_b g_b‖ / ‖std_b g_b‖ per layer over the batches of a log
    /// interval".
    pub definition: String,
    /// The logged training steps.
    pub steps: Vec<usize>,
    /// One series per layer.
    pub layers: Vec<LayerSnr>,
    /// The IDNNs aggregate (Σ_l mean_l)² / Σ_l std_l per step, a named variant (`None` where
    /// the denominator is 0).
    pub idnns_aggregate: Vec<Option<f64>>,
    /// Evaluation performance at each logged step.
    pub performance: Vec<f64>,
}

/// One layer's gradient statistics over training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerSnr {
    /// The parameter, e.g. `"w_rec"`.
    pub name: String,
    /// ‖mean_b g_b‖₂ at each logged step.
    pub mean_norm: Vec<f64>,
    /// ‖std_b g_b‖₂ at each logged step.
    pub std_norm: Vec<f64>,
    /// mean/std (`None` where std is 0).
    pub snr: Vec<Option<f64>>,
    /// ‖W‖_F at each logged step.
    pub weight_norm: Vec<f64>,
    /// The first logged step from which the SNR stays below 1 (the diffusion phase), if any.
    pub diffusion_from: Option<usize>,
}

/// Rows of floats where `null` reads back as NaN.
fn nested_nan_for_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
    let rows = Vec::<Vec<Option<f64>>>::deserialize(d)?;
    Ok(rows
        .into_iter()
        .map(|r| r.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
        .collect())
}

/// Floats where `null` (how JSON writes NaN) reads back as NaN.
fn nan_for_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let values = Vec::<Option<f64>>::deserialize(d)?;
    Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}
