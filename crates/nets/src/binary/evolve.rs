//! Evolution strategies on the weights (and optionally the biases) of a [`BinaryNetwork`]
//! (SPEC.md §7, "Evolutionary maximization"): (1+λ), (μ+λ) and (μ,λ), seeded, parallel,
//! resumable, with the fitness trajectory recorded.
//!
//! One generation: each of the λ offspring k draws a parent uniformly from the μ parents and
//! adds N(0, σ²) noise to all evolved parameters or to k of them ([`Mutation`]), then folds
//! them into the box |θ| ≤ `w_max` ([`Bound`]). Its fitness is the caller's f(net) minus the
//! penalty α‖θ‖² (θ = the evolved parameters: W, and b when evolved). The μ best of the
//! offspring ([`Selection::Comma`]) or of offspring and parents ([`Selection::Plus`]; an
//! offspring wins a tie with a parent, "keep the offspring if its fitness ≥ the parent's")
//! become the next parents. Without a bound the flux saturates trivially (the dynamics
//! becomes deterministic), so [`EvolutionParams::check`] requires a box or a penalty.
//!
//! **Determinism.** Offspring k of generation g draws from its own Xoshiro256++ stream seeded
//! by (seed, g, k) (initial parents: generation 0); the offspring are evaluated in parallel
//! with rayon and collected in order, so the result does not depend on the thread count, and
//! the state between generations ([`EvolutionState`]) holds no generator: stopping after g
//! generations, saving, loading and resuming reproduces the uninterrupted run exactly.
//!
//! ```
//! use infoscope_nets::binary::{BinaryNetwork, EvolutionParams, TieRule, attractors};
//! use ndarray::{Array1, Array2};
//!
//! // Maximise the basin-weighted mean attractor period of a 4-neuron network, |W_ij| ≤ 4.
//! let fitness = |net: &BinaryNetwork| {
//!     Ok(attractors(net, TieRule::On)?.summary().basin_weighted_mean_period)
//! };
//! let start = BinaryNetwork::synchronous(Array2::zeros((4, 4)), Array1::from_elem(4, -0.5))?;
//! let evolution = EvolutionParams::default()
//!     .lambda(8)
//!     .sigma(1.0)
//!     .w_max(Some(4.0))
//!     .seed(7)
//!     .check()?;
//! let mut state = evolution.start(&start, &fitness)?;
//! state.run(20, &fitness)?;
//! assert!(state.trajectory.windows(2).all(|w| w[1].best >= w[0].best));
//! # Ok::<(), infoscope_nets::NetsError>(())
//! ```

use std::path::Path;

use ndarray::{Array1, Array2};
use rand::seq::index;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::binary::attractors::{AttractorSummary, TieRule, attractors};
use crate::binary::network::BinaryNetwork;
use crate::error::{NetsError, Result, ensure_param};

/// Which individuals compete for the next parents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Selection {
    /// (μ+λ): parents and offspring (elitist; the best fitness never decreases). The default;
    /// with μ = 1 it is the (1+λ) strategy.
    #[default]
    Plus,
    /// (μ,λ): the offspring only (needs λ ≥ μ; the best fitness may decrease).
    Comma,
}

/// Which parameters a mutation perturbs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Mutation {
    /// Every evolved parameter (the default).
    #[default]
    All,
    /// `k` distinct evolved parameters drawn uniformly.
    Subset {
        /// How many (1 ≤ k ≤ the number of evolved parameters).
        k: usize,
    },
}

/// How a parameter outside the box |θ| ≤ `w_max` is brought back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bound {
    /// Set to the nearest face, ±`w_max` (the default).
    #[default]
    Clip,
    /// Mirror at the faces, repeatedly, until inside.
    Reflect,
}

