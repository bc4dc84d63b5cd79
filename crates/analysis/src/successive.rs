//! Successive-state MI I(h_t; h_{t+1}) (SPEC.md §3, item 4): Gaussian and KSG on the
//! PCA-reduced states, with the trials as samples.

use infoscope_estimators::MutualInformation;
use rayon::prelude::*;

use crate::config::AnalysisConfig;
use crate::error::Result;
use crate::prepare::{Prepared, at_step};
use crate::results::{AppliedEstimator, Bound, MiCurve, MiPanel, SuccessiveStateMi};
use crate::setup::Estimators;

/// The successive-state analysis of a prepared recording.
pub(crate) fn successive_mi(
    p: &Prepared<'_>,
    config: &AnalysisConfig,
    est: &Estimators,
) -> Result<SuccessiveStateMi> {
    let (states, red) = &p.hidden_pca;
    let pairs: Vec<(f64, f64)> = (0..p.rec.n_time() - 1)
        .into_par_iter()
        .map(|t| {
            let a = at_step(states, t);
            let b = at_step(states, t + 1);
            Ok((
                est.gaussian.estimate(a.view(), b.view())?.nats(),
                est.ksg.estimate(a.view(), b.view())?.nats(),
            ))
        })
        .collect::<Result<_>>()?;
    let curve = |label: String, config: AppliedEstimator, values: Vec<f64>| MiCurve {
        label,
        estimator: config.method().into(),
        bound: Bound::Point,
        config,
        values,
        null: None,
    };
    Ok(SuccessiveStateMi {
        reduction: red.clone(),
        panel: MiPanel {
            quantity: "I(h_t; h_t+1)".into(),
            description: format!(
                "successive hidden states, each reduced to {} PCs; value t is I(h_t; h_t+1); samples: the trials",
                red.dims
            ),
            ceiling: None,
            curves: vec![
                curve(
                    format!("Gaussian on {} PCs", red.dims),
                    est.gaussian_applied(red, Some(red)),
                    pairs.iter().map(|v| v.0).collect(),
                ),
                curve(
                    format!("KSG k={} on {} PCs", config.ksg.k, red.dims),
                    est.ksg_applied(red, Some(red)),
                    pairs.iter().map(|v| v.1).collect(),
                ),
            ],
        },
    })
}
