//! A kd-tree over points of run-time dimension, for exact max-norm neighbour queries.
//!
//! Brief overview: [`KdTree::new`] copies the points into one contiguous buffer in tree order
//! and splits recursively at the median of the dimension of largest spread until at most
//! [`LEAF_SIZE`] points remain (a node whose points are all identical stays a leaf whatever its
//! size). Every node stores its tight bounding box. Queries use the box in two ways:
//!
//! - its *nearest* max-norm distance to the query, `max_t max(lo_t − q_t, q_t − hi_t, 0)`, to
//!   prune nodes that cannot hold a closer (or an in-radius) point;
//! - its *farthest* distance, `max_t max(|lo_t − q_t|, |hi_t − q_t|)`, to add a whole subtree
//!   at once when the box lies inside the ball.
//!
//! Rounding is monotone, so for every point `p` of a box `lo − q ≤ p − q ≤ hi − q` also holds
//! after rounding: both bounds are exact bounds on the computed point distances, and the
//! comparisons (`<` for strict radii, `≤` otherwise) need no epsilon. Results therefore equal
//! the brute-force ones bit for bit. Batch queries run one rayon task per point.

use ndarray::ArrayView2;
use rayon::prelude::*;

use super::{
    Collector, KBest, KNearest, chebyshev, check_k, check_radii, excluded, to_row_major, window,
    within,
};
use crate::error::{EstimatorError, Result};
use crate::validate::check_matrix;

/// Largest number of points in a leaf.
pub const LEAF_SIZE: usize = 24;

/// The dimension: the compile-time `D`, or the run-time `d` when `D = 0`.
#[inline(always)]
fn dim<const D: usize>(d: usize) -> usize {
    if D == 0 { d } else { D }
}

