//! Per-neuron MI with the stimulus over time (SPEC.md §3, item 3): M[i, t] = I(h_i(t); X) by
//! binning each neuron on its own, each neuron's peak time, and which neurons are active: a
//! permutation test of max_t M[i, t] (the labels permuted across trials, the same permutation
//! at every step, so the test accounts for taking the maximum over time) with
//! Benjamini–Hochberg control of the false-discovery rate over the neurons.

use infoscope_estimators::budget::check_memory;
use infoscope_estimators::discrete::Binned;
use infoscope_estimators::significance::{
    Surrogate, benjamini_hochberg, mean_std, p_value, quantile, surrogate_orders,
};
use ndarray::{ArrayView1, Axis};
use rayon::prelude::*;

use crate::config::AnalysisConfig;
use crate::error::Result;
use crate::layer::argmax;
use crate::prepare::Prepared;
use crate::results::{PeakSpread, PerNeuronMi, StepNote, TimeAxis};
use crate::setup::{binned_applied, layer_binner, permuted};

/// The per-neuron analysis of a prepared recording.
pub(crate) fn per_neuron_mi(p: &Prepared<'_>, config: &AnalysisConfig) -> Result<PerNeuronMi> {
    let binner = layer_binner(config.neuron_bins, config)?;
    let steps = p.rec.n_time();
    let units = p.rec.hidden.shape()[2];
    check_memory(
        "permutations",
        "the per-neuron MI and its surrogate maxima ((steps + permutations) × units values)",
        (steps as u128 + config.permutations as u128) * units as u128 * 8,
        "lower `permutations` or analyse fewer units",
    )?;
    let by_step = mi_by_step(p, &binner, &p.stim);
    // A step whose estimate fails is missing for every neuron (NaN) and left out of the test.
    let missing: Vec<StepNote> = by_step
        .iter()
        .enumerate()
        .filter_map(|(t, r)| {
            r.as_ref().err().map(|e| StepNote {
                index: t,
                reason: e.to_string(),
            })
        })
        .collect();
    let ok: Vec<bool> = by_step.iter().map(Result::is_ok).collect();
    let mi: Vec<Vec<f64>> = (0..units)
        .map(|i| {
            (0..steps)
                .map(|t| by_step[t].as_ref().map_or(f64::NAN, |v| v[i]))
                .collect()
        })
        .collect();
    let peak_step: Vec<usize> = mi.iter().map(|row| argmax(row)).collect();
    let peak_mi: Vec<f64> = mi.iter().zip(&peak_step).map(|(row, &t)| row[t]).collect();

    let orders = surrogate_orders(
        Surrogate::Permutation,
        p.rec.n_trials(),
        config.permutations,
        config.seed,
    )?;
    let null_max: Vec<Vec<f64>> = orders
        .par_iter()
        .map(|order| {
            let labels = permuted(&p.stim, order);
            let by_step = mi_by_step(p, &binner, &labels);
            (0..units)
                .map(|i| {
                    by_step
                        .iter()
                        .zip(&ok)
                        .filter_map(|(v, &ok)| v.as_ref().ok().filter(|_| ok).map(|v| v[i]))
                        .fold(f64::NEG_INFINITY, f64::max)
                })
                .collect::<Vec<f64>>()
        })
        .collect();
    let p_values: Vec<f64> = (0..units)
        .map(|i| {
            let null: Vec<f64> = null_max.iter().map(|s| s[i]).collect();
            // p = 1 for a neuron without any computed step.
            if peak_mi[i].is_nan() {
                1.0
            } else {
                p_value(&null, peak_mi[i])
            }
        })
        .collect();
    let q_values = benjamini_hochberg(&p_values)?;
    let active: Vec<usize> = (0..units).filter(|&i| q_values[i] <= config.fdr).collect();
    let peak_spread = spread(&active, &peak_step, &p.time);
    let applied = binned_applied(config.neuron_bins, config);
    Ok(PerNeuronMi {
        estimator: applied.method().into(),
        config: applied,
        mi,
        peak_step,
        peak_mi,
        statistic: "max over t of I(h_i(t); X)".into(),
        n_surrogates: orders.len(),
        p_values,
        q_values,
        fdr: config.fdr,
        active,
        peak_spread,
        missing,
    })
}

/// `out[t][i]` = I(h_i(t); labels) in nats, or why step `t` failed.
fn mi_by_step(p: &Prepared<'_>, binner: &Binned, labels: &[i64]) -> Vec<Result<Vec<f64>>> {
    let labels = ArrayView1::from(labels);
    (0..p.rec.n_time())
        .map(|t| {
            Ok(binner
                .per_unit(p.scaled.index_axis(Axis(1), t), labels)?
                .values)
        })
        .collect()
}

/// Summary of the active neurons' peak steps.
fn spread(active: &[usize], peak_step: &[usize], time: &TimeAxis) -> PeakSpread {
    let mut peaks: Vec<f64> = active.iter().map(|&i| peak_step[i] as f64).collect();
    peaks.sort_by(f64::total_cmp);
    let n = peaks.len();
    let (mean, std) = if n > 0 { mean_std(&peaks) } else { (0.0, 0.0) };
    let iqr = if n > 0 {
        quantile(&peaks, 0.75) - quantile(&peaks, 0.25)
    } else {
        0.0
    };
    let per_epoch = time
        .epochs
        .iter()
        .map(|e| {
            let count = active
                .iter()
                .filter(|&&i| (e.start..e.end).contains(&peak_step[i]))
                .count();
            (e.name.clone(), count)
        })
        .collect();
    PeakSpread {
        n_active: n,
        mean_step: mean,
        std_step: std,
        min_step: peaks.first().map_or(0, |&v| v as usize),
        max_step: peaks.last().map_or(0, |&v| v as usize),
        iqr_steps: iqr,
        per_epoch,
    }
}
