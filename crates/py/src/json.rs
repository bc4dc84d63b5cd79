//! Parameters in, serde results out: the Python side passes keyword arguments as a JSON object
//! (the names of the Rust and TOML fields) and decodes results from JSON, so one set of names
//! serves all three faces of infoscope.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::{Result, param};

/// A JSON object from the Python side.
pub(crate) fn object(what: &str, text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(param(what, format!("expected a mapping, got {other}"))),
        Err(e) => Err(param(what, format!("not valid JSON: {e}"))),
    }
}

/// Settings of type `T` from `fields` (missing ones take `T`'s defaults). A bad value is
/// reported under its own key: the fields are tried one at a time on top of the defaults to
/// find the first that fails.
pub(crate) fn settings<T>(what: &str, fields: Map<String, Value>) -> Result<T>
where
    T: DeserializeOwned + Serialize + Default,
{
    let whole = serde_json::from_value::<T>(Value::Object(fields.clone()));
    let Err(whole_err) = whole else {
        return whole.map_err(|e| param(what, e.to_string()));
    };
    let defaults = serde_json::to_value(T::default()).map_err(|e| param(what, e.to_string()))?;
    for (key, value) in &fields {
        let mut one = match &defaults {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        let known = one.contains_key(key);
        one.insert(key.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<T>(Value::Object(one)) {
            let reason = if known {
                format!("{value} is not accepted: {e}")
            } else {
                format!("unknown setting of {what}: {e}")
            };
            return Err(param(key.clone(), reason));
        }
    }
    Err(param(what, whole_err.to_string()))
}

/// `value` as JSON text.
pub(crate) fn to_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| param("result", format!("cannot encode: {e}")))
}
