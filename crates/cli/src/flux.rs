//! `infoscope flux`: every information-flux measure of stochastic binary networks (SPEC.md §7,
//! issue #17), for one network read from files or a batch drawn from a weight ensemble.
//!
//! Parsing and printing only: the networks, the draws and every measure come from
//! [`infoscope_analysis::flux`], the facade shared with Python and the experiments. The one
//! computation here is the summary over a batch (mean, standard deviation and Spearman's ρ from
//! the library's `flux::relation::spearman`).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use clap::{ArgGroup, Args, ValueEnum};
use infoscope_analysis::AnalysisError;
use infoscope_analysis::flux::{
    self, BiasRule, Dynamics, Ensemble, FluxMeasures, MeasureConfig, ProxyKind, When, draw_seed,
};
use infoscope_estimators::Unit;
use infoscope_io::{self as io, ArraySource, LoadedArray};
use infoscope_nets::NetsError;
use infoscope_nets::binary::{
    BinaryNetwork, Coding, CorrelationProxies, MAX_NEURONS, Magnitude, Rms, Rooks, TieRule, Update,
    WidthDensityBalance,
};
use ndarray::{Array1, Array2, Ix2};
use rayon::prelude::*;
use serde::Serialize;

use crate::args::UnitArg;
use crate::guard;
use crate::output::outln;
use crate::spec_args::UsageError;

/// The most networks one `--networks` may ask for.
pub const MAX_NETWORKS: usize = 10_000;

/// Layout version of the JSON document of `--json` and `--out`.
pub const SCHEMA_VERSION: u32 = 1;

/// The file in a `--save-weights` directory that lists what `infoscope flux` wrote there.
pub const MANIFEST: &str = "networks.json";

/// The default `--tolerance` as written in the help (`1e-12`).
static DEFAULT_TOLERANCE: LazyLock<String> =
    LazyLock::new(|| format!("{:e}", MeasureConfig::default().tolerance));

/// Who writes the manifest (its `written_by`).
const WRITER: &str = "infoscope flux";

/// `infoscope flux`.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("source").args(["weights", "ensemble"]).multiple(false)),
    after_help = "\
The network is given by exactly one of --weights (with --bias or --bias-rule) and --ensemble.
A state is N binary neurons y_i ∈ {0, 1}; synchronously every neuron fires with probability
σ(z_i / T), z_i = Σ_j W_ij u(y_j) + b_i, u(y) = y (binary) or 2y − 1 (spin). Everything is
computed in nats and printed in --unit; correlation proxies have no unit.

