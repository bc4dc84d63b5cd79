//! `infoscope run FILE` for a balanced-network experiment (`kind = "balanced"`): the
//! rate-against-balance sweep and the training runs, then `results.json` and `report.html`.
//! Progress on stderr.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use infoscope_analysis::balanced::{
    BalancedExperiment, BalancedProgress, BalancedResults, run_balanced_experiment,
};
use infoscope_estimators::Unit;
use infoscope_report::{ReportOptions, write_balanced_report};

use crate::experiment::RunArgs;
use crate::guard;
use crate::output::outln;
use crate::progress::Progress;

/// Run the balanced experiment in `path` as `infoscope run` was asked to.
pub fn run(args: &RunArgs, path: &Path) -> Result<()> {
    let started = Instant::now();
    let exp = BalancedExperiment::read(path)?;
    let out: PathBuf = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("runs").join(&exp.name));
    guard::inputs_outside("--out", &out, &[("EXPERIMENT", path)], guard::is_run_file)?;
    if !(args.resume && out.join("experiment.json").exists()) {
        guard::prepare_run_dir(&out, &exp, args.force)?;
    }
    let progress = Progress::new(1);
    let mut on = |p: BalancedProgress| {
        match p {
            BalancedProgress::Stage { name, index, total } => progress.stage(name, index, total),
            BalancedProgress::Done { name, seconds } => progress.done(name, seconds),
            BalancedProgress::Sweep {
                done,
                total,
                resumed,
            } => progress.networks(done, total, resumed),
            BalancedProgress::Epoch {
                channels,
                epoch,
                epochs,
            } => progress.step(
                epochs,
                epoch,
                format!("epochs, S = {channels}"),
                format!("S = {channels}: epoch {epoch}/{epochs}"),
            ),
            _ => {}
        }
        ControlFlow::Continue(())
    };
    let results = run_balanced_experiment(&exp, &out, args.resume, &mut on).with_context(|| {
        format!(
            "running balanced experiment {:?} into {}",
            exp.name,
            out.display()
        )
    })?;
    let unit = args.output.unit;
    let options = ReportOptions {
        unit,
        png: args.output.png,
        title: format!("infoscope: balanced networks {}", exp.name),
    };
    let files = write_balanced_report(&results, &out, &options).context("writing the report")?;
    summary(&results, unit);
    outln!(
        "results: {}\nreport:  {}\ntotal time {:.1} s",
        out.join("results.json").display(),
        files.html.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn opt(v: Option<f64>, unit: Unit) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{:.4}", unit.from_nats(v)))
}

/// The headline numbers.
fn summary(r: &BalancedResults, unit: Unit) {
    if let Some(s) = &r.sweep {
        outln!("information rate I(stimulus; ν) against balance b ({unit}/τ, mean ± sd):");
        for p in &s.points {
            outln!(
                "  g = {:<4} σ = {:<5} b = {:<5} {} ± {}  (time constant {:.3} τ, β {:.3}{})",
                p.g,
                p.sigma,
                p.b,
                opt(p.rate, unit),
                opt(p.rate_sd, unit),
                p.time_constant.unwrap_or(f64::NAN),
                p.cancellation.unwrap_or(f64::NAN),
                if p.failed > 0 {
                    format!(
                        ", {} trials failed: {}",
                        p.failed,
                        p.error.as_deref().unwrap_or("")
                    )
                } else {
                    String::new()
                }
            );
        }
        for c in &s.fits {
            let (g, sigma) = (c.g, c.sigma);
            match &c.fit {
                Some(f) => outln!(
                    "  g = {g}, σ = {sigma}: slope {:.4} {unit}/τ per unit b, R² {:.3} ({} points)",
                    unit.from_nats(f.slope),
                    f.r2,
                    f.points
                ),
                None => outln!("  g = {g}, σ = {sigma}: no line (fewer than 3 points with a rate)"),
            }
        }
    }
    if let Some(t) = &r.training {
        for run in &t.runs {
            let (Some(first), Some(last)) = (run.log.first(), run.log.last()) else {
                continue;
            };
            outln!(
                "training S = {}: epochs {} → {}: test error {:.4} → {:.4}, balance {:.3} → {:.3}, \
                 β {:.3} → {:.3}, rate {} → {} {unit}/τ",
                run.channels,
                first.epoch,
                last.epoch,
                first.test_error,
                last.test_error,
                first.balance,
                last.balance,
                first.cancellation,
                last.cancellation,
                opt(first.rate, unit),
                opt(last.rate, unit)
            );
            if let Some(c) = &run.clusters {
                outln!(
                    "  clusters {:?}: mean J within {:.4}, between {:.4}",
                    c.sizes,
                    c.within,
                    c.between
                );
            }
            if let Some(e) = &run.error {
                outln!("  stopped early: {e}");
            }
        }
    }
}
