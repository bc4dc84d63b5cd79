//! Transfer entropy as the CMI of embedded series (issue #19, estimator core): the VAR(1)
//! closed form, an exact log-determinant written here, the uncoupled direction, KSG on the same
//! embedding, trial boundaries and refusals.

use infoscope_estimators::EstimatorError;
use infoscope_estimators::gaussian::Gaussian;
use infoscope_estimators::knn::Ksg;
use infoscope_estimators::te::{TeEmbedding, embed, transfer_entropy};
use infoscope_estimators::traits::ConditionalMutualInformation;
use ndarray::{Array2, ArrayView2};
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The VAR(1) x' = a x + c y + e_x, y' = b y + e_y (unit innovations): `n` steps after a burn-in.
fn var1(n: usize, a: f64, b: f64, c: f64, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (mut x, mut y) = (0.0f64, 0.0f64);
    let (mut xs, mut ys) = (Array2::zeros((n, 1)), Array2::zeros((n, 1)));
    for t in 0..n + 500 {
        let (ex, ey): (f64, f64) = (rng.sample(StandardNormal), rng.sample(StandardNormal));
        (x, y) = (a * x + c * y + ex, b * y + ey);
        if t >= 500 {
            xs[[t - 500, 0]] = x;
            ys[[t - 500, 0]] = y;
        }
    }
    (xs, ys)
}

/// TE_{Y→X} of the VAR(1) above in closed form: ½ ln(Var(x_{t+1} | x_t) / 1), from the
/// stationary covariance Σ = A Σ Aᵀ + I (fixed-point iteration).
fn var1_te(a: f64, b: f64, c: f64) -> f64 {
    let (mut sxx, mut sxy, mut syy) = (1.0f64, 0.0f64, 1.0f64);
    for _ in 0..10_000 {
        let nxx = a * a * sxx + 2.0 * a * c * sxy + c * c * syy + 1.0;
        let nxy = a * b * sxy + c * b * syy;
        let nyy = b * b * syy + 1.0;
        (sxx, sxy, syy) = (nxx, nxy, nyy);
    }
    let cov_next_now = a * sxx + c * sxy;
    0.5 * (sxx - cov_next_now * cov_next_now / sxx).ln()
}

fn det3(m: [[f64; 3]; 3]) -> f64 {
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
}

