//! Transfer entropy (Schreiber 2000) as a conditional mutual information of embedded series:
//!
//! $$\mathrm{TE}_{Y\to X}(u) = I\big(X_t ;\, Y^{(l)}_{t-u} \,\big|\, X^{(k)}_{t-1}\big),$$
//!
//! with the target's history $X^{(k)}_{t-1} = (X_{t-1}, X_{t-1-\tau}, \dots,
//! X_{t-1-(k-1)\tau})$, the source's $Y^{(l)}_{t-u} = (Y_{t-u}, Y_{t-u-\tau}, \dots,
//! Y_{t-u-(l-1)\tau})$, the source–target delay $u \ge 1$ and the embedding spacing $\tau$
//! ([`TeEmbedding`]). [`embed`] builds the three variables from a source and a target series
//! cut into trials (one trial for one long series): an embedding never reaches across a trial
//! boundary, and the samples of all trials and times are pooled. [`transfer_entropy`] hands
//! them to any [`ConditionalMutualInformation`] estimator: Gaussian (exact log-determinants),
//! KSG (Frenzel–Pompe; its Theiler window counts rows, which within a trial are consecutive
//! times) or binned plug-in.
//!
//! [`te_surrogate_test`] adds the null of surrogates that keep the target's own history
//! ([`significance`]). This is the estimator core of issue #19; the all-pairs matrix and the
//! flow graph build on it.

pub mod significance;

pub use significance::{TeSurrogates, TeTest, te_surrogate_test};

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{EstimatorError, Result, ensure_param};
use crate::estimate::Estimate;
use crate::traits::ConditionalMutualInformation;

/// The history lengths, delay and spacing of a transfer entropy (defaults k = l = u = τ = 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TeEmbedding {
    /// Target history length k (≥ 1).
    pub k: usize,
    /// Source history length l (≥ 1).
    pub l: usize,
    /// Source–target delay u (≥ 1): the most recent source sample is $Y_{t-u}$.
    pub delay: usize,
    /// Spacing τ (≥ 1) between the samples of each history.
    pub tau: usize,
}

impl Default for TeEmbedding {
    fn default() -> Self {
        Self {
            k: 1,
            l: 1,
            delay: 1,
            tau: 1,
        }
    }
}

impl TeEmbedding {
    /// Refuse a history length, delay or spacing of 0.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] naming `k`, `l`, `delay` or `tau`.
    pub fn check(&self) -> Result<()> {
        for (name, v) in [
            ("k", self.k),
            ("l", self.l),
            ("delay", self.delay),
            ("tau", self.tau),
        ] {
            ensure_param!(v >= 1, name, "must be ≥ 1, got 0");
        }
        Ok(())
    }

    /// The first time step of a trial at which every lag is inside the trial:
    /// $\max((k-1)\tau + 1,\; u + (l-1)\tau)$.
    #[must_use]
    pub fn first_step(&self) -> usize {
        ((self.k - 1) * self.tau + 1).max(self.delay + (self.l - 1) * self.tau)
    }

    /// Samples a trial of `len` steps contributes.
    #[must_use]
    pub fn samples_in(&self, len: usize) -> usize {
        len.saturating_sub(self.first_step())
    }
}

/// The embedded variables of a transfer entropy, rows paired (one per usable time step of
/// every trial, trial by trial in time order).
#[derive(Clone, Debug, PartialEq)]
pub struct Embedded {
    /// $X_t$: n × d_target.
    pub next: Array2<f64>,
    /// $Y^{(l)}_{t-u}$: n × (l · d_source), lag 0 (most recent) first.
    pub source_past: Array2<f64>,
    /// $X^{(k)}_{t-1}$: n × (k · d_target), lag 0 (most recent) first.
    pub target_past: Array2<f64>,
    /// The (trial, t) of every row.
    pub times: Vec<(usize, usize)>,
}

