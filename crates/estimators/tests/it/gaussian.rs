//! Tests of `infoscope_estimators::gaussian`: closed forms (tier 1), a brute-force covariance
//! oracle (tier 2), properties (tier 3) and one test per validation rule.

use std::f64::consts::{E, LN_2, PI};

use infoscope_estimators::gaussian::{Gaussian, GaussianParams};
use infoscope_estimators::{
    ConditionalMutualInformation, Entropy, EstimatorError, MutualInformation, Quantity,
};
use ndarray::{Array2, ArrayView2, Axis, array, concatenate, s};
use proptest::prelude::*;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The estimator with default parameters (ridge 0).
fn plain() -> Gaussian {
    Gaussian::default()
}

/// The estimator with the given ridge.
fn ridged(ridge: f64) -> Gaussian {
    match Gaussian::params().ridge(ridge).check() {
        Ok(g) => g,
        Err(e) => panic!("valid ridge {ridge} refused: {e}"),
    }
}

/// `n × d` independent standard normal samples from a seeded stream.
fn normals(seed: u64, n: usize, d: usize) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    Array2::from_shape_simple_fn((n, d), || rng.sample::<f64, _>(StandardNormal))
}

/// Bivariate standard normal samples with correlation `rho`: X = e1, Y = ρ e1 + √(1−ρ²) e2.
fn bivariate(seed: u64, n: usize, rho: f64) -> (Array2<f64>, Array2<f64>) {
    let e = normals(seed, n, 2);
    let x = e.slice(s![.., 0..1]).to_owned();
    let y = &x * rho + &(e.slice(s![.., 1..2]).to_owned() * (1.0 - rho * rho).sqrt());
    (x, y)
}

/// Brute-force sample covariance (denominator n − 1), the oracle for the GEMM path.
fn brute_covariance(data: ArrayView2<'_, f64>) -> Array2<f64> {
    let (n, d) = data.dim();
    let mean: Vec<f64> = data
        .columns()
        .into_iter()
        .map(|c| c.sum() / n as f64)
        .collect();
    Array2::from_shape_fn((d, d), |(i, j)| {
        (0..n)
            .map(|r| (data[[r, i]] - mean[i]) * (data[[r, j]] - mean[j]))
            .sum::<f64>()
            / (n as f64 - 1.0)
    })
}

/// The 3 × 3 covariance of the worked example below.
fn cov3() -> Array2<f64> {
    array![[4.0, 2.0, 1.0], [2.0, 3.0, 0.5], [1.0, 0.5, 2.0]]
}

// ---------------------------------------------------------------------------------------------
// Tier 1: closed forms on given covariances.

#[test]
fn bivariate_covariance_closed_form() {
    // Σ = [[5, 3], [3, 4]]: I = ½ ln(σx² σy² / |Σ|) = ½ ln(5·4 / (20 − 9)) = ½ ln(20/11)
    // (Cover & Thomas, Elements of Information Theory, 2nd ed., eq. 8.56 / Example 8.5.1).
    let cov = array![[5.0, 3.0], [3.0, 4.0]];
    let est = plain().mi_from_covariance(cov.view(), &[0], &[1]).unwrap();
    assert!((est.nats() - 0.5 * (20.0f64 / 11.0).ln()).abs() < 1e-14);
    assert_eq!(est.quantity, Quantity::MutualInformation);
    assert_eq!(est.method, "gaussian");
    assert_eq!(est.n_samples, 0);
    assert_eq!(
        est.diagnostic("from_covariance"),
        Some(&serde_json::json!(true))
    );
    assert!((est.diagnostic("logdet_joint").unwrap().as_f64().unwrap() - 11f64.ln()).abs() < 1e-14);
}

