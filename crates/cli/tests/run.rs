//! End-to-end tests of `infoscope run` and `infoscope analyze`: the pipeline on a small
//! experiment and on a recording written by numpy, checked for content (SPEC.md §3's
//! behavioural facts), resumption after a kill, and errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_infoscope"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("file exists")).expect("valid JSON")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn curve<'a>(panel: &'a Value, label_start: &str) -> &'a Value {
    panel["curves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"].as_str().unwrap().starts_with(label_start))
        .unwrap_or_else(|| panic!("no curve {label_start}"))
}

/// The step of the stimulus onset (start of `stim1`).
fn onset(network: &Value) -> usize {
    network["time"]["epochs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "stim1")
        .expect("a stimulus epoch")["start"]
        .as_u64()
        .unwrap() as usize
}

/// Checks of one network's stimulus panel against its permutation null (SPEC.md §3): before
/// onset the estimates are within the null, after onset (once the network has integrated the
/// stimulus for `settle` steps) above it.
fn check_stimulus_null(network: &Value, onset: usize, settle: usize, labels: &[&str]) {
    let panel = &network["layer"]["stimulus"];
    for label in labels {
        let c = curve(panel, label);
        let n = c["null"]["n_surrogates"].as_u64().unwrap() as f64;
        let p = f64s(&c["null"]["p_values"]);
        let before = &p[..onset];
        // Each pre-onset step is a level-0.05 test of a true null: allow a few rejections
        // among the (correlated) steps, never most of them.
        let rejected = before.iter().filter(|&&q| q <= 0.05).count();
        assert!(
            rejected * 4 <= before.len(),
            "{label}: {rejected} of {} pre-onset steps reject the null: {before:?}",
            before.len()
        );
        let after = &p[onset + settle..];
        let minimal = 1.0 / (n + 1.0);
        let at_min = after
            .iter()
            .filter(|&&q| (q - minimal).abs() < 1e-12)
            .count();
        assert!(
            at_min * 10 >= after.len() * 9,
            "{label}: after onset only {at_min} of {} steps beat every surrogate: {after:?}",
            after.len()
        );
    }
}

/// Every KT lower value lies in [0, upper] at every step of every panel.
fn check_kt_order(network: &Value) {
    for panel in ["stimulus", "target", "trial"] {
        let p = &network["layer"][panel];
        let lo = f64s(&curve(p, "KT lower")["values"]);
        let hi = f64s(&curve(p, "KT upper")["values"]);
        for (t, (l, u)) in lo.iter().zip(&hi).enumerate() {
            assert!(
                *l >= -1e-12 && l <= &(u + 1e-12),
                "{panel} step {t}: {l} vs {u}"
            );
        }
    }
}

fn small_run(out: &Path) -> Output {
    run(&["run", s(&data("small.toml")), "--out", s(out)])
}

#[test]
fn run_small_experiment_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("small");
    let o = small_run(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("active neurons"), "{stdout}");
    assert!(stdout.contains("bits"), "numbers carry units: {stdout}");

    let r = read_json(&out.join("results.json"));
    assert_eq!(r["unit"], "nats");
    assert_eq!(r["experiment"], "small");
    let nets = r["networks"].as_array().unwrap();
    assert_eq!(nets.len(), 2, "the RNN and the reservoir");
    assert_eq!(nets[0]["name"], "leaky RNN");
    assert_eq!(nets[1]["name"], "reservoir");
    let trials = 64.0_f64;
    for net in nets {
        assert_eq!(net["recording"]["n_trials"], 64);
        let on = onset(net);
        assert!(on >= 5, "a fixation period precedes the stimulus");
        check_stimulus_null(net, on, 5, &["KT lower", "KT upper", "kNN (Ross)"]);
        check_kt_order(net);
        // Binned I(trial; T_t) with 30 bins per unit: every trial a distinct pattern after
        // onset, so the value is exactly ln(trials) (= log2(trials) bits) (SPEC.md §3).
        let fine = f64s(&curve(&net["layer"]["trial"], "binned, 30")["values"]);
        for v in &fine[on..] {
            assert!((v - trials.ln()).abs() < 1e-12, "{v} vs ln {trials}");
        }
        let ceiling = net["layer"]["trial"]["ceiling"]["value"].as_f64().unwrap();
        assert!((ceiling - trials.ln()).abs() < 1e-12);
        // Stimulus MI never exceeds H(X) (plug-in on the same trials).
        let hx = net["variables"]["stimulus_entropy"].as_f64().unwrap();
        for c in net["layer"]["stimulus"]["curves"].as_array().unwrap() {
            if c["estimator"] != "ksg" {
                for v in f64s(&c["values"]) {
                    assert!(v <= hx + 1e-9, "{}: {v} > H(X) {hx}", c["label"]);
                }
            }
        }
        // The target is constant ("fixate") before the go cue: I(T; Y) = 0 there.
        let go = net["time"]["epochs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "go1")
            .unwrap()["start"]
            .as_u64()
            .unwrap() as usize;
        for c in net["layer"]["target"]["curves"].as_array().unwrap() {
            assert!(f64s(&c["values"])[..go].iter().all(|&v| v == 0.0));
        }
        // Per-neuron: one row per unit, peaks inside the trial, active neurons peak after onset.
        let neurons = &net["neurons"];
        let units = net["recording"]["n_units"].as_u64().unwrap() as usize;
        assert_eq!(neurons["mi"].as_array().unwrap().len(), units);
        let peaks = f64s(&neurons["peak_step"]);
        for i in neurons["active"].as_array().unwrap() {
            let i = i.as_u64().unwrap() as usize;
            assert!(
                peaks[i] as usize >= on,
                "active neuron {i} peaks before onset"
            );
        }
        assert!(neurons["peak_spread"]["n_active"].as_u64().unwrap() >= 1);
        // Successive states: one value per step pair.
        let succ = &net["successive"]["panel"]["curves"][0]["values"];
        assert_eq!(
            succ.as_array().unwrap().len(),
            net["time"]["n_steps"].as_u64().unwrap() as usize - 1
        );
    }
    // Training-only analyses on the RNN.
    let plane = &nets[0]["plane"];
    assert_eq!(f64s(&plane["checkpoints"])[0], 0.0);
    assert_eq!(*f64s(&plane["checkpoints"]).last().unwrap(), 60.0);
    for c in plane["curves"].as_array().unwrap() {
        for v in f64s(&c["i_xt"]) {
            assert!((-1e-12..=trials.ln() + 1e-12).contains(&v), "I(X;T) = {v}");
        }
    }
    let grads = &nets[0]["gradients"];
    assert_eq!(f64s(&grads["steps"]).len(), 12, "60 steps logged every 5");
    assert_eq!(grads["layers"].as_array().unwrap().len(), 5);
    assert!(nets[1]["plane"].is_null() && nets[1]["gradients"].is_null());

    // `infoscope analyze` on the run's recording, with the run's [analysis] settings, gives
    // the same numbers to the last bit (the run reads its stages back from JSON).
    let again = dir.path().join("again");
    ok(&[
        "analyze",
        s(&out.join("recordings/leaky.npz")),
        "--config",
        s(&data("small.toml")),
        "--name",
        "leaky RNN",
        "--out",
        s(&again),
    ]);
    let direct = read_json(&again.join("results.json"));
    for part in ["layer", "neurons", "successive", "variables", "time"] {
        assert_eq!(direct["networks"][0][part], nets[0][part], "{part}");
    }

    // The report: one self-contained page with inline SVG figures whose axes state units.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg"), "figures are inline");
    assert!(html.contains("(bits)"), "axes state their unit");
    assert!(html.contains("time (ms)"));
    assert!(!html.contains("src=\"http"), "no external resources");
    assert!(out.join("figures").read_dir().unwrap().count() >= 10);
}

#[test]
fn a_killed_run_resumes_to_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    assert!(small_run(&whole).status.success());
    let expected = std::fs::read(whole.join("results.json")).unwrap();

    // Kill the second run as soon as its training has logged, then resume it.
    let part = dir.path().join("part");
    let mut child = bin()
        .args(["run", s(&data("small.toml")), "--out", s(&part)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !part.join("leaky/log.json").exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !part.join("results.json").exists(),
        "the run was killed before it finished"
    );
    let o = run(&["run", s(&data("small.toml")), "--out", s(&part), "--resume"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(part.join("results.json")).unwrap(),
        expected,
        "resumed results.json differs from the uninterrupted run's"
    );
    // Resuming a finished run redoes nothing and changes nothing.
    let o = run(&["run", s(&data("small.toml")), "--out", s(&part), "--resume"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("done earlier"));
    assert_eq!(std::fs::read(part.join("results.json")).unwrap(), expected);
}

#[test]
fn analyze_a_recording_written_by_numpy() {
    // tests/data/external_recording.npz comes from make_external_recording.py (numpy only, no
    // sidecar): units 0-3 are tuned to the angle from step 10, units 4-11 are noise.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ext");
    let stdout = ok(&[
        "analyze",
        s(&data("external_recording.npz")),
        "--out",
        s(&out),
        "--name",
        "numpy export",
        "--unit",
        "nats",
    ]);
    assert!(stdout.contains("numpy export"), "{stdout}");
    let r = read_json(&out.join("results.json"));
    let net = &r["networks"][0];
    // 48 trials with 12 units of 30 bins: every trial has its own pattern at the maximum, and
    // the summary says so (the value is the ceiling H(X), whatever the layer encodes).
    let saturated = |label: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .is_some_and(|l| l.contains("saturated"))
    };
    assert!(saturated("binned, 30 bins/unit"), "{stdout}");
    assert!(!saturated("KT lower"), "{stdout}");
    let curve = net["layer"]["stimulus"]["curves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == "binned, 30 bins/unit")
        .unwrap();
    assert!(!curve["saturated"].as_array().unwrap().is_empty());
    assert_eq!(net["recording"]["n_trials"], 48);
    assert_eq!(net["recording"]["n_units"], 12);
    assert!(
        net["recording"]["notes"][0]
            .as_str()
            .unwrap()
            .contains("no sidecar")
    );
    assert!(net["time"]["epochs"].as_array().unwrap().is_empty());
    assert!(!net["variables"]["has_targets"].as_bool().unwrap());
    assert!(
        net["layer"]["target"]["curves"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        net["layer"]["input_hidden"]["curves"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        net["layer"]["hidden_output"]["curves"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    check_stimulus_null(net, 10, 0, &["KT lower", "KT upper"]);
    let active: Vec<u64> = net["neurons"]["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    for i in 0..4 {
        assert!(active.contains(&i), "tuned unit {i} is active: {active:?}");
    }
    assert!(
        active.len() <= 5,
        "noise units stay inactive at FDR 5%: {active:?}"
    );
    assert!(out.join("report.html").exists());
}

/// `infoscope analyze` writes Results that read back as typed Results (schema 2): made by the
/// analysis crate's one builder, with the configuration `{"recording": <path>, "analysis":
/// {...}}` (the shape Python's `as_results` writes too), and every curve's stored
/// specification checks into an estimator of its method (issue 14).
#[test]
fn analyze_results_read_back_with_their_estimators() {
    use infoscope_analysis::{AnalysisConfig, AnalyzeConfig, RESULTS_SCHEMA, Results, Source};

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ext");
    let rec = data("external_recording.npz");
    ok(&["analyze", s(&rec), "--permutations", "9", "--out", s(&out)]);
    let text = std::fs::read(out.join("results.json")).unwrap();
    let r: Results = serde_json::from_slice(&text).unwrap();
    assert_eq!(r.schema_version, RESULTS_SCHEMA);
    assert_eq!(r.experiment, "analyze");
    let config: AnalyzeConfig = serde_json::from_value(r.config.clone()).unwrap();
    assert_eq!(config.recording.as_deref(), Some(s(&rec)));
    let expected = AnalysisConfig {
        permutations: 9,
        ..AnalysisConfig::default()
    };
    assert_eq!(config.analysis, expected);
    assert_eq!(
        r,
        Results::new(Source::Analyze(&config), r.networks.clone())
    );
    let net = &r.networks[0];
    let layer = &net.layer;
    let panels = [
        &layer.stimulus,
        &layer.target,
        &layer.trial,
        &layer.input_hidden,
        &layer.hidden_output,
        &net.successive.panel,
    ];
    let mut methods = Vec::new();
    for curve in panels.iter().flat_map(|p| &p.curves) {
        let estimator = curve.config.spec.check().unwrap();
        assert_eq!(estimator.name(), curve.estimator, "{}", curve.label);
        methods.push(curve.estimator.clone());
    }
    for method in ["binned", "kt", "ross", "ksg", "gaussian"] {
        assert!(
            methods.iter().any(|m| m == method),
            "{method} in {methods:?}"
        );
    }
    assert_eq!(net.neurons.config.spec.check().unwrap().name(), "binned");
}

#[test]
fn analyze_refuses_bad_input_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.npz");
    std::fs::write(&bad, b"not a zip").unwrap();
    let out = dir.path().join("out");
    for (args, needle) in [
        (vec!["analyze", s(&bad), "--out", s(&out)], "bad.npz"),
        (
            vec!["analyze", "/nonexistent/rec.npz", "--out", s(&out)],
            "rec.npz",
        ),
        (
            vec![
                "analyze",
                s(&data("external_recording.npz")),
                "--out",
                s(&out),
                "--permutations",
                "0",
            ],
            "permutations",
        ),
    ] {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
        assert!(!out.join("results.json").exists(), "no output on failure");
    }
    let toml = dir.path().join("bad.toml");
    std::fs::write(&toml, "[analysis]\nnbins = 3\n").unwrap();
    let o = run(&[
        "analyze",
        s(&data("external_recording.npz")),
        "--config",
        s(&toml),
        "--out",
        s(&out),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nbins"), "names the unknown key: {err}");
    let exp = dir.path().join("exp.toml");
    std::fs::write(&exp, "name = \"x\"\n[training]\nmax_steps = 0\n").unwrap();
    let o = run(&["run", s(&exp), "--out", s(&out)]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("training.max_steps"), "{err}");
    let o = run(&["run", s(&dir.path().join("missing.toml"))]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.toml"));
}

#[test]
fn analyze_a_neurogym_shaped_export_as_it_is() {
    // tests/data/neurogym_recording.npz and .json come from make_neurogym_recording.py: float16
    // states with a dead unit, per-step integer targets and mask [trial, time], a fixation input
    // constant at every step, an unknown array, and a hand-written sidecar (no schema_version,
    // notes as a string, unknown fields). Issue #16: each of these used to stop `analyze`.
    let dir = tempfile::tempdir().unwrap();
    for ext in ["npz", "json"] {
        std::fs::copy(
            data(&format!("neurogym_recording.{ext}")),
            dir.path().join(format!("ng.{ext}")),
        )
        .unwrap();
    }
    let out = dir.path().join("analysis");
    let stdout = ok(&[
        "analyze",
        s(&dir.path().join("ng.npz")),
        "--out",
        s(&out),
        "--permutations",
        "19",
    ]);
    assert!(
        stdout.contains("40 trials × 12 steps × 10 units"),
        "{stdout}"
    );
    let r = read_json(&out.join("results.json"));
    let net = &r["networks"][0];
    assert_eq!(net["recording"]["dt_ms"], 100.0);
    assert!(net["variables"]["has_targets"].as_bool().unwrap());
    let read: Vec<&str> = net["recording"]["arrays_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for needle in [
        "`hidden`: float16",
        "`targets`: int64 [40, 12]",
        "`trial_id`: ignored",
    ] {
        assert!(
            read.iter().any(|l| l.contains(needle)),
            "{needle}: {read:?}"
        );
    }
    assert!(read.iter().any(|l| l.contains("optimizer")), "{read:?}");
    // The target panel has values at every step; I(input_t; h_t) too: the constant fixation
    // and unused channels are dropped, not an abort.
    for panel in ["target", "input_hidden"] {
        for c in net["layer"][panel]["curves"].as_array().unwrap() {
            assert!(
                c["values"].as_array().unwrap().iter().all(Value::is_f64),
                "{panel} {}: {c}",
                c["label"]
            );
        }
    }
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Arrays read from the recording"));
    assert!(report.contains("exported by a training script"));
}
