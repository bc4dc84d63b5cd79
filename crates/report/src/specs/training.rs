//! Figures over training: the information plane and the gradient signal-to-noise ratio.

use infoscope_analysis::NetworkAnalysis;
use infoscope_analysis::estimators::Unit;

use super::{TimeScale, bound_label, unit_words};
use crate::chart::{HLine, LineChart, Series};
use crate::format::{self, unit_name};
use crate::legend::{self, Dash, Shape};
use crate::plane::{Plane, Trajectory};
use crate::render::{FigureSpec, Kind};
use crate::style::{self, INK};

/// The information-plane figure of `net`, when it has one.
pub(super) fn information_plane(
    net: &NetworkAnalysis,
    slug: &str,
    unit: Unit,
) -> Option<FigureSpec> {
    let plane = net.plane.as_ref().filter(|p| !p.curves.is_empty())?;
    let ts = TimeScale::of(net);
    let trajectories = plane
        .curves
        .iter()
        .enumerate()
        .map(|(i, c)| Trajectory {
            label: bound_label(&c.label, c.bound),
            color: style::palette(i),
            shape: Shape::nth(i),
            points: c
                .i_xt
                .iter()
                .zip(&c.i_ty)
                .enumerate()
                .map(|(j, (x, y))| {
                    let step = plane.checkpoints.get(j).map_or(f64::NAN, |s| *s as f64);
                    (unit.from_nats(*x), unit.from_nats(*y), step)
                })
                .collect(),
        })
        .collect();
    let u = unit_name(unit);
    let caption = format!(
        "{} The layer at t = {} {} (step {}), at each of {} training checkpoints; one trajectory per estimator, points coloured by training step. {}",
        plane.description.trim_end(),
        format::trim(ts.at(plane.step), 3),
        ts.unit,
        plane.step,
        plane.checkpoints.len(),
        unit_words(unit)
    );
    Some(FigureSpec {
        name: format!("{slug}_information_plane"),
        title: format!("{}: information plane", net.name),
        caption,
        size: (1150, 600),
        kind: Kind::Plane(Plane {
            x_desc: format!("I(X;T) ({u})"),
            y_desc: format!("I(T;Y) ({u})"),
            bar_desc: "training step".to_owned(),
            trajectories,
        }),
    })
}

/// The gradient SNR and gradient-norm figures of `net`, when it has them.
pub(super) fn gradients(net: &NetworkAnalysis, slug: &str) -> Vec<FigureSpec> {
    let Some(g) = net
        .gradients
        .as_ref()
        .filter(|g| !g.layers.is_empty() && !g.steps.is_empty())
    else {
        return vec![];
    };
    let steps: Vec<f64> = g.steps.iter().map(|s| *s as f64).collect();
    let along =
        |values: Vec<f64>| -> Vec<(f64, f64)> { steps.iter().copied().zip(values).collect() };
    let mut snr = LineChart {
        x_desc: "training step".to_owned(),
        y_desc: "SNR (dimensionless)".to_owned(),
        x_log: true,
        y_log: true,
        hlines: vec![HLine {
            label: "SNR = 1".to_owned(),
            y: 1.0,
        }],
        ..LineChart::default()
    };
    let mut norms = LineChart {
        x_desc: "training step".to_owned(),
        y_desc: "gradient norm ‖·‖₂ (loss per parameter unit)".to_owned(),
        x_log: true,
        y_log: true,
        ..LineChart::default()
    };
    for (i, layer) in g.layers.iter().enumerate() {
        let color = style::palette(i);
        let line = |label: String, dash: Dash, values: Vec<f64>| Series {
            label: Some(label),
            color,
            dash,
            width: 2,
            points: along(values),
        };
        snr.series.push(line(
            layer.name.clone(),
            Dash::Solid,
            layer.snr.iter().map(|s| s.unwrap_or(f64::NAN)).collect(),
        ));
        norms.series.push(line(
            format!("{}: ‖mean_b g_b‖", layer.name),
            Dash::Solid,
            layer.mean_norm.clone(),
        ));
        norms.series.push(line(
            format!("{}: ‖std_b g_b‖", layer.name),
            Dash::Dashed,
            layer.std_norm.clone(),
        ));
    }
    if g.idnns_aggregate.iter().any(Option::is_some) {
        snr.series.push(Series {
            label: Some("IDNNs aggregate (all layers)".to_owned()),
            color: INK,
            dash: Dash::Dashed,
            width: 2,
            points: along(
                g.idnns_aggregate
                    .iter()
                    .map(|s| s.unwrap_or(f64::NAN))
                    .collect(),
            ),
        });
    }
    for chart in [&mut snr, &mut norms] {
        if !chart
            .series
            .iter()
            .any(|s| s.points.iter().any(|p| chart.valid(*p)))
        {
            chart.note = Some("no positive finite values to draw on log axes".to_owned());
        }
    }
    let diffusion: Vec<String> = g
        .layers
        .iter()
        .filter_map(|l| {
            l.diffusion_from
                .map(|s| format!("{} from step {s}", l.name))
        })
        .collect();
    let diffusion = if diffusion.is_empty() {
        "No layer's SNR stays below 1 (no diffusion phase found).".to_owned()
    } else {
        format!(
            "SNR stays below 1 (diffusion phase): {}.",
            diffusion.join(", ")
        )
    };
    let log_note = "Log–log axes: step 0 and undefined or non-positive values are not drawn.";
    let height = |chart: &LineChart| 500.max(60 + legend::height(chart.legend_entries().len(), 1));
    vec![
        FigureSpec {
            name: format!("{slug}_gradient_snr"),
            title: format!("{}: gradient signal-to-noise ratio over training", net.name),
            caption: format!(
                "Per-layer gradient SNR, {}. {diffusion} {log_note}",
                g.definition.trim_end_matches('.')
            ),
            size: (1150, height(&snr)),
            kind: Kind::Line(snr),
        },
        FigureSpec {
            name: format!("{slug}_gradient_norms"),
            title: format!("{}: gradient mean and spread over training", net.name),
            caption: format!(
                "Per layer, the L2 norm of the mean gradient over the batches of a log interval (solid) and of their standard deviation (dashed). {log_note}"
            ),
            size: (1150, height(&norms)),
            kind: Kind::Line(norms),
        },
    ]
}
