//! The compact forms a parameter may take in every face (CLI flag, TOML value, Python keyword),
//! besides its full serde mapping: a binning policy as a spec string or a bin count, noise as
//! its standard deviation. Serialisation always writes the full mapping.

use std::fmt;

use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use serde::{Deserialize, Deserializer};

use crate::discrete::BinPolicy;
use crate::knn::Noise;

/// A [`BinPolicy`]: the mapping (`{kind = "fixed_edges", lo = -1, hi = 1, n_edges = 30}`), the
/// compact string (`"fixed-edges:-1:1:30"`, see [`BinPolicy`]'s `FromStr`) or a bin count
/// (`10`, the same as `"unit-minmax:10"`).
pub(crate) fn policy<'de, D: Deserializer<'de>>(d: D) -> Result<BinPolicy, D::Error> {
    struct PolicyVisitor;

    impl<'de> Visitor<'de> for PolicyVisitor {
        type Value = BinPolicy;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(
                "a binning policy: a spec such as \"unit-minmax:10\", a bin count, or a mapping \
                 with `kind`",
            )
        }

        /// Parsed, not checked: [`BinPolicy::check`] (in the parameters' `check()`) names the
        /// number at fault (`width`, `n_bins`, ...).
        fn visit_str<E: de::Error>(self, v: &str) -> Result<BinPolicy, E> {
            BinPolicy::parse_unchecked(v).map_err(E::custom)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<BinPolicy, E> {
            self.visit_str(&v.to_string())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<BinPolicy, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::custom(format!("a bin count must be ≥ 1, got {v}"))),
            }
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<BinPolicy, A::Error> {
            BinPolicy::deserialize(MapAccessDeserializer::new(map))
        }
    }

    d.deserialize_any(PolicyVisitor)
}

/// A [`Noise`]: the mapping (`{kind = "gaussian", std = 1e-8}`), a standard deviation
/// (`1e-8`), or none (`null`, `"none"`, or in Python `None`).
pub(crate) fn noise<'de, D: Deserializer<'de>>(d: D) -> Result<Noise, D::Error> {
    struct NoiseVisitor;

    impl<'de> Visitor<'de> for NoiseVisitor {
        type Value = Noise;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("noise: a standard deviation, \"none\", or a mapping with `kind`")
        }

        fn visit_f64<E: de::Error>(self, std: f64) -> Result<Noise, E> {
            Ok(Noise::Gaussian { std })
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Noise, E> {
            Ok(Noise::Gaussian { std: v as f64 })
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Noise, E> {
            Ok(Noise::Gaussian { std: v as f64 })
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Noise, E> {
            match v {
                "none" => Ok(Noise::None),
                other => other
                    .parse::<f64>()
                    .map(|std| Noise::Gaussian { std })
                    .map_err(|_| E::custom(format!("unknown noise {other:?}"))),
            }
        }

        fn visit_unit<E: de::Error>(self) -> Result<Noise, E> {
            Ok(Noise::None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Noise, E> {
            Ok(Noise::None)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Noise, A::Error> {
            Noise::deserialize(MapAccessDeserializer::new(map))
        }
    }

    d.deserialize_any(NoiseVisitor)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "policy")]
        policy: BinPolicy,
        #[serde(deserialize_with = "noise")]
        noise: Noise,
    }

    fn holder(v: serde_json::Value) -> Result<Holder, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn every_form_reads_the_same_value() {
        let full = holder(json!({
            "policy": {"kind": "per_unit_min_max", "n_bins": 7},
            "noise": {"kind": "gaussian", "std": 1e-8},
        }))
        .unwrap();
        for (policy, noise) in [
            (json!("unit-minmax:7"), json!(1e-8)),
            (json!(7), json!("1e-8")),
        ] {
            let h = holder(json!({"policy": policy, "noise": noise})).unwrap();
            assert_eq!(h.policy, full.policy);
            assert_eq!(h.noise, full.noise);
        }
        for none in [json!(null), json!("none"), json!({"kind": "none"})] {
            let h = holder(json!({"policy": 3, "noise": none})).unwrap();
            assert_eq!(h.noise, Noise::None);
        }
        let toml: Holder = toml::from_str("policy = 4\nnoise = 0.5").unwrap();
        assert_eq!(toml.policy, BinPolicy::PerUnitMinMax { n_bins: 4 });
        assert_eq!(toml.noise, Noise::Gaussian { std: 0.5 });
    }

    #[test]
    fn bad_forms_say_what_is_expected() {
        let err = holder(json!({"policy": -2, "noise": 1})).unwrap_err();
        assert!(err.to_string().contains("≥ 1"), "{err}");
        let err = holder(json!({"policy": "bogus:1", "noise": 1})).unwrap_err();
        assert!(err.to_string().contains("unknown binning policy"), "{err}");
        let err = holder(json!({"policy": 2, "noise": "loud"})).unwrap_err();
        assert!(err.to_string().contains("unknown noise"), "{err}");
        let err = holder(json!({"policy": [1], "noise": 1})).unwrap_err();
        assert!(err.to_string().contains("binning policy"), "{err}");
    }
}
