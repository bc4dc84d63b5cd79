//! One estimator specification for every face: [`EstimatorSpec`] names a method and its
//! parameters with one set of field names and one set of defaults, and [`EstimatorSpec::check`]
//! turns it into an [`Estimator`] that answers every question the method has.
//!
//! Brief overview:
//!
//! - **Naming an estimator.** [`EstimatorSpec`] is a serde enum tagged by `method`
//!   (`{"method": "ksg", "k": 3, "normalize": true}`); the same names are the CLI's flags
//!   (`--method ksg --k 3 --normalize`, or `--param k=3`), the keywords of the Python classes
//!   (`Ksg(k=3, normalize=True)`) and the keys of an experiment file's tables
//!   (`[analysis.ksg]`). [`EstimatorSpec::from_fields`] parses a method name and a JSON map of
//!   parameters and names the parameter at fault; [`EstimatorSpec::METHODS`] lists every
//!   method with its parameters. Compact forms are accepted everywhere: a binning policy as
//!   `"unit-minmax:10"` or a bin count, KSG noise as its standard deviation.
//! - **Asking a question.** [`Estimator`] (built by [`EstimatorSpec::check`]) answers the
//!   [`Quantity`](crate::Quantity)s its method has (entropy, mutual information, conditional MI, I(input; X), …)
//!   for a [`Data`] of [`Variable`]s, and returns an [`Outcome`](crate::Outcome): a point estimate or lower and
//!   upper bounds. A variable remembers whether its values were integers where they came from,
//!   so a binned estimator with `y_kind = "auto"` reads integer labels as labels. The same object
//!   gives surrogate tests, bootstrap intervals, local values and the batch forms.
//! - **Reading it back.** Every [`Estimate`] records its method and parameters;
//!   [`Estimate::spec`] rebuilds the specification that produced it.
//!
//! ```
//! use infoscope_estimators::spec::{EstimatorSpec, Variable};
//! use ndarray::array;
//!
//! let spec: EstimatorSpec = serde_json::from_str(r#"{"method": "gaussian", "ridge": 0.0}"#)?;
//! let estimator = spec.check()?;
//! let x = array![[0.1], [0.9], [2.1], [2.9], [4.2]];
//! let y = array![[1.0], [2.1], [2.9], [4.2], [4.8]];
//! let mi = estimator.mutual_information(x.view(), y.view())?.point().unwrap();
//! assert!(mi.nats() > 1.0);
//! assert_eq!(mi.spec()?, spec);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Adding an estimator
//!
//! A new method is one variant here and one module in its family; the CLI, the Python package
//! and experiment files then offer it with no code of their own:
//!
//! 1. Write the method's module with the usual pair: `FooParams` (serde, `#[serde(default,
//!    deny_unknown_fields)]`, consuming setters, `check()`) and the checked `Foo`.
//! 2. Implement [`Params`] for `FooParams` (its method name, its field names, a template
//!    value, and `build`, which checks it into a boxed [`Method`]).
//! 3. Implement [`Method`] for `Foo`: its [`EstimatorSpec`], the [`Quantity`](crate::Quantity)s it answers and
//!    [`Method::estimate`]. Surrogate tests, bootstrap intervals and unsupported questions have
//!    default implementations; override the surrogate test where work can be reused across
//!    reorderings of Y.
//! 4. Add the variant to the `estimators!` list below (`Foo(FooParams)`, its snake-case name
//!    equal to `FooParams::METHOD`).
//! 5. Add its spec to the conformance suite (`tests/it/conformance.rs`), which checks
//!    symmetry, permutation invariance, units, thread-count determinism and bad inputs.

mod compact;
mod data;
mod estimator;
mod fields;
pub(crate) mod method;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

pub(crate) use compact::{noise as compact_noise, policy as compact_policy};
pub(crate) use data::symbols;
pub use data::{Data, OwnedData, ValueType, Variable};
pub use estimator::Estimator;
pub use fields::{Params, refused_field};
pub use method::Method;

use crate::Estimate;
use crate::discrete::{BinnedParams, PlugInParams};
use crate::error::{EstimatorError, Result};
use crate::gaussian::GaussianParams;
use crate::knn::{KozachenkoLeonenkoParams, KsgParams, RossParams};
use crate::kt::KtParams;

/// A method's name and parameters, as listed by [`EstimatorSpec::METHODS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodInfo {
    /// The name in a specification (`"ksg"`).
    pub name: &'static str,
    /// What it estimates, in a line.
    pub summary: &'static str,
    /// Its parameters' names.
    pub fields: &'static [&'static str],
    /// Whether it has a per-unit form (I(unit; Y) for every column of X).
    pub per_unit: bool,
    /// Whether it has a pairwise form (I of every column pair).
    pub pairwise: bool,
}

