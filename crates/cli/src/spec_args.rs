//! The estimator options of `estimate` and `pairwise`: flags in, one [`EstimatorSpec`] out.
//!
//! Every flag is one parameter of the specification under the same name (`--k` is `k`,
//! `--noise-var` is `noise_var`, `--policy` is `policy`), and `--param NAME=VALUE` sets any
//! parameter by name, so a new method's parameters need no new code here. Values are read as
//! JSON where they parse as JSON (`3`, `1e-8`, `true`) and as text otherwise
//! (`unit-minmax:10`), then checked by the specification itself: a bad value gets the same
//! message as in Python and in experiment files, prefixed with the flag.

use anyhow::{Result, bail};
use clap::Args;
use clap::builder::PossibleValuesParser;
use infoscope_estimators::spec::{Estimator, EstimatorSpec, MethodInfo};
use infoscope_estimators::{EstimatorError, Quantity};
use serde_json::{Map, Value};

/// The method names, for clap's `--method` values.
fn method_names() -> PossibleValuesParser {
    PossibleValuesParser::new(EstimatorSpec::METHODS.iter().map(|m| m.name))
}

/// The estimator: `--method` or `--spec`, and its parameters.
#[derive(Debug, Clone, Args)]
pub struct SpecArgs {
    /// Estimation method (`infoscope methods` lists them with their parameters): binned,
    /// plugin, gaussian, ksg, kl, kt.
    #[arg(long, value_parser = method_names())]
    pub method: Option<String>,
    /// The whole estimator as JSON, e.g. a `config.spec` copied from results.json:
    /// '{"method": "ksg", "k": 5}'. Flags given with it override its parameters.
    #[arg(long, value_name = "JSON", conflicts_with = "method")]
    pub spec: Option<String>,
    /// Any parameter by name, repeatable: --param k=5 --param normalize=true.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// binned: how values become bins (default unit-minmax:10): unit-minmax:N,
    /// global-minmax:N, quantile:N, intervals:LO:HI:N (top edge inclusive), fixed-edges:LO:HI:N
    /// (IDNNs: N edges), width:W (Saxe: floor(v/W)), or a bin count N.
    #[arg(long, alias = "bins", value_name = "SPEC")]
    pub policy: Option<String>,
    /// binned, plugin: bias correction of the plug-in entropies (default none): none,
    /// miller-madow, jackknife, james-stein.
    #[arg(long, value_name = "C")]
    pub correction: Option<String>,
    /// binned: how Y and Z are read (default auto: integer arrays are labels, float arrays
    /// are binned like X): auto, labels, continuous.
    #[arg(long, value_name = "KIND")]
    pub y_kind: Option<String>,
    /// binned: how X is read (default auto: an integer array is read as symbols, warning when
    /// it has fewer than 5 rows per symbol; a float array is binned): auto, labels,
    /// continuous (bin it by the policy).
    #[arg(long, value_name = "KIND")]
    pub x_kind: Option<String>,
    /// gaussian: ridge added to the covariance diagonal, in data units squared (default 0).
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    pub ridge: Option<String>,
    /// ksg, kl: neighbours (default 3, as NPEET and scikit-learn).
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub k: Option<String>,
    /// ksg: algorithm 1 (one radius, strict counts; default) or 2 (per-marginal radii;
    /// I(X;Y) only).
    #[arg(long, value_name = "1|2", allow_negative_numbers = true)]
    pub algorithm: Option<String>,
    /// ksg, kl: Theiler window W: samples within W steps of each other are never neighbours
    /// (time series; default 0: only the sample itself).
    #[arg(long, value_name = "W", allow_negative_numbers = true)]
    pub theiler: Option<String>,
    /// ksg, kl: z-score every column before the neighbour search.
    #[arg(long)]
    pub normalize: bool,
    /// ksg, kl: add seeded Gaussian noise of this standard deviation (after --normalize) to
    /// break ties; off by default. JIDT's setting is --normalize --noise 1e-8.
    #[arg(long, value_name = "STD", allow_negative_numbers = true)]
    pub noise: Option<String>,
    /// ksg, kl: neighbour-search backend (results are identical): auto, kd_tree, brute_force.
    #[arg(long, value_name = "BACKEND")]
    pub search: Option<String>,
    /// ksg: tied values: jitter (default: seeded jitter of 1e-10 × the spread of each column
    /// with repeated values) or gao (keep them; the Gao et al. 2017 zero-distance rule).
    #[arg(long, value_name = "RULE")]
    pub ties: Option<String>,
    /// kt: the noise variance σ² of T = X + N(0, σ²I), in squared units of X (required: no
    /// default).
    #[arg(long, value_name = "V", allow_negative_numbers = true)]
    pub noise_var: Option<String>,
    /// kt: rows per Gram block (memory only; default 512).
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub tile: Option<String>,
}

