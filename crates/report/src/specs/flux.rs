//! The figures of a flux experiment (SPEC.md §7, issue #17) from its [`FluxResults`]: the flux
//! against each correlation proxy over the sweep, the evolution's fitness trajectories, the
//! weight matrices of the best run beside the N-rooks reference, and the attractor periods.
//! A figure whose data are absent is not drawn; [`plan`] says why instead.

use infoscope_analysis::estimators::Unit;
use infoscope_analysis::flux::evolution::{EvolutionConfig, EvolutionRun, FitnessKind, Snapshot};
use infoscope_analysis::flux::relation::Piece;
use infoscope_analysis::flux::{FluxMeasures, FluxResults, MeasureConfig, ProxyKind, When};
use infoscope_analysis::nets::binary::{AttractorSummary, GenerationRecord};

use super::unit_words;
use crate::chart::{HLine, LineChart, Scatter, Series};
use crate::format::{self, unit_name};
use crate::heatmap::{CellLabels, ColorScale, Heatmap};
use crate::histogram::Histogram;
use crate::legend::{self, Dash, Shape};
use crate::render::{FigureSpec, Kind, Panel};
use crate::style::{self, INK};

/// The flux against each proxy over the sweep.
pub(crate) const FLUX_VS_PROXY: &str = "flux_vs_proxy";
/// The fitness trajectories of the evolution runs.
pub(crate) const EVOLUTION_FITNESS: &str = "evolution_fitness";
/// The weight matrices before and after evolution, and of the N-rooks reference.
pub(crate) const EVOLUTION_WEIGHTS: &str = "evolution_weights";
/// The attractor periods before and after evolution, and of the N-rooks reference.
pub(crate) const ATTRACTOR_PERIODS: &str = "attractor_periods";

/// Width of a two- or three-column figure, px (as the Go report's comparison figures).
const GRID_WIDTH: u32 = 1300;

/// A figure that is not drawn, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// What the figure would show.
    pub what: &'static str,
    /// Why it is not drawn.
    pub reason: String,
}

/// One figure of the report: its file stem and its specification, or why it is not drawn.
pub(crate) type Planned = (&'static str, Result<FigureSpec, Skipped>);

/// Every figure of a flux report in report order, drawn or skipped.
pub(crate) fn plan(results: &FluxResults, unit: Unit) -> Vec<Planned> {
    vec![
        (FLUX_VS_PROXY, flux_vs_proxy(results, unit)),
        (EVOLUTION_FITNESS, evolution_fitness(results, unit)),
        (EVOLUTION_WEIGHTS, evolution_weights(results)),
        (ATTRACTOR_PERIODS, attractor_periods(results)),
    ]
}

/// The figures of a flux report that can be drawn, in report order.
pub(crate) fn build(results: &FluxResults, unit: Unit) -> Vec<FigureSpec> {
    plan(results, unit)
        .into_iter()
        .filter_map(|(_, f)| f.ok())
        .collect()
}

/// `value` with `decimals` decimals, or "—" when absent or not finite.
pub(crate) fn fixed(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "—".to_owned(),
    }
}

/// The run with the highest final fitness (the first of equals); runs without a finite final
/// fitness come last.
pub(crate) fn best_run(runs: &[EvolutionRun]) -> Option<&EvolutionRun> {
    let score = |r: &EvolutionRun| r.after.fitness.filter(|f| f.is_finite());
    runs.iter().fold(None, |best: Option<&EvolutionRun>, run| {
        match (best.and_then(score), score(run)) {
            (_, None) if best.is_some() => best,
            (Some(b), Some(f)) if b >= f => best,
            _ => Some(run),
        }
    })
}

/// How the fitness of an evolution is shown: information (converted to the report's unit) or
/// as computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FitnessScale {
    /// Whether the fitness is information in nats (the exact flux, possibly minus a penalty),
    /// shown in the report's unit.
    pub information: bool,
    /// The unit as written after a number and in axis labels ("bits", "dimensionless", ...).
    pub unit: String,
    /// The fitness axis label, with its unit.
    pub axis: String,
    /// The report's unit.
    report_unit: Unit,
}

