//! Per-layer gradient statistics over the minibatches of one logging interval (SPEC.md §5.3,
//! the per-layer ibsgd definition): with $g_b$ the flattened gradient of minibatch $b$,
//! `mean_norm` $= \lVert \mathrm{mean}_b\, g_b \rVert_2$, `std_norm` $= \lVert \mathrm{std}_b\,
//! g_b \rVert_2$ (elementwise population standard deviation over the minibatches, then the L2
//! norm), `snr` = mean_norm / std_norm (absent when std_norm is 0, never NaN or a silent ∞),
//! and the Frobenius norm of the weights at the end of the interval.

use serde::{Deserialize, Serialize};

/// One layer's gradient statistics over a logging interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerGradients {
    /// The parameter tensor (`w_in`, `w_rec`, `b_rec`, `w_out`, `b_out`).
    pub name: String,
    /// $\lVert \mathrm{mean}_b\, g_b \rVert_2$.
    pub mean_norm: f64,
    /// $\lVert \mathrm{std}_b\, g_b \rVert_2$.
    pub std_norm: f64,
    /// mean_norm / std_norm; `None` when std_norm is 0 (identical gradients in every batch).
    pub snr: Option<f64>,
    /// $\lVert W \rVert_F$ at the end of the interval.
    pub weight_norm: f64,
}

/// Running sums of gradients and their squares, per element, per tensor.
#[derive(Clone, Debug, Default)]
pub struct GradientAccumulator {
    sums: Vec<Vec<f64>>,
    squares: Vec<Vec<f64>>,
    batches: usize,
}

impl GradientAccumulator {
    /// Add one minibatch's gradients (one slice per tensor, in a fixed order).
    pub fn add(&mut self, grads: &[&[f32]]) {
        if self.sums.len() != grads.len() {
            self.sums = grads.iter().map(|g| vec![0.0; g.len()]).collect();
            self.squares = self.sums.clone();
        }
        for ((s, q), g) in self.sums.iter_mut().zip(&mut self.squares).zip(grads) {
            for ((s, q), &g) in s.iter_mut().zip(q.iter_mut()).zip(g.iter()) {
                let g = f64::from(g);
                *s += g;
                *q += g * g;
            }
        }
        self.batches += 1;
    }

    /// Minibatches added since the last [`GradientAccumulator::finish`].
    #[must_use]
    pub fn batches(&self) -> usize {
        self.batches
    }

    /// The statistics of every tensor (`names` and `weights` in the order of
    /// [`GradientAccumulator::add`]), then reset.
    pub fn finish(&mut self, names: &[&str], weights: &[&[f32]]) -> Vec<LayerGradients> {
        let n = self.batches.max(1) as f64;
        let out = self
            .sums
            .iter()
            .zip(&self.squares)
            .zip(names.iter().zip(weights))
            .map(|((s, q), (name, w))| {
                let (mut mean_sq, mut var_sum) = (0.0, 0.0);
                for (&s, &q) in s.iter().zip(q) {
                    let mean = s / n;
                    mean_sq += mean * mean;
                    var_sum += (q / n - mean * mean).max(0.0);
                }
                let (mean_norm, std_norm) = (mean_sq.sqrt(), var_sum.sqrt());
                LayerGradients {
                    name: (*name).to_string(),
                    mean_norm,
                    std_norm,
                    snr: (std_norm > 0.0).then(|| mean_norm / std_norm),
                    weight_norm: w.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt(),
                }
            })
            .collect();
        *self = Self::default();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC.md §5.3: identical gradients give std 0 and no SNR (not NaN).
    #[test]
    fn identical_gradients_have_no_snr() {
        let mut acc = GradientAccumulator::default();
        for _ in 0..5 {
            acc.add(&[&[3.0, 4.0]]);
        }
        let s = acc.finish(&["w"], &[&[1.0, 0.0]]);
        assert!((s[0].mean_norm - 5.0).abs() < 1e-12);
        assert_eq!(s[0].std_norm, 0.0);
        assert_eq!(s[0].snr, None);
        assert_eq!(acc.batches(), 0);
    }

    /// Zero-mean ±s gradients of dimension D: mean → 0, std → s√D.
    #[test]
    fn alternating_gradients() {
        let mut acc = GradientAccumulator::default();
        let d = 16;
        for b in 0..1000 {
            let v = if b % 2 == 0 { 0.5 } else { -0.5 };
            acc.add(&[&vec![v; d]]);
        }
        let s = acc.finish(&["w"], &[&[0.0]]);
        assert!(s[0].mean_norm < 1e-12);
        assert!((s[0].std_norm - 0.5 * 4.0).abs() < 1e-9);
        assert_eq!(s[0].snr, Some(0.0));
    }
}
