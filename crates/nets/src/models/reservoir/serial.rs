//! JSON serialisation of a [`Reservoir`]: the configuration, the seed and every weight as a
//! flat row-major vector with its shape. Deserialising checks the format tag, the version, the
//! configuration and every shape. (Safetensors checkpoints are handled elsewhere.)

use std::path::Path;

use ndarray::{Array1, Array2};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Readout, Reservoir, ReservoirConfig};
use crate::error::{NetsError, Result};

/// The format tag written into every file.
const FORMAT: &str = "infoscope-reservoir";
/// The current format version.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct ReservoirFile {
    format: String,
    version: u32,
    config: ReservoirConfig,
    seed: u64,
    w_in: FlatMatrix,
    w_rec: FlatMatrix,
    bias: Vec<f64>,
    readout: Option<ReadoutFile>,
}

#[derive(Serialize, Deserialize)]
struct ReadoutFile {
    lambda: f64,
    w_out: FlatMatrix,
    b_out: Vec<f64>,
}

/// A matrix as `[rows, cols]` plus its entries in row-major order.
#[derive(Serialize, Deserialize)]
struct FlatMatrix {
    shape: [usize; 2],
    data: Vec<f64>,
}

impl FlatMatrix {
    fn from_array(a: &Array2<f64>) -> Self {
        Self {
            shape: [a.nrows(), a.ncols()],
            data: a.iter().copied().collect(),
        }
    }

    fn into_array(self, name: &'static str, expected: [usize; 2]) -> Result<Array2<f64>> {
        let corrupt = |got: Vec<usize>| NetsError::Shape {
            argument: name,
            got,
            expected: format!("{expected:?}"),
        };
        if self.shape != expected {
            return Err(corrupt(self.shape.to_vec()));
        }
        let len = self.data.len();
        let a = Array2::from_shape_vec((expected[0], expected[1]), self.data)
            .map_err(|_| corrupt(vec![len]))?;
        finite(name, a.iter())?;
        Ok(a)
    }
}

fn vector(name: &'static str, data: Vec<f64>, len: usize) -> Result<Array1<f64>> {
    if data.len() != len {
        return Err(NetsError::Shape {
            argument: name,
            got: vec![data.len()],
            expected: format!("[{len}]"),
        });
    }
    finite(name, data.iter())?;
    Ok(Array1::from(data))
}

fn finite<'a>(name: &'static str, mut values: impl Iterator<Item = &'a f64>) -> Result<()> {
    if values.all(|x| x.is_finite()) {
        Ok(())
    } else {
        Err(NetsError::Numerical {
            what: "reservoir deserialisation",
            detail: format!("`{name}` holds non-finite values"),
        })
    }
}

impl From<&Reservoir> for ReservoirFile {
    fn from(r: &Reservoir) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            config: r.config.clone(),
            seed: r.seed,
            w_in: FlatMatrix::from_array(&r.w_in),
            w_rec: FlatMatrix::from_array(&r.w_rec),
            bias: r.bias.to_vec(),
            readout: r.readout.as_ref().map(|o| ReadoutFile {
                lambda: o.lambda,
                w_out: FlatMatrix::from_array(&o.w_out),
                b_out: o.b_out.to_vec(),
            }),
        }
    }
}

impl TryFrom<ReservoirFile> for Reservoir {
    type Error = NetsError;

    fn try_from(file: ReservoirFile) -> Result<Self> {
        if file.format != FORMAT || file.version != VERSION {
            return Err(NetsError::Checkpoint {
                path: "<json>".to_owned(),
                detail: format!(
                    "format `{}` version {}, expected `{FORMAT}` version {VERSION}",
                    file.format, file.version
                ),
            });
        }
        file.config.validate()?;
        let (n_in, n, n_out) = (file.config.n_input, file.config.n_rnn, file.config.n_output);
        let readout = match file.readout {
            Some(o) => Some(Readout {
                w_out: o.w_out.into_array("w_out", [n, n_out])?,
                b_out: vector("b_out", o.b_out, n_out)?,
                lambda: o.lambda,
            }),
            None => None,
        };
        Ok(Self {
            w_in: file.w_in.into_array("w_in", [n_in, n])?,
            w_rec: file.w_rec.into_array("w_rec", [n, n])?,
            bias: vector("bias", file.bias, n)?,
            config: file.config,
            seed: file.seed,
            readout,
        })
    }
}

impl Serialize for Reservoir {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        ReservoirFile::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Reservoir {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let file = ReservoirFile::deserialize(deserializer)?;
        Self::try_from(file).map_err(D::Error::custom)
    }
}

impl Reservoir {
    /// Writes the reservoir (configuration, seed, weights, readout) as JSON, atomically.
    /// Floating-point values round-trip to within one ulp.
    ///
    /// # Errors
    ///
    /// [`NetsError::Io`] if the file cannot be written.
    pub fn save_json(&self, path: &Path) -> Result<()> {
        Ok(infoscope_io::write_json(path, self)?)
    }

    /// Reads a reservoir written by [`Reservoir::save_json`], checking every shape.
    ///
    /// # Errors
    ///
    /// [`NetsError::Io`] if the file cannot be read or does not hold a valid reservoir.
    pub fn load_json(path: &Path) -> Result<Self> {
        Ok(infoscope_io::read_json(path)?)
    }
}
