//! Preparing data for neighbour search: optional z-scoring and optional seeded jitter.

use ndarray::{Array2, ArrayView2, CowArray, Ix2};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::error::{EstimatorError, Result, ensure_param};

/// Noise added to every value before the search, to break ties. Off by default: infoscope never
/// adds noise silently, and ties are reported instead (DESIGN.md §3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Noise {
    /// No noise (the default).
    #[default]
    None,
    /// Independent Gaussian noise of standard deviation `std` (in the units of the data after
    /// the optional z-scoring). JIDT and MILCA add 1e-8 after normalisation.
    Gaussian {
        /// Standard deviation (> 0).
        std: f64,
    },
}

/// How KSG treats tied values: a value that occurs more than once in a column (discrete,
/// rounded, saturated or low-precision data). Ties make neighbour distances zero or equal, and
/// the strict counts of KSG then depend on which of the tied points fall inside a radius.
///
/// Measured on Gaussians rounded to a grid (issue 15; `scripts/ksg_ties_grid.py`): with ties
/// kept, the published zero-distance rule of Gao, Kannan, Oh & Viswanath (2017) is off by up to
/// +0.32 nats from the MI of the rounded variables (ρ = 0.3, grid 0.1, n = 2000) where the
/// data mix zero and non-zero k-th distances; with tiny seeded jitter every case is within
/// 0.03 nats on average. Jitter does not change the target: (X + ε, Y + ε′) with ε, ε′
/// independent of everything has exactly the MI of (X, Y).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ties {
    /// The default: every non-constant column that holds a repeated value gets seeded Gaussian
    /// jitter of standard deviation [`TIE_JITTER`] × the column's standard deviation (at least
    /// 2⁻³⁶ × its largest magnitude, so that the jitter survives rounding), drawn from a stream
    /// of its own (the estimator's seed, the variable and the column), after the optional
    /// z-scoring and noise. Columns without repeated values, and constant columns (which add
    /// nothing to a max-norm distance), are left exactly as they are, so continuous data give
    /// the same numbers as without this rule. The jitter of a column is drawn from a stream keyed
    /// by the seed and the column's own values, so a column gets the same jitter in any role
    /// (I(X;Y) and I(Y;X) agree bit for bit, and a pairwise matrix equals the single estimates);
    /// reordering the rows changes the draws, so with ties the estimate is invariant to a row
    /// permutation in distribution rather than bit for bit. The estimate says how many columns
    /// were jittered.
    #[default]
    Jitter,
    /// Keep the ties: samples with a zero k-th neighbour distance follow Gao et al. (2017)
    /// (see [`crate::knn::Ksg`]); close to the plug-in estimate on purely discrete data, but
    /// biased on data that mix tied and untied samples.
    Gao,
}

/// The jitter of [`Ties::Jitter`], relative to a column's standard deviation (NPEET and
/// scikit-learn add noise of the same order to break ties).
pub const TIE_JITTER: f64 = 1e-10;

/// Whether a column holds a repeated value and is not constant.
fn has_ties(column: ndarray::ArrayView1<'_, f64>) -> bool {
    let mut v: Vec<f64> = column.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    let constant = v.first() == v.last();
    !constant && v.windows(2).any(|w| w[0] == w[1])
}

/// The jitter stream of a column under `seed`: keyed by the seed and a hash of the column's
/// values in order (FNV-1a over their bits), independent of the noise stream.
fn tie_stream(seed: u64, column: ndarray::ArrayView1<'_, f64>) -> Xoshiro256PlusPlus {
    const SALT: u64 = 0x7469_6573_6a69_7474; // "tiesjitt"
    let hash = column.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, v| {
        (h ^ v.to_bits()).wrapping_mul(0x0000_0100_0000_01b3)
    });
    Xoshiro256PlusPlus::seed_from_u64(seed ^ SALT ^ hash)
}

