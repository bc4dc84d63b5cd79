//! End-to-end tests of the `infoscope` binary: content of the output, not just exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use infoscope_io::{self as io, write_npy};
use ndarray::{Array1, Array2, array};
use serde_json::Value;

fn infoscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infoscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok_json(args: &[&str]) -> Value {
    let out = infoscope(args);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Run a command that must fail: non-zero exit, exactly one line on stderr, which is returned.
fn fails(args: &[&str]) -> String {
    let out = infoscope(args);
    assert!(!out.status.success(), "expected failure for {args:?}");
    assert!(out.stdout.is_empty(), "no partial output on stdout");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Correlated pair with rho = 0.6 and 2000 samples (deterministic, no RNG needed).
fn pair(dir: &Path) -> (PathBuf, PathBuf, Array2<f64>, Array2<f64>) {
    let n = 2000;
    let x = Array2::from_shape_fn((n, 1), |(i, _)| ((i as f64) * 0.7312).sin() * 3.0);
    let y = Array2::from_shape_fn((n, 1), |(i, _)| x[[i, 0]] + ((i as f64) * 1.913).cos());
    let (xp, yp) = (dir.join("x.npy"), dir.join("y.npy"));
    write_npy(&xp, &x).unwrap();
    write_npy(&yp, &y).unwrap();
    (xp, yp, x, y)
}

#[test]
fn demo_writes_data_and_recovers_the_gaussian_truth() {
    let dir = tempfile::tempdir().unwrap();
    let out = infoscope(&[
        "demo",
        "--n",
        "4000",
        "--rho",
        "0.9",
        "--out",
        p(dir.path()),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[bits]"), "units are labelled: {stdout}");
    let results: Value = io::read_json(&dir.path().join("results.json")).unwrap();
    let truth = results["true_mi_nats"].as_f64().unwrap();
    assert!(
        (truth - 0.830366).abs() < 1e-6,
        "SPEC.md §1.3: rho = 0.9 gives 0.830366 nats"
    );
    let gaussian = &results["rows"][0]["estimate"];
    assert_eq!(gaussian["method"], "gaussian");
    // n = 4000, rho = 0.9: sd of the Gaussian MI estimate ≈ rho / sqrt(n) ≈ 0.014 nats.
    assert!((gaussian["value_nats"].as_f64().unwrap() - truth).abs() < 0.05);
    assert_eq!(gaussian["unit"], "bits");
    assert!(dir.path().join("x.npy").exists() && dir.path().join("y.npy").exists());
}

#[test]
fn gaussian_estimate_matches_the_library_in_both_units() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, x, y) = pair(dir.path());
    use infoscope_estimators::MutualInformation;
    let lib = infoscope_estimators::gaussian::Gaussian::params()
        .check()
        .unwrap()
        .estimate(x.view(), y.view())
        .unwrap();
    let nats = ok_json(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
    ]);
    let bits = ok_json(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
        "--unit",
        "bits",
    ]);
    assert_eq!(nats["estimate"]["value"].as_f64().unwrap(), lib.nats());
    assert_eq!(nats["estimate"]["unit"], "nats");
    let b = bits["estimate"]["value"].as_f64().unwrap();
    assert!((b - lib.nats() / std::f64::consts::LN_2).abs() < 1e-15);
    assert_eq!(bits["inputs"][0]["dtype"], "float64");
}

#[test]
fn table_output_names_quantity_unit_and_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, _, _, _) = pair(dir.path());
    let out = infoscope(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        p(&xp),
        "--bins",
        "width:0.5",
        "--unit",
        "bits",
    ]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("H(X)") && s.contains(" bits") && s.contains("2000 × 1 float64"),
        "{s}"
    );
}

