//! Issue 16: the report shows what the analysis could not compute (gaps and their reasons),
//! marks estimates at their ceiling, and lists how the recording's arrays were read.

use infoscope_analysis::{Results, StepNote};
use infoscope_report::{ReportOptions, figures, render_html};

use super::{fixture, svg_texts};

/// The fixture with a gap in the first stimulus curve at steps 5 and 6.
fn with_gap() -> Results {
    let mut results = fixture::results();
    let curve = &mut results.networks[0].layer.stimulus.curves[0];
    for t in [5, 6] {
        curve.values[t] = f64::NAN;
        curve.missing.push(StepNote {
            index: t,
            reason: "argument `x` column 2 has zero variance".to_owned(),
        });
    }
    results
}

#[test]
fn issue16_missing_values_are_gaps_with_their_reasons() {
    let results = with_gap();
    let options = ReportOptions::default();
    let figs = figures(&results, &options).unwrap();
    let html = render_html(&results, &figs, &options);
    assert!(html.contains("Values not computed"), "no gap list");
    assert!(
        html.contains("steps 5–6: argument `x` column 2 has zero variance"),
        "gap reason not listed"
    );
    let stim = figs
        .iter()
        .find(|f| f.name.ends_with("layer_stimulus"))
        .unwrap();
    assert!(
        stim.caption.contains("a gap in the line"),
        "{}",
        stim.caption
    );
    assert!(
        svg_texts(&stim.svg).iter().any(|t| t.contains("2 missing")),
        "legend does not flag the missing values"
    );
    // results.json with the gap reads back (null → NaN) and renders the same page.
    let json = serde_json::to_string(&results).unwrap();
    assert!(json.contains("null"));
    let back: Results = serde_json::from_str(&json).unwrap();
    assert_eq!(render_html(&back, &figs, &options), html);
}

#[test]
fn issue16_saturated_maxima_are_marked() {
    let mut results = fixture::results();
    let curve = &mut results.networks[0].layer.stimulus.curves[0];
    curve.saturated = (0..curve.values.len()).collect();
    let label = curve.label.clone();
    let options = ReportOptions::default();
    let figs = figures(&results, &options).unwrap();
    let html = render_html(&results, &figs, &options);
    assert!(html.contains(" *</td>"), "no mark in the maxima table");
    assert!(html.contains("<tfoot>") && html.contains("saturated"));
    let stim = figs
        .iter()
        .find(|f| f.name.ends_with("layer_stimulus"))
        .unwrap();
    assert!(
        stim.caption.contains(&format!("{label} is saturated")),
        "{}",
        stim.caption
    );
    assert!(
        svg_texts(&stim.svg).iter().any(|t| t.contains("saturated")),
        "legend does not flag saturation"
    );
    let plain = render_html(&fixture::results(), &figs, &options);
    assert!(!plain.contains("<tfoot>"));
}

#[test]
fn issue16_arrays_read_and_label_warnings_are_shown() {
    let mut results = fixture::results();
    let net = &mut results.networks[0];
    net.recording.arrays_read = vec!["hidden: float16 [200, 50, 32], widened to float64".into()];
    net.variables.warnings =
        vec!["labels range over [0, 359]: angles in degrees? convert with np.deg2rad".into()];
    let html = render_html(&results, &[], &ReportOptions::default());
    assert!(html.contains("Arrays read from the recording"));
    assert!(html.contains("hidden: float16 [200, 50, 32], widened to float64"));
    assert!(html.contains("np.deg2rad"));
}
