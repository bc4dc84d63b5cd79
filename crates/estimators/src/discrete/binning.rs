//! Binning policies: how continuous activity becomes integer symbols (SPEC.md §1.1).

use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{EstimatorError, Result, ensure_param};

/// How each column of continuous data is cut into bins.
///
/// Symbols are dense per column: two samples share a symbol exactly when they fall in the same
/// bin. Every binned estimate is invariant to relabelling bins, so only the partition matters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BinPolicy {
    /// IDNNs semantics (Shwartz-Ziv & Tishby; `idnns/information/information_process.py`):
    /// `n_edges` equally spaced *edges* over `[lo, hi]` (numpy `linspace`), and a value `v` gets
    /// the interval `i` with `edges[i] ≤ v < edges[i+1]` (numpy `digitize`). So there are
    /// `n_edges − 1` intervals, values `≥ hi` share one extra top symbol (IDNNs' isolated
    /// `1.0`), and values `< lo` share one extra bottom symbol. The IDNNs default is
    /// `{lo: −1, hi: 1, n_edges: 30}`: 29 intervals of width 2/29.
    ///
    /// Symbol `s` of [`BinPolicy::apply`] is `interval + 1`: 0 is below `lo`, `n_edges` is at
    /// or above `hi`.
    FixedEdges {
        /// Lowest edge.
        lo: f64,
        /// Highest edge.
        hi: f64,
        /// Number of edges (≥ 2).
        n_edges: usize,
    },
    /// `n_bins` equal intervals over `[lo, hi]`, the top edge inclusive (so `hi` is in the last
    /// bin; the natural reading of the Padova project's "nbins = 2"). Values outside
    /// `[lo, hi]` go to the nearest end bin and are counted in the diagnostics.
    FixedIntervals {
        /// Lower end of the range.
        lo: f64,
        /// Upper end of the range (inclusive).
        hi: f64,
        /// Number of bins (≥ 1).
        n_bins: usize,
    },
    /// Saxe et al. (2018) semantics (`artemyk/ibsgd` `simplebinmi.py`): symbol
    /// `floor(v / width)`. Unbounded, so it suits ReLU layers; their default width is 0.07.
    FixedWidth {
        /// Bin width (> 0).
        width: f64,
    },
    /// `n_bins` equal intervals between each column's own minimum and maximum (top edge
    /// inclusive). Suits ReLU/softplus units with different ranges. A constant column is one bin.
    PerUnitMinMax {
        /// Number of bins per unit (≥ 1).
        n_bins: usize,
    },
    /// `n_bins` equal intervals between the minimum and maximum over *all* columns (top edge
    /// inclusive).
    GlobalMinMax {
        /// Number of bins (≥ 1).
        n_bins: usize,
    },
    /// Per-column equal-frequency bins: the edges are the column's empirical quantiles
    /// `k / n_bins` (linear interpolation, numpy's default). Tied values share a bin, so heavy
    /// ties (e.g. ReLU zeros) give fewer occupied bins.
    Quantile {
        /// Number of bins per unit (≥ 1).
        n_bins: usize,
    },
}

impl Default for BinPolicy {
    /// 10 equal bins per unit between its min and max.
    fn default() -> Self {
        BinPolicy::PerUnitMinMax { n_bins: 10 }
    }
}

/// Continuous data turned into symbols.
#[derive(Clone, Debug, PartialEq)]
pub struct BinnedData {
    /// One symbol per value, same shape as the input.
    pub symbols: Array2<i64>,
    /// Number of values outside a fixed range (`FixedEdges`, `FixedIntervals`).
    pub n_out_of_range: usize,
}

/// How one column maps values to symbols.
#[derive(Clone, Debug)]
pub(crate) enum ColumnRule {
    /// `linspace` edges, computed arithmetically (see [`Lane`]). `fixed` marks a user-given
    /// range (values outside it are counted).
    Uniform { lane: Lane, fixed: bool },
    /// Arbitrary sorted edges (quantiles); intervals with the top edge inclusive.
    Sorted { edges: Vec<f64> },
    /// `floor(v / width)`.
    Width { width: f64 },
    /// A constant column: one symbol.
    Constant,
}

