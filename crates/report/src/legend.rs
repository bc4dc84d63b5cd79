//! Legends drawn by hand in a reserved strip of a figure (so they never cover the data), and the
//! markers and line styles they show.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::style::{self, GREY};

/// Height of one legend row, px.
const ROW: i32 = 22;
/// Width of the line sample, px.
const SAMPLE: i32 = 28;
/// Legend text size.
const SIZE: f64 = 16.0;

/// How a line is stroked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dash {
    /// Continuous.
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dots.
    Dotted,
}

/// A marker shape: one per trajectory on the information plane, or of a scatter's points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A circle.
    Circle,
    /// A square.
    Square,
    /// An upward triangle.
    Triangle,
    /// A diamond.
    Diamond,
}

impl Shape {
    /// The `i`-th shape, cycling.
    pub(crate) fn nth(i: usize) -> Self {
        [Self::Circle, Self::Square, Self::Triangle, Self::Diamond][i % 4]
    }
}

/// What a legend row shows before its label.
#[derive(Clone, Debug)]
pub(crate) enum Glyph {
    /// A line sample.
    Line {
        /// Colour.
        color: RGBColor,
        /// Stroke.
        dash: Dash,
        /// Width, px.
        width: u32,
    },
    /// A line with a marker on it (information-plane trajectories).
    Marker {
        /// Line and outline colour.
        color: RGBColor,
        /// Marker shape.
        shape: Shape,
    },
    /// A marker alone (the points of a scatter).
    Point {
        /// Fill and outline colour.
        color: RGBColor,
        /// Marker shape.
        shape: Shape,
    },
}

/// One legend row.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The text.
    pub label: String,
    /// The sample drawn before it.
    pub glyph: Glyph,
}

/// Turns a drawing error into its message.
pub(crate) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The height a legend of `n` entries in `columns` columns needs, px.
pub(crate) fn height(n: usize, columns: usize) -> u32 {
    let rows = n.div_ceil(columns.max(1));
    (rows as u32) * (ROW as u32) + 12
}

/// Draws `entries` into `area`, filling `columns` columns row by row; labels too long for their
/// column end in "…".
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    columns: usize,
) -> Result<(), String> {
    let columns = columns.max(1);
    let (width, _) = area.dim_in_pixel();
    let column_width = (width as i32) / (columns as i32);
    let label_style = style::anchored(SIZE, HPos::Left, VPos::Center);
    for (i, entry) in entries.iter().enumerate() {
        let x = (i % columns) as i32 * column_width + 8;
        let y = (i / columns) as i32 * ROW + ROW / 2 + 6;
        draw_glyph(area, &entry.glyph, (x, y))?;
        let room = (column_width - SAMPLE - 22).max(20) as u32;
        let label = fit(area, &entry.label, &label_style, room)?;
        area.draw(&Text::new(label, (x + SAMPLE + 8, y), label_style.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// `label`, shortened with "…" until it is at most `room` px wide in `style`.
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle<'_>,
    room: u32,
) -> Result<String, String> {
    let fits = |s: &str| -> Result<bool, String> {
        Ok(area.estimate_text_size(s, style).map_err(err)?.0 <= room)
    };
    if fits(label)? {
        return Ok(label.to_owned());
    }
    let mut chars: Vec<char> = label.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>() + "…";
        if fits(&candidate)? {
            return Ok(candidate);
        }
    }
    Ok("…".to_owned())
}

/// Draws the sample of `glyph` with its left end at `(x, y)`, px.
fn draw_glyph<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    glyph: &Glyph,
    (x, y): (i32, i32),
) -> Result<(), String> {
    let ends = vec![(x, y), (x + SAMPLE, y)];
    match glyph {
        Glyph::Line { color, dash, width } => {
            draw_path_px(area, ends, *dash, color.stroke_width(*width))
        }
        Glyph::Marker { color, shape } => {
            draw_path_px(area, ends, Dash::Solid, color.stroke_width(1))?;
            draw_marker_px(area, (x + SAMPLE / 2, y), *shape, GREY.filled(), *color)
        }
        Glyph::Point { color, shape } => draw_marker_px(
            area,
            (x + SAMPLE / 2, y),
            *shape,
            point_fill(*color),
            *color,
        ),
    }
}

/// Draws a path in pixel coordinates with the given stroke.
fn draw_path_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: Vec<(i32, i32)>,
    dash: Dash,
    stroke: ShapeStyle,
) -> Result<(), String> {
    match dash {
        Dash::Solid => area.draw(&PathElement::new(points, stroke)),
        Dash::Dashed => area.draw(&DashedPathElement::new(points, 7, 4, stroke)),
        Dash::Dotted => area.draw(&DashedPathElement::new(points, 2, 3, stroke)),
    }
    .map_err(err)
}

/// The fill of a scatter point of `color` (slightly translucent, so that overlaps show).
pub(crate) fn point_fill(color: RGBColor) -> ShapeStyle {
    color.mix(0.75).filled()
}

/// Draws a marker of `shape` centred at `(x, y)` px: filled with `fill`, outlined in `outline`.
pub(crate) fn draw_marker_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    shape: Shape,
    fill: ShapeStyle,
    outline: RGBColor,
) -> Result<(), String> {
    let stroke = outline.stroke_width(1);
    let r = 5;
    let outline_points = match shape {
        Shape::Circle => {
            area.draw(&Circle::new((x, y), r, fill)).map_err(err)?;
            return area.draw(&Circle::new((x, y), r, stroke)).map_err(err);
        }
        Shape::Square => vec![
            (x - 4, y - 4),
            (x + 4, y - 4),
            (x + 4, y + 4),
            (x - 4, y + 4),
        ],
        Shape::Triangle => vec![(x, y - 6), (x + 6, y + 4), (x - 6, y + 4)],
        Shape::Diamond => vec![(x, y - 6), (x + 6, y), (x, y + 6), (x - 6, y)],
    };
    area.draw(&Polygon::new(outline_points.clone(), fill))
        .map_err(err)?;
    let mut closed = outline_points;
    if let Some(first) = closed.first().copied() {
        closed.push(first);
    }
    area.draw(&PathElement::new(closed, stroke)).map_err(err)
}
