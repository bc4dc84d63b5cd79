//! Evolutionary maximisation of the flux (issue #17, item 5) as an experiment stage: several
//! seeded runs of an evolution strategy ([`infoscope_nets::binary::evolve`]) on the weights
//! (and optionally the biases), each saved every few generations so that an interrupted run
//! resumes exactly, then the networks before and after, sorted into their permutation
//! structure, beside the N-rooks design at the same weight bound.

use std::ops::ControlFlow;
use std::path::Path;

use infoscope_nets::binary::evolve::{Bound, PeriodMean};
use infoscope_nets::binary::{
    BinaryNetwork, Coding, CombinedFitness, EvolutionParams, EvolutionState, GenerationRecord,
    Layout, Magnitude, PermutationStructure, Rooks, WidthDensityBalance, exact_proxies, flux_from,
    permutation_structure, run_moments,
};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::ensemble::{Ensemble, draw_seed};
use super::measure::{
    BiasRule, Dynamics, FluxMeasures, MeasureConfig, ProxyKind, measure, simulate, stationary_of,
};
use crate::error::{AnalysisError, Result, ensure_config};

/// What the strategy maximises (besides the optional mean-period term).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FitnessKind {
    /// The exact stationary flux, nats (the default; small N).
    #[default]
    Exact,
    /// A correlation proxy: exact from π when the measure settings compute N exactly, else
    /// from a simulation with the measure settings' seed (the same run for every candidate).
    Proxy,
}

/// The evolution stage's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvolutionConfig {
    /// Whether the experiment runs the evolution (default true).
    pub enabled: bool,
    /// Neurons (default 6).
    pub n: usize,
    /// Generations per run (default 150).
    pub generations: u64,
    /// Independent runs, run r seeded with draw_seed(strategy.seed, r) (default 3).
    pub runs: usize,
    /// The flux term of the fitness (default `exact`).
    pub fitness: FitnessKind,
    /// The proxy when `fitness = "proxy"` (default `lagged-all`).
    pub proxy: ProxyKind,
    /// Weight of the mean attractor period (time steps) added to the flux (nats) in the
    /// fitness (default 0: flux only).
    pub period_weight: f64,
    /// Which mean period (default `basin-weighted`).
    pub period: PeriodMean,
    /// Width of the half-normal initial weights (density 1, balance 0; default 0.5).
    pub start_width: f64,
    /// The initial biases (default `zero`).
    pub start_bias: BiasRule,
    /// Generations between saved states (default 10).
    pub checkpoint_every: u64,
    /// The strong weight of the N-rooks reference (default: the strategy's `w_max`, else 5).
    pub rooks_strength: Option<f64>,
    /// The strategy (a table `[evolution.strategy]`; defaults of
    /// [`EvolutionParams::default`] except: λ = 16, σ = 0.5, biases evolve, |θ| ≤ 5).
    pub strategy: EvolutionParams,
}

impl Default for EvolutionConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            n: 6,
            generations: 150,
            runs: 3,
            fitness: FitnessKind::Exact,
            proxy: ProxyKind::LaggedAll,
            period_weight: 0.0,
            period: PeriodMean::BasinWeighted,
            start_width: 0.5,
            start_bias: BiasRule::Zero,
            checkpoint_every: 10,
            rooks_strength: None,
            strategy: EvolutionParams::default()
                .lambda(16)
                .sigma(0.5)
                .evolve_bias(true)
                .w_max(Some(5.0))
                .bound(Bound::Clip),
        }
    }
}

impl EvolutionConfig {
    /// Refuse settings the stage cannot use.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidConfig`] naming the setting (`evolution.` prefixed).
    pub fn validate(&self, measure: &MeasureConfig) -> Result<()> {
        ensure_config!(self.n >= 2, "evolution.n", "must be ≥ 2, got {}", self.n);
        ensure_config!(self.runs >= 1, "evolution.runs", "must be ≥ 1, got 0");
        ensure_config!(
            self.checkpoint_every >= 1,
            "evolution.checkpoint_every",
            "must be ≥ 1, got 0"
        );
        ensure_config!(
            self.period_weight.is_finite() && self.period_weight >= 0.0,
            "evolution.period_weight",
            "must be finite and ≥ 0, got {}",
            self.period_weight
        );
        ensure_config!(
            self.start_width.is_finite() && self.start_width >= 0.0,
            "evolution.start_width",
            "must be finite and ≥ 0, got {}",
            self.start_width
        );
        ensure_config!(
            self.fitness != FitnessKind::Exact || measure.exact_for(self.n),
            "evolution.fitness",
            "the exact flux needs N = {} ≤ measure.exact_max_neurons = {} (or measure.exact = \
             \"always\"); use fitness = \"proxy\" for large networks",
            self.n,
            measure.exact_max_neurons
        );
        ensure_config!(
            self.period_weight == 0.0
                || self.n <= infoscope_nets::binary::attractors::MAX_ATTRACTOR_NEURONS,
            "evolution.period_weight",
            "the mean period needs the attractors of all 2^N states, N ≤ {}",
            infoscope_nets::binary::attractors::MAX_ATTRACTOR_NEURONS
        );
        if let Some(s) = self.rooks_strength {
            ensure_config!(
                s.is_finite(),
                "evolution.rooks_strength",
                "must be finite, got {s}"
            );
        }
        self.strategy
            .clone()
            .check()
            .map_err(|e| AnalysisError::InvalidConfig {
                name: "evolution.strategy".into(),
                reason: e.to_string(),
            })?;
        Ok(())
    }

