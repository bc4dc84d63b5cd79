//! `infoscope estimate`: read arrays, build the estimator from its specification, ask it the
//! question the arguments pose, print and save the result.
//!
//! Nothing here depends on the method: the options become an [`EstimatorSpec`]
//! ([`crate::spec_args`]), the arguments become [`Data`], and the [`Estimator`] answers with a
//! point estimate or bounds, a surrogate test and a bootstrap interval.

use anyhow::{Context, Result, bail};
use infoscope_estimators::discrete::PerUnitMi;
use infoscope_estimators::significance::{BootstrapCi, Surrogate, SurrogateTest};
use infoscope_estimators::spec::{Data, Estimator, EstimatorSpec, ValueType, Variable};
use infoscope_estimators::{Bounds, Outcome, Quantity, Unit};
use infoscope_io::{self as io, ArraySource, LoadedArray};
use ndarray::{Array2, Axis, Ix1, Ix2};
use serde::Serialize;

use crate::args::EstimateArgs;
use crate::guard;
use crate::output::outln;
use crate::report::{InputInfo, print_table};
use crate::spec_args::{UsageError, asked_by, phrase, rename_arguments};

/// The JSON written by `--json` and `--out`.
#[derive(Debug, Serialize)]
pub struct EstimateOutput {
    /// Where each argument came from.
    pub inputs: Vec<InputInfo>,
    /// The estimate with its unit, configuration and diagnostics.
    pub estimate: infoscope_estimators::EstimateRecord,
    /// The surrogate test (`--permutations`), values in the estimate's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub significance: Option<SignificanceOutput>,
    /// The bootstrap interval (`--bootstrap`), in the estimate's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<IntervalOutput>,
}

/// A surrogate test as written by the CLI.
#[derive(Debug, Serialize)]
pub struct SignificanceOutput {
    /// How the surrogates were made.
    pub surrogate: Surrogate,
    /// Number of surrogates.
    pub n_surrogates: usize,
    /// `(1 + #surrogates ≥ estimate)/(N + 1)`.
    pub p_value: f64,
    /// Mean of the surrogate estimates.
    pub null_mean: f64,
    /// Standard deviation of the surrogate estimates.
    pub null_std: f64,
}

/// A bootstrap percentile interval as written by the CLI.
#[derive(Debug, Serialize)]
pub struct IntervalOutput {
    /// Number of resamples.
    pub n_resamples: usize,
    /// Nominal coverage.
    pub level: f64,
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
}

/// One input array, read and described.
pub(crate) struct Input {
    pub(crate) info: InputInfo,
    array: LoadedArray,
}

pub(crate) fn read(role: &'static str, spec: &str) -> Result<Input> {
    let src = ArraySource::parse(spec);
    let array = io::read_array(&src).with_context(|| format!("reading --{role}"))?;
    if !(1..=2).contains(&array.shape().len()) {
        bail!(
            "--{role} {src}: expected a 1-D or 2-D array (samples × dims), got shape {:?}",
            array.shape()
        );
    }
    let info = InputInfo {
        role,
        source: array.source.to_string(),
        shape: array.shape().to_vec(),
        dtype: array.dtype.clone(),
        used_as: String::new(),
    };
    Ok(Input { info, array })
}

/// A 2-D float view of an input (1-D becomes one column).
pub(crate) fn floats(input: &Input) -> Result<Array2<f64>> {
    let a = input.array.to_f64();
    let a = match a.ndim() {
        1 => a.into_dimensionality::<Ix1>()?.insert_axis(Axis(1)),
        _ => a.into_dimensionality::<Ix2>()?,
    };
    Ok(a)
}

/// The largest integer every `f64` up to which is exact (2^53).
const EXACT_INTEGERS: i64 = 1 << 53;