/// A flag's value as JSON: JSON where it parses (numbers, booleans, null, quoted text), text
/// otherwise.
fn json_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// The flag of a parameter: `noise_var` → `--noise-var`.
pub fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

impl SpecArgs {
    /// The named flags given, as (parameter, value).
    fn named(&self) -> Vec<(&'static str, Value)> {
        let text = [
            ("policy", &self.policy),
            ("correction", &self.correction),
            ("y_kind", &self.y_kind),
            ("x_kind", &self.x_kind),
            ("ridge", &self.ridge),
            ("k", &self.k),
            ("algorithm", &self.algorithm),
            ("theiler", &self.theiler),
            ("noise", &self.noise),
            ("search", &self.search),
            ("ties", &self.ties),
            ("noise_var", &self.noise_var),
            ("tile", &self.tile),
        ];
        let mut out: Vec<(&'static str, Value)> = text
            .into_iter()
            .filter_map(|(name, v)| v.as_deref().map(|v| (name, json_value(v))))
            .collect();
        if self.normalize {
            out.push(("normalize", Value::Bool(true)));
        }
        out
    }

    /// The specification: `--spec` or `--method` (else `default_method`), then `--param`s
    /// and the named flags on top; `seed`, when given, also seeds the method if it has a
    /// `seed` parameter.
    ///
    /// # Errors
    /// A malformed `--spec` or `--param`; the specification's own errors, phrased with the
    /// flag at fault.
    pub fn spec(&self, default_method: Option<&str>, seed: Option<u64>) -> Result<EstimatorSpec> {
        let method = self.method.as_deref().or(default_method);
        let (method, mut fields) = match (&self.spec, method) {
            (Some(text), _) => {
                let value: Value = serde_json::from_str(text)
                    .map_err(|e| UsageError(format!("--spec is not valid JSON: {e}")))?;
                let spec = EstimatorSpec::from_json(value)
                    .map_err(|e| UsageError(format!("--spec: {e}")))?;
                let Value::Object(fields) = spec.params() else {
                    bail!("--spec: the parameters are not a mapping");
                };
                (spec.method(), fields)
            }
            (None, Some(m)) => match EstimatorSpec::method_info(m) {
                Some(info) => (info.name, Map::new()),
                None => bail!("unknown --method {m:?}"),
            },
            (None, None) => bail!("give --method (or --spec)"),
        };
        for p in &self.params {
            let Some((name, value)) = p.split_once('=') else {
                return Err(UsageError(format!(
                    "--param {p:?}: expected NAME=VALUE, e.g. --param k=5"
                ))
                .into());
            };
            fields.insert(name.trim().to_owned(), json_value(value.trim()));
        }
        for (name, value) in self.named() {
            fields.insert(name.to_owned(), value);
        }
        for (name, value) in &fields {
            check_count_parameter(name, value)?;
        }
        let info = EstimatorSpec::method_info(method);
        if let Some(seed) = seed
            && info.is_some_and(|i| i.has("seed"))
        {
            fields.insert("seed".into(), Value::from(seed));
        }
        EstimatorSpec::from_fields(method, fields).map_err(|e| phrase_setting(e, method))
    }

    /// The checked estimator.
    ///
    /// # Errors
    /// As [`SpecArgs::spec`]; out-of-range parameters, phrased with the flag.
    pub fn estimator(&self, default_method: Option<&str>, seed: Option<u64>) -> Result<Estimator> {
        let spec = self.spec(default_method, seed)?;
        spec.check().map_err(|e| phrase_setting(e, spec.method()))
    }
}

/// The integer parameters that count something, with their smallest value.
const COUNTS: [(&str, i64); 4] = [("k", 1), ("theiler", 0), ("tile", 1), ("algorithm", 1)];

/// Refuses a negative count parameter with the rule and the value, before the specification
/// sees it (whose message would only say the value is not an unsigned integer).
fn check_count_parameter(name: &str, value: &Value) -> Result<()> {
    let Some(&(_, min)) = COUNTS.iter().find(|(n, _)| *n == name) else {
        return Ok(());
    };
    let small = match value {
        Value::Number(n) => n.as_f64().is_some_and(|v| v < 0.0),
        _ => false,
    };
    if small {
        return Err(UsageError(format!(
            "{}: parameter `{name}` is invalid: it must be ≥ {min} (got {value})",
            flag(name)
        ))
        .into());
    }
    Ok(())
}

/// A bad option: the command line itself is at fault, so `infoscope` exits with status 2, as
/// for the usage errors clap finds.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// An estimator error as the CLI says it: a parameter error names its flag (and, for a
/// parameter the method lacks, the methods that have it) and is a [`UsageError`].
pub fn phrase(err: EstimatorError, method: &str) -> anyhow::Error {
    let info = EstimatorSpec::method_info(method);
    let usage = |text: String| anyhow::Error::new(UsageError(text));
    match &err {
        EstimatorError::UnknownParameter { name, .. } => {
            let owners: Vec<String> = EstimatorSpec::METHODS
                .iter()
                .filter(|m| m.has(name))
                .map(|m| format!("--method {}", m.name))
                .collect();
            let owners = if owners.is_empty() {
                String::new()
            } else {
                format!(" (it is a parameter of {})", owners.join(", "))
            };
            usage(format!(
                "{} does not apply to --method {method}{owners}: {err}",
                flag(name)
            ))
        }
        EstimatorError::InvalidParameter { name, .. }
            if info.is_some_and(|i: MethodInfo| i.has(name)) =>
        {
            usage(format!("{}: {err}", flag(name)))
        }
        // The parts of a binning policy (`unit-minmax:0` has `n_bins` 0).
        EstimatorError::InvalidParameter { name, .. }
            if info.is_some_and(|i: MethodInfo| i.has("policy")) && POLICY_PARTS.contains(name) =>
        {
            usage(format!("--policy: {err}"))
        }
        _ => err.into(),
    }
}

/// The parameters inside a `--policy`.
const POLICY_PARTS: [&str; 5] = ["n_bins", "width", "lo", "hi", "edges"];

/// `err` with the arguments named by the flags that gave them: `argument `a`` becomes `--a`
/// for each (argument, flag) of `names`; a [`UsageError`] stays one.
pub fn rename_arguments(err: anyhow::Error, names: &[(&str, &str)]) -> anyhow::Error {
    let text = format!("{err:#}");
    let mut renamed = text.clone();
    for (name, flag) in names {
        renamed = renamed
            .replace(&format!("argument `{name}`"), flag)
            .replace(&format!("`{name}`)"), &format!("{flag})"));
    }
    if renamed == text {
        err
    } else if err.is::<UsageError>() {
        UsageError(renamed).into()
    } else {
        anyhow::anyhow!(renamed)
    }
}

/// An error of the options themselves (building or checking the specification): as
/// [`phrase`], and always a [`UsageError`], also for a parameter nested in another (the
/// `width` of a `--policy`).
fn phrase_setting(err: EstimatorError, method: &str) -> anyhow::Error {
    let phrased = phrase(err, method);
    if phrased.is::<UsageError>() {
        return phrased;
    }
    UsageError(phrased.to_string()).into()
}

/// The arguments that ask for `quantity`, for messages (`None`: `estimate` does not ask for
/// it; the library and Python do).
pub fn asked_by(quantity: Quantity) -> Option<&'static str> {
    match quantity {
        Quantity::Entropy => Some("--x only, or --entropy"),
        Quantity::InputInformation => Some("--x only"),
        Quantity::MutualInformation => Some("--x and --y (or --labels)"),
        Quantity::ConditionalMutualInformation => Some("--x, --y and --z"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json_where_they_parse() {
        assert_eq!(json_value("3"), Value::from(3));
        assert_eq!(json_value("1e-8"), Value::from(1e-8));
        assert_eq!(json_value("true"), Value::Bool(true));
        assert_eq!(json_value("unit-minmax:10"), Value::from("unit-minmax:10"));
        assert_eq!(json_value("none"), Value::from("none"));
        assert_eq!(flag("noise_var"), "--noise-var");
    }
}
