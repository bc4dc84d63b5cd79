//! The estimators of the analyses, configured once from an [`AnalysisConfig`]'s estimator
//! tables, the [`AppliedEstimator`] each curve records, and the small computations they share
//! (binned layer symbols, plug-in MI of symbol columns).

use infoscope_estimators::EstimatorSpec;
use infoscope_estimators::discrete::symbols::{SymbolIds, ids_of_rows};
use infoscope_estimators::discrete::{Binned, PlugIn};
use infoscope_estimators::gaussian::Gaussian;
use infoscope_estimators::knn::{Ksg, Ross};
use infoscope_estimators::kt::KolchinskyTracey;
use ndarray::{Array2, ArrayView2};

use crate::config::AnalysisConfig;
use crate::error::Result;
use crate::results::{AppliedEstimator, Preprocessing, Reduction};

/// The configured estimators, checked from the settings' tables.
pub(crate) struct Estimators {
    pub kt: KolchinskyTracey,
    pub ksg: Ksg,
    /// I(class; layer): Ross's discrete–continuous kNN estimator with the `[analysis.ksg]`
    /// settings (`k`, `normalize`, `noise`, `seed`, `search`), as KSG on a class index read as
    /// a number depends on how the classes are numbered (SPEC.md §1.3; issue 15).
    pub ross: Ross,
    pub gaussian: Gaussian,
    /// Plug-in entropies and MI of the binned layers' symbols, with the binned table's
    /// correction: the same values as the binning estimator of the layer.
    pub plugin: PlugIn,
}

impl Estimators {
    pub fn new(config: &AnalysisConfig) -> Result<Self> {
        let ksg = config.ksg.check()?;
        Ok(Self {
            kt: config.kt.check()?,
            ross: ksg.label_estimator()?,
            ksg,
            gaussian: config.gaussian.clone().check()?,
            plugin: PlugIn::params()
                .correction(config.binned.correction)
                .check()?,
        })
    }

    /// Ross's estimator on PCA-reduced X with class labels Y.
    pub fn ross_applied(&self, x: &Reduction) -> AppliedEstimator {
        AppliedEstimator {
            spec: EstimatorSpec::Ross(self.ross.config()),
            input: reduced(x, None),
        }
    }

    /// KSG on PCA-reduced X and Y (both layers).
    pub fn ksg_applied(&self, x: &Reduction, y: Option<&Reduction>) -> AppliedEstimator {
        AppliedEstimator {
            spec: EstimatorSpec::Ksg(self.ksg.config()),
            input: reduced(x, y),
        }
    }

    /// The Gaussian estimator on PCA-reduced X (and Y, when it is a layer).
    pub fn gaussian_applied(&self, x: &Reduction, y: Option<&Reduction>) -> AppliedEstimator {
        AppliedEstimator {
            spec: EstimatorSpec::Gaussian(self.gaussian.config().clone()),
            input: reduced(x, y),
        }
    }

    /// Kolchinsky–Tracey on the layer as recorded.
    pub fn kt_applied(&self) -> AppliedEstimator {
        AppliedEstimator {
            spec: EstimatorSpec::Kt(self.kt.config()),
            input: Preprocessing::NoisyLayer,
        }
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

fn reduced(x: &Reduction, y: Option<&Reduction>) -> Preprocessing {
    Preprocessing::Reduced {
        x: x.clone(),
        y: y.cloned(),
    }
}

/// A binned-layer estimator: `n_bins` equal intervals of each unit's scaled range `[0, 1]`,
/// with the binned table's correction.
pub(crate) fn layer_binner(n_bins: usize, config: &AnalysisConfig) -> Result<Binned> {
    Ok(config.binned.params(n_bins).check()?)
}

/// The binning estimator of `n_bins` per unit as applied: to each unit scaled by its range.
pub(crate) fn binned_applied(n_bins: usize, config: &AnalysisConfig) -> AppliedEstimator {
    AppliedEstimator {
        spec: EstimatorSpec::Binned(config.binned.params(n_bins)),
        input: Preprocessing::UnitScaled {
            bin_range: config.bin_range,
        },
    }
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