/// An integer input with values beyond ±2^53 (which `f64` cannot tell apart) as dense codes
/// per column, in the order of the values (labels and symbols depend only on which values are
/// equal, so the estimate is exact); `None` for other inputs.
fn exact_codes(input: &Input) -> Result<Option<Array2<f64>>> {
    let io::NumericArray::Int(ints) = &input.array.data else {
        return Ok(None);
    };
    if ints.iter().all(|v| v.abs() <= EXACT_INTEGERS) {
        return Ok(None);
    }
    let ints = match ints.ndim() {
        1 => ints
            .clone()
            .into_dimensionality::<Ix1>()?
            .insert_axis(Axis(1)),
        _ => ints.clone().into_dimensionality::<Ix2>()?,
    };
    let mut codes = Array2::<f64>::zeros(ints.dim());
    for (col, mut out) in ints.columns().into_iter().zip(codes.columns_mut()) {
        let mut distinct: Vec<i64> = col.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        for (v, o) in col.iter().zip(out.iter_mut()) {
            *o = distinct.binary_search(v).unwrap_or(0) as f64;
        }
    }
    Ok(Some(codes))
}

/// The arguments as read, in the order x, y (or labels), z: each input with its values as
/// `f64` and whether they were integers.
struct Arguments {
    inputs: Vec<Input>,
    values: Vec<(Array2<f64>, ValueType)>,
}

impl Arguments {
    fn read(args: &EstimateArgs, estimator: &Estimator) -> Result<Self> {
        let mut inputs = vec![read("x", &args.x)?];
        if let Some(y) = &args.y {
            inputs.push(read("y", y)?);
        }
        if let Some(l) = &args.labels {
            inputs.push(read("labels", l)?);
        }
        if let Some(z) = &args.z {
            if inputs.len() < 2 {
                bail!("--z conditions I(X;Y|Z): give --y (or --labels) too");
            }
            inputs.push(read("z", z)?);
        }
        let roles = ["x", "y", "z"];
        let values = inputs
            .iter()
            .zip(roles)
            .map(|(i, role)| {
                let integer = i.info.role == "labels" || i.array.is_integer();
                let t = if integer {
                    ValueType::Integer
                } else {
                    ValueType::Float
                };
                let values = floats(i)?;
                let as_labels = i.info.role == "labels"
                    || matches!(
                        estimator.reads_as(role, &Variable::new(values.view(), t)),
                        "labels" | "symbols"
                    );
                match exact_codes(i)? {
                    Some(codes) if as_labels => Ok((codes, t)),
                    _ => Ok((values, t)),
                }
            })
            .collect::<Result<_>>()?;
        Ok(Self { inputs, values })
    }

    fn data(&self) -> Data<'_> {
        fn var((a, t): &(Array2<f64>, ValueType)) -> Variable<'_> {
            Variable::new(a.view(), *t)
        }
        let mut data = Data::new(var(&self.values[0]));
        data.y = self.values.get(1).map(var);
        data.z = self.values.get(2).map(var);
        data
    }
}

/// The quantity the arguments ask for.
fn quantity(args: &EstimateArgs, estimator: &Estimator, data: &Data<'_>) -> Result<Quantity> {
    let one_variable = data.y.is_none() && data.z.is_none();
    let q = if one_variable && args.entropy {
        Quantity::Entropy
    } else if one_variable {
        // A method with no one-variable quantity is told so below, as for the entropy.
        estimator
            .one_variable_quantity()
            .unwrap_or(Quantity::Entropy)
    } else {
        estimator.quantity_for(data)?
    };
    if args.entropy && q != Quantity::Entropy {
        bail!("--entropy asks for H(X) from --x alone: drop --y, --labels and --z");
    }
    if !estimator.quantities().contains(&q) {
        let has: Vec<String> = estimator
            .quantities()
            .iter()
            .filter_map(|q| asked_by(*q).map(|by| format!("{} (give {by})", q.symbol())))
            .collect();
        let note = match estimator.quantity_note() {
            "" => String::new(),
            note => format!(" ({note})"),
        };
        bail!(
            "--method {} does not estimate the {} ({}); it estimates {}{note}",
            estimator.name(),
            q.describe(),
            asked_by(q).unwrap_or_default(),
            has.join(", ")
        );
    }
    Ok(q)
}

