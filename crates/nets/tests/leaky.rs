//! Tests of the leaky RNN: BPTT against finite differences of an independent `f64` forward
//! pass, initialisation facts, seeding, noise, shape errors and a short training run.

// `allow-unwrap-in-tests` covers `#[test]` functions only; the shared helpers that build
// fixtures may panic on a broken fixture as well.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use infoscope_nets::NetsError;
use infoscope_nets::models::leaky::{
    Gradients, LeakyRnn, LeakyRnnConfig, PARAM_NAMES, RecInit, Workspace,
};
use infoscope_nets::nn::activation::Activation;
use infoscope_nets::nn::adam::{Adam, AdamConfig};
use infoscope_nets::nn::gradcheck::check_gradient;
use ndarray::{Array2, Array3, ArrayView3, s};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// A random batch: inputs N(0, 1), targets U(0, 1), mask in {0, 0.5, 1, 2} (a quarter zeros).
fn batch(t: usize, b: usize, n_in: usize, n_out: usize, seed: u64) -> [Array3<f32>; 3] {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let inputs = Array3::from_shape_fn((t, b, n_in), |_| rng.sample::<f32, _>(StandardNormal));
    let targets = Array3::from_shape_fn((t, b, n_out), |_| rng.random::<f32>());
    let mask = Array3::from_shape_fn((t, b, n_out), |_| {
        [0.0, 0.5, 1.0, 2.0][rng.random_range(0..4)]
    });
    [inputs, targets, mask]
}

fn small_config(activation: Activation) -> LeakyRnnConfig {
    LeakyRnnConfig {
        n_input: 4,
        n_rnn: 8,
        n_output: 5,
        activation,
        init: RecInit::RandOrtho,
        ..LeakyRnnConfig::default()
    }
}

/// Replace every parameter by N(0, std²) values so biases and all weights matter.
fn randomise(net: &mut LeakyRnn, std: f32, seed: u64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    for (name, shape) in PARAM_NAMES.map(|n| n).iter().zip(shapes(net)) {
        let values =
            ndarray::ArrayD::from_shape_fn(shape, |_| std * rng.sample::<f32, _>(StandardNormal));
        net.set_parameter(name, values.view()).unwrap();
    }
}

fn shapes(net: &LeakyRnn) -> Vec<Vec<usize>> {
    net.parameters()
        .iter()
        .map(|(_, a)| a.shape().to_vec())
        .collect()
}

/// The loss of SPEC.md §2.2 written out in `f64` loops, independent of the model's code.
/// `theta` is the flat parameter vector in `PARAM_NAMES` order, row-major.
struct Reference<'a> {
    cfg: &'a LeakyRnnConfig,
    x: Array3<f64>,
    y: Array3<f64>,
    m: Array3<f64>,
    noise: Array3<f64>,
}

impl Reference<'_> {
    fn forward(&self, theta: &[f64]) -> (f64, Array3<f64>) {
        let (n_in, n, n_out) = (self.cfg.n_input, self.cfg.n_rnn, self.cfg.n_output);
        let (w_in, rest) = theta.split_at(n_in * n);
        let (w_rec, rest) = rest.split_at(n * n);
        let (b_rec, rest) = rest.split_at(n);
        let (w_out, b_out) = rest.split_at(n * n_out);
        let alpha = f64::from(self.cfg.alpha);
        let (t_len, b_len) = (self.x.shape()[0], self.x.shape()[1]);
        let mut hidden = Array3::zeros((t_len, b_len, n));
        let mut loss = 0.0;
        for b in 0..b_len {
            let mut h = vec![0.0; n];
            for t in 0..t_len {
                let mut pre = vec![0.0; n];
                for j in 0..n {
                    let mut z = b_rec[j] + self.noise[[t, b, j]];
                    for i in 0..n_in {
                        z += self.x[[t, b, i]] * w_in[i * n + j];
                    }
                    for i in 0..n {
                        z += h[i] * w_rec[i * n + j];
                    }
                    pre[j] = z;
                }
                for j in 0..n {
                    h[j] = (1.0 - alpha) * h[j] + alpha * self.cfg.activation.apply_f64(pre[j]);
                    hidden[[t, b, j]] = h[j];
                }
                for k in 0..n_out {
                    let mut z = b_out[k];
                    for j in 0..n {
                        z += h[j] * w_out[j * n_out + k];
                    }
                    let out = 1.0 / (1.0 + (-z).exp());
                    let e = (self.y[[t, b, k]] - out) * self.m[[t, b, k]];
                    loss += e * e;
                }
            }
        }
        (loss / (t_len * b_len * n_out) as f64, hidden)
    }
}

