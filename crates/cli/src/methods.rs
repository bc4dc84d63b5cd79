//! `infoscope methods`: every method of the estimator specification with its parameters and
//! their defaults, from the specification itself (a new method appears here by itself).

use anyhow::Result;
use infoscope_estimators::spec::EstimatorSpec;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::args::MethodsArgs;
use crate::output::outln;
use crate::spec_args::flag;

/// One method as listed.
#[derive(Debug, Serialize)]
struct Listed {
    method: &'static str,
    summary: &'static str,
    /// Each parameter's default (`null` for a required one).
    defaults: Map<String, Value>,
    per_unit: bool,
    pairwise: bool,
}

/// The defaults of `method`'s parameters; a parameter without a default is `null`.
fn defaults(method: &str, fields: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    let given = EstimatorSpec::from_fields(method, Map::new()).map(|s| s.params());
    for &f in fields {
        let v = match &given {
            Ok(Value::Object(m)) => m.get(f).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        };
        out.insert(f.to_owned(), v);
    }
    // A method with a required parameter has no complete default: fill in the others.
    if given.is_err() {
        for &f in fields {
            let mut probe = Map::new();
            probe.insert(f.to_owned(), Value::from(1.0));
            if let Ok(Value::Object(m)) =
                EstimatorSpec::from_fields(method, probe).map(|s| s.params())
            {
                for (k, v) in m {
                    if k != f {
                        out.insert(k, v);
                    }
                }
                break;
            }
        }
    }
    out
}

/// Run `infoscope methods`.
pub fn run(args: &MethodsArgs) -> Result<()> {
    let listed: Vec<Listed> = EstimatorSpec::METHODS
        .iter()
        .map(|m| Listed {
            method: m.name,
            summary: m.summary,
            defaults: defaults(m.name, m.fields),
            per_unit: m.per_unit,
            pairwise: m.pairwise,
        })
        .collect();
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&listed)?);
        return Ok(());
    }
    for m in &listed {
        outln!("--method {}: {}", m.method, m.summary);
        for (name, default) in &m.defaults {
            let shown = if default.is_null() {
                "required".to_owned()
            } else {
                format!("default {default}")
            };
            outln!("    {:<14} {shown}", flag(name));
        }
    }
    outln!(
        "\nEvery parameter is a flag of `infoscope estimate` (or --param NAME=VALUE), a keyword of \
         the Python class and a key of an experiment file's table, under the same name."
    );
    Ok(())
}
