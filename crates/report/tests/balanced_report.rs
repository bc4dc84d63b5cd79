//! The balanced-network experiment's report, from a tiny experiment run for real: every figure,
//! the numbers in the chosen unit per τ, absent sections explained, the files written, all text
//! escaped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod balanced_fixture;
mod common;

use std::f64::consts::LN_2;
use std::sync::OnceLock;

use common::{assert_svg, files_under, png_size, svg_size, svg_texts};
use infoscope_analysis::balanced::{BalancedResults, SweepResults, TrainingRun};
use infoscope_report::{
    Figure, ReportError, ReportOptions, Unit, balanced_figures, render_balanced_html,
    write_balanced_report,
};

/// The tiny experiment's results, computed once per test binary.
fn results() -> BalancedResults {
    static RESULTS: OnceLock<BalancedResults> = OnceLock::new();
    RESULTS
        .get_or_init(|| balanced_fixture::run().expect("the tiny balanced experiment runs"))
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

/// `x` with at most three decimals and no trailing zeros, as legends write slopes.
fn three(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn sweep(results: &BalancedResults) -> &SweepResults {
    results.sweep.as_ref().unwrap()
}

fn runs(results: &BalancedResults) -> &[TrainingRun] {
    &results.training.as_ref().unwrap().runs
}

/// `<td class="num">…</td>` of a number.
fn num_cell(text: &str) -> String {
    format!("<td class=\"num\">{text}</td>")
}

const ALL: [&str; 6] = [
    "rate_vs_balance",
    "rate_density",
    "time_constant_vs_balance",
    "training_curves",
    "eigenvalues",
    "couplings_by_cluster",
];

#[test]
fn the_tiny_experiment_has_what_the_report_shows() {
    let results = results();
    let sweep = sweep(&results);
    assert_eq!(sweep.points.len(), 6);
    assert!(
        sweep
            .points
            .iter()
            .all(|p| p.rate.is_some() && p.rate_sd.is_some() && !p.density.is_empty())
    );
    assert!(sweep.fits.iter().all(|c| c.fit.is_some()));
    let runs = runs(&results);
    assert_eq!(runs.iter().map(|r| r.channels).collect::<Vec<_>>(), [1, 2]);
    assert!(runs[0].clusters.is_none() && runs[1].clusters.is_some());
    assert!(
        runs.iter()
            .all(|r| r.log.len() == 3 && r.j_sorted.len() == 32)
    );
}

#[test]
fn balanced_report_draws_every_figure_as_well_formed_svg() {
    let results = results();
    for unit in [Unit::Bits, Unit::Nats] {
        let figs = balanced_figures(&results, &options(unit)).unwrap();
        assert_eq!(names(&figs), ALL);
        for f in &figs {
            assert_svg(f);
            assert!(!f.title.is_empty() && !f.caption.is_empty(), "{}", f.name);
            assert!(
                !f.svg.contains("e-16"),
                "{}: a rounding residue as a tick",
                f.name
            );
        }
    }
    // One coupling matrix per run, each one embedded image; no placeholder left.
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    let couplings = &find(&figs, "couplings_by_cluster").svg;
    assert_eq!(couplings.matches("<image ").count(), 2);
    assert!(!couplings.contains("#010203"));
}

/// `(figure, labels that must appear)`, `{u}` standing for the unit's name.
const AXIS_LABELS: &[(&str, &[&str])] = &[
    (
        "rate_vs_balance",
        &[
            "balance factor b (dimensionless)",
            "I(stimulus; ν) rate ({u}/τ)",
        ],
    ),
    (
        "rate_density",
        &[
            "frequency f (cycles/τ)",
            "rate density r(f) ({u}/τ per cycle/τ)",
        ],
    ),
    (
        "time_constant_vs_balance",
        &[
            "balance factor b (dimensionless)",
            "time (τ)",
            "cancellation index β (dimensionless)",
        ],
    ),
    (
        "training_curves",
        &[
            "epoch (count)",
            "test error (dimensionless)",
            "balance |mean J / mean J_init| (dimensionless)",
            "cancellation index β (dimensionless)",
            "I(stimuli; readout) rate ({u}/τ)",
        ],
    ),
    (
        "eigenvalues",
        &["Re λ (dimensionless)", "Im λ (dimensionless)"],
    ),
    (
        "couplings_by_cluster",
        &[
            "from neuron j (cluster order)",
            "to neuron i (cluster order)",
            "from neuron j (index)",
            "J_ij (dimensionless)",
        ],
    ),
];

fn check_axis_labels(unit: Unit, name: &str, other: &str) {
    let figs = balanced_figures(&results(), &options(unit)).unwrap();
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
            !texts.iter().any(|t| t.contains(&format!("{other}/τ"))),
            "{figure} mentions {other}/τ in a {name} report"
        );
        assert!(
            !f.caption.contains(&format!("{other}/τ")),
            "{figure}'s caption mentions {other}/τ in a {name} report"
        );
    }
}

