//! The recurrent product J·φ(h) for a batch of trials, register-blocked over the trials.
//!
//! Every trial's sum runs over the neurons in one fixed order (eight interleaved partial sums,
//! combined pairwise, then the tail), whatever the block it sits in, so a trial's result is
//! bit-identical for any batch size and any thread count.

use infoscope_nn::activation::{SimdKernel, vectorize};
use rayon::prelude::*;

use super::real::Real;

/// Interleaved partial sums per trial.
const LANES: usize = 8;

/// Trials per register block.
const BLOCK: usize = 4;

/// Below this many multiply-adds per step, run on the calling thread.
const PARALLEL_WORK: usize = 1 << 16;

/// `out[i * b + t] = Σ_k j[i * n + k] · rates[t * n + k]` for the `b` trials of `rates`
/// (trial-major, `b × n`); `j` is row-major `n × n`; `out` is neuron-major `n × b`.
pub(crate) fn recurrent<F: Real>(out: &mut [F], j: &[F], rates: &[F], n: usize, b: usize) {
    let rows_per_task = (PARALLEL_WORK / (n * b).max(1)).max(1);
    if n * n * b < PARALLEL_WORK {
        row_range(out, j, rates, n, b, 0);
    } else {
        out.par_chunks_mut(rows_per_task * b)
            .enumerate()
            .for_each(|(c, chunk)| row_range(chunk, j, rates, n, b, c * rows_per_task));
    }
}

/// [`rows`]; for fewer than [`BLOCK`] trials compiled for AVX2 where the CPU has it
/// ([`vectorize`]: 1.7× faster at B = 1 on the Figure-1 set-up, but 6× slower for blocks of
/// four trials, so those stay on the baseline path). No fused multiply-adds are formed, so
/// the numbers are the same on every path.
fn row_range<F: Real>(out: &mut [F], j: &[F], rates: &[F], n: usize, b: usize, first: usize) {
    if b >= BLOCK {
        rows(out, j, rates, n, b, first);
        return;
    }
    struct Rows<'a, F> {
        out: &'a mut [F],
        j: &'a [F],
        rates: &'a [F],
        n: usize,
        b: usize,
        first: usize,
    }
    impl<F: Real> SimdKernel for Rows<'_, F> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            rows(self.out, self.j, self.rates, self.n, self.b, self.first);
        }
    }
    vectorize(Rows {
        out,
        j,
        rates,
        n,
        b,
        first,
    });
}

/// The rows `first..first + out.len() / b`.
#[inline(always)]
fn rows<F: Real>(out: &mut [F], j: &[F], rates: &[F], n: usize, b: usize, first: usize) {
    for (r, dst) in out.chunks_exact_mut(b).enumerate() {
        let i = first + r;
        let row = &j[i * n..(i + 1) * n];
        let mut t = 0;
        while t + BLOCK <= b {
            let sums = dots::<F, BLOCK>(row, rates, n, t);
            dst[t..t + BLOCK].copy_from_slice(&sums);
            t += BLOCK;
        }
        while t < b {
            dst[t] = dots::<F, 1>(row, rates, n, t)[0];
            t += 1;
        }
    }
}

/// The dot products of `row` with trials `t0..t0 + T` of `rates`.
#[inline(always)]
fn dots<F: Real, const T: usize>(row: &[F], rates: &[F], n: usize, t0: usize) -> [F; T] {
    let r: [&[F]; T] = std::array::from_fn(|t| &rates[(t0 + t) * n..(t0 + t + 1) * n]);
    let mut acc = [[F::ZERO; LANES]; T];
    let whole = n / LANES * LANES;
    for (c, jr) in row[..whole].chunks_exact(LANES).enumerate() {
        for t in 0..T {
            let x = &r[t][c * LANES..(c + 1) * LANES];
            for l in 0..LANES {
                acc[t][l] = acc[t][l] + jr[l] * x[l];
            }
        }
    }
    std::array::from_fn(|t| {
        let a = &acc[t];
        let mut s = ((a[0] + a[4]) + (a[1] + a[5])) + ((a[2] + a[6]) + (a[3] + a[7]));
        for k in whole..n {
            s = s + row[k] * r[t][k];
        }
        s
    })
}

/// Rows per block of the sparse kernel (the block's currents of every trial stay in cache).
pub(crate) const SPARSE_ROWS: usize = 256;

/// The sparse-rate product: for every block of [`SPARSE_ROWS`] neurons and every trial t,
/// `out[t] = Σ_{k: rates[t, k] ≠ 0} rates[t, k] · jt[k, block]`, summed in increasing k.
/// `jt` is Jᵀ (row k = the outgoing couplings of neuron k), so only the columns of active
/// neurons are read (ReLU rates are mostly 0). `out` is block-major: block β holds its
/// `B × len_β` currents trial-major. Each (t, i) sum has a fixed order, independent of the
/// batch and of the threads.
pub(crate) fn recurrent_sparse<F: Real>(out: &mut [F], jt: &[F], rates: &[F], n: usize, b: usize) {
    let run = |(blk, dst): (usize, &mut [F])| {
        let i0 = blk * SPARSE_ROWS;
        let len = SPARSE_ROWS.min(n - i0);
        dst.fill(F::ZERO);
        for k in 0..n {
            let col = &jt[k * n + i0..k * n + i0 + len];
            for t in 0..b {
                let r = rates[t * n + k];
                if r != F::ZERO {
                    let o = &mut dst[t * len..(t + 1) * len];
                    o.iter_mut().zip(col).for_each(|(o, c)| *o = *o + r * *c);
                }
            }
        }
    };
    if n * n * b < PARALLEL_WORK {
        out.chunks_mut(SPARSE_ROWS * b).enumerate().for_each(run);
    } else {
        out.par_chunks_mut(SPARSE_ROWS * b)
            .enumerate()
            .for_each(run);
    }
}

/// Where (trial t, neuron i)'s current sits in the block-major output of
/// [`recurrent_sparse`].
#[inline]
pub(crate) fn sparse_index(n: usize, b: usize, t: usize, i: usize) -> usize {
    let blk = i / SPARSE_ROWS;
    let i0 = blk * SPARSE_ROWS;
    let len = SPARSE_ROWS.min(n - i0);
    i0 * b + t * len + (i - i0)
}
