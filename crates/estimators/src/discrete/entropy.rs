//! Plug-in entropies from counts and the bias corrections of the discrete family.
//!
//! Every discrete quantity is a signed sum of entropies of (joint) variables, e.g.
//! $I(X;Y) = H(X) + H(Y) - H(X,Y)$. The Miller–Madow and jackknife corrections are applied to
//! each entropy term (the jackknife is linear in the statistic, so jackknifing every term equals
//! jackknifing the sum). James–Stein shrinkage instead shrinks the *full joint* distribution of
//! all variables involved towards the uniform distribution on the product of their observed
//! alphabets, and every term is an entropy of a marginal of that shrunk joint (Hausser &
//! Strimmer, JMLR 10, 2009).

use serde::{Deserialize, Serialize};

/// Bias correction of plug-in entropies. Off by default: no source of SPEC.md §1.1 uses one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BiasCorrection {
    /// The plain plug-in (maximum-likelihood) estimate $\hat H = -\sum_k p_k \ln p_k$.
    #[default]
    None,
    /// Miller–Madow: $\hat H + (m-1)/(2P)$ nats, with $m$ the number of occupied symbols and
    /// $P$ the number of samples (Miller 1955; SPEC.md §1.1).
    #[serde(alias = "miller_madow")]
    MillerMadow,
    /// Leave-one-out jackknife: $P\hat H - \frac{P-1}{P}\sum_i \hat H_{-i}$ (Efron & Stein
    /// 1981; Strong et al. 1998), computed exactly in $O(m)$ from the counts.
    Jackknife,
    /// James–Stein shrinkage of the joint frequencies towards uniform, with the shrinkage
    /// intensity $\lambda$ estimated from the data (Hausser & Strimmer 2009, eq. 8).
    #[serde(alias = "james_stein")]
    JamesStein,
}

impl BiasCorrection {
    /// The name used in Rust, TOML, Python and the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            BiasCorrection::None => "none",
            BiasCorrection::MillerMadow => "miller-madow",
            BiasCorrection::Jackknife => "jackknife",
            BiasCorrection::JamesStein => "james-stein",
        }
    }

    /// All corrections, for `--help` texts and parsing.
    pub const ALL: [BiasCorrection; 4] = [
        BiasCorrection::None,
        BiasCorrection::MillerMadow,
        BiasCorrection::Jackknife,
        BiasCorrection::JamesStein,
    ];
}

impl std::str::FromStr for BiasCorrection {
    type Err = crate::EstimatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == key)
            .ok_or_else(|| crate::EstimatorError::InvalidParameter {
                name: "correction",
                reason: format!(
                    "unknown bias correction {s:?}; expected one of none, miller-madow, \
                     jackknife, james-stein"
                ),
            })
    }
}

/// `c ln c`, with `0 ln 0 = 0`.
#[inline]
fn xlnx(c: f64) -> f64 {
    if c > 0.0 { c * c.ln() } else { 0.0 }
}

/// Plug-in entropy (nats) of a distribution given by its non-zero `counts` summing to `n`.
#[must_use]
pub fn plugin_entropy(counts: &[u64], n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let nf = n as f64;
    let s: f64 = counts.iter().map(|&c| xlnx(c as f64)).sum();
    (nf.ln() - s / nf).max(0.0)
}

/// Jackknife entropy (nats): $P\hat H - \frac{P-1}{P}\sum_k c_k \hat H_{-k}$, where
/// $\hat H_{-k}$ is the plug-in entropy with one sample of symbol $k$ left out.
#[must_use]
pub fn jackknife_entropy(counts: &[u64], n: u64) -> f64 {
    if n < 2 {
        return plugin_entropy(counts, n);
    }
    let nf = n as f64;
    let s: f64 = counts.iter().map(|&c| xlnx(c as f64)).sum();
    let h = nf.ln() - s / nf;
    let m1 = nf - 1.0;
    let sum_loo: f64 = counts
        .iter()
        .map(|&c| {
            let c = c as f64;
            let s_minus = s - xlnx(c) + xlnx(c - 1.0);
            c * (m1.ln() - s_minus / m1)
        })
        .sum();
    nf * h - m1 / nf * sum_loo
}

/// The James–Stein shrinkage intensity of Hausser & Strimmer (2009, eq. 8) for frequencies
/// `counts / n` over an alphabet of `alphabet` cells (observed ones plus empty ones), clipped
/// to [0, 1].
#[must_use]
pub fn james_stein_lambda(counts: &[u64], n: u64, alphabet: f64) -> f64 {
    if n < 2 || alphabet <= 1.0 {
        return 1.0;
    }
    let nf = n as f64;
    let target = 1.0 / alphabet;
    let sum_sq: f64 = counts.iter().map(|&c| (c as f64 / nf).powi(2)).sum();
    let empty = alphabet - counts.len() as f64;
    let dist: f64 = counts
        .iter()
        .map(|&c| (target - c as f64 / nf).powi(2))
        .sum::<f64>()
        + empty * target * target;
    if dist <= 0.0 {
        return 1.0;
    }
    ((1.0 - sum_sq) / ((nf - 1.0) * dist)).clamp(0.0, 1.0)
}

