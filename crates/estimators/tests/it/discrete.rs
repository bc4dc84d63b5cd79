//! The discrete family against SPEC.md §1.1's checkable facts, brute-force oracles and
//! properties.

use std::collections::BTreeMap;
use std::f64::consts::LN_2;

use infoscope_estimators::discrete::{BiasCorrection, BinPolicy, Binned, PlugIn};
use infoscope_estimators::{
    ConditionalMutualInformation, Entropy, EstimatorError, MutualInformation, Unit,
};
use ndarray::{Array1, Array2, Axis, array, concatenate};
use proptest::prelude::*;
use rand::RngExt;

use crate::common::{labels, normals, permutation, rng};

const CORRECTIONS: [BiasCorrection; 4] = BiasCorrection::ALL;

fn binned(policy: BinPolicy) -> Binned {
    Binned::params().policy(policy).check().unwrap()
}

fn plugin(correction: BiasCorrection) -> PlugIn {
    PlugIn::params().correction(correction).check().unwrap()
}

fn col(v: &[i64]) -> Array2<i64> {
    Array1::from(v.to_vec()).insert_axis(Axis(1))
}

// ---------------------------------------------------------------- SPEC.md §1.1 facts

/// SPEC.md §1.1 [derived]: IDNNs edges (30 over [-1, 1]) put -0.95, -0.90, 0.50, 0.97 in four
/// distinct intervals, so H(T) = 2 bits and with Y = (0, 0, 1, 1) I(T;Y) = 1 bit;
/// `FixedIntervals{-1, 1, 2}` gives H(T) = 1 bit and I(T;Y) = 1 bit.
#[test]
fn idnns_edge_example() {
    let t = array![[-0.95], [-0.90], [0.50], [0.97]];
    let y = array![0_i64, 0, 1, 1];
    let idnns = binned(BinPolicy::FixedEdges {
        lo: -1.0,
        hi: 1.0,
        n_edges: 30,
    });
    assert!((idnns.entropy(t.view()).unwrap().bits() - 2.0).abs() < 1e-12);
    let mi = idnns
        .mutual_information_with_labels(t.view(), y.view())
        .unwrap();
    assert!((mi.in_unit(Unit::Bits) - 1.0).abs() < 1e-12);

    let two = binned(BinPolicy::FixedIntervals {
        lo: -1.0,
        hi: 1.0,
        n_bins: 2,
    });
    assert!((two.entropy(t.view()).unwrap().bits() - 1.0).abs() < 1e-12);
    let mi = two
        .mutual_information_with_labels(t.view(), y.view())
        .unwrap();
    assert!((mi.bits() - 1.0).abs() < 1e-12);
}

/// SPEC.md §1.1 [derived from `data/var_u.mat`]: 2118 ones among 4096 labels give
/// H(Y) = 0.999157 bits (6 decimals as printed there).
#[test]
fn ib_dataset_label_entropy() {
    let y: Vec<i64> = (0..4096).map(|i| i64::from(i < 2118)).collect();
    let h = plugin(BiasCorrection::None)
        .entropy(col(&y).view())
        .unwrap();
    assert!((h.bits() - 0.999157).abs() < 5e-7, "{}", h.bits());
}

/// SPEC.md §1.1: when every row is a distinct pattern, Ĥ(T) = log2 P bits, and the estimate
/// says so in its diagnostics and warnings.
#[test]
fn unique_rows_give_log2_n_bits_and_say_so() {
    let n = 200;
    let x = normals(1, n, 64); // 64 continuous units: every binned row is distinct
    let est = binned(BinPolicy::FixedIntervals {
        lo: -1.0,
        hi: 1.0,
        n_bins: 2,
    })
    .entropy(x.view())
    .unwrap();
    assert!((est.bits() - (n as f64).log2()).abs() < 1e-12);
    assert_eq!(
        est.diagnostic("all_rows_unique_x"),
        Some(&serde_json::json!(true))
    );
    assert!(est.warnings.iter().any(|w| w.contains("distinct symbol")));
    // A layer with repeated rows does not claim saturation.
    let few = binned(BinPolicy::FixedIntervals {
        lo: -5.0,
        hi: 5.0,
        n_bins: 1,
    })
    .entropy(x.view())
    .unwrap();
    assert_eq!(few.nats(), 0.0);
    assert_eq!(
        few.diagnostic("all_rows_unique_x"),
        Some(&serde_json::json!(false))
    );
    assert!(few.warnings.is_empty());
}