#[test]
fn balanced_axis_labels_state_bits_per_tau() {
    check_axis_labels(Unit::Bits, "bits", "nats");
}

#[test]
fn balanced_axis_labels_state_nats_per_tau() {
    check_axis_labels(Unit::Nats, "nats", "bits");
}

/// Vertical polylines of width 2 (error bars) in `svg`.
fn vertical_bars(svg: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .filter(|tag| tag.contains("stroke-width=\"2\""))
        .filter_map(|tag| {
            let points = tag.split("points=\"").nth(1)?.split('"').next()?;
            let xs: Vec<&str> = points
                .split_whitespace()
                .filter_map(|p| p.split(',').next())
                .collect();
            Some(xs.len() == 2 && xs[0] == xs[1])
        })
        .filter(|v| *v)
        .count()
}

#[test]
fn rate_vs_balance_shows_means_bars_and_the_lines_in_the_unit() {
    let results = results();
    let sweep = sweep(&results);
    for (unit, scale, u) in [
        (Unit::Bits, 1.0 / LN_2, "bits/τ"),
        (Unit::Nats, 1.0, "nats/τ"),
    ] {
        let figs = balanced_figures(&results, &options(unit)).unwrap();
        let f = find(&figs, "rate_vs_balance");
        let texts = svg_texts(&f.svg);
        for c in &sweep.fits {
            let fit = c.fit.as_ref().unwrap();
            let g = if c.g == 0.0 { "0" } else { "2" };
            let legend = format!(
                "g = {g}: fit, slope {} {u}, R² = {:.3}",
                three(fit.slope * scale),
                fit.r2
            );
            assert!(texts.contains(&legend), "no {legend:?} in {texts:?}");
            assert!(texts.contains(&format!("g = {g}: mean ± sd")));
            let words = format!(
                "g = {g}: slope {} {u} per unit b, R² = {:.3}, intercept {} {u}",
                four(fit.slope * scale),
                fit.r2,
                four(fit.intercept * scale)
            );
            assert!(f.caption.contains(&words), "{words} not in {}", f.caption);
        }
        // One error bar per grid point with a standard deviation.
        assert_eq!(vertical_bars(&f.svg), sweep.points.len());
    }
    // Without standard deviations: markers, no bars.
    let mut no_sd = results.clone();
    for p in &mut no_sd.sweep.as_mut().unwrap().points {
        p.rate_sd = None;
    }
    let figs = balanced_figures(&no_sd, &ReportOptions::default()).unwrap();
    assert_eq!(vertical_bars(&find(&figs, "rate_vs_balance").svg), 0);
}

