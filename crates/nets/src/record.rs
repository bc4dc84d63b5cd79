//! Recordings: a network's activity on a batch of trials, in the layout every analysis reads
//! (DESIGN.md §2), written as `NAME.npz` plus the sidecar `NAME.json`.
//!
//! Arrays (`[trial, time, ...]`, stored as float64): `inputs [B, T, n_in]`, `hidden [B, T, N]`,
//! `outputs [B, T, n_out]`, `targets [B, T, n_out]`, `mask [B, T, n_out]`, and `labels [B]`
//! (the stimulus angle in radians, or a class). `inputs`, `outputs`, `targets` and `mask` may
//! be absent from a user's own export; `hidden` and `labels` are required. A user's file may
//! hold any float (float16/32/64) or integer dtype; `targets` and `mask` may also be
//! `[B, T]` (one integer class or one loss weight per trial and step), stored as `[B, T, 1]`.
//! The sidecar ([`RecordingMeta`]) holds the task, model, seed, dt (ms), versions and every
//! trial's epochs; every field is optional, unknown fields are kept, and a recording without
//! one gets defaults (dt 20 ms, no epochs) and says so.

use std::path::{Path, PathBuf};

use infoscope_io::{ArraySource, IoError, LoadedArray, NumericArray};
use ndarray::{Array1, Array3, ArrayD, ArrayView3, Axis};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{NetsError, Result, ensure_param};
use crate::tasks::{TrialBatch, TrialEpochs};

/// Version of the recording layout.
pub const RECORDING_SCHEMA: u32 = 1;

/// What a recording is, for error messages that refuse a file.
pub const LAYOUT_HINT: &str = "a recording is an .npz archive with the arrays `hidden` \
    [trial, time, unit] and `labels` [trial], optionally `inputs`, `outputs`, `targets`, `mask` \
    (e.g. np.savez(\"rec.npz\", hidden=h, labels=y); see the README's recording layout)";

/// The sidecar of a recording.
///
/// Every field is optional when read (missing ones take the [`RecordingMeta::unknown`]
/// defaults, a missing `schema_version` is [`RECORDING_SCHEMA`]); `notes` may be one string
/// or a list; fields infoscope does not know are kept in [`extra`](Self::extra), ignored, and
/// written back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    /// Notes, e.g. that the sidecar was missing (a sidecar may give one string or a list).
    #[serde(deserialize_with = "one_or_many")]
    pub notes: Vec<String>,
    /// Fields of a hand-written sidecar that infoscope does not use, kept as they were.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for RecordingMeta {
    /// [`RecordingMeta::unknown`].
    fn default() -> Self {
        Self::unknown()
    }
}

/// `notes` as one string, a list of strings, or null.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Notes {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<Notes>::deserialize(d)? {
        None => Vec::new(),
        Some(Notes::One(s)) => vec![s],
        Some(Notes::Many(v)) => v,
    })
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
            extra: serde_json::Map::new(),
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
    /// Targets `[trial, time, n_out]` (may be empty); an export's per-step integer classes
    /// `[trial, time]` are stored as `[trial, time, 1]`.
    pub targets: Array3<f64>,
    /// Cost mask `[trial, time, n_out]` (may be empty); per-step loss weights `[trial, time]`
    /// are stored as `[trial, time, 1]`.
    pub mask: Array3<f64>,
    /// One label per trial (the stimulus angle, radians).
    pub labels: Array1<f64>,
    /// The sidecar.
    pub meta: RecordingMeta,
    /// How each array was found and read, one line per key of the archive and one for the
    /// sidecar (e.g. "`targets`: int64 [64, 30] → one integer class per trial and step");
    /// empty for a recording built in memory.
    pub arrays_read: Vec<String>,
}

