//! The forward and backward passes of one chunk of trials, and their [`Workspace`].

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use infoscope_nn::activation::{SimdKernel, sigmoid};
use ndarray::{ArrayView3, s};

use super::*;

/// The sizes of one pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Dims {
    pub(super) t: usize,
    pub(super) b: usize,
    pub(super) n_in: usize,
    pub(super) n: usize,
    pub(super) n_out: usize,
}

/// Preallocated buffers for [`LeakyRnn::loss_and_gradients`], reused across training steps.
#[derive(Debug, Default)]
pub struct Workspace {
    pub(super) dims: Option<Dims>,
    pub(super) chunks: Vec<Chunk>,
}

impl Workspace {
    /// An empty workspace; buffers are sized at the first use.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Size the buffers for `dims` (no allocation when they already fit).
    pub(super) fn prepare(&mut self, dims: Dims, backward: bool) {
        if self.dims != Some(dims) {
            let n_chunks = dims.b.div_ceil(CHUNK_TRIALS);
            let (base, extra) = (dims.b / n_chunks, dims.b % n_chunks);
            self.chunks.clear();
            let mut b0 = 0;
            for i in 0..n_chunks {
                let rows = base + usize::from(i < extra);
                self.chunks.push(Chunk {
                    b0,
                    rows,
                    ..Chunk::default()
                });
                b0 += rows;
            }
            self.dims = Some(dims);
        }
        for c in &mut self.chunks {
            c.size(dims, backward);
        }
    }
}

/// One chunk of trials: its slices of every intermediate, each `[T, rows, ·]` row-major.
#[derive(Debug, Default)]
pub(super) struct Chunk {
    /// First trial of the chunk.
    pub(super) b0: usize,
    /// Number of trials.
    pub(super) rows: usize,
    /// Inputs `[T, rows, n_in]`.
    pub(super) x: Vec<f32>,
    /// Pre-activations `[T, rows, n]`, overwritten by $f'$ of them.
    pub(super) pre: Vec<f32>,
    /// Hidden states `[T, rows, n]`.
    pub(super) h: Vec<f32>,
    /// Outputs $\hat y$ `[T, rows, n_out]`, overwritten by $\partial L / \partial z$.
    pub(super) out: Vec<f32>,
    /// $g_t$, then $\delta_t$, `[T, rows, n]`.
    pub(super) delta: Vec<f32>,
    /// Partial gradients, in [`PARAM_NAMES`] order.
    pub(super) grads: [Vec<f32>; 5],
    /// Partial sum of squared masked errors.
    pub(super) loss: f64,
    /// One noise stream per trial.
    pub(super) noise: Vec<NoiseStream>,
    /// Buffers for drawing noise.
    pub(super) scratch: NoiseScratch,
}

/// One chunk's whole pass, run through [`vectorize`] so that every elementwise loop of it is
/// compiled for AVX2 where the CPU has it.
pub(super) struct Pass<'a, 'v> {
    pub(super) chunk: &'a mut Chunk,
    pub(super) net: &'a LeakyRnn,
    pub(super) dims: Dims,
    pub(super) inputs: &'a ArrayView3<'v, f32>,
    pub(super) noise_seed: Option<u64>,
    /// Targets, mask and the loss normaliser $T B N_\mathrm{out}$, for a training pass.
    pub(super) backward: Option<(&'a ArrayView3<'v, f32>, &'a ArrayView3<'v, f32>, f64)>,
}

impl SimdKernel for Pass<'_, '_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.chunk
            .forward(self.net, self.dims, self.inputs, self.noise_seed);
        if let Some((targets, mask, count)) = self.backward {
            self.chunk
                .backward(self.net, self.dims, targets, mask, count);
        }
    }
}

pub(super) fn view(data: &[f32], rows: usize, cols: usize) -> MatRef<'_, f32> {
    MatRef::from_row_major_slice(data, rows, cols)
}

pub(super) fn view_mut(data: &mut [f32], rows: usize, cols: usize) -> MatMut<'_, f32> {
    MatMut::from_row_major_slice_mut(data, rows, cols)
}

