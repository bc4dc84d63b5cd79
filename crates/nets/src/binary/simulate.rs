//! Seeded simulation of stochastic binary networks of any size (SPEC.md §7, "Large N"), the
//! correlation moments of a run, and the plug-in flux of a small subset of neurons.
//!
//! [`BinaryNetwork`] packs a state into a `u64` and caps N at 63 for the exact path; the
//! simulator has its own network ([`Simulator`], N ≤ [`MAX_SIMULATED_NEURONS`]) and its own
//! state type: N bits in ⌈N/64⌉ `u64` words. Fields are kept in `f32`, with the weights
//! stored column by column (the column of source j = the weights *from* j), so
//! - a synchronous step sums the columns of the active neurons (binary coding; the spin coding
//!   is rewritten as $z = b - \sum_j W_{ij} + 2\sum_{j\,\mathrm{on}} W_{ij}$), O(N · active),
//!   or adds ± the columns of the neurons that changed, O(N · changed), whichever is fewer;
//! - an asynchronous step updates one neuron and, if it changed, adds ± its column to the
//!   fields, O(N).
//!
//! Randomness: one Xoshiro256++ stream from the seed; the initial state is uniform, then
//! `burn_in` steps are discarded and `steps` states recorded. The run is sequential, so the
//! same seed gives the same run on any thread count.

use infoscope_nn::activation::{SimdKernel, vectorize};
use ndarray::{ArrayView1, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::network::{BinaryNetwork, Coding, Update, check_parameters, logistic};
use super::proxy::Moments;
use crate::error::{Result, check_memory, ensure_param};

/// The most neurons the simulator accepts.
pub const MAX_SIMULATED_NEURONS: usize = 1 << 16;

/// The most neurons in a plug-in flux subset (4^k histogram bins).
pub const MAX_PLUGIN_NEURONS: usize = 10;

/// Rows per task in the synchronous field computation.
const ROW_BLOCK: usize = 512;

/// Synchronous steps between full recomputations of the fields.
const REFRESH: usize = 64;

/// Multiply-adds per step above which the field computation runs on rayon.
const PARALLEL_WORK: usize = 1 << 16;

/// A network prepared for simulation.
#[derive(Clone, Debug)]
pub struct Simulator {
    n: usize,
    /// Column j (contiguous, N entries) = the weights from neuron j, times 2 for spins.
    columns: Vec<f32>,
    /// The fields of the all-off state.
    base: Vec<f32>,
    temperature: f32,
    update: Update,
}

/// A recorded run: `steps` states of N bits, ⌈N/64⌉ words each, bit i of word i/64 = neuron i.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// N.
    pub n: usize,
    /// Words per state.
    pub words: usize,
    /// The states, `steps × words`, row-major.
    pub states: Vec<u64>,
}

impl Run {
    /// Number of recorded steps.
    #[must_use]
    pub fn len(&self) -> usize {
        self.states.len() / self.words.max(1)
    }

    /// Whether no step was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The state at step `t` as words.
    #[must_use]
    pub fn state(&self, t: usize) -> &[u64] {
        &self.states[t * self.words..(t + 1) * self.words]
    }

    /// Neuron i's bit at step t.
    #[must_use]
    pub fn bit(&self, t: usize, i: usize) -> bool {
        self.states[t * self.words + i / 64] >> (i % 64) & 1 == 1
    }
}

impl Simulator {
    /// A simulator for weights `W` (`N × N`, W_ij from j to i), biases, coding, temperature
    /// and schedule.
    ///
    /// # Errors
    /// [`NetsError::Shape`](crate::NetsError::Shape) (`weights`, `bias`) unless W is square with
    /// 1 ≤ N ≤ [`MAX_SIMULATED_NEURONS`] and b has N entries;
    /// [`NetsError::InvalidParameter`](crate::NetsError::InvalidParameter) for non-finite values or temperature ≤ 0.
    pub fn new(
        weights: ArrayView2<'_, f64>,
        bias: ArrayView1<'_, f64>,
        coding: Coding,
        temperature: f64,
        update: Update,
    ) -> Result<Self> {
        let n = check_parameters(weights, bias, temperature, MAX_SIMULATED_NEURONS)?;
        let scale = match coding {
            Coding::Binary => 1.0,
            Coding::Spin => 2.0,
        };
        let mut columns = vec![0.0f32; n * n];
        for j in 0..n {
            for i in 0..n {
                columns[j * n + i] = (scale * weights[[i, j]]) as f32;
            }
        }
        let base = (0..n)
            .map(|i| match coding {
                Coding::Binary => bias[i] as f32,
                Coding::Spin => (bias[i] - weights.row(i).sum()) as f32,
            })
            .collect();
        Ok(Self {
            n,
            columns,
            base,
            temperature: temperature as f32,
            update,
        })
    }

