//! The forward pass and BPTT of the tracking network on one batch, in preallocated buffers.
//!
//! Shapes (row-major): time-major blocks `[T·B, ·]`, row `t·B + b`. Forward, for t = 0..T:
//! $h_t = h_{t-1} + \Delta t(-h_{t-1} + J\phi(h_{t-1}) + W_s s_t/S) + \sigma\sqrt{\Delta t}\,\xi_t$,
//! $h_{-1} = x_0$; readout $r_t = W_r\phi(h_t)/N$; loss
//! $\frac{1}{BTS}\sum_b\sum_{t\ge T/5}\big(\lVert r_t - y_t\rVert^2 + \lambda\lVert h_t\rVert^2\big)$.

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

/// The trainable weights, row-major.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Weights {
    /// J, `N × N` (zero diagonal).
    pub(crate) j: Vec<f64>,
    /// W_s, `N × S`.
    pub(crate) ws: Vec<f64>,
    /// W_r, `S × N`.
    pub(crate) wr: Vec<f64>,
}

/// Sizes and constants of a pass.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dims {
    pub(crate) n: usize,
    pub(crate) s: usize,
    pub(crate) b: usize,
    pub(crate) t: usize,
    pub(crate) dt: f64,
    /// The first step counted in the loss (T/5).
    pub(crate) t0: usize,
    /// λ of the state penalty.
    pub(crate) reg: f64,
}

/// Buffers of one pass, sized once.
#[derive(Clone, Debug, Default)]
pub(crate) struct Workspace {
    /// Stimulus, offset included, `[T·B, S]`.
    pub(crate) stim: Vec<f64>,
    /// Targets `[T·B, S]`.
    pub(crate) target: Vec<f64>,
    /// Noise σ√Δt ξ, `[T·B, N]`.
    pub(crate) noise: Vec<f64>,
    /// External drive W_s s/S, `[T·B, N]`.
    pub(crate) ext: Vec<f64>,
    /// Recurrent current J φ(h_{t−1}), `[T·B, N]`.
    pub(crate) rec: Vec<f64>,
    /// States h_t, `[T·B, N]`.
    pub(crate) h: Vec<f64>,
    /// φ(h_{t−1}) for t = 0..=T (`[(T+1)·B, N]`; block 0 is φ(x_0)).
    pub(crate) a: Vec<f64>,
    /// Readouts, then ∂L/∂r, `[T·B, S]`.
    pub(crate) r: Vec<f64>,
    /// ∂L/∂h_t, `[T·B, N]`.
    pub(crate) delta: Vec<f64>,
    /// g·J for one step, `[B, N]`.
    pub(crate) back: Vec<f64>,
    /// Gradients, shaped as [`Weights`].
    pub(crate) grad: Weights,
}

fn view(data: &[f64], rows: usize, cols: usize) -> MatRef<'_, f64> {
    MatRef::from_row_major_slice(data, rows, cols)
}

fn view_mut(data: &mut [f64], rows: usize, cols: usize) -> MatMut<'_, f64> {
    MatMut::from_row_major_slice_mut(data, rows, cols)
}

fn gemm(dst: MatMut<'_, f64>, accum: Accum, a: MatRef<'_, f64>, b: MatRef<'_, f64>, alpha: f64) {
    matmul(dst, accum, a, b, alpha, Par::Seq);
}

impl Workspace {
    pub(crate) fn new(d: Dims) -> Self {
        let (tb, n, s) = (d.t * d.b, d.n, d.s);
        Self {
            stim: vec![0.0; tb * s],
            target: vec![0.0; tb * s],
            noise: vec![0.0; tb * n],
            ext: vec![0.0; tb * n],
            rec: vec![0.0; tb * n],
            h: vec![0.0; tb * n],
            a: vec![0.0; (tb + d.b) * n],
            r: vec![0.0; tb * s],
            delta: vec![0.0; tb * n],
            back: vec![0.0; d.b * n],
            grad: Weights {
                j: vec![0.0; n * n],
                ws: vec![0.0; n * s],
                wr: vec![0.0; s * n],
            },
        }
    }

