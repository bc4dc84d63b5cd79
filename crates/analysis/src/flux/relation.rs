//! How well a proxy tracks the flux: Spearman's rank correlation and the least-squares
//! monotone (isotonic) fit of the flux on the proxy (pool-adjacent-violators; Ayer et al.
//! 1955, Barlow et al. 1972), with the share of the flux's variance the fit explains.

use serde::{Deserialize, Serialize};

/// Ranks of `x` from 1, ties given their average rank.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && x[order[end]] == x[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) share the mean of ranks start+1..=end.
        let mean = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            r[i] = mean;
        }
        start = end;
    }
    r
}

/// Pearson's correlation of `x` and `y`; `None` for lengths that differ, fewer than 2
/// pairs, a value that is not finite, or a constant side.
#[must_use]
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len();
    if n != y.len() || n < 2 || !x.iter().chain(y).all(|v| v.is_finite()) {
        return None;
    }
    let (mx, my) = (
        x[..n].iter().sum::<f64>() / n as f64,
        y[..n].iter().sum::<f64>() / n as f64,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x[..n].iter().zip(&y[..n]) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation (Pearson's on average ranks); `None` as for [`pearson`].
#[must_use]
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() || !x.iter().chain(y).all(|v| v.is_finite()) {
        return None;
    }
    pearson(&ranks(x), &ranks(y))
}

/// One constant piece of an isotonic fit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Piece {
    /// The smallest x of the piece.
    pub x_min: f64,
    /// The largest x of the piece.
    pub x_max: f64,
    /// The fitted value (the mean of the piece's y).
    pub value: f64,
    /// Points in the piece.
    pub count: usize,
}

/// The non-decreasing step function minimising Σ (y − f(x))², as pieces by increasing x
/// (points with equal x share one value).
#[must_use]
pub fn isotonic(x: &[f64], y: &[f64]) -> Vec<Piece> {
    let n = x.len().min(y.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    // Blocks: (x_min, x_max, sum, count); equal x start in one block.
    let mut blocks: Vec<(f64, f64, f64, usize)> = Vec::with_capacity(n);
    for i in order {
        match blocks.last_mut() {
            Some(last) if last.1 == x[i] => {
                last.2 += y[i];
                last.3 += 1;
            }
            _ => blocks.push((x[i], x[i], y[i], 1)),
        }
        // Pool the last two blocks while their means decrease.
        while let [.., a, b] = blocks.as_mut_slice() {
            if a.2 / a.3 as f64 <= b.2 / b.3 as f64 {
                break;
            }
            *a = (a.0, b.1, a.2 + b.2, a.3 + b.3);
            blocks.pop();
        }
    }
    blocks
        .into_iter()
        .map(|(x_min, x_max, sum, count)| Piece {
            x_min,
            x_max,
            value: sum / count as f64,
            count,
        })
        .collect()
}

/// The isotonic fit's value at `x` (the piece containing it; between pieces, the lower one's).
#[must_use]
pub fn evaluate(pieces: &[Piece], x: f64) -> Option<f64> {
    let first = pieces.first()?;
    if x < first.x_min {
        return Some(first.value);
    }
    pieces.iter().rev().find(|p| p.x_min <= x).map(|p| p.value)
}

/// 1 − SS_res/SS_tot of `pieces` on (x, y); `None` when y is constant or empty.
#[must_use]
pub fn explained(pieces: &[Piece], x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n == 0 {
        return None;
    }
    let mean = y[..n].iter().sum::<f64>() / n as f64;
    let tot: f64 = y[..n].iter().map(|v| (v - mean).powi(2)).sum();
    if tot <= 0.0 {
        return None;
    }
    let res: f64 = x[..n]
        .iter()
        .zip(&y[..n])
        .map(|(a, b)| (b - evaluate(pieces, *a).unwrap_or(mean)).powi(2))
        .sum();
    Some(1.0 - res / tot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_is_one_for_any_increasing_map_and_handles_ties() {
        let x = [0.1, 0.5, 0.2, 0.9, 0.7];
        let y: Vec<f64> = x.iter().map(|v: &f64| v.powi(3).exp()).collect();
        assert!((spearman(&x, &y).expect("rho") - 1.0).abs() < 1e-15);
        let neg: Vec<f64> = y.iter().map(|v| -v).collect();
        assert!((spearman(&x, &neg).expect("rho") + 1.0).abs() < 1e-15);
        // Ties: ranks of [1, 2, 2, 3] are [1, 2.5, 2.5, 4]; hand value 0.9486832980505138
        // (Pearson of [1, 2.5, 2.5, 4] with [1, 2, 3, 4]).
        let r = spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0]).expect("rho");
        assert!((r - 0.948_683_298_050_513_8).abs() < 1e-12, "{r}");
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
        assert_eq!(spearman(&[1.0, 2.0], &[1.0]), None);
        assert_eq!(spearman(&[1.0, f64::NAN, 2.0], &[1.0, 2.0, 3.0]), None);
    }

    #[test]
    fn isotonic_pools_violators_and_matches_a_brute_force_fit() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let y = [1.0, 3.0, 2.0, 4.0, 3.5, 6.0];
        let fit = isotonic(&x, &y);
        let values: Vec<f64> = x
            .iter()
            .map(|&v| evaluate(&fit, v).expect("value"))
            .collect();
        assert_eq!(values, vec![1.0, 2.5, 2.5, 3.75, 3.75, 6.0]);
        assert!(values.windows(2).all(|w| w[0] <= w[1]));
        // The fit beats every other non-decreasing assignment tried by brute force on a grid.
        let sse = |f: &[f64]| -> f64 { f.iter().zip(&y).map(|(a, b)| (a - b).powi(2)).sum() };
        let best = sse(&values);
        let grid: Vec<f64> = (0..=12).map(|k| f64::from(k) * 0.5).collect();
        brute(&mut [0.0; 6], 0, 0, &grid, &y, best);
        let r2 = explained(&fit, &x, &y).expect("r2");
        assert!(r2 > 0.8 && r2 <= 1.0, "{r2}");
    }

    fn brute(f: &mut [f64; 6], pos: usize, from: usize, grid: &[f64], y: &[f64], best: f64) {
        if pos == 6 {
            let sse: f64 = f.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum();
            assert!(sse >= best - 1e-12);
            return;
        }
        for (g, &v) in grid.iter().enumerate().skip(from) {
            f[pos] = v;
            brute(f, pos + 1, g, grid, y, best);
        }
    }

    #[test]
    fn equal_x_share_one_value() {
        let fit = isotonic(&[1.0, 1.0, 2.0], &[3.0, 1.0, 0.0]);
        assert_eq!(fit.len(), 1);
        assert!((fit[0].value - 4.0 / 3.0).abs() < 1e-15);
    }
}
