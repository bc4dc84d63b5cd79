//! Command-line arguments (clap derive). Every option documents its default.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use infoscope_estimators::Unit;
use infoscope_estimators::significance::Surrogate;

use crate::spec_args::SpecArgs;

/// infoscope: what does a recurrent neural network know? Information-theoretic estimators for
/// network activity. All computation is in nats; choose the printed unit with --unit.
#[derive(Debug, Parser)]
#[command(name = "infoscope", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Estimate I(X;Y), I(X;Y|Z) or H(X) from .npy/.npz files.
    Estimate(EstimateArgs),
    /// Mutual information of every pair of columns (of one matrix, or between two; KSG by
    /// default): writes the matrix as .npy, with optional CSV and JSON summaries.
    Pairwise(PairwiseArgs),
    /// List the estimation methods with their parameters and defaults.
    Methods(MethodsArgs),
    /// Generate correlated Gaussian data with a known MI, write it as .npy, and estimate it
    /// with every method (the built-in demo).
    Demo(DemoArgs),
    /// Train a network on a Go-family task: a leaky RNN by BPTT and Adam, or a reservoir's
    /// readout by ridge regression.
    Train(crate::network::TrainArgs),
    /// Run a trained network on a batch of trials and write the recording (.npz + .json).
    Record(crate::network::RecordArgs),
    /// Run a whole experiment (TOML): train, record, analyse, and write results.json and
    /// report.html (the built-in defaults without a file).
    Run(crate::experiment::RunArgs),
    /// Analyse a recording (.npz in the documented layout): results.json and report.html.
    Analyze(crate::experiment::AnalyzeArgs),
    /// Information flux I[x(t); x(t+1)] of stochastic binary networks (from W and b files, or
    /// drawn from a weight ensemble): exact, sampled, correlation proxies and attractors.
    Flux(crate::flux::FluxArgs),
    /// Information rate between two time series (Welch coherence): per unit time, per sample,
    /// and its density over frequency.
    Rate(crate::rate::RateArgs),
}

/// Printed unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    /// Natural units (log base e).
    Nats,
    /// Binary units (log base 2).
    Bits,
}

impl From<UnitArg> for Unit {
    fn from(u: UnitArg) -> Self {
        match u {
            UnitArg::Nats => Unit::Nats,
            UnitArg::Bits => Unit::Bits,
        }
    }
}

/// Arguments of `infoscope estimate`.
#[derive(Debug, Args)]
#[command(after_help = "\
Inputs are .npy or .npz files (float64/float32/integer/bool, C or Fortran order); pick an array
of an .npz with FILE.npz:KEY. Rows are samples, columns are dimensions; a 1-D array is one column.
With --x alone the method's one-variable quantity is estimated (H(X); for kt, I(input; T));
with --y (or --labels) I(X;Y); with --z the conditional MI I(X;Y|Z).
Every estimator parameter is a flag of the same name as in Python and experiment files
(`infoscope methods` lists them); --param NAME=VALUE sets any of them.

Examples:
  infoscope estimate --method gaussian --x hidden.npy --y stimulus.npy --unit bits
  infoscope estimate --method binned --x rec.npz:hidden --y rec.npz:labels --policy unit-minmax:30
  infoscope estimate --method binned --x layer.npy --policy fixed-edges:-1:1:30 --json
  infoscope estimate --method binned --x rec.npz:hidden --y rec.npz:labels --per-unit --csv mi.csv
  infoscope estimate --method ksg --x h.npy --y theta.npy --k 5 --algorithm 2
  infoscope estimate --method ksg --x next.npy --y source.npy --z past.npy --theiler 10
  infoscope estimate --method kl --x h.npy --unit bits
  infoscope estimate --method kt --noise-var 1e-3 --x rec.npz:hidden --labels rec.npz:labels
  infoscope estimate --spec '{\"method\": \"ksg\", \"k\": 5}' --x h.npy --y theta.npy")]