fn to_f64(a: &Array3<f32>) -> Array3<f64> {
    a.mapv(f64::from)
}

fn flat_f64(slices: [&[f32]; 5]) -> Vec<f64> {
    slices
        .iter()
        .flat_map(|s| s.iter().map(|&x| f64::from(x)))
        .collect()
}

#[test]
fn bptt_matches_finite_differences_for_every_activation() {
    // 34 trials: two chunks, so the chunk reduction is covered too.
    let (t, b) = (7, 34);
    for (k, activation) in Activation::ALL.into_iter().enumerate() {
        let cfg = small_config(activation);
        let mut net = LeakyRnn::new(cfg.clone(), 3).unwrap();
        // Power (relu²) grows fast: smaller weights keep its states moderate.
        let std = if activation == Activation::Power {
            0.3
        } else {
            0.6
        };
        randomise(&mut net, std, 100 + k as u64);
        let [x, y, m] = batch(t, b, cfg.n_input, cfg.n_output, 7);
        let noise_seed = Some(99);
        let mut ws = Workspace::new();
        let mut grads = Gradients::zeros(&cfg);
        let loss = net
            .loss_and_gradients(
                x.view(),
                y.view(),
                m.view(),
                noise_seed,
                &mut ws,
                &mut grads,
            )
            .unwrap();

        let reference = Reference {
            cfg: &cfg,
            x: to_f64(&x),
            y: to_f64(&y),
            m: to_f64(&m),
            noise: to_f64(&net.sample_noise(t, b, 99)),
        };
        let theta = flat_f64(net.parameter_slices());
        let (ref_loss, ref_hidden) = reference.forward(&theta);
        assert!(
            (f64::from(loss) - ref_loss).abs() < 1e-5 * ref_loss,
            "{activation}: loss {loss} vs reference {ref_loss}"
        );
        let (hidden, _) = net.run(x.view(), noise_seed).unwrap();
        let worst = (to_f64(&hidden) - &ref_hidden)
            .iter()
            .zip(&ref_hidden)
            .fold(0.0_f64, |a, (d, r)| a.max(d.abs() / (1.0 + r.abs())));
        assert!(
            worst < 1e-5,
            "{activation}: hidden differs by {worst} (relative)"
        );

        let analytic = flat_f64(grads.slices());
        let scale = analytic.iter().fold(0.0_f64, |a, g| a.max(g.abs()));
        let report = check_gradient(
            |th| reference.forward(th).0,
            &theta,
            &analytic,
            1e-6,
            1e-2 * scale,
        )
        .unwrap();
        assert!(
            report.max_rel_error < 1e-4,
            "{activation}: max relative error {} at {} (analytic {}, numeric {})",
            report.max_rel_error,
            report.worst_index,
            analytic[report.worst_index],
            report.numeric[report.worst_index]
        );
    }
}

