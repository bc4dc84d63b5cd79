//! `infoscope pairwise`: the MI of every pair of columns (KSG by default), written as a matrix
//! and summaries. Entry (i, j) is what `infoscope estimate` gives for the two columns.

use anyhow::{Context, Result};
use infoscope_estimators::knn::PairwiseMi;
use infoscope_estimators::{SCHEMA_VERSION, Unit};
use infoscope_io as io;
use ndarray::Array2;
use serde::Serialize;

use crate::args::PairwiseArgs;
use crate::estimate::{floats, read};
use crate::guard;
use crate::output::outln;
use crate::report::InputInfo;
use crate::spec_args::{phrase, rename_arguments};

/// One pair in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// Row index (column of A).
    pub i: usize,
    /// Column index (column of A, or of B).
    pub j: usize,
    /// The MI in the summary's unit.
    pub value: f64,
    /// Fraction of samples with a zero k-th neighbour distance (Gao et al. rule applied).
    pub zero_distance_fraction: f64,
}

/// The JSON summary written by `--json`.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Layout version of this JSON.
    pub schema_version: u32,
    /// Where each argument came from.
    pub inputs: Vec<InputInfo>,
    /// The method (`"ksg"`).
    pub method: &'static str,
    /// The estimator's configuration.
    pub config: serde_json::Value,
    /// The unit of every value here and in the matrix file.
    pub unit: Unit,
    /// Number of samples.
    pub n_samples: usize,
    /// Shape of the matrix.
    pub shape: [usize; 2],
    /// Whether the matrix is all pairs of one input (symmetric, NaN diagonal).
    pub symmetric: bool,
    /// Number of distinct pairs estimated.
    pub pairs: usize,
    /// Mean, smallest and largest value over the distinct pairs.
    pub mean: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Pairs with any zero k-th neighbour distance (tied data).
    pub pairs_with_zero_distances: usize,
    /// The strongest pairs, largest first.
    pub top: Vec<Pair>,
    /// The matrix file written.
    pub matrix: String,
}

/// Run `infoscope pairwise`.
pub fn run(args: &PairwiseArgs) -> Result<()> {
    crate::experiment::set_threads(args.threads)?;
    let (a_file, b_file) = (
        guard::array_file(&args.a),
        args.b.as_deref().map(guard::array_file),
    );
    let mut inputs = vec![("--a", a_file.as_path())];
    if let Some(b) = &b_file {
        inputs.push(("--b", b.as_path()));
    }
    let mut outputs = vec![("--out", args.out.as_path())];
    outputs.extend(args.csv.as_deref().map(|p| ("--csv", p)));
    outputs.extend(args.json.as_deref().map(|p| ("--json", p)));
    guard::distinct_outputs(&inputs, &outputs)?;
    let unit: Unit = args.unit.into();
    let mut a_in = read("a", &args.a)?;
    a_in.info.used_as = "columns".into();
    let a = floats(&a_in)?;
    let mut inputs = vec![a_in.info.clone()];
    let estimator = args.estimator.estimator(Some("ksg"), args.seed)?;
    let method = estimator.name();
    let b = match &args.b {
        None => None,
        Some(spec) => {
            let mut b_in = read("b", spec)?;
            b_in.info.used_as = "columns".into();
            inputs.push(b_in.info.clone());
            Some(floats(&b_in)?)
        }
    };
    let result = estimator
        .pairwise(a.view(), b.as_ref().map(|b| b.view()))
        .map_err(|e| rename_arguments(phrase(e, method), &[("a", "--a"), ("b", "--b")]))?;
    let symmetric = args.b.is_none();
    let values = result.values_in(unit);
    let pairs = distinct_pairs(&result, &values, symmetric);
    io::write_npy(&args.out, &values)
        .with_context(|| format!("writing --out {}", args.out.display()))?;
    if let Some(path) = &args.csv {
        io::write_text(path, &csv(&pairs, unit))
            .with_context(|| format!("writing --csv {}", path.display()))?;
    }
    let summary = summarise(args, inputs, method, &result, unit, pairs, symmetric);
    if let Some(path) = &args.json {
        io::write_json(path, &summary)
            .with_context(|| format!("writing --json {}", path.display()))?;
    }
    print_summary(&summary);
    Ok(())
}