Examples:
  infoscope flux --weights W.npy --bias b.npy
  infoscope flux --weights net.npz:W --bias-rule centered --unit nats --json
  infoscope flux --ensemble wdb --n 8 --width 2 --density 0.5 --balance 0 --networks 20 --seed 1
  infoscope flux --ensemble rooks --n 6 --strength 8 --background 0.5 --bias-rule centered
  infoscope flux --ensemble wdb --n 40 --width 1 --density 0.2 --balance 0.2 --steps 200000
  infoscope flux --ensemble rooks --n 5 --strength 6 --networks 10 --save-weights nets --json"
)]
pub struct FluxArgs {
    /// The weights W: FILE.npy, or FILE.npz with an optional :KEY naming one array; a square
    /// N × N float or integer array, row i = neuron i's incoming weights (1 ≤ N ≤ 65536).
    #[arg(long, value_name = "FILE[:KEY]", help_heading = "Network")]
    pub weights: Option<String>,
    /// The biases of --weights: FILE.npy, or FILE.npz with an optional :KEY; N entries
    /// (instead of --bias-rule).
    #[arg(
        long,
        value_name = "FILE[:KEY]",
        conflicts_with = "bias_rule",
        help_heading = "Network"
    )]
    pub bias: Option<String>,
    /// How the biases are set without --bias: zero (b = 0) or centered (b_i = −½ Σ_j W_ij, each
    /// field centred) [default: zero].
    #[arg(long, value_enum, value_name = "RULE", help_heading = "Network")]
    pub bias_rule: Option<BiasRuleArg>,
    /// Draw the networks from a weight ensemble: wdb (width–density–balance: each weight
    /// non-zero with probability --density, positive with probability (1 + --balance)/2, of
    /// magnitude width --width) or rooks (one weight --strength per row and column, plus an
    /// optional --background).
    #[arg(long, value_enum, value_name = "KIND", help_heading = "Network")]
    pub ensemble: Option<EnsembleKind>,
    /// --ensemble: neurons N (1 ≤ N ≤ 65536; rooks without --diagonal needs N ≥ 2).
    #[arg(long, allow_negative_numbers = true, help_heading = "Network")]
    pub n: Option<usize>,
    /// --ensemble wdb: the width w ≥ 0 of a non-zero weight's magnitude.
    #[arg(long, allow_negative_numbers = true, help_heading = "Network")]
    pub width: Option<f64>,
    /// --ensemble wdb: the probability d ∈ [0, 1] that a weight is non-zero.
    #[arg(long, allow_negative_numbers = true, help_heading = "Network")]
    pub density: Option<f64>,
    /// --ensemble wdb: the balance b ∈ [−1, 1]; a non-zero weight is positive with
    /// probability (1 + b)/2.
    #[arg(long, allow_negative_numbers = true, help_heading = "Network")]
    pub balance: Option<f64>,
    /// --ensemble wdb: the distribution of a magnitude: half-normal (|N(0, w²)|) or uniform
    /// (on (0, w)) [default: half-normal].
    #[arg(long, value_enum, help_heading = "Network")]
    pub magnitude: Option<MagnitudeArg>,
    /// --ensemble rooks: the strong weight (finite).
    #[arg(long, allow_negative_numbers = true, help_heading = "Network")]
    pub strength: Option<f64>,
    /// --ensemble rooks: the standard deviation of the Gaussian background on every other
    /// weight (≥ 0) [default: 0].
    #[arg(
        long,
        value_name = "SD",
        allow_negative_numbers = true,
        help_heading = "Network"
    )]
    pub background: Option<f64>,
    /// --ensemble: allow self-connections W_ii (off by default).
    #[arg(long, help_heading = "Network")]
    pub diagonal: bool,
    /// --ensemble: how many networks to draw (1 ≤ K ≤ 10000) [default: 1].
    #[arg(
        long,
        value_name = "K",
        allow_negative_numbers = true,
        help_heading = "Network"
    )]
    pub networks: Option<usize>,
    /// --ensemble: the seed of the batch; draw k is seeded from (seed, k), so any draw is
    /// reproducible alone [default: 0].
    #[arg(long, allow_negative_numbers = true, help_heading = "Network")]
    pub seed: Option<u64>,

    /// What a neuron contributes to the fields: binary (u = y ∈ {0, 1}) or spin
    /// (u = 2y − 1 ∈ {−1, +1}).
    #[arg(long, value_enum, default_value_t = CodingArg::from(Dynamics::default().coding),
        help_heading = "Dynamics")]
    pub coding: CodingArg,
    /// Which neurons update at each step: synchronous (all at once) or asynchronous (one drawn
    /// uniformly).
    #[arg(long, value_enum, default_value_t = UpdateArg::from(Dynamics::default().update),
        help_heading = "Dynamics")]
    pub update: UpdateArg,
    /// The temperature T > 0: P(y_i = 1) = σ(z_i / T).
    #[arg(long, default_value_t = Dynamics::default().temperature,
        allow_negative_numbers = true, help_heading = "Dynamics")]
    pub temperature: f64,

    /// The exact stationary flux, entropy rate and proxies over all 2^N states: auto (for
    /// N ≤ --exact-max-neurons), always or never.
    #[arg(long, value_enum, default_value_t = WhenArg::from(MeasureConfig::default().exact),
        help_heading = "Measures")]
    pub exact: WhenArg,
    /// The largest N that --exact auto computes exactly (at most 20).
    #[arg(long, value_name = "N", default_value_t = MeasureConfig::default().exact_max_neurons,
        allow_negative_numbers = true, help_heading = "Measures")]
    pub exact_max_neurons: usize,
    /// Power iteration for the stationary distribution stops at this total variation between
    /// iterates (> 0).
    #[arg(long, default_value = DEFAULT_TOLERANCE.as_str(),
        allow_negative_numbers = true, help_heading = "Measures")]
    pub tolerance: f64,
    /// The most power iterations (≥ 1); a chain that has not converged by then is reported
    /// missing.
    #[arg(long, value_name = "N", default_value_t = MeasureConfig::default().max_iterations,
        allow_negative_numbers = true, help_heading = "Measures")]
    pub max_iterations: usize,
    /// Simulation (sampled proxies and the plug-in flux of a subset): auto (when the exact
    /// route is not taken), always or never.
    #[arg(long, value_enum, default_value_t = WhenArg::from(MeasureConfig::default().simulate),
        help_heading = "Measures")]
    pub simulate: WhenArg,
    /// Recorded steps of the simulation (≥ 2).
    #[arg(long, default_value_t = MeasureConfig::default().steps,
        allow_negative_numbers = true, help_heading = "Measures")]
    pub steps: usize,
    /// Steps discarded before recording.
    #[arg(long, value_name = "STEPS", default_value_t = MeasureConfig::default().burn_in,
        allow_negative_numbers = true, help_heading = "Measures")]
    pub burn_in: usize,
    /// Seed of the simulation.
    #[arg(long, value_name = "SEED", default_value_t = MeasureConfig::default().seed,
        allow_negative_numbers = true, help_heading = "Measures")]
    pub sim_seed: u64,
    /// The plug-in flux I[x_S(t); x_S(t+1)] uses the first k neurons (1 ≤ k ≤ 10; needs
    /// --steps ≫ 4^k).
    #[arg(long, value_name = "K", default_value_t = MeasureConfig::default().plugin_neurons,
        allow_negative_numbers = true, help_heading = "Measures")]
    pub plugin_neurons: usize,
    /// The attractor cycles of the deterministic limit: auto (for N ≤
    /// --attractor-max-neurons), always or never.
    #[arg(long, value_enum, default_value_t = WhenArg::from(MeasureConfig::default().attractors),
        help_heading = "Measures")]
    pub attractors: WhenArg,
    /// The largest N that --attractors auto enumerates (at most 31).
    #[arg(long, value_name = "N",
        default_value_t = MeasureConfig::default().attractor_max_neurons,
        allow_negative_numbers = true, help_heading = "Measures")]
    pub attractor_max_neurons: usize,
    /// The deterministic successor of a neuron whose field is exactly zero: on, off, or keep
    /// (its current state).
    #[arg(long, value_enum, default_value_t = TieArg::from(MeasureConfig::default().tie),
        help_heading = "Measures")]
    pub tie: TieArg,

    /// Unit of the printed and JSON information values (computed in nats).
    #[arg(long, value_enum, default_value = "bits", help_heading = "Output")]
    pub unit: UnitArg,
    /// Print one JSON document (source, dynamics, settings, every network's measures) instead
    /// of the table.
    #[arg(long, help_heading = "Output")]
    pub json: bool,
    /// Also write the JSON document to this file (atomically).
    #[arg(long, value_name = "FILE.json", help_heading = "Output")]
    pub out: Option<PathBuf>,
    /// Write each network's W and b as DIR/network_K_weights.npy and DIR/network_K_bias.npy
    /// (float64; K = the draw index), listed in DIR/networks.json.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub save_weights: Option<PathBuf>,
    /// With --save-weights: replace files there that infoscope flux did not write.
    #[arg(long, help_heading = "Output")]
    pub force: bool,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        help_heading = "Output"
    )]
    pub threads: Option<usize>,
}

/// `--bias-rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BiasRuleArg {
    /// b = 0.
    Zero,
    /// b_i = −½ Σ_j W_ij.
    Centered,
}

impl From<BiasRuleArg> for BiasRule {
    fn from(r: BiasRuleArg) -> Self {
        match r {
            BiasRuleArg::Zero => Self::Zero,
            BiasRuleArg::Centered => Self::Centered,
        }
    }
}

/// `--ensemble`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnsembleKind {
    /// The width–density–balance family.
    Wdb,
    /// The N-rooks family.
    Rooks,
}

/// `--magnitude`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MagnitudeArg {
    /// |N(0, w²)|.
    HalfNormal,
    /// Uniform on (0, w).
    Uniform,
}

impl From<MagnitudeArg> for Magnitude {
    fn from(m: MagnitudeArg) -> Self {
        match m {
            MagnitudeArg::HalfNormal => Self::HalfNormal,
            MagnitudeArg::Uniform => Self::Uniform,
        }
    }
}

/// `--coding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CodingArg {
    /// u(y) = y ∈ {0, 1}.
    Binary,
    /// u(y) = 2y − 1 ∈ {−1, +1}.
    Spin,
}

