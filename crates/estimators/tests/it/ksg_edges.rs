//! KSG and Kozachenko–Leonenko at the edges (issue 15): Theiler windows, constant and discrete
//! marginals, the published zero-distance rule, and tied data against the MI of the tied
//! variables. Each test failed before its fix; the numbers before are in the comments.

use infoscope_estimators::discrete::PlugIn;
use infoscope_estimators::knn::{KozachenkoLeonenko, Ksg, KsgAlgorithm, Ties};
use infoscope_estimators::special::digamma;
use infoscope_estimators::{Entropy, MutualInformation};
use ndarray::{Array2, ArrayView2, Axis};
use rand::RngExt;

use crate::common::{normals, rng};

fn ksg(alg: KsgAlgorithm, w: usize, ties: Ties) -> Ksg {
    Ksg::params()
        .algorithm(alg)
        .theiler(w)
        .ties(ties)
        .check()
        .unwrap()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Independent i.i.d. Gaussians have I = 0 whatever the window. With ψ(N) kept, a window of w
/// removes 2w candidates and biased the estimate by about ln(N / (N − 2w)): measured +0.20
/// nats at N = 1000, w = 100 and +0.46 at w = 200. With ψ(M_i + 1) the mean of 4 seeds is
/// within 0.03 of 0 (the single-run sd is about 0.02).
#[test]
fn theiler_window_does_not_bias_independent_samples() {
    for w in [100, 200] {
        for alg in [KsgAlgorithm::One, KsgAlgorithm::Two] {
            let runs: Vec<f64> = (0..4)
                .map(|seed| {
                    let d = normals(700 + seed, 1000, 2);
                    let (x, y) = (
                        d.slice(ndarray::s![.., 0..1]),
                        d.slice(ndarray::s![.., 1..2]),
                    );
                    ksg(alg, w, Ties::Jitter).estimate(x, y).unwrap().nats()
                })
                .collect();
            let m = mean(&runs);
            assert!(m.abs() < 0.03, "w {w} {alg:?}: mean {m} ({runs:?})");
        }
    }
}

/// Kozachenko–Leonenko of a 2-D standard normal: H = ln(2πe) = 2.837877 nats. With ψ(N) kept
/// a window of 200 at N = 1000 gave 3.067; with the mean of ψ(M_i + 1) the mean of 4 seeds is
/// within 0.05 (single-run sd about 0.04).
#[test]
fn theiler_window_does_not_bias_kozachenko_leonenko() {
    let truth = (2.0 * std::f64::consts::PI * std::f64::consts::E).ln();
    for w in [0, 200] {
        let kl = KozachenkoLeonenko::params().theiler(w).check().unwrap();
        let runs: Vec<f64> = (0..4)
            .map(|seed| {
                kl.entropy(normals(720 + seed, 1000, 2).view())
                    .unwrap()
                    .nats()
            })
            .collect();
        let m = mean(&runs);
        assert!((m - truth).abs() < 0.05, "w {w}: mean {m} vs {truth}");
    }
}

/// A constant variable carries no information. Two constant columns gave ψ(N − 1) − ψ(N) =
/// −1/(N − 1) (k̃ without the sample itself); with Gao et al.'s k̃ (the sample counted) and
/// ψ(N) every local is ψ(N) + ψ(N) − 2ψ(N) = 0 exactly. Against a continuous X, algorithm 1
/// gives exactly 0 too, and algorithm 2 gave ≈ −1/k (−0.31 at k = 3) before its zero-extent
/// samples took algorithm 1's local value.
#[test]
fn a_constant_variable_gives_exactly_zero() {
    let n = 500;
    let c = Array2::from_elem((n, 1), 0.25);
    let x = normals(730, n, 2);
    for ties in [Ties::Jitter, Ties::Gao] {
        for alg in [KsgAlgorithm::One, KsgAlgorithm::Two] {
            let est = ksg(alg, 0, ties);
            let both = est.estimate(c.view(), c.view()).unwrap();
            assert_eq!(both.nats(), 0.0, "{alg:?} {ties:?}: two constants");
            for (a, b) in [(x.view(), c.view()), (c.view(), x.view())] {
                let e = est.estimate(a, b).unwrap();
                assert!(e.nats().abs() < 1e-12, "{alg:?} {ties:?}: {}", e.nats());
            }
        }
    }
    let two = ksg(KsgAlgorithm::Two, 0, Ties::Gao)
        .estimate(x.view(), c.view())
        .unwrap();
    assert_eq!(
        two.diagnostic("zero_extent_fraction"),
        Some(&serde_json::json!(1.0))
    );
    assert!(
        two.warnings
            .iter()
            .any(|w| w.contains("zero marginal extent"))
    );
}

/// Gao, Kannan, Oh & Viswanath (2017), Algorithm 1, written out here: ρ_i the k-th joint
/// distance; at ρ_i = 0, k̃_i = #{j : d_ij = 0} counting i itself, else k; n_x, n_y count the
/// points within ρ_i (≤ 0 at zero distance, < ρ_i otherwise, as KSG), the sample included; the
/// local is ψ(k̃_i) + ψ(N) − ψ(n_x) − ψ(n_y) (ψ(N) for the paper's log N, see the KSG docs).
fn gao_published(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize) -> f64 {
    let n = x.nrows();
    let d = |a: ArrayView2<'_, f64>, i: usize, j: usize| {
        a.row(i)
            .iter()
            .zip(a.row(j))
            .fold(0.0_f64, |m, (p, q)| m.max((p - q).abs()))
    };
    let total: f64 = (0..n)
        .map(|i| {
            let joint = |j: usize| d(x, i, j).max(d(y, i, j));
            let mut ds: Vec<f64> = (0..n).filter(|&j| j != i).map(joint).collect();
            ds.sort_by(f64::total_cmp);
            let rho = ds[k - 1];
            let within = |a: ArrayView2<'_, f64>| {
                (0..n)
                    .filter(|&j| {
                        if rho == 0.0 {
                            d(a, i, j) == 0.0
                        } else {
                            d(a, i, j) < rho
                        }
                    })
                    .count() as f64
            };
            let kk = if rho == 0.0 {
                (0..n).filter(|&j| joint(j) == 0.0).count() as f64
            } else {
                k as f64
            };
            digamma(kk) + digamma(n as f64) - digamma(within(x)) - digamma(within(y))
        })
        .sum();
    total / n as f64
}

