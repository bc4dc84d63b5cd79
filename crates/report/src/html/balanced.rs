//! The balanced-network experiment's page: the rate-against-balance sweep (every grid point
//! and the least-squares line per g) and the training runs (per S, start and end of every
//! logged quantity, the clusters), each with its figures or the reason a figure is not drawn;
//! every setting.

use std::fmt::Write as _;

use infoscope_analysis::balanced::BalancedResults;
use infoscope_analysis::balanced::sweep::SweepResults;
use infoscope_analysis::balanced::training::{TrainingLog, TrainingResults, TrainingRun};
use infoscope_analysis::estimators::Unit;

use super::{Provenance, esc, figure, list, page, settings_section, unit_note};
use crate::format;
use crate::specs::balanced::{
    COUPLINGS_BY_CLUSTER, EIGENVALUES, RATE_DENSITY, RATE_VS_BALANCE, TIME_CONSTANT_VS_BALANCE,
    TRAINING_CURVES, baseline_words, ends, list as values, plan, rate_unit, sizes,
};
use crate::specs::flux::{Planned, Skipped};
use crate::{Figure, ReportOptions};

/// The whole page.
pub(crate) fn render(
    results: &BalancedResults,
    figures: &[Figure],
    options: &ReportOptions,
) -> String {
    let unit = options.unit;
    let planned = plan(results, unit);
    let mut body = String::new();
    sweep_section(&mut body, results, figures, &planned, unit);
    training_section(&mut body, results, figures, &planned, unit);
    let config = serde_json::to_value(&results.config).unwrap_or(serde_json::Value::Null);
    let provenance = Provenance {
        config: &config,
        seeds: &results.seeds,
        infoscope_version: &results.infoscope_version,
        schema_version: results.schema_version,
        experiment: &results.experiment,
        results_unit: &results.unit,
    };
    settings_section(&mut body, &provenance, unit);
    let nav: Vec<(String, String)> = [
        ("sweep", "Rate against balance"),
        ("training", "Training"),
        ("settings", "Settings"),
    ]
    .into_iter()
    .map(|(a, l)| (a.to_owned(), l.to_owned()))
    .collect();
    let sweep = match &results.sweep {
        Some(s) => format!(
            "{} sweep grid points, {} trials",
            s.points.len(),
            s.runs.len()
        ),
        None => "no sweep".to_owned(),
    };
    let training = match &results.training {
        Some(t) => format!("{} training runs", t.runs.len()),
        None => "no training".to_owned(),
    };
    let lede = format!(
        "Balanced-network experiment <strong>{experiment}</strong> (information rate of balanced rate networks tracking Ornstein–Uhlenbeck signals, Engelken &amp; Goedeke 2022) · {sweep} · {training} · infoscope {version} · {unit_note}",
        experiment = esc(&results.experiment),
        sweep = esc(&sweep),
        training = esc(&training),
        version = esc(&results.infoscope_version),
        unit_note = esc(&format!(
            "{}; rates in {} (per neuronal time constant τ)",
            unit_note(unit),
            rate_unit(unit)
        )),
    );
    page(&options.title, &lede, &nav, &body)
}

/// The figure `name` from `figures`, or the note why it is not drawn.
fn figure_or_note(out: &mut String, name: &str, figures: &[Figure], planned: &[Planned]) {
    if let Some(f) = figures.iter().find(|f| f.name == name) {
        figure(out, f);
    } else if let Some((_, Err(Skipped { what, reason }))) = planned.iter().find(|p| p.0 == name) {
        let _ = writeln!(
            out,
            "<p class=\"notes skipped\" id=\"skipped-{}\">{}: not drawn, because {}.</p>",
            esc(name),
            esc(what),
            esc(reason.trim_end_matches('.'))
        );
    }
}

/// A number for a table ("∞" for an infinite one), or "—" when absent or NaN.
fn num(value: Option<f64>) -> String {
    match value {
        Some(v) if !v.is_nan() => format::value(v),
        _ => "—".to_owned(),
    }
}

/// A rate in nats/τ as a table number in `unit`/τ, or "—".
fn rate(nats: Option<f64>, unit: Unit) -> String {
    num(nats.map(|v| unit.from_nats(v)))
}

/// A table cell (`num` for numbers).
fn cell(out: &mut String, text: &str, num: bool) {
    if num {
        let _ = write!(out, "<td class=\"num\">{}</td>", esc(text));
    } else {
        let _ = write!(out, "<td>{}</td>", esc(text));
    }
}