#[test]
fn one_against_two_dimensions_closed_form() {
    // Σ = [[4, 2, 1], [2, 3, 0.5], [1, 0.5, 2]], X = variable 0, Y = variables (1, 2).
    // |Σ_X| = 4; |Σ_Y| = 3·2 − 0.5² = 23/4;
    // |Σ| = 4(3·2 − 0.25) − 2(2·2 − 0.5·1) + 1(2·0.5 − 3·1) = 23 − 7 − 2 = 14.
    // I = ½ ln(4 · 23/4 / 14) = ½ ln(23/14).
    let est = plain()
        .mi_from_covariance(cov3().view(), &[0], &[1, 2])
        .unwrap();
    assert!((est.nats() - 0.5 * (23.0f64 / 14.0).ln()).abs() < 1e-12);
    assert_eq!(est.diagnostic("dims"), Some(&serde_json::json!([1, 2])));
    let ld = |k: &str| est.diagnostic(k).unwrap().as_f64().unwrap();
    assert!((ld("logdet_x") - 4f64.ln()).abs() < 1e-12);
    assert!((ld("logdet_y") - 5.75f64.ln()).abs() < 1e-12);
    assert!((ld("logdet_joint") - 14f64.ln()).abs() < 1e-12);
}

#[test]
fn conditional_closed_form() {
    // Same Σ; I(X1;X2|X3) with X1, X2, X3 = variables 0, 1, 2:
    // |Σ_13| = 4·2 − 1 = 7; |Σ_23| = 3·2 − 0.25 = 23/4; |Σ_3| = 2; |Σ_123| = 14.
    // I = ½ ln(7 · 23/4 / (2 · 14)) = ½ ln(161/112) = ½ ln(23/16).
    let est = plain()
        .cmi_from_covariance(cov3().view(), &[0], &[1], &[2])
        .unwrap();
    assert!((est.nats() - 0.5 * (23.0f64 / 16.0).ln()).abs() < 1e-12);
    assert_eq!(est.quantity, Quantity::ConditionalMutualInformation);
    let ld = |k: &str| est.diagnostic(k).unwrap().as_f64().unwrap();
    assert!((ld("logdet_z") - 2f64.ln()).abs() < 1e-12);
    assert!((ld("logdet_xz") - 7f64.ln()).abs() < 1e-12);
    assert!((ld("logdet_yz") - 5.75f64.ln()).abs() < 1e-12);
    assert!((ld("logdet_joint") - 14f64.ln()).abs() < 1e-12);
}

#[test]
fn chain_rule_holds_on_the_worked_example() {
    // I(X;Y,Z) = I(X;Z) + I(X;Y|Z) (Cover & Thomas, Theorem 2.5.2). With X, Y, Z = 0, 1, 2:
    // I(X;Z) = ½ ln(4·2/7) = ½ ln(8/7) and ½ ln(8/7) + ½ ln(23/16) = ½ ln(23/14).
    let g = plain();
    let c = cov3();
    let joint = g
        .mi_from_covariance(c.view(), &[0], &[1, 2])
        .unwrap()
        .nats();
    let xz = g.mi_from_covariance(c.view(), &[0], &[2]).unwrap().nats();
    let cond = g
        .cmi_from_covariance(c.view(), &[0], &[1], &[2])
        .unwrap()
        .nats();
    assert!((xz - 0.5 * (8.0f64 / 7.0).ln()).abs() < 1e-12);
    assert!((joint - (xz + cond)).abs() < 1e-12);
}

#[test]
fn entropy_from_covariance_closed_form() {
    // h = ½ ln((2πe)^d |Σ|) (Cover & Thomas, Theorem 8.4.1): 1-D σ² = 4 and the 3-D Σ (|Σ| = 14).
    let g = plain();
    let c = cov3();
    let h1 = g.entropy_from_covariance(c.view(), &[0]).unwrap();
    assert!((h1.nats() - 0.5 * (2.0 * PI * E * 4.0).ln()).abs() < 1e-14);
    let h3 = g.entropy_from_covariance(c.view(), &[0, 1, 2]).unwrap();
    assert!((h3.nats() - 0.5 * (3.0 * (2.0 * PI * E).ln() + 14f64.ln())).abs() < 1e-12);
    assert_eq!(h3.quantity, Quantity::Entropy);
}

