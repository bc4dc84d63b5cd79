//! One conformance suite over every method of the estimator specification (STYLE.md §3 rule 11),
//! in the spirit of JIDT's `MutualInfoMultiVariateAbstractTester`: [`cases`] is one table of
//! [`EstimatorSpec`]s, each with what its method promises (the quantities it answers, whether
//! I(X;Y) is symmetric, which quantities have local values, the data it reads, and what every
//! bad input gives), and each property below is checked for every case where it applies.
//!
//! **Adding a method:** add one [`Case`] per setting worth checking (at least one) to [`cases`]:
//! its spec as JSON, the data it reads ([`Reads`]), its quantities, its [`Symmetry`], its
//! permutation tolerance, the quantities with local values, whether it has the pairwise and
//! per-unit forms, and its [`BadInputs`] row (every field must be filled: a typed error naming
//! the argument, a documented value, or why the input does not apply).
//! `every_method_has_a_case` fails until the new method is in the table.
//!
//! The table is in `conformance/table.rs`, the bad inputs in `conformance/bad_inputs.rs`.
//! The data are seeded, n = 300 ([`N`]); the whole suite runs in well under a second.

mod bad_inputs;
mod table;

use infoscope_estimators::Quantity::{
    ConditionalMutualInformation as CMI, Entropy as H, MutualInformation as MI,
};
use infoscope_estimators::significance::Surrogate;
use infoscope_estimators::spec::{Data, EstimatorSpec, ValueType, Variable};
use infoscope_estimators::{Estimate, EstimatorError, Outcome, Quantity, Unit};
use ndarray::{Array2, Axis, s};

use self::bad_inputs::BadInputs;
use self::table::SUM_ORDER;
pub(crate) use self::table::cases;
use crate::common::{normals, permutation};

/// Rows of every data set of the suite.
pub(crate) const N: usize = 300;

/// What data a method reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reads {
    /// Continuous X (n × 2), Y and Z (n × 1), typed as floats.
    Continuous,
    /// Integer symbols X (n × 2), Y and Z (n × 1), typed as integers.
    Symbols,
    /// A continuous layer X (n × 2, floats) and integer labels Y and Z (typed as integers).
    LayerLabels,
}