impl From<Coding> for CodingArg {
    fn from(c: Coding) -> Self {
        match c {
            Coding::Binary => Self::Binary,
            Coding::Spin => Self::Spin,
        }
    }
}

impl From<CodingArg> for Coding {
    fn from(c: CodingArg) -> Self {
        match c {
            CodingArg::Binary => Self::Binary,
            CodingArg::Spin => Self::Spin,
        }
    }
}

/// `--update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpdateArg {
    /// Every neuron at once.
    Synchronous,
    /// One neuron drawn uniformly per step.
    Asynchronous,
}

impl From<Update> for UpdateArg {
    fn from(u: Update) -> Self {
        match u {
            Update::Synchronous => Self::Synchronous,
            Update::Asynchronous => Self::Asynchronous,
        }
    }
}

impl From<UpdateArg> for Update {
    fn from(u: UpdateArg) -> Self {
        match u {
            UpdateArg::Synchronous => Self::Synchronous,
            UpdateArg::Asynchronous => Self::Asynchronous,
        }
    }
}

/// `--exact`, `--simulate`, `--attractors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WhenArg {
    /// Where feasible.
    Auto,
    /// Always (an infeasible one is reported missing with its reason).
    Always,
    /// Never.
    Never,
}

impl From<When> for WhenArg {
    fn from(w: When) -> Self {
        match w {
            When::Auto => Self::Auto,
            When::Always => Self::Always,
            When::Never => Self::Never,
        }
    }
}

impl From<WhenArg> for When {
    fn from(w: WhenArg) -> Self {
        match w {
            WhenArg::Auto => Self::Auto,
            WhenArg::Always => Self::Always,
            WhenArg::Never => Self::Never,
        }
    }
}

/// `--tie`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TieArg {
    /// Θ(0) = 1.
    On,
    /// Θ(0) = 0.
    Off,
    /// The neuron keeps its state.
    Keep,
}

impl From<TieRule> for TieArg {
    fn from(t: TieRule) -> Self {
        match t {
            TieRule::On => Self::On,
            TieRule::Off => Self::Off,
            TieRule::Keep => Self::Keep,
        }
    }
}

impl From<TieArg> for TieRule {
    fn from(t: TieArg) -> Self {
        match t {
            TieArg::On => Self::On,
            TieArg::Off => Self::Off,
            TieArg::Keep => Self::Keep,
        }
    }
}

/// The JSON document of `--json` and `--out`.
#[derive(Debug, Serialize)]
pub struct FluxOutput {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// `"flux"`.
    pub command: &'static str,
    /// The unit of every `values` block and of the summary (the measures are in nats).
    pub unit: Unit,
    /// Where the networks came from.
    pub source: SourceOutput,
    /// The dynamics of every network.
    pub dynamics: Dynamics,
    /// The measure settings.
    pub measure: MeasureConfig,
    /// One entry per network, in draw order.
    pub networks: Vec<NetworkOutput>,
    /// Over the networks, when there are two or more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

/// Where the networks came from.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SourceOutput {
    /// One network from `--weights` (and `--bias`).
    Weights {
        /// The weights file.
        weights: FileInfo,
        /// The biases file, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        bias: Option<FileInfo>,
        /// The bias rule, without a biases file.
        #[serde(skip_serializing_if = "Option::is_none")]
        bias_rule: Option<BiasRule>,
    },
    /// A batch drawn from `--ensemble`.
    Ensemble {
        /// The ensemble and its parameters.
        ensemble: Ensemble,
        /// K, the number of draws.
        networks: usize,
        /// The batch's seed (draw k is seeded from (seed, k)).
        seed: u64,
        /// How the biases were set.
        bias_rule: BiasRule,
    },
}

/// An input array file.
#[derive(Debug, Clone, Serialize)]
pub struct FileInfo {
    /// `FILE[:KEY]` as read.
    pub source: String,
    /// The array's shape.
    pub shape: Vec<usize>,
    /// The array's dtype in the file.
    pub dtype: String,
}

/// One network's entry.
#[derive(Debug, Serialize)]
pub struct NetworkOutput {
    /// The draw index k (0 for `--weights`).
    pub index: usize,
    /// The seed of draw k ([`draw_seed`] of the batch seed and k), for ensembles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draw_seed: Option<u64>,
    /// The drawn weights W (rows = incoming weights), for ensembles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<Vec<f64>>>,
    /// The drawn network's biases b, for ensembles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bias: Option<Vec<f64>>,
    /// The files written by `--save-weights`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<SavedFiles>,
    /// The information values in the document's unit.
    pub values: Values,
    /// Every measure, information in nats (the library's record).
    pub measures: FluxMeasures,
}

/// The files of one saved network.
#[derive(Debug, Clone, Serialize)]
pub struct SavedFiles {
    /// W, float64 N × N.
    pub weights: String,
    /// b, float64 N.
    pub bias: String,
}

/// One network's information values in the chosen unit (absent where not computed).
#[derive(Debug, Clone, Serialize)]
pub struct Values {
    /// The unit of every value here.
    pub unit: Unit,
    /// Exact stationary I[x(t); x(t+1)].
    pub information: Option<f64>,
    /// Exact H(x(t+1)).
    pub next_entropy: Option<f64>,
    /// Exact H(x(t+1) | x(t)), the entropy rate.
    pub entropy_rate: Option<f64>,
    /// Plug-in I[x_S(t); x_S(t+1)] of the simulated subset S.
    pub plugin_information: Option<f64>,
    /// Miller–Madow corrected I[x_S(t); x_S(t+1)].
    pub miller_madow_information: Option<f64>,
}

/// Mean and standard deviation of one quantity over the networks that have it.
#[derive(Debug, Clone, Serialize)]
pub struct Stat {
    /// Networks with a value.
    pub count: usize,
    /// Their mean.
    pub mean: Option<f64>,
    /// Their sample standard deviation (n − 1; two or more values).
    pub sd: Option<f64>,
}

/// One proxy over the networks.
#[derive(Debug, Clone, Serialize)]
pub struct ProxySummary {
    /// `equal-time`, `lagged-all` or `lagged-off-diagonal`.
    pub proxy: &'static str,
    /// Mean and sd of the best available value (exact, else sampled; no unit).
    #[serde(flatten)]
    pub stat: Stat,
    /// Spearman rank correlation with the flux over networks having both (three or more).
    pub spearman: Option<f64>,
    /// Networks entering `spearman`.
    pub spearman_networks: usize,
}

