//! The conformance table: every setting of the suite, with what its method promises and the
//! tolerances, each with its reason.

use infoscope_estimators::Quantity;
use infoscope_estimators::Quantity::{
    ConditionalEntropy as HC, ConditionalMutualInformation as CMI, Entropy as H,
    InputInformation as II, JointEntropy as HJ, MutualInformation as MI,
};

use super::bad_inputs::{BadInputs, Expect, Kind};
use super::{Case, Reads, Symmetry};

/// Tolerance of a value recomputed with its sums in another order (rows permuted, or the
/// arguments' terms added in another order): the estimates are means or sums of at most
/// N = 300 terms of magnitude ≤ ~10 nats (local values, x ln x / n, log kernel sums, log
/// determinants of 3 × 3 well-conditioned covariances), so reordering moves them by at most
/// about N·ε·10 ≈ 7e-13; 1e-11 leaves a margin and still catches any change of a count.
pub(super) const SUM_ORDER: f64 = 1e-11;

/// Tolerance of a KL entropy with noise σ = 1e-6 under a permutation of the rows: the jitter
/// belongs to the row position, not to the sample, and KL's value depends on the distances
/// themselves (not only on counts as KSG's MI), so each ln ε_i moves by about σ/ε_i ~ 1e-5
/// with signs that mostly cancel in the mean (measured: 1.4e-6). 1e-4 = 100σ, still far below
/// the estimate's sampling sd (~0.07 nats at N = 300).
const KL_JITTER: f64 = 1e-4;

const DISCRETE_QUANTITIES: &[Quantity] = &[H, MI, CMI, HJ, HC, II];
const PLUGIN_QUANTITIES: &[Quantity] = &[H, MI, CMI, HJ, HC];
const CONTINUOUS_QUANTITIES: &[Quantity] = &[H, MI, CMI];

/// Plug-in symmetry: H(X) + H(Y) is commutative in floating point, and the joint's symbols are
/// numbered by first appearance of the row, which is the same for (x, y) and (y, x), so the
/// joint counts come in the same order and every term is the same number.
const DISCRETE_SYMMETRY: &str = "plug-in terms are the same numbers in either order";
/// The value of a single sample.
const ONE_SYMBOL: &str = "one sample is one symbol: every plug-in entropy is ln 1 − 1·ln 1 = 0";
/// A constant X under a plug-in estimator.
const ONE_BIN: &str = "a constant column is one symbol: H(X) = ln n − n ln n / n rounds to \
                       within a few ulps of 0 and H(X,Y) = H(Y) (the same counts), so I = 0";
const NO_LABELS: &str = "reads no labels";
const KSG_SYMMETRY: &str = "swapping X and Y swaps n_x and n_y: each local value \
    ψ(k) + ψ(N) − ψ(n_x+1) − ψ(n_y+1) is summed in another order (a few ulps of ~5 nats, \
    averaged over N); with noise on continuous data the jitter (σ ≤ 1e-8, given to X then Y) \
    flips no comparison, as the gaps between compared distances are ≫ 1e-8";
const KSG_CONSTANT: &str = "a constant X puts every other sample inside the radius \
    (n_x = N − 1) and the radius is Y's k-th neighbour distance (n_y = k − 1): each local value \
    is ψ(k) + ψ(N) − ψ(N) − ψ(k) = 0";

const ROSS_CONSTANT: &str = "a constant X puts every sample at distance 0: each local value \
    is the plug-in rule ψ(N) − ψ(N_c) + ψ(N_c) − ψ(N) = 0";

