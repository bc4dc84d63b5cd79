//! [`Results::new`]: the one place a [`Results`] is put together, for `infoscope run`,
//! `infoscope analyze` and the Python package alike.

use serde::{Deserialize, Serialize};

use crate::config::AnalysisConfig;
use crate::experiment::Experiment;
use crate::results::{NamedSeed, NetworkAnalysis, RESULTS_SCHEMA, Results};

/// The configuration of Results made of analyses of recordings (`infoscope analyze`, Python's
/// `as_results`), as `results.json` stores it in `config`:
/// `{"recording": "rec.npz", "analysis": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeConfig {
    /// The recording's path as given, when the analyses read a file (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<String>,
    /// The analysis settings.
    pub analysis: AnalysisConfig,
}

/// What produced a [`Results`].
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Source<'a> {
    /// A whole experiment (`infoscope run`, Python's `run_experiment`): named after it, with
    /// the experiment as the configuration and every seed it used.
    Experiment(&'a Experiment),
    /// Analyses of recordings with one configuration (`infoscope analyze`, Python's
    /// `as_results`): named `"analyze"`, with the permutation seed.
    Analyze(&'a AnalyzeConfig),
}

impl Results {
    /// The Results of `networks` (in order), produced as `source` says: schema version,
    /// infoscope version, unit (nats), configuration and seeds.
    #[must_use]
    pub fn new(source: Source<'_>, networks: Vec<NetworkAnalysis>) -> Self {
        let (experiment, config, seeds) = match source {
            Source::Experiment(exp) => (exp.name.clone(), serde_json::to_value(exp), exp.seeds()),
            Source::Analyze(c) => (
                "analyze".to_owned(),
                serde_json::to_value(c),
                vec![NamedSeed {
                    name: "analysis permutations".into(),
                    seed: c.analysis.seed,
                }],
            ),
        };
        Self {
            schema_version: RESULTS_SCHEMA,
            infoscope_version: env!("CARGO_PKG_VERSION").into(),
            experiment,
            unit: "nats".into(),
            config: config.unwrap_or_default(),
            seeds,
            networks,
        }
    }
}
