//! The Go family (`fdgo`, `reactgo`, `delaygo`): trial timing per rule and mode, and the
//! assembly of inputs, targets, masks and epochs (SPEC.md §2.3–2.4; timings from the original
//! `task.py` of gyyang/multitask).

use std::str::FromStr;

use ndarray::{Array1, Array2, Array3, s};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::encoding::{N_EACHRING, N_INPUT, N_OUTPUT, RULE_START, bump};
use super::{TrialBatch, TrialEpochs};
use crate::error::{NetsError, Result, ensure_param};

/// A task of the Go family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// "Go" (`fdgo`): the stimulus is shown during fixation; respond to it when fixation ends.
    FdGo,
    /// "RT Go" (`reactgo`): fixation stays on; the stimulus onset is the go signal.
    ReactGo,
    /// "Dly Go" (`delaygo`): a brief stimulus, a delay, then respond to the remembered angle.
    DelayGo,
}

impl Rule {
    /// The rule's name in the original code.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Rule::FdGo => "fdgo",
            Rule::ReactGo => "reactgo",
            Rule::DelayGo => "delaygo",
        }
    }

    /// The rule's index in the original `ruleset = 'all'` list (its rule input unit is
    /// `RULE_START + index`).
    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Rule::FdGo => 0,
            Rule::ReactGo => 1,
            Rule::DelayGo => 2,
        }
    }
}

impl FromStr for Rule {
    type Err = NetsError;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "fdgo" => Ok(Rule::FdGo),
            "reactgo" => Ok(Rule::ReactGo),
            "delaygo" => Ok(Rule::DelayGo),
            other => Err(NetsError::InvalidParameter {
                name: "task",
                reason: format!("unknown task {other:?}; expected fdgo, reactgo or delaygo"),
            }),
        }
    }
}

/// The stimulus and timing of a psychometric batch: given angles, modality 1, fixed timing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Psychometric {
    /// One trial per angle (radians).
    pub angles: Vec<f64>,
    /// Stimulus onset, ms (original: 300 for fdgo, 1000 for reactgo; a parameter for delaygo).
    pub stim_on_ms: f64,
    /// Stimulus duration before the go cue (fdgo) or before the delay (delaygo), ms; unused
    /// by reactgo.
    pub stim_time_ms: f64,
    /// Delay between stimulus offset and the go cue, ms (delaygo only).
    pub delay_ms: f64,
}

impl Psychometric {
    /// The original timing of `rule` for `angles` with the given stimulus time: fdgo and
    /// delaygo onset 300 ms, reactgo 1000 ms; delay 0.
    #[must_use]
    pub fn new(rule: Rule, angles: Vec<f64>, stim_time_ms: f64) -> Self {
        let stim_on_ms = if rule == Rule::ReactGo { 1000.0 } else { 300.0 };
        Self {
            angles,
            stim_on_ms,
            stim_time_ms,
            delay_ms: 0.0,
        }
    }
}

/// How a batch is generated (the `mode` of the original code).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Mode {
    /// Random angles U[0, 2π), random timing and modality (training).
    Random,
    /// The fixed test grid: 20 angles 2πi/20 × 2 modalities = 40 trials (trial `i` has angle
    /// index `i / 2` and modality `i % 2 + 1`), fixed timing.
    Test,
    /// Given angles with a fixed timing.
    Psychometric(Psychometric),
}

/// How random-mode timing and modality are drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingSampling {
    /// One timing and one modality for the whole batch, as the original code (every trial
    /// then has the same length).
    #[default]
    PerBatch,
    /// Each trial draws its own timing and modality; the batch lasts as long as its longest
    /// trial, and a shorter trial's response period runs to the end of the batch.
    PerTrial,
}

/// A task and its constants (SPEC.md §2.1 defaults).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    /// The rule.
    pub rule: Rule,
    /// Time step, ms (20).
    pub dt: f64,
    /// dt/τ (0.2); sets the input-noise scale.
    pub alpha: f64,
    /// Input noise σ_x (0.01); each input gets N(0, (σ_x √(2/α))²).
    pub sigma_x: f64,
    /// Random-mode timing: per batch (original) or per trial.
    pub timing: TimingSampling,
}

