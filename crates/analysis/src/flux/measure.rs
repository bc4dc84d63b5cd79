//! Every flux measure of one stochastic binary network, each where it can be computed: the
//! exact stationary flux, entropy rate and correlation proxies (small N), the sampled proxies
//! and the plug-in flux of a subset (any N), and the attractors of the deterministic limit.
//!
//! One measure that cannot be computed (power iteration that does not converge, a memory
//! budget, a network too large for the exact route) never aborts the others: it is left out
//! with its reason in [`FluxMeasures::missing`]. All information values are in nats.

use std::collections::BTreeMap;

use infoscope_estimators::discrete::{BiasCorrection, PlugIn};
use infoscope_nets::binary::Run;
use infoscope_nets::binary::{
    AttractorSummary, BinaryNetwork, Coding, CorrelationProxies, ExactOptions, Flux, PluginFlux,
    Simulator, TieRule, Transition, Update, attractors, exact_proxies, flux_from, plugin_flux,
    run_moments, stationary,
};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure_config};

/// How a network's states feed the fields, and how it updates (the parts of a
/// [`BinaryNetwork`] besides W and b).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Dynamics {
    /// u(y) = y (`binary`, the default) or 2y − 1 (`spin`).
    pub coding: Coding,
    /// `synchronous` (the default) or `asynchronous` (one random neuron per step).
    pub update: Update,
    /// The temperature T > 0 (default 1).
    pub temperature: f64,
}

impl Default for Dynamics {
    fn default() -> Self {
        Self {
            coding: Coding::Binary,
            update: Update::Synchronous,
            temperature: 1.0,
        }
    }
}

/// How the biases of a network drawn from an ensemble are set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BiasRule {
    /// b = 0 (the default).
    #[default]
    Zero,
    /// b_i = −½ Σ_j W_ij: each neuron's field is centred (the SPEC §7 shift register's
    /// b = −w/2; with binary coding this is the spin network with weights W/2).
    Centered,
}

impl BiasRule {
    /// The biases for weights `w`.
    #[must_use]
    pub fn biases(self, w: &ndarray::Array2<f64>) -> ndarray::Array1<f64> {
        match self {
            Self::Zero => ndarray::Array1::zeros(w.nrows()),
            Self::Centered => w.rows().into_iter().map(|r| -0.5 * r.sum()).collect(),
        }
    }
}

/// When a measure is computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// Where it is feasible (the default; see each setting).
    #[default]
    Auto,
    /// Always (an infeasible one is recorded as missing with its reason).
    Always,
    /// Never.
    Never,
}

/// One of the RMS-correlation proxies (SPEC.md §7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyKind {
    /// Equal-time corr(y_i(t), y_j(t)), i ≠ j.
    EqualTime,
    /// Lagged corr(y_i(t), y_j(t+1)) over all (i, j) (the default).
    #[default]
    LaggedAll,
    /// Lagged over i ≠ j.
    LaggedOffDiagonal,
}

impl ProxyKind {
    /// All three, in report order.
    pub const ALL: [Self; 3] = [Self::EqualTime, Self::LaggedAll, Self::LaggedOffDiagonal];

    /// This proxy's value in `p` (`None` when no pair had two varying neurons).
    #[must_use]
    pub fn of(self, p: &CorrelationProxies) -> Option<f64> {
        match self {
            Self::EqualTime => p.equal_time.value,
            Self::LaggedAll => p.lagged_all.value,
            Self::LaggedOffDiagonal => p.lagged_off_diagonal.value,
        }
    }

    /// The name used in files and on axes.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::EqualTime => "equal-time C_rms (i ≠ j)",
            Self::LaggedAll => "lagged C_rms (all i, j)",
            Self::LaggedOffDiagonal => "lagged C_rms (i ≠ j)",
        }
    }

    /// The key used in files (`equal-time`, `lagged-all`, `lagged-off-diagonal`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::EqualTime => "equal-time",
            Self::LaggedAll => "lagged-all",
            Self::LaggedOffDiagonal => "lagged-off-diagonal",
        }
    }
}