/// `dst (=|+=) a · b`, sequential.
pub(super) fn gemm(dst: MatMut<'_, f32>, accum: Accum, a: MatRef<'_, f32>, b: MatRef<'_, f32>) {
    matmul(dst, accum, a, b, 1.0, Par::Seq);
}

/// Column sums of a row-major `[rows, cols]` matrix into `dst`.
pub(super) fn column_sums(dst: &mut [f32], m: &[f32], cols: usize) {
    dst.fill(0.0);
    for row in m.chunks_exact(cols) {
        dst.iter_mut().zip(row).for_each(|(d, x)| *d += x);
    }
}

impl Chunk {
    pub(super) fn size(&mut self, d: Dims, backward: bool) {
        let rows = self.rows;
        self.x.resize(d.t * rows * d.n_in, 0.0);
        self.pre.resize(d.t * rows * d.n, 0.0);
        self.h.resize(d.t * rows * d.n, 0.0);
        self.out.resize(d.t * rows * d.n_out, 0.0);
        if backward {
            self.delta.resize(d.t * rows * d.n, 0.0);
            let sizes = [d.n_in * d.n, d.n * d.n, d.n, d.n * d.n_out, d.n_out];
            for (g, len) in self.grads.iter_mut().zip(sizes) {
                g.resize(len, 0.0);
            }
        }
    }

    /// The forward pass of this chunk: fills `x`, `h`, `out`, and `pre` with $f'$.
    #[inline(always)]
    pub(super) fn forward(
        &mut self,
        net: &LeakyRnn,
        d: Dims,
        inputs: &ArrayView3<'_, f32>,
        seed: Option<u64>,
    ) {
        let (rows, n) = (self.rows, d.n);
        let p = &net.params;
        let cfg = &net.config;
        let (alpha, keep) = (cfg.alpha, 1.0 - cfg.alpha);
        let block = rows * n;

        // Gather the chunk's inputs, then pre = X W_in + b_rec + η for all steps at once.
        let src = inputs.slice(s![.., self.b0..self.b0 + rows, ..]);
        self.x.iter_mut().zip(src.iter()).for_each(|(x, s)| *x = *s);
        gemm(
            view_mut(&mut self.pre, d.t * rows, n),
            Accum::Replace,
            view(&self.x, d.t * rows, d.n_in),
            view(flat(&p.w_in), d.n_in, n),
        );
        let b_rec = flat(&p.b_rec);
        let std = cfg.noise_std();
        match seed.filter(|_| std > 0.0) {
            Some(seed) => {
                self.noise.clear();
                self.noise
                    .extend((0..rows).map(|i| NoiseStream::new(seed, self.b0 + i)));
                // Row (t, i) of `pre` draws from trial i's stream, in time order.
                for (r, row) in self.pre.chunks_exact_mut(n).enumerate() {
                    self.noise[r % rows].fill(&mut self.scratch, n);
                    for ((x, b), z) in row.iter_mut().zip(b_rec).zip(&self.scratch.z) {
                        *x = (*x + b) + std * z;
                    }
                }
            }
            None => {
                for row in self.pre.chunks_exact_mut(n) {
                    row.iter_mut().zip(b_rec).for_each(|(x, b)| *x += b);
                }
            }
        }

        // The recurrence, one step at a time.
        let w_rec = view(flat(&p.w_rec), n, n);
        for t in 0..d.t {
            let (h_past, h_now) = self.h.split_at_mut(t * block);
            let h_now = &mut h_now[..block];
            let pre = &mut self.pre[t * block..(t + 1) * block];
            if t > 0 {
                let h_prev = &h_past[(t - 1) * block..];
                gemm(
                    view_mut(pre, rows, n),
                    Accum::Add,
                    view(h_prev, rows, n),
                    w_rec,
                );
                // Lengths are equal by construction, so this cannot fail.
                let _ = cfg.activation.value_and_derivative_in_place(pre, h_now);
                for (h, hp) in h_now.iter_mut().zip(h_prev) {
                    *h = keep * hp + alpha * *h;
                }
            } else {
                let _ = cfg.activation.value_and_derivative_in_place(pre, h_now);
                h_now.iter_mut().for_each(|h| *h *= alpha);
            }
        }

        // Outputs for all steps at once: sigmoid(H W_out + b_out).
        gemm(
            view_mut(&mut self.out, d.t * rows, d.n_out),
            Accum::Replace,
            view(&self.h, d.t * rows, n),
            view(flat(&p.w_out), n, d.n_out),
        );
        let b_out = flat(&p.b_out);
        for row in self.out.chunks_exact_mut(d.n_out) {
            row.iter_mut()
                .zip(b_out)
                .for_each(|(z, b)| *z = sigmoid(*z + b));
        }
    }

