//! The permutation structure of a weight matrix, for display: the N-rooks design (one strong
//! weight per row and per column, SPEC.md §7 and issue #17) and evolved matrices that approach
//! it.
//!
//! The assignment σ (neuron i's main source is σ(i)) maximises Σ_i |W_{i,σ(i)}| over all
//! permutations (the Hungarian algorithm, Kuhn 1955 / Munkres 1957, O(N³)). Its cycles become
//! diagonal blocks of the reordered matrix, longest first, each started at its smallest
//! neuron and laid out so that the matched weights fall on the block's cyclic sub-diagonal
//! (position p receives from p − 1, as in the SPEC §7 shift register W = w·P) or
//! super-diagonal (p receives from p + 1), see [`Layout`].

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::{NetsError, Result};

/// Where the matched weights go in the reordered matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// W'[p, p − 1] (cyclically within each block): position p receives from position p − 1,
    /// the SPEC §7 shift-register convention (the default).
    #[default]
    SubDiagonal,
    /// W'[p, p + 1] (cyclically within each block): position p receives from position p + 1.
    SuperDiagonal,
}

/// A weight matrix's permutation structure (module docs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PermutationStructure {
    /// The display order: position p shows neuron `order[p]` (as row and as column).
    pub order: Vec<usize>,
    /// The matched source of each neuron: σ(i), the column of row i's matched weight.
    pub source: Vec<usize>,
    /// The lengths of σ's cycles, i.e. of the diagonal blocks, in display order.
    pub cycle_lengths: Vec<usize>,
    /// Σ_i |W_{i,σ(i)}| / Σ_ij |W_ij|: the fraction of the weight mass on the matched
    /// positions (1 for a pure N-rooks matrix; 0 for an all-zero one).
    pub matched_fraction: f64,
}

impl PermutationStructure {
    /// `W` reordered: `W'[p, q] = W[order[p], order[q]]`.
    #[must_use]
    pub fn reorder(&self, w: ArrayView2<'_, f64>) -> Array2<f64> {
        Array2::from_shape_fn((self.order.len(), self.order.len()), |(p, q)| {
            w[[self.order[p], self.order[q]]]
        })
    }
}

/// The permutation structure of `w` (module docs).
///
/// # Errors
/// [`NetsError::Shape`] unless `w` is square and non-empty; [`NetsError::InvalidParameter`]
/// (`weights`) for a non-finite entry.
pub fn permutation_structure(
    w: ArrayView2<'_, f64>,
    layout: Layout,
) -> Result<PermutationStructure> {
    let (rows, cols) = w.dim();
    if rows != cols || rows == 0 {
        return Err(NetsError::Shape {
            argument: "weights",
            got: vec![rows, cols],
            expected: "a square, non-empty N × N matrix".to_owned(),
        });
    }
    if let Some(v) = w.iter().find(|v| !v.is_finite()) {
        return Err(NetsError::InvalidParameter {
            name: "weights",
            reason: format!("holds a non-finite value ({v})"),
        });
    }
    let n = rows;
    let source = max_assignment(&Array2::from_shape_fn((n, n), |(i, j)| w[[i, j]].abs()));
    let total: f64 = w.iter().map(|v| v.abs()).sum();
    let matched: f64 = (0..n).map(|i| w[[i, source[i]]].abs()).sum();
    let mut inverse = vec![0; n];
    for (i, &j) in source.iter().enumerate() {
        inverse[j] = i;
    }
    // σ's cycles, each from its smallest neuron, in the order of the layout.
    let next = match layout {
        Layout::SubDiagonal => &inverse,
        Layout::SuperDiagonal => &source,
    };
    let mut seen = vec![false; n];
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        let mut cycle = Vec::new();
        let mut i = start;
        while !seen[i] {
            seen[i] = true;
            cycle.push(i);
            i = next[i];
        }
        if !cycle.is_empty() {
            cycles.push(cycle);
        }
    }
    // Longest first; a stable sort keeps ties in order of their smallest neuron.
    cycles.sort_by_key(|c| std::cmp::Reverse(c.len()));
    Ok(PermutationStructure {
        cycle_lengths: cycles.iter().map(Vec::len).collect(),
        order: cycles.concat(),
        source,
        matched_fraction: if total > 0.0 { matched / total } else { 0.0 },
    })
}

/// The permutation σ maximising Σ_i a[i, σ(i)] for a square `a`: the Hungarian algorithm with
/// row and column potentials (shortest augmenting paths, O(N³)), on the costs −a.
fn max_assignment(a: &Array2<f64>) -> Vec<usize> {
    let n = a.nrows();
    let cost = |i: usize, j: usize| -a[[i - 1, j - 1]];
    // 1-based rows and columns; column 0 is the virtual start of each augmenting path.
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; n + 1];
    let mut row_of = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        row_of[0] = i;
        let mut col = 0;
        let mut min_reduced = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            // Grow the tree of tight edges by the column with the least reduced cost.
            used[col] = true;
            let row = row_of[col];
            let (mut delta, mut next) = (f64::INFINITY, 0);
            for j in 1..=n {
                if used[j] {
                    continue;
                }
                let reduced = cost(row, j) - u[row] - v[j];
                if reduced < min_reduced[j] {
                    min_reduced[j] = reduced;
                    way[j] = col;
                }
                if min_reduced[j] < delta {
                    delta = min_reduced[j];
                    next = j;
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    min_reduced[j] -= delta;
                }
            }
            col = next;
            if row_of[col] == 0 {
                break;
            }
        }
        // Augment along the path back to the virtual column.
        while col != 0 {
            let prev = way[col];
            row_of[col] = row_of[prev];
            col = prev;
        }
    }
    let mut source = vec![0; n];
    for j in 1..=n {
        source[row_of[j] - 1] = j - 1;
    }
    source
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn the_assignment_is_optimal_on_a_small_case() {
        // Greedy row by row would take (0,0)=5 then (1,1)=1: 6; the optimum is 4 + 4 = 8.
        let a = array![[5.0, 4.0], [4.0, 1.0]];
        assert_eq!(max_assignment(&a), vec![1, 0]);
    }

    #[test]
    fn a_shift_register_is_already_in_order() -> Result<()> {
        // Neuron i receives from i − 1: W[1,0], W[2,1], W[0,2].
        let w = array![[0.0, 0.0, 3.0], [3.0, 0.0, 0.0], [0.0, 3.0, 0.0]];
        let s = permutation_structure(w.view(), Layout::SubDiagonal)?;
        assert_eq!(
            (s.order.clone(), s.cycle_lengths.clone()),
            (vec![0, 1, 2], vec![3])
        );
        assert!((s.matched_fraction - 1.0).abs() < 1e-15);
        let sup = permutation_structure(w.view(), Layout::SuperDiagonal)?;
        assert_eq!(sup.order, vec![0, 2, 1]);
        let r = sup.reorder(w.view());
        assert!((0..3).all(|p| r[[p, (p + 1) % 3]] == 3.0));
        Ok(())
    }
}
