//! The bad-input corpus of issue #16: well over a hundred broken files and option values run
//! through `estimate`, `pairwise`, `analyze`, `run`, `record` and `train`. Each must end
//! within its deadline with a non-zero status and one `error:` line naming the argument, flag
//! or file at fault, without a panic or a signal, and without changing or deleting any file
//! it was not asked to write.
//!
//! `INFOSCOPE_BIN=/path/to/infoscope cargo test -p infoscope-cli --test bad_inputs --
//! --nocapture` runs the same corpus against another binary and prints its tally.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use infoscope_io::{write_npy, write_npz};
use ndarray::{Array1, Array2, Array3};

/// Seconds one case may run.
const DEADLINE: u64 = 20;

fn bin() -> PathBuf {
    std::env::var_os("INFOSCOPE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_infoscope")),
        PathBuf::from,
    )
}

/// An .npy file with this header dictionary and payload, byte for byte.
fn raw_npy(path: &Path, dict: &str, payload: &[u8]) {
    let mut header = dict.to_owned();
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&u16::try_from(header.len()).unwrap().to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(payload);
    std::fs::write(path, bytes).unwrap();
}

/// The corpus's files, in `dir`; returns the bad array files as (name, path).
fn make_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let n = 200;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| ((i * (j + 2)) as f64 * 0.731).sin());
    let y = Array1::from_shape_fn(n, |i| x[[i, 0]] + ((i as f64) * 1.913).cos());
    write_npy(&dir.join("x.npy"), &x).unwrap();
    write_npy(&dir.join("y.npy"), &y).unwrap();
    write_npy(
        &dir.join("labels.npy"),
        &Array1::from_shape_fn(n, |i| (i % 4) as i64),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("a_dir.npy")).unwrap();
    std::fs::create_dir_all(dir.join("model")).unwrap();
    let b = |name: &str| dir.join(name);
    let mut files = Vec::new();
    let mut add = |name: &str| files.push((name.to_owned(), b(name)));

    let good = std::fs::read(b("x.npy")).unwrap();
    std::fs::write(b("truncated.npy"), &good[..good.len() / 2]).unwrap();
    add("truncated.npy");
    std::fs::write(b("header_only.npy"), &good[..20]).unwrap();
    add("header_only.npy");
    std::fs::write(b("garbage.npy"), b"this is not an array at all").unwrap();
    add("garbage.npy");
    std::fs::write(b("empty_file.npy"), b"").unwrap();
    add("empty_file.npy");
    std::fs::write(b("garbage.npz"), b"PK\x03\x04 not really a zip").unwrap();
    add("garbage.npz");
    let mut zip = Vec::new();
    write_npz(&b("good.npz"), &[("x", x.view().into_dyn())]).unwrap();
    std::fs::File::open(b("good.npz"))
        .unwrap()
        .read_to_end(&mut zip)
        .unwrap();
    std::fs::write(b("truncated.npz"), &zip[..zip.len() / 2]).unwrap();
    add("truncated.npz");
    add("good.npz:nokey");
    raw_npy(
        &b("complex.npy"),
        "{'descr': '<c16', 'fortran_order': False, 'shape': (4,), }",
        &[0; 64],
    );
    add("complex.npy");
    raw_npy(
        &b("strings.npy"),
        "{'descr': '<U3', 'fortran_order': False, 'shape': (4,), }",
        &[0; 48],
    );
    add("strings.npy");
    raw_npy(
        &b("object.npy"),
        "{'descr': '|O', 'fortran_order': False, 'shape': (4,), }",
        &[0; 32],
    );
    add("object.npy");
    raw_npy(
        &b("bad_header.npy"),
        "{'descr': '<f8', 'fortran_order': maybe, 'shape': (4,), }",
        &[0; 32],
    );
    add("bad_header.npy");
    raw_npy(
        &b("huge_shape.npy"),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 2), }",
        &[0; 64],
    );
    add("huge_shape.npy");
    raw_npy(
        &b("overflow_shape.npy"),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }",
        &[0; 64],
    );
    add("overflow_shape.npy");
    raw_npy(
        &b("short_payload.npy"),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (200, 2), }",
        &[0; 80],
    );
    add("short_payload.npy");
    let mut nan = x.clone();
    nan[[7, 1]] = f64::NAN;
    write_npy(&b("nan.npy"), &nan).unwrap();
    add("nan.npy");
    let mut inf = x.clone();
    inf[[3, 0]] = f64::INFINITY;
    write_npy(&b("inf.npy"), &inf).unwrap();
    add("inf.npy");
    write_npy(&b("empty_rows.npy"), &Array2::<f64>::zeros((0, 2))).unwrap();
    add("empty_rows.npy");
    write_npy(&b("empty_cols.npy"), &Array2::<f64>::zeros((200, 0))).unwrap();
    add("empty_cols.npy");
    raw_npy(
        &b("zero_d.npy"),
        "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
        &1.5f64.to_le_bytes(),
    );
    add("zero_d.npy");
    write_npy(&b("three_d.npy"), &Array3::<f64>::zeros((10, 5, 4))).unwrap();
    add("three_d.npy");
    write_npy(
        &b("short_rows.npy"),
        &Array2::from_shape_fn((150, 2), |(i, j)| (i + j) as f64),
    )
    .unwrap();
    add("short_rows.npy");
    write_npy(&b("one_row.npy"), &Array2::from_elem((1, 2), 1.0)).unwrap();
    add("one_row.npy");
    add("missing.npy");
    add("a_dir.npy");
    files
}