/// The summary over a batch.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// K.
    pub networks: usize,
    /// The unit of `information`.
    pub unit: Unit,
    /// The best available flux per network: exact, else the Miller–Madow plug-in of the
    /// subset ([`FluxMeasures::flux_nats`]).
    pub information: Stat,
    /// Networks whose flux is exact.
    pub exact: usize,
    /// Networks whose flux is the Miller–Madow plug-in of a subset.
    pub plugin: usize,
    /// Every proxy.
    pub proxies: Vec<ProxySummary>,
}

/// A usage error (exit status 2) with this text.
fn usage(text: impl Into<String>) -> anyhow::Error {
    UsageError(text.into()).into()
}

/// The flag of a setting or parameter named by the library.
fn flag_of(name: &str) -> String {
    match name {
        "seed" => "--sim-seed".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

/// A library error in the words of the flags: a bad setting or parameter becomes a usage
/// error naming its flag.
fn in_flags(err: AnalysisError) -> anyhow::Error {
    match err {
        AnalysisError::InvalidConfig { name, reason } => {
            usage(format!("{}: {reason}", flag_of(&name)))
        }
        AnalysisError::Nets(NetsError::InvalidParameter { name, reason }) => {
            usage(format!("{}: {reason}", flag_of(name)))
        }
        other => other.into(),
    }
}

/// A network source after checking which flags apply.
enum Source {
    Weights {
        weights: String,
        bias: Option<String>,
        rule: BiasRule,
    },
    Ensemble {
        ensemble: Ensemble,
        networks: usize,
        seed: u64,
        rule: BiasRule,
    },
}

/// Refuses `flag` when `given`, saying what it needs.
fn only_with(given: bool, flag: &str, needs: &str) -> Result<()> {
    if given {
        return Err(usage(format!("{flag} applies to {needs} only")));
    }
    Ok(())
}

/// A required ensemble parameter.
fn needed<T: Copy>(value: Option<T>, flag: &str, kind: &str) -> Result<T> {
    value.ok_or_else(|| usage(format!("--ensemble {kind} needs {flag}")))
}

impl Source {
    fn from_args(args: &FluxArgs) -> Result<Self> {
        let rule = args.bias_rule.map_or(BiasRule::Zero, BiasRule::from);
        let wdb_only = [
            ("--width", args.width.is_some()),
            ("--density", args.density.is_some()),
            ("--balance", args.balance.is_some()),
            ("--magnitude", args.magnitude.is_some()),
        ];
        let rooks_only = [
            ("--strength", args.strength.is_some()),
            ("--background", args.background.is_some()),
        ];
        let ensemble_only = [
            ("--n", args.n.is_some()),
            ("--networks", args.networks.is_some()),
            ("--seed", args.seed.is_some()),
            ("--diagonal", args.diagonal),
        ];
        match (&args.weights, args.ensemble) {
            (None, None) => Err(usage(
                "no network: give --weights FILE[:KEY] (with --bias or --bias-rule) or \
                 --ensemble wdb|rooks",
            )),
            (Some(_), Some(_)) => Err(usage(
                "--weights and --ensemble both give the network: choose one",
            )),
            (Some(weights), None) => {
                for (flag, given) in ensemble_only.iter().chain(&wdb_only).chain(&rooks_only) {
                    only_with(*given, flag, "--ensemble")?;
                }
                Ok(Self::Weights {
                    weights: weights.clone(),
                    bias: args.bias.clone(),
                    rule,
                })
            }
            (None, Some(kind)) => {
                only_with(args.bias.is_some(), "--bias", "--weights")?;
                let n = needed(args.n, "--n", kind.name())?;
                if n > MAX_NEURONS {
                    return Err(usage(format!("--n {n}: at most {MAX_NEURONS} neurons")));
                }
                let ensemble = match kind {
                    EnsembleKind::Wdb => {
                        for (flag, given) in &rooks_only {
                            only_with(*given, flag, "--ensemble rooks")?;
                        }
                        Ensemble::Wdb(WidthDensityBalance {
                            n,
                            width: needed(args.width, "--width", "wdb")?,
                            density: needed(args.density, "--density", "wdb")?,
                            balance: needed(args.balance, "--balance", "wdb")?,
                            magnitude: args.magnitude.map_or_else(Magnitude::default, Into::into),
                            diagonal: args.diagonal,
                        })
                    }
                    EnsembleKind::Rooks => {
                        for (flag, given) in &wdb_only {
                            only_with(*given, flag, "--ensemble wdb")?;
                        }
                        let background = args.background.unwrap_or(0.0);
                        Ensemble::Rooks(Rooks {
                            n,
                            strength: needed(args.strength, "--strength", "rooks")?,
                            background,
                            diagonal: args.diagonal,
                        })
                    }
                };
                let networks = args.networks.unwrap_or(1);
                if networks == 0 {
                    return Err(usage("--networks 0: draw at least one network"));
                }
                if networks > MAX_NETWORKS {
                    return Err(usage(format!(
                        "--networks {networks} is too many: at most {MAX_NETWORKS}"
                    )));
                }
                Ok(Self::Ensemble {
                    ensemble,
                    networks,
                    seed: args.seed.unwrap_or(0),
                    rule,
                })
            }
        }
    }

    /// The number of networks.
    fn count(&self) -> usize {
        match self {
            Self::Weights { .. } => 1,
            Self::Ensemble { networks, .. } => *networks,
        }
    }

    /// The input files (flag, path), for the output guards.
    fn inputs(&self) -> Vec<(&'static str, PathBuf)> {
        match self {
            Self::Weights { weights, bias, .. } => {
                let mut v = vec![("--weights", guard::array_file(weights))];
                v.extend(bias.as_deref().map(|b| ("--bias", guard::array_file(b))));
                v
            }
            Self::Ensemble { .. } => Vec::new(),
        }
    }
}

impl EnsembleKind {
    fn name(self) -> &'static str {
        match self {
            Self::Wdb => "wdb",
            Self::Rooks => "rooks",
        }
    }
}

/// Reads an array argument with the shared loader.
fn read(flag: &str, spec: &str) -> Result<LoadedArray> {
    io::read_array(&ArraySource::parse(spec)).with_context(|| format!("reading {flag}"))
}

/// The network of `--weights` (and `--bias`) as read and checked.
struct FileNetwork {
    weights: Array2<f64>,
    bias: Array1<f64>,
    weights_file: FileInfo,
    bias_file: Option<FileInfo>,
}

/// The weights and biases of `--weights` (and `--bias`), checked, with their descriptions.
fn read_network(weights: &str, bias: Option<&str>, rule: BiasRule) -> Result<FileNetwork> {
    let loaded = read("--weights", weights)?;
    let w_info = FileInfo {
        source: loaded.source.to_string(),
        shape: loaded.shape().to_vec(),
        dtype: loaded.dtype.clone(),
    };
    let w = match *loaded.shape() {
        [rows, cols] if rows == cols && rows >= 1 => loaded
            .into_f64()
            .into_dimensionality::<Ix2>()
            .context("reading --weights")?,
        ref shape => bail!(
            "--weights {}: expected a square N × N matrix (row i = neuron i's incoming \
             weights), got shape {shape:?}",
            w_info.source
        ),
    };
    let n = w.nrows();
    if n > MAX_NEURONS {
        bail!(
            "--weights {}: N = {n} neurons, at most {MAX_NEURONS}",
            w_info.source
        );
    }
    if let Some(((i, j), v)) = w.indexed_iter().find(|(_, v)| !v.is_finite()) {
        bail!(
            "--weights {}: entry [{i}, {j}] is {v}; every weight must be finite",
            w_info.source
        );
    }
    let Some(spec) = bias else {
        let bias = rule.biases(&w);
        return Ok(FileNetwork {
            weights: w,
            bias,
            weights_file: w_info,
            bias_file: None,
        });
    };
    let loaded = read("--bias", spec)?;
    let b_info = FileInfo {
        source: loaded.source.to_string(),
        shape: loaded.shape().to_vec(),
        dtype: loaded.dtype.clone(),
    };
    let fits = match *loaded.shape() {
        [len] | [len, 1] | [1, len] => len == n,
        _ => false,
    };
    if !fits {
        bail!(
            "--bias {}: expected {n} entries (one per neuron of --weights), got shape {:?}",
            b_info.source,
            b_info.shape
        );
    }
    let b: Array1<f64> = loaded.into_f64().iter().copied().collect();
    if let Some((i, v)) = b.indexed_iter().find(|(_, v)| !v.is_finite()) {
        bail!(
            "--bias {}: entry [{i}] is {v}; every bias must be finite",
            b_info.source
        );
    }
    Ok(FileNetwork {
        weights: w,
        bias: b,
        weights_file: w_info,
        bias_file: Some(b_info),
    })
}

/// The measure settings of the flags, checked.
fn measure_config(args: &FluxArgs) -> Result<MeasureConfig> {
    let config = MeasureConfig {
        exact: args.exact.into(),
        exact_max_neurons: args.exact_max_neurons,
        tolerance: args.tolerance,
        max_iterations: args.max_iterations,
        simulate: args.simulate.into(),
        steps: args.steps,
        burn_in: args.burn_in,
        seed: args.sim_seed,
        plugin_neurons: args.plugin_neurons,
        attractors: args.attractors.into(),
        attractor_max_neurons: args.attractor_max_neurons,
        tie: args.tie.into(),
    };
    config.validate().map_err(in_flags)?;
    Ok(config)
}

/// The file names of saved network `k`.
fn saved_names(k: usize) -> (String, String) {
    (
        format!("network_{k}_weights.npy"),
        format!("network_{k}_bias.npy"),
    )
}

/// The files listed in `dir`'s manifest (`None`: there is none; an error: a file of that name
/// that `infoscope flux` did not write).
fn manifest_files(dir: &Path) -> std::result::Result<Option<BTreeSet<String>>, String> {
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let value: serde_json::Value =
        io::read_json(&path).map_err(|e| format!("{} is not a manifest ({e})", path.display()))?;
    if value["written_by"] != WRITER {
        return Err(format!("{} was not written by {WRITER}", path.display()));
    }
    let files = value["files"]
        .as_array()
        .ok_or_else(|| format!("{} lists no files", path.display()))?;
    Ok(Some(
        files
            .iter()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect(),
    ))
}

/// Checks `--save-weights DIR` before anything is computed; returns the files an earlier
/// `infoscope flux` wrote there (kept in the new manifest).
fn check_save_dir(
    dir: &Path,
    count: usize,
    force: bool,
    inputs: &[(&str, &Path)],
    out: Option<&Path>,
) -> Result<BTreeSet<String>> {
    if dir.exists() && !dir.is_dir() {
        return Err(usage(format!(
            "--save-weights {} is a file, not a directory",
            dir.display()
        )));
    }
    let ours = |name: &str| {
        name == MANIFEST
            || name
                .strip_prefix("network_")
                .and_then(|r| {
                    r.strip_suffix("_weights.npy")
                        .or_else(|| r.strip_suffix("_bias.npy"))
                })
                .and_then(|k| k.parse::<usize>().ok())
                .is_some_and(|k| k < count)
    };
    let written = |rel: &Path| rel.to_str().is_some_and(ours);
    guard::inputs_outside("--save-weights", dir, inputs, written)?;
    if let Some(out) = out
        && let Some(name) = out.file_name().and_then(|n| n.to_str())
        && ours(name)
    {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let (Ok(a), Ok(b)) = (std::fs::canonicalize(parent), std::fs::canonicalize(dir))
            && a == b
        {
            return Err(usage(format!(
                "--out {} is a file that --save-weights {} writes: choose another --out",
                out.display(),
                dir.display()
            )));
        }
    }
    if !dir.exists() {
        return Ok(BTreeSet::new());
    }
    let previous = match manifest_files(dir) {
        Ok(files) => files.unwrap_or_default(),
        Err(_) if force => BTreeSet::new(),
        Err(why) => {
            return Err(usage(format!(
                "--save-weights {}: {why}; choose another directory, or add --force to \
                 replace it",
                dir.display()
            )));
        }
    };
    if !force {
        for k in 0..count {
            let (w, b) = saved_names(k);
            for name in [w, b] {
                if dir.join(&name).exists() && !previous.contains(&name) {
                    return Err(usage(format!(
                        "--save-weights {}: {} exists and was not written by {WRITER}; \
                         choose another directory, or add --force to replace it",
                        dir.display(),
                        dir.join(&name).display()
                    )));
                }
            }
        }
    }
    Ok(previous
        .into_iter()
        .filter(|name| dir.join(name).is_file())
        .collect())
}

/// Run `infoscope flux`.
pub fn run(args: &FluxArgs) -> Result<()> {
    crate::experiment::set_threads(args.threads)?;
    let source = Source::from_args(args)?;
    if args.force && args.save_weights.is_none() {
        return Err(usage("--force applies to --save-weights only"));
    }
    let config = measure_config(args)?;
    let dynamics = Dynamics {
        coding: args.coding.into(),
        update: args.update.into(),
        temperature: args.temperature,
    };
    let unit: Unit = args.unit.into();
    let input_paths = source.inputs();
    let inputs: Vec<(&str, &Path)> = input_paths.iter().map(|(f, p)| (*f, p.as_path())).collect();
    if let Some(out) = &args.out {
        guard::distinct_outputs(&inputs, &[("--out", out.as_path())])?;
    }
    let previous = match &args.save_weights {
        Some(dir) => Some(check_save_dir(
            dir,
            source.count(),
            args.force,
            &inputs,
            args.out.as_deref(),
        )?),
        None => None,
    };

    // Every network is built (and every draw checked) before any is measured.
    let (networks, source_output) = build(&source, &dynamics)?;
    let total = networks.len();
    let done = AtomicUsize::new(0);
    let measures: Vec<FluxMeasures> = networks
        .par_iter()
        .map(|(_, net)| {
            let m = flux::measure(net, &config).map_err(in_flags);
            if total > 1 {
                let k = done.fetch_add(1, Ordering::SeqCst) + 1;
                let _ = writeln!(std::io::stderr(), "network {k}/{total}");
            }
            m
        })
        .collect::<Result<_>>()?;

    let drawn = matches!(source, Source::Ensemble { .. });
    let mut entries: Vec<NetworkOutput> = networks
        .iter()
        .zip(measures)
        .enumerate()
        .map(|(k, ((seed, net), m))| NetworkOutput {
            index: k,
            draw_seed: *seed,
            weights: drawn.then(|| {
                net.weights()
                    .rows()
                    .into_iter()
                    .map(|r| r.to_vec())
                    .collect()
            }),
            bias: drawn.then(|| net.bias().to_vec()),
            files: None,
            values: values(&m, unit),
            measures: m,
        })
        .collect();
    if let (Some(dir), Some(previous)) = (&args.save_weights, previous) {
        save_networks(
            dir,
            &networks,
            &mut entries,
            previous,
            &source_output,
            &dynamics,
        )?;
    }
    let summary = (entries.len() > 1).then(|| summarise(&entries, unit));
    let output = FluxOutput {
        schema_version: SCHEMA_VERSION,
        command: "flux",
        unit,
        source: source_output,
        dynamics,
        measure: config,
        networks: entries,
        summary,
    };
    if let Some(path) = &args.out {
        io::write_json(path, &output)
            .with_context(|| format!("writing --out {}", path.display()))?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&output)?);
    } else {
        print(&output);
    }
    Ok(())
}

