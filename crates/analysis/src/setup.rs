//! The estimators of the analyses, configured once from an [`AnalysisConfig`], and the small
//! computations they share (binned layer symbols, plug-in MI of symbol columns).

use infoscope_estimators::discrete::symbols::{SymbolIds, ids_of_rows};
use infoscope_estimators::discrete::{BinPolicy, Binned, PlugIn};
use infoscope_estimators::gaussian::Gaussian;
use infoscope_estimators::knn::Ksg;
use infoscope_estimators::kt::KolchinskyTracey;
use ndarray::{Array2, ArrayView2};
use serde_json::json;

use crate::config::AnalysisConfig;
use crate::error::Result;
use crate::results::Reduction;

/// The configured estimators.
pub(crate) struct Estimators {
    pub kt: KolchinskyTracey,
    pub ksg: Ksg,
    pub gaussian: Gaussian,
    pub plugin: PlugIn,
}

impl Estimators {
    pub fn new(config: &AnalysisConfig) -> Result<Self> {
        Ok(Self {
            kt: KolchinskyTracey::new(config.kt_noise_var)?,
            ksg: Ksg::params().k(config.ksg_k).normalize(true).check()?,
            gaussian: Gaussian::params().check()?,
            plugin: PlugIn::params().check()?,
        })
    }

    /// The KSG configuration with the reduction it runs on.
    pub fn ksg_config(&self, reduction: &Reduction) -> serde_json::Value {
        json!({ "ksg": self.ksg.config(), "reduction": reduction })
    }

    /// The Gaussian configuration with the reduction it runs on.
    pub fn gaussian_config(&self, reduction: &Reduction) -> serde_json::Value {
        json!({ "gaussian": self.gaussian.config(), "reduction": reduction })
    }

    /// The KSG configuration of a two-sided estimate, each side with its reduction.
    pub fn ksg_config_pair(&self, a: &Reduction, b: &Reduction) -> serde_json::Value {
        json!({ "ksg": self.ksg.config(), "reductions": [a, b] })
    }

    /// The Gaussian configuration of a two-sided estimate, each side with its reduction.
    pub fn gaussian_config_pair(&self, a: &Reduction, b: &Reduction) -> serde_json::Value {
        json!({ "gaussian": self.gaussian.config(), "reductions": [a, b] })
    }

    /// The KT configuration.
    pub fn kt_config(&self) -> serde_json::Value {
        json!({ "kt": self.kt.config(), "noise": "T = h + N(0, σ² I), one mixture component per trial" })
    }

    /// I(a; b) in nats of two integer-symbol columns, by the plug-in estimator.
    pub fn plugin_mi(&self, a: &[i64], b: &[i64]) -> Result<f64> {
        let a = column(a);
        let b = column(b);
        Ok(self.plugin.mutual_information(a.view(), b.view())?.nats())
    }

    /// H(a) in nats of an integer-symbol column, by the plug-in estimator.
    pub fn plugin_entropy(&self, a: &[i64]) -> Result<f64> {
        Ok(self.plugin.entropy(column(a).view())?.nats())
    }
}

/// A binned-layer estimator: `n_bins` equal intervals of each unit's scaled range `[0, 1]`.
pub(crate) fn layer_binner(n_bins: usize) -> Result<Binned> {
    Ok(Binned::params()
        .policy(BinPolicy::FixedIntervals {
            lo: 0.0,
            hi: 1.0,
            n_bins,
        })
        .check()?)
}

/// The configuration of a binned estimate.
pub(crate) fn binned_config(n_bins: usize, config: &AnalysisConfig) -> serde_json::Value {
    json!({
        "n_bins": n_bins,
        "bin_range": config.bin_range,
        "policy": "n_bins equal intervals between each unit's minimum and maximum",
        "correction": "none (plug-in)",
    })
}

/// The whole layer `scaled` (trials × units, scaled to `[0, 1]`) as one symbol per trial.
pub(crate) fn layer_symbols(binner: &Binned, scaled: ArrayView2<'_, f64>) -> Result<Vec<i64>> {
    let binned = binner.bin("hidden", scaled)?;
    let ids: SymbolIds = ids_of_rows(binned.symbols.view());
    Ok(ids.ids.iter().map(|&i| i64::from(i)).collect())
}

/// A column of integers as an `n × 1` matrix.
fn column(v: &[i64]) -> Array2<i64> {
    Array2::from_shape_fn((v.len(), 1), |(i, _)| v[i])
}

/// A column of integers as an `n × 1` float matrix.
pub(crate) fn float_column(v: &[i64]) -> Array2<f64> {
    Array2::from_shape_fn((v.len(), 1), |(i, _)| v[i] as f64)
}

/// `v` permuted: element `i` is `v[order[i]]`.
pub(crate) fn permuted(v: &[i64], order: &[usize]) -> Vec<i64> {
    order.iter().map(|&o| v[o]).collect()
}

/// Whether every element is the same.
pub(crate) fn is_constant(v: &[i64]) -> bool {
    v.windows(2).all(|w| w[0] == w[1])
}