/// Embed `source` (T × d_s) and `target` (T × d_t), whose rows are the time steps of the trials
/// of `trial_lengths` one after the other (`&[T]` for one series).
///
/// # Errors
/// [`EstimatorError::ShapeMismatch`] when the series differ in length or the trial lengths do
/// not add up to it; [`EstimatorError::Empty`] for a series without columns;
/// [`EstimatorError::TooFewSamples`] (argument `target`) when no trial is longer than
/// [`TeEmbedding::first_step`]; parameter errors of [`TeEmbedding::check`].
pub fn embed(
    source: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    trial_lengths: &[usize],
    embedding: &TeEmbedding,
) -> Result<Embedded> {
    embedding.check()?;
    let rows = target.nrows();
    if source.nrows() != rows {
        return Err(EstimatorError::ShapeMismatch {
            argument: "source",
            other: "target",
            what: "rows",
            expected: rows,
            got: source.nrows(),
        });
    }
    let total: usize = trial_lengths.iter().sum();
    if total != rows {
        return Err(EstimatorError::ShapeMismatch {
            argument: "trial_lengths",
            other: "target",
            what: "steps in all",
            expected: rows,
            got: total,
        });
    }
    for (name, a) in [("source", source), ("target", target)] {
        if a.ncols() == 0 {
            return Err(EstimatorError::Empty {
                argument: name,
                rows: a.nrows(),
                cols: 0,
            });
        }
    }
    let e = embedding;
    let n: usize = trial_lengths.iter().map(|&t| e.samples_in(t)).sum();
    if n == 0 {
        return Err(EstimatorError::TooFewSamples {
            argument: "target",
            needed: e.first_step() + 1,
            got: trial_lengths.iter().copied().max().unwrap_or(0),
        });
    }
    let (ds, dt) = (source.ncols(), target.ncols());
    let mut next = Array2::zeros((n, dt));
    let mut source_past = Array2::zeros((n, e.l * ds));
    let mut target_past = Array2::zeros((n, e.k * dt));
    let mut times = Vec::with_capacity(n);
    let (mut row, mut start) = (0usize, 0usize);
    for (trial, &len) in trial_lengths.iter().enumerate() {
        for t in e.first_step()..len {
            let at = start + t;
            next.row_mut(row).assign(&target.row(at));
            for j in 0..e.k {
                let lagged = target.row(at - 1 - j * e.tau);
                for c in 0..dt {
                    target_past[[row, j * dt + c]] = lagged[c];
                }
            }
            for j in 0..e.l {
                let lagged = source.row(at - e.delay - j * e.tau);
                for c in 0..ds {
                    source_past[[row, j * ds + c]] = lagged[c];
                }
            }
            times.push((trial, t));
            row += 1;
        }
        start += len;
    }
    Ok(Embedded {
        next,
        source_past,
        target_past,
        times,
    })
}

/// $\mathrm{TE}_{Y \to X}$ in nats with `estimator`'s conditional MI of the embedded variables
/// ([`embed`]), with the embedding recorded in the estimate's diagnostics.
///
/// # Errors
/// As [`embed`] and the estimator's `estimate_conditional` (whose argument names are `x` for
/// the target's next value, `y` for the source's past and `z` for the target's past).
pub fn transfer_entropy<E: ConditionalMutualInformation + ?Sized>(
    estimator: &E,
    source: ArrayView2<'_, f64>,
    target: ArrayView2<'_, f64>,
    trial_lengths: &[usize],
    embedding: &TeEmbedding,
) -> Result<Estimate> {
    let v = embed(source, target, trial_lengths, embedding)?;
    let mut est = estimator.estimate_conditional(
        v.next.view(),
        v.source_past.view(),
        v.target_past.view(),
    )?;
    est.diagnostics.insert(
        "te_embedding".into(),
        serde_json::to_value(embedding).unwrap_or(serde_json::Value::Null),
    );
    est.diagnostics.insert(
        "trials".into(),
        serde_json::Value::from(trial_lengths.len()),
    );
    Ok(est)
}