#[test]
fn index_order_does_not_matter_for_covariance_forms() {
    // Reordering the variables inside a group permutes Σ_Y symmetrically: determinants unchanged.
    let g = plain();
    let a = g
        .mi_from_covariance(cov3().view(), &[0], &[1, 2])
        .unwrap()
        .nats();
    let b = g
        .mi_from_covariance(cov3().view(), &[0], &[2, 1])
        .unwrap()
        .nats();
    assert!((a - b).abs() < 1e-14);
}

// ---------------------------------------------------------------------------------------------
// Tier 2: the sample path against a brute-force covariance oracle.

#[test]
fn sample_estimates_match_the_brute_force_covariance() {
    let data = normals(11, 300, 5);
    // Mix the columns so that they are correlated.
    let mix = array![
        [1.0, 0.3, 0.0, 0.2, 0.0],
        [0.0, 1.0, 0.5, 0.0, 0.1],
        [0.0, 0.0, 1.0, 0.4, 0.0],
        [0.6, 0.0, 0.0, 1.0, 0.3],
        [0.0, 0.2, 0.0, 0.0, 1.0]
    ];
    let data = data.dot(&mix) + 3.0;
    let (x, y, z) = (
        data.slice(s![.., 0..2]),
        data.slice(s![.., 2..3]),
        data.slice(s![.., 3..5]),
    );
    let cov = brute_covariance(data.view());
    let g = plain();
    let mi = g.estimate(x, y).unwrap();
    let mi_ref = g.mi_from_covariance(cov.view(), &[0, 1], &[2]).unwrap();
    assert!((mi.nats() - mi_ref.nats()).abs() < 1e-12);
    let cmi = g.estimate_conditional(x, y, z).unwrap();
    let cmi_ref = g
        .cmi_from_covariance(cov.view(), &[0, 1], &[2], &[3, 4])
        .unwrap();
    assert!((cmi.nats() - cmi_ref.nats()).abs() < 1e-12);
    let h = g.entropy(z).unwrap();
    let h_ref = g.entropy_from_covariance(cov.view(), &[3, 4]).unwrap();
    assert!((h.nats() - h_ref.nats()).abs() < 1e-12);
    assert_eq!(mi.n_samples, 300);
    assert!(mi.diagnostic("from_covariance").is_none());
    assert!(mi.warnings.is_empty());
    assert_eq!(mi.config, serde_json::json!({ "ridge": 0.0 }));
}

#[test]
fn column_major_views_give_the_same_estimate() {
    let data = normals(12, 200, 3);
    let fortran = data.t().to_owned(); // its transpose view is column-major
    let g = plain();
    let a = g
        .estimate(data.slice(s![.., 0..1]), data.slice(s![.., 1..3]))
        .unwrap();
    let b = g
        .estimate(
            fortran.t().slice(s![.., 0..1]),
            fortran.t().slice(s![.., 1..3]),
        )
        .unwrap();
    assert!((a.nats() - b.nats()).abs() < 1e-12);
}

#[test]
fn thread_count_does_not_change_the_result() {
    // 3000 rows span several row groups; the partition depends only on the shape, and the
    // partial sums are combined in a fixed order, so 1 and 2 threads agree bit for bit.
    let (x, y) = correlated(13, 3000, 3, 4, 0.4);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| plain().estimate(x.view(), y.view()).unwrap().nats())
    };
    assert_eq!(run(1).to_bits(), run(2).to_bits());
}

// ---------------------------------------------------------------------------------------------
// Statistical tests on seeded samples.

#[test]
fn bivariate_samples_recover_the_true_mi() {
    // Truth: I = −½ ln(1 − ρ²) nats. For n = 5000 and 1-D X, Y the estimator's bias is about
    // dx·dy / (2n) = 1e-4, and its standard deviation about ρ/√n (delta method on
    // −½ ln(1 − r²) with var r ≈ (1 − ρ²)²/n): 0.007 at ρ = 0.5 and 0.0127 at ρ = 0.9.
    // Tolerance: bias + 4 sd, with a floor of 0.005 for ρ = 0 (there the estimate is
    // r²/2 ~ χ²₁/(2n), whose 99.99% quantile is 15.1/(2n) = 0.0015).
    let n = 5000;
    for (seed, rho) in [(1_u64, 0.0_f64), (2, 0.5), (3, 0.9)] {
        let (x, y) = bivariate(seed, n, rho);
        let est = plain().estimate(x.view(), y.view()).unwrap();
        let truth = -0.5 * (1.0 - rho * rho).ln();
        let tol = (0.5 / n as f64 + 4.0 * rho / (n as f64).sqrt()).max(0.005);
        assert!(
            (est.nats() - truth).abs() < tol,
            "rho {rho}: estimate {} vs truth {truth} (tol {tol})",
            est.nats()
        );
    }
}

