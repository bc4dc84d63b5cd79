//! The Go-task report's page: per network a summary, the curve maxima, notes and figures; the
//! comparison figures; every setting.

use std::fmt::Write as _;

use infoscope_analysis::estimators::Unit;
use infoscope_analysis::{MiPanel, NetworkAnalysis, Results};

use super::{Provenance, esc, figure, list, page, row, settings_section, unit_note};
use crate::format::{self, unit_name};
use crate::specs::{self, COMPARISON, NETWORK_SUFFIXES, TimeScale};
use crate::{Figure, ReportOptions};

/// The whole page.
pub(crate) fn render(results: &Results, figures: &[Figure], options: &ReportOptions) -> String {
    let unit = options.unit;
    let slugs = specs::network_slugs(results);
    let mut used = vec![false; figures.len()];
    let mut body = String::new();
    for (net, slug) in results.networks.iter().zip(&slugs) {
        let own: Vec<&Figure> = NETWORK_SUFFIXES
            .iter()
            .filter_map(|suffix| {
                let name = format!("{slug}_{suffix}");
                let i = figures.iter().position(|f| f.name == name)?;
                used[i] = true;
                Some(&figures[i])
            })
            .collect();
        network_section(&mut body, net, slug, &own, unit);
    }
    let rest: Vec<&Figure> = figures
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(f, _)| f)
        .collect();
    if !rest.is_empty() {
        let heading = if rest.iter().all(|f| f.name.starts_with(COMPARISON)) {
            "Comparison of the networks"
        } else {
            "Other figures"
        };
        let _ = writeln!(body, "<section id=\"comparison\">\n<h2>{heading}</h2>");
        for f in rest {
            figure(&mut body, f);
        }
        body.push_str("</section>\n");
    }
    let provenance = Provenance {
        config: &results.config,
        seeds: &results.seeds,
        infoscope_version: &results.infoscope_version,
        schema_version: results.schema_version,
        experiment: &results.experiment,
        results_unit: &results.unit,
    };
    settings_section(&mut body, &provenance, unit);
    let mut nav: Vec<(String, String)> = results
        .networks
        .iter()
        .zip(&slugs)
        .map(|(net, slug)| (format!("net-{slug}"), net.name.clone()))
        .collect();
    if body.contains("<section id=\"comparison\">") {
        nav.push(("comparison".to_owned(), "Comparison".to_owned()));
    }
    nav.push(("settings".to_owned(), "Settings".to_owned()));
    let lede = format!(
        "Experiment <strong>{experiment}</strong> · {n} network(s) · infoscope {version} · {unit_note}",
        experiment = esc(&results.experiment),
        n = results.networks.len(),
        version = esc(&results.infoscope_version),
        unit_note = esc(&unit_note(unit)),
    );
    page(&options.title, &lede, &nav, &body)
}

/// The section of one network: summary, curve maxima, notes, figures.
fn network_section(
    out: &mut String,
    net: &NetworkAnalysis,
    slug: &str,
    figures: &[&Figure],
    unit: Unit,
) {
    let _ = writeln!(
        out,
        "<section id=\"net-{}\">\n<h2>{}</h2>",
        esc(slug),
        esc(&net.name)
    );
    out.push_str("<div class=\"tables\">\n<table class=\"summary\">\n<caption>Summary</caption>\n");
    for (key, value) in summary_rows(net, unit) {
        row(out, &key, &value);
    }
    out.push_str("</table>\n");
    maxima_table(out, net, unit);
    out.push_str("</div>\n");
    let notes: Vec<&String> = net
        .recording
        .notes
        .iter()
        .chain(&net.variables.warnings)
        .collect();
    list(out, "notes", None, &notes);
    let arrays: Vec<&String> = net.recording.arrays_read.iter().collect();
    list(
        out,
        "arrays-read",
        Some("Arrays read from the recording"),
        &arrays,
    );
    let gaps = specs::gap_notes(net);
    let gaps: Vec<&String> = gaps.iter().collect();
    list(
        out,
        "notes missing",
        Some("Values not computed (gaps in the figures)"),
        &gaps,
    );
    for f in figures {
        figure(out, f);
    }
    out.push_str("</section>\n");
}

