//! The trained part of the reservoir: a sigmoid readout fitted by weighted ridge regression.
//!
//! The objective and the solver are documented on [`Reservoir::fit_readout_batches`].

use std::cmp::Ordering;
use std::ops::Range;

use faer::linalg::matmul::matmul;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::linalg::solvers::Solve;
use faer::{Accum, Mat, Par, Side};
use ndarray::{
    Array1, Array2, Array3, ArrayView1, ArrayView3, Axis, Zip, linalg::general_mat_mul, s,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Reservoir, derive_seed};
use crate::error::{NetsError, Result, ensure_param};
use crate::tasks::TrialBatch;

/// ε of the target clipping before the logit: targets are clipped into `[ε, 1 − ε]`, so the
/// regression targets lie within ±ln((1 − ε)/ε) ≈ ±6.9. The Go targets lie in [0.05, 0.85]
/// and are never clipped.
pub const LOGIT_CLIP: f64 = 1e-3;

/// Seed stream of the training batches' recurrent noise.
const STREAM_TRAIN: u64 = 0x7472_6169_6e00;
/// Seed stream of the validation batches' recurrent noise.
const STREAM_VALIDATION: u64 = 0x7661_6c69_6400;

/// A trained linear-sigmoid readout, `ŷ = σ(r W_out + b_out)`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Readout {
    /// Weights `[N, n_output]`.
    pub w_out: Array2<f64>,
    /// Biases `[n_output]`.
    pub b_out: Array1<f64>,
    /// The ridge penalty it was fitted with.
    pub lambda: f64,
}

impl Readout {
    /// Outputs `[T, B, n_output]` from states `[T, B, N]` (width already checked).
    pub(crate) fn apply(&self, hidden: ArrayView3<'_, f32>) -> Array3<f32> {
        let (t_len, batch, _) = hidden.dim();
        let n_out = self.w_out.ncols();
        let mut out = Array3::zeros((t_len, batch, n_out));
        let mut logits = Array2::zeros((batch, n_out));
        for (h, mut o) in hidden.outer_iter().zip(out.outer_iter_mut()) {
            let h = h.mapv(f64::from);
            general_mat_mul(1.0, &h, &self.w_out, 0.0, &mut logits);
            logits += &self.b_out;
            o.zip_mut_with(&logits, |y, &x| *y = sigmoid(x) as f32);
        }
        out
    }
}

/// What [`Reservoir::fit_readout`] found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReadoutReport {
    /// The chosen ridge penalty (lowest validation loss; the first in grid order on ties).
    pub lambda: f64,
    /// The candidate penalties, in the configuration's order.
    pub ridge_grid: Vec<f64>,
    /// Validation lsq loss (mean of `((y − ŷ)·m)²` over all entries) for each candidate;
    /// `None` where the regularised normal equations were not positive definite.
    pub validation_loss: Vec<Option<f64>>,
    /// Training lsq loss of the chosen readout.
    pub train_loss: f64,
    /// Number of training samples S (time steps × trials, summed over batches).
    pub n_train_samples: usize,
    /// Number of distinct mask columns, i.e. of Cholesky systems solved per λ.
    pub n_mask_groups: usize,
}

impl Reservoir {
    /// Fits the readout on one training batch, choosing λ on one validation batch; see
    /// [`Reservoir::fit_readout_batches`].
    ///
    /// # Errors
    ///
    /// As [`Reservoir::fit_readout_batches`].
    pub fn fit_readout(
        &mut self,
        train: &TrialBatch,
        validation: &TrialBatch,
        noise_seed: Option<u64>,
    ) -> Result<ReadoutReport> {
        self.fit_readout_batches(
            std::slice::from_ref(train),
            std::slice::from_ref(validation),
            noise_seed,
        )
    }

