//! [`Ksg`]: the Kraskov–Stögbauer–Grassberger mutual-information estimator (algorithms 1 and 2)
//! and its conditional form (Frenzel & Pompe 2007).

use ndarray::{Array2, ArrayView2, Axis, concatenate};

use super::hyperparams::{KozachenkoLeonenko, Ksg, KsgAlgorithm};
use super::mixed::Ross;
use super::prepare::{break_ties, check_scale, prepare, stream};
use super::reorder::{Marginal, ReorderedKsg};
use super::{NeighborIndex, TIE_JITTER, check_k_window};
use crate::error::{EstimatorError, Result, ensure_param};
use crate::estimate::{Estimate, Quantity};
use crate::special::digamma;
use crate::traits::{ConditionalMutualInformation, MutualInformation, ReorderedMi, Rerun};
use crate::validate::{check_matrix, check_same_rows};

/// The method's name in estimates and specifications.
pub(crate) const METHOD: &str = "ksg";

/// The smallest positive `f64`. For a distance `d ≥ 0`, `d < ZERO_RADIUS` holds exactly when
/// `d == 0`, so a strict count with this radius counts exact duplicates (no epsilon).
pub(crate) const ZERO_RADIUS: f64 = f64::from_bits(1);

/// Per-sample results of one KSG evaluation.
#[derive(Debug, Clone)]
pub(crate) struct Locals {
    /// Local values in nats.
    pub(crate) values: Vec<f64>,
    /// Samples whose k-th neighbour distance is zero.
    pub(crate) zeros: usize,
    /// Samples whose k-th neighbour distance is tied or zero.
    pub(crate) tied: usize,
    /// Algorithm 2: samples with a zero marginal extent that took algorithm 1's local value.
    pub(crate) zero_extent: usize,
    /// Columns jittered to break ties ([`super::Ties::Jitter`]), over all variables.
    pub(crate) jittered: usize,
}

impl Locals {
    pub(crate) fn mean(&self) -> f64 {
        self.values.iter().sum::<f64>() / self.values.len() as f64
    }
}

/// The max-norm distance between rows `i` and `j` of `a`.
fn row_distance(a: ArrayView2<'_, f64>, i: usize, j: usize) -> f64 {
    a.row(i)
        .iter()
        .zip(a.row(j))
        .fold(0.0_f64, |m, (p, q)| m.max((p - q).abs()))
}

