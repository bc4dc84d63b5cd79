//! Exact information flux I[x(t); x(t+1)] of a [`BinaryNetwork`] by enumerating its 2^N states
//! (SPEC.md §7), without the dense 2^N × 2^N transition matrix.
//!
//! ## The transition operator ([`Transition`])
//! Synchronous update: $T(s \to s') = \prod_i k_i(s, s'_i)$ with $k_i(s, 1) = p_i(s)$,
//! $k_i(s, 0) = 1 - p_i(s)$. Each $p_i$ depends on the whole source state, so a generic
//! network gives no sub-$4^N$ way to apply $T$; what the factorisation does give is a
//! **split GEMM**: the target's bits are split into a low half $a$ ($n_A = \lfloor N/2
//! \rfloor$ neurons) and a high half $b$, $T(s, (a, b)) = T_A(s, a)\,T_B(s, b)$, so
//! $$q(a, b) = \sum_s T_A(s, a)\,\pi(s)\,T_B(s, b) = \big(T_A^{\top} \operatorname{diag}(\pi)
//! T_B\big)(a, b).$$
//! $T_A$ ($2^{n_A} \times 2^N$) and $T_B$ are built once (each row by $n$ doublings of a
//! tensor product), so one application costs $4^N$ multiply-adds in a cache-blocked GEMM
//! (faer, `Par::Seq`) and $O(2^{1.5N})$ memory instead of $4^N$ (N = 16: 2 × 128 MiB instead
//! of 32 GiB). The output's columns $b$ are cut into fixed chunks of [`CHUNK`] columns, one
//! rayon task each: every entry is summed in an order that does not depend on the thread
//! count, so results are bitwise identical on any number of threads.
//!
//! Asynchronous update (one neuron, uniform, updates): row $s$ has at most N + 1 non-zeros,
//! $T(s \to s \oplus e_i) = r_i(s) / N$ with $r_i$ the probability that neuron i changes, and
//! the rest on $s$ itself; one application is an $O(2^N N)$ gather.
//!
//! ## The flux
//! With $x(t) \sim p$ and $q = pT$:
//! $I = \sum_{s,s'} p(s) T(s\to s') \ln\frac{T(s\to s')}{q(s')} = H(q) - \sum_s p(s)\,H(T(s,\cdot))$,
//! and for the synchronous update $H(T(s,\cdot)) = \sum_i h(p_i(s))$ (the row factorises), so
//! once $q$ is known the flux costs $O(2^N N)$. At stationarity ($p = \pi$, $q = \pi$) the
//! second term is the conditional entropy rate $H(x(t+1) \mid x(t))$.
//!
//! ## The stationary distribution ([`stationary`])
//! Power iteration from the uniform distribution, stopped when successive iterates differ by
//! ≤ `tolerance` in total variation (default 1e-12); for N ≤ [`DIRECT_MAX_NEURONS`]
//! ([`StationaryMethod::Auto`]) the singular system $\pi (T - I) = 0$, $\sum \pi = 1$ is
//! first solved directly (dense LU, $O(8^N)$ for tiny N), then polished by power iteration,
//! which handles slowly mixing (metastable) networks at small N. Above, a chain that power
//! iteration has not settled after [`KRYLOV_AFTER`] iterations (a slowly mixing one) is
//! finished by restarted GMRES on a non-singular form of the same system, applied through
//! the same split GEMM, with the same stopping rule. All transition
//! probabilities of a logistic network are > 0 (unless they underflow), so the chain is
//! irreducible and aperiodic and π is unique.

use faer::linalg::solvers::Solve;
use faer::{Accum, Mat, MatMut, MatRef, Par};
use rayon::prelude::*;

use super::network::{BinaryNetwork, Update};
use crate::error::{NetsError, Result, check_memory, ensure_param};

/// The largest N the exact functions accept (2^N states; the memory budget may refuse less).
pub const MAX_EXACT_NEURONS: usize = 20;

/// The largest N for which [`StationaryMethod::Auto`] solves for π directly (dense LU).
pub const DIRECT_MAX_NEURONS: usize = 10;

/// Output columns per rayon task in the synchronous application of T.
pub const CHUNK: usize = 32;

