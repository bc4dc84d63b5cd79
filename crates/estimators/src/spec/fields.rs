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

    /// Every parameter as a JSON mapping, defaults included (a serialisation may leave out a
    /// default, e.g. binned's `x_kind = "auto"`; this puts it back).
    fn to_fields(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The first field of `fields` that `T` refuses when it is set alone on top of `template` (a
/// complete, valid mapping), with serde's message; `None` when each field is accepted alone.
/// Serde's message for a whole mapping does not always name the field whose value is refused
/// (an invalid type says only what it expected): this finds it. Used for every settings type
/// read from a mapping (estimator parameters here, analysis and network settings in Python).
#[must_use]
pub fn refused_field<T: DeserializeOwned>(
    fields: &Map<String, Value>,
    template: &Map<String, Value>,
) -> Option<(String, serde_json::Error)> {
    fields.iter().find_map(|(key, value)| {
        let mut one = template.clone();
        one.insert(key.clone(), value.clone());
        serde_json::from_value::<T>(Value::Object(one))
            .err()
            .map(|e| (key.clone(), e))
    })
}

/// `P` from `fields` (missing fields take their defaults), naming the parameter at fault.
pub(crate) fn parse<P: Params>(fields: Map<String, Value>) -> Result<P> {
    let whole = serde_json::from_value::<P>(Value::Object(fields.clone()));
    let whole_err = match whole {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    if let Some(key) = fields.keys().find(|k| !P::FIELDS.contains(&k.as_str())) {
        return Err(EstimatorError::UnknownParameter {
            method: P::METHOD,
            name: key.clone(),
            known: P::FIELDS.join(", "),
        });
    }
    let template = match serde_json::to_value(P::template()) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some((key, e)) = refused_field::<P>(&fields, &template) {
        let name = P::FIELDS
            .iter()
            .find(|f| **f == key)
            .copied()
            .unwrap_or(P::METHOD);
        return Err(EstimatorError::InvalidParameter {
            name,
            reason: format!("{} is not accepted: {e}", fields[&key]),
        });
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
