//! Criterion benches of KSG algorithm 1 (k = 3), matching `bench/compare_knn.py`:
//!
//! - `ksg_mi/{1+1,4+4,16+16}/n`: X standard normal (n × d), Y_c = 0.5·X_c + √0.75·E_c, for
//!   n ∈ {1e3, 1e4, 1e5, 1e6} (4+4 up to 1e5, 16+16 up to 1e4: exact search in a 32-D joint
//!   space is quadratic for every tool).
//! - `ksg_all_pairs/64x5000`: 5000 × 64 columns F·W/√8 + noise (8 latent factors), the MI of
//!   all 2016 column pairs.
//!
//! `INFOSCOPE_BENCH_MAX_N` limits n (e.g. 100000 for a shorter run).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use infoscope_estimators::MutualInformation;
use infoscope_estimators::knn::Ksg;
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

fn normals(rng: &mut Xoshiro256PlusPlus, n: usize, d: usize) -> Array2<f64> {
    Array2::from_shape_simple_fn((n, d), || rng.sample(StandardNormal))
}

fn pairs(seed: u64, n: usize, d: usize) -> (Array2<f64>, Array2<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let x = normals(&mut rng, n, d);
    let e = normals(&mut rng, n, d);
    let y = &x * 0.5 + &e * 0.75_f64.sqrt();
    (x, y)
}

fn latent_columns(seed: u64, n: usize, p: usize, factors: usize) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let f = normals(&mut rng, n, factors);
    let w = normals(&mut rng, factors, p);
    let noise = normals(&mut rng, n, p);
    f.dot(&w) / (factors as f64).sqrt() + noise
}

fn max_n() -> usize {
    std::env::var("INFOSCOPE_BENCH_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

fn bench_mi(c: &mut Criterion) {
    let ksg = Ksg::params().check().unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("ksg_mi");
    group.sample_size(10);
    let cases: [(usize, &[usize]); 3] = [
        (1, &[1_000, 10_000, 100_000, 1_000_000]),
        (4, &[1_000, 10_000, 100_000]),
        (16, &[1_000, 10_000]),
    ];
    for (d, ns) in cases {
        for &n in ns.iter().filter(|&&n| n <= max_n()) {
            let (x, y) = pairs(7 + n as u64, n, d);
            group.bench_with_input(BenchmarkId::new(format!("{d}+{d}"), n), &n, |b, _| {
                b.iter(|| ksg.estimate(black_box(x.view()), black_box(y.view())))
            });
        }
    }
    group.finish();
}

fn bench_all_pairs(c: &mut Criterion) {
    let ksg = Ksg::params().check().unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("ksg_all_pairs");
    group.sample_size(10);
    let a = latent_columns(11, 5000, 64, 8);
    group.bench_function("64x5000", |b| b.iter(|| ksg.all_pairs(black_box(a.view()))));
    group.finish();
}

criterion_group!(benches, bench_mi, bench_all_pairs);
criterion_main!(benches);