impl FitnessScale {
    /// The scale of the fitness of `config`, in a report in `unit`.
    pub(crate) fn of(config: &EvolutionConfig, unit: Unit) -> Self {
        let period = config.period_weight > 0.0;
        let (information, label) = match (config.fitness, period) {
            (FitnessKind::Exact, false) => (true, unit_name(unit).to_owned()),
            (FitnessKind::Exact, true) => (false, "nats + weighted steps".to_owned()),
            (FitnessKind::Proxy, false) => (false, "dimensionless".to_owned()),
            (FitnessKind::Proxy, true) => (false, "C_rms + weighted steps".to_owned()),
        };
        let what = match (config.fitness, period) {
            (FitnessKind::Exact, false) => "flux I[x(t); x(t+1)]".to_owned(),
            (FitnessKind::Exact, true) => "flux + weighted mean period".to_owned(),
            (FitnessKind::Proxy, false) => config.proxy.label().to_owned(),
            (FitnessKind::Proxy, true) => {
                format!("{} + weighted mean period", config.proxy.label())
            }
        };
        let penalty = if config.strategy.l2_penalty > 0.0 {
            " − penalty"
        } else {
            ""
        };
        Self {
            information,
            axis: format!("fitness: {what}{penalty} ({label})"),
            unit: label,
            report_unit: unit,
        }
    }

    /// A fitness value as shown.
    pub(crate) fn show(&self, value: f64) -> f64 {
        if self.information {
            self.report_unit.from_nats(value)
        } else {
            value
        }
    }
}

/// The strong weight of the N-rooks reference of `config`.
pub(crate) fn rooks_strength(config: &EvolutionConfig) -> f64 {
    config
        .rooks_strength
        .or(config.strategy.w_max)
        .unwrap_or(5.0)
}

/// Why the reference line is not drawn on the fitness axis (`None`: it is).
pub(crate) fn no_reference_line(config: &EvolutionConfig) -> Option<&'static str> {
    if config.fitness != FitnessKind::Exact {
        Some("the fitness is a correlation proxy, not the flux")
    } else if config.period_weight > 0.0 {
        Some("the fitness adds a mean-period term to the flux")
    } else if config.strategy.l2_penalty > 0.0 {
        Some("the trajectory's fitness subtracts the weight penalty, the reference's does not")
    } else {
        None
    }
}

/// The step line of an isotonic fit: each piece's value from its smallest x to the next
/// piece's (the last piece's to its largest x), with vertical jumps between pieces.
pub(crate) fn step_points(pieces: &[Piece]) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(2 * pieces.len());
    for (k, piece) in pieces.iter().enumerate() {
        let end = pieces.get(k + 1).map_or(piece.x_max, |next| next.x_min);
        points.push((piece.x_min, piece.value));
        points.push((end, piece.value));
    }
    points
}

/// `lengths` as "3+2+1" ("none" when empty).
pub(crate) fn cycles(lengths: &[usize]) -> String {
    if lengths.is_empty() {
        return "none".to_owned();
    }
    lengths
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("+")
}

/// Why `measure` (`exact`, `sampled` or `attractors`) of `m` is absent: the reason it records,
/// else the setting of `config` that left it out.
pub(crate) fn absent_reason(m: &FluxMeasures, measure: &str, config: &MeasureConfig) -> String {
    if let Some(reason) = m.missing.get(measure) {
        return reason.clone();
    }
    match measure {
        "sampled" if config.simulate == When::Auto => {
            "not simulated: the exact measures were computed (measure.simulate = \"auto\")"
                .to_owned()
        }
        "sampled" => "not asked for (measure.simulate = \"never\")".to_owned(),
        "exact" | "attractors" => format!("not asked for (measure.{measure} = \"never\")"),
        other => format!("not asked for ({other})"),
    }
}