/// The optional arrays of a recording, each `[trial, time, C]` when present.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordingParts {
    /// Inputs.
    pub inputs: Option<ArrayD<f64>>,
    /// Network outputs.
    pub outputs: Option<ArrayD<f64>>,
    /// Targets, `[trial, time, C]` or `[trial, time]` (one class per step).
    pub targets: Option<ArrayD<f64>>,
    /// Cost mask, `[trial, time, C]` or `[trial, time]` (one weight per step).
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
    /// layout: arrays of any float or integer dtype, only `hidden` and `labels` required,
    /// `targets` and `mask` `[trial, time]` or `[trial, time, C]`, other arrays ignored, and
    /// an optional sidecar `NAME.json` (see [`RecordingMeta`]). [`Recording::arrays_read`]
    /// says how each key was read. Integer labels beyond 2^53 (which `f64` cannot hold
    /// exactly) are re-encoded as classes `0..K` in the sorted order of their values.
    ///
    /// # Errors
    /// [`NetsError::NotARecording`] for a file that is not an `.npz`;
    /// [`NetsError::MissingArray`] (listing the archive's arrays) without `hidden` or
    /// `labels`; [`NetsError::Io`] for a missing, unreadable, corrupt or too large file;
    /// [`NetsError::Sidecar`] for a sidecar that is not JSON or has a bad `dt`;
    /// [`NetsError::Shape`] when the arrays do not share trial and time counts or have the
    /// wrong number of axes.
    pub fn read(path: &Path) -> Result<Self> {
        let is_npz = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("npz"));
        if !is_npz {
            let detail = match path.extension().and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("npy") => "a .npy file holds a single array",
                _ => "not an .npz archive",
            };
            return Err(NetsError::NotARecording {
                path: path.to_path_buf(),
                detail: detail.into(),
            });
        }
        let keys = infoscope_io::npz_keys(path)?;
        let load = |key: &str| -> Result<Option<LoadedArray>> {
            if !keys.iter().any(|k| k == key) {
                return Ok(None);
            }
            match infoscope_io::read_array(&ArraySource::with_key(path, key)) {
                Ok(a) => Ok(Some(a)),
                Err(IoError::MissingKey { .. }) => Ok(None),
                Err(e) => Err(e.into()),
            }
        };
        let required = |key: &'static str| -> Result<LoadedArray> {
            load(key)?.ok_or_else(|| NetsError::MissingArray {
                path: path.to_path_buf(),
                key,
                available: keys.clone(),
            })
        };
        let hidden = required("hidden")?;
        let labels = required("labels")?;
        let mut lines = vec![describe(
            "hidden",
            &hidden,
            "hidden states [trial, time, unit]",
        )];
        let head = format!(
            "`labels`: {} {:?} → one label per trial",
            labels.dtype,
            labels.shape()
        );
        let (labels, classes) = labels_to_f64(labels.data);
        lines.push(match classes {
            Some(k) => format!(
                "{head}; integer values beyond 2^53 (not exact as float64) re-encoded exactly \
                 as classes 0..{} in the sorted order of the values",
                k.saturating_sub(1)
            ),
            None => head,
        });
        let mut optional = RecordingParts::default();
        for key in ["inputs", "outputs", "targets", "mask"] {
            let Some(a) = load(key)? else { continue };
            lines.push(describe(key, &a, optional_meaning(key, &a)));
            let data = Some(a.into_f64());
            match key {
                "inputs" => optional.inputs = data,
                "outputs" => optional.outputs = data,
                "targets" => optional.targets = data,
                _ => optional.mask = data,
            }
        }
        for key in &keys {
            if !LAYOUT_KEYS.contains(&key.as_str()) {
                lines.push(format!("`{key}`: ignored (not part of the layout)"));
            }
        }
        let (meta, sidecar_line) = read_sidecar(&Self::sidecar_path(path))?;
        lines.push(sidecar_line);
        let mut rec = Self::from_parts(hidden.into_f64(), labels, optional, meta)?;
        rec.arrays_read = lines;
        Ok(rec)
    }

    /// A recording from arrays in the documented layout: `hidden` `[trial, time, unit]`,
    /// `labels` `[trial]` (or `[trial, 1]`), and the optional arrays `[trial, time, C]`
    /// (absent ones are stored empty); `targets` and `mask` may also be `[trial, time]` (one
    /// class or loss weight per step), stored as `[trial, time, 1]`. This is what
    /// [`Recording::read`] and the Python package build recordings with.
    ///
    /// # Errors
    /// [`NetsError::Shape`] when an array has the wrong number of axes or does not share the
    /// trial and time counts of `hidden`; [`NetsError::InvalidParameter`] for a `meta.dt`
    /// that is not finite and > 0.
    pub fn from_parts(
        hidden: ArrayD<f64>,
        labels: ArrayD<f64>,
        optional: RecordingParts,
        meta: RecordingMeta,
    ) -> Result<Self> {
        ensure_param!(
            meta.dt.is_finite() && meta.dt > 0.0,
            "dt",
            "the time step must be finite and > 0 ms, got {}",
            meta.dt
        );
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
            targets: optional_3d("targets", per_step(optional.targets, trials, steps))?,
            mask: optional_3d("mask", per_step(optional.mask, trials, steps))?,
            labels,
            meta,
            arrays_read: Vec::new(),
        })
    }
}

/// The keys of the recording layout; any other array is ignored.
const LAYOUT_KEYS: [&str; 6] = ["hidden", "labels", "inputs", "outputs", "targets", "mask"];