/// `floor(t)` for |t| < 2^62 without a libm call (baseline x86-64 has no rounding instruction).
#[inline]
pub(crate) fn floor_i64(t: f64) -> i64 {
    let i = t as i64;
    if (i as f64) > t { i - 1 } else { i }
}

/// Equal-width intervals over `[lo, hi]` in a branch-light form. Edge `k` is `k·step + lo`
/// and the last edge is exactly `hi`, as numpy's `linspace` computes them, so symbols equal
/// numpy's `digitize` on those edges.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lane {
    lo: f64,
    hi: f64,
    inv: f64,
    step: f64,
    /// Number of intervals (edges − 1), as a float.
    nb: f64,
    digitize: bool,
}

impl Lane {
    /// The symbol of `v` (finite). The interval `k` is guessed as `trunc((v − lo)·inv)`,
    /// clamped, and moved by one where the exact edges `k·step + lo` disagree (rounding can make
    /// the guess off by one near an edge, never more).
    #[inline]
    pub(crate) fn symbol(&self, v: f64) -> u32 {
        let top = self.nb - 1.0;
        let t = ((v - self.lo) * self.inv).max(0.0).min(top);
        let k = f64::from(t as u32);
        let e_k = k * self.step + self.lo;
        let e_next = if k >= top {
            self.hi
        } else {
            (k + 1.0) * self.step + self.lo
        };
        let down = u32::from(v < e_k && k > 0.0);
        let up = u32::from(v >= e_next && k < top);
        let k = k as u32 + up - down;
        if !self.digitize {
            k
        } else if v < self.lo {
            0
        } else if v >= self.hi {
            self.nb as u32 + 1
        } else {
            k + 1
        }
    }
}

impl Lane {
    /// `n_edges` edges over `[lo, hi]` (`lo < hi`).
    fn new(lo: f64, hi: f64, n_edges: usize, digitize: bool) -> Self {
        let nb = (n_edges - 1) as f64;
        Lane {
            lo,
            hi,
            inv: nb / (hi - lo),
            step: (hi - lo) / nb,
            nb,
            digitize,
        }
    }

    /// Number of symbols: `n_edges + 1` for digitize, the number of intervals otherwise.
    fn n_symbols(&self) -> usize {
        if self.digitize {
            self.nb as usize + 2
        } else {
            self.nb as usize
        }
    }
}

impl ColumnRule {
    /// The rule as a [`Lane`], for uniform and constant rules.
    pub(crate) fn lane(&self) -> Option<Lane> {
        match self {
            ColumnRule::Uniform { lane, .. } => Some(*lane),
            // One interval that holds every finite value.
            ColumnRule::Constant => Some(Lane {
                lo: 0.0,
                hi: f64::INFINITY,
                inv: 0.0,
                step: 0.0,
                nb: 1.0,
                digitize: false,
            }),
            _ => None,
        }
    }

    fn uniform(lo: f64, hi: f64, n_edges: usize, digitize: bool, fixed: bool) -> Self {
        if hi <= lo {
            return ColumnRule::Constant;
        }
        ColumnRule::Uniform {
            lane: Lane::new(lo, hi, n_edges, digitize),
            fixed,
        }
    }

    /// Number of possible symbols (symbols are `0..n`), or `None` when unbounded.
    pub(crate) fn n_symbols(&self) -> Option<usize> {
        match self {
            ColumnRule::Uniform { lane, .. } => Some(lane.n_symbols()),
            ColumnRule::Sorted { edges } => Some(edges.len() - 1),
            ColumnRule::Width { .. } => None,
            ColumnRule::Constant => Some(1),
        }
    }

    /// Whether the rule has a fixed range whose violations are counted.
    pub(crate) fn has_fixed_range(&self) -> bool {
        matches!(self, ColumnRule::Uniform { fixed: true, .. })
    }

    /// Whether `v` lies outside the rule's fixed range.
    #[inline]
    pub(crate) fn out_of_range(&self, v: f64) -> bool {
        match self {
            ColumnRule::Uniform { lane, fixed: true } => v < lane.lo || v > lane.hi,
            _ => false,
        }
    }