/// Whether I(X;Y) = I(Y;X) (and I(X;Y|Z) = I(Y;X|Z)), and why.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Symmetry {
    /// Bit for bit.
    Exact(&'static str),
    /// Within a tolerance.
    Within(f64, &'static str),
    /// The method does not promise it (the roles differ, or there is no MI).
    Not(&'static str),
}

/// One estimator setting and what its method promises.
#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub(crate) name: &'static str,
    /// The specification, as JSON.
    pub(crate) spec: &'static str,
    pub(crate) reads: Reads,
    /// Exactly the quantities the method answers, in its order.
    pub(crate) quantities: &'static [Quantity],
    pub(crate) symmetry: Symmetry,
    /// Tolerance of the estimate under a permutation of the rows (all arguments alike), and
    /// why; `None` where the order of rows is part of the data (a Theiler window).
    pub(crate) permutation: Option<(f64, &'static str)>,
    /// The quantities with local values.
    pub(crate) locals: &'static [Quantity],
    /// Whether `Estimator::pairwise` answers.
    pub(crate) pairwise: bool,
    /// Whether `Estimator::per_unit` answers.
    pub(crate) per_unit: bool,
    pub(crate) bad: BadInputs,
}

impl Case {
    pub(crate) fn spec(&self) -> EstimatorSpec {
        serde_json::from_str(self.spec).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    /// The question the bad inputs are put to: I(X;Y) when the method has it, else the first
    /// one-variable quantity.
    fn main_quantity(&self) -> Quantity {
        if self.quantities.contains(&Quantity::MutualInformation) {
            Quantity::MutualInformation
        } else {
            self.quantities[0]
        }
    }
}

/// X, Y, Z of `reads`'s kind (see [`Reads`]); Y depends on X and Z on both, so every
/// quantity is well away from 0.
pub(crate) fn sample(reads: Reads, seed: u64) -> [Array2<f64>; 3] {
    let x = normals(seed, N, 2);
    let e = normals(seed + 1, N, 2);
    let y = (&x.slice(s![.., 0..1]) * 0.8 + &e.slice(s![.., 0..1]) * 0.6).to_owned();
    let z = (&x.slice(s![.., 1..2]) * 0.5 + &y * 0.3 + e.slice(s![.., 1..2])).to_owned();
    let sym = |a: &Array2<f64>| a.mapv(|v| v.round().clamp(-2.0, 2.0));
    let label = |a: &Array2<f64>| a.mapv(|v| f64::from(u8::from(v > 0.0) + u8::from(v > 1.0)));
    match reads {
        Reads::Continuous => [x, y, z],
        Reads::Symbols => [sym(&x), sym(&y), sym(&z)],
        Reads::LayerLabels => [x, label(&y), label(&z)],
    }
}

/// The value types of X, Y, Z.
fn types(reads: Reads) -> [ValueType; 3] {
    match reads {
        Reads::Continuous => [ValueType::Float; 3],
        Reads::Symbols => [ValueType::Integer; 3],
        Reads::LayerLabels => [ValueType::Float, ValueType::Integer, ValueType::Integer],
    }
}

/// The arguments `q` takes, from `x`, `y`, `z`, typed as `reads` says.
fn data<'a>(
    reads: Reads,
    q: Quantity,
    x: &'a Array2<f64>,
    y: &'a Array2<f64>,
    z: &'a Array2<f64>,
) -> Data<'a> {
    let [tx, ty, tz] = types(reads);
    let mut d = Data::new(Variable::new(x.view(), tx));
    if q.arguments().contains(&"y") {
        d = d.with_y(Variable::new(y.view(), ty));
    }
    if q.arguments().contains(&"z") {
        d = d.with_z(Variable::new(z.view(), tz));
    }
    d
}

/// The values (nats) of an outcome: the point, or lower and upper.
fn values(o: &Outcome) -> Vec<f64> {
    o.parts().iter().map(|(_, e)| e.nats()).collect()
}

fn estimates(o: &Outcome) -> Vec<&Estimate> {
    o.parts().into_iter().map(|(_, e)| e).collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn within(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(p, q)| (p - q).abs() <= tol)
}

/// Algorithm 2 has no entropy and no conditional MI (typed errors, checked in spec.rs).
fn answers(case: &Case, q: Quantity) -> bool {
    !(case.spec.contains(r#""algorithm": 2"#) && matches!(q, H | CMI))
}

/// Every (case, quantity it answers) with its data and outcome.
fn each_estimate(mut check: impl FnMut(&Case, Quantity, &[Array2<f64>; 3], &Outcome)) {
    for case in cases() {
        let est = case.spec().check().unwrap();
        let xyz = sample(case.reads, 1);
        for &q in case.quantities.iter().filter(|&&q| answers(&case, q)) {
            let d = data(case.reads, q, &xyz[0], &xyz[1], &xyz[2]);
            let o = est
                .estimate(q, &d)
                .unwrap_or_else(|e| panic!("{} {q:?}: {e}", case.name));
            check(&case, q, &xyz, &o);
        }
    }
}

fn on_threads<T: Send>(n: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn every_method_has_a_case() {
    let cases = cases();
    for info in EstimatorSpec::METHODS {
        assert!(
            cases.iter().any(|c| c.spec().method() == info.name),
            "method `{}` has no case in the conformance table: add its spec(s) to `cases()`",
            info.name
        );
    }
}

#[test]
fn quantities_are_the_promised_ones() {
    for case in cases() {
        let est = case.spec().check().unwrap();
        assert_eq!(est.quantities(), case.quantities, "{}", case.name);
        assert_eq!(est.name(), case.spec().method());
    }
}

#[test]
fn mutual_information_is_symmetric_where_promised() {
    for case in cases() {
        let (tol, why) = match case.symmetry {
            Symmetry::Exact(why) => (0.0, why),
            Symmetry::Within(tol, why) => (tol, why),
            // Every case says why it promises no symmetry.
            Symmetry::Not(why) => {
                assert!(!why.is_empty(), "{}", case.name);
                continue;
            }
        };
        let est = case.spec().check().unwrap();
        let [x, y, z] = sample(case.reads, 2);
        for q in [MI, CMI] {
            if !case.quantities.contains(&q) || !answers(&case, q) {
                continue;
            }
            let xy = values(&est.estimate(q, &data(case.reads, q, &x, &y, &z)).unwrap());
            let yx = values(&est.estimate(q, &data(case.reads, q, &y, &x, &z)).unwrap());
            let ctx = format!("{} {q:?}: {xy:?} vs {yx:?} ({why})", case.name);
            if tol == 0.0 {
                assert_eq!(bits(&xy), bits(&yx), "{ctx}");
            } else {
                assert!(within(&xy, &yx, tol), "{ctx}");
            }
        }
    }
}

#[test]
fn estimates_do_not_depend_on_the_order_of_rows() {
    let order = permutation(3, N);
    each_estimate(|case, q, [x, y, z], o| {
        let Some((tol, why)) = case.permutation else {
            return;
        };
        let p = |a: &Array2<f64>| a.select(Axis(0), &order);
        let (px, py, pz) = (p(x), p(y), p(z));
        let est = case.spec().check().unwrap();
        let permuted = est
            .estimate(q, &data(case.reads, q, &px, &py, &pz))
            .unwrap();
        let (a, b) = (values(o), values(&permuted));
        eprintln!("PERM {} {q:?} {:e}", case.name, (a[0] - b[0]).abs());
        assert!(
            within(&a, &b, tol),
            "{} {q:?}: {a:?} vs {b:?} ({why})",
            case.name
        );
    });
}

/// JIDT's `testLocalsAverageCorrectly`: the mean of the local values is the estimate. The
/// estimate is that mean, so only the order of summation could differ: [`SUM_ORDER`].
#[test]
fn local_values_average_to_the_estimate() {
    each_estimate(|case, q, [x, y, z], o| {
        let est = case.spec().check().unwrap();
        let locals = est.local_values(q, &data(case.reads, q, x, y, z));
        if !case.locals.contains(&q) {
            assert!(
                matches!(locals, Err(EstimatorError::Unsupported { .. })),
                "{} {q:?}: {locals:?}",
                case.name
            );
            return;
        }
        let locals = locals.unwrap();
        assert_eq!(locals.len(), N);
        let mean = locals.iter().sum::<f64>() / N as f64;
        let v = values(o)[0];
        assert!(
            (mean - v).abs() <= SUM_ORDER,
            "{} {q:?}: {mean} vs {v}",
            case.name
        );
    });
}

/// Bits are nats / ln 2, exactly, in every accessor and in the record.
#[test]
fn bits_are_nats_over_ln_2() {
    each_estimate(|case, q, _, o| {
        for e in estimates(o) {
            let nats = e.nats();
            let ctx = format!("{} {q:?}", case.name);
            assert_eq!(e.bits(), nats / std::f64::consts::LN_2, "{ctx}");
            assert_eq!(e.in_unit(Unit::Bits), e.bits(), "{ctx}");
            assert_eq!(e.in_unit(Unit::Nats), nats, "{ctx}");
            assert_eq!(e.value.bits(), e.bits(), "{ctx}");
            let record = e.record(Unit::Bits);
            assert_eq!((record.value, record.value_nats), (e.bits(), nats), "{ctx}");
            // Back to nats: one rounding each way.
            let back = Unit::Bits.to_nats(e.bits());
            assert!(
                (back - nats).abs() <= 4.0 * f64::EPSILON * nats.abs(),
                "{ctx}"
            );
            assert_eq!(e.quantity, q, "{ctx}");
            assert_eq!(e.n_samples, N, "{ctx}");
        }
    });
}

/// Every quantity, the local values and a surrogate test, on 1 and 2 threads: bit for bit
/// (work is split by sample, pair or surrogate, never by a reduction whose order depends on
/// the pool).
#[test]
fn results_do_not_depend_on_the_thread_count() {
    for case in cases() {
        let est = case.spec().check().unwrap();
        let [x, y, z] = sample(case.reads, 4);
        let run = || {
            let mut out = Vec::new();
            for &q in case.quantities.iter().filter(|&&q| answers(&case, q)) {
                let d = data(case.reads, q, &x, &y, &z);
                out.push(format!("{:?}", est.estimate(q, &d).unwrap()));
                out.push(format!("{:?}", est.local_values(q, &d).map(|v| bits(&v))));
            }
            if case.quantities.contains(&MI) {
                let d = data(case.reads, MI, &x, &y, &z);
                let t = est
                    .surrogate_test(&d, Surrogate::Permutation, 5, 11)
                    .unwrap();
                out.push(format!("{t:?}"));
            }
            out
        };
        // `{:?}` of an f64 prints the shortest string that reads back to the same bits.
        let (one, two) = (on_threads(1, run), on_threads(2, run));
        assert_eq!(one, two, "{}", case.name);
    }
}

/// JIDT's `testComputeSignificanceDoesntAlterAverage`: the estimate inside a surrogate test
/// is the estimate, bit for bit.
#[test]
fn surrogate_tests_report_the_estimate() {
    for case in cases().iter().filter(|c| c.quantities.contains(&MI)) {
        let est = case.spec().check().unwrap();
        let [x, y, z] = sample(case.reads, 5);
        let d = data(case.reads, MI, &x, &y, &z);
        let o = est.estimate(MI, &d).unwrap();
        let t = est
            .surrogate_test(&d, Surrogate::Permutation, 3, 2)
            .unwrap();
        let observed: Vec<&Estimate> = t.parts().iter().map(|(_, t)| &t.estimate).collect();
        let v: Vec<f64> = observed.iter().map(|e| e.nats()).collect();
        assert_eq!(bits(&v), bits(&values(&o)), "{}", case.name);
        // The whole estimate (configuration, diagnostics) too.
        assert_eq!(observed, estimates(&o), "{}", case.name);
    }
}

/// Regression (found by this suite): binned's surrogate test reported `y_kind` resolved to
/// `labels`/`continuous` in its estimate instead of the estimator's `auto`.
#[test]
fn binned_surrogate_test_reports_the_estimate() {
    let est = EstimatorSpec::from_json(serde_json::json!({"method": "binned"}))
        .unwrap()
        .check()
        .unwrap();
    let [x, y, z] = sample(Reads::LayerLabels, 5);
    let d = data(Reads::LayerLabels, MI, &x, &y, &z);
    let o = est.estimate(MI, &d).unwrap().point().unwrap();
    let t = est
        .surrogate_test(&d, Surrogate::Permutation, 3, 2)
        .unwrap();
    let t = t.point().unwrap();
    assert_eq!(t.estimate.spec().unwrap(), est.spec());
    assert_eq!(t.estimate, o);
}

/// `Estimate::spec` rebuilds the case's spec, and checking it again gives the same value.
#[test]
fn the_estimate_rebuilds_its_estimator() {
    each_estimate(|case, q, [x, y, z], o| {
        for e in estimates(o) {
            let spec = e.spec().unwrap();
            if case.spec().method() == "ksg" && q == H {
                // KSG's entropy is Kozachenko–Leonenko's with the same settings, and comes back
                // as that `kl` spec (documented in `knn/method.rs`); it gives the same value.
                assert_eq!(spec.method(), "kl", "{}", case.name);
            } else {
                assert_eq!(spec, case.spec(), "{} {q:?}", case.name);
            }
            let again = spec
                .check()
                .unwrap()
                .estimate(q, &data(case.reads, q, x, y, z))
                .unwrap();
            assert_eq!(
                bits(&values(&again)),
                bits(&values(o)),
                "{} {q:?}",
                case.name
            );
        }
    });
}

/// Only the methods with a batch form answer it; the others refuse with a typed error.
#[test]
fn batch_forms_exist_where_promised() {
    for case in cases() {
        let est = case.spec().check().unwrap();
        let [x, y, _] = sample(case.reads, 6);
        let pairwise = est.pairwise(x.view(), Some(y.view()));
        let labels = y.mapv(|v| v.round());
        let per_unit = est.per_unit(x.view(), Variable::integer(labels.view()));
        for (name, promised, unsupported, ok) in [
            (
                "pairwise",
                case.pairwise,
                matches!(pairwise, Err(EstimatorError::Unsupported { .. })),
                pairwise.is_ok(),
            ),
            (
                "per_unit",
                case.per_unit,
                matches!(per_unit, Err(EstimatorError::Unsupported { .. })),
                per_unit.is_ok(),
            ),
        ] {
            assert_eq!(ok, promised, "{} {name}", case.name);
            assert_eq!(unsupported, !promised, "{} {name}", case.name);
        }
    }
}