#[test]
fn entropy_of_normal_samples() {
    // h(N(0, σ²)) = ½ ln(2πe σ²) nats; σ = 3, n = 5000. The estimate is ½ ln(2πe s²) with
    // var(ln s²) ≈ 2/(n − 1), so sd ≈ 1/√(2n) = 0.010; tolerance 4 sd = 0.04.
    let sigma = 3.0;
    let x = normals(4, 5000, 1) * sigma;
    let est = plain().entropy(x.view()).unwrap();
    let truth = 0.5 * (2.0 * PI * E * sigma * sigma).ln();
    assert!(
        (est.nats() - truth).abs() < 0.04,
        "{} vs {truth}",
        est.nats()
    );
    assert_eq!(est.quantity, Quantity::Entropy);
}

#[test]
fn independent_conditioning_variable_leaves_mi_unchanged() {
    // Z ⟂ (X, Y): I(X;Y|Z) = I(X;Y). On the same samples the two estimates differ only through
    // the sample correlations of Z with X and Y (each ~ 1/√n), which change the partial
    // correlation by O(dz/n) ≈ 4e-4 for n = 5000, dz = 2; tolerance 0.01 (25× that scale).
    let (x, y) = bivariate(5, 5000, 0.5);
    let z = normals(6, 5000, 2);
    let g = plain();
    let mi = g.estimate(x.view(), y.view()).unwrap().nats();
    let cmi = g
        .estimate_conditional(x.view(), y.view(), z.view())
        .unwrap()
        .nats();
    assert!((mi - cmi).abs() < 0.01, "{mi} vs {cmi}");
}

#[test]
fn conditioning_on_a_copy_of_y_is_singular_without_ridge() {
    // I(X;Y|Y): Z = Y makes the joint covariance of (Z, X, Y) singular. Without ridge this is an
    // error naming `y` (its column is a linear combination of z's); a ridge makes it finite and
    // about 0 (the ridge acts as independent noise of variance λ on each copy).
    let (x, y) = bivariate(7, 500, 0.5);
    let err = plain()
        .estimate_conditional(x.view(), y.view(), y.view())
        .unwrap_err();
    assert!(
        matches!(
            err,
            EstimatorError::NotPositiveDefinite { argument: "y", .. }
        ),
        "{err:?}"
    );
    let est = ridged(1e-6)
        .estimate_conditional(x.view(), y.view(), y.view())
        .unwrap();
    assert!(
        est.nats().is_finite() && est.nats().abs() < 1e-4,
        "{}",
        est.nats()
    );
}

// ---------------------------------------------------------------------------------------------
// Tier 3: properties.

