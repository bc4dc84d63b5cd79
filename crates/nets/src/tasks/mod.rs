//! The Go task family of Yang et al. (2019) (SPEC.md §2.3–2.4): trial generation with ring
//! encoding, targets, cost masks and the performance criterion.
//!
//! ```
//! use infoscope_nets::tasks::{Mode, Rule, TaskSpec, generate};
//!
//! let batch = generate(&TaskSpec::new(Rule::FdGo), &Mode::Test, 0, 1)?;
//! assert_eq!(batch.inputs.shape(), &[100, 40, 85]); // [time, trial, input]
//! assert_eq!(batch.targets.shape(), &[100, 40, 33]);
//! # Ok::<(), infoscope_nets::NetsError>(())
//! ```

mod batch;
pub mod encoding;
mod go;

pub use batch::{TrialBatch, TrialEpochs};
pub use encoding::{decode_angle, fraction_correct, performance};
pub use go::{Mode, Psychometric, Rule, TaskSpec, TimingSampling, generate};
