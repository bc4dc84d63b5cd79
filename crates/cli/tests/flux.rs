//! `infoscope flux` end to end (issue #17): the SPEC.md §7 values through the command line,
//! ensembles, units, threads, saved weights and every refused input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use infoscope_io::{ArraySource, read_array, write_npy, write_npz};
use ndarray::{Array1, Array2, array};
use serde_json::Value;

fn infoscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infoscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> Output {
    let out = infoscope(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn ok_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_slice(&ok(&all).stdout).expect("stdout is JSON")
}

/// A command that must fail: non-zero status (`code` if given), nothing on stdout, exactly
/// one `error:` line on stderr, which must contain every needle.
fn fails(args: &[&str], code: Option<i32>, needles: &[&str]) -> String {
    let out = infoscope(args);
    assert!(!out.status.success(), "expected failure for {args:?}");
    if let Some(code) = code {
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
    assert!(out.stdout.is_empty(), "no output on stdout for {args:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{args:?}: {needle:?} not in {err}");
    }
    err
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The SPEC.md §7 shift register: neuron i receives w from neuron i − 1 (cyclic).
fn shift_register(w: f64) -> Array2<f64> {
    let mut m = Array2::zeros((3, 3));
    for i in 0..3 {
        m[[i, (i + 2) % 3]] = w;
    }
    m
}

fn npy<D: ndarray::Dimension>(dir: &Path, name: &str, a: &ndarray::Array<f64, D>) -> PathBuf {
    let path = dir.join(name);
    write_npy(&path, a).unwrap();
    path
}

#[test]
fn one_neuron_gives_the_spec_flux() {
    let dir = tempfile::tempdir().unwrap();
    // SPEC.md §7, N = 1: w = 4, b = −2 → 0.472935 bits; w = 3, b = 0 → 0.086996 bits.
    let w = npy(dir.path(), "w4.npy", &array![[4.0]]);
    let b = npy(dir.path(), "b.npy", &array![-2.0]);
    let j = ok_json(&["flux", "--weights", p(&w), "--bias", p(&b)]);
    assert!((num(&j["networks"][0]["values"]["information"]) - 0.472_935).abs() < 1e-6);
    assert_eq!(j["unit"], "bits");
    assert_eq!(j["source"]["kind"], "weights");
    let w = npy(dir.path(), "w3.npy", &array![[3.0]]);
    let j = ok_json(&["flux", "--weights", p(&w)]);
    assert!((num(&j["networks"][0]["values"]["information"]) - 0.086_996).abs() < 1e-6);
    assert_eq!(j["source"]["bias_rule"], "zero");
    // The table labels every value with its unit.
    let table = String::from_utf8(ok(&["flux", "--weights", p(&w)]).stdout).unwrap();
    assert!(
        table.contains("I[x(t); x(t+1)]") && table.contains("0.086996 bits"),
        "{table}"
    );
    assert!(
        table.contains("(entropy rate)") && table.contains("no unit"),
        "{table}"
    );
    assert!(
        table.contains("attractors") && table.contains("steps"),
        "{table}"
    );
}

#[test]
fn the_shift_register_gives_the_spec_flux_and_proxies() {
    let dir = tempfile::tempdir().unwrap();
    let w = shift_register(5.0);
    let npz = dir.path().join("net.npz");
    let b = Array1::from_elem(3, -2.5);
    write_npz(
        &npz,
        &[("W", w.view().into_dyn()), ("b", b.view().into_dyn())],
    )
    .unwrap();
    let by_rule = ok_json(&[
        "flux",
        "--weights",
        &format!("{}:W", p(&npz)),
        "--bias-rule",
        "centered",
    ]);
    let by_file = ok_json(&[
        "flux",
        "--weights",
        &format!("{}:W", p(&npz)),
        "--bias",
        &format!("{}:b", p(&npz)),
    ]);
    for j in [&by_rule, &by_file] {
        let net = &j["networks"][0];
        assert!((num(&net["values"]["information"]) - 1.837_757).abs() < 1e-6);
        let proxies = &net["measures"]["exact"]["proxies"];
        assert!((num(&proxies["lagged_all"]["value"]) - 0.489_757).abs() < 1e-6);
        assert!((num(&proxies["lagged_off_diagonal"]["value"]) - 0.599_827).abs() < 1e-6);
        assert!(num(&proxies["equal_time"]["value"]).abs() < 1e-9);
        assert_eq!(net["measures"]["n"], 3);
        assert!(net["measures"]["attractors"]["n_cycles"].as_u64().unwrap() >= 1);
        // Not drawn: no weights in the entry.
        assert!(net.get("weights").is_none());
    }
    assert_eq!(by_file["source"]["bias"]["shape"], serde_json::json!([3]));
    assert_eq!(
        by_rule["networks"][0]["measures"],
        by_file["networks"][0]["measures"]
    );
}

#[test]
fn zero_weights_give_zero_flux() {
    let dir = tempfile::tempdir().unwrap();
    // An integer array is read as weights too.
    let path = dir.path().join("zero.npy");
    write_npy(&path, &Array2::<i64>::zeros((4, 4))).unwrap();
    let j = ok_json(&["flux", "--weights", p(&path)]);
    let net = &j["networks"][0];
    assert!(num(&net["values"]["information"]).abs() < 1e-12);
    assert!(num(&net["measures"]["exact"]["proxies"]["lagged_all"]["value"]).abs() < 1e-9);
    assert_eq!(j["source"]["weights"]["dtype"], "int64");
}

#[test]
fn a_strong_rooks_network_carries_nearly_n_bits() {
    let j = ok_json(&[
        "flux",
        "--ensemble",
        "rooks",
        "--n",
        "4",
        "--strength",
        "20",
        "--bias-rule",
        "centered",
    ]);
    let i = num(&j["networks"][0]["values"]["information"]);
    assert!(i > 3.99 && i <= 4.0 + 1e-9, "I = {i} bits");
    // One strong weight per row and column.
    let w = &j["networks"][0]["weights"];
    for row in w.as_array().unwrap() {
        let strong = row.as_array().unwrap().iter().filter(|v| num(v) == 20.0);
        assert_eq!(strong.count(), 1);
    }
}

#[test]
fn ensembles_are_reproducible_and_independent_of_threads() {
    let batch = |seed: &str, networks: &str, threads: &str| {
        ok(&[
            "flux",
            "--ensemble",
            "wdb",
            "--n",
            "5",
            "--width",
            "2",
            "--density",
            "0.6",
            "--balance",
            "0.2",
            "--networks",
            networks,
            "--seed",
            seed,
            "--simulate",
            "always",
            "--steps",
            "4000",
            "--threads",
            threads,
            "--json",
        ])
    };
    let one = batch("7", "3", "1");
    let two = batch("7", "3", "2");
    assert_eq!(one.stdout, two.stdout, "--threads changes nothing");
    let progress = String::from_utf8(one.stderr).unwrap();
    assert!(progress.contains("network 3/3"), "{progress}");
    let j: Value = serde_json::from_slice(&one.stdout).unwrap();
    let nets = j["networks"].as_array().unwrap();
    assert_eq!(nets.len(), 3);
    assert_ne!(nets[0]["weights"], nets[1]["weights"]);
    for (k, net) in nets.iter().enumerate() {
        assert_eq!(net["index"], k);
        assert!(net["measures"]["sampled"].is_object());
    }
    // Draw 0 alone is draw 0 of the batch; another seed draws other networks.
    let alone: Value = serde_json::from_slice(&batch("7", "1", "2").stdout).unwrap();
    assert_eq!(alone["networks"][0]["weights"], nets[0]["weights"]);
    assert_eq!(alone["networks"][0]["measures"], nets[0]["measures"]);
    assert!(alone.get("summary").is_none());
    let other: Value = serde_json::from_slice(&batch("8", "1", "1").stdout).unwrap();
    assert_ne!(other["networks"][0]["weights"], nets[0]["weights"]);
    // The summary over the batch.
    let s = &j["summary"];
    assert_eq!(s["networks"], 3);
    assert_eq!(s["exact"], 3);
    let flux: Vec<f64> = nets
        .iter()
        .map(|n| num(&n["values"]["information"]))
        .collect();
    assert!((num(&s["information"]["mean"]) - flux.iter().sum::<f64>() / 3.0).abs() < 1e-12);
    assert_eq!(s["proxies"].as_array().unwrap().len(), 3);
    let rho = num(&s["proxies"][1]["spearman"]);
    assert!((-1.0..=1.0).contains(&rho));
}

#[test]
fn the_batch_table_has_a_summary() {
    let out = ok(&[
        "flux",
        "--ensemble",
        "rooks",
        "--n",
        "3",
        "--strength",
        "4",
        "--background",
        "1",
        "--networks",
        "4",
        "--seed",
        "2",
    ]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("network 4/4"), "{table}");
    assert!(table.contains("summary over 4 networks"), "{table}");
    assert!(table.contains("Spearman ρ with I"), "{table}");
    assert!(
        table.contains("mean") && table.contains(" bits, sd "),
        "{table}"
    );
}

#[test]
fn nats_and_bits_differ_by_ln_2() {
    let dir = tempfile::tempdir().unwrap();
    let w = npy(dir.path(), "w.npy", &shift_register(5.0));
    let bits = ok_json(&["flux", "--weights", p(&w), "--bias-rule", "centered"]);
    let nats = ok_json(&[
        "flux",
        "--weights",
        p(&w),
        "--bias-rule",
        "centered",
        "--unit",
        "nats",
    ]);
    assert_eq!(nats["unit"], "nats");
    for key in ["information", "next_entropy", "entropy_rate"] {
        let (b, n) = (
            num(&bits["networks"][0]["values"][key]),
            num(&nats["networks"][0]["values"][key]),
        );
        assert!((n - b * std::f64::consts::LN_2).abs() < 1e-12, "{key}");
    }
    // The library's record stays in nats.
    let raw = num(&bits["networks"][0]["measures"]["exact"]["flux"]["information_nats"]);
    assert_eq!(raw, num(&nats["networks"][0]["values"]["information"]));
}

#[test]
fn large_networks_are_sampled_and_say_what_is_missing() {
    let j = ok_json(&[
        "flux",
        "--ensemble",
        "wdb",
        "--n",
        "20",
        "--width",
        "1",
        "--density",
        "0.3",
        "--balance",
        "0",
        "--steps",
        "3000",
        "--attractors",
        "never",
    ]);
    let m = &j["networks"][0]["measures"];
    assert!(m["exact"].is_null() && m["sampled"].is_object());
    assert!(
        m["missing"]["exact"]
            .as_str()
            .unwrap()
            .contains("exact_max_neurons")
    );
    assert!(j["networks"][0]["values"]["miller_madow_information"].is_number());
    assert_eq!(j["measure"]["steps"], 3000);
}

#[test]
fn saved_weights_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("nets");
    let out = dir.path().join("flux.json");
    let args = [
        "flux",
        "--ensemble",
        "wdb",
        "--n",
        "4",
        "--width",
        "1.5",
        "--density",
        "0.7",
        "--balance",
        "-0.3",
        "--bias-rule",
        "centered",
        "--networks",
        "2",
        "--seed",
        "11",
        "--save-weights",
        p(&save),
        "--out",
        p(&out),
    ];
    ok(&args);
    let j: Value = infoscope_io::read_json(&out).unwrap();
    for k in 0..2 {
        let net = &j["networks"][k];
        let w = read_array(&ArraySource::new(
            save.join(format!("network_{k}_weights.npy")),
        ))
        .unwrap();
        let b = read_array(&ArraySource::new(
            save.join(format!("network_{k}_bias.npy")),
        ))
        .unwrap();
        assert_eq!(w.dtype, "float64");
        assert_eq!(w.shape(), &[4, 4]);
        let from_json: Vec<f64> = net["weights"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap().iter().map(num))
            .collect();
        assert_eq!(w.to_f64().iter().copied().collect::<Vec<_>>(), from_json);
        let bias: Vec<f64> = net["bias"].as_array().unwrap().iter().map(num).collect();
        assert_eq!(b.to_f64().iter().copied().collect::<Vec<_>>(), bias);
        assert!(
            net["files"]["weights"]
                .as_str()
                .unwrap()
                .ends_with("_weights.npy")
        );
    }
    // The saved network, read back, has the same measures.
    let again = ok_json(&[
        "flux",
        "--weights",
        p(&save.join("network_1_weights.npy")),
        "--bias",
        p(&save.join("network_1_bias.npy")),
    ]);
    assert_eq!(
        again["networks"][0]["measures"],
        j["networks"][1]["measures"]
    );
    // Running again replaces its own files.
    ok(&args);
    // A file it did not write is refused unless --force.
    let fresh = dir.path().join("fresh");
    std::fs::create_dir_all(&fresh).unwrap();
    std::fs::write(fresh.join("network_0_weights.npy"), b"mine").unwrap();
    let mut foreign = args.to_vec();
    let at = foreign.len() - 3;
    foreign[at] = p(&fresh);
    fails(
        &foreign,
        Some(2),
        &["--save-weights", "--force", "network_0_weights.npy"],
    );
    assert_eq!(
        std::fs::read(fresh.join("network_0_weights.npy")).unwrap(),
        b"mine"
    );
    foreign.push("--force");
    ok(&foreign);
    assert_ne!(
        std::fs::read(fresh.join("network_0_weights.npy")).unwrap(),
        b"mine"
    );
}

#[test]
fn the_help_shows_the_defaults() {
    let help = String::from_utf8(ok(&["flux", "--help"]).stdout).unwrap();
    for needle in [
        "[default: 100000]",
        "[default: 1e-12]",
        "[default: 12]",
        "[default: bits]",
        "[default: binary]",
        "[default: on]",
        "--sim-seed",
        "--save-weights",
    ] {
        assert!(help.contains(needle), "{needle} not in the help");
    }
}

#[test]
fn bad_inputs_name_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = npy(d, "good.npy", &shift_register(2.0));
    let g = p(&good);
    let rect = npy(d, "rect.npy", &Array2::<f64>::zeros((2, 3)));
    let short = npy(d, "short.npy", &Array1::<f64>::zeros(2));
    let nan = npy(d, "nan.npy", &array![[0.0, f64::NAN], [1.0, 0.0]]);
    let inf = npy(d, "inf.npy", &array![0.0, f64::INFINITY, 1.0]);
    let corrupt = d.join("corrupt.npy");
    std::fs::write(&corrupt, b"\x93NUMPY garbage").unwrap();
    let missing = d.join("missing.npy");
    let wdb = [
        "--ensemble",
        "wdb",
        "--n",
        "3",
        "--width",
        "1",
        "--density",
        "0.5",
    ];
    let with = |extra: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = vec!["flux".into()];
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let cases: Vec<(Vec<String>, Option<i32>, Vec<&str>)> = vec![
        (with(&[]), Some(2), vec!["--weights", "--ensemble"]),
        (
            vec![
                "flux".into(),
                "--weights".into(),
                g.into(),
                "--ensemble".into(),
                "wdb".into(),
            ],
            Some(2),
            vec!["--weights", "--ensemble"],
        ),
        (
            vec!["flux".into(), "--weights".into(), p(&rect).into()],
            Some(1),
            vec!["--weights", "square"],
        ),
        (
            vec![
                "flux".into(),
                "--weights".into(),
                g.into(),
                "--bias".into(),
                p(&short).into(),
            ],
            Some(1),
            vec!["--bias", "3 entries"],
        ),
        (
            vec!["flux".into(), "--weights".into(), p(&nan).into()],
            Some(1),
            vec!["--weights", "NaN"],
        ),
        (
            vec![
                "flux".into(),
                "--weights".into(),
                g.into(),
                "--bias".into(),
                p(&inf).into(),
            ],
            Some(1),
            vec!["--bias", "inf"],
        ),
        (
            vec!["flux".into(), "--weights".into(), p(&missing).into()],
            Some(1),
            vec!["--weights", "missing.npy"],
        ),
        (
            vec!["flux".into(), "--weights".into(), p(&corrupt).into()],
            Some(1),
            vec!["--weights", "corrupt.npy"],
        ),
        (
            with(&[
                "--ensemble",
                "wdb",
                "--n",
                "65537",
                "--width",
                "1",
                "--density",
                "1",
                "--balance",
                "0",
            ]),
            Some(2),
            vec!["--n", "65536"],
        ),
        (
            with(&[&wdb[..], &["--balance", "0", "--networks", "0"]].concat()),
            Some(2),
            vec!["--networks"],
        ),
        (
            with(&[
                "--ensemble",
                "wdb",
                "--n",
                "3",
                "--width",
                "1",
                "--density",
                "1.5",
                "--balance",
                "0",
            ]),
            Some(2),
            vec!["--density"],
        ),
        (with(&wdb), Some(2), vec!["--balance"]),
        (
            with(&["--ensemble", "rooks", "--n", "1", "--strength", "3"]),
            Some(2),
            vec!["--n"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--background",
                "-1",
            ]),
            Some(2),
            vec!["--background"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--width",
                "1",
            ]),
            Some(2),
            vec!["--width", "wdb"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--coding",
                "ising",
            ]),
            Some(2),
            vec!["--coding"],
        ),
        (
            with(&["--ensemble", "hopfield"]),
            Some(2),
            vec!["--ensemble"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--temperature",
                "0",
            ]),
            Some(2),
            vec!["--temperature"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--plugin-neurons",
                "11",
            ]),
            Some(2),
            vec!["--plugin-neurons"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--tolerance",
                "0",
            ]),
            Some(2),
            vec!["--tolerance"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--steps",
                "1",
            ]),
            Some(2),
            vec!["--steps"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--tie",
                "maybe",
            ]),
            Some(2),
            vec!["--tie"],
        ),
        (
            with(&[
                "--ensemble",
                "rooks",
                "--n",
                "3",
                "--strength",
                "3",
                "--threads",
                "0",
            ]),
            None,
            vec!["--threads"],
        ),
        (
            vec![
                "flux".into(),
                "--ensemble".into(),
                "rooks".into(),
                "--n".into(),
                "3".into(),
                "--strength".into(),
                "3".into(),
                "--bias".into(),
                g.into(),
            ],
            Some(2),
            vec!["--bias"],
        ),
        (
            vec![
                "flux".into(),
                "--weights".into(),
                g.into(),
                "--seed".into(),
                "3".into(),
            ],
            Some(2),
            vec!["--seed", "--ensemble"],
        ),
        (
            vec![
                "flux".into(),
                "--weights".into(),
                g.into(),
                "--out".into(),
                g.into(),
            ],
            Some(2),
            vec!["--out", "--weights"],
        ),
        (
            vec![
                "flux".into(),
                "--weights".into(),
                g.into(),
                "--save-weights".into(),
                g.into(),
            ],
            Some(2),
            vec!["--save-weights"],
        ),
    ];
    for (args, code, needles) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(&args, *code, needles);
    }
    // Nothing was overwritten.
    let w = read_array(&ArraySource::new(&good)).unwrap();
    assert_eq!(w.shape(), &[3, 3]);
}