/// Which measures [`measure`] computes, and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureConfig {
    /// The exact stationary flux and proxies: `auto` for N ≤ `exact_max_neurons`.
    pub exact: When,
    /// The largest N `auto` computes exactly (default 12: a fraction of a second; N = 16 takes
    /// about half a minute on two cores).
    pub exact_max_neurons: usize,
    /// Power iteration stops at this total variation between iterates (default 1e-12).
    pub tolerance: f64,
    /// The most power iterations (default 10 000).
    pub max_iterations: usize,
    /// Simulation (sampled proxies, plug-in flux): `auto` when the exact route is not taken
    /// or fails.
    pub simulate: When,
    /// Recorded steps of the simulation (default 100 000).
    pub steps: usize,
    /// Steps discarded before recording (default 1000).
    pub burn_in: usize,
    /// Seed of the simulation (default 0).
    pub seed: u64,
    /// The plug-in flux I[x_S(t); x_S(t+1)] uses the first `plugin_neurons` neurons
    /// (default 4; at most 10, and needs steps ≫ 4^k).
    pub plugin_neurons: usize,
    /// The attractors of the deterministic limit: `auto` for N ≤ `attractor_max_neurons`.
    pub attractors: When,
    /// The largest N `auto` enumerates (default 16).
    pub attractor_max_neurons: usize,
    /// The successor of a neuron whose field is exactly zero (default `on`).
    pub tie: TieRule,
}

impl Default for MeasureConfig {
    fn default() -> Self {
        Self {
            exact: When::Auto,
            exact_max_neurons: 12,
            tolerance: 1e-12,
            max_iterations: 10_000,
            simulate: When::Auto,
            steps: 100_000,
            burn_in: 1000,
            seed: 0,
            plugin_neurons: 4,
            attractors: When::Auto,
            attractor_max_neurons: 16,
            tie: TieRule::On,
        }
    }
}

impl MeasureConfig {
    /// Refuse settings no network could use.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidConfig`](crate::AnalysisError::InvalidConfig) naming the setting.
    pub fn validate(&self) -> Result<()> {
        ensure_config!(
            self.tolerance.is_finite() && self.tolerance > 0.0,
            "tolerance",
            "must be finite and > 0, got {}",
            self.tolerance
        );
        ensure_config!(
            self.max_iterations >= 1,
            "max_iterations",
            "must be ≥ 1, got 0"
        );
        ensure_config!(
            self.exact_max_neurons <= infoscope_nets::binary::MAX_EXACT_NEURONS,
            "exact_max_neurons",
            "must be ≤ {}, got {}",
            infoscope_nets::binary::MAX_EXACT_NEURONS,
            self.exact_max_neurons
        );
        ensure_config!(self.steps >= 2, "steps", "must be ≥ 2, got {}", self.steps);
        ensure_config!(
            (1..=infoscope_nets::binary::simulate::MAX_PLUGIN_NEURONS)
                .contains(&self.plugin_neurons),
            "plugin_neurons",
            "must lie in 1..={}, got {}",
            infoscope_nets::binary::simulate::MAX_PLUGIN_NEURONS,
            self.plugin_neurons
        );
        ensure_config!(
            self.attractor_max_neurons <= infoscope_nets::binary::attractors::MAX_ATTRACTOR_NEURONS,
            "attractor_max_neurons",
            "must be ≤ {}, got {}",
            infoscope_nets::binary::attractors::MAX_ATTRACTOR_NEURONS,
            self.attractor_max_neurons
        );
        Ok(())
    }

    /// Whether the exact route is taken for N neurons.
    #[must_use]
    pub fn exact_for(&self, n: usize) -> bool {
        match self.exact {
            When::Always => true,
            When::Never => false,
            When::Auto => n <= self.exact_max_neurons,
        }
    }

    /// Whether the network is simulated for N neurons.
    #[must_use]
    pub fn simulate_for(&self, n: usize) -> bool {
        match self.simulate {
            When::Always => true,
            When::Never => false,
            When::Auto => !self.exact_for(n),
        }
    }

    /// Whether the attractors are enumerated for N neurons.
    #[must_use]
    pub fn attractors_for(&self, n: usize) -> bool {
        match self.attractors {
            When::Always => true,
            When::Never => false,
            When::Auto => n <= self.attractor_max_neurons,
        }
    }

