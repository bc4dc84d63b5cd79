//! The nearest-neighbour family in the estimator specification: [`Ksg`] and
//! [`KozachenkoLeonenko`] as [`Method`]s.

use ndarray::ArrayView2;

use super::hyperparams::{
    KozachenkoLeonenko, KozachenkoLeonenkoParams, Ksg, KsgAlgorithm, KsgParams,
};
use super::pairwise::PairwiseMi;
use crate::error::Result;
use crate::estimate::{Outcome, Quantity};
use crate::significance::{Surrogate, SurrogateTest};
use crate::spec::method::{point_surrogate_test, unsupported, unsupported_quantity};
use crate::spec::{Data, EstimatorSpec, Method, Params};
use crate::traits::{ConditionalMutualInformation, Entropy, MutualInformation};

impl Params for KsgParams {
    const METHOD: &'static str = super::ksg::METHOD;
    const SUMMARY: &'static str = "Kraskov–Stögbauer–Grassberger kNN: MI (algorithms 1 and 2), \
         Frenzel–Pompe conditional MI, Kozachenko–Leonenko entropy, local values, all pairs";
    const FIELDS: &'static [&'static str] = &[
        "k",
        "algorithm",
        "theiler",
        "normalize",
        "noise",
        "seed",
        "search",
        "ties",
    ];
    const PAIRWISE: bool = true;

    fn template() -> Self {
        Self::default()
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }
}

impl Method for Ksg {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Ksg(self.params)
    }

    /// Algorithm 2 has no entropy and no conditional form.
    fn quantities(&self) -> &'static [Quantity] {
        match self.params.algorithm {
            KsgAlgorithm::One => &[
                Quantity::Entropy,
                Quantity::MutualInformation,
                Quantity::ConditionalMutualInformation,
            ],
            KsgAlgorithm::Two => &[Quantity::MutualInformation],
        }
    }

    fn quantity_note(&self) -> &'static str {
        match self.params.algorithm {
            KsgAlgorithm::One => "",
            KsgAlgorithm::Two => {
                "KSG algorithm 2 has no entropy and no conditional form (algorithm 1 has both)"
            }
        }
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        let x = data.x.values();
        let e = match quantity {
            // Kozachenko–Leonenko with this estimator's settings: the estimate records that
            // method (`kl`), whose specification rebuilds it.
            Quantity::Entropy => self.entropy_estimator()?.entropy(x)?,
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

    fn local_values(&self, quantity: Quantity, data: &Data<'_>) -> Result<Vec<f64>> {
        let x = data.x.values();
        match quantity {
            Quantity::MutualInformation => self.local_values(x, data.need_y(quantity)?.values()),
            Quantity::ConditionalMutualInformation => self.local_values_conditional(
                x,
                data.need_y(quantity)?.values(),
                data.need_z(quantity)?.values(),
            ),
            other => Err(unsupported(
                self,
                format!("give local values of the {}", other.describe()),
                "; KSG has local values of I(X;Y) and I(X;Y|Z)",
            )),
        }
    }

    /// Through [`MutualInformation::prepare_reordering`]: the marginal neighbour indices (or
    /// X's distance table) are built once.
    fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        point_surrogate_test(self, data, kind, n_surrogates, seed)
    }

    fn pairwise(
        &self,
        a: ArrayView2<'_, f64>,
        b: Option<ArrayView2<'_, f64>>,
    ) -> Result<PairwiseMi> {
        match b {
            None => self.all_pairs(a),
            Some(b) => self.cross(a, b),
        }
    }
}

impl Params for KozachenkoLeonenkoParams {
    const METHOD: &'static str = super::kl::METHOD;
    const SUMMARY: &'static str = "Kozachenko–Leonenko kNN differential entropy (max-norm)";
    const FIELDS: &'static [&'static str] =
        &["k", "theiler", "normalize", "noise", "seed", "search"];

    fn template() -> Self {
        Self::default()
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }
}

impl Method for KozachenkoLeonenko {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Kl(self.params)
    }

    fn quantities(&self) -> &'static [Quantity] {
        &[Quantity::Entropy]
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        match quantity {
            Quantity::Entropy => Ok(Outcome::Point(self.entropy(data.x.values())?)),
            other => Err(unsupported_quantity(self, other)),
        }
    }
}