/// Max-norm distance between the first `dim` coordinates of `a` and `b` (`a` and `b` have the
/// same length). With a compile-time `D` the loop is unrolled; the value is the same exact
/// maximum of exact absolute differences as [`chebyshev`].
#[inline(always)]
fn distance<const D: usize>(a: &[f64], b: &[f64]) -> f64 {
    let n = dim::<D>(a.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut m = 0.0_f64;
    for t in 0..n {
        m = m.max((a[t] - b[t]).abs());
    }
    m
}

/// Call `$body` with the const generic `$D` set to the tree's dimension for `d ≤ 8` (unrolled
/// loops), or to `0` (run-time dimension) above.
macro_rules! dispatch {
    ($d:expr, $D:ident => $body:expr) => {
        match $d {
            1 => {
                const $D: usize = 1;
                $body
            }
            2 => {
                const $D: usize = 2;
                $body
            }
            3 => {
                const $D: usize = 3;
                $body
            }
            4 => {
                const $D: usize = 4;
                $body
            }
            5 => {
                const $D: usize = 5;
                $body
            }
            6 => {
                const $D: usize = 6;
                $body
            }
            7 => {
                const $D: usize = 7;
                $body
            }
            8 => {
                const $D: usize = 8;
                $body
            }
            _ => {
                const $D: usize = 0;
                $body
            }
        }
    };
}

/// A subtree under construction: nodes in pre-order (the root first, then the left subtree, then
/// the right), child indices local to the subtree, and the nodes' boxes.
struct Subtree {
    nodes: Vec<Node>,
    boxes: Vec<f64>,
}

/// Subtrees with more points than this are built on two threads (`rayon::join`). The tree is
/// the same whatever the number of threads.
const PARALLEL_BUILD: usize = 4096;

/// Build the subtree over the points `order` (rows of the row-major `flat`, dimension `d`),
/// which will occupy tree positions `offset..offset + order.len()`. Splits at the median of the
/// dimension of largest spread; a node whose points are all identical stays a leaf with its
/// points in ascending original order.
fn build(flat: &[f64], d: usize, order: &mut [usize], offset: usize) -> Subtree {
    let mut lo = vec![f64::INFINITY; d];
    let mut hi = vec![f64::NEG_INFINITY; d];
    for &i in order.iter() {
        for (t, &v) in flat[i * d..(i + 1) * d].iter().enumerate() {
            lo[t] = lo[t].min(v);
            hi[t] = hi[t].max(v);
        }
    }
    let (mut split, mut spread) = (0, 0.0);
    for t in 0..d {
        let s = hi[t] - lo[t];
        if s > spread {
            (split, spread) = (t, s);
        }
    }
    let mut root = Subtree {
        nodes: vec![Node {
            start: offset,
            end: offset + order.len(),
            children: None,
            uniform: spread == 0.0,
        }],
        boxes: [lo, hi].concat(),
    };
    if spread == 0.0 {
        order.sort_unstable();
        return root;
    }
    if order.len() <= LEAF_SIZE {
        return root;
    }
    let mid = order.len() / 2;
    order.select_nth_unstable_by(mid, |&a, &b| {
        flat[a * d + split].total_cmp(&flat[b * d + split])
    });
    let (left, right) = order.split_at_mut(mid);
    let (l, r) = if mid >= PARALLEL_BUILD / 2 {
        rayon::join(
            || build(flat, d, left, offset),
            || build(flat, d, right, offset + mid),
        )
    } else {
        (
            build(flat, d, left, offset),
            build(flat, d, right, offset + mid),
        )
    };
    let (li, ri) = (1, 1 + l.nodes.len());
    root.nodes[0].children = Some((li, ri));
    for (shift, sub) in [(li, l), (ri, r)] {
        root.nodes.extend(sub.nodes.into_iter().map(|mut node| {
            node.children = node.children.map(|(a, b)| (a + shift, b + shift));
            node
        }));
        root.boxes.extend(sub.boxes);
    }
    root
}

/// Which points a query skips.
#[derive(Debug, Clone, Copy)]
enum Skip {
    /// None (an external query point).
    Nothing,
    /// Original rows `j` with `|i − j| ≤ w` (`w = 0`: row `i` itself).
    Window {
        /// The query's original row.
        i: usize,
        /// The Theiler window.
        w: usize,
    },
}

impl Skip {
    #[inline]
    fn skips(self, j: usize) -> bool {
        match self {
            Self::Nothing => false,
            Self::Window { i, w } => excluded(i, j, w),
        }
    }
}

/// One node: points `start..end` in tree order, and its children if it was split.
#[derive(Debug, Clone, Copy)]
struct Node {
    start: usize,
    end: usize,
    children: Option<(usize, usize)>,
    /// A leaf whose points are all identical, stored in ascending original order.
    uniform: bool,
}

/// A kd-tree over the rows of an `n × d` matrix, for max-norm queries.
#[derive(Debug, Clone)]
pub struct KdTree {
    /// Dimension.
    d: usize,
    /// Points in tree order, row-major (`n × d`).
    points: Vec<f64>,
    /// `original[p]`: the original row of tree position `p`.
    original: Vec<usize>,
    /// `position[i]`: the tree position of original row `i`.
    position: Vec<usize>,
    /// Nodes; the root is node 0.
    nodes: Vec<Node>,
    /// Bounding boxes: node `m` has `lo` at `boxes[2dm..2dm+d]` and `hi` right after.
    boxes: Vec<f64>,
}

impl KdTree {
    /// Build the tree over the rows of `data`.
    ///
    /// # Errors
    /// [`EstimatorError::Empty`] or [`EstimatorError::NonFinite`] (argument `data`).
    pub fn new(data: ArrayView2<'_, f64>) -> Result<Self> {
        check_matrix("data", data, 1)?;
        let (n, d) = data.dim();
        let flat = to_row_major(data);
        let mut order: Vec<usize> = (0..n).collect();
        let Subtree { nodes, boxes } = build(&flat, d, &mut order, 0);
        let mut points = Vec::with_capacity(n * d);
        for &i in &order {
            points.extend_from_slice(&flat[i * d..(i + 1) * d]);
        }
        let mut position = vec![0; n];
        for (p, &i) in order.iter().enumerate() {
            position[i] = p;
        }
        Ok(Self {
            d,
            points,
            original: order,
            position,
            nodes,
            boxes,
        })
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.original.len()
    }

    /// Whether the tree holds no points (never, for a successfully built tree).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.original.is_empty()
    }

    /// Dimension of the points.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.d
    }

    /// Number of nodes (leaves included).
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn point<const D: usize>(&self, p: usize) -> &[f64] {
        let d = dim::<D>(self.d);
        &self.points[p * d..p * d + d]
    }

    fn bounds<const D: usize>(&self, node: usize) -> (&[f64], &[f64]) {
        let d = dim::<D>(self.d);
        let b = &self.boxes[2 * d * node..2 * d * node + 2 * d];
        (&b[..d], &b[d..])
    }

    /// Smallest max-norm distance from `q` to the node's box.
    #[inline]
    fn nearest<const D: usize>(&self, node: usize, q: &[f64]) -> f64 {
        let (lo, hi) = self.bounds::<D>(node);
        let n = dim::<D>(self.d);
        let (lo, hi, q) = (&lo[..n], &hi[..n], &q[..n]);
        let mut m = 0.0_f64;
        for t in 0..n {
            m = m.max(lo[t] - q[t]).max(q[t] - hi[t]);
        }
        m
    }

    /// Largest max-norm distance from `q` to the node's box.
    #[inline]
    fn farthest<const D: usize>(&self, node: usize, q: &[f64]) -> f64 {
        let (lo, hi) = self.bounds::<D>(node);
        let n = dim::<D>(self.d);
        let (lo, hi, q) = (&lo[..n], &hi[..n], &q[..n]);
        let mut m = 0.0_f64;
        for t in 0..n {
            m = m.max((lo[t] - q[t]).abs()).max((hi[t] - q[t]).abs());
        }
        m
    }

    fn check_point(&self, point: &[f64]) -> Result<()> {
        if point.len() != self.d {
            return Err(EstimatorError::ShapeMismatch {
                argument: "point",
                other: "data",
                what: "coordinates",
                expected: self.d,
                got: point.len(),
            });
        }
        if let Some((col, &value)) = point.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(EstimatorError::NonFinite {
                argument: "point",
                row: 0,
                col,
                value,
            });
        }
        Ok(())
    }

    fn position_of(&self, index: usize) -> Result<usize> {
        self.position
            .get(index)
            .copied()
            .ok_or_else(|| EstimatorError::InvalidParameter {
                name: "index",
                reason: format!("point {index} does not exist (n = {})", self.len()),
            })
    }

    fn skip_of(&self, exclude: Option<usize>) -> Result<Skip> {
        match exclude {
            None => Ok(Skip::Nothing),
            Some(i) => self.position_of(i).map(|_| Skip::Window { i, w: 0 }),
        }
    }

    // ----- k-th neighbour ------------------------------------------------------------------

    /// Distance from `point` to its `k`-th nearest tree point, skipping original row `exclude`
    /// if given (ties count).
    ///
    /// # Errors
    /// [`EstimatorError::ShapeMismatch`] or [`EstimatorError::NonFinite`] for `point`;
    /// [`EstimatorError::InvalidParameter`] named `index` for an unknown `exclude`, or named `k`
    /// unless `1 ≤ k ≤` the number of candidate points.
    pub fn kth_neighbor_distance(
        &self,
        point: &[f64],
        k: usize,
        exclude: Option<usize>,
    ) -> Result<f64> {
        self.check_point(point)?;
        let skip = self.skip_of(exclude)?;
        check_k(k, self.len() + usize::from(exclude.is_none()))?;
        Ok(self.kth_search(point, k, skip))
    }

    /// Distance from tree row `index` to its `k`-th nearest *other* row (ties count).
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `index` if it is out of range, or named `k`
    /// unless `1 ≤ k < n`.
    pub fn kth_neighbor_distance_of(&self, index: usize, k: usize) -> Result<f64> {
        let p = self.position_of(index)?;
        check_k(k, self.len())?;
        Ok(self.kth_search(self.point::<0>(p), k, Skip::Window { i: index, w: 0 }))
    }

    /// The `k`-th neighbour distance of every row, excluding itself, in the original row order
    /// (parallel). `k = 0` gives `0` and `k ≥ n` gives `+∞` for every row.
    #[must_use]
    pub fn kth_neighbor_distances(&self, k: usize) -> Vec<f64> {
        if k == 0 {
            return vec![0.0; self.len()];
        }
        self.kth_windowed(k, 0)
            .into_iter()
            .map(|(e, _)| e)
            .collect()
    }

    /// For every row `i` (original order, parallel): the `k`-th smallest distance to the rows
    /// `j` with `|i − j| > w`, and whether another such row lies at exactly that distance.
    pub(crate) fn kth_windowed(&self, k: usize, w: usize) -> Vec<(f64, bool)> {
        self.collect_all(w, || KBest::new(k), KBest::result)
    }

    /// For every row `i`: its `k` nearest rows `j` with `|i − j| > w` as `(distance, row)`,
    /// ordered by distance then row, and whether the `k`-th distance is tied.
    pub(crate) fn nearest_windowed(&self, k: usize, w: usize) -> Vec<(Vec<(f64, usize)>, bool)> {
        self.collect_all(
            w,
            || KNearest::new(k),
            |c| (c.neighbors().to_vec(), c.tied()),
        )
    }

    /// Run one collector per point, in tree order (neighbouring queries visit the same nodes,
    /// which keeps the caches warm), and return the results in the original row order.
    fn collect_all<C: Collector, T: Send + Sync + Clone>(
        &self,
        w: usize,
        make: impl Fn() -> C + Sync,
        finish: impl Fn(&C) -> T + Sync,
    ) -> Vec<T> {
        let in_tree_order =
            dispatch!(self.d, D => self.collect_tree_order::<D, C, T>(w, &make, &finish));
        self.to_original_order(in_tree_order)
    }

    fn collect_tree_order<const D: usize, C: Collector, T: Send>(
        &self,
        w: usize,
        make: &(impl Fn() -> C + Sync),
        finish: &(impl Fn(&C) -> T + Sync),
    ) -> Vec<T> {
        (0..self.len())
            .into_par_iter()
            .map(|p| {
                let mut c = make();
                let i = self.original[p];
                self.search::<D, C>(self.point::<D>(p), Skip::Window { i, w }, &mut c);
                finish(&c)
            })
            .collect()
    }

    /// Reorder per-position results (tree order) into the original row order.
    fn to_original_order<T: Send + Sync + Clone>(&self, by_position: Vec<T>) -> Vec<T> {
        self.position
            .par_iter()
            .map(|&p| by_position[p].clone())
            .collect()
    }

    fn kth_search(&self, q: &[f64], k: usize, skip: Skip) -> f64 {
        let mut best = KBest::new(k);
        self.search::<0, _>(q, skip, &mut best);
        best.bound()
    }

    fn search<const D: usize, C: Collector>(&self, q: &[f64], skip: Skip, best: &mut C) {
        if !self.nodes.is_empty() {
            self.search_node::<D, C>(0, self.nearest::<D>(0, q), q, skip, best);
        }
    }

    fn search_node<const D: usize, C: Collector>(
        &self,
        node: usize,
        gap: f64,
        q: &[f64],
        skip: Skip,
        best: &mut C,
    ) {
        if gap > best.bound() {
            return;
        }
        let Node {
            start,
            end,
            children,
            uniform,
        } = self.nodes[node];
        match children {
            None if uniform => {
                // Every point is at the same distance: offering the first k + 1 outside the
                // window (in ascending original order) leaves the collector as offering all
                // would, so a large block of duplicates costs O(k), not O(size).
                let dist = distance::<D>(q, self.point::<D>(start));
                if dist > best.bound() {
                    return;
                }
                let take = best.capacity().saturating_add(1);
                for j in self.original[start..end]
                    .iter()
                    .copied()
                    .filter(|&j| !skip.skips(j))
                    .take(take)
                {
                    best.offer(dist, j);
                }
            }
            None => {
                for p in start..end {
                    let dist = distance::<D>(q, self.point::<D>(p));
                    if dist <= best.bound() {
                        let j = self.original[p];
                        if !skip.skips(j) {
                            best.offer(dist, j);
                        }
                    }
                }
            }
            Some((l, r)) => {
                let (gl, gr) = (self.nearest::<D>(l, q), self.nearest::<D>(r, q));
                if gl <= gr {
                    self.search_node::<D, C>(l, gl, q, skip, best);
                    self.search_node::<D, C>(r, gr, q, skip, best);
                } else {
                    self.search_node::<D, C>(r, gr, q, skip, best);
                    self.search_node::<D, C>(l, gl, q, skip, best);
                }
            }
        }
    }

    // ----- counting ------------------------------------------------------------------------

    /// Number of tree points within `r` of `point` (`< r` if `strict`, else `≤ r`), not
    /// counting original row `exclude` if given.
    ///
    /// # Errors
    /// [`EstimatorError::ShapeMismatch`] or [`EstimatorError::NonFinite`] for `point`;
    /// [`EstimatorError::InvalidParameter`] named `index` for an unknown `exclude`, or named
    /// `radii` for a NaN or negative `r`.
    pub fn count_within(
        &self,
        point: &[f64],
        r: f64,
        strict: bool,
        exclude: Option<usize>,
    ) -> Result<usize> {
        self.check_point(point)?;
        let skip = self.skip_of(exclude)?;
        check_radii(&[r], 1)?;
        Ok(self.count_search::<0>(point, r, strict, skip))
    }

    /// Number of *other* rows within `r` of tree row `index` (`< r` if `strict`, else `≤ r`).
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `index` if it is out of range, or named
    /// `radii` for a NaN or negative `r`.
    pub fn count_within_of(&self, index: usize, r: f64, strict: bool) -> Result<usize> {
        let p = self.position_of(index)?;
        check_radii(&[r], 1)?;
        Ok(self.count_search::<0>(
            self.point::<0>(p),
            r,
            strict,
            Skip::Window { i: index, w: 0 },
        ))
    }

    /// For every row `i`, the number of other rows within `radii[i]`, in the original row order
    /// (parallel).
    ///
    /// # Errors
    /// [`EstimatorError::ShapeMismatch`] unless there is one radius per row;
    /// [`EstimatorError::InvalidParameter`] named `radii` for a NaN or negative radius.
    pub fn count_within_all(&self, radii: &[f64], strict: bool) -> Result<Vec<usize>> {
        check_radii(radii, self.len())?;
        Ok(self.count_windowed(radii, strict, 0))
    }

    /// For every row `i`, the number of rows `j` with `|i − j| > w` within `radii[i]` (radii
    /// not validated).
    pub(crate) fn count_windowed(&self, radii: &[f64], strict: bool, w: usize) -> Vec<usize> {
        let in_tree_order = dispatch!(self.d, D => self.count_tree_order::<D>(radii, strict, w));
        self.to_original_order(in_tree_order)
    }

    fn count_tree_order<const D: usize>(
        &self,
        radii: &[f64],
        strict: bool,
        w: usize,
    ) -> Vec<usize> {
        (0..self.len())
            .into_par_iter()
            .map(|p| {
                let i = self.original[p];
                self.count_search::<D>(self.point::<D>(p), radii[i], strict, Skip::Window { i, w })
            })
            .collect()
    }

    /// Count all points within `r`, then remove the skipped ones that were counted.
    fn count_search<const D: usize>(&self, q: &[f64], r: f64, strict: bool, skip: Skip) -> usize {
        if self.nodes.is_empty() {
            return 0;
        }
        let all = self.count_node::<D>(0, q, r, strict);
        let skipped = match skip {
            Skip::Nothing => 0,
            Skip::Window { i, w } => window(i, w, self.len())
                .filter(|&j| within(chebyshev(q, self.point::<D>(self.position[j])), r, strict))
                .count(),
        };
        all.saturating_sub(skipped)
    }

    fn count_node<const D: usize>(&self, node: usize, q: &[f64], r: f64, strict: bool) -> usize {
        if !within(self.nearest::<D>(node, q), r, strict) {
            return 0;
        }
        let Node {
            start,
            end,
            children,
            ..
        } = self.nodes[node];
        if within(self.farthest::<D>(node, q), r, strict) {
            return end - start;
        }
        match children {
            None => (start..end)
                .filter(|&p| within(distance::<D>(q, self.point::<D>(p)), r, strict))
                .count(),
            Some((l, rr)) => {
                self.count_node::<D>(l, q, r, strict) + self.count_node::<D>(rr, q, r, strict)
            }
        }
    }
}
