//! The neuron × time heatmap and the peak-time histogram of the active neurons.

use infoscope_analysis::NetworkAnalysis;
use infoscope_analysis::estimators::Unit;

use super::{TimeScale, epoch_words, epochs, unit_words};
use crate::format::{self, unit_name};
use crate::heatmap::{ColorScale, Heatmap};
use crate::histogram::Histogram;
use crate::render::{FigureSpec, Kind};
use crate::style;

/// Most bins a peak-time histogram gets; longer trials are binned by several steps.
const MAX_BINS: usize = 60;

/// The neuron × time heatmap of `net`, when it has per-neuron values.
pub(super) fn heatmap(net: &NetworkAnalysis, slug: &str, unit: Unit) -> Option<FigureSpec> {
    let neurons = &net.neurons;
    if neurons.mi.iter().all(Vec::is_empty) {
        return None;
    }
    let ts = TimeScale::of(net);
    let n = neurons.mi.len();
    let mut is_active = vec![false; n];
    for &i in &neurons.active {
        if let Some(flag) = is_active.get_mut(i) {
            *flag = true;
        }
    }
    let n_active = is_active.iter().filter(|a| **a).count();
    let grouped = n_active > 0 && n_active < n;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| {
        let group = usize::from(grouped && !is_active[i]);
        (
            group,
            neurons.peak_step.get(i).copied().unwrap_or(usize::MAX),
            i,
        )
    });
    let rows = order
        .iter()
        .map(|&i| neurons.mi[i].iter().map(|v| unit.from_nats(*v)).collect())
        .collect();
    let y_desc = if grouped {
        "neuron (active first, sorted by peak time)"
    } else {
        "neuron (sorted by peak time)"
    };
    let order_words = if grouped {
        format!(
            "Rows: the {n_active} active neurons (q ≤ {}) first, then the other {}, each group sorted by peak time (white line between the groups). ",
            format::trim(neurons.fdr, 4),
            n - n_active
        )
    } else {
        format!(
            "Rows: all {n} neurons sorted by peak time ({} active). ",
            n_active
        )
    };
    let caption = format!(
        "Per-neuron I(h_i(t); X) with the stimulus X ({} estimator), one row per neuron. {order_words}Grey cells: non-finite values. {}{}",
        neurons.estimator,
        epoch_words(net).replace("Grey bands", "Dashed white lines and labels"),
        unit_words(unit)
    );
    Some(FigureSpec {
        name: format!("{slug}_neuron_heatmap"),
        title: format!("{}: per-neuron MI with the stimulus", net.name),
        caption,
        size: (1050, 600),
        kind: Kind::Heatmap(Heatmap {
            x_desc: ts.desc("time"),
            y_desc: y_desc.to_owned(),
            bar_desc: format!("I(h_i(t); X) ({})", unit_name(unit)),
            dx: ts.dt,
            rows,
            split: grouped.then_some(n_active),
            epochs: epochs(net),
            colors: ColorScale::Sequential,
            range: None,
            labels: None,
            blocks: vec![],
        }),
    })
}

/// The histogram of the active neurons' peak times, and the steps per bin.
pub(super) fn peak_histogram_data(net: &NetworkAnalysis) -> (Histogram, usize) {
    let ts = TimeScale::of(net);
    let neurons = &net.neurons;
    let peaks: Vec<usize> = neurons
        .active
        .iter()
        .filter_map(|&i| neurons.peak_step.get(i).copied())
        .collect();
    let longest_row = neurons.mi.iter().map(Vec::len).max().unwrap_or(0);
    let last_peak = peaks.iter().max().map_or(0, |p| p + 1);
    let n_steps = net.time.n_steps.max(longest_row).max(last_peak).max(1);
    let per_bin = n_steps.div_ceil(MAX_BINS).max(1);
    let n_bins = n_steps.div_ceil(per_bin);
    let mut counts = vec![0_usize; n_bins];
    for p in &peaks {
        if let Some(c) = counts.get_mut(p / per_bin) {
            *c += 1;
        }
    }
    let bins = counts
        .iter()
        .enumerate()
        .map(|(b, &count)| (ts.at(b * per_bin), ts.at((b + 1) * per_bin), count))
        .collect();
    let hist = Histogram {
        x_desc: ts.desc("peak time"),
        y_desc: "active neurons (count)".to_owned(),
        bins,
        epochs: epochs(net),
        x_range: (0.0, ts.at(n_bins * per_bin)),
        x_integer: false,
        y_max: None,
        color: style::palette(0),
        note: peaks.is_empty().then(|| "no active neurons".to_owned()),
    };
    (hist, per_bin)
}

/// The peak-time histogram figure of `net`.
pub(super) fn peak_histogram(net: &NetworkAnalysis, slug: &str) -> FigureSpec {
    let ts = TimeScale::of(net);
    let (hist, per_bin) = peak_histogram_data(net);
    let neurons = &net.neurons;
    let spread = &neurons.peak_spread;
    let caption = format!(
        "Peak times (the first argmax over t of I(h_i(t); X)) of the {} active neurons out of {} (q ≤ {} after Benjamini–Hochberg; {} surrogates; statistic: {}). Bins of {} step(s) = {} {}. Peak time mean ± std: {} ± {} {}. {}",
        spread.n_active,
        neurons.mi.len().max(net.recording.n_units),
        format::trim(neurons.fdr, 4),
        neurons.n_surrogates,
        neurons.statistic,
        per_bin,
        format::trim(ts.at(per_bin), 3),
        ts.unit,
        format::trim(spread.mean_step * ts.dt, 1),
        format::trim(spread.std_step * ts.dt, 1),
        ts.unit,
        epoch_words(net),
    );
    FigureSpec {
        name: format!("{slug}_peak_times"),
        title: format!("{}: peak times of the active neurons", net.name),
        caption: caption.trim_end().to_owned(),
        size: (950, 460),
        kind: Kind::Histogram(hist),
    }
}
