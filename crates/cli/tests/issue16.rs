//! Regression tests of issue #16 (the CLI findings of the bad-input sweep): no data loss, writes
//! through links and devices, no panic or broken-pipe crash, capped counts, and messages that
//! name the CLI's flags. `INFOSCOPE_BIN` runs them against another binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use infoscope_io::write_npy;
use ndarray::{Array1, Array2};
use serde_json::Value;

fn bin() -> Command {
    match std::env::var_os("INFOSCOPE_BIN") {
        Some(b) => Command::new(b),
        None => Command::new(env!("CARGO_BIN_EXE_infoscope")),
    }
}

/// Runs with a deadline (the binary is killed after `secs`), returning the output and the time.
fn run_for(args: &[&str], secs: u64) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    (output, started.elapsed())
}

fn run(args: &[&str]) -> Output {
    run_for(args, 60).0
}

/// A command that must fail with one `error:` line containing every needle.
fn fails_with(args: &[&str], needles: &[&str]) -> String {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} should fail; stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    for n in needles {
        assert!(err.contains(n), "{args:?}: expected {n:?} in: {err}");
    }
    err
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// x (300 × 2) and y (300) with some dependence.
fn pair(dir: &Path) -> (PathBuf, PathBuf) {
    let n = 300;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| ((i * (j + 3)) as f64 * 0.7312).sin());
    let y = Array1::from_shape_fn(n, |i| x[[i, 0]] + ((i as f64) * 1.913).cos());
    let (xp, yp) = (dir.join("x.npy"), dir.join("y.npy"));
    write_npy(&xp, &x).unwrap();
    write_npy(&yp, &y).unwrap();
    (xp, yp)
}

#[test]
fn run_keeps_files_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("recordings")).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("recordings/mine.npz"), "mine").unwrap();
    let exp = data("small.toml");
    let (o, took) = run_for(&["run", s(&exp), "--out", s(&out)], 20);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "refused: {err}");
    assert!(took < Duration::from_secs(10), "refused at once");
    assert!(err.contains("mine.npz") && err.contains("--out"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("recordings/mine.npz")).unwrap(),
        "mine"
    );
    // Even --force never deletes a file the run did not write.
    fails_with(
        &["run", s(&exp), "--out", s(&out), "--force"],
        &["mine.npz"],
    );
    assert!(out.join("recordings/mine.npz").exists());
    // A directory of other files needs --force.
    std::fs::remove_file(out.join("recordings/mine.npz")).unwrap();
    fails_with(
        &["run", s(&exp), "--out", s(&out)],
        &["--out", "not empty", "--force"],
    );
    assert!(out.join("notes.txt").exists());
}

#[test]
fn outputs_never_replace_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = pair(dir.path());
    let before = std::fs::read(&x).unwrap();
    fails_with(
        &[
            "estimate",
            "--method",
            "ksg",
            "--x",
            s(&x),
            "--y",
            s(&y),
            "--out",
            s(&x),
        ],
        &["--out", "--x", "input"],
    );
    fails_with(
        &[
            "estimate",
            "--method",
            "binned",
            "--x",
            s(&x),
            "--y",
            s(&y),
            "--per-unit",
            "--csv",
            s(&y),
        ],
        &["--csv", "--y"],
    );
    let ab = dir.path().join("ab.npy");
    fails_with(
        &[
            "pairwise",
            "--a",
            s(&x),
            "--b",
            s(&y),
            "--out",
            s(&ab),
            "--json",
            s(&y),
        ],
        &["--json", "--b"],
    );
    fails_with(
        &["pairwise", "--a", s(&x), "--out", s(&ab), "--csv", s(&ab)],
        &["--csv", "--out"],
    );
    assert_eq!(std::fs::read(&x).unwrap(), before, "the input is untouched");
    // analyze: --out equal to the recording, or a directory where it would be overwritten.
    let rec = dir.path().join("rec.npz");
    std::fs::copy(data("external_recording.npz"), &rec).unwrap();
    let rec_bytes = std::fs::read(&rec).unwrap();
    fails_with(
        &["analyze", s(&rec), "--out", s(&rec)],
        &["--out", "rec.npz"],
    );
    let config = dir.path().join("report.html");
    std::fs::write(&config, "[analysis]\npermutations = 19\n").unwrap();
    fails_with(
        &[
            "analyze",
            s(&rec),
            "--config",
            s(&config),
            "--out",
            s(dir.path()),
        ],
        &["--config", "report.html"],
    );
    assert_eq!(std::fs::read(&rec).unwrap(), rec_bytes);
}

#[test]
fn links_are_followed_and_devices_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = pair(dir.path());
    let target = dir.path().join("real.json");
    let link = dir.path().join("link.json");
    std::fs::write(&target, "old").unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    ok(&[
        "estimate",
        "--method",
        "ksg",
        "--x",
        s(&x),
        "--y",
        s(&y),
        "--out",
        s(&link),
    ]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    let written: Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(written["estimate"]["method"], "ksg");
    // /dev/stdout: the JSON arrives on stdout, before the table.
    let out = ok(&[
        "estimate",
        "--method",
        "ksg",
        "--x",
        s(&x),
        "--y",
        s(&y),
        "--out",
        "/dev/stdout",
    ]);
    assert!(
        out.starts_with('{') && out.contains("infoscope estimate"),
        "{out}"
    );
    // A FIFO is written into, not replaced.
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let fifo_read = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read(&fifo_read).unwrap());
    ok(&[
        "estimate",
        "--method",
        "ksg",
        "--x",
        s(&x),
        "--y",
        s(&y),
        "--out",
        s(&fifo),
    ]);
    let got: Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    assert_eq!(got["estimate"]["method"], "ksg");
    assert!(!std::fs::metadata(&fifo).unwrap().is_file(), "still a FIFO");
}

