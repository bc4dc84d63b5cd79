//! KSG algorithm 1 and Kozachenko–Leonenko against SPEC.md §1.3's facts and properties.

use infoscope_estimators::knn::{KozachenkoLeonenko, Ksg, SearchMethod, Ties};
use infoscope_estimators::{Entropy, EstimatorError, MutualInformation};
use ndarray::{Array2, Axis};

use crate::common::{gaussian_pairs, normals, permutation};

fn ksg() -> Ksg {
    Ksg::params().check().unwrap()
}

/// SPEC.md §1.3 [derived; Algorithm 1, P = 2000, k = 3, 10 seeds]: truth −½ ln(1 − ρ²) for
/// ρ = 0, 0.5, 0.9 is 0, 0.143841, 0.830366 nats; "assert |mean − true| < 0.03 nats at P = 2000
/// averaged over 10 seeds, and single runs within 0.1 nats".
#[test]
fn bivariate_gaussian_table() {
    for (rho, truth) in [(0.0, 0.0), (0.5, 0.143_841), (0.9, 0.830_366)] {
        let runs: Vec<f64> = (0..10)
            .map(|seed| {
                let (x, y) = gaussian_pairs(100 + seed, 2000, 1, rho);
                ksg().estimate(x.view(), y.view()).unwrap().nats()
            })
            .collect();
        let mean = runs.iter().sum::<f64>() / runs.len() as f64;
        assert!(
            (mean - truth).abs() < 0.03,
            "rho {rho}: mean {mean} vs {truth}"
        );
        for r in &runs {
            assert!((r - truth).abs() < 0.1, "rho {rho}: run {r} vs {truth}");
        }
    }
}

/// SPEC.md §1.3: d independent pairs each of correlation ρ have I = −(d/2) ln(1 − ρ²). For d = 2,
/// ρ = 0.5: 0.287682 nats. KSG's bias grows with dimension; at n = 2000, k = 3 and a 4-D joint
/// space it stays within 0.05 nats on the mean of 5 seeds (SPEC's 0.03 is for the 1-D table).
#[test]
fn two_dimensional_pairs() {
    let truth = -(1.0 - 0.25_f64).ln();
    let mean = (0..5)
        .map(|seed| {
            let (x, y) = gaussian_pairs(200 + seed, 2000, 2, 0.5);
            ksg().estimate(x.view(), y.view()).unwrap().nats()
        })
        .sum::<f64>()
        / 5.0;
    assert!((mean - truth).abs() < 0.05, "mean {mean} vs {truth}");
}

#[test]
fn locals_average_to_the_estimate_and_properties_hold() {
    let (x, y) = gaussian_pairs(7, 500, 2, 0.7);
    let est = ksg().estimate(x.view(), y.view()).unwrap();
    let locals = ksg().local_values(x.view(), y.view()).unwrap();
    let mean = locals.iter().sum::<f64>() / locals.len() as f64;
    assert!((mean - est.nats()).abs() < 1e-12);
    // Symmetric in X and Y, invariant to permuting samples.
    let swapped = ksg().estimate(y.view(), x.view()).unwrap();
    assert!((swapped.nats() - est.nats()).abs() < 1e-12);
    let p = permutation(8, 500);
    let (px, py) = (x.select(Axis(0), &p), y.select(Axis(0), &p));
    assert!((ksg().estimate(px.view(), py.view()).unwrap().nats() - est.nats()).abs() < 1e-12);
    // Every backend gives the same number.
    for search in [SearchMethod::KdTree, SearchMethod::BruteForce] {
        let other = Ksg::params().search(search).check().unwrap();
        assert_eq!(
            other.estimate(x.view(), y.view()).unwrap().nats(),
            est.nats()
        );
    }
    assert_eq!(
        est.diagnostic("zero_distance_fraction"),
        Some(&serde_json::json!(0.0))
    );
}

/// Ties are reported, never hidden: rounded data have zero k-th neighbour distances.
#[test]
fn exact_duplicates_are_reported() {
    let (x, y) = gaussian_pairs(9, 1000, 1, 0.5);
    let (x, y) = (
        x.mapv(|v| (v * 2.0).round() / 2.0),
        y.mapv(|v| (v * 2.0).round() / 2.0),
    );
    let kept = Ksg::params().ties(Ties::Gao).check().unwrap();
    let est = kept.estimate(x.view(), y.view()).unwrap();
    let frac = est
        .diagnostic("zero_distance_fraction")
        .and_then(|v| v.as_f64())
        .unwrap();
    assert!(frac > 0.1, "{frac}");
    assert!(
        est.warnings
            .iter()
            .any(|w| w.contains("zero k-th neighbour distance"))
    );
}