/// The distinct values of `values` in increasing order (non-finite ones left out).
fn distinct(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// Flux against each proxy, one panel per proxy, points coloured by width.
fn flux_vs_proxy(results: &FluxResults, unit: Unit) -> Result<FigureSpec, Skipped> {
    let what = "Flux against its correlation proxies";
    let skip = |reason: &str| Skipped {
        what,
        reason: reason.to_owned(),
    };
    let sweep = results
        .sweep
        .as_ref()
        .ok_or_else(|| skip("the sweep was not run (sweep.enabled = false)"))?;
    if sweep.networks.is_empty() {
        return Err(skip("the sweep measured no network"));
    }
    let u = unit_name(unit);
    let widths = distinct(sweep.networks.iter().map(|s| s.point.width));
    let colour = |k: usize| style::viridis(0.85 * k as f64 / (widths.len().max(2) - 1) as f64);
    let mut charts = Vec::with_capacity(ProxyKind::ALL.len());
    let mut titles = Vec::with_capacity(ProxyKind::ALL.len());
    for kind in ProxyKind::ALL {
        let relation = sweep.relations.iter().find(|r| r.proxy == kind);
        let scatter: Vec<Scatter> = widths
            .iter()
            .enumerate()
            .map(|(k, &w)| Scatter {
                label: Some(format!("w = {}", format::trim(w, 3))),
                color: colour(k),
                shape: Shape::Circle,
                points: sweep
                    .networks
                    .iter()
                    .filter(|s| s.point.width == w)
                    .filter_map(|s| {
                        let m = &s.measures;
                        Some((m.proxy(kind)?, unit.from_nats(m.flux_nats()?)))
                    })
                    .collect(),
            })
            .collect();
        let xs: Vec<f64> = scatter
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        let series = relation
            .filter(|r| !r.fit.is_empty())
            .map(|r| Series {
                label: Some("isotonic fit".to_owned()),
                color: INK,
                dash: Dash::Solid,
                width: 2,
                points: step_points(&r.fit)
                    .into_iter()
                    .map(|(x, y)| (x, unit.from_nats(y)))
                    .collect(),
            })
            .into_iter()
            .collect();
        titles.push(format!(
            "{}: ρ = {}, R² = {}",
            kind.label(),
            fixed(relation.and_then(|r| r.spearman), 3),
            fixed(relation.and_then(|r| r.explained), 3)
        ));
        charts.push(LineChart {
            x_desc: format!("{} (dimensionless)", kind.label()),
            y_desc: format!("I[x(t); x(t+1)] ({u})"),
            series,
            scatter,
            x_range: (!xs.is_empty()).then(|| format::linear_range(xs.iter().copied(), false)),
            y_from_zero: true,
            note: xs
                .is_empty()
                .then(|| "no network has both the flux and this proxy".to_owned()),
            ..LineChart::default()
        });
    }
    // One flux axis for all panels.
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for c in &charts {
        let (a, b) = c.y_bounds();
        (lo, hi) = (lo.min(a), hi.max(b));
    }
    for c in &mut charts {
        c.y_range = Some((lo, hi));
    }
    let entries = charts
        .iter()
        .map(|c| c.legend_entries().len())
        .max()
        .unwrap_or(0);
    let columns = 2;
    let rows = charts.len().div_ceil(columns) as u32;
    let exact = sweep
        .networks
        .iter()
        .filter(|s| s.measures.exact.is_some())
        .count();
    let plugin = sweep
        .networks
        .iter()
        .filter(|s| s.measures.exact.is_none() && s.measures.flux_nats().is_some())
        .count();
    let config = &results.config.sweep;
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format::trim(*x, 3))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut source = format!(
        "The flux is the exact stationary I[x(t); x(t+1)] for {exact} of the {} networks",
        sweep.networks.len()
    );
    if plugin > 0 {
        source.push_str(&format!(
            " and the Miller–Madow plug-in estimate over the first {} neurons for {plugin}",
            results.config.measure.plugin_neurons
        ));
    }
    let best = sweep
        .best_proxy
        .map_or("none (no proxy has a rank correlation)", |p| p.label());
    let caption = format!(
        "Each point is one network of the sweep (N = {} neurons; widths w = {}; densities d = {}; balances b = {}; {} networks per grid point); its colour is the width w of its weight magnitudes (dark to light: small to large w), whatever its density and balance. {source}; a proxy is taken exactly where the flux is, else from the simulation. Black steps: the isotonic (least-squares non-decreasing) fit of the flux on the proxy. ρ: Spearman's rank correlation of proxy and flux; R²: the share of the flux's variance the fit explains. Best proxy (highest ρ): {best}. The flux axis is shared by the panels. {}",
        config.n,
        list(&config.widths),
        list(&config.densities),
        list(&config.balances),
        config.networks,
        unit_words(unit)
    );
    Ok(FigureSpec {
        name: FLUX_VS_PROXY.to_owned(),
        title: "Flux against its correlation proxies over the sweep".to_owned(),
        caption,
        size: (GRID_WIDTH, rows * (430 + legend::height(entries, 2))),
        kind: Kind::Grid {
            columns,
            panels: titles
                .into_iter()
                .zip(charts.into_iter().map(Panel::Line))
                .collect(),
        },
    })
}