#[test]
fn rate_density_names_the_balance_factors_it_shows() {
    let results = results();
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    let f = find(&figs, "rate_density");
    let texts = svg_texts(&f.svg);
    assert!(
        texts.contains(&"b = 2 (smallest shared b)".to_owned()),
        "{texts:?}"
    );
    assert!(texts.contains(&"b = 4 (largest shared b)".to_owned()));
    for g in ["g = 0", "g = 2"] {
        assert_eq!(
            texts.iter().filter(|t| *t == g).count(),
            2,
            "{g} in each legend"
        );
    }
    assert!(f.caption.contains(
        "at the smallest (b = 2) and the largest (b = 4) balance factor that every g shares"
    ));
    assert!(f.caption.contains("up to the cutoff of 2 cycles/τ"));

    // g = 2 has no density at b = 4: the largest b both share is 3.
    let mut partial = results.clone();
    let s = partial.sweep.as_mut().unwrap();
    let p = s
        .points
        .iter_mut()
        .find(|p| p.g == 2.0 && p.b == 4.0)
        .unwrap();
    p.density.clear();
    let figs = balanced_figures(&partial, &ReportOptions::default()).unwrap();
    let f = find(&figs, "rate_density");
    assert!(svg_texts(&f.svg).contains(&"b = 3 (largest shared b)".to_owned()));
    assert!(f.caption.contains("the largest (b = 3)"));

    // No b shared by every g: skipped, and the page says why.
    for p in &mut partial.sweep.as_mut().unwrap().points {
        if p.g == 2.0 {
            p.density.clear();
        }
    }
    let figs = balanced_figures(&partial, &ReportOptions::default()).unwrap();
    assert!(!names(&figs).contains(&"rate_density"));
    let html = render_balanced_html(&partial, &figs, &ReportOptions::default());
    assert!(html.contains(
        "id=\"skipped-rate_density\">Rate density: not drawn, because no balance factor b has a rate density for every g."
    ));
}

#[test]
fn time_constants_training_eigenvalues_and_couplings_are_labelled() {
    let results = results();
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    let texts = svg_texts(&find(&figs, "time_constant_vs_balance").svg);
    for label in [
        "g = 0: linearised time constant",
        "g = 2: autocorrelation time of ν",
        "g = 2: β",
    ] {
        assert!(
            texts.contains(&label.to_owned()),
            "no {label:?} in {texts:?}"
        );
    }

    let f = find(&figs, "training_curves");
    let texts = svg_texts(&f.svg);
    assert!(
        texts.contains(&"Test error (log scale)".to_owned()),
        "{texts:?}"
    );
    for s in ["S = 1", "S = 2"] {
        assert_eq!(
            texts.iter().filter(|t| *t == s).count(),
            4,
            "{s} in each panel"
        );
    }
    assert!(f.caption.contains("logged every 10 epochs"));

    let runs = runs(&results);
    let f = find(&figs, "eigenvalues");
    let texts = svg_texts(&f.svg);
    for run in runs {
        let max = |v: &[(f64, f64)]| v.iter().map(|e| e.0).fold(f64::NEG_INFINITY, f64::max);
        let title = format!(
            "S = {}: max Re λ {} → {}",
            run.channels,
            three(max(&run.eigenvalues_before)),
            three(max(&run.eigenvalues_after))
        );
        assert!(texts.contains(&title), "no {title:?} in {texts:?}");
    }
    // A disc and its outline per eigenvalue and per legend marker (two per panel).
    let points: usize = runs
        .iter()
        .map(|r| r.eigenvalues_before.len() + r.eigenvalues_after.len() + 2)
        .sum();
    assert_eq!(f.svg.matches("<circle").count(), 2 * points);

    let f = find(&figs, "couplings_by_cluster");
    let c = runs[1].clusters.as_ref().unwrap();
    let sizes = format!("{}+{}", c.sizes[0], c.sizes[1]);
    let words = format!(
        "S = 2: clusters of {sizes} neurons, mean J within {} and between {}",
        four(c.within),
        four(c.between)
    );
    assert!(f.caption.contains(&words), "{words} not in {}", f.caption);
    assert!(
        f.caption
            .contains("S = 1: as trained, not sorted (S = 1 has no clusters)")
    );
    let texts = svg_texts(&f.svg);
    assert!(texts.contains(&format!(
        "S = 2: clusters {sizes}, within {}, between {}",
        four(c.within),
        four(c.between)
    )));
    assert!(texts.contains(&"S = 1: not clustered".to_owned()));
}