/// The networks to measure, each with its draw seed (ensembles only).
type Networks = Vec<(Option<u64>, BinaryNetwork)>;

/// Every network of `source` with its draw seed (ensembles), and the source's description.
fn build(source: &Source, dynamics: &Dynamics) -> Result<(Networks, SourceOutput)> {
    match source {
        Source::Weights {
            weights,
            bias,
            rule,
        } => {
            let read = read_network(weights, bias.as_deref(), *rule)?;
            let net =
                flux::measure::network(read.weights, read.bias, dynamics).map_err(in_flags)?;
            let out = SourceOutput::Weights {
                bias_rule: read.bias_file.is_none().then_some(*rule),
                weights: read.weights_file,
                bias: read.bias_file,
            };
            Ok((vec![(None, net)], out))
        }
        Source::Ensemble {
            ensemble,
            networks,
            seed,
            rule,
        } => {
            let nets = (0..*networks)
                .into_par_iter()
                .map(|k| {
                    let net = ensemble
                        .draw(*seed, k as u64, *rule, dynamics)
                        .map_err(in_flags)?;
                    Ok((Some(draw_seed(*seed, k as u64)), net))
                })
                .collect::<Result<Vec<_>>>()?;
            let out = SourceOutput::Ensemble {
                ensemble: *ensemble,
                networks: *networks,
                seed: *seed,
                bias_rule: *rule,
            };
            Ok((nets, out))
        }
    }
}

