//! KSG on reorderings of Y (surrogates): X's and Y's neighbour indices (sorted marginals or
//! trees) do not change when Y's rows are reordered, so they are built once; each surrogate
//! builds only its joint index.

use ndarray::{ArrayView2, CowArray, Ix2};

use super::NeighborIndex;
use super::ksg::{Ksg, psi_table};
use super::prepare::{Noise, prepare, stream};
use crate::error::Result;
use crate::traits::ReorderedMi;
use crate::validate::check_same_rows;

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
        let x = prepare(x, params.normalize, params.noise, &mut rng);
        let y = prepare(y, params.normalize, params.noise, &mut rng);
        let xi = NeighborIndex::new(x.view(), params.search)?;
        let yi = NeighborIndex::new(y.view(), params.search)?;
        let psi = psi_table(x.nrows());
        Ok(Some(Self {
            ksg,
            x,
            y,
            xi,
            yi,
            psi,
        }))
    }
}

impl ReorderedMi for ReorderedKsg<'_> {
    fn mi_reordered(&self, order: &[usize]) -> Result<f64> {
        check_same_rows("y", self.y.nrows(), "order", order.len())?;
        let y = self.y.select(ndarray::Axis(0), order);
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
