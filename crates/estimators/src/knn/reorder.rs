//! KSG on reorderings of Y (surrogates): X's and Y's neighbour indices (sorted marginals or
//! trees) do not change when Y's rows are reordered, so they are built once; each surrogate
//! builds only its joint index.
//!
//! For algorithm 1 without a Theiler window on up to [`DISTANCE_TABLE_MAX_POINTS`] samples, the
//! max-norm distances between the rows of X are tabulated once instead: the joint distance of
//! a reordering is `max(d_X, d_Y')` (exactly the joint max-norm, which is a maximum over
//! coordinates), so each surrogate scans one row of the table per sample and needs no joint
//! index. Its k-th distances, duplicate counts and so its estimate equal the indexed path's
//! bit for bit.

use ndarray::{ArrayView2, Axis, CowArray, Ix2};
use rayon::prelude::*;

use super::NeighborIndex;
use super::hyperparams::{Ksg, KsgAlgorithm};
use super::ksg::{ZERO_RADIUS, counting_radii, psi_table};
use super::prepare::{Noise, stream};
use crate::error::Result;
use crate::special::digamma;
use crate::traits::ReorderedMi;
use crate::validate::check_same_rows;

/// Largest sample count whose X distance table (n² f64, 32 MiB at the limit) is kept.
pub(crate) const DISTANCE_TABLE_MAX_POINTS: usize = 2048;

/// A marginal neighbour index as the KSG counts see it.
#[derive(Clone, Copy)]
pub(crate) enum Marginal<'a> {
    /// Sample `i` of the estimate is point `i` of the index.
    Direct(&'a NeighborIndex),
    /// Sample `i` is point `order[i]` of the index (`order` a permutation, Theiler window 0).
    Reordered(&'a NeighborIndex, &'a [usize]),
}

impl Marginal<'_> {
    /// Neighbour counts of every sample within its radius (see
    /// [`NeighborIndex::count_within`]).
    pub(crate) fn count_within(&self, radii: &[f64], strict: bool, w: usize) -> Result<Vec<usize>> {
        match *self {
            Marginal::Direct(index) => index.count_within(radii, strict, w),
            Marginal::Reordered(index, order) => {
                debug_assert_eq!(w, 0, "a reordered marginal has no Theiler window");
                let mut by_point = vec![0.0; radii.len()];
                for (&r, &o) in radii.iter().zip(order) {
                    by_point[o] = r;
                }
                let counts = index.count_within(&by_point, strict, 0)?;
                Ok(order.iter().map(|&o| counts[o]).collect())
            }
        }
    }
}

/// X and Y as searched, with their indices, kept for surrogate estimates.
pub(crate) struct ReorderedKsg<'a> {
    ksg: &'a Ksg,
    x: CowArray<'a, f64, Ix2>,
    y: CowArray<'a, f64, Ix2>,
    xi: NeighborIndex,
    yi: NeighborIndex,
    psi: Vec<f64>,
    /// Max-norm distances between the rows of X (row-major n × n), when tabulated.
    dx: Option<Vec<f64>>,
}

impl<'a> ReorderedKsg<'a> {
    /// Validated `x` and `y`; `None` when the estimator adds noise (the jitter is drawn row by
    /// row, so it does not commute with reordering: such estimators re-run instead).
    pub(crate) fn new(
        ksg: &'a Ksg,
        x: ArrayView2<'a, f64>,
        y: ArrayView2<'a, f64>,
    ) -> Result<Option<Self>> {
        let params = ksg.config();
        if params.noise != Noise::None {
            return Ok(None);
        }
        let mut rng = stream(params.seed);
        let (x, _) = ksg.prepare_one(x, &mut rng);
        let (y, jittered_y) = ksg.prepare_one(y, &mut rng);
        if jittered_y > 0 {
            // The tie jitter is keyed by the column's values in order, so a reordered Y gets
            // different jitter in a fresh estimate: re-run to stay equal to it.
            return Ok(None);
        }
        let xi = NeighborIndex::new(x.view(), params.search)?;
        let yi = NeighborIndex::new(y.view(), params.search)?;
        let psi = psi_table(x.nrows());
        let n = x.nrows();
        let dx = (params.algorithm == KsgAlgorithm::One
            && params.theiler == 0
            && n <= DISTANCE_TABLE_MAX_POINTS)
            .then(|| distance_table(x.view()));
        Ok(Some(Self {
            ksg,
            x,
            y,
            xi,
            yi,
            psi,
            dx,
        }))
    }
}

