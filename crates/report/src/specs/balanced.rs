//! The figures of a balanced-network experiment (SPEC.md §8, issue #18; Engelken & Goedeke
//! 2022) from its [`BalancedResults`]: the information rate against the balance factor b with
//! its least-squares lines, the rate densities, the population time constants and the
//! cancellation index against b, the training curves, the Jacobian spectra before and after
//! training and the trained couplings in cluster order. A figure whose data are absent is not
//! drawn; [`plan`] says why instead. Rates are stored in nats per τ and shown in the report's
//! unit per τ.

use infoscope_analysis::balanced::sweep::{SweepPoint, SweepResults};
use infoscope_analysis::balanced::training::{TrainingLog, TrainingResults, TrainingRun};
use infoscope_analysis::balanced::{BalancedResults, LinearFit};
use infoscope_analysis::estimators::Unit;
use infoscope_analysis::estimators::spectral::Baseline;

use super::flux::{Planned, Skipped, fixed};
use crate::chart::{ErrorBars, LineChart, Scatter, Series};
use crate::format::{self, unit_name};
use crate::heatmap::{CellLabels, ColorScale, Heatmap};
use crate::legend::{self, Dash, Shape};
use crate::render::{FigureSpec, Kind, Panel};
use crate::style::{self, GREY};

/// The rate against the balance factor b, with the least-squares line per g.
pub(crate) const RATE_VS_BALANCE: &str = "rate_vs_balance";
/// The rate density r(f) per g at the smallest and largest shared b.
pub(crate) const RATE_DENSITY: &str = "rate_density";
/// The population time constants and the cancellation index against b.
pub(crate) const TIME_CONSTANT_VS_BALANCE: &str = "time_constant_vs_balance";
/// Test error, balance, cancellation and rate over training, per S.
pub(crate) const TRAINING_CURVES: &str = "training_curves";
/// The eigenvalues of J·diag(φ′) before and after training, per S.
pub(crate) const EIGENVALUES: &str = "eigenvalues";
/// The trained couplings in cluster order, per S.
pub(crate) const COUPLINGS_BY_CLUSTER: &str = "couplings_by_cluster";

/// Width of a multi-panel figure, px (as the flux report's).
const GRID_WIDTH: u32 = 1300;

/// The axis label of b.
const B_AXIS: &str = "balance factor b (dimensionless)";

/// Every figure of a balanced report in report order, drawn or skipped.
pub(crate) fn plan(results: &BalancedResults, unit: Unit) -> Vec<Planned> {
    vec![
        (RATE_VS_BALANCE, rate_vs_balance(results, unit)),
        (RATE_DENSITY, rate_density(results, unit)),
        (TIME_CONSTANT_VS_BALANCE, time_constant_vs_balance(results)),
        (TRAINING_CURVES, training_curves(results, unit)),
        (EIGENVALUES, eigenvalues(results)),
        (COUPLINGS_BY_CLUSTER, couplings_by_cluster(results)),
    ]
}

/// The figures of a balanced report that can be drawn, in report order.
pub(crate) fn build(results: &BalancedResults, unit: Unit) -> Vec<FigureSpec> {
    plan(results, unit)
        .into_iter()
        .filter_map(|(_, f)| f.ok())
        .collect()
}

/// The unit of a rate: `"bits/τ"` or `"nats/τ"`.
pub(crate) fn rate_unit(unit: Unit) -> String {
    format!("{}/τ", unit_name(unit))
}

/// The unit sentence of a caption with rates.
pub(crate) fn rate_words(unit: Unit) -> String {
    match unit {
        Unit::Bits => "Rates in bits per τ (nats / ln 2), τ the neuronal time constant.".to_owned(),
        Unit::Nats => "Rates in nats per τ, τ the neuronal time constant.".to_owned(),
    }
}