#[test]
fn diag_init_uses_the_activation_default_scale() {
    for (activation, start) in [
        (Activation::Softplus, 0.5),
        (Activation::Relu, 0.5),
        (Activation::Tanh, 1.0),
        (Activation::Retanh, 0.5),
        (Activation::Power, 0.01),
    ] {
        let cfg = LeakyRnnConfig {
            n_rnn: 16,
            activation,
            ..LeakyRnnConfig::default()
        };
        let net = LeakyRnn::new(cfg, 1).unwrap();
        assert_eq!(
            net.w_rec(),
            &(Array2::<f32>::eye(16) * start),
            "{activation}"
        );
        assert!(net.b_rec().iter().all(|&b| b == 0.0));
        assert!(net.b_out().iter().all(|&b| b == 0.0));
    }
    let cfg = LeakyRnnConfig {
        n_rnn: 4,
        w_rec_start: Some(0.8),
        ..LeakyRnnConfig::default()
    };
    assert_eq!(
        LeakyRnn::new(cfg, 1).unwrap().w_rec(),
        &(Array2::<f32>::eye(4) * 0.8)
    );
}

#[test]
fn randortho_init_is_orthogonal() {
    let cfg = LeakyRnnConfig {
        init: RecInit::RandOrtho,
        activation: Activation::Tanh,
        ..LeakyRnnConfig::default()
    };
    let net = LeakyRnn::new(cfg, 5).unwrap();
    let w = net.w_rec().mapv(f64::from);
    let gram = w.t().dot(&w);
    let err = (&gram - &Array2::<f64>::eye(256))
        .iter()
        .fold(0.0_f64, |a, d| a.max(d.abs()));
    assert!(err < 1e-5, "max |WᵀW − I| = {err}");
    // Not the identity or a permutation: a dense matrix.
    assert!(w.iter().filter(|x| x.abs() > 1e-3).count() > 256 * 200);

    let half = LeakyRnn::new(
        LeakyRnnConfig {
            init: RecInit::RandOrtho,
            ..LeakyRnnConfig::default()
        },
        5,
    )
    .unwrap();
    assert_eq!(
        half.w_rec().mapv(f64::from),
        w.mapv(|x| x * 0.5).mapv(|x| x as f32 as f64)
    );
}

#[test]
fn input_and_output_weights_have_the_documented_distributions() {
    let cfg = LeakyRnnConfig {
        n_input: 400,
        n_rnn: 500,
        n_output: 100,
        ..LeakyRnnConfig::default()
    };
    let net = LeakyRnn::new(cfg, 11).unwrap();
    let w = net.w_in().mapv(f64::from);
    let n = w.len() as f64;
    let mean = w.sum() / n;
    let std = (w.mapv(|x| (x - mean).powi(2)).sum() / n).sqrt();
    assert!(
        (std * 400f64.sqrt() - 1.0).abs() < 0.01,
        "std·√n_in = {}",
        std * 20.0
    );
    assert!(mean.abs() < 3.0 * std / n.sqrt(), "mean {mean}");

    let limit = (6.0 / 600.0_f64).sqrt();
    let w = net.w_out().mapv(f64::from);
    let max = w.iter().fold(0.0_f64, |a, x| a.max(x.abs()));
    assert!(
        max <= limit && max > 0.99 * limit,
        "max {max}, limit {limit}"
    );
    let var = w.mapv(|x| x * x).sum() / w.len() as f64;
    assert!(
        (var / (limit * limit / 3.0) - 1.0).abs() < 0.03,
        "var {var}"
    );
}