pub struct EstimateArgs {
    /// The estimator and its parameters.
    #[command(flatten)]
    pub estimator: SpecArgs,
    /// X: FILE.npy, or FILE.npz with an optional :KEY naming one array.
    #[arg(long, value_name = "FILE[:KEY]")]
    pub x: String,
    /// Y: FILE.npy, or FILE.npz with an optional :KEY. Omit it to estimate from X alone.
    #[arg(long, value_name = "FILE[:KEY]", conflicts_with = "labels")]
    pub y: Option<String>,
    /// Y given as integer labels, whatever its dtype (values must be integers; several
    /// columns are one joint label): the classes of kt's I(T;Y), labels for binned.
    #[arg(long, value_name = "FILE[:KEY]")]
    pub labels: Option<String>,
    /// Z, the conditioning variable of I(X;Y|Z).
    #[arg(long, value_name = "FILE[:KEY]")]
    pub z: Option<String>,
    /// With --x alone: estimate the entropy H(X) (the default for every method but kt, whose
    /// one-variable quantity is I(input; T)).
    #[arg(long)]
    pub entropy: bool,
    /// Unit of the printed value.
    #[arg(long, value_enum, default_value = "nats")]
    pub unit: UnitArg,
    /// Estimate I(unit; Y) for every column of X separately (Y as labels; methods with a
    /// per-unit form: binned).
    #[arg(long)]
    pub per_unit: bool,
    /// With --per-unit: write one row per unit to this CSV file (atomically).
    #[arg(long, value_name = "FILE", requires = "per_unit")]
    pub csv: Option<PathBuf>,
    /// Test I(X;Y) > 0 against N surrogates of Y (0: no test); the p-value is
    /// (1 + #surrogates ≥ estimate)/(N + 1). Needs --x and --y (or --labels), not --z; with
    /// --per-unit every unit is tested and the p-values are adjusted by Benjamini–Hochberg.
    #[arg(
        long,
        default_value_t = 0,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub permutations: usize,
    /// How surrogates decouple Y from X: permutation (rows shuffled), circular:MIN (rotated by at
    /// least MIN rows; time series), block:LEN (blocks of LEN rows shuffled).
    #[arg(long, default_value = "permutation", value_parser = parse_surrogate)]
    pub surrogate: Surrogate,
    /// Bootstrap percentile interval of the estimate from N resamples of the rows (0: none;
    /// mutual information and I(input; T), not entropies).
    #[arg(
        long,
        default_value_t = 0,
        value_name = "N",
        allow_negative_numbers = true
    )]
    pub bootstrap: usize,
    /// Coverage of the --bootstrap interval.
    #[arg(long, default_value_t = 0.95, allow_negative_numbers = true)]
    pub ci_level: f64,
    /// With --per-unit --permutations: the false-discovery rate at which units are reported
    /// significant (Benjamini–Hochberg q ≤ FDR).
    #[arg(
        long,
        default_value_t = 0.05,
        value_name = "ALPHA",
        allow_negative_numbers = true
    )]
    pub fdr: f64,
    /// Seed of the random streams: --permutations surrogates, --bootstrap resamples, and the
    /// method's own `seed` parameter when it has one (ksg/kl noise). Default 0.
    #[arg(long, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Print the result as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON result to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<usize>,
}

/// Arguments of `infoscope pairwise`.
#[derive(Debug, Args)]
#[command(after_help = "\
With --a only: I(A_i; A_j) for every pair of columns of A (a symmetric matrix; the diagonal is
NaN, as the MI of a continuous variable with itself is infinite). With --b: I(A_i; B_j) for every
column i of A and j of B. The matrix is written in the chosen --unit. Entry (i, j) (i < j for
one matrix) is exactly `infoscope estimate` with column i as --x and column j as --y and the
same options. The method defaults to ksg (the one with a pairwise form).

Examples:
  infoscope pairwise --a rec.npz:hidden --out mi.npy --csv pairs.csv --unit bits
  infoscope pairwise --a hidden.npy --b stimulus.npy --out mi.npy --json summary.json")]
pub struct PairwiseArgs {
    /// A: FILE.npy, or FILE.npz with an optional :KEY naming one array (samples × columns).
    #[arg(long, value_name = "FILE[:KEY]")]
    pub a: String,
    /// B: FILE.npy, or FILE.npz with an optional :KEY, with the same number of rows as A; omit
    /// it for all pairs of columns of A.
    #[arg(long, value_name = "FILE[:KEY]")]
    pub b: Option<String>,
    /// The estimator and its parameters (default --method ksg).
    #[command(flatten)]
    pub estimator: SpecArgs,
    /// Seed of the method's `seed` parameter (ksg noise). Default 0.
    #[arg(long, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Unit of the written and printed values.
    #[arg(long, value_enum, default_value = "nats")]
    pub unit: UnitArg,
    /// The MI matrix as .npy (float64, written atomically).
    #[arg(long, value_name = "FILE.npy")]
    pub out: PathBuf,
    /// One row per pair (i, j, MI, zero-distance fraction) as CSV (atomically).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// A JSON summary (inputs, settings, matrix statistics, strongest pairs), atomically.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Number of strongest pairs to print and put in the summary.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true)]
    pub top: usize,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<usize>,
}

/// Arguments of `infoscope methods`.
#[derive(Debug, Args)]
pub struct MethodsArgs {
    /// Print the methods as JSON (name, summary, parameters with their defaults).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `infoscope demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of samples.
    #[arg(long, default_value_t = 5000)]
    pub n: usize,
    /// Correlation of each of the `dims` pairs of components (|rho| < 1).
    #[arg(long, default_value_t = 0.8, allow_negative_numbers = true)]
    pub rho: f64,
    /// Number of correlated component pairs (X and Y each have this many columns).
    #[arg(long, default_value_t = 1)]
    pub dims: usize,
    /// Seed of the data generator.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Unit of the printed values.
    #[arg(long, value_enum, default_value = "bits")]
    pub unit: UnitArg,
    /// Folder for the generated data (x.npy, y.npy) and results.json.
    #[arg(long, default_value = "runs/demo")]
    pub out: PathBuf,
}

/// Parse a `--surrogate` spec: `permutation`, `circular:MIN` or `block:LEN`
/// ([`Surrogate`]'s `FromStr`, shared with the Python package).
pub fn parse_surrogate(spec: &str) -> Result<Surrogate, String> {
    spec.parse()
        .map_err(|e: infoscope_estimators::EstimatorError| e.to_string())
}