#[test]
fn a_test_error_of_zero_keeps_a_linear_axis() {
    let mut results = results();
    results.training.as_mut().unwrap().runs[0].log[2].test_error = 0.0;
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    let f = find(&figs, "training_curves");
    let texts = svg_texts(&f.svg);
    assert!(texts.contains(&"Test error".to_owned()), "{texts:?}");
    assert!(!texts.contains(&"Test error (log scale)".to_owned()));
    assert!(
        f.caption
            .contains("linear scale: not every value is positive")
    );
}

#[test]
fn summary_numbers_are_in_the_chosen_unit() {
    let results = results();
    let sweep = sweep(&results);
    let bits = render_balanced_html(&results, &[], &options(Unit::Bits));
    let nats = render_balanced_html(&results, &[], &options(Unit::Nats));
    for (page, scale, u) in [(&bits, 1.0 / LN_2, "bits/τ"), (&nats, 1.0, "nats/τ")] {
        assert!(page.contains(&format!("<th>Rate mean ({u})</th><th>Rate sd ({u})</th>")));
        assert!(page.contains(&format!("<th>Slope ({u} per unit b)</th>")));
        assert!(page.contains(&format!("<th>Rate ({u})</th>")));
        for p in &sweep.points {
            let row = format!(
                "{}{}{}{}{}{}{}{}{}{}{}",
                num_cell(&three(p.g)),
                num_cell(&three(p.sigma)),
                num_cell(&three(p.b)),
                num_cell(&p.count.to_string()),
                num_cell(&p.failed.to_string()),
                num_cell(&four(p.rate.unwrap() * scale)),
                num_cell(&four(p.rate_sd.unwrap() * scale)),
                num_cell(&four(p.time_constant.unwrap())),
                num_cell(&four(p.autocorrelation_time.unwrap())),
                num_cell(&four(p.cancellation.unwrap())),
                num_cell(&four(p.mean_rate.unwrap())),
            );
            assert!(page.contains(&row), "no row {row} in the {u} page");
        }
        for c in &sweep.fits {
            let fit = c.fit.as_ref().unwrap();
            let row = format!(
                "<tr>{}{}{}{}{}{}</tr>",
                num_cell(&three(c.g)),
                num_cell(&three(c.sigma)),
                num_cell(&four(fit.slope * scale)),
                num_cell(&four(fit.intercept * scale)),
                num_cell(&four(fit.r2)),
                num_cell(&fit.points.to_string())
            );
            assert!(page.contains(&row), "no fit row {row} in the {u} page");
        }
        for run in runs(&results) {
            let (a, b) = (run.log.first().unwrap(), run.log.last().unwrap());
            let pair = |x: f64, y: f64| num_cell(&format!("{} → {}", four(x), four(y)));
            let row = format!(
                "{}{}{}{}",
                pair(a.test_error, b.test_error),
                pair(a.balance, b.balance),
                pair(a.cancellation, b.cancellation),
                pair(a.rate.unwrap() * scale, b.rate.unwrap() * scale)
            );
            assert!(page.contains(&row), "no run row {row} in the {u} page");
        }
    }
    assert_ne!(
        four(sweep.points[0].rate.unwrap()),
        four(sweep.points[0].rate.unwrap() / LN_2)
    );
    let c = runs(&results)[1].clusters.as_ref().unwrap();
    assert!(bits.contains(&format!(
        "<td>{}+{}</td><td class=\"num\">{} / {}</td><td>no</td>",
        c.sizes[0],
        c.sizes[1],
        four(c.within),
        four(c.between)
    )));
    assert!(bits.contains("<td>— (S = 1: no clusters)</td>"));
    assert!(bits.contains("all information values in bits = nats / ln 2"));
    assert!(bits.contains("rates in bits/τ (per neuronal time constant τ)"));
    assert!(nats.contains("rates in nats/τ"));
}