    /// Fits the readout by weighted ridge regression on the states of the `train` batches and
    /// keeps the λ of `ridge_grid` with the lowest validation loss. Several batches are
    /// accepted because a Go batch in random mode shares one timing and one modality across
    /// its trials.
    ///
    /// # Objective
    ///
    /// For output unit $j$ with cost mask $m_{sj}$ and target $y_{sj}$ at sample $s = (t, b)$
    /// (one sample per time step of each trial), the readout weights
    /// $\beta_j = (W_{\mathrm{out},\cdot j}; b_{\mathrm{out},j})$ minimise
    ///
    /// $$ \frac1S \sum_s m_{sj}^2 \left(x_s \beta_j - z_{sj}\right)^2 \;+\;
    ///    \lambda \lVert W_{\mathrm{out},\cdot j} \rVert^2,
    ///    \qquad x_s = [r_s; 1],\quad z_{sj} = \operatorname{logit}(\operatorname{clip}(y_{sj})), $$
    ///
    /// where $S$ counts every sample of the training batches (zero-mask samples included), the
    /// sample weight is the **squared** mask (the lsq loss of SPEC.md §2.2 is
    /// $((y - \hat y)\, m)^2$), targets are clipped into $[\varepsilon, 1 - \varepsilon]$ with
    /// $\varepsilon$ = [`LOGIT_CLIP`] before the logit, and the bias is not penalised. The normal
    /// equations $(X^\top W_j X / S + \lambda D)\beta_j = X^\top W_j z_j / S$ share their Gram
    /// matrix between all outputs whose mask columns are proportional: if $m_j = c_j m_r$ then
    /// $W_j = c_j^2 W_r$ and the system is equivalent to
    /// $(X^\top W_r X / S + (\lambda / c_j^2) D)\beta_j = X^\top W_r z_j / S$. For the Go tasks
    /// the fixation column is exactly 2× the ring columns, so one Gram matrix is accumulated and
    /// two Cholesky factorisations (faer, `f64`) are solved per λ: one for the fixation output,
    /// one shared by the 32 ring outputs. The Gram matrix is accumulated in parallel over fixed
    /// blocks of time steps and summed in block order, so the fit does not depend on the number
    /// of threads.
    ///
    /// λ is chosen from `ridge_grid` by the lsq loss of the sigmoid outputs on the validation
    /// batches: the mean over all entries of $((y - \hat y)\, m)^2$.
    ///
    /// With `noise_seed = Some(s)` the training and validation runs get independent noise
    /// streams derived from `s` and the batch index; `None` runs noise-free.
    ///
    /// # Errors
    ///
    /// [`NetsError::InvalidParameter`] for an empty list of batches or non-finite or negative
    /// targets or masks; [`NetsError::Shape`] when a batch does not fit the configuration;
    /// [`NetsError::Numerical`] when no λ gives a positive-definite system (for instance when
    /// an output's mask is zero everywhere).
    pub fn fit_readout_batches(
        &mut self,
        train: &[TrialBatch],
        validation: &[TrialBatch],
        noise_seed: Option<u64>,
    ) -> Result<ReadoutReport> {
        ensure_param!(!train.is_empty(), "train", "needs at least one batch");
        ensure_param!(
            !validation.is_empty(),
            "validation",
            "needs at least one batch"
        );
        let train_hidden = self.run_batches(train, noise_seed, STREAM_TRAIN)?;
        let val_hidden = self.run_batches(validation, noise_seed, STREAM_VALIDATION)?;

        let groups = mask_groups(train, self.config.n_output);
        let systems: Vec<NormalEquations> = groups
            .iter()
            .map(|g| NormalEquations::accumulate(train, &train_hidden, g))
            .collect();

        let mut best: Option<(f64, Readout)> = None;
        let mut validation_loss = Vec::with_capacity(self.config.ridge_grid.len());
        for &lambda in &self.config.ridge_grid {
            let candidate = solve_readout(&systems, &groups, lambda, self.config.n_rnn);
            let loss = candidate
                .as_ref()
                .map(|r| lsq_loss(r, validation, &val_hidden));
            let loss = loss.filter(|l| l.is_finite());
            validation_loss.push(loss);
            if let (Some(l), Some(r)) = (loss, candidate)
                && best.as_ref().is_none_or(|(b, _)| l < *b)
            {
                best = Some((l, r));
            }
        }
        let (_, readout) = best.ok_or_else(|| NetsError::Numerical {
            what: "ridge readout",
            detail: format!(
                "no λ in {:?} gave a positive-definite system with a finite validation loss",
                self.config.ridge_grid
            ),
        })?;
        let report = ReadoutReport {
            lambda: readout.lambda,
            ridge_grid: self.config.ridge_grid.clone(),
            validation_loss,
            train_loss: lsq_loss(&readout, train, &train_hidden),
            n_train_samples: train.iter().map(|b| b.n_time() * b.n_trials()).sum(),
            n_mask_groups: groups.len(),
        };
        self.readout = Some(readout);
        Ok(report)
    }