#[test]
fn npz_keys_integer_labels_and_out_file() {
    let dir = tempfile::tempdir().unwrap();
    let hidden = array![[0.1, 0.9], [0.2, 0.8], [0.9, 0.1], [0.8, 0.2]];
    let labels = Array1::from(vec![0_i64, 0, 1, 1]);
    let npz = dir.path().join("rec.npz");
    io::write_npz_with(&npz, |sink| {
        sink.add("hidden", &hidden)?;
        sink.add("labels", &labels)
    })
    .unwrap();
    let out_file = dir.path().join("sub/result.json");
    let x = format!("{}:hidden", p(&npz));
    let y = format!("{}:labels", p(&npz));
    let v = ok_json(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        &x,
        "--y",
        &y,
        "--bins",
        "unit-minmax:2",
        "--json",
        "--unit",
        "bits",
        "--out",
        p(&out_file),
    ]);
    assert_eq!(v["inputs"][1]["used_as"], "labels");
    assert!((v["estimate"]["value"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    let saved: Value = io::read_json(&out_file).unwrap();
    assert_eq!(saved, v);
    // A missing key names the ones that exist.
    let err = fails(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        &format!("{}:nope", p(&npz)),
    ]);
    assert!(
        err.contains("nope") && err.contains("hidden") && err.contains("labels"),
        "{err}"
    );
    // An npz with several arrays and no key is ambiguous.
    let err = fails(&["estimate", "--method", "binned", "--x", p(&npz)]);
    assert!(err.contains("hidden"), "{err}");
}

#[test]
fn float32_and_fortran_order_inputs_give_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, x, y) = pair(dir.path());
    let x32 = x.mapv(|v| v as f32);
    let xp32 = dir.path().join("x32.npy");
    write_npy(&xp32, &x32).unwrap();
    let yf = dir.path().join("yf.npy");
    let y_fortran = y.t().to_owned();
    write_npy(&yf, &y_fortran.t()).unwrap();
    let base = ok_json(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
    ]);
    let fort = ok_json(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yf),
        "--json",
    ]);
    assert_eq!(base["estimate"]["value"], fort["estimate"]["value"]);
    let f32v = ok_json(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp32),
        "--y",
        p(&yp),
        "--json",
    ]);
    assert_eq!(f32v["inputs"][0]["dtype"], "float32");
    let (a, b) = (
        base["estimate"]["value"].as_f64().unwrap(),
        f32v["estimate"]["value"].as_f64().unwrap(),
    );
    assert!((a - b).abs() < 1e-5, "float32 rounding only: {a} vs {b}");
}

// ---------------------------------------------------------------- bad inputs: one line, exit != 0

#[test]
fn nan_in_a_file_is_reported_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let (_, yp, mut x, _) = pair(dir.path());
    x[[17, 0]] = f64::NAN;
    let bad = dir.path().join("bad.npy");
    write_npy(&bad, &x).unwrap();
    for method in ["gaussian", "binned"] {
        let err = fails(&[
            "estimate",
            "--method",
            method,
            "--x",
            p(&bad),
            "--y",
            p(&yp),
        ]);
        assert!(
            err.contains("--x") && err.contains("row 17") && err.contains("NaN"),
            "{err}"
        );
    }
}

#[test]
fn infinity_in_a_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, _, _, mut y) = pair(dir.path());
    y[[3, 0]] = f64::INFINITY;
    let bad = dir.path().join("bad.npy");
    write_npy(&bad, &y).unwrap();
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&bad),
    ]);
    assert!(
        err.contains("--y") && err.contains("row 3") && err.contains("inf"),
        "{err}"
    );
}

#[test]
fn empty_and_single_sample_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.npy");
    write_npy(&empty, &Array2::<f64>::zeros((0, 2))).unwrap();
    let err = fails(&["estimate", "--method", "binned", "--x", p(&empty)]);
    assert!(err.contains("empty"), "{err}");
    let one = dir.path().join("one.npy");
    write_npy(&one, &array![[1.0, 2.0]]).unwrap();
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&one),
        "--y",
        p(&one),
    ]);
    assert!(
        err.contains("1 samples") && err.contains("at least 2"),
        "{err}"
    );
}

#[test]
fn mismatched_rows_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, _, _, _) = pair(dir.path());
    let short = dir.path().join("short.npy");
    write_npy(&short, &Array2::<f64>::ones((10, 1))).unwrap();
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&short),
    ]);
    assert!(
        err.contains("--y has 10 rows") && err.contains("2000"),
        "{err}"
    );
}

#[test]
fn unsupported_dtype_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A complex128 .npy written by hand: magic, version 1.0, header length, header, data.
    let header = "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }";
    let mut header = header.to_owned();
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(&[0_u8; 32]);
    let path = dir.path().join("complex.npy");
    std::fs::write(&path, bytes).unwrap();
    let err = fails(&["estimate", "--method", "gaussian", "--x", p(&path)]);
    assert!(err.contains("c16"), "{err}");
}

#[test]
fn corrupt_npz_and_missing_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.npz");
    std::fs::write(&path, b"this is not a zip archive at all").unwrap();
    let err = fails(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        &format!("{}:x", p(&path)),
    ]);
    assert!(err.contains("corrupt") || err.contains("zip"), "{err}");
    let err = fails(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        "/nonexistent/x.npy",
    ]);
    assert!(err.contains("/nonexistent/x.npy"), "{err}");
}

#[test]
fn bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, _, _) = pair(dir.path());
    let err = fails(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        p(&xp),
        "--bins",
        "width:0",
    ]);
    assert!(err.contains("width"), "{err}");
    let err = fails(&["estimate", "--method", "kraskov", "--x", p(&xp)]);
    assert!(err.contains("kraskov"), "{err}");
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--ridge",
        "-1",
    ]);
    assert!(err.contains("ridge"), "{err}");
    let err = fails(&["demo", "--rho", "1.5", "--out", p(dir.path())]);
    assert!(err.contains("rho"), "{err}");
}

#[test]
fn non_integral_labels_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, _, _) = pair(dir.path());
    let err = fails(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--y-kind",
        "labels",
    ]);
    assert!(err.contains("not an integer label"), "{err}");
}