/// `values` as "2, 3, 4".
pub(crate) fn list(values: &[f64]) -> String {
    values
        .iter()
        .map(|x| format::trim(*x, 3))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One curve of the sweep (a coupling strength g and a noise strength σ) and its label.
pub(crate) struct Curve {
    /// Coupling strength g.
    pub g: f64,
    /// Noise strength σ.
    pub sigma: f64,
    /// "g = 2", or "g = 2, σ = 0.1" when the sweep has several σ.
    pub label: String,
}

/// The curves (g, σ) of the sweep's grid points, in the order of the points.
pub(crate) fn curves(sweep: &SweepResults) -> Vec<Curve> {
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for p in &sweep.points {
        if !pairs.contains(&(p.g, p.sigma)) {
            pairs.push((p.g, p.sigma));
        }
    }
    let several = distinct(pairs.iter().map(|c| c.1)).len() > 1;
    pairs
        .into_iter()
        .map(|(g, sigma)| Curve {
            g,
            sigma,
            label: if several {
                format!("g = {}, σ = {}", format::trim(g, 3), format::trim(sigma, 3))
            } else {
                format!("g = {}", format::trim(g, 3))
            },
        })
        .collect()
}

/// The grid points of curve `c`, in increasing b.
pub(crate) fn at_curve<'a>(sweep: &'a SweepResults, c: &Curve) -> Vec<&'a SweepPoint> {
    let mut here: Vec<&SweepPoint> = sweep
        .points
        .iter()
        .filter(|p| p.g == c.g && p.sigma == c.sigma)
        .collect();
    here.sort_by(|a, b| a.b.total_cmp(&b.b));
    here
}

/// The least-squares line of the rate against b on curve `c`, if there is one.
pub(crate) fn fit_at<'a>(sweep: &'a SweepResults, c: &Curve) -> Option<&'a LinearFit> {
    sweep
        .fits
        .iter()
        .find(|f| f.g == c.g && f.sigma == c.sigma)
        .and_then(|f| f.fit.as_ref())
}

/// The balance factors b at which every curve of the sweep has a rate density, increasing.
pub(crate) fn shared_b(sweep: &SweepResults) -> Vec<f64> {
    let cs = curves(sweep);
    distinct(sweep.points.iter().map(|p| p.b))
        .into_iter()
        .filter(|&b| {
            cs.iter().all(|c| {
                sweep
                    .points
                    .iter()
                    .any(|p| p.g == c.g && p.sigma == c.sigma && p.b == b && !p.density.is_empty())
            })
        })
        .collect()
}

/// What the rate estimate subtracts, in words.
pub(crate) fn baseline_words(baseline: Baseline) -> &'static str {
    match baseline {
        Baseline::None => "no surrogate baseline subtracted",
        Baseline::CircularShift => "the mean of circularly shifted surrogates subtracted",
        Baseline::SegmentShuffle => "the mean of segment-shuffled surrogates subtracted",
    }
}

/// The first and last entries of a run's log, when it has any.
pub(crate) fn ends(run: &TrainingRun) -> Option<(&TrainingLog, &TrainingLog)> {
    Some((run.log.first()?, run.log.last()?))
}

/// The distinct values of `values` in increasing order (non-finite ones left out).
fn distinct(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// The b axis of the sweep: every grid point's b, padded so that markers at the ends show.
fn b_range(sweep: &SweepResults) -> (f64, f64) {
    format::linear_range(sweep.points.iter().map(|p| p.b), false)
}

/// The sweep of `results`, or why a figure of it is not drawn.
fn sweep_of<'a>(
    results: &'a BalancedResults,
    what: &'static str,
) -> Result<&'a SweepResults, Skipped> {
    let skip = |reason: &str| Skipped {
        what,
        reason: reason.to_owned(),
    };
    let sweep = results
        .sweep
        .as_ref()
        .ok_or_else(|| skip("the sweep was not run (sweep.enabled = false)"))?;
    if sweep.points.is_empty() {
        return Err(skip("the sweep has no grid point"));
    }
    Ok(sweep)
}

/// The training runs of `results`, or why a figure of them is not drawn.
fn training_of<'a>(
    results: &'a BalancedResults,
    what: &'static str,
) -> Result<&'a TrainingResults, Skipped> {
    let skip = |reason: &str| Skipped {
        what,
        reason: reason.to_owned(),
    };
    let training = results
        .training
        .as_ref()
        .ok_or_else(|| skip("training was not run (training.enabled = false)"))?;
    if training.runs.is_empty() {
        return Err(skip("training has no run"));
    }
    Ok(training)
}

/// The height of a single chart with `entries` legend rows at its right.
fn line_height(entries: usize) -> u32 {
    500.max(60 + legend::height(entries, 1))
}

