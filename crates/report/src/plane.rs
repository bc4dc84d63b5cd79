//! The information plane: one trajectory per estimator over training checkpoints, points
//! coloured by training step.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::chart::titled;
use crate::format;
use crate::heatmap::{ColorScale, draw_bar};
use crate::legend::{self, Entry, Glyph, Shape, draw_marker_px, err};
use crate::style::{self, GRID_BOLD, GRID_LIGHT};

/// Width of the colour-bar strip, px.
const BAR_STRIP: u32 = 130;
/// Space above the plot, px.
const TOP: i32 = 10;
/// Width of the legend strip, px.
const LEGEND_STRIP: u32 = 270;

/// One trajectory.
#[derive(Clone, Debug)]
pub(crate) struct Trajectory {
    /// Legend label.
    pub label: String,
    /// Line and marker outline colour.
    pub color: RGBColor,
    /// Marker shape.
    pub shape: Shape,
    /// `(x, y, training step)` per checkpoint, in display units.
    pub points: Vec<(f64, f64, f64)>,
}

/// An information plane.
#[derive(Clone, Debug)]
pub(crate) struct Plane {
    /// X axis label (with unit).
    pub x_desc: String,
    /// Y axis label (with unit).
    pub y_desc: String,
    /// Colour-bar label.
    pub bar_desc: String,
    /// The trajectories.
    pub trajectories: Vec<Trajectory>,
}

/// Whether a point can be drawn.
fn valid(p: &(f64, f64, f64)) -> bool {
    p.0.is_finite() && p.1.is_finite()
}

/// Draws `plane` with `title` into `area`.
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plane: &Plane,
    title: &str,
) -> Result<(), String> {
    let body = titled(area, title)?;
    let (width, _) = body.dim_in_pixel();
    let (main, rest) =
        body.split_horizontally(width.saturating_sub(BAR_STRIP + LEGEND_STRIP) as i32);
    let (bar, legend_area) = rest.split_horizontally(BAR_STRIP as i32);
    let points = || {
        plane
            .trajectories
            .iter()
            .flat_map(|t| t.points.iter().filter(|p| valid(p)))
    };
    let x = format::linear_range(points().map(|p| p.0), false);
    let y = format::linear_range(points().map(|p| p.1), false);
    let steps = format::finite_min_max(points().map(|p| p.2)).unwrap_or((0.0, 1.0));
    let steps = if steps.1 > steps.0 {
        steps
    } else {
        (steps.0, steps.0 + 1.0)
    };
    let mut ctx = ChartBuilder::on(&main)
        .margin(12)
        .margin_top(TOP)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(err)?;
    ctx.configure_mesh()
        .x_desc(plane.x_desc.as_str())
        .y_desc(plane.y_desc.as_str())
        .axis_desc_style(style::text(17.0))
        .label_style(style::text(15.0))
        .x_label_formatter(&|v| format::tick(*v))
        .y_label_formatter(&|v| format::tick(*v))
        .x_labels(8)
        .y_labels(8)
        .bold_line_style(GRID_BOLD.stroke_width(1))
        .light_line_style(GRID_LIGHT.stroke_width(1))
        .draw()
        .map_err(err)?;
    let (bx, by) = main.get_base_pixel();
    for traj in &plane.trajectories {
        let run: Vec<(f64, f64)> = traj
            .points
            .iter()
            .filter(|p| valid(p))
            .map(|p| (p.0, p.1))
            .collect();
        if run.len() >= 2 {
            ctx.plotting_area()
                .draw(&PathElement::new(run, traj.color.mix(0.7).stroke_width(2)))
                .map_err(err)?;
        }
        for p in traj.points.iter().filter(|p| valid(p)) {
            let (px, py) = ctx.backend_coord(&(p.0, p.1));
            let t = (p.2 - steps.0) / (steps.1 - steps.0);
            draw_marker_px(
                &main,
                (px - bx, py - by),
                traj.shape,
                style::viridis(t).filled(),
                traj.color,
            )?;
        }
        let first = traj.points.iter().find(|p| valid(p));
        let last = traj.points.iter().rev().find(|p| valid(p));
        // The first trajectory's ends are labelled: "first" to the right, "last" to the left.
        let ends = [
            (first, "first", 1, HPos::Left),
            (last, "last", -1, HPos::Right),
        ];
        for (p, word, side, h) in ends {
            if let Some(p) =
                p.filter(|_| plane.trajectories.len() == 1 || traj.shape == Shape::Circle)
            {
                let (px, py) = ctx.backend_coord(&(p.0, p.1));
                let label = Text::new(
                    format!("{word}: step {}", format::trim(p.2, 0)),
                    (px - bx + 9 * side, py - by - 6),
                    style::anchored(13.0, h, VPos::Bottom),
                );
                main.draw(&label).map_err(err)?;
            }
        }
    }
    if points().next().is_none() {
        let text = Text::new(
            "no finite points".to_owned(),
            (0.5 * (x.0 + x.1), 0.5 * (y.0 + y.1)),
            style::anchored(16.0, HPos::Center, VPos::Center),
        );
        ctx.plotting_area().draw(&text).map_err(err)?;
    }
    draw_bar(&bar, &plane.bar_desc, steps, TOP, ColorScale::Sequential)?;
    let entries: Vec<Entry> = plane
        .trajectories
        .iter()
        .map(|t| Entry {
            label: t.label.clone(),
            glyph: Glyph::Marker {
                color: t.color,
                shape: t.shape,
            },
        })
        .collect();
    legend::draw(&legend_area.margin(TOP, 0, 0, 0), &entries, 1)
}
