//! The least-squares line through (x, y) points with its coefficient of determination: how
//! linear the information rate is in the balance factor b.

use serde::{Deserialize, Serialize};

/// `y ≈ intercept + slope · x` by ordinary least squares.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearFit {
    /// The slope (unit of y per unit of x).
    pub slope: f64,
    /// The value at x = 0.
    pub intercept: f64,
    /// The coefficient of determination R² = 1 − SS_res / SS_tot, in [0, 1].
    pub r2: f64,
    /// The points fitted.
    pub points: usize,
}

/// The least-squares line through the finite pairs of `x` and `y`; `None` for fewer than 3
/// finite pairs, lengths that differ or a constant x.
#[must_use]
pub fn linear_fit(x: &[f64], y: &[f64]) -> Option<LinearFit> {
    if x.len() != y.len() {
        return None;
    }
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(&a, &b)| (a, b))
        .collect();
    let n = pairs.len();
    if n < 3 {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for &(a, b) in &pairs {
        sxx += (a - mx) * (a - mx);
        sxy += (a - mx) * (b - my);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let ss_res: f64 = pairs
        .iter()
        .map(|&(a, b)| (b - intercept - slope * a).powi(2))
        .sum();
    let r2 = if syy > 0.0 {
        (1.0 - ss_res / syy).clamp(0.0, 1.0)
    } else {
        1.0
    };
    Some(LinearFit {
        slope,
        intercept,
        r2,
        points: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_fitted_exactly_and_noise_lowers_r2() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let f = linear_fit(&x, &[3.0, 5.0, 7.0, 9.0]).unwrap_or_else(|| unreachable!());
        assert!((f.slope - 2.0).abs() < 1e-12 && (f.intercept - 1.0).abs() < 1e-12);
        assert!((f.r2 - 1.0).abs() < 1e-12);
        let g = linear_fit(&x, &[3.0, 6.0, 6.0, 9.0]).unwrap_or_else(|| unreachable!());
        // slope 1.8, intercept 1.5, residuals (−0.3, 0.9, −0.9, 0.3): SS_res 1.8, SS_tot 18.
        assert!((g.slope - 1.8).abs() < 1e-12 && (g.intercept - 1.5).abs() < 1e-12);
        assert!((g.r2 - 0.9).abs() < 1e-12);
        assert!(linear_fit(&x[..2], &[1.0, 2.0]).is_none());
        assert!(linear_fit(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_none());
        let h = linear_fit(&[1.0, 2.0, f64::NAN, 3.0], &[1.0, 2.0, 5.0, 3.0]);
        assert_eq!(h.map(|f| f.points), Some(3));
    }
}