/// `infoscope run` on a flux experiment file: results, report and figures; a resume reads
/// everything back and writes the same results; a foreign file in --out is kept and refused.
#[test]
fn run_executes_a_flux_experiment_and_resumes_it() {
    let dir = tempfile::tempdir().expect("dir");
    let exp = dir.path().join("tiny.toml");
    write_npy(
        &dir.path().join("shift_w.npy"),
        &array![[0.0, 0.0, 5.0], [5.0, 0.0, 0.0], [0.0, 5.0, 0.0]],
    )
    .expect("w");
    std::fs::write(
        &exp,
        "kind = \"flux\"\nname = \"tiny\"\n[sweep]\nn = 3\nwidths = [1.0, 4.0]\n\
         densities = [1.0]\nbalances = [0.0]\nnetworks = 4\n[evolution]\nn = 3\n\
         generations = 6\nruns = 1\ncheckpoint_every = 3\n[[networks]]\nname = \"shift\"\n\
         weights = \"shift_w.npy\"\nbias_rule = \"centered\"\n",
    )
    .expect("toml");
    let out = dir.path().join("run");
    let first = ok(&["run", p(&exp), "--out", p(&out)]);
    let text = String::from_utf8_lossy(&first.stdout).into_owned();
    // SPEC.md §7: the shift register at w = 5 carries 1.837757 bits.
    assert!(
        text.contains("network shift: I[x(t); x(t+1)] = 1.8378 bits (exact)"),
        "{text}"
    );
    assert!(text.contains("Spearman ρ"), "{text}");
    for f in [
        "results.json",
        "report.html",
        "figures/flux_vs_proxy.svg",
        "figures/evolution_fitness.svg",
        "evolution/run_0_weights.npy",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let results = std::fs::read(out.join("results.json")).expect("results");
    let again = ok(&["run", p(&exp), "--out", p(&out), "--resume"]);
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(out.join("results.json")).expect("results"),
        results
    );
    // Another experiment into the same directory is refused; a foreign file survives --force.
    std::fs::write(out.join("notes.txt"), "mine").expect("notes");
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "kind = \"flux\"\nname = \"other\"\n[evolution]\nenabled = false\n[sweep]\nenabled = false\n").expect("toml");
    fails(
        &["run", p(&other), "--out", p(&out)],
        Some(2),
        &["another experiment"],
    );
    ok(&["run", p(&other), "--out", p(&out), "--force"]);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("notes"),
        "mine"
    );
    // A kind that is not known is named.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "kind = \"flow\"\n").expect("toml");
    fails(&["run", p(&bad)], None, &["unknown experiment kind"]);
}
