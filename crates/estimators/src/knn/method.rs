//! The nearest-neighbour family in the estimator specification: [`Ksg`],
//! [`KozachenkoLeonenko`] and [`Ross`] as [`Method`]s.
//!
//! KSG never reads class labels as numbers (SPEC.md §1.3): asked for I(X;Y) with an
//! integer-typed Y ([`Variable::is_integer`]), it runs [`Ross`] with its own `k`, `normalize`,
//! `noise`, `seed` and `search` ([`Ksg::label_estimator`]); the estimate records the method
//! that ran (`ross`) and says so in a warning.

use ndarray::ArrayView2;

use super::hyperparams::{
    KozachenkoLeonenko, KozachenkoLeonenkoParams, Ksg, KsgAlgorithm, KsgParams,
};
use super::mixed::{Ross, RossParams};
use super::pairwise::PairwiseMi;
use crate::error::Result;
use crate::estimate::{Estimate, Outcome, Quantity};
use crate::significance::{Surrogate, SurrogateTest};
use crate::spec::method::{point_surrogate_test, unsupported, unsupported_quantity};
use crate::spec::{Data, EstimatorSpec, Method, Params, Variable};
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
            KsgAlgorithm::One => {
                "an integer-typed Y (class labels) is estimated by the discrete–continuous rule \
                 (method `ross`, Ross 2014), not as a continuous variable"
            }
            KsgAlgorithm::Two => {
                "KSG algorithm 2 has no entropy and no conditional form (algorithm 1 has both); \
                 an integer-typed Y (class labels) is estimated by the discrete–continuous rule \
                 (method `ross`, Ross 2014), not as a continuous variable"
            }
        }
    }

    /// An integer-typed Y of I(X;Y) reads as `"labels"` (see [`Ksg::label_estimator`]).
    fn reads_as(&self, argument: &str, variable: &Variable<'_>) -> &'static str {
        if argument == "y" && variable.is_integer() {
            "labels"
        } else {
            "continuous"
        }
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        let x = data.x.values();
        if let Some(ross) = self.label_route(quantity, data)? {
            let e = MutualInformation::estimate(&ross, x, data.need_y(quantity)?.values())?;
            return Ok(Outcome::Point(routed(e)));
        }
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
        if let Some(ross) = self.label_route(quantity, data)? {
            return ross.local_values(x, data.need_y(quantity)?.values());
        }
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
    /// X's distance table) are built once. With integer-typed Y, [`Ross`]'s test.
    fn surrogate_test(
        &self,
        data: &Data<'_>,
        kind: Surrogate,
        n_surrogates: usize,
        seed: u64,
    ) -> Result<Outcome<SurrogateTest>> {
        if let Some(ross) = self.label_route(Quantity::MutualInformation, data)? {
            let test = ross.surrogate_test(data, kind, n_surrogates, seed)?;
            return Ok(test.map(|t| SurrogateTest {
                estimate: routed(t.estimate),
                ..t
            }));
        }
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

impl Ksg {
    /// [`Ross`] with this estimator's settings when `quantity` is I(X;Y) and Y is typed as
    /// integers (class labels); `None` otherwise.
    fn label_route(&self, quantity: Quantity, data: &Data<'_>) -> Result<Option<Ross>> {
        match data.y {
            Some(y) if quantity == Quantity::MutualInformation && y.is_integer() => {
                self.label_estimator().map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// A KSG estimate that [`Ross`] computed, with a warning saying so.
fn routed(e: Estimate) -> Estimate {
    e.with_warning(
        "Y holds integer class labels: KSG estimated I(X;Y) with the discrete–continuous kNN \
         rule (method `ross`, Ross 2014) and its own k, normalize, noise, seed and search, as \
         KSG on labels read as numbers depends on how the classes are numbered (SPEC.md §1.3)",
    )
}

impl Params for RossParams {
    const METHOD: &'static str = super::mixed::METHOD;
    const SUMMARY: &'static str =
        "kNN MI between continuous X and a class label Y (Ross 2014), local values";
    const FIELDS: &'static [&'static str] = &["k", "normalize", "noise", "seed", "search"];

    fn template() -> Self {
        Self::default()
    }

    fn build(self) -> Result<Box<dyn Method>> {
        Ok(Box::new(self.check()?))
    }
}

impl Method for Ross {
    fn spec(&self) -> EstimatorSpec {
        EstimatorSpec::Ross(self.params)
    }

    fn quantities(&self) -> &'static [Quantity] {
        &[Quantity::MutualInformation]
    }

    fn quantity_note(&self) -> &'static str {
        "Ross's estimator answers I(X;Y) for a continuous X and class labels Y only \
         (entropies: `kl`, `binned`; conditional MI: `ksg`)"
    }

    fn reads_as(&self, argument: &str, _variable: &Variable<'_>) -> &'static str {
        if argument == "y" {
            "labels"
        } else {
            "continuous"
        }
    }

    fn estimate(&self, quantity: Quantity, data: &Data<'_>) -> Result<Outcome> {
        match quantity {
            Quantity::MutualInformation => Ok(Outcome::Point(MutualInformation::estimate(
                self,
                data.x.values(),
                data.need_y(quantity)?.values(),
            )?)),
            other => Err(unsupported_quantity(self, other)),
        }
    }

    fn local_values(&self, quantity: Quantity, data: &Data<'_>) -> Result<Vec<f64>> {
        match quantity {
            Quantity::MutualInformation => {
                self.local_values(data.x.values(), data.need_y(quantity)?.values())
            }
            other => Err(unsupported(
                self,
                format!("give local values of the {}", other.describe()),
                "; Ross's estimator has local values of I(X;Y)",
            )),
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
