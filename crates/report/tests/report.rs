//! The report from a synthetic fixture: figures, the HTML page and the files written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod fixture;
mod issue16;

use std::collections::BTreeSet;
use std::f64::consts::LN_2;

use common::{assert_svg, files_under, png_size, svg_size, svg_texts};
use infoscope_analysis::Results;
use infoscope_report::{Figure, ReportOptions, Unit, figures, render_html, write_report};

fn options(unit: Unit) -> ReportOptions {
    ReportOptions {
        unit,
        ..ReportOptions::default()
    }
}

fn find<'a>(figs: &'a [Figure], name: &str) -> &'a Figure {
    figs.iter().find(|f| f.name == name).unwrap_or_else(|| {
        panic!(
            "no figure {name} among {:?}",
            figs.iter().map(|f| &f.name).collect::<Vec<_>>()
        )
    })
}

#[test]
fn every_expected_figure_is_drawn_once_as_svg() {
    let figs = figures(&fixture::results(), &ReportOptions::default()).unwrap();
    let names: Vec<&str> = figs.iter().map(|f| f.name.as_str()).collect();
    let mut expected = vec![];
    for (net, trained) in [("leaky_rnn", true), ("reservoir", false)] {
        for suffix in [
            "layer_stimulus",
            "layer_target",
            "layer_trial",
            "layer_input_hidden",
            "successive",
            "neuron_heatmap",
            "peak_times",
        ] {
            expected.push(format!("{net}_{suffix}"));
        }
        if trained {
            for suffix in ["information_plane", "gradient_snr", "gradient_norms"] {
                expected.push(format!("{net}_{suffix}"));
            }
        }
        expected.push(format!("{net}_kt_sweep"));
    }
    expected.push("comparison_stimulus".to_owned());
    expected.push("comparison_peak_times".to_owned());
    assert_eq!(
        names, expected,
        "the empty hidden-output panel is skipped, the rest in order"
    );
    for f in &figs {
        assert_svg(f);
        assert!(!f.title.is_empty() && !f.caption.is_empty(), "{}", f.name);
    }
}

/// `(figure suffix, labels that must appear)`, with `{u}` for the unit's name.
const AXIS_LABELS: &[(&str, &[&str])] = &[
    (
        "leaky_rnn_layer_stimulus",
        &["time (ms)", "I(X; T_t) ({u})"],
    ),
    (
        "leaky_rnn_layer_target",
        &["time (ms)", "I(T_t; Y_t) ({u})"],
    ),
    (
        "leaky_rnn_layer_trial",
        &["time (ms)", "I(trial; T_t) ({u})"],
    ),
    (
        "leaky_rnn_layer_input_hidden",
        &["time (ms)", "I(input_t; h_t) ({u})"],
    ),
    (
        "leaky_rnn_successive",
        &["time t of the pair h_t → h_t+1 (ms)", "I(h_t; h_t+1) ({u})"],
    ),
    (
        "leaky_rnn_neuron_heatmap",
        &[
            "time (ms)",
            "neuron (active first, sorted by peak time)",
            "I(h_i(t); X) ({u})",
        ],
    ),
    (
        "leaky_rnn_peak_times",
        &["peak time (ms)", "active neurons (count)"],
    ),
    (
        "leaky_rnn_information_plane",
        &["I(X;T) ({u})", "I(T;Y) ({u})", "training step"],
    ),
    (
        "leaky_rnn_gradient_snr",
        &["training step", "SNR (dimensionless)"],
    ),
    (
        "leaky_rnn_gradient_norms",
        &[
            "training step",
            "gradient norm ‖·‖₂ (loss per parameter unit)",
        ],
    ),
    (
        "leaky_rnn_kt_sweep",
        &["noise variance σ² (activation units²)", "I ({u})"],
    ),
    ("comparison_stimulus", &["time (ms)", "I(X; T_t) ({u})"]),
    (
        "comparison_peak_times",
        &["peak time (ms)", "active neurons (count)"],
    ),
];

fn check_axis_labels(unit: Unit, name: &str, other: &str) {
    let figs = figures(&fixture::results(), &options(unit)).unwrap();
    for (figure, labels) in AXIS_LABELS {
        let f = find(&figs, figure);
        let texts = svg_texts(&f.svg);
        for label in *labels {
            let label = label.replace("{u}", name);
            assert!(
                texts.contains(&label),
                "{figure} lacks the axis label {label:?}; its texts: {texts:?}"
            );
        }
        assert!(
            !texts.iter().any(|t| t.contains(&format!("({other})"))),
            "{figure} mentions {other} in a {name} report"
        );
    }
}