/// A correlated (x, y) pair of shapes n × dx, n × dy from a seed.
fn correlated(seed: u64, n: usize, dx: usize, dy: usize, rho: f64) -> (Array2<f64>, Array2<f64>) {
    let x = normals(seed, n, dx);
    let noise = normals(seed ^ 0x9e37_79b9_7f4a_7c15, n, dy);
    let shared = Array2::from_shape_fn((n, dy), |(i, j)| x[[i, j % dx]]);
    (x, shared * rho + noise)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn row_permutation_leaves_mi_unchanged(
        seed in any::<u64>(), n in 10_usize..200, dx in 1_usize..4, dy in 1_usize..4,
        rho in -0.9_f64..0.9,
    ) {
        prop_assume!(n > dx + dy + 1);
        let (x, y) = correlated(seed, n, dx, dy, rho);
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut Xoshiro256PlusPlus::seed_from_u64(seed.wrapping_add(1)));
        let (xp, yp) = (x.select(Axis(0), &order), y.select(Axis(0), &order));
        let a = plain().estimate(x.view(), y.view()).unwrap().nats();
        let b = plain().estimate(xp.view(), yp.view()).unwrap().nats();
        prop_assert!((a - b).abs() <= 1e-9 * a.abs().max(1e-3), "{} vs {}", a, b);
    }

    #[test]
    fn mi_is_symmetric(
        seed in any::<u64>(), n in 10_usize..200, dx in 1_usize..4, dy in 1_usize..4,
        rho in -0.9_f64..0.9,
    ) {
        prop_assume!(n > dx + dy + 1);
        let (x, y) = correlated(seed, n, dx, dy, rho);
        let a = plain().estimate(x.view(), y.view()).unwrap().nats();
        let b = plain().estimate(y.view(), x.view()).unwrap().nats();
        prop_assert!((a - b).abs() < 1e-10, "{} vs {}", a, b);
    }

    #[test]
    fn per_variable_affine_maps_leave_mi_unchanged(
        seed in any::<u64>(), n in 10_usize..200, dx in 1_usize..4, dy in 1_usize..4,
        rho in -0.9_f64..0.9,
        scales in proptest::collection::vec((0.1_f64..10.0, any::<bool>(), -100.0_f64..100.0), 6),
    ) {
        prop_assume!(n > dx + dy + 1);
        let (x, y) = correlated(seed, n, dx, dy, rho);
        // Column j of [x, y] becomes a_j · v + b_j with |a_j| in [0.1, 10], either sign.
        let affine = |m: &Array2<f64>, offset: usize| {
            let mut out = m.clone();
            for (j, mut col) in out.columns_mut().into_iter().enumerate() {
                let (mag, neg, b) = scales[offset + j];
                let a = if neg { -mag } else { mag };
                col.mapv_inplace(|v| a * v + b);
            }
            out
        };
        let (xa, ya) = (affine(&x, 0), affine(&y, 3));
        let a = plain().estimate(x.view(), y.view()).unwrap().nats();
        let b = plain().estimate(xa.view(), ya.view()).unwrap().nats();
        prop_assert!((a - b).abs() < 1e-8, "{} vs {}", a, b);
    }

    #[test]
    fn bits_are_nats_over_ln2(seed in any::<u64>(), rho in -0.9_f64..0.9) {
        let (x, y) = correlated(seed, 100, 1, 1, rho);
        let est = plain().estimate(x.view(), y.view()).unwrap();
        prop_assert!((est.bits() - est.nats() / LN_2).abs() <= 1e-15 * est.bits().abs().max(1.0));
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters.

#[test]
fn ridge_negative_is_refused() {
    let err = Gaussian::params().ridge(-1e-3).check().unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "ridge", .. }
    ));
}

#[test]
fn ridge_non_finite_is_refused() {
    for bad in [f64::NAN, f64::INFINITY] {
        let err = Gaussian::params().ridge(bad).check().unwrap_err();
        assert!(matches!(
            err,
            EstimatorError::InvalidParameter { name: "ridge", .. }
        ));
    }
}

