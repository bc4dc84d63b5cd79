//! [`Trainer::save`] and [`Trainer::load`]: a safetensors file of `f64` tensors (weights, Adam
//! moments, the initial state) with the configuration, seed, epoch and mean(J_init) in its
//! metadata, written atomically. The batches are streams of (seed, epoch), so these fields are
//! the whole state: training resumes bit-exactly.

use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use super::{TrackConfig, Trainer};
use crate::error::{NetsError, Result};

/// Format tag of a tracking-trainer checkpoint.
pub const TRACK_CHECKPOINT_FORMAT: &str = "infoscope-balanced-track-1";

fn bad(path: &Path, detail: impl Into<String>) -> NetsError {
    NetsError::Checkpoint {
        path: path.display().to_string(),
        detail: detail.into(),
    }
}

impl Trainer {
    /// The named tensors of the state.
    fn tensors(&self) -> Vec<(&'static str, &[f64])> {
        let [mj, ms, mr] = &self.moments;
        vec![
            ("j", &self.weights.j),
            ("w_in", &self.weights.ws),
            ("w_out", &self.weights.wr),
            ("adam_m_j", &mj.m),
            ("adam_v_j", &mj.v),
            ("adam_m_w_in", &ms.m),
            ("adam_v_w_in", &ms.v),
            ("adam_m_w_out", &mr.m),
            ("adam_v_w_out", &mr.v),
            ("x0", &self.x0),
        ]
    }

    /// Write the full training state to `path` (temp file + rename).
    ///
    /// # Errors
    /// [`NetsError::Checkpoint`] when serialisation fails, [`NetsError::Io`] when writing does.
    pub fn save(&self, path: &Path) -> Result<()> {
        let raw: Vec<(&str, Vec<u8>, usize)> = self
            .tensors()
            .into_iter()
            .map(|(name, data)| {
                let bytes = data.iter().flat_map(|v| v.to_le_bytes()).collect();
                (name, bytes, data.len())
            })
            .collect();
        let views = raw
            .iter()
            .map(|(name, bytes, len)| {
                TensorView::new(Dtype::F64, vec![*len], bytes)
                    .map(|v| ((*name).to_owned(), v))
                    .map_err(|e| bad(path, e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        let config = serde_json::to_string(&self.config).map_err(|e| bad(path, e.to_string()))?;
        let metadata: HashMap<String, String> = [
            ("format", TRACK_CHECKPOINT_FORMAT.to_owned()),
            ("config", config),
            ("seed", self.seed.to_string()),
            ("epoch", self.epoch.to_string()),
            ("j_init_mean_bits", self.j_init_mean.to_bits().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let buffer =
            safetensors::serialize(views, Some(metadata)).map_err(|e| bad(path, e.to_string()))?;
        infoscope_io::write_bytes(path, &buffer)?;
        Ok(())
    }

    /// Read a trainer written by [`Trainer::save`].
    ///
    /// # Errors
    /// [`NetsError::Io`] when the file cannot be read; [`NetsError::Checkpoint`] when it is not
    /// such a checkpoint or its tensors do not fit its configuration.
    pub fn load(path: &Path) -> Result<Self> {
        let buffer = std::fs::read(path).map_err(|source| {
            NetsError::Io(if source.kind() == std::io::ErrorKind::NotFound {
                infoscope_io::IoError::NotFound {
                    path: path.to_path_buf(),
                }
            } else {
                infoscope_io::IoError::Read {
                    path: path.to_path_buf(),
                    source,
                }
            })
        })?;
        let (_, header) = SafeTensors::read_metadata(&buffer)
            .map_err(|e| bad(path, format!("not a safetensors file: {e}")))?;
        let meta = header.metadata().clone().unwrap_or_default();
        let get = |key: &str| {
            meta.get(key)
                .ok_or_else(|| bad(path, format!("no metadata `{key}`")))
        };
        if get("format")? != TRACK_CHECKPOINT_FORMAT {
            return Err(bad(
                path,
                format!(
                    "not a tracking-trainer checkpoint (format tag {TRACK_CHECKPOINT_FORMAT:?} missing)"
                ),
            ));
        }
        let parse = |key: &str| -> Result<u64> {
            get(key)?
                .parse()
                .map_err(|_| bad(path, format!("metadata `{key}` does not parse")))
        };
        let config: TrackConfig =
            serde_json::from_str(get("config")?).map_err(|e| bad(path, e.to_string()))?;
        let mut trainer = Self::new(config, parse("seed")?)?;
        trainer.epoch = parse("epoch")?;
        trainer.j_init_mean = f64::from_bits(parse("j_init_mean_bits")?);
        let st = SafeTensors::deserialize(&buffer).map_err(|e| bad(path, e.to_string()))?;
        let names: Vec<(&str, usize)> = trainer
            .tensors()
            .iter()
            .map(|(name, data)| (*name, data.len()))
            .collect();
        for (name, len) in names {
            let view = st
                .tensor(name)
                .map_err(|_| bad(path, format!("no tensor `{name}`")))?;
            if view.dtype() != Dtype::F64 || view.shape() != [len] {
                return Err(bad(
                    path,
                    format!(
                        "tensor `{name}` is {:?} {:?}, the configuration needs F64 [{len}]",
                        view.dtype(),
                        view.shape()
                    ),
                ));
            }
            let values: Vec<f64> = view
                .data()
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                .collect();
            *trainer.tensor_mut(name) = values;
        }
        Ok(trainer)
    }

    fn tensor_mut(&mut self, name: &str) -> &mut Vec<f64> {
        let [mj, ms, mr] = &mut self.moments;
        match name {
            "j" => &mut self.weights.j,
            "w_in" => &mut self.weights.ws,
            "w_out" => &mut self.weights.wr,
            "adam_m_j" => &mut mj.m,
            "adam_v_j" => &mut mj.v,
            "adam_m_w_in" => &mut ms.m,
            "adam_v_w_in" => &mut ms.v,
            "adam_m_w_out" => &mut mr.m,
            "adam_v_w_out" => &mut mr.v,
            _ => &mut self.x0,
        }
    }
}