    /// Checks and runs each batch, batch `k` with noise seed `derive(derive(s, stream), k)`.
    fn run_batches(
        &self,
        batches: &[TrialBatch],
        noise_seed: Option<u64>,
        stream: u64,
    ) -> Result<Vec<Array3<f32>>> {
        let base = noise_seed.map(|s| derive_seed(s, stream));
        batches
            .par_iter()
            .enumerate()
            .map(|(k, batch)| {
                self.check_batch(batch)?;
                self.run(batch.inputs.view(), base.map(|s| derive_seed(s, k as u64)))
            })
            .collect()
    }

    fn check_batch(&self, batch: &TrialBatch) -> Result<()> {
        let (t_len, trials) = (batch.n_time(), batch.n_trials());
        let expected = [t_len, trials, self.config.n_output];
        for (argument, array) in [("targets", &batch.targets), ("mask", &batch.mask)] {
            if array.shape() != expected {
                return Err(NetsError::Shape {
                    argument,
                    got: array.shape().to_vec(),
                    expected: format!("{expected:?} ([T, B, n_output] as the inputs)"),
                });
            }
        }
        ensure_param!(
            batch.targets.iter().all(|y| y.is_finite()),
            "targets",
            "must be finite"
        );
        ensure_param!(
            batch.mask.iter().all(|m| m.is_finite() && *m >= 0.0),
            "mask",
            "must be finite and >= 0"
        );
        Ok(())
    }
}

/// Output columns that share one Gram matrix: every member's mask column is an exact positive
/// multiple `c_j` of the representative's.
struct MaskGroup {
    representative: usize,
    /// `(column, c_j)` with `m_j = c_j · m_rep`.
    members: Vec<(usize, f64)>,
}

/// Groups the output columns by proportional mask columns over all training batches.
fn mask_groups(batches: &[TrialBatch], n_out: usize) -> Vec<MaskGroup> {
    let mut groups: Vec<MaskGroup> = Vec::new();
    for j in 0..n_out {
        let found = groups
            .iter()
            .enumerate()
            .find_map(|(g, group)| proportion(batches, group.representative, j).map(|c| (g, c)));
        match found {
            Some((g, c)) => groups[g].members.push((j, c)),
            None => groups.push(MaskGroup {
                representative: j,
                members: vec![(j, 1.0)],
            }),
        }
    }
    groups
}

/// `Some(c)` if mask column `j` equals `c > 0` times column `r`, exactly in `f64`, in every
/// batch (for the Go tasks the fixation column is exactly 2× the ring columns).
fn proportion(batches: &[TrialBatch], r: usize, j: usize) -> Option<f64> {
    let column = |batch: &TrialBatch, k: usize| batch.mask.index_axis(Axis(2), k).to_owned();
    let c = batches
        .iter()
        .flat_map(|batch| {
            let (a, b) = (column(batch, r), column(batch, j));
            a.iter()
                .zip(b.iter())
                .find(|(a, _)| **a != 0.0)
                .map(|(a, b)| f64::from(*b) / f64::from(*a))
        })
        .next()
        .unwrap_or(1.0);
    if !(c.is_finite() && c > 0.0) {
        return None;
    }
    batches
        .iter()
        .all(|batch| {
            let (a, b) = (column(batch, r), column(batch, j));
            a.iter()
                .zip(b.iter())
                .all(|(a, b)| f64::from(*b) == c * f64::from(*a))
        })
        .then_some(c)
}