/// The information values of `m` in `unit`.
fn values(m: &FluxMeasures, unit: Unit) -> Values {
    let exact = m.exact.as_ref().map(|e| e.flux);
    let plugin = m.sampled.as_ref().map(|s| s.plugin);
    Values {
        unit,
        information: exact.map(|f| unit.from_nats(f.information_nats)),
        next_entropy: exact.map(|f| unit.from_nats(f.next_entropy_nats)),
        entropy_rate: exact.map(|f| unit.from_nats(f.conditional_entropy_nats)),
        plugin_information: plugin.map(|p| unit.from_nats(p.plugin_nats)),
        miller_madow_information: plugin.map(|p| unit.from_nats(p.miller_madow_nats)),
    }
}

/// The manifest of a `--save-weights` directory.
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    /// [`WRITER`].
    written_by: &'static str,
    /// Every file in the directory written by `infoscope flux` (this run and earlier ones).
    files: BTreeSet<String>,
    /// This run's source.
    source: &'a SourceOutput,
    /// This run's dynamics.
    dynamics: &'a Dynamics,
    /// This run's networks.
    networks: Vec<ManifestEntry>,
}

/// One saved network.
#[derive(Debug, Serialize)]
struct ManifestEntry {
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    draw_seed: Option<u64>,
    n: usize,
    weights: String,
    bias: String,
}