    /// The options of the exact computation.
    #[must_use]
    pub fn exact_options(&self) -> ExactOptions {
        ExactOptions {
            tolerance: self.tolerance,
            max_iterations: self.max_iterations,
            ..ExactOptions::default()
        }
    }
}

/// The exact stationary measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExactMeasures {
    /// I[x(t); x(t+1)], H(x(t+1)) and H(x(t+1) | x(t)) at stationarity, nats.
    pub flux: Flux,
    /// The proxies from π and T.
    pub proxies: CorrelationProxies,
    /// Power iterations run for π.
    pub iterations: usize,
    /// Total variation between the last two iterates of π.
    pub residual: f64,
    /// Estimated |λ₂| (contraction per step) of the chain.
    pub contraction: f64,
}

/// The measures from one simulated run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SampledMeasures {
    /// Recorded steps.
    pub steps: usize,
    /// Discarded steps.
    pub burn_in: usize,
    /// The run's seed.
    pub seed: u64,
    /// The proxies from the run's moments.
    pub proxies: CorrelationProxies,
    /// The neurons of the plug-in estimate.
    pub plugin_subset: Vec<usize>,
    /// Plug-in and Miller–Madow I[x_S(t); x_S(t+1)], nats.
    pub plugin: PluginFlux,
    /// I[x_S(t); x_S(t+1)] by the estimators' plug-in with each bias correction (`none`,
    /// `miller-madow`, `jackknife`, `james-stein`), nats; a correction that fails is absent.
    pub corrected: BTreeMap<String, f64>,
}

/// Every measure of one network (module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FluxMeasures {
    /// N.
    pub n: usize,
    /// The exact measures, when computed.
    pub exact: Option<ExactMeasures>,
    /// The sampled measures, when computed.
    pub sampled: Option<SampledMeasures>,
    /// The attractors of the deterministic limit, when enumerated.
    pub attractors: Option<AttractorSummary>,
    /// Why a measure asked for is absent: `exact`, `sampled` or `attractors` → the reason.
    pub missing: BTreeMap<String, String>,
}

impl FluxMeasures {
    /// The best available flux, nats: exact, else the Miller–Madow plug-in of the subset.
    #[must_use]
    pub fn flux_nats(&self) -> Option<f64> {
        self.exact
            .as_ref()
            .map(|e| e.flux.information_nats)
            .or_else(|| self.sampled.as_ref().map(|s| s.plugin.miller_madow_nats))
    }

    /// The best available value of a proxy: exact, else sampled.
    #[must_use]
    pub fn proxy(&self, kind: ProxyKind) -> Option<f64> {
        self.exact
            .as_ref()
            .and_then(|e| kind.of(&e.proxies))
            .or_else(|| self.sampled.as_ref().and_then(|s| kind.of(&s.proxies)))
    }
}

/// The transition operator of `net` and its stationary distribution, as `config` asks.
///
/// # Errors
/// As [`Transition::new`] and [`stationary`].
pub(crate) fn stationary_of(
    net: &BinaryNetwork,
    config: &MeasureConfig,
) -> infoscope_nets::Result<(Transition, infoscope_nets::binary::Stationary)> {
    let transition = Transition::new(net)?;
    let pi = stationary(&transition, &config.exact_options())?;
    Ok((transition, pi))
}

/// One run of `net` with the simulation settings of `config`.
///
/// # Errors
/// As [`Simulator::run`].
pub(crate) fn simulate(net: &BinaryNetwork, config: &MeasureConfig) -> infoscope_nets::Result<Run> {
    Simulator::from_network(net)?.run(config.seed, config.burn_in, config.steps)
}

/// The exact stationary measures of `net`.
///
/// # Errors
/// As [`Transition::new`] and [`stationary`] (too many neurons, memory budget, no
/// convergence).
pub fn exact_measures(net: &BinaryNetwork, config: &MeasureConfig) -> Result<ExactMeasures> {
    let (transition, pi) = stationary_of(net, config)?;
    let flux = flux_from(&transition, &pi.distribution)?;
    let proxies = exact_proxies(&transition, &pi.distribution)?;
    Ok(ExactMeasures {
        flux,
        proxies,
        iterations: pi.iterations,
        residual: pi.residual,
        contraction: pi.contraction,
    })
}