#[test]
fn axis_labels_state_bits() {
    check_axis_labels(Unit::Bits, "bits", "nats");
}

#[test]
fn axis_labels_state_nats() {
    check_axis_labels(Unit::Nats, "nats", "bits");
}

#[test]
fn legends_name_bounds_nulls_ceilings_and_epochs() {
    let figs = figures(&fixture::results(), &ReportOptions::default()).unwrap();
    let texts = svg_texts(&find(&figs, "leaky_rnn_layer_stimulus").svg);
    for wanted in [
        "binned, 4 bins/unit",
        "KSG, k = 3",
        "KT, σ² = 0.1 (lower bound)",
        "KT, σ² = 0.1 (upper bound)",
        "binned, 4 bins/unit: null 95th percentile",
        &format!("H(X) = {:.4} bits", 8f64.ln() / LN_2),
        "fix1",
        "stim1",
        "delay1",
        "go1",
    ] {
        assert!(
            texts.iter().any(|t| t == wanted),
            "missing {wanted:?} in {texts:?}"
        );
    }
}

#[test]
fn summary_table_converts_nats_to_bits() {
    let results = fixture::results();
    let html = render_html(
        &results,
        &figures(&results, &ReportOptions::default()).unwrap(),
        &ReportOptions::default(),
    );
    let bits = format!("{:.4}", fixture::STIMULUS_MAX_NATS / LN_2);
    assert_eq!(bits, "2.1640");
    let at = format!("{}", fixture::PEAK_STEP as f64 * fixture::DT_MS);
    let row = format!(
        "<tr><td>I(X; T_t)</td><td>binned, 4 bins/unit</td><td class=\"num\">{bits}</td><td class=\"num\">{at}</td></tr>"
    );
    assert!(html.contains(&row), "no row {row}");
    assert!(html.contains("<th>Maximum (bits)</th>"));
    let nats = render_html(&results, &[], &options(Unit::Nats));
    assert!(nats.contains(&format!(
        "<td class=\"num\">{:.4}</td>",
        fixture::STIMULUS_MAX_NATS
    )));
    assert!(nats.contains("<th>Maximum (nats)</th>"));
    assert!(nats.contains("all information values in nats"));
}

#[test]
fn summary_table_has_the_recording_and_the_neurons() {
    let results = fixture::results();
    let html = render_html(&results, &[], &ReportOptions::default());
    for wanted in [
        "<td>go (random trials)</td>",
        "<td>leaky</td>",
        "<td>200</td>",
        "<td>20 ms</td>",
        "0.925 (92.5 % of trials correct)",
        "21 / 32 (q ≤ 0.05",
        "H(X) = 3.0000 bits",
    ] {
        assert!(html.contains(wanted), "summary lacks {wanted}");
    }
    let spread = &results.networks[0].neurons.peak_spread;
    let mean_ms = format!("{:.1}", spread.mean_step * fixture::DT_MS);
    let mean_ms = mean_ms.trim_end_matches('0').trim_end_matches('.');
    assert!(
        html.contains(&format!("{mean_ms} ms ± ")),
        "peak-time mean {mean_ms} ms not shown"
    );
}

#[test]
fn html_is_self_contained() {
    let results = fixture::results();
    let figs = figures(&results, &ReportOptions::default()).unwrap();
    let html = render_html(&results, &figs, &ReportOptions::default());
    assert!(html.starts_with("<!DOCTYPE html>"));
    let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !without_ns.contains("http://") && !without_ns.contains("https://"),
        "external URL in the page"
    );
    for banned in [
        "<img", "<script", "src=", "<link", "url(", "@import", "<iframe",
    ] {
        assert!(!html.contains(banned), "the page contains {banned}");
    }
    for f in &figs {
        assert!(html.contains(f.svg.trim()), "{} is not inline", f.name);
        assert!(html.contains(&format!("id=\"fig-{}\"", f.name)));
    }
}

#[test]
fn html_escapes_text() {
    let results = fixture::results();
    let figs = figures(&results, &ReportOptions::default()).unwrap();
    let html = render_html(
        &results,
        &figs,
        &ReportOptions {
            title: "a <title> & more".to_owned(),
            ..ReportOptions::default()
        },
    );
    assert!(html.contains("<title>a &lt;title&gt; &amp; more</title>"));
    assert!(html.contains("go &lt;fixture&gt;") && !html.contains("go <fixture>"));
    assert!(html.contains("a &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; value"));
    assert!(html.contains("reservoir &lt;untrained&gt; &amp; read out"));
    for f in &figs {
        assert!(
            html.contains(
                &f.caption
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('\'', "&#39;")
            ),
            "caption of {}",
            f.name
        );
    }
}

