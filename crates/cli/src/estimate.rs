//! `infoscope estimate`: read arrays, call one estimator, print and save the result.

use anyhow::{Context, Result, bail};
use infoscope_estimators::Bounds;
use infoscope_estimators::discrete::{Binned, PerUnitMi, PlugIn};
use infoscope_estimators::gaussian::Gaussian;
use infoscope_estimators::significance::{
    BootstrapCi, FromFn, Surrogate, SurrogateTest, bootstrap_ci, surrogate_test,
};
use infoscope_estimators::{
    ConditionalMutualInformation, Entropy, Estimate, MutualInformation, Unit,
};
use infoscope_io::{self as io, ArraySource, LoadedArray};
use ndarray::{Array2, ArrayView2, Axis, Ix1, Ix2};
use serde::Serialize;

use crate::args::{EstimateArgs, Method, YKind};
use crate::report::{InputInfo, print_table};

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

/// A 2-D integer view of an input whose values are all integral.
fn symbols(input: &Input) -> Result<Array2<i64>> {
    let f = floats(input)?;
    if let Some(((row, col), v)) = f
        .indexed_iter()
        .find(|(_, v)| v.fract() != 0.0 || !v.is_finite())
    {
        bail!(
            "--{} {}: value {v} at row {row}, column {col} is not an integer label \
             (use --y-kind continuous to bin it)",
            input.info.role,
            input.info.source
        );
    }
    Ok(f.mapv(|v| v as i64))
}

/// Whether Y/Z are used as labels by the binned method.
fn as_labels(kind: YKind, input: &Input) -> bool {
    match kind {
        YKind::Auto => input.array.is_integer(),
        YKind::Labels => true,
        YKind::Continuous => false,
    }
}

/// Run `infoscope estimate`.
pub fn run(args: &EstimateArgs) -> Result<()> {
    let unit: Unit = args.unit.into();
    let mut inputs = vec![read("x", &args.x)?];
    if let Some(y) = &args.y {
        inputs.push(read("y", y)?);
    }
    if let Some(z) = &args.z {
        inputs.push(read("z", z)?);
    }
    if args.per_unit {
        return per_unit(args, &mut inputs, unit);
    }
    if args.method == Method::Kt {
        return kt(args, inputs, unit);
    }
    if args.labels.is_some() || args.noise_var.is_some() || args.entropy {
        bail!("--labels, --noise-var and --entropy belong to --method kt");
    }
    let estimate = match args.method {
        Method::Gaussian => gaussian(args, &mut inputs)?,
        Method::Binned => binned(args, &mut inputs)?,
        Method::Ksg => ksg(args, &mut inputs)?,
        Method::Kt => bail!("--method kt is handled before this point"),
        Method::Kl => {
            if inputs.len() > 1 {
                bail!("--method kl estimates the entropy H(X): give --x only");
            }
            inputs[0].info.used_as = "continuous".into();
            args.knn.kl()?.entropy(floats(&inputs[0])?.view())?
        }
    };
    let (significance, interval) = uncertainty(args, &inputs, unit)?;
    let output = EstimateOutput {
        inputs: inputs.into_iter().map(|i| i.info).collect(),
        estimate: estimate.record(unit),
        significance,
        interval,
    };
    emit(args, &output, |o| {
        print_table(&o.inputs, &o.estimate);
        if let Some(t) = &o.significance {
            t.print(unit);
        }
        if let Some(ci) = &o.interval {
            ci.print(unit);
        }
    })
}

/// `--permutations` and `--bootstrap`: re-run the same I(X;Y) computation on surrogates and
/// resamples.
fn uncertainty(
    args: &EstimateArgs,
    inputs: &[Input],
    unit: Unit,
) -> Result<(Option<SignificanceOutput>, Option<IntervalOutput>)> {
    if args.permutations == 0 && args.bootstrap == 0 {
        return Ok((None, None));
    }
    let [x_in, y_in] = inputs else {
        bail!("--permutations and --bootstrap test I(X;Y): give --x and --y, without --z");
    };
    if !matches!(args.method, Method::Binned | Method::Gaussian | Method::Ksg) {
        bail!(
            "--permutations and --bootstrap need --method binned, gaussian, ksg or kt (with \
             --labels for --permutations)"
        );
    }
    let (x, y) = (floats(x_in)?, floats(y_in)?);
    let (x, y) = (x.view(), y.view());
    // The estimators themselves (not a wrapper), so surrogates reuse what they can.
    match args.method {
        Method::Gaussian => {
            let g = Gaussian::params().ridge(args.ridge).check()?;
            significance_of(&g, args, x, y, unit)
        }
        Method::Ksg => significance_of(&args.knn.ksg()?, args, x, y, unit),
        _ if !(args.method == Method::Binned && as_labels(args.y_kind, y_in)) => {
            significance_of(&binned_estimator(args)?, args, x, y, unit)
        }
        _ => {
            let est = FromFn(|x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>| {
                mi_arrays(args, x, y, true)
            });
            significance_of(&est, args, x, y, unit)
        }
    }
}