/// The unchecked settings of an evolution strategy (a builder; [`EvolutionParams::check`]
/// validates it). Defaults: μ = 1, λ = 8, [`Selection::Plus`], σ = 0.5, [`Mutation::All`],
/// biases fixed, `w_max` = 10 with [`Bound::Clip`], no penalty, seed 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvolutionParams {
    /// μ, the number of parents.
    pub mu: usize,
    /// λ, the offspring per generation.
    pub lambda: usize,
    /// Plus or comma selection.
    pub selection: Selection,
    /// σ, the standard deviation of the mutation noise.
    pub sigma: f64,
    /// Which parameters a mutation perturbs.
    pub mutation: Mutation,
    /// Whether the biases evolve too.
    pub evolve_bias: bool,
    /// The box |θ| ≤ `w_max` on every evolved parameter, or `None` for no box.
    pub w_max: Option<f64>,
    /// How the box is enforced.
    pub bound: Bound,
    /// α ≥ 0 in fitness − α‖θ‖² (θ = W, and b when evolved).
    pub l2_penalty: f64,
    /// The seed of every random stream.
    pub seed: u64,
}

impl Default for EvolutionParams {
    fn default() -> Self {
        Self {
            mu: 1,
            lambda: 8,
            selection: Selection::Plus,
            sigma: 0.5,
            mutation: Mutation::All,
            evolve_bias: false,
            w_max: Some(10.0),
            bound: Bound::Clip,
            l2_penalty: 0.0,
            seed: 0,
        }
    }
}

macro_rules! setter {
    ($name:ident, $ty:ty, $doc:literal) => {
        #[doc = $doc]
        #[must_use]
        pub fn $name(mut self, $name: $ty) -> Self {
            self.$name = $name;
            self
        }
    };
}

impl EvolutionParams {
    setter!(mu, usize, "Sets μ, the number of parents.");
    setter!(lambda, usize, "Sets λ, the offspring per generation.");
    setter!(selection, Selection, "Sets plus or comma selection.");
    setter!(sigma, f64, "Sets σ, the mutation standard deviation.");
    setter!(
        mutation,
        Mutation,
        "Sets which parameters a mutation perturbs."
    );
    setter!(evolve_bias, bool, "Sets whether the biases evolve.");
    setter!(w_max, Option<f64>, "Sets the box |θ| ≤ w_max (or none).");
    setter!(bound, Bound, "Sets how the box is enforced.");
    setter!(l2_penalty, f64, "Sets α of the penalty α‖θ‖².");
    setter!(seed, u64, "Sets the seed.");

    /// The validated strategy.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] naming the setting: `mu` or `lambda` zero, `lambda` <
    /// `mu` under comma selection, `sigma` not finite and > 0, `mutation` with k = 0, `w_max`
    /// not finite and > 0, `l2_penalty` not finite and ≥ 0, or neither a box nor a penalty
    /// (`w_max`).
    pub fn check(self) -> Result<Evolution> {
        ensure_param!(self.mu >= 1, "mu", "must be ≥ 1, got 0");
        ensure_param!(self.lambda >= 1, "lambda", "must be ≥ 1, got 0");
        ensure_param!(
            self.selection == Selection::Plus || self.lambda >= self.mu,
            "lambda",
            "comma selection needs λ ≥ μ, got λ = {} < μ = {}",
            self.lambda,
            self.mu
        );
        ensure_param!(
            self.sigma.is_finite() && self.sigma > 0.0,
            "sigma",
            "must be finite and > 0, got {}",
            self.sigma
        );
        ensure_param!(
            self.mutation != Mutation::Subset { k: 0 },
            "mutation",
            "a subset mutation needs k ≥ 1, got 0"
        );
        if let Some(w) = self.w_max {
            ensure_param!(
                w.is_finite() && w > 0.0,
                "w_max",
                "must be finite and > 0, got {w}"
            );
        }
        ensure_param!(
            self.l2_penalty.is_finite() && self.l2_penalty >= 0.0,
            "l2_penalty",
            "must be finite and ≥ 0, got {}",
            self.l2_penalty
        );
        ensure_param!(
            self.w_max.is_some() || self.l2_penalty > 0.0,
            "w_max",
            "neither a box (w_max) nor a penalty (l2_penalty > 0): unbounded weights make the \
             flux saturate trivially"
        );
        Ok(Evolution { params: self })
    }
}