/// The fitness of every run against the generation, with the N-rooks flux as a reference.
fn evolution_fitness(results: &FluxResults, unit: Unit) -> Result<FigureSpec, Skipped> {
    let what = "Fitness over the generations";
    let evolution = results.evolution.as_ref().ok_or_else(|| Skipped {
        what,
        reason: "the evolution was not run (evolution.enabled = false)".to_owned(),
    })?;
    if evolution.runs.is_empty() {
        return Err(Skipped {
            what,
            reason: "the evolution has no run".to_owned(),
        });
    }
    let config = &results.config.evolution;
    let scale = FitnessScale::of(config, unit);
    let several_parents = config.strategy.mu > 1;
    let mut chart = LineChart {
        x_desc: "generation (count)".to_owned(),
        y_desc: scale.axis.clone(),
        ..LineChart::default()
    };
    for (i, run) in evolution.runs.iter().enumerate() {
        let color = style::palette(i);
        let along = |value: &dyn Fn(&GenerationRecord) -> Option<f64>| -> Vec<(f64, f64)> {
            run.trajectory
                .iter()
                .map(|g| {
                    let v = value(g).map_or(f64::NAN, |v| scale.show(v));
                    (g.generation as f64, v)
                })
                .collect()
        };
        chart.series.push(Series {
            label: Some(format!("run {}: best", run.run)),
            color,
            dash: Dash::Solid,
            width: 2,
            points: along(&|g| Some(g.best)),
        });
        if several_parents {
            chart.series.push(Series {
                label: Some(format!("run {}: mean of the parents", run.run)),
                color,
                dash: Dash::Dashed,
                width: 2,
                points: along(&|g| Some(g.mean)),
            });
        }
        chart.series.push(Series {
            label: Some(format!("run {}: mean of the offspring", run.run)),
            color,
            dash: Dash::Dotted,
            width: 1,
            points: along(&|g| g.mean_offspring),
        });
    }
    let strength = format::trim(rooks_strength(config), 3);
    let reference = match no_reference_line(config) {
        Some(why) => format!("No N-rooks reference line: {why}. "),
        None => match evolution.rooks.measures.exact.as_ref() {
            Some(exact) => {
                let value = unit.from_nats(exact.flux.information_nats);
                chart.hlines.push(HLine {
                    label: format!(
                        "N-rooks reference: {} {}",
                        format::value(value),
                        unit_name(unit)
                    ),
                    y: value,
                });
                format!(
                    "Grey dashed: the exact flux of the N-rooks reference (one weight of {strength} per row and column). "
                )
            }
            None => format!(
                "No N-rooks reference line: its exact flux was not computed ({}). ",
                absent_reason(&evolution.rooks.measures, "exact", &results.config.measure)
                    .trim_end_matches('.')
            ),
        },
    };
    if !chart
        .series
        .iter()
        .any(|s| s.points.iter().any(|p| chart.valid(*p)))
    {
        chart.note = Some("no finite fitness".to_owned());
    }
    let parents = if several_parents {
        format!(
            "dashed: the mean of the μ = {} parents; ",
            config.strategy.mu
        )
    } else {
        String::new()
    };
    let penalty = if config.strategy.l2_penalty > 0.0 {
        format!(
            " The trajectory is the fitness selection uses, minus the penalty {} ‖θ‖².",
            config.strategy.l2_penalty
        )
    } else {
        String::new()
    };
    let units = if scale.information {
        unit_words(unit)
    } else {
        format!("Fitness as computed ({}).", scale.unit)
    };
    let caption = format!(
        "Fitness: {}.{penalty} Solid: the best parent of each run per generation (generation 0: the initial network); {parents}dotted: the mean of the λ = {} offspring of that generation. {reference}{units}",
        evolution.fitness.trim_end_matches('.'),
        config.strategy.lambda,
    );
    let height = 500.max(60 + legend::height(chart.legend_entries().len(), 1));
    Ok(FigureSpec {
        name: EVOLUTION_FITNESS.to_owned(),
        title: "Evolution: fitness over the generations".to_owned(),
        caption,
        size: (1150, height),
        kind: Kind::Line(chart),
    })
}

