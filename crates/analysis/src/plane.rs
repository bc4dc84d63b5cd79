//! The information plane over training checkpoints (SPEC.md §5.2): for each checkpoint's
//! recording of the same trials, I(X; T) with X the trial's input pattern and I(T; Y) with Y
//! the target class, at the last time step of the hidden layer.

use infoscope_nets::record::Recording;
use ndarray::{ArrayView1, Axis};
use rayon::prelude::*;

use crate::config::AnalysisConfig;
use crate::error::{AnalysisError, Result};
use crate::prepare::{classes, scale_units};
use crate::results::{AppliedEstimator, Bound, InformationPlane, PlaneCurve, Sampling};
use crate::setup::{Estimators, binned_applied, layer_binner, layer_symbols};

/// One checkpoint's place on the plane.
struct Point {
    /// Binned I(X;T), I(T;Y); KT lower I(X;T), I(T;Y); KT upper I(X;T), I(T;Y); nats.
    values: [f64; 6],
    /// The recording's `[trials, steps, units]`.
    shape: Vec<usize>,
    performance: f64,
    has_targets: bool,
}

/// The information plane of `checkpoints` (training step, recording of the same trials),
/// at the last time step.
///
/// # Errors
/// [`AnalysisError::Recording`] when there are no checkpoints or their recordings differ in
/// shape; estimator errors.
pub fn information_plane(
    checkpoints: &[(usize, Recording)],
    config: &AnalysisConfig,
) -> Result<InformationPlane> {
    let steps: Vec<usize> = checkpoints.iter().map(|(s, _)| *s).collect();
    plane(&steps, config, |i, est| {
        point(&checkpoints[i].1, config, est)
    })
}

/// [`information_plane`] of the checkpoints at `steps`, each recorded by `record(step)` when
/// it is needed and dropped after its point is computed (so only a few recordings are in
/// memory at once).
///
/// # Errors
/// As [`information_plane`], and whatever `record` returns.
pub fn information_plane_with<F>(
    steps: &[usize],
    config: &AnalysisConfig,
    record: F,
) -> Result<InformationPlane>
where
    F: Fn(usize) -> Result<Recording> + Sync,
{
    plane(steps, config, |i, est| {
        point(&record(steps[i])?, config, est)
    })
}

fn plane<F>(steps: &[usize], config: &AnalysisConfig, point_of: F) -> Result<InformationPlane>
where
    F: Fn(usize, &Estimators) -> Result<Point> + Sync,
{
    config.validate()?;
    if steps.is_empty() {
        return Err(AnalysisError::Recording(
            "the information plane needs at least one checkpoint".into(),
        ));
    }
    let est = Estimators::new(config)?;
    let points: Vec<Point> = (0..steps.len())
        .into_par_iter()
        .map(|i| point_of(i, &est))
        .collect::<Result<_>>()?;
    let first = &points[0];
    if let Some((i, _)) = points
        .iter()
        .enumerate()
        .find(|(_, p)| p.shape != first.shape)
    {
        return Err(AnalysisError::Recording(format!(
            "the recording of checkpoint {} differs in shape from the first ({:?})",
            steps[i], first.shape
        )));
    }
    let curve = |label: String, bound, config: AppliedEstimator, i: usize| PlaneCurve {
        label,
        estimator: config.method().into(),
        bound,
        config,
        i_xt: points.iter().map(|p| p.values[i]).collect(),
        i_ty: points.iter().map(|p| p.values[i + 1]).collect(),
    };
    Ok(InformationPlane {
        sampling: Sampling::TrialsAtOneTimeStep,
        step: first.shape[1] - 1,
        description: format!(
            "X: the trial's input pattern (every trial distinct); Y: {} at the last step; T: the \
             hidden layer at the last step",
            if first.has_targets {
                "the target class"
            } else {
                "the stimulus class"
            }
        ),
        checkpoints: steps.to_vec(),
        performance: points.iter().map(|p| p.performance).collect(),
        curves: vec![
            curve(
                format!("binned, {} bins/unit", config.plane_bins),
                Bound::Point,
                binned_applied(config.plane_bins, config),
                0,
            ),
            curve("KT lower".into(), Bound::Lower, est.kt_applied(), 2),
            curve("KT upper".into(), Bound::Upper, est.kt_applied(), 4),
        ],
    })
}

/// The plane's values for one recording.
fn point(rec: &Recording, config: &AnalysisConfig, est: &Estimators) -> Result<Point> {
    let t = rec.n_time().checked_sub(1).ok_or_else(|| {
        AnalysisError::Recording("a checkpoint's recording has no time steps".into())
    })?;
    let c = classes(rec, config)?;
    let has_targets = c.target.is_some();
    let labels = match c.target {
        Some(mut target) => target.swap_remove(t),
        None => c.stim,
    };
    let h = rec.hidden.index_axis(Axis(1), t).to_owned();
    let scaled = scale_units(rec.hidden.view(), config.bin_range);
    let binner = layer_binner(config.plane_bins, config)?;
    let symbols = layer_symbols(&binner, scaled.index_axis(Axis(1), t))?;
    let kt_x = est.kt.mi_input_bounds(h.view(), None)?;
    let kt_y = est
        .kt
        .mi_label_bounds(h.view(), ArrayView1::from(&labels[..]), None)?;
    Ok(Point {
        values: [
            est.plugin_entropy(&symbols)?,
            est.plugin_mi(&symbols, &labels)?,
            kt_x.lower.nats(),
            kt_y.lower.nats(),
            kt_x.upper.nats(),
            kt_y.upper.nats(),
        ],
        shape: rec.hidden.shape().to_vec(),
        performance: rec.meta.performance.unwrap_or(f64::NAN),
        has_targets,
    })
}