    /// The symbol of `v` (finite).
    #[inline]
    pub(crate) fn symbol(&self, v: f64) -> i64 {
        match self {
            ColumnRule::Uniform { lane, .. } => i64::from(lane.symbol(v)),
            ColumnRule::Sorted { edges } => {
                let c = edges.partition_point(|&e| e <= v);
                (c.max(1) - 1).min(edges.len() - 2) as i64
            }
            ColumnRule::Width { width } => floor_i64(v / width),
            ColumnRule::Constant => 0,
        }
    }
}

/// Per-column (min, max), and whether every value is finite, in one row-major pass; row blocks
/// run in parallel and merge exactly (min/max are order-independent).
pub(crate) fn column_min_max(x: ArrayView2<'_, f64>) -> (Vec<(f64, f64)>, bool) {
    use rayon::prelude::*;
    let d = x.ncols();
    let blocks: Vec<usize> = (0..x.nrows()).step_by(4096).collect();
    let merge = |mut a: (Vec<f64>, Vec<f64>, Vec<f64>), b: (Vec<f64>, Vec<f64>, Vec<f64>)| {
        for j in 0..a.0.len() {
            a.0[j] = a.0[j].min(b.0[j]);
            a.1[j] = a.1[j].max(b.1[j]);
            a.2[j] += b.2[j];
        }
        a
    };
    let empty = || {
        (
            vec![f64::INFINITY; d],
            vec![f64::NEG_INFINITY; d],
            vec![0.0; d],
        )
    };
    let (lo, hi, poison) = blocks
        .par_iter()
        .map(|&r0| {
            let (mut lo, mut hi, mut poison) = empty();
            for row in x
                .slice(ndarray::s![r0..(r0 + 4096).min(x.nrows()), ..])
                .rows()
            {
                for (j, &v) in row.iter().enumerate() {
                    lo[j] = if v < lo[j] { v } else { lo[j] };
                    hi[j] = if v > hi[j] { v } else { hi[j] };
                    // 0·v is NaN exactly when v is NaN or infinite.
                    poison[j] += v * 0.0;
                }
            }
            (lo, hi, poison)
        })
        .reduce(empty, merge);
    let finite = poison.iter().all(|p| *p == 0.0);
    (lo.into_iter().zip(hi).collect(), finite)
}

/// numpy's default (linear) quantile of sorted data at probability `q`.
fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let frac = pos - i as f64;
    if i + 1 >= sorted.len() {
        return sorted[sorted.len() - 1];
    }
    sorted[i] + frac * (sorted[i + 1] - sorted[i])
}

fn quantile_rule(col: ArrayView1<'_, f64>, n_bins: usize) -> ColumnRule {
    let mut sorted = col.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted[0] == sorted[sorted.len() - 1] {
        return ColumnRule::Constant;
    }
    let edges = (0..=n_bins)
        .map(|k| quantile_sorted(&sorted, k as f64 / n_bins as f64))
        .collect();
    ColumnRule::Sorted { edges }
}

/// The compact spec of a policy, as every face takes it (the CLI's `--policy`, TOML's and
/// Python's `policy`): `unit-minmax:N`, `global-minmax:N`, `quantile:N`, `intervals:LO:HI:N`,
/// `fixed-edges:LO:HI:N`, `width:W`, or a bare bin count `N` (= `unit-minmax:N`). The parsed
/// policy is checked.
impl std::str::FromStr for BinPolicy {
    type Err = EstimatorError;

    fn from_str(spec: &str) -> Result<Self> {
        let policy = Self::parse_unchecked(spec)?;
        policy.check()?;
        Ok(policy)
    }
}

