//! Command-line arguments (clap derive). Every option documents its default.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use infoscope_estimators::Unit;
use infoscope_estimators::discrete::{BiasCorrection, BinPolicy};
use infoscope_estimators::knn::{KozachenkoLeonenko, Ksg, KsgAlgorithm, Noise};
use infoscope_estimators::significance::Surrogate;

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
    /// KSG mutual information of every pair of columns (of one matrix, or between two):
    /// writes the matrix as .npy, with optional CSV and JSON summaries.
    Pairwise(PairwiseArgs),
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
}

/// The estimation methods of the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Bin each column (see --bins), treat each row as one symbol, plug-in estimate.
    Binned,
    /// Jointly Gaussian model: log-determinants of the sample covariance.
    Gaussian,
    /// k-nearest neighbours (max-norm; see --k, --algorithm, --theiler): KSG for I(X;Y),
    /// Frenzel–Pompe for I(X;Y|Z), Kozachenko–Leonenko for H(X).
    Ksg,
    /// Kozachenko–Leonenko differential entropy H(X) (k-nearest neighbours, max-norm; --x only).
    Kl,
    /// Kolchinsky–Tracey lower and upper bounds for the noisy layer T = X + N(0, σ²I) (needs
    /// --noise-var): I(input; T) from --x alone, I(T; Y) with --labels, H(T) with --entropy.
    Kt,
}

/// Which KSG algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    /// Algorithm 1: one radius, strict counts (the default; NPEET, scikit-learn).
    #[value(name = "1")]
    One,
    /// Algorithm 2: per-marginal radii, non-strict counts (I(X;Y) only).
    #[value(name = "2")]
    Two,
}

impl From<AlgorithmArg> for KsgAlgorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::One => KsgAlgorithm::One,
            AlgorithmArg::Two => KsgAlgorithm::Two,
        }
    }
}

/// Options of the k-nearest-neighbour estimators, shared by `estimate` and `pairwise`.
#[derive(Debug, Clone, Args)]
pub struct KnnArgs {
    /// Number of neighbours (ksg and kl methods).
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// KSG algorithm.
    #[arg(long, value_enum, default_value = "1")]
    pub algorithm: AlgorithmArg,
    /// Theiler window W: samples within W steps of each other are never neighbours (time
    /// series). 0 excludes only the sample itself.
    #[arg(long, default_value_t = 0, value_name = "W")]
    pub theiler: usize,
    /// z-score every column before the neighbour search.
    #[arg(long)]
    pub normalize: bool,
    /// Add Gaussian noise of this standard deviation (after --normalize) to break ties; off by
    /// default. JIDT's setting is --normalize --noise 1e-8.
    #[arg(long, value_name = "STD")]
    pub noise: Option<f64>,
    /// Seed of the random streams (--noise jitter, --permutations surrogates, --bootstrap
    /// resamples).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl KnnArgs {
    /// The KSG estimator these options describe.
    pub fn ksg(&self) -> infoscope_estimators::Result<Ksg> {
        Ksg::params()
            .k(self.k)
            .algorithm(self.algorithm.into())
            .theiler(self.theiler)
            .normalize(self.normalize)
            .noise(
                self.noise
                    .map_or(Noise::None, |std| Noise::Gaussian { std }),
            )
            .seed(self.seed)
            .check()
    }

    /// The Kozachenko–Leonenko estimator these options describe.
    pub fn kl(&self) -> infoscope_estimators::Result<KozachenkoLeonenko> {
        KozachenkoLeonenko::params()
            .k(self.k)
            .theiler(self.theiler)
            .check()
    }
}

/// How to read Y (and Z) for the binned method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum YKind {
    /// Integer or boolean arrays are labels, float arrays are binned.
    Auto,
    /// Use the values as symbols as they are (floats must be integral).
    Labels,
    /// Bin the values with the same policy as X.
    Continuous,
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

/// Bias corrections of the binned method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CorrectionArg {
    /// Plain plug-in estimate.
    None,
    /// Miller–Madow: + (m − 1)/(2n) nats per entropy term.
    MillerMadow,
    /// Leave-one-out jackknife.
    Jackknife,
    /// James–Stein shrinkage of the joint frequencies (Hausser & Strimmer 2009).
    JamesStein,
}

impl From<CorrectionArg> for BiasCorrection {
    fn from(c: CorrectionArg) -> Self {
        match c {
            CorrectionArg::None => BiasCorrection::None,
            CorrectionArg::MillerMadow => BiasCorrection::MillerMadow,
            CorrectionArg::Jackknife => BiasCorrection::Jackknife,
            CorrectionArg::JamesStein => BiasCorrection::JamesStein,
        }
    }
}

/// Arguments of `infoscope estimate`.
#[derive(Debug, Args)]
#[command(after_help = "\
Inputs are .npy or .npz files (float64/float32/integer/bool, C or Fortran order); pick an array
of an .npz with FILE.npz:KEY. Rows are samples, columns are dimensions; a 1-D array is one column.
Without --y the entropy H(X) is estimated; with --z the conditional MI I(X;Y|Z).

