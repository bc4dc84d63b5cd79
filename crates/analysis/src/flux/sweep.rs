//! Flux against its correlation proxies over the width–density–balance ensembles (issue #17,
//! item 4): many random networks per grid point (w, d, b), every measure of each
//! ([`measure`](super::measure())), then per proxy the rank correlation with the flux and
//! the fitted monotone relation ([`relation`](super::relation)).
//!
//! Network k of grid point p is drawn with [`draw_seed`](super::draw_seed)(seed, index) for
//! index = p · networks + k: any network can be redrawn alone, and the sweep's numbers do not
//! depend on the thread count or on where a resumed sweep restarted.

use infoscope_nets::binary::{Magnitude, WidthDensityBalance};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::ensemble::Ensemble;
use super::measure::{BiasRule, Dynamics, FluxMeasures, MeasureConfig, ProxyKind, measure};
use super::relation::{Piece, explained, isotonic, pearson, spearman};
use crate::error::{Result, ensure_config};

/// The grid and the draws of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SweepConfig {
    /// Whether the experiment runs the sweep (default true).
    pub enabled: bool,
    /// Neurons per network (default 6).
    pub n: usize,
    /// Widths w of the weight magnitudes (default [0.5, 1, 2, 4, 8]).
    pub widths: Vec<f64>,
    /// Densities d (default [0.25, 0.5, 1]).
    pub densities: Vec<f64>,
    /// Balances b (default [−0.5, 0, 0.5]).
    pub balances: Vec<f64>,
    /// Random networks per grid point (default 12).
    pub networks: usize,
    /// The magnitude distribution (default `half-normal`).
    pub magnitude: Magnitude,
    /// Whether self-connections may be non-zero (default false).
    pub diagonal: bool,
    /// The biases (default `zero`).
    pub bias: BiasRule,
    /// The seed of the draws (default 0).
    pub seed: u64,
}

impl Default for SweepConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            n: 6,
            widths: vec![0.5, 1.0, 2.0, 4.0, 8.0],
            densities: vec![0.25, 0.5, 1.0],
            balances: vec![-0.5, 0.0, 0.5],
            networks: 12,
            magnitude: Magnitude::HalfNormal,
            diagonal: false,
            bias: BiasRule::Zero,
            seed: 0,
        }
    }
}

/// One grid point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridPoint {
    /// w.
    pub width: f64,
    /// d.
    pub density: f64,
    /// b.
    pub balance: f64,
}