#[test]
fn per_unit_writes_a_csv_row_per_unit() {
    let dir = tempfile::tempdir().unwrap();
    // Unit 0 copies the label, unit 1 is constant, unit 2 is noise-like.
    let n = 400;
    let labels = Array1::from_shape_fn(n, |i| (i % 4) as i64);
    let hidden = Array2::from_shape_fn((n, 3), |(i, j)| match j {
        0 => (i % 4) as f64,
        1 => 0.5,
        _ => ((i as f64) * 0.917).sin(),
    });
    let (hp, lp) = (dir.path().join("h.npy"), dir.path().join("l.npy"));
    write_npy(&hp, &hidden).unwrap();
    write_npy(&lp, &labels).unwrap();
    let csv = dir.path().join("mi.csv");
    let v = ok_json(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        p(&hp),
        "--y",
        p(&lp),
        "--per-unit",
        "--bins",
        "unit-minmax:4",
        "--unit",
        "bits",
        "--csv",
        p(&csv),
        "--json",
    ]);
    let values: Vec<f64> = v["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert!(
        (values[0] - 2.0).abs() < 1e-12,
        "a copy of a 4-class label carries 2 bits"
    );
    assert_eq!(values[1], 0.0);
    assert!(values[2] > 0.0 && values[2] < 2.0);
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "unit,mi_bits,plugin_mi_bits,occupied_bins,out_of_range"
    );
    assert_eq!(lines.len(), 4);
    let row: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(row[0], "0");
    assert!(
        (row[1].parse::<f64>().unwrap() - 2.0).abs() < 1e-12,
        "{}",
        lines[1]
    );
    assert_eq!(&row[3..], ["4", "0"]);
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&hp),
        "--y",
        p(&lp),
        "--per-unit",
    ]);
    assert!(err.contains("--method binned"), "{err}");
}

#[test]
fn ksg_method_estimates_mi_and_entropy() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, x, y) = pair(dir.path());
    use infoscope_estimators::MutualInformation;
    let lib = infoscope_estimators::knn::Ksg::params()
        .k(4)
        .check()
        .unwrap();
    let expected = lib.estimate(x.view(), y.view()).unwrap().nats();
    let v = ok_json(&[
        "estimate",
        "--method",
        "ksg",
        "--k",
        "4",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
    ]);
    assert_eq!(v["estimate"]["value"].as_f64().unwrap(), expected);
    assert_eq!(v["estimate"]["method"], "ksg");
    let h = ok_json(&["estimate", "--method", "ksg", "--x", p(&xp), "--json"]);
    assert_eq!(h["estimate"]["quantity"], "entropy");
    let err = fails(&[
        "estimate",
        "--method",
        "ksg",
        "--k",
        "5000",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
    ]);
    assert!(err.contains("k"), "{err}");
}

/// Issue 15: `ross` is offered by name (`methods`, `estimate --method ross`), and KSG given
/// integer labels (an integer `.npy`) runs it, with the estimate recording `ross`.
#[test]
fn ross_method_and_ksg_on_integer_labels() {
    let dir = tempfile::tempdir().unwrap();
    let n = 600;
    let labels = Array1::from_shape_fn(n, |i| (i % 3) as i64);
    let x = Array2::from_shape_fn((n, 2), |(i, j)| {
        (i % 3) as f64 * 0.8 + ((i * (j + 2)) as f64 * 0.7312).sin()
    });
    let (xp, lp) = (dir.path().join("x.npy"), dir.path().join("l.npy"));
    write_npy(&xp, &x).unwrap();
    write_npy(&lp, &labels).unwrap();
    use infoscope_estimators::MutualInformation;
    let y = labels.mapv(|v| v as f64).insert_axis(ndarray::Axis(1));
    let lib = infoscope_estimators::knn::Ross::params()
        .k(4)
        .check()
        .unwrap();
    let expected = lib.estimate(x.view(), y.view()).unwrap().nats();
    for method in ["ross", "ksg"] {
        let v = ok_json(&[
            "estimate",
            "--method",
            method,
            "--k",
            "4",
            "--x",
            p(&xp),
            "--y",
            p(&lp),
            "--json",
        ]);
        assert_eq!(
            v["estimate"]["value"].as_f64().unwrap(),
            expected,
            "{method}"
        );
        assert_eq!(v["estimate"]["method"], "ross", "{method}");
    }
    let listed = String::from_utf8(infoscope(&["methods"]).stdout).unwrap();
    assert!(
        listed.contains("ross") && listed.contains("Ross 2014"),
        "{listed}"
    );
    // Labels that are not integers are refused, naming `y`.
    let bad = dir.path().join("bad.npy");
    write_npy(&bad, &y.mapv(|v| v + 0.5)).unwrap();
    let err = fails(&[
        "estimate",
        "--method",
        "ross",
        "--x",
        p(&xp),
        "--y",
        p(&bad),
    ]);
    assert!(
        err.contains("--y") && err.contains("not an integer"),
        "{err}"
    );
}

