//! The rate-against-balance sweep of untrained networks (SPEC.md §8): for every coupling
//! strength g, noise strength σ and balance factor b, networks of the paper's Figure-1 model are drawn and
//! simulated, and the information rate between the stimulus I(t) and the population rate
//! ν(t) is measured per trial, beside the rate density r(f), the population time constant and
//! the balance indices. A network whose rates run away is recorded with the reason and the
//! sweep goes on.

use infoscope_estimators::spectral::RateEstimate;
use infoscope_nets::balanced::simulate::autocorrelation_time;
use infoscope_nets::balanced::{
    BalancedNetwork, BalancedParams, OuStimulus, Run, SimOptions, Simulator, StimulusMode,
};
use ndarray::Axis;
use serde::{Deserialize, Serialize};

use super::fit::{LinearFit, linear_fit};
use super::rate::{RateSettings, rate_or_reason};
use crate::error::{Result, ensure_config};

/// Floating-point precision of a simulation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// `f32` state and couplings (sums of products still round per operation).
    #[default]
    F32,
    /// `f64` throughout.
    F64,
}

/// The sweep's grid and simulation (`[sweep]` in `experiments/balanced.toml`). Times are in
/// units of τ.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SweepConfig {
    /// Whether the sweep runs.
    pub enabled: bool,
    /// Neurons N.
    pub n: usize,
    /// Coupling strengths g (random couplings of std g/√N).
    pub g: Vec<f64>,
    /// Balance factors b (mean coupling −b·J_0/N and input b·I(t)).
    pub b: Vec<f64>,
    /// Mean coupling strength J_0.
    pub j0: f64,
    /// Private noise strengths σ (⟨ξξ⟩ = τσ²δ), one curve of R(b) per (g, σ).
    pub sigma: Vec<f64>,
    /// Stimulus offset I_0.
    pub i0: f64,
    /// Stimulus standard deviation I_1.
    pub i1: f64,
    /// Stimulus correlation time τ_s.
    pub tau_s: f64,
    /// Integration step Δt.
    pub dt: f64,
    /// Recorded duration per trial.
    pub duration: f64,
    /// Discarded transient before the recording.
    pub burn_in: f64,
    /// Networks (couplings) drawn per grid point.
    pub networks: usize,
    /// Trials per network (each with its own stimulus and noise), simulated as one batch.
    pub trials: usize,
    /// Simulation precision.
    pub precision: Precision,
    /// Seed of the couplings, stimuli, noise and rate surrogates.
    pub seed: u64,
    /// How every rate is estimated.
    pub rate: RateSettings,
}

impl Default for SweepConfig {
    fn default() -> Self {
        let mut rate = RateSettings::with_nperseg(1024);
        rate.cutoff = Some(2.0);
        Self {
            enabled: true,
            n: 1024,
            g: vec![0.0, 2.0],
            b: vec![2.0, 3.0, 4.0, 6.0, 8.0],
            j0: 1.0,
            sigma: vec![0.1],
            i0: 1.0,
            i1: 0.1,
            tau_s: 1.0,
            dt: 1.0 / 128.0,
            duration: 128.0,
            burn_in: 8.0,
            networks: 2,
            trials: 4,
            precision: Precision::F32,
            seed: 0,
            rate,
        }
    }
}

impl SweepConfig {
    /// The curves (g, σ), g-major.
    #[must_use]
    pub fn curves(&self) -> Vec<(f64, f64)> {
        self.g
            .iter()
            .flat_map(|&g| self.sigma.iter().map(move |&s| (g, s)))
            .collect()
    }

    /// The grid points (g, σ, b): curve-major, b fastest.
    #[must_use]
    pub fn grid(&self) -> Vec<(f64, f64, f64)> {
        self.curves()
            .into_iter()
            .flat_map(|(g, s)| self.b.iter().map(move |&b| (g, s, b)))
            .collect()
    }

    /// Recorded steps per trial.
    #[must_use]
    pub fn steps(&self) -> usize {
        (self.duration / self.dt).round() as usize
    }