/// How π is found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StationaryMethod {
    /// Direct solve for N ≤ [`DIRECT_MAX_NEURONS`], then power iteration; above, power
    /// iteration for up to [`KRYLOV_AFTER`] iterations, then restarted GMRES (the default).
    #[default]
    Auto,
    /// Power iteration from the uniform distribution only.
    Power,
    /// Restarted GMRES from the uniform distribution only (see [`stationary`]).
    Krylov,
}

/// Settings of the exact computation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExactOptions {
    /// Stop when successive iterates of π differ by at most this in total variation
    /// (default 1e-12).
    pub tolerance: f64,
    /// The most power iterations (default 10 000; one iteration at N = 16 is a few tenths of
    /// a second on two cores, so strongly metastable networks at large N are refused with
    /// [`NetsError::Numerical`] rather than run for hours).
    pub max_iterations: usize,
    /// How π is found (default [`StationaryMethod::Auto`]).
    pub method: StationaryMethod,
}

impl Default for ExactOptions {
    fn default() -> Self {
        Self {
            tolerance: 1e-12,
            max_iterations: 10_000,
            method: StationaryMethod::Auto,
        }
    }
}

/// The transition operator of a network, ready to be applied to distributions over its 2^N
/// states (state `s` = bit pattern, bit i = neuron i).
#[derive(Clone, Debug)]
pub struct Transition {
    n: usize,
    update: Update,
    /// z_i(s)/T, row-major: `scaled_fields[s * n + i]`.
    scaled_fields: Vec<f64>,
    /// Synchronous only: T_A, column s = the 2^{n_A} probabilities of the low target bits.
    low: Mat<f64>,
    /// Synchronous only: T_B, column s = the 2^{n_B} probabilities of the high target bits.
    high: Mat<f64>,
    low_bits: usize,
    /// Asynchronous only: T(s → s ⊕ e_i) = `change[s * n + i]`.
    change: Vec<f64>,
    /// Asynchronous only: T(s → s).
    stay: Vec<f64>,
}

impl Transition {
    /// The operator of `network`.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] (`network`) for N > [`MAX_EXACT_NEURONS`];
    /// [`NetsError::TooLarge`] (`network`) when the tables would exceed the memory budget.
    pub fn new(network: &BinaryNetwork) -> Result<Self> {
        let n = network.n();
        ensure_param!(
            n <= MAX_EXACT_NEURONS,
            "network",
            "the exact computation enumerates 2^N states and accepts N ≤ {MAX_EXACT_NEURONS}, \
             got N = {n}; use the sampled estimates (simulate) instead"
        );
        let states = 1usize << n;
        let low_bits = n / 2;
        let update = network.update();
        let table_cols = match update {
            Update::Synchronous => (1usize << low_bits) + 2 * (1usize << (n - low_bits)),
            Update::Asynchronous => n + 1,
        };
        // Fields, tables, and ~6 distributions for the iteration.
        let count = (states as u128) * (n as u128 + table_cols as u128 + 6);
        check_budget(count, n)?;
        let mut scaled_fields = vec![0.0; states * n];
        let t = network.temperature();
        scaled_fields
            .par_chunks_mut(n)
            .enumerate()
            .for_each(|(s, row)| {
                network.fields(s as u64, row);
                row.iter_mut().for_each(|z| *z /= t);
            });
        let (low, high) = match update {
            Update::Synchronous => (
                tensor_table(&scaled_fields, n, 0, low_bits),
                tensor_table(&scaled_fields, n, low_bits, n),
            ),
            Update::Asynchronous => (Mat::zeros(0, 0), Mat::zeros(0, 0)),
        };
        let (change, stay) = match update {
            Update::Synchronous => (Vec::new(), Vec::new()),
            Update::Asynchronous => async_tables(&scaled_fields, n),
        };
        Ok(Self {
            n,
            update,
            scaled_fields,
            low,
            high,
            low_bits,
            change,
            stay,
        })
    }

    /// Number of neurons N.
    #[must_use]
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of states 2^N.
    #[must_use]
    pub fn n_states(&self) -> usize {
        1 << self.n
    }

    /// The update schedule.
    #[must_use]
    pub fn update(&self) -> Update {
        self.update
    }

    /// P(y_i = 1 after neuron i updates | state s) = p_i(s).
    #[must_use]
    pub fn fire_probability(&self, s: usize, i: usize) -> f64 {
        super::network::logistic(self.scaled_fields[s * self.n + i])
    }

