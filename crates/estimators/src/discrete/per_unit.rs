//! Per-unit batch estimates: I(unit_j; label) for every column of a layer in one call.
//!
//! Rows are read in order (cache- and TLB-friendly for row-major activity): every value is
//! binned by its column's rule and counted straight into that unit's `bins × classes` table.
//! Row ranges run in parallel (rayon) with their own tables, which are then added up; integer
//! counts make the result identical for any thread count. Units are taken in groups whose tables
//! stay small enough for the cache. Columns whose symbols are unbounded and spread too widely
//! (fixed-width bins on wide data) are gathered and counted one by one instead.

use std::borrow::Cow;
use std::ops::Range;

use ndarray::{ArrayView1, ArrayView2, Axis, s};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binned::Binned;
use super::binning::{ColumnRule, Lane, column_min_max};
use super::entropy::{Term, combine, plugin_entropy};
use super::symbols::{SymbolIds, ids_of_column};
use crate::error::Result;
use crate::estimate::Unit;
use crate::validate::{check_labels, check_matrix, check_same_rows, check_shape};

/// Table entries (u32) per group of units: 256 KiB, about one core's L2 cache.
const GROUP_ENTRIES: usize = 1 << 16;
/// Rows per parallel task.
const ROWS_PER_TASK: usize = 1024;
/// Largest table (symbols × classes) of one unbounded unit counted in the shared pass.
const MAX_UNIT_ENTRIES: usize = 1 << 16;

/// I(unit; label) for every unit of a layer, in nats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PerUnitMi {
    /// I(unit_j; label) in nats, one per column, with the configured correction.
    pub values: Vec<f64>,
    /// The plug-in (uncorrected) values in nats.
    pub plugin_values: Vec<f64>,
    /// Number of occupied bins of each unit.
    pub occupied_bins: Vec<usize>,
    /// Number of values of each unit outside a fixed bin range.
    pub out_of_range: Vec<usize>,
    /// Plug-in entropy of the labels in nats: the upper bound of every plug-in value.
    pub label_entropy: f64,
    /// Number of distinct labels.
    pub n_classes: usize,
    /// Number of samples.
    pub n_samples: usize,
    /// The method's name, `"binned"`.
    pub method: String,
    /// The estimator's configuration.
    pub config: serde_json::Value,
}

impl PerUnitMi {
    /// The values in the given unit.
    #[must_use]
    pub fn in_unit(&self, unit: Unit) -> Vec<f64> {
        self.values.iter().map(|&v| unit.from_nats(v)).collect()
    }
}

struct UnitResult {
    value: f64,
    plugin: f64,
    occupied: usize,
    out_of_range: usize,
}

