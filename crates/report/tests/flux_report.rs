//! The flux experiment's report, from a tiny experiment run for real: every figure, the
//! numbers in the chosen unit, absent sections explained, the files written, all text escaped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod flux_fixture;

use std::f64::consts::LN_2;
use std::sync::OnceLock;

use common::{assert_svg, files_under, png_size, svg_size, svg_texts};
use infoscope_analysis::flux::evolution::{EvolutionRun, FitnessKind};
use infoscope_analysis::flux::{FluxResults, ProxyKind};
use infoscope_report::{
    Figure, ReportError, ReportOptions, Unit, flux_figures, render_flux_html, write_flux_report,
};

/// The tiny experiment's results, computed once per test binary.
fn results() -> FluxResults {
    static RESULTS: OnceLock<FluxResults> = OnceLock::new();
    RESULTS
        .get_or_init(|| flux_fixture::run().expect("the tiny flux experiment runs"))
        .clone()
}

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

fn names(figs: &[Figure]) -> Vec<&str> {
    figs.iter().map(|f| f.name.as_str()).collect()
}

/// `x` as the tables write it (four decimals).
fn four(x: f64) -> String {
    format!("{x:.4}")
}

/// The run with the highest final fitness.
fn best_run(results: &FluxResults) -> &EvolutionRun {
    let runs = &results.evolution.as_ref().unwrap().runs;
    runs.iter()
        .fold(None, |best: Option<&EvolutionRun>, r| match best {
            Some(b) if b.after.fitness >= r.after.fitness => Some(b),
            _ => Some(r),
        })
        .unwrap()
}

#[test]
fn flux_report_draws_every_figure_as_well_formed_svg() {
    let results = results();
    for unit in [Unit::Bits, Unit::Nats] {
        let figs = flux_figures(&results, &options(unit)).unwrap();
        assert_eq!(
            names(&figs),
            [
                "flux_vs_proxy",
                "evolution_fitness",
                "evolution_weights",
                "attractor_periods"
            ]
        );
        for f in &figs {
            assert_svg(f);
            assert!(!f.title.is_empty() && !f.caption.is_empty(), "{}", f.name);
        }
    }
    // Six weight matrices, each one embedded image; no placeholder left.
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    let weights = &find(&figs, "evolution_weights").svg;
    assert_eq!(weights.matches("<image ").count(), 6);
    assert!(!weights.contains("#010203"));
}

/// `(figure, labels that must appear)`, `{u}` standing for the unit's name.
const AXIS_LABELS: &[(&str, &[&str])] = &[
    (
        "flux_vs_proxy",
        &[
            "I[x(t); x(t+1)] ({u})",
            "equal-time C_rms (i ≠ j) (dimensionless)",
            "lagged C_rms (all i, j) (dimensionless)",
            "lagged C_rms (i ≠ j) (dimensionless)",
        ],
    ),
    (
        "evolution_fitness",
        &["generation (count)", "fitness: flux I[x(t); x(t+1)] ({u})"],
    ),
    (
        "evolution_weights",
        &[
            "from neuron j (index)",
            "to neuron i (index)",
            "from neuron j (index, sorted)",
            "to neuron i (index, sorted)",
            "W_ij (dimensionless)",
        ],
    ),
    (
        "attractor_periods",
        &[
            "period (time steps)",
            "cycles (count)",
            "states in the basins (count)",
        ],
    ),
];

