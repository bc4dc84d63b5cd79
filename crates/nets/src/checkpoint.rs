//! Checkpoints as safetensors files: named f32 tensors (weights, optimiser moments) and string
//! metadata (step, configuration), written atomically.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::error::{NetsError, Result};

/// Format tag stored in every checkpoint's metadata under `"format"`.
pub const CHECKPOINT_FORMAT: &str = "infoscope-checkpoint-1";

/// One named tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// Shape (row-major).
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub data: Vec<f32>,
}

/// The content of a checkpoint file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checkpoint {
    /// Tensors by name.
    pub tensors: BTreeMap<String, Tensor>,
    /// String metadata by key (the format tag is added on writing).
    pub metadata: BTreeMap<String, String>,
}

impl Checkpoint {
    /// The tensor `name`, or a [`NetsError::Checkpoint`] naming the file.
    ///
    /// # Errors
    /// When the tensor is absent or does not have `shape`.
    pub fn tensor(&self, path: &Path, name: &str, shape: &[usize]) -> Result<&[f32]> {
        let t = self
            .tensors
            .get(name)
            .ok_or_else(|| bad(path, format!("no tensor `{name}`")))?;
        if t.shape != shape {
            return Err(bad(
                path,
                format!(
                    "tensor `{name}` has shape {:?}, the model needs {shape:?}",
                    t.shape
                ),
            ));
        }
        Ok(&t.data)
    }

    /// The metadata `key` parsed as `T`.
    ///
    /// # Errors
    /// When the key is absent or does not parse.
    pub fn meta<T: std::str::FromStr>(&self, path: &Path, key: &str) -> Result<T> {
        let v = self
            .metadata
            .get(key)
            .ok_or_else(|| bad(path, format!("no metadata `{key}`")))?;
        v.parse()
            .map_err(|_| bad(path, format!("metadata `{key}` = {v:?} does not parse")))
    }

    /// Write the checkpoint to `path` atomically.
    ///
    /// # Errors
    /// [`NetsError::Checkpoint`] when serialisation fails, [`NetsError::Io`] when writing does.
    pub fn write(&self, path: &Path) -> Result<()> {
        let bytes: Vec<(String, Vec<u8>, Vec<usize>)> = self
            .tensors
            .iter()
            .map(|(name, t)| {
                let raw = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
                (name.clone(), raw, t.shape.clone())
            })
            .collect();
        let views = bytes
            .iter()
            .map(|(name, raw, shape)| {
                TensorView::new(Dtype::F32, shape.clone(), raw)
                    .map(|v| (name.clone(), v))
                    .map_err(|e| bad(path, e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut metadata: HashMap<String, String> = self.metadata.clone().into_iter().collect();
        metadata.insert("format".into(), CHECKPOINT_FORMAT.into());
        let buffer =
            safetensors::serialize(views, Some(metadata)).map_err(|e| bad(path, e.to_string()))?;
        infoscope_io::write_bytes(path, &buffer)?;
        Ok(())
    }

    /// Read a checkpoint written by [`Checkpoint::write`].
    ///
    /// # Errors
    /// [`NetsError::Io`] when the file cannot be read; [`NetsError::Checkpoint`] when it is not
    /// a safetensors file of f32 tensors with infoscope's format tag.
    pub fn read(path: &Path) -> Result<Self> {
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
        let metadata: BTreeMap<String, String> = header
            .metadata()
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        if metadata.get("format").map(String::as_str) != Some(CHECKPOINT_FORMAT) {
            return Err(bad(
                path,
                format!("not an infoscope checkpoint (format tag {CHECKPOINT_FORMAT:?} missing)"),
            ));
        }
        let st = SafeTensors::deserialize(&buffer).map_err(|e| bad(path, e.to_string()))?;
        let mut tensors = BTreeMap::new();
        for (name, view) in st.tensors() {
            if view.dtype() != Dtype::F32 {
                return Err(bad(
                    path,
                    format!("tensor `{name}` is {:?}, expected F32", view.dtype()),
                ));
            }
            let data = view
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            tensors.insert(
                name,
                Tensor {
                    shape: view.shape().to_vec(),
                    data,
                },
            );
        }
        Ok(Self { tensors, metadata })
    }
}

fn bad(path: &Path, detail: String) -> NetsError {
    NetsError::Checkpoint {
        path: path.display().to_string(),
        detail,
    }
}