/// The sampled measures of `net` (one run of `config.steps` after `config.burn_in`).
///
/// # Errors
/// As [`Simulator::run`], [`run_moments`] and [`plugin_flux`].
pub fn sampled_measures(net: &BinaryNetwork, config: &MeasureConfig) -> Result<SampledMeasures> {
    let run = simulate(net, config)?;
    let proxies = run_moments(&run)?.proxies();
    let subset: Vec<usize> = (0..config.plugin_neurons.min(net.n())).collect();
    let plugin = plugin_flux(&run, &subset)?;
    let corrected = corrected_plugin(&run, &subset);
    Ok(SampledMeasures {
        steps: config.steps,
        burn_in: config.burn_in,
        seed: config.seed,
        proxies,
        plugin_subset: subset,
        plugin,
        corrected,
    })
}

/// I[x_S(t); x_S(t+1)] of a run by the estimators' plug-in, with every bias correction.
fn corrected_plugin(run: &Run, subset: &[usize]) -> BTreeMap<String, f64> {
    let len = run.len();
    let code = |t: usize| -> i64 {
        subset
            .iter()
            .enumerate()
            .map(|(b, &i)| i64::from(run.bit(t, i)) << b)
            .sum()
    };
    let codes: Vec<i64> = (0..len).map(code).collect();
    let (Ok(now), Ok(next)) = (
        Array2::from_shape_vec(
            (len.saturating_sub(1), 1),
            codes[..len.saturating_sub(1)].to_vec(),
        ),
        Array2::from_shape_vec(
            (len.saturating_sub(1), 1),
            codes.get(1..).unwrap_or(&[]).to_vec(),
        ),
    ) else {
        return BTreeMap::new();
    };
    [
        BiasCorrection::None,
        BiasCorrection::MillerMadow,
        BiasCorrection::Jackknife,
        BiasCorrection::JamesStein,
    ]
    .into_iter()
    .filter_map(|c| {
        let est = PlugIn::params().correction(c).check().ok()?;
        let v = est.mutual_information(now.view(), next.view()).ok()?;
        Some((c.as_str().to_owned(), v.value.0))
    })
    .collect()
}

/// Every measure of `net` that `config` asks for (module docs).
///
/// # Errors
/// [`AnalysisError::InvalidConfig`](crate::AnalysisError::InvalidConfig) for bad settings only;
/// a measure that fails is recorded in [`FluxMeasures::missing`].
pub fn measure(net: &BinaryNetwork, config: &MeasureConfig) -> Result<FluxMeasures> {
    config.validate()?;
    let n = net.n();
    let mut missing = BTreeMap::new();
    let exact = if config.exact_for(n) {
        exact_measures(net, config)
            .map_err(|e| missing.insert("exact".to_owned(), e.to_string()))
            .ok()
    } else {
        if config.exact == When::Auto {
            missing.insert(
                "exact".to_owned(),
                format!(
                    "N = {n} > exact_max_neurons = {} (set exact = \"always\" to compute it)",
                    config.exact_max_neurons
                ),
            );
        }
        None
    };
    // `auto` simulates where the exact route is not taken, or was taken and failed.
    let simulate = config.simulate_for(n) || (config.simulate == When::Auto && exact.is_none());
    let sampled = if simulate {
        sampled_measures(net, config)
            .map_err(|e| missing.insert("sampled".to_owned(), e.to_string()))
            .ok()
    } else {
        None
    };
    let attractors = if config.attractors_for(n) {
        attractors(net, config.tie)
            .map(|a| a.summary())
            .map_err(|e| missing.insert("attractors".to_owned(), e.to_string()))
            .ok()
    } else {
        if config.attractors == When::Auto {
            missing.insert(
                "attractors".to_owned(),
                format!(
                    "N = {n} > attractor_max_neurons = {} (2^N states)",
                    config.attractor_max_neurons
                ),
            );
        }
        None
    };
    Ok(FluxMeasures {
        n,
        exact,
        sampled,
        attractors,
        missing,
    })
}

