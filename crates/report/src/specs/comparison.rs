//! Side-by-side figures of several networks on shared axes.

use infoscope_analysis::estimators::Unit;
use infoscope_analysis::{NetworkAnalysis, Results};

use super::mi::mi_chart;
use super::neurons::peak_histogram_data;
use super::{COMPARISON, TimeScale, unit_words};
use crate::chart::LineChart;
use crate::histogram::Histogram;
use crate::legend;
use crate::render::{FigureSpec, Kind, Panel};

/// A network's name for a panel title, or its position when it has none.
fn display_name(net: &NetworkAnalysis, index: usize) -> String {
    if net.name.trim().is_empty() {
        format!("network {}", index + 1)
    } else {
        net.name.clone()
    }
}

/// The comparison figures of two or more networks: each drawn for the networks that have
/// something to compare, when there are at least two. Axes are shared, the time axis only when
/// every network's is in milliseconds.
pub(super) fn comparison(results: &Results, unit: Unit) -> Vec<FigureSpec> {
    let columns = 2;
    let mut specs = vec![];
    let with_curves: Vec<(usize, &NetworkAnalysis)> = results
        .networks
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.layer.stimulus.curves.is_empty())
        .collect();
    if with_curves.len() >= 2 {
        let nets = &with_curves;
        let rows = nets.len().div_ceil(columns) as u32;
        let share_time = nets.iter().all(|(_, n)| TimeScale::of(n).unit == "ms");
        let mut charts: Vec<LineChart> = nets
            .iter()
            .map(|(_, n)| mi_chart(n, &n.layer.stimulus, unit, false))
            .collect();
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut x_lo, mut x_hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for c in &charts {
            let (a, b) = c.y_bounds();
            (lo, hi) = (lo.min(a), hi.max(b));
            let (a, b) = c.x_bounds();
            (x_lo, x_hi) = (x_lo.min(a), x_hi.max(b));
        }
        let entries = charts
            .iter()
            .map(|c| c.legend_entries().len())
            .max()
            .unwrap_or(0);
        for c in &mut charts {
            c.y_range = Some((lo, hi));
            if share_time {
                c.x_range = Some((x_lo, x_hi));
            }
        }
        let quantity = &nets[0].1.layer.stimulus.quantity;
        specs.push(FigureSpec {
            name: format!("{COMPARISON}_stimulus"),
            title: format!("{quantity} over time, network by network"),
            caption: format!(
                "The stimulus panel of each network side by side, on a shared information axis{}. Line styles as in each network's own figure. {}",
                if share_time { " and time axis" } else { "" },
                unit_words(unit)
            ),
            size: (1300, rows * (430 + legend::height(entries, 2))),
            kind: Kind::Grid {
                columns,
                panels: nets.iter().map(|(i, n)| display_name(n, *i)).zip(charts.into_iter().map(Panel::Line)).collect(),
            },
        });
    }
    let with_neurons: Vec<(usize, &NetworkAnalysis)> = results
        .networks
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.neurons.mi.is_empty() || !n.neurons.active.is_empty())
        .collect();
    if with_neurons.len() >= 2 {
        let nets = &with_neurons;
        let rows = nets.len().div_ceil(columns) as u32;
        let share_time = nets.iter().all(|(_, n)| TimeScale::of(n).unit == "ms");
        let mut hists: Vec<Histogram> =
            nets.iter().map(|(_, n)| peak_histogram_data(n).0).collect();
        let x_max = hists.iter().map(|h| h.x_range.1).fold(0.0, f64::max);
        let y_max = hists.iter().map(Histogram::top).fold(1.0, f64::max);
        for h in &mut hists {
            if share_time {
                h.x_range.1 = x_max;
            }
            h.y_max = Some(y_max);
        }
        let total = |n: &NetworkAnalysis| n.neurons.mi.len().max(n.recording.n_units);
        specs.push(FigureSpec {
            name: format!("{COMPARISON}_peak_times"),
            title: "Peak times of the active neurons, network by network".to_owned(),
            caption: format!(
                "Peak-time histograms side by side, on shared axes ({}).",
                nets.iter()
                    .map(|(i, n)| format!(
                        "{}: {} of {} neurons active",
                        display_name(n, *i),
                        n.neurons.active.len(),
                        total(n)
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            size: (1300, rows * 460),
            kind: Kind::Grid {
                columns,
                panels: nets
                    .iter()
                    .map(|(i, n)| display_name(n, *i))
                    .zip(hists.into_iter().map(Panel::Histogram))
                    .collect(),
            },
        });
    }
    specs
}
