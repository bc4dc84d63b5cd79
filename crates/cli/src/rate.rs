//! `infoscope rate`: the information rate between two time series from their Welch spectra
//! (the coherence formula of SPEC.md §1.4), with the rate density over frequency.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use infoscope_estimators::spectral::{Baseline, Detrend, InformationRate, RateEstimate, Window};
use infoscope_estimators::{EstimatorError, SCHEMA_VERSION};
use infoscope_io as io;
use serde::Serialize;

use crate::args::UnitArg;
use crate::estimate::{floats, read};
use crate::guard;
use crate::output::outln;
use crate::report::InputInfo;
use crate::spec_args::{UsageError, rename_arguments};

/// Arguments of `infoscope rate`.
#[derive(Debug, Args)]
#[command(after_help = "\
X and Y are .npy or .npz files with one row per time step (a 1-D array is one channel; several
columns are a vector series, whose rate uses the log-determinant of the spectral matrix). The
rate is per unit of --dt (per sample with the default --dt 1): -∫₀^fc ln(1 - C(f)) df, C the
magnitude-squared coherence from Welch spectra (Hann window, 50 % overlap by default). With few
segments the coherence is biased upward (≈ 1/segments); the printed bias says by how much, and
--baseline subtracts the mean rate of surrogates of Y.

Examples:
  infoscope rate --x stimulus.npy --y rate.npy --dt 0.001 --unit bits
  infoscope rate --x s.npy --y r.npy --nperseg 1024 --cutoff 50 --baseline circular-shift --json
  infoscope rate --x rec.npz:stimulus --y rec.npz:readout --out rate.json --csv density.csv")]
pub struct RateArgs {
    /// X (the input): FILE.npy, or FILE.npz with an optional :KEY naming one array.
    #[arg(long, value_name = "FILE[:KEY]")]
    pub x: String,
    /// Y (the response): FILE.npy, or FILE.npz with an optional :KEY, with as many rows as X.
    #[arg(long, value_name = "FILE[:KEY]")]
    pub y: String,
    /// Samples per Welch segment (default: chosen from the series length).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub nperseg: Option<usize>,
    /// Fraction of a segment shared with the next one, in [0, 1).
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub overlap: f64,
    /// The taper of every segment: hann or boxcar.
    #[arg(long, default_value = "hann", value_parser = parse_window)]
    pub window: Window,
    /// What is removed from every segment: constant (its mean) or none.
    #[arg(long, default_value = "constant", value_parser = parse_detrend)]
    pub detrend: Detrend,
    /// Sampling interval, in the unit of time the rate is per (default 1: per sample).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub dt: f64,
    /// Upper limit of the integral, in cycles per unit time (default: Nyquist, 1/(2 dt)).
    #[arg(long, value_name = "FC", allow_negative_numbers = true)]
    pub cutoff: Option<f64>,
    /// Surrogate baseline subtracted from the raw rate: none, circular-shift or
    /// segment-shuffle.
    #[arg(long, default_value = "none", value_parser = parse_baseline)]
    pub baseline: Baseline,
    /// Number of baseline surrogates.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true)]
    pub n_baseline: usize,
    /// Seed of the baseline surrogates.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub seed: u64,
    /// Unit of the printed and written values (per unit time, per sample, density).
    #[arg(long, value_enum, default_value = "nats")]
    pub unit: UnitArg,
    /// Print the result as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON result to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the density (and coherence, for scalar series) per frequency as CSV (atomically).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub threads: Option<usize>,
}

fn parse_window(s: &str) -> Result<Window, String> {
    s.parse().map_err(|e: EstimatorError| e.to_string())
}

fn parse_detrend(s: &str) -> Result<Detrend, String> {
    s.parse().map_err(|e: EstimatorError| e.to_string())
}

fn parse_baseline(s: &str) -> Result<Baseline, String> {
    s.parse().map_err(|e: EstimatorError| e.to_string())
}

/// The JSON written by `--json` and `--out`.
#[derive(Debug, Serialize)]
pub struct RateRecord {
    /// Layout version of this JSON.
    pub schema_version: u32,
    /// What was read.
    pub inputs: Vec<InputInfo>,
    /// The estimate, in the chosen unit.
    #[serde(flatten)]
    pub estimate: RateEstimate,
}