/// The summary rows of one network (key, value), numbers converted for display only.
fn summary_rows(net: &NetworkAnalysis, unit: Unit) -> Vec<(String, String)> {
    let rec = &net.recording;
    let ts = TimeScale::of(net);
    let u = unit_name(unit);
    let neurons = &net.neurons;
    let spread = &neurons.peak_spread;
    let total = neurons.mi.len().max(rec.n_units);
    let ms = |steps: f64| format!("{} {}", format::trim(steps * ts.dt, 1), ts.unit);
    let mut rows = vec![
        (
            "Task".to_owned(),
            format!("{} ({} trials)", rec.task, rec.mode),
        ),
        ("Model".to_owned(), rec.model.clone()),
        ("Trials".to_owned(), rec.n_trials.to_string()),
        ("Time steps".to_owned(), rec.n_steps.to_string()),
        ("Hidden units".to_owned(), rec.n_units.to_string()),
        (
            "Step length dt".to_owned(),
            format!("{} ms", format::trim(rec.dt_ms, 4)),
        ),
        ("Recording seed".to_owned(), rec.seed.to_string()),
        (
            "Performance".to_owned(),
            rec.performance.map_or_else(
                || "not recorded".to_owned(),
                |p| {
                    format!(
                        "{} ({} % of trials correct)",
                        format::trim(p, 4),
                        format::trim(p * 100.0, 2)
                    )
                },
            ),
        ),
        (
            "Stimulus X".to_owned(),
            format!(
                "{} ({} classes; H(X) = {} {u})",
                net.variables.stimulus,
                net.variables.n_stimulus_classes,
                format::value(unit.from_nats(net.variables.stimulus_entropy))
            ),
        ),
        (
            "Target Y".to_owned(),
            if net.variables.has_targets {
                net.variables.target.clone()
            } else {
                format!("{} (no targets recorded)", net.variables.target)
            },
        ),
        (
            "Active neurons".to_owned(),
            format!(
                "{} / {total} (q ≤ {} after Benjamini–Hochberg, {} surrogates)",
                spread.n_active,
                format::trim(neurons.fdr, 4),
                neurons.n_surrogates
            ),
        ),
    ];
    if spread.n_active > 0 {
        rows.push((
            "Peak-time spread".to_owned(),
            format!(
                "{} ± {} (mean ± std); range {} – {}; IQR {}",
                ms(spread.mean_step),
                ms(spread.std_step),
                ms(spread.min_step as f64),
                ms(spread.max_step as f64),
                ms(spread.iqr_steps)
            ),
        ));
    }
    if !spread.per_epoch.is_empty() {
        let counts: Vec<String> = spread
            .per_epoch
            .iter()
            .map(|(e, n)| format!("{e}: {n}"))
            .collect();
        rows.push(("Peaks per epoch".to_owned(), counts.join(", ")));
    }
    let epochs = if net.time.epochs.is_empty() {
        net.time
            .epochs_note
            .clone()
            .unwrap_or_else(|| "none".to_owned())
    } else {
        let spans: Vec<String> = net
            .time
            .epochs
            .iter()
            .map(|e| {
                format!(
                    "{} {}–{}",
                    e.name,
                    format::trim(ts.at(e.start), 3),
                    ms(e.end as f64)
                )
            })
            .collect();
        spans.join(", ")
    };
    rows.push(("Task epochs".to_owned(), epochs));
    let r = &net.layer.reduction;
    rows.push((
        "Reduction (KSG, Gaussian)".to_owned(),
        format!(
            "{} to {} dims ({} % of the variance), fitted on {}",
            r.method,
            r.dims,
            format::trim(r.explained_variance * 100.0, 2),
            r.fitted_on
        ),
    ));
    rows
}

/// The table of every curve's maximum and its time.
fn maxima_table(out: &mut String, net: &NetworkAnalysis, unit: Unit) {
    let ts = TimeScale::of(net);
    let u = unit_name(unit);
    let layer = &net.layer;
    let panels: Vec<(&MiPanel, bool)> = [
        &layer.stimulus,
        &layer.target,
        &layer.trial,
        &layer.input_hidden,
        &layer.hidden_output,
    ]
    .into_iter()
    .map(|p| (p, false))
    .chain(std::iter::once((&net.successive.panel, true)))
    .collect();
    let _ = writeln!(
        out,
        "<table class=\"maxima\">\n<caption>Maximum of each curve over time</caption>\n<thead><tr><th>Quantity</th><th>Estimate</th><th>Maximum ({u})</th><th>At time ({})</th></tr></thead>\n<tbody>",
        ts.unit
    );
    let mut any = false;
    let mut saturated_mark = false;
    for (panel, successive) in panels {
        for curve in &panel.curves {
            any = true;
            let best = curve
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .fold(None, |best: Option<(usize, f64)>, (t, &v)| match best {
                    Some((_, b)) if b >= v => best,
                    _ => Some((t, v)),
                });
            let (value, time) = best.map_or(("—".to_owned(), "—".to_owned()), |(t, v)| {
                let at = format::trim(ts.at(t), 3);
                let at = if successive {
                    format!("{at} (pair t → t+1)")
                } else {
                    at
                };
                let mut value = format::value(unit.from_nats(v));
                if curve.saturated.contains(&t) {
                    value.push_str(" *");
                    saturated_mark = true;
                }
                (value, at)
            });
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&panel.quantity),
                esc(&specs::curve_label(curve)),
                esc(&value),
                esc(&time)
            );
        }
    }
    if !any {
        out.push_str("<tr><td colspan=\"4\">no curves</td></tr>\n");
    }
    out.push_str("</tbody>\n");
    if saturated_mark {
        let _ = writeln!(
            out,
            "<tfoot><tr><td colspan=\"4\">{}</td></tr></tfoot>",
            esc(specs::SATURATED_NOTE)
        );
    }
    out.push_str("</table>\n");
}
