//! The flux experiment's page: the sweep (proxy relations), the evolution (runs and the
//! N-rooks reference), the networks from files (every measure, and why one is missing), each
//! with its figures or the reason a figure is not drawn; every setting.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use infoscope_analysis::estimators::Unit;
use infoscope_analysis::flux::evolution::{EvolutionResults, Snapshot};
use infoscope_analysis::flux::experiment::NamedNetwork;
use infoscope_analysis::flux::sweep::SweepResults;
use infoscope_analysis::flux::{FluxMeasures, FluxResults, MeasureConfig, ProxyKind};
use infoscope_analysis::nets::binary::{CorrelationProxies, Rms};

use super::{Provenance, esc, figure, list, page, row, settings_section, unit_note};
use crate::format::{self, unit_name};
use crate::specs::flux::{
    ATTRACTOR_PERIODS, EVOLUTION_FITNESS, EVOLUTION_WEIGHTS, FLUX_VS_PROXY, FitnessScale, Planned,
    Skipped, absent_reason, best_run, cycles, fixed, no_reference_line, plan, rooks_strength,
};
use crate::{Figure, ReportOptions};

/// The measures a [`FluxMeasures`] may hold, as its `missing` names them, and as the tables
/// name them.
const MEASURES: [(&str, &str); 3] = [
    ("exact", "Exact measures"),
    ("sampled", "Sampled measures"),
    ("attractors", "Attractors"),
];

