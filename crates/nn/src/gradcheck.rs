//! Central finite-difference gradient checks.
//!
//! [`central_differences`] estimates $\partial L / \partial x_i \approx
//! \bigl(L(x + h e_i) - L(x - h e_i)\bigr) / 2h$ for every coordinate of a flat `f64` parameter
//! vector (truncation error $O(h^2)$), and [`compare`] reports how far an analytic gradient
//! (for example a hand-written backward pass) is from it. [`check_gradient`] does both.
//!
//! The loss closure should evaluate in `f64`: with $h \approx 10^{-5}$ the rounding error of an
//! `f32` loss ($\approx 10^{-7} / h$) would swamp the comparison.

use thiserror::Error;

/// What went wrong in a gradient check.
#[derive(Clone, Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum GradCheckError {
    /// The finite-difference step or the relative-error floor is not finite and positive.
    #[error("invalid gradient-check parameter `{name}`: must be finite and > 0, got {value}")]
    InvalidParameter {
        /// `"step"` or `"floor"`.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// The analytic and numeric gradients differ in length.
    #[error("gradient lengths differ: analytic {analytic}, numeric {numeric}")]
    LengthMismatch {
        /// Length of the analytic gradient.
        analytic: usize,
        /// Length of the numeric gradient (the parameter count).
        numeric: usize,
    },
    /// The loss was not finite at a perturbed point.
    #[error("loss is not finite ({value}) with coordinate {index} perturbed")]
    NonFiniteLoss {
        /// The perturbed coordinate.
        index: usize,
        /// The loss value.
        value: f64,
    },
}

/// How an analytic gradient compares with the finite-difference one.
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheckReport {
    /// The finite-difference gradient.
    pub numeric: Vec<f64>,
    /// $\max_i |a_i - n_i|$.
    pub max_abs_error: f64,
    /// $\max_i |a_i - n_i| / \max(|a_i|, |n_i|, \text{floor})$.
    pub max_rel_error: f64,
    /// The coordinate where the relative error is largest.
    pub worst_index: usize,
}

fn positive(name: &'static str, value: f64) -> Result<(), GradCheckError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(GradCheckError::InvalidParameter { name, value })
    }
}

/// The central finite-difference gradient of `loss` at `x` with step `step`.
///
/// Evaluates `loss` $2 \cdot$ `x.len()` times, each time on a copy of `x` with one coordinate
/// moved by $\pm h$.
///
/// # Errors
/// [`GradCheckError::InvalidParameter`] for a bad `step`; [`GradCheckError::NonFiniteLoss`]
/// when the loss is NaN or infinite at a perturbed point.
pub fn central_differences<F>(mut loss: F, x: &[f64], step: f64) -> Result<Vec<f64>, GradCheckError>
where
    F: FnMut(&[f64]) -> f64,
{
    positive("step", step)?;
    let mut point = x.to_vec();
    let mut grad = Vec::with_capacity(x.len());
    for (i, &xi) in x.iter().enumerate() {
        let mut eval = |value: f64, point: &mut Vec<f64>| {
            point[i] = value;
            let l = loss(point);
            if l.is_finite() {
                Ok(l)
            } else {
                Err(GradCheckError::NonFiniteLoss { index: i, value: l })
            }
        };
        let plus = eval(xi + step, &mut point)?;
        let minus = eval(xi - step, &mut point)?;
        point[i] = xi;
        grad.push((plus - minus) / (2.0 * step));
    }
    Ok(grad)
}

/// Compare an analytic gradient with a numeric one.
///
/// `floor` keeps the relative error of coordinates whose gradient is near zero from blowing
/// up; a sensible choice is a small fraction of the gradient's typical magnitude.
///
/// # Errors
/// [`GradCheckError::LengthMismatch`] when the lengths differ;
/// [`GradCheckError::InvalidParameter`] for a bad `floor`.
pub fn compare(
    analytic: &[f64],
    numeric: &[f64],
    floor: f64,
) -> Result<GradCheckReport, GradCheckError> {
    positive("floor", floor)?;
    if analytic.len() != numeric.len() {
        return Err(GradCheckError::LengthMismatch {
            analytic: analytic.len(),
            numeric: numeric.len(),
        });
    }
    let mut report = GradCheckReport {
        numeric: numeric.to_vec(),
        max_abs_error: 0.0,
        max_rel_error: 0.0,
        worst_index: 0,
    };
    for (i, (&a, &n)) in analytic.iter().zip(numeric).enumerate() {
        let abs = (a - n).abs();
        let rel = abs / a.abs().max(n.abs()).max(floor);
        // A NaN error counts as the worst, and stays.
        if abs.is_nan() || abs > report.max_abs_error {
            report.max_abs_error = abs;
        }
        if rel.is_nan() || rel > report.max_rel_error {
            report.max_rel_error = rel;
            report.worst_index = i;
        }
    }
    Ok(report)
}

/// [`central_differences`] followed by [`compare`].
///
/// # Errors
/// Those of [`central_differences`] and [`compare`].
pub fn check_gradient<F>(
    loss: F,
    x: &[f64],
    analytic: &[f64],
    step: f64,
    floor: f64,
) -> Result<GradCheckReport, GradCheckError>
where
    F: FnMut(&[f64]) -> f64,
{
    positive("floor", floor)?;
    if analytic.len() != x.len() {
        return Err(GradCheckError::LengthMismatch {
            analytic: analytic.len(),
            numeric: x.len(),
        });
    }
    let numeric = central_differences(loss, x, step)?;
    compare(analytic, &numeric, floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64]) -> f64 {
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
    }

    #[test]
    fn exact_gradient_passes_and_wrong_one_fails() {
        let x = [0.3, -0.7];
        let exact = [
            -2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]),
            200.0 * (x[1] - x[0] * x[0]),
        ];
        let report = check_gradient(rosenbrock, &x, &exact, 1e-5, 1e-8).unwrap();
        assert!(report.max_rel_error < 1e-8, "{report:?}");

        let wrong = [exact[0], exact[1] * 1.01];
        let report = check_gradient(rosenbrock, &x, &wrong, 1e-5, 1e-8).unwrap();
        assert!(report.max_rel_error > 5e-3);
        assert_eq!(report.worst_index, 1);

        let report = compare(&[1.0, f64::NAN, 2.0], &[1.0, 1.0, 2.5], 1e-8).unwrap();
        assert!(report.max_rel_error.is_nan() && report.max_abs_error.is_nan());
        assert_eq!(report.worst_index, 1);
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            central_differences(rosenbrock, &[0.0, 0.0], 0.0),
            Err(GradCheckError::InvalidParameter { name: "step", .. })
        ));
        assert!(matches!(
            compare(&[1.0], &[1.0, 2.0], 1e-8),
            Err(GradCheckError::LengthMismatch {
                analytic: 1,
                numeric: 2
            })
        ));
        assert!(matches!(
            central_differences(|x: &[f64]| x[0].ln(), &[1e-7], 1e-6),
            Err(GradCheckError::NonFiniteLoss { index: 0, .. })
        ));
    }
}
