//! Training the leaky RNN: reaching the performance criterion on fdgo, log and checkpoint
//! content, and interrupt-and-resume giving the uninterrupted run's weights.
#![allow(clippy::unwrap_used)]

use std::ops::ControlFlow;

use infoscope_nets::models::leaky::{LeakyRnn, PARAM_NAMES};
use infoscope_nets::tasks::{Mode, Rule, TaskSpec, fraction_correct, generate, performance};
use infoscope_nets::train::{LogEntry, TrainConfig, checkpoint_path, load_weights, train};

/// A small configuration that trains in seconds: 64 units, batch 32.
fn small(max_steps: usize) -> TrainConfig {
    let mut c = TrainConfig::new(TaskSpec::new(Rule::FdGo));
    c.model.n_rnn = 64;
    c.batch_size = 32;
    c.max_steps = max_steps;
    c.log_every = 50;
    c.eval_trials = 128;
    c.n_checkpoints = 5;
    c.seed = 3;
    c
}

fn go_on(_: &LogEntry) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

#[test]
fn small_network_reaches_the_criterion_on_fdgo() {
    let config = small(3000);
    let dir = tempfile::tempdir().unwrap();
    let out = train(&config, Some(dir.path()), false, &mut go_on).unwrap();
    let last = out.log.last().unwrap();
    assert!(
        out.reached_target,
        "performance {} after {} steps",
        last.performance, out.steps
    );
    // On a fresh test-mode batch too.
    let test = generate(&config.task, &Mode::Test, 0, 99).unwrap();
    let (_, outputs) = out.model.run(test.inputs.view(), Some(7)).unwrap();
    let perf = fraction_correct(&performance(outputs.view(), &test).unwrap());
    assert!(perf >= 0.9, "test-mode performance {perf}");
    // The log: falling loss, gradient statistics for every tensor.
    assert!(last.train_loss < out.log[0].train_loss);
    for e in &out.log {
        let names: Vec<&str> = e.gradients.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, PARAM_NAMES);
        assert!(
            e.gradients
                .iter()
                .all(|g| g.mean_norm > 0.0 && g.std_norm > 0.0)
        );
    }
    // Files: config, log, final model, log-spaced checkpoints that load.
    for f in [
        "config.json",
        "log.json",
        "last.safetensors",
        "model.safetensors",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let mut m = LeakyRnn::new(config.model.clone(), 0).unwrap();
    load_weights(&dir.path().join("model.safetensors"), &mut m).unwrap();
    assert_eq!(m.parameter_slices(), out.model.parameter_slices());
    for step in config
        .checkpoint_steps()
        .into_iter()
        .filter(|&s| s <= out.steps)
    {
        assert!(
            checkpoint_path(dir.path(), step).exists(),
            "checkpoint {step}"
        );
    }
}

/// Stop after the second log entry, resume: the same weights and log as one run.
#[test]
fn interrupt_and_resume_equals_an_uninterrupted_run() {
    let mut config = small(100);
    config.log_every = 25;
    config.target_performance = 1.0;
    let whole = train(&config, None, false, &mut go_on).unwrap();
    assert_eq!(
        whole.steps, 100,
        "the run must not end at the target before the budget"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut logs = 0;
    let first = train(&config, Some(dir.path()), true, &mut |_| {
        logs += 1;
        if logs == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert!(first.interrupted && first.steps == 50);
    assert!(!dir.path().join("model.safetensors").exists());
    let resumed = train(&config, Some(dir.path()), true, &mut go_on).unwrap();
    assert_eq!(resumed.steps, 100);
    assert_eq!(
        resumed.model.parameter_slices(),
        whole.model.parameter_slices()
    );
    let strip = |log: &[LogEntry]| -> Vec<(usize, f64, f64)> {
        log.iter()
            .map(|e| (e.step, e.train_loss, e.performance))
            .collect()
    };
    assert_eq!(strip(&resumed.log), strip(&whole.log));
    // A different configuration does not resume silently.
    let mut other = config.clone();
    other.seed = 4;
    assert!(train(&other, Some(dir.path()), true, &mut go_on).is_err());
}