/// SPEC.md §1.1: permuting units or relabelling bins injectively changes no binned MI.
#[test]
fn unit_permutation_and_bin_relabelling_change_nothing() {
    let x = normals(2, 500, 3);
    let y = labels(3, 500, 4);
    let est = binned(BinPolicy::PerUnitMinMax { n_bins: 4 });
    let base = est
        .mutual_information_with_labels(x.view(), y.view())
        .unwrap();
    let permuted = x.select(Axis(1), &[2, 0, 1]);
    let again = est
        .mutual_information_with_labels(permuted.view(), y.view())
        .unwrap();
    assert_eq!(base.nats(), again.nats());

    let symbols = est.bin("x", x.view()).unwrap().symbols;
    let relabelled = symbols.mapv(|s| 1000 - 7 * s);
    let y2 = y.clone().insert_axis(Axis(1));
    for c in CORRECTIONS {
        let a = plugin(c)
            .mutual_information(symbols.view(), y2.view())
            .unwrap();
        let b = plugin(c)
            .mutual_information(relabelled.view(), y2.view())
            .unwrap();
        assert!((a.nats() - b.nats()).abs() < 1e-12, "{c:?}");
    }
}

// ---------------------------------------------------------------- exact small cases

/// H(T|C) = Σ_c p(c) H(T | C = c), computed group by group.
#[test]
fn conditional_entropy_is_the_weighted_group_entropy() {
    let t = [0, 1, 1, 2, 2, 2, 0, 0, 1, 3];
    let c = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    let est = plugin(BiasCorrection::None)
        .conditional_entropy(col(&t).view(), col(&c).view())
        .unwrap();
    let mut groups: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (&ti, &ci) in t.iter().zip(&c) {
        groups.entry(ci).or_default().push(ti);
    }
    let expected: f64 = groups
        .values()
        .map(|g| {
            let h = plugin(BiasCorrection::None)
                .entropy(col(g).view())
                .unwrap()
                .nats();
            g.len() as f64 / t.len() as f64 * h
        })
        .sum();
    assert!((est.nats() - expected).abs() < 1e-12);
}

/// The chain rule I(X; Y,Z) = I(X; Z) + I(X; Y | Z) holds exactly for plug-in estimates.
#[test]
fn chain_rule_holds_for_plugin() {
    let mut r = rng(4);
    let n = 300;
    let x: Vec<i64> = (0..n).map(|_| r.random_range(0..3)).collect();
    let z: Vec<i64> = x.iter().map(|&v| (v + r.random_range(0..2)) % 3).collect();
    let y: Vec<i64> = x
        .iter()
        .zip(&z)
        .map(|(&a, &b)| (a * b + r.random_range(0..2)) % 4)
        .collect();
    let (x, y, z) = (col(&x), col(&y), col(&z));
    let yz = concatenate![Axis(1), y, z];
    let p = plugin(BiasCorrection::None);
    let lhs = p.mutual_information(x.view(), yz.view()).unwrap().nats();
    let rhs = p.mutual_information(x.view(), z.view()).unwrap().nats()
        + p.conditional_mutual_information(x.view(), y.view(), z.view())
            .unwrap()
            .nats();
    assert!((lhs - rhs).abs() < 1e-12, "{lhs} vs {rhs}");
}

