//! Printing results as a table a person can read.

use crate::output::outln;
use infoscope_estimators::EstimateRecord;
use serde::Serialize;

/// Where one argument came from and how it was used.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    /// `x`, `y` or `z`.
    pub role: &'static str,
    /// `FILE[:KEY]` as read.
    pub source: String,
    /// The array's shape.
    pub shape: Vec<usize>,
    /// The array's dtype in the file.
    pub dtype: String,
    /// How the estimator used it (`continuous`, `binned`, `labels`).
    pub used_as: String,
}

/// Print one estimate with its inputs, settings, diagnostics and warnings.
pub fn print_table(inputs: &[InputInfo], e: &EstimateRecord) {
    let unit = e.unit.as_str();
    outln!("infoscope estimate");
    outln!("  {:<12} {}", "quantity", e.quantity.symbol());
    outln!("  {:<12} {}", "method", e.method);
    outln!("  {:<12} {}", "config", e.config);
    for i in inputs {
        let shape: Vec<String> = i.shape.iter().map(ToString::to_string).collect();
        outln!(
            "  {:<12} {} ({} {}, used as {})",
            i.role,
            i.source,
            shape.join(" × "),
            i.dtype,
            i.used_as
        );
    }
    outln!("  {:<12} {}", "samples", e.n_samples);
    outln!(
        "  {:<12} {:.6} {unit}  ({:.6} nats)",
        "estimate",
        e.value,
        e.value_nats
    );
    for (k, v) in &e.diagnostics {
        outln!("  {:<12} {k} = {v}", "diagnostic");
    }
    for w in &e.warnings {
        outln!("  {:<12} {w}", "warning");
    }
}
