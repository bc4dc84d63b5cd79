//! `infoscope rate` end to end (issue #18): the SPEC.md §1.4 closed form through the command
//! line, units and time steps, the library's number exactly, the written files and every
//! refused input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use infoscope_estimators::spectral::InformationRate;
use infoscope_io::write_npy;
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde_json::Value;

fn infoscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infoscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = infoscope(&all);
    assert!(
        out.status.success(),
        "{all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// A command that must fail with `code`, nothing on stdout and one `error:` line holding
/// every needle.
fn fails(args: &[&str], code: i32, needles: &[&str]) {
    let out = infoscope(args);
    assert_eq!(out.status.code(), Some(code), "{args:?}");
    assert!(out.stdout.is_empty(), "no stdout for {args:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: {n:?} not in {err}");
    }
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// White signal s (variance 1) and r = s + white noise of variance 1/snr, written as .npy.
fn white_pair(dir: &Path, n: usize, snr: f64, seed: u64) -> (PathBuf, PathBuf) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let s: Array1<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
    let noise_sd = (1.0 / snr).sqrt();
    let r: Array1<f64> = s
        .iter()
        .map(|&v| {
            let e: f64 = StandardNormal.sample(&mut rng);
            v + noise_sd * e
        })
        .collect();
    let (sp, rp) = (dir.join("s.npy"), dir.join("r.npy"));
    write_npy(&sp, &s).unwrap();
    write_npy(&rp, &r).unwrap();
    (sp, rp)
}

#[test]
fn white_channel_matches_the_closed_form_per_sample() {
    // SPEC.md §1.4: r = s + n with white s and n is a Gaussian channel of flat SNR, whose rate
    // is ½ ln(1 + SNR) nats per sample at every frequency.
    let dir = tempfile::tempdir().unwrap();
    for snr in [1.0, 3.0] {
        let (s, r) = white_pair(dir.path(), 200_000, snr, 7);
        let v = ok_json(&["rate", "--x", p(&s), "--y", p(&r), "--nperseg", "256"]);
        let expected = 0.5 * (1.0_f64 + snr).ln();
        let got = num(&v["per_sample"]);
        // The estimator's own upward bias is about 0.5/(K_eff − 1) per sample (K ≈ 1560).
        assert!(
            (got - expected).abs() < 0.01,
            "SNR {snr}: {got} vs {expected}"
        );
        assert_eq!(v["unit"], "nats");
        assert_eq!(v["method"], "spectral_rate");
        assert_eq!(v["inputs"][0]["role"], "x");
    }
}

#[test]
fn the_command_line_gives_the_library_number_in_every_unit_and_time_step() {
    let dir = tempfile::tempdir().unwrap();
    let (s, r) = white_pair(dir.path(), 20_000, 2.0, 3);
    let nats = ok_json(&["rate", "--x", p(&s), "--y", p(&r), "--nperseg", "128"]);
    // The library on the same numbers.
    let read = |path: &Path| -> Array2<f64> {
        let a = infoscope_io::read_array(&infoscope_io::ArraySource::parse(p(path))).unwrap();
        let a = a.to_f64();
        let n = a.len();
        a.into_shape_with_order((n, 1))
            .unwrap()
            .into_dimensionality()
            .unwrap()
    };
    let lib = InformationRate::params()
        .nperseg(128)
        .check()
        .unwrap()
        .rate(read(&s).view(), read(&r).view())
        .unwrap();
    assert_eq!(num(&nats["value"]), lib.value, "bit for bit");
    // Bits: the same divided by ln 2, and the density too.
    let bits = ok_json(&[
        "rate",
        "--x",
        p(&s),
        "--y",
        p(&r),
        "--nperseg",
        "128",
        "--unit",
        "bits",
    ]);
    assert_eq!(bits["unit"], "bits");
    let ratio = num(&nats["value"]) / num(&bits["value"]);
    assert!((ratio - std::f64::consts::LN_2).abs() < 1e-12, "{ratio}");
    // dt = 0.01: the rate per unit time is 100 × the rate per sample, which does not change.
    let fast = ok_json(&[
        "rate",
        "--x",
        p(&s),
        "--y",
        p(&r),
        "--nperseg",
        "128",
        "--dt",
        "0.01",
    ]);
    let per_sample = num(&nats["per_sample"]);
    assert!((num(&fast["per_sample"]) - per_sample).abs() < 1e-12);
    assert!((num(&fast["value"]) - 100.0 * per_sample).abs() < 1e-9);
    // Scaling Y leaves the rate unchanged (SPEC.md §1.4).
    let r2 = dir.path().join("r2.npy");
    let scaled = read(&r).mapv(|v| -3.5 * v);
    write_npy(&r2, &scaled).unwrap();
    let v = ok_json(&["rate", "--x", p(&s), "--y", p(&r2), "--nperseg", "128"]);
    assert!((num(&v["value"]) - num(&nats["value"])).abs() < 1e-9);
}