impl TaskSpec {
    /// The defaults of SPEC.md §2.1 for `rule`.
    #[must_use]
    pub fn new(rule: Rule) -> Self {
        Self {
            rule,
            dt: 20.0,
            alpha: 0.2,
            sigma_x: 0.01,
            timing: TimingSampling::PerBatch,
        }
    }

    /// Input channels (85: fixation, 2 × 32 ring units, 20 rule units).
    #[must_use]
    pub fn n_input(&self) -> usize {
        N_INPUT
    }

    /// Output channels (33: fixation, 32 ring units).
    #[must_use]
    pub fn n_output(&self) -> usize {
        N_OUTPUT
    }

    /// Standard deviation of the input noise, σ_x √(2/α) (0.031623 by default).
    #[must_use]
    pub fn input_noise_std(&self) -> f64 {
        self.sigma_x * (2.0 / self.alpha).sqrt()
    }

    fn check(&self) -> Result<()> {
        ensure_param!(
            self.dt.is_finite() && self.dt > 0.0,
            "dt",
            "dt must be a positive number of ms, got {}",
            self.dt
        );
        ensure_param!(
            self.alpha > 0.0 && self.alpha <= 1.0,
            "alpha",
            "alpha = dt/τ must lie in (0, 1], got {}",
            self.alpha
        );
        ensure_param!(
            self.sigma_x.is_finite() && self.sigma_x >= 0.0,
            "sigma_x",
            "sigma_x must be finite and ≥ 0, got {}",
            self.sigma_x
        );
        Ok(())
    }

    /// Whole steps in `ms` (truncated, as `int(ms/dt)` in the original).
    fn steps(&self, ms: f64) -> usize {
        (ms / self.dt).trunc().max(0.0) as usize
    }
}

/// The timing of one trial, in steps.
#[derive(Clone, Copy, Debug)]
struct Timing {
    /// Stimulus onset.
    stim_on: usize,
    /// Stimulus offset (`None`: on to the end of the trial).
    stim_off: Option<usize>,
    /// Go cue: the fixation target ends and the response target starts.
    go: usize,
    /// Fixation input offset (`None`: on for the whole trial, reactgo).
    fix_in_off: Option<usize>,
    /// Trial length.
    tdim: usize,
}

impl Timing {
    fn random(spec: &TaskSpec, rng: &mut Xoshiro256PlusPlus) -> Self {
        let st = |ms: f64| spec.steps(ms);
        let pick = |rng: &mut Xoshiro256PlusPlus, options: &[f64]| {
            st(options.choose(rng).copied().unwrap_or(options[0]))
        };
        match spec.rule {
            Rule::FdGo => {
                let stim_on = st(rng.random_range(300.0..700.0));
                let go = stim_on + st(rng.random_range(500.0..1500.0));
                Timing {
                    stim_on,
                    stim_off: None,
                    go,
                    fix_in_off: Some(go),
                    tdim: go + st(500.0),
                }
            }
            Rule::ReactGo => {
                let stim_on = st(rng.random_range(500.0..2500.0));
                Timing {
                    stim_on,
                    stim_off: None,
                    go: stim_on,
                    fix_in_off: None,
                    tdim: stim_on + st(500.0),
                }
            }
            Rule::DelayGo => {
                let stim_on = pick(rng, &[300.0, 500.0, 700.0]);
                let stim_off = stim_on + pick(rng, &[200.0, 400.0, 600.0]);
                let go = stim_off + pick(rng, &[200.0, 400.0, 800.0, 1600.0]);
                Timing {
                    stim_on,
                    stim_off: Some(stim_off),
                    go,
                    fix_in_off: Some(go),
                    tdim: go + st(500.0),
                }
            }
        }
    }