/// Writes every network's W and b into `dir` (float64 .npy, atomically). The manifest is
/// written first and names every file of the run, so an interrupted run leaves only files a
/// later run may replace.
fn save_networks(
    dir: &Path,
    networks: &[(Option<u64>, BinaryNetwork)],
    entries: &mut [NetworkOutput],
    mut files: BTreeSet<String>,
    source: &SourceOutput,
    dynamics: &Dynamics,
) -> Result<()> {
    let listed: Vec<ManifestEntry> = networks
        .iter()
        .enumerate()
        .map(|(k, (seed, net))| {
            let (weights, bias) = saved_names(k);
            ManifestEntry {
                index: k,
                draw_seed: *seed,
                n: net.n(),
                weights,
                bias,
            }
        })
        .collect();
    files.insert(MANIFEST.to_owned());
    files.extend(
        listed
            .iter()
            .flat_map(|e| [e.weights.clone(), e.bias.clone()]),
    );
    let path = dir.join(MANIFEST);
    let manifest = Manifest {
        written_by: WRITER,
        files,
        source,
        dynamics,
        networks: listed,
    };
    io::write_json(&path, &manifest)
        .with_context(|| format!("writing --save-weights {}", path.display()))?;
    for ((net, entry), listed) in networks
        .iter()
        .map(|(_, net)| net)
        .zip(entries.iter_mut())
        .zip(&manifest.networks)
    {
        let (w_path, b_path) = (dir.join(&listed.weights), dir.join(&listed.bias));
        io::write_npy(&w_path, &net.weights().to_owned())
            .with_context(|| format!("writing --save-weights {}", w_path.display()))?;
        io::write_npy(&b_path, &net.bias().to_owned())
            .with_context(|| format!("writing --save-weights {}", b_path.display()))?;
        entry.files = Some(SavedFiles {
            weights: w_path.display().to_string(),
            bias: b_path.display().to_string(),
        });
    }
    Ok(())
}

/// Mean and sample standard deviation of `v`.
fn stat(v: &[f64]) -> Stat {
    let count = v.len();
    if count == 0 {
        return Stat {
            count,
            mean: None,
            sd: None,
        };
    }
    let mean = v.iter().sum::<f64>() / count as f64;
    let sd = (count >= 2).then(|| {
        let ss: f64 = v.iter().map(|x| (x - mean).powi(2)).sum();
        (ss / (count - 1) as f64).sqrt()
    });
    Stat {
        count,
        mean: Some(mean),
        sd,
    }
}

/// The summary over a batch.
fn summarise(entries: &[NetworkOutput], unit: Unit) -> Summary {
    let flux: Vec<Option<f64>> = entries.iter().map(|e| e.measures.flux_nats()).collect();
    let available: Vec<f64> = flux.iter().flatten().map(|&v| unit.from_nats(v)).collect();
    let exact = entries
        .iter()
        .filter(|e| e.measures.exact.is_some())
        .count();
    let plugin = entries
        .iter()
        .filter(|e| e.measures.exact.is_none() && e.measures.sampled.is_some())
        .count();
    let proxies = ProxyKind::ALL
        .iter()
        .map(|&kind| {
            let values: Vec<Option<f64>> = entries.iter().map(|e| e.measures.proxy(kind)).collect();
            let present: Vec<f64> = values.iter().flatten().copied().collect();
            let (xs, ys): (Vec<f64>, Vec<f64>) = flux
                .iter()
                .zip(&values)
                .filter_map(|(f, p)| Some(((*f)?, (*p)?)))
                .unzip();
            let spearman = if xs.len() >= 3 {
                infoscope_analysis::flux::relation::spearman(&xs, &ys)
            } else {
                None
            };
            ProxySummary {
                proxy: kind.key(),
                stat: stat(&present),
                spearman,
                spearman_networks: xs.len(),
            }
        })
        .collect();
    Summary {
        networks: entries.len(),
        unit,
        information: stat(&available),
        exact,
        plugin,
        proxies,
    }
}

/// The width of the label column.
const W: usize = 34;

/// `"s"` unless `count` is one.
fn plural<T: TryInto<u64>>(count: T) -> &'static str {
    if count.try_into().is_ok_and(|c| c == 1) {
        ""
    } else {
        "s"
    }
}

/// `value` with six decimals, or `—`.
fn num(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.6}"))
}

fn describe_source(s: &SourceOutput) -> Vec<String> {
    match s {
        SourceOutput::Weights {
            weights,
            bias,
            bias_rule,
        } => {
            let shape = |f: &FileInfo| {
                let dims: Vec<String> = f.shape.iter().map(ToString::to_string).collect();
                format!("{} ({} {})", f.source, dims.join(" × "), f.dtype)
            };
            let b = match (bias, bias_rule) {
                (Some(b), _) => format!("--bias {}", shape(b)),
                (None, Some(r)) => format!("bias rule {}", rule_text(*r)),
                (None, None) => String::new(),
            };
            vec![format!("--weights {}; {b}", shape(weights))]
        }
        SourceOutput::Ensemble {
            ensemble,
            networks,
            seed,
            bias_rule,
        } => {
            let what = match ensemble {
                Ensemble::Wdb(e) => format!(
                    "wdb, N = {}, width {}, density {}, balance {}, {} magnitudes, {}",
                    e.n,
                    e.width,
                    e.density,
                    e.balance,
                    match e.magnitude {
                        Magnitude::HalfNormal => "half-normal",
                        Magnitude::Uniform => "uniform",
                    },
                    diagonal_text(e.diagonal)
                ),
                Ensemble::Rooks(e) => format!(
                    "rooks, N = {}, strength {}, background sd {}, {}",
                    e.n,
                    e.strength,
                    e.background,
                    diagonal_text(e.diagonal)
                ),
            };
            vec![
                format!("--ensemble {what}"),
                format!(
                    "{networks} network{} from seed {seed}; bias rule {}",
                    if *networks == 1 { "" } else { "s" },
                    rule_text(*bias_rule)
                ),
            ]
        }
    }
}

fn diagonal_text(diagonal: bool) -> &'static str {
    if diagonal {
        "self-connections allowed"
    } else {
        "no self-connections"
    }
}

fn rule_text(rule: BiasRule) -> &'static str {
    match rule {
        BiasRule::Zero => "zero (b = 0)",
        BiasRule::Centered => "centered (b_i = −½ Σ_j W_ij)",
    }
}

fn dynamics_text(d: &Dynamics) -> String {
    let coding = match d.coding {
        Coding::Binary => "binary coding (u = y ∈ {0, 1})",
        Coding::Spin => "spin coding (u = 2y − 1 ∈ {−1, +1})",
    };
    let update = match d.update {
        Update::Synchronous => "synchronous update",
        Update::Asynchronous => "asynchronous update (one neuron per step)",
    };
    format!("{coding}, {update}, temperature {}", d.temperature)
}

fn tie_text(t: TieRule) -> &'static str {
    match t {
        TieRule::On => "on",
        TieRule::Off => "off",
        TieRule::Keep => "keep",
    }
}

/// One proxy line: value, pairs counted and excluded.
fn proxy_line(kind: ProxyKind, p: &CorrelationProxies) {
    let rms: Rms = match kind {
        ProxyKind::EqualTime => p.equal_time,
        ProxyKind::LaggedAll => p.lagged_all,
        ProxyKind::LaggedOffDiagonal => p.lagged_off_diagonal,
    };
    outln!(
        "    {:<W$} {} (correlation, no unit; {} pairs, {} excluded for zero variance)",
        kind.label(),
        num(rms.value),
        rms.pairs,
        rms.excluded
    );
}

