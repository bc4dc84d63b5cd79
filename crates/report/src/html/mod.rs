//! The self-contained `report.html` pages: the pieces every page shares (the frame with its
//! style sheet, figures with their captions, tables, the settings section), the Go-task
//! report's page ([`go`]), the flux experiment's page ([`flux`]) and the balanced-network
//! experiment's page ([`balanced`]). Every text is escaped here; a page has no script and no
//! external resource.

pub(crate) mod balanced;
pub(crate) mod flux;
pub(crate) mod go;

use std::fmt::Write as _;

use infoscope_analysis::NamedSeed;
use infoscope_analysis::estimators::Unit;

use crate::Figure;

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

/// What unit the page uses, in a sentence.
pub(crate) fn unit_note(unit: Unit) -> String {
    match unit {
        Unit::Bits => {
            "all information values in bits = nats / ln 2 (results.json stores nats)".to_owned()
        }
        Unit::Nats => "all information values in nats (as results.json stores them)".to_owned(),
    }
}

/// One figure with its title and caption.
pub(crate) fn figure(out: &mut String, f: &Figure) {
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
pub(crate) fn row(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(
        out,
        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
        esc(key),
        esc(value)
    );
}

/// A list of `items` with an optional heading (nothing when empty).
pub(crate) fn list(out: &mut String, class: &str, heading: Option<&str>, items: &[&String]) {
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

/// The page around `body`: the head with the inline style sheet, the header with the title,
/// the `lede` (HTML, escaped by the caller) and a navigation list of `(anchor, label)` pairs,
/// then `body` (HTML) as the main content.
pub(crate) fn page(title: &str, lede: &str, nav: &[(String, String)], body: &str) -> String {
    let mut links = String::new();
    for (anchor, label) in nav {
        let _ = write!(
            links,
            "<li><a href=\"#{}\">{}</a></li>",
            esc(anchor),
            esc(label)
        );
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n\
         <p class=\"lede\">{lede}</p>\n\
         <nav><ul>{links}</ul></nav>\n</header>\n<main>\n{body}</main>\n</body>\n</html>\n",
        title = esc(title),
    )
}

/// Where a report's numbers came from: the configuration, seeds, versions and units of one
/// results file.
pub(crate) struct Provenance<'a> {
    /// The configuration as JSON.
    pub config: &'a serde_json::Value,
    /// Every seed used.
    pub seeds: &'a [NamedSeed],
    /// The infoscope version that computed the results.
    pub infoscope_version: &'a str,
    /// The results file's schema version.
    pub schema_version: u32,
    /// The experiment's name.
    pub experiment: &'a str,
    /// The unit the results file stores.
    pub results_unit: &'a str,
}

/// The settings section: the flattened configuration, the seeds, the versions and units.
pub(crate) fn settings_section(out: &mut String, provenance: &Provenance<'_>, unit: Unit) {
    out.push_str("<section id=\"settings\">\n<h2>Settings</h2>\n<table class=\"settings\">\n<caption>Configuration (results.config)</caption>\n<thead><tr><th>Setting</th><th>Value</th></tr></thead>\n<tbody>\n");
    let mut flat = vec![];
    flatten("", provenance.config, &mut flat);
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
    if provenance.seeds.is_empty() {
        out.push_str("<tr><td colspan=\"2\">none recorded</td></tr>\n");
    }
    for seed in provenance.seeds {
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
    row(out, "infoscope", provenance.infoscope_version);
    row(out, "infoscope-report", env!("CARGO_PKG_VERSION"));
    row(
        out,
        "results schema",
        &provenance.schema_version.to_string(),
    );
    row(out, "experiment", provenance.experiment);
    row(out, "unit in results.json", provenance.results_unit);
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
