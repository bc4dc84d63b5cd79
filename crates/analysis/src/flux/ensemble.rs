//! Networks drawn from a weight ensemble: the width–density–balance family or the N-rooks
//! family, with a bias rule and the dynamics, each draw seeded from (seed, index) so that any
//! draw can be reproduced alone and a batch does not depend on the thread count.

use infoscope_nets::binary::{BinaryNetwork, Rooks, WidthDensityBalance};
use serde::{Deserialize, Serialize};

use super::measure::{BiasRule, Dynamics, network};
use crate::error::Result;

/// A weight ensemble.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Ensemble {
    /// Each weight non-zero with probability d, positive with probability (1 + b)/2, of
    /// magnitude width w ([`WidthDensityBalance`]).
    Wdb(WidthDensityBalance),
    /// One strong weight per row and column plus an optional background ([`Rooks`]).
    Rooks(Rooks),
}

/// The seed of draw `index` of a batch seeded with `seed` (splitmix64 of both, so
/// neighbouring seeds and indices give unrelated streams).
#[must_use]
pub fn draw_seed(seed: u64, index: u64) -> u64 {
    let mix = |x: u64| {
        let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    mix(mix(seed) ^ index)
}

impl Ensemble {
    /// N.
    #[must_use]
    pub fn n(&self) -> usize {
        match self {
            Self::Wdb(e) => e.n,
            Self::Rooks(e) => e.n,
        }
    }

    /// Draw `index` of the batch seeded with `seed`: the network with biases from `bias`.
    ///
    /// # Errors
    /// The ensemble's parameter errors (named), and those of [`BinaryNetwork::new`].
    pub fn draw(
        &self,
        seed: u64,
        index: u64,
        bias: BiasRule,
        dynamics: &Dynamics,
    ) -> Result<BinaryNetwork> {
        let s = draw_seed(seed, index);
        let w = match self {
            Self::Wdb(e) => e.sample(s)?,
            Self::Rooks(e) => e.sample(s)?.0,
        };
        let b = bias.biases(&w);
        network(w, b, dynamics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoscope_nets::binary::Magnitude;

    #[test]
    fn a_draw_depends_on_seed_and_index_only() {
        let e = Ensemble::Wdb(WidthDensityBalance {
            n: 5,
            width: 2.0,
            density: 0.5,
            balance: 0.0,
            magnitude: Magnitude::HalfNormal,
            diagonal: false,
        });
        let d = Dynamics::default();
        let a = e.draw(3, 7, BiasRule::Zero, &d).expect("draw");
        let b = e.draw(3, 7, BiasRule::Zero, &d).expect("draw");
        let c = e.draw(3, 8, BiasRule::Zero, &d).expect("draw");
        assert_eq!(a, b);
        assert_ne!(a.weights(), c.weights());
        let centred = e.draw(3, 7, BiasRule::Centered, &d).expect("draw");
        for (i, row) in centred.weights().rows().into_iter().enumerate() {
            assert!((centred.bias()[i] + 0.5 * row.sum()).abs() < 1e-15);
        }
    }
}