/// The shared y range of `charts` (each keeps its own x range).
fn share_y(charts: &mut [LineChart]) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for c in charts.iter() {
        let (a, b) = c.y_bounds();
        (lo, hi) = (lo.min(a), hi.max(b));
    }
    if format::increasing(lo, hi) {
        for c in charts {
            c.y_range = Some((lo, hi));
        }
    }
}

/// "no finite values" when `chart` has no point it can place.
fn empty_note(chart: &mut LineChart) {
    let any = chart
        .series
        .iter()
        .flat_map(|s| &s.points)
        .chain(chart.scatter.iter().flat_map(|s| &s.points))
        .any(|p| chart.valid(*p));
    if !any {
        chart.note = Some("no finite values".to_owned());
    }
}

/// Mean rate ± sd against b, one colour per g, with the least-squares line per g.
fn rate_vs_balance(results: &BalancedResults, unit: Unit) -> Result<FigureSpec, Skipped> {
    let what = "Information rate against the balance factor";
    let sweep = sweep_of(results, what)?;
    if sweep.points.iter().all(|p| p.rate.is_none()) {
        let first = sweep.points.iter().find_map(|p| p.error.as_deref());
        return Err(Skipped {
            what,
            reason: format!(
                "no grid point has a rate{}",
                first.map_or_else(String::new, |e| format!(
                    " (first failure: {})",
                    e.trim_end_matches('.')
                ))
            ),
        });
    }
    let u = rate_unit(unit);
    let conv = |nats: f64| unit.from_nats(nats);
    let mut chart = LineChart {
        x_desc: B_AXIS.to_owned(),
        y_desc: format!("I(stimulus; ν) rate ({u})"),
        x_range: Some(b_range(sweep)),
        y_from_zero: true,
        ..LineChart::default()
    };
    let mut fits = Vec::new();
    for (i, c) in curves(sweep).iter().enumerate() {
        let color = style::palette(i);
        let here = at_curve(sweep, c);
        let gw = &c.label;
        chart.scatter.push(Scatter {
            label: Some(format!("{gw}: mean ± sd")),
            color,
            shape: Shape::nth(i),
            points: here
                .iter()
                .filter_map(|p| Some((p.b, conv(p.rate?))))
                .collect(),
        });
        chart.errors.push(ErrorBars {
            color,
            bars: here
                .iter()
                .filter_map(|p| {
                    let (m, s) = (p.rate?, p.rate_sd?);
                    Some((p.b, conv(m - s), conv(m + s)))
                })
                .collect(),
        });
        match fit_at(sweep, c) {
            Some(f) => {
                let bs: Vec<f64> = here
                    .iter()
                    .filter(|p| p.rate.is_some())
                    .map(|p| p.b)
                    .collect();
                let (b0, b1) = format::finite_min_max(bs).unwrap_or((0.0, 1.0));
                let words = format!(
                    "slope {} {u} per unit b, R² = {}",
                    format::value(conv(f.slope)),
                    fixed(Some(f.r2), 3)
                );
                chart.series.push(Series {
                    label: Some(format!(
                        "{gw}: fit, slope {} {u}, R² = {}",
                        format::trim(conv(f.slope), 3),
                        fixed(Some(f.r2), 3)
                    )),
                    color,
                    dash: Dash::Dashed,
                    width: 2,
                    points: [b0, b1]
                        .iter()
                        .map(|&b| (b, conv(f.intercept + f.slope * b)))
                        .collect(),
                });
                fits.push(format!(
                    "{gw}: {words}, intercept {} {u} ({} points)",
                    format::value(conv(f.intercept)),
                    f.points
                ));
            }
            None => fits.push(format!(
                "{gw}: no line (fewer than 3 grid points with a rate)"
            )),
        }
    }
    let failures: Vec<String> = sweep
        .points
        .iter()
        .filter(|p| p.failed > 0)
        .map(|p| {
            format!(
                "g = {}, σ = {}, b = {}: {} of {} trials without a rate ({})",
                format::trim(p.g, 3),
                format::trim(p.sigma, 3),
                format::trim(p.b, 3),
                p.failed,
                p.failed + p.count,
                p.error
                    .as_deref()
                    .unwrap_or("no reason recorded")
                    .trim_end_matches('.')
            )
        })
        .collect();
    let failures = if failures.is_empty() {
        String::new()
    } else {
        format!(" Trials without a rate: {}.", failures.join("; "))
    };
    let config = &results.config.sweep;
    let caption = format!(
        "Each marker is the mean, over the trials with a rate, of the information rate between the stimulus I(t) and the population rate ν(t) at one grid point (N = {} neurons; {} network(s) × {} trials per point; {} τ recorded per trial; {}); bars: ± one standard deviation over those trials (none with fewer than two). Dashed: the least-squares line of the mean rate against b, one per coupling strength g (and noise σ): {}. The theory predicts a rate growing linearly with the tightness of balance b.{failures} {}",
        config.n,
        config.networks,
        config.trials,
        format::trim(config.duration, 3),
        baseline_words(config.rate.baseline),
        fits.join("; "),
        rate_words(unit)
    );
    let height = line_height(chart.legend_entries().len());
    Ok(FigureSpec {
        name: RATE_VS_BALANCE.to_owned(),
        title: "Information rate against the balance factor b".to_owned(),
        caption,
        size: (1150, height),
        kind: Kind::Line(chart),
    })
}

