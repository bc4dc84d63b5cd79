//! What every resumable experiment run shares: the experiment recorded in its output
//! directory (a resume must find the same one there) and the way a progress callback stops it.

use std::ops::ControlFlow;
use std::path::Path;

use infoscope_io::{read_json, write_json};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AnalysisError, Result, ensure_config};

/// [`AnalysisError::Stopped`] when the callback asked to stop.
pub(crate) fn stop(flow: ControlFlow<()>) -> Result<()> {
    if flow.is_break() {
        Err(AnalysisError::Stopped)
    } else {
        Ok(())
    }
}

/// Write `exp` to `out/experiment.json`, or, resuming where one is recorded, check that it is
/// the same experiment.
pub(crate) fn record_experiment<E>(exp: &E, out: &Path, resume: bool) -> Result<()>
where
    E: Serialize + DeserializeOwned + PartialEq,
{
    let path = out.join("experiment.json");
    if resume && path.exists() {
        let old: E = read_json(&path)?;
        ensure_config!(
            &old == exp,
            "resume",
            "{} holds another experiment; run without --resume into a new directory",
            out.display()
        );
    } else {
        write_json(&path, exp)?;
    }
    Ok(())
}

/// Remove a file an earlier run of this tool wrote (the run directory was checked to be ours
/// before the run started), so that a fresh run does not resume from it.
pub(crate) fn remove_stale(path: &Path) -> Result<()> {
    if path.exists() {
        std::fs::remove_file(path).map_err(|e| {
            AnalysisError::Io(infoscope_io::IoError::Write {
                path: path.to_path_buf(),
                source: e,
            })
        })?;
    }
    Ok(())
}