    /// T(s → s'), the probability of moving from state `s` to state `target` in one step.
    #[must_use]
    pub fn probability(&self, s: usize, target: usize) -> f64 {
        let z = &self.scaled_fields[s * self.n..(s + 1) * self.n];
        match self.update {
            Update::Synchronous => z
                .iter()
                .enumerate()
                .map(|(i, &zi)| super::network::logistic(signed(zi, target, i)))
                .product(),
            Update::Asynchronous => {
                let diff = s ^ target;
                let nf = self.n as f64;
                if diff == 0 {
                    z.iter()
                        .enumerate()
                        .map(|(i, &zi)| super::network::logistic(signed(zi, s, i)))
                        .sum::<f64>()
                        / nf
                } else if diff.is_power_of_two() {
                    let i = diff.trailing_zeros() as usize;
                    super::network::logistic(signed(z[i], target, i)) / nf
                } else {
                    0.0
                }
            }
        }
    }

    /// The entropy of row s, H(T(s, ·)) in nats: Σ_i h(p_i(s)) for the synchronous update.
    #[must_use]
    pub fn row_entropy(&self, s: usize) -> f64 {
        let z = &self.scaled_fields[s * self.n..(s + 1) * self.n];
        match self.update {
            Update::Synchronous => z.iter().map(|&zi| binary_entropy_of_field(zi)).sum(),
            Update::Asynchronous => {
                let nf = self.n as f64;
                let mut stay = 0.0;
                let mut h = 0.0;
                for (i, &zi) in z.iter().enumerate() {
                    // Neuron i changes with probability σ(∓z): ln r = −softplus(±z).
                    let toward = signed(zi, s ^ (1 << i), i);
                    let r = super::network::logistic(toward);
                    let f = r / nf;
                    if f > 0.0 {
                        h -= f * (-softplus(-toward) - nf.ln());
                    }
                    stay += super::network::logistic(-toward);
                }
                let stay = stay / nf;
                if stay > 0.0 {
                    h -= stay * stay.ln();
                }
                h
            }
        }
    }

    /// `out` = p T, the distribution one step after `p`.
    ///
    /// # Errors
    /// [`NetsError::Shape`] (`p`, `out`) unless both have 2^N entries.
    pub fn apply(&self, p: &[f64], out: &mut [f64]) -> Result<()> {
        let states = self.n_states();
        for (argument, len) in [("p", p.len()), ("out", out.len())] {
            if len != states {
                return Err(NetsError::Shape {
                    argument,
                    got: vec![len],
                    expected: format!("[{states}] (one probability per state)"),
                });
            }
        }
        match self.update {
            Update::Synchronous => self.apply_synchronous(p, out),
            Update::Asynchronous => self.apply_asynchronous(p, out),
        }
        Ok(())
    }

    fn apply_synchronous(&self, p: &[f64], out: &mut [f64]) {
        let states = self.n_states();
        let rows = 1usize << self.low_bits;
        let high = self.high.as_ref();
        out.par_chunks_mut(rows * CHUNK)
            .enumerate()
            .for_each(|(c, block)| {
                let cols = block.len() / rows;
                let first = c * CHUNK;
                // M = diag(p) T_B restricted to columns first..first+cols (2^N × cols).
                let m = Mat::<f64>::from_fn(states, cols, |s, j| p[s] * high[(first + j, s)]);
                let dst = MatMut::from_column_major_slice_mut(block, rows, cols);
                faer::linalg::matmul::matmul(
                    dst,
                    Accum::Replace,
                    self.low.as_ref(),
                    m.as_ref(),
                    1.0,
                    Par::Seq,
                );
            });
    }

    fn apply_asynchronous(&self, p: &[f64], out: &mut [f64]) {
        let n = self.n;
        out.par_iter_mut().enumerate().for_each(|(t, q)| {
            // Stay in t, or arrive from t ⊕ e_i by a change of neuron i.
            let mut arrive = 0.0;
            for i in 0..n {
                let s = t ^ (1 << i);
                arrive += p[s] * self.change[s * n + i];
            }
            *q = p[t] * self.stay[t] + arrive;
        });
    }
}

