//! Seeded streams: one Xoshiro256++ stream per work item, derived from the user's seed by a
//! SplitMix64 mix, so that results never depend on the thread count or the batch size.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// What a stream draws (keeps the streams of one seed apart).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stream {
    /// Weights of a network or a trainer.
    Weights = 1,
    /// A stimulus.
    Stimulus = 2,
    /// Private noise.
    Noise = 3,
    /// A test batch.
    Test = 4,
    /// A relaxation's initial state.
    Initial = 5,
    /// k-means restarts.
    Clusters = 6,
}

/// SplitMix64 finaliser.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream `kind` of item `index` (a trial, an epoch, a restart) under `seed`.
pub(crate) fn stream(seed: u64, kind: Stream, index: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix(mix(mix(seed) ^ kind as u64) ^ index))
}