#[test]
fn ksg_options_conditional_and_kl_method() {
    use infoscope_estimators::knn::{KozachenkoLeonenko, Ksg, KsgAlgorithm};
    use infoscope_estimators::{ConditionalMutualInformation, Entropy, MutualInformation};
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, x, y) = pair(dir.path());
    let z = Array2::from_shape_fn((2000, 1), |(i, _)| ((i as f64) * 0.377).sin());
    let zp = dir.path().join("z.npy");
    write_npy(&zp, &z).unwrap();
    let two = Ksg::params()
        .algorithm(KsgAlgorithm::Two)
        .theiler(3)
        .check()
        .unwrap();
    let v = ok_json(&[
        "estimate",
        "--method",
        "ksg",
        "--algorithm",
        "2",
        "--theiler",
        "3",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
    ]);
    let want = two.estimate(x.view(), y.view()).unwrap().nats();
    assert_eq!(v["estimate"]["value"].as_f64().unwrap(), want);
    assert_eq!(v["estimate"]["diagnostics"]["algorithm"], 2);
    let c = ok_json(&[
        "estimate",
        "--method",
        "ksg",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--z",
        p(&zp),
        "--unit",
        "bits",
        "--json",
    ]);
    let one = Ksg::params().check().unwrap();
    let cmi = one
        .estimate_conditional(x.view(), y.view(), z.view())
        .unwrap()
        .nats();
    assert_eq!(c["estimate"]["quantity"], "conditional_mutual_information");
    assert_eq!(c["estimate"]["value_nats"].as_f64().unwrap(), cmi);
    assert_eq!(c["estimate"]["unit"], "bits");
    let h = ok_json(&[
        "estimate",
        "--method",
        "kl",
        "--k",
        "5",
        "--x",
        p(&xp),
        "--json",
    ]);
    let kl = KozachenkoLeonenko::params().k(5).check().unwrap();
    assert_eq!(
        h["estimate"]["value"].as_f64().unwrap(),
        kl.entropy(x.view()).unwrap().nats()
    );
    let err = fails(&["estimate", "--method", "kl", "--x", p(&xp), "--y", p(&yp)]);
    assert!(err.contains("--x only"), "{err}");
    let err = fails(&[
        "estimate",
        "--method",
        "ksg",
        "--algorithm",
        "2",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--z",
        p(&zp),
    ]);
    assert!(err.contains("algorithm"), "{err}");
    let err = fails(&[
        "estimate",
        "--method",
        "ksg",
        "--theiler",
        "999",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
    ]);
    assert!(err.contains("Theiler"), "{err}");
    let out = infoscope(&[
        "estimate",
        "--method",
        "ksg",
        "--algorithm",
        "3",
        "--x",
        p(&xp),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn pairwise_writes_matrix_csv_and_summary() {
    use infoscope_estimators::MutualInformation;
    use infoscope_estimators::knn::Ksg;
    let dir = tempfile::tempdir().unwrap();
    let n = 1500;
    let a = Array2::from_shape_fn((n, 4), |(i, c)| {
        let t = i as f64;
        (t * 0.311).sin() * (c as f64 + 1.0) + (t * (0.7 + 0.37 * c as f64)).cos()
    });
    let b = Array2::from_shape_fn((n, 2), |(i, c)| a[[i, c]] + (i as f64 * 1.17).sin());
    let (ap, bp) = (dir.path().join("a.npy"), dir.path().join("b.npy"));
    write_npy(&ap, &a).unwrap();
    write_npy(&bp, &b).unwrap();
    let (mp, cp, jp) = (
        dir.path().join("mi.npy"),
        dir.path().join("pairs.csv"),
        dir.path().join("summary.json"),
    );
    let out = infoscope(&[
        "pairwise",
        "--a",
        p(&ap),
        "--out",
        p(&mp),
        "--csv",
        p(&cp),
        "--json",
        p(&jp),
        "--unit",
        "bits",
        "--top",
        "3",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("6 pairs") && text.contains("MI [bits]"),
        "{text}"
    );
    let est = Ksg::params().check().unwrap();
    let m = io::read_matrix(&io::ArraySource::new(&mp)).unwrap().0;
    assert_eq!(m.dim(), (4, 4));
    for i in 0..4 {
        assert!(m[[i, i]].is_nan());
        for j in (i + 1)..4 {
            let want = est
                .estimate(
                    a.column(i).insert_axis(ndarray::Axis(1)),
                    a.column(j).insert_axis(ndarray::Axis(1)),
                )
                .unwrap()
                .nats()
                / std::f64::consts::LN_2;
            assert!((m[[i, j]] - want).abs() < 1e-12 && m[[j, i]] == m[[i, j]]);
        }
    }
    let csv = std::fs::read_to_string(&cp).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "i,j,mi_bits,zero_distance_fraction");
    assert_eq!(lines.len(), 7);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&jp).unwrap()).unwrap();
    assert_eq!(s["pairs"], 6);
    assert_eq!(s["unit"], "bits");
    assert_eq!(s["symmetric"], true);
    assert_eq!(s["top"].as_array().unwrap().len(), 3);
    let top = s["top"][0]["value"].as_f64().unwrap();
    assert_eq!(top, s["max"].as_f64().unwrap());
    // Cross: A against B.
    let xp = dir.path().join("cross.npy");
    let out = infoscope(&["pairwise", "--a", p(&ap), "--b", p(&bp), "--out", p(&xp)]);
    assert!(out.status.success());
    let x = io::read_matrix(&io::ArraySource::new(&xp)).unwrap().0;
    assert_eq!(x.dim(), (4, 2));
    assert!(x.iter().all(|v| v.is_finite()));
    // Errors: mismatched rows, and no output file left behind.
    let short = dir.path().join("short.npy");
    write_npy(&short, &Array2::<f64>::zeros((10, 2))).unwrap();
    let bad = dir.path().join("bad.npy");
    let err = fails(&[
        "pairwise",
        "--a",
        p(&ap),
        "--b",
        p(&short),
        "--out",
        p(&bad),
    ]);
    assert!(err.contains("rows"), "{err}");
    assert!(!bad.exists());
}

