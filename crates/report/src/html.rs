//! The self-contained `report.html`: summary tables, the figures inline, every setting.

use std::fmt::Write as _;

use infoscope_analysis::estimators::Unit;
use infoscope_analysis::{MiPanel, NetworkAnalysis, Results};

use crate::format::{self, unit_name};
use crate::specs::{self, COMPARISON, NETWORK_SUFFIXES, TimeScale};
use crate::{Figure, ReportOptions};

/// The page's style sheet.
const CSS: &str = include_str!("report.css");

/// Escapes `text` for HTML text and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

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
    settings_section(&mut body, results, unit);
    let mut nav = String::new();
    for (net, slug) in results.networks.iter().zip(&slugs) {
        let _ = write!(
            nav,
            "<li><a href=\"#net-{}\">{}</a></li>",
            esc(slug),
            esc(&net.name)
        );
    }
    if body.contains("<section id=\"comparison\">") {
        nav.push_str("<li><a href=\"#comparison\">Comparison</a></li>");
    }
    nav.push_str("<li><a href=\"#settings\">Settings</a></li>");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n\
         <p class=\"lede\">Experiment <strong>{experiment}</strong> · {n} network(s) · infoscope {version} · {unit_note}</p>\n\
         <nav><ul>{nav}</ul></nav>\n</header>\n<main>\n{body}</main>\n</body>\n</html>\n",
        title = esc(&options.title),
        experiment = esc(&results.experiment),
        n = results.networks.len(),
        version = esc(&results.infoscope_version),
        unit_note = esc(&unit_note(unit)),
    )
}

/// What unit the page uses, in a sentence.
fn unit_note(unit: Unit) -> String {
    match unit {
        Unit::Bits => {
            "all information values in bits = nats / ln 2 (results.json stores nats)".to_owned()
        }
        Unit::Nats => "all information values in nats (as results.json stores them)".to_owned(),
    }
}

/// One figure with its title and caption.
fn figure(out: &mut String, f: &Figure) {
    let _ = writeln!(
        out,
        "<figure id=\"fig-{name}\">\n<div class=\"plot\">{svg}</div>\n<figcaption><strong>{title}.</strong> {caption} <span class=\"file\">figures/{name}.svg</span></figcaption>\n</figure>",
        name = esc(&f.name),
        title = esc(&f.title),
        svg = inline_svg(&f.svg),
        caption = esc(&f.caption),
    );
}

/// The SVG as it goes into the page: without an XML declaration, if one slipped in.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    }
}

/// A two-column table row.
fn row(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(
        out,
        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
        esc(key),
        esc(value)
    );
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

/// A list of `items` with an optional heading (nothing when empty).
fn list(out: &mut String, class: &str, heading: Option<&str>, items: &[&String]) {
    if items.is_empty() {
        return;
    }
    if let Some(h) = heading {
        let _ = writeln!(out, "<h3>{}</h3>", esc(h));
    }
    let _ = write!(out, "<ul class=\"{}\">", esc(class));
    for item in items {
        let _ = write!(out, "<li>{}</li>", esc(item));
    }
    out.push_str("</ul>\n");
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

/// Settings, seeds, versions and the unit note.
fn settings_section(out: &mut String, results: &Results, unit: Unit) {
    out.push_str("<section id=\"settings\">\n<h2>Settings</h2>\n<table class=\"settings\">\n<caption>Configuration (results.config)</caption>\n<thead><tr><th>Setting</th><th>Value</th></tr></thead>\n<tbody>\n");
    let mut flat = vec![];
    flatten("", &results.config, &mut flat);
    if flat.is_empty() {
        out.push_str("<tr><td colspan=\"2\">empty</td></tr>\n");
    }
    for (key, value) in flat {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
            esc(&key),
            esc(&value)
        );
    }
    out.push_str("</tbody>\n</table>\n<table class=\"seeds\">\n<caption>Seeds</caption>\n<thead><tr><th>Drives</th><th>Seed</th></tr></thead>\n<tbody>\n");
    if results.seeds.is_empty() {
        out.push_str("<tr><td colspan=\"2\">none recorded</td></tr>\n");
    }
    for seed in &results.seeds {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&seed.name),
            seed.seed
        );
    }
    out.push_str(
        "</tbody>\n</table>\n<table class=\"versions\">\n<caption>Versions and units</caption>\n",
    );
    row(out, "infoscope", &results.infoscope_version);
    row(out, "infoscope-report", env!("CARGO_PKG_VERSION"));
    row(out, "results schema", &results.schema_version.to_string());
    row(out, "experiment", &results.experiment);
    row(out, "unit in results.json", &results.unit);
    row(out, "unit in this report", &unit_note(unit));
    row(out, "figure font", "DejaVu Sans (Bitstream Vera licence)");
    out.push_str("</table>\n</section>\n");
}

/// Flattens JSON to `(dotted.key, value)` pairs: objects by key, arrays holding objects or
/// arrays by `[index]`; arrays of scalars stay one value.
pub(crate) fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                flatten(&key(k), v, out);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), item, out);
            }
        }
        Value::Null if prefix.is_empty() => {}
        Value::String(s) => out.push((display_key(prefix), s.clone())),
        other => out.push((display_key(prefix), other.to_string())),
    }
}

/// The key of a top-level scalar configuration.
fn display_key(prefix: &str) -> String {
    if prefix.is_empty() {
        "(config)".to_owned()
    } else {
        prefix.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn flattens_nested_config() {
        let config = serde_json::json!({
            "task": {"name": "go", "dt": 20.0},
            "estimators": [{"kind": "ksg", "k": 3}],
            "seeds": [1, 2],
            "empty": {}
        });
        let mut flat = vec![];
        flatten("", &config, &mut flat);
        let flat: Vec<(&str, &str)> = flat.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            flat,
            [
                ("empty", "{}"),
                ("estimators[0].k", "3"),
                ("estimators[0].kind", "ksg"),
                ("seeds", "[1,2]"),
                ("task.dt", "20.0"),
                ("task.name", "go"),
            ]
        );
    }
}