/// One case: the arguments and a text its error line must contain.
struct Case {
    args: Vec<String>,
    needle: String,
}

fn case(args: &[&str], needle: &str) -> Case {
    Case {
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        needle: needle.to_owned(),
    }
}

fn cases(dir: &Path, bad: &[(String, PathBuf)]) -> Vec<Case> {
    let p = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let (x, y, labels) = (p("x.npy"), p("y.npy"), p("labels.npy"));
    let out = |name: &str| dir.join("out").join(name).to_str().unwrap().to_owned();
    let mut all = Vec::new();
    for (name, path) in bad {
        let f = path.to_str().unwrap();
        let stem = name.split(':').next().unwrap();
        let named = |flag: &str| format!("{stem}|{flag}");
        all.push(case(
            &["estimate", "--method", "ksg", "--x", f, "--y", &y],
            &named("--x"),
        ));
        all.push(case(
            &["estimate", "--method", "binned", "--x", &x, "--labels", f],
            &named("--labels"),
        ));
        // Fewer rows are only wrong next to another argument.
        if stem == "short_rows.npy" {
            continue;
        }
        all.push(case(
            &["estimate", "--method", "gaussian", "--x", f],
            &named("--x"),
        ));
        all.push(case(
            &["pairwise", "--a", f, "--out", &out("m.npy")],
            &named("--a"),
        ));
    }
    let ksg = |extra: &[&str], needle: &str| {
        let mut a = vec!["estimate", "--method", "ksg", "--x", &x, "--y", &y];
        a.extend_from_slice(extra);
        case(&a, needle)
    };
    for v in [
        "-1",
        "0",
        "nan",
        "1e30",
        "abc",
        "99999999999999999999",
        "2.5",
        "",
    ] {
        all.push(ksg(&["--k", v], "k"));
    }
    for (flag, v) in [
        ("--theiler", "-1"),
        ("--theiler", "1e30"),
        ("--algorithm", "3"),
        ("--algorithm", "-1"),
        ("--noise", "-1"),
        ("--noise", "nan"),
        ("--noise", "1e308"),
        ("--noise", "inf"),
        ("--search", "quantum"),
        ("--ties", "maybe"),
        ("--permutations", "1000000000"),
        ("--permutations", "-1"),
        ("--permutations", "many"),
        ("--bootstrap", "1000000000"),
        ("--bootstrap", "-5"),
        ("--ci-level", "2"),
        ("--ci-level", "nan"),
        ("--surrogate", "shuffle"),
        ("--surrogate", "circular:-1"),
        ("--unit", "furlongs"),
        ("--threads", "0"),
        ("--threads", "-2"),
        ("--seed", "-1"),
        ("--policy", "unit-minmax:10"),
        ("--ridge", "1"),
        ("--noise-var", "1"),
        ("--x-kind", "labels"),
    ] {
        all.push(ksg(&[flag, v], flag.trim_start_matches('-')));
    }
    for v in ["block:0", "circular:100000", "block:100000"] {
        all.push(ksg(&["--surrogate", v, "--permutations", "9"], "surrogate"));
    }
    for extra in [
        &["--param", "nosuch=1"][..],
        &["--param", "k"],
        &["--param", "k=-3"],
        &["--spec", "{"],
        &["--spec", r#"{"method": "nosuch"}"#],
        &["--spec", r#"{"method": "ksg", "k": -1}"#],
        &["--entropy"],
        &["--per-unit"],
    ] {
        let needle = match extra[0] {
            "--param" | "--spec" => extra[0].trim_start_matches('-'),
            "--entropy" => "entropy",
            _ => "per-unit",
        };
        all.push(ksg(extra, needle));
    }
    let binned = |extra: &[&str], needle: &str| {
        let mut a = vec![
            "estimate", "--method", "binned", "--x", &x, "--labels", &labels,
        ];
        a.extend_from_slice(extra);
        case(&a, needle)
    };
    for v in [
        "unit-minmax:0",
        "unit-minmax:-3",
        "unit-minmax:1000000000000",
        "quantile:0",
        "width:0",
        "width:-1",
        "width:nan",
        "fixed-edges:1:0:10",
        "intervals:0:1:0",
        "nonsense",
        "0",
    ] {
        all.push(binned(&["--policy", v], "policy"));
    }
    for (flag, v) in [
        ("--correction", "magic"),
        ("--y-kind", "colour"),
        ("--x-kind", "colour"),
        ("--fdr", "0"),
        ("--fdr", "1.5"),
    ] {
        let mut extra = vec![flag, v];
        if flag == "--fdr" {
            extra.extend(["--per-unit", "--permutations", "9"]);
        }
        all.push(binned(&extra, flag.trim_start_matches('-')));
    }
    let kt = |extra: &[&str], needle: &str| {
        let mut a = vec!["estimate", "--method", "kt", "--x", &x, "--labels", &labels];
        a.extend_from_slice(extra);
        case(&a, needle)
    };
    all.push(kt(&[], "noise-var"));
    for v in ["-1", "0", "nan", "inf"] {
        all.push(kt(&["--noise-var", v], "noise"));
    }
    all.push(kt(&["--noise-var", "0.1", "--tile", "0"], "tile"));
    all.push(kt(&["--noise-var", "0.1", "--tile", "-4"], "tile"));
    all.push(case(
        &["estimate", "--method", "nosuch", "--x", &x],
        "method",
    ));
    all.push(case(&["estimate", "--x", &x], "method"));
    all.push(case(
        &["estimate", "--method", "ksg", "--x", &x, "--z", &y],
        "--z",
    ));
    // Outputs: onto an input, onto each other, into a file, into a directory, nowhere.
    all.push(ksg(&["--out", &x], "--out"));
    all.push(ksg(&["--out", &y], "--out"));
    all.push(ksg(&["--out", &p("a_dir.npy")], "a_dir.npy"));
    all.push(ksg(&["--out", &format!("{x}/sub/out.json")], "--out"));
    all.push(ksg(
        &["--out", "/proc/infoscope-nonexistent/out.json"],
        "--out",
    ));
    all.push(binned(&["--per-unit", "--csv", &labels], "--csv"));
    all.push(binned(
        &["--per-unit", "--csv", &out("t.csv"), "--out", &out("t.csv")],
        "--csv",
    ));
    let pw = |extra: &[&str], needle: &str| {
        let mut a = vec!["pairwise", "--a", &x];
        a.extend_from_slice(extra);
        case(&a, needle)
    };
    all.push(pw(&["--out", &x], "--out"));
    all.push(pw(&["--b", &y, "--out", &y], "--out"));
    all.push(pw(&["--out", &out("m.npy"), "--csv", &x], "--csv"));
    all.push(pw(
        &["--out", &out("m.npy"), "--json", &out("m.npy")],
        "--json",
    ));
    all.push(pw(&["--out", &p("a_dir.npy")], "a_dir.npy"));
    all.push(pw(
        &["--b", &p("short_rows.npy"), "--out", &out("m.npy")],
        "--b",
    ));
    all.push(pw(
        &["--out", &out("m.npy"), "--method", "plugin"],
        "method",
    ));
    all.push(pw(&["--out", &out("m.npy"), "--k", "0"], "k"));
    all.push(pw(&["--out", &out("m.npy"), "--threads", "0"], "threads"));
    all.push(pw(&["--out", &out("m.npy"), "--top", "-1"], "top"));
    // analyze
    let rec = p("rec.npz");
    let an = |extra: &[&str], needle: &str| {
        let mut a = vec!["analyze"];
        a.extend_from_slice(extra);
        case(&a, needle)
    };
    all.push(an(&[&p("missing.npz"), "--out", &out("a")], "missing.npz"));
    all.push(an(&[&p("garbage.npz"), "--out", &out("a")], "garbage.npz"));
    all.push(an(
        &[&p("truncated.npz"), "--out", &out("a")],
        "truncated.npz",
    ));
    all.push(an(&[&p("good.npz"), "--out", &out("a")], "good.npz"));
    all.push(an(&[&p("a_dir.npy"), "--out", &out("a")], "a_dir.npy"));
    all.push(an(&[&rec, "--out", &rec], "--out"));
    all.push(an(&[&rec, "--out", &x], "--out"));
    all.push(an(
        &[&rec, "--out", &out("a"), "--permutations", "1000000000"],
        "permutations",
    ));
    all.push(an(
        &[&rec, "--out", &out("a"), "--permutations", "-1"],
        "permutations",
    ));
    all.push(an(
        &[&rec, "--out", &out("a"), "--config", &p("missing.toml")],
        "missing.toml",
    ));
    all.push(an(
        &[&rec, "--out", &out("a"), "--config", &p("bad.toml")],
        "bad.toml",
    ));
    all.push(an(
        &[&rec, "--out", &out("a"), "--config", &p("unknown_key.toml")],
        "nbins",
    ));
    all.push(an(
        &[&rec, "--out", &out("a"), "--config", &p("huge_perm.toml")],
        "permutations",
    ));
    all.push(an(&[&rec, "--out", &out("a"), "--threads", "0"], "threads"));
    all.push(an(
        &[&rec, "--out", &out("a"), "--unit", "furlongs"],
        "unit",
    ));
    // run: refusals before any training
    let small = p("small.toml");
    let run = |extra: &[&str], needle: &str| {
        let mut a = vec!["run"];
        a.extend_from_slice(extra);
        case(&a, needle)
    };
    all.push(run(&[&p("missing.toml")], "missing.toml"));
    all.push(run(&[&p("bad.toml"), "--out", &out("r")], "bad.toml"));
    all.push(run(
        &[&p("zero_steps.toml"), "--out", &out("r")],
        "max_steps",
    ));
    all.push(run(&[&p("a_dir.npy"), "--out", &out("r")], "a_dir.npy"));
    all.push(run(&[&small, "--out", &x], "--out"));
    all.push(run(&[&small, "--out", &p("others")], "--out"));
    all.push(run(&[&small, "--out", &p("others"), "--force"], "mine.npz"));
    all.push(run(
        &[&small, "--out", &out("r"), "--threads", "0"],
        "threads",
    ));
    all.push(run(
        &[&p("huge_perm.toml"), "--out", &out("r")],
        "permutations",
    ));
    // record and train
    all.push(case(
        &[
            "record",
            "--model",
            &p("missing_model"),
            "--out",
            &out("r.npz"),
        ],
        "missing_model",
    ));
    all.push(case(
        &["record", "--model", &p("model"), "--out", &out("r.npz")],
        "model",
    ));
    all.push(case(
        &["record", "--model", &x, "--out", &out("r.npz")],
        "model",
    ));
    all.push(case(
        &["record", "--model", &p("model"), "--out", &out("r.txt")],
        "--out",
    ));
    all.push(case(
        &[
            "record",
            "--model",
            &p("model"),
            "--trials",
            "-1",
            "--out",
            &out("r.npz"),
        ],
        "trials",
    ));
    all.push(case(
        &["train", "--task", "nosuch", "--out", &out("t")],
        "task",
    ));
    all.push(case(
        &["train", "--activation", "nosuch", "--out", &out("t")],
        "activation",
    ));
    all
}

/// The other files a case needs (TOML files, a recording, a directory of a user's files).
fn make_support(dir: &Path) {
    let w = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    w("bad.toml", "this is = = not toml [");
    w("unknown_key.toml", "[analysis]\nnbins = 3\n");
    w(
        "huge_perm.toml",
        "name = \"huge\"\n[analysis]\npermutations = 1000000000\n",
    );
    w(
        "zero_steps.toml",
        "name = \"x\"\n[training]\nmax_steps = 0\n",
    );
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    std::fs::copy(data.join("small.toml"), dir.join("small.toml")).unwrap();
    std::fs::copy(data.join("external_recording.npz"), dir.join("rec.npz")).unwrap();
    std::fs::create_dir_all(dir.join("others/recordings")).unwrap();
    w("others/notes.txt", "a user's notes");
    w("others/recordings/mine.npz", "a user's file");
    std::fs::create_dir_all(dir.join("out")).unwrap();
}

/// Every file under `dir` but `dir/out`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path == dir.join("out") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                files.insert(path, bytes);
            }
        }
    }
    files
}