/// Every distinct pair: i < j for all pairs of one matrix, every (i, j) otherwise.
fn distinct_pairs(result: &PairwiseMi, values: &Array2<f64>, symmetric: bool) -> Vec<Pair> {
    let (p, q) = values.dim();
    let mut out = Vec::new();
    for i in 0..p {
        let from = if symmetric { i + 1 } else { 0 };
        for j in from..q {
            out.push(Pair {
                i,
                j,
                value: values[[i, j]],
                zero_distance_fraction: result.zero_distance_fraction[[i, j]],
            });
        }
    }
    out
}

fn csv(pairs: &[Pair], unit: Unit) -> String {
    let mut s = format!("i,j,mi_{},zero_distance_fraction\n", unit.as_str());
    for p in pairs {
        s.push_str(&format!(
            "{},{},{},{}\n",
            p.i, p.j, p.value, p.zero_distance_fraction
        ));
    }
    s
}

fn summarise(
    args: &PairwiseArgs,
    inputs: Vec<InputInfo>,
    method: &'static str,
    result: &PairwiseMi,
    unit: Unit,
    mut pairs: Vec<Pair>,
    symmetric: bool,
) -> Summary {
    let count = pairs.len();
    let (mut sum, mut min, mut max) = (0.0, f64::INFINITY, f64::NEG_INFINITY);
    for p in &pairs {
        sum += p.value;
        min = min.min(p.value);
        max = max.max(p.value);
    }
    let with_zeros = pairs
        .iter()
        .filter(|p| p.zero_distance_fraction > 0.0)
        .count();
    pairs.sort_by(|x, y| y.value.total_cmp(&x.value));
    pairs.truncate(args.top);
    let (r, c) = result.values.dim();
    Summary {
        schema_version: SCHEMA_VERSION,
        inputs,
        method,
        config: result.config.clone(),
        unit,
        n_samples: result.n_samples,
        shape: [r, c],
        symmetric,
        pairs: count,
        mean: if count > 0 {
            sum / count as f64
        } else {
            f64::NAN
        },
        min: if count > 0 { min } else { f64::NAN },
        max: if count > 0 { max } else { f64::NAN },
        pairs_with_zero_distances: with_zeros,
        top: pairs,
        matrix: args.out.display().to_string(),
    }
}

fn print_summary(s: &Summary) {
    let u = s.unit.as_str();
    let what = if s.symmetric {
        "I(A_i; A_j), all pairs"
    } else {
        "I(A_i; B_j)"
    };
    outln!("infoscope pairwise: {what}");
    for i in &s.inputs {
        let shape: Vec<String> = i.shape.iter().map(ToString::to_string).collect();
        outln!(
            "  {:<12} {} ({} {})",
            i.role,
            i.source,
            shape.join(" × "),
            i.dtype
        );
    }
    outln!("  {:<12} {} {}", "config", s.method, s.config);
    outln!("  {:<12} {}", "samples", s.n_samples);
    outln!(
        "  {:<12} {} × {} ({} pairs) -> {}",
        "matrix",
        s.shape[0],
        s.shape[1],
        s.pairs,
        s.matrix
    );
    outln!(
        "  {:<12} mean {:.6} {u}, min {:.6} {u}, max {:.6} {u}",
        "values",
        s.mean,
        s.min,
        s.max
    );
    if s.pairs_with_zero_distances > 0 {
        outln!(
            "  {:<12} {} pairs have exact duplicates (zero k-th neighbour distances; Gao et al. \
             rule applied)",
            "warning",
            s.pairs_with_zero_distances
        );
    }
    outln!("  strongest pairs    i     j  MI [{u}]");
    for p in &s.top {
        outln!("  {:<14} {:>5} {:>5}  {:.6}", "", p.i, p.j, p.value);
    }
}
