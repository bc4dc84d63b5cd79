//! From [`Results`] to figure specifications: unit conversion, axis labels and captions. Nothing
//! here estimates anything; the only summaries are counts of peak times per bin.
//!
//! - [`mi`]: MI over time (one figure per panel) and the Kolchinsky–Tracey σ² sweep;
//! - [`neurons`]: the neuron × time heatmap and the peak-time histogram;
//! - [`training`]: the information plane and the gradient SNR;
//! - [`comparison`]: the side-by-side figures of several networks;
//! - [`flux`]: the figures of a flux experiment (its own report);
//! - [`balanced`]: the figures of a balanced-network experiment (its own report).

pub(crate) mod balanced;
mod comparison;
pub(crate) mod flux;
mod mi;
mod neurons;
mod training;

use infoscope_analysis::estimators::Unit;
use infoscope_analysis::{Bound, MiCurve, NetworkAnalysis, Results, StepNote};

use crate::chart::Epoch;
use crate::format;
use crate::render::FigureSpec;

/// The five layer panels, as named in file names (`{slug}_layer_{panel}`).
pub(crate) const LAYER_PANELS: [&str; 5] = [
    "stimulus",
    "target",
    "trial",
    "input_hidden",
    "hidden_output",
];

/// Every per-network figure's file-name suffix (after `{slug}_`), in report order.
pub(crate) const NETWORK_SUFFIXES: [&str; 12] = [
    "layer_stimulus",
    "layer_target",
    "layer_trial",
    "layer_input_hidden",
    "layer_hidden_output",
    "successive",
    "neuron_heatmap",
    "peak_times",
    "information_plane",
    "gradient_snr",
    "gradient_norms",
    "kt_sweep",
];

/// The prefix of the comparison figures' names.
pub(crate) const COMPARISON: &str = "comparison";

/// The time axis of one network: milliseconds, or steps when the step length is unusable.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimeScale {
    /// Step length in the axis unit.
    pub dt: f64,
    /// `"ms"` or `"steps"`.
    pub unit: &'static str,
}

impl TimeScale {
    /// The scale of `net`: its `time.dt_ms` (or the recording's) when positive and finite.
    pub(crate) fn of(net: &NetworkAnalysis) -> Self {
        [net.time.dt_ms, net.recording.dt_ms]
            .into_iter()
            .find(|dt| dt.is_finite() && *dt > 0.0)
            .map_or(
                Self {
                    dt: 1.0,
                    unit: "steps",
                },
                |dt| Self { dt, unit: "ms" },
            )
    }

    /// The axis position of step `t`.
    pub(crate) fn at(self, t: usize) -> f64 {
        t as f64 * self.dt
    }

    /// `"{what} ({unit})"`.
    pub(crate) fn desc(self, what: &str) -> String {
        format!("{what} ({})", self.unit)
    }
}

/// The figures of `results`, in report order.
pub(crate) fn build(results: &Results, unit: Unit) -> Vec<FigureSpec> {
    let slugs = network_slugs(results);
    let mut specs = vec![];
    for (net, slug) in results.networks.iter().zip(&slugs) {
        specs.extend(network(net, slug, unit));
    }
    if results.networks.len() >= 2 {
        specs.extend(comparison::comparison(results, unit));
    }
    specs
}

/// The unique file-name slugs of the networks, in order.
pub(crate) fn network_slugs(results: &Results) -> Vec<String> {
    format::unique_slugs(results.networks.iter().map(|n| n.name.as_str()))
}

/// The figures of one network.
fn network(net: &NetworkAnalysis, slug: &str, unit: Unit) -> Vec<FigureSpec> {
    let mut specs = vec![];
    let layer = &net.layer;
    let panels = [
        &layer.stimulus,
        &layer.target,
        &layer.trial,
        &layer.input_hidden,
        &layer.hidden_output,
    ];
    for (key, panel) in LAYER_PANELS.iter().zip(panels) {
        if !panel.curves.is_empty() {
            specs.push(mi::mi_figure(
                net,
                panel,
                &format!("{slug}_layer_{key}"),
                unit,
                false,
            ));
        }
    }
    if !net.successive.panel.curves.is_empty() {
        specs.push(mi::mi_figure(
            net,
            &net.successive.panel,
            &format!("{slug}_successive"),
            unit,
            true,
        ));
    }
    specs.extend(neurons::heatmap(net, slug, unit));
    if !net.neurons.mi.is_empty() || !net.neurons.active.is_empty() {
        specs.push(neurons::peak_histogram(net, slug));
    }
    specs.extend(training::information_plane(net, slug, unit));
    specs.extend(training::gradients(net, slug));
    specs.extend(mi::kt_sweep(net, slug, unit));
    specs
}

