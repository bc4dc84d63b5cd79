//! [`Ross`]: the nearest-neighbour estimator of I(X;Y) between a continuous X and a discrete Y
//! (class labels), Ross, "Mutual information between discrete and continuous data sets",
//! PLoS ONE 9(2): e87357 (2014).

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::ksg::psi_table;
use super::prepare::{Noise, check_scale, prepare, stream};
use super::{NeighborIndex, SearchMethod};
use crate::discrete::symbols::ids_of_rows;
use crate::error::{EstimatorError, Result, ensure_param};
use crate::estimate::{Estimate, Quantity};
use crate::spec::symbols;
use crate::traits::MutualInformation;
use crate::validate::{check_matrix, check_same_rows};

/// The method's name in estimates and specifications.
pub(crate) const METHOD: &str = "ross";

/// Unchecked parameters of [`Ross`]. Defaults as [`super::KsgParams`]: `k = 3` (Ross 2014
/// uses k = 3 throughout; NPEET's and scikit-learn's default too), `normalize = false`,
/// `noise = None`, `seed = 0` (used only with noise), `search = Auto`. There is no Theiler
/// window: neighbours are searched within a class, where sample order has no meaning.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RossParams {
    /// The number of same-class neighbours (≥ 1).
    pub k: usize,
    /// z-score every column of X before the search (Y, the labels, is never transformed).
    pub normalize: bool,
    /// Noise added to X to break ties (after z-scoring); also given as its standard deviation.
    #[serde(deserialize_with = "crate::spec::compact_noise")]
    pub noise: Noise,
    /// Seed of the noise stream.
    pub seed: u64,
    /// The neighbour-search backend (results are identical for all).
    pub search: SearchMethod,
}

impl Default for RossParams {
    fn default() -> Self {
        Self {
            k: 3,
            normalize: false,
            noise: Noise::None,
            seed: 0,
            search: SearchMethod::Auto,
        }
    }
}

impl RossParams {
    super::hyperparams::neighbour_setters!();

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `k` for `k = 0`, or `noise` for a noise
    /// level that is not finite and positive.
    pub fn check(self) -> Result<Ross> {
        ensure_param!(self.k >= 1, "k", "k must be at least 1, got {}", self.k);
        super::hyperparams::check_noise(self.noise)?;
        Ok(Ross { params: self })
    }
}

/// Ross's kNN estimator of I(X;Y) for a continuous X (`n × d`) and a discrete Y (integer class
/// labels; several columns form one joint label, one per distinct row), in nats.
///
/// For sample $i$ with label $c_i$: $N_{c_i}$ is the number of samples with that label,
/// $d_i$ the max-norm distance from $x_i$ to its $k$-th nearest neighbour among the *other
/// samples of its class*, and $m_i$ the number of other samples of *any* class within
/// $\lVert x_i - x_j \rVert_\infty \le d_i$ (so $m_i \ge k$). Then (Ross 2014, eq. 2)
///
/// $$\hat I = \psi(N) - \langle \psi(N_{c_i}) \rangle + \psi(k) - \langle \psi(m_i) \rangle .$$
///
/// The value depends on the labels only through which samples share one: renumbering the
/// classes gives the bit-identical estimate. SPEC.md §1.3 rules out KSG on a class index
/// read as a number; this is the estimator to use instead.
///
/// **Edge rules** (each reported as a diagnostic, with a warning):
///
/// - *Singleton classes.* A class with one sample has no same-class neighbour: its samples
///   are dropped before anything else (z-scoring, noise), and $N$ counts the samples kept
///   (diagnostic `dropped_singletons`). When every class is a singleton nothing is left:
///   [`EstimatorError::OutOfRange`] named `y`.
/// - *Small classes.* A class with $2 \le N_c \le k$ uses $k_i = N_c - 1$ for its samples,
///   in place of $k$ in $d_i$ and $\psi(k)$ (diagnostic `small_class_samples`). `k` must be
///   below the size of the largest class, so that at least one class uses $k$ itself.
/// - *Exact ties in X* ($d_i = 0$: at least $k_i$ same-class duplicates of $x_i$). The local
///   value is the Grassberger ψ form of the plug-in MI on the duplicate group,
///   $\psi(N) - \psi(N_{c_i}) + \psi(\tilde k_i + 1) - \psi(m_i + 1)$, with $\tilde k_i$ the
///   number of same-class duplicates and $m_i$ the number of duplicates of any class (both
///   excluding $i$): finite, 0 for a constant X (every term cancels),
///   and the plug-in estimate in the limit of purely discrete X, as the Gao et al. (2017)
///   rule of [`super::Ksg`]. Diagnostic `zero_distance_fraction`.
///
/// Counting is exact (no epsilon shrink, no added noise unless asked for).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ross {
    pub(crate) params: RossParams,
}