/// How one case went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Failure {
    /// A panic (status 101 or "panicked"), or a signal.
    Crash,
    /// Still running at the deadline.
    Hang,
    /// Accepted: status 0 for a bad input.
    Accepted,
    /// Not exactly one `error:` line naming the argument, flag or file.
    Unclear,
    /// A file it was not asked to write was changed or deleted.
    DataLost,
}

/// Runs one case; the failures found.
fn check(dir: &Path, c: &Case, before: &BTreeMap<PathBuf, Vec<u8>>) -> (Vec<Failure>, String) {
    let started = Instant::now();
    let mut child = Command::new(bin())
        .args(&c.args)
        .current_dir(dir.join("out"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut hung = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(DEADLINE) {
            hung = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = reader.join().unwrap();
    let mut failures = Vec::new();
    if hung {
        failures.push(Failure::Hang);
    } else if status.code().is_none_or(|c| c == 101) || stderr.contains("panicked") {
        failures.push(Failure::Crash);
    } else if status.success() {
        failures.push(Failure::Accepted);
    } else {
        let line = stderr.trim_end();
        let one = line.lines().count() == 1 && line.starts_with("error: ") && line.len() > 8;
        let named = c.needle.split('|').any(|n| line.contains(n));
        if !one || !named {
            failures.push(Failure::Unclear);
        }
    }
    let after = snapshot(dir);
    let mut lost = false;
    for (path, bytes) in before {
        if after.get(path) != Some(bytes) {
            lost = true;
            // Restore it for the next cases.
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::remove_dir_all(path);
            std::fs::write(path, bytes).unwrap();
        }
    }
    if lost {
        failures.push(Failure::DataLost);
    }
    (failures, stderr.lines().next().unwrap_or("").to_owned())
}

#[test]
fn the_bad_input_corpus_fails_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bad = make_files(dir);
    make_support(dir);
    let corpus = cases(dir, &bad);
    let before = snapshot(dir);
    let mut tally: BTreeMap<Failure, usize> = BTreeMap::new();
    let mut report = Vec::new();
    for c in &corpus {
        let (failures, first) = check(dir, c, &before);
        for f in &failures {
            *tally.entry(*f).or_default() += 1;
        }
        if !failures.is_empty() {
            report.push(format!(
                "{failures:?} [{}] (wanted {:?}): {first}",
                c.args.join(" "),
                c.needle
            ));
        }
    }
    let failing = report.len();
    for r in &report {
        println!("{r}");
    }
    println!(
        "bad-input corpus ({}): {} inputs tried, {failing} failed; crashes {}, hangs {}, \
         accepted {}, unclear messages {}, data lost {}",
        bin().display(),
        corpus.len(),
        tally.get(&Failure::Crash).unwrap_or(&0),
        tally.get(&Failure::Hang).unwrap_or(&0),
        tally.get(&Failure::Accepted).unwrap_or(&0),
        tally.get(&Failure::Unclear).unwrap_or(&0),
        tally.get(&Failure::DataLost).unwrap_or(&0),
    );
    assert!(corpus.len() >= 100, "the corpus has {} cases", corpus.len());
    assert_eq!(failing, 0, "failing cases:\n{}", report.join("\n"));
}
