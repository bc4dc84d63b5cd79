//! Atomic writes: a temporary file in the target's directory, flushed and synced, then renamed
//! over the target. Readers see the old file or the new one, never a partial one.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{IoError, Result};

/// Distinguishes the temporary files of concurrent writes within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// How many temporary names to try before giving up (another process left files behind).
const TEMP_ATTEMPTS: usize = 64;

/// Writes `path` atomically with the bytes that `f` produces.
///
/// `f` writes into a buffered temporary file named `.{filename}.tmp-{pid}-{counter}` in the
/// same directory as `path` (so the final rename stays on one file system). After `f` returns
/// `Ok`, the file is flushed, synced to disk (`sync_all`) and renamed over `path`; missing
/// parent directories are created first. If anything fails (or `f` panics), the temporary file
/// is removed and an existing `path` is left untouched. Permissions of an existing target are
/// carried over to the new file where possible.
///
/// A symbolic link at `path` is followed: the file it points to is replaced atomically and the
/// link stays. A path that is not a regular file (a character device such as `/dev/null`, a
/// FIFO, a socket), and one reached through `/dev/fd`, `/dev/std{in,out,err}` or `/proc`
/// (as `/dev/stdout` is), is written directly instead, appending, since it cannot be renamed
/// over: the bytes are first produced in a temporary file (so `f` may seek), then copied.
///
/// # Errors
///
/// [`IoError::Write`] naming `path` for any failure, including an error returned by `f`.
///
/// ```
/// use std::io::Write;
/// use infoscope_io::write_atomic;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out/table.csv");
/// write_atomic(&path, |w| w.write_all(b"a,b\n1,2\n"))?;
/// assert_eq!(std::fs::read_to_string(&path)?, "a,b\n1,2\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic<F>(path: &Path, f: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    write_atomic_file(path, |file| {
        let mut writer = BufWriter::new(file);
        f(&mut writer)
            .and_then(|()| writer.flush())
            .map_err(|source| write_error(path, source))
    })
}

/// Writes `bytes` to `path` atomically (see [`write_atomic`]).
///
/// # Errors
///
/// [`IoError::Write`] naming `path`.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes))
}

/// Writes `text` (e.g. a CSV table) to `path` atomically (see [`write_atomic`]).
///
/// # Errors
///
/// [`IoError::Write`] naming `path`.
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    write_bytes(path, text.as_bytes())
}

/// Writes `value` as pretty-printed JSON with a trailing newline to `path` atomically (see
/// [`write_atomic`]).
///
/// Serialisation happens in memory first, so a value that cannot be serialised never touches
/// the file system. Note that `serde_json` writes non-finite floats as `null`.
///
/// # Errors
///
/// [`IoError::Serialize`] if `value` cannot be serialised, [`IoError::Write`] otherwise.
pub fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| IoError::Serialize {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    bytes.push(b'\n');
    write_bytes(path, &bytes)
}

/// Reads a JSON file into `T`.
///
/// # Errors
///
/// [`IoError::NotFound`], [`IoError::Read`], or [`IoError::Deserialize`] (invalid JSON or a
/// value that does not fit `T`, with line and column).
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = read_file(path)?;
    serde_json::from_slice(&bytes).map_err(|e| IoError::Deserialize {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })
}

/// Reads a whole file, mapping a missing file to [`IoError::NotFound`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            IoError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            IoError::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// [`IoError::Write`] for `path`.
pub(crate) fn write_error(path: &Path, source: io::Error) -> IoError {
    IoError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// The core of every atomic write: `f` fills an unbuffered temporary [`File`] (which is
/// `Write + Seek`, as zip archives need), then it is synced and renamed over `path`.
pub(crate) fn write_atomic_file<F>(path: &Path, f: F) -> Result<()>
where
    F: FnOnce(&mut File) -> Result<()>,
{
    match target(path) {
        Target::File(target) => write_replacing(path, &target, f),
        Target::Stream(target) => write_streaming(path, &target, f),
    }
}

/// Where a write to a path goes.
enum Target {
    /// A regular file (existing or not) to replace atomically.
    File(PathBuf),
    /// A device, pipe or descriptor to write into directly.
    Stream(PathBuf),
}

/// How many symbolic links to follow before giving up (as Linux's `ELOOP`).
const MAX_LINKS: usize = 40;

/// Whether `path` names a stream of this process rather than a file (`/dev/stdout`, ...).
fn is_descriptor_path(path: &Path) -> bool {
    path.starts_with("/proc")
        || path.starts_with("/dev/fd")
        || ["/dev/stdin", "/dev/stdout", "/dev/stderr"]
            .iter()
            .any(|p| path == Path::new(p))
}

/// Follows symbolic links from `path` to what a write must reach.
fn target(path: &Path) -> Target {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        if is_descriptor_path(&current) {
            return Target::Stream(current);
        }
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(&current) {
                Ok(next) => {
                    current = match current.parent() {
                        Some(dir) if next.is_relative() => dir.join(next),
                        _ => next,
                    };
                }
                // An unreadable link: replace it, as before.
                Err(_) => return Target::File(current),
            },
            Ok(meta) if meta.is_file() || meta.is_dir() => return Target::File(current),
            Ok(_) => return Target::Stream(current),
            Err(_) => return Target::File(current),
        }
    }
    // A loop of links: the rename below reports it on the path given.
    Target::File(path.to_path_buf())
}

