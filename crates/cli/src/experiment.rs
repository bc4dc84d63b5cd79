//! `infoscope run` and `infoscope analyze`: an experiment file (or a recording) in, a run
//! directory with `results.json` and `report.html` out. Progress on stderr.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use infoscope_analysis::experiment::{Experiment, Progress, run_experiment};
use infoscope_analysis::nets::record::Recording;
use infoscope_analysis::{
    AnalysisConfig, AnalyzeConfig, Bound, NetworkAnalysis, Results, Source, analyze_recording,
};
use infoscope_estimators::Unit;
use infoscope_report::{ReportOptions, write_report};

use crate::guard;
use crate::output::outln;

/// Options shared by `infoscope run` and `infoscope analyze`.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Unit of the report's axes and tables (results.json is always in nats).
    #[arg(long, default_value = "bits")]
    pub unit: Unit,
    /// Also write every figure as PNG.
    #[arg(long)]
    pub png: bool,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, allow_negative_numbers = true)]
    pub threads: Option<usize>,
}

/// `infoscope run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The experiment file (TOML; see experiments/go.toml, or experiments/flux.toml for a
    /// flux experiment, `kind = "flux"`). Without it, the built-in defaults (the same as
    /// experiments/go.toml).
    pub experiment: Option<PathBuf>,
    /// Output directory (default: runs/NAME, NAME the experiment's name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue an interrupted run in --out: finished stages are read back, training resumes.
    #[arg(long)]
    pub resume: bool,
    /// Write a fresh run into an --out that holds other files or another experiment's run:
    /// the files a run writes are replaced, every other file is kept (a file inside the run's
    /// own folders leaky/, reservoir/, recordings/, analysis/ is refused even so).
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Report and thread options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `infoscope analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The recording (.npz in the documented layout; a NAME.json sidecar beside it is used
    /// when present).
    pub recording: PathBuf,
    /// Analysis settings: a TOML file with the keys of an experiment's analysis table (at
    /// the top level or in a table named analysis).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Label permutations per estimate (overrides the settings).
    #[arg(long, allow_negative_numbers = true)]
    pub permutations: Option<usize>,
    /// Output directory (default: STEM-analysis beside the recording STEM.npz).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The network's name in the report.
    #[arg(long, default_value = "network")]
    pub name: String,
    /// Report and thread options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A global pool of `threads` worker threads (`None`: all cores).
pub(crate) fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting --threads")?;
    }
    Ok(())
}

/// Run `infoscope run`.
pub fn run(args: &RunArgs) -> Result<()> {
    set_threads(args.output.threads)?;
    if let Some(path) = &args.experiment {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the experiment file {}", path.display()))?;
        let origin = path.display().to_string();
        if infoscope_analysis::balanced::is_balanced_experiment(&text, &origin)? {
            return crate::balanced_run::run(args, path);
        }
        if infoscope_analysis::flux::is_flux_experiment(&text, &origin)? {
            return crate::flux_run::run(args, path);
        }
    }
    let exp = match &args.experiment {
        Some(path) => Experiment::read(path)?,
        None => Experiment::default(),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("runs").join(&exp.name));
    guard::check_count(
        &format!(
            "permutations = {} (analysis settings)",
            exp.analysis.permutations
        ),
        exp.analysis.permutations,
    )?;
    if let Some(path) = &args.experiment {
        guard::inputs_outside("--out", &out, &[("EXPERIMENT", path)], |rel| {
            guard::is_run_file(rel) || guard::is_analysis_file(rel)
        })?;
    }
    if !(args.resume && out.join("experiment.json").exists()) {
        guard::prepare_run_dir(&out, &exp, args.force)?;
    }
    let started = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let bar = ProgressBar::new(exp.training.max_steps as u64);
    if tty {
        bar.set_style(
            ProgressStyle::with_template("  {bar:30} {pos}/{len} steps {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let mut on = |p: Progress<'_>| {
        match p {
            Progress::Stage { name, index, total } => {
                bar.suspend(|| eprintln!("[{index}/{total}] {name}"));
            }
            Progress::Skipped { name } => eprintln!("      {name}: done earlier, read back"),
            Progress::Done { name, seconds } => {
                bar.finish_and_clear();
                eprintln!("      {name}: {seconds:.1} s");
            }
            Progress::Training { entry, max_steps } => {
                bar.set_length(max_steps as u64);
                bar.set_position(entry.step as u64);
                bar.set_message(format!(
                    "loss {:.4} perf {:.3}",
                    entry.train_loss, entry.performance
                ));
                if !tty {
                    eprintln!(
                        "      step {:>6}/{max_steps}  loss {:.5}  performance {:.3}",
                        entry.step, entry.train_loss, entry.performance
                    );
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    };
    let results = run_experiment(&exp, &out, args.resume, &mut on)
        .with_context(|| format!("running experiment {:?} into {}", exp.name, out.display()))?;
    let title = format!("infoscope: experiment {}", exp.name);
    report_and_summary(
        &results,
        &out,
        args.output.unit,
        args.output.png,
        title,
        started,
    )
}

/// Write the report, print the headline numbers and where everything is.
fn report_and_summary(
    results: &Results,
    out: &Path,
    unit: Unit,
    png: bool,
    title: String,
    started: Instant,
) -> Result<()> {
    let options = ReportOptions { unit, png, title };
    let files = write_report(results, out, &options).context("writing the report")?;
    for n in &results.networks {
        print_network(n, unit);
    }
    outln!(
        "results: {}\nreport:  {}\ntotal time {:.1} s",
        out.join("results.json").display(),
        files.html.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Run `infoscope analyze`.
pub fn analyze(args: &AnalyzeArgs) -> Result<()> {
    set_threads(args.output.threads)?;
    let started = Instant::now();
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading --config {}", path.display()))?;
            AnalysisConfig::from_toml(&text, &path.display().to_string())?
        }
        None => AnalysisConfig::default(),
    };
    if let Some(n) = args.permutations {
        guard::check_count("--permutations", n)?;
        config.permutations = n;
    }
    guard::check_count(
        &format!("permutations = {} (--config)", config.permutations),
        config.permutations,
    )?;
    config.validate()?;
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .recording
            .file_stem()
            .map_or_else(|| "recording".into(), |s| s.to_string_lossy().into_owned());
        args.recording.with_file_name(format!("{stem}-analysis"))
    });
    let sidecar = args.recording.with_extension("json");
    let mut inputs = vec![
        ("RECORDING", args.recording.as_path()),
        ("sidecar", &sidecar),
    ];
    if let Some(config) = &args.config {
        inputs.push(("--config", config));
    }
    guard::inputs_outside("--out", &out, &inputs, guard::is_analysis_file)?;
    if out.exists() && !out.is_dir() {
        return Err(crate::spec_args::UsageError(format!(
            "--out {} is a file, not a directory",
            out.display()
        ))
        .into());
    }
    let rec = Recording::read(&args.recording)
        .with_context(|| format!("reading {}", args.recording.display()))?;
    let analysis = analyze_recording(&args.name, &rec, &config)
        .with_context(|| format!("analysing {}", args.recording.display()))?;
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let source = AnalyzeConfig {
        recording: Some(args.recording.display().to_string()),
        analysis: config,
    };
    let results = Results::new(Source::Analyze(&source), vec![analysis]);
    infoscope_io::write_json(&out.join("results.json"), &results)?;
    let title = format!("infoscope: analysis of {}", args.recording.display());
    report_and_summary(
        &results,
        &out,
        args.output.unit,
        args.output.png,
        title,
        started,
    )
}

/// The headline numbers of one network.
fn print_network(n: &NetworkAnalysis, unit: Unit) {
    let r = &n.recording;
    let dt = n.time.dt_ms;
    outln!(
        "{}: {} {} trials × {} steps × {} units, performance {}",
        n.name,
        r.task,
        r.n_trials,
        r.n_steps,
        r.n_units,
        r.performance
            .map_or("unknown".into(), |p| format!("{p:.3}"))
    );
    outln!(
        "  I(X; T_t) maxima ({unit}; X = stimulus class, H(X) = {:.3} {unit}):",
        unit.from_nats(n.variables.stimulus_entropy)
    );
    for c in &n.layer.stimulus.curves {
        let (t, v) = c
            .values
            .iter()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc },
            );
        let bound = match c.bound {
            Bound::Lower => " (lower)",
            Bound::Upper => " (upper)",
            _ => "",
        };
        let missing = match c.missing.len() {
            0 => String::new(),
            m => format!(" ({m} of {} steps not computed)", c.values.len()),
        };
        if v.is_finite() {
            let saturated = if c.saturated.binary_search(&t).is_ok() {
                " saturated: every trial has its own binned pattern"
            } else {
                ""
            };
            outln!(
                "    {:<28} {:.3} {unit} at {:.0} ms{bound}{saturated}{missing}",
                c.label,
                unit.from_nats(v),
                t as f64 * dt
            );
        } else {
            outln!("    {:<28} no value{missing}", c.label);
        }
    }
    let s = &n.neurons.peak_spread;
    outln!(
        "  active neurons (FDR {}): {}/{}; peak times {:.0} ± {:.0} ms (IQR {:.0} ms)",
        n.neurons.fdr,
        s.n_active,
        n.neurons.mi.len(),
        s.mean_step * dt,
        s.std_step * dt,
        s.iqr_steps * dt
    );
}
