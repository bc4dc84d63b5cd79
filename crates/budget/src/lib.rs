//! # infoscope-budget
//!
//! The memory budget: every size that drives a large allocation is checked against it before
//! the allocation is made, so that a huge input or count gets a typed error that says how much
//! memory it would need and what to do instead, never an abort inside an allocator.
//!
//! The budget is `INFOSCOPE_MAX_MEMORY` when set (bytes, or a number with a `K`, `M`, `G` or
//! `T` suffix, powers of 1024: `8G`), otherwise 80 % of the memory the operating system reports
//! available (`MemAvailable` in `/proc/meminfo`), otherwise 16 GiB.

#![deny(missing_docs)]

use std::fmt;

/// The environment variable that sets the budget.
pub const MEMORY_LIMIT_VAR: &str = "INFOSCOPE_MAX_MEMORY";

/// The budget where the operating system does not report its available memory.
const FALLBACK_LIMIT: u64 = 16 << 30;

/// The memory budget, bytes (see the module documentation).
#[must_use]
pub fn memory_limit() -> u64 {
    if let Some(v) = std::env::var(MEMORY_LIMIT_VAR)
        .ok()
        .and_then(|s| parse_bytes(&s))
    {
        return v;
    }
    available_memory().map_or(FALLBACK_LIMIT, |a| a / 5 * 4)
}

/// `MemAvailable` of `/proc/meminfo`, bytes.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// `"8G"`, `"512M"`, `"1000000"` as bytes (suffixes are powers of 1024; a trailing `B` or
/// `iB` is allowed).
#[must_use]
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (number, shift) = match t.chars().last()? {
        'K' | 'k' => (&t[..t.len() - 1], 10),
        'M' | 'm' => (&t[..t.len() - 1], 20),
        'G' | 'g' => (&t[..t.len() - 1], 30),
        'T' | 't' => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let v: f64 = number.trim().parse().ok()?;
    let bytes = v * (1u64 << shift) as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (0.0..1.8e19).contains(&bytes).then_some(bytes as u64)
}

/// A byte count for people: `"80.0 GB"`, `"512 B"` (powers of 1000).
#[must_use]
pub fn human_bytes(bytes: u128) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if v < 1000.0 {
            break;
        }
        v /= 1000.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

/// The bytes of `count` elements of `element` bytes each, as `u128` (never overflows for
/// counts that fit in `usize`).
#[must_use]
pub fn bytes_of(count: u128, element: usize) -> u128 {
    count.saturating_mul(element as u128)
}

/// A request over the budget: how much it needed and how much was allowed, for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exceeded {
    /// The memory the request would need (`"80.0 GB"`).
    pub needed: String,
    /// The budget (`"12.8 GB"`).
    pub limit: String,
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "would need {} of memory, more than the {} allowed (set {MEMORY_LIMIT_VAR} to \
             change the limit)",
            self.needed, self.limit
        )
    }
}

impl std::error::Error for Exceeded {}

/// Refuse an allocation of `bytes` that exceeds [`memory_limit`]; each crate wraps the
/// [`Exceeded`] into its own typed error, naming the argument and how to go on.
///
/// # Errors
/// [`Exceeded`] when `bytes` exceeds the budget.
pub fn check(bytes: u128) -> Result<(), Exceeded> {
    let limit = memory_limit();
    if bytes > u128::from(limit) {
        return Err(Exceeded {
            needed: human_bytes(bytes),
            limit: human_bytes(u128::from(limit)),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes_with_binary_suffixes() {
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("8G"), Some(8 << 30));
        assert_eq!(parse_bytes("512MiB"), Some(512 << 20));
        assert_eq!(parse_bytes("2T"), Some(2 << 40));
        assert_eq!(parse_bytes("1.5k"), Some(1536));
        assert_eq!(parse_bytes("lots"), None);
        assert_eq!(parse_bytes("-1"), None);
    }

    #[test]
    fn human_sizes_use_decimal_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(80_000_000_000), "80.0 GB");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
    }

    #[test]
    fn a_request_over_the_limit_is_refused_with_the_sizes() {
        let err = check(u128::MAX).expect_err("over any limit");
        assert!(err.to_string().contains(MEMORY_LIMIT_VAR), "{err}");
        assert!(check(1).is_ok());
    }
}