#[test]
fn params_round_trip_through_json_and_reject_unknown_fields() {
    let params = Gaussian::params().ridge(0.25);
    let json = serde_json::to_string(&params).unwrap();
    assert_eq!(json, r#"{"ridge":0.25}"#);
    let back: GaussianParams = serde_json::from_str(&json).unwrap();
    assert_eq!(back, params);
    let default: GaussianParams = serde_json::from_str("{}").unwrap();
    assert_eq!(default.ridge_value(), 0.0);
    assert!(serde_json::from_str::<GaussianParams>(r#"{"ridg":1}"#).is_err());
    assert_eq!(params.clone().check().unwrap().config(), &params);
}

#[test]
fn estimators_are_send_and_sync() {
    fn assert_traits<T: Send + Sync + Clone>() {}
    assert_traits::<Gaussian>();
    assert_traits::<GaussianParams>();
}

// ---------------------------------------------------------------------------------------------
// Bad sample inputs: one test per rule.

#[test]
fn nan_is_refused_with_its_position() {
    let mut x = normals(20, 10, 2);
    x[[3, 1]] = f64::NAN;
    let y = normals(21, 10, 1);
    let err = plain().estimate(x.view(), y.view()).unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::NonFinite {
            argument: "x",
            row: 3,
            col: 1,
            ..
        }
    ));
}

#[test]
fn infinity_is_refused_with_its_position() {
    let x = normals(22, 10, 1);
    let mut y = normals(23, 10, 2);
    y[[7, 0]] = f64::INFINITY;
    let err = plain().estimate(x.view(), y.view()).unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::NonFinite {
            argument: "y",
            row: 7,
            col: 0,
            ..
        }
    ));
    let z = y.clone();
    let err = plain()
        .estimate_conditional(x.view(), x.view(), z.view())
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::NonFinite {
            argument: "z",
            row: 7,
            col: 0,
            ..
        }
    ));
}

#[test]
fn empty_input_is_refused() {
    let x = Array2::<f64>::zeros((0, 1));
    let err = plain().entropy(x.view()).unwrap_err();
    assert!(matches!(err, EstimatorError::Empty { argument: "x", .. }));
    let y = Array2::<f64>::zeros((5, 0));
    let err = plain()
        .estimate(normals(1, 5, 1).view(), y.view())
        .unwrap_err();
    assert!(matches!(err, EstimatorError::Empty { argument: "y", .. }));
}

#[test]
fn one_sample_is_refused() {
    let x = array![[1.0]];
    let err = plain().estimate(x.view(), x.view()).unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::TooFewSamples {
            argument: "x",
            needed: 2,
            got: 1
        }
    ));
}

#[test]
fn mismatched_rows_are_refused() {
    let err = plain()
        .estimate(normals(1, 10, 1).view(), normals(2, 9, 1).view())
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::ShapeMismatch {
            argument: "y",
            other: "x",
            expected: 10,
            got: 9,
            ..
        }
    ));
}

#[test]
fn constant_column_is_refused_without_ridge() {
    let mut y = normals(3, 50, 2);
    y.column_mut(1).fill(2.5);
    let err = plain()
        .estimate(normals(4, 50, 1).view(), y.view())
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::ZeroVariance {
            argument: "y",
            column: 1,
            ..
        }
    ));
    assert!(err.to_string().contains("ridge"));
}

#[test]
fn constant_column_is_accepted_with_ridge() {
    // A constant column carries no information: with ridge it adds (almost) nothing.
    let (x, y) = bivariate(5, 400, 0.5);
    let with_const = concatenate![Axis(1), y, Array2::from_elem((400, 1), 2.5)];
    let g = ridged(1e-9);
    let a = g.estimate(x.view(), y.view()).unwrap().nats();
    let b = g.estimate(x.view(), with_const.view()).unwrap().nats();
    assert!((a - b).abs() < 1e-6, "{a} vs {b}");
}