/// A validated evolution strategy ([`EvolutionParams::check`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Evolution {
    params: EvolutionParams,
}

/// One network of the population with its fitness.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Individual {
    /// W.
    pub weights: Array2<f64>,
    /// b.
    pub bias: Array1<f64>,
    /// The caller's fitness f(net).
    pub raw_fitness: f64,
    /// The fitness selection uses: f(net) − α‖θ‖².
    pub fitness: f64,
}

/// One row of the fitness trajectory (fitness as selection uses it, penalty included).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerationRecord {
    /// The generation (0 = the initial parents).
    pub generation: u64,
    /// The best fitness among the parents after selection.
    pub best: f64,
    /// The mean fitness of the parents after selection.
    pub mean: f64,
    /// The best offspring fitness of this generation (`None` for generation 0).
    pub best_offspring: Option<f64>,
    /// The mean offspring fitness of this generation (`None` for generation 0).
    pub mean_offspring: Option<f64>,
    /// Fitness evaluations so far.
    pub evaluations: u64,
}

/// Everything a run needs to continue: the settings, the network's fixed parts, the parents
/// (best first), the best individual ever seen and the trajectory. It holds no random
/// generator (streams are derived from (seed, generation, offspring)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvolutionState {
    /// The settings.
    pub params: EvolutionParams,
    /// The initial network (its coding, temperature and update are kept by every offspring).
    pub initial: BinaryNetwork,
    /// The last generation done.
    pub generation: u64,
    /// Fitness evaluations so far.
    pub evaluations: u64,
    /// The μ parents, best first.
    pub parents: Vec<Individual>,
    /// The best individual seen so far (differs from the first parent under comma selection).
    pub best: Individual,
    /// One record per generation, from generation 0.
    pub trajectory: Vec<GenerationRecord>,
}

/// Splitmix64 finaliser (Steele, Lea & Flood 2014).
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream of offspring `k` of generation `generation`.
fn stream(seed: u64, generation: u64, k: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix(mix(mix(seed) ^ generation) ^ k))
}

/// `x` folded into [−m, m] by mirroring at the faces (period 4m).
fn reflect(x: f64, m: f64) -> f64 {
    let y = (x + m).rem_euclid(4.0 * m);
    if y > 2.0 * m { 3.0 * m - y } else { y - m }
}

impl Evolution {
    /// The settings.
    #[must_use]
    pub fn params(&self) -> &EvolutionParams {
        &self.params
    }

    /// The number of evolved parameters of an N-neuron network: N², plus N with the biases.
    fn n_params(&self, n: usize) -> usize {
        n * n + if self.params.evolve_bias { n } else { 0 }
    }