/// The rate density per g at the smallest and the largest b every g shares.
fn rate_density(results: &BalancedResults, unit: Unit) -> Result<FigureSpec, Skipped> {
    let what = "Rate density";
    let sweep = sweep_of(results, what)?;
    let skip = |reason: &str| Skipped {
        what,
        reason: reason.to_owned(),
    };
    if sweep.frequencies.is_empty() || sweep.points.iter().all(|p| p.density.is_empty()) {
        return Err(skip("no trial has a rate density (no rate was estimated)"));
    }
    let shared = shared_b(sweep);
    let chosen: Vec<(f64, &str)> = match (shared.first(), shared.last()) {
        (Some(&lo), Some(&hi)) if lo < hi => vec![(lo, "smallest"), (hi, "largest")],
        (Some(&b), _) => vec![(b, "only")],
        _ => return Err(skip("no balance factor b has a rate density for every g")),
    };
    let u = rate_unit(unit);
    let cs = curves(sweep);
    let mut charts: Vec<LineChart> = chosen
        .iter()
        .map(|&(b, _)| {
            let series = cs
                .iter()
                .enumerate()
                .map(|(i, c)| Series {
                    label: Some(c.label.clone()),
                    color: style::palette(i),
                    dash: Dash::Solid,
                    width: 2,
                    points: sweep
                        .points
                        .iter()
                        .find(|p| p.g == c.g && p.sigma == c.sigma && p.b == b)
                        .map_or_else(Vec::new, |p| {
                            sweep
                                .frequencies
                                .iter()
                                .zip(&p.density)
                                .map(|(&f, &d)| (f, unit.from_nats(d)))
                                .collect()
                        }),
                })
                .collect();
            let mut chart = LineChart {
                x_desc: "frequency f (cycles/τ)".to_owned(),
                y_desc: format!("rate density r(f) ({u} per cycle/τ)"),
                series,
                y_from_zero: true,
                ..LineChart::default()
            };
            empty_note(&mut chart);
            chart
        })
        .collect();
    share_y(&mut charts);
    let titles: Vec<String> = chosen
        .iter()
        .map(|&(b, which)| format!("b = {} ({which} shared b)", format::trim(b, 3)))
        .collect();
    let at = if chosen.len() == 2 {
        format!(
            "at the smallest (b = {}) and the largest (b = {}) balance factor that every g shares",
            format::trim(chosen[0].0, 3),
            format::trim(chosen[1].0, 3)
        )
    } else {
        format!(
            "at b = {}, the only balance factor that every g shares",
            format::trim(chosen[0].0, 3)
        )
    };
    let config = &results.config.sweep;
    let top = sweep.frequencies.last().copied().unwrap_or(f64::NAN);
    let limit = match config.rate.cutoff {
        Some(c) => format!("the cutoff of {} cycles/τ", format::trim(c, 3)),
        None => "the Nyquist frequency".to_owned(),
    };
    let caption = format!(
        "The rate density r(f) = −ln(1 − γ²(f)), γ² the magnitude-squared coherence of the stimulus I(t) and the population rate ν(t) (Welch, {} samples per segment), {at}; the mean over the trials with a rate, one curve per coupling strength g (and noise σ). Its integral over f up to {limit} (last frequency shown {} cycles/τ) is the rate before any baseline is subtracted. The density axis is shared by the panels. {}",
        config.rate.nperseg,
        format::trim(top, 3),
        rate_words(unit)
    );
    let columns = charts.len();
    let entries = cs.len();
    Ok(FigureSpec {
        name: RATE_DENSITY.to_owned(),
        title: "Rate density r(f) per coupling strength g".to_owned(),
        caption,
        size: (
            if columns == 2 { GRID_WIDTH } else { 900 },
            480 + legend::height(entries, 2),
        ),
        kind: Kind::Grid {
            columns,
            panels: titles
                .into_iter()
                .zip(charts.into_iter().map(Panel::Line))
                .collect(),
        },
    })
}