/// The atomic write proper: temporary file beside `target`, synced, renamed over it. Errors
/// name `path`, the path the caller gave.
fn write_replacing<F>(path: &Path, target: &Path, f: F) -> Result<()>
where
    F: FnOnce(&mut File) -> Result<()>,
{
    let file_name = target.file_name().ok_or_else(|| {
        write_error(
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file"),
        )
    })?;
    if target.is_dir() {
        return Err(write_error(
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "the path is a directory"),
        ));
    }
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|e| write_error(path, e))?;

    let mut temp = TempFile::create(dir, file_name).map_err(|e| write_error(path, e))?;
    // Best effort: a failure to copy permissions is no reason to lose the data.
    if let Ok(meta) = fs::metadata(target)
        && meta.is_file()
        && let Ok(f) = temp.file_mut()
    {
        let _ = f.set_permissions(meta.permissions());
    }
    let file = temp.file_mut().map_err(|e| write_error(path, e))?;
    f(file)?;
    file.sync_all().map_err(|e| write_error(path, e))?;
    temp.persist(target).map_err(|e| write_error(path, e))?;
    sync_dir(dir);
    Ok(())
}

/// A write into a device, pipe or descriptor: `f` fills a temporary file (in the system's
/// temporary directory), whose bytes are then appended to `target`.
fn write_streaming<F>(path: &Path, target: &Path, f: F) -> Result<()>
where
    F: FnOnce(&mut File) -> Result<()>,
{
    let name = target
        .file_name()
        .unwrap_or_else(|| std::ffi::OsStr::new("stream"));
    let mut temp =
        TempFile::create(&std::env::temp_dir(), name).map_err(|e| write_error(path, e))?;
    let file = temp.file_mut().map_err(|e| write_error(path, e))?;
    f(file)?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| write_error(path, e))?;
    // This process's own stdout and stderr are written through their descriptors, at their
    // current position (reopening them would start a second position in a redirected file).
    let own = |n: &str| {
        [format!("/dev/{n}")]
            .into_iter()
            .chain(["/dev/fd", "/proc/self/fd"].map(|d| format!("{d}/{}", fd_number(n))))
            .any(|p| target == Path::new(&p))
    };
    let copied = if own("stdout") {
        let mut out = io::stdout().lock();
        io::copy(file, &mut out).and_then(|_| out.flush())
    } else if own("stderr") {
        let mut out = io::stderr().lock();
        io::copy(file, &mut out).and_then(|_| out.flush())
    } else {
        OpenOptions::new()
            .append(true)
            .open(target)
            .and_then(|mut out| io::copy(file, &mut out).and_then(|_| out.flush()))
    };
    copied.map(|_| ()).map_err(|e| write_error(path, e))
}

/// The descriptor number of `stdout` or `stderr`.
fn fd_number(name: &str) -> u8 {
    if name == "stdout" { 1 } else { 2 }
}

/// A temporary file that removes itself on drop unless persisted.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
    persisted: bool,
}

impl TempFile {
    /// Creates `.{file_name}.tmp-{pid}-{counter}` in `dir`, never reusing an existing name.
    fn create(dir: &Path, file_name: &std::ffi::OsStr) -> io::Result<Self> {
        let pid = std::process::id();
        let mut last_err = None;
        for _ in 0..TEMP_ATTEMPTS {
            let counter = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut name = OsString::from(".");
            name.push(file_name);
            name.push(format!(".tmp-{pid}-{counter}"));
            let path = dir.join(name);
            match OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        file: Some(file),
                        persisted: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::AlreadyExists, "no free temporary file name")
        }))
    }

    /// The open file.
    fn file_mut(&mut self) -> io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("temporary file already closed"))
    }

    /// Closes the file and renames it to `target`.
    fn persist(mut self, target: &Path) -> io::Result<()> {
        drop(self.file.take());
        fs::rename(&self.path, target)?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // Close before removing (required on Windows).
        drop(self.file.take());
        if !self.persisted {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Makes the rename durable by syncing the directory (best effort; a no-op off Unix).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_link_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_text(&link, "new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        // A dangling link creates its target.
        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink("made.txt", &dangling).unwrap();
        write_text(&dangling, "made").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("made.txt")).unwrap(),
            "made"
        );
    }

    #[test]
    fn a_device_is_written_into_not_replaced() {
        write_text(Path::new("/dev/null"), "gone").unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
    }
}