/// The asynchronous transition probabilities: T(s → s ⊕ e_i) = σ(±z_i(s))/N (neuron i drawn
/// and changing) and T(s → s) = Σ_i σ(∓z_i(s))/N.
fn async_tables(fields: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let nf = n as f64;
    let mut change = vec![0.0; fields.len()];
    change.par_chunks_mut(n).enumerate().for_each(|(s, row)| {
        for (i, c) in row.iter_mut().enumerate() {
            *c = super::network::logistic(signed(fields[s * n + i], s ^ (1 << i), i)) / nf;
        }
    });
    let stay = fields
        .par_chunks(n)
        .enumerate()
        .map(|(s, z)| {
            z.iter()
                .enumerate()
                .map(|(i, &zi)| super::network::logistic(signed(zi, s, i)))
                .sum::<f64>()
                / nf
        })
        .collect();
    (change, stay)
}

/// ±z: the argument of σ that gives the probability of neuron i ending in its bit of `target`.
fn signed(z: f64, target: usize, i: usize) -> f64 {
    if target >> i & 1 == 1 { z } else { -z }
}

/// ln(1 + e^x), stable.
fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// h(σ(z)) in nats, accurate in both tails.
fn binary_entropy_of_field(z: f64) -> f64 {
    let p = super::network::logistic(z);
    let q = super::network::logistic(-z);
    // ln p = −softplus(−z), ln(1 − p) = −softplus(z).
    p * softplus(-z) + q * softplus(z)
}

/// The table of target-bit probabilities of neurons lo..hi: column s holds the 2^{hi−lo}
/// products Π_{lo≤i<hi} k_i(s, a_i), built by doubling.
fn tensor_table(fields: &[f64], n: usize, lo: usize, hi: usize) -> Mat<f64> {
    let rows = 1usize << (hi - lo);
    let states = fields.len() / n.max(1);
    let mut data = vec![0.0; rows * states];
    data.par_chunks_mut(rows).enumerate().for_each(|(s, col)| {
        col[0] = 1.0;
        for (k, &z) in fields[s * n + lo..s * n + hi].iter().enumerate() {
            let on = super::network::logistic(z);
            let off = super::network::logistic(-z);
            for j in 0..1usize << k {
                col[j | 1 << k] = col[j] * on;
                col[j] *= off;
            }
        }
    });
    MatRef::from_column_major_slice(&data, rows, states).to_owned()
}

fn check_budget(count: u128, n: usize) -> Result<()> {
    check_memory(
        "network",
        &format!("the exact computation over 2^{n} states"),
        infoscope_budget::bytes_of(count, 8),
        "use fewer neurons, or simulate and estimate the flux of a subset",
    )
}

/// The stationary distribution and how it was reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Stationary {
    /// π over the 2^N states.
    pub distribution: Vec<f64>,
    /// Power iterations run (after the direct solve, if any).
    pub iterations: usize,
    /// Total variation between the last two iterates.
    pub residual: f64,
    /// The last ratio of successive residuals, an estimate of |λ₂| (the chain's contraction
    /// per step; 0 when the first iteration converged). The distance to the true π is about
    /// `residual · contraction / (1 − contraction)`, larger than `residual` for slowly
    /// mixing chains.
    pub contraction: f64,
}

/// The stationary distribution π of `transition` (see the module documentation).
///
/// # Errors
/// [`NetsError::InvalidParameter`] (`tolerance`) unless it is finite and > 0;
/// [`NetsError::Numerical`] when power iteration has not converged after `max_iterations`.
pub fn stationary(transition: &Transition, options: &ExactOptions) -> Result<Stationary> {
    ensure_param!(
        options.tolerance.is_finite() && options.tolerance > 0.0,
        "tolerance",
        "must be finite and > 0, got {}",
        options.tolerance
    );
    let states = transition.n_states();
    let uniform = || vec![1.0 / states as f64; states];
    let (p, power_budget, krylov) = match options.method {
        StationaryMethod::Auto if transition.n() <= DIRECT_MAX_NEURONS => (
            direct(transition).unwrap_or_else(uniform),
            options.max_iterations,
            false,
        ),
        StationaryMethod::Auto => (uniform(), KRYLOV_AFTER.min(options.max_iterations), true),
        StationaryMethod::Power => (uniform(), options.max_iterations, false),
        StationaryMethod::Krylov => (uniform(), 0, true),
    };
    let mut power = power_iteration(transition, p, power_budget, options.tolerance)?;
    if power.residual <= options.tolerance {
        return Ok(power);
    }
    if krylov {
        let budget = options.max_iterations.saturating_sub(power.iterations);
        let start = std::mem::take(&mut power.distribution);
        let mut k = gmres(transition, start, budget, options.tolerance)?;
        k.iterations += power.iterations;
        k.contraction = power.contraction;
        if k.residual <= options.tolerance {
            return Ok(k);
        }
        power = k;
    }
    Err(NetsError::Numerical {
        what: "the stationary distribution",
        detail: format!(
            "total variation between π and πT still {:.3e} > {} after {} applications of T \
             ({}); raise max_iterations or the tolerance",
            power.residual,
            options.tolerance,
            power.iterations,
            if krylov {
                "power iteration, then restarted GMRES"
            } else {
                "power iteration"
            }
        ),
    })
}