/// The linearised time constant and the autocorrelation time of ν against b, and β.
fn time_constant_vs_balance(results: &BalancedResults) -> Result<FigureSpec, Skipped> {
    let what = "Population time constants and cancellation against the balance factor";
    let sweep = sweep_of(results, what)?;
    let any = sweep.points.iter().any(|p| {
        p.time_constant.is_some() || p.autocorrelation_time.is_some() || p.cancellation.is_some()
    });
    if !any {
        return Err(Skipped {
            what,
            reason: "no grid point has a time constant, an autocorrelation time or a cancellation index (every simulation failed)".to_owned(),
        });
    }
    let mut times = LineChart {
        x_desc: B_AXIS.to_owned(),
        x_range: Some(b_range(sweep)),
        y_desc: "time (τ)".to_owned(),
        y_from_zero: true,
        ..LineChart::default()
    };
    let mut beta = LineChart {
        x_desc: B_AXIS.to_owned(),
        x_range: Some(b_range(sweep)),
        y_desc: "cancellation index β (dimensionless)".to_owned(),
        y_from_zero: true,
        ..LineChart::default()
    };
    for (i, c) in curves(sweep).iter().enumerate() {
        let color = style::palette(i);
        let here = at_curve(sweep, c);
        let gw = &c.label;
        let along = |value: &dyn Fn(&SweepPoint) -> Option<f64>| -> Vec<(f64, f64)> {
            here.iter()
                .map(|p| (p.b, value(p).unwrap_or(f64::NAN)))
                .collect()
        };
        let line = |label: String, dash: Dash, points: Vec<(f64, f64)>| Series {
            label: Some(label),
            color,
            dash,
            width: 2,
            points,
        };
        let marks = |points: &[(f64, f64)]| Scatter {
            label: None,
            color,
            shape: Shape::nth(i),
            points: points.to_vec(),
        };
        let linear = along(&|p| p.time_constant);
        let auto = along(&|p| p.autocorrelation_time);
        let cancel = along(&|p| p.cancellation);
        times.scatter.push(marks(&linear));
        times.scatter.push(marks(&auto));
        beta.scatter.push(marks(&cancel));
        times.series.push(line(
            format!("{gw}: linearised time constant"),
            Dash::Solid,
            linear,
        ));
        times.series.push(line(
            format!("{gw}: autocorrelation time of ν"),
            Dash::Dashed,
            auto,
        ));
        beta.series
            .push(line(format!("{gw}: β"), Dash::Solid, cancel));
    }
    empty_note(&mut times);
    empty_note(&mut beta);
    let entries = times.legend_entries().len();
    let caption = "Left: the linearised time constant of the population rate, τ/(1 + b·J₀·f) with f the active fraction of neurons, their mean ReLU gain (solid), and the autocorrelation time of the simulated population rate ν(t) (dashed), each the mean over the trials of a grid point, in units of the neuronal time constant τ. Right: the population cancellation index β = |⟨I_ext + I_rec⟩| / ⟨I_ext⟩, the share of the external drive left after recurrent cancellation (tightness 1/β; smaller β: tighter balance). One colour per coupling strength g (and noise σ). The faster population response at larger b is the heuristic reason for a rate growing with b.".to_owned();
    Ok(FigureSpec {
        name: TIME_CONSTANT_VS_BALANCE.to_owned(),
        title: "Population time constants and cancellation against the balance factor b".to_owned(),
        caption,
        size: (GRID_WIDTH, 480 + legend::height(entries, 2)),
        kind: Kind::Grid {
            columns: 2,
            panels: vec![
                ("Time constants".to_owned(), Panel::Line(times)),
                ("Cancellation index β".to_owned(), Panel::Line(beta)),
            ],
        },
    })
}

