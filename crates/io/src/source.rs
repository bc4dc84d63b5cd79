//! `FILE[:key]`: where an array comes from.

use std::convert::Infallible;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// An array's location: a file, and for an `.npz` archive optionally the key of one array in it.
///
/// Written on the command line as `FILE[:key]`, e.g. `run/recording.npz:hidden`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArraySource {
    /// The `.npy` or `.npz` file.
    pub path: PathBuf,
    /// The array inside an `.npz` archive (`None`: the archive's only array).
    pub key: Option<String>,
}

impl ArraySource {
    /// A whole file, without key.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            key: None,
        }
    }

    /// One array of an `.npz` archive.
    pub fn with_key(path: impl Into<PathBuf>, key: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            key: Some(key.into()),
        }
    }

    /// Parses `FILE[:key]`.
    ///
    /// The string is split at its **last** `:` only when the part before it ends in `.npz` or
    /// `.npy` (in any case) and the part after it is not empty; otherwise the whole string is
    /// the path. (`x.npy:hidden` keeps its key so that reading it can say that a `.npy` holds
    /// one array and `:KEY` selects an array of an `.npz`.) So colons inside directory names and Windows drive letters are kept in the path:
    ///
    /// ```
    /// use infoscope_io::ArraySource;
    ///
    /// let s = ArraySource::parse("C:/runs/rec.npz:hidden");
    /// assert_eq!(s.path.to_str(), Some("C:/runs/rec.npz"));
    /// assert_eq!(s.key.as_deref(), Some("hidden"));
    ///
    /// let s = ArraySource::parse("dir:with:colons/a.npy");
    /// assert_eq!(s.path.to_str(), Some("dir:with:colons/a.npy"));
    /// assert_eq!(s.key, None);
    /// assert_eq!(s.to_string(), "dir:with:colons/a.npy");
    /// ```
    pub fn parse(spec: &str) -> Self {
        if let Some((file, key)) = spec.rsplit_once(':')
            && !key.is_empty()
            && (has_extension(file, ".npz") || has_extension(file, ".npy"))
        {
            return Self::with_key(file, key);
        }
        Self::new(spec)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether `s` ends in `ext` (ASCII case-insensitive).
fn has_extension(s: &str, ext: &str) -> bool {
    s.len() >= ext.len()
        && s.is_char_boundary(s.len() - ext.len())
        && s[s.len() - ext.len()..].eq_ignore_ascii_case(ext)
}

impl fmt::Display for ArraySource {
    /// Writes `path[:key]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(key) = &self.key {
            write!(f, ":{key}")?;
        }
        Ok(())
    }
}

impl FromStr for ArraySource {
    type Err = Infallible;

    /// Same as [`ArraySource::parse`]; never fails.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(s))
    }
}

impl From<&str> for ArraySource {
    /// Same as [`ArraySource::parse`].
    fn from(s: &str) -> Self {
        Self::parse(s)
    }
}