/// Run `infoscope rate`.
pub fn run(args: &RateArgs) -> Result<()> {
    crate::experiment::set_threads(args.threads)?;
    let (x_file, y_file) = (guard::array_file(&args.x), guard::array_file(&args.y));
    let inputs = [("--x", x_file.as_path()), ("--y", y_file.as_path())];
    let mut outputs = Vec::new();
    outputs.extend(args.out.as_deref().map(|p| ("--out", p)));
    outputs.extend(args.csv.as_deref().map(|p| ("--csv", p)));
    guard::distinct_outputs(&inputs, &outputs)?;
    let mut params = InformationRate::params()
        .overlap(args.overlap)
        .window(args.window)
        .detrend(args.detrend)
        .dt(args.dt)
        .baseline(args.baseline)
        .n_baseline(args.n_baseline)
        .seed(args.seed);
    if let Some(n) = args.nperseg {
        params = params.nperseg(n);
    }
    if let Some(c) = args.cutoff {
        params = params.cutoff(c);
    }
    let estimator = params.check().map_err(flag_error)?;
    let mut x_in = read("x", &args.x)?;
    let mut y_in = read("y", &args.y)?;
    x_in.info.used_as = "time series".into();
    y_in.info.used_as = "time series".into();
    let (x, y) = (floats(&x_in)?, floats(&y_in)?);
    let estimate = estimator
        .rate(x.view(), y.view())
        .map_err(|e| rename_arguments(anyhow::Error::new(e), &[("x", "--x"), ("y", "--y")]))?
        .in_unit(args.unit.into());
    let record = RateRecord {
        schema_version: SCHEMA_VERSION,
        inputs: vec![x_in.info, y_in.info],
        estimate,
    };
    if let Some(path) = &args.out {
        io::write_json(path, &record)
            .with_context(|| format!("writing --out {}", path.display()))?;
    }
    if let Some(path) = &args.csv {
        io::write_text(path, &density_csv(&record.estimate))
            .with_context(|| format!("writing --csv {}", path.display()))?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&record)?);
    } else {
        print_table(&record);
    }
    Ok(())
}

/// A bad parameter as a usage error naming its flag (`n_baseline` → `--n-baseline`).
fn flag_error(err: EstimatorError) -> anyhow::Error {
    match &err {
        EstimatorError::InvalidParameter { name, reason } => {
            anyhow::Error::new(UsageError(format!("--{} {reason}", name.replace('_', "-"))))
        }
        _ => anyhow::Error::new(err),
    }
}

/// One row per frequency: the density, and the coherence for scalar series.
fn density_csv(e: &RateEstimate) -> String {
    let u = e.unit.as_str();
    let mut s = format!("frequency,density_{u}_per_time_per_frequency");
    if e.coherence.is_some() {
        s.push_str(",coherence");
    }
    s.push('\n');
    for (k, (f, d)) in e.frequencies.iter().zip(&e.density).enumerate() {
        s.push_str(&format!("{f},{d}"));
        if let Some(c) = &e.coherence {
            s.push_str(&format!(",{}", c.get(k).copied().unwrap_or(f64::NAN)));
        }
        s.push('\n');
    }
    s
}

fn print_table(r: &RateRecord) {
    let e = &r.estimate;
    let u = e.unit.as_str();
    let d = &e.diagnostics;
    outln!("infoscope rate: information rate between X and Y (spectral coherence)");
    for i in &r.inputs {
        let shape: Vec<String> = i.shape.iter().map(ToString::to_string).collect();
        outln!(
            "  {:<14} {} ({} {})",
            i.role,
            i.source,
            shape.join(" × "),
            i.dtype
        );
    }
    outln!(
        "  {:<14} {:.6} {u} per unit time ({:.6} {u} per sample; dt = {})",
        "rate",
        e.value,
        e.per_sample,
        e.dt
    );
    if let (Some(c), Some(b)) = (e.corrected, &e.baseline) {
        outln!(
            "  {:<14} raw {:.6} {u}/time − baseline {:.6} ± {:.6} ({} {} surrogates) = {:.6}",
            "corrected",
            e.raw,
            b.mean,
            b.sd,
            b.values.len(),
            b.kind.as_str(),
            c
        );
    }
    outln!(
        "  {:<14} {} samples, {} channel(s) × {} channel(s)",
        "data",
        d.n_samples,
        d.dx,
        d.dy
    );
    outln!(
        "  {:<14} {} segments of {} (effective {:.1}), resolution {:.6} per unit time, \
         integrated to {:.6}",
        "welch",
        d.segments.n_segments,
        d.segments.nperseg,
        d.effective_segments,
        d.resolution,
        e.integrated_to
    );
    match d.rate_bias {
        Some(b) => outln!(
            "  {:<14} coherence +{:.4} where it is 0; rate +{:.6} {u}/time (not removed)",
            "bias",
            d.coherence_bias,
            b
        ),
        None => outln!(
            "  {:<14} coherence +{:.4} where it is 0; too few segments to state the rate's",
            "bias",
            d.coherence_bias
        ),
    }
    for w in &e.warnings {
        outln!("  {:<14} {w}", "warning");
    }
}