/// Power iterations from `p` until the total variation between iterates is ≤ `tolerance`
/// or `budget` iterations ran (the result then holds the last iterate and its residual).
fn power_iteration(
    transition: &Transition,
    mut p: Vec<f64>,
    budget: usize,
    tolerance: f64,
) -> Result<Stationary> {
    let mut next = vec![0.0; p.len()];
    let mut residual = f64::INFINITY;
    let mut contraction = 0.0;
    let mut iterations = 0;
    while iterations < budget {
        iterations += 1;
        transition.apply(&p, &mut next)?;
        let total: f64 = next.iter().sum();
        next.iter_mut().for_each(|v| *v /= total);
        let previous = residual;
        residual = total_variation(&p, &next);
        contraction = if previous.is_finite() && previous > 0.0 {
            residual / previous
        } else {
            0.0
        };
        std::mem::swap(&mut p, &mut next);
        if residual <= tolerance {
            break;
        }
    }
    Ok(Stationary {
        distribution: p,
        iterations,
        residual,
        contraction,
    })
}

/// Total variation ½ Σ |a − b|.
fn total_variation(a: &[f64], b: &[f64]) -> f64 {
    0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>()
}

/// Power iterations the [`StationaryMethod::Auto`] route runs (above
/// [`DIRECT_MAX_NEURONS`]) before it switches to restarted GMRES.
pub const KRYLOV_AFTER: usize = 200;

/// The Krylov subspace dimension of one GMRES cycle.
pub const GMRES_RESTART: usize = 30;