    /// The simulator of a [`BinaryNetwork`].
    ///
    /// # Errors
    /// As [`Simulator::new`].
    pub fn from_network(network: &BinaryNetwork) -> Result<Self> {
        Self::new(
            network.weights(),
            network.bias(),
            network.coding(),
            network.temperature(),
            network.update(),
        )
    }

    /// Number of neurons N.
    #[must_use]
    pub fn n(&self) -> usize {
        self.n
    }

    /// A run of `steps` recorded states after `burn_in` discarded ones, from `seed`. For the
    /// asynchronous schedule a step is one single-neuron update.
    ///
    /// # Errors
    /// [`NetsError::TooLarge`](crate::NetsError::TooLarge) (`steps`) when the record would exceed the memory budget.
    pub fn run(&self, seed: u64, burn_in: usize, steps: usize) -> Result<Run> {
        let words = self.n.div_ceil(64);
        let count = (steps as u128) * (words as u128);
        check_memory(
            "steps",
            &format!("a record of {steps} states of {} neurons", self.n),
            infoscope_budget::bytes_of(count, 8),
            "record fewer steps",
        )?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut state = vec![0u64; words];
        for i in 0..self.n {
            if rng.next_u64() >> 63 == 1 {
                state[i / 64] |= 1 << (i % 64);
            }
        }
        let mut fields = self.fields_of(&state);
        let mut states = Vec::with_capacity(steps * words);
        for t in 0..burn_in + steps {
            match self.update {
                Update::Synchronous => {
                    self.step_synchronous(&mut state, &mut fields, &mut rng, t);
                }
                Update::Asynchronous => self.step_asynchronous(&mut state, &mut fields, &mut rng),
            }
            if t >= burn_in {
                states.extend_from_slice(&state);
            }
        }
        Ok(Run {
            n: self.n,
            words,
            states,
        })
    }

    /// The fields of `state`: the base plus the columns of the active neurons.
    fn fields_of(&self, state: &[u64]) -> Vec<f32> {
        let active: Vec<(usize, f32)> = (0..self.n)
            .filter(|j| state[j / 64] >> (j % 64) & 1 == 1)
            .map(|j| (j, 1.0))
            .collect();
        let mut z = self.base.clone();
        self.add_columns(&mut z, &active);
        z
    }

    /// `z` += Σ sign_j · column j over `terms`, summed in the order of `terms` for every row;
    /// rows are cut into fixed blocks of [`ROW_BLOCK`], one rayon task each (so the sums do
    /// not depend on the thread count).
    fn add_columns(&self, z: &mut [f32], terms: &[(usize, f32)]) {
        let n = self.n;
        let add = |(b, block): (usize, &mut [f32])| {
            vectorize(AddColumns {
                block,
                columns: &self.columns,
                terms,
                n,
                lo: b * ROW_BLOCK,
            });
        };
        if n * terms.len() >= PARALLEL_WORK {
            z.par_chunks_mut(ROW_BLOCK).enumerate().for_each(add);
        } else {
            z.chunks_mut(ROW_BLOCK).enumerate().for_each(add);
        }
    }

