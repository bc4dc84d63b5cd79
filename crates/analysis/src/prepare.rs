//! What every analysis of a recording shares: the stimulus and target classes, the time axis,
//! the normalised layer for binning and the PCA-reduced layers.

use std::f64::consts::TAU;

use infoscope_nets::record::Recording;
use infoscope_nets::tasks::encoding::N_OUTPUT;
use infoscope_nets::tasks::{TrialEpochs, decode_angle};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis, s};

use crate::config::{AnalysisConfig, BinRange};
use crate::error::{AnalysisError, Result};
use crate::pca::Pca;
use crate::results::{EpochSpan, RecordingSummary, Reduction, TimeAxis, Variables};

/// A recording made ready for the analyses.
pub(crate) struct Prepared<'a> {
    pub rec: &'a Recording,
    /// The stimulus class of each trial.
    pub stim: Vec<i64>,
    /// The target class of each trial at each step (`[step][trial]`), when known.
    pub target: Option<Vec<Vec<i64>>>,
    pub variables: Variables,
    pub time: TimeAxis,
    /// The hidden layer with each unit scaled to `[0, 1]` over the recording (binning with
    /// [`BinRange::Recording`]), `[trial, time, unit]`.
    pub scaled: Array3<f64>,
    /// PCA-reduced hidden states `[trial, time, d]` and their reduction.
    pub hidden_pca: (Array3<f64>, Reduction),
    /// PCA-reduced inputs, when the recording has them.
    pub inputs_pca: Option<(Array3<f64>, Reduction)>,
    /// PCA-reduced outputs, when the recording has them.
    pub outputs_pca: Option<(Array3<f64>, Reduction)>,
}

impl<'a> Prepared<'a> {
    pub fn new(rec: &'a Recording, config: &AnalysisConfig) -> Result<Self> {
        config.validate()?;
        check_recording(rec)?;
        let Classes {
            stim,
            target,
            variables,
        } = classes(rec, config)?;
        let scaled = scale_units(rec.hidden.view(), config.bin_range);
        let hidden_pca = reduce(rec.hidden.view(), config.pca_dims, "hidden layer")?;
        let inputs_pca = (!rec.inputs.is_empty())
            .then(|| reduce(rec.inputs.view(), config.pca_dims, "inputs"))
            .transpose()?;
        let outputs_pca = (!rec.outputs.is_empty())
            .then(|| reduce(rec.outputs.view(), config.pca_dims, "outputs"))
            .transpose()?;
        Ok(Self {
            rec,
            stim,
            target,
            variables,
            time: time_axis(rec),
            scaled,
            hidden_pca,
            inputs_pca,
            outputs_pca,
        })
    }

    /// The summary of the recording for the Results.
    pub fn summary(&self) -> RecordingSummary {
        let m = &self.rec.meta;
        RecordingSummary {
            task: m.task.clone(),
            mode: m.mode.clone(),
            model: m.model.clone(),
            n_trials: self.rec.n_trials(),
            n_steps: self.rec.n_time(),
            n_units: self.rec.hidden.shape()[2],
            dt_ms: m.dt,
            seed: m.seed,
            performance: m.performance,
            notes: m.notes.clone(),
            arrays_read: self.rec.arrays_read.clone(),
        }
    }

    /// The hidden layer at step `t` (trials × units).
    pub fn hidden_at(&self, t: usize) -> ArrayView2<'_, f64> {
        self.rec.hidden.slice(s![.., t, ..])
    }
}