/// Kozachenko–Leonenko: N(0, σ²) in d dimensions has H = (d/2) ln(2πe σ²) nats. At n = 2000,
/// k = 3 the estimator's sd is about 0.03 nats per dimension; the mean of 5 seeds is within 0.05.
#[test]
fn kozachenko_leonenko_recovers_gaussian_entropy() {
    let kl = KozachenkoLeonenko::params().check().unwrap();
    for (d, sigma) in [(1, 1.0), (2, 3.0)] {
        let truth = 0.5
            * d as f64
            * (2.0 * std::f64::consts::PI * std::f64::consts::E * sigma * sigma).ln();
        let mean = (0..5)
            .map(|seed| {
                kl.entropy((normals(300 + seed, 2000, d) * sigma).view())
                    .unwrap()
                    .nats()
            })
            .sum::<f64>()
            / 5.0;
        assert!((mean - truth).abs() < 0.05, "d {d}: mean {mean} vs {truth}");
    }
}

#[test]
fn bad_inputs_and_parameters_are_refused() {
    assert!(matches!(
        Ksg::params().k(0).check(),
        Err(EstimatorError::InvalidParameter { name: "k", .. })
    ));
    let (x, y) = gaussian_pairs(10, 5, 1, 0.5);
    let err = Ksg::params()
        .k(5)
        .check()
        .unwrap()
        .estimate(x.view(), y.view())
        .unwrap_err();
    assert!(
        matches!(err, EstimatorError::InvalidParameter { name: "k", .. }),
        "{err}"
    );
    let mut bad = x.clone();
    bad[[2, 0]] = f64::NAN;
    let err = ksg().estimate(bad.view(), y.view()).unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::NonFinite {
            argument: "x",
            row: 2,
            ..
        }
    ));
    let dup = Array2::from_elem((10, 1), 1.0);
    let err = KozachenkoLeonenko::params()
        .check()
        .unwrap()
        .entropy(dup.view())
        .unwrap_err();
    assert!(
        matches!(err, EstimatorError::OutOfRange { argument: "x", .. }),
        "{err}"
    );
}

/// With z-scoring, per-column affine maps (positive scale) change nothing beyond rounding.
#[test]
fn normalized_ksg_ignores_per_column_scale_and_shift() {
    let (x, y) = gaussian_pairs(11, 800, 2, 0.6);
    let est = Ksg::params().normalize(true).check().unwrap();
    let base = est.estimate(x.view(), y.view()).unwrap().nats();
    let mut x2 = x.clone();
    x2.column_mut(0).mapv_inplace(|v| 1000.0 * v - 5.0);
    x2.column_mut(1).mapv_inplace(|v| 0.001 * v + 3.0);
    let moved = est.estimate(x2.view(), y.view()).unwrap().nats();
    assert!((moved - base).abs() < 1e-9, "{moved} vs {base}");
}

/// Seeded jitter (JIDT mode: z-score, then N(0, 1e-8²)) is reproducible and breaks exact ties.
#[test]
fn seeded_jitter_is_reproducible_and_breaks_ties() {
    let (x, y) = gaussian_pairs(12, 1000, 1, 0.5);
    let (x, y) = (
        x.mapv(|v| (v * 2.0).round() / 2.0),
        y.mapv(|v| (v * 2.0).round() / 2.0),
    );
    let jidt = Ksg::params().jidt_compatible().seed(5).check().unwrap();
    let a = jidt.estimate(x.view(), y.view()).unwrap();
    let b = jidt.estimate(x.view(), y.view()).unwrap();
    assert_eq!(a.nats(), b.nats());
    assert_eq!(
        a.diagnostic("zero_distance_fraction"),
        Some(&serde_json::json!(0.0))
    );
    let config = &a.config;
    assert_eq!(config["noise"]["std"], 1e-8);
    assert_eq!(config["normalize"], true);
    let err = Ksg::params()
        .noise(infoscope_estimators::knn::Noise::Gaussian { std: -1.0 })
        .check()
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "noise", .. }
    ));
}
