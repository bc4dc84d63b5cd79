//! Seeded streams and the vectorisable Box–Muller recurrent noise.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Splitmix64 finaliser (Steele, Lea & Flood 2014): derives independent stream seeds.
pub(super) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of stream `stream` under `seed`.
pub(super) fn stream(seed: u64, stream: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix(mix(seed) ^ stream))
}

/// The recurrent-noise generator of one trial: a Xoshiro256++ stream seeded from
/// `(noise_seed, trial)`, turned into standard normal draws by the Box–Muller transform
/// (Box & Muller 1958), one 64-bit draw per pair of normals.
///
/// Each draw gives $u_1 \in [2^{-24}, 1]$ (24 bits), an angle $\varphi$ uniform on
/// $(-\pi/4, \pi/4)$ (21 bits) and three bits that swap $\cos\varphi, \sin\varphi$ and flip
/// their signs, which together make the polar angle uniform on the circle; then
/// $z_{1,2} = \sqrt{-2 \ln u_1}\,(\pm\cos\varphi, \pm\sin\varphi)$. All of it is branch-free
/// polynomial arithmetic, so it vectorises; the tails are cut at $|z| \le 5.77$ (probability
/// $< 10^{-8}$ under the exact normal).
#[derive(Debug)]
pub(super) struct NoiseStream(Xoshiro256PlusPlus);

/// Reusable buffers for [`NoiseStream::fill`].
#[derive(Debug, Default)]
pub(super) struct NoiseScratch {
    pub(super) hi: Vec<u32>,
    pub(super) lo: Vec<u32>,
    /// The last `fill`'s standard normal draws.
    pub(super) z: Vec<f32>,
}

impl NoiseStream {
    pub(super) fn new(noise_seed: u64, trial: usize) -> Self {
        Self(stream(noise_seed, trial as u64))
    }

    /// Draw `n` standard normals into `scratch.z` (first halves of the pairs, then the second
    /// halves).
    #[inline(always)]
    pub(super) fn fill(&mut self, scratch: &mut NoiseScratch, n: usize) {
        let pairs = n.div_ceil(2);
        scratch.hi.resize(pairs, 0);
        scratch.lo.resize(pairs, 0);
        scratch.z.resize(2 * pairs, 0.0);
        for (hi, lo) in scratch.hi.iter_mut().zip(scratch.lo.iter_mut()) {
            let bits = self.0.next_u64();
            *hi = (bits >> 32) as u32;
            *lo = bits as u32;
        }
        let (first, second) = scratch.z.split_at_mut(pairs);
        let draws = scratch.hi.iter().zip(&scratch.lo);
        for ((z0, z1), (&hi, &lo)) in first.iter_mut().zip(second.iter_mut()).zip(draws) {
            (*z0, *z1) = box_muller(hi, lo);
        }
        scratch.z.truncate(n);
    }
}

/// Two standard normals from 64 random bits; see [`NoiseStream`].
#[inline(always)]
pub(super) fn box_muller(hi: u32, lo: u32) -> (f32, f32) {
    use std::f32::consts::{FRAC_PI_2, FRAC_PI_4};
    const TWO_M24: f32 = 1.0 / 16_777_216.0;
    const TWO_M21: f32 = 1.0 / 2_097_152.0;
    // Both conversions are exact: the integers are below 2^24.
    #[allow(clippy::cast_possible_wrap, clippy::cast_precision_loss)]
    let u1 = ((hi >> 8) as i32 as f32 + 1.0) * TWO_M24;
    #[allow(clippy::cast_possible_wrap, clippy::cast_precision_loss)]
    let phi = ((lo >> 11) as i32 as f32 + 0.5) * TWO_M21 * FRAC_PI_2 - FRAC_PI_4;
    let r = (-2.0 * ln_unit(u1)).sqrt();
    // Taylor series on |φ| ≤ π/4: truncation below 2·10⁻⁹.
    let p2 = phi * phi;
    let sin = phi
        * (1.0 + p2 * (-1.0 / 6.0 + p2 * (1.0 / 120.0 + p2 * (-1.0 / 5040.0 + p2 / 362_880.0))));
    let cos = 1.0
        + p2 * (-0.5
            + p2 * (1.0 / 24.0 + p2 * (-1.0 / 720.0 + p2 * (1.0 / 40_320.0 - p2 / 3_628_800.0))));
    let swap = lo & 1 != 0;
    let (a, b) = if swap { (sin, cos) } else { (cos, sin) };
    let a = f32::from_bits((r * a).to_bits() ^ (((lo >> 1) & 1) << 31));
    let b = f32::from_bits((r * b).to_bits() ^ (((lo >> 2) & 1) << 31));
    (a, b)
}

/// $\ln u$ for normal positive `u` (here $u \in [2^{-24}, 1]$): $u = 2^k m$ with
/// $m \in [\sqrt{1/2}, \sqrt 2)$, $\ln m = 2\,\mathrm{atanh}\,s$, $s = (m - 1)/(m + 1)$,
/// $|s| \le 0.172$, series to $s^9$.
#[inline(always)]
pub(super) fn ln_unit(u: f32) -> f32 {
    let bits = u.to_bits();
    let mantissa = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    #[allow(clippy::cast_possible_wrap)]
    let exponent = ((bits >> 23) & 0xff) as i32 - 127;
    let big = mantissa > std::f32::consts::SQRT_2;
    let m = if big { 0.5 * mantissa } else { mantissa };
    #[allow(clippy::cast_precision_loss)]
    let k = (exponent + i32::from(big)) as f32;
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let series = 2.0 + z * (2.0 / 3.0 + z * (2.0 / 5.0 + z * (2.0 / 7.0 + z * (2.0 / 9.0))));
    k * std::f32::consts::LN_2 + s * series
}