/// Test error, balance index, cancellation and rate over the epochs, one series per S.
fn training_curves(results: &BalancedResults, unit: Unit) -> Result<FigureSpec, Skipped> {
    let what = "Training curves";
    let training = training_of(results, what)?;
    if training.runs.iter().all(|r| r.log.is_empty()) {
        return Err(Skipped {
            what,
            reason: "no training run has a log entry".to_owned(),
        });
    }
    let errors: Vec<f64> = training
        .runs
        .iter()
        .flat_map(|r| r.log.iter().map(|l| l.test_error))
        .filter(|v| v.is_finite())
        .collect();
    let log_error = !errors.is_empty() && errors.iter().all(|v| *v > 0.0);
    let u = rate_unit(unit);
    let chart = |y_desc: String, y_log: bool| LineChart {
        x_desc: "epoch (count)".to_owned(),
        y_desc,
        y_log,
        y_from_zero: !y_log,
        ..LineChart::default()
    };
    let mut charts = [
        chart("test error (dimensionless)".to_owned(), log_error),
        chart(
            "balance |mean J / mean J_init| (dimensionless)".to_owned(),
            false,
        ),
        chart("cancellation index β (dimensionless)".to_owned(), false),
        chart(format!("I(stimuli; readout) rate ({u})"), false),
    ];
    let values: [&Logged<'_>; 4] = [
        &|l| Some(l.test_error),
        &|l| Some(l.balance),
        &|l| Some(l.cancellation),
        &|l| l.rate.map(|r| unit.from_nats(r)),
    ];
    for (i, run) in training.runs.iter().enumerate() {
        for (c, value) in charts.iter_mut().zip(values) {
            c.series.push(Series {
                label: Some(format!("S = {}", run.channels)),
                color: style::palette(i),
                dash: Dash::Solid,
                width: 2,
                points: run
                    .log
                    .iter()
                    .map(|l| (l.epoch as f64, value(l).unwrap_or(f64::NAN)))
                    .collect(),
            });
        }
    }
    for c in &mut charts {
        empty_note(c);
    }
    let error_title = if log_error {
        "Test error (log scale)"
    } else {
        "Test error"
    };
    let titles = [
        error_title,
        "Balance index",
        "Cancellation index β",
        "Information rate",
    ];
    let config = &results.config.training;
    let mut notes = Vec::new();
    for run in &training.runs {
        if let Some(e) = &run.error {
            notes.push(format!(
                "S = {} stopped early: {}",
                run.channels,
                e.trim_end_matches('.')
            ));
        }
        let missing: Vec<String> = run
            .log
            .iter()
            .filter_map(|l| {
                l.rate_error
                    .as_ref()
                    .map(|e| format!("epoch {}: {}", l.epoch, e.trim_end_matches('.')))
            })
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "S = {} has no rate at {}",
                run.channels,
                missing.join("; ")
            ));
        }
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" {}.", notes.join(". "))
    };
    let scale = if log_error {
        "log scale"
    } else {
        "linear scale: not every value is positive"
    };
    let caption = format!(
        "One network per number of signals S (N = {} neurons, initial balance b = {}, g = {}, Adam with learning rate {}), logged every {} epochs from epoch 0 (before training). Top left: the loss on the fixed test batch ({scale}). Top right: the code's balance index |mean J / mean J_init| (1 at the start; above 1: a larger mean coupling magnitude than initially). Bottom left: the population cancellation index β = |⟨I_ext + I_rec⟩| / ⟨I_ext⟩ on the test batch (smaller: tighter balance). Bottom right: the information rate between the S stimuli and the readout on a test series of {} steps ({}).{notes} {}",
        config.n,
        format::trim(config.b, 3),
        format::trim(config.g, 4),
        format::trim(config.lr, 6),
        config.log_every,
        config.rate_steps,
        baseline_words(config.rate.baseline),
        rate_words(unit)
    );
    let entries = training.runs.len();
    Ok(FigureSpec {
        name: TRAINING_CURVES.to_owned(),
        title: "Training: test error, balance, cancellation and information rate".to_owned(),
        caption,
        size: (GRID_WIDTH, 2 * (430 + legend::height(entries, 2))),
        kind: Kind::Grid {
            columns: 2,
            panels: titles
                .iter()
                .map(|t| (*t).to_owned())
                .zip(charts.into_iter().map(Panel::Line))
                .collect(),
        },
    })
}