#[test]
fn baseline_out_and_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let (s, r) = white_pair(dir.path(), 8192, 1.0, 11);
    let (json, csv) = (dir.path().join("rate.json"), dir.path().join("density.csv"));
    let out = infoscope(&[
        "rate",
        "--x",
        p(&s),
        "--y",
        p(&r),
        "--nperseg",
        "64",
        "--baseline",
        "circular-shift",
        "--n-baseline",
        "4",
        "--seed",
        "5",
        "--out",
        p(&json),
        "--csv",
        p(&csv),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("nats per unit time"), "{table}");
    assert!(table.contains("baseline"), "{table}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let base = &v["baseline"];
    assert_eq!(base["values"].as_array().unwrap().len(), 4);
    let corrected = num(&v["corrected"]);
    assert!((corrected - (num(&v["raw"]) - num(&base["mean"]))).abs() < 1e-12);
    assert_eq!(num(&v["value"]), corrected);
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "frequency,density_nats_per_time_per_frequency,coherence"
    );
    assert_eq!(lines.len() - 1, v["frequencies"].as_array().unwrap().len());
}

#[test]
fn refused_inputs_name_their_flag() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = white_pair(dir.path(), 4096, 1.0, 1);
    let short = dir.path().join("short.npy");
    write_npy(&short, &Array1::<f64>::linspace(0.0, 1.0, 100)).unwrap();
    let flat = dir.path().join("flat.npy");
    write_npy(&flat, &Array1::<f64>::zeros(4096)).unwrap();
    let (s, short, flat) = (p(&s), p(&short), p(&flat));
    fails(&["rate", "--x", s, "--y", short], 1, &["--y", "4096"]);
    fails(&["rate", "--x", flat, "--y", s], 1, &["--x"]);
    fails(
        &["rate", "--x", s, "--y", s, "--overlap", "1.5"],
        2,
        &["--overlap"],
    );
    fails(&["rate", "--x", s, "--y", s, "--dt", "0"], 2, &["--dt"]);
    fails(
        &["rate", "--x", s, "--y", s, "--cutoff", "0.9"],
        2,
        &["--cutoff"],
    );
    fails(
        &[
            "rate",
            "--x",
            s,
            "--y",
            s,
            "--baseline",
            "circular-shift",
            "--n-baseline",
            "0",
        ],
        2,
        &["--n-baseline"],
    );
    fails(
        &["rate", "--x", s, "--y", s, "--window", "kaiser"],
        2,
        &["kaiser"],
    );
    fails(
        &["rate", "--x", s, "--y", "missing.npy"],
        1,
        &["--y", "missing.npy"],
    );
}

/// `infoscope run` on a balanced experiment file: results, report and figures, the headline
/// numbers on stdout; a resume reads everything back and writes the same results; a foreign
/// file in --out is kept and another experiment refused.
#[test]
fn run_executes_a_balanced_experiment_and_resumes_it() {
    let dir = tempfile::tempdir().unwrap();
    let exp = dir.path().join("tiny.toml");
    std::fs::write(
        &exp,
        "kind = \"balanced\"\nname = \"tiny\"\n[sweep]\nn = 32\ng = [0.0]\nb = [1.0, 2.0, 4.0]\n\
         dt = 0.0625\nduration = 64.0\nburn_in = 2.0\nnetworks = 1\ntrials = 2\n\
         [sweep.rate]\nnperseg = 128\n[training]\nchannels = [2]\nn = 16\nepochs = 20\n\
         log_every = 10\ncheckpoint_every = 10\nrate_steps = 512\n[training.rate]\nnperseg = 64\n",
    )
    .unwrap();
    let out = dir.path().join("run");
    let first = infoscope(&["run", p(&exp), "--out", p(&out), "--unit", "nats"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(text.contains("g = 0, σ = 0.1: slope"), "{text}");
    assert!(text.contains("nats/τ per unit b, R²"), "{text}");
    assert!(text.contains("training S = 2: epochs 0 → 20"), "{text}");
    assert!(text.contains("clusters ["), "{text}");
    for f in [
        "results.json",
        "report.html",
        "figures/rate_vs_balance.svg",
        "figures/training_curves.svg",
        "sweep/runs.json",
        "training/S2/J.npy",
        "training/S2/checkpoint.safetensors",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The fitted slope on stdout is the one in results.json.
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let slope = num(&results["sweep"]["fits"][0]["fit"]["slope"]);
    assert!(
        text.contains(&format!("slope {slope:.4} nats/τ")),
        "{slope} {text}"
    );
    let before = std::fs::read(out.join("results.json")).unwrap();
    let again = infoscope(&["run", p(&exp), "--out", p(&out), "--resume"]);
    assert!(again.status.success());
    assert_eq!(std::fs::read(out.join("results.json")).unwrap(), before);
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        "kind = \"balanced\"\nname = \"other\"\n[training]\nenabled = false\n[sweep]\nn = 16\n\
         g = [0.0]\nb = [2.0]\ndt = 0.0625\nduration = 32.0\nnetworks = 1\ntrials = 1\n\
         [sweep.rate]\nnperseg = 64\n",
    )
    .unwrap();
    fails(
        &["run", p(&other), "--out", p(&out)],
        2,
        &["another experiment"],
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    // A bad setting names itself.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "kind = \"balanced\"\n[sweep]\nb = [-1.0]\n").unwrap();
    fails(&["run", p(&bad)], 1, &["sweep.b"]);
}
