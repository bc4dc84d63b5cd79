//! Adam in `f64` for the tracking trainer (Kingma & Ba 2015; the defaults of Flux and PyTorch).

/// The moments of one parameter block.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Moments {
    pub(crate) m: Vec<f64>,
    pub(crate) v: Vec<f64>,
}

impl Moments {
    pub(crate) fn zeros(len: usize) -> Self {
        Self {
            m: vec![0.0; len],
            v: vec![0.0; len],
        }
    }

    /// One Adam update of `theta` by `grad` at step `t` (1-based).
    pub(crate) fn update(
        &mut self,
        theta: &mut [f64],
        grad: &[f64],
        t: u64,
        (lr, beta1, beta2, eps): (f64, f64, f64, f64),
    ) {
        let t = i32::try_from(t).unwrap_or(i32::MAX);
        let step = lr / (1.0 - beta1.powi(t));
        let inv_c2 = 1.0 / (1.0 - beta2.powi(t));
        for (((p, g), m), v) in theta.iter_mut().zip(grad).zip(&mut self.m).zip(&mut self.v) {
            *m = beta1 * *m + (1.0 - beta1) * g;
            *v = beta2 * *v + (1.0 - beta2) * g * g;
            *p -= step * *m / ((*v * inv_c2).sqrt() + eps);
        }
    }
}