/// A network from `weights`, `bias` and `dynamics`.
///
/// # Errors
/// As [`BinaryNetwork::new`].
pub fn network(
    weights: ndarray::Array2<f64>,
    bias: ndarray::Array1<f64>,
    dynamics: &Dynamics,
) -> Result<BinaryNetwork> {
    Ok(BinaryNetwork::new(
        weights,
        bias,
        dynamics.coding,
        dynamics.temperature,
        dynamics.update,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, arr2};

    fn shift_register(w: f64) -> BinaryNetwork {
        let weights = arr2(&[[0.0, 0.0, w], [w, 0.0, 0.0], [0.0, w, 0.0]]);
        BinaryNetwork::synchronous(weights, Array1::from_elem(3, -w / 2.0)).expect("network")
    }

    #[test]
    fn the_shift_register_gives_the_spec_values_exactly_and_by_sampling() {
        // SPEC.md §7, N = 3 shift register, w = 5: I = 1.837757 bits, lagged C_rms (all)
        // = 0.489757.
        let config = MeasureConfig {
            simulate: When::Always,
            steps: 200_000,
            plugin_neurons: 3,
            ..MeasureConfig::default()
        };
        let m = measure(&shift_register(5.0), &config).expect("measures");
        let exact = m.exact.as_ref().expect("exact");
        assert!((exact.flux.information_bits() - 1.837_757).abs() < 1e-6);
        assert!((m.proxy(ProxyKind::LaggedAll).expect("proxy") - 0.489_757).abs() < 1e-6);
        let sampled = m.sampled.as_ref().expect("sampled");
        // 2·10⁵ pairs: the plug-in over all three neurons is within 0.02 nats of the exact.
        assert!((sampled.plugin.miller_madow_nats - exact.flux.information_nats).abs() < 0.02);
        // The estimators' plug-in agrees with the networks' own histogram code, and every
        // correction lands near the exact value.
        assert!((sampled.corrected["none"] - sampled.plugin.plugin_nats).abs() < 1e-12);
        assert!(
            (sampled.corrected["miller-madow"] - sampled.plugin.miller_madow_nats).abs() < 1e-12
        );
        for c in ["jackknife", "james-stein"] {
            assert!(
                (sampled.corrected[c] - exact.flux.information_nats).abs() < 0.02,
                "{c}"
            );
        }
        assert!(m.attractors.is_some());
        assert!(m.missing.is_empty(), "{:?}", m.missing);
    }

    #[test]
    fn a_failing_measure_is_recorded_and_the_others_go_on() {
        let config = MeasureConfig {
            max_iterations: 1,
            tolerance: 1e-15,
            exact: When::Always,
            simulate: When::Always,
            steps: 1000,
            ..MeasureConfig::default()
        };
        // N = 12 > the direct-solve limit: one power iteration cannot converge.
        let w = ndarray::Array2::from_elem((12, 12), 0.3);
        let net = BinaryNetwork::synchronous(w, Array1::zeros(12)).expect("network");
        let m = measure(&net, &config).expect("measures");
        assert!(m.exact.is_none());
        assert!(
            m.missing["exact"].contains("power iteration"),
            "{:?}",
            m.missing
        );
        assert!(m.sampled.is_some());
        assert!(m.flux_nats().is_some());
    }

    #[test]
    fn large_networks_skip_the_exact_route_and_say_why() {
        let w = ndarray::Array2::zeros((40, 40));
        let net = BinaryNetwork::synchronous(w, Array1::zeros(40)).expect("network");
        let m = measure(
            &net,
            &MeasureConfig {
                steps: 2000,
                ..MeasureConfig::default()
            },
        )
        .expect("measures");
        assert!(m.exact.is_none() && m.attractors.is_none());
        assert!(m.missing["exact"].contains("exact_max_neurons"));
        assert!(m.missing["attractors"].contains("2^N"));
        assert!(m.sampled.is_some());
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = MeasureConfig {
            plugin_neurons: 11,
            ..MeasureConfig::default()
        };
        let err = bad.validate().expect_err("refused").to_string();
        assert!(err.contains("plugin_neurons"), "{err}");
    }
}