#[test]
fn html_lists_settings_seeds_and_versions() {
    let html = render_html(&fixture::results(), &[], &ReportOptions::default());
    for wanted in [
        "<code>task.dt_ms</code></td><td><code>20.0</code>",
        "<code>estimators[1].k</code></td><td><code>3</code>",
        "<code>training.lr</code>",
        "<td>surrogates</td><td class=\"num\">987654321</td>",
        "<td>0.1.0-test</td>",
        "<th scope=\"row\">results schema</th><td>1</td>",
        "bits = nats / ln 2",
    ] {
        assert!(html.contains(wanted), "settings lack {wanted}");
    }
}

#[test]
fn figures_sit_in_their_network_section() {
    let results = fixture::results();
    let figs = figures(&results, &ReportOptions::default()).unwrap();
    let html = render_html(&results, &figs, &ReportOptions::default());
    let leaky = html.find("id=\"net-leaky_rnn\"").unwrap();
    let reservoir = html.find("id=\"net-reservoir\"").unwrap();
    let comparison = html.find("id=\"comparison\"").unwrap();
    let settings = html.find("id=\"settings\"").unwrap();
    let at = |name: &str| html.find(&format!("id=\"fig-{name}\"")).unwrap();
    assert!(leaky < at("leaky_rnn_layer_stimulus") && at("leaky_rnn_kt_sweep") < reservoir);
    assert!(reservoir < at("reservoir_layer_stimulus") && at("reservoir_kt_sweep") < comparison);
    assert!(comparison < at("comparison_peak_times") && at("comparison_peak_times") < settings);
}

#[test]
fn clashing_network_names_get_distinct_files() {
    let mut results = fixture::results();
    results.networks[1].name = results.networks[0].name.to_uppercase();
    let figs = figures(&results, &ReportOptions::default()).unwrap();
    let names: BTreeSet<&str> = figs.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names.len(), figs.len());
    assert!(
        names.contains("leaky_rnn_layer_stimulus") && names.contains("leaky_rnn_2_layer_stimulus")
    );
    let html = render_html(&results, &figs, &ReportOptions::default());
    assert!(
        html.find("id=\"net-leaky_rnn_2\"").unwrap()
            < html.find("id=\"fig-leaky_rnn_2_layer_stimulus\"").unwrap()
    );
}

#[test]
fn one_network_has_no_comparison() {
    let mut results = fixture::results();
    results.networks.truncate(1);
    let figs = figures(&results, &ReportOptions::default()).unwrap();
    assert!(figs.iter().all(|f| !f.name.starts_with("comparison")));
    assert!(!render_html(&results, &figs, &ReportOptions::default()).contains("id=\"comparison\""));
}

#[test]
fn write_report_writes_the_listed_files_and_nothing_else() {
    let results = fixture::results();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let opts = ReportOptions {
        png: true,
        ..ReportOptions::default()
    };
    let files = write_report(&results, &out, &opts).unwrap();
    let figs = figures(&results, &opts).unwrap();
    assert_eq!(files.html, out.join("report.html"));
    assert_eq!(files.figures.len(), 2 * figs.len());
    let mut expected = vec!["report.html".to_owned()];
    for f in &figs {
        expected.push(format!("figures/{}.svg", f.name));
        expected.push(format!("figures/{}.png", f.name));
        let svg_path = out.join(format!("figures/{}.svg", f.name));
        assert!(files.figures.contains(&svg_path));
        assert_eq!(std::fs::read_to_string(&svg_path).unwrap(), f.svg);
        let png = std::fs::read(out.join(format!("figures/{}.png", f.name))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", f.name);
        assert_eq!(
            png_size(&png),
            svg_size(&f.svg),
            "{}: PNG and SVG sizes differ",
            f.name
        );
    }
    expected.sort();
    assert_eq!(
        files_under(&out),
        expected,
        "extra or missing files (temporary files left?)"
    );
    let html = std::fs::read_to_string(&files.html).unwrap();
    assert_eq!(html, render_html(&results, &figs, &opts));
    // Writing again replaces the files; without PNGs only SVGs are listed.
    let again = write_report(&results, &out, &ReportOptions::default()).unwrap();
    assert_eq!(again.figures.len(), figs.len());
    assert!(
        again
            .figures
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "svg"))
    );
    assert_eq!(
        files_under(&out).len(),
        expected.len(),
        "no temporary files after a rewrite"
    );
}

