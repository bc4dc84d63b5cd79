//! Criterion bench of the Gaussian MI estimator on a wide layer-to-layer problem:
//! X and Y of 10,000 samples × 128 dims each, with correlated columns.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use infoscope_estimators::MutualInformation;
use infoscope_estimators::gaussian::Gaussian;
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// X (n × d) standard normal; Y = 0.6·X with each column mixed with its neighbour, plus noise.
fn correlated(seed: u64, n: usize, d: usize) -> (Array2<f64>, Array2<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut draw = || rng.sample::<f64, _>(StandardNormal);
    let x = Array2::from_shape_simple_fn((n, d), &mut draw);
    let y = Array2::from_shape_fn((n, d), |(i, j)| {
        0.6 * x[[i, j]] + 0.3 * x[[i, (j + 1) % d]] + draw()
    });
    (x, y)
}

fn bench_gaussian(c: &mut Criterion) {
    let mut group = c.benchmark_group("gaussian");
    group.sample_size(10);
    let (x, y) = correlated(2024, 10_000, 128);
    let gaussian = Gaussian::default();
    group.bench_function(BenchmarkId::new("mi", "128+128x10000"), |b| {
        b.iter(|| gaussian.estimate(black_box(x.view()), black_box(y.view())))
    });
    group.finish();
}

criterion_group!(benches, bench_gaussian);
criterion_main!(benches);
