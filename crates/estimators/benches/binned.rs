//! Per-unit binned MI: 256 units × 10,000 samples, 30 bins per unit (min–max), 8 classes.
//! The workload of issue #2; `bench/compare.py` times the same one in numpy and scikit-learn.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use infoscope_estimators::discrete::{BinPolicy, Binned};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

fn per_unit(c: &mut Criterion) {
    let (n, d, classes) = (10_000, 256, 8);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    let x = Array2::from_shape_simple_fn((n, d), || rng.sample::<f64, _>(StandardNormal));
    let labels = Array1::from_shape_simple_fn(n, || rng.random_range(0..classes));
    let est = Binned::params()
        .policy(BinPolicy::PerUnitMinMax { n_bins: 30 })
        .check();
    let Ok(est) = est else { return };
    let mut group = c.benchmark_group("binned");
    group.sample_size(20);
    group.bench_with_input(
        BenchmarkId::new("per_unit_mi", "256x10000_30bins_8classes"),
        &(x, labels),
        |b, (x, labels)| b.iter(|| black_box(est.per_unit(x.view(), labels.view()))),
    );
    group.finish();
}

criterion_group!(benches, per_unit);
criterion_main!(benches);
