//! `infoscope run FILE` for a flux experiment (`kind = "flux"`): the sweep, the evolution runs
//! and the networks from files, then `results.json` and `report.html`. Progress on stderr.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use infoscope_analysis::flux::evolution::{EvolutionResults, FitnessKind};
use infoscope_analysis::flux::{
    FluxExperiment, FluxMeasures, FluxProgress, FluxResults, run_flux_experiment,
};
use infoscope_estimators::Unit;
use infoscope_report::{ReportOptions, write_flux_report};

use crate::experiment::RunArgs;
use crate::guard;
use crate::output::outln;
use crate::progress::Progress;

/// Run the flux experiment in `path` as `infoscope run` was asked to.
pub fn run(args: &RunArgs, path: &Path) -> Result<()> {
    let started = Instant::now();
    let exp = FluxExperiment::read(path)?;
    let out: PathBuf = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("runs").join(&exp.name));
    let mut inputs: Vec<(&str, &Path)> = vec![("EXPERIMENT", path)];
    let files: Vec<(String, PathBuf)> = exp
        .networks
        .iter()
        .flat_map(|n| {
            std::iter::once(guard::array_file(&n.weights))
                .chain(n.bias.as_deref().map(guard::array_file))
                .map(|p| (format!("networks.{}", n.name), p))
        })
        .collect();
    for (name, p) in &files {
        inputs.push((name.as_str(), p.as_path()));
    }
    guard::inputs_outside("--out", &out, &inputs, guard::is_run_file)?;
    if !(args.resume && out.join("experiment.json").exists()) {
        guard::prepare_run_dir(&out, &exp, args.force)?;
    }
    let progress = Progress::new(exp.sweep.total() as u64);
    let mut on = |p: FluxProgress| {
        match p {
            FluxProgress::Stage { name, index, total } => progress.stage(name, index, total),
            FluxProgress::Done { name, seconds } => progress.done(name, seconds),
            FluxProgress::Sweep {
                done,
                total,
                resumed,
            } => progress.networks(done, total, resumed),
            FluxProgress::Generation(g) => progress.step(
                g.generations,
                g.generation,
                format!("generations of run {} (best {:.4})", g.run, g.best),
                format!(
                    "run {} generation {:>5}/{}  best fitness {:.5}",
                    g.run, g.generation, g.generations, g.best
                ),
            ),
            _ => {}
        }
        ControlFlow::Continue(())
    };
    let results = run_flux_experiment(&exp, &out, args.resume, &mut on).with_context(|| {
        format!(
            "running flux experiment {:?} into {}",
            exp.name,
            out.display()
        )
    })?;
    let unit = args.output.unit;
    let options = ReportOptions {
        unit,
        png: args.output.png,
        title: format!("infoscope: flux experiment {}", exp.name),
    };
    let files = write_flux_report(&results, &out, &options).context("writing the report")?;
    summary(&results, unit);
    outln!(
        "results: {}\nreport:  {}\ntotal time {:.1} s",
        out.join("results.json").display(),
        files.html.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `value` nats in `unit`, or why it is absent.
fn flux_text(m: &FluxMeasures, unit: Unit) -> String {
    match (&m.exact, m.flux_nats()) {
        (Some(_), Some(v)) => format!("{:.4} {unit} (exact)", unit.from_nats(v)),
        (None, Some(v)) => format!(
            "{:.4} {unit} (plug-in, Miller–Madow, first {} neurons)",
            unit.from_nats(v),
            m.sampled.as_ref().map_or(0, |s| s.plugin_subset.len())
        ),
        _ => format!(
            "not computed ({})",
            m.missing
                .values()
                .next()
                .map_or("no measure asked for", String::as_str)
        ),
    }
}

/// The headline numbers.
fn summary(r: &FluxResults, unit: Unit) {
    if let Some(s) = &r.sweep {
        outln!(
            "flux vs proxy over {} networks (N = {}):",
            s.networks.len(),
            r.config.sweep.n
        );
        for rel in &s.relations {
            let f = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.3}"));
            outln!(
                "  {:<28} Spearman ρ {}  isotonic R² {}  ({} networks)",
                rel.proxy.label(),
                f(rel.spearman),
                f(rel.explained),
                rel.networks
            );
        }
    }
    if let Some(e) = &r.evolution {
        // The fitness is in nats when it is the exact flux alone; otherwise it has no unit.
        let c = &r.config.evolution;
        let nats = c.fitness == FitnessKind::Exact && c.period_weight == 0.0;
        evolution_summary(e, unit, if nats { " nats" } else { "" });
    }
    for n in &r.networks {
        outln!(
            "network {}: I[x(t); x(t+1)] = {}",
            n.name,
            flux_text(&n.snapshot.measures, unit)
        );
    }
}

fn evolution_summary(e: &EvolutionResults, unit: Unit, fitness_unit: &str) {
    outln!("evolution (fitness: {}):", e.fitness);
    for run in &e.runs {
        let f = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.4}"));
        outln!(
            "  run {}: fitness {}{fitness_unit} → {}{fitness_unit} after {} evaluations; I = {}",
            run.run,
            f(run.before.fitness),
            f(run.after.fitness),
            run.evaluations,
            flux_text(&run.after.measures, unit)
        );
    }
    outln!(
        "  N-rooks reference: I = {}",
        flux_text(&e.rooks.measures, unit)
    );
}