/// π by restarted GMRES on the non-singular system $(I - T^{\top} + u\mathbf{1}^{\top})\,x = u$
/// with $u$ uniform (π is its unique solution for an irreducible chain: $\mathbf 1^{\top}\pi
/// = 1$ turns the rank-one term into $u$), applying $T^{\top}$ by [`Transition::apply`]. Each
/// cycle of at most [`GMRES_RESTART`] Arnoldi steps (modified Gram–Schmidt, Givens
/// rotations) ends with x clipped at 0, normalised, and checked by the same total variation
/// between x and xT as power iteration; `budget` bounds the applications of T. Converges in
/// far fewer applications than power iteration when the chain mixes slowly (|λ₂| near 1),
/// as GMRES needs about √ of the steps a stationary iteration needs on such spectra. All
/// sums run in a fixed order: the result does not depend on the thread count.
fn gmres(
    transition: &Transition,
    mut x: Vec<f64>,
    budget: usize,
    tolerance: f64,
) -> Result<Stationary> {
    let states = x.len();
    let m = GMRES_RESTART.min(states);
    check_budget((states * (m + 3)) as u128, transition.n())?;
    let u = 1.0 / states as f64;
    let mut tx = vec![0.0; states];
    // y = M v = v − vT + u · Σv.
    let apply_m = |v: &[f64], out: &mut [f64], tx: &mut [f64]| -> Result<()> {
        transition.apply(v, tx)?;
        let sum: f64 = v.iter().sum();
        for ((o, a), b) in out.iter_mut().zip(v).zip(tx.iter()) {
            *o = a - b + u * sum;
        }
        Ok(())
    };
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut used = 0;
    let mut residual = f64::INFINITY;
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(m + 1);
    let mut w = vec![0.0; states];
    while used < budget {
        // r = u − M x.
        apply_m(&x, &mut w, &mut tx)?;
        used += 1;
        let mut r: Vec<f64> = w.iter().map(|v| u - v).collect();
        let beta = dot(&r, &r).sqrt();
        if beta == 0.0 {
            break;
        }
        r.iter_mut().for_each(|v| *v /= beta);
        basis.clear();
        basis.push(r);
        let mut h = vec![vec![0.0; m]; m + 1];
        let (mut cs, mut sn) = (vec![0.0; m], vec![0.0; m]);
        let mut g = vec![0.0; m + 1];
        g[0] = beta;
        let mut k = 0;
        while k < m && used < budget {
            apply_m(&basis[k], &mut w, &mut tx)?;
            used += 1;
            for (i, v) in basis.iter().enumerate() {
                let hik = dot(&w, v);
                h[i][k] = hik;
                w.iter_mut().zip(v).for_each(|(a, b)| *a -= hik * b);
            }
            let norm = dot(&w, &w).sqrt();
            h[k + 1][k] = norm;
            for i in 0..k {
                let (a, b) = (h[i][k], h[i + 1][k]);
                h[i][k] = cs[i] * a + sn[i] * b;
                h[i + 1][k] = -sn[i] * a + cs[i] * b;
            }
            let (a, b) = (h[k][k], h[k + 1][k]);
            let rho = a.hypot(b);
            (cs[k], sn[k]) = if rho == 0.0 {
                (1.0, 0.0)
            } else {
                (a / rho, b / rho)
            };
            h[k][k] = rho;
            h[k + 1][k] = 0.0;
            g[k + 1] = -sn[k] * g[k];
            g[k] *= cs[k];
            k += 1;
            if norm == 0.0 || g[k].abs() <= tolerance * 1e-3 * beta.max(1e-300) {
                break;
            }
            basis.push(w.iter().map(|v| v / norm).collect());
        }
        // Solve the k × k upper-triangular system and update x.
        let mut y = vec![0.0; k];
        for i in (0..k).rev() {
            let s: f64 = (i + 1..k).map(|j| h[i][j] * y[j]).sum();
            y[i] = if h[i][i] == 0.0 {
                0.0
            } else {
                (g[i] - s) / h[i][i]
            };
        }
        for (yi, v) in y.iter().zip(&basis) {
            x.iter_mut().zip(v).for_each(|(a, b)| *a += yi * b);
        }
        // A distribution again, checked as power iteration checks its iterates.
        x.iter_mut().for_each(|v| *v = v.max(0.0));
        let total: f64 = x.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            return Err(NetsError::Numerical {
                what: "the stationary distribution (GMRES)",
                detail: "the iterate lost all probability mass".to_owned(),
            });
        }
        x.iter_mut().for_each(|v| *v /= total);
        transition.apply(&x, &mut tx)?;
        used += 1;
        let t: f64 = tx.iter().sum();
        tx.iter_mut().for_each(|v| *v /= t);
        residual = total_variation(&x, &tx);
        if residual <= tolerance {
            break;
        }
    }
    Ok(Stationary {
        distribution: x,
        iterations: used,
        residual,
        contraction: 0.0,
    })
}

/// π from the dense system (T^T − I) π = 0 with the last equation replaced by Σ π = 1;
/// `None` if the solution is not a finite non-negative distribution.
fn direct(transition: &Transition) -> Option<Vec<f64>> {
    let states = transition.n_states();
    let mut a = Mat::<f64>::from_fn(states, states, |t, s| transition.probability(s, t));
    for d in 0..states {
        a[(d, d)] -= 1.0;
    }
    for s in 0..states {
        a[(states - 1, s)] = 1.0;
    }
    let mut rhs = Mat::<f64>::zeros(states, 1);
    rhs[(states - 1, 0)] = 1.0;
    let x = a.partial_piv_lu().solve(&rhs);
    let mut p: Vec<f64> = (0..states).map(|s| x[(s, 0)].max(0.0)).collect();
    let total: f64 = p.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return None;
    }
    p.iter_mut().for_each(|v| *v /= total);
    Some(p)
}

/// I[x(t); x(t+1)] and its parts, in nats (bits by the methods).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Flux {
    /// I[x(t); x(t+1)], nats.
    pub information_nats: f64,
    /// H(x(t+1)), the entropy of q = pT, nats.
    pub next_entropy_nats: f64,
    /// H(x(t+1) | x(t)) = Σ_s p(s) H(T(s, ·)), nats (the entropy rate at stationarity).
    pub conditional_entropy_nats: f64,
}