/// Miller–Madow adds (m − 1)/(2P) nats to each entropy term (SPEC.md §1.1).
#[test]
fn miller_madow_adds_m_minus_one_over_two_n() {
    let s = col(&[0, 0, 1, 2, 2, 2, 3]);
    let plain = plugin(BiasCorrection::None)
        .entropy(s.view())
        .unwrap()
        .nats();
    let mm = plugin(BiasCorrection::MillerMadow)
        .entropy(s.view())
        .unwrap();
    assert!((mm.nats() - plain - 3.0 / 14.0).abs() < 1e-15);
    assert_eq!(
        mm.diagnostic("plugin_nats"),
        Some(&serde_json::json!(plain))
    );
}

/// Oracle: the O(m) jackknife of MI equals leaving each sample out and recomputing.
#[test]
fn jackknife_mi_equals_leave_one_out_oracle() {
    let x = [0, 0, 1, 1, 2, 2, 2, 0, 1, 3, 3, 0];
    let y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0];
    let p = plugin(BiasCorrection::None);
    let mi = |xs: &[i64], ys: &[i64]| {
        p.mutual_information(col(xs).view(), col(ys).view())
            .unwrap()
            .nats()
    };
    let n = x.len() as f64;
    let loo: f64 = (0..x.len())
        .map(|i| {
            let xs: Vec<i64> = x
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, v)| *v)
                .collect();
            let ys: Vec<i64> = y
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, v)| *v)
                .collect();
            mi(&xs, &ys)
        })
        .sum();
    let expected = n * mi(&x, &y) - (n - 1.0) / n * loo;
    let fast = plugin(BiasCorrection::Jackknife)
        .mutual_information(col(&x).view(), col(&y).view())
        .unwrap();
    assert!(
        (fast.nats() - expected).abs() < 1e-12,
        "{} vs {expected}",
        fast.nats()
    );
}

/// Oracle: James–Stein MI equals shrinking the dense joint table over the product of observed
/// alphabets and computing MI from it (Hausser & Strimmer 2009, eq. 8 and §4).
#[test]
fn james_stein_mi_equals_dense_table_oracle() {
    let x = [0, 0, 1, 1, 2, 2, 2, 0, 1, 3, 3, 0, 2];
    let y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 2, 0, 2];
    let (mx, my, n) = (4, 3, x.len() as f64);
    let mut table = vec![0.0; mx * my];
    for (&a, &b) in x.iter().zip(&y) {
        table[a as usize * my + b as usize] += 1.0 / n;
    }
    let k = (mx * my) as f64;
    let sum_sq: f64 = table.iter().map(|p| p * p).sum();
    let dist: f64 = table.iter().map(|p| (1.0 / k - p).powi(2)).sum();
    let lambda = ((1.0 - sum_sq) / ((n - 1.0) * dist)).clamp(0.0, 1.0);
    let shrunk: Vec<f64> = table
        .iter()
        .map(|p| lambda / k + (1.0 - lambda) * p)
        .collect();
    let px: Vec<f64> = (0..mx)
        .map(|i| (0..my).map(|j| shrunk[i * my + j]).sum())
        .collect();
    let py: Vec<f64> = (0..my)
        .map(|j| (0..mx).map(|i| shrunk[i * my + j]).sum())
        .collect();
    let mut expected = 0.0;
    for i in 0..mx {
        for j in 0..my {
            let p = shrunk[i * my + j];
            expected += p * (p / (px[i] * py[j])).ln();
        }
    }
    let est = plugin(BiasCorrection::JamesStein)
        .mutual_information(col(&x).view(), col(&y).view())
        .unwrap();
    assert!(
        (est.nats() - expected).abs() < 1e-12,
        "{} vs {expected}",
        est.nats()
    );
    let got_lambda = est
        .diagnostic("james_stein_lambda")
        .and_then(|v| v.as_f64())
        .unwrap();
    assert!((got_lambda - lambda).abs() < 1e-12);
}