impl BinPolicy {
    /// The policy a compact spec names, without checking its numbers (a bin count of 0 is
    /// refused here, naming `policy`; the other ranges are checked by [`BinPolicy::check`],
    /// which names the number at fault).
    pub(crate) fn parse_unchecked(spec: &str) -> Result<Self> {
        let bad = |reason: String| EstimatorError::InvalidParameter {
            name: "policy",
            reason,
        };
        if let Ok(n_bins) = spec.trim().parse::<usize>() {
            if n_bins == 0 {
                return Err(bad("a bin count must be ≥ 1, got 0".into()));
            }
            return Ok(BinPolicy::PerUnitMinMax { n_bins });
        }
        let parts: Vec<&str> = spec.split(':').collect();
        let value = |i: usize| -> Result<&str> {
            parts
                .get(i)
                .copied()
                .ok_or_else(|| bad(format!("{spec:?} is missing a value")))
        };
        let num = |i: usize| -> Result<f64> {
            value(i)?
                .parse::<f64>()
                .map_err(|e| bad(format!("{spec:?}: bad number: {e}")))
        };
        let count = |i: usize| -> Result<usize> {
            value(i)?
                .parse::<usize>()
                .map_err(|e| bad(format!("{spec:?}: bad count: {e}")))
        };
        let arity = |n: usize| -> Result<()> {
            if parts.len() == n + 1 {
                Ok(())
            } else {
                Err(bad(format!(
                    "{spec:?} needs {n} value(s) after the policy name"
                )))
            }
        };
        let policy = match parts[0] {
            "unit-minmax" => {
                arity(1)?;
                BinPolicy::PerUnitMinMax { n_bins: count(1)? }
            }
            "global-minmax" => {
                arity(1)?;
                BinPolicy::GlobalMinMax { n_bins: count(1)? }
            }
            "quantile" => {
                arity(1)?;
                BinPolicy::Quantile { n_bins: count(1)? }
            }
            "intervals" => {
                arity(3)?;
                BinPolicy::FixedIntervals {
                    lo: num(1)?,
                    hi: num(2)?,
                    n_bins: count(3)?,
                }
            }
            "fixed-edges" => {
                arity(3)?;
                BinPolicy::FixedEdges {
                    lo: num(1)?,
                    hi: num(2)?,
                    n_edges: count(3)?,
                }
            }
            "width" => {
                arity(1)?;
                BinPolicy::FixedWidth { width: num(1)? }
            }
            other => {
                return Err(bad(format!(
                    "unknown binning policy {other:?}; expected unit-minmax:N, global-minmax:N, \
                     quantile:N, intervals:LO:HI:N, fixed-edges:LO:HI:N, width:W or a bin count N"
                )));
            }
        };
        Ok(policy)
    }

    /// Validate the policy's parameters.
    pub fn check(&self) -> Result<()> {
        match *self {
            BinPolicy::FixedEdges { lo, hi, n_edges } => {
                check_range(lo, hi)?;
                ensure_param!(
                    (2..=MAX_BINS).contains(&n_edges),
                    "n_edges",
                    "need 2 to {MAX_BINS} edges, got {n_edges}"
                );
            }
            BinPolicy::FixedIntervals { lo, hi, n_bins } => {
                check_range(lo, hi)?;
                check_n_bins(n_bins)?;
            }
            BinPolicy::FixedWidth { width } => {
                ensure_param!(
                    width.is_finite() && width > 0.0,
                    "width",
                    "bin width must be finite and > 0, got {width}"
                );
            }
            BinPolicy::PerUnitMinMax { n_bins }
            | BinPolicy::GlobalMinMax { n_bins }
            | BinPolicy::Quantile { n_bins } => check_n_bins(n_bins)?,
        }
        Ok(())
    }

    /// The rule of every column of `x` (which must be finite and non-empty).
    pub(crate) fn column_rules(&self, x: ArrayView2<'_, f64>) -> Result<Vec<ColumnRule>> {
        let needs_range = matches!(
            self,
            BinPolicy::PerUnitMinMax { .. } | BinPolicy::GlobalMinMax { .. }
        );
        let min_max = if needs_range {
            column_min_max(x).0
        } else {
            Vec::new()
        };
        self.column_rules_with(x, &min_max)
    }