/// SPEC.md §1.2 1-D example through the CLI: h = {0, 1, 3}, σ² = 1, Y = {0, 0, 1}.
#[test]
fn kt_method_gives_lower_and_upper_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let (hp, yp) = (dir.path().join("h.npy"), dir.path().join("y.npy"));
    write_npy(&hp, &array![[0.0], [1.0], [3.0]]).unwrap();
    write_npy(&yp, &Array1::from(vec![0_i64, 0, 1])).unwrap();
    let v = ok_json(&[
        "estimate",
        "--method",
        "kt",
        "--noise-var",
        "1",
        "--x",
        p(&hp),
        "--labels",
        p(&yp),
        "--json",
    ]);
    let close = |a: &Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-6;
    assert!(close(&v["lower"]["value"], 0.271005), "{v}");
    assert!(close(&v["upper"]["value"], 0.561702), "{v}");
    let x = ok_json(&[
        "estimate",
        "--method",
        "kt",
        "--noise-var",
        "1",
        "--x",
        p(&hp),
        "--unit",
        "bits",
        "--json",
    ]);
    assert!(close(&x["upper"]["value_nats"], 0.707749));
    assert_eq!(x["upper"]["unit"], "bits");
    let err = fails(&["estimate", "--method", "kt", "--x", p(&hp)]);
    assert!(err.contains("--noise-var"), "{err}");
    let err = fails(&[
        "estimate",
        "--method",
        "kt",
        "--noise-var",
        "0",
        "--x",
        p(&hp),
    ]);
    assert!(err.contains("noise_var"), "{err}");
    let err = fails(&[
        "estimate",
        "--method",
        "ksg",
        "--noise-var",
        "1",
        "--x",
        p(&hp),
    ]);
    assert!(err.contains("--method kt"), "{err}");
}

/// `--permutations` and `--bootstrap`: the same numbers as the library's significance module on
/// the same computation, in the chosen unit; the estimate itself is unchanged.
#[test]
fn permutations_and_bootstrap_report_p_value_and_interval() {
    use infoscope_estimators::gaussian::Gaussian;
    use infoscope_estimators::significance::{Surrogate, bootstrap_ci, surrogate_test};
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, x, y) = pair(dir.path());
    let plain = ok_json(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
    ]);
    let v = ok_json(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--permutations",
        "19",
        "--surrogate",
        "block:100",
        "--bootstrap",
        "50",
        "--ci-level",
        "0.9",
        "--seed",
        "4",
        "--unit",
        "bits",
        "--json",
    ]);
    assert_eq!(v["estimate"]["value_nats"], plain["estimate"]["value_nats"]);
    let g = Gaussian::default();
    let t = surrogate_test(
        &g,
        x.view(),
        y.view(),
        Surrogate::BlockShuffle { block: 100 },
        19,
        4,
    )
    .unwrap();
    assert_eq!(v["significance"]["p_value"].as_f64().unwrap(), t.p_value);
    assert_eq!(t.p_value, 0.05);
    let ln2 = std::f64::consts::LN_2;
    let null_mean = v["significance"]["null_mean"].as_f64().unwrap();
    assert!((null_mean - t.null_mean / ln2).abs() < 1e-12);
    let ci = bootstrap_ci(&g, x.view(), y.view(), 50, 0.9, 4).unwrap();
    assert!((v["interval"]["lower"].as_f64().unwrap() - ci.lower / ln2).abs() < 1e-12);
    assert!((v["interval"]["upper"].as_f64().unwrap() - ci.upper / ln2).abs() < 1e-12);
    assert_eq!(v["interval"]["level"], 0.9);
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--permutations",
        "9",
    ]);
    assert!(err.contains("--y"), "{err}");
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--permutations",
        "9",
        "--surrogate",
        "circular:1500",
    ]);
    assert!(err.contains("min_shift"), "{err}");
}