    fn test(spec: &TaskSpec) -> Self {
        let st = |ms: f64| spec.steps(ms);
        match spec.rule {
            Rule::FdGo => Timing {
                stim_on: st(500.0),
                stim_off: None,
                go: st(1500.0),
                fix_in_off: Some(st(1500.0)),
                tdim: st(2000.0),
            },
            Rule::ReactGo => Timing {
                stim_on: st(2000.0),
                stim_off: None,
                go: st(2000.0),
                fix_in_off: None,
                tdim: st(2500.0),
            },
            Rule::DelayGo => Timing {
                stim_on: st(500.0),
                stim_off: Some(st(1000.0)),
                go: st(2000.0),
                fix_in_off: Some(st(2000.0)),
                tdim: st(2500.0),
            },
        }
    }

    fn psychometric(spec: &TaskSpec, p: &Psychometric) -> Self {
        let st = |ms: f64| spec.steps(ms);
        let stim_on = st(p.stim_on_ms);
        match spec.rule {
            Rule::FdGo => {
                let go = stim_on + st(p.stim_time_ms);
                Timing {
                    stim_on,
                    stim_off: None,
                    go,
                    fix_in_off: Some(go),
                    tdim: go + st(400.0),
                }
            }
            Rule::ReactGo => Timing {
                stim_on,
                stim_off: None,
                go: stim_on,
                fix_in_off: None,
                tdim: stim_on + st(400.0),
            },
            Rule::DelayGo => {
                let stim_off = stim_on + st(p.stim_time_ms);
                let go = stim_off + st(p.delay_ms);
                Timing {
                    stim_on,
                    stim_off: Some(stim_off),
                    go,
                    fix_in_off: Some(go),
                    tdim: go + st(400.0),
                }
            }
        }
    }

    fn epochs(&self, tdim: usize) -> TrialEpochs {
        let (stim1, delay1) = match self.stim_off {
            Some(off) => (Some(self.stim_on..off), Some(off..self.go)),
            None if self.go > self.stim_on => (Some(self.stim_on..self.go), None),
            None => (None, None),
        };
        TrialEpochs {
            fix1: 0..self.stim_on,
            stim1,
            delay1: delay1.filter(|d| !d.is_empty()),
            go1: self.go..tdim,
        }
    }
}

/// Generate a batch of `rule` trials. `batch_size` is used by [`Mode::Random`] only (test mode
/// has 40 trials, psychometric one per angle). Everything random (angles, timing, modality,
/// input noise) comes from `seed`; the numbers are not those of numpy's generator, only
/// their distributions.
///
/// # Errors
/// [`NetsError::InvalidParameter`] for an invalid [`TaskSpec`], `batch_size` 0 in random mode,
/// an empty or non-finite psychometric angle list, or timing that leaves no response period.
pub fn generate(spec: &TaskSpec, mode: &Mode, batch_size: usize, seed: u64) -> Result<TrialBatch> {
    spec.check()?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (angles, modality, timings): (Vec<f64>, Vec<usize>, Vec<Timing>) = match mode {
        Mode::Random => {
            ensure_param!(
                batch_size >= 1,
                "batch_size",
                "batch_size must be at least 1"
            );
            let angles: Vec<f64> = (0..batch_size)
                .map(|_| rng.random_range(0.0..std::f64::consts::TAU))
                .collect();
            match spec.timing {
                TimingSampling::PerBatch => {
                    let m = rng.random_range(1..=2);
                    let t = Timing::random(spec, &mut rng);
                    (angles, vec![m; batch_size], vec![t; batch_size])
                }
                TimingSampling::PerTrial => {
                    let (mut ms, mut ts) = (Vec::new(), Vec::new());
                    for _ in 0..batch_size {
                        ms.push(rng.random_range(1..=2));
                        ts.push(Timing::random(spec, &mut rng));
                    }
                    (angles, ms, ts)
                }
            }
        }
        Mode::Test => {
            let angles = (0..40)
                .map(|i| std::f64::consts::TAU * (i / 2) as f64 / 20.0)
                .collect();
            let modality = (0..40).map(|i| i % 2 + 1).collect();
            (angles, modality, vec![Timing::test(spec); 40])
        }
        Mode::Psychometric(p) => {
            ensure_param!(
                !p.angles.is_empty() && p.angles.iter().all(|a| a.is_finite()),
                "angles",
                "psychometric mode needs at least one finite angle"
            );
            for (name, v) in [
                ("stim_on_ms", p.stim_on_ms),
                ("stim_time_ms", p.stim_time_ms),
                ("delay_ms", p.delay_ms),
            ] {
                ensure_param!(
                    v.is_finite() && v >= 0.0,
                    name,
                    "{name} must be ≥ 0 ms, got {v}"
                );
            }
            let angles: Vec<f64> = p
                .angles
                .iter()
                .map(|a| a.rem_euclid(std::f64::consts::TAU))
                .collect();
            let n = angles.len();
            (angles, vec![1; n], vec![Timing::psychometric(spec, p); n])
        }
    };
    let tdim = timings.iter().map(|t| t.tdim).max().unwrap_or(0);
    ensure_param!(
        timings.iter().all(|t| t.go < tdim),
        "timing",
        "the timing leaves no response period (go cue at or after the end of the trial)"
    );
    Ok(assemble(spec, angles, modality, &timings, tdim, &mut rng))
}