/// A quantity read from a training log entry.
type Logged<'a> = dyn Fn(&TrainingLog) -> Option<f64> + 'a;

/// The largest real part of `values`, as text.
fn max_re(values: &[(f64, f64)]) -> String {
    fixed(
        format::finite_min_max(values.iter().map(|v| v.0)).map(|(_, hi)| hi),
        3,
    )
}

/// The eigenvalues of J·diag(φ′) before and after training, one panel per S.
fn eigenvalues(results: &BalancedResults) -> Result<FigureSpec, Skipped> {
    let what = "Eigenvalues of J·diag(φ′)";
    let training = training_of(results, what)?;
    let runs: Vec<&TrainingRun> = training
        .runs
        .iter()
        .filter(|r| !r.eigenvalues_before.is_empty() || !r.eigenvalues_after.is_empty())
        .collect();
    if runs.is_empty() {
        return Err(Skipped {
            what,
            reason: "no training run has eigenvalues".to_owned(),
        });
    }
    let all = || {
        runs.iter()
            .flat_map(|r| r.eigenvalues_before.iter().chain(&r.eigenvalues_after))
    };
    let x_range = format::linear_range(all().map(|v| v.0), false);
    let y_range = format::linear_range(all().map(|v| v.1), true);
    let after = style::palette(0);
    let panels: Vec<(String, Panel)> = runs
        .iter()
        .map(|r| {
            let chart = LineChart {
                x_desc: "Re λ (dimensionless)".to_owned(),
                y_desc: "Im λ (dimensionless)".to_owned(),
                scatter: vec![
                    Scatter {
                        label: Some("before training".to_owned()),
                        color: GREY,
                        shape: Shape::Circle,
                        points: r.eigenvalues_before.clone(),
                    },
                    Scatter {
                        label: Some("after training".to_owned()),
                        color: after,
                        shape: Shape::Circle,
                        points: r.eigenvalues_after.clone(),
                    },
                ],
                x_range: Some(x_range),
                y_range: Some(y_range),
                ..LineChart::default()
            };
            let title = format!(
                "S = {}: max Re λ {} → {}",
                r.channels,
                max_re(&r.eigenvalues_before),
                max_re(&r.eigenvalues_after)
            );
            (title, Panel::Line(chart))
        })
        .collect();
    let left_out: Vec<String> = training
        .runs
        .iter()
        .filter(|r| r.eigenvalues_before.is_empty() && r.eigenvalues_after.is_empty())
        .map(|r| format!("S = {}", r.channels))
        .collect();
    let left_out = if left_out.is_empty() {
        String::new()
    } else {
        format!(" No eigenvalues for {}.", left_out.join(", "))
    };
    let caption = format!(
        "The eigenvalues λ of J·diag(φ′(h̄)), the Jacobian of the dynamics without the leak at the mean state h̄, of each trained network (one panel per number of signals S) before (grey) and after training (colour). With the leak the Jacobian is −1 + J·diag(φ′), so the linearised dynamics are stable when every Re λ < 1; panel titles give the largest Re λ before → after. The axes are shared by the panels.{left_out}"
    );
    let columns = panels.len().min(3);
    let rows = panels.len().div_ceil(columns) as u32;
    Ok(FigureSpec {
        name: EIGENVALUES.to_owned(),
        title: "Eigenvalues of J·diag(φ′) before and after training".to_owned(),
        caption,
        size: (
            if columns == 1 { 800 } else { GRID_WIDTH },
            rows * (480 + legend::height(2, 2)),
        ),
        kind: Kind::Grid { columns, panels },
    })
}

/// "16+16" for cluster sizes.
pub(crate) fn sizes(sizes: &[usize]) -> String {
    sizes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("+")
}

