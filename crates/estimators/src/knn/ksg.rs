//! [`Ksg`]: the Kraskov–Stögbauer–Grassberger mutual-information estimator (algorithms 1 and 2)
//! and its conditional form (Frenzel & Pompe 2007).

use ndarray::{Array2, ArrayView2, Axis, concatenate};
use serde::{Deserialize, Serialize};

use super::prepare::{Noise, prepare, stream};
use super::reorder::{Marginal, ReorderedKsg};
use super::{NeighborIndex, SearchMethod, check_k_window};
use crate::error::{EstimatorError, Result, ensure_param};
use crate::estimate::{Estimate, Quantity};
use crate::special::digamma;
use crate::traits::{ConditionalMutualInformation, MutualInformation, ReorderedMi, Rerun};
use crate::validate::{check_matrix, check_same_rows};

/// The smallest positive `f64`. For a distance `d ≥ 0`, `d < ZERO_RADIUS` holds exactly when
/// `d == 0`, so a strict count with this radius counts exact duplicates (no epsilon).
pub(crate) const ZERO_RADIUS: f64 = f64::from_bits(1);

/// Which KSG estimator (Kraskov, Stögbauer & Grassberger 2004, eqs. 8 and 9). Serialised as
/// the number `1` or `2`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum KsgAlgorithm {
    /// Algorithm 1: one radius, the max-norm distance to the k-th neighbour; strict counts.
    #[default]
    One,
    /// Algorithm 2: per-marginal radii, the extents of the k nearest neighbours; non-strict
    /// counts. Lower bias at large MI, slightly higher variance.
    Two,
}

impl From<KsgAlgorithm> for u8 {
    fn from(a: KsgAlgorithm) -> Self {
        match a {
            KsgAlgorithm::One => 1,
            KsgAlgorithm::Two => 2,
        }
    }
}

impl TryFrom<u8> for KsgAlgorithm {
    type Error = EstimatorError;

    fn try_from(v: u8) -> Result<Self> {
        match v {
            1 => Ok(Self::One),
            2 => Ok(Self::Two),
            other => Err(EstimatorError::InvalidParameter {
                name: "algorithm",
                reason: format!("unknown KSG algorithm {other}; expected 1 or 2"),
            }),
        }
    }
}

/// Unchecked parameters of [`Ksg`]. Defaults: `k = 3` (NPEET's and scikit-learn's default,
/// SPEC.md §1.3), algorithm 1, Theiler window 0 (each point excludes only itself),
/// `normalize = false`, `noise = None`, `seed = 0` (used only with noise), `search = Auto`.
/// [`KsgParams::jidt_compatible`] sets JIDT's defaults: z-scoring and Gaussian noise of
/// standard deviation 1e-8 (JIDT's `NOISE_LEVEL_TO_ADD`, after MILCA).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KsgParams {
    /// The number of neighbours (≥ 1).
    pub k: usize,
    /// Algorithm 1 or 2.
    pub algorithm: KsgAlgorithm,
    /// Theiler window `w`: samples `j` with `|i − j| ≤ w` are never neighbours of sample `i`
    /// (for time series whose neighbouring samples are correlated). `0`: only `i` itself.
    pub theiler: usize,
    /// z-score every column before the search.
    pub normalize: bool,
    /// Noise added to break ties (after z-scoring).
    pub noise: Noise,
    /// Seed of the noise stream.
    pub seed: u64,
    /// The neighbour-search backend (results are identical for all).
    pub search: SearchMethod,
}

impl Default for KsgParams {
    fn default() -> Self {
        Self {
            k: 3,
            algorithm: KsgAlgorithm::One,
            theiler: 0,
            normalize: false,
            noise: Noise::None,
            seed: 0,
            search: SearchMethod::Auto,
        }
    }
}