    /// One synchronous step. The new fields are the old ones plus ± the columns of the
    /// neurons that changed when fewer changed than are active (near-deterministic networks
    /// change few), otherwise recomputed; they are always recomputed every [`REFRESH`] steps,
    /// which bounds the `f32` rounding drift of the incremental updates.
    fn step_synchronous(
        &self,
        state: &mut [u64],
        fields: &mut Vec<f32>,
        rng: &mut impl Rng,
        step: usize,
    ) {
        let t = f64::from(self.temperature);
        let previous = state.to_vec();
        state.iter_mut().for_each(|w| *w = 0);
        for (i, z) in fields.iter().enumerate() {
            if uniform(rng) < logistic(f64::from(*z) / t) {
                state[i / 64] |= 1 << (i % 64);
            }
        }
        let changed: u32 = state
            .iter()
            .zip(&previous)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum();
        let active: u32 = state.iter().map(|w| w.count_ones()).sum();
        if step.is_multiple_of(REFRESH) || changed >= active {
            *fields = self.fields_of(state);
            return;
        }
        let mut terms = Vec::with_capacity(changed as usize);
        for (w, (a, b)) in state.iter().zip(&previous).enumerate() {
            let mut bits = a ^ b;
            while bits != 0 {
                let k = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                terms.push((w * 64 + k, if a >> k & 1 == 1 { 1.0 } else { -1.0 }));
            }
        }
        self.add_columns(fields, &terms);
    }

    fn step_asynchronous(&self, state: &mut [u64], fields: &mut [f32], rng: &mut impl Rng) {
        let n = self.n;
        let i = (uniform(rng) * n as f64) as usize % n;
        let on = uniform(rng) < logistic(f64::from(fields[i]) / f64::from(self.temperature));
        let was = state[i / 64] >> (i % 64) & 1 == 1;
        if on != was {
            state[i / 64] ^= 1 << (i % 64);
            let col = &self.columns[i * n..(i + 1) * n];
            let sign = if on { 1.0 } else { -1.0 };
            fields.iter_mut().zip(col).for_each(|(a, c)| *a += sign * c);
        }
    }
}

/// `block` += sign · the rows `lo..lo + block.len()` of each column in `terms`, in order
/// (compiled for AVX2 where the CPU has it).
struct AddColumns<'a> {
    block: &'a mut [f32],
    columns: &'a [f32],
    terms: &'a [(usize, f32)],
    n: usize,
    lo: usize,
}

impl SimdKernel for AddColumns<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let len = self.block.len();
        for &(j, sign) in self.terms {
            let start = j * self.n + self.lo;
            let col = &self.columns[start..start + len];
            self.block
                .iter_mut()
                .zip(col)
                .for_each(|(a, c)| *a += sign * c);
        }
    }
}

/// `out[j]` = Σ_w popcount(a[w] & b_j[w]) for the `blocks`-word columns b_j of `all`
/// (compiled with the POPCNT instruction where the CPU has it).
struct PairCounts<'a> {
    a: &'a [u64],
    all: &'a [u64],
    out: &'a mut [u64],
}

impl SimdKernel for PairCounts<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let blocks = self.a.len();
        for (j, o) in self.out.iter_mut().enumerate() {
            let b = &self.all[j * blocks..(j + 1) * blocks];
            *o = self
                .a
                .iter()
                .zip(b)
                .map(|(x, y)| u64::from((x & y).count_ones()))
                .sum();
        }
    }
}