/// `--method kt` with `--permutations` and `--bootstrap`: both bounds get a p-value and an
/// interval equal to the library's, in the chosen unit; without labels only the interval.
#[test]
fn kt_significance_and_intervals() {
    use infoscope_estimators::kt::KolchinskyTracey;
    use infoscope_estimators::significance::Surrogate;
    let dir = tempfile::tempdir().unwrap();
    let n = 120;
    let labels = Array1::from_shape_fn(n, |i| (i % 3) as i64);
    let h = Array2::from_shape_fn((n, 2), |(i, j)| {
        (i % 3) as f64 + 0.3 * ((i * (j + 2)) as f64 * 0.77).sin()
    });
    let (hp, lp) = (dir.path().join("h.npy"), dir.path().join("l.npy"));
    write_npy(&hp, &h).unwrap();
    write_npy(&lp, &labels).unwrap();
    let common = [
        "estimate",
        "--method",
        "kt",
        "--noise-var",
        "0.1",
        "--x",
        p(&hp),
    ];
    let mut args = common.to_vec();
    args.extend([
        "--labels",
        p(&lp),
        "--permutations",
        "19",
        "--bootstrap",
        "20",
        "--ci-level",
        "0.8",
        "--seed",
        "3",
        "--unit",
        "bits",
        "--json",
    ]);
    let v = ok_json(&args);
    let k = KolchinskyTracey::new(0.1).unwrap();
    let t = k
        .label_surrogate_test(h.view(), labels.view(), None, Surrogate::Permutation, 19, 3)
        .unwrap();
    let ci = k
        .label_bootstrap_ci(h.view(), labels.view(), None, 20, 0.8, 3)
        .unwrap();
    let ln2 = std::f64::consts::LN_2;
    for (name, test, interval) in [
        ("lower", &t.lower, &ci.lower),
        ("upper", &t.upper, &ci.upper),
    ] {
        let s = &v["significance"][name];
        assert_eq!(s["p_value"].as_f64().unwrap(), test.p_value);
        assert_eq!(test.p_value, 0.05, "{name}: the labels set the clusters");
        let i = &v["interval"][name];
        assert!((i["lower"].as_f64().unwrap() - interval.lower / ln2).abs() < 1e-12);
        assert!((i["upper"].as_f64().unwrap() - interval.upper / ln2).abs() < 1e-12);
    }
    // I(X;T): a bootstrap interval, and a clear error for a permutation test.
    let mut args = common.to_vec();
    args.extend(["--bootstrap", "10", "--json"]);
    let v = ok_json(&args);
    assert!(v["interval"]["upper"]["lower"].is_number() && v["significance"].is_null());
    let mut args = common.to_vec();
    args.extend(["--permutations", "9"]);
    assert!(fails(&args).contains("--labels"));
    let mut args = common.to_vec();
    args.extend(["--entropy", "--bootstrap", "9"]);
    assert!(fails(&args).contains("--entropy"));
}

/// `--per-unit --permutations`: p- and q-values per unit in the JSON and the CSV, the
/// informative unit found at the FDR, the noise units not.
#[test]
fn per_unit_permutation_test_with_fdr() {
    let dir = tempfile::tempdir().unwrap();
    let n = 400;
    let labels = Array1::from_shape_fn(n, |i| (i % 4) as i64);
    let hidden = Array2::from_shape_fn((n, 3), |(i, j)| match j {
        0 => (i % 4) as f64,
        1 => ((i as f64) * 0.917).sin(),
        _ => ((i as f64) * 2.31).cos(),
    });
    let (hp, lp) = (dir.path().join("h.npy"), dir.path().join("l.npy"));
    write_npy(&hp, &hidden).unwrap();
    write_npy(&lp, &labels).unwrap();
    let csv = dir.path().join("mi.csv");
    let v = ok_json(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        p(&hp),
        "--y",
        p(&lp),
        "--per-unit",
        "--bins",
        "unit-minmax:4",
        "--permutations",
        "49",
        "--fdr",
        "0.1",
        "--csv",
        p(&csv),
        "--json",
    ]);
    let s = &v["significance"];
    assert_eq!(s["p_values"][0].as_f64().unwrap(), 0.02);
    assert_eq!(s["significant"], serde_json::json!([0]), "{s}");
    assert_eq!(s["fdr"].as_f64().unwrap(), 0.1);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().ends_with(",p_value,q_value"));
    assert_eq!(lines.count(), 3);
    let err = fails(&[
        "estimate",
        "--method",
        "binned",
        "--x",
        p(&hp),
        "--y",
        p(&lp),
        "--per-unit",
        "--permutations",
        "9",
        "--fdr",
        "1.5",
    ]);
    assert!(err.contains("--fdr"), "{err}");
}