    /// Discarded steps per trial.
    #[must_use]
    pub fn burn_in_steps(&self) -> usize {
        (self.burn_in / self.dt).round() as usize
    }

    /// The network parameters at grid point (g, σ, b).
    #[must_use]
    pub fn params(&self, g: f64, sigma: f64, b: f64) -> BalancedParams {
        let mut p = BalancedParams::figure1(b);
        p.n = self.n;
        p.g = g;
        p.j0 = self.j0;
        p.sigma = sigma;
        p.stimulus = OuStimulus {
            tau_s: self.tau_s,
            i0: self.i0,
            i1: self.i1,
            ..OuStimulus::paper(self.dt)
        };
        p
    }

    /// Refuse settings the sweep cannot use.
    ///
    /// # Errors
    /// [`crate::AnalysisError::InvalidConfig`] naming `sweep.{setting}`.
    pub fn validate(&self) -> Result<()> {
        ensure_config!(!self.g.is_empty(), "sweep.g", "needs at least one value");
        ensure_config!(!self.b.is_empty(), "sweep.b", "needs at least one value");
        ensure_config!(
            !self.sigma.is_empty(),
            "sweep.sigma",
            "needs at least one value"
        );
        for (name, values) in [
            ("sweep.g", &self.g),
            ("sweep.sigma", &self.sigma),
            ("sweep.b", &self.b),
        ] {
            ensure_config!(
                values.iter().all(|v| v.is_finite() && *v >= 0.0),
                name,
                "every value must be finite and ≥ 0, got {values:?}"
            );
        }
        ensure_config!(
            self.dt.is_finite() && self.dt > 0.0,
            "sweep.dt",
            "must be finite and > 0, got {}",
            self.dt
        );
        ensure_config!(
            self.burn_in.is_finite() && self.burn_in >= 0.0,
            "sweep.burn_in",
            "must be finite and ≥ 0, got {}",
            self.burn_in
        );
        ensure_config!(
            self.duration.is_finite() && self.steps() >= 2 * self.rate.nperseg.max(1),
            "sweep.duration",
            "must cover at least two rate segments (2 × rate.nperseg = {} steps of {}), got {}",
            2 * self.rate.nperseg,
            self.dt,
            self.duration
        );
        ensure_config!(self.networks >= 1, "sweep.networks", "must be ≥ 1, got 0");
        ensure_config!(self.trials >= 1, "sweep.trials", "must be ≥ 1, got 0");
        for &(g, sigma, b) in &self.grid() {
            self.params(g, sigma, b)
                .check()
                .map_err(|e| crate::AnalysisError::InvalidConfig {
                    name: "sweep".into(),
                    reason: format!("at g = {g}, σ = {sigma}, b = {b}: {e}"),
                })?;
        }
        self.rate.estimator(self.dt, self.seed, "sweep.rate")?;
        Ok(())
    }
}

/// One simulated trial of the sweep, measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRun {
    /// Coupling strength g.
    pub g: f64,
    /// Noise strength σ.
    pub sigma: f64,
    /// Balance factor b.
    pub b: f64,
    /// Which network of the grid point (from 0).
    pub network: usize,
    /// Which trial of the network (from 0).
    pub trial: usize,
    /// I(stimulus; ν) rate, nats/τ (baseline subtracted when the settings ask for it);
    /// `None` when it could not be estimated (see `error`).
    pub rate: Option<f64>,
    /// The rate before the baseline, nats/τ.
    pub raw: Option<f64>,
    /// The estimator's stated upward bias, nats/τ.
    pub bias: Option<f64>,
    /// The frequencies of `density`, cycles per τ.
    pub frequencies: Vec<f64>,
    /// The rate density, nats/τ per cycle/τ.
    pub density: Vec<f64>,
    /// The time-averaged population rate ν̄.
    pub mean_rate: Option<f64>,
    /// The linearised population time constant τ/(1 + b·J_0·f), in τ.
    pub time_constant: Option<f64>,
    /// The autocorrelation time of ν(t), in τ.
    pub autocorrelation_time: Option<f64>,
    /// The population cancellation index β = |⟨I_ext + I_rec⟩| / ⟨I_ext⟩ (tightness 1/β).
    pub cancellation: Option<f64>,
    /// Fraction of active (φ' > 0) neurons.
    pub active_fraction: Option<f64>,
    /// Why something is missing (a run-away simulation, an estimator refusal).
    pub error: Option<String>,
}