/// Run `infoscope estimate`.
pub fn run(args: &EstimateArgs) -> Result<()> {
    crate::experiment::set_threads(args.threads)?;
    guard::check_count("--permutations", args.permutations)?;
    guard::check_count("--bootstrap", args.bootstrap)?;
    if !(args.ci_level > 0.0 && args.ci_level < 1.0) {
        return Err(UsageError(format!(
            "--ci-level must lie in (0, 1), got {}",
            args.ci_level
        ))
        .into());
    }
    check_outputs(args)?;
    let unit: Unit = args.unit.into();
    let estimator = args.estimator.estimator(None, args.seed)?;
    let method = estimator.name();
    let read = Arguments::read(args, &estimator)?;
    let phrase = |e| phrase_for(args, e, method);
    let data = read.data();
    let variables = [Some(data.x), data.y, data.z];
    let inputs: Vec<InputInfo> = read
        .inputs
        .iter()
        .zip(variables.iter().zip(["x", "y", "z"]))
        .map(|(input, (v, role))| InputInfo {
            used_as: v.map_or_else(String::new, |v| estimator.reads_as(role, &v).into()),
            ..input.info.clone()
        })
        .collect();
    if args.per_unit {
        return per_unit(args, &estimator, &data, inputs, unit);
    }
    let q = quantity(args, &estimator, &data)?;
    let seed = args.seed.unwrap_or(0);
    if args.permutations > 0 && q != Quantity::MutualInformation {
        bail!("--permutations tests I(X;Y): give --x and --y (or --labels), without --z");
    }
    let outcome = estimator.estimate(q, &data).map_err(phrase)?;
    let significance = if args.permutations > 0 {
        let t = estimator
            .surrogate_test(&data, args.surrogate, args.permutations, seed)
            .map_err(phrase)?;
        Some(t.map(|t| SignificanceOutput::new(args, &t, unit)))
    } else {
        None
    };
    let interval = if args.bootstrap > 0 {
        let ci = estimator
            .bootstrap_ci(q, &data, args.bootstrap, args.ci_level, seed)
            .map_err(phrase)
            .with_context(|| {
                let by = asked_by(q).unwrap_or_default();
                format!("--bootstrap of {} ({by})", q.symbol())
            })?;
        Some(ci.map(|ci| IntervalOutput::new(&ci, unit)))
    } else {
        None
    };
    let output = Output::new(inputs, outcome, significance, interval, unit);
    emit(args, &output, |o| o.print(unit))
}

/// Refuses `--out` and `--csv` where they would replace an input or each other.
fn check_outputs(args: &EstimateArgs) -> Result<()> {
    let files: Vec<(String, std::path::PathBuf)> = [
        ("--x", Some(&args.x)),
        ("--y", args.y.as_ref()),
        ("--labels", args.labels.as_ref()),
        ("--z", args.z.as_ref()),
    ]
    .into_iter()
    .filter_map(|(flag, spec)| spec.map(|s| (flag.to_owned(), guard::array_file(s))))
    .collect();
    let inputs: Vec<(&str, &std::path::Path)> = files
        .iter()
        .map(|(f, p)| (f.as_str(), p.as_path()))
        .collect();
    let outputs: Vec<(&str, &std::path::Path)> = [("--out", &args.out), ("--csv", &args.csv)]
        .into_iter()
        .filter_map(|(f, p)| p.as_deref().map(|p| (f, p)))
        .collect();
    guard::distinct_outputs(&inputs, &outputs)
}