    /// [`BinPolicy::column_rules`] with the per-column (min, max) already known (they are only
    /// read by the min–max policies).
    pub(crate) fn column_rules_with(
        &self,
        x: ArrayView2<'_, f64>,
        min_max: &[(f64, f64)],
    ) -> Result<Vec<ColumnRule>> {
        let d = x.ncols();
        let rules = match *self {
            BinPolicy::FixedEdges { lo, hi, n_edges } => {
                vec![ColumnRule::uniform(lo, hi, n_edges, true, true); d]
            }
            BinPolicy::FixedIntervals { lo, hi, n_bins } => {
                vec![ColumnRule::uniform(lo, hi, n_bins + 1, false, true); d]
            }
            BinPolicy::FixedWidth { width } => {
                let limit = (1_u64 << 62) as f64;
                if let Some(((row, col), v)) =
                    x.indexed_iter().find(|(_, v)| (*v / width).abs() >= limit)
                {
                    return Err(EstimatorError::OutOfRange {
                        argument: "x",
                        detail: format!(
                            "value {v} at row {row}, column {col} is too large for bin width \
                             {width} (bin index overflows 62 bits)"
                        ),
                    });
                }
                vec![ColumnRule::Width { width }; d]
            }
            BinPolicy::PerUnitMinMax { n_bins } => min_max
                .iter()
                .copied()
                .map(|(lo, hi)| ColumnRule::uniform(lo, hi, n_bins + 1, false, false))
                .collect(),
            BinPolicy::GlobalMinMax { n_bins } => {
                let mm = min_max;
                let lo = mm.iter().map(|m| m.0).fold(f64::INFINITY, f64::min);
                let hi = mm.iter().map(|m| m.1).fold(f64::NEG_INFINITY, f64::max);
                vec![ColumnRule::uniform(lo, hi, n_bins + 1, false, false); d]
            }
            BinPolicy::Quantile { n_bins } => x
                .axis_iter(Axis(1))
                .map(|col| quantile_rule(col, n_bins))
                .collect(),
        };
        Ok(rules)
    }

    /// Bin every value of `x` (samples × units). `x` must be finite; the estimators validate it
    /// before calling this.
    pub fn apply(&self, x: ArrayView2<'_, f64>) -> Result<BinnedData> {
        self.check()?;
        crate::validate::check_matrix("x", x, 1)?;
        self.apply_checked(x)
    }

    /// [`BinPolicy::apply`] for a checked policy and validated data.
    pub(crate) fn apply_checked(&self, x: ArrayView2<'_, f64>) -> Result<BinnedData> {
        let rules = self.column_rules(x)?;
        let mut n_out_of_range = 0;
        let mut symbols = Array2::<i64>::zeros(x.dim());
        for (row_in, mut row_out) in x.rows().into_iter().zip(symbols.rows_mut()) {
            for ((rule, &v), s) in rules.iter().zip(row_in.iter()).zip(row_out.iter_mut()) {
                *s = rule.symbol(v);
                n_out_of_range += usize::from(rule.out_of_range(v));
            }
        }
        Ok(BinnedData {
            symbols,
            n_out_of_range,
        })
    }
}

fn check_range(lo: f64, hi: f64) -> Result<()> {
    ensure_param!(
        lo.is_finite() && hi.is_finite() && lo < hi,
        "lo",
        "the range must be finite with lo < hi, got lo = {lo}, hi = {hi}"
    );
    Ok(())
}

/// The most bins (or edges) a policy accepts: bin indices are 32-bit, and more bins than
/// any sample count could fill only waste memory.
pub const MAX_BINS: usize = 1 << 30;

