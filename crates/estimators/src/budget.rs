//! The memory budget of the estimators ([`infoscope_budget`]): sizes that drive large
//! allocations are checked before the allocation, with a typed error.

use crate::error::{EstimatorError, Result};

pub use infoscope_budget::{MEMORY_LIMIT_VAR, bytes_of, human_bytes, memory_limit};

/// Refuse, with [`EstimatorError::TooLarge`], an allocation of `bytes` that exceeds
/// [`memory_limit`]. `argument` is the argument whose size drives it, `what` says what would
/// be allocated ("the 100000 × 100000 covariance matrix"), `hint` how to go on ("reduce the
/// dimensions with PCA first").
///
/// # Errors
/// [`EstimatorError::TooLarge`] when `bytes` exceeds the budget.
pub fn check_memory(argument: &'static str, what: &str, bytes: u128, hint: &str) -> Result<()> {
    infoscope_budget::check(bytes).map_err(|e| EstimatorError::TooLarge {
        argument,
        what: what.to_owned(),
        needed: e.needed,
        limit: e.limit,
        hint: hint.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_over_the_limit_names_the_argument_and_the_way_on() {
        let err = check_memory("x", "a 10⁹ × 10⁹ matrix", u128::MAX, "use fewer columns")
            .expect_err("over any limit");
        let text = err.to_string();
        assert!(text.contains("argument `x`"), "{text}");
        assert!(text.contains("use fewer columns"), "{text}");
        assert!(check_memory("x", "a byte", 1, "").is_ok());
    }
}