impl ReorderedMi for ReorderedKsg<'_> {
    fn mi_reordered(&self, order: &[usize]) -> Result<f64> {
        check_same_rows("y", self.y.nrows(), "order", order.len())?;
        let y = self.y.select(Axis(0), order);
        if let Some(dx) = &self.dx {
            return self.mi_with_table(dx, y.view(), order);
        }
        let locals = if self.ksg.config().theiler == 0 {
            let marginal = Marginal::Reordered(&self.yi, order);
            self.ksg
                .mi_core(self.x.view(), y.view(), &self.xi, marginal, &self.psi)?
        } else {
            // A time window does not survive reordering: index Y' afresh.
            let yi = NeighborIndex::new(y.view(), self.ksg.config().search)?;
            self.ksg.mi_core(
                self.x.view(),
                y.view(),
                &self.xi,
                Marginal::Direct(&yi),
                &self.psi,
            )?
        };
        Ok(locals.mean())
    }
}

impl ReorderedKsg<'_> {
    /// Algorithm 1 on the reordering `order` (with `y` = Y reordered) from the X distance
    /// table: the same k-th distances, Gao duplicate counts and marginal counts as
    /// `Ksg::mi_core`, summed in the same order.
    fn mi_with_table(&self, dx: &[f64], y: ArrayView2<'_, f64>, order: &[usize]) -> Result<f64> {
        let (k, n) = (self.ksg.config().k, y.nrows());
        // Per sample: its k-th joint distance and its number of exact joint duplicates.
        let kth: Vec<(f64, usize)> = (0..n)
            .into_par_iter()
            .map_init(
                || Vec::with_capacity(n),
                |row, i| {
                    row.clear();
                    let yi = y.row(i);
                    for (j, &d) in dx[i * n..(i + 1) * n].iter().enumerate() {
                        if j != i {
                            let dy = yi
                                .iter()
                                .zip(y.row(j))
                                .fold(0.0_f64, |m, (p, q)| m.max((p - q).abs()));
                            row.push(d.max(dy));
                        }
                    }
                    let (_, &mut kth, _) = row.select_nth_unstable_by(k - 1, f64::total_cmp);
                    let duplicates = if kth == 0.0 {
                        row.iter().filter(|&&d| d < ZERO_RADIUS).count()
                    } else {
                        0
                    };
                    (kth, duplicates)
                },
            )
            .collect();
        let eps: Vec<f64> = kth.iter().map(|e| e.0).collect();
        let radii = counting_radii(&eps);
        let nx = Marginal::Direct(&self.xi).count_within(&radii, true, 0)?;
        let ny = Marginal::Reordered(&self.yi, order).count_within(&radii, true, 0)?;
        let base = digamma(n as f64);
        let psi = &self.psi;
        let values: Vec<f64> = (0..n)
            .map(|i| {
                // Gao et al.'s k̃ counts the sample itself.
                let kk = if eps[i] == 0.0 { kth[i].1 + 1 } else { k };
                psi[kk] + base - psi[nx[i] + 1] - psi[ny[i] + 1]
            })
            .collect();
        Ok(values.iter().sum::<f64>() / n as f64)
    }
}

/// Max-norm distances between all rows of `x`, row-major n × n.
fn distance_table(x: ArrayView2<'_, f64>) -> Vec<f64> {
    let n = x.nrows();
    let mut table = vec![0.0; n * n];
    table
        .par_chunks_mut(n.max(1))
        .enumerate()
        .for_each(|(i, row)| {
            let xi = x.row(i);
            for (j, d) in row.iter_mut().enumerate() {
                *d = xi
                    .iter()
                    .zip(x.row(j))
                    .fold(0.0_f64, |m, (p, q)| m.max((p - q).abs()));
            }
        });
    table
}