Examples:
  infoscope estimate --method gaussian --x hidden.npy --y stimulus.npy --unit bits
  infoscope estimate --method binned --x rec.npz:hidden --y rec.npz:labels --bins unit-minmax:30
  infoscope estimate --method binned --x layer.npy --bins fixed-edges:-1:1:30 --json
  infoscope estimate --method binned --x rec.npz:hidden --y rec.npz:labels --per-unit --csv mi.csv
  infoscope estimate --method ksg --x h.npy --y theta.npy --k 5 --algorithm 2
  infoscope estimate --method ksg --x next.npy --y source.npy --z past.npy --theiler 10
  infoscope estimate --method kl --x h.npy --unit bits
  infoscope estimate --method kt --noise-var 1e-3 --x rec.npz:hidden --labels rec.npz:labels")]
pub struct EstimateArgs {
    /// Estimation method.
    #[arg(long, value_enum)]
    pub method: Method,
    /// X: FILE.npy, or FILE.npz with an optional :KEY naming one array.
    #[arg(long, value_name = "FILE[:KEY]")]
    pub x: String,
    /// Y: FILE.npy, or FILE.npz with an optional :KEY. Omit it to estimate H(X).
    #[arg(long, value_name = "FILE[:KEY]")]
    pub y: Option<String>,
    /// Z, the conditioning variable of I(X;Y|Z).
    #[arg(long, value_name = "FILE[:KEY]", requires = "y")]
    pub z: Option<String>,
    /// Binning policy (binned method): unit-minmax:N, global-minmax:N, quantile:N,
    /// intervals:LO:HI:N (N bins, top edge inclusive), fixed-edges:LO:HI:N (IDNNs: N edges),
    /// width:W (Saxe: floor(v/W)).
    #[arg(long, value_name = "SPEC", default_value = "unit-minmax:10", value_parser = parse_bins)]
    pub bins: BinPolicy,
    /// Bias correction of the plug-in entropies (binned method).
    #[arg(long, value_enum, default_value = "none")]
    pub correction: CorrectionArg,
    /// How Y and Z are read by the binned method.
    #[arg(long, value_enum, default_value = "auto")]
    pub y_kind: YKind,
    /// Options of the ksg and kl methods.
    #[command(flatten)]
    pub knn: KnnArgs,
    /// Noise variance σ² of the kt method (required by it; no default), in squared units of X.
    #[arg(long, value_name = "V")]
    pub noise_var: Option<f64>,
    /// kt method: integer labels Y (FILE.npy, or FILE.npz with an optional :KEY) for I(T;Y).
    #[arg(long, value_name = "FILE[:KEY]")]
    pub labels: Option<String>,
    /// kt method: bound the entropy H(T) instead of I(input; T).
    #[arg(long)]
    pub entropy: bool,
    /// Ridge added to the covariance diagonal (gaussian method), in data units squared.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub ridge: f64,
    /// Unit of the printed value.
    #[arg(long, value_enum, default_value = "nats")]
    pub unit: UnitArg,
    /// Binned method: estimate I(unit; Y) for every column of X separately (Y must be labels).
    #[arg(long)]
    pub per_unit: bool,
    /// With --per-unit: write one row per unit to this CSV file (atomically).
    #[arg(long, value_name = "FILE", requires = "per_unit")]
    pub csv: Option<PathBuf>,
    /// Test I(X;Y) > 0 against N surrogates of Y (0: no test); the p-value is
    /// (1 + #surrogates ≥ estimate)/(N + 1). Needs --x and --y, not --z (or --method kt with
    /// --labels; with --per-unit every unit is tested and the p-values are adjusted by
    /// Benjamini–Hochberg).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub permutations: usize,
    /// How surrogates decouple Y from X: permutation (rows shuffled), circular:MIN (rotated by at
    /// least MIN rows; time series), block:LEN (blocks of LEN rows shuffled).
    #[arg(long, default_value = "permutation", value_parser = parse_surrogate)]
    pub surrogate: Surrogate,
    /// Bootstrap percentile interval of I(X;Y) from N resamples of the rows (0: none).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub bootstrap: usize,
    /// Coverage of the --bootstrap interval.
    #[arg(long, default_value_t = 0.95)]
    pub ci_level: f64,
    /// With --per-unit --permutations: the false-discovery rate at which units are reported
    /// significant (Benjamini–Hochberg q ≤ FDR).
    #[arg(long, default_value_t = 0.05, value_name = "ALPHA")]
    pub fdr: f64,
    /// Print the result as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON result to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Arguments of `infoscope pairwise`.
#[derive(Debug, Args)]
#[command(after_help = "\
With --a only: I(A_i; A_j) for every pair of columns of A (a symmetric matrix; the diagonal is
NaN, as the MI of a continuous variable with itself is infinite). With --b: I(A_i; B_j) for every
column i of A and j of B. The matrix is written in the chosen --unit.

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
    /// Options of the estimator.
    #[command(flatten)]
    pub knn: KnnArgs,
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
    #[arg(long, default_value_t = 10)]
    pub top: usize,
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

/// Parse a `--bins` spec such as `unit-minmax:30` or `fixed-edges:-1:1:30`
/// ([`BinPolicy`]'s `FromStr`, shared with the Python package).
pub fn parse_bins(spec: &str) -> Result<BinPolicy, String> {
    spec.parse()
        .map_err(|e: infoscope_estimators::EstimatorError| e.to_string())
}