impl KsgParams {
    /// Set the number of neighbours.
    #[must_use]
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Choose algorithm 1 or 2.
    #[must_use]
    pub fn algorithm(mut self, algorithm: KsgAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Set the Theiler window.
    #[must_use]
    pub fn theiler(mut self, w: usize) -> Self {
        self.theiler = w;
        self
    }

    /// z-score every column before the search.
    #[must_use]
    pub fn normalize(mut self, normalize: bool) -> Self {
        self.normalize = normalize;
        self
    }

    /// Add noise before the search (off by default).
    #[must_use]
    pub fn noise(mut self, noise: Noise) -> Self {
        self.noise = noise;
        self
    }

    /// Seed of the noise stream.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// JIDT's defaults: z-scoring and Gaussian noise of standard deviation 1e-8.
    #[must_use]
    pub fn jidt_compatible(self) -> Self {
        self.normalize(true).noise(Noise::Gaussian { std: 1e-8 })
    }

    /// Force a neighbour-search backend.
    #[must_use]
    pub fn search(mut self, search: SearchMethod) -> Self {
        self.search = search;
        self
    }

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `k` for `k = 0`, or `noise` for a noise
    /// level that is not finite and positive.
    pub fn check(self) -> Result<Ksg> {
        ensure_param!(self.k >= 1, "k", "k must be at least 1, got {}", self.k);
        if let Noise::Gaussian { std } = self.noise {
            ensure_param!(
                std.is_finite() && std > 0.0,
                "noise",
                "the noise standard deviation must be finite and > 0, got {std}"
            );
        }
        Ok(Ksg { params: self })
    }
}

/// The Kraskov–Stögbauer–Grassberger estimator of I(X;Y) and, with algorithm 1, of I(X;Y|Z)
/// (Frenzel & Pompe 2007), in nats. SPEC.md §1.3.
///
/// With $\varepsilon_i$ the max-norm distance from $z_i = (x_i, y_i)$ to its $k$-th nearest
/// neighbour (points inside the Theiler window excluded):
///
/// - **Algorithm 1** (eq. 8): $n_x(i) = \#\{j : \lVert x_i - x_j \rVert_\infty < \varepsilon_i\}$
///   (strictly less), likewise $n_y$, and
///   $\hat I = \psi(k) + \psi(N) - \langle \psi(n_x + 1) + \psi(n_y + 1) \rangle$.
/// - **Algorithm 2** (eq. 9): $\varepsilon_x(i)$, $\varepsilon_y(i)$ are the largest marginal
///   distances among the $k$ nearest neighbours (ties in the joint distance broken by the
///   lower sample index), $n_x(i) = \#\{j : \lVert x_i - x_j \rVert_\infty \le
///   \varepsilon_x(i)\}$, and $\hat I = \psi(k) - 1/k + \psi(N) - \langle \psi(n_x) +
///   \psi(n_y) \rangle$.
/// - **Conditional** (algorithm 1 only; the space is $(x, y, z)$):
///   $\hat I(X;Y|Z) = \psi(k) - \langle \psi(n_{xz}+1) + \psi(n_{yz}+1) - \psi(n_z+1) \rangle$.
///
/// Counting is exact (no epsilon shrink, no added noise unless asked for).
///
/// **Zero distances.** Where $\varepsilon_i = 0$ (at least $k$ exact duplicates of sample $i$
/// in the joint space: discrete, saturated or rounded data) the formulas above are
/// meaningless. Such samples follow Gao, Kannan, Oh & Viswanath (NeurIPS 2017): $k$ is
/// replaced by $\tilde k_i$, the number of samples at distance zero, and the marginal counts
/// include the points at distance zero ($\le 0$); e.g. for MI the local value is
/// $\psi(\tilde k_i) + \psi(N) - \psi(n_x(i)+1) - \psi(n_y(i)+1)$. On purely discrete data
/// this approaches the plug-in estimate. The fraction of such samples is the diagnostic
/// `zero_distance_fraction`, with a warning.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ksg {
    params: KsgParams,
}

/// Per-sample results of one KSG evaluation.
#[derive(Debug, Clone)]
pub(crate) struct Locals {
    /// Local values in nats.
    pub(crate) values: Vec<f64>,
    /// Samples whose k-th neighbour distance is zero.
    pub(crate) zeros: usize,
    /// Samples whose k-th neighbour distance is tied or zero.
    pub(crate) tied: usize,
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
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> KsgParams {
        KsgParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> KsgParams {
        self.params
    }

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
        Ok(n)
    }