/// The trained couplings of every run in cluster order, the clusters outlined.
fn couplings_by_cluster(results: &BalancedResults) -> Result<FigureSpec, Skipped> {
    let what = "Trained couplings by cluster";
    let training = training_of(results, what)?;
    let runs: Vec<&TrainingRun> = training
        .runs
        .iter()
        .filter(|r| !r.j_sorted.is_empty())
        .collect();
    if !runs.iter().any(|r| r.clusters.is_some()) {
        let several: Vec<String> = training
            .runs
            .iter()
            .filter(|r| r.channels >= 2)
            .map(|r| {
                format!(
                    "S = {}: {}",
                    r.channels,
                    r.clusters_error
                        .as_deref()
                        .or(r.j_sorted.is_empty().then_some("no trained couplings"))
                        .unwrap_or("no clusters recorded")
                        .trim_end_matches('.')
                )
            })
            .collect();
        let reason = if several.is_empty() {
            "no training run has S ≥ 2 signals, and k-means clusters J only then (S = 1 has no clusters)".to_owned()
        } else {
            format!("k-means found no clusters ({})", several.join("; "))
        };
        return Err(Skipped { what, reason });
    }
    let m = runs
        .iter()
        .flat_map(|r| r.j_sorted.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let range = if m > 0.0 { (-m, m) } else { (-1.0, 1.0) };
    let mut described = Vec::new();
    let panels: Vec<(String, Panel)> = runs
        .iter()
        .map(|r| {
            let n = r.j_sorted.len();
            let (names, blocks, order, title) = match &r.clusters {
                Some(c) => {
                    described.push(format!(
                        "S = {}: clusters of {} neurons, mean J within {} and between {}",
                        r.channels,
                        sizes(&c.sizes),
                        format::value(c.within),
                        format::value(c.between)
                    ));
                    (
                        c.order.clone(),
                        c.sizes.clone(),
                        "cluster order",
                        format!(
                            "S = {}: clusters {}, within {}, between {}",
                            r.channels,
                            sizes(&c.sizes),
                            format::value(c.within),
                            format::value(c.between)
                        ),
                    )
                }
                None => {
                    let why = if r.channels >= 2 {
                        r.clusters_error
                            .as_deref()
                            .unwrap_or("no clusters recorded")
                            .trim_end_matches('.')
                            .to_owned()
                    } else {
                        "S = 1 has no clusters".to_owned()
                    };
                    described.push(format!(
                        "S = {}: as trained, not sorted ({why})",
                        r.channels
                    ));
                    (
                        (0..n).collect(),
                        vec![],
                        "index",
                        format!("S = {}: not clustered", r.channels),
                    )
                }
            };
            let names: Vec<String> = names.iter().map(ToString::to_string).collect();
            let map = Heatmap {
                x_desc: format!("from neuron j ({order})"),
                y_desc: format!("to neuron i ({order})"),
                bar_desc: "J_ij (dimensionless)".to_owned(),
                dx: 1.0,
                rows: r.j_sorted.clone(),
                split: None,
                epochs: vec![],
                colors: ColorScale::Diverging,
                range: Some(range),
                labels: Some(CellLabels {
                    rows: names.clone(),
                    columns: names,
                }),
                blocks,
            };
            (title, Panel::Heatmap(map))
        })
        .collect();
    let caption = format!(
        "The trained couplings J of each network (one panel per number of signals S), row i holding the incoming weights of neuron i, with rows and columns reordered so that the clusters k-means (k = S, on the rows of J) finds are contiguous; each cluster is outlined as a diagonal block and the tick labels name the original neurons. {}. Colour: blue negative (inhibitory), white 0, red positive, on one scale symmetric around 0 for all panels (±{}).",
        described.join("; "),
        format::trim(m, 4),
    );
    let columns = panels.len().min(3);
    let rows = panels.len().div_ceil(columns) as u32;
    Ok(FigureSpec {
        name: COUPLINGS_BY_CLUSTER.to_owned(),
        title: "Trained couplings J in cluster order".to_owned(),
        caption,
        size: (if columns == 1 { 800 } else { GRID_WIDTH }, rows * 520),
        kind: Kind::Grid { columns, panels },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_units_and_lists_read_plainly() {
        assert_eq!(rate_unit(Unit::Bits), "bits/τ");
        assert_eq!(rate_unit(Unit::Nats), "nats/τ");
        assert_eq!(list(&[2.0, 3.5, 4.0]), "2, 3.5, 4");
        assert_eq!(sizes(&[16, 15, 1]), "16+15+1");
        assert_eq!(distinct([3.0, f64::NAN, 1.0, 3.0]), [1.0, 3.0]);
    }
}