impl MethodInfo {
    /// Whether the method has a parameter of this name.
    #[must_use]
    pub fn has(&self, field: &str) -> bool {
        self.fields.contains(&field)
    }
}

/// Declares [`EstimatorSpec`] and its dispatch from one list of `Variant(Params)`.
macro_rules! estimators {
    ($($(#[doc = $doc:literal])* $variant:ident($params:ty)),* $(,)?) => {
        /// One estimator: its method (the serde tag `method`) and that method's parameters.
        ///
        /// Serialised as one flat mapping, e.g. `{"method": "kt", "noise_var": 1.0, "tile":
        /// 256}`; deserialisation goes through [`EstimatorSpec::from_fields`], so a bad key or
        /// value is reported under its own name.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "method", rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum EstimatorSpec {
            $($(#[doc = $doc])* $variant($params),)*
        }

        impl EstimatorSpec {
            /// Every method, with its parameters.
            pub const METHODS: &'static [MethodInfo] = &[$(MethodInfo {
                name: <$params as Params>::METHOD,
                summary: <$params as Params>::SUMMARY,
                fields: <$params as Params>::FIELDS,
                per_unit: <$params as Params>::PER_UNIT,
                pairwise: <$params as Params>::PAIRWISE,
            },)*];

            /// The method's name (`"ksg"`).
            #[must_use]
            pub fn method(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => <$params as Params>::METHOD,)*
                }
            }

            /// The specification of `method` with the parameters `fields` (missing ones take
            /// their defaults).
            ///
            /// # Errors
            /// [`EstimatorError::InvalidParameter`] named `method` for an unknown method, or
            /// named after the parameter whose value is refused;
            /// [`EstimatorError::UnknownParameter`] for a parameter the method does not have.
            pub fn from_fields(method: &str, fields: Map<String, Value>) -> Result<Self> {
                $(if method == <$params as Params>::METHOD {
                    return fields::parse::<$params>(fields).map(Self::$variant);
                })*
                Err(unknown_method(method))
            }

            /// Validate the parameters into an estimator.
            ///
            /// # Errors
            /// [`EstimatorError::InvalidParameter`] naming the parameter out of range.
            pub fn check(&self) -> Result<Estimator> {
                let method = match self {
                    $(Self::$variant(p) => p.clone().build()?,)*
                };
                Ok(Estimator::new(method))
            }

            /// The parameters alone, as a JSON mapping with every parameter (what
            /// [`Estimate::config`] holds, plus any default a record leaves out, such as
            /// binned's `x_kind = "auto"`).
            #[must_use]
            pub fn params(&self) -> Value {
                match self {
                    $(Self::$variant(p) => Params::to_fields(p),)*
                }
            }
        }
    };
}

estimators! {
    /// Binning (or labels) then plug-in: [`crate::discrete::Binned`].
    Binned(BinnedParams),
    /// Plug-in on integer symbols: [`crate::discrete::PlugIn`].
    Plugin(PlugInParams),
    /// Jointly Gaussian model: [`crate::gaussian::Gaussian`].
    Gaussian(GaussianParams),
    /// Kraskov–Stögbauer–Grassberger kNN MI: [`crate::knn::Ksg`].
    Ksg(KsgParams),
    /// Kozachenko–Leonenko kNN entropy: [`crate::knn::KozachenkoLeonenko`].
    Kl(KozachenkoLeonenkoParams),
    /// Ross's kNN MI between a continuous X and class labels Y: [`crate::knn::Ross`].
    Ross(RossParams),
    /// Kolchinsky–Tracey bounds for a noisy layer: [`crate::kt::KolchinskyTracey`].
    Kt(KtParams),
}

impl EstimatorSpec {
    /// The specification in a JSON mapping with a `method` key and the parameters beside it.
    ///
    /// # Errors
    /// As [`EstimatorSpec::from_fields`]; [`EstimatorError::InvalidParameter`] named `method`
    /// when the value is not a mapping or has no `method` string.
    pub fn from_json(value: Value) -> Result<Self> {
        let Value::Object(mut fields) = value else {
            return Err(EstimatorError::InvalidParameter {
                name: "method",
                reason: format!("an estimator specification is a mapping, got {value}"),
            });
        };
        match fields.remove("method") {
            Some(Value::String(method)) => Self::from_fields(&method, fields),
            Some(other) => Err(EstimatorError::InvalidParameter {
                name: "method",
                reason: format!("the method is a name, got {other}"),
            }),
            None => Err(EstimatorError::InvalidParameter {
                name: "method",
                reason: format!(
                    "the specification names no method (one of {})",
                    method_list()
                ),
            }),
        }
    }

