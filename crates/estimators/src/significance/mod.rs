//! Significance and uncertainty for any mutual-information estimator: surrogate-data null
//! distributions with p-values, Benjamini–Hochberg false-discovery control for batches, and
//! bootstrap percentile confidence intervals.
//!
//! Brief overview: [`surrogate_test`] estimates I(X;Y) once (that value is returned unchanged),
//! then re-estimates it on `n` surrogates in which Y is decoupled from X: shuffled rows
//! ([`Surrogate::Permutation`], for independent samples), or rotated in time
//! ([`Surrogate::CircularShift`]) or cut into blocks that are shuffled
//! ([`Surrogate::BlockShuffle`]), which keep Y's autocorrelation (time series). The p-value is
//! $(1 + \#\{\text{null} \ge \text{observed}\}) / (n + 1)$, never 0, where a null value
//! a rounding error below the observed one counts as equal ([`P_VALUE_TOLERANCE`]). [`bootstrap_ci`] resamples
//! rows with replacement. Surrogate `s` draws from its own stream, seeded from `(seed, s)`, and
//! surrogates run in parallel, so results do not depend on the thread count.
//!
//! Surrogates go through [`MutualInformation::prepare_reordering`], so an estimator keeps what
//! a reordering of Y cannot change (binned symbols, covariance blocks, KSG's marginal indices)
//! and recomputes only the rest; [`surrogate_orders`] gives the row orders used. Batches:
//! [`crate::discrete::Binned::per_unit_test`] tests every unit of a layer with
//! Benjamini–Hochberg q-values, and [`crate::kt::KolchinskyTracey::label_surrogate_test`] tests
//! both Kolchinsky–Tracey I(T;Y) estimates on one pass over the pairwise distances per 32
//! relabelings.

use ndarray::{Array2, ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::budget::{bytes_of, check_memory};
use crate::error::{EstimatorError, Result, ensure_param};
use crate::estimate::Estimate;
use crate::traits::MutualInformation;
use crate::validate::check_same_rows;

/// How Y is decoupled from X in a surrogate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Surrogate {
    /// Shuffle the rows of Y (independent samples).
    Permutation,
    /// Rotate Y by a random shift in `min_shift..=n − min_shift` (time series; keeps Y's
    /// autocorrelation).
    CircularShift {
        /// Smallest shift (≥ 1), e.g. the autocorrelation time.
        min_shift: usize,
    },
    /// Cut Y into consecutive blocks of `block` rows (the last may be shorter) and shuffle the
    /// blocks.
    BlockShuffle {
        /// Block length (≥ 1).
        block: usize,
    },
}

/// The compact spec of a surrogate, as the CLI's `--surrogate` and the Python package's
/// `surrogate=` take it: `permutation`, `circular:MIN` or `block:LEN`. Whether the numbers fit
/// the data is checked by the test that uses it.
impl std::str::FromStr for Surrogate {
    type Err = EstimatorError;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = |reason: String| EstimatorError::InvalidParameter {
            name: "surrogate",
            reason,
        };
        let number = |v: &str| {
            v.parse::<usize>()
                .map_err(|e| bad(format!("{spec:?}: bad number: {e}")))
        };
        match spec.split_once(':') {
            None if spec == "permutation" => Ok(Surrogate::Permutation),
            Some(("circular", v)) => Ok(Surrogate::CircularShift {
                min_shift: number(v)?,
            }),
            Some(("block", v)) => Ok(Surrogate::BlockShuffle { block: number(v)? }),
            _ => Err(bad(format!(
                "unknown surrogate {spec:?}; expected permutation, circular:MIN or block:LEN"
            ))),
        }
    }
}

/// The result of a surrogate test.
#[derive(Clone, Debug, PartialEq)]
pub struct SurrogateTest {
    /// The estimate on the data, exactly as the estimator returns it.
    pub estimate: Estimate,
    /// The surrogate estimates, in nats, in surrogate order.
    pub null: Vec<f64>,
    /// Mean of the null, nats.
    pub null_mean: f64,
    /// Sample standard deviation of the null, nats.
    pub null_std: f64,
    /// `(1 + #{null ≥ observed}) / (n + 1)`, "≥" up to [`P_VALUE_TOLERANCE`] ([`p_value`]).
    pub p_value: f64,
}

