//! Reading the estimator tables of [`super::AnalysisConfig`] (through the estimators' own
//! specification parser, so a bad key or value gets the message the CLI and Python give), the
//! binning estimator's settings ([`BinnedSettings`]) and the keys that moved.

use std::fmt;
use std::marker::PhantomData;

use infoscope_estimators::EstimatorSpec;
use infoscope_estimators::discrete::{BiasCorrection, BinPolicy, BinnedParams, YKind};
use infoscope_estimators::gaussian::GaussianParams;
use infoscope_estimators::knn::KsgParams;
use infoscope_estimators::kt::KtParams;
use infoscope_estimators::spec::Params;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::AnalysisConfig;

/// `[analysis.binned]`: the binning estimator's settings besides its bins. The bins are set
/// by `layer_bins`, `neuron_bins` and `plane_bins` (equal intervals of each unit's range,
/// chosen by `bin_range`), and Y is always read as labels (the stimulus or target classes);
/// [`BinnedSettings::params`] gives the whole estimator. A `policy` or `y_kind` key is
/// refused with a message saying so.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct BinnedSettings {
    /// The bias correction of every binned and plug-in value of the analyses: the layer
    /// curves, the trial panel's entropies, per-neuron MI and the information plane. `none`
    /// (default), `miller-madow`, `jackknife` or `james-stein`.
    pub correction: BiasCorrection,
}

impl BinnedSettings {
    /// The binning estimator of `n_bins` equal intervals of `[0, 1]` per unit (the analyses
    /// scale each unit to `[0, 1]` by its range first), with Y read as labels.
    #[must_use]
    pub fn params(&self, n_bins: usize) -> BinnedParams {
        BinnedParams::default()
            .policy(BinPolicy::FixedIntervals {
                lo: 0.0,
                hi: 1.0,
                n_bins,
            })
            .correction(self.correction)
            .y_kind(YKind::Labels)
    }
}

impl Serialize for BinnedSettings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The derived (remote = "Self") serialiser.
        BinnedSettings::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for BinnedSettings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Guard::<BinnedSettings>(PhantomData))
    }
}

/// Why `policy` or `y_kind` is not a key of the binned table: the analyses fix the policy
/// and how Y is read.
fn binned_key(key: &str) -> String {
    let why = if key == "policy" {
        "the binning policy is set by `layer_bins`, `neuron_bins` and `plane_bins` (equal \
         intervals of each unit's range) with `bin_range`"
    } else {
        "Y is always read as labels (the stimulus or target classes)"
    };
    format!("`{key}` is not a setting of `[analysis.binned]`: {why}")
}

/// `[analysis.kt]`.
pub(super) fn kt<'de, D: Deserializer<'de>>(d: D) -> Result<KtParams, D::Error> {
    table(d, AnalysisConfig::default().kt, |s| match s {
        EstimatorSpec::Kt(p) => Some(p),
        _ => None,
    })
}

/// `[analysis.ksg]`.
pub(super) fn ksg<'de, D: Deserializer<'de>>(d: D) -> Result<KsgParams, D::Error> {
    table(d, AnalysisConfig::default().ksg, |s| match s {
        EstimatorSpec::Ksg(p) => Some(p),
        _ => None,
    })
}

/// `[analysis.gaussian]`.
pub(super) fn gaussian<'de, D: Deserializer<'de>>(d: D) -> Result<GaussianParams, D::Error> {
    table(d, AnalysisConfig::default().gaussian, |s| match s {
        EstimatorSpec::Gaussian(p) => Some(p),
        _ => None,
    })
}

/// An estimator's parameters from a table: the keys given over `default`, parsed by
/// [`EstimatorSpec::from_fields`].
fn table<'de, D, P>(d: D, default: P, pick: fn(EstimatorSpec) -> Option<P>) -> Result<P, D::Error>
where
    D: Deserializer<'de>,
    P: Params,
{
    let given = Map::<String, Value>::deserialize(d)?;
    let mut fields = match serde_json::to_value(&default) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    fields.extend(given);
    let spec = EstimatorSpec::from_fields(P::METHOD, fields)
        .map_err(|e| de::Error::custom(format!("in the `{}` table: {e}", P::METHOD)))?;
    pick(spec).ok_or_else(|| de::Error::custom(format!("not a `{}` table", P::METHOD)))
}

/// A key of earlier versions of `[analysis]`: where it moved.
struct Moved {
    old: &'static str,
    table: &'static str,
    key: &'static str,
}

const MOVED: [Moved; 2] = [
    Moved {
        old: "ksg_k",
        table: "ksg",
        key: "k",
    },
    Moved {
        old: "kt_noise_var",
        table: "kt",
        key: "noise_var",
    },
];

/// Where `key` (set to `value`), a key of earlier versions, moved.
fn moved_key(key: &str, value: &Value) -> String {
    match MOVED.iter().find(|m| m.old == key) {
        Some(m) => format!(
            "`{}` has moved: the estimators are named by their own parameters, so write `{} = \
             {value}` in the `[analysis.{}]` table (in Python, `{}={{\"{}\": {value}}}`)",
            m.old, m.key, m.table, m.table, m.key
        ),
        None => format!("`{key}` is not an analysis setting"),
    }
}

/// [`AnalysisConfig`] by its derived deserialiser, with a key that moved refused first.
pub(super) fn without_moved_keys<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<AnalysisConfig, D::Error> {
    d.deserialize_map(Guard::<AnalysisConfig>(PhantomData))
}

/// A settings table whose derived deserialiser is guarded: some keys are refused with a
/// message of their own (where a key moved, why a key is not a setting) before it runs.
pub(super) trait Guarded: Sized {
    /// What the table is, for serde's "expected" messages.
    const WHAT: &'static str;

    /// Whether `key` is refused.
    fn refused(key: &str) -> bool;

    /// The message refusing `key`, set to `value`.
    fn message(key: &str, value: &Value) -> String;

    /// The derived deserialiser.
    ///
    /// # Errors
    /// Serde's.
    fn derived<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

impl Guarded for AnalysisConfig {
    const WHAT: &'static str = "a table of analysis settings";

    fn refused(key: &str) -> bool {
        MOVED.iter().any(|m| m.old == key)
    }

    fn message(key: &str, value: &Value) -> String {
        moved_key(key, value)
    }

    fn derived<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        AnalysisConfig::deserialize(d)
    }
}

impl Guarded for BinnedSettings {
    const WHAT: &'static str = "the binning estimator's settings";

    fn refused(key: &str) -> bool {
        ["policy", "y_kind"].contains(&key)
    }

    fn message(key: &str, _: &Value) -> String {
        binned_key(key)
    }

    fn derived<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BinnedSettings::deserialize(d)
    }
}

/// The visitor of a [`Guarded`] table.
struct Guard<T>(PhantomData<T>);

impl<'de, T: Guarded> Visitor<'de> for Guard<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::derived(MapAccessDeserializer::new(Keys {
            map,
            refused: T::refused,
            message: T::message,
        }))
    }
}

/// The keys of a map, each checked by `refused` before the derived deserialiser sees it.
struct Keys<A> {
    map: A,
    refused: fn(&str) -> bool,
    message: fn(&str, &Value) -> String,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Keys<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<String>()? else {
            return Ok(None);
        };
        if (self.refused)(&key) {
            let value: Value = self.map.next_value()?;
            return Err(de::Error::custom((self.message)(&key, &value)));
        }
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}