#[test]
fn same_seeds_give_identical_weights_and_losses() {
    let cfg = small_config(Activation::Softplus);
    let a = LeakyRnn::new(cfg.clone(), 42).unwrap();
    let b = LeakyRnn::new(cfg.clone(), 42).unwrap();
    let c = LeakyRnn::new(cfg.clone(), 43).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.w_in(), c.w_in());
    assert_ne!(a.w_out(), c.w_out());

    let [x, y, m] = batch(20, 40, cfg.n_input, cfg.n_output, 1);
    let loss = |net: &LeakyRnn, seed| {
        let mut g = Gradients::zeros(&cfg);
        net.loss_and_gradients(
            x.view(),
            y.view(),
            m.view(),
            seed,
            &mut Workspace::new(),
            &mut g,
        )
        .map(|l| (l, g))
        .unwrap()
    };
    let (la, ga) = loss(&a, Some(5));
    let (lb, gb) = loss(&b, Some(5));
    assert_eq!(la.to_bits(), lb.to_bits());
    assert_eq!(ga, gb);
    assert_ne!(loss(&a, Some(6)).0, la);
    assert_ne!(loss(&a, None).0, la);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let cfg = small_config(Activation::Relu);
    let net = LeakyRnn::new(cfg.clone(), 8).unwrap();
    let [x, y, m] = batch(15, 100, cfg.n_input, cfg.n_output, 2);
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut g = Gradients::zeros(&cfg);
            let l = net
                .loss_and_gradients(
                    x.view(),
                    y.view(),
                    m.view(),
                    Some(1),
                    &mut Workspace::new(),
                    &mut g,
                )
                .unwrap();
            (l.to_bits(), g, net.run(x.view(), Some(1)).unwrap())
        })
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn noise_has_the_documented_std_and_is_per_trial() {
    let cfg = LeakyRnnConfig {
        n_rnn: 64,
        ..LeakyRnnConfig::default()
    };
    assert!((cfg.noise_std() - 0.158_114).abs() < 1e-6);
    let net = LeakyRnn::new(cfg, 0).unwrap();
    let eta = net.sample_noise(100, 50, 17).mapv(f64::from);
    let n = eta.len() as f64;
    let mean = eta.sum() / n;
    let std = (eta.mapv(|x| (x - mean).powi(2)).sum() / n).sqrt();
    assert!((std / 0.158_114 - 1.0).abs() < 0.005, "std {std}");
    assert!(mean.abs() < 0.002, "mean {mean}");
    // Gaussian shape: mass within 1σ and 2σ, kurtosis 3, no correlation between neighbours
    // (which share a random draw in the Box–Muller pairs).
    let within = |k: f64| eta.iter().filter(|x| x.abs() < k * std).count() as f64 / n;
    assert!((within(1.0) - 0.682_689).abs() < 0.004, "{}", within(1.0));
    assert!((within(2.0) - 0.954_500).abs() < 0.002, "{}", within(2.0));
    let kurtosis = eta.mapv(|x| ((x - mean) / std).powi(4)).sum() / n;
    assert!((kurtosis - 3.0).abs() < 0.06, "kurtosis {kurtosis}");
    let rows = eta.to_shape((100 * 50, 64)).unwrap();
    let corr = |j: usize, k: usize| {
        rows.outer_iter().map(|r| r[j] * r[k]).sum::<f64>() / (100.0 * 50.0) / (std * std)
    };
    assert!(
        corr(0, 32).abs() < 0.05 && corr(0, 1).abs() < 0.05,
        "{} {}",
        corr(0, 32),
        corr(0, 1)
    );
    // Trial b's noise does not depend on the batch size.
    let few = net.sample_noise(100, 5, 17).mapv(f64::from);
    assert_eq!(few, eta.slice(s![.., ..5, ..]));
    // Zero σ_rec: no noise, and a seeded pass equals a noiseless one.
    let quiet = LeakyRnn::new(
        LeakyRnnConfig {
            sigma_rec: 0.0,
            n_rnn: 8,
            n_input: 3,
            ..LeakyRnnConfig::default()
        },
        0,
    )
    .unwrap();
    let x = Array3::from_elem((4, 2, 3), 0.5_f32);
    assert_eq!(
        quiet.run(x.view(), Some(3)).unwrap(),
        quiet.run(x.view(), None).unwrap()
    );
}

