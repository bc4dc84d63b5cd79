//! Surrogate tests of a transfer entropy that keep the target's own history: only the source
//! is rearranged, before embedding, so $X_t$ and $X^{(k)}_{t-1}$ stay as they are and only
//! their alignment with the source's past is broken.
//!
//! - [`Surrogate::Permutation`]: whole source trials are permuted among the trials
//!   (trial-structured data; all trials as long as each other);
//! - [`Surrogate::CircularShift`]: the source is rotated within each trial by a seeded shift
//!   of at least `min_shift` steps (one long series, or long trials);
//! - [`Surrogate::BlockShuffle`]: blocks of `block` steps of the source are shuffled within
//!   each trial.
//!
//! Surrogate `s` draws from its own seeded stream, so the null and the p-value are the same on
//! any number of threads. The p-value is $(1 + \#\{\text{null} \ge \text{observed}\})/(N + 1)$.

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{TeEmbedding, transfer_entropy};
use crate::error::{Result, ensure_param};
use crate::estimate::Estimate;
use crate::significance::{Surrogate, check_count, mean_std, p_value, stream, surrogate_order};
use crate::traits::ConditionalMutualInformation;

/// How many surrogates of which kind, from which seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeSurrogates {
    /// How the source is rearranged.
    pub kind: Surrogate,
    /// Number of surrogates (1 to [`MAX_SURROGATES`](crate::significance::MAX_SURROGATES)).
    pub count: usize,
    /// Seed of the surrogates (surrogate `s` draws from its own stream).
    pub seed: u64,
}

/// A transfer entropy with its surrogate null distribution (nats).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeTest {
    /// The observed estimate.
    pub estimate: Estimate,
    /// How the source was rearranged.
    pub surrogate: Surrogate,
    /// The estimate on every surrogate, in surrogate order.
    pub null: Vec<f64>,
    /// Mean of `null`.
    pub null_mean: f64,
    /// Standard deviation of `null` (n − 1).
    pub null_sd: f64,
    /// $(1 + \#\{\text{null} \ge \text{observed}\})/(N + 1)$.
    pub p_value: f64,
    /// The seed of the surrogates.
    pub seed: u64,
}

/// Refuse a surrogate that cannot rearrange a source of these trials.
fn check(kind: Surrogate, trial_lengths: &[usize], count: usize) -> Result<()> {
    ensure_param!(
        count >= 1,
        "n_surrogates",
        "at least one surrogate is needed"
    );
    check_count("n_surrogates", count)?;
    let shortest = trial_lengths.iter().copied().min().unwrap_or(0);
    match kind {
        Surrogate::Permutation => {
            ensure_param!(
                trial_lengths.len() >= 2,
                "surrogate",
                "permuting the source across trials needs at least 2 trials, got {}; use a \
                 circular shift or block shuffle for one series",
                trial_lengths.len()
            );
            ensure_param!(
                trial_lengths.iter().all(|&t| t == trial_lengths[0]),
                "surrogate",
                "permuting the source across trials needs trials of one length"
            );
        }
        Surrogate::CircularShift { min_shift } => {
            ensure_param!(
                min_shift >= 1 && 2 * min_shift <= shortest,
                "min_shift",
                "a circular shift within trials needs 1 ≤ min_shift ≤ (shortest trial)/2, got \
                 {min_shift} with a shortest trial of {shortest} steps"
            );
        }
        Surrogate::BlockShuffle { block } => {
            ensure_param!(
                block >= 1 && 2 * block <= shortest,
                "block",
                "a block shuffle within trials needs 1 ≤ block ≤ (shortest trial)/2, got \
                 {block} with a shortest trial of {shortest} steps"
            );
        }
    }
    Ok(())
}

/// Surrogate `s` of `source` (rows: the steps of the trials one after the other).
fn rearranged(
    source: ArrayView2<'_, f64>,
    trial_lengths: &[usize],
    kind: Surrogate,
    seed: u64,
    s: usize,
) -> Array2<f64> {
    let mut rng = stream(seed, s);
    let starts: Vec<usize> = trial_lengths
        .iter()
        .scan(0usize, |acc, &t| {
            let start = *acc;
            *acc += t;
            Some(start)
        })
        .collect();
    let mut out = Array2::zeros(source.raw_dim());
    match kind {
        Surrogate::Permutation => {
            let order = surrogate_order(Surrogate::Permutation, trial_lengths.len(), &mut rng);
            let len = trial_lengths.first().copied().unwrap_or(0);
            for (dst, &src) in order.iter().enumerate() {
                for t in 0..len {
                    out.row_mut(starts[dst] + t)
                        .assign(&source.row(starts[src] + t));
                }
            }
        }
        _ => {
            for (&start, &len) in starts.iter().zip(trial_lengths) {
                let order = surrogate_order(kind, len, &mut rng);
                for (t, &from) in order.iter().enumerate() {
                    out.row_mut(start + t).assign(&source.row(start + from));
                }
            }
        }
    }
    out
}

/// $\mathrm{TE}_{Y\to X}$ ([`transfer_entropy`]) and its null over `n_surrogates` rearrangements
/// of the source (module docs), in parallel.
///
/// `surrogates.count` = `n_surrogates` in error messages.
///
/// # Errors
/// As [`transfer_entropy`];
/// [`EstimatorError::InvalidParameter`](crate::EstimatorError::InvalidParameter) naming
/// `n_surrogates`, `surrogate`, `min_shift` or `block` for a surrogate that does not fit the
/// trials.
pub fn te_surrogate_test<E: ConditionalMutualInformation + Sync + ?Sized>(
    estimator: &E,
    source: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    trial_lengths: &[usize],
    embedding: &TeEmbedding,
    surrogates: TeSurrogates,
) -> Result<TeTest> {
    let TeSurrogates {
        kind: surrogate,
        count: n_surrogates,
        seed,
    } = surrogates;
    let estimate = transfer_entropy(estimator, source, target, trial_lengths, embedding)?;
    check(surrogate, trial_lengths, n_surrogates)?;
    let null = (0..n_surrogates)
        .into_par_iter()
        .map(|s| {
            let shuffled = rearranged(source, trial_lengths, surrogate, seed, s);
            transfer_entropy(estimator, shuffled.view(), target, trial_lengths, embedding)
                .map(|e| e.value.nats())
        })
        .collect::<Result<Vec<f64>>>()?;
    let observed = estimate.value.nats();
    let (null_mean, null_sd) = mean_std(&null);
    Ok(TeTest {
        p_value: p_value(&null, observed),
        estimate,
        surrogate,
        null,
        null_mean,
        null_sd,
        seed,
    })
}