/// The whole page.
pub(crate) fn render(results: &FluxResults, figures: &[Figure], options: &ReportOptions) -> String {
    let unit = options.unit;
    let planned = plan(results, unit);
    let mut body = String::new();
    sweep_section(&mut body, results, figures, &planned, unit);
    evolution_section(&mut body, results, figures, &planned, unit);
    networks_section(&mut body, results, unit);
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
        ("sweep", "Flux and proxies"),
        ("evolution", "Evolution"),
        ("networks", "Networks from files"),
        ("settings", "Settings"),
    ]
    .into_iter()
    .map(|(a, l)| (a.to_owned(), l.to_owned()))
    .collect();
    let count = |on: bool, n: usize, what: &str| {
        if on {
            format!("{n} {what}")
        } else {
            format!("no {what}")
        }
    };
    let lede = format!(
        "Flux experiment <strong>{experiment}</strong> (information flux of stochastic binary networks) · {sweep} · {runs} · {files} · infoscope {version} · {unit_note}",
        experiment = esc(&results.experiment),
        sweep = esc(&count(
            results.sweep.is_some(),
            results.sweep.as_ref().map_or(0, |s| s.networks.len()),
            "sweep networks"
        )),
        runs = esc(&count(
            results.evolution.is_some(),
            results.evolution.as_ref().map_or(0, |e| e.runs.len()),
            "evolution runs"
        )),
        files = esc(&count(true, results.networks.len(), "networks from files")),
        version = esc(&results.infoscope_version),
        unit_note = esc(&unit_note(unit)),
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

/// A value or "—".
fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

/// An information value in nats as "1.2345 bits".
fn info(nats: f64, unit: Unit) -> String {
    format!(
        "{} {}",
        format::value(unit.from_nats(nats)),
        unit_name(unit)
    )
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

/// The sweep: what was measured, the relation of each proxy, missing measures, the figure.
fn sweep_section(
    out: &mut String,
    results: &FluxResults,
    figures: &[Figure],
    planned: &[Planned],
    unit: Unit,
) {
    out.push_str("<section id=\"sweep\">\n<h2>Flux against its correlation proxies</h2>\n");
    match &results.sweep {
        None => out.push_str(
            "<p class=\"notes\">The sweep was not run (sweep.enabled = false): no proxy relation.</p>\n",
        ),
        Some(sweep) => sweep_tables(out, results, sweep, unit),
    }
    figure_or_note(out, FLUX_VS_PROXY, figures, planned);
    out.push_str("</section>\n");
}

/// The sweep's summary and relation tables and its missing measures.
fn sweep_tables(out: &mut String, results: &FluxResults, sweep: &SweepResults, unit: Unit) {
    let config = &results.config.sweep;
    let exact = sweep
        .networks
        .iter()
        .filter(|s| s.measures.exact.is_some())
        .count();
    let flux: Vec<f64> = sweep
        .networks
        .iter()
        .filter_map(|s| s.measures.flux_nats())
        .collect();
    out.push_str("<div class=\"tables\">\n<table class=\"summary\">\n<caption>Sweep</caption>\n");
    row(out, "Networks measured", &sweep.networks.len().to_string());
    row(out, "Neurons per network N", &config.n.to_string());
    let values = |v: &[f64]| {
        v.iter()
            .map(|x| format::trim(*x, 3))
            .collect::<Vec<_>>()
            .join(", ")
    };
    row(
        out,
        "Grid",
        &format!(
            "widths w = {}; densities d = {}; balances b = {}; {} networks per point",
            values(&config.widths),
            values(&config.densities),
            values(&config.balances),
            config.networks
        ),
    );
    row(
        out,
        "Flux",
        &format!(
            "exact for {exact}, plug-in (Miller–Madow) for {}, none for {}",
            flux.len() - exact.min(flux.len()),
            sweep.networks.len() - flux.len()
        ),
    );
    if let Some((lo, hi)) = format::finite_min_max(flux.iter().copied()) {
        row(
            out,
            "Flux range",
            &format!("{} – {}", info(lo, unit), info(hi, unit)),
        );
    }
    row(
        out,
        "Best proxy (highest Spearman ρ)",
        sweep.best_proxy.map_or("none", ProxyKind::label),
    );
    out.push_str("</table>\n<table class=\"relations\">\n<caption>How each proxy tracks the flux</caption>\n");
    head(
        out,
        &[
            "Proxy (dimensionless)".to_owned(),
            "Networks".to_owned(),
            "Spearman ρ".to_owned(),
            "Pearson r".to_owned(),
            "R² of the isotonic fit".to_owned(),
            "Fit pieces".to_owned(),
        ],
    );
    for r in &sweep.relations {
        let best = if sweep.best_proxy == Some(r.proxy) {
            " (best)"
        } else {
            ""
        };
        out.push_str("<tr>");
        cell(out, &format!("{}{best}", r.proxy.label()), false);
        cell(out, &r.networks.to_string(), true);
        cell(out, &fixed(r.spearman, 4), true);
        cell(out, &fixed(r.pearson, 4), true);
        cell(out, &fixed(r.explained, 4), true);
        cell(out, &r.fit.len().to_string(), true);
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    // Missing measures, grouped by measure and reason.
    let mut groups: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for s in &sweep.networks {
        for (measure, reason) in &s.measures.missing {
            *groups.entry((measure, reason)).or_default() += 1;
        }
    }
    let lines: Vec<String> = groups
        .into_iter()
        .map(|((measure, reason), n)| {
            format!(
                "{measure}: not computed for {n} of {} networks: {reason}",
                sweep.networks.len()
            )
        })
        .collect();
    let lines: Vec<&String> = lines.iter().collect();
    list(out, "notes missing", Some("Measures not computed"), &lines);
}

/// The evolution: the fitness, every run and the reference, the figures.
fn evolution_section(
    out: &mut String,
    results: &FluxResults,
    figures: &[Figure],
    planned: &[Planned],
    unit: Unit,
) {
    out.push_str("<section id=\"evolution\">\n<h2>Evolutionary maximisation of the flux</h2>\n");
    match &results.evolution {
        None => out.push_str(
            "<p class=\"notes\">The evolution was not run (evolution.enabled = false): no run and no N-rooks reference.</p>\n",
        ),
        Some(evolution) => evolution_table(out, results, evolution, unit),
    }
    for name in [EVOLUTION_FITNESS, EVOLUTION_WEIGHTS, ATTRACTOR_PERIODS] {
        figure_or_note(out, name, figures, planned);
    }
    out.push_str("</section>\n");
}

/// The table of the runs and the reference, and what could not be measured.
fn evolution_table(
    out: &mut String,
    results: &FluxResults,
    evolution: &EvolutionResults,
    unit: Unit,
) {
    let config = &results.config.evolution;
    let scale = FitnessScale::of(config, unit);
    let u = unit_name(unit);
    let best = best_run(&evolution.runs).map(|r| r.run);
    let _ = writeln!(
        out,
        "<p>Fitness: {}. {} run(s) of {} generations, N = {} neurons, λ = {} offspring per generation, μ = {} parent(s), mutation σ = {}, weights bounded by {}. The N-rooks reference puts one weight of {} on each row and column (a random derangement).</p>",
        esc(evolution.fitness.trim_end_matches('.')),
        evolution.runs.len(),
        config.generations,
        config.n,
        config.strategy.lambda,
        config.strategy.mu,
        esc(&format::trim(config.strategy.sigma, 4)),
        esc(&config
            .strategy
            .w_max
            .map_or("no box".to_owned(), |w| format!(
                "|θ| ≤ {}",
                format::trim(w, 3)
            ))),
        esc(&format::trim(rooks_strength(config), 3)),
    );
    if let Some(why) = no_reference_line(config) {
        let _ = writeln!(
            out,
            "<p class=\"notes\">The fitness figure has no N-rooks reference line: {}.</p>",
            esc(why)
        );
    }
    out.push_str("<div class=\"wide\">\n<table class=\"runs\">\n<caption>Runs and the N-rooks reference</caption>\n");
    head(
        out,
        &[
            "Network".to_owned(),
            format!("Start fitness ({})", scale.unit),
            format!("Final fitness ({})", scale.unit),
            "Evaluations".to_owned(),
            format!("Exact flux before ({u})"),
            format!("Exact flux after ({u})"),
            "Mean period (steps)".to_owned(),
            "Basin-weighted mean period (steps)".to_owned(),
            "Matched fraction".to_owned(),
            "Cycle lengths".to_owned(),
        ],
    );
    let fitness = |f: Option<f64>| or_dash(f.map(|v| format::value(scale.show(v))));
    let flux = |s: &Snapshot| {
        or_dash(
            s.measures
                .exact
                .as_ref()
                .map(|e| format::value(unit.from_nats(e.flux.information_nats))),
        )
    };
    let structure = |out: &mut String, s: &Snapshot| {
        let a = s.measures.attractors.as_ref();
        cell(
            out,
            &or_dash(a.map(|a| format::trim(a.mean_period, 3))),
            true,
        );
        cell(
            out,
            &or_dash(a.map(|a| format::trim(a.basin_weighted_mean_period, 3))),
            true,
        );
        cell(out, &format::trim(s.structure.matched_fraction, 3), true);
        cell(out, &cycles(&s.structure.cycle_lengths), false);
    };
    for run in &evolution.runs {
        let mark = if best == Some(run.run) { " (best)" } else { "" };
        out.push_str("<tr>");
        cell(out, &format!("run {}{mark}", run.run), false);
        cell(out, &fitness(run.before.fitness), true);
        cell(out, &fitness(run.after.fitness), true);
        cell(out, &run.evaluations.to_string(), true);
        cell(out, &flux(&run.before), true);
        cell(out, &flux(&run.after), true);
        structure(out, &run.after);
        out.push_str("</tr>\n");
    }
    out.push_str("<tr>");
    cell(out, "N-rooks reference", false);
    for _ in 0..4 {
        cell(out, "—", true);
    }
    cell(out, &flux(&evolution.rooks), true);
    structure(out, &evolution.rooks);
    out.push_str("</tr>\n</tbody>\n");
    let _ = writeln!(
        out,
        "<tfoot><tr><td colspan=\"10\">{}</td></tr></tfoot>",
        esc(
            "Fitness as the run defines it, before any weight penalty; start: the initial network, final: the best network found. Periods and structure: of the network after evolution (the reference's own). The reference has no fitness of its own; each run's seed is listed with the settings."
        )
    );
    out.push_str("</table>\n</div>\n");
    let mut lines = Vec::new();
    for (label, s) in evolution
        .runs
        .iter()
        .flat_map(|r| {
            [
                (format!("run {} before", r.run), &r.before),
                (format!("run {} after", r.run), &r.after),
            ]
        })
        .chain(std::iter::once((
            "N-rooks reference".to_owned(),
            &evolution.rooks,
        )))
    {
        for (measure, reason) in &s.measures.missing {
            lines.push(format!("{label}, {measure}: {reason}"));
        }
    }
    let lines: Vec<&String> = lines.iter().collect();
    list(out, "notes missing", Some("Measures not computed"), &lines);
}

/// One RMS proxy as "0.1234 (12 pairs)" or why it has no value.
fn rms(r: &Rms) -> String {
    match r.value {
        Some(v) => format!("{} ({} pairs)", format::value(v), r.pairs),
        None => format!(
            "— (no pair with two varying neurons; {} excluded)",
            r.excluded
        ),
    }
}

/// The three proxies of `p` as table rows, `how` saying where they come from.
fn proxy_rows(rows: &mut Vec<(String, String)>, p: &CorrelationProxies, how: &str) {
    for kind in ProxyKind::ALL {
        let r = match kind {
            ProxyKind::EqualTime => &p.equal_time,
            ProxyKind::LaggedAll => &p.lagged_all,
            ProxyKind::LaggedOffDiagonal => &p.lagged_off_diagonal,
        };
        rows.push((format!("{}, {how} (dimensionless)", kind.label()), rms(r)));
    }
}

/// Every measure of `m` as `(key, value)` rows, with the reason for each absent one (`config`:
/// the measure settings it was computed under).
fn measure_rows(m: &FluxMeasures, config: &MeasureConfig, unit: Unit) -> Vec<(String, String)> {
    let mut rows = vec![("Neurons N".to_owned(), m.n.to_string())];
    if let Some(e) = &m.exact {
        rows.push((
            "Exact flux I[x(t); x(t+1)]".to_owned(),
            info(e.flux.information_nats, unit),
        ));
        rows.push((
            "Exact H(x(t+1))".to_owned(),
            info(e.flux.next_entropy_nats, unit),
        ));
        rows.push((
            "Exact H(x(t+1) | x(t)) (entropy rate)".to_owned(),
            info(e.flux.conditional_entropy_nats, unit),
        ));
        proxy_rows(&mut rows, &e.proxies, "exact");
        rows.push((
            "Stationary distribution".to_owned(),
            format!(
                "power iterations: {}; residual {:.2e} (total variation); contraction |λ₂| ≈ {}",
                e.iterations,
                e.residual,
                format::trim(e.contraction, 4)
            ),
        ));
    }
    if let Some(s) = &m.sampled {
        rows.push((
            "Simulation".to_owned(),
            format!(
                "{} steps after {} burn-in steps, seed {}",
                s.steps, s.burn_in, s.seed
            ),
        ));
        proxy_rows(&mut rows, &s.proxies, "sampled");
        let subset: Vec<String> = s.plugin_subset.iter().map(ToString::to_string).collect();
        rows.push((
            format!("Plug-in flux of neurons {}", subset.join(", ")),
            format!(
                "{} (Miller–Madow {}; {} pairs)",
                info(s.plugin.plugin_nats, unit),
                info(s.plugin.miller_madow_nats, unit),
                s.plugin.pairs
            ),
        ));
    }
    if let Some(a) = &m.attractors {
        rows.push((
            "Attractors of the deterministic limit".to_owned(),
            format!(
                "{} cycles from {} states; mean period {} steps, basin-weighted {} steps, longest {} steps",
                a.n_cycles,
                a.n_states,
                format::trim(a.mean_period, 3),
                format::trim(a.basin_weighted_mean_period, 3),
                a.max_period
            ),
        ));
    }
    let present = [
        m.exact.is_some(),
        m.sampled.is_some(),
        m.attractors.is_some(),
    ];
    for ((measure, name), present) in MEASURES.iter().zip(present) {
        if present {
            continue;
        }
        let reason = absent_reason(m, measure, config);
        let value = if m.missing.contains_key(*measure) {
            format!("not computed: {reason}")
        } else {
            reason
        };
        rows.push(((*name).to_owned(), value));
    }
    let known = |k: &str| MEASURES.iter().any(|(m, _)| *m == k);
    for (measure, reason) in m.missing.iter().filter(|(k, _)| !known(k)) {
        rows.push((measure.clone(), format!("not computed: {reason}")));
    }
    rows
}

/// The networks the experiment names: every measure of each.
fn networks_section(out: &mut String, results: &FluxResults, unit: Unit) {
    let networks: &[NamedNetwork] = &results.networks;
    out.push_str("<section id=\"networks\">\n<h2>Networks from files</h2>\n");
    if networks.is_empty() {
        out.push_str(
            "<p class=\"notes\">The experiment names no network file ([[networks]]).</p>\n",
        );
    }
    out.push_str("<div class=\"tables\">\n");
    for net in networks {
        let _ = writeln!(
            out,
            "<table class=\"summary network\" id=\"network-{}\">\n<caption>{}</caption>",
            esc(&net.name),
            esc(&net.name)
        );
        row(out, "Weights file", &net.weights_file);
        row(
            out,
            "Bias file",
            net.bias_file
                .as_deref()
                .unwrap_or("none (the bias rule of the experiment)"),
        );
        let s = &net.snapshot.structure;
        row(
            out,
            "Permutation structure",
            &format!(
                "cycle lengths {}; matched fraction {}",
                cycles(&s.cycle_lengths),
                format::trim(s.matched_fraction, 3)
            ),
        );
        for (key, value) in measure_rows(&net.snapshot.measures, &results.config.measure, unit) {
            row(out, &key, &value);
        }
        out.push_str("</table>\n");
    }
    out.push_str("</div>\n</section>\n");
}