/// Mean and spread of the trials at one grid point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Coupling strength g.
    pub g: f64,
    /// Noise strength σ.
    pub sigma: f64,
    /// Balance factor b.
    pub b: f64,
    /// Trials with a rate.
    pub count: usize,
    /// Trials without one.
    pub failed: usize,
    /// Mean rate, nats/τ (`None` without any).
    pub rate: Option<f64>,
    /// Standard deviation over trials (n − 1), nats/τ.
    pub rate_sd: Option<f64>,
    /// Standard error of the mean, nats/τ.
    pub rate_sem: Option<f64>,
    /// Mean density over trials at [`SweepResults::frequencies`].
    pub density: Vec<f64>,
    /// Mean population rate ν̄.
    pub mean_rate: Option<f64>,
    /// Mean linearised time constant, τ.
    pub time_constant: Option<f64>,
    /// Mean autocorrelation time of ν, τ.
    pub autocorrelation_time: Option<f64>,
    /// Mean cancellation index β.
    pub cancellation: Option<f64>,
    /// The first reason a trial failed, if any did.
    pub error: Option<String>,
}

/// The sweep's trials, their grid-point summaries and the rate's linearity in b.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepResults {
    /// Frequencies of every density, cycles per τ.
    pub frequencies: Vec<f64>,
    /// Every trial.
    pub runs: Vec<SweepRun>,
    /// Per grid point, in grid order.
    pub points: Vec<SweepPoint>,
    /// Per curve (g, σ): the least-squares line of the mean rate against b.
    pub fits: Vec<SweepFit>,
}

/// The least-squares line of the mean rate against b on one curve (g, σ).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepFit {
    /// Coupling strength g.
    pub g: f64,
    /// Noise strength σ.
    pub sigma: f64,
    /// The line (nats/τ per unit b), `None` with fewer than 3 points that have a rate.
    pub fit: Option<LinearFit>,
}

/// Simulate and measure network `r` of grid point (g, b): one [`SweepRun`] per trial.
///
/// # Errors
/// Only configuration errors; a failed simulation or estimate is recorded in the runs.
pub fn sweep_network(config: &SweepConfig, point: usize, r: usize) -> Result<Vec<SweepRun>> {
    let grid = config.grid();
    let (g, sigma, b) = grid[point];
    let seed = network_seed(config.seed, point, r);
    let blank = |trial: usize, error: String| SweepRun {
        g,
        sigma,
        b,
        network: r,
        trial,
        rate: None,
        raw: None,
        bias: None,
        frequencies: Vec::new(),
        density: Vec::new(),
        mean_rate: None,
        time_constant: None,
        autocorrelation_time: None,
        cancellation: None,
        active_fraction: None,
        error: Some(error),
    };
    let simulated = simulate(config, g, sigma, b, seed);
    let run = match simulated {
        Ok(run) => run,
        Err(e) => {
            return Ok((0..config.trials)
                .map(|t| blank(t, e.to_string()))
                .collect());
        }
    };
    let estimator = config.rate.estimator(config.dt, seed, "sweep.rate")?;
    let cancellation = run.cancellation().population;
    let time_constant = run.linear_time_constant();
    let mut out = Vec::with_capacity(config.trials);
    for trial in 0..config.trials {
        let x = run.stimulus.index_axis(Axis(0), trial);
        let nu = run.rate.row(trial);
        let mean_rate = nu.mean();
        let base = SweepRun {
            mean_rate,
            time_constant: Some(time_constant),
            autocorrelation_time: nu.as_slice().map(|v| autocorrelation_time(v, run.dt)),
            cancellation: Some(cancellation),
            active_fraction: Some(run.active_fraction),
            error: None,
            ..blank(trial, String::new())
        };
        out.push(
            match rate_or_reason(&estimator, x, nu.insert_axis(Axis(1))) {
                Ok(est) => with_rate(base, &est),
                Err(reason) => SweepRun {
                    error: Some(reason),
                    ..base
                },
            },
        );
    }
    Ok(out)
}