/// The heatmap of a weight matrix: as recorded, or `sorted` by its permutation structure.
fn weight_map(s: &Snapshot, sorted: bool, range: (f64, f64)) -> Heatmap {
    let n = s.weights.nrows();
    let (matrix, names, blocks) = if sorted {
        (
            &s.reordered,
            s.structure.order.clone(),
            s.structure.cycle_lengths.clone(),
        )
    } else {
        (&s.weights, (0..n).collect(), vec![])
    };
    let names: Vec<String> = names.iter().map(ToString::to_string).collect();
    let sorted_note = if sorted { ", sorted" } else { "" };
    Heatmap {
        x_desc: format!("from neuron j (index{sorted_note})"),
        y_desc: format!("to neuron i (index{sorted_note})"),
        bar_desc: "W_ij (dimensionless)".to_owned(),
        dx: 1.0,
        rows: matrix.rows().into_iter().map(|r| r.to_vec()).collect(),
        split: None,
        epochs: vec![],
        colors: ColorScale::Diverging,
        range: Some(range),
        labels: Some(CellLabels {
            rows: names.clone(),
            columns: names,
        }),
        blocks,
    }
}

/// "cycles 3+2+1, matched 0.45" of a snapshot.
fn structure_words(s: &Snapshot) -> String {
    format!(
        "cycles {}, matched {}",
        cycles(&s.structure.cycle_lengths),
        format::trim(s.structure.matched_fraction, 2)
    )
}

