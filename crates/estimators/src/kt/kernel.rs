//! The one expensive quantity behind the Kolchinsky–Tracey bounds: for a list of variances
//! `v`, $L(v) = \sum_i c_i \ln \sum_j c_j \exp(-\lVert h_i - h_j \rVert^2 / (2v))$.
//!
//! Brief overview: squared distances come from the Gram matrix,
//! $\lVert h_i\rVert^2 + \lVert h_j\rVert^2 - 2 h_i \cdot h_j$ (clamped at 0, and exactly 0 on the
//! diagonal), computed by faer's GEMM one `tile × tile` block at a time, so memory is
//! `O(tile²)` per thread whatever n is. The columns are centred first (distances do not change,
//! and a common offset no longer inflates the norms), and a pair whose Gram form has lost more
//! than 20 of its 52 bits to cancellation (`CANCELLATION`) gets its squared distance summed
//! directly, so the result is translation-invariant and exact to ~1e-6 relative even for
//! near rows far from the mean. Row tiles run in parallel; every row sums its column
//! tiles in ascending order, and the final sum over rows is sequential, so the result does not
//! depend on the thread count. For the pair `[v, 4v]` (the two bounds) one exponential serves
//! both: $e^{-d^2/(2v)} = (e^{-d^2/(8v)})^4$. No log-sum-exp shift is needed: every term is at most `c_j`
//! and the self term makes the inner sum at least `c_i > 0`.

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatRef, Par};
use ndarray::ArrayView2;
use rayon::prelude::*;

use crate::budget::{bytes_of, check_memory};
use crate::error::Result;

/// Default tile size (rows and columns per Gram block): 512 × 512 f64 = 2 MiB per thread.
pub const DEFAULT_TILE: usize = 512;

/// A Gram-form squared distance below `CANCELLATION · (‖h_i‖² + ‖h_j‖²)` is recomputed as a
/// direct sum of squared differences: its rounding error, about `2⁻⁵² (‖h_i‖² + ‖h_j‖²)`, would
/// otherwise exceed `2⁻³²` of its value (2⁻²⁰ ≈ 1e-6).
pub(crate) const CANCELLATION: f64 = 1.0 / 1_048_576.0;

/// The rows of `h` as one row-major buffer with every column centred on its mean (summed in
/// row order, so the result does not depend on the thread count).
fn centred_rows(h: ArrayView2<'_, f64>) -> Vec<f64> {
    let (n, d) = h.dim();
    let mut flat = crate::knn::to_row_major(h);
    if n == 0 || d == 0 {
        return flat;
    }
    let mut mean = vec![0.0; d];
    for row in flat.chunks_exact(d) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    for m in &mut mean {
        *m /= n as f64;
    }
    for row in flat.chunks_exact_mut(d) {
        for (v, m) in row.iter_mut().zip(&mean) {
            *v -= m;
        }
    }
    flat
}

/// The squared distance between rows `a` and `b`, summed directly.
#[inline]
fn direct_sq(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum()
}

/// `e^x` for `x ≤ 0`, written so that the compiler can vectorise a loop of it (libm's `exp`
/// is an opaque scalar call that took 70% of the kernel's time). Cody–Waite reduction
/// `x = k ln 2 + r` with `|r| ≤ ln 2 / 2`, a degree-13 Taylor polynomial for `e^r` (truncation
/// below 10⁻¹⁷ relative), and `2^k` built from the exponent bits; `k` is rounded with the
/// 1.5·2⁵² trick, which also leaves it in the low bits. Arguments below −708 are raised to −708
/// (the result, ≈ 3·10⁻³⁰⁸, is then off by at most that much absolutely; in the kernel every
/// sum holds a self term `c_i`, so this cannot change it). Relative error ≤ 2 ulp elsewhere
/// (tested against `f64::exp`).
#[inline(always)]
fn exp_nonpositive(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52
    // ln 2 split as in fdlibm: the high part has 32 trailing zero bits, so k·LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    let x = x.max(-708.0);
    let v = x * std::f64::consts::LOG2_E + MAGIC;
    let k = v - MAGIC;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Horner, 1/13! … 1/1!, 1.
    let mut p = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * r + c;
    }
    let bits = v.to_bits().wrapping_sub(MAGIC.to_bits()).wrapping_add(1023) << 52;
    p * f64::from_bits(bits)
}