/// The task epochs of `net` on its time axis.
pub(crate) fn epochs(net: &NetworkAnalysis) -> Vec<Epoch> {
    let ts = TimeScale::of(net);
    net.time
        .epochs
        .iter()
        .map(|e| Epoch {
            name: e.name.clone(),
            x0: ts.at(e.start),
            x1: ts.at(e.end),
        })
        .collect()
}

/// A curve's legend label, naming its bound when the label does not.
pub(crate) fn curve_label(curve: &MiCurve) -> String {
    bound_label(&curve.label, curve.bound)
}

/// `label`, with " (lower bound)" / " (upper bound)" appended when it does not say so.
pub(crate) fn bound_label(label: &str, bound: Bound) -> String {
    let lower = label.to_lowercase();
    match bound {
        Bound::Lower if !lower.contains("lower") => format!("{label} (lower bound)"),
        Bound::Upper if !lower.contains("upper") => format!("{label} (upper bound)"),
        _ => label.to_owned(),
    }
}

/// "Grey bands: task epochs ...", or why there are none.
pub(crate) fn epoch_words(net: &NetworkAnalysis) -> String {
    if net.time.epochs.is_empty() {
        net.time.epochs_note.as_ref().map_or_else(String::new, |n| {
            format!("No task epochs shown: {}. ", n.trim_end_matches('.'))
        })
    } else {
        "Grey bands: the task epochs. ".to_owned()
    }
}

/// The unit sentence of a caption.
pub(crate) fn unit_words(unit: Unit) -> String {
    match unit {
        Unit::Bits => "Information in bits (nats / ln 2).".to_owned(),
        Unit::Nats => "Information in nats.".to_owned(),
    }
}

/// The footnote of a value at its ceiling.
pub(crate) const SATURATED_NOTE: &str = "* saturated: every trial has its own binned pattern at \
    this step, so the estimate equals its ceiling (H(X), or ln(trials)) whatever the layer \
    encodes; it measures the number of trials, not the layer. Use fewer bins or more trials.";

/// Steps as ranges: `[0, 1, 2, 5]` → "0–2, 5".
pub(crate) fn step_ranges(steps: &[usize]) -> String {
    let mut sorted = steps.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            sorted[i].to_string()
        } else {
            format!("{}–{}", sorted[i], sorted[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// `notes` grouped by reason: "steps 0–3, 7: reason".
fn by_reason(word: &str, notes: &[StepNote]) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for n in notes {
        match groups.iter_mut().find(|(r, _)| *r == n.reason) {
            Some((_, steps)) => steps.push(n.index),
            None => groups.push((&n.reason, vec![n.index])),
        }
    }
    groups
        .into_iter()
        .map(|(reason, steps)| format!("{word} {}: {reason}", step_ranges(&steps)))
        .collect()
}

/// One line per missing value group of `net` (curve, steps and reason), for the page.
pub(crate) fn gap_notes(net: &NetworkAnalysis) -> Vec<String> {
    let l = &net.layer;
    let mut out = Vec::new();
    for panel in [
        &l.stimulus,
        &l.target,
        &l.trial,
        &l.input_hidden,
        &l.hidden_output,
        &net.successive.panel,
    ] {
        for c in &panel.curves {
            for line in by_reason("steps", &c.missing) {
                out.push(format!("{}, {}: {line}", panel.quantity, curve_label(c)));
            }
        }
    }
    for line in by_reason("σ² indices", &l.kt_sweep.missing) {
        out.push(format!("KT σ² sweep: {line}"));
    }
    for line in by_reason("steps", &net.neurons.missing) {
        out.push(format!("per-neuron MI (every neuron): {line}"));
    }
    out
}

/// The legend suffix of a curve with saturated or missing values (empty when neither).
pub(crate) fn curve_flags(curve: &MiCurve) -> String {
    let n = curve.values.len();
    let mut flags = Vec::new();
    if !curve.saturated.is_empty() {
        flags.push(format!("saturated* at {}/{n} steps", curve.saturated.len()));
    }
    if !curve.missing.is_empty() {
        flags.push(format!("{} missing", curve.missing.len()));
    }
    if flags.is_empty() {
        String::new()
    } else {
        format!(" [{}]", flags.join("; "))
    }
}
