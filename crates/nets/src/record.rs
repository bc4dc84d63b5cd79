//! Recordings: a network's activity on a batch of trials, in the layout every analysis reads
//! (DESIGN.md §2), written as `NAME.npz` plus the sidecar `NAME.json`.
//!
//! Arrays (`[trial, time, ...]`, float64): `inputs [B, T, n_in]`, `hidden [B, T, N]`,
//! `outputs [B, T, n_out]`, `targets [B, T, n_out]`, `mask [B, T, n_out]`, and `labels [B]`
//! (the stimulus angle in radians). `inputs`, `targets` and `mask` may be absent from a
//! user's own export; `hidden` and `labels` are required. The sidecar ([`RecordingMeta`]) holds
//! the task, model, seed, dt, versions and every trial's epochs; a recording without one gets
//! defaults (dt 20 ms, no epochs) and says so.

use std::path::{Path, PathBuf};

use ndarray::{Array1, Array3, ArrayD, ArrayView3};
use serde::{Deserialize, Serialize};

use crate::error::{NetsError, Result};
use crate::tasks::{TrialBatch, TrialEpochs};

/// Version of the recording layout.
pub const RECORDING_SCHEMA: u32 = 1;

/// The sidecar of a recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordingMeta {
    /// [`RECORDING_SCHEMA`].
    pub schema_version: u32,
    /// Array layout, always `"[trial, time, unit]"`.
    pub layout: String,
    /// The task (e.g. `"fdgo"`), or `"unknown"`.
    pub task: String,
    /// How the trials were generated (e.g. `"test"`, `"random"`).
    pub mode: String,
    /// The model family (`"leaky"`, `"reservoir"`, or the exporter's name).
    pub model: String,
    /// The model's configuration (free-form JSON).
    pub model_config: serde_json::Value,
    /// Seed of the recorded batch (trials and network noise).
    pub seed: u64,
    /// Time step, ms.
    pub dt: f64,
    /// What `labels` holds.
    pub labels: String,
    /// Each trial's epochs (empty when unknown).
    pub epochs: Vec<TrialEpochs>,
    /// Each trial's stimulus modality (empty when unknown).
    pub modality: Vec<usize>,
    /// The infoscope version that wrote it.
    pub infoscope_version: String,
    /// Fraction of the recorded trials performed correctly (last-step criterion), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance: Option<f64>,
    /// Notes, e.g. that the sidecar was missing.
    pub notes: Vec<String>,
}

impl RecordingMeta {
    /// Defaults for a recording without a sidecar.
    #[must_use]
    pub fn unknown() -> Self {
        Self {
            schema_version: RECORDING_SCHEMA,
            layout: "[trial, time, unit]".into(),
            task: "unknown".into(),
            mode: "unknown".into(),
            model: "unknown".into(),
            model_config: serde_json::Value::Null,
            seed: 0,
            dt: 20.0,
            labels: "stimulus angle (radians)".into(),
            epochs: Vec::new(),
            modality: Vec::new(),
            infoscope_version: env!("CARGO_PKG_VERSION").into(),
            performance: None,
            notes: Vec::new(),
        }
    }
}

/// A network's activity on a batch of trials.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    /// Inputs `[trial, time, n_in]` (may be empty for an export without them).
    pub inputs: Array3<f64>,
    /// Hidden states `[trial, time, N]` (after the leak update).
    pub hidden: Array3<f64>,
    /// Network outputs `[trial, time, n_out]` (may be empty).
    pub outputs: Array3<f64>,
    /// Targets `[trial, time, n_out]` (may be empty).
    pub targets: Array3<f64>,
    /// Cost mask `[trial, time, n_out]` (may be empty).
    pub mask: Array3<f64>,
    /// One label per trial (the stimulus angle, radians).
    pub labels: Array1<f64>,
    /// The sidecar.
    pub meta: RecordingMeta,
    /// How each array was found and read, one line per key (e.g. "`targets` int64
    /// [64, 30]: integer classes per step"); empty for a recording built in memory.
    pub arrays_read: Vec<String>,
}