/// Refuse, before any allocation, a kernel pass over `n` rows of `d` dimensions with `scales`
/// variances and `groupings` labelings whose buffers would not fit the memory budget: a
/// `tile × tile` Gram block per thread, the per-row sums, and the centred copy of the rows.
/// `argument` names what drives the size (`"tile"`, `"noise_vars"`, ...).
pub(crate) fn check_kernel_memory(
    argument: &'static str,
    (n, d): (usize, usize),
    tile: usize,
    scales: usize,
    groupings: usize,
) -> Result<()> {
    let side = tile.clamp(1, n.max(1)) as u128;
    let threads = rayon::current_num_threads() as u128;
    let (n, d, scales, groupings) = (n as u128, d as u128, scales as u128, groupings as u128);
    let entries = threads * side * side
        + threads * (groupings + 1) * scales * side
        + 2 * groupings * scales * n
        + n * (d + 1);
    check_memory(
        argument,
        &format!(
            "the Kolchinsky–Tracey kernel sums over {n} rows ({threads} Gram tiles of {side} × \
             {side}, {scales} variances, {groupings} labelings)"
        ),
        bytes_of(entries, size_of::<f64>()),
        "use a smaller `tile` (memory per thread is tile² × 8 bytes), fewer noise variances, or \
         fewer samples",
    )
}

/// `L(v)` for every `v` in `variances`, for the rows of `h` with weights `c` (summing to 1).
pub(crate) fn log_kernel_means(
    h: ArrayView2<'_, f64>,
    c: &[f64],
    variances: &[f64],
    tile: usize,
) -> Vec<f64> {
    let one_group = vec![0_u32; h.nrows()];
    grouped_log_kernel_sums(h, c, variances, tile, &[&one_group])
        .pop()
        .unwrap_or_default()
}

