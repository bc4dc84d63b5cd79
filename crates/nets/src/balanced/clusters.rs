//! Seeded k-means on the rows or columns of a weight matrix, and the block structure it finds
//! (the code's diagnostic for S > 1 channels, SPEC.md §8).

use ndarray::{Array2, ArrayView2};
use rand::RngExt;

use super::network::finite;
use super::rng::{Stream, stream};
use crate::error::{NetsError, Result, ensure_param};

/// Restarts of k-means (k-means++ seeding each); the one with the smallest inertia wins.
pub const RESTARTS: usize = 10;

/// Lloyd iterations per restart at most.
const MAX_ITER: usize = 300;

/// Which profiles of J are clustered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profiles {
    /// Row i: the incoming weights of neuron i (the code's choice).
    #[default]
    Rows,
    /// Column i: the outgoing weights of neuron i.
    Columns,
}

/// The clusters of a weight matrix and its mean weights within and between them.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterStructure {
    /// The cluster of each neuron, numbered by first appearance (neuron 0 is in cluster 0).
    pub assignment: Vec<usize>,
    /// Neurons per cluster.
    pub sizes: Vec<usize>,
    /// A permutation of the neurons that groups the clusters (cluster 0 first, stable).
    pub order: Vec<usize>,
    /// Mean J_ij over pairs i ≠ j in the same cluster.
    pub within: f64,
    /// Mean J_ij over pairs in different clusters (NaN for k = 1).
    pub between: f64,
    /// The k-means inertia (sum of squared distances to the centroids).
    pub inertia: f64,
}

/// Cluster the rows (or columns) of the square matrix `j` into `k` groups with seeded k-means
/// (k-means++ seeding, [`RESTARTS`] restarts, Lloyd iterations; deterministic for a seed).
///
/// # Errors
/// [`NetsError::Shape`] when `j` is not square; `InvalidParameter` for `k` outside 1..=N or a
/// non-finite entry of `j`.
pub fn cluster_structure(
    j: ArrayView2<'_, f64>,
    k: usize,
    profiles: Profiles,
    seed: u64,
) -> Result<ClusterStructure> {
    let n = j.nrows();
    if j.ncols() != n || n == 0 {
        return Err(NetsError::Shape {
            argument: "j",
            got: j.shape().to_vec(),
            expected: "a square N × N matrix, N ≥ 1".into(),
        });
    }
    ensure_param!((1..=n).contains(&k), "k", "must be in 1..={n}, got {k}");
    finite("j", j)?;
    let points = match profiles {
        Profiles::Rows => j.to_owned(),
        Profiles::Columns => j.t().to_owned(),
    };
    let mut best: Option<(f64, Vec<usize>)> = None;
    for restart in 0..RESTARTS as u64 {
        let (inertia, labels) = kmeans(&points, k, seed, restart);
        if best.as_ref().is_none_or(|(b, _)| inertia < *b) {
            best = Some((inertia, labels));
        }
    }
    let (inertia, labels) = best.unwrap_or((0.0, vec![0; n]));
    Ok(structure(j, &labels, k, inertia))
}

/// One k-means run: (inertia, labels).
fn kmeans(points: &Array2<f64>, k: usize, seed: u64, restart: u64) -> (f64, Vec<usize>) {
    let (n, d) = points.dim();
    let mut rng = stream(seed, Stream::Clusters, restart);
    let dist = |a: usize, c: &[f64]| -> f64 {
        points
            .row(a)
            .iter()
            .zip(c)
            .map(|(x, y)| (x - y) * (x - y))
            .sum()
    };
    // k-means++ seeding.
    let mut centroids = Array2::<f64>::zeros((k, d));
    let first = rng.random_range(0..n);
    centroids.row_mut(0).assign(&points.row(first));
    let mut near: Vec<f64> = (0..n)
        .map(|a| dist(a, centroids.row(0).as_slice().unwrap_or(&[])))
        .collect();
    for c in 1..k {
        let total: f64 = near.iter().sum();
        let pick = if total > 0.0 {
            let mut u = rng.random::<f64>() * total;
            let mut pick = n - 1;
            for (a, w) in near.iter().enumerate() {
                if u < *w {
                    pick = a;
                    break;
                }
                u -= w;
            }
            pick
        } else {
            rng.random_range(0..n)
        };
        centroids.row_mut(c).assign(&points.row(pick));
        for (a, m) in near.iter_mut().enumerate() {
            *m = m.min(dist(a, centroids.row(c).as_slice().unwrap_or(&[])));
        }
    }
    // Lloyd iterations.
    let mut labels = vec![usize::MAX; n];
    let mut inertia = 0.0;
    for _ in 0..MAX_ITER {
        let mut changed = false;
        inertia = 0.0;
        for (a, label) in labels.iter_mut().enumerate() {
            let (best, bd) = (0..k)
                .map(|c| (c, dist(a, centroids.row(c).as_slice().unwrap_or(&[]))))
                .fold(
                    (0, f64::INFINITY),
                    |acc, x| if x.1 < acc.1 { x } else { acc },
                );
            inertia += bd;
            if *label != best {
                *label = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        let mut sums = Array2::<f64>::zeros((k, d));
        let mut counts = vec![0usize; k];
        for (a, &l) in labels.iter().enumerate() {
            sums.row_mut(l).scaled_add(1.0, &points.row(a));
            counts[l] += 1;
        }
        for (c, &count) in counts.iter().enumerate() {
            if count > 0 {
                let inv = 1.0 / count as f64;
                centroids.row_mut(c).assign(&sums.row(c).mapv(|v| v * inv));
            }
        }
    }
    (inertia, labels)
}

/// Renumber the labels by first appearance and measure the block means.
fn structure(j: ArrayView2<'_, f64>, labels: &[usize], k: usize, inertia: f64) -> ClusterStructure {
    let mut map = vec![usize::MAX; k];
    let mut next = 0;
    let assignment: Vec<usize> = labels
        .iter()
        .map(|&l| {
            if map[l] == usize::MAX {
                map[l] = next;
                next += 1;
            }
            map[l]
        })
        .collect();
    let mut sizes = vec![0; next];
    for &a in &assignment {
        sizes[a] += 1;
    }
    let mut order: Vec<usize> = (0..assignment.len()).collect();
    order.sort_by_key(|&i| assignment[i]);
    let (mut ws, mut wn, mut bs, mut bn) = (0.0, 0u64, 0.0, 0u64);
    for ((r, c), &v) in j.indexed_iter() {
        if r == c {
            continue;
        }
        if assignment[r] == assignment[c] {
            ws += v;
            wn += 1;
        } else {
            bs += v;
            bn += 1;
        }
    }
    let mean = |s: f64, n: u64| if n > 0 { s / n as f64 } else { f64::NAN };
    ClusterStructure {
        assignment,
        sizes,
        order,
        within: mean(ws, wn),
        between: mean(bs, bn),
        inertia,
    }
}
