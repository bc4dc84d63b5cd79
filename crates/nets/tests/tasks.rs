//! The Go task family against SPEC.md §2's checkable facts (derived from the original
//! gyyang/multitask `task.py`).
#![allow(clippy::unwrap_used, clippy::float_cmp)]

use std::f64::consts::{PI, TAU};

use infoscope_nets::NetsError;
use infoscope_nets::tasks::encoding::{N_INPUT, N_OUTPUT, RULE_START, bump, circular_distance};
use infoscope_nets::tasks::{
    Mode, Psychometric, Rule, TaskSpec, TimingSampling, decode_angle, fraction_correct, generate,
    performance,
};
use ndarray::{Array3, s};

fn noiseless(rule: Rule) -> TaskSpec {
    TaskSpec {
        sigma_x: 0.0,
        ..TaskSpec::new(rule)
    }
}

#[test]
fn sizes_and_noise_scale() {
    let spec = TaskSpec::new(Rule::FdGo);
    assert_eq!((spec.n_input(), spec.n_output()), (85, 33));
    assert_eq!((N_INPUT, N_OUTPUT, RULE_START), (85, 33, 65));
    assert!((spec.input_noise_std() - 0.031_623).abs() < 1e-6);
    // The empirical noise of a test batch: inputs minus the noiseless batch.
    let noisy = generate(&spec, &Mode::Test, 0, 3).unwrap();
    let clean = generate(&noiseless(Rule::FdGo), &Mode::Test, 0, 3).unwrap();
    let diff = &noisy.inputs - &clean.inputs;
    let n = diff.len() as f64;
    let mean = diff.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let sd = (diff
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    assert!(
        mean.abs() < 2e-4 && (sd - 0.031_623).abs() < 2e-4,
        "{mean} {sd}"
    );
}

#[test]
fn bump_values() {
    let b = bump(0.0);
    assert!((b[0] - 0.8).abs() < 1e-12);
    // 22.5° is two ring steps of 11.25°.
    assert!((b[2] - 0.485_225).abs() < 1e-6, "{}", b[2]);
    assert!((b[4] - 0.108_268).abs() < 1e-6, "{}", b[4]);
    assert!((b[30] - b[2]).abs() < 1e-12, "the ring wraps around");
    assert!((circular_distance(0.1, TAU - 0.1) - 0.2).abs() < 1e-12);
}

/// SPEC.md §2 "fdgo test mode, per step".
#[test]
fn fdgo_test_mode_timeline() {
    let b = generate(&noiseless(Rule::FdGo), &Mode::Test, 0, 0).unwrap();
    assert_eq!(b.inputs.shape(), &[100, 40, 85]);
    for trial in [0, 7, 39] {
        let angle = TAU * (trial / 2) as f64 / 20.0;
        assert_eq!(b.angles[trial], angle);
        assert_eq!(b.modality[trial], trial % 2 + 1);
        let ring0 = 1 + (trial % 2) * 32;
        let other0 = 1 + (1 - trial % 2) * 32;
        for t in 0..100 {
            let fix = if t < 75 { 1.0 } else { 0.0 };
            assert_eq!(b.inputs[[t, trial, 0]], fix, "fixation input t={t}");
            let stim: f32 = b.inputs.slice(s![t, trial, ring0..ring0 + 32]).sum();
            assert_eq!(stim > 0.0, (25..100).contains(&t), "stimulus t={t}");
            assert_eq!(b.inputs.slice(s![t, trial, other0..other0 + 32]).sum(), 0.0);
            assert_eq!(b.inputs[[t, trial, RULE_START]], 1.0, "rule unit");
            assert_eq!(b.inputs.slice(s![t, trial, RULE_START + 1..]).sum(), 0.0);
            let fix_target = if t < 75 { 0.8 } else { 0.05 };
            assert_eq!(b.targets[[t, trial, 0]], fix_target);
            let m = match t {
                0..=4 => 0.0,
                5..=74 => 1.0,
                75..=79 => 0.0,
                _ => 5.0,
            };
            assert_eq!(b.mask[[t, trial, 1]], m, "mask t={t}");
            assert_eq!(b.mask[[t, trial, 0]], 2.0 * m, "fixation mask t={t}");
            assert_eq!(b.y_loc[[t, trial]], if t < 75 { -1.0 } else { angle });
        }
        let stim: Vec<f32> = b.inputs.slice(s![50, trial, ring0..ring0 + 32]).to_vec();
        assert!(circular_distance(decode_angle(&stim), angle) < 1e-6);
        let ring: Vec<f32> = b.targets.slice(s![90, trial, 1..]).to_vec();
        assert!(ring.iter().all(|&v| (0.05..=0.850_001).contains(&v)));
        assert!(circular_distance(decode_angle(&ring), angle) < 1e-6);
    }
    let e = &b.epochs[0];
    assert_eq!(
        (e.fix1.clone(), e.stim1.clone(), e.go1.clone()),
        (0..25, Some(25..75), 75..100)
    );
    assert_eq!(e.delay1, None);
    // Trial 0 has angle 0, exactly on ring unit 0: input 0.8, target peak 0.05 + 0.8.
    assert!((b.targets[[99, 0, 1]] - 0.85).abs() < 1e-6);
    assert!((b.inputs[[30, 0, 1]] - 0.8).abs() < 1e-6);
}

#[test]
fn random_mode_lengths_and_sampling() {
    let spec = TaskSpec::new(Rule::FdGo);
    let mut lengths = Vec::new();
    for seed in 0..300 {
        let b = generate(&spec, &Mode::Random, 8, seed).unwrap();
        let t = b.n_time();
        assert!((65..=133).contains(&t), "length {t}");
        lengths.push(t);
        assert!(
            b.modality.iter().all(|&m| m == b.modality[0]),
            "one modality per batch"
        );
        assert!(b.angles.iter().all(|&a| (0.0..TAU).contains(&a)));
        let e = &b.epochs[0];
        assert!((15..=34).contains(&e.fix1.end), "stim_on {}", e.fix1.end);
        assert_eq!(e.go1.end - e.go1.start, 25);
        assert!(b.epochs.iter().all(|x| x == e), "one timing per batch");
    }
    let (lo, hi) = (lengths.iter().min().unwrap(), lengths.iter().max().unwrap());
    assert!(*lo <= 70 && *hi >= 128, "lengths span {lo}..{hi}");
    let same = |seed| generate(&spec, &Mode::Random, 8, seed).unwrap();
    assert_eq!(same(5), same(5));
    assert_ne!(same(5), same(6));
    // Per-trial sampling: timings differ within a batch, each trial's mask follows its go cue.
    let per_trial = TaskSpec {
        timing: TimingSampling::PerTrial,
        ..spec
    };
    let b = generate(&per_trial, &Mode::Random, 32, 1).unwrap();
    assert!(
        b.epochs
            .iter()
            .any(|e| e.go1.start != b.epochs[0].go1.start)
    );
    for (i, e) in b.epochs.iter().enumerate() {
        assert_eq!(e.go1.end, b.n_time());
        assert_eq!(b.mask[[e.go1.start + 5, i, 1]], 5.0);
        assert_eq!(b.mask[[e.go1.start - 1, i, 1]], 1.0);
    }
}

#[test]
fn reactgo_and_delaygo_structure() {
    let b = generate(&noiseless(Rule::ReactGo), &Mode::Test, 0, 0).unwrap();
    assert_eq!(b.n_time(), 125);
    assert!(
        (0..125).all(|t| b.inputs[[t, 0, 0]] == 1.0),
        "fixation input stays on"
    );
    assert_eq!(b.targets[[99, 0, 0]], 0.8);
    assert_eq!(b.targets[[100, 0, 0]], 0.05);
    assert_eq!(b.inputs[[99, 0, 1]], 0.0);
    assert!(
        b.inputs[[100, 0, 1]] > 0.0,
        "stimulus onset is the go signal"
    );
    assert_eq!(b.inputs[[0, 0, RULE_START + 1]], 1.0);
    let d = generate(&noiseless(Rule::DelayGo), &Mode::Test, 0, 0).unwrap();
    let e = &d.epochs[0];
    assert_eq!(
        (e.stim1.clone(), e.delay1.clone(), e.go1.clone()),
        (Some(25..50), Some(50..100), 100..125)
    );
    assert!(d.inputs[[49, 0, 1]] > 0.0 && d.inputs[[50, 0, 1]] == 0.0);
    assert_eq!(d.inputs[[99, 0, 0]], 1.0);
    assert_eq!(d.inputs[[100, 0, 0]], 0.0);
    assert_eq!(d.inputs[[0, 0, RULE_START + 2]], 1.0);
    for seed in 0..50 {
        let r = generate(&TaskSpec::new(Rule::DelayGo), &Mode::Random, 2, seed).unwrap();
        let e = &r.epochs[0];
        let stim = e.stim1.clone().unwrap();
        assert!([15, 25, 35].contains(&stim.start));
        assert!([10, 20, 30].contains(&stim.len()));
        assert!([10, 20, 40, 80].contains(&e.delay1.clone().unwrap().len()));
    }
    let p = Psychometric::new(Rule::FdGo, vec![0.0, PI], 800.0);
    let b = generate(&noiseless(Rule::FdGo), &Mode::Psychometric(p), 0, 0).unwrap();
    assert_eq!(b.n_trials(), 2);
    assert_eq!(b.epochs[0].fix1.end, 15);
    assert_eq!(b.epochs[0].go1, 55..75);
}

/// Perfect outputs (the targets) are correct; a response 40° off, or still fixating, is not.
#[test]
fn performance_criterion_at_the_last_step() {
    let b = generate(&TaskSpec::new(Rule::FdGo), &Mode::Test, 0, 0).unwrap();
    let perfect = performance(b.targets.view(), &b).unwrap();
    assert_eq!(fraction_correct(&perfect), 1.0);
    let shift = |deg: f64| {
        let mut out = b.targets.clone();
        let last = b.n_time() - 1;
        for i in 0..b.n_trials() {
            let ring = bump(b.angles[i] + deg.to_radians());
            for (k, v) in ring.iter().enumerate() {
                out[[last, i, 1 + k]] = 0.05 + *v as f32;
            }
        }
        out
    };
    assert_eq!(
        fraction_correct(&performance(shift(30.0).view(), &b).unwrap()),
        1.0
    );
    assert_eq!(
        fraction_correct(&performance(shift(40.0).view(), &b).unwrap()),
        0.0
    );
    let mut fixating = b.targets.clone();
    fixating.slice_mut(s![.., .., 0]).fill(0.9);
    assert_eq!(
        fraction_correct(&performance(fixating.view(), &b).unwrap()),
        0.0
    );
    let wrong = Array3::<f32>::zeros((b.n_time(), b.n_trials(), 5));
    assert!(matches!(
        performance(wrong.view(), &b),
        Err(NetsError::Shape {
            argument: "outputs",
            ..
        })
    ));
}

#[test]
fn bad_arguments_are_refused() {
    let name = |e: NetsError| match e {
        NetsError::InvalidParameter { name, .. } => name,
        other => panic!("{other}"),
    };
    let spec = TaskSpec::new(Rule::FdGo);
    assert_eq!(
        name(generate(&spec, &Mode::Random, 0, 0).unwrap_err()),
        "batch_size"
    );
    let bad_dt = TaskSpec { dt: 0.0, ..spec };
    assert_eq!(
        name(generate(&bad_dt, &Mode::Test, 0, 0).unwrap_err()),
        "dt"
    );
    let p = Psychometric::new(Rule::FdGo, vec![], 500.0);
    assert_eq!(
        name(generate(&spec, &Mode::Psychometric(p), 0, 0).unwrap_err()),
        "angles"
    );
    assert_eq!(name("go".parse::<Rule>().unwrap_err()), "task");
    assert_eq!("delaygo".parse::<Rule>().unwrap(), Rule::DelayGo);
}