/// KSG-1 with the ties kept equals [`gao_published`] (to rounding); the estimate.
fn kept_equals_published(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> f64 {
    let got = ksg(KsgAlgorithm::One, 0, Ties::Gao)
        .estimate(x, y)
        .unwrap()
        .nats();
    let want = gao_published(x, y, 3);
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    got
}

/// Binary X, Y = X with 10% flips (n = 1000): every sample has hundreds of duplicates, so the
/// zero-distance rule decides everything. With k̃ not counting the sample the estimate sat
/// 0.0045 below the published rule and the plug-in (0.3515 against 0.3560 on the review's
/// data); now it equals the published rule to rounding and the plug-in within 0.001.
#[test]
fn zero_distance_rule_is_the_published_one() {
    let n = 1000;
    let mut r = rng(740);
    let xs: Vec<i64> = (0..n).map(|_| r.random_range(0..2)).collect();
    let ys: Vec<i64> = xs
        .iter()
        .map(|&v| if r.random_bool(0.1) { 1 - v } else { v })
        .collect();
    let xi = Array2::from_shape_vec((n, 1), xs).unwrap();
    let yi = Array2::from_shape_vec((n, 1), ys).unwrap();
    let (x, y) = (xi.mapv(|v| v as f64), yi.mapv(|v| v as f64));
    let got = kept_equals_published(x.view(), y.view());
    let plug = PlugIn::params()
        .check()
        .unwrap()
        .mutual_information(xi.view(), yi.view())
        .unwrap()
        .nats();
    assert!((got - plug).abs() < 1e-3, "{got} vs plug-in {plug}");
    // Mixed data (a rounded continuous pair): the published rule sample by sample.
    let d = normals(741, 300, 2);
    let (x, y) = (
        d.slice(ndarray::s![.., 0..1])
            .mapv(|v| (v * 2.0).round() / 2.0),
        d.slice(ndarray::s![.., 1..2]).mapv(|v| v.round()),
    );
    kept_equals_published(x.view(), y.view());
}

/// The MI of standard bivariate normals rounded to a grid g, by quadrature over the grid cells
/// (`python scripts/ksg_ties_grid.py`, 40-point Gauss–Legendre per cell; 0.826830 for ρ = 0.9
/// on a 0.1 grid, as the issue quotes).
const ROUNDED_MI: [(f64, f64, f64); 6] = [
    (0.3, 0.1, 0.047_073),
    (0.3, 0.5, 0.045_162),
    (0.6, 0.1, 0.222_676),
    (0.6, 0.5, 0.211_908),
    (0.9, 0.1, 0.826_830),
    (0.9, 0.5, 0.750_918),
];

/// Correlated Gaussians rounded to a grid: the estimate stays within 0.03 nats of the MI of
/// the rounded variables for every ρ, grid and n (n = 2000: the mean of 4 seeds, single-run sd
/// about 0.03; n = 20000: one run). Before (ties kept, k̃ without the sample) one case gave
/// 0.42 (algorithm 1) and −0.39 (algorithm 2) against 0.22; the published rule with ties kept
/// is still off by up to +0.32 (ρ = 0.3, g = 0.1, n = 2000: `scripts/ksg_ties_grid.py
/// --compare`), which is why seeded jitter is the default for tied data.
#[test]
fn rounded_gaussians_match_the_mi_of_the_rounded_variables() {
    for (rho, g, truth) in ROUNDED_MI {
        for (n, seeds) in [(2000, 4_u64), (20_000, 1)] {
            for alg in [KsgAlgorithm::One, KsgAlgorithm::Two] {
                let runs: Vec<f64> = (0..seeds)
                    .map(|s| {
                        let e = normals(750 + s, n, 2);
                        let x = e.column(0).to_owned();
                        let y = &x * rho + &e.column(1) * (1.0 - rho * rho).sqrt();
                        let round = |v: f64| (v / g).round() * g;
                        let (x, y) = (
                            x.mapv(round).insert_axis(Axis(1)),
                            y.mapv(round).insert_axis(Axis(1)),
                        );
                        ksg(alg, 0, Ties::Jitter)
                            .estimate(x.view(), y.view())
                            .unwrap()
                            .nats()
                    })
                    .collect();
                let m = mean(&runs);
                assert!(
                    (m - truth).abs() < 0.03,
                    "rho {rho} grid {g} n {n} {alg:?}: {m} vs {truth} ({runs:?})"
                );
            }
        }
    }
}

/// The jitter touches only tied, non-constant columns: continuous data give the same bits as
/// with ties kept; tied data are reported; the same seed gives the same value, another seed
/// another value; and a column gets the same jitter in either role (exact symmetry).
#[test]
fn tie_jitter_is_targeted_reported_and_seeded() {
    let d = normals(760, 800, 3);
    let (x, y) = (
        d.slice(ndarray::s![.., 0..2]),
        d.slice(ndarray::s![.., 2..3]),
    );
    for alg in [KsgAlgorithm::One, KsgAlgorithm::Two] {
        let a = ksg(alg, 0, Ties::Jitter).estimate(x, y).unwrap();
        let b = ksg(alg, 0, Ties::Gao).estimate(x, y).unwrap();
        assert_eq!(a.nats().to_bits(), b.nats().to_bits(), "{alg:?}");
        assert_eq!(
            a.diagnostic("jittered_columns"),
            Some(&serde_json::json!(0))
        );
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }
    let rounded = d.mapv(|v| (v * 4.0).round() / 4.0);
    let (x, y) = (
        rounded.slice(ndarray::s![.., 0..2]),
        rounded.slice(ndarray::s![.., 2..3]),
    );
    let est = |seed: u64| {
        Ksg::params()
            .seed(seed)
            .check()
            .unwrap()
            .estimate(x, y)
            .unwrap()
    };
    let (a, b, c) = (est(1), est(1), est(2));
    assert_eq!(a.nats().to_bits(), b.nats().to_bits());
    assert_ne!(a.nats().to_bits(), c.nats().to_bits());
    assert_eq!(
        a.diagnostic("jittered_columns"),
        Some(&serde_json::json!(3))
    );
    assert_eq!(
        a.diagnostic("zero_distance_fraction"),
        Some(&serde_json::json!(0.0))
    );
    assert!(
        a.warnings.iter().any(|w| w.contains("jitter")),
        "{:?}",
        a.warnings
    );
    let swapped = Ksg::params()
        .seed(1)
        .check()
        .unwrap()
        .estimate(y, x)
        .unwrap();
    assert_eq!(a.nats().to_bits(), swapped.nats().to_bits());
    assert_eq!(a.config["ties"], "jitter");
}