fn check_axis_labels(unit: Unit, name: &str, other: &str) {
    let figs = flux_figures(&results(), &options(unit)).unwrap();
    for (figure, labels) in AXIS_LABELS {
        let texts = svg_texts(&find(&figs, figure).svg);
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
fn flux_axis_labels_state_bits() {
    check_axis_labels(Unit::Bits, "bits", "nats");
}

#[test]
fn flux_axis_labels_state_nats() {
    check_axis_labels(Unit::Nats, "nats", "bits");
}

#[test]
fn flux_vs_proxy_panels_show_rho_r2_the_widths_and_the_fit() {
    let results = results();
    let sweep = results.sweep.as_ref().unwrap();
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    let f = find(&figs, "flux_vs_proxy");
    let texts = svg_texts(&f.svg);
    for r in &sweep.relations {
        let title = format!(
            "{}: ρ = {:.3}, R² = {:.3}",
            r.proxy.label(),
            r.spearman.unwrap(),
            r.explained.unwrap()
        );
        assert!(
            texts.contains(&title),
            "no panel title {title:?} in {texts:?}"
        );
    }
    for label in ["w = 1", "w = 4", "isotonic fit"] {
        assert_eq!(
            texts.iter().filter(|t| *t == label).count(),
            3,
            "{label} in each panel's legend"
        );
    }
    // One marker (a filled disc and its outline) per network and proxy, plus one legend marker
    // per width and panel.
    assert_eq!(
        f.svg.matches("<circle").count(),
        2 * 3 * (sweep.networks.len() + 2)
    );
    assert!(f.caption.contains("colour is the width w"), "{}", f.caption);
    let best = sweep.best_proxy.unwrap().label();
    assert!(
        f.caption
            .contains(&format!("Best proxy (highest ρ): {best}"))
    );
}

#[test]
fn evolution_fitness_has_every_run_and_the_rooks_reference() {
    let results = results();
    let evolution = results.evolution.as_ref().unwrap();
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    let f = find(&figs, "evolution_fitness");
    let texts = svg_texts(&f.svg);
    for run in &evolution.runs {
        assert!(
            texts.contains(&format!("run {}: best", run.run)),
            "{texts:?}"
        );
    }
    let rooks = evolution.rooks.measures.exact.as_ref().unwrap();
    let line = format!(
        "N-rooks reference: {} bits",
        four(rooks.flux.information_nats / LN_2)
    );
    assert!(texts.contains(&line), "no {line:?} in {texts:?}");
    assert!(f.caption.contains(&evolution.fitness), "{}", f.caption);

    // A proxy fitness is not information: no reference line, no conversion, and the page says
    // why.
    let mut proxy = results.clone();
    proxy.config.evolution.fitness = FitnessKind::Proxy;
    let figs = flux_figures(&proxy, &ReportOptions::default()).unwrap();
    let f = find(&figs, "evolution_fitness");
    let texts = svg_texts(&f.svg);
    assert!(!texts.iter().any(|t| t.starts_with("N-rooks reference")));
    assert!(texts.contains(&"fitness: lagged C_rms (all i, j) (dimensionless)".to_owned()));
    assert!(
        f.caption
            .contains("No N-rooks reference line: the fitness is a correlation proxy")
    );
    let html = render_flux_html(&proxy, &figs, &ReportOptions::default());
    assert!(html.contains("<th>Final fitness (dimensionless)</th>"));
    let run = best_run(&proxy);
    assert!(html.contains(&format!(
        "<td class=\"num\">{}</td>",
        four(run.after.fitness.unwrap())
    )));
}

#[test]
fn weights_and_periods_describe_the_best_run_and_the_reference() {
    let results = results();
    let run = best_run(&results);
    let rooks = &results.evolution.as_ref().unwrap().rooks;
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    let weights = find(&figs, "evolution_weights");
    assert!(weights.title.contains(&format!("run {}", run.run)));
    for s in [&run.before, &run.after, rooks] {
        let cycles: Vec<String> = s
            .structure
            .cycle_lengths
            .iter()
            .map(ToString::to_string)
            .collect();
        let words = format!(
            "matched fraction {}, cycle lengths {}",
            format!("{:.3}", s.structure.matched_fraction)
                .trim_end_matches('0')
                .trim_end_matches('.'),
            cycles.join("+")
        );
        assert!(
            weights.caption.contains(&words),
            "{words} not in {}",
            weights.caption
        );
    }
    assert!(
        weights
            .caption
            .contains("blue negative, white 0, red positive")
    );
    let periods = find(&figs, "attractor_periods");
    let texts = svg_texts(&periods.svg);
    let after = run.after.measures.attractors.as_ref().unwrap();
    let cycles = if after.n_cycles == 1 {
        "cycle"
    } else {
        "cycles"
    };
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with(&format!("after: {} {cycles}, mean period", after.n_cycles))),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("N-rooks: basin-weighted mean"))
    );
}

