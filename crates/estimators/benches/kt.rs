//! Criterion bench of the Kolchinsky–Tracey I(X;T) bounds (both bounds, one pass) on tanh
//! activations: `kt/mi_bounds/4000x256` and the tiled `kt/mi_bounds/20000x256`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use infoscope_estimators::kt::KolchinskyTracey;
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

fn activations(seed: u64, n: usize, d: usize) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    Array2::from_shape_simple_fn((n, d), || rng.sample::<f64, _>(StandardNormal).tanh())
}

fn bench_kt(c: &mut Criterion) {
    let kt = KolchinskyTracey::new(0.1).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("kt");
    group.sample_size(10);
    for n in [4000, 20_000] {
        let h = activations(3, n, 256);
        group.bench_function(BenchmarkId::new("mi_bounds", format!("{n}x256")), |b| {
            b.iter(|| kt.mi_input_bounds(black_box(h.view()), None))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_kt);
criterion_main!(benches);