#[test]
fn linearly_dependent_columns_are_not_positive_definite() {
    let x = normals(6, 100, 2);
    // y = x0 + 2 x1 exactly: the joint covariance is singular.
    let y = (&x.column(0) + &(&x.column(1) * 2.0))
        .insert_axis(Axis(1))
        .to_owned();
    let err = plain().estimate(x.view(), y.view()).unwrap_err();
    match err {
        EstimatorError::NotPositiveDefinite {
            argument,
            detail,
            hint,
        } => {
            assert_eq!(argument, "y");
            assert!(detail.contains("joint covariance of x and y"), "{detail}");
            assert!(hint.contains("ridge"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn fewer_samples_than_dimensions_is_not_positive_definite() {
    // n = 5 samples of 3 + 3 dims: the sample covariance has rank ≤ 4 < 6.
    let x = normals(7, 5, 3);
    let y = normals(8, 5, 3);
    let err = plain().estimate(x.view(), y.view()).unwrap_err();
    assert!(
        matches!(
            err,
            EstimatorError::NotPositiveDefinite { argument: "y", .. }
        ),
        "{err:?}"
    );
}

#[test]
fn fewer_samples_than_dimensions_works_with_ridge_and_warns() {
    let x = normals(7, 5, 3);
    let y = normals(8, 5, 3);
    let est = ridged(1e-2).estimate(x.view(), y.view()).unwrap();
    assert!(est.nats().is_finite());
    assert_eq!(est.warnings.len(), 1);
    assert!(est.warnings[0].contains("fewer samples than dimensions"));
    assert_eq!(est.diagnostic("ridge"), Some(&serde_json::json!(1e-2)));
}

// ---------------------------------------------------------------------------------------------
// Bad covariance inputs: one test per rule.

#[test]
fn covariance_must_be_square() {
    let cov = Array2::<f64>::eye(3).slice(s![.., 0..2]).to_owned();
    let err = plain()
        .mi_from_covariance(cov.view(), &[0], &[1])
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::ShapeMismatch {
            argument: "cov",
            expected: 3,
            got: 2,
            ..
        }
    ));
}

#[test]
fn covariance_must_be_symmetric() {
    let cov = array![[2.0, 0.5, 0.0], [0.5, 2.0, 0.1], [0.0, 0.1 + 1e-6, 2.0]];
    let err = plain()
        .mi_from_covariance(cov.view(), &[0], &[1, 2])
        .unwrap_err();
    match err {
        EstimatorError::NotPositiveDefinite {
            argument: "cov",
            detail,
            ..
        } => {
            assert!(detail.contains("cov[2, 1]"), "{detail}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // Asymmetry within 1e-10 of the largest entry is tolerated.
    let ok = array![[2.0, 0.5], [0.5 + 1e-12, 2.0]];
    assert!(plain().mi_from_covariance(ok.view(), &[0], &[1]).is_ok());
}

#[test]
fn covariance_must_be_finite() {
    let mut cov = cov3();
    cov[[1, 2]] = f64::NAN;
    let err = plain()
        .entropy_from_covariance(cov.view(), &[0])
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::NonFinite {
            argument: "cov",
            row: 1,
            col: 2,
            ..
        }
    ));
}

#[test]
fn covariance_indices_must_be_in_range() {
    let err = plain()
        .mi_from_covariance(cov3().view(), &[0], &[1, 3])
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::OutOfRange { argument: "y", .. }
    ));
}

#[test]
fn covariance_index_lists_must_be_non_empty() {
    let err = plain()
        .cmi_from_covariance(cov3().view(), &[0], &[1], &[])
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "z", .. }
    ));
}

#[test]
fn covariance_index_lists_must_be_disjoint() {
    let err = plain()
        .cmi_from_covariance(cov3().view(), &[0], &[1], &[1, 2])
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "z", .. }
    ));
    assert!(err.to_string().contains("also in `y`"));
}

#[test]
fn covariance_index_lists_must_not_repeat() {
    let err = plain()
        .entropy_from_covariance(cov3().view(), &[0, 0])
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "idx", .. }
    ));
}

#[test]
fn covariance_zero_variance_is_refused_without_ridge() {
    let cov = array![[1.0, 0.0], [0.0, 0.0]];
    let err = plain()
        .mi_from_covariance(cov.view(), &[0], &[1])
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::ZeroVariance {
            argument: "cov",
            column: 1,
            ..
        }
    ));
    let est = ridged(1e-3)
        .mi_from_covariance(cov.view(), &[0], &[1])
        .unwrap();
    assert!(est.nats().abs() < 1e-15);
}

#[test]
fn covariance_not_positive_definite_is_refused() {
    // Eigenvalues of [[1, 2], [2, 1]] are 3 and −1.
    let cov = array![[1.0, 2.0], [2.0, 1.0]];
    let err = plain()
        .mi_from_covariance(cov.view(), &[0], &[1])
        .unwrap_err();
    assert!(
        matches!(
            err,
            EstimatorError::NotPositiveDefinite { argument: "y", .. }
        ),
        "{err:?}"
    );
}
