//! Number formatting, names and axis ranges: display only, nothing estimated.

use infoscope_analysis::estimators::Unit;

/// The unit's name as it appears on axes and in tables: `"bits"` or `"nats"`.
pub(crate) fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Bits => "bits",
        Unit::Nats => "nats",
    }
}

/// An information value (already in the display unit) for tables: four decimals, or three
/// significant digits in scientific notation outside `[1e-3, 1e5)`; `NaN`, `∞`, `−∞` spelled out.
pub(crate) fn value(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { "∞" } else { "−∞" }.to_owned()
    } else if x != 0.0 && (x.abs() >= 1e5 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// A plain number with at most `decimals` decimals and no trailing zeros (times, σ², ticks).
pub(crate) fn trim(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return value(x);
    }
    if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 10f64.powi(-(decimals as i32))) {
        return format!("{x:.2e}");
    }
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

/// A tick label: [`trim`] with enough decimals for ticks `step` apart.
pub(crate) fn tick(x: f64) -> String {
    trim(x, 4)
}

/// A tick label of a linear axis spanning `range`: [`tick`], with a value within rounding error
/// of 0 (a millionth of a millionth of the span) read as 0 rather than, say, `-2.22e-16`.
pub(crate) fn linear_tick(x: f64, (lo, hi): (f64, f64)) -> String {
    if x.abs() <= 1e-12 * (hi - lo).abs() {
        tick(0.0)
    } else {
        tick(x)
    }
}

/// A file-name slug of `name`: lowercase ASCII letters and digits, other runs as `_`.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// Unique slugs for `names`, in order: `network_N` for names without letters or digits, and a
/// `_2`, `_3`, ... suffix for repeats.
pub(crate) fn unique_slugs<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let base = match slug(name) {
            s if s.is_empty() => format!("network_{}", i + 1),
            s => s,
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while out.contains(&candidate) || candidate == "comparison" {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        out.push(candidate);
    }
    out
}

/// The `(min, max)` of the finite values, if any.
pub(crate) fn finite_min_max(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Whether `a < b` (false when either is NaN).
pub(crate) fn increasing(a: f64, b: f64) -> bool {
    a < b
}

/// A linear axis range covering `values` (and 0 when `with_zero`), padded by 5 % at both ends;
/// `(0, 1)` before padding when nothing is finite, a unit-wide window around a single value.
pub(crate) fn linear_range(values: impl IntoIterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = finite_min_max(values).unwrap_or((0.0, 1.0));
    if with_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let span = hi - lo;
    let wide = span > 1e-12 * lo.abs().max(hi.abs()).max(1e-300);
    if !wide {
        let half = if lo == 0.0 { 0.5 } else { 0.5 * lo.abs() };
        if with_zero && lo == 0.0 {
            return (-0.05, 1.05);
        }
        lo -= half;
        hi += half;
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// A logarithmic axis range covering the positive finite `values`, padded by 5 % of its
/// decades at both ends; `(1, 10)` when there are none, one decade around a single value.
pub(crate) fn log_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let positive = values.into_iter().filter(|v| *v > 0.0);
    let (lo, hi) = finite_min_max(positive).unwrap_or((1.0, 10.0));
    let (lo, hi) = if hi / lo < 1.0 + 1e-9 {
        (lo / 10f64.sqrt(), hi * 10f64.sqrt())
    } else {
        (lo, hi)
    };
    let pad = 10f64.powf(0.05 * (hi / lo).log10());
    (lo / pad, hi * pad)
}

/// Standard base64 (RFC 4648, with padding) of `bytes`, for data URIs.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(super::base64(plain.as_bytes()), encoded);
        }
    }

    use super::*;

    #[test]
    fn a_rounding_residue_on_a_linear_axis_reads_zero() {
        assert_eq!(linear_tick(-2.220_446e-16, (-1.1, 0.1)), "0");
        assert_eq!(linear_tick(0.25, (-1.1, 0.1)), "0.25");
        assert_eq!(linear_tick(1e-5, (0.0, 1e-4)), "1.00e-5");
    }

    #[test]
    fn slugs_are_unique_and_safe() {
        let slugs = unique_slugs(["leaky RNN", "Leaky rnn!", "", "comparison", "a/b c"]);
        assert_eq!(
            slugs,
            [
                "leaky_rnn",
                "leaky_rnn_2",
                "network_3",
                "comparison_2",
                "a_b_c"
            ]
        );
    }

    #[test]
    fn values_format_with_fixed_decimals() {
        assert_eq!(value(1.0), "1.0000");
        assert_eq!(value(0.0), "0.0000");
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(f64::NEG_INFINITY), "−∞");
        assert_eq!(value(2.5e-5), "2.500e-5");
        assert_eq!(trim(20.0, 3), "20");
        assert_eq!(trim(0.125, 3), "0.125");
        assert_eq!(trim(-0.0001, 3), "-1.00e-4");
    }

    #[test]
    fn ranges_handle_degenerate_input() {
        assert_eq!(linear_range([0.0, 0.0], true), (-0.05, 1.05));
        let (lo, hi) = linear_range([f64::NAN, f64::INFINITY], false);
        assert!(lo < 0.0 && hi > 1.0);
        let (lo, hi) = linear_range([3.0], false);
        assert!(lo < 3.0 && hi > 3.0);
        let (lo, hi) = log_range([5.0]);
        assert!(lo < 5.0 && hi > 5.0 && lo > 0.0);
        let (lo, hi) = log_range([-1.0, 0.0]);
        assert!(lo > 0.0 && hi > lo);
    }
}