impl Flux {
    /// I[x(t); x(t+1)] in bits.
    #[must_use]
    pub fn information_bits(&self) -> f64 {
        self.information_nats / std::f64::consts::LN_2
    }

    /// H(x(t+1)) in bits.
    #[must_use]
    pub fn next_entropy_bits(&self) -> f64 {
        self.next_entropy_nats / std::f64::consts::LN_2
    }

    /// H(x(t+1) | x(t)) in bits.
    #[must_use]
    pub fn conditional_entropy_bits(&self) -> f64 {
        self.conditional_entropy_nats / std::f64::consts::LN_2
    }
}

/// The stationary flux of a network with its stationary distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct StationaryFlux {
    /// The flux at stationarity (x(t) ~ π).
    pub flux: Flux,
    /// π and its convergence.
    pub stationary: Stationary,
}

/// The stationary information flux I[x(t); x(t+1)] of `network` (x(t) ~ π).
///
/// # Errors
/// As [`Transition::new`] and [`stationary`].
pub fn stationary_flux(network: &BinaryNetwork, options: &ExactOptions) -> Result<StationaryFlux> {
    let transition = Transition::new(network)?;
    let stationary = stationary(&transition, options)?;
    let flux = flux_from(&transition, &stationary.distribution)?;
    Ok(StationaryFlux { flux, stationary })
}

/// I[x(t); x(t+1)] with x(t) ~ `p` (any distribution over the 2^N states).
///
/// # Errors
/// [`NetsError::Shape`] (`p`) unless it has 2^N entries.
pub fn flux_from(transition: &Transition, p: &[f64]) -> Result<Flux> {
    let mut q = vec![0.0; transition.n_states()];
    transition.apply(p, &mut q)?;
    let next_entropy_nats = entropy(&q);
    let conditional_entropy_nats: f64 = p
        .par_chunks(1024)
        .enumerate()
        .map(|(c, chunk)| {
            chunk
                .iter()
                .enumerate()
                .filter(|(_, ps)| **ps > 0.0)
                .map(|(k, ps)| ps * transition.row_entropy(c * 1024 + k))
                .sum::<f64>()
        })
        .collect::<Vec<_>>()
        .iter()
        .sum();
    Ok(Flux {
        information_nats: next_entropy_nats - conditional_entropy_nats,
        next_entropy_nats,
        conditional_entropy_nats,
    })
}

/// p0 T^steps: the distribution `steps` steps after `p0`.
///
/// # Errors
/// [`NetsError::Shape`] (`p0`) unless it has 2^N entries; [`NetsError::InvalidParameter`]
/// (`p0`) unless it is a distribution (entries ≥ 0, finite, summing to 1 within 1e-9).
pub fn propagate(transition: &Transition, p0: &[f64], steps: usize) -> Result<Vec<f64>> {
    let states = transition.n_states();
    if p0.len() != states {
        return Err(NetsError::Shape {
            argument: "p0",
            got: vec![p0.len()],
            expected: format!("[{states}] (one probability per state)"),
        });
    }
    let total: f64 = p0.iter().sum();
    ensure_param!(
        p0.iter().all(|v| v.is_finite() && *v >= 0.0) && (total - 1.0).abs() <= 1e-9,
        "p0",
        "must be a probability distribution (entries ≥ 0 summing to 1), sums to {total}"
    );
    let mut p = p0.to_vec();
    let mut next = vec![0.0; states];
    for _ in 0..steps {
        transition.apply(&p, &mut next)?;
        std::mem::swap(&mut p, &mut next);
    }
    Ok(p)
}

/// I[x(t); x(t+1)] for a chain started in `p0` at time 0: the flux of p0 T^t.
///
/// # Errors
/// As [`propagate`].
pub fn transient_flux(transition: &Transition, p0: &[f64], t: usize) -> Result<Flux> {
    let p = propagate(transition, p0, t)?;
    flux_from(transition, &p)
}

/// −Σ p ln p in nats, summed in fixed chunks (deterministic on any thread count).
#[must_use]
pub fn entropy(p: &[f64]) -> f64 {
    p.par_chunks(1024)
        .map(|c| {
            c.iter()
                .filter(|v| **v > 0.0)
                .map(|v| -v * v.ln())
                .sum::<f64>()
        })
        .collect::<Vec<_>>()
        .iter()
        .sum()
}
