//! Seeded data generators shared by the integration tests.

use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded random stream.
pub fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// `n × d` standard normal values.
pub fn normals(seed: u64, n: usize, d: usize) -> Array2<f64> {
    let mut r = rng(seed);
    Array2::from_shape_simple_fn((n, d), || r.sample(StandardNormal))
}

/// `n` integer labels uniform in `0..classes`.
pub fn labels(seed: u64, n: usize, classes: i64) -> ndarray::Array1<i64> {
    let mut r = rng(seed);
    ndarray::Array1::from_shape_simple_fn(n, || r.random_range(0..classes))
}

/// A random permutation of `0..n`.
pub fn permutation(seed: u64, n: usize) -> Vec<usize> {
    use rand::seq::SliceRandom;
    let mut p: Vec<usize> = (0..n).collect();
    p.shuffle(&mut rng(seed));
    p
}

/// X, Y (each `n × d`) with `d` independent component pairs of correlation `rho`:
/// I(X;Y) = −(d/2) ln(1 − ρ²) nats.
pub fn gaussian_pairs(seed: u64, n: usize, d: usize, rho: f64) -> (Array2<f64>, Array2<f64>) {
    let x = normals(seed, n, d);
    let e = normals(seed + 10_000, n, d);
    let y = &x * rho + &e * (1.0 - rho * rho).sqrt();
    (x, y)
}

/// The max-norm (Chebyshev) distance between rows `i` and `j` of `a`, written out for the
/// oracles.
pub fn dist(a: ndarray::ArrayView2<'_, f64>, i: usize, j: usize) -> f64 {
    a.row(i)
        .iter()
        .zip(a.row(j).iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}