    /// Generation 0: the initial network and μ − 1 mutants of it, evaluated and sorted.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] when an evolved parameter of `initial` lies outside the
    /// box (`initial`) or a subset mutation's k exceeds the evolved parameters (`mutation`);
    /// the fitness function's errors; [`NetsError::Numerical`] for a non-finite fitness.
    pub fn start<F>(&self, initial: &BinaryNetwork, fitness: &F) -> Result<EvolutionState>
    where
        F: Fn(&BinaryNetwork) -> Result<f64> + Sync,
    {
        let n = initial.n();
        if let Mutation::Subset { k } = self.params.mutation {
            ensure_param!(
                k <= self.n_params(n),
                "mutation",
                "a subset of k = {k} of the {} evolved parameters",
                self.n_params(n)
            );
        }
        if let Some(m) = self.params.w_max {
            let bias = self.params.evolve_bias.then(|| initial.bias());
            let outside = initial
                .weights()
                .iter()
                .chain(bias.iter().flat_map(|b| b.iter()))
                .find(|v| v.abs() > m)
                .copied();
            if let Some(v) = outside {
                return Err(NetsError::InvalidParameter {
                    name: "initial",
                    reason: format!("an evolved parameter {v} lies outside the box |θ| ≤ {m}"),
                });
            }
        }
        let first = (initial.weights().to_owned(), initial.bias().to_owned());
        let mut candidates = vec![first.clone()];
        for k in 1..self.params.mu {
            let mut rng = stream(self.params.seed, 0, k as u64);
            candidates.push(self.mutate(&first.0, &first.1, &mut rng));
        }
        let mut parents = self.evaluate(initial, candidates, 0, fitness)?;
        sort_best_first(&mut parents);
        let evaluations = parents.len() as u64;
        let mut state = EvolutionState {
            params: self.params.clone(),
            initial: initial.clone(),
            generation: 0,
            evaluations,
            best: parents[0].clone(),
            trajectory: Vec::new(),
            parents,
        };
        let record = record(&state, None);
        state.trajectory.push(record);
        Ok(state)
    }

    /// Copy of (W, b) with the mutation and the box applied.
    fn mutate(
        &self,
        w: &Array2<f64>,
        b: &Array1<f64>,
        rng: &mut Xoshiro256PlusPlus,
    ) -> (Array2<f64>, Array1<f64>) {
        let (mut w, mut b) = (w.clone(), b.clone());
        let n = b.len();
        let sigma = self.params.sigma;
        let mut perturb = |p: usize, rng: &mut Xoshiro256PlusPlus| {
            let z: f64 = rng.sample(StandardNormal);
            let v = if p < n * n {
                &mut w[[p / n, p % n]]
            } else {
                &mut b[p - n * n]
            };
            *v += sigma * z;
            if let Some(m) = self.params.w_max {
                *v = match self.params.bound {
                    Bound::Clip => v.clamp(-m, m),
                    Bound::Reflect => reflect(*v, m),
                };
            }
        };
        let total = self.n_params(n);
        match self.params.mutation {
            Mutation::All => (0..total).for_each(|p| perturb(p, rng)),
            Mutation::Subset { k } => {
                let picked = index::sample(rng, total, k.min(total));
                picked.iter().for_each(|p| perturb(p, rng));
            }
        }
        (w, b)
    }

    /// Evaluate candidates in parallel, in order.
    fn evaluate<F>(
        &self,
        template: &BinaryNetwork,
        candidates: Vec<(Array2<f64>, Array1<f64>)>,
        generation: u64,
        fitness: &F,
    ) -> Result<Vec<Individual>>
    where
        F: Fn(&BinaryNetwork) -> Result<f64> + Sync,
    {
        let alpha = self.params.l2_penalty;
        let evolve_bias = self.params.evolve_bias;
        candidates
            .into_par_iter()
            .enumerate()
            .map(|(k, (weights, bias))| {
                let net = template.with_parameters(weights, bias)?;
                let raw = fitness(&net)?;
                if !raw.is_finite() {
                    return Err(NetsError::Numerical {
                        what: "fitness",
                        detail: format!("individual {k} of generation {generation} has {raw}"),
                    });
                }
                let mut norm: f64 = net.weights().iter().map(|v| v * v).sum();
                if evolve_bias {
                    norm += net.bias().iter().map(|v| v * v).sum::<f64>();
                }
                Ok(Individual {
                    weights: net.weights().to_owned(),
                    bias: net.bias().to_owned(),
                    raw_fitness: raw,
                    fitness: raw - alpha * norm,
                })
            })
            .collect()
    }