/// Entropy (nats) of the shrunk distribution $\lambda/K + (1-\lambda)\,c_k/n$ on an alphabet of
/// `alphabet` = $K$ cells, of which `counts` are the occupied ones.
#[must_use]
pub fn shrunk_entropy(counts: &[u64], n: u64, lambda: f64, alphabet: f64) -> f64 {
    let nf = n as f64;
    let base = lambda / alphabet;
    let occupied: f64 = counts
        .iter()
        .map(|&c| -xlnx(base + (1.0 - lambda) * c as f64 / nf))
        .sum();
    let empty = (alphabet - counts.len() as f64).max(0.0);
    occupied - empty * xlnx(base)
}

/// One entropy term of a signed sum: the counts of a (joint) variable and the product of the
/// observed alphabet sizes of the variables it joins (used by James–Stein only).
#[derive(Clone, Debug)]
pub struct Term {
    /// Non-zero counts of the variable's symbols.
    pub counts: Vec<u64>,
    /// Product of the observed alphabet sizes of the joined variables.
    pub alphabet: f64,
    /// +1 or −1.
    pub sign: f64,
}

/// The corrected signed sum of entropy terms, plus the plug-in value and λ (James–Stein only).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Combined {
    /// The corrected value (nats).
    pub value: f64,
    /// The uncorrected plug-in value (nats).
    pub plugin: f64,
    /// The James–Stein shrinkage intensity, if that correction was used.
    pub lambda: Option<f64>,
}

/// Combine `terms` with `correction`. `full` is the term of the joint of all variables involved;
/// James–Stein estimates λ from it.
#[must_use]
pub fn combine(terms: &[Term], full: &Term, n: u64, correction: BiasCorrection) -> Combined {
    let plugin: f64 = terms
        .iter()
        .map(|t| t.sign * plugin_entropy(&t.counts, n))
        .sum();
    let (value, lambda) = match correction {
        BiasCorrection::None => (plugin, None),
        BiasCorrection::MillerMadow => {
            let mm: f64 = terms
                .iter()
                .map(|t| t.sign * (t.counts.len() as f64 - 1.0) / (2.0 * n as f64))
                .sum();
            (plugin + mm, None)
        }
        BiasCorrection::Jackknife => (
            terms
                .iter()
                .map(|t| t.sign * jackknife_entropy(&t.counts, n))
                .sum(),
            None,
        ),
        BiasCorrection::JamesStein => {
            let lambda = james_stein_lambda(&full.counts, n, full.alphabet);
            let v = terms
                .iter()
                .map(|t| t.sign * shrunk_entropy(&t.counts, n, lambda, t.alphabet))
                .sum();
            (v, Some(lambda))
        }
    };
    Combined {
        value,
        plugin,
        lambda,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute-force jackknife: remove each sample in turn.
    fn jackknife_brute(samples: &[u32]) -> f64 {
        let count = |s: &[u32]| {
            let mut c = std::collections::BTreeMap::new();
            for &v in s {
                *c.entry(v).or_insert(0_u64) += 1;
            }
            c.into_values().collect::<Vec<_>>()
        };
        let n = samples.len();
        let h = plugin_entropy(&count(samples), n as u64);
        let loo: f64 = (0..n)
            .map(|i| {
                let mut s = samples.to_vec();
                s.remove(i);
                plugin_entropy(&count(&s), n as u64 - 1)
            })
            .sum();
        n as f64 * h - (n as f64 - 1.0) / n as f64 * loo
    }

    #[test]
    fn plugin_of_uniform_is_ln_m() {
        assert!((plugin_entropy(&[5, 5, 5, 5], 20) - 4_f64.ln()).abs() < 1e-15);
        assert_eq!(plugin_entropy(&[7], 7), 0.0);
    }

    #[test]
    fn jackknife_equals_leave_one_out_oracle() {
        let samples = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3, 4];
        let counts = [3, 2, 1, 4, 1];
        let fast = jackknife_entropy(&counts, samples.len() as u64);
        assert!((fast - jackknife_brute(&samples)).abs() < 1e-12);
    }

    #[test]
    fn james_stein_shrinks_towards_uniform() {
        // Uniform counts need no shrinkage to change the entropy: any λ gives ln K.
        let lambda = james_stein_lambda(&[3, 3, 3], 9, 3.0);
        assert!((shrunk_entropy(&[3, 3, 3], 9, lambda, 3.0) - 3_f64.ln()).abs() < 1e-12);
        // A skewed sample is pulled up towards ln K, never past it.
        let counts = [8, 1, 1];
        let lambda = james_stein_lambda(&counts, 10, 3.0);
        assert!(lambda > 0.0 && lambda <= 1.0);
        let h = shrunk_entropy(&counts, 10, lambda, 3.0);
        assert!(h > plugin_entropy(&counts, 10) && h <= 3_f64.ln() + 1e-12);
    }

    #[test]
    fn names_round_trip() {
        for c in BiasCorrection::ALL {
            assert_eq!(c.as_str().parse::<BiasCorrection>().unwrap(), c);
        }
        assert!("bogus".parse::<BiasCorrection>().is_err());
    }
}
