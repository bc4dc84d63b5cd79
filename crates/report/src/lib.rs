//! # infoscope-report
//!
//! Brief overview: turns the [`Results`] of `infoscope-analysis` (the Go-task experiment) or
//! its [`FluxResults`] (the flux experiment, `kind = "flux"`) or its [`BalancedResults`] (the
//! balanced-network experiment, `kind = "balanced"`) into figures and one self-contained HTML
//! page. It never recomputes a number: it converts units (nats to bits, steps to milliseconds)
//! and takes simple summaries for axes and tables (minimum, maximum and the time of the maximum
//! of a curve, counts of peak times per bin, the largest weight magnitude).
//!
//! - [`figures`] (and [`flux_figures`], [`balanced_figures`]) draws every figure as an SVG
//!   string ([`Figure`]).
//! - [`render_html`] (and [`render_flux_html`], [`render_balanced_html`]) lays the figures,
//!   summary tables and settings out as one HTML page with the SVGs inline, the CSS inline, no
//!   external resource and no JavaScript.
//! - [`write_report`] (and [`write_flux_report`], [`write_balanced_report`]) writes
//!   `report.html` and `figures/NAME.svg` (plus `NAME.png` when [`ReportOptions::png`] is set),
//!   each file atomically.
//! - [`ReportOptions`] chooses the unit of the axes and tables ([`Unit`]), PNG output and the
//!   page title; [`ReportError`] says what went wrong.
//!
//! Text in the figures is measured and (in PNGs) drawn with one embedded font, DejaVu Sans
//! (Bitstream Vera licence, `assets/DejaVuSans-LICENSE.txt`); the SVGs ask for
//! `font-family="DejaVu Sans, sans-serif"`.
//!
//! ```no_run
//! use std::path::Path;
//! use infoscope_analysis::Results;
//! use infoscope_report::{ReportOptions, write_report};
//!
//! let results: Results = infoscope_io::read_json(Path::new("runs/go/results.json"))?;
//! let files = write_report(&results, Path::new("runs/go/report"), &ReportOptions::default())?;
//! println!("{} and {} figures", files.html.display(), files.figures.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod bitmap;
mod chart;
mod font;
mod format;
mod heatmap;
mod histogram;
mod html;
mod legend;
mod plane;
mod render;
mod specs;
mod style;

use std::path::{Path, PathBuf};

pub use infoscope_analysis as analysis;
use infoscope_analysis::Results;
use infoscope_analysis::balanced::BalancedResults;
pub use infoscope_analysis::estimators::Unit;
use infoscope_analysis::flux::FluxResults;

use crate::render::FigureSpec;

/// How a report is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportOptions {
    /// The unit of information on every axis and in every table (the Results are in nats).
    pub unit: Unit,
    /// Whether [`write_report`] also writes a PNG of every figure (the SVG is always written).
    pub png: bool,
    /// The page title of `report.html`.
    pub title: String,
}

impl Default for ReportOptions {
    /// Bits, no PNG, the title `"infoscope report"`.
    fn default() -> Self {
        Self {
            unit: Unit::Bits,
            png: false,
            title: "infoscope report".to_owned(),
        }
    }
}

/// One drawn figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// File stem, e.g. `"leaky_rnn_layer_stimulus"` (a slug of the network's name, then what the
    /// figure shows); unique within one report.
    pub name: String,
    /// A one-line title.
    pub title: String,
    /// What the figure shows and how to read it (plain text).
    pub caption: String,
    /// The figure as a standalone SVG document (`<svg ...>...</svg>`, no XML declaration). Text
    /// is SVG text; a heatmap's cells are one embedded PNG image (a `data:` URI).
    pub svg: String,
}

/// The files [`write_report`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFiles {
    /// `DIR/report.html`.
    pub html: PathBuf,
    /// `DIR/figures/NAME.svg` for every figure, each followed by `NAME.png` when PNGs were asked
    /// for.
    pub figures: Vec<PathBuf>,
}

