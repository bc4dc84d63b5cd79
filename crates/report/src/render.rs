//! Figure specifications and their rendering to SVG text and PNG bytes.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::bitmap::PngBackend;
use crate::chart::{self, LegendAt, LineChart};
use crate::heatmap::{self, Cells, Heatmap};
use crate::histogram::{self, Histogram};
use crate::legend::err;
use crate::plane::{self, Plane};
use crate::style;
use crate::{Figure, ReportError};

/// Width of the legend strip to the right of a line chart, px.
const LEGEND_RIGHT: u32 = 330;

/// One figure, ready to draw on any backend.
#[derive(Clone, Debug)]
pub(crate) struct FigureSpec {
    /// File stem.
    pub name: String,
    /// Title (drawn in the figure and shown by the report).
    pub title: String,
    /// Caption (shown by the report).
    pub caption: String,
    /// Size, px.
    pub size: (u32, u32),
    /// What to draw.
    pub kind: Kind,
}

/// The kinds of figure.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// A line chart with its legend at the right.
    Line(LineChart),
    /// A heatmap with a colour bar.
    Heatmap(Heatmap),
    /// A histogram.
    Histogram(Histogram),
    /// An information plane.
    Plane(Plane),
    /// Panels side by side, `columns` to a row, each with its own title.
    Grid {
        /// Panels per row.
        columns: usize,
        /// `(panel title, panel)`.
        panels: Vec<(String, Panel)>,
    },
}

/// A panel of a [`Kind::Grid`].
#[derive(Clone, Debug)]
pub(crate) enum Panel {
    /// A line chart with its legend below.
    Line(LineChart),
    /// A histogram.
    Histogram(Histogram),
    /// A heatmap with its colour bar.
    Heatmap(Heatmap),
}

impl FigureSpec {
    /// The heatmaps of the figure, in drawing order.
    fn heatmaps(&self) -> Vec<&Heatmap> {
        match &self.kind {
            Kind::Heatmap(h) => vec![h],
            Kind::Grid { panels, .. } => panels
                .iter()
                .filter_map(|(_, p)| match p {
                    Panel::Heatmap(h) => Some(h),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        }
    }
}

/// Draws `spec` on `area`; heatmap cells as a placeholder when `vector` (see
/// [`heatmap::embed_cells`]).
fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &FigureSpec,
    vector: bool,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let cells_as = if vector {
        Cells::Placeholder
    } else {
        Cells::Rectangles
    };
    match &spec.kind {
        Kind::Line(c) => chart::draw(area, c, &spec.title, LegendAt::Right(LEGEND_RIGHT)),
        Kind::Heatmap(h) => heatmap::draw(area, h, &spec.title, cells_as),
        Kind::Histogram(h) => histogram::draw(area, h, &spec.title),
        Kind::Plane(p) => plane::draw(area, p, &spec.title),
        Kind::Grid { columns, panels } => {
            let columns = (*columns).clamp(1, panels.len().max(1));
            let rows = panels.len().div_ceil(columns).max(1);
            let body = area.titled(&spec.title, style::bold(21.0)).map_err(err)?;
            let cells = body.split_evenly((rows, columns));
            for (cell, (title, panel)) in cells.iter().zip(panels) {
                match panel {
                    Panel::Line(c) => chart::draw(cell, c, title, LegendAt::Below(2))?,
                    Panel::Histogram(h) => histogram::draw(cell, h, title)?,
                    Panel::Heatmap(h) => heatmap::draw(cell, h, title, cells_as)?,
                }
            }
            Ok(())
        }
    }
}

/// The error for figure `spec` with `detail`.
fn plot_error(spec: &FigureSpec, detail: String) -> ReportError {
    ReportError::Plot {
        figure: spec.name.clone(),
        detail,
    }
}

/// Renders `spec` as an SVG [`Figure`].
pub(crate) fn to_figure(spec: &FigureSpec) -> Result<Figure, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, spec.size).into_drawing_area();
        draw(&root, spec, true).map_err(|d| plot_error(spec, d))?;
        root.present()
            .map_err(|e| plot_error(spec, e.to_string()))?;
    }
    let maps = spec.heatmaps();
    if !maps.is_empty() {
        svg = heatmap::embed_cells(&svg, &maps).map_err(|d| plot_error(spec, d))?;
    }
    Ok(Figure {
        name: spec.name.clone(),
        title: spec.title.clone(),
        caption: spec.caption.clone(),
        svg,
    })
}

/// Renders `spec` as PNG bytes (8-bit RGB, same pixel size as the SVG).
pub(crate) fn to_png(spec: &FigureSpec) -> Result<Vec<u8>, ReportError> {
    let (w, h) = spec.size;
    let mut pixels = vec![255_u8; (w as usize) * (h as usize) * 3];
    {
        let root = PngBackend::new(&mut pixels, (w, h)).into_drawing_area();
        draw(&root, spec, false).map_err(|d| plot_error(spec, d))?;
        root.present()
            .map_err(|e| plot_error(spec, e.to_string()))?;
    }
    encode_png(&pixels, (w, h)).map_err(|d| plot_error(spec, d))
}

/// Encodes 8-bit RGB `pixels` (rows of `size.0` pixels) as PNG.
pub(crate) fn encode_png(pixels: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let encode_error = |e: png::EncodingError| format!("PNG encoding: {e}");
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(pixels).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(out)
}