/// The optional arrays of a recording, each `[trial, time, C]` when present.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordingParts {
    /// Inputs.
    pub inputs: Option<ArrayD<f64>>,
    /// Network outputs.
    pub outputs: Option<ArrayD<f64>>,
    /// Targets.
    pub targets: Option<ArrayD<f64>>,
    /// Cost mask.
    pub mask: Option<ArrayD<f64>>,
}

/// A time-major `[T, B, C]` f32 array as trial-major `[B, T, C]` f64.
fn trial_major(a: ArrayView3<'_, f32>) -> Array3<f64> {
    let mut out = a.permuted_axes([1, 0, 2]).mapv(f64::from);
    if !out.is_standard_layout() {
        out = out.as_standard_layout().into_owned();
    }
    out
}

impl Recording {
    /// A recording of `batch` from the network's time-major `hidden [T, B, N]` and
    /// `outputs [T, B, n_out]`; `meta` gets the batch's epochs, modalities and dt.
    ///
    /// # Errors
    /// [`NetsError::Shape`] unless `hidden` and `outputs` have the batch's time and trial
    /// counts and `outputs` its output width.
    pub fn from_batch(
        batch: &TrialBatch,
        hidden: ArrayView3<'_, f32>,
        outputs: ArrayView3<'_, f32>,
        mut meta: RecordingMeta,
    ) -> Result<Self> {
        let (t, b) = (batch.n_time(), batch.n_trials());
        if hidden.shape()[..2] != [t, b] {
            return Err(NetsError::Shape {
                argument: "hidden",
                got: hidden.shape().to_vec(),
                expected: format!("[{t}, {b}, N] (time, trial, unit)"),
            });
        }
        if outputs.shape() != batch.targets.shape() {
            return Err(NetsError::Shape {
                argument: "outputs",
                got: outputs.shape().to_vec(),
                expected: format!("{:?} (the batch's targets)", batch.targets.shape()),
            });
        }
        meta.dt = batch.dt;
        meta.epochs.clone_from(&batch.epochs);
        meta.modality.clone_from(&batch.modality);
        Ok(Self {
            inputs: trial_major(batch.inputs.view()),
            hidden: trial_major(hidden),
            outputs: trial_major(outputs),
            targets: trial_major(batch.targets.view()),
            mask: trial_major(batch.mask.view()),
            labels: batch.angles.clone(),
            meta,
            arrays_read: Vec::new(),
        })
    }

    /// Number of trials.
    #[must_use]
    pub fn n_trials(&self) -> usize {
        self.hidden.shape()[0]
    }

    /// Number of time steps.
    #[must_use]
    pub fn n_time(&self) -> usize {
        self.hidden.shape()[1]
    }

    /// The sidecar's path for a recording at `npz`: the same name with `.json`.
    #[must_use]
    pub fn sidecar_path(npz: &Path) -> PathBuf {
        npz.with_extension("json")
    }

    /// Write `path` (`.npz`) and its sidecar, each atomically.
    ///
    /// # Errors
    /// [`NetsError::Io`] when a file cannot be written.
    pub fn write(&self, path: &Path) -> Result<()> {
        infoscope_io::write_npz_with(path, |npz| {
            npz.add("hidden", &self.hidden)?;
            npz.add("labels", &self.labels)?;
            for (name, a) in [
                ("inputs", &self.inputs),
                ("outputs", &self.outputs),
                ("targets", &self.targets),
                ("mask", &self.mask),
            ] {
                if !a.is_empty() {
                    npz.add(name, a)?;
                }
            }
            Ok(())
        })?;
        infoscope_io::write_json(&Self::sidecar_path(path), &self.meta)?;
        Ok(())
    }

