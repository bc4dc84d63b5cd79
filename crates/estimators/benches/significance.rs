//! Criterion bench of surrogate tests (99 surrogates), each estimator with its reuse across
//! surrogates (`reuse`) against re-running the estimator on every surrogate (`rerun`, through
//! the `FromFn` adapter, which reuses nothing):
//! `significance/{gaussian_16+16_n5000,ksg_1+1_n10000,kt_labels_2000x64}/{reuse,rerun}`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use infoscope_estimators::gaussian::Gaussian;
use infoscope_estimators::knn::Ksg;
use infoscope_estimators::kt::KolchinskyTracey;
use infoscope_estimators::significance::{FromFn, Surrogate, surrogate_test};
use infoscope_estimators::{MutualInformation, Result};
use ndarray::{Array1, Array2, ArrayView2};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

const SURROGATES: usize = 99;

fn normals(seed: u64, n: usize, d: usize) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    Array2::from_shape_simple_fn((n, d), || rng.sample(StandardNormal))
}

fn compare<E: MutualInformation + Sync>(
    c: &mut Criterion,
    name: &str,
    est: &E,
    x: &Array2<f64>,
    y: &Array2<f64>,
) {
    let mut group = c.benchmark_group(format!("significance/{name}"));
    group.sample_size(10);
    let kind = Surrogate::Permutation;
    group.bench_function("reuse", |b| {
        b.iter(|| surrogate_test(est, black_box(x.view()), y.view(), kind, SURROGATES, 1))
    });
    let rerun = FromFn(|a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>| est.estimate(a, b));
    group.bench_function("rerun", |b| {
        b.iter(|| surrogate_test(&rerun, black_box(x.view()), y.view(), kind, SURROGATES, 1))
    });
    group.finish();
}

fn bench_significance(c: &mut Criterion) {
    let (x, y) = (normals(1, 5000, 16), normals(2, 5000, 16));
    compare(c, "gaussian_16+16_n5000", &Gaussian::default(), &x, &y);
    let (x, y) = (normals(3, 10_000, 1), normals(4, 10_000, 1));
    let ksg = Ksg::params().check().unwrap_or_else(|e| panic!("{e}"));
    compare(c, "ksg_1+1_n10000", &ksg, &x, &y);

    let h = normals(5, 2000, 64).mapv(f64::tanh);
    let labels = Array1::from_shape_fn(2000, |i| (i % 8) as i64);
    let kt = KolchinskyTracey::new(0.1).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("significance/kt_labels_2000x64");
    group.sample_size(10);
    group.bench_function("reuse", |b| {
        b.iter(|| {
            kt.label_surrogate_test(
                black_box(h.view()),
                labels.view(),
                None,
                Surrogate::Permutation,
                SURROGATES,
                1,
            )
        })
    });
    let as_float = labels.mapv(|l| l as f64).insert_axis(ndarray::Axis(1));
    let rerun = FromFn(
        |a: ArrayView2<'_, f64>, b: ArrayView2<'_, f64>| -> Result<_> {
            let y = b.column(0).mapv(|v| v as i64);
            Ok(kt.mi_label_bounds(a, y.view(), None)?.upper)
        },
    );
    group.bench_function("rerun", |b| {
        b.iter(|| {
            surrogate_test(
                &rerun,
                black_box(h.view()),
                as_float.view(),
                Surrogate::Permutation,
                SURROGATES,
                1,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench_significance);
criterion_main!(benches);
