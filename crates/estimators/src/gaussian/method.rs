//! The Gaussian family in the estimator specification: [`Gaussian`] as a [`Method`].

use super::hyperparams::{Gaussian, GaussianParams};
use crate::error::Result;
use crate::estimate::{Outcome, Quantity};
use crate::significance::{Surrogate, SurrogateTest};
use crate::spec::method::{point_surrogate_test, unsupported_quantity};
use crate::spec::{Data, EstimatorSpec, Method, Params};
use crate::traits::{ConditionalMutualInformation, Entropy, MutualInformation};

impl Params for GaussianParams {
    const METHOD: &'static str = super::algorithm::METHOD;
    const SUMMARY: &'static str =
        "jointly Gaussian model: entropy, MI and conditional MI from covariance log-determinants";
    const FIELDS: &'static [&'static str] = &["ridge"];

    fn template() -> Self {
        Self::default()
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }
}

impl Method for Gaussian {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Gaussian(self.config().clone())
    }

    fn quantities(&self) -> &'static [Quantity] {
        &[
            Quantity::Entropy,
            Quantity::MutualInformation,
            Quantity::ConditionalMutualInformation,
        ]
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        let x = data.x.values();
        let e = match quantity {
            Quantity::Entropy => self.entropy(x)?,
            Quantity::MutualInformation => {
                MutualInformation::estimate(self, x, data.need_y(quantity)?.values())?
            }
            Quantity::ConditionalMutualInformation => self.estimate_conditional(
                x,
                data.need_y(quantity)?.values(),
                data.need_z(quantity)?.values(),
            )?,
            other => return Err(unsupported_quantity(self, other)),
        };
        Ok(Outcome::Point(e))
    }

    /// Through [`MutualInformation::prepare_reordering`]: the covariance blocks of X and of Y
    /// are formed once.
    fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        point_surrogate_test(self, data, kind, n_surrogates, seed)
    }
}