/// An estimator error in the words of `estimate`'s flags: an argument is named by the flag
/// that gave it (`--x`, `--y` or `--labels`, `--z`), and non-finite data after `--noise` blame
/// the noise.
fn phrase_for(
    args: &EstimateArgs,
    err: infoscope_estimators::EstimatorError,
    method: &str,
) -> anyhow::Error {
    let y_flag = if args.labels.is_some() {
        "--labels"
    } else {
        "--y"
    };
    let names = [
        ("x", "--x"),
        ("h", "--x"),
        ("y", y_flag),
        ("labels", y_flag),
        ("z", "--z"),
    ];
    let err = rename_arguments(phrase(err, method), &names);
    let text = format!("{err:#}");
    if text.contains("parameter `block`") || text.contains("parameter `min_shift`") {
        return UsageError(format!("--surrogate: {text}")).into();
    }
    if let Some(noise) = &args.estimator.noise
        && text.contains("argument `data`")
        && text.contains("non-finite")
    {
        return UsageError(format!(
            "--noise {noise}: parameter `noise` is too large: the data plus noise of this \
             standard deviation are not finite ({text}); use a smaller --noise"
        ))
        .into();
    }
    err
}

/// What `--json` and `--out` write: one estimate, or a lower and an upper one.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Output {
    Point(Box<EstimateOutput>),
    Bounds(Box<BoundsOutput>),
}

impl Output {
    fn new(
        inputs: Vec<InputInfo>,
        outcome: Outcome,
        significance: Option<Outcome<SignificanceOutput>>,
        interval: Option<Outcome<IntervalOutput>>,
        unit: Unit,
    ) -> Self {
        match outcome {
            Outcome::Point(e) => Output::Point(Box::new(EstimateOutput {
                inputs,
                estimate: e.record(unit),
                significance: significance.and_then(Outcome::point),
                interval: interval.and_then(Outcome::point),
            })),
            Outcome::Bounds(b) => Output::Bounds(Box::new(BoundsOutput {
                inputs,
                lower: b.lower.record(unit),
                upper: b.upper.record(unit),
                significance: significance.and_then(Outcome::bounds),
                interval: interval.and_then(Outcome::bounds),
            })),
        }
    }

    fn print(&self, unit: Unit) {
        match self {
            Output::Point(o) => {
                print_table(&o.inputs, &o.estimate);
                print_extras(o.significance.as_ref(), o.interval.as_ref(), unit);
            }
            Output::Bounds(o) => {
                print_table(&o.inputs, &o.lower);
                let (t, ci) = (o.significance.as_ref(), o.interval.as_ref());
                print_extras(t.map(|b| &b.lower), ci.map(|b| &b.lower), unit);
                print_table(&[], &o.upper);
                print_extras(t.map(|b| &b.upper), ci.map(|b| &b.upper), unit);
            }
        }
    }
}

/// Print one estimate's test and interval, if any.
fn print_extras(t: Option<&SignificanceOutput>, ci: Option<&IntervalOutput>, unit: Unit) {
    if let Some(t) = t {
        t.print(unit);
    }
    if let Some(ci) = ci {
        ci.print(unit);
    }
}

impl SignificanceOutput {
    fn new(args: &EstimateArgs, t: &SurrogateTest, unit: Unit) -> Self {
        Self {
            surrogate: args.surrogate,
            n_surrogates: args.permutations,
            p_value: t.p_value,
            null_mean: unit.from_nats(t.null_mean),
            null_std: unit.from_nats(t.null_std),
        }
    }

    fn print(&self, unit: Unit) {
        outln!(
            "  {:<12} p = {:.4} ({} {:?} surrogates; null {:.6} ± {:.6} {})",
            "test",
            self.p_value,
            self.n_surrogates,
            self.surrogate,
            self.null_mean,
            self.null_std,
            unit.as_str()
        );
    }
}

impl IntervalOutput {
    fn new(ci: &BootstrapCi, unit: Unit) -> Self {
        Self {
            n_resamples: ci.replicates.len(),
            level: ci.level,
            lower: unit.from_nats(ci.lower),
            upper: unit.from_nats(ci.upper),
        }
    }