/// Apply `ties` to a prepared variable: under [`Ties::Jitter`], jitter every non-constant
/// column with a repeated value (see [`Ties::Jitter`]). Returns the data and the number of
/// columns jittered (the input itself, untouched, when none is).
pub(crate) fn break_ties(
    data: CowArray<'_, f64, Ix2>,
    ties: Ties,
    seed: u64,
) -> (CowArray<'_, f64, Ix2>, usize) {
    if ties == Ties::Gao {
        return (data, 0);
    }
    let tied: Vec<usize> = (0..data.ncols())
        .filter(|&c| has_ties(data.column(c)))
        .collect();
    if tied.is_empty() {
        return (data, 0);
    }
    let mut out = data.as_standard_layout().into_owned();
    let n = out.nrows() as f64;
    for &c in &tied {
        let mut col = out.column_mut(c);
        let mean = col.sum() / n;
        let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
        let magnitude = col.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let std = (TIE_JITTER * sd).max(magnitude * f64::powi(2.0, -36));
        let mut rng = tie_stream(seed, col.view());
        col.mapv_inplace(|v| v + std * rng.sample::<f64, _>(StandardNormal));
    }
    (CowArray::from(out), tied.len())
}

/// z-score each column (mean 0, sample standard deviation 1); constant columns are centred only.
pub(crate) fn zscore(data: &mut Array2<f64>) {
    let n = data.nrows() as f64;
    for mut col in data.columns_mut() {
        let mean = col.sum() / n;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        let sd = var.sqrt();
        let scale = if sd > 0.0 { 1.0 / sd } else { 1.0 };
        col.mapv_inplace(|v| (v - mean) * scale);
    }
}

/// Refuse inputs that z-scoring or noise would push out of double precision: with
/// `normalize`, a column whose squared deviations overflow ([`EstimatorError::OutOfRange`]
/// naming the argument); with noise, a standard deviation that, added to values of the data's
/// magnitude (at most √n after z-scoring), could overflow ([`EstimatorError::InvalidParameter`]
/// named `noise`; a draw beyond 40σ never happens).
pub(crate) fn check_scale(
    normalize: bool,
    noise: Noise,
    vars: &[(&'static str, ArrayView2<'_, f64>)],
) -> Result<()> {
    for &(name, v) in vars {
        let n = v.nrows() as f64;
        let mut scale = 0.0_f64;
        for (col, c) in v.columns().into_iter().enumerate() {
            let (lo, hi) = c
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
                    (l.min(x), h.max(x))
                });
            let spread = hi - lo;
            if normalize && !(spread * spread * n).is_finite() {
                return Err(EstimatorError::OutOfRange {
                    argument: name,
                    detail: format!(
                        "the values of column {col} (from {lo:e} to {hi:e}) overflow double \
                         precision when z-scored; scale the data first"
                    ),
                });
            }
            scale = scale.max(lo.abs()).max(hi.abs());
        }
        if normalize {
            scale = n.sqrt();
        }
        if let Noise::Gaussian { std } = noise {
            ensure_param!(
                (scale + 40.0 * std).is_finite(),
                "noise",
                "noise of standard deviation {std:e} added to the values of `{name}` (magnitude \
                 up to {scale:e}) overflows double precision; use a noise level relative to the \
                 data (e.g. 1e-8 with normalize = true)"
            );
        }
    }
    Ok(())
}

/// The data as searched: the input itself, or a copy z-scored and/or jittered from `rng` when
/// asked. The copy is row-major whatever the input's memory order, so the z-scoring sums (and
/// so every result) do not depend on it; values are drawn row by row from one stream, so the
/// result does not depend on the thread count either.
pub(crate) fn prepare<'a>(
    data: ArrayView2<'a, f64>,
    normalize: bool,
    noise: Noise,
    rng: &mut Xoshiro256PlusPlus,
) -> CowArray<'a, f64, Ix2> {
    if !normalize && noise == Noise::None {
        return CowArray::from(data);
    }
    let mut out = data.as_standard_layout().into_owned();
    if normalize {
        zscore(&mut out);
    }
    if let Noise::Gaussian { std } = noise {
        out.mapv_inplace(|v| v + std * rng.sample::<f64, _>(StandardNormal));
    }
    CowArray::from(out)
}

/// Advance `rng` past the noise that [`prepare`] draws for `values` values (nothing without
/// noise), so that a variable prepared on its own gets the noise it gets in an estimate where
/// it comes after others.
pub(crate) fn skip_noise(rng: &mut Xoshiro256PlusPlus, noise: Noise, values: usize) {
    if noise != Noise::None {
        for _ in 0..values {
            let _: f64 = rng.sample(StandardNormal);
        }
    }
}

/// The noise stream of one estimate.
pub(crate) fn stream(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}
