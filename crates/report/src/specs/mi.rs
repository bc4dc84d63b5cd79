//! MI over time, one figure per panel, and the Kolchinsky–Tracey bounds against σ².

use std::collections::BTreeMap;

use infoscope_analysis::estimators::Unit;
use infoscope_analysis::{Bound, MiCurve, MiPanel, NetworkAnalysis};

use super::{
    SATURATED_NOTE, TimeScale, curve_flags, curve_label, epoch_words, epochs, step_ranges,
    unit_words,
};
use crate::chart::{Band, HLine, LineChart, Series};
use crate::format::{self, unit_name};
use crate::legend::{self, Dash};
use crate::render::{FigureSpec, Kind};
use crate::style;

/// The line chart of one MI panel over time (without title: the caller adds it).
pub(super) fn mi_chart(
    net: &NetworkAnalysis,
    panel: &MiPanel,
    unit: Unit,
    successive: bool,
) -> LineChart {
    let ts = TimeScale::of(net);
    let to_points = |values: &[f64]| -> Vec<(f64, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(t, v)| (ts.at(t), unit.from_nats(*v)))
            .collect()
    };
    // Bounds of one estimator configuration share a colour and a band.
    let mut colour_of: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut next = 0;
    let mut pairs: BTreeMap<usize, (Option<&MiCurve>, Option<&MiCurve>)> = BTreeMap::new();
    let mut series = vec![];
    let mut nulls = vec![];
    for curve in &panel.curves {
        let index = if curve.bound == Bound::Point {
            next += 1;
            next - 1
        } else {
            let config = serde_json::to_string(&curve.config).unwrap_or_default();
            let key = (curve.estimator.clone(), config);
            *colour_of.entry(key).or_insert_with(|| {
                next += 1;
                next - 1
            })
        };
        let color = style::palette(index);
        match curve.bound {
            Bound::Lower => pairs.entry(index).or_default().0.get_or_insert(curve),
            Bound::Upper => pairs.entry(index).or_default().1.get_or_insert(curve),
            Bound::Point => curve,
        };
        series.push(Series {
            label: Some(format!("{}{}", curve_label(curve), curve_flags(curve))),
            color,
            dash: if curve.bound == Bound::Lower {
                Dash::Dashed
            } else {
                Dash::Solid
            },
            width: 2,
            points: to_points(&curve.values),
        });
        if let Some(null) = &curve.null {
            nulls.push(Series {
                label: Some(format!("{}: null 95th percentile", curve_label(curve))),
                color,
                dash: Dash::Dotted,
                width: 1,
                points: to_points(&null.q95),
            });
        }
    }
    let bands = pairs
        .into_iter()
        .filter_map(|(index, pair)| match pair {
            (Some(lo), Some(hi)) => Some(Band {
                color: style::palette(index),
                lower: to_points(&lo.values),
                upper: to_points(&hi.values),
            }),
            _ => None,
        })
        .collect();
    let hlines = panel
        .ceiling
        .iter()
        .filter(|c| c.value.is_finite())
        .map(|c| HLine {
            label: format!(
                "{} = {} {}",
                c.label,
                format::value(unit.from_nats(c.value)),
                unit_name(unit)
            ),
            y: unit.from_nats(c.value),
        })
        .collect();
    let n = panel
        .curves
        .iter()
        .map(|c| c.values.len())
        .max()
        .unwrap_or(0)
        .max(net.time.n_steps.saturating_sub(usize::from(successive)));
    let any_finite = panel
        .curves
        .iter()
        .flat_map(|c| &c.values)
        .any(|v| v.is_finite());
    // The estimates first in the legend, then their nulls.
    series.extend(nulls);
    LineChart {
        x_desc: if successive {
            ts.desc("time t of the pair h_t → h_t+1")
        } else {
            ts.desc("time")
        },
        y_desc: format!("{} ({})", panel.quantity, unit_name(unit)),
        series,
        bands,
        hlines,
        epochs: epochs(net),
        x_range: (n >= 2).then(|| (0.0, ts.at(n - 1))),
        y_from_zero: true,
        note: if panel.curves.is_empty() {
            Some("no curves".to_owned())
        } else {
            (!any_finite).then(|| "no finite values".to_owned())
        },
        ..LineChart::default()
    }
}