#[test]
fn summary_numbers_are_in_the_chosen_unit() {
    let results = results();
    let shift_nats = flux_fixture::SHIFT_BITS * LN_2;
    let run = best_run(&results);
    let after_nats = run
        .after
        .measures
        .exact
        .as_ref()
        .unwrap()
        .flux
        .information_nats;
    let rooks_nats = results
        .evolution
        .as_ref()
        .unwrap()
        .rooks
        .measures
        .exact
        .as_ref()
        .unwrap()
        .flux
        .information_nats;
    let bits = render_flux_html(&results, &[], &options(Unit::Bits));
    let nats = render_flux_html(&results, &[], &options(Unit::Nats));
    // The network from files: the SPEC §7 shift register.
    assert!(bits.contains(&format!("<td>{} bits</td>", four(flux_fixture::SHIFT_BITS))));
    assert!(nats.contains(&format!("<td>{} nats</td>", four(shift_nats))));
    assert_ne!(four(flux_fixture::SHIFT_BITS), four(shift_nats));
    // The evolved network and the reference, in the runs table.
    for (page, scale, unit) in [(&bits, 1.0 / LN_2, "bits"), (&nats, 1.0, "nats")] {
        for value in [after_nats, rooks_nats, run.after.fitness.unwrap()] {
            assert!(
                page.contains(&format!("<td class=\"num\">{}</td>", four(value * scale))),
                "{value} nats not shown in {unit}"
            );
        }
        assert!(page.contains(&format!("<th>Exact flux after ({unit})</th>")));
        assert!(page.contains(&format!("<th>Final fitness ({unit})</th>")));
    }
    assert!(bits.contains("all information values in bits = nats / ln 2"));
    assert!(nats.contains("all information values in nats"));
    // The proxy relations are dimensionless: the same on both pages.
    let sweep = results.sweep.as_ref().unwrap();
    for r in &sweep.relations {
        for page in [&bits, &nats] {
            assert!(page.contains(&format!(
                "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                four(r.spearman.unwrap()),
                four(r.pearson.unwrap()),
                four(r.explained.unwrap())
            )));
        }
    }
    let best = sweep.best_proxy.unwrap();
    assert!(bits.contains(&format!("<td>{} (best)</td>", best.label())));
    assert!(bits.contains(&format!("<td>run {} (best)</td>", run.run)));
}

#[test]
fn html_has_every_figure_settings_seeds_and_version() {
    let results = results();
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    let html = render_flux_html(&results, &figs, &ReportOptions::default());
    assert!(html.starts_with("<!DOCTYPE html>"));
    for f in &figs {
        assert!(html.contains(&format!("id=\"fig-{}\"", f.name)));
        assert!(html.contains(f.svg.trim()), "{} is not inline", f.name);
    }
    let at = |needle: &str| html.find(needle).unwrap();
    assert!(at("id=\"sweep\"") < at("id=\"fig-flux_vs_proxy\""));
    assert!(at("id=\"fig-flux_vs_proxy\"") < at("id=\"evolution\""));
    assert!(at("id=\"evolution\"") < at("id=\"fig-evolution_fitness\""));
    assert!(at("id=\"fig-attractor_periods\"") < at("id=\"networks\""));
    assert!(at("id=\"networks\"") < at("id=\"settings\""));
    for wanted in [
        "<code>sweep.widths</code></td><td><code>[1.0,4.0]</code>",
        "<code>evolution.strategy.lambda</code></td><td><code>6</code>",
        "<code>networks[0].name</code></td><td><code>shift</code>",
        "<td>simulation (measure.seed)</td><td class=\"num\">0</td>",
        "<td>evolution run 1</td>",
        &format!(
            "<th scope=\"row\">infoscope</th><td>{}</td>",
            results.infoscope_version
        ),
        "<th scope=\"row\">results schema</th><td>1</td>",
        "<th scope=\"row\">experiment</th><td>tiny</td>",
    ] {
        assert!(html.contains(wanted), "the page lacks {wanted}");
    }
    let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    for banned in [
        "<img", "<script", "src=", "<link", "url(", "@import", "<iframe",
    ] {
        assert!(!html.contains(banned), "the page contains {banned}");
    }
}

