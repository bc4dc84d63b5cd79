//! Parameters from a JSON mapping, with the parameter at fault named: [`Params`] and [`parse`].

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Method;
use crate::error::{EstimatorError, Result};

/// The parameters of one method, as an [`super::EstimatorSpec`] variant holds them.
pub trait Params: Serialize + DeserializeOwned + Clone + PartialEq + std::fmt::Debug {
    /// The method's name in a specification (`"ksg"`).
    const METHOD: &'static str;
    /// What the method estimates, in a line.
    const SUMMARY: &'static str;
    /// The parameters' names, as in Rust, TOML, Python and the CLI (`--k`).
    const FIELDS: &'static [&'static str];
    /// Whether the method has a per-unit form ([`Method::per_unit`]).
    const PER_UNIT: bool = false;
    /// Whether the method has a pairwise form ([`Method::pairwise`]).
    const PAIRWISE: bool = false;

    /// A complete value to which one field at a time is added to find the one that is
    /// refused: the defaults, with a placeholder for a parameter that has none.
    fn template() -> Self;

    /// Check the parameters into the method's estimator.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] naming the parameter out of range.
    fn build(self) -> Result<Box<dyn Method>>;
}

/// `P` from `fields` (missing fields take their defaults). Serde's own message does not always
/// name the field whose value is refused; then every field is tried alone on top of
/// [`Params::template`] to find it.
pub(crate) fn parse<P: Params>(fields: Map<String, Value>) -> Result<P> {
    let whole = serde_json::from_value::<P>(Value::Object(fields.clone()));
    let whole_err = match whole {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    let template = match serde_json::to_value(P::template()) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for (key, value) in &fields {
        let Some(&name) = P::FIELDS.iter().find(|f| **f == key) else {
            return Err(EstimatorError::UnknownParameter {
                method: P::METHOD,
                name: key.clone(),
                known: P::FIELDS.join(", "),
            });
        };
        let mut one = template.clone();
        one.insert(key.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<P>(Value::Object(one)) {
            return Err(EstimatorError::InvalidParameter {
                name,
                reason: format!("{value} is not accepted: {e}"),
            });
        }
    }
    // Every field is fine alone: a required one is missing.
    let message = whole_err.to_string();
    let missing = P::FIELDS
        .iter()
        .find(|f| !fields.contains_key(**f) && message.contains(&format!("`{f}`")));
    Err(match missing {
        Some(&name) => EstimatorError::InvalidParameter {
            name,
            reason: format!("method `{}` needs `{name}`: it has no default", P::METHOD),
        },
        None => EstimatorError::InvalidParameter {
            name: P::METHOD,
            reason: message,
        },
    })
}
