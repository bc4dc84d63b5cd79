//! Guards on what the CLI writes: an output never replaces an input or another output of the
//! same command, a count that drives work has a ceiling, and `infoscope run` never deletes a
//! file that a run did not write.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use infoscope_io::ArraySource;

use crate::spec_args::UsageError;

/// The most surrogates, permutations or bootstrap resamples one option may ask for: the
/// estimators' own ceiling, checked here to name the flag.
pub const MAX_RESAMPLES: usize = infoscope_estimators::significance::MAX_SURROGATES;

/// A usage error (exit status 2) with this text.
fn usage(text: String) -> anyhow::Error {
    UsageError(text).into()
}

/// Refuses `count` above [`MAX_RESAMPLES`], naming `flag`.
pub fn check_count(flag: &str, count: usize) -> Result<()> {
    if count > MAX_RESAMPLES {
        return Err(usage(format!(
            "{flag} {count} is too many: at most {MAX_RESAMPLES} (each one re-estimates the \
             quantity)"
        )));
    }
    Ok(())
}

/// The file of an array argument `FILE[:KEY]`.
pub fn array_file(spec: &str) -> PathBuf {
    ArraySource::parse(spec).path
}

/// `path` as the file system will reach it: symbolic links resolved, also when the file
/// itself does not exist yet (its directory is resolved then).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Whether `path` is a regular file or does not exist yet (a device or a pipe such as
/// /dev/stdout may be both read and written, and named twice).
fn ordinary(path: &Path) -> bool {
    fs::metadata(path).map_or(true, |m| m.is_file())
}

/// Refuses an output that is one of the inputs, or another output of the same command.
///
/// `inputs` and `outputs` are (flag, path); the message names both flags.
pub fn distinct_outputs(inputs: &[(&str, &Path)], outputs: &[(&str, &Path)]) -> Result<()> {
    for (i, (flag, out)) in outputs.iter().enumerate() {
        if !ordinary(out) {
            continue;
        }
        let target = resolved(out);
        for (in_flag, input) in inputs {
            if resolved(input) == target {
                return Err(usage(format!(
                    "{flag} {} is the input {in_flag} {}: refusing to overwrite an input; \
                     choose another output file",
                    out.display(),
                    input.display()
                )));
            }
        }
        for (other_flag, other) in &outputs[..i] {
            if resolved(other) == target {
                return Err(usage(format!(
                    "{flag} and {other_flag} both name {}: choose two different files",
                    out.display()
                )));
            }
        }
    }
    Ok(())
}