fn check_n_bins(n_bins: usize) -> Result<()> {
    ensure_param!(n_bins >= 1, "n_bins", "need at least 1 bin, got {n_bins}");
    ensure_param!(
        n_bins <= MAX_BINS,
        "n_bins",
        "{n_bins} bins is more than the {MAX_BINS} allowed (bin indices are 32-bit); use fewer"
    );
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn policy_specs_parse_and_bad_ones_name_the_policy() {
        let p = |s: &str| s.parse::<BinPolicy>();
        assert_eq!(
            p("unit-minmax:30"),
            Ok(BinPolicy::PerUnitMinMax { n_bins: 30 })
        );
        assert_eq!(
            p("fixed-edges:-1:1:30"),
            Ok(BinPolicy::FixedEdges {
                lo: -1.0,
                hi: 1.0,
                n_edges: 30
            })
        );
        assert_eq!(p("width:0.07"), Ok(BinPolicy::FixedWidth { width: 0.07 }));
        assert_eq!(
            p("intervals:0:1:4"),
            Ok(BinPolicy::FixedIntervals {
                lo: 0.0,
                hi: 1.0,
                n_bins: 4
            })
        );
        assert_eq!(p("quantile:3"), Ok(BinPolicy::Quantile { n_bins: 3 }));
        assert_eq!(p("7"), Ok(BinPolicy::PerUnitMinMax { n_bins: 7 }));
        assert!(matches!(
            p("0"),
            Err(EstimatorError::InvalidParameter { name: "policy", .. })
        ));
        assert_eq!(
            p("global-minmax:2"),
            Ok(BinPolicy::GlobalMinMax { n_bins: 2 })
        );
        for bad in [
            "width:-1",
            "quantile",
            "bogus:3",
            "intervals:0:1",
            "unit-minmax:x",
        ] {
            let err = p(bad).expect_err(bad);
            assert!(
                matches!(err, EstimatorError::InvalidParameter { name, .. } if name == "policy" || name == "width"),
                "{bad}: {err}"
            );
        }
    }
    use ndarray::array;

    use super::*;

    #[test]
    fn idnns_edges_match_the_spec_example() {
        // SPEC.md §1.1 [derived]: 30 edges over [-1, 1]; -0.95 -> interval 0, -0.90 -> 1,
        // 0.50 -> 21, 0.97 -> 28. Symbols are interval + 1.
        let policy = BinPolicy::FixedEdges {
            lo: -1.0,
            hi: 1.0,
            n_edges: 30,
        };
        let x = array![
            [-0.95],
            [-0.90],
            [0.50],
            [0.97],
            [1.0],
            [-1.0],
            [-1.5],
            [3.0]
        ];
        let s = policy.apply(x.view()).unwrap();
        let intervals: Vec<i64> = s.symbols.column(0).iter().map(|v| v - 1).collect();
        assert_eq!(intervals, vec![0, 1, 21, 28, 29, 0, -1, 29]);
        assert_eq!(s.n_out_of_range, 2);
    }

    #[test]
    fn fixed_intervals_include_the_top_edge() {
        let policy = BinPolicy::FixedIntervals {
            lo: -1.0,
            hi: 1.0,
            n_bins: 2,
        };
        let x = array![[-1.0], [-0.01], [0.0], [1.0], [7.0]];
        let s = policy.apply(x.view()).unwrap();
        assert_eq!(s.symbols.column(0).to_vec(), vec![0, 0, 1, 1, 1]);
        assert_eq!(s.n_out_of_range, 1);
    }

    #[test]
    fn fixed_width_is_floor_division() {
        let policy = BinPolicy::FixedWidth { width: 0.07 };
        let x = array![[0.0], [0.069], [0.07], [-0.01], [1.0]];
        let s = policy.apply(x.view()).unwrap();
        assert_eq!(s.symbols.column(0).to_vec(), vec![0, 0, 1, -1, 14]);
    }

    #[test]
    fn quantile_bins_are_equal_frequency() {
        let x = ndarray::Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
        let s = BinPolicy::Quantile { n_bins: 4 }.apply(x.view()).unwrap();
        let mut counts = [0; 4];
        for &v in &s.symbols {
            counts[v as usize] += 1;
        }
        assert_eq!(counts, [25, 25, 25, 25]);
    }

    #[test]
    fn constant_columns_are_one_bin() {
        let x = array![[2.0, 1.0], [2.0, 3.0]];
        for policy in [
            BinPolicy::PerUnitMinMax { n_bins: 5 },
            BinPolicy::Quantile { n_bins: 5 },
        ] {
            let s = policy.apply(x.view()).unwrap();
            assert_eq!(s.symbols.column(0).to_vec(), vec![0, 0]);
            assert_eq!(s.symbols.column(1).to_vec(), vec![0, 4]);
        }
    }

    #[test]
    fn invalid_policies_are_refused() {
        assert!(BinPolicy::FixedWidth { width: 0.0 }.check().is_err());
        assert!(
            BinPolicy::FixedEdges {
                lo: 1.0,
                hi: 1.0,
                n_edges: 3
            }
            .check()
            .is_err()
        );
        assert!(
            BinPolicy::FixedEdges {
                lo: 0.0,
                hi: 1.0,
                n_edges: 1
            }
            .check()
            .is_err()
        );
        assert!(BinPolicy::PerUnitMinMax { n_bins: 0 }.check().is_err());
    }
}