/// Per-sample results of one evaluation.
#[derive(Debug, Clone)]
pub(crate) struct RossLocals {
    /// Local values in nats, one per kept sample, in sample order.
    pub(crate) values: Vec<f64>,
    /// Samples dropped as the only member of their class.
    dropped: usize,
    /// Kept samples whose class has at most `k` samples.
    small: usize,
    /// Samples with `d_i = 0`.
    zeros: usize,
    /// Samples whose `k`-th same-class distance is tied (or zero).
    tied: usize,
    /// Classes kept.
    classes: usize,
}

impl Ross {
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> RossParams {
        RossParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> RossParams {
        self.params
    }

    /// The local (pointwise) values of I(X;Y) in nats, one per *kept* sample in sample order
    /// (samples of singleton classes have none); their mean is the estimate.
    ///
    /// # Errors
    /// As [`MutualInformation::estimate`].
    pub fn local_values(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        Ok(self.locals(x, y)?.values)
    }

    /// Validate `x` and `y`, read `y` as labels and compute the local values.
    pub(crate) fn locals(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
    ) -> Result<RossLocals> {
        check_matrix("x", x, 2)?;
        check_matrix("y", y, 2)?;
        check_same_rows("x", x.nrows(), "y", y.nrows())?;
        let ids = ids_of_rows(symbols("y", y)?.view());
        self.locals_of_ids(x, &ids.ids, ids.n_symbols)
    }

    /// The local values for dense class ids `ids` (`0..n_classes`).
    fn locals_of_ids(
        &self,
        x: ArrayView2<'_, f64>,
        ids: &[u32],
        n_classes: usize,
    ) -> Result<RossLocals> {
        let k = self.params.k;
        let mut size = vec![0_usize; n_classes];
        for &c in ids {
            size[c as usize] += 1;
        }
        // Singletons go first: the estimate is that of the samples kept.
        let kept: Vec<usize> = (0..ids.len())
            .filter(|&i| size[ids[i] as usize] >= 2)
            .collect();
        if kept.is_empty() {
            return Err(EstimatorError::OutOfRange {
                argument: "y",
                detail: format!(
                    "each of the {} samples is the only one of its class, so no sample has a \
                     same-class neighbour: the discrete–continuous kNN estimate needs classes \
                     of at least 2 samples",
                    ids.len()
                ),
            });
        }
        let largest = size.iter().copied().max().unwrap_or(0);
        ensure_param!(
            k < largest,
            "k",
            "k = {k}: needs k below the size of the largest class ({largest} samples), so that \
             some sample has k same-class neighbours"
        );
        check_scale(self.params.normalize, self.params.noise, &[("x", x)])?;
        let kept_x = x.select(Axis(0), &kept);
        let searched = prepare(
            kept_x.view(),
            self.params.normalize,
            self.params.noise,
            &mut stream(self.params.seed),
        );
        let n = kept.len();
        // Positions (in the kept samples) of each class, in sample order.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
        for (p, &i) in kept.iter().enumerate() {
            members[ids[i] as usize].push(p);
        }
        let mut per = PerSample::new(n, k);
        for rows in members.iter().filter(|r| !r.is_empty()) {
            per.fill_class(searched.view(), rows, k, self.params.search)?;
        }
        // m_i: every other kept sample within d_i (≤), duplicates included where d_i = 0.
        let m = NeighborIndex::new(searched.view(), self.params.search)?.count_within(
            &per.distance,
            false,
            0,
        )?;
        let psi = psi_table(n);
        let base = psi[n];
        let values = (0..n)
            .map(|p| {
                let nc = psi[size[ids[kept[p]] as usize]];
                if per.distance[p] == 0.0 {
                    base - nc + psi[per.k[p] + 1] - psi[m[p] + 1]
                } else {
                    base - nc + psi[per.k[p]] - psi[m[p]]
                }
            })
            .collect();
        let zeros = per.distance.iter().filter(|&&d| d == 0.0).count();
        Ok(RossLocals {
            values,
            dropped: ids.len() - n,
            small: (0..n).filter(|&p| size[ids[kept[p]] as usize] <= k).count(),
            zeros,
            tied: per.tied,
            classes: members.iter().filter(|r| !r.is_empty()).count(),
        })
    }

    /// Wrap locals into an [`Estimate`] with the diagnostics and warnings.
    pub(crate) fn finish(&self, locals: &RossLocals) -> Estimate {
        let n = locals.values.len();
        let mean = locals.values.iter().sum::<f64>() / n as f64;
        let config = serde_json::to_value(self.params).unwrap_or_default();
        let zero_fraction = locals.zeros as f64 / n as f64;
        let mut est = Estimate::new(mean, Quantity::MutualInformation, METHOD, n, config)
            .with_diagnostic("k", self.params.k)
            .with_diagnostic("n_classes", locals.classes)
            .with_diagnostic("dropped_singletons", locals.dropped)
            .with_diagnostic("small_class_samples", locals.small)
            .with_diagnostic("zero_distance_fraction", zero_fraction)
            .with_diagnostic("tied_distance_fraction", locals.tied as f64 / n as f64);
        if locals.dropped > 0 {
            est = est.with_warning(format!(
                "{} samples are the only one of their class and were dropped (no same-class \
                 neighbour); the estimate uses the other {n}",
                locals.dropped
            ));
        }
        if locals.small > 0 {
            est = est.with_warning(format!(
                "{} samples belong to classes of at most k = {} samples; they use k_i = N_c − 1 \
                 same-class neighbours",
                locals.small, self.params.k
            ));
        }
        if locals.zeros > 0 {
            est = est.with_warning(format!(
                "{} of {n} samples ({:.2}%) have a zero distance to their k-th same-class \
                 neighbour (exact duplicates in X); their local values use the plug-in rule on \
                 the duplicates",
                locals.zeros,
                100.0 * zero_fraction
            ));
        }
        est
    }
}

/// The per-sample neighbour facts of the kept samples: `d_i`, `k_i` (or the number of
/// same-class duplicates where `d_i = 0`) and how many `d_i` are tied.
struct PerSample {
    distance: Vec<f64>,
    k: Vec<usize>,
    tied: usize,
}

impl PerSample {
    fn new(n: usize, k: usize) -> Self {
        Self {
            distance: vec![0.0; n],
            k: vec![k; n],
            tied: 0,
        }
    }

