//! The joint sample covariance of several arguments, by blocked GEMM on rayon threads.
//!
//! The rows are cut into a fixed number of contiguous groups that depends only on `n` and `d`
//! (never on the thread count). Each group centres its rows chunk by chunk into a small
//! row-major buffer and accumulates the lower triangle of its Gram matrix with faer; the
//! groups' matrices are then summed in group order. The result is therefore the same on any
//! number of threads.

use faer::linalg::matmul::triangular::{BlockStructure, matmul};
use faer::{Accum, Mat, MatMut, MatRef, Par};
use ndarray::ArrayView2;
use rayon::prelude::*;

/// Rows centred and multiplied per GEMM call (a `512 × 256` chunk is 1 MiB).
const CHUNK_ROWS: usize = 512;
/// Most row groups (and so partial Gram matrices) in flight.
const MAX_GROUPS: usize = 8;
/// Memory budget, in f64 entries, for the groups' partial `d × d` matrices (64 MiB).
const PARTIAL_BUDGET: usize = 8 << 20;

/// Sample covariance (denominator n − 1) of the columns of `blocks` side by side.
///
/// All blocks must have the same number `n >= 2` of rows (checked by the caller).
pub(crate) fn joint_covariance(blocks: &[ArrayView2<'_, f64>]) -> Mat<f64> {
    let n = blocks.first().map_or(0, |b| b.nrows());
    let d: usize = blocks.iter().map(|b| b.ncols()).sum();
    let groups = group_ranges(n, d);
    let means = joint_means(blocks, &groups, d);
    let partials: Vec<Mat<f64>> = groups
        .par_iter()
        .map(|&(start, end)| group_gram(blocks, &means, start, end))
        .collect();
    let mut cov = Mat::<f64>::zeros(d, d);
    for partial in &partials {
        for j in 0..d {
            for i in j..d {
                cov[(i, j)] += partial[(i, j)];
            }
        }
    }
    // Scale the lower triangle by 1/(n − 1) and mirror it onto the upper one.
    let scale = 1.0 / (n as f64 - 1.0);
    for j in 0..d {
        for i in j..d {
            let v = cov[(i, j)] * scale;
            cov[(i, j)] = v;
            cov[(j, i)] = v;
        }
    }
    cov
}

/// The fixed partition of `0..n` into contiguous row groups, each a whole number of chunks.
fn group_ranges(n: usize, d: usize) -> Vec<(usize, usize)> {
    let chunks = n.div_ceil(CHUNK_ROWS).max(1);
    let by_memory = (PARTIAL_BUDGET / (d * d).max(1)).max(1);
    let groups = chunks.min(MAX_GROUPS).min(by_memory);
    let per_group = chunks.div_ceil(groups);
    (0..groups)
        .map(|g| {
            let start = (g * per_group * CHUNK_ROWS).min(n);
            let end = ((g + 1) * per_group * CHUNK_ROWS).min(n);
            (start, end)
        })
        .filter(|(s, e)| s < e)
        .collect()
}

/// Column means of the blocks side by side: per-group sums (rows in order), then summed in
/// group order.
fn joint_means(blocks: &[ArrayView2<'_, f64>], groups: &[(usize, usize)], d: usize) -> Vec<f64> {
    let partial: Vec<Vec<f64>> = groups
        .par_iter()
        .map(|&(start, end)| {
            let mut sums = vec![0.0; d];
            let mut offset = 0;
            for block in blocks {
                let sums = &mut sums[offset..offset + block.ncols()];
                for r in start..end {
                    let row = block.row(r);
                    match row.as_slice() {
                        Some(row) => sums.iter_mut().zip(row).for_each(|(s, &v)| *s += v),
                        None => sums.iter_mut().zip(row.iter()).for_each(|(s, &v)| *s += v),
                    }
                }
                offset += block.ncols();
            }
            sums
        })
        .collect();
    let n = blocks.first().map_or(1, |b| b.nrows()) as f64;
    let mut means = vec![0.0; d];
    for sums in &partial {
        means.iter_mut().zip(sums).for_each(|(m, s)| *m += s);
    }
    means.iter_mut().for_each(|m| *m /= n);
    means
}

/// Lower triangle of $\sum_r (v_r - \mu)(v_r - \mu)^\top$ over rows `start..end`.
fn group_gram(blocks: &[ArrayView2<'_, f64>], means: &[f64], start: usize, end: usize) -> Mat<f64> {
    let d = means.len();
    let mut gram = Mat::<f64>::zeros(d, d);
    let mut buf = vec![0.0; CHUNK_ROWS.min(end - start) * d];
    let mut r0 = start;
    while r0 < end {
        let rows = CHUNK_ROWS.min(end - r0);
        let chunk = &mut buf[..rows * d];
        centre_chunk(blocks, means, r0, rows, chunk);
        let data = MatRef::from_row_major_slice(chunk, rows, d);
        accumulate_lower(gram.as_mut(), data);
        r0 += rows;
    }
    gram
}

/// Write rows `r0..r0 + rows` of the blocks, centred, into `out` (row-major, `rows × d`).
///
/// Row-major keeps the copy a contiguous, vectorised subtraction; faer's GEMM packs either
/// layout (measured: a column-major buffer makes the GEMM ~20% faster here but the transposing
/// copy costs more than that).
fn centre_chunk(
    blocks: &[ArrayView2<'_, f64>],
    means: &[f64],
    r0: usize,
    rows: usize,
    out: &mut [f64],
) {
    let d = means.len();
    let mut offset = 0;
    for block in blocks {
        let width = block.ncols();
        let mean = &means[offset..offset + width];
        for (r, dst) in out.chunks_exact_mut(d).take(rows).enumerate() {
            let dst = &mut dst[offset..offset + width];
            let row = block.row(r0 + r);
            match row.as_slice() {
                Some(row) => centre_into(dst, row.iter(), mean),
                None => centre_into(dst, row.iter(), mean),
            }
        }
        offset += width;
    }
}

/// `dst[j] = v[j] - mean[j]`.
#[inline]
fn centre_into<'a>(dst: &mut [f64], values: impl Iterator<Item = &'a f64>, mean: &[f64]) {
    for ((o, &v), &m) in dst.iter_mut().zip(values).zip(mean) {
        *o = v - m;
    }
}

/// `gram += dataᵀ data`, lower triangle only.
fn accumulate_lower(gram: MatMut<'_, f64>, data: MatRef<'_, f64>) {
    matmul(
        gram,
        BlockStructure::TriangularLower,
        Accum::Add,
        data.transpose(),
        BlockStructure::Rectangular,
        data,
        BlockStructure::Rectangular,
        1.0,
        Par::Seq,
    );
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array, s};

    use super::*;

    /// Brute-force covariance with the n − 1 denominator.
    fn brute(data: &Array2<f64>) -> Array2<f64> {
        let (n, d) = data.dim();
        let mean: Vec<f64> = (0..d).map(|j| data.column(j).sum() / n as f64).collect();
        Array2::from_shape_fn((d, d), |(i, j)| {
            (0..n)
                .map(|r| (data[[r, i]] - mean[i]) * (data[[r, j]] - mean[j]))
                .sum::<f64>()
                / (n as f64 - 1.0)
        })
    }

    #[test]
    fn covariance_matches_the_definition() {
        let x = array![[1.0, 2.0], [2.0, 1.0], [4.0, 0.0]];
        let y = array![[0.5], [0.0], [1.0]];
        let cov = joint_covariance(&[x.view(), y.view()]);
        let want = brute(&ndarray::concatenate![ndarray::Axis(1), x, y]);
        for i in 0..3 {
            for j in 0..3 {
                assert!((cov[(i, j)] - want[[i, j]]).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn many_chunks_and_groups_match_the_definition() {
        // 5 × 512 + 7 rows: six chunks spread over six groups, the last one short.
        let n = 5 * CHUNK_ROWS + 7;
        let data = Array2::from_shape_fn((n, 3), |(i, j)| {
            ((i * 31 + j * 17) % 23) as f64 + 0.1 * j as f64
        });
        let cov = joint_covariance(&[data.slice(s![.., 0..1]), data.slice(s![.., 1..3])]);
        let want = brute(&data);
        // The same data stored column-major (Fortran order): rows are not contiguous.
        let fortran = data.t().to_owned();
        let data_f = fortran.t();
        let cov_f = joint_covariance(&[data_f.slice(s![.., 0..1]), data_f.slice(s![.., 1..3])]);
        for i in 0..3 {
            for j in 0..3 {
                assert!((cov[(i, j)] - want[[i, j]]).abs() < 1e-10 * want[[i, i]].max(1.0));
                assert!((cov_f[(i, j)] - want[[i, j]]).abs() < 1e-10 * want[[i, i]].max(1.0));
            }
        }
    }

    #[test]
    fn partition_covers_all_rows_once() {
        for (n, d) in [(2, 1), (512, 3), (513, 3), (100_000, 256), (10_000, 2048)] {
            let groups = group_ranges(n, d);
            assert!(!groups.is_empty() && groups.len() <= MAX_GROUPS);
            assert_eq!(groups[0].0, 0);
            assert_eq!(groups[groups.len() - 1].1, n);
            assert!(groups.windows(2).all(|w| w[0].1 == w[1].0));
        }
    }
}