    fn print(&self, unit: Unit) {
        outln!(
            "  {:<12} {:.0}% [{:.6}, {:.6}] {} ({} bootstrap resamples)",
            "interval",
            100.0 * self.level,
            self.lower,
            self.upper,
            unit.as_str(),
            self.n_resamples
        );
    }
}

/// Write `--out` (atomically), then print JSON (`--json`) or the table.
fn emit<T: Serialize>(args: &EstimateArgs, output: &T, table: impl FnOnce(&T)) -> Result<()> {
    if let Some(path) = &args.out {
        io::write_json(path, output)
            .with_context(|| format!("writing --out {}", path.display()))?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(output)?);
    } else {
        table(output);
    }
    Ok(())
}

/// The JSON written by `--per-unit --json` and `--per-unit --out`.
#[derive(Debug, Serialize)]
pub struct PerUnitOutput {
    /// Where each argument came from.
    pub inputs: Vec<InputInfo>,
    /// The unit of `values`.
    pub unit: Unit,
    /// I(unit_j; Y) in `unit`, one per column of X.
    pub values: Vec<f64>,
    /// The full result in nats (values, plug-in values, occupied bins, label entropy, config).
    pub nats: PerUnitMi,
    /// The surrogate test of every unit (`--permutations`), with Benjamini–Hochberg q-values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub significance: Option<PerUnitSignificance>,
}

/// `--per-unit --permutations`: p- and q-values per unit.
#[derive(Debug, Serialize)]
pub struct PerUnitSignificance {
    /// How the surrogates were made.
    pub surrogate: Surrogate,
    /// Number of surrogates.
    pub n_surrogates: usize,
    /// `(1 + #surrogates ≥ estimate)/(N + 1)` per unit.
    pub p_values: Vec<f64>,
    /// Benjamini–Hochberg adjusted p-values per unit.
    pub q_values: Vec<f64>,
    /// The false-discovery rate of `significant`.
    pub fdr: f64,
    /// Units with `q ≤ fdr`.
    pub significant: Vec<usize>,
    /// Mean of each unit's null, in `unit`.
    pub null_mean: Vec<f64>,
}

/// `--per-unit`: I(unit_j; Y) for every column of X, Y read as labels.
fn per_unit(
    args: &EstimateArgs,
    estimator: &Estimator,
    data: &Data<'_>,
    mut inputs: Vec<InputInfo>,
    unit: Unit,
) -> Result<()> {
    let method = estimator.name();
    let phrase = |e| phrase_for(args, e, method);
    let Some(y) = data.y else {
        bail!("--per-unit needs --x and --y (labels), and no --z")
    };
    if data.z.is_some() {
        bail!("--per-unit needs --x and --y (labels), and no --z");
    }
    if !EstimatorSpec::method_info(method).is_some_and(|m| m.per_unit) {
        let with: Vec<String> = EstimatorSpec::METHODS
            .iter()
            .filter(|m| m.per_unit)
            .map(|m| format!("--method {}", m.name))
            .collect();
        bail!(
            "--per-unit is not available for --method {method}; it needs {}",
            with.join(" or ")
        );
    }
    if args.bootstrap > 0 {
        bail!("--bootstrap is not available with --per-unit (use --permutations for a test)");
    }
    if !(args.fdr > 0.0 && args.fdr < 1.0) {
        bail!("--fdr must lie in (0, 1), got {}", args.fdr);
    }
    inputs[0].used_as = format!("{} per unit", inputs[0].used_as);
    inputs[1].used_as = "labels".into();
    let x = data.x;
    let (result, significance) = if args.permutations > 0 {
        let seed = args.seed.unwrap_or(0);
        let t = estimator
            .per_unit_test(x, y, args.surrogate, args.permutations, seed)
            .map_err(phrase)?;
        let significance = PerUnitSignificance {
            surrogate: t.surrogate,
            n_surrogates: t.n_surrogates,
            significant: t.significant(args.fdr),
            fdr: args.fdr,
            null_mean: t.null_mean.iter().map(|&v| unit.from_nats(v)).collect(),
            p_values: t.p_values,
            q_values: t.q_values,
        };
        (t.mi, Some(significance))
    } else {
        (estimator.per_unit(x, y).map_err(phrase)?, None)
    };
    let output = PerUnitOutput {
        inputs,
        unit,
        values: result.in_unit(unit),
        nats: result,
        significance,
    };
    if let Some(path) = &args.csv {
        io::write_text(path, &per_unit_csv(&output))
            .with_context(|| format!("writing --csv {}", path.display()))?;
    }
    emit(args, &output, print_per_unit)
}