    /// The strategy of run `r`.
    #[must_use]
    pub fn run_params(&self, r: usize) -> EvolutionParams {
        self.strategy
            .clone()
            .seed(draw_seed(self.strategy.seed, r as u64))
    }

    /// The initial network of run `r` (weights clipped into the strategy's box).
    ///
    /// # Errors
    /// As [`Ensemble::draw`].
    pub fn initial(&self, r: usize, dynamics: &Dynamics) -> Result<BinaryNetwork> {
        let e = Ensemble::Wdb(WidthDensityBalance {
            n: self.n,
            width: self.start_width,
            density: 1.0,
            balance: 0.0,
            magnitude: Magnitude::HalfNormal,
            diagonal: true,
        });
        let net = e.draw(self.strategy.seed, r as u64, self.start_bias, dynamics)?;
        let clip = |v: f64| match self.strategy.w_max {
            Some(m) => v.clamp(-m, m),
            None => v,
        };
        Ok(net.with_parameters(
            net.weights().mapv(clip),
            if self.strategy.evolve_bias {
                net.bias().mapv(clip)
            } else {
                net.bias().to_owned()
            },
        )?)
    }

    /// The N-rooks reference: a random derangement with the strong weight at the bound,
    /// biases centred (b_i = −w/2) under binary coding when biases evolve (zero under spin
    /// coding), else the evolved networks' initial bias rule.
    ///
    /// # Errors
    /// As [`Ensemble::draw`].
    pub fn rooks(&self, dynamics: &Dynamics) -> Result<BinaryNetwork> {
        let strength = self.rooks_strength.or(self.strategy.w_max).unwrap_or(5.0);
        let bias = match (self.strategy.evolve_bias, dynamics.coding) {
            (true, Coding::Binary) => BiasRule::Centered,
            (true, Coding::Spin) => BiasRule::Zero,
            (false, _) => self.start_bias,
        };
        Ensemble::Rooks(Rooks {
            n: self.n,
            strength,
            background: 0.0,
            diagonal: false,
        })
        .draw(self.strategy.seed, 0, bias, dynamics)
    }

    /// The fitness of a network (module docs), in nats (plus the period term).
    pub(crate) fn fitness<'a>(
        &'a self,
        measure: &'a MeasureConfig,
    ) -> impl Fn(&BinaryNetwork) -> infoscope_nets::Result<f64> + Sync + 'a {
        let combined = CombinedFitness {
            flux_weight: 1.0,
            period_weight: self.period_weight,
            period: self.period,
            tie: measure.tie,
        };
        move |net: &BinaryNetwork| {
            combined.evaluate(net, |net| match self.fitness {
                FitnessKind::Exact => {
                    let (t, pi) = stationary_of(net, measure)?;
                    Ok(flux_from(&t, &pi.distribution)?.information_nats)
                }
                FitnessKind::Proxy => {
                    let proxies = if measure.exact_for(net.n()) {
                        let (t, pi) = stationary_of(net, measure)?;
                        exact_proxies(&t, &pi.distribution)?
                    } else {
                        run_moments(&simulate(net, measure)?)?.proxies()
                    };
                    // No countable pair (every neuron constant): no correlation at all.
                    Ok(self.proxy.of(&proxies).unwrap_or(0.0))
                }
            })
        }
    }
}

/// A network shown before or after evolution, or as the N-rooks reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// W.
    pub weights: Array2<f64>,
    /// b.
    pub bias: Array1<f64>,
    /// The fitness f(net) before the penalty (`None` for the reference).
    pub fitness: Option<f64>,
    /// The permutation structure of W.
    pub structure: PermutationStructure,
    /// W reordered by the structure (its cycles as diagonal blocks).
    pub reordered: Array2<f64>,
    /// Every measure of the network.
    pub measures: FluxMeasures,
}

