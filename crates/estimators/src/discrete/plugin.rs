//! [`PlugIn`]: entropies and MI of integer symbols.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::entropy::BiasCorrection;
use super::measures::{Vars, measure};
use super::symbols::ids_of_rows;
use crate::error::Result;
use crate::estimate::{Estimate, Quantity};
use crate::validate::{check_same_rows, check_shape};

/// The method's name in estimates and specifications.
pub(crate) const METHOD: &str = "plugin";

/// Unchecked parameters of [`PlugIn`]. Defaults: `correction = None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlugInParams {
    /// The bias correction (default: none).
    pub correction: BiasCorrection,
}

impl PlugInParams {
    /// Set the bias correction.
    #[must_use]
    pub fn correction(mut self, correction: BiasCorrection) -> Self {
        self.correction = correction;
        self
    }

    /// Validate the parameters (every combination is valid today).
    pub fn check(self) -> Result<PlugIn> {
        Ok(PlugIn { params: self })
    }
}

/// Plug-in (maximum-likelihood) entropies and mutual information of discrete data, in nats.
///
/// Each argument is an `(n × d)` matrix of integer symbols; each row is one sample and a row with
/// several columns is one joint symbol (a tuple). For $P$ samples with empirical frequencies
/// $p_k$: $\hat H = -\sum_k p_k \ln p_k$, $\hat I(A;B) = \hat H(A) + \hat H(B) - \hat H(A,B)$,
/// $\hat H(T|C) = \hat H(T,C) - \hat H(C)$ and
/// $\hat I(X;Y|Z) = \hat H(X,Z) + \hat H(Y,Z) - \hat H(X,Y,Z) - \hat H(Z)$ (SPEC.md §1.1).
///
/// ```
/// use infoscope_estimators::discrete::PlugIn;
/// use ndarray::array;
///
/// let x = array![[0], [0], [1], [1]];
/// let y = array![[5], [5], [7], [7]];
/// let mi = PlugIn::params().check()?.mutual_information(x.view(), y.view())?;
/// assert!((mi.bits() - 1.0).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlugIn {
    params: PlugInParams,
}

impl PlugIn {
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> PlugInParams {
        PlugInParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> PlugInParams {
        self.params
    }

    pub(crate) fn run(
        &self,
        quantity: Quantity,
        args: &[(&'static str, ArrayView2<'_, i64>)],
    ) -> Result<Estimate> {
        let mut first_rows = None;
        for &(name, a) in args {
            check_shape(name, a, 1)?;
            match first_rows {
                None => first_rows = Some((name, a.nrows())),
                Some((first, rows)) => check_same_rows(first, rows, name, a.nrows())?,
            }
        }
        let ids: Vec<_> = args.iter().map(|(_, a)| ids_of_rows(*a)).collect();
        let vars = Vars {
            named: args.iter().map(|a| a.0).zip(ids.iter()).collect(),
        };
        let config = serde_json::to_value(self.params).unwrap_or_default();
        Ok(measure(
            quantity,
            &vars,
            self.params.correction,
            METHOD,
            config,
        ))
    }

    /// H(X).
    pub fn entropy(&self, x: ArrayView2<'_, i64>) -> Result<Estimate> {
        self.run(Quantity::Entropy, &[("x", x)])
    }

    /// H(X, Y).
    pub fn joint_entropy(
        &self,
        x: ArrayView2<'_, i64>,
        y: ArrayView2<'_, i64>,
    ) -> Result<Estimate> {
        self.run(Quantity::JointEntropy, &[("x", x), ("y", y)])
    }

    /// H(X | Y), from the groups of equal `given`: $\sum_c p(c) H(X | C = c)$.
    pub fn conditional_entropy(
        &self,
        x: ArrayView2<'_, i64>,
        given: ArrayView2<'_, i64>,
    ) -> Result<Estimate> {
        self.run(Quantity::ConditionalEntropy, &[("x", x), ("given", given)])
    }

    /// I(X; Y).
    pub fn mutual_information(
        &self,
        x: ArrayView2<'_, i64>,
        y: ArrayView2<'_, i64>,
    ) -> Result<Estimate> {
        self.run(Quantity::MutualInformation, &[("x", x), ("y", y)])
    }

    /// I(X; Y | Z).
    pub fn conditional_mutual_information(
        &self,
        x: ArrayView2<'_, i64>,
        y: ArrayView2<'_, i64>,
        z: ArrayView2<'_, i64>,
    ) -> Result<Estimate> {
        self.run(
            Quantity::ConditionalMutualInformation,
            &[("x", x), ("y", y), ("z", z)],
        )
    }
}