/// The table: the source, then every network, then the summary.
fn print(o: &FluxOutput) {
    let u = o.unit.as_str();
    outln!("infoscope flux: information flux I[x(t); x(t+1)] of stochastic binary networks");
    for line in describe_source(&o.source) {
        outln!("  {:<16} {line}", "source");
    }
    outln!("  {:<16} {}", "dynamics", dynamics_text(&o.dynamics));
    outln!("  {:<16} {u} (computed in nats)", "unit");
    let total = o.networks.len();
    for e in &o.networks {
        print_network(e, total, u, &o.measure);
    }
    if let Some(s) = &o.summary {
        print_summary(s);
    }
}

fn print_network(e: &NetworkOutput, total: usize, u: &str, config: &MeasureConfig) {
    let m = &e.measures;
    outln!();
    match e.draw_seed {
        Some(seed) => outln!(
            "network {}/{total} (draw {}, draw seed {seed}), N = {} neurons",
            e.index + 1,
            e.index,
            m.n
        ),
        None => outln!("network {}/{total}, N = {} neurons", e.index + 1, m.n),
    }
    if let Some(x) = &m.exact {
        let v = &e.values;
        outln!("  exact, at stationarity (2^{} states)", m.n);
        outln!("    {:<W$} {} {u}", "I[x(t); x(t+1)]", num(v.information));
        outln!("    {:<W$} {} {u}", "H(x(t+1))", num(v.next_entropy));
        outln!(
            "    {:<W$} {} {u} (entropy rate)",
            "H(x(t+1) | x(t))",
            num(v.entropy_rate)
        );
        outln!(
            "    {:<W$} {} iteration{}, residual {:.3e} (total variation), contraction {:.4} \
             per step",
            "power iteration",
            x.iterations,
            plural(x.iterations),
            x.residual,
            x.contraction
        );
        for kind in ProxyKind::ALL {
            proxy_line(kind, &x.proxies);
        }
    }
    if let Some(s) = &m.sampled {
        let v = &e.values;
        outln!(
            "  sampled ({} steps after {} burn-in steps, simulation seed {})",
            s.steps,
            s.burn_in,
            s.seed
        );
        for kind in ProxyKind::ALL {
            proxy_line(kind, &s.proxies);
        }
        let subset = match s.plugin_subset.as_slice() {
            [] => "none".to_owned(),
            [one] => format!("neuron {one}"),
            [first, .., last] => format!("neurons {first}..={last}"),
        };
        outln!(
            "    {:<W$} {} {u} (S = {subset}; {} pairs)",
            "plug-in I[x_S(t); x_S(t+1)]",
            num(v.plugin_information),
            s.plugin.pairs
        );
        outln!(
            "    {:<W$} {} {u}",
            "Miller–Madow I[x_S(t); x_S(t+1)]",
            num(v.miller_madow_information)
        );
        for (key, label) in [
            ("jackknife", "jackknife I[x_S(t); x_S(t+1)]"),
            ("james-stein", "James–Stein I[x_S(t); x_S(t+1)]"),
        ] {
            if let (Some(nats), Ok(unit)) = (s.corrected.get(key), u.parse::<Unit>()) {
                outln!("    {label:<W$} {} {u}", num(Some(unit.from_nats(*nats))));
            }
        }
    }
    if let Some(a) = &m.attractors {
        outln!(
            "  attractors of the deterministic limit (tie rule {}; {} states searched)",
            tie_text(config.tie),
            a.n_states
        );
        outln!("    {:<W$} {}", "cycles", a.n_cycles);
        outln!("    {:<W$} {:.6} steps", "mean period", a.mean_period);
        outln!(
            "    {:<W$} {:.6} steps",
            "basin-weighted mean period",
            a.basin_weighted_mean_period
        );
        outln!(
            "    {:<W$} {} step{}",
            "max period",
            a.max_period,
            plural(a.max_period)
        );
        for p in &a.periods {
            outln!(
                "    {:<W$} {} cycle{} of period {} step{}, basin {} states",
                "period histogram",
                p.cycles,
                plural(p.cycles),
                p.period,
                plural(p.period),
                p.basin
            );
        }
    }
    if !m.missing.is_empty() {
        outln!("  missing");
        for (what, why) in &m.missing {
            outln!("    {what:<W$} {why}");
        }
    }
    if let Some(f) = &e.files {
        outln!("  saved            {} and {}", f.weights, f.bias);
    }
}

fn print_summary(s: &Summary) {
    let u = s.unit.as_str();
    let sd = |v: Option<f64>| num(v);
    outln!();
    outln!("summary over {} networks", s.networks);
    outln!(
        "    {:<W$} mean {} {u}, sd {} {u} ({} exact, {} Miller–Madow plug-in of a subset)",
        "I[x(t); x(t+1)]",
        num(s.information.mean),
        sd(s.information.sd),
        s.exact,
        s.plugin
    );
    let labels = ProxyKind::ALL.map(ProxyKind::label);
    for (p, label) in s.proxies.iter().zip(labels) {
        let rho = match p.spearman {
            Some(r) => format!(
                "Spearman ρ with I = {r:.4} over {} networks",
                p.spearman_networks
            ),
            None if p.spearman_networks < 3 => {
                format!(
                    "Spearman ρ needs 3 networks with both (have {})",
                    p.spearman_networks
                )
            }
            None => "Spearman ρ undefined (constant values)".to_owned(),
        };
        outln!(
            "    {:<W$} mean {}, sd {} (no unit; {} networks); {rho}",
            label,
            num(p.stat.mean),
            sd(p.stat.sd),
            p.stat.count
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_is_mean_and_sample_sd() {
        let s = stat(&[1.0, 2.0, 3.0]);
        assert_eq!((s.count, s.mean, s.sd), (3, Some(2.0), Some(1.0)));
        assert!(stat(&[5.0]).sd.is_none());
        assert!(stat(&[]).mean.is_none());
    }

    #[test]
    fn settings_are_named_by_their_flags() {
        assert_eq!(flag_of("plugin_neurons"), "--plugin-neurons");
        assert_eq!(flag_of("seed"), "--sim-seed");
        assert_eq!(flag_of("width"), "--width");
    }
}