/// For each grouping `g` (a group id per row) and each `v` in `variances`,
/// $G_g(v) = \sum_i c_i \ln \sum_{j : g_j = g_i} c_j e^{-\lVert h_i - h_j\rVert^2 / (2v)}$
/// (rows with `c_i = 0` are left out): `result[g][k]`. One pass over the Gram tiles serves
/// every grouping, so class-conditional terms for many relabelings (surrogates) cost one
/// distance computation. With a single group, `G = L`.
pub(crate) fn grouped_log_kernel_sums(
    h: ArrayView2<'_, f64>,
    c: &[f64],
    variances: &[f64],
    tile: usize,
    groupings: &[&[u32]],
) -> Vec<Vec<f64>> {
    let (n, d) = h.dim();
    let flat = centred_rows(h);
    let sq: Vec<f64> = flat
        .chunks_exact(d.max(1))
        .map(|r| r.iter().map(|v| v * v).sum())
        .take(n)
        .collect();
    let tile = tile.max(1);
    let scales: Vec<f64> = variances.iter().map(|v| -0.5 / v).collect();
    let quartic = scales.len() == 2 && scales[0] == 4.0 * scales[1];
    let row_tiles: Vec<usize> = (0..n).step_by(tile).collect();
    // per_tile[t][g][k][r]: the inner sum of row i0 + r of tile t, grouping g, variance k.
    let per_tile: Vec<Vec<Vec<Vec<f64>>>> = row_tiles
        .par_iter()
        .map(|&i0| {
            let i1 = (i0 + tile).min(n);
            let m = i1 - i0;
            let rows = MatRef::from_row_major_slice(&flat[i0 * d..i1 * d], m, d);
            let mut sums = vec![vec![vec![0.0; m]; scales.len()]; groupings.len()];
            let mut kernel = vec![vec![0.0; m]; scales.len()];
            let mut gram = Mat::<f64>::zeros(m, tile.min(n));
            for j0 in (0..n).step_by(tile) {
                let j1 = (j0 + tile).min(n);
                let cols = MatRef::from_row_major_slice(&flat[j0 * d..j1 * d], j1 - j0, d);
                matmul(
                    gram.as_mut().subcols_mut(0, j1 - j0),
                    Accum::Replace,
                    rows,
                    cols.transpose(),
                    1.0,
                    Par::Seq,
                );
                for (col, j) in (j0..j1).enumerate() {
                    let g = &gram.col_as_slice(col)[..m];
                    for (r, &gij) in g.iter().enumerate() {
                        let i = i0 + r;
                        let d2 = if i == j {
                            0.0
                        } else {
                            let norms = sq[i] + sq[j];
                            let gram_form = norms - 2.0 * gij;
                            if gram_form > CANCELLATION * norms {
                                gram_form
                            } else {
                                direct_sq(&flat[i * d..(i + 1) * d], &flat[j * d..(j + 1) * d])
                            }
                        };
                        if quartic {
                            // exp(−d²/(2v)) = exp(−d²/(8v))⁴: one exp for both bounds.
                            let e4 = exp_nonpositive(scales[1] * d2);
                            let e2 = e4 * e4;
                            kernel[0][r] = e2 * e2;
                            kernel[1][r] = e4;
                        } else {
                            for (k, &sc) in scales.iter().enumerate() {
                                kernel[k][r] = exp_nonpositive(sc * d2);
                            }
                        }
                    }
                    let cj = c[j];
                    for (grouping, sums) in groupings.iter().zip(sums.iter_mut()) {
                        let gj = grouping[j];
                        let gi = &grouping[i0..i1];
                        for (sums, kernel) in sums.iter_mut().zip(&kernel) {
                            for ((s, &kv), &g) in sums.iter_mut().zip(kernel).zip(gi) {
                                let w = if g == gj { cj } else { 0.0 };
                                *s += w * kv;
                            }
                        }
                    }
                }
            }
            sums
        })
        .collect();
    (0..groupings.len())
        .map(|g| {
            (0..scales.len())
                .map(|k| {
                    let mut total = 0.0;
                    for (t, &i0) in row_tiles.iter().enumerate() {
                        for (r, &s) in per_tile[t][g][k].iter().enumerate() {
                            let ci = c[i0 + r];
                            if ci > 0.0 {
                                total += ci * s.ln();
                            }
                        }
                    }
                    total
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;

    /// Direct squared distances, no Gram matrix, no tiles.
    fn direct(h: ArrayView2<'_, f64>, c: &[f64], v: f64) -> f64 {
        let n = h.nrows();
        (0..n)
            .map(|i| {
                let inner: f64 = (0..n)
                    .map(|j| {
                        let d2: f64 = h
                            .row(i)
                            .iter()
                            .zip(h.row(j))
                            .map(|(a, b)| (a - b) * (a - b))
                            .sum();
                        c[j] * (-d2 / (2.0 * v)).exp()
                    })
                    .sum();
                c[i] * inner.ln()
            })
            .sum()
    }

    #[test]
    fn exp_matches_the_standard_library() {
        let mut worst: f64 = 0.0;
        for i in 0..=200_000 {
            let x = -708.0 * f64::from(i) / 200_000.0;
            let (a, b) = (exp_nonpositive(x), x.exp());
            worst = worst.max(((a - b) / b).abs());
        }
        for x in [0.0, -1e-300, -0.5, -0.346_573_590_279_972_6, -1.0, -700.0] {
            let (a, b) = (exp_nonpositive(x), f64::exp(x));
            worst = worst.max(((a - b) / b).abs());
        }
        assert!(worst <= 4.5e-16, "worst relative error {worst:e}");
        assert!(exp_nonpositive(-1e6) <= 3.4e-308);
    }

    #[test]
    fn tiles_and_direct_distances_agree() {
        let n = 137;
        let h = Array2::from_shape_fn((n, 5), |(i, t)| ((i * 7 + t * 13) as f64 * 0.37).sin());
        let c = vec![1.0 / n as f64; n];
        let vs = [0.05, 0.2, 1.0];
        let whole = log_kernel_means(h.view(), &c, &vs, n);
        for tile in [1, 16, 50, 136] {
            let tiled = log_kernel_means(h.view(), &c, &vs, tile);
            for (a, b) in tiled.iter().zip(&whole) {
                assert!((a - b).abs() < 1e-12, "tile {tile}: {a} vs {b}");
            }
        }
        for (k, &v) in vs.iter().enumerate() {
            let want = direct(h.view(), &c, v);
            assert!((whole[k] - want).abs() < 1e-10, "{} vs {want}", whole[k]);
        }
    }
}