/// Refuse recordings the analyses cannot read: fewer than 4 trials or no time step, no hidden
/// units, a time step that is not a positive number, non-finite activity.
fn check_recording(rec: &Recording) -> Result<()> {
    let (b, t, n) = rec.hidden.dim();
    if b < 4 || t < 1 {
        return Err(AnalysisError::Recording(format!(
            "needs at least 4 trials and 1 time step, got {b} trials × {t} steps"
        )));
    }
    if n == 0 {
        return Err(AnalysisError::Recording(format!(
            "`hidden` has no units (shape [{b}, {t}, 0])"
        )));
    }
    let dt = rec.meta.dt;
    if !(dt.is_finite() && dt > 0.0) {
        return Err(AnalysisError::Recording(format!(
            "`dt` (the time step, ms) must be a finite number > 0, got {dt}"
        )));
    }
    for (name, a) in [
        ("hidden", &rec.hidden),
        ("inputs", &rec.inputs),
        ("outputs", &rec.outputs),
    ] {
        if let Some(((trial, step, unit), v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(AnalysisError::Recording(format!(
                "`{name}` holds a non-finite value ({v}) at [trial {trial}, time {step}, unit {unit}]"
            )));
        }
    }
    Ok(())
}

/// The stimulus and target classes of a recording.
pub(crate) struct Classes {
    pub stim: Vec<i64>,
    pub target: Option<Vec<Vec<i64>>>,
    pub variables: Variables,
}

/// The classes of `rec` under `config`.
pub(crate) fn classes(rec: &Recording, config: &AnalysisConfig) -> Result<Classes> {
    let labels = rec.labels.to_vec();
    let (stim, stimulus, n_classes) = stimulus_classes(&labels, config)?;
    let stimulus_entropy = class_entropy(&stim);
    let (target, target_text) = target_classes(rec, config);
    let variables = Variables {
        stimulus,
        n_stimulus_classes: n_classes,
        stimulus_entropy,
        target: target_text,
        has_targets: target.is_some(),
        warnings: degrees_warning(&labels).into_iter().collect(),
    };
    Ok(Classes {
        stim,
        target,
        variables,
    })
}

/// Number of angle sectors used for targets (and for stimuli unless they are integer labels).
fn sectors(config: &AnalysisConfig) -> usize {
    if config.stimulus_classes == 0 {
        8
    } else {
        config.stimulus_classes
    }
}

/// The sector of angle `theta` among `k` equal sectors starting at 0.
fn sector(theta: f64, k: usize) -> i64 {
    let width = TAU / k as f64;
    ((theta.rem_euclid(TAU) / width).floor() as i64).clamp(0, k as i64 - 1)
}

/// Stimulus classes, their description and count.
fn stimulus_classes(labels: &[f64], config: &AnalysisConfig) -> Result<(Vec<i64>, String, usize)> {
    if let Some((i, v)) = labels.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(AnalysisError::Recording(format!(
            "`labels` holds a non-finite value ({v}) at index {i}"
        )));
    }
    let integers = labels.iter().all(|v| v.fract() == 0.0);
    if config.stimulus_classes == 0 || integers {
        let mut distinct: Vec<f64> = labels.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let classes = labels
            .iter()
            .map(|v| distinct.partition_point(|d| d < v) as i64)
            .collect();
        let why = if integers {
            "integer labels"
        } else {
            "stimulus_classes = 0"
        };
        return Ok((
            classes,
            format!(
                "X: the {} distinct label values as classes ({why})",
                distinct.len()
            ),
            distinct.len(),
        ));
    }
    let k = config.stimulus_classes;
    let classes: Vec<i64> = labels.iter().map(|&v| sector(v, k)).collect();
    let mut present = classes.clone();
    present.sort_unstable();
    present.dedup();
    Ok((
        classes,
        format!(
            "X: the stimulus angle in {k} equal sectors of {:.1}° from 0 rad",
            360.0 / k as f64
        ),
        present.len(),
    ))
}

/// Plug-in entropy of integer classes, nats.
pub(crate) fn class_entropy(classes: &[i64]) -> f64 {
    let mut sorted = classes.to_vec();
    sorted.sort_unstable();
    let n = sorted.len() as f64;
    sorted
        .chunk_by(|a, b| a == b)
        .map(|g| {
            let p = g.len() as f64 / n;
            -p * p.ln()
        })
        .sum()
}

/// Target classes `[step][trial]`, when the targets are classes, and their description (or
/// why there are none). Read as classes: the Go-task encoding (33 outputs: fixation, then a
/// ring); one column of integers (the class at each step, the layout of neurogym and of
/// PyTorch's cross-entropy, which the readers store as `[trial, time, 1]`); several columns
/// of one-hot rows (the class is the column of the 1; an all-zero row is its own class, "no
/// target", numbered −1). Any other targets are continuous: no classes.
fn target_classes(rec: &Recording, config: &AnalysisConfig) -> (Option<Vec<Vec<i64>>>, String) {
    let y = &rec.targets;
    if y.is_empty() {
        return (None, "none: the recording has no targets".into());
    }
    let (b, t, c) = y.dim();
    let per_step = |class: &dyn Fn(ndarray::ArrayView1<'_, f64>) -> i64| -> Vec<Vec<i64>> {
        (0..t)
            .map(|step| {
                (0..b)
                    .map(|trial| class(y.slice(s![trial, step, ..])))
                    .collect()
            })
            .collect()
    };
    if c == N_OUTPUT {
        let k = sectors(config);
        let classes = per_step(&|y| {
            if y[0] > 0.5 {
                0
            } else {
                let ring: Vec<f32> = y.iter().skip(1).map(|&v| v as f32).collect();
                1 + sector(decode_angle(&ring), k)
            }
        });
        return (
            Some(classes),
            format!(
                "Y_t: class 0 while the fixation target is on, else 1 + the sector (of {k}) of the target direction"
            ),
        );
    }
    let integer = |v: f64| v.is_finite() && v.fract() == 0.0 && v.abs() < 2f64.powi(53);
    if c == 1 {
        if y.iter().all(|&v| integer(v)) {
            return (
                Some(per_step(&|y| y[0] as i64)),
                "Y_t: the integer target class at step t (one target column)".into(),
            );
        }
        return (
            None,
            "none: the targets are one column of non-integer values (continuous targets, not classes)"
                .into(),
        );
    }
    let one_hot = y.rows().into_iter().all(|row| {
        row.iter().all(|&v| v == 0.0 || v == 1.0) && row.iter().filter(|&&v| v == 1.0).count() <= 1
    });
    if one_hot {
        let classes = per_step(&|y| y.iter().position(|&v| v == 1.0).map_or(-1, |i| i as i64));
        return (
            Some(classes),
            format!(
                "Y_t: the column of the 1 in the one-hot target at step t (of {c}); an all-zero row is the class \"no target\""
            ),
        );
    }
    (
        None,
        format!(
            "none: the targets ({c} columns) are neither the Go-task encoding (33 outputs) nor one-hot rows nor one integer column: continuous targets, not classes"
        ),
    )
}