/// Runs with stdout closed before the binary writes: a quiet exit, no panic.
#[test]
fn a_closed_stdout_pipe_is_a_quiet_exit() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = pair(dir.path());
    let argsets: [&[&str]; 2] = [
        &["methods"],
        &["estimate", "--method", "ksg", "--x", s(&x), "--y", s(&y)],
    ];
    for args in argsets {
        let mut child = bin()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(err.is_empty(), "quiet: {err}");
    }
}

#[test]
fn a_panic_is_one_line_and_status_1() {
    let out = bin()
        .arg("methods")
        .env("INFOSCOPE_TEST_PANIC", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("error: internal error: "), "{err}");
    assert!(err.contains("please report"), "{err}");
}

#[test]
fn huge_counts_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = pair(dir.path());
    let rec = data("external_recording.npz");
    let out = dir.path().join("analysis");
    for (args, flag) in [
        (
            vec![
                "analyze",
                s(&rec),
                "--out",
                s(&out),
                "--permutations",
                "1000000000",
            ],
            "--permutations",
        ),
        (
            vec![
                "estimate",
                "--method",
                "ksg",
                "--x",
                s(&x),
                "--y",
                s(&y),
                "--permutations",
                "1000000000",
            ],
            "--permutations",
        ),
        (
            vec![
                "estimate",
                "--method",
                "ksg",
                "--x",
                s(&x),
                "--y",
                s(&y),
                "--bootstrap",
                "1000000000",
            ],
            "--bootstrap",
        ),
    ] {
        let (o, took) = run_for(&args, 20);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?}");
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
        assert!(err.contains(flag) && err.contains("1000000"), "{err}");
    }
}

fn call(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn messages_name_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = pair(dir.path());
    let xy = ["--x", s(&x), "--y", s(&y)];
    let with = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec!["estimate".into()];
        v.extend(extra.iter().map(|a| (*a).to_owned()));
        v
    };
    let a = with(&[&["--method", "ksg", "--k", "-1"][..], &xy].concat());
    fails_with(&call(&a), &["parameter `k` is invalid", "≥ 1", "-1"]);
    let a = with(&[&["--method", "ksg", "--theiler", "-1"][..], &xy].concat());
    fails_with(&call(&a), &["--theiler", "-1"]);
    let a = with(&[&["--method", "ksg", "--noise", "1e308"][..], &xy].concat());
    fails_with(&call(&a), &["noise"]);
    // kt with --labels: the arrays are named by their flags.
    let err = fails_with(
        &[
            "estimate",
            "--method",
            "kt",
            "--noise-var",
            "0.1",
            "--x",
            s(&x),
            "--labels",
            s(&y),
        ],
        &["--labels"],
    );
    assert!(!err.contains("`y`") && !err.contains("`h`"), "{err}");
    let short = dir.path().join("short.npy");
    write_npy(&short, &Array1::from_shape_fn(150, |i| (i % 3) as i64)).unwrap();
    let err = fails_with(
        &[
            "estimate",
            "--method",
            "kt",
            "--noise-var",
            "0.1",
            "--x",
            s(&x),
            "--labels",
            s(&short),
        ],
        &["--labels", "--x"],
    );
    assert!(!err.contains("`y`") && !err.contains("`x`"), "{err}");
}

/// int64 labels above 2^53 stay distinct (f64 would merge them into one class).
#[test]
fn large_integer_labels_stay_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let n = 400;
    let labels = Array1::from_shape_fn(n, |i| (1_i64 << 60) + (i % 4) as i64);
    let x = Array1::from_shape_fn(n, |i| (i % 4) as f64 + 0.01 * ((i as f64) * 0.37).sin());
    let (lp, xp) = (dir.path().join("labels.npy"), dir.path().join("x.npy"));
    write_npy(&lp, &labels).unwrap();
    write_npy(&xp, &x).unwrap();
    for flag in ["--y", "--labels"] {
        let out = ok(&[
            "estimate",
            "--method",
            "binned",
            "--x",
            s(&xp),
            flag,
            s(&lp),
            "--json",
        ]);
        let v: Value = serde_json::from_str(&out).unwrap();
        let mi = v["estimate"]["value_nats"].as_f64().unwrap();
        assert!(
            (mi - 4f64.ln()).abs() < 1e-9,
            "{flag}: I = {mi}, expected ln 4"
        );
    }
}

#[test]
fn threads_do_not_change_the_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = pair(dir.path());
    let one = ok(&[
        "estimate",
        "--method",
        "ksg",
        "--x",
        s(&x),
        "--y",
        s(&y),
        "--json",
        "--bootstrap",
        "20",
        "--threads",
        "1",
    ]);
    let two = ok(&[
        "estimate",
        "--method",
        "ksg",
        "--x",
        s(&x),
        "--y",
        s(&y),
        "--json",
        "--bootstrap",
        "20",
        "--threads",
        "2",
    ]);
    assert_eq!(one, two);
    let (m1, m2) = (dir.path().join("m1.npy"), dir.path().join("m2.npy"));
    ok(&[
        "pairwise",
        "--a",
        s(&x),
        "--b",
        s(&y),
        "--out",
        s(&m1),
        "--threads",
        "1",
    ]);
    ok(&[
        "pairwise",
        "--a",
        s(&x),
        "--b",
        s(&y),
        "--out",
        s(&m2),
        "--threads",
        "2",
    ]);
    assert_eq!(std::fs::read(&m1).unwrap(), std::fs::read(&m2).unwrap());
    fails_with(
        &[
            "estimate",
            "--method",
            "ksg",
            "--x",
            s(&x),
            "--threads",
            "0",
        ],
        &["--threads"],
    );
}
