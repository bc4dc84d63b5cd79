//! Gradient signal-to-noise per layer over training (SPEC.md §5.3), from the training log: the
//! ibsgd per-layer definition (canonical) and the IDNNs aggregate as a named variant.

use infoscope_nets::train::LogEntry;

use crate::results::{GradientSnr, LayerSnr};

/// The gradient statistics of a training log.
#[must_use]
pub fn gradient_snr(log: &[LogEntry]) -> GradientSnr {
    let names: Vec<String> = log
        .first()
        .map(|e| e.gradients.iter().map(|g| g.name.clone()).collect())
        .unwrap_or_default();
    let steps: Vec<usize> = log.iter().map(|e| e.step).collect();
    let layers = names
        .iter()
        .enumerate()
        .map(|(l, name)| {
            fn get(
                e: &LogEntry,
                l: usize,
            ) -> Option<&infoscope_nets::train::gradient_stats::LayerGradients> {
                e.gradients.get(l)
            }
            let snr: Vec<Option<f64>> = log.iter().map(|e| get(e, l).and_then(|g| g.snr)).collect();
            LayerSnr {
                name: name.clone(),
                mean_norm: log
                    .iter()
                    .map(|e| get(e, l).map_or(f64::NAN, |g| g.mean_norm))
                    .collect(),
                std_norm: log
                    .iter()
                    .map(|e| get(e, l).map_or(f64::NAN, |g| g.std_norm))
                    .collect(),
                diffusion_from: diffusion_from(&steps, &snr),
                snr,
                weight_norm: log
                    .iter()
                    .map(|e| get(e, l).map_or(f64::NAN, |g| g.weight_norm))
                    .collect(),
            }
        })
        .collect();
    let idnns_aggregate = log
        .iter()
        .map(|e| {
            let mean: f64 = e.gradients.iter().map(|g| g.mean_norm).sum();
            let std: f64 = e.gradients.iter().map(|g| g.std_norm).sum();
            (std > 0.0).then(|| mean * mean / std)
        })
        .collect();
    GradientSnr {
        definition: "ibsgd: ‖mean_b g_b‖₂ / ‖std_b g_b‖₂ per layer over the batches of each log \
                     interval (SPEC.md §5.3)"
            .into(),
        steps,
        layers,
        idnns_aggregate,
        performance: log.iter().map(|e| e.performance).collect(),
    }
}

/// The first step from which the SNR stays below 1 (an undefined SNR, std = 0, is infinite).
fn diffusion_from(steps: &[usize], snr: &[Option<f64>]) -> Option<usize> {
    let below = |s: &Option<f64>| s.is_some_and(|v| v < 1.0);
    let mut from = None;
    for (i, s) in snr.iter().enumerate().rev() {
        if below(s) {
            from = Some(steps[i]);
        } else {
            break;
        }
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffusion_starts_where_the_snr_stays_below_one() {
        let steps = [10, 20, 30, 40];
        assert_eq!(
            diffusion_from(&steps, &[Some(5.0), Some(0.5), Some(2.0), Some(0.9)]),
            Some(40)
        );
        assert_eq!(
            diffusion_from(&steps, &[Some(5.0), Some(0.5), Some(0.2), Some(0.9)]),
            Some(20)
        );
        assert_eq!(
            diffusion_from(&steps, &[Some(5.0), Some(0.5), Some(0.2), None]),
            None
        );
        assert_eq!(diffusion_from(&[], &[]), None);
    }
}