// ---------------------------------------------------------------- fast paths vs general path

/// Oracle: the per-unit batch equals one general-path estimate per column, for every policy and
/// correction.
#[test]
fn per_unit_equals_one_column_at_a_time() {
    let n = 400;
    let mut x = normals(5, n, 37); // 37 columns: blocks of 16 plus a remainder
    x.column_mut(3).fill(0.25); // a constant unit
    x.column_mut(4).mapv_inplace(|v| v.max(0.0)); // a ReLU unit with ties at 0
    // A unit whose values sit exactly on the IDNNs edges (k·2/29 − 1) and one ulp below them.
    for i in 0..n {
        let edge = (i % 30) as f64 * (2.0 / 29.0) - 1.0;
        x[[i, 5]] = if i % 60 < 30 {
            edge
        } else {
            edge - f64::EPSILON
        };
    }
    let y = labels(6, n, 5);
    let policies = [
        BinPolicy::FixedEdges {
            lo: -1.0,
            hi: 1.0,
            n_edges: 30,
        },
        BinPolicy::FixedIntervals {
            lo: -2.0,
            hi: 2.0,
            n_bins: 7,
        },
        BinPolicy::FixedWidth { width: 0.3 },
        BinPolicy::PerUnitMinMax { n_bins: 30 },
        BinPolicy::GlobalMinMax { n_bins: 12 },
        BinPolicy::Quantile { n_bins: 6 },
    ];
    for policy in policies {
        for c in CORRECTIONS {
            let est = Binned::params()
                .policy(policy)
                .correction(c)
                .check()
                .unwrap();
            let batch = est.per_unit(x.view(), y.view()).unwrap();
            for j in 0..x.ncols() {
                // GlobalMinMax takes the range over all columns, so bin the whole layer first.
                let symbols = est.bin("x", x.view()).unwrap().symbols;
                let single = plugin(c)
                    .mutual_information(
                        symbols.column(j).insert_axis(Axis(1)),
                        y.view().insert_axis(Axis(1)),
                    )
                    .unwrap();
                // The jackknife multiplies entropies by n, so summation-order rounding grows
                // with n (400 here): 1e-12 relative to n.
                let tol = if c == BiasCorrection::Jackknife {
                    1e-12 * n as f64
                } else {
                    1e-12
                };
                assert!(
                    (batch.values[j] - single.nats()).abs() < tol,
                    "{policy:?} {c:?} unit {j}: {} vs {}",
                    batch.values[j],
                    single.nats()
                );
            }
            assert_eq!(batch.occupied_bins[3], 1);
            if c == BiasCorrection::None {
                assert_eq!(
                    batch.values[3], 0.0,
                    "a constant unit carries no information"
                );
            }
        }
    }
}

/// Oracle: binning with arithmetic edge guesses equals a linear scan over numpy-style
/// `linspace` edges, including values placed exactly on edges.
#[test]
fn fixed_edges_equal_a_linear_scan_digitize() {
    let (lo, hi, m) = (-1.0, 1.0, 30);
    let step = (hi - lo) / (m - 1) as f64;
    let mut edges: Vec<f64> = (0..m).map(|i| lo + i as f64 * step).collect();
    edges[m - 1] = hi;
    let mut values: Vec<f64> = edges.clone();
    values.extend(edges.iter().map(|e| e - 1e-15));
    values.extend(normals(7, 2000, 1).iter().map(|v| v * 0.8));
    let x = Array1::from(values.clone()).insert_axis(Axis(1));
    let s = binned(BinPolicy::FixedEdges { lo, hi, n_edges: m })
        .bin("x", x.view())
        .unwrap();
    for (v, got) in values.iter().zip(s.symbols.column(0)) {
        let expected = edges.iter().filter(|&&e| e <= *v).count() as i64;
        assert_eq!(*got, expected, "value {v}");
    }
}