/// Refuses an output directory that is an input file, or that holds an input where the
/// command writes (`written` tells, for a path relative to `dir`, whether it is written).
pub fn inputs_outside(
    flag: &str,
    dir: &Path,
    inputs: &[(&str, &Path)],
    written: impl Fn(&Path) -> bool,
) -> Result<()> {
    let target = resolved(dir);
    for (in_flag, input) in inputs {
        let input_at = resolved(input);
        if input_at == target {
            return Err(usage(format!(
                "{flag} {} is the input {in_flag} {}: the output directory cannot be an input \
                 file; choose another --out",
                dir.display(),
                input.display()
            )));
        }
        if let Ok(rel) = input_at.strip_prefix(&target)
            && written(rel)
        {
            return Err(usage(format!(
                "{flag} {}: the input {in_flag} {} would be overwritten or deleted there; \
                 choose another --out",
                dir.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// The directories `infoscope run` clears before a fresh run (the library removes them whole).
const CLEARED: [&str; 4] = ["leaky", "reservoir", "recordings", "analysis"];

/// Whether `rel` (relative to a run directory) is a file that `infoscope run` writes.
pub fn is_run_file(rel: &Path) -> bool {
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    // A temporary file of an interrupted atomic write.
    if parts
        .last()
        .is_some_and(|n| n.starts_with('.') && n.contains(".tmp-"))
    {
        return true;
    }
    let ext = |n: &str, exts: &[&str]| exts.iter().any(|e| n.ends_with(e));
    match parts.as_slice() {
        ["experiment.json" | "state.json" | "results.json" | "report.html"] => true,
        ["figures", n] => ext(n, &[".svg", ".png"]),
        ["recordings", n] => matches!(
            *n,
            "leaky.npz" | "leaky.json" | "reservoir.npz" | "reservoir.json"
        ),
        ["analysis", n] => matches!(*n, "leaky.json" | "reservoir.json"),
        ["leaky", n] => matches!(
            *n,
            "config.json" | "log.json" | "last.safetensors" | "model.safetensors"
        ),
        ["leaky", "checkpoints", n] => n.starts_with("step_") && n.ends_with(".safetensors"),
        ["reservoir", n] => matches!(*n, "config.json" | "reservoir.json"),
        // A flux experiment's files.
        ["sweep", "points.json"] => true,
        ["evolution", n] => {
            n.starts_with("run_") && ext(n, &[".json", "_weights.npy", "_bias.npy"])
        }
        ["networks", n] => ext(n, &[".json"]),
        // A balanced experiment's files.
        ["sweep", "runs.json"] => true,
        ["training", s, n] => {
            s.strip_prefix('S')
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                && matches!(
                    *n,
                    "checkpoint.safetensors" | "log.json" | "run.json" | "J.npy"
                )
        }
        _ => false,
    }
}

/// Whether `rel` is a file that `infoscope analyze` writes in its output directory.
pub fn is_analysis_file(rel: &Path) -> bool {
    let parts: Vec<_> = rel.components().collect();
    match parts.as_slice() {
        [Component::Normal(n)] => *n == "results.json" || *n == "report.html",
        [Component::Normal(d), _] => *d == "figures",
        _ => false,
    }
}

/// Every file under `dir`, relative to it (directories are walked, links not followed).
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let entries =
            fs::read_dir(dir.join(&rel)).with_context(|| format!("reading {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
            let rel = rel.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(rel);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Checks `out` before `infoscope run` writes a fresh run there (the library then clears the
/// run's own directories): a new or empty directory, or a run of the same experiment, is
/// fine; another experiment's run, or a directory of other files, needs `force`. A file the
/// run did not write is never deleted: one inside a directory the run clears is refused even
/// with `force`, and those elsewhere are left alone.
pub fn prepare_run_dir<E>(out: &Path, exp: &E, force: bool) -> Result<()>
where
    E: serde::de::DeserializeOwned + PartialEq,
{
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(usage(format!(
            "--out {} is a file, not a directory",
            out.display()
        )));
    }
    let files = files_under(out)?;
    if let Some(rel) = files.iter().find(|rel| {
        !is_run_file(rel)
            && rel
                .components()
                .next()
                .is_some_and(|c| CLEARED.iter().any(|d| c.as_os_str() == *d))
    }) {
        return Err(usage(format!(
            "--out {}: {} was not written by infoscope and a fresh run would delete it with \
             its directory; move it away or choose another --out",
            out.display(),
            out.join(rel).display()
        )));
    }
    if files.is_empty() || force {
        return Ok(());
    }
    let exp_path = out.join("experiment.json");
    if exp_path.is_file() {
        let same = infoscope_io::read_json::<E>(&exp_path).is_ok_and(|p| p == *exp);
        if same {
            return Ok(());
        }
        return Err(usage(format!(
            "--out {} holds the run of another experiment: choose another --out, or add \
             --force to replace that run's files",
            out.display()
        )));
    }
    let example = files
        .iter()
        .find(|r| !is_run_file(r))
        .or(files.first())
        .map_or_else(String::new, |r| format!(" ({})", out.join(r).display()));
    Err(usage(format!(
        "--out {} is not empty and holds no infoscope run{example}: choose a new or empty \
         directory, or add --force to write the run there (only the files a run writes are \
         replaced; other files are kept)",
        out.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_files_are_known_by_name() {
        for ok in [
            "results.json",
            "figures/stimulus.svg",
            "leaky/checkpoints/step_00000100.safetensors",
            "recordings/leaky.npz",
            "analysis/.leaky.json.tmp-12-0",
        ] {
            assert!(is_run_file(Path::new(ok)), "{ok}");
        }
        for not in [
            "notes.txt",
            "recordings/mine.npz",
            "leaky/data.csv",
            "figures/a.pdf",
        ] {
            assert!(!is_run_file(Path::new(not)), "{not}");
        }
    }
}
