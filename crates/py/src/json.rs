//! Parameters in, serde results out: the Python side passes keyword arguments as a JSON object
//! (the names of the Rust and TOML fields) and decodes results from JSON, so one set of names
//! serves all three faces of infoscope.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use infoscope_estimators::spec::refused_field;

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
/// reported under its own key (found by the core's [`refused_field`]).
pub(crate) fn settings<T>(what: &str, fields: Map<String, Value>) -> Result<T>
where
    T: DeserializeOwned + Serialize + Default,
{
    let whole_err = match serde_json::from_value::<T>(Value::Object(fields.clone())) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let defaults = match serde_json::to_value(T::default()) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    match refused_field::<T>(&fields, &defaults) {
        Some((key, e)) => {
            let reason = if defaults.contains_key(&key) {
                format!("{} is not accepted: {e}", fields[&key])
            } else {
                format!("unknown setting of {what}: {e}")
            };
            Err(param(key, reason))
        }
        None => Err(param(what, whole_err.to_string())),
    }
}

/// `value` as JSON text.
pub(crate) fn to_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| param("result", format!("cannot encode: {e}")))
}

/// `value` as Python objects (dicts, lists, str, int, float, bool, None), built directly:
/// cheaper than JSON text decoded by Python for the small results of every estimator call.
/// Non-finite floats become None, as in JSON.
pub(crate) fn to_py<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> Result<Py<PyAny>> {
    let v =
        serde_json::to_value(value).map_err(|e| param("result", format!("cannot encode: {e}")))?;
    Ok(value_to_py(py, &v)?)
}

fn value_to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any().unbind(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any().unbind(),
            _ => n
                .as_f64()
                .unwrap_or(f64::NAN)
                .into_pyobject(py)?
                .into_any()
                .unbind(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any().unbind(),
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| value_to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, value_to_py(py, x)?)?;
            }
            d.into_any().unbind()
        }
    })
}