/// Per-unit results are bit-identical for 1 and 2 threads.
#[test]
fn per_unit_is_thread_count_deterministic() {
    let x = normals(8, 1000, 70);
    let y = labels(9, 1000, 8);
    let est = Binned::params()
        .correction(BiasCorrection::JamesStein)
        .check()
        .unwrap();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| est.per_unit(x.view(), y.view()).unwrap())
    };
    assert_eq!(run(1), run(2));
}

// ---------------------------------------------------------------- properties

fn small_symbols() -> impl Strategy<Value = (Vec<i64>, Vec<i64>, Vec<i64>)> {
    (2_usize..60).prop_flat_map(|n| {
        (
            proptest::collection::vec(0_i64..4, n),
            proptest::collection::vec(0_i64..3, n),
            proptest::collection::vec(-2_i64..2, n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Permuting rows changes nothing; MI is symmetric; bits = nats / ln 2; plug-in MI ≥ 0.
    #[test]
    fn plugin_properties((x, y, z) in small_symbols(), seed in 0_u64..1000) {
        let (cx, cy, cz) = (col(&x), col(&y), col(&z));
        let perm = permutation(seed, x.len());
        let (px, py, pz) = (cx.select(Axis(0), &perm), cy.select(Axis(0), &perm), cz.select(Axis(0), &perm));
        for c in CORRECTIONS {
            let p = plugin(c);
            let mi = p.mutual_information(cx.view(), cy.view()).unwrap();
            let sym = p.mutual_information(cy.view(), cx.view()).unwrap();
            let perm_mi = p.mutual_information(px.view(), py.view()).unwrap();
            prop_assert!((mi.nats() - sym.nats()).abs() < 1e-12);
            prop_assert!((mi.nats() - perm_mi.nats()).abs() < 1e-12);
            prop_assert!((mi.bits() - mi.nats() / LN_2).abs() < 1e-15);
            let cmi = p.conditional_mutual_information(cx.view(), cy.view(), cz.view()).unwrap();
            let perm_cmi = p.conditional_mutual_information(px.view(), py.view(), pz.view()).unwrap();
            prop_assert!((cmi.nats() - perm_cmi.nats()).abs() < 1e-12);
            if c == BiasCorrection::None {
                prop_assert!(mi.nats() >= -1e-12);
                prop_assert!(cmi.nats() >= -1e-12);
            }
        }
    }

    /// Binned MI of continuous data: non-negative, symmetric and row-permutation invariant for
    /// every policy.
    #[test]
    fn binned_properties(seed in 0_u64..1000, n in 5_usize..200, bins in 1_usize..12) {
        let x = normals(seed, n, 2);
        let y = normals(seed + 1, n, 1) + x.column(0).insert_axis(Axis(1));
        let perm = permutation(seed, n);
        let (px, py) = (x.select(Axis(0), &perm), y.select(Axis(0), &perm));
        for policy in [
            BinPolicy::PerUnitMinMax { n_bins: bins },
            BinPolicy::GlobalMinMax { n_bins: bins },
            BinPolicy::Quantile { n_bins: bins },
            BinPolicy::FixedWidth { width: 0.5 },
            BinPolicy::FixedEdges { lo: -1.0, hi: 1.0, n_edges: bins + 1 },
        ] {
            let b = binned(policy);
            let mi = b.estimate(x.view(), y.view()).unwrap();
            prop_assert!(mi.nats() >= -1e-12, "{policy:?}: {}", mi.nats());
            prop_assert!((mi.nats() - b.estimate(y.view(), x.view()).unwrap().nats()).abs() < 1e-12);
            prop_assert!((mi.nats() - b.estimate(px.view(), py.view()).unwrap().nats()).abs() < 1e-12);
        }
    }
}

// ---------------------------------------------------------------- bad inputs

#[test]
fn nan_is_refused_with_its_position() {
    let mut x = normals(10, 10, 3);
    x[[4, 2]] = f64::NAN;
    let y = labels(11, 10, 2);
    let err = binned(BinPolicy::default())
        .per_unit(x.view(), y.view())
        .unwrap_err();
    assert!(
        matches!(
            err,
            EstimatorError::NonFinite {
                argument: "x",
                row: 4,
                col: 2,
                ..
            }
        ),
        "{err}"
    );
    let err = binned(BinPolicy::default()).entropy(x.view()).unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::NonFinite { row: 4, col: 2, .. }
    ));
}

#[test]
fn infinity_in_y_is_refused() {
    let x = normals(12, 10, 1);
    let mut y = normals(13, 10, 1);
    y[[7, 0]] = f64::NEG_INFINITY;
    let err = binned(BinPolicy::default())
        .estimate(x.view(), y.view())
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::NonFinite {
            argument: "y",
            row: 7,
            col: 0,
            ..
        }
    ));
    assert!(err.to_string().contains("-inf"));
}