/// Join matrices column-wise.
fn join(parts: &[ArrayView2<'_, f64>]) -> Result<Array2<f64>> {
    concatenate(Axis(1), parts).map_err(|e| EstimatorError::OutOfRange {
        argument: "y",
        detail: format!("cannot join the variables: {e}"),
    })
}

impl Ksg {
    /// The local (pointwise) values of I(X;Y) in nats; their mean is the estimate.
    ///
    /// # Errors
    /// As [`MutualInformation::estimate`].
    pub fn local_values(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        Ok(self.mi_locals(x, y)?.values)
    }

    /// The local values of I(X;Y|Z) in nats; their mean is the estimate.
    ///
    /// # Errors
    /// As [`ConditionalMutualInformation::estimate_conditional`].
    pub fn local_values_conditional(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        z: ArrayView2<'_, f64>,
    ) -> Result<Vec<f64>> {
        Ok(self.cmi_locals(x, y, z)?.values)
    }

    /// The Kozachenko–Leonenko estimator with this estimator's neighbours, Theiler window,
    /// z-scoring, noise, seed and search: KSG's entropy (algorithm 1; the entropy has no
    /// second form).
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `algorithm` for algorithm 2.
    pub fn entropy_estimator(&self) -> Result<KozachenkoLeonenko> {
        let p = self.params;
        ensure_param!(
            p.algorithm == KsgAlgorithm::One,
            "algorithm",
            "the entropy (Kozachenko–Leonenko) has one form, which KSG algorithm 1 shares; \
             algorithm 2 has none"
        );
        KozachenkoLeonenko::params()
            .k(p.k)
            .theiler(p.theiler)
            .normalize(p.normalize)
            .noise(p.noise)
            .seed(p.seed)
            .search(p.search)
            .check()
    }

    /// [`Ross`] with this estimator's `k`, `normalize`, `noise`, `seed` and `search`: what KSG
    /// runs for I(X;Y) when Y holds class labels (an integer-typed [`crate::Variable`]), since
    /// KSG on a class index read as a number depends on how the classes are numbered (SPEC.md
    /// §1.3). The algorithm (1 or 2) has no counterpart there.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `theiler` for a Theiler window: neighbours
    /// are searched within a class, where the sample order has no meaning.
    pub fn label_estimator(&self) -> Result<Ross> {
        let p = self.params;
        ensure_param!(
            p.theiler == 0,
            "theiler",
            "theiler = {}: class labels (an integer-typed Y) are estimated with the \
             discrete–continuous rule (Ross 2014), which searches neighbours within a class and \
             has no Theiler window; use theiler = 0, or give Y as floats to treat it as continuous",
            p.theiler
        );
        Ross::params()
            .k(p.k)
            .normalize(p.normalize)
            .noise(p.noise)
            .seed(p.seed)
            .search(p.search)
            .check()
    }

    /// Validate the samples (and `k` against them) for a set of paired variables.
    fn check_inputs(&self, vars: &[(&'static str, ArrayView2<'_, f64>)]) -> Result<usize> {
        for &(name, v) in vars {
            check_matrix(name, v, 2)?;
        }
        let (first, v0) = vars[0];
        for &(name, v) in &vars[1..] {
            check_same_rows(first, v0.nrows(), name, v.nrows())?;
        }
        let n = v0.nrows();
        check_k_window(self.params.k, n, self.params.theiler)?;
        check_scale(self.params.normalize, self.params.noise, vars)?;
        Ok(n)
    }

    /// Z-score and/or add noise to the variables, in order, from one seeded stream, then break
    /// ties under [`Ties`]; also the number of columns jittered.
    pub(crate) fn prepare_all(&self, vars: &[ArrayView2<'_, f64>]) -> (Vec<Array2<f64>>, usize) {
        let mut rng = stream(self.params.seed);
        let mut jittered = 0;
        let out = vars
            .iter()
            .map(|v| {
                let (prepared, j) = self.prepare_one(*v, &mut rng);
                jittered += j;
                prepared.into_owned()
            })
            .collect();
        (out, jittered)
    }

    /// One variable as searched, with `rng` the noise stream advanced past the variables
    /// before it; also the number of columns jittered.
    pub(crate) fn prepare_one<'a>(
        &self,
        v: ArrayView2<'a, f64>,
        rng: &mut rand_xoshiro::Xoshiro256PlusPlus,
    ) -> (ndarray::CowArray<'a, f64, ndarray::Ix2>, usize) {
        let p = self.params;
        let prepared = prepare(v, p.normalize, p.noise, rng);
        break_ties(prepared, p.ties, p.seed)
    }

    pub(crate) fn mi_locals(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
    ) -> Result<Locals> {
        self.check_inputs(&[("x", x), ("y", y)])?;
        let search = self.params.search;
        let mut rng = stream(self.params.seed);
        let (px, jx) = self.prepare_one(x, &mut rng);
        let (py, jy) = self.prepare_one(y, &mut rng);
        let xi = NeighborIndex::new(px.view(), search)?;
        let yi = NeighborIndex::new(py.view(), search)?;
        let mut locals = self.mi_core(
            px.view(),
            py.view(),
            &xi,
            Marginal::Direct(&yi),
            &psi_table(x.nrows()),
        )?;
        locals.jittered = jx + jy;
        Ok(locals)
    }

    /// MI locals from prepared, validated variables and their marginal indices (shared by the
    /// batch and surrogate entry points); `psi[m] = ψ(m)` for `m ≤ n` ([`psi_table`]).
    pub(crate) fn mi_core(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        xi: &NeighborIndex,
        yi: Marginal<'_>,
        psi: &[f64],
    ) -> Result<Locals> {
        let (k, w, n) = (self.params.k, self.params.theiler, x.nrows());
        let joint = join(&[x, y])?;
        // ψ(M_i + 1) with M_i the candidates of sample i (ψ(N) without a window).
        let base = |i: usize| psi[candidates(i, n, w) + 1];
        let ji = NeighborIndex::new(joint.view(), self.params.search)?;
        match self.params.algorithm {
            KsgAlgorithm::One => {
                let kth = ji.kth_distances(k, w)?;
                let radii = counting_radii(&kth.distances);
                let nx = xi.count_within(&radii, true, w)?;
                let ny = yi.count_within(&radii, true, w)?;
                let kk = effective_k(&ji, &kth.distances, k, w)?;
                let values = (0..n)
                    .map(|i| psi[kk[i]] + base(i) - psi[nx[i] + 1] - psi[ny[i] + 1])
                    .collect();
                Ok(tally(values, &kth.distances, &kth.tied))
            }
            KsgAlgorithm::Two => {
                let nn = ji.nearest(k, w)?;
                let extent = |a: ArrayView2<'_, f64>, i: usize| {
                    nn.of(i)
                        .iter()
                        .fold(0.0_f64, |m, &j| m.max(row_distance(a, i, j)))
                };
                let ex: Vec<f64> = (0..n).map(|i| extent(x, i)).collect();
                let ey: Vec<f64> = (0..n).map(|i| extent(y, i)).collect();
                let eps: Vec<f64> = ex.iter().zip(&ey).map(|(a, b)| a.max(*b)).collect();
                let nx = xi.count_within(&ex, false, w)?;
                let ny = yi.count_within(&ey, false, w)?;
                let kk = effective_k(&ji, &eps, k, w)?;
                // A zero marginal extent (constant or discrete marginal) breaks the −1/k
                // correction: such samples take algorithm 1's local value at the same ε_i.
                let flat: Vec<bool> = (0..n)
                    .map(|i| eps[i] > 0.0 && (ex[i] == 0.0 || ey[i] == 0.0))
                    .collect();
                let zero_extent = flat.iter().filter(|&&f| f).count();
                let (nx1, ny1) = if zero_extent > 0 {
                    let radii: Vec<f64> =
                        (0..n).map(|i| if flat[i] { eps[i] } else { 0.0 }).collect();
                    (
                        xi.count_within(&radii, true, w)?,
                        yi.count_within(&radii, true, w)?,
                    )
                } else {
                    (Vec::new(), Vec::new())
                };
                let kf = k as f64;
                let values = (0..n)
                    .map(|i| {
                        if eps[i] == 0.0 {
                            // Gao et al.: the counts at radius 0 include the duplicates.
                            psi[kk[i]] + base(i) - psi[nx[i] + 1] - psi[ny[i] + 1]
                        } else if flat[i] {
                            psi[k] + base(i) - psi[nx1[i] + 1] - psi[ny1[i] + 1]
                        } else {
                            psi[k] - 1.0 / kf + base(i) - psi[nx[i]] - psi[ny[i]]
                        }
                    })
                    .collect();
                let mut locals = tally(values, &eps, &nn.tied);
                locals.zero_extent = zero_extent;
                Ok(locals)
            }
        }
    }

    pub(crate) fn cmi_locals(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        z: ArrayView2<'_, f64>,
    ) -> Result<Locals> {
        self.check_inputs(&[("x", x), ("y", y), ("z", z)])?;
        ensure_param!(
            self.params.algorithm == KsgAlgorithm::One,
            "algorithm",
            "conditional MI is defined for KSG algorithm 1 only (Frenzel & Pompe 2007 extend \
             algorithm 1; there is no published conditional form of algorithm 2)"
        );
        let (k, w, n, search) = (
            self.params.k,
            self.params.theiler,
            x.nrows(),
            self.params.search,
        );
        let (p, jittered) = self.prepare_all(&[x, y, z]);
        let (x, y, z) = (p[0].view(), p[1].view(), p[2].view());
        let ji = NeighborIndex::new(join(&[x, y, z])?.view(), search)?;
        let kth = ji.kth_distances(k, w)?;
        let radii = counting_radii(&kth.distances);
        let nxz =
            NeighborIndex::new(join(&[x, z])?.view(), search)?.count_within(&radii, true, w)?;
        let nyz =
            NeighborIndex::new(join(&[y, z])?.view(), search)?.count_within(&radii, true, w)?;
        let nz = NeighborIndex::new(z, search)?.count_within(&radii, true, w)?;
        let kk = effective_k(&ji, &kth.distances, k, w)?;
        let psi = psi_table(n);
        let values = (0..n)
            .map(|i| psi[kk[i]] - psi[nxz[i] + 1] - psi[nyz[i] + 1] + psi[nz[i] + 1])
            .collect();
        let mut locals = tally(values, &kth.distances, &kth.tied);
        locals.jittered = jittered;
        Ok(locals)
    }

    /// Wrap locals into an [`Estimate`] with the diagnostics and warnings.
    fn finish(&self, locals: &Locals, quantity: Quantity) -> Estimate {
        let n = locals.values.len();
        let config = serde_json::to_value(self.params).unwrap_or_default();
        let zero_fraction = locals.zeros as f64 / n as f64;
        let tied_fraction = locals.tied as f64 / n as f64;
        let mut est = Estimate::new(locals.mean(), quantity, METHOD, n, config)
            .with_diagnostic("algorithm", u8::from(self.params.algorithm))
            .with_diagnostic("k", self.params.k)
            .with_diagnostic("theiler", self.params.theiler)
            .with_diagnostic("zero_distance_fraction", zero_fraction)
            .with_diagnostic("tied_distance_fraction", tied_fraction)
            .with_diagnostic("jittered_columns", locals.jittered);
        if self.params.algorithm == KsgAlgorithm::Two {
            est = est.with_diagnostic("zero_extent_fraction", locals.zero_extent as f64 / n as f64);
        }
        if locals.jittered > 0 {
            est = est.with_warning(format!(
                "{} column(s) held repeated values (ties): each got seeded Gaussian jitter of \
                 {TIE_JITTER:e} × its standard deviation before the search (ties = \"jitter\", \
                 which leaves the MI unchanged and keeps KSG near the MI of the tied values; \
                 ties = \"gao\" keeps them)",
                locals.jittered
            ));
        }
        if locals.zero_extent > 0 {
            est = est.with_warning(format!(
                "{} of {n} samples have a zero marginal extent (a constant or discrete \
                 marginal): algorithm 2's −1/k correction does not hold there, so they take \
                 algorithm 1's local value",
                locals.zero_extent
            ));
        }
        if locals.zeros > 0 {
            est = est.with_warning(format!(
                "{} of {n} samples ({:.2}%) have a zero k-th neighbour distance (exact \
                 duplicates); their local values use the Gao et al. (2017) rule (the number of \
                 duplicates, the sample included, in place of k). For mostly discrete data \
                 prefer the plug-in estimator",
                locals.zeros,
                100.0 * zero_fraction
            ));
        }
        if self.params.algorithm == KsgAlgorithm::Two && locals.tied > locals.zeros {
            est = est.with_warning(format!(
                "{} of {n} samples have a tied k-th neighbour distance: algorithm 2's neighbour \
                 set, and so the estimate, depends on the tie-break (lower sample index first)",
                locals.tied - locals.zeros
            ));
        }
        est
    }
}