/// A bootstrap percentile confidence interval.
#[derive(Clone, Debug, PartialEq)]
pub struct BootstrapCi {
    /// The estimate on the data, exactly as the estimator returns it.
    pub estimate: Estimate,
    /// Lower end, nats.
    pub lower: f64,
    /// Upper end, nats.
    pub upper: f64,
    /// Nominal coverage, e.g. 0.95.
    pub level: f64,
    /// The bootstrap estimates, nats, in resample order.
    pub replicates: Vec<f64>,
}

/// Any function of `(x, y)` returning an estimate, as a [`MutualInformation`] estimator (for
/// testing a composite computation, e.g. binning then plug-in).
#[derive(Clone, Copy, Debug)]
pub struct FromFn<F>(pub F);

impl<F> MutualInformation for FromFn<F>
where
    F: Fn(ArrayView2<'_, f64>, ArrayView2<'_, f64>) -> Result<Estimate>,
{
    fn estimate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<Estimate> {
        (self.0)(x, y)
    }
}

/// The random stream of surrogate or resample `s` under `seed`.
pub(crate) fn stream(seed: u64, s: usize) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed ^ (s as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The row order of one surrogate of an `n`-row Y.
pub(crate) fn surrogate_order(
    kind: Surrogate,
    n: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<usize> {
    match kind {
        Surrogate::Permutation => {
            let mut p: Vec<usize> = (0..n).collect();
            p.shuffle(rng);
            p
        }
        Surrogate::CircularShift { min_shift } => {
            let shift = rng.random_range(min_shift..=n - min_shift);
            (0..n).map(|i| (i + shift) % n).collect()
        }
        Surrogate::BlockShuffle { block } => {
            let mut starts: Vec<usize> = (0..n).step_by(block).collect();
            starts.shuffle(rng);
            starts
                .into_iter()
                .flat_map(|s| s..(s + block).min(n))
                .collect()
        }
    }
}

/// The most surrogates, permutations or bootstrap resamples any test accepts: 10⁶, a p-value
/// resolution of 10⁻⁶, beyond what any false-discovery control needs. Larger counts are
/// refused whatever the memory (the CLI and the analyses validate against the same number).
pub const MAX_SURROGATES: usize = 1_000_000;

/// Refuse a count of surrogates, permutations or resamples above [`MAX_SURROGATES`].
///
/// # Errors
/// [`EstimatorError::InvalidParameter`] named `name`.
pub fn check_count(name: &'static str, count: usize) -> Result<()> {
    ensure_param!(
        count <= MAX_SURROGATES,
        name,
        "{count} is more than the {MAX_SURROGATES} allowed (a p-value resolution of 1e-6 is \
         beyond any false-discovery control); use fewer"
    );
    Ok(())
}

/// Refuse a surrogate that does not fit `n` rows, or a count of 0 or above
/// [`MAX_SURROGATES`].
pub(crate) fn check_surrogate(kind: Surrogate, n: usize, count: usize) -> Result<()> {
    ensure_param!(
        count >= 1,
        "n_surrogates",
        "at least one surrogate is needed"
    );
    check_count("n_surrogates", count)?;
    match kind {
        Surrogate::Permutation => Ok(()),
        Surrogate::CircularShift { min_shift } => {
            ensure_param!(
                min_shift >= 1 && 2 * min_shift <= n,
                "min_shift",
                "a circular shift needs 1 ≤ min_shift ≤ n/2, got {min_shift} with n = {n}"
            );
            Ok(())
        }
        Surrogate::BlockShuffle { block } => {
            ensure_param!(
                block >= 1 && 2 * block <= n,
                "block",
                "a block shuffle needs 1 ≤ block ≤ n/2 (at least two blocks), got {block} with \
                 n = {n}"
            );
            Ok(())
        }
    }
}

/// The estimate on `count` resamplings of the rows, in parallel: replicate `s` takes the rows
/// `rows(stream(seed, s))` of X and Y.
fn resampled<E: MutualInformation + Sync>(
    estimator: &E,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    count: usize,
    seed: u64,
    rows: impl Fn(&mut Xoshiro256PlusPlus) -> Vec<usize> + Sync,
) -> Result<Vec<f64>> {
    (0..count)
        .into_par_iter()
        .map(|s| {
            let order = rows(&mut stream(seed, s));
            let xs: Array2<f64> = x.select(Axis(0), &order);
            let ys: Array2<f64> = y.select(Axis(0), &order);
            Ok(estimator.estimate(xs.view(), ys.view())?.nats())
        })
        .collect()
}

/// The null distribution: the estimate on `count` surrogates of Y, in parallel, through what
/// the estimator can reuse across reorderings ([`MutualInformation::prepare_reordering`]).
fn surrogate_null<E: MutualInformation + Sync>(
    estimator: &E,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    kind: Surrogate,
    count: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    let prepared = estimator.prepare_reordering(x, y)?;
    let n = x.nrows();
    (0..count)
        .into_par_iter()
        .map(|s| prepared.mi_reordered(&surrogate_order(kind, n, &mut stream(seed, s))))
        .collect()
}

/// The row orders of the surrogates that [`surrogate_test`] (and
/// [`crate::kt::KolchinskyTracey::label_surrogate_test`]) use for these arguments: surrogate
/// `s` takes row `orders[s][i]` of Y as its row `i`. For checking a test or reproducing its
/// null with another estimator.
///
/// # Errors
/// [`EstimatorError::InvalidParameter`] as for [`surrogate_test`];
/// [`EstimatorError::TooLarge`] named `n_surrogates` when the `n_surrogates × n` orders would
/// not fit the memory budget.
pub fn surrogate_orders(
    kind: Surrogate,
    n: usize,
    n_surrogates: usize,
    seed: u64,
) -> Result<Vec<Vec<usize>>> {
    check_surrogate(kind, n, n_surrogates)?;
    check_memory(
        "n_surrogates",
        &format!("the row orders of {n_surrogates} surrogates of {n} rows"),
        bytes_of(n_surrogates as u128 * n as u128, size_of::<usize>()),
        "use fewer surrogates (permutations)",
    )?;
    Ok((0..n_surrogates)
        .map(|s| surrogate_order(kind, n, &mut stream(seed, s)))
        .collect())
}

/// The relative tolerance under which a null value ties with the observed one in
/// [`p_value`]: a null value `v` counts as at least as extreme as `observed` when
/// $v \ge \text{observed} - 10^{-10} \max(1, |\text{observed}|)$.
///
/// Why: an estimate is a sum of many floating-point terms (plug-in entropies sum
/// $c \ln c$ over the counts, in an order set by the order in which symbols first appear), so a
/// surrogate whose value equals the observed one mathematically (the same joint table up to
/// relabelling) can come out a few ulps lower, and an exact comparison would miss it and make
/// the p-value too small. Summing $m$ terms in another order changes the result by at most
/// about $m \varepsilon$ times the sum of their magnitudes ($\varepsilon \approx 2.2 \cdot
/// 10^{-16}$); the terms are entropies of at most a few tens of nats, so $10^{-10}$ covers
/// reorderings of up to about $10^5$ terms, while staying far below any difference that
/// matters statistically (the standard error of an MI estimate from $n$ samples is of order
/// $1/\sqrt{n}$, i.e. above $10^{-4}$ nats for $n \le 10^8$). The scale is
/// $\max(1, |\text{observed}|)$ rather than $|\text{observed}|$ because MI is a difference of
/// entropies: its rounding error is set by the entropies (about 1 nat or more), not by how
/// close the difference is to 0. Values that differ by $10^{-6}$ or more are never merged
/// (for observed values up to $10^4$ nats).
pub const P_VALUE_TOLERANCE: f64 = 1e-10;

/// Whether a null value `v` is at least as extreme as `observed`, up to
/// [`P_VALUE_TOLERANCE`]. NaN never counts; an infinite `observed` is compared exactly.
#[must_use]
pub fn at_least_as_extreme(v: f64, observed: f64) -> bool {
    let threshold = observed - P_VALUE_TOLERANCE * observed.abs().max(1.0);
    v >= observed || (threshold.is_finite() && v >= threshold)
}

/// The surrogate p-value `(1 + #{null ≥ observed}) / (N + 1)`: never 0, and exact for a test
/// with `N` exchangeable surrogates (Phipson & Smyth 2010). "≥" is up to rounding: a null value
/// counts when it is at least `observed − P_VALUE_TOLERANCE · max(1, |observed|)`
/// ([`at_least_as_extreme`], [`P_VALUE_TOLERANCE`]), so a surrogate that ties with the data
/// mathematically but rounds lower is counted. Every p-value of the project (surrogate tests,
/// per-unit tests, the Kolchinsky–Tracey label tests, the analyses' nulls) comes from here.
#[must_use]
pub fn p_value(null: &[f64], observed: f64) -> f64 {
    let exceed = null
        .iter()
        .filter(|&&v| at_least_as_extreme(v, observed))
        .count();
    (1 + exceed) as f64 / (null.len() + 1) as f64
}

/// The `q`-quantile of ascending `sorted` values by linear interpolation between order
/// statistics (numpy's default, "type 7"): position `q · (N − 1)`. NaN for no values.
#[must_use]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// A surrogate test's summary from the observed estimate and its null distribution.
pub(crate) fn summarise(estimate: Estimate, null: Vec<f64>) -> SurrogateTest {
    let (null_mean, null_std) = mean_std(&null);
    SurrogateTest {
        p_value: p_value(&null, estimate.nats()),
        estimate,
        null,
        null_mean,
        null_std,
    }
}

/// Mean and sample standard deviation (denominator `N − 1`; 0 for one value).
#[must_use]
pub fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

/// Test I(X;Y) > 0 against `n_surrogates` surrogates of Y.
///
/// # Errors
/// Whatever the estimator returns for the data or a surrogate;
/// [`EstimatorError::InvalidParameter`] named `n_surrogates` for 0 or more than
/// [`MAX_SURROGATES`], or named `min_shift` /
/// `block` for a surrogate that does not fit `n`; [`EstimatorError::ShapeMismatch`] for
/// mismatched rows.
pub fn surrogate_test<E: MutualInformation + Sync>(
    estimator: &E,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    kind: Surrogate,
    n_surrogates: usize,
    seed: u64,
) -> Result<SurrogateTest> {
    check_same_rows("x", x.nrows(), "y", y.nrows())?;
    check_surrogate(kind, x.nrows(), n_surrogates)?;
    let estimate = estimator.estimate(x, y)?;
    let null = surrogate_null(estimator, x, y, kind, n_surrogates, seed)?;
    Ok(summarise(estimate, null))
}

/// Bootstrap percentile interval of I(X;Y): `n_resamples` resamples of the rows with
/// replacement; the interval is the `(1 − level)/2` and `(1 + level)/2` empirical quantiles
/// (linear interpolation). Resampling duplicates rows, which kNN estimators see as ties: prefer
/// it for the binned, Gaussian and Kolchinsky–Tracey estimators.
///
/// # Errors
/// Whatever the estimator returns; [`EstimatorError::InvalidParameter`] named `n_resamples`
/// (fewer than 2) or `level` (outside (0, 1)).
pub fn bootstrap_ci<E: MutualInformation + Sync>(
    estimator: &E,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
    n_resamples: usize,
    level: f64,
    seed: u64,
) -> Result<BootstrapCi> {
    check_bootstrap(n_resamples, level)?;
    check_same_rows("x", x.nrows(), "y", y.nrows())?;
    let n = x.nrows();
    let estimate = estimator.estimate(x, y)?;
    let replicates = resampled(estimator, x, y, n_resamples, seed, |rng| resample(rng, n))?;
    Ok(percentile_ci(estimate, replicates, level))
}

/// Refuse fewer than two resamples, more than [`MAX_SURROGATES`], or a level outside (0, 1).
pub(crate) fn check_bootstrap(n_resamples: usize, level: f64) -> Result<()> {
    ensure_param!(
        n_resamples >= 2,
        "n_resamples",
        "at least two resamples are needed, got {n_resamples}"
    );
    check_count("n_resamples", n_resamples)?;
    ensure_param!(
        level > 0.0 && level < 1.0,
        "level",
        "the confidence level must lie in (0, 1), got {level}"
    );
    Ok(())
}

/// `n` row indices drawn with replacement.
pub(crate) fn resample(rng: &mut Xoshiro256PlusPlus, n: usize) -> Vec<usize> {
    (0..n).map(|_| rng.random_range(0..n)).collect()
}

/// The percentile interval of `replicates` at `level` (linear interpolation between order
/// statistics).
pub(crate) fn percentile_ci(estimate: Estimate, replicates: Vec<f64>, level: f64) -> BootstrapCi {
    let mut sorted = replicates.clone();
    sorted.sort_by(f64::total_cmp);
    BootstrapCi {
        estimate,
        lower: quantile(&sorted, (1.0 - level) / 2.0),
        upper: quantile(&sorted, (1.0 + level) / 2.0),
        level,
        replicates,
    }
}

/// Benjamini–Hochberg step-up procedure: the adjusted p-values (q-values, monotone, ≤ 1), in
/// the input order. Reject hypothesis `i` at FDR level α when `q[i] ≤ α`.
///
/// # Errors
/// [`EstimatorError::InvalidParameter`] named `p_values` for a value outside [0, 1] or NaN.
pub fn benjamini_hochberg(p_values: &[f64]) -> Result<Vec<f64>> {
    if let Some((i, p)) = p_values
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..=1.0).contains(*p))
    {
        return Err(EstimatorError::InvalidParameter {
            name: "p_values",
            reason: format!("p_values[{i}] = {p} is not a probability"),
        });
    }
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut q = vec![0.0; m];
    let mut running = 1.0_f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p_values[i] * m as f64 / (rank + 1) as f64);
        q[i] = running;
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_value_quantile_and_spread() {
        let null: Vec<f64> = (0..100).map(f64::from).collect();
        assert!((p_value(&null, 97.5) - 3.0 / 101.0).abs() < 1e-15);
        assert_eq!(p_value(&null, 1000.0), 1.0 / 101.0);
        assert_eq!(p_value(&null, -1.0), 1.0);
        // numpy.quantile(np.arange(100), 0.95) = 94.05.
        assert!((quantile(&null, 0.95) - 94.05).abs() < 1e-12);
        assert_eq!(quantile(&null, 1.0), 99.0);
        assert_eq!(quantile(&[2.5], 0.3), 2.5);
        assert!(quantile(&[], 0.5).is_nan());
        let (mean, std) = mean_std(&null);
        assert!((mean - 49.5).abs() < 1e-12);
        // sqrt(100 · 101 / 12) for 0..99 with denominator N − 1.
        assert!((std - (100.0_f64 * 101.0 / 12.0).sqrt()).abs() < 1e-12);
    }

    /// Issue 15 (item 6): a null value 1 ulp (or a few) below the observed one is a tie and
    /// counts; one that is genuinely smaller (by 1e-6, far above the tolerance) does not.
    #[test]
    fn issue15_null_values_a_rounding_error_below_observed_count() {
        for observed in [0.056_633_012_265_132_18_f64, 0.0, 1e-3, 3.0, 250.0] {
            // The next float down (1 ulp below; the smallest negative float below 0).
            let below = if observed == 0.0 {
                -f64::from_bits(1)
            } else {
                f64::from_bits(observed.to_bits() - 1)
            };
            let few = observed - 8.0 * f64::EPSILON * observed.abs().max(1.0);
            assert_eq!(p_value(&[below, few], observed), 1.0, "{observed}");
            let apart = observed - 1e-6;
            assert_eq!(p_value(&[apart, apart], observed), 1.0 / 3.0, "{observed}");
            assert!(P_VALUE_TOLERANCE * observed.abs().max(1.0) < 1e-6);
        }
        // Non-finite values keep the exact comparison, and NaN never counts.
        assert_eq!(p_value(&[f64::INFINITY, 1e300], f64::INFINITY), 2.0 / 3.0);
        assert_eq!(p_value(&[f64::NAN], 0.5), 0.5);
    }

    #[test]
    fn surrogate_specs_parse_and_bad_ones_name_the_surrogate() {
        let p = |s: &str| s.parse::<Surrogate>();
        assert_eq!(p("permutation"), Ok(Surrogate::Permutation));
        assert_eq!(
            p("circular:50"),
            Ok(Surrogate::CircularShift { min_shift: 50 })
        );
        assert_eq!(p("block:7"), Ok(Surrogate::BlockShuffle { block: 7 }));
        for bad in ["shuffle", "circular", "block:x", "circular:-1", ""] {
            assert!(
                matches!(
                    p(bad),
                    Err(EstimatorError::InvalidParameter {
                        name: "surrogate",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }
}
