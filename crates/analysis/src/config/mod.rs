//! [`AnalysisConfig`]: every setting of the analyses, with the defaults of SPEC.md §3 (and ours
//! where the source is silent, SPEC.md §11.1). The same names are used in the TOML file's
//! `[analysis]` table and in Python's keywords.
//!
//! The estimators are named by their own parameters, in one table each, with the field names
//! of the CLI (`infoscope estimate --method ksg --k 3`) and of the Python classes
//! (`Ksg(k=3)`): `[analysis.ksg]` holds a [`KsgParams`], `[analysis.kt]` a [`KtParams`],
//! `[analysis.gaussian]` a [`GaussianParams`], and `[analysis.binned]` the binning estimator's
//! settings besides its bins ([`BinnedSettings`]; the bin counts are `layer_bins`,
//! `neuron_bins` and `plane_bins`, over each unit's range chosen by `bin_range`). A table's
//! missing keys take the analysis defaults ([`AnalysisConfig::default`]), which are the
//! estimator's own except KSG's `normalize = true`. [`AnalysisConfig::validate`] checks every
//! table with that estimator's `check()`, so a value out of range is refused with the message
//! the CLI and Python give, under the key's path (`ksg.k`).

mod tables;

use infoscope_estimators::EstimatorError;
use infoscope_estimators::gaussian::GaussianParams;
use infoscope_estimators::knn::KsgParams;
use infoscope_estimators::kt::{KolchinskyTracey, KtParams};
use infoscope_estimators::significance::MAX_SURROGATES;
use serde::{Deserialize, Serialize};

pub use tables::BinnedSettings;

use crate::error::{AnalysisError, Result, ensure_config};

/// Where each unit's binning range comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinRange {
    /// The unit's minimum and maximum over all trials and time steps of the recording: the
    /// bins are the same at every step, so a silent unit falls in one bin.
    #[default]
    Recording,
    /// The unit's minimum and maximum over the trials of each time step.
    TimeStep,
}

/// Settings of the analyses of a recording.
///
/// Serialised with the estimator tables last (`binned`, `kt`, `ksg`, `gaussian`), as TOML
/// needs. Reading refuses unknown keys, and the keys of earlier versions (`ksg_k`,
/// `kt_noise_var`) with a message saying where they moved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, default)]
pub struct AnalysisConfig {
    /// The stimulus X: angles cut into this many equal sectors starting at 0 rad. `0` uses the
    /// distinct label values as classes (also done when every label is an integer).
    pub stimulus_classes: usize,
    /// Bins per unit of the layer-level binned estimates (SPEC.md §3: 2, 3, 5, 10, 30).
    pub layer_bins: Vec<usize>,
    /// The binning range of each unit.
    pub bin_range: BinRange,
    /// Bins per neuron of the per-neuron MI (2).
    pub neuron_bins: usize,
    /// The σ² values of the Kolchinsky–Tracey sweep (each with the other settings of
    /// [`AnalysisConfig::kt`]).
    pub kt_sweep: Vec<f64>,
    /// Largest number of principal components kept for KSG and Gaussian estimates.
    pub pca_dims: usize,
    /// Label permutations per estimate for the null (SPEC.md §9: default 100).
    pub permutations: usize,
    /// False-discovery rate for calling a neuron active.
    pub fdr: f64,
    /// Seed of the permutations.
    pub seed: u64,
    /// Bins per unit of the binned information-plane estimate.
    pub plane_bins: usize,
    /// `[analysis.binned]`: the binning estimator's settings besides its bins (its bias
    /// correction), for every binned and plug-in value of the analyses.
    pub binned: BinnedSettings,
    /// `[analysis.kt]`: the Kolchinsky–Tracey estimator (default `noise_var = 1.0`, the
    /// estimator's default tile).
    #[serde(deserialize_with = "tables::kt")]
    pub kt: KtParams,
    /// `[analysis.ksg]`: the KSG estimator of the PCA-reduced layers (default `k = 3`,
    /// `normalize = true`, the estimator's defaults otherwise). I(class; layer) uses these
    /// settings with Ross's discrete–continuous estimator (`Ksg::label_estimator`),
    /// which has no Theiler window.
    #[serde(deserialize_with = "tables::ksg")]
    pub ksg: KsgParams,
    /// `[analysis.gaussian]`: the Gaussian estimator of the PCA-reduced layers (the
    /// estimator's defaults).
    #[serde(deserialize_with = "tables::gaussian")]
    pub gaussian: GaussianParams,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            stimulus_classes: 8,
            layer_bins: vec![2, 3, 5, 10, 30],
            bin_range: BinRange::Recording,
            neuron_bins: 2,
            kt_sweep: vec![1e-2, 1e-1, 1.0, 10.0, 100.0],
            pca_dims: 10,
            permutations: 100,
            fdr: 0.05,
            seed: 1,
            plane_bins: 2,
            binned: BinnedSettings::default(),
            kt: KolchinskyTracey::params(1.0),
            ksg: KsgParams::default().k(3).normalize(true),
            gaussian: GaussianParams::default(),
        }
    }
}

