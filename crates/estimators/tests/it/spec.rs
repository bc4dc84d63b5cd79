//! The estimator specification as every face reads it: JSON and TOML round trips, the compact
//! forms, the errors naming the parameter at fault, [`Estimate::spec`], Kolchinsky–Tracey
//! bounds, how `binned` reads Y, and KSG's entropy being Kozachenko–Leonenko's.

use infoscope_estimators::spec::{Data, EstimatorSpec, Variable};
use infoscope_estimators::{EstimatorError, Outcome, Quantity};
use ndarray::{Array2, Axis, concatenate, s};
use serde_json::{Value, json};

use crate::common::{labels, normals};
use crate::conformance::cases;

fn from_json(v: Value) -> Result<EstimatorSpec, EstimatorError> {
    EstimatorSpec::from_json(v)
}

fn spec(v: Value) -> EstimatorSpec {
    from_json(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn toml_spec(text: &str) -> EstimatorSpec {
    toml::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Every parameter of every method away from its default.
fn non_default_specs() -> Vec<EstimatorSpec> {
    [
        json!({"method": "binned", "policy": {"kind": "fixed_edges", "lo": -1.0, "hi": 1.0,
               "n_edges": 30}, "correction": "jackknife", "y_kind": "labels"}),
        json!({"method": "binned", "policy": "intervals:-3:3:8", "correction": "james-stein",
               "y_kind": "continuous"}),
        json!({"method": "binned", "policy": "global-minmax:5"}),
        json!({"method": "plugin", "correction": "miller-madow"}),
        json!({"method": "gaussian", "ridge": 1e-3}),
        json!({"method": "ksg", "k": 5, "algorithm": 2, "theiler": 1, "normalize": true,
               "noise": {"kind": "gaussian", "std": 1e-6}, "seed": 42, "search": "kd_tree"}),
        json!({"method": "kl", "k": 2, "theiler": 3, "normalize": true, "noise": 0.01,
               "seed": 9, "search": "brute_force"}),
        json!({"method": "kt", "noise_var": 0.25, "tile": 16}),
    ]
    .into_iter()
    .map(spec)
    .collect()
}

/// Every spec of the suite: the conformance table's and the non-default ones.
fn all_specs() -> Vec<EstimatorSpec> {
    let mut specs: Vec<EstimatorSpec> = cases().iter().map(|c| c.spec()).collect();
    specs.extend(non_default_specs());
    specs
}

#[test]
fn every_spec_round_trips_through_json_and_toml() {
    let specs = all_specs();
    for info in EstimatorSpec::METHODS {
        assert!(
            specs.iter().any(|s| s.method() == info.name),
            "{}",
            info.name
        );
    }
    for spec in specs {
        let text = serde_json::to_string(&spec).unwrap();
        let back: EstimatorSpec = serde_json::from_str(&text).unwrap();
        assert_eq!(back, spec, "JSON {text}");
        let value = serde_json::to_value(&spec).unwrap();
        assert_eq!(value["method"], spec.method());
        assert_eq!(from_json(value).unwrap(), spec);
        let fields = spec.params().as_object().unwrap().clone();
        assert_eq!(
            EstimatorSpec::from_fields(spec.method(), fields).unwrap(),
            spec
        );
        let text = toml::to_string(&spec).unwrap();
        assert_eq!(toml_spec(&text), spec, "TOML {text}");
    }
}

#[test]
fn compact_policies_read_as_their_mapping() {
    let full = spec(json!({"method": "binned",
                           "policy": {"kind": "per_unit_min_max", "n_bins": 10}}));
    for policy in [json!("unit-minmax:10"), json!(10), json!("10")] {
        assert_eq!(spec(json!({"method": "binned", "policy": policy})), full);
    }
    // The default policy is unit-minmax:10.
    assert_eq!(spec(json!({"method": "binned"})), full);
    assert_eq!(toml_spec("method = \"binned\"\npolicy = 10"), full);
    assert_eq!(
        toml_spec("method = \"binned\"\npolicy = \"unit-minmax:10\""),
        full
    );
    assert_eq!(
        toml_spec("method = \"binned\"\n[policy]\nkind = \"per_unit_min_max\"\nn_bins = 10"),
        full
    );
    for (compact, mapping) in [
        (
            "fixed-edges:-1:1:30",
            json!({"kind": "fixed_edges", "lo": -1.0, "hi": 1.0, "n_edges": 30}),
        ),
        (
            "intervals:0:2:4",
            json!({"kind": "fixed_intervals", "lo": 0.0, "hi": 2.0, "n_bins": 4}),
        ),
        ("width:0.07", json!({"kind": "fixed_width", "width": 0.07})),
        (
            "global-minmax:6",
            json!({"kind": "global_min_max", "n_bins": 6}),
        ),
        ("quantile:4", json!({"kind": "quantile", "n_bins": 4})),
    ] {
        assert_eq!(
            spec(json!({"method": "binned", "policy": compact})),
            spec(json!({"method": "binned", "policy": mapping})),
            "{compact}"
        );
    }
}

#[test]
fn compact_noise_reads_as_its_mapping() {
    for method in ["ksg", "kl"] {
        let gaussian = spec(json!({"method": method,
                                   "noise": {"kind": "gaussian", "std": 1e-8}}));
        for noise in [json!(1e-8), json!("1e-8")] {
            assert_eq!(spec(json!({"method": method, "noise": noise})), gaussian);
        }
        assert_eq!(
            toml_spec(&format!("method = \"{method}\"\nnoise = 1e-8")),
            gaussian
        );
        let none = spec(json!({"method": method}));
        for noise in [json!(null), json!("none"), json!({"kind": "none"})] {
            assert_eq!(spec(json!({"method": method, "noise": noise})), none);
        }
        assert_eq!(
            toml_spec(&format!("method = \"{method}\"\nnoise = \"none\"")),
            none
        );
        assert_ne!(gaussian, none);
    }
}

#[test]
fn unknown_methods_name_the_method_and_list_the_known_ones() {
    let err = from_json(json!({"method": "mine"})).unwrap_err();
    assert!(
        matches!(err, EstimatorError::InvalidParameter { name: "method", .. }),
        "{err}"
    );
    for info in EstimatorSpec::METHODS {
        assert!(err.to_string().contains(info.name), "{err}");
    }
    for bad in [json!({"k": 3}), json!({"method": 3}), json!([1, 2])] {
        let err = from_json(bad).unwrap_err();
        assert!(
            matches!(err, EstimatorError::InvalidParameter { name: "method", .. }),
            "{err}"
        );
    }
}

#[test]
fn unknown_parameters_name_the_method_and_the_parameter() {
    for info in EstimatorSpec::METHODS {
        let mut fields = json!({"method": info.name, "bogus": 1});
        if info.name == "kt" {
            fields["noise_var"] = json!(1.0);
        }
        let err = from_json(fields).unwrap_err();
        match &err {
            EstimatorError::UnknownParameter {
                method,
                name,
                known,
            } => {
                assert_eq!((*method, name.as_str()), (info.name, "bogus"));
                assert_eq!(*known, info.fields.join(", "));
            }
            other => panic!("{}: {other}", info.name),
        }
        assert!(err.to_string().contains("`bogus`"), "{err}");
    }
}

/// A value of the wrong type or form is refused when read, naming the parameter.
#[test]
fn bad_values_name_the_parameter() {
    let kt = |field: &str, v: Value| {
        let mut m = json!({"method": "kt", "noise_var": 1.0});
        m[field] = v;
        m
    };
    for (fields, name) in [
        (json!({"method": "binned", "policy": "bogus:1"}), "policy"),
        (json!({"method": "binned", "policy": 0}), "policy"),
        (json!({"method": "binned", "policy": -2}), "policy"),
        (
            json!({"method": "binned", "correction": "magic"}),
            "correction",
        ),
        (json!({"method": "binned", "y_kind": "maybe"}), "y_kind"),
        (json!({"method": "plugin", "correction": 1}), "correction"),
        (json!({"method": "gaussian", "ridge": "big"}), "ridge"),
        (json!({"method": "ksg", "k": "three"}), "k"),
        (json!({"method": "ksg", "algorithm": 3}), "algorithm"),
        (json!({"method": "ksg", "normalize": 1}), "normalize"),
        (json!({"method": "ksg", "noise": "loud"}), "noise"),
        (json!({"method": "ksg", "seed": -1}), "seed"),
        (json!({"method": "ksg", "search": "psychic"}), "search"),
        (json!({"method": "ksg", "theiler": 1.5}), "theiler"),
        (json!({"method": "kl", "k": -1}), "k"),
        (kt("noise_var", json!("one")), "noise_var"),
        (kt("tile", json!("big")), "tile"),
    ] {
        let err = from_json(fields.clone()).unwrap_err();
        assert!(
            matches!(err, EstimatorError::InvalidParameter { name: n, .. } if n == name),
            "{fields}: {err}"
        );
        // Through serde (the faces' path) the message names it too.
        let serde_err = serde_json::from_value::<EstimatorSpec>(fields.clone()).unwrap_err();
        assert!(
            serde_err.to_string().contains(&format!("`{name}`")),
            "{fields}: {serde_err}"
        );
    }
}

/// A value of the right form but out of range is refused by `check`, naming the parameter
/// (for a policy, the number at fault: `n_bins`, `width`, ..., as `BinnedParams::check`
/// documents, whether the policy is a mapping or a compact string).
#[test]
fn out_of_range_values_are_refused_by_check() {
    for (fields, name) in [
        (json!({"method": "ksg", "k": 0}), "k"),
        (json!({"method": "ksg", "noise": -1e-8}), "noise"),
        (json!({"method": "kl", "k": 0}), "k"),
        (json!({"method": "kl", "noise": 0.0}), "noise"),
        (json!({"method": "gaussian", "ridge": -1.0}), "ridge"),
        (json!({"method": "kt", "noise_var": 0.0}), "noise_var"),
        (json!({"method": "kt", "noise_var": -2.0}), "noise_var"),
        (json!({"method": "kt", "noise_var": 1.0, "tile": 0}), "tile"),
        (
            json!({"method": "binned", "policy": {"kind": "per_unit_min_max", "n_bins": 0}}),
            "n_bins",
        ),
        (
            json!({"method": "binned", "policy": {"kind": "fixed_width", "width": 0.0}}),
            "width",
        ),
        (
            json!({"method": "binned", "policy": "unit-minmax:0"}),
            "n_bins",
        ),
        (json!({"method": "binned", "policy": "width:-1"}), "width"),
        (
            json!({"method": "binned", "policy": "fixed-edges:1:-1:30"}),
            "lo",
        ),
    ] {
        let err = spec(fields.clone()).check().unwrap_err();
        assert!(
            matches!(err, EstimatorError::InvalidParameter { name: n, .. } if n == name),
            "{fields}: {err}"
        );
        assert!(err.to_string().contains(&format!("`{name}`")), "{err}");
    }
}

#[test]
fn kt_needs_noise_var() {
    for fields in [json!({"method": "kt"}), json!({"method": "kt", "tile": 8})] {
        let err = from_json(fields).unwrap_err();
        match &err {
            EstimatorError::InvalidParameter { name, reason } => {
                assert_eq!(*name, "noise_var");
                assert!(reason.contains("no default"), "{reason}");
            }
            other => panic!("{other}"),
        }
    }
    let err = toml::from_str::<EstimatorSpec>("method = \"kt\"").unwrap_err();
    assert!(err.to_string().contains("`noise_var`"), "{err}");
}

/// The data a method reads: a layer X (n × 2), and labels typed as integers (KT, binned) or
/// symbols (plugin) for Y.
fn data_for<'a>(spec: &EstimatorSpec, x: &'a Array2<f64>, y: &'a Array2<f64>) -> Data<'a> {
    match spec.method() {
        "plugin" => Data::new(Variable::integer(x.view())).with_y(Variable::integer(y.view())),
        "kt" | "binned" => Data::new(x.view()).with_y(Variable::integer(y.view())),
        _ => Data::new(x.view()).with_y(y.view()),
    }
}

/// For every method, with every parameter off its default: each estimate's `spec()` is the
/// spec, and checking it again gives the same value, bit for bit.
#[test]
fn every_estimate_rebuilds_its_estimator() {
    let n = 200;
    let x = normals(41, n, 2);
    let y = labels(42, n, 3).insert_axis(Axis(1)).mapv(|v| v as f64);
    let symbols = x.mapv(|v| v.round());
    for spec in non_default_specs() {
        let est = spec.check().unwrap();
        let xv = if spec.method() == "plugin" {
            &symbols
        } else {
            &x
        };
        let q = if est.quantities().contains(&Quantity::MutualInformation) {
            Quantity::MutualInformation
        } else {
            Quantity::Entropy
        };
        let d = data_for(&spec, xv, &y);
        let d = if q == Quantity::Entropy {
            Data::new(d.x)
        } else {
            d
        };
        let o = est.estimate(q, &d).unwrap();
        for (_, e) in o.parts() {
            assert_eq!(e.spec().unwrap(), spec);
            assert_eq!(e.method, spec.method());
            let again = e.spec().unwrap().check().unwrap().estimate(q, &d).unwrap();
            let bits = |o: &Outcome| {
                o.parts()
                    .iter()
                    .map(|(_, e)| e.nats().to_bits())
                    .collect::<Vec<_>>()
            };
            assert_eq!(bits(&again), bits(&o), "{spec:?}");
        }
    }
}

/// Kolchinsky–Tracey answers every question with bounds. For I(input;T) and H(T) the order
/// is guaranteed: the Bhattacharyya bound uses the kernel at 4σ², which is ≥ the one at σ²
/// pairwise, so L(4σ²) ≥ L(σ²). For I(T;Y) the KL value is not a guaranteed upper bound (the
/// estimate's warning says so); on these informative labels the order holds and is checked as
/// a regression.
#[test]
fn kt_estimates_are_ordered_bounds() {
    let n = 300;
    let x = normals(43, n, 3);
    let y = x.column(0).mapv(|v| f64::from(u8::from(v > 0.0)));
    let y = y.insert_axis(Axis(1));
    for noise_var in [0.05, 1.0, 20.0] {
        let est = spec(json!({"method": "kt", "noise_var": noise_var}))
            .check()
            .unwrap();
        assert_eq!(
            est.one_variable_quantity().unwrap(),
            Quantity::InputInformation
        );
        for q in est.quantities() {
            let d = Data::new(x.view());
            let d = if *q == Quantity::MutualInformation {
                d.with_y(Variable::integer(y.view()))
            } else {
                d
            };
            let o = est.estimate(*q, &d).unwrap();
            assert!(o.clone().point().is_none());
            let b = o.bounds().unwrap();
            let ctx = format!(
                "σ² = {noise_var} {q:?}: {} vs {}",
                b.lower.nats(),
                b.upper.nats()
            );
            assert!(b.lower.nats() <= b.upper.nats(), "{ctx}");
            assert_eq!(b.lower.diagnostic("bound"), Some(&json!("lower")), "{ctx}");
            assert_eq!(b.upper.diagnostic("bound"), Some(&json!("upper")), "{ctx}");
        }
    }
}

/// Y with labels 0, 100 and 101: as labels they are 3 symbols; binned by unit-minmax:10 (10
/// bins over [0, 101]) 100 and 101 share the top bin, so the float reading has 2 symbols and
/// a smaller MI with an X that tells 100 from 101.
#[test]
fn binned_auto_reads_integer_variables_as_labels_and_floats_as_binned() {
    let n = 300;
    let classes = labels(44, n, 3);
    let y = classes
        .mapv(|c| [0.0, 100.0, 101.0][c as usize])
        .insert_axis(Axis(1));
    let x = (classes.mapv(|c| c as f64) + normals(45, n, 1).column(0).mapv(|v| 0.1 * v))
        .insert_axis(Axis(1));
    let mi = |y_kind: &str, integer: bool| {
        let est = spec(json!({"method": "binned", "y_kind": y_kind}))
            .check()
            .unwrap();
        let y = if integer {
            Variable::integer(y.view())
        } else {
            Variable::float(y.view())
        };
        est.estimate(Quantity::MutualInformation, &Data::new(x.view()).with_y(y))
            .unwrap()
            .point()
            .unwrap()
    };
    let as_int = mi("auto", true);
    let as_float = mi("auto", false);
    assert_eq!(as_int.diagnostic("y_read_as"), Some(&json!("labels")));
    assert_eq!(as_int.diagnostic("n_symbols_y"), Some(&json!(3)));
    assert_eq!(as_float.diagnostic("y_read_as"), Some(&json!("binned")));
    assert_eq!(as_float.diagnostic("n_symbols_y"), Some(&json!(2)));
    assert!(
        as_int.nats() > as_float.nats() + 0.3,
        "{} vs {}",
        as_int.nats(),
        as_float.nats()
    );
    // `auto` is `labels` for an integer variable and `continuous` for a float one, whatever
    // the other y_kind would do with the other type.
    let labels_kind = mi("labels", false);
    let continuous_kind = mi("continuous", true);
    assert_eq!(as_int.nats().to_bits(), labels_kind.nats().to_bits());
    assert_eq!(as_float.nats().to_bits(), continuous_kind.nats().to_bits());
}

/// Several integer columns are one joint label: the same estimate, bit for bit, as the single
/// column a·10 + b (the symbols are numbered by first appearance of the row either way, so
/// the counts are the same numbers in the same order), for binned and for KT.
#[test]
fn several_label_columns_act_as_one_joint_label() {
    let n = 300;
    let a = labels(46, n, 3).mapv(|v| v as f64).insert_axis(Axis(1));
    let b = labels(47, n, 2).mapv(|v| v as f64).insert_axis(Axis(1));
    let joint = concatenate(Axis(1), &[a.view(), b.view()]).unwrap();
    let coded = &a * 10.0 + &b;
    let x = normals(48, n, 2) + &a;
    for spec_json in [
        json!({"method": "binned"}),
        json!({"method": "kt", "noise_var": 0.5}),
    ] {
        let est = spec(spec_json.clone()).check().unwrap();
        let run = |y: &Array2<f64>| {
            let d = Data::new(x.view()).with_y(Variable::integer(y.view()));
            let o = est.estimate(Quantity::MutualInformation, &d).unwrap();
            o.parts()
                .iter()
                .map(|(_, e)| e.nats().to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(&joint), run(&coded), "{spec_json}");
        assert_ne!(
            run(&joint),
            run(&a),
            "{spec_json}: the second column counts"
        );
    }
}

/// KSG's entropy is Kozachenko–Leonenko's with the same k, Theiler window, normalize, noise,
/// seed and search, bit for bit.
#[test]
fn ksg_entropy_is_kozachenko_leonenko() {
    let x = normals(49, 300, 2);
    let tied = x.mapv(|v| (v * 2.0).round() / 2.0);
    for fields in [
        json!({}),
        json!({"k": 5, "theiler": 2}),
        json!({"normalize": true}),
        json!({"noise": 1e-6, "seed": 3}),
        json!({"k": 4, "normalize": true, "noise": 1e-8, "seed": 11, "search": "brute_force"}),
    ] {
        let with = |method: &str| {
            let mut m = fields.clone();
            m["method"] = json!(method);
            spec(m).check().unwrap()
        };
        let (ksg, kl) = (with("ksg"), with("kl"));
        // Rounded data have duplicate rows: only with noise is their entropy finite.
        let data = if fields.get("noise").is_some() {
            &tied
        } else {
            &x
        };
        let a = ksg.entropy(data.view()).unwrap().point().unwrap();
        let b = kl.entropy(data.view()).unwrap().point().unwrap();
        assert_eq!(a.nats().to_bits(), b.nats().to_bits(), "{fields}");
    }
}

#[test]
fn ksg_algorithm_2_refuses_the_entropy_and_the_conditional_mi_naming_algorithm() {
    // Algorithm 2 does not list them, and the refusal says why.
    let est = spec(json!({"method": "ksg", "algorithm": 2}))
        .check()
        .unwrap();
    let x = normals(50, 100, 3);
    let (a, b, c) = (
        x.slice(s![.., 0..1]),
        x.slice(s![.., 1..2]),
        x.slice(s![.., 2..3]),
    );
    let errors = [
        est.entropy(a).unwrap_err(),
        est.conditional_mutual_information(a, b, c).unwrap_err(),
    ];
    for err in errors {
        assert!(
            matches!(err, EstimatorError::Unsupported { method: "ksg", .. })
                && err
                    .to_string()
                    .contains("algorithm 2 has no entropy and no conditional form"),
            "{err}"
        );
    }
    assert_eq!(est.quantities(), [Quantity::MutualInformation]);
    // Its MI is fine.
    assert!(est.mutual_information(a, b).is_ok());
}

/// KSG's entropy is Kozachenko–Leonenko's with the same settings: the estimate records the
/// `kl` specification that computed it, which rebuilds the same value.
#[test]
fn ksg_entropy_estimate_records_its_kl_spec() {
    let ksg = spec(json!({"method": "ksg", "k": 4, "normalize": true, "noise": 1e-6, "seed": 9}));
    let x = normals(51, 100, 2);
    let e = ksg
        .check()
        .unwrap()
        .entropy(x.view())
        .unwrap()
        .point()
        .unwrap();
    let kl = spec(json!({"method": "kl", "k": 4, "normalize": true, "noise": 1e-6, "seed": 9}));
    assert_eq!(e.spec().unwrap(), kl);
    let again = kl
        .check()
        .unwrap()
        .entropy(x.view())
        .unwrap()
        .point()
        .unwrap();
    assert_eq!(again.nats().to_bits(), e.nats().to_bits());
}

/// Issue 15 (item 7): 20 integer symbols, 5 rows each, as X and Y. Under `x_kind = "auto"`
/// an integer-typed X is read as symbols, so I(X;Y) = H = ln 20 and equals the plug-in
/// estimate bit for bit; `continuous` bins X by the default policy (unit-minmax:10: pairs of
/// symbols share a bin), giving ln 10; a float-typed X is binned as before.
#[test]
fn issue15_integer_x_is_read_as_symbols_under_auto() {
    let n = 100;
    let v = Array2::from_shape_fn((n, 1), |(i, _)| (i % 20) as f64);
    let plugin = spec(json!({"method": "plugin"})).check().unwrap();
    let exact = plugin
        .mutual_information(Variable::integer(v.view()), Variable::integer(v.view()))
        .unwrap()
        .point()
        .unwrap()
        .nats();
    assert!((exact - 20_f64.ln()).abs() < 1e-12, "{exact}");
    fn mi<'a>(
        x_kind: Value,
        x: Variable<'a>,
        y: Variable<'a>,
    ) -> (f64, infoscope_estimators::Estimate) {
        let mut fields = json!({"method": "binned"});
        if !x_kind.is_null() {
            fields["x_kind"] = x_kind;
        }
        let est = spec(fields).check().unwrap();
        let e = est.mutual_information(x, y).unwrap().point().unwrap();
        (e.nats(), e)
    }
    let y = || Variable::integer(v.view());
    let (auto, e) = mi(Value::Null, Variable::integer(v.view()), y());
    assert_eq!(auto.to_bits(), exact.to_bits(), "{auto} vs ln 20 = {exact}");
    assert_eq!(e.diagnostic("x_read_as"), Some(&json!("labels")));
    assert_eq!(mi(json!("labels"), Variable::float(v.view()), y()).0, exact);
    let (continuous, e) = mi(json!("continuous"), Variable::integer(v.view()), y());
    assert!((continuous - 10_f64.ln()).abs() < 1e-12, "{continuous}");
    assert_eq!(e.diagnostic("x_read_as"), Some(&json!("binned")));
    let (float, _) = mi(json!("auto"), Variable::float(v.view()), y());
    assert_eq!(float.to_bits(), continuous.to_bits());
    let binned = spec(json!({"method": "binned"})).check().unwrap();
    assert_eq!(binned.reads_as("x", &Variable::integer(v.view())), "labels");
    assert_eq!(binned.reads_as("x", &Variable::float(v.view())), "binned");
}

/// Issue 15 (item 7): every quantity reads an integer X as symbols under `auto` and equals the
/// plug-in estimate on the same symbols bit for bit.
#[test]
fn issue15_every_binned_quantity_reads_integer_x_as_symbols() {
    let n = 240;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| [i % 13, (i / 13) % 3][j] as f64);
    let y = labels(61, n, 4).mapv(|c| c as f64).insert_axis(Axis(1));
    let z = labels(62, n, 3).mapv(|c| c as f64).insert_axis(Axis(1));
    let binned = spec(json!({"method": "binned"})).check().unwrap();
    let plugin = spec(json!({"method": "plugin"})).check().unwrap();
    let data = |with_y: bool, with_z: bool| {
        let mut d = Data::new(Variable::integer(x.view()));
        if with_y {
            d = d.with_y(Variable::integer(y.view()));
        }
        if with_z {
            d = d.with_z(Variable::integer(z.view()));
        }
        d
    };
    for (q, with_y, with_z) in [
        (Quantity::Entropy, false, false),
        (Quantity::MutualInformation, true, false),
        (Quantity::ConditionalMutualInformation, true, true),
        (Quantity::JointEntropy, true, false),
        (Quantity::ConditionalEntropy, true, false),
    ] {
        let d = data(with_y, with_z);
        let b = binned.estimate(q, &d).unwrap().point().unwrap().nats();
        let p = plugin.estimate(q, &d).unwrap().point().unwrap().nats();
        assert_eq!(b.to_bits(), p.to_bits(), "{q:?}: {b} vs {p}");
    }
    let input = binned
        .estimate(Quantity::InputInformation, &data(false, false))
        .unwrap()
        .point()
        .unwrap()
        .nats();
    let h = plugin
        .estimate(Quantity::Entropy, &data(false, false))
        .unwrap()
        .point()
        .unwrap()
        .nats();
    assert_eq!(input.to_bits(), h.to_bits());
    // The surrogate test uses the same symbols: the estimate is the plug-in one.
    let d = data(true, false);
    let t = binned
        .surrogate_test(
            &d,
            infoscope_estimators::significance::Surrogate::Permutation,
            19,
            3,
        )
        .unwrap();
    let Outcome::Point(t) = t else {
        panic!("binned gives a point test")
    };
    let p = plugin
        .estimate(Quantity::MutualInformation, &d)
        .unwrap()
        .point()
        .unwrap()
        .nats();
    assert_eq!(t.estimate.nats().to_bits(), p.to_bits());
    // Recorded as given (`auto`, not the resolved reading, which is `x_read_as`).
    assert_eq!(t.estimate.config["x_kind"], json!("auto"));
    assert_eq!(t.estimate.config["y_kind"], json!("auto"));
}

/// Issue 15 (item 7): per-unit binned MI reads integer X columns as symbols under `auto`; each
/// unit equals the plug-in MI of that column (to 1e-12: the per-unit pass sums the counts in
/// symbol order, the plug-in in order of first appearance), and `continuous` bins them.
#[test]
fn issue15_per_unit_reads_integer_columns_as_symbols() {
    let n = 200;
    let y = labels(63, n, 4);
    let x = Array2::from_shape_fn((n, 3), |(i, j)| {
        ((y[i] as usize * (j + 1) + i % (j + 13)) % 17) as f64
    });
    let yf = y.mapv(|c| c as f64).insert_axis(Axis(1));
    let binned = spec(json!({"method": "binned"})).check().unwrap();
    let plugin = spec(json!({"method": "plugin"})).check().unwrap();
    let per_unit = binned
        .per_unit(Variable::integer(x.view()), Variable::integer(yf.view()))
        .unwrap();
    let test = binned
        .per_unit_test(
            Variable::integer(x.view()),
            Variable::integer(yf.view()),
            infoscope_estimators::significance::Surrogate::Permutation,
            9,
            1,
        )
        .unwrap();
    assert_eq!(test.mi, per_unit);
    for j in 0..3 {
        let col = x.slice(s![.., j..=j]);
        let p = plugin
            .mutual_information(Variable::integer(col), Variable::integer(yf.view()))
            .unwrap()
            .point()
            .unwrap()
            .nats();
        assert!(
            (per_unit.values[j] - p).abs() < 1e-12,
            "unit {j}: {} vs {p}",
            per_unit.values[j]
        );
        assert_eq!(per_unit.out_of_range[j], 0);
    }
    let continuous = spec(json!({"method": "binned", "x_kind": "continuous"}))
        .check()
        .unwrap()
        .per_unit(Variable::integer(x.view()), Variable::integer(yf.view()))
        .unwrap();
    assert!(continuous.occupied_bins.iter().all(|&b| b <= 10));
    assert!(per_unit.occupied_bins.iter().all(|&b| b > 10));
    // A non-integer value in an integer-typed X read as symbols is refused, naming x.
    let mut bad = x.clone();
    bad[[3, 1]] = 0.5;
    let err = binned
        .per_unit(Variable::integer(bad.view()), Variable::integer(yf.view()))
        .unwrap_err();
    assert!(
        matches!(err, EstimatorError::NotInteger { argument: "x", .. }),
        "{err}"
    );
}

/// Issue 15 (item 7): an integer X with more distinct values than n/5 is still read as
/// symbols under `auto`, with a warning that suggests `x_kind = "continuous"`; a bad `x_kind`
/// is refused naming it.
#[test]
fn issue15_many_integer_symbols_warn_and_bad_x_kind_is_named() {
    let n = 100;
    let x = Array2::from_shape_fn((n, 1), |(i, _)| (i % 40) as f64);
    let y = labels(64, n, 2).mapv(|c| c as f64).insert_axis(Axis(1));
    let binned = spec(json!({"method": "binned"})).check().unwrap();
    let e = binned
        .mutual_information(Variable::integer(x.view()), Variable::integer(y.view()))
        .unwrap()
        .point()
        .unwrap();
    assert!(
        e.warnings.iter().any(|w| w.contains("x_kind")),
        "{:?}",
        e.warnings
    );
    let few = Array2::from_shape_fn((n, 1), |(i, _)| (i % 20) as f64);
    let e = binned
        .mutual_information(Variable::integer(few.view()), Variable::integer(y.view()))
        .unwrap()
        .point()
        .unwrap();
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    match from_json(json!({"method": "binned", "x_kind": "maybe"})) {
        Err(EstimatorError::InvalidParameter { name, .. }) => assert_eq!(name, "x_kind"),
        other => panic!("{other:?}"),
    }
}