#[test]
fn run_matches_the_training_forward_pass() {
    let cfg = small_config(Activation::Tanh);
    let net = LeakyRnn::new(cfg.clone(), 4).unwrap();
    let [x, y, m] = batch(9, 70, cfg.n_input, cfg.n_output, 4);
    let (hidden, out) = net.run(x.view(), Some(2)).unwrap();
    assert_eq!(hidden.shape(), &[9, 70, 8]);
    assert_eq!(out.shape(), &[9, 70, 5]);
    assert!(out.iter().all(|&o| o > 0.0 && o < 1.0));
    let expected = ((&y - &out) * &m)
        .mapv(|e| f64::from(e).powi(2))
        .mean()
        .unwrap();
    let mut g = Gradients::zeros(&cfg);
    let loss = net
        .loss_and_gradients(
            x.view(),
            y.view(),
            m.view(),
            Some(2),
            &mut Workspace::new(),
            &mut g,
        )
        .unwrap();
    assert!((f64::from(loss) - expected).abs() < 1e-6 * expected);
}

#[test]
fn workspace_is_reused_across_sizes() {
    let cfg = small_config(Activation::Softplus);
    let net = LeakyRnn::new(cfg.clone(), 4).unwrap();
    let mut ws = Workspace::new();
    let mut g = Gradients::zeros(&cfg);
    let fresh = |x: ArrayView3<'_, f32>, y: ArrayView3<'_, f32>, m: ArrayView3<'_, f32>| {
        let mut g = Gradients::zeros(&cfg);
        let l = net
            .loss_and_gradients(x, y, m, Some(1), &mut Workspace::new(), &mut g)
            .unwrap();
        (l, g)
    };
    for (t, b) in [(5, 40), (5, 40), (3, 7), (5, 40)] {
        let [x, y, m] = batch(t, b, cfg.n_input, cfg.n_output, 9);
        let l = net
            .loss_and_gradients(x.view(), y.view(), m.view(), Some(1), &mut ws, &mut g)
            .unwrap();
        assert_eq!((l, g.clone()), fresh(x.view(), y.view(), m.view()));
    }
}

#[test]
fn bad_shapes_and_non_finite_losses_are_typed_errors() {
    let cfg = small_config(Activation::Relu);
    let net = LeakyRnn::new(cfg.clone(), 4).unwrap();
    let mut ws = Workspace::new();
    let mut g = Gradients::zeros(&cfg);
    let [x, y, m] = batch(5, 3, cfg.n_input, cfg.n_output, 1);
    let wrong_width = Array3::<f32>::zeros((5, 3, 7));
    let empty = Array3::<f32>::zeros((5, 0, 4));
    let short = Array3::<f32>::zeros((4, 3, 5));

    let shape_arg = |r: Result<_, NetsError>| match r {
        Err(NetsError::Shape { argument, .. }) => argument,
        other => panic!("expected a shape error, got {other:?}"),
    };
    assert_eq!(
        shape_arg(net.run(wrong_width.view(), None).map(|_| ())),
        "inputs"
    );
    assert_eq!(shape_arg(net.run(empty.view(), None).map(|_| ())), "inputs");
    let mut lg = |x: &Array3<f32>, y: &Array3<f32>, m: &Array3<f32>| {
        net.loss_and_gradients(x.view(), y.view(), m.view(), None, &mut ws, &mut g)
            .map(|_| ())
    };
    assert_eq!(shape_arg(lg(&wrong_width, &y, &m)), "inputs");
    assert_eq!(shape_arg(lg(&x, &short, &m)), "targets");
    assert_eq!(shape_arg(lg(&x, &y, &short)), "mask");

    let mut bad = x.clone();
    bad[[2, 1, 0]] = f32::NAN;
    assert!(matches!(lg(&bad, &y, &m), Err(NetsError::Numerical { .. })));
    bad[[2, 1, 0]] = f32::INFINITY;
    assert!(matches!(lg(&bad, &y, &m), Err(NetsError::Numerical { .. })));
}