impl Binned {
    /// I(unit_j; labels) for every column `j` of `x` (samples × units), each unit binned on its
    /// own by the policy, in one parallel call. Under `x_kind = "labels"` each unit's values
    /// are its symbols as they are (they must be integers) instead.
    ///
    /// ```
    /// use infoscope_estimators::discrete::{BinPolicy, Binned};
    /// use ndarray::array;
    ///
    /// let x = array![[0.1, 5.0], [0.2, 5.0], [0.9, 1.0], [0.8, 1.0]];
    /// let labels = array![0, 0, 1, 1];
    /// let est = Binned::params()
    ///     .policy(BinPolicy::PerUnitMinMax { n_bins: 2 })
    ///     .check()?
    ///     .per_unit(x.view(), labels.view())?;
    /// assert!((est.values[0] - 2_f64.ln()).abs() < 1e-12); // unit 0 separates the classes
    /// assert!((est.values[1] - 2_f64.ln()).abs() < 1e-12); // so does unit 1
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn per_unit(
        &self,
        x: ArrayView2<'_, f64>,
        labels: ArrayView1<'_, i64>,
    ) -> Result<PerUnitMi> {
        check_shape("x", x, 1)?;
        check_labels("labels", labels, 1)?;
        check_same_rows("x", x.nrows(), "labels", labels.len())?;
        // One pass gives the ranges and the finiteness check; the exact position of a
        // non-finite value is looked up only when there is one.
        let (min_max, finite) = column_min_max(x);
        if !finite {
            check_matrix("x", x, 1)?;
        }
        let rules = if self.x_labels() {
            // Integer values are their own symbols: floor(v / 1) = v.
            crate::spec::symbols("x", x)?;
            vec![ColumnRule::Width { width: 1.0 }; x.ncols()]
        } else {
            self.params.policy.column_rules_with(x, &min_max)?
        };
        let labels = ids_of_column(labels.iter().copied());
        let label_counts = labels.counts();
        let n = x.nrows();
        let slots = slots(&min_max, &rules, labels.n_symbols);
        let mut results = Vec::with_capacity(x.ncols());
        for (c0, c1) in groups(&slots) {
            let tables = count_group(
                x.slice(s![.., c0..c1]),
                &rules[c0..c1],
                &slots[c0..c1],
                &labels,
            );
            let group: Vec<UnitResult> = (c0..c1)
                .into_par_iter()
                .map(|j| {
                    let table: Cow<'_, [u32]> = match tables.table(j - c0) {
                        Some(t) => Cow::Borrowed(t),
                        None => Cow::Owned(gathered_table(x.column(j), &rules[j], &labels)),
                    };
                    let (value, plugin, occupied) = self.unit(&table, n, &labels, &label_counts);
                    UnitResult {
                        value,
                        plugin,
                        occupied,
                        out_of_range: tables.out_of_range[j - c0],
                    }
                })
                .collect();
            results.extend(group);
        }
        Ok(PerUnitMi {
            values: results.iter().map(|r| r.value).collect(),
            plugin_values: results.iter().map(|r| r.plugin).collect(),
            occupied_bins: results.iter().map(|r| r.occupied).collect(),
            out_of_range: results.iter().map(|r| r.out_of_range).collect(),
            label_entropy: plugin_entropy(&label_counts, n as u64),
            n_classes: labels.n_symbols,
            n_samples: n,
            method: "binned".to_owned(),
            config: self.config_json(),
        })
    }

    /// I(unit; label) from one unit's `bins × classes` count table: (corrected, plug-in,
    /// occupied bins).
    fn unit(
        &self,
        table: &[u32],
        n: usize,
        labels: &SymbolIds,
        label_counts: &[u64],
    ) -> (f64, f64, usize) {
        let n_classes = labels.n_symbols;
        let unit_counts: Vec<u64> = table
            .chunks_exact(n_classes)
            .map(|r| r.iter().map(|&c| u64::from(c)).sum::<u64>())
            .filter(|&c| c > 0)
            .collect();
        let joint_counts: Vec<u64> = table
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| u64::from(c))
            .collect();
        let occupied = unit_counts.len();
        let alphabet_x = occupied as f64;
        let alphabet_y = n_classes as f64;
        let joint = Term {
            counts: joint_counts,
            alphabet: alphabet_x * alphabet_y,
            sign: -1.0,
        };
        let terms = [
            Term {
                counts: unit_counts,
                alphabet: alphabet_x,
                sign: 1.0,
            },
            Term {
                counts: label_counts.to_vec(),
                alphabet: alphabet_y,
                sign: 1.0,
            },
            joint.clone(),
        ];
        let c = combine(&terms, &joint, n as u64, self.params.correction);
        (c.value, c.plugin, occupied)
    }
}

/// Where a unit's symbols land: `symbol − offset` in `0..m`, or `None` for gathered units.
struct Slot {
    range: Option<SymbolRange>,
    fixed: bool,
}

#[derive(Clone, Copy)]
struct SymbolRange {
    offset: i64,
    /// Entries of this unit's table (m × classes).
    entries: usize,
}

/// The symbol range of every unit. Unbounded rules get the range of their column's symbols.
fn slots(min_max: &[(f64, f64)], rules: &[ColumnRule], n_classes: usize) -> Vec<Slot> {
    rules
        .iter()
        .enumerate()
        .map(|(j, rule)| {
            let range = match rule.n_symbols() {
                Some(m) if m <= usize::from(u16::MAX) => Some((0, m)),
                Some(_) => None,
                None => {
                    let (lo, hi) = (rule.symbol(min_max[j].0), rule.symbol(min_max[j].1));
                    let m = usize::try_from(hi - lo).ok().and_then(|d| d.checked_add(1));
                    m.filter(|&m| {
                        m <= usize::from(u16::MAX)
                            && m.saturating_mul(n_classes) <= MAX_UNIT_ENTRIES
                    })
                    .map(|m| (lo, m))
                }
            };
            let range = range.map(|(offset, m)| SymbolRange {
                offset,
                entries: m * n_classes,
            });
            Slot {
                range,
                fixed: rule.has_fixed_range(),
            }
        })
        .collect()
}

/// Consecutive groups of units whose tables together stay within [`GROUP_ENTRIES`].
fn groups(slots: &[Slot]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (j, slot) in slots.iter().enumerate() {
        let entries = slot.range.map_or(0, |r| r.entries);
        if j > start && size + entries > GROUP_ENTRIES {
            out.push((start, j));
            (start, size) = (j, 0);
        }
        size += entries;
    }
    if start < slots.len() {
        out.push((start, slots.len()));
    }
    out
}

/// The count tables of a group of units, laid end to end, plus out-of-range counts.
struct GroupTables {
    counts: Vec<u32>,
    out_of_range: Vec<usize>,
    /// Where each unit's table lies in `counts` (`None` for gathered units).
    spans: Vec<Option<Range<usize>>>,
}

