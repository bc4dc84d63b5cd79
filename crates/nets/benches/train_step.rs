//! One full training step of the paper-sized leaky RNN: forward pass, BPTT and an Adam update.
//!
//! `cargo bench -p infoscope-nets --bench train_step -- --warm-up-time 2 --measurement-time 10`;
//! `bench/compare_train_step.py` times the same step in PyTorch.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use infoscope_nets::models::leaky::{Gradients, LeakyRnn, LeakyRnnConfig, Workspace};
use infoscope_nets::nn::adam::{Adam, AdamConfig};
use ndarray::Array3;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

const N_TIME: usize = 100;
const N_BATCH: usize = 64;

fn train_step(c: &mut Criterion) {
    // 256 softplus units, 85 inputs, 33 outputs, σ_rec = 0.05: the paper's defaults.
    let config = LeakyRnnConfig::default();
    let (n_in, n_out) = (config.n_input, config.n_output);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
    let inputs = Array3::from_shape_fn((N_TIME, N_BATCH, n_in), |_| {
        0.3 * rng.sample::<f32, _>(StandardNormal)
    });
    let targets = Array3::from_shape_fn((N_TIME, N_BATCH, n_out), |_| rng.random::<f32>());
    let mask = Array3::from_elem((N_TIME, N_BATCH, n_out), 1.0_f32);

    let Ok(mut net) = LeakyRnn::new(config.clone(), 0) else {
        return;
    };
    let Ok(mut adam) = Adam::new(AdamConfig::default()) else {
        return;
    };
    let mut ws = Workspace::new();
    let mut grads = Gradients::zeros(&config);
    let mut step = |net: &mut LeakyRnn, adam: &mut Adam, seed: u64| {
        let loss = net.loss_and_gradients(
            inputs.view(),
            targets.view(),
            mask.view(),
            Some(seed),
            &mut ws,
            &mut grads,
        );
        let update = adam.step(&mut net.parameter_slices_mut(), &grads.slices());
        black_box((loss.ok(), update.ok()))
    };
    // One step first, so the workspace and Adam's moments exist; then every timed step starts
    // from that same state (a long run of updates on random targets would silence the units
    // and time a degenerate network instead).
    step(&mut net, &mut adam, 0);

    c.bench_function("train_step/leaky_256_b64_t100", |b| {
        b.iter_batched_ref(
            || (net.clone(), adam.clone()),
            |(net, adam)| step(net, adam, 1),
            BatchSize::LargeInput,
        );
    });
}

criterion_group!(benches, train_step);
criterion_main!(benches);