    /// Z-score and/or jitter the variables, in order, from one seeded stream.
    pub(crate) fn prepare_all(&self, vars: &[ArrayView2<'_, f64>]) -> Vec<Array2<f64>> {
        let mut rng = stream(self.params.seed);
        vars.iter()
            .map(|v| prepare(*v, self.params.normalize, self.params.noise, &mut rng).into_owned())
            .collect()
    }

    pub(crate) fn mi_locals(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
    ) -> Result<Locals> {
        self.check_inputs(&[("x", x), ("y", y)])?;
        let search = self.params.search;
        if !self.params.normalize && self.params.noise == Noise::None {
            let xi = NeighborIndex::new(x, search)?;
            let yi = NeighborIndex::new(y, search)?;
            return self.mi_core(x, y, &xi, Marginal::Direct(&yi), &psi_table(x.nrows()));
        }
        let p = self.prepare_all(&[x, y]);
        let xi = NeighborIndex::new(p[0].view(), search)?;
        let yi = NeighborIndex::new(p[1].view(), search)?;
        self.mi_core(
            p[0].view(),
            p[1].view(),
            &xi,
            Marginal::Direct(&yi),
            &psi_table(x.nrows()),
        )
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
        let base = digamma(n as f64);
        let ji = NeighborIndex::new(joint.view(), self.params.search)?;
        match self.params.algorithm {
            KsgAlgorithm::One => {
                let kth = ji.kth_distances(k, w)?;
                let radii = counting_radii(&kth.distances);
                let nx = xi.count_within(&radii, true, w)?;
                let ny = yi.count_within(&radii, true, w)?;
                let kk = effective_k(&ji, &kth.distances, k, w)?;
                let values = (0..n)
                    .map(|i| psi[kk[i]] + base - psi[nx[i] + 1] - psi[ny[i] + 1])
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
                let kf = k as f64;
                let values = (0..n)
                    .map(|i| {
                        if eps[i] == 0.0 {
                            // Gao et al.: the counts at radius 0 include the duplicates.
                            psi[kk[i]] + base - psi[nx[i] + 1] - psi[ny[i] + 1]
                        } else {
                            psi[k] - 1.0 / kf + base - psi[nx[i]] - psi[ny[i]]
                        }
                    })
                    .collect();
                Ok(tally(values, &eps, &nn.tied))
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
        let p = self.prepare_all(&[x, y, z]);
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
        Ok(tally(values, &kth.distances, &kth.tied))
    }

    /// Wrap locals into an [`Estimate`] with the diagnostics and warnings.
    fn finish(&self, locals: &Locals, quantity: Quantity) -> Estimate {
        let n = locals.values.len();
        let config = serde_json::to_value(self.params).unwrap_or_default();
        let zero_fraction = locals.zeros as f64 / n as f64;
        let tied_fraction = locals.tied as f64 / n as f64;
        let mut est = Estimate::new(locals.mean(), quantity, "ksg", n, config)
            .with_diagnostic("algorithm", u8::from(self.params.algorithm))
            .with_diagnostic("k", self.params.k)
            .with_diagnostic("theiler", self.params.theiler)
            .with_diagnostic("zero_distance_fraction", zero_fraction)
            .with_diagnostic("tied_distance_fraction", tied_fraction);
        if locals.zeros > 0 {
            est = est.with_warning(format!(
                "{} of {n} samples ({:.2}%) have a zero k-th neighbour distance (exact \
                 duplicates); their local values use the Gao et al. (2017) rule (the number of \
                 duplicates in place of k). For mostly discrete data prefer the plug-in \
                 estimator",
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

/// `k` for every sample, or the number of exact duplicates in the joint space where `ε_i = 0`.
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
        .map(|(&e, d)| if e == 0.0 { d } else { k })
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
    }
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
