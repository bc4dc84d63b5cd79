//! Discrete information measures as signed sums of entropy terms, shared by [`super::PlugIn`]
//! and [`super::Binned`].

use serde_json::Value;

use super::entropy::{BiasCorrection, Term, combine};
use super::symbols::{SymbolIds, ids_of_joint};
use crate::estimate::{Estimate, Quantity};

/// A term: the joint of `vars`, with `sign`.
fn term(vars: &[&SymbolIds], sign: f64) -> Term {
    let joint = ids_of_joint(vars);
    let alphabet = vars.iter().map(|v| v.n_symbols as f64).product();
    Term {
        counts: joint.counts(),
        alphabet,
        sign,
    }
}

/// The variables of one measure, named for the diagnostics (`"x"`, `"y"`, `"z"`).
pub(crate) struct Vars<'a> {
    pub(crate) named: Vec<(&'static str, &'a SymbolIds)>,
}

impl<'a> Vars<'a> {
    fn get(&self, i: usize) -> &'a SymbolIds {
        self.named[i].1
    }
}

/// Compute `quantity` over `vars` (in the order x, y, z as the quantity needs) with the given
/// correction, and wrap it in an [`Estimate`] with diagnostics.
pub(crate) fn measure(
    quantity: Quantity,
    vars: &Vars<'_>,
    correction: BiasCorrection,
    method: &str,
    config: Value,
) -> Estimate {
    let n = vars.get(0).len() as u64;
    let (terms, full): (Vec<Term>, Term) = match quantity {
        Quantity::Entropy | Quantity::InputInformation => {
            let t = term(&[vars.get(0)], 1.0);
            (vec![t.clone()], t)
        }
        Quantity::JointEntropy => {
            let t = term(&[vars.get(0), vars.get(1)], 1.0);
            (vec![t.clone()], t)
        }
        Quantity::ConditionalEntropy => {
            let (x, c) = (vars.get(0), vars.get(1));
            let xc = term(&[x, c], 1.0);
            (vec![xc.clone(), term(&[c], -1.0)], xc)
        }
        Quantity::MutualInformation => {
            let (x, y) = (vars.get(0), vars.get(1));
            let xy = term(&[x, y], -1.0);
            (vec![term(&[x], 1.0), term(&[y], 1.0), xy.clone()], xy)
        }
        Quantity::ConditionalMutualInformation => {
            let (x, y, z) = (vars.get(0), vars.get(1), vars.get(2));
            let xyz = term(&[x, y, z], -1.0);
            let terms = vec![
                term(&[x, z], 1.0),
                term(&[y, z], 1.0),
                xyz.clone(),
                term(&[z], -1.0),
            ];
            (terms, xyz)
        }
    };
    let combined = combine(&terms, &full, n, correction);
    let mut est = Estimate::new(combined.value, quantity, method, n as usize, config)
        .with_diagnostic("correction", correction.as_str())
        .with_diagnostic("n_symbols_joint", full.counts.len());
    if correction != BiasCorrection::None {
        est = est.with_diagnostic("plugin_nats", combined.plugin);
    }
    if let Some(lambda) = combined.lambda {
        est = est.with_diagnostic("james_stein_lambda", lambda);
    }
    for (name, v) in &vars.named {
        est = est
            .with_diagnostic(&format!("n_symbols_{name}"), v.n_symbols)
            .with_diagnostic(&format!("all_rows_unique_{name}"), v.all_unique());
    }
    saturation_warnings(est, vars)
}

/// The saturation check of SPEC.md §1.1: when every row of a variable is a distinct symbol its
/// plug-in entropy is exactly ln(n), and MI with it equals the other variable's entropy.
fn saturation_warnings(mut est: Estimate, vars: &Vars<'_>) -> Estimate {
    let n = vars.get(0).len();
    if n < 2 {
        return est;
    }
    for (name, v) in &vars.named {
        if v.all_unique() {
            est = est.with_warning(format!(
                "every one of the {n} rows of `{name}` is a distinct symbol, so its plug-in \
                 entropy is ln({n}) = {:.6} nats: the estimate is saturated by the sample size \
                 (use fewer bins or more samples)",
                (n as f64).ln()
            ));
        }
    }
    est
}