/// Rows per parallel work item of the Gram accumulation (whole time steps, so a little more
/// when a batch is wider).
const BLOCK_ROWS: usize = 2048;

/// `X^T W X / S` (lower triangle) and `X^T W Z / S` for one [`MaskGroup`], with the
/// representative's weights.
struct NormalEquations {
    /// `[N + 1, N + 1]`, lower triangle; the last row and column belong to the bias.
    gram: Mat<f64>,
    /// `[N + 1, members]`.
    rhs: Mat<f64>,
}

impl NormalEquations {
    /// Accumulates over fixed blocks of time steps in parallel, then sums the partial results
    /// in block order, so the result does not depend on the thread count.
    fn accumulate(batches: &[TrialBatch], hidden: &[Array3<f32>], group: &MaskGroup) -> Self {
        let n = hidden.first().map_or(0, |h| h.shape()[2]);
        let total: usize = batches.iter().map(|b| b.n_time() * b.n_trials()).sum();
        let inv_s = 1.0 / total as f64;
        let mut blocks = Vec::new();
        for (k, batch) in batches.iter().enumerate() {
            let steps = (BLOCK_ROWS / batch.n_trials().max(1)).max(1);
            for t0 in (0..batch.n_time()).step_by(steps) {
                blocks.push((k, t0..(t0 + steps).min(batch.n_time())));
            }
        }
        let partials: Vec<Self> = blocks
            .par_iter()
            .map(|(k, steps)| {
                Self::block(&batches[*k], &hidden[*k], steps.clone(), group, n, inv_s)
            })
            .collect();
        let mut sum = Self {
            gram: Mat::zeros(n + 1, n + 1),
            rhs: Mat::zeros(n + 1, group.members.len()),
        };
        for part in &partials {
            sum.gram += &part.gram;
            sum.rhs += &part.rhs;
        }
        sum
    }

    /// The contribution of time steps `steps` of one batch.
    fn block(
        batch: &TrialBatch,
        hidden: &Array3<f32>,
        steps: Range<usize>,
        group: &MaskGroup,
        n: usize,
        inv_s: f64,
    ) -> Self {
        // Rows with a nonzero weight, and √weight = |m| of the representative column.
        let rows: Vec<(usize, usize, f64)> = steps
            .flat_map(|t| (0..batch.n_trials()).map(move |b| (t, b)))
            .map(|(t, b)| {
                (
                    t,
                    b,
                    f64::from(batch.mask[[t, b, group.representative]]).abs(),
                )
            })
            .filter(|(_, _, w)| *w != 0.0)
            .collect();
        let mut x = Mat::<f64>::zeros(rows.len(), n + 1);
        let mut z = Mat::<f64>::zeros(rows.len(), group.members.len());
        for (row, &(t, b, w)) in rows.iter().enumerate() {
            for (i, &h) in hidden.slice(s![t, b, ..]).iter().enumerate() {
                x[(row, i)] = w * f64::from(h);
            }
            x[(row, n)] = w;
            for (k, &(j, _)) in group.members.iter().enumerate() {
                z[(row, k)] = w * logit(f64::from(batch.targets[[t, b, j]]));
            }
        }
        let mut gram = Mat::zeros(n + 1, n + 1);
        triangular::matmul(
            gram.as_mut(),
            BlockStructure::TriangularLower,
            Accum::Replace,
            x.transpose(),
            BlockStructure::Rectangular,
            x.as_ref(),
            BlockStructure::Rectangular,
            inv_s,
            Par::Seq,
        );
        let mut rhs = Mat::zeros(n + 1, group.members.len());
        matmul(
            rhs.as_mut(),
            Accum::Replace,
            x.transpose(),
            z.as_ref(),
            inv_s,
            Par::Seq,
        );
        Self { gram, rhs }
    }