/// A `[trials, steps]` array as `[trials, steps, 1]`; anything else as it is.
fn per_step(a: Option<ArrayD<f64>>, trials: usize, steps: usize) -> Option<ArrayD<f64>> {
    a.map(|a| {
        if a.shape() == [trials, steps] {
            a.insert_axis(Axis(2))
        } else {
            a
        }
    })
}

/// "`key`: dtype [shape] → meaning".
fn describe(key: &str, a: &LoadedArray, meaning: &str) -> String {
    format!("`{key}`: {} {:?} → {meaning}", a.dtype, a.shape())
}

/// What an optional array holds, by its key, axes and dtype.
fn optional_meaning(key: &str, a: &LoadedArray) -> &'static str {
    match (key, a.shape().len(), a.is_integer()) {
        ("inputs", ..) => "inputs [trial, time, input]",
        ("outputs", ..) => "network outputs [trial, time, output]",
        ("targets", 2, true) => "one integer class per trial and step",
        ("targets", 2, false) => "one target value per trial and step",
        ("targets", ..) => "targets [trial, time, output]",
        ("mask", 2, _) => "per-step loss weights",
        _ => "loss weights [trial, time, output]",
    }
}

/// The labels as `f64`; integer labels beyond 2^53 in magnitude become dense classes `0..K`
/// in the sorted order of their values (and `Some(K)` is returned with them).
fn labels_to_f64(labels: NumericArray) -> (ArrayD<f64>, Option<usize>) {
    const EXACT: u64 = 1 << 53;
    match labels {
        NumericArray::Int(a) if a.iter().any(|v| v.unsigned_abs() > EXACT) => {
            let mut values: Vec<i64> = a.iter().copied().collect();
            values.sort_unstable();
            values.dedup();
            // Every value is in `values`; a position is exact in f64 (far below 2^53).
            #[allow(clippy::cast_precision_loss)]
            let classes = a.mapv(|v| values.binary_search(&v).unwrap_or(0) as f64);
            (classes, Some(values.len()))
        }
        data => (data.into_f64(), None),
    }
}

/// The sidecar at `path` (or the defaults, with a note, when there is none) and its
/// `arrays_read` line.
fn read_sidecar(path: &Path) -> Result<(RecordingMeta, String)> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if !path.exists() {
        let mut m = RecordingMeta::unknown();
        m.notes.push(format!(
            "no sidecar {} was found: dt = 20 ms and no epochs assumed",
            path.display()
        ));
        return Ok((
            m,
            format!("no sidecar `{name}`: dt = 20 ms assumed, no epochs"),
        ));
    }
    let sidecar_error = |field: Option<&'static str>, detail: String| NetsError::Sidecar {
        path: path.to_path_buf(),
        field,
        detail,
    };
    let value: serde_json::Value = match infoscope_io::read_json(path) {
        Ok(v) => v,
        Err(IoError::Deserialize { detail, .. }) => {
            return Err(sidecar_error(
                None,
                format!(
                    "not valid JSON ({detail}); a sidecar is a JSON object such as \
                     {{\"dt\": 10, \"task\": \"go\"}}, or remove it to use the defaults"
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if !value.is_object() {
        return Err(sidecar_error(
            None,
            "must be a JSON object such as {\"dt\": 10, \"task\": \"go\"}".into(),
        ));
    }
    let meta: RecordingMeta =
        serde_json::from_value(value).map_err(|e| sidecar_error(None, e.to_string()))?;
    if !(meta.dt.is_finite() && meta.dt > 0.0) {
        return Err(sidecar_error(
            Some("dt"),
            format!(
                "`dt` (the time step, ms) must be finite and > 0, got {}",
                meta.dt
            ),
        ));
    }
    let mut line = format!("`{name}`: dt = {} ms", meta.dt);
    if !meta.extra.is_empty() {
        let unknown: Vec<&str> = meta.extra.keys().map(String::as_str).collect();
        line.push_str(&format!("; unknown fields kept: {}", unknown.join(", ")));
    }
    Ok((meta, line))
}

/// `a` as `[trial, time, channel]`, with the given trial and time counts when `like` is set.
fn to_3d(key: &'static str, a: ArrayD<f64>, like: Option<(usize, usize)>) -> Result<Array3<f64>> {
    let fits = a.ndim() == 3 && like.is_none_or(|(b, t)| a.shape()[..2] == [b, t]);
    let expected = match like {
        Some((b, t)) if matches!(key, "targets" | "mask") => {
            format!("[{b}, {t}] or [{b}, {t}, C] (the trials and time steps of `hidden`)")
        }
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