    /// One generation: mutate, evaluate (in parallel), select.
    fn step<F>(&self, state: &mut EvolutionState, fitness: &F) -> Result<()>
    where
        F: Fn(&BinaryNetwork) -> Result<f64> + Sync,
    {
        let generation = state.generation + 1;
        let mu = state.parents.len();
        let candidates: Vec<_> = (0..self.params.lambda)
            .map(|k| {
                let mut rng = stream(self.params.seed, generation, k as u64);
                let parent = &state.parents[rng.random_range(0..mu)];
                self.mutate(&parent.weights, &parent.bias, &mut rng)
            })
            .collect();
        let offspring = self.evaluate(&state.initial, candidates, generation, fitness)?;
        let best_offspring = offspring.iter().map(|o| o.fitness).fold(f64::MIN, f64::max);
        let mean_offspring =
            offspring.iter().map(|o| o.fitness).sum::<f64>() / offspring.len() as f64;
        // Offspring first: a stable sort lets them win ties with the parents.
        let mut pool = offspring;
        if self.params.selection == Selection::Plus {
            pool.append(&mut state.parents);
        }
        sort_best_first(&mut pool);
        pool.truncate(self.params.mu);
        state.parents = pool;
        state.generation = generation;
        state.evaluations += self.params.lambda as u64;
        if state.parents[0].fitness > state.best.fitness {
            state.best = state.parents[0].clone();
        }
        let row = record(state, Some((best_offspring, mean_offspring)));
        state.trajectory.push(row);
        Ok(())
    }
}

/// Sort by fitness, best first, stably.
fn sort_best_first(pop: &mut [Individual]) {
    pop.sort_by(|a, b| b.fitness.total_cmp(&a.fitness));
}

/// The trajectory row of the state's current parents.
fn record(state: &EvolutionState, offspring: Option<(f64, f64)>) -> GenerationRecord {
    let fit = state.parents.iter().map(|p| p.fitness);
    GenerationRecord {
        generation: state.generation,
        best: fit.clone().fold(f64::MIN, f64::max),
        mean: fit.sum::<f64>() / state.parents.len() as f64,
        best_offspring: offspring.map(|o| o.0),
        mean_offspring: offspring.map(|o| o.1),
        evaluations: state.evaluations,
    }
}