/// The warning for non-integer labels that span more than a full turn: angles in degrees read
/// as radians.
fn degrees_warning(labels: &[f64]) -> Option<String> {
    if labels.iter().all(|v| v.fract() == 0.0) {
        return None;
    }
    let lo = labels.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = labels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (hi - lo > TAU + 1e-9).then(|| {
        format!(
            "labels range over [{lo}, {hi}]: angles in degrees? they are read as radians; convert with np.deg2rad"
        )
    })
}

/// The time axis and the epochs all trials share.
fn time_axis(rec: &Recording) -> TimeAxis {
    let m = &rec.meta;
    let (epochs, epochs_note) = match m.epochs.first() {
        None => (
            Vec::new(),
            Some("the recording does not say its epochs".into()),
        ),
        Some(first) if m.epochs.iter().all(|e| e == first) => (spans(first), None),
        Some(_) => (
            Vec::new(),
            Some("the trials' epochs differ (per-trial timing); none are drawn".into()),
        ),
    };
    TimeAxis {
        n_steps: rec.n_time(),
        dt_ms: m.dt,
        epochs,
        epochs_note,
    }
}

fn spans(e: &TrialEpochs) -> Vec<EpochSpan> {
    let mut out = vec![EpochSpan {
        name: "fix1".into(),
        start: e.fix1.start,
        end: e.fix1.end,
    }];
    for (name, r) in [("stim1", &e.stim1), ("delay1", &e.delay1)] {
        if let Some(r) = r {
            out.push(EpochSpan {
                name: name.into(),
                start: r.start,
                end: r.end,
            });
        }
    }
    out.push(EpochSpan {
        name: "go1".into(),
        start: e.go1.start,
        end: e.go1.end,
    });
    out
}

/// Each unit scaled to `[0, 1]` by its range (over the recording or per step); constant units
/// become 0.
pub(crate) fn scale_units(h: ArrayView3<'_, f64>, range: BinRange) -> Array3<f64> {
    let (b, t, n) = h.dim();
    let mut out = Array3::zeros((b, t, n));
    let scale = |out: &mut Array3<f64>, steps: std::ops::Range<usize>| {
        for unit in 0..n {
            let v = h.slice(s![.., steps.clone(), unit]);
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let width = hi - lo;
            let mut o = out.slice_mut(s![.., steps.clone(), unit]);
            if width > 0.0 {
                o.zip_mut_with(&v, |o, &x| *o = (x - lo) / width);
            }
        }
    };
    match range {
        BinRange::Recording => scale(&mut out, 0..t),
        BinRange::TimeStep => (0..t).for_each(|step| scale(&mut out, step..step + 1)),
    }
    out
}

/// PCA of all trials and steps of `a` (`[trial, time, channel]`), and the projected array.
fn reduce(a: ArrayView3<'_, f64>, max_dims: usize, what: &str) -> Result<(Array3<f64>, Reduction)> {
    let (b, t, c) = a.dim();
    let flat: Array2<f64> = a
        .as_standard_layout()
        .into_owned()
        .into_shape_with_order((b * t, c))
        .map_err(|e| AnalysisError::Recording(e.to_string()))?;
    let pca = Pca::fit(flat.view(), max_dims)?;
    let d = pca.dims();
    let projected = pca
        .transform(flat.view())
        .into_shape_with_order((b, t, d))
        .map_err(|e| AnalysisError::Recording(e.to_string()))?;
    let reduction = Reduction {
        method: "pca".into(),
        fitted_on: format!("all trials and time steps of the {what}"),
        dims: d,
        explained_variance: pca.explained_variance,
    };
    Ok((projected, reduction))
}

/// `[trial, time, d]` at step `t` as an owned `trials × d` matrix.
pub(crate) fn at_step(a: &Array3<f64>, t: usize) -> Array2<f64> {
    a.index_axis(Axis(1), t).to_owned()
}