impl Serialize for AnalysisConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        // The derived (remote = "Self") serialiser.
        AnalysisConfig::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for AnalysisConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        tables::without_moved_keys(d)
    }
}

impl AnalysisConfig {
    /// Parse settings from TOML: the keys at the top level, or under an `[analysis]` table
    /// (so an experiment file's table can be used as it is); missing keys take the defaults.
    ///
    /// # Errors
    /// [`crate::AnalysisError::Experiment`] naming `origin` for invalid TOML, an unknown key
    /// or a key that moved; [`crate::AnalysisError::InvalidConfig`] for out-of-range settings.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let fail = |detail: String| crate::AnalysisError::Experiment {
            path: origin.into(),
            detail,
        };
        let table: toml::Table = toml::from_str(text)
            .map_err(|e| fail(crate::experiment::describe_toml_error(&e, text)))?;
        let config: Self = match table.get("analysis") {
            Some(toml::Value::Table(inner)) => inner.clone().try_into(),
            _ => table.try_into(),
        }
        .map_err(|e: toml::de::Error| fail(e.message().replace('\n', " ")))?;
        config.validate()?;
        Ok(config)
    }

    /// Refuse settings no analysis can run with. Each estimator table is checked by its
    /// estimator's own `check()`; its errors name the key as `table.parameter` (`ksg.k`).
    ///
    /// # Errors
    /// [`crate::AnalysisError::InvalidConfig`] naming the setting.
    pub fn validate(&self) -> Result<()> {
        ensure_config!(
            !self.layer_bins.is_empty() && self.layer_bins.iter().all(|&b| b >= 1),
            "layer_bins",
            "needs at least one bin count, each ≥ 1, got {:?}",
            self.layer_bins
        );
        ensure_config!(
            self.neuron_bins >= 1,
            "neuron_bins",
            "must be ≥ 1, got {}",
            self.neuron_bins
        );
        ensure_config!(
            self.plane_bins >= 1,
            "plane_bins",
            "must be ≥ 1, got {}",
            self.plane_bins
        );
        let bins = self
            .layer_bins
            .iter()
            .chain([&self.neuron_bins, &self.plane_bins]);
        for &n_bins in bins {
            table("binned", self.binned.params(n_bins).check())?;
        }
        table("kt", self.kt.check())?;
        ensure_config!(
            !self.kt_sweep.is_empty(),
            "kt_sweep",
            "needs at least one noise variance"
        );
        for &noise_var in &self.kt_sweep {
            self.kt
                .noise_var(noise_var)
                .check()
                .map_err(|e| invalid("kt_sweep", e))?;
        }
        table("ksg", self.ksg.check().and_then(|k| k.label_estimator()))?;
        table("gaussian", self.gaussian.clone().check())?;
        ensure_config!(
            self.pca_dims >= 1,
            "pca_dims",
            "must be ≥ 1, got {}",
            self.pca_dims
        );
        ensure_config!(
            (1..=MAX_SURROGATES).contains(&self.permutations),
            "permutations",
            "must be ≥ 1 and at most {MAX_SURROGATES} (a p-value resolution of 1e-6 is beyond \
             any false-discovery control), got {}",
            self.permutations
        );
        ensure_config!(
            self.fdr > 0.0 && self.fdr < 1.0,
            "fdr",
            "must lie in (0, 1), got {}",
            self.fdr
        );
        Ok(())
    }
}

/// The result of an estimator table's `check()`, its error named `table.parameter`.
fn table<T>(table: &str, checked: infoscope_estimators::Result<T>) -> Result<()> {
    match checked {
        Ok(_) => Ok(()),
        Err(EstimatorError::InvalidParameter { name, reason }) => {
            Err(AnalysisError::InvalidConfig {
                name: format!("{table}.{name}"),
                reason,
            })
        }
        Err(e) => Err(invalid(table, e)),
    }
}