impl GroupTables {
    fn zeros(total: usize, w: usize) -> Self {
        Self {
            counts: vec![0; total],
            out_of_range: vec![0; w],
            spans: Vec::new(),
        }
    }

    fn add(mut self, other: Self) -> Self {
        self.counts
            .iter_mut()
            .zip(&other.counts)
            .for_each(|(a, b)| *a += b);
        self.out_of_range
            .iter_mut()
            .zip(&other.out_of_range)
            .for_each(|(a, b)| *a += b);
        self
    }

    /// Unit `j`'s table, or `None` for a gathered unit.
    fn table(&self, j: usize) -> Option<&[u32]> {
        self.spans[j].clone().map(|span| &self.counts[span])
    }
}

/// Count a group of units over all rows, row ranges in parallel.
fn count_group(
    x: ArrayView2<'_, f64>,
    rules: &[ColumnRule],
    slots: &[Slot],
    labels: &SymbolIds,
) -> GroupTables {
    let n_classes = labels.n_symbols;
    let w = x.ncols();
    // Where each unit's table lies in the group's counts (None for gathered units).
    let mut total = 0;
    let spans: Vec<Option<Range<usize>>> = slots
        .iter()
        .map(|slot| {
            slot.range.map(|r| {
                total += r.entries;
                total - r.entries..total
            })
        })
        .collect();
    let offsets: Vec<i64> = slots
        .iter()
        .map(|s| s.range.map_or(0, |r| r.offset))
        .collect();
    let fixed: Vec<bool> = slots.iter().map(|s| s.fixed).collect();
    // Uniform and constant rules take the branch-light path.
    let lanes: Option<Vec<Lane>> = rules.iter().map(ColumnRule::lane).collect();
    let chunks: Vec<usize> = (0..x.nrows()).step_by(ROWS_PER_TASK).collect();
    let mut tables = chunks
        .par_iter()
        .map(|&r0| {
            let r1 = (r0 + ROWS_PER_TASK).min(x.nrows());
            let len = r1 - r0;
            // Pad each unit's run of symbols by one cache line so the units of a row do not
            // all map to the same L1 sets (a power-of-two stride would).
            let stride = len + 32;
            let mut t = GroupTables::zeros(total, w);
            // Phase 1: bin the rows in order into a unit-major buffer of symbols.
            let mut symbols = vec![0_u16; w * stride];
            let rows = x.slice(s![r0..r1, ..]);
            match &lanes {
                Some(lanes) => {
                    let mut row_symbols = vec![0_u32; w];
                    for (i, row) in rows.axis_iter(Axis(0)).enumerate() {
                        for ((out, lane), &v) in row_symbols.iter_mut().zip(lanes).zip(row) {
                            *out = lane.symbol(v);
                        }
                        for (j, &sym) in row_symbols.iter().enumerate() {
                            symbols[j * stride + i] = sym as u16;
                        }
                    }
                }
                None => {
                    for (i, row) in rows.axis_iter(Axis(0)).enumerate() {
                        for (j, &v) in row.iter().enumerate() {
                            if spans[j].is_some() {
                                let rule = &rules[j];
                                symbols[j * stride + i] = (rule.symbol(v) - offsets[j]) as u16;
                            }
                        }
                    }
                }
            }
            // Phase 2: count each unit's table from its contiguous symbols (table in L1).
            let chunk_labels = &labels.ids[r0..r1];
            for j in 0..w {
                if fixed[j] {
                    t.out_of_range[j] = rows
                        .column(j)
                        .iter()
                        .filter(|&&v| rules[j].out_of_range(v))
                        .count();
                }
                let Some(span) = spans[j].clone() else {
                    continue;
                };
                let table = &mut t.counts[span];
                for (&sym, &label) in symbols[j * stride..j * stride + len]
                    .iter()
                    .zip(chunk_labels)
                {
                    table[sym as usize * n_classes + label as usize] += 1;
                }
            }
            t
        })
        .reduce(|| GroupTables::zeros(total, w), GroupTables::add);
    tables.spans = spans;
    tables
}

/// The table of a unit whose symbols are too spread for the shared pass: gather its column,
/// make its symbols dense, count.
fn gathered_table(col: ArrayView1<'_, f64>, rule: &ColumnRule, labels: &SymbolIds) -> Vec<u32> {
    let dense = ids_of_column(col.iter().map(|&v| rule.symbol(v)));
    let n_classes = labels.n_symbols;
    let mut table = vec![0_u32; dense.n_symbols * n_classes];
    for (&s, &l) in dense.ids.iter().zip(&labels.ids) {
        table[s as usize * n_classes + l as usize] += 1;
    }
    table
}