/// What can go wrong while drawing or writing a report.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Drawing or encoding one figure failed.
    #[error("cannot draw figure {figure}: {detail}")]
    Plot {
        /// The figure's name.
        figure: String,
        /// What the drawing library said.
        detail: String,
    },
    /// The embedded font could not be registered with the drawing library.
    #[error("cannot register the embedded font: {detail}")]
    Font {
        /// Why.
        detail: String,
    },
    /// Writing a file failed.
    #[error(transparent)]
    Io(#[from] infoscope_io::IoError),
}

/// Draws every figure of `results` as SVG, in report order: per network the MI-over-time panels,
/// the neuron × time heatmap, the peak-time histogram, the information plane, the gradient SNR
/// and norms, the Kolchinsky–Tracey σ² sweep; then, with two networks or more, the comparison
/// figures. Panels without curves and absent analyses are skipped.
///
/// # Errors
///
/// [`ReportError::Font`] when the embedded font cannot be registered, [`ReportError::Plot`] when
/// the drawing library fails on a figure.
pub fn figures(results: &Results, options: &ReportOptions) -> Result<Vec<Figure>, ReportError> {
    font::ensure_registered()?;
    specs::build(results, options.unit)
        .iter()
        .map(render::to_figure)
        .collect()
}

/// Lays `figures` (from [`figures`]) out as one self-contained HTML page: the title, a summary
/// table per network (recording, performance, active neurons, peak-time spread, each curve's
/// maximum and its time), every figure with its title and caption, and every setting, seed and
/// version. All text is HTML-escaped; the page has no external resource and no script.
#[must_use]
pub fn render_html(results: &Results, figures: &[Figure], options: &ReportOptions) -> String {
    html::go::render(results, figures, options)
}

/// Writes `dir/report.html` and `dir/figures/NAME.svg` (plus `NAME.png` when
/// [`ReportOptions::png`] is set) for every figure, creating the folders as needed. Every file is
/// written atomically (a temporary file renamed into place).
///
/// # Errors
///
/// [`ReportError::Io`] naming the file that could not be written, and the errors of
/// [`figures`].
pub fn write_report(
    results: &Results,
    dir: &Path,
    options: &ReportOptions,
) -> Result<ReportFiles, ReportError> {
    font::ensure_registered()?;
    let specs = specs::build(results, options.unit);
    write_files(&specs, dir, options, |figures| {
        render_html(results, figures, options)
    })
}

/// Draws every figure of a flux experiment's `results` as SVG, in report order: the flux
/// against each correlation proxy over the sweep (`flux_vs_proxy`), the fitness of every
/// evolution run over the generations (`evolution_fitness`), the weights of the best run
/// before and after beside the N-rooks reference (`evolution_weights`) and their attractor
/// periods (`attractor_periods`). A figure whose data are absent (the sweep or the evolution
/// not run, no attractors enumerated) is skipped; [`render_flux_html`] says why.
///
/// # Errors
///
/// As [`figures`].
pub fn flux_figures(
    results: &FluxResults,
    options: &ReportOptions,
) -> Result<Vec<Figure>, ReportError> {
    font::ensure_registered()?;
    specs::flux::build(results, options.unit)
        .iter()
        .map(render::to_figure)
        .collect()
}

/// Lays the flux experiment's `figures` (from [`flux_figures`]) out as one self-contained HTML
/// page: the title; the sweep (networks, per proxy Spearman ρ, Pearson r and the R² of the
/// isotonic fit, the best proxy); the evolution (per run the start and final fitness, the
/// evaluations, the exact flux before and after, the mean periods, the permutation structure,
/// and the N-rooks reference); every measure of each network from files, with the reason for
/// each missing one; each figure with its title and caption, or why it is not drawn; every
/// setting, seed and version. All text is HTML-escaped; the page has no external resource and
/// no script.
#[must_use]
pub fn render_flux_html(
    results: &FluxResults,
    figures: &[Figure],
    options: &ReportOptions,
) -> String {
    html::flux::render(results, figures, options)
}

/// Writes the flux experiment's report: `dir/report.html` and `dir/figures/NAME.svg` (plus
/// `NAME.png` when [`ReportOptions::png`] is set) for every figure of [`flux_figures`],
/// creating the folders as needed, each file atomically (a temporary file renamed into place).
///
/// # Errors
///
/// As [`write_report`].
pub fn write_flux_report(
    results: &FluxResults,
    dir: &Path,
    options: &ReportOptions,
) -> Result<ReportFiles, ReportError> {
    font::ensure_registered()?;
    let specs = specs::flux::build(results, options.unit);
    write_files(&specs, dir, options, |figures| {
        render_flux_html(results, figures, options)
    })
}