/// The weights of the best run before and after, and of the reference, as recorded and sorted.
fn evolution_weights(results: &FluxResults) -> Result<FigureSpec, Skipped> {
    let what = "Weight matrices before and after evolution";
    let evolution = results.evolution.as_ref().ok_or_else(|| Skipped {
        what,
        reason: "the evolution was not run (evolution.enabled = false)".to_owned(),
    })?;
    let run = best_run(&evolution.runs).ok_or_else(|| Skipped {
        what,
        reason: "the evolution has no run".to_owned(),
    })?;
    let rooks = &evolution.rooks;
    let nets = [
        ("before", &run.before),
        ("after", &run.after),
        ("N-rooks", rooks),
    ];
    let m = nets
        .iter()
        .flat_map(|(_, s)| s.weights.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let range = if m > 0.0 { (-m, m) } else { (-1.0, 1.0) };
    let mut panels = Vec::with_capacity(6);
    for (label, s) in nets {
        panels.push((
            format!("{label}: as recorded"),
            Panel::Heatmap(weight_map(s, false, range)),
        ));
    }
    for (label, s) in nets {
        panels.push((
            format!("{label} sorted: {}", structure_words(s)),
            Panel::Heatmap(weight_map(s, true, range)),
        ));
    }
    let described = |(label, s): (&str, &Snapshot)| {
        format!(
            "{label}: matched fraction {}, cycle lengths {}",
            format::trim(s.structure.matched_fraction, 3),
            cycles(&s.structure.cycle_lengths)
        )
    };
    let caption = format!(
        "Weights of run {} (the run with the highest final fitness, {}) before and after evolution, and of the N-rooks reference (one weight of {} per row and column on a random derangement). Top row: W as recorded, row i holding the incoming weights of neuron i, column j the source neuron. Bottom row: rows and columns reordered by the permutation structure (the assignment σ maximising Σ_i |W_i,σ(i)|), each cycle of σ a diagonal block (outlined) with its matched weights on the block's cyclic sub-diagonal; the tick labels name the original neurons. Matched fraction (the share of Σ|W_ij| on the matched positions) and cycle lengths: {}. Colour: blue negative, white 0, red positive, on one scale symmetric around 0 for all panels (±{}).",
        run.run,
        fixed(run.after.fitness, 4),
        format::trim(rooks_strength(&results.config.evolution), 3),
        nets.map(described).join("; "),
        format::trim(m, 3),
    );
    Ok(FigureSpec {
        name: EVOLUTION_WEIGHTS.to_owned(),
        title: format!(
            "Evolution: weights of run {} before and after, beside the N-rooks reference",
            run.run
        ),
        caption,
        size: (GRID_WIDTH, 760),
        kind: Kind::Grid { columns: 3, panels },
    })
}

/// The period histograms of the best run before and after, and of the reference.
fn attractor_periods(results: &FluxResults) -> Result<FigureSpec, Skipped> {
    let what = "Attractor periods";
    let evolution = results.evolution.as_ref().ok_or_else(|| Skipped {
        what,
        reason: "the evolution was not run (evolution.enabled = false)".to_owned(),
    })?;
    let run = best_run(&evolution.runs).ok_or_else(|| Skipped {
        what,
        reason: "the evolution has no run".to_owned(),
    })?;
    let nets: [(&str, &FluxMeasures); 3] = [
        ("before", &run.before.measures),
        ("after", &run.after.measures),
        ("N-rooks", &evolution.rooks.measures),
    ];
    let summaries: Vec<Option<&AttractorSummary>> =
        nets.iter().map(|(_, m)| m.attractors.as_ref()).collect();
    let reasons: Vec<String> = nets
        .iter()
        .filter(|(_, m)| m.attractors.is_none())
        .map(|(label, m)| {
            let reason = absent_reason(m, "attractors", &results.config.measure);
            format!("{label}: {reason}")
        })
        .collect();
    if summaries.iter().all(Option::is_none) {
        return Err(Skipped {
            what,
            reason: format!(
                "the attractors were not enumerated ({})",
                reasons.join("; ")
            ),
        });
    }
    let max_period = summaries
        .iter()
        .flatten()
        .map(|s| s.max_period)
        .max()
        .unwrap_or(1)
        .max(1);
    let x_range = (0.5, max_period as f64 + 0.5);
    let hist = |i: usize, basin: bool| -> Histogram {
        let s = summaries[i];
        Histogram {
            x_desc: "period (time steps)".to_owned(),
            y_desc: if basin {
                "states in the basins (count)"
            } else {
                "cycles (count)"
            }
            .to_owned(),
            bins: s.map_or_else(Vec::new, |s| {
                s.periods
                    .iter()
                    .map(|p| {
                        let count = if basin { p.basin } else { p.cycles };
                        (
                            p.period as f64 - 0.5,
                            p.period as f64 + 0.5,
                            usize::try_from(count).unwrap_or(usize::MAX),
                        )
                    })
                    .collect()
            }),
            epochs: vec![],
            x_range,
            x_integer: true,
            y_max: None,
            color: style::palette(i),
            note: s
                .is_none()
                .then(|| "not enumerated (see the caption)".to_owned()),
        }
    };
    let mut panels = Vec::with_capacity(6);
    for basin in [false, true] {
        let mut row: Vec<Histogram> = (0..nets.len()).map(|i| hist(i, basin)).collect();
        let top = row.iter().map(Histogram::top).fold(1.0, f64::max);
        for h in &mut row {
            h.y_max = Some(top);
        }
        for ((i, h), (label, _)) in row.into_iter().enumerate().zip(nets) {
            let title = match summaries[i] {
                Some(s) if basin => format!(
                    "{label}: basin-weighted mean {}",
                    format::trim(s.basin_weighted_mean_period, 2)
                ),
                Some(s) => format!(
                    "{label}: {} cycle{}, mean period {}",
                    s.n_cycles,
                    if s.n_cycles == 1 { "" } else { "s" },
                    format::trim(s.mean_period, 2)
                ),
                None => format!("{label}: not enumerated"),
            };
            panels.push((title, Panel::Histogram(h)));
        }
    }
    let means: Vec<String> = nets
        .iter()
        .zip(&summaries)
        .map(|((label, _), s)| match s {
            Some(s) => format!(
                "{label} {} / {}",
                format::trim(s.mean_period, 3),
                format::trim(s.basin_weighted_mean_period, 3)
            ),
            None => format!("{label} —"),
        })
        .collect();
    let mut caption = format!(
        "The cycles of the deterministic limit (each neuron takes its more likely state) reached from all 2^N states, for run {} (the run with the highest final fitness) before and after evolution and for the N-rooks reference. Top row: the number of cycles of each period; bottom row: the number of states whose trajectory ends on a cycle of that period (its basin), so that the basin-weighted mean period is the period reached from a uniformly drawn state. Mean period (plain / basin-weighted, time steps): {}.",
        run.run,
        means.join("; ")
    );
    if !reasons.is_empty() {
        caption.push_str(&format!(" Not enumerated: {}.", reasons.join("; ")));
    }
    Ok(FigureSpec {
        name: ATTRACTOR_PERIODS.to_owned(),
        title: format!(
            "Attractor periods of run {} before and after evolution, and of the N-rooks reference",
            run.run
        ),
        caption,
        size: (GRID_WIDTH, 820),
        kind: Kind::Grid { columns: 3, panels },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_line_follows_the_pieces() {
        let piece = |x_min, x_max, value| Piece {
            x_min,
            x_max,
            value,
            count: 1,
        };
        let pieces = [
            piece(0.1, 0.2, 1.0),
            piece(0.3, 0.5, 2.0),
            piece(0.7, 0.7, 2.5),
        ];
        assert_eq!(
            step_points(&pieces),
            [
                (0.1, 1.0),
                (0.3, 1.0),
                (0.3, 2.0),
                (0.7, 2.0),
                (0.7, 2.5),
                (0.7, 2.5)
            ]
        );
        assert!(step_points(&[]).is_empty());
    }

    #[test]
    fn numbers_and_cycles_read_plainly() {
        assert_eq!(fixed(Some(0.123_456), 3), "0.123");
        assert_eq!(fixed(None, 3), "—");
        assert_eq!(fixed(Some(f64::NAN), 3), "—");
        assert_eq!(cycles(&[3, 2, 1]), "3+2+1");
        assert_eq!(cycles(&[]), "none");
    }
}
