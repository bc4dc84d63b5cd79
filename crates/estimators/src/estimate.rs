//! The value every estimator returns: [`Estimate`], in nats, with its full configuration.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::EstimatorError;

/// Version of the JSON layout written by [`Estimate::record`]. Bumped on breaking changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The unit a number is shown in. All computation is in nats; bits exist only at the edges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Natural units (logarithm base e). The internal unit.
    #[default]
    Nats,
    /// Binary units (logarithm base 2): nats / ln 2.
    Bits,
}

impl Unit {
    /// Convert a value in nats to this unit.
    #[must_use]
    pub fn from_nats(self, nats: f64) -> f64 {
        match self {
            Unit::Nats => nats,
            Unit::Bits => nats / std::f64::consts::LN_2,
        }
    }

    /// Convert a value in this unit to nats.
    #[must_use]
    pub fn to_nats(self, value: f64) -> f64 {
        match self {
            Unit::Nats => value,
            Unit::Bits => value * std::f64::consts::LN_2,
        }
    }

    /// The unit's name as printed: `"nats"` or `"bits"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Nats => "nats",
            Unit::Bits => "bits",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = EstimatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "nats" | "nat" => Ok(Unit::Nats),
            "bits" | "bit" => Ok(Unit::Bits),
            other => Err(EstimatorError::InvalidParameter {
                name: "unit",
                reason: format!("unknown unit {other:?}; expected \"nats\" or \"bits\""),
            }),
        }
    }
}

/// An amount of information or entropy in nats.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Nats(pub f64);

impl Nats {
    /// The value in nats.
    #[must_use]
    pub fn nats(self) -> f64 {
        self.0
    }

    /// The value in bits (nats / ln 2).
    #[must_use]
    pub fn bits(self) -> f64 {
        Unit::Bits.from_nats(self.0)
    }

    /// The value in the given unit.
    #[must_use]
    pub fn in_unit(self, unit: Unit) -> f64 {
        unit.from_nats(self.0)
    }
}

impl fmt::Display for Nats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} nats", self.0)
    }
}

/// What an estimate measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Quantity {
    /// Entropy H(X) (Shannon for discrete data, differential for continuous data).
    Entropy,
    /// Joint entropy H(X, Y).
    JointEntropy,
    /// Conditional entropy H(X | Y).
    ConditionalEntropy,
    /// Mutual information I(X; Y).
    MutualInformation,
    /// Conditional mutual information I(X; Y | Z).
    ConditionalMutualInformation,
    /// I(input; X): what X carries about which sample it is, every sample being its own input
    /// (for a noisy layer T = h(input) + noise, I(input; T); for deterministic binned data,
    /// the entropy of the bins).
    InputInformation,
}

impl Quantity {
    /// The usual symbol of the quantity, e.g. `"I(X;Y)"`.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Quantity::Entropy => "H(X)",
            Quantity::JointEntropy => "H(X,Y)",
            Quantity::ConditionalEntropy => "H(X|Y)",
            Quantity::MutualInformation => "I(X;Y)",
            Quantity::ConditionalMutualInformation => "I(X;Y|Z)",
            Quantity::InputInformation => "I(input;X)",
        }
    }

    /// What is estimated, in words, e.g. `"mutual information I(X;Y)"`.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Quantity::Entropy => "entropy H(X)",
            Quantity::JointEntropy => "joint entropy H(X,Y)",
            Quantity::ConditionalEntropy => "conditional entropy H(X|Y)",
            Quantity::MutualInformation => "mutual information I(X;Y)",
            Quantity::ConditionalMutualInformation => "conditional mutual information I(X;Y|Z)",
            Quantity::InputInformation => "input information I(input;X)",
        }
    }

    /// The arguments the quantity takes, in order: `["x"]`, `["x", "y"]` or `["x", "y", "z"]`.
    #[must_use]
    pub fn arguments(self) -> &'static [&'static str] {
        match self {
            Quantity::Entropy | Quantity::InputInformation => &["x"],
            Quantity::JointEntropy | Quantity::ConditionalEntropy | Quantity::MutualInformation => {
                &["x", "y"]
            }
            Quantity::ConditionalMutualInformation => &["x", "y", "z"],
        }
    }
}

/// A lower and an upper estimate of one quantity (e.g. the Kolchinsky–Tracey bounds), or of
/// anything computed for each of them (tests, intervals).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bounds<T> {
    /// Of the lower estimate.
    pub lower: T,
    /// Of the upper estimate.
    pub upper: T,
}

impl<T> Bounds<T> {
    /// Apply `f` to both.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Bounds<U> {
        Bounds {
            lower: f(self.lower),
            upper: f(self.upper),
        }
    }
}

/// What an estimator returns for one question: a point estimate, or lower and upper bounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome<T = Estimate> {
    /// A point estimate.
    Point(T),
    /// A lower and an upper estimate.
    Bounds(Bounds<T>),
}