/// Draws every figure of a balanced-network experiment's `results` as SVG, in report order: the
/// information rate against the balance factor b with its least-squares line per g
/// (`rate_vs_balance`), the rate density r(f) per g at the smallest and largest b every g
/// shares (`rate_density`), the population time constants and the cancellation index against
/// b (`time_constant_vs_balance`), the test error, balance, cancellation and rate over
/// training per S (`training_curves`), the eigenvalues of J·diag(φ′) before and after training
/// (`eigenvalues`) and the trained couplings in cluster order (`couplings_by_cluster`). Rates
/// are converted from nats/τ to [`ReportOptions::unit`] per τ. A figure whose data are absent
/// (the sweep or training not run, no rate, no clusters because every S is 1) is skipped;
/// [`render_balanced_html`] says why.
///
/// # Errors
///
/// As [`figures`].
pub fn balanced_figures(
    results: &BalancedResults,
    options: &ReportOptions,
) -> Result<Vec<Figure>, ReportError> {
    font::ensure_registered()?;
    specs::balanced::build(results, options.unit)
        .iter()
        .map(render::to_figure)
        .collect()
}

/// Lays the balanced-network experiment's `figures` (from [`balanced_figures`]) out as one
/// self-contained HTML page: the title; the sweep (its settings, per grid point the trials
/// with and without a rate, the rate's mean and standard deviation, the time constants, the
/// cancellation index, the mean population rate and the first failure; per g the
/// least-squares line of the rate against b); the training runs (per S the epochs and the test
/// error, balance, cancellation and rate at the start and the end, the clusters and any early
/// stop); each figure with its title and caption, or why it is not drawn; every setting, seed
/// and version. All text is HTML-escaped; the page has no external resource and no script.
#[must_use]
pub fn render_balanced_html(
    results: &BalancedResults,
    figures: &[Figure],
    options: &ReportOptions,
) -> String {
    html::balanced::render(results, figures, options)
}

/// Writes the balanced-network experiment's report: `dir/report.html` and
/// `dir/figures/NAME.svg` (plus `NAME.png` when [`ReportOptions::png`] is set) for every figure
/// of [`balanced_figures`], creating the folders as needed, each file atomically (a temporary
/// file renamed into place).
///
/// # Errors
///
/// As [`write_report`].
pub fn write_balanced_report(
    results: &BalancedResults,
    dir: &Path,
    options: &ReportOptions,
) -> Result<ReportFiles, ReportError> {
    font::ensure_registered()?;
    let specs = specs::balanced::build(results, options.unit);
    write_files(&specs, dir, options, |figures| {
        render_balanced_html(results, figures, options)
    })
}

/// Renders and writes every figure of `specs` (SVG, and PNG when asked for) under
/// `dir/figures`, then `dir/report.html` as `page` lays the figures out; each file atomically.
fn write_files(
    specs: &[FigureSpec],
    dir: &Path,
    options: &ReportOptions,
    page: impl FnOnce(&[Figure]) -> String,
) -> Result<ReportFiles, ReportError> {
    let figure_dir = dir.join("figures");
    let mut figures = Vec::with_capacity(specs.len());
    let mut paths = Vec::new();
    for spec in specs {
        let figure = render::to_figure(spec)?;
        let svg_path = figure_dir.join(format!("{}.svg", figure.name));
        infoscope_io::write_text(&svg_path, &figure.svg)?;
        paths.push(svg_path);
        if options.png {
            let png = render::to_png(spec)?;
            let png_path = figure_dir.join(format!("{}.png", figure.name));
            infoscope_io::write_bytes(&png_path, &png)?;
            paths.push(png_path);
        }
        figures.push(figure);
    }
    let html_path = dir.join("report.html");
    infoscope_io::write_text(&html_path, &page(&figures))?;
    Ok(ReportFiles {
        html: html_path,
        figures: paths,
    })
}