    /// Fill in the samples at positions `rows` (one class, at least 2 samples) of `x`.
    fn fill_class(
        &mut self,
        x: ArrayView2<'_, f64>,
        rows: &[usize],
        k: usize,
        search: SearchMethod,
    ) -> Result<()> {
        let k_class = k.min(rows.len() - 1);
        let class_x: Array2<f64> = x.select(Axis(0), rows);
        let index = NeighborIndex::new(class_x.view(), search)?;
        let kth = index.kth_distances(k_class, 0)?;
        let dups = if kth.distances.contains(&0.0) {
            Some(index.count_within(&vec![0.0; rows.len()], false, 0)?)
        } else {
            None
        };
        for (j, &p) in rows.iter().enumerate() {
            let d = kth.distances[j];
            self.distance[p] = d;
            self.k[p] = match (&dups, d == 0.0) {
                (Some(dups), true) => dups[j],
                _ => k_class,
            };
            self.tied += usize::from(d == 0.0 || kth.tied[j]);
        }
        Ok(())
    }
}

impl MutualInformation for Ross {
    /// Ross's estimate of I(X;Y) with `y` read as integer labels.
    ///
    /// # Errors
    /// [`EstimatorError::Empty`], [`EstimatorError::TooFewSamples`] (fewer than 2 rows) or
    /// [`EstimatorError::NonFinite`] for `x` or `y`; [`EstimatorError::ShapeMismatch`] for
    /// unpaired rows; [`EstimatorError::NotInteger`] for a label that is not an integer;
    /// [`EstimatorError::OutOfRange`] named `y` when every class has a single sample;
    /// [`EstimatorError::InvalidParameter`] named `k` unless `k` is below the size of the
    /// largest class.
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate> {
        let locals = self.locals(x, y)?;
        Ok(self.finish(&locals))
    }
}