impl<T> Outcome<T> {
    /// Apply `f` to the point, or to each bound.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Point(p) => Outcome::Point(f(p)),
            Outcome::Bounds(b) => Outcome::Bounds(b.map(f)),
        }
    }

    /// The point estimate, or `None` for bounds.
    #[must_use]
    pub fn point(self) -> Option<T> {
        match self {
            Outcome::Point(p) => Some(p),
            Outcome::Bounds(_) => None,
        }
    }

    /// The bounds, or `None` for a point estimate.
    #[must_use]
    pub fn bounds(self) -> Option<Bounds<T>> {
        match self {
            Outcome::Point(_) => None,
            Outcome::Bounds(b) => Some(b),
        }
    }

    /// The values with their names: `[("estimate", point)]` or `[("lower", ..), ("upper", ..)]`.
    #[must_use]
    pub fn parts(&self) -> Vec<(&'static str, &T)> {
        match self {
            Outcome::Point(p) => vec![("estimate", p)],
            Outcome::Bounds(b) => vec![("lower", &b.lower), ("upper", &b.upper)],
        }
    }
}

/// One estimated quantity: the value in nats plus everything needed to reproduce it.
///
/// `config` is the estimator's full configuration (as serialised by serde), `diagnostics` holds
/// method-specific facts about this run (number of occupied symbols, whether every row was
/// unique, the log-determinants, ...), and `warnings` holds plain-language caveats. The value is
/// never clipped: a negative estimate stays negative (use [`Estimate::clamped`] to clip).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Estimate {
    /// The estimate, in nats.
    pub value: Nats,
    /// What is measured.
    pub quantity: Quantity,
    /// The method's name (`"binned"`, `"plugin"`, `"gaussian"`, ...).
    pub method: String,
    /// Number of samples (rows) used.
    pub n_samples: usize,
    /// The estimator's full configuration.
    pub config: serde_json::Value,
    /// Method-specific facts about this run.
    pub diagnostics: BTreeMap<String, serde_json::Value>,
    /// Caveats a user should read (e.g. "every row is a distinct symbol").
    pub warnings: Vec<String>,
}

impl Estimate {
    /// A new estimate with empty diagnostics.
    #[must_use]
    pub fn new(
        value_nats: f64,
        quantity: Quantity,
        method: impl Into<String>,
        n_samples: usize,
        config: serde_json::Value,
    ) -> Self {
        Self {
            value: Nats(value_nats),
            quantity,
            method: method.into(),
            n_samples,
            config,
            diagnostics: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Add one diagnostic entry (builder style).
    #[must_use]
    pub fn with_diagnostic(mut self, key: &str, value: impl Serialize) -> Self {
        self.diagnostics.insert(
            key.to_owned(),
            serde_json::to_value(value).unwrap_or_default(),
        );
        self
    }

    /// Add one warning (builder style).
    #[must_use]
    pub fn with_warning(mut self, warning: impl Into<String>) -> Self {
        self.warnings.push(warning.into());
        self
    }

    /// The value in nats.
    #[must_use]
    pub fn nats(&self) -> f64 {
        self.value.nats()
    }

    /// The value in bits.
    #[must_use]
    pub fn bits(&self) -> f64 {
        self.value.bits()
    }

    /// The value in the given unit.
    #[must_use]
    pub fn in_unit(&self, unit: Unit) -> f64 {
        self.value.in_unit(unit)
    }

    /// A copy whose value is clipped at zero; the raw value is kept as the diagnostic
    /// `"unclipped_nats"` and a warning says so. Estimators never do this themselves.
    #[must_use]
    pub fn clamped(&self) -> Self {
        if self.value.0 >= 0.0 {
            return self.clone();
        }
        let mut out = self
            .clone()
            .with_diagnostic("unclipped_nats", self.value.0)
            .with_warning("negative estimate clipped to 0 by Estimate::clamped");
        out.value = Nats(0.0);
        out
    }

    /// Look up a diagnostic entry.
    #[must_use]
    pub fn diagnostic(&self, key: &str) -> Option<&serde_json::Value> {
        self.diagnostics.get(key)
    }

    /// The serialisable record of this estimate in the given unit (DESIGN.md §2).
    #[must_use]
    pub fn record(&self, unit: Unit) -> EstimateRecord {
        EstimateRecord {
            schema_version: SCHEMA_VERSION,
            crate_version: env!("CARGO_PKG_VERSION").to_owned(),
            quantity: self.quantity,
            method: self.method.clone(),
            value: self.in_unit(unit),
            unit,
            value_nats: self.nats(),
            n_samples: self.n_samples,
            config: self.config.clone(),
            diagnostics: self.diagnostics.clone(),
            warnings: self.warnings.clone(),
        }
    }
}

/// The JSON layout of one estimate: value with its unit, plus everything to reproduce it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EstimateRecord {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Version of `infoscope-estimators` that produced it.
    pub crate_version: String,
    /// What is measured.
    pub quantity: Quantity,
    /// The method's name.
    pub method: String,
    /// The value in `unit`.
    pub value: f64,
    /// The unit of `value`.
    pub unit: Unit,
    /// The value in nats, whatever `unit` is.
    pub value_nats: f64,
    /// Number of samples used.
    pub n_samples: usize,
    /// The estimator's full configuration.
    pub config: serde_json::Value,
    /// Method-specific facts about the run.
    pub diagnostics: BTreeMap<String, serde_json::Value>,
    /// Caveats.
    pub warnings: Vec<String>,
}
