//! RMS Pearson-correlation proxies of the flux (SPEC.md §7), exactly from π and T.
//!
//! With binary values y_i ∈ {0, 1} (Pearson correlation is unchanged by the affine map to
//! spins, so the coding does not matter):
//! - equal-time: $C_{ij} = \operatorname{corr}(y_i(t), y_j(t))$ over ordered pairs i ≠ j;
//! - lagged, all: $C_{ij} = \operatorname{corr}(y_i(t), y_j(t+1))$ over all N² pairs;
//! - lagged, off-diagonal: the same over i ≠ j;
//!
//! and $C_{\mathrm{rms}} = \sqrt{\operatorname{mean} C_{ij}^2}$. A pair in which either
//! variable has zero variance (a neuron that is constant under the distribution) has no
//! correlation: it is **excluded** from the mean and counted in [`Rms::excluded`]; when every
//! pair is excluded [`Rms::value`] is `None`.

use serde::{Deserialize, Serialize};

use super::exact::Transition;
use super::network::Update;
use crate::error::{NetsError, Result};

/// One RMS correlation: its value and how many pairs entered it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rms {
    /// √(mean over counted pairs of C_ij²); `None` when no pair could be counted.
    pub value: Option<f64>,
    /// Pairs counted.
    pub pairs: usize,
    /// Pairs excluded because a neuron had zero variance.
    pub excluded: usize,
}

/// The three RMS correlation proxies.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrelationProxies {
    /// Equal-time, i ≠ j.
    pub equal_time: Rms,
    /// Lagged corr(y_i(t), y_j(t+1)) over all (i, j).
    pub lagged_all: Rms,
    /// Lagged over i ≠ j.
    pub lagged_off_diagonal: Rms,
}

/// First and second moments of (y(t), y(t+1)), the input of [`CorrelationProxies`].
#[derive(Clone, Debug, PartialEq)]
pub struct Moments {
    /// N.
    pub n: usize,
    /// E[y_i(t)].
    pub mean_now: Vec<f64>,
    /// E[y_j(t+1)].
    pub mean_next: Vec<f64>,
    /// E[y_i(t) y_j(t)], row-major N × N.
    pub equal_time: Vec<f64>,
    /// E[y_i(t) y_j(t+1)], row-major N × N.
    pub lagged: Vec<f64>,
}

/// Variances at or below this are treated as zero (a constant neuron).
const ZERO_VARIANCE: f64 = 1e-300;

impl Moments {
    /// The exact moments with x(t) ~ `p` (e.g. π) and x(t+1) drawn by `transition`.
    ///
    /// # Errors
    /// [`NetsError::Shape`] (`p`) unless it has 2^N entries.
    pub fn exact(transition: &Transition, p: &[f64]) -> Result<Self> {
        let n = transition.n();
        let states = transition.n_states();
        if p.len() != states {
            return Err(NetsError::Shape {
                argument: "p",
                got: vec![p.len()],
                expected: format!("[{states}] (one probability per state)"),
            });
        }
        let mut m = Self {
            n,
            mean_now: vec![0.0; n],
            mean_next: vec![0.0; n],
            equal_time: vec![0.0; n * n],
            lagged: vec![0.0; n * n],
        };
        let stay = match transition.update() {
            Update::Synchronous => 0.0,
            Update::Asynchronous => 1.0 - 1.0 / n as f64,
        };
        let mut next = vec![0.0; n];
        for (s, &ps) in p.iter().enumerate() {
            if ps == 0.0 {
                continue;
            }
            for (j, v) in next.iter_mut().enumerate() {
                let on = f64::from(u8::from(s >> j & 1 == 1));
                // P(y_j(t+1) = 1 | s): an update with probability 1 − stay.
                *v = (1.0 - stay) * transition.fire_probability(s, j) + stay * on;
                m.mean_next[j] += ps * *v;
            }
            for i in (0..n).filter(|i| s >> i & 1 == 1) {
                m.mean_now[i] += ps;
                for (j, &nj) in next.iter().enumerate() {
                    if s >> j & 1 == 1 {
                        m.equal_time[i * n + j] += ps;
                    }
                    m.lagged[i * n + j] += ps * nj;
                }
            }
        }
        Ok(m)
    }

    /// The three proxies from these moments.
    #[must_use]
    pub fn proxies(&self) -> CorrelationProxies {
        let n = self.n;
        let var = |m: f64| m * (1.0 - m);
        let corr = |cross: f64, a: f64, b: f64| {
            let (va, vb) = (var(a), var(b));
            (va > ZERO_VARIANCE && vb > ZERO_VARIANCE).then(|| (cross - a * b) / (va * vb).sqrt())
        };
        let mut acc = [Acc::default(); 3];
        for i in 0..n {
            for j in 0..n {
                let lag = corr(self.lagged[i * n + j], self.mean_now[i], self.mean_next[j]);
                acc[1].add(lag);
                if i != j {
                    acc[0].add(corr(
                        self.equal_time[i * n + j],
                        self.mean_now[i],
                        self.mean_now[j],
                    ));
                    acc[2].add(lag);
                }
            }
        }
        CorrelationProxies {
            equal_time: acc[0].rms(),
            lagged_all: acc[1].rms(),
            lagged_off_diagonal: acc[2].rms(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    sum_sq: f64,
    pairs: usize,
    excluded: usize,
}

impl Acc {
    fn add(&mut self, c: Option<f64>) {
        match c {
            Some(c) => {
                self.sum_sq += c * c;
                self.pairs += 1;
            }
            None => self.excluded += 1,
        }
    }

    fn rms(self) -> Rms {
        Rms {
            value: (self.pairs > 0).then(|| (self.sum_sq / self.pairs as f64).sqrt()),
            pairs: self.pairs,
            excluded: self.excluded,
        }
    }
}

/// The exact proxies with x(t) ~ `p` (π for the stationary proxies).
///
/// # Errors
/// As [`Moments::exact`].
pub fn exact_proxies(transition: &Transition, p: &[f64]) -> Result<CorrelationProxies> {
    Ok(Moments::exact(transition, p)?.proxies())
}