/// A figure of one MI panel over time.
pub(super) fn mi_figure(
    net: &NetworkAnalysis,
    panel: &MiPanel,
    name: &str,
    unit: Unit,
    successive: bool,
) -> FigureSpec {
    let chart = mi_chart(net, panel, unit, successive);
    let mut caption = format!(
        "{}: {}",
        panel.quantity,
        panel.description.trim_end_matches('.')
    );
    caption.push_str(". ");
    if successive {
        caption.push_str("The value at time t is I(h_t; h_t+1), drawn at t. ");
    }
    caption.push_str("At each time step the samples are the trials at that step. ");
    if !chart.bands.is_empty() {
        caption.push_str(
            "Shaded: between the lower (dashed) and upper (solid) bound of one estimator. ",
        );
    }
    if let Some(null) = panel.curves.iter().find_map(|c| c.null.as_ref()) {
        caption.push_str(&format!(
            "Dotted: the 95th percentile of the null ({}, {} surrogates per step). ",
            null.surrogate, null.n_surrogates
        ));
    }
    if let Some(c) = &panel.ceiling {
        caption.push_str(&format!(
            "Grey dashed: {}, the largest value the quantity can take. ",
            c.label
        ));
    }
    for c in panel.curves.iter().filter(|c| !c.saturated.is_empty()) {
        caption.push_str(&format!(
            "{} is saturated at steps {}. ",
            curve_label(c),
            step_ranges(&c.saturated)
        ));
    }
    if panel.curves.iter().any(|c| !c.saturated.is_empty()) {
        caption.push_str(SATURATED_NOTE);
        caption.push(' ');
    }
    for c in panel.curves.iter().filter(|c| !c.missing.is_empty()) {
        let steps: Vec<usize> = c.missing.iter().map(|m| m.index).collect();
        let reason = &c.missing[0].reason;
        caption.push_str(&format!(
            "{}: no value at steps {} (a gap in the line): {}{}. ",
            curve_label(c),
            step_ranges(&steps),
            reason.trim_end_matches('.'),
            if c.missing.iter().any(|m| &m.reason != reason) {
                "; other reasons listed with the tables"
            } else {
                ""
            }
        ));
    }
    caption.push_str(&epoch_words(net));
    caption.push_str(&unit_words(unit));
    let height = 540.max(60 + legend::height(chart.legend_entries().len(), 1));
    FigureSpec {
        name: name.to_owned(),
        title: format!("{}: {} over time", net.name, panel.quantity),
        caption,
        size: (1150, height),
        kind: Kind::Line(chart),
    }
}

/// The Kolchinsky–Tracey σ² sweep of `net`, when it has one.
pub(super) fn kt_sweep(net: &NetworkAnalysis, slug: &str, unit: Unit) -> Option<FigureSpec> {
    let sweep = &net.layer.kt_sweep;
    if sweep.noise_vars.is_empty() {
        return None;
    }
    let ts = TimeScale::of(net);
    let along = |values: &[f64]| -> Vec<(f64, f64)> {
        sweep
            .noise_vars
            .iter()
            .zip(values)
            .map(|(s, v)| (*s, unit.from_nats(*v)))
            .collect()
    };
    let mut chart = LineChart {
        x_desc: "noise variance σ² (activation units²)".to_owned(),
        y_desc: format!("I ({})", unit_name(unit)),
        x_log: true,
        y_from_zero: true,
        ..LineChart::default()
    };
    let groups = [
        (
            "I(X; T)",
            &sweep.stimulus_lower,
            &sweep.stimulus_upper,
            &net.layer.stimulus,
        ),
        (
            "I(trial; T)",
            &sweep.trial_lower,
            &sweep.trial_upper,
            &net.layer.trial,
        ),
    ];
    for (i, (what, lower, upper, panel)) in groups.into_iter().enumerate() {
        let color = style::palette(i);
        if lower.is_empty() && upper.is_empty() {
            continue;
        }
        chart.bands.push(Band {
            color,
            lower: along(lower),
            upper: along(upper),
        });
        chart.series.push(Series {
            label: Some(format!("{what}, upper bound")),
            color,
            dash: Dash::Solid,
            width: 2,
            points: along(upper),
        });
        chart.series.push(Series {
            label: Some(format!("{what}, lower bound")),
            color,
            dash: Dash::Dashed,
            width: 2,
            points: along(lower),
        });
        if let Some(c) = panel.ceiling.as_ref().filter(|c| c.value.is_finite()) {
            chart.hlines.push(HLine {
                label: format!(
                    "{} = {} {}",
                    c.label,
                    format::value(unit.from_nats(c.value)),
                    unit_name(unit)
                ),
                y: unit.from_nats(c.value),
            });
        }
    }
    let at = format!("t = {} {}", format::trim(ts.at(sweep.step), 3), ts.unit);
    let caption = format!(
        "Kolchinsky–Tracey lower (Bhattacharyya, dashed) and upper (KL, solid) bounds on the MI between the hidden layer at {at} (step {}, chosen as: {}) and the stimulus class or the trial, against the variance σ² of the Gaussian noise added to the activations. {}",
        sweep.step,
        sweep.chosen_as.trim_end_matches('.'),
        unit_words(unit)
    );
    Some(FigureSpec {
        name: format!("{slug}_kt_sweep"),
        title: format!("{}: KT bounds against noise variance ({at})", net.name),
        caption,
        size: (1150, 520),
        kind: Kind::Line(chart),
    })
}