/// Every setting of the suite.
pub(crate) fn cases() -> Vec<Case> {
    use Expect::{Error, Skip, Value};
    let one_sample_is_too_few = Error(Kind::TooFewSamples, "x");
    vec![
        Case {
            name: "binned, default policy (unit-minmax:10), X and Y binned",
            spec: r#"{"method": "binned"}"#,
            reads: Reads::Continuous,
            quantities: DISCRETE_QUANTITIES,
            symmetry: Symmetry::Exact(DISCRETE_SYMMETRY),
            permutation: Some((SUM_ORDER, "counts are the same, summed in another order")),
            locals: &[],
            pairwise: false,
            per_unit: true,
            bad: BadInputs {
                one_sample: Value(0.0, 0.0, ONE_SYMBOL),
                constant_x: Value(0.0, 1e-12, ONE_BIN),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "binned, quantile:4 with Miller–Madow, Y labels",
            spec: r#"{"method": "binned", "policy": "quantile:4", "correction": "miller-madow"}"#,
            reads: Reads::LayerLabels,
            quantities: DISCRETE_QUANTITIES,
            symmetry: Symmetry::Not("X is binned and Y read as labels: the roles differ"),
            permutation: Some((SUM_ORDER, "counts (and quantile edges) are the same")),
            locals: &[],
            pairwise: false,
            per_unit: true,
            bad: BadInputs {
                // Miller–Madow adds (m − 1)/(2n) per term; with one symbol every m is 1.
                one_sample: Value(0.0, 0.0, ONE_SYMBOL),
                // The Miller–Madow terms cancel too: m_X = 1 and m_XY = m_Y.
                constant_x: Value(0.0, 1e-12, ONE_BIN),
                non_integer_label: Error(Kind::NotInteger, "y"),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "binned, width:0.5 with James–Stein, Y labels typed but read as binned",
            spec: r#"{"method": "binned", "policy": "width:0.5", "correction": "james-stein",
                      "y_kind": "continuous"}"#,
            reads: Reads::LayerLabels,
            quantities: DISCRETE_QUANTITIES,
            symmetry: Symmetry::Exact(DISCRETE_SYMMETRY),
            permutation: Some((SUM_ORDER, "counts are the same, summed in another order")),
            locals: &[],
            pairwise: false,
            per_unit: true,
            bad: BadInputs {
                one_sample: Value(0.0, 0.0, ONE_SYMBOL),
                constant_x: Value(0.0, 1e-12, ONE_BIN),
                // y_kind = continuous bins Y whatever its type: 0.5 is a valid value.
                non_integer_label: Skip("y_kind = continuous reads no labels"),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "plugin",
            spec: r#"{"method": "plugin"}"#,
            reads: Reads::Symbols,
            quantities: PLUGIN_QUANTITIES,
            symmetry: Symmetry::Exact(DISCRETE_SYMMETRY),
            permutation: Some((SUM_ORDER, "counts are the same, summed in another order")),
            locals: &[],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                one_sample: Value(0.0, 0.0, ONE_SYMBOL),
                constant_x: Value(0.0, 1e-12, ONE_BIN),
                non_integer_label: Error(Kind::NotInteger, "y"),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "plugin with the jackknife",
            spec: r#"{"method": "plugin", "correction": "jackknife"}"#,
            reads: Reads::Symbols,
            quantities: PLUGIN_QUANTITIES,
            symmetry: Symmetry::Exact(DISCRETE_SYMMETRY),
            permutation: Some((SUM_ORDER, "counts are the same, summed in another order")),
            locals: &[],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                // The jackknife of fewer than 2 samples is the plug-in value.
                one_sample: Value(0.0, 0.0, ONE_SYMBOL),
                // Each term is jackknifed alike: the H(X,Y) and H(Y) terms are equal.
                constant_x: Value(0.0, 1e-12, ONE_BIN),
                non_integer_label: Error(Kind::NotInteger, "y"),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "gaussian",
            spec: r#"{"method": "gaussian"}"#,
            reads: Reads::Continuous,
            quantities: CONTINUOUS_QUANTITIES,
            symmetry: Symmetry::Within(
                1e-12,
                "ln det of the joint covariance with its blocks swapped: Cholesky of a \
                 permuted 3 × 3 matrix with condition ~10 differs by ~10 ε",
            ),
            permutation: Some((SUM_ORDER, "covariance sums in another order")),
            locals: &[],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                constant_x: Error(Kind::ZeroVariance, "x"),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "gaussian with a ridge",
            spec: r#"{"method": "gaussian", "ridge": 1e-6}"#,
            reads: Reads::Continuous,
            quantities: CONTINUOUS_QUANTITIES,
            symmetry: Symmetry::Within(1e-12, "as without a ridge"),
            permutation: Some((SUM_ORDER, "covariance sums in another order")),
            locals: &[],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                // The ridge makes the constant column's variance 1e-6; its covariance with Y
                // is exactly 0, so the joint covariance is block diagonal and I = 0.
                constant_x: Value(0.0, 1e-12, "a constant X is uncorrelated with Y"),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "ksg, algorithm 1, defaults",
            spec: r#"{"method": "ksg"}"#,
            reads: Reads::Continuous,
            quantities: CONTINUOUS_QUANTITIES,
            symmetry: Symmetry::Within(1e-12, KSG_SYMMETRY),
            permutation: Some((
                SUM_ORDER,
                "the same counts per sample, averaged in another order",
            )),
            locals: &[MI, CMI],
            pairwise: true,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                constant_x: Value(0.0, 1e-12, KSG_CONSTANT),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "ksg, algorithm 2, k = 4, brute force",
            spec: r#"{"method": "ksg", "algorithm": 2, "k": 4, "search": "brute_force"}"#,
            reads: Reads::Continuous,
            // Algorithm 2 has no entropy and no conditional form.
            quantities: &[MI],
            symmetry: Symmetry::Within(1e-12, KSG_SYMMETRY),
            permutation: Some((
                SUM_ORDER,
                "the same counts per sample, averaged in another order",
            )),
            locals: &[MI],
            pairwise: true,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                // X's extent is 0, where eq. 9's −1/k does not hold (it gave
                // 1/(N − 1) − 1/k before issue 15): such samples take algorithm 1's local,
                // which is 0 for a constant X.
                constant_x: Value(
                    0.0,
                    1e-12,
                    "zero marginal extent: algorithm 1's local value (issue 15)",
                ),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "ksg, JIDT's setting (normalize + noise 1e-8)",
            spec: r#"{"method": "ksg", "normalize": true, "noise": 1e-8, "seed": 7}"#,
            reads: Reads::Continuous,
            quantities: CONTINUOUS_QUANTITIES,
            symmetry: Symmetry::Within(1e-12, KSG_SYMMETRY),
            permutation: Some((
                1e-6,
                "the noise is drawn by row position, so permuted rows get other draws. MI and \
                 CMI depend on counts alone, which σ = 1e-8 does not change on continuous data \
                 (gaps between compared distances ≫ 1e-8); the entropy (KL) depends on the \
                 distances, each moved by ~σ (measured: 2e-8). 1e-6 still catches a change of \
                 one count, which moves a mean of N local values by ≥ ~1/N² ≈ 1e-5",
            )),
            locals: &[MI, CMI],
            pairwise: true,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                // z-scoring centres the constant column; the 1e-8 jitter keeps every X
                // distance far below the joint radius, so the counts are those of a constant.
                constant_x: Value(0.0, 1e-12, KSG_CONSTANT),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "ksg, k = 5, Theiler window 2, kd-tree",
            spec: r#"{"method": "ksg", "k": 5, "theiler": 2, "search": "kd_tree"}"#,
            reads: Reads::Continuous,
            quantities: CONTINUOUS_QUANTITIES,
            symmetry: Symmetry::Within(1e-12, KSG_SYMMETRY),
            permutation: None,
            locals: &[MI, CMI],
            pairwise: true,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                // With ψ(M_i + 1) over the candidates outside the window (issue 15; before, ψ(N)
                // left ψ(N) − ψ(N − e_i) per sample).
                constant_x: Value(0.0, 1e-12, KSG_CONSTANT),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "kl, defaults",
            spec: r#"{"method": "kl"}"#,
            reads: Reads::Continuous,
            quantities: &[H],
            symmetry: Symmetry::Not("entropy only"),
            permutation: Some((
                SUM_ORDER,
                "the same distances, their logs summed in another order",
            )),
            locals: &[],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                inf_y: Error(Kind::NonFinite, "x"),
                one_sample: one_sample_is_too_few,
                mismatched_rows: Skip("one argument"),
                constant_x: Error(Kind::OutOfRange, "x"),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "kl, normalize + noise 1e-6, k = 4",
            spec: r#"{"method": "kl", "k": 4, "normalize": true, "noise": 1e-6, "seed": 3}"#,
            reads: Reads::Continuous,
            quantities: &[H],
            symmetry: Symmetry::Not("entropy only"),
            permutation: Some((
                KL_JITTER,
                "the noise is drawn by row position, so permuted rows get other draws (see \
                 KL_JITTER)",
            )),
            locals: &[],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                inf_y: Error(Kind::NonFinite, "x"),
                one_sample: one_sample_is_too_few,
                mismatched_rows: Skip("one argument"),
                // z-scoring centres the constant column and the noise makes it N(0, σ²):
                // h = ½ ln(2πeσ²) = −12.397 nats for σ = 1e-6. The estimate's sd is about
                // √(Var[ln f(X)] / N) = √(0.5 / 300) ≈ 0.04 nats for a Gaussian (the efficient
                // limit; k = 4 inflates it by well under 2×), and its bias is O(1/N): 0.15
                // nats is ≥ 3.5 sd (measured: 0.004 off).
                constant_x: Value(
                    0.5 * (2.0 * std::f64::consts::PI * std::f64::consts::E * 1e-12).ln(),
                    0.15,
                    "the noise alone: h(N(0, σ²))",
                ),
                non_integer_label: Skip(NO_LABELS),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "ross, defaults",
            spec: r#"{"method": "ross"}"#,
            reads: Reads::LayerLabels,
            quantities: &[MI],
            symmetry: Symmetry::Not("X is continuous and Y its class labels: the roles differ"),
            permutation: Some((
                SUM_ORDER,
                "the same classes and counts per sample, averaged in another order",
            )),
            locals: &[MI],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                constant_x: Value(0.0, 1e-12, ROSS_CONSTANT),
                non_integer_label: Error(Kind::NotInteger, "y"),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "ross, k = 5, normalize + noise 1e-8, kd-tree",
            spec: r#"{"method": "ross", "k": 5, "normalize": true, "noise": 1e-8, "seed": 3,
                      "search": "kd_tree"}"#,
            reads: Reads::LayerLabels,
            quantities: &[MI],
            symmetry: Symmetry::Not("X is continuous and Y its class labels: the roles differ"),
            permutation: Some((
                1e-6,
                "the noise is drawn by row position, so permuted rows get other draws; the \
                 estimate depends on counts alone, which σ = 1e-8 does not change on continuous \
                 data (as for KSG with noise)",
            )),
            locals: &[MI],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                one_sample: one_sample_is_too_few,
                // z-scoring centres the constant column; the jitter then separates the
                // samples, each ball holds the k same-class neighbours and some of the others:
                // the estimate is that of labels independent of X, near 0 (its sd at N = 300 is
                // ≈ 0.03, from the independence test's 0.013 at N = 2000; 0.2 is ≫ 4 sd).
                constant_x: Value(0.0, 0.2, "labels independent of a noise-only X"),
                non_integer_label: Error(Kind::NotInteger, "y"),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "kt, noise_var 0.5",
            spec: r#"{"method": "kt", "noise_var": 0.5}"#,
            reads: Reads::LayerLabels,
            quantities: &[II, H, MI],
            symmetry: Symmetry::Not("X is the noisy layer and Y its labels"),
            permutation: Some((
                SUM_ORDER,
                "kernel sums over the same pairs in another order",
            )),
            locals: &[],
            pairwise: false,
            per_unit: false,
            // KT's kernels name the layer `h` (the name in its own API); through the
            // specification the layer is `x` (`bad_inputs::kt_layer_errors_name_x`).
            bad: BadInputs {
                // One component: each log kernel sum is ln(1 · 1) = 0, and so is every bound.
                one_sample: Value(0.0, 0.0, "a mixture of one component carries nothing"),
                // Every pairwise kernel is 1: each log sum is ln Σ c_j = ln 1 up to the
                // rounding of N weights 1/N.
                constant_x: Value(0.0, 1e-12, "every sample has the same mixture component"),
                non_integer_label: Error(Kind::NotInteger, "y"),
                ..BadInputs::checked("x")
            },
        },
        Case {
            name: "kt, noise_var 2 with 7 × 7 tiles",
            spec: r#"{"method": "kt", "noise_var": 2.0, "tile": 7}"#,
            reads: Reads::LayerLabels,
            quantities: &[II, H, MI],
            symmetry: Symmetry::Not("X is the noisy layer and Y its labels"),
            permutation: Some((
                SUM_ORDER,
                "kernel sums over the same pairs in another order",
            )),
            locals: &[],
            pairwise: false,
            per_unit: false,
            bad: BadInputs {
                one_sample: Value(0.0, 0.0, "a mixture of one component carries nothing"),
                constant_x: Value(0.0, 1e-12, "every sample has the same mixture component"),
                non_integer_label: Error(Kind::NotInteger, "y"),
                ..BadInputs::checked("x")
            },
        },
    ]
}