/// An estimator's refusal of the setting `name`, with the estimator's reason.
fn invalid(name: &str, e: EstimatorError) -> AnalysisError {
    let reason = match e {
        EstimatorError::InvalidParameter { reason, .. } => reason,
        other => other.to_string(),
    };
    AnalysisError::InvalidConfig {
        name: name.into(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        AnalysisConfig::from_toml(text, "a.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn tables_take_the_estimators_field_names_and_the_analysis_defaults() {
        let c = AnalysisConfig::from_toml(
            "[analysis.ksg]\nk = 5\nnoise = 1e-8\n[analysis.kt]\ntile = 64\n\
             [analysis.binned]\ncorrection = \"miller-madow\"\n[analysis.gaussian]\nridge = 0.5\n",
            "a.toml",
        )
        .unwrap();
        assert_eq!(c.ksg.k, 5);
        assert!(c.ksg.normalize, "the analysis default stays");
        assert_eq!(
            c.ksg.noise,
            infoscope_estimators::knn::Noise::Gaussian { std: 1e-8 }
        );
        assert_eq!((c.kt.noise_var, c.kt.tile), (1.0, 64));
        assert_eq!(
            c.binned.correction,
            infoscope_estimators::discrete::BiasCorrection::MillerMadow
        );
        assert_eq!(c.gaussian.ridge_value(), 0.5);
        // An empty table is the defaults.
        let d = AnalysisConfig::from_toml("[analysis.ksg]\n[analysis.kt]\n", "a.toml").unwrap();
        assert_eq!(d, AnalysisConfig::default());
        // JSON and TOML round trips.
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<AnalysisConfig>(&json).unwrap(), c);
        let toml = toml::to_string(&c).unwrap();
        assert_eq!(AnalysisConfig::from_toml(&toml, "t").unwrap(), c);
    }

    #[test]
    fn out_of_range_values_carry_the_estimators_message_under_their_path() {
        let cases = [
            ("[ksg]\nk = 0", "`ksg.k`: k must be at least 1, got 0"),
            (
                "[kt]\nnoise_var = -1.0",
                "`kt.noise_var`: the noise variance must be finite and > 0, got -1",
            ),
            ("[kt]\ntile = 0", "`kt.tile`"),
            ("[gaussian]\nridge = -1.0", "`gaussian.ridge`: must be >= 0"),
            ("kt_sweep = [1.0, 0.0]", "`kt_sweep`: the noise variance"),
        ];
        for (text, needle) in cases {
            let e = err(text);
            assert!(e.contains(needle), "{text}: {e}");
        }
        let e = err("[ksg]\nk = 0\n");
        let checked = KsgParams::default().k(0).check().unwrap_err().to_string();
        assert!(
            checked.ends_with("k must be at least 1, got 0"),
            "{checked}"
        );
        assert!(e.ends_with("k must be at least 1, got 0"), "{e}");
    }

    #[test]
    fn bad_keys_in_tables_are_named() {
        let e = err("[analysis.ksg]\nkk = 3");
        assert!(
            e.contains("method `ksg` has no parameter `kk`") && e.contains("a.toml"),
            "{e}"
        );
        let e = err("[analysis.ksg]\nk = \"three\"");
        assert!(e.contains("parameter `k` is invalid"), "{e}");
        let e = err("[analysis.binned]\npolicy = 3");
        assert!(
            e.contains("`policy` is not a setting") && e.contains("layer_bins"),
            "{e}"
        );
        let e = err("[analysis.binned]\ny_kind = \"auto\"");
        assert!(e.contains("labels"), "{e}");
        let e = err("[analysis.binned]\nbins = 3");
        assert!(e.contains("`bins`") && e.contains("correction"), "{e}");
        let e = err("[analysis.binned]\ncorrection = \"median\"");
        assert!(e.contains("median"), "{e}");
    }

    #[test]
    fn old_keys_say_where_they_moved() {
        let e = err("[analysis]\nksg_k = 5");
        assert!(e.contains("`ksg_k`") && e.contains("[analysis.ksg]"), "{e}");
        assert!(e.contains("k = 5"), "{e}");
        let e = err("kt_noise_var = 0.5");
        assert!(
            e.contains("`kt_noise_var`") && e.contains("[analysis.kt]"),
            "{e}"
        );
        assert!(e.contains("noise_var = 0.5"), "{e}");
        let json: std::result::Result<AnalysisConfig, _> = serde_json::from_str(r#"{"ksg_k": 4}"#);
        let e = json.unwrap_err().to_string();
        assert!(e.contains("[analysis.ksg]") && e.contains("k = 4"), "{e}");
    }
}
