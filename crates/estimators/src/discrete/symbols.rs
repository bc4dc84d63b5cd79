//! Dense symbol ids: rows of integer symbols (a whole layer as one tuple), pairs of ids, counts.
//!
//! Every discrete computation first maps its variables to dense ids `0..m`, where `m` is the
//! number of distinct observed values, so counts live in flat vectors.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use ndarray::ArrayView2;

/// A variable as dense symbol ids: `ids[i] < n_symbols` for every sample `i`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolIds {
    /// The id of each sample.
    pub ids: Vec<u32>,
    /// The number of distinct observed symbols.
    pub n_symbols: usize,
}

impl SymbolIds {
    /// Number of samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The number of samples of each symbol (length `n_symbols`, all non-zero).
    #[must_use]
    pub fn counts(&self) -> Vec<u64> {
        let mut counts = vec![0_u64; self.n_symbols];
        for &id in &self.ids {
            counts[id as usize] += 1;
        }
        counts
    }

    /// True when every sample is a distinct symbol (the saturated case of SPEC.md §1.1).
    #[must_use]
    pub fn all_unique(&self) -> bool {
        self.n_symbols == self.ids.len()
    }
}

/// A small, fast, deterministic hasher for integer keys (multiply–rotate, as in rustc's Fx).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0_u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_i64(&mut self, i: i64) {
        self.add(i as u64);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

/// Largest value range mapped through a direct lookup table instead of a hash map.
const DIRECT_RANGE: u64 = 1 << 22;

/// Dense ids of a single integer column, in order of first appearance.
#[must_use]
pub fn ids_of_column<I: IntoIterator<Item = i64> + Clone>(values: I) -> SymbolIds {
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let mut n = 0_usize;
    for v in values.clone() {
        lo = lo.min(v);
        hi = hi.max(v);
        n += 1;
    }
    if n == 0 {
        return SymbolIds {
            ids: Vec::new(),
            n_symbols: 0,
        };
    }
    let range = (hi as i128 - lo as i128) as u64;
    let mut ids = Vec::with_capacity(n);
    let mut next = 0_u32;
    if range < (4 * n as u64).clamp(1024, DIRECT_RANGE) {
        let mut table = vec![u32::MAX; range as usize + 1];
        for v in values {
            let slot = &mut table[(v - lo) as usize];
            if *slot == u32::MAX {
                *slot = next;
                next += 1;
            }
            ids.push(*slot);
        }
    } else {
        let mut map: HashMap<i64, u32, FxBuild> = HashMap::default();
        for v in values {
            let id = *map.entry(v).or_insert_with(|| {
                next += 1;
                next - 1
            });
            ids.push(id);
        }
    }
    SymbolIds {
        ids,
        n_symbols: next as usize,
    }
}

/// Dense ids of the rows of `symbols`: each row (a whole layer's bin indices) is one symbol, and
/// equal tuples are the same symbol (SPEC.md §1.1).
#[must_use]
pub fn ids_of_rows(symbols: ArrayView2<'_, i64>) -> SymbolIds {
    if symbols.ncols() == 1 {
        return ids_of_column(symbols.column(0).iter().copied());
    }
    let standard = symbols.as_standard_layout();
    let mut map: HashMap<&[i64], u32, FxBuild> = HashMap::default();
    let mut ids = Vec::with_capacity(standard.nrows());
    let mut next = 0_u32;
    for row in standard.rows() {
        // A standard-layout array always yields contiguous rows.
        let Some(slice) = row.to_slice() else {
            continue;
        };
        let id = *map.entry(slice).or_insert_with(|| {
            next += 1;
            next - 1
        });
        ids.push(id);
    }
    SymbolIds {
        ids,
        n_symbols: next as usize,
    }
}

/// Dense ids of the pairs `(a[i], b[i])`: the joint variable of two variables.
#[must_use]
pub fn ids_of_pairs(a: &SymbolIds, b: &SymbolIds) -> SymbolIds {
    let width = b.n_symbols as u64;
    let keys = a
        .ids
        .iter()
        .zip(&b.ids)
        .map(|(&x, &y)| (x as u64 * width + y as u64) as i64);
    ids_of_column(keys)
}

/// Joint ids of several variables (at least one).
#[must_use]
pub fn ids_of_joint(vars: &[&SymbolIds]) -> SymbolIds {
    let mut iter = vars.iter();
    let Some(first) = iter.next() else {
        return SymbolIds {
            ids: Vec::new(),
            n_symbols: 0,
        };
    };
    iter.fold((*first).clone(), |acc, v| ids_of_pairs(&acc, v))
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn rows_are_hashed_as_tuples() {
        let s = array![[1, 2], [1, 2], [2, 1], [1, 3]];
        let ids = ids_of_rows(s.view());
        assert_eq!(ids.ids, vec![0, 0, 1, 2]);
        assert_eq!(ids.n_symbols, 3);
        assert_eq!(ids.counts(), vec![2, 1, 1]);
        // Fortran order gives the same ids.
        let f = s.t().to_owned();
        assert_eq!(ids_of_rows(f.t()), ids);
    }

    #[test]
    fn sparse_values_use_the_hash_path() {
        let ids = ids_of_column([i64::MIN, 0, i64::MAX, 0]);
        assert_eq!(ids.ids, vec![0, 1, 2, 1]);
    }

    #[test]
    fn pairs_form_the_joint() {
        let a = ids_of_column([0, 0, 1, 1]);
        let b = ids_of_column([5, 6, 5, 5]);
        let j = ids_of_pairs(&a, &b);
        assert_eq!(j.ids, vec![0, 1, 2, 2]);
        assert!(!j.all_unique());
    }
}