/// `ψ(m)` for `m = 0..=n` (entry 0 is never used): every count a KSG local needs is at most
/// `n`, so one table replaces two or three digamma evaluations per sample (and is shared by all
/// pairs of a batch). The entries are the same [`digamma`] values, so results do not change.
pub(crate) fn psi_table(n: usize) -> Vec<f64> {
    use rayon::prelude::*;
    let psi = |m: usize| if m == 0 { f64::NAN } else { digamma(m as f64) };
    if n < PARALLEL_MIN {
        (0..=n).map(psi).collect()
    } else {
        (0..=n).into_par_iter().map(psi).collect()
    }
}

/// Below this many samples, small setup steps run on one thread (rayon's overhead would
/// dominate); the results are the same either way.
pub(crate) const PARALLEL_MIN: usize = 16_384;

/// Radii for strict counting: `ε_i`, or [`ZERO_RADIUS`] where `ε_i = 0`, so that a strict
/// count there counts the exact duplicates (Gao et al.).
pub(crate) fn counting_radii(eps: &[f64]) -> Vec<f64> {
    eps.iter()
        .map(|&e| if e == 0.0 { ZERO_RADIUS } else { e })
        .collect()
}

/// `k` for every sample, or where `ε_i = 0` the number of samples at distance zero in the
/// joint space *counting sample `i` itself* (Gao et al. 2017's `k̃_i`).
pub(crate) fn effective_k(
    joint: &NeighborIndex,
    eps: &[f64],
    k: usize,
    w: usize,
) -> Result<Vec<usize>> {
    if eps.iter().all(|&e| e > 0.0) {
        return Ok(vec![k; eps.len()]);
    }
    let radii: Vec<f64> = eps
        .iter()
        .map(|&e| if e == 0.0 { ZERO_RADIUS } else { 0.0 })
        .collect();
    let dup = joint.count_within(&radii, true, w)?;
    Ok(eps
        .iter()
        .zip(dup)
        .map(|(&e, d)| if e == 0.0 { d + 1 } else { k })
        .collect())
}

