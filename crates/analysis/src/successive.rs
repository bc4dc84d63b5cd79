//! Successive-state MI I(h_t; h_{t+1}) (SPEC.md §3, item 4): Gaussian and KSG on the
//! PCA-reduced states, with the trials as samples. Constant state components are dropped at
//! each step (exact); a failing estimate leaves its value missing, with the reason.

use rayon::prelude::*;

use crate::config::AnalysisConfig;
use crate::layer::{CurveId, Point, between_points, curves};
use crate::prepare::{Prepared, at_step};
use crate::results::{Bound, MiPanel, SuccessiveStateMi};
use crate::setup::Estimators;

/// The successive-state analysis of a prepared recording (no curves, and the reason in the
/// panel's description, for a recording of one step).
pub(crate) fn successive_mi(
    p: &Prepared<'_>,
    config: &AnalysisConfig,
    est: &Estimators,
) -> SuccessiveStateMi {
    let (states, red) = &p.hidden_pca;
    let quantity = "I(h_t; h_t+1)".to_string();
    let steps = p.rec.n_time();
    if steps < 2 {
        return SuccessiveStateMi {
            reduction: red.clone(),
            panel: MiPanel {
                quantity,
                description:
                    "none: the recording has one time step, so there is no successive state".into(),
                ceiling: None,
                curves: Vec::new(),
            },
        };
    }
    let values: Vec<Vec<Point>> = (0..steps - 1)
        .into_par_iter()
        .map(|t| {
            let a = at_step(states, t);
            let b = at_step(states, t + 1);
            between_points(est, a.view(), b.view())
        })
        .collect();
    let specs = [
        CurveId::new(
            format!("Gaussian on {} PCs", red.dims),
            Bound::Point,
            est.gaussian_applied(red, Some(red)),
        ),
        CurveId::new(
            format!("KSG k={} on {} PCs", config.ksg.k, red.dims),
            Bound::Point,
            est.ksg_applied(red, Some(red)),
        ),
    ];
    SuccessiveStateMi {
        reduction: red.clone(),
        panel: MiPanel {
            quantity,
            description: format!(
                "successive hidden states, each reduced to {} PCs; value t is I(h_t; h_t+1); samples: the trials",
                red.dims
            ),
            ceiling: None,
            curves: curves(&specs, &values, config.permutations),
        },
    }
}