/// The seed of network `r` at grid point `point` (couplings, stimuli, noise, surrogates).
fn network_seed(seed: u64, point: usize, r: usize) -> u64 {
    // SplitMix64 finaliser over the triple: well-separated seeds for neighbouring indices.
    let mut z = seed ^ ((point as u64) << 32) ^ (r as u64) ^ 0x9E37_79B9_7F4A_7C15;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn simulate(
    config: &SweepConfig,
    g: f64,
    sigma: f64,
    b: f64,
    seed: u64,
) -> infoscope_nets::Result<Run> {
    let net = BalancedNetwork::new(config.params(g, sigma, b), seed)?;
    let options = SimOptions {
        steps: config.steps(),
        trials: config.trials,
        burn_in: config.burn_in_steps(),
        record: 0,
        stimulus: StimulusMode::PerTrial,
        seed,
    };
    match config.precision {
        Precision::F32 => Simulator::<f32>::new(&net)?.run(&options),
        Precision::F64 => Simulator::<f64>::new(&net)?.run(&options),
    }
}

fn with_rate(base: SweepRun, est: &RateEstimate) -> SweepRun {
    SweepRun {
        rate: Some(est.nats_per_time()),
        raw: Some(est.raw),
        bias: est.diagnostics.rate_bias,
        frequencies: est.frequencies.clone(),
        density: est.density.clone(),
        ..base
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The summaries of `runs` (in grid order) and the per-curve fits.
#[must_use]
pub fn summarise(config: &SweepConfig, runs: Vec<SweepRun>) -> SweepResults {
    let mut points = Vec::new();
    for (g, sigma, b) in config.grid() {
        let here: Vec<&SweepRun> = runs
            .iter()
            .filter(|r| r.g == g && r.sigma == sigma && r.b == b)
            .collect();
        let rates: Vec<f64> = here.iter().filter_map(|r| r.rate).collect();
        let count = rates.len();
        let m = mean(rates.iter().copied());
        let sd = (count >= 2).then(|| {
            let mu = m.unwrap_or(0.0);
            (rates.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (count - 1) as f64).sqrt()
        });
        let with_density: Vec<&&SweepRun> = here.iter().filter(|r| !r.density.is_empty()).collect();
        let len = with_density
            .iter()
            .map(|r| r.density.len())
            .min()
            .unwrap_or(0);
        let density = (0..len)
            .map(|k| {
                with_density.iter().map(|r| r.density[k]).sum::<f64>() / with_density.len() as f64
            })
            .collect();
        points.push(SweepPoint {
            g,
            sigma,
            b,
            count,
            failed: here.len() - count,
            rate: m,
            rate_sd: sd,
            rate_sem: sd.map(|s| s / (count as f64).sqrt()),
            density,
            mean_rate: mean(here.iter().filter_map(|r| r.mean_rate)),
            time_constant: mean(here.iter().filter_map(|r| r.time_constant)),
            autocorrelation_time: mean(here.iter().filter_map(|r| r.autocorrelation_time)),
            cancellation: mean(here.iter().filter_map(|r| r.cancellation)),
            error: here.iter().find_map(|r| r.error.clone()),
        });
    }
    let fits = config
        .curves()
        .into_iter()
        .map(|(g, sigma)| {
            let (bs, rs): (Vec<f64>, Vec<f64>) = points
                .iter()
                .filter(|p| p.g == g && p.sigma == sigma)
                .filter_map(|p| p.rate.map(|r| (p.b, r)))
                .unzip();
            SweepFit {
                g,
                sigma,
                fit: linear_fit(&bs, &rs),
            }
        })
        .collect();
    let frequencies = runs
        .iter()
        .find(|r| !r.frequencies.is_empty())
        .map(|r| r.frequencies.clone())
        .unwrap_or_default();
    SweepResults {
        frequencies,
        runs,
        points,
        fits,
    }
}