impl Snapshot {
    /// The snapshot of `net`.
    ///
    /// # Errors
    /// As [`permutation_structure`] and [`measure`].
    pub fn of(net: &BinaryNetwork, fitness: Option<f64>, config: &MeasureConfig) -> Result<Self> {
        let structure = permutation_structure(net.weights(), Layout::SubDiagonal)?;
        Ok(Self {
            weights: net.weights().to_owned(),
            bias: net.bias().to_owned(),
            fitness,
            reordered: structure.reorder(net.weights()),
            structure,
            measures: measure(net, config)?,
        })
    }
}

/// One evolution run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvolutionRun {
    /// Its index.
    pub run: usize,
    /// The strategy's seed.
    pub seed: u64,
    /// The fitness trajectory, one record per generation from 0.
    pub trajectory: Vec<GenerationRecord>,
    /// Fitness evaluations.
    pub evaluations: u64,
    /// The initial network.
    pub before: Snapshot,
    /// The best network found.
    pub after: Snapshot,
}

/// The evolution stage's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvolutionResults {
    /// What the fitness is, in words.
    pub fitness: String,
    /// The runs.
    pub runs: Vec<EvolutionRun>,
    /// The N-rooks design at the same bound.
    pub rooks: Snapshot,
}

/// What [`evolve_run`] reports after each saved chunk of generations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GenerationProgress {
    /// The run.
    pub run: usize,
    /// Generations done.
    pub generation: u64,
    /// Generations asked for.
    pub generations: u64,
    /// The best fitness so far.
    pub best: f64,
}

/// Words for the fitness of `config`.
#[must_use]
pub fn describe_fitness(config: &EvolutionConfig) -> String {
    let flux = match config.fitness {
        FitnessKind::Exact => "the exact stationary flux I[x(t); x(t+1)] (nats)".to_owned(),
        FitnessKind::Proxy => format!("the {}", config.proxy.label()),
    };
    let mut s = flux;
    if config.period_weight > 0.0 {
        s += &format!(
            " + {} × the {} mean attractor period (steps)",
            config.period_weight,
            match config.period {
                PeriodMean::Plain => "plain",
                PeriodMean::BasinWeighted => "basin-weighted",
            }
        );
    }
    if config.strategy.l2_penalty > 0.0 {
        s += &format!(" − {} ‖θ‖²", config.strategy.l2_penalty);
    }
    s
}

/// Runs (or resumes from `state_path`) evolution run `r` to `config.generations`, saving the
/// state every `checkpoint_every` generations; `on` may stop it after a save
/// ([`AnalysisError::Stopped`]).
///
/// # Errors
/// [`AnalysisError::InvalidConfig`] when a saved state belongs to other settings; the
/// strategy's and the fitness's errors; file errors.
pub fn evolve_run(
    config: &EvolutionConfig,
    r: usize,
    dynamics: &Dynamics,
    measure_config: &MeasureConfig,
    state_path: &Path,
    on: &mut dyn FnMut(GenerationProgress) -> ControlFlow<()>,
) -> Result<EvolutionRun> {
    let params = config.run_params(r);
    let initial = config.initial(r, dynamics)?;
    let fitness = config.fitness(measure_config);
    let mut state = if state_path.exists() {
        let state = EvolutionState::load(state_path)?;
        ensure_config!(
            state.params == params && state.initial == initial,
            "evolution",
            "{} holds a run of other settings; remove it or use another output directory",
            state_path.display()
        );
        state
    } else {
        let state = params.clone().check()?.start(&initial, &fitness)?;
        state.save(state_path)?;
        state
    };
    while state.generation < config.generations {
        let chunk = config
            .checkpoint_every
            .min(config.generations - state.generation);
        state.run(chunk, &fitness)?;
        state.save(state_path)?;
        let p = GenerationProgress {
            run: r,
            generation: state.generation,
            generations: config.generations,
            best: state.best.fitness,
        };
        if on(p).is_break() && state.generation < config.generations {
            return Err(AnalysisError::Stopped);
        }
    }
    let best = state.best_network()?;
    let before = fitness(&initial)?;
    Ok(EvolutionRun {
        run: r,
        seed: params.seed,
        evaluations: state.evaluations,
        before: Snapshot::of(&initial, Some(before), measure_config)?,
        after: Snapshot::of(&best, Some(state.best.raw_fitness), measure_config)?,
        trajectory: state.trajectory,
    })
}