impl EvolutionState {
    /// Run `generations` more generations (stopping at the first error; the state then holds
    /// the generations completed before it).
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`] (`state`) when the state is inconsistent (as in
    /// [`EvolutionState::load`]); the fitness function's errors; [`NetsError::Numerical`] for
    /// a non-finite fitness.
    pub fn run<F>(&mut self, generations: u64, fitness: &F) -> Result<()>
    where
        F: Fn(&BinaryNetwork) -> Result<f64> + Sync,
    {
        self.validate().map_err(|e| NetsError::InvalidParameter {
            name: "state",
            reason: e.to_string(),
        })?;
        let evolution = self.params.clone().check()?;
        for _ in 0..generations {
            evolution.step(self, fitness)?;
        }
        Ok(())
    }

    /// The best individual ever seen as a network.
    ///
    /// # Errors
    /// As [`BinaryNetwork::with_parameters`] (never for a state this module made).
    pub fn best_network(&self) -> Result<BinaryNetwork> {
        self.initial
            .with_parameters(self.best.weights.clone(), self.best.bias.clone())
    }

    /// Write the state as JSON, atomically ([`infoscope_io::write_json`]).
    ///
    /// # Errors
    /// [`NetsError::Io`] when the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        Ok(infoscope_io::write_json(path, self)?)
    }

    /// Read a state written by [`EvolutionState::save`], checking that it is consistent.
    ///
    /// # Errors
    /// [`NetsError::Io`] when the file cannot be read or parsed; [`NetsError::InvalidParameter`]
    /// (`state`) when its settings do not check, its parents are not μ networks of the
    /// initial network's size, or a stored fitness is not finite.
    pub fn load(path: &Path) -> Result<Self> {
        let state: Self = infoscope_io::read_json(path)?;
        state.validate().map_err(|e| NetsError::InvalidParameter {
            name: "state",
            reason: format!("{}: {e}", path.display()),
        })?;
        Ok(state)
    }

    fn validate(&self) -> Result<()> {
        self.params.clone().check()?;
        let initial = &self.initial;
        // Re-validate the network fields serde filled in.
        BinaryNetwork::new(
            initial.weights().to_owned(),
            initial.bias().to_owned(),
            initial.coding(),
            initial.temperature(),
            initial.update(),
        )?;
        ensure_param!(
            self.parents.len() == self.params.mu,
            "state",
            "{} parents for μ = {}",
            self.parents.len(),
            self.params.mu
        );
        for p in self.parents.iter().chain(std::iter::once(&self.best)) {
            initial.with_parameters(p.weights.clone(), p.bias.clone())?;
            ensure_param!(
                p.fitness.is_finite() && p.raw_fitness.is_finite(),
                "state",
                "a stored fitness is not finite"
            );
        }
        Ok(())
    }
}

/// Which mean attractor period a [`CombinedFitness`] uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodMean {
    /// The plain mean over cycles.
    Plain,
    /// The basin-weighted mean (the default): the period reached from a uniform start.
    #[default]
    BasinWeighted,
}

/// The fitness `flux_weight · flux + period_weight · mean period` (SPEC.md §7: flux and mean
/// attractor period are maximised together). The flux comes from the caller (in the unit it
/// returns, e.g. nats); the period is in time steps, from [`attractors`] with `tie`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CombinedFitness {
    /// The weight of the flux.
    pub flux_weight: f64,
    /// The weight of the mean period (per time step).
    pub period_weight: f64,
    /// Which mean period.
    pub period: PeriodMean,
    /// The tie rule of the deterministic limit.
    pub tie: TieRule,
}

impl CombinedFitness {
    /// The combination of a flux value and an attractor summary.
    #[must_use]
    pub fn combine(&self, flux: f64, summary: &AttractorSummary) -> f64 {
        let period = match self.period {
            PeriodMean::Plain => summary.mean_period,
            PeriodMean::BasinWeighted => summary.basin_weighted_mean_period,
        };
        self.flux_weight * flux + self.period_weight * period
    }

    /// The fitness of `net`: `flux(net)` and the attractors, each computed only where its
    /// weight is non-zero.
    ///
    /// # Errors
    /// The flux function's errors; those of [`attractors`].
    pub fn evaluate<F>(&self, net: &BinaryNetwork, flux: F) -> Result<f64>
    where
        F: Fn(&BinaryNetwork) -> Result<f64>,
    {
        let f = if self.flux_weight == 0.0 {
            0.0
        } else {
            flux(net)?
        };
        if self.period_weight == 0.0 {
            return Ok(self.flux_weight * f);
        }
        Ok(self.combine(f, &attractors(net, self.tie)?.summary()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflection_folds_into_the_box() {
        for (x, r) in [
            (0.5, 0.5),
            (1.5, 0.5),
            (-1.25, -0.75),
            (3.5, -0.5),
            (5.0, 1.0),
        ] {
            assert!(
                (reflect(x, 1.0) - r).abs() < 1e-12,
                "{x} → {}",
                reflect(x, 1.0)
            );
        }
    }

    #[test]
    fn bad_settings_are_refused_by_name() {
        let base = EvolutionParams::default;
        let cases = [
            (base().mu(0), "mu"),
            (base().lambda(0), "lambda"),
            (base().mu(3).lambda(2).selection(Selection::Comma), "lambda"),
            (base().sigma(0.0), "sigma"),
            (base().mutation(Mutation::Subset { k: 0 }), "mutation"),
            (base().w_max(Some(f64::NAN)), "w_max"),
            (base().l2_penalty(-1.0), "l2_penalty"),
            (base().w_max(None), "w_max"),
        ];
        for (params, name) in cases {
            let err = params.check().expect_err("refused").to_string();
            assert!(err.contains(&format!("`{name}`")), "{err}");
        }
        assert!(base().w_max(None).l2_penalty(0.1).check().is_ok());
    }
}