    /// The forward pass from `x0` on `stim`, `target` and `noise` (already filled); returns the
    /// loss and leaves the readouts in `r`.
    pub(crate) fn forward(&mut self, w: &Weights, x0: &[f64], d: Dims) -> f64 {
        let (n, s, b, tb) = (d.n, d.s, d.b, d.t * d.b);
        gemm(
            view_mut(&mut self.ext, tb, n),
            Accum::Replace,
            view(&self.stim, tb, s),
            view(&w.ws, n, s).transpose(),
            1.0 / s as f64,
        );
        for row in self.a[..b * n].chunks_exact_mut(n) {
            row.iter_mut().zip(x0).for_each(|(a, x)| *a = x.max(0.0));
        }
        let block = b * n;
        for t in 0..d.t {
            let now = t * block..(t + 1) * block;
            gemm(
                view_mut(&mut self.rec[now.clone()], b, n),
                Accum::Replace,
                view(&self.a[now.clone()], b, n),
                view(&w.j, n, n).transpose(),
                1.0,
            );
            let (past, h_now) = self.h.split_at_mut(t * block);
            let h_now = &mut h_now[..block];
            let prev_of = |k: usize| {
                if t == 0 {
                    x0[k % n]
                } else {
                    past[(t - 1) * block + k]
                }
            };
            let (rec, ext, noise) = (
                &self.rec[now.clone()],
                &self.ext[now.clone()],
                &self.noise[now.clone()],
            );
            for (k, h) in h_now.iter_mut().enumerate() {
                let p = prev_of(k);
                *h = p + d.dt * (rec[k] + ext[k] - p) + noise[k];
            }
            let a_next = &mut self.a[(t + 1) * block..(t + 2) * block];
            a_next
                .iter_mut()
                .zip(h_now.iter())
                .for_each(|(a, h)| *a = h.max(0.0));
        }
        gemm(
            view_mut(&mut self.r, tb, s),
            Accum::Replace,
            view(&self.a[block..], tb, n),
            view(&w.wr, s, n).transpose(),
            1.0 / n as f64,
        );
        let z = (tb * s) as f64;
        let first = d.t0 * b;
        let err: f64 = self.r[first * s..]
            .iter()
            .zip(&self.target[first * s..])
            .map(|(r, y)| (r - y) * (r - y))
            .sum();
        let pen: f64 = self.h[first * n..].iter().map(|h| h * h).sum();
        (err + d.reg * pen) / z
    }

    /// BPTT after [`Workspace::forward`]: fills `grad` (the diagonal of ∂L/∂J set to 0).
    pub(crate) fn backward(&mut self, w: &Weights, d: Dims) {
        let (n, s, b, tb) = (d.n, d.s, d.b, d.t * d.b);
        let z = (tb * s) as f64;
        let first = d.t0 * b;
        // ∂L/∂r.
        for (k, (r, y)) in self.r.iter_mut().zip(&self.target).enumerate() {
            *r = if k >= first * s {
                2.0 * (*r - y) / z
            } else {
                0.0
            };
        }
        let block = b * n;
        // ∂L/∂W_r = dR^T A / N.
        gemm(
            view_mut(&mut self.grad.wr, s, n),
            Accum::Replace,
            view(&self.r, tb, s).transpose(),
            view(&self.a[block..], tb, n),
            1.0 / n as f64,
        );
        // Direct ∂L/∂h_t: dR W_r / N ⊙ φ'(h_t) + 2λ h_t / Z.
        gemm(
            view_mut(&mut self.delta, tb, n),
            Accum::Replace,
            view(&self.r, tb, s),
            view(&w.wr, s, n),
            1.0 / n as f64,
        );
        let pen = 2.0 * d.reg / z;
        for (k, (g, h)) in self.delta.iter_mut().zip(&self.h).enumerate() {
            let slope = if *h > 0.0 { 1.0 } else { 0.0 };
            *g *= slope;
            if k >= first * n {
                *g += pen * h;
            }
        }
        // Through time: δ_{t−1} += (1 − Δt) δ_t + Δt φ'(h_{t−1}) ⊙ (δ_t J).
        for t in (1..d.t).rev() {
            let (before, after) = self.delta.split_at_mut(t * block);
            let g = &after[..block];
            gemm(
                view_mut(&mut self.back, b, n),
                Accum::Replace,
                view(g, b, n),
                view(&w.j, n, n),
                1.0,
            );
            let prev = &mut before[(t - 1) * block..];
            let h_prev = &self.h[(t - 1) * block..t * block];
            for (k, p) in prev.iter_mut().enumerate() {
                let slope = if h_prev[k] > 0.0 { d.dt } else { 0.0 };
                *p += (1.0 - d.dt) * g[k] + slope * self.back[k];
            }
        }
        // ∂L/∂J = Δt Δ^T A_prev (diagonal masked), ∂L/∂W_s = Δt Δ^T U.
        gemm(
            view_mut(&mut self.grad.j, n, n),
            Accum::Replace,
            view(&self.delta, tb, n).transpose(),
            view(&self.a[..tb * n], tb, n),
            d.dt,
        );
        for i in 0..n {
            self.grad.j[i * n + i] = 0.0;
        }
        gemm(
            view_mut(&mut self.grad.ws, n, s),
            Accum::Replace,
            view(&self.delta, tb, n).transpose(),
            view(&self.stim, tb, s),
            d.dt / s as f64,
        );
    }
}