fn per_unit_csv(o: &PerUnitOutput) -> String {
    let u = o.unit.as_str();
    let mut csv = format!("unit,mi_{u},plugin_mi_{u},occupied_bins,out_of_range");
    if o.significance.is_some() {
        csv.push_str(",p_value,q_value");
    }
    csv.push('\n');
    for j in 0..o.values.len() {
        csv.push_str(&format!(
            "{j},{},{},{},{}",
            o.values[j],
            o.unit.from_nats(o.nats.plugin_values[j]),
            o.nats.occupied_bins[j],
            o.nats.out_of_range[j]
        ));
        if let Some(t) = &o.significance {
            csv.push_str(&format!(",{},{}", t.p_values[j], t.q_values[j]));
        }
        csv.push('\n');
    }
    csv
}

fn print_per_unit(o: &PerUnitOutput) {
    let u = o.unit.as_str();
    let n = o.values.len();
    let mean = o.values.iter().sum::<f64>() / n as f64;
    outln!("infoscope estimate --per-unit: I(unit; Y) for each of {n} units");
    for i in &o.inputs {
        outln!(
            "  {:<14} {} ({:?} {}, used as {})",
            i.role,
            i.source,
            i.shape,
            i.dtype,
            i.used_as
        );
    }
    outln!("  {:<14} {}", "config", o.nats.config);
    outln!("  {:<14} {}", "samples", o.nats.n_samples);
    outln!(
        "  {:<14} {:.6} {u} ({} classes)",
        "H(Y)",
        o.unit.from_nats(o.nats.label_entropy),
        o.nats.n_classes
    );
    outln!("  {:<14} {mean:.6} {u}", "mean I(unit;Y)");
    if let Some(t) = &o.significance {
        outln!(
            "  {:<14} {} of {n} units at FDR {} ({} {:?} surrogates, Benjamini–Hochberg)",
            "significant",
            t.significant.len(),
            t.fdr,
            t.n_surrogates,
            t.surrogate
        );
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| o.values[b].total_cmp(&o.values[a]));
    match &o.significance {
        Some(_) => outln!("  top units      unit  I(unit;Y) [{u}]  p         q"),
        None => outln!("  top units      unit  I(unit;Y) [{u}]"),
    }
    for &j in order.iter().take(10) {
        match &o.significance {
            Some(t) => outln!(
                "  {:<14} {j:>4}  {:.6}  {:<8.4}  {:.4}",
                "",
                o.values[j],
                t.p_values[j],
                t.q_values[j]
            ),
            None => outln!("  {:<14} {j:>4}  {:.6}", "", o.values[j]),
        }
    }
}

/// The JSON written by `--json` and `--out` for a method that gives bounds (kt).
#[derive(Debug, Serialize)]
pub struct BoundsOutput {
    /// Where each argument came from.
    pub inputs: Vec<InputInfo>,
    /// The Bhattacharyya (lower) estimate.
    pub lower: infoscope_estimators::EstimateRecord,
    /// The Kullback–Leibler (upper) estimate.
    pub upper: infoscope_estimators::EstimateRecord,
    /// Surrogate tests of I(T;Y) (`--permutations` with `--labels`), in the estimates' unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub significance: Option<Bounds<SignificanceOutput>>,
    /// Bootstrap intervals of both bounds (`--bootstrap`), in the estimates' unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Bounds<IntervalOutput>>,
}