/// The surrogate test and bootstrap interval asked for, of one estimator.
fn significance_of<E: MutualInformation + Sync>(
    est: &E,
    args: &EstimateArgs,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    unit: Unit,
) -> Result<(Option<SignificanceOutput>, Option<IntervalOutput>)> {
    let seed = args.knn.seed;
    let significance = if args.permutations > 0 {
        let t = surrogate_test(est, x, y, args.surrogate, args.permutations, seed)?;
        Some(SignificanceOutput::new(args, &t, unit))
    } else {
        None
    };
    let interval = if args.bootstrap > 0 {
        let ci = bootstrap_ci(est, x, y, args.bootstrap, args.ci_level, seed)?;
        Some(IntervalOutput::new(&ci, unit))
    } else {
        None
    };
    Ok((significance, interval))
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
        println!(
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
        println!(
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

/// The binned estimator of the options.
fn binned_estimator(args: &EstimateArgs) -> infoscope_estimators::Result<Binned> {
    Binned::params()
        .policy(args.bins)
        .correction(args.correction.into())
        .check()
}

/// I(X;Y) by the chosen method on arrays (Y as labels for the binned method when `y_labels`).
fn mi_arrays(
    args: &EstimateArgs,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    y_labels: bool,
) -> infoscope_estimators::Result<Estimate> {
    match args.method {
        Method::Gaussian => Gaussian::params().ridge(args.ridge).check()?.estimate(x, y),
        Method::Ksg => args.knn.ksg()?.estimate(x, y),
        _ => {
            let est = binned_estimator(args)?;
            if !y_labels {
                return est.estimate(x, y);
            }
            if y.ncols() == 1 {
                let labels = y.column(0).mapv(|v| v as i64);
                return est.mutual_information_with_labels(x, labels.view());
            }
            let plugin = PlugIn::params()
                .correction(args.correction.into())
                .check()?;
            let mut e = plugin
                .mutual_information(est.bin("x", x)?.symbols.view(), y.mapv(|v| v as i64).view())?;
            e.method = "binned".into();
            Ok(e)
        }
    }
}

/// Write `--out` (atomically), then print JSON (`--json`) or the table.
fn emit<T: Serialize>(args: &EstimateArgs, output: &T, table: impl FnOnce(&T)) -> Result<()> {
    if let Some(path) = &args.out {
        io::write_json(path, output)
            .with_context(|| format!("writing --out {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(output)?);
    } else {
        table(output);
    }
    Ok(())
}

fn gaussian(args: &EstimateArgs, inputs: &mut [Input]) -> Result<Estimate> {
    let est = Gaussian::params().ridge(args.ridge).check()?;
    let data: Vec<Array2<f64>> = inputs.iter().map(floats).collect::<Result<_>>()?;
    for input in inputs.iter_mut() {
        input.info.used_as = "continuous".into();
    }
    let e = match data.as_slice() {
        [x] => est.entropy(x.view())?,
        [x, y] => est.estimate(x.view(), y.view())?,
        [x, y, z] => est.estimate_conditional(x.view(), y.view(), z.view())?,
        _ => bail!("expected --x, optionally --y and --z"),
    };
    Ok(e)
}

fn ksg(args: &EstimateArgs, inputs: &mut [Input]) -> Result<Estimate> {
    let data: Vec<Array2<f64>> = inputs.iter().map(floats).collect::<Result<_>>()?;
    for input in inputs.iter_mut() {
        input.info.used_as = "continuous".into();
    }
    Ok(match data.as_slice() {
        [x] => args.knn.kl()?.entropy(x.view())?,
        [x, y] => args.knn.ksg()?.estimate(x.view(), y.view())?,
        [x, y, z] => args
            .knn
            .ksg()?
            .estimate_conditional(x.view(), y.view(), z.view())?,
        _ => bail!("expected --x, optionally --y and --z"),
    })
}

fn binned(args: &EstimateArgs, inputs: &mut [Input]) -> Result<Estimate> {
    let est = Binned::params()
        .policy(args.bins)
        .correction(args.correction.into())
        .check()?;
    let x = floats(&inputs[0])?;
    inputs[0].info.used_as = "binned".into();
    let labels: Vec<bool> = inputs[1..]
        .iter()
        .map(|i| as_labels(args.y_kind, i))
        .collect();
    for (input, &is_label) in inputs[1..].iter_mut().zip(&labels) {
        input.info.used_as = if is_label {
            "labels".into()
        } else {
            "binned".into()
        };
    }
    if labels.iter().all(|&l| !l) {
        let rest: Vec<Array2<f64>> = inputs[1..].iter().map(floats).collect::<Result<_>>()?;
        return Ok(match rest.as_slice() {
            [] => est.entropy(x.view())?,
            [y] => est.estimate(x.view(), y.view())?,
            [y, z] => est.estimate_conditional(x.view(), y.view(), z.view())?,
            _ => bail!("expected --x, optionally --y and --z"),
        });
    }
    if let [y] = &inputs[1..]
        && y.info.shape.get(1).is_none_or(|&c| c == 1)
    {
        let y = symbols(y)?.column(0).to_owned();
        return Ok(est.mutual_information_with_labels(x.view(), y.view())?);
    }
    // Labels with several columns, or a mix of labels and binned data among Y and Z: bin what
    // is continuous, keep labels as they are, and estimate on the symbols.
    let plugin = PlugIn::params()
        .correction(args.correction.into())
        .check()?;
    let xs = est.bin("x", x.view())?.symbols;
    let mut rest = Vec::new();
    for (input, &is_label) in inputs[1..].iter().zip(&labels) {
        let role = input.info.role;
        rest.push(if is_label {
            symbols(input)?
        } else {
            est.bin(role, floats(input)?.view())?.symbols
        });
    }
    let mut e = match rest.as_slice() {
        [y] => plugin.mutual_information(xs.view(), y.view())?,
        [y, z] => plugin.conditional_mutual_information(xs.view(), y.view(), z.view())?,
        _ => bail!("expected --x, optionally --y and --z"),
    };
    e.method = "binned".into();
    e.config = serde_json::to_value(est.config())?;
    Ok(e)
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

/// `--per-unit`: I(unit_j; labels) for every column of X.
fn per_unit(args: &EstimateArgs, inputs: &mut [Input], unit: Unit) -> Result<()> {
    if args.method != Method::Binned {
        bail!("--per-unit needs --method binned");
    }
    let [x_in, y_in] = inputs else {
        bail!("--per-unit needs --x and --y (labels), and no --z")
    };
    if !as_labels(args.y_kind, y_in) || y_in.info.shape.get(1).is_some_and(|&c| c != 1) {
        bail!("--per-unit needs --y to be one column of integer labels (or --y-kind labels)");
    }
    x_in.info.used_as = "binned per unit".into();
    y_in.info.used_as = "labels".into();
    if args.bootstrap > 0 {
        bail!("--bootstrap is not available with --per-unit (use --permutations for a test)");
    }
    if !(args.fdr > 0.0 && args.fdr < 1.0) {
        bail!("--fdr must lie in (0, 1), got {}", args.fdr);
    }
    let est = binned_estimator(args)?;
    let labels = symbols(y_in)?.column(0).to_owned();
    let x = floats(x_in)?;
    let (result, significance) = if args.permutations > 0 {
        let t = est.per_unit_test(
            x.view(),
            labels.view(),
            args.surrogate,
            args.permutations,
            args.knn.seed,
        )?;
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
        (est.per_unit(x.view(), labels.view())?, None)
    };
    let output = PerUnitOutput {
        inputs: inputs.iter().map(|i| i.info.clone()).collect(),
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
    println!("infoscope estimate --per-unit: I(unit; Y) for each of {n} units");
    for i in &o.inputs {
        println!(
            "  {:<14} {} ({:?} {}, used as {})",
            i.role, i.source, i.shape, i.dtype, i.used_as
        );
    }
    println!("  {:<14} {}", "config", o.nats.config);
    println!("  {:<14} {}", "samples", o.nats.n_samples);
    println!(
        "  {:<14} {:.6} {u} ({} classes)",
        "H(Y)",
        o.unit.from_nats(o.nats.label_entropy),
        o.nats.n_classes
    );
    println!("  {:<14} {mean:.6} {u}", "mean I(unit;Y)");
    if let Some(t) = &o.significance {
        println!(
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
        Some(_) => println!("  top units      unit  I(unit;Y) [{u}]  p         q"),
        None => println!("  top units      unit  I(unit;Y) [{u}]"),
    }
    for &j in order.iter().take(10) {
        match &o.significance {
            Some(t) => println!(
                "  {:<14} {j:>4}  {:.6}  {:<8.4}  {:.4}",
                "", o.values[j], t.p_values[j], t.q_values[j]
            ),
            None => println!("  {:<14} {j:>4}  {:.6}", "", o.values[j]),
        }
    }
}

/// The JSON written by `--method kt` with `--json` or `--out`.
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
    pub significance: Option<BoundPair<SignificanceOutput>>,
    /// Bootstrap intervals of both bounds (`--bootstrap`), in the estimates' unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<BoundPair<IntervalOutput>>,
}

/// One result for each of the two Kolchinsky–Tracey estimates.
#[derive(Debug, Serialize)]
pub struct BoundPair<T> {
    /// Of the Bhattacharyya (lower) estimate.
    pub lower: T,
    /// Of the Kullback–Leibler (upper) estimate.
    pub upper: T,
}

/// `--method kt`: Kolchinsky–Tracey bounds for T = X + N(0, σ²I).
fn kt(args: &EstimateArgs, mut inputs: Vec<Input>, unit: Unit) -> Result<()> {
    if inputs.len() > 1 {
        bail!("--method kt takes --x (the layer) and optionally --labels, not --y or --z");
    }
    let Some(v) = args.noise_var else {
        bail!("--method kt needs --noise-var V (the noise variance σ²; there is no default)");
    };
    let est = infoscope_estimators::kt::KolchinskyTracey::new(v)?;
    let h = floats(&inputs[0])?;
    inputs[0].info.used_as = "noisy-layer means".into();
    if args.entropy && (args.permutations > 0 || args.bootstrap > 0) {
        bail!("--permutations and --bootstrap apply to I(X;T) and I(T;Y), not to --entropy");
    }
    let seed = args.knn.seed;
    let (bounds, significance, interval) = match &args.labels {
        Some(spec) => {
            if args.entropy {
                bail!("--entropy and --labels cannot be combined");
            }
            let mut y_in = read("labels", spec)?;
            y_in.info.used_as = "labels".into();
            let y = symbols(&y_in)?;
            if y.ncols() != 1 {
                bail!("--labels must be one column of integer labels");
            }
            inputs.push(y_in);
            let (h, y) = (h.view(), y.column(0));
            let significance = if args.permutations > 0 {
                let t =
                    est.label_surrogate_test(h, y, None, args.surrogate, args.permutations, seed)?;
                Some(BoundPair {
                    lower: SignificanceOutput::new(args, &t.lower, unit),
                    upper: SignificanceOutput::new(args, &t.upper, unit),
                })
            } else {
                None
            };
            let interval = if args.bootstrap > 0 {
                let ci = est.label_bootstrap_ci(h, y, None, args.bootstrap, args.ci_level, seed)?;
                Some(intervals(&ci, unit))
            } else {
                None
            };
            (est.mi_label_bounds(h, y, None)?, significance, interval)
        }
        None if args.entropy => (est.entropy_bounds(h.view(), None)?, None, None),
        None => {
            if args.permutations > 0 {
                bail!(
                    "--permutations with --method kt tests I(T;Y): give --labels (I(X;T) has \
                     no second variable to shuffle)"
                );
            }
            let interval = if args.bootstrap > 0 {
                let ci =
                    est.input_bootstrap_ci(h.view(), None, args.bootstrap, args.ci_level, seed)?;
                Some(intervals(&ci, unit))
            } else {
                None
            };
            (est.mi_input_bounds(h.view(), None)?, None, interval)
        }
    };
    let output = BoundsOutput {
        inputs: inputs.into_iter().map(|i| i.info).collect(),
        lower: bounds.lower.record(unit),
        upper: bounds.upper.record(unit),
        significance,
        interval,
    };
    emit(args, &output, |o| {
        print_table(&o.inputs, &o.lower);
        print_extras(o, false, unit);
        print_table(&[], &o.upper);
        print_extras(o, true, unit);
    })
}

/// Print one bound's test and interval, if any.
fn print_extras(o: &BoundsOutput, upper: bool, unit: Unit) {
    if let Some(t) = &o.significance {
        t.get(upper).print(unit);
    }
    if let Some(ci) = &o.interval {
        ci.get(upper).print(unit);
    }
}

impl<T> BoundPair<T> {
    fn get(&self, upper: bool) -> &T {
        if upper { &self.upper } else { &self.lower }
    }
}

fn intervals(ci: &Bounds<BootstrapCi>, unit: Unit) -> BoundPair<IntervalOutput> {
    BoundPair {
        lower: IntervalOutput::new(&ci.lower, unit),
        upper: IntervalOutput::new(&ci.upper, unit),
    }
}