/// A uniform draw in [0, 1) with 53 bits.
fn uniform(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The sample moments of (y(t), y(t+1)) over the L − 1 consecutive pairs of a run, counted
/// exactly with integer popcounts over blocks of 64 steps (O(N² L / 64)).
///
/// # Errors
/// [`NetsError::InvalidParameter`](crate::NetsError::InvalidParameter) (`run`) for fewer than 2 steps.
pub fn run_moments(run: &Run) -> Result<Moments> {
    let len = run.len();
    ensure_param!(len >= 2, "run", "needs at least 2 steps, got {len}");
    let n = run.n;
    let pairs = len - 1;
    // Per neuron, bit-columns over t = 0..L−1 (now) and t = 1..L (next), 64 steps a word.
    let blocks = pairs.div_ceil(64);
    let column = |offset: usize| -> Vec<u64> {
        let mut cols = vec![0u64; n * blocks];
        for t in 0..pairs {
            let st = run.state(t + offset);
            for (w, &word) in st.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    let i = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    cols[i * blocks + t / 64] |= 1 << (t % 64);
                }
            }
        }
        cols
    };
    let now = column(0);
    let next = column(1);
    let ones = |c: &[u64]| -> u64 { c.iter().map(|x| u64::from(x.count_ones())).sum() };
    let rows: Vec<(Vec<u64>, Vec<u64>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let ci = &now[i * blocks..(i + 1) * blocks];
            let mut eq = vec![0u64; n];
            let mut lag = vec![0u64; n];
            vectorize(PairCounts {
                a: ci,
                all: &now,
                out: &mut eq,
            });
            vectorize(PairCounts {
                a: ci,
                all: &next,
                out: &mut lag,
            });
            (eq, lag)
        })
        .collect();
    let l = pairs as f64;
    Ok(Moments {
        n,
        mean_now: (0..n)
            .map(|i| ones(&now[i * blocks..(i + 1) * blocks]) as f64 / l)
            .collect(),
        mean_next: (0..n)
            .map(|i| ones(&next[i * blocks..(i + 1) * blocks]) as f64 / l)
            .collect(),
        equal_time: rows
            .iter()
            .flat_map(|(e, _)| e.iter().map(|c| *c as f64 / l))
            .collect(),
        lagged: rows
            .iter()
            .flat_map(|(_, g)| g.iter().map(|c| *c as f64 / l))
            .collect(),
    })
}

/// The plug-in estimate of I[x_S(t); x_S(t+1)] for a subset S of neurons.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PluginFlux {
    /// Plug-in I = H(X) + H(Y) − H(X, Y) from the histograms, nats (biased upwards by about
    /// (m_XY − m_X − m_Y + 1)/(2L) for m occupied bins).
    pub plugin_nats: f64,
    /// The Miller–Madow corrected value: each entropy plus (m − 1)/(2L), nats.
    pub miller_madow_nats: f64,
    /// Pairs counted, L.
    pub pairs: usize,
}

/// Plug-in and Miller–Madow I[x_S(t); x_S(t+1)] from the (x_S(t), x_S(t+1)) histogram of a
/// run, S = `subset` (≤ [`MAX_PLUGIN_NEURONS`] distinct neurons).
///
/// # Errors
/// [`NetsError::InvalidParameter`](crate::NetsError::InvalidParameter) (`subset`) for an empty, too large or out-of-range subset,
/// (`run`) for fewer than 2 steps.
pub fn plugin_flux(run: &Run, subset: &[usize]) -> Result<PluginFlux> {
    let k = subset.len();
    ensure_param!(
        (1..=MAX_PLUGIN_NEURONS).contains(&k) && subset.iter().all(|&i| i < run.n),
        "subset",
        "must name 1 to {MAX_PLUGIN_NEURONS} neurons below N = {}, got {subset:?}",
        run.n
    );
    let len = run.len();
    ensure_param!(len >= 2, "run", "needs at least 2 steps, got {len}");
    let code = |t: usize| -> usize {
        subset
            .iter()
            .enumerate()
            .map(|(b, &i)| usize::from(run.bit(t, i)) << b)
            .sum()
    };
    let m = 1usize << k;
    let mut joint = vec![0u64; m * m];
    for t in 0..len - 1 {
        joint[code(t) * m + code(t + 1)] += 1;
    }
    let mut x = vec![0u64; m];
    let mut y = vec![0u64; m];
    for a in 0..m {
        for b in 0..m {
            x[a] += joint[a * m + b];
            y[b] += joint[a * m + b];
        }
    }
    let l = (len - 1) as f64;
    let h = |c: &[u64]| -> (f64, usize) {
        let occupied = c.iter().filter(|v| **v > 0).count();
        let h = c
            .iter()
            .filter(|v| **v > 0)
            .map(|&v| {
                let p = v as f64 / l;
                -p * p.ln()
            })
            .sum();
        (h, occupied)
    };
    let ((hx, mx), (hy, my), (hxy, mxy)) = (h(&x), h(&y), h(&joint));
    let plugin = hx + hy - hxy;
    let mm = |m: usize| (m as f64 - 1.0) / (2.0 * l);
    Ok(PluginFlux {
        plugin_nats: plugin,
        miller_madow_nats: plugin + mm(mx) + mm(my) - mm(mxy),
        pairs: len - 1,
    })
}