#[test]
fn each_config_rule_has_its_own_error() {
    let d = LeakyRnnConfig::default;
    let cases = [
        ("n_input", LeakyRnnConfig { n_input: 0, ..d() }),
        ("n_rnn", LeakyRnnConfig { n_rnn: 0, ..d() }),
        ("n_output", LeakyRnnConfig { n_output: 0, ..d() }),
        ("alpha", LeakyRnnConfig { alpha: 0.0, ..d() }),
        ("alpha", LeakyRnnConfig { alpha: 1.5, ..d() }),
        (
            "sigma_rec",
            LeakyRnnConfig {
                sigma_rec: -0.1,
                ..d()
            },
        ),
        (
            "w_in_start",
            LeakyRnnConfig {
                w_in_start: 0.0,
                ..d()
            },
        ),
        (
            "w_rec_start",
            LeakyRnnConfig {
                w_rec_start: Some(f32::NAN),
                ..d()
            },
        ),
    ];
    for (name, cfg) in cases {
        match LeakyRnn::new(cfg, 0) {
            Err(NetsError::InvalidParameter { name: got, .. }) => assert_eq!(got, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(d().validate().is_ok());
}

#[test]
fn config_serde_uses_lowercase_names() {
    let cfg = LeakyRnnConfig {
        init: RecInit::RandOrtho,
        activation: Activation::Retanh,
        ..LeakyRnnConfig::default()
    };
    let json = serde_json::to_string(&cfg).unwrap();
    assert!(
        json.contains("\"randortho\"") && json.contains("\"retanh\""),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<LeakyRnnConfig>(&json).unwrap(), cfg);
    let partial: LeakyRnnConfig = serde_json::from_str(r#"{"n_rnn": 64}"#).unwrap();
    assert_eq!(partial.n_rnn, 64);
    assert_eq!(partial.alpha, 0.2);
    assert!(serde_json::from_str::<LeakyRnnConfig>(r#"{"n_rnn_typo": 64}"#).is_err());
}

#[test]
fn parameters_round_trip_through_set_parameter() {
    let cfg = small_config(Activation::Softplus);
    let a = LeakyRnn::new(cfg.clone(), 1).unwrap();
    let mut b = LeakyRnn::new(cfg, 2).unwrap();
    for (name, values) in a.parameters() {
        b.set_parameter(name, values).unwrap();
    }
    assert_eq!(a, b);
    assert_eq!(a.n_parameters(), 4 * 8 + 8 * 8 + 8 + 8 * 5 + 5);
    let wrong = ndarray::ArrayD::<f32>::zeros(vec![3, 3]);
    assert!(matches!(
        b.set_parameter("w_rec", wrong.view()),
        Err(NetsError::Shape {
            argument: "w_rec",
            ..
        })
    ));
    assert!(matches!(
        b.set_parameter("w_hidden", wrong.view()),
        Err(NetsError::InvalidParameter { .. })
    ));
}

#[test]
fn adam_training_reduces_the_loss() {
    // Output channel k must follow input channel k through a 3-step memory.
    let cfg = LeakyRnnConfig {
        n_input: 3,
        n_rnn: 16,
        n_output: 3,
        ..LeakyRnnConfig::default()
    };
    let mut net = LeakyRnn::new(cfg.clone(), 0).unwrap();
    let mut adam = Adam::new(AdamConfig {
        learning_rate: 0.01,
        ..AdamConfig::default()
    })
    .unwrap();
    let mut ws = Workspace::new();
    let mut g = Gradients::zeros(&cfg);
    let mut losses = Vec::new();
    for step in 0..150 {
        let [x, _, _] = batch(10, 16, 3, 3, 1000 + step);
        let x = x.mapv(|v| if v > 0.0 { 1.0 } else { 0.0 });
        let y = x.mapv(|v| 0.2 + 0.6 * v);
        let m = Array3::from_elem(y.raw_dim(), 1.0_f32);
        let l = net
            .loss_and_gradients(x.view(), y.view(), m.view(), Some(step), &mut ws, &mut g)
            .unwrap();
        adam.step(&mut net.parameter_slices_mut(), &g.slices())
            .unwrap();
        losses.push(l);
    }
    let first: f32 = losses[..10].iter().sum::<f32>() / 10.0;
    let last: f32 = losses[140..].iter().sum::<f32>() / 10.0;
    assert!(last < 0.5 * first, "loss went from {first} to {last}");
}
