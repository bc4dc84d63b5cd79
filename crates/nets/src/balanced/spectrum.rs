//! The spectrum of the Jacobian without the leak, J·diag(φ'(h)) (the code's diagnostic,
//! SPEC.md §8).

use faer::Mat;
use ndarray::{ArrayView1, ArrayView2};

use super::network::finite;
use super::params::Phi;
use crate::error::{NetsError, Result, check_memory};

/// The eigenvalues (re, im) of J·diag(φ'(h)) for the ReLU, sorted by decreasing real part
/// (then imaginary part).
///
/// # Errors
/// [`NetsError::Shape`] when `j` is not square or `h` does not have N entries;
/// `InvalidParameter` (`j`, `h`) for non-finite entries; `TooLarge` (`j`) when the
/// decomposition would not fit the memory budget; [`NetsError::Numerical`] when the
/// eigen-decomposition does not converge.
pub fn jacobian_spectrum(
    j: ArrayView2<'_, f64>,
    h: ArrayView1<'_, f64>,
) -> Result<Vec<(f64, f64)>> {
    let n = j.nrows();
    if j.ncols() != n || n == 0 {
        return Err(NetsError::Shape {
            argument: "j",
            got: j.shape().to_vec(),
            expected: "a square N × N matrix, N ≥ 1".into(),
        });
    }
    if h.len() != n {
        return Err(NetsError::Shape {
            argument: "h",
            got: vec![h.len()],
            expected: format!("N = {n} entries"),
        });
    }
    finite("j", j)?;
    if let Some(i) = h.iter().position(|v| !v.is_finite()) {
        return Err(NetsError::InvalidParameter {
            name: "h",
            reason: format!("entry {i} is not finite"),
        });
    }
    check_memory(
        "j",
        &format!("the eigen-decomposition of a {n} × {n} matrix"),
        (n as u128) * (n as u128) * 8 * 4,
        "use a smaller matrix",
    )?;
    let m = Mat::from_fn(n, n, |r, c| j[[r, c]] * Phi::Relu.slope(h[c]));
    let values = m.eigenvalues().map_err(|e| NetsError::Numerical {
        what: "eigenvalues of J·diag(φ'(h))",
        detail: format!("{e:?}"),
    })?;
    let mut out: Vec<(f64, f64)> = values.iter().map(|z| (z.re, z.im)).collect();
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    Ok(out)
}