    /// Loss and BPTT for this chunk, after [`Chunk::forward`].
    #[inline(always)]
    pub(super) fn backward(
        &mut self,
        net: &LeakyRnn,
        d: Dims,
        targets: &ArrayView3<'_, f32>,
        mask: &ArrayView3<'_, f32>,
        count: f64,
    ) {
        let (rows, n, n_out) = (self.rows, d.n, d.n_out);
        let p = &net.params;
        let (alpha, keep) = (net.config.alpha, 1.0 - net.config.alpha);
        let block = rows * n;
        let trials = s![.., self.b0..self.b0 + rows, ..];

        // Loss, and dL/dz = 2 (ŷ − y) m² / count · ŷ (1 − ŷ) in place of ŷ.
        #[allow(clippy::cast_possible_truncation)]
        let scale = (2.0 / count) as f32;
        let mut loss = 0.0_f64;
        let ys = targets.slice(trials);
        let ms = mask.slice(trials);
        for ((o, &y), &m) in self.out.iter_mut().zip(ys.iter()).zip(ms.iter()) {
            let e = (*o - y) * m;
            loss += f64::from(e) * f64::from(e);
            *o = scale * e * m * *o * (1.0 - *o);
        }
        self.loss = loss;

        let [g_w_in, g_w_rec, g_b_rec, g_w_out, g_b_out] = &mut self.grads;
        let dz = view(&self.out, d.t * rows, n_out);
        let h_all = view(&self.h, d.t * rows, n);
        gemm(
            view_mut(g_w_out, n, n_out),
            Accum::Replace,
            h_all.transpose(),
            dz,
        );
        column_sums(g_b_out, &self.out, n_out);

        // g_t starts as the direct term dz_t W_outᵀ; BPTT adds the recurrent terms.
        let w_out_t = view(flat(&p.w_out), n, n_out).transpose();
        gemm(
            view_mut(&mut self.delta, d.t * rows, n),
            Accum::Replace,
            dz,
            w_out_t,
        );
        let w_rec_t = view(flat(&p.w_rec), n, n).transpose();
        for t in (0..d.t).rev() {
            let (earlier, now) = self.delta.split_at_mut(t * block);
            let now = &mut now[..block];
            let fprime = &self.pre[t * block..(t + 1) * block];
            if t > 0 {
                let prev = &mut earlier[(t - 1) * block..];
                for ((g, dp), &fp) in now.iter_mut().zip(prev.iter_mut()).zip(fprime) {
                    *dp += keep * *g;
                    *g *= alpha * fp;
                }
                gemm(
                    view_mut(prev, rows, n),
                    Accum::Add,
                    view(now, rows, n),
                    w_rec_t,
                );
            } else {
                now.iter_mut()
                    .zip(fprime)
                    .for_each(|(g, &fp)| *g *= alpha * fp);
            }
        }

        // Weight gradients as single large GEMMs over all steps.
        let deltas = view(&self.delta, d.t * rows, n);
        gemm(
            view_mut(g_w_in, d.n_in, n),
            Accum::Replace,
            view(&self.x, d.t * rows, d.n_in).transpose(),
            deltas,
        );
        column_sums(g_b_rec, &self.delta, n);
        if d.t > 1 {
            let k = (d.t - 1) * rows;
            gemm(
                view_mut(g_w_rec, n, n),
                Accum::Replace,
                view(&self.h[..k * n], k, n).transpose(),
                view(&self.delta[block..], k, n),
            );
        } else {
            g_w_rec.fill(0.0);
        }
    }
}