    /// Read a recording written by [`Recording::write`] or exported by a user in the same
    /// layout (float or integer arrays of any dtype; only `hidden` and `labels` are required).
    ///
    /// # Errors
    /// [`NetsError::Io`] for a missing, unreadable or corrupt file or a missing required key;
    /// [`NetsError::Shape`] when the arrays do not share trial and time counts or are not
    /// 3-D (1-D for `labels`).
    pub fn read(path: &Path) -> Result<Self> {
        use infoscope_io::{ArraySource, IoError, read_array};
        let load = |key: &'static str| -> Result<Option<ArrayD<f64>>> {
            match read_array(&ArraySource::with_key(path, key)) {
                Ok(a) => Ok(Some(a.into_f64())),
                Err(IoError::MissingKey { .. }) => Ok(None),
                Err(e) => Err(e.into()),
            }
        };
        let required = |key: &'static str| -> Result<ArrayD<f64>> {
            load(key)?.ok_or_else(|| NetsError::Shape {
                argument: key,
                got: Vec::new(),
                expected: format!("an array named `{key}` in {}", path.display()),
            })
        };
        let hidden = required("hidden")?;
        let labels = required("labels")?;
        let (inputs, outputs) = (load("inputs")?, load("outputs")?);
        let (targets, mask) = (load("targets")?, load("mask")?);
        let sidecar = Self::sidecar_path(path);
        let meta = if sidecar.exists() {
            infoscope_io::read_json(&sidecar)?
        } else {
            let mut m = RecordingMeta::unknown();
            m.notes.push(format!(
                "no sidecar {} was found: dt = 20 ms and no epochs assumed",
                sidecar.display()
            ));
            m
        };
        Self::from_parts(
            hidden,
            labels,
            RecordingParts {
                inputs,
                outputs,
                targets,
                mask,
            },
            meta,
        )
    }

    /// A recording from arrays in the documented layout: `hidden` `[trial, time, unit]`,
    /// `labels` `[trial]` (or `[trial, 1]`), and the optional arrays `[trial, time, C]`
    /// (absent ones are stored empty). This is what [`Recording::read`] and the Python
    /// package build recordings with.
    ///
    /// # Errors
    /// [`NetsError::Shape`] when an array is not 3-D (1-D for `labels`) or does not share the
    /// trial and time counts of `hidden`.
    pub fn from_parts(
        hidden: ArrayD<f64>,
        labels: ArrayD<f64>,
        optional: RecordingParts,
        meta: RecordingMeta,
    ) -> Result<Self> {
        let hidden = to_3d("hidden", hidden, None)?;
        let (trials, steps) = (hidden.shape()[0], hidden.shape()[1]);
        let labels: Array1<f64> = match labels.shape() {
            [n] if *n == trials => labels.iter().copied().collect(),
            [n, 1] if *n == trials => labels.iter().copied().collect(),
            other => {
                return Err(NetsError::Shape {
                    argument: "labels",
                    got: other.to_vec(),
                    expected: format!("[{trials}] (one label per trial of `hidden`)"),
                });
            }
        };
        let optional_3d = |key: &'static str, a: Option<ArrayD<f64>>| -> Result<Array3<f64>> {
            match a {
                Some(a) => to_3d(key, a, Some((trials, steps))),
                None => Ok(Array3::zeros((0, 0, 0))),
            }
        };
        Ok(Self {
            inputs: optional_3d("inputs", optional.inputs)?,
            hidden,
            outputs: optional_3d("outputs", optional.outputs)?,
            targets: optional_3d("targets", optional.targets)?,
            mask: optional_3d("mask", optional.mask)?,
            labels,
            meta,
            arrays_read: Vec::new(),
        })
    }
}

/// `a` as `[trial, time, channel]`, with the given trial and time counts when `like` is set.
fn to_3d(key: &'static str, a: ArrayD<f64>, like: Option<(usize, usize)>) -> Result<Array3<f64>> {
    let fits = a.ndim() == 3 && like.is_none_or(|(b, t)| a.shape()[..2] == [b, t]);
    let expected = match like {
        Some((b, t)) => format!("[{b}, {t}, C] (the trials and time steps of `hidden`)"),
        None => "3 dimensions [trial, time, unit]".into(),
    };
    let got = a.shape().to_vec();
    if !fits {
        return Err(NetsError::Shape {
            argument: key,
            got,
            expected,
        });
    }
    a.into_dimensionality().map_err(|_| NetsError::Shape {
        argument: key,
        got,
        expected,
    })
}