#[test]
fn html_has_every_figure_settings_seeds_and_version() {
    let results = results();
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    let html = render_balanced_html(&results, &figs, &ReportOptions::default());
    assert!(html.starts_with("<!DOCTYPE html>"));
    for f in &figs {
        assert!(html.contains(&format!("id=\"fig-{}\"", f.name)));
        assert!(html.contains(f.svg.trim()), "{} is not inline", f.name);
    }
    assert!(!html.contains("id=\"skipped-"));
    let at = |needle: &str| html.find(needle).unwrap();
    assert!(at("id=\"sweep\"") < at("<caption>Grid points"));
    assert!(at("<caption>Grid points") < at("<caption>The rate against b"));
    assert!(at("<caption>The rate against b") < at("id=\"fig-rate_vs_balance\""));
    assert!(at("id=\"fig-time_constant_vs_balance\"") < at("id=\"training\""));
    assert!(at("id=\"training\"") < at("<caption>Training runs"));
    assert!(at("<caption>Training runs") < at("id=\"fig-training_curves\""));
    assert!(at("id=\"fig-couplings_by_cluster\"") < at("id=\"settings\""));
    for wanted in [
        "Balanced-network experiment <strong>tiny</strong>",
        "6 sweep grid points, 18 trials · 2 training runs",
        "<code>sweep.n</code></td><td><code>32</code>",
        "<code>sweep.b</code></td><td><code>[2.0,3.0,4.0]</code>",
        "<code>training.channels</code></td><td><code>[1,2]</code>",
        "<code>sweep.rate.nperseg</code></td><td><code>128</code>",
        "<td>sweep (sweep.seed)</td><td class=\"num\">1</td>",
        "<td>training (training.seed)</td><td class=\"num\">0</td>",
        &format!(
            "<th scope=\"row\">infoscope</th><td>{}</td>",
            results.infoscope_version
        ),
        "<th scope=\"row\">results schema</th><td>1</td>",
        "<th scope=\"row\">experiment</th><td>tiny</td>",
        "<th scope=\"row\">unit in results.json</th><td>nats per tau</td>",
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
fn disabled_training_is_explained() {
    let mut results = results();
    results.training = None;
    results.config.training.enabled = false;
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    assert_eq!(names(&figs), &ALL[..3]);
    let html = render_balanced_html(&results, &figs, &ReportOptions::default());
    assert!(html.contains("Training was not run (training.enabled = false)"));
    assert!(html.contains("· no training ·"));
    for (name, what) in [
        ("training_curves", "Training curves"),
        ("eigenvalues", "Eigenvalues of J·diag(φ′)"),
        ("couplings_by_cluster", "Trained couplings by cluster"),
    ] {
        let note = format!(
            "id=\"skipped-{name}\">{what}: not drawn, because training was not run (training.enabled = false).</p>"
        );
        assert!(html.contains(&note), "no note {note}");
    }
}

#[test]
fn disabled_sweep_is_explained_and_nothing_at_all_still_renders() {
    let mut results = results();
    results.sweep = None;
    results.config.sweep.enabled = false;
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    assert_eq!(names(&figs), &ALL[3..]);
    let html = render_balanced_html(&results, &figs, &ReportOptions::default());
    assert!(html.contains("The sweep was not run (sweep.enabled = false)"));
    for name in &ALL[..3] {
        assert!(
            html.contains(&format!("id=\"skipped-{name}\"")),
            "no note for {name}"
        );
    }
    assert!(html.contains(
        "Information rate against the balance factor: not drawn, because the sweep was not run (sweep.enabled = false)."
    ));
    // Neither: the page still explains both sections.
    results.training = None;
    let dir = tempfile::tempdir().unwrap();
    let files = write_balanced_report(&results, dir.path(), &ReportOptions::default()).unwrap();
    assert!(files.figures.is_empty());
    let html = std::fs::read_to_string(&files.html).unwrap();
    assert!(html.contains("no sweep · no training"));
    assert!(html.contains("</html>"));
}

#[test]
fn only_s1_has_no_clusters_to_show() {
    let mut results = results();
    results
        .training
        .as_mut()
        .unwrap()
        .runs
        .retain(|r| r.channels == 1);
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    assert_eq!(
        names(&figs),
        [
            "rate_vs_balance",
            "rate_density",
            "time_constant_vs_balance",
            "training_curves",
            "eigenvalues"
        ]
    );
    let html = render_balanced_html(&results, &figs, &ReportOptions::default());
    assert!(html.contains(
        "id=\"skipped-couplings_by_cluster\">Trained couplings by cluster: not drawn, because no training run has S ≥ 2 signals"
    ));
    // A failed clustering is named instead.
    let mut failed = self::results();
    let run = &mut failed.training.as_mut().unwrap().runs[1];
    run.clusters = None;
    run.clusters_error = Some("k-means <diverged> & stopped".to_owned());
    let figs = balanced_figures(&failed, &ReportOptions::default()).unwrap();
    assert!(!names(&figs).contains(&"couplings_by_cluster"));
    let html = render_balanced_html(&failed, &figs, &ReportOptions::default());
    assert!(html.contains(
        "because k-means found no clusters (S = 2: k-means &lt;diverged&gt; &amp; stopped)."
    ));
    assert!(html.contains("<td>none: k-means &lt;diverged&gt; &amp; stopped</td>"));
}

#[test]
fn failed_trials_are_shown_and_a_sweep_without_rates_is_explained() {
    let mut results = results();
    let reason = "rates ran away: max ν > 1e6 at step 12";
    {
        let s = results.sweep.as_mut().unwrap();
        let p = s
            .points
            .iter_mut()
            .find(|p| p.g == 2.0 && p.b == 2.0)
            .unwrap();
        p.count = 0;
        p.failed = 3;
        p.rate = None;
        p.rate_sd = None;
        p.time_constant = Some(f64::INFINITY);
        p.error = Some(reason.to_owned());
    }
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    let f = find(&figs, "rate_vs_balance");
    assert_svg(f);
    assert!(f.caption.contains(&format!(
        "Trials without a rate: g = 2, σ = 0.1, b = 2: 3 of 3 trials without a rate ({reason})"
    )));
    let html = render_balanced_html(&results, &figs, &ReportOptions::default());
    let escaped = reason.replace('>', "&gt;");
    let row = [
        num_cell("2"),
        num_cell("0.1"),
        num_cell("2"),
        num_cell("0"),
        num_cell("3"),
    ]
    .concat()
        + &[num_cell("—"), num_cell("—"), num_cell("∞")].concat();
    assert!(html.contains(&format!("<tr>{row}")), "no row {row}");
    assert!(html.contains(&format!("<td>{escaped}</td></tr>")));
    assert!(html.contains("3 of 18 trials have no rate"));

    // No rate anywhere: the figures of rates are skipped, with the first reason.
    for p in &mut results.sweep.as_mut().unwrap().points {
        p.rate = None;
        p.density.clear();
        p.error = Some(reason.to_owned());
    }
    let figs = balanced_figures(&results, &ReportOptions::default()).unwrap();
    assert_eq!(
        names(&figs),
        [
            "time_constant_vs_balance",
            "training_curves",
            "eigenvalues",
            "couplings_by_cluster"
        ]
    );
    let html = render_balanced_html(&results, &figs, &ReportOptions::default());
    assert!(html.contains(&format!(
        "Information rate against the balance factor: not drawn, because no grid point has a rate (first failure: {escaped})."
    )));
    assert!(html.contains("id=\"skipped-rate_density\""));
}

#[test]
fn all_text_is_escaped() {
    let mut results = results();
    results.experiment = "<b>tiny</b> & 'co'".to_owned();
    results.config.name = "<b>tiny</b> & 'co'".to_owned();
    let options = ReportOptions {
        title: "balanced <report> & \"more\"".to_owned(),
        ..ReportOptions::default()
    };
    let figs = balanced_figures(&results, &options).unwrap();
    let html = render_balanced_html(&results, &figs, &options);
    assert!(html.contains("<title>balanced &lt;report&gt; &amp; &quot;more&quot;</title>"));
    assert!(html.contains(
        "Balanced-network experiment <strong>&lt;b&gt;tiny&lt;/b&gt; &amp; &#39;co&#39;</strong>"
    ));
    assert!(html.contains(
        "<th scope=\"row\">experiment</th><td>&lt;b&gt;tiny&lt;/b&gt; &amp; &#39;co&#39;</td>"
    ));
    assert!(!html.contains("<b>tiny"));
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
fn write_balanced_report_writes_svg_png_and_html_atomically() {
    let results = results();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let opts = ReportOptions {
        png: true,
        unit: Unit::Nats,
        ..ReportOptions::default()
    };
    let files = write_balanced_report(&results, &out, &opts).unwrap();
    let figs = balanced_figures(&results, &opts).unwrap();
    assert_eq!(files.html, out.join("report.html"));
    assert_eq!(files.figures.len(), 2 * ALL.len());
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
        render_balanced_html(&results, &figs, &opts)
    );
    // Every figure file is valid SVG with its unit, and the page holds each inline.
    let html = std::fs::read_to_string(&files.html).unwrap();
    for name in ALL {
        let svg = std::fs::read_to_string(out.join(format!("figures/{name}.svg"))).unwrap();
        assert_svg(&Figure {
            name: name.to_owned(),
            title: String::new(),
            caption: String::new(),
            svg: svg.clone(),
        });
        assert!(html.contains(svg.trim()), "{name} is not inline");
    }
    // Rewriting in bits without PNGs replaces the SVGs and the page.
    let again = write_balanced_report(&results, &out, &ReportOptions::default()).unwrap();
    assert_eq!(again.figures.len(), ALL.len());
    let svg = std::fs::read_to_string(out.join("figures/rate_vs_balance.svg")).unwrap();
    assert!(svg_texts(&svg).contains(&"I(stimulus; ν) rate (bits/τ)".to_owned()));
    // A file where the folder should be: the error names it.
    let blocker = dir.path().join("blocked");
    std::fs::write(&blocker, "not a folder").unwrap();
    let err = write_balanced_report(&results, &blocker, &ReportOptions::default()).unwrap_err();
    assert!(matches!(err, ReportError::Io(_)), "{err:?}");
    assert!(err.to_string().contains("blocked"), "{err}");
}

#[test]
fn several_noise_levels_are_one_curve_each() {
    let mut results = results();
    let sweep = results.sweep.as_mut().unwrap();
    // A second σ with the same numbers halved: one more curve per g.
    let extra: Vec<_> = sweep
        .points
        .iter()
        .map(|p| {
            let mut q = p.clone();
            q.sigma = 1.0;
            q.rate = p.rate.map(|r| r / 2.0);
            q
        })
        .collect();
    sweep.points.extend(extra);
    let extra: Vec<_> = sweep
        .fits
        .iter()
        .map(|c| {
            let mut d = c.clone();
            d.sigma = 1.0;
            d
        })
        .collect();
    sweep.fits.extend(extra);
    results.config.sweep.sigma = vec![0.1, 1.0];
    let figs = balanced_figures(&results, &options(Unit::Bits)).unwrap();
    let texts = svg_texts(&find(&figs, "rate_vs_balance").svg);
    for label in ["g = 0, σ = 0.1: mean ± sd", "g = 2, σ = 1: mean ± sd"] {
        assert!(
            texts.iter().any(|t| t == label),
            "no {label:?} in {texts:?}"
        );
    }
    let density = svg_texts(&find(&figs, "rate_density").svg);
    assert!(density.iter().any(|t| t == "g = 2, σ = 1"), "{density:?}");
    let page = render_balanced_html(&results, &[], &options(Unit::Bits));
    assert!(page.contains("<th>σ</th>"));
    assert!(
        page.contains("private noise σ = 0.1, 1)"),
        "σ values in the settings line"
    );
}