#[test]
fn a_disabled_sweep_is_explained() {
    let mut results = results();
    results.sweep = None;
    results.config.sweep.enabled = false;
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    assert_eq!(
        names(&figs),
        [
            "evolution_fitness",
            "evolution_weights",
            "attractor_periods"
        ]
    );
    let html = render_flux_html(&results, &figs, &ReportOptions::default());
    assert!(html.contains("The sweep was not run (sweep.enabled = false)"));
    assert!(html.contains(
        "id=\"skipped-flux_vs_proxy\">Flux against its correlation proxies: not drawn, because the sweep was not run"
    ));
    assert!(html.contains("no sweep networks"));
}

#[test]
fn a_disabled_evolution_is_explained() {
    let mut results = results();
    results.evolution = None;
    results.config.evolution.enabled = false;
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    assert_eq!(names(&figs), ["flux_vs_proxy"]);
    let html = render_flux_html(&results, &figs, &ReportOptions::default());
    assert!(html.contains("The evolution was not run (evolution.enabled = false)"));
    for name in [
        "evolution_fitness",
        "evolution_weights",
        "attractor_periods",
    ] {
        assert!(
            html.contains(&format!("id=\"skipped-{name}\"")),
            "no note for {name}"
        );
    }
    // Nothing at all: every section still explains itself.
    results.sweep = None;
    results.networks.clear();
    let dir = tempfile::tempdir().unwrap();
    let files = write_flux_report(&results, dir.path(), &ReportOptions::default()).unwrap();
    assert!(files.figures.is_empty());
    let html = std::fs::read_to_string(&files.html).unwrap();
    assert!(html.contains("The experiment names no network file"));
    assert!(html.contains("</html>"));
}

#[test]
fn missing_measures_are_shown_with_their_reasons() {
    let results = results();
    let html = render_flux_html(&results, &[], &ReportOptions::default());
    // The nine-neuron ring is too large for the attractor search of this experiment; its
    // reason holds a ">", escaped.
    let ring = &results.networks[1].snapshot.measures;
    let reason = &ring.missing["attractors"];
    assert!(reason.contains('>'), "{reason}");
    assert!(html.contains(&format!(
        "<th scope=\"row\">Attractors</th><td>not computed: {}</td>",
        reason.replace('>', "&gt;")
    )));
    assert!(html.contains(
        "<th scope=\"row\">Sampled measures</th><td>not simulated: the exact measures were computed"
    ));

    // No attractors for the evolution's networks: the period figure is skipped, and why.
    let mut none = results.clone();
    let evolution = none.evolution.as_mut().unwrap();
    for s in evolution
        .runs
        .iter_mut()
        .flat_map(|r| [&mut r.before, &mut r.after])
        .chain(std::iter::once(&mut evolution.rooks))
    {
        s.measures.attractors = None;
        s.measures.missing.insert(
            "attractors".to_owned(),
            "budget <exceeded> & more".to_owned(),
        );
    }
    let figs = flux_figures(&none, &ReportOptions::default()).unwrap();
    assert!(!names(&figs).contains(&"attractor_periods"));
    let html = render_flux_html(&none, &figs, &ReportOptions::default());
    assert!(html.contains("id=\"skipped-attractor_periods\">Attractor periods: not drawn, because the attractors were not enumerated (before: budget &lt;exceeded&gt; &amp; more;"));
    assert!(html.contains("run 0 after, attractors: budget &lt;exceeded&gt; &amp; more"));
    assert!(!html.contains("<exceeded>"));
}