impl SweepConfig {
    /// Refuse a sweep that cannot run.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidConfig`](crate::AnalysisError::InvalidConfig) naming the
    /// setting (`sweep.` prefixed).
    pub fn validate(&self) -> Result<()> {
        ensure_config!(self.n >= 2, "sweep.n", "must be ≥ 2, got {}", self.n);
        ensure_config!(self.networks >= 1, "sweep.networks", "must be ≥ 1, got 0");
        for (name, values) in [
            ("sweep.widths", &self.widths),
            ("sweep.densities", &self.densities),
            ("sweep.balances", &self.balances),
        ] {
            ensure_config!(!values.is_empty(), name, "must name at least one value");
        }
        // Check every grid value by drawing from it once (the ensemble names what is wrong).
        for p in self.grid() {
            self.ensemble(p)
                .draw(0, 0, self.bias, &Dynamics::default())
                .map_err(|e| crate::AnalysisError::InvalidConfig {
                    name: "sweep".into(),
                    reason: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// The grid points, widths outermost, balances innermost.
    #[must_use]
    pub fn grid(&self) -> Vec<GridPoint> {
        let mut g = Vec::new();
        for &width in &self.widths {
            for &density in &self.densities {
                for &balance in &self.balances {
                    g.push(GridPoint {
                        width,
                        density,
                        balance,
                    });
                }
            }
        }
        g
    }

    /// The ensemble of grid point `p`.
    #[must_use]
    pub fn ensemble(&self, p: GridPoint) -> Ensemble {
        Ensemble::Wdb(WidthDensityBalance {
            n: self.n,
            width: p.width,
            density: p.density,
            balance: p.balance,
            magnitude: self.magnitude,
            diagonal: self.diagonal,
        })
    }

    /// The number of networks of the whole sweep.
    #[must_use]
    pub fn total(&self) -> usize {
        self.grid().len() * self.networks
    }
}

/// One network of the sweep and its measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepNetwork {
    /// Its grid point.
    pub point: GridPoint,
    /// Its draw index (p · networks + k).
    pub index: u64,
    /// Its measures.
    pub measures: FluxMeasures,
}

/// How one proxy tracks the flux over the sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProxyRelation {
    /// The proxy.
    pub proxy: ProxyKind,
    /// Networks with both a flux and this proxy.
    pub networks: usize,
    /// Spearman's rank correlation of flux and proxy.
    pub spearman: Option<f64>,
    /// Pearson's correlation of flux and proxy.
    pub pearson: Option<f64>,
    /// The isotonic fit of the flux (nats) on the proxy.
    pub fit: Vec<Piece>,
    /// The share of the flux's variance the isotonic fit explains (R²).
    pub explained: Option<f64>,
}

/// The sweep's networks and the proxy relations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepResults {
    /// Every network, in draw order.
    pub networks: Vec<SweepNetwork>,
    /// One relation per proxy, in [`ProxyKind::ALL`] order.
    pub relations: Vec<ProxyRelation>,
    /// The proxy with the highest Spearman correlation.
    pub best_proxy: Option<ProxyKind>,
}

/// Measures the networks of grid point `p` (index `point` in [`SweepConfig::grid`]), in
/// parallel, in draw order.
///
/// # Errors
/// The ensemble's and [`measure`]'s setting errors (a failing measure is recorded, not
/// raised).
pub fn sweep_point(
    config: &SweepConfig,
    point: usize,
    dynamics: &Dynamics,
    measure_config: &MeasureConfig,
) -> Result<Vec<SweepNetwork>> {
    let p = config.grid()[point];
    let ensemble = config.ensemble(p);
    (0..config.networks)
        .into_par_iter()
        .map(|k| {
            let index = (point * config.networks + k) as u64;
            let net = ensemble.draw(config.seed, index, config.bias, dynamics)?;
            Ok(SweepNetwork {
                point: p,
                index,
                measures: measure(&net, measure_config)?,
            })
        })
        .collect()
}

/// The proxy relations of `networks`.
#[must_use]
pub fn relations(networks: &[SweepNetwork]) -> SweepResults {
    let relations: Vec<ProxyRelation> = ProxyKind::ALL
        .iter()
        .map(|&proxy| {
            let (x, y): (Vec<f64>, Vec<f64>) = networks
                .iter()
                .filter_map(|s| Some((s.measures.proxy(proxy)?, s.measures.flux_nats()?)))
                .unzip();
            let fit = isotonic(&x, &y);
            ProxyRelation {
                proxy,
                networks: x.len(),
                spearman: spearman(&x, &y),
                pearson: pearson(&x, &y),
                explained: explained(&fit, &x, &y),
                fit,
            }
        })
        .collect();
    let best_proxy = relations
        .iter()
        .filter_map(|r| Some((r.proxy, r.spearman?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(p, _)| p);
    SweepResults {
        networks: networks.to_vec(),
        relations,
        best_proxy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> SweepConfig {
        SweepConfig {
            n: 4,
            widths: vec![1.0, 4.0],
            densities: vec![1.0],
            balances: vec![0.0],
            networks: 6,
            ..SweepConfig::default()
        }
    }

    #[test]
    fn the_sweep_is_the_same_point_by_point_and_on_one_thread() {
        let c = small();
        let d = Dynamics::default();
        let m = MeasureConfig::default();
        let all: Vec<SweepNetwork> = (0..c.grid().len())
            .flat_map(|p| sweep_point(&c, p, &d, &m).expect("point"))
            .collect();
        assert_eq!(all.len(), c.total());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let one = pool.install(|| sweep_point(&c, 1, &d, &m).expect("point"));
        assert_eq!(one, all[6..].to_vec());
        let r = relations(&all);
        assert_eq!(r.relations.len(), 3);
        let lagged = &r.relations[1];
        assert_eq!(lagged.networks, 12);
        assert!(lagged.spearman.expect("rho") > 0.5, "{lagged:?}");
        assert!(r.best_proxy.is_some());
    }

    #[test]
    fn a_bad_grid_value_is_named() {
        let c = SweepConfig {
            densities: vec![1.5],
            ..small()
        };
        let err = c.validate().expect_err("refused").to_string();
        assert!(err.contains("density"), "{err}");
    }
}