    /// The method's entry in [`EstimatorSpec::METHODS`].
    #[must_use]
    pub fn info(&self) -> MethodInfo {
        let name = self.method();
        Self::METHODS
            .iter()
            .copied()
            .find(|m| m.name == name)
            .unwrap_or(MethodInfo {
                name,
                summary: "",
                fields: &[],
                per_unit: false,
                pairwise: false,
            })
    }

    /// The entry of the method called `name`, if there is one.
    #[must_use]
    pub fn method_info(name: &str) -> Option<MethodInfo> {
        Self::METHODS.iter().copied().find(|m| m.name == name)
    }
}

impl<'de> Deserialize<'de> for EstimatorSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Self::from_json(value).map_err(serde::de::Error::custom)
    }
}

/// The names of the methods for which `has` holds, as ``"`binned`"`` or ``"`a` or `b`"``.
pub(crate) fn methods_with(has: impl Fn(&MethodInfo) -> bool) -> String {
    let names: Vec<String> = EstimatorSpec::METHODS
        .iter()
        .filter(|m| has(m))
        .map(|m| format!("`{}`", m.name))
        .collect();
    names.join(" or ")
}

/// The method names, comma-separated.
fn method_list() -> String {
    EstimatorSpec::METHODS
        .iter()
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_method(method: &str) -> EstimatorError {
    EstimatorError::InvalidParameter {
        name: "method",
        reason: format!(
            "unknown method {method:?}; expected one of {}",
            method_list()
        ),
    }
}

impl Estimate {
    /// The specification of the estimator that produced this estimate (its method and
    /// configuration), which [`EstimatorSpec::check`] turns back into the same estimator.
    ///
    /// # Errors
    /// As [`EstimatorSpec::from_fields`], when `method` or `config` were edited by hand.
    pub fn spec(&self) -> Result<EstimatorSpec> {
        let fields = match &self.config {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        EstimatorSpec::from_fields(&self.method, fields)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn variant_names_are_the_method_names() {
        for info in EstimatorSpec::METHODS {
            let spec = EstimatorSpec::from_fields(info.name, template_of(info.name)).unwrap();
            let value = serde_json::to_value(&spec).unwrap();
            assert_eq!(value["method"], info.name);
            assert_eq!(spec.method(), info.name);
            assert_eq!(EstimatorSpec::from_json(value).unwrap(), spec);
        }
    }

    /// Fields that make every method's specification complete (KT has no default noise).
    fn template_of(method: &str) -> Map<String, Value> {
        let mut m = Map::new();
        if method == "kt" {
            m.insert("noise_var".into(), json!(1.0));
        }
        m
    }

    #[test]
    fn field_lists_match_the_serialised_parameters() {
        for info in EstimatorSpec::METHODS {
            let spec = EstimatorSpec::from_fields(info.name, template_of(info.name)).unwrap();
            let Value::Object(params) = spec.params() else {
                panic!("{}: parameters are a mapping", info.name)
            };
            let keys: Vec<&str> = params.keys().map(String::as_str).collect();
            let mut fields = info.fields.to_vec();
            fields.sort_unstable();
            let mut keys = keys.clone();
            keys.sort_unstable();
            assert_eq!(keys, fields, "{}", info.name);
        }
    }

    #[test]
    fn bad_specifications_name_what_is_wrong() {
        let err = EstimatorSpec::from_json(json!({"method": "mine"})).unwrap_err();
        assert!(err.to_string().contains("unknown method \"mine\""), "{err}");
        let err = EstimatorSpec::from_json(json!({"k": 3})).unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::InvalidParameter { name: "method", .. }
        ));
        let err = EstimatorSpec::from_json(json!({"method": "gaussian", "k": 3})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "method `gaussian` has no parameter `k` (its parameters: ridge)"
        );
        let err = EstimatorSpec::from_json(json!({"method": "ksg", "k": "three"})).unwrap_err();
        assert!(
            matches!(err, EstimatorError::InvalidParameter { name: "k", .. }),
            "{err}"
        );
        let err = EstimatorSpec::from_json(json!({"method": "kt"})).unwrap_err();
        assert!(
            matches!(
                err,
                EstimatorError::InvalidParameter {
                    name: "noise_var",
                    ..
                }
            ),
            "{err}"
        );
        let spec: std::result::Result<EstimatorSpec, _> =
            serde_json::from_value(json!({"method": "ksg", "normalize": 1}));
        assert!(spec.unwrap_err().to_string().contains("`normalize`"));
    }
}