/// Count zero and tied distances alongside the locals.
pub(crate) fn tally(values: Vec<f64>, eps: &[f64], tied: &[bool]) -> Locals {
    let zeros = eps.iter().filter(|&&e| e == 0.0).count();
    let tied = eps
        .iter()
        .zip(tied)
        .filter(|&(&e, &t)| e == 0.0 || t)
        .count();
    Locals {
        values,
        zeros,
        tied,
        zero_extent: 0,
        jittered: 0,
    }
}

/// The candidate neighbours of sample `i` of `n` under a Theiler window `w`: the other samples
/// outside `|i − j| ≤ w` (`n − 1` without a window).
pub(crate) fn candidates(i: usize, n: usize, w: usize) -> usize {
    let excluded = i.min(w) + (n - 1 - i).min(w);
    n - 1 - excluded
}

impl MutualInformation for Ksg {
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate> {
        let locals = self.mi_locals(x, y)?;
        Ok(self.finish(&locals, Quantity::MutualInformation))
    }

    /// Keeps X's and Y's neighbour indices; each reordering builds only the joint index. With
    /// added noise (which is drawn per row) every reordering re-runs the estimator.
    fn prepare_reordering<'a>(
        &'a self,
        x: ArrayView2<'a, f64>,
        y: ArrayView2<'a, f64>,
    ) -> Result<Box<dyn ReorderedMi + 'a>> {
        self.check_inputs(&[("x", x), ("y", y)])?;
        match ReorderedKsg::new(self, x, y)? {
            Some(prepared) => Ok(Box::new(prepared)),
            None => Ok(Box::new(Rerun {
                estimator: self,
                x,
                y,
            })),
        }
    }
}

impl ConditionalMutualInformation for Ksg {
    fn estimate_conditional(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        z: ArrayView2<'_, f64>,
    ) -> Result<Estimate> {
        let locals = self.cmi_locals(x, y, z)?;
        Ok(self.finish(&locals, Quantity::ConditionalMutualInformation))
    }
}