#[test]
fn empty_input_is_refused() {
    let x = Array2::<f64>::zeros((0, 4));
    let err = binned(BinPolicy::default()).entropy(x.view()).unwrap_err();
    assert!(matches!(err, EstimatorError::Empty { argument: "x", .. }));
    let s = Array2::<i64>::zeros((3, 0));
    let err = plugin(BiasCorrection::None).entropy(s.view()).unwrap_err();
    assert!(matches!(err, EstimatorError::Empty { .. }));
}

#[test]
fn mismatched_rows_are_refused() {
    let x = normals(14, 10, 2);
    let y = labels(15, 11, 2);
    let err = binned(BinPolicy::default())
        .per_unit(x.view(), y.view())
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::ShapeMismatch {
            argument: "labels",
            expected: 10,
            got: 11,
            ..
        }
    ));
    let err = plugin(BiasCorrection::None)
        .mutual_information(col(&[1, 2]).view(), col(&[1, 2, 3]).view())
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::ShapeMismatch { argument: "y", .. }
    ));
}

#[test]
fn one_sample_gives_zero_information() {
    let x = array![[0.3, 0.1]];
    let mi = binned(BinPolicy::default())
        .estimate(x.view(), x.view())
        .unwrap();
    assert_eq!(mi.nats(), 0.0);
    assert_eq!(mi.n_samples, 1);
}

#[test]
fn invalid_bin_parameters_name_the_parameter() {
    let err = Binned::params()
        .policy(BinPolicy::FixedWidth { width: -1.0 })
        .check()
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "width", .. }
    ));
    let err = Binned::params()
        .policy(BinPolicy::FixedIntervals {
            lo: 1.0,
            hi: 0.0,
            n_bins: 3,
        })
        .check()
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "lo", .. }
    ));
    let err = Binned::params()
        .policy(BinPolicy::Quantile { n_bins: 0 })
        .check()
        .unwrap_err();
    assert!(matches!(
        err,
        EstimatorError::InvalidParameter { name: "n_bins", .. }
    ));
}

#[test]
fn huge_values_for_a_fixed_width_overflow_cleanly() {
    let x = array![[1e300], [0.0]];
    let err = binned(BinPolicy::FixedWidth { width: 1e-10 })
        .entropy(x.view())
        .unwrap_err();
    assert!(
        matches!(err, EstimatorError::OutOfRange { argument: "x", .. }),
        "{err}"
    );
}

/// Binned conditional MI of a copy is zero: I(X;Y|Y) = 0.
#[test]
fn conditioning_on_y_removes_its_information() {
    let x = normals(16, 300, 1);
    let y = &x + &normals(17, 300, 1);
    let b = binned(BinPolicy::PerUnitMinMax { n_bins: 5 });
    let cmi = b
        .estimate_conditional(x.view(), y.view(), y.view())
        .unwrap();
    assert!(cmi.nats().abs() < 1e-12);
}