#[test]
fn all_text_is_escaped() {
    let mut results = results();
    results.networks[0].snapshot.measures.missing.insert(
        "sampled".to_owned(),
        "<script>alert('x')</script> & co".to_owned(),
    );
    results.networks[0].snapshot.measures.sampled = None;
    let options = ReportOptions {
        title: "flux <report> & \"more\"".to_owned(),
        ..ReportOptions::default()
    };
    let figs = flux_figures(&results, &options).unwrap();
    let html = render_flux_html(&results, &figs, &options);
    assert!(html.contains("<title>flux &lt;report&gt; &amp; &quot;more&quot;</title>"));
    assert!(
        html.contains("not computed: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co")
    );
    assert!(!html.contains("<script"));
    for f in &figs {
        let escaped = f
            .caption
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        assert!(html.contains(&escaped), "caption of {}", f.name);
    }
}

#[test]
fn write_flux_report_writes_svg_png_and_html_atomically() {
    let results = results();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let opts = ReportOptions {
        png: true,
        unit: Unit::Nats,
        ..ReportOptions::default()
    };
    let files = write_flux_report(&results, &out, &opts).unwrap();
    let figs = flux_figures(&results, &opts).unwrap();
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
        assert_eq!(png_size(&png), svg_size(&f.svg), "{}", f.name);
    }
    expected.sort();
    assert_eq!(
        files_under(&out),
        expected,
        "extra or missing files (temporary files left?)"
    );
    assert_eq!(
        std::fs::read_to_string(&files.html).unwrap(),
        render_flux_html(&results, &figs, &opts)
    );
    // Rewriting without PNGs replaces the SVGs and the page and leaves no temporary file.
    let again = write_flux_report(&results, &out, &ReportOptions::default()).unwrap();
    assert_eq!(again.figures.len(), figs.len());
    assert_eq!(files_under(&out).len(), expected.len());
    let html = std::fs::read_to_string(&again.html).unwrap();
    assert!(html.contains("all information values in bits"));
    // A file where the folder should be: the error names it.
    let blocker = dir.path().join("blocked");
    std::fs::write(&blocker, "not a folder").unwrap();
    let err = write_flux_report(&results, &blocker, &ReportOptions::default()).unwrap_err();
    assert!(matches!(err, ReportError::Io(_)), "{err:?}");
    assert!(err.to_string().contains("blocked"), "{err}");
}

#[test]
fn proxies_without_values_leave_a_note_not_a_crash() {
    let mut results = results();
    let sweep = results.sweep.as_mut().unwrap();
    for s in &mut sweep.networks {
        if let Some(e) = s.measures.exact.as_mut() {
            e.proxies.equal_time.value = None;
        }
    }
    for r in sweep
        .relations
        .iter_mut()
        .filter(|r| r.proxy == ProxyKind::EqualTime)
    {
        r.spearman = None;
        r.explained = None;
        r.fit.clear();
    }
    let figs = flux_figures(&results, &ReportOptions::default()).unwrap();
    let f = find(&figs, "flux_vs_proxy");
    assert_svg(f);
    let texts = svg_texts(&f.svg);
    assert!(texts.contains(&"no network has both the flux and this proxy".to_owned()));
    assert!(texts.contains(&"equal-time C_rms (i ≠ j): ρ = —, R² = —".to_owned()));
}

#[test]
#[ignore = "needs Chromium (apt-get install -y chromium): cargo test -p infoscope-report -- --ignored"]
fn flux_report_loads_in_chromium_without_console_errors() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/check_report_browser.sh");
    let dir = tempfile::tempdir().unwrap();
    let files = write_flux_report(&results(), dir.path(), &ReportOptions::default()).unwrap();
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