/// A table head row of `headers`.
fn head(out: &mut String, headers: &[String]) {
    out.push_str("<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

/// The sweep: its settings, every grid point, the lines, the figures.
fn sweep_section(
    out: &mut String,
    results: &BalancedResults,
    figures: &[Figure],
    planned: &[Planned],
    unit: Unit,
) {
    out.push_str("<section id=\"sweep\">\n<h2>Information rate against the balance factor</h2>\n");
    match &results.sweep {
        None => out.push_str(
            "<p class=\"notes\">The sweep was not run (sweep.enabled = false): no rate against balance.</p>\n",
        ),
        Some(sweep) => sweep_tables(out, results, sweep, unit),
    }
    for name in [RATE_VS_BALANCE, RATE_DENSITY, TIME_CONSTANT_VS_BALANCE] {
        figure_or_note(out, name, figures, planned);
    }
    out.push_str("</section>\n");
}

/// The grid-point and fit tables of the sweep.
fn sweep_tables(out: &mut String, results: &BalancedResults, sweep: &SweepResults, unit: Unit) {
    let config = &results.config.sweep;
    let u = rate_unit(unit);
    let cutoff = config.rate.cutoff.map_or_else(
        || "the Nyquist frequency".to_owned(),
        |c| format!("{} cycles/τ", format::trim(c, 3)),
    );
    let _ = writeln!(
        out,
        "<p>Untrained networks of N = {} neurons (τ dh/dt = −h + Jφ(h) + b·I(t) + ξ, φ = ReLU, mean coupling −b·J₀/N with J₀ = {}, random couplings of std g/√N, private noise σ = {}) driven by an Ornstein–Uhlenbeck stimulus I(t) (offset {}, standard deviation {}, correlation time {} τ), over g = {} and b = {}; {} network(s) per grid point, {} trials each, {} τ recorded after {} τ of burn-in at Δt = {} τ. The rate between I(t) and the population rate ν(t) is the Welch coherence rate ({} samples per segment, integrated up to {}, {}).</p>",
        config.n,
        esc(&format::trim(config.j0, 4)),
        esc(&values(&config.sigma)),
        esc(&format::trim(config.i0, 4)),
        esc(&format::trim(config.i1, 4)),
        esc(&format::trim(config.tau_s, 4)),
        esc(&values(&config.g)),
        esc(&values(&config.b)),
        config.networks,
        config.trials,
        esc(&format::trim(config.duration, 4)),
        esc(&format::trim(config.burn_in, 4)),
        esc(&format::trim(config.dt, 6)),
        config.rate.nperseg,
        esc(&cutoff),
        esc(baseline_words(config.rate.baseline)),
    );
    out.push_str("<div class=\"wide\">\n<table class=\"points\">\n<caption>Grid points (means over the trials)</caption>\n");
    head(
        out,
        &[
            "g".to_owned(),
            "σ".to_owned(),
            "b".to_owned(),
            "Trials with a rate".to_owned(),
            "Trials failed".to_owned(),
            format!("Rate mean ({u})"),
            format!("Rate sd ({u})"),
            "Time constant (τ)".to_owned(),
            "Autocorrelation time of ν (τ)".to_owned(),
            "Cancellation β".to_owned(),
            "Mean ν".to_owned(),
            "First failure".to_owned(),
        ],
    );
    for p in &sweep.points {
        out.push_str("<tr>");
        cell(out, &format::trim(p.g, 4), true);
        cell(out, &format::trim(p.sigma, 4), true);
        cell(out, &format::trim(p.b, 4), true);
        cell(out, &p.count.to_string(), true);
        cell(out, &p.failed.to_string(), true);
        cell(out, &rate(p.rate, unit), true);
        cell(out, &rate(p.rate_sd, unit), true);
        cell(out, &num(p.time_constant), true);
        cell(out, &num(p.autocorrelation_time), true);
        cell(out, &num(p.cancellation), true);
        cell(out, &num(p.mean_rate), true);
        cell(out, p.error.as_deref().unwrap_or("—"), false);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n");
    let _ = writeln!(
        out,
        "<tfoot><tr><td colspan=\"12\">{}</td></tr></tfoot>",
        esc(&format!(
            "Rate: the information rate between the stimulus I(t) and the population rate ν(t), mean and standard deviation (n − 1) over the trials with a rate, in {u}. Time constant: the linearised population time constant τ/(1 + b·J₀·f), f the active fraction of neurons (∞: the linearisation is unstable). β = |⟨I_ext + I_rec⟩| / ⟨I_ext⟩ (tightness 1/β). Mean ν: the time-averaged population rate."
        ))
    );
    out.push_str("</table>\n</div>\n");
    out.push_str(
        "<table class=\"fits\">\n<caption>The rate against b: least-squares line per g and σ</caption>\n",
    );
    head(
        out,
        &[
            "g".to_owned(),
            "σ".to_owned(),
            format!("Slope ({u} per unit b)"),
            format!("Intercept ({u})"),
            "R²".to_owned(),
            "Points".to_owned(),
        ],
    );
    for c in &sweep.fits {
        out.push_str("<tr>");
        cell(out, &format::trim(c.g, 4), true);
        cell(out, &format::trim(c.sigma, 4), true);
        match &c.fit {
            Some(f) => {
                cell(out, &rate(Some(f.slope), unit), true);
                cell(out, &rate(Some(f.intercept), unit), true);
                cell(out, &num(Some(f.r2)), true);
                cell(out, &f.points.to_string(), true);
            }
            None => {
                let _ = write!(
                    out,
                    "<td colspan=\"4\">{}</td>",
                    esc("no line: fewer than 3 grid points with a rate")
                );
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    let failed: usize = sweep.points.iter().map(|p| p.failed).sum();
    if failed > 0 {
        let line = format!(
            "{failed} of {} trials have no rate; the first reason per grid point is in the table.",
            sweep.runs.len()
        );
        list(
            out,
            "notes missing",
            Some("Trials without a rate"),
            &[&line],
        );
    }
}

/// "start → end" of a logged value.
fn start_end(run: &TrainingRun, value: &dyn Fn(&TrainingLog) -> Option<f64>) -> String {
    match ends(run) {
        Some((a, b)) => format!("{} → {}", num(value(a)), num(value(b))),
        None => "—".to_owned(),
    }
}

/// The training runs: settings, one row per S, the figures.
fn training_section(
    out: &mut String,
    results: &BalancedResults,
    figures: &[Figure],
    planned: &[Planned],
    unit: Unit,
) {
    out.push_str("<section id=\"training\">\n<h2>Training to track the stimuli</h2>\n");
    match &results.training {
        None => out.push_str(
            "<p class=\"notes\">Training was not run (training.enabled = false): no trained network.</p>\n",
        ),
        Some(training) => training_table(out, results, training, unit),
    }
    for name in [TRAINING_CURVES, EIGENVALUES, COUPLINGS_BY_CLUSTER] {
        figure_or_note(out, name, figures, planned);
    }
    out.push_str("</section>\n");
}

/// The table of the training runs and their notes.
fn training_table(
    out: &mut String,
    results: &BalancedResults,
    training: &TrainingResults,
    unit: Unit,
) {
    let config = &results.config.training;
    let u = rate_unit(unit);
    let _ = writeln!(
        out,
        "<p>The training code's tracking task: one network of N = {} neurons per number of signals S ({}), initial balance b = {}, g = {}, Adam with learning rate {}, {} epochs (a fresh batch each), logged every {} epochs; the rate between the stimuli and the readout on a test series of {} steps ({} samples per segment, {}).</p>",
        config.n,
        esc(&config
            .channels
            .iter()
            .map(|s| format!("S = {s}"))
            .collect::<Vec<_>>()
            .join(", ")),
        esc(&format::trim(config.b, 4)),
        esc(&format::trim(config.g, 4)),
        esc(&format::trim(config.lr, 6)),
        config.epochs,
        config.log_every,
        config.rate_steps,
        config.rate.nperseg,
        esc(baseline_words(config.rate.baseline)),
    );
    out.push_str("<div class=\"wide\">\n<table class=\"runs\">\n<caption>Training runs (start → end)</caption>\n");
    head(
        out,
        &[
            "S".to_owned(),
            "Epochs".to_owned(),
            "Test error".to_owned(),
            "Balance |mean J / mean J_init|".to_owned(),
            "Cancellation β".to_owned(),
            format!("Rate ({u})"),
            "Cluster sizes".to_owned(),
            "Mean J within / between".to_owned(),
            "Stopped early".to_owned(),
        ],
    );
    for run in &training.runs {
        out.push_str("<tr>");
        cell(out, &run.channels.to_string(), true);
        cell(
            out,
            &run.log
                .last()
                .map_or_else(|| "—".to_owned(), |l| l.epoch.to_string()),
            true,
        );
        cell(out, &start_end(run, &|l| Some(l.test_error)), true);
        cell(out, &start_end(run, &|l| Some(l.balance)), true);
        cell(out, &start_end(run, &|l| Some(l.cancellation)), true);
        cell(
            out,
            &start_end(run, &|l| l.rate.map(|r| unit.from_nats(r))),
            true,
        );
        match &run.clusters {
            Some(c) => {
                cell(out, &sizes(&c.sizes), false);
                cell(
                    out,
                    &format!("{} / {}", format::value(c.within), format::value(c.between)),
                    true,
                );
            }
            None => {
                let why = match (&run.clusters_error, run.channels) {
                    (Some(e), _) => format!("none: {e}"),
                    (None, 1) => "— (S = 1: no clusters)".to_owned(),
                    (None, _) => "none recorded".to_owned(),
                };
                cell(out, &why, false);
                cell(out, "—", true);
            }
        }
        cell(out, run.error.as_deref().unwrap_or("no"), false);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n");
    let _ = writeln!(
        out,
        "<tfoot><tr><td colspan=\"9\">{}</td></tr></tfoot>",
        esc(&format!(
            "Start: epoch 0 (before training); end: the last log entry. Test error: the loss on the fixed test batch. Rate: between the S stimuli and the readout, in {u}. Clusters: k-means (k = S) on the rows of the trained J, with the mean J_ij within and between clusters."
        ))
    );
    out.push_str("</table>\n</div>\n");
    let mut lines = Vec::new();
    for run in &training.runs {
        for l in &run.log {
            if let Some(e) = &l.rate_error {
                lines.push(format!("S = {}, epoch {}: {e}", run.channels, l.epoch));
            }
        }
    }
    let lines: Vec<&String> = lines.iter().collect();
    list(out, "notes missing", Some("Rates not estimated"), &lines);
}
