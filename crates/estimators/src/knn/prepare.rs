//! Preparing data for neighbour search: optional z-scoring and optional seeded jitter.

use ndarray::{Array2, ArrayView2, CowArray, Ix2};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

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