/// Fill the arrays of a batch from its angles, modalities and timings, then add input noise.
fn assemble(
    spec: &TaskSpec,
    angles: Vec<f64>,
    modality: Vec<usize>,
    timings: &[Timing],
    tdim: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> TrialBatch {
    let b = angles.len();
    let mut inputs = Array3::<f32>::zeros((tdim, b, N_INPUT));
    let mut targets = Array3::<f32>::from_elem((tdim, b, N_OUTPUT), 0.05);
    let mut mask = Array3::<f32>::zeros((tdim, b, N_OUTPUT));
    let mut y_loc = Array2::<f64>::from_elem((tdim, b), -1.0);
    let pre_on = spec.steps(100.0);
    let mut epochs = Vec::with_capacity(b);
    for (i, t) in timings.iter().enumerate() {
        let stim = bump(angles[i]);
        let ring0 = 1 + (modality[i] - 1) * N_EACHRING;
        inputs
            .slice_mut(s![..t.fix_in_off.unwrap_or(tdim), i, 0])
            .fill(1.0);
        for step in t.stim_on..t.stim_off.unwrap_or(tdim) {
            for (k, &v) in stim.iter().enumerate() {
                inputs[[step, i, ring0 + k]] += v as f32;
            }
        }
        inputs
            .slice_mut(s![.., i, RULE_START + spec.rule.index()])
            .fill(1.0);
        targets.slice_mut(s![..t.go, i, 0]).fill(0.8);
        for step in t.go..tdim {
            for (k, &v) in stim.iter().enumerate() {
                targets[[step, i, 1 + k]] += v as f32;
            }
            y_loc[[step, i]] = angles[i];
        }
        // Cost mask: 0 for the first 100 ms, 1 until the go cue, 0 for 100 ms of grace, then 5;
        // the fixation column ×2.
        let check = (t.go + pre_on).min(tdim);
        mask.slice_mut(s![check.., i, ..]).fill(5.0);
        if pre_on < t.go {
            mask.slice_mut(s![pre_on..t.go, i, ..]).fill(1.0);
        }
        mask.slice_mut(s![.., i, 0]).mapv_inplace(|m| 2.0 * m);
        epochs.push(t.epochs(tdim));
    }
    let std = spec.input_noise_std();
    if std > 0.0 {
        for v in &mut inputs {
            *v += (std * rng.sample::<f64, _>(StandardNormal)) as f32;
        }
    }
    TrialBatch {
        dt: spec.dt,
        inputs,
        targets,
        mask,
        y_loc,
        angles: Array1::from(angles),
        modality,
        epochs,
    }
}