#[test]
fn write_report_names_the_file_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("report");
    std::fs::write(&blocker, "a file where the folder should be").unwrap();
    let err = write_report(&fixture::results(), &blocker, &ReportOptions::default()).unwrap_err();
    assert!(
        matches!(err, infoscope_report::ReportError::Io(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("report"), "{err}");
}

fn degenerate_results() -> Results {
    let mut results = fixture::results();
    results.networks = vec![
        fixture::degenerate_network(),
        fixture::empty_network(),
        fixture::empty_network(),
    ];
    results.config = serde_json::json!(null);
    results.seeds.clear();
    results
}

#[test]
fn degenerate_inputs_do_not_panic() {
    let results = degenerate_results();
    for unit in [Unit::Bits, Unit::Nats] {
        let figs = figures(&results, &options(unit)).unwrap();
        for f in &figs {
            assert_svg(f);
        }
        let stimulus = find(&figs, "degenerate_net_layer_stimulus");
        assert!(
            svg_texts(&stimulus.svg)
                .iter()
                .any(|t| t == "no finite values")
        );
        assert!(
            svg_texts(&stimulus.svg).iter().any(|t| t == "time (steps)"),
            "dt 0 falls back to steps"
        );
        let html = render_html(&results, &figs, &options(unit));
        assert!(
            html.contains("<td class=\"num\">—</td>"),
            "a NaN-only curve has no maximum"
        );
        assert!(html.contains("id=\"net-network_2\"") && html.contains("id=\"net-network_3\""));
    }
    let dir = tempfile::tempdir().unwrap();
    let files = write_report(
        &results,
        dir.path(),
        &ReportOptions {
            png: true,
            ..ReportOptions::default()
        },
    )
    .unwrap();
    assert!(files.html.is_file());
    let empty = Results {
        networks: vec![],
        ..degenerate_results()
    };
    assert!(
        figures(&empty, &ReportOptions::default())
            .unwrap()
            .is_empty()
    );
    assert!(render_html(&empty, &[], &ReportOptions::default()).contains("</html>"));
}

#[test]
fn heatmap_cells_are_one_embedded_image() {
    let figs = figures(&fixture::results(), &ReportOptions::default()).unwrap();
    let svg = &find(&figs, "leaky_rnn_neuron_heatmap").svg;
    assert_eq!(svg.matches("<image ").count(), 1);
    assert!(
        svg.contains("href=\"data:image/png;base64,iVBORw0KGgo"),
        "a PNG data URI"
    );
    assert!(!svg.contains("#010203"), "the placeholder is replaced");
    assert!(
        svg.len() < 60_000,
        "cells are not drawn as rectangles ({} bytes)",
        svg.len()
    );
}

#[test]
fn heatmap_orders_active_neurons_first() {
    let figs = figures(&fixture::results(), &ReportOptions::default()).unwrap();
    let heatmap = find(&figs, "leaky_rnn_neuron_heatmap");
    assert!(
        heatmap
            .caption
            .contains("the 21 active neurons (q ≤ 0.05) first, then the other 11"),
        "{}",
        heatmap.caption
    );
    let mut results = fixture::results();
    results.networks[0].neurons.active = (0..fixture::UNITS).collect();
    let figs = figures(&results, &ReportOptions::default()).unwrap();
    let heatmap = find(&figs, "leaky_rnn_neuron_heatmap");
    assert!(
        heatmap
            .caption
            .contains("all 32 neurons sorted by peak time")
    );
    assert!(
        svg_texts(&heatmap.svg)
            .iter()
            .any(|t| t == "neuron (sorted by peak time)")
    );
}

#[test]
#[ignore = "needs Chromium (apt-get install -y chromium): cargo test -p infoscope-report -- --ignored"]
fn report_loads_in_chromium_without_console_errors() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/check_report_browser.sh");
    let self_test = std::process::Command::new("bash")
        .arg(&script)
        .arg("--self-test")
        .output()
        .unwrap();
    assert!(
        self_test.status.success(),
        "self-test: {}",
        String::from_utf8_lossy(&self_test.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let files = write_report(&fixture::results(), dir.path(), &ReportOptions::default()).unwrap();
    let shot = dir.path().join("shot.png");
    let check = std::process::Command::new("bash")
        .arg(&script)
        .arg(&files.html)
        .arg(&shot)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(&std::fs::read(&shot).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
}