/// Sample covariance (n − 1) of the columns of `cols`.
fn cov(cols: &[ArrayView2<'_, f64>]) -> Vec<Vec<f64>> {
    let v: Vec<Vec<f64>> = cols.iter().map(|c| c.column(0).to_vec()).collect();
    let n = v[0].len() as f64;
    let means: Vec<f64> = v.iter().map(|c| c.iter().sum::<f64>() / n).collect();
    (0..v.len())
        .map(|i| {
            (0..v.len())
                .map(|j| {
                    v[i].iter()
                        .zip(&v[j])
                        .map(|(a, b)| (a - means[i]) * (b - means[j]))
                        .sum::<f64>()
                        / (n - 1.0)
                })
                .collect()
        })
        .collect()
}

#[test]
fn gaussian_te_of_a_var1_matches_the_closed_form_and_the_uncoupled_direction_is_zero() {
    let (a, b, c) = (0.5, 0.6, 0.8);
    let (x, y) = var1(200_000, a, b, c, 1);
    let n = x.nrows();
    let emb = TeEmbedding::default();
    let g = Gaussian::default();
    let te = transfer_entropy(&g, y.view(), x.view(), &[n], &emb).unwrap();
    let exact = var1_te(a, b, c);
    assert!(exact > 0.2, "{exact}");
    assert!(
        (te.value.nats() - exact).abs() < 0.01,
        "{} vs {exact}",
        te.value.nats()
    );
    // x does not drive y: TE_{X→Y} ≈ 0 (its bias is about 1/(2n) nats).
    let back = transfer_entropy(&g, x.view(), y.view(), &[n], &emb).unwrap();
    assert!(back.value.nats().abs() < 1e-3, "{}", back.value.nats());
}

#[test]
fn gaussian_te_equals_a_log_determinant_written_here() {
    let (x, y) = var1(5000, 0.3, 0.7, 0.5, 2);
    let emb = TeEmbedding::default();
    let v = embed(y.view(), x.view(), &[5000], &emb).unwrap();
    // Order (next, source past, target past): I(X;Y|Z) = ½ ln(|Σ_xz| |Σ_yz| / (|Σ_z| |Σ_xyz|)).
    let s = cov(&[v.next.view(), v.source_past.view(), v.target_past.view()]);
    let full = det3([
        [s[0][0], s[0][1], s[0][2]],
        [s[1][0], s[1][1], s[1][2]],
        [s[2][0], s[2][1], s[2][2]],
    ]);
    let xz = s[0][0] * s[2][2] - s[0][2] * s[2][0];
    let yz = s[1][1] * s[2][2] - s[1][2] * s[2][1];
    let z = s[2][2];
    let expected = 0.5 * (xz * yz / (z * full)).ln();
    let te = transfer_entropy(&Gaussian::default(), y.view(), x.view(), &[5000], &emb).unwrap();
    assert!(
        (te.value.nats() - expected).abs() < 1e-10,
        "{} vs {expected}",
        te.value.nats()
    );
    assert_eq!(te.n_samples, 4999);
    assert!(te.diagnostics.contains_key("te_embedding"));
}

#[test]
fn ksg_te_is_the_ksg_cmi_of_the_embedding_and_near_the_closed_form() {
    let (a, b, c) = (0.5, 0.6, 0.8);
    let (x, y) = var1(4000, a, b, c, 3);
    let emb = TeEmbedding {
        k: 2,
        l: 2,
        delay: 1,
        tau: 1,
    };
    for theiler in [0, 5] {
        let ksg = Ksg::params().k(4).theiler(theiler).check().unwrap();
        let v = embed(y.view(), x.view(), &[4000], &emb).unwrap();
        let direct = ksg
            .estimate_conditional(v.next.view(), v.source_past.view(), v.target_past.view())
            .unwrap();
        let te = transfer_entropy(&ksg, y.view(), x.view(), &[4000], &emb).unwrap();
        assert_eq!(te.value.nats(), direct.value.nats());
        // The VAR is first order: longer histories carry the same TE.
        let exact = var1_te(a, b, c);
        assert!(
            (te.value.nats() - exact).abs() < 0.05,
            "{} vs {exact}",
            te.value.nats()
        );
    }
}

#[test]
fn embeddings_never_cross_a_trial_boundary() {
    // Every value is its global row index, so a lag is read back as the row it came from.
    let lengths = [9usize, 5, 12, 3];
    let rows: usize = lengths.iter().sum();
    let series = Array2::from_shape_fn((rows, 2), |(r, c)| r as f64 + 0.5 * c as f64);
    let emb = TeEmbedding {
        k: 2,
        l: 3,
        delay: 2,
        tau: 2,
    };
    // first step max((k−1)τ + 1, u + (l−1)τ) = max(3, 6) = 6.
    assert_eq!(emb.first_step(), 6);
    let v = embed(series.view(), series.view(), &lengths, &emb).unwrap();
    // (9 − 6) + 0 + (12 − 6) + 0: trials of 5 and 3 steps are too short.
    assert_eq!(v.next.nrows(), 9);
    let starts = [0usize, 9, 14, 26];
    for (row, &(trial, t)) in v.times.iter().enumerate() {
        let at = starts[trial] + t;
        assert_eq!(v.next[[row, 0]], at as f64);
        for j in 0..emb.k {
            assert_eq!(v.target_past[[row, 2 * j]], (at - 1 - 2 * j) as f64);
        }
        for j in 0..emb.l {
            assert_eq!(
                v.source_past[[row, 2 * j + 1]],
                (at - 2 - 2 * j) as f64 + 0.5
            );
        }
        let earliest = v
            .source_past
            .row(row)
            .iter()
            .chain(v.target_past.row(row))
            .fold(f64::INFINITY, |m, &x| m.min(x));
        assert!(
            earliest >= starts[trial] as f64,
            "row {row} reaches before its trial"
        );
    }
    // Pooled over trials: the trials of one long series give fewer samples than the series.
    let one = embed(series.view(), series.view(), &[rows], &emb).unwrap();
    assert_eq!(one.next.nrows(), rows - 6);
    assert!(one.next.nrows() > v.next.nrows());
}

#[test]
fn refusals_name_their_argument() {
    let s = Array2::<f64>::zeros((10, 1));
    let short = Array2::<f64>::zeros((9, 1));
    let name = |e: EstimatorError| match e {
        EstimatorError::InvalidParameter { name, .. } => name,
        EstimatorError::ShapeMismatch { argument, .. }
        | EstimatorError::TooFewSamples { argument, .. }
        | EstimatorError::Empty { argument, .. } => argument,
        other => panic!("{other}"),
    };
    for field in ["k", "l", "delay", "tau"] {
        let mut emb = TeEmbedding::default();
        match field {
            "k" => emb.k = 0,
            "l" => emb.l = 0,
            "delay" => emb.delay = 0,
            _ => emb.tau = 0,
        }
        assert_eq!(
            name(embed(s.view(), s.view(), &[10], &emb).unwrap_err()),
            field
        );
    }
    let emb = TeEmbedding::default();
    assert_eq!(
        name(embed(short.view(), s.view(), &[10], &emb).unwrap_err()),
        "source"
    );
    assert_eq!(
        name(embed(s.view(), s.view(), &[4, 5], &emb).unwrap_err()),
        "trial_lengths"
    );
    assert_eq!(
        name(embed(s.view(), s.view(), &[1; 10], &emb).unwrap_err()),
        "target"
    );
    let empty = Array2::<f64>::zeros((10, 0));
    assert_eq!(
        name(embed(empty.view(), s.view(), &[10], &emb).unwrap_err()),
        "source"
    );
}

mod surrogates {
    use infoscope_estimators::EstimatorError;
    use infoscope_estimators::gaussian::Gaussian;
    use infoscope_estimators::significance::Surrogate;
    use infoscope_estimators::te::{TeEmbedding, TeSurrogates, te_surrogate_test};
    use ndarray::{Array2, Axis, concatenate};

    use super::var1;

    fn trials(count: usize, len: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
        let parts: Vec<_> = (0..count)
            .map(|i| var1(len, 0.5, 0.6, 0.8, seed + i as u64))
            .collect();
        let xs: Vec<_> = parts.iter().map(|p| p.0.view()).collect();
        let ys: Vec<_> = parts.iter().map(|p| p.1.view()).collect();
        (
            concatenate(Axis(0), &xs).unwrap(),
            concatenate(Axis(0), &ys).unwrap(),
        )
    }

    #[test]
    fn the_coupled_direction_beats_every_surrogate_and_the_uncoupled_does_not() {
        let (x, y) = super::var1(3000, 0.5, 0.6, 0.8, 11);
        let g = Gaussian::default();
        let emb = TeEmbedding::default();
        let s = TeSurrogates {
            kind: Surrogate::CircularShift { min_shift: 100 },
            count: 49,
            seed: 4,
        };
        let forward = te_surrogate_test(&g, y.view(), x.view(), &[3000], &emb, s).unwrap();
        assert_eq!(forward.null.len(), 49);
        assert_eq!(forward.p_value, 1.0 / 50.0);
        assert!(forward.null_mean.abs() < 0.01 && forward.null_sd > 0.0);
        let back = te_surrogate_test(&g, x.view(), y.view(), &[3000], &emb, s).unwrap();
        assert!(back.p_value > 0.05, "uncoupled p = {}", back.p_value);
    }

    #[test]
    fn trial_permutation_keeps_the_target_and_is_thread_count_independent() {
        let (x, y) = trials(30, 40, 100);
        let lengths = [40usize; 30];
        let g = Gaussian::default();
        let emb = TeEmbedding::default();
        let s = TeSurrogates {
            kind: Surrogate::Permutation,
            count: 19,
            seed: 9,
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let a = one
            .install(|| te_surrogate_test(&g, y.view(), x.view(), &lengths, &emb, s))
            .unwrap();
        let b = two
            .install(|| te_surrogate_test(&g, y.view(), x.view(), &lengths, &emb, s))
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.p_value, 1.0 / 20.0);
        // Block shuffles within trials too.
        let blocks = TeSurrogates {
            kind: Surrogate::BlockShuffle { block: 10 },
            ..s
        };
        let c = te_surrogate_test(&g, y.view(), x.view(), &lengths, &emb, blocks).unwrap();
        assert_eq!(c.p_value, 1.0 / 20.0);
    }

    #[test]
    fn surrogates_that_do_not_fit_the_trials_are_refused_by_name() {
        let (x, y) = trials(3, 20, 1);
        let g = Gaussian::default();
        let emb = TeEmbedding::default();
        let name = |lengths: &[usize], kind: Surrogate, count: usize| {
            let s = TeSurrogates {
                kind,
                count,
                seed: 0,
            };
            match te_surrogate_test(&g, y.view(), x.view(), lengths, &emb, s).unwrap_err() {
                EstimatorError::InvalidParameter { name, .. } => name,
                other => panic!("{other}"),
            }
        };
        assert_eq!(name(&[60], Surrogate::Permutation, 5), "surrogate");
        assert_eq!(name(&[20, 25, 15], Surrogate::Permutation, 5), "surrogate");
        assert_eq!(
            name(&[20; 3], Surrogate::CircularShift { min_shift: 11 }, 5),
            "min_shift"
        );
        assert_eq!(
            name(&[20; 3], Surrogate::BlockShuffle { block: 11 }, 5),
            "block"
        );
        assert_eq!(name(&[20; 3], Surrogate::Permutation, 0), "n_surrogates");
    }
}