    /// Solves `(gram + (λ/c²) D) β_j = rhs_j` for every member by Cholesky (one factorisation
    /// per distinct scale c), `D` the identity without the bias entry; returns `(column, β_j)`
    /// pairs, or `None` if a matrix is not positive definite or a solution is not finite.
    fn solve(&self, group: &MaskGroup, lambda: f64) -> Option<Vec<(usize, Vec<f64>)>> {
        let d = self.gram.nrows();
        let mut solutions = Vec::with_capacity(group.members.len());
        let mut scales: Vec<f64> = group.members.iter().map(|m| m.1).collect();
        scales.sort_by(f64::total_cmp);
        scales.dedup();
        for c in scales {
            let penalty = lambda / (c * c);
            let a = Mat::from_fn(d, d, |i, j| match i.cmp(&j) {
                Ordering::Less => 0.0,
                Ordering::Equal if i + 1 < d => self.gram[(i, i)] + penalty,
                _ => self.gram[(i, j)],
            });
            let llt = a.llt(Side::Lower).ok()?;
            let columns: Vec<usize> = (0..group.members.len())
                .filter(|&k| group.members[k].1 == c)
                .collect();
            let mut x = Mat::from_fn(d, columns.len(), |i, k| self.rhs[(i, columns[k])]);
            llt.solve_in_place(x.as_mut());
            for (k, &col) in columns.iter().enumerate() {
                let beta: Vec<f64> = (0..d).map(|i| x[(i, k)]).collect();
                if !beta.iter().all(|b| b.is_finite()) {
                    return None;
                }
                solutions.push((group.members[col].0, beta));
            }
        }
        Some(solutions)
    }
}

/// Solves every group's systems at `lambda` and assembles the readout.
fn solve_readout(
    systems: &[NormalEquations],
    groups: &[MaskGroup],
    lambda: f64,
    n: usize,
) -> Option<Readout> {
    let n_out = groups.iter().map(|g| g.members.len()).sum();
    let mut w_out = Array2::zeros((n, n_out));
    let mut b_out = Array1::zeros(n_out);
    for (system, group) in systems.iter().zip(groups) {
        for (j, beta) in system.solve(group, lambda)? {
            w_out.column_mut(j).assign(&ArrayView1::from(&beta[..n]));
            b_out[j] = beta[n];
        }
    }
    Some(Readout {
        w_out,
        b_out,
        lambda,
    })
}

/// The lsq loss of SPEC.md §2.2 over all batches: the mean over every entry of
/// `((y − ŷ)·m)²`.
fn lsq_loss(readout: &Readout, batches: &[TrialBatch], hidden: &[Array3<f32>]) -> f64 {
    let parts: Vec<(f64, usize)> = batches
        .par_iter()
        .zip(hidden)
        .map(|(batch, h)| {
            let out = readout.apply(h.view());
            let mut sum = 0.0;
            Zip::from(&out)
                .and(&batch.targets)
                .and(&batch.mask)
                .for_each(|&o, &y, &m| {
                    let e = (f64::from(y) - f64::from(o)) * f64::from(m);
                    sum += e * e;
                });
            (sum, out.len())
        })
        .collect();
    let (sum, count) = parts
        .iter()
        .fold((0.0, 0usize), |(s, c), (ps, pc)| (s + ps, c + pc));
    sum / count as f64
}

fn logit(y: f64) -> f64 {
    let y = y.clamp(LOGIT_CLIP, 1.0 - LOGIT_CLIP);
    (y / (1.0 - y)).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
