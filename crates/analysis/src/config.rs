//! [`AnalysisConfig`]: every setting of the analyses, with the defaults of SPEC.md §3 (and ours
//! where the source is silent, SPEC.md §11.1). The same names are used in the TOML file's
//! `[analysis]` table.

use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure_config};

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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
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
    /// Kolchinsky–Tracey noise variance σ² (activation units²).
    pub kt_noise_var: f64,
    /// The σ² values of the Kolchinsky–Tracey sweep.
    pub kt_sweep: Vec<f64>,
    /// KSG neighbours.
    pub ksg_k: usize,
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
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            stimulus_classes: 8,
            layer_bins: vec![2, 3, 5, 10, 30],
            bin_range: BinRange::Recording,
            neuron_bins: 2,
            kt_noise_var: 1.0,
            kt_sweep: vec![1e-2, 1e-1, 1.0, 10.0, 100.0],
            ksg_k: 3,
            pca_dims: 10,
            permutations: 100,
            fdr: 0.05,
            seed: 1,
            plane_bins: 2,
        }
    }
}

impl AnalysisConfig {
    /// Parse settings from TOML: the keys at the top level, or under an `[analysis]` table
    /// (so an experiment file's table can be used as it is); missing keys take the defaults.
    ///
    /// # Errors
    /// [`crate::AnalysisError::Experiment`] naming `origin` for invalid TOML or an unknown key;
    /// [`crate::AnalysisError::InvalidConfig`] for out-of-range settings.
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

    /// Refuse settings no analysis can run with.
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
        for (name, v) in std::iter::once(("kt_noise_var", &self.kt_noise_var))
            .chain(self.kt_sweep.iter().map(|v| ("kt_sweep", v)))
        {
            ensure_config!(
                v.is_finite() && *v > 0.0,
                name,
                "noise variances must be finite and > 0, got {v}"
            );
        }
        ensure_config!(
            !self.kt_sweep.is_empty(),
            "kt_sweep",
            "needs at least one noise variance"
        );
        ensure_config!(self.ksg_k >= 1, "ksg_k", "must be ≥ 1, got {}", self.ksg_k);
        ensure_config!(
            self.pca_dims >= 1,
            "pca_dims",
            "must be ≥ 1, got {}",
            self.pca_dims
        );
        ensure_config!(
            self.permutations >= 1,
            "permutations",
            "must be ≥ 1, got {}",
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