/// `infoscope train` (both models) and `infoscope record`: the run directory, the recording's
/// layout and sidecar, and errors for a missing model.
#[test]
fn train_and_record_both_models() {
    use infoscope_nets::record::Recording;
    let dir = tempfile::tempdir().unwrap();
    let rnn = dir.path().join("rnn");
    let out = infoscope(&[
        "train",
        "--hidden",
        "32",
        "--batch-size",
        "16",
        "--max-steps",
        "60",
        "--log-every",
        "20",
        "--target",
        "1.0",
        "--seed",
        "2",
        "--out",
        p(&rnn),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("leaky RNN: 32 softplus units"), "{text}");
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(rnn.join("log.json")).unwrap()).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 3);
    assert_eq!(log[2]["step"], 60);
    assert!(log[2]["gradients"][1]["name"] == "w_rec");
    let rec = dir.path().join("rec.npz");
    let out = infoscope(&[
        "record",
        "--model",
        p(&rnn),
        "--trials",
        "30",
        "--out",
        p(&rec),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = Recording::read(&rec).unwrap();
    assert_eq!(r.hidden.shape()[0], 30);
    assert_eq!(r.hidden.shape()[2], 32);
    assert_eq!(r.inputs.shape()[2], 85);
    assert_eq!(r.meta.task, "fdgo");
    assert_eq!(r.meta.model, "leaky");
    assert_eq!(r.meta.epochs.len(), 30);

    let res = dir.path().join("res");
    let out = infoscope(&[
        "train",
        "--model",
        "reservoir",
        "--hidden",
        "64",
        "--out",
        p(&res),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec = dir.path().join("res.npz");
    let out = infoscope(&[
        "record",
        "--model",
        p(&res),
        "--test-grid",
        "--out",
        p(&rec),
    ]);
    assert!(out.status.success());
    let r = Recording::read(&rec).unwrap();
    assert_eq!((r.n_trials(), r.n_time()), (40, 100));
    assert_eq!(r.meta.model, "reservoir");
    assert!(
        r.meta.performance.unwrap() >= 0.9,
        "{:?}",
        r.meta.performance
    );
    // Errors: no model, a non-.npz output, an unknown task.
    let err = fails(&["record", "--model", p(dir.path()), "--out", p(&rec)]);
    assert!(err.contains("no trained network"), "{err}");
    let err = fails(&[
        "record",
        "--model",
        p(&res),
        "--out",
        p(&dir.path().join("r.txt")),
    ]);
    assert!(err.contains(".npz"), "{err}");
    let err = fails(&["train", "--task", "nogo", "--out", p(&res)]);
    assert!(err.contains("unknown task"), "{err}");
}

/// Issue 14: `pairwise` and `estimate` share their code for a pair: entry (i, j) of the matrix
/// equals `estimate --x column i --y column j` to the last bit, for every setting, on tied data
/// (values on a 0.5 grid, where a last-bit difference in the z-scoring would break ties
/// differently) with --normalize, --noise and both.
#[test]
fn pairwise_entries_equal_estimate_for_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300;
    let a = Array2::from_shape_fn((n, 3), |(i, c)| {
        let t = i as f64;
        (((t * 0.37 * (c + 1) as f64).sin() * 3.0 + (t * 0.11).cos()) * 2.0).round() / 2.0
    });
    let ap = dir.path().join("a.npy");
    write_npy(&ap, &a).unwrap();
    let cols: Vec<PathBuf> = (0..3)
        .map(|c| {
            let path = dir.path().join(format!("c{c}.npy"));
            write_npy(&path, &a.column(c).to_owned()).unwrap();
            path
        })
        .collect();
    let mp = dir.path().join("mi.npy");
    for settings in [
        vec![],
        vec!["--normalize"],
        vec!["--noise", "1e-3", "--seed", "5"],
        vec!["--normalize", "--noise", "1e-8", "--seed", "2", "--k", "4"],
    ] {
        let mut args = vec!["pairwise", "--a", p(&ap), "--out", p(&mp)];
        args.extend(settings.iter().copied());
        let out = infoscope(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let m = io::read_matrix(&io::ArraySource::new(&mp)).unwrap().0;
        for i in 0..3 {
            for j in i + 1..3 {
                let mut args = vec!["estimate", "--method", "ksg", "--json"];
                args.extend(["--x", p(&cols[i]), "--y", p(&cols[j])]);
                args.extend(settings.iter().copied());
                let v = ok_json(&args);
                let single = v["estimate"]["value_nats"].as_f64().unwrap();
                assert_eq!(
                    m[[i, j]].to_bits(),
                    single.to_bits(),
                    "{settings:?} ({i}, {j}): {} vs {single}",
                    m[[i, j]]
                );
            }
        }
    }
}

/// Issue 14: a flag that does not apply to the chosen method is an error naming the flag and
/// the method (no flag is silently ignored); parameter errors are usage errors (status 2).
#[test]
fn flags_that_do_not_apply_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, _, _) = pair(dir.path());
    let err = fails(&[
        "estimate",
        "--method",
        "gaussian",
        "--k",
        "3",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
    ]);
    assert!(
        err.contains("--k does not apply to --method gaussian")
            && err.contains("--method ksg")
            && err.contains("--method kl"),
        "{err}"
    );
    for (method, flag) in [
        ("gaussian", "--normalize"),
        ("binned", "--theiler"),
        ("kl", "--ridge"),
    ] {
        let mut args = vec!["estimate", "--method", method, "--x", p(&xp), flag];
        if flag != "--normalize" {
            args.push("1");
        }
        let out = infoscope(&args);
        assert_eq!(out.status.code(), Some(2), "{method} {flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("{flag} does not apply to --method {method}")),
            "{err}"
        );
    }
    // KSG with --x alone is the Kozachenko–Leonenko entropy with every KSG setting applied:
    // --normalize and --noise change it, and algorithm 2 (which has no entropy) is refused.
    let plain = ok_json(&["estimate", "--method", "ksg", "--x", p(&xp), "--json"]);
    let normalized = ok_json(&[
        "estimate",
        "--method",
        "ksg",
        "--x",
        p(&xp),
        "--normalize",
        "--json",
    ]);
    let kl = ok_json(&[
        "estimate",
        "--method",
        "kl",
        "--x",
        p(&xp),
        "--normalize",
        "--json",
    ]);
    let value = |v: &Value| v["estimate"]["value_nats"].as_f64().unwrap();
    assert_ne!(value(&plain), value(&normalized));
    assert_eq!(value(&normalized), value(&kl));
    assert_eq!(normalized["estimate"]["method"], "kl");
    let err = fails(&[
        "estimate",
        "--method",
        "ksg",
        "--algorithm",
        "2",
        "--x",
        p(&xp),
    ]);
    assert!(
        err.contains("does not estimate the entropy") && err.contains("algorithm 2 has no entropy"),
        "{err}"
    );
    // --param sets any parameter by its name; a bad value gets the specification's message.
    let via_param = ok_json(&[
        "estimate",
        "--method",
        "ksg",
        "--param",
        "k=5",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
    ]);
    let via_flag = ok_json(&[
        "estimate",
        "--method",
        "ksg",
        "--k",
        "5",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
        "--json",
    ]);
    assert_eq!(value(&via_param), value(&via_flag));
    let err = fails(&[
        "estimate",
        "--method",
        "ksg",
        "--k",
        "0",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
    ]);
    assert!(
        err.contains("--k: parameter `k` is invalid: k must be at least 1, got 0"),
        "{err}"
    );
    let err = fails(&[
        "estimate",
        "--method",
        "ksg",
        "--k",
        "three",
        "--x",
        p(&xp),
        "--y",
        p(&yp),
    ]);
    assert!(
        err.contains("--k: parameter `k` is invalid: \"three\""),
        "{err}"
    );
}

/// Issue 14: an estimate's JSON names its method and configuration; given back as --spec, it
/// rebuilds the same estimator (the same value to the last bit).
#[test]
fn an_estimates_config_rebuilds_its_estimator() {
    let dir = tempfile::tempdir().unwrap();
    let (xp, yp, _, _) = pair(dir.path());
    for flags in [
        vec![
            "--method",
            "ksg",
            "--k",
            "5",
            "--normalize",
            "--noise",
            "1e-9",
            "--seed",
            "3",
        ],
        vec![
            "--method",
            "binned",
            "--policy",
            "quantile:7",
            "--correction",
            "miller-madow",
        ],
        vec!["--method", "gaussian", "--ridge", "0.01"],
    ] {
        let mut args = vec!["estimate", "--x", p(&xp), "--y", p(&yp), "--json"];
        args.extend(flags.iter().copied());
        let first = ok_json(&args);
        let mut spec = first["estimate"]["config"].clone();
        spec["method"] = first["estimate"]["method"].clone();
        let text = spec.to_string();
        let again = ok_json(&[
            "estimate",
            "--spec",
            &text,
            "--x",
            p(&xp),
            "--y",
            p(&yp),
            "--json",
        ]);
        assert_eq!(
            first["estimate"]["value_nats"], again["estimate"]["value_nats"],
            "{flags:?}"
        );
        assert_eq!(first["estimate"]["config"], again["estimate"]["config"]);
    }
    let listed = infoscope(&["methods", "--json"]);
    assert!(listed.status.success());
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["binned", "plugin", "gaussian", "ksg", "kl", "ross", "kt"]
    );
    let kt = &listed[6]["defaults"];
    assert!(kt["noise_var"].is_null() && kt["tile"] == 512, "{kt}");
}
